//! `cargo bench --bench scan_memory`: the peak memory of `witness scan` (the local, in-memory
//! engine) per byte of text, at growing corpus sizes — the release binary run as a user runs
//! it, `witness scan --format json DIR`, on a directory of generated documents (~2 KB of
//! Chinese prose each, duplicates, near duplicates, quotations and stutters planted: the
//! corpus of `benches/scan.rs`). Issue 18's goal: flat, and at most 10 bytes a byte.
//!
//! Printed for each size: documents, MB of text, wall time, peak resident set (`wait4`'s
//! `ru_maxrss`), and bytes of memory per byte of text. The sizes: the numbers among the
//! arguments (`cargo bench --bench scan_memory -- 10000 100000 1000000`), or
//! `WITNESS_BENCH_DOCS` (comma-separated); 10,000 and 100,000 by default.
//!
//! `--engine ENGINE` scans on another engine (`streaming:1G`: the streaming engine under a
//! 1 GiB limit), with the binary that `WITNESS_BIN` names (one built with `--features
//! cluster`; the bench's own binary is built without it), e.g.
//! `WITNESS_BIN=target/debug/witness cargo bench --bench scan_memory -- --engine streaming:1G 100000`.
//!
//! `--jsonl` writes the corpus as one JSON Lines collection (`corpus.jsonl`, rows `{"id",
//! "text"}`: the form archives keep, and a million files would take 4 GB of disk blocks for
//! 2.2 GB of text) instead of a file per document. `--keep DIR` writes the corpus and each
//! report (`report-ENGINE-N.json`) into DIR and leaves them there, so that two engines'
//! reports on the same corpus can be compared (`cmp`); the corpus is generated the same each
//! time.
//!
//! `--script english` writes the documents in random English prose (the words of the English
//! sentences of `corpus/`, drawn at their frequencies there) instead of random Chinese prose,
//! and `--script mixed` alternates Chinese and English paragraphs in each (`chinese`, the
//! default, is the corpus above). After each scan, the
//! planted items that the report finds are counted (found/planted, kind by kind), and the
//! report's findings are counted by kind.

