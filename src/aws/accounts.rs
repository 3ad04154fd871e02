//! accounts: which accounts a scan covers and a session for each. Accounts come from
//! `--role-arn` (the account is the role's) and `--org-role` (every active account of the
//! organisation, through `organizations:ListAccounts`); each is reached by assuming a role
//! through STS with the guarded client. An account whose role cannot be assumed becomes a
//! coverage gap naming it; the others are scanned. Never changes anything in an account.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, error::CredentialsError, future};
use tokio::sync::{Mutex, Semaphore};

use super::failure::{self, Failure};
use super::session::AwsSession;
use crate::bounded::Bounded;
use crate::model::{CoverageGap, GapCause, kinds};
use crate::shard::Shard;

/// The session name leftover's assumed-role sessions carry (visible in `CloudTrail`).
pub const SESSION_NAME: &str = "leftover";

/// Roles assumed at once while opening accounts.
const ASSUMES_AT_ONCE: usize = 16;

/// Credentials are renewed when they have less than this left.
const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Which accounts to scan, besides (or instead of) the one the credentials are in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountPlan {
    /// Roles to assume, one account each (`--role-arn`).
    pub role_arns: Vec<String>,
    /// Role name to assume in every active account of the organisation (`--org-role`).
    pub org_role: Option<String>,
    /// External id passed when assuming those roles (`--external-id`).
    pub external_id: Option<String>,
}

impl AccountPlan {
    /// Whether accounts are reached through roles rather than the credentials' own account.
    pub fn uses_roles(&self) -> bool {
        !self.role_arns.is_empty() || self.org_role.is_some()
    }
}

/// One account to scan and the role that reaches it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub account: String,
    pub role_arn: String,
}

/// The parts of an IAM role ARN: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleArn<'a> {
    pub partition: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

/// Reads a role ARN, or says what is wrong with it.
pub fn parse_role_arn(arn: &str) -> Result<RoleArn<'_>, String> {
    let bad = |why: &str| format!("{arn:?} is not an IAM role ARN ({why}); expected arn:aws:iam::ACCOUNT:role/NAME");
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return Err(bad("too few fields"));
    };
    if *prefix != "arn" || partition.is_empty() || *service != "iam" || !region.is_empty() {
        return Err(bad("not arn:PARTITION:iam::"));
    }
    if !is_account_id(account) {
        return Err(bad("the account is not 12 digits"));
    }
    let name = resource.strip_prefix("role/").filter(|n| !n.is_empty() && !n.ends_with('/'));
    let Some(name) = name else { return Err(bad("the resource is not role/NAME")) };
    Ok(RoleArn { partition, account, name })
}

/// Whether `id` is a 12-digit AWS account id.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The ARN of role `name` (which may carry a path) in `account`.
pub fn role_in(partition: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:iam::{account}:role/{}", name.trim_start_matches('/'))
}

/// The targets of a plan: `--role-arn` roles, then each organisation account (unless a
/// `--role-arn` already names it), sorted by account and kept to `shard`.
pub fn targets(plan: &AccountPlan, org_accounts: &[String], partition: &str, shard: Option<Shard>) -> Vec<Target> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for arn in &plan.role_arns {
        if let Ok(role) = parse_role_arn(arn) {
            out.entry(role.account.to_owned()).or_insert_with(|| arn.clone());
        }
    }
    if let Some(name) = &plan.org_role {
        for account in org_accounts {
            out.entry(account.clone()).or_insert_with(|| role_in(partition, account, name));
        }
    }
    out.into_iter()
        .filter(|(account, _)| shard.is_none_or(|s| s.contains(account)))
        .map(|(account, role_arn)| Target { account, role_arn })
        .collect()
}

/// The partition of the credentials' own identity ARN (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition_of(identity_arn: &str) -> &str {
    identity_arn.split(':').nth(1).filter(|p| !p.is_empty()).unwrap_or("aws")
}

