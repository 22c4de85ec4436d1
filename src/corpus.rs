//! The documents of a run, each read, decoded and normalized once.
//!
//! A [`Corpus`] holds the documents of one run under one profile, referred to by their index
//! ([`DocId`]). What every analysis needs of a document — its view, tokens, original spans
//! and paragraphs ([`Tokenized`]) — is computed the first time it is asked for and then
//! shared: a scan, the diffs of the witnesses it groups, their collation and their errata all
//! read the same copy. [`Corpus::work`] counts what was computed, so a test can prove that an
//! audit reads each document once, scans once and compares each pair once.
//!
//! Documents come from a [`Reader`]: files and directories ([`Files`]), and tables of
//! documents ([`Collection`]), which [`Files`] reads when one is named directly.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::collection::Collection;
use crate::diff::{Comparison, compare_with};
use crate::normalize::{Profile, Tokenized};
use crate::orthography::Scripts;
use crate::progress::{Phase, Progress};
use crate::source::{Document, ReadOptions, SourceError};

/// A document's index in its [`Corpus`] (and in every result computed from it).
pub type DocId = usize;

/// A file that could not be read: its path and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The path as given or found.
    pub path: String,
    /// What went wrong, without the path.
    pub error: String,
}

impl Skipped {
    /// A read error as a skipped file: the message without the path it already names.
    pub fn from_error(e: &SourceError) -> Skipped {
        let path = e.path().unwrap_or_default().to_string();
        let message = e.to_string();
        let error = message
            .strip_prefix(&format!("{path}: "))
            .unwrap_or(&message)
            .to_string();
        Skipped { path, error }
    }
}

/// What a [`Reader`] read: the documents, and what it could not read.
#[derive(Debug, Default)]
pub struct Reading {
    /// Documents, in a deterministic order.
    pub docs: Vec<Document>,
    /// Inputs skipped, with the reason.
    pub skipped: Vec<Skipped>,
}

/// A source of documents for a corpus.
pub trait Reader {
    /// Reads every document; what cannot be read is skipped, not fatal.
    fn read(&self, opts: &ReadOptions) -> Reading;

    /// Reads every document as [`Reader::read`] does, in the phase [`Phase::Reading`] of
    /// `progress`. This default counts nothing until the end; [`Files`] counts each file.
    fn read_with_progress(&self, opts: &ReadOptions, progress: &dyn Progress) -> Reading {
        progress.phase(Phase::Reading, None);
        let reading = self.read(opts);
        progress.advance((reading.docs.len() + reading.skipped.len()) as u64);
        reading
    }

    /// Reads the documents as [`Reader::read_with_progress`] does, in the same order, but
    /// hands them to `each` a batch at a time instead of holding them all (a streaming scan
    /// keeps only what it needs of each). Only the documents whose path `wanted` accepts are
    /// read and handed over (a streaming scan reads again the texts its findings cite);
    /// returns what was skipped. This default reads everything first; [`Files`] and
    /// [`Collection`] read a batch at a time.
    fn read_batches(
        &self,
        opts: &ReadOptions,
        progress: &dyn Progress,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        each: &mut dyn FnMut(Vec<Document>),
    ) -> Vec<Skipped> {
        let Reading { docs, skipped } = self.read_with_progress(opts, progress);
        each(docs.into_iter().filter(|d| wanted(&d.path)).collect());
        skipped
    }
}

/// Files read together, in parallel, by [`Reader::read_batches`] of [`Files`].
const FILES_PER_BATCH: usize = 1024;

