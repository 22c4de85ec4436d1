//! Variant kinds through the library, on whole texts (issue 13): numerals only for numbers,
//! reduplication, transpositions split by layout.

use proptest::prelude::*;
use witness::unstable::chars::{NUMERAL_WORDS, is_numeral};
use witness::unstable::classify::{Kind, Severity, Site, classify};
use witness::unstable::normalize::Profile;
use witness::{DiffOptions, Document, ReadOptions};

const PROFILES: [Profile; 4] = [
    Profile::Exact,
    Profile::Nfc,
    Profile::Layout,
    Profile::Loose,
];

fn doc(text: &str) -> Document {
    Document::from_bytes("t", "t", text.as_bytes(), &ReadOptions::default()).unwrap()
}

/// The substantive variants of B against A: (A's reading, B's reading, kind, severity).
fn substantive(a: &str, b: &str, profile: Profile) -> Vec<(String, String, Kind, Severity)> {
    let (da, db) = (doc(a), doc(b));
    let d = witness::diff(&da, &db, &DiffOptions { profile });
    assert_eq!(d.apply(a, b), b, "edits rebuild B under {profile:?}");
    d.variants()
        .filter(|(_, c)| c.class == witness::Class::Substantive)
        .map(|(e, c)| {
            (
                a[e.a.clone()].to_string(),
                b[e.b.clone()].to_string(),
                c.kind,
                c.severity,
            )
        })
        .collect()
}

#[test]
fn numerals_transposed_across_a_line_break_are_one_transposition() {
    let (a, b) = ("二〇二五年五\n十个项目落地", "二〇二五年十\n五个项目落地");
    for profile in PROFILES {
        assert_eq!(
            substantive(a, b, profile),
            [(
                "五\n十".to_string(),
                "十\n五".to_string(),
                Kind::Transposition,
                Severity::High
            )],
            "{profile:?}"
        );
    }
}

#[test]
fn numerals_transposed_across_spaces_are_one_transposition() {
    for (a, b) in [
        ("年五 十个", "年十 五个"),
        ("年五\u{3000}十个", "年十\u{3000}五个"),
        ("我们互尊 互信，共同发展", "我们互信 互尊，共同发展"),
    ] {
        for profile in [Profile::Layout, Profile::Loose] {
            let v = substantive(a, b, profile);
            assert_eq!(v.len(), 1, "{a} / {b} under {profile:?}: {v:?}");
            assert_eq!(v[0].2, Kind::Transposition, "{a} / {b} under {profile:?}");
        }
    }
}

#[test]
fn the_cases_of_the_issue_in_running_text() {
    let cases = [
        // (A, B, the kind of the substantive variant)
        (
            "我们一定要坚持合作。",
            "我们必定要坚持合作。",
            Kind::Substitution,
        ),
        ("各方一致同意。", "各方均同意。", Kind::Substitution),
        (
            "中方愿同各方一道，弘扬正确历史观。",
            "中方愿同各方共同，弘扬正确历史观。",
            Kind::Substitution,
        ),
        (
            "万众一心，共创未来。",
            "众志成城，共创未来。",
            Kind::Substitution,
        ),
        (
            "Support the local economy.",
            "Support the 1ocal economy.",
            Kind::Substitution,
        ),
        (
            "The Palace Museum.",
            "The Pa1ace Museum.",
            Kind::Substitution,
        ),
        ("烟波淼淼的湖面。", "烟波渺渺的湖面。", Kind::Substitution),
        ("五要维护公正合理。", "二是要维护公正合理。", Kind::Numeral),
        ("超过120万人次。", "超过10万人次。", Kind::Numeral),
        ("2025年是关键一年。", "2024年是关键一年。", Kind::Numeral),
        ("第三次会议。", "第四次会议。", Kind::Numeral),
        ("一百二十人出席。", "一百三十人出席。", Kind::Numeral),
        (
            "新业态惠及各国。",
            "新业态新业态惠及各国。",
            Kind::Dittography,
        ),
    ];
    for (a, b, kind) in cases {
        let v = substantive(a, b, Profile::Loose);
        assert!(v.iter().any(|x| x.2 == kind), "{a} / {b}: {v:?}");
        // The aligner may cut a rewritten word in two (`万众一心`: `众` matches); no part of it
        // is a numeral, and only numerals are high here.
        let numeral = kind == Kind::Numeral;
        for x in &v {
            assert_eq!(x.2 == Kind::Numeral, numeral, "{a} / {b}: {v:?}");
            assert_eq!(x.3 == Severity::High, numeral, "{a} / {b}: {v:?}");
        }
    }
}

/// Ideographs that are not numerals, for the words around and in place of a listed word.
fn plain() -> impl Strategy<Value = char> {
    prop::sample::select(
        "中国亚合作发展各方共同建设经济文化交流推动世界和平我们人民坚持深化友好关系新时代"
            .chars()
            .filter(|&c| !is_numeral(c))
            .collect::<Vec<char>>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A word of the list of words with numeral characters, replaced by other words, is
    /// never a numeral variant, whatever is around it.
    #[test]
    fn a_listed_word_replaced_is_never_a_numeral(
        word in prop::sample::select(NUMERAL_WORDS.to_vec()),
        before in prop::collection::vec(plain(), 0..6),
        after in prop::collection::vec(plain(), 0..6),
        other in prop::collection::vec(plain(), 1..5),
        other_listed in prop::sample::select(NUMERAL_WORDS.to_vec()),
        listed in any::<bool>(),
    ) {
        let (before, after): (String, String) = (before.into_iter().collect(), after.into_iter().collect());
        let other: String = if listed { other_listed.to_string() } else { other.into_iter().collect() };
        prop_assume!(other != word);
        let a = format!("{before}{word}{after}。");
        let b = format!("{before}{other}{after}。");
        let at = before.len();
        let site = Site::new(&a, at..at + word.len(), &b, at..at + other.len());
        prop_assert_ne!(classify(&site).kind, Kind::Numeral, "{} / {}", a, b);
        for (x, y, kind, _) in substantive(&a, &b, Profile::Loose) {
            prop_assert_ne!(kind, Kind::Numeral, "{} / {}: {} / {}", a, b, x, y);
        }
    }
}
