//! The DOCX reader: paragraphs and runs to text, tracked changes in either view, field codes
//! skipped, notes, headers and footers as streams after the body, every piece mapped to its
//! paragraph in its part; damaged, foreign and empty archives refused with exit 2.

mod common;

use common::{DOCX_NAMESPACES, docx, element_at, file, stored_zip, witness};
use witness::extract::Revision;
use witness::{Document, InputFormat, ReadOptions};

fn read(bytes: &[u8], opts: &ReadOptions) -> Document {
    Document::from_bytes("t.docx", "t", bytes, opts).unwrap()
}

/// The byte, 1-based line and 1-based column (in characters) of `needle`'s first
/// occurrence in `xml`.
fn locate(xml: &str, needle: &str) -> (usize, usize, usize) {
    let byte = xml
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the part"));
    let line_start = xml[..byte].rfind('\n').map_or(0, |k| k + 1);
    (
        byte,
        xml[..byte].matches('\n').count() + 1,
        xml[line_start..byte].chars().count() + 1,
    )
}

/// The XML of `word/document.xml` as [`docx`] writes it.
fn document_xml(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {DOCX_NAMESPACES}><w:body>{body}</w:body></w:document>"
    )
}

const BODY: &str = concat!(
    r#"<w:p w14:paraId="1A2B3C4D"><w:pPr><w:pStyle w:val="Title"/></w:pPr>"#,
    r#"<w:r><w:t>弘扬</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">“中国 </w:t></w:r>"#,
    r#"<w:r><w:t>  精神” </w:t></w:r></w:p>"#,
    "\n",
    r#"<w:p><w:r><w:t>A</w:t><w:tab/><w:t>B</w:t><w:br/><w:t>C</w:t><w:noBreakHyphen/><w:t>D</w:t>"#,
    r#"<w:softHyphen/><w:t>E</w:t><w:sym w:font="Wingdings" w:char="F04A"/><w:t>AT&amp;T</w:t></w:r></w:p>"#,
    "\n",
    r#"<w:p><w:pPr><w:rPr><w:ins w:id="9" w:author="x"/></w:rPr></w:pPr></w:p>"#,
    r#"<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc>"#,
    r#"<w:tc><w:p><w:hyperlink r:id="rId3"><w:r><w:t>链接</w:t></w:r></w:hyperlink></w:p></w:tc></w:tr></w:tbl>"#,
    r#"<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>zhōng</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>中</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>"#,
    r#"<w:sectPr><w:pgSz w:w="11906"/></w:sectPr>"#
);

#[test]
fn runs_tabs_breaks_and_symbols_are_read_and_mapped() {
    let doc = read(&docx(BODY, &[]), &ReadOptions::default());
    assert_eq!(doc.format(), InputFormat::Docx);
    assert_eq!(
        doc.text,
        "弘扬“中国 精神”\n\nA\tB\nC\u{2011}DE\u{F04A}AT&T\n\n格\n\n链接\n\n中"
    );
    let xml = document_xml(BODY);

    // 精 is in the third run's w:t, after the leading spaces (no xml:space="preserve").
    let p = doc.position(doc.text.find('精').unwrap());
    assert_eq!((p.byte, p.line, p.column), locate(&xml, "精神”"));
    let a = p.address.unwrap();
    assert_eq!(a.element, "w:p");
    assert_eq!(a.id.as_deref(), Some("1A2B3C4D"));
    assert_eq!(a.path, "/document/body/p[1]");
    assert_eq!(a.part.as_deref(), Some("word/document.xml"));

    // The tab points at its w:tab, the line feed at its w:br, the & at its entity.
    let tab = doc.position(doc.text.find('\t').unwrap());
    assert_eq!((tab.byte, tab.line), (locate(&xml, "<w:tab/>").0, 3));
    let br = doc.position(doc.text.find("\nC").unwrap());
    assert_eq!(br.byte, locate(&xml, "<w:br/>").0);
    let amp = doc.position(doc.text.find('&').unwrap());
    assert_eq!(amp.byte, locate(&xml, "&amp;").0);
    let t = doc.position(doc.text.find("T&").unwrap() + 2);
    assert_eq!(
        t.byte,
        locate(&xml, "&amp;T").0 + 5,
        "after the entity, verbatim again"
    );
    let second = doc.position(doc.text.find('A').unwrap()).address.unwrap();
    assert_eq!(
        (second.path.as_str(), second.id.as_deref()),
        ("/document/body/p[2]", None)
    );

    // A table cell's paragraph, and the blank line before it points into it.
    let cell = doc.position(doc.text.find('格').unwrap());
    assert_eq!(cell.byte, locate(&xml, "格").0);
    assert_eq!(cell.address.unwrap().path, "/document/body/tbl/tr/tc[1]/p");
    let sep = doc.position(doc.text.find("\n\n格").unwrap());
    assert_eq!(sep.address.unwrap().path, "/document/body/tbl/tr/tc[1]/p");
}

