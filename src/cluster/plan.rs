//! The scan as a plan of SQL stages over tables of documents, paragraphs and k-gram postings:
//! what DataFusion runs with a memory limit and Ballista runs on its executors. Relational
//! work (group by a key, join on it, cap document frequencies as passim does) is plain SQL;
//! witness's own work on texts is the functions of [`super::udfs`]. Each stage's result is
//! written as Parquet in the run's directory and read by the next, so nothing is computed
//! twice and every stage can spill.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListArray, RecordBatch, StringArray,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::error::{DataFusionError, Result};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use super::udfs::{PairJson, Params};
use crate::normalize::Profile;
use crate::progress::{Phase, Progress};
use crate::scan::staged::{
    self, DocParagraphs, File, POSTINGS_CAP, ParagraphRow, SAME_DOC_DISTANCE,
};
use crate::scan::{Coverage, Finding, FindingKind, ScanOptions};

/// Documents per Parquet file of the `docs` table (the files are the scan's partitions).
const DOCS_PER_FILE: usize = 2048;

/// How an error says that the engine gave a row twice. Every row of a stage has its own key
/// (a document's paragraph, a pair of documents, a seed's two positions…); Ballista 55 gave
/// some twice after an executor was lost (2 runs of 4 killed 6–7 s in), which would double
/// findings. A run that meets it is run again once, from its first stage (`Run::finish` in
/// the parent module).
pub(crate) const GIVEN_TWICE: &str =
    "the engine gave a row twice (rows read again after an executor was lost?)";

/// Rows per batch of the stages whose rows are numbers (postings, seeds, candidate pairs).
const BATCH_ROWS: usize = 4096;

/// Bytes of text per batch of the stages whose rows carry whole texts. DataFusion counts a
/// batch in rows and a sort's merge holds whole batches it cannot spill: 256 rows of the
/// Quan Tang Shi's 225 KB files made batches of hundreds of megabytes, more than a 4 GB limit
/// could merge.
const TEXT_BATCH_BYTES: usize = 4 << 20;

