//! Exports of the ledger for other provenance tools: W3C PROV-JSON of the whole ledger, and an
//! in-toto Statement v1 per version.

use serde_json::{Map, Value, json};

use super::{Body, Digest, Record, RelationKind};

/// The PROV relation each witness relation becomes.
fn prov_relation(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::TranscriptionOf | RelationKind::TranslationOf => "wasDerivedFrom",
        RelationKind::RevisionOf => "wasRevisionOf",
        RelationKind::Quotes => "wasQuotedFrom",
    }
}

/// A version's entity, named by its object digest (`witness:` alone for another record).
fn entity_id(r: &Record) -> String {
    match r.version() {
        Some(v) => format!("witness:{}", v.sha256),
        None => "witness:".to_string(),
    }
}

/// W3C PROV-JSON: an entity per version (named by its object digest), an activity per record,
/// `wasGeneratedBy` for versions, `used` for the inputs of audits, and the relations between
/// versions as `wasDerivedFrom`, `wasRevisionOf` or `wasQuotedFrom`.
pub fn prov_json(records: &[Record]) -> Value {
    let mut entity = Map::new();
    let mut activity = Map::new();
    let mut generated = Map::new();
    let mut used = Map::new();
    let mut relations: Map<String, Value> = Map::new();
    let by_id = |id: &Digest| records.iter().find(|r| r.id == *id);
    for r in records {
        let act = format!("witness:record/{}", r.seq);
        activity.insert(
            act.clone(),
            json!({"prov:type": format!("witness:{}", r.kind()), "prov:startTime": r.time, "witness:id": r.id}),
        );
        match &r.body {
            Body::Version(v) => {
                let e = entity_id(r);
                entity.insert(
                    e.clone(),
                    json!({
                        "prov:label": v.label,
                        "witness:path": v.path,
                        "witness:text_sha256": v.text_sha256,
                        "witness:encoding": v.encoding,
                        "witness:bytes": v.bytes.to_string(),
                        "witness:role": v.role,
                        "witness:source": v.source,
                    }),
                );
                generated.insert(
                    format!("_:gen{}", r.seq),
                    json!({"prov:entity": e, "prov:activity": act}),
                );
                for rel in &v.relations {
                    let Some(t) = by_id(&rel.target) else {
                        continue;
                    };
                    let (kind, name) = (rel.kind.name(), prov_relation(rel.kind));
                    // Every one of these is a kind of derivation: generated from used.
                    let rel_map = relations
                        .entry(name)
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(m) = rel_map {
                        m.insert(
                            format!("_:{name}{}", r.seq),
                            json!({"prov:generatedEntity": entity_id(r), "prov:usedEntity": entity_id(t), "witness:relation": kind}),
                        );
                    }
                }
            }
            Body::Audit(a) => {
                for (n, input) in a.inputs.iter().enumerate() {
                    used.insert(
                        format!("_:use{}_{n}", r.seq),
                        json!({"prov:activity": act, "prov:entity": format!("witness:{}", input.sha256)}),
                    );
                }
            }
            Body::Note(_) | Body::Repair(_) | Body::Incident(_) => {}
        }
    }
    let mut doc = Map::new();
    doc.insert(
        "prefix".into(),
        json!({"witness": "https://witness.invalid/ns#"}),
    );
    doc.insert("entity".into(), Value::Object(entity));
    doc.insert("activity".into(), Value::Object(activity));
    doc.insert("wasGeneratedBy".into(), Value::Object(generated));
    doc.insert("used".into(), Value::Object(used));
    for (k, v) in relations {
        doc.insert(k, v);
    }
    Value::Object(doc)
}

/// One in-toto Statement v1 per version: the subject is the file (path and sha256), the
/// predicate what the ledger knows of it.
pub fn in_toto(records: &[Record]) -> Vec<Value> {
    records
        .iter()
        .filter_map(|r| r.version().map(|v| (r, v)))
        .map(|(r, v)| {
            json!({
                "_type": "https://in-toto.io/Statement/v1",
                "subject": [{"name": v.path, "digest": {"sha256": v.sha256}}],
                "predicateType": "https://witness.invalid/version/v1",
                "predicate": {
                    "record": r.id,
                    "seq": r.seq,
                    "label": v.label,
                    "text_sha256": v.text_sha256,
                    "encoding": v.encoding,
                    "bytes": v.bytes.to_string(),
                    "role": v.role,
                    "source": v.source,
                    "relations": v.relations,
                    "time": r.time,
                }
            })
        })
        .collect()
}
