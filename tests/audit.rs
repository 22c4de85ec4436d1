//! `witness audit`: the files it writes, its exit statuses, and what it records in a ledger.

mod common;

use std::path::Path;

use common::witness;
use predicates::prelude::*;
use serde_json::Value;

#[test]
fn writes_the_four_files_and_embeds_the_reports() {
    let out = tempfile::tempdir().unwrap();
    witness()
        .args(["audit", "corpus", "--quiet", "--no-record", "--out"])
        .arg(out.path())
        .assert()
        .code(1)
        .stderr("");
    for name in ["index.html", "report.json", "errata.md", "errata.csv"] {
        assert!(out.path().join(name).is_file(), "{name}");
    }
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(r["schema"], "witness/audit/1");
    assert_eq!(r["scan"]["schema"], "witness/scan/1");
    assert_eq!(r["diffs"][0]["schema"], "witness/diff/1");
    assert_eq!(
        r["diffs"][0]["witnesses"]["b"]["path"],
        "corpus/004_74678af65d43f56c.txt"
    );
    assert_eq!(r["errata"][0]["schema"], "witness/errata/1");
    // 003's errata from its own text, then 004's against 000.
    assert_eq!(
        r["errata"][0]["target"]["path"],
        "corpus/003_a7c0d866165e138d.txt"
    );
    assert_eq!(r["errata"][0]["entries"].as_array().unwrap().len(), 5);
    assert_eq!(r["errata"][1]["entries"].as_array().unwrap().len(), 14);
    let csv = std::fs::read_to_string(out.path().join("errata.csv")).unwrap();
    assert_eq!(csv.matches("path,line,column").count(), 1);
    // One record per entry (a repeated block's text spans lines inside its quoted field).
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("corpus/")).count(),
        5 + 14
    );
}

#[test]
fn terminal_summary_and_fail_on() {
    let out = tempfile::tempdir().unwrap();
    witness()
        .args(["audit", "corpus", "--no-record", "--out"])
        .arg(out.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "witnesses of one text: 000_3eb5e8de57179c45 (base) and 004_74678af65d43f56c: 14 substantive variants, 190 cosmetic; CER 1.55% outside blocks",
        ))
        .stderr(predicate::str::contains("errata for 004_74678af65d43f56c: 14 entries"));
    witness()
        .args([
            "audit",
            "corpus",
            "--quiet",
            "--no-record",
            "--fail-on",
            "never",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(0);
    // Two files that share nothing: clean.
    let dir = tempfile::tempdir().unwrap();
    common::file(dir.path(), "a.txt", "甲乙丙丁。".as_bytes());
    common::file(dir.path(), "b.txt", "子丑寅卯。".as_bytes());
    witness()
        .args(["audit", "--quiet", "--no-record", "--out"])
        .arg(out.path())
        .arg(dir.path())
        .assert()
        .code(0);
    // An --out that cannot be a directory is named.
    let blocker = dir.path().join("a.txt");
    witness()
        .args(["audit", "corpus", "--quiet", "--no-record", "--out"])
        .arg(&blocker)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}: cannot write the report there: ",
            blocker.display()
        )));
    witness()
        .args(["audit", "no-such-dir", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing could be read"));
}

#[test]
fn records_versions_once_and_each_audit() {
    let repo = tempfile::tempdir().unwrap();
    let corpus = repo.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for name in ["000_3eb5e8de57179c45.txt", "004_74678af65d43f56c.txt"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus")
                .join(name),
            corpus.join(name),
        )
        .unwrap();
    }
    let run = |args: &[&str]| {
        let mut cmd = assert_cmd::cargo_bin_cmd!();
        cmd.current_dir(repo.path()).args(args).output().unwrap()
    };
    run(&["init"]);
    for _ in 0..2 {
        run(&["audit", "--quiet", "--out", "report"]);
    }
    let log = String::from_utf8(run(&["log"]).stdout).unwrap();
    assert_eq!(log.matches(" version ").count(), 2, "{log}");
    assert_eq!(log.matches(" audit audit of ").count(), 2, "{log}");
    let verify = run(&["verify"]);
    assert_eq!(verify.status.code(), Some(0));
}

