//! The command line: exit codes, messages, and every bad input of `witness diff`.

mod common;

use common::{NEWSPAPER, OFFICIAL, file, witness};
use predicates::prelude::*;
use serde_json::Value;

fn json_diff(a: &str, b: &str) -> Value {
    let out = witness()
        .args(["diff", a, b, "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn find<'v>(report: &'v Value, a: &str, b: &str) -> &'v Value {
    report["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["a"]["text"] == a && v["b"]["text"] == b)
        .unwrap_or_else(|| panic!("no variant {a:?} -> {b:?}"))
}

#[test]
fn corpus_diff_finds_the_known_transcription_errors() {
    let r = json_diff(OFFICIAL, NEWSPAPER);
    let li = find(&r, "里", "");
    assert_eq!(li["kind"], "omission");
    assert_eq!(li["class"], "substantive");
    assert_eq!(
        li["a"]["start"],
        serde_json::json!({"byte": 1196, "text_byte": 1196, "char": 430, "line": 12, "column": 71})
    );
    assert_eq!(li["context"]["before"], "中国城市开通中亚班列,跨");
    let ditto = find(&r, "模式", "业态");
    assert_eq!(ditto["kind"], "dittography");
    assert_eq!(ditto["b"]["start"]["line"], 19);
    let five = find(&r, "五", "二是");
    assert_eq!(five["kind"], "numeral");
    assert_eq!(five["severity"], "high");
    assert_eq!(five["a"]["start"]["line"], 39);
    assert_eq!(five["b"]["start"]["line"], 73);
    assert_eq!(find(&r, ",", "，")["kind"], "width");
    assert_eq!(find(&r, "-", "—")["kind"], "dash");
    assert_eq!(find(&r, "", "\n\n")["kind"], "layout");
    assert_eq!(r["summary"]["by_class"]["substantive"], 14);
    // The English translation (only in 000) and the unrelated articles (only in 004).
    let blocks = r["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0]["side"], "a");
    assert_eq!(blocks[0]["start"]["line"], 46);
    assert_eq!(blocks[0]["start"]["column"], 1);
    assert_eq!(blocks[1]["side"], "b");
}

#[test]
fn identical_files_exit_0() {
    witness()
        .args(["diff", OFFICIAL, OFFICIAL])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("substantive: 0\ncosmetic: 0"));
}

#[test]
fn cosmetic_only_exits_0_and_1_with_strict() {
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.txt", "中国—中亚，合作。\n".as_bytes());
    let b = file(dir.path(), "b.txt", "中国-中亚,合\n作。\n".as_bytes());
    witness().arg("diff").args([&a, &b]).assert().code(0);
    witness()
        .arg("diff")
        .args([&a, &b])
        .arg("--strict")
        .assert()
        .code(1);
}

#[test]
fn substantive_difference_exits_1() {
    witness()
        .args(["diff", OFFICIAL, NEWSPAPER])
        .assert()
        .code(1);
}

#[test]
fn missing_file_is_named() {
    witness()
        .args(["diff", "no/such.txt", OFFICIAL])
        .assert()
        .code(2)
        .stdout("")
        .stderr("witness: error: no/such.txt: no such file; check the path\n");
}

#[test]
fn directory_is_refused() {
    witness()
        .args(["diff", OFFICIAL, "corpus"])
        .assert()
        .code(2)
        .stderr("witness: error: corpus: is a directory; give the path of a text file\n");
}

#[test]
fn unreadable_file_is_reported() {
    // /proc/self/mem exists but cannot be read from offset 0, even by root.
    witness()
        .args(["diff", "/proc/self/mem", OFFICIAL])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "witness: error: /proc/self/mem: cannot read: ",
        ));
}

#[test]
fn binary_file_is_refused_with_offset() {
    let dir = tempfile::tempdir().unwrap();
    let bin = file(dir.path(), "x.bin", b"XY\x03\x04\x00\x00abc");
    let msg = format!(
        "witness: error: {}: looks binary (NUL byte at byte offset 4); if it is UTF-16 without a byte-order mark, pass --encoding UTF-16LE or --encoding UTF-16BE\n",
        bin.display()
    );
    witness()
        .arg("diff")
        .args([&bin, &bin])
        .assert()
        .code(2)
        .stderr(msg);
}

#[test]
fn malformed_utf8_names_the_byte_offset() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = "跨里海国际运输走廊提质扩容，绿色产业、数字经济"
        .as_bytes()
        .to_vec();
    bytes.insert(9, 0xFF);
    let bad = file(dir.path(), "bad.txt", &bytes);
    let msg = format!(
        "witness: error: {}: malformed UTF-8 at byte offset 9 (bytes FF); pass --encoding LABEL if the file uses another encoding, or --lossy to replace malformed bytes with U+FFFD\n",
        bad.display()
    );
    witness()
        .arg("diff")
        .args([&bad, &bad])
        .assert()
        .code(2)
        .stderr(msg);
    // --lossy reads it and says how much was replaced.
    witness()
        .arg("diff")
        .args([&bad, &bad])
        .arg("--lossy")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 malformed sequences replaced"));
}

