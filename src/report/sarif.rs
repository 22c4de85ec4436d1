//! Diagnostics as a SARIF 2.1.0 log, for GitHub code scanning (`upload-sarif`) and the other
//! systems that read SARIF.
//!
//! One run per log. Columns count UTF-16 code units (`columnKind: utf16CodeUnits`), as
//! GitHub's viewer does; regions also give the span's bytes in the file as stored
//! (`byteOffset`, `byteLength`). The log stays within what GitHub accepts (see [`MAX_RESULTS`],
//! [`MAX_RELATED`]); what it leaves out is counted in the run's `properties` and told in a
//! tool notification.

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Rule, Span};

/// The schema the log declares: the OASIS standard's, with its errata.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base that relative paths are resolved against: the directory witness ran in.
pub const SRCROOT: &str = "%SRCROOT%";

/// Results per run that GitHub code scanning accepts (it rejects a file with more). When a
/// command finds more, errors are kept first, then warnings, then notes, each in report order.
pub const MAX_RESULTS: usize = 25_000;

/// Locations per result that GitHub accepts; the primary location is one of them.
pub const MAX_RELATED: usize = 1_000 - 1;

/// Characters GitHub keeps of a rule's name.
const MAX_RULE_NAME: usize = 255;

/// Characters GitHub keeps of a rule's short and full descriptions.
const MAX_DESCRIPTION: usize = 1_024;

/// The SARIF log of `d`, as pretty-printed JSON ending with a line break.
pub fn log(d: &Diagnostics) -> String {
    let kept = kept_results(&d.diagnostics);
    let mut related_dropped = 0;
    let results: Vec<SarifResult> = kept
        .iter()
        .map(|&i| {
            let diag = &d.diagnostics[i];
            related_dropped += diag.related.len().saturating_sub(MAX_RELATED);
            result(d, diag)
        })
        .collect();
    let results_dropped = d.diagnostics.len() - kept.len();
    let mut notifications = Vec::new();
    if results_dropped > 0 {
        notifications.push(notification(format!(
            "{results_dropped} of {} results left out: GitHub code scanning accepts at most \
             {MAX_RESULTS} per run (errors were kept first, then warnings, then notes).",
            d.diagnostics.len()
        )));
    }
    if related_dropped > 0 {
        notifications.push(notification(format!(
            "{related_dropped} related locations left out: GitHub code scanning accepts at most \
             {} locations per result.",
            MAX_RELATED + 1
        )));
    }
    let sarif = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "witness",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: d.rules.iter().map(descriptor).collect(),
                },
            },
            // One category per command, so that a workflow uploading a diff and a scan of the
            // same commit keeps both sets of alerts.
            automation_details: AutomationDetails {
                id: format!("witness/{}/", d.command),
            },
            original_uri_base_ids: OriginalUriBaseIds {
                srcroot: UriBase {
                    description: Text {
                        text: "The directory witness was run in: the paths of its command line \
                               are relative to it."
                            .into(),
                    },
                },
            },
            invocations: if notifications.is_empty() {
                Vec::new()
            } else {
                vec![Invocation {
                    execution_successful: true,
                    tool_execution_notifications: notifications,
                }]
            },
            column_kind: "utf16CodeUnits",
            results,
            properties: RunProperties {
                command: d.command,
                omitted: d.omitted,
                results_left_out: results_dropped,
                related_locations_left_out: related_dropped,
            },
        }],
    };
    serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
}

/// The indices of the diagnostics the log keeps, in report order: all of them, or the
/// [`MAX_RESULTS`] that matter most.
fn kept_results(diagnostics: &[Diagnostic]) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..diagnostics.len()).collect();
    if kept.len() > MAX_RESULTS {
        kept.sort_by_key(|&i| (std::cmp::Reverse(diagnostics[i].level), i));
        kept.truncate(MAX_RESULTS);
        kept.sort_unstable();
    }
    kept
}

fn notification(text: String) -> Notification {
    Notification {
        level: "warning",
        message: Text { text },
    }
}

/// The repository or home page of the package, when Cargo.toml names one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn descriptor(r: &Rule) -> Descriptor {
    Descriptor {
        id: r.id.clone(),
        name: clip(&r.name, MAX_RULE_NAME),
        short_description: Text {
            text: clip(&r.description, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: clip(&r.description, MAX_DESCRIPTION),
        },
        // GitHub requires help text; the description is all there is to say.
        help: Text {
            text: r.description.clone(),
        },
        // A rule has no level of its own (a substitution can be of any severity): every result
        // gives its own, and the rule keeps SARIF's default.
        default_configuration: Configuration { level: "warning" },
    }
}

fn result(d: &Diagnostics, diag: &Diagnostic) -> SarifResult {
    let location = physical(&diag.span);
    let fixes = diag
        .suggestion
        .as_ref()
        .map(|text| {
            vec![Fix {
                description: Text {
                    text: match text.is_empty() {
                        true => "Delete the text.",
                        false => "Replace with the reading proposed.",
                    }
                    .into(),
                },
                artifact_changes: [ArtifactChange {
                    artifact_location: location.artifact_location.clone(),
                    replacements: [Replacement {
                        deleted_region: location.region.clone(),
                        inserted_content: Content { text: text.clone() },
                    }],
                }],
            }]
        })
        .unwrap_or_default();
    SarifResult {
        rule_id: diag.rule.clone(),
        rule_index: d.rules.iter().position(|r| r.id == diag.rule),
        level: diag.level.name(),
        message: Text {
            text: message_text(&diag.message),
        },
        locations: [Location {
            id: None,
            physical_location: location,
            message: None,
        }],
        related_locations: diag
            .related
            .iter()
            .take(MAX_RELATED)
            .enumerate()
            .map(|(i, r)| Location {
                id: Some(i + 1),
                physical_location: physical(&r.span),
                message: Some(Text {
                    text: message_text(&r.message),
                }),
            })
            .collect(),
        partial_fingerprints: Fingerprints {
            witness: diag.fingerprint.clone(),
            // GitHub matches alerts across runs on this key alone. Witness's fingerprint
            // survives re-wrapping and re-encoding, and is already unique in a run (hence the
            // occurrence suffix of the key's usual form is always 1).
            primary_location_line_hash: format!("{}:1", diag.fingerprint),
        },
        fixes,
    }
}

