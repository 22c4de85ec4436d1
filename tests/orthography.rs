//! Chinese orthographic variation (issue 13): variant forms, simplified against traditional,
//! radicals — cosmetic kinds, classified and listed, never hidden; and the `hanzi` profile.

use witness::unstable::classify::{Site, classify};
use witness::{Class, DiffOptions, Document, Kind, Profile, ReadOptions, Script};

fn doc(name: &str, text: &str) -> Document {
    Document::from_bytes(name, name, text.as_bytes(), &ReadOptions::default()).unwrap()
}

/// The kind of the variant `x`/`y` set in `a_context`/`b_context` at `{}`: the contexts decide
/// the witnesses' scripts.
fn kind_in(a_context: &str, x: &str, b_context: &str, y: &str) -> Kind {
    let (i, j) = (a_context.find("{}").unwrap(), b_context.find("{}").unwrap());
    let a = a_context.replacen("{}", x, 1);
    let b = b_context.replacen("{}", y, 1);
    let c = classify(&Site::new(&a, i..i + x.len(), &b, j..j + y.len()));
    assert_eq!(c.class, c.kind.class());
    c.kind
}

/// Two traditional witnesses (a classical text in two editions).
const TRAD: &str = "學而時習之，不亦說乎？{}有朋自遠方來，不亦樂乎？";
/// A simplified witness.
const SIMP: &str = "学而时习之，不亦说乎？{}有朋自远方来，不亦乐乎？";

#[test]
fn the_pairs_of_the_issue_are_cosmetic() {
    for (x, y) in [
        ("爲", "為"),
        ("雕", "彫"),
        ("宜", "冝"),
        ("略", "畧"),
        ("歷", "厯"),
        ("鏁", "鎖"),
        ("琱", "雕"),
        ("高", "髙"),
    ] {
        assert_eq!(kind_in(TRAD, x, TRAD, y), Kind::VariantForm, "{x}/{y}");
        assert_eq!(kind_in(TRAD, y, TRAD, x), Kind::VariantForm, "{y}/{x}");
        assert_eq!(Kind::VariantForm.class(), Class::Cosmetic);
    }
    // Simplified against traditional, one-to-one: script whatever the witnesses.
    for (x, y) in [
        ("将", "將"),
        ("国", "國"),
        ("椁", "槨"),
        ("烟", "煙"),
        ("为", "爲"),
    ] {
        assert_eq!(kind_in(TRAD, x, TRAD, y), Kind::Script, "{x}/{y}");
        assert_eq!(kind_in(SIMP, x, TRAD, y), Kind::Script, "{x}/{y}");
        assert_eq!(kind_in(TRAD, y, SIMP, x), Kind::Script, "{y}/{x}");
    }
    assert_eq!(Kind::Script.class(), Class::Cosmetic);
    // A radical standing for the ideograph: a CJK radical, a Kangxi radical.
    assert_eq!(kind_in(TRAD, "⻝", TRAD, "食"), Kind::Radical);
    assert_eq!(kind_in(TRAD, "食", TRAD, "⾷"), Kind::Radical);
    assert_eq!(Kind::Radical.class(), Class::Cosmetic);
    // Several characters in one reading, and a width difference besides.
    assert_eq!(kind_in(SIMP, "中国为", TRAD, "中國爲"), Kind::Script);
    assert_eq!(kind_in(TRAD, "爲國，", TRAD, "為国,"), Kind::VariantForm);
    // A compatibility ideograph is already a normalization variant (NFC folds it).
    assert_eq!(
        kind_in(TRAD, "\u{F900}", TRAD, "\u{8C48}"),
        Kind::Normalization
    );
}

#[test]
fn one_to_many_pairs_count_only_across_scripts() {
    // 后 is the simplified form of 後, and a traditional character of its own (皇后).
    assert_eq!(kind_in(SIMP, "后", TRAD, "後"), Kind::Script);
    assert_eq!(kind_in(TRAD, "后", TRAD, "後"), Kind::Substitution);
    assert_eq!(kind_in(TRAD, "後", TRAD, "后"), Kind::Substitution);
    assert_eq!(kind_in(TRAD, "干", TRAD, "乾"), Kind::Substitution);
    assert_eq!(kind_in(SIMP, "干", TRAD, "乾"), Kind::Script);
    // Neither numerals nor unrelated characters are orthographic.
    assert_eq!(kind_in(TRAD, "一", TRAD, "壹").class(), Class::Substantive);
    assert_eq!(kind_in(SIMP, "年", TRAD, "節"), Kind::Substitution);
    assert_eq!(kind_in(TRAD, "完", TRAD, "烟"), Kind::Substitution);
}

#[test]
fn scripts_of_witnesses() {
    assert_eq!(witness::script(&SIMP.replace("{}", "")), Script::Simplified);
    assert_eq!(
        witness::script(&TRAD.replace("{}", "")),
        Script::Traditional
    );
    assert_eq!(witness::script("中国城市開通中亞班列"), Script::Mixed);
    assert_eq!(witness::script("plain text, 中文"), Script::None);
    assert_eq!(Script::None.name(), "n/a");
}

