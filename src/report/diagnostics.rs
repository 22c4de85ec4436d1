//! Diagnostics as text and JSON (`witness/diagnostics/1`): what a run with `--baseline`
//! prints in those formats — the new diagnostics, what the baseline held, its stale entries.

use std::fmt::Write as _;

use serde::Serialize;

use super::{TOOL, Tool, to_json, visible};
use crate::baseline::{Accepted, Triage};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// One line per diagnostic (`path:line:column: level [rule] message`), then what the
/// baseline accepted and its stale entries.
pub fn text(d: &Diagnostics, triage: &Triage) -> String {
    let mut out = String::new();
    for x in &d.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            visible(&x.span.path),
            x.span.start.line,
            x.span.start.column,
            x.level.name(),
            x.rule,
            x.message
        );
    }
    let _ = writeln!(
        out,
        "{} new, {} accepted in the baseline, {} stale{}",
        d.diagnostics.len(),
        triage.accepted,
        triage.stale.len(),
        match d.omitted {
            0 => String::new(),
            n => format!(", {n} cosmetic not shown (--all)"),
        }
    );
    for s in &triage.stale {
        let _ = writeln!(
            out,
            "stale: {} [{}] {} {}",
            visible(&s.path),
            s.rule,
            s.fingerprint,
            s.message
        );
    }
    out
}

#[derive(Serialize)]
struct DiagnosticsJson<'d> {
    schema: &'static str,
    tool: Tool,
    command: &'static str,
    diagnostics: &'d [Diagnostic],
    omitted: usize,
    accepted: usize,
    stale: &'d [Accepted],
}

/// The `witness/diagnostics/1` document.
pub fn json(d: &Diagnostics, triage: &Triage) -> String {
    to_json(&DiagnosticsJson {
        schema: "witness/diagnostics/1",
        tool: TOOL,
        command: d.command,
        diagnostics: &d.diagnostics,
        omitted: d.omitted,
        accepted: triage.accepted,
        stale: &triage.stale,
    })
}
