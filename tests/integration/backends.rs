//! State from wherever teams keep it (issue 33): Terraform's http backend (basic auth),
//! GitLab's managed states and Terraform Cloud workspaces, each served by a server the test
//! harness starts in the API's documented shape (tests/support/backends.rs). Every state is
//! read, every failure is a gap naming its source with exit 3, only GETs are made, and the
//! incident's states served by each backend give the report S3 gives, source names aside.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::backends::{self, Server, Version, Workspace};
use crate::support::incident::{self, BUCKET};
use crate::support::{Leftover, Moto, Output};

const INVENTORY: &str = "tests/fixtures/incident/inventory.json";
const STATES: &str = "tests/fixtures/incident/states";

/// The incident's three states as the fixture holds them, by path below `STATES`.
fn fixture_states() -> BTreeMap<String, Vec<u8>> {
    ["shared/redis.tfstate", "dev/platform.tfstate", "staging/platform.tfstate"]
        .into_iter()
        .map(|path| (path.to_owned(), std::fs::read(format!("{STATES}/{path}")).unwrap()))
        .collect()
}

fn assert_only_gets(server: &Server) {
    let methods = server.methods();
    assert!(!methods.is_empty(), "the server was asked nothing");
    assert!(methods.iter().all(|m| m == "GET"), "only GETs: {methods:?} {:?}", server.paths());
}

fn gaps(out: &Output) -> Vec<Value> {
    out.json()["gaps"].as_array().cloned().unwrap_or_default()
}

fn sources(out: &Output) -> Vec<String> {
    let mut out: Vec<String> =
        out.json()["states"].as_array().unwrap().iter().map(|s| s["source"].as_str().unwrap().to_owned()).collect();
    out.sort();
    out
}

/// A run of `leftover` with no credential of any backend in its environment (and a home
/// without a `terraform login` token).
fn leftover(home: &std::path::Path) -> Leftover {
    Leftover::new().env("HOME", home.to_str().unwrap())
}

// ---- Terraform's http backend ------------------------------------------------------------

#[test]
fn issue_33_an_http_backend_state_is_read_with_basic_auth_and_only_gets() {
    let home = tempfile::tempdir().unwrap();
    let server = backends::http_backend(fixture_states(), "ci", "s3cret");
    let url = format!("{}/dev/platform.tfstate", server.address);
    let out = leftover(home.path())
        .args(["states", "--state", &url, "--format", "json"])
        .env("TF_HTTP_USERNAME", "ci")
        .env("TF_HTTP_PASSWORD", "s3cret")
        .run();
    out.assert_code(0);
    assert_eq!(sources(&out), vec![url.clone()]);
    assert_eq!(out.json()["states"][0]["environment"], "dev", "the path names the environment: {}", out.stdout);
    // Credentials written into the address work too, and never appear in any output.
    let with_user = url.replace("http://", "http://ci:s3cret@");
    // Even the trace logs leave them out, as the header they travel in.
    let out = leftover(home.path())
        .env("LEFTOVER_LOG", "trace")
        .args(["states", "--state", &with_user, "--format", "json"])
        .run();
    out.assert_code(0);
    assert_eq!(sources(&out), vec![url.clone()]);
    for secret in ["s3cret", backends::basic("ci", "s3cret").trim_start_matches("Basic ")] {
        assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret), "{}\n{}", out.stdout, out.stderr);
    }
    assert_only_gets(&server);
}

#[test]
fn issue_33_an_http_backend_that_refuses_or_lacks_the_state_is_a_gap_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let server = backends::http_backend(fixture_states(), "ci", "s3cret");
    let good = format!("{}/shared/redis.tfstate", server.address);
    let missing = format!("{}/qa/platform.tfstate", server.address);
    // No credentials: 401.
    let out = leftover(home.path()).args(["states", "--state", &good, "--format", "json"]).run();
    out.assert_code(3);
    let gap = &gaps(&out)[0];
    assert_eq!(gap["object"], good.as_str(), "{gap}");
    assert_eq!(gap["cause"], "denied", "{gap}");
    assert!(gap["error"].as_str().unwrap().contains("401"), "{gap}");
    // A state that is not there: 404, while the other source is still read.
    let out = leftover(home.path())
        .args(["states", "--state", &good, "--state", &missing, "--format", "json"])
        .env("TF_HTTP_USERNAME", "ci")
        .env("TF_HTTP_PASSWORD", "s3cret")
        .run();
    out.assert_code(3);
    assert_eq!(sources(&out), vec![good]);
    let gap = &gaps(&out)[0];
    assert_eq!(gap["object"], missing.as_str(), "{gap}");
    assert!(gap["error"].as_str().unwrap().contains("404"), "{gap}");
    // Nothing listens: a gap too.
    drop(server);
    let out = leftover(home.path()).args(["states", "--state", &missing, "--format", "json"]).run();
    out.assert_code(3);
    assert_eq!(gaps(&out)[0]["object"], missing.as_str());
}

