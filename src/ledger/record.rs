//! Typed records of the ledger: each line of `.witness/ledger.jsonl` is parsed once, at the
//! boundary ([`Record::parse`]), into a [`Record`] whose fields have their types: digests are
//! [`Digest`]s (always a valid SHA-256), roles and relations are enums, byte counts are
//! numbers. A line that is valid, canonical JSON but has a missing, ill-typed or unknown field
//! is an error that names the record and the field, never a panic further on.
//!
//! The typed form writes exactly the canonical bytes the ledger has always held (the same
//! field names; byte counts as decimal strings; optional fields left out, never `null`), so
//! every existing ledger still verifies and no id changes. The readers and writers of the
//! ledger assemble and read records only through these types:
//!
//! ```
//! use witness::ledger::record::{Body, Digest, Record};
//!
//! let digest = Digest::of(b"text");
//! assert_eq!(digest.to_string().len(), 64);
//! assert_eq!(digest.short(), &digest.to_string()[..12]);
//! assert!(Digest::parse("zz").is_err());
//! let body = Body::note("checked by hand");
//! assert_eq!(body.kind(), "note");
//! let line = r#"{"prev":"0000000000000000000000000000000000000000000000000000000000000000","schema":"witness/ledger/1","seq":0,"text":"x","time":"2025-06-17T00:00:00Z","type":"note"}"#;
//! let r = Record::parse(line).unwrap();
//! assert_eq!(r.body, Body::note("x"));
//! let bad = line.replace(r#""seq":0"#, r#""seq":"x""#);
//! assert_eq!(
//!     Record::parse(&bad).unwrap_err().to_string(),
//!     r#"field "seq": "x" is not a record number (a whole number from 0)"#
//! );
//! ```

use std::fmt;
use std::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use sha2::Digest as _;

use super::canonical::{self, NotCanonical};
use super::merkle::{self, Hash};
use super::{SCHEMA, Stored};
use crate::normalize::Profile;
use crate::source::Document;

/// A SHA-256 digest. It can only hold one: it is parsed from exactly 64 lowercase hex digits
/// (or computed), shown and serialized as those digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(Hash);

/// Why a string is not a [`Digest`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a SHA-256 digest", shown(&Value::String(.value.clone())))]
pub struct DigestError {
    /// The string that was given.
    pub value: String,
}

impl Digest {
    /// All zeros: the `prev` of the first record.
    pub const ZERO: Digest = Digest([0; 32]);

    /// Parses exactly 64 lowercase hexadecimal digits.
    pub fn parse(s: &str) -> Result<Digest, DigestError> {
        let bad = || DigestError {
            value: s.to_string(),
        };
        let b = s.as_bytes();
        if b.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, pair) in b.chunks_exact(2).enumerate() {
            let (Some(hi), Some(lo)) = (nibble(pair[0]), nibble(pair[1])) else {
                return Err(bad());
            };
            out[i] = hi << 4 | lo;
        }
        Ok(Digest(out))
    }

    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(sha2::Sha256::digest(bytes).into())
    }

    /// A digest from its 32 bytes.
    pub const fn from_bytes(bytes: Hash) -> Digest {
        Digest(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &Hash {
        &self.0
    }

    /// The first 12 hex digits: how `log` and `add` show a digest.
    pub fn short(&self) -> String {
        let mut s = self.to_string();
        s.truncate(12);
        s
    }

    /// Whether the hex digits start with `prefix` (lowercase hex; anything else never
    /// matches).
    pub fn starts_with(&self, prefix: &str) -> bool {
        prefix.len() <= 64
            && prefix.bytes().enumerate().all(|(i, c)| {
                let byte = self.0[i / 2];
                let n = if i % 2 == 0 { byte >> 4 } else { byte & 0xf };
                nibble(c) == Some(n)
            })
    }
}

/// The value of one lowercase hex digit.
fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = HEX[usize::from(b >> 4)];
            out[2 * i + 1] = HEX[usize::from(b & 0xf)];
        }
        // Only ASCII hex digits were written.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<Digest, DigestError> {
        Digest::parse(s)
    }
}

impl From<Hash> for Digest {
    fn from(bytes: Hash) -> Digest {
        Digest(bytes)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Digest::parse(&s).map_err(D::Error::custom)
    }
}

/// What a version is, in the edition's terms (`witness add --role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The official text: a base the others are audited against.
    Official,
    /// A transcription of another version.
    Transcription,
    /// A translation of another version.
    Translation,
    /// A news report that carries the text.
    News,
}

impl Role {
    /// Every role, in the order `--help` lists them.
    pub const ALL: [Role; 4] = [
        Role::Official,
        Role::Transcription,
        Role::Translation,
        Role::News,
    ];

    /// The name records hold.
    pub fn name(self) -> &'static str {
        match self {
            Role::Official => "official",
            Role::Transcription => "transcription",
            Role::Translation => "translation",
            Role::News => "news",
        }
    }

    /// The role of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// How a version relates to an earlier record: another version, or (`generated_by`) the
/// audit that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// A transcription of the target.
    TranscriptionOf,
    /// A revision of the target.
    RevisionOf,
    /// A translation of the target.
    TranslationOf,
    /// Quotes the target.
    Quotes,
    /// Produced by the target, an audit record: a text corrected by applying the errata list
    /// that audit wrote ([`Ledger::record_revision`](super::Ledger::record_revision)).
    GeneratedBy,
}

