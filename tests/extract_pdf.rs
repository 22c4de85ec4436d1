//! The PDF reader: text layers read page by page, each line mapped to its page and box; files
//! it cannot read (no text layer, encrypted, damaged) refused with exit 2 and what to do.
//! The PDFs are written here by hand, object by object.

mod common;

use common::{NEWSPAPER, file, witness};
use witness::{Document, InputFormat, ReadOptions};

/// A PDF of `objects` (object 1 first, the catalog), with a correct cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (k, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", k + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for at in offsets {
        out.extend_from_slice(format!("{at:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn obj(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// A stream object holding `data` (uncompressed).
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A ToUnicode CMap from two-byte codes to characters.
fn to_unicode(map: &[(u16, char)]) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    cmap.push_str(&format!("{} beginbfchar\n", map.len()));
    for &(code, c) in map {
        let mut units = [0u16; 2];
        let hex: String = c
            .encode_utf16(&mut units)
            .iter()
            .map(|u| format!("{u:04X}"))
            .collect();
        cmap.push_str(&format!("<{code:04X}> <{hex}>\n"));
    }
    cmap.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    stream("", cmap.as_bytes())
}

/// The CJK font of these tests: codes 1 to 7 are 跨 里 海 ⽇ (the Kangxi radical U+2F47) 本
/// 﨑 (U+FA11, a unified ideograph of the compatibility block) and 零 (U+F9B2, a
/// compatibility ideograph for 零 U+96F6).
const CJK_MAP: &[(u16, char)] = &[
    (1, '跨'),
    (2, '里'),
    (3, '海'),
    (4, '\u{2F47}'),
    (5, '本'),
    (6, '\u{FA11}'),
    (7, '\u{F9B2}'),
];

/// Pages (one content stream each) with a Helvetica font `/F1` and, as `/F2`, a Type0 font
/// with Identity-H codes and `CJK_MAP` as its ToUnicode map.
fn document(pages: &[&[u8]]) -> Vec<u8> {
    let n = pages.len();
    // 1 catalog, 2 pages, 3 Helvetica, 4 Type0, 5 CIDFont, 6 ToUnicode, then page, content…
    let kids: Vec<String> = (0..n).map(|k| format!("{} 0 R", 7 + 2 * k)).collect();
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj(&format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            kids.join(" ")
        )),
        obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
        obj(
            "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
             /DescendantFonts [5 0 R] /ToUnicode 6 0 R >>",
        ),
        obj("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /DW 1000 >>"),
        to_unicode(CJK_MAP),
    ];
    for (k, content) in pages.iter().enumerate() {
        objects.push(obj(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            8 + 2 * k
        )));
        objects.push(stream("", content));
    }
    pdf(&objects)
}

