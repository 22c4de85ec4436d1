//! Running the release binary as a user does, measured: its wall time and peak memory.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd` (output discarded) and returns its wall time, its peak resident set in KB
/// (`ru_maxrss` of this child, reaped with `wait4`) and its exit code.
// The child is reaped by `wait4`, which std does not know of.
#[allow(clippy::zombie_processes)]
pub fn run_measured(cmd: &mut Command) -> (Duration, i64, i32) {
    let start = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("witness runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, filled in by wait4 for the child just started (which std
    // has not reaped: the Child is never waited on).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (wall, usage.ru_maxrss, code)
}