impl RelationKind {
    /// Every kind of relation.
    pub const ALL: [RelationKind; 5] = [
        RelationKind::TranscriptionOf,
        RelationKind::RevisionOf,
        RelationKind::TranslationOf,
        RelationKind::Quotes,
        RelationKind::GeneratedBy,
    ];

    /// The name records hold.
    pub fn name(self) -> &'static str {
        match self {
            RelationKind::TranscriptionOf => "transcription_of",
            RelationKind::RevisionOf => "revision_of",
            RelationKind::TranslationOf => "translation_of",
            RelationKind::Quotes => "quotes",
            RelationKind::GeneratedBy => "generated_by",
        }
    }

    /// Whether the target is an audit record rather than a version.
    pub fn targets_audit(self) -> bool {
        self == RelationKind::GeneratedBy
    }

    /// The kind of a name, if it is one.
    pub fn from_name(name: &str) -> Option<RelationKind> {
        RelationKind::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A relation of a version to an earlier record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Relation {
    /// What the relation is.
    #[serde(rename = "type")]
    pub kind: RelationKind,
    /// The id of the record it relates to.
    pub target: Digest,
}

/// A version of a document: the file's bytes are in the store under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    /// The file, relative to the repository, with `/` separators.
    pub path: String,
    /// A short name of the document (the file stem unless given).
    pub label: String,
    /// SHA-256 of the bytes: the object's name in the store.
    pub sha256: Digest,
    /// SHA-256 of the canonical text (NFC, LF line endings, no BOM).
    pub text_sha256: Digest,
    /// The encoding the bytes were read in.
    pub encoding: String,
    /// The size in bytes (written as a decimal string).
    #[serde(serialize_with = "decimal")]
    pub bytes: u64,
    /// Relations to earlier records.
    pub relations: Vec<Relation>,
    /// What the version is, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Where the bytes came from (a URI), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A note kept with the version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Version {
    /// A version of the bytes `store` kept, without relations, role, source or note (set
    /// those fields as needed).
    pub fn new(path: impl Into<String>, label: impl Into<String>, stored: &Stored) -> Version {
        Version {
            path: path.into(),
            label: label.into(),
            sha256: stored.sha256,
            text_sha256: stored.text_sha256,
            encoding: stored.encoding.clone(),
            bytes: stored.bytes,
            relations: Vec::new(),
            role: None,
            source: None,
            note: None,
        }
    }
}

/// One file an audit read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    /// The path as given to the command.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: Digest,
    /// SHA-256 of its canonical text, when it was decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_sha256: Option<Digest>,
}

impl Input {
    /// The input of an audit for a document it read. An error only if the document's digests
    /// are not SHA-256 digests (documents compute them, so never in practice).
    pub fn of(doc: &Document) -> Result<Input, DigestError> {
        Ok(Input {
            path: doc.path.clone(),
            sha256: Digest::parse(&doc.sha256)?,
            text_sha256: Some(Digest::parse(&doc.text_sha256)?),
        })
    }
}

/// The normalization profile of an audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileRef {
    /// Its name (`loose`, `nfc`, …).
    pub name: String,
    /// SHA-256 of its rules.
    pub sha256: Digest,
}

impl ProfileRef {
    /// The reference to a profile: its name and the digest of its rules.
    pub fn of(profile: Profile) -> ProfileRef {
        ProfileRef {
            name: profile.name().to_string(),
            // What `Profile::sha256` is (a unit test holds them together), without a string
            // to parse.
            sha256: Digest::of(profile.rules().as_bytes()),
        }
    }
}

/// The program that made a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Tool {
    /// This witness.
    pub fn witness() -> Tool {
        Tool {
            name: "witness".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// A report produced from files: which report, of which inputs, by what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// The command that produced it (`diff`, `scan`, `audit`, `check`, …).
    pub report: String,
    /// The files it read.
    pub inputs: Vec<Input>,
    /// The normalization profile, for reports that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileRef>,
    /// The program.
    pub tool: Tool,
    /// SHA-256 of the report's bytes.
    pub report_sha256: Digest,
    /// The engine that ran a scan, when it was not the local one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<EngineRef>,
}

/// The engine of a run and its plan (the SQL of each stage), as the ledger records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineRef {
    /// As `--engine` names it (`streaming:2048M`, `ballista://HOST:PORT`).
    pub name: String,
    /// The plan: each stage's name and SQL.
    pub plan: String,
    /// Why the plan ran a second time, from its first stage, if it did: what the engine said
    /// when it gave a row twice (the report is the second run's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retried: Option<String>,
}

/// A note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Its text.
    pub text: String,
}

/// A torn last line (an interrupted append) cut off by the next append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// What was repaired, in words.
    pub what: String,
    /// How many bytes were cut (written as a decimal string).
    #[serde(serialize_with = "decimal")]
    pub cut_bytes: u64,
    /// SHA-256 of the bytes cut.
    pub cut_sha256: Digest,
}

