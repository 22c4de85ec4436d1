//! Helpers for the unit tests of several stages.

/// A seeded xorshift generator: each call gives a number below its argument. Deterministic,
/// so a failing case replays; not for anything but tests.
pub(crate) fn below(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed | 1;
    move |n| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    }
}
