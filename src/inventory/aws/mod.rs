//! aws: the collector that lists a region of an account through the AWS SDK. Listings run
//! concurrently, bounded per service, each under the scan's deadline; a listing that fails
//! becomes a coverage gap and the rest go on.

/// Runs a paginated request of `$service`, handing each page to `$body` with `$ctx`
/// known (the first request goes before the account is known); a failed page ends the
/// listing and records a failure naming the operation and the kinds it leaves incomplete.
///
/// Page by page, never item by item: a page's items are read in one go, with one wait on
/// the paginator and on the account. Item by item, a page of a hundred spends the task's
/// share of the runtime on a hundred waits, and the task is put behind the answers being
/// read on every worker before it asks for the next page: tens of milliseconds, each page
/// of a chain (the tagging API's, a region's longest).
macro_rules! pages {
    ($service:literal, $out:ident, $ctx:ident, $request:expr, $op:literal, $kinds:expr, |$page:ident| $body:block) => {{
        let mut stream = $request.into_paginator().send();
        while let Some(result) = stream.next().await {
            match result {
                Ok($page) => {
                    let Some($ctx) = $ctx.known().await else { break };
                    $body
                }
                Err(err) => {
                    $out.failures.push($crate::aws::failure::failure($service, $op, $kinds, &err));
                    break;
                }
            }
        }
    }};
}

pub(crate) mod acm;
pub(crate) mod apigateway;
pub(crate) mod autoscaling;
mod chain;
pub(crate) mod cloudformation;
pub(crate) mod cloudfront;
pub(crate) mod cloudwatch;
pub(crate) mod dynamodb;
pub(crate) mod ec2;
pub(crate) mod ecr;
pub(crate) mod ecs;
pub(crate) mod efs;
pub(crate) mod eks;
pub(crate) mod elasticache;
pub(crate) mod elb;
pub(crate) mod iam;
pub(crate) mod kms;
pub(crate) mod lambda;
pub(crate) mod logs;
mod raw_pages;
pub(crate) mod rds;
pub(crate) mod route53;
pub(crate) mod s3;
pub(crate) mod secretsmanager;
pub(crate) mod sns;
pub(crate) mod sqs;
pub(crate) mod ssm;
pub(crate) mod tagging;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::aws::{AwsSession, Failure};

use super::collector::{Collector, Progress, RegionScope};
use super::{GapCause, Inventory, LiveResource, link};
use crate::bounded::Bounded;
use crate::model::kinds::GLOBAL;

/// The id of the account a listing runs in: known from the start, or named later (STS
/// answers beside the first listings, so that no listing waits for it to send).
#[derive(Clone, Debug)]
pub struct AccountId(tokio::sync::watch::Receiver<Option<String>>);

impl AccountId {
    pub fn known(account: &str) -> Self {
        Self(tokio::sync::watch::channel(Some(account.to_owned())).1)
    }

    /// An account named later, through the sender: dropped without naming it, the
    /// listings waiting for it end with what they have (the run fails as a whole then).
    pub fn pending() -> (tokio::sync::watch::Sender<Option<String>>, Self) {
        let (name, id) = tokio::sync::watch::channel(None);
        (name, Self(id))
    }

    /// The id, once named.
    pub async fn get(&self) -> Option<String> {
        let mut id = self.0.clone();
        id.wait_for(Option::is_some).await.ok().and_then(|id| id.clone())
    }
}

/// Account and region a listing runs in. A listing sends its first request at once and
/// waits for the account (`Ctx::known`) only to read what came back.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub account: AccountId,
    pub region: String,
}

/// Account and region, the account known.
#[derive(Clone, Debug)]
pub struct Known {
    pub account: String,
    pub region: String,
}

impl Ctx {
    /// Account and region once the account is known; `None` when it never will be.
    pub async fn known(&self) -> Option<Known> {
        Some(Known { account: self.account.get().await?, region: self.region.clone() })
    }
}

/// What one listing found, and what it could not list.
#[derive(Debug, Default)]
pub struct Listing {
    pub resources: Vec<LiveResource>,
    pub failures: Vec<Failure>,
}

type ListingFuture = Pin<Box<dyn Future<Output = Listing> + Send>>;

struct Task {
    service: &'static str,
    operation: &'static str,
    kinds: Vec<String>,
    future: ListingFuture,
    /// Runs on the chain runtime (`chain`): each of its calls needs the answer before.
    chained: bool,
    /// Lists a global kind, once per account: its gaps are placed in the region `global`.
    global: bool,
}

