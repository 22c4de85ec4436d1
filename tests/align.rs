//! The aligner on repetitive input (issue 13): a text repeated many times with scattered
//! edits is aligned copy by copy, every edit found at its place, no block; long runs of one
//! character; and edits that always rebuild B from A.

#[path = "../benches/inputs.rs"]
mod inputs;

use std::path::Path;

use proptest::prelude::*;
use witness::unstable::align::{Op, align, rebuild};
use witness::{Change, DiffOptions, Document, Kind, ReadOptions};

fn doc(text: &str) -> Document {
    Document::from_bytes("t", "t", text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
}

/// A ~2 KB paragraph repeated 200 times (no 32-gram of it is unique), 20 single-character
/// edits: each is found exactly where it was planted, and nothing is a block.
#[test]
fn repeated_paragraph_every_edit_found_in_place() {
    let article = inputs::article(corpus(), 2048, 5);
    let (a, b, planted) = inputs::repeated_with_edits(&article, 200 * article.len(), 20, 9);
    assert_eq!(planted.len(), 20);
    let (da, db) = (doc(&a), doc(&b));
    let d = witness::diff(&da, &db, &DiffOptions::default());
    assert_eq!(d.blocks().count(), 0, "no block");
    let found: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = d
        .variants()
        .map(|(e, _)| (e.a.clone(), e.b.clone()))
        .collect();
    let wanted: Vec<_> = planted.iter().map(|p| (p.a.clone(), p.b.clone())).collect();
    assert_eq!(found, wanted);
    assert_eq!(d.apply(&a, &b), b);
}

/// The same with the repeated text in English: tokens are words, and the paragraph is
/// shorter than a window.
#[test]
fn repeated_english_paragraph_is_aligned_copy_by_copy() {
    let para = "The Silk Road links the peoples of Central Asia and China, and the trains that \
                run on it carry goods, ideas and friendship from one end to the other. ";
    let a = para.repeat(400);
    let mut b = a.clone();
    // Replace one word in copies 50, 200 and 350.
    for copy in [350, 200, 50] {
        let at = copy * para.len() + para.find("goods").unwrap();
        b.replace_range(at..at + 5, "wares");
    }
    let (da, db) = (doc(&a), doc(&b));
    let d = witness::diff(&da, &db, &DiffOptions::default());
    assert_eq!(d.blocks().count(), 0);
    let found: Vec<(usize, &str, &str)> = d
        .variants()
        .map(|(e, _)| (e.a.start, &a[e.a.clone()], &b[e.b.clone()]))
        .collect();
    let at = |copy: usize| copy * para.len() + para.find("goods").unwrap();
    assert_eq!(
        found,
        [
            (at(50), "goods", "wares"),
            (at(200), "goods", "wares"),
            (at(350), "goods", "wares")
        ]
    );
}

/// `啊`×10,000 against the same with one `哦` inserted: exactly one addition.
#[test]
fn long_run_with_one_insertion_is_one_addition() {
    let a = "啊".repeat(10_000);
    let b = format!("{}哦{}", "啊".repeat(4_000), "啊".repeat(6_000));
    let (da, db) = (doc(&a), doc(&b));
    let d = witness::diff(&da, &db, &DiffOptions::default());
    let v: Vec<(Kind, &str)> = d
        .variants()
        .map(|(e, c)| (c.kind, &b[e.b.clone()]))
        .collect();
    assert_eq!(v, [(Kind::Addition, "哦")]);
    assert_eq!(d.edits.len(), 1);
}

/// A long run with edits far apart (nothing is unique; the windows find nothing): the
/// bounded Myers diff finds each, no block.
#[test]
fn long_run_with_scattered_edits() {
    let a = "啊".repeat(20_000);
    let b = format!(
        "{}哦{}{}嗯{}",
        "啊".repeat(3_000),
        "啊".repeat(5_000),
        "啊".repeat(7_000),
        "啊".repeat(4_999)
    );
    let (da, db) = (doc(&a), doc(&b));
    let d = witness::diff(&da, &db, &DiffOptions::default());
    assert!(d.edits.iter().all(|e| e.change != Change::Block));
    let v: Vec<(Kind, &str, &str)> = d
        .variants()
        .map(|(e, c)| (c.kind, &a[e.a.clone()], &b[e.b.clone()]))
        .collect();
    assert_eq!(
        v,
        [(Kind::Addition, "", "哦"), (Kind::Substitution, "啊", "嗯")]
    );
    assert_eq!(d.apply(&a, &b), b);
}

/// A repeated text in which B carries an extra copy and lacks a piece: aligned, not a block
/// of everything, and the ops rebuild B.
#[test]
fn repeated_text_with_a_copy_added() {
    let unit: Vec<u32> = (0..700u32)
        .map(|i| i.wrapping_mul(2654435761) % 3000)
        .collect();
    let a: Vec<u32> = unit.iter().cycle().take(700 * 60).copied().collect();
    let mut b = a.clone();
    b.splice(700 * 30..700 * 30, unit.iter().copied());
    b[700 * 10 + 5] = 9999;
    b[700 * 50 + 5] = 9999;
    let ops = align(&a, &b);
    assert_eq!(rebuild(&a, &b, &ops).unwrap(), b);
    let changed: usize = ops
        .iter()
        .map(|op| match op {
            Op::Change { a, b, .. } => a.len().max(b.len()),
            Op::Equal { .. } => 0,
        })
        .sum();
    // One copy added and two units substituted (701 when the added copy is placed over
    // one of the substitutions, which is as good).
    assert!((701..=702).contains(&changed), "{changed} units changed");
}

/// Texts from a tiny alphabet with a period: nothing is unique, the windows and the bounded
/// Myers diff do the work; whatever they do, the ops rebuild B.
fn periodic() -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
    (
        prop::collection::vec(0u32..4, 1..300),
        3000usize..12_000,
        prop::collection::vec((any::<usize>(), 0u8..3, 0u32..6), 0..40),
    )
        .prop_map(|(unit, len, edits)| {
            let a: Vec<u32> = unit.iter().cycle().take(len).copied().collect();
            let mut b = a.clone();
            for (at, op, x) in edits {
                let i = at % (b.len() + 1);
                match op {
                    0 => b.insert(i, x),
                    1 if i < b.len() => {
                        b.remove(i);
                    }
                    _ if i < b.len() => b[i] = x,
                    _ => b.push(x),
                }
            }
            (a, b)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn repetitive_ops_rebuild_b((a, b) in periodic()) {
        let ops = align(&a, &b);
        prop_assert_eq!(rebuild(&a, &b, &ops).unwrap(), b);
    }
}

/// The readings of the substantive variants of `witness diff a b`.
fn readings<'t>(a: &'t str, b: &'t str) -> Vec<(&'t str, &'t str)> {
    witness::compare(a, b, witness::Profile::Loose)
        .variants()
        .filter(|(_, c)| c.class == witness::Class::Substantive)
        .map(|(e, _)| (&a[e.a.clone()], &b[e.b.clone()]))
        .collect()
}

/// A rewritten phrase is one variant, not four word-for-word substitutions tied by spaces
/// and `the`.
#[test]
fn rewritten_phrase_is_one_variant() {
    let a = "China will provide technical assistance for the joint pursuit of modernization.\n";
    let b = "China will provide technical assistance, and promoting common modernization.\n";
    assert_eq!(
        readings(a, b),
        [(" for the joint pursuit of", ", and promoting common")]
    );
}

/// A sentence rewritten and lengthened with common words (`and`, `the`, `or`, `not`): those
/// words do not anchor the two unrelated phrases to each other.
#[test]
fn common_words_do_not_chain_a_rewrite() {
    let a = "The two sides agreed to deepen cooperation in energy and trade. Trade grew.\n";
    let b = "Both countries resolved to expand the partnership on power and commerce, and the \
             people of the region do not want the war or the sanctions and the fear that comes \
             with them. Trade grew.\n";
    let r = readings(a, b);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].0.starts_with("The two sides") && r[0].1.ends_with("with them"));
}