const CHANGES: &str = concat!(
    r#"<w:p><w:r><w:t xml:space="preserve">很高兴来到</w:t></w:r>"#,
    r#"<w:del w:id="1" w:author="编辑"><w:r><w:delText>美好的</w:delText></w:r></w:del>"#,
    r#"<w:ins w:id="2" w:author="编辑"><w:r><w:t>美丽的</w:t></w:r></w:ins>"#,
    r#"<w:r><w:t>阿斯塔纳。</w:t></w:r>"#,
    r#"<w:moveFrom w:id="3"><w:r><w:t>旧处</w:t></w:r></w:moveFrom>"#,
    r#"<w:moveTo w:id="4"><w:r><w:t>新处</w:t></w:r></w:moveTo></w:p>"#,
    r#"<w:p><w:ins w:id="5"><w:r><w:t>全新段落</w:t></w:r></w:ins></w:p>"#
);

#[test]
fn tracked_changes_read_as_revised_or_as_original() {
    let bytes = docx(CHANGES, &[]);
    let revised = read(&bytes, &ReadOptions::default());
    assert_eq!(revised.text, "很高兴来到美丽的阿斯塔纳。新处\n\n全新段落");
    let mut opts = ReadOptions::default();
    opts.extract.revision = Revision::Original;
    let original = read(&bytes, &opts);
    assert_eq!(original.text, "很高兴来到美好的阿斯塔纳。旧处");
    // The deleted text maps into its w:delText.
    let xml = document_xml(CHANGES);
    let p = original.position(original.text.find('好').unwrap());
    assert_eq!(
        (p.byte, p.column),
        (locate(&xml, "好").0, locate(&xml, "好").2)
    );

    // The CLI flag is the same option.
    let dir = tempfile::tempdir().unwrap();
    let path = file(dir.path(), "changes.docx", &bytes);
    witness()
        .args(["extract", "--revision", "original"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout("很高兴来到美好的阿斯塔纳。旧处\n");
}

const FIELDS: &str = concat!(
    r#"<w:p><w:r><w:t xml:space="preserve">见第 </w:t></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
    r#"<w:r><w:instrText xml:space="preserve"> PAGEREF _Toc1 \h </w:instrText></w:r>"#,
    // A field inside the code (nested): its result is code too.
    r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>SEQ</w:instrText></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>内</w:t></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
    r#"<w:r><w:t>码</w:t></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#,
    r#"<w:r><w:t>12</w:t></w:r>"#,
    r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
    r#"<w:r><w:t xml:space="preserve"> 页，</w:t></w:r>"#,
    r#"<w:fldSimple w:instr=" DATE \@ &quot;yyyy&quot; "><w:r><w:t>2025</w:t></w:r></w:fldSimple>"#,
    r#"<w:r><w:t>年。</w:t></w:r></w:p>"#
);

#[test]
fn field_codes_are_skipped_and_their_results_read() {
    let doc = read(&docx(FIELDS, &[]), &ReadOptions::default());
    assert_eq!(doc.text, "见第 12 页，2025年。");
    let xml = document_xml(FIELDS);
    let p = doc.position(doc.text.find("12").unwrap());
    assert_eq!(p.byte, locate(&xml, "<w:t>12").0 + 5);
    let p = doc.position(doc.text.find("2025").unwrap());
    assert_eq!(p.byte, locate(&xml, "<w:t>2025").0 + 5);
}

fn notes_part(root: &str, note: &str, text: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:{root}s {DOCX_NAMESPACES}>\n\
         <w:{note} w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:{note}>\n\
         <w:{note} w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{note}>\n\
         <w:{note} w:id=\"1\"><w:p w14:paraId=\"00F00F01\"><w:r><w:{note}Ref/></w:r><w:r><w:t xml:space=\"preserve\"> {text}</w:t></w:r></w:p></w:{note}>\n\
         </w:{root}s>"
    )
}

const NOTED: &str = concat!(
    r#"<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>"#,
    r#"<w:r><w:t>继续</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>"#
);

fn noted() -> (Vec<u8>, String) {
    let footnotes = notes_part("footnote", "footnote", "脚注一");
    let endnotes = notes_part("endnote", "endnote", "尾注");
    let header = |n: &str| {
        format!("<w:hdr {DOCX_NAMESPACES}><w:p><w:r><w:t>页眉{n}</w:t></w:r></w:p></w:hdr>")
    };
    let footer = format!("<w:ftr {DOCX_NAMESPACES}><w:p><w:r><w:t>页脚</w:t></w:r></w:p></w:ftr>");
    let (h2, h10) = (header("2"), header("10"));
    let bytes = docx(
        NOTED,
        &[
            ("footer1.xml", "footer", &footer),
            ("header10.xml", "header", &h10),
            ("header2.xml", "header", &h2),
            ("endnotes.xml", "endnotes", &endnotes),
            ("footnotes.xml", "footnotes", &footnotes),
            ("comments.xml", "comments", "<w:comments/>"),
        ],
    );
    (bytes, footnotes)
}

#[test]
fn notes_headers_and_footers_are_streams_after_the_body() {
    let (bytes, footnotes) = noted();
    let doc = read(&bytes, &ReadOptions::default());
    assert_eq!(
        doc.text,
        "正文继续\n\n 脚注一\n\n 尾注\n\n页眉2\n\n页眉10\n\n页脚"
    );
    let p = doc.position(doc.text.find('脚').unwrap());
    let (byte, line, column) = locate(&footnotes, "脚注一");
    assert_eq!((p.byte, p.line, p.column), (byte, line, column));
    assert_eq!(line, 5);
    let a = p.address.unwrap();
    assert_eq!(a.part.as_deref(), Some("word/footnotes.xml"));
    assert_eq!(a.path, "/footnotes/footnote[3]/p");
    assert_eq!(a.id.as_deref(), Some("00F00F01"));
    assert_eq!(a.to_string(), "word/footnotes.xml:w:p#00F00F01");
    let h = doc.position(doc.text.find("页眉10").unwrap());
    assert_eq!(
        h.address.unwrap().part.as_deref(),
        Some("word/header10.xml")
    );
}

/// The parts of a DOCX: (name, XML).
type Parts = Vec<(String, String)>;

#[test]
fn every_piece_lies_in_the_paragraph_its_address_names() {
    let (noted, _) = noted();
    // Each DOCX with its parts' XML, by name.
    let mut parts: Vec<(Vec<u8>, Parts)> = Vec::new();
    for body in [BODY, CHANGES, FIELDS] {
        parts.push((
            docx(body, &[]),
            vec![("word/document.xml".to_string(), document_xml(body))],
        ));
    }
    let noted_parts = {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(noted.as_slice())).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
        let mut zip = zip;
        names
            .into_iter()
            .map(|n| {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut zip.by_name(&n).unwrap(), &mut s).unwrap();
                (n, s)
            })
            .collect()
    };
    parts.push((noted, noted_parts));
    let mut checked = 0;
    for (bytes, sources) in &parts {
        for revision in [Revision::Revised, Revision::Original] {
            let mut opts = ReadOptions::default();
            opts.extract.revision = revision;
            let doc = read(bytes, &opts);
            for piece in doc.pieces() {
                let p = doc.position(piece.start);
                let a = p.address.expect("every DOCX piece has an address");
                let part = a.part.as_deref().unwrap();
                let src = &sources.iter().find(|(n, _)| n == part).unwrap().1;
                let xml = roxmltree::Document::parse(src).unwrap();
                let element = element_at(&xml, &a.path);
                assert_eq!(element.tag_name().name(), "p");
                assert!(
                    element.range().contains(&p.byte),
                    "{:?} at {} is outside {} ({:?})",
                    &doc.text[piece.clone()],
                    p.byte,
                    a,
                    element.range()
                );
                // Verbatim text is the source's own bytes.
                let text = &doc.text[piece.clone()];
                if src[p.byte..].starts_with(text) {
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "{checked}");
}

#[test]
fn a_compressed_docx_is_read() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", deflated).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", deflated).unwrap();
    zip.write_all(document_xml(&"<w:p><w:r><w:t>跨里海</w:t></w:r></w:p>".repeat(50)).as_bytes())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let doc = read(&bytes, &ReadOptions::default());
    assert_eq!(doc.text, vec!["跨里海"; 50].join("\n\n"));
}