fn task<F>(service: &'static str, operation: &'static str, kinds: &[&str], future: F) -> Task
where
    F: Future<Output = Listing> + Send + 'static,
{
    Task {
        service,
        operation,
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        future: Box::pin(future),
        chained: false,
        global: false,
    }
}

impl Task {
    /// The task's calls form a chain, each needing the answer before: it runs on a thread of
    /// its own, so that no answer of the chain waits behind the reading of others.
    fn chained(self) -> Self {
        Self { chained: true, ..self }
    }

    fn global(self) -> Self {
        Self { global: true, ..self }
    }

    /// The listing, or the gap it leaves when it was lost.
    async fn run(self) -> Result<Listing, (GapCause, String)> {
        if !self.chained {
            return Ok(self.future.await);
        }
        chain::run(self.future).await.map_err(|lost| (GapCause::Failed, format!("the listing was lost: {lost}")))
    }
}

/// Lists accounts through their sessions.
pub struct AwsCollector {
    /// One session per account (as scopes name it), with the account's id and whether a
    /// region has taken the account's global listings (the first region to start does).
    sessions: BTreeMap<String, (AwsSession, AccountId, Arc<AtomicBool>)>,
    /// Concurrent listings per service in one region.
    concurrency: usize,
    /// When listings still running are abandoned and become timeout gaps.
    deadline: Option<Instant>,
}

impl AwsCollector {
    pub fn new(sessions: BTreeMap<String, AwsSession>, concurrency: usize, deadline: Option<Instant>) -> Self {
        let sessions = sessions
            .into_iter()
            .map(|(account, session)| {
                (account.clone(), (session, AccountId::known(&account), Arc::new(AtomicBool::new(false))))
            })
            .collect();
        Self { sessions, concurrency: concurrency.max(1), deadline }
    }

    /// Lists one account, named `provisional` in scopes, whose id `account` names later:
    /// the listings start before STS has answered. The caller renames the provisional
    /// account in the inventory (`Inventory::rename_account`); every resource already
    /// carries the real id.
    pub fn pending(
        provisional: &str,
        session: AwsSession,
        account: AccountId,
        concurrency: usize,
        deadline: Option<Instant>,
    ) -> Self {
        Self {
            sessions: BTreeMap::from([(provisional.to_owned(), (session, account, Arc::new(AtomicBool::new(false))))]),
            concurrency: concurrency.max(1),
            deadline,
        }
    }

    /// The listings of the account's global kinds (IAM, Route 53), run once per account
    /// beside the listings of its first region.
    fn global_tasks(session: &AwsSession, ctx: &Ctx) -> Vec<Task> {
        let iam = session.raw(iam::IAM, &ctx.region);
        let c = || ctx.clone();
        vec![
            task("iam", "ListRoles", &["iam:role"], iam::roles(iam.clone(), c())).global(),
            task("iam", "ListPolicies", &["iam:policy"], iam::policies(iam.clone(), c())).global(),
            task("iam", "ListInstanceProfiles", &["iam:instance-profile"], iam::instance_profiles(iam.clone(), c()))
                .global(),
            task("iam", "ListUsers", &["iam:user"], iam::users(iam, c())).global(),
            task(
                "cloudfront",
                "ListDistributions",
                &["cloudfront:distribution"],
                cloudfront::distributions(session.raw(cloudfront::CLOUDFRONT, &ctx.region), c()),
            )
            .global(),
            task(
                "route53",
                "ListHostedZones",
                &["route53:hostedzone"],
                route53::hosted_zones(session.raw(route53::ROUTE53, &ctx.region), c()),
            )
            .global(),
        ]
    }

