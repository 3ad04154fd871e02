//! args: the command line as clap types, and nothing else. Every value with a fixed set
//! of choices (formats, colours, severities, finding kinds) is typed here, so a bad one
//! fails at parse with the choices listed and `--help` shows them; `settings` does the rest.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::str::FromStr;

pub use crate::report::Format;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::checks::{FindingKind, Severity};

/// `--help` headings of the options every command takes, so that a command's own options
/// come first and the shared ones follow in groups.
const WHAT_TO_SCAN: &str = "What to scan";
const AWS_ACCESS: &str = "AWS access";
const OUTPUT: &str = "Output";
const LIMITS: &str = "Limits and retries";
const LOGGING: &str = "Logging";

/// Finds AWS resources no Terraform state owns, declared resources that are gone,
/// leftovers of deleted environments, and references that silently broke.
#[derive(Debug, Parser)]
#[command(name = "leftover", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Region to scan (repeatable). Default: the configured region.
    #[arg(long = "region", global = true, value_name = "REGION", help_heading = WHAT_TO_SCAN)]
    pub regions: Vec<String>,
    /// Scan every region enabled for the account.
    #[arg(long, global = true, conflicts_with = "regions", help_heading = WHAT_TO_SCAN)]
    pub all_regions: bool,
    /// Policy file layered over the built-in policy (repeatable, in order).
    #[arg(long = "policy", global = true, value_name = "FILE", help_heading = WHAT_TO_SCAN)]
    pub policies: Vec<PathBuf>,
    /// AWS profile to use instead of the default credential chain.
    #[arg(long, global = true, env = "AWS_PROFILE", hide_env_values = true, value_name = "NAME", help_heading = AWS_ACCESS)]
    pub profile: Option<String>,
    /// When to colour terminal output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = OUTPUT)]
    pub color: ColorChoice,
    /// Fit tables and text to N columns (default: a terminal's width; elsewhere `COLUMNS`,
    /// else 100).
    #[arg(
        long,
        global = true,
        value_name = "N",
        value_parser = clap::value_parser!(u16).range(20..),
        help_heading = OUTPUT
    )]
    pub width: Option<u16>,
    /// Concurrent listings per service and region.
    #[arg(
        long,
        global = true,
        default_value_t = crate::inventory::aws::DEFAULT_CONCURRENCY,
        value_name = "N",
        help_heading = LIMITS,
        hide_short_help = true
    )]
    pub concurrency: usize,
    /// Concurrent state reads (`GetObject` and parse), over every state source.
    #[arg(
        long,
        global = true,
        default_value_t = crate::state::reader::DEFAULT_STATE_CONCURRENCY,
        value_name = "N",
        help_heading = LIMITS,
        hide_short_help = true
    )]
    pub state_concurrency: usize,
    /// Attempts per AWS call (standard retry with backoff and jitter).
    #[arg(long, global = true, default_value_t = 6, value_name = "N", help_heading = LIMITS, hide_short_help = true)]
    pub max_attempts: u32,
    /// Add client-side rate limiting to retries (the SDK's adaptive mode).
    #[arg(long, global = true, help_heading = LIMITS, hide_short_help = true)]
    pub adaptive_retry: bool,
    /// Time allowed for one AWS call, retries included, in seconds.
    #[arg(long, global = true, default_value_t = 120, value_name = "SECONDS", help_heading = LIMITS, hide_short_help = true)]
    pub call_timeout: u64,
    /// Time allowed for the whole listing, in seconds; listings still running then become
    /// coverage gaps.
    #[arg(long, global = true, value_name = "SECONDS", help_heading = LIMITS)]
    pub timeout: Option<u64>,
    /// Largest state file read, in bytes (larger ones are coverage gaps).
    #[arg(
        long,
        global = true,
        default_value_t = crate::state::parse::DEFAULT_MAX_STATE_BYTES,
        value_name = "BYTES",
        help_heading = LIMITS,
        hide_short_help = true
    )]
    pub max_state_size: u64,
    /// Print AWS calls and time per operation to stderr when done.
    #[arg(long, global = true, help_heading = LOGGING)]
    pub stats: bool,
    /// Write AWS calls per operation, with the IAM action each needed, to FILE as JSON.
    #[arg(long, global = true, env = crate::env::LEFTOVER_STATS_JSON, hide_env_values = true, value_name = "FILE", help_heading = LOGGING, hide_short_help = true)]
    pub stats_json: Option<PathBuf>,
    /// More detail on stderr (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = LOGGING)]
    pub verbose: u8,
    /// Nothing on stderr but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = LOGGING)]
    pub quiet: bool,
    #[command(flatten)]
    pub accounts: AccountArgs,
}

