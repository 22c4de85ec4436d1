//! The provenance ledger: a content-addressed store of every version, and a hash-chained,
//! append-only log of records (`.witness/ledger.jsonl`, one canonical JSON record per line).
//!
//! A record's id is SHA-256(0x00 ‖ its canonical bytes) — the RFC 6962 leaf hash — and names
//! the previous record's id in `prev`, so ids chain and also form a Merkle tree for inclusion
//! and consistency proofs ([`merkle`]). Appends take an exclusive lock on `.witness/lock`, read
//! only the tail of the log, write one line and `fdatasync` it; a torn last line left by a
//! crash is cut off by the next append, which records the repair. Objects and the checkpoint
//! (tree size, root and right edge, so appends never re-read the log) are written to a
//! temporary file, synced, and renamed.
//!
//! Records are typed ([`record`]): each line is parsed once, at the boundary, into a
//! [`Record`] whose [`Body`] is a version, an audit, a note or a repair, with [`Digest`]s that
//! can only hold a SHA-256. A line with a missing or ill-typed field is an error naming the
//! line, the record and the field. Writers build bodies ([`Version::new`], [`Body::audit`],
//! [`Body::note`]) and hand them to [`Ledger::append`] or [`Ledger::append_all`]; no caller
//! assembles JSON, and the typed form writes the very bytes earlier versions wrote.

pub mod canonical;
pub mod check;
pub mod export;
pub mod merkle;
pub mod note;
pub mod record;
pub mod verify;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use unicode_normalization::{IsNormalized, is_nfc_quick};

use crate::normalize::Profile;
use crate::source::{Document, ReadOptions, SourceError};
use merkle::{Frontier, Hash};
pub use record::{
    Audit, Body, Digest, DigestError, EngineRef, FieldProblem, Incident, Input, Note, ProfileRef,
    Record, RecordError, Relation, RelationKind, Repair, Role, Tool, Version, is_contained,
};

/// The directory that holds a ledger.
pub const DIR: &str = ".witness";
/// The schema every record carries.
pub const SCHEMA: &str = "witness/ledger/1";
/// `prev` of the first record.
pub const GENESIS: Digest = Digest::ZERO;

/// Ledger failures; each names what and where, and nothing is written when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// No ledger where one was looked for.
    #[error("no {DIR} ledger in {from} or any directory above it; run `witness init` there")]
    NotFound {
        /// Where the search started.
        from: String,
    },
    /// `init` where a ledger already is.
    #[error("{path} already holds a ledger")]
    Exists {
        /// The ledger directory.
        path: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A complete line of the log is not a record, or breaks the chain.
    #[error("{path} line {line}: {what}; run `witness verify` for the whole ledger")]
    Corrupt {
        /// The log.
        path: String,
        /// The line, from 1.
        line: usize,
        /// What is wrong, naming the record and the field when it is one.
        what: String,
    },
    /// The last complete record is not a record: appends refuse to chain onto it.
    #[error(
        "{path}: the last record is damaged: {what}; nothing was written, run `witness verify`"
    )]
    DamagedTail {
        /// The log.
        path: String,
        /// What is wrong.
        what: String,
    },
    /// An id, digest or label that names nothing.
    #[error("no record or version matches {id:?}; `witness log` lists them")]
    UnknownId {
        /// What was given.
        id: String,
    },
    /// A prefix that names more than one record.
    #[error(
        "{id:?} matches {count} records; give more digits of the digest (or #N for record N, as `witness log` numbers them)"
    )]
    AmbiguousId {
        /// What was given.
        id: String,
        /// How many records it matches.
        count: usize,
    },
    /// A number of 4 digits or more that is a record number and also starts a digest.
    #[error(
        "{id:?} is record {id} and also the start of the digest of {count} record(s); write #{id} for record {id}, or more digits of the digest"
    )]
    NumberOrDigest {
        /// What was given.
        id: String,
        /// How many records the digest prefix matches.
        count: usize,
    },
    /// A relation whose target is the wrong kind of record (`--quotes` naming a note, say).
    #[error(
        "{id:?} is record {seq}, {found}; a {relation} relation needs {expected}; `witness log` lists the records"
    )]
    WrongTarget {
        /// What was given.
        id: String,
        /// The record it names.
        seq: u64,
        /// What that record is (`a note`, `an audit`, `a version`…).
        found: &'static str,
        /// The relation.
        relation: &'static str,
        /// What the relation needs (`a version`, `an audit`).
        expected: &'static str,
    },
    /// Two files of one `add` that would be versions of the same label.
    #[error(
        "{first} and {second} would both be recorded as {label:?}; add them one at a time (the later one then becomes a revision of the earlier), or give each its own --label"
    )]
    SameLabel {
        /// The label.
        label: String,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
    /// A file outside the repository.
    #[error("{path} is outside the repository {root} (the directory that holds {DIR}/)")]
    Outside {
        /// The file.
        path: String,
        /// The repository.
        root: String,
    },
    /// A path inside the repository that a symbolic link takes outside it.
    #[error(
        "{path} leads to {target}, outside the repository {root} (or into {DIR}/); witness does not follow links out of the repository (`add --follow-symlinks` stores such a file on purpose)"
    )]
    LeadsOutside {
        /// The path given or recorded.
        path: String,
        /// Where it really leads.
        target: String,
        /// The repository.
        root: String,
    },
    /// A version whose bytes are not in the store.
    #[error("record {seq}: its object {sha256} is missing from the store")]
    MissingObject {
        /// The version's record.
        seq: u64,
        /// Its digest.
        sha256: Digest,
    },
    /// The log and its checkpoint disagree: an append refuses to go on.
    #[error(
        "{path}: the log and its checkpoint disagree: {what}; nothing was written. `witness verify` shows the damage; restore .witness/ from a copy, or run `witness repair` to accept the log as it stands (the disagreement is then recorded in it)"
    )]
    Disagrees {
        /// The log.
        path: String,
        /// What differs.
        what: String,
    },
    /// The checkpoint could not be written after the records were: the append was undone.
    #[error(
        "{path}: cannot write the checkpoint ({source}); the append was undone and nothing was recorded"
    )]
    CheckpointWrite {
        /// The checkpoint file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file written to while `add` read it.
    #[error(
        "{path}: changed while it was being read; nothing was stored; add it again once it is no longer being written"
    )]
    Changed {
        /// The file.
        path: String,
    },
    /// A digest that is not one (from a document, never from a parsed record).
    #[error(transparent)]
    Digest(#[from] DigestError),
    /// A file that cannot be read as text.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A record that canonical JSON cannot write.
    #[error(transparent)]
    NotCanonical(#[from] canonical::NotCanonical),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Lowercase hex of a hash.
pub fn hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// 64 lowercase hexadecimal digits: what `sha256` fields hold.
pub fn is_digest(s: &str) -> bool {
    Digest::parse(s).is_ok()
}

fn unhex(s: &str) -> Option<Hash> {
    Digest::parse(s).ok().map(|d| *d.as_bytes())
}

/// What [`Ledger::store`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// SHA-256 of the bytes: the object's name.
    pub sha256: Digest,
    /// SHA-256 of the canonical text.
    pub text_sha256: Digest,
    /// The encoding the bytes were read in.
    pub encoding: String,
    /// Their size.
    pub bytes: u64,
}

/// What `.witness/checkpoint.json` holds.
#[derive(Debug, Clone)]
pub enum CheckpointState {
    /// No checkpoint file (a new ledger before its first append, or one deleted).
    Missing,
    /// A file that is not a checkpoint, or cannot be read: why.
    Unreadable(String),
    /// A checkpoint whose root follows from its edge.
    Present(Checkpoint),
}

/// Parses a checkpoint file; `None` unless it is one and its root follows from its edge.
fn parse_checkpoint(text: &str) -> Option<Checkpoint> {
    let v: Value = serde_json::from_str(text).ok()?;
    let size: u64 = v.get("size")?.as_str()?.parse().ok()?;
    let nodes = v
        .get("frontier")?
        .as_array()?
        .iter()
        .map(|n| n.as_str().and_then(unhex))
        .collect::<Option<Vec<Hash>>>()?;
    let frontier = Frontier { size, nodes };
    let bytes: u64 = v.get("bytes")?.as_str()?.parse().ok()?;
    let root = v.get("root")?.as_str()?;
    let last_id = Digest::parse(v.get("last_id")?.as_str()?).ok()?;
    let holds = root == hex(&frontier.root()) && frontier.nodes.len() as u32 == size.count_ones();
    holds.then_some(Checkpoint {
        frontier,
        last_id,
        bytes,
    })
}

/// The checkpoint: the tree head after the last append, its right edge, and the length of
/// the log then (a log of another length was changed by something other than an append).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The right edge of the tree.
    pub frontier: Frontier,
    /// The id of the last record.
    pub last_id: Digest,
    /// The length of the log in bytes.
    pub bytes: u64,
}

