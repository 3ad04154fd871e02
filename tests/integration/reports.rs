//! Reports for people and schedulers (issue 5): table, markdown, JSON and HTML of a fixed
//! scan, baselines across two runs, `--fail-on` and `--min-severity`, the cost of leftovers,
//! colour and logs. Offline: a saved inventory (`--inventory`) and states in a directory,
//! from `tests/fixtures/incident/` (see its README); only the `-v` test lists a live emulator.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::{Leftover, Moto, Output};

const INVENTORY: &str = "tests/fixtures/incident/inventory.json";
/// The same account a night later: two leftovers cleaned up, one new.
const INVENTORY_NEXT: &str = "tests/fixtures/incident/inventory-next.json";
const STATES: &str = "tests/fixtures/incident/states";
const POLICY: &str = "policies/demo.toml";

/// What changed between the two inventories.
const CLEANED_UP: [&str; 2] = ["eipalloc-8adce94c009521b0a", "vol-bf5250322f554aa6f"];
const APPEARED: &str = "vol-6132fae81146bdabd";

/// `leftover scan` of a saved inventory and the fixture's states.
fn scan(inventory: &str) -> Leftover {
    Leftover::new().args(["scan", "--inventory", inventory, "--state", STATES, "--policy", POLICY])
}

/// Snapshot settings: timestamps hidden.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "[TIME]");
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn ids(values: &Value) -> Vec<String> {
    let mut out: Vec<String> =
        values.as_array().unwrap().iter().map(|f| f["resource"]["id"].as_str().unwrap().to_owned()).collect();
    out.sort();
    out
}

/// The fixture with a listing that failed: every format must say so first.
fn incomplete_inventory(dir: &Path) -> PathBuf {
    let mut inventory: Value = serde_json::from_str(&std::fs::read_to_string(INVENTORY).unwrap()).unwrap();
    inventory["gaps"] = json!([{
        "service": "elasticache", "account": "123456789012", "region": "us-east-1",
        "operation": "DescribeReplicationGroups", "error": "AccessDenied: not authorized",
        "cause": "denied", "kinds": ["elasticache:replication-group"]
    }]);
    write(dir, "incomplete.json", &serde_json::to_string(&inventory).unwrap())
}

// ---- snapshots of every format ---------------------------------------------------------

#[test]
fn the_table_of_a_fixed_scan() {
    let out = scan(INVENTORY).run();
    out.assert_code(1);
    settings().bind(|| insta::assert_snapshot!("incident_table", out.stdout));
}

#[test]
fn the_markdown_of_a_fixed_scan() {
    let out = scan(INVENTORY).args(["--format", "markdown"]).run();
    out.assert_code(1);
    settings().bind(|| insta::assert_snapshot!("incident_markdown", out.stdout));
}

#[test]
fn the_json_of_a_fixed_scan() {
    let out = scan(INVENTORY).args(["--format", "json"]).run();
    out.assert_code(1);
    settings().bind(|| insta::assert_json_snapshot!("incident_json", out.json()));
}

#[test]
fn every_format_shows_new_and_resolved_against_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let first = scan(INVENTORY).args(["--format", "json"]).run();
    let baseline = write(dir.path(), "last.json", &first.stdout);
    let baseline = baseline.to_str().unwrap();
    let table = scan(INVENTORY_NEXT).args(["--baseline", baseline]).run();
    let markdown = scan(INVENTORY_NEXT).args(["--baseline", baseline, "--format", "markdown"]).run();
    let html = scan(INVENTORY_NEXT).args(["--baseline", baseline, "--format", "html"]).run();
    settings().bind(|| {
        insta::assert_snapshot!("incident_table_with_baseline", table.stdout);
        insta::assert_snapshot!("incident_markdown_with_baseline", markdown.stdout);
    });
    for (format, text) in [("table", &table.stdout), ("markdown", &markdown.stdout), ("html", &html.stdout)] {
        assert!(text.contains("1 new, 22 unchanged, 2 resolved since the baseline"), "{format}:\n{text}");
        for id in CLEANED_UP.iter().chain([&APPEARED]) {
            assert!(text.contains(id), "{format} names {id}:\n{text}");
        }
    }
}

