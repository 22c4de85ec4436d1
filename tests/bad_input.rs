//! The bad-input matrix: every command on every kind of bad input gives a clear message naming
//! the input and a documented exit status — never a panic — and the ledger still verifies.

mod common;

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A repository with a ledger and a good text.
struct Repo {
    dir: tempfile::TempDir,
}

const GOOD: &str = "越来越多中国城市开通中亚班列，跨里海国际运输走廊提质扩容。\n绿色产业、数字经济、人工智能成为新的增长点。\n";

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(repo.path().join("good.txt"), GOOD).unwrap();
        repo.run(&["init"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!());
        cmd.current_dir(self.path()).args(args).stdin(Stdio::null());
        cmd.output().unwrap()
    }

    fn verify(&self) {
        let out = self.run(&["verify"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// Runs a command and checks the rules: a documented status, no panic, and on trouble a
/// message that names `name`.
fn check(repo: &Repo, args: &[&str], name: &str) -> i32 {
    let out = repo.run(args);
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!((0..=2).contains(&code), "{args:?}: exit {code}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    if code == 2 {
        assert!(stderr.starts_with("witness: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains(name),
            "{args:?}: the message should name {name}: {stderr}"
        );
    }
    code
}

/// Every command that reads a file, on `name`.
fn every_command(repo: &Repo, name: &str) -> Vec<i32> {
    let dir = repo.path().join("one");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo.path().join(name), dir.join(name)).unwrap();
    let in_dir = format!("one/{name}");
    vec![
        check(repo, &["diff", name, "good.txt"], name),
        check(repo, &["diff", "good.txt", name, "--format", "json"], name),
        check(repo, &["cer", name, "good.txt"], name),
        check(
            repo,
            &["cer", "good.txt", name, "--compat", "dinglehopper"],
            name,
        ),
        check(repo, &["errata", name, "--against", "good.txt"], name),
        check(
            repo,
            &["collate", "good.txt", name, "--format", "tei"],
            name,
        ),
        check(repo, &["scan", "one", "good.txt"], &in_dir),
        check(
            repo,
            &["audit", "one", "--quiet", "--no-record", "--out", "report"],
            &in_dir,
        ),
        check(repo, &["add", name], name),
    ]
}

fn write(repo: &Repo, name: &str, bytes: &[u8]) {
    std::fs::write(repo.path().join(name), bytes).unwrap();
}

#[test]
fn texts_that_read_fine_however_odd() {
    let repo = Repo::new();
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("spaces.txt", &b"  \n\t \r\n\x0c"[..]),
        ("bom-only.txt", &b"\xEF\xBB\xBF"[..]),
        (
            "mixed-endings.txt",
            "第一行\r\n第二行\r第三行\n第四行".as_bytes(),
        ),
        (
            "controls.txt",
            "跨里海\u{1}\u{7}\u{1b}[31m国际\u{200b}运输".as_bytes(),
        ),
    ] {
        write(&repo, name, bytes);
        let codes = every_command(&repo, name);
        assert!(codes.iter().all(|&c| c < 2), "{name}: {codes:?}");
    }
    repo.verify();
}

#[test]
fn bytes_that_are_not_text_are_refused_by_name() {
    let repo = Repo::new();
    let text = "两年来，中国同中亚国家共建“一带一路”走深走实，贸易额增长35%。".repeat(4);
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut bad_start = vec![0xFF];
    bad_start.extend_from_slice(text.as_bytes());
    let mut bad_middle = text.as_bytes().to_vec();
    bad_middle.insert(60, 0xC0);
    let bad_end = &text.as_bytes()[..text.len() - 1];
    for (name, bytes, message) in [
        (
            "nul.txt",
            &b"abc\x00def"[..],
            "looks binary (NUL byte at byte offset 3)",
        ),
        (
            "utf16-no-bom.txt",
            &utf16[..],
            "if it is UTF-16 without a byte-order mark, pass --encoding UTF-16LE",
        ),
        (
            "bad-start.txt",
            &bad_start[..],
            "malformed UTF-8 at byte offset 0",
        ),
        (
            "bad-middle.txt",
            &bad_middle[..],
            "malformed UTF-8 at byte offset 60",
        ),
        (
            "bad-end.txt",
            bad_end,
            &format!("malformed UTF-8 at byte offset {}", text.len() - 3),
        ),
    ] {
        write(&repo, name, bytes);
        let codes = every_command(&repo, name);
        // diff, cer, errata, collate refuse it; scan skips it and goes on with good.txt; audit
        // of a directory holding only it has nothing to read; add refuses it.
        assert_eq!(codes, [2, 2, 2, 2, 2, 2, 0, 2, 2], "{name}");
        let out = repo.run(&["diff", name, "good.txt"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    // The declared encoding reads UTF-16 without a BOM.
    let out = repo.run(&[
        "cer",
        "utf16-no-bom.txt",
        "utf16-no-bom.txt",
        "--encoding",
        "UTF-16LE",
    ]);
    assert_eq!(out.status.code(), Some(0));
    repo.verify();
}

#[test]
fn a_50_mb_single_line() {
    let repo = Repo::new();
    let line = "跨里海国际运输走廊提质扩容".repeat(50_000_000 / 39 + 1);
    write(&repo, "long.txt", line.as_bytes());
    assert_eq!(
        check(
            &repo,
            &["diff", "long.txt", "good.txt", "--format", "json"],
            "long.txt"
        ),
        1
    );
    // Over the documented limit: a clear error, not an exhausted machine.
    let huge = "x".repeat(257 << 20);
    write(&repo, "huge.txt", huge.as_bytes());
    let out = repo.run(&["diff", "huge.txt", "good.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "witness: error: huge.txt: 269484032 bytes is more than witness reads as text (268435456 bytes); split the file\n"
    );
    // …but a ledger stores it, streaming (it is canonical UTF-8).
    assert_eq!(check(&repo, &["add", "huge.txt"], "huge.txt"), 0);
    repo.verify();
}

#[test]
fn awkward_trees_are_walked_without_loops() {
    let repo = Repo::new();
    let root = repo.path().join("tree");
    // 100 nested directories with a text at the bottom.
    let mut deep = root.clone();
    for i in 0..100 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(
        deep.join("deep.txt"),
        "充满活力、蒸蒸日上、蒸蒸日上的中亚。\n",
    )
    .unwrap();
    // A symbolic link loop, a link to a directory above, a file that is gone, a file name
    // that is not UTF-8.
    std::os::unix::fs::symlink("loop-b.txt", root.join("loop-a.txt")).unwrap();
    std::os::unix::fs::symlink("loop-a.txt", root.join("loop-b.txt")).unwrap();
    std::os::unix::fs::symlink("..", root.join("up")).unwrap();
    std::os::unix::fs::symlink("vanished.txt", root.join("gone.txt")).unwrap();
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(root.join(latin1), GOOD).unwrap();
    let out = repo.run(&["scan", "tree"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("repeated_phrase: \"蒸蒸日上\" written twice"));
    assert!(stdout.contains("caf\u{FFFD}.txt"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tree/gone.txt: no such file"), "{stderr}");
    assert!(stderr.contains("tree/loop-a.txt: cannot read"), "{stderr}");
    // The link to the directory above leaves the tree: not walked, and said so.
    assert!(
        stderr.contains(
            "witness: skipped tree/up: symlink to a directory outside the scanned tree ("
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_full_disk_loses_nothing() {
    let repo = Repo::new();
    assert_eq!(check(&repo, &["add", "good.txt"], "good.txt"), 0);
    let before = std::fs::read(repo.path().join(".witness/ledger.jsonl")).unwrap();
    std::fs::write(
        repo.path().join("big.txt"),
        "两年来，中国同中亚国家".repeat(100_000),
    )
    .unwrap();
    // A file size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC).
    let bin = assert_cmd::cargo::cargo_bin!();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 64; exec '{}' add big.txt",
            bin.display()
        ))
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("witness: error: ") && stderr.contains("File too large"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(repo.path().join(".witness/ledger.jsonl")).unwrap(),
        before
    );
    let leftovers = std::fs::read_dir(repo.path().join(".witness/objects/tmp"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "no temporary file left behind");
    repo.verify();
}

#[test]
fn a_killed_add_leaves_a_ledger_that_verifies() {
    let repo = Repo::new();
    std::fs::write(
        repo.path().join("big.txt"),
        "跨里海国际运输走廊。\n".repeat(2_000_000),
    )
    .unwrap();
    for delay in [5u64, 20, 60, 150] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!())
            .args(["add", "big.txt"])
            .current_dir(repo.path())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        // A kill that lands between the log's write and the checkpoint's (or inside the log's
        // write) leaves an interrupted append: `verify` reports it as such (exit 1, nothing
        // recorded is lost or altered) and the next append records the repair. Anything else
        // must verify clean.
        let out = repo.run(&["verify"]);
        let report = String::from_utf8_lossy(&out.stdout);
        let interrupted = report.contains("an interrupted append");
        assert!(
            out.status.code() == Some(0) || (out.status.code() == Some(1) && interrupted),
            "{report}"
        );
        if interrupted {
            assert_eq!(check(&repo, &["add", "good.txt"], "good.txt"), 0);
            repo.verify();
        }
    }
    assert_eq!(check(&repo, &["add", "big.txt"], "big.txt"), 0);
    repo.verify();
}

#[test]
fn a_read_only_ledger_is_an_error_not_damage() {
    let repo = Repo::new();
    assert_eq!(check(&repo, &["add", "good.txt"], "good.txt"), 0);
    let log: PathBuf = repo.path().join(".witness/ledger.jsonl");
    // Root ignores permission bits; the immutable attribute binds it too, where supported.
    let mut perms = std::fs::metadata(&log).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&log, perms.clone()).unwrap();
    let immutable = Command::new("chattr")
        .arg("+i")
        .arg(&log)
        .status()
        .is_ok_and(|s| s.success());
    let writable = std::fs::OpenOptions::new().append(true).open(&log).is_ok();
    if writable {
        eprintln!("skipped: this user can write a read-only file and chattr is not available");
    } else {
        let out = repo.run(&["note", "x"]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("ledger.jsonl"), "{stderr}");
    }
    if immutable {
        let _ = Command::new("chattr").arg("-i").arg(&log).status();
    }
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&log, perms).unwrap();
    repo.verify();
}

/// A tree to walk, beside a directory outside it:
/// `tree/a.txt`, `tree/sub/b.txt` (two witnesses of one sentence, one character apart) and
/// `outside/secret.txt`, whose text must never reach a report unless asked for.
struct Tree {
    dir: tempfile::TempDir,
}

const SECRET: &str = "机密：这一段在扫描的目录之外，绝不能出现在报告里。\n";

impl Tree {
    fn new() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join("sub")).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        common::file(&tree, "a.txt", GOOD.as_bytes());
        common::file(
            &tree.join("sub"),
            "b.txt",
            GOOD.replace("跨里海", "跨海").as_bytes(),
        );
        common::file(&dir.path().join("outside"), "secret.txt", SECRET.as_bytes());
        Tree { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn symlink(&self, target: &str, link: &str) {
        std::os::unix::fs::symlink(target, self.path().join(link)).unwrap();
    }

    fn mkfifo(&self, name: &str) {
        let made = Command::new("mkfifo")
            .arg(self.path().join(name))
            .status()
            .unwrap();
        assert!(made.success());
    }

    /// The resolved path of `name`, as a skipped symlink's message shows its target.
    fn resolved(&self, name: &str) -> String {
        std::fs::canonicalize(self.path().join(name))
            .unwrap()
            .display()
            .to_string()
    }

    /// Runs witness in the tree's directory; killed after 20 s, so a read that blocks fails
    /// the test instead of hanging it.
    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = common::witness();
        cmd.current_dir(self.path())
            .args(args)
            .write_stdin("")
            .timeout(std::time::Duration::from_secs(20));
        let out = cmd.output().unwrap();
        assert!(
            out.status.code().is_some(),
            "{args:?} did not finish: {out:?}"
        );
        out
    }

    /// `audit tree` into `report`: its exit status, stderr, report.json and index.html.
    fn audit(&self, extra: &[&str]) -> (i32, String, serde_json::Value, String) {
        let _ = std::fs::remove_dir_all(self.path().join("report"));
        let mut args = vec!["audit", "tree", "--quiet", "--no-record", "--out", "report"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let json = std::fs::read_to_string(self.path().join("report/report.json")).unwrap();
        let html = std::fs::read_to_string(self.path().join("report/index.html")).unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stderr).unwrap(),
            serde_json::from_str(&json).unwrap(),
            html,
        )
    }
}

/// The paths of the documents a scan report (`witness/scan/1`) read.
fn inputs(scan: &serde_json::Value) -> Vec<&str> {
    scan["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect()
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let tree = Tree::new();
    // Nobody ever writes to it: opening it to read would block forever.
    tree.mkfifo("tree/pipe.txt");
    let refused = "tree/pipe.txt: is a FIFO (named pipe), not a regular file; witness reads regular files only";
    for args in [
        ["diff", "tree/pipe.txt", "tree/a.txt"],
        ["diff", "tree/a.txt", "tree/pipe.txt"],
    ] {
        let out = tree.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr_of(&out), format!("witness: error: {refused}\n"));
    }
    // In a walked directory it is skipped, said so, and the other files are read.
    let out = tree.run(&["scan", "tree", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), format!("witness: skipped {refused}\n"));
    let scan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inputs(&scan), ["tree/a.txt", "tree/sub/b.txt"]);
    assert_eq!(
        scan["skipped"],
        serde_json::json!([{
            "path": "tree/pipe.txt",
            "error": "is a FIFO (named pipe), not a regular file; witness reads regular files only"
        }])
    );
    let (code, stderr, report, _) = tree.audit(&[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr, format!("witness: skipped {refused}\n"));
    assert_eq!(inputs(&report["scan"]), ["tree/a.txt", "tree/sub/b.txt"]);
    assert_eq!(report["scan"]["skipped"][0]["path"], "tree/pipe.txt");
}

#[test]
fn dev_zero_is_refused_not_read() {
    let tree = Tree::new();
    // Named directly: a character device is not a regular file (its size, 0, was no limit).
    let out = tree.run(&["diff", "/dev/zero", "tree/a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "witness: error: /dev/zero: is a character device, not a regular file; witness reads regular files only\n"
    );
    // Through a link in a walked directory: the link points outside the tree, so it is not
    // followed; followed, the device is refused. Either way nothing is read from it.
    tree.symlink("/dev/zero", "tree/zero.txt");
    let out = tree.run(&["scan", "tree"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        "witness: skipped tree/zero.txt: symlink to outside the scanned tree (/dev/zero); pass --follow-symlinks to read it\n"
    );
    let out = tree.run(&["scan", "tree", "--follow-symlinks"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        "witness: skipped tree/zero.txt: is a character device, not a regular file; witness reads regular files only\n"
    );
    let (code, stderr, report, _) = tree.audit(&["--follow-symlinks"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(inputs(&report["scan"]), ["tree/a.txt", "tree/sub/b.txt"]);
}

#[test]
fn symlinks_out_of_the_tree_are_not_followed() {
    let tree = Tree::new();
    tree.symlink("../outside/secret.txt", "tree/leak.txt");
    tree.symlink("../outside", "tree/elsewhere");
    let secret = tree.resolved("outside/secret.txt");
    let outside = tree.resolved("outside");
    let (code, stderr, report, html) = tree.audit(&[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "witness: skipped tree/elsewhere: symlink to a directory outside the scanned tree ({outside}); linked directories are not walked, name it to read it\n\
             witness: skipped tree/leak.txt: symlink to outside the scanned tree ({secret}); pass --follow-symlinks to read it\n"
        )
    );
    assert_eq!(inputs(&report["scan"]), ["tree/a.txt", "tree/sub/b.txt"]);
    assert_eq!(
        report["scan"]["skipped"][1],
        serde_json::json!({
            "path": "tree/leak.txt",
            "error": format!("symlink to outside the scanned tree ({secret}); pass --follow-symlinks to read it")
        })
    );
    let marker = "绝不能出现在报告里";
    assert!(!html.contains(marker));
    assert!(!report.to_string().contains(marker));
    // Asked for, the link is read wherever it points; a linked directory is still not walked.
    let (code, stderr, report, html) = tree.audit(&["--follow-symlinks"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "witness: skipped tree/elsewhere: symlink to a directory outside the scanned tree ({outside}); linked directories are not walked, name it to read it\n"
        )
    );
    assert_eq!(
        inputs(&report["scan"]),
        ["tree/a.txt", "tree/leak.txt", "tree/sub/b.txt"]
    );
    assert!(html.contains(marker));
}

#[test]
fn symlinks_inside_the_tree_and_files_named_are_read() {
    let tree = Tree::new();
    // A link to a file of the same tree is the same tree; a link to a directory of it is not
    // walked twice.
    tree.symlink("sub/b.txt", "tree/b-link.txt");
    tree.symlink("sub", "tree/sub-link");
    let out = tree.run(&["scan", "tree", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
    let scan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        inputs(&scan),
        ["tree/a.txt", "tree/b-link.txt", "tree/sub/b.txt"]
    );
    // A file named on the command line is read as named, even through a link leaving the
    // directory it is in: the user chose it.
    tree.symlink("../outside/secret.txt", "tree/leak.txt");
    let out = tree.run(&["scan", "tree/leak.txt", "tree/a.txt", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let scan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inputs(&scan), ["tree/a.txt", "tree/leak.txt"]);
    let out = tree.run(&["diff", "tree/leak.txt", "outside/secret.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

/// `add` opens its files as the other commands do (`witness::unstable::source::open_regular`).
#[test]
fn add_refuses_what_is_not_a_regular_file() {
    let tree = Tree::new();
    assert_eq!(tree.run(&["init"]).status.code(), Some(0));
    tree.mkfifo("tree/pipe.txt");
    let out = tree.run(&["add", "tree/pipe.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "witness: error: tree/pipe.txt: is a FIFO (named pipe), not a regular file; witness reads regular files only\n"
    );
    // Through a link: refused, whichever check comes first, and never read.
    tree.symlink("/dev/zero", "tree/zero.txt");
    let out = tree.run(&["add", "tree/zero.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).starts_with("witness: error: "));
    // Nothing was recorded, and the ledger still verifies.
    assert_eq!(tree.run(&["verify"]).status.code(), Some(0));
    assert_eq!(tree.run(&["add", "tree/a.txt"]).status.code(), Some(0));
}

#[test]
fn add_and_check_never_follow_a_link_out_of_the_repository() {
    let tree = Tree::new();
    assert_eq!(tree.run(&["init"]).status.code(), Some(0));
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "跨里海 a secret outside the repository").unwrap();
    tree.symlink(secret.to_str().unwrap(), "tree/link.txt");
    let out = tree.run(&["add", "tree/link.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr_of(&out);
    assert!(
        message.starts_with("witness: error: tree/link.txt leads to ")
            && message.contains("secret.txt, outside the repository")
            && message.ends_with("(`add --follow-symlinks` stores such a file on purpose)\n"),
        "{message}"
    );
    // On purpose, it is stored; `check` then refuses to read through the link.
    let out = tree.run(&["add", "tree/link.txt", "--follow-symlinks"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let out = tree.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("tree/link.txt leads to "),
        "{}",
        stderr_of(&out)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("secret"));
}

#[test]
fn cer_directories_do_not_follow_links_out() {
    let tree = Tree::new();
    std::fs::create_dir_all(tree.path().join("gt")).unwrap();
    std::fs::create_dir_all(tree.path().join("ocr")).unwrap();
    common::file(&tree.path().join("gt"), "p1.txt", GOOD.as_bytes());
    common::file(&tree.path().join("ocr"), "p1.txt", GOOD.as_bytes());
    common::file(&tree.path().join("gt"), "p2.txt", SECRET.as_bytes());
    tree.symlink("../outside/secret.txt", "ocr/p2.txt");
    let out = tree.run(&["cer", "gt", "ocr", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        format!(
            "witness: skipped ocr/p2.txt: symlink to outside the directory ({})\n",
            tree.resolved("outside/secret.txt")
        )
    );
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("\"only_in_gt\": [\n    \"p2.txt\"\n  ]"),
        "{report}"
    );
}
