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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::chars::{ends_sentence, is_cjk, is_word_char};
use crate::corpus::Corpus;
use crate::diff::{Comparison, compare_for_similarity};
use crate::levenshtein::EditOp;
use crate::normalize::{Profile, Token, Tokenized};
use crate::progress::{Phase, Progress};

use crate::source::Document;

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
/// Tokens per k-gram for near duplicates (paragraph candidates) and shared passages (seeds).
const PARAGRAPH_K: usize = 4;
const PASSAGE_K: usize = 8;
/// k-grams with more postings than this are too common to seed anything.
const POSTINGS_CAP: usize = 32;
/// Runs closer than this (in tokens, on both sides) merge into one passage.
const MERGE_GAP: usize = 24;
/// A passage repeated inside one document must start this many tokens after the original.
const SAME_DOC_DISTANCE: usize = 64;
/// Largest repeated phrase, in tokens.
const PHRASE_MAX: usize = 24;

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
    /// For each pair of documents that share passages, how much of each they cover.
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

/// A paragraph of a prepared document.
struct Para {
    /// Original byte range.
    range: Range<usize>,
    /// Token range.
    tokens: Range<usize>,
    /// Normalized text (the view of its tokens).
    key: String,
    clusters: usize,
}

/// A document read into what the scan needs: its tokenized text (shared with the corpus),
/// token hashes, paragraphs with their keys, and which tokens are boilerplate.
struct Prepared<'c> {
    view: &'c str,
    tokens: &'c [Token],
    /// Original byte span of each token.
    spans: &'c [Range<u32>],
    /// Hash of each token's text: its code point for one character.
    hashes: Vec<u64>,
    paras: Vec<Para>,
    /// Tokens that belong to boilerplate paragraphs (set after grouping).
    masked: Vec<bool>,
}

fn token_hash(s: &str) -> u64 {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c as u64,
        _ => {
            // FNV-1a, with the top bit set so words never meet code points.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in s.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
            h | 1 << 63
        }
    }
}

fn prepare(t: &Tokenized) -> Prepared<'_> {
    let hashes = t
        .tokens
        .iter()
        .map(|x| token_hash(&t.view[x.view()]))
        .collect();
    let mut paras = Vec::new();
    for range in &t.paragraphs {
        let first = t
            .spans
            .partition_point(|s| (s.start as usize) < range.start);
        let last = t.spans.partition_point(|s| s.end as usize <= range.end);
        if first >= last {
            continue;
        }
        paras.push(Para {
            range: range.clone(),
            tokens: first..last,
            key: t.view_text(&(first..last)).to_string(),
            clusters: t.tokens[first..last]
                .iter()
                .map(|x| x.clusters as usize)
                .sum(),
        });
    }
    Prepared {
        view: &t.view,
        tokens: &t.tokens,
        spans: &t.spans,
        hashes,
        paras,
        masked: vec![false; t.tokens.len()],
    }
}

/// The minimum size that applies to `text`: CJK or not, by its letters.
fn min_chars(text: &str, opts: &ScanOptions) -> usize {
    if let Some(n) = opts.min_chars {
        return n;
    }
    let (mut cjk, mut letters) = (0, 0);
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        letters += 1;
        cjk += usize::from(is_cjk(c));
    }
    if cjk * 2 >= letters {
        MIN_CHARS_CJK
    } else {
        MIN_CHARS_OTHER
    }
}

/// Paragraph occurrences `(document, paragraph index)` sharing one normalized text.
type Occurrences = Vec<(usize, usize)>;

/// Scans a corpus for duplicated and reused text.
pub fn scan<'c>(corpus: &'c Corpus, opts: &ScanOptions) -> Scan<'c> {
    scan_with_progress(corpus, opts, &())
}

/// [`scan`], telling `progress` how it goes: [`Phase::Indexing`] (documents),
/// [`Phase::NearDuplicates`] (paragraphs long enough to be one; only when near duplicates are
/// asked for), [`Phase::SharedPassages`] (documents) and [`Phase::Merging`] (the passages
/// found; only when shared passages are asked for).
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
    let (boilerplate, duplicates) = paragraph_groups(&prepared, opts);
    for occ in &boilerplate {
        for &(d, i) in occ {
            let toks = prepared[d].paras[i].tokens.clone();
            prepared[d].masked[toks].fill(true);
        }
    }
    let wants = |k: FindingKind| opts.kinds.contains(&k);
    let mut findings = paragraph_findings(&prepared, &boilerplate, &duplicates, &wants);
    let profile = corpus.profile();
    if wants(FindingKind::NearDuplicate) {
        findings.extend(near_duplicates(docs, &prepared, opts, profile, progress));
    }
    if wants(FindingKind::RepeatedPhrase) {
        let phrases: Vec<Vec<Finding>> = prepared
            .par_iter()
            .enumerate()
            .map(|(d, p)| repeated_phrases(d, p))
            .collect();
        findings.extend(phrases.into_iter().flatten());
    }
    let passages = shared_passages(docs, &prepared, opts, profile, progress);
    let coverage = coverage(docs, &passages);
    if wants(FindingKind::SharedPassage) {
        progress.phase(Phase::Merging, Some(passages.len() as u64));
        let new = new_passages(&findings, passages, progress);
        findings.extend(new);
        drop_inside_passages(&mut findings);
    }
    drop_repeats_in_copies(&mut findings);
    if wants(FindingKind::Identical) {
        identical(docs, &mut findings);
    }
    // By kind, then position; doubled phrases that look like copying errors before the ones
    // that look meant.
    findings.sort_by_cached_key(|f| {
        let second = f.locations.get(1).map(Location::key);
        let meant = f.kind == FindingKind::RepeatedPhrase
            && matches!(repetition(docs, f), Some((Repetition::Deliberate, _)));
        (f.kind, meant, f.locations[0].key(), second)
    });
    Scan {
        docs,
        profile,
        findings,
        coverage,
    }
}

/// Paragraph keys seen in several places: boilerplate (lines too short to be a duplicate, in
/// several documents) and duplicate groups, each in document order.
fn paragraph_groups(
    prepared: &[Prepared],
    opts: &ScanOptions,
) -> (Vec<Occurrences>, Vec<Occurrences>) {
    let mut by_key: BTreeMap<&str, Occurrences> = BTreeMap::new();
    for (d, p) in prepared.iter().enumerate() {
        for (i, para) in p.paras.iter().enumerate() {
            by_key.entry(para.key.as_str()).or_default().push((d, i));
        }
    }
    let mut boilerplate = Vec::new();
    let mut duplicates = Vec::new();
    for (key, occ) in by_key {
        let para = &prepared[occ[0].0].paras[occ[0].1];
        let mut docs_with: Vec<usize> = occ.iter().map(|o| o.0).collect();
        docs_with.dedup();
        let min = min_chars(key, opts);
        if para.clusters < min && docs_with.len() >= 2 {
            boilerplate.push(occ);
        } else if occ.len() >= 2 && para.clusters >= min {
            duplicates.push(occ);
        }
    }
    (boilerplate, duplicates)
}

