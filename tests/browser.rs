//! The HTML report in a real browser: headless Chromium opens the generated page from disk,
//! its DOM is checked for the expected variants and findings, a screenshot is kept as an
//! artifact, document text that looks like markup stays text, a right-to-left override is
//! shown as a badge and the text keeps its byte order, the page's Content-Security-Policy
//! admits its own style and script and nothing else, and its Chinese is drawn with glyphs, not
//! as the empty boxes of a missing font.

#[path = "common/cdp.rs"]
mod cdp;
mod common;

use std::path::Path;
use std::process::Command;

use cdp::chromium;
use common::{file, witness};

/// Runs headless Chromium on a page with the flags a closed sandbox needs.
fn browse(browser: &Path, page: &Path, action: &[String]) -> String {
    browse_logged(browser, page, action).0
}

/// [`browse`], with the browser's log (console messages, policy violations among them) on
/// stderr: returns stdout and stderr.
fn browse_logged(browser: &Path, page: &Path, action: &[String]) -> (String, String) {
    browse_with(browser, page, action, &[])
}

/// [`browse_logged`], with these environment variables set for the browser.
fn browse_with(
    browser: &Path,
    page: &Path,
    action: &[String],
    env: &[(&str, &Path)],
) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .envs(env.iter().copied())
        .args(cdp::HEADLESS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--enable-logging=stderr", "--v=0"])
        .args(action)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What Chromium logs when a Content-Security-Policy blocks something.
const VIOLATION: &str = "Content Security Policy";

fn audit(corpus: &Path, out: &Path) {
    audit_with(corpus, out, &[]);
}

fn audit_with(corpus: &Path, out: &Path, extra: &[&std::ffi::OsStr]) {
    let status = witness()
        .args(["audit", "--quiet", "--no-record", "--out"])
        .arg(out)
        .arg(corpus)
        .args(extra)
        .output()
        .unwrap()
        .status;
    assert!(status.code().is_some_and(|c| c < 2));
}

#[test]
fn the_report_shows_the_variants_and_findings() {
    let Some(browser) = chromium() else { return };
    let out = tempfile::tempdir().unwrap();
    audit(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus")),
        out.path(),
    );
    let page = out.path().join("index.html");
    check_policy(&std::fs::read_to_string(&page).unwrap(), true);
    let (dom, log) = browse_logged(&browser, &page, &["--dump-dom".into()]);
    assert!(!log.contains(VIOLATION), "{log}");
    // The script ran: it shows the filter.
    assert!(dom.contains("<p class=\"filters\">Show: "));
    // The omission of 里 and the dittography, marked by kind, in the pair view.
    assert!(dom.contains("data-kind=\"omission\""));
    assert!(dom.contains("<del>里</del>"), "omission of 里");
    assert!(
        dom.contains("<del>模式</del><ins>业态</ins>"),
        "dittography"
    );
    assert!(dom.contains("<del>五</del><ins>二是</ins>"), "numeral");
    // The errata tables (003 from its own text, 004 against 000), each row linking to its
    // place in the text.
    assert_eq!(
        dom.matches("<table class=\"errata stack\" data-doc=")
            .count(),
        2
    );
    assert!(dom.contains("003_a7c0d866165e138d has 跨里海国际运"));
    // 004's entry at 19:71 links to its variant in the pair's view, which is there.
    let entry = &dom[..dom.find("\">19:71 (byte 1210)</a>").unwrap()];
    let variant = &entry[entry.rfind("href=\"#").unwrap() + 7..];
    assert!(variant.starts_with("v-0-4-"), "{variant}");
    assert!(dom.contains(&format!("id=\"{variant}\" title=\"omission")));
    // Findings link both locations.
    assert!(dom.contains("<td data-label=\"kind\">duplicate_block</td>"));
    assert!(dom.contains("href=\"#d3-20998\""));
    // A screenshot, kept as an artifact of the test run.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("witness-report.png");
    browse(
        &browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".into(),
        ],
    );
    let size = std::fs::metadata(&shot).unwrap().len();
    assert!(size > 50_000, "screenshot of {size} bytes");
    eprintln!("screenshot: {}", shot.display());
    // Every ideograph of the report is drawn with a glyph of its own.
    let (checked, missing) = glyphs(&browser, &page, &[]);
    assert_eq!(
        missing, "",
        "drawn as the missing-glyph box: install CJK fonts (apt-get install fonts-noto-cjk)"
    );
    assert!(checked > 1_000, "{checked} ideographs checked");
}

