//! Progress of `witness audit` and `witness scan` on stderr, never on stdout: a bar per phase
//! (count/total, rate, ETA) on a terminal, cleared at the end; with `--progress`, a line per
//! phase when it ends (`indexing: 2000 documents in 3.2 s (625/s)`) and one every
//! [`HEARTBEAT`] while a long phase runs, whatever stderr is (CI logs).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use witness::corpus::Reading;
use witness::progress::{Phase, Progress};
use witness::{Corpus, Files, Profile, Reader, Skipped};

use super::{CliError, InputArgs};

/// How often the line form reports a phase that is still running.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// A phase shorter than this gets no rate in its line.
const RATED: Duration = Duration::from_millis(50);

/// How often the bars redraw on their own (the spinner turns, the rate and ETA move even when
/// no item ends).
const TICK: Duration = Duration::from_millis(100);

/// The progress of one command: bars, lines, both or neither.
pub(crate) struct Reporter {
    shared: Arc<Shared>,
    heartbeat: Mutex<Option<JoinHandle<()>>>,
}

struct Shared {
    /// The bar, on a terminal; one for the whole run, reset at each phase.
    bar: Option<ProgressBar>,
    /// The line form (`--progress`).
    lines: bool,
    /// Items done in the current phase.
    done: AtomicU64,
    state: Mutex<State>,
    /// Wakes the heartbeat thread when the run finishes.
    wake: Condvar,
}

#[derive(Default)]
struct State {
    current: Option<Current>,
    finished: bool,
}

struct Current {
    phase: Phase,
    total: Option<u64>,
    started: Instant,
    /// When the line form last wrote a line of this phase (its start, before any).
    last_line: Instant,
}

impl Reporter {
    /// Bars when `bars` (the caller checks that stderr is a terminal), lines when `lines`.
    pub(crate) fn new(bars: bool, lines: bool) -> Reporter {
        let bar = bars.then(|| {
            // Until the first phase: walking the directories (not counted).
            let b = ProgressBar::new_spinner().with_message("listing files");
            b.enable_steady_tick(TICK);
            b
        });
        let shared = Arc::new(Shared {
            bar,
            lines,
            done: AtomicU64::new(0),
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        let heartbeat = lines.then(|| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || shared.beat())
        });
        Reporter {
            shared,
            heartbeat: Mutex::new(heartbeat),
        }
    }

    /// The progress asked for by a command's flags: bars on a terminal unless `quiet`, lines
    /// with `--progress` (even with `--quiet`: asked for by name).
    pub(crate) fn for_command(quiet: bool, progress: bool) -> Reporter {
        use std::io::IsTerminal;
        Reporter::new(!quiet && std::io::stderr().is_terminal(), progress)
    }

    /// Runs `f`, which writes to stderr, with the bar out of its way.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.shared.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }
}

/// The lock, even if a thread panicked holding it (progress is never worth a second panic).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Writes a line on stderr, above the bar when there is one.
    fn line(&self, text: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    /// The line of a phase that has ended.
    fn end(&self, c: &Current, now: Instant) {
        if self.lines {
            let done = self.done.load(Ordering::Relaxed);
            self.line(&ended(c.phase, c.total, done, now - c.started));
        }
    }

    /// The heartbeat thread of the line form: a line for a phase running for another
    /// [`HEARTBEAT`], until the run finishes.
    fn beat(&self) {
        let mut state = lock(&self.state);
        while !state.finished {
            state = self
                .wake
                .wait_timeout(state, Duration::from_millis(500))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            if state.finished {
                break;
            }
            let now = Instant::now();
            if let Some(c) = state
                .current
                .as_mut()
                .filter(|c| now - c.last_line >= HEARTBEAT)
            {
                c.last_line = now;
                let done = self.done.load(Ordering::Relaxed);
                self.line(&running(c.phase, c.total, done, now - c.started));
            }
        }
    }
}

impl Progress for Reporter {
    fn phase(&self, phase: Phase, total: Option<u64>) {
        let s = &self.shared;
        let mut state = lock(&s.state);
        let now = Instant::now();
        if let Some(c) = state.current.take() {
            s.end(&c, now);
        }
        s.done.store(0, Ordering::Relaxed);
        state.current = Some(Current {
            phase,
            total,
            started: now,
            last_line: now,
        });
        if let Some(b) = &s.bar {
            // The new style and length before the one frame that `reset` draws (each setter
            // of the prefix, message or length would draw one of its own, half updated). A
            // phase without a total keeps the last length, which its style does not show.
            b.set_style(style(phase, total));
            b.update(|state| {
                if let Some(n) = total {
                    state.set_len(n);
                }
            });
            b.reset();
            // At least one frame per phase, however short (`reset` may be rate-limited).
            b.force_draw();
        }
    }

    fn advance(&self, n: u64) {
        let s = &self.shared;
        s.done.fetch_add(n, Ordering::Relaxed);
        if let Some(b) = &s.bar {
            b.inc(n);
        }
    }

    fn finish(&self) {
        let s = &self.shared;
        {
            let mut state = lock(&s.state);
            if state.finished {
                return;
            }
            if let Some(c) = state.current.take() {
                s.end(&c, Instant::now());
            }
            state.finished = true;
        }
        s.wake.notify_all();
        if let Some(b) = &s.bar {
            b.finish_and_clear();
        }
        if let Some(h) = lock(&self.heartbeat).take() {
            let _ = h.join();
        }
    }
}

impl Drop for Reporter {
    /// A run cut short (an error) still ends its phase and clears its bar.
    fn drop(&mut self) {
        self.finish();
    }
}

