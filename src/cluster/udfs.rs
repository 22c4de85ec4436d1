//! witness's per-document and per-pair stages ([`crate::scan::staged`]) as DataFusion scalar
//! functions, so that the engine runs them where the rows are: in the local session's
//! threads, or on Ballista's executors. Every function takes the scan's parameters as its
//! last argument, a JSON string literal ([`Params`]): an executor started once serves any
//! scan.
//!
//! Numbers cross as `Int64` (hashes as their bits): every engine, and Spark SQL, has it.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListArray, StringArray, StringBuilder, StructArray,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Fields, Int64Type};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use serde::{Deserialize, Serialize};

use crate::normalize::Profile;
use crate::scan::staged::{self, PairWork, WireFinding};
use crate::scan::{FindingKind, ScanOptions};

/// The parameters of a scan, as every function receives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Params {
    profile: String,
    min_chars: Option<usize>,
    threshold_bits: u64,
    kinds: Vec<FindingKind>,
}

impl Params {
    pub(crate) fn new(profile: Profile, opts: &ScanOptions) -> Params {
        Params {
            profile: profile.name().to_string(),
            min_chars: opts.min_chars,
            threshold_bits: opts.threshold.to_bits(),
            kinds: opts.kinds.clone(),
        }
    }

    /// As an SQL string literal.
    pub(crate) fn literal(&self) -> String {
        let json = serde_json::to_string(self).expect("parameters serialize");
        format!("'{}'", json.replace('\'', "''"))
    }

    fn parse(json: &str) -> Result<(Profile, ScanOptions)> {
        let p: Params = match serde_json::from_str(json) {
            Ok(p) => p,
            Err(e) => return exec_err!("witness: bad scan parameters {json}: {e}"),
        };
        let profile = match p.profile.parse() {
            Ok(profile) => profile,
            Err(e) => return exec_err!("witness: {e}"),
        };
        let opts = ScanOptions {
            min_chars: p.min_chars,
            threshold: f64::from_bits(p.threshold_bits),
            kinds: p.kinds,
        };
        Ok((profile, opts))
    }
}

/// Every function of this module, to register in a session, a scheduler and an executor.
pub(crate) fn all() -> Vec<Arc<ScalarUDF>> {
    [
        Stage::Paragraphs,
        Stage::PassageGrams,
        Stage::ParagraphGrams,
        Stage::Phrases,
        Stage::VerifyPair,
    ]
    .into_iter()
    .map(|stage| {
        Arc::new(ScalarUDF::from(Udf {
            stage,
            signature: Signature::any(stage.arity(), Volatility::Immutable),
        }))
    })
    .collect()
}

/// The stages run as functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Stage {
    /// `witness_paragraphs(text, params)`: list of paragraph rows.
    Paragraphs,
    /// `witness_passage_grams(text, masked, params)`: list of `{h, pos}`.
    PassageGrams,
    /// `witness_paragraph_grams(text, masked, params)`: list of `{para, h, n}`.
    ParagraphGrams,
    /// `witness_phrases(id, text, masked, params)`: list of findings (JSON).
    Phrases,
    /// `witness_verify_pair(a, b, text_a, text_b, masked_a, masked_b, work, params)`: what
    /// the pair stage found (JSON).
    VerifyPair,
}

const PARAGRAPH_FIELDS: [&str; 8] = [
    "i",
    "k1",
    "k2",
    "clusters",
    "min_chars",
    "start_byte",
    "end_byte",
    "paragraphs",
];

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Paragraphs => "witness_paragraphs",
            Stage::PassageGrams => "witness_passage_grams",
            Stage::ParagraphGrams => "witness_paragraph_grams",
            Stage::Phrases => "witness_phrases",
            Stage::VerifyPair => "witness_verify_pair",
        }
    }

    fn arity(self) -> usize {
        match self {
            Stage::Paragraphs => 2,
            Stage::PassageGrams | Stage::ParagraphGrams => 3,
            Stage::Phrases => 4,
            Stage::VerifyPair => 8,
        }
    }

    /// The names of the fields of the rows of a list of structs, for the stages that give one.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Stage::Paragraphs => &PARAGRAPH_FIELDS,
            Stage::PassageGrams => &["h", "pos"],
            Stage::ParagraphGrams => &["para", "h", "n"],
            Stage::Phrases | Stage::VerifyPair => &[],
        }
    }

    fn return_type(self) -> DataType {
        match self {
            Stage::Phrases => DataType::new_list(DataType::Utf8, true),
            Stage::VerifyPair => DataType::Utf8,
            _ => DataType::new_list(DataType::Struct(struct_fields(self.fields())), true),
        }
    }
}

