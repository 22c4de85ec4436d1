//! Fingerprints that survive re-wrapping and re-encoding, and baselines of accepted
//! differences (`witness accept`, `--baseline`).

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{NEWSPAPER, OFFICIAL, file, witness};
use serde_json::Value;

/// An empty baseline of `command`: with it, `--format json` lists every diagnostic.
fn empty_baseline(dir: &Path, command: &str) -> String {
    let p = file(
        dir,
        &format!("empty-{command}.json"),
        format!(r#"{{"schema":"witness/baseline/1","command":"{command}","entries":[]}}"#)
            .as_bytes(),
    );
    p.display().to_string()
}

/// Every diagnostic of `witness diff --all A B`: (rule, fingerprint).
fn diagnostics(dir: &Path, a: &str, b: &str) -> Vec<(String, String)> {
    let out = witness()
        .args(["diff", "--all", "--format", "json", "--baseline"])
        .arg(empty_baseline(dir, "diff"))
        .args([a, b])
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "witness/diagnostics/1");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn fingerprints(d: &[(String, String)], keep: impl Fn(&str) -> bool) -> BTreeSet<String> {
    d.iter()
        .filter(|(rule, _)| keep(rule))
        .map(|(_, f)| f.clone())
        .collect()
}

fn not_layout(rule: &str) -> bool {
    rule != "witness/variant/layout" && rule != "witness/variant/separator"
}

#[test]
fn fingerprints_are_unique_and_stable_under_re_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let before = diagnostics(dir.path(), OFFICIAL, NEWSPAPER);
    assert_eq!(before.len(), 205); // 14 substantive, 190 cosmetic, 1 block
    assert_eq!(fingerprints(&before, |_| true).len(), before.len());
    let text = std::fs::read_to_string(NEWSPAPER).unwrap();
    let (gb, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let other = dir.path().join("gb");
    std::fs::create_dir(&other).unwrap();
    let b = file(&other, "004_74678af65d43f56c.txt", &gb);
    let after = diagnostics(dir.path(), OFFICIAL, b.to_str().unwrap());
    assert_eq!(after, before);
}

/// Breaks every line after `width` characters: CJK anywhere, other text at a space.
fn rewrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let mut n = 0;
        for c in line.chars() {
            let cjk = ('\u{4E00}'..='\u{9FFF}').contains(&c);
            if n >= width && (cjk || c == ' ') {
                out.push('\n');
                n = 0;
                if c == ' ' {
                    continue;
                }
            }
            out.push(c);
            n += 1;
        }
        out.push('\n');
    }
    out.pop();
    out
}

#[test]
fn fingerprints_survive_re_wrapping() {
    let dir = tempfile::tempdir().unwrap();
    let before = diagnostics(dir.path(), OFFICIAL, NEWSPAPER);
    let text = std::fs::read_to_string(NEWSPAPER).unwrap();
    let wrapped = rewrap(&text, 30);
    assert!(wrapped.lines().count() > text.lines().count() + 150);
    let b = file(dir.path(), "004_74678af65d43f56c.txt", wrapped.as_bytes());
    let after = diagnostics(dir.path(), OFFICIAL, b.to_str().unwrap());
    // Only line breaks were added: every variant that is not layout keeps its fingerprint.
    assert_eq!(
        fingerprints(&after, not_layout),
        fingerprints(&before, not_layout)
    );
    // A wrapped official text too (the context of each fingerprint is the reference's).
    let a_text = std::fs::read_to_string(OFFICIAL).unwrap();
    let a = file(
        dir.path(),
        "000_3eb5e8de57179c45.txt",
        rewrap(&a_text, 25).as_bytes(),
    );
    let both = diagnostics(dir.path(), a.to_str().unwrap(), b.to_str().unwrap());
    assert_eq!(
        fingerprints(&both, not_layout),
        fingerprints(&before, not_layout)
    );
}

