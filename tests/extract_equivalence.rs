//! The same texts as plain text, as TEI and as DOCX give the same substantive variants: a
//! structured reader changes where the text comes from, not what it says.

mod common;

use common::{NEWSPAPER, OFFICIAL, docx, file, substantive, xml_escape};

/// The paragraphs of a corpus text: its lines with text.
fn paragraphs(path: &str) -> Vec<String> {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn tei(paragraphs: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n  <teiHeader><fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader>\n  <text>\n    <body>\n",
    );
    for p in paragraphs {
        out.push_str(&format!("      <p>{}</p>\n", xml_escape(p)));
    }
    out.push_str("    </body>\n  </text>\n</TEI>\n");
    out
}

/// Every other paragraph split into runs of at most 7 characters.
fn body(paragraphs: &[String]) -> String {
    let mut out = String::new();
    for (k, p) in paragraphs.iter().enumerate() {
        let chars: Vec<char> = p.chars().collect();
        let runs: Vec<String> = match k % 2 {
            0 => chars.chunks(7).map(|c| c.iter().collect()).collect(),
            _ => vec![p.clone()],
        };
        out.push_str("<w:p>");
        for run in runs {
            out.push_str(&format!(
                "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                xml_escape(&run)
            ));
        }
        out.push_str("</w:p>\n");
    }
    out
}

#[test]
fn plain_tei_and_docx_witnesses_give_the_same_substantive_variants() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let plain = substantive(&root.join(OFFICIAL), &root.join(NEWSPAPER));
    assert!(plain.len() >= 10, "{plain:?}");

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (paragraphs(OFFICIAL), paragraphs(NEWSPAPER));
    let tei_a = file(dir.path(), "a.xml", tei(&a).as_bytes());
    let tei_b = file(dir.path(), "b.xml", tei(&b).as_bytes());
    assert_eq!(substantive(&tei_a, &tei_b), plain, "TEI");

    let docx_a = file(dir.path(), "a.docx", &docx(&body(&a), &[]));
    let docx_b = file(dir.path(), "b.docx", &docx(&body(&b), &[]));
    assert_eq!(substantive(&docx_a, &docx_b), plain, "DOCX");
    // Mixed: a TEI against a DOCX.
    assert_eq!(substantive(&tei_a, &docx_b), plain, "TEI and DOCX");
}