/// The SQL of each stage, in order: what the ledger records as the plan of a run.
pub(crate) fn sql(params: &str) -> Vec<(&'static str, String)> {
    let cap = POSTINGS_CAP;
    let far = SAME_DOC_DISTANCE;
    vec![
        (
            "paragraphs",
            format!(
                "SELECT doc, get_field(p, 'i') AS i, get_field(p, 'k1') AS k1, \
                 get_field(p, 'k2') AS k2, get_field(p, 'clusters') AS clusters, \
                 get_field(p, 'min_chars') AS min_chars, get_field(p, 'start_byte') AS start_byte, \
                 get_field(p, 'end_byte') AS end_byte, get_field(p, 'paragraphs') AS paragraphs \
                 FROM (SELECT id AS doc, unnest(witness_paragraphs(text, {params})) AS p FROM docs)"
            ),
        ),
        (
            "repeated paragraphs",
            "SELECT p.* FROM paragraphs p JOIN \
             (SELECT k1, k2 FROM paragraphs GROUP BY k1, k2 HAVING COUNT(*) >= 2) r \
             ON p.k1 = r.k1 AND p.k2 = r.k2 ORDER BY p.doc, p.i"
                .to_string(),
        ),
        (
            "passage postings",
            format!(
                "SELECT doc, get_field(g, 'h') AS h, get_field(g, 'pos') AS pos FROM \
                 (SELECT d.id AS doc, unnest(witness_passage_grams(d.text, m.masked, {params})) AS g \
                 FROM docs d LEFT JOIN masks m ON d.id = m.doc)"
            ),
        ),
        (
            "paragraph postings",
            format!(
                "SELECT doc, get_field(g, 'para') AS para, get_field(g, 'h') AS h, get_field(g, 'n') AS n FROM \
                 (SELECT d.id AS doc, unnest(witness_paragraph_grams(d.text, m.masked, {params})) AS g \
                 FROM docs d LEFT JOIN masks m ON d.id = m.doc)"
            ),
        ),
        (
            "kept passage postings",
            format!(
                "SELECT x.doc, x.h, x.pos FROM passage_postings x JOIN \
                 (SELECT h FROM passage_postings GROUP BY h HAVING COUNT(*) BETWEEN 2 AND {cap}) kept \
                 ON x.h = kept.h"
            ),
        ),
        (
            "kept paragraph postings",
            format!(
                "SELECT x.doc, x.para, x.h, x.n FROM paragraph_postings x JOIN \
                 (SELECT h FROM paragraph_postings GROUP BY h HAVING COUNT(*) BETWEEN 2 AND {cap}) kept \
                 ON x.h = kept.h"
            ),
        ),
        (
            "pair work",
            format!(
                "WITH seeds AS (SELECT x.doc AS a, y.doc AS b, CAST(0 AS BIGINT) AS kind, y.pos - x.pos AS x1, \
                   x.pos AS x2, CAST(0 AS BIGINT) AS x3, CAST(0 AS BIGINT) AS x4 \
                   FROM kept_passage_postings x JOIN kept_passage_postings y ON x.h = y.h \
                   WHERE y.doc > x.doc OR (y.doc = x.doc AND y.pos >= x.pos + {far})), \
                 near AS (SELECT x.doc AS a, y.doc AS b, CAST(1 AS BIGINT) AS kind, x.para AS x1, y.para AS x2, \
                   COUNT(*) AS x3, LEAST(MIN(x.n), MIN(y.n)) AS x4 \
                   FROM kept_paragraph_postings x JOIN kept_paragraph_postings y ON x.h = y.h \
                   WHERE y.doc > x.doc OR (y.doc = x.doc AND y.para > x.para) \
                   GROUP BY x.doc, x.para, y.doc, y.para), \
                 work AS (SELECT * FROM seeds UNION ALL SELECT * FROM near UNION ALL \
                   SELECT a, b, CAST(2 AS BIGINT) AS kind, x AS x1, y AS x2, len AS x3, CAST(0 AS BIGINT) AS x4 FROM blocks), \
                 pairs AS (SELECT a, b, array_agg(struct(kind, x1, x2, x3, x4)) AS work FROM work GROUP BY a, b) \
                 SELECT pairs.a, pairs.b, pairs.work, ma.masked AS ma, mb.masked AS mb FROM pairs \
                 LEFT JOIN masks ma ON ma.doc = pairs.a LEFT JOIN masks mb ON mb.doc = pairs.b"
            ),
        ),
        (
            "pairs",
            format!(
                "SELECT w.a, w.b, witness_verify_pair(w.a, w.b, da.text, db.text, w.ma, w.mb, w.work, {params}) AS found \
                 FROM pair_work w JOIN docs da ON da.id = w.a JOIN docs db ON db.id = w.b"
            ),
        ),
        (
            "phrases",
            format!(
                "SELECT unnest(witness_phrases(d.id, d.text, m.masked, {params})) AS f \
                 FROM docs d LEFT JOIN masks m ON d.id = m.doc"
            ),
        ),
    ]
}

/// What a run found: the findings (without comparisons: see [`staged::comparison_of`]) and
/// the coverage of each pair of documents that share passages.
pub(crate) struct Found {
    pub(crate) findings: Vec<Finding>,
    pub(crate) coverage: Vec<Coverage>,
    /// What the engine said when the first run gave a row twice, if this is the second.
    pub(crate) retried: Option<String>,
}

