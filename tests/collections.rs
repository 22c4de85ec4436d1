//! Collections given as tables: JSON Lines (and Parquet, with the `parquet` feature) read as
//! documents, bad rows skipped with what to do, and scan findings written as rows.

mod common;

use std::path::{Path, PathBuf};

use common::{NEWSPAPER, OFFICIAL, file, snapshots, witness};
use predicates::prelude::*;
use serde_json::{Value, json};
use witness::{Collection, Corpus, Files, Profile, ReadOptions, Reader, ScanOptions};

/// Writes rows (JSON values, or raw lines) as a JSON Lines file.
fn jsonl(dir: &Path, name: &str, rows: &[Value]) -> PathBuf {
    let lines: Vec<String> = rows
        .iter()
        .map(|r| match r {
            Value::String(raw) => raw.clone(),
            row => row.to_string(),
        })
        .collect();
    file(dir, name, (lines.join("\n") + "\n").as_bytes())
}

/// `news.jsonl`: the official speech and a newspaper's copy of it, as two rows.
fn news(dir: &Path) -> PathBuf {
    jsonl(
        dir,
        "news.jsonl",
        &[
            json!({"id": "official", "text": SPEECH}),
            json!({"id": "paper", "text": COPY}),
        ],
    )
}

fn read(path: &Path) -> witness::corpus::Reading {
    Collection::new(path).read(&ReadOptions::default())
}

const SPEECH: &str = "中国城市开通中亚班列，跨里海国际运输走廊提质扩容，跨境电商、在线教育等新模式新业态惠及中国和中亚国家。";
const COPY: &str = "中国城市开通中亚班列，跨海国际运输走廊提质扩容，跨境电商、在线教育等新业态新业态惠及中国和中亚国家。";

#[test]
fn rows_are_documents_in_row_order() {
    let dir = tempfile::tempdir().unwrap();
    let news = jsonl(
        dir.path(),
        "news.jsonl",
        &[
            json!({"id": "b", "text": SPEECH, "date": "2023-05-19", "pages": [1, 2]}),
            json!(""),
            json!({"id": 17, "text": COPY, "source": null}),
        ],
    );
    let r = read(&news);
    assert_eq!(r.skipped, []);
    let shown = news.display();
    let names: Vec<(&str, &str)> = r
        .docs
        .iter()
        .map(|d| (d.label.as_str(), d.path.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("b", format!("{shown}#b").as_str()),
            ("17", format!("{shown}#17").as_str())
        ]
    );
    assert_eq!(r.docs[0].text, SPEECH);
    assert_eq!(
        serde_json::to_value(&r.docs[0].metadata).unwrap(),
        json!({"date": "2023-05-19", "pages": [1, 2]})
    );
    // A null is no value.
    assert!(r.docs[1].metadata.is_empty());
}

/// A row's text is decoded as a file's bytes are: the same digests, positions and findings.
#[test]
fn a_row_is_read_as_the_same_text_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let official = std::fs::read_to_string(OFFICIAL).unwrap();
    let newspaper = std::fs::read_to_string(NEWSPAPER).unwrap();
    let news = jsonl(
        dir.path(),
        "news.jsonl",
        &[
            json!({"id": "a", "text": official}),
            json!({"id": "b", "text": newspaper}),
        ],
    );
    file(dir.path(), "a.txt", official.as_bytes());
    file(dir.path(), "b.txt", newspaper.as_bytes());
    let rows = read(&news).docs;
    let files = Files::new([dir.path().join("a.txt"), dir.path().join("b.txt")])
        .read(&ReadOptions::default())
        .docs;
    for (row, file) in rows.iter().zip(&files) {
        assert_eq!(row.text_sha256, file.text_sha256);
        assert_eq!(row.sha256, file.sha256);
        assert_eq!(row.label, file.label);
    }
    let findings = |docs: Vec<witness::Document>, paths: [&str; 2]| {
        let corpus = Corpus::new(docs, Profile::Loose);
        let scan = witness::scan(&corpus, &ScanOptions::default());
        let mut json = witness::report::scan::json(&scan, &[]);
        for (i, p) in paths.iter().enumerate() {
            json = json.replace(&serde_json::to_string(p).unwrap(), &format!("\"doc {i}\""));
        }
        serde_json::from_str::<Value>(&json).unwrap()["findings"].clone()
    };
    let from_rows = findings(
        rows,
        [
            &format!("{}#a", news.display()),
            &format!("{}#b", news.display()),
        ],
    );
    let a = dir.path().join("a.txt").display().to_string();
    let b = dir.path().join("b.txt").display().to_string();
    let from_files = findings(files, [&a, &b]);
    assert!(from_rows.as_array().unwrap().len() > 5, "{from_rows}");
    assert_eq!(from_rows, from_files);
}

