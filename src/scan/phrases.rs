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
    // Per token, computed once: separator (punctuation inside a sentence; a copy after a
    // full stop, `千岛湖。千岛湖水`, is not a stutter), CJK letter, word; and where the
    // stretch of text a phrase may lie in ends (the next paragraph break or masked token).
    let mut separator = Vec::with_capacity(n);
    let mut cjk = vec![0u32; n + 1];
    let mut words = vec![0u32; n + 1];
    let mut breaks = Vec::with_capacity(n);
    for t in 0..n {
        let c = first_char(t);
        let alphanumeric = is_alphanumeric(c);
        separator.push(!alphanumeric && c != '\n' && !ends_sentence(c) && c != '.');
        breaks.push(p.masked[t] || c == '\n');
        cjk[t + 1] = cjk[t] + u32::from(alphanumeric && is_cjk(c));
        words[t + 1] = words[t] + u32::from(is_word_char(c));
    }
    let mut stop = vec![n; n + 1];
    for t in (0..n).rev() {
        stop[t] = if breaks[t] { t } else { stop[t + 1] };
    }
    let weight_ok =
        |u: Range<usize>| cjk[u.end] - cjk[u.start] >= 3 || words[u.end] - words[u.start] >= 2;
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        // Only where the first token comes again (at `i + l`, or `i + l + 1` after a
        // separator) can a phrase of `l` tokens start at `i`.
        let reach = stop[i].min(i + PHRASE_MAX + 2);
        if !p.hashes[(i + 1).min(reach)..reach].contains(&p.hashes[i]) {
            i += 1;
            continue;
        }
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
                    && (i..i + l).all(|t| p.token_text(t) == p.token_text(t + l + gap))
                    && weight_ok(i..i + l)
                {
                    found = Some((l, gap));
                    break 'len;
                }
            }
        }
        match found {
            Some((l, gap)) => {
                let span = |r: Range<usize>| p.span(r);
                // Every further copy in the same pattern belongs to the same finding: a run
                // of 300,000 `长` is one phrase written 100,000 times, not 50,000 findings.
                let same = |at: usize| {
                    at + l <= stop[i]
                        && (gap == 0 || separator[at - 1])
                        && (0..l).all(|k| {
                            p.hashes[i + k] == p.hashes[at + k]
                                && p.token_text(i + k) == p.token_text(at + k)
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
