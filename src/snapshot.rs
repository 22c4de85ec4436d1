//! Snapshots of documents and comparisons, the way insta snapshot-tests code: a stable,
//! reviewable rendering of what witness reads (a document's text with where each line is in
//! the file) or finds (the report of a comparison), kept as `NAME.snap` under version control
//! and compared on every run. A snapshot that is new or differs is written beside it as
//! `NAME.snap.new`, pending until a person accepts or rejects it.
//!
//! ```
//! use witness::{Document, ReadOptions, snapshot};
//!
//! let doc = Document::from_bytes("a.txt", "a", "跨里海\n\n国际运输走廊\n".as_bytes(), &ReadOptions::default())?;
//! assert_eq!(
//!     snapshot::document(&doc, "witness snapshot a.txt"),
//!     "---\ncommand: witness snapshot a.txt\ninput: a.txt  UTF-8 (no BOM)\n---\n      \
//!      1:1 | 跨里海\n          |\n      3:1 | 国际运输走廊\n",
//! );
//! # Ok::<(), witness::SourceError>(())
//! ```

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use similar::TextDiff;

use crate::diff::Diff;
use crate::report::{self, TextOptions, mark, painter, visible};
use crate::source::{Document, EncodingSource};

/// The extension of an accepted snapshot.
pub const EXTENSION: &str = ".snap";
/// The extension of a pending snapshot, waiting to be accepted or rejected.
pub const PENDING_EXTENSION: &str = ".snap.new";

/// Width of the position column of a document snapshot: fixed, so that a document growing
/// past line 999 does not shift every row.
const POSITION_WIDTH: usize = 9;

/// How long the line diff shown to a person may take before it settles for a coarser one: it
/// only shows a change, the snapshots themselves are compared whole.
const DIFF_TIMEOUT: Duration = Duration::from_secs(2);

/// The snapshot of a document: a header (`command`, which produced it; `input`, how the file
/// was read; `warning`s of the reader), then one row per line of its text, each with the
/// `line:column` in the file where the line starts and, for a structured format, the element
/// it is in (`TextLine#l1 [100,300,900,340]`). Blank lines are rows without a position; line
/// breaks other than LF, tabs and invisible characters show as markers (`␍`, `⇥`,
/// `⟨U+202E⟩`). A missing line break at the end of the text is not recorded.
pub fn document(doc: &Document, command: &str) -> String {
    let mut header = vec![("input", input(doc))];
    header.extend(doc.warnings.iter().map(|w| ("warning", visible(w))));
    let mut body = String::new();
    let text = doc.text.strip_suffix('\n').unwrap_or(&doc.text);
    let mut start = 0;
    // An empty text has no rows (`split` would give one empty line).
    for line in text.split('\n').filter(|_| !text.is_empty()) {
        if line.is_empty() {
            let _ = writeln!(body, "{:>POSITION_WIDTH$} |", "");
        } else {
            let p = doc.position(start);
            let at = format!("{}:{}", p.line, p.column);
            let address = p
                .address
                .map(|a| format!(" {}", visible(&a.to_string())))
                .unwrap_or_default();
            let _ = writeln!(body, "{at:>POSITION_WIDTH$}{address} | {}", visible(line));
        }
        start += line.len() + 1;
    }
    render(command, &header, &body)
}

/// The snapshot of a comparison: a header (`command`), then the text report of
/// `witness diff --all` without colour, cosmetic variants included so that any change in
/// what differs shows as a line of its own.
pub fn comparison(d: &Diff, command: &str) -> String {
    let body = report::text(
        d,
        TextOptions {
            all: true,
            color: false,
        },
    );
    render(command, &[], &body)
}

/// How a document was read, for the header: its path, encoding and format, and what was
/// replaced or left out. Sizes and digests stay out, so that markup that changes no text
/// (a new timestamp in a PAGE file's metadata) leaves the snapshot as it was.
fn input(doc: &Document) -> String {
    let source = match doc.encoding_source {
        EncodingSource::Declared => "declared",
        EncodingSource::Bom => "BOM",
        EncodingSource::Utf8 => "no BOM",
        EncodingSource::Detected => "detected",
        EncodingSource::Markup => "declared in the file",
    };
    let mut s = format!("{}  {} ({source})", visible(&doc.path), doc.encoding.name());
    if doc.format() != crate::InputFormat::Text {
        let _ = write!(s, ", read as {}", doc.format().title());
    }
    if doc.replaced > 0 {
        let _ = write!(s, ", {} malformed sequences replaced", doc.replaced);
    }
    if !doc.ignored.is_empty() {
        let _ = write!(s, ", {} passages left out (--ignore)", doc.ignored.len());
    }
    s
}

