//! Scale: every region, many accounts through roles, shards and their merge.

use std::collections::BTreeSet;

use aws_config::{BehaviorVersion, Region};
use serde_json::{Value, json};

use crate::support::{ACCOUNT, Moto, TfState, timeless};

const OTHER: &str = "111111111111";
const THIRD: &str = "222222222222";
const CENTRAL: &str = "333333333333";

fn role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/audit")
}

/// Seeding credentials in `account`: moto keeps resources made with an assumed role's
/// credentials in the role's account.
async fn config_in(moto: &Moto, account: &str, region: &str) -> aws_config::SdkConfig {
    let base = moto.seeder().config(region).await;
    if account == ACCOUNT {
        return base;
    }
    let out = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(role(account))
        .role_session_name("seeding")
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    let creds = aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "seeding",
    );
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(Region::new(region.to_owned()))
        .credentials_provider(creds)
        .load()
        .await
}

async fn volume_in(moto: &Moto, account: &str, region: &str) -> String {
    let ec2 = aws_sdk_ec2::Client::new(&config_in(moto, account, region).await);
    let volume = ec2.create_volume().availability_zone(format!("{region}a")).size(8).send().await.unwrap();
    volume.volume_id().unwrap().to_owned()
}

/// A bucket holding `state` under `key`, made in `account`.
async fn s3_in(moto: &Moto, account: &str) -> aws_sdk_s3::Client {
    let conf =
        aws_sdk_s3::config::Builder::from(&config_in(moto, account, "us-east-1").await).force_path_style(true).build();
    aws_sdk_s3::Client::from_conf(conf)
}

async fn state_bucket_in(moto: &Moto, account: &str, bucket: &str, key: &str, state: &TfState) {
    s3_in(moto, account).await.create_bucket().bucket(bucket).send().await.unwrap();
    put_state(moto, account, bucket, key, state).await;
}

async fn put_state(moto: &Moto, account: &str, bucket: &str, key: &str, state: &TfState) {
    s3_in(moto, account)
        .await
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from(state.to_json().into_bytes()))
        .send()
        .await
        .unwrap();
}

fn declared_volume(state: TfState, name: &str, account: &str, id: &str) -> TfState {
    state.managed(
        "aws_ebs_volume",
        name,
        json!({"id": id, "arn": format!("arn:aws:ec2:us-east-1:{account}:volume/{id}"),
               "availability_zone": "us-east-1a", "size": 8, "tags": {}}),
    )
}

fn finding_of<'a>(report: &'a Value, kind: &str, id: &str) -> Option<&'a Value> {
    report["findings"].as_array().unwrap().iter().find(|f| f["kind"] == kind && f["resource"]["id"] == id)
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn all_regions_finds_a_leftover_in_a_region_not_named_and_skips_regions_not_opted_in() {
    let moto = Moto::start();
    let far = volume_in(&moto, ACCOUNT, "ap-southeast-2").await;
    // moto lists ap-east-1 as not opted in: what is there is not scanned.
    let not_opted_in = volume_in(&moto, ACCOUNT, "ap-east-1").await;

    let out = moto.leftover().args(["scan", "--all-regions", "--format", "json"]).run();
    out.assert_code(1);
    let report = out.json();
    let regions = strings(&report["scope"]["regions"]);
    assert!(regions.contains(&"ap-southeast-2".to_owned()), "{regions:?}");
    assert!(regions.contains(&"us-east-1".to_owned()), "{regions:?}");
    assert!(!regions.contains(&"ap-east-1".to_owned()), "not opted in: {regions:?}");
    let finding = finding_of(&report, "unmanaged", &far).unwrap_or_else(|| panic!("{far} not found: {}", out.stdout));
    assert_eq!(finding["resource"]["region"], "ap-southeast-2");
    assert!(finding_of(&report, "unmanaged", &not_opted_in).is_none());
    assert_eq!(report["coverage"]["complete"], true, "{}", out.stdout);
}

#[tokio::test]
async fn roles_reach_other_accounts_and_every_resource_carries_its_account() {
    let moto = Moto::start();
    let here = volume_in(&moto, ACCOUNT, "us-east-1").await;
    let there = volume_in(&moto, OTHER, "us-east-1").await;
    let declared_there = volume_in(&moto, OTHER, "us-east-1").await;
    // The states live in a central account, read through their own role.
    let state = declared_volume(TfState::new(), "data", OTHER, &declared_there);
    state_bucket_in(&moto, CENTRAL, "central-tfstate", "other/data.tfstate", &state).await;

    let out = moto
        .leftover()
        .args(["scan", "--region", "us-east-1", "--format", "json", "--state", "s3://central-tfstate"])
        .args(["--role-arn", &role(OTHER), "--role-arn", &role(ACCOUNT), "--external-id", "leftover-ext"])
        .args(["--state-role-arn", &format!("arn:aws:iam::{CENTRAL}:role/states")])
        .run();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(strings(&report["scope"]["accounts"]), vec![OTHER, ACCOUNT]);
    assert_eq!(report["scope"]["states"].as_array().unwrap().len(), 1, "{}", out.stderr);
    assert_eq!(finding_of(&report, "unmanaged", &there).expect("found")["resource"]["account"], OTHER);
    assert_eq!(finding_of(&report, "unmanaged", &here).expect("found")["resource"]["account"], ACCOUNT);
    assert!(finding_of(&report, "unmanaged", &declared_there).is_none(), "declared in the central state");
    assert_eq!(report["coverage"]["complete"], true, "{}", out.stdout);
}

