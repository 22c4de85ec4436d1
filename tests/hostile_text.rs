//! Hostile text through every report: a right-to-left override around a number, a zero-width
//! space, a soft hyphen, an ANSI escape sequence, a spreadsheet formula and a noncharacter.
//! Human-facing formats (text, Markdown, CSV, HTML) show each as a marker or a badge and never
//! write it raw; CSV cells cannot start a formula; TEI stays well-formed XML; JSON keeps the
//! exact text.

mod common;

use std::path::Path;

use common::{Rng, file, witness};

/// The official text.
const A: &str = "编号001号的货物运往阿斯塔纳。\n价格是一百元整。\n备注：无。\n合作提质扩容。\n";
/// The transcription: an override around `001` (a reader sees `100`), a zero-width space, a
/// soft hyphen, an escape sequence that turns a terminal red, a formula, a noncharacter.
const B: &str = "编号\u{202E}001\u{202C}号的货物运往阿斯塔纳。\n价格是\u{200B}一百元\u{00AD}整。\n备注：\u{1B}[31m无。\n合作=cmd|'/c calc'!A1提质扩容\u{FFFE}。\n";
/// What B adds, in order, exactly as its bytes read.
const ADDED: [&str; 7] = [
    "\u{202E}",
    "\u{202C}",
    "\u{200B}",
    "\u{00AD}",
    "\u{1B}[31m",
    "=cmd|'/c calc'!A1",
    "\u{FFFE}",
];
/// Characters that no human-facing report may write raw.
const RAW: [char; 9] = [
    '\u{202E}', '\u{202C}', '\u{200B}', '\u{00AD}', '\u{1B}', '\u{FFFE}', '\u{FFFF}', '\u{1}',
    '\u{7}',
];

/// A directory holding `a.txt` (A) and `b.txt` (B).
fn pair() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.txt", A.as_bytes());
    file(dir.path(), "b.txt", B.as_bytes());
    dir
}

/// Runs witness in `dir`; returns the exit status and stdout. Trouble (exit 2) fails.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = witness().current_dir(dir).args(args).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(code < 2, "{}", String::from_utf8_lossy(&out.stderr));
    (code, String::from_utf8(out.stdout).unwrap())
}

/// Fails when `out` writes a hostile character raw.
fn assert_no_raw(out: &str) {
    for c in RAW {
        assert!(!out.contains(c), "raw U+{:04X} in\n{out}", c as u32);
    }
}

/// The variant lines of a `witness diff` text report (`a 1:3     b 1:3 …`).
fn variant_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with("a ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

/// The lines of `out` that start with `prefix`.
fn lines_starting<'o>(out: &'o str, prefix: &str) -> Vec<&'o str> {
    out.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn diff_text_marks_every_hostile_character() {
    let dir = pair();
    let (code, out) = run_in(dir.path(), &["diff", "a.txt", "b.txt"]);
    assert_eq!(code, 1, "three substantive additions");
    assert_no_raw(&out);
    assert_eq!(
        variant_lines(&out),
        [
            "a 1:3     b 1:3     invisible     medium 编号{+⟨U+202E⟩+}001号的货物运往阿斯塔",
            "a 1:6     b 1:7     invisible     medium 编号001{+⟨U+202C⟩+}号的货物运往阿斯塔纳。",
            "a 2:4     b 2:4     invisible     low    价格是{+⟨U+200B⟩+}一百元整。",
            "a 2:7     b 2:8     invisible     low    价格是一百元{+⟨U+00AD⟩+}整。",
            "a 3:4     b 3:4     addition      medium 备注：{+⟨U+001B⟩[31m+}无。",
            "a 4:3     b 4:3     addition      high   合作{+=cmd|'/c calc'!A1+}提质扩容。",
            "a 4:7     b 4:24    addition      medium 合作提质扩容{+⟨U+FFFE⟩+}。",
        ]
    );
    assert!(out.contains("\nsubstantive: 3 (addition 3)\n"), "{out}");
    assert!(
        out.contains("\ncosmetic: 4 (invisible 4), hidden except invisible; --all shows them\n"),
        "{out}"
    );
}

#[test]
fn diff_text_in_colour_writes_only_its_own_escape_sequences() {
    let dir = pair();
    let (_, out) = run_in(dir.path(), &["diff", "a.txt", "b.txt", "--color", "always"]);
    // The document's ESC [31m is a marker inside witness's own green.
    assert!(
        out.contains("备注：\u{1B}[32m{+⟨U+001B⟩[31m+}\u{1B}[0m无。\n"),
        "{out}"
    );
    // Every escape sequence is one of the painter's.
    for (i, _) in out.match_indices('\u{1B}') {
        let rest = &out[i + 1..];
        assert!(
            ["[0m", "[2m", "[31m", "[32m"]
                .iter()
                .any(|sgr| rest.starts_with(sgr)),
            "{rest}"
        );
    }
    assert_eq!(out.matches('\u{1B}').count(), 2 * 7, "one pair per variant");
}