/// The organisation's active accounts (suspended, closed and pending ones are left out),
/// and the partition their ARNs name.
pub async fn org_accounts(base: &AwsSession) -> Result<(Vec<String>, String), Failure> {
    use aws_sdk_organizations::types::{AccountState, AccountStatus};
    let client = base.organizations();
    let mut pages = client.list_accounts().into_paginator().send();
    let mut out = Vec::new();
    let mut partition = None;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|err| failure::failure("organizations", "ListAccounts", &all_kinds(), &err))?;
        for account in page.accounts() {
            let active = match (account.state(), account.status()) {
                (Some(state), _) => *state == AccountState::Active,
                (None, Some(status)) => *status == AccountStatus::Active,
                (None, None) => false,
            };
            if partition.is_none() {
                partition = account.arn().map(|arn| partition_of(arn).to_owned());
            }
            if let Some(id) = account.id().filter(|_| active) {
                out.push(id.to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok((out, partition.unwrap_or_else(|| "aws".to_owned())))
}

fn all_kinds() -> Vec<&'static str> {
    kinds::ALL.iter().map(|k| k.spec.kind).collect()
}

/// Assumed-role credentials, renewed through the guarded STS client when they run low.
#[derive(Debug)]
struct AssumedRole {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    external_id: Option<String>,
    current: Mutex<Option<Credentials>>,
}

impl AssumedRole {
    async fn call(&self) -> Result<Credentials, Failure> {
        let out = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(SESSION_NAME)
            .set_external_id(self.external_id.clone())
            .send()
            .await
            .map_err(|err| failure::failure("sts", "AssumeRole", &all_kinds(), &err))?;
        let Some(c) = out.credentials() else {
            return Err(Failure {
                service: "sts",
                operation: "AssumeRole",
                cause: GapCause::Failed,
                message: "AssumeRole returned no credentials".to_owned(),
                kinds: all_kinds().into_iter().map(str::to_owned).collect(),
            });
        };
        let expiry = SystemTime::try_from(*c.expiration()).ok();
        Ok(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            expiry,
            "leftover-assume-role",
        ))
    }

    async fn fresh(&self) -> Result<Credentials, Failure> {
        let mut current = self.current.lock().await;
        if let Some(creds) = current.as_ref() {
            let valid = creds.expiry().is_none_or(|at| at > SystemTime::now() + RENEW_BEFORE);
            if valid {
                return Ok(creds.clone());
            }
        }
        let creds = self.call().await?;
        *current = Some(creds.clone());
        Ok(creds)
    }
}

impl ProvideCredentials for AssumedRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.fresh().await.map_err(|f| {
                CredentialsError::provider_error(format!("cannot assume {}: {}", self.role_arn, f.message))
            })
        })
    }
}

/// Assumes `role_arn` from `base` and returns a session in the role's account. The first
/// call is made here, so a role that cannot be assumed fails now, with its reason.
pub async fn assume(base: &AwsSession, role_arn: &str, external_id: Option<&str>) -> Result<AwsSession, Failure> {
    let region = base.region().unwrap_or_else(|| "us-east-1".to_owned());
    let provider = AssumedRole {
        sts: base.sts_in(&region),
        role_arn: role_arn.to_owned(),
        external_id: external_id.map(str::to_owned),
        current: Mutex::new(None),
    };
    provider.fresh().await?;
    Ok(base.with_credentials(SharedCredentialsProvider::new(provider)))
}

/// What was opened in each account that could be (a session, its regions), and a gap for
/// each that could not.
#[derive(Debug)]
pub struct Opened<T> {
    pub accounts: BTreeMap<String, T>,
    pub gaps: Vec<CoverageGap>,
}

/// Opens every target, a bounded number at once, with `open` (`assume` and the account's
/// regions, or a fake in tests).
pub async fn open_all<T, F, Fut>(targets: Vec<Target>, open: F) -> Opened<T>
where
    T: Send + 'static,
    F: Fn(Target) -> Fut,
    Fut: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let limit = Arc::new(Semaphore::new(ASSUMES_AT_ONCE));
    let mut opening = Bounded::new();
    for target in targets {
        let label = (target.account.clone(), target.role_arn.clone());
        opening.spawn(label, &limit, open(target));
    }
    let mut opened = Opened { accounts: BTreeMap::new(), gaps: Vec::new() };
    for ((account, role), outcome) in opening.join_all().await {
        match outcome {
            Ok(Ok(value)) => {
                opened.accounts.insert(account, value);
            }
            Ok(Err(f)) => {
                let mut gap = f.into_gap(&account, None);
                if gap.service == "sts" {
                    gap.error = format!("cannot assume {role}: {}", gap.error);
                }
                opened.gaps.push(gap);
            }
            Err(lost) => opened.gaps.push(CoverageGap {
                service: "sts".to_owned(),
                account: Some(account),
                region: None,
                operation: "AssumeRole".to_owned(),
                error: format!("opening the account through {role} failed: {lost}"),
                cause: GapCause::Failed,
                object: None,
                kinds: all_kinds().into_iter().map(str::to_owned).collect(),
            }),
        }
    }
    opened.gaps.sort_by(|a, b| a.account.cmp(&b.account));
    opened
}