/// A `path` is read as the file it names, relative to the collection, with the options of
/// every file; `--encoding` does not apply to a row's text, which is Unicode already.
#[test]
fn path_rows_read_their_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("texts")).unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(SPEECH);
    let gb_file = file(&dir.path().join("texts"), "speech.txt", &gb);
    let news = jsonl(
        dir.path(),
        "news.jsonl",
        &[
            json!({"id": "gb", "path": "texts/speech.txt", "year": 2023}),
            json!({"id": "abs", "path": gb_file.display().to_string()}),
            json!({"id": "text", "text": SPEECH}),
        ],
    );
    let r = read(&news);
    assert_eq!(r.skipped, []);
    let [gb, abs, text] = &r.docs[..] else {
        panic!("{:?}", r.docs)
    };
    assert_eq!(gb.text, SPEECH);
    assert_eq!(gb.encoding.name(), "GBK");
    assert_eq!(gb.byte_len, gb_file.metadata().unwrap().len() as usize);
    assert_eq!(gb.path, format!("{}#gb", news.display()));
    assert_eq!(gb.metadata["year"], 2023);
    assert_eq!(abs.sha256, gb.sha256);
    assert_eq!(text.text_sha256, gb.text_sha256);
    // Declared for files: the GB18030 file is read with it, the row's text is not.
    let declared = Collection::new(&news).read(&ReadOptions::default().encoding("GB18030"));
    assert_eq!(declared.skipped, []);
    let texts: Vec<&str> = declared.docs.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, [SPEECH; 3]);
}

#[test]
fn bad_rows_are_skipped_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let news = jsonl(
        dir.path(),
        "news.jsonl",
        &[
            json!({"id": "ok", "text": SPEECH}),
            json!(r#"{"id": "x", "text": }"#),
            json!(r#"["id", "text"]"#),
            json!({"text": SPEECH}),
            json!({"id": 1.5, "text": SPEECH}),
            json!({"id": "both", "text": SPEECH, "path": "a.txt"}),
            json!({"id": "neither", "date": "2023"}),
            json!({"id": "number", "text": 12}),
            json!({"id": "array", "path": ["a.txt"]}),
            json!({"id": "missing", "path": "no/such.txt"}),
            json!({"id": "stdin", "path": "-"}),
            json!({"id": "binary", "text": "ab\u{0}cd"}),
            json!({"id": "ok", "text": COPY}),
        ],
    );
    let r = read(&news);
    let shown = news.display().to_string();
    let at = |n: usize| format!("{shown}:{n}");
    let skipped: Vec<(String, String)> = r
        .skipped
        .iter()
        .map(|k| (k.path.clone(), k.error.clone()))
        .collect();
    let dir_shown = dir.path().display();
    let want: Vec<(String, String)> = [
        (2, "is not JSON (expected value at column 21); write each row as one JSON object on one line".to_string()),
        (3, "is an array, not a JSON object; write each row as an object with an `id`, and a `text` or a `path`".into()),
        (4, "has no `id`; give each row a unique `id` (a string or an integer)".into()),
        (5, "has an `id` that is a number; give each row a unique `id`: a non-empty string, or an integer".into()),
        (6, "has both a `text` and a `path`; give the document's text or the path of its file, not both".into()),
        (7, "has neither a `text` nor a `path`; give the document's text, or the path of its file".into()),
        (8, "has a `text` that is a number, not a string; give the text as a JSON string".into()),
        (9, "has a `path` that is an array, not a string; give the path as a JSON string".into()),
        (10, format!("{dir_shown}/no/such.txt: no such file; check the path")),
        (11, "has the `path` `-`; a row names a file, not the standard input".into()),
        (12, format!("{shown}#binary: looks binary (NUL byte at byte offset 2); if it is UTF-16 without a byte-order mark, pass --encoding UTF-16LE or --encoding UTF-16BE")),
        (13, format!("has the id \"ok\" of {shown}:1; give each row its own id (the first row with an id is read, the others are left out)")),
    ]
    .into_iter()
    .map(|(n, e)| (at(n), e))
    .collect();
    assert_eq!(skipped, want);
    // The first row with the id wins.
    assert_eq!(r.docs.len(), 1);
    assert_eq!(r.docs[0].text, SPEECH);
}

#[test]
fn a_collection_that_cannot_be_opened_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jsonl");
    let r = read(&missing);
    assert!(r.docs.is_empty());
    assert_eq!(
        r.skipped,
        [witness::Skipped {
            path: missing.display().to_string(),
            error: "no such file; check the path".into(),
        }]
    );
    let r = read(dir.path());
    assert_eq!(
        r.skipped[0].error,
        "is a directory; give the path of a text file"
    );
}

