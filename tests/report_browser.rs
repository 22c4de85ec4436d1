//! The report of `witness audit` as a reading tool (issue 17), tested in a real browser:
//! headless Chromium driven over the DevTools protocol (`tests/common/cdp.rs`) opens the page
//! from disk, and the tests click, press keys, reload, download, resize and watch the network,
//! against the DOM contract the page is written to. Screenshots at desktop and phone widths
//! are written on every run (`report-desktop.png`, `report-phone.png` in Cargo's test
//! temporary directory under `target/`).

#[path = "common/cdp.rs"]
mod cdp;
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use cdp::{Browser, Page, js_string};
use common::{NEWSPAPER, file, witness};
use serde_json::Value;

/// How long the page may take to react (a smooth scroll, a re-render) before a test gives up.
const SETTLE: Duration = Duration::from_secs(5);

/// The report of the seed corpus, made once per test run.
struct Report {
    dir: PathBuf,
    json: Value,
}

/// `witness audit --quiet --no-record --out DIR corpus`, run from the crate root: exit 0 or 1.
fn audit(corpus: &Path, out: &Path) -> Value {
    let run = witness()
        .args(["audit", "--quiet", "--no-record", "--out"])
        .arg(out)
        .arg(corpus)
        .output()
        .unwrap();
    assert!(
        run.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

/// The seed corpus's report, in `target/tmp/report-browser/corpus` (kept for a look after
/// the run).
fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser/corpus");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let json = audit(Path::new("corpus"), &dir);
        Report { dir, json }
    })
}

/// `file://DIR/index.html` with `fragment` (`""` or `"#id"`).
fn url(dir: &Path, fragment: &str) -> String {
    format!("file://{}/index.html{fragment}", dir.display())
}

/// The index of the document at `path` (its place in the scan's inputs: the `B`, `O`, `T`,
/// `i` of the page's ids).
fn doc_index(json: &Value, path: &str) -> usize {
    json["scan"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .position(|w| w["path"] == path)
        .unwrap_or_else(|| panic!("{path} is not an input"))
}

/// The input whose label starts with `prefix`: (index, path, label).
fn input(json: &Value, prefix: &str) -> (usize, String, String) {
    let inputs = json["scan"]["inputs"].as_array().unwrap();
    let i = inputs
        .iter()
        .position(|w| w["label"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no input {prefix}"));
    (
        i,
        inputs[i]["path"].as_str().unwrap().to_string(),
        inputs[i]["label"].as_str().unwrap().to_string(),
    )
}

/// Fails unless every request of the page was for the page itself (any fragment), its own
/// per-document pages (`docs/<i>.html` under `dir`), or a `data:`/`blob:` URL (which the
/// browser makes from the page's own bytes: an image crop, an exported file).
fn assert_offline(page: &Page, dir: &Path) {
    let own = url(dir, "");
    let requests = page.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.split('#').next() == Some(own.as_str())),
        "the page itself was not recorded: {requests:?}"
    );
    let others = foreign_requests(&requests, dir);
    assert!(
        others.is_empty(),
        "requests other than the page's own: {others:?}"
    );
    let violations: Vec<String> = page
        .log()
        .into_iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Refused to"))
        .collect();
    assert!(violations.is_empty(), "{violations:#?}");
}

/// The requests among `requests` that are not for the report in `dir`: its page, its
/// `docs/<i>.html` pages, `data:` and `blob:` URLs.
fn foreign_requests(requests: &[String], dir: &Path) -> Vec<String> {
    let own = url(dir, "");
    let docs = format!("file://{}/docs/", dir.display());
    requests
        .iter()
        .filter(|r| {
            let r = r.split('#').next().unwrap_or(r);
            !(r == own
                || r.starts_with("data:")
                || r.starts_with("blob:")
                || (r.starts_with(&docs) && r.ends_with(".html") && !r[docs.len()..].contains('/')))
        })
        .cloned()
        .collect()
}

/// JavaScript: whether element `el` is drawn and its top is inside the viewport, below the
/// sticky header (an element taller than what is left may run past the bottom).
const IN_VIEW: &str = r#"function inView(el) {
  if (!el || el.getClientRects().length === 0) return false;
  const r = el.getBoundingClientRect();
  const h = document.querySelector('header.top');
  const top = h ? Math.max(0, h.getBoundingClientRect().bottom) : 0;
  return r.top >= top - 1 && r.top < innerHeight && (r.bottom <= innerHeight + 1 || r.height > innerHeight - top);
}"#;

/// Whether the element with `id` is in view (see [`IN_VIEW`]) and has class `current`.
fn in_view_and_current(page: &Page, id: &str) -> bool {
    page.wait_until(
        &format!(
            "(() => {{ {IN_VIEW} const el = document.getElementById({id}); return inView(el) && el.classList.contains('current'); }})()",
            id = js_string(id)
        ),
        SETTLE,
    )
}