#[test]
fn diff_markdown_marks_and_escapes() {
    let dir = pair();
    let (_, out) = run_in(dir.path(), &["diff", "a.txt", "b.txt", "--format", "md"]);
    assert_no_raw(&out);
    assert!(out.contains(
        "Substantive and invisible variants; other cosmetic ones are counted above (`--all` lists them).\n"
    ));
    assert_eq!(
        lines_starting(&out, "| 1:")
            .into_iter()
            .chain(lines_starting(&out, "| 2:"))
            .chain(lines_starting(&out, "| 3:"))
            .chain(lines_starting(&out, "| 4:"))
            .collect::<Vec<_>>(),
        [
            "| 1:3 | 1:3 | invisible | medium |  | ⟨U+202E⟩ | 编号**‸**001号的货物运往阿斯塔 |",
            "| 1:6 | 1:7 | invisible | medium |  | ⟨U+202C⟩ | 编号001**‸**号的货物运往阿斯塔纳。 |",
            "| 2:4 | 2:4 | invisible | low |  | ⟨U+200B⟩ | 价格是**‸**一百元整。 |",
            "| 2:7 | 2:8 | invisible | low |  | ⟨U+00AD⟩ | 价格是一百元**‸**整。 |",
            "| 3:4 | 3:4 | addition | medium |  | ⟨U+001B⟩\\[31m | 备注：**‸**无。 |",
            "| 4:3 | 4:3 | addition | high |  | =cmd\\|'/c calc'!A1 | 合作**‸**提质扩容。 |",
            "| 4:7 | 4:24 | addition | medium |  | ⟨U+FFFE⟩ | 合作提质扩容**‸**。 |",
        ]
    );
    assert!(out.contains("| cosmetic | invisible | 4 |\n"));
}

#[test]
fn diff_json_keeps_the_exact_text() {
    let dir = pair();
    let (_, out) = run_in(dir.path(), &["diff", "a.txt", "b.txt", "--format", "json"]);
    assert!(!out.contains('⟨'), "no markers in JSON");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let variants = json["variants"].as_array().unwrap();
    let added: Vec<&str> = variants
        .iter()
        .map(|v| v["b"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(added, ADDED);
    let kinds: Vec<&str> = variants
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "invisible",
            "invisible",
            "invisible",
            "invisible",
            "addition",
            "addition",
            "addition"
        ]
    );
    assert_eq!(variants[0]["class"], "cosmetic");
    assert_eq!(variants[0]["severity"], "medium");
    assert_eq!(json["summary"]["by_kind"]["invisible"], 4);
    // The override's context is the text as it is.
    assert_eq!(variants[1]["context"]["before"], "编号001");
}

#[test]
fn an_override_alone_is_cosmetic_but_listed() {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.txt", "编号001号。\n".as_bytes());
    file(
        dir.path(),
        "b.txt",
        "编号\u{202E}001\u{202C}号。\n".as_bytes(),
    );
    let (code, out) = run_in(dir.path(), &["diff", "a.txt", "b.txt"]);
    assert_eq!(code, 0, "cosmetic: diff(1) status 0 without --strict");
    assert_eq!(
        variant_lines(&out),
        [
            "a 1:3     b 1:3     invisible     medium 编号{+⟨U+202E⟩+}001号。",
            "a 1:6     b 1:7     invisible     medium 编号001{+⟨U+202C⟩+}号。",
        ]
    );
    let (strict, _) = run_in(dir.path(), &["diff", "a.txt", "b.txt", "--strict"]);
    assert_eq!(strict, 1);
    let (_, md) = run_in(dir.path(), &["diff", "a.txt", "b.txt", "--format", "md"]);
    assert!(md.contains("| 1:3 | 1:3 | invisible | medium |  | ⟨U+202E⟩ | 编号**‸**001号。 |"));
}

