//! The ledger commands: init, add, note, log, show, verify, prove, export, check; and the
//! `--record` of report commands.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;

use super::{CliError, Outcome, write_stdout};
use witness::ledger::note::{SigningKey, TreeHead, VerifierKey};
use witness::ledger::verify::{
    check_head, check_proof, consistency_proof, inclusion_proof, verify,
};
use witness::ledger::{
    Added, Body, Digest, EngineRef, Input, Ledger, LedgerError, NewVersions, Record, RelationKind,
    export,
};
use witness::report;
use witness::{Document, Profile, ReadOptions, SourceError};

/// Where the ledger is: `--ledger DIR`, or found by walking up from the current directory.
pub fn ledger(at: &Option<PathBuf>) -> Result<Ledger, LedgerError> {
    match at {
        Some(dir) => Ledger::open(dir),
        None => Ledger::find(Path::new(".")),
    }
}

/// The arguments of `witness add`.
#[derive(Args, Debug)]
pub struct AddArgs {
    /// Files to record (inside the repository: the directory that holds .witness/). Each is
    /// the next version of its label: it keeps the role and relations of the label's last
    /// version (each kind given here replaces that kind) and is a revision of it; a file that
    /// version already is, is left alone.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// A short name for the document (default: the file stem); one file only.
    #[arg(long)]
    label: Option<String>,
    /// Where the bytes came from (a URI).
    #[arg(long, value_name = "URI")]
    source: Option<String>,
    /// What the version is.
    #[arg(long, value_enum)]
    role: Option<Role>,
    /// This is a transcription of that version (ID: a record number or #N, digest, prefix,
    /// label, label@N).
    #[arg(long, value_name = "ID")]
    transcription_of: Option<String>,
    /// This is a revision of that version.
    #[arg(long, value_name = "ID")]
    revision_of: Option<String>,
    /// This is a translation of that version.
    #[arg(long, value_name = "ID")]
    translation_of: Option<String>,
    /// This quotes that version.
    #[arg(long, value_name = "ID")]
    quotes: Option<String>,
    /// A note kept with the version.
    #[arg(long)]
    note: Option<String>,
    /// Store a file that is a symbolic link to outside the repository (refused by default).
    #[arg(long)]
    follow_symlinks: bool,
}

/// The ledger for a command that records when there is one (`audit`): the one `--ledger`
/// names (which must exist), else the one found above the current directory, if any.
pub fn ledger_if_any(at: &Option<PathBuf>) -> Result<Option<Ledger>, LedgerError> {
    match at {
        Some(dir) => Ledger::open(dir).map(Some),
        None => match Ledger::find(Path::new(".")) {
            Ok(l) => Ok(Some(l)),
            Err(LedgerError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        },
    }
}

/// Whether each document's bytes are a version the ledger marks `official` (the bases of
/// `witness audit`).
pub fn official(l: &Ledger, docs: &[Document]) -> Result<Vec<bool>, LedgerError> {
    let official = l.with_role(witness::ledger::Role::Official)?;
    Ok(docs
        .iter()
        .map(|d| Digest::parse(&d.sha256).is_ok_and(|s| official.contains(&s)))
        .collect())
}

/// Records a version of each audited file whose bytes the ledger does not have yet:
/// [`Ledger::record_new_versions`].
pub fn record_versions(l: &Ledger, docs: &[Document]) -> Result<(), LedgerError> {
    l.record_new_versions(docs)?;
    Ok(())
}

/// `--role`: the command line's names of [`witness::ledger::Role`].
#[derive(ValueEnum, Clone, Copy, Debug)]
#[value(rename_all = "snake_case")]
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

impl From<Role> for witness::ledger::Role {
    fn from(r: Role) -> witness::ledger::Role {
        match r {
            Role::Official => witness::ledger::Role::Official,
            Role::Transcription => witness::ledger::Role::Transcription,
            Role::Translation => witness::ledger::Role::Translation,
            Role::News => witness::ledger::Role::News,
        }
    }
}

/// `witness export --format`.
#[derive(ValueEnum, Clone, Copy, Debug)]
#[value(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// W3C PROV-JSON of the whole ledger.
    ProvJson,
    /// in-toto Statements v1, one per line: one per version, audit and note.
    InToto,
}