/// Where the element with `id` is, for failure messages.
fn whereabouts(page: &Page, id: &str) -> Value {
    page.eval(&format!(
        "(() => {{ const el = document.getElementById({id}); if (!el) return 'no such element';
          const r = el.getBoundingClientRect(); const h = document.querySelector('header.top');
          return {{top: r.top, bottom: r.bottom, innerHeight, header: h ? h.getBoundingClientRect().bottom : null,
                   class: el.className, hash: location.hash, drawn: el.getClientRects().length > 0}}; }})()",
        id = js_string(id)
    ))
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) => s.trim().parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

/// A page for checking the client itself: it records keys (not while typing in its box),
/// trusted clicks, and offers a download made in the page.
const FIXTURE: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>fixture</title></head>
<body><input id="box"><p style="height: 3000px">tall</p><button id="far">far</button>
<button id="export">export</button>
<script>
window.keys = []; window.clicked = null;
document.addEventListener('keydown', e => { if (e.target.matches('input')) return; keys.push(e.key); });
document.getElementById('far').addEventListener('click', e => { clicked = [e.target.id, e.isTrusted]; });
document.getElementById('export').addEventListener('click', () => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(['{"a":1}'], {type: 'application/json'}));
  a.download = 'decisions-x.json'; document.body.appendChild(a); a.click(); a.remove();
});
</script></body></html>"#;

#[test]
fn the_browser_client_presses_keys_clicks_reloads_and_downloads() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    file(dir.path(), "index.html", FIXTURE.as_bytes());
    let page = browser.page(&url(dir.path(), ""));
    for k in ["j", "j", "k", "n"] {
        page.key(k);
    }
    assert_eq!(page.eval("keys.join('')"), "jjkn");
    // A real click, on a button below the fold: scrolled to, trusted.
    page.click("#far");
    assert_eq!(page.eval("clicked"), serde_json::json!(["far", true]));
    page.click("#box");
    page.type_text("00");
    page.key("3");
    assert_eq!(page.eval("document.getElementById('box').value"), "003");
    assert_eq!(
        page.eval("keys.join('')"),
        "jjkn",
        "keys typed into the box"
    );
    page.set_width(400);
    assert_eq!(page.eval("innerWidth"), 400);
    // Local storage survives a reload; the page's own state does not.
    page.eval("localStorage.setItem('k', 'v')");
    page.reload();
    assert_eq!(page.eval("localStorage.getItem('k')"), "v");
    assert_eq!(page.eval("keys.length"), 0);
    let d = page.click_download("#export");
    assert_eq!(d.suggested, "decisions-x.json");
    assert_eq!(std::fs::read_to_string(&d.path).unwrap(), "{\"a\":1}");
    assert_offline(&page, dir.path());
    // A request elsewhere is recorded, and is foreign.
    page.eval("new Promise(r => { const i = new Image(); i.onerror = i.onload = r; i.src = 'file:///nonexistent/x.png'; })");
    let foreign = foreign_requests(&page.requests(), dir.path());
    assert_eq!(foreign, ["file:///nonexistent/x.png"]);
    let shot = dir.path().join("shot.png");
    page.screenshot(&shot);
    assert!(std::fs::metadata(&shot).unwrap().len() > 1000);
}

#[test]
fn screenshots_at_desktop_and_phone_widths() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let page = browser.page(&url(&r.dir, ""));
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    // The first 2,400 CSS pixels (what a reader meets first, readable as an image), and the
    // whole page (up to 16,000 pixels).
    for (width, name) in [(1280, "report-desktop"), (400, "report-phone")] {
        page.set_width(width);
        page.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        for (path, full) in [
            (shots.join(format!("{name}.png")), false),
            (shots.join(format!("{name}-full.png")), true),
        ] {
            match full {
                true => page.screenshot(&path),
                false => page.screenshot_top(&path, 2400),
            }
            let size = std::fs::metadata(&path).unwrap().len();
            eprintln!(
                "screenshot at {width} px: {} ({size} bytes)",
                path.display()
            );
            assert!(size > 30_000, "{}: {size} bytes", path.display());
        }
    }
    assert_offline(&page, &r.dir);
}

/// What sticks out sideways at the current width: the page's scroll width against its client
/// width, and every drawn element that reaches past either edge of the viewport — except
/// inside a box the reader can scroll on its own (`overflow-x: auto|scroll`, which must fit
/// in the viewport itself), and except elements of at most 1 px (visually hidden labels).
const OVERFLOW: &str = r#"(() => {
  const de = document.documentElement, w = de.clientWidth;
  const scrollable = el => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return p; } return null; };
  const out = [], boxes = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (el.getClientRects().length === 0 || r.width <= 1 || r.height <= 1) continue;
    if (r.left >= -0.5 && r.right <= w + 0.5) continue;
    const box = scrollable(el);
    if (box) { boxes.add(box); continue; }
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).trim().split(/\s+/).join('.') : '')
      + ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + ']');
  }
  const wide = [];
  for (const b of boxes) { const r = b.getBoundingClientRect(); if (r.left < -0.5 || r.right > w + 0.5) wide.push(b.tagName + ' ' + b.className); }
  return {scrollWidth: de.scrollWidth, clientWidth: w, out: out.slice(0, 20), count: out.length,
          scrollBoxes: Array.from(boxes).map(b => b.tagName.toLowerCase() + '.' + String(b.className)), wideBoxes: wide};
})()"#;

