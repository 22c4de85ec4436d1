//! Checking a ledger: every record's form and id, the chain, the sequence, every stored
//! object's digest, the Merkle root, and agreement with the checkpoint. The first problem is
//! reported exactly: which record, on which line, what differs.

use std::io::Read;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::merkle::{self, Hash};
use super::note::TreeHead;
use super::{CheckpointState, GENESIS, Ledger, LedgerError, Record, hex, unhex};

/// The outcome of a verification.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Complete records read.
    pub records: u64,
    /// Merkle root over them.
    pub root: String,
    /// The first problem found, in words; `None` when intact.
    pub problem: Option<String>,
    /// Incidents the log records (disagreements with the checkpoint that were accepted), as
    /// `record N: what`: not damage, but never to be passed over in silence.
    pub incidents: Vec<String>,
}

/// Verifies the whole ledger.
pub fn verify(ledger: &Ledger) -> Result<Verification, LedgerError> {
    // A shared lock: appends (exclusive) finish before the log and checkpoint are read, so a
    // concurrent append is never mistaken for removed records. A ledger where the lock file
    // cannot be created (read-only) cannot be appended to either.
    let lock = ledger.lock_file().ok();
    if let Some(l) = &lock {
        let _ = l.lock_shared();
    }
    let path = ledger.log_path();
    let bytes = std::fs::read(&path).map_err(super::io(&path))?;
    let mut leaves: Vec<Hash> = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    let mut problem = None;
    let (lines, torn) = super::log_lines(&bytes);
    for (i, raw) in lines.into_iter().enumerate() {
        let line_no = i + 1;
        let Ok(line) = std::str::from_utf8(raw) else {
            problem = Some(format!("line {line_no} is not UTF-8"));
            break;
        };
        let record = match Record::parse(line) {
            Ok(r) => r,
            // A record with a bad field names itself and the field.
            Err(e) if e.is_field() => {
                problem = Some(format!("line {line_no}: {e}"));
                break;
            }
            Err(e) => {
                problem = Some(format!("line {line_no} (record {i}) is {e}"));
                break;
            }
        };
        if let Some(p) = chain_problem(&records, &record, i) {
            problem = Some(p);
            break;
        }
        if let Some(p) = object_problem(ledger, &record)? {
            problem = Some(p);
            break;
        }
        leaves.push(*record.id.as_bytes());
        records.push(record);
    }
    if problem.is_none() && torn > 0 {
        problem = Some(format!(
            "the last line is torn ({torn} bytes after record {}, an interrupted append); the next append cuts it off and records the repair",
            records.len().saturating_sub(1)
        ));
    }
    if problem.is_none() {
        problem = checkpoint_problem(ledger, &records, &leaves);
    }
    let incidents = records
        .iter()
        .filter_map(|r| match &r.body {
            super::Body::Incident(x) => Some(format!("record {}: {}", r.seq, x.what)),
            _ => None,
        })
        .collect();
    Ok(Verification {
        records: records.len() as u64,
        root: hex(&merkle::root(&leaves)),
        problem,
        incidents,
    })
}

/// Sequence and chain: record `i` must have seq `i` and name record `i-1`'s id as `prev`.
fn chain_problem(records: &[Record], r: &Record, i: usize) -> Option<String> {
    let line = i + 1;
    if r.seq != i as u64 {
        return Some(if r.seq > i as u64 {
            format!(
                "line {line} holds record {} where record {i} should be: record {i} was removed (or records reordered)",
                r.seq
            )
        } else {
            format!(
                "line {line} holds record {} after record {}: records were reordered or duplicated",
                r.seq,
                i.saturating_sub(1)
            )
        });
    }
    let expected = records.last().map_or(GENESIS, |p| p.id);
    let prev = r.prev;
    if prev != expected {
        return Some(format!(
            "record {i} (line {line}) names {prev} as previous, but record {} has id {expected}: record {} was altered after record {i} was written",
            i.saturating_sub(1),
            i.saturating_sub(1)
        ));
    }
    None
}