// ---- widths (issue 32) -----------------------------------------------------------------

/// The widest line, in display columns (as a terminal shows them).
fn widest(text: &str) -> usize {
    text.lines().map(unicode_width::UnicodeWidthStr::width).max().unwrap_or(0)
}

#[test]
fn issue_32_the_piped_table_fits_80_100_and_160_columns() {
    // Not a terminal, no COLUMNS: 100 columns. The same scan at 80 and 160.
    for (width, name) in
        [(None, "incident_table"), (Some("80"), "incident_table_80"), (Some("160"), "incident_table_160")]
    {
        let out = match width {
            Some(width) => scan(INVENTORY).args(["--width", width]).run(),
            None => scan(INVENTORY).run(),
        };
        out.assert_code(1);
        let max = width.map_or(100, |w| w.parse().unwrap());
        assert!(widest(&out.stdout) <= max, "a line over {max} columns:\n{}", out.stdout);
        // The first line says whether anything needs a person; the summary closes it too.
        let summary = out.stdout.lines().next().unwrap();
        assert!(summary.starts_with("3 unmanaged, 1 missing, 12 deleted-env"), "{}", out.stdout);
        assert_eq!(out.stdout.matches("coverage complete").count(), 2, "{}", out.stdout);
        settings().bind(|| insta::assert_snapshot!(name, out.stdout));
    }
}

#[test]
fn issue_32_columns_is_honoured_and_width_wins() {
    let out = scan(INVENTORY).env("COLUMNS", "70").run();
    out.assert_code(1);
    assert!(widest(&out.stdout) <= 70, "{}", out.stdout);
    assert!(widest(&out.stdout) > 60, "COLUMNS=70 is used, not something narrower:\n{}", out.stdout);
    let out = scan(INVENTORY).env("COLUMNS", "70").args(["--width", "200"]).run();
    assert!(widest(&out.stdout) > 100 && widest(&out.stdout) <= 200, "{}", out.stdout);
    // A written file follows the same rule, and colour (asked for) never counts as width.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    scan(INVENTORY).env("COLUMNS", "90").args(["--output", path.to_str().unwrap()]).run().assert_code(1);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(widest(&written) <= 90 && !written.contains('\u{1b}'), "{written}");
    let coloured = scan(INVENTORY).env("NO_COLOR", "").args(["--color", "always", "--width", "80"]).run();
    assert!(coloured.stdout.contains("\u{1b}["), "--color always colours");
    let plain: String = strip_escapes(&coloured.stdout);
    assert!(widest(&plain) <= 80, "{plain}");
    // A width too narrow to be a width is a usage error.
    scan(INVENTORY).args(["--width", "5"]).run().assert_code(2);
}

/// `text` without ANSI colour codes.
fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(char::is_ascii_alphabetic);
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn issue_32_states_explain_check_destroy_and_merge_fit_too() {
    let dir = tempfile::tempdir().unwrap();
    let json = scan(INVENTORY).args(["--format", "json"]).run();
    let report = write(dir.path(), "report.json", &json.stdout);
    let target = format!("{STATES}/shared/redis.tfstate");
    let runs = [
        ("states", Leftover::new().args(["states", "--state", STATES])),
        (
            "explain",
            Leftover::new().args(["explain", "pcx-aaf6f03380b69f59c", "--inventory", INVENTORY, "--state", STATES]),
        ),
        (
            "check-destroy",
            Leftover::new().args(["check-destroy", "--target", &target, "--state", STATES, "--inventory", INVENTORY]),
        ),
        ("merge", Leftover::new().args(["merge", report.to_str().unwrap()])),
    ];
    for (command, run) in runs {
        let out = run.args(["--policy", POLICY]).env("COLUMNS", "72").run();
        assert!(out.code == 0 || out.code == 1, "{command}: {}\n{}", out.code, out.stderr);
        assert!(!out.stdout.is_empty(), "{command}");
        assert!(widest(&out.stdout) <= 72, "{command}: a line over 72 columns:\n{}", out.stdout);
    }
}

