//! `witness snapshot` and `witness review`: document snapshots, the insta way.

use std::io::{BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::Args;

use witness::snapshot::{self, Check, SnapshotError, Store};
use witness::{DiffOptions, ExtractOptions, Profile, diff};

use super::{CliError, Color, InputArgs, Outcome, choice, ledger, write_stdout};

/// Where snapshots are kept unless `--dir` says otherwise.
const DEFAULT_DIR: &str = "snapshots";

/// `witness snapshot`.
#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// The document, or two documents to compare (files, ledger IDs, or `-` for the standard
    /// input with --name).
    #[arg(
        num_args = 1..=2,
        required_unless_present_any = ["accept", "reject"],
        conflicts_with_all = ["accept", "reject"]
    )]
    files: Vec<PathBuf>,
    /// The directory of the snapshots (NAME.snap accepted, NAME.snap.new pending).
    #[arg(long, default_value = DEFAULT_DIR, value_name = "DIR")]
    dir: PathBuf,
    /// The snapshot's name [default: the file name; for two files, A__B].
    #[arg(long, value_name = "NAME", conflicts_with_all = ["accept", "reject"])]
    name: Option<String>,
    /// For a comparison: the folding rules used for alignment and the CER [default: loose].
    #[arg(long, value_parser = choice::<Profile>(), conflicts_with_all = ["accept", "reject"])]
    profile: Option<Profile>,
    /// Accept pending snapshots (NAME.snap.new becomes NAME.snap): those named, or all.
    #[arg(long, num_args = 0.., value_name = "NAME", conflicts_with = "reject")]
    accept: Option<Vec<String>>,
    /// Reject pending snapshots (NAME.snap.new is deleted): those named, or all.
    #[arg(long, num_args = 0.., value_name = "NAME")]
    reject: Option<Vec<String>>,
    #[command(flatten)]
    input: InputArgs,
}

/// `witness review`.
#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// The directory of the snapshots.
    #[arg(long, default_value = DEFAULT_DIR, value_name = "DIR")]
    dir: PathBuf,
    /// Colour in the diffs.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// Compares a document's or a comparison's snapshot with the accepted one, writing a pending
/// one when it is new or differs; or, with `--accept`/`--reject`, settles pending ones.
pub fn snapshot(at: &Option<PathBuf>, args: SnapshotArgs) -> Result<Outcome, CliError> {
    let store = Store::new(&args.dir);
    if let Some(names) = &args.accept {
        return settle(&store, names, true);
    }
    if let Some(names) = &args.reject {
        return settle(&store, names, false);
    }
    if args.profile.is_some() && args.files.len() == 1 {
        return Err(CliError::Usage(
            "--profile applies to a comparison of two files; leave it out for one document".into(),
        ));
    }
    let files: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
    let name = match &args.name {
        Some(name) => name.clone(),
        None => snapshot::name_for(&files).ok_or_else(|| {
            CliError::Usage(
                "the standard input (-) has no file name to name its snapshot; give one with --name NAME"
                    .into(),
            )
        })?,
    };
    snapshot::check_name(&name).map_err(usage)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let read = args.input.read_options();
    let (mut docs, mut shown_files) = (Vec::new(), Vec::new());
    for file in &files {
        let mut doc = ledger::load(file, &read, at)?;
        let given = file.display().to_string();
        // A file is shown relative to here, never by an absolute path: snapshots are committed
        // and compared on other machines. The standard input and ledger IDs stay as given.
        if doc.path == given {
            doc.path = snapshot::shown_path(file, &cwd);
            shown_files.push(doc.path.clone());
        } else {
            shown_files.push(given);
        }
        docs.push(doc);
    }
    let command = command_line(&args, &shown_files);
    let rendered = match docs.as_slice() {
        [doc] => snapshot::document(doc, &command),
        [a, b] => {
            let profile = args.profile.unwrap_or(DiffOptions::default().profile);
            snapshot::comparison(&diff(a, b, &DiffOptions { profile }), &command)
        }
        _ => {
            return Err(CliError::Usage(
                "give one document, or two to compare".into(),
            ));
        }
    };
    let ci = in_ci(std::env::var_os("CI").as_deref());
    let (state, old, old_label) = match store.check(&name, &rendered).map_err(usage)? {
        Check::Matches => {
            // A pending snapshot left from an earlier run is out of date now.
            if !ci {
                store.discard(&name).map_err(usage)?;
            }
            write_stdout(&format!("snapshot {name}: matches\n"))?;
            return Ok(Outcome::Same);
        }
        Check::New => ("new", String::new(), "(no snapshot)".to_string()),
        Check::Changed { old } => ("changed", old, shown(&store.accepted(&name))),
    };
    let pending = shown(&store.pending(&name));
    let mut out = format!("snapshot {name}: {state}\n");
    out += &snapshot::unified_diff(&old, &rendered, &old_label, &pending, args.input.color());
    if ci {
        out += &format!(
            "snapshot {name}: nothing written because CI is set; run witness snapshot without CI and accept the result\n"
        );
    } else {
        store.write_pending(&name, &rendered).map_err(usage)?;
        let again = dir_flag(&args.dir);
        out += &format!(
            "snapshot {name}: written to {pending}; accept it with `witness review{again}` or `witness snapshot{again} --accept {}`\n",
            quote(&name)
        );
    }
    write_stdout(&out)?;
    Ok(Outcome::Differ)
}

