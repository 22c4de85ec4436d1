//! The scan as stages that each read one document, or the two of a candidate pair, so that
//! an engine can run them where the texts are and join their results with relational
//! operators (group by a key, join on it) that spill to disk or spread over machines: the
//! streaming and cluster engines of [`crate::cluster`]. Each function here is the same code
//! that the in-memory scan runs on the whole corpus, so the findings are the same.
//!
//! The stages, and what an engine does between them:
//! 1. [`paragraphs`] of each document; the engine keeps the rows whose key occurs more than
//!    once, and gives them to [`judge_paragraphs`], which finds boilerplate (the paragraphs
//!    each document must mask), duplicate paragraphs, blocks repeated in place, and blocks
//!    found at two places (widened later, in the pair stage).
//! 2. [`passage_postings`] and [`paragraph_postings`] of each document (masked as told); the
//!    engine keeps the k-grams with 2 to [`POSTINGS_CAP`] postings and joins them on the
//!    k-gram into seeds and paragraph candidates for each pair of documents.
//! 3. [`phrases`] of each document.
//! 4. [`verify_pair`] for each pair of documents with seeds, candidate paragraphs or blocks.
//! 5. [`finish`] of everything found, and [`comparison_of`] each finding that shows variants.

use std::cell::OnceCell;
use std::ops::Range;

use serde::{Deserialize, Serialize};

pub(crate) use super::merge::File;
use super::merge::{coverage, finish as merge};
use super::near::{may_be_near, paragraph_grams, verify_near_duplicate};
pub(crate) use super::paragraphs::{Block, DocParagraphs, ParagraphRow};
use super::paragraphs::{paragraph_findings, paragraph_groups, paragraph_rows, widen_block};
pub(crate) use super::passages::SAME_DOC_DISTANCE;
use super::passages::{pair_passages, passage_grams};
use super::phrases::{Repetition, repeated_phrases, repetition_in};
pub(crate) use super::prepare::POSTINGS_CAP;
use super::prepare::{Docs, Prepared, prepare};
use super::{Coverage, Finding, FindingKind, Location, ScanOptions};
use crate::diff::{Comparison, compare_for_similarity};
use crate::normalize::{Profile, Tokenized};
use crate::progress::Progress;

/// A document prepared under `profile`, its boilerplate paragraphs (`masked`) masked.
fn prepared<'t>(t: &'t Tokenized, masked: &[u32]) -> Prepared<'t> {
    let mut p = prepare(t);
    for &i in masked {
        if let Some(para) = p.paras.get(i as usize) {
            let tokens = para.tokens.clone();
            p.masked[tokens].fill(true);
        }
    }
    p
}

/// Stage 1: the paragraphs of a document.
pub(crate) fn paragraphs(text: &str, profile: Profile, opts: &ScanOptions) -> DocParagraphs {
    let t = Tokenized::new(text, profile);
    let p = prepare(&t);
    DocParagraphs {
        count: p.paras.len(),
        rows: paragraph_rows(&p, opts),
    }
}

/// What the paragraph stage decides for a collection.
pub(crate) struct Judged {
    /// Per document (by id), the paragraphs it masks as boilerplate, in order.
    pub(crate) masked: Vec<(usize, Vec<u32>)>,
    /// Boilerplate, duplicate paragraphs and blocks repeated in place.
    pub(crate) findings: Vec<Finding>,
    /// Blocks found at two places, to widen in the pair stage: by pair of documents.
    pub(crate) blocks: Vec<Block>,
}