/// Boilerplate, duplicate blocks and duplicate paragraphs (those not inside a block), as the
/// kinds wanted ask.
fn paragraph_findings(
    prepared: &[Prepared],
    boilerplate: &[Occurrences],
    duplicates: &[Occurrences],
    wants: &dyn Fn(FindingKind) -> bool,
) -> Vec<Finding> {
    let location = |(d, i): (usize, usize)| Location {
        doc: d,
        range: prepared[d].paras[i].range.clone(),
    };
    let of_paragraphs = |kind, occ: &Occurrences| Finding {
        kind,
        similarity: 1.0,
        locations: occ.iter().map(|&o| location(o)).collect(),
        comparison: None,
    };
    let mut findings = Vec::new();
    if wants(FindingKind::Boilerplate) {
        findings.extend(
            boilerplate
                .iter()
                .map(|occ| of_paragraphs(FindingKind::Boilerplate, occ)),
        );
    }
    let (blocks, in_block) = duplicate_blocks(prepared, duplicates);
    if wants(FindingKind::DuplicateBlock) {
        findings.extend(blocks.into_iter().map(|locations| Finding {
            kind: FindingKind::DuplicateBlock,
            similarity: 1.0,
            locations,
            comparison: None,
        }));
    }
    if wants(FindingKind::DuplicateParagraph) {
        findings.extend(
            duplicates
                .iter()
                .filter(|occ| !occ.iter().all(|o| in_block.contains(o)))
                .map(|occ| of_paragraphs(FindingKind::DuplicateParagraph, occ)),
        );
    }
    findings
}

/// Duplicate blocks: maximal diagonal runs of equal paragraphs that start with a duplicate
/// pair, widened by a partial paragraph at either end (a block cut mid-paragraph). Also
/// returns the paragraphs inside blocks.
fn duplicate_blocks(
    prepared: &[Prepared],
    duplicates: &[Occurrences],
) -> (Vec<Vec<Location>>, HashSet<(usize, usize)>) {
    let duplicate_of: HashSet<(usize, usize)> = duplicates.iter().flatten().copied().collect();
    let key = |(d, i): (usize, usize)| prepared[d].paras.get(i).map(|p| p.key.as_str());
    let equal = |x: (usize, usize), y: (usize, usize)| key(x).is_some() && key(x) == key(y);
    let mut in_block: HashSet<(usize, usize)> = HashSet::new();
    let mut blocks = Vec::new();
    // Text repeated in place (an article pasted 1,395 times, a paragraph 30,000 times) is one
    // finding with a location per copy: only a run's first copy takes part in the pairwise
    // search below, which would otherwise pair every copy with every other.
    let tandems = tandem_runs(prepared, &duplicate_of);
    let mut later_copy: HashSet<(usize, usize)> = HashSet::new();
    for t in &tandems {
        for k in t.period..t.len {
            later_copy.insert((t.doc, t.start + k));
        }
        if t.period >= 2 {
            for k in 0..t.len {
                in_block.insert((t.doc, t.start + k));
            }
            let paras = &prepared[t.doc].paras;
            blocks.push(
                t.copies()
                    .map(|c| Location {
                        doc: t.doc,
                        range: paras[c.start].range.start..paras[c.end - 1].range.end,
                    })
                    .collect(),
            );
        }
    }
    for occ in duplicates {
        // A block is two paragraphs or more: only occurrences followed by the same paragraph
        // can start one, so they are paired within those groups (a paragraph shared by 8,000
        // files, each followed by its own text, makes no pair at all instead of 32 million).
        let mut by_next: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for &o in occ.iter().filter(|o| !later_copy.contains(o)) {
            if let Some(next) = key((o.0, o.1 + 1)) {
                by_next.entry(next).or_default().push(o);
            }
        }
        let mut groups: Vec<Vec<(usize, usize)>> = by_next.into_values().collect();
        groups.sort();
        for occ in groups.iter().filter(|g| g.len() >= 2) {
            for (n, &x) in occ.iter().enumerate() {
                for &y in &occ[n + 1..] {
                    if x.1 > 0 && y.1 > 0 && equal((x.0, x.1 - 1), (y.0, y.1 - 1)) {
                        continue; // not the start of a run
                    }
                    let mut len = 1;
                    while equal((x.0, x.1 + len), (y.0, y.1 + len))
                        && (x.0 != y.0 || x.1 + len < y.1)
                    {
                        len += 1;
                    }
                    let dups = (0..len)
                        .filter(|k| duplicate_of.contains(&(x.0, x.1 + k)))
                        .count();
                    if len >= 2 && dups >= 2 {
                        for k in 0..len {
                            in_block.insert((x.0, x.1 + k));
                            in_block.insert((y.0, y.1 + k));
                        }
                        let (lx, ly) = widen_block(prepared, x, y, len);
                        blocks.push(vec![lx, ly]);
                    }
                }
            }
        }
    }
    (blocks, in_block)
}

/// One finding per relation: a pair of paragraphs (near or exact duplicates, a block) that
/// lies inside a shared passage between the same two places is part of that passage — a
/// transcription is one passage with its variants, not also each of its paragraphs.
fn drop_inside_passages(findings: &mut Vec<Finding>) {
    let passages: Vec<(Location, Location)> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::SharedPassage)
        .map(|f| (f.locations[0].clone(), f.locations[1].clone()))
        .collect();
    if passages.is_empty() {
        return;
    }
    let within = |outer: &Location, inner: &Location| {
        outer.doc == inner.doc
            && outer.range.start <= inner.range.start
            && inner.range.end <= outer.range.end
    };
    findings.retain(|f| {
        let pairwise = matches!(
            f.kind,
            FindingKind::NearDuplicate
                | FindingKind::DuplicateParagraph
                | FindingKind::DuplicateBlock
        ) && f.locations.len() == 2;
        // A passage larger than a duplicate it holds is the relation, and the duplicate a part
        // of it (a passage's edges never spill into a neighbouring paragraph by a few
        // characters: `off_paragraph_edges`); one of the same extent was dropped for the
        // duplicate, which says more (`new_passages`).
        !pairwise
            || !passages.iter().any(|(p, q)| {
                let (x, y) = (&f.locations[0], &f.locations[1]);
                let larger = |p: &Location, x: &Location| p.range.len() > x.range.len();
                (within(p, x) && within(q, y) && (larger(p, x) || larger(q, y)))
                    || (within(p, y) && within(q, x) && (larger(p, y) || larger(q, x)))
            })
    });
}