/// A ledger on disk.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// The repository: the directory that holds `.witness/`.
    pub root: PathBuf,
    dir: PathBuf,
}

impl Checkpoint {
    fn empty() -> Checkpoint {
        Checkpoint {
            frontier: Frontier::default(),
            last_id: GENESIS,
            bytes: 0,
        }
    }
}

impl Ledger {
    /// Creates `.witness/` in `at`.
    pub fn init(at: &Path) -> Result<Ledger, LedgerError> {
        let dir = at.join(DIR);
        if dir.exists() {
            return Err(LedgerError::Exists {
                path: dir.display().to_string(),
            });
        }
        std::fs::create_dir_all(dir.join("objects").join("sha256")).map_err(io(&dir))?;
        let ledger = Ledger {
            root: at.to_path_buf(),
            dir,
        };
        File::create(ledger.log_path()).map_err(io(&ledger.log_path()))?;
        Ok(ledger)
    }

    /// The ledger of `start` or the nearest directory above it.
    pub fn find(start: &Path) -> Result<Ledger, LedgerError> {
        let start = std::path::absolute(start).map_err(io(start))?;
        start
            .ancestors()
            .find(|d| d.join(DIR).join("ledger.jsonl").is_file())
            .map(|d| Ledger {
                root: d.to_path_buf(),
                dir: d.join(DIR),
            })
            .ok_or_else(|| LedgerError::NotFound {
                from: start.display().to_string(),
            })
    }

    /// The ledger in `dir` (the `.witness` directory itself, or the directory holding it).
    pub fn open(dir: &Path) -> Result<Ledger, LedgerError> {
        let dir = std::path::absolute(dir).map_err(io(dir))?;
        let (root, dir) = if dir.join("ledger.jsonl").is_file() {
            (dir.parent().unwrap_or(&dir).to_path_buf(), dir)
        } else {
            (dir.clone(), dir.join(DIR))
        };
        if !dir.join("ledger.jsonl").is_file() {
            return Err(LedgerError::NotFound {
                from: dir.display().to_string(),
            });
        }
        Ok(Ledger { root, dir })
    }

