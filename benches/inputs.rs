//! Deterministic benchmark inputs built from the corpus: large Chinese texts, the same with
//! scattered edits, and an unrelated text with the same character statistics.

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