// ---- GitLab --------------------------------------------------------------------------------

#[test]
fn issue_33_a_gitlab_project_lists_every_state_through_graphql_and_reads_each() {
    let home = tempfile::tempdir().unwrap();
    let states: BTreeMap<String, Vec<u8>> =
        fixture_states().into_iter().map(|(path, state)| (path.replace('/', "-"), state)).collect();
    let server = backends::gitlab("rosey/platform", states, "glpat-test");
    let source = format!("gitlab+http://{}/rosey/platform", server.address.trim_start_matches("http://"));
    let out = leftover(home.path())
        .args(["states", "--state", &source, "--format", "json"])
        .env("GITLAB_TOKEN", "glpat-test")
        .run();
    out.assert_code(0);
    assert_eq!(
        sources(&out),
        ["dev-platform.tfstate", "shared-redis.tfstate", "staging-platform.tfstate"]
            .map(|n| format!("{source}/{n}"))
            .to_vec(),
        "three states over two pages"
    );
    assert_only_gets(&server);
    // GitLab's documented http backend address reads one of them.
    let address = format!("{}/api/v4/projects/rosey%2Fplatform/terraform/state/dev-platform.tfstate", server.address);
    let out = leftover(home.path())
        .args(["states", "--state", &address, "--format", "json"])
        .env("LEFTOVER_HTTP_HEADERS", "PRIVATE-TOKEN: glpat-test")
        .run();
    out.assert_code(0);
    assert_eq!(sources(&out), vec![address]);
    // A wrong token: the listing is a gap naming the project.
    let out = leftover(home.path())
        .args(["states", "--state", &source, "--format", "json"])
        .env("GITLAB_TOKEN", "expired")
        .run();
    out.assert_code(3);
    let gap = &gaps(&out)[0];
    assert_eq!(gap["object"], source.as_str(), "{gap}");
    assert_eq!(gap["cause"], "denied", "{gap}");
}

// ---- Terraform Cloud -----------------------------------------------------------------------

fn tfc_run(home: &std::path::Path, server: &Server, token: &str) -> Leftover {
    leftover(home).env("LEFTOVER_TFC_ADDRESS", &server.address).env("TF_TOKEN_127_0_0_1", token)
}

#[test]
fn issue_33_terraform_cloud_reads_every_workspace_across_pages_and_honours_a_429() {
    let home = tempfile::tempdir().unwrap();
    let states = fixture_states();
    let workspaces = vec![
        Workspace::new("redis", &["env:shared"], Version::State(states["shared/redis.tfstate"].clone())),
        Workspace::new(
            "platform-blue",
            &["env:dev", "team:platform"],
            Version::State(states["dev/platform.tfstate"].clone()),
        )
        .in_project("Platform"),
        Workspace::new("new-idea", &[], Version::None),
        Workspace::new(
            "platform-green",
            &["env:staging"],
            Version::ThrottledOnce(states["staging/platform.tfstate"].clone()),
        ),
        Workspace::new("platform-red", &[], Version::State(states["dev/platform.tfstate"].clone())),
    ];
    let server = backends::tfc("rosey", workspaces, "good-token", 2);
    let out = tfc_run(home.path(), &server, "good-token")
        .env("LEFTOVER_LOG", "trace")
        .args(["states", "--state", "tfc://rosey", "--format", "json"])
        .run();
    out.assert_code(0);
    assert!(!out.stderr.contains("good-token"), "the token is never logged: {}", out.stderr);
    assert_eq!(
        sources(&out),
        vec![
            "tfc://rosey/platform-blue",
            "tfc://rosey/platform-green",
            "tfc://rosey/platform-red",
            "tfc://rosey/redis"
        ],
        "every workspace with a state, over three pages, the throttled one after its Retry-After"
    );
    let report = out.json();
    let environment = |source: &str| {
        report["states"].as_array().unwrap().iter().find(|s| s["source"] == source).unwrap()["environment"].clone()
    };
    assert_eq!(environment("tfc://rosey/platform-green"), "staging", "a workspace tagged env:staging is staging's");
    assert_eq!(environment("tfc://rosey/platform-blue"), "dev");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|s| s["object"] == "tfc://rosey/new-idea" && s["reason"] == "workspace without a state"),
        "{skipped:?}"
    );
    assert_only_gets(&server);
    // A glob picks workspaces.
    let out = tfc_run(home.path(), &server, "good-token")
        .args(["states", "--state", "tfc://rosey/platform-*", "--format", "json"])
        .run();
    out.assert_code(0);
    assert_eq!(sources(&out).len(), 3, "{}", out.stdout);
}