/// Which accounts to scan, and with which credentials states are read.
#[derive(Debug, Args, Default)]
pub struct AccountArgs {
    /// Scan the account of this IAM role, assuming it through STS (repeatable).
    #[arg(long = "role-arn", global = true, value_name = "ARN", help_heading = WHAT_TO_SCAN)]
    pub role_arns: Vec<String>,
    /// Scan every active account of the organisation, assuming role NAME in each.
    #[arg(long, global = true, value_name = "NAME", help_heading = WHAT_TO_SCAN)]
    pub org_role: Option<String>,
    /// External id passed when assuming --role-arn and --org-role roles.
    #[arg(long, global = true, value_name = "ID", help_heading = AWS_ACCESS, hide_short_help = true)]
    pub external_id: Option<String>,
    /// AWS profile to read states with (default: the scanning credentials).
    #[arg(long, global = true, value_name = "NAME", help_heading = AWS_ACCESS, hide_short_help = true)]
    pub state_profile: Option<String>,
    /// IAM role to assume for reading states (where the state buckets live).
    #[arg(long, global = true, value_name = "ARN", help_heading = AWS_ACCESS, hide_short_help = true)]
    pub state_role_arn: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Colour unless `NO_COLOR` is set.
    Always,
    /// No colour.
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan: list what is live, join it with the states, report findings.
    Scan(ScanArgs),
    /// List what is live and save it, to scan later with `scan --inventory`.
    Inventory(InventoryArgs),
    /// List the state files found below the sources, with what they declare.
    States(StatesArgs),
    /// Before `terraform destroy`: what the destroy takes, what blocks it, who depends on it.
    CheckDestroy(CheckDestroyArgs),
    /// Everything known about one resource: class, why, states, relations, findings.
    Explain(ExplainArgs),
    /// Combine the JSON reports of `scan --shard` runs into one report.
    Merge(MergeArgs),
    /// Turn findings into plans a person reviews and runs (leftover itself runs nothing).
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The kinds of resource leftover knows: how each is listed, the Terraform types that
    /// declare it, how it is priced, deleted and imported, and the IAM actions it needs.
    Kinds,
    /// Print a completion script for SHELL (bash, elvish, fish, powershell, zsh).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command to a directory.
    Man(ManArgs),
}

/// Where states come from.
#[derive(Debug, Args, Clone)]
pub struct StateArgs {
    /// A state source: <s3://BUCKET>, <s3://BUCKET/PREFIX>, a file or a directory, an http
    /// backend's address <https://…>, <gitlab://HOST/PROJECT> or
    /// <tfc://ORGANIZATION[/WORKSPACE]> (repeatable).
    #[arg(long = "state", value_name = "SRC")]
    pub states: Vec<String>,
}