/// A phrase doubled inside an article that is itself repeated in place is reported in the
/// first copy only: the other copies repeat it with the article.
fn drop_repeats_in_copies(findings: &mut Vec<Finding>) {
    let copies: Vec<&Location> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::DuplicateBlock && f.locations.len() > 2)
        .flat_map(|f| f.locations[1..].iter())
        .collect();
    if copies.is_empty() {
        return;
    }
    let inside = |l: &Location| {
        copies
            .iter()
            .any(|c| c.doc == l.doc && c.range.start <= l.range.start && l.range.end <= c.range.end)
    };
    let drop: Vec<bool> = findings
        .iter()
        .map(|f| f.kind == FindingKind::RepeatedPhrase && inside(&f.locations[0]))
        .collect();
    let mut keep = drop.iter().map(|d| !d);
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// Files with the same text are one `identical` finding; what is found between them, or
/// with a third file through any but the first of them, repeats what the first says.
fn identical(docs: &[Document], findings: &mut Vec<Finding>) {
    let mut by_text: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (d, doc) in docs.iter().enumerate() {
        if !doc.text.is_empty() {
            by_text.entry(doc.text_sha256.as_str()).or_default().push(d);
        }
    }
    let groups: Vec<Vec<usize>> = by_text.into_values().filter(|g| g.len() >= 2).collect();
    if groups.is_empty() {
        return;
    }
    let copy: HashSet<usize> = groups.iter().flat_map(|g| g[1..].iter().copied()).collect();
    findings.retain(|f| !f.locations.iter().any(|l| copy.contains(&l.doc)));
    findings.extend(groups.into_iter().map(|g| {
        Finding {
            kind: FindingKind::Identical,
            similarity: 1.0,
            locations: g
                .into_iter()
                .map(|d| Location {
                    doc: d,
                    range: 0..docs[d].text.len(),
                })
                .collect(),
            comparison: None,
        }
    }));
}

/// Paragraphs repeated in place: from paragraph `start` of document `doc`, `len` paragraphs
/// that repeat every `period` paragraphs (copies of `period` paragraphs, the last one maybe
/// partial).
struct Tandem {
    doc: usize,
    start: usize,
    period: usize,
    len: usize,
}

impl Tandem {
    /// Each copy as a range of paragraph indices.
    fn copies(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        (self.start..self.start + self.len)
            .step_by(self.period)
            .map(|c| c..(c + self.period).min(self.start + self.len))
    }
}

/// The runs of each document where a sequence of up to [`TANDEM_PERIOD_MAX`] paragraphs,
/// starting with a duplicate one, repeats right after itself, each as long as it goes (the shortest period at a
/// place wins). Linear in the paragraphs for text that does not repeat (a mismatch ends each
/// try at once).
fn tandem_runs(prepared: &[Prepared], duplicate_of: &HashSet<(usize, usize)>) -> Vec<Tandem> {
    let mut runs = Vec::new();
    for (d, p) in prepared.iter().enumerate() {
        let keys: Vec<&str> = p.paras.iter().map(|x| x.key.as_str()).collect();
        let m = keys.len();
        let same = |x: usize, y: usize, len: usize| (0..len).all(|k| keys[x + k] == keys[y + k]);
        let (mut i, mut floor) = (0, 0);
        while i < m {
            let period = (1..=TANDEM_PERIOD_MAX.min((m - i) / 2)).find(|&per| {
                keys[i] == keys[i + per] && duplicate_of.contains(&(d, i)) && same(i, i + per, per)
            });
            let Some(period) = period else {
                i += 1;
                continue;
            };
            // As far as the repetition goes on both sides, a part of a copy included: the run
            // ends inside the last copy, or began inside the first (its opening paragraphs
            // are too short to be duplicates).
            let mut end = i + 2 * period;
            while end < m && keys[end] == keys[end - period] {
                end += 1;
            }
            let mut start = i;
            while start > floor && keys[start - 1] == keys[start - 1 + period] {
                start -= 1;
            }
            runs.push(Tandem {
                doc: d,
                start,
                period,
                len: end - start,
            });
            floor = end;
            i = end;
        }
    }
    runs
}

/// The longest sequence of paragraphs [`tandem_runs`] looks for as a repeated unit.
const TANDEM_PERIOD_MAX: usize = 64;

/// Shared passages that are not inside a duplicate or near duplicate already reported.
fn new_passages(
    findings: &[Finding],
    passages: Vec<Finding>,
    progress: &dyn Progress,
) -> Vec<Finding> {
    let reported = [
        FindingKind::DuplicateBlock,
        FindingKind::DuplicateParagraph,
        FindingKind::NearDuplicate,
    ];
    let known: Vec<&Finding> = findings
        .iter()
        .filter(|f| reported.contains(&f.kind))
        .collect();
    let within = |outer: &Location, inner: &Location| {
        outer.doc == inner.doc
            && outer.range.start <= inner.range.start
            && inner.range.end <= outer.range.end
    };
    // Inside two different locations of one finding (a finding may have thousands: checked
    // location by location, not pair by pair).
    let covered = |f: &Finding, x: &Location, y: &Location| {
        let i = f.locations.iter().position(|l| within(l, x));
        i.is_some_and(|i| {
            f.locations
                .iter()
                .enumerate()
                .any(|(j, l)| j != i && within(l, y))
        })
    };
    passages
        .into_iter()
        .filter(|f| {
            let (x, y) = (&f.locations[0], &f.locations[1]);
            let new = !known.iter().any(|k| covered(k, x, y) || covered(k, y, x));
            progress.advance(1);
            new
        })
        .collect()
}