    /// The log: `.witness/ledger.jsonl`.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("ledger.jsonl")
    }

    fn checkpoint_path(&self) -> PathBuf {
        self.dir.join("checkpoint.json")
    }

    /// Where the object of a digest is stored (a [`Digest`] is hex digits only, so never a
    /// path such as `../../elsewhere`).
    pub fn object_path(&self, sha256: &Digest) -> PathBuf {
        let hex = sha256.to_string();
        let (head, tail) = hex.split_at(2);
        self.dir
            .join("objects")
            .join("sha256")
            .join(head)
            .join(tail)
    }

    /// Where `path` really is, when it is inside the repository: a symbolic link (or a
    /// directory on the way) that leads outside is an error, as a path outside is.
    pub fn inside(&self, path: &Path) -> Result<PathBuf, LedgerError> {
        let real = std::fs::canonicalize(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LedgerError::Source(SourceError::NotFound {
                path: path.display().to_string(),
            }),
            _ => io(path)(e),
        })?;
        let root = std::fs::canonicalize(&self.root).map_err(io(&self.root))?;
        if real.starts_with(&root) && !real.starts_with(&self.dir) {
            Ok(real)
        } else {
            Err(LedgerError::LeadsOutside {
                path: path.display().to_string(),
                target: real.display().to_string(),
                root: self.root.display().to_string(),
            })
        }
    }

    /// `path` relative to the repository, with `/` separators; an error outside it.
    pub fn relative(&self, path: &Path) -> Result<String, LedgerError> {
        let abs = std::path::absolute(path).map_err(io(path))?;
        // Resolve `..` without touching the disk, so a missing file still gets this error.
        let mut clean = PathBuf::new();
        for c in abs.components() {
            match c {
                Component::ParentDir => {
                    clean.pop();
                }
                Component::CurDir => {}
                other => clean.push(other),
            }
        }
        let outside = || LedgerError::Outside {
            path: path.display().to_string(),
            root: self.root.display().to_string(),
        };
        let rel = clean.strip_prefix(&self.root).map_err(|_| outside())?;
        if rel.starts_with(DIR) {
            return Err(outside());
        }
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    /// Every record, parsed line by line (JSON, canonical form, schema, every field typed). A
    /// torn last line is left out (the next append repairs it); any other damage is an error
    /// that names the line, the record and the field.
    pub fn records(&self) -> Result<Vec<Record>, LedgerError> {
        let path = self.log_path();
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let corrupt = |line: usize, what: String| LedgerError::Corrupt {
            path: path.display().to_string(),
            line,
            what,
        };
        log_lines(&bytes)
            .0
            .into_iter()
            .enumerate()
            .map(|(i, raw)| {
                let line =
                    std::str::from_utf8(raw).map_err(|_| corrupt(i + 1, "not UTF-8".into()))?;
                Record::parse(line).map_err(|e| corrupt(i + 1, e.to_string()))
            })
            .collect()
    }

    /// Stores a file's bytes under `objects/` (streaming: memory does not grow with the file)
    /// and returns its digests.
    pub fn store(&self, file: &Path) -> Result<Stored, LedgerError> {
        // A regular file only, opened without blocking (never a FIFO or a device).
        let (mut input, _) = crate::source::open_regular(file)?;
        let tmp_dir = self.dir.join("objects").join("tmp");
        std::fs::create_dir_all(&tmp_dir).map_err(io(&tmp_dir))?;
        let tmp = tmp_dir.join(format!("{}-{}", std::process::id(), unique()));
        let result = self.store_via(file, &mut input, &tmp);
        if result.is_err() {
            // A failed store leaves nothing behind: not a temporary file, not an object.
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn store_via(&self, file: &Path, input: &mut File, tmp: &Path) -> Result<Stored, LedgerError> {
        let tmp = tmp.to_path_buf();
        let before = FileState::of(input).map_err(io(file))?;
        let mut out = File::create(&tmp).map_err(io(&tmp))?;
        let mut hasher = Sha256::new();
        let mut text = TextCheck::default();
        let mut buf = vec![0u8; 1 << 20];
        let mut bytes = 0u64;
        loop {
            let n = input.read(&mut buf).map_err(io(file))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            text.feed(&buf[..n], bytes == 0);
            out.write_all(&buf[..n]).map_err(io(&tmp))?;
            bytes += n as u64;
        }
        out.sync_all().map_err(io(&tmp))?;
        drop(out);
        // A file written to while it was read gives bytes that were never the file: refuse.
        let after = FileState::of(input).map_err(io(file))?;
        if after != before || bytes != before.len {
            return Err(LedgerError::Changed {
                path: file.display().to_string(),
            });
        }
        let sha256 = Digest::from_bytes(hasher.finalize().into());
        // The canonical text's digest: the same as the bytes' when they are already canonical
        // (UTF-8, NFC, no CR, no BOM); otherwise decoded from the stored copy.
        let (text_sha256, encoding) = if text.canonical() {
            (sha256, "UTF-8".to_string())
        } else {
            let shown = file.display().to_string();
            if bytes > crate::source::MAX_FILE_BYTES {
                return Err(SourceError::TooLarge {
                    path: shown,
                    bytes,
                    limit: crate::source::MAX_FILE_BYTES,
                }
                .into());
            }
            let raw = std::fs::read(&tmp).map_err(io(&tmp))?;
            let doc = Document::from_bytes(&shown, &shown, &raw, &ReadOptions::default())?;
            (
                Digest::parse(&doc.text_sha256)?,
                doc.encoding.name().to_string(),
            )
        };
        let target = self.object_path(&sha256);
        if target.is_file() {
            // Same bytes, same object: no second copy.
            let _ = std::fs::remove_file(&tmp);
        } else {
            let parent = target.parent().unwrap_or(&self.dir);
            std::fs::create_dir_all(parent).map_err(io(parent))?;
            std::fs::rename(&tmp, &target).map_err(io(&target))?;
            sync_dir(parent)?;
        }
        Ok(Stored {
            sha256,
            text_sha256,
            encoding,
            bytes,
        })
    }

    /// The bytes of a stored object (`seq`: the record that names it, for the error).
    pub fn object(&self, seq: u64, sha256: &Digest) -> Result<Vec<u8>, LedgerError> {
        let path = self.object_path(sha256);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LedgerError::MissingObject {
                seq,
                sha256: *sha256,
            },
            _ => io(&path)(e),
        })
    }

    /// Appends a record (with `schema`, `seq`, `prev` and `time` filled in) under the lock,
    /// repairing a torn last line first. Returns the record written.
    pub fn append(&self, body: Body) -> Result<Record, LedgerError> {
        let mut records = self.append_all(vec![body])?;
        records.pop().ok_or(LedgerError::Corrupt {
            path: self.log_path().display().to_string(),
            line: 0,
            what: "nothing was appended".into(),
        })
    }

    /// Appends records in one write and one sync (under one lock): `add` of many files, bulk
    /// imports. Returns the records written, a repair first if there was one.
    pub fn append_all(&self, bodies: Vec<Body>) -> Result<Vec<Record>, LedgerError> {
        self.append_locked(bodies, false)
    }

    /// Accepts the log as it stands when it and its checkpoint disagree (tampering, a lost or
    /// damaged checkpoint): appends an [`Incident`] record that says what the checkpoint held
    /// and what the log holds, and a new checkpoint. The chain itself must be intact (a record
    /// altered in the middle cannot be accepted: restore the log from a copy). Returns the
    /// records written (none when log and checkpoint agree).
    pub fn repair(&self) -> Result<Vec<Record>, LedgerError> {
        self.append_locked(Vec::new(), true)
    }

    /// The ledger's origin, the first line of its checkpoints: `witness.ledger/` and the id
    /// of its first record, so a head names the history it belongs to.
    pub fn origin(records: &[Record]) -> String {
        match records.first() {
            Some(r) => format!("witness.ledger/{}", r.id),
            None => "witness.ledger/empty".into(),
        }
    }

    /// The current tree head (origin, size, root), read from the whole log.
    pub fn head(&self) -> Result<note::TreeHead, LedgerError> {
        let records = self.read_chain()?;
        let leaves: Vec<Hash> = records.iter().map(|r| *r.id.as_bytes()).collect();
        Ok(note::TreeHead {
            origin: Ledger::origin(&records),
            size: leaves.len() as u64,
            root: merkle::root(&leaves),
        })
    }

    /// The lock taken by every append (exclusive) and every `verify` (shared).
    pub(crate) fn lock_file(&self) -> Result<File, LedgerError> {
        let lock_path = self.dir.join("lock");
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))
    }

    fn append_locked(&self, bodies: Vec<Body>, accept: bool) -> Result<Vec<Record>, LedgerError> {
        let lock = self.lock_file()?;
        lock.lock().map_err(io(&self.dir.join("lock")))?;
        let path = self.log_path();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        let tail = read_tail(&mut file, &path)?;
        let complete = tail.torn.as_ref().map_or(tail.len, |(offset, _)| *offset);
        let state = self.checkpoint_state();
        let agrees = match (&tail.last, &state) {
            (None, CheckpointState::Missing) => true,
            (None, CheckpointState::Present(c)) => c.frontier.size == 0,
            (Some(last), CheckpointState::Present(c)) => {
                c.last_id == last.id && c.frontier.size == last.seq + 1 && c.bytes == complete
            }
            _ => false,
        };
        let (mut checkpoint, incident) = if agrees {
            let c = match state {
                CheckpointState::Present(c) => c,
                _ => Checkpoint::empty(),
            };
            (c, None)
        } else {
            self.reconcile(&state, accept)?
        };
        if accept && incident.is_none() && tail.torn.is_none() {
            return Ok(Vec::new()); // nothing to repair
        }
        checkpoint.bytes = complete;
        let mut next_seq = checkpoint.frontier.size;
        let mut written = Vec::with_capacity(bodies.len() + 2);
        let mut buffer = Vec::new();
        if let Some((offset, torn)) = &tail.torn {
            file.set_len(*offset).map_err(io(&path))?;
            file.sync_data().map_err(io(&path))?;
            let body = Body::repair(torn);
            written.push(encode_record(body, next_seq, &mut checkpoint, &mut buffer)?);
            next_seq += 1;
        }
        for body in incident.into_iter().chain(bodies) {
            written.push(encode_record(body, next_seq, &mut checkpoint, &mut buffer)?);
            next_seq += 1;
        }
        fault_point(&mut file, &buffer);
        file.write_all(&buffer).map_err(io(&path))?;
        file.sync_data().map_err(io(&path))?;
        if let Err(e) = self.write_checkpoint(&checkpoint) {
            // The log is the truth and the checkpoint follows it: without a checkpoint the
            // append is undone, so that a retry does not record it twice.
            file.set_len(complete).map_err(io(&path))?;
            file.sync_data().map_err(io(&path))?;
            return Err(match e {
                LedgerError::Io { path, source } => LedgerError::CheckpointWrite { path, source },
                other => other,
            });
        }
        Ok(written)
    }

    /// When the log does not end where its checkpoint says: reads the whole chain and either
    /// accepts a log that only grew past the checkpoint (an append interrupted between its two
    /// writes, or records added by another program), recording an incident, or — for anything
    /// else, unless `accept` — refuses.
    fn reconcile(
        &self,
        state: &CheckpointState,
        accept: bool,
    ) -> Result<(Checkpoint, Option<Body>), LedgerError> {
        let chain = self.read_chain()?;
        let leaves: Vec<Hash> = chain.iter().map(|r| *r.id.as_bytes()).collect();
        let n = leaves.len() as u64;
        let (old_size, old_root) = match state {
            CheckpointState::Present(c) => (c.frontier.size, c.frontier.root()),
            _ => (0, merkle::root(&[])),
        };
        // The log only grew past the checkpoint: what a crash between the two writes of an
        // append leaves (for the first append, no checkpoint at all).
        let grew = match state {
            CheckpointState::Present(c) => {
                let size = c.frontier.size as usize;
                size < leaves.len()
                    && merkle::root(&leaves[..size]) == c.frontier.root()
                    && (size == 0 || chain[size - 1].id == c.last_id)
            }
            CheckpointState::Missing => !leaves.is_empty(),
            CheckpointState::Unreadable(_) => false,
        };
        let what = match state {
            CheckpointState::Missing => format!(
                "the checkpoint was missing while the log held {n} records (a first append interrupted between writing the log and the checkpoint, or a deleted checkpoint); a new checkpoint covers them"
            ),
            _ if grew => format!(
                "the log held {} records after the {old_size} its checkpoint covered (an append interrupted between writing the log and the checkpoint, or records added by another program); the checkpoint now covers them",
                n - old_size
            ),
            CheckpointState::Unreadable(why) => format!("the checkpoint cannot be read ({why})"),
            CheckpointState::Present(c) if c.frontier.size > n => format!(
                "the checkpoint covers {} records but the log holds {n}: records were removed",
                c.frontier.size
            ),
            CheckpointState::Present(c) => format!(
                "the first {} records of the log do not hash to the checkpoint's root: a record was altered, or the history rewritten",
                c.frontier.size.min(n)
            ),
        };
        if !grew && !accept {
            return Err(LedgerError::Disagrees {
                path: self.log_path().display().to_string(),
                what,
            });
        }
        let mut frontier = Frontier::default();
        for leaf in &leaves {
            frontier.push(*leaf);
        }
        let incident = Body::Incident(Incident {
            what,
            checkpoint_size: old_size,
            checkpoint_root: Digest::from_bytes(old_root),
            log_size: n,
            log_root: Digest::from_bytes(frontier.root()),
        });
        let checkpoint = Checkpoint {
            frontier,
            last_id: chain.last().map_or(GENESIS, |r| r.id),
            bytes: 0,
        };
        Ok((checkpoint, Some(incident)))
    }

    /// Records a version of each document whose bytes the ledger does not have yet (after
    /// `witness audit`): stored, labelled with the document's label, without relations or
    /// role, all in one append. Documents outside the repository are left out, and so are the
    /// rows of a collection (no file of their own: the audit record names them with their
    /// digests); so is every document when the ledger has all their bytes (then nothing is
    /// written). Returns the records written.
    pub fn record_new_versions(&self, docs: &[Document]) -> Result<Vec<Record>, LedgerError> {
        let known: std::collections::HashSet<Digest> = self
            .records()?
            .iter()
            .filter_map(|r| r.version().map(|v| v.sha256))
            .collect();
        let mut bodies = Vec::new();
        for d in docs {
            if Digest::parse(&d.sha256).is_ok_and(|s| known.contains(&s)) {
                continue;
            }
            let path = Path::new(&d.path);
            if crate::Collection::row_of(&d.path).is_some() && !path.is_file() {
                continue;
            }
            let Ok(rel) = self.relative(path) else {
                continue;
            };
            let stored = self.store(path)?;
            bodies.push(Body::Version(Version::new(rel, d.label.clone(), &stored)));
        }
        if bodies.is_empty() {
            return Ok(Vec::new());
        }
        self.append_all(bodies)
    }

    /// The object digests of the versions marked with `role`.
    pub fn with_role(&self, role: Role) -> Result<std::collections::HashSet<Digest>, LedgerError> {
        Ok(self
            .records()?
            .iter()
            .filter_map(Record::version)
            .filter(|v| v.role == Some(role))
            .map(|v| v.sha256)
            .collect())
    }

    /// Appends an audit record for a report just produced: `report` names the command,
    /// `inputs` the files it read (see [`Input::of`]), `output` is the report's bytes.
    pub fn record_audit(
        &self,
        report: &str,
        inputs: Vec<Input>,
        profile: Option<Profile>,
        output: &[u8],
    ) -> Result<Record, LedgerError> {
        self.record_audit_on(report, inputs, profile, Digest::of(output), None)
    }

    /// Records an audit as [`Ledger::record_audit`] does, from the digest of the report's
    /// bytes (a report written as it was made is not at hand whole), with the engine that ran
    /// it.
    pub fn record_audit_on(
        &self,
        report: &str,
        inputs: Vec<Input>,
        profile: Option<Profile>,
        report_sha256: Digest,
        engine: Option<EngineRef>,
    ) -> Result<Record, LedgerError> {
        let mut body = Body::audit(report, inputs, profile, report_sha256);
        if let Body::Audit(a) = &mut body {
            a.engine = engine;
        }
        self.append(body)
    }

    /// The checkpoint, if one is there and readable.
    pub fn checkpoint(&self) -> Option<Checkpoint> {
        match self.checkpoint_state() {
            CheckpointState::Present(c) => Some(c),
            _ => None,
        }
    }

    /// What the checkpoint file holds: a checkpoint, nothing, or something that is not one.
    pub fn checkpoint_state(&self) -> CheckpointState {
        let text = match std::fs::read_to_string(self.checkpoint_path()) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return CheckpointState::Missing;
            }
            Err(e) => return CheckpointState::Unreadable(e.to_string()),
        };
        match parse_checkpoint(&text) {
            Some(c) => CheckpointState::Present(c),
            None => CheckpointState::Unreadable(
                "not a witness checkpoint, or its root does not follow from its edge".into(),
            ),
        }
    }

    /// Reads the whole log, checking the sequence and the chain.
    fn read_chain(&self) -> Result<Vec<Record>, LedgerError> {
        let records = self.records()?;
        let mut last_id = GENESIS;
        for (i, r) in records.iter().enumerate() {
            if r.seq != i as u64 || r.prev != last_id {
                return Err(LedgerError::Corrupt {
                    path: self.log_path().display().to_string(),
                    line: i + 1,
                    what: format!(
                        "record {} breaks the chain (sequence or previous id): the log was altered; restore it from a copy",
                        r.seq
                    ),
                });
            }
            last_id = r.id;
        }
        Ok(records)
    }

    fn write_checkpoint(&self, c: &Checkpoint) -> Result<(), LedgerError> {
        let value = json!({
            "schema": "witness/checkpoint/1",
            "size": c.frontier.size.to_string(),
            "bytes": c.bytes.to_string(),
            "root": hex(&c.frontier.root()),
            "last_id": c.last_id.to_string(),
            "frontier": c.frontier.nodes.iter().map(hex).collect::<Vec<_>>(),
        });
        let text = canonical::to_canonical(&value)? + "\n";
        // For fault tests: `WITNESS_CHECKPOINT_FAULT=1` fails this write as a full disk would.
        if std::env::var_os("WITNESS_CHECKPOINT_FAULT").is_some() {
            return Err(LedgerError::Io {
                path: self.checkpoint_path().display().to_string(),
                source: std::io::Error::from_raw_os_error(28), // ENOSPC
            });
        }
        write_atomically(&self.checkpoint_path(), text.as_bytes())
    }

    /// Finds a record: `#N` (record N, as `witness log` numbers them); `label@N` (the label's
    /// N-th version, from 1); a label (its latest version); a plain number N (record N); a full
    /// record id or a unique prefix of one ([`MIN_PREFIX`]+ hex digits); an object digest or a
    /// prefix of one (its latest version). A label spelled as a number wins over the record
    /// number (`#N` still names the record); a number of [`MIN_PREFIX`] digits or more that is
    /// also a record number and starts a digest is ambiguous.
    pub fn resolve<'r>(&self, records: &'r [Record], id: &str) -> Result<&'r Record, LedgerError> {
        let unknown = || LedgerError::UnknownId { id: id.to_string() };
        let by_number =
            |n: &str| record_number(n).and_then(|n| records.iter().find(|r| r.seq == n));
        if let Some(n) = id.strip_prefix('#') {
            return by_number(n).ok_or_else(unknown);
        }
        let versions = || records.iter().filter_map(|r| r.version().map(|v| (r, v)));
        if let Some((label, n)) = id.rsplit_once('@') {
            let n: usize = n.parse().map_err(|_| unknown())?;
            return versions()
                .filter(|(_, v)| v.label == label)
                .nth(n.checked_sub(1).ok_or_else(unknown)?)
                .map(|(r, _)| r)
                .ok_or_else(unknown);
        }
        if let Some((r, _)) = versions().rfind(|(_, v)| v.label == id) {
            return Ok(r);
        }
        let numbered = by_number(id);
        let is_hex = id.len() >= MIN_PREFIX && id.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_hex {
            return numbered.ok_or_else(unknown);
        }
        let by_digest = resolve_digest(records, id);
        match (numbered, by_digest) {
            (None, found) => found,
            (Some(r), Err(LedgerError::UnknownId { .. })) => Ok(r),
            (Some(r), Ok(d)) if d.id == r.id => Ok(r),
            (Some(_), Ok(_)) => Err(LedgerError::NumberOrDigest {
                id: id.to_string(),
                count: 1,
            }),
            (Some(_), Err(LedgerError::AmbiguousId { count, .. })) => {
                Err(LedgerError::NumberOrDigest {
                    id: id.to_string(),
                    count,
                })
            }
            (Some(_), Err(e)) => Err(e),
        }
    }

    /// The N of `label@N` for the version of `label` in record `seq`: the label's versions
    /// up to that record, counted from 1.
    pub fn version_number(records: &[Record], seq: u64, label: &str) -> usize {
        records
            .iter()
            .filter(|r| r.seq <= seq && r.version().is_some_and(|v| v.label == label))
            .count()
    }
}