// ---- baselines -------------------------------------------------------------------------

#[test]
fn a_baseline_marks_findings_new_or_unchanged_and_lists_the_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let first = scan(INVENTORY).args(["--format", "json"]).run();
    first.assert_code(1);
    assert!(first.json()["findings"].as_array().unwrap().iter().all(|f| f.get("status").is_none()));
    let last = write(dir.path(), "last.json", &first.stdout);

    // The next night: `--fail-on new` fails, for the one new leftover.
    let second = scan(INVENTORY_NEXT)
        .args(["--format", "json", "--fail-on", "new"])
        .arg("--baseline")
        .arg(last.to_str().unwrap())
        .run();
    second.assert_code(1);
    let report = second.json();
    let findings = report["findings"].as_array().unwrap();
    let new: Vec<&str> =
        findings.iter().filter(|f| f["status"] == "new").map(|f| f["resource"]["id"].as_str().unwrap()).collect();
    assert_eq!(new, [APPEARED]);
    assert!(findings.iter().all(|f| f["status"] == "new" || f["status"] == "unchanged"), "{report}");
    assert_eq!(ids(&report["resolved"]), CLEANED_UP);
    assert!(report["resolved"].as_array().unwrap().iter().all(|f| f["status"] == "resolved"));
    assert_eq!(report["baseline"]["findings"], 24);
    // qa only appears deleted (inferred from tags): its leftovers are `unmanaged`, each once.
    assert_eq!(report["summary"]["deleted-env"], 11);
    assert_eq!(report["summary"]["unmanaged"], 3);
    // Fingerprints are stable across runs: an unchanged finding keeps its own.
    let before = first.json();
    let fingerprint = |r: &Value, id: &str| {
        r["findings"].as_array().unwrap().iter().find(|f| f["resource"]["id"] == id).unwrap()["fingerprint"].clone()
    };
    assert_eq!(fingerprint(&before, "staging-sessions"), fingerprint(&report, "staging-sessions"));

    // The night after, nothing is new: `--fail-on new` passes though leftovers remain.
    let last = write(dir.path(), "last.json", &second.stdout);
    let third =
        scan(INVENTORY_NEXT).args(["--format", "json", "--fail-on", "new", "--baseline", last.to_str().unwrap()]).run();
    third.assert_code(0);
    let report = third.json();
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["status"] == "unchanged"), "{report}");
    assert_eq!(report["resolved"], json!([]));
    // Without `--fail-on new` the same scan fails: leftovers remain.
    scan(INVENTORY_NEXT).args(["--baseline", last.to_str().unwrap()]).run().assert_code(1);
}

#[test]
fn a_baseline_that_is_not_a_leftover_report_is_a_usage_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = write(dir.path(), "notes.txt", "last night was fine");
    let other_schema = write(dir.path(), "old.json", r#"{"schema": "leftover.report/v0", "findings": []}"#);
    for (path, says) in [
        (INVENTORY.to_owned(), "leftover.inventory/v1"),
        (not_json.display().to_string(), "is not a leftover report"),
        (other_schema.display().to_string(), "leftover.report/v0"),
        (dir.path().join("absent.json").display().to_string(), "cannot read the baseline"),
    ] {
        let out = scan(INVENTORY).args(["--baseline", &path]).run();
        out.assert_code(2);
        assert!(out.stderr.contains(&path), "names {path}: {}", out.stderr);
        assert!(out.stderr.contains(says), "says {says}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "no report: {}", out.stdout);
    }
}

// ---- exit codes ------------------------------------------------------------------------

#[test]
fn fail_on_and_min_severity_decide_the_exit_code() {
    // deleted-env (staging: error), unmanaged (qa's leftovers: qa only appears deleted,
    // warning), missing, broken-reference and unreachable (error), drift (warning),
    // cross-state (info); no blocking or env-mismatch finding.
    scan(INVENTORY).run().assert_code(1);
    scan(INVENTORY).args(["--fail-on", "deleted-env"]).run().assert_code(1);
    scan(INVENTORY).args(["--fail-on", "missing"]).run().assert_code(1);
    scan(INVENTORY).args(["--fail-on", "unmanaged"]).run().assert_code(1);
    scan(INVENTORY).args(["--fail-on", "blocking-dependency,env-mismatch"]).run().assert_code(0);
    scan(INVENTORY).args(["--fail-on", "cross-state"]).run().assert_code(1);
    scan(INVENTORY).args(["--fail-on", "error"]).run().assert_code(1);

    let errors = scan(INVENTORY).args(["--min-severity", "error", "--format", "json"]).run();
    errors.assert_code(1);
    let report = errors.json();
    assert_eq!(report["summary"], json!({"broken-reference": 3, "deleted-env": 12, "missing": 1, "unreachable": 1}));
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["severity"] == "error"));
    // Only drift, which the filter left out: nothing fails.
    scan(INVENTORY).args(["--min-severity", "error", "--fail-on", "drift"]).run().assert_code(0);

    for (args, says) in [
        (["--fail-on", "bogus"], "invalid value 'bogus' for '--fail-on"),
        (["--min-severity", "loud"], "--min-severity"),
    ] {
        let out = scan(INVENTORY).args(args).run();
        out.assert_code(2);
        assert!(out.stderr.contains(says), "{}", out.stderr);
    }
}