/// The locations of a block of `len` equal paragraphs at `x` and `y`, widened by the common
/// tail of the paragraphs before them and the common head of the paragraphs after them.
fn widen_block(
    prepared: &[Prepared],
    x: (usize, usize),
    y: (usize, usize),
    len: usize,
) -> (Location, Location) {
    let (px, py) = (&prepared[x.0], &prepared[y.0]);
    let mut rx = px.paras[x.1].range.start..px.paras[x.1 + len - 1].range.end;
    let mut ry = py.paras[y.1].range.start..py.paras[y.1 + len - 1].range.end;
    // Shared tokens, counted from the end of the paragraphs before (or the start of those after).
    let common = |tx: Range<usize>, ty: Range<usize>, backwards: bool| {
        let (a, b) = (&px.hashes[tx.clone()], &py.hashes[ty.clone()]);
        if backwards {
            a.iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(p, q)| p == q)
                .count()
        } else {
            a.iter().zip(b).take_while(|(p, q)| p == q).count()
        }
    };
    if x.1 > 0 && y.1 > 0 && (x.0 != y.0 || x.1 + len < y.1) {
        let (tx, ty) = (
            px.paras[x.1 - 1].tokens.clone(),
            py.paras[y.1 - 1].tokens.clone(),
        );
        let n = common(tx.clone(), ty.clone(), true);
        if n >= PASSAGE_K {
            rx.start = px.spans[tx.end - n].start as usize;
            ry.start = py.spans[ty.end - n].start as usize;
        }
    }
    if let (Some(nx), Some(ny)) = (px.paras.get(x.1 + len), py.paras.get(y.1 + len))
        && (x.0 != y.0 || x.1 + len + 1 < y.1)
    {
        let n = common(nx.tokens.clone(), ny.tokens.clone(), false);
        if n >= PASSAGE_K {
            rx.end = px.spans[nx.tokens.start + n - 1].end as usize;
            ry.end = py.spans[ny.tokens.start + n - 1].end as usize;
        }
    }
    (
        Location {
            doc: x.0,
            range: rx,
        },
        Location {
            doc: y.0,
            range: ry,
        },
    )
}

/// Marks a k-gram that touches a masked token.
const MASKED: u64 = u64::MAX;

/// Rolling hashes of the k-grams of `hashes` (`MASKED` where one touches a masked token).
fn kgrams(hashes: &[u64], masked: &[bool], k: usize) -> Vec<u64> {
    const BASE: u64 = 0x9E37_79B9_7F4A_7C15;
    let top = (1..k).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let n = hashes.len().saturating_sub(k - 1);
    let mut out = Vec::with_capacity(n);
    let mut h = 0u64;
    let mut masked_in_window = 0;
    for (i, &t) in hashes.iter().enumerate() {
        h = h.wrapping_mul(BASE).wrapping_add(t);
        masked_in_window += usize::from(masked[i]);
        if i + 1 >= k {
            let start = i + 1 - k;
            out.push(if masked_in_window > 0 { MASKED } else { h });
            h = h.wrapping_sub(hashes[start].wrapping_mul(top));
            masked_in_window -= usize::from(masked[start]);
        }
    }
    out
}

/// Postings `(owner, position)` of the k-grams that occur between 2 and `POSTINGS_CAP` times:
/// a k-gram seen once matches nothing, one seen more often is too common to seed anything.
struct Index {
    postings: Vec<(u32, u32)>,
    groups: HashMap<u64, (u32, u32), BuildHasherDefault<KeyIsHash>>,
}

/// Index keys are already hashes: use them as they are.
#[derive(Default)]
struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Index {
    fn build(mut entries: Vec<(u64, u32, u32)>) -> Index {
        entries.par_sort_unstable();
        let mut postings = Vec::new();
        let mut groups = HashMap::default();
        let mut i = 0;
        while i < entries.len() {
            let j = i + entries[i..].partition_point(|e| e.0 == entries[i].0);
            if (2..=POSTINGS_CAP).contains(&(j - i)) {
                groups.insert(entries[i].0, (postings.len() as u32, (j - i) as u32));
                postings.extend(entries[i..j].iter().map(|e| (e.1, e.2)));
            }
            i = j;
        }
        Index { postings, groups }
    }

    fn lookup(&self, hash: u64) -> &[(u32, u32)] {
        self.groups.get(&hash).map_or(&[], |&(start, len)| {
            &self.postings[start as usize..(start + len) as usize]
        })
    }
}

