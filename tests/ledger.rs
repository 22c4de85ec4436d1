//! The ledger with real files and real processes: concurrent writers, crashes mid-write,
//! tampering of every kind, bad input that must leave the ledger untouched.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use predicates::prelude::*;
use serde_json::Value;

/// A repository with a ledger and two corpus files.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        for name in ["000_3eb5e8de57179c45.txt", "004_74678af65d43f56c.txt"] {
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("corpus")
                    .join(name),
                dir.path().join(name),
            )
            .unwrap();
        }
        let repo = Repo { dir };
        repo.run(&["init"]).assert().code(0);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = assert_cmd::cargo_bin_cmd!();
        cmd.current_dir(self.path())
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1750118400");
        cmd
    }

    fn log_path(&self) -> PathBuf {
        self.path().join(".witness/ledger.jsonl")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap()
    }

    fn lines(&self) -> Vec<String> {
        self.log().lines().map(str::to_string).collect()
    }

    fn write_lines(&self, lines: &[String]) {
        std::fs::write(self.log_path(), lines.join("\n") + "\n").unwrap();
    }

    /// Adds both files, the newspaper as a transcription of the official text.
    fn with_versions(self) -> Repo {
        self.run(&[
            "add",
            "000_3eb5e8de57179c45.txt",
            "--label",
            "official",
            "--role",
            "official",
        ])
        .assert()
        .code(0);
        self.run(&[
            "add",
            "004_74678af65d43f56c.txt",
            "--label",
            "paper",
            "--transcription-of",
            "official",
        ])
        .assert()
        .code(0);
        self
    }

    fn verify(&self) -> (i32, String) {
        let out = self.run(&["verify"]).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    }

    /// `verify`'s report of a damaged ledger (exit 1 is asserted).
    fn damaged(&self) -> String {
        let (code, msg) = self.verify();
        assert_eq!(code, 1, "{msg}");
        msg
    }

    fn bin() -> PathBuf {
        assert_cmd::cargo::cargo_bin!().to_path_buf()
    }
}

