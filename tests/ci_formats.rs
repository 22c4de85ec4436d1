//! The CI formats (SARIF, GitHub workflow commands and step summary, reviewdog rdjsonl,
//! JUnit XML) of hand-made diagnostics: valid against the published schemas, read back to the
//! values written, with columns counted in each format's unit.

mod common;

use std::collections::BTreeMap;

use common::{NEWSPAPER, OFFICIAL, witness};

use serde_json::{Value, json};
use witness::Position;
use witness::diagnostics::{Case, Columns, Diagnostic, Diagnostics, Level, Related, Rule, Span};
use witness::report::{github, junit, rdjsonl, sarif};

/// Line 2 has an astral character (U+1D11E, two UTF-16 units, four UTF-8 bytes) before `丙`.
const B: &str = "第一行\n甲乙𝄞丙丁\n𝄞x\n末行一\n末行二\n";
const A: &str = "第一行\n甲乙丙丁\n";

/// The span of `text[range]` in a file `path` holding `text` (UTF-8, no BOM): what
/// `Document::position` computes, by hand.
fn span(path: &str, text: &str, range: std::ops::Range<usize>) -> Span {
    let position = |byte: usize| {
        let before = &text[..byte];
        let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
        let p = Position {
            byte,
            text_byte: byte,
            char: before.chars().count(),
            line: before.matches('\n').count() + 1,
            column: line.chars().count() + 1,
            address: None,
        };
        let columns = Columns {
            utf8: line.len() + 1,
            utf16: line.encode_utf16().count() + 1,
        };
        (p, columns)
    };
    let ((start, start_columns), (end, end_columns)) = (position(range.start), position(range.end));
    Span {
        path: path.into(),
        start,
        end,
        start_columns,
        end_columns,
    }
}

/// The byte range of the `n`-th (0-based) occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, n: usize) -> std::ops::Range<usize> {
    let at = text.match_indices(needle).nth(n).unwrap().0;
    at..at + needle.len()
}

const HARD_MESSAGE: &str =
    "substitution: \"丙\" here, \"丁\" in a at 2:3 | 100% sure,\r\nnext <&> line";

fn rule(id: &str, name: &str) -> Rule {
    Rule {
        id: id.into(),
        name: name.into(),
        description: format!("A {name}."),
    }
}

fn diagnostics() -> Diagnostics {
    let b = "dir/b 文.txt";
    let substitution = Diagnostic {
        rule: "witness/variant/substitution".into(),
        level: Level::Error,
        span: span(b, B, find(B, "丙", 0)),
        message: HARD_MESSAGE.into(),
        suggestion: Some("丁𝄞".into()),
        related: vec![Related {
            span: span("a.txt", A, find(A, "丙", 0)),
            message: "the reading of a".into(),
        }],
        fingerprint: "0123456789abcdef0123456789abcdef".into(),
        fails: true,
        cosmetic: false,
    };
    // A point after the astral character of line 3: an omission, which does not fail (as
    // under `--fail-on high`).
    let at = find(B, "x", 0).start;
    let omission = Diagnostic {
        rule: "witness/variant/omission".into(),
        level: Level::Warning,
        span: span(b, B, at..at),
        message: "omission: ∅ here, \"乙\" in a".into(),
        suggestion: Some("乙".into()),
        related: vec![],
        fingerprint: "fedcba9876543210fedcba9876543210".into(),
        fails: false,
        cosmetic: false,
    };
    // Two lines, no proposal.
    let block = Diagnostic {
        rule: "witness/block".into(),
        level: Level::Error,
        span: span(b, B, find(B, "末行一\n末行二", 0)),
        message: "block: only in b".into(),
        suggestion: None,
        related: vec![],
        fingerprint: "00000000000000000000000000000001".into(),
        fails: true,
        cosmetic: false,
    };
    let note = Diagnostic {
        rule: "witness/variant/width".into(),
        level: Level::Note,
        span: span("c.txt", "x，y\n", find("x，y\n", "，", 0)),
        message: "width {0}: \u{1}\u{202E} [x](1)".into(),
        suggestion: None,
        related: vec![],
        fingerprint: "00000000000000000000000000000002".into(),
        fails: false,
        cosmetic: false,
    };
    Diagnostics {
        command: "diff",
        rules: vec![
            rule("witness/variant/omission", "omission"),
            rule("witness/variant/substitution", "substitution"),
            rule("witness/variant/width", "width"),
            rule("witness/block", "block"),
        ],
        diagnostics: vec![substitution, omission, block, note],
        cases: vec![
            Case {
                name: "a.txt ↔ dir/b 文.txt".into(),
                diagnostics: vec![0, 1, 2],
            },
            Case {
                name: "c.txt".into(),
                diagnostics: vec![3],
            },
            Case {
                name: "d.txt".into(),
                diagnostics: vec![],
            },
        ],
        omitted: 7,
    }
}