#[tokio::test]
async fn the_organisations_active_accounts_are_scanned_and_shards_split_them() {
    let moto = Moto::start();
    let base = moto.seeder().config("us-east-1").await;
    let org = aws_sdk_organizations::Client::new(&base);
    org.create_organization().send().await.unwrap();
    let mut members = Vec::new();
    for name in ["a", "b", "c"] {
        let made = org.create_account().email(format!("{name}@leftover.invalid")).account_name(name).send().await;
        members.push(made.unwrap().create_account_status().unwrap().account_id().unwrap().to_owned());
    }
    org.close_account().account_id(&members[2]).send().await.unwrap();
    let mut active: Vec<String> = vec![ACCOUNT.to_owned(), members[0].clone(), members[1].clone()];
    active.sort();

    let out = moto.leftover().args(["scan", "--region", "us-east-1", "--format", "json", "--org-role", "audit"]).run();
    out.assert_code(0);
    assert_eq!(strings(&out.json()["scope"]["accounts"]), active, "the closed account is left out");

    let mut covered = Vec::new();
    for index in 0..2 {
        let shard = format!("{index}/2");
        let out = moto
            .leftover()
            .args(["scan", "--region", "us-east-1", "--format", "json", "--org-role", "audit", "--shard", &shard])
            .run();
        out.assert_code(0);
        let report = out.json();
        assert_eq!(report["scope"]["shard"], json!({"index": index, "count": 2}));
        covered.extend(strings(&report["scope"]["accounts"]));
    }
    covered.sort();
    assert_eq!(covered, active, "every account in exactly one shard");
}

#[tokio::test]
async fn an_account_whose_role_cannot_be_assumed_is_a_gap() {
    let moto = Moto::start();
    // Nothing answers STS here: no role can be assumed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = moto
        .leftover()
        .env("AWS_ENDPOINT_URL_STS", &format!("http://127.0.0.1:{closed}"))
        .args(["scan", "--region", "us-east-1", "--format", "json", "--max-attempts", "1"])
        .args(["--role-arn", &role(OTHER)])
        .run();
    out.assert_code(3);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], false);
    let gap = &report["coverage"]["gaps"][0];
    assert_eq!(gap["account"], OTHER, "{gap}");
    assert_eq!(gap["operation"], "AssumeRole");
    assert_eq!(strings(&report["scope"]["accounts"]), vec![OTHER]);
}