#[test]
fn a_real_change_changes_exactly_one_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let before = diagnostics(dir.path(), OFFICIAL, NEWSPAPER);
    let text = std::fs::read_to_string(NEWSPAPER).unwrap();
    // 004's title (no variant around it; 004 has it twice, the second in the block it
    // repeats at its end) read with 中东 for 中亚.
    assert_eq!(text.matches("弘扬“中国—中亚精神”").count(), 2);
    let changed = text.replacen("弘扬“中国—中亚精神”", "弘扬“中国—中东精神”", 1);
    let b = file(dir.path(), "004_74678af65d43f56c.txt", changed.as_bytes());
    let after = diagnostics(dir.path(), OFFICIAL, b.to_str().unwrap());
    let (old, new) = (
        fingerprints(&before, |_| true),
        fingerprints(&after, |_| true),
    );
    let lost: Vec<&(String, String)> = before.iter().filter(|(_, f)| !new.contains(f)).collect();
    assert_eq!(lost.len(), 0, "{lost:?}");
    let added: Vec<&(String, String)> = after.iter().filter(|(_, f)| !old.contains(f)).collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(added[0].0, "witness/variant/substitution");
}

fn accept(dir: &Path, baseline: &Path, args: &[&str]) {
    let out = witness()
        .args(["accept", "--baseline"])
        .arg(baseline)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let _ = dir;
}

#[test]
fn accepted_differences_are_not_reported_again_new_ones_are() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    accept(dir.path(), &baseline, &["diff", OFFICIAL, NEWSPAPER]);
    let b: Value = serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    assert_eq!(b["schema"], "witness/baseline/1");
    assert_eq!(b["command"], "diff");
    assert_eq!(b["entries"].as_array().unwrap().len(), 205);
    assert_eq!(b["entries"][0]["path"], NEWSPAPER);

    // The same comparison against its baseline: nothing new, exit 0.
    let out = witness()
        .args(["diff", OFFICIAL, NEWSPAPER, "--baseline"])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "0 new, 205 accepted in the baseline, 0 stale\n"
    );

    // One new substitution, one variant fixed (the doubled 业态 read as in 000).
    let text = std::fs::read_to_string(NEWSPAPER).unwrap();
    let changed = text
        .replacen("弘扬“中国—中亚精神”", "弘扬“中国—中东精神”", 1)
        .replacen("新业态新业态", "新模式新业态", 1);
    assert_ne!(
        changed,
        text.replacen("弘扬“中国—中亚精神”", "弘扬“中国—中东精神”", 1)
    );
    let b = file(dir.path(), "004_74678af65d43f56c.txt", changed.as_bytes());
    let out = witness()
        .args(["diff", OFFICIAL])
        .arg(&b)
        .arg("--baseline")
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].ends_with(
            "warning [witness/variant/substitution] substitution: \"东\" here, \"亚\" in \
             000_3eb5e8de57179c45 at 2:8"
        ),
        "{stdout}"
    );
    assert!(
        lines[0].starts_with(&format!("{}:3:8: ", b.display())),
        "{stdout}"
    );
    assert_eq!(lines[1], "1 new, 204 accepted in the baseline, 1 stale");
    assert!(
        lines[2].starts_with(&format!(
            "stale: {NEWSPAPER} [witness/variant/dittography] "
        )),
        "{stdout}"
    );

    // The same in SARIF: one result; --exit-zero: status 0.
    let out = witness()
        .args(["diff", "-f", "sarif", "--exit-zero", OFFICIAL])
        .arg(&b)
        .arg("--baseline")
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("baseline entry no longer found (stale)")
    );

    // Accepting again drops the stale entry and takes the new one.
    let out = witness()
        .args(["accept", "-b"])
        .arg(&baseline)
        .args(["diff", OFFICIAL])
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "witness: accepted 205 diagnostics of diff into {} (1 new, 1 no longer found and \
             dropped)\n",
            baseline.display()
        )
    );
}