/// `witness init`.
pub fn init() -> Result<Outcome, CliError> {
    let l = Ledger::init(Path::new("."))?;
    write_stdout(&format!(
        "initialized an empty ledger in {}\n",
        l.log_path().parent().unwrap_or(&l.root).display()
    ))?;
    Ok(Outcome::Same)
}

/// `witness add`: stores each file and appends a version record for it, all in one append; a
/// file its label's last version already is (same bytes, path and options) is left alone.
pub fn add(at: &Option<PathBuf>, args: AddArgs) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    if args.label.is_some() && args.files.len() > 1 {
        return Err(CliError::Usage(
            "--label names one file; add the files one by one".into(),
        ));
    }
    let relations = [
        (RelationKind::TranscriptionOf, &args.transcription_of),
        (RelationKind::RevisionOf, &args.revision_of),
        (RelationKind::TranslationOf, &args.translation_of),
        (RelationKind::Quotes, &args.quotes),
    ]
    .into_iter()
    .filter_map(|(kind, id)| id.clone().map(|id| (kind, id)))
    .collect();
    let opts = NewVersions {
        label: args.label,
        source: args.source,
        role: args.role.map(Into::into),
        relations,
        note: args.note,
        follow_symlinks: args.follow_symlinks,
    };
    let mut out = String::new();
    for added in l.add(&args.files, &opts)? {
        match added {
            Added::Recorded(r) => {
                if let Some(v) = r.version() {
                    out += &format!(
                        "added {} as {} (record {}, {}, sha256 {})\n",
                        v.path,
                        v.label,
                        r.seq,
                        r.id.short(),
                        v.sha256.short()
                    );
                }
            }
            Added::Unchanged { record, number } => {
                if let Some(v) = record.version() {
                    out += &format!(
                        "unchanged: {} is already version {}@{number} (record {})\n",
                        v.path, v.label, record.seq
                    );
                }
            }
        }
    }
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// The arguments of `witness note`.
#[derive(Args, Debug)]
pub struct NoteArgs {
    /// The note's text.
    text: String,
}

/// `witness note`: appends a note record.
pub fn note(at: &Option<PathBuf>, args: NoteArgs) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let r = l.append(Body::note(args.text))?;
    write_stdout(&format!("noted (record {}, {})\n", r.seq, r.id.short()))?;
    Ok(Outcome::Same)
}

/// One line about a record, for `log`.
fn summary(r: &Record, records: &[Record]) -> String {
    let name_of = |id: &Digest| {
        records.iter().find(|x| x.id == *id).map_or_else(
            || id.short(),
            |x| match x.version() {
                Some(v) => v.label.clone(),
                None => format!("record {}", x.seq),
            },
        )
    };
    match &r.body {
        Body::Version(v) => {
            let rels: Vec<String> = v
                .relations
                .iter()
                .map(|x| format!("{} {}", x.kind.name(), name_of(&x.target)))
                .collect();
            format!(
                "version {} {} sha256 {}{}",
                v.label,
                v.path,
                v.sha256.short(),
                if rels.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", rels.join(", "))
                }
            )
        }
        Body::Audit(a) => {
            let inputs: Vec<&str> = a.inputs.iter().map(|x| x.path.as_str()).collect();
            format!("audit {} of {}", a.report, inputs.join(", "))
        }
        Body::Note(n) => format!("note {}", n.text),
        Body::Repair(x) => format!("repair: {}", x.what),
        Body::Incident(x) => format!(
            "INCIDENT: {} (checkpoint: {} records, root {}; log: {} records, root {})",
            x.what,
            x.checkpoint_size,
            x.checkpoint_root.short(),
            x.log_size,
            x.log_root.short()
        ),
    }
}

/// A record as `log --json` and `show` print it: the fields of its line and its id.
fn record_json(r: &Record) -> Value {
    let mut m = r.to_json();
    m.insert("id".into(), r.id.to_string().into());
    Value::Object(m)
}

