//! `witness apply`: an errata list applied to its target, in the target's encoding and line
//! endings, only the corrected spans changed; decisions by fingerprint; the correction
//! recorded in the ledger.

mod common;

use std::path::{Path, PathBuf};

use common::{NEWSPAPER, OFFICIAL, file, substantive, witness};
use serde_json::Value;

/// `witness errata TARGET --against OFFICIAL --corpus corpus -f json -o FILE`.
fn errata(dir: &Path, target: &Path) -> PathBuf {
    let out_file = dir.join("errata.json");
    let out = witness()
        .arg("errata")
        .arg(target)
        .args([
            "--against",
            OFFICIAL,
            "--corpus",
            "corpus",
            "-f",
            "json",
            "-o",
        ])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out_file
}

fn entries(errata: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&std::fs::read(errata).unwrap()).unwrap();
    v["entries"].as_array().unwrap().clone()
}

#[test]
fn the_errata_of_004_applied_leave_no_substantive_variant_in_the_keynote() {
    let dir = tempfile::tempdir().unwrap();
    let list = errata(dir.path(), Path::new(NEWSPAPER));
    let all = entries(&list);
    assert_eq!(all.len(), 14);
    let fixed = dir.path().join("004_fixed.txt");
    let out = witness()
        .arg("apply")
        .arg(&list)
        .arg(NEWSPAPER)
        .arg("-o")
        .arg(&fixed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "witness: applied 13 of 14 entries to {NEWSPAPER} (1 left as they are: not \
             `correct`, or rejected)\n"
        )
    );
    // What is left is the one uncertain entry: 004 has the dateline at its end, not at its
    // head; the keynote itself reads as 000.
    assert_eq!(all[0]["verdict"], "uncertain");
    assert_eq!(
        substantive(Path::new(OFFICIAL), &fixed),
        vec![(
            "omission".to_string(),
            "新华社阿斯塔纳6月17日电".to_string(),
            String::new()
        )]
    );
    // Only the corrected spans changed: the rest of the bytes are the target's.
    let (before, after) = (
        std::fs::read_to_string(NEWSPAPER).unwrap(),
        std::fs::read_to_string(&fixed).unwrap(),
    );
    assert_eq!(before.lines().count(), after.lines().count());
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 10);
    assert!(after.contains("新模式新业态"));
    assert!(!after.contains("新业态新业态"));
}

#[test]
fn decisions_keep_or_drop_entries_by_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let list = errata(dir.path(), Path::new(NEWSPAPER));
    let all = entries(&list);
    // Accept the uncertain dateline, reject the doubled 业态, name an entry that is not there.
    let dateline = all[0]["fingerprint"].as_str().unwrap();
    let doubled = all.iter().find(|e| e["found"] == "业态").unwrap()["fingerprint"]
        .as_str()
        .unwrap();
    let decisions = file(
        dir.path(),
        "decisions.json",
        format!(
            r#"{{"schema":"witness/decisions/1","decisions":[
                {{"fingerprint":"{dateline}","decision":"accept"}},
                {{"fingerprint":"{doubled}","decision":"reject"}},
                {{"fingerprint":"00000000000000000000000000000000","decision":"accept"}}]}}"#
        )
        .as_bytes(),
    );
    let out = witness()
        .arg("apply")
        .arg(&list)
        .arg(NEWSPAPER)
        .arg("--decisions")
        .arg(&decisions)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // The omitted dateline, where 000 has it (without the line break that follows it in
    // 000: that is a layout variant, not part of the entry).
    assert!(
        text.starts_with("\n\n新华社阿斯塔纳6月17日电弘扬"),
        "{text:.60}"
    );
    assert!(text.contains("新业态新业态"));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "witness: warning: the decisions name 00000000000000000000000000000000, which is \
             not an entry of these errata\nwitness: applied 13 of 14 entries to {NEWSPAPER} (1 \
             left as they are: not `correct`, or rejected)\n"
        )
    );
}

