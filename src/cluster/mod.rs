//! `witness scan` beyond one process (feature `cluster`): the same scan as a plan of SQL
//! stages (module `plan`) that an engine runs, with witness's work on texts as functions
//! (module `udfs`) inside it.
//!
//! - [`Engine::Streaming`]: an embedded Apache DataFusion session with a memory limit; its
//!   sorts and aggregations spill to disk, so memory stays under the limit whatever the size
//!   of the collection.
//! - [`Engine::Ballista`]: the same plan on a Ballista cluster (`ballista://HOST:PORT`, a
//!   scheduler started by `witness cluster scheduler`, executors by `witness cluster
//!   executor`, which register witness's functions).
//! - [`Engine::Standalone`]: a Ballista scheduler and executor inside this process (tests).
//!
//! Every engine gives the findings of [`crate::scan()`], in the same order.

mod plan;
mod serve;
mod udfs;

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use ballista::prelude::SessionContextExt;
use ballista_core::extension::SessionConfigExt;
use datafusion::common::config::SpillCompression;
use datafusion::error::DataFusionError;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::{FairSpillPool, TrackConsumersPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::registry::FunctionRegistry;
use datafusion::prelude::{SessionConfig, SessionContext};

pub use serve::{ExecutorOptions, SchedulerOptions, run_executor, run_scheduler};

use crate::corpus::{Corpus, Reader, Skipped};
use crate::normalize::Profile;
use crate::progress::Progress;
use crate::scan::drop_numbered_series;
use crate::scan::staged::{File, comparison_of};
use crate::scan::{Coverage, Finding, Scan, ScanOptions};
use crate::source::{Document, ReadOptions};

/// Where a scan runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// In this process, in memory ([`crate::scan::scan`]): the fastest for what fits.
    Local,
    /// An embedded DataFusion session whose memory pool holds at most `memory_limit` bytes.
    Streaming {
        /// Bytes the engine's sorts, joins and aggregations may hold before they spill.
        memory_limit: usize,
    },
    /// A Ballista scheduler and executor in this process.
    Standalone,
    /// A Ballista cluster: the scheduler's `HOST:PORT`.
    Ballista(String),
}

/// The memory limit of [`Engine::Streaming`] when none is given.
pub const DEFAULT_MEMORY_LIMIT: usize = 2 << 30;

impl FromStr for Engine {
    type Err = String;

    /// `local`, `streaming`, `streaming:SIZE` (`512M`, `4G`), `standalone`,
    /// `ballista://HOST:PORT`.
    fn from_str(s: &str) -> Result<Engine, String> {
        let bad = || {
            format!(
                "unknown engine {s:?}: say local, streaming, streaming:SIZE (e.g. streaming:4G), standalone or ballista://HOST:PORT"
            )
        };
        if let Some(address) = s.strip_prefix("ballista://") {
            let (host, port) = address.rsplit_once(':').ok_or_else(bad)?;
            if host.is_empty() || port.parse::<u16>().is_err() {
                return Err(bad());
            }
            return Ok(Engine::Ballista(address.to_string()));
        }
        match s.split_once(':') {
            None if s == "local" => Ok(Engine::Local),
            None if s == "streaming" => Ok(Engine::Streaming {
                memory_limit: DEFAULT_MEMORY_LIMIT,
            }),
            None if s == "standalone" => Ok(Engine::Standalone),
            Some(("streaming", size)) => Ok(Engine::Streaming {
                memory_limit: parse_size(size).ok_or_else(bad)?,
            }),
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Local => f.write_str("local"),
            Engine::Streaming { memory_limit } => write!(f, "streaming:{}M", memory_limit >> 20),
            Engine::Standalone => f.write_str("standalone"),
            Engine::Ballista(address) => write!(f, "ballista://{address}"),
        }
    }
}

