//! Collating many witnesses of one text: each is compared with a base witness by the diff
//! engine, and the edits of all of them are merged into *variant sites* — base ranges where at
//! least one witness differs — with every witness's reading at each site, grouped by identical
//! reading, and the majority reading.

use std::ops::Range;

use rayon::prelude::*;

use crate::classify::Class;
use crate::corpus::{Corpus, DocId};
use crate::diff::{Change, Comparison};
use crate::normalize::Profile;
use crate::source::Document;

/// One reading at a site and the witnesses (indices) that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The reading.
    pub text: String,
    /// The witnesses that read it (indices into [`Collation::docs`]).
    pub witnesses: Vec<usize>,
}

/// A place where the witnesses do not all read alike.
#[derive(Debug, Clone)]
pub struct Site {
    /// Range in the base witness's text.
    pub base: Range<usize>,
    /// Each witness's reading, and where it is in its own text.
    pub readings: Vec<(String, Range<usize>)>,
    /// Readings grouped, largest group first (ties: in witness order).
    pub groups: Vec<Group>,
    /// The reading of more than half of the witnesses that have text here (two or more), if
    /// one has it.
    pub majority: Option<usize>,
    /// Substantive when any witness differs substantively from the base here.
    pub class: Class,
    /// Kinds of the differences met at this site (of every witness against the base).
    pub kinds: Vec<crate::classify::Kind>,
    /// Material that only some witnesses carry (a block of the diff engine).
    pub block: bool,
    /// Witnesses (indices) that have no text here: a lacuna of a partial witness (a
    /// quotation, an excerpt) or the witness that lacks a block. Their reading is empty and
    /// in no group: absence is not a reading.
    pub absent: Vec<usize>,
}

/// The collation of witnesses.
#[derive(Debug)]
pub struct Collation<'c> {
    /// The witnesses, in the order given; readings and groups index this list.
    pub docs: Vec<&'c Document>,
    /// The witness whose text the apparatus follows (an index into `docs`).
    pub base: usize,
    /// The profile the witnesses were compared under.
    pub profile: Profile,
    /// Variant sites, in the order of the base text.
    pub sites: Vec<Site>,
}

impl Collation<'_> {
    /// True when some site is substantive.
    pub fn differs(&self) -> bool {
        self.sites.iter().any(|s| s.class == Class::Substantive)
    }
}

/// Collates the `witnesses` of a corpus against `witnesses[base]`.
pub fn collate<'c>(corpus: &'c Corpus, witnesses: &[DocId], base: usize) -> Collation<'c> {
    let comparisons: Vec<Option<Comparison>> = witnesses
        .par_iter()
        .enumerate()
        .map(|(i, &d)| (i != base).then(|| corpus.compare(witnesses[base], d)))
        .collect();
    let borrowed: Vec<Option<&Comparison>> = comparisons.iter().map(Option::as_ref).collect();
    collate_compared(corpus, witnesses, base, &borrowed)
}

/// Collates from comparisons already made: `comparisons[i]` goes from the base to witness
/// `i` (`None` for the base itself).
pub fn collate_compared<'c>(
    corpus: &'c Corpus,
    witnesses: &[DocId],
    base: usize,
    comparisons: &[Option<&Comparison>],
) -> Collation<'c> {
    let docs: Vec<&Document> = witnesses.iter().map(|&d| corpus.doc(d)).collect();
    // Every variant's base range; sites are their unions (touching ranges merge too). Blocks
    // stay out of the union: a witness that lacks a long stretch (a quotation has only
    // parts of the text) has a lacuna there, which must not swallow the variants of the
    // witnesses that have the text. Each block is a site of its own.
    let mut ranges: Vec<Range<usize>> = comparisons
        .iter()
        .flatten()
        .flat_map(|c| c.edits.iter())
        .filter(|e| e.change != Change::Block)
        .map(|e| e.a.clone())
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut blocks: Vec<Range<usize>> = comparisons
        .iter()
        .flatten()
        .flat_map(|c| c.edits.iter())
        .filter(|e| e.change == Change::Block)
        .map(|e| e.a.clone())
        .collect();
    blocks.sort_by_key(|r| (r.start, r.end));
    blocks.dedup();
    let mut sites: Vec<Site> = merged
        .into_iter()
        .map(|range| site(&docs, base, comparisons, range, false))
        .chain(
            blocks
                .into_iter()
                .map(|range| site(&docs, base, comparisons, range, true)),
        )
        .collect();
    // In base order; a block before the variants that lie inside it.
    sites.sort_by_key(|s| (s.base.start, !s.block, s.base.end));
    Collation {
        docs,
        base,
        profile: corpus.profile(),
        sites,
    }
}

/// Identical readings grouped, largest group first (ties: in witness order); the absent
/// witnesses in none.
fn groups(readings: &[(String, Range<usize>)], absent: &[usize]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (w, (r, _)) in readings.iter().enumerate() {
        if absent.contains(&w) {
            continue;
        }
        match groups.iter_mut().find(|g| &g.text == r) {
            Some(g) => g.witnesses.push(w),
            None => groups.push(Group {
                text: r.clone(),
                witnesses: vec![w],
            }),
        }
    }
    groups.sort_by(|x, y| {
        y.witnesses
            .len()
            .cmp(&x.witnesses.len())
            .then(x.witnesses[0].cmp(&y.witnesses[0]))
    });
    groups
}