#[test]
fn each_piece_of_work_is_done_once() {
    use witness::{Corpus, Files, Profile, ReadOptions};
    let files = Files::new([Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")]);
    let (corpus, skipped) = Corpus::read(&files, &ReadOptions::default(), Profile::Loose);
    assert!(skipped.is_empty());
    let a = witness::audit(&corpus, &vec![false; corpus.len()], &());
    assert_eq!(a.pairs.len(), 1);
    // 004 against 000, and 003 from its own text (a doubled phrase, a repeated block).
    assert_eq!(a.errata.iter().map(|(t, _)| *t).collect::<Vec<_>>(), [3, 4]);
    let work = corpus.work();
    // Five documents read under the profile once each, one scan, one comparison (000↔004),
    // although the errata of 004 needed a scan and that comparison too.
    assert_eq!((work.tokenized, work.scans, work.comparisons), (5, 1, 1));
    // The same audit as the command writes.
    let pages = witness::report::html::audit_pages(&a);
    assert_eq!(pages.len(), 1, "five documents: one page");
    assert!(
        pages[0]
            .html
            .contains("<h3 id=\"errata-4\">004_74678af65d43f56c</h3>"),
        "no errata section for 004"
    );
}

#[test]
fn a_ledger_named_with_ledger_must_exist() {
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("no-such-ledger");
    witness()
        .args(["--ledger"])
        .arg(&missing)
        .args(["audit", "corpus", "--quiet", "--out"])
        .arg(out.path().join("report"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "witness: error: no .witness ledger in {}",
            missing.join(".witness").display()
        )));
    // Nothing was written before the error.
    assert!(!out.path().join("report").exists());
    // The same for every command that records.
    let (a, b) = (common::OFFICIAL, common::NEWSPAPER);
    for args in [
        vec!["diff", a, b, "--record"],
        vec!["scan", "corpus", "--record"],
        vec!["cer", a, b, "--record"],
        vec!["collate", a, b, "--record"],
        vec!["errata", b, "--against", a, "--record"],
        vec!["check"],
        vec!["note", "x"],
    ] {
        witness()
            .arg("--ledger")
            .arg(&missing)
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("no .witness ledger in"));
    }
}

/// The official readings at the four misread words, in text order.
const EXPECTED_PROPOSED: [&str; 4] = ["cooperation", "people", "million", "development"];

/// The English translation of the keynote (000's second half), and an OCR copy of it with
/// four misread words.
fn english_pair() -> (String, String) {
    let official: String = std::fs::read_to_string("corpus/000_3eb5e8de57179c45.txt")
        .unwrap()
        .lines()
        .skip(45)
        .map(|l| format!("{l}\n"))
        .collect();
    let ocr = official
        .replacen("development", "deve1opment", 1)
        .replacen("million", "rnillion", 1)
        .replacen("people", "peop1e", 1)
        .replacen("cooperation", "cooperatiou", 1);
    assert_ne!(official, ocr);
    (official, ocr)
}