#[test]
fn issue_33_terraform_cloud_failures_are_gaps_naming_the_workspace_or_organization() {
    let home = tempfile::tempdir().unwrap();
    let states = fixture_states();
    let workspaces = vec![
        Workspace::new("redis", &["env:shared"], Version::State(states["shared/redis.tfstate"].clone())),
        Workspace::new("busy", &[], Version::Throttled),
    ];
    let server = backends::tfc("rosey", workspaces, "good-token", 20);
    // A workspace still throttled past what leftover waits: a gap naming it; the rest read.
    let out = tfc_run(home.path(), &server, "good-token")
        .args(["states", "--state", "tfc://rosey", "--format", "json"])
        .run();
    out.assert_code(3);
    assert_eq!(sources(&out), vec!["tfc://rosey/redis"]);
    let gap = &gaps(&out)[0];
    assert_eq!(gap["object"], "tfc://rosey/busy", "{gap}");
    assert_eq!(gap["cause"], "throttled", "{gap}");
    assert!(gap["error"].as_str().unwrap().contains("429"), "{gap}");
    // An expired token: the organization cannot be listed.
    let out =
        tfc_run(home.path(), &server, "expired").args(["states", "--state", "tfc://rosey", "--format", "json"]).run();
    out.assert_code(3);
    let gap = &gaps(&out)[0];
    assert_eq!(gap["object"], "tfc://rosey", "{gap}");
    assert_eq!(gap["cause"], "denied", "{gap}");
    assert!(gap["error"].as_str().unwrap().contains("401"), "{gap}");
    // No token at all: the gap says where one comes from.
    let out = leftover(home.path())
        .env("LEFTOVER_TFC_ADDRESS", &server.address)
        .args(["states", "--state", "tfc://rosey", "--format", "json"])
        .run();
    out.assert_code(3);
    assert!(gaps(&out)[0]["error"].as_str().unwrap().contains("TF_TOKEN_127_0_0_1"), "{}", out.stdout);
    // The token `terraform login` saved is used.
    std::fs::create_dir_all(home.path().join(".terraform.d")).unwrap();
    std::fs::write(
        home.path().join(".terraform.d/credentials.tfrc.json"),
        r#"{"credentials": {"127.0.0.1": {"token": "good-token"}}}"#,
    )
    .unwrap();
    let out = leftover(home.path())
        .env("LEFTOVER_TFC_ADDRESS", &server.address)
        .args(["states", "--state", "tfc://rosey/redis", "--format", "json"])
        .run();
    out.assert_code(0);
    assert_eq!(sources(&out), vec!["tfc://rosey/redis"]);
}

