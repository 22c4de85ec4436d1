//! `witness scan`: planted duplicates, quotations and stutters in generated text are found at
//! their exact positions, text without any yields nothing, and the corpus findings that the
//! issue names are there.

mod common;

use common::{Rng, file, witness};
use predicates::prelude::*;
use proptest::prelude::*;
use serde_json::Value;
use witness::scan::{FindingKind, ScanOptions, scan};
use witness::{Corpus, Profile};
use witness::{Document, ReadOptions};

/// Random Chinese prose: ideographs from a 3,000-character range, sentences of 8–30
/// characters ending in `。` or `，`, paragraphs of 2–5 sentences. Accidental repeats of three
/// characters or more are vanishingly rare.
fn prose(seed: u64, paragraphs: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for _ in 0..paragraphs {
        for s in 0..2 + rng.below(4) {
            for _ in 0..8 + rng.below(23) {
                out.push(rng.ideograph());
            }
            out.push(if s % 2 == 0 { '，' } else { '。' });
        }
        out.push_str("。\n");
    }
    out
}

fn doc(name: &str, text: &str) -> Document {
    Document::from_bytes(name, name, text.as_bytes(), &ReadOptions::default()).unwrap()
}

/// Findings of one kind as (doc, byte range) lists.
fn found(docs: Vec<Document>, kind: FindingKind) -> Vec<Vec<(usize, std::ops::Range<usize>)>> {
    let corpus = Corpus::new(docs, Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    s.findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| {
            f.locations
                .iter()
                .map(|l| (l.doc, l.range.clone()))
                .collect()
        })
        .collect()
}

/// Byte offset of the `n`-th character boundary at or after `at` that starts an ideograph.
fn ideograph_at(text: &str, at: usize) -> usize {
    text.char_indices()
        .map(|(i, _)| i)
        .find(|&i| {
            i >= at && ('\u{4E00}'..='\u{9FFF}').contains(&text[i..].chars().next().unwrap())
        })
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn unrelated_texts_yield_nothing(seed in any::<u64>()) {
        let corpus = Corpus::new(vec![doc("a", &prose(seed, 12)), doc("b", &prose(seed ^ 0xABCDEF, 12))], Profile::Loose);
        let s = scan(&corpus, &ScanOptions::default());
        prop_assert!(s.findings.is_empty(), "{:?}", s.findings);
        prop_assert!(s.coverage.is_empty());
    }

    #[test]
    fn planted_stutter_is_found_at_its_place(seed in any::<u64>(), pick in 0usize..1000, len in 3usize..8) {
        let base = prose(seed, 8);
        let at = ideograph_at(&base, pick * base.len() / 1000 % (base.len() / 2));
        let phrase: String = base[at..].chars().take(len).collect();
        prop_assume!(phrase.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)));
        // A phrase preceded by its own last character doubles just as well one character
        // earlier (`X|ABX|AB` is `XAB|XAB`): the place is then ambiguous, not wrong.
        prop_assume!(base[..at].chars().next_back() != phrase.chars().next_back());
        let end = at + phrase.len();
        let text = format!("{}{}{}", &base[..end], phrase, &base[end..]);
        let f = found(vec![doc("a", &text)], FindingKind::RepeatedPhrase);
        prop_assert_eq!(f, vec![vec![(0, at..end), (0, end..end + phrase.len())]]);
    }

    #[test]
    fn planted_quotation_is_one_passage_with_its_change(seed in any::<u64>(), pick in 0usize..1000) {
        let source = prose(seed, 10);
        let at = ideograph_at(&source, pick * source.len() / 1000 % (source.len() / 2));
        let quote: String = source[at..].chars().take(40).collect();
        // Strictly inside a paragraph, so that no paragraph of either side is a near duplicate.
        let end = at + quote.len();
        prop_assume!(!quote.contains('\n') && !source[..at].ends_with('\n') && at > 0);
        prop_assume!(!source[end..].starts_with(['\n', '。']));
        // The quotation changes one character in its middle.
        let mut changed: Vec<char> = quote.chars().collect();
        changed[20] = '巜';
        let changed: String = changed.into_iter().collect();
        let host = prose(seed ^ 0x5555, 6);
        let cut = host.find('，').unwrap() + '，'.len_utf8();
        let text = format!("{}“{}”{}", &host[..cut], changed, &host[cut..]);
        let quoted_at = cut + "“".len();
        let corpus = Corpus::new(vec![doc("source", &source), doc("host", &text)], Profile::Loose);
        let s = scan(&corpus, &ScanOptions::default());
        let passages: Vec<_> = s.findings.iter().filter(|f| f.kind == FindingKind::SharedPassage).collect();
        prop_assert_eq!(passages.len(), 1, "{:?}", s.findings);
        let p = passages[0];
        prop_assert_eq!(&p.locations[0].range, &(at..at + quote.len()));
        prop_assert_eq!(&p.locations[1].range, &(quoted_at..quoted_at + changed.len()));
        let edits = &p.comparison.as_ref().unwrap().edits;
        prop_assert_eq!(edits.len(), 1);
        prop_assert_eq!(&text[edits[0].b.clone()], "巜");
    }

    #[test]
    fn planted_duplicate_paragraph_is_found(seed in any::<u64>(), pick in 0usize..6) {
        let a = prose(seed, 6);
        let para = a.split_inclusive('\n').nth(pick).unwrap();
        // Below the minimum size (20 CJK characters) a repeated line is boilerplate, not a
        // duplicate.
        prop_assume!(para.trim_end().chars().count() >= 24);
        let start = a.split_inclusive('\n').take(pick).map(str::len).sum::<usize>();
        let b = format!("{}{}", prose(seed ^ 0x77, 3), para);
        let b_start = b.len() - para.len();
        let f = found(vec![doc("a", &a), doc("b", &b)], FindingKind::DuplicateParagraph);
        let trimmed = para.trim_end().len();
        prop_assert_eq!(f, vec![vec![(0, start..start + trimmed), (1, b_start..b_start + trimmed)]]);
    }
}

