//! Diagnostics for GitHub Actions: workflow commands that annotate the files of a run
//! ([`commands`]), and a Markdown summary for `$GITHUB_STEP_SUMMARY` ([`summary`]), which
//! lists every diagnostic where annotations stop (GitHub shows 10 errors and 10 warnings of a
//! step).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{mark, md};
use crate::diagnostics::{Diagnostic, Diagnostics, Level};

/// Bytes of a message GitHub keeps in an annotation (64 KiB).
const MAX_MESSAGE: usize = 64 * 1024;

/// Bytes a step summary may hold: GitHub drops a larger one whole (1 MiB).
pub const MAX_SUMMARY: usize = 1024 * 1024;

/// The workflow command of a level: `notice`, `warning`, `error`.
pub fn command(level: Level) -> &'static str {
    match level {
        Level::Note => "notice",
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

/// One workflow command a line, one line a diagnostic, in report order:
/// `::error file=b.txt,line=3,endLine=3,col=5,endColumn=7,title=witness/variant/omission::…`.
///
/// Columns count UTF-16 code units (as GitHub's pages do) and are given only for a span on
/// one line, as GitHub wants. Values are escaped as the runner reads them (`%`, CR and LF in
/// the message; also `:` and `,` in properties); invisible characters and controls of the
/// message are shown as markers (`⟨U+202E⟩`), so that no document text can colour or reorder
/// the log; a message over 64 KiB is cut.
pub fn commands(d: &Diagnostics) -> String {
    let mut out = String::new();
    for diag in &d.diagnostics {
        out += &annotation(diag);
        out.push('\n');
    }
    out
}

fn annotation(diag: &Diagnostic) -> String {
    let span = &diag.span;
    let mut props = vec![
        ("file", span.path.clone()),
        ("line", span.start.line.to_string()),
        ("endLine", span.end.line.to_string()),
    ];
    if span.start.line == span.end.line {
        props.push(("col", span.start_columns.utf16.to_string()));
        props.push(("endColumn", span.end_columns.utf16.to_string()));
    }
    props.push(("title", diag.rule.clone()));
    // The path stays as it is, to name the file in the repository; the rest is shown.
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| match *k {
            "file" => format!("{k}={}", escape_property(v)),
            _ => format!("{k}={}", escape_property(&mark(v))),
        })
        .collect();
    format!(
        "::{} {}::{}",
        command(diag.level),
        props.join(","),
        escape_data(&cut(&mark(&diag.message), MAX_MESSAGE))
    )
}

/// The runner's escaping of a command's message: `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The runner's escaping of a property's value: as [`escape_data`], and `:` and `,`, which
/// end a value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `s` cut to at most `max` bytes on a character boundary, ending with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A Markdown summary for `$GITHUB_STEP_SUMMARY`: counts by level, of the diagnostics that
/// fail the check, and by rule, then a table of the diagnostics in report order, each with its
/// place (`path:line:column`, the column in characters). Cells are escaped for GitHub's tables, invisible characters shown as markers.
/// The table stops before the summary would pass [`MAX_SUMMARY`], and says how many rows it
/// left out.
pub fn summary(d: &Diagnostics) -> String {
    let count = |l: Level| d.diagnostics.iter().filter(|x| x.level == l).count();
    let (errors, warnings, notes) = (
        count(Level::Error),
        count(Level::Warning),
        count(Level::Note),
    );
    let mut out = format!(
        "## witness {}: {}, {}, {}\n\n",
        d.command,
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(notes, "note")
    );
    let failing = d.diagnostics.iter().filter(|x| x.fails).count();
    if failing > 0 {
        let verb = if failing == 1 { "fails" } else { "fail" };
        let _ = writeln!(out, "{} {verb} the check.\n", plural(failing, "diagnostic"));
    }
    if d.omitted > 0 {
        let _ = writeln!(
            out,
            "{} left out (`--all` lists them).\n",
            plural(d.omitted, "cosmetic diagnostic")
        );
    }
    if d.diagnostics.is_empty() {
        return out;
    }
    out += "| Rule | Errors | Warnings | Notes |\n|---|---:|---:|---:|\n";
    for (rule, [e, w, n]) in by_rule(d) {
        let _ = writeln!(out, "| {} | {e} | {w} | {n} |", cell(rule));
    }
    out += "\n| # | Level | Rule | Place | Message |\n|---:|---|---|---|---|\n";
    for (i, diag) in d.diagnostics.iter().enumerate() {
        let row = format!(
            "| {} | {} | {} | {}:{}:{} | {} |\n",
            i + 1,
            diag.level.name(),
            cell(&diag.rule),
            cell(&diag.span.path),
            diag.span.start.line,
            diag.span.start.column,
            cell(&diag.message)
        );
        let left = d.diagnostics.len() - i;
        let tail = format!(
            "\n{} more not shown: a step summary holds at most 1 MiB.\n",
            left
        );
        if out.len() + row.len() + tail.len() > MAX_SUMMARY {
            return out + &tail;
        }
        out += &row;
    }
    out
}

/// Counts by rule, `[errors, warnings, notes]`: the command's rules in their order, then any
/// other rule a diagnostic names, by id.
fn by_rule(d: &Diagnostics) -> Vec<(&str, [usize; 3])> {
    let mut counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for diag in &d.diagnostics {
        let slot = match diag.level {
            Level::Error => 0,
            Level::Warning => 1,
            Level::Note => 2,
        };
        counts.entry(&diag.rule).or_default()[slot] += 1;
    }
    let mut out: Vec<(&str, [usize; 3])> = d
        .rules
        .iter()
        .filter_map(|r| counts.remove(r.id.as_str()).map(|c| (r.id.as_str(), c)))
        .collect();
    out.extend(counts);
    out
}

/// A table cell: [`md`], and `&` and `~` too (entities, strikethrough).
fn cell(s: &str) -> String {
    md(s).replace('&', "\\&").replace('~', "\\~")
}

/// `1 error`, `2 errors`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cut_on_character_boundaries() {
        assert_eq!(cut("跨里海", 9), "跨里海");
        assert_eq!(cut("跨里海", 8), "跨…");
    }

    #[test]
    fn property_values_cannot_end_early() {
        assert_eq!(escape_property("a:b,c%\r\n"), "a%3Ab%2Cc%25%0D%0A");
        assert_eq!(escape_data("a:b,c%\r\n"), "a:b,c%25%0D%0A");
    }
}
