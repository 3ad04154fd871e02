//! args: the command line as clap types, and nothing else. Values are checked here only
//! as far as their syntax goes; `settings` does the rest.

use std::path::PathBuf;

pub use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};

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
    #[arg(long = "region", global = true, value_name = "REGION")]
    pub regions: Vec<String>,
    /// Scan every region enabled for the account.
    #[arg(long, global = true)]
    pub all_regions: bool,
    /// AWS profile to use instead of the default credential chain.
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Policy file layered over the built-in policy (repeatable, in order).
    #[arg(long = "policy", global = true, value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// Concurrent listings per service and region, and concurrent state reads.
    #[arg(long, global = true, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
    /// Attempts per AWS call (standard retry with backoff and jitter).
    #[arg(long, global = true, default_value_t = 6, value_name = "N")]
    pub max_attempts: u32,
    /// Add client-side rate limiting to retries (the SDK's adaptive mode).
    #[arg(long, global = true)]
    pub adaptive_retry: bool,
    /// Time allowed for one AWS call, retries included, in seconds.
    #[arg(long, global = true, default_value_t = 120, value_name = "SECONDS")]
    pub call_timeout: u64,
    /// Time allowed for the whole listing, in seconds; listings still running then become
    /// coverage gaps.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Largest state file read, in bytes (larger ones are coverage gaps).
    #[arg(long, global = true, default_value_t = crate::state::parse::DEFAULT_MAX_STATE_BYTES, value_name = "BYTES")]
    pub max_state_size: u64,
    /// Print AWS calls and time per operation to stderr when done.
    #[arg(long, global = true)]
    pub stats: bool,
    /// Write AWS calls per operation, with the IAM action each needed, to FILE as JSON.
    #[arg(long, global = true, env = "LEFTOVER_STATS_JSON", value_name = "FILE")]
    pub stats_json: Option<PathBuf>,
    /// More detail on stderr (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Nothing on stderr but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// When to colour terminal output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub accounts: AccountArgs,
}

/// Which accounts to scan, and with which credentials states are read.
#[derive(Debug, Args, Default)]
pub struct AccountArgs {
    /// Scan the account of this IAM role, assuming it through STS (repeatable).
    #[arg(long = "role-arn", global = true, value_name = "ARN")]
    pub role_arns: Vec<String>,
    /// Scan every active account of the organisation, assuming role NAME in each.
    #[arg(long, global = true, value_name = "NAME")]
    pub org_role: Option<String>,
    /// External id passed when assuming --role-arn and --org-role roles.
    #[arg(long, global = true, value_name = "ID")]
    pub external_id: Option<String>,
    /// AWS profile to read states with (default: the scanning credentials).
    #[arg(long, global = true, value_name = "NAME")]
    pub state_profile: Option<String>,
    /// IAM role to assume for reading states (where the state buckets live).
    #[arg(long, global = true, value_name = "ARN")]
    pub state_role_arn: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
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
}

/// Where states come from.
#[derive(Debug, Args, Clone)]
pub struct StateArgs {
    /// A state source: <s3://BUCKET>, <s3://BUCKET/PREFIX>, a file or a directory (repeatable).
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

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub states: StateArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Only what belongs to environment NAME: the post-decommission check.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Exit 1 only for these: finding kinds, `new` (against --baseline), or a severity.
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub fail_on: Vec<String>,
    /// Leave out findings below this severity.
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<String>,
    /// A previous JSON report: mark findings new or unchanged and list those resolved.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Leave out findings younger than AGE (12h, 7d, 2w). Age counts from when a scan
    /// first saw the finding (carried by --baseline) or, for a leftover, from when AWS
    /// says it was made, if earlier.
    #[arg(long, value_name = "AGE")]
    pub min_age: Option<crate::report::age::MinAge>,
    /// Scan saved inventories instead of listing AWS (repeatable).
    #[arg(long, value_name = "FILE")]
    pub inventory: Vec<PathBuf>,
    /// Scan only shard I of N (from 0) of the accounts, chosen by a stable hash of the
    /// account id; combine the shards' JSON reports with `leftover merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::shard::Shard>,
    /// Price table for leftover cost estimates (default: the built-in table).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
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
    /// `table` or `json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
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
    /// `table` or `json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Explain against a saved inventory instead of listing AWS.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports written by `scan --format json` (one per shard).
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 only for these: finding kinds, `new` (against --baseline), or a severity.
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub fail_on: Vec<String>,
    /// A previous JSON report: mark the merged findings new or unchanged and list those
    /// resolved (compare here, not in the shards).
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
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
        assert_eq!(scan.states.states, vec!["s3://b/p", "./s"]);
        assert_eq!(cli.global.regions, vec!["us-east-1"]);
        assert_eq!(scan.output.format, Format::Json);
        assert_eq!(scan.fail_on, vec!["unmanaged", "missing"]);
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
        assert_eq!(scan.inventory.len(), 2);
        assert!(Cli::try_parse_from(["leftover", "scan", "--shard", "4/4"]).is_err());
        assert!(Cli::try_parse_from(["leftover", "merge"]).is_err());
        let cli = Cli::try_parse_from(["leftover", "merge", "a.json", "b.json", "--format", "json"]).expect("parses");
        let Command::Merge(merge) = cli.command else { panic!("merge") };
        assert_eq!(merge.reports.len(), 2);
    }

    #[test]
    fn check_destroy_needs_a_target() {
        assert!(Cli::try_parse_from(["leftover", "check-destroy"]).is_err());
        assert!(Cli::try_parse_from(["leftover", "check-destroy", "--target", "s3://b/k"]).is_ok());
    }
}