/// Runs the plan on `ctx` over the table `docs` already written in the run's directory `dir`
/// ([`DocsWriter`]; the directory must be readable by every executor): `files[d]` is what the
/// last stage knows of document `d`.
pub(crate) async fn run(
    ctx: &SessionContext,
    dir: &Path,
    files: &[File<'_>],
    profile: Profile,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<Found> {
    let n = files.len();
    let params = Params::new(profile, opts).literal();
    let stages = sql(&params);
    let query =
        |name: &str| -> &str { &stages.iter().find(|(n, _)| *n == name).expect("a stage").1 };
    progress.phase(Phase::Indexing, Some(n as u64));
    register(ctx, "docs", &dir.join("docs")).await?;
    let text_rows = text_batch_rows(files);
    set_batch_rows(ctx, text_rows)?;
    materialize(ctx, dir, "paragraphs", query("paragraphs")).await?;
    set_batch_rows(ctx, BATCH_ROWS)?;
    let repeated = ctx
        .sql(query("repeated paragraphs"))
        .await?
        .collect()
        .await?;
    forget(ctx, dir, "paragraphs")?;
    let judged = staged::judge_paragraphs(&paragraphs_of(&repeated, n)?, opts);
    write_table(dir, "masks", masks_batch(&judged.masked)?)?;
    register(ctx, "masks", &dir.join("masks")).await?;
    write_table(dir, "blocks", blocks_batch(&judged.blocks)?)?;
    register(ctx, "blocks", &dir.join("blocks")).await?;
    set_batch_rows(ctx, text_rows)?;
    materialize(ctx, dir, "passage_postings", query("passage postings")).await?;
    materialize(ctx, dir, "paragraph_postings", query("paragraph postings")).await?;
    progress.advance(n as u64);
    set_batch_rows(ctx, BATCH_ROWS)?;
    // Each table is removed once the stages that read it have run: at a million documents
    // the postings alone are 11 GB of the disk a run needs.
    for what in ["passage", "paragraph"] {
        let table = format!("kept_{what}_postings");
        materialize(ctx, dir, &table, query(&format!("kept {what} postings"))).await?;
        forget(ctx, dir, &format!("{what}_postings"))?;
    }
    materialize(ctx, dir, "pair_work", query("pair work")).await?;
    forget(ctx, dir, "kept_passage_postings")?;
    forget(ctx, dir, "kept_paragraph_postings")?;
    set_batch_rows(ctx, text_rows)?;

    progress.phase(Phase::SharedPassages, None);
    let mut findings = judged.findings;
    let mut passages = Vec::new();
    let mut coverage = Vec::new();
    let mut pairs = Vec::new();
    for batch in ctx.sql(query("pairs")).await?.collect().await? {
        let (a, b) = (int_column(&batch, 0)?, int_column(&batch, 1)?);
        let found = string_column(&batch, 2)?;
        for r in 0..batch.num_rows() {
            pairs.push((a.value(r), b.value(r), found.value(r).to_string()));
        }
    }
    // Rows come in the engine's order: sorted, the merge sees them as the in-memory scan does.
    pairs.sort_unstable();
    if pairs
        .windows(2)
        .any(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
    {
        return Err(given_twice("a pair of documents"));
    }
    for (a, b, found) in pairs {
        let found: PairJson =
            serde_json::from_str(&found).map_err(|e| external("a pair's findings", e))?;
        findings.extend(found.findings.iter().map(|w| w.finding().0));
        passages.extend(found.passages.iter().map(|w| w.finding().0));
        if let Some([a_shared, a_chars, b_shared, b_chars]) = found.coverage {
            coverage.push(Coverage {
                a: a as usize,
                b: b as usize,
                a_shared,
                a_chars,
                b_shared,
                b_chars,
            });
        }
        progress.advance(1);
    }
    let mut meant = Vec::new();
    if opts.kinds.contains(&FindingKind::RepeatedPhrase) {
        let mut phrases = Vec::new();
        for batch in ctx.sql(query("phrases")).await?.collect().await? {
            let column = string_column(&batch, 0)?;
            for r in 0..batch.num_rows() {
                let wire: staged::WireFinding =
                    serde_json::from_str(column.value(r)).map_err(|e| external("a phrase", e))?;
                phrases.push(wire.finding());
            }
        }
        phrases.sort_by_key(|(f, _)| f.locations[0].range.start);
        phrases.sort_by_key(|(f, _)| f.locations[0].doc);
        if phrases.windows(2).any(|w| key(&w[0].0) == key(&w[1].0)) {
            return Err(given_twice("a doubled phrase"));
        }
        for (f, is_meant) in phrases {
            if is_meant {
                meant.push(key(&f));
            }
            findings.push(f);
        }
    }
    meant.sort_unstable();
    let is_meant = |f: &Finding| meant.binary_search(&key(f)).is_ok();
    let findings = staged::finish(findings, passages, files, opts, &is_meant, progress);
    Ok(Found {
        findings,
        coverage,
        retried: None,
    })
}

/// Rows per batch of the stages that read texts: [`TEXT_BATCH_BYTES`] of the mean text of
/// `files` (their lengths are known from the reading: no pass over the table for them), at
/// least 1 and at most 256.
fn text_batch_rows(files: &[File<'_>]) -> usize {
    let bytes: usize = files.iter().map(|f| f.len).sum();
    let mean = (bytes / files.len().max(1)).max(1);
    (TEXT_BATCH_BYTES / mean).clamp(1, 256)
}

/// Sets the rows per batch of the next stages (Ballista sends the session's settings with
/// each job).
fn set_batch_rows(ctx: &SessionContext, rows: usize) -> Result<()> {
    ctx.state_ref()
        .write()
        .config_mut()
        .options_mut()
        .set("datafusion.execution.batch_size", &rows.to_string())
}

/// A doubled phrase's identity: its document and first copy.
fn key(f: &Finding) -> (usize, usize, usize) {
    let l = &f.locations[0];
    (l.doc, l.range.start, l.range.end)
}

/// What an engine said when it gave a row twice: [`GIVEN_TWICE`], then the row.
fn given_twice(what: &str) -> DataFusionError {
    DataFusionError::Execution(format!("{GIVEN_TWICE}: {what}"))
}

fn external(what: &str, e: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("witness: cannot read {what} from the engine: {e}"))
}

async fn register(ctx: &SessionContext, name: &str, dir: &Path) -> Result<()> {
    ctx.deregister_table(name)?;
    ctx.register_parquet(name, &dir.to_string_lossy(), ParquetReadOptions::default())
        .await
}

/// Runs a stage and writes its rows as the Parquet table `name` of the run, then registers it.
///
/// One file, written under a temporary name and renamed when complete, then moved where the
/// next stages read it. A Ballista task that runs again (its executor was lost after it
/// wrote) replaces the written file instead of adding a second copy of the rows beside it
/// (DataFusion names a directory's files at random for each run of a task), and one that runs
/// again after the stage returned (seen once: a later stage's read then failed) writes
/// where nothing reads any more.
async fn materialize(ctx: &SessionContext, dir: &Path, name: &str, sql: &str) -> Result<()> {
    let written = dir.join(format!("{name}.written")).join("rows.parquet");
    ctx.sql(sql)
        .await?
        .write_parquet(
            &written.to_string_lossy(),
            DataFrameWriteOptions::new().with_single_file_output(true),
            None,
        )
        .await?;
    let table = dir.join(name);
    std::fs::create_dir_all(&table)?;
    std::fs::rename(&written, table.join("rows.parquet"))?;
    register(ctx, name, &table).await
}

/// Removes the table `name` of the run: no stage reads it any more.
fn forget(ctx: &SessionContext, dir: &Path, name: &str) -> Result<()> {
    ctx.deregister_table(name)?;
    std::fs::remove_dir_all(dir.join(name))?;
    Ok(())
}

/// Writes the table `docs (id, text)` of a run as the documents come, a Parquet file per
/// batch, ids counted from 0 in order.
pub(crate) struct DocsWriter {
    dir: PathBuf,
    schema: Arc<Schema>,
    parts: usize,
    written: usize,
}

impl DocsWriter {
    pub(crate) fn new(run: &Path) -> Result<DocsWriter> {
        let dir = run.join("docs");
        std::fs::create_dir_all(&dir)?;
        Ok(DocsWriter {
            dir,
            schema: Arc::new(Schema::new(vec![
                Field::new("id", DataType::Int64, false),
                Field::new("text", DataType::Utf8, false),
            ])),
            parts: 0,
            written: 0,
        })
    }

    /// The next documents' texts, [`DOCS_PER_FILE`] a file at most.
    pub(crate) fn write(&mut self, texts: &[&str]) -> Result<()> {
        for chunk in texts.chunks(DOCS_PER_FILE) {
            let first = self.written;
            let ids = Int64Array::from_iter_values((first..first + chunk.len()).map(|i| i as i64));
            let texts = StringArray::from_iter_values(chunk.iter().copied());
            let batch =
                RecordBatch::try_new(self.schema.clone(), vec![Arc::new(ids), Arc::new(texts)])?;
            let file = self.dir.join(format!("part-{:05}.parquet", self.parts));
            write_parquet_file(&file, &batch)?;
            self.parts += 1;
            self.written += chunk.len();
        }
        Ok(())
    }
}

/// A small table the driver made (masks, blocks) as the Parquet table `name` of the run.
fn write_table(dir: &Path, name: &str, batch: RecordBatch) -> Result<()> {
    let table = dir.join(name);
    std::fs::create_dir_all(&table)?;
    write_parquet_file(&table.join("part-00000.parquet"), &batch)
}

fn write_parquet_file(path: &PathBuf, batch: &RecordBatch) -> Result<()> {
    let file = std::fs::File::create(path)?;
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None)?;
    writer.write(batch)?;
    writer.close()?;
    Ok(())
}

/// `masks (doc, masked)`: the boilerplate paragraphs of each document that has some.
fn masks_batch(masked: &[(usize, Vec<u32>)]) -> Result<RecordBatch> {
    let docs = Int64Array::from_iter_values(masked.iter().map(|(d, _)| *d as i64));
    let values = Int64Array::from_iter_values(
        masked
            .iter()
            .flat_map(|(_, m)| m.iter().map(|&i| i64::from(i))),
    );
    let item = Arc::new(Field::new_list_field(DataType::Int64, false));
    let lists = ListArray::try_new(
        item.clone(),
        OffsetBuffer::from_lengths(masked.iter().map(|(_, m)| m.len())),
        Arc::new(values),
        None,
    )?;
    let schema = Arc::new(Schema::new(vec![
        Field::new("doc", DataType::Int64, false),
        Field::new("masked", DataType::List(item), false),
    ]));
    Ok(RecordBatch::try_new(
        schema,
        vec![Arc::new(docs), Arc::new(lists)],
    )?)
}

/// `blocks (a, b, x, y, len)`: blocks found at two places, for the pair stage to widen.
fn blocks_batch(blocks: &[crate::scan::staged::Block]) -> Result<RecordBatch> {
    let column = |f: &dyn Fn(&crate::scan::staged::Block) -> usize| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(
            blocks.iter().map(|b| f(b) as i64),
        ))
    };
    let names = ["a", "b", "x", "y", "len"];
    let schema = Arc::new(Schema::new(
        names
            .iter()
            .map(|n| Field::new(*n, DataType::Int64, false))
            .collect::<Vec<_>>(),
    ));
    Ok(RecordBatch::try_new(
        schema,
        vec![
            column(&|b| b.x.0),
            column(&|b| b.y.0),
            column(&|b| b.x.1),
            column(&|b| b.y.1),
            column(&|b| b.len),
        ],
    )?)
}

