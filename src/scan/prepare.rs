//! Each document read into what the scan needs (token hashes, paragraphs and their keys,
//! masked tokens), and the k-gram index that seeds matches between them.

use std::ops::{Index as At, Range};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{MIN_CHARS_CJK, MIN_CHARS_OTHER, ScanOptions};
use crate::chars::{is_alphanumeric, is_cjk};
use crate::normalize::{Token, Tokenized, token_view};

/// k-grams with more postings than this are too common to seed anything.
pub(crate) const POSTINGS_CAP: usize = 32;

/// A paragraph of a prepared document.
pub(crate) struct Para {
    /// Original byte range.
    pub(super) range: Range<usize>,
    /// Token range.
    pub(super) tokens: Range<usize>,
    /// The first 128 bits of the SHA-256 of its normalized text (the view of its tokens):
    /// equal paragraphs have equal keys, and different ones the same key with a probability
    /// of 2^-128 a pair. (The text itself was kept: a second copy of the corpus.)
    pub(super) key: u128,
    /// Whether that text is mostly CJK (which minimum size applies to it). Read only for a
    /// paragraph whose clusters lie between the two default minimums: above both or below
    /// both, either minimum says the same of it, so it is left `false` there.
    pub(super) cjk: bool,
    pub(super) clusters: usize,
}

impl Para {
    /// The minimum size of a duplicate that applies to the paragraph.
    pub(super) fn min_chars(&self, opts: &ScanOptions) -> usize {
        opts.min_chars.unwrap_or(if self.cjk {
            MIN_CHARS_CJK
        } else {
            MIN_CHARS_OTHER
        })
    }
}

/// A document read into what the scan needs: its tokenized text (shared with the corpus),
/// token hashes, paragraphs with their keys, and which tokens are boilerplate.
pub(crate) struct Prepared<'c> {
    pub(super) view: &'c str,
    pub(super) tokens: &'c [Token],
    /// The document read (for each token's original byte span).
    pub(super) tokenized: &'c Tokenized,
    /// Hash of each token's text: its code point for one character, a 32-bit hash of a word
    /// (equal hashes are only candidates: whatever they seed is compared on the text).
    pub(super) hashes: Vec<u32>,
    pub(super) paras: Vec<Para>,
    /// Tokens that belong to boilerplate paragraphs (set after grouping).
    pub(super) masked: Vec<bool>,
}

impl Prepared<'_> {
    /// The view's text of token `i`.
    pub(super) fn token_text(&self, i: usize) -> &str {
        &self.view[token_view(self.view, self.tokens, i)]
    }

    /// The original byte span of tokens `r` (not empty).
    pub(super) fn span(&self, r: Range<usize>) -> Range<usize> {
        self.tokenized.span(r.start).start..self.tokenized.span(r.end - 1).end
    }
}

fn token_hash(s: &str) -> u32 {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c as u32,
        _ => {
            // FNV-1a, with the top bit set so words never meet code points (below 2^21).
            let mut h: u32 = 0x811c_9dc5;
            for b in s.bytes() {
                h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
            }
            h | 1 << 31
        }
    }
}

pub(crate) fn prepare(t: &Tokenized) -> Prepared<'_> {
    let hashes = (0..t.tokens.len())
        .map(|i| token_hash(t.token(i)))
        .collect();
    let mut paras = Vec::new();
    // The tokens of each paragraph, walked in one pass (searched for, each paragraph took two
    // binary searches over the document's spans).
    let n = t.tokens.len();
    let mut spans = t.spans(0..n).enumerate().peekable();
    let mut next_such = |inside: &dyn Fn(&Range<usize>) -> bool| {
        while spans.next_if(|(_, s)| inside(s)).is_some() {}
        spans.peek().map_or(n, |&(i, _)| i)
    };
    for range in &t.paragraphs {
        let first = next_such(&|s| s.start < range.start);
        let last = next_such(&|s| s.end <= range.end);
        if first >= last {
            continue;
        }
        let clusters = t.clusters_in(first..last);
        paras.push(Para {
            range: range.clone(),
            tokens: first..last,
            key: {
                let digest = Sha256::digest(t.view_text(&(first..last)).as_bytes());
                u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"))
            },
            cjk: between_minimums(clusters) && mostly_cjk(t.view_text(&(first..last))),
            clusters,
        });
    }
    Prepared {
        view: &t.view,
        tokens: &t.tokens,
        tokenized: t,
        hashes,
        paras,
        masked: vec![false; t.tokens.len()],
    }
}