#[tokio::test]
async fn merged_shard_reports_equal_one_run_over_the_same_inventories() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let mut state = TfState::new();
    for account in [ACCOUNT, OTHER, THIRD] {
        volume_in(&moto, account, "us-east-1").await;
        let kept = volume_in(&moto, account, "us-east-1").await;
        state = declared_volume(state, &format!("kept_{account}"), account, &kept);
        // Declared, but never made: missing in its own account only.
        state = declared_volume(state, &format!("gone_{account}"), account, "vol-0000000000000dead");
    }
    state_bucket_in(&moto, CENTRAL, "central-tfstate", "all.tfstate", &state).await;
    let state_role = format!("arn:aws:iam::{CENTRAL}:role/states");

    let mut inventories = Vec::new();
    for account in [ACCOUNT, OTHER, THIRD] {
        let path = dir.path().join(format!("{account}.json"));
        let path_text = path.display().to_string();
        moto.leftover()
            .args(["inventory", "--region", "us-east-1", "--role-arn", &role(account), "--output", &path_text])
            .run()
            .assert_code(0);
        inventories.push(path_text);
    }
    let scan = |extra: &[&str]| {
        let mut command = moto.leftover().args([
            "scan",
            "--format",
            "json",
            "--state",
            "s3://central-tfstate",
            "--state-role-arn",
            &state_role,
        ]);
        for inventory in &inventories {
            command = command.args(["--inventory", inventory.as_str()]);
        }
        command.args(extra.iter().copied()).run()
    };
    let whole = scan(&[]);
    whole.assert_code(1);
    let whole_report = whole.json();
    assert_eq!(whole_report["summary"]["missing"], 3, "{}", whole.stdout);

    for count in [2u32, 3] {
        let mut shard_paths = Vec::new();
        let mut seen = BTreeSet::new();
        for index in 0..count {
            let path = dir.path().join(format!("shard-{index}-of-{count}.json")).display().to_string();
            let shard = format!("{index}/{count}");
            let out = scan(&["--shard", &shard, "--output", &path]);
            assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
            let report: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for account in strings(&report["scope"]["accounts"]) {
                assert!(seen.insert(account.clone()), "{account} in two shards");
            }
            shard_paths.push(path);
        }
        assert_eq!(seen.len(), 3, "every account in a shard");
        let merged =
            moto.leftover().arg("merge").args(shard_paths.iter().map(String::as_str)).args(["--format", "json"]).run();
        merged.assert_code(whole.code);
        assert_eq!(timeless(merged.json()), timeless(whole_report.clone()), "{count} shards");
        if count == 3 {
            // Compared with last night's report at the merge: nothing is new.
            let last = dir.path().join("last.json");
            std::fs::write(&last, &whole.stdout).unwrap();
            let compared = moto
                .leftover()
                .arg("merge")
                .args(shard_paths.iter().map(String::as_str))
                .args(["--baseline", &last.display().to_string(), "--fail-on", "new", "--format", "json"])
                .run();
            compared.assert_code(0);
            let report = compared.json();
            assert!(report["findings"].as_array().unwrap().iter().all(|f| f["status"] == "unchanged"), "{report}");
        }
    }

    // A shard's report left out: the merge says so and exits 3.
    let first = dir.path().join("shard-0-of-3.json").display().to_string();
    let partial = moto.leftover().args(["merge", &first, "--format", "json"]).run();
    partial.assert_code(3);
    let gaps = partial.json()["coverage"]["gaps"].to_string();
    assert!(gaps.contains("shard 1/3") && gaps.contains("shard 2/3"), "{gaps}");

    // Issue 14: the states are read once into an index; the shards scan with it and merge
    // to the same report, and a state changed since makes the index refused.
    let index = dir.path().join("states.index.json").display().to_string();
    moto.leftover()
        .args(["states", "--state", "s3://central-tfstate", "--state-role-arn", &state_role])
        .args(["--format", "json", "--index-output", &index])
        .run()
        .assert_code(0);
    let scan_indexed = |extra: &[&str]| {
        let mut command = moto.leftover().args(["scan", "--format", "json", "--state-index", &index]);
        command = command.args(["--state-role-arn", &state_role]);
        for inventory in &inventories {
            command = command.args(["--inventory", inventory.as_str()]);
        }
        command.args(extra.iter().copied()).run()
    };
    let mut shard_paths = Vec::new();
    for index in 0..3 {
        let path = dir.path().join(format!("indexed-{index}-of-3.json")).display().to_string();
        let out = scan_indexed(&["--shard", &format!("{index}/3"), "--output", &path]);
        assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
        shard_paths.push(path);
    }
    let merged =
        moto.leftover().arg("merge").args(shard_paths.iter().map(String::as_str)).args(["--format", "json"]).run();
    merged.assert_code(whole.code);
    assert_eq!(timeless(merged.json()), timeless(whole_report.clone()), "shards scanned with the index");

    // The plans read the index as the scan does: the same commands as from the states.
    let commands = |state_args: &[&str]| {
        let mut command = moto.leftover().args(["plan", "cleanup", "--output", "-"]).args(state_args.iter().copied());
        command = command.args(["--state-role-arn", &state_role]);
        for inventory in &inventories {
            command = command.args(["--inventory", inventory.as_str()]);
        }
        let out = command.run();
        out.assert_code(0);
        out.stdout.lines().filter(|l| l.trim_start().starts_with("run ")).map(str::to_owned).collect::<Vec<_>>()
    };
    let planned = commands(&["--state", "s3://central-tfstate"]);
    assert!(!planned.is_empty(), "the unmanaged volumes are planned for deletion");
    assert_eq!(commands(&["--state-index", &index]), planned);

    // A state changed after the index was built: refused, naming the object and the fix.
    let changed = declared_volume(TfState::new(), "late", ACCOUNT, "vol-0000000000000late");
    put_state(&moto, CENTRAL, "central-tfstate", "all.tfstate", &changed).await;
    let refused = scan_indexed(&[]);
    refused.assert_code(2);
    assert!(
        refused.stderr.contains("is stale") && refused.stderr.contains("s3://central-tfstate/all.tfstate"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--index-output"), "says how to rebuild: {}", refused.stderr);
    // Used anyway when told: the report is incomplete and names the changed state.
    let anyway = scan_indexed(&["--allow-stale-index"]);
    anyway.assert_code(3);
    let report = anyway.json();
    assert_eq!(report["coverage"]["complete"], false);
    assert!(report["coverage"]["gaps"].to_string().contains("all.tfstate"), "{}", report["coverage"]);
    // A new state beside it is stale too.
    put_state(&moto, CENTRAL, "central-tfstate", "app/terraform.tfstate", &TfState::new()).await;
    let refused = scan_indexed(&[]);
    refused.assert_code(2);
    assert!(refused.stderr.contains("app/terraform.tfstate"), "{}", refused.stderr);
}
