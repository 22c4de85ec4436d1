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

mod inputs;
mod measure;

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
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
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
    println!("engine {engine}, {}", exe.display());
    println!("documents  text MB  wall s  peak MB  bytes a byte");
    for n in sizes {
        let work = tempfile::Builder::new()
            .prefix("witness-scan-memory-")
            .tempdir()
            .expect("a temporary directory");
        let bytes = write_corpus(work.path(), n);
        let (wall, peak_kb, code) = measure::run_measured(
            Command::new(&exe)
                .args(["scan", "--format", "json"])
                .args(engine_args(&engine))
                .arg(work.path()),
        );
        // 1: findings (the corpus has planted ones); anything else is a failure.
        assert_eq!(code, 1, "witness scan exited with {code}");
        let peak = peak_kb as f64 * 1024.0;
        println!(
            "{n:>9}  {:>7.1}  {:>6.1}  {:>7.0}  {:>12.1}",
            bytes as f64 / 1e6,
            wall.as_secs_f64(),
            peak / 1e6,
            peak / bytes as f64
        );
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

/// Writes `n` generated documents into `dir`; returns their bytes.
fn write_corpus(dir: &Path, n: usize) -> usize {
    let per_kind = (n * PER_KIND_PER_10000 / 10_000).max(1);
    let (texts, _) = inputs::scan_corpus(n, per_kind, 7);
    let mut bytes = 0;
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(dir.join(format!("doc{i:07}.txt")), t).expect("write a document");
        bytes += t.len();
    }
    bytes
}
