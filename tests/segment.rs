//! Paragraph detection on the three layouts of the corpus.

use witness::unstable::segment::{paragraphs, sentences};

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!("{}/corpus/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn paragraph_with<'t>(text: &'t str, needle: &str) -> &'t str {
    let at = text.find(needle).unwrap();
    let p = paragraphs(text)
        .into_iter()
        .find(|p| p.contains(&at))
        .unwrap();
    &text[p]
}

#[test]
fn one_paragraph_per_line_000() {
    let t = corpus("000_3eb5e8de57179c45.txt");
    let lines = t.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(paragraphs(&t).len(), lines);
    assert_eq!(lines, 95);
}

#[test]
fn blank_separated_with_cut_words_004_and_003() {
    let t = corpus("004_74678af65d43f56c.txt");
    let p = paragraph_with(&t, "人文旅游班列成");
    assert!(p.starts_with("两年来，中国和中亚国家互设文化中心"));
    assert!(p.ends_with("今天，我们将见证中国同中亚友城突破100对。"));
    let t = corpus("003_a7c0d866165e138d.txt");
    let p = paragraph_with(&t, "上下求");
    assert!(p.contains("上下求\n\n索的留学生"));
    assert!(p.ends_with("就是当代的友好使者。"));
}

#[test]
fn hard_wrapped_columns_002() {
    let t = corpus("002_7da9f2bcc27cfedd.txt");
    assert_eq!(
        paragraph_with(&t, "行程结束之际"),
        "行程结束之际，中共中央政治局委员、\n\n外交部长王毅向随行记者介绍此访情况。"
    );
    let p = paragraph_with(&t, "新华社北京");
    assert!(p.ends_with("赴哈萨克斯坦出席第二届中国－中亚峰会。"), "{p}");
    let s = sentences(&t, &paragraphs(&t));
    let first = &t[s[0].clone()];
    assert!(
        first.starts_with("新华社北京 6月 18日电 2025 年\n\n6 月 16日至 18日，国家主席习近平应邀")
    );
}

#[test]
fn a_line_opening_with_a_comma_continues_the_paragraph() {
    let t = "中国和中亚国家山水相连\n，友好交往源远流长。\n第二段。\n";
    let p: Vec<&str> = paragraphs(t).into_iter().map(|r| &t[r]).collect();
    assert_eq!(
        p,
        ["中国和中亚国家山水相连\n，友好交往源远流长。", "第二段。"]
    );
}

/// Issue 14: a heading at the top of a block of lines is its own paragraph (a title glued to
/// its text would hide a duplicate of the text); a first line that introduces the rest (ending
/// on a colon) or that is as long as a wrapped line stays with its block; in the corpus, only
/// 002's jump line `（下转第3版）` leaves the headline below it.
#[test]
fn a_heading_is_not_joined_to_its_block() {
    let t = "前言第一段，内容很长很长很长很长很长很长很长很长很长很长。\n\n\
             一、总体要求\n\
             坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局。\n\n\
             他在讲话中指出：\n\
             要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局。\n\n\
             第三段也很长，内容很长很长很长很长很长很长很长很长很长。\n";
    let p: Vec<&str> = paragraphs(t).into_iter().map(|r| &t[r]).collect();
    assert_eq!(
        p,
        [
            "前言第一段，内容很长很长很长很长很长很长很长很长很长很长。",
            "一、总体要求",
            "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局。",
            "他在讲话中指出：\n要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局。",
            "第三段也很长，内容很长很长很长很长很长很长很长很长很长。",
        ]
    );
    // A long title above a poem of short lines, in a file of blank-separated blocks.
    let t = "第一段很長，內容很長很長很長很長很長很長很長很長。\n\n\
             第二段很長，內容很長很長很長很長很長很長很長很長。\n\n\
             第三段很長，內容很長很長很長很長很長很長很長很長。\n\n\
             春日登樂遊原寄長安諸友兼呈同社諸公\n白日依山盡，\n黃河入海流。\n\n\
             第四段很長，內容很長很長很長很長很長很長很長很長。\n\n\
             第五段很長，內容很長很長很長很長很長很長很長很長。\n";
    let p: Vec<&str> = paragraphs(t).into_iter().map(|r| &t[r]).collect();
    assert_eq!(p[3], "春日登樂遊原寄長安諸友兼呈同社諸公");
    assert_eq!(p[4], "白日依山盡，\n黃河入海流。");
    assert_eq!(p.len(), 7, "{p:?}");
    let t = corpus("002_7da9f2bcc27cfedd.txt");
    assert_eq!(paragraph_with(&t, "下转第3版"), "（下转第3版）");
    assert!(paragraph_with(&t, "圆满结束出席第二届").ends_with("习近平回到北京"));
}

