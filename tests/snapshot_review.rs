//! `witness snapshot` and `witness review` with the real binary in temporary directories:
//! the life of a snapshot (new, accepted, matching, changed, rejected), the CI rule, names
//! and directories, comparisons and structured formats, and the review walked through a
//! real pseudo-terminal.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin;

const DOC: &str = "跨里海国际运输走廊\n\n提质扩容。\n";
const DOC_CHANGED: &str = "跨海国际运输走廊\n\n提质扩容。\n";

/// The snapshot of `DOC` as `doc.txt`.
const SNAP: &str = "---
command: witness snapshot doc.txt
input: doc.txt  UTF-8 (no BOM)
---
      1:1 | 跨里海国际运输走廊
          |
      3:1 | 提质扩容。
";

/// The snapshot of `DOC_CHANGED` as `doc.txt`.
const SNAP_CHANGED: &str = "---
command: witness snapshot doc.txt
input: doc.txt  UTF-8 (no BOM)
---
      1:1 | 跨海国际运输走廊
          |
      3:1 | 提质扩容。
";

/// What `witness snapshot doc.txt` prints when the snapshot goes from `SNAP` to
/// `SNAP_CHANGED`: the line diff, with three lines of context.
const CHANGED_DIFF: &str = "--- snapshots/doc.txt.snap
+++ snapshots/doc.txt.snap.new
@@ -2,6 +2,6 @@
 command: witness snapshot doc.txt
 input: doc.txt  UTF-8 (no BOM)
 ---
-      1:1 | 跨里海国际运输走廊
+      1:1 | 跨海国际运输走廊
           |
       3:1 | 提质扩容。
";

const WRITTEN: &str = "snapshot doc.txt: written to snapshots/doc.txt.snap.new; accept it with `witness review` or `witness snapshot --accept doc.txt`\n";

/// witness in `dir`, outside CI and with colour left to its default (off: output is piped).
fn witness(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(cargo_bin("witness"));
    cmd.current_dir(dir).env_remove("CI").env_remove("NO_COLOR");
    cmd
}

/// Runs witness in `dir`: exit code, stdout, stderr.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = witness(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The file's text, or `None` when it does not exist.
fn read(path: PathBuf) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// A temporary directory holding `doc.txt` with `text`.
fn with_doc(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), text).unwrap();
    dir
}

