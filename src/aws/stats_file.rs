//! `stats_file`: the machine-readable form of a run's AWS calls (`--stats-json FILE`): per
//! operation, the calls, attempts, errors and time, and the IAM action each needed, and how
//! the calls lined up (round trips in sequence against the longest chain). Pure:
//! built from the guard's counters; the CLI writes it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::call_depth::CallDepth;
use super::guard::OperationStats;
use super::iam;

/// The schema name of the stats file.
pub const STATS_SCHEMA: &str = "leftover.stats/v1";

/// One operation's counters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationRecord {
    /// The service as the SDK names it (`EC2`, `Resource Groups Tagging API`).
    pub service: String,
    pub operation: String,
    /// The IAM action that authorizes it (`s3:ListBucket` for `ListObjectsV2`).
    pub iam_action: Option<String>,
    pub calls: u64,
    pub attempts: u64,
    pub errors: u64,
    /// Attempts answered with a throttling error.
    #[serde(default)]
    pub throttled: u64,
    /// Attempts answered with an incomplete or malformed body.
    #[serde(default)]
    pub malformed: u64,
    pub total_ms: u64,
    pub max_ms: u64,
}

/// Every operation a run called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsFile {
    pub schema: String,
    pub operations: Vec<OperationRecord>,
    /// The IAM actions the run needed, sorted: what `policies/iam-readonly.json` must allow.
    pub iam_actions: BTreeSet<String>,
    /// How the calls lined up in time; absent from files written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<CallDepth>,
}

impl StatsFile {
    /// Builds the file from the guard's counters, keyed by `service:Operation`.
    pub fn new(snapshot: &BTreeMap<String, OperationStats>) -> Self {
        let operations: Vec<OperationRecord> = snapshot
            .iter()
            .map(|(key, s)| {
                let (service, operation) = key.rsplit_once(':').unwrap_or(("", key.as_str()));
                OperationRecord {
                    service: service.to_owned(),
                    operation: operation.to_owned(),
                    iam_action: iam::action(service, operation),
                    calls: s.calls,
                    attempts: s.attempts,
                    errors: s.errors,
                    throttled: s.throttled,
                    malformed: s.malformed,
                    total_ms: s.total_ms,
                    max_ms: s.max_ms,
                }
            })
            .collect();
        let iam_actions = operations.iter().filter_map(|o| o.iam_action.clone()).collect();
        Self { schema: STATS_SCHEMA.to_owned(), operations, iam_actions, depth: None }
    }

    /// The same file, saying how the calls lined up.
    #[must_use]
    pub fn with_depth(mut self, depth: CallDepth) -> Self {
        self.depth = Some(depth);
        self
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        // Plain strings and integers only: serializing cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_iam_action_of_each_operation() {
        let snapshot = BTreeMap::from([
            ("S3:ListObjectsV2".to_owned(), OperationStats { calls: 2, attempts: 3, ..OperationStats::default() }),
            ("Resource Groups Tagging API:GetResources".to_owned(), OperationStats::default()),
            ("EC2:DescribeVpcs".to_owned(), OperationStats::default()),
        ]);
        let file = StatsFile::new(&snapshot);
        let actions: Vec<&str> = file.iam_actions.iter().map(String::as_str).collect();
        assert_eq!(actions, ["ec2:DescribeVpcs", "s3:ListBucket", "tag:GetResources"]);
        let list = file.operations.iter().find(|o| o.operation == "ListObjectsV2").expect("listed");
        assert_eq!((list.service.as_str(), list.calls, list.attempts), ("S3", 2, 3));
        let back: StatsFile = serde_json::from_str(&file.to_json()).expect("round trip");
        assert_eq!(back, file);
        let depth = CallDepth { calls: 3, most_in_flight: 2, round_trips: 2, longest_chain: 2 };
        let file = file.with_depth(depth);
        let back: StatsFile = serde_json::from_str(&file.to_json()).expect("round trip");
        assert_eq!(back.depth, Some(depth));
    }
}
