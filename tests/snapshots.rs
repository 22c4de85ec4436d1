//! Snapshots of the reports (in the top-level `snapshots/`): the corpus pair in every format,
//! and small cases that pin down one behaviour each.

mod common;

use common::{NEWSPAPER, OFFICIAL, file, run, snapshots, witness};

#[test]
fn corpus_000_004_text() {
    snapshots()
        .bind(|| insta::assert_snapshot!("diff_000_004_text", run(&["diff", OFFICIAL, NEWSPAPER])));
}

#[test]
fn corpus_000_004_text_all() {
    snapshots().bind(|| {
        insta::assert_snapshot!(
            "diff_000_004_text_all",
            run(&["diff", OFFICIAL, NEWSPAPER, "--all"])
        )
    });
}

#[test]
fn corpus_000_004_json() {
    snapshots().bind(|| {
        insta::assert_snapshot!(
            "diff_000_004_json",
            run(&["diff", OFFICIAL, NEWSPAPER, "--format", "json"])
        )
    });
}

#[test]
fn corpus_000_004_md() {
    snapshots().bind(|| {
        insta::assert_snapshot!(
            "diff_000_004_md",
            run(&["diff", OFFICIAL, NEWSPAPER, "--format", "md"])
        )
    });
}

/// The corpus pair for review systems: SARIF, GitHub annotations, reviewdog, JUnit (the
/// errata of 004 too, whose corrections are reviewdog suggestions).
#[test]
fn corpus_000_004_ci_formats() {
    for format in ["sarif", "github", "rdjsonl", "junit"] {
        snapshots().bind(|| {
            insta::assert_snapshot!(
                format!("diff_000_004_{format}"),
                run(&["diff", OFFICIAL, NEWSPAPER, "--format", format])
            )
        });
    }
    snapshots().bind(|| {
        insta::assert_snapshot!(
            "errata_004_rdjsonl",
            run(&[
                "errata",
                NEWSPAPER,
                "--against",
                OFFICIAL,
                "--corpus",
                "corpus",
                "--format",
                "rdjsonl"
            ])
        )
    });
}

/// Small pairs, each run from a temporary directory so paths in reports are stable.
fn small(name: &str, a: &str, b: &str, extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.txt", a.as_bytes());
    file(dir.path(), "b.txt", b.as_bytes());
    let out = witness()
        .current_dir(dir.path())
        .args(["diff", "a.txt", "b.txt"])
        .args(extra)
        .output()
        .unwrap();
    let shown = format!(
        "exit {}\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout)
    );
    snapshots().bind(|| insta::assert_snapshot!(name, shown));
}

#[test]
fn small_cosmetic_only() {
    small(
        "small_cosmetic_only",
        "“中国—中亚精神”，互尊、互信。\n\n两年来，成功开行。\n",
        "\"中国-中亚精神\",互尊、互信。\n两年来，成\n\n功开行。\n",
        &["--all"],
    );
}

#[test]
fn small_substantive_kinds() {
    small(
        "small_substantive_kinds",
        "跨里海国际运输走廊，新模式新业态。一要合作，五要维护。我们互尊互信，蒸蒸日上的中亚。\n",
        "跨海国际运输走廊，新业态新业态。一要合作，二是要维护。我们互信互尊，蒸蒸日上、蒸蒸日上的中亚。\n",
        &[],
    );
}

/// Planted substitutions with a cause (homophone, near-homophone, look-alike in hanzi and in
/// Latin OCR) and one without: each line says why, and the summary counts by cause.
#[test]
fn small_substitution_causes() {
    small(
        "small_substitution_causes",
        "我们再次相聚。他们在会上签署了协议,这是第一步。吉祥如意,自己动手。坚持亲诚惠容。\nThe local people built a modern road.\n",
        "我们在次相聚。他们再会上签署了协议,这四第一步。吉样如意,自已动手。坚持真诚惠容。\nThe 1ocal people built a rnodern road.\n",
        &[],
    );
}

/// Two swapped paragraphs: one move, with both places, not an omission and an addition.
#[test]
fn small_moved_paragraph() {
    small(
        "small_moved_paragraph",
        "中方愿同各方一道，推动构建命运共同体。\n\n两年来，贸易额增长百分之三十五，合作成果丰硕。\n\n谢谢大家。\n",
        "两年来，贸易额增长百分之三十五，合作成果丰硕。\n\n中方愿同各方一道，推动构建命运共同体。\n\n谢谢大家。\n",
        &["--format", "md"],
    );
}

#[test]
fn small_latin_script() {
    small(
        "small_latin_script",
        "China is ready to work with all parties to carry forward the spirit.\nThank you.\n",
        "China is  ready to work with all the parties to carry\nforward the spirit.\r\nThank you!\r\n",
        &["--all", "--format", "md"],
    );
}

#[test]
fn small_invisible() {
    // A right-to-left override around a number (a reader sees 100), a zero-width space, a soft
    // hyphen, an escape sequence: listed as markers without --all.
    small(
        "small_invisible",
        "编号001号的货物运往阿斯塔纳。价格是一百元整。\n",
        "编号\u{202E}001\u{202C}号的货物运往阿斯塔纳。\u{1B}[2J价格是\u{200B}一百元\u{00AD}整。\n",
        &[],
    );
}
