//! `witness scan --engine` and `witness cluster scheduler|executor` (feature `cluster`).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use witness::cluster::{self, Engine, ExecutorOptions, RunPlan, SchedulerOptions, Streamed};
use witness::ledger::EngineRef;
use witness::{Files, Profile, ScanOptions};

use super::progress::Reporter;
use super::{CliError, InputArgs, Outcome};

/// Where `witness scan` runs.
#[derive(Args, Debug)]
pub struct EngineArgs {
    /// Where the scan runs: `local` (in memory, the fastest for what fits), `streaming` or
    /// `streaming:SIZE` (an embedded DataFusion engine that holds at most SIZE, e.g. 4G, and
    /// spills the rest to disk), `ballista://HOST:PORT` (a cluster: see `witness cluster`), or
    /// `standalone` (a Ballista scheduler and executor in this process). Every engine gives
    /// the same findings.
    #[arg(long, default_value = "local", value_parser = clap::value_parser!(Engine))]
    pub engine: Engine,
    /// Where an engine keeps the tables of a run (a new directory under it, removed at the
    /// end) [default: the system's temporary directory]. For Ballista, a directory every
    /// executor reads at the same path.
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Fail a run on an engine that has not finished after SECONDS (a cluster that lost an
    /// executor may otherwise wait for it) [default: no limit].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
}

impl EngineArgs {
    /// Scans the documents of `files` on the engine chosen, reading them as the engine takes
    /// them (see [`cluster::scan_reader`]); `None` for the local engine, which reads them all
    /// and scans in memory.
    pub fn stream(
        &self,
        files: &Files,
        input: &InputArgs,
        profile: Profile,
        opts: &ScanOptions,
        progress: &Reporter,
    ) -> Result<Option<(Streamed, Option<EngineRef>)>, CliError> {
        if self.engine == Engine::Local {
            return Ok(None);
        }
        let streamed = cluster::scan_reader(
            files,
            &input.read_options(),
            profile,
            opts,
            &self.engine,
            self.work_dir.as_deref(),
            self.timeout.map(std::time::Duration::from_secs),
            progress,
            // The bars are cleared and drawn again only for a document with something to say.
            &mut |doc| {
                if !doc.warnings.is_empty() {
                    progress.suspend(|| super::warn_document(doc));
                }
            },
        )
        .map_err(|e| CliError::Engine(e.to_string()))?;
        progress.suspend(|| super::warn_skipped(&streamed.skipped));
        if let Some(why) = &streamed.plan.retried {
            let engine = &streamed.plan.engine;
            progress.suspend(|| {
                eprintln!(
                    "witness: warning: {engine} ran the scan twice: the first run failed ({why}); \
                     the report is the second run's, from its first stage (the ledger records why)"
                )
            });
        }
        if streamed.docs.is_empty() {
            return Err(CliError::NothingRead(streamed.skipped.len()));
        }
        let engine = engine_ref(streamed.plan.clone());
        Ok(Some((streamed, engine)))
    }
}

/// What the ledger records of a run: nothing for the local engine.
fn engine_ref(plan: RunPlan) -> Option<EngineRef> {
    (!plan.stages.is_empty()).then(|| EngineRef {
        name: plan.engine,
        retried: plan.retried,
        plan: plan
            .stages
            .iter()
            .map(|(name, sql)| format!("-- {name}\n{sql};\n"))
            .collect(),
    })
}

/// The parts of a Ballista cluster that run witness's scans.
#[derive(Subcommand, Debug)]
pub enum ClusterCommand {
    /// Run a scheduler until interrupted; prints `witness scheduler ready on HOST:PORT` when
    /// it accepts connections.
    Scheduler {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port to listen on (0: any free one).
        #[arg(long, default_value_t = 50050)]
        port: u16,
        /// Seconds without a heartbeat after which an executor is dead and its tasks run again
        /// on the others.
        #[arg(long, default_value_t = 30, value_name = "SECONDS")]
        executor_timeout: u64,
    },
    /// Run an executor that registers with a scheduler, until interrupted.
    Executor {
        /// The scheduler's HOST:PORT.
        #[arg(long, default_value = "127.0.0.1:50050")]
        scheduler: String,
        /// Port of the executor's data (Arrow Flight) service.
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// Port of its control (gRPC) service.
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// Tasks it runs at once [default: the number of cores, at least 2]. With one, a job
        /// that lost another executor can wait forever: Ballista 55 may keep the slot of a
        /// task it stopped (tests/cluster.rs kills an executor with 2 slots each).
        #[arg(long)]
        slots: Option<usize>,
        /// Where it keeps shuffle files [default: a directory of its own, removed at the end].
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        /// Seconds between heartbeats to the scheduler.
        #[arg(long, default_value_t = 5, value_name = "SECONDS")]
        heartbeat: u64,
        /// What its tasks' sorts, joins and aggregations hold at most, in all (512M, 4G…);
        /// they spill the rest to the work directory [default: 70% of the machine's memory,
        /// Ballista's: give each of several executors on one machine its share].
        #[arg(long, value_name = "SIZE", value_parser = memory_limit)]
        memory_limit: Option<u64>,
    },
}

/// `--memory-limit SIZE`.
fn memory_limit(s: &str) -> Result<u64, String> {
    match cluster::parse_size(s) {
        Some(0) | None => Err(format!(
            "`{s}` is not a size: write a number of bytes with K, M or G, such as 512M or 4G"
        )),
        Some(n) => Ok(n as u64),
    }
}

/// Runs a part of a cluster.
pub fn run(command: ClusterCommand) -> Result<Outcome, CliError> {
    let result = match command {
        ClusterCommand::Scheduler {
            host,
            port,
            executor_timeout,
        } => cluster::run_scheduler(&SchedulerOptions {
            host,
            port,
            executor_timeout,
        }),
        ClusterCommand::Executor {
            scheduler,
            port,
            grpc_port,
            slots,
            work_dir,
            heartbeat,
            memory_limit,
        } => cluster::run_executor(&ExecutorOptions {
            scheduler,
            port,
            grpc_port,
            slots: slots.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
            }),
            work_dir,
            heartbeat,
            memory_limit,
        }),
    };
    result.map_err(|e| CliError::Engine(e.to_string()))?;
    Ok(Outcome::Same)
}
