//! Each document read into what the scan needs (token hashes, paragraphs and their keys,
//! masked tokens), and the k-gram index that seeds matches between them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::{Index as At, Range};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{MIN_CHARS_CJK, MIN_CHARS_OTHER, ScanOptions};
use crate::chars::is_cjk;
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
    /// Whether that text is mostly CJK (which minimum size applies to it).
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
    for range in &t.paragraphs {
        let first = t.tokens_starting_before(range.start);
        let last = t.tokens_ending_by(range.end);
        if first >= last {
            continue;
        }
        paras.push(Para {
            range: range.clone(),
            tokens: first..last,
            key: {
                let digest = Sha256::digest(t.view_text(&(first..last)).as_bytes());
                u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"))
            },
            cjk: mostly_cjk(t.view_text(&(first..last))),
            clusters: t.clusters_in(first..last),
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

/// Whether at least half the letters of `text` are CJK.
fn mostly_cjk(text: &str) -> bool {
    let (mut cjk, mut letters) = (0, 0);
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        letters += 1;
        cjk += usize::from(is_cjk(c));
    }
    cjk * 2 >= letters
}

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

/// Postings `(owner, position)` of the k-grams that occur between 2 and `POSTINGS_CAP` times:
/// a k-gram seen once matches nothing, one seen more often is too common to seed anything.
pub(super) struct Index {
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
    /// The index of `owners` (documents, or paragraphs), `grams(o)` giving the k-grams of
    /// owner `o` as `(position, hash)`, in order. The k-grams are computed again rather than
    /// kept: counting passes sort the hashes alone, a quarter of them at a time (by their top
    /// two bits: 2 bytes a k-gram at the peak, where one table of postings took 16, sorted
    /// twice over), to find those seen 2 to `POSTINGS_CAP` times; a last pass places the
    /// postings of those, in order of owner and position.
    pub(super) fn build(owners: usize, grams: impl Fn(usize) -> Vec<(u32, u64)> + Sync) -> Index {
        // Each kept k-gram's first posting, and how many of its postings are placed so far.
        let mut groups: HashMap<u64, (u32, u32), BuildHasherDefault<KeyIsHash>> =
            HashMap::default();
        let mut total = 0;
        for quarter in 0..4u64 {
            let mut hashes: Vec<u64> = (0..owners)
                .into_par_iter()
                .flat_map_iter(|o| {
                    grams(o)
                        .into_iter()
                        .map(|(_, h)| h)
                        .filter(move |h| h >> 62 == quarter)
                })
                .collect();
            hashes.par_sort_unstable();
            for run in hashes.chunk_by(|x, y| x == y) {
                if (2..=POSTINGS_CAP).contains(&run.len()) {
                    groups.insert(run[0], (total, 0));
                    total += run.len() as u32;
                }
            }
        }
        let mut postings = vec![(0, 0); total as usize];
        const CHUNK: usize = 1024;
        for first in (0..owners).step_by(CHUNK) {
            let chunk: Vec<Vec<(u32, u64)>> = (first..owners.min(first + CHUNK))
                .into_par_iter()
                .map(&grams)
                .collect();
            for (o, grams) in (first..).zip(chunk) {
                for (position, h) in grams {
                    if let Some((start, placed)) = groups.get_mut(&h) {
                        postings[(*start + *placed) as usize] = (o as u32, position);
                        *placed += 1;
                    }
                }
            }
        }
        Index { postings, groups }
    }

    pub(super) fn lookup(&self, hash: u64) -> &[(u32, u32)] {
        self.groups.get(&hash).map_or(&[], |&(start, len)| {
            &self.postings[start as usize..(start + len) as usize]
        })
    }
}

/// The prepared documents a stage reads, by document id: a whole corpus in memory, or only
/// the two documents of a candidate pair (all that a streaming or cluster worker holds).
pub(crate) struct Docs<'a, 'c> {
    texts: Vec<&'a str>,
    prepared: &'a [Prepared<'c>],
    /// The ids of `prepared[0]` and `prepared[1]` when they are a pair; `None` when ids are
    /// indices.
    pair: Option<[usize; 2]>,
}

impl<'a, 'c> Docs<'a, 'c> {
    /// Every document of a corpus: ids are indices.
    pub(super) fn all(texts: Vec<&'a str>, prepared: &'a [Prepared<'c>]) -> Docs<'a, 'c> {
        Docs {
            texts,
            prepared,
            pair: None,
        }
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
