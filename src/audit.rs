//! The main job over a collection: scan it, find which files are witnesses of the same text
//! (by how much of each the shared passages cover), diff and collate those, and build errata
//! for each transcription against its base.

use rayon::prelude::*;

use crate::chars::is_cjk;
use crate::classify::Class;
use crate::collate::{Collation, collate_compared};
use crate::corpus::{Corpus, DocId};
use crate::diff::{Comparison, Diff};
use crate::errata::{Errata, Reference, errata};
use crate::progress::{Phase, Progress};
use crate::scan::{FindingKind, Scan, ScanOptions, scan_with_progress};

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

/// How the base of a group of witnesses was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseChoice {
    /// Named by the user: the ledger's `official` role or `--base`.
    Designated,
    /// Chosen by evidence; the sentence says which.
    Inferred(String),
    /// Nothing told the witnesses apart: the first by name; the sentence says so.
    Undecided(String),
}

impl BaseChoice {
    /// `designated`, `inferred` or `undecided`.
    pub fn name(&self) -> &'static str {
        match self {
            BaseChoice::Designated => "designated",
            BaseChoice::Inferred(_) => "inferred",
            BaseChoice::Undecided(_) => "undecided",
        }
    }

    /// Why, for every report: empty when the user named the base.
    pub fn reason(&self) -> &str {
        match self {
            BaseChoice::Designated => "",
            BaseChoice::Inferred(why) | BaseChoice::Undecided(why) => why,
        }
    }
}

/// Witnesses of one text and the one the others are compared with.
#[derive(Debug, Clone)]
pub struct Group {
    /// The base.
    pub base: DocId,
    /// Every witness, the base included, in corpus order.
    pub members: Vec<DocId>,
    /// How the base was chosen.
    pub choice: BaseChoice,
}

/// The result of an audit of a corpus. Document ids index `scan.docs` (the corpus's).
#[derive(Debug)]
pub struct Audit<'c> {
    /// The corpus audited.
    pub corpus: &'c Corpus,
    /// Its scan: the one scan of the audit, which grouping and errata read too.
    pub scan: Scan<'c>,
    /// The groups of witnesses of one text, each with its base.
    pub groups: Vec<Group>,
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

