//! Decoding with detection never panics; positions of a decoded text are consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witness::{Document, ReadOptions};

fuzz_target!(|data: &[u8]| {
    for lossy in [false, true] {
        let opts = ReadOptions {
            encoding: None,
            lossy,
            ..ReadOptions::default()
        };
        if let Ok(d) = Document::from_bytes("f", "f", data, &opts) {
            let mut chars = 0;
            for (i, _) in d.text.char_indices().step_by(7) {
                let p = d.position(i);
                assert_eq!(p.text_byte, i);
                assert!(p.char >= chars && p.line >= 1 && p.column >= 1);
                chars = p.char;
            }
        }
    }
});
