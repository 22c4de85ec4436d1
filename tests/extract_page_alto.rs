//! PAGE-XML and ALTO: the text read (reading order, levels, TextEquiv choice, hyphenation),
//! positions that point into the file, dinglehopper's reading, and bad files.

mod common;

use std::path::Path;

use assert_cmd::Command;
use proptest::prelude::*;
use witness::{Document, ExtractOptions, InputFormat, PageLevel, ReadOptions};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    (path.display().to_string(), std::fs::read(&path).unwrap())
}

fn read_with(name: &str, extract: ExtractOptions) -> Document {
    let (path, bytes) = fixture(name);
    let opts = ReadOptions {
        extract,
        ..ReadOptions::default()
    };
    Document::from_bytes(&path, "t", &bytes, &opts).unwrap()
}

fn read(name: &str) -> Document {
    read_with(name, ExtractOptions::default())
}

/// 1-based line and column (in characters) of a byte offset of `src`.
fn line_column(src: &str, byte: usize) -> (usize, usize) {
    let before = &src[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |k| k + 1);
    (line, src[line_start..byte].chars().count() + 1)
}

#[test]
fn page_is_read_in_reading_order_with_regions_left_out_after_it() {
    let d = read("page/order-2019.page.xml");
    assert_eq!(d.format(), InputFormat::Page);
    // The unordered group (index 1) before the body (index 2); the image region holds no
    // text; the footer, outside the order, last. Lines by TextEquiv index, then conf.
    assert_eq!(
        d.text,
        "第一章\n\n跨里海国际运输走廊 & 中亚班列\n提质扩容。\n\n— 12 —"
    );
    assert_eq!(
        d.warnings,
        [
            "1 text region(s) with text are not in the reading order (r-footer); read after it, in document order"
        ]
    );
}

#[test]
fn page_positions_point_at_the_characters_in_the_markup() {
    let d = read("page/order-2019.page.xml");
    let (_, bytes) = fixture("page/order-2019.page.xml");
    let src = String::from_utf8(bytes).unwrap();

    // A character copied from the file: its own byte, line and column.
    let li = d.text.find("里海").unwrap();
    let p = d.position(li);
    let in_file = src.find("跨里海国际运输走廊 &amp;").unwrap() + "跨".len();
    assert_eq!(p.byte, in_file);
    assert_eq!((p.line, p.column), line_column(&src, in_file));
    let a = p.address.unwrap();
    assert_eq!(a.element, "TextLine");
    assert_eq!(a.id.as_deref(), Some("l1"));
    assert_eq!(a.path, "/PcGts/Page/TextRegion[1]/TextLine[1]");
    assert_eq!(a.bbox, Some([100, 300, 900, 340]));

    // An entity and a character reference point at their `&`.
    let amp = d.position(d.text.find('&').unwrap());
    assert_eq!(amp.byte, src.find("&amp; 中亚").unwrap());
    let stop = d.position(d.text.find('。').unwrap());
    assert_eq!(stop.byte, src.find("&#12290;").unwrap());
    assert_eq!(stop.address.unwrap().id.as_deref(), Some("l2"));

    // What follows the entity is verbatim again.
    let zhong = d.position(d.text.find("中亚").unwrap());
    assert_eq!(
        zhong.byte,
        src.find("中亚班列</Unicode></TextEquiv>\n      </TextLine>")
            .unwrap()
    );
    // The text's own offsets are the text's.
    assert_eq!(zhong.text_byte, d.text.find("中亚").unwrap());
}