/// The record whose id, or whose version's object digest, starts with `prefix` (hex).
fn resolve_digest<'r>(records: &'r [Record], prefix: &str) -> Result<&'r Record, LedgerError> {
    let lower = prefix.to_ascii_lowercase();
    let by_id: Vec<&Record> = records
        .iter()
        .filter(|r| r.id.starts_with(&lower))
        .collect();
    let matches = if by_id.is_empty() {
        // An object digest names its latest version.
        let v: Vec<(&Record, &Version)> = records
            .iter()
            .filter_map(|r| r.version().map(|v| (r, v)))
            .filter(|(_, v)| v.sha256.starts_with(&lower))
            .collect();
        let mut digests: Vec<Digest> = v.iter().map(|(_, v)| v.sha256).collect();
        digests.sort_unstable();
        digests.dedup();
        if digests.len() > 1 {
            return Err(LedgerError::AmbiguousId {
                id: prefix.to_string(),
                count: digests.len(),
            });
        }
        v.last().map(|(r, _)| *r).into_iter().collect()
    } else {
        by_id
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(LedgerError::UnknownId {
            id: prefix.to_string(),
        }),
        many => Err(LedgerError::AmbiguousId {
            id: prefix.to_string(),
            count: many.len(),
        }),
    }
}

/// The fewest hex digits a digest prefix must have (fewer are too often ambiguous, and a
/// shorter number is a record number).
pub const MIN_PREFIX: usize = 4;

