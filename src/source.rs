//! Reading a witness: bytes → decoded text, with the encoding used, digests and a line index.
//!
//! Positions everywhere in witness are byte offsets into the *decoded* text (UTF-8, BOM
//! removed). [`Document::position`] turns one into the `{byte, text_byte, char, line, column}`
//! that reports print: `byte` is the offset in the file as stored (its encoding, BOM
//! included), `text_byte` the offset in the decoded UTF-8 text. Line breaks are LF, CRLF and lone CR, so a CRLF file reports the same lines and
//! columns as its LF twin.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::Path;

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use encoding_rs::{DecoderResult, EncoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};
use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::extract::{Address, ExtractOptions, InputFormat, SourceMap};

/// Texts larger than this are refused with a clear error rather than risking running out of
/// memory: comparing a text with itself takes about 18 bytes per character of English and 37 of
/// Chinese (a 256 MiB line of English: about 5 GB). It also keeps a view's 32-bit offsets
/// safe: no normalization expands a byte to more than 11. The limit is enforced while reading
/// ([`read_limited`]), not trusted to the file's size.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// How the reader should treat the bytes.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// A WHATWG encoding label that overrides detection (`GB18030`, `Big5`, `UTF-16LE`…).
    pub encoding: Option<String>,
    /// Replace malformed byte sequences with U+FFFD instead of refusing the file.
    pub lossy: bool,
    /// The format to read (detected when not given) and how to read it.
    pub extract: ExtractOptions,
    /// Matches left out of a plain text (`--ignore`): page and line markers, sigla.
    pub ignore: Vec<regex::Regex>,
}

impl ReadOptions {
    /// Sets the encoding (a WHATWG label) instead of detecting it.
    ///
    /// ```
    /// use witness::{Document, ReadOptions};
    /// let gbk = [0xBF, 0xE7, 0xC0, 0xEF, 0xBA, 0xA3]; // 跨里海 in GBK
    /// let opts = ReadOptions::default().encoding("GB18030");
    /// let d = Document::from_bytes("t.txt", "t", &gbk, &opts)?;
    /// assert_eq!(d.text, "跨里海");
    /// # Ok::<(), witness::SourceError>(())
    /// ```
    pub fn encoding(mut self, label: impl Into<String>) -> ReadOptions {
        self.encoding = Some(label.into());
        self
    }

    /// Replaces malformed byte sequences with U+FFFD (counted) instead of refusing the file.
    pub fn lossy(mut self, lossy: bool) -> ReadOptions {
        self.lossy = lossy;
        self
    }
}

/// Why the encoding of a document is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    /// Given with `--encoding`.
    Declared,
    /// A byte-order mark said so.
    Bom,
    /// No BOM, and the bytes are UTF-8: valid, or damaged in a few places (an error, or
    /// replacements counted in `replaced` with `--lossy`).
    Utf8,
    /// Guessed by `chardetng` from the bytes.
    Detected,
    /// Named by the file itself: an XML declaration's `encoding`, an HTML `<meta charset>`,
    /// or the format's own (the XML parts of a DOCX are UTF-8).
    Markup,
}

/// Reading failures; each message names the input and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file; check the path")]
    NotFound { path: String },
    #[error("{path}: is a directory; give the path of a text file")]
    IsDirectory { path: String },
    /// Not a regular file: a FIFO, a device, a socket. witness never reads one (a FIFO would
    /// block, `/dev/zero` never ends).
    #[error("{path}: is a {what}, not a regular file; witness reads regular files only")]
    NotRegular {
        /// The path as given.
        path: String,
        /// What it is: `FIFO (named pipe)`, `character device`, `block device`, `socket`.
        what: &'static str,
    },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: {bytes} bytes is more than witness reads as text ({limit} bytes); split the file"
    )]
    TooLarge {
        path: String,
        bytes: u64,
        limit: u64,
    },
    #[error(
        "{path}: looks binary (NUL byte at byte offset {offset}); if it is UTF-16 without a byte-order mark, pass --encoding UTF-16LE or --encoding UTF-16BE"
    )]
    Binary { path: String, offset: usize },
    /// A file of a format witness recognises and does not read as text ([`crate::formats`]).
    #[error("{path}: is {format}, not text; {advice}")]
    NotText {
        /// The path as given.
        path: String,
        /// What it is: `a PDF document`, `a DOCX document`, `a PNG image`…
        format: &'static str,
        /// What to do.
        advice: &'static str,
    },
    /// Bytes in no declared encoding that the detected one turns into control codes: not
    /// text, or text in an encoding the detector missed.
    #[error(
        "{path}: does not read as text: decoded as {encoding} (the encoding detected), {controls} of its {chars} characters are control codes; if it is text, pass --encoding LABEL"
    )]
    Implausible {
        /// The path as given.
        path: String,
        /// The encoding detected.
        encoding: &'static str,
        /// Control characters (other than tab, line feed, carriage return, form feed).
        controls: usize,
        /// Characters decoded.
        chars: usize,
    },
    #[error(
        "{path}: malformed {encoding} at byte offset {offset} (bytes {bytes}); pass --encoding LABEL if the file uses another encoding, or --lossy to replace malformed bytes with U+FFFD"
    )]
    Malformed {
        path: String,
        encoding: &'static str,
        offset: usize,
        bytes: String,
    },
    /// A file in a structured format (PAGE-XML, ALTO…) that its reader cannot read.
    #[error("{path}: cannot be read as {format}: {message}; {advice}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// The format: `PAGE-XML`, `ALTO`…
        format: &'static str,
        /// What is wrong, and where.
        message: String,
        /// What to do: fix the file, or read the markup as text.
        advice: &'static str,
    },
    #[error(
        "unknown encoding label {label:?}; use a WHATWG label such as UTF-8, GB18030, GBK, Big5, Shift_JIS, EUC-KR, windows-1252, UTF-16LE"
    )]
    UnknownEncoding { label: String },
    /// `-` (the standard input) given for two inputs of one command.
    #[error(
        "the standard input (-) can be given for one input only; save one of the texts to a file"
    )]
    StdinTwice,
}

