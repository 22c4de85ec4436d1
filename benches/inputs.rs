//! Deterministic benchmark inputs built from the corpus: large Chinese texts, the same with
//! scattered edits, and an unrelated text with the same character statistics; and a corpus
//! of many documents with planted duplicates, quotations and stutters for `scan`.
#![allow(dead_code)] // each benchmark (and the example) uses its own part

use std::path::Path;

/// xorshift64*: small, deterministic, good enough to place edits.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

/// Sentences of the Chinese parts of the corpus.
fn sentences(corpus: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(corpus)
        .expect("corpus/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).expect("corpus files are UTF-8");
        for s in text.split_inclusive(['。', '！', '？']) {
            let s = s.trim();
            if s.chars()
                .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
                .count()
                >= 8
            {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// About `bytes` bytes of corpus sentences in random order, five to a paragraph.
pub fn chinese_text(corpus: &Path, bytes: usize, seed: u64) -> String {
    let pool = sentences(corpus);
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 1024);
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(&pool[rng.below(pool.len())]);
        n += 1;
        if n % 5 == 0 {
            out.push('\n');
        }
    }
    out
}

/// `text` with `per_mille`‰ of its characters edited: substituted, deleted, or doubled.
pub fn scattered_edits(text: &str, per_mille: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(text.len() + text.len() / 50);
    for c in text.chars() {
        if c == '\n' || rng.below(1000) >= per_mille {
            out.push(c);
            continue;
        }
        match rng.below(3) {
            0 => out.push(char::from_u32(0x4E00 + rng.below(20_000) as u32).unwrap_or(c)),
            1 => {}
            _ => {
                out.push(c);
                out.push(c);
            }
        }
    }
    out
}

/// Every ideograph replaced through a fixed permutation: same statistics, no shared words.
pub fn unrelated(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{4E00}'..='\u{9FA5}' => {
                let i = (c as u32 - 0x4E00) as u64;
                char::from_u32(0x4E00 + ((i * 7919 + 13) % 20902) as u32).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

/// What was planted in a generated scan corpus, for measuring recall.
#[derive(Debug, Default)]
pub struct Planted {
    /// (from doc, to doc): a paragraph copied whole.
    pub duplicates: Vec<(usize, usize)>,
    /// (from doc, to doc): a paragraph copied with two characters changed.
    pub near_duplicates: Vec<(usize, usize)>,
    /// (from doc, to doc): 40 characters quoted inside a paragraph, one changed.
    pub quotations: Vec<(usize, usize)>,
    /// (doc, byte offset of the first copy): a 4-character phrase written twice.
    pub stutters: Vec<(usize, usize)>,
}

/// A random ideograph, skewed towards the common end of a 3,000-character range.
fn ideograph(rng: &mut Rng) -> char {
    let u = rng.below(1 << 16) as f64 / f64::from(1 << 16);
    char::from_u32(0x4E00 + (3000.0 * u * u) as u32).unwrap_or('中')
}

fn paragraph(rng: &mut Rng) -> String {
    let mut p = String::new();
    for s in 0..2 + rng.below(4) {
        for _ in 0..10 + rng.below(30) {
            p.push(ideograph(rng));
        }
        p.push(if s % 2 == 0 { '，' } else { '。' });
    }
    p.push('。');
    p
}

/// `n` documents of about 2 KB of random Chinese prose, with planted duplicates,
/// near duplicates, quotations and stutters (`per_kind` of each).
pub fn scan_corpus(n: usize, per_kind: usize, seed: u64) -> (Vec<String>, Planted) {
    let mut rng = Rng::new(seed);
    let mut docs: Vec<Vec<String>> = (0..n)
        .map(|_| {
            let mut paras = Vec::new();
            let mut len = 0;
            while len < 2000 {
                let p = paragraph(&mut rng);
                len += p.len() + 1;
                paras.push(p);
            }
            paras
        })
        .collect();
    let mut planted = Planted::default();
    let pair = |rng: &mut Rng| {
        let a = rng.below(n);
        let b = (a + 1 + rng.below(n - 1)) % n;
        (a, b)
    };
    // Stutters first, so that the copies below carry them; then whole-paragraph copies
    // (appended); quotations last, into original paragraphs neither stuttered nor copied, so
    // that no planted item disturbs another.
    let originals: Vec<usize> = docs.iter().map(Vec::len).collect();
    let mut stuttered = std::collections::HashSet::new();
    let mut stutters = Vec::new();
    for _ in 0..per_kind {
        let d = rng.below(n);
        let pi = rng.below(originals[d]);
        let chars: Vec<char> = docs[d][pi].chars().collect();
        let i = 1 + rng.below(chars.len() - 12);
        let phrase: String = chars[i..i + 4].iter().collect();
        if phrase.contains(['，', '。']) || !stuttered.insert((d, pi)) {
            continue;
        }
        let head: String = chars[..i + 4].iter().collect();
        let tail: String = chars[i + 4..].iter().collect();
        docs[d][pi] = format!("{head}{phrase}{tail}");
        stutters.push((d, pi, head.len() - phrase.len()));
    }
    for _ in 0..per_kind {
        let (a, b) = pair(&mut rng);
        let pi = rng.below(originals[a]);
        stuttered.insert((a, pi)); // a source of copies must not change either
        let p = docs[a][pi].clone();
        docs[b].push(p);
        planted.duplicates.push((a.min(b), a.max(b)));

        let (a, b) = pair(&mut rng);
        let pi = rng.below(originals[a]);
        stuttered.insert((a, pi));
        let mut p: Vec<char> = docs[a][pi].chars().collect();
        for _ in 0..2 {
            let i = rng.below(p.len());
            if p[i] != '，' && p[i] != '。' {
                p[i] = ideograph(&mut rng);
            }
        }
        docs[b].push(p.into_iter().collect());
        planted.near_duplicates.push((a.min(b), a.max(b)));
    }
    for _ in 0..per_kind {
        let (a, b) = pair(&mut rng);
        let host = rng.below(originals[b]);
        if stuttered.contains(&(b, host)) {
            continue;
        }
        let source: Vec<char> = docs[a][..originals[a]].concat().chars().collect();
        let start = rng.below(source.len().saturating_sub(60)) + 10;
        let mut quote: Vec<char> = source[start..start + 40].to_vec();
        quote[20] = ideograph(&mut rng);
        let quote: String = quote.into_iter().collect();
        let at = docs[b][host].find('，').map_or(0, |i| i + '，'.len_utf8());
        docs[b][host].insert_str(at, &format!("“{quote}”"));
        planted.quotations.push((a.min(b), a.max(b)));
    }
    for (d, pi, offset) in stutters {
        let before: usize = docs[d][..pi].iter().map(|p| p.len() + 1).sum();
        planted.stutters.push((d, before + offset));
    }
    (
        docs.into_iter().map(|p| p.join("\n") + "\n").collect(),
        planted,
    )
}

/// A collection for `witness audit`: `n` documents of about 2 KB of random Chinese prose, of
/// which `pairs` pairs are a text and its transcription (1% of characters edited). Returns
/// the texts and the planted pairs (original, transcription).
pub fn audit_collection(n: usize, pairs: usize, seed: u64) -> (Vec<String>, Vec<(usize, usize)>) {
    let mut rng = Rng::new(seed);
    let mut docs: Vec<String> = (0..n)
        .map(|_| {
            let mut text = String::new();
            while text.len() < 2000 {
                text += &paragraph(&mut rng);
                text.push('\n');
            }
            text
        })
        .collect();
    // Pairs spread over the collection: an original at 2k·step, its transcription next to it.
    let step = n / pairs.max(1) / 2;
    let mut planted = Vec::new();
    for k in 0..pairs {
        let (a, b) = (2 * k * step.max(1), 2 * k * step.max(1) + 1);
        docs[b] = scattered_edits(&docs[a], 10, seed + k as u64);
        planted.push((a, b));
    }
    (docs, planted)
}

/// A single-character edit planted in a generated text: the byte range it replaces in A and
/// the byte range of its replacement in B (one of the two may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedEdit {
    pub a: std::ops::Range<usize>,
    pub b: std::ops::Range<usize>,
}

/// Ideographs used as replacements: common, not numerals, not in the corpus's most
/// frequent words, so a planted edit reads as one substitution or addition.
const REPLACEMENTS: [char; 8] = ['鹤', '璃', '骏', '蕾', '嵩', '琥', '翡', '鳞'];

/// `article` repeated until the text holds at least `bytes` bytes, and the same text with
/// `edits` single-character edits (a substitution, a deletion or an insertion of one
/// ideograph, in turn) spread evenly over it, each on an ideograph between two other
/// characters that differ from it (so its position is unambiguous). Returns A, B and the
/// planted edits in order.
pub fn repeated_with_edits(
    article: &str,
    bytes: usize,
    edits: usize,
    seed: u64,
) -> (String, String, Vec<PlantedEdit>) {
    let copies = bytes.div_ceil(article.len().max(1)).max(1);
    let a = article.repeat(copies);
    let mut rng = Rng::new(seed);
    let mut b = String::with_capacity(a.len() + 4 * edits);
    let mut planted = Vec::with_capacity(edits);
    let mut copied = 0; // bytes of A copied into B so far
    let stride = a.len() / edits.max(1);
    for i in 0..edits {
        // A place near the middle of the i-th stride, moved forward to a suitable ideograph.
        let mut at = i * stride + stride / 4 + rng.below(stride / 2 + 1);
        let found = loop {
            while at < a.len() && !a.is_char_boundary(at) {
                at += 1;
            }
            let Some(c) = a[at..].chars().next() else {
                break None;
            };
            let prev = a[..at].chars().next_back();
            let next = a[at + c.len_utf8()..].chars().next();
            let han = ('\u{4E00}'..='\u{9FFF}').contains(&c);
            if at > copied && han && prev.is_some_and(|p| p != c) && next.is_some_and(|n| n != c) {
                break Some(c);
            }
            at += c.len_utf8();
        };
        let Some(c) = found else { break };
        b.push_str(&a[copied..at]);
        let mut r = REPLACEMENTS[rng.below(REPLACEMENTS.len())];
        if r == c {
            r = REPLACEMENTS[(REPLACEMENTS.iter().position(|&x| x == r).unwrap() + 1) % 8];
        }
        let start_b = b.len();
        match i % 3 {
            0 => {
                b.push(r);
                planted.push(PlantedEdit {
                    a: at..at + c.len_utf8(),
                    b: start_b..b.len(),
                });
                copied = at + c.len_utf8();
            }
            1 => {
                planted.push(PlantedEdit {
                    a: at..at + c.len_utf8(),
                    b: start_b..start_b,
                });
                copied = at + c.len_utf8();
            }
            _ => {
                b.push(r);
                planted.push(PlantedEdit {
                    a: at..at,
                    b: start_b..b.len(),
                });
                copied = at;
            }
        }
    }
    b.push_str(&a[copied..]);
    (a, b, planted)
}

/// An article of about `bytes` bytes of corpus sentences, for [`repeated_with_edits`].
pub fn article(corpus: &Path, bytes: usize, seed: u64) -> String {
    chinese_text(corpus, bytes, seed)
}

/// `pages` ALTO v4 pages of about `page_bytes` bytes each, their strings cut from the corpus's
/// Chinese sentences (1 to 4 characters a string, 20 strings a line, 10 lines a block),
/// with the markup OCR engines write: IDs, boxes, `SP` between strings, a confidence, an
/// escaped `&` now and then, and a word hyphenated across lines in every block.
pub fn alto_pages(corpus: &Path, pages: usize, page_bytes: usize) -> Vec<String> {
    let text: Vec<char> = chinese_text(corpus, pages * page_bytes / 12 + 64, 5)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut rng = Rng::new(11);
    let mut at = 0;
    let mut take = |n: usize| -> String {
        let s: String = (0..n).map(|k| text[(at + k) % text.len()]).collect();
        at += n;
        s
    };
    (0..pages)
        .map(|p| {
            let mut page = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\">\n<Description><MeasurementUnit>pixel</MeasurementUnit></Description>\n<Layout><Page ID=\"p{p}\" WIDTH=\"2480\" HEIGHT=\"3508\" PHYSICAL_IMG_NR=\"{p}\"><PrintSpace>\n"
            );
            let (mut b, mut n) = (0, 0);
            while page.len() < page_bytes {
                page.push_str(&format!(
                    "<TextBlock ID=\"p{p}b{b}\" HPOS=\"100\" VPOS=\"{}\" WIDTH=\"2200\" HEIGHT=\"600\">\n",
                    100 + b * 620
                ));
                for l in 0..10 {
                    let vpos = 100 + b * 620 + l * 60;
                    page.push_str(&format!(
                        "<TextLine ID=\"p{p}b{b}l{l}\" HPOS=\"100\" VPOS=\"{vpos}\" WIDTH=\"2200\" HEIGHT=\"50\">\n"
                    ));
                    for w in 0..20 {
                        n += 1;
                        let mut content = take(1 + rng.below(4));
                        if rng.below(50) == 0 {
                            content.push_str("&amp;");
                        }
                        let hpos = 100 + w * 110;
                        let hyph = match (l, w) {
                            (4, 19) => " SUBS_TYPE=\"HypPart1\"",
                            (5, 0) => " SUBS_TYPE=\"HypPart2\"",
                            _ => "",
                        };
                        page.push_str(&format!(
                            "<String ID=\"s{n}\" CONTENT=\"{content}\" HPOS=\"{hpos}\" VPOS=\"{vpos}\" WIDTH=\"100\" HEIGHT=\"50\" WC=\"0.{}\"{hyph}/>",
                            90 + rng.below(10)
                        ));
                        if w < 19 {
                            page.push_str(&format!("<SP WIDTH=\"10\" HPOS=\"{}\" VPOS=\"{vpos}\"/>\n", hpos + 100));
                        } else if hyph.is_empty() {
                            page.push('\n');
                        } else {
                            page.push_str("<HYP CONTENT=\"-\"/>\n");
                        }
                    }
                    page.push_str("</TextLine>\n");
                }
                page.push_str("</TextBlock>\n");
                b += 1;
            }
            page.push_str("</PrintSpace></Page></Layout>\n</alto>\n");
            page
        })
        .collect()
}
