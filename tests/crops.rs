//! Crops of the page image (`witness::report::crops`): the page image a PAGE-XML, ALTO or hOCR
//! file names, the line box of each place of its text, and the crop of that line from a
//! generated image, checked pixel by pixel (crops are in 16 greys: 0, 17, … 255); no crop for
//! a missing, misplaced, non-image or plain-text source; long and tall lines scaled down.
#![cfg(feature = "crops")]

use std::path::Path;

use base64::Engine as _;
use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgb, RgbImage};
use witness::report::crops::{Crops, MAX_WIDTH};
use witness::{Document, InputFormat, ReadOptions};

/// Greys of the three lines, which crops keep as they are.
const RED: u8 = 0;
const GREEN: u8 = 85;
const BLUE: u8 = 170;

/// A 200×100 white RGB page with three grey lines (named by colour for the lines' text): `RED`
/// at y 10..30, `GREEN` at 40..60, `BLUE` at 70..90, each from x 10 to 190.
fn page_png() -> RgbImage {
    let mut img = RgbImage::from_pixel(200, 100, Rgb([255, 255, 255]));
    for (y0, grey) in [(10, RED), (40, GREEN), (70, BLUE)] {
        let colour = [grey; 3];
        for y in y0..y0 + 20 {
            for x in 10..190 {
                img.put_pixel(x, y, Rgb(colour));
            }
        }
    }
    img
}

const PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
  <Page imageFilename="IMAGE" imageWidth="200" imageHeight="100">
    <TextRegion id="r1">
      <Coords points="10,10 190,10 190,90 10,90"/>
      <TextLine id="l1"><Coords points="10,10 190,10 190,30 10,30"/>
        <TextEquiv><Unicode>red line</Unicode></TextEquiv></TextLine>
      <TextLine id="l2"><Coords points="10,40 100,38 190,40 190,60 10,60"/>
        <TextEquiv><Unicode>green line</Unicode></TextEquiv></TextLine>
      <TextLine id="l3"><Coords points="10,70 190,70 190,90 10,90"/>
        <TextEquiv><Unicode>blue line</Unicode></TextEquiv></TextLine>
    </TextRegion>
  </Page>
</PcGts>
"#;

/// The same page in ALTO, in `unit`s of which the page is `w`×`h` (pixels: 200×100); the
/// second line has no box of its own (its strings' bounds are taken).
fn alto(image: &str, unit: &str, w: u32, h: u32) -> String {
    let k = w / 200;
    let s = |v: u32| (v * k).to_string();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
  <Description><MeasurementUnit>{unit}</MeasurementUnit>
    <sourceImageInformation><fileName>{image}</fileName></sourceImageInformation></Description>
  <Layout><Page WIDTH="{w}" HEIGHT="{h}"><PrintSpace><TextBlock ID="b1">
    <TextLine ID="l1" HPOS="{x}" VPOS="{y1}" WIDTH="{lw}" HEIGHT="{lh}">
      <String ID="s1" CONTENT="red" HPOS="{x}" VPOS="{y1}" WIDTH="{ww}" HEIGHT="{lh}"/><SP/>
      <String ID="s2" CONTENT="line" HPOS="{x2}" VPOS="{y1}" WIDTH="{ww}" HEIGHT="{lh}"/></TextLine>
    <TextLine ID="l2">
      <String ID="s3" CONTENT="green" HPOS="{x}" VPOS="{y2}" WIDTH="{ww}" HEIGHT="{lh}"/><SP/>
      <String ID="s4" CONTENT="line" HPOS="{x2}" VPOS="{y2}" WIDTH="{ww}" HEIGHT="{lh}"/></TextLine>
  </TextBlock></PrintSpace></Page></Layout>
</alto>
"#,
        x = s(10),
        x2 = s(110),
        y1 = s(10),
        y2 = s(40),
        lw = s(180),
        ww = s(80),
        lh = s(20),
    )
}