/// The regions of `regions` that are enabled: opted in, or needing no opt-in.
pub fn enabled_regions(regions: &[aws_sdk_ec2::types::Region]) -> Vec<String> {
    let mut out: Vec<String> = regions
        .iter()
        .filter(|r| r.opt_in_status().is_none_or(|s| s != "not-opted-in"))
        .filter_map(|r| r.region_name().map(str::to_owned))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The regions enabled for the account of `session` (`ec2:DescribeRegions` from `home`).
pub async fn account_regions(session: &AwsSession, home: &str) -> Result<Vec<String>, Failure> {
    let out = session
        .ec2(home)
        .describe_regions()
        .send()
        .await
        .map_err(|err| failure::failure("ec2", "DescribeRegions", &all_kinds(), &err))?;
    Ok(enabled_regions(out.regions()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ApiStats;

    #[test]
    fn role_arns_are_read_strictly() {
        let role = parse_role_arn("arn:aws:iam::111122223333:role/audit/leftover-read").expect("valid");
        assert_eq!(role, RoleArn { partition: "aws", account: "111122223333", name: "audit/leftover-read" });
        assert_eq!(parse_role_arn("arn:aws-cn:iam::111122223333:role/r").expect("valid").partition, "aws-cn");
        for bad in [
            "arn:aws:iam::1111:role/r",
            "arn:aws:iam::111122223333:user/r",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:sts::111122223333:role/r",
            "arn:aws:iam:us-east-1:111122223333:role/r",
            "audit",
        ] {
            assert!(parse_role_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_join_role_arns_and_the_organisation() {
        let plan = AccountPlan {
            role_arns: vec!["arn:aws:iam::222222222222:role/custom".into()],
            org_role: Some("audit".into()),
            external_id: None,
        };
        let org = vec!["111111111111".to_owned(), "222222222222".to_owned()];
        let all = targets(&plan, &org, "aws", None);
        assert_eq!(
            all,
            vec![
                Target { account: "111111111111".into(), role_arn: "arn:aws:iam::111111111111:role/audit".into() },
                Target { account: "222222222222".into(), role_arn: "arn:aws:iam::222222222222:role/custom".into() },
            ]
        );
        let (a, b) = (Shard { index: 0, count: 2 }, Shard { index: 1, count: 2 });
        let mut both = targets(&plan, &org, "aws", Some(a));
        both.extend(targets(&plan, &org, "aws", Some(b)));
        both.sort();
        assert_eq!(both, all, "the shards of a plan cover it exactly");
    }

    #[test]
    fn only_enabled_regions_are_scanned() {
        use aws_sdk_ec2::types::Region;
        let region = |name: &str, status: Option<&str>| {
            Region::builder().region_name(name).set_opt_in_status(status.map(str::to_owned)).build()
        };
        let regions = [
            region("us-east-1", Some("opt-in-not-required")),
            region("af-south-1", Some("not-opted-in")),
            region("ap-east-1", Some("opted-in")),
            region("eu-west-1", None),
        ];
        assert_eq!(enabled_regions(&regions), vec!["ap-east-1", "eu-west-1", "us-east-1"]);
    }

    #[tokio::test]
    async fn an_account_that_cannot_be_opened_is_a_gap_and_the_rest_are_opened() {
        let stats = Arc::new(ApiStats::default());
        let targets = vec![
            Target { account: "111111111111".into(), role_arn: "arn:aws:iam::111111111111:role/audit".into() },
            Target { account: "222222222222".into(), role_arn: "arn:aws:iam::222222222222:role/audit".into() },
        ];
        let opened = open_all(targets, |target| {
            let stats = stats.clone();
            async move {
                if target.account == "222222222222" {
                    Err(Failure {
                        service: "sts",
                        operation: "AssumeRole",
                        cause: GapCause::Denied,
                        message: "AccessDenied: not authorized".into(),
                        kinds: vec!["ec2:vpc".into()],
                    })
                } else {
                    Ok(AwsSession::from_config(aws_config::SdkConfig::builder().build(), stats))
                }
            }
        })
        .await;
        assert_eq!(opened.accounts.keys().collect::<Vec<_>>(), vec!["111111111111"]);
        assert_eq!(opened.gaps.len(), 1);
        let gap = &opened.gaps[0];
        assert_eq!(gap.account.as_deref(), Some("222222222222"));
        assert_eq!(gap.cause, GapCause::Denied);
        assert!(gap.error.contains("arn:aws:iam::222222222222:role/audit"), "{}", gap.error);
        assert!(gap.covers("ec2:vpc", "222222222222", "us-east-1"));
    }
}
