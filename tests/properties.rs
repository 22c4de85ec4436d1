//! Invariants, checked on generated text: edits rebuild B from A under every profile, the
//! offset map points at what it claims, and layout-only changes are never substantive.

use proptest::prelude::*;
use witness::unstable::chars::{fold_loose, is_layout_space};
use witness::unstable::classify::{Site, classify};
use witness::unstable::normalize::{Profile, view};
use witness::{Class, Diff, DiffOptions, Document, ReadOptions};

const PROFILES: [Profile; 4] = [
    Profile::Exact,
    Profile::Nfc,
    Profile::Layout,
    Profile::Loose,
];

/// Pieces that exercise every rule: Han, Latin, digits, numerals, width and dash twins,
/// quotes, combining marks, CJK compatibility ideographs, whitespace and line endings.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "中", "国", "亚", "里", "海", "跨", "新", "业", "态", "五", "二", "是", "要", "年", "a",
        "b", "the", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\u{3000}", "，", ",", "。", ".", "—",
        "-", "－", "“", "”", "\"", "１", "1", "e\u{301}", "\u{e9}", "\u{F900}", "、", "：", "(",
        "（", "\u{200B}",
    ])
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
}

/// B made from A by random insertions, deletions and replacements of pieces.
fn edited(a: &str, edits: &[(usize, u8, &'static str)]) -> String {
    let mut chars: Vec<String> = a.chars().map(String::from).collect();
    for &(at, op, piece) in edits {
        let i = if chars.is_empty() {
            0
        } else {
            at % (chars.len() + 1)
        };
        match op % 3 {
            0 => chars.insert(i, piece.to_string()),
            1 if i < chars.len() => {
                chars.remove(i);
            }
            _ if i < chars.len() => chars[i] = piece.to_string(),
            _ => chars.push(piece.to_string()),
        }
    }
    chars.concat()
}

fn doc(text: &str) -> Document {
    Document::from_bytes("t", "t", text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn apply(d: &Diff) -> String {
    for w in d.edits.windows(2) {
        assert!(w[0].a.end <= w[1].a.start, "edits overlap or go backwards");
    }
    d.apply(&d.a.text, &d.b.text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn edits_rebuild_b_from_a(a in text(), ops in prop::collection::vec((any::<usize>(), any::<u8>(), piece()), 0..12)) {
        let b = edited(&a, &ops);
        let (da, db) = (doc(&a), doc(&b));
        for profile in PROFILES {
            let d = witness::diff(&da, &db, &DiffOptions { profile });
            prop_assert_eq!(apply(&d), b.clone(), "profile {:?}", profile);
            // B positions advance with A positions.
            for w in d.edits.windows(2) {
                prop_assert!(w[0].b.end <= w[1].b.start);
            }
        }
    }

    /// Issue 13: the diff's CER is `witness cer`'s, exactly, under every profile. (The
    /// alignment's cost is not always an upper bound of it: `e◌́海` against `e<ZWSP>◌́` costs 2
    /// there, re-cut into clusters after the ZWSP is dropped, and 3 over the units.)
    #[test]
    fn diff_cer_is_the_exact_cer(a in text(), ops in prop::collection::vec((any::<usize>(), any::<u8>(), piece()), 0..12)) {
        use witness::unstable::metrics::{Mode, measure};
        let b = edited(&a, &ops);
        let (da, db) = (doc(&a), doc(&b));
        for profile in PROFILES {
            let d = witness::diff(&da, &db, &DiffOptions { profile });
            let m = measure(&da, &db, Mode::Witness(profile));
            prop_assert_eq!(d.exact_distance, Some(m.chars.distance), "profile {:?}", profile);
            prop_assert_eq!(d.a_units, m.chars.gt);
        }
    }

    #[test]
    fn offset_map_points_at_the_text_it_claims(t in text()) {
        for profile in PROFILES {
            let v = view(&t, profile);
            // Units cover the view text, in order, and stand for disjoint, advancing,
            // non-empty pieces of the original.
            let (mut at, mut prev_end) = (0, 0);
            for u in &v.units {
                let (r, orig) = (u.view(), u.original());
                prop_assert_eq!(r.start, at);
                prop_assert!(r.end > r.start);
                at = r.end;
                prop_assert!(orig.start >= prev_end && orig.end > orig.start);
                prop_assert!(t.is_char_boundary(orig.start) && t.is_char_boundary(orig.end));
                prev_end = orig.end;
                let (seen, orig) = (&v.text[r], &t[orig]);
                let ok = match profile {
                    Profile::Exact => orig == seen,
                    _ if seen == "\n" || seen == " " => orig.chars().all(is_layout_space),
                    _ => {
                        use unicode_normalization::UnicodeNormalization;
                        orig.nfc().map(|n| profile.fold(n)).collect::<String>() == seen
                    }
                };
                prop_assert!(ok, "{:?}: view {:?} maps to {:?}", profile, seen, orig);
            }
            prop_assert_eq!(at, v.text.len());
        }
    }

    #[test]
    fn positions_agree_with_counting(t in text(), pick in any::<usize>()) {
        let d = doc(&t);
        // Every character boundary except the inside of a CRLF.
        let boundaries: Vec<usize> = (0..=t.len())
            .filter(|&i| t.is_char_boundary(i) && !(t[..i].ends_with('\r') && t[i..].starts_with('\n')))
            .collect();
        let byte = boundaries[pick % boundaries.len()];
        let p = d.position(byte);
        let before = &t[..byte];
        prop_assert_eq!(p.byte, byte);
        prop_assert_eq!(p.char, before.chars().count());
        let breaks = before.matches('\n').count() + before.matches('\r').count() - before.matches("\r\n").count();
        prop_assert_eq!(p.line, breaks + 1);
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        prop_assert_eq!(p.column, before[line_start..].chars().count() + 1);
    }

    #[test]
    fn width_and_dash_changes_are_cosmetic(a in text(), picks in prop::collection::vec(any::<usize>(), 0..10)) {
        let twins = [(',', '，'), ('-', '—'), ('-', '－'), ('1', '１'), ('"', '“'), ('(', '（'), (':', '：')];
        let mut chars: Vec<char> = a.chars().collect();
        let mut b_chars = chars.clone();
        for (n, &p) in picks.iter().enumerate() {
            let (x, y) = twins[n % twins.len()];
            let i = if b_chars.is_empty() { 0 } else { p % b_chars.len() };
            // Put a twin pair at the same place in both texts.
            chars.insert(i, x);
            b_chars.insert(i, y);
        }
        let (a, b): (String, String) = (chars.into_iter().collect(), b_chars.into_iter().collect());
        prop_assume!(a.chars().map(fold_loose).eq(b.chars().map(fold_loose)));
        // Under `loose` the twins align with each other, so every variant is one of them.
        let (da, db) = (doc(&a), doc(&b));
        let d = witness::diff(&da, &db, &DiffOptions::default());
        prop_assert_eq!(d.count(Class::Substantive), 0, "{:?}", d.edits);
        prop_assert_eq!(d.blocks().count(), 0);
    }

    #[test]
    fn a_width_or_dash_twin_is_cosmetic_in_any_context(
        before in text(), after in text(), pick in 0usize..9,
    ) {
        let twins = [(",", "，"), ("-", "—"), ("-", "－"), ("—", "－"), ("1", "１"), ("\"", "“"),
                     ("(", "（"), (":", "："), ("a", "ａ")];
        let (x, y) = twins[pick];
        let a = format!("{before}{x}{after}");
        let b = format!("{before}{y}{after}");
        let at = before.len();
        let site = Site::new(&a, at..at + x.len(), &b, at..at + y.len());
        prop_assert_eq!(classify(&site).class, Class::Cosmetic);
    }
}

/// Textbook Levenshtein, for comparison.
fn naive_levenshtein(a: &[u32], b: &[u32]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let next = (diag + usize::from(x != y))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn levenshtein_is_exact_symmetric_and_bounded(
        a in prop::collection::vec(0u32..4, 0..400),
        edits in prop::collection::vec((any::<usize>(), 0u8..3, 0u32..6), 0..60),
    ) {
        use witness::unstable::levenshtein::{cost, distance, edit_ops};
        // b is a with random edits, so distances range from 0 to large.
        let mut b = a.clone();
        for (at, op, sym) in edits {
            let i = if b.is_empty() { 0 } else { at % b.len() };
            match op {
                0 => b.insert(i, sym),
                1 if !b.is_empty() => { b.remove(i); }
                _ if !b.is_empty() => b[i] = sym,
                _ => b.push(sym),
            }
        }
        let d = naive_levenshtein(&a, &b);
        prop_assert_eq!(distance(&a, &b), d);
        prop_assert_eq!(distance(&b, &a), d);
        prop_assert!(d <= a.len().max(b.len()));
        prop_assert_eq!(cost(&edit_ops(&a, &b)), d);
    }
}