/// Finds the ideographs of a page that the browser draws as the missing-glyph box (tofu),
/// or not at all: the probe draws each one onto a canvas, in the font family of the element
/// that holds it, and compares the pixels with those of a code point no font has. Widths
/// cannot tell: in a CJK font the box is as wide as an ideograph, and `document.fonts.check`
/// is true of any installed family, whatever glyphs it lacks.
const GLYPHS: &str = r#"
window.addEventListener('load', function () {
  var canvas = document.createElement('canvas');
  canvas.width = 40; canvas.height = 40;
  var ctx = canvas.getContext('2d', { willReadFrequently: true });
  function drawn(s) {
    ctx.clearRect(0, 0, 40, 40);
    ctx.fillText(s, 4, 30);
    return ctx.getImageData(0, 0, 40, 40).data;
  }
  function same(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  function inked(a) {
    for (var i = 3; i < a.length; i += 4) { if (a[i] > 0) { return true; } }
    return false;
  }
  var families = new Map();
  var walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    var family = getComputedStyle(walk.currentNode.parentElement).fontFamily;
    if (!families.has(family)) { families.set(family, new Set()); }
    for (var c of walk.currentNode.data.match(/\p{Script=Han}/gu) || []) { families.get(family).add(c); }
  }
  var checked = 0, missing = new Set(), reference = true;
  families.forEach(function (chars, family) {
    ctx.font = '24px ' + family;
    // A private-use and an unassigned code point: both the same box, or the reference is off.
    var tofu = drawn('\u{10FFFD}');
    reference = reference && inked(tofu) && same(tofu, drawn('\u{2FFFD}'));
    chars.forEach(function (c) {
      var d = drawn(c);
      checked++;
      if (!inked(d) || same(d, tofu)) { missing.add(c); }
    });
  });
  var p = document.createElement('pre');
  p.id = 'glyphs';
  p.textContent = 'reference=' + reference + '\nchecked=' + checked + '\nmissing=' + Array.from(missing).join('');
  document.body.appendChild(p);
});
"#;

/// Runs [`GLYPHS`] on a copy of `page` (with `env` for the browser): the number of
/// ideographs checked (each once per font family), and those drawn as tofu.
fn glyphs(browser: &Path, page: &Path, env: &[(&str, &Path)]) -> (usize, String) {
    let probed = page.with_file_name("glyphs.html");
    std::fs::write(
        &probed,
        with_probe(&std::fs::read_to_string(page).unwrap(), GLYPHS),
    )
    .unwrap();
    let (dom, log) = browse_with(
        browser,
        &probed,
        &["--virtual-time-budget=5000".into(), "--dump-dom".into()],
        env,
    );
    assert!(!log.contains(VIOLATION), "{log}");
    let report = &dom[dom.find("<pre id=\"glyphs\">").expect("the probe ran") + 17..];
    let report = &report[..report.find("</pre>").unwrap()];
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "reference=true", "the box of a missing glyph");
    let checked = lines[1].strip_prefix("checked=").unwrap().parse().unwrap();
    (
        checked,
        lines[2].strip_prefix("missing=").unwrap().to_string(),
    )
}

