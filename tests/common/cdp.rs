//! A small client of the Chrome DevTools Protocol, for driving headless Chromium from tests
//! and benchmarks: clicks and keys sent as input events, reloads, viewport widths, downloads,
//! screenshots, and a record of every network request a page makes.
//!
//! The browser is started with `--remote-debugging-pipe`: it reads commands from its file
//! descriptor 3 and writes responses and events to its file descriptor 4, each message one
//! JSON object followed by a NUL byte. A reader thread splits what the browser writes into
//! messages; commands wait for their response, and events are kept until something asks for
//! them. Every wait has a deadline, so a test fails instead of hanging.
//!
//! Shared by `tests/report_browser.rs` and `benches/report_scale.rs`
//! (`#[path = "../tests/common/cdp.rs"] mod cdp;`).
#![allow(dead_code)] // each user takes its own part

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a command, a load or a download may take unless told otherwise.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The viewport height used with [`Page::set_width`].
pub const HEIGHT: u32 = 900;

/// The flags of a headless Chromium in a closed sandbox, every test's (a user-data directory
/// of its own comes with each launch).
pub const HEADLESS: [&str; 7] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// Chromium, or `None` outside CI when it is not installed (CI installs it: see `.ci/run`).
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium: .ci/run installs it"
        );
        eprintln!("skipped: no Chromium on this machine (apt-get install chromium)");
    }
    found
}

/// One message from the browser: a response (`id`) or an event (`method`), with the session
/// it belongs to (`None`: the browser itself).
#[derive(Debug, Clone)]
pub struct Event {
    /// `Page.loadEventFired`…
    pub method: String,
    /// Its parameters.
    pub params: Value,
    /// The session it came from.
    pub session: Option<String>,
}

/// What the connection has received and not yet handed out.
struct Conn {
    to_browser: std::io::PipeWriter,
    from_browser: Receiver<Value>,
    next_id: u64,
    events: VecDeque<Event>,
}

/// A headless Chromium driven over its pipe; killed when dropped.
pub struct Browser {
    child: Child,
    conn: RefCell<Conn>,
    timeout: Cell<Duration>,
    profile: tempfile::TempDir,
    downloads: tempfile::TempDir,
    downloads_on: Cell<bool>,
}

/// A tab: a target of the browser and the session attached to it.
pub struct Page<'b> {
    browser: &'b Browser,
    target: String,
    session: String,
    /// Every URL the page asked for (`Network.requestWillBeSent`), in order.
    requests: RefCell<Vec<String>>,
    /// Console messages, uncaught exceptions and browser log entries (policy violations
    /// among them), as `level: text`.
    log: RefCell<Vec<String>>,
    url: RefCell<String>,
}

/// A file the page downloaded.
#[derive(Debug, Clone)]
pub struct Download {
    /// Where the browser wrote it.
    pub path: PathBuf,
    /// The name the page gave it.
    pub suggested: String,
    /// The URL it came from (`blob:…`, `data:…`).
    pub url: String,
}

impl Browser {
    /// Starts headless Chromium; `None` when it is not installed (outside CI: see
    /// [`chromium`]).
    pub fn launch() -> Option<Browser> {
        let exe = chromium()?;
        Some(Browser::launch_with(&exe, &[]))
    }