#[test]
fn add_log_show_and_label_versions() {
    let repo = Repo::new().with_versions();
    // The same bytes under another label: a second version record, the same object.
    repo.run(&["add", "000_3eb5e8de57179c45.txt", "--label", "copy"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "added 000_3eb5e8de57179c45.txt as copy (record 2, ",
        ));
    repo.run(&["show", "copy@1", "--json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"seq\": 2,"));
    let objects: Vec<_> = walk(&repo.path().join(".witness/objects/sha256"));
    assert_eq!(objects.len(), 2);
    let log = repo.run(&["log"]).output().unwrap();
    let log = String::from_utf8(log.stdout).unwrap();
    let first_words: Vec<&str> = log
        .lines()
        .map(|l| l.split_whitespace().nth(3).unwrap())
        .collect();
    assert_eq!(first_words, ["version", "version", "version"]);
    assert!(log.contains(
        "version paper 004_74678af65d43f56c.txt sha256 fbf6b18cb1fe (transcription_of official)"
    ));
    let shown = repo
        .run(&["show", "official@1", "--json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(json["seq"], 0);
    assert_eq!(json["role"], "official");
    assert_eq!(json["time"], "2025-06-17T00:00:00Z");
    assert_eq!(
        json["sha256"],
        "9d94ffd035d133889a9aa6bdac14133486e26dca8117ed97885e1fd0b685557e"
    );
    // A unique prefix of the record id resolves too.
    let id = json["id"].as_str().unwrap();
    repo.run(&["show", &id[..8], "--json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(id));
    assert_eq!(
        repo.verify(),
        (
            0,
            format!("ledger intact: 3 records, root {}\n", root_of(&repo))
        )
    );
}

fn root_of(repo: &Repo) -> String {
    let c: Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join(".witness/checkpoint.json")).unwrap(),
    )
    .unwrap();
    c["root"].as_str().unwrap().to_string()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn diff_of_stored_versions_and_recorded_audit() {
    let repo = Repo::new().with_versions();
    let out = repo
        .run(&["diff", "official@1", "paper", "--record"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("跨[-里-]海"));
    let last: Value = serde_json::from_str(repo.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "audit");
    assert_eq!(last["report"], "diff");
    assert_eq!(
        last["report_sha256"],
        witness::unstable::source::hex_sha256(stdout.as_bytes())
    );
    assert_eq!(
        last["inputs"][1]["sha256"],
        "fbf6b18cb1fe572f56be78adeba04184597876ca8f14e4dc9a6ad1a58fb5eeef"
    );
    assert_eq!(last["profile"]["name"], "loose");
    assert_eq!(repo.verify().0, 0);
}

#[test]
fn proofs_hold_offline_and_fail_when_forged() {
    let repo = Repo::new().with_versions();
    repo.run(&["note", "checked by hand"]).assert().code(0);
    let proof = repo.run(&["prove", "paper"]).output().unwrap().stdout;
    let file = repo.path().join("proof.json");
    std::fs::write(&file, &proof).unwrap();
    repo.run(&["verify", "--proof", "proof.json"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "proof holds: record 1 is included in the tree of 3 records",
        ));
    let forged = String::from_utf8(proof).unwrap().replacen(
        "\"leaf_index\": \"1\"",
        "\"leaf_index\": \"0\"",
        1,
    );
    std::fs::write(&file, forged).unwrap();
    repo.run(&["verify", "--proof", "proof.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("proof fails"));
    let consistency = repo
        .run(&["prove", "--since", "2"])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(&file, consistency).unwrap();
    repo.run(&["verify", "--proof", "proof.json"])
        .assert()
        .code(0)
        .stdout("proof holds: the tree of 3 records extends the tree of 2 records: nothing before was changed\n");
}

/// `writers` processes, each appending `notes` notes one `witness note` at a time.
fn spawn_writers(repo: &Repo, writers: usize, notes: usize) -> Vec<std::process::Child> {
    (0..writers)
        .map(|w| {
            let script = format!(
                "for i in $(seq 1 {notes}); do '{}' note \"writer {w} note $i\" || exit 1; done",
                Repo::bin().display()
            );
            Command::new("sh")
                .arg("-c")
                .arg(script)
                .current_dir(repo.path())
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect()
}

#[test]
fn concurrent_writers_never_break_the_chain() {
    let repo = Repo::new();
    let children = spawn_writers(&repo, 8, 10);
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let lines = repo.lines();
    assert_eq!(lines.len(), 80);
    for (i, l) in lines.iter().enumerate() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["seq"], i);
    }
    assert_eq!(repo.verify().0, 0);
}

#[test]
fn crash_mid_append_is_repaired_and_recorded() {
    let repo = Repo::new().with_versions();
    let before = repo.log();
    repo.run(&["note", "interrupted"])
        .env("WITNESS_CRASH_AFTER_BYTES", "40")
        .assert()
        .failure();
    let torn = repo.log();
    assert_eq!(torn.len(), before.len() + 40);
    let msg = repo.damaged();
    assert_eq!(
        msg,
        "ledger damaged: the last line is torn (40 bytes after record 1, an interrupted append); the next append cuts it off and records the repair\n"
    );
    repo.run(&["note", "after the crash"]).assert().code(0);
    let lines = repo.lines();
    assert_eq!(lines.len(), 4);
    assert!(
        repo.log().starts_with(&before),
        "no complete record is lost"
    );
    let repair: Value = serde_json::from_str(&lines[2]).unwrap();
    assert_eq!(repair["type"], "repair");
    assert_eq!(repair["cut_bytes"], "40");
    assert_eq!(repo.verify().0, 0);
}

#[test]
fn a_truncated_record_is_never_laundered() {
    let repo = Repo::new().with_versions();
    let log = repo.log();
    // Cut the last record in the middle: it was complete and the checkpoint counts it, so this
    // is damage, not an interrupted append.
    std::fs::write(repo.log_path(), &log[..log.len() - 25]).unwrap();
    let damaged = repo.log();
    assert_eq!(repo.verify().0, 1);
    repo.run(&["note", "next"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the log and its checkpoint disagree: the checkpoint covers 2 records but the log holds 1: records were removed; nothing was written.",
        ));
    assert_eq!(repo.log(), damaged, "nothing written");
    assert_eq!(repo.verify().0, 1, "still reported");
    // Accepting the log as it stands is explicit, and recorded.
    repo.run(&["repair"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("recorded repair: a torn last line"))
        .stdout(predicate::str::contains(
            "recorded INCIDENT: the checkpoint covers 2 records but the log holds 1: records were removed (checkpoint: 2 records",
        ));
    let lines = repo.lines();
    assert_eq!(
        lines.len(),
        3,
        "record 0, the repair of the cut line, the incident"
    );
    assert!(lines[1].contains("\"type\":\"repair\""));
    assert!(lines[2].contains("\"type\":\"incident\""));
    let (code, msg) = repo.verify();
    assert_eq!(code, 0, "{msg}");
    assert!(
        msg.contains("incidents the ledger records (disagreements with its checkpoint, accepted):\n  record 2: the checkpoint covers 2 records but the log holds 1: records were removed\n"),
        "{msg}"
    );
    repo.run(&["note", "next"]).assert().code(0);
    repo.run(&["repair"])
        .assert()
        .code(0)
        .stdout("nothing to repair: the log and its checkpoint agree\n");
}

#[test]
fn killed_writers_never_damage_the_ledger() {
    let repo = Repo::new();
    let bin = Repo::bin();
    for i in 0..30u64 {
        let mut child = Command::new(&bin)
            .args(["note", &format!("note {i}")])
            .current_dir(repo.path())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(300 * (i % 7)));
        let _ = child.kill();
        let _ = child.wait();
    }
    repo.run(&["note", "survivor"]).assert().code(0);
    assert_eq!(repo.verify().0, 0);
    let lines = repo.lines();
    assert!(lines.last().unwrap().contains("survivor"));
    for (i, l) in lines.iter().enumerate() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["seq"], i);
    }
}

#[test]
fn tampering_is_named_exactly() {
    let repo = Repo::new().with_versions();
    for i in 0..3 {
        repo.run(&["note", &format!("note {i}")]).assert().code(0);
    }
    let original = repo.lines();
    let objects = walk(&repo.path().join(".witness/objects/sha256"));

    // One character of a middle record, still canonical JSON.
    let mut lines = original.clone();
    lines[2] = lines[2].replace("note 0", "note 9");
    repo.write_lines(&lines);
    let msg = repo.damaged();
    assert!(
        msg.starts_with("ledger damaged: record 3 (line 4) names "),
        "{msg}"
    );
    assert!(
        msg.ends_with(": record 2 was altered after record 3 was written\n"),
        "{msg}"
    );

    // One character of the last record: only the checkpoint can tell.
    let mut lines = original.clone();
    lines[4] = lines[4].replace("note 2", "note 7");
    repo.write_lines(&lines);
    let msg = repo.damaged();
    assert!(
        msg.starts_with("ledger damaged: record 4 differs from the one the checkpoint recorded"),
        "{msg}"
    );

    // A record deleted.
    let mut lines = original.clone();
    lines.remove(1);
    repo.write_lines(&lines);
    assert_eq!(
        repo.verify(),
        (1, "ledger damaged: line 2 holds record 2 where record 1 should be: record 1 was removed (or records reordered)\n".into())
    );

    // Two records swapped.
    let mut lines = original.clone();
    lines.swap(2, 3);
    repo.write_lines(&lines);
    assert_eq!(
        repo.verify(),
        (1, "ledger damaged: line 3 holds record 3 where record 2 should be: record 2 was removed (or records reordered)\n".into())
    );

    // A hand edit that breaks the canonical form.
    let mut lines = original.clone();
    lines[1] = lines[1].replacen("{", "{ ", 1);
    repo.write_lines(&lines);
    assert_eq!(
        repo.verify(),
        (
            1,
            "ledger damaged: line 2 (record 1) is not in canonical form (it was edited by hand?)\n"
                .into()
        )
    );

    // The tail removed.
    repo.write_lines(&original[..3]);
    assert_eq!(
        repo.verify(),
        (1, "ledger damaged: the checkpoint recorded 5 records but the ledger has 3: records 3..4 were removed\n".into())
    );

    // A stored object's bytes swapped.
    repo.write_lines(&original);
    assert_eq!(repo.verify().0, 0);
    let victim = objects
        .iter()
        .find(|p| std::fs::metadata(p).unwrap().len() == 20753)
        .unwrap();
    std::fs::write(victim, "swapped").unwrap();
    let msg = repo.damaged();
    assert!(
        msg.starts_with("ledger damaged: record 0: the stored object for 000_3eb5e8de57179c45.txt should have sha256 9d94ffd0"),
        "{msg}"
    );
    assert!(msg.ends_with("the object was replaced\n"));
    std::fs::remove_file(victim).unwrap();
    let (_, msg) = repo.verify();
    assert_eq!(
        msg,
        "ledger damaged: record 0: the object 9d94ffd035d133889a9aa6bdac14133486e26dca8117ed97885e1fd0b685557e (000_3eb5e8de57179c45.txt) is missing from the store\n"
    );
    repo.run(&["diff", "official", "paper"])
        .assert()
        .code(2)
        .stderr("witness: error: record 0: its object 9d94ffd035d133889a9aa6bdac14133486e26dca8117ed97885e1fd0b685557e is missing from the store\n");
}

#[test]
fn bad_input_writes_nothing() {
    let repo = Repo::new().with_versions();
    let before = repo.log();
    repo.run(&[
        "add",
        "004_74678af65d43f56c.txt",
        "--transcription-of",
        "nonesuch",
    ])
    .assert()
    .code(2)
    .stderr(
        "witness: error: no record or version matches \"nonesuch\"; `witness log` lists them\n",
    );
    let outside = tempfile::NamedTempFile::new().unwrap();
    repo.run(&["add", outside.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is outside the repository"));
    repo.run(&["add", "missing.txt"])
        .assert()
        .code(2)
        .stderr("witness: error: missing.txt: no such file; check the path\n");
    assert_eq!(repo.log(), before);

    // A corrupt line in the middle: appends refuse, nothing is written.
    let good = repo.lines();
    let mut lines = good.clone();
    lines.insert(1, "{not json".into());
    repo.write_lines(&lines);
    let damaged = repo.log();
    repo.run(&["log"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "ledger.jsonl line 2: not valid JSON",
        ));
    repo.run(&["note", "x"]).assert().code(2);
    assert_eq!(repo.log(), damaged);
    // A record of an unknown schema version as the last line.
    let mut lines = good;
    lines[1] = lines[1].replace("witness/ledger/1", "witness/ledger/2");
    repo.write_lines(&lines);
    let unknown = repo.log();
    repo.run(&["note", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown schema \"witness/ledger/2\" (this witness reads witness/ledger/1); upgrade witness"));
    assert_eq!(repo.log(), unknown);
    assert_ne!(damaged, unknown);
}

#[test]
fn check_reports_drift_for_ci() {
    let repo = Repo::new().with_versions();
    repo.run(&["check"]).assert().code(0).stdout(
        "ok       000_3eb5e8de57179c45.txt\nok       004_74678af65d43f56c.txt\n0 of 2 tracked files differ from the ledger\n",
    );
    let before = repo.log();
    let path = repo.path().join("004_74678af65d43f56c.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("跨海", "跨里海");
    std::fs::write(&path, text).unwrap();
    std::fs::remove_file(repo.path().join("000_3eb5e8de57179c45.txt")).unwrap();
    let out = repo.run(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("missing  000_3eb5e8de57179c45.txt (last recorded as official@1, record 0)\nchanged  004_74678af65d43f56c.txt: recorded sha256 fbf6b18cb1fe, now "));
    assert!(
        stdout.contains(" addition      medium 中国城市开通中亚班列，跨{+里+}海国际运输走廊"),
        "{stdout}"
    );
    assert!(stdout.ends_with("2 of 2 tracked files differ from the ledger\n"));
    assert_eq!(repo.log(), before, "nothing written without --record");
    repo.run(&["check", "--record"]).assert().code(1);
    assert!(
        repo.lines()
            .last()
            .unwrap()
            .contains("\"report\":\"check\"")
    );
}

#[test]
fn no_ledger_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    common::witness()
        .current_dir(dir.path())
        .arg("log")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "witness: error: no .witness ledger in ",
        ))
        .stderr(predicate::str::ends_with(
            "or any directory above it; run `witness init` there\n",
        ));
    common::witness()
        .current_dir(dir.path())
        .args(["init"])
        .assert()
        .code(0);
    common::witness()
        .current_dir(dir.path())
        .args(["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::ends_with(
            ".witness already holds a ledger\n",
        ));
}

#[test]
fn exports() {
    let repo = Repo::new().with_versions();
    let prov: Value = serde_json::from_slice(
        &repo
            .run(&["export", "--format", "prov-json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let derived = prov["wasDerivedFrom"].as_object().unwrap();
    assert_eq!(derived.len(), 1);
    let d = derived.values().next().unwrap();
    assert_eq!(
        d["prov:usedEntity"],
        "witness:9d94ffd035d133889a9aa6bdac14133486e26dca8117ed97885e1fd0b685557e"
    );
    assert_eq!(d["witness:relation"], "transcription_of");
    assert_eq!(prov["entity"].as_object().unwrap().len(), 2);
    let statements = repo
        .run(&["export", "--format", "in-toto"])
        .output()
        .unwrap()
        .stdout;
    let statements: Vec<Value> = String::from_utf8(statements)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1]["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(
        statements[1]["subject"][0]["name"],
        "004_74678af65d43f56c.txt"
    );
    assert_eq!(
        statements[1]["subject"][0]["digest"]["sha256"],
        "fbf6b18cb1fe572f56be78adeba04184597876ca8f14e4dc9a6ad1a58fb5eeef"
    );
}

/// `line` with the field `key` set to `value` (`None`: removed), still canonical JSON.
fn edited(line: &str, key: &str, value: Option<Value>) -> String {
    let mut v: Value = serde_json::from_str(line).unwrap();
    let m = v.as_object_mut().unwrap();
    match value {
        Some(x) => m.insert(key.into(), x),
        None => m.remove(key),
    };
    witness::ledger::canonical::to_canonical(&v).unwrap()
}

/// A hand edit that leaves valid, canonical JSON with a bad field: every command that reads
/// the log names the line, the record and the field (exit 2; `verify` exit 1), none panics,
/// and appends write nothing.
#[test]
fn hand_edited_fields_are_named_never_a_panic() {
    let repo = Repo::new().with_versions();
    repo.run(&["note", "last"]).assert().code(0);
    let original = repo.lines();
    let cases: Vec<(usize, &str, Option<Value>, &str)> = vec![
        (
            1,
            "sha256",
            Some("zz".into()),
            r#"record 1: field "sha256": "zz" is not a SHA-256 digest"#,
        ),
        // A multi-byte character across the 12th byte, where `log` once cut digests.
        (
            1,
            "sha256",
            Some("fbf6b18cb1f跨里海".into()),
            r#"record 1: field "sha256": "fbf6b18cb1f跨里海" is not a SHA-256 digest"#,
        ),
        (
            1,
            "seq",
            Some("x".into()),
            r#"field "seq": "x" is not a record number (a whole number from 0)"#,
        ),
        (
            1,
            "relations",
            Some(serde_json::json!([{"type": "quotes"}])),
            r#"record 1: field "relations[0].target" is missing"#,
        ),
        (
            1,
            "relations",
            Some(serde_json::json!([{"type": "quotes", "target": "a跨里海"}])),
            r#"record 1: field "relations[0].target": "a跨里海" is not a SHA-256 digest"#,
        ),
        (
            1,
            "bytes",
            Some(21389.into()),
            r#"record 1: field "bytes": 21389 is not a whole number written as a string, such as "42""#,
        ),
        (1, "label", None, r#"record 1: field "label" is missing"#),
        (
            0,
            "role",
            Some("boss".into()),
            r#"record 0: field "role": "boss" is not a role (official, transcription, translation, news)"#,
        ),
        (
            0,
            "type",
            Some("poem".into()),
            r#"record 0: field "type": "poem" is not a record type (version, audit, note, repair, incident)"#,
        ),
        (
            2,
            "text",
            Some(5.into()),
            r#"record 2: field "text": 5 is not a string"#,
        ),
        (
            2,
            "prev",
            Some("跨".repeat(64).into()),
            r#"record 2: field "prev": "跨跨跨"#,
        ),
    ];
    for (i, key, value, message) in cases {
        let mut lines = original.clone();
        lines[i] = edited(&lines[i], key, value);
        repo.write_lines(&lines);
        let damaged = repo.log();
        let line = format!("ledger.jsonl line {}: {message}", i + 1);
        for args in [
            &["log"][..],
            &["log", "--json"],
            &["show", "paper"],
            &["check"],
            &["diff", "official", "paper"],
            &["export", "--format", "prov-json"],
        ] {
            repo.run(args)
                .assert()
                .code(2)
                .stderr(predicate::str::contains(&line));
        }
        // The last record is what an append chains onto: damage there is refused as such.
        let note = repo.run(&["note", "x"]).assert().code(2);
        if i == 2 {
            note.stderr(predicate::str::contains(
                "the last record is damaged: ".to_string() + message,
            ));
        } else {
            note.stderr(predicate::str::contains(&line));
        }
        assert_eq!(repo.log(), damaged, "nothing written");
        let msg = repo.damaged();
        assert!(
            msg.starts_with(&format!("ledger damaged: line {}: {message}", i + 1)),
            "{msg}"
        );
    }

    // A multi-byte label is a label: every command reads it.
    let mut lines = original.clone();
    lines[1] = edited(&lines[1], "label", Some("跨里海跨里海跨里海".into()));
    repo.write_lines(&lines);
    let log = repo.run(&["log"]).output().unwrap();
    assert_eq!(log.status.code(), Some(0));
    assert!(
        String::from_utf8(log.stdout)
            .unwrap()
            .contains("version 跨里海跨里海跨里海 004_74678af65d43f56c.txt sha256 fbf6b18cb1fe (transcription_of official)")
    );
    repo.run(&["show", "跨里海跨里海跨里海", "--json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "\"label\": \"跨里海跨里海跨里海\"",
        ));
    repo.run(&["check"]).assert().code(0);
    repo.run(&["diff", "official", "跨里海跨里海跨里海"])
        .assert()
        .code(1);
    // …but the edit broke the chain, and `verify` says where.
    let msg = repo.damaged();
    assert!(
        msg.starts_with("ledger damaged: record 2 (line 3) names "),
        "{msg}"
    );
}

/// `log --json` and `show` print every field of the line and the id, as they always have.
#[test]
fn log_json_and_show_print_the_line_and_the_id() {
    let repo = Repo::new().with_versions();
    repo.run(&["note", "跨里海"]).assert().code(0);
    let lines = repo.lines();
    let log: Vec<Value> =
        serde_json::from_slice(&repo.run(&["log", "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(log.len(), 3);
    for (line, mut shown) in lines.iter().zip(log.into_iter().rev()) {
        let id = shown
            .as_object_mut()
            .unwrap()
            .remove("id")
            .unwrap()
            .as_str()
            .unwrap()
            .to_string();
        let mut leaf = vec![0u8];
        leaf.extend_from_slice(line.as_bytes());
        assert_eq!(id, witness::unstable::source::hex_sha256(&leaf));
        assert_eq!(shown, serde_json::from_str::<Value>(line).unwrap());
        let show = repo.run(&["show", &id, "--json"]).output().unwrap();
        // Exactly one JSON value: nothing before or after it.
        let mut json: Value = serde_json::from_slice(&show.stdout).unwrap();
        json.as_object_mut().unwrap().remove("id");
        assert_eq!(json, shown);
    }
}

#[test]
fn verify_during_concurrent_appends_never_raises_a_false_alarm() {
    let repo = Repo::new();
    repo.run(&["note", "first"]).assert().code(0);
    let mut writers = spawn_writers(&repo, 4, 15);
    // Verify again and again for as long as the writers write.
    let mut during = 0;
    while writers.iter_mut().any(|w| w.try_wait().unwrap().is_none()) {
        let (code, msg) = repo.verify();
        assert_eq!(code, 0, "verify during appends: {msg}");
        during += 1;
    }
    assert!(
        during >= 3,
        "verify ran {during} times while the writers wrote"
    );
    for mut w in writers {
        assert!(w.wait().unwrap().success());
    }
    assert_eq!(repo.lines().len(), 61);
    assert_eq!(repo.verify().0, 0);
}

#[test]
fn a_checkpoint_that_cannot_be_written_undoes_the_append() {
    let repo = Repo::new().with_versions();
    let before = repo.log();
    repo.run(&["note", "on a full disk"])
        .env("WITNESS_CHECKPOINT_FAULT", "1")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "checkpoint.json: cannot write the checkpoint (No space left on device (os error 28)); the append was undone and nothing was recorded",
        ));
    assert_eq!(
        repo.log(),
        before,
        "a retry cannot duplicate what is not there"
    );
    assert_eq!(repo.verify().0, 0);
    repo.run(&["note", "on a full disk"]).assert().code(0);
    assert_eq!(repo.lines().len(), 3);
}

#[test]
fn a_first_append_cut_before_its_checkpoint_is_recorded_as_an_incident() {
    let repo = Repo::new();
    repo.run(&["note", "first"]).assert().code(0);
    // As if the process died between writing the log and writing the checkpoint.
    std::fs::remove_file(repo.path().join(".witness/checkpoint.json")).unwrap();
    let msg = repo.damaged();
    // What `tests/bad_input.rs` sees when it kills a first `add` between its two writes.
    assert!(
        msg.contains(
            "the checkpoint (.witness/checkpoint.json) is missing while the log holds 1 record: an interrupted append"
        ),
        "{msg}"
    );
    repo.run(&["note", "second"]).assert().code(0);
    let lines = repo.lines();
    assert_eq!(lines.len(), 3);
    let incident: Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(incident["type"], "incident");
    assert_eq!(incident["checkpoint_size"], "0");
    assert_eq!(incident["log_size"], "1");
    let log = String::from_utf8(repo.run(&["log"]).output().unwrap().stdout).unwrap();
    assert!(
        log.contains("INCIDENT: the checkpoint was missing while the log held 1 records"),
        "{log}"
    );
    assert_eq!(repo.verify().0, 0);
}

#[test]
fn a_checkpoint_missing_after_two_appends_was_deleted() {
    let repo = Repo::new();
    repo.run(&["note", "first"]).assert().code(0);
    repo.run(&["note", "second"]).assert().code(0);
    std::fs::remove_file(repo.path().join(".witness/checkpoint.json")).unwrap();
    let msg = repo.damaged();
    assert!(
        msg.contains(
            "the checkpoint (.witness/checkpoint.json) is missing, though every append writes one: it was deleted"
        ),
        "{msg}"
    );
}

/// Writes a second, self-consistent ledger with the same first record and another history:
/// what someone with write access to the repository (and no signing key) can do.
fn rewrite_history(repo: &Repo) {
    let forged = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo.path().join("000_3eb5e8de57179c45.txt"),
        forged.path().join("000_3eb5e8de57179c45.txt"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = assert_cmd::cargo_bin_cmd!();
        cmd.current_dir(forged.path())
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1750118400")
            .assert()
            .code(0);
    };
    run(&["init"]);
    run(&[
        "add",
        "000_3eb5e8de57179c45.txt",
        "--label",
        "official",
        "--role",
        "official",
    ]);
    run(&["note", "a history that never happened"]);
    run(&["note", "and another record"]);
    for name in ["ledger.jsonl", "checkpoint.json"] {
        std::fs::copy(
            forged.path().join(".witness").join(name),
            repo.path().join(".witness").join(name),
        )
        .unwrap();
    }
}

#[test]
fn a_rewritten_history_is_caught_by_a_head_kept_elsewhere() {
    let repo = Repo::new().with_versions();
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("signing.key");
    let out = repo
        .run(&["key", "generate", "archive.example/witness", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    let vkey = printed
        .lines()
        .find_map(|l| l.strip_prefix("verifier key: "))
        .unwrap()
        .to_string();
    assert!(vkey.starts_with("archive.example/witness+"));
    // A key is never written inside the ledger, nor over another file.
    repo.run(&["key", "generate", "k", "--out", ".witness/k"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "must not be kept inside .witness/",
        ));
    repo.run(&["key", "generate", "k", "--out"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    // The head after two records, signed and kept elsewhere.
    let head = repo
        .run(&["checkpoint", "--key"])
        .arg(&key)
        .output()
        .unwrap()
        .stdout;
    let head_file = keys.path().join("head-2");
    std::fs::write(&head_file, &head).unwrap();
    let text = String::from_utf8(head).unwrap();
    assert!(text.starts_with("witness.ledger/"), "{text}");
    assert!(text.contains("\n2\n"), "{text}");
    assert!(
        text.contains("\n\n\u{2014} archive.example/witness "),
        "{text}"
    );
    // The ledger grows: still consistent with the head.
    repo.run(&["note", "later"]).assert().code(0);
    repo.run(&["verify", "--checkpoint"])
        .arg(&head_file)
        .args(["--key", &vkey])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "consistent with the checkpoint: the ledger of 3 records extends the checkpoint of 2 records",
        ));
    // A whole rewrite, chain and checkpoint recomputed: verify alone cannot tell…
    rewrite_history(&repo);
    let (code, msg) = repo.verify();
    assert_eq!(code, 0, "{msg}");
    // …the head kept elsewhere can.
    repo.run(&["verify", "--checkpoint"])
        .arg(&head_file)
        .args(["--key", &vkey])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "ledger rewritten: the first 2 records no longer hash to the checkpoint's root",
        ));
    // A head whose signature does not hold proves nothing.
    let forged = text.replacen("\n2\n", "\n3\n", 1);
    std::fs::write(&head_file, forged).unwrap();
    repo.run(&["verify", "--checkpoint"])
        .arg(&head_file)
        .args(["--key", &vkey])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the checkpoint is not signed by archive.example/witness+",
        ));
}

#[test]
fn a_kept_size_and_root_catch_removed_records() {
    let repo = Repo::new().with_versions();
    let (_, msg) = repo.verify();
    let root = msg.trim().rsplit(' ').next().unwrap().to_string();
    repo.run(&["verify", "--size", "2", "--root", &root])
        .assert()
        .code(0);
    let lines = repo.lines();
    repo.write_lines(&lines[..1]);
    std::fs::remove_file(repo.path().join(".witness/checkpoint.json")).unwrap();
    repo.run(&["repair"]).assert().code(0);
    repo.run(&["verify", "--size", "2", "--root", &root])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "ledger rewritten: the first 2 records no longer hash",
        ));
}

#[test]
fn every_reader_agrees_on_a_crlf_line_and_a_torn_multibyte_tail() {
    let repo = Repo::new().with_versions();
    repo.run(&["note", "跨里海"]).assert().code(0);
    let good = repo.log();
    // A torn tail that ends inside a multi-byte character: skipped by every reader.
    let mut bytes = good.clone().into_bytes();
    bytes.extend_from_slice(&"{\"note\":\"跨".as_bytes()[..11]);
    std::fs::write(repo.log_path(), &bytes).unwrap();
    for args in [
        &["log"][..],
        &["show", "paper"],
        &["export", "--format", "in-toto"],
        &["check"],
        &["prove", "paper"],
    ] {
        repo.run(args).assert().code(0);
    }
    // A line ending in CRLF is not canonical for anyone.
    let mut lines = good.lines().map(str::to_string).collect::<Vec<_>>();
    lines[0].push('\r');
    repo.write_lines(&lines);
    for args in [&["log"][..], &["show", "paper"], &["note", "x"]] {
        repo.run(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "ledger.jsonl line 1: not in canonical form",
            ));
    }
    let msg = repo.damaged();
    assert!(
        msg.contains("line 1 (record 0) is not in canonical form"),
        "{msg}"
    );
}

#[test]
fn add_refuses_a_file_that_changes_while_it_is_read() {
    let repo = Repo::new();
    let big = repo.path().join("growing.txt");
    std::fs::write(&big, "跨里海".repeat(2_000_000)).unwrap();
    let writer = {
        let big = big.clone();
        std::thread::spawn(move || {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new().append(true).open(&big).unwrap();
            for _ in 0..2000 {
                f.write_all("新业态".as_bytes()).unwrap();
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        })
    };
    let out = repo.run(&["add", "growing.txt"]).output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("growing.txt: changed while it was being read; nothing was stored"),
        "{stderr}"
    );
    assert!(repo.log().is_empty(), "nothing recorded");
}

#[test]
fn a_path_outside_the_repository_is_never_read() {
    let repo = Repo::new().with_versions();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "a secret outside the repository").unwrap();
    let original = repo.lines();
    for bad in [
        "../secret.txt".to_string(),
        secret.path().display().to_string(),
        "/dev/zero".into(),
        "a/./b.txt".into(),
        ".witness/ledger.jsonl".into(),
    ] {
        let mut lines = original.clone();
        lines[1] = edited(&lines[1], "path", Some(bad.clone().into()));
        repo.write_lines(&lines);
        let message = format!(
            "ledger.jsonl line 2: record 1: field \"path\": {:?} is not a path inside the repository",
            bad
        );
        repo.run(&["check"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(&message));
        let (code, msg) = repo.verify();
        assert_eq!(code, 1, "{bad}");
        assert!(msg.contains("is not a path inside the repository"), "{msg}");
    }
}

/// Each record of `log --json`, oldest first.
fn records_json(repo: &Repo) -> Vec<Value> {
    let mut list: Vec<Value> =
        serde_json::from_slice(&repo.run(&["log", "--json"]).output().unwrap().stdout).unwrap();
    list.reverse();
    list
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `show --json` prints exactly one JSON value; `show` alone, the fields for people and no
/// JSON.
#[test]
fn show_prints_json_only_with_json_and_fields_for_people_otherwise() {
    let repo = Repo::new().with_versions();
    repo.run(&["note", "checked by hand\nsecond line"])
        .assert()
        .code(0);
    let ids: Vec<String> = records_json(&repo)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let json = stdout_of(&mut repo.run(&["show", "paper", "--json"]));
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["seq"], 1);
    assert_eq!(value["id"], ids[1].as_str());
    assert!(json.starts_with('{') && json.ends_with("}\n"), "{json}");
    assert_eq!(
        stdout_of(&mut repo.run(&["show", "paper"])),
        format!(
            "record 1, version paper@1
  id        {}
  time      2025-06-17T00:00:00Z
  path      004_74678af65d43f56c.txt
  sha256    fbf6b18cb1fe572f56be78adeba04184597876ca8f14e4dc9a6ad1a58fb5eeef
  text      sha256 fbf6b18cb1fe572f56be78adeba04184597876ca8f14e4dc9a6ad1a58fb5eeef (UTF-8, 21389 bytes)
  relation  transcription_of official@1, record 0
",
            ids[1]
        )
    );
    assert_eq!(
        stdout_of(&mut repo.run(&["show", "2"])),
        format!(
            "record 2, note
  id        {}
  time      2025-06-17T00:00:00Z
  text      checked by hand
            second line
",
            ids[2]
        )
    );
}

/// The numbers `log` prints are ids: `show N` and `show #N` resolve record N.
#[test]
fn log_numbers_are_ids_that_show_takes() {
    let repo = Repo::new().with_versions();
    repo.run(&["note", "checked by hand"]).assert().code(0);
    let log = stdout_of(&mut repo.run(&["log"]));
    for line in log.lines() {
        let n = line.split_whitespace().next().unwrap();
        for id in [n.to_string(), format!("#{n}")] {
            let shown: Value =
                serde_json::from_str(&stdout_of(&mut repo.run(&["show", &id, "--json"]))).unwrap();
            assert_eq!(shown["seq"].to_string(), n, "{id}");
        }
    }
    // Record numbers name records for every command that takes an ID.
    repo.run(&["diff", "0", "1"]).assert().code(1);
    // A label spelled as a number wins; `#N` is always the record.
    std::fs::write(repo.path().join("1.txt"), "跨里海").unwrap();
    repo.run(&["add", "1.txt"]).assert().code(0);
    let label: Value =
        serde_json::from_str(&stdout_of(&mut repo.run(&["show", "1", "--json"]))).unwrap();
    assert_eq!(
        (label["seq"].clone(), label["label"].clone()),
        (3.into(), "1".into())
    );
    let record: Value =
        serde_json::from_str(&stdout_of(&mut repo.run(&["show", "#1", "--json"]))).unwrap();
    assert_eq!(record["label"], "paper");
    for unknown in ["#9", "9", "#x", "01"] {
        repo.run(&["show", unknown])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "witness: error: no record or version matches {unknown:?}; `witness log` lists them\n"
            ));
    }
}

/// A number of 4 digits or more is a record number, a digest prefix, or, when it is both,
/// an error that says how to write each.
#[test]
fn a_long_number_that_also_starts_a_digest_is_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let l = witness::ledger::Ledger::init(dir.path()).unwrap();
    let notes = (0..2000)
        .map(|i| witness::ledger::Body::note(format!("note {i}")))
        .collect();
    l.append_all(notes).unwrap();
    let records = l.records().unwrap();
    let number_of = |r: &witness::ledger::Record| {
        let digits = &r.id.to_string()[..4];
        digits
            .parse::<usize>()
            .ok()
            .filter(|n| !digits.starts_with('0') && *n < records.len())
    };
    // 2,000 ids: some start with four decimal digits that are also a record number.
    let both = records.iter().find_map(number_of).unwrap();
    let prefix = both.to_string();
    let count = records
        .iter()
        .filter(|r| r.id.to_string().starts_with(&prefix))
        .count();
    let witness = |args: &[&str]| {
        let mut cmd = assert_cmd::cargo_bin_cmd!();
        cmd.current_dir(dir.path()).args(args);
        cmd
    };
    witness(&["show", &prefix]).assert().code(2).stdout("").stderr(format!(
        "witness: error: \"{both}\" is record {both} and also the start of the digest of {count} record(s); write #{both} for record {both}, or more digits of the digest\n"
    ));
    let seq_of = |args: &[&str]| {
        let out = witness(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["seq"].clone()
    };
    assert_eq!(seq_of(&["show", &format!("#{both}"), "--json"]), both);
    // More digits of the digest name the record whose digest it is.
    let owner = records
        .iter()
        .find(|r| r.id.to_string().starts_with(&prefix))
        .unwrap();
    let id = owner.id.to_string();
    assert_eq!(seq_of(&["show", &id[..12], "--json"]), owner.seq);
    // A long number no digest starts with is the record.
    let plain = (1000..records.len())
        .find(|n| {
            !records
                .iter()
                .any(|r| r.id.to_string().starts_with(&n.to_string()))
        })
        .unwrap();
    assert_eq!(seq_of(&["show", &plain.to_string(), "--json"]), plain);
}

/// `check` names versions as `show` takes them, and every flag its report mentions exists.
#[test]
fn check_names_versions_and_has_the_flags_it_mentions() {
    let repo = Repo::new().with_versions();
    let official = repo.path().join("000_3eb5e8de57179c45.txt");
    let original = std::fs::read_to_string(&official).unwrap();
    // Full-width parentheses and comma: cosmetic under the default profile.
    let cosmetic = original.replacen("(2025年6月17日,阿斯塔纳)", "（2025年6月17日，阿斯塔纳）", 1);
    std::fs::write(&official, &cosmetic).unwrap();
    let out = repo.run(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\n    cosmetic: 3 (width 3), hidden; --all shows them\n"),
        "{text}"
    );
    let out = repo.run(&["check", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = String::from_utf8(out.stdout).unwrap();
    assert!(all.contains("\n    cosmetic: 3 (width 3)\n"), "{all}");
    let variant =
        "\n    a 5:12    b 5:12    width         low    (2025年6月17日[-,-]{+，+}阿斯塔纳)\n";
    assert!(all.contains(variant), "{all}");
    assert!(!text.contains(variant), "{text}");
    let help = stdout_of(&mut repo.run(&["check", "--help"]));
    // Help is wrapped to the terminal: compare words.
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "--all List cosmetic variants too in the diff of a changed file (as `witness diff --all`)"
        ),
        "{help}"
    );
    // A second version of `official`, then the file is gone: the report names official@2.
    repo.run(&["add", "000_3eb5e8de57179c45.txt", "--label", "official"])
        .assert()
        .code(0);
    std::fs::remove_file(&official).unwrap();
    repo.run(&["check"]).assert().code(1).stdout(
        "missing  000_3eb5e8de57179c45.txt (last recorded as official@2, record 2)\nok       004_74678af65d43f56c.txt\n1 of 2 tracked files differ from the ledger\n",
    );
}

/// `add` of bytes the label's last version already holds appends nothing and says so.
#[test]
fn re_adding_unchanged_bytes_is_a_no_op() {
    let repo = Repo::new().with_versions();
    let before = repo.log();
    repo.run(&["add", "004_74678af65d43f56c.txt", "--label", "paper"])
        .assert()
        .code(0)
        .stdout("unchanged: 004_74678af65d43f56c.txt is already version paper@1 (record 1)\n");
    // Options the version already has change nothing either.
    repo.run(&[
        "add",
        "000_3eb5e8de57179c45.txt",
        "--label",
        "official",
        "--role",
        "official",
    ])
    .assert()
    .code(0)
    .stdout("unchanged: 000_3eb5e8de57179c45.txt is already version official@1 (record 0)\n");
    repo.run(&[
        "add",
        "004_74678af65d43f56c.txt",
        "--label",
        "paper",
        "--transcription-of",
        "official",
    ])
    .assert()
    .code(0)
    .stdout("unchanged: 004_74678af65d43f56c.txt is already version paper@1 (record 1)\n");
    assert_eq!(repo.log(), before, "nothing appended");
    // Something new said of the same bytes is a new version.
    let out = stdout_of(&mut repo.run(&[
        "add",
        "004_74678af65d43f56c.txt",
        "--label",
        "paper",
        "--note",
        "proofread",
    ]));
    assert!(
        out.starts_with("added 004_74678af65d43f56c.txt as paper (record 2, "),
        "{out}"
    );
    // Files of one `add`, each on its own line, in order; only the new one is appended.
    std::fs::write(repo.path().join("extra.txt"), "跨里海").unwrap();
    let before = repo.lines().len();
    let out = stdout_of(&mut repo.run(&["add", "extra.txt", "004_74678af65d43f56c.txt"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("added extra.txt as extra (record 3, "),
        "{out}"
    );
    assert!(
        lines[1].starts_with("added 004_74678af65d43f56c.txt as 004_74678af65d43f56c (record 4, "),
        "{out}"
    );
    assert_eq!(repo.lines().len(), before + 2);
    repo.run(&["add", "extra.txt", "004_74678af65d43f56c.txt"])
        .assert()
        .code(0)
        .stdout("unchanged: extra.txt is already version extra@1 (record 3)\nunchanged: 004_74678af65d43f56c.txt is already version 004_74678af65d43f56c@1 (record 4)\n");
    // Two files that would be versions of one label in one append: refused, nothing written.
    std::fs::create_dir(repo.path().join("b")).unwrap();
    std::fs::write(repo.path().join("b/extra.txt"), "跨海").unwrap();
    let before = repo.log();
    repo.run(&["add", "extra.txt", "b/extra.txt"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("witness: error: extra.txt and b/extra.txt would both be recorded as \"extra\"; add them one at a time (the later one then becomes a revision of the earlier), or give each its own --label\n");
    assert_eq!(repo.log(), before);
    assert_eq!(repo.verify().0, 0);
}

/// A new version of a label keeps the role and relations of the label's last version (those
/// given replace them, kind by kind) and is a revision of it.
#[test]
fn a_new_version_keeps_role_and_relations_and_revises_the_last() {
    let repo = Repo::new();
    repo.run(&[
        "add",
        "000_3eb5e8de57179c45.txt",
        "--label",
        "official",
        "--role",
        "official",
    ])
    .assert()
    .code(0);
    repo.run(&[
        "add",
        "004_74678af65d43f56c.txt",
        "--label",
        "paper",
        "--role",
        "transcription",
        "--transcription-of",
        "official",
        "--source",
        "https://example.org/paper",
    ])
    .assert()
    .code(0);
    let paper = repo.path().join("004_74678af65d43f56c.txt");
    let append = |path: &Path, text: &str| {
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend_from_slice(text.as_bytes());
        std::fs::write(path, bytes).unwrap();
    };
    append(&paper, "跨里海\n");
    repo.run(&["add", "004_74678af65d43f56c.txt", "--label", "paper"])
        .assert()
        .code(0);
    append(&repo.path().join("000_3eb5e8de57179c45.txt"), "跨里海\n");
    repo.run(&["add", "000_3eb5e8de57179c45.txt", "--label", "official"])
        .assert()
        .code(0);
    append(&paper, "里海\n");
    repo.run(&[
        "add",
        "004_74678af65d43f56c.txt",
        "--label",
        "paper",
        "--transcription-of",
        "official",
    ])
    .assert()
    .code(0);
    let records = records_json(&repo);
    let id = |seq: usize| records[seq]["id"].clone();
    let rel = |kind: &str, seq: usize| serde_json::json!({"type": kind, "target": id(seq)});
    // paper@2 keeps its role and transcription_of official@1, revises paper@1; the source
    // is of the bytes, not the document: not carried over.
    assert_eq!(records[2]["role"], "transcription");
    assert_eq!(
        records[2]["relations"],
        Value::Array(vec![rel("transcription_of", 0), rel("revision_of", 1)])
    );
    assert_eq!(records[2].get("source"), None);
    // official@2 keeps its role and revises official@1.
    assert_eq!(records[3]["role"], "official");
    assert_eq!(
        records[3]["relations"],
        Value::Array(vec![rel("revision_of", 0)])
    );
    // paper@3: the transcription_of given replaces the one it had.
    assert_eq!(records[4]["role"], "transcription");
    assert_eq!(
        records[4]["relations"],
        Value::Array(vec![rel("transcription_of", 3), rel("revision_of", 2)])
    );
    assert!(
        stdout_of(&mut repo.run(&["log"]))
            .contains(" version paper 004_74678af65d43f56c.txt sha256 ")
    );
    let show = stdout_of(&mut repo.run(&["show", "paper"]));
    assert!(
        show.ends_with("  role      transcription\n  relation  transcription_of official@2, record 3\n  relation  revision_of paper@2, record 2\n"),
        "{show}"
    );
    // A relation must name a version.
    repo.run(&["note", "checked"]).assert().code(0);
    let before = repo.log();
    repo.run(&["add", "004_74678af65d43f56c.txt", "--quotes", "#5"])
        .assert()
        .code(2)
        .stderr("witness: error: \"#5\" is record 5, a note; a quotes relation needs a version; `witness log` lists the records\n");
    assert_eq!(repo.log(), before);
    assert_eq!(repo.verify().0, 0);
}

/// Notes and the digests of reports reach both exports.
#[test]
fn exports_keep_notes_and_report_digests() {
    let repo = Repo::new().with_versions();
    repo.run(&["note", "checked by hand"]).assert().code(0);
    repo.run(&["diff", "official", "paper", "--record"])
        .assert()
        .code(1);
    let audit: Value = serde_json::from_str(repo.lines().last().unwrap()).unwrap();
    let report = audit["report_sha256"].as_str().unwrap();
    let prov: Value = serde_json::from_str(&stdout_of(&mut repo.run(&[
        "export",
        "--format",
        "prov-json",
    ])))
    .unwrap();
    assert_eq!(
        prov["entity"]["witness:note/2"],
        serde_json::json!({"prov:type": "witness:note", "prov:value": "checked by hand"})
    );
    assert_eq!(
        prov["wasGeneratedBy"]["_:note2"],
        serde_json::json!({"prov:entity": "witness:note/2", "prov:activity": "witness:record/2"})
    );
    assert_eq!(
        prov["entity"][format!("witness:{report}")],
        serde_json::json!({"prov:type": "witness:report", "witness:report": "diff", "witness:sha256": report})
    );
    assert_eq!(
        prov["wasGeneratedBy"]["_:report3"],
        serde_json::json!({"prov:entity": format!("witness:{report}"), "prov:activity": "witness:record/3"})
    );
    assert_eq!(
        prov["activity"]["witness:record/3"]["witness:report_sha256"],
        report
    );
    // PROV-JSON has no null: absent fields are left out.
    assert!(!prov.to_string().contains("null"));
    let statements: Vec<Value> = stdout_of(&mut repo.run(&["export", "--format", "in-toto"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(statements.len(), 4);
    let note = &statements[2];
    assert_eq!(note["predicateType"], "https://witness.invalid/note/v1");
    assert_eq!(
        note["subject"],
        serde_json::json!([{"name": "note, record 2", "digest": {"sha256": witness::unstable::source::hex_sha256(b"checked by hand")}}])
    );
    assert_eq!(note["predicate"]["text"], "checked by hand");
    let audit_statement = &statements[3];
    assert_eq!(
        audit_statement["predicateType"],
        "https://witness.invalid/audit/v1"
    );
    assert_eq!(
        audit_statement["subject"],
        serde_json::json!([{"name": "diff report, record 3", "digest": {"sha256": report}}])
    );
    assert_eq!(audit_statement["predicate"]["inputs"], audit["inputs"]);
    assert_eq!(
        audit_statement["predicate"]["record"],
        records_json(&repo)[3]["id"]
    );
}

/// `verify --proof` on a file that is not a proof is trouble (exit 2) that says what a proof
/// file is; a proof that fails is damage (exit 1).
#[test]
fn verify_proof_refuses_files_that_are_not_proofs() {
    let repo = Repo::new().with_versions();
    let proof = stdout_of(&mut repo.run(&["prove", "paper"]));
    let mut no_leaf: Value = serde_json::from_str(&proof).unwrap();
    no_leaf.as_object_mut().unwrap().remove("leaf_hash");
    let no_leaf = no_leaf.to_string();
    let cases: [(&[u8], &str); 7] = [
        (b"hello", "not JSON (expected value at line 1 column 1)"),
        (b"", "the file is empty"),
        (
            b"{\"a\": 1}",
            "JSON without \"schema\": \"witness/proof/1\"",
        ),
        (b"[1, 2]", "JSON without \"schema\": \"witness/proof/1\""),
        (
            b"{\"schema\": \"witness/proof/2\"}",
            "its schema is \"witness/proof/2\", not \"witness/proof/1\"",
        ),
        (b"\xff\xfe", "not UTF-8 text"),
        (no_leaf.as_bytes(), "the proof has no \"leaf_hash\" string"),
    ];
    for (bytes, why) in cases {
        std::fs::write(repo.path().join("proof.json"), bytes).unwrap();
        repo.run(&["verify", "--proof", "proof.json"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!("witness: error: proof.json: not a proof: {why}; a proof file is the JSON that `witness prove ID` (an inclusion proof) or `witness prove --since N` (a consistency proof) writes\n"));
    }
    std::fs::write(repo.path().join("proof.json"), &proof).unwrap();
    repo.run(&["verify", "--proof", "proof.json"])
        .assert()
        .code(0);
}

/// The library call behind `witness apply --record`: a corrected text recorded as a revision
/// of the version it corrects, generated by the errata audit; the ledger still verifies.
#[test]
fn a_corrected_text_is_a_revision_generated_by_its_audit() {
    use witness::ledger::{Digest, Input, Ledger};
    let repo = Repo::new().with_versions();
    let l = Ledger::open(repo.path()).unwrap();
    let records = l.records().unwrap();
    let paper = &records[1];
    let audit = l
        .record_audit(
            "errata",
            vec![Input {
                path: "paper".into(),
                sha256: paper.version().unwrap().sha256,
                text_sha256: None,
            }],
            Some(witness::Profile::Loose),
            b"errata list",
        )
        .unwrap();
    assert_eq!(audit.seq, 2);
    let corrected = repo.path().join("paper.corrected.txt");
    std::fs::write(&corrected, "跨里海国际运输走廊\n").unwrap();
    let before = repo.log();
    let bad = |revises: Digest, generated_by: Digest| {
        l.record_revision(&corrected, "paper", revises, generated_by)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        bad(audit.id, audit.id),
        format!(
            "\"{}\" is record 2, an audit; a revision_of relation needs a version; `witness log` lists the records",
            audit.id
        )
    );
    assert_eq!(
        bad(paper.id, paper.id),
        format!(
            "\"{}\" is record 1, a version; a generated_by relation needs an audit; `witness log` lists the records",
            paper.id
        )
    );
    let unknown = Digest::of(b"nothing");
    assert_eq!(
        bad(unknown, audit.id),
        format!("no record or version matches \"{unknown}\"; `witness log` lists them")
    );
    let outside = tempfile::NamedTempFile::new().unwrap();
    let err = l
        .record_revision(outside.path(), "paper", paper.id, audit.id)
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("(the directory that holds .witness/)"),
        "{err}"
    );
    assert_eq!(repo.log(), before, "nothing written");

    let r = l
        .record_revision(&corrected, "paper", paper.id, audit.id)
        .unwrap();
    assert_eq!(r.seq, 3);
    let v = r.version().unwrap();
    assert_eq!(
        (v.label.as_str(), v.path.as_str()),
        ("paper", "paper.corrected.txt")
    );
    assert_eq!(v.sha256, Digest::of("跨里海国际运输走廊\n".as_bytes()));
    let kinds: Vec<(&str, Digest)> = v
        .relations
        .iter()
        .map(|x| (x.kind.name(), x.target))
        .collect();
    assert_eq!(
        kinds,
        [
            ("transcription_of", records[0].id),
            ("revision_of", paper.id),
            ("generated_by", audit.id),
        ]
    );
    assert_eq!(l.records().unwrap().last(), Some(&r));
    assert_eq!(repo.verify().0, 0);
    assert!(stdout_of(&mut repo.run(&["log"])).contains(&format!(
        "version paper paper.corrected.txt sha256 {} (transcription_of official, revision_of paper, generated_by record 2)",
        v.sha256.short()
    )));
    assert!(
        stdout_of(&mut repo.run(&["show", "paper"]))
            .ends_with("  relation  transcription_of official@1, record 0\n  relation  revision_of paper@1, record 1\n  relation  generated_by record 2 (audit)\n")
    );
    let prov: Value = serde_json::from_str(&stdout_of(&mut repo.run(&[
        "export",
        "--format",
        "prov-json",
    ])))
    .unwrap();
    assert_eq!(
        prov["wasGeneratedBy"]["_:rel3_2"],
        serde_json::json!({"prov:entity": format!("witness:{}", v.sha256), "prov:activity": "witness:record/2", "witness:relation": "generated_by"})
    );
    assert_eq!(
        prov["wasRevisionOf"]["_:rel3_1"]["prov:usedEntity"],
        format!("witness:{}", paper.version().unwrap().sha256)
    );
}

/// A scan's JSON report is written as it is made, never whole in memory: the audit record
/// still holds the digest of every byte of it, written to stdout or to `-o FILE` (through a
/// temporary file that does not stay), and when the reader of stdout goes away early.
#[test]
fn a_streamed_scan_report_is_recorded_by_its_digest() {
    let repo = Repo::new();
    let files = ["000_3eb5e8de57179c45.txt", "004_74678af65d43f56c.txt"];
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--format", "json", "--record"];
        args.extend(files);
        args.extend(extra);
        repo.run(&args).output().unwrap()
    };
    let recorded = || {
        let last: Value = serde_json::from_str(repo.lines().last().unwrap()).unwrap();
        assert_eq!(last["report"], "scan");
        last["report_sha256"].as_str().unwrap().to_string()
    };
    let out = scan(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.len() > 200_000, "{} bytes", out.stdout.len());
    let digest = witness::unstable::source::hex_sha256(&out.stdout);
    assert_eq!(recorded(), digest);

    assert_eq!(scan(&["-o", "report.json"]).status.code(), Some(1));
    assert_eq!(
        std::fs::read(repo.path().join("report.json")).unwrap(),
        out.stdout
    );
    assert_eq!(recorded(), digest);
    let mut left: Vec<String> = std::fs::read_dir(repo.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    left.sort();
    assert_eq!(left, [".witness"]);

    // The reader takes 100 bytes and goes: the rest (more than a pipe holds) is not written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_witness"))
        .current_dir(repo.path())
        .args(["scan", "--format", "json", "--record"])
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
    drop(child.stdout.take());
    let done = child.wait_with_output().unwrap();
    assert_eq!(head[..], out.stdout[..100]);
    assert_eq!(done.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&done.stderr), "");
    assert_eq!(recorded(), digest);
}
