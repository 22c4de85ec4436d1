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