/// The minimum size that applies to `text`: CJK or not, by its letters.
pub(super) fn min_chars(text: &str, opts: &ScanOptions) -> usize {
    opts.min_chars.unwrap_or(if mostly_cjk(text) {
        MIN_CHARS_CJK
    } else {
        MIN_CHARS_OTHER
    })
}

/// Whether `chars` characters are fewer than `text` needs ([`min_chars`]): its script is
/// read only when the count falls between the two defaults.
pub(super) fn too_short(chars: usize, text: &str, opts: &ScanOptions) -> bool {
    match opts.min_chars {
        Some(least) => chars < least,
        None if between_minimums(chars) => chars < min_chars(text, opts),
        None => chars < MIN_CHARS_CJK.min(MIN_CHARS_OTHER),
    }
}

/// Whether a text of `clusters` clusters is long enough for one default minimum and too
/// short for the other: only then does its script decide.
fn between_minimums(clusters: usize) -> bool {
    (MIN_CHARS_CJK.min(MIN_CHARS_OTHER)..MIN_CHARS_CJK.max(MIN_CHARS_OTHER)).contains(&clusters)
}

/// Whether at least half the letters of `text` are CJK.
fn mostly_cjk(text: &str) -> bool {
    let (mut cjk, mut letters) = (0, 0);
    for c in text.chars().filter(|&c| is_alphanumeric(c)) {
        letters += 1;
        cjk += usize::from(is_cjk(c));
    }
    cjk * 2 >= letters
}

/// The most memory that the repeated k-grams gathered in one part take, in bytes a k-gram
/// of the corpus: more of them are gathered in more parts, each computing the k-grams again.
/// (At 4, the last part gathered was the peak of English collections and of books present
/// twice; at 2 their peak fell by 5 to 7%, with no change in time beyond the noise of the
/// measure. Chinese rarely needs a second part.)
const GATHER_BYTES: usize = 2;

/// Marks a k-gram that touches a masked token.
pub(super) const MASKED: u64 = u64::MAX;

/// Rolling hashes of the k-grams of `hashes` (`MASKED` where one touches a masked token).
pub(super) fn kgrams(hashes: &[u32], masked: &[bool], k: usize) -> Vec<u64> {
    const BASE: u64 = 0x9E37_79B9_7F4A_7C15;
    let top = (1..k).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let n = hashes.len().saturating_sub(k - 1);
    let mut out = Vec::with_capacity(n);
    let mut h = 0u64;
    let mut masked_in_window = 0;
    for (i, &t) in hashes.iter().enumerate() {
        h = h.wrapping_mul(BASE).wrapping_add(u64::from(t));
        masked_in_window += usize::from(masked[i]);
        if i + 1 >= k {
            let start = i + 1 - k;
            out.push(if masked_in_window > 0 { MASKED } else { h });
            h = h.wrapping_sub(u64::from(hashes[start]).wrapping_mul(top));
            masked_in_window -= usize::from(masked[start]);
        }
    }
    out
}

/// A posting as an [`Index`] keeps it: `(owner, position)`, or the owner alone where each of
/// an owner's k-grams counts once (every position would be 0: 4 bytes a posting saved).
pub(super) trait Posting: Copy + Default + Send + Sync {
    /// Whether an owner's k-grams count once each, at position 0.
    const DISTINCT: bool;
    /// The posting of owner `id` at `position`.
    fn new(id: u32, position: u32) -> Self;
    /// The owner.
    fn id(self) -> u32;
}

impl Posting for (u32, u32) {
    const DISTINCT: bool = false;
    fn new(id: u32, position: u32) -> Self {
        (id, position)
    }
    fn id(self) -> u32 {
        self.0
    }
}

impl Posting for u32 {
    const DISTINCT: bool = true;
    fn new(id: u32, _: u32) -> Self {
        id
    }
    fn id(self) -> u32 {
        self
    }
}