/// The log and its checkpoint disagreed, and the log was taken as it stands: by `witness
/// repair` (after tampering or a lost checkpoint), or by an append that found the log ahead of
/// the checkpoint (a crash between the two writes). Kept in the log so that a disagreement is
/// never resolved silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// What was found, in words.
    pub what: String,
    /// The tree size the checkpoint held (0 when there was none), as a decimal string…
    #[serde(serialize_with = "decimal")]
    pub checkpoint_size: u64,
    /// …and its root (the empty tree's root when there was none).
    pub checkpoint_root: Digest,
    /// Complete records in the log when it was found, as a decimal string…
    #[serde(serialize_with = "decimal")]
    pub log_size: u64,
    /// …and their Merkle root.
    pub log_root: Digest,
}

/// What a record says: one of the five kinds, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// A version of a document.
    Version(Version),
    /// A report produced from files.
    Audit(Audit),
    /// A note.
    Note(Note),
    /// A repair of a torn last line.
    Repair(Repair),
    /// A disagreement between the log and its checkpoint, acknowledged.
    Incident(Incident),
}

impl Body {
    /// A note.
    pub fn note(text: impl Into<String>) -> Body {
        Body::Note(Note { text: text.into() })
    }

    /// An audit of `inputs` that produced a report whose bytes have the digest
    /// `report_sha256`.
    pub fn audit(
        report: impl Into<String>,
        inputs: Vec<Input>,
        profile: Option<Profile>,
        report_sha256: Digest,
    ) -> Body {
        Body::Audit(Audit {
            report: report.into(),
            inputs,
            profile: profile.map(ProfileRef::of),
            tool: Tool::witness(),
            report_sha256,
            engine: None,
        })
    }

    /// The repair of a torn last line whose bytes were `cut`.
    pub fn repair(cut: &[u8]) -> Body {
        Body::Repair(Repair {
            what: "a torn last line (an interrupted append) was cut off".into(),
            cut_bytes: cut.len() as u64,
            cut_sha256: Digest::of(cut),
        })
    }

    /// The `type` the record holds: `version`, `audit`, `note`, `repair` or `incident`.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Version(_) => "version",
            Body::Audit(_) => "audit",
            Body::Note(_) => "note",
            Body::Repair(_) => "repair",
            Body::Incident(_) => "incident",
        }
    }

    /// The fields as JSON, `type` included.
    pub fn to_json(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            // Every body is an object of strings, arrays and objects.
            _ => Map::new(),
        }
    }

    /// Reads the body's fields from a record's (or a bare body's) fields. (Long on purpose:
    /// one arm per record kind, each listing its fields in schema order, so the schema reads
    /// in one place.)
    fn read(f: &mut Fields<'_>) -> Result<Body, FieldError> {
        let kind = f.required("type")?;
        let kinds = "version, audit, note, repair, incident";
        match kind.as_str() {
            Some("version") => Ok(Body::Version(Version {
                path: f.contained_path("path")?,
                label: f.string("label")?,
                sha256: f.digest("sha256")?,
                text_sha256: f.digest("text_sha256")?,
                encoding: f.string("encoding")?,
                bytes: f.count("bytes")?,
                relations: f
                    .objects("relations")?
                    .into_iter()
                    .map(|mut r| {
                        let kind = r.required("type")?;
                        let kind =
                            kind.as_str()
                                .and_then(RelationKind::from_name)
                                .ok_or_else(|| {
                                    let names: Vec<&str> =
                                        RelationKind::ALL.iter().map(|k| k.name()).collect();
                                    r.invalid(
                                        "type",
                                        kind,
                                        &format!("a relation ({})", names.join(", ")),
                                    )
                                })?;
                        let target = r.digest("target")?;
                        r.finish()?;
                        Ok(Relation { kind, target })
                    })
                    .collect::<Result<_, FieldError>>()?,
                role: match f.value("role") {
                    None => None,
                    Some(v) => Some(v.as_str().and_then(Role::from_name).ok_or_else(|| {
                        f.invalid(
                            "role",
                            v,
                            "a role (official, transcription, translation, news)",
                        )
                    })?),
                },
                source: f.optional_string("source")?,
                note: f.optional_string("note")?,
            })),
            Some("audit") => Ok(Body::Audit(Audit {
                report: f.string("report")?,
                inputs: f
                    .objects("inputs")?
                    .into_iter()
                    .map(|mut i| {
                        let input = Input::read(&mut i)?;
                        i.finish()?;
                        Ok(input)
                    })
                    .collect::<Result<_, FieldError>>()?,
                profile: match f.optional_object("profile")? {
                    None => None,
                    Some(mut p) => {
                        let profile = ProfileRef {
                            name: p.string("name")?,
                            sha256: p.digest("sha256")?,
                        };
                        p.finish()?;
                        Some(profile)
                    }
                },
                tool: {
                    let mut t = f.object("tool")?;
                    let tool = Tool {
                        name: t.string("name")?,
                        version: t.string("version")?,
                    };
                    t.finish()?;
                    tool
                },
                report_sha256: f.digest("report_sha256")?,
                engine: match f.optional_object("engine")? {
                    None => None,
                    Some(mut e) => {
                        let engine = EngineRef {
                            name: e.string("name")?,
                            plan: e.string("plan")?,
                            retried: e.optional_string("retried")?,
                        };
                        e.finish()?;
                        Some(engine)
                    }
                },
            })),
            Some("note") => Ok(Body::note(f.string("text")?)),
            Some("repair") => Ok(Body::Repair(Repair {
                what: f.string("what")?,
                cut_bytes: f.count("cut_bytes")?,
                cut_sha256: f.digest("cut_sha256")?,
            })),
            Some("incident") => Ok(Body::Incident(Incident {
                what: f.string("what")?,
                checkpoint_size: f.count("checkpoint_size")?,
                checkpoint_root: f.digest("checkpoint_root")?,
                log_size: f.count("log_size")?,
                log_root: f.digest("log_root")?,
            })),
            _ => Err(f.invalid("type", kind, &format!("a record type ({kinds})"))),
        }
    }
}