/// A record number as `witness log` prints it: decimal digits, no leading zero.
fn record_number(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    canonical.then(|| s.parse().ok()).flatten()
}

/// What `witness add` records with each version besides the file's digests.
#[derive(Debug, Clone, Default)]
pub struct NewVersions {
    /// The label (default: the file stem); for one file only.
    pub label: Option<String>,
    /// Where the bytes came from (a URI).
    pub source: Option<String>,
    /// The version's role.
    pub role: Option<Role>,
    /// Relations to versions already recorded: kind, and an ID as [`Ledger::resolve`] takes.
    pub relations: Vec<(RelationKind, String)>,
    /// A note kept with the version.
    pub note: Option<String>,
    /// Store a file that is a symbolic link to outside the repository (by default refused).
    pub follow_symlinks: bool,
}

/// What [`Ledger::add`] did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A version record was appended.
    Recorded(Record),
    /// The label's last version already is these bytes at this path and already says
    /// everything that was given: nothing was appended for the file.
    Unchanged {
        /// That version's record.
        record: Record,
        /// Its number: the N of `label@N`.
        number: usize,
    },
}

impl Ledger {
    /// Stores each file and appends a version record of each, in one append. A file becomes
    /// the next version of its label: it keeps the role and relations of the label's last
    /// version (those given in `opts` replace them, kind by kind) and is a `revision_of` it;
    /// a file that the last version already is (same bytes, same path, nothing new given) is
    /// [`Added::Unchanged`] and nothing is appended for it. Everything is checked (relations
    /// resolved, paths inside the repository, files present, one file per label) before
    /// anything is written. Returns what became of each file, in order.
    pub fn add(&self, files: &[PathBuf], opts: &NewVersions) -> Result<Vec<Added>, LedgerError> {
        let records = self.records()?;
        let given = opts
            .relations
            .iter()
            .map(|(kind, id)| {
                let target = self.resolve(&records, id)?;
                check_target(*kind, id, target)?;
                Ok(Relation {
                    kind: *kind,
                    target: target.id,
                })
            })
            .collect::<Result<Vec<_>, LedgerError>>()?;
        let mut planned: Vec<(&PathBuf, String, String)> = Vec::new();
        for f in files {
            let rel = self.relative(f)?;
            crate::source::regular_metadata(f)?;
            if !opts.follow_symlinks {
                self.inside(f)?;
            }
            let label = opts.label.clone().unwrap_or_else(|| {
                f.file_stem()
                    .map_or_else(|| rel.clone(), |s| s.to_string_lossy().into_owned())
            });
            // Two versions of one label in one append could not name each other: the later
            // one's `revision_of` needs the earlier one's id.
            if let Some((first, ..)) = planned.iter().find(|(_, _, l)| *l == label) {
                return Err(LedgerError::SameLabel {
                    label,
                    first: first.display().to_string(),
                    second: f.display().to_string(),
                });
            }
            planned.push((f, rel, label));
        }
        // Per file: `Some` when unchanged, `None` for a version to write.
        let mut outcomes = Vec::new();
        let mut bodies = Vec::new();
        for (f, rel, label) in planned {
            let stored = self.store(f)?;
            let prev = latest_version(&records, &label);
            match prev {
                Some((r, v)) if already(v, &rel, &stored, opts, &given) => {
                    let number = Ledger::version_number(&records, r.seq, &label);
                    outcomes.push(Some(Added::Unchanged {
                        record: r.clone(),
                        number,
                    }));
                }
                _ => {
                    outcomes.push(None);
                    let new = Version {
                        source: opts.source.clone(),
                        note: opts.note.clone(),
                        ..Version::new(rel, label, &stored)
                    };
                    bodies.push(Body::Version(inherit(prev, opts.role, &given, new)));
                }
            }
        }
        let count = bodies.len();
        let written = match count {
            0 => Vec::new(),
            _ => self.append_all(bodies)?,
        };
        // The versions are the last records written (a repair or an incident may come first).
        let mut versions = written
            .into_iter()
            .rev()
            .take(count)
            .collect::<Vec<_>>()
            .into_iter()
            .rev();
        Ok(outcomes
            .into_iter()
            .filter_map(|u| u.or_else(|| versions.next().map(Added::Recorded)))
            .collect())
    }

