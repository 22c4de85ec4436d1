//! The findings of a scan as rows, for tools that read tables: JSON Lines, one finding a line
//! (`witness/scan-finding/1`), and a Parquet table of the same rows (the `parquet` feature).
//!
//! A row is an entry of `findings` in `witness/scan/1` (locations name their documents' paths
//! and carry their texts as there), with `"schema": "witness/scan-finding/1"` so that a line
//! stands alone.

use std::io::Write;

use serde::Serialize;

use super::{FindingJson, findings};
use crate::scan::Scan;

/// The schema each row names.
pub const SCHEMA: &str = "witness/scan-finding/1";

/// One finding as a row.
#[derive(Serialize)]
struct Row<'s> {
    schema: &'static str,
    #[serde(flatten)]
    finding: FindingJson<'s>,
}

fn rows<'s>(s: &'s Scan<'s>) -> impl Iterator<Item = Row<'s>> + 's {
    findings(s, true).map(|finding| Row {
        schema: SCHEMA,
        finding,
    })
}

/// One finding a line: the fields of an entry of `findings` in `witness/scan/1`, and `schema`.
pub fn jsonl(s: &Scan) -> String {
    let mut out = Vec::new();
    write_jsonl(&mut out, s).expect("writing to memory does not fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// [`jsonl`], written to `w` a line at a time (give it a buffered writer).
pub fn write_jsonl(w: &mut dyn Write, s: &Scan) -> std::io::Result<()> {
    for row in rows(s) {
        serde_json::to_writer(&mut *w, &row)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Why the findings could not be written as Parquet.
#[derive(Debug, thiserror::Error)]
pub enum RowsError {
    /// This build has no `parquet` feature.
    #[error("{}", crate::collection::NO_PARQUET)]
    NoParquet,
    /// Arrow or Parquet failed (or `out` did).
    #[error("cannot write the findings as Parquet: {0}")]
    Write(String),
}

/// Findings turned into Arrow columns at a time: a batch of them is a small part of the
/// report.
#[cfg(feature = "parquet")]
const BATCH_FINDINGS: usize = 1024;

/// The rows of [`jsonl`] as a Parquet table written to `out` (given back), Zstandard
/// compressed: `locations` a list of structs of the fields of the JSON (positions as structs,
/// their `address` too), `variants` a list of structs of the variant objects of
/// `witness/diff/1`; a field the JSON leaves out is null. Without the `parquet` feature,
/// [`RowsError::NoParquet`].
pub fn parquet<W: Write + Send>(s: &Scan, out: W) -> Result<W, RowsError> {
    #[cfg(feature = "parquet")]
    {
        use parquet::arrow::ArrowWriter;
        use parquet::basic::{Compression, ZstdLevel};
        use parquet::file::properties::WriterProperties;

        let failed = |e: &dyn std::fmt::Display| RowsError::Write(e.to_string());
        let schema = std::sync::Arc::new(table_schema());
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let mut writer =
            ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(|e| failed(&e))?;
        // Strict: a field the JSON has and the table does not is an error, not a loss.
        let mut decoder = arrow_json::ReaderBuilder::new(schema)
            .with_strict_mode(true)
            .build_decoder()
            .map_err(|e| failed(&e))?;
        let mut rows = rows(s).peekable();
        while rows.peek().is_some() {
            let batch: Vec<Row> = rows.by_ref().take(BATCH_FINDINGS).collect();
            decoder.serialize(&batch).map_err(|e| failed(&e))?;
            if let Some(batch) = decoder.flush().map_err(|e| failed(&e))? {
                writer.write(&batch).map_err(|e| failed(&e))?;
            }
        }
        writer.into_inner().map_err(|e| failed(&e))
    }
    #[cfg(not(feature = "parquet"))]
    {
        let _ = (s, out);
        Err(RowsError::NoParquet)
    }
}

/// The Arrow schema of a row: the JSON's fields, nested as in the JSON.
#[cfg(feature = "parquet")]
fn table_schema() -> arrow_schema::Schema {
    use arrow_schema::{DataType, Field, Fields};
    let field = |name: &str, t: &DataType, nullable| Field::new(name, t.clone(), nullable);
    let object = |fields: Vec<Field>| DataType::Struct(Fields::from(fields));
    let list = |t: DataType| DataType::List(std::sync::Arc::new(Field::new_list_field(t, true)));
    let text = DataType::Utf8;
    let count = DataType::UInt64;
    let address = object(vec![
        field("element", &text, false),
        field("id", &text, true),
        field("path", &text, false),
        field("part", &text, true),
        field("page", &DataType::UInt32, true),
        field("bbox", &list(DataType::Int64), true),
    ]);
    let position = object(vec![
        field("byte", &count, false),
        field("text_byte", &count, false),
        field("char", &count, false),
        field("line", &count, false),
        field("column", &count, false),
        field("address", &address, true),
    ]);
    let location = object(vec![
        field("path", &text, false),
        field("start", &position, false),
        field("end", &position, false),
        field("text", &text, true),
    ]);
    let reading = object(vec![
        field("text", &text, false),
        field("start", &position, false),
        field("end", &position, false),
    ]);
    let variant = object(vec![
        field("kind", &text, false),
        field("class", &text, false),
        field("severity", &text, false),
        field("causes", &list(text.clone()), true),
        field("a", &reading, false),
        field("b", &reading, false),
        field("arrives_in_a", &position, true),
        field(
            "context",
            &object(vec![
                field("before", &text, false),
                field("after", &text, false),
            ]),
            false,
        ),
    ]);
    arrow_schema::Schema::new(vec![
        field("schema", &text, false),
        field("kind", &text, false),
        field("similarity", &DataType::Float64, false),
        field("locations", &list(location), false),
        field("variants", &list(variant), true),
        field("verdict", &text, true),
        field("reason", &text, true),
    ])
}