#[test]
fn malformed_utf8_after_a_bom_counts_the_bom() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xEF\xBB\xBFabc".to_vec();
    bytes.push(0xC3);
    let bad = file(dir.path(), "bom.txt", &bytes);
    witness()
        .arg("diff")
        .args([&bad, &bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "malformed UTF-8 at byte offset 6 (bytes C3)",
        ));
}

#[test]
fn unknown_encoding_label_is_refused() {
    witness()
        .args(["diff", OFFICIAL, OFFICIAL, "--encoding", "klingon"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "witness: error: unknown encoding label \"klingon\"; use a WHATWG label",
        ));
}

/// The same text in another encoding is the same witness: exit 0, nothing substantive.
fn same_text(encoded: &[u8], extra: &[&str], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let f = file(dir.path(), "enc.txt", encoded);
    witness()
        .arg("diff")
        .arg(OFFICIAL)
        .arg(&f)
        .args(extra)
        .arg("--strict")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(expect));
}

fn official() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/000_3eb5e8de57179c45.txt"
    ))
    .unwrap()
}

#[test]
fn gb18030_is_detected() {
    let text = official();
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    same_text(&bytes, &[], "GBK (detected)");
}

#[test]
fn big5_is_read_when_declared() {
    let text = "兩岸交流，繁體中文。\n";
    let (bytes, _, bad) = encoding_rs::BIG5.encode(text);
    assert!(!bad);
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.txt", text.as_bytes());
    let b = file(dir.path(), "b.txt", &bytes);
    witness()
        .arg("diff")
        .args([&a, &b])
        .args(["--encoding", "big5", "--strict"])
        .assert()
        .code(2); // a.txt is UTF-8, not Big5: the declared label applies to both files
    witness()
        .arg("diff")
        .args([&a, &a])
        .args(["--encoding", "big5"])
        .assert()
        .code(2);
    witness()
        .arg("diff")
        .args([&b, &b])
        .args(["--encoding", "big5", "--strict"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Big5 (declared)"));
}

#[test]
fn shift_jis_is_detected() {
    let text =
        "日本語のテキストです。これはシフトJISで書かれています。東京都、大阪府。\n".repeat(3);
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.txt", text.as_bytes());
    let b = file(dir.path(), "b.txt", &bytes);
    witness()
        .arg("diff")
        .args([&a, &b])
        .arg("--strict")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Shift_JIS (detected)"));
}

#[test]
fn utf16_with_bom_both_byte_orders() {
    let text = official();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    same_text(&le, &[], "UTF-16LE (BOM)");
    same_text(&be, &[], "UTF-16BE (BOM)");
}

#[test]
fn empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let e = file(dir.path(), "empty.txt", b"");
    let x = file(dir.path(), "x.txt", "甲".as_bytes());
    witness()
        .arg("diff")
        .args([&e, &e])
        .arg("--strict")
        .assert()
        .code(0);
    let out = witness()
        .arg("diff")
        .args([&e, &x])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["cer"], "inf");
    assert_eq!(find(&r, "", "甲")["kind"], "addition");
}

