//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};

pub const OFFICIAL: &str = "corpus/000_3eb5e8de57179c45.txt";
pub const NEWSPAPER: &str = "corpus/004_74678af65d43f56c.txt";

/// The witness binary, run from the crate root so relative paths in reports are stable.
pub fn witness() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo_bin_cmd!();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    cmd
}

/// insta settings: snapshots live in the top-level `snapshots/`.
pub fn snapshots() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Writes `bytes` to `name` in `dir` and returns the path.
pub fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Runs witness; trouble (exit 2) fails the test with its message.
pub fn run(args: &[&str]) -> String {
    let out = witness().args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A small deterministic generator (xorshift) for generated texts.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    /// An ideograph from a 3,000-character range: accidental repeats are vanishingly rare.
    pub fn ideograph(&mut self) -> char {
        char::from_u32(0x4E00 + self.below(3000) as u32).unwrap()
    }
}