/// Stage 1's verdicts, from the rows of every paragraph whose key occurs more than once
/// (`docs[d]`: document `d`'s paragraph count and those rows).
pub(crate) fn judge_paragraphs(docs: &[DocParagraphs], opts: &ScanOptions) -> Judged {
    let (boilerplate, duplicates) = paragraph_groups(docs);
    let mut masked: Vec<(usize, u32)> = boilerplate
        .iter()
        .flatten()
        .map(|&(d, i)| (d, i as u32))
        .collect();
    masked.sort_unstable();
    let mut per_doc: Vec<(usize, Vec<u32>)> = Vec::new();
    for (d, i) in masked {
        match per_doc.last_mut() {
            Some((last, list)) if *last == d => list.push(i),
            _ => per_doc.push((d, vec![i])),
        }
    }
    let wants = |k: FindingKind| opts.kinds.contains(&k);
    let (findings, blocks) = paragraph_findings(docs, &boilerplate, &duplicates, &wants);
    Judged {
        masked: per_doc,
        findings,
        blocks,
    }
}

/// Stage 2: the k-grams of a document that seed shared passages, `(hash, position)`.
pub(crate) fn passage_postings(text: &str, profile: Profile, masked: &[u32]) -> Vec<(u64, u32)> {
    let t = Tokenized::new(text, profile);
    passage_grams(&prepared(&t, masked))
        .map(|(pos, h)| (h, pos as u32))
        .collect()
}

/// Stage 2: the distinct k-grams of each paragraph of a document that may be a near
/// duplicate, `(paragraph, hash, k-grams of the paragraph)`.
pub(crate) fn paragraph_postings(
    text: &str,
    profile: Profile,
    opts: &ScanOptions,
    masked: &[u32],
) -> Vec<(u32, u64, u32)> {
    let t = Tokenized::new(text, profile);
    paragraph_grams(&prepared(&t, masked), opts)
        .into_iter()
        .flat_map(|(i, grams)| {
            let n = grams.len() as u32;
            grams.into_iter().map(move |h| (i as u32, h, n))
        })
        .collect()
}

/// Stage 3: the phrases written twice in place in document `doc`, each with whether it
/// looks meant.
pub(crate) fn phrases(
    doc: usize,
    text: &str,
    profile: Profile,
    masked: &[u32],
) -> Vec<(Finding, bool)> {
    let t = Tokenized::new(text, profile);
    repeated_phrases(doc, &prepared(&t, masked))
        .into_iter()
        .map(|f| {
            let meant = is_meant(text, &f);
            (f, meant)
        })
        .collect()
}

/// Whether a doubled phrase looks meant (the order of [`finish`] puts those last).
pub(crate) fn is_meant(text: &str, f: &Finding) -> bool {
    matches!(repetition_in(text, f), Some((Repetition::Deliberate, _)))
}

/// What the pair stage looks at between documents `a` and `b` (`a <= b`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PairWork {
    /// Seeds of shared passages, `(diagonal, position in a)`, sorted.
    pub(crate) seeds: Vec<(i64, u32)>,
    /// Candidate near duplicates: `(paragraph of a, paragraph of b, k-grams they share,
    /// k-grams of the one with fewer)`, sorted.
    pub(crate) paragraphs: Vec<(u32, u32, u32, u32)>,
    /// Blocks to widen: `(first paragraph in a, first paragraph in b, paragraphs)`.
    pub(crate) blocks: Vec<(u32, u32, u32)>,
}

/// What the pair stage finds between two documents.
#[derive(Debug, Default)]
pub(crate) struct PairFound {
    /// Near duplicates and blocks.
    pub(crate) findings: Vec<Finding>,
    /// Shared passages (before [`finish`] drops those that a duplicate already tells).
    pub(crate) passages: Vec<Finding>,
    /// How much of each document the passages cover (two different documents only).
    pub(crate) coverage: Option<Coverage>,
}

