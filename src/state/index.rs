//! index: what every state below some sources declares, read once and kept in one compact
//! file, so that the N shards of a sharded scan do not each read every state again.
//! `leftover states --index-output INDEX` writes it; `scan --state-index INDEX` uses it.
//!
//! The index names the version of every object it was built from (an S3 object's `ETag`
//! and last-modified time, a file's size and modification time). A scan lists the sources
//! again (one `ListObjectsV2` page per thousand keys, no object read) and refuses the index
//! when anything below them changed, appeared or went away since. It holds what a scan
//! keeps of a state (ids, ARNs, addresses, tags, references, the attributes drift
//! compares), never a secret: the parser drops those before anything is kept.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::reader::{Skipped, Stamp, StateSet};
use super::source::StateSource;
use super::state_file::StateFile;
use crate::model::{CoverageGap, GapCause};

/// The format of the index file.
pub const SCHEMA: &str = "leftover.state-index/v1";

/// A state index: the sources it was built from, the version of every object below them,
/// and what reading them gave.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StateIndex {
    pub schema: String,
    /// When the index was built (RFC 3339).
    pub generated_at: String,
    /// Per source, as given to `--state`: every candidate object below it and its version.
    pub sources: BTreeMap<String, BTreeMap<String, Stamp>>,
    pub files: Vec<StateFile>,
    /// What could not be read when the index was built: a scan with the index reports
    /// these too, so an index of an incomplete read never makes a complete scan.
    #[serde(default)]
    pub gaps: Vec<CoverageGap>,
    #[serde(default)]
    pub skipped: Vec<Skipped>,
}

/// Why an index cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot read the state index {path}: {detail}")]
    Read { path: String, detail: String },
    #[error(
        "{path} is not a leftover state index ({detail}); build one with `leftover states --state SRC --index-output {path}`"
    )]
    Format { path: String, detail: String },
    #[error("cannot write the state index {path}: {detail}")]
    Write { path: String, detail: String },
    #[error(
        "the state index {path} (built {built}) is stale: {changes}; rebuild it with `leftover states --index-output`, or pass --allow-stale-index to scan with it anyway"
    )]
    Stale { path: String, built: String, changes: String },
}

/// How the objects below an index's sources differ from those it was built from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl Staleness {
    pub fn is_current(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// Every stale object with what happened to it.
    pub fn objects(&self) -> impl Iterator<Item = (&str, &'static str)> {
        let changed = self.changed.iter().map(|o| (o.as_str(), "changed since the index was built"));
        let added = self.added.iter().map(|o| (o.as_str(), "appeared since the index was built"));
        let removed = self.removed.iter().map(|o| (o.as_str(), "went away since the index was built"));
        changed.chain(added).chain(removed)
    }

    /// One line: counts and the first few objects.
    fn describe(&self) -> String {
        const SHOWN: usize = 5;
        let mut parts = Vec::new();
        for (what, list) in [("changed", &self.changed), ("new", &self.added), ("gone", &self.removed)] {
            if list.is_empty() {
                continue;
            }
            let mut names: Vec<&str> = list.iter().take(SHOWN).map(String::as_str).collect();
            if list.len() > SHOWN {
                names.push("…");
            }
            parts.push(format!("{} {what} ({})", list.len(), names.join(", ")));
        }
        parts.join("; ")
    }
}

impl StateIndex {
    /// The index of a read of `sources`.
    pub fn of(set: &StateSet, generated_at: String) -> Self {
        Self {
            schema: SCHEMA.to_owned(),
            generated_at,
            sources: set.listed.clone(),
            files: set.files.clone(),
            gaps: set.gaps.clone(),
            skipped: set.skipped.clone(),
        }
    }

    /// Writes the index to `path` atomically, as compact JSON.
    pub fn write(&self, path: &Path) -> Result<(), IndexError> {
        crate::atomic::write_with(path, |out| {
            serde_json::to_writer(&mut *out, self).map_err(std::io::Error::other)?;
            out.write_all(b"\n")
        })
        .map_err(|err| IndexError::Write { path: path.display().to_string(), detail: err.to_string() })
    }