#[test]
fn crlf_positions_match_lf_positions() {
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.txt", "第一行\n第二行\n跨里海\n".as_bytes());
    let b = file(
        dir.path(),
        "b.txt",
        "第一行\r\n第二行\r\n跨海\r\n".as_bytes(),
    );
    let c = file(dir.path(), "c.txt", "第一行\r第二行\r跨海\r".as_bytes());
    for other in [&b, &c] {
        let out = witness()
            .arg("diff")
            .args([&a, other])
            .args(["--format", "json"])
            .output()
            .unwrap();
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        let v = find(&r, "里", "");
        assert_eq!(
            v["a"]["start"],
            serde_json::json!({"byte": 23, "text_byte": 23, "char": 9, "line": 3, "column": 2})
        );
        assert_eq!(v["b"]["start"]["line"], 3);
        assert_eq!(v["b"]["start"]["column"], 2);
        assert_eq!(r["summary"]["by_class"]["substantive"], 1);
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let esc = predicate::str::contains("\x1b[");
    witness()
        .args(["diff", OFFICIAL, NEWSPAPER])
        .assert()
        .stdout(esc.clone().not());
    witness()
        .args(["diff", OFFICIAL, NEWSPAPER, "--color", "always"])
        .assert()
        .stdout(esc);
}

#[test]
fn bad_usage_exits_2() {
    witness()
        .arg("diff")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
    witness()
        .args(["diff", OFFICIAL, NEWSPAPER, "--profile", "fuzzy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "possible values: exact, nfc, layout, loose",
        ));
}

#[test]
fn stdin_is_read_as_dash_once() {
    let text = std::fs::read(OFFICIAL).unwrap();
    let from_file = witness()
        .args(["diff", OFFICIAL, NEWSPAPER])
        .output()
        .unwrap();
    let from_stdin = witness()
        .args(["diff", "-", NEWSPAPER])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(from_stdin.status.code(), Some(1));
    // The same report, but for the name of A.
    assert_eq!(
        String::from_utf8(from_stdin.stdout).unwrap(),
        String::from_utf8(from_file.stdout)
            .unwrap()
            .replacen(OFFICIAL, "<stdin>", 1)
    );
    witness()
        .args(["diff", "-", "-"])
        .write_stdin(text)
        .assert()
        .code(2)
        .stdout("")
        .stderr("witness: error: the standard input (-) can be given for one input only; save one of the texts to a file\n");
    witness()
        .args(["cer", "-", NEWSPAPER])
        .write_stdin(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec())
        .assert()
        .code(2)
        .stderr("witness: error: <stdin>: cannot be read as PDF: it is not a readable PDF (failed parsing cross reference table); fix the file, or export its text (as UTF-8) and compare that\n");
}

#[test]
fn each_side_can_have_its_own_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let newspaper = std::fs::read_to_string(NEWSPAPER).unwrap();
    let utf16: Vec<u8> = newspaper
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let b = file(dir.path(), "004.utf16le", &utf16);
    let summary = |args: &[&std::ffi::OsStr]| -> Value {
        let out = witness().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["summary"].clone()
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let plain = summary(&[
        &os("diff"),
        &os("--format"),
        &os("json"),
        &os(OFFICIAL),
        &os(NEWSPAPER),
    ]);
    let mixed = summary(&[
        &os("diff"),
        &os("--format"),
        &os("json"),
        &os("--encoding-b"),
        &os("UTF-16LE"),
        &os(OFFICIAL),
        b.as_os_str(),
    ]);
    assert_eq!(mixed, plain);
    // One encoding for both reads A's UTF-8 as UTF-16: refused as malformed, not compared.
    witness()
        .args(["diff", "--encoding", "UTF-16LE", OFFICIAL])
        .arg(&b)
        .assert()
        .code(2);
}
