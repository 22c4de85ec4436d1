//! Progress of `witness audit` and `witness scan` on stderr: with `--progress`, one line per
//! phase with its count, whatever stderr is, and nothing else changed (stdout, the report,
//! the summary); without it and without a terminal, nothing; on a terminal, a bar per phase
//! that is cleared before the summary.

mod common;

use common::witness;
use regex::Regex;

/// The phases of an audit of the seed corpus and what each counts, as the line form says:
/// `(name, count)`, the count a pattern (`\d+` where it depends on the scan's internals).
const AUDIT: [(&str, &str); 8] = [
    ("reading", "5 files"),
    ("indexing", "5 documents"),
    ("near duplicates", r"[1-9]\d* paragraphs"),
    ("shared passages", "5 documents"),
    ("merging findings", r"[1-9]\d* passages"),
    ("comparing witnesses", "1 pair"),
    // 004 against its base, 003 from its own text (a doubled phrase).
    ("building errata", "2 targets"),
    ("writing the report", ""),
];

/// The line of a phase that ended: its name, its count, the time, the rate when it took long
/// enough to have one; a phase that counts nothing gives its time only.
fn line_pattern((name, count): (&str, &str)) -> Regex {
    let time = r"\d+\.\d s";
    let pattern = match count {
        "" => format!("^{name}: {time}$"),
        count => format!(r"^{name}: {count} in {time}( \(\d+(\.\d)?/s\))?$"),
    };
    Regex::new(&pattern).unwrap()
}

/// Runs witness: exit code, stdout, stderr.
fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = witness().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The first `n` lines of `stderr` match the phases' lines in order; returns the rest.
fn phases<'a>(stderr: &'a str, expected: &[(&str, &str)]) -> &'a str {
    let mut rest = stderr;
    for &phase in expected {
        let (line, after) = rest
            .split_once('\n')
            .unwrap_or_else(|| panic!("no line for {phase:?} in\n{stderr}"));
        assert!(
            line_pattern(phase).is_match(line),
            "{line:?} is not the line of {phase:?} in\n{stderr}"
        );
        rest = after;
    }
    rest
}

/// True when a line of `stderr` looks like progress: a phase's name and a colon, or a
/// terminal's control sequence.
fn any_progress(stderr: &str) -> bool {
    stderr.contains('\x1b')
        || stderr.contains('\r')
        || stderr.lines().any(|l| {
            AUDIT
                .iter()
                .any(|(name, _)| l.starts_with(&format!("{name}:")))
        })
}

#[test]
fn audit_progress_is_a_line_per_phase_and_changes_nothing_else() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = |d: &tempfile::TempDir| d.path().display().to_string();
    // SARIF on stdout, so that there is something on it to compare.
    let plain = ["audit", "corpus", "--no-record", "-f", "sarif", "--out"];
    let (code, stdout, stderr) = run(&[&plain[..], &[&out(&a)]].concat());
    let (code_p, stdout_p, stderr_p) = run(&[&plain[..], &[&out(&b), "--progress"]].concat());
    assert_eq!((code, code_p), (1, 1), "{stderr_p}");
    assert!(!stdout.is_empty());
    assert_eq!(stdout, stdout_p, "stdout changed by --progress");
    // The lines first, then the summary as without them.
    let rest = phases(&stderr_p, &AUDIT);
    assert_eq!(rest.replace(&out(&b), &out(&a)), stderr);
    assert!(stderr.starts_with("audited 5 files\n"), "{stderr}");
    assert!(!any_progress(&stderr), "{stderr}");
    // The same report.
    for file in ["index.html", "report.json", "errata.md", "errata.csv"] {
        let read = |d: &tempfile::TempDir| std::fs::read(d.path().join(file)).unwrap();
        assert!(read(&a) == read(&b), "{file} changed by --progress");
    }
}

#[test]
fn quiet_progress_writes_the_lines_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let (code, stdout, stderr) = run(&[
        "audit",
        "corpus",
        "--no-record",
        "--quiet",
        "--progress",
        "--out",
        &out,
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(phases(&stderr, &AUDIT), "");
    // --quiet alone: nothing at all.
    let (_, _, stderr) = run(&["audit", "corpus", "--no-record", "--quiet", "--out", &out]);
    assert_eq!(stderr, "");
}

#[test]
fn scan_progress_is_a_line_per_phase_and_leaves_stdout_alone() {
    for format in ["text", "json"] {
        let (code, stdout, stderr) = run(&["scan", "corpus", "-f", format]);
        let (code_p, stdout_p, stderr_p) = run(&["scan", "corpus", "-f", format, "--progress"]);
        assert_eq!((code, code_p), (1, 1));
        assert!(!stdout.is_empty());
        assert_eq!(stdout, stdout_p, "{format}: stdout changed by --progress");
        // Without --progress and without a terminal: nothing on stderr.
        assert_eq!(stderr, "");
        assert_eq!(phases(&stderr_p, &AUDIT[..5]), "");
    }
    // Only the phases of the kinds asked for: no near duplicates, no shared passages (the
    // shared text between files comes with them), no merging of passages.
    let (_, _, stderr) = run(&[
        "scan",
        "corpus",
        "--kinds",
        "duplicate_paragraph",
        "--progress",
    ]);
    let expected = [AUDIT[0], AUDIT[1]];
    assert_eq!(phases(&stderr, &expected), "");
}

#[test]
fn no_progress_without_a_terminal_or_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let (code, _, stderr) = run(&["audit", "corpus", "--no-record", "--out", &out]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("audited 5 files\n"), "{stderr}");
    assert!(!any_progress(&stderr), "{stderr}");
}

