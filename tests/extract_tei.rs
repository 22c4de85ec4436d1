//! The TEI reader: the text of `<text>` as a person reads it (blocks, verse lines, line
//! breaks, whitespace collapsed), `<choice>`, `<del>`/`<add>` and notes as options, every
//! piece mapped to the block element it is in; malformed XML refused with where.

mod common;

use common::{element_at, witness};
use witness::extract::{Reading, Revision};
use witness::{Document, InputFormat, ReadOptions};

const LETTER: &str = "tests/fixtures/formats/tei/letter.xml";

fn letter() -> String {
    std::fs::read_to_string(format!("{}/{LETTER}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn read(src: &str, opts: &ReadOptions) -> Document {
    Document::from_bytes("t.xml", "t", src.as_bytes(), opts).unwrap()
}

/// The byte of the `nth` (0-based) occurrence of `needle` in `src`.
fn byte_of(src: &str, needle: &str, nth: usize) -> usize {
    src.match_indices(needle).nth(nth).unwrap().0
}

const DEFAULT_READING: &str = "弘扬\n精神\n\n\
    很高兴来到美丽的阿斯塔纳，与大家共同出席峰会。\n\n\
    The Doctor wrote a short letter & signed it.\n\n\
    床前明月光\n疑是地上霜\n\n\
    举头望明月\n低头思故乡\n\n\
    一\n\n二\n\n甲\n\n乙\n丙\n\nA & B end";

#[test]
fn blocks_lines_and_whitespace_are_read_as_a_person_reads_them() {
    let src = letter();
    let doc = read(&src, &ReadOptions::default());
    assert_eq!(doc.format(), InputFormat::Tei);
    assert_eq!(doc.text, DEFAULT_READING);

    // After an <lb/>: the head's second line, in the head.
    let p = doc.position(doc.text.find('精').unwrap());
    assert_eq!(
        (p.byte, p.line, p.column),
        (byte_of(&src, "精神", 0), 10, 32)
    );
    let a = p.address.unwrap();
    assert_eq!(
        (a.element.as_str(), a.id.as_deref(), a.path.as_str()),
        ("head", Some("h1"), "/TEI/text/front/head")
    );
    // The line feed the <lb/> makes points at it.
    let lf = doc.position(doc.text.find('\n').unwrap());
    assert_eq!((lf.byte, lf.column), (byte_of(&src, "<lb/>", 0), 27));

    // The source's line wrapping between two CJK characters is gone; what follows maps
    // to its own line.
    let p = doc.position(doc.text.find("美丽").unwrap());
    assert_eq!(
        (p.byte, p.line, p.column),
        (byte_of(&src, "美丽", 0), 15, 11)
    );
    assert_eq!(p.address.unwrap().id.as_deref(), Some("p1"));

    // A wrapped Latin line keeps one space, the space written in the source.
    let space = doc.text.find("wrote a").unwrap() + "wrote".len();
    let p = doc.position(space);
    assert_eq!(p.byte, byte_of(&src, "wrote\n", 0) + "wrote".len());
    // lb break="no" joins the word; the part after it maps to its own place.
    let p = doc.position(doc.text.find("ter &").unwrap());
    assert_eq!((p.byte, p.line), (byte_of(&src, "ter\n", 0), 17));
    // An entity points at itself.
    let p = doc.position(doc.text.find('&').unwrap());
    assert_eq!(p.byte, byte_of(&src, "&amp;", 0));

    // Verse: the line feed between lines points into the second line, the blank line
    // between stanzas into the next stanza's first line.
    let p = doc.position(doc.text.find("\n疑").unwrap());
    assert_eq!(p.address.unwrap().path, "/TEI/text/body/div/lg[1]/l[2]");
    let p = doc.position(doc.text.find("\n\n举").unwrap());
    assert_eq!(
        (p.byte, p.address.unwrap().path.as_str()),
        (byte_of(&src, "举", 0), "/TEI/text/body/div/lg[2]/l[1]")
    );
    // The reading of a <choice> maps into its <reg>.
    let p = doc.position(doc.text.find("故乡").unwrap());
    assert_eq!(p.byte, byte_of(&src, "故乡", 0));

    // CDATA is text; what follows it maps verbatim.
    let p = doc.position(doc.text.find("B end").unwrap());
    assert_eq!((p.byte, p.line), (byte_of(&src, "B]]>", 0), 38));
    let p = doc.position(doc.text.find("end").unwrap());
    assert_eq!(p.byte, byte_of(&src, "end</p>", 0));
}

#[test]
fn choice_revision_and_notes_readings_are_options() {
    let src = letter();
    let mut opts = ReadOptions::default();
    opts.extract.reading = Reading::Diplomatic;
    let doc = read(&src, &opts);
    assert!(
        doc.text.contains("阿斯塔纳，和大家共同出席峰会。"),
        "{}",
        doc.text
    );
    assert!(doc.text.contains("The Dr. wrote a short letter"));
    assert!(doc.text.contains("低头思故鄕"));
    let p = doc.position(doc.text.find("故鄕").unwrap());
    assert_eq!(p.byte, byte_of(&src, "故鄕", 0));

    let mut opts = ReadOptions::default();
    opts.extract.revision = Revision::Original;
    let doc = read(&src, &opts);
    assert!(
        doc.text.contains("The Doctor wrote a long letter"),
        "{}",
        doc.text
    );

    // All three from the command line: the note in place, set off by spaces.
    let expected = DEFAULT_READING
        .replace("与大家共同出席峰会", "和大家共同出席 注释不读。 峰会")
        .replace("The Doctor wrote a short", "The Dr. wrote a long")
        .replace("故乡", "故鄕");
    witness()
        .args([
            "extract",
            "--reading",
            "diplomatic",
            "--revision",
            "original",
            "--notes",
            LETTER,
        ])
        .assert()
        .code(0)
        .stdout(expected + "\n");
}

#[test]
fn breaks_milestones_and_whitespace_follow_the_rules() {
    let tei = |body: &str| {
        format!(
            "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader/><text><body>{body}</body></text></TEI>"
        )
    };
    let cases = [
        // A line break at the start of a block, and two in a row, are one or none.
        (
            "<p>\n  <lb/>第一行\n  <lb/><lb/>第二行\n</p>",
            "第一行\n第二行",
        ),
        // A page break between words is nothing; with break=\"no\" it joins the word.
        (
            "<p>one <pb n=\"2\"/> two thr<pb n=\"3\" break=\"no\"/>\n ee</p>",
            "one two three",
        ),
        // A column break with no space around it leaves the words as written.
        ("<p>中<cb/>文</p>", "中文"),
        // Tabs and line feeds collapse to one space between Latin words, vanish between CJK.
        ("<p>a\t\n  b  中\n文</p>", "a b 中文"),
        // A line feed next to a CJK character on one side only is a space.
        ("<p>中\nA</p>", "中 A"),
        // Running heads and catchwords are not the text; a table's cells are tab-separated.
        (
            "<fw type=\"header\">第三页</fw><table><row><cell>甲</cell> <cell>乙</cell></row><row><cell>丙</cell></row></table>",
            "甲\t乙\n丙",
        ),
        // An <app> reads its lemma.
        (
            "<p><app><rdg wit=\"#B\">乙本</rdg><lem>底本</lem></app></p>",
            "底本",
        ),
    ];
    for (body, text) in cases {
        assert_eq!(
            read(&tei(body), &ReadOptions::default()).text,
            text,
            "{body}"
        );
    }
}

#[test]
fn every_piece_lies_in_the_element_its_address_names() {
    let src = letter();
    let xml = roxmltree::Document::parse(&src).unwrap();
    let mut pieces = 0;
    for reading in [Reading::Editorial, Reading::Diplomatic] {
        for revision in [Revision::Revised, Revision::Original] {
            for notes in [false, true] {
                let mut opts = ReadOptions::default();
                opts.extract.reading = reading;
                opts.extract.revision = revision;
                opts.extract.notes = notes;
                let doc = read(&src, &opts);
                for piece in doc.pieces() {
                    let p = doc.position(piece.start);
                    let a = p.address.expect("every TEI piece has an address");
                    let element = element_at(&xml, &a.path);
                    assert_eq!(element.tag_name().name(), a.element);
                    assert!(
                        element.range().contains(&p.byte),
                        "{:?} at {} is outside {a} {:?}",
                        &doc.text[piece.clone()],
                        p.byte,
                        element.range()
                    );
                    pieces += 1;
                }
            }
        }
    }
    assert!(pieces > 200, "{pieces}");
}

#[test]
fn malformed_and_empty_tei_are_refused() {
    let advice = "; fix the file, or pass --input-format text to compare its markup as text";
    let path = "tests/fixtures/formats/tei/malformed.xml";
    witness()
        .args(["extract", path])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "witness: error: {path}: cannot be read as TEI: not well-formed XML at line 4, column 16: expected 'hi' tag, not 'p', so not TEI{advice}\n"
        ));
    let empty = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><title>t</title></teiHeader>\n<text><body><p> </p><note>n</note></body></text></TEI>";
    let err = Document::from_bytes("e.xml", "e", empty.as_bytes(), &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "e.xml: cannot be read as TEI: has no text: its <text> holds no words (an empty transcription?){advice}"
        )
    );
}