fn near_duplicates(
    docs: &[Document],
    prepared: &[Prepared],
    opts: &ScanOptions,
    profile: Profile,
    progress: &dyn Progress,
) -> Vec<Finding> {
    // Paragraphs eligible: long enough, not boilerplate. Owner id = position in `paras`.
    let paras: Vec<(usize, usize)> = prepared
        .iter()
        .enumerate()
        .flat_map(|(d, p)| {
            p.paras.iter().enumerate().filter_map(move |(i, para)| {
                let eligible =
                    !p.masked[para.tokens.start] && para.clusters >= min_chars(&para.key, opts);
                eligible.then_some((d, i))
            })
        })
        .collect();
    progress.phase(Phase::NearDuplicates, Some(paras.len() as u64));
    let grams_of = |&(d, i): &(usize, usize)| {
        let p = &prepared[d];
        let t = p.paras[i].tokens.clone();
        let mut g: Vec<u64> = kgrams(&p.hashes[t.clone()], &p.masked[t], PARAGRAPH_K);
        g.retain(|&h| h != MASKED);
        g.sort_unstable();
        g.dedup();
        g
    };
    let grams: Vec<Vec<u64>> = paras.par_iter().map(grams_of).collect();
    let index = Index::build(
        grams
            .iter()
            .enumerate()
            .flat_map(|(o, g)| g.iter().map(move |&h| (h, o as u32, 0)))
            .collect(),
    );
    let found: Vec<Vec<Finding>> = (0..paras.len())
        .into_par_iter()
        .map(|o| {
            let mut shared: HashMap<u32, usize> = HashMap::new();
            for &h in &grams[o] {
                for &(other, _) in index.lookup(h) {
                    if other as usize > o {
                        *shared.entry(other).or_insert(0) += 1;
                    }
                }
            }
            let mut candidates: Vec<(u32, usize)> = shared.into_iter().collect();
            candidates.sort_unstable();
            let found = candidates
                .into_iter()
                .filter_map(|(other, count)| {
                    let shared = (count, grams[o].len().min(grams[other as usize].len()));
                    verify_near_duplicate(
                        docs,
                        prepared,
                        (opts, profile),
                        paras[o],
                        paras[other as usize],
                        shared,
                    )
                })
                .collect::<Vec<_>>();
            progress.advance(1);
            found
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// The longest line (in clusters) read as the title of a numbered series.
const SERIES_TITLE_MAX: usize = 60;

/// Titles of a numbered series (`…十（易靜）` and `…十六（易靜）`, `…二十五首 六` and `…二十五首
/// 十七`, `Part 3` and `Part 4`): short lines (at most `SERIES_TITLE_MAX` characters, not
/// ending a sentence) that are the same once their numerals are left out are members of a
/// series, not copies of each other. (A long paragraph that differs in a number is reported: that is what a
/// transcription error looks like.)
fn numbered_series(x: &str, y: &str) -> bool {
    let without = |t: &str| -> Option<String> {
        let t = t.trim();
        let sentence = t.chars().next_back().is_some_and(ends_sentence);
        (t.chars().count() <= SERIES_TITLE_MAX && !sentence).then(|| {
            t.chars()
                .filter(|&c| !crate::chars::is_numeral(c))
                .collect()
        })
    };
    x != y && without(x).is_some_and(|wx| Some(wx) == without(y))
}

/// Compares candidate paragraphs `x` and `y` exactly; a near duplicate if similar enough.
/// `shared` is (k-grams they share, k-grams of the one with fewer): each edit destroys at
/// most k k-grams, so too few shared ones rule a pair out before comparing.
fn verify_near_duplicate(
    docs: &[Document],
    prepared: &[Prepared],
    (opts, profile): (&ScanOptions, Profile),
    (d, i): (usize, usize),
    (e, j): (usize, usize),
    (count, fewer): (usize, usize),
) -> Option<Finding> {
    let (pa, pb) = (&prepared[d].paras[i], &prepared[e].paras[j]);
    if pa.key == pb.key {
        return None; // an exact duplicate, reported as such
    }
    let longer = pa.clusters.max(pb.clusters) as f64;
    let shorter = pa.clusters.min(pb.clusters) as f64;
    if shorter < opts.threshold * longer {
        return None;
    }
    let edits = ((1.0 - opts.threshold) * longer).floor() as usize;
    if count < fewer.saturating_sub(PARAGRAPH_K * edits).max(1) {
        return None;
    }
    let c = compare_for_similarity(
        &docs[d].text[pa.range.clone()],
        &docs[e].text[pb.range.clone()],
        profile,
    )
    .shifted(pa.range.start, pb.range.start);
    let similarity = c.similarity();
    if numbered_series(
        &docs[d].text[pa.range.clone()],
        &docs[e].text[pb.range.clone()],
    ) {
        return None;
    }
    (similarity >= opts.threshold).then(|| Finding {
        kind: FindingKind::NearDuplicate,
        similarity,
        locations: vec![
            Location {
                doc: d,
                range: pa.range.clone(),
            },
            Location {
                doc: e,
                range: pb.range.clone(),
            },
        ],
        comparison: Some(c),
    })
}

/// A phrase written twice in place: `UU`, or `U、U` with one separator between. The unit has
/// at least 3 CJK characters or 2 words, so reduplication (`研究研究`) is not flagged.
fn repeated_phrases(d: usize, p: &Prepared) -> Vec<Finding> {
    let n = p.tokens.len();
    let first_char = |t: usize| p.view[p.tokens[t].view()].chars().next().unwrap_or(' ');
    // Per token, computed once: separator (punctuation inside a sentence; a copy after a
    // full stop, `千岛湖。千岛湖水`, is not a stutter), CJK letter, word.
    let mut separator = Vec::with_capacity(n);
    let mut cjk = vec![0u32; n + 1];
    let mut words = vec![0u32; n + 1];
    for t in 0..n {
        let c = first_char(t);
        separator.push(!c.is_alphanumeric() && c != '\n' && !ends_sentence(c) && c != '.');
        cjk[t + 1] = cjk[t] + u32::from(is_cjk(c) && c.is_alphanumeric());
        words[t + 1] = words[t] + u32::from(is_word_char(c));
    }
    // Where the stretch of text a phrase may lie in ends: the next paragraph break or masked
    // token.
    let mut stop = vec![n; n + 1];
    for t in (0..n).rev() {
        let breaks = p.masked[t] || first_char(t) == '\n';
        stop[t] = if breaks { t } else { stop[t + 1] };
    }
    let weight_ok =
        |u: Range<usize>| cjk[u.end] - cjk[u.start] >= 3 || words[u.end] - words[u.start] >= 2;
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let mut found = None;
        'len: for l in 1..=PHRASE_MAX {
            if i + 2 * l > stop[i] {
                break;
            }
            // Unit boundaries are not separators; one separator may sit between the copies.
            if separator[i] || separator[i + l - 1] {
                continue;
            }
            for gap in [0, 1] {
                let second = i + l + gap;
                if second + l > stop[i]
                    || (gap == 1 && !separator[i + l])
                    || p.hashes[i] != p.hashes[second]
                {
                    continue;
                }
                if p.hashes[i..i + l] == p.hashes[second..second + l]
                    && (i..i + l)
                        .all(|t| p.view[p.tokens[t].view()] == p.view[p.tokens[t + l + gap].view()])
                    && weight_ok(i..i + l)
                {
                    found = Some((l, gap));
                    break 'len;
                }
            }
        }
        match found {
            Some((l, gap)) => {
                let span = |r: Range<usize>| {
                    p.spans[r.start].start as usize..p.spans[r.end - 1].end as usize
                };
                // Every further copy in the same pattern belongs to the same finding: a run
                // of 300,000 `长` is one phrase written 100,000 times, not 50,000 findings.
                let same = |at: usize| {
                    at + l <= stop[i]
                        && (gap == 0 || separator[at - 1])
                        && (0..l).all(|k| {
                            p.hashes[i + k] == p.hashes[at + k]
                                && p.view[p.tokens[i + k].view()] == p.view[p.tokens[at + k].view()]
                        })
                };
                let mut copies = vec![i];
                let mut next = i + l + gap;
                while same(next) {
                    copies.push(next);
                    next += l + gap;
                }
                out.push(Finding {
                    kind: FindingKind::RepeatedPhrase,
                    similarity: 1.0,
                    locations: copies
                        .iter()
                        .map(|&c| Location {
                            doc: d,
                            range: span(c..c + l),
                        })
                        .collect(),
                    comparison: None,
                });
                i = copies[copies.len() - 1] + l;
            }
            None => i += 1,
        }
    }
    out
}

/// What a phrase written twice in place looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Repetition {
    /// Inside a clause, where the sentence needs the words once (`新业态新业态`,
    /// `进一步、进一步加强`): a copying error, most likely.
    LikelyError,
    /// A whole clause said again (a refrain `X，X，`, an emphasis `Y！Y！`) or a heading
    /// followed by a text that begins with its words: most likely meant.
    Deliberate,
}

impl Repetition {
    /// `likely_error` or `deliberate`.
    pub fn name(self) -> &'static str {
        match self {
            Repetition::LikelyError => "likely_error",
            Repetition::Deliberate => "deliberate",
        }
    }
}

