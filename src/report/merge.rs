//! merge: combines the reports of `scan --shard` runs (or of any scans of disjoint
//! accounts) into one. Scope and coverage are joined, findings are kept once per
//! fingerprint, and a shard whose report is missing makes the result incomplete. Pure.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::report::{Coverage, READABLE_SCHEMAS, REPORT_SCHEMA, Report, ReportFinding, Scope, StateScope};
use crate::checks::env_check::EnvCheck;
use crate::cost::{CostSummary, PriceSource};
use crate::inventory::{CoverageGap, GapCause, Listed};
use crate::model::kinds;

/// Reports that cannot be combined.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error("report {index} has schema {found:?}; leftover merges {REPORT_SCHEMA:?} and leftover.report/v1")]
    Schema { index: usize, found: String },
    #[error("reports split the accounts into different numbers of shards ({0} and {1})")]
    ShardCounts(u32, u32),
    #[error("report {0} was compared with a baseline; merge the shards' plain reports, with `merge --baseline`")]
    Baseline(usize),
    #[error("report {0} left out findings younger than --min-age; merge the shards' full reports")]
    MinAge(usize),
    #[error("report {0} is a check-destroy report; only scan reports are merged")]
    Destroy(usize),
    #[error("the reports check different environments ({0:?} and {1:?})")]
    Environments(String, String),
}

/// Combines reports into one, in the order given (the first wins where two disagree).
pub fn merge(reports: Vec<Report>) -> Result<Report, MergeError> {
    check(&reports)?;
    let generated_at = reports.iter().map(|r| r.generated_at.clone()).max().unwrap_or_default();
    let mut accounts = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let mut listed = Listed::default();
    let mut states: BTreeMap<String, StateScope> = BTreeMap::new();
    let mut gaps: Vec<CoverageGap> = Vec::new();
    let mut seen = HashSet::new();
    let mut findings: Vec<ReportFinding> = Vec::new();
    let mut blocked: Vec<crate::model::Blocked> = Vec::new();
    let mut ignored = 0;
    let mut links = 0;
    let mut withheld = 0;
    let mut shards: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let mut environment: Option<EnvCheck> = None;
    let mut prices: Option<(String, PriceSource)> = None;
    // Every shard reads the same states and lists the same kinds: the first says it.
    let mut kinds_listed = None;
    let mut not_listed = BTreeMap::new();
    for report in reports {
        kinds_listed = kinds_listed.or(report.coverage.kinds_listed);
        if not_listed.is_empty() {
            not_listed = report.coverage.not_listed;
        }
        if prices.is_none() {
            prices = report.cost.as_ref().map(|c| (c.currency.clone(), c.prices.clone()));
        }
        listed.extend(report.scope.listed());
        accounts.extend(report.scope.accounts);
        regions.extend(report.scope.regions);
        for state in report.scope.states {
            let entry = states.entry(state.source.clone()).or_insert_with(|| state.clone());
            if entry.environment.is_none() {
                entry.environment = state.environment;
            }
        }
        if let Some(shard) = report.scope.shard {
            shards.entry(shard.count).or_default().insert(shard.index);
        }
        gaps.extend(report.coverage.gaps);
        ignored += report.summary.get("ignored").copied().unwrap_or(0);
        // Every shard reads the same states and so sees the same links between them.
        links = links.max(report.summary.get("cross-state-links").copied().unwrap_or(0));
        withheld += report.summary.get("withheld").copied().unwrap_or(0);
        for finding in report.findings {
            if seen.insert(finding.fingerprint.clone()) {
                findings.push(finding);
            }
        }
        blocked.extend(report.blocked);
        environment = match (environment, report.environment) {
            (None, other) => other,
            (Some(mut all), Some(part)) => {
                join_env(&mut all, part);
                Some(all)
            }
            (Some(all), None) => Some(all),
        };
    }
    for (count, present) in shards {
        for index in (0..count).filter(|i| !present.contains(i)) {
            gaps.push(CoverageGap {
                service: "leftover".to_owned(),
                account: None,
                region: None,
                operation: "merge".to_owned(),
                error: format!("the report of shard {index}/{count} is missing: its accounts were not scanned"),
                cause: GapCause::Failed,
                object: None,
                kinds: kinds::ALL.iter().map(|k| k.spec.kind.to_owned()).collect(),
            });
        }
    }
    sort_gaps(&mut gaps);
    gaps.dedup();
    findings.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    // Shards cover disjoint accounts; the same entry twice (reports of overlapping scans)
    // is kept once, the first.
    blocked.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    blocked.dedup_by(|b, a| a.sort_key().cmp(&b.sort_key()).is_eq());
    let mut summary: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        *summary.entry(f.finding.kind.as_str().to_owned()).or_default() += 1;
    }
    if ignored > 0 {
        summary.insert("ignored".to_owned(), ignored);
    }
    if links > 0 {
        summary.insert("cross-state-links".to_owned(), links);
    }
    // Each shard withheld what its own gaps could change; the merged report still has
    // those gaps, so it withholds the same.
    if withheld > 0 {
        summary.insert("withheld".to_owned(), withheld);
    }
    // The shards priced their own findings; the total is summed again over the merged ones,
    // each resource once, the way a single run sums it.
    let cost = prices.map(|(currency, source)| {
        CostSummary::of(findings.iter().filter_map(|f| Some((&f.finding, f.cost.as_ref()?))), &currency, source)
    });
    Ok(Report {
        schema: REPORT_SCHEMA.to_owned(),
        generated_at,
        scope: Scope {
            accounts: accounts.into_iter().collect(),
            regions: regions.into_iter().collect(),
            listed: Some(listed),
            states: states.into_values().collect(),
            shard: None,
        },
        coverage: Coverage { kinds_listed, not_listed, ..Coverage::of(gaps) },
        summary,
        findings,
        blocked,
        resolved: None,
        environment,
        destroy: None,
        baseline: None,
        cost,
        younger: None,
    })
}