#[test]
fn ordinary_reduplication_is_not_a_stutter() {
    let text = "我们要研究研究这个问题，大家常来常往，看一看，蒸蒸日上。\n";
    assert!(found(vec![doc("a", text)], FindingKind::RepeatedPhrase).is_empty());
    let text = "充满活力、蒸蒸日上、蒸蒸日上的中亚。in the city in the city centre.\n";
    let f = found(vec![doc("a", text)], FindingKind::RepeatedPhrase);
    assert_eq!(f.len(), 2);
    assert_eq!(&text[f[0][0].1.clone()], "蒸蒸日上");
    assert_eq!(&text[f[1][1].1.clone()], "in the city");
}

fn corpus_json() -> Value {
    let out = witness()
        .args(["scan", "corpus", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn short(l: &Value) -> (String, u64, u64, u64, u64) {
    let path = l["path"].as_str().unwrap();
    let name = path.rsplit('/').next().unwrap()[..3].to_string();
    let n = |p: &str, f: &str| l[p][f].as_u64().unwrap();
    (
        name,
        n("start", "line"),
        n("start", "column"),
        n("end", "line"),
        n("end", "column"),
    )
}

#[test]
fn corpus_findings_named_by_the_issue() {
    let r = corpus_json();
    let findings = r["findings"].as_array().unwrap();
    let of = |kind: &'static str| findings.iter().filter(move |f| f["kind"] == kind);
    // 003's repeated block of paragraphs is one finding.
    let blocks: Vec<_> = of("duplicate_block")
        .filter(|f| short(&f["locations"][0]).0 == "003")
        .map(|f| (short(&f["locations"][0]), short(&f["locations"][1])))
        .collect();
    assert_eq!(
        blocks,
        [(
            ("003".into(), 179, 1, 191, 92),
            ("003".into(), 193, 1, 205, 92)
        )]
    );
    // The stutters of 003 and 004.
    let phrases: Vec<_> = of("repeated_phrase")
        .map(|f| {
            (
                short(&f["locations"][0]),
                f["locations"][0]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        phrases,
        [
            (("003".into(), 27, 20, 27, 24), "蒸蒸日上".to_string()),
            (("004".into(), 19, 124, 19, 127), "新业态".to_string())
        ]
    );
    // 004's keynote is one passage shared with 000, with 跨里海 → 跨海 inside.
    let text_len = |f: &Value| f["locations"][0]["text"].as_str().unwrap().chars().count();
    let keynote = of("shared_passage")
        .filter(|f| short(&f["locations"][0]).0 == "000" && short(&f["locations"][1]).0 == "004")
        .max_by_key(|f| text_len(f))
        .unwrap();
    assert!(text_len(keynote) > 2600);
    let li = keynote["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["a"]["text"] == "里")
        .unwrap();
    assert_eq!(li["kind"], "omission");
    // 002 quotes the keynote.
    assert!(
        of("shared_passage")
            .any(|f| short(&f["locations"][0]).0 == "000" && short(&f["locations"][1]).0 == "002")
    );
    // In 003 a news paragraph repeats the end of the keynote's eighth point.
    let eighth = of("near_duplicate")
        .find(|f| short(&f["locations"][0]).0 == "003" && short(&f["locations"][1]).0 == "003")
        .unwrap();
    assert_eq!(short(&eighth["locations"][0]).1, 67);
    assert_eq!(short(&eighth["locations"][1]).1, 175);
    // Coverage: 004 carries the Chinese part of 000.
    let cov = r["summary"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["a"] == "corpus/000_3eb5e8de57179c45.txt"
                && c["b"] == "corpus/004_74678af65d43f56c.txt"
        })
        .unwrap();
    let a_chars = cov["a_shared_chars"].as_u64().unwrap();
    assert!((2600..2800).contains(&a_chars), "{cov}");
}

#[test]
fn bad_files_are_skipped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "bad.txt", b"ab\x00cd");
    file(
        dir.path(),
        "good.txt",
        "充满活力、蒸蒸日上、蒸蒸日上的中亚。\n".as_bytes(),
    );
    file(dir.path(), "ignored.md", b"\x00");
    let bad = dir.path().join("bad.txt");
    witness()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(format!(
            "witness: skipped {}: looks binary (NUL byte at byte offset 2); if it is UTF-16 without a byte-order mark, pass --encoding UTF-16LE or --encoding UTF-16BE\n",
            bad.display()
        ))
        .stdout(predicate::str::contains("repeated_phrase: \"蒸蒸日上\" written twice"));
}

#[test]
fn nothing_readable_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = file(dir.path(), "bad.txt", b"\x00");
    witness()
        .arg("scan")
        .arg(&bad)
        .arg("missing.txt")
        .assert()
        .code(2)
        .stderr(predicate::str::ends_with(
            "witness: error: nothing could be read (2 skipped); check the paths above\n",
        ));
}

#[test]
fn nothing_found_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.txt", prose(1, 5).as_bytes());
    file(dir.path(), "b.txt", prose(2, 5).as_bytes());
    witness()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with("\n0 findings\n"));
}

