//! Each document read into what the scan needs (token hashes, paragraphs and their keys,
//! masked tokens), and the k-gram index that seeds matches between them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use rayon::prelude::*;

use super::{MIN_CHARS_CJK, MIN_CHARS_OTHER, ScanOptions};
use crate::chars::is_cjk;
use crate::normalize::{Token, Tokenized};

/// k-grams with more postings than this are too common to seed anything.
const POSTINGS_CAP: usize = 32;

/// A paragraph of a prepared document.
pub(super) struct Para {
    /// Original byte range.
    pub(super) range: Range<usize>,
    /// Token range.
    pub(super) tokens: Range<usize>,
    /// Normalized text (the view of its tokens).
    pub(super) key: String,
    pub(super) clusters: usize,
}

/// A document read into what the scan needs: its tokenized text (shared with the corpus),
/// token hashes, paragraphs with their keys, and which tokens are boilerplate.
pub(super) struct Prepared<'c> {
    pub(super) view: &'c str,
    pub(super) tokens: &'c [Token],
    /// Original byte span of each token.
    pub(super) spans: &'c [Range<u32>],
    /// Hash of each token's text: its code point for one character.
    pub(super) hashes: Vec<u64>,
    pub(super) paras: Vec<Para>,
    /// Tokens that belong to boilerplate paragraphs (set after grouping).
    pub(super) masked: Vec<bool>,
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

pub(super) fn prepare(t: &Tokenized) -> Prepared<'_> {
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
pub(super) fn min_chars(text: &str, opts: &ScanOptions) -> usize {
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

/// Marks a k-gram that touches a masked token.
pub(super) const MASKED: u64 = u64::MAX;

/// Rolling hashes of the k-grams of `hashes` (`MASKED` where one touches a masked token).
pub(super) fn kgrams(hashes: &[u64], masked: &[bool], k: usize) -> Vec<u64> {
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
    pub(super) fn build(mut entries: Vec<(u64, u32, u32)>) -> Index {
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

    pub(super) fn lookup(&self, hash: u64) -> &[(u32, u32)] {
        self.groups.get(&hash).map_or(&[], |&(start, len)| {
            &self.postings[start as usize..(start + len) as usize]
        })
    }
}