fn physical(span: &Span) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(&span.path),
        region: Region {
            start_line: span.start.line,
            start_column: span.start_columns.utf16,
            end_line: span.end.line,
            end_column: span.end_columns.utf16,
            byte_offset: span.start.byte,
            byte_length: span.end.byte.saturating_sub(span.start.byte),
        },
    }
}

/// A path as SARIF wants it: a relative path stays relative (to [`SRCROOT`]), an absolute one
/// becomes a `file:` URI; in both, every byte but unreserved characters and `/` is
/// percent-encoded.
fn artifact(path: &str) -> ArtifactLocation {
    // Backslashes separate directories only on Windows; elsewhere they are part of a name.
    let path = match cfg!(windows) {
        true => path.replace('\\', "/"),
        false => path.to_string(),
    };
    let mut rest = path.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r.trim_start_matches('/');
    }
    let drive = rest.len() >= 2
        && rest.as_bytes()[0].is_ascii_alphabetic()
        && rest.as_bytes()[1] == b':'
        && cfg!(windows);
    if rest.starts_with('/') || drive {
        let sep = if drive { "/" } else { "" };
        let encoded = match drive {
            // The drive's colon stays, as in `file:///C:/dir`.
            true => format!("{}:{}", &rest[..1], encode(&rest[2..])),
            false => encode(rest),
        };
        return ArtifactLocation {
            uri: format!("file://{sep}{encoded}"),
            uri_base_id: None,
        };
    }
    ArtifactLocation {
        uri: encode(rest),
        uri_base_id: Some(SRCROOT),
    }
}

/// Percent-encoding of everything but RFC 3986's unreserved characters and `/`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A message as SARIF plain text: braces doubled (SARIF 2.1.0 §3.11.5: they would otherwise
/// be read as placeholders), and, when the text could be read as an embedded link (`[…](…)`,
/// §3.11.6), its brackets and backslashes escaped with a backslash.
fn message_text(s: &str) -> String {
    let link_like = s.contains("](");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            '[' | ']' | '\\' if link_like => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `s`, the last one `…` when it is cut.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some(_) => {
            let keep: String = s.chars().take(max - 1).collect();
            keep + "…"
        }
    }
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    automation_details: AutomationDetails,
    original_uri_base_ids: OriginalUriBaseIds,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct OriginalUriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: UriBase,
}

#[derive(Serialize)]
struct UriBase {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    command: &'static str,
    /// Cosmetic diagnostics the command left out (without `--all`).
    omitted: usize,
    results_left_out: usize,
    related_locations_left_out: usize,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "witnessFingerprint/v1")]
    witness: String,
    #[serde(rename = "primaryLocationLineHash")]
    primary_location_line_hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix {
    description: Text,
    artifact_changes: [ArtifactChange; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: [Replacement; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Content,
}

#[derive(Serialize)]
struct Content {
    text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Level;

    #[test]
    fn paths_become_relative_references_or_file_uris() {
        let a = artifact("./corpus/文 1.txt");
        assert_eq!(a.uri, "corpus/%E6%96%87%201.txt");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        // A colon in a first segment would read as a scheme.
        assert_eq!(artifact("a:b%.txt").uri, "a%3Ab%25.txt");
        let abs = artifact("/tmp/x y.txt");
        assert_eq!(abs.uri, "file:///tmp/x%20y.txt");
        assert_eq!(abs.uri_base_id, None);
    }

    #[test]
    fn messages_cannot_hold_placeholders_or_links() {
        assert_eq!(message_text("a {0} b"), "a {{0}} b");
        assert_eq!(message_text("[x] y"), "[x] y");
        assert_eq!(message_text(r"[x](1) \"), r"\[x\](1) \\");
    }

    #[test]
    fn clipping_keeps_whole_characters() {
        assert_eq!(clip("跨里海", 3), "跨里海");
        assert_eq!(clip("跨里海班列", 3), "跨里…");
    }

    #[test]
    fn the_results_kept_are_the_most_severe() {
        let at = crate::source::Position {
            byte: 0,
            text_byte: 0,
            char: 0,
            line: 1,
            column: 1,
            address: None,
        };
        let diag = |level| Diagnostic {
            rule: "r".into(),
            level,
            span: Span {
                path: "p".into(),
                start: at.clone(),
                end: at.clone(),
                start_columns: crate::diagnostics::Columns::FIRST,
                end_columns: crate::diagnostics::Columns::FIRST,
            },
            message: String::new(),
            suggestion: None,
            related: vec![],
            fingerprint: String::new(),
            fails: false,
            cosmetic: false,
        };
        // Notes, an error at 3 and a warning last: two notes too many.
        let mut ds: Vec<Diagnostic> = (0..MAX_RESULTS).map(|_| diag(Level::Note)).collect();
        ds.insert(3, diag(Level::Error));
        ds.push(diag(Level::Warning));
        let kept = kept_results(&ds);
        assert_eq!(kept.len(), MAX_RESULTS);
        assert!(kept.contains(&3) && kept.contains(&(MAX_RESULTS + 1)));
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        // The last notes go.
        assert!(!kept.contains(&(MAX_RESULTS - 1)) && !kept.contains(&MAX_RESULTS));
    }
}
