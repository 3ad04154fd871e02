//! Safe output: secrets in states never reach a report, a log, `explain` or a drift value;
//! credentials and signatures never reach a log; reports are written atomically.

use std::path::Path;

use aws_sdk_ec2::types::ResourceType;
use serde_json::json;

use crate::support::proxy::{FaultPlan, Match};
use crate::support::{ACCOUNT, AMI, Leftover, Moto, Network, Output, TfState, tag_spec};

const BUCKET: &str = "tfstate";

/// Values that must never be shown, each unique so a hit says which protection failed.
const SECRETS: &[&str] = &[
    "USERDATA-SECRET-0001",
    "PASSWORD-SECRET-0002",
    "MARKED-SECRET-0003",
    "AUTH-TOKEN-SECRET-0004",
    "TAG-TOKEN-SECRET-0005",
    "PEM-SECRET-0006",
    "RANDOM-RESULT-SECRET-0007",
    "sg-05ec2e7000000008",
    "IAM-SECRET-0009",
    "SMTP-SECRET-0010",
    "PEM-INNOCUOUS-0011",
    "OUTPUT-SECRET-0012",
    "NESTED-MARKED-SECRET-0013",
    "V3-PASSWORD-0014",
    "t3.DRIFT-SECRET-0015",
    "INDEXED-MARKED-SECRET-0016",
];

/// The `--format` values the binary accepts, from its own help.
fn formats() -> Vec<String> {
    let help = Leftover::new().args(["scan", "--help"]).run().stdout;
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = flat.find("--format").unwrap();
    let values = &flat[start..];
    let values = &values[values.find("[possible values: ").unwrap() + 18..];
    let values = &values[..values.find(']').unwrap()];
    let formats: Vec<String> = values.split(',').map(|v| v.trim().to_owned()).collect();
    assert!(formats.contains(&"json".to_owned()) && formats.contains(&"table".to_owned()), "{formats:?}");
    formats
}