/// A byte-order mark, CRLF line ends, blank lines: the rows are still the rows, numbered by
/// their lines.
#[test]
fn lines_are_counted_as_an_editor_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let news = file(
        dir.path(),
        "news.ndjson",
        "\u{FEFF}{\"id\": \"a\", \"text\": \"甲\"}\r\n\r\n  \n{\"id\": \"b\"}\r\n{\"id\": \"c\", \"text\": \"丙\"}"
            .as_bytes(),
    );
    let r = read(&news);
    let labels: Vec<&str> = r.docs.iter().map(|d| d.label.as_str()).collect();
    assert_eq!(labels, ["a", "c"]);
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].path, format!("{}:4", news.display()));
}

fn scan_json(dir: &Path, args: &[&str]) -> Value {
    let out = witness()
        .current_dir(dir)
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A collection named on the command line among files and directories: its documents at its
/// place in path order, its metadata in the report; a .jsonl found in a walk is a text.
#[test]
fn scan_reads_collections_among_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("corpus")).unwrap();
    file(&dir.path().join("corpus"), "a.txt", SPEECH.as_bytes());
    file(
        &dir.path().join("corpus"),
        "walked.jsonl",
        br#"{"id": "w", "text": "x"}"#,
    );
    jsonl(
        dir.path(),
        "b.jsonl",
        &[
            json!({"id": "copy", "text": COPY, "date": "2023-05-20"}),
            json!({"id": "bad"}),
        ],
    );
    file(dir.path(), "c.txt", "丙\n".as_bytes());
    let r = scan_json(
        dir.path(),
        &["c.txt", "b.jsonl", "corpus", "--ext", "txt,jsonl"],
    );
    let inputs: Vec<(&str, &str)> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("b.jsonl#copy", "copy"),
            ("c.txt", "c"),
            ("corpus/a.txt", "a"),
            ("corpus/walked.jsonl", "walked")
        ]
    );
    assert_eq!(r["inputs"][0]["metadata"], json!({"date": "2023-05-20"}));
    assert!(r["inputs"][1].get("metadata").is_none());
    assert_eq!(
        r["skipped"],
        json!([{"path": "b.jsonl:2", "error": "has neither a `text` nor a `path`; give the document's text, or the path of its file"}])
    );
    assert_eq!(r["findings"][0]["locations"][0]["path"], "b.jsonl#copy");
}