#[test]
fn page_levels_and_dinglehopper_reading() {
    let region = read_with(
        "page/order-2019.page.xml",
        ExtractOptions {
            page_level: PageLevel::Region,
            ..ExtractOptions::default()
        },
    );
    assert_eq!(
        region.text,
        "第一章\n\n跨里海国际运输走廊 & 中亚班列\n提质扩容。\n\n— 12 —"
    );
    // Region level: the region's own TextEquiv, its line break a line break of the file.
    let p = region.position(region.text.find("提质").unwrap());
    assert_eq!(p.address.unwrap().element, "TextRegion");

    // dinglehopper: regions outside the order dropped, one line feed between regions.
    let dh = read_with(
        "page/order-2019.page.xml",
        ExtractOptions {
            dinglehopper: true,
            ..ExtractOptions::default()
        },
    );
    assert_eq!(dh.text, "第一章\n跨里海国际运输走廊 & 中亚班列\n提质扩容。");
    assert!(dh.warnings.is_empty());
}

#[test]
fn page_2009_points_give_the_box() {
    let d = read("page/points-2009.page.xml");
    assert_eq!(d.text, "Der Tod rief ihn\nim Jahre 1704 ab.");
    let p = d.position(d.text.find("1704").unwrap());
    let a = p.address.unwrap();
    assert_eq!(a.id.as_deref(), Some("r1l2"));
    assert_eq!(a.bbox, Some([10, 50, 310, 80]));
    // At region level the 2009 file has no text: dinglehopper reads it as empty, witness
    // refuses to read an empty page.
    let (path, bytes) = fixture("page/points-2009.page.xml");
    let opts = ReadOptions {
        extract: ExtractOptions {
            page_level: PageLevel::Region,
            ..ExtractOptions::default()
        },
        ..ReadOptions::default()
    };
    let e = Document::from_bytes(&path, "t", &bytes, &opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{path}: cannot be read as PAGE-XML: has no text: no TextRegion has a TextEquiv/Unicode with text (an image-only or not yet transcribed page?); fix the file, or pass --input-format text to compare its markup as text"
        )
    );
}

#[test]
fn alto_hyphenated_words_are_read_whole() {
    let d = read("alto/hyphenated-v4.alto.xml");
    assert_eq!(d.format(), InputFormat::Alto);
    // fort|gefahren: the parts spell SUBS_CONTENT; Zuk|ker does not (old ck): SUBS_CONTENT.
    // Beob- has no SUBS_TYPE: its HYP is text, and the blocks stay apart.
    assert_eq!(
        d.text,
        "Locke scheint fortgefahren Zucker &c. Beob-\n\nachtungen"
    );
    let (_, bytes) = fixture("alto/hyphenated-v4.alto.xml");
    let src = String::from_utf8(bytes).unwrap();

    // The second part is still verbatim: its characters are the file's.
    let g = d.position(d.text.find("gefahren").unwrap());
    assert_eq!(g.byte, src.find("gefahren\" HPOS").unwrap());
    let a = g.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref()),
        ("String", Some("s4"))
    );
    assert_eq!(a.bbox, Some([100, 160, 340, 210]));

    // A substituted word points at the first part's element.
    let z = d.position(d.text.find("Zucker").unwrap());
    assert_eq!(z.byte, src.find("<String ID=\"s5\"").unwrap());
    assert_eq!(z.address.unwrap().id.as_deref(), Some("s5"));
    // WIDTH 110.6 is rounded.
    let fort = d.position(d.text.find("fort").unwrap());
    assert_eq!(fort.address.unwrap().bbox, Some([490, 100, 601, 150]));
    assert_eq!(
        (fort.line, fort.column),
        line_column(&src, src.find("fort\" HPOS").unwrap())
    );
}

#[test]
fn alto_as_dinglehopper_reads_it() {
    let d = read_with(
        "alto/hyphenated-v4.alto.xml",
        ExtractOptions {
            dinglehopper: true,
            ..ExtractOptions::default()
        },
    );
    assert_eq!(
        d.text,
        "Locke scheint fort\ngefahren Zuk\nker &c. Beob\nachtungen"
    );
}

fn witness() -> Command {
    Command::cargo_bin("witness").unwrap()
}

