//! Checkpoint notes from anywhere (a file someone hands to `verify --checkpoint`): parsing
//! never panics, a parsed head writes back to text that parses to the same head and its
//! signature verifies, and checking a signature on any text never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use witness::ledger::note::{SigningKey, TreeHead};

fn key() -> &'static SigningKey {
    static K: OnceLock<SigningKey> = OnceLock::new();
    K.get_or_init(|| SigningKey::generate("fuzz.example/witness").unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(head) = TreeHead::parse(text) {
        assert_eq!(TreeHead::parse(&head.text()), Ok(head.clone()));
        let signed = key().sign(&head.text());
        assert_eq!(key().verifier().open(&signed), Ok(head.text().as_str()));
    }
    // Checking a signature on arbitrary text never panics.
    let _ = key().verifier().open(text);
});
