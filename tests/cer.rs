//! `witness cer`: dinglehopper's numbers reproduced to the last digit on the reference pairs,
//! the cosmetic/substantive split, directory mode, formats and bad input.

mod common;

use common::{file, witness};
use predicates::prelude::*;
use serde_json::Value;
use witness::unstable::metrics::{Mode, measure};
use witness::{Document, ReadOptions};

fn fixture(name: &str) -> Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cer")
        .join(name);
    Document::read(&path, &ReadOptions::default()).unwrap()
}

/// (ground truth, transcription, CER, WER, GT characters, GT words, character distance) as
/// dinglehopper 0.11 reports them (tests/fixtures/cer/README.md).
const REFERENCE: &[(&str, &str, f64, f64, usize, usize, usize)] = &[
    (
        "a.gt.txt",
        "a.some-ocr.txt",
        0.06666666666666667,
        0.25,
        15,
        4,
        1,
    ),
    (
        "b.gt.txt",
        "b.some-ocr.txt",
        0.07692307692307693,
        0.5,
        13,
        2,
        1,
    ),
    (
        "fake.gt.txt",
        "fake.ocr.txt",
        0.0024183796856106408,
        0.015384615384615385,
        827,
        130,
        2,
    ),
    (
        "lorembad.gt.txt",
        "lorembad.ocr.txt",
        0.01353637901861252,
        0.07,
        591,
        100,
        8,
    ),
    (
        "zh.gt.txt",
        "zh.ocr.txt",
        0.1282051282051282,
        0.02857142857142857,
        39,
        35,
        5,
    ),
];

#[test]
fn dinglehopper_numbers_to_the_last_digit() {
    for &(gt, ocr, cer, wer, gt_chars, gt_words, distance) in REFERENCE {
        let m = measure(&fixture(gt), &fixture(ocr), Mode::Dinglehopper);
        assert_eq!(
            (
                m.chars.rate(),
                m.words.rate(),
                m.chars.gt,
                m.words.gt,
                m.chars.distance
            ),
            (cer, wer, gt_chars, gt_words, distance),
            "{gt}"
        );
    }
}

#[test]
fn split_into_cosmetic_and_substantive() {
    let m = measure(
        &fixture("zh.gt.txt"),
        &fixture("zh.ocr.txt"),
        Mode::Witness(witness::Profile::Nfc),
    );
    assert_eq!((m.chars.distance, m.chars.gt), (5, 40));
    let by_class: Vec<(&str, usize)> = m.by_class.iter().map(|(c, n)| (c.name(), *n)).collect();
    assert_eq!(by_class, [("cosmetic", 4), ("substantive", 1)]);
    let by_kind: Vec<(&str, usize)> = m.by_kind.iter().map(|(k, n)| (k.name(), *n)).collect();
    assert_eq!(
        by_kind,
        [("layout", 1), ("width", 1), ("dash", 2), ("omission", 1)]
    );
    assert_eq!(
        m.confusion.get(&("里".to_string(), String::new())),
        Some(&1)
    );
    assert_eq!(
        m.confusion.get(&("—".to_string(), "－".to_string())),
        Some(&2)
    );
    // Under loose, the cosmetic part disappears from the CER itself.
    let loose = measure(
        &fixture("zh.gt.txt"),
        &fixture("zh.ocr.txt"),
        Mode::Witness(witness::Profile::Loose),
    );
    assert_eq!(loose.chars.distance, 1);
}