impl From<Version> for Body {
    fn from(v: Version) -> Body {
        Body::Version(v)
    }
}

impl From<Audit> for Body {
    fn from(a: Audit) -> Body {
        Body::Audit(a)
    }
}

impl<'de> Deserialize<'de> for Body {
    /// Reads a body as [`Record::parse`] does: every field typed, none unknown.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Body, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        let mut f = Fields::new(&map, String::new());
        Body::read(&mut f)
            .and_then(|b| f.finish().map(|()| b))
            .map_err(|e| D::Error::custom(e.at(None)))
    }
}

impl Input {
    fn read(f: &mut Fields<'_>) -> Result<Input, FieldError> {
        Ok(Input {
            path: f.string("path")?,
            sha256: f.digest("sha256")?,
            text_sha256: f.optional_digest("text_sha256")?,
        })
    }
}

impl<'de> Deserialize<'de> for Input {
    /// Reads an input as [`Record::parse`] does: every field typed, none unknown.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Input, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        let mut f = Fields::new(&map, String::new());
        Input::read(&mut f)
            .and_then(|i| f.finish().map(|()| i))
            .map_err(|e| D::Error::custom(e.at(None)))
    }
}

/// One record of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its position in the log, from 0.
    pub seq: u64,
    /// Its id: the RFC 6962 leaf hash of its canonical bytes.
    pub id: Digest,
    /// The id of the record before it ([`Digest::ZERO`] for the first).
    pub prev: Digest,
    /// When it was written (RFC 3339, UTC).
    pub time: String,
    /// What it says.
    pub body: Body,
}

impl Record {
    /// Parses one line of the log: valid JSON, in canonical form, of schema
    /// `witness/ledger/1`, every field present and of its type, no field unknown.
    pub fn parse(line: &str) -> Result<Record, RecordError> {
        let value: Value =
            serde_json::from_str(line).map_err(|e| RecordError::Json(e.to_string()))?;
        if canonical::to_canonical(&value)? != line {
            return Err(RecordError::NotCanonical);
        }
        let Value::Object(map) = &value else {
            return Err(RecordError::NotObject);
        };
        match map.get("schema") {
            Some(Value::String(s)) if s == SCHEMA => {}
            Some(Value::String(s)) => return Err(RecordError::UnknownSchema(s.clone())),
            Some(other) => {
                let f = Fields::new(map, String::new());
                return Err(f.invalid("schema", other, "a string").at(None));
            }
            None => return Err(RecordError::NoSchema),
        }
        let mut f = Fields::new(map, String::new());
        f.value("schema");
        let seq = match f.value("seq") {
            Some(v) => v.as_u64().ok_or_else(|| {
                f.invalid("seq", v, "a record number (a whole number from 0)")
                    .at(None)
            })?,
            None => return Err(f.missing("seq").at(None)),
        };
        let rest = (|| {
            let prev = f.digest("prev")?;
            let time = f.string("time")?;
            let body = Body::read(&mut f)?;
            f.finish()?;
            Ok((prev, time, body))
        })();
        let (prev, time, body) = rest.map_err(|e: FieldError| e.at(Some(seq)))?;
        Ok(Record {
            seq,
            id: Digest(merkle::leaf_hash(line.as_bytes())),
            prev,
            time,
            body,
        })
    }

    /// A new record and its canonical line (without the newline).
    pub(super) fn new(
        seq: u64,
        prev: Digest,
        time: String,
        body: Body,
    ) -> Result<(Record, String), NotCanonical> {
        let mut r = Record {
            seq,
            id: Digest::ZERO,
            prev,
            time,
            body,
        };
        let line = r.canonical()?;
        r.id = Digest(merkle::leaf_hash(line.as_bytes()));
        Ok((r, line))
    }

    /// The `type` of the body: `version`, `audit`, `note` or `repair`.
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }

    /// The version, if this record is one.
    pub fn version(&self) -> Option<&Version> {
        match &self.body {
            Body::Version(v) => Some(v),
            _ => None,
        }
    }

    /// Every field of the line as JSON: the body's, `schema`, `seq`, `prev` and `time` (not
    /// the id, which is not in the line).
    pub fn to_json(&self) -> Map<String, Value> {
        let mut m = self.body.to_json();
        m.insert("schema".into(), SCHEMA.into());
        m.insert("seq".into(), self.seq.into());
        m.insert("prev".into(), self.prev.to_string().into());
        m.insert("time".into(), self.time.clone().into());
        m
    }

    /// The line: the canonical JSON of [`Record::to_json`]. An error only for a `seq` beyond
    /// 2^53, which canonical JSON cannot write.
    pub fn canonical(&self) -> Result<String, NotCanonical> {
        canonical::to_canonical(&Value::Object(self.to_json()))
    }
}