#[test]
fn the_glyph_check_fails_without_cjk_fonts() {
    let Some(browser) = chromium() else { return };
    let corpus = tempfile::tempdir().unwrap();
    let line = "跨里海国际运输走廊提质扩容，绿色产业、数字经济、人工智能。\n";
    file(corpus.path(), "a.txt", line.repeat(4).as_bytes());
    file(
        corpus.path(),
        "b.txt",
        line.repeat(4).replace("里海", "海").as_bytes(),
    );
    let out = tempfile::tempdir().unwrap();
    audit(corpus.path(), out.path());
    // The machine's fonts less every font for Chinese: what the browser has without
    // fonts-noto-cjk (or with other CJK fonts only).
    let fonts = file(
        out.path(),
        "fonts.conf",
        br#"<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include>/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><pattern><patelt name="lang"><string>zh</string></patelt></pattern></rejectfont></selectfont>
</fontconfig>
"#,
    );
    let page = out.path().join("index.html");
    let (checked, missing) = glyphs(&browser, &page, &[("FONTCONFIG_FILE", &fonts)]);
    // Every ideograph is tofu, those of the texts among them.
    assert_eq!(missing.chars().count(), checked);
    for c in line
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
    {
        assert!(missing.contains(c), "{c} in {missing}");
    }
    // With the machine's own fonts, none.
    assert_eq!(glyphs(&browser, &page, &[]).1, "");
}

#[test]
fn document_text_that_looks_like_markup_stays_text() {
    let Some(browser) = chromium() else { return };
    let corpus = tempfile::tempdir().unwrap();
    let evil = "跨里海国际运输走廊<script>document.title='pwned'</script>提质扩容。\"><img src=x onerror=alert(1)>绿色产业、数字经济、人工智能。\n".repeat(4);
    file(corpus.path(), "a.txt", evil.as_bytes());
    file(
        corpus.path(),
        "b.txt",
        evil.replace("跨里海", "跨海").as_bytes(),
    );
    let out = tempfile::tempdir().unwrap();
    audit(corpus.path(), out.path());
    check_policy(
        &std::fs::read_to_string(out.path().join("index.html")).unwrap(),
        true,
    );
    let dom = browse(
        &browser,
        &out.path().join("index.html"),
        &["--dump-dom".into()],
    );
    assert!(
        dom.contains("<title>witness audit</title>"),
        "the script did not run"
    );
    assert!(!dom.contains("<img"), "no element was injected");
    assert_eq!(
        dom.matches("<script>").count(),
        1,
        "only the report's own script"
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn the_errata_page_links_into_the_text() {
    let Some(browser) = chromium() else { return };
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("errata.html");
    let html = witness()
        .args([
            "errata",
            common::NEWSPAPER,
            "--against",
            common::OFFICIAL,
            "--corpus",
            "corpus",
            "--format",
            "html",
        ])
        .output()
        .unwrap()
        .stdout;
    check_policy(&String::from_utf8(html.clone()).unwrap(), false);
    std::fs::write(&page, html).unwrap();
    let (dom, log) = browse_logged(&browser, &page, &["--dump-dom".into()]);
    assert!(!log.contains(VIOLATION), "{log}");
    assert!(dom.contains("<a class=\"goto\" href=\"#d0-1210\">19:71 (byte 1210)</a>"));
    assert!(dom.contains("<a id=\"d0-1210\"></a>海国际运输走廊"));
    assert_eq!(dom.matches("<tr class=\"erratum ").count(), 14);
}

/// `'sha256-…'` of an inline element's content, computed here rather than by witness.
fn hash(content: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The content of the first `<tag>…</tag>` of a page.
fn inline<'h>(html: &'h str, tag: &str) -> &'h str {
    let open = format!("<{tag}>");
    let start = html.find(&open).unwrap() + open.len();
    let end = start + html[start..].find(&format!("</{tag}>")).unwrap();
    &html[start..end]
}

/// Checks the policy of a page: first in its head, nothing loads from anywhere, the inline
/// style and script admitted by their hashes, and no `style=` attribute or `on…=` handler
/// (which the policy would block) anywhere in the markup.
fn check_policy(html: &str, script: bool) {
    let script_src = if script {
        hash(inline(html, "script"))
    } else {
        "'none'".into()
    };
    let meta = format!(
        "<head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {script_src}; img-src data:; base-uri 'none'; form-action 'none'\">",
        hash(inline(html, "style"))
    );
    assert!(html.contains(&meta), "{meta}\n{}", &html[..400]);
    assert_eq!(html.matches("<script").count(), usize::from(script));
    // Document text is escaped, so every `<` in the page opens a tag of the report's own (or
    // sits in its style or script, which have none).
    let body = &html[html.find("</style>").unwrap()..];
    let body = &body[..body.find("<script>").unwrap_or(body.len())];
    for tag in body.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        for name in attribute_names(tag) {
            let name = name.to_ascii_lowercase();
            assert!(
                name != "style" && !name.starts_with("on"),
                "<{tag}> has an attribute the policy blocks"
            );
        }
    }
}