fn read(bytes: &[u8]) -> Document {
    Document::from_bytes("test.pdf", "test", bytes, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn refused(bytes: &[u8]) -> String {
    match Document::from_bytes("test.pdf", "test", bytes, &ReadOptions::default()) {
        Ok(doc) => panic!("read as {:?}", doc.text),
        Err(e) => e.to_string(),
    }
}

/// The byte offset of the `nth` (0-based) occurrence of `needle` in the document's text.
fn at(doc: &Document, needle: &str) -> usize {
    doc.text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", doc.text))
}

#[test]
fn a_standard_font_page_reads_as_lines_mapped_to_their_boxes() {
    let doc = read(&document(&[
        b"BT /F1 12 Tf 72 720 Td (Hello, world) Tj 0 -14 Td (second line) Tj ET",
    ]));
    assert_eq!(doc.format(), InputFormat::Pdf);
    assert_eq!(doc.text, "Hello, world\nsecond line");
    let p = doc.position(at(&doc, "world"));
    let address = p.address.expect("an address");
    assert_eq!(address.page, Some(1));
    assert_eq!(address.element, "line");
    assert_eq!(address.path, "/page[1]/line[1]");
    // Helvetica lists no widths: 0.5 em a glyph, 12 glyphs of 12 points from x 72;
    // 0.2 em below and 0.8 em above the baseline at y 720.
    assert_eq!(address.bbox, Some([72, 718, 144, 730]));
    assert_eq!((p.line, p.column, p.byte), (1, 8, 7));
    let p = doc.position(at(&doc, "line"));
    let address = p.address.expect("an address");
    assert_eq!(address.path, "/page[1]/line[2]");
    assert_eq!(address.bbox, Some([72, 704, 138, 716]));
    assert_eq!((p.line, p.column, p.byte), (2, 8, 20));
    assert_eq!(address.to_string(), "p.1 /page[1]/line[2] [72,704,138,716]");
}

#[test]
fn cjk_text_comes_through_its_to_unicode_map_as_the_producer_wrote_it() {
    let doc = read(&document(&[
        b"BT /F2 12 Tf 72 700 Td <000100020003> Tj 0 -20 Td <000400050006> Tj ET",
    ]));
    // The Kangxi radical and the compatibility ideograph are kept, not normalized.
    assert_eq!(doc.text, "跨里海\n\u{2F47}本\u{FA11}");
    let p = doc.position(at(&doc, "海"));
    assert_eq!(p.address.as_ref().and_then(|a| a.page), Some(1));
    assert_eq!((p.line, p.column), (1, 3));
    // Identity-H codes with the default width of 1000: three glyphs of 12 points.
    let address = doc.position(at(&doc, "本")).address.expect("an address");
    assert_eq!(address.path, "/page[1]/line[2]");
    assert_eq!(address.bbox, Some([72, 678, 108, 690]));
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn a_radical_or_compatibility_ideograph_from_a_pdf_is_a_cosmetic_variant() {
    let dir = tempfile::tempdir().unwrap();
    // Extracted text has no final line feed (as the other readers'): neither has this file.
    let plain = file(dir.path(), "plain.txt", "日本零".as_bytes());
    let pdf = file(
        dir.path(),
        "print.pdf",
        &document(&[b"BT /F2 12 Tf 72 700 Td <000400050007> Tj ET"]),
    );
    let out = witness()
        .args(["diff", "--format", "json"])
        .arg(&plain)
        .arg(&pdf)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let variants: Vec<(&str, &str, &str)> = report["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["kind"].as_str().unwrap(),
                v["class"].as_str().unwrap(),
                v["b"]["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        variants,
        [
            ("radical", "cosmetic", "\u{2F47}"),
            ("normalization", "cosmetic", "\u{F9B2}")
        ]
    );
    assert_eq!(report["variants"][0]["b"]["start"]["address"]["page"], 1);
}

#[test]
fn pages_are_separated_by_a_blank_line_and_named_in_addresses() {
    let doc = read(&document(&[
        b"BT /F1 10 Tf 50 700 Td (first page) Tj ET",
        b"BT /F2 10 Tf 50 700 Td <00010002> Tj /F1 10 Tf 0 -12 Td (page two) Tj ET",
        b"BT /F1 10 Tf 50 700 Td (third page) Tj ET",
    ]));
    assert_eq!(doc.text, "first page\n\n跨里\npage two\n\nthird page");
    let page = |needle: &str| doc.position(at(&doc, needle)).address.and_then(|a| a.page);
    assert_eq!(page("first"), Some(1));
    assert_eq!(page("跨"), Some(2));
    assert_eq!(page("third"), Some(3));
    // Positions count within each page's own text.
    let p = doc.position(at(&doc, "third"));
    assert_eq!((p.byte, p.line, p.column), (0, 1, 1));
    assert_eq!(doc.position(at(&doc, "里")).byte, 3);
}

#[test]
fn strings_placed_apart_are_words_but_cjk_characters_are_not_spaced() {
    // A TJ adjustment of 0.4 em is a word space, one of 0.05 em kerning; a string placed
    // 22 points after the last one ended is a word, a CJK character is not.
    let doc = read(&document(&[
        b"BT /F1 12 Tf 72 720 Td [(Hello)-400(world)-50(s)] TJ \
          0 -20 Td (one) Tj 40 0 Td (two) Tj \
          0 -20 Td /F2 12 Tf <0001> Tj 30 0 Td <0002> Tj ET",
    ]));
    assert_eq!(doc.text, "Hello worlds\none two\n跨里");
}

#[test]
fn text_in_a_form_xobject_is_read_where_the_form_is_drawn() {
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 200 50] /Matrix [1 0 0 1 100 100] \
         /Resources << /Font << /F1 3 0 R >> >>",
        b"BT /F1 10 Tf 0 0 Td (in a form) Tj ET",
    );
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
        obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
             /Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>"),
        stream(
            "",
            b"BT /F1 10 Tf 100 500 Td (before) Tj ET q 1 0 0 1 0 300 cm /X1 Do Q /X1 Do",
        ),
    ];
    objects.push(form);
    let doc = read(&pdf(&objects));
    assert_eq!(doc.text, "before\nin a form\nin a form");
    let bbox = |k: usize| {
        let starts: Vec<usize> = doc
            .text
            .match_indices("in a form")
            .map(|(k, _)| k)
            .collect();
        doc.position(starts[k]).address.and_then(|a| a.bbox)
    };
    assert_eq!(bbox(0), Some([100, 398, 145, 408]));
    assert_eq!(bbox(1), Some([100, 98, 145, 108]));
}

#[test]
fn a_predefined_chinese_cmap_without_to_unicode_is_decoded() {
    let mut content = b"BT /F1 12 Tf 72 700 Td <".to_vec();
    let (gbk, _, _) = encoding_rs::GBK.encode("中文 GBK");
    let hex: String = gbk.iter().map(|b| format!("{b:02X}")).collect();
    content.extend_from_slice(hex.as_bytes());
    content.extend_from_slice(b"> Tj ET");
    let objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
        obj(
            "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-GBK-EUC-H \
             /Encoding /GBK-EUC-H /DescendantFonts [6 0 R] >>",
        ),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"),
        stream("", &content),
        obj(
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>",
        ),
    ];
    assert_eq!(read(&pdf(&objects)).text, "中文 GBK");
}