#[test]
fn an_incomplete_scan_exits_3_and_every_format_says_so_first() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = incomplete_inventory(dir.path());
    let inventory = inventory.to_str().unwrap();
    // 3 wins, whatever --fail-on says and whether findings fail or not.
    scan(inventory).run().assert_code(3);
    scan(inventory).args(["--fail-on", "unreachable"]).run().assert_code(3);

    let table = scan(inventory).run().stdout;
    assert!(table.starts_with("INCOMPLETE SCAN: 1 gap"), "{table}");
    let markdown = scan(inventory).args(["--format", "markdown"]).run().stdout;
    assert!(markdown.starts_with("> **⚠ INCOMPLETE SCAN: 1 coverage gap.**"), "{markdown}");
    assert!(markdown.contains("DescribeReplicationGroups: AccessDenied"), "{markdown}");
    let html = scan(inventory).args(["--format", "html"]).run().stdout;
    let body = &html[html.find("<body>").unwrap() + "<body>".len()..];
    assert!(body.starts_with("<header id=\"coverage\" class=\"banner incomplete\""), "{body}");
    let json = scan(inventory).args(["--format", "json"]).run().json();
    assert_eq!(json["coverage"]["complete"], false);
}

// ---- cost ------------------------------------------------------------------------------

#[test]
fn leftovers_are_priced_and_summed_per_environment() {
    let report = scan(INVENTORY).args(["--format", "json"]).run().json();
    let cost = &report["cost"];
    assert_eq!(cost["estimate"], true);
    assert_eq!(cost["currency"], "USD");
    assert_eq!(cost["prices"]["source"], "policies/prices.toml (built in)");
    assert!(cost["prices"]["date"].as_str().unwrap().len() == 10);
    // By hand, from policies/prices.toml: staging = EIP 3.65 + bastion (t3.medium 30.37 and
    // its 8 GB gp2 root volume 0.80) + NAT gateway 32.85 + gp3 200 GB 16.00 + gp3 100 GB
    // 8.00 + EKS control plane 73.00 + cache.t3.small 24.82 + free VPC, subnet, security
    // group and interface; qa = idle EIP 3.65 + io1 500 GB with 3000 IOPS 257.50.
    assert_eq!(
        cost["environments"],
        json!([
            {"environment": "qa", "monthly": 261.15, "priced": 2, "unpriced": 1},
            {"environment": "staging", "monthly": 189.49, "priced": 11, "unpriced": 1},
        ])
    );
    assert_eq!(cost["monthly"], 450.64);
    assert_eq!((cost["priced"].as_u64(), cost["unpriced"].as_u64()), (Some(13), Some(2)));

    let finding = |id: &str| report["findings"].as_array().unwrap().iter().find(|f| f["resource"]["id"] == id).unwrap();
    let bastion = &finding("i-b2fe9a7394bb50fc1")["cost"];
    assert_eq!(bastion["monthly"], 31.17);
    assert!(bastion["basis"].as_str().unwrap().contains("t3.medium, 730 h × $0.0416"), "{bastion}");
    assert!(bastion["basis"].as_str().unwrap().contains("8 GB gp2"), "{bastion}");
    // Unknown types have no price, never zero.
    let gpu = &finding("i-4164fc4d7bce73f19")["cost"];
    assert_eq!(gpu["monthly"], Value::Null);
    assert_eq!(gpu["basis"], "no price for instance type p4d.24xlarge");
    assert_eq!(finding("staging-jobs")["cost"]["monthly"], Value::Null);
    assert_eq!(finding("sg-190a99e8d73b13f54")["cost"]["monthly"], 0.0);
    // What is not live has no cost.
    assert!(finding("pcx-aaf6f03380b69f59c").get("cost").is_none());

    // Every format shows it, marked as an estimate with the table's date.
    // (The table wraps its lines to 100 columns: read as words.)
    let table = scan(INVENTORY).run().stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(table.contains("estimated cost of leftovers: $450.64/month — qa $261.15 (+1 without a price), staging $189.49 (+1 without a price)"), "{table}");
    assert!(table.contains("an estimate from the price table of 2026-11-26"), "{table}");
    let markdown = scan(INVENTORY).args(["--format", "markdown"]).run().stdout;
    assert!(
        markdown.contains("**Estimated cost of leftovers: $450.64/month** + 2 resources without a price"),
        "{markdown}"
    );
    assert!(markdown.contains("| qa | 3 | $261.15 + 1 unpriced |"), "{markdown}");
    let html = scan(INVENTORY).args(["--format", "html"]).run().stdout;
    assert!(html.contains(">$450.64</div>") && html.contains("price table of 2026-11-26"), "{html}");
}