/// Files, and the files under directories (walked recursively) whose extension is wanted.
///
/// Only regular files are read: a FIFO, a device or a socket is skipped with a reason, never
/// opened for reading. A walk stays inside the directory walked: a symbolic link found in it
/// whose target lies outside that directory is skipped (unless [`Files::follow_symlinks`]), a
/// link to a file inside it is read, and a symbolically linked directory is never descended
/// (no loops). Files named directly are read as named, links included; one whose extension is
/// `.jsonl`, `.ndjson` or `.parquet` is a table of documents, read as a [`Collection`] (a file
/// of that extension found in a walk is read as a text, when `extensions` asks for it).
#[derive(Debug, Clone)]
pub struct Files {
    /// Files and directories.
    pub paths: Vec<PathBuf>,
    /// Extensions read when walking directories (without the dot); `*` for every file.
    /// Files named directly are always read.
    pub extensions: Vec<String>,
    /// Follow symbolic links to files found in a walk wherever they point, not only inside
    /// the directory walked. Linked directories are never descended either way.
    pub follow_symlinks: bool,
}

impl Files {
    /// The given paths, walking directories for `*.txt`.
    pub fn new(paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> Files {
        Files {
            paths: paths.into_iter().map(Into::into).collect(),
            extensions: vec!["txt".into()],
            follow_symlinks: false,
        }
    }

    /// Sets the extensions read when walking directories.
    pub fn extensions(mut self, extensions: &[impl AsRef<str>]) -> Files {
        self.extensions = extensions.iter().map(|e| e.as_ref().to_string()).collect();
        self
    }

    /// Follows symbolic links to files found in a walk wherever they point (default: only
    /// links whose target lies inside the directory walked are read).
    pub fn follow_symlinks(mut self, follow: bool) -> Files {
        self.follow_symlinks = follow;
        self
    }

    /// A file named directly that is a collection (a file listed is named or walked).
    fn is_collection(&self, p: &Path) -> bool {
        Collection::is_collection(p) && self.paths.iter().any(|named| named == p)
    }

    fn wanted(&self, p: &Path) -> bool {
        self.extensions.iter().any(|e| e == "*")
            || p.extension().is_some_and(|x| {
                self.extensions
                    .iter()
                    .any(|e| x.eq_ignore_ascii_case(e.trim_start_matches('.')))
            })
    }

    /// Files named, and files under directories named (sorted, dot-entries left out).
    ///
    /// In a walk, a symbolic link is resolved: one whose target lies outside the directory
    /// named is skipped with the reason (a link to a file is listed anyway with
    /// [`Files::follow_symlinks`]); a link to a file inside is listed; a linked directory is
    /// never descended, so a walk never loops. A link that cannot be resolved (dangling, a
    /// loop) is listed so that reading it says why it cannot be read. Directories that cannot
    /// be listed are skipped.
    pub fn list(&self, skipped: &mut Vec<Skipped>) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let already_skipped = skipped.len();
        // The resolved directories named, and each directory to list with the index of its root.
        let mut roots: Vec<PathBuf> = Vec::new();
        let mut stack: Vec<(PathBuf, usize)> = Vec::new();
        for p in &self.paths {
            if p.is_dir() {
                stack.push((p.clone(), roots.len()));
                roots.push(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()));
            } else {
                files.push(p.clone());
            }
        }
        while let Some((dir, root)) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    skipped.push(Skipped {
                        path: dir.display().to_string(),
                        error: format!("cannot list the directory: {e}"),
                    });
                    continue;
                }
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                match entry.file_type() {
                    Ok(t) if t.is_dir() => stack.push((path, root)),
                    Ok(t) if t.is_symlink() => {
                        if let Some(listed) = self.symlink(path, &roots[root], skipped) {
                            files.push(listed);
                        }
                    }
                    Ok(_) if self.wanted(&path) => files.push(path),
                    _ => {}
                }
            }
        }
        files.sort();
        files.dedup();
        // Directory order is the file system's: sort what this walk skipped, for stable reports.
        skipped[already_skipped..].sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// A symbolic link met in the walk of `root` (resolved): the path to list, or `None`
    /// when it is left out (skipped with the reason when its target is outside `root`).
    fn symlink(&self, link: PathBuf, root: &Path, skipped: &mut Vec<Skipped>) -> Option<PathBuf> {
        let Ok(target) = std::fs::canonicalize(&link) else {
            // Dangling, a loop, unreadable: reading it names the trouble.
            return self.wanted(&link).then_some(link);
        };
        let inside = target.starts_with(root);
        if target.is_dir() {
            if !inside {
                skipped.push(Skipped {
                    path: link.display().to_string(),
                    error: format!(
                        "symlink to a directory outside the scanned tree ({}); linked directories are not walked, name it to read it",
                        target.display()
                    ),
                });
            }
            // Inside: its files are walked anyway, under their own names.
            return None;
        }
        if !self.wanted(&link) {
            return None;
        }
        if inside || self.follow_symlinks {
            return Some(link);
        }
        skipped.push(Skipped {
            path: link.display().to_string(),
            error: format!(
                "symlink to outside the scanned tree ({}); pass --follow-symlinks to read it",
                target.display()
            ),
        });
        None
    }
}