/// True when the shared text makes two documents witnesses of one text: at least
/// [`RELATED_SHARE`] of either and [`RELATED_MIN_CHARS`] characters.
pub(crate) fn related(c: &crate::scan::Coverage) -> bool {
    let share = |part: usize, whole: usize| part as f64 / whole.max(1) as f64;
    (share(c.a_shared, c.a_chars) >= RELATED_SHARE || share(c.b_shared, c.b_chars) >= RELATED_SHARE)
        && c.a_shared.min(c.b_shared) >= RELATED_MIN_CHARS
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
        if related(c) {
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
/// (the first document `designated` marks — the ledger's official text, `--base` — else the
/// one the evidence favours, see [`infer_base`]); groups of three or more collated from those
/// comparisons; errata of each transcription from the same scan and comparison. `progress`
/// is told each phase and counts: the scan's ([`scan_with_progress`]), then
/// [`Phase::Comparing`] (pairs), [`Phase::Collating`] (groups of three or more, when there
/// is one) and [`Phase::Errata`] (targets); `()` for none.
pub fn audit<'c>(corpus: &'c Corpus, designated: &[bool], progress: &dyn Progress) -> Audit<'c> {
    let s = scan_with_progress(corpus, &ScanOptions::default(), progress);
    let chosen: Vec<Group> = groups(&s, corpus.len())
        .into_iter()
        .map(|members| {
            match members
                .iter()
                .copied()
                .find(|&d| designated.get(d) == Some(&true))
            {
                Some(base) => Group {
                    base,
                    members,
                    choice: BaseChoice::Designated,
                },
                None => {
                    let (base, choice) = infer_base(corpus, &s, &members);
                    Group {
                        base,
                        members,
                        choice,
                    }
                }
            }
        })
        .collect();
    let groups: Vec<(DocId, Vec<DocId>)> =
        chosen.iter().map(|g| (g.base, g.members.clone())).collect();
    let pairs: Vec<(DocId, DocId)> = groups
        .iter()
        .flat_map(|&(base, ref group)| {
            group
                .iter()
                .filter(move |&&d| d != base)
                .map(move |&o| (base, o))
        })
        .collect();
    progress.phase(Phase::Comparing, Some(pairs.len() as u64));
    let pairs: Vec<Pair> = pairs
        .into_par_iter()
        .map(|(base, other)| {
            let comparison = corpus.compare_inexact(base, other);
            progress.advance(1);
            Pair {
                base,
                other,
                comparison,
            }
        })
        .collect();
    let to_collate = groups.iter().filter(|(_, group)| group.len() >= 3).count();
    if to_collate > 0 {
        progress.phase(Phase::Collating, Some(to_collate as u64));
    }
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
            let collation = collate_compared(corpus, group, base_at, &compared);
            progress.advance(1);
            collation
        })
        .collect();
    // 本校: every other document with a problem inside it (a doubled phrase, a repeated
    // block) gets errata too, from its own text — a base or a lone file included. One pass
    // over the findings, not one per document.
    let mut internal: Vec<DocId> = s
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FindingKind::RepeatedPhrase | FindingKind::DuplicateBlock
            ) && f.locations.iter().all(|l| l.doc == f.locations[0].doc)
        })
        .map(|f| f.locations[0].doc)
        .filter(|d| !pairs.iter().any(|p| p.other == *d))
        .collect();
    internal.sort_unstable();
    internal.dedup();
    progress.phase(Phase::Errata, Some((pairs.len() + internal.len()) as u64));
    // Errata read the edits only: the exact CER pass of each pair runs beside them.
    let (errata_of, exact): (Vec<_>, Vec<_>) = rayon::join(
        || {
            pairs
                .par_iter()
                .map(|p| {
                    let designated = chosen
                        .iter()
                        .any(|g| g.base == p.base && g.choice == BaseChoice::Designated);
                    let reference = Reference {
                        doc: p.base,
                        comparison: &p.comparison,
                        designated,
                    };
                    let x = errata(corpus, &s, p.other, &[reference]);
                    progress.advance(1);
                    (p.other, x)
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
    let mut errata_of = errata_of;
    errata_of.extend(
        internal
            .par_iter()
            .map(|&d| {
                let x = errata(corpus, &s, d, &[]);
                progress.advance(1);
                (d, x)
            })
            .collect::<Vec<_>>(),
    );
    errata_of.retain(|(_, x)| !x.entries.is_empty() || x.references > 0);
    errata_of.sort_by_key(|(t, _)| *t);
    let mut pairs = pairs;
    for (p, (whole, aligned)) in pairs.iter_mut().zip(exact) {
        p.comparison.exact_distance = whole;
        p.comparison.exact_aligned_distance = aligned;
    }
    Audit {
        corpus,
        scan: s,
        groups: chosen,
        pairs,
        collations,
        errata: errata_of,
    }
}

/// Counts for the summary and the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Scan findings, boilerplate included.
    pub findings: usize,
    /// …of which boilerplate (short recurring lines: datelines, salutations).
    pub boilerplate: usize,
    /// Substantive variants of all pairs (a move counts once), as `witness diff` counts them.
    pub substantive: usize,
    /// Blocks of all pairs: material only one witness carries.
    pub blocks: usize,
    /// Cosmetic variants of all pairs.
    pub cosmetic: usize,
    /// Errata entries of all transcriptions.
    pub errata: usize,
}

impl Totals {
    /// Findings other than boilerplate.
    pub fn notable_findings(&self) -> usize {
        self.findings - self.boilerplate
    }
}

/// Counts what the audit found: the one computation behind every number the terminal, the
/// HTML page and `report.json` print.
pub fn totals(a: &Audit) -> Totals {
    let diffs: Vec<Diff> = a.pairs.iter().map(|p| a.diff(p)).collect();
    let boilerplate = a
        .scan
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Boilerplate)
        .count();
    Totals {
        findings: a.scan.findings.len(),
        boilerplate,
        substantive: diffs.iter().map(|d| d.count(Class::Substantive)).sum(),
        blocks: diffs.iter().map(|d| d.blocks().count()).sum(),
        cosmetic: diffs.iter().map(|d| d.count(Class::Cosmetic)).sum(),
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
            FailOn::Any => {
                t.notable_findings() + t.substantive + t.blocks + t.cosmetic + t.errata > 0
            }
            FailOn::Substantive => t.substantive + t.blocks + t.errata > 0,
            FailOn::Never => false,
        }
    }
}