#[test]
fn a_baseline_that_cannot_be_read_is_trouble() {
    let dir = tempfile::tempdir().unwrap();
    let bad = file(dir.path(), "bad.json", b"{\"entries\": 3}");
    let out = witness()
        .args(["diff", OFFICIAL, NEWSPAPER, "--baseline"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "witness: error: baseline {}: not a witness baseline (",
            bad.display()
        )),
        "{err}"
    );
    assert!(
        err.ends_with(&format!(
            "write one with `witness accept --baseline {} COMMAND …`\n",
            bad.display()
        )),
        "{err}"
    );
    let missing = dir.path().join("missing.json");
    let out = witness()
        .args(["scan", "corpus", "--baseline"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A report format that has no place for diagnostics.
    let out = witness()
        .args(["errata", NEWSPAPER, "-f", "csv", "--baseline"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "witness: error: --baseline reports diagnostics: use it with --format text, json, md, \
         sarif, github, rdjsonl or junit\n"
    );
}

#[test]
fn every_reporting_command_accepts_and_honours_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("scan", vec!["scan", "corpus"]),
        (
            "errata",
            vec!["errata", "corpus/003_a7c0d866165e138d.txt", "-f", "text"],
        ),
        (
            "audit",
            vec!["audit", "corpus", "--no-record", "--quiet", "--out"],
        ),
    ] {
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if name == "audit" {
            args.push(dir.path().join("report").display().to_string());
        }
        let baseline = dir.path().join(format!("{name}.json"));
        let out = witness()
            .args(["accept", "-b"])
            .arg(&baseline)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let b: Value = serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
        assert_eq!(b["command"], name);
        let n = b["entries"].as_array().unwrap().len();
        assert!(n > 0, "{name}");
        // Without the baseline the command fails; with it, it passes and says why.
        let out = witness().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let out = witness()
            .args(&args)
            .arg("--baseline")
            .arg(&baseline)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.starts_with(&format!("0 new, {n} accepted in the baseline, 0 stale")),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn output_goes_to_the_file_named_and_ci_formats_exit_as_the_report_does() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("diff.sarif");
    let out = witness()
        .args(["diff", OFFICIAL, NEWSPAPER, "-f", "sarif", "-o"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let sarif: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    // 14 substantive variants and the block; cosmetic ones need --all.
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 15);
    let same = file(dir.path(), "same.txt", &std::fs::read(OFFICIAL).unwrap());
    for format in ["text", "json", "md", "sarif", "github", "rdjsonl", "junit"] {
        let out = witness()
            .args(["diff", OFFICIAL])
            .arg(&same)
            .args(["-f", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let out = witness()
            .args(["diff", OFFICIAL, NEWSPAPER, "-f", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let out = witness()
            .args(["diff", OFFICIAL, NEWSPAPER, "--exit-zero", "-f", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
}

#[test]
fn check_reports_drift_in_ci_formats_and_takes_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let text = std::fs::read_to_string(NEWSPAPER).unwrap();
    file(repo, "t.txt", text.as_bytes());
    let run = |args: &[&str]| {
        let out = witness().current_dir(repo).args(args).output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    assert_eq!(run(&["init"]).0, Some(0));
    assert_eq!(run(&["add", "t.txt"]).0, Some(0));
    assert_eq!(run(&["check", "-f", "github"]), (Some(0), String::new()));
    file(
        repo,
        "t.txt",
        text.replacen("中亚精神", "中东精神", 1).as_bytes(),
    );
    let (code, out) = run(&["check", "-f", "github"]);
    assert_eq!(code, Some(1));
    // At the first change, in UTF-16 columns.
    assert!(
        out.starts_with(
            "::error file=t.txt,line=3,endLine=3,col=8,endColumn=9,title=witness/check/changed::\
             changed since its last recorded version: sha256 fbf6b18cb1fe recorded, "
        ),
        "{out}"
    );
    assert_eq!(run(&["accept", "check"]).0, Some(0));
    let (code, out) = run(&["check", "--baseline", ".witness-baseline.json"]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "0 new, 1 accepted in the baseline, 0 stale\n")
    );
}

/// On a terminal, text goes through the pager (`$WITNESS_PAGER`); to a pipe, or with
/// `--no-pager`, it does not. The terminal is a real pty, from script(1).
#[test]
fn text_reports_go_through_the_pager_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: script(1) is not installed");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin!();
    let command = |extra: &str| {
        format!(
            "{} diff {OFFICIAL} {NEWSPAPER} --color never {extra}",
            bin.display()
        )
    };
    let on_terminal = |extra: &str| {
        let out = Command::new("script")
            .args(["-qec", &command(extra), "/dev/null"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("WITNESS_PAGER", "sed s/^/paged:/")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    };
    let paged = on_terminal("");
    let lines: Vec<&str> = paged.lines().collect();
    assert!(lines.len() > 10, "{paged}");
    assert!(lines.iter().all(|l| l.starts_with("paged:")), "{paged}");
    assert!(
        lines[0].starts_with(&format!("paged:a  {OFFICIAL}")),
        "{paged}"
    );
    let plain = on_terminal("--no-pager");
    assert!(plain.starts_with(&format!("a  {OFFICIAL}")), "{plain}");
    // Not a terminal: no pager even when one is set.
    let out = witness()
        .args(["diff", OFFICIAL, NEWSPAPER])
        .env("WITNESS_PAGER", "sed s/^/paged:/")
        .output()
        .unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with(&format!("a  {OFFICIAL}"))
    );
}