fn hocr(pages: &[(&str, u32)]) -> String {
    let mut body = String::new();
    for (k, (image, y)) in pages.iter().enumerate() {
        body.push_str(&format!(
            "<div class='ocr_page' id='page_{k}' title='image \"{image}\"; bbox 0 0 200 100; ppageno {k}'>\n\
             <span class='ocr_line' id='line_{k}' title='bbox 10 {y} 190 {y2}'>\
             <span class='ocrx_word' title='bbox 10 {y} 90 {y2}'>page{k}</span> \
             <span class='ocrx_word' title='bbox 110 {y} 190 {y2}'>word</span></span></div>\n",
            y2 = y + 20
        ));
    }
    format!("<html><head><title>t</title></head><body>\n{body}</body></html>\n")
}

fn read(path: &Path) -> Document {
    Document::read(path, &ReadOptions::default()).unwrap()
}

/// The PNG a data URL holds.
fn decode(url: &str) -> DynamicImage {
    let b64 = url.strip_prefix("data:image/png;base64,").expect(url);
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert_eq!(image::guess_format(&png).unwrap(), ImageFormat::Png);
    image::load_from_memory(&png).unwrap()
}

fn byte_of(doc: &Document, needle: &str) -> usize {
    doc.text.find(needle).unwrap()
}

/// The crop is grey, and every pixel of it is `grey`.
fn all(img: &DynamicImage, grey: u8) -> bool {
    assert_eq!(img.color(), image::ColorType::L8);
    img.to_luma8().pixels().all(|p| p.0 == [grey])
}

#[test]
fn page_xml_names_its_image_and_each_line_its_box() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("p.page.xml");
    std::fs::write(&xml, PAGE.replace("IMAGE", "p.png")).unwrap();
    let doc = read(&xml);
    assert_eq!(doc.format(), InputFormat::Page);
    let images: Vec<_> = doc.page_images().collect();
    assert_eq!(images.len(), 1);
    assert_eq!(
        (images[0].file.as_str(), images[0].size, images[0].frame),
        ("p.png", Some([200, 100]), 0)
    );
    let (image, line) = doc.page_line(byte_of(&doc, "green")).unwrap();
    assert_eq!(image.file, "p.png");
    assert_eq!(line, [10, 38, 190, 60]);
    // The line feed before the line is the line's; the last byte, the last line's.
    assert_eq!(doc.page_line(byte_of(&doc, "\nblue")).unwrap().1[1], 70);
    assert_eq!(doc.page_line(doc.text.len()).unwrap().1[1], 70);
    // The addresses keep the line box out of the JSON.
    let address = doc.position(byte_of(&doc, "green")).address.unwrap();
    assert_eq!(address.line_bbox, Some([10, 38, 190, 60]));
    let json = serde_json::to_value(&*address).unwrap();
    assert!(json.get("line_bbox").is_none(), "{json}");
}

#[test]
fn a_page_xml_line_is_cropped_pixel_for_pixel() {
    let dir = tempfile::tempdir().unwrap();
    page_png().save(dir.path().join("p.png")).unwrap();
    let xml = dir.path().join("p.page.xml");
    std::fs::write(&xml, PAGE.replace("IMAGE", "p.png")).unwrap();
    let doc = read(&xml);
    let mut crops = Crops::new();
    let red = decode(&crops.line(&doc, byte_of(&doc, "red"), 64).unwrap());
    assert_eq!((red.width(), red.height()), (180, 20));
    assert!(all(&red, RED));
    // The green line's polygon rises to y 38: two white rows above the green.
    let green = decode(
        &crops
            .line(&doc, byte_of(&doc, "line\nblue") + 2, 64)
            .unwrap(),
    );
    assert_eq!((green.width(), green.height()), (180, 22));
    let grey = green.to_luma8();
    for (x, y, p) in grey.enumerate_pixels() {
        let want = if y < 2 { 255 } else { GREEN };
        assert_eq!(p.0, [want], "({x}, {y})");
    }
    // Asked again (another variant on the line): the same crop.
    let again = crops.line(&doc, byte_of(&doc, "green"), 64).unwrap();
    assert_eq!(decode(&again).to_luma8(), grey);
    assert_eq!(crops.line(&doc, 0, 0), None, "no height, no crop");
}