/// The verdict on a `repeated_phrase` finding, with the reason (`None` for other kinds).
/// Read from the text around the copies: whether each copy is a whole clause (clause
/// punctuation or a line break on both sides of every copy), or the first copy a line of its
/// own (a heading) followed by the rest.
pub fn repetition(docs: &[Document], f: &Finding) -> Option<(Repetition, &'static str)> {
    if f.kind != FindingKind::RepeatedPhrase {
        return None;
    }
    let text = &docs[f.locations[0].doc].text;
    let (first, last) = (
        &f.locations[0].range,
        &f.locations[f.locations.len() - 1].range,
    );
    let clause_mark = |c: char| "，、；：！？。,;:!?.\n".contains(c);
    let before = text[..first.start]
        .chars()
        .rev()
        .find(|c| *c != ' ' && *c != '\u{3000}');
    // A copy may end with its own mark (`欢迎你！欢迎你！`).
    let ends_marked =
        |r: &Range<usize>| text[r.clone()].chars().next_back().is_some_and(clause_mark);
    let after = if ends_marked(last) {
        Some('。')
    } else {
        text[last.end..]
            .chars()
            .find(|c| *c != ' ' && *c != '\u{3000}')
    };
    let bounded = |c: Option<char>| c.is_none_or(clause_mark);
    let between_marks = f.locations.windows(2).all(|w| {
        ends_marked(&w[0].range)
            || text[w[0].range.end..w[1].range.start]
                .chars()
                .any(clause_mark)
    });
    if text[first.end..f.locations[1].range.start].contains('\n')
        && before.is_none_or(|c| c == '\n')
    {
        return Some((
            Repetition::Deliberate,
            "a heading followed by a text that begins with its words",
        ));
    }
    if bounded(before) && bounded(after) && between_marks {
        return Some((
            Repetition::Deliberate,
            "a whole clause said again (a refrain, an emphasis)",
        ));
    }
    Some((
        Repetition::LikelyError,
        "inside a clause, where the sentence needs the words once",
    ))
}