#[test]
fn no_horizontal_overflow_at_400_and_1280_px() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let page = browser.page(&url(&r.dir, ""));
    let mut failures = Vec::new();
    for width in [400, 1280] {
        page.set_width(width);
        page.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        let o = page.eval(OVERFLOW);
        eprintln!("at {width} px: {o}");
        if o["scrollWidth"].as_f64() > o["clientWidth"].as_f64() {
            failures.push(format!(
                "at {width} px the page scrolls sideways: scrollWidth {} > clientWidth {}",
                o["scrollWidth"], o["clientWidth"]
            ));
        }
        if o["count"].as_u64() != Some(0) {
            failures.push(format!(
                "at {width} px {} elements reach past the viewport: {}",
                o["count"], o["out"]
            ));
        }
        if o["wideBoxes"].as_array().is_some_and(|b| !b.is_empty()) {
            failures.push(format!(
                "at {width} px scrollable boxes wider than the viewport: {}",
                o["wideBoxes"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_offline(&page, &r.dir);
}

#[test]
fn chinese_breaks_anywhere_and_spaced_text_only_between_words() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let page = browser.page(&url(&r.dir, ""));
    page.set_width(400);
    let styles = page.eval(
        r#"Array.from(document.querySelectorAll('article.doc[lang], .side[lang]')).map(el => {
             const s = getComputedStyle(el);
             return [el.tagName.toLowerCase() + (el.id ? '#' + el.id : '.' + el.className), el.lang, s.wordBreak, s.lineBreak, s.overflowWrap];
           })"#,
    );
    let styles = styles.as_array().unwrap();
    let langs: BTreeSet<&str> = styles.iter().map(|s| s[1].as_str().unwrap()).collect();
    assert!(
        langs.contains("zh") && langs.contains("en"),
        "documents and pair sides tagged zh and en (001 is English): {langs:?}"
    );
    for s in styles {
        let (what, lang, word_break, line_break, wrap) = (
            s[0].as_str().unwrap(),
            s[1].as_str().unwrap(),
            s[2].as_str().unwrap(),
            s[3].as_str().unwrap(),
            s[4].as_str().unwrap(),
        );
        if lang.starts_with("zh") {
            assert!(
                word_break == "break-all" || line_break == "anywhere",
                "{what} ({lang}) does not break anywhere: {s}"
            );
        } else {
            assert!(
                word_break != "break-all" && line_break != "anywhere",
                "{what} ({lang}) breaks inside words: {s}"
            );
            assert_eq!(wrap, "break-word", "{what} ({lang}): {s}");
        }
    }
}

/// The rows of the errata table of document `t`: (row id, goto href, fingerprint).
fn errata_rows(page: &Page, t: usize) -> Vec<(String, String, String)> {
    let rows = page.eval(&format!(
        r#"Array.from(document.querySelectorAll('table.errata[data-doc="{t}"] tr.erratum')).map(tr => {{
             const a = tr.querySelector('a.goto');
             return [tr.id, a ? a.getAttribute('href') : '', tr.dataset.fingerprint || ''];
           }})"#
    ));
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().to_string(),
                r[2].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_click_on_an_erratum_brings_its_variant_into_view() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let (base, _, _) = input(&r.json, "000");
    let (t, _, _) = input(&r.json, "004");
    let page = browser.page(&url(&r.dir, ""));
    let rows = errata_rows(&page, t);
    assert!(!rows.is_empty(), "no errata rows for document {t}");
    // The last row that links into the pair view: the farthest from its variant.
    let (row, href, _) = rows
        .iter()
        .rev()
        .find(|(_, h, _)| h.starts_with(&format!("#v-{base}-{t}-")))
        .unwrap_or_else(|| panic!("no erratum of {t} links to #v-{base}-{t}-K: {rows:?}"))
        .clone();
    page.click(&format!("tr#{row} a.goto"));
    let id = &href[1..];
    assert!(
        in_view_and_current(&page, id),
        "after a click on {row}'s link, {id}: {}",
        whereabouts(&page, id)
    );
    assert_eq!(page.eval("location.hash"), Value::String(href.clone()));
    assert_offline(&page, &r.dir);
}

/// The stops of the keyboard, computed from the contract: visible substantive variants of
/// the base side (`v-…` or `vi-…` ids) and the errata rows, in document order.
const STOPS: &str = r#"Array.from(document.querySelectorAll('.var.substantive[id], tr.erratum'))
  .filter(el => (el.matches('tr.erratum') || /^vi?-/.test(el.id)) && el.getClientRects().length > 0
     && getComputedStyle(el).visibility !== 'hidden')
  .map(el => el.id)"#;