/// Postings ([`Posting`]) of the k-grams that occur between 2 and `POSTINGS_CAP` times:
/// a k-gram seen once matches nothing, one seen more often is too common to seed anything.
pub(super) struct Index<P> {
    /// How many k-grams each owner has (distinct ones, with [`Posting::DISTINCT`]), repeated
    /// or not.
    pub(super) sizes: Vec<u32>,
    postings: Vec<P>,
    /// Each kept k-gram's postings: where they start, and how many; in order of hash.
    groups: Vec<(u32, u32)>,
    /// The hash of each group, for look-ups by hash (tests).
    #[cfg(test)]
    hashes: Vec<u64>,
}

/// The k-grams each owner has, as the whole list of postings of each: what an owner shares
/// with the others, read off the index. (Computing the owner's k-grams again and looking each
/// up cost a probe a k-gram, most of them not kept.)
pub(super) struct ByOwner<'i, P> {
    index: &'i Index<P>,
    /// Where each owner's entries start (and the next owner's, its end).
    starts: Vec<u32>,
    /// The groups of each owner, owner by owner, in order, once each (4 bytes an owner's
    /// k-gram: its positions are in the group's postings, which the reader walks anyway).
    entries: Vec<u32>,
}

impl<'i, P: Posting> ByOwner<'i, P> {
    /// The postings of each k-gram that `owner` has (its own among them), once a k-gram.
    pub(super) fn of(&self, owner: usize) -> impl Iterator<Item = &'i [P]> + '_ {
        let own = self.starts[owner] as usize..self.starts[owner + 1] as usize;
        self.entries[own]
            .iter()
            .map(|&g| self.index.group(g as usize))
    }
}

/// Two bitsets over slots of k-gram hashes (8 slots a k-gram, so 2 bytes a k-gram in all):
/// which slots a k-gram fell in once, and which again. They are cut into `SLOT_PARTS` parts
/// (a few kilobytes each for most corpora): k-grams are sorted by part before they are marked,
/// and each part is marked by one thread in cache, with no atomic operation. (Marked where
/// they fell, each k-gram took an atomic read-modify-write on a few megabytes of bitsets:
/// `perf` put about a tenth of the scan's cycles there. Timed inside the scan, the marking
/// alone gained little; the gain is the parallel gathering that the same parts allow.)
struct Slots {
    once: Vec<u64>,
    again: Vec<u64>,
    /// Words of each part (of each bitset).
    part_words: usize,
}

/// The parts of the bitsets of [`Slots`]: enough for each to fit in a core's cache, few enough
/// for each chunk of k-grams to be sorted among them at little cost.
const SLOT_PARTS: usize = 256;

/// How many k-grams are marked at once (their slots are held while they are: 8 bytes each).
/// (Tests take a few dozen, so that their small corpora cross batches and chunks.)
#[cfg(not(test))]
const MARK_BATCH: usize = 1 << 19;
#[cfg(test)]
const MARK_BATCH: usize = 100;

/// How many k-grams a chunk of owners gathers, about (sorted into buckets by one thread).
#[cfg(not(test))]
const CHUNK_GRAMS: usize = 1 << 14;
#[cfg(test)]
const CHUNK_GRAMS: usize = 30;

impl Slots {
    fn new(grams: usize) -> Slots {
        let part_words = grams.max(1).div_ceil(8 * SLOT_PARTS);
        Slots {
            once: vec![0; part_words * SLOT_PARTS],
            again: vec![0; part_words * SLOT_PARTS],
            part_words,
        }
    }

    /// The slot of `h`, as its part (the top 16 bits) and its place in the part: its hash
    /// mixed again (the k-gram hashes' low bits are the characters'), its top byte the part
    /// and the rest scaled to the slots of a part (no division: it would cost more than the
    /// rest of marking).
    fn slot(&self, h: u64) -> u64 {
        const { assert!(SLOT_PARTS == 256) };
        let mixed = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let part_slots = (self.part_words * 64) as u128;
        let place = ((u128::from(mixed << 8) * part_slots) >> 64) as u64;
        (mixed >> 56) << 48 | place
    }

    /// The part of slot `s`.
    fn part(s: u64) -> usize {
        (s >> 48) as usize
    }