impl Reader for Files {
    fn read(&self, opts: &ReadOptions) -> Reading {
        self.read_with_progress(opts, &())
    }

    /// Lists the files, then reads them in the phase [`Phase::Reading`], its total the files
    /// listed (what the walk skipped is not counted), each counted once read or skipped. A
    /// collection among them counts each of its rows instead, and the total is then unknown.
    /// Documents are in path order, a collection's in row order at its path's place.
    fn read_with_progress(&self, opts: &ReadOptions, progress: &dyn Progress) -> Reading {
        let mut docs = Vec::new();
        let skipped = self.read_batches(opts, progress, &|_| true, &mut |batch| docs.extend(batch));
        Reading { docs, skipped }
    }

    /// Reads the files 1,024 at a time, in parallel, and each collection among
    /// them a batch of rows at a time.
    fn read_batches(
        &self,
        opts: &ReadOptions,
        progress: &dyn Progress,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        each: &mut dyn FnMut(Vec<Document>),
    ) -> Vec<Skipped> {
        let mut skipped = Vec::new();
        let files = self.list(&mut skipped);
        let no_collection = !files.iter().any(|f| self.is_collection(f));
        progress.phase(Phase::Reading, no_collection.then_some(files.len() as u64));
        // Each skipped entry under the path it sorts by: a collection's rows under its own, in
        // row order (the sort is stable).
        let mut sorted: Vec<(String, Skipped)> =
            skipped.into_iter().map(|k| (k.path.clone(), k)).collect();
        // Runs of files, in parallel a batch at a time; each collection at its place.
        let mut rest = &files[..];
        while !rest.is_empty() {
            let next = &rest[..rest.len().min(FILES_PER_BATCH)];
            let run = &next[..next
                .iter()
                .position(|f| self.is_collection(f))
                .unwrap_or(next.len())];
            if run.is_empty() {
                let f = &rest[0];
                let table = Collection::new(f).read_batches(opts, progress, wanted, each);
                let key = f.display().to_string();
                sorted.extend(table.into_iter().map(|k| (key.clone(), k)));
                rest = &rest[1..];
                continue;
            }
            let results: Vec<Option<Result<Document, SourceError>>> = run
                .par_iter()
                .map(|f| {
                    let read = wanted(&f.display().to_string()).then(|| Document::read(f, opts));
                    progress.advance(1);
                    read
                })
                .collect();
            let mut batch = Vec::with_capacity(results.len());
            for r in results.into_iter().flatten() {
                match r {
                    Ok(d) => batch.push(d),
                    Err(e) => {
                        let k = Skipped::from_error(&e);
                        sorted.push((k.path.clone(), k));
                    }
                }
            }
            each(batch);
            rest = &rest[run.len()..];
        }
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        sorted.into_iter().map(|(_, k)| k).collect()
    }
}