    /// Starts `exe` headless with the flags a closed sandbox needs, and `extra`.
    pub fn launch_with(exe: &Path, extra: &[&str]) -> Browser {
        let profile = tempfile::tempdir().expect("a temporary profile directory");
        let downloads = tempfile::tempdir().expect("a temporary download directory");
        // Browser reads commands from fd 3 and writes to fd 4.
        let (browser_reads, to_browser) = std::io::pipe().expect("a pipe");
        let (from_browser, browser_writes) = std::io::pipe().expect("a pipe");
        let (r, w) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
        let log = std::fs::File::create(profile.path().join("chromium.log")).expect("log file");
        let mut cmd = Command::new(exe);
        cmd.args(HEADLESS)
            .args([
                "--remote-debugging-pipe",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--mute-audio",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        // SAFETY: between fork and exec only async-signal-safe calls (fcntl, dup2). Both
        // ends are first copied above 10 (close-on-exec), so that neither can be overwritten
        // by the other's dup2 onto 3 or 4; the copies at 3 and 4 are inherited.
        unsafe {
            cmd.pre_exec(move || {
                let r2 = libc::fcntl(r, libc::F_DUPFD_CLOEXEC, 10);
                let w2 = libc::fcntl(w, libc::F_DUPFD_CLOEXEC, 10);
                if r2 < 0 || w2 < 0 || libc::dup2(r2, 3) < 0 || libc::dup2(w2, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
        // The browser's ends belong to it now: our copies must go, or we would never see
        // the pipe close when it exits.
        drop(browser_reads);
        drop(browser_writes);
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 20, from_browser);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if buf.last() == Some(&0) {
                    buf.pop();
                }
                let Ok(message) = serde_json::from_slice::<Value>(&buf) else {
                    continue;
                };
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Browser {
            child,
            conn: RefCell::new(Conn {
                to_browser,
                from_browser: rx,
                next_id: 1,
                events: VecDeque::new(),
            }),
            timeout: Cell::new(TIMEOUT),
            profile,
            downloads,
            downloads_on: Cell::new(false),
        }
    }

    /// Sets how long commands and waits may take from now on.
    pub fn set_timeout(&self, timeout: Duration) {
        self.timeout.set(timeout);
    }

    /// The last lines of what the browser wrote on stderr, for failure messages.
    pub fn log_tail(&self) -> String {
        let log =
            std::fs::read_to_string(self.profile.path().join("chromium.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Sends `method` with `params` (to `session`, or to the browser) and waits for its
    /// result; an error response fails the caller.
    pub fn call(&self, session: Option<&str>, method: &str, params: Value) -> Value {
        match self.try_call(session, method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method}: {e}"),
        }
    }

    /// [`Browser::call`], returning the protocol's error instead of failing.
    pub fn try_call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        let mut conn = self.conn.borrow_mut();
        let id = conn.next_id;
        conn.next_id += 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&message).expect("JSON");
        bytes.push(0);
        conn.to_browser
            .write_all(&bytes)
            .unwrap_or_else(|e| panic!("{method}: the browser's pipe is closed ({e})"));
        let deadline = Instant::now() + self.timeout.get();
        loop {
            let message = self.receive(&mut conn, deadline, method);
            if message.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = message.get("error") {
                    return Err(error.to_string());
                }
                return Ok(message.get("result").cloned().unwrap_or(Value::Null));
            }
            Self::keep(&mut conn, message);
        }
    }

    /// Waits for the next message, failing at `deadline` (with what was awaited) or when the
    /// browser is gone.
    fn receive(&self, conn: &mut Conn, deadline: Instant, awaited: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match conn.from_browser.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!(
                "timed out after {:?} waiting for {awaited}; browser log:\n{}",
                self.timeout.get(),
                self.log_tail()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "the browser closed its pipe while waiting for {awaited}; browser log:\n{}",
                self.log_tail()
            ),
        }
    }

    /// Keeps an event for whoever waits for it (responses to nobody are dropped).
    fn keep(conn: &mut Conn, message: Value) {
        if let Some(method) = message.get("method").and_then(Value::as_str) {
            conn.events.push_back(Event {
                method: method.to_string(),
                params: message.get("params").cloned().unwrap_or(Value::Null),
                session: message
                    .get("sessionId")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
    }

    /// Takes every event received so far (reading what the pipe holds without waiting).
    fn drain(&self) -> Vec<Event> {
        let mut conn = self.conn.borrow_mut();
        while let Ok(message) = conn.from_browser.try_recv() {
            Self::keep(&mut conn, message);
        }
        conn.events.drain(..).collect()
    }

    /// Waits for the first event that `wanted` accepts, and returns it; the events before it
    /// are handed to `seen` (which keeps what it needs) and dropped.
    fn wait_event(
        &self,
        what: &str,
        timeout: Duration,
        mut seen: impl FnMut(&Event),
        mut wanted: impl FnMut(&Event) -> bool,
    ) -> Event {
        let deadline = Instant::now() + timeout;
        loop {
            let next = self.conn.borrow_mut().events.pop_front();
            let event = match next {
                Some(e) => e,
                None => {
                    let mut conn = self.conn.borrow_mut();
                    let message = self.receive(&mut conn, deadline, what);
                    Self::keep(&mut conn, message);
                    continue;
                }
            };
            seen(&event);
            if wanted(&event) {
                return event;
            }
        }
    }

    /// Opens `url` in a new tab and waits for its load event. Page, network, runtime and log
    /// events are on before it starts loading, so the record of requests is complete.
    pub fn page(&self, url: &str) -> Page<'_> {
        let page = self.blank_page();
        page.goto(url);
        page
    }

    /// A new tab on `about:blank`, attached, with its events on.
    pub fn blank_page(&self) -> Page<'_> {
        let target =
            self.call(None, "Target.createTarget", json!({"url": "about:blank"}))["targetId"]
                .as_str()
                .expect("targetId")
                .to_string();
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        )["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        let page = Page {
            browser: self,
            target,
            session,
            requests: RefCell::new(Vec::new()),
            log: RefCell::new(Vec::new()),
            url: RefCell::new("about:blank".into()),
        };
        for domain in ["Page", "Network", "Runtime", "Log", "Performance"] {
            page.call(&format!("{domain}.enable"), json!({}));
        }
        page.set_width(1280);
        // The blank page has loaded before its events were on; what it may still send is
        // dropped here, so that a wait for a load is a wait for ours.
        page.wait_until("document.readyState === 'complete'", self.timeout.get());
        page.absorb();
        page
    }

    /// Lets the page download files into the browser's download directory.
    fn allow_downloads(&self) {
        if !self.downloads_on.replace(true) {
            self.call(
                None,
                "Browser.setDownloadBehavior",
                json!({
                    "behavior": "allow",
                    "downloadPath": self.downloads.path(),
                    "eventsEnabled": true,
                }),
            );
        }
    }

    /// The directory downloads go to.
    pub fn download_dir(&self) -> &Path {
        self.downloads.path()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JavaScript string literal of `s`.
pub fn js_string(s: &str) -> String {
    serde_json::to_string(s).expect("JSON")
}

/// A key as `Input.dispatchKeyEvent` describes it: (key, code, virtual key code, text).
fn key_description(key: &str) -> (String, String, i64, String) {
    match key {
        "Enter" => ("Enter".into(), "Enter".into(), 13, "\r".into()),
        "Tab" => ("Tab".into(), "Tab".into(), 9, String::new()),
        "Escape" => ("Escape".into(), "Escape".into(), 27, String::new()),
        "Backspace" => ("Backspace".into(), "Backspace".into(), 8, String::new()),
        "ArrowDown" => ("ArrowDown".into(), "ArrowDown".into(), 40, String::new()),
        "ArrowUp" => ("ArrowUp".into(), "ArrowUp".into(), 38, String::new()),
        " " => (" ".into(), "Space".into(), 32, " ".into()),
        k if k.chars().count() == 1 => {
            let c = k.chars().next().unwrap();
            let (code, vk) = if c.is_ascii_alphabetic() {
                let up = c.to_ascii_uppercase();
                (format!("Key{up}"), i64::from(up as u8))
            } else if c.is_ascii_digit() {
                (format!("Digit{c}"), i64::from(c as u8))
            } else {
                (String::new(), 0)
            };
            (k.into(), code, vk, k.into())
        }
        other => panic!("no description of the key {other:?}"),
    }
}

impl Page<'_> {
    /// Sends a command to this page's session.
    pub fn call(&self, method: &str, params: Value) -> Value {
        self.browser.call(Some(&self.session), method, params)
    }

    /// The browser this page belongs to.
    pub fn browser(&self) -> &Browser {
        self.browser
    }

    /// Files this page's events (requests, log) and returns whether the event is its own.
    fn note(&self, e: &Event) -> bool {
        if e.session.as_deref() != Some(self.session.as_str()) {
            return false;
        }
        match e.method.as_str() {
            "Network.requestWillBeSent" => {
                if let Some(url) = e.params["request"]["url"].as_str() {
                    self.requests.borrow_mut().push(url.to_string());
                }
            }
            "Runtime.consoleAPICalled" => {
                let text: Vec<String> = e.params["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| match &a["value"] {
                        Value::String(s) => s.clone(),
                        Value::Null => a["description"].as_str().unwrap_or("").to_string(),
                        v => v.to_string(),
                    })
                    .collect();
                let level = e.params["type"].as_str().unwrap_or("log");
                self.log
                    .borrow_mut()
                    .push(format!("console.{level}: {}", text.join(" ")));
            }
            "Runtime.exceptionThrown" => {
                let d = &e.params["exceptionDetails"];
                let text = d["exception"]["description"]
                    .as_str()
                    .or(d["text"].as_str())
                    .unwrap_or("exception");
                self.log.borrow_mut().push(format!("exception: {text}"));
            }
            "Log.entryAdded" => {
                let entry = &e.params["entry"];
                self.log.borrow_mut().push(format!(
                    "{}: {}",
                    entry["level"].as_str().unwrap_or("log"),
                    entry["text"].as_str().unwrap_or("")
                ));
            }
            _ => {}
        }
        true
    }

    /// Files every event received so far (the others stay queued for whoever waits for
    /// them: only this page's own are consumed).
    fn absorb(&self) {
        let events = self.browser.drain();
        let mut rest = VecDeque::new();
        for e in events {
            if !self.note(&e) {
                rest.push_back(e);
            }
        }
        let mut conn = self.browser.conn.borrow_mut();
        rest.extend(conn.events.drain(..));
        conn.events = rest;
    }

    /// Waits for an event of this page named `method`.
    fn wait_for_event(&self, method: &str, timeout: Duration) -> Event {
        let mut others = Vec::new();
        let e = self.browser.wait_event(
            method,
            timeout,
            |_| {},
            |e| {
                let own = self.note(e);
                if own && e.method == method {
                    return true;
                }
                if !own {
                    others.push(e.clone());
                }
                false
            },
        );
        let mut conn = self.browser.conn.borrow_mut();
        for o in others.into_iter().rev() {
            conn.events.push_front(o);
        }
        e
    }

    /// Navigates to `url` and waits for its load event; returns how long that took.
    pub fn goto(&self, url: &str) -> Duration {
        self.absorb();
        *self.url.borrow_mut() = url.to_string();
        let start = Instant::now();
        let r = self.call("Page.navigate", json!({"url": url}));
        if let Some(error) = r.get("errorText") {
            panic!("cannot open {url}: {error}");
        }
        self.wait_for_event("Page.loadEventFired", self.browser.timeout.get());
        start.elapsed()
    }

    /// Reloads the page (local storage kept) and waits for its load event.
    pub fn reload(&self) -> Duration {
        self.absorb();
        let start = Instant::now();
        self.call("Page.reload", json!({"ignoreCache": true}));
        self.wait_for_event("Page.loadEventFired", self.browser.timeout.get());
        start.elapsed()
    }

    /// The URL last opened in this page.
    pub fn url(&self) -> String {
        self.url.borrow().clone()
    }

    /// Evaluates `js` in the page (awaiting a promise) and returns its value; an exception
    /// fails the caller with its description.
    pub fn eval(&self, js: &str) -> Value {
        match self.try_eval(js) {
            Ok(v) => v,
            Err(e) => panic!("{e}\nin: {js}"),
        }
    }

    /// [`Page::eval`], returning the exception's description instead of failing.
    pub fn try_eval(&self, js: &str) -> Result<Value, String> {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(d) = r.get("exceptionDetails") {
            return Err(d["exception"]["description"]
                .as_str()
                .or(d["text"].as_str())
                .unwrap_or("exception")
                .to_string());
        }
        Ok(r["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// Evaluates the boolean `js` until it is true, for at most `timeout`; returns whether
    /// it became true.
    pub fn wait_until(&self, js: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.try_eval(js).ok() == Some(Value::Bool(true)) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Presses and releases `key` (`"j"`, `"Enter"`…) as a keyboard would: keyDown, char
    /// (for keys that type), keyUp, to the focused element.
    pub fn key(&self, key: &str) {
        let (key, code, vk, text) = key_description(key);
        let base = json!({
            "key": key, "code": code,
            "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk,
        });
        let with = |kind: &str, extra: Value| {
            let mut p = base.clone();
            p["type"] = json!(kind);
            if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
                p.extend(extra.clone());
            }
            self.call("Input.dispatchKeyEvent", p);
        };
        with("rawKeyDown", json!({}));
        if !text.is_empty() {
            with("char", json!({"text": text, "unmodifiedText": text}));
        }
        with("keyUp", json!({}));
    }

    /// Types `text` into the focused element (as an input method would commit it).
    pub fn type_text(&self, text: &str) {
        self.call("Input.insertText", json!({"text": text}));
    }

    /// The centre of the element `selector` names, in viewport coordinates, after scrolling
    /// it into the middle of the viewport; fails when there is none or it is not drawn.
    pub fn center_of(&self, selector: &str) -> (f64, f64) {
        let js = format!(
            "(() => {{ const el = document.querySelector({s}); if (!el) return 'none';
              el.scrollIntoView({{block: 'center', inline: 'center', behavior: 'instant'}});
              const r = el.getClientRects()[0]; if (!r || r.width === 0 || r.height === 0) return 'not drawn';
              return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
            s = js_string(selector)
        );
        match self.eval(&js) {
            Value::Array(xy) => (xy[0].as_f64().expect("x"), xy[1].as_f64().expect("y")),
            other => panic!("cannot click {selector}: {other}"),
        }
    }

    /// Clicks the element `selector` names with the mouse: scrolls it into view, moves the
    /// pointer to its centre and presses and releases the left button there. Fails when
    /// something else (a sticky header…) is drawn on top of that point.
    pub fn click(&self, selector: &str) {
        let (x, y) = self.center_of(selector);
        let on_top = self.eval(&format!(
            "(() => {{ const el = document.querySelector({s}); const top = document.elementFromPoint({x}, {y});
              return top === el || el.contains(top) ? '' : (top ? top.outerHTML.slice(0, 200) : 'nothing'); }})()",
            s = js_string(selector)
        ));
        assert_eq!(
            on_top.as_str(),
            Some(""),
            "{selector} is covered at its centre ({x}, {y}) by {on_top}"
        );
        self.click_at(x, y);
    }

    /// Presses and releases the left mouse button at (`x`, `y`) in the viewport.
    pub fn click_at(&self, x: f64, y: f64) {
        let mouse = |kind: &str, buttons: u8, count: u8| {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": if kind == "mouseMoved" { "none" } else { "left" },
                       "buttons": buttons, "clickCount": count}),
            );
        };
        mouse("mouseMoved", 0, 0);
        mouse("mousePressed", 1, 1);
        mouse("mouseReleased", 0, 1);
    }

