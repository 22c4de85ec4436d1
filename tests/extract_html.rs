//! HTML: the visible text (what is dropped, blocks, line breaks, whitespace, references,
//! ruby), positions that point into the file, bad files, and a diff of HTML witnesses that
//! finds what the diff of their plain text finds.

mod common;
mod markup;

use std::path::Path;

use common::{NEWSPAPER, OFFICIAL, substantive, witness};
use witness::{Document, ExtractOptions, InputFormat, ReadOptions};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats/html")
        .join(name);
    (path.display().to_string(), std::fs::read(&path).unwrap())
}

fn html(bytes: &[u8]) -> Document {
    Document::from_bytes("t.html", "t", bytes, &ReadOptions::default()).unwrap()
}

/// The byte offset in `doc.text` of the `nth` (0-based) occurrence of `needle`.
fn find(doc: &Document, needle: &str, nth: usize) -> usize {
    doc.text.match_indices(needle).nth(nth).unwrap().0
}

/// The byte offset in `src` of the `nth` occurrence of `needle`, and its line and column.
fn source(src: &str, needle: &str, nth: usize) -> (usize, usize, usize) {
    let byte = src.match_indices(needle).nth(nth).unwrap().0;
    let before = &src[..byte];
    let line_start = before.rfind('\n').map_or(0, |k| k + 1);
    (
        byte,
        before.matches('\n').count() + 1,
        src[line_start..byte].chars().count() + 1,
    )
}

const PAGE_TEXT: &str = "弘扬“中国—中亚精神”\n\n\
    尊敬的托卡耶夫总统，各位同事，朋友们：\n\n\
    两年来，贸易额 增长35%， A&B and C.\n\n\
    漢字\n第二行\n\n  \
    缩进   保留\n第二行\n\n\
    甲 乙\n\n\
    丙";

#[test]
fn the_visible_text_is_read_in_document_order() {
    let (path, bytes) = fixture("page.html");
    let doc = Document::from_bytes(&path, "page", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(doc.format(), InputFormat::Html);
    assert_eq!(doc.text, PAGE_TEXT);
    assert_eq!(
        doc.warnings,
        ["ruby annotations (<rt>) are not read: 1 left out, the first at line 18, column 15"]
    );
}

#[test]
fn characters_point_at_their_place_in_the_file_and_their_block() {
    let (path, bytes) = fixture("page.html");
    let src = String::from_utf8(bytes.clone()).unwrap();
    let doc = Document::from_bytes(&path, "page", &bytes, &ReadOptions::default()).unwrap();

    // A character of plain text: its own byte, line and column; the block it is in.
    let p = doc.position(find(&doc, "贸", 0));
    assert_eq!(
        (p.byte, p.line, p.column),
        source(&src, "贸", 0),
        "贸 is in <b>, read in its <p>"
    );
    assert_eq!((p.byte, p.line, p.column), (411, 16, 19));
    let a = p.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref(), a.path.as_str(), a.bbox),
        ("p", Some("p2"), "/html/body/div[2]/p[2]", None)
    );

    // A named reference: the character points at its `&`.
    let p = doc.position(find(&doc, "“", 0));
    assert_eq!((p.byte, p.line, p.column), source(&src, "&ldquo;", 0));
    let a = p.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref(), a.path.as_str()),
        ("h1", Some("t"), "/html/body/div[1]/h1")
    );
    // The character after it is mapped verbatim again.
    let p = doc.position(find(&doc, "中国", 0));
    assert_eq!((p.byte, p.line, p.column), source(&src, "中国", 0));

    // A numeric reference and `&amp;`.
    let p = doc.position(find(&doc, "35%", 0));
    assert_eq!((p.byte, p.column), (source(&src, "&#x33;", 0).0, 29));
    let p = doc.position(find(&doc, "&", 0));
    assert_eq!((p.byte, p.line, p.column), source(&src, "&amp;", 0));
    assert_eq!(p.byte, 446);

    // A collapsed run of whitespace is one space, at the run's first character.
    let space = find(&doc, " and", 0);
    let p = doc.position(space);
    assert_eq!((p.byte, p.line, p.column), source(&src, "   and", 0));

    // A line feed for <br> points at it; `pre` keeps its spaces, each in place.
    let p = doc.position(find(&doc, "字\n", 0) + "字".len());
    assert_eq!((p.byte, p.line, p.column), source(&src, "<br>", 0));
    let p = doc.position(find(&doc, "保留", 0) - 3);
    assert_eq!((p.byte, p.line, p.column), (source(&src, "   保留", 0)));
    assert_eq!(p.address.unwrap().id.as_deref(), Some("code"));

    // A table cell is its own address.
    let p = doc.position(find(&doc, "乙", 0));
    let a = p.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref(), a.path.as_str()),
        ("td", Some("c2"), "/html/body/div[2]/table/tr[1]/td[2]")
    );
}