fn cer_json(args: &[&str]) -> (i32, Value) {
    let out = witness()
        .arg("cer")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn cli_json_text_and_exit_codes() {
    let f = "tests/fixtures/cer/";
    let (code, r) = cer_json(&[
        &format!("{f}zh.gt.txt"),
        &format!("{f}zh.ocr.txt"),
        "--compat",
        "dinglehopper",
    ]);
    assert_eq!(code, 1);
    assert_eq!(r["schema"], "witness/cer/1");
    assert_eq!(r["mode"], "dinglehopper");
    assert_eq!(r["cer"], 0.1282051282051282);
    assert_eq!(r["wer"], 0.02857142857142857);
    assert_eq!(
        (r["distance"].as_u64(), r["gt_chars"].as_u64()),
        (Some(5), Some(39))
    );
    let (_, r) = cer_json(&[&format!("{f}zh.gt.txt"), &format!("{f}zh.ocr.txt")]);
    assert_eq!(r["breakdown"]["cosmetic"]["distance"], 4);
    assert_eq!(r["breakdown"]["substantive"]["points"], 2.5);
    assert_eq!(
        r["confusion"][0],
        serde_json::json!({"gt": "—", "ocr": "－", "count": 2})
    );
    witness()
        .args(["cer", &format!("{f}a.gt.txt"), &format!("{f}a.gt.txt")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "CER 0.00% (0 edits / 16 characters",
        ));
    witness()
        .args(["cer", &format!("{f}zh.gt.txt"), &format!("{f}zh.ocr.txt")])
        .assert()
        .stdout(predicate::str::contains(
            "of which 10.00 points cosmetic (layout 1, width 1, dash 2) and 2.50 points substantive (omission 1)",
        ));
}

#[test]
fn empty_ground_truth_is_infinite() {
    let dir = tempfile::tempdir().unwrap();
    let e = file(dir.path(), "e.txt", b"");
    let x = file(dir.path(), "x.txt", b"x");
    let out = witness()
        .arg("cer")
        .args([&e, &x])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["cer"], "inf");
    let (code, r) = cer_json(&[e.to_str().unwrap(), e.to_str().unwrap()]);
    assert_eq!((code, r["cer"].as_f64()), (0, Some(0.0)));
}

#[test]
fn directory_mode_pairs_by_name_and_sums() {
    let dir = tempfile::tempdir().unwrap();
    let (gt, ocr) = (dir.path().join("gt"), dir.path().join("ocr"));
    std::fs::create_dir_all(&gt).unwrap();
    std::fs::create_dir_all(&ocr).unwrap();
    file(&gt, "p1.txt", "跨里海国际运输走廊".as_bytes());
    file(&ocr, "p1.txt", "跨海国际运输走廊".as_bytes());
    file(&gt, "p2.txt", "abcdefghij".as_bytes());
    file(&ocr, "p2.txt", "abcdefghij".as_bytes());
    file(&gt, "only-gt.txt", b"x");
    file(&ocr, "only-ocr.txt", b"y");
    let (code, r) = cer_json(&[gt.to_str().unwrap(), ocr.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(r["pairs"].as_array().unwrap().len(), 2);
    assert_eq!(r["total"]["distance"], 1);
    assert_eq!(r["total"]["gt_chars"], 19);
    assert_eq!(r["total"]["cer"], 1.0 / 19.0);
    assert_eq!(r["total"]["average_cer_per_file"], (1.0 / 9.0) / 2.0);
    assert_eq!(r["only_in_gt"], serde_json::json!(["only-gt.txt"]));
    assert_eq!(r["only_in_ocr"], serde_json::json!(["only-ocr.txt"]));
    let csv = witness()
        .arg("cer")
        .args([&gt, &ocr])
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(
        csv.lines()
            .last()
            .unwrap()
            .starts_with("TOTAL,,0.05263157894736842,")
    );
    // No common names: a clear error.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    file(&other, "z.txt", b"z");
    witness()
        .arg("cer")
        .args([&gt, &other])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "directory mode pairs files by name",
        ));
}

#[test]
fn line_endings_do_not_change_compat_numbers() {
    let gt = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cer/lorembad.gt.txt"
    ))
    .unwrap();
    let ocr = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cer/lorembad.ocr.txt"
    ))
    .unwrap();
    let opts = ReadOptions::default();
    let lf = measure(
        &Document::from_bytes("g", "g", gt.as_bytes(), &opts).unwrap(),
        &Document::from_bytes("o", "o", ocr.as_bytes(), &opts).unwrap(),
        Mode::Dinglehopper,
    );
    let crlf = measure(
        &Document::from_bytes("g", "g", gt.replace('\n', "\r\n").as_bytes(), &opts).unwrap(),
        &Document::from_bytes("o", "o", ocr.as_bytes(), &opts).unwrap(),
        Mode::Dinglehopper,
    );
    assert_eq!(lf.chars, crlf.chars);
    assert_eq!(lf.chars.rate(), 0.01353637901861252);
}

#[test]
fn corpus_snapshot() {
    let out = witness()
        .args([
            "cer",
            "tests/fixtures/cer/zh.gt.txt",
            "tests/fixtures/cer/zh.ocr.txt",
            "--format",
            "md",
        ])
        .output()
        .unwrap();
    common::snapshots()
        .bind(|| insta::assert_snapshot!("cer_zh_md", String::from_utf8(out.stdout).unwrap()));
}
