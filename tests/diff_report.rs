//! `witness diff` reports (issue 13): one CER, the same as `witness cer`'s; contexts on both
//! sides of a variant; positions in the file as stored.

mod common;

use common::{NEWSPAPER, OFFICIAL, Rng, file, run};
use serde_json::Value;

/// The percentages of a `CER …` line, in order.
fn percentages(report: &str) -> Vec<String> {
    let line = report
        .lines()
        .find(|l| l.starts_with("CER "))
        .unwrap_or_else(|| panic!("no CER line in {report}"));
    line.split_whitespace()
        .filter(|w| w.ends_with('%') || w.ends_with("%;"))
        .map(|w| w.trim_end_matches(';').to_string())
        .collect()
}

/// `diff` and `cer` on one pair under one profile: the figure with blocks is `cer`'s, to the
/// last digit, in text and in JSON.
fn agree(a: &str, b: &str, profile: &str) -> (Vec<String>, Value) {
    let diff = run(&["diff", "--profile", profile, a, b]);
    let cer = run(&["cer", "--profile", profile, a, b]);
    let (d, c) = (percentages(&diff), percentages(&cer));
    assert_eq!(d.last(), c.first(), "diff: {d:?}, cer: {c:?}");
    let dj: Value = serde_json::from_str(&run(&[
        "diff",
        "--profile",
        profile,
        "--format",
        "json",
        a,
        b,
    ]))
    .unwrap();
    let cj: Value = serde_json::from_str(&run(&[
        "cer",
        "--profile",
        profile,
        "--format",
        "json",
        a,
        b,
    ]))
    .unwrap();
    assert_eq!(dj["summary"]["cer"], cj["cer"]);
    assert_eq!(dj["summary"]["distance"], cj["distance"]);
    assert_eq!(dj["summary"]["a_units"], cj["gt_chars"]);
    (d, dj)
}

#[test]
fn diff_and_cer_give_one_cer_on_000_004() {
    for profile in ["loose", "nfc", "exact"] {
        let (d, j) = agree(OFFICIAL, NEWSPAPER, profile);
        // Outside blocks first, then with blocks.
        assert_eq!(d.len(), 2, "{profile}: {d:?}");
        if profile == "loose" {
            assert_eq!(d, ["1.55%", "81.52%"]);
            let s = &j["summary"];
            assert_eq!(s["distance_aligned"], 43);
            assert_eq!(s["a_units_aligned"], 2767);
        }
    }
    let text = run(&["diff", OFFICIAL, NEWSPAPER]);
    assert!(
        text.contains("CER 1.55% outside blocks under loose (43 edits / 2767 clusters of a); 81.52% with blocks (12740 edits / 15628 clusters)"),
        "{text}"
    );
}

/// A generated pair: ideographs, Latin words, punctuation; substitutions, omissions,
/// additions, width and dash changes, and a passage only B carries.
fn generated(seed: u64, block: bool) -> (String, String) {
    let mut rng = Rng::new(seed);
    let (mut a, mut b) = (String::new(), String::new());
    for i in 0..6000 {
        if i == 3000 && block {
            for _ in 0..400 {
                b.push(rng.ideograph());
            }
        }
        let piece = match rng.below(20) {
            0 => " witness ".to_string(),
            1 => ",".to_string(),
            2 => "-".to_string(),
            3 => "。\n".to_string(),
            _ => rng.ideograph().to_string(),
        };
        a += &piece;
        match rng.below(40) {
            0 => b.push(rng.ideograph()),
            1 => {}
            2 => {
                b += &piece;
                b.push(rng.ideograph());
            }
            3 => b += &piece.replace(',', "，").replace('-', "—"),
            4 => b += &piece.replace("witness", "witnes5"),
            _ => b += &piece,
        }
    }
    (a, b)
}

#[test]
fn diff_and_cer_give_one_cer_on_generated_pairs() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, block) in [(7, false), (13, true)] {
        let (a, b) = generated(seed, block);
        let fa = file(dir.path(), "a.txt", a.as_bytes());
        let fb = file(dir.path(), "b.txt", b.as_bytes());
        let (fa, fb) = (fa.to_str().unwrap(), fb.to_str().unwrap());
        for profile in ["loose", "nfc"] {
            let (d, _) = agree(fa, fb, profile);
            assert_eq!(d.len(), if block { 2 } else { 1 }, "{profile}: {d:?}");
        }
    }
}