/// A size in bytes written `512M`, `4G`, `64K` (powers of 1,024) or `1048576`; `None` for
/// anything else.
pub fn parse_size(s: &str) -> Option<usize> {
    let (digits, shift) = match s.chars().last()? {
        'K' | 'k' => (&s[..s.len() - 1], 10),
        'M' | 'm' => (&s[..s.len() - 1], 20),
        'G' | 'g' => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    digits.parse::<usize>().ok()?.checked_mul(1 << shift)
}

/// Why a scan on an engine failed. Nothing is reported from a failed run.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The scheduler could not be reached.
    #[error(
        "cannot reach the Ballista scheduler at {address}: {reason}. Start one with `witness cluster scheduler --port PORT` and executors with `witness cluster executor --scheduler HOST:PORT`, or scan with --engine local"
    )]
    Unreachable {
        /// `HOST:PORT`.
        address: String,
        /// What the client said.
        reason: String,
    },
    /// The engine failed while running the plan (an executor died, a stage failed).
    #[error("the {engine} engine failed: {reason}; no findings are reported from this run")]
    Failed {
        /// The engine.
        engine: String,
        /// What it said.
        reason: String,
    },
    /// A document that a finding cites changed (or went) between its reading and its reading
    /// again for the report.
    #[error(
        "{path} changed while it was scanned (it is not the text read first): scan again when the inputs stay still"
    )]
    Changed {
        /// The document's path.
        path: String,
    },
    /// The run's directory could not be made.
    #[error("cannot make the scan's work directory under {dir}: {reason}")]
    WorkDir {
        /// Where.
        dir: String,
        /// Why.
        reason: String,
    },
}

/// What a run on an engine records: the engine and the SQL of each stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPlan {
    /// The engine, as `--engine` says it.
    pub engine: String,
    /// `(stage, SQL)` in order.
    pub stages: Vec<(String, String)>,
    /// Why the plan ran a second time from its first stage, if it did: what the engine said
    /// when it gave a row twice (the findings are the second run's).
    pub retried: Option<String>,
}

/// Scans `corpus` on `engine` (see [`Engine`]), in a work directory made under `work_dir`
/// (the system's temporary directory by default; for Ballista, one that every executor can
/// read at the same path). Gives the same findings as [`crate::scan::scan_with_progress`].
///
/// A run that has not finished after `timeout` fails: a cluster that lost an executor may
/// wait for it forever (Ballista 55 did, in `tests/cluster.rs`, with its default pull
/// scheduling).
pub fn scan<'c>(
    corpus: &'c Corpus,
    opts: &ScanOptions,
    engine: &Engine,
    work_dir: Option<&Path>,
    timeout: Option<std::time::Duration>,
    progress: &dyn Progress,
) -> Result<(Scan<'c>, RunPlan), ClusterError> {
    let profile = corpus.profile();
    let mut plan = run_plan(engine, profile, opts);
    if *engine == Engine::Local {
        return Ok((
            crate::scan::scan_with_progress(corpus, opts, progress),
            plan,
        ));
    }
    let docs = corpus.docs();
    let run = Run::new(engine, work_dir)?;
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    run.docs()?.write(&texts).map_err(|e| run.failed(e))?;
    let found = run.finish(&File::of(docs), profile, opts, timeout, progress)?;
    plan.retried = found.retried;
    let mut findings = found.findings;
    drop_numbered_series(&mut findings, |l| &docs[l.doc].text[l.range.clone()]);
    add_comparisons(&mut findings, docs, profile);
    Ok((
        Scan {
            docs,
            profile,
            findings,
            coverage: found.coverage,
        },
        plan,
    ))
}

/// A scan of documents read as they come ([`scan_reader`]): the documents, only those that a
/// finding cites with their text (the others are headers: identity, no
/// text), what could not be read, and what was found.
#[derive(Debug)]
pub struct Streamed {
    /// The documents, in the reader's order; [`crate::Location::doc`] indexes them.
    pub docs: Vec<Document>,
    /// What the reader skipped.
    pub skipped: Vec<Skipped>,
    /// The profile of the scan.
    pub profile: Profile,
    /// As [`Scan::findings`].
    pub findings: Vec<Finding>,
    /// As [`Scan::coverage`].
    pub coverage: Vec<Coverage>,
    /// The engine and its plan.
    pub plan: RunPlan,
}

