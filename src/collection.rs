//! Collections given as tables: one document a row, as archives keep a corpus.
//!
//! A [`Collection`] is a JSON Lines file (`.jsonl`, `.ndjson`: one JSON object a line) or,
//! with the `parquet` feature, a Parquet table (`.parquet`). Each row has an `id` (a string,
//! or an integer read as its decimal string; unique in the collection), then either the
//! document's `text` or the `path` of its file (relative paths are resolved against the
//! collection's directory). Every other column is kept as the document's
//! [`Document::metadata`]. A null counts as absent: a table with both `text` and `path`
//! columns gives each row one of them, and a null metadata column is left out.
//!
//! A row's document is labelled with its id and named `COLLECTION#id` (`news.jsonl#a17`). Its
//! text is decoded as a file's bytes are ([`Document::from_bytes`] of the text's UTF-8), so
//! digests and positions are those of the same text read from a file; a `path` is read with
//! [`Document::read`] and the same [`ReadOptions`] as any file.
//!
//! A bad row never stops the reading: it is [`Skipped`], named `COLLECTION:N` (line `N` of a
//! JSON Lines file, row `N` of a Parquet table, from 1), with what is wrong and what to do.
//! A duplicate id is skipped too: the first row with an id wins.
//!
//! ```
//! use witness::{Collection, Reader};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let news = dir.path().join("news.jsonl");
//! std::fs::write(&news, concat!(
//!     r#"{"id": "a1", "text": "跨里海国际运输走廊", "date": "2023-05-19"}"#, "\n",
//!     r#"{"id": "a1", "text": "跨海国际运输走廊"}"#, "\n",
//! )).unwrap();
//! let reading = Collection::new(&news).read(&Default::default());
//! assert_eq!(reading.docs[0].label, "a1");
//! assert_eq!(reading.docs[0].path, format!("{}#a1", news.display()));
//! assert_eq!(reading.docs[0].metadata["date"], "2023-05-19");
//! assert_eq!(reading.skipped[0].path, format!("{}:2", news.display()));
//! ```

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::corpus::{Reader, Reading, Skipped};
use crate::progress::{Phase, Progress};
use crate::source::{Document, MAX_FILE_BYTES, ReadOptions, SourceError};

/// The extensions of the files read as collections when named directly (case aside).
pub const EXTENSIONS: [&str; 3] = ["jsonl", "ndjson", "parquet"];

/// Why a Parquet file is neither read nor written by a build without the `parquet` feature.
pub const NO_PARQUET: &str = "this witness was built without Parquet support (the `parquet` \
                              feature): rebuild it with `--features parquet`";

/// Rows decoded together, in parallel: enough to keep the cores busy, few enough that a batch
/// is a small part of the documents' memory.
const BATCH_ROWS: usize = 1024;

/// The JSON a batch of rows may hold at most: a batch of long texts is cut sooner.
const BATCH_BYTES: usize = 32 << 20;

/// The longest line read as a row: a text of [`MAX_FILE_BYTES`], with room for its escapes.
const MAX_LINE_BYTES: usize = 2 * MAX_FILE_BYTES as usize;

/// A JSON Lines file or a Parquet table of documents, one a row (see the [module](self)).
#[derive(Debug, Clone)]
pub struct Collection {
    path: PathBuf,
}