/// Why a line of the log is not a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// Not JSON at all.
    #[error("not valid JSON ({0})")]
    Json(String),
    /// JSON that has no canonical form here (a float, a huge integer).
    #[error(transparent)]
    Uncanonical(#[from] NotCanonical),
    /// JSON, but not in canonical form.
    #[error("not in canonical form (it was edited by hand?)")]
    NotCanonical,
    /// JSON, but not an object.
    #[error("not a JSON object")]
    NotObject,
    /// An object without `schema`.
    #[error("no schema")]
    NoSchema,
    /// A schema this witness does not read.
    #[error("unknown schema {} (this witness reads {SCHEMA}); upgrade witness", shown(&Value::String(.0.clone())))]
    UnknownSchema(String),
    /// A field that is missing, ill-typed or unknown.
    #[error("{}field {field:?}{problem}", seq.map(|s| format!("record {s}: ")).unwrap_or_default())]
    Field {
        /// The record's `seq`, when it could be read.
        seq: Option<u64>,
        /// The field, with its place: `sha256`, `relations[0].target`, `tool.name`.
        field: String,
        /// What is wrong with it.
        problem: FieldProblem,
    },
}

impl RecordError {
    /// Whether the line is a JSON record whose fields are wrong (rather than not a record
    /// at all).
    pub fn is_field(&self) -> bool {
        matches!(self, RecordError::Field { .. })
    }
}

/// What is wrong with a field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    /// It is not there.
    Missing,
    /// The record has it, but no record of this schema does.
    Unknown,
    /// Its value, and what it should be: `"zz" is not a SHA-256 digest`.
    Invalid(String),
}

impl fmt::Display for FieldProblem {
    /// Written after the field's name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldProblem::Missing => f.write_str(" is missing"),
            FieldProblem::Unknown => write!(f, " is not a field of {SCHEMA} records"),
            FieldProblem::Invalid(what) => write!(f, ": {what}"),
        }
    }
}

/// A field's problem before the record's `seq` is attached.
struct FieldError {
    field: String,
    problem: FieldProblem,
}

impl FieldError {
    fn at(self, seq: Option<u64>) -> RecordError {
        RecordError::Field {
            seq,
            field: self.field,
            problem: self.problem,
        }
    }
}

