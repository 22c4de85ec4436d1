//! `witness collate` and `witness errata`: the corpus acceptance cases (snapshots), TEI that
//! parses, and planted errors in generated text: right proposals where the evidence is clear,
//! "uncertain" where it is not.

mod common;

use common::{NEWSPAPER, OFFICIAL, Rng, file, run, snapshots, witness};
use proptest::prelude::*;
use serde_json::Value;
use witness::errata::{Confidence, Verdict};
use witness::{Corpus, Document, Profile, ReadOptions, errata_of};

/// A corpus of the target (id 0), its references (ids 1…) and other documents.
fn corpus(
    target: Document,
    references: Vec<Document>,
    others: Vec<Document>,
) -> (Corpus, Vec<usize>) {
    let refs = (1..=references.len()).collect();
    let mut witnesses = vec![target];
    witnesses.extend(references);
    (
        Corpus::with_witnesses(witnesses, others, Profile::Loose),
        refs,
    )
}

#[test]
fn errata_of_the_newspaper_keynote() {
    let md = run(&[
        "errata",
        NEWSPAPER,
        "--against",
        OFFICIAL,
        "--corpus",
        "corpus",
        "--format",
        "md",
    ]);
    snapshots().bind(|| insta::assert_snapshot!("errata_004_against_000", md));
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "errata",
        NEWSPAPER,
        "--against",
        OFFICIAL,
        "--corpus",
        "corpus",
        "--format",
        "json",
    ]))
    .unwrap();
    let entries = json["entries"].as_array().unwrap();
    let find = |found: &str, proposed: &str| {
        entries
            .iter()
            .find(|e| e["found"] == found && e["proposed"] == proposed)
            .unwrap_or_else(|| panic!("{found} -> {proposed}"))
    };
    let li = find("", "里");
    assert_eq!(
        (li["start"]["line"].as_u64(), li["start"]["column"].as_u64()),
        (Some(19), Some(71))
    );
    assert_eq!(li["verdict"], "correct");
    assert!(li["evidence"].as_array().unwrap().iter().any(|v| v["method"] == "attestation" && v["path"] == "corpus/003_a7c0d866165e138d.txt"));
    let five = find("二是", "五");
    assert!(
        five["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["method"] == "internal")
    );
    let qin = find("真", "亲");
    assert_eq!(qin["confidence"], "high");
    assert!(
        qin["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["method"] == "quotation" && v["supports"] == "proposed")
    );
    assert_eq!(find("业态", "模式")["kind"], "dittography");
}

#[test]
fn errata_of_a_text_alone() {
    let md = run(&["errata", "corpus/003_a7c0d866165e138d.txt"]);
    snapshots().bind(|| insta::assert_snapshot!("errata_003_alone", md));
    assert!(md.contains("| 27:20 (byte "));
    assert!(md.contains("repeated_block"));
}

#[test]
fn collate_three_witnesses_and_tei_parses() {
    let text = run(&[
        "collate",
        OFFICIAL,
        NEWSPAPER,
        "corpus/002_7da9f2bcc27cfedd.txt",
    ]);
    snapshots().bind(|| insta::assert_snapshot!("collate_000_004_002", text));
    // 002 quotes 亲诚惠容 with the official text against the newspaper.
    assert!(text.contains("    亲  W1 W3  (majority)\n    真  W2\n"));
    let tei = run(&["collate", OFFICIAL, NEWSPAPER, "--format", "tei"]);
    let mut reader = quick_xml::Reader::from_str(&tei);
    let mut apps = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e)) if e.name().0 == "app" => apps += 1,
            Ok(_) => {}
            Err(e) => panic!("TEI is not well-formed: {e}"),
        }
    }
    // The 14 substantive variants of `witness diff`; the blocks are lacunae of the witness
    // that lacks them, milestones rather than apparatus entries.
    assert_eq!(apps, 14);
    assert!(
        tei.contains("<lacunaStart wit=\"#W2\"/>Championing"),
        "{tei}"
    );
    // Two witnesses: no majority, so no <lem>.
    assert!(tei.contains("<app><rdg wit=\"#W1\">里</rdg><rdg wit=\"#W2\"/></app>"));
}

#[test]
fn tei_escapes_markup_in_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let a = file(dir.path(), "a.txt", "<b>x & y</b> 中国".as_bytes());
    let b = file(dir.path(), "b.txt", "<b>x & z</b> 中国".as_bytes());
    let out = witness()
        .arg("collate")
        .args([&a, &b])
        .args(["--format", "tei"])
        .output()
        .unwrap();
    let tei = String::from_utf8(out.stdout).unwrap();
    assert!(tei.contains("&lt;b&gt;x &amp; <app>"));
    assert!(quick_xml::Reader::from_str(&tei).read_event().is_ok());
}

