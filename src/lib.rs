//! witness audits the versions of a text.
//!
//! Given witnesses of one text (an official release, a newspaper transcription, an OCR page,
//! a quotation in another article), witness finds where and how they differ, character by
//! character, keeping layout noise (`，` and `,`, a hard line break, a space between two
//! ideographs) apart from real changes (`跨里海` read as `跨海`); finds what is duplicated and
//! quoted across a collection; proposes corrections with evidence; and keeps a tamper-evident
//! ledger of every version and audit. It is right on Chinese first, where whitespace
//! tokenizers fail.
//!
//! # Two witnesses
//!
//! ```
//! use witness::{DiffOptions, Document, Kind, ReadOptions};
//!
//! let opts = ReadOptions::default();
//! let a = Document::from_bytes("a.txt", "a", "跨里海国际运输走廊".as_bytes(), &opts)?;
//! let b = Document::from_bytes("b.txt", "b", "跨海国际运输走廊".as_bytes(), &opts)?;
//! let d = witness::diff(&a, &b, &DiffOptions::default());
//! let (edit, class) = d.variants().next().unwrap();
//! assert_eq!(class.kind, Kind::Omission);
//! assert_eq!(&a.text[edit.a.clone()], "里");
//! assert_eq!(a.position(edit.a.start).column, 2);
//! # Ok::<(), witness::SourceError>(())
//! ```
//!
//! # A collection
//!
//! A [`Corpus`] holds the documents of a run, each read and normalized once; scan, collate,
//! errata and audit all work on it and share what it computed.
//!
//! ```
//! use witness::{Corpus, Document, FindingKind, Profile, ReadOptions, ScanOptions};
//!
//! let read = |name: &str, text: &str| {
//!     Document::from_bytes(name, name, text.as_bytes(), &ReadOptions::default())
//! };
//! let speech = "中国城市开通中亚班列，跨里海国际运输走廊提质扩容，跨境电商、在线教育等新模式新业态惠及中国和中亚国家。";
//! let copy = "中国城市开通中亚班列，跨海国际运输走廊提质扩容，跨境电商、在线教育等新业态新业态惠及中国和中亚国家。";
//! let corpus = Corpus::new(vec![read("official", speech)?, read("paper", copy)?], Profile::Loose);
//!
//! // What is shared, duplicated and repeated.
//! let scan = witness::scan(&corpus, &ScanOptions::default());
//! assert_eq!(scan.findings[0].kind, FindingKind::NearDuplicate);
//!
//! // The errata of the paper (document 1) against the official text (document 0).
//! let errata = witness::errata_of(&corpus, 1, &[0]);
//! let found: Vec<&str> = errata.entries.iter().map(|e| e.found.as_str()).collect();
//! assert_eq!(found, ["", "业态"]);
//! # Ok::<(), witness::SourceError>(())
//! ```
//!
//! Files and directories are read with [`Files`], tables of documents (JSON Lines, Parquet)
//! with [`Collection`]; [`audit::audit`] runs the whole job and
//! [`report`] renders every result (text, JSON, Markdown, CSV, TEI, HTML). The provenance
//! [`ledger`] stores versions and records audits.
//!
//! The pipeline runs one way, a module per stage: `source` (bytes → [`Document`]), `chars`
//! (character classes), `segment` (paragraphs, sentences), `normalize` (profile → view with
//! an offset map, tokens), `align` (anchored alignment), `diff` (edits in original
//! positions), `classify` (kind, class, severity), then [`mod@scan`], [`mod@collate`], [`mod@errata`],
//! `metrics` (CER), [`mod@audit`], [`report`]. The stages below the public surface are reachable
//! through [`unstable`] for tests and fuzzing, with no promise that they keep their shape.
#![warn(missing_docs)]

#[doc(hidden)]
pub mod align;
pub mod apply;
pub mod audit;
pub mod baseline;
pub mod cause;
#[doc(hidden)]
pub mod chars;
#[doc(hidden)]
pub mod classify;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod collate;
pub mod collection;
pub mod corpus;
pub mod diagnostics;
#[doc(hidden)]
pub mod diff;
pub mod errata;
pub mod extract;
#[doc(hidden)]
pub mod formats;
pub mod ledger;
#[doc(hidden)]
pub mod levenshtein;
#[doc(hidden)]
pub mod metrics;
#[doc(hidden)]
pub mod normalize;
pub mod orthography;
pub mod progress;
pub mod report;
pub mod scan;
#[doc(hidden)]
pub mod segment;
pub mod snapshot;
#[doc(hidden)]
pub mod source;
#[cfg(test)]
mod testing;

pub use audit::{Audit, FailOn, audit};
pub use classify::{Class, Classification, Kind, Severity};
pub use collate::{Collation, collate};
pub use collection::Collection;
pub use corpus::{Corpus, DocId, Files, Reader, Skipped};
pub use diff::{Change, Comparison, Diff, DiffOptions, Edit, compare, diff};
pub use errata::{Errata, Reference, errata, errata_of};
pub use extract::{Address, ExtractOptions, InputFormat, PageLevel};
pub use ledger::{Ledger, LedgerError};
pub use metrics::{Counts, Measure, Mode, Pairing, PairingError, measure, pair_paths};
pub use normalize::Profile;
pub use orthography::{Script, script};
pub use progress::{Phase, Progress};
pub use scan::{Finding, FindingKind, Location, Scan, ScanOptions, scan, scan_with_progress};
pub use source::{Document, EncodingSource, MAX_FILE_BYTES, Position, ReadOptions, SourceError};

/// The stages under the public surface, for tests, benchmarks and fuzz targets. Nothing here
/// is stable: names and signatures change with the pipeline.
#[doc(hidden)]
pub mod unstable {
    pub use crate::align;
    pub use crate::chars;
    pub use crate::classify;
    pub use crate::levenshtein;
    pub use crate::metrics;
    pub use crate::normalize;
    pub use crate::segment;
    pub use crate::source;
}
