//! The `witness check` report: one line per path, the diff of each changed file indented
//! under it, and a total.

use std::fmt::Write as _;

use super::TextOptions;
use crate::diff::{DiffOptions, diff};
use crate::ledger::check::{Check, State};

/// The text report.
pub fn text(c: &Check) -> String {
    let mut out = String::new();
    for (path, state) in &c.paths {
        match state {
            State::Same => {
                let _ = writeln!(out, "ok       {path}");
            }
            State::Missing { label, seq } => {
                let _ = writeln!(
                    out,
                    "missing  {path} (last recorded as {label}@…, record {seq})"
                );
            }
            State::Changed {
                recorded,
                now,
                old,
                new,
            } => {
                let _ = writeln!(
                    out,
                    "changed  {path}: recorded sha256 {}, now {}",
                    recorded.short(),
                    now.short()
                );
                let d = diff(old, new, &DiffOptions::default());
                for line in super::text(&d, TextOptions::default()).lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
            State::Untracked => {
                let _ = writeln!(
                    out,
                    "untracked {path}: not in the ledger; `witness add` it first"
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "{} of {} tracked files differ from the ledger",
        c.drift(),
        c.tracked
    );
    out
}