impl SourceError {
    /// The input the error is about (none for an unknown encoding label).
    pub fn path(&self) -> Option<&str> {
        match self {
            SourceError::NotFound { path }
            | SourceError::IsDirectory { path }
            | SourceError::NotRegular { path, .. }
            | SourceError::Io { path, .. }
            | SourceError::TooLarge { path, .. }
            | SourceError::Binary { path, .. }
            | SourceError::NotText { path, .. }
            | SourceError::Implausible { path, .. }
            | SourceError::Malformed { path, .. }
            | SourceError::Unreadable { path, .. } => Some(path),
            SourceError::UnknownEncoding { .. } | SourceError::StdinTwice => None,
        }
    }
}

/// One witness: the decoded text of a file and everything needed to point back into it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path as the user gave it.
    pub path: String,
    /// A short name: the file stem.
    pub label: String,
    /// The decoded text, BOM removed, line endings untouched.
    pub text: String,
    pub encoding: &'static Encoding,
    pub encoding_source: EncodingSource,
    /// How many malformed sequences `--lossy` replaced with U+FFFD.
    pub replaced: usize,
    /// Size of the raw file in bytes.
    pub byte_len: usize,
    /// SHA-256 of the raw bytes, lowercase hex.
    pub sha256: String,
    /// SHA-256 of the canonical text: NFC, LF line endings, no BOM.
    pub text_sha256: String,
    lines: LineIndex,
    /// Length of the byte-order mark skipped before the text.
    bom_len: usize,
    /// Malformed sequences `--lossy` replaced: (offset of the U+FFFD in the text, length of
    /// the malformed bytes in the file), in order.
    replacements: Vec<(usize, usize)>,
    /// File offsets of the text's character checkpoints (legacy encodings only), built on
    /// first use.
    file_offsets: OnceLock<Vec<usize>>,
    /// The script of the text, computed on first use (every report header shows it).
    script: OnceLock<crate::orthography::Script>,
    /// The sentences of the text (byte ranges), computed on first use (reports cut their
    /// contexts at them).
    sentences: OnceLock<Vec<Range<usize>>>,
    /// For a file read in a structured format (PAGE-XML, ALTO…): where each piece of the
    /// text is in the file. `None` for plain text, which is its own map.
    map: Option<SourceMap>,
    /// What the reader of a structured format warns about (regions outside the reading
    /// order…), one sentence each.
    pub warnings: Vec<String>,
    /// What `--ignore` left out of a plain text: where each match was in the file, and its
    /// text.
    pub ignored: Vec<Ignored>,
    /// For a document read from a row of a collection ([`crate::Collection`]): the row's
    /// other columns, by name. Empty for a file.
    pub metadata: BTreeMap<String, serde_json::Value>,
}

/// A match of `--ignore`, left out of the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ignored {
    /// The text left out.
    pub text: String,
    /// 0-based byte offset in the file as stored.
    pub byte: usize,
    /// 1-based line and column (in characters) in the file.
    pub line: usize,
    pub column: usize,
}

/// A point in the original text, as reports print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 0-based byte offset in the file as stored: in its encoding (GB18030, Big5, UTF-16…),
    /// byte-order mark included. Equal to `text_byte` for UTF-8 without a BOM. In a file
    /// read in a structured format, the offset of the character in the markup (an entity
    /// or a separator the reader put in points at where it stands).
    pub byte: usize,
    /// 0-based byte offset into the decoded text (UTF-8, BOM removed): what ranges of
    /// [`Document::text`] use.
    pub text_byte: usize,
    /// 0-based offset in Unicode scalar values.
    pub char: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
    /// In a file read in a structured format: the element the character is in (its name,
    /// id, path and box). `line` and `column` are then the markup's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Arc<Address>>,
}