fn audit_json(dir: &Path, extra: &[&str]) -> (String, Value, String) {
    let out = dir.join("report");
    let o = witness()
        .current_dir(dir)
        .args(["audit", ".", "--no-record", "--out", "report"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    let r = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
        .unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let errata = std::fs::read_to_string(out.join("errata.md")).unwrap();
    (stderr, r, errata)
}

/// Issue 14: an OCR copy whose name sorts first is not the base; nobody named one, so the
/// base is inferred from the evidence and every output says why; corrections go towards the
/// official reading, never towards the OCR's.
#[test]
fn the_base_is_inferred_from_evidence_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let (official, ocr) = english_pair();
    std::fs::write(dir.path().join("en-ocr.txt"), &ocr).unwrap();
    std::fs::write(dir.path().join("en-official.txt"), &official).unwrap();
    let (stderr, r, errata) = audit_json(dir.path(), &[]);
    let why = "inferred: en-official has the fewest internal problems (0 doubled phrases or blocks, OCR-like words such as `1ocal`, malformed bytes, against 2 for en-ocr); no quotation in the corpus tells the witnesses apart";
    assert!(
        stderr.contains(&format!("base of en-official: {why}")),
        "{stderr}"
    );
    assert_eq!(r["groups"][0]["base"], "./en-official.txt");
    assert_eq!(r["groups"][0]["base_choice"], "inferred");
    assert_eq!(r["groups"][0]["reason"], why);
    assert_eq!(r["diffs"][0]["witnesses"]["a"]["path"], "./en-official.txt");
    assert!(
        errata.starts_with("> The base, en-official, was not named"),
        "{errata}"
    );
    // Every entry proposes the official reading; with no other evidence, one witness against
    // the other is uncertain.
    let entries = r["errata"][0]["entries"].as_array().unwrap();
    let proposed: Vec<&str> = entries
        .iter()
        .map(|e| e["proposed"].as_str().unwrap())
        .collect();
    assert_eq!(proposed, EXPECTED_PROPOSED, "{entries:?}");
    assert!(entries.iter().all(|e| e["verdict"] == "uncertain"));
}

/// `--base` names the authority: no notice, and the errata correct towards it (here, on
/// purpose, the OCR copy).
#[test]
fn base_names_the_authority() {
    let dir = tempfile::tempdir().unwrap();
    let (official, ocr) = english_pair();
    std::fs::write(dir.path().join("en-ocr.txt"), &ocr).unwrap();
    std::fs::write(dir.path().join("en-official.txt"), &official).unwrap();
    let (stderr, r, errata) = audit_json(dir.path(), &["--base", "en-ocr.txt"]);
    assert!(!stderr.contains("base of"), "{stderr}");
    assert_eq!(r["groups"][0]["base_choice"], "designated");
    assert!(r["groups"][0].get("reason").is_none());
    assert!(!errata.contains("was not named"));
    let entries = r["errata"][0]["entries"].as_array().unwrap();
    assert_eq!(entries[0]["proposed"], "cooperatiou");
    assert_eq!(entries[0]["verdict"], "correct");
    // A --base that is not one of the audited files is a usage error.
    witness()
        .current_dir(dir.path())
        .args([
            "audit",
            ".",
            "--no-record",
            "--out",
            "report",
            "--base",
            "nope.txt",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--base nope.txt: not one of the audited files; give the path of one of them",
        ));
}

/// Issue 14: an OCR copy whose errors are only letters read for letters (no digit inside a
/// word, no doubling): the base is the witness whose readings are found elsewhere in the
/// texts, and the reason says so with its counts. `million` occurs once in the text, so
/// `rnillion` against it is a tie and does not count: 3 sites of the 4.
#[test]
fn the_base_is_the_witness_whose_readings_are_found_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let (official, _) = english_pair();
    let ocr = official
        .replacen("cooperation", "cooperatiou", 1)
        .replacen("million", "rnillion", 1)
        .replacen("development", "developrnent", 1)
        .replacen(" people", " pcople", 1);
    std::fs::write(dir.path().join("a-ocr.txt"), &ocr).unwrap();
    std::fs::write(dir.path().join("b-official.txt"), &official).unwrap();
    let (stderr, r, _) = audit_json(dir.path(), &[]);
    assert_eq!(r["groups"][0]["base"], "./b-official.txt", "{stderr}");
    assert_eq!(r["groups"][0]["base_choice"], "inferred");
    assert_eq!(
        r["groups"][0]["reason"],
        "inferred: at 3 of the 3 substitutions that tell them apart, b-official's reading is the word or character found more often in the two texts (against 0 for a-ocr: a misreading is rarely found elsewhere); no quotation or internal problem tells the witnesses apart"
    );
}

/// Two witnesses that nothing tells apart: the first by name, said to be undecided.
#[test]
fn an_undecided_base_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (official, _) = english_pair();
    let other = official.replacen("summit", "meeting", 1);
    std::fs::write(dir.path().join("a.txt"), &official).unwrap();
    std::fs::write(dir.path().join("b.txt"), &other).unwrap();
    let (stderr, r, _) = audit_json(dir.path(), &[]);
    assert_eq!(r["groups"][0]["base_choice"], "undecided", "{stderr}");
    assert!(
        stderr.contains("base of a: undecided: no evidence tells a and b apart"),
        "{stderr}"
    );
}

/// Issue 14: one set of numbers. The terminal summary, `report.json`'s totals and the HTML
/// cards print the same counts, and they are what the stand-alone reports count.
#[test]
fn every_view_prints_the_same_numbers() {
    let out = tempfile::tempdir().unwrap();
    let o = witness()
        .args(["audit", "corpus", "--no-record", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap())
            .unwrap();
    let t = &r["totals"];
    let n = |k: &str| t[k].as_u64().unwrap();
    assert_eq!(
        (
            n("findings"),
            n("boilerplate"),
            n("substantive"),
            n("blocks"),
            n("cosmetic"),
            n("errata")
        ),
        (96, 4, 14, 1, 190, 19)
    );
    assert_eq!(
        n("findings"),
        r["scan"]["findings"].as_array().unwrap().len() as u64
    );
    assert_eq!(
        n("substantive"),
        r["diffs"][0]["summary"]["by_class"]["substantive"]
    );
    assert!(stderr.contains(
        "totals: 96 findings (4 of them boilerplate), 14 substantive variants, 1 blocks, 190 cosmetic variants, 19 errata entries"
    ), "{stderr}");
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    for card in [
        "<b>96</b>findings",
        "<b>4</b>of them boilerplate",
        "<b>14</b>substantive variants",
        "<b>1</b>blocks",
        "<b>190</b>cosmetic variants",
        "<b>19</b>errata entries",
    ] {
        assert!(html.contains(card), "{card}");
    }
}
