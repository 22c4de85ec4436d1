//! The main job over a collection: scan it, find which files are witnesses of the same text
//! (by how much of each the shared passages cover), diff and collate those, and build errata
//! for each transcription against its base.

use rayon::prelude::*;

use crate::classify::Class;
use crate::collate::{Collation, collate_compared};
use crate::corpus::{Corpus, DocId};
use crate::diff::{Change, Comparison, Diff};
use crate::errata::{Errata, Reference, errata};
use crate::scan::{Scan, ScanOptions, scan};

/// Two files are witnesses of one text when the text they share is at least this share of
/// either of them…
pub const RELATED_SHARE: f64 = 0.3;
/// …and at least this many characters.
pub const RELATED_MIN_CHARS: usize = 200;

/// A base and a transcription of the same text, compared.
#[derive(Debug)]
pub struct Pair {
    /// The base (the official text, when the ledger says which).
    pub base: DocId,
    /// The other witness.
    pub other: DocId,
    /// Edits from the base to the other witness.
    pub comparison: Comparison,
}

/// The result of an audit of a corpus. Document ids index `scan.docs` (the corpus's).
#[derive(Debug)]
pub struct Audit<'c> {
    /// The corpus audited.
    pub corpus: &'c Corpus,
    /// Its scan: the one scan of the audit, which grouping and errata read too.
    pub scan: Scan<'c>,
    /// Each witness compared with the base of its group.
    pub pairs: Vec<Pair>,
    /// Collations of groups of three or more related witnesses.
    pub collations: Vec<Collation<'c>>,
    /// Errata of each transcription (target id, errata).
    pub errata: Vec<(DocId, Errata<'c>)>,
}

impl Audit<'_> {
    /// The pair as a [`Diff`] of its two documents.
    pub fn diff<'a>(&'a self, p: &'a Pair) -> Diff<'a> {
        Diff {
            a: self.corpus.doc(p.base),
            b: self.corpus.doc(p.other),
            profile: self.corpus.profile(),
            comparison: std::borrow::Cow::Borrowed(&p.comparison),
        }
    }
}

/// Groups of related documents (connected by coverage), each sorted.
fn groups(s: &Scan, n: usize) -> Vec<Vec<DocId>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for c in &s.coverage {
        let share = |part: usize, whole: usize| part as f64 / whole.max(1) as f64;
        let related = (share(c.a_shared, c.a_chars) >= RELATED_SHARE
            || share(c.b_shared, c.b_chars) >= RELATED_SHARE)
            && c.a_shared.min(c.b_shared) >= RELATED_MIN_CHARS;
        if related {
            let (x, y) = (root(&mut parent, c.a), root(&mut parent, c.b));
            parent[x.max(y)] = x.min(y);
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for d in 0..n {
        let r = root(&mut parent, d);
        match out.iter_mut().find(|g| g[0] == r) {
            Some(g) => g.push(d),
            None => out.push(vec![d]),
        }
    }
    out.retain(|g| g.len() > 1);
    out
}

/// Audits a corpus: one scan; each witness of a group compared once with the group's base
/// (the first document `official` marks, else the first by order); groups of three or more
/// collated from those comparisons; errata of each transcription from the same scan and
/// comparison. `step` is told what runs next (for progress bars).
pub fn audit<'c>(corpus: &'c Corpus, official: &[bool], step: &dyn Fn(&str)) -> Audit<'c> {
    step("scanning");
    let s = scan(corpus, &ScanOptions::default());
    let groups: Vec<(DocId, Vec<DocId>)> = groups(&s, corpus.len())
        .into_iter()
        .map(|group| {
            let base = group
                .iter()
                .copied()
                .find(|&d| official.get(d) == Some(&true))
                .unwrap_or(group[0]);
            (base, group)
        })
        .collect();
    step("comparing witnesses");
    let pairs: Vec<Pair> = groups
        .iter()
        .flat_map(|&(base, ref group)| {
            group
                .iter()
                .filter(move |&&d| d != base)
                .map(move |&o| (base, o))
        })
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(base, other)| Pair {
            base,
            other,
            comparison: corpus.compare_inexact(base, other),
        })
        .collect();
    let collations = groups
        .iter()
        .filter(|(_, group)| group.len() >= 3)
        .map(|(base, group)| {
            let compared: Vec<Option<&Comparison>> = group
                .iter()
                .map(|&d| {
                    pairs
                        .iter()
                        .find(|p| p.base == *base && p.other == d)
                        .map(|p| &p.comparison)
                })
                .collect();
            let base_at = group.iter().position(|d| d == base).unwrap_or(0);
            collate_compared(corpus, group, base_at, &compared)
        })
        .collect();
    step("building errata");
    // Errata read the edits only: the exact CER pass of each pair runs beside them.
    let (errata_of, exact): (Vec<_>, Vec<_>) = rayon::join(
        || {
            pairs
                .par_iter()
                .map(|p| {
                    let reference = Reference {
                        doc: p.base,
                        comparison: &p.comparison,
                    };
                    (p.other, errata(corpus, &s, p.other, &[reference]))
                })
                .collect()
        },
        || {
            pairs
                .par_iter()
                .map(|p| corpus.exact_distances(p.base, p.other, &p.comparison))
                .collect()
        },
    );
    let mut pairs = pairs;
    for (p, (whole, aligned)) in pairs.iter_mut().zip(exact) {
        p.comparison.exact_distance = whole;
        p.comparison.exact_aligned_distance = aligned;
    }
    Audit {
        corpus,
        scan: s,
        pairs,
        collations,
        errata: errata_of,
    }
}

/// Counts for the summary and the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Scan findings other than boilerplate.
    pub notable_findings: usize,
    /// Substantive variants and blocks of all pairs.
    pub substantive: usize,
    /// Cosmetic variants of all pairs.
    pub cosmetic: usize,
    /// Errata entries of all transcriptions.
    pub errata: usize,
}

/// Counts what the audit found.
pub fn totals(a: &Audit) -> Totals {
    let count = |class| {
        a.pairs
            .iter()
            .flat_map(|p| &p.comparison.edits)
            .filter(|e| match e.change {
                Change::Variant(v) => v.class == class,
                Change::Block => class == Class::Substantive,
            })
            .count()
    };
    Totals {
        notable_findings: a.scan.notable(),
        substantive: count(Class::Substantive),
        cosmetic: count(Class::Cosmetic),
        errata: a.errata.iter().map(|(_, x)| x.entries.len()).sum(),
    }
}

/// What makes an audit fail (exit status 1 on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Any notable finding, variant (cosmetic too) or erratum.
    #[default]
    Any,
    /// Substantive variants, blocks and errata only.
    Substantive,
    /// Never (trouble is reported as an error, not as a failure).
    Never,
}

impl FailOn {
    /// Every policy, in the order the command line lists them.
    pub const ALL: [FailOn; 3] = [FailOn::Any, FailOn::Substantive, FailOn::Never];

    /// The policy's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Any => "any",
            FailOn::Substantive => "substantive",
            FailOn::Never => "never",
        }
    }
}

impl Audit<'_> {
    /// True when the audit fails under `policy`.
    pub fn fails(&self, policy: FailOn) -> bool {
        let t = totals(self);
        match policy {
            FailOn::Any => t.notable_findings + t.substantive + t.cosmetic + t.errata > 0,
            FailOn::Substantive => t.substantive + t.errata > 0,
            FailOn::Never => false,
        }
    }
}
