//! Faults: throttling and 503s are retried away; a denied operation, a missing or denied
//! state bucket and a hanging connection become coverage gaps that say where and what,
//! the scan exits 3, and nothing the missing data could change is concluded.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use leftover::aws::stats_file::StatsFile;
use serde_json::Value;

use crate::support::incident::{self, BUCKET};
use crate::support::proxy::{Fate, FaultPlan, Match};
use crate::support::{Moto, Network, Output, TfState};

const SCAN: [&str; 5] = ["scan", "--state", "s3://rosey-tfstate", "--format", "json"];

/// The signing name (credential scope) of an SDK service, which is also how gaps name it.
fn signing_name(sdk_service: &str) -> &'static str {
    match sdk_service {
        "EC2" => "ec2",
        "EKS" => "eks",
        "ElastiCache" => "elasticache",
        "Elastic Load Balancing" | "Elastic Load Balancing v2" => "elasticloadbalancing",
        "RDS" => "rds",
        "Lambda" => "lambda",
        "DynamoDB" => "dynamodb",
        "SNS" => "sns",
        "SQS" => "sqs",
        "Resource Groups Tagging API" => "tagging",
        "S3" => "s3",
        "STS" => "sts",
        // The services called without an SDK crate are named by their IAM prefix.
        "cloudwatch" => "monitoring",
        "acm" => "acm",
        "apigateway" => "apigateway",
        "autoscaling" => "autoscaling",
        "cloudformation" => "cloudformation",
        "cloudfront" => "cloudfront",
        "ecr" => "ecr",
        "ecs" => "ecs",
        "elasticfilesystem" => "elasticfilesystem",
        "iam" => "iam",
        "kms" => "kms",
        "logs" => "logs",
        "route53" => "route53",
        "secretsmanager" => "secretsmanager",
        "ssm" => "ssm",
        other => panic!("no signing name known for {other}"),
    }
}