    fn tasks(session: &AwsSession, ctx: &Ctx) -> Vec<Task> {
        let ec2 = session.ec2(&ctx.region);
        let eks = session.eks(&ctx.region);
        let cache = session.elasticache(&ctx.region);
        let tagging = session.tagging(&ctx.region);
        let rds = session.rds(&ctx.region);
        let elbv2 = session.elbv2(&ctx.region);
        let raw = |service| session.raw(service, &ctx.region);
        let c = || ctx.clone();
        // The tagging API's pages come one after another (each needs the last one's token):
        // the longest chain of a region, so it starts first, before any listing that could
        // keep a permit busy, and runs on the chain's thread, beside the workers.
        vec![
            task("tagging", "GetResources", &[tagging::TAGGED_KIND], tagging::resources(tagging, c())).chained(),
            task("ec2", "DescribeVpcs", &["ec2:vpc"], ec2::vpcs(ec2.clone(), c())),
            task("ec2", "DescribeSubnets", &["ec2:subnet"], ec2::subnets(ec2.clone(), c())),
            task("ec2", "DescribeRouteTables", &["ec2:route-table"], ec2::route_tables(ec2.clone(), c())),
            task(
                "ec2",
                "DescribeInternetGateways",
                &["ec2:internet-gateway"],
                ec2::internet_gateways(ec2.clone(), c()),
            ),
            task("ec2", "DescribeNatGateways", &["ec2:natgateway"], ec2::nat_gateways(ec2.clone(), c())),
            task("ec2", "DescribeAddresses", &["ec2:elastic-ip"], ec2::addresses(ec2.clone(), c())),
            task(
                "ec2",
                "DescribeNetworkInterfaces",
                &["ec2:network-interface"],
                ec2::network_interfaces(ec2.clone(), c()),
            ),
            task(
                "ec2",
                "DescribeSecurityGroups",
                &["ec2:security-group", "ec2:security-group-rule"],
                ec2::security_groups(ec2.clone(), c()),
            ),
            task("ec2", "DescribeNetworkAcls", &["ec2:network-acl"], ec2::network_acls(ec2.clone(), c())),
            task(
                "ec2",
                "DescribeVpcPeeringConnections",
                &["ec2:vpc-peering-connection"],
                ec2::peering_connections(ec2.clone(), c()),
            ),
            task("ec2", "DescribeInstances", &["ec2:instance"], ec2::instances(ec2.clone(), c())),
            task("ec2", "DescribeVolumes", &["ec2:volume"], ec2::volumes(ec2.clone(), c())),
            task("ec2", "DescribeSnapshots", &["ec2:snapshot"], ec2::snapshots(ec2.clone(), c())),
            task("ec2", "DescribeImages", &["ec2:image"], ec2::images(ec2.clone(), c())),
            task("ec2", "DescribeKeyPairs", &["ec2:key-pair"], ec2::key_pairs(ec2.clone(), c())),
            task("ec2", "DescribeLaunchTemplates", &["ec2:launch-template"], ec2::launch_templates(ec2.clone(), c())),
            task("ec2", "DescribeTransitGateways", &["ec2:transit-gateway"], ec2::transit_gateways(ec2.clone(), c())),
            task("ec2", "DescribeVpcEndpoints", &["ec2:vpc-endpoint"], ec2::vpc_endpoints(ec2, c())),
            task("eks", "ListClusters", &["eks:cluster", "eks:nodegroup"], eks::clusters(eks, c())),
            task(
                "elasticache",
                "DescribeReplicationGroups",
                &["elasticache:replication-group"],
                elasticache::replication_groups(cache.clone(), c()),
            ),
            task(
                "elasticache",
                "DescribeCacheClusters",
                &["elasticache:cluster"],
                elasticache::cache_clusters(cache.clone(), c()),
            ),
            task(
                "elasticache",
                "DescribeCacheSubnetGroups",
                &["elasticache:subnet-group"],
                elasticache::subnet_groups(cache.clone(), c()),
            ),
            task("elasticache", "DescribeSnapshots", &["elasticache:snapshot"], elasticache::snapshots(cache, c())),
            task("rds", "DescribeDBInstances", &["rds:db"], rds::instances(rds.clone(), c())),
            task("rds", "DescribeDBClusters", &["rds:cluster"], rds::clusters(rds.clone(), c())),
            task("rds", "DescribeDBSnapshots", &["rds:snapshot"], rds::snapshots(rds.clone(), c())),
            task(
                "rds",
                "DescribeDBClusterSnapshots",
                &["rds:cluster-snapshot"],
                rds::cluster_snapshots(rds.clone(), c()),
            ),
            task("rds", "DescribeDBSubnetGroups", &["rds:subgrp"], rds::subnet_groups(rds, c())),
            task(
                "elasticloadbalancing",
                "DescribeLoadBalancers",
                &["elasticloadbalancing:loadbalancer"],
                elb::load_balancers(elbv2.clone(), c()),
            ),
            task(
                "elasticloadbalancing",
                "DescribeTargetGroups",
                &["elasticloadbalancing:targetgroup"],
                elb::target_groups(elbv2, c()),
            ),
            task(
                "elasticloadbalancing",
                "DescribeLoadBalancers",
                &["elasticloadbalancing:loadbalancer"],
                elb::classic_load_balancers(session.elb(&ctx.region), c()),
            ),
            task("lambda", "ListFunctions", &["lambda:function"], lambda::functions(session.lambda(&ctx.region), c())),
            task("sqs", "ListQueues", &["sqs:queue"], sqs::queues(session.sqs(&ctx.region), c())),
            task("sns", "ListTopics", &["sns:topic"], sns::topics(session.sns(&ctx.region), c())),
            task("dynamodb", "ListTables", &["dynamodb:table"], dynamodb::tables(session.dynamodb(&ctx.region), c())),
            task("s3", "ListBuckets", &["s3:bucket"], s3::buckets(session.s3(&ctx.region), c())),
            task("logs", "DescribeLogGroups", &["logs:log-group"], logs::log_groups(raw(logs::LOGS), c())),
            task("ecr", "DescribeRepositories", &["ecr:repository"], ecr::repositories(raw(ecr::ECR), c())),
            task(
                "autoscaling",
                "DescribeAutoScalingGroups",
                &["autoscaling:group"],
                autoscaling::groups(raw(autoscaling::AUTOSCALING), c()),
            ),
            task(
                "autoscaling",
                "DescribeLaunchConfigurations",
                &["autoscaling:launch-configuration"],
                autoscaling::launch_configurations(raw(autoscaling::AUTOSCALING), c()),
            ),
            task("kms", "ListKeys", &["kms:key"], kms::keys(raw(kms::KMS), c())),
            task(
                "secretsmanager",
                "ListSecrets",
                &["secretsmanager:secret"],
                secretsmanager::secrets(raw(secretsmanager::SECRETS), c()),
            ),
            task("ecs", "ListClusters", &["ecs:cluster", "ecs:service"], ecs::clusters(raw(ecs::ECS), c())),
            task("ecs", "ListTaskDefinitions", &["ecs:task-definition"], ecs::task_definitions(raw(ecs::ECS), c())),
            task(
                "elasticfilesystem",
                "DescribeFileSystems",
                &["elasticfilesystem:file-system"],
                efs::file_systems(raw(efs::EFS), c()),
            ),
            task("ssm", "DescribeParameters", &["ssm:parameter"], ssm::parameters(raw(ssm::SSM), c())),
            task("acm", "ListCertificates", &["acm:certificate"], acm::certificates(raw(acm::ACM), c())),
            task(
                "cloudwatch",
                "DescribeAlarms",
                &["cloudwatch:alarm"],
                cloudwatch::alarms(raw(cloudwatch::CLOUDWATCH), c()),
            ),
            task(
                "cloudformation",
                "DescribeStacks",
                &["cloudformation:stack"],
                cloudformation::stacks(raw(cloudformation::CLOUDFORMATION), c()),
            ),
            task(
                "apigateway",
                "GetRestApis",
                &["apigateway:restapi"],
                apigateway::rest_apis(raw(apigateway::APIGATEWAY), c()),
            ),
            task("apigateway", "GetApis", &["apigateway:api"], apigateway::apis(raw(apigateway::APIGATEWAY), c())),
        ]
    }
}