/// Files are read a batch at a time (at most 1,024), a collection's rows at its place in path
/// order between two batches, and only what `wanted` names is read.
#[test]
fn read_batches_keeps_path_order_across_batches_and_reads_only_what_is_wanted() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1100 {
        file(
            dir.path(),
            &format!("a{i:04}.txt"),
            format!("文{i}\n").as_bytes(),
        );
    }
    let table = jsonl(
        dir.path(),
        "a0050.jsonl",
        &[
            json!({"id": "x", "text": "甲"}),
            json!({"id": "y", "text": "乙"}),
        ],
    );
    let files = Files::new([dir.path().to_path_buf(), table]);
    let batches = |wanted: &(dyn Fn(&str) -> bool + Sync)| {
        let mut batches: Vec<Vec<String>> = Vec::new();
        let skipped = files.read_batches(&ReadOptions::default(), &(), wanted, &mut |b| {
            batches.push(b.into_iter().map(|d| d.label).collect())
        });
        assert!(skipped.is_empty(), "{skipped:?}");
        batches
    };
    let all = batches(&|_| true);
    let sizes: Vec<usize> = all.iter().map(Vec::len).collect();
    // 50 files before the collection, its 2 rows, then 1,024 and 26 files.
    assert_eq!(sizes, [50, 2, 1024, 26]);
    let labels: Vec<String> = all.concat();
    let mut expected: Vec<String> = (0..50).map(|i| format!("a{i:04}")).collect();
    expected.extend(["x".to_string(), "y".to_string()]);
    expected.extend((50..1100).map(|i| format!("a{i:04}")));
    assert_eq!(labels, expected);
    let read = Files::new([dir.path()]).read(&ReadOptions::default());
    assert_eq!(read.docs.len(), 1100);
    let few = batches(&|p: &str| p.ends_with("a0007.txt") || p.ends_with("a0050.jsonl#y"));
    assert_eq!(few.concat(), ["a0007", "y"]);
}