fn schema(path: &str) -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/schemas/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Validates `instance` against `schema` as the draft it declares (draft 4), and again as
/// draft 7 with formats checked (draft 4 has no `uri-reference` format): no network, local
/// references only.
fn assert_valid(schema: &Value, instance: &Value) {
    for draft in [jsonschema::Draft::Draft4, jsonschema::Draft::Draft7] {
        let validator = jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(true)
            .build(schema)
            .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{draft:?}: {errors:#?}\n{instance:#}");
    }
}

fn sarif_of(d: &Diagnostics) -> Value {
    serde_json::from_str(&sarif::log(d)).unwrap()
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema = schema("sarif/sarif-schema-2.1.0.json");
    assert_valid(&schema, &sarif_of(&diagnostics()));
    // With nothing found too.
    let mut empty = diagnostics();
    empty.diagnostics.clear();
    empty.cases.clear();
    assert_valid(&schema, &sarif_of(&empty));
}

#[test]
fn sarif_carries_rules_levels_places_fixes_and_fingerprints() {
    let log = sarif_of(&diagnostics());
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], sarif::SCHEMA);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert_eq!(run["automationDetails"]["id"], "witness/diff/");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "witness");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["rules"][1]["id"], "witness/variant/substitution");
    assert_eq!(driver["rules"][1]["name"], "substitution");
    assert_eq!(
        driver["rules"][1]["shortDescription"]["text"],
        "A substitution."
    );
    assert_eq!(
        driver["rules"][1]["fullDescription"]["text"],
        "A substitution."
    );
    assert_eq!(driver["rules"][1]["help"]["text"], "A substitution.");
    assert_eq!(
        driver["rules"][1]["defaultConfiguration"]["level"],
        "warning"
    );
    assert_eq!(run["properties"]["omitted"], 7);
    assert_eq!(run["properties"]["resultsLeftOut"], 0);
    assert!(run.get("invocations").is_none());

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let r = &results[0];
    assert_eq!(r["ruleId"], "witness/variant/substitution");
    assert_eq!(r["ruleIndex"], 1);
    assert_eq!(r["level"], "error");
    // Braces would be placeholders; this message has none, and no link.
    assert_eq!(r["message"]["text"], HARD_MESSAGE);
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"],
        json!({"uri": "dir/b%20%E6%96%87.txt", "uriBaseId": "%SRCROOT%"})
    );
    // 甲 乙 are one unit each, 𝄞 two: 丙 is at UTF-16 column 5. Bytes: 第一行\n is 10.
    let region = json!({
        "startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 6,
        "byteOffset": 10 + 3 + 3 + 4, "byteLength": 3
    });
    assert_eq!(loc["region"], region);
    assert_eq!(
        r["partialFingerprints"],
        json!({
            "witnessFingerprint/v1": "0123456789abcdef0123456789abcdef",
            "primaryLocationLineHash": "0123456789abcdef0123456789abcdef:1"
        })
    );
    let related = &r["relatedLocations"][0];
    assert_eq!(related["id"], 1);
    assert_eq!(related["message"]["text"], "the reading of a");
    assert_eq!(
        related["physicalLocation"]["region"],
        json!({"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 4,
               "byteOffset": 16, "byteLength": 3})
    );
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "a.txt"
    );
    let change = &r["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"], loc["artifactLocation"]);
    assert_eq!(change["replacements"][0]["deletedRegion"], region);
    assert_eq!(change["replacements"][0]["insertedContent"]["text"], "丁𝄞");

    // The omission: an insertion point after 𝄞 (UTF-16 column 3).
    let point = &results[1]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        *point,
        json!({"startLine": 3, "startColumn": 3, "endLine": 3, "endColumn": 3,
               "byteOffset": 31, "byteLength": 0})
    );
    assert_eq!(results[1]["level"], "warning");
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["region"]["endLine"],
        5
    );
    assert!(results[2].get("fixes").is_none());
    // The note: braces doubled, the link-like text escaped, controls kept (JSON escapes them).
    assert_eq!(results[3]["level"], "note");
    assert_eq!(
        results[3]["message"]["text"],
        "width {{0}}: \u{1}\u{202E} \\[x\\](1)"
    );
}

