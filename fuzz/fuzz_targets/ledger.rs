//! Reading, verifying and appending to a ledger whose log holds arbitrary bytes never panics;
//! every reader agrees on which lines are records (a CRLF line, a torn multi-byte tail); and an
//! append never turns a log that fails to parse into one that verifies.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use witness::ledger::verify::verify;
use witness::ledger::{Body, Ledger, Record};

fn ledger() -> &'static (tempfile::TempDir, Ledger) {
    static L: OnceLock<(tempfile::TempDir, Ledger)> = OnceLock::new();
    L.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::init(dir.path()).unwrap();
        (dir, l)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_, l) = ledger();
    std::fs::write(l.log_path(), data).unwrap();
    let _ = std::fs::remove_file(l.log_path().with_file_name("checkpoint.json"));
    let parsed = l.records();
    let v = verify(l).unwrap();
    // `verify` names a line's form in these words; `records()` fails exactly on such lines.
    let form_problem = v.problem.as_deref().is_some_and(|p| {
        p.starts_with("line ") && (p.contains(" is not UTF-8") || p.contains(") is ") || p.contains(": record ") || p.contains(": field "))
    });
    // Lines every reader takes are taken by `verify` too; one any reader refuses, `verify`
    // reports (that line, or an earlier problem where it stops).
    assert!(!(parsed.is_ok() && form_problem), "{:?}", v.problem);
    if parsed.is_err() {
        assert!(v.problem.is_some());
    }
    // A line that parses is exactly its typed record: writing it back gives the same bytes.
    for line in String::from_utf8_lossy(data).lines() {
        if let Ok(r) = Record::parse(line) {
            assert_eq!(r.canonical().unwrap(), line);
        }
    }
    if l.append(Body::note("fuzz")).is_ok() {
        // An append succeeds only on a log whose records and chain read: what it leaves
        // verifies, but for stored objects (which appends do not read).
        if let Some(p) = verify(l).unwrap().problem {
            assert!(p.contains("object"), "{p}");
        }
    }
});