    /// Records `file`, a text written inside the repository by applying the errata list of
    /// the audit record `generated_by` to the version `revises` (`witness apply --record`),
    /// as a version of `label` that is a `revision_of` `revises` and `generated_by` the audit,
    /// with the role and the other relations of `revises`. It always appends, even when the
    /// bytes are those of `revises` (the audit did produce them). Errors, before anything is
    /// written: an id that names no record, `revises` not a version, `generated_by` not an
    /// audit, a file outside the repository or missing. Returns the record.
    pub fn record_revision(
        &self,
        file: &Path,
        label: &str,
        revises: Digest,
        generated_by: Digest,
    ) -> Result<Record, LedgerError> {
        let records = self.records()?;
        let find = |id: Digest, kind: RelationKind| {
            let shown = id.to_string();
            let r = records
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| LedgerError::UnknownId { id: shown.clone() })?;
            check_target(kind, &shown, r)?;
            Ok::<_, LedgerError>(r)
        };
        let old = find(revises, RelationKind::RevisionOf)?;
        let audit = find(generated_by, RelationKind::GeneratedBy)?;
        let rel = self.relative(file)?;
        crate::source::regular_metadata(file)?;
        self.inside(file)?;
        let stored = self.store(file)?;
        let given = [Relation {
            kind: RelationKind::GeneratedBy,
            target: audit.id,
        }];
        let prev = old.version().map(|v| (old, v));
        let new = Version::new(rel, label, &stored);
        self.append(Body::Version(inherit(prev, None, &given, new)))
    }
}

/// The last version of `label`, and its record.
fn latest_version<'r>(records: &'r [Record], label: &str) -> Option<(&'r Record, &'r Version)> {
    records
        .iter()
        .rev()
        .find_map(|r| r.version().filter(|v| v.label == label).map(|v| (r, v)))
}

/// Whether `prev` already is the version `add` would record: the same bytes at the same
/// path, and every option given already said.
fn already(
    prev: &Version,
    rel: &str,
    stored: &Stored,
    opts: &NewVersions,
    given: &[Relation],
) -> bool {
    prev.sha256 == stored.sha256
        && prev.path == rel
        && opts.role.is_none_or(|r| prev.role == Some(r))
        && opts
            .source
            .as_ref()
            .is_none_or(|s| prev.source.as_ref() == Some(s))
        && opts
            .note
            .as_ref()
            .is_none_or(|n| prev.note.as_ref() == Some(n))
        && given.iter().all(|g| prev.relations.contains(g))
}

/// `new` as the next version after `prev`: `role` or else `prev`'s role; for each kind of
/// relation, those `given`, or else `prev`'s (not its `revision_of`, which names the version
/// before it, nor its `generated_by`, which is its own); and a `revision_of` `prev` unless
/// one is given.
fn inherit(
    prev: Option<(&Record, &Version)>,
    role: Option<Role>,
    given: &[Relation],
    mut new: Version,
) -> Version {
    new.role = role.or(prev.and_then(|(_, p)| p.role));
    new.relations = RelationKind::ALL
        .into_iter()
        .flat_map(|kind| {
            let mine: Vec<Relation> = given.iter().filter(|r| r.kind == kind).copied().collect();
            if !mine.is_empty() {
                return mine;
            }
            match (kind, prev) {
                (_, None) | (RelationKind::GeneratedBy, _) => Vec::new(),
                (RelationKind::RevisionOf, Some((r, _))) => vec![Relation { kind, target: r.id }],
                (_, Some((_, p))) => p
                    .relations
                    .iter()
                    .filter(|x| x.kind == kind)
                    .copied()
                    .collect(),
            }
        })
        .collect();
    new
}

/// Refuses a relation to the wrong kind of record: every relation names a version, but
/// `generated_by`, which names an audit.
fn check_target(kind: RelationKind, id: &str, target: &Record) -> Result<(), LedgerError> {
    let (expected, fits) = if kind.targets_audit() {
        ("an audit", matches!(target.body, Body::Audit(_)))
    } else {
        ("a version", target.version().is_some())
    };
    if fits {
        return Ok(());
    }
    Err(LedgerError::WrongTarget {
        id: id.to_string(),
        seq: target.seq,
        found: match target.body {
            Body::Version(_) => "a version",
            Body::Audit(_) => "an audit",
            Body::Note(_) => "a note",
            Body::Repair(_) => "a repair",
            Body::Incident(_) => "an incident",
        },
        relation: kind.name(),
        expected,
    })
}

