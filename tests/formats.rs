//! Files that are not text: recognised by their content (whatever their name), refused with
//! exit 2 and a message that names the file, what it is and what to do; and bytes that
//! decode to control codes in the detected encoding, refused rather than diffed as mojibake.

mod common;

use common::{NEWSPAPER, Rng, file, witness};

/// A ZIP archive of `entries`, stored (not compressed), as `zip -0` writes it: local headers,
/// then the central directory and its end record. CRCs are left zero: the sniffer reads
/// names.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
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
            h.extend_from_slice(&[0; 4]); // crc-32
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&[0; 2]); // extra field length
            if central {
                h.extend_from_slice(&[0; 8]); // comment, disk, attributes
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

/// `witness diff FILE 004` exits 2 with exactly `message` about FILE.
fn refused(path: &std::path::Path, message: &str) {
    witness()
        .arg("diff")
        .arg(path)
        .arg(NEWSPAPER)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!("witness: error: {}: {message}\n", path.display()));
}

#[test]
fn office_documents_are_named_whatever_their_extension() {
    let dir = tempfile::tempdir().unwrap();
    let docx = stored_zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        (
            "word/document.xml",
            "<w:document><w:t>跨里海</w:t></w:document>".as_bytes(),
        ),
    ]);
    refused(
        &file(dir.path(), "keynote.txt", &docx),
        "is a DOCX document, not text; save it as plain text (or extract it, e.g. `pandoc FILE -t plain -o FILE.txt`) and compare that; witness does not read DOCX yet",
    );
    let odt = stored_zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office:document-content/>"),
    ]);
    refused(
        &file(dir.path(), "keynote.odt", &odt),
        "is an OpenDocument text (ODT), not text; save or export it as plain text (UTF-8) and compare that; witness does not read this format yet",
    );
    let other = stored_zip(&[("a.txt", b"text")]);
    refused(
        &file(dir.path(), "texts.zip", &other),
        "is a ZIP archive, not text; unpack it and give the text files inside",
    );
    refused(
        &file(
            dir.path(),
            "old.doc",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0",
        ),
        "is a Microsoft Office 97-2003 document (.doc, .xls, .ppt), not text; save or export it as plain text (UTF-8) and compare that; witness does not read this format yet",
    );
}

#[test]
fn pdf_images_and_archives_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
        2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n\
        trailer << /Root 1 0 R >>\n%%EOF\n";
    refused(
        &file(dir.path(), "release.pdf", pdf),
        "is a PDF document, not text; extract its text layer (e.g. `pdftotext -layout FILE FILE.txt`) and compare that; witness does not read PDF yet",
    );
    refused(
        &file(
            dir.path(),
            "page.png",
            b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01",
        ),
        "is a PNG image, not text; an image holds no text to compare: run OCR on it first (e.g. `tesseract IMAGE out`) and compare the text",
    );
    refused(
        &file(dir.path(), "page.txt.gz", b"\x1F\x8B\x08\0\0\0\0\0\0\x03"),
        "is a gzip-compressed file, not text; decompress it first (`gunzip -k FILE`)",
    );
}

#[test]
fn random_bytes_are_not_read_as_a_legacy_encoding() {
    let dir = tempfile::tempdir().unwrap();
    // No NUL, so not "binary"; not UTF-8, so the detector guesses an encoding.
    let mut rng = Rng::new(7);
    let bytes: Vec<u8> = (0..4000).map(|_| 1 + rng.below(255) as u8).collect();
    let controls = bytes
        .iter()
        .filter(|&&b| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
                || matches!(b, 0x7F | 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
        })
        .count();
    let path = file(dir.path(), "noise.txt", &bytes);
    refused(
        &path,
        &format!(
            "does not read as text: decoded as windows-1252 (the encoding detected), {controls} of its 4000 characters are control codes; if it is text, pass --encoding LABEL"
        ),
    );
    // The user's word is taken: declared, the same bytes are read.
    witness()
        .args(["diff", "--encoding", "windows-1252"])
        .arg(&path)
        .arg(&path)
        .assert()
        .code(0);
}

#[test]
fn legacy_encoded_text_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(NEWSPAPER).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let (latin, _, _) =
        encoding_rs::WINDOWS_1252.encode("Café au lait, naïve façade — «déjà vu».\r\n\x0C\tFin.\n");
    for (name, bytes) in [("gbk.txt", &gbk[..]), ("latin.txt", &latin[..])] {
        let path = file(dir.path(), name, bytes);
        witness().arg("diff").arg(&path).arg(&path).assert().code(0);
    }
}