    /// The word of slot `s` in its part, and its bit there.
    fn word_bit(s: u64) -> (usize, u64) {
        let place = s & ((1 << 48) - 1);
        ((place / 64) as usize, 1 << (place % 64))
    }

    /// Marks the slots of the k-grams `owners` give (`grams(o)` the k-grams of owner `o`);
    /// how many k-grams fell in a slot marked before, and how many each owner has.
    fn mark<I: Iterator<Item = u64>>(
        &mut self,
        owners: usize,
        total: usize,
        grams: impl Fn(usize) -> I + Sync,
    ) -> (usize, Vec<u32>) {
        let mut sizes = Vec::with_capacity(owners);
        let mut repeats = 0;
        for batch in owner_chunks(owners, total, MARK_BATCH) {
            let this = &*self;
            let batch_grams = batch.len() * total / owners;
            let chunks: Vec<(Bucketed<u64>, Vec<u32>)> =
                owner_chunks(batch.len(), batch_grams, CHUNK_GRAMS)
                    .map(|c| c.start + batch.start..c.end + batch.start)
                    .collect::<Vec<_>>()
                    .into_par_iter()
                    .map(|chunk| {
                        let mut sizes = Vec::with_capacity(chunk.len());
                        let mut found = Vec::new();
                        for o in chunk {
                            let before = found.len();
                            found.extend(grams(o).map(|h| this.slot(h)));
                            sizes.push((found.len() - before) as u32);
                        }
                        (Bucketed::new(found, |&s| Slots::part(s)), sizes)
                    })
                    .collect();
            let once = self.once.par_chunks_mut(self.part_words);
            let again = self.again.par_chunks_mut(self.part_words);
            repeats += once
                .zip(again)
                .enumerate()
                .map(|(part, (once, again))| {
                    let mut repeats = 0;
                    for (found, _) in &chunks {
                        for &s in found.bucket(part) {
                            let (w, bit) = Slots::word_bit(s);
                            let seen = once[w] & bit;
                            again[w] |= seen;
                            once[w] |= bit;
                            repeats += usize::from(seen != 0);
                        }
                    }
                    repeats
                })
                .sum::<usize>();
            sizes.extend(chunks.into_iter().flat_map(|(_, sizes)| sizes));
        }
        (repeats, sizes)
    }

    /// Whether `h`'s slot was marked more than once.
    fn again(&self, h: u64) -> bool {
        let s = self.slot(h);
        let (w, bit) = Slots::word_bit(s);
        self.again[Slots::part(s) * self.part_words + w] & bit != 0
    }