/// A report page with a probe script in its head, admitted by adding the probe's hash to the
/// page's policy.
fn with_probe(html: &str, probe: &str) -> String {
    let script_src = format!("script-src {}", hash(inline(html, "script")));
    html.replacen(&script_src, &format!("{script_src} {}", hash(probe)), 1)
        .replacen("<title>", &format!("<script>{probe}</script><title>"), 1)
}

/// The attribute names of a tag (`a href="#x" id=y hidden` gives `href`, `id`, `hidden`).
fn attribute_names(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = tag.trim_start_matches('/');
    rest = &rest[rest.find(char::is_whitespace).unwrap_or(rest.len())..];
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest == "/" {
            return names;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        names.push(&rest[..end]);
        rest = &rest[end..];
        if let Some(value) = rest.strip_prefix('=') {
            rest = match value.strip_prefix('"') {
                Some(quoted) => &quoted[quoted.find('"').unwrap() + 1..],
                None => &value[value.find(char::is_whitespace).unwrap_or(value.len())..],
            };
        }
    }
}

/// Measures the page in the browser: a probe script, admitted by adding its hash to the
/// page's policy, records policy violations from the start, then at load reports where the
/// digits of `001` are drawn (left to right, or reversed), the badges, the isolation of the
/// text containers, and whether the filter works; Chromium dumps the DOM with the report.
const PROBE: &str = r#"
var violations = [];
document.addEventListener('securitypolicyviolation', function (e) { violations.push(e.violatedDirective); });
function order(node, text) {
  var i = node.data.indexOf(text);
  if (i < 0) { return 'missing'; }
  var xs = [];
  for (var k = 0; k < text.length; k++) {
    var r = document.createRange();
    r.setStart(node, i + k); r.setEnd(node, i + k + 1);
    xs.push(r.getBoundingClientRect().left);
  }
  var ltr = true, rtl = true;
  for (var k = 1; k < xs.length; k++) { ltr = ltr && xs[k] > xs[k - 1]; rtl = rtl && xs[k] < xs[k - 1]; }
  return ltr ? 'ltr' : rtl ? 'rtl' : 'mixed';
}
window.addEventListener('load', function () {
  var out = [];
  var docs = document.querySelectorAll('article.doc');
  var b = docs[docs.length - 1];
  b.closest('details').open = true;
  var cp = b.querySelector('.cp');
  out.push('order=' + order(cp.nextSibling, '001'));
  out.push('badge=' + cp.textContent + ' ' + cp.title);
  out.push('badges=' + b.querySelectorAll('.cp').length);
  out.push('badge-bidi=' + getComputedStyle(cp).unicodeBidi);
  out.push('text-bidi=' + getComputedStyle(b).unicodeBidi);
  var v = document.querySelector('.inline .var.invisible');
  var ins = v.querySelector('ins');
  out.push('ins=' + ins.innerText);
  out.push('ins-bidi=' + getComputedStyle(ins).unicodeBidi);
  out.push('ins-display=' + getComputedStyle(ins).display);
  out.push('td-bidi=' + getComputedStyle(document.querySelector('td')).unicodeBidi);
  var control = document.createElement('div');
  control.textContent = '\u202E001';
  document.body.appendChild(control);
  out.push('raw-override=' + order(control.firstChild, '001'));
  out.push('filters-hidden=' + document.querySelector('.filters').hidden);
  document.querySelector('.filters input[data-kind="invisible"]').click();
  out.push('off=' + v.classList.contains('off') + ' ' + getComputedStyle(ins).display);
  document.getElementById('cosmetic').click();
  out.push('hide-cosmetic=' + document.body.classList.contains('hide-cosmetic'));
  setTimeout(function () {
    out.push('violations=' + violations.join(','));
    var p = document.createElement('pre');
    p.id = 'probe';
    p.textContent = out.join('\n');
    document.body.appendChild(p);
  }, 0);
});
"#;