/// Where the report goes.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What a scan reads besides AWS: the states (or a state index), saved inventories, the age
/// below which findings are left out, and prices. `scan` and the plans take the same.
#[derive(Debug, Args)]
pub struct ScanInputArgs {
    #[command(flatten)]
    pub states: StateArgs,
    /// Leave out findings younger than AGE (12h, 7d, 2w). Age counts from when a scan
    /// first saw the finding (carried by --baseline) or, for a leftover, from when AWS
    /// says it was made, if earlier.
    #[arg(long, value_name = "AGE")]
    pub min_age: Option<crate::report::age::MinAge>,
    /// Use saved inventories instead of listing AWS (repeatable).
    #[arg(long, value_name = "FILE")]
    pub inventory: Vec<PathBuf>,
    /// Use a state index (`leftover states --index-output`) instead of reading the states.
    /// Its sources are listed again, and an index older than the states is refused.
    #[arg(long, value_name = "INDEX", conflicts_with = "states", hide_short_help = true)]
    pub state_index: Option<PathBuf>,
    /// Use a stale state index anyway; each changed state is then a coverage gap.
    #[arg(long, requires = "state_index", hide_short_help = true)]
    pub allow_stale_index: bool,
    /// Price table for leftover cost estimates (default: the built-in table).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

impl ScanInputArgs {
    /// The state index to read instead of the states, and whether a stale one is allowed.
    pub fn index(&self) -> Option<(&std::path::Path, bool)> {
        self.state_index.as_deref().map(|path| (path, self.allow_stale_index))
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: ScanInputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Only what belongs to environment NAME: the post-decommission check.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Exit 1 only for these: finding kinds, `new` (against --baseline), `any`, or a
    /// severity (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "KIND,...", value_parser = FailOnParser)]
    pub fail_on: Vec<Option<FailOnValue>>,
    /// Leave out findings below this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = severity_parser())]
    pub min_severity: Option<Severity>,
    /// A previous JSON report: mark findings new or unchanged and list those resolved.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Scan only shard I of N (from 0) of the accounts, chosen by a stable hash of the
    /// account id; combine the shards' JSON reports with `leftover merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::shard::Shard>,
    /// Say who made each leftover (unmanaged, deleted-env, blocking-dependency) and who last
    /// changed each drifted resource, how (console, CLI, SDK, Terraform, CloudFormation) and
    /// when, from CloudTrail's 90-day event history in the resource's account and region.
    /// Only findings are looked up, at CloudTrail's 2 calls a second per account and region:
    /// a first run on N leftovers in one region takes at least N/2 seconds (and N calls, more
    /// for resources with many events); with --baseline, creators already found are carried
    /// and only new leftovers are looked up. Needs cloudtrail:LookupEvents.
    #[arg(long)]
    #[allow(clippy::doc_markdown)] // `--help` prints the services' names as they are
    pub who: bool,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Where to write the inventory (`-` for stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct StatesArgs {
    #[command(flatten)]
    pub states: StateArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Table)]
    pub format: DataFormat,
    /// Also write a state index to INDEX, for `scan --state-index` (a sharded scan then
    /// reads every state once, not once per shard).
    #[arg(long, value_name = "INDEX")]
    pub index_output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckDestroyArgs {
    /// The state(s) about to be destroyed.
    #[arg(long = "target", value_name = "SRC", required = true)]
    pub targets: Vec<String>,
    /// The other states, to find what depends on the target.
    #[command(flatten)]
    pub states: StateArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Scan a saved inventory instead of listing AWS.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A native id (`i-…`, `vpc-…`, a cluster name), an ARN, or a state address.
    pub id: String,
    #[command(flatten)]
    pub states: StateArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Table)]
    pub format: DataFormat,
    /// Explain against a saved inventory instead of listing AWS.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Say who made the resource (and, when it drifted, who last changed it), from the
    /// event history of its account and region: one lookup (or two) at most.
    #[arg(long)]
    pub who: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports written by `scan --format json` (one per shard).
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 only for these: finding kinds, `new` (against --baseline), `any`, or a
    /// severity (comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "KIND,...", value_parser = FailOnParser)]
    pub fail_on: Vec<Option<FailOnValue>>,
    /// A previous JSON report: mark the merged findings new or unchanged and list those
    /// resolved (compare here, not in the shards).
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
}

/// The plans `leftover plan` writes.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// A POSIX shell script of AWS CLI commands that deletes the leftovers a scan reports,
    /// in an order AWS accepts.
    Cleanup(PlanCleanupArgs),
    /// Terraform import blocks for the unmanaged resources, one file per suggested state.
    Adopt(PlanAdoptArgs),
}