impl Streamed {
    /// Gives `report` the scan (its findings moved in, not copied) and what was skipped.
    pub fn report<R>(self, report: impl FnOnce(&Scan<'_>, &[Skipped]) -> R) -> R {
        let scan = Scan {
            docs: &self.docs,
            profile: self.profile,
            findings: self.findings,
            coverage: self.coverage,
        };
        report(&scan, &self.skipped)
    }
}

/// Scans the documents of `reader` on `engine` without holding their texts: each batch the
/// reader reads is written to the engine's `docs` table and kept as headers only
/// (identity and digests, no text); when the engine has found what it finds, the documents its
/// findings cite are read again (and must not have changed). `read` sees each document as it
/// is read (the command line warns about it). Memory holds one batch of texts, the headers,
/// and what the engine holds under its limit.
///
/// The local engine reads everything and scans in memory, as [`scan`] does.
#[allow(clippy::too_many_arguments)]
pub fn scan_reader(
    reader: &dyn Reader,
    read_opts: &ReadOptions,
    profile: Profile,
    opts: &ScanOptions,
    engine: &Engine,
    work_dir: Option<&Path>,
    timeout: Option<std::time::Duration>,
    progress: &dyn Progress,
    read: &mut dyn FnMut(&Document),
) -> Result<Streamed, ClusterError> {
    let mut plan = run_plan(engine, profile, opts);
    let all = |_: &str| true;
    if *engine == Engine::Local {
        let mut docs = Vec::new();
        let skipped = reader.read_batches(read_opts, progress, &all, &mut |batch| {
            batch.iter().for_each(&mut *read);
            docs.extend(batch);
        });
        let corpus = Corpus::new(docs, profile);
        let scan = crate::scan::scan_with_progress(&corpus, opts, progress);
        let (findings, coverage) = (scan.findings, scan.coverage);
        return Ok(Streamed {
            docs: corpus.into_docs(),
            skipped,
            profile,
            findings,
            coverage,
            plan,
        });
    }
    let run = Run::new(engine, work_dir)?;
    let mut writer = run.docs()?;
    let mut headers: Vec<Document> = Vec::new();
    let mut lens: Vec<usize> = Vec::new();
    let mut written = Ok(());
    let skipped = reader.read_batches(read_opts, progress, &all, &mut |batch| {
        batch.iter().for_each(&mut *read);
        let texts: Vec<&str> = batch.iter().map(|d| d.text.as_str()).collect();
        if written.is_ok() {
            written = writer.write(&texts);
        }
        lens.extend(texts.iter().map(|t| t.len()));
        headers.extend(batch.into_iter().map(Document::into_header));
    });
    written.map_err(|e| run.failed(e))?;
    if headers.is_empty() {
        return Ok(Streamed {
            docs: headers,
            skipped,
            profile,
            findings: Vec::new(),
            coverage: Vec::new(),
            plan,
        });
    }
    let files: Vec<File> = headers
        .iter()
        .zip(&lens)
        .map(|(d, &len)| File {
            digest: &d.text_sha256,
            len,
        })
        .collect();
    let found = run.finish(&files, profile, opts, timeout, progress)?;
    plan.retried = found.retried;
    drop(files);
    let mut docs = headers;
    read_cited(reader, read_opts, &found.findings, &mut docs)?;
    let mut findings = found.findings;
    drop_numbered_series(&mut findings, |l| &docs[l.doc].text[l.range.clone()]);
    // A text cited only by a dropped series is not held: headers again.
    let cited = cited_docs(&findings);
    for (d, doc) in docs.iter_mut().enumerate() {
        if cited.binary_search(&d).is_err() {
            doc.drop_text();
        }
    }
    add_comparisons(&mut findings, &docs, profile);
    Ok(Streamed {
        docs,
        skipped,
        profile,
        findings,
        coverage: found.coverage,
        plan,
    })
}

/// Reads again the documents that `findings` cite, in place of their headers in `docs`.
fn read_cited(
    reader: &dyn Reader,
    read_opts: &ReadOptions,
    findings: &[Finding],
    docs: &mut [Document],
) -> Result<(), ClusterError> {
    let cited = cited_docs(findings);
    let by_path: HashMap<String, usize> =
        cited.iter().map(|&d| (docs[d].path.clone(), d)).collect();
    let mut again = Vec::new();
    reader.read_batches(read_opts, &(), &|p| by_path.contains_key(p), &mut |batch| {
        again.extend(batch)
    });
    let mut done = vec![false; docs.len()];
    for d in again {
        if let Some(&i) = by_path.get(&d.path)
            && d.sha256 == docs[i].sha256
        {
            docs[i] = d;
            done[i] = true;
        }
    }
    match cited.iter().find(|&&d| !done[d]) {
        None => Ok(()),
        Some(&d) => Err(ClusterError::Changed {
            path: docs[d].path.clone(),
        }),
    }
}

/// The documents that `findings` cite, in order, once each.
fn cited_docs(findings: &[Finding]) -> Vec<usize> {
    let mut cited: Vec<usize> = findings
        .iter()
        .flat_map(|f| f.locations.iter().map(|l| l.doc))
        .collect();
    cited.sort_unstable();
    cited.dedup();
    cited
}

/// Each finding that shows variants, with its comparison (the engine finds without).
fn add_comparisons(findings: &mut [Finding], docs: &[Document], profile: Profile) {
    for f in findings {
        let texts = [
            docs[f.locations[0].doc].text.as_str(),
            docs[f.locations.get(1).map_or(0, |l| l.doc)].text.as_str(),
        ];
        f.comparison = comparison_of(f, texts, profile);
    }
}

/// What a run on `engine` records: its name, and the SQL of each stage (none for local).
fn run_plan(engine: &Engine, profile: Profile, opts: &ScanOptions) -> RunPlan {
    RunPlan {
        engine: engine.to_string(),
        retried: None,
        stages: match engine {
            Engine::Local => Vec::new(),
            _ => plan::sql(&udfs::Params::new(profile, opts).literal())
                .into_iter()
                .map(|(name, sql)| (name.to_string(), sql))
                .collect(),
        },
    }
}

/// A run of the plan on an engine: its work directory, removed when the run is dropped.
struct Run<'e> {
    engine: &'e Engine,
    dir: PathBuf,
}