impl Document {
    /// Reads and decodes a file: a regular file (a symbolic link to one is followed) of at
    /// most [`MAX_FILE_BYTES`], read with [`read_limited`]; `-` is the standard input, read
    /// to its end (once in a process: see [`read_stdin`]) and named `<stdin>`.
    pub fn read(path: &Path, opts: &ReadOptions) -> Result<Document, SourceError> {
        if path.as_os_str() == "-" {
            return Document::from_bytes(STDIN, "stdin", &read_stdin(MAX_FILE_BYTES)?, opts);
        }
        let shown = path.display().to_string();
        let bytes = read_limited(path, MAX_FILE_BYTES)?;
        let label = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone());
        Document::from_bytes(&shown, &label, &bytes, opts)
    }

    /// Decodes bytes that came from somewhere other than a file (a store, a test).
    pub fn from_bytes(
        path: &str,
        label: &str,
        bytes: &[u8],
        opts: &ReadOptions,
    ) -> Result<Document, SourceError> {
        let format = opts
            .extract
            .format
            .or_else(|| crate::extract::detect(bytes))
            .unwrap_or(InputFormat::Text);
        if format.is_binary() {
            let mut doc = Document::from_container(path, label, bytes, format, &opts.extract)?;
            doc.warn_ignore_unused(opts);
            return Ok(doc);
        }
        if let Some(format) = crate::formats::sniff(bytes) {
            return Err(SourceError::NotText {
                path: path.to_string(),
                format: format.name,
                advice: format.advice,
            });
        }
        let (encoding, encoding_source, bom_len) = choose_encoding(path, bytes, opts, format)?;
        let (text, replacements) = decode(path, encoding, bytes, bom_len, opts.lossy)?;
        if encoding_source == EncodingSource::Detected {
            refuse_implausible(path, encoding, &text)?;
        }
        let lines = LineIndex::new(&text);
        let sha256 = hex_sha256(bytes);
        // Most files are their canonical text (UTF-8, no BOM, NFC, LF): one digest serves.
        let canonical = canonical_text(&text);
        let text_sha256 = if canonical.as_bytes() == bytes {
            sha256.clone()
        } else {
            hex_sha256(canonical.as_bytes())
        };
        drop(canonical);
        let mut doc = Document {
            path: path.to_string(),
            label: label.to_string(),
            text_sha256,
            sha256,
            text,
            encoding,
            encoding_source,
            replaced: replacements.len(),
            byte_len: bytes.len(),
            lines,
            bom_len,
            replacements,
            file_offsets: OnceLock::new(),
            script: OnceLock::new(),
            sentences: OnceLock::new(),
            map: None,
            warnings: Vec::new(),
            ignored: Vec::new(),
            metadata: BTreeMap::new(),
        };
        if format != InputFormat::Text {
            doc.read_structure(format, &opts.extract)?;
            doc.warn_ignore_unused(opts);
        } else if !opts.ignore.is_empty() {
            doc.leave_out(&opts.ignore);
        }
        Ok(doc)
    }

    /// A document read from a file that is not text (DOCX, PDF): its reader takes the bytes,
    /// and the positions it maps to are in the parts or pages it names.
    fn from_container(
        path: &str,
        label: &str,
        bytes: &[u8],
        format: InputFormat,
        opts: &ExtractOptions,
    ) -> Result<Document, SourceError> {
        let extraction = crate::extract::extract_bytes(format, bytes, opts).map_err(|e| {
            SourceError::Unreadable {
                path: path.to_string(),
                format: format.title(),
                message: e.message,
                advice: "fix the file, or export its text (as UTF-8) and compare that",
            }
        })?;
        let text = extraction.text;
        Ok(Document {
            path: path.to_string(),
            label: label.to_string(),
            text_sha256: hex_sha256(canonical_text(&text).as_bytes()),
            sha256: hex_sha256(bytes),
            lines: LineIndex::new(&text),
            text,
            encoding: UTF_8,
            encoding_source: EncodingSource::Markup,
            replaced: 0,
            byte_len: bytes.len(),
            bom_len: 0,
            replacements: Vec::new(),
            file_offsets: OnceLock::new(),
            script: OnceLock::new(),
            sentences: OnceLock::new(),
            map: Some(extraction.map),
            warnings: extraction.warnings,
            ignored: Vec::new(),
            metadata: BTreeMap::new(),
        })
    }

    /// `--ignore` is for plain texts; a structured file read without it is said so.
    fn warn_ignore_unused(&mut self, opts: &ReadOptions) {
        if !opts.ignore.is_empty() {
            self.warnings.push(format!(
                "--ignore applies to plain text only; it was not applied to this {} file",
                self.format().title()
            ));
        }
    }

    /// Leaves the matches of `patterns` out of a plain text, keeping where each was.
    fn leave_out(&mut self, patterns: &[regex::Regex]) {
        let (extraction, left_out) = crate::extract::ignoring(&self.text, patterns);
        self.ignored = left_out
            .into_iter()
            .map(|r| {
                let p = self.position(r.start);
                Ignored {
                    text: self.text[r].to_string(),
                    byte: p.byte,
                    line: p.line,
                    column: p.column,
                }
            })
            .collect();
        self.adopt(extraction);
    }

    /// Replaces the decoded file with the text its reader makes of it, and keeps the map
    /// from that text back into the file.
    fn read_structure(
        &mut self,
        format: InputFormat,
        opts: &ExtractOptions,
    ) -> Result<(), SourceError> {
        let lines = std::borrow::Cow::Borrowed(&self.lines);
        let extraction = crate::extract::extract_indexed(format, &self.text, lines, opts).map_err(
            |e| SourceError::Unreadable {
                path: self.path.clone(),
                format: format.title(),
                message: e.message,
                advice: "fix the file, or pass --input-format text to compare its markup as text",
            },
        )?;
        self.adopt(extraction);
        Ok(())
    }

    /// Takes a reader's text in place of the decoded file, its map turned to file offsets.
    fn adopt(&mut self, extraction: crate::extract::Extraction) {
        let mut map = extraction.map;
        map.finish(|b| self.file_offset(b));
        self.text_sha256 = hex_sha256(canonical_text(&extraction.text).as_bytes());
        self.lines = LineIndex::new(&extraction.text);
        self.text = extraction.text;
        self.replacements.clear();
        self.file_offsets = OnceLock::new();
        self.map = Some(map);
        self.warnings = extraction.warnings;
    }

    /// The text in pieces that each come from one place of the file (one element, one source
    /// line): the whole text for plain text.
    pub fn pieces(&self) -> Vec<Range<usize>> {
        match &self.map {
            None => std::iter::once(0..self.text.len()).collect(),
            Some(map) => map.pieces(self.text.len()),
        }
    }

    /// The format the document was read from.
    pub fn format(&self) -> InputFormat {
        self.map
            .as_ref()
            .map_or(InputFormat::Text, SourceMap::format)
    }

    /// The page images a PAGE-XML, ALTO or hOCR file names (one per page; none for other
    /// formats), as the file names them.
    pub fn page_images(&self) -> impl Iterator<Item = &crate::extract::PageImage> {
        self.map.iter().flat_map(SourceMap::page_images)
    }

    /// For a file read from PAGE-XML, ALTO or hOCR that names its page image: that image and
    /// the box, in the file's units, of the line of text that holds byte `byte`
    /// ([`crate::Address::line_bbox`]; a separator the reader put in takes the box of the
    /// text before it, else after it). `None` for other formats, a file that names no image,
    /// or text on no known line (a PAGE region of several lines read at region level).
    /// [`crate::report::crops`] cuts the line out of the image.
    pub fn page_line(&self, byte: usize) -> Option<(&crate::extract::PageImage, [i64; 4])> {
        self.map.as_ref()?.page_line(byte)
    }

    /// The document without its text, for a streaming scan that cannot hold every text: what
    /// identifies it (path, digests, encoding, format, metadata) and its script, as read. Its
    /// text is then empty, so is everything derived from the text: the scan reads again the
    /// texts that its findings cite.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) fn into_header(mut self) -> Document {
        self.drop_text();
        self
    }

    /// Makes the document a header in place (see [`Document::into_header`]).
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) fn drop_text(&mut self) {
        self.script();
        self.text = String::new();
        self.lines = LineIndex::new("");
        self.replacements = Vec::new();
        self.file_offsets = OnceLock::new();
        self.sentences = OnceLock::new();
    }

    /// The script the text is written in (simplified, traditional, mixed; see
    /// [`crate::orthography::script`]), computed once.
    pub fn script(&self) -> crate::orthography::Script {
        *self
            .script
            .get_or_init(|| crate::orthography::script(&self.text))
    }

    /// Where [`Document::script`] keeps the script, for a comparison's
    /// [`crate::orthography::Scripts`].
    pub fn script_cell(&self) -> &OnceLock<crate::orthography::Script> {
        &self.script
    }

    /// The sentences of the text, as [`crate::segment::sentences`] finds them in its
    /// paragraphs, computed once.
    pub fn sentences(&self) -> &[Range<usize>] {
        // Paragraphs only when the sentences are not known yet: a report asks once a finding.
        match self.sentences.get() {
            Some(sentences) => sentences,
            None => self.sentences_in(&crate::segment::paragraphs(&self.text)),
        }
    }

    /// [`Document::sentences`], given the text's paragraphs (a tokenized view holds them).
    pub(crate) fn sentences_in(&self, paragraphs: &[Range<usize>]) -> &[Range<usize>] {
        self.sentences
            .get_or_init(|| crate::segment::sentences(&self.text, paragraphs))
    }

    /// The position of a byte offset of the decoded text (clamped to the text).
    pub fn position(&self, byte: usize) -> Position {
        self.place(byte, false)
    }

    /// Where the span that ends at `byte` ends: as [`Document::position`], except in a file
    /// read in a structured format, where an end at the boundary of two pieces of text (two
    /// lines of a page) is the end of the first piece in the markup, not the start of the
    /// second.
    pub fn end_position(&self, byte: usize) -> Position {
        self.place(byte, true)
    }

    fn place(&self, byte: usize, end: bool) -> Position {
        let mut p = self.lines.position(&self.text, byte.min(self.text.len()));
        match &self.map {
            None => p.byte = self.file_offset(p.text_byte),
            Some(map) => {
                let at = map.locate(&self.text, p.text_byte, end);
                let within = &self.text[at.within];
                p.byte = at.piece_source
                    + match self.encoding == UTF_8 {
                        true => within.len(),
                        false => encoded_len(self.encoding, None, within),
                    };
                (p.line, p.column, p.address) = (at.line, at.column, at.address);
            }
        }
        p
    }

    /// The offset in the file as stored of a character boundary of the decoded text: the
    /// BOM, plus the prefix's length in the file's encoding (malformed sequences replaced by
    /// `--lossy` count the bytes they replaced). UTF-8 is direct; other encodings use a table of every 64th character's offset, built on first use, and encode
    /// at most 63 characters per call (UTF-16 too, counting code units).
    pub fn file_offset(&self, text_byte: usize) -> usize {
        let encoded = if self.encoding == UTF_8 {
            text_byte
        } else {
            let table = self
                .file_offsets
                .get_or_init(|| checkpoint_offsets(&self.text, self.encoding, &self.lines));
            let k = self
                .lines
                .char_checkpoints
                .partition_point(|&b| b <= text_byte)
                .saturating_sub(1);
            let from = self.lines.char_checkpoints.get(k).copied().unwrap_or(0);
            table.get(k).copied().unwrap_or(0)
                + encoded_len(self.encoding, None, &self.text[from..text_byte])
        };
        // Each replacement stands for the bytes it replaced, not for an encoded U+FFFD.
        let replaced = self.replacements.partition_point(|&(at, _)| at < text_byte);
        let (mut add, mut sub) = (0, 0);
        if replaced > 0 {
            let fffd = self.encoded_fffd();
            for &(_, len) in &self.replacements[..replaced] {
                add += len;
                sub += fffd;
            }
        }
        (self.bom_len + encoded + add).saturating_sub(sub)
    }

    /// What one U+FFFD counts in [`Document::file_offset`]'s encoded length.
    fn encoded_fffd(&self) -> usize {
        if self.encoding == UTF_8 {
            3
        } else if self.encoding == UTF_16LE || self.encoding == UTF_16BE {
            2
        } else {
            encoded_len(self.encoding, None, "\u{FFFD}")
        }
    }
}

