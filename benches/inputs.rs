//! Deterministic benchmark inputs built from the corpus: large Chinese texts, the same with
//! scattered edits, and an unrelated text with the same character statistics; and a corpus
//! of many documents with planted duplicates, quotations and stutters for `scan`.
#![allow(dead_code)] // each benchmark (and the example) uses its own part

use std::collections::{HashMap, HashSet};
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

/// The texts of the corpus's files, in order of name.
fn corpus_texts(corpus: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(corpus)
        .expect("corpus/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("corpus files are UTF-8"))
        .collect()
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Sentences of the Chinese parts of the corpus.
fn sentences(corpus: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for text in corpus_texts(corpus) {
        for s in text.split_inclusive(['。', '！', '？']) {
            let s = s.trim();
            if s.chars().filter(|&c| is_han(c)).count() >= 8 {
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
    /// (from doc, to doc): a paragraph copied with two characters (English: words) changed.
    pub near_duplicates: Vec<(usize, usize)>,
    /// (from doc, to doc): 40 characters (English: words) quoted inside a paragraph, one
    /// changed.
    pub quotations: Vec<(usize, usize)>,
    /// (doc, byte offset of the first copy): a 4-character (English: 4-word) phrase written
    /// twice.
    pub stutters: Vec<(usize, usize)>,
}

impl Planted {
    /// (kind, found, planted) for each planted kind, given findings as (kind name, places as
    /// (doc, text byte)): a pair is found when a finding of a kind that reports it holds
    /// both documents; a stutter, when a repeated phrase starts where it was planted. (Read
    /// off a report, so that the release binary's output is what is checked.)
    pub fn recall(&self, findings: &[(String, Vec<(usize, usize)>)]) -> [(&str, usize, usize); 4] {
        let found = |kinds: &[&str], pairs: &[(usize, usize)]| {
            // Per document, the findings of `kinds` that hold it.
            let mut holding: HashMap<usize, HashSet<usize>> = HashMap::new();
            for (i, (kind, places)) in findings.iter().enumerate() {
                if kinds.contains(&kind.as_str()) {
                    for &(doc, _) in places {
                        holding.entry(doc).or_default().insert(i);
                    }
                }
            }
            let held = |d| holding.get(&d);
            pairs
                .iter()
                .filter(|&&(a, b)| held(a).zip(held(b)).is_some_and(|(x, y)| !x.is_disjoint(y)))
                .count()
        };
        let phrases: HashSet<(usize, usize)> = findings
            .iter()
            .filter(|(kind, _)| kind == "repeated_phrase")
            .filter_map(|(_, places)| places.first().copied())
            .collect();
        let (dup, near) = (&self.duplicates, &self.near_duplicates);
        [
            (
                "duplicates",
                found(&["duplicate_paragraph", "duplicate_block"], dup),
                dup.len(),
            ),
            (
                "near duplicates",
                found(&["near_duplicate"], near),
                near.len(),
            ),
            (
                "quotations",
                found(&["shared_passage", "near_duplicate"], &self.quotations),
                self.quotations.len(),
            ),
            (
                "stutters",
                self.stutters.iter().filter(|s| phrases.contains(s)).count(),
                self.stutters.len(),
            ),
        ]
    }
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

/// The words of the corpus's English sentences (of 8 words or more: not headings or
/// bylines), each as often as it occurs there: English prose is drawn from them at their real
/// frequencies. (Whole sentences drawn again made every
/// 8-word run recur thousands of times in 10,000 documents: a corpus of accidental copies,
/// not of prose.)
pub struct English {
    words: Vec<String>,
}

impl English {
    pub fn new(corpus: &Path) -> English {
        let texts = corpus_texts(corpus);
        let sentences = texts
            .iter()
            .flat_map(|t| t.lines())
            .flat_map(|l| l.split_inclusive(". "))
            .filter(|s| !s.contains(is_han) && s.split_whitespace().count() >= 8);
        let words = sentences
            .flat_map(str::split_whitespace)
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
            .collect();
        English { words }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[rng.below(self.words.len())]
    }

    /// A sentence of 8 to 27 words, capitalized, a comma after its fourth, ending in a period.
    fn sentence(&self, rng: &mut Rng) -> String {
        let mut words: Vec<String> = (0..8 + rng.below(20))
            .map(|_| self.word(rng).to_string())
            .collect();
        words[3].push(',');
        let first = &mut words[0];
        *first = first[..1].to_uppercase() + &first[1..];
        words.join(" ") + "."
    }
}

/// The script of a generated scan corpus: random Chinese prose, random English prose, or
/// documents whose paragraphs alternate between the two (Chinese first).
pub enum Script {
    Chinese,
    English(English),
    Mixed(English),
}

impl Script {
    /// The script called `name` (`chinese`, `english` or `mixed`), English read from `corpus`.
    pub fn named(name: &str, corpus: &Path) -> Option<Script> {
        match name {
            "chinese" => Some(Script::Chinese),
            "english" => Some(Script::English(English::new(corpus))),
            "mixed" => Some(Script::Mixed(English::new(corpus))),
            _ => None,
        }
    }

    /// The language of paragraph `k` of a document.
    fn lang(&self, k: usize) -> Lang<'_> {
        match self {
            Script::English(e) => Lang::English(e),
            Script::Mixed(e) if k % 2 == 1 => Lang::English(e),
            _ => Lang::Chinese,
        }
    }

    /// The language of paragraph `p` (what planting edits it with): Chinese paragraphs open
    /// with an ideograph, English sentences never hold one.
    fn lang_of(&self, p: &str) -> Lang<'_> {
        self.lang(usize::from(!p.starts_with(is_han)))
    }
}

/// A paragraph's language: what its units are (characters or words) and how it is edited.
#[derive(Clone, Copy)]
enum Lang<'a> {
    Chinese,
    English(&'a English),
}

impl Lang<'_> {
    fn is_english(self) -> bool {
        matches!(self, Lang::English(_))
    }

    fn paragraph(self, rng: &mut Rng) -> String {
        match self {
            Lang::Chinese => paragraph(rng),
            Lang::English(e) => (0..2 + rng.below(4))
                .map(|_| e.sentence(rng))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// What units are joined with: planted items are counted in units.
    fn sep(self) -> &'static str {
        match self {
            Lang::Chinese => "",
            Lang::English(_) => " ",
        }
    }

    /// The units of `p`: its characters, or its words.
    fn units(self, p: &str) -> Vec<String> {
        match self {
            Lang::Chinese => p.chars().map(String::from).collect(),
            Lang::English(_) => p.split(' ').map(String::from).collect(),
        }
    }

    /// Whether unit `u` holds punctuation (no phrase spans one; none is replaced).
    fn punct(self, u: &str) -> bool {
        match self {
            Lang::Chinese => u.contains(['，', '。']),
            Lang::English(_) => !u.chars().all(char::is_alphanumeric),
        }
    }

    /// A unit to replace another with: an ideograph, or an English word.
    fn replacement(self, rng: &mut Rng) -> String {
        match self {
            Lang::Chinese => ideograph(rng).to_string(),
            Lang::English(e) => e.word(rng).to_string(),
        }
    }

    /// Quotes `q` into paragraph `p`, after its first comma (or at its start).
    fn quote_into(self, p: &mut String, q: &str) {
        let (comma, quoted) = match self {
            Lang::Chinese => ("，", format!("“{q}”")),
            Lang::English(_) => (", ", format!("\"{q}\" ")),
        };
        let at = p.find(comma).map_or(0, |i| i + comma.len());
        p.insert_str(at, &quoted);
    }
}

/// `n` documents of about 2 KB of random Chinese prose, with planted duplicates,
/// near duplicates, quotations and stutters (`per_kind` of each).
pub fn scan_corpus(n: usize, per_kind: usize, seed: u64) -> (Vec<String>, Planted) {
    scan_corpus_in(&Script::Chinese, n, per_kind, seed)
}

/// [`scan_corpus`] in `script`: units (counted in characters for Chinese) are words for English.
pub fn scan_corpus_in(
    script: &Script,
    n: usize,
    per_kind: usize,
    seed: u64,
) -> (Vec<String>, Planted) {
    let mut rng = Rng::new(seed);
    let mut docs: Vec<Vec<String>> = (0..n)
        .map(|_| {
            let mut paras = Vec::new();
            let mut len = 0;
            while len < 2000 {
                let p = script.lang(paras.len()).paragraph(&mut rng);
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
    let mut stuttered = HashSet::new();
    let mut stutters = Vec::new();
    for _ in 0..per_kind {
        let d = rng.below(n);
        let pi = rng.below(originals[d]);
        let lang = script.lang_of(&docs[d][pi]);
        let units = lang.units(&docs[d][pi]);
        let i = 1 + rng.below(units.len() - 12);
        let phrase = units[i..i + 4].join(lang.sep());
        if units[i..i + 4].iter().any(|u| lang.punct(u)) || !stuttered.insert((d, pi)) {
            continue;
        }
        let head = units[..i + 4].join(lang.sep());
        let tail = units[i + 4..].join(lang.sep());
        docs[d][pi] = [head.as_str(), &phrase, &tail].join(lang.sep());
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
        let lang = script.lang_of(&docs[a][pi]);
        let mut p = lang.units(&docs[a][pi]);
        for _ in 0..2 {
            let i = rng.below(p.len());
            if !lang.punct(&p[i]) {
                p[i] = lang.replacement(&mut rng);
            }
        }
        docs[b].push(p.join(lang.sep()));
        planted.near_duplicates.push((a.min(b), a.max(b)));
    }
    for _ in 0..per_kind {
        let (a, b) = pair(&mut rng);
        let host = rng.below(originals[b]);
        // Quoted from the source's original paragraphs in the host's language.
        let lang = script.lang_of(&docs[b][host]);
        let same: Vec<&str> = docs[a][..originals[a]]
            .iter()
            .filter(|p| script.lang_of(p).is_english() == lang.is_english())
            .map(String::as_str)
            .collect();
        let source = lang.units(&same.join(lang.sep()));
        if stuttered.contains(&(b, host)) || source.len() < 60 {
            continue;
        }
        let start = rng.below(source.len().saturating_sub(60)) + 10;
        let mut quote = source[start..start + 40].to_vec();
        quote[20] = lang.replacement(&mut rng);
        lang.quote_into(&mut docs[b][host], &quote.join(lang.sep()));
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