#[test]
fn grey_and_colour_png_jpeg_and_tiff_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let grey = GrayImage::from_fn(200, 100, |_, y| {
        Luma([if (40..60).contains(&y) { 34 } else { 255 }])
    });
    grey.save(dir.path().join("g.png")).unwrap();
    page_png().save(dir.path().join("p.tif")).unwrap();
    page_png().save(dir.path().join("p.jpg")).unwrap();
    // Pure red: luma 0.2126 × 255 = 54, the nearest of the 16 greys 51.
    let red = RgbImage::from_fn(200, 100, |_, y| {
        Rgb(if (40..60).contains(&y) {
            [255, 0, 0]
        } else {
            [255; 3]
        })
    });
    red.save(dir.path().join("c.png")).unwrap();
    let mut crops = Crops::new();
    for (name, want) in [
        ("g.png", 34),
        ("c.png", 51),
        ("p.tif", GREEN),
        ("p.jpg", GREEN),
    ] {
        let xml = dir.path().join(format!("{name}.xml"));
        std::fs::write(&xml, PAGE.replace("IMAGE", name)).unwrap();
        let doc = read(&xml);
        let url = crops.line(&doc, byte_of(&doc, "green"), 64).expect(name);
        let img = decode(&url);
        assert_eq!((img.width(), img.height()), (180, 22), "{name}");
        assert_eq!(img.color(), image::ColorType::L8);
        // Below the polygon's peak: exact; for JPEG, near, away from the edges.
        let grey = img.to_luma8();
        let inside = |x: u32, y: u32| (8..172).contains(&x) && (6..18).contains(&y);
        for (x, y, p) in grey.enumerate_pixels().filter(|(_, y, _)| *y >= 2) {
            if name != "p.jpg" {
                assert_eq!(p.0, [want], "{name} ({x}, {y})");
            } else if inside(x, y) {
                assert!(p.0[0].abs_diff(want) <= 17, "{name} ({x}, {y}) {p:?}");
            }
        }
    }
}

/// A bilevel 200×100 TIFF in CCITT Group 4, min-is-white, as ground-truth scans often are:
/// black at x 10..190, y 40..60 (the "green" line), and at x 10..50, y 70..90. Made with
/// libtiff's tools from a PBM: `ppm2tiff page.pbm raw.tif && tiffcp -c g4 raw.tif g4.tif`.
const G4_TIFF: [u8; 180] = [
    0x49, 0x49, 0x2a, 0x00, 0x2a, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0x27, 0x0c, 0x80,
    0x24, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0xff, 0x27, 0x06, 0xcf, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xfc, 0x7f, 0xf0, 0x01, 0x00, 0x10, 0x00, 0x0b, 0x00, 0x00, 0x01, 0x03, 0x00,
    0x01, 0x00, 0x00, 0x00, 0xc8, 0x00, 0x00, 0x00, 0x01, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x64, 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x03, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x15, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x16, 0x01, 0x03, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x17, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x21, 0x00, 0x00, 0x00, 0x1c, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
];

#[test]
fn a_bilevel_group_4_tiff_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g4.tif"), G4_TIFF).unwrap();
    let xml = dir.path().join("p.xml");
    std::fs::write(&xml, PAGE.replace("IMAGE", "g4.tif")).unwrap();
    let doc = read(&xml);
    let mut crops = Crops::new();
    let green = decode(&crops.line(&doc, byte_of(&doc, "green"), 64).unwrap());
    assert_eq!((green.width(), green.height()), (180, 22));
    for (x, y, p) in green.to_luma8().enumerate_pixels() {
        assert_eq!(p.0, [if y < 2 { 255 } else { 0 }], "({x}, {y})");
    }
    let blue = decode(&crops.line(&doc, byte_of(&doc, "blue"), 64).unwrap());
    for (x, y, p) in blue.to_luma8().enumerate_pixels() {
        assert_eq!(p.0, [if x < 40 { 0 } else { 255 }], "({x}, {y})");
    }
}

