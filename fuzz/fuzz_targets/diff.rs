//! Applying every edit of a comparison to A gives B, under every profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witness::compare;
use witness::unstable::normalize::Profile;

fuzz_target!(|data: (&str, &str)| {
    let (a, b) = data;
    for profile in [
        Profile::Exact,
        Profile::Nfc,
        Profile::Layout,
        Profile::Loose,
    ] {
        let c = compare(a, b, profile);
        assert_eq!(c.apply(a, b), b);
        for w in c.edits.windows(2) {
            assert!(w[0].a.end <= w[1].a.start && w[0].b.end <= w[1].b.start);
        }
    }
});