/// Verified shared passages between documents (and far apart inside one).
fn shared_passages(
    docs: &[Document],
    prepared: &[Prepared],
    opts: &ScanOptions,
    profile: Profile,
    progress: &dyn Progress,
) -> Vec<Finding> {
    progress.phase(Phase::SharedPassages, Some(prepared.len() as u64));
    // k-grams are computed again per document rather than kept: the index is the memory.
    let grams = |p: &Prepared| kgrams(&p.hashes, &p.masked, PASSAGE_K);
    let entries: Vec<Vec<(u64, u32, u32)>> = prepared
        .par_iter()
        .enumerate()
        .map(|(d, p)| {
            grams(p)
                .into_iter()
                .enumerate()
                .filter(|&(_, h)| h != MASKED)
                .map(|(pos, h)| (h, d as u32, pos as u32))
                .collect()
        })
        .collect();
    let index = Index::build(entries.into_iter().flatten().collect());
    let found: Vec<Vec<Finding>> = (0..prepared.len())
        .into_par_iter()
        .map(|a| {
            // Seeds: (other doc, diagonal, position in a).
            let mut seeds: Vec<(u32, i64, u32)> = Vec::new();
            for (pa, h) in grams(&prepared[a]).into_iter().enumerate() {
                if h == MASKED {
                    continue;
                }
                for &(b, pb) in index.lookup(h) {
                    let later_doc = b as usize > a;
                    let far_in_same = b as usize == a && pb as usize >= pa + SAME_DOC_DISTANCE;
                    if later_doc || far_in_same {
                        seeds.push((b, i64::from(pb) - pa as i64, pa as u32));
                    }
                }
            }
            seeds.sort_unstable();
            let mut out = Vec::new();
            for (b, runs) in diagonal_runs(&seeds) {
                let verify = |(ra, rb): Run| {
                    verify_passage(docs, prepared, (opts, profile), (a, ra), (b, rb))
                };
                // Runs merged across a difference that turns out too large (a paragraph
                // on one side only) are verified one by one.
                let verified: Vec<Finding> = merge_runs(runs)
                    .into_iter()
                    .flat_map(|(merged, parts)| match verify(merged) {
                        Some(f) => vec![f],
                        None if parts.len() > 1 => parts.into_iter().filter_map(verify).collect(),
                        None => Vec::new(),
                    })
                    .collect();
                out.extend(join_split_passages(docs, (opts, profile), verified));
            }
            progress.advance(1);
            out
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// Runs of seeds on one diagonal, per other document: `(a_tokens, b_tokens)`.
fn diagonal_runs(seeds: &[(u32, i64, u32)]) -> Vec<(usize, Vec<Run>)> {
    let mut out: Vec<(usize, Vec<Run>)> = Vec::new();
    let mut i = 0;
    while i < seeds.len() {
        let (b, diag, start) = seeds[i];
        let mut end = start;
        let mut j = i + 1;
        while j < seeds.len()
            && seeds[j].0 == b
            && seeds[j].1 == diag
            && seeds[j].2 <= end + PASSAGE_K as u32
        {
            end = seeds[j].2;
            j += 1;
        }
        let ra = start as usize..end as usize + PASSAGE_K;
        let rb = (start as i64 + diag) as usize..(end as i64 + diag) as usize + PASSAGE_K;
        match out.last_mut() {
            Some((lb, runs)) if *lb == b as usize => runs.push((ra, rb)),
            _ => out.push((b as usize, vec![(ra, rb)])),
        }
        i = j;
    }
    out
}

/// Merges runs that follow each other closely on both sides (across small differences). A
/// run may continue any passage still open (ending within reach of it), so a stray match
/// elsewhere does not cut a long passage in two. Each merged run comes with the runs it was
/// made of.
fn merge_runs(mut runs: Vec<Run>) -> Vec<(Run, Vec<Run>)> {
    runs.sort_by_key(|(a, b)| (a.start, b.start));
    let follows = |prev: &Range<usize>, next: &Range<usize>| {
        next.start + PASSAGE_K >= prev.end && next.start <= prev.end + MERGE_GAP
    };
    let inside = |outer: &Range<usize>, inner: &Range<usize>| {
        inner.start >= outer.start && inner.end <= outer.end
    };
    let mut out: Vec<(Run, Vec<Run>)> = Vec::new();
    // Passages that a later run (starting no earlier on side a) can still continue.
    let mut open: Vec<usize> = Vec::new();
    for (ra, rb) in runs {
        open.retain(|&i| out[i].0.0.end + MERGE_GAP >= ra.start);
        if let Some(&i) = open
            .iter()
            .find(|&&i| follows(&out[i].0.0, &ra) && follows(&out[i].0.1, &rb))
        {
            let ((pa, pb), parts) = &mut out[i];
            pa.end = pa.end.max(ra.end);
            pb.end = pb.end.max(rb.end);
            parts.push((ra, rb));
        } else if !open
            .iter()
            .any(|&i| inside(&out[i].0.0, &ra) && inside(&out[i].0.1, &rb))
        {
            open.push(out.len());
            out.push(((ra.clone(), rb.clone()), vec![(ra, rb)]));
        }
    }
    out
}

/// Joins the passages of one pair of documents (in order on the first side) that are pieces
/// of one copy: the next starts before the last ends on either side (overlapping pieces,
/// where a repetition inside the copy seeded another diagonal), or after a gap on each side
/// no longer than the shorter piece (an insertion or a rewritten sentence inside the copy,
/// beyond the seeds' reach). The joined span is compared again and kept if it is still
/// similar enough: then it is one passage whose variants include what lay between.
fn join_split_passages(
    docs: &[Document],
    (opts, profile): (&ScanOptions, Profile),
    passages: Vec<Finding>,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(passages.len());
    for next in passages {
        let joined = out.last().and_then(|prev| {
            let (pa, pb) = (&prev.locations[0], &prev.locations[1]);
            let (na, nb) = (&next.locations[0], &next.locations[1]);
            if nb.range.start < pb.range.start || na.range.start < pa.range.start {
                return None; // crossing pieces: a transposition, two passages
            }
            let shorter = |x: &Location, y: &Location| x.range.len().min(y.range.len());
            let gap = |x: &Location, y: &Location| y.range.start.saturating_sub(x.range.end);
            let reach = shorter(pa, na).min(shorter(pb, nb));
            if gap(pa, na) > reach || gap(pb, nb) > reach {
                return None;
            }
            let ra = pa.range.start..pa.range.end.max(na.range.end);
            let rb = pb.range.start..pb.range.end.max(nb.range.end);
            if pa.doc == pb.doc && ra.end > rb.start {
                return None;
            }
            passage_if_similar(docs, (opts, profile), (pa.doc, ra), (pb.doc, rb))
        });
        if let Some(j) = joined {
            out.pop();
            out.push(j);
        } else {
            out.push(next);
        }
    }
    out
}

/// A candidate passage whose first (or last) paragraph it touches by fewer than `PASSAGE_K`
/// tokens on both sides starts at the next paragraph (ends at the previous one): a seed that
/// ran across a paragraph break brought a closing bracket of a title (`（李世民）` against
/// `（無名氏）`) or the first character of the next heading, not shared text. The passage
/// then starts and ends where the copy does, and one that is a whole duplicate paragraph is
/// that duplicate, not a second finding.
fn off_paragraph_edges(
    prepared: &[Prepared],
    (a, ta): (usize, Range<usize>),
    (b, tb): (usize, Range<usize>),
) -> (Range<usize>, Range<usize>) {
    // The start of the first paragraph that begins inside a range, and the end of the
    // paragraph before the last one that begins inside it.
    let next_start = |d: usize, t: &Range<usize>| {
        let paras = &prepared[d].paras;
        let i = paras.partition_point(|p| p.tokens.start <= t.start);
        paras.get(i).map(|p| p.tokens.start).filter(|&s| s < t.end)
    };
    let previous_end = |d: usize, t: &Range<usize>| {
        let paras = &prepared[d].paras;
        let i = paras.partition_point(|p| p.tokens.start < t.end);
        let last = paras.get(i.checked_sub(1)?)?;
        let before = paras.get(i.checked_sub(2)?)?;
        (last.tokens.start > t.start && before.tokens.end > t.start)
            .then_some((last.tokens.start, before.tokens.end))
    };
    let (mut ta, mut tb) = (ta, tb);
    if let (Some(sa), Some(sb)) = (next_start(a, &ta), next_start(b, &tb))
        && sa - ta.start < PASSAGE_K
        && sb - tb.start < PASSAGE_K
    {
        (ta.start, tb.start) = (sa, sb);
    }
    if let (Some((la, ea)), Some((lb, eb))) = (previous_end(a, &ta), previous_end(b, &tb))
        && ta.end - la < PASSAGE_K
        && tb.end - lb < PASSAGE_K
    {
        (ta.end, tb.end) = (ea, eb);
    }
    (ta, tb)
}

/// Characters either side of a passage that `across_edge_differences` looks at…
const EDGE_MARGIN: usize = 12;
/// …and how far below its best the running score may fall before it stops.
const EDGE_DROP: i64 = 3;

/// Extends a passage over small differences at its edges, within its paragraphs: the seeds
/// are exact runs, so a copy whose text differs a few characters from its start (`烟波茫茫的…`
/// quoted, `烟波茫的…` transcribed) would start after the difference — too short to be found,
/// or found without the error it carries. From each edge outwards, equal characters score one
/// each and a differing stretch costs its length (as in X-drop extension): the passage grows
/// to where the score is best, so it takes in `烟波茫` across the missing `茫` and never a
/// lone character that happens to agree after a difference.
fn across_edge_differences(
    docs: &[Document],
    prepared: &[Prepared],
    profile: Profile,
    (a, ra): (usize, Range<usize>),
    (b, rb): (usize, Range<usize>),
) -> (Range<usize>, Range<usize>) {
    // The paragraph around a byte, and the margin of at most EDGE_MARGIN characters in it.
    let paragraph = |d: usize, at: usize| {
        let paras = &prepared[d].paras;
        let i = paras.partition_point(|p| p.range.end < at);
        paras.get(i).map_or(at..at, |p| p.range.clone())
    };
    let before = |d: usize, r: &Range<usize>| {
        let text = &docs[d].text;
        let floor = paragraph(d, r.start).start.min(r.start);
        let lo = text[floor..r.start]
            .char_indices()
            .rev()
            .nth(EDGE_MARGIN - 1)
            .map_or(floor, |(i, _)| floor + i);
        lo..r.start
    };
    let after = |d: usize, r: &Range<usize>| {
        let text = &docs[d].text;
        let ceil = paragraph(d, r.end.saturating_sub(1)).end.max(r.end);
        let hi = text[r.end..ceil]
            .char_indices()
            .nth(EDGE_MARGIN)
            .map_or(ceil, |(i, _)| r.end + i);
        r.end..hi
    };
    let (ba, bb) = (before(a, &ra), before(b, &rb));
    let (aa, ab) = (after(a, &ra), after(b, &rb));
    let start = best_extension(docs, profile, (a, ba), (b, bb), true);
    let end = best_extension(docs, profile, (a, aa), (b, ab), false);
    let (sa, sb) = start.unwrap_or((ra.start, rb.start));
    let (ea, eb) = end.unwrap_or((ra.end, rb.end));
    // Still starting and ending on text: a space that agreed is not part of the passage.
    let on_text = |d: usize, r: Range<usize>| {
        let s = &docs[d].text[r.clone()];
        let lead = s.len() - s.trim_start().len();
        r.start + lead..r.start + lead + s.trim().len()
    };
    (on_text(a, sa..ea), on_text(b, sb..eb))
}

/// The best point to extend a passage to within two margins (`backwards`: the margins end
/// at the passage's start; else they start at its end), or `None` to leave it. The margins'
/// tokens under the profile are aligned by exact Levenshtein (a dozen characters: no diff
/// engine needed) and walked from the passage outwards, each weighing its clusters.
fn best_extension(
    docs: &[Document],
    profile: Profile,
    (a, ma): (usize, Range<usize>),
    (b, mb): (usize, Range<usize>),
    backwards: bool,
) -> Option<(usize, usize)> {
    if ma.is_empty() || mb.is_empty() {
        return None;
    }
    let mut ids: HashMap<String, u32> = HashMap::new();
    // Each token's id, length in clusters and original byte range, from the passage outwards
    // (tokens: words of spaced scripts, so that `practical`/`pragmatic` differ as words).
    let mut tokens = |d: usize, m: &Range<usize>| {
        let t = Tokenized::new(&docs[d].text[m.clone()], profile);
        let mut out: Vec<(u32, i64, Range<usize>)> = Vec::new();
        for (token, span) in t.tokens.iter().zip(&t.spans) {
            let next = ids.len() as u32;
            let id = *ids.entry(t.view[token.view()].to_string()).or_insert(next);
            let range = m.start + span.start as usize..m.start + span.end as usize;
            out.push((id, i64::from(token.clusters), range));
        }
        if backwards {
            out.reverse();
        }
        out
    };
    let (ua, ub) = (tokens(a, &ma), tokens(b, &mb));
    let ids_of = |u: &[(u32, i64, Range<usize>)]| u.iter().map(|x| x.0).collect::<Vec<u32>>();
    let (mut i, mut j, mut score, mut best) = (0, 0, 0i64, 0i64);
    let mut at = None;
    for op in crate::levenshtein::edit_ops(&ids_of(&ua), &ids_of(&ub)) {
        let gain = match op {
            EditOp::Match => ua[i].1,
            EditOp::Substitute => -ua[i].1.max(ub[j].1),
            EditOp::Delete => -ua[i].1,
            EditOp::Insert => -ub[j].1,
        };
        if !matches!(op, EditOp::Insert) {
            i += 1;
        }
        if !matches!(op, EditOp::Delete) {
            j += 1;
        }
        score += gain;
        if score > best {
            best = score;
            at = Some((i, j));
        } else if score < best - EDGE_DROP {
            break;
        }
    }
    let (i, j) = at?;
    let (ra, rb) = (&ua[i - 1].2, &ub[j - 1].2);
    Some(if backwards {
        (ra.start, rb.start)
    } else {
        (ra.end, rb.end)
    })
}

/// Compares a candidate passage exactly; keeps it if long and similar enough.
fn verify_passage(
    docs: &[Document],
    prepared: &[Prepared],
    (opts, profile): (&ScanOptions, Profile),
    (a, ta): (usize, Range<usize>),
    (b, tb): (usize, Range<usize>),
) -> Option<Finding> {
    let (ta, tb) = off_paragraph_edges(prepared, (a, ta), (b, tb));
    // Passages start and end on text, not on the spaces or line breaks around it.
    let trimmed = |d: usize, t: Range<usize>| {
        let p = &prepared[d];
        let blank = |i: usize| p.view[p.tokens[i].view()].trim().is_empty();
        let start = (t.start..t.end).find(|&i| !blank(i))?;
        let end = (start..t.end).rev().find(|&i| !blank(i))? + 1;
        Some(p.spans[start].start as usize..p.spans[end - 1].end as usize)
    };
    let (ra, rb) = (trimmed(a, ta)?, trimmed(b, tb)?);
    let (ra, rb) = across_edge_differences(docs, prepared, profile, (a, ra), (b, rb));
    if a == b && ra.end > rb.start {
        return None; // overlapping copies inside one document are a repeated phrase, not a quote
    }
    let (xa, xb) = (&docs[a].text[ra.clone()], &docs[b].text[rb.clone()]);
    let chars = xa.chars().count().min(xb.chars().count());
    if chars < min_chars(xa, opts) {
        return None;
    }
    // Inside two title lines of a numbered series: not a passage either.
    let paragraph = |d: usize, r: &Range<usize>| {
        let paras = &prepared[d].paras;
        let i = paras.partition_point(|p| p.range.end < r.start);
        paras
            .get(i)
            .filter(|p| p.range.start <= r.start && r.end <= p.range.end)
            .map(|p| &docs[d].text[p.range.clone()])
    };
    if let (Some(x), Some(y)) = (paragraph(a, &ra), paragraph(b, &rb))
        && numbered_series(x, y)
    {
        return None;
    }
    passage_if_similar(docs, (opts, profile), (a, ra), (b, rb))
}

/// The shared passage between two spans, compared exactly, if similar enough.
fn passage_if_similar(
    docs: &[Document],
    (opts, profile): (&ScanOptions, Profile),
    (a, ra): (usize, Range<usize>),
    (b, rb): (usize, Range<usize>),
) -> Option<Finding> {
    let (xa, xb) = (&docs[a].text[ra.clone()], &docs[b].text[rb.clone()]);
    let c = compare_for_similarity(xa, xb, profile).shifted(ra.start, rb.start);
    let similarity = c.similarity();
    (similarity >= opts.threshold).then(|| Finding {
        kind: FindingKind::SharedPassage,
        similarity,
        locations: vec![
            Location { doc: a, range: ra },
            Location { doc: b, range: rb },
        ],
        comparison: Some(c),
    })
}

/// For each pair of documents that share passages, the characters of each covered.
fn coverage(docs: &[Document], passages: &[Finding]) -> Vec<Coverage> {
    let mut by_pair: BTreeMap<(usize, usize), Run<Vec<Range<usize>>>> = BTreeMap::new();
    for f in passages {
        let (x, y) = (&f.locations[0], &f.locations[1]);
        if x.doc == y.doc {
            continue;
        }
        let e = by_pair.entry((x.doc, y.doc)).or_default();
        e.0.push(x.range.clone());
        e.1.push(y.range.clone());
    }
    let covered = |text: &str, mut ranges: Vec<Range<usize>>| {
        ranges.sort_by_key(|r| r.start);
        let mut total = 0;
        let mut end = 0;
        for r in ranges {
            let start = r.start.max(end);
            if r.end > start {
                total += text[start..r.end].chars().count();
                end = r.end;
            }
        }
        total
    };
    by_pair
        .into_iter()
        .map(|((a, b), (ra, rb))| Coverage {
            a,
            b,
            a_shared: covered(&docs[a].text, ra),
            a_chars: docs[a].text.chars().count(),
            b_shared: covered(&docs[b].text, rb),
            b_chars: docs[b].text.chars().count(),
        })
        .collect()
}
