//! Transcription quality: character and word error rates, their split into cosmetic and
//! substantive parts, and a confusion table.
//!
//! CER is the Levenshtein distance over extended grapheme clusters divided by the ground
//! truth's clusters; WER the same over words (UAX #29 word segments that hold a letter, a
//! digit or an ideograph; each Han character is a word). `Mode::Dinglehopper` prepares the
//! texts exactly as dinglehopper 0.11 does for plain text, so its numbers are reproduced.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

use crate::classify::{Class, Kind, Site, classify};
use crate::levenshtein::{EditOp, edit_ops};
use crate::normalize::{Profile, view};

use crate::source::{Document, SourceError};

/// How texts are prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The text under a witness profile, with the cosmetic/substantive split.
    Witness(Profile),
    /// dinglehopper 0.11's plain-text steps: lines stripped and joined with LF, NFC, its
    /// ligature and equivalence substitutions.
    Dinglehopper,
}

/// dinglehopper's substitutions, applied in this order: ligatures first, then equivalences
/// (code points from its `normalize_sbb` tables, as listed in the project's fixtures).
const DINGLEHOPPER_SUBSTITUTIONS: &[(&str, &str)] = &[
    ("\u{EBA6}", "\u{17F}\u{17F}"),
    ("\u{EBA7}", "\u{17F}\u{17F}i"),
    ("\u{F502}", "ch"),
    ("\u{EEC4}", "ck"),
    ("\u{F4F9}", "ll"),
    ("\u{EBA2}", "\u{17F}i"),
    ("\u{EADA}", "\u{17F}t"),
    ("\u{FB01}", "fi"),
    ("\u{FB00}", "ff"),
    ("\u{FB02}", "fl"),
    ("\u{FB03}", "ffi"),
    ("\u{EEC5}", "ct"),
    ("\u{EEDC}", "tz"),
    ("\u{F532}", "as"),
    ("\u{F533}", "is"),
    ("\u{F534}", "us"),
    ("\u{F535}", "Qu"),
    ("\u{133}", "ij"),
    ("\u{E8BF}", "q&"),
    ("\u{EBA5}", "\u{17F}p"),
    ("\u{FB06}", "st"),
    ("\u{E72B}", "\u{FC}"),
    ("\u{E42C}", "\u{E4}"),
    ("==", "\u{2013}"),
    ("\u{2014}", "\u{2013}"),
    ("\u{E644}", "\u{F6}"),
    ("\u{2019}", "'"),
    ("\u{2E17}", "-"),
    ("a\u{364}", "\u{E4}"),
    ("o\u{364}", "\u{F6}"),
    ("u\u{364}", "\u{FC}"),
    ("\u{F50E}", "q\u{301}"),
];

/// Python's `str.isspace`: Unicode White_Space plus the information separators.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// dinglehopper's plain-text preparation (steps 2 and 3 of its counting).
pub fn dinglehopper_text(text: &str) -> String {
    // Python's readlines with universal newlines: LF, CRLF and CR end lines; a final line
    // break does not start another line.
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        lines.push(rest[..end].trim_matches(is_python_space));
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = rest.get(end + skip..).unwrap_or("");
    }
    dinglehopper_normalized(&lines.join("\n"))
}

/// The text dinglehopper 0.11 counts of a document: a plain text's lines stripped and
/// normalized, a PAGE-XML or ALTO reading normalized.
pub fn dinglehopper_reading(doc: &Document) -> String {
    match doc.format() {
        crate::InputFormat::Text => dinglehopper_text(&doc.text),
        _ => dinglehopper_normalized(&doc.text),
    }
}