/// `--accept` or `--reject`: every name is checked before anything is done.
fn settle(store: &Store, names: &[String], accept: bool) -> Result<Outcome, CliError> {
    let chosen = store.select(names).map_err(usage)?;
    if chosen.is_empty() {
        write_stdout(&format!("no pending snapshots in {}\n", shown(store.dir())))?;
        return Ok(Outcome::Same);
    }
    // Each line as it is done: a failure half-way leaves what was done said.
    for name in &chosen {
        write_stdout(&match accept {
            true => {
                let path = store.accept(name).map_err(usage)?;
                format!("snapshot {name}: accepted as {}\n", shown(&path))
            }
            false => {
                let path = store.reject(name).map_err(usage)?;
                format!("snapshot {name}: rejected, {} deleted\n", shown(&path))
            }
        })?;
    }
    Ok(Outcome::Same)
}

/// Walks the pending snapshots in the terminal: accept, reject, skip, diff again, quit.
pub fn review(args: ReviewArgs) -> Result<Outcome, CliError> {
    let store = Store::new(&args.dir);
    let names = store.pending_names().map_err(usage)?;
    if names.is_empty() {
        write_stdout(&format!("no pending snapshots in {}\n", shown(store.dir())))?;
        return Ok(Outcome::Same);
    }
    if !std::io::stdin().is_terminal() {
        let again = dir_flag(&args.dir);
        return Err(CliError::Usage(format!(
            "witness review reads keys from a terminal, and its standard input is not one; in a script, run `witness snapshot{again} --accept [NAME...]` or `witness snapshot{again} --reject [NAME...]`"
        )));
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let mut keys = Keys::open();
    let (mut accepted, mut rejected, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    'review: for (i, name) in names.iter().enumerate() {
        let shown_diff = show(&store, name, i, names.len(), color)?;
        write_stdout(&shown_diff)?;
        loop {
            write_stdout("a accept, r reject, s skip, d diff again, q quit > ")?;
            let key = keys.next().map_err(|e| {
                CliError::Usage(format!("cannot read a key from the terminal: {e}"))
            })?;
            // Raw mode does not echo: say which key was taken.
            if keys.raw {
                write_stdout(&format!(
                    "{}\n",
                    key.filter(char::is_ascii_graphic).unwrap_or(' ')
                ))?;
            }
            match key {
                Some('a') => {
                    store.accept(name).map_err(usage)?;
                    write_stdout(&format!("snapshot {name}: accepted\n\n"))?;
                    accepted.push(name.as_str());
                }
                Some('r') => {
                    store.reject(name).map_err(usage)?;
                    write_stdout(&format!("snapshot {name}: rejected\n\n"))?;
                    rejected.push(name.as_str());
                }
                Some('s') => {
                    write_stdout(&format!("snapshot {name}: skipped\n\n"))?;
                    skipped.push(name.as_str());
                }
                Some('d') => {
                    write_stdout(&shown_diff)?;
                    continue;
                }
                // Ctrl-C and Ctrl-D arrive as keys in raw mode; the end of input is a quit too.
                Some('q' | '\u{3}' | '\u{4}') | None => {
                    skipped.extend(names[i..].iter().map(String::as_str));
                    write_stdout("\n")?;
                    break 'review;
                }
                Some(_) => {
                    write_stdout(
                        "press a to accept, r to reject, s to skip, d to see the diff again, q to quit\n",
                    )?;
                    continue;
                }
            }
            break;
        }
    }
    let mut out = format!(
        "review: {} accepted, {} rejected, {} skipped\n",
        accepted.len(),
        rejected.len(),
        skipped.len()
    );
    for (what, names) in [
        ("accepted", &accepted),
        ("rejected", &rejected),
        ("skipped, still pending", &skipped),
    ] {
        if !names.is_empty() {
            out += &format!("  {what}: {}\n", names.join(", "));
        }
    }
    write_stdout(&out)?;
    Ok(Outcome::Same)
}

/// The heading and diff of the pending snapshot `name`, the `i`-th of `n`: against the
/// accepted one, or its whole content when it is new.
fn show(store: &Store, name: &str, i: usize, n: usize, color: bool) -> Result<String, CliError> {
    let new = store.read_pending(name).map_err(usage)?;
    let (state, old, old_label) = match store.read_accepted(name).map_err(usage)? {
        Some(old) => ("changed", old, shown(&store.accepted(name))),
        None => ("new", String::new(), "(no snapshot)".to_string()),
    };
    let pending = shown(&store.pending(name));
    Ok(format!("[{}/{n}] snapshot {name}: {state}\n", i + 1)
        + &snapshot::unified_diff(&old, &new, &old_label, &pending, color))
}

/// The keys a person presses, read from the terminal on standard input: one at a time,
/// without Enter and without echo, where the terminal allows it; else the first character of
/// each line.
struct Keys {
    /// One key at a time.
    raw: bool,
    /// The terminal's settings before, restored on drop.
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl Keys {
    fn open() -> Keys {
        #[cfg(unix)]
        {
            let saved = raw_mode();
            Keys {
                raw: saved.is_some(),
                saved,
            }
        }
        #[cfg(not(unix))]
        Keys { raw: false }
    }

    /// The next key, or `None` at the end of the input.
    fn next(&mut self) -> std::io::Result<Option<char>> {
        let mut stdin = std::io::stdin().lock();
        if self.raw {
            let mut byte = [0u8];
            return Ok((stdin.read(&mut byte)? == 1).then_some(char::from(byte[0])));
        }
        let mut line = String::new();
        if stdin.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim().chars().next().unwrap_or('\n')))
    }
}