/// Bytes `text` takes in `encoding` (not UTF-8): UTF-16 counts code units, other encodings
/// encode with `encoder` (continuing its state; a fresh one when `None`). A character the
/// encoding cannot represent (only a U+FFFD from `--lossy` can be one) counts nothing.
fn encoded_len(
    encoding: &'static Encoding,
    encoder: Option<&mut encoding_rs::Encoder>,
    text: &str,
) -> usize {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        // encoding_rs has no UTF-16 encoder (it encodes to UTF-8 instead).
        return 2 * text.chars().map(char::len_utf16).sum::<usize>();
    }
    let mut fresh;
    let (encoder, last) = match encoder {
        Some(e) => (e, false),
        None => {
            fresh = encoding.new_encoder();
            (&mut fresh, true)
        }
    };
    let mut buf = [0u8; 1024];
    let (mut rest, mut total) = (text, 0);
    loop {
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut buf, last);
        total += written;
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => return total,
            EncoderResult::OutputFull | EncoderResult::Unmappable(_) => {}
        }
    }
}

/// Encoded length of the text before each character checkpoint of `lines` (every 64th
/// character), in `encoding` (not UTF-8): one pass over the text, once per document.
fn checkpoint_offsets(text: &str, encoding: &'static Encoding, lines: &LineIndex) -> Vec<usize> {
    let mut encoder = encoding.new_encoder();
    let cps = &lines.char_checkpoints;
    let mut out = Vec::with_capacity(cps.len());
    let mut total = 0;
    for (k, &start) in cps.iter().enumerate() {
        if k > 0 {
            total += encoded_len(encoding, Some(&mut encoder), &text[cps[k - 1]..start]);
        }
        out.push(total);
    }
    out
}

/// What a file that is neither regular nor a directory is, for [`SourceError::NotRegular`].
fn special_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    let _ = t;
    "special file"
}

/// `Ok` for a regular file; the error naming what it is otherwise.
fn require_regular(shown: &str, meta: &Metadata) -> Result<(), SourceError> {
    let t = meta.file_type();
    if t.is_file() {
        Ok(())
    } else if t.is_dir() {
        Err(SourceError::IsDirectory {
            path: shown.to_string(),
        })
    } else {
        Err(SourceError::NotRegular {
            path: shown.to_string(),
            what: special_kind(t),
        })
    }
}