#[test]
fn errata_in_every_format() {
    let dir = pair();
    let errata = |target: &str, against: &str, format: &str| {
        run_in(
            dir.path(),
            &["errata", target, "--against", against, "--format", format],
        )
        .1
    };
    // B against A: B's additions are errata (the invisible ones are cosmetic, not errata).
    let md = errata("b.txt", "a.txt", "md");
    assert_no_raw(&md);
    assert_eq!(
        lines_starting(&md, "| ").split_off(1),
        [
            "| 3:4 (byte 88) | 备注：\\[⟨U+001B⟩\\[31m\\]无。 | ∅ | addition | medium | a reads ∅ |",
            "| 4:3 (byte 106) | 合作\\[=cmd\\|'/c calc'!A1\\]提质扩容⟨U+FFFE⟩。 | ∅ | addition | medium | a reads ∅ |",
            "| 4:24 (byte 135) | A1提质扩容\\[⟨U+FFFE⟩\\]。 | ∅ | addition | medium | a reads ∅ |",
        ]
    );
    let text = errata("b.txt", "a.txt", "text");
    assert_no_raw(&text);
    assert!(
        text.starts_with(
            "3:4 addition      medium    备注：[⟨U+001B⟩[31m]无。 → ∅\n    a reads ∅\n"
        ),
        "{text}"
    );
    let csv = errata("b.txt", "a.txt", "csv");
    assert_no_raw(&csv);
    assert_eq!(
        csv.lines().skip(1).collect::<Vec<_>>(),
        [
            "b.txt,3,4,88,⟨U+001B⟩[31m,,addition,correct,medium,a reads ∅,",
            "b.txt,4,3,106,'=cmd|'/c calc'!A1,,addition,correct,medium,a reads ∅,",
            "b.txt,4,24,135,⟨U+FFFE⟩,,addition,correct,medium,a reads ∅,",
        ]
    );
    // A against B: the proposed readings and the evidence carry the hostile text.
    let csv = errata("a.txt", "b.txt", "csv");
    assert_no_raw(&csv);
    assert_eq!(
        csv.lines().skip(1).collect::<Vec<_>>(),
        [
            "a.txt,3,4,77,,⟨U+001B⟩[31m,omission,correct,medium,b reads ⟨U+001B⟩[31m,",
            "a.txt,4,3,90,,'=cmd|'/c calc'!A1,omission,correct,medium,b reads =cmd|'/c calc'!A1,",
            "a.txt,4,7,102,,⟨U+FFFE⟩,omission,correct,medium,b reads ⟨U+FFFE⟩,",
        ]
    );
    let json = errata("a.txt", "b.txt", "json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let proposed: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["proposed"].as_str().unwrap())
        .collect();
    assert_eq!(proposed, ADDED[4..]);
    let html = errata("b.txt", "a.txt", "html");
    assert_no_raw(&html);
    assert!(html.contains(
        "<td data-label=\"found (in context)\">备注：[<span class=\"cp\" title=\"ESCAPE\">U+001B</span>[31m]无。</td><td data-label=\"should read\">∅</td>"
    ));
    assert!(html.contains("[=cmd|&#39;/c calc&#39;!A1]"));
    assert!(html.contains("[<span class=\"cp\" title=\"NONCHARACTER\">U+FFFE</span>]"));
    // The text below the table: the override is a badge, so 001 reads 001.
    assert!(html.contains(
        "编号<span class=\"cp\" title=\"RIGHT-TO-LEFT OVERRIDE\">U+202E</span>001<span class=\"cp\" title=\"POP DIRECTIONAL FORMATTING\">U+202C</span>号"
    ));
    assert!(html.contains(
        "价格是<span class=\"cp\" title=\"ZERO WIDTH SPACE\">U+200B</span>一百元<span class=\"cp\" title=\"SOFT HYPHEN\">U+00AD</span>整"
    ));
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"));
}

#[test]
fn cer_csv_neutralises_hostile_file_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("=cmd|'")).unwrap();
    file(dir.path(), "=cmd|'/c calc'!A1.txt", A.as_bytes());
    file(dir.path(), "b\u{202E}fdp.txt", B.as_bytes());
    file(dir.path(), "@x\u{1B}[2J.txt", B.as_bytes());
    let (_, csv) = run_in(
        dir.path(),
        &[
            "cer",
            "=cmd|'/c calc'!A1.txt",
            "b\u{202E}fdp.txt",
            "--format",
            "csv",
        ],
    );
    assert_no_raw(&csv);
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.starts_with("'=cmd|'/c calc'!A1.txt,b⟨U+202E⟩fdp.txt,"),
        "{row}"
    );
    let (_, csv) = run_in(
        dir.path(),
        &[
            "cer",
            "@x\u{1B}[2J.txt",
            "=cmd|'/c calc'!A1.txt",
            "--format",
            "csv",
        ],
    );
    assert_no_raw(&csv);
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.starts_with("'@x⟨U+001B⟩[2J.txt,'=cmd|'/c calc'!A1.txt,"),
        "{row}"
    );
    // The text report names the files with markers too.
    let (_, text) = run_in(dir.path(), &["cer", "@x\u{1B}[2J.txt", "b\u{202E}fdp.txt"]);
    assert_no_raw(&text);
    assert!(text.contains("gt   @x⟨U+001B⟩[2J.txt  UTF-8"), "{text}");
    assert!(text.contains("ocr  b⟨U+202E⟩fdp.txt  UTF-8"), "{text}");
    // A line break in a file name cannot forge a line of the report.
    file(dir.path(), "c\nCER 0.00%.txt", A.as_bytes());
    let (_, text) = run_in(dir.path(), &["cer", "b\u{202E}fdp.txt", "c\nCER 0.00%.txt"]);
    assert!(text.contains("ocr  c⏎CER 0.00%.txt  UTF-8"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("CER 0.00%")), "{text}");
}