/// dinglehopper's normalization of extracted text (its `normalize_sbb`): NFC, then its
/// substitutions. Text read from PAGE-XML or ALTO gets only this (its lines are not stripped).
pub fn dinglehopper_normalized(text: &str) -> String {
    let mut out: String = text.nfc().collect();
    for (from, to) in DINGLEHOPPER_SUBSTITUTIONS {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// Word segments that count as words: not made only of marks, punctuation, separators,
/// symbols, or control and format characters. A Private Use Area character (U+E000–U+F8FF:
/// MUFI's medieval letters and abbreviation marks in OCR ground truth) is a letter, so
/// `v\u{E5B8}r` is one word, as MUFI means it; Unicode gives PUA characters no word-break
/// property, which would split it in three.
pub fn words(text: &str) -> Vec<&str> {
    // Each PUA character stands in as a letter of the same UTF-8 length (three bytes) while
    // the boundaries are found, so that the words are slices of `text` itself.
    const LETTER: char = '\u{0800}'; // SAMARITAN LETTER ALAF: Word_Break=ALetter
    let is_pua = |c: char| ('\u{E000}'..='\u{F8FF}').contains(&c);
    if !text.chars().any(is_pua) {
        return text.split_word_bounds().filter(|w| is_word(w)).collect();
    }
    let stand_in: String = text
        .chars()
        .map(|c| if is_pua(c) { LETTER } else { c })
        .collect();
    stand_in
        .split_word_bound_indices()
        .map(|(at, w)| &text[at..at + w.len()])
        .filter(|w| is_word(w))
        .collect()
}

/// The words of `text` as dinglehopper 0.11 counts them: [`words`], but for a Private Use
/// Area character, which is a word of its own (no word-break property; private use is none
/// of the categories left out). dinglehopper means to make it a letter, but its patch does
/// not reach the uniseg 0.10 it installs; a test checks one line against its word list.
pub fn dinglehopper_words(text: &str) -> Vec<&str> {
    text.split_word_bounds().filter(|w| is_word(w)).collect()
}

/// Not made only of marks, punctuation, separators, symbols, control or format characters.
fn is_word(w: &str) -> bool {
    w.chars().any(|c| {
        !matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Mark
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Separator
                | GeneralCategoryGroup::Symbol
        ) && !matches!(
            c.general_category(),
            GeneralCategory::Control | GeneralCategory::Format
        )
    })
}

/// Edit counts of one comparison (characters or words).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub distance: usize,
    pub gt: usize,
    pub ocr: usize,
    pub substitutions: usize,
    pub deletions: usize,
    pub insertions: usize,
}

impl Counts {
    fn of(ops: &[EditOp], gt: usize, ocr: usize) -> Counts {
        let mut c = Counts {
            gt,
            ocr,
            ..Counts::default()
        };
        for op in ops {
            match op {
                EditOp::Match => {}
                EditOp::Substitute => c.substitutions += 1,
                EditOp::Delete => c.deletions += 1,
                EditOp::Insert => c.insertions += 1,
            }
        }
        c.distance = c.substitutions + c.deletions + c.insertions;
        c
    }

    /// distance / ground-truth length; 0 when there is no error, infinite when the ground
    /// truth is empty and the transcription is not.
    pub fn rate(&self) -> f64 {
        match (self.distance, self.gt) {
            (0, _) => 0.0,
            (_, 0) => f64::INFINITY,
            (d, n) => d as f64 / n as f64,
        }
    }

    pub fn add(&mut self, other: &Counts) {
        self.distance += other.distance;
        self.gt += other.gt;
        self.ocr += other.ocr;
        self.substitutions += other.substitutions;
        self.deletions += other.deletions;
        self.insertions += other.insertions;
    }
}

/// The measurements of one pair.
#[derive(Debug, Clone)]
pub struct Measure {
    pub chars: Counts,
    pub words: Counts,
    /// Character distance by class and by kind of the variant each edit belongs to
    /// (witness mode only).
    pub by_class: BTreeMap<Class, usize>,
    pub by_kind: BTreeMap<Kind, usize>,
    /// Character distance of the substitutions by cause (`none`: no known cause; one with two
    /// causes counts in both), witness mode only.
    pub substitutions_by_cause: BTreeMap<&'static str, usize>,
    /// Character confusions `(ground truth, transcription)` → count; `""` for nothing.
    pub confusion: BTreeMap<(String, String), usize>,
}

/// Interns two sequences of strings into shared ids.
fn interned<'s>(
    a: impl Iterator<Item = &'s str>,
    b: impl Iterator<Item = &'s str>,
) -> (Vec<u32>, Vec<u32>) {
    let mut ids: HashMap<&'s str, u32> = HashMap::new();
    let mut id = |s: &'s str| {
        let next = ids.len() as u32;
        *ids.entry(s).or_insert(next)
    };
    let x = a.map(&mut id).collect();
    let y = b.map(&mut id).collect();
    (x, y)
}

/// A text made ready for counting: its clusters, and (in witness mode) the original byte
/// span of each.
struct Prepared {
    text: String,
    clusters: Vec<std::ops::Range<usize>>,
    spans: Vec<std::ops::Range<usize>>,
}