#[test]
fn kinds_select_findings() {
    let out = witness()
        .args([
            "scan",
            "corpus",
            "--kinds",
            "repeated_phrase,boilerplate",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: std::collections::BTreeSet<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["boilerplate", "repeated_phrase"].into());
    // The shared text between files comes with shared passages only: not looked for here.
    assert_eq!(r["summary"]["coverage"], serde_json::json!([]));
    let out = witness()
        .args(["scan", "corpus", "--kinds", "shared_passage", "-f", "json"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pairs = r["summary"]["coverage"].as_array().unwrap().len();
    assert_eq!(
        pairs,
        corpus_json()["summary"]["coverage"]
            .as_array()
            .unwrap()
            .len()
    );
    assert!(pairs > 0);
}

#[test]
fn bad_threshold_is_refused() {
    witness()
        .args(["scan", "corpus", "--threshold", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"1.5\" is not a number between 0 and 1",
        ));
}

#[test]
fn corpus_scan_snapshots() {
    for (name, format) in [("scan_corpus_text", "text"), ("scan_corpus_json", "json")] {
        let out = witness()
            .args(["scan", "corpus", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        common::snapshots().bind(|| insta::assert_snapshot!(name, text));
    }
}

/// Every finding of a scan as (kind, number of places).
fn kinds_and_places(docs: Vec<Document>) -> Vec<(FindingKind, usize)> {
    let corpus = Corpus::new(docs, Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    s.findings
        .iter()
        .map(|f| (f.kind, f.locations.len()))
        .collect()
}

/// Issue 14: output grows with what is distinct, not with repetitions. A paragraph repeated
/// 1,000 times in place is one finding with 1,000 places; an article of several paragraphs
/// repeated 50 times, the last copy cut short, one block with 51 places (the first copies
/// start at the article's first line, which is too short to be a duplicate itself).
#[test]
fn text_repeated_in_place_is_one_finding() {
    let paragraph = prose(7, 1).replace('\n', "\n\n");
    let text = paragraph.repeat(1000);
    assert_eq!(
        kinds_and_places(vec![doc("p.txt", &text)]),
        [(FindingKind::DuplicateParagraph, 1000)]
    );
    let article = format!("标题\n\n{}", prose(8, 6).replace('\n', "\n\n"));
    let cut = article.len() / 2;
    let cut = (cut..).find(|&i| article.is_char_boundary(i)).unwrap();
    let text = article.repeat(50) + &article[..cut];
    let found = kinds_and_places(vec![doc("a.txt", &text)]);
    assert_eq!(found, [(FindingKind::DuplicateBlock, 51)], "{found:?}");
    // The text report lists the first places and counts the rest.
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "a.txt", text.as_bytes());
    let out = witness()
        .current_dir(dir.path())
        .args(["scan", "a.txt"])
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("… and 31 more places (all in --format json)"),
        "{report}"
    );
    assert!(report.lines().count() < 40, "{report}");
    // A run of one character: one phrase of three written 1,000 times.
    let run = format!("开始。{}。结束。\n", "长".repeat(3000));
    assert_eq!(
        kinds_and_places(vec![doc("c.txt", &run)]),
        [(FindingKind::RepeatedPhrase, 1000)]
    );
}

/// Two files with the same text are one `identical` finding, not a block plus paragraphs and
/// boilerplate; what a third file shares with them is reported once.
#[test]
fn identical_files_are_one_finding() {
    let text = prose(9, 12);
    let third = format!(
        "{}{}",
        prose(10, 3),
        text.lines().take(4).collect::<Vec<_>>().join("\n")
    );
    let found = kinds_and_places(vec![
        doc("x.txt", &text),
        doc("y.txt", &text),
        doc("z.txt", &third),
    ]);
    assert_eq!(found[0], (FindingKind::Identical, 2), "{found:?}");
    let corpus = Corpus::new(
        vec![
            doc("x.txt", &text),
            doc("y.txt", &text),
            doc("z.txt", &third),
        ],
        Profile::Loose,
    );
    let s = scan(&corpus, &ScanOptions::default());
    assert!(
        s.findings
            .iter()
            .skip(1)
            .all(|f| f.locations.iter().all(|l| l.doc != 1)),
        "y.txt is reported only as identical to x.txt"
    );
    assert!(
        s.findings
            .iter()
            .skip(1)
            .any(|f| f.locations.iter().any(|l| l.doc == 2))
    );
}

/// A block of paragraphs in several files is one finding with a place in each (a licence
/// in 153 books was 11,628 findings, one per pair of books). Where two of the files share a
/// longer block, that is a finding of its own.
#[test]
fn a_block_in_many_files_is_one_finding() {
    // (`Rng` makes one sequence of seeds 2n and 2n + 1.)
    let (block, fourth) = (prose(50, 3), prose(52, 1));
    let texts: Vec<String> = (0..5u64)
        .map(|i| {
            // Files 0 and 1 go on with the same fourth paragraph.
            let next = if i < 2 {
                fourth.clone()
            } else {
                prose(200 + 2 * i, 1)
            };
            format!(
                "{}{block}{next}{}",
                prose(100 + 2 * i, 3),
                prose(300 + 2 * i, 2)
            )
        })
        .collect();
    let place = |d: usize, paragraphs: &str| {
        let start = texts[d].find(&block).unwrap();
        (d, start..start + paragraphs.trim_end().len())
    };
    let docs = (0..5)
        .map(|i| doc(&format!("{i}.txt"), &texts[i]))
        .collect();
    let longer = format!("{block}{fourth}");
    assert_eq!(
        found(docs, FindingKind::DuplicateBlock),
        [
            (0..5).map(|d| place(d, &block)).collect::<Vec<_>>(),
            vec![place(0, &longer), place(1, &longer)],
        ]
    );
}

/// A place in a file identical to another is dropped from a finding of several places, which
/// stays for the others: a line in four files, two of them the same text, is boilerplate in
/// three.
#[test]
fn a_copy_leaves_a_finding_of_several_places() {
    let line = "新华社北京电\n";
    let texts = [
        format!("{line}{}", prose(60, 3)),
        format!("{line}{}", prose(62, 3)),
        format!("{line}{}", prose(64, 3)),
    ];
    let docs = vec![
        doc("a.txt", &texts[0]),
        doc("b.txt", &texts[1]),
        doc("c.txt", &texts[0]),
        doc("d.txt", &texts[2]),
    ];
    let corpus = Corpus::new(docs, Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    let kinds: Vec<(FindingKind, Vec<usize>)> = s
        .findings
        .iter()
        .map(|f| (f.kind, f.locations.iter().map(|l| l.doc).collect()))
        .collect();
    assert_eq!(
        kinds,
        [
            (FindingKind::Identical, vec![0, 2]),
            (FindingKind::Boilerplate, vec![0, 1, 3]),
        ]
    );
}

/// Issue 14: titles of a numbered series are not near-duplicates of each other; a long
/// paragraph that differs in a number is (that is how a transcription error looks).
#[test]
fn a_numbered_series_is_not_a_near_duplicate() {
    let title = |n: &str| format!("秋日登高寄懷故園諸友兼呈同社諸公其{n}（易靜）\n\n");
    let body = prose(11, 1).replace('\n', "\n\n");
    let series = format!("{}{body}{}{}", title("十"), title("十六"), prose(12, 1));
    let near = found(vec![doc("s.txt", &series)], FindingKind::NearDuplicate);
    assert!(near.is_empty(), "{near:?}");
    let long = "两年来，中国同中亚国家共建一带一路走深走实，贸易额增长百分之三十五，合作成果丰硕，人民获得感不断增强。";
    let a = format!("{long}\n");
    let b = format!("{}\n", long.replace("三十五", "二十五"));
    let near = found(
        vec![doc("a.txt", &a), doc("b.txt", &b)],
        FindingKind::NearDuplicate,
    );
    assert_eq!(near.len(), 1, "{near:?}");
    // A series whose titles also name a category (霧, 雨) besides their numbers: members, not
    // copies (the Quan Tang Shi's 兵要望江南, 0.80–0.84 similar). Titles with the same
    // numbers that differ in a character are a variant: reported.
    let a = "兵要望江南 占霧第五（京本列第八○十首） 一（易靜）\n\n";
    let b = "兵要望江南 占雨第八（京本列第二○十七首） 一（易靜）\n\n";
    let near = found(
        vec![doc("a.txt", a), doc("b.txt", b)],
        FindingKind::NearDuplicate,
    );
    assert!(near.is_empty(), "{near:?}");
    let (a, b) = (title("十"), title("十").replace("諸公", "諸君"));
    let near = found(
        vec![doc("a.txt", &a), doc("b.txt", &b)],
        FindingKind::NearDuplicate,
    );
    assert_eq!(near, vec![vec![(0, 0..66), (1, 0..66)]]);
}

/// A template filled in (a collection's header, each file's own number in it) is a numbered
/// series however long its paragraph: at least four places, most with numbers of their own.
/// The versions of one text agree on most of their numbers: a number read differently in one
/// of four copies, or differently in each of three, or three ways among nine copies, is still
/// reported.
#[test]
fn a_template_filled_in_is_not_a_near_duplicate() {
    let header = |n: u32| {
        format!(
            "***** This file should be named {n}.txt or {n}.zip *****\nThis and all associated \
             files of various formats will be found in the archive under {n}.\n\n"
        )
    };
    let files: Vec<Document> = [76u32, 119, 245, 3177, 8525]
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let text = format!("{}{}", header(n), prose(40 + 2 * i as u64, 2));
            doc(&format!("{n}.txt"), &text)
        })
        .collect();
    assert_eq!(
        found(files, FindingKind::NearDuplicate),
        Vec::<Vec<_>>::new()
    );
    // Four copies of a paragraph, one reading 二十五 where the others read 三十五: the three
    // pairs with the odd one out.
    let long = "两年来，中国同中亚国家共建一带一路走深走实，贸易额增长百分之三十五，合作成果丰硕，人民获得感不断增强。\n";
    let len = long.trim_end().len();
    // Each file has a paragraph of its own too (identical files would be one finding).
    let copies = |readings: &[&str]| -> Vec<Document> {
        readings
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let text = format!(
                    "{}\n{}",
                    long.replace("三十五", r),
                    prose(60 + 2 * i as u64, 1)
                );
                doc(&format!("{i}.txt"), &text)
            })
            .collect()
    };
    let near = found(
        copies(&["三十五", "三十五", "二十五", "三十五"]),
        FindingKind::NearDuplicate,
    );
    let pair = |x: usize, y: usize| vec![(x, 0..len), (y, 0..len)];
    assert_eq!(near, vec![pair(0, 2), pair(1, 2), pair(2, 3)]);
    // Three copies, three readings: still three versions of one text.
    let near = found(
        copies(&["三十五", "二十五", "四十五"]),
        FindingKind::NearDuplicate,
    );
    assert_eq!(near, vec![pair(0, 1), pair(0, 2), pair(1, 2)]);
    // Four readings in four places: a series.
    let near = found(
        copies(&["三十五", "二十五", "四十五", "五十五"]),
        FindingKind::NearDuplicate,
    );
    assert_eq!(near, Vec::<Vec<_>>::new());
    // Four readings in nine places, six of them agreeing: versions. Each of the three odd
    // ones with each of the six, and with each other.
    let mut readings = vec!["三十五"; 6];
    readings.extend(["二十五", "四十五", "五十五"]);
    let near = found(copies(&readings), FindingKind::NearDuplicate);
    assert_eq!(near.len(), 6 * 3 + 3, "{near:?}");
}

/// A pair exactly at the threshold is a near duplicate: 25 characters, 5 of them substituted
/// (similarity 0.8), sharing only five 4-grams. The bound that rules candidates out before
/// they are compared allowed 4 edits, not 5, until it was taken from the similarity itself
/// (`1 − 0.8` is 0.19999999999999996 in floating point).
#[test]
fn a_pair_exactly_at_the_threshold_is_a_near_duplicate() {
    let a: String = "春江潮水連海平明月共生夜光灩隨波千萬里何處無秋色"
        .chars()
        .chain(['。'])
        .collect();
    let swap = ['山', '雲', '風', '花', '雪'];
    let b: String = a
        .chars()
        .enumerate()
        .map(|(i, c)| if i % 5 == 0 { swap[i / 5] } else { c })
        .collect();
    assert_eq!((a.chars().count(), b.chars().count()), (25, 25));
    let near = found(
        vec![
            doc("a.txt", &format!("{a}\n")),
            doc("b.txt", &format!("{b}\n")),
        ],
        FindingKind::NearDuplicate,
    );
    assert_eq!(near, vec![vec![(0, 0..a.len()), (1, 0..b.len())]]);
}

/// Issue 14: each doubled phrase says whether it looks like a copying error or a repetition
/// that is meant, and why.
#[test]
fn repeated_phrases_carry_a_verdict() {
    use witness::scan::{Repetition, repetition};
    let cases = [
        (
            "天涯何处无芳草，天涯何处无芳草，此情可待。\n",
            Repetition::Deliberate,
        ),
        ("大家说：欢迎你！欢迎你！\n", Repetition::Deliberate),
        ("我们要进一步、进一步加强合作。\n", Repetition::LikelyError),
        (
            "跨境电商等新业态新业态惠及各国。\n",
            Repetition::LikelyError,
        ),
    ];
    for (text, want) in cases {
        let corpus = Corpus::new(vec![doc("t.txt", text)], Profile::Loose);
        let s = scan(&corpus, &ScanOptions::default());
        let f = s
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::RepeatedPhrase)
            .unwrap_or_else(|| panic!("no repeated phrase in {text}"));
        assert_eq!(
            repetition(corpus.docs(), f).map(|r| r.0),
            Some(want),
            "{text}"
        );
    }
}