/// The metadata of a regular file, without opening it: symbolic links are followed, and
/// anything else — a directory ([`SourceError::IsDirectory`]), a FIFO, a device, a socket
/// ([`SourceError::NotRegular`]) — is an error, as is a missing file
/// ([`SourceError::NotFound`]). For checking inputs before any work starts; reading must
/// still go through [`open_regular`], which checks the file it actually opened.
pub fn regular_metadata(path: &Path) -> Result<Metadata, SourceError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_error(&shown, e))?;
    require_regular(&shown, &meta)?;
    Ok(meta)
}

/// Opens a regular file for reading, safely: whatever the path is, this never blocks and
/// never hands back something that is not a regular file.
///
/// The path is checked first ([`regular_metadata`]), so a device or a FIFO is refused without
/// being opened; then it is opened with `O_NONBLOCK` (a FIFO swapped in meanwhile cannot block
/// the open) and `O_NOCTTY`, and the *opened* file is checked again with `fstat`, so what is
/// returned is the file that was checked. Symbolic links are followed: callers that must not
/// follow one decide before (as [`crate::Files`] does). Returns the file and its `fstat`
/// metadata; its length is a hint only — read with a limit ([`read_limited`]), or stream.
/// The file keeps `O_NONBLOCK`, which changes nothing for a regular file: reads neither block
/// nor fail with `WouldBlock`.
///
/// Errors: [`SourceError::NotFound`], [`SourceError::IsDirectory`],
/// [`SourceError::NotRegular`], [`SourceError::Io`] (permission denied, a symbolic-link loop…).
pub fn open_regular(path: &Path) -> Result<(File, Metadata), SourceError> {
    let shown = path.display().to_string();
    regular_metadata(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // O_NONBLOCK: opening a FIFO with no writer would block forever; it has no effect on
        // reading a regular file. O_NOCTTY: a terminal is never made the controlling one.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(|e| io_error(&shown, e))?;
    let meta = file.metadata().map_err(|e| io_error(&shown, e))?;
    require_regular(&shown, &meta)?;
    Ok((file, meta))
}

/// Reads a whole regular file of at most `limit` bytes.
///
/// Opens with [`open_regular`] (regular files only, never blocks), refuses at once a file whose
/// size is already over the limit, and enforces the limit while reading too — at most
/// `limit + 1` bytes are ever read — so a file that grows, or lies about its size, cannot
/// exhaust memory. Over the limit is [`SourceError::TooLarge`], with the size found (at least
/// `limit + 1` when the file grew while being read).
///
/// ```
/// use witness::unstable::source::{SourceError, read_limited};
/// let dir = tempfile::tempdir().unwrap();
/// let f = dir.path().join("ten.txt");
/// std::fs::write(&f, "0123456789").unwrap();
/// assert_eq!(read_limited(&f, 10).unwrap(), b"0123456789");
/// let too_large = read_limited(&f, 9).unwrap_err();
/// assert!(matches!(too_large, SourceError::TooLarge { bytes: 10, limit: 9, .. }));
/// ```
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
    let (file, meta) = open_regular(path)?;
    let shown = path.display().to_string();
    let too_large = |bytes: u64| SourceError::TooLarge {
        path: shown.clone(),
        bytes,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    // The size is a hint for the buffer only; the limit is what `take` enforces.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&shown, e))?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(too_large(read.max(meta.len())));
    }
    Ok(bytes)
}

/// How reports and messages name the standard input.
pub const STDIN: &str = "<stdin>";

/// The standard input, read to its end, at most `limit` bytes. It can be read once: a second
/// `-` in the same command is refused ([`SourceError::StdinTwice`]) rather than read as an
/// empty text.
pub fn read_stdin(limit: u64) -> Result<Vec<u8>, SourceError> {
    static TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if TAKEN.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return Err(SourceError::StdinTwice);
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(STDIN, e))?;
    if bytes.len() as u64 > limit {
        return Err(SourceError::TooLarge {
            path: STDIN.to_string(),
            bytes: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn io_error(path: &str, e: std::io::Error) -> SourceError {
    match e.kind() {
        std::io::ErrorKind::NotFound => SourceError::NotFound {
            path: path.to_string(),
        },
        std::io::ErrorKind::IsADirectory => SourceError::IsDirectory {
            path: path.to_string(),
        },
        _ => SourceError::Io {
            path: path.to_string(),
            source: e,
        },
    }
}

/// Picks the encoding: declared, else BOM, else valid UTF-8, else chardetng. Returns the
/// length of the BOM to skip.
fn choose_encoding(
    path: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    format: InputFormat,
) -> Result<(&'static Encoding, EncodingSource, usize), SourceError> {
    if opts.encoding.is_none()
        && Encoding::for_bom(bytes).is_none()
        && let Some(enc) = markup_declared_encoding(bytes, format)
    {
        refuse_binary(path, enc, bytes)?;
        return Ok((enc, EncodingSource::Markup, 0));
    }
    if let Some(label) = &opts.encoding {
        let enc = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            SourceError::UnknownEncoding {
                label: label.clone(),
            }
        })?;
        // A BOM that agrees with the declaration is still not text.
        let bom_len = match Encoding::for_bom(bytes) {
            Some((bom_enc, len)) if bom_enc == enc => len,
            _ => 0,
        };
        refuse_binary(path, enc, bytes)?;
        return Ok((enc, EncodingSource::Declared, bom_len));
    }
    if let Some((enc, len)) = Encoding::for_bom(bytes) {
        refuse_binary(path, enc, bytes)?;
        return Ok((enc, EncodingSource::Bom, len));
    }
    refuse_binary(path, UTF_8, bytes)?;
    if std::str::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
        // Damaged UTF-8 must not be "detected" as a legacy encoding and turned into mojibake:
        // decoding it as UTF-8 reports the damage with its offset.
        return Ok((UTF_8, EncodingSource::Utf8, 0));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    Ok((enc, EncodingSource::Detected, 0))
}

/// The encoding a markup file names for itself: an XML declaration's (XML formats, and
/// XHTML), or an HTML `<meta charset>` / `http-equiv` in the first 1024 bytes (where browsers
/// look for it).
fn markup_declared_encoding(bytes: &[u8], format: InputFormat) -> Option<&'static Encoding> {
    let html = matches!(format, InputFormat::Html | InputFormat::Hocr);
    if !(format.is_xml() || html) {
        return None;
    }
    xml_declared_encoding(bytes).or_else(|| html.then(|| meta_charset(bytes)).flatten())
}

