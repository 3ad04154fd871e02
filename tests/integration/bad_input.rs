//! Bad input: every malformed state of the corpus (`tests/fixtures/bad/state`) is a gap
//! that names the object and says what is wrong, and the rest of the scan goes on; a big
//! state parses in bounded memory and the size limit holds; a bad policy file is exit 2
//! naming file, line and key.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::support::{Leftover, Moto};

/// Every file of the corpus and what its message must say; `None` for the files that are
/// valid states (read, not gaps).
const CORPUS: &[(&str, Option<&str>)] = &[
    ("byte-order-mark.tfstate", Some("not valid JSON: expected value at line 1 column 1")),
    ("deep-flatmap-v3.tfstate", None),
    ("deep-nesting.tfstate", Some("not valid JSON: recursion limit exceeded")),
    ("duplicate-address.tfstate", Some("resource instance aws_vpc.main appears more than once")),
    ("empty.tfstate", Some("empty: it holds no state")),
    ("encrypted-opentofu.tfstate", Some("the state is encrypted (OpenTofu state encryption)")),
    ("good.tfstate", None),
    ("gzipped.tfstate", Some("not valid JSON: expected value at line 1 column 1")),
    ("html-error-page.tfstate", Some("not valid JSON: expected value at line 1 column 1")),
    ("instances-not-a-list.tfstate", Some("not a valid Terraform state: invalid type: string \"vpc-1\"")),
    ("json-array.tfstate", Some("not a valid Terraform state: invalid type: sequence, expected a JSON object")),
    ("json-null.tfstate", Some("not a valid Terraform state: invalid type: null, expected a JSON object")),
    ("lone-surrogate.tfstate", Some("not valid JSON: unexpected end of hex escape")),
    ("non-utf8.tfstate", Some("not valid JSON: invalid unicode code point")),
    ("not-json.tfstate", Some("not valid JSON: expected ident at line 1 column 2")),
    ("nul-bytes.tfstate", Some("not valid JSON: expected value at line 1 column 1")),
    (
        "resources-not-a-list.tfstate",
        Some("not a valid Terraform state: invalid type: map, expected a list of resources"),
    ),
    ("serial-overflow.tfstate", Some("not valid JSON: number out of range")),
    ("trailing-garbage.tfstate", Some("not valid JSON: trailing characters")),
    ("truncated.tfstate", Some("not valid JSON: EOF while parsing")),
    ("unknown-mode.tfstate", Some("resource aws_vpc.main has unknown mode \"imaginary\"")),
    ("unknown-types.tfstate", None),
    ("v3-bad-resource-key.tfstate", Some("resource key \"aws_instance\" is not TYPE.NAME")),
    ("version-2.tfstate", Some("state format version 2 is not supported (leftover reads versions 3 and 4)")),
    ("version-5-future.tfstate", Some("state format version 5 is not supported")),
    ("version-as-string.tfstate", Some("not a valid Terraform state: invalid type: string \"4\", expected u64")),
    ("whitespace-only.tfstate", Some("empty: it holds no state")),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/state")
}

fn corpus_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn the_corpus_and_its_expectations_agree() {
    let named: Vec<&str> = CORPUS.iter().map(|(f, _)| *f).collect();
    assert_eq!(corpus_files(), named, "every corpus file has an expectation, in order");
}

/// Gap errors by the object they name.
fn gap_errors(gaps: &Value) -> Vec<(String, String)> {
    gaps.as_array()
        .unwrap()
        .iter()
        .map(|g| (g["object"].as_str().unwrap().to_owned(), g["error"].to_string()))
        .collect()
}

#[track_caller]
fn check_gaps(gaps: &Value, name_of: impl Fn(&str) -> String) {
    let errors = gap_errors(gaps);
    let bad: Vec<&(&str, Option<&str>)> = CORPUS.iter().filter(|(_, m)| m.is_some()).collect();
    assert_eq!(errors.len(), bad.len(), "{errors:#?}");
    for (file, message) in bad {
        let object = name_of(file);
        let (_, error) = errors.iter().find(|(o, _)| *o == object).unwrap_or_else(|| panic!("no gap for {object}"));
        assert!(error.contains(&object), "the message names the object: {error}");
        assert!(error.contains(&message.unwrap().replace('"', "\\\"")), "{file}: {error}");
    }
}