#[test]
fn sarif_is_deterministic() {
    assert_eq!(sarif::log(&diagnostics()), sarif::log(&diagnostics()));
}

#[test]
fn sarif_keeps_within_githubs_limits_and_says_what_it_left_out() {
    let mut d = diagnostics();
    let many = d.diagnostics[1].clone();
    d.diagnostics
        .extend(std::iter::repeat_n(many, sarif::MAX_RESULTS));
    d.diagnostics[0].related = vec![d.diagnostics[0].related[0].clone(); sarif::MAX_RELATED + 5];
    let log = sarif_of(&d);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    // Errors stay; the note and the last warnings go.
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results[2]["level"], "error");
    assert!(results.iter().all(|r| r["level"] != "note"));
    assert_eq!(run["properties"]["resultsLeftOut"], 4);
    assert_eq!(
        results[0]["relatedLocations"].as_array().unwrap().len(),
        sarif::MAX_RELATED
    );
    assert_eq!(run["properties"]["relatedLocationsLeftOut"], 5);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2);
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("4 of 25004 results left out")
    );
}

/// A workflow command read back as the runner reads it: the command, its properties
/// unescaped, and its message unescaped.
fn parse_command(line: &str) -> (String, BTreeMap<String, String>, String) {
    let unescape = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let rest = line.strip_prefix("::").unwrap();
    let (head, message) = rest.split_once("::").unwrap();
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    (command.to_string(), props, unescape(message))
}