impl Collection {
    /// The collection in this file: Parquet when its extension is `.parquet`, else JSON Lines.
    pub fn new(path: impl Into<PathBuf>) -> Collection {
        Collection { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a file named directly is read as a collection: its extension is one of
    /// [`EXTENSIONS`].
    pub fn is_collection(path: &Path) -> bool {
        path.extension()
            .is_some_and(|x| EXTENSIONS.iter().any(|e| x.eq_ignore_ascii_case(e)))
    }

    /// The collection and the id a document's path names when the document was read from a
    /// row (`news.jsonl#a17`: `("news.jsonl", "a17")`), by its form: the path of a file
    /// with an extension of [`EXTENSIONS`], `#`, the id.
    ///
    /// ```
    /// use witness::Collection;
    /// assert_eq!(Collection::row_of("in#2/news.jsonl#a#1"), Some(("in#2/news.jsonl", "a#1")));
    /// assert_eq!(Collection::row_of("news.txt#a"), None);
    /// ```
    pub fn row_of(path: &str) -> Option<(&str, &str)> {
        path.match_indices('#')
            .map(|(at, _)| (&path[..at], &path[at + 1..]))
            .find(|(file, _)| Collection::is_collection(Path::new(file)))
    }

    fn is_parquet(&self) -> bool {
        self.path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("parquet"))
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// The name of the document of the row `id`.
    fn name(&self, id: &str) -> String {
        format!("{}#{id}", self.shown())
    }

    /// Reads the rows, advancing `progress` once per row read or skipped (its phase is the
    /// caller's: [`crate::Files`] reads collections among files).
    pub(crate) fn read_rows(&self, opts: &ReadOptions, progress: &dyn Progress) -> Reading {
        let mut docs = Vec::new();
        let skipped = self.read_batches(opts, progress, &|_| true, &mut |batch| docs.extend(batch));
        Reading { docs, skipped }
    }

    /// Streams the lines, a batch at a time.
    fn read_jsonl(&self, file: File, rows: &mut Rows) -> Result<(), String> {
        let mut input = BufReader::with_capacity(1 << 20, file);
        let mut batch = Vec::new();
        let (mut line, mut bytes) = (0, 0);
        loop {
            let mut json = Vec::new();
            let len = match next_line(&mut input, &mut json, MAX_LINE_BYTES) {
                Ok(Some(len)) => len,
                Ok(None) => break,
                Err(e) => {
                    rows.batch(batch);
                    return Err(format!(
                        "cannot read past line {line}: {e}; the rows before it were read"
                    ));
                }
            };
            line += 1;
            if line == 1 && json.starts_with(b"\xEF\xBB\xBF") {
                json.drain(..3);
            }
            if len <= MAX_LINE_BYTES && json.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let row = match len > MAX_LINE_BYTES {
                true => Err(format!(
                    "is {len} bytes, more than witness reads in one row ({MAX_LINE_BYTES} \
                     bytes); give the text in a file and its `path` in the row"
                )),
                false => Ok(json),
            };
            bytes += len.min(MAX_LINE_BYTES);
            batch.push((line, row));
            if batch.len() == BATCH_ROWS || bytes >= BATCH_BYTES {
                rows.batch(std::mem::take(&mut batch));
                bytes = 0;
            }
        }
        rows.batch(batch);
        Ok(())
    }

    /// Reads the table a batch at a time, each row written as the JSON object a line of JSON
    /// Lines would be (by arrow-json), so both are checked by one reader of rows.
    #[cfg(feature = "parquet")]
    fn read_parquet(&self, file: File, rows: &mut Rows) -> Result<(), String> {
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        let unreadable = |e: &dyn std::fmt::Display| {
            format!(
                "cannot be read as Parquet: {e}; check that it is a Parquet file, or export the \
                 table as JSON Lines"
            )
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| unreadable(&e))?;
        parquet_columns(builder.schema())?;
        let batches = builder
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| unreadable(&e))?;
        let mut done = 0;
        for batch in batches {
            let batch = batch.map_err(|e| {
                format!("cannot read past row {done}: {e}; the rows before it were read")
            })?;
            let mut json = Vec::new();
            let mut writer = arrow_json::LineDelimitedWriter::new(&mut json);
            writer
                .write(&batch)
                .and_then(|()| writer.finish())
                .map_err(|e| unreadable(&e))?;
            // One line per row; a line break inside a value is escaped.
            let lines = json
                .split(|&b| b == b'\n')
                .take(batch.num_rows())
                .enumerate()
                .map(|(i, line)| (done + i + 1, Ok(line)))
                .collect();
            rows.batch(lines);
            done += batch.num_rows();
        }
        Ok(())
    }

    /// Without the `parquet` feature, a Parquet file is skipped with what to do.
    #[cfg(not(feature = "parquet"))]
    fn read_parquet(&self, _: File, _: &mut Rows) -> Result<(), String> {
        Err(format!(
            "{NO_PARQUET}, or export the table as JSON Lines (one object a line: `id`, and \
             `text` or `path`)"
        ))
    }

    /// The document of a row checked: its text decoded, or its file read.
    fn document(
        &self,
        row: Row,
        opts: &ReadOptions,
        text_opts: &ReadOptions,
    ) -> Result<Document, String> {
        let name = self.name(&row.id);
        let read = match &row.source {
            Source::Text(text) if text.len() as u64 > MAX_FILE_BYTES => {
                Err(SourceError::TooLarge {
                    path: name.clone(),
                    bytes: text.len() as u64,
                    limit: MAX_FILE_BYTES,
                })
            }
            Source::Text(text) => Document::from_bytes(&name, &row.id, text.as_bytes(), text_opts),
            Source::Path(path) => Document::read(&self.resolve(path), opts),
        };
        let mut doc = read.map_err(|e| e.to_string())?;
        doc.path = name;
        doc.label = row.id;
        doc.metadata = row.metadata;
        Ok(doc)
    }

    /// A row's `path`: relative to the collection's directory.
    fn resolve(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        match path.is_absolute() {
            true => path.to_path_buf(),
            false => self.path.parent().unwrap_or(Path::new("")).join(path),
        }
    }
}

impl Reader for Collection {
    fn read(&self, opts: &ReadOptions) -> Reading {
        self.read_rows(opts, &())
    }