/// Stage 4: verifies the candidates between documents `a` and `b` (`a <= b`; one text when
/// they are the same), each with the paragraphs it masks.
pub(crate) fn verify_pair(
    (a, b): (usize, usize),
    texts: [&str; 2],
    masked: [&[u32]; 2],
    work: &PairWork,
    opts: &ScanOptions,
    profile: Profile,
) -> PairFound {
    let ta = Tokenized::new(texts[0], profile);
    let tb = (a != b).then(|| Tokenized::new(texts[1], profile));
    let mut both = vec![prepared(&ta, masked[0])];
    if let Some(tb) = &tb {
        both.push(prepared(tb, masked[1]));
    }
    let docs = Docs::pair([a, b], texts, &both);
    let wants = |k: FindingKind| opts.kinds.contains(&k);
    let mut findings: Vec<Finding> = work
        .blocks
        .iter()
        .map(|&(x, y, len)| {
            widen_block(
                &docs,
                &Block {
                    x: (a, x as usize),
                    y: (b, y as usize),
                    len: len as usize,
                },
            )
        })
        .collect();
    if wants(FindingKind::NearDuplicate) {
        findings.extend(work.paragraphs.iter().filter_map(|&(i, j, count, fewer)| {
            let (i, j) = (i as usize, j as usize);
            let clusters = (docs[a].paras[i].clusters, docs[b].paras[j].clusters);
            if !may_be_near(opts, clusters, (count as usize, fewer as usize)) {
                return None;
            }
            let first = OnceCell::new();
            verify_near_duplicate(&docs, (opts, profile), ((a, i), &first), (b, j))
                .map(|c| c.classified(&docs))
        }));
    }
    // Shared passages (and the coverage they make) only when asked for.
    let passages = if work.seeds.is_empty() || !wants(FindingKind::SharedPassage) {
        Vec::new()
    } else {
        pair_passages(&docs, (opts, profile), (a, b), &work.seeds)
            .into_iter()
            .map(|c| c.classified(&docs))
            .collect()
    };
    let coverage = coverage(&docs, &passages).pop();
    PairFound {
        findings,
        passages,
        coverage,
    }
}

/// Stage 5: where the findings of every stage meet (see [`super::merge::finish`]); `meant`
/// says which doubled phrases look meant.
pub(crate) fn finish(
    findings: Vec<Finding>,
    passages: Vec<Finding>,
    files: &[File],
    opts: &ScanOptions,
    meant: &dyn Fn(&Finding) -> bool,
    progress: &dyn Progress,
) -> Vec<Finding> {
    let wants = |k: FindingKind| opts.kinds.contains(&k);
    merge(findings, passages, files, &wants, meant, progress)
}

/// The comparison of a near duplicate or shared passage, computed again from the texts of
/// its first two locations (the stages send findings without it: it is as large as the
/// passage); `None` for other kinds.
pub(crate) fn comparison_of(f: &Finding, texts: [&str; 2], profile: Profile) -> Option<Comparison> {
    matches!(
        f.kind,
        FindingKind::NearDuplicate | FindingKind::SharedPassage
    )
    .then(|| {
        let (ra, rb) = (&f.locations[0].range, &f.locations[1].range);
        compare_for_similarity(&texts[0][ra.clone()], &texts[1][rb.clone()], profile)
            .shifted(ra.start, rb.start)
    })
}

/// A finding as the stages send it: without its comparison, its similarity's exact bits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WireFinding {
    kind: FindingKind,
    similarity_bits: u64,
    /// `(document, start, end)` of each location.
    locations: Vec<(usize, usize, usize)>,
    /// A doubled phrase that looks meant.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    meant: bool,
}

impl WireFinding {
    /// The finding as sent.
    pub(crate) fn new(f: &Finding, meant: bool) -> WireFinding {
        WireFinding {
            kind: f.kind,
            similarity_bits: f.similarity.to_bits(),
            locations: f
                .locations
                .iter()
                .map(|l| (l.doc, l.range.start, l.range.end))
                .collect(),
            meant,
        }
    }

    /// The finding received (without its comparison), and whether it looks meant.
    pub(crate) fn finding(&self) -> (Finding, bool) {
        let locations = self
            .locations
            .iter()
            .map(|&(doc, start, end)| Location {
                doc,
                range: Range { start, end },
            })
            .collect();
        let f = Finding {
            kind: self.kind,
            similarity: f64::from_bits(self.similarity_bits),
            locations,
            comparison: None,
        };
        (f, self.meant)
    }
}