#[test]
fn each_bad_state_on_disk_is_a_gap_naming_the_file_and_the_good_ones_are_read() {
    let dir = corpus_dir();
    let out = Leftover::new().args(["states", "--state", dir.to_str().unwrap(), "--format", "json"]).run();
    out.assert_code(3);
    let report = out.json();
    check_gaps(&report["gaps"], |file| dir.join(file).display().to_string());
    let read: Vec<&str> = report["states"].as_array().unwrap().iter().map(|s| s["source"].as_str().unwrap()).collect();
    assert_eq!(read.len(), 3, "{read:?}");
    let unknown = report["states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"].as_str().unwrap().ends_with("unknown-types.tfstate"))
        .unwrap();
    // Unknown types are read, not refused: joined by ARN where they have one, else counted.
    assert_eq!((unknown["managed"].as_u64(), unknown["mapped"].as_u64()), (Some(3), Some(1)), "{unknown}");
    assert_eq!(unknown["unmapped_types"]["aws_glue_job"], 1, "{unknown}");
    assert_eq!(unknown["other_provider_types"]["google_compute_instance"], 1, "{unknown}");

    // The table names each file too, before anything else.
    let table = Leftover::new().args(["states", "--state", dir.to_str().unwrap()]).run();
    table.assert_code(3);
    assert!(table.stdout.starts_with("INCOMPLETE"), "{}", table.stdout);
    for (file, message) in CORPUS {
        if message.is_some() {
            assert!(table.stdout.contains(&dir.join(file).display().to_string()), "{file}: {}", table.stdout);
        }
    }
}

#[tokio::test]
async fn each_bad_state_in_s3_is_a_gap_naming_the_object_and_the_scan_goes_on() {
    let moto = Moto::start();
    moto.bucket("states").await;
    for file in corpus_files() {
        moto.put("states", &format!("corpus/{file}"), std::fs::read(corpus_dir().join(&file)).unwrap()).await;
    }
    let out = moto.leftover().args(["scan", "--state", "s3://states/corpus", "--format", "json"]).run();
    out.assert_code(3);
    let report = out.json();
    check_gaps(&report["coverage"]["gaps"], |file| format!("s3://states/corpus/{file}"));
    let states: Vec<&str> =
        report["scope"]["states"].as_array().unwrap().iter().map(|s| s["source"].as_str().unwrap()).collect();
    assert_eq!(states.len(), 3, "{states:?}");
    // The good state was joined with the account: its VPC is not live, so it is missing.
    let findings = report["findings"].as_array().unwrap();
    let vpc = findings.iter().find(|f| f["resource"]["id"] == "vpc-0badf00d00000001").unwrap();
    assert_eq!((vpc["kind"].as_str(), vpc["state"]["address"].as_str()), (Some("missing"), Some("aws_vpc.main")));
}