/// Reads a witness named on a command line: the file, or, when there is no such file, the
/// version of the ledger that the name resolves to (ID, digest, label or `label@N`).
pub fn read_witness(
    arg: &Path,
    read: &ReadOptions,
    ledger: Option<&Ledger>,
) -> Result<Document, LedgerError> {
    let path = match Document::read(arg, read) {
        Err(SourceError::NotFound { path }) => path,
        other => return Ok(other?),
    };
    let not_found = || LedgerError::Source(SourceError::NotFound { path: path.clone() });
    let Some(l) = ledger else {
        return Err(not_found());
    };
    let records = l.records()?;
    let id = arg.to_string_lossy();
    let Some((r, v)) = l
        .resolve(&records, &id)
        .ok()
        .and_then(|r| r.version().map(|v| (r, v)))
    else {
        return Err(not_found());
    };
    let bytes = l.object(r.seq, &v.sha256)?;
    Ok(Document::from_bytes(&id, &v.label, &bytes, read)?)
}

/// Serializes one record onto `buffer`, advancing the checkpoint.
fn encode_record(
    body: Body,
    seq: u64,
    checkpoint: &mut Checkpoint,
    buffer: &mut Vec<u8>,
) -> Result<Record, LedgerError> {
    let (record, line) = Record::new(seq, checkpoint.last_id, now(), body)?;
    buffer.extend_from_slice(line.as_bytes());
    buffer.push(b'\n');
    checkpoint.frontier.push(*record.id.as_bytes());
    checkpoint.last_id = record.id;
    checkpoint.bytes += line.len() as u64 + 1;
    Ok(record)
}

/// For crash tests: `WITNESS_CRASH_AFTER_BYTES=N` writes only the first N bytes of the next
/// record, then aborts the process, leaving a torn line exactly as a crash would.
fn fault_point(file: &mut File, bytes: &[u8]) {
    if let Some(n) = std::env::var("WITNESS_CRASH_AFTER_BYTES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let _ = file.write_all(&bytes[..n.min(bytes.len())]);
        let _ = file.sync_data();
        std::process::abort();
    }
}

/// The last complete record of the log, a torn tail after it (offset, bytes), and the
/// log's length.
struct Tail {
    last: Option<Record>,
    torn: Option<(u64, Vec<u8>)>,
    len: u64,
}

/// Reads backwards from the end, a window at a time, until the last complete line is found.
fn read_tail(file: &mut File, path: &Path) -> Result<Tail, LedgerError> {
    let len = file.metadata().map_err(io(path))?.len();
    let mut window: u64 = 64 * 1024;
    loop {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start)).map_err(io(path))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        file.take(len - start)
            .read_to_end(&mut buf)
            .map_err(io(path))?;
        let last_nl = buf.iter().rposition(|&b| b == b'\n');
        let torn = match last_nl {
            Some(i) if i + 1 < buf.len() => Some((start + i as u64 + 1, buf[i + 1..].to_vec())),
            None if start == 0 && !buf.is_empty() => Some((0, buf.clone())),
            _ => None,
        };
        let Some(end) = last_nl else {
            if start == 0 {
                return Ok(Tail {
                    last: None,
                    torn,
                    len,
                });
            }
            window *= 4;
            continue;
        };
        let line_start = buf[..end].iter().rposition(|&b| b == b'\n').map(|i| i + 1);
        let line_start = match line_start {
            Some(s) => s,
            None if start == 0 => 0,
            None => {
                window *= 4;
                continue;
            }
        };
        let damaged = |what: String| LedgerError::DamagedTail {
            path: path.display().to_string(),
            what,
        };
        let line =
            std::str::from_utf8(&buf[line_start..end]).map_err(|_| damaged("not UTF-8".into()))?;
        let last = Record::parse(line).map_err(|e| damaged(e.to_string()))?;
        return Ok(Tail {
            last: Some(last),
            torn,
            len,
        });
    }
}

/// The complete lines of a log (split on LF only: a CR is part of a line, and makes it
/// non-canonical for every reader alike), and the length of the torn tail after the last LF.
/// Every reader of the log goes through here, so they never disagree on what a line is.
pub fn log_lines(bytes: &[u8]) -> (Vec<&[u8]>, usize) {
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let lines = match complete {
        0 => Vec::new(),
        n => bytes[..n - 1].split(|&b| b == b'\n').collect(),
    };
    (lines, bytes.len() - complete)
}

/// What tells that a file changed: its length, modification and change times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileState {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl FileState {
    fn of(f: &File) -> std::io::Result<FileState> {
        use std::os::unix::fs::MetadataExt as _;
        let m = f.metadata()?;
        Ok(FileState {
            len: m.len(),
            modified: (m.mtime(), m.mtime_nsec()),
            changed: (m.ctime(), m.ctime_nsec()),
        })
    }
}

/// Writes a file whole or not at all: temporary file, sync, rename, sync the directory.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    let tmp = path.with_extension(format!("tmp-{}-{}", std::process::id(), unique()));
    let mut f = File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(path)(e));
    }
    // The file is in place; a directory that cannot be synced only weakens durability across
    // a power loss, and reporting failure now would undo an append whose checkpoint exists.
    let _ = sync_dir(path.parent().unwrap_or(Path::new(".")));
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// A name part that differs between calls of one process.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    nanos ^ (COUNTER.fetch_add(1, Ordering::Relaxed) << 32)
}

/// Now, as RFC 3339 UTC; `SOURCE_DATE_EPOCH` (seconds) fixes it for reproducible runs.
fn now() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    rfc3339(secs)
}

fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Watches bytes go by and says whether they are already canonical text: valid UTF-8 without
/// BOM, CR or NUL, in NFC (a quick check that is conservative across chunk boundaries).
#[derive(Default)]
struct TextCheck {
    carry: Vec<u8>,
    failed: bool,
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8], first: bool) {
        if self.failed {
            return;
        }
        if (first && chunk.starts_with(b"\xEF\xBB\xBF"))
            || chunk.contains(&b'\r')
            || chunk.contains(&0)
        {
            self.failed = true;
            return;
        }
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        let valid = match quick_canonical(&data) {
            Some(n) => n,
            // Something the byte scan cannot vouch for: the full check on this chunk.
            None => match std::str::from_utf8(&data) {
                Ok(text) if is_nfc_quick(text.chars()) == IsNormalized::Yes => data.len(),
                // An incomplete sequence at the end waits for the next chunk.
                Err(e) if e.error_len().is_none() => {
                    let text = std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or("");
                    if is_nfc_quick(text.chars()) != IsNormalized::Yes {
                        self.failed = true;
                        return;
                    }
                    e.valid_up_to()
                }
                _ => {
                    self.failed = true;
                    return;
                }
            },
        };
        self.carry = data[valid..].to_vec();
    }

    fn canonical(&self) -> bool {
        !self.failed && self.carry.is_empty()
    }
}