    /// Reads the rows a batch at a time, advancing `progress` once per row read or skipped
    /// (its phase is the caller's). A row is decoded only when `wanted` accepts its name.
    fn read_batches(
        &self,
        opts: &ReadOptions,
        progress: &dyn Progress,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        each: &mut dyn FnMut(Vec<Document>),
    ) -> Vec<Skipped> {
        let file = match crate::source::open_regular(&self.path) {
            Ok((file, _)) => file,
            Err(e) => return vec![Skipped::from_error(&e)],
        };
        let mut rows = Rows {
            collection: self,
            opts,
            text_opts: ReadOptions {
                encoding: None,
                ..opts.clone()
            },
            progress,
            ids: HashMap::new(),
            wanted,
            each,
            skipped: Vec::new(),
        };
        let read = match self.is_parquet() {
            true => self.read_parquet(file, &mut rows),
            false => self.read_jsonl(file, &mut rows),
        };
        let mut skipped = rows.skipped;
        if let Err(error) = read {
            skipped.push(Skipped {
                path: self.shown(),
                error,
            });
        }
        skipped
    }

    /// Reads the rows in the phase [`Phase::Reading`], counting each row read or skipped
    /// (the total is not known before the end).
    fn read_with_progress(&self, opts: &ReadOptions, progress: &dyn Progress) -> Reading {
        progress.phase(Phase::Reading, None);
        self.read_rows(opts, progress)
    }
}

/// The columns a Parquet table must have, of types that read as they should (a binary `text`
/// would be written out as hex): checked once for the table, not once a row.
#[cfg(feature = "parquet")]
fn parquet_columns(schema: &arrow_schema::Schema) -> Result<(), String> {
    use arrow_schema::DataType;
    fn strings(t: &DataType) -> bool {
        match t {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
            DataType::Dictionary(_, values) => strings(values),
            _ => false,
        }
    }
    let column = |name| schema.field_with_name(name).ok().map(|f| f.data_type());
    match column("id") {
        None => {
            return Err(
                "has no `id` column; give each row an `id` (a string or an integer)".into(),
            );
        }
        Some(t) if !strings(t) && !t.is_integer() => {
            return Err(format!(
                "its `id` column is {t}; give each row an `id` of strings or integers"
            ));
        }
        Some(_) => {}
    }
    let (text, path) = (column("text"), column("path"));
    if text.is_none() && path.is_none() {
        return Err(
            "has neither a `text` nor a `path` column; give each row its document's \
                    text, or the path of its file"
                .into(),
        );
    }
    for (name, t) in [("text", text), ("path", path)] {
        if let Some(t) = t.filter(|t| !strings(t)) {
            return Err(format!(
                "its `{name}` column is {t}, not strings; give the {name} of each row as a string"
            ));
        }
    }
    Ok(())
}

/// Where a row's document comes from.
enum Source {
    /// Its text.
    Text(String),
    /// Its file, as the row names it.
    Path(String),
}

/// A row whose columns are what they should be.
struct Row {
    id: String,
    source: Source,
    metadata: BTreeMap<String, Value>,
}

impl Row {
    /// Checks a row: one JSON object with an `id`, and a `text` or a `path`.
    fn parse(json: &[u8]) -> Result<Row, String> {
        let value: Value = serde_json::from_slice(json).map_err(|e| {
            let message = e.to_string();
            let message = message
                .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                .unwrap_or(&message);
            format!(
                "is not JSON ({message} at column {}); write each row as one JSON object on one \
                 line",
                e.column()
            )
        })?;
        let Value::Object(mut object) = value else {
            return Err(format!(
                "is {}, not a JSON object; write each row as an object with an `id`, and a \
                 `text` or a `path`",
                what(&value)
            ));
        };
        // A null is no value: a table with `text` and `path` columns has one of them a row,
        // and a table's null metadata is no metadata.
        object.retain(|_, v| !v.is_null());
        let mut take = |key| object.remove(key);
        let id = match take("id") {
            None => {
                return Err(
                    "has no `id`; give each row a unique `id` (a string or an integer)".into(),
                );
            }
            Some(Value::String(id)) if !id.is_empty() => id,
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            Some(other) => {
                return Err(format!(
                    "has an `id` that is {}; give each row a unique `id`: a non-empty string, \
                     or an integer",
                    what(&other)
                ));
            }
        };
        let source = match (take("text"), take("path")) {
            (Some(_), Some(_)) => {
                return Err(
                    "has both a `text` and a `path`; give the document's text or the path of \
                     its file, not both"
                        .into(),
                );
            }
            (None, None) => {
                return Err(
                    "has neither a `text` nor a `path`; give the document's text, or the path \
                     of its file"
                        .into(),
                );
            }
            (Some(Value::String(text)), None) => Source::Text(text),
            (None, Some(Value::String(path))) if path != "-" => Source::Path(path),
            (None, Some(Value::String(_))) => {
                return Err(
                    "has the `path` `-`; a row names a file, not the standard input".into(),
                );
            }
            (text, path) => {
                let (key, value) = match (text, path) {
                    (Some(text), _) => ("text", text),
                    (_, path) => ("path", path.unwrap_or_default()),
                };
                return Err(format!(
                    "has a `{key}` that is {}, not a string; give the {key} as a JSON string",
                    what(&value)
                ));
            }
        };
        Ok(Row {
            id,
            source,
            metadata: object.into_iter().collect(),
        })
    }
}

/// A JSON value's kind, for messages: `a number`, `an array`…
fn what(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Rows turned into documents a batch at a time, in order; ids are checked across batches.
struct Rows<'a> {
    collection: &'a Collection,
    opts: &'a ReadOptions,
    /// The options for a row's text: it is Unicode already, and `--encoding` names the
    /// encoding of files.
    text_opts: ReadOptions,
    progress: &'a dyn Progress,
    /// Each id, and the row that has it first.
    ids: HashMap<String, usize>,
    /// Which documents to decode, by name.
    wanted: &'a (dyn Fn(&str) -> bool + Sync),
    /// Where each batch of documents goes.
    each: &'a mut dyn FnMut(Vec<Document>),
    skipped: Vec<Skipped>,
}

impl Rows<'_> {
    /// Checks the rows of a batch and decodes their documents (both in parallel), keeping
    /// their order: each row is `(its line or row number, its JSON or why there is none)`.
    fn batch<J: AsRef<[u8]> + Send>(&mut self, batch: Vec<(usize, Result<J, String>)>) {
        let parsed: Vec<(usize, Result<Row, String>)> = batch
            .into_par_iter()
            .map(|(at, json)| (at, json.and_then(|j| Row::parse(j.as_ref()))))
            .collect();
        // The first row with an id wins, in row order.
        let unique: Vec<(usize, Result<Row, String>)> = parsed
            .into_iter()
            .map(|(at, row)| {
                let row = row.and_then(|row| match self.ids.get(&row.id) {
                    Some(&first) => Err(format!(
                        "has the id {:?} of {}:{first}; give each row its own id (the first \
                         row with an id is read, the others are left out)",
                        row.id,
                        self.collection.shown()
                    )),
                    None => {
                        self.ids.insert(row.id.clone(), at);
                        Ok(row)
                    }
                });
                (at, row)
            })
            .collect();
        let (collection, opts, text_opts) = (self.collection, self.opts, &self.text_opts);
        let (progress, wanted) = (self.progress, self.wanted);
        let read: Vec<(usize, Option<Result<Document, String>>)> = unique
            .into_par_iter()
            .map(|(at, row)| {
                let doc = match row {
                    Ok(row) if !wanted(&collection.name(&row.id)) => None,
                    row => Some(row.and_then(|row| collection.document(row, opts, text_opts))),
                };
                progress.advance(1);
                (at, doc)
            })
            .collect();
        let mut docs = Vec::with_capacity(read.len());
        for (at, doc) in read {
            match doc {
                None => {}
                Some(Ok(doc)) => docs.push(doc),
                Some(Err(error)) => self.skipped.push(Skipped {
                    path: format!("{}:{at}", collection.shown()),
                    error,
                }),
            }
        }
        (self.each)(docs);
    }
}

