//! The `witness check` report: one line per path, the diff of each changed file indented
//! under it, and a total.

use std::fmt::Write as _;

use super::{TextOptions, visible};
use crate::diff::{DiffOptions, diff};
use crate::ledger::check::{Check, State};

/// The text report; `all`: list cosmetic variants in the diffs too (`check --all`).
pub fn text(c: &Check, all: bool) -> String {
    let mut out = String::new();
    for (path, state) in &c.paths {
        // Paths with line breaks, controls and invisible characters shown as markers.
        let path = visible(path);
        match state {
            State::Same => {
                let _ = writeln!(out, "ok       {path}");
            }
            State::Missing { label, seq } => {
                let _ = writeln!(
                    out,
                    "missing  {path} (last recorded as {}, record {seq})",
                    visible(label)
                );
            }
            State::Changed {
                recorded,
                now,
                texts,
            } => {
                let _ = writeln!(
                    out,
                    "changed  {path}: recorded sha256 {}, now {}",
                    recorded.short(),
                    now.short()
                );
                let Some(texts) = texts else {
                    let _ = writeln!(out, "    (too large to compare as text)");
                    continue;
                };
                let d = diff(&texts.0, &texts.1, &DiffOptions::default());
                let opts = TextOptions {
                    all,
                    ..TextOptions::default()
                };
                for line in super::text(&d, opts).lines() {
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
