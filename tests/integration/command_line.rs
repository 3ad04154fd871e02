//! Command line: choices are typed (a bad one fails at parse, exit 2, listing them), the
//! help groups the shared options under headings after a command's own, completions and
//! a manual page come from the same definitions, and a run that cannot reach AWS says in
//! one line what was tried and how to fix it.

use std::path::Path;

use crate::support::{Leftover, Moto};

/// A run with no credentials anywhere: none in the environment, empty config and
/// credentials files, no home directory to find others in, no instance metadata.
fn without_credentials(moto: &Moto, dir: &Path) -> Leftover {
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, "").unwrap();
    std::fs::write(&credentials, "").unwrap();
    moto.leftover()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("HOME", dir.to_str().unwrap())
        .env("AWS_CONFIG_FILE", config.to_str().unwrap())
        .env("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap())
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

/// stderr's lines that say something.
fn lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| !l.trim().is_empty()).collect()
}

#[test]
fn issue_15_a_bad_choice_fails_at_parse_listing_the_choices() {
    let out = Leftover::new().args(["scan", "--fail-on", "unmanaged,bogus"]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("invalid value 'bogus' for '--fail-on"), "{}", out.stderr);
    for choice in ["unmanaged", "deleted-env", "env-mismatch", "new", "any", "warning"] {
        assert!(out.stderr.contains(choice), "{choice} not listed: {}", out.stderr);
    }
    let out = Leftover::new().args(["merge", "a.json", "--fail-on", "severe"]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("[possible values: unmanaged,"), "{}", out.stderr);
    let out = Leftover::new().args(["scan", "--min-severity", "high"]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("[possible values: info, warning, error]"), "{}", out.stderr);
    // `states` and `explain` print data, not a report: only table and JSON.
    let out = Leftover::new().args(["states", "--format", "markdown"]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("[possible values: table, json]"), "{}", out.stderr);
    let out = Leftover::new().args(["scan", "--color", "sometimes"]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("auto, always, never"), "{}", out.stderr);
    // --region and --all-regions say different things.
    Leftover::new().args(["scan", "--region", "us-east-1", "--all-regions"]).run().assert_code(2);
}

#[test]
fn issue_15_fail_on_mixes_kinds_new_any_and_severities() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.json");
    // One unmanaged VPC (a warning), in a saved inventory: no AWS call.
    std::fs::write(
        &inventory,
        r#"{"schema": "leftover.inventory/v1", "generated_at": "2026-01-01T00:00:00Z",
            "accounts": ["111111111111"], "regions": ["us-east-1"],
            "resources": [{"kind": "ec2:vpc", "id": "vpc-1", "account": "111111111111",
                           "arn": "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1",
                           "region": "us-east-1", "tags": {}}]}"#,
    )
    .unwrap();
    let scan = |fail_on: &str| {
        Leftover::new()
            .args(["scan", "--inventory", inventory.to_str().unwrap(), "--format", "json", "--fail-on", fail_on])
            .run()
    };
    let unmanaged = scan("unmanaged").assert_code(1).json();
    assert_eq!(unmanaged["findings"][0]["kind"], "unmanaged", "{unmanaged}");
    scan("missing").assert_code(0);
    scan("error").assert_code(0);
    // Spaces around items and empty items are ignored; a kind then a severity means
    // findings of that kind at that severity or higher.
    scan(" unmanaged , ").assert_code(1);
    scan("unmanaged,error").assert_code(0);
    scan("any").assert_code(1);
    scan("").assert_code(1);
}

#[test]
fn issue_15_help_puts_a_commands_own_options_first_and_groups_the_rest() {
    let help = Leftover::new().args(["scan", "--help"]).run().stdout;
    let at = |text: &str| help.find(text).unwrap_or_else(|| panic!("{text} missing from:\n{help}"));
    let headings = ["What to scan:", "AWS access:", "Output:", "Limits and retries:", "Logging:"];
    assert!(at("--state <SRC>") < at(headings[0]), "scan's own options come first:\n{help}");
    assert!(at("--fail-on <KIND,...>") < at(headings[0]));
    for pair in headings.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?} out of order:\n{help}");
    }
    assert!(at("Limits and retries:") < at("--max-attempts") && at("--max-attempts") < at("Logging:"));
    // The rarely used shared options stay out of the short help.
    let short = Leftover::new().args(["scan", "-h"]).run().stdout;
    assert!(short.contains("--region") && short.contains("--profile"), "{short}");
    assert!(!short.contains("--max-state-size") && !short.contains("--stats-json"), "{short}");
}