/// Seeds live resources and states full of marked and secret-named values, with findings
/// of several kinds so the states' resources appear in reports.
async fn seed(moto: &Moto) -> (Network, String) {
    moto.bucket(BUCKET).await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    let ec2 = moto.ec2("us-east-1").await;
    let run = |env: &'static str| {
        ec2.run_instances()
            .image_id(AMI)
            .min_count(1)
            .max_count(1)
            .subnet_id(&net.subnet)
            .tag_specifications(tag_spec(ResourceType::Instance, &[("Environment", env)]))
            .send()
    };
    let gone = run("dev").await.unwrap().instances()[0].instance_id().unwrap().to_owned();
    ec2.terminate_instances().instance_ids(&gone).send().await.unwrap();
    let drifting = run("dev").await.unwrap().instances()[0].instance_id().unwrap().to_owned();
    ec2.create_volume().availability_zone("us-east-1a").size(8).send().await.unwrap();
    let arn = |id: &str| format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{id}");

    let state = net
        .declare(TfState::new(), None, "dev")
        .managed_sensitive(
            "aws_instance",
            "gone",
            json!({
                "id": gone, "arn": arn(&gone), "subnet_id": net.subnet, "instance_type": "t3.micro",
                "user_data": "#!/bin/sh\necho USERDATA-SECRET-0001",
                "password": "PASSWORD-SECRET-0002",
                "opaque_blob": "MARKED-SECRET-0003",
                "connection": [{"host": "10.0.1.9", "opaque": "NESTED-MARKED-SECRET-0013"}],
                "settings": {"first": "INDEXED-MARKED-SECRET-0016"},
                "tags": {"Environment": "dev", "deploy_token": "TAG-TOKEN-SECRET-0005"}
            }),
            &["opaque_blob"],
        )
        .managed_sensitive(
            "aws_instance",
            "drifting",
            json!({"id": drifting, "arn": arn(&drifting), "subnet_id": net.subnet,
                   "instance_type": "t3.DRIFT-SECRET-0015", "tags": {"Environment": "dev"}}),
            &["instance_type"],
        )
        .managed(
            "aws_elasticache_replication_group",
            "cache",
            json!({"id": "rg-secretive", "arn": format!("arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:rg-secretive"),
                   "auth_token": "AUTH-TOKEN-SECRET-0004", "subnet_group_name": "default"}),
        )
        .managed("tls_private_key", "deploy", json!({"id": "k1", "algorithm": "RSA",
            "private_key_pem": "-----BEGIN RSA PRIVATE KEY-----\nPEM-SECRET-0006\n-----END RSA PRIVATE KEY-----\n"}))
        .managed("aws_db_instance", "db", json!({"id": "db-1", "arn": format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:db-1"),
            "password": "sg-05ec2e7000000008", "vpc_security_group_ids": [net.sg]}))
        .managed("aws_iam_access_key", "ci", json!({"id": "AKIAEXAMPLEKEYID0001", "user": "ci",
            "secret": "IAM-SECRET-0009", "ses_smtp_password_v4": "SMTP-SECRET-0010"}))
        .managed("aws_acm_certificate", "cert", json!({"id": "arn:aws:acm:us-east-1:123456789012:certificate/c1",
            "certificate_body": "-----BEGIN PRIVATE KEY-----\nPEM-INNOCUOUS-0011\n-----END PRIVATE KEY-----"}))
        .output("db_password", "OUTPUT-SECRET-0012", true);
    // A marked path into a list element and a map key, as Terraform writes them.
    let mut text: serde_json::Value = serde_json::from_str(&state.to_json()).unwrap();
    for resource in text["resources"].as_array_mut().unwrap() {
        if resource["name"] == "gone" {
            resource["instances"][0]["sensitive_attributes"] = json!([
                [{"type": "get_attr", "value": "opaque_blob"}],
                [{"type": "get_attr", "value": "connection"}, {"type": "index", "value": {"value": 0, "type": "number"}},
                 {"type": "get_attr", "value": "opaque"}],
                [{"type": "get_attr", "value": "settings"}, {"type": "index", "value": {"value": "first", "type": "string"}}]
            ]);
        }
    }
    text["resources"].as_array_mut().unwrap().push(json!({
        "mode": "managed", "type": "random_password", "name": "db",
        "provider": "provider[\"registry.terraform.io/hashicorp/random\"]",
        "instances": [{"schema_version": 3, "attributes": {"id": "none", "result": "RANDOM-RESULT-SECRET-0007", "length": 24},
                       "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]}]
    }));
    moto.put(BUCKET, "dev/secrets.tfstate", text.to_string()).await;
    // A legacy (version 3) state: flat attributes, no sensitivity marks, names still protect.
    let v3 = json!({"version": 3, "terraform_version": "0.11.14", "serial": 1, "lineage": "old", "modules": [{
        "path": ["root"], "outputs": {}, "resources": {"aws_db_instance.legacy": {"type": "aws_db_instance",
            "primary": {"id": "legacy", "attributes": {"id": "legacy", "password": "V3-PASSWORD-0014", "engine": "postgres"}}}}}]});
    moto.put(BUCKET, "legacy/terraform.tfstate", v3.to_string()).await;
    (net, gone)
}

#[track_caller]
fn assert_clean(what: &str, out: &Output) {
    for secret in SECRETS {
        assert!(!out.stdout.contains(secret), "{what}: {secret} on stdout:\n{}", out.stdout);
        assert!(!out.stderr.contains(secret), "{what}: {secret} on stderr:\n{}", out.stderr);
    }
}

/// Whether a command is not in this build yet (built elsewhere): exit 2 saying so.
fn unavailable(out: &Output) -> bool {
    out.code == 2 && out.stderr.contains("not available")
}

#[tokio::test]
async fn secrets_in_states_never_appear_in_any_output() {
    let moto = Moto::start();
    let (net, gone) = seed(&moto).await;
    let states = ["--state", "s3://tfstate"];
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = 0;
    let mut check = |what: String, out: &Output| {
        assert_clean(&what, out);
        outputs += 1;
    };

    for format in formats() {
        for verbosity in [None, Some("-v"), Some("-vv")] {
            let out = moto.leftover().arg("scan").args(states).args(["--format", &format]).args(verbosity).run();
            if out.code == 2 && format != "json" && format != "table" {
                // A format being built elsewhere, not yet in this build.
                continue;
            }
            assert_eq!(out.code, 1, "scan --format {format}: {}", out.stderr);
            check(format!("scan --format {format} {verbosity:?}"), &out);
        }
        let path = dir.path().join(format!("report.{format}"));
        let out =
            moto.leftover().arg("scan").args(states).args(["--format", &format, "-o", path.to_str().unwrap()]).run();
        if out.code != 2 {
            let written = std::fs::read_to_string(&path).unwrap();
            assert!(!written.is_empty());
            check(format!("scan --output {format}"), &Output { code: out.code, stdout: written, stderr: out.stderr });
        }
    }
    // The JSON report did carry the declared resources, so the check above meant something.
    let json = moto.leftover().arg("scan").args(states).args(["--format", "json"]).run();
    assert!(json.stdout.contains(&gone) && json.stdout.contains("aws_instance.gone"), "{}", json.stdout);

    for format in ["table", "json"] {
        check(
            format!("states {format}"),
            &moto.leftover().args(["states", "-vv", "--format", format]).args(states).run(),
        );
    }
    for id in [gone.as_str(), net.instance.as_str(), "aws_instance.gone", "rg-secretive", "db-1"] {
        for format in ["table", "json"] {
            let out = moto.leftover().args(["explain", id, "-vv", "--format", format]).args(states).run();
            if unavailable(&out) {
                continue;
            }
            check(format!("explain {id} {format}"), &out);
        }
    }
    let out = moto
        .leftover()
        .args(["check-destroy", "-vv", "--target", "s3://tfstate/dev/secrets.tfstate"])
        .args(states)
        .run();
    if !unavailable(&out) {
        check("check-destroy".to_owned(), &out);
    }
    // A saved inventory, then a scan of it: the offline path.
    let inventory = dir.path().join("inventory.json");
    moto.leftover().args(["inventory", "-o", inventory.to_str().unwrap()]).run().assert_code(0);
    let out = moto
        .leftover()
        .args(["scan", "--format", "json", "--inventory", inventory.to_str().unwrap()])
        .args(states)
        .run();
    check("scan --inventory".to_owned(), &out);
    // The SDK's own logs, opened with LEFTOVER_LOG: the objects' bodies are not in them.
    let out = moto.leftover().env("LEFTOVER_LOG", "trace").args(["scan", "--format", "json"]).args(states).run();
    check("LEFTOVER_LOG=trace".to_owned(), &out);
    eprintln!("{outputs} outputs searched for {} secrets: none found", SECRETS.len());
}

/// Recognisable credentials: none may be logged.
const ACCESS_KEY_ID: &str = "AKIALEFTOVERKEY00042";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/LEFTOVERsecretKEY42";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luLEFTOVERsessionTOKEN42";

fn with_credentials(leftover: Leftover) -> Leftover {
    leftover
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
}

#[tokio::test]
async fn credentials_and_signatures_never_appear_in_logs() {
    let moto = Moto::start();
    seed(&moto).await;
    // Faults and a denial, so error paths log too.
    let proxy = moto.proxy(FaultPlan::new(5).faults(0.2).deny(Match::operation("eks", "ListClusters")));
    let signed = ["X-Amz-Signature", "X-Amz-Credential", "Signature=", "Credential=", "x-amz-security-token"];
    for verbosity in ["-v", "-vv"] {
        let out = with_credentials(proxy.leftover())
            .args(["scan", verbosity, "--stats", "--state", "s3://tfstate", "--format", "json"])
            .run();
        out.assert_code(3);
        assert!(!out.stderr.is_empty());
        for text in [ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN].iter().chain(&signed) {
            assert!(!out.stderr.contains(text) && !out.stdout.contains(text), "{verbosity}: {text} in\n{}", out.stderr);
        }
    }
    // The SDK's own trace logs (LEFTOVER_LOG) name the access key id, which identifies
    // but does not authenticate; the secret key, the session token and the signature are
    // never in them.
    let out = with_credentials(proxy.leftover())
        .env("LEFTOVER_LOG", "trace")
        .args(["scan", "--state", "s3://tfstate", "--format", "json"])
        .run();
    for text in [SECRET_KEY, SESSION_TOKEN, "X-Amz-Signature", "Signature="] {
        assert!(!out.stderr.contains(text), "LEFTOVER_LOG=trace: {text} logged");
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
#[cfg(unix)]
async fn a_report_file_is_replaced_whole_never_written_in_place() {
    use std::os::unix::fs::MetadataExt;

    let moto = Moto::start();
    seed(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nightly.json");
    let scan = || {
        moto.leftover()
            .args(["scan", "--state", "s3://tfstate", "--format", "json", "-o", path.to_str().unwrap()])
            .run()
    };
    let first = scan();
    first.assert_code(1);
    assert!(first.stdout.is_empty(), "the report went to the file: {}", first.stdout);
    let before: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(entries(dir.path()), ["nightly.json"], "no temporary file is left");

    // A reader holding the old report (a hard link: the same inode) still has it whole
    // after the next run, which puts a new file in its place with a rename.
    let held = dir.path().join("held-by-reader.json");
    std::fs::hard_link(&path, &held).unwrap();
    moto.ec2("us-east-1").await.create_volume().availability_zone("us-east-1a").size(9).send().await.unwrap();
    scan().assert_code(1);
    let old: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&held).unwrap()).unwrap();
    let new: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(old, before);
    assert_eq!(new["findings"].as_array().unwrap().len(), old["findings"].as_array().unwrap().len() + 1);
    assert_ne!(std::fs::metadata(&path).unwrap().ino(), std::fs::metadata(&held).unwrap().ino());
    assert_eq!(entries(dir.path()), ["held-by-reader.json", "nightly.json"]);

    // A report that cannot be written is an error naming the path, and leaves nothing.
    let missing_dir = dir.path().join("no-such-dir/nightly.json");
    let out = moto.leftover().args(["scan", "--state", "s3://tfstate", "-o", missing_dir.to_str().unwrap()]).run();
    out.assert_code(2);
    assert!(out.stderr.contains(missing_dir.to_str().unwrap()), "{}", out.stderr);
    assert_eq!(entries(dir.path()), ["held-by-reader.json", "nightly.json"]);
}