    /// How many slots were marked more than once.
    fn marked_again(&self) -> usize {
        self.again.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// Owners `0..owners` in consecutive ranges of about `size` k-grams each, of `total` in
/// all (each owner taken to have the mean number).
fn owner_chunks(owners: usize, total: usize, size: usize) -> impl Iterator<Item = Range<usize>> {
    let per = (owners * size)
        .div_ceil(total.max(1))
        .clamp(1, owners.max(1));
    (0..owners)
        .step_by(per)
        .map(move |start| start..(start + per).min(owners))
}

/// Items sorted by bucket, stably (a counting sort): each bucket's items lie together, in
/// the order they came.
struct Bucketed<T> {
    items: Vec<T>,
    /// Where each bucket starts (and the next, its end).
    starts: Vec<u32>,
}

impl<T: Copy + Default> Bucketed<T> {
    /// `items` sorted into `SLOT_PARTS` buckets by `bucket`.
    fn new(items: Vec<T>, bucket: impl Fn(&T) -> usize) -> Bucketed<T> {
        let mut starts = vec![0u32; SLOT_PARTS + 1];
        for x in &items {
            starts[bucket(x) + 1] += 1;
        }
        for b in 0..SLOT_PARTS {
            starts[b + 1] += starts[b];
        }
        let mut next = starts.clone();
        let mut sorted = vec![T::default(); items.len()];
        for x in items {
            let b = bucket(&x);
            sorted[next[b] as usize] = x;
            next[b] += 1;
        }
        Bucketed {
            items: sorted,
            starts,
        }
    }

    /// The items of bucket `b`.
    fn bucket(&self, b: usize) -> &[T] {
        &self.items[self.starts[b] as usize..self.starts[b + 1] as usize]
    }
}

impl<P: Posting> Index<P> {
    /// The index of `owners` (documents, or paragraphs), `grams(o)` giving the k-gram hashes
    /// of owner `o` in order, a k-gram's position its place there (`MASKED` for one not to
    /// index; `total` of them at most, all owners together); with [`Posting::DISTINCT`], a
    /// k-gram counts once per owner, at position 0.
    ///
    /// The k-grams are computed again in each pass rather than kept (kept, they would take 16
    /// bytes each as postings). A first pass marks each k-gram's slot in two bitsets (seen
    /// once, seen again; 2 bytes a k-gram): a k-gram whose slot was never seen again occurs
    /// once and is dropped there, most of a corpus. The others (the repeated, and singles
    /// sharing a slot with another; the first pass counts them) are gathered with their
    /// owner and position and sorted by hash, in as many parts as keep that buffer under
    /// `GATHER_BYTES` a k-gram (one, unless much of the corpus repeats): the runs of 2 to
    /// `POSTINGS_CAP` are the postings, in order of hash, then owner and position.
    pub(super) fn build(
        owners: usize,
        total: usize,
        grams: impl Fn(usize) -> Vec<u64> + Sync,
    ) -> Index<P> {
        let distinct = P::DISTINCT;
        let mut slots = Slots::new(total);
        let (repeats, sizes) = slots.mark(owners, total, |o| {
            select(grams(o), distinct, |_| true).map(|(h, _)| h)
        });
        // The k-grams of a slot marked again: each repeat, and the first of each such slot.
        let candidates = repeats + slots.marked_again();
        let parts = (candidates * size_of::<(u64, u32, u32)>())
            .div_ceil(GATHER_BYTES * total.max(1))
            .next_power_of_two();
        let part_bits = parts.ilog2();
        let part_of = |h: u64| h.checked_shr(64 - part_bits).unwrap_or(0);
        // The k-grams of `o` that may be repeated and are in `part`.
        let (slots, part_of) = (&slots, &part_of);
        let repeated = |o: usize, part: u64| {
            select(grams(o), distinct, move |h| {
                part_of(h) == part && slots.again(h)
            })
        };
        // Each kept k-gram's postings: where they start, and how many. (Parts are ranges of
        // hashes, in order, and so are the buckets of a part: the groups are in order of
        // hash.)
        let mut groups = Vec::new();
        #[cfg(test)]
        let mut hashes = Vec::new();
        let mut postings = Vec::new();
        let chunks: Vec<Range<usize>> = owner_chunks(owners, total, CHUNK_GRAMS).collect();
        for part in 0..parts as u64 {
            // Gathered by chunks of owners, each sorted into buckets by the hash's next byte
            // (after the part's bits): a bucket's k-grams are then those of every chunk in
            // turn, in order of owner and position.
            let bucket = |x: &(u64, u32, u32)| ((x.0 << part_bits) >> 56) as usize;
            let found: Vec<Bucketed<(u64, u32, u32)>> = chunks
                .par_iter()
                .map(|chunk| {
                    let found = chunk.clone().flat_map(|o| {
                        repeated(o, part).map(move |(h, position)| (h, o as u32, position))
                    });
                    Bucketed::new(found.collect(), bucket)
                })
                .collect();
            let runs: Vec<Runs<P>> = (0..SLOT_PARTS)
                .into_par_iter()
                .map(|b| Runs::of(found.iter().map(|f| f.bucket(b))))
                .collect();
            drop(found);
            if part == 0 {
                // Hashes are uniform: the first part tells the room all need (grown by
                // doubling, they would be copied and held twice).
                let (n, kept) = runs.iter().fold((0, 0), |(n, k), r| {
                    (n + r.lengths.len(), k + r.postings.len())
                });
                groups.reserve(n * parts + n * parts / 8);
                postings.reserve(kept * parts + kept * parts / 8);
            }
            for runs in runs {
                let mut start = postings.len() as u32;
                for (_hash, len) in runs.lengths {
                    groups.push((start, len));
                    start += len;
                    #[cfg(test)]
                    hashes.push(_hash);
                }
                postings.extend(runs.postings);
            }
        }
        // The room reserved from the first part may not all be used.
        postings.shrink_to_fit();
        groups.shrink_to_fit();
        Index {
            sizes,
            postings,
            groups,
            #[cfg(test)]
            hashes,
        }
    }

    /// The postings of group `g`.
    fn group(&self, g: usize) -> &[P] {
        let (start, len) = self.groups[g];
        &self.postings[start as usize..(start + len) as usize]
    }

    /// The postings of the k-gram `hash` (none if it is not kept).
    #[cfg(test)]
    fn lookup(&self, hash: u64) -> &[P] {
        self.hashes
            .binary_search(&hash)
            .map_or(&[], |g| self.group(g))
    }

    /// The postings of each of `owners` owners ([`ByOwner`]).
    pub(super) fn by_owner(&self, owners: usize) -> ByOwner<'_, P> {
        // A group's postings are in order of owner: an owner's are side by side.
        let owners_of = |g: usize| {
            let postings = self.group(g);
            postings
                .iter()
                .enumerate()
                .filter(move |&(i, p)| i == 0 || postings[i - 1].id() != p.id())
                .map(|(_, p)| p.id() as usize)
        };
        let mut starts = vec![0u32; owners + 1];
        for g in 0..self.groups.len() {
            for o in owners_of(g) {
                starts[o + 1] += 1;
            }
        }
        for o in 0..owners {
            starts[o + 1] += starts[o];
        }
        let mut next = starts.clone();
        let mut entries = vec![0; starts[owners] as usize];
        for g in 0..self.groups.len() {
            for o in owners_of(g) {
                entries[next[o] as usize] = g as u32;
                next[o] += 1;
            }
        }
        ByOwner {
            index: self,
            starts,
            entries,
        }
    }
}

/// The k-grams of one bucket seen 2 to `POSTINGS_CAP` times: each one's hash and number of
/// postings, in order of hash, and their postings.
struct Runs<P> {
    lengths: Vec<(u64, u32)>,
    postings: Vec<P>,
}

impl<P: Posting> Runs<P> {
    /// The runs of a bucket's k-grams, gathered in `parts` (each in order of owner and
    /// position, in that order): sorted by hash, stably (then by owner and position); a
    /// radix sort, linear where a comparison sort weighs each posting twenty times.
    fn of<'a>(parts: impl Iterator<Item = &'a [(u64, u32, u32)]>) -> Runs<P> {
        let mut all: Vec<(u64, u32, u32)> = parts.flatten().copied().collect();
        radsort::sort_by_key(&mut all, |x| x.0);
        let runs = all
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|run| (2..=POSTINGS_CAP).contains(&run.len()));
        Runs {
            lengths: runs.clone().map(|r| (r[0].0, r.len() as u32)).collect(),
            postings: runs
                .flatten()
                .map(|&(_, o, position)| P::new(o, position))
                .collect(),
        }
    }
}