#[test]
fn issue_33_a_state_index_of_terraform_cloud_workspaces_goes_stale_when_a_state_version_changes() {
    let home = tempfile::tempdir().unwrap();
    let states = fixture_states();
    let first = vec![
        Workspace::new("redis", &["env:shared"], Version::State(states["shared/redis.tfstate"].clone())),
        Workspace::new("platform", &["env:dev"], Version::State(states["dev/platform.tfstate"].clone())),
    ];
    let server = backends::tfc("rosey", first.clone(), "good-token", 20);
    let index = home.path().join("index.json");
    tfc_run(home.path(), &server, "good-token")
        .args(["states", "--state", "tfc://rosey", "--index-output", index.to_str().unwrap(), "--format", "json"])
        .run()
        .assert_code(0);
    let scan = |server: &Server| {
        tfc_run(home.path(), server, "good-token")
            .args(["scan", "--inventory", INVENTORY, "--state-index", index.to_str().unwrap(), "--format", "json"])
            .run()
    };
    let out = scan(&server);
    assert!(out.code == 0 || out.code == 1, "a current index is used: {}", out.stderr);
    // The same workspaces, their state versions renumbered: a new version of each.
    let mut second = first;
    second.insert(0, Workspace::new("other", &[], Version::None));
    let moved = backends::tfc("rosey", second, "good-token", 20);
    let out = scan(&moved);
    out.assert_code(2);
    assert!(out.stderr.contains("stale") && out.stderr.contains("tfc://rosey/redis"), "{}", out.stderr);
}

// ---- the incident, from every backend ------------------------------------------------------

/// A JSON report with each state's source name replaced by what names it on every backend
/// (`state:NAME`), its lists in a fixed order. A finding's fingerprint goes too: it hashes
/// the source of the state the finding names.
fn normalised(out: &Output, names: &[(String, &str)]) -> Value {
    let mut report = out.timeless_json();
    for finding in report["findings"].as_array_mut().unwrap() {
        finding.as_object_mut().unwrap().remove("fingerprint");
    }
    let mut text = report.to_string();
    for (source, name) in names {
        text = text.replace(source.as_str(), &format!("state:{name}"));
    }
    let mut report: Value = serde_json::from_str(&text).unwrap();
    sort_arrays(&mut report);
    report
}

/// Asserts two normalised reports are the same; when not, both are written beside the
/// test's temporary files to be compared, and the lines found in only one are shown.
fn assert_same_report(actual: &Value, expected: &Value, what: &str) {
    if actual == expected {
        return;
    }
    let (a, e) = (serde_json::to_string_pretty(actual).unwrap(), serde_json::to_string_pretty(expected).unwrap());
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let (a_path, e_path) = (dir.join("issue-33-backend.json"), dir.join("issue-33-s3.json"));
    std::fs::write(&a_path, &a).unwrap();
    std::fs::write(&e_path, &e).unwrap();
    let lines = |text: &str| text.lines().map(str::to_owned).collect::<std::collections::BTreeSet<_>>();
    let (a_lines, e_lines) = (lines(&a), lines(&e));
    panic!(
        "{what} differs from S3's (diff {} {}):\nonly here: {:?}\nonly from S3: {:?}",
        e_path.display(),
        a_path.display(),
        a_lines.difference(&e_lines).take(20).collect::<Vec<_>>(),
        e_lines.difference(&a_lines).take(20).collect::<Vec<_>>(),
    );
}

fn sort_arrays(value: &mut Value) {
    match value {
        Value::Array(items) => {
            items.iter_mut().for_each(sort_arrays);
            items.sort_by_key(ToString::to_string);
        }
        Value::Object(map) => map.values_mut().for_each(sort_arrays),
        _ => {}
    }
}