/// The label of a `charset=` inside a `<meta …>` tag of the first 1024 bytes.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(1024)].to_ascii_lowercase();
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&head[from..], b"charset") {
        let at = from + k;
        from = at + 7;
        let tag = &head[memchr::memrchr(b'<', &head[..at]).unwrap_or(at)..at];
        if !tag.starts_with(b"<meta") || tag.contains(&b'>') {
            continue;
        }
        let rest = head[from..].trim_ascii_start().strip_prefix(b"=")?;
        let rest = rest.trim_ascii_start();
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let end = rest
            .iter()
            .position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b'/') || b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        // Browsers read a declared UTF-16 as UTF-8: the bytes that declared it were ASCII.
        return Encoding::for_label(&rest[..end]).map(|e| e.output_encoding());
    }
    None
}

/// The encoding an XML declaration names (`<?xml version="1.0" encoding="GB18030"?>`), when
/// it is one encoding_rs knows. UTF-16 is told by its BOM, so a declaration of it in bytes
/// that have none is not believed.
fn xml_declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let decl = bytes.strip_prefix(b"<?xml")?;
    let decl = &decl[..memchr::memmem::find(decl, b"?>")?];
    let at = memchr::memmem::find(decl, b"encoding")?;
    let rest = decl[at + 8..].trim_ascii_start().strip_prefix(b"=")?;
    let rest = rest.trim_ascii_start();
    let quote = *rest.first()?;
    let rest = &rest[1..];
    let label = &rest[..memchr::memchr(quote, rest)?];
    let enc = Encoding::for_label(label)?;
    (enc != UTF_16LE && enc != UTF_16BE).then_some(enc)
}

/// Text read in a detected legacy encoding is refused when more than 1% of its characters
/// (and at least two) are control codes: random bytes without a NUL decode as windows-1252
/// into about 13% of them, while text in any encoding has next to none (tab, line feed,
/// carriage return and form feed aside). A declared encoding is the user's word and is not
/// checked.
fn refuse_implausible(path: &str, enc: &'static Encoding, text: &str) -> Result<(), SourceError> {
    let (mut chars, mut controls) = (0usize, 0usize);
    for c in text.chars() {
        chars += 1;
        controls += usize::from(c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'));
    }
    if controls >= 2 && controls * 100 > chars {
        return Err(SourceError::Implausible {
            path: path.to_string(),
            encoding: enc.name(),
            controls,
            chars,
        });
    }
    Ok(())
}

/// NUL bytes mean binary, except in UTF-16 where they are ordinary.
fn refuse_binary(path: &str, enc: &'static Encoding, bytes: &[u8]) -> Result<(), SourceError> {
    if enc == UTF_16LE || enc == UTF_16BE {
        return Ok(());
    }
    match bytes.iter().position(|&b| b == 0) {
        Some(offset) => Err(SourceError::Binary {
            path: path.to_string(),
            offset,
        }),
        None => Ok(()),
    }
}

/// True when the bytes are UTF-8 with a few damaged sequences: many valid multi-byte
/// characters, and at most one malformed sequence per 16 of them.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multibyte >= 16 && invalid * 16 <= valid_multibyte
}

/// Decodes without silent replacement: the first malformed sequence is an error naming its
/// byte offset, unless `lossy`, which replaces each with U+FFFD and lists them (offset of the
/// U+FFFD in the text, bytes replaced).
fn decode(
    path: &str,
    enc: &'static Encoding,
    bytes: &[u8],
    bom_len: usize,
    lossy: bool,
) -> Result<(String, Vec<(usize, usize)>), SourceError> {
    let body = &bytes[bom_len..];
    let mut decoder = enc.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut out = String::with_capacity(capacity);
    let mut consumed = 0usize;
    let mut replaced = Vec::new();
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&body[consumed..], &mut out, true);
        consumed += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more = decoder
                    .max_utf8_buffer_length_without_replacement(body.len() - consumed)
                    .unwrap_or(16);
                out.reserve(more.max(16));
            }
            DecoderResult::Malformed(bad, after) => {
                let end = consumed - usize::from(after);
                let start = end.saturating_sub(usize::from(bad));
                if !lossy {
                    // The offset is into the file, so it counts the skipped BOM.
                    return Err(SourceError::Malformed {
                        path: path.to_string(),
                        encoding: enc.name(),
                        offset: bom_len + start,
                        bytes: hex_bytes(&body[start..end]),
                    });
                }
                replaced.push((out.len(), end - start));
                out.reserve(3);
                out.push('\u{FFFD}');
            }
        }
    }
    Ok((out, replaced))
}

fn hex_bytes(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// The canonical text whose digest is `text_sha256`: NFC with LF line endings.
pub fn canonical_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') && is_nfc(text) {
        return text.into();
    }
    let lf = text.replace("\r\n", "\n").replace('\r', "\n");
    lf.nfc().collect::<String>().into()
}

/// Whether `text` is in NFC, by Unicode's quick check. Most characters of most texts are NFC
/// whatever surrounds them (no decomposition, combining class 0, never composed with what
/// precedes): a range check each, where the quick check looks each one up. Such a character
/// resets the quick check's state, so only the runs between them are checked.
fn is_nfc(text: &str) -> bool {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    let stable = |c: char| c < '\u{300}' || crate::normalize::is_simple(c);
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !stable(c)) {
        let run = &rest[start..];
        let end = run.find(stable).unwrap_or(run.len());
        if is_nfc_quick(run[..end].chars()) != IsNormalized::Yes {
            return false;
        }
        rest = &run[end..];
    }
    true
}

/// Lowercase hex SHA-256.
pub fn hex_sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Maps byte offsets to characters, lines and columns without a table per character:
/// line starts, plus the byte offset of every 64th character.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
    char_checkpoints: Vec<usize>,
}