#[test]
fn j_and_k_move_between_the_stops_in_order() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let page = browser.page(&url(&r.dir, ""));
    let stops: Vec<String> = page
        .eval(STOPS)
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert!(stops.len() >= 3, "stops: {stops:?}");
    let current = || {
        page.eval(
            "Array.from(document.querySelectorAll('.current')).filter(el => !el.matches('.hit')).map(el => el.id)",
        )
    };
    let mut seen = Vec::new();
    for (key, expected) in [("j", 0), ("j", 1), ("j", 2), ("k", 1)] {
        page.key(key);
        let id = &stops[expected];
        let ok = in_view_and_current(&page, id);
        seen.push(format!("{key} -> {}", current()));
        assert!(
            ok,
            "after {seen:?} expected stop {expected} ({id}) current and in view: {}",
            whereabouts(&page, id)
        );
        assert_eq!(
            current(),
            serde_json::json!([id]),
            "one current stop after {seen:?}"
        );
        assert_eq!(page.eval("location.hash"), Value::String(format!("#{id}")));
    }
    // `n` and `p` do the same.
    page.key("n");
    assert!(in_view_and_current(&page, &stops[2]), "n: {}", current());
    page.key("p");
    assert!(in_view_and_current(&page, &stops[1]), "p: {}", current());
    // Not while typing in the search box: `j` goes into the box.
    page.click("#search");
    page.key("j");
    assert_eq!(page.eval("document.getElementById('search').value"), "j");
    assert_eq!(
        current(),
        serde_json::json!([stops[1]]),
        "j typed in the search box moved"
    );
    assert_offline(&page, &r.dir);
}

/// The pair of the diff of `a` (base) and `b`: (B, O, diff).
fn pair<'j>(json: &'j Value, base: &str, other: &str) -> (usize, usize, &'j Value) {
    let d = json["diffs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["witnesses"]["a"]["label"]
                .as_str()
                .unwrap()
                .starts_with(base)
                && d["witnesses"]["b"]["label"]
                    .as_str()
                    .unwrap()
                    .starts_with(other)
        })
        .unwrap_or_else(|| panic!("no diff of {base} (base) and {other}"));
    (
        doc_index(json, d["witnesses"]["a"]["path"].as_str().unwrap()),
        doc_index(json, d["witnesses"]["b"]["path"].as_str().unwrap()),
        d,
    )
}

#[test]
fn the_heat_map_has_one_cell_per_paragraph_of_the_base_with_its_variants() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let (b, o, diff) = pair(&r.json, "000", "004");
    // The base's paragraphs, as witness segments them.
    let path = diff["witnesses"]["a"]["path"].as_str().unwrap();
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let doc = witness::Document::from_bytes(path, path, &bytes, &witness::ReadOptions::default())
        .unwrap();
    let paragraphs = witness::segment::paragraphs(&doc.text);
    // Each variant counts in the paragraph it starts in (or the last one before it, when it
    // starts between two).
    let mut expected = vec![(0usize, 0usize); paragraphs.len()];
    let (mut substantive, mut cosmetic) = (0, 0);
    for v in diff["variants"].as_array().unwrap() {
        let at = v["a"]["start"]["text_byte"].as_u64().unwrap() as usize;
        let k = paragraphs.iter().rposition(|p| p.start <= at).unwrap_or(0);
        match v["class"].as_str().unwrap() {
            "substantive" => {
                expected[k].0 += 1;
                substantive += 1;
            }
            _ => {
                expected[k].1 += 1;
                cosmetic += 1;
            }
        }
    }
    assert_eq!(
        diff["summary"]["by_class"]["substantive"].as_u64(),
        Some(substantive as u64)
    );

    let page = browser.page(&url(&r.dir, ""));
    assert_eq!(
        page.eval("document.querySelectorAll('figure.heat[data-pair] svg.heat-map').length"),
        serde_json::json!(r.json["diffs"].as_array().unwrap().len()),
        "one heat map per pair"
    );
    let cells = page.eval(&format!(
        r#"Array.from(document.querySelectorAll('figure.heat[data-pair="{b}-{o}"] svg a.cell')).map((a, k) => {{
             const href = a.getAttribute('href') || a.getAttribute('xlink:href');
             return [href, k, a.dataset.sub, a.dataset.cos,
                     !!document.getElementById((href || '#').slice(1))];
           }})"#
    ));
    let cells = cells.as_array().unwrap();
    assert_eq!(
        cells.len(),
        paragraphs.len(),
        "cells of the heat map of {b}-{o} against the base's {} paragraphs",
        paragraphs.len()
    );
    let mut got = Vec::new();
    for (k, c) in cells.iter().enumerate() {
        assert_eq!(
            c[0],
            Value::String(format!("#par-{b}-{o}-{k}")),
            "cell {k}: {c}"
        );
        assert_eq!(number(&c[1]), k as f64, "cell {k}: {c}");
        assert_eq!(c[4], true, "cell {k} links to no element: {c}");
        got.push((number(&c[2]) as usize, number(&c[3]) as usize));
    }
    let sum = |f: fn(&(usize, usize)) -> usize| got.iter().map(f).sum::<usize>();
    assert_eq!(
        sum(|c| c.0),
        substantive,
        "substantive variants of the pair"
    );
    assert_eq!(sum(|c| c.1), cosmetic, "cosmetic variants of the pair");
    let per_paragraph = |v: &[(usize, usize)]| -> Vec<(usize, usize)> {
        v.iter()
            .enumerate()
            .filter(|(_, c)| c.0 > 0)
            .map(|(k, c)| (k, c.0))
            .collect()
    };
    assert_eq!(
        per_paragraph(&got),
        per_paragraph(&expected),
        "(paragraph, substantive variants) where there are any"
    );
    assert_offline(&page, &r.dir);
}