#[test]
fn a_gb18030_crlf_target_is_corrected_in_its_encoding_and_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(NEWSPAPER)
        .unwrap()
        .replace('\n', "\r\n");
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let target = file(dir.path(), "004.txt", &bytes);
    let list = errata(dir.path(), &target);
    let out = witness()
        .arg("apply")
        .arg(&list)
        .arg(&target)
        .arg("--in-place")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read(&target).unwrap();
    let (decoded, _, bad) = encoding_rs::GB18030.decode(&fixed);
    assert!(!bad);
    assert!(
        !decoded.replace("\r\n", "").contains('\n'),
        "a bare LF was written"
    );
    // Expected: the decoded text with each `correct` entry's reading put in by its text
    // offsets (CRLF for any line break in it), computed here without witness.
    let mut expected = text.clone();
    let mut applied: Vec<Value> = entries(&list)
        .into_iter()
        .filter(|e| e["verdict"] == "correct")
        .collect();
    assert!(applied.len() >= 10);
    applied.sort_by_key(|e| std::cmp::Reverse(e["start"]["text_byte"].as_u64().unwrap()));
    for e in &applied {
        let (from, to) = (
            e["start"]["text_byte"].as_u64().unwrap() as usize,
            e["end"]["text_byte"].as_u64().unwrap() as usize,
        );
        assert_eq!(&expected[from..to], e["found"].as_str().unwrap());
        let proposed = e["proposed"].as_str().unwrap().replace('\n', "\r\n");
        expected.replace_range(from..to, &proposed);
    }
    assert!(
        decoded == expected,
        "the corrected text is not the expected one"
    );
    assert!(decoded.contains("新模式新业态"));
}

#[test]
fn a_patch_shows_the_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let list = errata(dir.path(), Path::new(NEWSPAPER));
    let out = witness()
        .arg("apply")
        .arg(&list)
        .arg(NEWSPAPER)
        .arg("--patch")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(
        patch.starts_with(&format!("--- {NEWSPAPER}\n+++ {NEWSPAPER}\n@@ ")),
        "{patch}"
    );
    assert_eq!(
        patch
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .count(),
        10
    );
    assert_eq!(
        patch
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count(),
        10
    );
    assert!(patch.contains("\n+"));
}

#[test]
fn errata_of_another_text_or_not_errata_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let list = errata(dir.path(), Path::new(NEWSPAPER));
    let out = witness()
        .arg("apply")
        .arg(&list)
        .arg(OFFICIAL)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("witness: error: {OFFICIAL} is not the text the errata were made for (its sha256 is 9d94ffd035d13388")),
        "{err}"
    );
    assert!(
        err.ends_with("make the errata of this text again with `witness errata`\n"),
        "{err}"
    );
    let not = file(dir.path(), "x.json", br#"{"schema":"witness/diff/1"}"#);
    let out = witness()
        .arg("apply")
        .arg(&not)
        .arg(NEWSPAPER)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "witness: error: {}: not a witness errata report in JSON (",
            not.display()
        )),
        "{err}"
    );
}

#[test]
fn a_recorded_correction_is_a_revision_generated_by_the_errata_audit() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let target = file(repo, "004.txt", &std::fs::read(NEWSPAPER).unwrap());
    let official = file(repo, "000.txt", &std::fs::read(OFFICIAL).unwrap());
    let run = |args: &[&str]| {
        let out = witness().current_dir(repo).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(run(&["init"]).0, Some(0));
    assert_eq!(run(&["add", "004.txt"]).0, Some(0));
    // Errata not on record: --record refuses before writing anything.
    let errata_args = [
        "errata",
        "004.txt",
        "--against",
        "000.txt",
        "-f",
        "json",
        "-o",
        "e.json",
    ];
    let apply_args = [
        "apply",
        "e.json",
        "004.txt",
        "-o",
        "004_fixed.txt",
        "--record",
    ];
    assert_eq!(run(&errata_args).0, Some(1));
    let (code, _, err) = run(&apply_args);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("the ledger has no audit record of these errata"),
        "{err}"
    );
    assert!(!repo.join("004_fixed.txt").exists());
    assert_eq!(run(&[&errata_args[..], &["--record"]].concat()).0, Some(1));
    let (code, _, err) = run(&apply_args);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.ends_with(
            "witness: recorded 004_fixed.txt as version 004 (record 2), a revision of 004.txt\n"
        ),
        "{err}"
    );
    let (code, json, _) = run(&["show", "--json", "2"]);
    assert_eq!(code, Some(0));
    let r: Value = serde_json::from_str(&json).unwrap();
    let kinds: Vec<&str> = r["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["revision_of", "generated_by"]);
    assert_eq!(r["label"], "004");
    assert_eq!(r["path"], "004_fixed.txt");
    assert_eq!(run(&["verify"]).0, Some(0));
    let _ = official;
    let _ = target;
}