fn struct_fields(names: &[&str]) -> Fields {
    names
        .iter()
        .map(|n| Field::new(*n, DataType::Int64, false))
        .collect()
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Udf {
    stage: Stage,
    signature: Signature,
}

impl ScalarUDFImpl for Udf {
    fn name(&self) -> &str {
        self.stage.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(self.stage.return_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let arrays: Vec<ArrayRef> = args
            .args
            .iter()
            .map(|a| a.clone().into_array(n))
            .collect::<Result<_>>()?;
        let params = strings(&arrays[arrays.len() - 1])?;
        if n == 0 {
            return Ok(ColumnarValue::Array(empty(self.stage)?));
        }
        let (profile, opts) = Params::parse(params.value(0))?;
        let out = match self.stage {
            Stage::Paragraphs => {
                let texts = strings(&arrays[0])?;
                rows_of(self.stage, n, |i, out| {
                    let doc = staged::paragraphs(texts.value(i), profile, &opts);
                    for r in &doc.rows {
                        out.push(vec![
                            i64::from(r.index),
                            (r.key >> 64) as u64 as i64,
                            r.key as u64 as i64,
                            i64::from(r.clusters),
                            i64::from(r.min_chars),
                            r.start as i64,
                            r.end as i64,
                            doc.count as i64,
                        ]);
                    }
                })?
            }
            Stage::PassageGrams => {
                let texts = strings(&arrays[0])?;
                rows_of(self.stage, n, |i, out| {
                    let masked = masked_at(&arrays[1], i);
                    for (h, pos) in staged::passage_postings(texts.value(i), profile, &masked) {
                        out.push(vec![h as i64, i64::from(pos)]);
                    }
                })?
            }
            Stage::ParagraphGrams => {
                let texts = strings(&arrays[0])?;
                rows_of(self.stage, n, |i, out| {
                    let masked = masked_at(&arrays[1], i);
                    let postings =
                        staged::paragraph_postings(texts.value(i), profile, &opts, &masked);
                    for (para, h, count) in postings {
                        out.push(vec![i64::from(para), h as i64, i64::from(count)]);
                    }
                })?
            }
            Stage::Phrases => {
                let ids = ints(&arrays[0])?;
                let texts = strings(&arrays[1])?;
                let mut lengths = Vec::with_capacity(n);
                let mut values = StringBuilder::new();
                for i in 0..n {
                    let masked = masked_at(&arrays[2], i);
                    let found =
                        staged::phrases(ids.value(i) as usize, texts.value(i), profile, &masked);
                    lengths.push(found.len());
                    for (f, meant) in found {
                        values.append_value(json(&WireFinding::new(&f, meant)));
                    }
                }
                let field = Arc::new(Field::new_list_field(DataType::Utf8, true));
                Arc::new(ListArray::new(
                    field,
                    OffsetBuffer::from_lengths(lengths),
                    Arc::new(values.finish()),
                    None,
                ))
            }
            Stage::VerifyPair => {
                let (a, b) = (ints(&arrays[0])?, ints(&arrays[1])?);
                let (ta, tb) = (strings(&arrays[2])?, strings(&arrays[3])?);
                let work = arrays[6].as_list::<i32>();
                let mut out = StringBuilder::new();
                for i in 0..n {
                    let pair = (a.value(i) as usize, b.value(i) as usize);
                    let (ma, mb) = (masked_at(&arrays[4], i), masked_at(&arrays[5], i));
                    let work = pair_work(&work.value(i))?;
                    let found = staged::verify_pair(
                        pair,
                        [ta.value(i), tb.value(i)],
                        [&ma, &mb],
                        &work,
                        &opts,
                        profile,
                    );
                    out.append_value(json(&PairJson::new(&found)));
                }
                Arc::new(out.finish())
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// What the pair function returns, as JSON.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PairJson {
    pub(crate) findings: Vec<WireFinding>,
    pub(crate) passages: Vec<WireFinding>,
    /// `[a_shared, a_chars, b_shared, b_chars]`.
    pub(crate) coverage: Option<[usize; 4]>,
}

impl PairJson {
    fn new(found: &staged::PairFound) -> PairJson {
        let wire =
            |fs: &[crate::scan::Finding]| fs.iter().map(|f| WireFinding::new(f, false)).collect();
        PairJson {
            findings: wire(&found.findings),
            passages: wire(&found.passages),
            coverage: found
                .coverage
                .as_ref()
                .map(|c| [c.a_shared, c.a_chars, c.b_shared, c.b_chars]),
        }
    }
}

fn json<T: Serialize>(x: &T) -> String {
    serde_json::to_string(x).expect("findings serialize")
}

/// An argument as UTF-8 strings (whatever string type the engine chose).
fn strings(a: &ArrayRef) -> Result<StringArray> {
    Ok(cast(a, &DataType::Utf8)?.as_string::<i32>().clone())
}

fn ints(a: &ArrayRef) -> Result<Int64Array> {
    Ok(cast(a, &DataType::Int64)?
        .as_primitive::<Int64Type>()
        .clone())
}

/// The paragraphs row `i` masks: a list of paragraph indices, or null for none.
fn masked_at(a: &ArrayRef, i: usize) -> Vec<u32> {
    if a.is_null(i) {
        return Vec::new();
    }
    match a.data_type() {
        DataType::List(_) => {
            let list = a.as_list::<i32>().value(i);
            match cast(&list, &DataType::Int64) {
                Ok(v) => v
                    .as_primitive::<Int64Type>()
                    .iter()
                    .flatten()
                    .map(|x| x as u32)
                    .collect(),
                Err(_) => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// The pair stage's work from its list of `{kind, x1, x2, x3, x4}`: kind 0 a seed
/// `(diagonal, position)`, 1 a candidate paragraph pair `(i, j, shared, fewer)`, 2 a block
/// `(x, y, len)`. Sorted, as the stages expect.
///
/// Each row has its own key (a seed its two positions, a paragraph pair its two paragraphs, a
/// block its place): one given twice is an error ([`super::plan::GIVEN_TWICE`]).
fn pair_work(rows: &ArrayRef) -> Result<PairWork> {
    let Some(s) = rows.as_struct_opt() else {
        return exec_err!("witness_verify_pair: the work is not a list of structs");
    };
    let cols: Vec<Int64Array> = s.columns().iter().map(ints).collect::<Result<_>>()?;
    if cols.len() != 5 {
        return exec_err!(
            "witness_verify_pair: a work row has {} fields, not 5",
            cols.len()
        );
    }
    let mut work = PairWork::default();
    for r in 0..s.len() {
        let v = |c: usize| cols[c].value(r);
        match v(0) {
            0 => work.seeds.push((v(1), v(2) as u32)),
            1 => work
                .paragraphs
                .push((v(1) as u32, v(2) as u32, v(3) as u32, v(4) as u32)),
            _ => work.blocks.push((v(1) as u32, v(2) as u32, v(3) as u32)),
        }
    }
    work.seeds.sort_unstable();
    work.paragraphs.sort_unstable();
    work.blocks.sort_unstable();
    let twice = work.seeds.windows(2).any(|w| w[0] == w[1])
        || work
            .paragraphs
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1)
        || work.blocks.windows(2).any(|w| w[0] == w[1]);
    if twice {
        return exec_err!("{}: a row of a pair's work", super::plan::GIVEN_TWICE);
    }
    Ok(work)
}

/// A list of structs of `Int64` fields, one list per input row, built from `fill(row, out)`.
fn rows_of(
    stage: Stage,
    n: usize,
    mut fill: impl FnMut(usize, &mut Vec<Vec<i64>>),
) -> Result<ArrayRef> {
    let names = stage.fields();
    let mut columns: Vec<Vec<i64>> = vec![Vec::new(); names.len()];
    let mut lengths = Vec::with_capacity(n);
    let mut rows = Vec::new();
    for i in 0..n {
        rows.clear();
        fill(i, &mut rows);
        lengths.push(rows.len());
        for row in &rows {
            for (c, v) in row.iter().enumerate() {
                columns[c].push(*v);
            }
        }
    }
    list_of_structs(names, columns, lengths)
}

fn list_of_structs(
    names: &[&str],
    columns: Vec<Vec<i64>>,
    lengths: Vec<usize>,
) -> Result<ArrayRef> {
    let fields = struct_fields(names);
    let arrays: Vec<ArrayRef> = columns
        .into_iter()
        .map(|c| Arc::new(Int64Array::from(c)) as ArrayRef)
        .collect();
    let structs = StructArray::try_new(fields.clone(), arrays, None)?;
    let field = Arc::new(Field::new_list_field(DataType::Struct(fields), true));
    Ok(Arc::new(ListArray::try_new(
        field,
        OffsetBuffer::from_lengths(lengths),
        Arc::new(structs),
        None,
    )?))
}

fn empty(stage: Stage) -> Result<ArrayRef> {
    Ok(match stage {
        Stage::VerifyPair => Arc::new(StringArray::from(Vec::<String>::new())),
        Stage::Phrases => Arc::new(ListArray::new(
            Arc::new(Field::new_list_field(DataType::Utf8, true)),
            OffsetBuffer::from_lengths(Vec::<usize>::new()),
            Arc::new(StringArray::from(Vec::<String>::new())),
            None,
        )),
        _ => list_of_structs(
            stage.fields(),
            vec![Vec::new(); stage.fields().len()],
            Vec::new(),
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pair's work as the engine gives it: one list of `{kind, x1, x2, x3, x4}`.
    fn work(rows: &[[i64; 5]]) -> ArrayRef {
        let columns = (0..5)
            .map(|c| rows.iter().map(|r| r[c]).collect())
            .collect();
        let list =
            list_of_structs(&["kind", "x1", "x2", "x3", "x4"], columns, vec![rows.len()]).unwrap();
        list.as_list::<i32>().value(0)
    }

    #[test]
    fn a_pairs_work_is_sorted_by_kind() {
        let w = pair_work(&work(&[
            [0, 5, 9, 0, 0],
            [1, 2, 3, 40, 50],
            [0, -3, 100, 0, 0],
            [2, 7, 8, 3, 0],
        ]))
        .unwrap();
        assert_eq!(w.seeds, [(-3, 100), (5, 9)]);
        assert_eq!(w.paragraphs, [(2, 3, 40, 50)]);
        assert_eq!(w.blocks, [(7, 8, 3)]);
    }

    #[test]
    fn a_row_of_a_pairs_work_given_twice_is_an_error() {
        let twice = [
            vec![[0, 5, 9, 0, 0], [0, 5, 9, 0, 0]],
            // The same two paragraphs with another count: a partial count read twice.
            vec![[1, 2, 3, 40, 50], [1, 2, 3, 80, 50]],
            vec![[2, 7, 8, 3, 0], [2, 7, 8, 3, 0]],
        ];
        for rows in twice {
            let e = pair_work(&work(&rows)).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "Execution error: {}: a row of a pair's work",
                    crate::cluster::plan::GIVEN_TWICE
                ),
                "{rows:?}"
            );
        }
    }
}