#[tokio::test]
async fn issue_33_the_incident_served_by_each_backend_gives_the_report_s3_gives() {
    let home = tempfile::tempdir().unwrap();
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    // The incident's states, as the bucket holds them.
    let s3 = moto.s3().await;
    let keys = [
        ("shared", "shared/redis.tfstate"),
        ("dev", "env:/dev/platform/terraform.tfstate"),
        ("staging", "env:/staging/platform/terraform.tfstate"),
    ];
    let mut bodies = BTreeMap::new();
    for (env, key) in keys {
        let object = s3.get_object().bucket(BUCKET).key(key).send().await.unwrap();
        bodies.insert(env, object.body.collect().await.unwrap().into_bytes().to_vec());
    }
    let scan = |sources: &[String]| {
        let mut run = moto.leftover().env("HOME", home.path().to_str().unwrap()).args(["scan", "--format", "json"]);
        for source in sources {
            run = run.args(["--state", source]);
        }
        run
    };
    let from_s3 = scan(&[format!("s3://{BUCKET}")]).run();
    assert!(from_s3.code == 1, "the incident has findings: {}", from_s3.stderr);
    let s3_names: Vec<(String, &str)> = keys.iter().map(|(env, key)| (format!("s3://{BUCKET}/{key}"), *env)).collect();
    let expected = normalised(&from_s3, &s3_names);
    // The other backends hold the states: the bucket that held them goes (as S3 reads it,
    // a state bucket is Terraform's backend, silent; under another backend it would be a
    // bucket nothing declares).
    let objects = s3.list_objects_v2().bucket(BUCKET).send().await.unwrap();
    for object in objects.contents() {
        s3.delete_object().bucket(BUCKET).key(object.key().unwrap()).send().await.unwrap();
    }
    s3.delete_bucket().bucket(BUCKET).send().await.unwrap();

    // Terraform's http backend: a state a path, as teams lay them out (`ENV/NAME`).
    let http = backends::http_backend(
        bodies.iter().map(|(env, body)| (format!("{env}/platform.tfstate"), body.clone())).collect(),
        "ci",
        "s3cret",
    );
    let http_names: Vec<(String, &str)> =
        bodies.keys().map(|env| (format!("{}/{env}/platform.tfstate", http.address), *env)).collect();
    let from_http = scan(&http_names.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>())
        .env("TF_HTTP_USERNAME", "ci")
        .env("TF_HTTP_PASSWORD", "s3cret")
        .run();
    assert_eq!(from_http.code, from_s3.code, "{}", from_http.stderr);
    assert_same_report(&normalised(&from_http, &http_names), &expected, "the http backend's report");
    assert_only_gets(&http);

    // Terraform Cloud: one workspace a state, named for what it holds; their environments
    // are in their tags only.
    let workspace_of = |env: &str| match env {
        "shared" => "redis",
        "dev" => "platform-blue",
        _ => "platform-green",
    };
    let workspaces: Vec<Workspace> = bodies
        .iter()
        .map(|(env, body)| Workspace::new(workspace_of(env), &[&format!("env:{env}")], Version::State(body.clone())))
        .collect();
    let tfc = backends::tfc("rosey", workspaces, "good-token", 2);
    let tfc_names: Vec<(String, &str)> =
        bodies.keys().map(|env| (format!("tfc://rosey/{}", workspace_of(env)), *env)).collect();
    let from_tfc = scan(&["tfc://rosey".to_owned()])
        .env("LEFTOVER_TFC_ADDRESS", &tfc.address)
        .env("TF_TOKEN_127_0_0_1", "good-token")
        .run();
    assert_eq!(from_tfc.code, from_s3.code, "{}", from_tfc.stderr);
    assert_same_report(&normalised(&from_tfc, &tfc_names), &expected, "Terraform Cloud's report");
    assert_only_gets(&tfc);

    // GitLab: every state of the project, named for its environment.
    let gitlab = backends::gitlab(
        "rosey/platform",
        bodies.iter().map(|(env, body)| ((*env).to_owned(), body.clone())).collect(),
        "glpat-test",
    );
    let project = format!("gitlab+http://{}/rosey/platform", gitlab.address.trim_start_matches("http://"));
    let gitlab_names: Vec<(String, &str)> = bodies.keys().map(|env| (format!("{project}/{env}"), *env)).collect();
    let from_gitlab = scan(std::slice::from_ref(&project)).env("GITLAB_TOKEN", "glpat-test").run();
    assert_eq!(from_gitlab.code, from_s3.code, "{}", from_gitlab.stderr);
    assert_same_report(&normalised(&from_gitlab, &gitlab_names), &expected, "GitLab's report");
    assert_only_gets(&gitlab);
}

#[test]
fn issue_33_check_destroy_targets_a_terraform_cloud_workspace() {
    let home = tempfile::tempdir().unwrap();
    let states = fixture_states();
    let workspaces = vec![
        Workspace::new("redis", &["env:shared"], Version::State(states["shared/redis.tfstate"].clone())),
        Workspace::new("platform-blue", &["env:dev"], Version::State(states["dev/platform.tfstate"].clone())),
    ];
    let server = backends::tfc("rosey", workspaces, "good-token", 20);
    let out = tfc_run(home.path(), &server, "good-token")
        .args([
            "check-destroy",
            "--inventory",
            INVENTORY,
            "--target",
            "tfc://rosey/platform-blue",
            "--state",
            "tfc://rosey",
            "--format",
            "json",
        ])
        .run();
    assert!(matches!(out.code, 0 | 1), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("tfc://rosey/platform-blue"), "the target is named: {}", out.stdout);
    assert_only_gets(&server);
}
