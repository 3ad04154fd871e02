//! baseline: compares a report with a previous one (`--baseline PREVIOUS.json`). Each
//! finding becomes `new` or `unchanged` by its fingerprint, and the baseline's findings that
//! no longer occur are listed as resolved. A baseline finding this scan could not recheck
//! (a coverage gap covers it) or did not look at (outside its scope: a region of an account
//! it did not list, a state it did not read, another environment than its `--env`, an
//! account of another shard) is not called resolved. A finding the baseline had (reported,
//! or kept aside by `--min-age`) keeps the baseline's `first_seen`. Pure apart from reading the file.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::age;
use super::report::{BaselineInfo, READABLE_SCHEMAS, REPORT_SCHEMA, Report};
use crate::checks::Severity;

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the baseline {path} is not a leftover report ({REPORT_SCHEMA})")]
    Parse {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the baseline {path} is not a {REPORT_SCHEMA} (or v1) report (its schema is {found})")]
    Schema { path: String, found: String },
}

/// Reads a report written by `leftover scan --format json`.
pub fn load(path: &Path) -> Result<Report, BaselineError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read { path: display.clone(), source })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| BaselineError::Parse { path: display.clone(), source })?;
    match value.get("schema").and_then(serde_json::Value::as_str) {
        Some(schema) if READABLE_SCHEMAS.contains(&schema) => {}
        Some(other) => return Err(BaselineError::Schema { path: display, found: format!("{other:?}") }),
        None => return Err(BaselineError::Schema { path: display, found: "missing".to_owned() }),
    }
    serde_json::from_value(value).map_err(|source| BaselineError::Parse { path: display, source })
}

/// Marks `report`'s findings new or unchanged against `baseline` and lists the resolved
/// ones. Baseline findings below `min_severity` are left out, as the report's own are.
pub fn compare(report: &mut Report, baseline: &Report, min_severity: Option<Severity>) {
    let current: BTreeSet<&str> = report.findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let before: BTreeSet<&str> = baseline.findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let mut resolved = Vec::new();
    let mut unknown = 0;
    let mut out_of_scope = 0;
    for old in &baseline.findings {
        if current.contains(old.fingerprint.as_str()) || min_severity.is_some_and(|min| old.finding.severity < min) {
            continue;
        }
        if !in_scope(report, old) {
            out_of_scope += 1;
        } else if rechecked(report, old) {
            let mut old = old.clone();
            old.status = Some("resolved".to_owned());
            old.cost = None;
            resolved.push(old);
        } else {
            unknown += 1;
        }
    }
    // When each was first seen: the earliest the baseline knows, whether it reported the
    // finding or kept it aside as younger than `--min-age`.
    let mut first_seen: HashMap<&str, &str> = HashMap::new();
    let held = baseline.younger.iter().flat_map(|y| y.findings.iter());
    for old in baseline.findings.iter().chain(held) {
        if let Some(seen) = old.first_seen.as_deref() {
            let entry = first_seen.entry(old.fingerprint.as_str()).or_insert(seen);
            if let (Some(this), Some(kept)) = (age::seconds(seen), age::seconds(entry))
                && this < kept
            {
                *entry = seen;
            }
        }
    }
    // Who made a resource never changes: a creator found once is carried, not looked up again.
    let mut who: HashMap<&str, &crate::model::Who> = HashMap::new();
    for old in baseline.findings.iter().chain(baseline.younger.iter().flat_map(|y| y.findings.iter())) {
        // The last change may be followed by another: only creators are carried.
        let creator = |w: &&crate::model::Who| w.found() && w.action == crate::model::who::Action::Created;
        if let Some(w) = old.finding.resource.who.as_ref().filter(creator) {
            who.entry(old.fingerprint.as_str()).or_insert(w);
        }
    }
    for f in &mut report.findings {
        if f.finding.resource.who.is_none()
            && let Some(w) = who.get(f.fingerprint.as_str())
        {
            f.finding.resource.who = Some((*w).clone());
        }
        let status = if before.contains(f.fingerprint.as_str()) { "unchanged" } else { "new" };
        f.status = Some(status.to_owned());
        if let Some(seen) = first_seen.get(f.fingerprint.as_str()) {
            f.first_seen = Some((*seen).to_owned());
        }
    }
    report.resolved = Some(resolved);
    report.baseline = Some(BaselineInfo {
        generated_at: baseline.generated_at.clone(),
        findings: baseline.findings.len(),
        unknown,
        out_of_scope,
    });
}