/// The files in `dir/snapshots`, sorted.
fn snapshot_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("snapshots"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The diff of a new snapshot: all of it added.
fn new_diff(pending: &str, content: &str) -> String {
    let lines: Vec<&str> = content.lines().collect();
    let mut out = format!(
        "--- (no snapshot)\n+++ {pending}\n@@ -0,0 +1,{} @@\n",
        lines.len()
    );
    for line in lines {
        out += &format!("+{line}\n");
    }
    out
}

#[test]
fn first_run_writes_a_pending_snapshot_and_exits_1() {
    let dir = with_doc(DOC);
    let (code, out, err) = run(dir.path(), &["snapshot", "doc.txt"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "snapshot doc.txt: new\n{}{WRITTEN}",
            new_diff("snapshots/doc.txt.snap.new", SNAP)
        )
    );
    assert_eq!(err, "");
    assert_eq!(snapshot_files(dir.path()), ["doc.txt.snap.new"]);
    assert_eq!(
        read(dir.path().join("snapshots/doc.txt.snap.new")).unwrap(),
        SNAP
    );
}

#[test]
fn accepted_snapshot_matches_then_a_change_is_a_diff_and_a_pending_file() {
    let dir = with_doc(DOC);
    let path = dir.path();
    assert_eq!(run(path, &["snapshot", "doc.txt"]).0, 1);

    let (code, out, _) = run(path, &["snapshot", "--accept"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "snapshot doc.txt: accepted as snapshots/doc.txt.snap\n")
    );
    assert_eq!(snapshot_files(path), ["doc.txt.snap"]);
    assert_eq!(read(path.join("snapshots/doc.txt.snap")).unwrap(), SNAP);

    let (code, out, _) = run(path, &["snapshot", "doc.txt"]);
    assert_eq!((code, out.as_str()), (0, "snapshot doc.txt: matches\n"));
    assert_eq!(snapshot_files(path), ["doc.txt.snap"]);

    std::fs::write(path.join("doc.txt"), DOC_CHANGED).unwrap();
    let (code, out, _) = run(path, &["snapshot", "doc.txt"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!("snapshot doc.txt: changed\n{CHANGED_DIFF}{WRITTEN}")
    );
    assert_eq!(read(path.join("snapshots/doc.txt.snap")).unwrap(), SNAP);
    assert_eq!(
        read(path.join("snapshots/doc.txt.snap.new")).unwrap(),
        SNAP_CHANGED
    );

    // The document back as it was: it matches, and the pending snapshot, out of date, goes.
    std::fs::write(path.join("doc.txt"), DOC).unwrap();
    let (code, out, _) = run(path, &["snapshot", "doc.txt"]);
    assert_eq!((code, out.as_str()), (0, "snapshot doc.txt: matches\n"));
    assert_eq!(snapshot_files(path), ["doc.txt.snap"]);
}

#[test]
fn accepted_snapshot_with_crlf_line_endings_still_matches() {
    let dir = with_doc(DOC);
    let snapshots = dir.path().join("snapshots");
    std::fs::create_dir(&snapshots).unwrap();
    std::fs::write(snapshots.join("doc.txt.snap"), SNAP.replace('\n', "\r\n")).unwrap();
    let (code, out, _) = run(dir.path(), &["snapshot", "doc.txt"]);
    assert_eq!((code, out.as_str()), (0, "snapshot doc.txt: matches\n"));
}

#[test]
fn under_ci_nothing_is_written() {
    let dir = with_doc(DOC);
    let nothing = "snapshot doc.txt: nothing written because CI is set; run witness snapshot without CI and accept the result\n";
    let out = witness(dir.path())
        .args(["snapshot", "doc.txt"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "snapshot doc.txt: new\n{}{nothing}",
            new_diff("snapshots/doc.txt.snap.new", SNAP)
        )
    );
    assert!(!dir.path().join("snapshots").exists());

    // A changed snapshot: the diff, and no pending file.
    std::fs::create_dir(dir.path().join("snapshots")).unwrap();
    std::fs::write(dir.path().join("snapshots/doc.txt.snap"), SNAP).unwrap();
    std::fs::write(dir.path().join("doc.txt"), DOC_CHANGED).unwrap();
    let out = witness(dir.path())
        .args(["snapshot", "doc.txt"])
        .env("CI", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("snapshot doc.txt: changed\n{CHANGED_DIFF}{nothing}")
    );
    assert_eq!(snapshot_files(dir.path()), ["doc.txt.snap"]);

    // `false`, `0` and empty are not CI.
    for value in ["false", "0", ""] {
        let out = witness(dir.path())
            .args(["snapshot", "doc.txt"])
            .env("CI", value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            snapshot_files(dir.path()),
            ["doc.txt.snap", "doc.txt.snap.new"],
            "CI={value:?}"
        );
        std::fs::remove_file(dir.path().join("snapshots/doc.txt.snap.new")).unwrap();
    }
}

#[test]
fn reject_deletes_pending_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        std::fs::write(dir.path().join(name), DOC).unwrap();
        assert_eq!(run(dir.path(), &["snapshot", name]).0, 1);
    }
    let (code, out, _) = run(dir.path(), &["snapshot", "--reject", "b.txt"]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "snapshot b.txt: rejected, snapshots/b.txt.snap.new deleted\n"
        )
    );
    assert_eq!(
        snapshot_files(dir.path()),
        ["a.txt.snap.new", "c.txt.snap.new"]
    );

    // No names: all of them.
    let (code, out, _) = run(dir.path(), &["snapshot", "--reject"]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "snapshot a.txt: rejected, snapshots/a.txt.snap.new deleted\nsnapshot c.txt: rejected, snapshots/c.txt.snap.new deleted\n"
        )
    );
    assert_eq!(snapshot_files(dir.path()), Vec::<String>::new());

    let (code, out, _) = run(dir.path(), &["snapshot", "--reject"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "no pending snapshots in snapshots\n")
    );
}

