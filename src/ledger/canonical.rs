//! Canonical JSON (RFC 8785, JCS) for the values the ledger writes: objects with keys sorted by
//! UTF-16 code units, no insignificant whitespace, strings escaped as ECMAScript's
//! `JSON.stringify` does, integers in plain decimal. The ledger stores no floating-point
//! numbers (digests and large integers are strings), so the number rules reduce to integers.

use std::fmt::Write as _;

use serde_json::Value;

/// Why a value has no canonical form here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} cannot be written in the ledger's canonical JSON (use a string)")]
pub struct NotCanonical(String);

/// The canonical bytes of `value`.
pub fn to_canonical(value: &Value) -> Result<String, NotCanonical> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut String) -> Result<(), NotCanonical> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            // Only integers ECMAScript represents exactly.
            (Some(i), _) if i.unsigned_abs() < 1 << 53 => {
                let _ = write!(out, "{i}");
            }
            (None, Some(u)) if u < 1 << 53 => {
                let _ = write!(out, "{u}");
            }
            _ => return Err(NotCanonical(format!("the number {n}"))),
        },
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|(x, _), (y, _)| x.encode_utf16().cmp(y.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(v, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_sorted_by_utf16_and_no_whitespace() {
        // U+10000 sorts before U+FB01 in UTF-16 (a surrogate, 0xD800) but after it in UTF-8.
        let v = json!({"b": 1, "a": [true, null, "x"], "\u{fb01}": 2, "\u{10000}": 3, "A": {}});
        assert_eq!(
            to_canonical(&v).unwrap(),
            "{\"A\":{},\"a\":[true,null,\"x\"],\"b\":1,\"\u{10000}\":3,\"\u{fb01}\":2}"
        );
    }

    #[test]
    fn strings_escape_like_json_stringify() {
        let v = json!("跨里海\n\"q\"\\\u{1}\u{7f}é");
        assert_eq!(
            to_canonical(&v).unwrap(),
            "\"跨里海\\n\\\"q\\\"\\\\\\u0001\u{7f}é\""
        );
    }

    #[test]
    fn floats_and_huge_integers_are_refused() {
        assert!(to_canonical(&json!(1.5)).is_err());
        assert!(to_canonical(&json!(1u64 << 60)).is_err());
        assert_eq!(to_canonical(&json!(-42)).unwrap(), "-42");
    }
}