/// Prose filled to `width` columns, as an editor wraps it.
fn fill(paragraph: &str, width: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in paragraph.split(' ') {
        let last = lines.last_mut().unwrap();
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines.join("\n")
}

const ENGLISH: [&str; 3] = [
    "China is ready to work with all parties to carry forward the spirit of the Silk Road. It will deepen cooperation in trade, energy and transport. Connectivity will be upgraded across the region, and new routes will open for travellers and goods alike.",
    "The two sides agreed to strengthen exchanges. They will hold a cultural year. Young people will study in each other's countries and learn each other's languages.",
    "Thank you.",
];

#[test]
fn hard_wrapped_english_is_folded_into_its_paragraphs() {
    // Filled to a width, one paragraph after another with no blank line: a line that ends a
    // sentence at the wrap point still continues; a paragraph's short last line does not.
    // (At 42 or 44 columns a paragraph's last line happens to leave no room for the next
    // first word: nothing in the text tells that break from a wrap, and it is joined — the
    // documented limit of filling heuristics.)
    for width in [50, 60, 77] {
        let t: String = ENGLISH.iter().map(|p| fill(p, width) + "\n").collect();
        let p: Vec<String> = paragraphs(&t)
            .into_iter()
            .map(|r| t[r].replace('\n', " "))
            .collect();
        assert_eq!(p, ENGLISH, "width {width}:\n{t}");
    }
}

/// Paragraphs written a line each, of like lengths, are not a hard-wrapped layout: their lines
/// bunch up as wrapped lines do, but each ends on a full stop. The longest line was read as a
/// filled line (the next line's first word would not have fitted after it) and joined to the
/// next paragraph.
#[test]
fn paragraphs_a_line_each_are_not_wrapped() {
    let sentences: Vec<&str> = ENGLISH[..2]
        .iter()
        .flat_map(|p| p.split_inclusive(". "))
        .map(str::trim)
        .collect();
    // Five paragraphs of 260 to 326 characters, each a different run of the sentences.
    let lines: Vec<String> = (0..5)
        .map(|k| {
            let mut p = String::new();
            for s in sentences.iter().cycle().skip(k).take(4 + k % 2) {
                if !p.is_empty() {
                    p.push(' ');
                }
                p.push_str(s);
            }
            p
        })
        .collect();
    let lengths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    assert_eq!(lengths, [296, 326, 267, 306, 260]);
    let t = lines.join("\n") + "\n";
    let p: Vec<&str> = paragraphs(&t).into_iter().map(|r| &t[r]).collect();
    assert_eq!(p, lines);
}

#[test]
fn a_wrapped_copy_has_no_cer_under_loose() {
    let a: String = ENGLISH.join("\n") + "\n";
    let b: String = ENGLISH.iter().map(|p| fill(p, 60) + "\n").collect();
    let opts = witness::ReadOptions::default();
    let da = witness::Document::from_bytes("a", "a", a.as_bytes(), &opts).unwrap();
    let db = witness::Document::from_bytes("b", "b", b.as_bytes(), &opts).unwrap();
    let d = witness::diff(&da, &db, &witness::DiffOptions::default());
    assert_eq!(d.distance, 0);
    assert_eq!(d.count(witness::Class::Substantive), 0);
    assert!(d.variants().all(|(_, c)| c.kind == witness::Kind::Layout));
}