#[test]
fn bad_files_are_refused_with_where_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.page.xml");
    std::fs::write(
        &broken,
        "<?xml version=\"1.0\"?>\n<PcGts xmlns=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15\">\n  <Page>\n    <TextRegion id=\"r\">\n  </Page>\n</PcGts>\n",
    )
    .unwrap();
    let out = witness().args(["extract"]).arg(&broken).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "witness: error: {}: cannot be read as PAGE-XML: not well-formed XML at line 5, column 3: expected 'TextRegion' tag, not 'Page', so not PAGE-XML; fix the file, or pass --input-format text to compare its markup as text\n",
            broken.display()
        )
    );

    let empty = dir.path().join("empty.alto.xml");
    std::fs::write(
        &empty,
        "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v3#\"><Layout><Page><PrintSpace><TextBlock><TextLine><String CONTENT=\" \"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>",
    )
    .unwrap();
    let out = witness()
        .args(["diff"])
        .arg(&empty)
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr).unwrap().contains(
            "empty.alto.xml: cannot be read as ALTO: has no text: no String has a CONTENT"
        ),
    );

    // The markup itself can still be compared as text.
    witness()
        .args(["extract", "--input-format", "text"])
        .arg(&broken)
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "<?xml version=\"1.0\"?>\n<PcGts",
        ));
}

#[test]
fn a_pair_of_page_files_diffs_with_positions_in_the_markup() {
    let (a, _) = fixture("page/order-2019.page.xml");
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("b.page.xml");
    let (_, bytes) = fixture("page/order-2019.page.xml");
    let text = String::from_utf8(bytes).unwrap().replacen(
        "跨里海国际运输走廊 &amp; 中亚班列</Unicode></TextEquiv>\n      </TextLine>",
        "跨海国际运输走廊 &amp; 中亚班列</Unicode></TextEquiv>\n      </TextLine>",
        1,
    );
    std::fs::write(&b, text).unwrap();
    let out = witness()
        .args(["diff", "--format", "json", &a])
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let v = &json["variants"][0];
    assert_eq!(v["kind"], "omission");
    assert_eq!(v["a"]["text"], "里");
    assert_eq!(v["a"]["start"]["address"]["id"], "l1");
    assert_eq!(
        v["a"]["start"]["address"]["bbox"],
        serde_json::json!([100, 300, 900, 340])
    );
    assert_eq!(json["variants"].as_array().unwrap().len(), 1);
}

/// The reports name the element and its box beside the line and column in the markup.
#[test]
fn reports_of_page_files_show_addresses() {
    let (gt, ocr) = (
        "tests/fixtures/formats/page/order-2019.page.xml",
        "tests/fixtures/formats/page/order-2019-ocr.page.xml",
    );
    let text = common::run(&["diff", gt, ocr]);
    let errata = common::run(&["errata", ocr, "--against", gt]);
    let csv = common::run(&["errata", "--format", "csv", ocr, "--against", gt]);
    common::snapshots().bind(|| {
        insta::assert_snapshot!("page_diff_text", text);
        insta::assert_snapshot!("page_errata_md", errata);
        insta::assert_snapshot!("page_errata_csv", csv);
    });
}