#[test]
fn the_matrix_has_a_cell_per_pair_of_documents_with_the_scan_coverage() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    // The coverage of a pair, from report.json: the share of the two texts that they have in
    // common, (a_shared_chars + b_shared_chars) / (a_chars + b_chars), the same both ways.
    let mut expected: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for c in r.json["scan"]["summary"]["coverage"].as_array().unwrap() {
        let a = doc_index(&r.json, c["a"].as_str().unwrap());
        let b = doc_index(&r.json, c["b"].as_str().unwrap());
        let n = |k: &str| c[k].as_f64().unwrap();
        let share =
            (n("a_shared_chars") + n("b_shared_chars")) / (n("a_chars") + n("b_chars")).max(1.0);
        expected.insert((a, b), share);
        expected.insert((b, a), share);
    }
    let sharing: BTreeSet<usize> = expected.keys().map(|k| k.0).collect();
    assert!(
        sharing.len() >= 2,
        "the corpus has documents that share text"
    );

    let page = browser.page(&url(&r.dir, ""));
    let cells = page.eval(
        "Array.from(document.querySelectorAll('svg.similarity-matrix rect.cell')).map(c => [c.dataset.a, c.dataset.b, c.dataset.coverage])",
    );
    let cells = cells.as_array().unwrap();
    let docs: BTreeSet<usize> = cells.iter().map(|c| number(&c[0]) as usize).collect();
    assert!(
        sharing.is_subset(&docs),
        "documents that share text {sharing:?}, in the matrix {docs:?}"
    );
    assert_eq!(
        cells.len(),
        docs.len() * docs.len(),
        "n×n cells for {docs:?}"
    );
    let mut seen = BTreeSet::new();
    for c in cells {
        let (a, b) = (number(&c[0]) as usize, number(&c[1]) as usize);
        assert!(seen.insert((a, b)), "two cells for ({a}, {b})");
        let want = if a == b {
            1.0
        } else {
            expected.get(&(a, b)).copied().unwrap_or(0.0)
        };
        let got = number(&c[2]);
        assert!(
            (got - want).abs() <= 0.0006,
            "coverage of ({a}, {b}): {got} in the page, {want} from report.json"
        );
    }
    assert_offline(&page, &r.dir);
}

#[test]
fn the_kinds_chart_and_the_cards_match_report_json() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let totals = &r.json["totals"];
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for d in r.json["diffs"].as_array().unwrap() {
        for v in d["variants"].as_array().unwrap() {
            if v["class"] == "substantive" {
                *kinds.entry(v["kind"].as_str().unwrap().into()).or_default() += 1;
            }
        }
    }
    let page = browser.page(&url(&r.dir, ""));
    let bars = page.eval(
        "Array.from(document.querySelectorAll('figure.chart-kinds svg.bar-chart [data-label][data-count]')).map(b => [b.dataset.label, b.dataset.count])",
    );
    let bars: BTreeMap<String, u64> = bars
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b[0].as_str().unwrap().to_string(), number(&b[1]) as u64))
        .collect();
    assert_eq!(
        bars.values().sum::<u64>(),
        totals["substantive"].as_u64().unwrap(),
        "bars {bars:?}"
    );
    assert_eq!(bars, kinds, "substantive kinds over all pairs");

    let cards = page.eval(
        "Object.fromEntries(Array.from(document.querySelectorAll('#overview div.card[data-total]')).map(c => [c.dataset.total, (c.querySelector('b') || {}).textContent]))",
    );
    let mut want = BTreeMap::new();
    want.insert(
        "files".to_string(),
        r.json["scan"]["summary"]["files"].clone(),
    );
    for k in [
        "findings",
        "boilerplate",
        "substantive",
        "blocks",
        "cosmetic",
        "errata",
    ] {
        want.insert(k.to_string(), totals[k].clone());
    }
    for (k, n) in want {
        let got = &cards[&k];
        assert_eq!(
            number(got),
            n.as_f64().unwrap(),
            "card {k}: {got} in the page, {n} in report.json"
        );
    }
    assert_offline(&page, &r.dir);
}

/// Applies `entries` (those `chosen`) to `text` as `witness apply` is documented to: in list
/// order, skipping entries without a proposal, whose text is not the target's there, or that
/// overlap one applied before.
fn applied(text: &str, entries: &[Value], chosen: impl Fn(usize, &Value) -> bool) -> String {
    let mut taken: Vec<(usize, usize, String)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if !chosen(i, e) {
            continue;
        }
        let Some(proposed) = e["proposed"].as_str() else {
            continue;
        };
        let from = e["start"]["text_byte"].as_u64().unwrap() as usize;
        let to = e["end"]["text_byte"].as_u64().unwrap() as usize;
        if text.get(from..to) != e["found"].as_str() {
            continue;
        }
        if taken
            .iter()
            .any(|t| t.0 < to.max(from + 1) && from < t.1.max(t.0 + 1))
        {
            continue;
        }
        taken.push((from, to, proposed.to_string()));
    }
    taken.sort_by_key(|t| std::cmp::Reverse(t.0));
    let mut out = text.to_string();
    for (from, to, proposed) in taken {
        out.replace_range(from..to, &proposed);
    }
    out
}