/// Random prose of ideographs, one sentence per line.
fn prose(seed: u64, sentences: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for _ in 0..sentences {
        for _ in 0..12 + rng.below(20) {
            out.push(rng.ideograph());
        }
        out.push_str("。\n");
    }
    out
}

fn doc(name: &str, text: &str) -> Document {
    Document::from_bytes(name, name, text.as_bytes(), &ReadOptions::default()).unwrap()
}

/// Replaces the character at char index `i` with `c`.
fn replaced(text: &str, i: usize, c: char) -> String {
    text.chars()
        .enumerate()
        .map(|(k, x)| if k == i { c } else { x })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn clear_evidence_gives_the_right_proposal(seed in any::<u64>(), pick in 0usize..1000) {
        let official = prose(seed, 12);
        let chars: Vec<char> = official.chars().collect();
        let i = pick * chars.len() / 1000;
        prop_assume!(('\u{4E00}'..='\u{9FFF}').contains(&chars[i]));
        let target = replaced(&official, i, '巜');
        // A news text quotes the sentence around the error, correctly.
        let line_start = chars[..i].iter().rposition(|&c| c == '\n').map_or(0, |p| p + 1);
        let line_end = i + chars[i..].iter().position(|&c| c == '\n').unwrap();
        let sentence: String = chars[line_start..line_end].iter().collect();
        prop_assume!(sentence.chars().count() >= 20);
        let news = format!("{}“{}”{}", prose(seed ^ 1, 2), sentence, prose(seed ^ 2, 2));
        let (c, refs) = corpus(doc("target", &target), vec![doc("official", &official)], vec![doc("news", &news)]);
        let x = errata_of(&c, 0, &refs);
        prop_assert_eq!(x.entries.len(), 1, "{:?}", x.entries);
        let e = &x.entries[0];
        prop_assert_eq!(e.found.as_str(), "巜");
        let expected = chars[i].to_string();
        prop_assert_eq!(e.proposed.as_deref(), Some(expected.as_str()));
        prop_assert_eq!(e.verdict, Verdict::Correct);
        prop_assert_eq!(e.confidence, Confidence::High);
        let at: usize = target.char_indices().nth(i).unwrap().0;
        prop_assert_eq!(e.range.start, at);
    }

    #[test]
    fn split_evidence_is_uncertain(seed in any::<u64>(), pick in 0usize..1000) {
        let official = prose(seed, 12);
        let chars: Vec<char> = official.chars().collect();
        let i = pick * chars.len() / 1000;
        prop_assume!(('\u{4E00}'..='\u{9FFF}').contains(&chars[i]));
        let target = replaced(&official, i, '巜');
        // One reference agrees with the official text, another with the target.
        let (c, refs) = corpus(
            doc("target", &target),
            vec![doc("official", &official), doc("copy", &target)],
            Vec::new(),
        );
        let x = errata_of(&c, 0, &refs);
        prop_assert_eq!(x.entries.len(), 1);
        prop_assert_eq!(x.entries[0].verdict, Verdict::Uncertain);
        prop_assert_eq!(x.entries[0].confidence, Confidence::Uncertain);
    }

    #[test]
    fn evidence_for_the_target_says_so(seed in any::<u64>(), pick in 0usize..1000) {
        let official = prose(seed, 12);
        let chars: Vec<char> = official.chars().collect();
        let i = pick * chars.len() / 1000;
        prop_assume!(('\u{4E00}'..='\u{9FFF}').contains(&chars[i]));
        // The reference carries the error; two other texts quote the target's reading.
        let reference = replaced(&official, i, '巜');
        let line_start = chars[..i].iter().rposition(|&c| c == '\n').map_or(0, |p| p + 1);
        let line_end = i + chars[i..].iter().position(|&c| c == '\n').unwrap();
        let sentence: String = chars[line_start..line_end].iter().collect();
        prop_assume!(sentence.chars().count() >= 20);
        let q1 = format!("{}“{}”", prose(seed ^ 3, 2), sentence);
        let q2 = format!("“{}”{}", sentence, prose(seed ^ 4, 2));
        let (c, refs) = corpus(doc("target", &official), vec![doc("reference", &reference)], vec![doc("q1", &q1), doc("q2", &q2)]);
        let x = errata_of(&c, 0, &refs);
        prop_assert_eq!(x.entries.len(), 1);
        prop_assert_eq!(x.entries[0].verdict, Verdict::TargetRight);
    }
}

