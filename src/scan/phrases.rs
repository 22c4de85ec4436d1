//! A phrase written twice in place, and whether that looks like a copying error.

use std::ops::Range;

use serde::Serialize;

use super::prepare::Prepared;
use super::{Finding, FindingKind, Location};
use crate::chars::{ends_sentence, is_alphanumeric, is_cjk, is_word_char};
use crate::source::Document;

/// Largest repeated phrase, in tokens.
const PHRASE_MAX: usize = 24;

/// A phrase written twice in place: `UU`, or `U、U` with one separator between. The unit has
/// at least 3 CJK characters or 2 words, so reduplication (`研究研究`) is not flagged.
pub(super) fn repeated_phrases(d: usize, p: &Prepared) -> Vec<Finding> {
    let n = p.tokens.len();
    // A one-character token's hash is its code point: its text need not be looked up.
    let first_char = |t: usize| match char::from_u32(p.hashes[t]) {
        Some(c) => c,
        None => p.token_text(t).chars().next().unwrap_or(' '),
    };
    let mut out = Vec::new();
    // A phrase lies in a stretch of text between breaks (a paragraph break or a masked
    // token): each stretch is read on its own, its per-token facts in small buffers that stay
    // in cache (for the whole text at once they were tens of megabytes).
    let mut stretch = Stretch::default();
    let mut start = 0;
    while start < n {
        stretch.clear();
        let mut end = start;
        while end < n {
            let c = first_char(end);
            if p.masked[end] || c == '\n' {
                break;
            }
            stretch.push(c, p.hashes[end]);
            end += 1;
        }
        stretch.find(p, start, &mut |copies, l| {
            out.push(Finding {
                kind: FindingKind::RepeatedPhrase,
                similarity: 1.0,
                locations: copies
                    .iter()
                    .map(|&c| Location {
                        doc: d,
                        range: p.span(c..c + l),
                    })
                    .collect(),
                comparison: None,
            });
        });
        start = end + 1;
    }
    out
}

/// Per token of a stretch of text: whether it is a separator (punctuation inside a sentence;
/// a copy after a full stop, `千岛湖。千岛湖水`, is not a stutter), and the running counts of
/// CJK letters and words before it.
#[derive(Default)]
struct Stretch {
    separator: Vec<bool>,
    cjk: Vec<u32>,
    words: Vec<u32>,
    /// The tokens' hashes; `find` adds `WINDOW` zeros, so that a token's next `WINDOW - 1`
    /// are read as one fixed array, compared in vector lanes.
    hashes: Vec<u32>,
}

/// Tokens compared at once with the first of a phrase: more than PHRASE_MAX + 1.
const WINDOW: usize = 32;

impl Stretch {
    /// Empties it for the next stretch (the running counts start at 0).
    fn clear(&mut self) {
        self.separator.clear();
        self.cjk.clear();
        self.cjk.push(0);
        self.words.clear();
        self.words.push(0);
        self.hashes.clear();
    }

    /// Adds the next token, by its first character and hash.
    fn push(&mut self, c: char, hash: u32) {
        self.hashes.push(hash);
        let (cjk, words) = (
            self.cjk[self.cjk.len() - 1],
            self.words[self.words.len() - 1],
        );
        let alphanumeric = is_alphanumeric(c);
        self.separator
            .push(!alphanumeric && !ends_sentence(c) && c != '.');
        self.cjk.push(cjk + u32::from(alphanumeric && is_cjk(c)));
        self.words.push(words + u32::from(is_word_char(c)));
    }

    /// Calls `found` with the copies (token positions) and length of each phrase written
    /// twice or more in place in this stretch, which starts at token `first` of `p`.
    fn find(&mut self, p: &Prepared, first: usize, found: &mut dyn FnMut(&[usize], usize)) {
        let n = self.separator.len();
        self.hashes.extend([0; WINDOW]);
        let text = |t: usize| p.token_text(first + t);
        let separator = &self.separator;
        let weight_ok = |u: Range<usize>| {
            self.cjk[u.end] - self.cjk[u.start] >= 3 || self.words[u.end] - self.words[u.start] >= 2
        };
        let hashes = &self.hashes[..n];
        let mut i = 0;
        while i < n {
            // Only where the first token comes again (at `i + l`, or `i + l + 1` after a
            // separator) can a phrase of `l` tokens start at `i`: bit `d` of `again` is set
            // where it comes again `d` tokens on, and only those lengths are tried.
            let reach = n.min(i + PHRASE_MAX + 2);
            let window: &[u32; WINDOW] = self.hashes[i..i + WINDOW].try_into().expect("padded");
            let equal = window
                .iter()
                .enumerate()
                .fold(0u32, |m, (d, &h)| m | u32::from(h == window[0]) << d);
            // Bits 1 to `reach - i - 1`: within the stretch and the longest phrase.
            let again = equal & ((1 << (reach - i)) - 2);
            if again == 0 {
                i += 1;
                continue;
            }
            // Length `l` for a copy at `l` or, after a separator, at `l + 1`; 1 to PHRASE_MAX.
            let mut lengths = (again | again >> 1) & ((1 << (PHRASE_MAX + 1)) - 2);
            let mut unit = None;
            'len: while lengths != 0 {
                let l = lengths.trailing_zeros() as usize;
                lengths &= lengths - 1;
                if i + 2 * l > n {
                    break;
                }
                // Unit boundaries are not separators; one separator may sit between the copies.
                if separator[i] || separator[i + l - 1] {
                    continue;
                }
                for gap in [0, 1] {
                    let second = i + l + gap;
                    if second + l > n
                        || (gap == 1 && !separator[i + l])
                        || hashes[i] != hashes[second]
                    {
                        continue;
                    }
                    if hashes[i..i + l] == hashes[second..second + l]
                        && (i..i + l).all(|t| text(t) == text(t + l + gap))
                        && weight_ok(i..i + l)
                    {
                        unit = Some((l, gap));
                        break 'len;
                    }
                }
            }
            let Some((l, gap)) = unit else {
                i += 1;
                continue;
            };
            // Every further copy in the same pattern belongs to the same finding: a run of
            // 300,000 `长` is one phrase written 100,000 times, not 50,000 findings.
            let same = |at: usize| {
                at + l <= n
                    && (gap == 0 || separator[at - 1])
                    && hashes[i..i + l] == hashes[at..at + l]
                    && (0..l).all(|k| text(i + k) == text(at + k))
            };
            let mut copies = vec![first + i];
            let mut next = i + l + gap;
            while same(next) {
                copies.push(first + next);
                next += l + gap;
            }
            found(&copies, l);
            i = copies[copies.len() - 1] - first + l;
        }
    }
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
    repetition_in(&docs[f.locations[0].doc].text, f)
}

/// [`repetition`], given the text of the finding's document.
pub(crate) fn repetition_in(text: &str, f: &Finding) -> Option<(Repetition, &'static str)> {
    if f.kind != FindingKind::RepeatedPhrase {
        return None;
    }
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