impl<'e> Run<'e> {
    fn new(engine: &'e Engine, work_dir: Option<&Path>) -> Result<Run<'e>, ClusterError> {
        let base = work_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        Ok(Run {
            engine,
            dir: tempdir_in(&base)?,
        })
    }

    fn failed(&self, e: DataFusionError) -> ClusterError {
        ClusterError::Failed {
            engine: self.engine.to_string(),
            reason: e.to_string(),
        }
    }

    /// The writer of the run's `docs` table.
    fn docs(&self) -> Result<plan::DocsWriter, ClusterError> {
        plan::DocsWriter::new(&self.dir).map_err(|e| self.failed(e))
    }

    /// Runs the plan over the `docs` written (`files[d]`: what the last stage knows of
    /// document `d`), within `timeout`.
    fn finish(
        &self,
        files: &[File],
        profile: Profile,
        opts: &ScanOptions,
        timeout: Option<std::time::Duration>,
        progress: &dyn Progress,
    ) -> Result<plan::Found, ClusterError> {
        let engine = self.engine;
        let failed = |e: DataFusionError| self.failed(e);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| failed(e.into()))?;
        runtime.block_on(async {
            let ctx = context(engine, &self.dir).await?;
            let run = once_more_if_given_twice(|| {
                plan::run(&ctx, &self.dir, files, profile, opts, progress)
            });
            match timeout {
                None => run.await.map_err(failed),
                Some(limit) => match tokio::time::timeout(limit, run).await {
                    Ok(found) => found.map_err(failed),
                    Err(_) => Err(ClusterError::Failed {
                        engine: engine.to_string(),
                        reason: format!("no result within {} s (--timeout)", limit.as_secs()),
                    }),
                },
            }
        })
    }
}

