//! `witness completions` and `witness man`: the bash script completes subcommands, options and
//! their values in a real bash, every shell's script offers the subcommands, and the manual
//! pages, one per subcommand, render with man(1) without a warning.

mod common;

use std::path::Path;
use std::process::Command;

use common::{run, witness};

/// The subcommands `witness --help` lists, in its order, clap's `help` aside.
fn subcommands() -> Vec<String> {
    let help = run(&["--help"]);
    let list = &help[help.find("\nCommands:\n").expect("a command list") + 11..];
    // A subcommand's line starts with two spaces; lines of a wrapped description, with more.
    list.lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|name| name != "help")
        .collect()
}

#[test]
fn the_help_lists_the_subcommands() {
    // The other tests take the list from `--help`: it has to be the real one.
    let names = subcommands();
    for name in [
        "diff",
        "scan",
        "cer",
        "collate",
        "errata",
        "extract",
        "audit",
        "init",
        "add",
        "verify",
        "key",
        "completions",
        "man",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
}

/// What bash completes with witness's script when the last of `words` is being typed.
fn complete(script: &Path, words: &[&str]) -> Vec<String> {
    // `_witness` takes the command, the word under the cursor and the one before it, and reads
    // the line from COMP_WORDS and COMP_CWORD, as bash gives them at a TAB.
    let out = Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
_witness witness "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg("bash")
        .arg(script)
        .args(words)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_subcommands_options_and_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let script = common::file(
        dir.path(),
        "witness.bash",
        run(&["completions", "bash"]).as_bytes(),
    );
    let mut first: Vec<String> = ["-h", "-V", "--ledger", "--help", "--version"]
        .map(String::from)
        .to_vec();
    first.extend(subcommands());
    first.push("help".into());
    assert_eq!(complete(&script, &["witness", ""]), first);
    assert_eq!(complete(&script, &["witness", "di"]), ["diff"]);
    assert_eq!(
        complete(&script, &["witness", "diff", "--input-f"]),
        ["--input-format"]
    );
    assert_eq!(
        complete(&script, &["witness", "diff", "--input-format", ""]),
        ["text", "page", "alto", "hocr", "tei", "html", "docx", "pdf"]
    );
    assert_eq!(
        complete(&script, &["witness", "completions", ""]),
        [
            "-h",
            "--ledger",
            "--help",
            "bash",
            "elvish",
            "fish",
            "powershell",
            "zsh"
        ]
    );
}

#[test]
fn every_shell_offers_the_subcommands_and_their_options() {
    // The line of each script that offers `diff`, and how it names `--input-format`.
    let diff = "Compare two witnesses of one text, character by character";
    for (shell, offer, option) in [
        (
            "zsh",
            format!("'diff:{diff}' \\\n"),
            "'--input-format=[The format of the inputs.",
        ),
        (
            "fish",
            format!(
                "complete -c witness -n \"__fish_witness_needs_command\" -f -a \"diff\" -d '{diff}'\n"
            ),
            "-l input-format -d 'The format of the inputs.",
        ),
        (
            "elvish",
            format!("cand diff '{diff}'\n"),
            "cand --input-format 'The format of the inputs.",
        ),
        (
            "powershell",
            format!(
                "[CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, '{diff}')\n"
            ),
            "[CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'The format of the inputs.",
        ),
    ] {
        let script = run(&["completions", shell]);
        assert!(script.contains(&offer), "{shell}: {offer}");
        assert!(script.contains(option), "{shell}: {option}");
    }
}

#[test]
fn an_unknown_shell_is_refused() {
    let out = witness().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(
            "error: invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, elvish, fish, powershell, zsh]\n"
        ),
        "{err}"
    );
}

/// The first lines of every page: roff's apostrophe string, then the title.
fn head(title: &str) -> String {
    format!(
        ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH {title} 1  \"witness {}\" \n.SH NAME\n",
        env!("CARGO_PKG_VERSION")
    )
}