#[test]
fn a_price_table_replaces_the_built_in_one_and_a_bad_one_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let prices = write(
        dir.path(),
        "prices.toml",
        "[table]\ndate = \"2026-01-15\"\ncurrency = \"EUR\"\n\n[ebs_gb_month]\ngp3 = 0.1\n\n[nat_gateway]\nhour = 0.05\n\n\
         [free]\nkinds = [\"ec2:network-interface\"]\n",
    );
    let report = scan(INVENTORY).args(["--format", "json", "--prices", prices.to_str().unwrap()]).run().json();
    let cost = &report["cost"];
    assert_eq!(cost["prices"]["date"], "2026-01-15");
    assert_eq!(cost["currency"], "EUR");
    // Only gp3 volumes (300 GB) and the NAT gateway (730 h, with its free interface) have a
    // price now; without a price for its interface the gateway would have none either.
    assert_eq!(cost["monthly"], 66.5);
    assert_eq!(cost["prices"]["source"], prices.to_str().unwrap());

    let bad =
        write(dir.path(), "bad.toml", "[table]\ndate = \"2026-01-15\"\n\n[instance_hour]\n\"t3.micro\" = \"cheap\"\n");
    let out = scan(INVENTORY).args(["--prices", bad.to_str().unwrap()]).run();
    out.assert_code(2);
    let at = format!("{}:5:", bad.display());
    assert!(out.stderr.contains(&at) && out.stderr.contains("instance_hour.t3.micro"), "{}", out.stderr);
    let out = scan(INVENTORY).args(["--prices", "no/such/prices.toml"]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("no/such/prices.toml"), "{}", out.stderr);
}

// ---- colour, progress and logs ---------------------------------------------------------