/// Short changes a character apart keep their own kinds: the cleanup dissolves only
/// equalities shorter than half of each change around them.
#[test]
fn transposition_and_dittography_stay_apart() {
    let (a, b) = (
        "我们互尊互信，蒸蒸日上的中亚。\n",
        "我们互信互尊，蒸蒸日上、蒸蒸日上的中亚。\n",
    );
    let c = witness::compare(a, b, witness::Profile::Loose);
    let kinds: Vec<Kind> = c.variants().map(|(_, k)| k.kind).collect();
    assert_eq!(kinds, [Kind::Transposition, Kind::Dittography]);
}

/// A repeated text with material longer than a window inserted in the middle: the windows
/// walk from both ends up to it, the edits on either side are found, and the insertion is
/// one block.
#[test]
fn repeated_text_with_a_long_insertion() {
    let unit: Vec<u32> = (0..700u32)
        .map(|i| i.wrapping_mul(2654435761) % 3000)
        .collect();
    let a: Vec<u32> = unit.iter().cycle().take(700 * 40).copied().collect();
    let mut b = a.clone();
    b[700 * 5 + 9] = 9999;
    b[700 * 35 + 9] = 9998;
    let inserted: Vec<u32> = (0..5000u32).map(|i| 20_000 + i).collect();
    b.splice(700 * 20 + 3..700 * 20 + 3, inserted);
    let ops = align(&a, &b);
    assert_eq!(rebuild(&a, &b, &ops).unwrap(), b);
    let changes: Vec<(std::ops::Range<usize>, usize, bool)> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Change { a, b, block } => Some((a.clone(), b.len(), *block)),
            Op::Equal { .. } => None,
        })
        .collect();
    assert_eq!(
        changes,
        [
            (3509..3510, 1, false),
            (14003..14003, 5000, true),
            (24509..24510, 1, false)
        ]
    );
}