/// The repeated paragraphs' rows, per document (`n` documents).
/// The rows of `repeated paragraphs` (ordered by document and paragraph) by document.
fn paragraphs_of(batches: &[RecordBatch], n: usize) -> Result<Vec<DocParagraphs>> {
    let mut docs = vec![DocParagraphs::default(); n];
    for batch in batches {
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .and_then(|c| c.as_primitive_opt::<Int64Type>())
                .expect("a paragraph column")
                .clone()
        };
        let (doc, i, k1, k2) = (col("doc"), col("i"), col("k1"), col("k2"));
        let (clusters, min, start, end, count) = (
            col("clusters"),
            col("min_chars"),
            col("start_byte"),
            col("end_byte"),
            col("paragraphs"),
        );
        for r in 0..batch.num_rows() {
            let d = &mut docs[doc.value(r) as usize];
            if d.rows
                .last()
                .is_some_and(|l| i64::from(l.index) == i.value(r))
            {
                return Err(given_twice("a paragraph"));
            }
            d.count = count.value(r) as usize;
            d.rows.push(ParagraphRow {
                index: i.value(r) as u32,
                key: (u128::from(k1.value(r) as u64) << 64) | u128::from(k2.value(r) as u64),
                clusters: clusters.value(r) as u32,
                min_chars: min.value(r) as u32,
                start: start.value(r) as u64,
                end: end.value(r) as u64,
            });
        }
    }
    Ok(docs)
}

fn int_column(batch: &RecordBatch, i: usize) -> Result<Int64Array> {
    Ok(
        datafusion::arrow::compute::cast(batch.column(i), &DataType::Int64)?
            .as_primitive::<Int64Type>()
            .clone(),
    )
}

fn string_column(batch: &RecordBatch, i: usize) -> Result<StringArray> {
    let c = datafusion::arrow::compute::cast(batch.column(i), &DataType::Utf8)?;
    if c.null_count() > 0 {
        return Err(DataFusionError::Execution(
            "witness: a stage returned no result for a row".into(),
        ));
    }
    Ok(c.as_string::<i32>().clone())
}