/// Checks that `xml` is well-formed XML 1.0: every character allowed, every tag closed in
/// order, every entity and attribute value valid. Returns the text of each `<rdg>` and `<lem>`.
fn well_formed(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    for c in xml.chars() {
        let allowed = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
        assert!(allowed, "U+{:04X} is not an XML 1.0 character", c as u32);
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut open: Vec<String> = Vec::new();
    let mut readings = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                for a in e.attributes() {
                    a.unwrap()
                        .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap();
                }
                let name = e.name().0.to_string();
                if name == "rdg" || name == "lem" {
                    readings.push(String::new());
                }
                open.push(name);
            }
            Ok(Event::Empty(e)) => {
                for a in e.attributes() {
                    a.unwrap()
                        .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap();
                }
            }
            Ok(Event::End(e)) => {
                assert_eq!(open.pop().as_deref(), Some(e.name().0));
            }
            Ok(Event::Text(t)) => {
                let text = t.xml10_content();
                if matches!(open.last().map(String::as_str), Some("rdg" | "lem")) {
                    readings.last_mut().unwrap().push_str(&text);
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r.xml10_content();
                let c = match name.as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => r
                        .resolve_char_ref()
                        .unwrap()
                        .expect("a character reference"),
                };
                if matches!(open.last().map(String::as_str), Some("rdg" | "lem")) {
                    readings.last_mut().unwrap().push(c);
                }
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}"),
        }
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    readings
}

#[test]
fn tei_is_well_formed_for_any_text() {
    let dir = pair();
    let c = A
        .replace("一百元", "一\u{FFFF}百\u{1}元")
        .replace("运往", "运\u{202E}往");
    file(dir.path(), "c.txt", c.as_bytes());
    let (_, tei) = run_in(
        dir.path(),
        &["collate", "a.txt", "b.txt", "c.txt", "--format", "tei"],
    );
    let readings = well_formed(&tei);
    // Characters XML 1.0 forbids are markers; the rest, bidi controls included, is the exact
    // text (TEI transcribes).
    assert_eq!(
        readings,
        [
            "\u{202E}",
            "\u{202C}",
            "\u{202E}",
            "\u{200B}",
            "⟨U+FFFF⟩",
            "⟨U+0001⟩",
            "\u{00AD}",
            "⟨U+001B⟩[31m",
            "=cmd|'/c calc'!A1",
            "⟨U+FFFE⟩",
        ]
    );
    // With --all too, and with the hostile witness as the base.
    well_formed(
        &run_in(
            dir.path(),
            &[
                "collate", "c.txt", "b.txt", "a.txt", "--format", "tei", "--all",
            ],
        )
        .1,
    );
    // The text apparatus marks them.
    let (_, text) = run_in(dir.path(), &["collate", "a.txt", "b.txt", "c.txt"]);
    assert_no_raw(&text);
    assert!(text.contains("\n    ⟨U+202E⟩  W3\n"), "{text}");
    assert!(text.contains("\n    ⟨U+FFFF⟩  W3\n"), "{text}");
    assert!(text.contains("\n    ⟨U+001B⟩[31m  W2\n"), "{text}");
}