/// Listings per service and region run at once by default (`--concurrency`): enough for
/// every listing of a region's busiest service (EC2's 17, one of them two calls) to go in
/// one wave, so that none waits a round trip for a permit; well inside the burst AWS
/// allows a region's read calls, and throttled calls are retried.
pub const DEFAULT_CONCURRENCY: usize = 20;

/// How many listings `AwsCollector::tasks` runs per region.
const LISTINGS_PER_REGION: usize = 52;

impl Collector for AwsCollector {
    fn listings_per_region(&self) -> usize {
        LISTINGS_PER_REGION
    }

    async fn collect(&self, scope: RegionScope, progress: Arc<dyn Progress>) -> Inventory {
        let mut inventory = Inventory::new(String::new(), vec![scope.account.clone()], vec![scope.region.clone()]);
        let Some((session, account, global_taken)) = self.sessions.get(&scope.account) else {
            return inventory;
        };
        let ctx = Ctx { account: account.clone(), region: scope.region.clone() };
        let mut tasks = Self::tasks(session, &ctx);
        debug_assert_eq!(tasks.len(), LISTINGS_PER_REGION);
        if !global_taken.swap(true, Ordering::AcqRel) {
            tasks.extend(Self::global_tasks(session, &ctx));
        }
        let mut limits: BTreeMap<&'static str, Arc<Semaphore>> = BTreeMap::new();
        let mut running = Bounded::new();
        for task in tasks {
            let limit =
                limits.entry(task.service).or_insert_with(|| Arc::new(Semaphore::new(self.concurrency))).clone();
            let deadline = self.deadline;
            let progress = progress.clone();
            let region = scope.region.clone();
            let label = (task.service, task.operation, task.kinds.clone(), task.global);
            running.spawn(label, &limit, async move {
                let started = std::time::Instant::now();
                let (service, operation, kinds, global) =
                    (task.service, task.operation, task.kinds.clone(), task.global);
                let ended = match deadline {
                    Some(deadline) => tokio::time::timeout_at(deadline, task.run())
                        .await
                        .unwrap_or_else(|_| Err((GapCause::Timeout, "abandoned at the scan's --timeout".to_owned()))),
                    None => task.run().await,
                };
                let listing = ended.unwrap_or_else(|(cause, message)| Listing {
                    resources: Vec::new(),
                    failures: vec![Failure { service, operation, cause, message, kinds }],
                });
                tracing::debug!(
                    service,
                    operation,
                    region = %region,
                    resources = listing.resources.len(),
                    failures = listing.failures.len(),
                    elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "listing done"
                );
                if !global {
                    progress.listing_done(&region, service, operation);
                }
                listing
            });
        }
        let mut resources = Vec::new();
        for ((service, operation, kinds, global), outcome) in running.join_all().await {
            let listing = outcome.unwrap_or_else(|lost| Listing {
                resources: Vec::new(),
                failures: vec![Failure {
                    service,
                    operation,
                    cause: GapCause::Failed,
                    message: format!("the listing was lost: {lost}"),
                    kinds,
                }],
            });
            resources.extend(listing.resources);
            let region = if global { GLOBAL } else { scope.region.as_str() };
            inventory.gaps.extend(listing.failures.into_iter().map(|f| f.into_gap(&scope.account, Some(region))));
        }
        inventory.resources = link::link_region(resources);
        inventory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> AwsSession {
        let config = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .build();
        AwsSession::from_config(config, Arc::new(crate::aws::ApiStats::default()))
    }

    #[tokio::test]
    async fn issue_16_a_regions_listings_of_each_service_go_in_one_wave_at_the_default_concurrency() {
        let (_, account) = AccountId::pending();
        let tasks = AwsCollector::tasks(&session(), &Ctx { account, region: "eu-west-1".to_owned() });
        assert_eq!(tasks.len(), LISTINGS_PER_REGION);
        let mut per_service: BTreeMap<&str, usize> = BTreeMap::new();
        for task in &tasks {
            *per_service.entry(task.service).or_default() += 1;
        }
        assert!(per_service["ec2"] > 8, "{per_service:?}");
        for (service, listings) in per_service {
            assert!(
                listings <= DEFAULT_CONCURRENCY,
                "{service}: {listings} listings per region, {DEFAULT_CONCURRENCY} at once: a second wave"
            );
        }
    }

    /// The listing facet: a kind the registry says is listed has a listing here, and every
    /// listing lists registered, listed kinds.
    #[tokio::test]
    async fn issue_29_every_listed_kind_has_a_listing_and_every_listing_a_listed_kind() {
        let (_, account) = AccountId::pending();
        let ctx = Ctx { account, region: "eu-west-1".to_owned() };
        let mut tasks = AwsCollector::tasks(&session(), &ctx);
        tasks.extend(AwsCollector::global_tasks(&session(), &ctx));
        let listed: std::collections::BTreeSet<&str> = tasks
            .iter()
            .filter(|t| t.service != "tagging")
            .flat_map(|t| t.kinds.iter().map(String::as_str))
            .filter(|k| *k != "ec2:security-group-rule")
            .collect();
        for kind in crate::model::kinds::ALL {
            let name = kind.spec.kind;
            assert_eq!(
                kind.spec.listed_by.is_some(),
                listed.contains(name),
                "{name}: listing: the registry says {:?}, the collector {} it",
                kind.spec.listed_by,
                if listed.contains(name) { "lists" } else { "does not list" }
            );
        }
        for kind in listed {
            assert!(crate::model::kinds::kind(kind).is_some(), "the collector lists {kind}, which is not registered");
        }
    }

    #[tokio::test]
    async fn issue_16_a_listing_reads_its_answers_under_the_account_sts_names_later() {
        let (name, account) = AccountId::pending();
        let ctx = Ctx { account, region: "eu-west-1".to_owned() };
        let waiting = tokio::spawn({
            let ctx = ctx.clone();
            async move { ctx.known().await.map(|k| (k.account, k.region)) }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "the account is not named yet");
        name.send_replace(Some("123456789012".to_owned()));
        assert_eq!(waiting.await.expect("the task ends"), Some(("123456789012".to_owned(), "eu-west-1".to_owned())));
        // Known from the start, or never named (STS failed: the run fails as a whole).
        let known = Ctx { account: AccountId::known("210987654321"), region: "us-east-1".to_owned() };
        assert_eq!(known.known().await.expect("known").account, "210987654321");
        let (name, account) = AccountId::pending();
        drop(name);
        assert!(Ctx { account, region: "us-east-1".to_owned() }.known().await.is_none());
    }
}
