//! A Ballista scheduler and a Ballista executor that know witness's functions: what
//! `witness cluster scheduler` and `witness cluster executor` run. The scheduler plans the
//! client's queries (it must resolve the functions by name), the executors run them.

use std::path::PathBuf;
use std::sync::Arc;

use ballista_core::config::TaskSchedulingPolicy;
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_core::utils::{default_config_producer, default_session_builder};
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion::error::DataFusionError;
use datafusion::execution::SessionState;
use datafusion::logical_expr::registry::FunctionRegistry;
use datafusion::prelude::SessionConfig;
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};

use super::udfs;

/// How a scheduler runs.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Address to listen on.
    pub host: String,
    /// Port to listen on (0: any free port; the line printed when ready says which).
    pub port: u16,
    /// Seconds without a heartbeat after which an executor is dead and its tasks run again
    /// elsewhere.
    pub executor_timeout: u64,
}

/// How an executor runs.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's `HOST:PORT`.
    pub scheduler: String,
    /// Port of the executor's data (Arrow Flight) service.
    pub port: u16,
    /// Port of its control (gRPC) service.
    pub grpc_port: u16,
    /// Tasks it runs at once.
    pub slots: usize,
    /// Where it keeps shuffle files (a directory of its own by default).
    pub work_dir: Option<PathBuf>,
    /// Seconds between heartbeats to the scheduler.
    pub heartbeat: u64,
    /// Bytes its tasks' sorts, joins and aggregations hold at most, in all (they spill the
    /// rest to the work directory); `None`: Ballista's default, 70% of the machine's memory.
    pub memory_limit: Option<u64>,
}

fn external(e: impl std::error::Error + Send + Sync + 'static) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A session that knows DataFusion's functions and witness's.
fn session_with_udfs(config: SessionConfig) -> Result<SessionState, DataFusionError> {
    let mut state = default_session_builder(config)?;
    for f in udfs::all() {
        state.register_udf(f)?;
    }
    Ok(state)
}

/// Runs a scheduler until it is interrupted (Ctrl-C or SIGTERM). Prints
/// `witness scheduler ready on HOST:PORT` once it accepts connections.
pub fn run_scheduler(opts: &SchedulerOptions) -> Result<(), DataFusionError> {
    log_to_stderr();
    runtime()?.block_on(async {
        let mut config = SchedulerConfig::default()
            .with_hostname(&opts.host)
            .with_port(opts.port);
        config.bind_host = opts.host.clone();
        config.executor_timeout_seconds = opts.executor_timeout;
        // Dead executors looked for every second (default 15), and a job fails 5 s after the
        // last one is lost instead of waiting for one to come back (never before an executor
        // can be declared lost: Ballista warns when the grace is shorter than the timeout).
        config.expire_dead_executor_interval_seconds = 1;
        config.no_executors_grace_period_seconds = opts.executor_timeout.max(5);
        config.override_session_builder = Some(Arc::new(session_with_udfs));
        // Executors ask for work (as executors must be told below). Under push-staged, the
        // default, the scheduler kept the slots of tasks of a stage rolled back after an
        // executor was lost, and the survivor got no more work: the job hung.
        config.scheduling_policy = TaskSchedulingPolicy::PullStaged;
        let config = Arc::new(config);
        config.validate().map_err(external)?;
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .map_err(external)?;
        let listener = tokio::net::TcpListener::bind((opts.host.as_str(), opts.port)).await?;
        let address = listener.local_addr()?;
        let server = create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, config)
            .await
            .map_err(external)?;
        println!("witness scheduler ready on {address}");
        until_stopped(async {
            start_grpc_service_with_listener(listener, server)
                .await
                .map_err(external)
        })
        .await
    })
}

/// Runs an executor until it is interrupted or its scheduler goes away. Prints
/// `witness executor started` before it registers with the scheduler.
pub fn run_executor(opts: &ExecutorOptions) -> Result<(), DataFusionError> {
    log_to_stderr();
    let Some((host, port)) = opts.scheduler.rsplit_once(':') else {
        return Err(DataFusionError::Configuration(format!(
            "--scheduler {:?} is not HOST:PORT",
            opts.scheduler
        )));
    };
    let Ok(port) = port.parse::<u16>() else {
        return Err(DataFusionError::Configuration(format!(
            "--scheduler {:?}: {port:?} is not a port",
            opts.scheduler
        )));
    };
    let (work_dir, own) = match &opts.work_dir {
        Some(d) => (d.clone(), false),
        None => {
            let d = std::env::temp_dir().join(format!("witness-executor-{}", std::process::id()));
            std::fs::create_dir_all(&d)?;
            (d, true)
        }
    };
    // The executor decodes each task's plan with this registry: DataFusion's functions (the
    // nested ones included: `struct`, `array_agg`'s lists) and witness's.
    let registry = BallistaFunctionRegistry::from(&session_with_udfs(default_config_producer())?);
    let config = ExecutorProcessConfig {
        bind_host: "127.0.0.1".into(),
        external_host: Some("127.0.0.1".into()),
        port: opts.port,
        grpc_port: opts.grpc_port,
        scheduler_host: host.into(),
        scheduler_port: port,
        scheduler_connect_timeout_seconds: 10,
        vcores: opts.slots,
        work_dir: Some(work_dir.to_string_lossy().into_owned()),
        executor_heartbeat_interval_seconds: opts.heartbeat,
        override_function_registry: Some(Arc::new(registry)),
        task_scheduling_policy: TaskSchedulingPolicy::PullStaged,
        memory_pool_size: opts.memory_limit,
        ..Default::default()
    };
    println!("witness executor started");
    let result = runtime()?.block_on(until_stopped(async {
        start_executor_process(Arc::new(config))
            .await
            .map_err(external)
    }));
    if own {
        let _ = std::fs::remove_dir_all(&work_dir);
    }
    result
}

/// Prints Ballista's log records on standard error: warnings and errors (an executor lost,
/// tasks run again, a job failed), or what `WITNESS_LOG` asks for (`info`, `debug`…).
struct StderrLog(log::LevelFilter);

impl log::Log for StderrLog {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= self.0
    }

    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            eprintln!("{} {}: {}", r.level(), r.target(), r.args());
        }
    }

    fn flush(&self) {}
}

fn log_to_stderr() {
    let level = std::env::var("WITNESS_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(log::LevelFilter::Warn);
    // Once a process: a second call (a test running both) keeps the first.
    if log::set_logger(Box::leak(Box::new(StderrLog(level)))).is_ok() {
        log::set_max_level(level);
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, DataFusionError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Runs `service` until it ends, or Ctrl-C or SIGTERM stops it.
async fn until_stopped(
    service: impl std::future::Future<Output = Result<(), DataFusionError>>,
) -> Result<(), DataFusionError> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = service => r,
            _ = tokio::signal::ctrl_c() => Ok(()),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::select! {
            r = service => r,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    }
}