// Seeds below are odd and distinct: `Rng::new` sets the lowest bit.

/// Issue 14: one copy is one passage. A copy of three paragraphs with a sentence inserted in
/// the middle one (beyond the seeds' reach) is one shared passage from the copy's first
/// character to its last, whose one variant is the insertion — not two passages plus the two
/// untouched paragraphs as duplicates.
#[test]
fn a_copy_with_an_insertion_is_one_passage() {
    let copy = prose(103, 3);
    let lines: Vec<&str> = copy.lines().collect();
    let inserted = "（本报记者注：以上内容根据现场录音整理，略有删节，文字未经本人审阅。）";
    let half = lines[1]
        .char_indices()
        .nth(lines[1].chars().count() / 2)
        .unwrap()
        .0;
    let edited = format!(
        "{}\n{}{inserted}{}\n{}\n",
        lines[0],
        &lines[1][..half],
        &lines[1][half..],
        lines[2]
    );
    let a = format!("{}{copy}{}", prose(101, 1), prose(105, 1));
    let b = format!("{}{edited}{}", prose(107, 1), prose(109, 1));
    let corpus = Corpus::new(vec![doc("a.txt", &a), doc("b.txt", &b)], Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    let kinds: Vec<FindingKind> = s.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FindingKind::SharedPassage], "{:?}", s.findings);
    let f = &s.findings[0];
    let start_a = a.find(lines[0]).unwrap();
    let start_b = b.find(lines[0]).unwrap();
    assert_eq!(
        (f.locations[0].range.clone(), f.locations[1].range.clone()),
        (
            start_a..start_a + copy.trim_end().len(),
            start_b..start_b + edited.trim_end().len()
        )
    );
    let c = f.comparison.as_ref().unwrap();
    let variants: Vec<&str> = c.variants().map(|(e, _)| &b[e.b.clone()]).collect();
    assert_eq!(variants, [inserted]);
}

