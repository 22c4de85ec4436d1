//! `cargo bench --bench audit`: `witness audit` against a plain `witness scan` of the same
//! documents — the seed corpus, and a generated collection of 1,000 documents holding 44
//! witness pairs. The audit scans once and compares each pair once (printed from the
//! corpus's work counters before timing), so it should cost little more than the scan:
//! targets ≤ 1.2× on the corpus, ≤ 2× on the collection.

use divan::Bencher;
use witness::corpus::{Corpus, Files, Reader};
use witness::scan::{ScanOptions, scan};
use witness::{Document, Profile, ReadOptions};

mod inputs;

fn seed_corpus() -> Vec<Document> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    Files::new([dir]).read(&ReadOptions::default()).docs
}

fn collection() -> Vec<Document> {
    let (texts, _) = inputs::audit_collection(1000, 44, 11);
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = format!("doc{i:04}.txt");
            Document::from_bytes(&name, &name, t.as_bytes(), &ReadOptions::default()).unwrap()
        })
        .collect()
}

fn main() {
    for (name, docs) in [("corpus", seed_corpus()), ("collection", collection())] {
        let corpus = Corpus::new(docs, Profile::Loose);
        let a = witness::audit::audit(&corpus, &vec![false; corpus.len()], &());
        let w = corpus.work();
        println!(
            "{name}: {} documents, {} pairs; work: {} read, {} scan(s), {} comparisons",
            corpus.len(),
            a.pairs.len(),
            w.tokenized,
            w.scans,
            w.comparisons
        );
    }
    divan::main();
}

fn bench_scan(b: Bencher, docs: &[Document]) {
    b.bench(|| {
        let corpus = Corpus::new(docs.to_vec(), Profile::Loose);
        scan(&corpus, &ScanOptions::default()).findings.len()
    });
}

fn bench_audit(b: Bencher, docs: &[Document]) {
    b.bench(|| {
        let corpus = Corpus::new(docs.to_vec(), Profile::Loose);
        let a = witness::audit::audit(&corpus, &vec![false; corpus.len()], &());
        (a.pairs.len(), a.errata.len())
    });
}

#[divan::bench(sample_count = 20)]
fn scan_seed_corpus(b: Bencher) {
    bench_scan(b, &seed_corpus());
}

#[divan::bench(sample_count = 20)]
fn audit_seed_corpus(b: Bencher) {
    bench_audit(b, &seed_corpus());
}

#[divan::bench(sample_count = 5)]
fn scan_collection_1000(b: Bencher) {
    bench_scan(b, &collection());
}

#[divan::bench(sample_count = 5)]
fn audit_collection_1000(b: Bencher) {
    bench_audit(b, &collection());
}