/// Every conclusion of a report: kind, resource id and state address.
fn conclusions(report: &Value) -> BTreeSet<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["resource"]["id"].as_str().unwrap().to_owned(),
                f["state"]["address"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

/// Findings as (kind, resource id) with the state address left out.
fn without_address(conclusions: &BTreeSet<(String, String, String)>) -> BTreeSet<(String, String, String)> {
    conclusions.iter().map(|(kind, id, _)| (kind.clone(), id.clone(), "-".to_owned())).collect()
}

fn gaps_of(report: &Value) -> Vec<Value> {
    report["coverage"]["gaps"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_fifth_of_requests_faulted_changes_no_finding() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let clean = moto.leftover().args(SCAN).run();
    clean.assert_code(1);
    let expected = clean.timeless_json();
    assert!(!conclusions(&expected).is_empty());

    let mut total = (0, 0);
    // Adaptive mode slows every later call once throttled (tens of seconds here): one run.
    let standard = [7, 11, 23, 31, 57, 64].map(|seed| (seed, "--max-attempts=6"));
    let runs = standard.into_iter().chain([(42, "--adaptive-retry")]);
    for (seed, mode) in runs {
        let proxy = moto.proxy(FaultPlan::new(seed).faults(0.2));
        let started = Instant::now();
        let out = proxy.leftover().args(SCAN).arg(mode).run();
        let elapsed = started.elapsed();
        let (unavailable, throttled) = (proxy.count(Fate::Unavailable), proxy.count(Fate::Throttled));
        let seen = proxy.seen().len();
        eprintln!(
            "seed {seed} {mode}: {} of {seen} requests faulted ({unavailable} answered 503, {throttled} throttled), \
             {elapsed:.1?}",
            unavailable + throttled
        );
        out.assert_code(1);
        assert_eq!(out.timeless_json(), expected, "faults changed the report\nstderr:\n{}", out.stderr);
        total.0 += unavailable + throttled;
        total.1 += seen;
    }
    #[allow(clippy::cast_precision_loss)]
    let share = total.0 as f64 / total.1 as f64;
    assert!((0.1..0.3).contains(&share), "{} of {} requests faulted", total.0, total.1);
    eprintln!("{} of {} requests faulted in all; every report identical to the run without faults", total.0, total.1);
}

#[tokio::test]
async fn a_denied_operation_becomes_a_gap_and_nothing_it_could_change_is_concluded() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.json");
    let clean = moto.leftover().args(SCAN).args(["--stats-json", calls.to_str().unwrap()]).run();
    clean.assert_code(1);
    let baseline = conclusions(&clean.json());
    let file: StatsFile = serde_json::from_str(&std::fs::read_to_string(&calls).unwrap()).unwrap();
    let operations: Vec<(&'static str, String)> =
        file.operations.iter().map(|o| (signing_name(&o.service), o.operation.clone())).collect();
    assert!(operations.len() > 25, "{operations:?}");

    // Each operation the scan calls is denied in turn, a few scans at a time.
    let results: Vec<((&str, String), Output, usize)> = std::thread::scope(|scope| {
        let mut results = Vec::new();
        for batch in operations.chunks(4) {
            let running: Vec<_> = batch
                .iter()
                .map(|(service, operation)| {
                    let moto = &moto;
                    scope.spawn(move || {
                        let proxy = moto.proxy(FaultPlan::new(1).deny(Match::operation(service, operation)));
                        let out = proxy.leftover().args(SCAN).run();
                        ((*service, operation.clone()), out, proxy.count(Fate::Denied))
                    })
                })
                .collect();
            results.extend(running.into_iter().map(|handle| handle.join().unwrap()));
        }
        results
    });

    for ((service, operation), out, denied) in &results {
        let context = format!("{service}:{operation} denied\nstdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
        assert!(*denied > 0, "the proxy denied nothing: {context}");
        match (*service, operation.as_str()) {
            ("sts", "GetCallerIdentity") => {
                // Without the account id nothing can be scanned: a configuration error.
                assert_eq!(out.code, 2, "{context}");
                assert!(out.stderr.contains("sts:GetCallerIdentity"), "{context}");
                continue;
            }
            ("s3", "GetBucketLocation") => {
                // The bucket's region falls back to the session's: here the right one.
                assert_eq!(out.code, 1, "{context}");
                assert_eq!(conclusions(&out.json()), baseline, "{context}");
                continue;
            }
            _ => {}
        }
        assert_eq!(out.code, 3, "{context}");
        let report = out.json();
        assert_eq!(report["coverage"]["complete"], false, "{context}");
        // Gaps name a service by its IAM prefix: `CloudWatch` signs as `monitoring`.
        let gap_service = if *service == "monitoring" { "cloudwatch" } else { *service };
        let named = gaps_of(&report).iter().any(|gap| {
            gap["service"] == gap_service
                && gap["operation"] == operation.as_str()
                && gap["cause"] == "denied"
                && if *service == "s3" && operation != "ListBuckets" {
                    gap["object"].as_str().is_some_and(|o| o.starts_with(&format!("s3://{BUCKET}")))
                } else if ["iam", "route53", "cloudfront"].contains(service) {
                    // Listed once per account, not per region.
                    gap["region"] == "global"
                } else {
                    gap["region"] == incident::REGION
                }
        });
        assert!(named, "no gap names {service} {} {operation}: {context}", incident::REGION);
        let (drawn, expected) = if *service == "s3" && operation != "ListBuckets" {
            // With the states unread, a finding about a live resource no longer knows
            // which state declares it: compare without the address.
            (without_address(&conclusions(&report)), without_address(&baseline))
        } else {
            (conclusions(&report), baseline.clone())
        };
        let invented: Vec<_> = drawn.difference(&expected).collect();
        assert!(invented.is_empty(), "concluded only because data was missing: {invented:?}\n{context}");
        eprintln!(
            "{service}:{operation} denied: exit 3, {} of {} findings kept, {} withheld",
            drawn.len(),
            baseline.len(),
            report["summary"]["withheld"].as_u64().unwrap_or(0)
        );
    }
}

#[tokio::test]
async fn a_missing_or_denied_state_bucket_is_a_gap_naming_the_bucket() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let clean = conclusions(&moto.leftover().args(SCAN).run().json());

    let missing = moto.leftover().args(SCAN).args(["--state", "s3://no-such-bucket"]).run();
    missing.assert_code(3);
    let report = missing.json();
    let gaps = gaps_of(&report);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["object"], "s3://no-such-bucket");
    assert!(gaps[0]["error"].as_str().unwrap().contains("no-such-bucket"), "{:?}", gaps[0]);
    // A state that could not be read may declare any live resource: no `unmanaged` is
    // concluded; what the states that were read say is still reported.
    let drawn = conclusions(&report);
    assert!(drawn.iter().all(|(kind, ..)| kind != "unmanaged"), "{drawn:?}");
    assert!(drawn.is_subset(&clean) && !drawn.is_empty(), "{drawn:?}");
    assert!(report["summary"]["withheld"].as_u64().unwrap() > 0, "{}", report["summary"]);

    let proxy = moto.proxy(FaultPlan::new(1).deny(Match::bucket(BUCKET)));
    let denied = proxy.leftover().args(["scan", "--state", "s3://rosey-tfstate"]).run();
    denied.assert_code(3);
    assert!(denied.stdout.starts_with("INCOMPLETE SCAN"), "{}", denied.stdout);
    let first_lines: String = denied.stdout.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(first_lines.contains("s3://rosey-tfstate") && first_lines.contains("AccessDenied"), "{first_lines}");
    let json = proxy.leftover().args(SCAN).run();
    json.assert_code(3);
    let report = json.json();
    assert_eq!(report["coverage"]["gaps"][0]["cause"], "denied");
    // Without a single state, only what the live listings alone show is concluded: routes
    // into the peering the incident deleted. Nothing about what states declare or own.
    let drawn = without_address(&conclusions(&report));
    assert!(!drawn.is_empty() && drawn.is_subset(&without_address(&clean)), "{drawn:?}");
    assert!(drawn.iter().all(|(kind, ..)| kind == "broken-reference"), "{drawn:?}");
    let withheld = report["summary"]["withheld"].as_u64().unwrap();
    assert!(withheld > 0, "{}", report["summary"]);
    // Every text format says how much the gaps held back.
    let said = format!("{withheld} withheld for the gaps");
    assert!(denied.stdout.contains(&said), "{}", denied.stdout);
    let markdown = proxy.leftover().args(["scan", "--state", "s3://rosey-tfstate", "--format", "markdown"]).run();
    markdown.assert_code(3);
    assert!(markdown.stdout.contains(&format!("**{said}**")), "{}", markdown.stdout);
}

#[tokio::test]
async fn an_unreadable_state_withholds_only_what_it_could_change() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let clean = conclusions(&moto.leftover().args(SCAN).run().json());
    let deleted = |set: &BTreeSet<(String, String, String)>| set.iter().filter(|(k, ..)| k == "deleted-env").count();
    assert!(deleted(&clean) > 0, "{clean:?}");

    // A corrupt state in dev's workspace: dev may declare more than was read, but staging's
    // deletion does not depend on it.
    moto.put(BUCKET, "env:/dev/cache/terraform.tfstate", "{\"version\": 4, \"resources\": [").await;
    let out = moto.leftover().args(SCAN).run();
    out.assert_code(3);
    let report = out.json();
    let gaps = gaps_of(&report);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["object"], format!("s3://{BUCKET}/env:/dev/cache/terraform.tfstate"));
    let drawn = conclusions(&report);
    assert_eq!(deleted(&drawn), deleted(&clean), "{drawn:?}");
    assert!(drawn.is_subset(&clean), "{drawn:?}");

    // The same corrupt state in staging's workspace: staging may not be gone after all.
    moto.put_state(BUCKET, "env:/dev/cache/terraform.tfstate", &TfState::new()).await;
    moto.put(BUCKET, "env:/staging/cache/terraform.tfstate", "{\"version\": 4, \"resources\": [").await;
    let report = moto.leftover().args(SCAN).run().json();
    let drawn = conclusions(&report);
    assert_eq!(deleted(&drawn), 0, "{drawn:?}");
    assert!(report["summary"]["withheld"].as_u64().unwrap() >= deleted(&clean) as u64, "{}", report["summary"]);
}

