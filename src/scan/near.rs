//! Near duplicates: paragraphs that share enough token k-grams, compared exactly.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

#[cfg(feature = "cluster")]
use super::prepare::MASKED;
use super::prepare::{Docs, Index, Prepared, kgrams};
use super::{Candidate, Finding, FindingKind, Location, ScanOptions};
use crate::chars::{ends_sentence, is_numeral};
use crate::diff::{Similar, Symbols, cluster_symbols};
use crate::normalize::Profile;
use crate::progress::{Phase, Progress};

/// Tokens per k-gram for near duplicates (paragraph candidates) and shared passages (seeds).
const PARAGRAPH_K: usize = 4;

pub(super) fn near_duplicates(
    docs: &Docs,
    opts: &ScanOptions,
    profile: Profile,
    progress: &dyn Progress,
) -> Vec<Candidate> {
    // Paragraphs eligible (owner id = position in `paras`).
    let paras: Vec<(usize, usize)> = docs
        .prepared()
        .iter()
        .enumerate()
        .flat_map(|(d, p)| eligible_paragraphs(p, opts).map(move |i| (d, i)))
        .collect();
    progress.phase(Phase::NearDuplicates, Some(paras.len() as u64));
    let total = paras
        .iter()
        .map(|&(d, i)| docs[d].paras[i].tokens.len())
        .sum();
    let index = Index::<u32>::build(paras.len(), total, |o| {
        paragraph_kgrams(&docs[paras[o].0], paras[o].1)
    });
    let by_owner = index.by_owner(paras.len());
    // Each paragraph's clusters, side by side: most candidates are ruled out by their sizes
    // alone, without reaching into their documents.
    let clusters: Vec<u32> = paras
        .iter()
        .map(|&(d, i)| docs[d].paras[i].clusters as u32)
        .collect();
    let found: Vec<Vec<Candidate>> = (0..paras.len())
        .into_par_iter()
        .map(|o| {
            // The later paragraphs that share k-grams with this one, once a k-gram shared.
            let mut others: Vec<u32> = by_owner
                .of(o)
                .flatten()
                .copied()
                .filter(|&other| other as usize > o)
                .collect();
            others.sort_unstable();
            // This paragraph's clusters, counted once for all its candidates.
            let first = OnceCell::new();
            let found = others
                .chunk_by(|x, y| x == y)
                .filter_map(|run| {
                    let (other, count) = (run[0] as usize, run.len());
                    let sizes = (index.sizes[o], index.sizes[other]);
                    let shared = (count, sizes.0.min(sizes.1) as usize);
                    let lengths = (clusters[o] as usize, clusters[other] as usize);
                    if !may_be_near(opts, lengths, shared) {
                        return None;
                    }
                    verify_near_duplicate(docs, (opts, profile), (paras[o], &first), paras[other])
                })
                .collect::<Vec<_>>();
            progress.advance(1);
            found
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// The paragraphs of a document that may be near duplicates (long enough, not boilerplate),
/// each with its distinct k-grams, sorted.
#[cfg(feature = "cluster")]
pub(crate) fn paragraph_grams(p: &Prepared, opts: &ScanOptions) -> Vec<(usize, Vec<u64>)> {
    eligible_paragraphs(p, opts)
        .map(|i| {
            let mut g = paragraph_kgrams(p, i);
            g.retain(|&h| h != MASKED);
            g.sort_unstable();
            g.dedup();
            (i, g)
        })
        .collect()
}

/// The paragraphs of a document that may be near duplicates: long enough, not boilerplate.
fn eligible_paragraphs<'p>(
    p: &'p Prepared,
    opts: &'p ScanOptions,
) -> impl Iterator<Item = usize> + 'p {
    p.paras
        .iter()
        .enumerate()
        .filter(|(_, para)| !p.masked[para.tokens.start] && para.clusters >= para.min_chars(opts))
        .map(|(i, _)| i)
}

/// The k-grams of paragraph `i`, in order (`MASKED` for a masked one).
fn paragraph_kgrams(p: &Prepared, i: usize) -> Vec<u64> {
    let t = p.paras[i].tokens.clone();
    kgrams(&p.hashes[t.clone()], &p.masked[t], PARAGRAPH_K)
}

/// The longest line (in clusters) read as the title of a numbered series.
const SERIES_TITLE_MAX: usize = 60;

/// Titles of a numbered series (`…十（易靜）` and `…十六（易靜）`, `…二十五首 六` and `…二十五首
/// 十七`, `Part 3` and `Part 4`): short lines (at most `SERIES_TITLE_MAX` characters, not
/// ending a sentence) whose numerals differ and that are otherwise the same, or the same but
/// for one character in place (the series' category: `兵要望江南 占霧第五… 一` and `兵要望江南
/// 占雨第八… 一`), are members of a series, not copies of each other. (A long paragraph that
/// differs in a number is reported: that is what a transcription error looks like; so are
/// titles with the same numbers that differ in a character.)
pub(super) fn numbered_series(x: &str, y: &str) -> bool {
    // A short title's characters, split into its numerals and the rest.
    let split = |t: &str| -> Option<(Vec<char>, Vec<char>)> {
        let t = t.trim();
        let sentence = t.chars().next_back().is_some_and(ends_sentence);
        // Counted only as far as the limit: most paragraphs are far longer.
        let short = t.chars().nth(SERIES_TITLE_MAX).is_none();
        (short && !sentence).then(|| t.chars().partition(|&c| is_numeral(c)))
    };
    let (Some((nx, rx)), Some((ny, ry))) = (split(x), split(y)) else {
        return false;
    };
    let differing = rx.iter().zip(&ry).filter(|(a, b)| a != b).count();
    nx != ny && rx.len() == ry.len() && differing <= 1
}

/// The fewest members of a numbered series of paragraphs ([`drop_numbered_series`]).
const SERIES_MEMBERS: usize = 4;

/// Drops the near duplicates that are members of a numbered series: paragraphs the same but
/// for their numerals (`…named 245.txt or 245.zip…`, `…LIFE ON THE MISSISSIPPI, PART 7. ***`),
/// found in at least `SERIES_MEMBERS` places with numbers of their own — at least as many
/// different numbers as half their places. That is a template filled in (the header of
/// each file of a collection, each part of an edition), not a text transcribed again: the
/// versions of one text agree on most of their numbers, so a number misread in one or two of
/// them is still reported, however long the paragraph. `text` gives a location's text.
/// (Run where the texts are at hand: after the merge, on every engine.)
pub(crate) fn drop_numbered_series<'t>(
    findings: &mut Vec<Finding>,
    text: impl Fn(&Location) -> &'t str,
) {
    // Each near duplicate whose two places differ only in their numerals, cut at them.
    let numbered: Vec<Option<[Numbered<'t>; 2]>> = findings
        .iter()
        .map(|f| {
            if f.kind != FindingKind::NearDuplicate {
                return None;
            }
            let [x, y] = [0, 1].map(|i| Numbered::of(text(&f.locations[i])));
            (x.rest == y.rest).then_some([x, y])
        })
        .collect();
    // Each template's places, and the numbers in each.
    let mut places: HashMap<&[&str], Members> = HashMap::new();
    for (f, pair) in findings.iter().zip(&numbered) {
        for (l, n) in f.locations.iter().zip(pair.iter().flatten()) {
            let members = places.entry(&n.rest).or_default();
            members.insert((l.doc, l.range.start, l.range.end), &n.numbers);
        }
    }
    let series: HashSet<&[&str]> = places
        .into_iter()
        .filter(|(_, members)| {
            let numbers: HashSet<&[&str]> = members.values().copied().collect();
            numbers.len() >= SERIES_MEMBERS && 2 * numbers.len() >= members.len()
        })
        .map(|(rest, _)| rest)
        .collect();
    let mut in_series = numbered.iter().map(|pair| {
        pair.as_ref()
            .is_some_and(|[x, _]| series.contains(&x.rest[..]))
    });
    findings.retain(|_| !in_series.next().is_some_and(|s| s));
}

/// The places of a template (document, start, end), each with its numbers.
type Members<'n> = HashMap<(usize, usize, usize), &'n [&'n str]>;

/// A text cut at its numerals: the runs of numerals, and the pieces between them, in turn,
/// from a piece (empty if the text starts with a numeral): the two together are the text.
struct Numbered<'t> {
    rest: Vec<&'t str>,
    numbers: Vec<&'t str>,
}

impl<'t> Numbered<'t> {
    fn of(text: &'t str) -> Numbered<'t> {
        let mut cut = Numbered {
            rest: Vec::new(),
            numbers: Vec::new(),
        };
        let (mut start, mut in_number) = (0, false);
        for (i, c) in text.char_indices() {
            let numeral = is_numeral(c);
            if numeral != in_number {
                cut.push(&text[start..i], in_number);
                (start, in_number) = (i, numeral);
            }
        }
        cut.push(&text[start..], in_number);
        cut
    }

    fn push(&mut self, piece: &'t str, number: bool) {
        if number {
            self.numbers.push(piece);
        } else {
            self.rest.push(piece);
        }
    }
}

/// Whether two paragraphs of `clusters` clusters may be near duplicates by their sizes and
/// the k-grams they share: `shared` is (k-grams they share, k-grams of the one with fewer).
/// Each edit destroys at most k k-grams, so too few shared ones rule a pair out.
pub(crate) fn may_be_near(
    opts: &ScanOptions,
    clusters: (usize, usize),
    (count, fewer): (usize, usize),
) -> bool {
    let (longer, shorter) = (clusters.0.max(clusters.1), clusters.0.min(clusters.1));
    let edits = crate::diff::most_edits(longer, opts.threshold);
    // No alignment takes fewer edits than the difference in length.
    if longer - shorter > edits {
        return false;
    }
    count >= fewer.saturating_sub(PARAGRAPH_K * edits).max(1)
}

/// Compares candidate paragraphs `x` and `y` (that [`may_be_near`]) exactly; a near
/// duplicate if similar enough. `first` keeps the first paragraph's [`Symbols`] once
/// computed, for all its candidates.
pub(crate) fn verify_near_duplicate(
    docs: &Docs,
    (opts, profile): (&ScanOptions, Profile),
    ((d, i), first): ((usize, usize), &OnceCell<Symbols>),
    (e, j): (usize, usize),
) -> Option<Candidate> {
    let (pa, pb) = (&docs[d].paras[i], &docs[e].paras[j]);
    if pa.key == pb.key {
        return None; // an exact duplicate, reported as such
    }
    let longer = pa.clusters.max(pb.clusters);
    // The bounds again on the documents' own tokens: most candidates end here, before their
    // text is read again. The bag first, then the bounded Levenshtein pass (which English
    // paragraphs of a length, alike as bags of letters, need).
    let symbols =
        |d: usize, p: &super::prepare::Para| cluster_symbols(docs[d].tokenized, &p.tokens);
    let first = first.get_or_init(|| Symbols::new(symbols(d, pa)));
    if !first.may_be_similar(&symbols(e, pb), longer, opts.threshold) {
        return None;
    }
    let (x, y) = (
        &docs.text(d)[pa.range.clone()],
        &docs.text(e)[pb.range.clone()],
    );
    if numbered_series(x, y) {
        return None;
    }
    // Past the bound: compared without taking it again.
    let similar = Similar::at_least(x, y, profile, opts.threshold)?;
    Some(Candidate::new(
        docs,
        FindingKind::NearDuplicate,
        (d, pa.range.clone()),
        (e, pb.range.clone()),
        similar,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text is its pieces and its runs of numerals, in turn: any two texts with the same
    /// pieces differ only in their numerals (ASCII, full-width or Chinese).
    #[test]
    fn a_text_is_cut_at_its_numerals() {
        let cut = Numbered::of("Part 12. of 3");
        assert_eq!(
            (cut.rest, cut.numbers),
            (vec!["Part ", ". of "], vec!["12", "3"])
        );
        let cut = Numbered::of("１２卷第三十五");
        assert_eq!(
            (cut.rest, cut.numbers),
            (vec!["", "卷第"], vec!["１２", "三十五"])
        );
        let cut = Numbered::of("no numbers");
        assert_eq!((cut.rest, cut.numbers), (vec!["no numbers"], vec![]));
    }

    /// At threshold 0.75 (`1 − 0.75` is exact in floating point), 100 clusters allow 25
    /// edits: the shorter must be at least 75, and a pair must share all but `PARAGRAPH_K`
    /// k-grams an edit of the fewer's (100 k-grams), and at least one.
    #[test]
    fn a_pair_may_be_near_only_within_the_size_and_kgram_bounds() {
        let opts = ScanOptions::default().threshold(0.75);
        assert!(!may_be_near(&opts, (100, 74), (97, 97)));
        assert!(may_be_near(&opts, (75, 100), (1, 97)));
        assert!(may_be_near(&opts, (100, 100), (17, 117)));
        assert!(!may_be_near(&opts, (100, 100), (16, 117)));
        assert!(!may_be_near(&opts, (100, 100), (0, 50)));
        // At the default 0.8, where `1 − t` is not exact: still 20 edits for 100 clusters.
        let opts = ScanOptions::default();
        assert!(may_be_near(&opts, (100, 80), (17, 97)));
        assert!(!may_be_near(&opts, (100, 79), (97, 97)));
        assert!(!may_be_near(&opts, (100, 100), (16, 97)));
    }
}