    /// Reads an index and checks it is one.
    pub fn load(path: &Path) -> Result<Self, IndexError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|err| IndexError::Read { path: shown.clone(), detail: err.to_string() })?;
        let index: Self = serde_json::from_reader(BufReader::new(file))
            .map_err(|err| IndexError::Format { path: shown.clone(), detail: err.to_string() })?;
        if index.schema != SCHEMA {
            return Err(IndexError::Format {
                path: shown,
                detail: format!("schema {:?}, expected {SCHEMA}", index.schema),
            });
        }
        Ok(index)
    }

    /// The sources the index was built from.
    pub fn state_sources(&self) -> Vec<StateSource> {
        self.sources.keys().filter_map(|s| s.parse().ok()).collect()
    }

    /// How the objects listed now below the index's sources differ from the index. A
    /// source that could not be listed now (`listed` lacks it) is not compared: the
    /// listing's own gap says so.
    pub fn compare(&self, listed: &BTreeMap<String, BTreeMap<String, Stamp>>) -> Staleness {
        let mut out = Staleness::default();
        for (source, now) in listed {
            let empty = BTreeMap::new();
            let then = self.sources.get(source).unwrap_or(&empty);
            for (object, stamp) in now {
                match then.get(object) {
                    None => out.added.push(object.clone()),
                    Some(old) if old != stamp => out.changed.push(object.clone()),
                    Some(_) => {}
                }
            }
            out.removed.extend(then.keys().filter(|o| !now.contains_key(*o)).cloned());
        }
        out
    }

    /// The error for a stale index.
    pub fn stale_error(&self, path: &Path, staleness: &Staleness) -> IndexError {
        IndexError::Stale {
            path: path.display().to_string(),
            built: self.generated_at.clone(),
            changes: staleness.describe(),
        }
    }

    /// The states as a read of the sources would give them; with `stale`, each stale
    /// object is a coverage gap, so a scan with an index known to be stale is incomplete.
    pub fn into_set(self, stale: &Staleness) -> StateSet {
        let mut gaps = self.gaps;
        for (object, what) in stale.objects() {
            gaps.push(CoverageGap {
                service: service_of_object(object).to_owned(),
                account: None,
                region: None,
                operation: "state index".to_owned(),
                error: format!("{object} {what} ({}); scanned as the index has it", self.generated_at),
                cause: GapCause::Invalid,
                object: Some(object.to_owned()),
                kinds: Vec::new(),
            });
        }
        StateSet { files: self.files, gaps, skipped: self.skipped, listed: self.sources }
    }
}

/// The service a state's name says it was read from.
fn service_of_object(object: &str) -> &'static str {
    match object.split_once("://").map(|(scheme, _)| scheme) {
        Some("s3") => "s3",
        Some("http" | "https") => super::http_backend::OPERATION.0,
        Some("gitlab" | "gitlab+http") => super::gitlab::SERVICE,
        Some("tfc") => super::tfc::SERVICE,
        _ => "file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(etag: &str) -> Stamp {
        Stamp { size: 10, etag: Some(etag.to_owned()), modified: Some("2026-12-01T00:00:00Z".to_owned()) }
    }

    fn listing(objects: &[(&str, &str)]) -> BTreeMap<String, BTreeMap<String, Stamp>> {
        let inner = objects.iter().map(|(o, e)| ((*o).to_owned(), stamp(e))).collect();
        BTreeMap::from([("s3://b".to_owned(), inner)])
    }

    fn index(objects: &[(&str, &str)]) -> StateIndex {
        let set = StateSet { listed: listing(objects), ..StateSet::default() };
        StateIndex::of(&set, "2026-12-01T00:00:00Z".to_owned())
    }

    #[test]
    fn issue_14_an_index_is_stale_when_an_object_changed_appeared_or_went_away() {
        let built = index(&[("s3://b/a.tfstate", "1"), ("s3://b/b.tfstate", "1")]);
        assert!(built.compare(&listing(&[("s3://b/a.tfstate", "1"), ("s3://b/b.tfstate", "1")])).is_current());
        let now = listing(&[("s3://b/a.tfstate", "2"), ("s3://b/c.tfstate", "1")]);
        let stale = built.compare(&now);
        assert_eq!(stale.changed, vec!["s3://b/a.tfstate"]);
        assert_eq!(stale.added, vec!["s3://b/c.tfstate"]);
        assert_eq!(stale.removed, vec!["s3://b/b.tfstate"]);
        let message = built.stale_error(Path::new("idx.json"), &stale).to_string();
        assert!(message.contains("1 changed (s3://b/a.tfstate)") && message.contains("idx.json"), "{message}");
        // Used anyway, the scan says what it cannot vouch for.
        let set = built.into_set(&stale);
        assert_eq!(set.gaps.len(), 3);
        assert!(set.gaps.iter().all(|g| g.operation == "state index"));
    }

    #[test]
    fn issue_14_a_source_not_listed_now_is_not_compared() {
        let built = index(&[("s3://b/a.tfstate", "1")]);
        assert!(built.compare(&BTreeMap::new()).is_current());
    }

    #[test]
    fn issue_14_an_index_round_trips_through_its_file_and_refuses_other_json() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.json");
        let mut built = index(&[("s3://b/a.tfstate", "1")]);
        built.files.push(StateFile { source: "s3://b/a.tfstate".to_owned(), version: 4, ..StateFile::default() });
        built.write(&path).expect("write");
        let loaded = StateIndex::load(&path).expect("load");
        assert_eq!(loaded.files, built.files);
        assert_eq!(loaded.sources, built.sources);
        std::fs::write(&path, "{\"schema\": \"leftover.report/v1\"}").expect("write");
        let err = StateIndex::load(&path).expect_err("not an index").to_string();
        assert!(err.contains("is not a leftover state index"), "{err}");
    }
}