/// Reads the fields of one JSON object, remembering which were read so that the others can
/// be refused as unknown.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    /// Where the object is: `""` for the record, `relations[0]`, `tool`.
    at: String,
    read: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Map<String, Value>, at: String) -> Fields<'a> {
        Fields {
            map,
            at,
            read: Vec::new(),
        }
    }

    fn name(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.at)
        }
    }

    fn missing(&self, key: &str) -> FieldError {
        FieldError {
            field: self.name(key),
            problem: FieldProblem::Missing,
        }
    }

    fn invalid(&self, key: &str, value: &Value, expected: &str) -> FieldError {
        FieldError {
            field: self.name(key),
            problem: FieldProblem::Invalid(format!("{} is not {expected}", shown(value))),
        }
    }

    fn value(&mut self, key: &'static str) -> Option<&'a Value> {
        self.read.push(key);
        self.map.get(key)
    }

    fn required(&mut self, key: &'static str) -> Result<&'a Value, FieldError> {
        self.value(key).ok_or_else(|| self.missing(key))
    }

    fn string(&mut self, key: &'static str) -> Result<String, FieldError> {
        let v = self.required(key)?;
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| self.invalid(key, v, "a string"))
    }

    /// Absent is `None`; `null` is not a string (the ledger leaves absent fields out).
    fn optional_string(&mut self, key: &'static str) -> Result<Option<String>, FieldError> {
        match self.value(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| self.invalid(key, v, "a string")),
        }
    }

    /// A path inside the repository: relative, `/`-separated, no `.` or `..` component, not
    /// under `.witness/`, no control character. A record is read from a file anyone can
    /// edit; its path must never lead `check` or a diff outside the repository.
    fn contained_path(&mut self, key: &'static str) -> Result<String, FieldError> {
        let s = self.string(key)?;
        if is_contained(&s) {
            Ok(s)
        } else {
            let v = Value::String(s);
            Err(self.invalid(key, &v, "a path inside the repository"))
        }
    }

    fn digest(&mut self, key: &'static str) -> Result<Digest, FieldError> {
        let v = self.required(key)?;
        v.as_str()
            .and_then(|s| Digest::parse(s).ok())
            .ok_or_else(|| self.invalid(key, v, "a SHA-256 digest"))
    }

    fn optional_digest(&mut self, key: &'static str) -> Result<Option<Digest>, FieldError> {
        match self.map.contains_key(key) {
            false => {
                self.read.push(key);
                Ok(None)
            }
            true => self.digest(key).map(Some),
        }
    }

    /// A whole number written as a decimal string, as the ledger writes byte counts: digits
    /// only, no leading zero.
    fn count(&mut self, key: &'static str) -> Result<u64, FieldError> {
        let v = self.required(key)?;
        v.as_str()
            .filter(|s| s == &"0" || (!s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                self.invalid(key, v, "a whole number written as a string, such as \"42\"")
            })
    }

    fn object(&mut self, key: &'static str) -> Result<Fields<'a>, FieldError> {
        let v = self.required(key)?;
        match v {
            Value::Object(m) => Ok(Fields::new(m, self.name(key))),
            _ => Err(self.invalid(key, v, "an object")),
        }
    }

    fn optional_object(&mut self, key: &'static str) -> Result<Option<Fields<'a>>, FieldError> {
        match self.map.contains_key(key) {
            false => {
                self.read.push(key);
                Ok(None)
            }
            true => self.object(key).map(Some),
        }
    }

    /// An array of objects.
    fn objects(&mut self, key: &'static str) -> Result<Vec<Fields<'a>>, FieldError> {
        let v = self.required(key)?;
        let Value::Array(items) = v else {
            return Err(self.invalid(key, v, "an array"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let at = format!("{}[{i}]", self.name(key));
                match item {
                    Value::Object(m) => Ok(Fields::new(m, at)),
                    _ => Err(FieldError {
                        problem: FieldProblem::Invalid(format!("{} is not an object", shown(item))),
                        field: at,
                    }),
                }
            })
            .collect()
    }

    /// Refuses the fields that were not read.
    fn finish(self) -> Result<(), FieldError> {
        match self.map.keys().find(|k| !self.read.contains(&k.as_str())) {
            Some(k) => Err(FieldError {
                field: self.name(k),
                problem: FieldProblem::Unknown,
            }),
            None => Ok(()),
        }
    }
}

/// A value as JSON for a message, cut (at a character boundary) when long.
fn shown(value: &Value) -> String {
    const MAX: usize = 60;
    let s = value.to_string();
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s,
    }
}

/// True for a relative, `/`-separated path of plain components, outside `.witness/`.
pub fn is_contained(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
        && path.split('/').next() != Some(super::DIR)
}

/// A `u64` written as a decimal string, as the ledger writes byte counts.
fn decimal<S: Serializer>(n: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TIME: &str = "2025-06-17T00:00:00Z";

    fn digest(c: char) -> String {
        c.to_string().repeat(64)
    }

    /// The header fields exactly as the old `encode_record` inserted them.
    fn old_line(mut body: Map<String, Value>, seq: u64, prev: &str) -> String {
        body.insert("schema".into(), SCHEMA.into());
        body.insert("seq".into(), seq.into());
        body.insert("prev".into(), prev.into());
        body.entry("time").or_insert_with(|| TIME.into());
        canonical::to_canonical(&Value::Object(body)).unwrap()
    }

    fn new_line(body: Body, seq: u64, prev: &str) -> String {
        let (r, line) = Record::new(seq, Digest::parse(prev).unwrap(), TIME.into(), body).unwrap();
        // The line parses back to the same record, with the same id.
        assert_eq!(Record::parse(&line).unwrap(), r);
        line
    }

    fn stored() -> Stored {
        Stored {
            sha256: Digest::parse(&digest('a')).unwrap(),
            text_sha256: Digest::parse(&digest('b')).unwrap(),
            encoding: "GB18030".into(),
            bytes: 20753,
        }
    }

    /// Every kind of record, built as the code before typed records did (a JSON map) and as
    /// it does now, has the same canonical bytes: existing ledgers verify, ids do not change.
    #[test]
    fn typed_records_write_the_bytes_the_maps_did() {
        let s = stored();
        let prev = digest('c');

        // `witness add` with every option (cli/ledger.rs `add`).
        let mut old = Map::new();
        old.insert("type".into(), "version".into());
        old.insert("path".into(), "texts/跨里海.txt".into());
        old.insert("label".into(), "跨里海".into());
        old.insert("sha256".into(), digest('a').into());
        old.insert("text_sha256".into(), digest('b').into());
        old.insert("encoding".into(), "GB18030".into());
        old.insert("bytes".into(), 20753.to_string().into());
        old.insert(
            "relations".into(),
            Value::Array(vec![
                json!({"type": "transcription_of", "target": digest('d')}),
                json!({"type": "quotes", "target": digest('e')}),
            ]),
        );
        old.insert("role".into(), "transcription".into());
        old.insert("source".into(), "https://example.invalid/a?b=\"c\"".into());
        old.insert("note".into(), "line\nbreak \u{1}".into());
        let mut v = Version::new("texts/跨里海.txt", "跨里海", &s);
        v.relations = vec![
            Relation {
                kind: RelationKind::TranscriptionOf,
                target: Digest::parse(&digest('d')).unwrap(),
            },
            Relation {
                kind: RelationKind::Quotes,
                target: Digest::parse(&digest('e')).unwrap(),
            },
        ];
        v.role = Some(Role::Transcription);
        v.source = Some("https://example.invalid/a?b=\"c\"".into());
        v.note = Some("line\nbreak \u{1}".into());
        assert_eq!(old_line(old, 7, &prev), new_line(v.into(), 7, &prev));

        // A version `audit` records (cli/mod.rs `record_versions`): no role, source or note.
        let mut old = Map::new();
        old.insert("type".into(), "version".into());
        old.insert("path".into(), "a.txt".into());
        old.insert("label".into(), "a".into());
        old.insert("sha256".into(), digest('a').into());
        old.insert("text_sha256".into(), digest('b').into());
        old.insert("encoding".into(), "GB18030".into());
        old.insert("bytes".into(), 20753.to_string().into());
        old.insert("relations".into(), Value::Array(Vec::new()));
        let new = Body::Version(Version::new("a.txt", "a", &s));
        assert_eq!(
            old_line(old, 0, &digest('0')),
            new_line(new, 0, &digest('0'))
        );

        // An audit with a profile (`record_audit` after diff, scan, audit…).
        for profile in Profile::ALL {
            let inputs = [("a.txt", 'a', 'b'), ("跨.txt", 'c', 'd')];
            let output = "report 跨里海\n".as_bytes();
            let mut old = Map::new();
            old.insert("type".into(), "audit".into());
            old.insert("report".into(), "diff".into());
            old.insert(
                "inputs".into(),
                Value::Array(
                    inputs
                        .iter()
                        .map(|(p, s, t)| {
                            json!({"path": p, "sha256": digest(*s), "text_sha256": digest(*t)})
                        })
                        .collect(),
                ),
            );
            old.insert(
                "profile".into(),
                json!({"name": profile.name(), "sha256": profile.sha256()}),
            );
            old.insert(
                "tool".into(),
                json!({"name": "witness", "version": env!("CARGO_PKG_VERSION")}),
            );
            old.insert(
                "report_sha256".into(),
                crate::source::hex_sha256(output).into(),
            );
            let new = Body::audit(
                "diff",
                inputs
                    .iter()
                    .map(|(p, s, t)| Input {
                        path: p.to_string(),
                        sha256: Digest::parse(&digest(*s)).unwrap(),
                        text_sha256: Some(Digest::parse(&digest(*t)).unwrap()),
                    })
                    .collect(),
                Some(profile),
                Digest::of(output),
            );
            assert_eq!(old_line(old, 3, &prev), new_line(new, 3, &prev));
        }

        // `check --record`: inputs without text digests, no profile.
        let mut old = Map::new();
        old.insert("type".into(), "audit".into());
        old.insert("report".into(), "check".into());
        old.insert(
            "inputs".into(),
            Value::Array(vec![json!({"path": "a.txt", "sha256": digest('a')})]),
        );
        old.insert(
            "tool".into(),
            json!({"name": "witness", "version": env!("CARGO_PKG_VERSION")}),
        );
        old.insert(
            "report_sha256".into(),
            crate::source::hex_sha256(b"ok\n").into(),
        );
        let new = Body::audit(
            "check",
            vec![Input {
                path: "a.txt".into(),
                sha256: Digest::parse(&digest('a')).unwrap(),
                text_sha256: None,
            }],
            None,
            Digest::of(b"ok\n"),
        );
        assert_eq!(old_line(old, 4, &prev), new_line(new, 4, &prev));

        // A note.
        let mut old = Map::new();
        old.insert("type".into(), "note".into());
        old.insert("text".into(), "checked \"by\" hand 跨里海".into());
        assert_eq!(
            old_line(old, 5, &prev),
            new_line(Body::note("checked \"by\" hand 跨里海"), 5, &prev)
        );

        // A repair (`append_all`).
        let torn = b"{\"prev\":\"00";
        let mut old = Map::new();
        old.insert("type".into(), "repair".into());
        old.insert(
            "what".into(),
            "a torn last line (an interrupted append) was cut off".into(),
        );
        old.insert("cut_bytes".into(), torn.len().to_string().into());
        old.insert("cut_sha256".into(), crate::source::hex_sha256(torn).into());
        assert_eq!(
            old_line(old, 6, &prev),
            new_line(Body::repair(torn), 6, &prev)
        );
    }

    #[test]
    fn profile_digest_is_profile_sha256() {
        for p in Profile::ALL {
            assert_eq!(ProfileRef::of(p).sha256.to_string(), p.sha256());
        }
    }

    #[test]
    fn digests_parse_only_sha256() {
        let hex = "9d94ffd035d133889a9aa6bdac14133486e26dca8117ed97885e1fd0b685557e";
        let d = Digest::parse(hex).unwrap();
        assert_eq!(d.to_string(), hex);
        assert_eq!(d.short(), "9d94ffd035d1");
        assert!(d.starts_with("9d94"));
        assert!(d.starts_with(hex));
        assert!(!d.starts_with("9D94"));
        assert!(!d.starts_with(&format!("{hex}0")));
        assert_eq!(serde_json::to_value(d).unwrap(), json!(hex));
        assert_eq!(serde_json::from_value::<Digest>(json!(hex)).unwrap(), d);
        for bad in [
            "",
            "zz",
            &hex.to_uppercase(),
            &hex[..63],
            &format!("{hex}0"),
            "../../../../etc/hostname",
            &"跨".repeat(21),
            &format!("+{}", &hex[1..]),
        ] {
            assert!(Digest::parse(bad).is_err(), "{bad}");
            assert!(serde_json::from_value::<Digest>(json!(bad)).is_err());
        }
        assert_eq!(
            Digest::parse("xyz").unwrap_err().to_string(),
            "\"xyz\" is not a SHA-256 digest"
        );
        assert_eq!(Digest::of(b"").to_string(), crate::source::hex_sha256(b""));
    }

    #[test]
    fn roles_and_relations_are_named_as_serde_names_them() {
        for r in Role::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), json!(r.name()));
            assert_eq!(Role::from_name(r.name()), Some(r));
        }
        for k in RelationKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), json!(k.name()));
            assert_eq!(RelationKind::from_name(k.name()), Some(k));
        }
    }

    fn good_version() -> Map<String, Value> {
        let (_, line) = Record::new(
            3,
            Digest::ZERO,
            TIME.into(),
            Body::Version(Version {
                relations: vec![Relation {
                    kind: RelationKind::RevisionOf,
                    target: Digest::of(b"x"),
                }],
                role: Some(Role::Official),
                ..Version::new("a.txt", "a", &stored())
            }),
        )
        .unwrap();
        match serde_json::from_str(&line).unwrap() {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    /// The message for a record whose field `key` is set to `value` (`None`: removed).
    fn error_for(key: &str, value: Option<Value>) -> String {
        let mut m = good_version();
        match value {
            Some(v) => m.insert(key.into(), v),
            None => m.remove(key),
        };
        let line = canonical::to_canonical(&Value::Object(m)).unwrap();
        Record::parse(&line).unwrap_err().to_string()
    }

    #[test]
    fn bad_fields_are_named_with_the_record() {
        let cases: [(&str, Option<Value>, &str); 12] = [
            (
                "sha256",
                Some(json!("zz")),
                r#"record 3: field "sha256": "zz" is not a SHA-256 digest"#,
            ),
            ("sha256", None, r#"record 3: field "sha256" is missing"#),
            (
                "seq",
                Some(json!("x")),
                r#"field "seq": "x" is not a record number (a whole number from 0)"#,
            ),
            (
                "seq",
                Some(json!(-1)),
                r#"field "seq": -1 is not a record number (a whole number from 0)"#,
            ),
            ("seq", None, r#"field "seq" is missing"#),
            (
                "relations",
                Some(json!([{"type": "quotes"}])),
                r#"record 3: field "relations[0].target" is missing"#,
            ),
            (
                "relations",
                Some(json!([{"type": "copies", "target": digest('a')}])),
                r#"record 3: field "relations[0].type": "copies" is not a relation (transcription_of, revision_of, translation_of, quotes, generated_by)"#,
            ),
            (
                "relations",
                Some(json!(["x"])),
                r#"record 3: field "relations[0]": "x" is not an object"#,
            ),
            (
                "bytes",
                Some(json!(20753)),
                r#"record 3: field "bytes": 20753 is not a whole number written as a string, such as "42""#,
            ),
            (
                "role",
                Some(json!(null)),
                r#"record 3: field "role": null is not a role (official, transcription, translation, news)"#,
            ),
            (
                "type",
                Some(json!("poem")),
                r#"record 3: field "type": "poem" is not a record type (version, audit, note, repair, incident)"#,
            ),
            (
                "extra",
                Some(json!(1)),
                r#"record 3: field "extra" is not a field of witness/ledger/1 records"#,
            ),
        ];
        for (key, value, message) in cases {
            assert_eq!(error_for(key, value), message);
        }
        // A long value is cut, at a character boundary.
        let long: String = "跨里海".repeat(30);
        assert_eq!(
            error_for("prev", Some(json!(long))),
            format!(
                "record 3: field \"prev\": \"{}… is not a SHA-256 digest",
                long.chars().take(59).collect::<String>()
            )
        );
        for bytes in ["007", "", "-1", "+1", "1e3", "99999999999999999999"] {
            assert!(error_for("bytes", Some(json!(bytes))).contains("field \"bytes\""));
        }
        // Multi-byte text anywhere a string goes is fine.
        let mut m = good_version();
        m.insert("label".into(), "跨里海跨里海跨里海".into());
        let line = canonical::to_canonical(&Value::Object(m)).unwrap();
        let r = Record::parse(&line).unwrap();
        assert_eq!(r.version().unwrap().label, "跨里海跨里海跨里海");
        assert_eq!(r.canonical().unwrap(), line);
    }

    #[test]
    fn lines_that_are_not_records() {
        let err = |line: &str| Record::parse(line).unwrap_err().to_string();
        assert!(err("{not json").starts_with("not valid JSON"));
        assert_eq!(err("{ }"), "not in canonical form (it was edited by hand?)");
        assert_eq!(err("[]"), "not a JSON object");
        assert_eq!(err("{}"), "no schema");
        assert_eq!(
            err(r#"{"schema":"witness/ledger/2"}"#),
            "unknown schema \"witness/ledger/2\" (this witness reads witness/ledger/1); upgrade witness"
        );
        assert!(err(r#"{"seq":1.5}"#).contains("cannot be written"));
    }

    #[test]
    fn to_json_is_the_line() {
        let line = canonical::to_canonical(&Value::Object(good_version())).unwrap();
        let r = Record::parse(&line).unwrap();
        assert_eq!(
            Value::Object(r.to_json()),
            serde_json::from_str::<Value>(&line).unwrap()
        );
    }

    #[test]
    fn bodies_and_inputs_deserialize_as_records_parse() {
        let body: Body = serde_json::from_value(json!({"type": "note", "text": "x"})).unwrap();
        assert_eq!(body, Body::note("x"));
        let e = serde_json::from_value::<Input>(json!({"path": "a", "sha256": "zz"}));
        assert_eq!(
            e.unwrap_err().to_string(),
            r#"field "sha256": "zz" is not a SHA-256 digest"#
        );
    }
}