/// How much work a corpus has done: what was computed, counted as it happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Documents read under the profile (views, tokens, paragraphs built).
    pub tokenized: usize,
    /// Scans run over the corpus.
    pub scans: usize,
    /// Whole-document comparisons (diffs of two documents of the corpus).
    pub comparisons: usize,
}

#[derive(Debug, Default)]
struct Counters {
    tokenized: AtomicUsize,
    scans: AtomicUsize,
    comparisons: AtomicUsize,
}

/// The documents of one run under one profile, each read and normalized once.
#[derive(Debug)]
pub struct Corpus {
    profile: Profile,
    docs: Vec<Document>,
    tokenized: Vec<OnceLock<Tokenized>>,
    counters: Counters,
}

impl Corpus {
    /// A corpus of documents already read.
    pub fn new(docs: Vec<Document>, profile: Profile) -> Corpus {
        let tokenized = docs.iter().map(|_| OnceLock::new()).collect();
        Corpus {
            profile,
            docs,
            tokenized,
            counters: Counters::default(),
        }
    }

    /// A corpus of witnesses first (ids `0..witnesses.len()`), then the other documents,
    /// leaving out those byte-identical to a witness (a copy is not a second opinion).
    pub fn with_witnesses(
        witnesses: Vec<Document>,
        others: Vec<Document>,
        profile: Profile,
    ) -> Corpus {
        let mut docs = witnesses;
        let n = docs.len();
        for d in others {
            if !docs[..n].iter().any(|w| w.sha256 == d.sha256) {
                docs.push(d);
            }
        }
        Corpus::new(docs, profile)
    }

    /// The documents, given back.
    pub fn into_docs(self) -> Vec<Document> {
        self.docs
    }

    /// Reads a corpus from a reader; also returns what was skipped.
    pub fn read(
        reader: &dyn Reader,
        opts: &ReadOptions,
        profile: Profile,
    ) -> (Corpus, Vec<Skipped>) {
        let Reading { docs, skipped } = reader.read(opts);
        (Corpus::new(docs, profile), skipped)
    }

    /// The profile every view of this corpus is read under.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The documents, in order; a [`DocId`] indexes this slice.
    pub fn docs(&self) -> &[Document] {
        &self.docs
    }