/// `audit` reads a collection as `scan` does.
#[test]
fn audit_reads_a_collection() {
    let dir = tempfile::tempdir().unwrap();
    news(dir.path());
    witness()
        .current_dir(dir.path())
        .args([
            "audit",
            "news.jsonl",
            "--no-record",
            "--quiet",
            "--out",
            "report",
        ])
        .assert()
        .code(1);
    let report = std::fs::read_to_string(dir.path().join("report/report.json")).unwrap();
    assert!(report.contains(r#""path": "news.jsonl#paper""#), "{report}");
}

/// In a repository with a ledger, `audit` records its versions and the audit: a row has no
/// file to store, and the audit names it with its digests.
#[test]
fn audit_records_the_rows_it_read() {
    let dir = tempfile::tempdir().unwrap();
    news(dir.path());
    file(dir.path(), "a.txt", SPEECH.as_bytes());
    let witness_in = || {
        let mut cmd = witness();
        cmd.current_dir(dir.path());
        cmd
    };
    witness_in().arg("init").assert().code(0);
    witness_in()
        .args(["audit", "news.jsonl", "a.txt", "--quiet", "--out", "report"])
        .assert()
        .code(1);
    let log = witness_in().args(["log", "--json"]).output().unwrap();
    let log: Value = serde_json::from_slice(&log.stdout).unwrap();
    let records = log.as_array().unwrap();
    let of = |kind: &str, field: &str| -> Vec<Value> {
        let of_kind = records.iter().filter(|r| r["type"] == kind);
        of_kind.map(|r| r[field].clone()).collect()
    };
    assert_eq!(of("version", "path"), [json!("a.txt")]);
    let inputs: Vec<Value> = of("audit", "inputs")[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].clone())
        .collect();
    assert_eq!(inputs, ["a.txt", "news.jsonl#official", "news.jsonl#paper"]);
}

/// `errata --corpus` reads a collection of the corpus's files (`path` rows) as it reads the
/// directory: the same errata, the same evidence, cited under the rows' names.
#[test]
fn errata_corpus_reads_a_collection() {
    let mut ids: Vec<String> = std::fs::read_dir("corpus")
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|f| f.extension().is_some_and(|x| x == "txt"))
        .map(|f| f.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    ids.sort();
    let root = env!("CARGO_MANIFEST_DIR");
    let rows: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "path": format!("{root}/corpus/{id}.txt")}))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let name = jsonl(dir.path(), "corpus.jsonl", &rows)
        .display()
        .to_string();
    let errata = |corpus: &str| {
        let out = witness()
            .args([
                "errata",
                NEWSPAPER,
                "--against",
                OFFICIAL,
                "--corpus",
                corpus,
            ])
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let (from_rows, from_directory) = (errata(&name), errata("corpus"));
    let cited = format!("\"{name}#002_7da9f2bcc27cfedd\"");
    assert_eq!(from_rows.matches(&cited).count(), 8);
    let renamed = regex::Regex::new(&format!(r#""{}#([0-9a-f_]+)""#, regex::escape(&name)))
        .unwrap()
        .replace_all(&from_rows, r#""corpus/$1.txt""#);
    assert_eq!(renamed, from_directory);
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = witness().current_dir(dir).args(args).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// `--format jsonl`: a line per finding, each the JSON report's finding with its schema.
#[test]
fn jsonl_rows_are_the_json_findings() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = format!("{}/corpus", env!("CARGO_MANIFEST_DIR"));
    let json: Value =
        serde_json::from_str(&run(dir.path(), &["scan", &corpus, "--format", "json"])).unwrap();
    let lines = run(dir.path(), &["scan", &corpus, "--format", "jsonl"]);
    let rows: Vec<Value> = lines
        .lines()
        .map(|l| {
            let mut row: Value = serde_json::from_str(l).unwrap();
            assert_eq!(row["schema"], "witness/scan-finding/1");
            row.as_object_mut().unwrap().remove("schema");
            row
        })
        .collect();
    assert!(rows.len() > 50);
    assert_eq!(Value::Array(rows), json["findings"]);
}

#[test]
fn jsonl_of_a_collection_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    jsonl(
        dir.path(),
        "news.jsonl",
        &[
            json!({"id": "official", "text": SPEECH, "date": "2023-05-19"}),
            json!({"id": "paper", "text": COPY, "date": "2023-05-20"}),
        ],
    );
    let out = run(dir.path(), &["scan", "news.jsonl", "--format", "jsonl"]);
    snapshots().bind(|| insta::assert_snapshot!("scan_collection_jsonl", out));
}

#[test]
fn nothing_read_from_a_collection_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    jsonl(dir.path(), "news.jsonl", &[json!({"id": "a"}), json!("[]")]);
    witness()
        .current_dir(dir.path())
        .args(["scan", "news.jsonl", "missing.jsonl"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(concat!(
            "witness: skipped missing.jsonl: no such file; check the path\n",
            "witness: skipped news.jsonl:1: has neither a `text` nor a `path`; give the document's text, or the path of its file\n",
            "witness: skipped news.jsonl:2: is an array, not a JSON object; write each row as an object with an `id`, and a `text` or a `path`\n",
            "witness: error: nothing could be read (3 skipped); check the paths above\n",
        ));
}

#[test]
fn rows_formats_are_refused_where_they_cannot_go() {
    let dir = tempfile::tempdir().unwrap();
    jsonl(
        dir.path(),
        "news.jsonl",
        &[json!({"id": "a", "text": SPEECH})],
    );
    witness()
        .current_dir(dir.path())
        .args(["scan", "news.jsonl", "--format", "jsonl", "--baseline", "b.json"])
        .assert()
        .code(2)
        .stderr("witness: error: --baseline reports diagnostics: use it with --format text, json, md, sarif, github, rdjsonl or junit\n");
    let parquet = witness()
        .current_dir(dir.path())
        .args(["scan", "news.jsonl", "--format", "parquet"])
        .assert()
        .code(2)
        .stdout("");
    if cfg!(feature = "parquet") {
        parquet.stderr("witness: error: --format parquet writes a binary table: give the file to write with -o FILE\n");
        witness()
            .current_dir(dir.path())
            .args(["scan", "news.jsonl", "--format", "parquet", "-o", "f.parquet"])
            .args(["--baseline", "b.json"])
            .assert()
            .code(2)
            .stderr("witness: error: --baseline reports diagnostics: use it with --format text, json, md, sarif, github, rdjsonl or junit\n");
        assert!(!dir.path().join("f.parquet").exists());
    } else {
        parquet.stderr("witness: error: --format parquet: this witness was built without Parquet support (the `parquet` feature): rebuild it with `--features parquet`, or use --format jsonl\n");
    }
    // `diff` has no rows to write.
    witness()
        .current_dir(dir.path())
        .args(["diff", "news.jsonl", "news.jsonl", "--format", "jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'jsonl' for '--format <FORMAT>'",
        ));
}

/// Without the `parquet` feature, a Parquet table is skipped with what to do.
#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_needs_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "news.parquet", b"PAR1");
    file(dir.path(), "a.txt", SPEECH.as_bytes());
    witness()
        .current_dir(dir.path())
        .args(["scan", "news.parquet", "a.txt"])
        .assert()
        .code(0)
        .stderr("witness: skipped news.parquet: this witness was built without Parquet support (the `parquet` feature): rebuild it with `--features parquet`, or export the table as JSON Lines (one object a line: `id`, and `text` or `path`)\n");
}

#[cfg(feature = "parquet")]
mod tables {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;

    /// A table's columns, by name.
    type Columns<'a> = Vec<(&'a str, ArrayRef)>;

    /// Writes columns as a Parquet file.
    fn table(dir: &Path, name: &str, columns: Columns) -> PathBuf {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let path = dir.join(name);
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None)
                .unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        path
    }

    fn strings(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(values.to_vec()))
    }

    #[test]
    fn parquet_rows_are_documents() {
        let dir = tempfile::tempdir().unwrap();
        let (gb, _, _) = encoding_rs::GB18030.encode(SPEECH);
        file(dir.path(), "speech.txt", &gb);
        let news = table(
            dir.path(),
            "news.parquet",
            vec![
                ("id", Arc::new(Int64Array::from(vec![17, 18, 19, 17, 20]))),
                (
                    "text",
                    strings(&[Some(COPY), None, None, Some(SPEECH), Some(SPEECH)]),
                ),
                (
                    "path",
                    strings(&[None, Some("speech.txt"), None, None, Some("speech.txt")]),
                ),
                (
                    "date",
                    strings(&[Some("2023-05-20"), None, Some("2023"), None, None]),
                ),
                ("pages", Arc::new(Int64Array::from(vec![3, 4, 5, 6, 7]))),
            ],
        );
        let r = read(&news);
        let shown = news.display();
        let docs: Vec<(&str, &str, &str)> = r
            .docs
            .iter()
            .map(|d| (d.label.as_str(), d.path.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(
            docs,
            [
                ("17", format!("{shown}#17").as_str(), COPY),
                ("18", format!("{shown}#18").as_str(), SPEECH)
            ]
        );
        assert_eq!(
            serde_json::to_value(&r.docs[0].metadata).unwrap(),
            json!({"date": "2023-05-20", "pages": 3})
        );
        assert_eq!(r.docs[1].encoding.name(), "GBK");
        let skipped: Vec<(String, String)> = r
            .skipped
            .iter()
            .map(|k| (k.path.clone(), k.error.clone()))
            .collect();
        assert_eq!(
            skipped,
            [
                (format!("{shown}:3"), "has neither a `text` nor a `path`; give the document's text, or the path of its file".to_string()),
                (format!("{shown}:4"), format!("has the id \"17\" of {shown}:1; give each row its own id (the first row with an id is read, the others are left out)")),
                (format!("{shown}:5"), "has both a `text` and a `path`; give the document's text or the path of its file, not both".into()),
            ]
        );
    }

    /// The same text from a Parquet row, a JSON Lines row and a file: one digest.
    #[test]
    fn a_parquet_row_is_the_same_text() {
        let dir = tempfile::tempdir().unwrap();
        let news = table(
            dir.path(),
            "news.parquet",
            vec![
                ("id", strings(&[Some("a")])),
                ("text", strings(&[Some(SPEECH)])),
            ],
        );
        let lines = jsonl(
            dir.path(),
            "news.jsonl",
            &[json!({"id": "a", "text": SPEECH})],
        );
        let txt = file(dir.path(), "a.txt", SPEECH.as_bytes());
        let digest = |r: witness::corpus::Reading| r.docs[0].text_sha256.clone();
        let from_file = digest(Files::new([txt]).read(&ReadOptions::default()));
        assert_eq!(digest(read(&news)), from_file);
        assert_eq!(digest(read(&lines)), from_file);
    }

    #[test]
    fn tables_without_what_rows_need_are_skipped_whole() {
        let dir = tempfile::tempdir().unwrap();
        let cases: Vec<(&str, Columns, &str)> = vec![
            (
                "no_id.parquet",
                vec![("text", strings(&[Some(SPEECH)]))],
                "has no `id` column; give each row an `id` (a string or an integer)",
            ),
            (
                "no_text.parquet",
                vec![("id", strings(&[Some("a")]))],
                "has neither a `text` nor a `path` column; give each row its document's text, or the path of its file",
            ),
            (
                "binary.parquet",
                vec![
                    ("id", strings(&[Some("a")])),
                    ("text", Arc::new(BinaryArray::from(vec![SPEECH.as_bytes()]))),
                ],
                "its `text` column is Binary, not strings; give the text of each row as a string",
            ),
        ];
        for (name, columns, error) in cases {
            let path = table(dir.path(), name, columns);
            let r = read(&path);
            assert!(r.docs.is_empty(), "{name}");
            assert_eq!(
                r.skipped,
                [witness::Skipped {
                    path: path.display().to_string(),
                    error: error.into()
                }]
            );
        }
        let fake = file(dir.path(), "fake.parquet", b"id,text\na,b\n");
        let r = read(&fake);
        assert_eq!(r.skipped.len(), 1);
        assert!(
            r.skipped[0]
                .error
                .starts_with("cannot be read as Parquet: "),
            "{:?}",
            r.skipped
        );
        assert!(
            r.skipped[0]
                .error
                .ends_with("; check that it is a Parquet file, or export the table as JSON Lines")
        );
    }

    /// `--format parquet -o FILE`: the rows of `--format jsonl`, nested as in the JSON.
    #[test]
    fn parquet_findings_are_the_jsonl_rows() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = format!("{}/corpus", env!("CARGO_MANIFEST_DIR"));
        let lines = run(dir.path(), &["scan", &corpus, "--format", "jsonl"]);
        witness()
            .current_dir(dir.path())
            .args([
                "scan",
                &corpus,
                "--format",
                "parquet",
                "-o",
                "findings.parquet",
            ])
            .assert()
            .code(1)
            .stdout("");
        let file = std::fs::File::open(dir.path().join("findings.parquet")).unwrap();
        let mut back = Vec::new();
        let mut writer = arrow_json::LineDelimitedWriter::new(&mut back);
        for batch in ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap()
        {
            writer.write(&batch.unwrap()).unwrap();
        }
        writer.finish().unwrap();
        let parse = |text: &str| -> Vec<Value> {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let (from_parquet, from_jsonl) =
            (parse(std::str::from_utf8(&back).unwrap()), parse(&lines));
        assert!(from_jsonl.len() > 50);
        assert_eq!(from_parquet, from_jsonl);
    }

    /// A scan of a Parquet collection on the command line.
    #[test]
    fn scan_reads_a_parquet_collection() {
        let dir = tempfile::tempdir().unwrap();
        table(
            dir.path(),
            "news.parquet",
            vec![
                ("id", strings(&[Some("official"), Some("paper")])),
                ("text", strings(&[Some(SPEECH), Some(COPY)])),
            ],
        );
        let r = scan_json(dir.path(), &["news.parquet"]);
        assert_eq!(r["findings"][0]["kind"], "near_duplicate");
        assert_eq!(
            r["findings"][0]["locations"][1]["path"],
            "news.parquet#paper"
        );
    }
}