#[test]
fn issue_15_completions_list_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Leftover::new().args(["completions", shell]).run();
        out.assert_code(0);
        // Every command, and the typed values (a finding kind) as choices.
        for text in ["scan", "inventory", "states", "check-destroy", "explain", "merge", "fail-on", "deleted-env"] {
            assert!(out.stdout.contains(text), "{shell}: {text} missing");
        }
    }
    Leftover::new().args(["completions", "tcsh"]).run().assert_code(2);
}

#[test]
fn issue_15_man_page_names_the_command_and_its_options() {
    let out = Leftover::new().arg("man").run();
    out.assert_code(0);
    assert!(out.stdout.contains(".TH leftover"), "{}", out.stdout);
    for text in ["\\-\\-region", "\\-\\-profile", "check\\-destroy", "WHAT TO SCAN"] {
        assert!(out.stdout.contains(text), "{text} missing from the page");
    }
    let dir = tempfile::tempdir().unwrap();
    Leftover::new().args(["man", "--dir", dir.path().to_str().unwrap()]).run().assert_code(0);
    let scan = std::fs::read_to_string(dir.path().join("leftover-scan.1")).unwrap();
    assert!(scan.contains("\\-\\-fail\\-on") && scan.contains("\\-\\-min\\-severity"), "{scan}");
    assert!(dir.path().join("leftover.1").exists());
}

#[test]
fn issue_15_no_credentials_is_one_line_with_the_fix() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let out = without_credentials(&moto, dir.path()).args(["scan", "--format", "json"]).run();
    out.assert_code(2);
    assert_eq!(
        lines(&out.stderr),
        ["leftover: error: no AWS credentials found (tried environment variables, the shared config and \
             credentials files, SSO, web identity, container and instance roles): run `aws configure` or \
             `aws sso login`, or set AWS_PROFILE"],
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn issue_15_an_sso_profile_never_logged_in_says_sso_login() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sso-config");
    std::fs::write(
        &config,
        "[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Audit\n\
         region = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
         sso_region = us-east-1\n",
    )
    .unwrap();
    let out = without_credentials(&moto, dir.path())
        .env("AWS_CONFIG_FILE", config.to_str().unwrap())
        .args(["inventory", "--profile", "dev", "--output", "-"])
        .run();
    out.assert_code(2);
    let said = lines(&out.stderr);
    assert_eq!(said.len(), 1, "{}", out.stderr);
    assert!(said[0].starts_with("leftover: error: the AWS SSO session for profile `dev` has expired"), "{}", said[0]);
    assert!(said[0].ends_with("run `aws sso login --profile dev`"), "{}", said[0]);
}

#[test]
fn issue_15_no_region_is_one_line_with_the_fix() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let out = without_credentials(&moto, dir.path())
        .env_remove("AWS_REGION")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .args(["scan"])
        .run();
    out.assert_code(2);
    let said = lines(&out.stderr);
    assert_eq!(said.len(), 1, "{}", out.stderr);
    assert!(said[0].starts_with("leftover: error: no region to scan"), "{}", said[0]);
    assert!(said[0].contains("pass --region REGION or --all-regions, or set AWS_REGION"), "{}", said[0]);
    // A named region is enough, though the configuration names none.
    let out = without_credentials(&moto, dir.path())
        .env_remove("AWS_REGION")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .args(["scan", "--region", "us-east-1", "--format", "json"])
        .run();
    out.assert_code(0);
}

#[test]
fn issue_15_scan_short_help() {
    let out = Leftover::new().args(["scan", "-h"]).run();
    out.assert_code(0);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    // The version changes with every release.
    settings.add_filter(r"leftover \d+\.\d+\.\d+", "leftover [VERSION]");
    settings.bind(|| insta::assert_snapshot!("scan_short_help", out.stdout));
}