/// One random PAGE file: regions of lines of text with entities, character references and
/// line breaks (LF or CRLF), and the text expected of it.
fn page_file() -> impl Strategy<Value = (String, String)> {
    let word = prop::sample::select(vec![
        "跨里海",
        "&amp;",
        "&lt;",
        "a&#x4E2D;b",
        "Wort",
        "&#12290;",
        "a  b",
        "ſ",
        "é",
    ]);
    let line = prop::collection::vec(word, 1..5);
    let region = prop::collection::vec(line, 1..4);
    (prop::collection::vec(region, 1..4), any::<bool>()).prop_map(|(regions, crlf)| {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut xml = format!(
            "<?xml version=\"1.0\"?>{nl}<PcGts xmlns=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15\">{nl}<Page>{nl}"
        );
        let mut expected = Vec::new();
        for (r, lines) in regions.iter().enumerate() {
            xml.push_str(&format!("  <TextRegion id=\"r{r}\">{nl}"));
            let mut texts = Vec::new();
            for (l, words) in lines.iter().enumerate() {
                let raw = words.concat();
                xml.push_str(&format!(
                    "    <TextLine id=\"r{r}l{l}\"><Coords points=\"{l},{r} 9,9\"/>{nl}      <TextEquiv><Unicode>{raw}</Unicode></TextEquiv>{nl}    </TextLine>{nl}"
                ));
                texts.push(
                    raw.replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&#x4E2D;", "中")
                        .replace("&#12290;", "。"),
                );
            }
            xml.push_str(&format!("  </TextRegion>{nl}"));
            expected.push(texts.join("\n"));
        }
        xml.push_str(&format!("</Page>{nl}</PcGts>{nl}"));
        (xml, expected.join("\n\n"))
    })
}