#[test]
fn decisions_survive_a_reload_and_export_the_file_apply_takes() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let (t, target, label) = input(&r.json, "004");
    assert_eq!(target, NEWSPAPER);
    let errata_file = r.dir.join(format!("errata/{label}.json"));
    let errata: Value = serde_json::from_slice(
        &std::fs::read(&errata_file).unwrap_or_else(|e| panic!("{}: {e}", errata_file.display())),
    )
    .unwrap();
    assert_eq!(errata["schema"], "witness/errata/1");
    let entries = errata["entries"].as_array().unwrap().clone();

    let page = browser.page(&url(&r.dir, ""));
    let rows = errata_rows(&page, t);
    assert_eq!(rows.len(), entries.len(), "one row per entry of {label}");
    for (n, (id, _, fingerprint)) in rows.iter().enumerate() {
        assert_eq!(id, &format!("e-{t}-{n}"));
        assert_eq!(fingerprint, entries[n]["fingerprint"].as_str().unwrap());
    }
    // Reject a correction; accept an entry the errata leave alone.
    let reject = entries
        .iter()
        .position(|e| e["verdict"] == "correct" && e["proposed"].is_string())
        .expect("a correction");
    let accept = entries
        .iter()
        .position(|e| e["verdict"] != "correct" && e["proposed"].is_string())
        .expect("an uncertain entry with a proposal");
    page.click(&format!(
        "tr#e-{t}-{reject} td.decide button[data-decision=\"reject\"]"
    ));
    page.click(&format!(
        "tr#e-{t}-{accept} td.decide button[data-decision=\"accept\"]"
    ));
    let decided = |page: &Page| {
        page.eval(&format!(
            r#"Array.from(document.querySelectorAll('table.errata[data-doc="{t}"] tr.erratum[data-decided]')).map(tr =>
                 [tr.id, tr.dataset.decided, (tr.querySelector('button[aria-pressed="true"]') || {{dataset: {{}}}}).dataset.decision || null])"#
        ))
    };
    let want = {
        let mut w = vec![
            (
                reject,
                serde_json::json!([format!("e-{t}-{reject}"), "reject", "reject"]),
            ),
            (
                accept,
                serde_json::json!([format!("e-{t}-{accept}"), "accept", "accept"]),
            ),
        ];
        w.sort_by_key(|x| x.0);
        Value::Array(w.into_iter().map(|x| x.1).collect())
    };
    assert_eq!(decided(&page), want, "after the clicks");
    page.reload();
    assert_eq!(decided(&page), want, "after a reload");

    // The export: the file shown in the page, downloaded.
    let shown = page.eval(&format!(
        "(document.getElementById('decisions-{t}') || {{}}).textContent || null"
    ));
    let download = page.click_download(&format!("button.export[data-doc=\"{t}\"]"));
    assert_eq!(download.suggested, format!("decisions-{label}.json"));
    let bytes = std::fs::read(&download.path).unwrap();
    let exported: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        Some(&exported),
        shown
            .as_str()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .as_ref(),
        "the file downloaded is the one shown in #decisions-{t}"
    );
    assert_eq!(exported["schema"], "witness/decisions/1");
    let mut decisions: Vec<(String, String)> = exported["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["fingerprint"].as_str().unwrap().to_string(),
                d["decision"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    decisions.sort();
    let mut expected = vec![
        (
            entries[reject]["fingerprint"].as_str().unwrap().to_string(),
            "reject".to_string(),
        ),
        (
            entries[accept]["fingerprint"].as_str().unwrap().to_string(),
            "accept".to_string(),
        ),
    ];
    expected.sort();
    assert_eq!(decisions, expected);

    // witness apply takes it, and the text differs from the undecided one as decided.
    let out = tempfile::tempdir().unwrap();
    let apply = |decisions: Option<&Path>, name: &str| {
        let to = out.path().join(name);
        let mut cmd = witness();
        cmd.arg("apply").arg(&errata_file).arg(&target);
        if let Some(d) = decisions {
            cmd.arg("--decisions").arg(d);
        }
        let run = cmd.arg("-o").arg(&to).output().unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_to_string(&to).unwrap()
    };
    let plain = apply(None, "plain.txt");
    let decided_text = apply(Some(&download.path), "decided.txt");
    let text = std::fs::read_to_string(&target).unwrap();
    assert_eq!(
        plain,
        applied(&text, &entries, |_, e| e["verdict"] == "correct")
    );
    assert_eq!(
        decided_text,
        applied(&text, &entries, |i, e| i == accept
            || (i != reject && e["verdict"] == "correct"))
    );
    assert_ne!(plain, decided_text);
    assert_offline(&page, &r.dir);
}

#[test]
fn a_deep_link_opens_at_the_erratum_or_the_variant() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let first = browser.page(&url(&r.dir, ""));
    let ids = first.eval(
        r#"(() => { const e = document.querySelector('tr.erratum'), v = document.querySelectorAll('.var.substantive[id^="v-"]'),
                     i = document.querySelectorAll('.var.substantive[id^="vi-"]');
                    return [e && e.id, v.length ? v[v.length - 1].id : null, i.length ? i[i.length - 1].id : null]; })()"#,
    );
    drop(first);
    for id in ids.as_array().unwrap() {
        let id = id
            .as_str()
            .unwrap_or_else(|| panic!("an erratum row, a v- and a vi- variant: {ids}"));
        let page = browser.page(&url(&r.dir, &format!("#{id}")));
        assert!(
            in_view_and_current(&page, id),
            "opened at #{id}: {}",
            whereabouts(&page, id)
        );
        assert_offline(&page, &r.dir);
    }
}

