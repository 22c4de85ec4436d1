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
        assert_eq!(v.text.chars().count(), v.spans.len());
        let mut prev = 0;
        for s in &v.spans {
            assert!(s.start <= s.end && s.end <= text.len());
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            assert!(s.start >= prev || s.end == prev);
            prev = s.end;
        }
        let mut at = 0;
        for u in &v.units {
            assert_eq!(u.start, at);
            at = u.end;
        }
        assert_eq!(at, v.text.len());
    }
});
