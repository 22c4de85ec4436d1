//! Paragraphs and sentences, as byte ranges into the original text.
//!
//! Paragraph detection has to survive three layouts: one paragraph per line; paragraphs
//! separated by blank lines, some cut mid-word by a page layout (`成\n\n功开行`); and columns
//! hard-wrapped at a few dozen characters with a blank line after every line. The rule that
//! covers all three: lines of one blank-line-separated block belong together, and in a
//! blank-line or hard-wrapped layout a line that is "cut" continues into the next one. A line
//! is cut when it does not end with closing punctuation, is at least three quarters of the
//! median length of the lines around it (headings and signature lines are short), and the
//! next line starts with a letter, digit or ideograph. In a one-paragraph-per-line layout every line stands alone:
//! a layout is hard-wrapped when its lines bunch up at a width, a narrow one (100
//! characters) or one where most lines stop mid-sentence, since paragraphs written a line
//! each can be of like lengths too.
//! A heading at the top of a block (a short first line, not ending on punctuation, clearly
//! shorter than the line after it or above lines that all end on punctuation) is not joined
//! to the block.

use std::ops::Range;

use crate::chars::{ends_paragraph, ends_sentence, is_closer};

/// A hard-wrapped layout has a median line of at least this many characters…
const WRAP_MIN_MEDIAN: usize = 15;
/// …and its upper-quartile line at most this ratio (numerator, denominator) of the median.
const WRAP_SPREAD: (usize, usize) = (5, 4);
/// …and its upper-quartile line at most this long (a narrow width)…
const WRAP_NARROW: usize = 100;
/// …or at most this share of its lines ending on punctuation that may end a paragraph.
const WRAP_ENDED: (usize, usize) = (1, 2);
/// A line is cut (continues into the next) when at least this ratio of the local median.
const CUT_SHARE: (usize, usize) = (3, 4);
/// Lines on each side that the local median looks at.
const REACH: usize = 5;
/// A spaced-script wrap width counts only when at least this many nearby lines are filled to
/// 85% of it.
const WRAP_FILLED_LINES: usize = 3;
/// A heading line has at most this many characters.
const HEADING_MAX: usize = 40;
/// Marks that continue a paragraph when a line starts with them (besides closers).
const CONTINUATIONS: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '…', ',', ';', ':', '?', '!',
];
/// Bump when the paragraph heuristic changes in a way its constants do not show.
const PARAGRAPH_RULES_VERSION: u32 = 4;

/// The paragraph heuristic written out canonically: part of the digest of every profile that
/// folds layout, since it decides which line breaks are folded.
pub(crate) fn paragraph_rules() -> String {
    format!(
        "paragraphs v{PARAGRAPH_RULES_VERSION}: blank-line blocks joined; cut lines joined in \
         blank-line and wrapped layouts; a line opening with a continuation mark joined; \
         spaced-script wraps joined when the next first word would not fit and \
         {WRAP_FILLED_LINES} nearby lines fill 85% of the width\n\
         wrapped: median >= {WRAP_MIN_MEDIAN}, upper quartile * {} <= median * {}, and \
         upper quartile <= {WRAP_NARROW} or lines ending on a paragraph ender * {} <= lines * {}\n\
         cut: last char not a paragraph ender, next starts alphanumeric, \
         chars * {} >= local median * {} (reach {REACH})\n\
         heading (not joined to the rest of its blank-line block): first line of a block, \
         at most {HEADING_MAX} chars, last char before closers alphanumeric, and \
         chars * {} < next line's * {} or every other line of the block ending on \
         punctuation\n",
        WRAP_SPREAD.1,
        WRAP_SPREAD.0,
        WRAP_ENDED.1,
        WRAP_ENDED.0,
        CUT_SHARE.1,
        CUT_SHARE.0,
        CUT_SHARE.1,
        CUT_SHARE.0
    ) + &crate::chars::table("continuation marks", CONTINUATIONS)
        + &crate::chars::rules()
}

struct Line {
    /// The line without its terminator and surrounding whitespace.
    content: Range<usize>,
    chars: usize,
}

/// Non-blank lines with the number of blank lines before each.
fn lines(text: &str) -> Vec<(usize, Line)> {
    let mut out = Vec::new();
    let mut blanks = 0;
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while start <= text.len() {
        // Find the end of this line and the start of the next.
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let end = i;
        let next = match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'\r'), Some(b'\n')) => i + 2,
            (Some(_), _) => i + 1,
            (None, _) => text.len() + 1,
        };
        let raw = &text[start..end];
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            blanks += 1;
        } else {
            let lead = raw.len() - raw.trim_start().len();
            let content = start + lead..start + lead + trimmed.len();
            let chars = trimmed.chars().count();
            out.push((blanks, Line { content, chars }));
            blanks = 0;
        }
        start = next;
        i = next;
    }
    out
}