/// Whether this scan looked where a baseline finding was: it listed the finding's region
/// of its account, in its shard, read every state the finding names, and, for `scan --env`,
/// the finding belongs to that environment (as `scan --env` keeps findings).
fn in_scope(report: &Report, old: &super::ReportFinding) -> bool {
    let f = &old.finding;
    let r = &f.resource;
    if let (Some(account), Some(region)) = (r.account.as_deref(), r.region.as_deref())
        && !report.scope.was_listed(account, region)
    {
        return false;
    }
    if let (Some(shard), Some(account)) = (report.scope.shard, r.account.as_deref())
        && !shard.contains(account)
    {
        return false;
    }
    let read = |source: &str| report.scope.states.iter().any(|s| s.source == source);
    if f.state.iter().chain(f.related.iter().filter_map(|rel| rel.state.as_ref())).any(|s| !read(&s.source)) {
        return false;
    }
    match &report.environment {
        Some(check) => {
            f.environment.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&check.environment))
                || f.state.as_ref().is_some_and(|s| check.states.contains(&s.source))
        }
        None => true,
    }
}

/// Whether this scan looked where a baseline finding was: no gap covers its resource's
/// listing or its state.
fn rechecked(report: &Report, old: &super::ReportFinding) -> bool {
    let r = &old.finding.resource;
    let account = r.account.as_deref().unwrap_or_default();
    let region = r.region.as_deref().unwrap_or_default();
    let state = old.finding.state.as_ref().map(|s| s.source.as_str());
    !report
        .coverage
        .gaps
        .iter()
        .any(|gap| gap.covers(&r.kind, account, region) || (state.is_some() && gap.object.as_deref() == state))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::checks::{Finding, FindingKind, Outcome};
    use crate::inventory::{CoverageGap, GapCause};
    use crate::model::finding::{ResourceRef, StateRef};
    use crate::report::{Scope, StateScope};

    fn finding(kind: FindingKind, id: &str, severity: Severity) -> Finding {
        Finding::new(
            kind,
            severity,
            ResourceRef {
                kind: "ec2:volume".into(),
                id: id.into(),
                arn: None,
                region: Some("us-east-1".into()),
                account: Some("123456789012".into()),
                tags: crate::model::Tags::new(),
                created: None,
                who: None,
            },
            "x",
        )
        .with_state(
            (kind == FindingKind::Missing)
                .then(|| StateRef { source: "s3://b/dev.tfstate".into(), address: format!("aws_ebs_volume.{id}") }),
        )
    }

    /// A scan of us-east-1 of 123456789012 and of the state `s3://b/dev.tfstate`.
    fn report(findings: Vec<Finding>, gaps: Vec<CoverageGap>) -> Report {
        let scope = Scope {
            accounts: vec!["123456789012".into()],
            regions: vec!["us-east-1".into()],
            listed: None,
            states: vec![StateScope { source: "s3://b/dev.tfstate".into(), resources: 1, environment: None }],
            shard: None,
        };
        Report::new("2026-11-26T02:00:00Z".into(), scope, gaps, Outcome { findings, ..Outcome::default() })
    }

    fn in_region(mut f: Finding, account: &str, region: &str) -> Finding {
        f.resource.account = Some(account.into());
        f.resource.region = Some(region.into());
        f
    }

    fn statuses(report: &Report) -> Vec<(String, String)> {
        report.findings.iter().map(|f| (f.finding.resource.id.clone(), f.status.clone().unwrap_or_default())).collect()
    }

    #[test]
    fn marks_new_unchanged_and_resolved() {
        let before = report(
            vec![
                finding(FindingKind::Unmanaged, "vol-a", Severity::Warning),
                finding(FindingKind::Unmanaged, "vol-b", Severity::Warning),
            ],
            vec![],
        );
        let mut now = report(
            vec![
                finding(FindingKind::Unmanaged, "vol-b", Severity::Warning),
                finding(FindingKind::Unmanaged, "vol-c", Severity::Warning),
            ],
            vec![],
        );
        compare(&mut now, &before, None);
        assert_eq!(statuses(&now), [("vol-b".into(), "unchanged".into()), ("vol-c".into(), "new".into())]);
        let resolved = now.resolved.as_ref().expect("resolved");
        assert_eq!(resolved.len(), 1);
        assert_eq!(resolved[0].finding.resource.id, "vol-a");
        assert_eq!(now.baseline_counts(), Some((1, 1, 1)));
        assert_eq!(now.baseline.as_ref().map(|b| b.findings), Some(2));
    }

    #[test]
    fn issue_13_first_seen_is_carried_forward_by_fingerprint() {
        let mut before = report(
            vec![
                finding(FindingKind::Unmanaged, "vol-a", Severity::Warning),
                finding(FindingKind::Unmanaged, "vol-b", Severity::Warning),
            ],
            vec![],
        );
        before.findings[0].first_seen = Some("2026-11-01T02:00:00Z".into());
        // vol-y was kept aside by `--min-age` last night: its first sighting still counts.
        let mut held = report(vec![finding(FindingKind::Unmanaged, "vol-y", Severity::Warning)], vec![]).findings;
        held[0].first_seen = Some("2026-11-20T02:00:00Z".into());
        before.younger = Some(crate::report::report::Younger { min_age: "7d".parse().expect("age"), findings: held });
        let mut now = report(
            vec![
                finding(FindingKind::Unmanaged, "vol-a", Severity::Warning),
                finding(FindingKind::Unmanaged, "vol-b", Severity::Warning),
                finding(FindingKind::Unmanaged, "vol-c", Severity::Warning),
                finding(FindingKind::Unmanaged, "vol-y", Severity::Warning),
            ],
            vec![],
        );
        let fresh = now.generated_at.clone();
        assert!(now.findings.iter().all(|f| f.first_seen.as_deref() == Some(fresh.as_str())), "new: the scan time");
        compare(&mut now, &before, None);
        let seen: Vec<(&str, &str, &str)> = now
            .findings
            .iter()
            .map(|f| {
                (
                    f.finding.resource.id.as_str(),
                    f.first_seen.as_deref().unwrap_or_default(),
                    f.status.as_deref().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("vol-a", "2026-11-01T02:00:00Z", "unchanged"),
                ("vol-b", "2026-11-26T02:00:00Z", "unchanged"),
                ("vol-c", "2026-11-26T02:00:00Z", "new"),
                // Reported for the first time: new to the reader, first seen before.
                ("vol-y", "2026-11-20T02:00:00Z", "new"),
            ]
        );
        // A baseline made before `first_seen` existed carries nothing and breaks nothing.
        let mut old = before.clone();
        old.younger = None;
        for f in &mut old.findings {
            f.first_seen = None;
        }
        let text = serde_json::to_string(&old).expect("json");
        assert!(!text.contains("first_seen"), "{text}");
        let mut now = report(vec![finding(FindingKind::Unmanaged, "vol-a", Severity::Warning)], vec![]);
        compare(&mut now, &old, None);
        assert_eq!(now.findings[0].first_seen.as_deref(), Some("2026-11-26T02:00:00Z"));
    }

    #[test]
    fn what_a_gap_hides_or_the_severity_filter_drops_is_not_resolved() {
        let before = report(
            vec![
                finding(FindingKind::Unmanaged, "vol-a", Severity::Warning),
                finding(FindingKind::Missing, "vol-m", Severity::Error),
                finding(FindingKind::Unmanaged, "vol-i", Severity::Info),
            ],
            vec![],
        );
        let gap = |kinds: Vec<String>, object: Option<String>| CoverageGap {
            service: "ec2".into(),
            account: Some("123456789012".into()),
            region: Some("us-east-1".into()),
            operation: "DescribeVolumes".into(),
            error: "AccessDenied".into(),
            cause: GapCause::Denied,
            object,
            kinds,
        };
        let mut now = report(vec![], vec![gap(vec!["ec2:volume".into()], None)]);
        compare(&mut now, &before, Some(Severity::Warning));
        assert_eq!(now.resolved.as_ref().map(Vec::len), Some(0));
        assert_eq!(now.baseline.as_ref().map(|b| b.unknown), Some(2));

        let mut now = report(vec![], vec![gap(vec![], Some("s3://b/dev.tfstate".into()))]);
        compare(&mut now, &before, None);
        let resolved: Vec<&str> =
            now.resolved.as_ref().expect("resolved").iter().map(|f| f.finding.resource.id.as_str()).collect();
        assert_eq!(resolved, ["vol-a", "vol-i"], "the unreadable state hides vol-m");
    }

    /// A baseline of two regions and two states; tonight's run is narrower in each way.
    #[test]
    fn issue_12_what_a_narrower_run_did_not_look_at_is_not_resolved() {
        let east = finding(FindingKind::Unmanaged, "vol-east", Severity::Warning);
        let west =
            in_region(finding(FindingKind::Unmanaged, "vol-west", Severity::Warning), "123456789012", "eu-west-1");
        let other_account =
            in_region(finding(FindingKind::Unmanaged, "vol-other", Severity::Warning), "210987654321", "us-east-1");
        let mut other_state = finding(FindingKind::Missing, "vol-app", Severity::Error);
        other_state.state =
            Some(StateRef { source: "s3://b/app.tfstate".into(), address: "aws_ebs_volume.app".into() });
        let mut qa = finding(FindingKind::DeletedEnv, "vol-qa", Severity::Error);
        qa.environment = Some("qa".into());
        let before = report(vec![east, west, other_account, other_state, qa.clone()], vec![]);

        // `--region us-east-1`, one state: only vol-east and vol-qa were looked at again.
        let mut now = report(vec![], vec![]);
        compare(&mut now, &before, None);
        let resolved: Vec<&str> =
            now.resolved.as_ref().expect("resolved").iter().map(|f| f.finding.resource.id.as_str()).collect();
        assert_eq!(resolved, ["vol-east", "vol-qa"]);
        assert_eq!(now.baseline.as_ref().map(|b| (b.out_of_scope, b.unknown)), Some((3, 0)));
        let line = now.baseline_line().expect("a line");
        assert!(line.contains("3 of its findings lie outside this run's scope"), "{line}");

        // The pairs listed decide, not every region of every account named.
        let mut now = report(vec![], vec![]);
        let mut listed = crate::inventory::Listed::default();
        listed.insert("123456789012", "us-east-1");
        listed.insert("210987654321", "eu-west-1");
        now.scope.accounts.push("210987654321".into());
        now.scope.regions.push("eu-west-1".into());
        now.scope.listed = Some(listed);
        compare(&mut now, &before, None);
        assert_eq!(now.baseline.as_ref().map(|b| b.out_of_scope), Some(3), "vol-west, vol-other, vol-app");

        // `--env dev`: the qa finding is another environment's.
        let mut now = report(vec![], vec![]);
        now.environment = Some(crate::checks::env_check::EnvCheck { environment: "dev".into(), ..Default::default() });
        compare(&mut now, &before, None);
        let resolved: Vec<&str> =
            now.resolved.as_ref().expect("resolved").iter().map(|f| f.finding.resource.id.as_str()).collect();
        assert_eq!(resolved, Vec::<&str>::new(), "vol-east has no environment, vol-qa is qa's");

        // `--shard`: an account of another shard is not this run's.
        let mut now = report(vec![], vec![]);
        let shard = (0..4).map(|index| crate::shard::Shard { index, count: 4 }).find(|s| !s.contains("123456789012"));
        now.scope.shard = shard;
        compare(&mut now, &before, None);
        assert_eq!(now.resolved.as_ref().map(Vec::len), Some(0));
    }

    #[test]
    fn a_file_that_is_not_a_report_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inventory.json");
        std::fs::write(&path, r#"{"schema": "leftover.inventory/v1", "resources": []}"#).expect("write");
        let msg = load(&path).expect_err("not a report").to_string();
        assert!(msg.contains("inventory.json") && msg.contains("leftover.inventory/v1"), "{msg}");
        std::fs::write(&path, "not json").expect("write");
        let msg = load(&path).expect_err("not json").to_string();
        assert!(msg.contains("inventory.json") && msg.contains("not a leftover report"), "{msg}");
        let msg = load(&dir.path().join("absent.json")).expect_err("absent").to_string();
        assert!(msg.contains("absent.json"), "{msg}");
        let good = report(vec![finding(FindingKind::Unmanaged, "vol-a", Severity::Warning)], vec![]);
        std::fs::write(&path, crate::report::json::render(&good)).expect("write");
        assert_eq!(load(&path).expect("a report"), good);
    }

    #[test]
    fn issue_14_a_v1_report_is_still_a_baseline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("last.json");
        let mut old = report(vec![finding(FindingKind::BlockingDependency, "sg-a", Severity::Warning)], vec![]);
        old.schema = "leftover.report/v1".into();
        old.findings[0].finding.order = vec!["sg-a".into(), "sg-b".into()];
        std::fs::write(&path, crate::report::json::render(&old)).expect("write");
        let loaded = load(&path).expect("a v1 report reads");
        assert_eq!(loaded.findings[0].finding.order, ["sg-a", "sg-b"]);
        let mut now = report(vec![finding(FindingKind::BlockingDependency, "sg-a", Severity::Warning)], vec![]);
        compare(&mut now, &loaded, None);
        assert_eq!(now.findings[0].status.as_deref(), Some("unchanged"));
    }
}