/// The readings of every witness over one base range.
fn site(
    docs: &[&Document],
    base: usize,
    comparisons: &[Option<&Comparison>],
    range: Range<usize>,
    block_site: bool,
) -> Site {
    let bt = &docs[base].text;
    let mut readings = Vec::with_capacity(docs.len());
    let mut class = Class::Cosmetic;
    let mut kinds = Vec::new();
    let mut block = false;
    let mut absent = Vec::new();
    for (w, c) in comparisons.iter().enumerate() {
        let Some(c) = c else {
            readings.push((bt[range.clone()].to_string(), range.clone()));
            continue;
        };
        let text = &docs[w].text;
        // A witness with a block over this site (or part of it) has no text of it: a lacuna.
        let lacuna = c.edits.iter().find(|e| {
            e.change == Change::Block
                && if range.is_empty() {
                    e.a.start < range.start && range.start < e.a.end
                } else {
                    e.a.start < range.end && range.start < e.a.end
                }
        });
        if let Some(e) = lacuna {
            absent.push(w);
            if block_site {
                block = true;
                class = Class::Substantive;
            }
            readings.push((String::new(), e.b.start..e.b.start));
            continue;
        }
        // The witness's text over the site: base text, with this witness's edits applied
        // (its blocks are sites of their own).
        let inside: Vec<_> = c
            .edits
            .iter()
            .filter(|e| e.a.start >= range.start && e.a.end <= range.end)
            .filter(|e| block_site || e.change != Change::Block)
            .collect();
        // Where the site starts in the witness: mapped through the edits before it.
        let before = c
            .edits
            .iter()
            .take_while(|e| e.a.end <= range.start && e.a.start < range.start);
        let shift: isize = before
            .map(|e| e.b.len() as isize - e.a.len() as isize)
            .sum();
        let mut out = String::new();
        let mut at = range.start;
        let start_in_w = inside
            .first()
            .filter(|e| e.a.start == range.start)
            .map_or((range.start as isize + shift) as usize, |e| e.b.start);
        let mut end_in_w = start_in_w;
        for e in &inside {
            out.push_str(&bt[at..e.a.start]);
            out.push_str(&text[e.b.clone()]);
            end_in_w = e.b.end;
            at = e.a.end;
            match e.change {
                Change::Block => {
                    block = true;
                    class = Class::Substantive;
                }
                Change::Variant(v) => {
                    if v.class == Class::Substantive {
                        class = Class::Substantive;
                    }
                    if !kinds.contains(&v.kind) {
                        kinds.push(v.kind);
                    }
                }
            }
        }
        out.push_str(&bt[at..range.end]);
        end_in_w += range.end - at;
        let end_in_w = end_in_w.max(start_in_w).min(text.len());
        readings.push((out, start_in_w.min(end_in_w)..end_in_w));
    }
    kinds.sort();
    let groups = groups(&readings, &absent);
    // A majority of the witnesses that have text here.
    let present = docs.len() - absent.len();
    let majority = groups
        .first()
        .is_some_and(|g| present >= 2 && g.witnesses.len() * 2 > present)
        .then_some(0);
    Site {
        base: range,
        readings,
        groups,
        majority,
        class,
        kinds,
        block,
        absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::ReadOptions;

    fn doc(name: &str, text: &str) -> Document {
        Document::from_bytes(name, name, text.as_bytes(), &ReadOptions::default()).unwrap()
    }

    #[test]
    fn three_witnesses_majority_and_positions() {
        let docs = vec![
            doc(
                "a",
                "越来越多中国城市开通中亚班列，跨里海国际运输走廊提质扩容。",
            ),
            doc(
                "b",
                "越来越多中国城市开通中亚班列，跨海国际运输走廊提质扩容。",
            ),
            doc(
                "c",
                "越来越多中国城市开通中亚班列,跨里海国际运输走廊提质扩大。",
            ),
        ];
        let corpus = Corpus::new(docs, Profile::Loose);
        let c = collate(&corpus, &[0, 1, 2], 0);
        let substantive: Vec<&Site> = c
            .sites
            .iter()
            .filter(|s| s.class == Class::Substantive)
            .collect();
        assert_eq!(substantive.len(), 2);
        let li = substantive[0];
        let texts: Vec<&str> = li.readings.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["里", "", "里"]);
        assert_eq!(
            li.groups[0],
            Group {
                text: "里".into(),
                witnesses: vec![0, 2]
            }
        );
        assert_eq!(li.majority, Some(0));
        // Positions in each witness.
        assert_eq!(&c.docs[2].text[li.readings[2].1.clone()], "里");
        assert_eq!(li.readings[1].1.len(), 0);
        let kuo = substantive[1];
        let texts: Vec<&str> = kuo.readings.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["容", "容", "大"]);
        // The comma is a cosmetic site.
        assert_eq!(
            c.sites
                .iter()
                .filter(|s| s.class == Class::Cosmetic)
                .count(),
            1
        );
    }
}