#[test]
fn glyphs_without_unicode_are_left_out_with_a_warning_or_refused() {
    let identity = |content: &[u8]| {
        pdf(&[
            obj("<< /Type /Catalog /Pages 2 0 R >>"),
            obj("<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
            obj(
                "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H \
                 /DescendantFonts [6 0 R] >>",
            ),
            obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 3 0 R /F2 7 0 R >> >> /Contents 5 0 R >>"),
            stream("", content),
            obj("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun >>"),
            obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        ])
    };
    let message = refused(&identity(b"BT /F1 12 Tf 72 700 Td <00010002> Tj ET"));
    assert!(
        message.contains("ABCDEF+SimSun: no ToUnicode map") && message.contains("ocrmypdf"),
        "{message}"
    );
    let doc = read(&identity(
        b"BT /F1 12 Tf 72 700 Td <00010002> Tj /F2 12 Tf 0 -20 Td (page 7) Tj ET",
    ));
    assert_eq!(doc.text, "page 7");
    assert_eq!(
        doc.warnings,
        ["text in fonts without a Unicode map (ABCDEF+SimSun) is left out"]
    );
}

#[test]
fn a_pdf_without_a_text_layer_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    // A scan: the page draws an image and no text.
    let scan = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
             /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"),
        stream("", b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
        stream(
            "/Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray \
             /BitsPerComponent 8",
            b"\x00\xFF",
        ),
    ]);
    let path = file(dir.path(), "scan.pdf", &scan);
    witness()
        .arg("diff")
        .arg(&path)
        .arg(NEWSPAPER)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "witness: error: {}: cannot be read as PDF: it has no text layer (a scan?): run OCR \
             first (e.g. `ocrmypdf`); fix the file, or export its text (as UTF-8) and compare \
             that\n",
            path.display()
        ));
    // A page without text among pages with text is a warning.
    let doc = read(&document(&[
        b"BT /F1 10 Tf 50 700 Td (text) Tj ET",
        b"q 10 0 0 10 0 0 cm Q",
    ]));
    assert_eq!(doc.text, "text");
    assert_eq!(
        doc.warnings,
        ["1 of 2 pages have no text layer (scanned?): page 2"]
    );
}

