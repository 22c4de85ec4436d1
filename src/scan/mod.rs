//! Finding what is duplicated and reused in a collection: inside one file and across files.
//!
//! Every document is read once into its view and tokens (in parallel). Then:
//! - paragraphs are keyed by their normalized text: keys below the minimum size found in
//!   several documents are *boilerplate* (datelines, salutations) and kept out of everything
//!   else; keys of at least the minimum size seen twice are *duplicate paragraphs* with all
//!   their places (a poem under three authors is what a scholar looks for, not boilerplate),
//!   and runs of them on one diagonal *duplicate blocks*;
//! - paragraphs that share enough token k-grams are compared exactly with the diff engine:
//!   above the threshold and not identical, a *near duplicate*, with its variants;
//! - tokens are scanned for a phrase written twice in place: a *repeated phrase*;
//! - a k-gram index over all tokens (postings of frequent k-grams capped) seeds matches between
//!   documents, or far apart in one; seeds on a diagonal form runs, runs close on both sides
//!   merge across small differences, and every merged passage is verified with the diff engine
//!   before it is a *shared passage*. Nothing is chained on the strength of a hash alone.
//!
//! Memory is bounded by the index (16 bytes per token) and per-document seed lists; work is
//! split across cores with rayon, and results are sorted, so output is deterministic.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::diff::{Comparison, Similar};
use crate::normalize::Profile;
use crate::progress::{Phase, Progress};
use crate::source::Document;

mod merge;
mod near;
mod paragraphs;
mod passages;
mod phrases;
mod prepare;
#[cfg(feature = "cluster")]
pub(crate) mod staged;

pub use phrases::{Repetition, repetition};

use merge::{File, coverage, finish};
pub(crate) use near::drop_numbered_series;
use near::near_duplicates;
use paragraphs::{
    DocParagraphs, paragraph_findings, paragraph_groups, paragraph_rows, widen_block,
};
use passages::shared_passages;
use phrases::repeated_phrases;
use prepare::{Docs, Prepared, prepare};
/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Two or more files with the same text (NFC, line endings aside): one finding with every
    /// file; the other findings are reported for the first of them only.
    Identical,
    /// Two or more paragraphs in a row found again elsewhere (a block pasted twice), or
    /// repeated in place (one finding with a location per copy).
    DuplicateBlock,
    /// A paragraph found again, whole and identical.
    DuplicateParagraph,
    /// A paragraph found again with small differences.
    NearDuplicate,
    /// A phrase written twice in place (`新业态新业态`).
    RepeatedPhrase,
    /// A passage shared by two documents (a quotation, a reprint), or far apart in one.
    SharedPassage,
    /// Short lines found in many documents (datelines, salutations), kept out of the rest.
    Boilerplate,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::Identical,
        FindingKind::DuplicateBlock,
        FindingKind::DuplicateParagraph,
        FindingKind::NearDuplicate,
        FindingKind::RepeatedPhrase,
        FindingKind::SharedPassage,
        FindingKind::Boilerplate,
    ];

    /// One sentence on what the kind is, for the rules of CI formats.
    pub fn description(self) -> &'static str {
        match self {
            FindingKind::Identical => "Two or more files with the same text.",
            FindingKind::DuplicateBlock => {
                "A block of paragraphs found again, or repeated in place."
            }
            FindingKind::DuplicateParagraph => "A paragraph found again, whole and identical.",
            FindingKind::NearDuplicate => "A paragraph found again with small differences.",
            FindingKind::RepeatedPhrase => "A phrase written twice in place.",
            FindingKind::SharedPassage => "A passage shared by two documents, or far apart in one.",
            FindingKind::Boilerplate => "Short lines found in many documents.",
        }
    }

    /// The kind's name in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Identical => "identical",
            FindingKind::DuplicateBlock => "duplicate_block",
            FindingKind::DuplicateParagraph => "duplicate_paragraph",
            FindingKind::NearDuplicate => "near_duplicate",
            FindingKind::RepeatedPhrase => "repeated_phrase",
            FindingKind::SharedPassage => "shared_passage",
            FindingKind::Boilerplate => "boilerplate",
        }
    }
}