/// Writes a Terraform state of about `target` bytes: VPC-sized resources with the large
/// attributes that make real states big (policies, user data, long tag maps).
fn write_big_state(path: &Path, target: u64) -> usize {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(out, r#"{{"version": 4, "terraform_version": "1.9.8", "serial": 1, "lineage": "big", "outputs": {{}}, "resources": ["#)
        .unwrap();
    let policy = format!(
        r#"{{\"Statement\": [{}]}}"#,
        vec![r#"{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket/*\"}"#; 40]
            .join(", ")
    );
    let mut written = 200u64;
    let mut n = 0usize;
    while written < target {
        let resource = format!(
            r#"{}{{"mode": "managed", "type": "aws_iam_role_policy", "name": "p{n}", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "instances": [{{"schema_version": 0, "attributes": {{"id": "role-{n}:policy", "policy": "{policy}", "tags": {{"Environment": "dev", "Team": "platform", "Index": "{n}"}}}}, "sensitive_attributes": []}}]}}"#,
            if n == 0 { "" } else { ",\n" }
        );
        out.write_all(resource.as_bytes()).unwrap();
        written += resource.len() as u64;
        n += 1;
    }
    out.write_all(b"]}\n").unwrap();
    out.flush().unwrap();
    n
}

/// Runs the command and samples its peak resident memory (Linux `VmHWM`) until it exits.
fn run_measured(command: &mut std::process::Command) -> (std::process::Output, u64) {
    let mut child = command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    // Output is small; reading it after exit cannot block on a full pipe.
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            peak_kb = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(peak_kb).max(peak_kb);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (child.wait_with_output().unwrap(), peak_kb)
}

#[test]
#[cfg(target_os = "linux")]
fn a_100_mb_state_parses_in_bounded_memory_and_the_size_limit_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.tfstate");
    let resources = write_big_state(&path, 100 * 1024 * 1024);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size >= 100 * 1024 * 1024);

    let started = std::time::Instant::now();
    let (out, peak_kb) = run_measured(
        &mut Leftover::new().args(["states", "--state", path.to_str().unwrap(), "--format", "json"]).command(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["states"][0]["managed"], resources);
    eprintln!(
        "{} MB state, {resources} resources: read in {:.1?}, peak RSS {} MB",
        size / (1024 * 1024),
        started.elapsed(),
        peak_kb / 1024
    );
    // The parser streams: it never holds the text, so memory stays well under the file's size.
    assert!(peak_kb > 0 && peak_kb < 80 * 1024, "peak RSS {peak_kb} kB for a {size} byte state");

    // Over the limit: a gap naming the file and the limit, found without reading it all.
    let out = Leftover::new()
        .args(["states", "--state", path.to_str().unwrap(), "--format", "json", "--max-state-size", "10000000"])
        .run();
    out.assert_code(3);
    let gap = &out.json()["gaps"][0];
    let error = gap["error"].as_str().unwrap();
    assert!(
        error.contains(path.to_str().unwrap()) && error.contains("larger than the limit of 10000000 bytes"),
        "{error}"
    );
    assert!(error.contains("--max-state-size"), "{error}");
}

#[tokio::test]
async fn an_s3_state_over_the_size_limit_is_a_gap_and_is_not_fetched() {
    let moto = Moto::start();
    moto.bucket("states").await;
    moto.put("states", "big.tfstate", vec![b' '; 2_000_000]).await;
    moto.put("states", "small.tfstate", std::fs::read(corpus_dir().join("good.tfstate")).unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.json");
    let out = moto
        .leftover()
        .args(["states", "--state", "s3://states", "--format", "json", "--max-state-size", "1000000"])
        .args(["--stats-json", calls.to_str().unwrap()])
        .run();
    out.assert_code(3);
    let report = out.json();
    assert_eq!(report["gaps"].as_array().unwrap().len(), 1);
    assert_eq!(report["gaps"][0]["object"], "s3://states/big.tfstate");
    assert_eq!(report["states"][0]["source"], "s3://states/small.tfstate");
    let calls: Value = serde_json::from_str(&std::fs::read_to_string(calls).unwrap()).unwrap();
    let get = calls["operations"].as_array().unwrap().iter().find(|o| o["operation"] == "GetObject").unwrap();
    assert_eq!(get["calls"], 1, "only the small state is fetched");
}

/// Bad policy files and where their message must point: file, line, column and key.
const BAD_POLICIES: &[(&str, &str)] = &[
    ("type-error.toml", ":3:13: key `unmanaged`"),
    ("unknown-key.toml", ":4:1: key `reasons`"),
    ("unknown-top-level-key.toml", ":1:1: key `ignores`"),
    ("bad-glob.toml", ":3:7: key `ignore[0].arn`"),
    ("bad-tag-glob.toml", ":6:7: key `ignore[1].tag`"),
    ("bad-state-pattern.toml", ":2:19: key `environment_rules.state_patterns`"),
    ("bad-port.toml", ":5:8: key `expect.reachable[0].port`"),
    ("bad-status.toml", ":2:10: key `environments.staging.status`"),
    ("not-toml.toml", ":1:10: key `severity`: unclosed table"),
];

#[test]
fn a_bad_policy_file_is_exit_2_naming_file_line_and_key() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/policy");
    let mut files: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    let mut named: Vec<String> = BAD_POLICIES.iter().map(|(f, _)| (*f).to_owned()).collect();
    named.sort();
    assert_eq!(files, named, "every bad policy has an expectation");
    for (file, location) in BAD_POLICIES {
        let path = dir.join(file);
        let out = Leftover::new()
            .args(["states", "--state", corpus_dir().join("good.tfstate").to_str().unwrap()])
            .args(["--policy", path.to_str().unwrap()])
            .run();
        assert_eq!(out.code, 2, "{file}: {}", out.stderr);
        let expected = format!("{}{location}", path.display());
        assert!(out.stderr.contains(&expected), "{file}: expected {expected:?} in\n{}", out.stderr);
        assert!(out.stdout.is_empty(), "{file}: nothing on stdout: {}", out.stdout);
    }
}

#[tokio::test]
async fn issue_14_s3_states_of_every_size_read_as_the_same_files_on_disk() {
    // Under 256 KiB a state is parsed once downloaded whole; over it, streamed; over a few
    // MiB, converted on several threads. Each reads as the same file read from disk.
    let moto = Moto::start();
    moto.bucket("sizes").await;
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for (name, target) in [("tiny", 2_000u64), ("under", 200_000), ("over", 300_000), ("large", 6_000_000)] {
        let path = dir.path().join(format!("{name}.tfstate"));
        let resources = write_big_state(&path, target);
        moto.put("sizes", &format!("{name}.tfstate"), std::fs::read(&path).unwrap()).await;
        expected.push((name, resources));
    }
    let from_s3 = moto.leftover().args(["states", "--state", "s3://sizes", "--format", "json"]).run();
    from_s3.assert_code(0);
    let from_disk = Leftover::new().args(["states", "--state", dir.path().to_str().unwrap(), "--format", "json"]).run();
    from_disk.assert_code(0);
    let counts = |report: &Value| -> Vec<(String, Value)> {
        let mut states: Vec<(String, Value)> = report["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let source = s["source"].as_str().unwrap();
                (source.rsplit('/').next().unwrap().to_owned(), s["managed"].clone())
            })
            .collect();
        states.sort_by(|a, b| a.0.cmp(&b.0));
        states
    };
    let s3 = counts(&from_s3.json());
    assert_eq!(s3, counts(&from_disk.json()));
    for (name, resources) in expected {
        assert!(s3.contains(&(format!("{name}.tfstate"), Value::from(resources))), "{name}: {s3:?}");
    }
}