#[test]
fn an_unknown_name_is_exit_2_and_nothing_is_done() {
    let dir = with_doc(DOC);
    assert_eq!(run(dir.path(), &["snapshot", "doc.txt"]).0, 1);
    for flag in ["--accept", "--reject"] {
        let (code, out, err) = run(dir.path(), &["snapshot", flag, "doc.txt", "nope"]);
        assert_eq!((code, out.as_str()), (2, ""));
        assert_eq!(
            err,
            "witness: error: no pending snapshot named \"nope\" in snapshots (pending: doc.txt); give the NAME of NAME.snap.new, or leave names out for all\n"
        );
        assert_eq!(snapshot_files(dir.path()), ["doc.txt.snap.new"]);
    }
    // An accepted snapshot is not a pending one.
    assert_eq!(run(dir.path(), &["snapshot", "--accept"]).0, 0);
    let (code, _, err) = run(dir.path(), &["snapshot", "--accept", "doc.txt"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "witness: error: no pending snapshot named \"doc.txt\" in snapshots (none is pending); give the NAME of NAME.snap.new, or leave names out for all\n"
    );
}

#[test]
fn name_and_dir_options() {
    let dir = with_doc(DOC);
    let (code, out, _) = run(
        dir.path(),
        &["snapshot", "--dir", "snaps", "--name", "speech", "doc.txt"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().last().unwrap(),
        "snapshot speech: written to snaps/speech.snap.new; accept it with `witness review --dir snaps` or `witness snapshot --dir snaps --accept speech`"
    );
    assert_eq!(
        read(dir.path().join("snaps/speech.snap.new")).unwrap(),
        SNAP
    );
    let (code, out, _) = run(
        dir.path(),
        &["snapshot", "--dir", "snaps", "--accept", "speech"],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "snapshot speech: accepted as snaps/speech.snap\n")
    );
    let (code, out, _) = run(
        dir.path(),
        &["snapshot", "--dir", "snaps", "--name", "speech", "doc.txt"],
    );
    assert_eq!((code, out.as_str()), (0, "snapshot speech: matches\n"));
}

#[test]
fn bad_usage_is_exit_2_with_what_to_do() {
    let dir = with_doc(DOC);
    let cases: [(&[&str], &str); 3] = [
        (
            &["snapshot", "--name", "a/b", "doc.txt"],
            "witness: error: \"a/b\" cannot name a snapshot: a name is a file name, without \"/\" or \"\\\" or control characters; choose one with --name NAME\n",
        ),
        (
            &["snapshot", "-"],
            "witness: error: the standard input (-) has no file name to name its snapshot; give one with --name NAME\n",
        ),
        (
            &["snapshot", "--profile", "exact", "doc.txt"],
            "witness: error: --profile applies to a comparison of two files; leave it out for one document\n",
        ),
    ];
    for (args, message) in cases {
        let (code, out, err) = run(dir.path(), args);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (2, "", message),
            "{args:?}"
        );
    }
    let (code, _, err) = run(dir.path(), &["snapshot", "missing.txt"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("witness: error: missing.txt: "), "{err}");
    assert!(!dir.path().join("snapshots").exists());
}

#[test]
fn the_standard_input_with_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = witness(dir.path())
        .args(["snapshot", "--name", "pasted", "-"])
        .write_stdin("第一章\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        read(dir.path().join("snapshots/pasted.snap.new")).unwrap(),
        "---\ncommand: witness snapshot -\ninput: <stdin>  UTF-8 (no BOM)\n---\n      1:1 | 第一章\n"
    );
}