/// Paragraphs of `text`, in order, each trimmed of surrounding whitespace.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let lines = lines(text);
    if lines.is_empty() {
        return Vec::new();
    }
    let lengths: Vec<usize> = lines.iter().map(|(_, l)| l.chars).collect();
    let mut sorted = lengths.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    // Hard-wrapped layout without blank lines: line lengths bunch up near the wrap width,
    // and the width is a narrow one or most lines stop mid-sentence. Paragraphs written a
    // line each, of like lengths, bunch up too, but nearly every one ends on punctuation; a
    // short text wrapped narrow can end most of its lines on a full stop (its paragraphs'
    // last lines).
    let ended = lines
        .iter()
        .filter(|(_, l)| {
            text[l.content.clone()]
                .chars()
                .next_back()
                .is_some_and(ends_paragraph)
        })
        .count();
    let upper_quartile = sorted[sorted.len() * 3 / 4];
    let wrapped = median >= WRAP_MIN_MEDIAN
        && upper_quartile * WRAP_SPREAD.1 <= median * WRAP_SPREAD.0
        && (upper_quartile <= WRAP_NARROW || ended * WRAP_ENDED.1 <= lines.len() * WRAP_ENDED.0);
    // Blank-line layout: most lines are followed by a blank line.
    let followed_by_blank = lines.iter().skip(1).filter(|(b, _)| *b > 0).count();
    let blank_separated = followed_by_blank * 2 >= lines.len().saturating_sub(1).max(1);

    let mut out: Vec<Range<usize>> = Vec::new();
    let mut prev: Option<&Line> = None;
    for (i, (blanks, line)) in lines.iter().enumerate() {
        let joins = prev.is_some_and(|p| {
            // A paragraph never starts with a comma or a closing mark: the break before one
            // is a wrap, whatever the layout.
            ((blank_separated || *blanks == 0) && opens_inside(text, line))
                // Lines of a block belong together, but for a heading at its top.
                || (blank_separated && *blanks == 0 && !is_heading(text, &lines, i - 1))
                || ((blank_separated || (wrapped && *blanks == 0))
                    && is_cut(text, p, line, local_median(&lengths, i - 1)))
                || (wrapped && *blanks == 0 && is_spaced_wrap(text, p, line, &lengths, i - 1))
        });
        match out.last_mut() {
            Some(last) if joins => last.end = line.content.end,
            _ => out.push(line.content.clone()),
        }
        prev = Some(line);
    }
    out
}

/// True when line `i` heads a block of lines: the first line of the block (after a blank
/// line or at the start), at most `HEADING_MAX` characters, ending on a letter, digit or
/// ideograph (a closing bracket after one, as in `…十（易靜）`), not on punctuation, and not
/// the first line of a wrapped paragraph: under three quarters of the next line (a wrapped
/// first line is full), or followed by lines that all end on punctuation (a poem's). It is not joined to the block: a title glued to its
/// poem or a heading to its text would make one paragraph of them, and the same poem under
/// two titles would never be a duplicate.
fn is_heading(text: &str, lines: &[(usize, Line)], i: usize) -> bool {
    let (blanks, line) = &lines[i];
    let Some((_, next)) = lines.get(i + 1) else {
        return false;
    };
    let last = text[line.content.clone()]
        .trim_end_matches(is_closer)
        .chars()
        .next_back();
    // The rest of the block: every line of it ending on punctuation (a poem's lines, a list)
    // says its first line is not the start of a wrapped sentence, however long.
    let rest_punctuated = lines[i + 1..]
        .iter()
        .take_while(|(b, _)| *b == 0)
        .all(|(_, l)| {
            text[l.content.clone()]
                .chars()
                .next_back()
                .is_some_and(|c| !c.is_alphanumeric())
        });
    (i == 0 || *blanks > 0)
        && line.chars <= HEADING_MAX
        && (line.chars * CUT_SHARE.1 < next.chars * CUT_SHARE.0 || rest_punctuated)
        && last.is_some_and(char::is_alphanumeric)
}

/// Median length of the lines around line `i`: pages mix columns of different widths, so a
/// line is compared with its neighbours, not with the whole document.
fn local_median(lengths: &[usize], i: usize) -> usize {
    let mut near = lengths[i.saturating_sub(REACH)..(i + REACH + 1).min(lengths.len())].to_vec();
    near.sort_unstable();
    near[near.len() / 2]
}

/// True when a line starts with a mark that cannot open a paragraph: a comma, a stop, a
/// closing bracket or quotation mark.
fn opens_inside(text: &str, line: &Line) -> bool {
    text[line.content.clone()]
        .chars()
        .next()
        .is_some_and(|c| CONTINUATIONS.contains(&c) || crate::chars::is_closer(c))
}

