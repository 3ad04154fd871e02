//! who: `scan --who`, wired: which findings are looked up in `CloudTrail` (leftovers for their
//! creator, drift for its last change), each in its own account and region, and how what
//! was found reads in the finding.

use std::collections::BTreeMap;

use crate::aws::AwsSession;
use crate::cli::pipeline::{Connect, Run};
use crate::model::FindingKind;
use crate::model::kinds::GLOBAL;
use crate::model::who::{Action, Via};
use crate::report::{Report, WhoSummary};
use crate::who::{self, Target};

/// What `--who` asks of a finding: its creator, its last change, or nothing.
fn action_of(kind: FindingKind) -> Option<Action> {
    match kind {
        FindingKind::Unmanaged | FindingKind::DeletedEnv | FindingKind::BlockingDependency => Some(Action::Created),
        FindingKind::Drift => Some(Action::Modified),
        _ => None,
    }
}

/// The region whose history holds a global kind's events: the partition's home region.
fn history_region(region: &str, arn: Option<&str>) -> String {
    if region != GLOBAL {
        return region.to_owned();
    }
    match arn.and_then(|a| a.split(':').nth(1)) {
        Some("aws-cn") => "cn-north-1".to_owned(),
        Some("aws-us-gov") => "us-gov-west-1".to_owned(),
        _ => "us-east-1".to_owned(),
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The session of each account listed. A saved inventory (`--inventory`) opened none: the
/// configured credentials' account is asked, as `scan` would list it.
async fn sessions<C: Connect>(run: &Run<'_>, connect: &C) -> BTreeMap<String, AwsSession> {
    let mut sessions = run.opened();
    if sessions.is_empty()
        && let Ok(account) = run.account(connect).await
    {
        sessions.insert(account, run.session(connect).await);
    }
    sessions
}

/// What to ask about a resource: in its account and the region whose history holds it, by
/// its id, then its ARN. `None` when its place is unknown.
fn target_of(r: &crate::model::finding::ResourceRef, action: Action) -> Option<Target> {
    let (Some(account), Some(region)) = (r.account.clone(), r.region.as_deref()) else { return None };
    let mut names = vec![r.id.clone()];
    names.extend(r.arn.clone().filter(|arn| *arn != r.id));
    Some(Target {
        account,
        region: history_region(region, r.arn.as_deref()),
        names,
        action,
        created: r.created.clone(),
    })
}

/// Who made each explained live resource, or last changed it when a finding says it drifted;
/// set on the explanation's resource.
pub async fn explain<C: Connect>(
    run: &Run<'_>,
    connect: &C,
    explanations: &mut [crate::checks::explanation::Explanation],
) {
    let now = now_secs();
    let mut targets = Vec::new();
    let mut at = Vec::new();
    for (n, e) in explanations.iter().enumerate() {
        let drifted = e.findings.iter().any(|f| f.kind == FindingKind::Drift);
        let action = if drifted { Action::Modified } else { Action::Created };
        let Some(target) = target_of(&e.resource, action) else { continue };
        targets.push(target);
        at.push(n);
    }
    if targets.is_empty() {
        return;
    }
    let outcome = who::look_up(&sessions(run, connect).await, &targets, now).await;
    for (n, w) in at.into_iter().zip(outcome.who) {
        explanations[n].resource.who = Some(w);
    }
}

/// Looks up the findings that have no creator yet (a baseline carries those it found) and
/// says who in each finding's reason.
pub async fn look_up<C: Connect>(run: &Run<'_>, connect: &C, report: &mut Report) {
    let now = now_secs();
    let (mut targets, mut at, mut carried) = (Vec::new(), Vec::new(), 0);
    for (n, f) in report.findings.iter().enumerate() {
        let Some(action) = action_of(f.finding.kind) else { continue };
        let r = &f.finding.resource;
        if r.who.is_some() {
            carried += 1;
            continue;
        }
        let Some(target) = target_of(r, action) else { continue };
        targets.push(target);
        at.push(n);
    }
    let outcome = if targets.is_empty() {
        who::Outcome::default()
    } else {
        who::look_up(&sessions(run, connect).await, &targets, now).await
    };
    for (n, w) in at.into_iter().zip(outcome.who) {
        report.findings[n].finding.resource.who = Some(w);
    }
    for f in &mut report.findings {
        let Some(w) = f.finding.resource.who.as_ref() else { continue };
        let mut sentence = w.sentence();
        let lost = w.found()
            && w.via == Some(Via::Terraform)
            && matches!(
                f.finding.kind,
                FindingKind::Unmanaged | FindingKind::DeletedEnv | FindingKind::BlockingDependency
            );
        if lost {
            sentence.push_str(", but no state declares it now: lost from state?");
        }
        f.finding.reason = format!("{}; {sentence}", f.finding.reason);
    }
    report.coverage.who =
        Some(WhoSummary { looked_up: targets.len(), carried, calls: outcome.calls, notes: outcome.notes });
}
