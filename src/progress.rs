//! Progress of a long run, as the pipeline reports it: which [`Phase`] runs, how many items it
//! has to do, and how many are done.
//!
//! The pipeline tells a [`Progress`] when a phase starts (with its total when it is known) and
//! advances it from inside its parallel loops, so an implementation must be cheap and
//! thread-safe: an atomic add per item, no lock. `()` ignores everything; the command line
//! draws bars on a terminal and writes a line per phase with `--progress`.
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use witness::progress::{Phase, Progress};
//! use witness::{Files, Reader};
//!
//! /// Counts the documents read.
//! #[derive(Default)]
//! struct Read(AtomicU64);
//!
//! impl Progress for Read {
//!     fn phase(&self, _phase: Phase, _total: Option<u64>) {}
//!     fn advance(&self, n: u64) {
//!         self.0.fetch_add(n, Ordering::Relaxed);
//!     }
//! }
//!
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
//! let read = Read::default();
//! let reading = Files::new([dir]).read_with_progress(&Default::default(), &read);
//! assert_eq!(read.0.load(Ordering::Relaxed), reading.docs.len() as u64);
//! ```

/// A stage of a run, in the order an audit goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Reading and decoding files (counts files read or skipped, and the rows of a collection).
    Reading,
    /// Reading each document under the profile and indexing it for the scan (counts
    /// documents).
    Indexing,
    /// Comparing paragraphs that share k-grams, for near duplicates (counts the paragraphs
    /// long enough to be one).
    NearDuplicates,
    /// Seeding and verifying the passages each document shares with the others (counts
    /// documents).
    SharedPassages,
    /// Merging the shared passages with the other findings: leaving out those already
    /// reported as duplicates, and the duplicates inside a larger passage (counts the
    /// passages found).
    Merging,
    /// Comparing each witness with the base of its group (counts pairs).
    Comparing,
    /// Collating groups of three witnesses or more (counts groups).
    Collating,
    /// Building the errata of each transcription, beside the exact distances of the pairs
    /// (counts targets).
    Errata,
    /// Writing the report (not counted: the caller writes it).
    Writing,
}

impl Phase {
    /// What a person reads: `reading`, `indexing`, `near duplicates`, `shared passages`,
    /// `merging findings`, `comparing witnesses`, `collating`, `building errata`, `writing the
    /// report`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Reading => "reading",
            Phase::Indexing => "indexing",
            Phase::NearDuplicates => "near duplicates",
            Phase::SharedPassages => "shared passages",
            Phase::Merging => "merging findings",
            Phase::Comparing => "comparing witnesses",
            Phase::Collating => "collating",
            Phase::Errata => "building errata",
            Phase::Writing => "writing the report",
        }
    }

    /// What the phase counts, in the plural (`files`, `documents`…); empty for a phase that
    /// counts nothing.
    pub fn unit(self) -> &'static str {
        match self {
            Phase::Reading => "files",
            Phase::Indexing | Phase::SharedPassages => "documents",
            Phase::NearDuplicates => "paragraphs",
            Phase::Merging => "passages",
            Phase::Comparing => "pairs",
            Phase::Collating => "groups",
            Phase::Errata => "targets",
            Phase::Writing => "",
        }
    }

    /// [`Phase::unit`] for `n` items: `1 file`, `2 files`.
    pub fn count(self, n: u64) -> String {
        let unit = self.unit();
        match n {
            1 => format!("1 {}", unit.strip_suffix('s').unwrap_or(unit)),
            n => format!("{n} {unit}"),
        }
    }
}

/// Where a run reports its progress. Called from worker threads: implementations are
/// `Sync`, and [`Progress::advance`] should cost no more than an atomic add.
pub trait Progress: Sync {
    /// A phase starts (the one before it, if any, has ended), with the number of items it
    /// will count when that is known.
    fn phase(&self, phase: Phase, total: Option<u64>);

    /// `n` more items of the current phase are done.
    fn advance(&self, n: u64);

    /// The run is over: the last phase has ended. Called by whoever owns the run (the
    /// library's functions never call it: the caller may have phases of its own after them).
    fn finish(&self) {}
}

/// Reports nothing.
impl Progress for () {
    fn phase(&self, _: Phase, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Corpus, Files, Reader, Reading};
    use crate::normalize::Profile;
    use crate::scan::{FindingKind, ScanOptions};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Records each phase with its total and the items counted in it.
    #[derive(Default)]
    struct Recorder {
        phases: Mutex<Vec<(Phase, Option<u64>, u64)>>,
        done: AtomicU64,
    }

    impl Recorder {
        fn close(&self) {
            let n = self.done.swap(0, Ordering::Relaxed);
            if let Some(last) = self.phases.lock().unwrap().last_mut() {
                last.2 = n;
            }
        }

        fn phases(&self) -> Vec<(Phase, Option<u64>, u64)> {
            self.phases.lock().unwrap().clone()
        }
    }

    impl Progress for Recorder {
        fn phase(&self, phase: Phase, total: Option<u64>) {
            self.close();
            self.phases.lock().unwrap().push((phase, total, 0));
        }
        fn advance(&self, n: u64) {
            self.done.fetch_add(n, Ordering::Relaxed);
        }
        fn finish(&self) {
            self.close();
        }
    }