/// What speaks for a witness as the base of its group: disagreements with the corpus's
/// quotations of it (substantive variants in the passages it shares with documents outside
/// the group) and its internal problems (doubled phrases and blocks, OCR-like words such as
/// `1ocal`, malformed bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Evidence {
    quote_disagreements: usize,
    internal_problems: usize,
}

/// Chooses the base of a group nobody named: the witness that disagrees least with the
/// corpus's quotations, then the one with the fewest internal problems, then (a pair) the one
/// whose readings are found elsewhere in the texts; the first by name when nothing tells them
/// apart. The sentence says which evidence decided.
pub fn infer_base(corpus: &Corpus, s: &Scan, members: &[DocId]) -> (DocId, BaseChoice) {
    let label = |d: DocId| corpus.doc(d).label.clone();
    let substantive = |c: &Option<Comparison>| {
        c.as_ref().map_or(0, |c| {
            c.edits
                .iter()
                .filter(|x| x.variant().is_some_and(|v| v.class == Class::Substantive))
                .count()
        })
    };
    // Each member's passages shared with a document outside the group: (that document, its
    // range there, substantive variants).
    let quotes: Vec<Vec<(DocId, std::ops::Range<usize>, usize)>> = members
        .iter()
        .map(|&d| {
            s.findings
                .iter()
                .filter(|f| {
                    matches!(
                        f.kind,
                        FindingKind::SharedPassage
                            | FindingKind::NearDuplicate
                            | FindingKind::DuplicateParagraph
                    ) && f.locations.len() == 2
                })
                .filter_map(|f| {
                    let (x, y) = (&f.locations[0], &f.locations[1]);
                    let q = if x.doc == d {
                        y
                    } else if y.doc == d {
                        x
                    } else {
                        return None;
                    };
                    (!members.contains(&q.doc))
                        .then(|| (q.doc, q.range.clone(), substantive(&f.comparison)))
                })
                .collect()
        })
        .collect();
    // Only quotations every member shares count: the same passage of the same document.
    let shared = |i: usize, (q, r, _): &(DocId, std::ops::Range<usize>, usize)| {
        (0..members.len()).filter(|&j| j != i).all(|j| {
            quotes[j]
                .iter()
                .any(|(q2, r2, _)| q2 == q && r2.start < r.end && r.start < r2.end)
        })
    };
    let mut quoted = vec![0usize; members.len()];
    let evidence: Vec<Evidence> = members
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let mut e = Evidence::default();
            for quote in quotes[i].iter().filter(|x| shared(i, x)) {
                quoted[i] += 1;
                e.quote_disagreements += quote.2;
            }
            for f in &s.findings {
                let here = f.locations.iter().filter(|l| l.doc == d).count();
                match f.kind {
                    FindingKind::RepeatedPhrase if here > 0 => e.internal_problems += 1,
                    FindingKind::DuplicateBlock if here == f.locations.len() => {
                        e.internal_problems += 1
                    }
                    _ => {}
                }
            }
            let doc = corpus.doc(d);
            e.internal_problems += ocr_like_words(&doc.text) + doc.replaced;
            e
        })
        .collect();
    let best = (0..members.len())
        .min_by_key(|&i| (evidence[i], i))
        .unwrap_or(0);
    let runner = (0..members.len())
        .filter(|&i| i != best)
        .min_by_key(|&i| (evidence[i], i));
    let base = members[best];
    // Groups have two witnesses or more; a group of one has nothing to choose.
    let Some(r) = runner else {
        return (base, BaseChoice::Undecided("a single witness".into()));
    };
    let (b, o) = (evidence[best], evidence[r]);
    let why = if b.quote_disagreements < o.quote_disagreements {
        format!(
            "inferred: {} agrees best with the corpus's quotations of this text ({} substantive variants against them in {} passages, against {} for {})",
            label(base),
            b.quote_disagreements,
            quoted[best],
            o.quote_disagreements,
            label(members[r])
        )
    } else if b.internal_problems < o.internal_problems {
        format!(
            "inferred: {} has the fewest internal problems ({} doubled phrases or blocks, OCR-like words such as `1ocal`, malformed bytes, against {} for {}); no quotation in the corpus tells the witnesses apart",
            label(base),
            b.internal_problems,
            o.internal_problems,
            label(members[r])
        )
    } else if let Some((better, wins, losses)) = attested_readings(corpus, s, members) {
        let (base, other) = if better == members[0] {
            (members[0], members[1])
        } else {
            (members[1], members[0])
        };
        return (
            base,
            BaseChoice::Inferred(format!(
                "inferred: at {wins} of the {} substitutions that tell them apart, {}'s reading is the word or character found more often in the two texts (against {losses} for {}: a misreading is rarely found elsewhere); no quotation or internal problem tells the witnesses apart",
                wins + losses,
                label(base),
                label(other)
            )),
        );
    } else {
        return (
            base,
            BaseChoice::Undecided(format!(
                "undecided: no evidence tells {} and {} apart (quotations, internal problems, readings found elsewhere); {} is the first by name. Name the authoritative text with --base or the ledger's official role",
                label(base),
                label(members[r]),
                label(base)
            )),
        );
    };
    (base, BaseChoice::Inferred(why))
}