/// What a plan is made from: the scan's own inputs.
#[derive(Debug, Args)]
pub struct PlanInputArgs {
    #[command(flatten)]
    pub scan: ScanInputArgs,
    /// Only what belongs to environment NAME (the environment being decommissioned).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Write a plan even when the scan has coverage gaps (it may then miss leftovers or
    /// order them wrongly).
    #[arg(long)]
    pub allow_incomplete: bool,
}

#[derive(Debug, Args)]
pub struct PlanCleanupArgs {
    #[command(flatten)]
    pub input: PlanInputArgs,
    /// Where to write the script (`-` for stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Delete databases and DB clusters without the final snapshot the script otherwise
    /// keeps (the data is then gone for good).
    #[arg(long)]
    pub no_final_snapshot: bool,
    /// Open the plan with who made the leftovers (per principal: how many, their monthly
    /// cost), from the event history, as `scan --who` finds them.
    #[arg(long)]
    pub who: bool,
}

#[derive(Debug, Args)]
pub struct PlanAdoptArgs {
    #[command(flatten)]
    pub input: PlanInputArgs,
    /// The directory to write the `.tf` files of import blocks to.
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
}

/// The formats of commands that print data rather than a report (`states`, `explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `leftover.1` and one page per command (`leftover-scan.1`, …) to DIR instead
    /// of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// One `--fail-on` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOnValue {
    /// Findings of this kind fail, whatever their severity.
    Kind(FindingKind),
    /// Only findings new since `--baseline` fail.
    New,
    /// Every finding fails, whatever its severity.
    Any,
    /// Findings of this severity or higher fail.
    Severity(Severity),
}

impl FailOnValue {
    /// Every accepted value, with what it means, in the order `--help` lists them.
    pub fn possible_values() -> Vec<PossibleValue> {
        let kinds = FindingKind::ALL.into_iter().map(|k| PossibleValue::new(k.as_str()).help(k.meaning()));
        let words = [
            PossibleValue::new("new").help("only findings not in --baseline"),
            PossibleValue::new("any").help("every finding, whatever its severity"),
        ];
        kinds.chain(words).chain(severity_values()).collect()
    }
}

impl FromStr for FailOnValue {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "new" => Ok(Self::New),
            "any" => Ok(Self::Any),
            _ => s.parse::<Severity>().map(Self::Severity).or_else(|_| {
                s.parse::<FindingKind>().map(Self::Kind).map_err(|_| {
                    let names: Vec<String> = Self::possible_values().iter().map(|v| v.get_name().to_owned()).collect();
                    format!("unknown --fail-on value {s:?} (expected one of {})", names.join(", "))
                })
            }),
        }
    }
}

/// Parses one `--fail-on` item: surrounding spaces are ignored and an empty item means
/// nothing (`--fail-on ""` is the default), as a script that builds the list expects.
#[derive(Clone, Copy, Debug)]
pub struct FailOnParser;

impl TypedValueParser for FailOnParser {
    type Value = Option<FailOnValue>;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let trimmed = value.to_str().map_or(value, |v| OsStr::new(v.trim()));
        if trimmed.is_empty() {
            return Ok(None);
        }
        // clap's own check, for its message listing the choices.
        let name = PossibleValuesParser::new(FailOnValue::possible_values()).parse_ref(cmd, arg, trimmed)?;
        name.parse().map(Some).map_err(|msg| clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{msg}\n")))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(FailOnValue::possible_values().into_iter()))
    }
}

/// The severities, with what each means as a threshold.
fn severity_values() -> [PossibleValue; 3] {
    [
        PossibleValue::new(Severity::Info.as_str()).help("every finding"),
        PossibleValue::new(Severity::Warning.as_str()).help("warnings and errors"),
        PossibleValue::new(Severity::Error.as_str()).help("errors only"),
    ]
}

