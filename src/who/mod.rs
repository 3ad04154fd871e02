//! who: who made each leftover and who last changed each drifted resource, from `CloudTrail`'s
//! event history (`LookupEvents`, management events of the last 90 days, in the resource's
//! own account and region), for `scan --who`. Only findings are looked up, never the whole
//! inventory, and at the rate `CloudTrail` allows: two requests a second per account and
//! region, one region's lookups one after another, regions side by side. A lookup that
//! fails is a note, never a withheld finding: the findings stand without their creator.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::aws::AwsSession;
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::model::who::{Action, Via, Who};
use crate::model::{CoverageGap, GapCause};

pub const CLOUDTRAIL: Service = Service {
    name: "cloudtrail",
    signing: "cloudtrail",
    endpoint: Endpoint::Regional("cloudtrail"),
    protocol: Protocol::Json { target: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101" },
};

/// `LookupEvents` calls allowed per second, per account and region.
pub const CALLS_PER_SECOND: u32 = 2;

/// How far back `CloudTrail`'s event history goes.
pub const HISTORY_DAYS: i64 = 90;

/// Pages of 50 events read per name before giving up on finding the creating one.
const PAGES_PER_NAME: usize = 4;

/// One resource to look up: where, by which names (its id, then its ARN), for what.
#[derive(Clone, Debug)]
pub struct Target {
    pub account: String,
    pub region: String,
    pub names: Vec<String>,
    pub action: Action,
    /// When AWS says it was made, if it says: older than the history, nothing is asked.
    pub created: Option<String>,
}

/// What the lookups found, in the targets' order, and what they cost.
#[derive(Debug, Default)]
pub struct Outcome {
    pub who: Vec<Who>,
    /// `LookupEvents` calls made.
    pub calls: u64,
    /// Notes for what could not be looked up (denied, throttled, failed): the scan's
    /// findings stand; only their creators are missing.
    pub notes: Vec<CoverageGap>,
}

/// Looks every target up, each account and region at `CloudTrail`'s rate, the regions side by
/// side. `now` is the scan's time in seconds since the epoch.
pub async fn look_up(sessions: &BTreeMap<String, AwsSession>, targets: &[Target], now: i64) -> Outcome {
    let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, t) in targets.iter().enumerate() {
        groups.entry((t.account.as_str(), t.region.as_str())).or_default().push(i);
    }
    let mut running = tokio::task::JoinSet::new();
    let mut who: Vec<Option<Who>> = vec![None; targets.len()];
    let mut outcome = Outcome::default();
    for ((account, region), members) in groups {
        let Some(session) = sessions.get(account) else {
            for i in members {
                who[i] = Some(Who::unknown(targets[i].action, format!("no session for account {account}")));
            }
            continue;
        };
        let client = session.raw(CLOUDTRAIL, region);
        let group: Vec<(usize, Target)> = members.into_iter().map(|i| (i, targets[i].clone())).collect();
        running.spawn(look_up_region(client, group, now));
    }
    while let Some(done) = running.join_next().await {
        let Ok((found, calls, note)) = done else { continue };
        outcome.calls += calls;
        outcome.notes.extend(note);
        for (i, w) in found {
            who[i] = Some(w);
        }
    }
    outcome.who = who
        .into_iter()
        .zip(targets)
        .map(|(w, t)| w.unwrap_or_else(|| Who::unknown(t.action, "the lookup was lost")))
        .collect();
    outcome
}

/// One account and region's lookups, one after another at `CloudTrail`'s rate.
async fn look_up_region(
    client: RawClient,
    group: Vec<(usize, Target)>,
    now: i64,
) -> (Vec<(usize, Who)>, u64, Option<CoverageGap>) {
    let spacing = Duration::from_millis(1000 / u64::from(CALLS_PER_SECOND));
    let mut next = tokio::time::Instant::now();
    let mut calls = 0;
    let mut found = Vec::with_capacity(group.len());
    let mut failed: Option<(GapCause, String)> = None;
    let oldest = now - HISTORY_DAYS * 86_400;
    for (i, target) in group {
        if let Some((cause, _)) = &failed {
            found.push((
                i,
                Who::unknown(
                    target.action,
                    format!("CloudTrail's history was not readable here ({})", format!("{cause:?}").to_lowercase()),
                ),
            ));
            continue;
        }
        if target.action == Action::Created
            && let Some(created) = target.created.as_deref()
            && epoch_of(created).is_some_and(|at| at < oldest)
        {
            let day = created.get(..10).unwrap_or(created);
            let why = format!("made on {day}, before CloudTrail's {HISTORY_DAYS}-day history");
            found.push((i, Who::unknown(target.action, why)));
            continue;
        }
        let mut result = None;
        'names: for name in &target.names {
            let mut token: Option<String> = None;
            let mut candidate: Option<Who> = None;
            for _ in 0..PAGES_PER_NAME {
                tokio::time::sleep_until(next).await;
                next = tokio::time::Instant::now() + spacing;
                let mut body = json!({
                    "LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": name}],
                    "MaxResults": 50,
                    "StartTime": oldest,
                });
                if let Some(token) = &token {
                    body["NextToken"] = Value::from(token.as_str());
                }
                calls += 1;
                let page = match client.json("LookupEvents", &body).await {
                    Ok(page) => page,
                    Err(err) => {
                        let (cause, message) = crate::aws::failure::describe(&err);
                        failed = Some((cause, message));
                        break 'names;
                    }
                };
                for event in page.get("Events").and_then(Value::as_array).into_iter().flatten() {
                    let Some(w) = who_of(event, target.action) else { continue };
                    match target.action {
                        // Newest first: the last creating event seen is the first made.
                        Action::Created => candidate = Some(w),
                        Action::Modified => {
                            result = Some(w);
                            break 'names;
                        }
                    }
                }
                match page.get("NextToken").and_then(Value::as_str).filter(|t| !t.is_empty()) {
                    Some(more) => token = Some(more.to_owned()),
                    None => break,
                }
            }
            if candidate.is_some() {
                result = candidate;
                break;
            }
        }
        let w = match (&failed, result) {
            (_, Some(w)) => w,
            (Some((cause, _)), None) => Who::unknown(
                target.action,
                format!("CloudTrail's history was not readable here ({})", format!("{cause:?}").to_lowercase()),
            ),
            (None, None) => {
                Who::unknown(target.action, format!("no CloudTrail event names it in the last {HISTORY_DAYS} days"))
            }
        };
        found.push((i, w));
    }
    let note = failed.map(|(cause, message)| CoverageGap {
        service: "cloudtrail".to_owned(),
        account: None,
        region: Some(client.region().to_owned()),
        operation: "LookupEvents".to_owned(),
        error: format!("who made the findings here is unknown (the findings stand): {message}"),
        cause,
        object: None,
        kinds: Vec::new(),
    });
    (found, calls, note)
}