/// A version's object must be there and hash to its digest.
fn object_problem(ledger: &Ledger, r: &Record) -> Result<Option<String>, LedgerError> {
    let Some(v) = r.version() else {
        return Ok(None);
    };
    let sha256 = &v.sha256;
    let path = ledger.object_path(sha256);
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(_) => {
            return Ok(Some(format!(
                "record {}: the object {sha256} ({}) is missing from the store",
                r.seq, v.path
            )));
        }
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(super::io(&path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let actual = super::Digest::from_bytes(hasher.finalize().into());
    Ok((actual != *sha256).then(|| {
        format!(
            "record {}: the stored object for {} should have sha256 {sha256} but its bytes hash to {actual}: the object was replaced",
            r.seq, v.path
        )
    }))
}

/// The checkpoint must be there and describe exactly this ledger.
fn checkpoint_problem(ledger: &Ledger, records: &[Record], leaves: &[Hash]) -> Option<String> {
    let c = match ledger.checkpoint_state() {
        CheckpointState::Present(c) => c,
        CheckpointState::Missing if records.is_empty() => return None,
        // The first append writes the log, then the checkpoint: stopped in between, it leaves
        // one record and no checkpoint, which the next append accepts as an incident.
        CheckpointState::Missing if records.len() == 1 => {
            return Some(
                "the checkpoint (.witness/checkpoint.json) is missing while the log holds 1 record: an interrupted append (the first, stopped between writing the log and the checkpoint) or a deleted checkpoint; the next append records this as an incident and writes a new checkpoint".into(),
            );
        }
        CheckpointState::Missing => {
            return Some(format!(
                "the checkpoint (.witness/checkpoint.json) is missing, though every append writes one: it was deleted; `witness repair` records that and starts a new one from the {} records of the log",
                records.len()
            ));
        }
        CheckpointState::Unreadable(why) => {
            return Some(format!("the checkpoint cannot be read: {why}"));
        }
    };
    let size = c.frontier.size as usize;
    if size > leaves.len() {
        return Some(format!(
            "the checkpoint recorded {size} records but the ledger has {}: records {}..{} were removed",
            leaves.len(),
            leaves.len(),
            size - 1
        ));
    }
    if size > 0 && records[size - 1].id != c.last_id {
        return Some(format!(
            "record {} differs from the one the checkpoint recorded (id {}): it was altered",
            size - 1,
            c.last_id
        ));
    }
    if merkle::root(&leaves[..size]) != c.frontier.root() {
        return Some(format!(
            "the first {size} records do not hash to the checkpoint's root: a record was altered"
        ));
    }
    (size < leaves.len()).then(|| {
        format!(
            "the checkpoint covers {size} of the {} records: records {size}..{} were added without it (an interrupted append, or another program); the next append records this as an incident",
            leaves.len(),
            leaves.len() - 1
        )
    })
}

/// Checks the ledger against a tree head kept elsewhere: the same origin, at least as many
/// records, and a consistency proof from the head's tree to today's. `Ok(Ok(what))` when the
/// history up to the head is unchanged, `Ok(Err(what))` when it was rewritten.
pub fn check_head(ledger: &Ledger, head: &TreeHead) -> Result<Result<String, String>, LedgerError> {
    let records = ledger.records()?;
    let leaves: Vec<Hash> = records.iter().map(|r| *r.id.as_bytes()).collect();
    let origin = Ledger::origin(&records);
    if head.origin != origin {
        return Ok(Err(format!(
            "the checkpoint names the ledger {:?}, but this ledger is {origin:?}: it is another ledger's, or record 0 was rewritten",
            head.origin
        )));
    }
    let (m, n) = (head.size, leaves.len() as u64);
    if m > n {
        return Ok(Err(format!(
            "the checkpoint covers {m} records but the ledger holds {n}: records {n}..{} were removed",
            m - 1
        )));
    }
    let proof = merkle::consistency_proof(m as usize, &leaves);
    let root = merkle::root(&leaves);
    Ok(
        if merkle::verify_consistency(m, n, &head.root, &root, &proof) {
            Ok(format!(
                "the ledger of {n} records extends the checkpoint of {m} records (root {}): nothing recorded by then was changed",
                hex(&head.root)
            ))
        } else {
            Err(format!(
                "the first {m} records no longer hash to the checkpoint's root {}: the history was rewritten",
                hex(&head.root)
            ))
        },
    )
}

/// An inclusion proof of `record` in the current tree, as JSON (`witness/proof/1`).
pub fn inclusion_proof(ledger: &Ledger, record: &Record) -> Result<Value, LedgerError> {
    let leaves = leaf_hashes(ledger)?;
    let i = record.seq as usize;
    Ok(json!({
        "schema": PROOF_SCHEMA,
        "type": "inclusion",
        "leaf_index": record.seq.to_string(),
        "tree_size": leaves.len().to_string(),
        "leaf_hash": record.id.to_string(),
        "root": hex(&merkle::root(&leaves)),
        "path": merkle::inclusion_proof(i, &leaves).iter().map(hex).collect::<Vec<_>>(),
    }))
}

/// A consistency proof from the tree of the first `old_size` records to the current one.
pub fn consistency_proof(ledger: &Ledger, old_size: usize) -> Result<Value, LedgerError> {
    let leaves = leaf_hashes(ledger)?;
    let old = old_size.min(leaves.len());
    Ok(json!({
        "schema": PROOF_SCHEMA,
        "type": "consistency",
        "old_size": old.to_string(),
        "old_root": hex(&merkle::root(&leaves[..old])),
        "tree_size": leaves.len().to_string(),
        "root": hex(&merkle::root(&leaves)),
        "path": merkle::consistency_proof(old, &leaves).iter().map(hex).collect::<Vec<_>>(),
    }))
}

fn leaf_hashes(ledger: &Ledger) -> Result<Vec<Hash>, LedgerError> {
    Ok(ledger.records()?.iter().map(|r| *r.id.as_bytes()).collect())
}

/// Why a text is not a proof that `witness prove` writes (as opposed to a proof that fails).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAProof(String);

/// A proof, read: what it claims, before it is checked.
enum Proof {
    Inclusion {
        index: u64,
        size: u64,
        leaf: Hash,
        root: Hash,
        path: Vec<Hash>,
    },
    Consistency {
        old_size: u64,
        size: u64,
        old_root: Hash,
        root: Hash,
        path: Vec<Hash>,
    },
}

impl Proof {
    /// Reads a `witness/proof/1` JSON document: every field present and of its type.
    fn parse(text: &str) -> Result<Proof, NotAProof> {
        let bad = |why: String| Err(NotAProof(why));
        if text.trim().is_empty() {
            return bad("the file is empty".into());
        }
        let proof: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return bad(format!("not JSON ({e})")),
        };
        match proof.get("schema").and_then(Value::as_str) {
            Some(PROOF_SCHEMA) => {}
            Some(other) => {
                return bad(format!("its schema is {other:?}, not \"{PROOF_SCHEMA}\""));
            }
            None => {
                return bad(format!("JSON without \"schema\": \"{PROOF_SCHEMA}\""));
            }
        }
        let field = |k: &str| {
            proof
                .get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| NotAProof(format!("the proof has no {k:?} string")))
        };
        let number = |k: &str| {
            field(k)?
                .parse::<u64>()
                .map_err(|_| NotAProof(format!("{k:?} is not a whole number")))
        };
        let hash = |k: &str| {
            unhex(field(k)?).ok_or_else(|| NotAProof(format!("{k:?} is not a SHA-256 digest")))
        };
        let path = proof
            .get("path")
            .and_then(Value::as_array)
            .ok_or_else(|| NotAProof("the proof has no \"path\" array".into()))?
            .iter()
            .map(|h| {
                h.as_str()
                    .and_then(unhex)
                    .ok_or_else(|| NotAProof("an entry of \"path\" is not a SHA-256 digest".into()))
            })
            .collect::<Result<Vec<Hash>, _>>()?;
        match field("type")? {
            "inclusion" => Ok(Proof::Inclusion {
                index: number("leaf_index")?,
                size: number("tree_size")?,
                leaf: hash("leaf_hash")?,
                root: hash("root")?,
                path,
            }),
            "consistency" => Ok(Proof::Consistency {
                old_size: number("old_size")?,
                size: number("tree_size")?,
                old_root: hash("old_root")?,
                root: hash("root")?,
                path,
            }),
            other => bad(format!(
                "its type is {other:?}, not \"inclusion\" or \"consistency\""
            )),
        }
    }
}