#[tokio::test]
async fn a_hanging_connection_hits_the_timeout_and_becomes_a_gap() {
    let moto = Moto::start();
    moto.bucket("tfstate").await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    moto.put_state("tfstate", "dev/network.tfstate", &net.declare(TfState::new(), None, "dev")).await;
    moto.put_state("tfstate", "dev/other.tfstate", &TfState::new()).await;
    let proxy = moto.proxy(
        FaultPlan::new(1)
            .hang(Match::operation("ec2", "DescribeVolumes"))
            .hang(Match { path_prefix: Some("/tfstate/dev/other.tfstate".into()), ..Match::service("s3") }),
    );
    let args = ["scan", "--state", "s3://tfstate", "--format", "json"];

    // One call's time: each attempt gets half, then the call gives up.
    let started = Instant::now();
    let out = proxy.leftover().args(args).args(["--call-timeout", "5"]).run();
    let elapsed = started.elapsed();
    out.assert_code(3);
    let report = out.json();
    let gaps = gaps_of(&report);
    let volumes = gaps.iter().find(|g| g["operation"] == "DescribeVolumes").unwrap();
    assert_eq!(volumes["region"], "us-east-1");
    let state = gaps.iter().find(|g| g["object"] == "s3://tfstate/dev/other.tfstate").unwrap();
    assert_eq!(state["operation"], "GetObject", "{state}");
    // Only timeouts: a slow emulator under a loaded test run may add one, nothing else.
    assert!(gaps.iter().all(|g| g["cause"] == "timeout"), "{gaps:?}");
    assert!(elapsed < Duration::from_secs(40), "took {elapsed:?}");
    assert!(proxy.count(Fate::Hung) >= 2);

    // The whole listing's time: listings still running are abandoned.
    let proxy = moto.proxy(FaultPlan::new(1).hang(Match::operation("ec2", "DescribeVolumes")));
    let started = Instant::now();
    let out = proxy.leftover().args(args).args(["--call-timeout", "600", "--timeout", "3"]).run();
    let elapsed = started.elapsed();
    out.assert_code(3);
    let report = out.json();
    let gaps = gaps_of(&report);
    let gap = gaps.iter().find(|g| g["operation"] == "DescribeVolumes").unwrap();
    assert_eq!(gap["cause"], "timeout");
    assert!(gap["error"].as_str().unwrap().contains("--timeout"), "{gap}");
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

#[tokio::test]
async fn all_regions_are_listed_and_a_service_denied_everywhere_is_a_gap_in_each() {
    let moto = Moto::start();
    let proxy = moto.proxy(FaultPlan::new(1).deny(Match::service("eks")));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.json");
    let out = proxy.leftover().args(["inventory", "--all-regions", "--output", path.to_str().unwrap()]).run();
    out.assert_code(3);
    let inventory: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let regions: BTreeSet<&str> =
        inventory["regions"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(regions.len() > 10 && regions.contains("eu-west-1"), "{regions:?}");
    let gap_regions: BTreeSet<&str> = inventory["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|g| assert_eq!((g["service"].as_str(), g["operation"].as_str()), (Some("eks"), Some("ListClusters"))))
        .map(|g| g["region"].as_str().unwrap())
        .collect();
    assert_eq!(gap_regions, regions);
    assert!(out.stderr.contains("coverage gap: eks 123456789012 eu-west-1 ListClusters"), "{}", out.stderr);
}

/// The operations whose answer issue 17 cuts in half, with the request to match: the
/// state listing, one state object, three EC2 listings and a tagging API page.
fn issue_17_cuts() -> Vec<(&'static str, &'static str, Match)> {
    let state =
        Match { path_prefix: Some(format!("/{BUCKET}/shared/redis.tfstate")), ..Match::operation("s3", "GetObject") };
    vec![
        ("s3", "ListObjectsV2", Match::operation("s3", "ListObjectsV2")),
        ("s3", "GetObject", state),
        ("ec2", "DescribeSecurityGroups", Match::operation("ec2", "DescribeSecurityGroups")),
        ("ec2", "DescribeVolumes", Match::operation("ec2", "DescribeVolumes")),
        ("ec2", "DescribeInstances", Match::operation("ec2", "DescribeInstances")),
        ("tagging", "GetResources", Match::operation("tagging", "GetResources")),
    ]
}

#[tokio::test]
async fn issue_17_an_answer_cut_in_half_is_retried_then_a_gap_never_a_shorter_list() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let clean = moto.leftover().args(SCAN).run();
    clean.assert_code(1);
    let baseline = conclusions(&clean.json());

    let results: Vec<((&str, &str), Output, usize)> = std::thread::scope(|scope| {
        let running: Vec<_> = issue_17_cuts()
            .into_iter()
            .map(|(service, operation, what)| {
                let moto = &moto;
                scope.spawn(move || {
                    let proxy = moto.proxy(FaultPlan::new(1).cut(what));
                    let out = proxy.leftover().args(SCAN).run();
                    ((service, operation), out, proxy.count(Fate::Cut))
                })
            })
            .collect();
        running.into_iter().map(|handle| handle.join().unwrap()).collect()
    });

    for ((service, operation), out, cut) in &results {
        let context = format!("{service}:{operation} cut\nstdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
        // Retried like a throttle: every attempt was cut, the default six of them (the
        // state reader makes three attempts at one object).
        let attempts = if *operation == "GetObject" { 3 } else { 6 };
        assert_eq!(*cut, attempts, "{context}");
        assert_eq!(out.code, 3, "{context}");
        let report = out.json();
        assert_eq!(report["coverage"]["complete"], false, "{context}");
        let gaps = gaps_of(&report);
        assert_eq!(gaps.len(), 1, "{gaps:?}\n{context}");
        let gap = &gaps[0];
        assert_eq!((gap["service"].as_str(), gap["operation"].as_str()), (Some(*service), Some(*operation)), "{gap}");
        match *operation {
            "ListObjectsV2" => {
                assert_eq!(gap["object"], format!("s3://{BUCKET}"), "{gap}");
                assert_eq!(gap["region"], incident::REGION, "{gap}");
            }
            "GetObject" => {
                assert_eq!(gap["object"], format!("s3://{BUCKET}/shared/redis.tfstate"), "{gap}");
            }
            _ => {
                assert_eq!(gap["region"], incident::REGION, "{gap}");
                assert_eq!(gap["account"], "123456789012", "{gap}");
                assert!(gap["error"].as_str().unwrap().contains("incomplete or malformed"), "{gap}");
            }
        }
        let (drawn, expected) = if *service == "s3" {
            (without_address(&conclusions(&report)), without_address(&baseline))
        } else {
            (conclusions(&report), baseline.clone())
        };
        let invented: Vec<_> = drawn.difference(&expected).collect();
        assert!(invented.is_empty(), "concluded only because an answer was cut: {invented:?}\n{context}");
        eprintln!(
            "{service}:{operation} cut on every attempt: exit 3, gap `{}`, {} of {} findings kept, {} withheld",
            gap["error"].as_str().unwrap(),
            drawn.len(),
            baseline.len(),
            report["summary"]["withheld"].as_u64().unwrap_or(0)
        );
    }
}

#[tokio::test]
async fn issue_17_an_answer_cut_only_once_is_retried_and_the_report_is_unchanged() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let clean = moto.leftover().args(SCAN).run();
    clean.assert_code(1);
    let expected = clean.timeless_json();

    let plan = issue_17_cuts().into_iter().fold(FaultPlan::new(1), |plan, (.., what)| plan.cut_once(what));
    let proxy = moto.proxy(plan);
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.json");
    let out = proxy.leftover().args(SCAN).args(["--stats", "--stats-json", calls.to_str().unwrap()]).run();
    out.assert_code(1);
    assert_eq!(out.timeless_json(), expected, "a cut answer changed the report\nstderr:\n{}", out.stderr);
    eprintln!("{} answers cut once, each retried: report identical to the full scan", proxy.count(Fate::Cut));
    let cut: BTreeSet<String> =
        proxy.seen().iter().filter(|s| s.fate == Fate::Cut).map(|s| s.operation.clone()).collect();
    let names: BTreeSet<String> = issue_17_cuts().iter().map(|(_, op, _)| (*op).to_owned()).collect();
    assert_eq!(cut, names);

    // `--stats` counts the retries a malformed answer caused apart from throttles.
    assert!(out.stderr.contains("MALFORMED") && out.stderr.contains("THROTTLED"), "{}", out.stderr);
    let file: StatsFile = serde_json::from_str(&std::fs::read_to_string(&calls).unwrap()).unwrap();
    for record in &file.operations {
        // S3 objects are streamed past the SDK's check: the state reader retries them itself.
        let expected = u64::from(names.contains(&record.operation) && record.operation != "GetObject");
        assert!(
            record.malformed >= expected && (expected == 1 || record.malformed == 0),
            "{}:{} malformed {}",
            record.service,
            record.operation,
            record.malformed
        );
        assert_eq!(record.throttled, 0, "{record:?}");
        assert_eq!(record.errors, 0, "{record:?}");
    }
}

#[tokio::test]
async fn issue_17_throttles_and_malformed_answers_are_counted_apart() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let proxy = moto.proxy(FaultPlan::new(1).cut_once(Match::operation("ec2", "DescribeVolumes")).faults(0.3));
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.json");
    let out = proxy.leftover().args(SCAN).args(["--stats-json", calls.to_str().unwrap()]).run();
    out.assert_code(1);
    let file: StatsFile = serde_json::from_str(&std::fs::read_to_string(&calls).unwrap()).unwrap();
    let malformed: u64 = file.operations.iter().map(|o| o.malformed).sum();
    let throttled: u64 = file.operations.iter().map(|o| o.throttled).sum();
    assert_eq!(malformed, u64::try_from(proxy.count(Fate::Cut)).unwrap());
    assert_eq!(throttled, u64::try_from(proxy.count(Fate::Throttled)).unwrap());
    assert!(throttled > 0 && malformed > 0, "{file:?}");
    eprintln!("{malformed} malformed and {throttled} throttled attempts counted apart; exit 1");
}

#[tokio::test]
async fn issue_17_a_state_cut_short_without_a_checksum_never_reads_as_a_smaller_state() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    // The same state stored without a checksum (as older uploaders leave them): nothing but
    // the document itself can tell that a download was cut.
    let key = "shared/redis.tfstate";
    let s3 = moto.seeder().s3().await;
    let object = s3.get_object().bucket(BUCKET).key(key).send().await.unwrap();
    let bytes = object.body.collect().await.unwrap().into_bytes();
    s3.put_object()
        .bucket(BUCKET)
        .key(key)
        .body(bytes.into())
        .customize()
        .config_override(
            aws_sdk_s3::config::Builder::default()
                .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired),
        )
        .send()
        .await
        .unwrap();
    let clean = moto.leftover().args(SCAN).run();
    clean.assert_code(1);
    let baseline = conclusions(&clean.json());
    let state = Match { path_prefix: Some(format!("/{BUCKET}/{key}")), ..Match::operation("s3", "GetObject") };

    let proxy = moto.proxy(FaultPlan::new(1).cut(state.clone()));
    let out = proxy.leftover().args(SCAN).run();
    out.assert_code(3);
    assert_eq!(proxy.count(Fate::Cut), 3);
    let report = out.json();
    let gaps = gaps_of(&report);
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["object"], format!("s3://{BUCKET}/{key}"));
    assert!(gaps[0]["error"].as_str().unwrap().contains("EOF while parsing"), "{}", gaps[0]);
    let invented: Vec<_> =
        without_address(&conclusions(&report)).difference(&without_address(&baseline)).cloned().collect();
    assert!(invented.is_empty(), "{invented:?}");

    let proxy = moto.proxy(FaultPlan::new(1).cut_once(state));
    let out = proxy.leftover().args(SCAN).run();
    out.assert_code(1);
    assert_eq!(proxy.count(Fate::Cut), 1);
    assert_eq!(out.timeless_json(), clean.timeless_json(), "stderr:\n{}", out.stderr);
}