fn check(reports: &[Report]) -> Result<(), MergeError> {
    if reports.is_empty() {
        return Err(MergeError::Empty);
    }
    let mut count = None;
    let mut env: Option<&str> = None;
    for (n, report) in reports.iter().enumerate() {
        let index = n + 1;
        if !READABLE_SCHEMAS.contains(&report.schema.as_str()) {
            return Err(MergeError::Schema { index, found: report.schema.clone() });
        }
        if report.baseline.is_some() || report.resolved.is_some() || report.findings.iter().any(|f| f.status.is_some())
        {
            return Err(MergeError::Baseline(index));
        }
        if report.destroy.is_some() {
            return Err(MergeError::Destroy(index));
        }
        if report.younger.is_some() {
            return Err(MergeError::MinAge(index));
        }
        if let Some(shard) = report.scope.shard {
            match count {
                Some(c) if c != shard.count => return Err(MergeError::ShardCounts(c, shard.count)),
                _ => count = Some(shard.count),
            }
        }
        if let Some(check) = &report.environment {
            match env {
                Some(e) if e != check.environment => {
                    return Err(MergeError::Environments(e.to_owned(), check.environment.clone()));
                }
                _ => env = Some(&check.environment),
            }
        }
    }
    Ok(())
}

/// Adds one shard's environment check to another's: the accounts are disjoint, so counts
/// add up and each shard's deletion order stays valid when one follows the other.
fn join_env(all: &mut EnvCheck, part: EnvCheck) {
    for state in part.states {
        if !all.states.contains(&state) {
            all.states.push(state);
        }
    }
    all.states.sort();
    all.remaining += part.remaining;
    for (reason, n) in part.by_reason {
        *all.by_reason.entry(reason).or_default() += n;
    }
    all.deletion_order.extend(part.deletion_order);
}