const CORPUS_000: &str = include_str!("../corpus/000_3eb5e8de57179c45.txt");

#[test]
fn a_corpus_text_converted_to_traditional_differs_in_script_only() {
    let trad = witness::orthography::to_traditional(CORPUS_000);
    assert_ne!(trad, CORPUS_000);
    assert_eq!(witness::script(CORPUS_000), Script::Simplified);
    assert_eq!(witness::script(&trad), Script::Traditional);
    let (a, b) = (doc("a.txt", CORPUS_000), doc("b.txt", &trad));
    for profile in [Profile::Loose, Profile::Hanzi] {
        let d = witness::diff(&a, &b, &DiffOptions::default().profile(profile));
        assert_eq!(d.blocks().count(), 0, "{profile}");
        let mut changed = 0;
        for (e, c) in d.variants() {
            let (x, y) = (&a.text[e.a.clone()], &b.text[e.b.clone()]);
            assert_eq!(c.kind, Kind::Script, "{profile}: {x:?}/{y:?}");
            assert_eq!(c.class, Class::Cosmetic);
            changed += x.chars().zip(y.chars()).filter(|(p, q)| p != q).count();
        }
        let expected = CORPUS_000
            .chars()
            .zip(trad.chars())
            .filter(|(p, q)| p != q)
            .count();
        assert_eq!(
            changed, expected,
            "{profile}: every changed character is a script variant"
        );
        if profile == Profile::Hanzi {
            assert_eq!(d.distance, 0);
            assert_eq!(d.cer(), 0.0);
        } else {
            assert!(d.cer() > 0.0);
        }
    }
}

#[test]
fn hanzi_profile_folds_for_alignment_and_names_its_tables() {
    let (a, b) = (doc("a.txt", "后来为国"), doc("b.txt", "後來爲國"));
    let d = witness::diff(&a, &b, &DiffOptions::default().profile(Profile::Hanzi));
    assert_eq!(d.distance, 0);
    // Folded for alignment, still listed as cosmetic variants.
    assert!(d.variants().count() > 0);
    assert!(d.variants().all(|(_, c)| c.class == Class::Cosmetic));
    let rules = Profile::Hanzi.rules();
    for table in [
        "STCharacters.txt",
        "TSCharacters.txt",
        "TWVariants.txt",
        "HKVariants.txt",
        "JPShinjitaiCharacters.txt",
        "Unihan_Variants.txt",
        "Unihan_kFrequency.txt",
        "EquivalentUnifiedIdeograph.txt",
        "hand.txt",
    ] {
        assert!(rules.contains(&format!("table {table} (")), "{table}");
    }
    assert!(!Profile::Loose.rules().contains("table "));
    assert_eq!("hanzi".parse::<Profile>(), Ok(Profile::Hanzi));
}

#[test]
fn the_simplified_corpus_has_no_orthographic_variants() {
    // 000 and 004 are both simplified: nothing there is a script or variant-form difference,
    // and the reports of the corpus do not change.
    let b = doc("b.txt", include_str!("../corpus/004_74678af65d43f56c.txt"));
    let a = doc("a.txt", CORPUS_000);
    let d = witness::diff(&a, &b, &DiffOptions::default());
    assert!(
        d.variants()
            .all(|(_, c)| !matches!(c.kind, Kind::Script | Kind::VariantForm | Kind::Radical))
    );
    // `hanzi` is `loose` plus its own rules; `loose` names no table.
    let hanzi = Profile::Hanzi.rules();
    for line in Profile::Loose.rules().lines().skip(1) {
        assert!(hanzi.contains(line), "{line}");
    }
}

#[test]
fn diff_lists_them_with_all_and_counts_them_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(&a, "学而时习之，国家为之后来。\n").unwrap();
    std::fs::write(&b, "學而時習之，國家爲之後來。\n").unwrap();
    let run = |args: &[&str]| {
        let out = assert_cmd::cargo_bin_cmd!()
            .arg("diff")
            .args(args)
            .arg(&a)
            .arg(&b)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, text) = run(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("cosmetic: 5 (script 5), hidden"), "{text}");
    let (code, text) = run(&["--all"]);
    assert_eq!(code, Some(0));
    assert!(
        text.contains("[-国-]{+國+}") && text.contains(" script "),
        "{text}"
    );
    let (code, text) = run(&["--substantive", "script,variant_form"]);
    assert_eq!(code, Some(1));
    assert!(text.contains("substantive: 5"), "{text}");
    let (code, text) = run(&["--profile", "hanzi"]);
    assert_eq!(code, Some(0));
    assert!(text.contains("CER 0.00% under hanzi"), "{text}");
    // Only cosmetic kinds can be made substantive.
    assert_eq!(run(&["--substantive", "numeral"]).0, Some(2));
}