    /// Sets the viewport to `width` CSS pixels by [`HEIGHT`], scale 1, desktop (no mobile
    /// emulation: the layout viewport is the window).
    pub fn set_width(&self, width: u32) {
        self.set_viewport(width, HEIGHT);
    }

    /// Sets the viewport to `width` by `height` CSS pixels.
    pub fn set_viewport(&self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
    }

    /// Writes a PNG of the whole page (up to 16,000 CSS pixels tall) to `path`.
    pub fn screenshot(&self, path: &Path) {
        self.screenshot_top(path, 16_000);
    }

    /// Writes a PNG of the top of the page, at most `max_height` CSS pixels of it, to `path`.
    pub fn screenshot_top(&self, path: &Path, max_height: u32) {
        let metrics = self.call("Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let width = size["width"].as_f64().unwrap_or(1280.0).ceil();
        let height = size["height"]
            .as_f64()
            .unwrap_or(900.0)
            .ceil()
            .min(f64::from(max_height));
        let shot = self.call(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            }),
        );
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64 PNG");
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Every URL the page has asked for since it was created, in order.
    pub fn requests(&self) -> Vec<String> {
        self.absorb();
        self.requests.borrow().clone()
    }

    /// Console messages, exceptions and browser log entries of the page so far.
    pub fn log(&self) -> Vec<String> {
        self.absorb();
        self.log.borrow().clone()
    }