/// The bar of a phase: its count and total, rate and ETA when it counts with a total; its
/// count and rate when the total is unknown; the time spent when it counts nothing.
fn style(phase: Phase, total: Option<u64>) -> ProgressStyle {
    let (name, unit) = (phase.name(), phase.unit());
    let template = match (unit, total) {
        ("", _) => format!("{{spinner}} {name} · {{elapsed}}"),
        (_, Some(_)) => format!(
            "{{spinner}} {name} [{{wide_bar}}] {{human_pos}}/{{human_len}} {unit} · {{per_sec:1}} · ETA {{eta}}"
        ),
        (_, None) => {
            format!("{{spinner}} {name} {{human_pos}} {unit} · {{per_sec:1}} · {{elapsed}}")
        }
    };
    ProgressStyle::with_template(&template)
        .expect("the templates are valid")
        .progress_chars("=> ")
}

/// `1 file`, `5 files`, or `3/5 files` when the phase ended short of its total.
fn count(phase: Phase, total: Option<u64>, done: u64) -> String {
    match total {
        Some(t) if t != done => format!("{done}/{}", phase.count(t)),
        _ => phase.count(done),
    }
}

/// Items per second, to two or three significant figures.
fn rate(done: u64, took: Duration) -> String {
    let r = done as f64 / took.as_secs_f64().max(1e-6);
    if r >= 10.0 {
        format!("{r:.0}/s")
    } else {
        format!("{r:.1}/s")
    }
}

/// The line of a phase that has ended: `indexing: 2000 documents in 3.2 s (625/s)`, or
/// `writing the report: 0.4 s` for a phase that counts nothing.
fn ended(phase: Phase, total: Option<u64>, done: u64, took: Duration) -> String {
    let secs = took.as_secs_f64();
    let counted = count(phase, total, done);
    match phase.unit() {
        "" => format!("{}: {secs:.1} s", phase.name()),
        // Too short for a rate to mean anything.
        _ if took < RATED => format!("{}: {counted} in {secs:.1} s", phase.name()),
        _ => format!(
            "{}: {counted} in {secs:.1} s ({})",
            phase.name(),
            rate(done, took)
        ),
    }
}

/// The line of a phase still running: `shared passages: 1200/2000 documents after 20 s
/// (60/s, about 13 s left)`.
fn running(phase: Phase, total: Option<u64>, done: u64, took: Duration) -> String {
    let secs = took.as_secs_f64();
    let per_sec = done as f64 / secs.max(1e-6);
    match (phase.unit(), total) {
        ("", _) => format!("{}: {secs:.0} s so far", phase.name()),
        (unit, Some(t)) => {
            let left = match done {
                0 => String::new(),
                _ => format!(
                    ", about {:.0} s left",
                    t.saturating_sub(done) as f64 / per_sec
                ),
            };
            format!(
                "{}: {done}/{t} {unit} after {secs:.0} s ({}{left})",
                phase.name(),
                rate(done, took)
            )
        }
        (_, None) => format!(
            "{}: {} after {secs:.0} s ({})",
            phase.name(),
            phase.count(done),
            rate(done, took)
        ),
    }
}

/// Reads a corpus in the phase [`Phase::Reading`] of `progress`; files that cannot be read are
/// named on stderr (with the bar out of the way). Nothing read is an error. (`read_corpus`,
/// with progress.)
pub(super) fn read_corpus(
    progress: &Reporter,
    files: &Files,
    input: &InputArgs,
    profile: Profile,
) -> Result<(Corpus, Vec<Skipped>), CliError> {
    let Reading { docs, skipped } = files.read_with_progress(&input.read_options(), progress);
    let corpus = Corpus::new(docs, profile);
    progress.suspend(|| {
        super::warn_skipped(&skipped);
        corpus.docs().iter().for_each(super::warn_document);
    });
    if corpus.is_empty() {
        return Err(CliError::NothingRead(skipped.len()));
    }
    Ok((corpus, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_count_time_and_rate() {
        let s = Duration::from_secs_f64;
        assert_eq!(
            ended(Phase::Indexing, Some(2000), 2000, s(3.2)),
            "indexing: 2000 documents in 3.2 s (625/s)"
        );
        assert_eq!(
            ended(Phase::Comparing, Some(1), 1, s(0.5)),
            "comparing witnesses: 1 pair in 0.5 s (2.0/s)"
        );
        assert_eq!(
            ended(Phase::Reading, Some(5), 3, s(1.0)),
            "reading: 3/5 files in 1.0 s (3.0/s)"
        );
        assert_eq!(
            ended(Phase::Writing, None, 0, s(0.44)),
            "writing the report: 0.4 s"
        );
        assert_eq!(
            ended(Phase::Merging, Some(89), 89, s(0.0003)),
            "merging findings: 89 passages in 0.0 s"
        );
        assert_eq!(
            running(Phase::SharedPassages, Some(2000), 1200, s(20.0)),
            "shared passages: 1200/2000 documents after 20 s (60/s, about 13 s left)"
        );
        assert_eq!(
            running(Phase::Errata, Some(4), 0, s(10.0)),
            "building errata: 0/4 targets after 10 s (0.0/s)"
        );
        assert_eq!(
            running(Phase::Writing, None, 0, s(12.0)),
            "writing the report: 12 s so far"
        );
    }

    #[test]
    fn every_style_is_a_valid_template() {
        for phase in [Phase::Reading, Phase::Writing] {
            for total in [None, Some(3)] {
                style(phase, total);
            }
        }
    }

    #[test]
    fn an_inert_reporter_counts_and_finishes_once() {
        let r = Reporter::new(false, false);
        r.phase(Phase::Reading, Some(2));
        r.advance(1);
        r.advance(1);
        assert_eq!(r.shared.done.load(Ordering::Relaxed), 2);
        r.finish();
        r.finish();
        assert!(lock(&r.shared.state).finished);
    }
}