/// The arguments of `witness log`.
#[derive(Args, Debug)]
pub struct LogArgs {
    /// Every record as JSON, newest first.
    #[arg(long)]
    json: bool,
}

/// `witness log`: the records, newest first, each led by its number (which `show` takes).
pub fn log(at: &Option<PathBuf>, args: LogArgs) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let records = l.records()?;
    let out = if args.json {
        let list: Vec<Value> = records.iter().rev().map(record_json).collect();
        report::to_json(&list)
    } else {
        records
            .iter()
            .rev()
            .map(|r| {
                format!(
                    "{:>5} {} {} {}\n",
                    r.seq,
                    r.id.short(),
                    r.time,
                    summary(r, &records)
                )
            })
            .collect()
    };
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// The arguments of `witness show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The record: its number as `witness log` prints it (or #N), a digest or a unique prefix
    /// of one (4+ hex digits), a label (its latest version), or label@N. A label spelled as a
    /// number wins over the record number; #N is always record N.
    id: String,
    /// The record as JSON (the fields of its line, and its id) and nothing else.
    #[arg(long)]
    json: bool,
}

/// `witness show`: one record, every field, for people; with `--json`, as JSON only.
pub fn show(at: &Option<PathBuf>, args: ShowArgs) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let records = l.records()?;
    let r = l.resolve(&records, &args.id)?;
    let out = if args.json {
        report::to_json(&record_json(r))
    } else {
        details(r, &records)
    };
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// A record named for people: a version as `label@N, record K`, another record as `record K
/// (its type)`; an id the log does not hold, as its first digits.
fn named(id: &Digest, records: &[Record]) -> String {
    match records.iter().find(|x| x.id == *id) {
        None => format!("{} (not in this ledger)", id.short()),
        Some(x) => match x.version() {
            Some(v) => format!(
                "{}@{}, record {}",
                v.label,
                Ledger::version_number(records, x.seq, &v.label),
                x.seq
            ),
            None => format!("record {} ({})", x.seq, x.kind()),
        },
    }
}

/// Every field of a record, one per line, for `show`: a name column, then the value (lines of
/// a multi-line value indented under the first).
fn details(r: &Record, records: &[Record]) -> String {
    let mut fields: Vec<(&str, String)> = Vec::new();
    let head = match &r.body {
        Body::Version(v) => format!(
            "version {}@{}",
            v.label,
            Ledger::version_number(records, r.seq, &v.label)
        ),
        other => other.kind().to_string(),
    };
    fields.push(("id", r.id.to_string()));
    fields.push(("time", r.time.clone()));
    match &r.body {
        Body::Version(v) => {
            fields.push(("path", v.path.clone()));
            fields.push(("sha256", v.sha256.to_string()));
            fields.push((
                "text",
                format!(
                    "sha256 {} ({}, {} bytes)",
                    v.text_sha256, v.encoding, v.bytes
                ),
            ));
            if let Some(role) = v.role {
                fields.push(("role", role.name().to_string()));
            }
            for x in &v.relations {
                fields.push((
                    "relation",
                    format!("{} {}", x.kind.name(), named(&x.target, records)),
                ));
            }
            if let Some(source) = &v.source {
                fields.push(("source", source.clone()));
            }
            if let Some(note) = &v.note {
                fields.push(("note", note.clone()));
            }
        }
        Body::Audit(a) => {
            fields.push((
                "report",
                format!("{}, sha256 {}", a.report, a.report_sha256),
            ));
            for i in &a.inputs {
                fields.push(("input", format!("{} sha256 {}", i.path, i.sha256)));
            }
            if let Some(p) = &a.profile {
                fields.push(("profile", format!("{} (sha256 {})", p.name, p.sha256)));
            }
            fields.push(("tool", format!("{} {}", a.tool.name, a.tool.version)));
        }
        Body::Note(n) => fields.push(("text", n.text.clone())),
        Body::Repair(x) => {
            fields.push(("what", x.what.clone()));
            fields.push((
                "cut",
                format!("{} bytes, sha256 {}", x.cut_bytes, x.cut_sha256),
            ));
        }
        Body::Incident(x) => {
            fields.push(("what", x.what.clone()));
            fields.push((
                "checkpoint",
                format!("{} records, root {}", x.checkpoint_size, x.checkpoint_root),
            ));
            fields.push((
                "log",
                format!("{} records, root {}", x.log_size, x.log_root),
            ));
        }
    }
    let mut out = format!("record {}, {head}\n", r.seq);
    for (name, value) in fields {
        let value = value.replace('\n', &format!("\n{:12}", ""));
        out += &format!("  {name:<10}{value}\n");
    }
    out
}

