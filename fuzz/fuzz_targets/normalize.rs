//! Every profile's view maps each character to a valid span of the original, in order, and
//! its units cover it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witness::unstable::normalize::{Profile, view};

fuzz_target!(|text: &str| {
    for profile in [
        Profile::Exact,
        Profile::Nfc,
        Profile::Layout,
        Profile::Loose,
    ] {
        let v = view(text, profile);
        let mut at = 0;
        for u in &v.units {
            let (view, original) = (u.view(), u.original());
            assert_eq!(view.start, at);
            at = view.end;
            assert!(original.start <= original.end && original.end <= text.len());
            assert!(text.is_char_boundary(original.start) && text.is_char_boundary(original.end));
        }
        assert_eq!(at, v.text.len());
    }
});