#[test]
fn findings_sort_by_size_and_filter_by_kind_and_file() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let r = report();
    let page = browser.page(&url(&r.dir, ""));
    let rows = || {
        page.eval(
            r#"Array.from(document.querySelectorAll('table.findings tbody tr.finding')).map(tr =>
                 [tr.dataset.kind, tr.dataset.file, Number(tr.dataset.size), tr.getClientRects().length > 0,
                  tr.classList.contains('boilerplate'), tr.innerText.includes('boilerplate')])"#,
        )
        .as_array()
        .unwrap()
        .clone()
    };
    let all = rows();
    assert_eq!(
        all.len() as u64,
        r.json["totals"]["findings"].as_u64().unwrap(),
        "one row per finding"
    );
    let boilerplate: Vec<&Value> = all.iter().filter(|r| r[4] == true).collect();
    assert_eq!(
        boilerplate.len() as u64,
        r.json["totals"]["boilerplate"].as_u64().unwrap()
    );
    assert!(
        boilerplate.iter().all(|r| r[5] == true),
        "boilerplate shown as such"
    );

    // Sorting by size: one direction, then the other, with aria-sort saying which.
    let sort = |expect_not: Option<&str>| {
        page.click("table.findings th button[data-sort=\"size\"]");
        let sizes: Vec<f64> = rows().iter().map(|r| r[2].as_f64().unwrap()).collect();
        let up = sizes.windows(2).all(|w| w[0] <= w[1]);
        let down = sizes.windows(2).all(|w| w[0] >= w[1]);
        let aria = page.eval(
            "(document.querySelector('table.findings th button[data-sort=\"size\"]').closest('th').getAttribute('aria-sort'))",
        );
        let dir = match (up, down) {
            (true, false) => "ascending",
            (false, true) => "descending",
            _ => panic!("rows not ordered by data-size: {sizes:?}"),
        };
        assert_eq!(aria, dir, "aria-sort of the size column");
        assert_ne!(Some(dir), expect_not, "a second click reverses the order");
        dir.to_string()
    };
    let first = sort(None);
    sort(Some(&first));

    // The kind filter: the kind with the fewest findings.
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for r in &all {
        *by_kind.entry(r[0].as_str().unwrap().into()).or_default() += 1;
    }
    let (kind, n) = by_kind.iter().min_by_key(|(_, n)| **n).unwrap();
    let shown = || {
        let text = page.eval("document.getElementById('findings-shown').textContent");
        let text = text.as_str().unwrap_or("").to_string();
        let digits: String = text
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        (digits.parse::<usize>().ok(), text)
    };
    let select = |value: &str| {
        page.eval(&format!(
            "(() => {{ const s = document.getElementById('finding-kind'); s.value = {v};
               s.dispatchEvent(new Event('input', {{bubbles: true}})); s.dispatchEvent(new Event('change', {{bubbles: true}})); return s.value; }})()",
            v = js_string(value)
        ))
    };
    assert_eq!(select(kind), Value::String(kind.clone()));
    let visible: Vec<Value> = rows().into_iter().filter(|r| r[3] == true).collect();
    assert_eq!(visible.len(), *n, "rows of {kind} shown");
    assert!(visible.iter().all(|r| r[0] == kind.as_str()));
    assert_eq!(shown().0, Some(*n), "#findings-shown: {:?}", shown().1);

    // The file filter, typed.
    select("");
    page.click("#finding-file");
    page.type_text("003");
    page.wait_until(
        "Array.from(document.querySelectorAll('table.findings tbody tr.finding')).some(tr => tr.getClientRects().length === 0)",
        SETTLE,
    );
    let now = rows();
    let visible = now.iter().filter(|r| r[3] == true).count();
    for r in &now {
        let has = r[1].as_str().unwrap_or("").contains("003");
        assert_eq!(r[3] == true, has, "row {r} under the file filter 003");
    }
    assert!(visible > 0);
    assert_eq!(shown().0, Some(visible), "#findings-shown: {:?}", shown().1);
    assert_offline(&page, &r.dir);
}