/// For a pair of witnesses, the one whose readings are found elsewhere in the two texts:
/// at each substantive substitution of one word or one character (from the scan's comparisons
/// between them), the reading that occurs more often in both texts together wins the site (a
/// misreading such as `tbe` or `Stabt` is rarely found anywhere else). `(winner, its sites,
/// the other's sites)` when one side wins at least 3 sites and twice as many as the other.
fn attested_readings(
    corpus: &Corpus,
    s: &Scan,
    members: &[DocId],
) -> Option<(DocId, usize, usize)> {
    let [x, y] = members else { return None };
    let (tx, ty) = (&corpus.doc(*x).text, &corpus.doc(*y).text);
    // Words of spaced scripts and single CJK characters, counted over both texts.
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for text in [tx.as_str(), ty.as_str()] {
        for w in text.split(|c: char| !c.is_alphanumeric() || is_cjk(c)) {
            *counts.entry(w).or_default() += 1;
        }
        for (i, c) in text.char_indices().filter(|(_, c)| is_cjk(*c)) {
            *counts.entry(&text[i..i + c.len_utf8()]).or_default() += 1;
        }
    }
    fn single(t: &str) -> Option<&str> {
        let t = t.trim();
        let mut chars = t.chars();
        let one_cjk = matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk(c));
        let word = !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() && !is_cjk(c));
        (one_cjk || word).then_some(t)
    }
    let (mut wins_x, mut wins_y) = (0, 0);
    for f in &s.findings {
        let Some(c) = &f.comparison else { continue };
        let (a, b) = (f.locations[0].doc, f.locations[1].doc);
        let (ta, tb) = (&corpus.doc(a).text, &corpus.doc(b).text);
        if !((a == *x && b == *y) || (a == *y && b == *x)) {
            continue;
        }
        for (e, v) in c.variants() {
            if v.kind != crate::classify::Kind::Substitution {
                continue;
            }
            let (Some(ra), Some(rb)) = (single(&ta[e.a.clone()]), single(&tb[e.b.clone()])) else {
                continue;
            };
            let (na, nb) = (counts.get(ra).copied(), counts.get(rb).copied());
            let a_wins = na > nb;
            let b_wins = nb > na;
            if (a == *x && a_wins) || (b == *x && b_wins) {
                wins_x += 1;
            } else if a_wins || b_wins {
                wins_y += 1;
            }
        }
    }
    if wins_x >= 3 && wins_x >= 2 * wins_y {
        Some((*x, wins_x, wins_y))
    } else if wins_y >= 3 && wins_y >= 2 * wins_x {
        Some((*y, wins_y, wins_x))
    } else {
        None
    }
}

/// Latin words in which a digit stands where a letter belongs, as OCR writes them (`1ocal`,
/// `Pa1ace`, `0ECD`): letters on both sides of the digit, or a digit at the start of a word
/// of at least three letters. Codes such as `G20`, `5G` or `COVID-19` are not counted.
fn ocr_like_words(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            let b = w.as_bytes();
            let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
            let inner = (1..b.len().saturating_sub(1)).any(|i| {
                b[i].is_ascii_digit()
                    && b[i - 1].is_ascii_alphabetic()
                    && b[i + 1].is_ascii_alphabetic()
            });
            let leading = b.len() >= 4
                && b[0].is_ascii_digit()
                && b[1..].iter().all(u8::is_ascii_alphabetic)
                && b[1].is_ascii_lowercase();
            letters >= 3 && (inner || leading)
        })
        .count()
}