/// Options of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Minimum size of a duplicate, near duplicate or shared passage, in characters; `None`
    /// for the defaults (`MIN_CHARS_CJK` for CJK text, `MIN_CHARS_OTHER` for other scripts).
    pub min_chars: Option<usize>,
    /// Minimum normalized edit similarity of a near duplicate or shared passage.
    pub threshold: f64,
    /// Kinds to report.
    pub kinds: Vec<FindingKind>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            min_chars: None,
            threshold: 0.8,
            kinds: FindingKind::ALL.to_vec(),
        }
    }
}

impl ScanOptions {
    /// Sets the minimum size of a duplicate, near duplicate or shared passage, in characters.
    ///
    /// ```
    /// use witness::{FindingKind, ScanOptions};
    /// let opts = ScanOptions::default()
    ///     .min_chars(30)
    ///     .threshold(0.9)
    ///     .kinds(&[FindingKind::SharedPassage]);
    /// assert_eq!((opts.min_chars, opts.threshold), (Some(30), 0.9));
    /// ```
    pub fn min_chars(mut self, chars: usize) -> ScanOptions {
        self.min_chars = Some(chars);
        self
    }

    /// Sets the minimum similarity of near duplicates and shared passages (0 to 1).
    pub fn threshold(mut self, threshold: f64) -> ScanOptions {
        self.threshold = threshold;
        self
    }

    /// Sets the kinds of findings to report.
    pub fn kinds(mut self, kinds: &[FindingKind]) -> ScanOptions {
        self.kinds = kinds.to_vec();
        self
    }
}

/// Default minimum size for text that is mostly CJK (a sentence: set phrases such as
/// `构建更加紧密的中国-中亚命运共同体` stay below it)…
pub const MIN_CHARS_CJK: usize = 20;

/// …and for other scripts (about ten words).
pub const MIN_CHARS_OTHER: usize = 60;

/// A pair of things on sides a and b: token ranges of a match, or lists of ranges.
type Run<T = Range<usize>> = (T, T);

/// A span of one document's original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Index into [`Scan::docs`].
    pub doc: usize,
    /// Byte range of the original text.
    pub range: Range<usize>,
}

impl Location {
    fn key(&self) -> (usize, usize, usize) {
        (self.doc, self.range.start, self.range.end)
    }
}

/// One finding: what, where, how similar, and (for near duplicates and shared passages) the
/// variants between the first two locations, in their documents' positions.
#[derive(Debug, Clone)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Normalized edit similarity of the first two locations (1 for exact copies).
    pub similarity: f64,
    /// Where: two or more spans.
    pub locations: Vec<Location>,
    /// Edits from the first location to the second, in their documents' positions.
    pub comparison: Option<Comparison>,
}

/// How much of two documents their shared text covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// One document…
    pub a: usize,
    /// …and the other (`a < b`).
    pub b: usize,
    /// Characters of `a` in text shared with `b`, and `a`'s length in characters.
    pub a_shared: usize,
    /// `a`'s length in characters.
    pub a_chars: usize,
    /// Characters of `b` in text shared with `a`.
    pub b_shared: usize,
    /// `b`'s length in characters.
    pub b_chars: usize,
}

/// The result of a scan of a [`Corpus`].
#[derive(Debug)]
pub struct Scan<'c> {
    /// The documents scanned (the corpus's); [`Location::doc`] indexes them.
    pub docs: &'c [Document],
    /// The profile they were read under.
    pub profile: Profile,
    /// Findings, sorted by kind, then by first location.
    pub findings: Vec<Finding>,
    /// For each pair of documents that share passages, how much of each they cover (empty
    /// when shared passages were not asked for).
    pub coverage: Vec<Coverage>,
}