mod inputs;
mod measure;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Planted items of each kind, per 10,000 documents (as in `benches/scan.rs`).
const PER_KIND_PER_10000: usize = 200;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --benches` runs this without `--bench`: nothing to measure then.
    if !args.iter().any(|a| a == "--bench") {
        println!("scan_memory: run with `cargo bench --bench scan_memory` to measure");
        return;
    }
    let engine = args
        .iter()
        .position(|a| a == "--engine")
        .map(|i| args.get(i + 1).expect("--engine ENGINE").clone());
    let mut sizes: Vec<usize> = args
        .iter()
        .filter(|a| a.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = std::env::var("WITNESS_BENCH_DOCS")
            .unwrap_or_else(|_| "10000,100000".into())
            .split(',')
            .map(|n| {
                n.trim()
                    .parse()
                    .expect("WITNESS_BENCH_DOCS: numbers, comma-separated")
            })
            .collect();
    }
    let exe = std::env::var_os("WITNESS_BIN")
        .map_or_else(|| env!("CARGO_BIN_EXE_witness").into(), PathBuf::from);
    let engine = engine.unwrap_or_else(|| "local".into());
    let name = args
        .iter()
        .position(|a| a == "--script")
        .map_or("chinese", |i| {
            args.get(i + 1).expect("--script english|mixed|chinese")
        });
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let script = inputs::Script::named(name, &corpus_dir).expect("--script english|mixed|chinese");
    let jsonl = args.iter().any(|a| a == "--jsonl");
    let keep = args
        .iter()
        .position(|a| a == "--keep")
        .map(|i| PathBuf::from(args.get(i + 1).expect("--keep DIR")));
    println!("engine {engine}, {}, script {name}", exe.display());
    println!("documents  text MB  wall s  peak MB  bytes a byte  recall (found/planted)");
    for n in sizes {
        let temp = tempfile::Builder::new()
            .prefix("witness-scan-memory-")
            .tempdir()
            .expect("a temporary directory");
        let dir = keep.clone().unwrap_or_else(|| temp.path().to_path_buf());
        let corpus = dir.join(if jsonl { "corpus.jsonl" } else { "corpus" });
        let (bytes, planted) = write_corpus(&corpus, &script, n, jsonl);
        let report = dir.join(format!("report-{}-{n}.json", engine.replace(':', "-")));
        let (wall, peak_kb, code) = measure::run_measured(
            Command::new(&exe)
                .args(["scan", "--format", "json", "-o"])
                .arg(&report)
                .args(engine_args(&engine))
                .arg(&corpus),
        );
        // 1: findings (the corpus has planted ones); anything else is a failure.
        assert_eq!(code, 1, "witness scan exited with {code}");
        let peak = peak_kb as f64 * 1024.0;
        let findings = findings(&report);
        let recall: Vec<String> = planted
            .recall(&findings)
            .iter()
            .map(|(kind, found, of)| format!("{kind} {found}/{of}"))
            .collect();
        println!(
            "{n:>9}  {:>7.1}  {:>6.1}  {:>7.0}  {:>12.1}  {}",
            bytes as f64 / 1e6,
            wall.as_secs_f64(),
            peak / 1e6,
            peak / bytes as f64,
            recall.join(", ")
        );
        let mut kinds = std::collections::BTreeMap::new();
        for (kind, _) in &findings {
            *kinds.entry(kind.as_str()).or_insert(0) += 1;
        }
        println!("           findings: {kinds:?}");
    }
}

/// The arguments that choose `engine` (none for the local one: a build without the `cluster`
/// feature has no `--engine`).
fn engine_args(engine: &str) -> Vec<&str> {
    match engine {
        "local" => Vec::new(),
        _ => vec!["--engine", engine],
    }
}

/// The findings of the JSON report at `path`: each one's kind, and its places as (document
/// number: the digits that end its path, or its row's id; text byte).
fn findings(path: &Path) -> Vec<(String, Vec<(usize, usize)>)> {
    let file = std::fs::File::open(path).expect("the report");
    let json: serde_json::Value =
        serde_json::from_reader(std::io::BufReader::new(file)).expect("a JSON report");
    let number = |p: &str| {
        let digits: String = p
            .trim_end_matches(".txt")
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits
            .chars()
            .rev()
            .collect::<String>()
            .parse()
            .expect("a document number")
    };
    let places = |f: &serde_json::Value| {
        f["locations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                (
                    number(l["path"].as_str().unwrap_or_default()),
                    l["start"]["text_byte"].as_u64().unwrap_or(0) as usize,
                )
            })
            .collect()
    };
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or_default().to_string(),
                places(f),
            )
        })
        .collect()
}

/// Writes `n` generated documents in `script` as `path`: a directory of files, or a JSON
/// Lines collection (`jsonl`); returns their bytes of text and what was planted in them.
fn write_corpus(
    path: &Path,
    script: &inputs::Script,
    n: usize,
    jsonl: bool,
) -> (usize, inputs::Planted) {
    let per_kind = (n * PER_KIND_PER_10000 / 10_000).max(1);
    let (texts, planted) = inputs::scan_corpus_in(script, n, per_kind, 7);
    if jsonl {
        let file = std::fs::File::create(path).expect("create the collection");
        let mut out = std::io::BufWriter::new(file);
        for (i, t) in texts.iter().enumerate() {
            let row = serde_json::json!({ "id": i, "text": t });
            writeln!(out, "{row}").expect("write a row");
        }
        out.flush().expect("write the collection");
    } else {
        std::fs::create_dir_all(path).expect("create the corpus directory");
        for (i, t) in texts.iter().enumerate() {
            std::fs::write(path.join(format!("doc{i:07}.txt")), t).expect("write a document");
        }
    }
    (texts.iter().map(String::len).sum(), planted)
}