#[test]
fn man_prints_the_main_page() {
    let page = run(&["man"]);
    assert!(page.starts_with(&head("witness")), "{}", &page[..200]);
    assert!(page.contains(
        "\n.SH SUBCOMMANDS\n.TP\nwitness\\-diff(1)\nCompare two witnesses of one text, character by character\n"
    ));
    assert!(page.contains(
        "\n.TP\nwitness\\-man(1)\nThe manual page (roff), on stdout: `witness man > witness.1`\n"
    ));
    // clap's `help` subcommand is left out: `--help` does its work, and it has no page.
    assert!(!page.contains("witness\\-help"));
}

#[test]
fn man_out_writes_a_page_per_subcommand_and_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1"); // made if missing
    let listing = run(&["man", "--out", out.to_str().unwrap()]);
    let listed: Vec<&str> = listing.lines().collect();
    let mut names: Vec<String> = listed
        .iter()
        .map(|p| {
            let p = Path::new(p);
            assert_eq!(p.parent(), Some(out.as_path()));
            p.file_name().unwrap().to_str().unwrap().to_string()
        })
        .collect();
    // The main page first, then each subcommand's, its own subcommands after it.
    assert_eq!(names[0], "witness.1");
    let key = names.iter().position(|n| n == "witness-key.1").unwrap();
    assert_eq!(names[key + 1], "witness-key-generate.1");
    for sub in subcommands() {
        assert!(names.contains(&format!("witness-{sub}.1")), "{sub}");
    }
    assert!(!names.iter().any(|n| n.ends_with("help.1")), "{names:?}");
    // Exactly what was listed was written, each page titled with its own name.
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    names.sort();
    assert_eq!(written, names);
    for name in &names {
        let page = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(
            page.starts_with(&head(name.strip_suffix(".1").unwrap())),
            "{name}"
        );
    }
    let diff = std::fs::read_to_string(out.join("witness-diff.1")).unwrap();
    assert!(diff.contains("\n.TP\n\\fB\\-\\-input\\-format\\fR \\fI<FORMAT>\\fR\n"));
}

#[test]
fn man_out_on_a_file_is_trouble() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::file(dir.path(), "pages", b"");
    let out = witness()
        .args(["man", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "witness: error: cannot write the manual pages in {}: File exists (os error 17)\n",
            path.display()
        )
    );
}

/// A page as man(1) shows it, with runs of white space made one space (man justifies and
/// hyphenates), and what it said on stderr.
fn render(page: &Path) -> (String, String) {
    let out = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(page)
        .env("MANWIDTH", "200")
        .env("MANPAGER", "cat")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    (
        text.split_whitespace().collect::<Vec<_>>().join(" "),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn man_renders_the_pages() {
    let found = Command::new("sh")
        .args(["-c", "command -v man"])
        .output()
        .unwrap();
    if !found.status.success() {
        eprintln!("skipped: man(1) is not installed (apt-get install man-db)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run(&["man", "--out", dir.path().to_str().unwrap()]);
    let (main, warnings) = render(&dir.path().join("witness.1"));
    assert_eq!(warnings, "");
    for text in [
        "NAME witness - Audit the versions of a text: variants, duplicates, provenance.",
        "SYNOPSIS witness [--ledger] [-h|--help] [-V|--version] <subcommands>",
        "witness-diff(1) Compare two witnesses of one text, character by character",
        "EXTRA Exit status: 0 no difference (under the chosen rules), 1 differences, 2 trouble.",
    ] {
        assert!(main.contains(text), "{text}\n{main}");
    }
    let (diff, warnings) = render(&dir.path().join("witness-diff.1"));
    assert_eq!(warnings, "");
    for text in [
        "NAME witness-diff - Compare two witnesses of one text, character by character",
        "--input-format <FORMAT> The format of the inputs. Without it,",
        "--ledger <DIR> The ledger to use",
    ] {
        assert!(diff.contains(text), "{text}\n{diff}");
    }
}