/// What `witness verify` checks besides the ledger itself.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Check a proof file offline instead (from `witness prove`).
    #[arg(long, value_name = "FILE")]
    proof: Option<PathBuf>,
    /// A checkpoint kept elsewhere (from `witness checkpoint`): the ledger must extend it.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["proof", "size", "root"])]
    checkpoint: Option<PathBuf>,
    /// The verifier key that must have signed the checkpoint (the key, or a file holding it).
    #[arg(long, value_name = "VKEY", requires = "checkpoint")]
    key: Option<String>,
    /// A tree size kept elsewhere (with --root).
    #[arg(long, value_name = "N", requires = "root", conflicts_with = "proof")]
    size: Option<u64>,
    /// The root of that tree, in hex (with --size).
    #[arg(long, value_name = "HEX", requires = "size")]
    root: Option<String>,
}

/// Reads a small file given on the command line.
fn read_bytes(p: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(p).map_err(|e| {
        let path = p.display().to_string();
        CliError::from(LedgerError::Source(match e.kind() {
            std::io::ErrorKind::NotFound => SourceError::NotFound { path },
            _ => SourceError::Io { path, source: e },
        }))
    })
}

/// `witness verify`: exit 0 intact, 1 damaged or rewritten; with `--proof`, checks a proof
/// file offline (exit 1 when it fails, 2 when the file is not a proof at all).
pub fn verify_cmd(at: &Option<PathBuf>, args: VerifyArgs) -> Result<Outcome, CliError> {
    if let Some(p) = &args.proof {
        let not_a_proof = |why: String| {
            CliError::Usage(format!(
                "{}: not a proof: {why}; a proof file is the JSON that `witness prove ID` (an inclusion proof) or `witness prove --since N` (a consistency proof) writes",
                p.display()
            ))
        };
        let text =
            String::from_utf8(read_bytes(p)?).map_err(|_| not_a_proof("not UTF-8 text".into()))?;
        let checked = check_proof(&text).map_err(|e| not_a_proof(e.to_string()))?;
        let (word, outcome) = match checked {
            Ok(msg) => (format!("proof holds: {msg}"), Outcome::Same),
            Err(msg) => (format!("proof fails: {msg}"), Outcome::Differ),
        };
        write_stdout(&format!("{word}\n"))?;
        return Ok(outcome);
    }
    let l = ledger(at)?;
    let head = kept_head(&l, &args)?;
    let v = verify(&l)?;
    let mut out = match &v.problem {
        None => format!("ledger intact: {} records, root {}\n", v.records, v.root),
        Some(p) => format!("ledger damaged: {p}\n"),
    };
    if !v.incidents.is_empty() {
        out += "incidents the ledger records (disagreements with its checkpoint, accepted):\n";
        for i in &v.incidents {
            out += &format!("  {i}\n");
        }
    }
    let mut outcome = Outcome::of(v.problem.is_some());
    if let Some(head) = head.filter(|_| v.problem.is_none()) {
        match check_head(&l, &head)? {
            Ok(msg) => out += &format!("consistent with the checkpoint: {msg}\n"),
            Err(msg) => {
                out += &format!("ledger rewritten: {msg}\n");
                outcome = Outcome::Differ;
            }
        }
    }
    write_stdout(&out)?;
    Ok(outcome)
}

/// Reads a small text file given on the command line.
fn read_text(p: &Path) -> Result<String, CliError> {
    String::from_utf8(read_bytes(p)?)
        .map_err(|_| CliError::Usage(format!("{}: not UTF-8 text", p.display())))
}