#[test]
fn every_piece_points_into_the_element_its_address_names() {
    let (path, bytes) = fixture("page.html");
    let src = String::from_utf8(bytes.clone()).unwrap();
    let doc = Document::from_bytes(&path, "page", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(markup::pieces_point_into_their_elements(&doc, &src), 30);
}

#[test]
fn generated_documents_point_into_their_elements() {
    // Paragraphs, inline elements, references and breaks in many arrangements: every piece
    // still lies in its block.
    let words = [
        "跨里海",
        "A&amp;B",
        "&#x4E2D;亚",
        "  x  ",
        "\n中\n文",
        "&lt;b&gt;",
    ];
    for seed in 0..40u64 {
        let mut rng = common::Rng::new(seed + 1);
        let mut src = String::from("<html><body>");
        for _ in 0..1 + rng.below(6) {
            let block = ["p", "div", "li", "h2", "pre"][rng.below(5) as usize];
            src.push_str(&format!("<{block} id=\"b{}\">", rng.below(1000)));
            for _ in 0..1 + rng.below(5) {
                let w = words[rng.below(words.len() as u64) as usize];
                match rng.below(4) {
                    0 => src.push_str(&format!("<b>{w}</b>")),
                    1 => src.push_str(&format!("{w}<br>")),
                    _ => src.push_str(w),
                }
            }
            src.push_str(&format!("</{block}>\n"));
        }
        src.push_str("</body></html>");
        let doc = html(src.as_bytes());
        assert!(
            markup::pieces_point_into_their_elements(&doc, &src) > 0,
            "{src}"
        );
    }
}

#[test]
fn implied_end_tags_close_paragraphs_items_and_cells() {
    let doc = html(
        "<html><body><p>一<p>二<ul><li>三<li>四</ul><table><tr><td>五<td>六<tr><td>七</table>"
            .as_bytes(),
    );
    assert_eq!(doc.text, "一\n\n二\n\n三\n\n四\n\n五 六\n\n七");
    let p = doc.position(find(&doc, "四", 0));
    assert_eq!(p.address.unwrap().path, "/html/body/ul/li[2]");
    let p = doc.position(find(&doc, "七", 0));
    assert_eq!(p.address.unwrap().path, "/html/body/table/tr[2]/td");
}

#[test]
fn whitespace_collapses_as_in_a_browser() {
    let doc = html(b"<html><body><p>  a \t b\r\n  <i> c </i>d  </p><p>\n e</p></body></html>");
    assert_eq!(doc.text, "a b c d\n\ne");
    // A line break between two wide characters is no space; between others it is.
    let doc = html("<html><body><p>中\n文 中\n  A 中  文</p></body></html>".as_bytes());
    assert_eq!(doc.text, "中文 中 A 中 文");
    // Two <br> make a blank line; a CRLF in `pre` is a line feed pointing at its CR.
    let doc = html(b"<html><body><p>a<br><br>b</p><pre>\r\nx\r\ny</pre></body></html>");
    assert_eq!(doc.text, "a\n\nb\n\nx\ny");
    let src = "<html><body><p>a<br><br>b</p><pre>\r\nx\r\ny</pre></body></html>";
    assert_eq!(
        doc.position(find(&doc, "x\n", 0) + 1).byte,
        source(src, "\r\ny", 0).0
    );
}

#[test]
fn extract_json_names_the_format_and_the_elements() {
    let out = witness()
        .args(["extract", "--json", "tests/fixtures/formats/html/page.html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format"], "html");
    assert_eq!(json["text"], PAGE_TEXT);
    let first = &json["pieces"][0];
    assert_eq!(first["text"], "弘扬");
    assert_eq!(first["at"]["line"], 11);
    assert_eq!(first["at"]["column"], 12);
    assert_eq!(first["at"]["address"]["element"], "h1");
    assert_eq!(first["at"]["address"]["id"], "t");
}

#[test]
fn a_page_with_no_visible_text_is_refused() {
    witness()
        .args(["extract", "tests/fixtures/formats/html/empty.html"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "witness: error: tests/fixtures/formats/html/empty.html: cannot be read as HTML: \
             has no visible text (only markup, or text in head, script or style); fix the file, \
             or pass --input-format text to compare its markup as text\n",
        );
    witness()
        .args(["diff", "tests/fixtures/formats/html/empty.html", NEWSPAPER])
        .assert()
        .code(2)
        .stdout("");
    // Not hOCR when read as hOCR.
    witness()
        .args([
            "extract",
            "--input-format",
            "hocr",
            "tests/fixtures/formats/html/page.html",
        ])
        .assert()
        .code(2)
        .stderr(
            "witness: error: tests/fixtures/formats/html/page.html: cannot be read as hOCR: \
             has no element of class ocr_page: not hOCR; fix the file, \
             or pass --input-format text to compare its markup as text\n",
        );
}

#[test]
fn tag_soup_never_panics() {
    for src in [
        "<html>",
        "<html><body><p>",
        "<html></p></br></div>&",
        "<html><pre>",
        "<html><script>",
        "<html><body><ruby>a<rt>",
        "<html>&#xFFFFFFFF;&#0;&unknown;&amp",
        "<html><body><div><div><div>深</span></div>",
    ] {
        let _ = Document::from_bytes(
            "t.html",
            "t",
            src.as_bytes(),
            &ReadOptions {
                extract: ExtractOptions {
                    format: Some(InputFormat::Html),
                    ..ExtractOptions::default()
                },
                ..ReadOptions::default()
            },
        );
    }
    let deep = format!("<html>{}深", "<div>".repeat(100_000));
    assert_eq!(html(deep.as_bytes()).text, "深");
}

/// The plain text as HTML: a head with a title and a script, each paragraph (line) in a
/// `<p>`, with `&`, `<`, `>` escaped, `中` as `&#x4E2D;` and `“`/`”` as named references.
fn as_html(text: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>讲话 &amp; 发言</title>\n\
         <script>var p = \"<p>不是正文</p>\"; if (1 < 2) {}</script>\n</head>\n<body>\n",
    );
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str("<p>");
        for c in line.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '中' => out.push_str("&#x4E2D;"),
                '“' => out.push_str("&ldquo;"),
                '”' => out.push_str("&rdquo;"),
                _ => out.push(c),
            }
        }
        out.push_str("</p>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[test]
fn html_witnesses_differ_as_their_plain_texts_do() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut htmls = Vec::new();
    for plain in [OFFICIAL, NEWSPAPER] {
        let text = std::fs::read_to_string(root.join(plain)).unwrap();
        let name = Path::new(plain).with_extension("html");
        let path = dir.path().join(name.file_name().unwrap());
        let markup = as_html(&text);
        assert!(markup.contains("&#x4E2D;") && markup.contains("&ldquo;"));
        std::fs::write(&path, markup).unwrap();
        htmls.push(path);
    }
    let plain = substantive(&root.join(OFFICIAL), &root.join(NEWSPAPER));
    let html = substantive(&htmls[0], &htmls[1]);
    assert!(plain.len() > 10, "{plain:?}");
    assert_eq!(html, plain);
}
