//! hOCR: words, lines and blocks read in order, each piece pointing at its word (class, id,
//! path, bbox) in XHTML and HTML hOCR alike, and files with no text refused.

mod common;
mod markup;

use std::path::Path;

use common::witness;
use witness::{Document, InputFormat, ReadOptions};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats/hocr")
        .join(name);
    (path.display().to_string(), std::fs::read(&path).unwrap())
}

fn read(name: &str) -> (Document, String) {
    let (path, bytes) = fixture(name);
    let doc = Document::from_bytes(&path, "page", &bytes, &ReadOptions::default()).unwrap();
    (doc, String::from_utf8(bytes).unwrap())
}

/// The byte offset in `doc.text` of the first `needle`.
fn find(doc: &Document, needle: &str) -> usize {
    doc.text.find(needle).unwrap()
}

#[test]
fn words_lines_and_blocks_are_read_in_order() {
    let (doc, _) = read("page.hocr");
    assert_eq!(doc.format(), InputFormat::Hocr);
    // Words by a space, lines (ocr_header too) by a line feed, paragraphs and areas by a
    // blank line; `<strong>` inside a word read, `<del>` not; a line without words (an
    // ocr_caption) read as its own text.
    assert_eq!(doc.text, "弘扬 中国&中亚\n精神\n\nAstana 中\n\n图 一");
    assert!(doc.warnings.is_empty());
}

#[test]
fn each_word_points_at_its_element_and_box() {
    let (doc, src) = read("page.hocr");

    let p = doc.position(find(&doc, "中国"));
    assert_eq!(p.byte, src.find("中国").unwrap());
    assert_eq!((p.byte, p.line, p.column), (1052, 17, 86));
    let a = p.address.unwrap();
    assert_eq!(a.element, "ocrx_word");
    assert_eq!(a.id.as_deref(), Some("word_1_2"));
    assert_eq!(a.path, "/html/body/div/div[1]/p[1]/span[1]/span[2]");
    assert_eq!(a.bbox, Some([420, 100, 900, 160]));

    // `&amp;` in a word: the `&` points at the reference.
    let p = doc.position(find(&doc, "&"));
    assert_eq!((p.byte, p.column), (src.find("&amp;中亚").unwrap(), 88));
    assert_eq!(p.address.unwrap().id.as_deref(), Some("word_1_2"));

    // A word inside `<strong>`, in an ocr_header line.
    let p = doc.position(find(&doc, "精神"));
    assert_eq!((p.byte, p.line), (src.find("精神").unwrap(), 20));
    let a = p.address.unwrap();
    assert_eq!(
        (a.id.as_deref(), a.path.as_str(), a.bbox),
        (
            Some("word_1_3"),
            "/html/body/div/div[1]/p[1]/span[2]/span",
            Some([100, 200, 700, 260])
        )
    );

    // `&#x4E2D;` is 中, at its `&`.
    let p = doc.position(find(&doc, "中\n"));
    assert_eq!(p.byte, src.find("&#x4E2D;").unwrap());
    assert_eq!(p.address.unwrap().id.as_deref(), Some("word_1_5"));

    // The space between two words points at the second; the line feed at its line; the
    // blank line at the paragraph.
    let p = doc.position(find(&doc, " 中国"));
    assert_eq!(
        p.byte,
        src.find("<span class=\"ocrx_word\" id=\"word_1_2\"")
            .unwrap()
    );
    assert_eq!(p.address.unwrap().element, "ocrx_word");
    let p = doc.position(find(&doc, "\n精神"));
    let a = p.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref()),
        ("ocr_header", Some("line_1_2"))
    );
    let p = doc.position(find(&doc, "\n\nAstana"));
    let a = p.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref()),
        ("ocr_par", Some("par_1_2"))
    );
    assert_eq!(
        p.byte,
        src.find("<p class=\"ocr_par\" id=\"par_1_2\"").unwrap()
    );

    // A line read as a whole: the caption's address and box.
    let p = doc.position(find(&doc, "一"));
    let a = p.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref(), a.bbox),
        ("ocr_caption", Some("line_1_4"), Some([100, 500, 1100, 560]))
    );
}

#[test]
fn every_piece_points_into_the_element_its_address_names() {
    let (doc, src) = read("page.hocr");
    assert_eq!(markup::pieces_point_into_their_elements(&doc, &src), 15);
}

#[test]
fn html_hocr_without_end_tags_reads_the_same() {
    // HTML-style hOCR: no XML declaration, unquoted attributes, end tags of `p` left out,
    // single quotes, title properties in another order.
    let src = "<!DOCTYPE html><html><head><title>x</title></head><body>\n\
        <div class=ocr_page id=page_1 title='image \"a.png\"; bbox 0 0 800 600'>\n\
        <p class=ocr_par id=par_1>\n\
        <span class='ocr_line' id='line_1' title='x_size 30; bbox 10 10 300 40'>\n\
        <span class='ocrx_word' id='w1' title='x_wconf 90; bbox 10 10 100 40'>跨里海</span>\n\
        <span class='ocrx_word' id='w2' title='bbox 110.4 10 299.6 40'>走廊</span></span>\n\
        <p class=ocr_par id=par_2><span class='ocr_line' id='line_2' title='bbox 10 50 300 80'>\
        <span class='ocrx_word' id='w3' title='bbox 10 50 90 80'>提质</span></span>\n\
        </div></body></html>\n";
    let doc = Document::from_bytes("t.hocr", "t", src.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(doc.format(), InputFormat::Hocr);
    assert_eq!(doc.text, "跨里海 走廊\n\n提质");
    let p = doc.position(find(&doc, "走廊"));
    let a = p.address.unwrap();
    assert_eq!(
        (a.id.as_deref(), a.path.as_str(), a.bbox),
        (
            Some("w2"),
            "/html/body/div/p[1]/span/span[2]",
            Some([110, 10, 300, 40])
        )
    );
    assert_eq!(p.byte, src.find("走廊").unwrap());
    let p = doc.position(find(&doc, "提质"));
    assert_eq!(p.address.unwrap().path, "/html/body/div/p[2]/span/span");
}

#[test]
fn extract_json_reports_words_with_their_boxes() {
    let out = witness()
        .args(["extract", "--json", "tests/fixtures/formats/hocr/page.hocr"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format"], "hocr");
    let first = &json["pieces"][0];
    assert_eq!(first["text"], "弘扬");
    assert_eq!(first["at"]["line"], 16);
    assert_eq!(first["at"]["address"]["element"], "ocrx_word");
    assert_eq!(first["at"]["address"]["id"], "word_1_1");
    assert_eq!(
        first["at"]["address"]["bbox"],
        serde_json::json!([100, 100, 400, 160])
    );
}

#[test]
fn a_page_with_no_text_is_refused() {
    witness()
        .args(["extract", "tests/fixtures/formats/hocr/empty.hocr"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "witness: error: tests/fixtures/formats/hocr/empty.hocr: cannot be read as hOCR: \
             has no text: no ocrx_word or ocr_line has text (an image-only or not yet \
             recognised page?); fix the file, or pass --input-format text to compare its \
             markup as text\n",
        );
    witness()
        .args([
            "diff",
            "tests/fixtures/formats/hocr/empty.hocr",
            "tests/fixtures/formats/hocr/page.hocr",
        ])
        .assert()
        .code(2)
        .stdout("");
}