/// The tree head `verify` is asked to check against, its signature checked first.
fn kept_head(l: &Ledger, args: &VerifyArgs) -> Result<Option<TreeHead>, CliError> {
    let bad = |what: String| CliError::Usage(what);
    if let Some(file) = &args.checkpoint {
        let text = read_text(file)?;
        if let Some(k) = &args.key {
            let vkey_text = match Path::new(k).is_file() {
                true => read_text(Path::new(k))?,
                false => k.clone(),
            };
            let vkey = VerifierKey::parse(&vkey_text).map_err(|e| bad(format!("--key: {e}")))?;
            vkey.open(&text)
                .map_err(|e| bad(format!("{}: {e}; it proves nothing", file.display())))?;
        }
        let head = TreeHead::parse(&text).map_err(|e| bad(format!("{}: {e}", file.display())))?;
        return Ok(Some(head));
    }
    match (&args.size, &args.root) {
        (Some(size), Some(root)) => {
            let root = Digest::parse(root).map_err(|e| bad(format!("--root: {e}")))?;
            Ok(Some(TreeHead {
                origin: Ledger::origin(&l.records()?),
                size: *size,
                root: *root.as_bytes(),
            }))
        }
        _ => Ok(None),
    }
}

/// `witness repair`: accept the log as it stands, recording the disagreement.
pub fn repair(at: &Option<PathBuf>) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let written = l.repair()?;
    let out = if written.is_empty() {
        "nothing to repair: the log and its checkpoint agree\n".to_string()
    } else {
        written
            .iter()
            .map(|r| {
                format!(
                    "recorded {} (record {}, {})\n",
                    summary(r, &[]),
                    r.seq,
                    r.id.short()
                )
            })
            .collect()
    };
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// `witness key …`.
#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// A new Ed25519 signing key for tree heads: written to --out (never inside .witness/),
    /// its verifier key printed.
    Generate {
        /// The key's name, usually where its heads are published (`archive.example/witness`).
        name: String,
        /// Where the signing key goes (a new file; keep it secret, outside the repository).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// `witness key generate`.
pub fn key(command: KeyCommand) -> Result<Outcome, CliError> {
    let KeyCommand::Generate { name, out } = command;
    let inside = std::path::absolute(&out)
        .map(|p| {
            p.components()
                .any(|c| c.as_os_str() == witness::ledger::DIR)
        })
        .unwrap_or(false);
    if inside {
        return Err(CliError::Usage(format!(
            "{}: a signing key must not be kept inside {}/ (anyone who can change the ledger could then sign it); choose a path outside the repository",
            out.display(),
            witness::ledger::DIR
        )));
    }
    let key = SigningKey::generate(&name).map_err(|e| CliError::Usage(e.to_string()))?;
    write_secret(&out, &(key.encode() + "\n"))?;
    write_stdout(&format!(
        "wrote the signing key to {} (keep it secret)\nverifier key: {}\n",
        out.display(),
        key.verifier().encode()
    ))?;
    Ok(Outcome::Same)
}

/// Writes a new file readable by its owner only; an existing file is never overwritten.
fn write_secret(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let shown = path.display().to_string();
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => CliError::Usage(format!(
                "{shown}: already exists; a key is never overwritten"
            )),
            _ => LedgerError::Io {
                path: shown.clone(),
                source: e,
            }
            .into(),
        })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| {
            LedgerError::Io {
                path: shown,
                source: e,
            }
            .into()
        })
}

/// `witness checkpoint`: the current head, signed when a key is given. A damaged ledger
/// gets no head: it would vouch for the damage.
pub fn checkpoint(at: &Option<PathBuf>, key: Option<PathBuf>) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let key = match &key {
        Some(k) => Some(
            SigningKey::parse(&read_text(k)?)
                .map_err(|e| CliError::Usage(format!("{}: {e}", k.display())))?,
        ),
        None => None,
    };
    if let Some(p) = verify(&l)?.problem {
        return Err(CliError::Usage(format!(
            "the ledger is damaged ({p}); a checkpoint of it would vouch for the damage"
        )));
    }
    let text = l.head()?.text();
    write_stdout(&match key {
        Some(k) => k.sign(&text),
        None => text,
    })?;
    Ok(Outcome::Same)
}

