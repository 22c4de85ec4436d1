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