impl Scan<'_> {
    /// Findings that ask for attention (everything but boilerplate).
    pub fn notable(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.kind != FindingKind::Boilerplate)
            .count()
    }
}

/// Paragraph occurrences `(document, paragraph index)` sharing one normalized text.
type Occurrences = Vec<(usize, usize)>;

/// A near duplicate or shared passage whose texts were found similar enough. Its variants
/// are classified once the merge has kept it (a third are not kept), unless the text
/// already waiting is at its budget ([`Docs::may_hold`]): then at once.
pub(crate) struct Candidate {
    finding: Finding,
    /// The alignment waiting for the merge; `None` when the finding was classified at once.
    similar: Option<Similar>,
}

impl Candidate {
    /// The candidate of `kind` between span `ra` of document `a` and `rb` of `b`: waiting for
    /// the merge if `docs` may hold it, else classified now.
    fn new(
        docs: &Docs,
        kind: FindingKind,
        (a, ra): (usize, Range<usize>),
        (b, rb): (usize, Range<usize>),
        similar: Similar,
    ) -> Candidate {
        let bytes = ra.len() + rb.len();
        let mut finding = Finding {
            kind,
            similarity: similar.similarity(),
            locations: vec![
                Location { doc: a, range: ra },
                Location { doc: b, range: rb },
            ],
            comparison: None,
        };
        if docs.may_hold(bytes) {
            return Candidate {
                finding,
                similar: Some(similar),
            };
        }
        finding.comparison = Some(comparison(docs, &finding.locations, &similar));
        Candidate {
            finding,
            similar: None,
        }
    }

    /// The finding with its variants classified (what a staged engine reports at once).
    #[cfg(feature = "cluster")]
    pub(crate) fn classified(self, docs: &Docs) -> Finding {
        let mut f = self.finding;
        if let Some(similar) = &self.similar {
            f.comparison = Some(comparison(docs, &f.locations, similar));
        }
        f
    }
}

/// The comparison of the first two locations, in their documents' positions.
fn comparison(docs: &Docs, locations: &[Location], similar: &Similar) -> Comparison {
    let (x, y) = (&locations[0], &locations[1]);
    let text = |l: &Location| &docs.text(l.doc)[l.range.clone()];
    similar
        .comparison(text(x), text(y))
        .shifted(x.range.start, y.range.start)
}

/// What tells a two-location finding: its kind and its locations' keys.
type PairKey = (FindingKind, Run<(usize, usize, usize)>);

/// The alignments of candidates whose findings go on to the merge, by finding.
#[derive(Default)]
struct Unclassified(HashMap<PairKey, Similar>);

impl Unclassified {
    fn key(f: &Finding) -> PairKey {
        (f.kind, (f.locations[0].key(), f.locations[1].key()))
    }

    /// The candidates' findings; their alignments kept here.
    fn keep(&mut self, candidates: Vec<Candidate>) -> Vec<Finding> {
        candidates
            .into_iter()
            .map(|c| {
                if let Some(similar) = c.similar {
                    self.0.insert(Unclassified::key(&c.finding), similar);
                }
                c.finding
            })
            .collect()
    }

    /// Classifies the variants of the findings that were kept (in parallel: thousands).
    fn classify(self, docs: &Docs, findings: &mut [Finding]) {
        findings.par_iter_mut().for_each(|f| {
            if f.comparison.is_none()
                && f.locations.len() == 2
                && let Some(similar) = self.0.get(&Unclassified::key(f))
            {
                f.comparison = Some(comparison(docs, &f.locations, similar));
            }
        });
    }
}

/// Scans a corpus for duplicated and reused text.
pub fn scan<'c>(corpus: &'c Corpus, opts: &ScanOptions) -> Scan<'c> {
    scan_with_progress(corpus, opts, &())
}