/// Runs `run`, and once more from its first stage if the engine gave a row twice (see
/// [`plan::GIVEN_TWICE`]): the second run's findings, which say why there was one. A second
/// run that meets it too fails with it.
async fn once_more_if_given_twice<F: Future<Output = Result<plan::Found, DataFusionError>>>(
    run: impl Fn() -> F,
) -> Result<plan::Found, DataFusionError> {
    match run().await {
        Err(e) if e.to_string().contains(plan::GIVEN_TWICE) => {
            let mut found = run().await?;
            found.retried = Some(e.to_string());
            Ok(found)
        }
        found => found,
    }
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tempdir_in(base: &Path) -> Result<PathBuf, ClusterError> {
    let failed = |e: std::io::Error| ClusterError::WorkDir {
        dir: base.display().to_string(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(base).map_err(failed)?;
    for n in 0u32.. {
        let dir = base.join(format!("witness-scan-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(failed(e)),
        }
    }
    unreachable!("a free directory name")
}

/// Settings every engine's session shares: the same string types on every engine, sort-merge
/// joins (they spill; hash joins do not). The plan sets the rows per batch of each stage.
fn config(config: SessionConfig) -> SessionConfig {
    // DataFusion plans a sort-merge join only with two partitions or more.
    let mut config = config
        .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get().max(2)));
    let o = config.options_mut();
    o.optimizer.prefer_hash_join = false;
    o.execution.parquet.schema_force_view_types = false;
    o.sql_parser.map_string_types_to_utf8view = false;
    // Each sort holds back 10 MiB by default for its merge, which cannot spill: under a small
    // limit that is what fails ("not enough memory to continue external sort").
    o.execution.sort_spill_reservation_bytes = 1 << 20;
    // What spills is mostly postings (three integers a row): LZ4 cut the 10,000-file corpus's
    // work directory from 412 MB to 296 MB at its peak, for 5% more time. Disk is what a run
    // too large for memory runs out of.
    o.execution.spill_compression = SpillCompression::Lz4Frame;
    config
}

/// Whether the scheduler at `address` accepts connections (within 5 s).
async fn reachable(address: &str) -> Result<(), ClusterError> {
    let unreachable = |reason: String| ClusterError::Unreachable {
        address: address.to_string(),
        reason,
    };
    let connect = tokio::net::TcpStream::connect(address);
    match tokio::time::timeout(std::time::Duration::from_secs(5), connect).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(unreachable(e.to_string())),
        Err(_) => Err(unreachable("no answer within 5 s".into())),
    }
}

/// A Ballista client's settings: [`config`]'s, and the static planner. Ballista's adaptive
/// planner (its default) ignores the choice of sort-merge joins, and a job whose executor
/// died hung under it, where the static planner runs the lost tasks again on the others.
fn ballista_config() -> Result<SessionConfig, ClusterError> {
    let mut cfg = config(SessionConfig::new_with_ballista());
    let set = |cfg: &mut SessionConfig, key: &str, value: &str| {
        cfg.options_mut()
            .set(key, value)
            .map_err(|e| ClusterError::Failed {
                engine: "ballista".into(),
                reason: e.to_string(),
            })
    };
    set(&mut cfg, "ballista.planner.adaptive.enabled", "false")?;
    // A task fetching a dead executor's output retries for 3 × 3 s, longer than the
    // scheduler takes to declare the executor lost (6 s in tests/cluster.rs) and run its
    // tasks again. With 0.5 s retries the fetches failed first, and Ballista 55 then rolled
    // the stage back twice and the job hung (a kill 5 s into a run, reproduced 2 of 2).
    set(&mut cfg, "ballista.client.io_retries_times", "3")?;
    set(&mut cfg, "ballista.client.io_retry_wait_time_ms", "3000")?;
    Ok(cfg)
}

/// How many spill files a sort merges at once under `memory_limit`: each holds a batch in
/// memory that cannot spill, so 2 under a small limit, more (each merge pass rewrites every
/// row it merges: under 1G the 10,000-file corpus took 15.7 s merging 2 at a time, 12.8 s
/// merging 8, 12.5 s merging 32) under a larger one: one per 64 MiB, at most 16.
fn spill_fan_in(memory_limit: usize) -> usize {
    (memory_limit >> 26).clamp(2, 16)
}

async fn context(engine: &Engine, dir: &Path) -> Result<SessionContext, ClusterError> {
    let failed = |e: DataFusionError| ClusterError::Failed {
        engine: engine.to_string(),
        reason: e.to_string(),
    };
    let ctx = match engine {
        Engine::Local => unreachable!("the local engine runs no plan"),
        Engine::Streaming { memory_limit } => {
            let pool = TrackConsumersPool::new(
                FairSpillPool::new(*memory_limit),
                NonZeroUsize::new(5).expect("five"),
            );
            let runtime = RuntimeEnvBuilder::new()
                .with_memory_pool(Arc::new(pool))
                .with_disk_manager_builder(
                    DiskManagerBuilder::default()
                        .with_mode(DiskManagerMode::Directories(vec![dir.join("spill")]))
                        .with_max_spill_merge_fan_in(spill_fan_in(*memory_limit)),
                )
                .build_arc()
                .map_err(failed)?;
            let state = SessionStateBuilder::new()
                .with_default_features()
                .with_config(config(SessionConfig::new()))
                .with_runtime_env(runtime)
                .build();
            SessionContext::new_with_state(state)
        }
        Engine::Standalone => {
            let mut state = SessionStateBuilder::new()
                .with_default_features()
                .with_config(ballista_config()?)
                .build();
            for f in udfs::all() {
                state.register_udf(f).map_err(failed)?;
            }
            SessionContext::standalone_with_state(state)
                .await
                .map_err(failed)?
        }
        Engine::Ballista(address) => {
            // The client connects lazily, at the first query: ask first, for a clear error.
            reachable(address).await?;
            let mut cfg = ballista_config()?;
            cfg.options_mut()
                .set("ballista.client.grpc_connect_timeout_seconds", "5")
                .map_err(failed)?;
            let state = SessionStateBuilder::new()
                .with_default_features()
                .with_config(cfg)
                .build();
            SessionContext::remote_with_state(&format!("df://{address}"), state)
                .await
                .map_err(|e| ClusterError::Unreachable {
                    address: address.clone(),
                    reason: e.to_string(),
                })?
        }
    };
    // Ballista replaces a state's functions with its own list: register witness's on the
    // context, after it is made (the planner must know them).
    for f in udfs::all() {
        ctx.register_udf(f.as_ref().clone());
    }
    Ok(ctx)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// What `once_more_if_given_twice` gives, and how many runs it made, when the runs end in
    /// `ends` in turn (`None`: findings; `Some(e)`: the engine's error `e`).
    fn runs(ends: &[Option<&str>]) -> (Result<Option<String>, String>, usize) {
        let made = AtomicUsize::new(0);
        let run = || async {
            match ends[made.fetch_add(1, Ordering::SeqCst)] {
                None => Ok(plan::Found {
                    findings: Vec::new(),
                    coverage: Vec::new(),
                    retried: None,
                }),
                Some(e) => Err(DataFusionError::Execution(e.into())),
            }
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let found = runtime.block_on(once_more_if_given_twice(run));
        (
            found.map(|f| f.retried).map_err(|e| e.to_string()),
            made.into_inner(),
        )
    }

    #[test]
    fn a_run_given_rows_twice_runs_once_more_and_says_why() {
        let twice = format!("{}: pair 3", plan::GIVEN_TWICE);
        let said = format!("Execution error: {twice}");
        assert_eq!(runs(&[None]), (Ok(None), 1));
        assert_eq!(runs(&[Some(&twice), None]), (Ok(Some(said.clone())), 2));
        // Twice in a row: the error, no third run.
        assert_eq!(runs(&[Some(&twice), Some(&twice)]), (Err(said), 2));
        // Any other failure is the run's failure.
        assert_eq!(
            runs(&[Some("executor lost")]),
            (Err("Execution error: executor lost".into()), 1)
        );
    }
}
