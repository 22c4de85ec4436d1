//! The HTML report in a real browser: headless Chromium opens the generated page from disk,
//! its DOM is checked for the expected variants and findings, a screenshot is kept as an
//! artifact, and document text that looks like markup stays text.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{file, witness};

/// Chromium, or `None` outside CI when it is not installed (CI installs it: see `.ci/run`).
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium: .ci/run installs it"
        );
        eprintln!("skipped: no Chromium on this machine (apt-get install chromium)");
    }
    found
}

/// Runs headless Chromium on a page with the flags a closed sandbox needs.
fn browse(browser: &Path, page: &Path, action: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(action)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn audit(corpus: &Path, out: &Path) {
    let status = witness()
        .args(["audit", "--quiet", "--no-record", "--out"])
        .arg(out)
        .arg(corpus)
        .output()
        .unwrap()
        .status;
    assert!(status.code().is_some_and(|c| c < 2));
}

#[test]
fn the_report_shows_the_variants_and_findings() {
    let Some(browser) = chromium() else { return };
    let out = tempfile::tempdir().unwrap();
    audit(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus")),
        out.path(),
    );
    let page = out.path().join("index.html");
    let dom = browse(&browser, &page, &["--dump-dom".into()]);
    // The omission of 里 and the dittography, marked by kind, in the pair view.
    assert!(dom.contains("data-kind=\"omission\""));
    assert!(dom.contains("<del>里</del>"), "omission of 里");
    assert!(
        dom.contains("<del>模式</del><ins>业态</ins>"),
        "dittography"
    );
    assert!(dom.contains("<del>五</del><ins>二是</ins>"), "numeral");
    // The errata table: 14 rows, each linking to its place in the text.
    assert_eq!(dom.matches("<table class=\"errata\">").count(), 1);
    assert!(dom.contains("003_a7c0d866165e138d has 跨里海国际运"));
    assert!(dom.contains("<a href=\"#d4-1210\">19:71 (byte 1210)</a>"));
    assert!(dom.contains("<a id=\"d4-1210\"></a>"));
    // Findings link both locations.
    assert!(dom.contains("<td>duplicate_block</td>"));
    assert!(dom.contains("href=\"#d3-20998\""));
    // A screenshot, kept as an artifact of the test run.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("witness-report.png");
    browse(
        &browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".into(),
        ],
    );
    let size = std::fs::metadata(&shot).unwrap().len();
    assert!(size > 50_000, "screenshot of {size} bytes");
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn document_text_that_looks_like_markup_stays_text() {
    let Some(browser) = chromium() else { return };
    let corpus = tempfile::tempdir().unwrap();
    let evil = "跨里海国际运输走廊<script>document.title='pwned'</script>提质扩容。\"><img src=x onerror=alert(1)>绿色产业、数字经济、人工智能。\n".repeat(4);
    file(corpus.path(), "a.txt", evil.as_bytes());
    file(
        corpus.path(),
        "b.txt",
        evil.replace("跨里海", "跨海").as_bytes(),
    );
    let out = tempfile::tempdir().unwrap();
    audit(corpus.path(), out.path());
    let dom = browse(
        &browser,
        &out.path().join("index.html"),
        &["--dump-dom".into()],
    );
    assert!(
        dom.contains("<title>witness audit</title>"),
        "the script did not run"
    );
    assert!(!dom.contains("<img"), "no element was injected");
    assert_eq!(
        dom.matches("<script>").count(),
        1,
        "only the report's own script"
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn the_errata_page_links_into_the_text() {
    let Some(browser) = chromium() else { return };
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("errata.html");
    let html = witness()
        .args([
            "errata",
            common::NEWSPAPER,
            "--against",
            common::OFFICIAL,
            "--corpus",
            "corpus",
            "--format",
            "html",
        ])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(&page, html).unwrap();
    let dom = browse(&browser, &page, &["--dump-dom".into()]);
    assert!(dom.contains("<a href=\"#d0-1210\">19:71 (byte 1210)</a>"));
    assert!(dom.contains("<a id=\"d0-1210\"></a>海国际运输走廊"));
    assert_eq!(dom.matches("<tr><td><a href=").count(), 14);
}