/// The k-grams of `grams` (an owner's, in order) that `keep` keeps, as `(hash, position)`:
/// with `distinct`, once each and at position 0 (in no particular order).
fn select(
    mut grams: Vec<u64>,
    distinct: bool,
    keep: impl Fn(u64) -> bool,
) -> impl Iterator<Item = (u64, u32)> {
    if distinct {
        // Those kept first: fewer to look at (positions are not kept here).
        grams.retain(|&h| h != MASKED && keep(h));
        retain_distinct(&mut grams);
    }
    (0u32..)
        .zip(grams)
        .filter(move |&(_, h)| h != MASKED && keep(h))
        .map(move |(position, h)| (h, if distinct { 0 } else { position }))
}

/// Leaves in `grams` one of each hash, in no particular order (nothing reads an owner's
/// distinct k-grams in order). A paragraph's few go through a small hash table on the stack:
/// sorting them to find the repeats cost more than marking them.
fn retain_distinct(grams: &mut Vec<u64>) {
    const TABLE: usize = 256;
    if grams.len() > TABLE / 2 {
        grams.sort_unstable();
        grams.dedup();
        return;
    }
    // 0 marks an empty place: a hash of 0 is told apart by a flag of its own.
    let mut table = [0u64; TABLE];
    let mut zero = false;
    grams.retain(|&h| {
        if h == 0 {
            return !std::mem::replace(&mut zero, true);
        }
        let mut at = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize;
        loop {
            match table[at] {
                0 => {
                    table[at] = h;
                    return true;
                }
                seen if seen == h => return false,
                _ => at = (at + 1) % TABLE,
            }
        }
    });
}