/// Seconds since the epoch of an RFC 3339 time.
fn epoch_of(at: &str) -> Option<i64> {
    aws_smithy_types::DateTime::from_str(at, aws_smithy_types::date_time::Format::DateTime).ok().map(|t| t.secs())
}

/// Whether an event made the resource it names (`CreateSecurityGroup`, `RunInstances`,
/// `PutParameter`), not only tagged it.
fn creates(event: &str) -> bool {
    const VERBS: &[&str] = &["Create", "Run", "Allocate", "Register", "Request", "Import", "Put", "Copy"];
    VERBS.iter().any(|v| event.starts_with(v)) && !event.contains("Tag")
}

/// Who an event (an item of `LookupEvents`' `Events`) says acted, when it is the kind of
/// event asked for: a creating call, or any call that changes something.
pub fn who_of(event: &Value, action: Action) -> Option<Who> {
    let name = event.get("EventName").and_then(Value::as_str)?;
    let read_only = event.get("ReadOnly").and_then(Value::as_str) == Some("true");
    let wanted = match action {
        Action::Created => creates(name),
        Action::Modified => {
            !read_only && !name.starts_with("Describe") && !name.starts_with("List") && !name.starts_with("Get")
        }
    };
    if !wanted {
        return None;
    }
    let detail: Value =
        event.get("CloudTrailEvent").and_then(Value::as_str).and_then(|s| serde_json::from_str(s).ok())?;
    let identity = &detail["userIdentity"];
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    let invoked_by = text(identity, "invokedBy");
    let (mut principal, mut role, mut person) = (None, None, None);
    match identity.get("type").and_then(Value::as_str).unwrap_or_default() {
        "AssumedRole" => {
            let arn = text(identity, "arn").unwrap_or_default();
            if let Some((r, session)) = arn.split_once(":assumed-role/").and_then(|(_, rest)| rest.split_once('/')) {
                if r.starts_with("AWSReservedSSO_") {
                    person = Some(session.to_owned());
                }
                role = Some(r.to_owned());
                principal = Some(format!("{r}/{session}"));
            }
        }
        "IAMUser" => principal = text(identity, "userName"),
        "Root" => principal = Some("root".to_owned()),
        "AWSService" => principal.clone_from(&invoked_by),
        _ => principal = text(identity, "arn").or_else(|| text(identity, "principalId")),
    }
    let agent = text(&detail, "userAgent").unwrap_or_default();
    let service_made = identity.get("type").and_then(Value::as_str) == Some("AWSService");
    let at = text(&detail, "eventTime").or_else(|| {
        let secs = event.get("EventTime").and_then(Value::as_f64)?;
        #[allow(clippy::cast_possible_truncation)]
        aws_smithy_types::DateTime::from_secs(secs as i64).fmt(aws_smithy_types::date_time::Format::DateTime).ok()
    });
    Some(Who {
        action,
        principal,
        person,
        role,
        at,
        event: Some(name.to_owned()),
        via: Some(via_of(&agent, invoked_by.as_deref(), service_made)),
        source: text(&detail, "sourceIPAddress"),
        unknown: None,
    })
}

/// How a call was made, from its user agent (and the service that made it, if one did).
pub fn via_of(agent: &str, invoked_by: Option<&str>, service_made: bool) -> Via {
    let agent = agent.to_ascii_lowercase();
    if agent.contains("terraform") {
        Via::Terraform
    } else if agent.contains("cloudformation") || invoked_by == Some("cloudformation.amazonaws.com") {
        Via::Cloudformation
    } else if agent.contains("aws-cli/") {
        Via::AwsCli
    } else if agent.starts_with("mozilla/")
        || agent.contains("console.amazonaws.com")
        || agent.contains("signin.amazonaws.com")
        || agent == "aws internal"
    {
        Via::Console
    } else if agent.contains("aws-sdk") || agent.contains("boto3") || agent.contains("botocore") {
        Via::Sdk
    } else if service_made || agent.ends_with(".amazonaws.com") {
        Via::AwsService
    } else {
        Via::Unknown
    }
}

#[cfg(test)]
mod tests;