impl Prepared {
    fn new(doc: &Document, mode: Mode) -> Prepared {
        match mode {
            Mode::Dinglehopper => {
                let text = dinglehopper_reading(doc);
                let clusters = text
                    .grapheme_indices(true)
                    .map(|(i, g)| i..i + g.len())
                    .collect();
                Prepared {
                    text,
                    clusters,
                    spans: Vec::new(),
                }
            }
            Mode::Witness(p) => {
                let v = view(&doc.text, p);
                Prepared {
                    clusters: v.units.iter().map(|u| u.view()).collect(),
                    spans: v.units.iter().map(|u| u.original()).collect(),
                    text: v.text,
                }
            }
        }
    }

    fn cluster(&self, k: usize) -> &str {
        &self.text[self.clusters[k].clone()]
    }

    /// Original byte range of clusters `from..to` (an empty range at `from` when empty).
    fn original(&self, from: usize, to: usize, len: usize) -> std::ops::Range<usize> {
        let start = self.spans.get(from).map_or(len, |r| r.start);
        if to > from {
            start..self.spans[to - 1].end
        } else {
            start..start
        }
    }
}

/// Measures a transcription against its ground truth.
pub fn measure(gt: &Document, ocr: &Document, mode: Mode) -> Measure {
    let (pg, po) = (Prepared::new(gt, mode), Prepared::new(ocr, mode));
    let (gn, on) = (pg.clusters.len(), po.clusters.len());
    let (ga, oa) = interned(
        (0..gn).map(|k| pg.cluster(k)),
        (0..on).map(|k| po.cluster(k)),
    );
    let split = match mode {
        Mode::Dinglehopper => dinglehopper_words,
        Mode::Witness(_) => words,
    };
    let (gw, ow) = (split(&pg.text), split(&po.text));
    let (wa, wb) = interned(gw.iter().copied(), ow.iter().copied());
    let (gwn, own) = (gw.len(), ow.len());
    drop((gw, ow));
    // Characters and words are independent: one core each.
    let (ops, word_ops) = rayon::join(|| edit_ops(&ga, &oa), || edit_ops(&wa, &wb));
    drop((wa, wb));
    let chars = Counts::of(&ops, gn, on);
    let words = Counts::of(&word_ops, gwn, own);

    let mut confusion = BTreeMap::new();
    let mut by_class = BTreeMap::new();
    let mut by_kind = BTreeMap::new();
    let mut substitutions_by_cause = BTreeMap::new();
    // The witnesses' scripts, computed once if a variant needs them (`orthography`).
    let scripts = crate::orthography::Scripts::new(gt.script_cell(), ocr.script_cell());
    let (mut i, mut j) = (0, 0);
    let mut k = 0;
    while k < ops.len() {
        if ops[k] == EditOp::Match {
            (i, j, k) = (i + 1, j + 1, k + 1);
            continue;
        }
        // A run of edits: one variant, classified at its original place.
        let (i0, j0, mut cost) = (i, j, 0);
        while k < ops.len() && ops[k] != EditOp::Match {
            let (x, y) = match ops[k] {
                EditOp::Substitute => (pg.cluster(i), po.cluster(j)),
                EditOp::Delete => (pg.cluster(i), ""),
                _ => ("", po.cluster(j)),
            };
            *confusion.entry((x.to_string(), y.to_string())).or_insert(0) += 1;
            i += usize::from(ops[k] != EditOp::Insert);
            j += usize::from(ops[k] != EditOp::Delete);
            cost += 1;
            k += 1;
        }
        if let Mode::Witness(_) = mode {
            let ra = pg.original(i0, i, gt.text.len());
            let rb = po.original(j0, j, ocr.text.len());
            let c = classify(&Site::new(&gt.text, ra, &ocr.text, rb).with_scripts(scripts));
            *by_class.entry(c.class).or_insert(0) += cost;
            *by_kind.entry(c.kind).or_insert(0) += cost;
            if c.kind == Kind::Substitution {
                crate::report::count_causes(&mut substitutions_by_cause, c.causes, cost);
            }
        }
    }
    Measure {
        chars,
        words,
        by_class,
        by_kind,
        substitutions_by_cause,
        confusion,
    }
}

/// What to measure: a ground truth and a transcription, or two directories of them paired by
/// file name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairing {
    /// (ground truth, transcription) paths, in file-name order.
    pub pairs: Vec<(PathBuf, PathBuf)>,
    /// Directory mode: file names found only among the ground truths…
    pub only_in_gt: Vec<String>,
    /// …and only among the transcriptions.
    pub only_in_ocr: Vec<String>,
    /// True when two directories were paired.
    pub directories: bool,
    /// Directory entries left out: symbolic links that lead out of their directory.
    pub skipped: Vec<crate::corpus::Skipped>,
}