/// The prepared documents a stage reads, by document id: a whole corpus in memory, or only
/// the two documents of a candidate pair (all that a streaming or cluster worker holds).
pub(crate) struct Docs<'a, 'c> {
    texts: Vec<&'a str>,
    prepared: &'a [Prepared<'c>],
    /// The ids of `prepared[0]` and `prepared[1]` when they are a pair; `None` when ids are
    /// indices.
    pair: Option<[usize; 2]>,
    /// Bytes of compared text whose alignments wait for the merge ([`Docs::may_hold`]), and
    /// how many may.
    held: AtomicUsize,
    hold_budget: usize,
}

/// The share of a corpus's text whose comparisons may wait, aligned but not classified, for
/// the merge: a waiting pair keeps its two token views (about four bytes of memory a byte of
/// text compared), and a corpus of reprints compares its text many times over.
const HOLD_SHARE: usize = 4;

impl<'a, 'c> Docs<'a, 'c> {
    /// Every document of a corpus: ids are indices.
    pub(super) fn all(texts: Vec<&'a str>, prepared: &'a [Prepared<'c>]) -> Docs<'a, 'c> {
        let hold_budget = texts.iter().map(|t| t.len()).sum::<usize>() / HOLD_SHARE;
        Docs {
            texts,
            prepared,
            pair: None,
            held: AtomicUsize::new(0),
            hold_budget,
        }
    }

    /// Whether a comparison of `bytes` of text may wait for the merge (else it is classified
    /// at once): while the waiting ones hold less than a quarter of the corpus's text.
    pub(super) fn may_hold(&self, bytes: usize) -> bool {
        self.held.fetch_add(bytes, Ordering::Relaxed) + bytes <= self.hold_budget
    }

    /// Two documents (one when `ids` are equal), `prepared` in the order of `ids`.
    #[cfg(feature = "cluster")]
    pub(crate) fn pair(
        ids: [usize; 2],
        texts: [&'a str; 2],
        prepared: &'a [Prepared<'c>],
    ) -> Docs<'a, 'c> {
        Docs {
            texts: texts.to_vec(),
            prepared,
            pair: Some(ids),
            // A worker's pair is reported at once: nothing waits.
            held: AtomicUsize::new(0),
            hold_budget: 0,
        }
    }

    fn slot(&self, d: usize) -> usize {
        match self.pair {
            None => d,
            Some([a, _]) if a == d => 0,
            Some([_, b]) => {
                assert_eq!(b, d, "document {d} is not one of the pair");
                usize::from(self.prepared.len() > 1)
            }
        }
    }

    /// The text of document `d`.
    pub(super) fn text(&self, d: usize) -> &'a str {
        self.texts[self.slot(d)]
    }

    /// Every prepared document (of a whole corpus).
    pub(super) fn prepared(&self) -> &'a [Prepared<'c>] {
        self.prepared
    }
}