#[test]
fn a_right_to_left_override_shows_as_a_badge_in_byte_order_under_the_policy() {
    let Some(browser) = chromium() else { return };
    let corpus = tempfile::tempdir().unwrap();
    let line = "编号001号的货物经跨里海国际运输走廊运往阿斯塔纳，绿色产业、数字经济、人工智能合作提质扩容。\n";
    file(corpus.path(), "a.txt", line.repeat(5).as_bytes());
    let b = line.repeat(2) + &line.replace("001", "\u{202E}001\u{202C}") + &line.repeat(2);
    file(corpus.path(), "b.txt", b.as_bytes());
    let out = tempfile::tempdir().unwrap();
    // a.txt is the base: the override is an insertion in b.
    let base = corpus.path().join("a.txt");
    audit_with(
        corpus.path(),
        out.path(),
        &["--base".as_ref(), base.as_os_str()],
    );
    let page = out.path().join("index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    check_policy(&html, true);
    // The override never reaches the page: a badge stands in its place.
    assert!(!html.contains('\u{202E}') && !html.contains('\u{202C}'));
    assert!(
        html.contains(
            "<ins><span class=\"cp\" title=\"RIGHT-TO-LEFT OVERRIDE\">U+202E</span></ins>"
        )
    );
    assert!(html.contains("class=\"var cosmetic invisible\" data-kind=\"invisible\""));

    // As written: the script runs (it shows the filter) and Chromium logs no violation.
    let (dom, log) = browse_logged(&browser, &page, &["--dump-dom".into()]);
    assert!(
        dom.contains("<p class=\"filters\">Show: "),
        "the script did not run"
    );
    assert!(!log.contains(VIOLATION), "{log}");

    // Measured by the probe.
    let probed = out.path().join("probe.html");
    std::fs::write(&probed, with_probe(&html, PROBE)).unwrap();
    let (dom, log) = browse_logged(
        &browser,
        &probed,
        &["--virtual-time-budget=5000".into(), "--dump-dom".into()],
    );
    assert!(!log.contains(VIOLATION), "{log}");
    let report = &dom[dom.find("<pre id=\"probe\">").expect("the probe ran") + 16..];
    let report = &report[..report.find("</pre>").unwrap()];
    assert_eq!(
        report,
        [
            "order=ltr",
            "badge=U+202E RIGHT-TO-LEFT OVERRIDE",
            "badges=2",
            "badge-bidi=isolate",
            "text-bidi=isolate",
            "ins=U+202E",
            "ins-bidi=isolate",
            "ins-display=inline",
            "td-bidi=isolate",
            // The same bytes written raw are drawn reversed: the measure can tell.
            "raw-override=rtl",
            "filters-hidden=false",
            "off=true none",
            "hide-cosmetic=false",
            "violations=",
        ]
        .join("\n")
    );
}