/// Parses a severity name, listing the choices when it is not one.
fn severity_parser() -> impl TypedValueParser<Value = Severity> {
    PossibleValuesParser::new(severity_values()).try_map(|name| name.parse::<Severity>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn scan_flags_parse() {
        let cli = Cli::try_parse_from([
            "leftover",
            "scan",
            "--state",
            "s3://b/p",
            "--state",
            "./s",
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--fail-on",
            "unmanaged,missing",
            "--env",
            "staging",
        ])
        .expect("parses");
        let Command::Scan(scan) = cli.command else { panic!("scan") };
        assert_eq!(scan.input.states.states, vec!["s3://b/p", "./s"]);
        assert_eq!(cli.global.regions, vec!["us-east-1"]);
        assert_eq!(scan.output.format, Format::Json);
        assert_eq!(
            scan.fail_on,
            vec![Some(FailOnValue::Kind(FindingKind::Unmanaged)), Some(FailOnValue::Kind(FindingKind::Missing))]
        );
        assert_eq!(scan.env.as_deref(), Some("staging"));
    }

    #[test]
    fn account_shard_and_merge_flags_parse() {
        let cli = Cli::try_parse_from([
            "leftover",
            "scan",
            "--role-arn",
            "arn:aws:iam::111111111111:role/audit",
            "--role-arn",
            "arn:aws:iam::222222222222:role/audit",
            "--org-role",
            "audit",
            "--external-id",
            "ext-1",
            "--state-role-arn",
            "arn:aws:iam::333333333333:role/states",
            "--shard",
            "1/4",
            "--inventory",
            "a.json",
            "--inventory",
            "b.json",
        ])
        .expect("parses");
        assert_eq!(cli.global.accounts.role_arns.len(), 2);
        assert_eq!(cli.global.accounts.org_role.as_deref(), Some("audit"));
        assert_eq!(cli.global.accounts.external_id.as_deref(), Some("ext-1"));
        let Command::Scan(scan) = cli.command else { panic!("scan") };
        assert_eq!(scan.shard, Some(crate::shard::Shard { index: 1, count: 4 }));
        assert_eq!(scan.input.inventory.len(), 2);
        assert!(Cli::try_parse_from(["leftover", "scan", "--shard", "4/4"]).is_err());
        assert!(Cli::try_parse_from(["leftover", "merge"]).is_err());
        let cli = Cli::try_parse_from(["leftover", "merge", "a.json", "b.json", "--format", "json"]).expect("parses");
        let Command::Merge(merge) = cli.command else { panic!("merge") };
        assert_eq!(merge.reports.len(), 2);
    }

    #[test]
    fn issue_15_choices_are_typed_at_parse() {
        let cli =
            Cli::try_parse_from(["leftover", "scan", "--fail-on", "new, error,,drift", "--min-severity", "warning"])
                .expect("parses");
        let Command::Scan(scan) = cli.command else { panic!("scan") };
        assert_eq!(
            scan.fail_on,
            vec![
                Some(FailOnValue::New),
                Some(FailOnValue::Severity(Severity::Error)),
                None,
                Some(FailOnValue::Kind(FindingKind::Drift))
            ]
        );
        assert_eq!(scan.min_severity, Some(Severity::Warning));
        let err = Cli::try_parse_from(["leftover", "scan", "--fail-on", "drift,nope"]).expect_err("bad kind");
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        let said = err.to_string();
        assert!(said.contains("env-mismatch") && said.contains("any") && said.contains("warning"), "{said}");
        let err = Cli::try_parse_from(["leftover", "scan", "--min-severity", "high"]).expect_err("bad severity");
        assert!(err.to_string().contains("[possible values: info, warning, error]"), "{err}");
        assert!(Cli::try_parse_from(["leftover", "explain", "i-1", "--format", "html"]).is_err());
        // Every accepted value parses to itself.
        for value in FailOnValue::possible_values() {
            assert!(value.get_name().parse::<FailOnValue>().is_ok(), "{}", value.get_name());
        }
    }

    #[test]
    fn check_destroy_needs_a_target() {
        assert!(Cli::try_parse_from(["leftover", "check-destroy"]).is_err());
        assert!(Cli::try_parse_from(["leftover", "check-destroy", "--target", "s3://b/k"]).is_ok());
    }
}