impl<'c> At<usize> for Docs<'_, 'c> {
    type Output = Prepared<'c>;

    fn index(&self, d: usize) -> &Prepared<'c> {
        &self.prepared[self.slot(d)]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::fmt::Debug;

    use super::*;

    #[test]
    fn a_text_is_too_short_by_its_count_and_then_by_its_script() {
        let opts = ScanOptions::default();
        let (cjk, latin) = ("跨里海天然气管道", "the trans-Caspian gas pipeline");
        for text in [cjk, latin] {
            assert!(too_short(19, text, &opts));
            assert!(!too_short(60, text, &opts));
        }
        // Between the two defaults the script decides: 20 CJK characters, 60 others.
        assert!(!too_short(20, cjk, &opts));
        assert!(too_short(59, latin, &opts));
        for chars in [0, 19, 20, 59, 60, 200] {
            for text in [cjk, latin] {
                assert_eq!(
                    too_short(chars, text, &opts),
                    chars < min_chars(text, &opts),
                    "{chars} {text}"
                );
            }
        }
        let five = ScanOptions {
            min_chars: Some(5),
            ..ScanOptions::default()
        };
        assert!(too_short(4, latin, &five));
        assert!(!too_short(5, latin, &five));
    }

    proptest::proptest! {
        /// Whatever their number (a paragraph's few in the table, more sorted) and whatever
        /// the hashes (0 among them, repeats, collisions in the table's places), the k-grams
        /// left are each hash once.
        #[test]
        fn distinct_grams_are_each_hash_once(
            grams in proptest::collection::vec(
                proptest::prop_oneof![0u64..4, proptest::num::u64::ANY],
                0..300,
            ),
        ) {
            let mut left = grams.clone();
            retain_distinct(&mut left);
            left.sort_unstable();
            let mut expected = grams;
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(left, expected);
        }

        /// The index holds exactly the k-grams seen 2 to `POSTINGS_CAP` times, each with all
        /// its postings in order of owner and position, whatever the bitsets let through:
        /// against a count of every k-gram, for hashes drawn from few values (repeats, some
        /// above the cap) and many (mostly single), some masked, with and without distinct
        /// k-grams (postings without positions).
        #[test]
        fn the_index_keeps_exactly_the_kgrams_seen_two_to_cap_times(
            owners in proptest::collection::vec(
                proptest::collection::vec(0u64..300, 0..60), 1..40),
            spread in proptest::sample::select(vec![1u64, 1 << 40, u64::MAX / 301]),
            distinct: bool,
        ) {
            if distinct {
                index_matches_a_count::<u32>(&owners, spread)?;
            } else {
                index_matches_a_count::<(u32, u32)>(&owners, spread)?;
            }
        }
    }

    /// The index of `owners`' k-grams (`h * spread`; 299 stands for a masked one) against a
    /// count of every k-gram.
    fn index_matches_a_count<P: Posting + Debug + Ord>(
        owners: &[Vec<u64>],
        spread: u64,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let grams = |o: usize| -> Vec<u64> {
            owners[o]
                .iter()
                .map(|&h| if h == 299 { MASKED } else { h * spread })
                .collect()
        };
        let total = owners.iter().map(Vec::len).sum();
        let index = Index::<P>::build(owners.len(), total, grams);
        let mut expected: HashMap<u64, Vec<P>> = HashMap::new();
        for o in 0..owners.len() {
            let mut g: Vec<(u32, u64)> =
                (0..).zip(grams(o)).filter(|&(_, h)| h != MASKED).collect();
            if P::DISTINCT {
                // Once each, at position 0.
                g.sort_by_key(|&(_, h)| h);
                g.dedup_by_key(|&mut (_, h)| h);
                g.iter_mut().for_each(|(p, _)| *p = 0);
            }
            proptest::prop_assert_eq!(index.sizes[o] as usize, g.len(), "owner {}", o);
            for (p, h) in g {
                expected.entry(h).or_default().push(P::new(o as u32, p));
            }
        }
        for (h, postings) in &expected {
            let kept = (2..=POSTINGS_CAP).contains(&postings.len());
            let want: &[P] = if kept { postings } else { &[] };
            proptest::prop_assert_eq!(index.lookup(*h), want, "hash {}", h);
        }
        proptest::prop_assert_eq!(
            index.postings.len(),
            expected
                .values()
                .map(Vec::len)
                .filter(|n| (2..=POSTINGS_CAP).contains(n))
                .sum::<usize>()
        );
        // The whole list of postings of each k-gram an owner has, once each.
        let by_owner = index.by_owner(owners.len());
        for o in 0..owners.len() {
            let mut want: Vec<&[P]> = Vec::new();
            for h in expected.keys() {
                let kept = index.lookup(*h);
                if kept.iter().any(|p| p.id() == o as u32) {
                    want.push(kept);
                }
            }
            let mut got: Vec<_> = by_owner.of(o).collect();
            want.sort();
            got.sort();
            proptest::prop_assert_eq!(got, want, "owner {}", o);
        }
        Ok(())
    }
}