/// A snapshot file: the header between `---` lines, then the body. No witness version and no
/// date, so that an upgrade that changes nothing in the output changes no snapshot.
fn render(command: &str, header: &[(&str, String)], body: &str) -> String {
    let mut out = format!("---\ncommand: {}\n", visible(command));
    for (key, value) in header {
        let _ = writeln!(out, "{key}: {value}");
    }
    out + "---\n" + body
}

/// The name of the snapshot of `files` (one document, or two compared): the file names,
/// joined by `__` for a comparison. `None` when one of them has no file name (`-`, the
/// standard input).
pub fn name_for(files: &[&Path]) -> Option<String> {
    let names: Option<Vec<String>> = files
        .iter()
        .map(|f| {
            f.file_name()
                .filter(|_| f.as_os_str() != "-")
                .map(|n| n.to_string_lossy().into_owned())
        })
        .collect();
    Some(names?.join("__"))
}

/// Checks that `name` can name a snapshot: a file name, so not empty, without `/` or `\`,
/// and without characters a terminal would act on.
pub fn check_name(name: &str) -> Result<(), SnapshotError> {
    let bad = name.is_empty()
        || name.contains(['/', '\\'])
        || name.chars().any(crate::chars::needs_marker);
    match bad {
        true => Err(SnapshotError::BadName {
            name: visible(name),
        }),
        false => Ok(()),
    }
}

/// `path` as a snapshot shows it: relative to `cwd` when it is inside it, else (an absolute
/// path elsewhere) its file name alone, so that no snapshot depends on where a checkout
/// lives; `/` between components, `./` dropped.
pub fn shown_path(path: &Path, cwd: &Path) -> String {
    let relative = match path.strip_prefix(cwd) {
        Ok(inside) if path.is_absolute() && cwd.is_absolute() => inside,
        _ if path.is_absolute() => path.file_name().map_or(path, Path::new),
        _ => path,
    };
    relative
        .components()
        .filter(|c| *c != Component::CurDir)
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A line diff of two snapshots in the unified format (`---`, `+++`, `@@` hunks with three
/// lines of context), for a person; `color` paints removed lines red and added ones green.
/// Characters a terminal would act on are written as markers, whatever the files hold.
pub fn unified_diff(old: &str, new: &str, old_label: &str, new_label: &str, color: bool) -> String {
    let diff = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new)
        .unified_diff()
        .header(old_label, new_label)
        .to_string();
    let paint = painter(color);
    mark(&diff)
        .lines()
        .map(|line| {
            let code = match line.as_bytes().first() {
                _ if line.starts_with("---") || line.starts_with("+++") => "1",
                Some(b'@') => "36",
                Some(b'-') => "31",
                Some(b'+') => "32",
                _ => "",
            };
            match code {
                "" => format!("{line}\n"),
                _ => paint(code, line) + "\n",
            }
        })
        .collect()
}

/// What a snapshot on disk says about a new rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The accepted snapshot is the same.
    Matches,
    /// There is no accepted snapshot yet.
    New,
    /// The accepted snapshot differs; it holds `old`.
    Changed {
        /// The accepted snapshot's content.
        old: String,
    },
}

