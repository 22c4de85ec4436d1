//! Times witness's exact Levenshtein engine on one GT/OCR pair (file reading excluded).
//! Usage: engine GT OCR [REPS]   (REPS default 5; best of REPS is printed)
use std::time::Instant;
use witness::unstable::levenshtein::{cost, distance, edit_ops};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let reps: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(5);
    let a: Vec<u32> = std::fs::read_to_string(&args[1])
        .unwrap()
        .chars()
        .map(|c| c as u32)
        .collect();
    let b: Vec<u32> = std::fs::read_to_string(&args[2])
        .unwrap()
        .chars()
        .map(|c| c as u32)
        .collect();
    let mut best_d = f64::INFINITY;
    let mut d = 0;
    for _ in 0..reps {
        let t = Instant::now();
        d = std::hint::black_box(distance(std::hint::black_box(&a), std::hint::black_box(&b)));
        best_d = best_d.min(t.elapsed().as_secs_f64() * 1e3);
    }
    let mut best_o = f64::INFINITY;
    let mut c = 0;
    let mut n = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let ops =
            std::hint::black_box(edit_ops(std::hint::black_box(&a), std::hint::black_box(&b)));
        best_o = best_o.min(t.elapsed().as_secs_f64() * 1e3);
        c = cost(&ops);
        n = ops.len();
    }
    println!(
        "len_a={} len_b={} reps={} distance={} distance_ms={:.2} edit_ops_cost={} edit_ops_len={} edit_ops_ms={:.2}",
        a.len(),
        b.len(),
        reps,
        d,
        best_d,
        c,
        n,
        best_o
    );
}
