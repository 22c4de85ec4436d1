//! Writes the generated benchmark inputs to a directory, to measure the whole command (time,
//! memory) and to run other tools on the same files:
//! `cargo run --release --example bench_inputs -- /tmp/witness-bench`.

#[path = "../benches/inputs.rs"]
mod inputs;

use std::path::{Path, PathBuf};

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "witness-bench".into()),
    );
    std::fs::create_dir_all(&out)?;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let a = inputs::chinese_text(&corpus, 1 << 20, 1);
    std::fs::write(out.join("a-1mb.txt"), &a)?;
    std::fs::write(
        out.join("a-1mb-edited.txt"),
        inputs::scattered_edits(&a, 10, 2),
    )?;
    let other = inputs::unrelated(&inputs::chinese_text(&corpus, 1 << 20, 3));
    std::fs::write(out.join("unrelated-1mb.txt"), other)?;
    // A 200,000-character ground truth and a transcription with 5% of characters edited.
    let gt: String = inputs::chinese_text(&corpus, 700_000, 4)
        .chars()
        .take(200_000)
        .collect();
    std::fs::write(out.join("gt-200k.txt"), &gt)?;
    std::fs::write(
        out.join("ocr-200k.txt"),
        inputs::scattered_edits(&gt, 50, 5),
    )?;
    let scan_dir = out.join("scan-corpus");
    std::fs::create_dir_all(&scan_dir)?;
    let (docs, _) = inputs::scan_corpus(10_000, 200, 7);
    for (i, text) in docs.iter().enumerate() {
        std::fs::write(scan_dir.join(format!("doc{i:05}.txt")), text)?;
    }
    let audit_dir = out.join("audit-collection");
    std::fs::create_dir_all(&audit_dir)?;
    let (docs, _) = inputs::audit_collection(1000, 44, 11);
    for (i, text) in docs.iter().enumerate() {
        std::fs::write(audit_dir.join(format!("doc{i:04}.txt")), text)?;
    }
    repeated(&out, &corpus)?;
    println!(
        "wrote repeated-3mb*.txt, repeated-30mb*.txt, audit-collection/ (1,000 files, 44 witness pairs), a-1mb.txt, a-1mb-edited.txt, unrelated-1mb.txt, gt-200k.txt, ocr-200k.txt and scan-corpus/ (10,000 files) to {}",
        out.display()
    );
    Ok(())
}

/// The repeated-article case (issue 13): a ~21 KB article of corpus sentences repeated to
/// 3 MB and to 30 MB, and the same with 10 and 96 single-character edits.
fn repeated(out: &Path, corpus: &Path) -> std::io::Result<()> {
    let article = inputs::article(corpus, 21_500, 13);
    for (name, bytes, edits) in [("3mb", 3 << 20, 10), ("30mb", 30 << 20, 96)] {
        let (a, b, planted) = inputs::repeated_with_edits(&article, bytes, edits, 17);
        std::fs::write(out.join(format!("repeated-{name}.txt")), a)?;
        std::fs::write(out.join(format!("repeated-{name}-edited.txt")), b)?;
        let places: Vec<String> = planted
            .iter()
            .map(|p| format!("{}..{}\t{}..{}", p.a.start, p.a.end, p.b.start, p.b.end))
            .collect();
        std::fs::write(
            out.join(format!("repeated-{name}-planted.tsv")),
            places.join("\n") + "\n",
        )?;
    }
    Ok(())
}
