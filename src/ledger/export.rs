//! Exports of the ledger for other provenance tools: W3C PROV-JSON of the whole ledger, and an
//! in-toto Statement v1 per version.

use serde_json::{Map, Value, json};

use super::Record;

/// The PROV relation each witness relation becomes.
fn prov_relation(kind: &str) -> &'static str {
    match kind {
        "transcription_of" | "translation_of" => "wasDerivedFrom",
        "revision_of" => "wasRevisionOf",
        "quotes" => "wasQuotedFrom",
        _ => "hadPrimarySource",
    }
}

fn entity_id(r: &Record) -> String {
    format!("witness:{}", r.str("sha256").unwrap_or(""))
}

/// W3C PROV-JSON: an entity per version (named by its object digest), an activity per record,
/// `wasGeneratedBy` for versions, `used` for the inputs of audits, and the relations between
/// versions as `wasDerivedFrom`, `wasRevisionOf`, `wasQuotedFrom` or `hadPrimarySource`.
pub fn prov_json(records: &[Record]) -> Value {
    let mut entity = Map::new();
    let mut activity = Map::new();
    let mut generated = Map::new();
    let mut used = Map::new();
    let mut relations: Map<String, Value> = Map::new();
    let by_id = |id: &str| records.iter().find(|r| r.id == id);
    for r in records {
        let act = format!("witness:record/{}", r.seq);
        activity.insert(
            act.clone(),
            json!({"prov:type": format!("witness:{}", r.kind()), "prov:startTime": r.str("time"), "witness:id": r.id}),
        );
        match r.kind() {
            "version" => {
                let e = entity_id(r);
                entity.insert(
                    e.clone(),
                    json!({
                        "prov:label": r.str("label"),
                        "witness:path": r.str("path"),
                        "witness:text_sha256": r.str("text_sha256"),
                        "witness:encoding": r.str("encoding"),
                        "witness:bytes": r.str("bytes"),
                        "witness:role": r.str("role"),
                        "witness:source": r.str("source"),
                    }),
                );
                generated.insert(
                    format!("_:gen{}", r.seq),
                    json!({"prov:entity": e, "prov:activity": act}),
                );
                for rel in r
                    .body
                    .get("relations")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let (Some(kind), Some(target)) = (rel["type"].as_str(), rel["target"].as_str())
                    else {
                        continue;
                    };
                    let Some(t) = by_id(target) else { continue };
                    let name = prov_relation(kind);
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
            "audit" => {
                for (n, input) in r
                    .body
                    .get("inputs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if let Some(sha) = input["sha256"].as_str() {
                        used.insert(
                            format!("_:use{}_{n}", r.seq),
                            json!({"prov:activity": act, "prov:entity": format!("witness:{sha}")}),
                        );
                    }
                }
            }
            _ => {}
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
        .filter(|r| r.kind() == "version")
        .map(|r| {
            json!({
                "_type": "https://in-toto.io/Statement/v1",
                "subject": [{"name": r.str("path"), "digest": {"sha256": r.str("sha256")}}],
                "predicateType": "https://witness.invalid/version/v1",
                "predicate": {
                    "record": r.id,
                    "seq": r.seq,
                    "label": r.str("label"),
                    "text_sha256": r.str("text_sha256"),
                    "encoding": r.str("encoding"),
                    "bytes": r.str("bytes"),
                    "role": r.str("role"),
                    "source": r.str("source"),
                    "relations": r.body.get("relations").cloned().unwrap_or(json!([])),
                    "time": r.str("time"),
                }
            })
        })
        .collect()
}
