//! Files that are not text: recognised by their content (whatever their name), refused with
//! exit 2 and a message that names the file, what it is and what to do; and bytes that
//! decode to control codes in the detected encoding, refused rather than diffed as mojibake.

mod common;

use common::{NEWSPAPER, Rng, file, stored_zip, witness};

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
    // A DOCX is read (tests/extract_docx.rs), whatever its extension.
    let docx = common::docx("<w:p><w:r><w:t>跨里海</w:t></w:r></w:p>", &[]);
    witness()
        .arg("extract")
        .arg(file(dir.path(), "keynote.txt", &docx))
        .assert()
        .code(0)
        .stdout("跨里海\n");
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
        "is a Microsoft Office 97-2003 document (.doc, .xls, .ppt) or a password-protected Office file, not text; save or export it as plain text (UTF-8) and compare that; witness does not read this format yet",
    );
}

#[test]
fn pdf_images_and_archives_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
        2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n\
        trailer << /Root 1 0 R >>\n%%EOF\n";
    // A PDF is read (tests/extract_pdf.rs), whatever its extension: this one has no pages.
    refused(
        &file(dir.path(), "release.txt", pdf),
        "cannot be read as PDF: it has no pages (or its page tree is damaged); fix the file, or export its text (as UTF-8) and compare that",
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
