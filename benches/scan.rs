//! `cargo bench --bench scan`: `witness scan` on a generated corpus of 10,000 documents
//! (~20 MB of Chinese prose) with 200 planted duplicates, near duplicates, quotations and
//! stutters each. Prints the recall of each planted kind, then times the scan (target: under
//! 30 s on 2 cores). Also scans text repeated in place (a paragraph 10,000 times, an article
//! repeated to 3 MB) and prints its findings and report sizes, then times those scans.

use divan::Bencher;
use witness::scan::{FindingKind, Scan, ScanOptions, scan};
use witness::{Corpus, Document, Profile, ReadOptions};

mod inputs;

const DOCS: usize = 10_000;
const PER_KIND: usize = 200;

fn documents() -> (Vec<Document>, inputs::Planted) {
    let (texts, planted) = inputs::scan_corpus(DOCS, PER_KIND, 7);
    let docs = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = format!("doc{i:05}.txt");
            Document::from_bytes(&name, &name, t.as_bytes(), &ReadOptions::default()).unwrap()
        })
        .collect();
    (docs, planted)
}

/// Share of planted pairs that a finding of one of `kinds` links.
fn recall(s: &Scan, kinds: &[FindingKind], pairs: &[(usize, usize)]) -> f64 {
    let linked: std::collections::HashSet<(usize, usize)> = s
        .findings
        .iter()
        .filter(|f| kinds.contains(&f.kind))
        .flat_map(|f| {
            let docs: Vec<usize> = f.locations.iter().map(|l| l.doc).collect();
            let mut pairs = Vec::new();
            for (i, &x) in docs.iter().enumerate() {
                for &y in &docs[i + 1..] {
                    pairs.push((x.min(y), x.max(y)));
                }
            }
            pairs
        })
        .collect();
    pairs.iter().filter(|p| linked.contains(p)).count() as f64 / pairs.len().max(1) as f64
}

fn main() {
    let (docs, planted) = documents();
    let bytes: usize = docs.iter().map(|d| d.byte_len).sum();
    let corpus = Corpus::new(docs, Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    let stutters = planted
        .stutters
        .iter()
        .filter(|&&(d, at)| {
            s.findings.iter().any(|f| {
                f.kind == FindingKind::RepeatedPhrase
                    && f.locations[0].doc == d
                    && f.locations[0].range.start == at
            })
        })
        .count();
    println!(
        "scan corpus: {DOCS} documents, {:.1} MB; recall: duplicates {:.3}, near duplicates {:.3}, quotations {:.3}, stutters {:.3}; {} findings",
        bytes as f64 / 1e6,
        recall(
            &s,
            &[FindingKind::DuplicateParagraph, FindingKind::DuplicateBlock],
            &planted.duplicates
        ),
        recall(&s, &[FindingKind::NearDuplicate], &planted.near_duplicates),
        recall(
            &s,
            &[FindingKind::SharedPassage, FindingKind::NearDuplicate],
            &planted.quotations
        ),
        stutters as f64 / planted.stutters.len().max(1) as f64,
        s.findings.len()
    );
    // Repetition (issue 14): findings and report size grow with what is distinct.
    for (name, text) in repeated_inputs() {
        let corpus = Corpus::new(vec![doc(&name, &text)], Profile::Loose);
        let s = scan(&corpus, &ScanOptions::default());
        let report = witness::report::scan::text(&s, &[], false);
        let json = witness::report::scan::json(&s, &[]);
        println!(
            "{name}: {:.1} MB; {} findings ({}), text report {} bytes, JSON {} bytes",
            text.len() as f64 / 1e6,
            s.findings.len(),
            s.findings
                .iter()
                .map(|f| format!("{} ×{}", f.kind.name(), f.locations.len()))
                .collect::<Vec<_>>()
                .join(", "),
            report.len(),
            json.len()
        );
    }
    divan::main();
}

fn doc(name: &str, text: &str) -> Document {
    Document::from_bytes(name, name, text.as_bytes(), &ReadOptions::default()).unwrap()
}

/// A paragraph repeated 10,000 times in place, and an article of the corpus repeated to
/// 3 MB (its last copy cut short).
fn repeated_inputs() -> Vec<(String, String)> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let article = inputs::article(&corpus, 20_000, 3);
    let paragraph = article
        .lines()
        // A line with an unclosed quotation mark, or that stops mid-sentence, runs on into
        // the next paragraph (the paragraph rules join them): its copies would make one
        // paragraph (see the README's limits).
        .find(|p| p.chars().count() >= 40 && p.ends_with('。') && !p.contains(['“', '”', '"']))
        .unwrap_or(&article)
        .to_string();
    let mut repeated = article.repeat(3_000_000 / article.len() + 1);
    let mut cut = 3_000_000;
    while !repeated.is_char_boundary(cut) {
        cut -= 1;
    }
    repeated.truncate(cut);
    vec![
        (
            "paragraph ×10,000".to_string(),
            format!("{paragraph}\n\n").repeat(10_000),
        ),
        ("article repeated to 3 MB".to_string(), repeated),
    ]
}

#[divan::bench(sample_count = 5)]
fn scan_repeated_in_place(bencher: Bencher) {
    bencher.with_inputs(repeated_inputs).bench_values(|inputs| {
        inputs
            .iter()
            .map(|(name, text)| {
                let corpus = Corpus::new(vec![doc(name, text)], Profile::Loose);
                scan(&corpus, &ScanOptions::default()).findings.len()
            })
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 3)]
fn scan_10k_documents(bencher: Bencher) {
    bencher.with_inputs(|| documents().0).bench_values(|docs| {
        let corpus = Corpus::new(docs, Profile::Loose);
        scan(&corpus, &ScanOptions::default()).findings.len()
    });
}