#[test]
fn reading_options_are_in_the_command_and_the_snapshot() {
    let dir = with_doc("[p.1]第一章\r\n\t提质扩容\u{202E}。");
    let (code, _, _) = run(
        dir.path(),
        &["snapshot", "--ignore", r"\[p\.\d+\]", "doc.txt"],
    );
    assert_eq!(code, 1);
    // The line break written CRLF, the tab and the bidi override as markers; no line break
    // at the end is not recorded.
    assert_eq!(
        read(dir.path().join("snapshots/doc.txt.snap.new")).unwrap(),
        "---
command: witness snapshot --ignore '\\[p\\.\\d+\\]' doc.txt
input: doc.txt  UTF-8 (no BOM), 1 passages left out (--ignore)
---
      1:6 | 第一章␍
      2:1 | ⇥提质扩容⟨U+202E⟩。
"
    );
}

#[test]
fn page_xml_document_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats/page/order-2019.page.xml");
    std::fs::copy(&fixture, dir.path().join("order.page.xml")).unwrap();
    let (code, _, err) = run(dir.path(), &["snapshot", "order.page.xml"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "witness: warning: order.page.xml: 1 text region(s) with text are not in the reading order (r-footer); read after it, in document order\n"
    );
    // Regions in reading order, each line with where it is in the XML and its element.
    let snap = "---
command: witness snapshot order.page.xml
input: order.page.xml  UTF-8 (declared in the file), read as PAGE-XML
warning: 1 text region(s) with text are not in the reading order (r-footer); read after it, in document order
---
    33:29 TextLine#l0 [120,110,880,190] | 第一章
          |
    19:39 TextLine#l1 [100,300,900,340] | 跨里海国际运输走廊 & 中亚班列
    24:40 TextLine#l2 [100,350,880,390] | 提质扩容。
          |
    42:29 TextLine#l9 [100,1300,900,1350] | — 12 —
";
    assert_eq!(
        read(dir.path().join("snapshots/order.page.xml.snap.new")).unwrap(),
        snap
    );

    // Region text instead of lines: another reading, another command.
    let (code, _, _) = run(
        dir.path(),
        &[
            "snapshot",
            "--page-level",
            "region",
            "--name",
            "regions",
            "order.page.xml",
        ],
    );
    assert_eq!(code, 1);
    let regions = read(dir.path().join("snapshots/regions.snap.new")).unwrap();
    assert_eq!(
        regions.lines().nth(1).unwrap(),
        "command: witness snapshot --page-level region order.page.xml"
    );
    assert_eq!(
        regions.lines().nth(7).unwrap(),
        "    26:27 TextRegion#r-body [100,300,900,500] | 跨里海国际运输走廊 & 中亚班列"
    );
}

#[test]
fn comparison_snapshot_is_the_diff_report_with_every_variant() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["000_3eb5e8de57179c45.txt", "004_74678af65d43f56c.txt"] {
        std::fs::copy(root.join("corpus").join(name), corpus.join(name)).unwrap();
    }
    let (a, b) = (
        "corpus/000_3eb5e8de57179c45.txt",
        "corpus/004_74678af65d43f56c.txt",
    );
    let name = "000_3eb5e8de57179c45.txt__004_74678af65d43f56c.txt";
    let (code, out, _) = run(dir.path(), &["snapshot", a, b]);
    assert_eq!(code, 1);
    assert!(out.starts_with(&format!(
        "snapshot {name}: new\n--- (no snapshot)\n+++ snapshots/{name}.snap.new\n"
    )));
    let (_, report, _) = run(dir.path(), &["diff", a, b, "--all"]);
    let snap = read(dir.path().join(format!("snapshots/{name}.snap.new"))).unwrap();
    assert_eq!(
        snap,
        format!("---\ncommand: witness snapshot {a} {b}\n---\n{report}")
    );
    assert_eq!(
        snap.lines().nth(3).unwrap(),
        "a  corpus/000_3eb5e8de57179c45.txt  UTF-8 (no BOM), 20753 bytes, sha256 9d94ffd035d13388, simplified"
    );
    assert_eq!(report.lines().count(), 180);

    // The same files named by absolute paths: the same snapshot, no absolute path in it.
    assert_eq!(run(dir.path(), &["snapshot", "--accept"]).0, 0);
    let absolute = |p: &str| dir.path().join(p).display().to_string();
    let (code, out, _) = run(dir.path(), &["snapshot", &absolute(a), &absolute(b)]);
    assert_eq!((code, out), (0, format!("snapshot {name}: matches\n")));

    // Another profile is another command.
    let (code, _, _) = run(dir.path(), &["snapshot", "--profile", "exact", a, b]);
    assert_eq!(code, 1);
    let exact = read(dir.path().join(format!("snapshots/{name}.snap.new"))).unwrap();
    assert_eq!(
        exact.lines().nth(1).unwrap(),
        format!("command: witness snapshot --profile exact {a} {b}")
    );
}