#[test]
fn no_color_and_output_that_is_not_a_terminal_carry_no_escape_codes() {
    // Not a terminal (the test captures both streams), NO_COLOR unset: no escapes anywhere,
    // the verbose logs included.
    for format in ["table", "markdown", "json", "html"] {
        let out = scan(INVENTORY).env("NO_COLOR", "").args(["--format", format, "-v"]).run();
        assert!(!out.stdout.contains('\u{1b}'), "{format} stdout has escapes:\n{}", out.stdout);
        assert!(!out.stderr.contains('\u{1b}'), "{format} stderr has escapes:\n{}", out.stderr);
        assert!(out.stderr.contains("states read"), "-v logs: {}", out.stderr);
    }
    // Asked for colour: there is colour, unless NO_COLOR says no.
    let forced = scan(INVENTORY).env("NO_COLOR", "").args(["--color", "always"]).run();
    assert!(forced.stdout.contains("\u{1b}["), "--color always colours");
    let refused = scan(INVENTORY).env("NO_COLOR", "1").args(["--color", "always", "-v"]).run();
    assert!(!refused.stdout.contains('\u{1b}') && !refused.stderr.contains('\u{1b}'), "{}", refused.stdout);
}

/// Runs the binary with a terminal on stdin, stdout and stderr (util-linux `script`); the
/// terminal's output, both streams mixed.
fn in_a_terminal(args: &[&str], no_color: &str) -> String {
    let mut command = vec![env!("CARGO_BIN_EXE_leftover").to_owned()];
    command.extend(args.iter().map(|a| (*a).to_owned()));
    let out = std::process::Command::new("script")
        .args(["-qec", &command.join(" "), "/dev/null"])
        .env("NO_COLOR", no_color)
        .env("COLUMNS", "200")
        .output()
        .expect("util-linux `script` runs a command in a terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn on_a_terminal_there_is_progress_and_colour_unless_no_color() {
    let args = ["scan", "--inventory", INVENTORY, "--state", STATES, "--policy", POLICY];
    let colour = in_a_terminal(&args, "");
    assert!(colour.contains("state files read"), "progress on a terminal:\n{colour}");
    assert!(colour.contains("\u{1b}[1m"), "colour on a terminal:\n{colour}");
    let plain = in_a_terminal(&args, "1");
    assert!(!plain.contains("\u{1b}[1m") && !plain.contains("\u{1b}[0m"), "no colour with NO_COLOR:\n{plain}");
    let quiet = in_a_terminal(&[&args[..], &["--quiet"]].concat(), "1");
    assert!(!quiet.contains("state files read"), "no progress with --quiet:\n{quiet}");
}

#[test]
fn quiet_leaves_stderr_empty() {
    let noisy = Leftover::new().args(["scan", "--inventory", INVENTORY]).run();
    assert!(noisy.stderr.contains("no --state given"), "{}", noisy.stderr);
    let quiet = Leftover::new().args(["scan", "--inventory", INVENTORY, "--quiet"]).run();
    assert_eq!(quiet.stderr, "");
    quiet.assert_code(1);
}

#[tokio::test]
async fn verbose_logs_time_each_listing_and_count_calls_per_service() {
    let moto = Moto::start();
    let out = moto.leftover().args(["scan", "-v", "--format", "json"]).run();
    for needle in [
        "listing done",
        "service=\"ec2\"",
        "operation=\"DescribeVolumes\"",
        "elapsed_ms=",
        "aws service calls",
        "api_calls=",
    ] {
        assert!(out.stderr.contains(needle), "-v logs say {needle}:\n{}", out.stderr);
    }
    assert!(!out.stdout.contains("listing done"), "logs stay off stdout");
}

// ---- the HTML report -------------------------------------------------------------------

#[test]
fn the_html_report_is_one_file_that_escapes_what_aws_says() {
    let html = scan(INVENTORY).args(["--format", "html"]).run().stdout;
    assert!(html.starts_with("<!doctype html>"));
    assert_eq!(html.matches("<script").count(), 1, "one script, the page's own");
    assert!(html.contains("&lt;script&gt;alert(&quot;leftover&quot;)&lt;/script&gt;"));
    assert!(html.contains("default-src 'none'"), "a Content-Security-Policy forbids requests");
    for external in ["http://", "https://", "//cdn", "@import", "url("] {
        assert!(!html.contains(external), "no external reference ({external})");
    }
}

/// The browser check: `tests/browser/check_report.py` in headless Chromium.
pub(crate) fn check_in_chromium(html: &Path, json: &Path, screenshot: &Path) -> Output {
    let chromium = std::env::var("LEFTOVER_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium is not installed at {chromium}: run scripts/test (it installs Debian's chromium package), \
         or set LEFTOVER_CHROMIUM to a Chromium binary"
    );
    let out = std::process::Command::new("python3")
        .arg("tests/browser/check_report.py")
        .args(["--chromium", &chromium])
        .arg("--html")
        .arg(html)
        .arg("--json")
        .arg(json)
        .arg("--screenshot")
        .arg(screenshot)
        .output()
        .expect("python3 runs tests/browser/check_report.py");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_html_report_works_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let first = scan(INVENTORY).args(["--format", "json"]).run();
    let baseline = write(dir.path(), "last.json", &first.stdout);
    let baseline = baseline.to_str().unwrap();
    let json = dir.path().join("report.json");
    let html = dir.path().join("report.html");
    scan(INVENTORY_NEXT)
        .args(["--baseline", baseline, "--format", "json", "--output", json.to_str().unwrap()])
        .run()
        .assert_code(1);
    scan(INVENTORY_NEXT)
        .args(["--baseline", baseline, "--format", "html", "--output", html.to_str().unwrap()])
        .run()
        .assert_code(1);
    // `LEFTOVER_SCREENSHOT=docs/report.png` refreshes the README's picture.
    let screenshot = std::env::var_os("LEFTOVER_SCREENSHOT")
        .map_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png"), PathBuf::from);
    let out = check_in_chromium(&html, &json, &screenshot);
    assert_eq!(out.code, 0, "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("passed"), "{}", out.stdout);

    // An incomplete scan: the banner first, with its gap.
    let inventory = incomplete_inventory(dir.path());
    let inventory = inventory.to_str().unwrap();
    scan(inventory).args(["--format", "json", "--output", json.to_str().unwrap()]).run().assert_code(3);
    scan(inventory).args(["--format", "html", "--output", html.to_str().unwrap()]).run().assert_code(3);
    let out = check_in_chromium(&html, &json, &dir.path().join("incomplete.png"));
    assert_eq!(out.code, 0, "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
}

// ---- the scheduling example --------------------------------------------------------------

#[tokio::test]
async fn the_nightly_example_keeps_the_last_report_as_the_baseline() {
    let moto = Moto::start();
    let ec2 = moto.ec2("us-east-1").await;
    ec2.create_volume().availability_zone("us-east-1a").size(5).send().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let states = dir.path().join("states");
    std::fs::create_dir(&states).unwrap();
    let reports = dir.path().join("reports");
    let nightly = || {
        let out = std::process::Command::new("sh")
            .arg("examples/scheduling/nightly.sh")
            .env("LEFTOVER", env!("CARGO_BIN_EXE_leftover"))
            .env("LEFTOVER_DIR", &reports)
            .env("LEFTOVER_STATES", &states)
            .env("LEFTOVER_LIST_ARGS", "--region us-east-1")
            .env("AWS_ENDPOINT_URL", &moto.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code().unwrap_or(-1), stderr)
    };
    let read = |name: &str| std::fs::read_to_string(reports.join(name)).unwrap();

    // The first night: no baseline yet, so every leftover is new.
    let (code, stderr) = nightly();
    assert_eq!(code, 1, "{stderr}");
    assert!(read("report.md").contains("## leftover scan"));
    assert!(read("report.html").starts_with("<!doctype html>"));
    assert_eq!(read("last.json"), read("report.json"));
    // The second: the same leftover, nothing new.
    let (code, stderr) = nightly();
    assert_eq!(code, 0, "{stderr}");
    assert!(read("report.md").contains("0 new, 1 unchanged, 0 resolved since the baseline"), "{}", read("report.md"));
    // The third: a new one.
    ec2.create_volume().availability_zone("us-east-1a").size(7).send().await.unwrap();
    let (code, stderr) = nightly();
    assert_eq!(code, 1, "{stderr}");
    assert!(read("report.md").contains("1 new, 1 unchanged, 0 resolved since the baseline"), "{}", read("report.md"));
}
