//! Exports of the ledger for other provenance tools: W3C PROV-JSON of the whole ledger, and an
//! in-toto Statement v1 per version, audit and note.

use serde_json::{Map, Value, json};

use super::{Body, Digest, Record, RelationKind};

/// The PROV relation each witness relation becomes.
fn prov_relation(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::TranscriptionOf | RelationKind::TranslationOf => "wasDerivedFrom",
        RelationKind::RevisionOf => "wasRevisionOf",
        RelationKind::Quotes => "wasQuotedFrom",
        RelationKind::GeneratedBy => "wasGeneratedBy",
    }
}

/// A version's entity, named by its object digest (`witness:` alone for another record).
fn entity_id(r: &Record) -> String {
    match r.version() {
        Some(v) => format!("witness:{}", v.sha256),
        None => "witness:".to_string(),
    }
}

/// A record's activity.
fn activity_id(r: &Record) -> String {
    format!("witness:record/{}", r.seq)
}

/// Adds an entity's attributes, leaving out absent ones (PROV-JSON has no null); an entity
/// already there (the same bytes recorded twice, or a report later added as a version) keeps
/// its attributes and gains the new ones.
fn add_entity(entities: &mut Map<String, Value>, id: String, attributes: Value) {
    let Value::Object(attributes) = attributes else {
        return;
    };
    let Value::Object(entity) = entities
        .entry(id)
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return;
    };
    for (k, v) in attributes {
        if !v.is_null() {
            entity.entry(k).or_insert(v);
        }
    }
}

/// W3C PROV-JSON: an activity per record; an entity per version (named by its object digest),
/// per report an audit wrote (named by the report's digest, `prov:type` `witness:report`) and
/// per note (`witness:note/N`, its text as `prov:value`), each `wasGeneratedBy` its record's
/// activity; `used` for the inputs of audits; and the relations between versions as
/// `wasDerivedFrom`, `wasRevisionOf` or `wasQuotedFrom`, a `generated_by` as one more
/// `wasGeneratedBy` (the version, by the audit's activity).
pub fn prov_json(records: &[Record]) -> Value {
    let mut entity = Map::new();
    let mut activity = Map::new();
    let mut generated = Map::new();
    let mut used = Map::new();
    let mut relations: Map<String, Value> = Map::new();
    let by_id = |id: &Digest| records.iter().find(|r| r.id == *id);
    for r in records {
        let act = activity_id(r);
        let mut attributes = json!({"prov:type": format!("witness:{}", r.kind()), "prov:startTime": r.time, "witness:id": r.id});
        if let Body::Audit(a) = &r.body {
            attributes["witness:report"] = json!(a.report);
            attributes["witness:report_sha256"] = json!(a.report_sha256);
        }
        activity.insert(act.clone(), attributes);
        match &r.body {
            Body::Version(v) => {
                let e = entity_id(r);
                add_entity(
                    &mut entity,
                    e.clone(),
                    json!({
                        "prov:label": v.label,
                        "witness:path": v.path,
                        "witness:text_sha256": v.text_sha256,
                        "witness:encoding": v.encoding,
                        "witness:bytes": v.bytes.to_string(),
                        "witness:role": v.role,
                        "witness:source": v.source,
                        "witness:note": v.note,
                    }),
                );
                generated.insert(
                    format!("_:gen{}", r.seq),
                    json!({"prov:entity": e, "prov:activity": act}),
                );
                for (i, rel) in v.relations.iter().enumerate() {
                    let Some(t) = by_id(&rel.target) else {
                        continue;
                    };
                    let (kind, id) = (rel.kind.name(), format!("_:rel{}_{i}", r.seq));
                    if rel.kind.targets_audit() {
                        generated.insert(
                            id,
                            json!({"prov:entity": e, "prov:activity": activity_id(t), "witness:relation": kind}),
                        );
                        continue;
                    }
                    // Every one of these is a kind of derivation: generated from used.
                    if let Value::Object(m) = relations
                        .entry(prov_relation(rel.kind))
                        .or_insert_with(|| Value::Object(Map::new()))
                    {
                        m.insert(
                            id,
                            json!({"prov:generatedEntity": e, "prov:usedEntity": entity_id(t), "witness:relation": kind}),
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
                let e = format!("witness:{}", a.report_sha256);
                add_entity(
                    &mut entity,
                    e.clone(),
                    json!({"prov:type": "witness:report", "witness:report": a.report, "witness:sha256": a.report_sha256}),
                );
                generated.insert(
                    format!("_:report{}", r.seq),
                    json!({"prov:entity": e, "prov:activity": act}),
                );
            }
            Body::Note(n) => {
                let e = format!("witness:note/{}", r.seq);
                add_entity(
                    &mut entity,
                    e.clone(),
                    json!({"prov:type": "witness:note", "prov:value": n.text}),
                );
                generated.insert(
                    format!("_:note{}", r.seq),
                    json!({"prov:entity": e, "prov:activity": act}),
                );
            }
            Body::Repair(_) | Body::Incident(_) => {}
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

/// In-toto Statements v1, one per line, in record order: per version (the subject is the
/// file, its path and sha256; the predicate what the ledger knows of it, its note included),
/// per audit (the subject is the report the audit wrote, named `REPORT report, record N`, with
/// its sha256; the predicate its inputs, profile and tool) and per note (the subject is the
/// note's text, named `note, record N`, with the sha256 of its UTF-8 bytes; the predicate the
/// text itself, so the digest can be checked against it).
pub fn in_toto(records: &[Record]) -> Vec<Value> {
    records
        .iter()
        .filter_map(|r| {
            let (name, sha256, predicate_type, predicate) = match &r.body {
                Body::Version(v) => (
                    v.path.clone(),
                    v.sha256,
                    "version",
                    json!({
                        "label": v.label,
                        "text_sha256": v.text_sha256,
                        "encoding": v.encoding,
                        "bytes": v.bytes.to_string(),
                        "role": v.role,
                        "source": v.source,
                        "note": v.note,
                        "relations": v.relations,
                    }),
                ),
                Body::Audit(a) => (
                    format!("{} report, record {}", a.report, r.seq),
                    a.report_sha256,
                    "audit",
                    json!({
                        "report": a.report,
                        "inputs": a.inputs,
                        "profile": a.profile,
                        "tool": a.tool,
                    }),
                ),
                Body::Note(n) => (
                    format!("note, record {}", r.seq),
                    Digest::of(n.text.as_bytes()),
                    "note",
                    json!({"text": n.text}),
                ),
                Body::Repair(_) | Body::Incident(_) => return None,
            };
            let mut predicate = predicate;
            predicate["record"] = json!(r.id);
            predicate["seq"] = json!(r.seq);
            predicate["time"] = json!(r.time);
            Some(json!({
                "_type": "https://in-toto.io/Statement/v1",
                "subject": [{"name": name, "digest": {"sha256": sha256}}],
                "predicateType": format!("https://witness.invalid/{predicate_type}/v1"),
                "predicate": predicate,
            }))
        })
        .collect()
}