/// A byte scan that vouches for the common case at memory speed: ASCII without CR, Latin
/// below U+0300, general punctuation (U+2002..U+207F), CJK (U+3000..U+9FFF without the
/// combining kana marks U+3099 and U+309A) and full-width forms (U+FF00..U+FF7F) are valid
/// UTF-8 and in NFC. Returns how many bytes it vouched for (an incomplete sequence at the end
/// is left for the next chunk), or `None` when the full check is needed.
fn quick_canonical(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        if lead < 0x80 {
            // CR is not canonical; NUL means binary (decoding refuses it).
            if lead == b'\r' || lead == 0 {
                return None;
            }
            i += 1;
            continue;
        }
        let len = match lead {
            0xC2..=0xCB => 2,
            0xE2..=0xE9 | 0xEF => 3,
            _ => return None,
        };
        if i + len > b.len() {
            return Some(i);
        }
        if b[i + 1..i + len].iter().any(|&c| c & 0xC0 != 0x80) {
            return None;
        }
        if len == 3 {
            let (c1, c2) = (b[i + 1], b[i + 2]);
            let vouched = match lead {
                0xE2 => (c1 == 0x80 && c2 >= 0x82) || c1 == 0x81,
                0xE3 => !(c1 == 0x82 && (c2 == 0x99 || c2 == 0x9A)),
                0xE4..=0xE9 => true,
                _ => c1 == 0xBC || c1 == 0xBD,
            };
            if !vouched {
                return None;
            }
        }
        i += len;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_scan_agrees_with_the_full_check() {
        for s in [
            "跨里海“国际”运输，ａ１",
            "café",
            "x\u{2014}y",
            "\u{3099}",
            "\u{2000}",
            "e\u{301}",
            "한국어",
        ] {
            let quick = quick_canonical(s.as_bytes()) == Some(s.len());
            let full = is_nfc_quick(s.chars()) == IsNormalized::Yes;
            // The scan may decline what is fine, never vouch for what is not.
            assert!(!quick || full, "{s:?}");
        }
        assert_eq!(quick_canonical("跨里".as_bytes()), Some(6));
        assert_eq!(quick_canonical(&"跨里".as_bytes()[..4]), Some(3));
        assert_eq!(quick_canonical("\u{3099}".as_bytes()), None);
    }

    #[test]
    fn a_digest_from_a_record_never_becomes_a_path_outside_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::init(dir.path()).unwrap();
        for bad in ["../../../../etc/hostname", "ab/../../x", "ABCD", ""] {
            assert!(Digest::parse(bad).is_err(), "{bad}");
        }
        let missing = Digest::ZERO;
        assert!(
            l.object_path(&missing)
                .starts_with(dir.path().join(DIR).join("objects").join("sha256"))
        );
        assert!(matches!(
            l.object(1, &missing),
            Err(LedgerError::MissingObject { seq: 1, .. })
        ));
    }

    #[test]
    fn new_versions_are_recorded_once_in_one_append() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::init(dir.path()).unwrap();
        let read = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            Document::read(&p, &ReadOptions::default()).unwrap()
        };
        let docs = [read("a.txt", "跨里海"), read("b.txt", "跨海")];
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), "elsewhere").unwrap();
        let elsewhere = Document::read(outside.path(), &ReadOptions::default()).unwrap();
        let written = l
            .record_new_versions(&[docs[0].clone(), elsewhere, docs[1].clone()])
            .unwrap();
        let labels: Vec<&str> = written
            .iter()
            .map(|r| r.version().unwrap().label.as_str())
            .collect();
        assert_eq!(labels, ["a", "b"]);
        assert_eq!(written[0].version().unwrap().path, "a.txt");
        assert_eq!(written[1].prev, written[0].id);
        let before = std::fs::read(l.log_path()).unwrap();
        assert!(l.record_new_versions(&docs).unwrap().is_empty());
        assert_eq!(std::fs::read(l.log_path()).unwrap(), before);
        let audit = l
            .record_audit(
                "scan",
                docs.iter().map(|d| Input::of(d).unwrap()).collect(),
                Some(Profile::Loose),
                b"report",
            )
            .unwrap();
        assert_eq!(audit.seq, 2);
        assert_eq!(l.records().unwrap().last(), Some(&audit));
        assert!(verify::verify(&l).unwrap().problem.is_none());
    }

    #[test]
    fn an_audit_records_its_engine_and_why_it_ran_twice() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::init(dir.path()).unwrap();
        let engine = |retried: Option<&str>| EngineRef {
            name: "ballista://127.0.0.1:50050".into(),
            plan: "-- docs\nSELECT 1;\n".into(),
            retried: retried.map(String::from),
        };
        let audit = |e: EngineRef| {
            l.record_audit_on("scan", Vec::new(), None, Digest::of(b"report"), Some(e))
                .unwrap()
        };
        let once = audit(engine(None));
        let twice = audit(engine(Some("the engine gave a row twice: pair 3")));
        let engine_of = |r: &Record| match &r.body {
            Body::Audit(a) => a.engine.clone(),
            other => panic!("{other:?}"),
        };
        let read = l.records().unwrap();
        assert_eq!(engine_of(&read[0]), Some(engine(None)));
        assert_eq!(
            engine_of(&read[1]).unwrap().retried.as_deref(),
            Some("the engine gave a row twice: pair 3")
        );
        assert_eq!(read, [once, twice]);
        // A run that ran once writes no `retried` field: its line is what it was before.
        let log = std::fs::read_to_string(l.log_path()).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        assert!(!lines[0].contains("retried"), "{}", lines[0]);
        assert!(
            lines[1].contains(r#""retried":"the engine gave a row twice: pair 3""#),
            "{}",
            lines[1]
        );
        assert!(verify::verify(&l).unwrap().problem.is_none());
    }

    #[test]
    fn record_numbers_are_written_as_log_prints_them() {
        assert_eq!(record_number("0"), Some(0));
        assert_eq!(record_number("42"), Some(42));
        assert_eq!(record_number("1234"), Some(1234));
        for not in [
            "",
            "01",
            "00",
            "+1",
            "-1",
            "1.0",
            "4a",
            "99999999999999999999999",
        ] {
            assert_eq!(record_number(not), None, "{not}");
        }
    }

    #[test]
    fn rfc3339_from_epoch() {
        assert_eq!(rfc3339(1_750_118_400), "2025-06-17T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn text_check_is_conservative() {
        let mut t = TextCheck::default();
        let s = "跨里海".as_bytes();
        t.feed(&s[..4], true);
        t.feed(&s[4..], false);
        assert!(t.canonical());
        for bad in [
            &b"a\r\nb"[..],
            b"\xEF\xBB\xBFx",
            "e\u{301}".as_bytes(),
            b"\xff",
        ] {
            let mut t = TextCheck::default();
            t.feed(bad, true);
            assert!(!t.canonical(), "{bad:?}");
        }
    }
}