#[test]
fn a_variant_starting_a_sentence_has_context_after() {
    let dir = tempfile::tempdir().unwrap();
    let a = file(
        dir.path(),
        "a.txt",
        "中国和中亚国家共同发出倡议。10日，论坛在阿斯塔纳闭幕。".as_bytes(),
    );
    let b = file(
        dir.path(),
        "b.txt",
        "中国和中亚国家共同发出倡议。16日，论坛在阿斯塔纳闭幕。".as_bytes(),
    );
    let out = run(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    let line = out.lines().find(|l| l.contains("{+")).unwrap();
    assert!(
        line.ends_with("倡议。[-10-]{+16+}日，论坛在阿斯塔纳闭幕。"),
        "{line}"
    );
}

/// The position of the first variant in A and B, from the JSON report.
fn first_variant(a: &std::path::Path, b: &std::path::Path, extra: &[&str]) -> (Value, Value) {
    let mut args = vec!["diff", "--format", "json"];
    args.extend(extra);
    args.extend([a.to_str().unwrap(), b.to_str().unwrap()]);
    let j: Value = serde_json::from_str(&run(&args)).unwrap();
    let v = &j["variants"][0];
    (v["a"]["start"].clone(), v["b"]["start"].clone())
}

#[test]
fn positions_are_offsets_in_the_file_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let plain = "跨里海国际运输走廊abc";
    let changed = "跨海国际运输走廊abc";
    let (gb, _, _) = encoding_rs::GB18030.encode(plain);
    let (gb_changed, _, _) = encoding_rs::GB18030.encode(changed);
    let a = file(dir.path(), "gb.txt", &gb);
    let b = file(dir.path(), "gb_b.txt", &gb_changed);
    // 里 is the second character: byte 2 of the GB18030 file, byte 3 of the decoded text.
    let (pa, pb) = first_variant(&a, &b, &["--encoding", "GB18030"]);
    assert_eq!(
        (
            pa["byte"].clone(),
            pa["text_byte"].clone(),
            pa["char"].clone()
        ),
        (2.into(), 3.into(), 1.into())
    );
    assert_eq!(
        (pb["byte"].clone(), pb["text_byte"].clone()),
        (2.into(), 3.into())
    );

    // B from here on is UTF-8 without a BOM.
    let b = file(dir.path(), "b.txt", changed.as_bytes());

    // UTF-16LE with its BOM: 2 bytes of BOM, 2 per character.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in plain.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let a = file(dir.path(), "u16.txt", &utf16);
    let (pa, _) = first_variant(&a, &b, &[]);
    assert_eq!(
        (pa["byte"].clone(), pa["text_byte"].clone()),
        (4.into(), 3.into())
    );

    // UTF-8 with a BOM: three more.
    let a = file(dir.path(), "bom.txt", format!("\u{FEFF}{plain}").as_bytes());
    let (pa, pb) = first_variant(&a, &b, &[]);
    assert_eq!(
        (pa["byte"].clone(), pa["text_byte"].clone()),
        (6.into(), 3.into())
    );
    // Without a BOM both offsets agree.
    assert_eq!(
        (pb["byte"].clone(), pb["text_byte"].clone()),
        (3.into(), 3.into())
    );
}

/// B rebuilt from A with the JSON report alone: each variant and block replaces A's reading
/// by B's, and a move deletes its reading in A and inserts B's text where it `arrives_in_a`.
fn rebuild(a: &str, report: &Value) -> String {
    let byte = |p: &Value| p["text_byte"].as_u64().unwrap() as usize;
    // (position in A, order at that position, bytes of A to drop, text to insert)
    let mut ops: Vec<(usize, u8, usize, String)> = Vec::new();
    for v in report["variants"].as_array().unwrap() {
        let (start, end) = (byte(&v["a"]["start"]), byte(&v["a"]["end"]));
        let text = v["b"]["text"].as_str().unwrap().to_string();
        if v["kind"] == "move" {
            ops.push((start, 1, end - start, String::new()));
            ops.push((byte(&v["arrives_in_a"]), 0, 0, text));
        } else {
            ops.push((start, 1, end - start, text));
        }
    }
    for bl in report["blocks"].as_array().unwrap() {
        let (start, end) = (byte(&bl["start"]), byte(&bl["end"]));
        // A block of B sits at `at` in A; a block of A is dropped.
        if bl["side"] == "a" {
            ops.push((start, 1, end - start, String::new()));
        } else {
            panic!("no B-side blocks in this test");
        }
    }
    ops.sort_by_key(|o| (o.0, o.1));
    let (mut out, mut at) = (String::new(), 0);
    for (pos, _, drop, insert) in ops {
        out.push_str(&a[at..pos]);
        out.push_str(&insert);
        at = pos + drop;
    }
    out + &a[at..]
}

/// A paragraph carried further down is one `move` variant with both places, and the JSON
/// report still rebuilds B from A.
#[test]
fn a_moved_paragraph_is_one_variant_that_rebuilds_b() {
    let dir = tempfile::tempdir().unwrap();
    let p = [
        "中方愿同各方一道，推动构建命运共同体。",
        "两年来，贸易额增长百分之三十五，合作成果丰硕。",
        "我们要坚持睦邻友好，深化全方位合作。",
        "谢谢大家。",
    ];
    let a = format!("{}\n\n{}\n\n{}\n\n{}\n", p[0], p[1], p[2], p[3]);
    let b = format!("{}\n\n{}\n\n{}\n\n{}\n", p[0], p[2], p[1], p[3]);
    let (fa, fb) = (
        file(dir.path(), "a.txt", a.as_bytes()),
        file(dir.path(), "b.txt", b.as_bytes()),
    );
    let report: Value = serde_json::from_str(&run(&[
        "diff",
        "--format",
        "json",
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
    ]))
    .unwrap();
    let moves: Vec<&Value> = report["variants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == "move")
        .collect();
    assert_eq!(moves.len(), 1, "{report}");
    assert_eq!(report["summary"]["by_kind"]["move"], 1);
    assert_eq!(report["summary"]["by_class"]["substantive"], 1);
    let moved = moves[0]["a"]["text"].as_str().unwrap();
    assert!(moved == p[1] || moved == p[2], "{moved}");
    assert_eq!(moves[0]["b"]["text"], moved);
    assert_eq!(rebuild(&a, &report), b);
}