/// `document` encrypted with RC4 (128-bit key) by lopdf, with these passwords.
fn encrypted(user: &str) -> Vec<u8> {
    use lopdf::{EncryptionState, EncryptionVersion, Object, Permissions};
    let plain = document(&[b"BT /F1 12 Tf 72 720 Td (secret text) Tj ET"]);
    let mut doc = lopdf::Document::load_mem(&plain).unwrap();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ]),
    );
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: user,
        key_length: 128,
        permissions: Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn an_encrypted_pdf_is_read_only_when_the_empty_password_opens_it() {
    // Restricted by an owner password only (as many published PDFs are): readable.
    let open = encrypted("");
    assert!(open.windows(8).any(|w| w == b"/Encrypt"));
    assert_eq!(read(&open).text, "secret text");
    // A user password: refused, with what to do.
    let dir = tempfile::tempdir().unwrap();
    let path = file(dir.path(), "locked.pdf", &encrypted("user"));
    witness()
        .arg("extract")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "cannot be read as PDF: it is encrypted and the empty password does not open it; \
             save a decrypted copy first (e.g. `qpdf --decrypt",
        ));
}

#[test]
fn damaged_pdfs_are_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let whole = document(&[b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"]);
    // Cut before its cross-reference table: lopdf finds the objects by scanning, with a warning.
    let xref = whole.windows(5).position(|w| w == b"xref\n").unwrap();
    let doc = read(&whole[..xref]);
    assert_eq!(doc.text, "Hello");
    assert_eq!(
        doc.warnings,
        ["the file is damaged (its cross-reference table had to be rebuilt): text may be missing"]
    );
    let garbage: Vec<u8> = b"%PDF-1.7\n"
        .iter()
        .copied()
        .chain((0..4000u32).map(|k| (k.wrapping_mul(2_654_435_761) >> 13) as u8))
        .collect();
    let cases = [
        (
            "header.pdf",
            whole[..9].to_vec(),
            "it is not a readable PDF (failed parsing cross reference table)",
        ),
        (
            "half.pdf",
            whole[..whole.len() / 2].to_vec(),
            "it is damaged (cut short?) and no text could be read from what is left",
        ),
        (
            "garbage.pdf",
            garbage,
            "it is not a readable PDF (failed parsing cross reference table)",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = file(dir.path(), name, &bytes);
        witness()
            .arg("extract")
            .arg(&path)
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "witness: error: {}: cannot be read as PDF: {message}; fix the file, or export \
                 its text (as UTF-8) and compare that\n",
                path.display()
            ));
    }
}

#[test]
fn hostile_content_streams_end() {
    // Saved states past any real nesting, a form that draws itself, operands of the wrong
    // types, and a matrix that sends text to infinity.
    let mut content = b"q ".repeat(5000);
    content.extend_from_slice(
        b"BT /F1 12 Tf (a) 5 Td 72 720 Td (kept) Tj /Missing 9 Tf (lost) Tj ET /X1 Do \
          BT /F1 12 Tf 1e38 0 0 1e38 1e38 1e38 Tm (far) Tj ET",
    );
    content.extend_from_slice(&b"Q ".repeat(6000));
    let objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
        obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
             /Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>"),
        stream("", &content),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 10 10] \
             /Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >>",
            b"BT /F1 12 Tf 0 0 Td (self) Tj ET /X1 Do",
        ),
    ];
    let doc = read(&pdf(&objects));
    assert_eq!(doc.text, "kept\nself\nfar");
}