    fn seed_corpus(progress: &dyn Progress) -> Corpus {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let Reading { docs, .. } =
            Files::new([dir]).read_with_progress(&Default::default(), progress);
        Corpus::new(docs, Profile::Loose)
    }

    /// Every counted phase ends with its count equal to its total.
    fn complete(phases: &[(Phase, Option<u64>, u64)]) {
        for &(phase, total, done) in phases {
            assert_eq!(Some(done), total, "{phase:?}");
        }
    }

    #[test]
    fn an_audit_counts_every_item_of_every_phase() {
        let p = Recorder::default();
        let corpus = seed_corpus(&p);
        let a = crate::audit::audit(&corpus, &vec![false; corpus.len()], &p);
        p.finish();
        let phases = p.phases();
        let names: Vec<Phase> = phases.iter().map(|x| x.0).collect();
        // One group of two witnesses: nothing to collate.
        assert_eq!(
            names,
            [
                Phase::Reading,
                Phase::Indexing,
                Phase::NearDuplicates,
                Phase::SharedPassages,
                Phase::Merging,
                Phase::Comparing,
                Phase::Errata,
            ]
        );
        complete(&phases);
        assert_eq!(phases[0].1, Some(5));
        assert_eq!(phases[1].1, Some(5));
        assert_eq!(phases[3].1, Some(5));
        // Every passage verified is merged: at least those reported.
        let passages = a
            .scan
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::SharedPassage)
            .count();
        assert!(phases[4].1.unwrap() >= passages as u64 && passages > 0);
        assert_eq!(phases[5].1, Some(a.pairs.len() as u64));
        // Errata are built for each pair's transcription and each file with an internal
        // problem; those with nothing to say are dropped afterwards.
        assert!(phases[6].1.unwrap() >= a.errata.len() as u64);
        assert_eq!(a.pairs.len(), 1);
    }

    #[test]
    fn a_scan_counts_documents_and_paragraphs() {
        let corpus = seed_corpus(&());
        let p = Recorder::default();
        let s = crate::scan::scan_with_progress(&corpus, &ScanOptions::default(), &p);
        p.finish();
        let phases = p.phases();
        complete(&phases);
        let names: Vec<Phase> = phases.iter().map(|x| x.0).collect();
        assert_eq!(
            names,
            [
                Phase::Indexing,
                Phase::NearDuplicates,
                Phase::SharedPassages,
                Phase::Merging
            ]
        );
        assert!(phases[1].1.unwrap() > 5, "{phases:?}");
        // The same findings as without progress.
        let quiet = crate::scan::scan(&corpus, &ScanOptions::default());
        assert_eq!(s.findings.len(), quiet.findings.len());

        // Near duplicates not asked for: no such phase.
        let p = Recorder::default();
        let only = ScanOptions::default().kinds(&[FindingKind::SharedPassage]);
        crate::scan::scan_with_progress(&corpus, &only, &p);
        p.finish();
        let names: Vec<Phase> = p.phases().iter().map(|x| x.0).collect();
        assert_eq!(
            names,
            [Phase::Indexing, Phase::SharedPassages, Phase::Merging]
        );

        // Nor shared passages and their merging when not asked for.
        let p = Recorder::default();
        let only = ScanOptions::default().kinds(&[FindingKind::NearDuplicate]);
        crate::scan::scan_with_progress(&corpus, &only, &p);
        p.finish();
        let names: Vec<Phase> = p.phases().iter().map(|x| x.0).collect();
        assert_eq!(names, [Phase::Indexing, Phase::NearDuplicates]);
    }

    #[test]
    fn collating_is_a_phase_when_a_group_has_three_witnesses() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let read =
            |name: &str| crate::Document::read(&dir.join(name), &Default::default()).unwrap();
        let mut docs = vec![
            read("000_3eb5e8de57179c45.txt"),
            read("004_74678af65d43f56c.txt"),
        ];
        // A third witness: the official text with one character changed.
        let mut third = docs[0].text.replacen("里海", "黑海", 1);
        third.push('\n');
        docs.push(
            crate::Document::from_bytes(
                "third.txt",
                "third",
                third.as_bytes(),
                &Default::default(),
            )
            .unwrap(),
        );
        let corpus = Corpus::new(docs, Profile::Loose);
        let p = Recorder::default();
        let a = crate::audit::audit(&corpus, &[false; 3], &p);
        p.finish();
        assert_eq!(a.collations.len(), 1);
        let phases = p.phases();
        complete(&phases);
        let collating: Vec<_> = phases.iter().filter(|x| x.0 == Phase::Collating).collect();
        assert_eq!(collating, [&(Phase::Collating, Some(1), 1)]);
        assert_eq!(
            phases.iter().find(|x| x.0 == Phase::Comparing),
            Some(&(Phase::Comparing, Some(2), 2))
        );
    }

    #[test]
    fn counts_read_in_the_plural_and_the_singular() {
        assert_eq!(Phase::Reading.count(1), "1 file");
        assert_eq!(Phase::Reading.count(5), "5 files");
        assert_eq!(Phase::Errata.count(0), "0 targets");
        assert_eq!(Phase::NearDuplicates.count(1), "1 paragraph");
    }
}