/// The schema of the proofs `witness prove` writes.
const PROOF_SCHEMA: &str = "witness/proof/1";

/// Checks a proof offline, from the text of a proof file. `Err` when the text is not a proof
/// at all (not JSON, another schema, a field missing or not of its type); `Ok(Ok(what))` when
/// the proof holds, `Ok(Err(why))` when it does not.
pub fn check_proof(text: &str) -> Result<Result<String, String>, NotAProof> {
    Ok(match Proof::parse(text)? {
        Proof::Inclusion {
            index: i,
            size: n,
            leaf,
            root,
            path,
        } => {
            if merkle::verify_inclusion(i, n, &leaf, &path, &root) {
                Ok(format!(
                    "record {i} is included in the tree of {n} records with root {}",
                    hex(&root)
                ))
            } else {
                Err(format!(
                    "record {i} is NOT proven to be in the tree of {n} records with root {}",
                    hex(&root)
                ))
            }
        }
        Proof::Consistency {
            old_size: m,
            size: n,
            old_root,
            root,
            path,
        } => {
            if merkle::verify_consistency(m, n, &old_root, &root, &path) {
                Ok(format!(
                    "the tree of {n} records extends the tree of {m} records: nothing before was changed"
                ))
            } else {
                Err(format!(
                    "the tree of {n} records is NOT proven to extend the tree of {m} records"
                ))
            }
        }
    })
}
