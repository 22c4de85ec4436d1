//! `cargo bench --bench diff`: the speed targets of `witness diff`.
//!
//! - the corpus pair 000/004, read + diff + text report (target: under 20 ms);
//! - two ~1 MB Chinese texts with 1% scattered edits (target: under 300 ms);
//! - two unrelated ~1 MB texts (target: under 1 s, no quadratic blow-up);
//! - a ~21 KB article repeated to 3 MB and to 30 MB, with 10 and 96 single-character edits
//!   (issue 13: no k-gram is unique; every planted edit must be found, in near-linear time).

use std::path::Path;

use divan::Bencher;
use witness::report::{self, TextOptions};
use witness::{DiffOptions, Document, ReadOptions};

mod inputs;

const MB: usize = 1 << 20;

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

fn main() {
    divan::main();
}

#[divan::bench]
fn corpus_000_004(bencher: Bencher) {
    let a = corpus().join("000_3eb5e8de57179c45.txt");
    let b = corpus().join("004_74678af65d43f56c.txt");
    bencher.bench(|| {
        let opts = ReadOptions::default();
        let a = Document::read(&a, &opts).unwrap();
        let b = Document::read(&b, &opts).unwrap();
        let d = witness::diff(&a, &b, &DiffOptions::default());
        report::text(&d, TextOptions::default()).len()
    });
}

/// Decodes and diffs a pair of generated texts.
fn bench_pair(bencher: Bencher, a: String, b: String) {
    bencher.bench(|| {
        let opts = ReadOptions::default();
        let a = Document::from_bytes("a", "a", a.as_bytes(), &opts).unwrap();
        let b = Document::from_bytes("b", "b", b.as_bytes(), &opts).unwrap();
        witness::diff(&a, &b, &DiffOptions::default()).edits.len()
    });
}

#[divan::bench(sample_count = 10)]
fn scattered_edits_1mb(bencher: Bencher) {
    let a = inputs::chinese_text(corpus(), MB, 1);
    let b = inputs::scattered_edits(&a, 10, 2);
    bench_pair(bencher, a, b);
}

#[divan::bench(sample_count = 10)]
fn unrelated_1mb(bencher: Bencher) {
    let a = inputs::chinese_text(corpus(), MB, 1);
    let b = inputs::unrelated(&inputs::chinese_text(corpus(), MB, 3));
    bench_pair(bencher, a, b);
}

/// A 200,000-character Chinese text and a copy with 5% errors, as code points.
fn pair_200k_5_percent() -> (Vec<u32>, Vec<u32>) {
    let text = inputs::chinese_text(corpus(), 600_000, 4);
    let a: String = text.chars().take(200_000).collect();
    let b = inputs::scattered_edits(&a, 50, 5);
    let ids = |s: &str| s.chars().map(|c| c as u32).collect();
    (ids(&a), ids(&b))
}

/// Exact Levenshtein distance and edit operations of a 200,000-cluster pair with 5% errors
/// (target: under 0.5 s).
#[divan::bench(sample_count = 5)]
fn levenshtein_200k_5_percent(bencher: Bencher) {
    let (a, b) = pair_200k_5_percent();
    bencher.bench(|| {
        let ops = witness::unstable::levenshtein::edit_ops(&a, &b);
        witness::unstable::levenshtein::cost(&ops)
    });
}

/// Exact Levenshtein distance alone of the 200,000-cluster pair with 5% errors: a narrow band.
#[divan::bench(sample_count = 10)]
fn levenshtein_200k_5_percent_distance(bencher: Bencher) {
    let (a, b) = pair_200k_5_percent();
    bencher.bench(|| witness::unstable::levenshtein::distance(&a, &b));
}

/// Exact Levenshtein distance of the corpus pair 000/004 as characters: a wide band (the
/// distance is 83% of A, mostly a block), the pass `witness diff`'s CER with blocks makes.
#[divan::bench]
fn levenshtein_000_004_distance(bencher: Bencher) {
    let read = |name: &str| -> Vec<u32> {
        let text = std::fs::read_to_string(corpus().join(name)).unwrap();
        text.chars().map(|c| c as u32).collect()
    };
    let a = read("000_3eb5e8de57179c45.txt");
    let b = read("004_74678af65d43f56c.txt");
    bencher.bench(|| witness::unstable::levenshtein::distance(&a, &b));
}

/// Diffs a repeated article against its edited copy once, prints how many planted edits were
/// found at their exact place (and how many blocks were reported), then times read + diff.
fn bench_repeated(bencher: Bencher, bytes: usize, edits: usize) {
    let article = inputs::article(corpus(), 21_500, 13);
    let (a, b, planted) = inputs::repeated_with_edits(&article, bytes, edits, 17);
    let opts = ReadOptions::default();
    let (da, db) = (
        Document::from_bytes("a", "a", a.as_bytes(), &opts).unwrap(),
        Document::from_bytes("b", "b", b.as_bytes(), &opts).unwrap(),
    );
    let d = witness::diff(&da, &db, &DiffOptions::default());
    let found = planted
        .iter()
        .filter(|p| d.variants().any(|(e, _)| e.a == p.a && e.b == p.b))
        .count();
    println!(
        "repeated article, {} bytes: {found} of {} planted edits found in place, {} blocks",
        a.len(),
        planted.len(),
        d.blocks().count()
    );
    bench_pair(bencher, a, b);
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn repeated_article_3mb(bencher: Bencher) {
    bench_repeated(bencher, 3 * MB, 10);
}

#[divan::bench(sample_count = 2, sample_size = 1)]
fn repeated_article_30mb(bencher: Bencher) {
    bench_repeated(bencher, 30 * MB, 96);
}
