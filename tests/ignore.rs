//! `--ignore REGEX`: markers left out of a plain text, counted, with positions kept.

use assert_cmd::Command;
use witness::{Document, ReadOptions};

fn witness() -> Command {
    Command::cargo_bin("witness").unwrap()
}

const MARKED: &str = "跨里[p.12]海国际运输走廊\n提质扩容〔校〕。\n";
const CLEAN: &str = "跨里海国际运输走廊\n提质扩容。\n";

#[test]
fn matches_are_left_out_and_positions_still_point_into_the_file() {
    let opts = ReadOptions {
        ignore: vec![
            regex::Regex::new(r"\[p\.\d+\]").unwrap(),
            regex::Regex::new("〔校〕").unwrap(),
        ],
        ..ReadOptions::default()
    };
    let d = Document::from_bytes("m.txt", "m", MARKED.as_bytes(), &opts).unwrap();
    assert_eq!(d.text, CLEAN);
    let hai = d.position(d.text.find('海').unwrap());
    assert_eq!(hai.byte, MARKED.find('海').unwrap());
    assert_eq!((hai.line, hai.column), (1, 9));
    let stop = d.position(d.text.find('。').unwrap());
    assert_eq!(stop.byte, MARKED.find('。').unwrap());
    assert_eq!((stop.line, stop.column), (2, 8));
    let left_out: Vec<(&str, usize, usize, usize)> = d
        .ignored
        .iter()
        .map(|i| (i.text.as_str(), i.byte, i.line, i.column))
        .collect();
    assert_eq!(
        left_out,
        [
            ("[p.12]", MARKED.find('[').unwrap(), 1, 3),
            ("〔校〕", MARKED.find('〔').unwrap(), 2, 5)
        ]
    );
}

#[test]
fn the_cli_compares_without_the_markers_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(&a, CLEAN).unwrap();
    std::fs::write(&b, MARKED).unwrap();
    // Without --ignore the markers are variants.
    witness().arg("diff").arg(&a).arg(&b).assert().code(1);
    let out = witness()
        .args([
            "diff",
            "--format",
            "json",
            "--ignore",
            r"\[p\.\d+\]",
            "--ignore",
            "〔校〕",
        ])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["variants"].as_array().unwrap().len(), 0);
    assert_eq!(
        json["witnesses"]["b"]["ignored"],
        serde_json::json!([
            {"text": "[p.12]", "byte": MARKED.find('[').unwrap(), "line": 1, "column": 3},
            {"text": "〔校〕", "byte": MARKED.find('〔').unwrap(), "line": 2, "column": 5}
        ])
    );
    assert!(json["witnesses"]["a"].get("ignored").is_none());

    let text = witness()
        .args(["diff", "--ignore", r"\[p\.\d+\]", "--ignore", "〔校〕"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        stdout.contains(", 2 passages left out (--ignore)"),
        "{stdout}"
    );
}

#[test]
fn a_bad_pattern_is_a_usage_error() {
    let out = witness()
        .args(["diff", "--ignore", "[p.", "a", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("invalid value '[p.' for '--ignore <REGEX>'"),
        "{stderr}"
    );
}

#[test]
fn a_structured_file_says_ignore_was_not_applied() {
    let page = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/formats/page/points-2009.page.xml"
    );
    let out = witness()
        .args(["extract", "--ignore", "Tod", page])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Der Tod rief ihn\nim Jahre 1704 ab.\n"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "witness: warning: {page}: --ignore applies to plain text only; it was not applied to this PAGE-XML file\n"
        )
    );
}