/// A directory of snapshots: `NAME.snap` accepted, `NAME.snap.new` pending.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The snapshots kept in `dir` (created when a snapshot is first written).
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the accepted snapshot `name` is.
    pub fn accepted(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}{EXTENSION}"))
    }

    /// Where the pending snapshot `name` is.
    pub fn pending(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}{PENDING_EXTENSION}"))
    }

    /// Compares `rendered` with the accepted snapshot `name`.
    pub fn check(&self, name: &str, rendered: &str) -> Result<Check, SnapshotError> {
        Ok(match self.read_accepted(name)? {
            None => Check::New,
            Some(old) if old == rendered => Check::Matches,
            Some(old) => Check::Changed { old },
        })
    }

    /// The accepted snapshot `name`, or `None` when there is none. Line endings of the file
    /// do not count: a checkout that turned LF into CRLF still matches.
    pub fn read_accepted(&self, name: &str) -> Result<Option<String>, SnapshotError> {
        let path = self.accepted(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(text(&path, bytes)?.replace("\r\n", "\n"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SnapshotError::io(&path, e)),
        }
    }

    /// The pending snapshot `name`.
    pub fn read_pending(&self, name: &str) -> Result<String, SnapshotError> {
        let path = self.pending(name);
        let bytes = std::fs::read(&path).map_err(|e| SnapshotError::io(&path, e))?;
        text(&path, bytes)
    }

    /// Writes `rendered` as the pending snapshot `name`, creating the directory.
    pub fn write_pending(&self, name: &str, rendered: &str) -> Result<PathBuf, SnapshotError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| SnapshotError::io(&self.dir, e))?;
        let path = self.pending(name);
        std::fs::write(&path, rendered).map_err(|e| SnapshotError::io(&path, e))?;
        Ok(path)
    }

    /// Deletes the pending snapshot `name` if there is one; true when there was.
    pub fn discard(&self, name: &str) -> Result<bool, SnapshotError> {
        let path = self.pending(name);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(SnapshotError::io(&path, e)),
        }
    }

    /// The names of the pending snapshots, sorted; none when the directory does not exist.
    /// Files whose names could not name a snapshot are left out.
    pub fn pending_names(&self) -> Result<Vec<String>, SnapshotError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(SnapshotError::io(&self.dir, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| SnapshotError::io(&self.dir, e))?;
            let file = entry.file_name();
            let name = file
                .to_str()
                .and_then(|f| f.strip_suffix(PENDING_EXTENSION));
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if let Some(name) = name.filter(|n| is_file && check_name(n).is_ok()) {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// The pending snapshots `names` (all of them when `names` is empty), each once, in the
    /// order given; an error naming the first that is not pending, before anything is done.
    pub fn select(&self, names: &[String]) -> Result<Vec<String>, SnapshotError> {
        let pending = self.pending_names()?;
        if names.is_empty() {
            return Ok(pending);
        }
        let mut chosen: Vec<String> = Vec::new();
        for name in names {
            if !pending.contains(name) {
                return Err(SnapshotError::Unknown {
                    name: visible(name),
                    dir: shown(&self.dir),
                    pending: match pending.is_empty() {
                        true => "none is pending".to_string(),
                        false => format!("pending: {}", pending.join(", ")),
                    },
                });
            }
            if !chosen.contains(name) {
                chosen.push(name.clone());
            }
        }
        Ok(chosen)
    }

    /// Accepts the pending snapshot `name`: it becomes `NAME.snap`, replacing the one there.
    pub fn accept(&self, name: &str) -> Result<PathBuf, SnapshotError> {
        let to = self.accepted(name);
        std::fs::rename(self.pending(name), &to).map_err(|e| SnapshotError::io(&to, e))?;
        Ok(to)
    }

    /// Rejects the pending snapshot `name`: it is deleted.
    pub fn reject(&self, name: &str) -> Result<PathBuf, SnapshotError> {
        let path = self.pending(name);
        std::fs::remove_file(&path).map_err(|e| SnapshotError::io(&path, e))?;
        Ok(path)
    }
}

/// The text of a snapshot file.
fn text(path: &Path, bytes: Vec<u8>) -> Result<String, SnapshotError> {
    String::from_utf8(bytes).map_err(|_| SnapshotError::NotText { path: shown(path) })
}

/// A path as messages name it.
fn shown(path: &Path) -> String {
    visible(&path.display().to_string())
}

/// Why a snapshot could not be read, written, accepted or rejected.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A file or the directory could not be read or written.
    #[error("{path}: {source}; check that the snapshot directory (--dir) can be written")]
    Io {
        /// The file or directory.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A snapshot file is not UTF-8, so witness did not write it.
    #[error(
        "{path}: not UTF-8 text, so not a snapshot witness wrote; delete it and run witness snapshot again"
    )]
    NotText {
        /// The file.
        path: String,
    },
    /// A name that cannot name a snapshot file.
    #[error(
        "{name:?} cannot name a snapshot: a name is a file name, without \"/\" or \"\\\" or control characters; choose one with --name NAME"
    )]
    BadName {
        /// The name, invisible characters as markers.
        name: String,
    },
    /// A name given to accept or reject with no pending snapshot.
    #[error(
        "no pending snapshot named {name:?} in {dir} ({pending}); give the NAME of NAME.snap.new, or leave names out for all"
    )]
    Unknown {
        /// The name given.
        name: String,
        /// The snapshot directory.
        dir: String,
        /// The pending ones, as a sentence.
        pending: String,
    },
}

impl SnapshotError {
    fn io(path: &Path, source: std::io::Error) -> SnapshotError {
        SnapshotError::Io {
            path: shown(path),
            source,
        }
    }
}