/// Reads `xml` and checks that it reads as `expected`, that every piece with an address maps
/// to a byte inside the element whose `id_attribute` it names, and that a character copied from
/// the file is at its own line and column there (a made one, an entity or a separator, points
/// at markup).
fn pieces_inside_their_elements(
    xml: &str,
    expected: &str,
    id_attribute: &str,
) -> Result<(), TestCaseError> {
    let d = Document::from_bytes("f.xml", "f", xml.as_bytes(), &ReadOptions::default()).unwrap();
    prop_assert_eq!(&d.text, expected);
    let tree = roxmltree::Document::parse(xml).unwrap();
    for piece in d.pieces() {
        let p = d.position(piece.start);
        let Some(a) = &p.address else { continue };
        let id = a.id.as_deref().unwrap();
        let node = tree
            .descendants()
            .find(|n| n.attribute(id_attribute) == Some(id))
            .unwrap();
        prop_assert!(
            node.range().contains(&p.byte),
            "{:?} not in {:?}",
            p,
            node.range()
        );
        let c = d.text[piece.start..].chars().next().unwrap();
        if xml[p.byte..].starts_with(c) && c != ' ' {
            prop_assert_eq!((p.line, p.column), line_column(xml, p.byte));
        } else {
            prop_assert!(
                [" ", "&", "<", "\r"]
                    .iter()
                    .any(|m| xml[p.byte..].starts_with(m)),
                "{:?} points at {:?}",
                p,
                &xml[p.byte..]
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// PAGE: regions of lines with entities and line breaks.
    #[test]
    fn every_position_is_inside_its_element((xml, expected) in page_file()) {
        pieces_inside_their_elements(&xml, &expected, "id")?;
    }

    /// ALTO: strings, separators and hyphenated words.
    #[test]
    fn every_alto_position_is_inside_its_element((xml, expected) in alto_file()) {
        pieces_inside_their_elements(&xml, &expected, "ID")?;
    }
}

/// One random ALTO file: blocks of lines of strings (entities, hyphenation with and without
/// SUBS_CONTENT, SP or none between strings, LF or CRLF), and the text expected of it.
fn alto_file() -> impl Strategy<Value = (String, String)> {
    let word = prop::sample::select(vec!["跨里海", "a&amp;b", "&lt;", "Wort", "&#x4E2D;", "ſ"]);
    let line = (prop::collection::vec(word, 1..4), any::<bool>());
    let block = prop::collection::vec(line, 1..4);
    (prop::collection::vec(block, 1..3), any::<bool>(), any::<bool>()).prop_map(
        |(blocks, crlf, spaced)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let decode = |s: &str| {
                s.replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&#x4E2D;", "中")
            };
            let mut xml = format!("<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\">{nl}<Layout><Page><PrintSpace>{nl}");
            let mut expected = String::new();
            let mut n = 0;
            for (b, lines) in blocks.iter().enumerate() {
                xml.push_str(&format!("<TextBlock ID=\"b{b}\">{nl}"));
                if !expected.is_empty() {
                    expected.push_str("\n\n");
                }
                // Which lines end in a hyphenated word: not the last of a block (not across
                // blocks here), and not a line whose only word continues the line before (a
                // string has one SUBS_TYPE).
                let mut hyphenated = vec![false; lines.len()];
                for l in 0..lines.len() {
                    let continues = l > 0 && hyphenated[l - 1];
                    hyphenated[l] = lines[l].1
                        && l + 1 < lines.len()
                        && !(continues && lines[l].0.len() == 1);
                }
                for (l, (words, _)) in lines.iter().enumerate() {
                    let hyphenate = hyphenated[l];
                    xml.push_str(&format!("<TextLine ID=\"b{b}l{l}\">"));
                    for (w, word) in words.iter().enumerate() {
                        n += 1;
                        let second = l > 0 && w == 0 && hyphenated[l - 1];
                        let first = hyphenate && w + 1 == words.len();
                        let subs = match (first, second) {
                            (true, _) => " SUBS_TYPE=\"HypPart1\"",
                            (_, true) => " SUBS_TYPE=\"HypPart2\"",
                            _ => "",
                        };
                        if w > 0 && spaced {
                            xml.push_str(&format!("<SP ID=\"sp{n}\"/>"));
                        }
                        xml.push_str(&format!(
                            "<String ID=\"s{n}\" CONTENT=\"{word}\" HPOS=\"{w}\" VPOS=\"{l}\" WIDTH=\"9\" HEIGHT=\"9\"{subs}/>"
                        ));
                        if w > 0 {
                            expected.push(' ');
                        } else if l > 0 && !second {
                            expected.push('\n');
                        }
                        expected.push_str(&decode(word));
                    }
                    if hyphenate {
                        xml.push_str("<HYP CONTENT=\"-\"/>");
                    }
                    xml.push_str(&format!("</TextLine>{nl}"));
                }
                xml.push_str(&format!("</TextBlock>{nl}"));
            }
            xml.push_str(&format!("</PrintSpace></Page></Layout>{nl}</alto>{nl}"));
            (xml, expected)
        },
    )
}

/// A markup file's own declaration of its encoding is honoured: an XML declaration (GB18030
/// PAGE) and an HTML `<meta charset>` (GBK), with positions counted in the file's bytes.
#[test]
fn encodings_declared_in_the_markup_are_used() {
    let (gbk, _, _) = encoding_rs::GBK.encode("跨里海");
    let page = [
        &b"<?xml version='1.0' encoding='GB18030'?>\n<PcGts><Page><TextRegion id='r'><TextEquiv><Unicode>"[..],
        &gbk,
        b"</Unicode></TextEquiv></TextRegion></Page></PcGts>\n",
    ]
    .concat();
    let d = Document::from_bytes("p.xml", "p", &page, &ReadOptions::default()).unwrap();
    assert_eq!((d.text.as_str(), d.encoding.name()), ("跨里海", "gb18030"));
    assert_eq!(d.encoding_source, witness::EncodingSource::Markup);
    // 海 is the third two-byte character after the markup.
    let at = page.windows(gbk.len()).position(|w| w == &gbk[..]).unwrap();
    assert_eq!(d.position(d.text.find('海').unwrap()).byte, at + 4);

    let html = [
        &b"<!DOCTYPE html>\n<html><head><meta http-equiv='Content-Type' content='text/html; charset=GBK'></head><body><p>"[..],
        &gbk,
        b"</p></body></html>\n",
    ]
    .concat();
    let d = Document::from_bytes("p.html", "p", &html, &ReadOptions::default()).unwrap();
    assert_eq!((d.text.as_str(), d.encoding.name()), ("跨里海", "GBK"));
    assert_eq!(d.format(), InputFormat::Html);
}