#[test]
fn hostile_document_text_stays_text() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let corpus = tempfile::tempdir().unwrap();
    let evil = "跨里海国际运输走廊<script>window.pwned=1</script>提质扩容。\"></svg><svg onload=\"window.pwned=2\"><img src=x onerror=\"window.pwned=3\"></title></style></textarea><!--绿色产业、数字经济、人工智能。\n".repeat(4);
    file(corpus.path(), "a.txt", evil.as_bytes());
    let b = evil.replacen("跨里海", "跨海", 2).replacen(
        "提质扩容。",
        "提质扩容。<iframe src=x></iframe>",
        1,
    );
    file(
        corpus.path(),
        "b<img src=x onerror=window.pwned=5>.txt",
        b.as_bytes(),
    );
    let out = tempfile::tempdir().unwrap();
    audit(corpus.path(), out.path());
    let page = browser.page(&url(out.path(), ""));
    let result = page.eval(
        r#"(() => {
          const attrs = [];
          for (const el of document.querySelectorAll('*'))
            for (const a of el.attributes) if (/^on/i.test(a.name)) attrs.push(el.tagName + ' ' + a.name);
          return {
            pwned: window.pwned === undefined ? null : window.pwned,
            scripts: document.scripts.length,
            img: document.querySelectorAll('img:not(.crop), iframe, textarea, svg svg').length,
            handlers: attrs,
            text: document.body.textContent,
          };
        })()"#,
    );
    assert_eq!(result["pwned"], Value::Null, "a script of the document ran");
    assert_eq!(result["scripts"], 1, "only the report's own script");
    assert_eq!(result["img"], 0, "an element of the document's text");
    assert_eq!(result["handlers"], serde_json::json!([]));
    let text = result["text"].as_str().unwrap();
    for s in [
        "<script>window.pwned=1</script>",
        "<svg onload=\"window.pwned=2\">",
        "<iframe src=x></iframe>",
        "b<img src=x onerror=window.pwned=5>",
    ] {
        assert!(text.contains(s), "{s} is shown as text");
    }
    // The same after the page's controls ran: the next stop, the inline view.
    page.key("j");
    page.eval(
        "(() => { const b = document.querySelector('button[data-view=\"inline\"]'); if (b) b.click(); })()",
    );
    assert_eq!(page.eval("window.pwned === undefined"), true);
    assert_eq!(
        page.eval("document.querySelectorAll('img:not(.crop), iframe').length"),
        0
    );
    assert_offline(&page, out.path());
}

/// A collection of more than 200 documents: the texts go to `docs/<i>.html`, index.html links
/// there, report.json holds no document text, and the page fetches nothing on its own.
#[test]
fn a_large_collection_keeps_each_document_in_its_own_page() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let corpus = tempfile::tempdir().unwrap();
    let mut rng = common::Rng::new(17);
    let mut texts = Vec::new();
    for _ in 0..205 {
        let mut t = String::new();
        for _ in 0..3 {
            for _ in 0..80 {
                t.push(rng.ideograph());
            }
            t.push_str("。\n");
        }
        texts.push(t);
    }
    // 001 is a transcription of 000 with two characters misread.
    let mut chars: Vec<char> = texts[0].chars().collect();
    chars[40] = '鹤';
    chars[150] = '璃';
    texts[1] = chars.into_iter().collect();
    for (i, t) in texts.iter().enumerate() {
        file(corpus.path(), &format!("{i:03}.txt"), t.as_bytes());
    }
    let out = tempfile::tempdir().unwrap();
    let json = audit(corpus.path(), out.path());
    let n = json["scan"]["inputs"].as_array().unwrap().len();
    assert_eq!(n, 205);
    for i in 0..n {
        assert!(
            out.path().join(format!("docs/{i}.html")).is_file(),
            "docs/{i}.html"
        );
    }
    // report.json references the texts: a stretch of a document with no finding is not in it.
    let report_json = std::fs::read_to_string(out.path().join("report.json")).unwrap();
    let quiet: String = texts[100].chars().skip(90).take(30).collect();
    assert!(
        !report_json.contains(&quiet),
        "report.json copies document text"
    );

    let page = browser.page(&url(out.path(), ""));
    let links = page.eval(
        r#"(() => ({ articles: document.querySelectorAll('article.doc').length,
                     links: Array.from(document.querySelectorAll('a[href^="docs/"]')).map(a => a.getAttribute('href')) }))()"#,
    );
    assert_eq!(links["articles"], 0, "document texts in index.html");
    let links = links["links"].as_array().unwrap();
    assert!(!links.is_empty(), "links to docs/<i>.html");
    for l in links {
        let l = l.as_str().unwrap();
        let (file, _) = l.split_once('#').unwrap_or((l, ""));
        assert!(out.path().join(file).is_file(), "{l}");
    }
    assert_offline(&page, out.path());
    // A document's page: the same article markup, its anchors where the links point.
    let link = links
        .iter()
        .filter_map(|l| l.as_str())
        .find(|l| l.contains('#'))
        .expect("a link to a place in a document");
    let doc = browser.page(&format!("file://{}/{link}", out.path().display()));
    let (file, anchor) = link.split_once('#').unwrap();
    let i: usize = file
        .trim_start_matches("docs/")
        .trim_end_matches(".html")
        .parse()
        .unwrap();
    assert_eq!(
        doc.eval(&format!(
            "(() => {{ const a = document.getElementById({anchor}); const art = document.getElementById('doc{i}');
               return !!a && !!art && art.matches('article.doc[lang]') && art.contains(a); }})()",
            anchor = js_string(anchor)
        )),
        true,
        "{link}"
    );
}