    /// One document.
    pub fn doc(&self, id: DocId) -> &Document {
        &self.docs[id]
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when the corpus has no document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// A document read under the profile, computed on first use.
    pub fn tokenized(&self, id: DocId) -> &Tokenized {
        self.tokenized[id].get_or_init(|| {
            self.counters.tokenized.fetch_add(1, Ordering::Relaxed);
            Tokenized::new(&self.docs[id].text, self.profile)
        })
    }

    /// Reads every document under the profile now, in parallel.
    pub fn tokenize_all(&self) {
        (0..self.docs.len()).into_par_iter().for_each(|d| {
            self.tokenized(d);
        });
    }

    /// Compares two whole documents of the corpus (edits from `a` to `b`).
    pub fn compare(&self, a: DocId, b: DocId) -> Comparison {
        self.compare_with(a, b, true)
    }

    /// Compares two whole documents without the exact distances of the CERs, which
    /// [`Corpus::exact_distances`] computes afterwards (for running that pass beside other
    /// work). Counted as a comparison.
    pub(crate) fn compare_inexact(&self, a: DocId, b: DocId) -> Comparison {
        self.compare_with(a, b, false)
    }

    fn compare_with(&self, a: DocId, b: DocId, exact: bool) -> Comparison {
        self.counters.comparisons.fetch_add(1, Ordering::Relaxed);
        let (ta, tb) = (self.tokenized(a), self.tokenized(b));
        let (da, db) = (&self.docs[a], &self.docs[b]);
        let scripts = Scripts::new(da.script_cell(), db.script_cell());
        compare_with(&da.text, ta, &db.text, tb, exact, scripts)
    }

    /// The exact distances of a comparison of `a` with `b` made by [`Corpus::compare_inexact`].
    pub(crate) fn exact_distances(
        &self,
        a: DocId,
        b: DocId,
        c: &Comparison,
    ) -> (Option<usize>, usize) {
        c.exact_distances(self.tokenized(a), self.tokenized(b))
    }

    /// What has been computed so far.
    pub fn work(&self) -> Work {
        Work {
            tokenized: self.counters.tokenized.load(Ordering::Relaxed),
            scans: self.counters.scans.load(Ordering::Relaxed),
            comparisons: self.counters.comparisons.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn count_scan(&self) {
        self.counters.scans.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A tree with a text, links to it, outside it, to a directory outside, and a FIFO.
    fn tree() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::fs::write(root.join("sub/a.txt"), "跨里海\n").unwrap();
        std::fs::write(dir.path().join("outside/secret.txt"), "秘密\n").unwrap();
        symlink("sub/a.txt", root.join("same.txt")).unwrap();
        symlink("../outside/secret.txt", root.join("leak.txt")).unwrap();
        symlink("../outside", root.join("out")).unwrap();
        symlink("sub", root.join("in")).unwrap();
        symlink("../outside/secret.txt", root.join("leak.md")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.txt"))
            .status()
            .unwrap();
        assert!(made.success());
        (dir, root)
    }

    fn names(files: &[PathBuf], root: &Path) -> Vec<String> {
        files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn a_walk_stays_in_its_tree() {
        let (dir, root) = tree();
        let mut skipped = Vec::new();
        let files = Files::new([&root]).list(&mut skipped);
        // The FIFO is listed: reading it says what it is.
        assert_eq!(names(&files, &root), ["pipe.txt", "same.txt", "sub/a.txt"]);
        let outside = std::fs::canonicalize(dir.path().join("outside")).unwrap();
        assert_eq!(
            skipped,
            [
                Skipped {
                    path: root.join("leak.txt").display().to_string(),
                    error: format!(
                        "symlink to outside the scanned tree ({}); pass --follow-symlinks to read it",
                        outside.join("secret.txt").display()
                    ),
                },
                Skipped {
                    path: root.join("out").display().to_string(),
                    error: format!(
                        "symlink to a directory outside the scanned tree ({}); linked directories are not walked, name it to read it",
                        outside.display()
                    ),
                },
            ]
        );
        let reading = Files::new([&root]).read(&ReadOptions::default());
        let pipe = root.join("pipe.txt").display().to_string();
        let read: Vec<&str> = reading.docs.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(read, ["same", "a"]);
        // Skipped in path order: what the walk left out and what could not be read.
        let paths: Vec<&String> = reading.skipped.iter().map(|k| &k.path).collect();
        assert_eq!(paths, [&skipped[0].path, &skipped[1].path, &pipe]);
        assert_eq!(
            reading.skipped[2].error,
            "is a FIFO (named pipe), not a regular file; witness reads regular files only"
        );
    }

    #[test]
    fn follow_symlinks_reads_links_to_files_anywhere() {
        let (_dir, root) = tree();
        let mut skipped = Vec::new();
        let files = Files::new([&root]).follow_symlinks(true).list(&mut skipped);
        assert_eq!(
            names(&files, &root),
            ["leak.txt", "pipe.txt", "same.txt", "sub/a.txt"]
        );
        // Linked directories are still not walked.
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].path, root.join("out").display().to_string());
    }

    #[test]
    fn a_tree_named_through_a_link_is_its_target() {
        let (dir, root) = tree();
        let alias = dir.path().join("alias");
        symlink(&root, &alias).unwrap();
        let mut skipped = Vec::new();
        let files = Files::new([&alias]).list(&mut skipped);
        assert_eq!(names(&files, &alias), ["pipe.txt", "same.txt", "sub/a.txt"]);
        assert_eq!(skipped.len(), 2);
    }
}