/// Files that cannot be read are counted as read (the phase's total is the files listed),
/// and named before the line of the phase.
#[cfg(unix)]
#[test]
fn skipped_files_are_counted_and_named() {
    let dir = tempfile::tempdir().unwrap();
    common::file(dir.path(), "a.txt", "跨里海国际运输走廊\n".as_bytes());
    common::file(dir.path(), "b.txt", "跨海国际运输走廊\n".as_bytes());
    let fifo = dir.path().join("c.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let path = dir.path().display().to_string();
    let (_, _, stderr) = run(&["scan", &path, "--progress"]);
    let (skipped, rest) = stderr.split_once('\n').unwrap();
    assert!(
        skipped.starts_with(&format!("witness: skipped {}: is a FIFO", fifo.display())),
        "{stderr}"
    );
    let expected = [
        ("reading", "3 files"),
        ("indexing", "2 documents"),
        ("near duplicates", r"\d+ paragraphs?"),
        ("shared passages", "2 documents"),
        ("merging findings", r"\d+ passages?"),
    ];
    assert_eq!(phases(rest, &expected), "");
}

/// `witness audit` in a pseudo-terminal: a bar per phase with its count, rate and ETA, cleared
/// before the summary.
#[cfg(unix)]
mod terminal {
    use super::*;

    use assert_cmd::cargo::cargo_bin;
    use rexpect::process::WaitStatus;
    use rexpect::session::spawn_command;

    /// Everything witness writes to a terminal (stdout and stderr both), and its exit code.
    fn in_terminal(args: &[&str]) -> (String, i32) {
        let mut cmd = std::process::Command::new(cargo_bin("witness"));
        cmd.args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env_remove("CI");
        let mut p = spawn_command(cmd, Some(60_000)).unwrap();
        let raw = p.exp_eof().unwrap();
        // rexpect reads a byte at a time, each byte a `char`.
        let bytes: Vec<u8> = raw.chars().map(|c| u8::try_from(c).unwrap()).collect();
        let code = match p.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("witness did not exit: {other:?}"),
        };
        (String::from_utf8(bytes).unwrap(), code)
    }

    #[test]
    fn a_bar_per_phase_cleared_before_the_summary() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().display().to_string();
        let (screen, code) = in_terminal(&["audit", "corpus", "--no-record", "--out", &out]);
        assert_eq!(code, 1, "{screen}");
        // Each phase drew at least one frame: its count out of its total, the rate, the ETA.
        for frame in [
            "reading [",
            "/5 files · ",
            "indexing [",
            "/5 documents · ",
            " paragraphs · ",
            " passages · ",
            "comparing witnesses [",
            "/1 pairs · ",
            "building errata [",
            "/2 targets · ",
            "writing the report · ",
        ] {
            assert!(screen.contains(frame), "no {frame:?} in {screen:?}");
        }
        assert!(screen.contains("/s · ETA "), "{screen:?}");
        // The last frame is cleared (carriage return, erase the line), and the summary is all
        // that follows.
        let (bars, summary) = screen.rsplit_once("\r\x1b[2K").unwrap();
        assert!(bars.contains("writing the report"));
        assert!(summary.starts_with("audited 5 files\r\n"), "{summary:?}");
        assert!(!summary.contains('\x1b'), "{summary:?}");
        // No line form on a terminal without --progress.
        assert!(!screen.contains("reading: 5 files in"), "{screen:?}");
    }

    #[test]
    fn quiet_draws_no_bar_and_progress_adds_the_lines() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().display().to_string();
        let (screen, code) =
            in_terminal(&["audit", "corpus", "--no-record", "--quiet", "--out", &out]);
        assert_eq!((screen.as_str(), code), ("", 1));

        // On a terminal --progress writes its lines above the bars.
        let (screen, _) = in_terminal(&[
            "audit",
            "corpus",
            "--no-record",
            "--progress",
            "--out",
            &out,
        ]);
        let lines: Vec<&str> = screen
            .split("\r\n")
            .map(|l| l.rsplit("\r\x1b[2K").next().unwrap())
            .filter(|l| !l.is_empty())
            .collect();
        for (i, phase) in AUDIT.iter().enumerate() {
            assert!(
                line_pattern(*phase).is_match(lines[i]),
                "{:?} is not the line of {phase:?} in {screen:?}",
                lines[i]
            );
        }
        assert!(screen.contains("reading ["), "{screen:?}");
    }
}