/// In hard-wrapped text of a spaced script, a break is a wrap when the next line's first word
/// would not have fitted on this line (as a filling editor wraps): a short line whose
/// successor's first word would have fitted ends its paragraph, whatever its last character.
fn is_spaced_wrap(text: &str, line: &Line, next: &Line, lengths: &[usize], i: usize) -> bool {
    let (this, following) = (&text[line.content.clone()], &text[next.content.clone()]);
    let spaced = |c: Option<char>| c.is_some_and(|c| !crate::chars::is_cjk(c));
    if !spaced(this.chars().next_back()) || !spaced(following.chars().next()) {
        return false;
    }
    let near = &lengths[i.saturating_sub(REACH)..(i + REACH + 1).min(lengths.len())];
    let width = near.iter().copied().max().unwrap_or(0);
    // The width must be a real one: several lines filled close to it.
    let filled = near.iter().filter(|&&n| n * 20 >= width * 17).count();
    if filled < WRAP_FILLED_LINES {
        return false;
    }
    let first_word = following
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count());
    line.chars + 1 + first_word > width
}

fn is_cut(text: &str, line: &Line, next: &Line, median: usize) -> bool {
    let last = text[line.content.clone()].chars().next_back();
    let first = text[next.content.clone()].chars().next();
    let ends_open = last.is_some_and(|c| !ends_paragraph(c));
    let continues = first.is_some_and(char::is_alphanumeric);
    ends_open && continues && line.chars * CUT_SHARE.1 >= median * CUT_SHARE.0
}

/// Sentences inside the given paragraphs: split after `。！？；!?;` (and `.` before a space or
/// the end), keeping closing quotes and brackets with the sentence they close.
pub fn sentences(text: &str, paragraphs: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for para in paragraphs {
        let mut start = para.start;
        let mut iter = text[para.clone()].char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let next = iter.peek().map(|&(_, n)| n);
            let ends = ends_sentence(c)
                || (c == '.' && next.is_none_or(|n| n.is_whitespace() || is_closer(n)));
            if !ends {
                continue;
            }
            let mut end = para.start + i + c.len_utf8();
            while let Some(&(j, n)) = iter.peek() {
                if !is_closer(n) {
                    break;
                }
                end = para.start + j + n.len_utf8();
                iter.next();
            }
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
        push_trimmed(text, start..para.end, &mut out);
    }
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push(range.start + lead..range.start + lead + t.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'t>(text: &'t str, ranges: &[Range<usize>]) -> Vec<&'t str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn one_paragraph_per_line() {
        let t = "标题\n第一段。\n第二段很长很长，没有句号但是下一行很短\nok\r\nlast";
        assert_eq!(
            texts(t, &paragraphs(t)),
            [
                "标题",
                "第一段。",
                "第二段很长很长，没有句号但是下一行很短",
                "ok",
                "last"
            ]
        );
    }

    #[test]
    fn blank_separated_paragraph_cut_mid_word_is_joined() {
        let t = "\n\n标题\n\n中国—中亚人文旅游班列成\n\n功开行。今天\n\n两年来，机制建立。\n";
        assert_eq!(
            texts(t, &paragraphs(t)),
            [
                "标题",
                "中国—中亚人文旅游班列成\n\n功开行。今天",
                "两年来，机制建立。"
            ]
        );
    }

    #[test]
    fn hard_wrapped_columns_are_joined() {
        let t = "新华社北京 6月 18日电 2025 年\n\n6 月 16日至 18日，国家主席习近平应邀\n\n\
                 赴哈萨克斯坦出席第二届中国－中亚峰会。\n\n行程结束之际，中共中央政治局委员、\n\n\
                 外交部长王毅向随行记者介绍此访情况。\n\n一、继往开来\n\n王毅说，仲夏时节，习近平主席赴";
        let p = texts(t, &paragraphs(t));
        assert_eq!(p.len(), 4, "{p:#?}");
        assert!(p[0].starts_with("新华社北京") && p[0].ends_with("峰会。"));
        assert!(p[1].starts_with("行程") && p[1].ends_with("情况。"));
        assert_eq!(p[2], "一、继往开来");
    }

    #[test]
    fn sentences_keep_closing_quotes() {
        let t = "他说：“好。”然后走了！U.N.-centered system. Next one";
        let p = paragraphs(t);
        assert_eq!(
            texts(t, &sentences(t, &p)),
            [
                "他说：“好。”",
                "然后走了！",
                "U.N.-centered system.",
                "Next one"
            ]
        );
    }

    #[test]
    fn empty_and_blank_texts_have_no_paragraphs() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n\r\n\t").is_empty());
    }
}
