//! witness audits the versions of a text.
//!
//! Given two witnesses of one text (an official release and a transcription, say), witness
//! finds where and how they differ, character by character, keeping layout noise (`，` and
//! `,`, a hard line break, a space between two ideographs) apart from real changes (`跨里海`
//! read as `跨海`). It is right on Chinese first, where whitespace tokenizers fail.
//!
//! ```
//! use witness::{Document, ReadOptions, DiffOptions, Kind};
//!
//! let opts = ReadOptions::default();
//! let a = Document::from_bytes("a.txt", "a", "跨里海国际运输走廊".as_bytes(), &opts).unwrap();
//! let b = Document::from_bytes("b.txt", "b", "跨海国际运输走廊".as_bytes(), &opts).unwrap();
//! let d = witness::diff(&a, &b, &DiffOptions::default());
//! let (edit, class) = d.variants().next().unwrap();
//! assert_eq!(class.kind, Kind::Omission);
//! assert_eq!(&a.text[edit.a.clone()], "里");
//! assert_eq!(a.position(edit.a.start).column, 2);
//! ```
//!
//! The pipeline runs one way, a module per stage: [`source`] (bytes → [`Document`]),
//! [`normalize`] (profile → view with an offset map), [`segment`] (paragraphs, sentences),
//! [`align`] (anchored alignment of two views), [`diff`] (edits in original positions),
//! [`classify`] (kind, class, severity), [`report`] (text, JSON, Markdown).

pub mod align;
pub mod audit;
pub mod chars;
pub mod classify;
pub mod cli;
pub mod collate;
pub mod diff;
pub mod errata;
pub mod ledger;
pub mod levenshtein;
pub mod metrics;
pub mod normalize;
pub mod report;
pub mod scan;
pub mod segment;
pub mod source;

pub use classify::{Class, Classification, Kind, Severity};
pub use diff::{Change, Diff, DiffOptions, Edit, diff};
pub use normalize::Profile;
pub use source::{Document, EncodingSource, Position, ReadOptions, SourceError};