/// Near duplicates and passages are classified after the merge has kept them: each reported
/// one carries exactly the comparison of its two locations, as comparing them afresh gives
/// it, and none is left unclassified. On the seed corpus and on a copy with an insertion,
/// where the pieces of a passage are joined (each piece was a candidate) and a near
/// duplicate paragraph inside it is dropped.
#[test]
fn every_reported_variant_is_the_comparison_of_its_locations() {
    let copy = prose(211, 4);
    let edited = copy
        .replacen('，', "、", 1)
        .replacen("。\n", "。（注）\n", 1);
    let mut docs: Vec<Document> = std::fs::read_dir("corpus")
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| Document::read(&p, &ReadOptions::default()).unwrap())
        .collect();
    docs.push(doc("a.txt", &format!("{}{copy}", prose(213, 1))));
    docs.push(doc("b.txt", &format!("{}{edited}", prose(215, 1))));
    let corpus = Corpus::new(docs, Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    let mut compared = [0, 0];
    for f in &s.findings {
        let k = match f.kind {
            FindingKind::NearDuplicate => 0,
            FindingKind::SharedPassage => 1,
            _ => continue,
        };
        compared[k] += 1;
        let c = f.comparison.as_ref().expect("classified");
        let (x, y) = (&f.locations[0], &f.locations[1]);
        let text = |l: &witness::scan::Location| &s.docs[l.doc].text[l.range.clone()];
        let fresh = witness::diff::compare_for_similarity(text(x), text(y), Profile::Loose)
            .shifted(x.range.start, y.range.start);
        assert_eq!(f.similarity, fresh.similarity());
        let edits = |c: &witness::diff::Comparison| format!("{:?}", c.edits);
        assert_eq!(edits(c), edits(&fresh), "{:?}", f.locations);
    }
    assert!(compared[0] > 0 && compared[1] > 0, "{compared:?}");
}