fn sort_gaps(gaps: &mut [CoverageGap]) {
    gaps.sort_by(|a, b| {
        (&a.account, &a.region, &a.service, &a.operation, &a.object, &a.error).cmp(&(
            &b.account,
            &b.region,
            &b.service,
            &b.operation,
            &b.object,
            &b.error,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{FindingKind, Outcome};
    use crate::model::finding::{Finding, ResourceRef};
    use crate::shard::Shard;

    fn finding(kind: FindingKind, id: &str, account: &str) -> Finding {
        Finding::new(
            kind,
            kind.default_severity(),
            ResourceRef {
                kind: "ec2:volume".into(),
                id: id.into(),
                arn: Some(format!("arn:aws:ec2:us-east-1:{account}:volume/{id}")),
                region: Some("us-east-1".into()),
                account: Some(account.into()),
                tags: crate::model::Tags::new(),
                created: None,
                who: None,
            },
            "no state declares it",
        )
    }

    fn report(account: &str, shard: Option<Shard>, findings: Vec<Finding>, gaps: Vec<CoverageGap>) -> Report {
        let scope = Scope {
            accounts: vec![account.into()],
            regions: vec!["us-east-1".into()],
            listed: None,
            states: vec![StateScope { source: "s3://b/k".into(), resources: 3, environment: None }],
            shard,
        };
        let outcome = Outcome { findings, ignored: 1, ..Outcome::default() };
        Report::new(format!("2026-11-25T02:00:0{}Z", account.len() % 10), scope, gaps, outcome)
    }

    fn gap(account: &str) -> CoverageGap {
        CoverageGap {
            service: "ec2".into(),
            account: Some(account.into()),
            region: Some("us-east-1".into()),
            operation: "DescribeVolumes".into(),
            error: "AccessDenied".into(),
            cause: GapCause::Denied,
            object: None,
            kinds: vec!["ec2:volume".into()],
        }
    }

    #[test]
    fn shards_combine_into_one_report_without_duplicates() {
        let shared = finding(FindingKind::CrossState, "vol-s", "111111111111");
        let a = report(
            "111111111111",
            Some(Shard { index: 0, count: 2 }),
            vec![finding(FindingKind::Unmanaged, "vol-a", "111111111111"), shared.clone()],
            vec![],
        );
        let b = report(
            "222222222222",
            Some(Shard { index: 1, count: 2 }),
            vec![finding(FindingKind::Missing, "vol-b", "222222222222"), shared],
            vec![gap("222222222222")],
        );
        let merged = merge(vec![a, b]).expect("merges");
        assert_eq!(merged.scope.accounts, vec!["111111111111", "222222222222"]);
        assert_eq!(merged.scope.states.len(), 1);
        assert_eq!(merged.scope.shard, None);
        assert_eq!(merged.findings.len(), 3);
        assert_eq!(merged.summary.get("cross-state"), Some(&1));
        assert_eq!(merged.summary.get("ignored"), Some(&2));
        assert!(!merged.coverage.complete);
        assert_eq!(merged.coverage.gaps, vec![gap("222222222222")]);
        let kinds: Vec<FindingKind> = merged.findings.iter().map(|f| f.finding.kind).collect();
        assert_eq!(kinds, vec![FindingKind::Unmanaged, FindingKind::Missing, FindingKind::CrossState]);
    }

    #[test]
    fn issue_12_merge_keeps_what_the_shards_withheld_and_the_pairs_they_listed() {
        let mut a = report("111111111111", Some(Shard { index: 0, count: 2 }), vec![], vec![gap("111111111111")]);
        a.summary.insert("withheld".into(), 3);
        let mut b = report("222222222222", Some(Shard { index: 1, count: 2 }), vec![], vec![gap("222222222222")]);
        b.summary.insert("withheld".into(), 4);
        b.scope.regions = vec!["eu-west-1".into()];
        let merged = merge(vec![a, b]).expect("merges");
        assert_eq!(merged.summary.get("withheld"), Some(&7));
        assert_eq!(merged.scope.regions, vec!["eu-west-1", "us-east-1"]);
        assert!(merged.scope.was_listed("111111111111", "us-east-1"));
        assert!(merged.scope.was_listed("222222222222", "eu-west-1"));
        assert!(!merged.scope.was_listed("111111111111", "eu-west-1"), "not every region of every account");
        assert!(!merged.scope.was_listed("222222222222", "us-east-1"));
    }

    #[test]
    fn a_missing_shard_makes_the_merge_incomplete() {
        let a = report("111111111111", Some(Shard { index: 0, count: 3 }), vec![], vec![]);
        let c = report("333333333333", Some(Shard { index: 2, count: 3 }), vec![], vec![]);
        let merged = merge(vec![a, c]).expect("merges");
        assert!(!merged.coverage.complete);
        assert_eq!(merged.coverage.gaps.len(), 1);
        assert!(merged.coverage.gaps[0].error.contains("shard 1/3"), "{:?}", merged.coverage.gaps);
    }

    #[test]
    fn reports_that_cannot_be_combined_are_refused() {
        let a = report("111111111111", Some(Shard { index: 0, count: 2 }), vec![], vec![]);
        let b = report("222222222222", Some(Shard { index: 1, count: 3 }), vec![], vec![]);
        assert_eq!(merge(vec![a.clone(), b]), Err(MergeError::ShardCounts(2, 3)));
        let mut old = a.clone();
        old.schema = "leftover.report/v0".into();
        assert!(matches!(merge(vec![old]), Err(MergeError::Schema { index: 1, .. })));
        let mut compared = a;
        compared.resolved = Some(Vec::new());
        assert_eq!(merge(vec![compared]), Err(MergeError::Baseline(1)));
        assert_eq!(merge(Vec::new()), Err(MergeError::Empty));
    }

    #[test]
    fn issue_13_a_report_that_left_young_findings_out_is_refused() {
        let mut aged = report("111111111111", None, vec![], vec![]);
        aged.younger = Some(crate::report::report::Younger { min_age: "7d".parse().expect("age"), findings: vec![] });
        let err = merge(vec![aged]).expect_err("refused");
        assert_eq!(err, MergeError::MinAge(1));
        assert!(err.to_string().contains("--min-age"), "{err}");
    }

    #[test]
    fn issue_14_v1_and_v2_reports_merge_and_each_blocked_entry_is_kept_once() {
        let blocked = |account: &str| crate::model::Blocked {
            kind: "ec2:vpc".into(),
            id: "vpc-1".into(),
            arn: None,
            account: Some(account.into()),
            region: Some("us-east-1".into()),
            state: None,
            order: vec!["sg-1".into(), "sg-2".into()],
        };
        let mut old = report("111111111111", Some(Shard { index: 0, count: 2 }), vec![], vec![]);
        old.schema = "leftover.report/v1".into();
        let mut new = report("222222222222", Some(Shard { index: 1, count: 2 }), vec![], vec![]);
        new.blocked = vec![blocked("222222222222"), blocked("222222222222")];
        let merged = merge(vec![old, new]).expect("v1 and v2 merge");
        assert_eq!(merged.schema, REPORT_SCHEMA);
        assert_eq!(merged.blocked, [blocked("222222222222")]);
    }
}
