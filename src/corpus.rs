//! The documents of a run, each read, decoded and normalized once.
//!
//! A [`Corpus`] holds the documents of one run under one profile, referred to by their index
//! ([`DocId`]). What every analysis needs of a document — its view, tokens, original spans
//! and paragraphs ([`Tokenized`]) — is computed the first time it is asked for and then
//! shared: a scan, the diffs of the witnesses it groups, their collation and their errata all
//! read the same copy. [`Corpus::work`] counts what was computed, so a test can prove that an
//! audit reads each document once, scans once and compares each pair once.
//!
//! Documents come from a [`Reader`]: files and directories today ([`Files`]); the trait is
//! where structured formats and streamed collections plug in.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::diff::{Comparison, compare_tokenized};
use crate::normalize::{Profile, Tokenized};
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
}

/// Files, and the files under directories (walked recursively) whose extension is wanted.
#[derive(Debug, Clone)]
pub struct Files {
    /// Files and directories.
    pub paths: Vec<PathBuf>,
    /// Extensions read when walking directories (without the dot); `*` for every file.
    /// Files named directly are always read.
    pub extensions: Vec<String>,
}

impl Files {
    /// The given paths, walking directories for `*.txt`.
    pub fn new(paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> Files {
        Files {
            paths: paths.into_iter().map(Into::into).collect(),
            extensions: vec!["txt".into()],
        }
    }

    /// Sets the extensions read when walking directories.
    pub fn extensions(mut self, extensions: &[impl AsRef<str>]) -> Files {
        self.extensions = extensions.iter().map(|e| e.as_ref().to_string()).collect();
        self
    }

    fn wanted(&self, p: &Path) -> bool {
        self.extensions.iter().any(|e| e == "*")
            || p.extension().is_some_and(|x| {
                self.extensions
                    .iter()
                    .any(|e| x.eq_ignore_ascii_case(e.trim_start_matches('.')))
            })
    }

    /// Files named, and files under directories named (sorted, dot-entries and symlinked
    /// directories left out so a walk never loops). Directories that cannot be listed are
    /// skipped.
    pub fn list(&self, skipped: &mut Vec<Skipped>) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let mut stack: Vec<PathBuf> = Vec::new();
        for p in &self.paths {
            if p.is_dir() {
                stack.push(p.clone());
            } else {
                files.push(p.clone());
            }
        }
        while let Some(dir) = stack.pop() {
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
                    Ok(t) if t.is_dir() => stack.push(path),
                    Ok(t) if t.is_symlink() && path.is_dir() => {}
                    Ok(_) if self.wanted(&path) => files.push(path),
                    _ => {}
                }
            }
        }
        files.sort();
        files.dedup();
        files
    }
}

impl Reader for Files {
    fn read(&self, opts: &ReadOptions) -> Reading {
        let mut skipped = Vec::new();
        let files = self.list(&mut skipped);
        let results: Vec<Result<Document, SourceError>> =
            files.par_iter().map(|f| Document::read(f, opts)).collect();
        let mut docs = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(d) => docs.push(d),
                Err(e) => skipped.push(Skipped::from_error(&e)),
            }
        }
        Reading { docs, skipped }
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
        self.counters.comparisons.fetch_add(1, Ordering::Relaxed);
        compare_tokenized(
            &self.docs[a].text,
            self.tokenized(a),
            &self.docs[b].text,
            self.tokenized(b),
        )
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