/// Issue 14: a witness that quotes only parts of the text (002) is absent elsewhere; its
/// lacunae never swallow the variants of the full witnesses. Every substantive site of
/// `collate 000 004` is still there, with the same readings, when 002 joins.
#[test]
fn a_partial_witness_keeps_every_site_of_the_full_ones() {
    let sites = |args: &[&str]| -> Vec<Value> {
        let mut all = vec!["collate", "--format", "json"];
        all.extend_from_slice(args);
        let j: Value = serde_json::from_str(&run(&all)).unwrap();
        j["sites"].as_array().unwrap().clone()
    };
    let key = |s: &Value| {
        (
            s["base"]["start"]["text_byte"].as_u64().unwrap(),
            s["base"]["end"]["text_byte"].as_u64().unwrap(),
            s["readings"][1]["text"].as_str().unwrap().to_string(),
        )
    };
    let two = sites(&[OFFICIAL, NEWSPAPER]);
    let three = sites(&[OFFICIAL, NEWSPAPER, "corpus/002_7da9f2bcc27cfedd.txt"]);
    let substantive: Vec<_> = two
        .iter()
        .filter(|s| s["class"] == "substantive" && s["block"] == false)
        .map(key)
        .collect();
    assert_eq!(substantive.len(), 14);
    let kept: Vec<_> = three.iter().map(key).collect();
    for s in &substantive {
        assert!(kept.contains(s), "lost {s:?}");
    }
    // 跨[里]海: 002 does not quote it, so it has no text there.
    let kua = three
        .iter()
        .find(|s| s["base"]["text"] == "里")
        .expect("the 跨[里]海 site");
    assert_eq!(kua["absent"], serde_json::json!(["W3"]));
    assert_eq!(kua["groups"].as_array().unwrap().len(), 2);
    // Blocks show their extent in the base.
    let block = three.iter().find(|s| s["block"] == true).unwrap();
    assert!(
        block["base"]["end"]["text_byte"].as_u64() > block["base"]["start"]["text_byte"].as_u64()
    );
}

/// Issue 14: `errata TARGET --corpus DIR` finds the target's other witnesses in the corpus
/// itself (as the audit groups them) and says they were not named; what the corpus's
/// quotations, attestations and the target's own text corroborate is a correction, the rest
/// uncertain. Before, 004 against the corpus alone gave 2 entries.
#[test]
fn errata_find_their_references_in_the_corpus() {
    let x: Value = serde_json::from_str(&run(&[
        "errata", NEWSPAPER, "--corpus", "corpus", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(x["references_inferred"], true);
    assert_eq!(x["references"][0]["path"], OFFICIAL);
    let entries = x["entries"].as_array().unwrap();
    let verdicts = |v: &str| entries.iter().filter(|e| e["verdict"] == v).count();
    assert_eq!(
        (
            entries.len(),
            verdicts("correct"),
            verdicts("uncertain"),
            verdicts("target_right")
        ),
        (14, 9, 4, 1)
    );
    // 新[模式]新业态: the official text and the doubling inside 004 agree.
    let doubled = entries.iter().find(|e| e["found"] == "业态").unwrap();
    assert_eq!(
        (doubled["verdict"].as_str(), doubled["proposed"].as_str()),
        (Some("correct"), Some("模式"))
    );
    let md = run(&["errata", NEWSPAPER, "--corpus", "corpus"]);
    assert!(
        md.contains("The references were found in the corpus, not named"),
        "{md}"
    );
}

/// Issue 14: a doubled character dropped (`茫茫` read `茫`) and a quotation that has both:
/// the quotation supports the doubled reading, wherever the aligner put the missing `茫`.
#[test]
fn a_quotation_of_a_doubled_character_supports_the_doubling() {
    for seed in 0..8u64 {
        let official = format!(
            "{}烟波茫茫的湖面上，渔船往来穿梭，一片繁忙景象。\n{}",
            prose(seed, 3),
            prose(seed ^ 7, 3)
        );
        let target = official.replacen("茫茫", "茫", 1);
        let news = format!(
            "{}“烟波茫茫的湖面上，渔船往来穿梭，一片繁忙景象。”{}",
            prose(seed ^ 1, 2),
            prose(seed ^ 2, 2)
        );
        let (c, refs) = corpus(
            doc("target", &target),
            vec![doc("official", &official)],
            vec![doc("news", &news)],
        );
        let x = errata_of(&c, 0, &refs);
        let e = x
            .entries
            .iter()
            .find(|e| e.proposed.as_deref() == Some("茫"))
            .unwrap_or_else(|| panic!("no entry for 茫: {:?}", x.entries));
        let quote = e
            .evidence
            .iter()
            .find(|v| v.method == "quotation")
            .unwrap_or_else(|| panic!("no quotation: {e:?}"));
        assert_eq!(quote.supports, witness::errata::Supports::Proposed, "{e:?}");
        assert_eq!(
            (e.verdict, e.confidence),
            (Verdict::Correct, Confidence::High)
        );
    }
}
