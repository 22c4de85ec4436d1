//! `cargo bench --bench report_scale`: the audit of a large collection, end to end, as a user
//! runs it — the release binary `witness audit --quiet --no-record --out OUT DIR` on a
//! directory of generated files (witness pairs and duplicated paragraphs planted) — and the
//! report it writes opened in headless Chromium (issue 17: a report of 10,000 documents should
//! open in a few seconds).
//!
//! Printed: the audit's wall time and peak memory (the child's maximum resident set, from
//! `wait4`), the sizes of `index.html`, `report.json` and the whole report directory, and
//! Chromium's time to the page's load event, its first (contentful) paint and its DOM size.
//!
//! The number of documents: `WITNESS_BENCH_DOCS` (default 10,000) or a number among the
//! arguments (`cargo bench --bench report_scale -- 2000`). `WITNESS_BENCH_KEEP=1` keeps the
//! collection and the report in the temporary directory and prints where.

#[path = "../tests/common/cdp.rs"]
mod cdp;
mod inputs;
mod measure;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Witness pairs per 1,000 documents (as in `benches/audit.rs`).
const PAIRS_PER_1000: usize = 44;
/// Paragraphs copied whole into another document, per 1,000 documents.
const DUPLICATES_PER_1000: usize = 20;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --benches` runs this without `--bench`: nothing to measure then.
    if !args.iter().any(|a| a == "--bench") {
        println!("report_scale: run with `cargo bench --bench report_scale` to measure");
        return;
    }
    let n: usize = args
        .iter()
        .find_map(|a| a.parse().ok())
        .or_else(|| std::env::var("WITNESS_BENCH_DOCS").ok()?.parse().ok())
        .unwrap_or(10_000);
    let keep = std::env::var_os("WITNESS_BENCH_KEEP").is_some();

    let work = tempfile::Builder::new()
        .prefix("witness-report-scale-")
        .tempdir()
        .expect("a temporary directory");
    let dir = work.path().join("collection");
    let out = work.path().join("report");
    let (pairs, duplicates, bytes) = write_collection(&dir, n);
    println!(
        "collection: {n} documents, {} MB, {pairs} witness pairs, {duplicates} duplicated paragraphs, in {}",
        mb(bytes),
        dir.display()
    );

    let exe = Path::new(env!("CARGO_BIN_EXE_witness"));
    let (wall, peak_kb, code) = measure::run_measured(
        Command::new(exe)
            .args(["audit", "--quiet", "--no-record", "--out"])
            .arg(&out)
            .arg(&dir),
    );
    assert!(code == 0 || code == 1, "witness audit exited with {code}");
    println!("audit: {} (exit {code})", exe.display());
    println!("  wall time      {:.1} s", wall.as_secs_f64());
    println!("  peak memory    {} MB (max RSS)", peak_kb / 1024);
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let index = out.join("index.html");
    println!("  index.html     {} MB", mb(size(&index)));
    println!("  report.json    {} MB", mb(size(&out.join("report.json"))));
    let (total, files) = dir_size(&out);
    println!("  report dir     {} MB in {files} files", mb(total));

    match cdp::chromium() {
        None => println!("chromium: not installed, no load time"),
        Some(exe) => {
            let browser = cdp::Browser::launch_with(&exe, &[]);
            browser.set_timeout(Duration::from_secs(900));
            let page = browser.blank_page();
            let url = format!("file://{}", index.display());
            let load = page.goto(&url);
            let timing = page.eval(
                r#"(() => {
                  const nav = performance.getEntriesByType('navigation')[0] || {};
                  const paint = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
                  return { domContentLoaded: nav.domContentLoadedEventEnd, loadEventEnd: nav.loadEventEnd,
                           firstPaint: paint['first-paint'], firstContentfulPaint: paint['first-contentful-paint'],
                           elements: document.getElementsByTagName('*').length,
                           height: document.documentElement.scrollHeight };
                })()"#,
            );
            let ms = |k: &str| {
                timing[k]
                    .as_f64()
                    .map_or("n/a".to_string(), |v| format!("{:.2} s", v / 1000.0))
            };
            let metrics = page.metrics();
            let metric = |name: &str| {
                metrics
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(f64::NAN, |m| m.1)
            };
            println!("chromium: {url}");
            println!(
                "  load event          {:.2} s (navigate to Page.loadEventFired)",
                load.as_secs_f64()
            );
            println!("  DOMContentLoaded    {}", ms("domContentLoaded"));
            println!("  first paint         {}", ms("firstPaint"));
            println!("  first contentful    {}", ms("firstContentfulPaint"));
            println!(
                "  DOM                 {} elements, {} nodes; page {} px tall",
                timing["elements"],
                metric("Nodes"),
                timing["height"]
            );
            println!(
                "  main thread         script {:.2} s, layout {:.2} s, style {:.2} s, tasks {:.2} s; JS heap {} MB",
                metric("ScriptDuration"),
                metric("LayoutDuration"),
                metric("RecalcStyleDuration"),
                metric("TaskDuration"),
                (metric("JSHeapUsedSize") / 1e6).round()
            );
            let requests = page.requests();
            let foreign: Vec<&String> = requests
                .iter()
                .filter(|r| {
                    !(r.starts_with(&url)
                        || r.starts_with("data:")
                        || r.starts_with("blob:")
                        || r.starts_with(&format!("file://{}/docs/", out.display())))
                })
                .collect();
            println!(
                "  requests            {} (other than the report's own files: {})",
                requests.len(),
                foreign.len()
            );
        }
    }
    if keep {
        println!("kept: {}", work.keep().display());
    }
}

/// Writes `n` generated documents (`doc00000.txt`…) into `dir`: 44 witness pairs per 1,000
/// (`inputs::audit_collection`) and 20 paragraphs per 1,000 copied whole from one document to
/// another. Returns (pairs, duplicates, bytes written).
fn write_collection(dir: &Path, n: usize) -> (usize, usize, u64) {
    let pairs = (n * PAIRS_PER_1000 / 1000).max(1);
    let (mut texts, planted) = inputs::audit_collection(n, pairs, 11);
    let mut rng = inputs::Rng::new(29);
    let in_pairs: std::collections::HashSet<usize> =
        planted.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut duplicates = 0;
    for _ in 0..n * DUPLICATES_PER_1000 / 1000 {
        let (from, to) = (rng.below(n), rng.below(n));
        // Leave the pairs as they are, so their variants are only the planted ones.
        if from == to || in_pairs.contains(&from) || in_pairs.contains(&to) {
            continue;
        }
        let paragraphs: Vec<&str> = texts[from].lines().collect();
        let p = paragraphs[rng.below(paragraphs.len())].to_string();
        texts[to].push_str(&p);
        texts[to].push('\n');
        duplicates += 1;
    }
    std::fs::create_dir_all(dir).expect("collection directory");
    let mut bytes = 0;
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(dir.join(format!("doc{i:05}.txt")), t).expect("a document written");
        bytes += t.len() as u64;
    }
    (planted.len(), duplicates, bytes)
}

/// The bytes and files under `dir`.
fn dir_size(dir: &Path) -> (u64, usize) {
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    let (mut bytes, mut files) = (0, 0);
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let m = e.metadata().expect("metadata");
            if m.is_dir() {
                stack.push(e.path());
            } else {
                bytes += m.len();
                files += 1;
            }
        }
    }
    (bytes, files)
}

/// Megabytes, one decimal.
fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1e6)
}