#[test]
fn github_commands_read_back_to_the_values_written() {
    let out = github::commands(&diagnostics());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    let (command, props, message) = parse_command(lines[0]);
    assert_eq!(command, "error");
    assert_eq!(message, HARD_MESSAGE);
    let expected: BTreeMap<String, String> = [
        ("file", "dir/b 文.txt"),
        ("line", "2"),
        ("endLine", "2"),
        ("col", "5"),
        ("endColumn", "6"),
        ("title", "witness/variant/substitution"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(props, expected);
    // The escapes themselves.
    assert!(
        lines[0].ends_with("2:3 | 100%25 sure,%0D%0Anext <&> line"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains(",title=witness/variant/substitution::"));

    let (command, props, _) = parse_command(lines[1]);
    assert_eq!(command, "warning");
    assert_eq!((&props["col"][..], &props["endColumn"][..]), ("3", "3"));
    // Over two lines: no columns.
    let (command, props, _) = parse_command(lines[2]);
    assert_eq!(command, "error");
    assert_eq!((&props["line"][..], &props["endLine"][..]), ("4", "5"));
    assert!(!props.contains_key("col") && !props.contains_key("endColumn"));
    // A note is a notice; a control and a bidi override become markers.
    let (command, _, message) = parse_command(lines[3]);
    assert_eq!(command, "notice");
    assert_eq!(message, "width {0}: ⟨U+0001⟩⟨U+202E⟩ [x](1)");
}

#[test]
fn github_summary_counts_and_lists_every_diagnostic() {
    let s = github::summary(&diagnostics());
    assert!(
        s.starts_with(
            "## witness diff: 2 errors, 1 warning, 1 note\n\n2 diagnostics fail the check.\n\n\
             7 cosmetic diagnostics left out (`--all` lists them).\n\n"
        ),
        "{s}"
    );
    assert!(
        s.contains("| witness/variant/substitution | 1 | 0 | 0 |\n"),
        "{s}"
    );
    assert!(s.contains("| witness/block | 1 | 0 | 0 |\n"), "{s}");
    // Rules in the command's order: omission before substitution.
    assert!(s.find("variant/omission |").unwrap() < s.find("variant/substitution |").unwrap());
    let rows: Vec<&str> = s
        .lines()
        .filter(|l| {
            l.starts_with("| ")
                && l.split(" | ")
                    .nth(1)
                    .is_some_and(|c| ["error", "warning", "note"].contains(&c))
        })
        .collect();
    assert_eq!(rows.len(), 4, "{s}");
    // Pipes, angle brackets and ampersands escaped; the line break made visible.
    assert_eq!(
        rows[0],
        "| 1 | error | witness/variant/substitution | dir/b 文.txt:2:4 | substitution: \"丙\" here, \
         \"丁\" in a at 2:3 \\| 100% sure,␍⏎next \\<\\&\\> line |"
    );
    assert!(rows[3].contains("⟨U+202E⟩"), "{}", rows[3]);
}

#[test]
fn github_summary_stops_before_one_mebibyte() {
    let mut d = diagnostics();
    let mut long = d.diagnostics[2].clone();
    long.message = "长".repeat(10_000);
    d.diagnostics = vec![long; 100];
    let s = github::summary(&d);
    assert!(s.len() <= github::MAX_SUMMARY);
    let shown = s.lines().filter(|l| l.contains("长长长")).count();
    assert!(shown > 0 && shown < 100);
    assert!(s.ends_with(&format!(
        "\n{} more not shown: a step summary holds at most 1 MiB.\n",
        100 - shown
    )));
}

#[test]
fn rdjsonl_is_valid_against_reviewdogs_schema_with_utf8_columns() {
    let schema = schema("reviewdog/Diagnostic.json");
    let out = rdjsonl::lines(&diagnostics());
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    for l in &lines {
        assert_valid(&schema, l);
    }
    // 甲 乙 are three bytes each, 𝄞 four: 丙 starts at byte column 11.
    let range = json!({"start": {"line": 2, "column": 11}, "end": {"line": 2, "column": 14}});
    assert_eq!(
        lines[0],
        json!({
            "message": HARD_MESSAGE,
            "location": {"path": "dir/b 文.txt", "range": range},
            "severity": "ERROR",
            "source": {"name": "witness"},
            "code": {"value": "witness/variant/substitution"},
            "suggestions": [{"range": range, "text": "丁𝄞"}],
            "related_locations": [{
                "message": "the reading of a",
                "location": {"path": "a.txt", "range": {
                    "start": {"line": 2, "column": 7}, "end": {"line": 2, "column": 10}}}
            }]
        })
    );
    // The omission: an insertion after 𝄞.
    assert_eq!(lines[1]["severity"], "WARNING");
    assert_eq!(
        lines[1]["suggestions"],
        json!([{"range": {"start": {"line": 3, "column": 5}, "end": {"line": 3, "column": 5}},
                "text": "乙"}])
    );
    assert!(lines[2].get("suggestions").is_none());
    assert_eq!(
        lines[2]["location"]["range"]["end"],
        json!({"line": 5, "column": 10})
    );
    assert_eq!(lines[3]["severity"], "INFO");
    assert_eq!(out, rdjsonl::lines(&diagnostics()));
}

/// The JUnit report read with quick-xml: per test case, its name, its failure (message and
/// text) if any, and its `system-out`; and the suite's attributes.
#[derive(Debug, Default)]
struct TestCase {
    name: String,
    classname: String,
    failure: Option<(String, String, String)>,
    out: Option<String>,
}

fn read_junit(xml: &str) -> (BTreeMap<String, String>, Vec<TestCase>) {
    use quick_xml::events::{BytesStart, Event};
    let attrs = |e: &BytesStart| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .unwrap();
                (a.key.0.to_string(), v.into_owned())
            })
            .collect()
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suite = BTreeMap::new();
    let mut cases: Vec<TestCase> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        let event = reader.read_event().unwrap();
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let a = attrs(e);
                match e.name().0 {
                    "testsuite" => suite = a,
                    "testcase" => cases.push(TestCase {
                        name: a["name"].clone(),
                        classname: a["classname"].clone(),
                        ..Default::default()
                    }),
                    "failure" => {
                        cases.last_mut().unwrap().failure =
                            Some((a["message"].clone(), a["type"].clone(), String::new()))
                    }
                    _ => {}
                }
                if matches!(event, Event::Start(_)) {
                    open.push(e.name().0.to_string());
                    text.clear();
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.xml10_content().as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => r.resolve_char_ref().unwrap().unwrap(),
                };
                text.push(c);
            }
            Event::End(e) => {
                assert_eq!(open.pop().as_deref(), Some(e.name().0));
                let case = cases.last_mut();
                match (e.name().0, case) {
                    ("failure", Some(c)) => c.failure.as_mut().unwrap().2 = text.clone(),
                    ("system-out", Some(c)) => c.out = Some(text.clone()),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert!(open.is_empty());
    (suite, cases)
}

#[test]
fn junit_has_a_case_per_document_or_pair_failing_as_the_command_does() {
    let xml = junit::xml(&diagnostics());
    for c in xml.chars() {
        let allowed = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
        assert!(allowed, "U+{:04X} is not an XML 1.0 character", c as u32);
    }
    let (suite, cases) = read_junit(&xml);
    assert_eq!(suite["name"], "witness diff");
    assert_eq!(suite["tests"], "3");
    assert_eq!(suite["failures"], "1");
    assert_eq!(suite["errors"], "0");
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a.txt ↔ dir/b 文.txt", "c.txt", "d.txt"]);
    assert!(cases.iter().all(|c| c.classname == "witness.diff"));

    // The diagnostics that fail the command fail the case; the others are its output.
    let (message, kind, text) = cases[0].failure.clone().unwrap();
    assert_eq!(message, "2 errors");
    assert_eq!(kind, "error");
    // The carriage return survives as a reference; `<&>` as entities.
    assert_eq!(
        text,
        format!(
            "error witness/variant/substitution dir/b 文.txt:2:4: {HARD_MESSAGE}\n\
             error witness/block dir/b 文.txt:4:1: block: only in b\n"
        )
    );
    assert_eq!(
        cases[0].out.as_deref(),
        Some("warning witness/variant/omission dir/b 文.txt:3:2: omission: ∅ here, \"乙\" in a\n")
    );
    // Nothing failing: the case passes, the note in its output, U+0001 as a marker.
    assert!(cases[1].failure.is_none());
    assert_eq!(
        cases[1].out.as_deref(),
        Some("note witness/variant/width c.txt:1:2: width {0}: ⟨U+0001⟩\u{202E} [x](1)\n")
    );
    assert!(cases[2].failure.is_none() && cases[2].out.is_none());
    assert_eq!(xml, junit::xml(&diagnostics()));
}

#[test]
fn junit_reports_diagnostics_that_no_case_lists() {
    let mut d = diagnostics();
    d.cases.truncate(1);
    let (suite, cases) = read_junit(&junit::xml(&d));
    assert_eq!(suite["tests"], "2");
    assert_eq!(cases[1].name, "witness diff");
    assert!(
        cases[1]
            .out
            .as_deref()
            .unwrap()
            .starts_with("note witness/variant/width c.txt")
    );
}

#[test]
fn the_validators_catch_what_github_would_reject() {
    let schema = schema("sarif/sarif-schema-2.1.0.json");
    let valid = sarif_of(&diagnostics());
    let invalid = |edit: &dyn Fn(&mut Value)| {
        let mut log = valid.clone();
        edit(&mut log);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        !validator.is_valid(&log)
    };
    let location = "/runs/0/results/0/locations/0/physicalLocation";
    assert!(invalid(&|l| {
        *l.pointer_mut(&format!("{location}/region/startColumn"))
            .unwrap() = json!(0)
    }));
    assert!(invalid(&|l| {
        *l.pointer_mut(&format!("{location}/artifactLocation/uri"))
            .unwrap() = json!("b 文.txt")
    }));
    assert!(invalid(&|l| *l
        .pointer_mut("/runs/0/results/0/level")
        .unwrap() = json!("info")));
}

/// The byte offset in `text` of a 1-based line and column, the column counted in UTF-16 code
/// units or in UTF-8 bytes.
fn offset(text: &str, line: u64, column: u64, utf16: bool) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let mut units = 1;
    for (i, c) in text[start..].char_indices() {
        if units == column {
            return start + i;
        }
        units += if utf16 { c.len_utf16() } else { c.len_utf8() } as u64;
    }
    assert_eq!(units, column, "column past the end");
    text.len()
}

fn run_ci(format: &str) -> (Option<i32>, String) {
    let out = witness()
        .args(["diff", OFFICIAL, NEWSPAPER, "--format", format])
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

fn file_text(uri: &str) -> String {
    std::fs::read_to_string(format!("{}/{uri}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The byte range a SARIF region's lines and UTF-16 columns give, checked against the range
/// its byte offset and length give (SARIF 2.1.0 §3.30.1: the two SHALL agree).
fn sarif_range(location: &Value) -> (String, std::ops::Range<usize>) {
    let uri = location["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let text = file_text(&uri);
    let r = &location["region"];
    let n = |k: &str| r[k].as_u64().unwrap();
    let range = offset(&text, n("startLine"), n("startColumn"), true)
        ..offset(&text, n("endLine"), n("endColumn"), true);
    let bytes = n("byteOffset") as usize..(n("byteOffset") + n("byteLength")) as usize;
    assert_eq!(range, bytes, "{location}");
    (uri, range)
}

#[test]
fn cli_sarif_of_a_pair_is_valid_and_points_at_the_readings() {
    let (code, out) = run_ci("sarif");
    assert_eq!(code, Some(1), "substantive variants fail");
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_valid(&schema("sarif/sarif-schema-2.1.0.json"), &log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let mut quoted = 0;
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let (uri, range) = sarif_range(loc);
        assert_eq!(uri, NEWSPAPER);
        for rel in r["relatedLocations"].as_array().into_iter().flatten() {
            assert_eq!(sarif_range(&rel["physicalLocation"]).0, OFFICIAL);
        }
        if let Some(fix) = r.get("fixes") {
            let change = &fix[0]["artifactChanges"][0];
            assert_eq!(change["replacements"][0]["deletedRegion"], loc["region"]);
        }
        assert_eq!(
            r["partialFingerprints"]["witnessFingerprint/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
        // `kind: "reading" here, …`: the region holds the reading.
        let message = r["message"]["text"].as_str().unwrap();
        if let Some(reading) = message
            .split_once(": \"")
            .and_then(|(_, rest)| rest.split_once("\" here"))
            .map(|(reading, _)| reading)
            .filter(|r| !r.contains(['⏎', '⟨']))
        {
            assert_eq!(&file_text(NEWSPAPER)[range], reading, "{message}");
            quoted += 1;
        }
    }
    assert!(quoted > 0);
    // The omission of 里 (README's example): a point in 004.
    let li = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("\"里\""))
        .unwrap();
    assert_eq!(li["ruleId"], "witness/variant/omission");
    assert_eq!(
        li["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "里"
    );
    let region = &li["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], region["endColumn"]);
    assert_eq!(out, run_ci("sarif").1, "deterministic");
}

#[test]
fn cli_rdjsonl_of_a_pair_is_valid_with_the_same_places_in_utf8_columns() {
    let (code, out) = run_ci("rdjsonl");
    assert_eq!(code, Some(1));
    let sarif: Value = serde_json::from_str(&run_ci("sarif").1).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let schema = schema("reviewdog/Diagnostic.json");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), results.len());
    let text = file_text(NEWSPAPER);
    for (l, r) in lines.iter().zip(results) {
        assert_valid(&schema, l);
        assert_eq!(l["location"]["path"], NEWSPAPER);
        let range = &l["location"]["range"];
        let at = |p: &Value| {
            offset(
                &text,
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
                false,
            )
        };
        let (_, expected) = sarif_range(&r["locations"][0]["physicalLocation"]);
        assert_eq!(at(&range["start"])..at(&range["end"]), expected);
        assert_eq!(l["code"]["value"], r["ruleId"]);
        let severity = match r["level"].as_str().unwrap() {
            "error" => "ERROR",
            "warning" => "WARNING",
            _ => "INFO",
        };
        assert_eq!(l["severity"], severity);
        match r.get("fixes") {
            Some(f) => assert_eq!(
                l["suggestions"][0]["text"],
                f[0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            ),
            None => assert!(l.get("suggestions").is_none()),
        }
    }
}

#[test]
fn cli_github_annotates_each_diagnostic_and_writes_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = witness()
        .args(["diff", OFFICIAL, NEWSPAPER, "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let sarif: Value = serde_json::from_str(&run_ci("sarif").1).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let commands: Vec<_> = stdout.lines().map(parse_command).collect();
    assert_eq!(commands.len(), results.len());
    for ((command, props, _), r) in commands.iter().zip(results) {
        let expected = match r["level"].as_str().unwrap() {
            "note" => "notice",
            level => level,
        };
        assert_eq!(command, expected);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(props["file"], NEWSPAPER);
        assert_eq!(props["line"], region["startLine"].to_string());
        assert_eq!(props["endLine"], region["endLine"].to_string());
        if region["startLine"] == region["endLine"] {
            assert_eq!(props["col"], region["startColumn"].to_string());
            assert_eq!(props["endColumn"], region["endColumn"].to_string());
        }
        assert_eq!(props["title"], r["ruleId"].as_str().unwrap());
    }
    // Appended after what an earlier step wrote.
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("earlier step\n## witness diff: "),
        "{summary}"
    );
    // The path's underscores escaped for Markdown.
    let place = format!("| {}:", NEWSPAPER.replace('_', "\\_"));
    let rows = summary.lines().filter(|l| l.contains(&place)).count();
    assert_eq!(rows, results.len());
}

#[test]
fn cli_junit_of_a_pair_is_one_failing_case() {
    let (code, out) = run_ci("junit");
    assert_eq!(code, Some(1));
    let (suite, cases) = read_junit(&out);
    assert_eq!((&suite["tests"][..], &suite["failures"][..]), ("1", "1"));
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].name, format!("{OFFICIAL} ↔ {NEWSPAPER}"));
    let (message, _, text) = cases[0].failure.clone().unwrap();
    // `2 errors, 5 warnings`: as many as the lines listed.
    let counted: usize = message
        .split(", ")
        .map(|part| part.split_once(' ').unwrap().0.parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted, text.lines().count(), "{message}");
    assert!(
        text.lines().all(|l| l.contains(&format!(" {NEWSPAPER}:"))),
        "{text}"
    );
    assert!(text.contains("witness/variant/omission"));
}

/// A PAGE page whose lines are `lines`.
fn page(lines: &[&str]) -> String {
    let mut body = String::new();
    for (i, l) in lines.iter().enumerate() {
        body += &format!(
            "<TextLine id=\"l{i}\"><Coords points=\"0,{y} 100,{y} 100,{h} 0,{h}\"/>\
             <TextEquiv><Unicode>{l}</Unicode></TextEquiv></TextLine>\n",
            y = i * 50,
            h = i * 50 + 40
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PcGts \
         xmlns=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15\">\
         <Page imageFilename=\"p.png\" imageWidth=\"100\" imageHeight=\"200\">\n\
         <TextRegion id=\"r0\"><Coords points=\"0,0 100,0 100,200 0,200\"/>\n{body}</TextRegion>\
         </Page></PcGts>\n"
    )
}

#[test]
fn a_variant_at_the_end_of_a_page_line_has_the_bytes_of_its_reading() {
    let dir = tempfile::tempdir().unwrap();
    let a = common::file(
        dir.path(),
        "a.page.xml",
        page(&["Binnen welcher Abend", "Zeit der"]).as_bytes(),
    );
    let b = common::file(
        dir.path(),
        "b.page.xml",
        page(&["Binnen welcher Abent", "Zeit dcr"]).as_bytes(),
    );
    let out = witness()
        .args(["diff", "-f", "sarif"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bytes = std::fs::read(&b).unwrap();
    let readings: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            let at = region["byteOffset"].as_u64().unwrap() as usize;
            let len = region["byteLength"].as_u64().unwrap() as usize;
            String::from_utf8(bytes[at..at + len].to_vec()).unwrap()
        })
        .collect();
    // Each ends at the end of its line's text: the region stops there, not at the start of
    // the next line's markup.
    assert_eq!(readings, ["Abent", "dcr"]);
}