const CHECKPOINT_EVERY: usize = 64;

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(i + 1);
            }
        }
        // Every 64th character's offset, 64 bytes at a time: a block's characters are its
        // bytes that do not continue a character; the block a checkpoint falls in is walked.
        let mut char_checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_EVERY + 1);
        let (mut chars, mut next) = (0usize, 0usize);
        for (b, block) in bytes.chunks(64).enumerate() {
            let count = block.iter().filter(|&&x| (x as i8) >= -0x40).count();
            if count == block.len() {
                // All ASCII: every byte is a character.
                while next < chars + count {
                    char_checkpoints.push(b * 64 + (next - chars));
                    next += CHECKPOINT_EVERY;
                }
            } else if chars + count > next {
                let mut n = chars;
                for (i, &x) in block.iter().enumerate() {
                    if (x as i8) >= -0x40 {
                        if n == next {
                            char_checkpoints.push(b * 64 + i);
                            next += CHECKPOINT_EVERY;
                        }
                        n += 1;
                    }
                }
            }
            chars += count;
        }
        LineIndex {
            line_starts,
            char_checkpoints,
        }
    }

    /// The 1-based line and column of a character boundary (what a source map needs, without
    /// the character index).
    pub(crate) fn line_column(&self, text: &str, byte: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= byte);
        let line_start = self.line_starts[line - 1];
        let column = if byte - line_start <= 4 * CHECKPOINT_EVERY {
            text[line_start..byte].chars().count()
        } else {
            self.char_index(text, byte) - self.char_index(text, line_start)
        };
        (line, column + 1)
    }

    fn char_index(&self, text: &str, byte: usize) -> usize {
        let k = self
            .char_checkpoints
            .partition_point(|&b| b <= byte)
            .saturating_sub(1);
        let from = self.char_checkpoints.get(k).copied().unwrap_or(0);
        k * CHECKPOINT_EVERY + text[from..byte].chars().count()
    }

    pub(crate) fn position(&self, text: &str, byte: usize) -> Position {
        // A byte inside a character (never produced by witness) is moved to its start.
        let byte = (0..=byte)
            .rev()
            .find(|&b| text.is_char_boundary(b))
            .unwrap_or(0);
        let line = self.line_starts.partition_point(|&s| s <= byte);
        let line_start = self.line_starts[line - 1];
        let char = self.char_index(text, byte);
        let column = char - self.char_index(text, line_start) + 1;
        Position {
            byte,
            text_byte: byte,
            char,
            line,
            column,
            address: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical text is the NFC of the text with CR LF and CR as LF, whether or not
    /// the range check lets the quick check be skipped: on strings of characters that are
    /// stable alone but not before a mark, marks, composites and compatibility ideographs.
    #[test]
    fn the_canonical_text_is_nfc_with_lf() {
        use unicode_normalization::UnicodeNormalization as _;
        let alphabet = [
            "e", "\u{301}", "中", "Å", "A", "\u{30A}", "\u{F900}", "\r", "\n", "，", "\u{302A}",
            "é", "\u{1100}", "\u{1161}", "—", "ǅ",
        ];
        let mut below = crate::testing::below(99);
        for len in 0..400 {
            let text: String = (0..len % 9)
                .map(|_| alphabet[below(alphabet.len() as u64) as usize])
                .collect();
            let expected: String = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .nfc()
                .collect();
            assert_eq!(canonical_text(&text), expected, "{text:?}");
        }
    }

    /// The checkpoints are every 64th character's offset, whether a 64-byte block is all
    /// ASCII, mixed, or cut inside a character, and the line starts are after LF, CRLF and CR.
    #[test]
    fn the_line_index_is_the_character_walk() {
        let alphabet = ["a", "中", "\n", "\r", "\r\n", "é", "😀", "<x/>", "     "];
        let mut below = crate::testing::below(7);
        for len in 0..300 {
            let text: String = (0..len)
                .map(|_| alphabet[below(alphabet.len() as u64) as usize])
                .collect();
            let lines = LineIndex::new(&text);
            let expected: Vec<usize> = text.char_indices().step_by(64).map(|(i, _)| i).collect();
            assert_eq!(lines.char_checkpoints, expected, "{text:?}");
            let mut starts = vec![0];
            for (i, c) in text.char_indices() {
                if c == '\n' || (c == '\r' && !text[i + 1..].starts_with('\n')) {
                    starts.push(i + 1);
                }
            }
            assert_eq!(lines.line_starts, starts, "{text:?}");
        }
    }

    fn doc(bytes: &[u8]) -> Document {
        Document::from_bytes("t.txt", "t", bytes, &ReadOptions::default()).unwrap()
    }

    #[test]
    fn positions_count_lines_for_lf_crlf_and_cr() {
        for text in ["ab\n跨里海\nx", "ab\r\n跨里海\r\nx", "ab\r跨里海\rx"] {
            let d = doc(text.as_bytes());
            let at = d.text.find('里').unwrap();
            let p = d.position(at);
            assert_eq!((p.line, p.column), (2, 2), "{text:?}");
            assert_eq!(p.char, text.chars().position(|c| c == '里').unwrap());
            let x = d.position(d.text.find('x').unwrap());
            assert_eq!((x.line, x.column), (3, 1), "{text:?}");
        }
    }

    #[test]
    fn positions_past_a_checkpoint_are_exact() {
        let text: String = "中".repeat(200) + "\n" + &"文".repeat(100) + "X";
        let d = doc(text.as_bytes());
        let p = d.position(d.text.find('X').unwrap());
        assert_eq!(p.char, 301);
        assert_eq!((p.line, p.column), (2, 101));
        assert_eq!(p.byte, 200 * 3 + 1 + 100 * 3);
    }

    fn declared(bytes: &[u8], label: &str) -> Document {
        Document::from_bytes("t.txt", "t", bytes, &ReadOptions::default().encoding(label)).unwrap()
    }

    #[test]
    fn utf8_bom_offsets_count_the_bom() {
        let d = doc("\u{FEFF}ab跨里海".as_bytes());
        let p = d.position(d.text.find('里').unwrap());
        assert_eq!((p.text_byte, p.byte, p.char), (5, 8, 3));
        // Without a BOM both offsets are the same.
        let d = doc("ab跨里海".as_bytes());
        let p = d.position(d.text.find('里').unwrap());
        assert_eq!((p.text_byte, p.byte), (5, 5));
    }

    #[test]
    fn gb18030_offsets_are_file_offsets() {
        // 跨里海 in GBK: two bytes per ideograph; "ab" one each; 200 ideographs first, past
        // several checkpoints of the offset table.
        let text = "中".repeat(200) + "ab跨里海€";
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        assert!(bytes.len() < text.len());
        let d = declared(&bytes, "GB18030");
        let p = d.position(d.text.find('里').unwrap());
        assert_eq!(p.text_byte, 200 * 3 + 2 + 3);
        assert_eq!(p.byte, 200 * 2 + 2 + 2);
        assert_eq!(p.char, 203);
        // The end of the text is the end of the file.
        let end = d.position(d.text.len());
        assert_eq!(end.byte, bytes.len());
        // Every checkpoint agrees with encoding the prefix.
        for (i, _) in d.text.char_indices().step_by(7) {
            let (enc, _, _) = encoding_rs::GB18030.encode(&d.text[..i]);
            assert_eq!(d.position(i).byte, enc.len(), "at {i}");
        }
    }

    #[test]
    fn big5_offsets_are_file_offsets() {
        let (bytes, _, _) = encoding_rs::BIG5.encode("臺灣 abc 跨海");
        let d = declared(&bytes, "Big5");
        let p = d.position(d.text.find('跨').unwrap());
        assert_eq!((p.text_byte, p.byte), (6 + 5, 4 + 5));
    }

    #[test]
    fn utf16le_offsets_are_file_offsets() {
        // BOM, then "a跨" and an astral character (two code units), then "x".
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a跨😀x".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let d = doc(&bytes);
        assert_eq!(d.encoding, UTF_16LE);
        let x = d.position(d.text.find('x').unwrap());
        assert_eq!((x.text_byte, x.byte, x.char), (1 + 3 + 4, 2 + 2 + 2 + 4, 3));
        assert_eq!(d.position(d.text.len()).byte, bytes.len());
        // Declared, without a BOM.
        let d = declared(&bytes[2..], "UTF-16LE");
        assert_eq!(d.position(d.text.find('x').unwrap()).byte, 8);
    }

    #[test]
    fn lossy_replacements_count_the_bytes_they_replaced() {
        let opts = ReadOptions::default().lossy(true).encoding("UTF-8");
        // Two malformed bytes, each replaced by a three-byte U+FFFD.
        let d = Document::from_bytes("t", "t", b"a\xFF\xFEb", &opts).unwrap();
        assert_eq!(d.text, "a\u{FFFD}\u{FFFD}b");
        let b = d.position(d.text.find('b').unwrap());
        assert_eq!((b.text_byte, b.byte), (7, 3));
    }

    #[test]
    fn utf8_bom_is_dropped_and_recorded() {
        let d = doc(b"\xEF\xBB\xBFabc");
        assert_eq!(d.text, "abc");
        assert_eq!(d.encoding_source, EncodingSource::Bom);
        assert_eq!(d.byte_len, 6);
    }

    #[test]
    fn read_limited_refuses_a_file_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("eleven.txt");
        std::fs::write(&f, "0123456789a").unwrap();
        assert_eq!(read_limited(&f, 11).unwrap(), b"0123456789a");
        let e = read_limited(&f, 10).unwrap_err();
        assert!(
            matches!(
                e,
                SourceError::TooLarge {
                    bytes: 11,
                    limit: 10,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "{}: 11 bytes is more than witness reads as text (10 bytes); split the file",
                f.display()
            )
        );
    }

    /// A file whose size says 0 but which holds more: the limit holds while reading.
    #[cfg(target_os = "linux")]
    #[test]
    fn read_limited_enforces_the_limit_while_reading() {
        let status = Path::new("/proc/self/status");
        let meta = std::fs::metadata(status).unwrap();
        assert!(meta.is_file() && meta.len() == 0, "{meta:?}");
        assert!(read_limited(status, 1 << 20).unwrap().len() > 64);
        let e = read_limited(status, 64).unwrap_err();
        assert!(
            matches!(
                e,
                SourceError::TooLarge {
                    bytes: 65,
                    limit: 64,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Nobody writes to the FIFO: opening it for reading would block without O_NONBLOCK.
        let e = open_regular(&fifo).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: is a FIFO (named pipe), not a regular file; witness reads regular files only",
                fifo.display()
            )
        );
        let e = read_limited(Path::new("/dev/zero"), 16).unwrap_err();
        assert!(
            matches!(
                e,
                SourceError::NotRegular {
                    what: "character device",
                    ..
                }
            ),
            "{e:?}"
        );
        // A link to a device is the device.
        let link = dir.path().join("zero.txt");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = Document::read(&link, &ReadOptions::default()).unwrap_err();
        assert!(matches!(e, SourceError::NotRegular { .. }), "{e:?}");
        assert!(matches!(
            regular_metadata(dir.path()),
            Err(SourceError::IsDirectory { .. })
        ));
        assert!(matches!(
            regular_metadata(&dir.path().join("missing.txt")),
            Err(SourceError::NotFound { .. })
        ));
        let (_, meta) = open_regular(Path::new("Cargo.toml")).unwrap();
        assert!(meta.is_file());
    }

    #[test]
    fn canonical_digest_ignores_line_endings_and_composition() {
        let a = doc("e\u{301}\r\nb".as_bytes());
        let b = doc("\u{e9}\nb".as_bytes());
        assert_eq!(a.text_sha256, b.text_sha256);
        assert_ne!(a.sha256, b.sha256);
        // A file that is its canonical text has one digest for both; with a BOM, two.
        assert_eq!(b.text_sha256, hex_sha256("\u{e9}\nb".as_bytes()));
        assert_eq!(b.sha256, b.text_sha256);
        let bom = doc("\u{feff}\u{e9}\nb".as_bytes());
        assert_eq!(bom.text_sha256, b.text_sha256);
        assert_eq!(bom.sha256, hex_sha256("\u{feff}\u{e9}\nb".as_bytes()));
    }
}