#[test]
fn review_needs_a_terminal_and_says_when_nothing_is_pending() {
    let dir = with_doc(DOC);
    let (code, out, _) = run(dir.path(), &["review"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "no pending snapshots in snapshots\n")
    );

    assert_eq!(run(dir.path(), &["snapshot", "doc.txt"]).0, 1);
    let (code, out, err) = run(dir.path(), &["review"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "witness: error: witness review reads keys from a terminal, and its standard input is not one; in a script, run `witness snapshot --accept [NAME...]` or `witness snapshot --reject [NAME...]`\n"
    );
    assert_eq!(snapshot_files(dir.path()), ["doc.txt.snap.new"]);
}

/// `witness review` in a pseudo-terminal: keys pressed one at a time, without Enter.
#[cfg(unix)]
mod terminal {
    use super::*;

    use rexpect::process::WaitStatus;
    use rexpect::session::{PtySession, spawn_command};

    const PROMPT: &str = "a accept, r reject, s skip, d diff again, q quit > ";

    /// Three pending snapshots: `a.txt` changed, `b.txt` and `c.txt` new.
    fn three_pending() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "甲\n").unwrap();
        assert_eq!(run(dir.path(), &["snapshot", "a.txt"]).0, 1);
        assert_eq!(run(dir.path(), &["snapshot", "--accept"]).0, 0);
        std::fs::write(dir.path().join("a.txt"), "乙\n").unwrap();
        for (name, text) in [("a.txt", ""), ("b.txt", "丙\n"), ("c.txt", "丁\n")] {
            if !text.is_empty() {
                std::fs::write(dir.path().join(name), text).unwrap();
            }
            assert_eq!(run(dir.path(), &["snapshot", name]).0, 1);
        }
        assert_eq!(
            snapshot_files(dir.path()),
            [
                "a.txt.snap",
                "a.txt.snap.new",
                "b.txt.snap.new",
                "c.txt.snap.new"
            ]
        );
        dir
    }

    /// The snapshot of a one-line document `name` holding `text`.
    fn snap(name: &str, text: &str) -> String {
        format!(
            "---\ncommand: witness snapshot {name}\ninput: {name}  UTF-8 (no BOM)\n---\n      1:1 | {text}\n"
        )
    }

    /// `program args` in a terminal in `dir`, colour off.
    fn spawn(dir: &Path, program: &Path, args: &[&str]) -> PtySession {
        let mut cmd = std::process::Command::new(program);
        cmd.args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("CI");
        spawn_command(cmd, Some(30_000)).unwrap()
    }

    /// Waits for `needle` (ASCII) on the screen and returns what came before it and it.
    fn until(p: &mut PtySession, needle: &str) -> String {
        utf8(&p.exp_string(needle).unwrap()) + needle
    }

    /// rexpect reads the terminal a byte at a time, each byte a `char`: the bytes back as
    /// UTF-8.
    fn utf8(screen: &str) -> String {
        let bytes: Vec<u8> = screen.chars().map(|c| u8::try_from(c).unwrap()).collect();
        String::from_utf8(bytes).unwrap()
    }

    fn press(p: &mut PtySession, key: &str) {
        p.send(key).unwrap();
        p.flush().unwrap();
    }

    /// Everything the program still writes, and its exit code.
    fn finish(mut p: PtySession) -> (String, i32) {
        let rest = utf8(&p.exp_eof().unwrap());
        match p.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => (rest, code),
            other => panic!("witness did not exit: {other:?}"),
        }
    }

    #[test]
    fn review_accepts_rejects_and_skips_with_single_keys() {
        let dir = three_pending();
        let path = dir.path();
        let mut p = spawn(path, &cargo_bin("witness"), &["review"]);
        let mut screen = String::new();
        screen += &until(&mut p, PROMPT);
        press(&mut p, "d");
        screen += &until(&mut p, PROMPT);
        press(&mut p, "x");
        screen += &until(&mut p, PROMPT);
        press(&mut p, "a");
        screen += &until(&mut p, PROMPT);
        press(&mut p, "r");
        screen += &until(&mut p, PROMPT);
        press(&mut p, "s");
        let (rest, code) = finish(p);
        screen += &rest;
        assert_eq!(code, 0);

        let a_diff = "[1/3] snapshot a.txt: changed
--- snapshots/a.txt.snap
+++ snapshots/a.txt.snap.new
@@ -2,4 +2,4 @@
 command: witness snapshot a.txt
 input: a.txt  UTF-8 (no BOM)
 ---
-      1:1 | 甲
+      1:1 | 乙
";
        let expected = format!(
            "{a_diff}{PROMPT}d\n{a_diff}{PROMPT}x
press a to accept, r to reject, s to skip, d to see the diff again, q to quit
{PROMPT}a
snapshot a.txt: accepted

[2/3] snapshot b.txt: new
{}{PROMPT}r
snapshot b.txt: rejected

[3/3] snapshot c.txt: new
{}{PROMPT}s
snapshot c.txt: skipped

review: 1 accepted, 1 rejected, 1 skipped
  accepted: a.txt
  rejected: b.txt
  skipped, still pending: c.txt
",
            new_diff("snapshots/b.txt.snap.new", &snap("b.txt", "丙")),
            new_diff("snapshots/c.txt.snap.new", &snap("c.txt", "丁")),
        );
        // The terminal turns each line feed into CR LF.
        assert_eq!(screen.replace("\r\n", "\n"), expected);

        assert_eq!(snapshot_files(path), ["a.txt.snap", "c.txt.snap.new"]);
        assert_eq!(
            read(path.join("snapshots/a.txt.snap")).unwrap(),
            snap("a.txt", "乙")
        );
        assert_eq!(
            read(path.join("snapshots/c.txt.snap.new")).unwrap(),
            snap("c.txt", "丁")
        );
    }

    #[test]
    fn quitting_leaves_the_rest_pending_and_the_terminal_as_it_was() {
        for key in ["q", "\u{3}"] {
            let dir = three_pending();
            // A shell runs review, then prints the terminal's modes once it has exited.
            let script = format!("'{}' review; stty -a", cargo_bin("witness").display());
            let mut p = spawn(dir.path(), Path::new("/bin/sh"), &["-c", &script]);
            until(&mut p, PROMPT);
            press(&mut p, key);
            let rest = until(&mut p, "skipped, still pending: a.txt, b.txt, c.txt");
            assert!(
                rest.replace("\r\n", "\n").ends_with(
                    "\n\nreview: 0 accepted, 0 rejected, 3 skipped\n  skipped, still pending: a.txt, b.txt, c.txt"
                ),
                "{rest}"
            );
            let (modes, code) = finish(p);
            assert_eq!(code, 0);
            // Line editing and signals are back (echo was off in this terminal from the start).
            let modes: Vec<&str> = modes.split_whitespace().collect();
            assert!(
                modes.contains(&"icanon") && modes.contains(&"isig"),
                "{modes:?}"
            );
            assert_eq!(
                snapshot_files(dir.path()),
                [
                    "a.txt.snap",
                    "a.txt.snap.new",
                    "b.txt.snap.new",
                    "c.txt.snap.new"
                ]
            );
        }
    }
}
