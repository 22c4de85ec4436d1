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

/// A ZIP archive of `entries`, stored (not compressed), as `zip -0` writes it: local headers,
/// then the central directory and its end record.
pub fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let header = |sig: &[u8], central: bool| {
            let mut h = sig.to_vec();
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&[0; 4]); // flags, method: stored
            h.extend_from_slice(&[0; 4]); // time, date
            h.extend_from_slice(&crc32(data).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&[0; 2]); // extra field length
            if central {
                h.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
                h.extend_from_slice(&[0; 4]); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend_from_slice(data);
        central.extend(header(b"PK\x01\x02", true));
    }
    let (at, size) = (out.len() as u32, central.len() as u32);
    out.extend(central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&[0; 2]);
    out
}

/// The CRC-32 (ISO-HDLC, as ZIP uses it) of `data`.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The namespaces a DOCX part declares.
pub const DOCX_NAMESPACES: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A DOCX whose body is `body` (the content of `w:body`), with `parts` (name in `word/`,
/// relationship type, XML) related to it, stored uncompressed.
pub fn docx(body: &str, parts: &[(&str, &str, &str)]) -> Vec<u8> {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {DOCX_NAMESPACES}><w:body>{body}</w:body></w:document>"
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (k, (name, kind, _)) in parts.iter().enumerate() {
        rels.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{name}"/>"#,
            k + 10
        ));
    }
    rels.push_str("</Relationships>");
    let names: Vec<String> = parts.iter().map(|(n, _, _)| format!("word/{n}")).collect();
    let mut entries: Vec<(&str, &[u8])> = vec![
        (
            "[Content_Types].xml",
            b"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
        ),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
    ];
    for (name, (_, _, xml)) in names.iter().zip(parts) {
        entries.push((name, xml.as_bytes()));
    }
    stored_zip(&entries)
}

/// `text` escaped for XML content.
pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The substantive variants of `witness diff --format json a b`: kind and both readings.
pub fn substantive(a: &Path, b: &Path) -> Vec<(String, String, String)> {
    let out = witness()
        .args(["diff", "--format", "json"])
        .arg(a)
        .arg(b)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["variants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["class"] == "substantive")
        .map(|v| {
            let text = |side: &str| v[side]["text"].as_str().unwrap().to_string();
            (
                v["kind"].as_str().unwrap().to_string(),
                text("a"),
                text("b"),
            )
        })
        .collect()
}

/// The element at `path` (`/a/b[2]/c`, local names) under the root of `doc`.
pub fn element_at<'a, 'i>(doc: &'a roxmltree::Document<'i>, path: &str) -> roxmltree::Node<'a, 'i> {
    let mut node = doc.root();
    for step in path.trim_start_matches('/').split('/') {
        let (name, nth) = match step.split_once('[') {
            Some((name, n)) => (name, n.trim_end_matches(']').parse::<usize>().unwrap()),
            None => (step, 1),
        };
        node = node
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == name)
            .nth(nth - 1)
            .unwrap_or_else(|| panic!("no {step} in {path}"));
    }
    node
}
