//! Diagnostics as a JUnit XML report, for the CI systems that show test results (GitLab,
//! Jenkins, Azure Pipelines, CircleCI, GitHub actions that read JUnit).
//!
//! One `testsuite` for the command run, one `testcase` per [`Case`] (a document or a pair).
//! A case fails when one of its diagnostics fails the command ([`Diagnostic::fails`]: what
//! makes the exit status 1 under the options given, so that the report and the exit status
//! agree); its `failure` lists those. The case's other diagnostics are in its `system-out`.
//! No times, no host name: the same diagnostics give the same bytes.

use std::fmt::Write as _;

use super::escape_markup;
use super::github::plural;
use crate::diagnostics::{Case, Diagnostic, Diagnostics, Level};

/// The JUnit XML report of `d`.
pub fn xml(d: &Diagnostics) -> String {
    let cases = cases(d);
    let failures = cases
        .iter()
        .filter(|c| failing(d, &c.diagnostics).next().is_some())
        .count();
    let suite = format!("witness {}", d.command);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\"",
        cases.len()
    );
    let _ = writeln!(out, "<testsuites name=\"{}\" {counts}>", attr(&suite));
    let _ = writeln!(out, "  <testsuite name=\"{}\" {counts}>", attr(&suite));
    let _ = writeln!(
        out,
        "    <properties>\n      <property name=\"omitted\" value=\"{}\"/>\n    </properties>",
        d.omitted
    );
    for case in &cases {
        testcase(&mut out, d, case);
    }
    out += "  </testsuite>\n</testsuites>\n";
    out
}

/// The cases to report: the command's, and one more for diagnostics that no case lists, so
/// that none is lost.
fn cases(d: &Diagnostics) -> Vec<Case> {
    let mut listed = vec![false; d.diagnostics.len()];
    for i in d.cases.iter().flat_map(|c| &c.diagnostics) {
        if let Some(l) = listed.get_mut(*i) {
            *l = true;
        }
    }
    let mut cases = d.cases.clone();
    let unlisted: Vec<usize> = (0..listed.len()).filter(|&i| !listed[i]).collect();
    if !unlisted.is_empty() {
        cases.push(Case {
            name: format!("witness {}", d.command),
            diagnostics: unlisted,
        });
    }
    cases
}

/// The diagnostics of a case that fail it.
fn failing<'d>(d: &'d Diagnostics, indices: &'d [usize]) -> impl Iterator<Item = &'d Diagnostic> {
    of_case(d, indices).filter(|x| x.fails)
}

fn of_case<'d>(d: &'d Diagnostics, indices: &'d [usize]) -> impl Iterator<Item = &'d Diagnostic> {
    indices.iter().filter_map(|&i| d.diagnostics.get(i))
}

fn testcase(out: &mut String, d: &Diagnostics, case: &Case) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"witness.{}\"",
        attr(&case.name),
        d.command
    );
    let failing: Vec<&Diagnostic> = failing(d, &case.diagnostics).collect();
    let others: Vec<&Diagnostic> = of_case(d, &case.diagnostics).filter(|x| !x.fails).collect();
    if failing.is_empty() && others.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some(worst) = failing.iter().map(|x| x.level).max() {
        let message: Vec<String> = [Level::Error, Level::Warning, Level::Note]
            .into_iter()
            .map(|l| (l, failing.iter().filter(|x| x.level == l).count()))
            .filter(|&(_, n)| n > 0)
            .map(|(l, n)| plural(n, l.name()))
            .collect();
        let _ = write!(
            out,
            "      <failure message=\"{}\" type=\"{}\">",
            attr(&message.join(", ")),
            worst.name()
        );
        out.push_str(&text(&listing(&failing)));
        out.push_str("</failure>\n");
    }
    if !others.is_empty() {
        out.push_str("      <system-out>");
        out.push_str(&text(&listing(&others)));
        out.push_str("</system-out>\n");
    }
    out.push_str("    </testcase>\n");
}

/// One line a diagnostic: `error witness/variant/omission b.txt:3:5: message`, the column
/// in characters.
fn listing(diags: &[&Diagnostic]) -> String {
    let mut s = String::new();
    for x in diags {
        let _ = writeln!(
            s,
            "{} {} {}:{}:{}: {}",
            x.level.name(),
            x.rule,
            x.span.path,
            x.span.start.line,
            x.span.start.column,
            x.message
        );
    }
    s
}

/// Text content: [`escape_markup`] (which also writes the characters XML 1.0 does not allow
/// as markers, `⟨U+0001⟩`), and CR as a reference, which a parser would otherwise read as a
/// line feed.
fn text(s: &str) -> String {
    escape_markup(s).replace('\r', "&#13;")
}

/// An attribute's value: as [`text`], and tabs and line feeds as references, which a parser
/// would otherwise read as spaces.
fn attr(s: &str) -> String {
    text(s).replace('\n', "&#10;").replace('\t', "&#9;")
}