#[test]
fn scan_text_marks_file_names_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("s")).unwrap();
    let paragraph = "编号\u{202E}001\u{202C}号的货物经跨里海国际运输走廊\u{1B}[31m运往阿斯塔纳\u{200B}，合作提质扩容\u{FFFE}。\n";
    file(
        dir.path(),
        "s/evil\u{1B}]0;pwned\u{7}\u{202E}txt.txt",
        format!("{paragraph}\n另一段。\n\n{paragraph}").as_bytes(),
    );
    let (code, out) = run_in(dir.path(), &["scan", "s"]);
    assert_eq!(code, 1);
    assert_no_raw(&out);
    let name = "s/evil⟨U+001B⟩]0;pwned⟨U+0007⟩⟨U+202E⟩txt.txt";
    assert_eq!(
        out.lines().skip(1).collect::<Vec<_>>(),
        [
            format!(
                "  {name}  UTF-8 (no BOM), 237 bytes, sha256 {}, simplified",
                &sha(&dir
                    .path()
                    .join("s")
                    .join("evil\u{1B}]0;pwned\u{7}\u{202E}txt.txt"))[..16]
            )
            .as_str(),
            "",
            "duplicate_paragraph: 2 times \"编号⟨U+202E⟩001⟨U+202C⟩号的货物经跨里海国际运输走廊⟨U+001B⟩[31m运往阿斯…\"",
            format!("  {name}:1:1–1:43").as_str(),
            format!("  {name}:5:1–5:43").as_str(),
            "",
            "1 findings (duplicate_paragraph 1)",
        ]
    );
}

/// The sha256 of a file, in hex.
fn sha(path: &Path) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn audit_report_files_carry_no_raw_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    // A shared tail long enough for the two to be witnesses of one text.
    let mut rng = Rng::new(12);
    let tail: String = (0..300).map(|_| rng.ideograph()).collect::<String>() + "。\n";
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    file(dir.path(), "docs/a.txt", (A.to_string() + &tail).as_bytes());
    file(dir.path(), "docs/b.txt", (B.to_string() + &tail).as_bytes());
    let (code, summary) = run_in(
        dir.path(),
        &["audit", "--no-record", "--out", "report", "docs"],
    );
    assert_eq!(code, 1);
    assert_no_raw(&summary);
    let read = |name: &str| std::fs::read_to_string(dir.path().join("report").join(name)).unwrap();
    let csv = read("errata.csv");
    assert_no_raw(&csv);
    assert!(csv.contains(",'=cmd|'/c calc'!A1,"), "{csv}");
    let md = read("errata.md");
    assert_no_raw(&md);
    assert!(md.contains("\\[=cmd\\|'/c calc'!A1\\]"), "{md}");
    let html = read("index.html");
    assert_no_raw(&html);
    // The pair view: each invisible variant marked and shown, with a badge in place of the
    // character.
    assert!(html.contains(
        "<span class=\"var cosmetic invisible\" data-kind=\"invisible\" id=\"vi-0-1-0\" title=\"invisible (medium) at 1:3 / 1:3\"><ins><span class=\"cp\" title=\"RIGHT-TO-LEFT OVERRIDE\">U+202E</span></ins></span>001"
    ));
    assert!(html.contains("<input type=\"checkbox\" checked data-kind=\"invisible\"> invisible"));
    // report.json keeps the exact text.
    let json: serde_json::Value = serde_json::from_str(&read("report.json")).unwrap();
    let added: Vec<&str> = json["diffs"][0]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["b"]["text"].as_str().unwrap())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(added, ADDED);
}

#[test]
fn scan_lists_the_invisible_variants_of_a_near_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let line = "编号001号的货物经跨里海国际运输走廊运往阿斯塔纳，绿色产业、数字经济、人工智能合作提质扩容。\n";
    file(dir.path(), "a.txt", line.as_bytes());
    let b = line
        .replace("001", "\u{202E}001\u{202C}")
        .replace("绿色", "绿色\u{200B}")
        .replace("数字", "数据");
    file(dir.path(), "b.txt", b.as_bytes());
    let (_, out) = run_in(dir.path(), &["scan", "a.txt", "b.txt"]);
    assert_no_raw(&out);
    let at = out.find("  1 substantive").expect(&out);
    assert_eq!(
        out[at..].lines().take(5).collect::<Vec<_>>(),
        [
            "  1 substantive variants, 3 cosmetic (3 invisible, listed)",
            "    1:3 invisible     编号{+⟨U+202E⟩+}001号的货物经跨里海国",
            "    1:6 invisible     编号001{+⟨U+202C⟩+}号的货物经跨里海国际运输",
            "    1:29 invisible     输走廊运往阿斯塔纳，绿色{+⟨U+200B⟩+}产业、数字经济、人工智能",
            "    1:33 substitution  往阿斯塔纳，绿色产业、数[-字-]{+据+}经济、人工智能合作提质扩",
        ]
    );
}
