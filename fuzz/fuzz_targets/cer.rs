//! The banded bit-parallel distance equals textbook dynamic programming, is symmetric, is
//! bounded by the longer length, and its edit operations cost exactly the distance.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witness::unstable::levenshtein::{cost, distance, edit_ops};

fn naive(a: &[u32], b: &[u32]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let next = (diag + usize::from(x != y))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fuzz_target!(|data: (Vec<u8>, Vec<u8>)| {
    // Small alphabets make long matches and many ties: the hard cases.
    let a: Vec<u32> = data.0.iter().map(|&x| u32::from(x % 5)).collect();
    let b: Vec<u32> = data.1.iter().map(|&x| u32::from(x % 5)).collect();
    let d = naive(&a, &b);
    assert_eq!(distance(&a, &b), d);
    assert_eq!(distance(&b, &a), d);
    assert!(d <= a.len().max(b.len()));
    assert_eq!(cost(&edit_ops(&a, &b)), d);
});