/// Reads the next line into `line`, without its line feed, and returns its length (`None` at
/// the end of the input). A line longer than `limit` is read to its end but not kept: `line`
/// then holds its first bytes only, and the length returned says how long it was.
fn next_line(
    input: &mut impl BufRead,
    line: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<usize>> {
    let mut len = None;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(len);
        }
        let end = memchr::memchr(b'\n', buf);
        let part = &buf[..end.unwrap_or(buf.len())];
        let so_far = len.unwrap_or(0);
        // Kept while all of it fits: a long line leaves its first parts, nothing after a gap.
        if so_far == line.len() && so_far + part.len() <= limit {
            line.extend_from_slice(part);
        }
        len = Some(so_far + part.len());
        let used = end.map_or(buf.len(), |e| e + 1);
        input.consume(used);
        if end.is_some() {
            return Ok(len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<(usize, Vec<u8>)> {
        // A small buffer: lines cross its refills.
        let mut input = BufReader::with_capacity(3, input);
        let mut out = Vec::new();
        loop {
            let mut line = Vec::new();
            match next_line(&mut input, &mut line, limit).unwrap() {
                Some(len) => out.push((len, line)),
                None => return out,
            }
        }
    }

    #[test]
    fn lines_are_cut_at_line_feeds_and_long_ones_are_not_kept() {
        let got = lines(b"ab\n\nlong line\r\nlast", 5);
        let lens: Vec<usize> = got.iter().map(|(len, _)| *len).collect();
        assert_eq!(lens, [2, 0, 10, 4]);
        assert_eq!(
            (&got[0].1[..], &got[1].1[..], &got[3].1[..]),
            (&b"ab"[..], &b""[..], &b"last"[..])
        );
        // Of the long line, a beginning at most as long as the limit.
        assert!(got[2].1.len() <= 5 && b"long line".starts_with(&got[2].1));
        assert_eq!(lines(b"", 5), []);
        assert_eq!(lines(b"\n", 5), [(0, Vec::new())]);
    }

    #[test]
    fn ids_are_strings_or_integers() {
        let id = |json: &str| Row::parse(json.as_bytes()).map(|r| r.id);
        assert_eq!(id(r#"{"id": "a", "text": ""}"#), Ok("a".into()));
        assert_eq!(id(r#"{"id": -17, "text": ""}"#), Ok("-17".into()));
        assert_eq!(
            id(r#"{"id": 18446744073709551615, "text": ""}"#),
            Ok("18446744073709551615".into())
        );
        for bad in [r#""""#, "1.5", "true", "[]"] {
            assert!(
                id(&format!(r#"{{"id": {bad}, "text": ""}}"#)).is_err(),
                "{bad}"
            );
        }
    }
}
