//! `cargo bench --bench ledger`: appending reads only the tail (the 10,000th append costs what
//! the 10th does), `verify` of 100,000 records (target: under 5 s), and streaming `store`.

use divan::Bencher;
use witness::ledger::verify::verify;
use witness::ledger::{Body, Ledger};

fn main() {
    divan::main();
}

fn note(i: usize) -> Body {
    Body::note(format!("note {i}: 跨里海国际运输走廊"))
}

/// A ledger of `n` notes in a temporary directory.
fn ledger_of(n: usize) -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::init(dir.path()).unwrap();
    for chunk in (0..n).collect::<Vec<_>>().chunks(10_000) {
        l.append_all(chunk.iter().map(|&i| note(i)).collect())
            .unwrap();
    }
    (dir, l)
}

#[divan::bench(args = [10, 10_000], sample_count = 50)]
fn append_after(bencher: Bencher, n: usize) {
    let (_dir, l) = ledger_of(n);
    let mut i = n;
    bencher.bench_local(|| {
        i += 1;
        l.append(note(i)).unwrap().seq
    });
}

#[divan::bench(sample_count = 3)]
fn verify_100k_records(bencher: Bencher) {
    let (_dir, l) = ledger_of(100_000);
    bencher.bench_local(|| {
        let v = verify(&l).unwrap();
        assert!(v.problem.is_none());
        v.records
    });
}

#[divan::bench(sample_count = 5)]
fn store_64mb(bencher: Bencher) {
    let (dir, l) = ledger_of(0);
    let file = dir.path().join("big.txt");
    let line = "两年来，中国同中亚国家共建“一带一路”走深走实，贸易额增长35%。\n";
    std::fs::write(&file, line.repeat((64 << 20) / line.len())).unwrap();
    bencher
        .counter(divan::counter::BytesCount::new(64usize << 20))
        .bench_local(|| l.store(&file).unwrap().bytes);
}
