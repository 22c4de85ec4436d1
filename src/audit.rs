//! The main job over a collection: scan it, find which files are witnesses of the same text
//! (by how much of each the shared passages cover), diff and collate those, and build errata
//! for each transcription against its base.

use crate::collate::{Collation, collate};
use crate::diff::{Comparison, compare};
use crate::errata::{Errata, errata};
use crate::normalize::Profile;
use crate::scan::{Scan, ScanOptions, scan};
use crate::source::Document;

/// Two files are witnesses of one text when the text they share is at least this share of
/// either of them…
pub const RELATED_SHARE: f64 = 0.3;
/// …and at least this many characters.
pub const RELATED_MIN_CHARS: usize = 200;

/// A base and a transcription of the same text, compared.
#[derive(Debug)]
pub struct Pair {
    pub base: usize,
    pub other: usize,
    pub comparison: Comparison,
}

/// The result of an audit. Document indices refer to `scan.docs`.
#[derive(Debug)]
pub struct Audit {
    pub profile: Profile,
    pub scan: Scan,
    pub pairs: Vec<Pair>,
    /// Collations of groups of three or more related witnesses.
    pub collations: Vec<Collation>,
    /// Errata of each transcription (target index, errata).
    pub errata: Vec<(usize, Errata)>,
}

/// Groups of related documents (connected by coverage), each sorted; the first of a group is
/// its base unless `official` names another member.
fn groups(s: &Scan, n: usize) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for c in &s.coverage {
        let share = |part: usize, whole: usize| part as f64 / whole.max(1) as f64;
        let related = (share(c.a_shared, c.a_chars) >= RELATED_SHARE
            || share(c.b_shared, c.b_chars) >= RELATED_SHARE)
            && c.a_shared.min(c.b_shared) >= RELATED_MIN_CHARS;
        if related {
            let (x, y) = (root(&mut parent, c.a), root(&mut parent, c.b));
            parent[x.max(y)] = x.min(y);
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for d in 0..n {
        let r = root(&mut parent, d);
        match out.iter_mut().find(|g| g[0] == r) {
            Some(g) => g.push(d),
            None => out.push(vec![d]),
        }
    }
    out.retain(|g| g.len() > 1);
    out
}

/// Audits documents. `official` marks documents known to be bases (from the ledger's roles);
/// `step` is told what runs next (for progress bars).
pub fn audit(
    docs: Vec<Document>,
    official: &[bool],
    profile: Profile,
    step: &dyn Fn(&str),
) -> Audit {
    step("scanning");
    let opts = ScanOptions {
        profile,
        ..ScanOptions::default()
    };
    let s = scan(docs, &opts);
    let n = s.docs.len();
    let mut pairs = Vec::new();
    let mut collations = Vec::new();
    let mut all_errata = Vec::new();
    for group in groups(&s, n) {
        let base = group
            .iter()
            .copied()
            .find(|&d| official.get(d) == Some(&true))
            .unwrap_or(group[0]);
        step("comparing witnesses");
        for &other in group.iter().filter(|&&d| d != base) {
            pairs.push(Pair {
                base,
                other,
                comparison: compare(&s.docs[base].text, &s.docs[other].text, profile),
            });
        }
        if group.len() >= 3 {
            let members: Vec<Document> = group.iter().map(|&d| s.docs[d].clone()).collect();
            let base_at = group.iter().position(|&d| d == base).unwrap_or(0);
            collations.push(collate(members, base_at, profile));
        }
        step("building errata");
        for &other in group.iter().filter(|&&d| d != base) {
            let corpus: Vec<Document> = s.docs.clone();
            let x = errata(
                s.docs[other].clone(),
                vec![s.docs[base].clone()],
                corpus,
                profile,
            );
            all_errata.push((other, x));
        }
    }
    Audit {
        profile,
        scan: s,
        pairs,
        collations,
        errata: all_errata,
    }
}