/// `witness prove`: an inclusion proof of a record, or a consistency proof since a size.
pub fn prove(
    at: &Option<PathBuf>,
    id: Option<String>,
    since: Option<usize>,
) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let proof = match (id, since) {
        (Some(id), None) => {
            let records = l.records()?;
            let r = l.resolve(&records, &id)?;
            inclusion_proof(&l, r)?
        }
        (None, Some(m)) => consistency_proof(&l, m)?,
        _ => return Err(CliError::Usage("give a record ID, or --since SIZE".into())),
    };
    write_stdout(&report::to_json(&proof))?;
    Ok(Outcome::Same)
}

/// `witness export`.
pub fn export_cmd(at: &Option<PathBuf>, format: ExportFormat) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let records = l.records()?;
    let out = match format {
        ExportFormat::ProvJson => report::to_json(&export::prov_json(&records)),
        ExportFormat::InToto => export::in_toto(&records)
            .iter()
            .map(|s| serde_json::to_string(s).unwrap_or_default() + "\n")
            .collect(),
    };
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// The arguments of `witness check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The files to check (default: every tracked file).
    paths: Vec<PathBuf>,
    /// Record the check as an audit.
    #[arg(long)]
    record: bool,
    /// List cosmetic variants too in the diff of a changed file (as `witness diff --all`).
    #[arg(short, long)]
    all: bool,
    /// The format of the report: `text`, or a CI format (`json` and `md` list the
    /// diagnostics, as with --baseline).
    #[arg(short, long, value_enum, default_value_t = super::Format::Text)]
    format: super::Format,
    #[command(flatten)]
    output: super::OutputArgs,
}

/// `witness check`: every tracked path (or those given) re-hashed against its last version.
pub fn check(
    at: &Option<PathBuf>,
    args: CheckArgs,
    accept: super::Accept,
) -> Result<Outcome, CliError> {
    let l = ledger(at)?;
    let c = l.check(&args.paths)?;
    let baseline = args.output.baseline.is_some();
    let shown = match args.format {
        super::Format::Json | super::Format::Md => args.format.shown(true),
        format => format.shown(baseline),
    };
    let (outcome, out) = super::output::conclude(
        &args.output,
        accept,
        shown,
        true,
        c.drift() > 0,
        || witness::diagnostics::of_check(&c),
        || report::check::text(&c, args.all),
    )?;
    if args.record && accept.is_none() {
        l.record_audit_on("check", c.inputs, None, out, None)?;
    }
    Ok(outcome)
}

/// Appends an audit record of a report just written, naming the documents it read; returns
/// the record (its id is what a version it produced names, see
/// [`Ledger::record_revision`]).
pub fn record_audit(
    l: &Ledger,
    report: &str,
    docs: &[&Document],
    profile: Option<Profile>,
    report_sha256: Digest,
) -> Result<Record, CliError> {
    record_audit_on(l, report, docs, profile, report_sha256, None)
}

/// [`record_audit`], with the engine that ran it (none for the local one).
pub fn record_audit_on(
    l: &Ledger,
    report: &str,
    docs: &[&Document],
    profile: Option<Profile>,
    report_sha256: Digest,
    engine: Option<EngineRef>,
) -> Result<Record, CliError> {
    let inputs = docs
        .iter()
        .map(|d| Input::of(d))
        .collect::<Result<Vec<_>, _>>()
        .map_err(LedgerError::from)?;
    Ok(l.record_audit_on(report, inputs, profile, report_sha256, engine)?)
}

/// Reads a witness argument: a file, or else a version in the ledger (ID, label, label@N).
pub fn load(arg: &Path, read: &ReadOptions, at: &Option<PathBuf>) -> Result<Document, CliError> {
    let l = ledger(at).ok();
    let doc = witness::ledger::read_witness(arg, read, l.as_ref())?;
    super::warn_document(&doc);
    Ok(doc)
}
