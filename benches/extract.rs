//! `cargo bench --bench extract`: reading structured formats (issue 15).
//!
//! A batch of 1,000 generated ALTO pages of 50 KB (50 MB, like a newspaper issue's OCR):
//! a whole document read (`Document::from_bytes`: digests, decoding, the reader, line
//! indexes), the reader alone (parse, text in order with hyphenation joined, the map of every
//! piece to its byte, line, column and element), and the XML parser alone (roxmltree building
//! its tree: the floor for any reader built on it).

use std::path::Path;

use divan::Bencher;
use witness::{Document, ReadOptions};

mod inputs;

fn main() {
    divan::main();
}

fn pages() -> Vec<String> {
    let corpus = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"));
    inputs::alto_pages(corpus, 1000, 50 << 10)
}

#[divan::bench(sample_count = 5)]
fn alto_50mb_read(bencher: Bencher) {
    let pages = pages();
    bencher
        .counter(divan::counter::BytesCount::new(
            pages.iter().map(String::len).sum::<usize>(),
        ))
        .bench(|| {
            let opts = ReadOptions::default();
            pages
                .iter()
                .map(|p| {
                    Document::from_bytes("p.xml", "p", p.as_bytes(), &opts)
                        .unwrap()
                        .text
                        .len()
                })
                .sum::<usize>()
        });
}

/// The reader alone: text and source map from the decoded page, without what every document
/// gets (digests of the bytes and of the canonical text, the text's line index).
#[divan::bench(sample_count = 5)]
fn alto_50mb_extract_only(bencher: Bencher) {
    let pages = pages();
    let opts = witness::ExtractOptions::default();
    bencher
        .counter(divan::counter::BytesCount::new(
            pages.iter().map(String::len).sum::<usize>(),
        ))
        .bench(|| {
            pages
                .iter()
                .map(|p| {
                    witness::extract::extract(witness::InputFormat::Alto, p, &opts)
                        .unwrap()
                        .text
                        .len()
                })
                .sum::<usize>()
        });
}

#[divan::bench(sample_count = 5)]
fn alto_50mb_parse_only(bencher: Bencher) {
    let pages = pages();
    bencher
        .counter(divan::counter::BytesCount::new(
            pages.iter().map(String::len).sum::<usize>(),
        ))
        .bench(|| {
            pages
                .iter()
                .map(|p| roxmltree::Document::parse(p).unwrap().descendants().count())
                .sum::<usize>()
        });
}