/// Issue 14: the same poem under two titles is one duplicate paragraph, not also a shared
/// passage that starts on the closing bracket of the title above it.
#[test]
fn a_poem_under_two_titles_is_one_finding() {
    let poem = |seed: u64| prose(seed, 1).trim_end().to_string();
    let a = format!(
        "卷一 甲篇（李世民）\n\n{}\n\n卷二 乙篇（李世民）\n\n{}\n",
        poem(111),
        poem(113)
    );
    let b = format!(
        "卷九 丙篇（無名氏）\n\n{}\n\n卷十 丁篇（無名氏）\n\n{}\n",
        poem(115),
        poem(111)
    );
    let found = kinds_and_places(vec![doc("a.txt", &a), doc("b.txt", &b)]);
    assert_eq!(found, [(FindingKind::DuplicateParagraph, 2)]);
}

/// Issue 14: a copy inside a larger paragraph is a passage at the copy's extent, not a
/// paragraph near-duplicate whose variants are the text around it.
#[test]
fn a_copy_inside_a_paragraph_is_a_passage() {
    let q = prose(117, 1).trim_end().to_string();
    let around = prose(119, 2);
    let (before, after) = around.split_once('\n').unwrap();
    let a = format!("{}{q}\n{}", prose(121, 1), prose(123, 1));
    let b = format!("{}{before}{q}{after}{}", prose(125, 1), prose(127, 1));
    let corpus = Corpus::new(vec![doc("a.txt", &a), doc("b.txt", &b)], Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    let got: Vec<(FindingKind, Vec<std::ops::Range<usize>>)> = s
        .findings
        .iter()
        .map(|f| {
            (
                f.kind,
                f.locations.iter().map(|l| l.range.clone()).collect(),
            )
        })
        .collect();
    let (qa, qb) = (a.find(&q).unwrap(), b.find(&q).unwrap());
    assert_eq!(
        got,
        [(
            FindingKind::SharedPassage,
            vec![qa..qa + q.len(), qb..qb + q.len()]
        )]
    );
}

/// Issue 14: boilerplate is what is too short to be a duplicate (a dateline); a quatrain of at
/// least the minimum size in three files is a duplicate paragraph with its three places.
#[test]
fn a_poem_in_three_files_is_a_duplicate_not_boilerplate() {
    let poem = "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。";
    let dateline = "新华社北京6月18日电";
    let docs: Vec<Document> = [(131u64, "a.txt"), (133, "b.txt"), (135, "c.txt")]
        .iter()
        .map(|&(seed, name)| {
            doc(
                name,
                &format!(
                    "{dateline}\n{}{poem}\n{}",
                    prose(seed, 1),
                    prose(seed + 10, 1)
                ),
            )
        })
        .collect();
    assert_eq!(
        kinds_and_places(docs),
        [
            (FindingKind::DuplicateParagraph, 3),
            (FindingKind::Boilerplate, 3)
        ]
    );
}

/// Issue 14: a passage extends over a small difference at its edge. A quotation that keeps a
/// doubled character the transcription lost (`烟波茫茫` / `烟波茫`) right at its start is one
/// passage from `烟` on both sides with the difference as its variant — not a passage that
/// starts after it (19 characters: too short to be found at all).
#[test]
fn a_passage_starts_where_the_copy_does_across_a_difference() {
    let a = format!(
        "{}烟波茫的湖面上，渔船往来穿梭，一片繁忙景象。\n{}",
        prose(141, 1),
        prose(143, 1)
    );
    let b = format!(
        "{}他写道：“烟波茫茫的湖面上，渔船往来穿梭，一片繁忙景象。”{}",
        prose(145, 1),
        prose(147, 1)
    );
    let corpus = Corpus::new(vec![doc("a.txt", &a), doc("b.txt", &b)], Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    assert_eq!(s.findings.len(), 1, "{:?}", s.findings);
    let f = &s.findings[0];
    assert_eq!(f.kind, FindingKind::SharedPassage);
    let (ra, rb) = (f.locations[0].range.clone(), f.locations[1].range.clone());
    assert_eq!(&a[ra], "烟波茫的湖面上，渔船往来穿梭，一片繁忙景象。");
    assert_eq!(&b[rb], "烟波茫茫的湖面上，渔船往来穿梭，一片繁忙景象。");
    let c = f.comparison.as_ref().unwrap();
    let variants: Vec<(&str, &str)> = c
        .variants()
        .map(|(e, _)| (&a[e.a.clone()], &b[e.b.clone()]))
        .collect();
    assert_eq!(variants, [("", "茫")]);
}

/// Issue 14: the report lists doubled phrases that look like copying errors before the ones
/// that look meant, whatever their order in the text.
#[test]
fn likely_errors_come_before_deliberate_repetitions() {
    use witness::scan::{Repetition, repetition};
    let text = "天涯何处无芳草，天涯何处无芳草，此情可待。\n我们要进一步、进一步加强合作。\n";
    let corpus = Corpus::new(vec![doc("t.txt", text)], Profile::Loose);
    let s = scan(&corpus, &ScanOptions::default());
    let order: Vec<(Repetition, usize)> = s
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::RepeatedPhrase)
        .map(|f| (repetition(s.docs, f).unwrap().0, f.locations[0].range.start))
        .collect();
    let error_at = text.find("进一步").unwrap();
    assert_eq!(
        order,
        [
            (Repetition::LikelyError, error_at),
            (Repetition::Deliberate, 0)
        ]
    );
}