    /// Clicks `selector` and waits for the download it starts to complete.
    pub fn click_download(&self, selector: &str) -> Download {
        self.browser.allow_downloads();
        self.absorb();
        self.click(selector);
        let timeout = self.browser.timeout.get();
        let begin = self.browser.wait_event(
            "Browser.downloadWillBegin",
            timeout,
            |e| {
                self.note(e);
            },
            |e| e.method == "Browser.downloadWillBegin",
        );
        let guid = begin.params["guid"].as_str().unwrap_or("").to_string();
        let done = self.browser.wait_event(
            "Browser.downloadProgress completed",
            timeout,
            |e| {
                self.note(e);
            },
            |e| {
                e.method == "Browser.downloadProgress"
                    && e.params["guid"].as_str() == Some(guid.as_str())
                    && e.params["state"] != "inProgress"
            },
        );
        assert_eq!(done.params["state"], "completed", "download {begin:?}");
        let suggested = begin.params["suggestedFilename"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let path = self.browser.download_dir().join(&suggested);
        // The file is renamed into place once complete; give the file system a moment.
        let deadline = Instant::now() + timeout;
        while !path.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            path.exists(),
            "downloaded {suggested} not found in {path:?}"
        );
        Download {
            path,
            suggested,
            url: begin.params["url"].as_str().unwrap_or("").to_string(),
        }
    }

    /// `Performance.getMetrics` as (name, value) pairs.
    pub fn metrics(&self) -> Vec<(String, f64)> {
        self.call("Performance.getMetrics", json!({}))["metrics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                (
                    m["name"].as_str().unwrap_or("").to_string(),
                    m["value"].as_f64().unwrap_or(f64::NAN),
                )
            })
            .collect()
    }
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ =
                self.browser
                    .try_call(None, "Target.closeTarget", json!({"targetId": self.target}));
        }
    }
}