/// Why two paths cannot be paired.
#[derive(Debug, thiserror::Error)]
pub enum PairingError {
    /// A directory that cannot be listed.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// Two directories without a file name in common.
    #[error("no file name in {gt} is also in {ocr}; directory mode pairs files by name")]
    NothingInCommon {
        /// The ground-truth directory.
        gt: String,
        /// The transcription directory.
        ocr: String,
    },
    /// A file and a directory.
    #[error("give two files, or two directories (paired by file name)")]
    Mixed,
}

/// Pairs a ground truth with a transcription: two files, or the files of the same name in two
/// directories (dot-files left out).
pub fn pair_paths(gt: &Path, ocr: &Path) -> Result<Pairing, PairingError> {
    if !gt.is_dir() && !ocr.is_dir() {
        return Ok(Pairing {
            pairs: vec![(gt.to_path_buf(), ocr.to_path_buf())],
            ..Pairing::default()
        });
    }
    if !(gt.is_dir() && ocr.is_dir()) {
        return Err(PairingError::Mixed);
    }
    let mut skipped = Vec::new();
    let mut list = |dir: &Path| -> Result<Vec<String>, SourceError> {
        let io = |e| SourceError::Io {
            path: dir.display().to_string(),
            source: e,
        };
        let real_dir = std::fs::canonicalize(dir).map_err(io)?;
        let mut v = Vec::new();
        for e in std::fs::read_dir(dir).map_err(io)?.flatten() {
            let (path, name) = (e.path(), e.file_name().to_string_lossy().into_owned());
            if name.starts_with('.') || !path.is_file() {
                continue;
            }
            // A link out of the directory is not read: the pairing stays inside its tree.
            let real = std::fs::canonicalize(&path).unwrap_or_default();
            if !real.starts_with(&real_dir) {
                skipped.push(crate::corpus::Skipped {
                    path: path.display().to_string(),
                    error: format!("symlink to outside the directory ({})", real.display()),
                });
                continue;
            }
            v.push(name);
        }
        v.sort();
        Ok(v)
    };
    let (g, o) = (list(gt)?, list(ocr)?);
    let mut pairing = Pairing {
        directories: true,
        skipped,
        ..Pairing::default()
    };
    for n in &g {
        if o.binary_search(n).is_ok() {
            pairing.pairs.push((gt.join(n), ocr.join(n)));
        } else {
            pairing.only_in_gt.push(n.clone());
        }
    }
    pairing.only_in_ocr = o
        .into_iter()
        .filter(|n| g.binary_search(n).is_err())
        .collect();
    if pairing.pairs.is_empty() {
        return Err(PairingError::NothingInCommon {
            gt: gt.display().to_string(),
            ocr: ocr.display().to_string(),
        });
    }
    Ok(pairing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dinglehopper_lines_are_stripped_and_joined() {
        assert_eq!(dinglehopper_text("  a \r\n\tb\r\rc\n"), "a\nb\n\nc");
        assert_eq!(
            dinglehopper_text("\u{FB01}ne \u{2014} it\u{2019}s"),
            "fine \u{2013} it's"
        );
    }

    #[test]
    fn words_skip_punctuation_and_split_han() {
        assert_eq!(
            words("Hello, world! 跨里海。"),
            ["Hello", "world", "跨", "里", "海"]
        );
    }

    /// A MUFI line: witness joins a Private Use Area character to its word; dinglehopper 0.11
    /// (its `words()` run on this line, in the venv of `benches/compare/run.sh`) makes it a
    /// word of its own. Control and format characters alone are words for neither.
    #[test]
    fn private_use_characters_are_letters_and_dinglehopper_words_of_their_own() {
        let line = "Jch v\u{E5B8}r d\u{E8BF}s, \u{F1A5} ſprach \u{200B} \u{7} 2\u{E000}3";
        assert_eq!(
            words(line),
            [
                "Jch",
                "v\u{E5B8}r",
                "d\u{E8BF}s",
                "\u{F1A5}",
                "ſprach",
                "2\u{E000}3"
            ]
        );
        assert_eq!(
            dinglehopper_words(line),
            [
                "Jch", "v", "\u{E5B8}", "r", "d", "\u{E8BF}", "s", "\u{F1A5}", "ſprach", "2",
                "\u{E000}", "3"
            ]
        );
    }
}