#[cfg(unix)]
impl Drop for Keys {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restores settings that tcgetattr read from the same descriptor.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved) };
        }
    }
}

/// Puts the terminal on standard input in non-canonical mode without echo, returning its
/// settings before; `None` when it cannot.
#[cfg(unix)]
fn raw_mode() -> Option<libc::termios> {
    // SAFETY: termios is plain data, which tcgetattr fills for a valid descriptor.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: standard input is a descriptor, and `saved` a live termios.
    if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut saved) } != 0 {
        return None;
    }
    let mut raw = saved;
    // ISIG off too: Ctrl-C then arrives as a key (quit), instead of killing the process with
    // the terminal left without echo.
    raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
    raw.c_cc[libc::VMIN] = 1;
    raw.c_cc[libc::VTIME] = 0;
    // SAFETY: as for tcgetattr.
    (unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) } == 0).then_some(saved)
}

/// insta's rule: `CI` set to anything but empty, `0` or `false` means a CI run, where nothing
/// is written.
fn in_ci(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The command that makes the snapshot again, as a user would type it: the reading options
/// that differ from the defaults, then the files as the snapshot shows them.
fn command_line(args: &SnapshotArgs, files: &[String]) -> String {
    let read = args.input.read_options();
    let default = ExtractOptions::default();
    let mut words: Vec<String> = vec!["witness".into(), "snapshot".into()];
    let mut flag = |name: &str, value: Option<&str>| {
        words.push(format!("--{name}"));
        words.extend(value.map(str::to_string));
    };
    if let Some(label) = &read.encoding {
        flag("encoding", Some(label));
    }
    if read.lossy {
        flag("lossy", None);
    }
    if let Some(format) = read.extract.format {
        flag("input-format", Some(format.name()));
    }
    if read.extract.page_level != default.page_level {
        flag("page-level", Some(read.extract.page_level.name()));
    }
    for regex in &read.ignore {
        flag("ignore", Some(regex.as_str()));
    }
    if read.extract.reading != default.reading {
        flag("reading", Some(read.extract.reading.name()));
    }
    if read.extract.revision != default.revision {
        flag("revision", Some(read.extract.revision.name()));
    }
    if read.extract.notes {
        flag("notes", None);
    }
    if let Some(profile) = args
        .profile
        .filter(|p| *p != DiffOptions::default().profile)
    {
        flag("profile", Some(profile.name()));
    }
    words.extend(files.iter().cloned());
    words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
}

/// A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "_-./:=@%+,".contains(c));
    match plain {
        true => word.to_string(),
        false => format!("'{}'", word.replace('\'', r"'\''")),
    }
}

/// ` --dir DIR` when the snapshots are not in the default directory, for the commands a
/// message suggests.
fn dir_flag(dir: &Path) -> String {
    match dir == Path::new(DEFAULT_DIR) {
        true => String::new(),
        false => format!(" --dir {}", quote(&dir.display().to_string())),
    }
}

/// A path as messages show it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn usage(e: SnapshotError) -> CliError {
    CliError::Usage(e.to_string())
}