/// `witness extract FILE` exits 2 with exactly `message` about FILE.
fn refused(path: &std::path::Path, args: &[&str], message: &str) {
    witness()
        .arg("extract")
        .args(args)
        .arg(path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!("witness: error: {}: {message}\n", path.display()));
}

#[test]
fn damaged_foreign_and_empty_archives_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let advice = "; fix the file, or export its text (as UTF-8) and compare that";
    // A ZIP without word/document.xml is not detected as a DOCX; read as one, it says why.
    let other = file(dir.path(), "other.zip", &stored_zip(&[("a.txt", b"text")]));
    refused(
        &other,
        &[],
        "is a ZIP archive, not text; unpack it and give the text files inside",
    );
    refused(
        &other,
        &["--input-format", "docx"],
        &format!(
            "cannot be read as DOCX: is a ZIP archive without word/document.xml: not a DOCX{advice}"
        ),
    );
    // Cut off: the central directory is gone.
    let whole = docx(BODY, &[]);
    let cut = file(dir.path(), "cut.docx", &whole[..whole.len() / 2]);
    let out = witness().arg("extract").arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "witness: error: {}: cannot be read as DOCX: is not a readable ZIP archive (",
            cut.display()
        )) && stderr.contains("a damaged or truncated DOCX?"),
        "{stderr}"
    );
    // A damaged part: its bytes changed, so its CRC no longer matches.
    let mut flipped = whole.clone();
    let at = memchr_find(&flipped, "弘扬".as_bytes());
    flipped[at] ^= 0x01;
    let flipped = file(dir.path(), "flipped.docx", &flipped);
    let out = witness().arg("extract").arg(&flipped).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "cannot be read as DOCX: word/document.xml cannot be read from the archive ("
        ),
        "{stderr}"
    );
    // No text at all.
    let empty = file(
        dir.path(),
        "empty.docx",
        &docx(
            "<w:p/><w:p><w:r><w:t xml:space=\"preserve\">  </w:t></w:r></w:p>",
            &[],
        ),
    );
    refused(
        &empty,
        &[],
        &format!(
            "cannot be read as DOCX: has no text: no paragraph of word/document.xml (or of its notes, headers and footers) holds any{advice}"
        ),
    );
    // Not well-formed XML in the part: its line and column.
    let broken = file(
        dir.path(),
        "broken.docx",
        &docx("<w:p><w:r><w:t>a</w:r></w:p>", &[]),
    );
    let out = witness().arg("extract").arg(&broken).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "cannot be read as DOCX: word/document.xml: not well-formed XML at line 2, column "
        ),
        "{stderr}"
    );
    // An encrypted DOCX is an OLE2 compound file: refused as such by content, and, read as
    // a DOCX, explained.
    let ole = file(
        dir.path(),
        "locked.docx",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0",
    );
    refused(
        &ole,
        &[],
        "is a Microsoft Office 97-2003 document (.doc, .xls, .ppt) or a password-protected Office file, not text; save or export it as plain text (UTF-8) and compare that; witness does not read this format yet",
    );
    refused(
        &ole,
        &["--input-format", "docx"],
        &format!(
            "cannot be read as DOCX: is an OLE2 compound file, not a ZIP archive: a password-protected (encrypted) DOCX or a Word 97-2003 .doc; remove the password or save it as .docx{advice}"
        ),
    );
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}