/// [`scan`], telling `progress` how it goes: [`Phase::Indexing`] (documents),
/// [`Phase::NearDuplicates`] (paragraphs long enough to be one; only when near duplicates are
/// asked for), [`Phase::SharedPassages`] (documents) and [`Phase::Merging`] (the passages
/// found; both only when shared passages are asked for).
pub fn scan_with_progress<'c>(
    corpus: &'c Corpus,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Scan<'c> {
    corpus.count_scan();
    let docs = corpus.docs();
    progress.phase(Phase::Indexing, Some(docs.len() as u64));
    // Each document read under the profile (once: the corpus keeps it) and prepared.
    let mut prepared: Vec<Prepared> = (0..docs.len())
        .into_par_iter()
        .map(|d| {
            let p = prepare(corpus.tokenized(d));
            progress.advance(1);
            p
        })
        .collect();
    let rows: Vec<DocParagraphs> = prepared
        .par_iter()
        .map(|p| DocParagraphs {
            count: p.paras.len(),
            rows: paragraph_rows(p, opts),
        })
        .collect();
    let (boilerplate, duplicates) = paragraph_groups(&rows);
    for occ in &boilerplate {
        for &(d, i) in occ {
            let toks = prepared[d].paras[i].tokens.clone();
            prepared[d].masked[toks].fill(true);
        }
    }
    let wants = |k: FindingKind| opts.kinds.contains(&k);
    let (mut findings, blocks) = paragraph_findings(&rows, &boilerplate, &duplicates, &wants);
    drop(rows);
    let profile = corpus.profile();
    let prepared = Docs::all(docs.iter().map(|d| d.text.as_str()).collect(), &prepared);
    findings.extend(blocks.iter().map(|b| widen_block(&prepared, b)));
    // Near duplicates and passages are classified once the merge has kept them.
    let mut unclassified = Unclassified::default();
    // Doubled phrases are found beside near duplicates: each document's on its own, they fill
    // the cores that the near duplicates' stages leave idle at their ends.
    let (near, phrases) = rayon::join(
        || {
            if wants(FindingKind::NearDuplicate) {
                near_duplicates(&prepared, opts, profile, progress)
            } else {
                Vec::new()
            }
        },
        || -> Vec<Vec<Finding>> {
            if wants(FindingKind::RepeatedPhrase) {
                prepared
                    .prepared()
                    .par_iter()
                    .enumerate()
                    .map(|(d, p)| repeated_phrases(d, p))
                    .collect()
            } else {
                Vec::new()
            }
        },
    );
    findings.extend(unclassified.keep(near));
    findings.extend(phrases.into_iter().flatten());
    // Shared passages (and the coverage they make) only when asked for: they are half the
    // work.
    let passages = if wants(FindingKind::SharedPassage) {
        unclassified.keep(shared_passages(&prepared, opts, profile, progress))
    } else {
        Vec::new()
    };
    let coverage = coverage(&prepared, &passages);
    let files = File::of(docs);
    // Doubled phrases that look meant are told from those that look like copying errors.
    let meant = |f: &Finding| matches!(repetition(docs, f), Some((Repetition::Deliberate, _)));
    let mut findings = finish(findings, passages, &files, &wants, &meant, progress);
    drop_numbered_series(&mut findings, |l| &prepared.text(l.doc)[l.range.clone()]);
    unclassified.classify(&prepared, &mut findings);
    // Reports cut contexts at sentences: found for each document with findings from the
    // paragraphs its view holds, all at once on every core (a report's findings otherwise
    // wait on one another for them).
    let mut found_in: Vec<usize> = findings
        .iter()
        .flat_map(|f| f.locations.iter().map(|l| l.doc))
        .collect();
    found_in.sort_unstable();
    found_in.dedup();
    found_in.into_par_iter().for_each(|d| {
        docs[d].sentences_in(&corpus.tokenized(d).paragraphs);
    });
    Scan {
        docs,
        profile,
        findings,
        coverage,
    }
}