#[test]
fn alto_lines_are_cropped_in_pixels_and_in_other_units() {
    let dir = tempfile::tempdir().unwrap();
    page_png().save(dir.path().join("p.png")).unwrap();
    let mut crops = Crops::new();
    // Pixels; then mm10 with a page 3 times as large in its units as the image.
    for (unit, w, h) in [("pixel", 200, 100), ("mm10", 600, 300)] {
        let xml = dir.path().join(format!("{unit}.alto.xml"));
        std::fs::write(&xml, alto("p.png", unit, w, h)).unwrap();
        let doc = read(&xml);
        assert_eq!(doc.format(), InputFormat::Alto);
        assert_eq!(doc.text, "red line\ngreen line");
        // A word's crop is its whole line: the TextLine's box…
        let red = decode(&crops.line(&doc, byte_of(&doc, "line"), 64).unwrap());
        assert_eq!((red.width(), red.height()), (180, 20), "{unit}");
        assert!(all(&red, RED), "{unit}");
        // …or, where the line has none, the bounds of its strings; the space between two
        // words (no address of its own) takes the word before it.
        let space = byte_of(&doc, "green ") + 5;
        assert_eq!(&doc.text[space..space + 1], " ");
        let green = decode(&crops.line(&doc, space, 64).unwrap());
        assert_eq!((green.width(), green.height()), (180, 20), "{unit}");
        assert!(all(&green, GREEN), "{unit}");
    }
    // Another unit and no page size: the boxes cannot be placed on the image.
    let xml = dir.path().join("nosize.alto.xml");
    let text =
        alto("p.png", "mm10", 200, 100).replace(r#"<Page WIDTH="200" HEIGHT="100">"#, "<Page>");
    std::fs::write(&xml, text).unwrap();
    let doc = read(&xml);
    assert_eq!(doc.page_images().count(), 0);
    assert_eq!(crops.line(&doc, 0, 64), None);
}

#[test]
fn hocr_pages_each_have_their_image() {
    let dir = tempfile::tempdir().unwrap();
    page_png().save(dir.path().join("a.png")).unwrap();
    let mut second = page_png();
    image::imageops::invert(&mut second);
    second.save(dir.path().join("b.png")).unwrap();
    let path = dir.path().join("p.hocr");
    // Two pages on two images, then a third on the first image again: its second frame.
    std::fs::write(&path, hocr(&[("a.png", 10), ("b.png", 70), ("a.png", 40)])).unwrap();
    let doc = read(&path);
    assert_eq!(doc.format(), InputFormat::Hocr);
    let frames: Vec<_> = doc
        .page_images()
        .map(|i| (i.file.as_str(), i.frame))
        .collect();
    assert_eq!(frames, [("a.png", 0), ("b.png", 0), ("a.png", 1)]);
    let mut crops = Crops::new();
    let first = decode(&crops.line(&doc, byte_of(&doc, "page0"), 64).unwrap());
    assert_eq!((first.width(), first.height()), (180, 20));
    assert!(all(&first, RED));
    // Page 1 is on the inverted image, its line at y 70.
    let word = byte_of(&doc, "page1") + 6;
    assert_eq!(&doc.text[word..word + 4], "word");
    let inverted = decode(&crops.line(&doc, word, 64).unwrap());
    assert!(all(&inverted, 255 - BLUE));
    // The second frame of a.png is not read.
    assert_eq!(crops.line(&doc, byte_of(&doc, "page2"), 64), None);
}

#[test]
fn an_ocr_d_workspace_names_images_from_its_root() {
    let dir = tempfile::tempdir().unwrap();
    let (gt, img) = (dir.path().join("OCR-D-GT"), dir.path().join("OCR-D-IMG"));
    std::fs::create_dir_all(&gt).unwrap();
    std::fs::create_dir_all(&img).unwrap();
    page_png().save(img.join("p.png")).unwrap();
    let mut crops = Crops::new();
    for name in ["OCR-D-IMG/p.png", "../OCR-D-IMG/p.png", "/elsewhere/p.png"] {
        let xml = gt.join("p.xml");
        std::fs::write(&xml, PAGE.replace("IMAGE", name)).unwrap();
        let doc = read(&xml);
        let found = crops.line(&doc, 0, 64);
        // An absolute name is looked up by its file name beside the file and one level up:
        // not in OCR-D-IMG.
        assert_eq!(found.is_some(), !name.starts_with('/'), "{name}");
    }
}

#[test]
fn no_crop_for_missing_escaping_or_non_image_files() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    // An image two levels above the document: out of reach.
    page_png().save(dir.path().join("a/secret.png")).unwrap();
    std::fs::write(deep.join("text.png"), "not an image, whatever its name").unwrap();
    let mut crops = Crops::new();
    for name in [
        "missing.png",
        "../../secret.png",
        "../x/../../secret.png",
        "text.png",
        ".",
    ] {
        let xml = deep.join("p.xml");
        std::fs::write(&xml, PAGE.replace("IMAGE", name)).unwrap();
        let doc = read(&xml);
        assert_eq!(crops.line(&doc, 0, 64), None, "{name}");
    }
    // One level up is allowed: the same image is found from a/b.
    let xml = dir.path().join("a/b/p.xml");
    std::fs::write(&xml, PAGE.replace("IMAGE", "../secret.png")).unwrap();
    assert!(crops.line(&read(&xml), 0, 64).is_some());
    // A plain text, and the same PAGE file read from bytes with no directory of its own.
    let txt = deep.join("p.txt");
    std::fs::write(&txt, "red line").unwrap();
    assert_eq!(crops.line(&read(&txt), 0, 64), None);
    let stdin = Document::from_bytes("<stdin>", "stdin", PAGE.as_bytes(), &ReadOptions::default());
    assert_eq!(crops.line(&stdin.unwrap(), 0, 64), None);
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_directory_named_as_the_image_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.png");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir(dir.path().join("dir.png")).unwrap();
    let mut crops = Crops::new();
    for name in ["fifo.png", "dir.png"] {
        let xml = dir.path().join("p.xml");
        std::fs::write(&xml, PAGE.replace("IMAGE", name)).unwrap();
        assert_eq!(crops.line(&read(&xml), 0, 64), None, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_beside_the_document_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    page_png().save(store.path().join("p.png")).unwrap();
    std::os::unix::fs::symlink(store.path().join("p.png"), dir.path().join("p.png")).unwrap();
    let xml = dir.path().join("p.xml");
    std::fs::write(&xml, PAGE.replace("IMAGE", "p.png")).unwrap();
    assert!(Crops::new().line(&read(&xml), 0, 64).is_some());
}

#[test]
fn tall_and_long_lines_are_scaled_down() {
    let dir = tempfile::tempdir().unwrap();
    // A 3000×400 page, one line its whole size.
    let big = RgbImage::from_pixel(3000, 400, Rgb([BLUE; 3]));
    big.save(dir.path().join("big.png")).unwrap();
    let xml = dir.path().join("big.xml");
    let page = PAGE
        .replace("IMAGE", "big.png")
        .replace(
            r#"imageWidth="200" imageHeight="100""#,
            r#"imageWidth="3000" imageHeight="400""#,
        )
        .replace("10,10 190,10 190,30 10,30", "0,0 3000,0 3000,400 0,400");
    std::fs::write(&xml, page).unwrap();
    let doc = read(&xml);
    let mut crops = Crops::new();
    // Width is the tighter bound here: 3000 → 1200, 400 → 160.
    let img = decode(&crops.line(&doc, 0, 300).unwrap());
    assert_eq!((img.width(), img.height()), (MAX_WIDTH, 160));
    // Height is: 400 → 48, 3000 → 360.
    let img = decode(&crops.line(&doc, 0, 48).unwrap());
    assert_eq!((img.width(), img.height()), (360, 48));
    assert!(all(&img, BLUE));
    // Never scaled up: a 20 px line asked at 64 stays 20 px.
    let small = decode(&crops.line(&doc, byte_of(&doc, "green"), 64).unwrap());
    assert_eq!(small.height(), 22);
}

#[test]
fn a_box_off_the_image_gives_no_crop_and_one_across_its_edge_is_clamped() {
    let dir = tempfile::tempdir().unwrap();
    page_png().save(dir.path().join("p.png")).unwrap();
    let xml = dir.path().join("p.xml");
    let page = PAGE
        .replace("IMAGE", "p.png")
        .replace(
            "10,10 190,10 190,30 10,30",
            "500,500 600,500 600,520 500,520",
        )
        .replace("10,70 190,70 190,90 10,90", "150,70 250,70 250,90 150,90");
    std::fs::write(&xml, page).unwrap();
    let doc = read(&xml);
    let mut crops = Crops::new();
    assert_eq!(crops.line(&doc, byte_of(&doc, "red"), 64), None);
    let img = decode(&crops.line(&doc, byte_of(&doc, "blue"), 64).unwrap());
    assert_eq!((img.width(), img.height()), (50, 20));
}

#[test]
fn a_multi_line_region_read_as_a_region_has_no_line() {
    let dir = tempfile::tempdir().unwrap();
    page_png().save(dir.path().join("p.png")).unwrap();
    let xml = dir.path().join("p.xml");
    // The region's own text, and no line with text: read at region level.
    let page = PAGE.replace("IMAGE", "p.png").replace(
        r#"<Coords points="10,10 190,10 190,90 10,90"/>"#,
        r#"<Coords points="10,10 190,10 190,90 10,90"/><TextEquiv><Unicode>all three</Unicode></TextEquiv>"#,
    );
    let page = page
        .replace("<TextEquiv><Unicode>red line</Unicode></TextEquiv>", "")
        .replace("<TextEquiv><Unicode>green line</Unicode></TextEquiv>", "")
        .replace("<TextEquiv><Unicode>blue line</Unicode></TextEquiv>", "");
    std::fs::write(&xml, page).unwrap();
    let doc = read(&xml);
    assert_eq!(doc.text, "all three");
    assert_eq!(doc.page_line(0), None);
    assert_eq!(Crops::new().line(&doc, 0, 64), None);
}

/// The errata page of a PAGE transcription shows, in the row of an entry, the line it is on:
/// the same pixels as the crop of that line.
#[test]
fn an_erratum_of_a_page_xml_witness_shows_its_line() {
    let dir = tempfile::tempdir().unwrap();
    page_png().save(dir.path().join("p.png")).unwrap();
    let (a, b) = (dir.path().join("a.page.xml"), dir.path().join("b.page.xml"));
    std::fs::write(&a, PAGE.replace("IMAGE", "p.png")).unwrap();
    std::fs::write(&b, PAGE.replace("IMAGE", "p.png").replace("green", "gren")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_witness"))
        .arg("errata")
        .arg(&b)
        .arg("--against")
        .arg(&a)
        .args(["--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    // One entry, on the second line; its row holds one image, that line's.
    assert_eq!(html.matches("<tr class=\"erratum ").count(), 1, "{html}");
    let img = &html[html.find("<img class=\"crop\" src=\"").expect("a crop") + 23..];
    let src = &img[..img.find('"').unwrap()];
    assert_eq!(html.matches("<img class=\"crop\"").count(), 1);
    let line = decode(src).to_luma8();
    assert_eq!((line.width(), line.height()), (180, 22));
    assert!(
        line.enumerate_pixels()
            .all(|(_, y, p)| p.0 == [if y < 2 { 255 } else { GREEN }])
    );
}
