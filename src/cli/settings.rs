//! settings: turns parsed arguments, the environment and policy files into checked
//! settings. Every problem here is a usage or configuration error (exit 2).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use super::args::{ColorChoice, FailOnValue, GlobalArgs, OutputArgs};
use crate::aws::AwsOptions;
use crate::aws::accounts::{self, AccountPlan};
use crate::checks::{FindingKind, Severity};
use crate::env;
use crate::policy::Policy;
use crate::report::Style;
use crate::state::StateSource;
use crate::state::parse::ParseOptions;
use crate::state::reader::ReadOptions;

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyError),
    #[error(transparent)]
    Source(#[from] crate::state::source::BadSource),
    #[error("{0}")]
    Invalid(String),
}

/// Which regions to list, decided once from `--region` and `--all-regions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionChoice {
    /// The region the AWS configuration names (`AWS_REGION`, the profile's `region`).
    Default,
    /// These regions, sorted, without repeats (`--region`).
    Listed(Vec<String>),
    /// Every region enabled for each account (`--all-regions`).
    All,
}

impl RegionChoice {
    /// Reads the region flags; names are checked as far as their syntax goes.
    pub fn from_flags(regions: &[String], all_regions: bool) -> Result<Self, SettingsError> {
        for region in regions {
            if region.is_empty() || !region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(SettingsError::Invalid(format!("--region {region:?} is not a region name")));
            }
        }
        if !regions.is_empty() {
            let mut listed = regions.to_vec();
            listed.sort();
            listed.dedup();
            Ok(Self::Listed(listed))
        } else if all_regions {
            Ok(Self::All)
        } else {
            Ok(Self::Default)
        }
    }
}

/// Settings shared by every command.
pub struct Settings {
    pub regions: RegionChoice,
    pub aws: AwsOptions,
    pub read: ReadOptions,
    pub policy: Policy,
    pub concurrency: usize,
    pub timeout: Option<Duration>,
    pub stats: bool,
    /// Where to write the calls per operation as JSON.
    pub stats_json: Option<PathBuf>,
    pub quiet: bool,
    /// Colour for stdout.
    pub style: Style,
    /// Whether stdout is a terminal (tables then fit its width).
    pub stdout_terminal: bool,
    /// `--width`.
    pub width: Option<u16>,
    /// The terminal's width, when stdout is one and its size can be read.
    pub terminal_width: Option<u16>,
    /// `COLUMNS`, when set to a number.
    pub columns: Option<u16>,
    /// Whether to draw progress on stderr.
    pub progress: bool,
    /// Accounts reached through roles (`--role-arn`, `--org-role`).
    pub accounts: AccountPlan,
    /// Credentials for reading states, when not the scanning ones.
    pub state_access: StateAccess,
}

/// How states are read: `--state-profile`, then `--state-role-arn` assumed from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateAccess {
    pub profile: Option<String>,
    pub role_arn: Option<String>,
}

/// Checks the account flags.
fn account_settings(args: &super::args::AccountArgs) -> Result<(AccountPlan, StateAccess), SettingsError> {
    for arn in args.role_arns.iter().chain(&args.state_role_arn) {
        accounts::parse_role_arn(arn).map_err(|why| SettingsError::Invalid(format!("--role-arn: {why}")))?;
    }
    if let Some(name) = &args.org_role
        && (name.is_empty() || name.starts_with("arn:") || name.contains(char::is_whitespace))
    {
        return Err(SettingsError::Invalid(format!(
            "--org-role {name:?}: give the role's name (or path/name), not an ARN"
        )));
    }
    if let Some(id) = &args.external_id
        && (id.len() < 2 || id.len() > 1224)
    {
        return Err(SettingsError::Invalid("--external-id must be 2 to 1224 characters".to_owned()));
    }
    if args.external_id.is_some() && args.role_arns.is_empty() && args.org_role.is_none() {
        return Err(SettingsError::Invalid("--external-id needs --role-arn or --org-role".to_owned()));
    }
    let plan = AccountPlan {
        role_arns: args.role_arns.clone(),
        org_role: args.org_role.clone(),
        external_id: args.external_id.clone(),
    };
    let state = StateAccess { profile: args.state_profile.clone(), role_arn: args.state_role_arn.clone() };
    Ok((plan, state))
}

impl Settings {
    pub fn resolve(global: &GlobalArgs) -> Result<Self, SettingsError> {
        let policy = Policy::load(&global.policies)?;
        let regions = RegionChoice::from_flags(&global.regions, global.all_regions)?;
        if global.concurrency == 0 {
            return Err(SettingsError::Invalid("--concurrency must be at least 1".to_owned()));
        }
        if global.state_concurrency == 0 {
            return Err(SettingsError::Invalid("--state-concurrency must be at least 1".to_owned()));
        }
        let (accounts, state_access) = account_settings(&global.accounts)?;
        let stdout_terminal = std::io::stdout().is_terminal();
        let color = use_color(global.color, stdout_terminal);
        Ok(Self {
            regions,
            aws: AwsOptions {
                profile: global.profile.clone(),
                default_region: None,
                max_attempts: global.max_attempts.max(1),
                adaptive_retry: global.adaptive_retry,
                call_timeout: Duration::from_secs(global.call_timeout.max(1)),
                connect_timeout: Duration::from_secs(10),
            },
            read: ReadOptions {
                parse: ParseOptions { keep_attributes: false, max_bytes: global.max_state_size },
                concurrency: global.state_concurrency,
            },
            policy,
            concurrency: global.concurrency,
            timeout: global.timeout.map(Duration::from_secs),
            stats: global.stats,
            stats_json: global.stats_json.clone(),
            quiet: global.quiet,
            style: Style { color },
            stdout_terminal,
            width: global.width,
            terminal_width: if stdout_terminal { crate::report::table::terminal_width() } else { None },
            columns: std::env::var(env::COLUMNS).ok().and_then(|v| columns(&v)),
            progress: !global.quiet && global.verbose == 0 && std::io::stderr().is_terminal(),
            accounts,
            state_access,
        })
    }

    /// The width text output fits: `--width`, else the terminal's when writing to it, else
    /// `COLUMNS`, else 100.
    pub fn width_for(&self, to_terminal: bool) -> u16 {
        output_width(self.width, self.terminal_width.filter(|_| to_terminal), self.columns)
    }
}

/// The width to fit: the flag, else the terminal's, else `COLUMNS`, else 100; never below
/// the narrowest width anything is fitted to.
pub fn output_width(flag: Option<u16>, terminal: Option<u16>, columns: Option<u16>) -> u16 {
    let min = u16::try_from(crate::report::wrap::MIN_WIDTH).unwrap_or(u16::MAX);
    flag.or(terminal).or(columns).unwrap_or(crate::report::table::DEFAULT_WIDTH).max(min)
}

/// `COLUMNS` as a width: a positive whole number, else nothing (an unset or odd value is
/// ignored, not an error: it comes from the environment, not from the user's command).
fn columns(value: &str) -> Option<u16> {
    value.trim().parse::<u16>().ok().filter(|&n| n > 0)
}

/// Whether to colour a stream: never with `NO_COLOR` set (<https://no-color.org>: present
/// and not empty), and with `--color auto` only when the stream is a terminal.
pub fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    let no_color = std::env::var_os(env::NO_COLOR).is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => !no_color,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    }
}

/// Parses `--state` values.
pub fn sources(values: &[String]) -> Result<Vec<StateSource>, SettingsError> {
    values.iter().map(|v| v.parse().map_err(SettingsError::from)).collect()
}

/// When a scan exits 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailOn {
    /// Kinds that fail (all when empty).
    pub kinds: Vec<FindingKind>,
    /// Only findings new since the baseline fail.
    pub new_only: bool,
    /// Findings below this severity do not fail.
    pub min_severity: Severity,
}

impl FailOn {
    /// Combines the `--fail-on` values, in order (empty items, `None`, mean nothing).
    pub fn from_values(values: &[Option<FailOnValue>]) -> Self {
        let mut out = Self { kinds: Vec::new(), new_only: false, min_severity: Severity::Warning };
        for value in values.iter().flatten() {
            match *value {
                FailOnValue::New => out.new_only = true,
                FailOnValue::Any => out.min_severity = Severity::Info,
                FailOnValue::Severity(severity) => out.min_severity = severity,
                FailOnValue::Kind(kind) => {
                    out.kinds.push(kind);
                    // Naming a kind means every finding of it fails, whatever its severity.
                    out.min_severity = Severity::Info;
                }
            }
        }
        out
    }

    /// Whether a finding fails the run.
    pub fn fails(&self, kind: FindingKind, severity: Severity, is_new: bool) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && severity >= self.min_severity
            && (!self.new_only || is_new)
    }
}

/// Where a report goes.
#[derive(Clone, Debug)]
pub struct Target {
    pub format: super::args::Format,
    pub output: Option<PathBuf>,
}

impl From<&OutputArgs> for Target {
    fn from(args: &OutputArgs) -> Self {
        Self { format: args.format, output: args.output.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_flags_are_checked() {
        use super::super::args::AccountArgs;
        let ok = AccountArgs {
            role_arns: vec!["arn:aws:iam::111111111111:role/audit".into()],
            org_role: Some("audit".into()),
            external_id: Some("ext-1".into()),
            state_profile: None,
            state_role_arn: Some("arn:aws:iam::333333333333:role/states".into()),
        };
        let (plan, state) = account_settings(&ok).expect("valid");
        assert!(plan.uses_roles());
        assert_eq!(state.role_arn.as_deref(), Some("arn:aws:iam::333333333333:role/states"));
        let bad_arn = AccountArgs { role_arns: vec!["audit".into()], ..AccountArgs::default() };
        assert!(account_settings(&bad_arn).is_err());
        let arn_as_name = AccountArgs { org_role: Some("arn:aws:iam::1:role/x".into()), ..AccountArgs::default() };
        assert!(account_settings(&arn_as_name).is_err());
        let lonely_id = AccountArgs { external_id: Some("ext-1".into()), ..AccountArgs::default() };
        assert!(account_settings(&lonely_id).is_err());
        assert!(!account_settings(&AccountArgs::default()).expect("valid").0.uses_roles());
    }

    /// `--fail-on` as the command line types it.
    fn fail_on(values: &[&str]) -> FailOn {
        FailOn::from_values(&values.iter().map(|v| Some(v.parse().expect("a --fail-on value"))).collect::<Vec<_>>())
    }

    #[test]
    fn fail_on_reads_kinds_new_and_severities() {
        let default = FailOn::from_values(&[]);
        assert!(default.fails(FindingKind::Unmanaged, Severity::Warning, false));
        assert!(!default.fails(FindingKind::CrossState, Severity::Info, false));
        assert_eq!(FailOn::from_values(&[None]), default, "an empty item means nothing");
        let kinds = fail_on(&["missing"]);
        assert!(kinds.fails(FindingKind::Missing, Severity::Error, false));
        assert!(!kinds.fails(FindingKind::Unmanaged, Severity::Warning, false));
        let new = fail_on(&["new"]);
        assert!(!new.fails(FindingKind::Unmanaged, Severity::Warning, false));
        assert!(new.fails(FindingKind::Unmanaged, Severity::Warning, true));
        let error = fail_on(&["error"]);
        assert!(!error.fails(FindingKind::Unmanaged, Severity::Warning, true));
        let any = fail_on(&["any", "new"]);
        assert!(any.fails(FindingKind::CrossState, Severity::Info, true));
        assert!(!any.fails(FindingKind::CrossState, Severity::Info, false));
        // A kind then a severity: the kind's findings at that severity or higher.
        let mixed = fail_on(&["unmanaged", "error"]);
        assert!(mixed.fails(FindingKind::Unmanaged, Severity::Error, false));
        assert!(!mixed.fails(FindingKind::Unmanaged, Severity::Warning, false));
        assert!(!mixed.fails(FindingKind::Missing, Severity::Error, false));
    }

    #[test]
    fn issue_32_width_is_the_flag_then_the_terminal_then_columns_then_100() {
        assert_eq!(output_width(Some(120), Some(80), Some(70)), 120);
        assert_eq!(output_width(None, Some(80), Some(70)), 80);
        assert_eq!(output_width(None, None, Some(70)), 70);
        assert_eq!(output_width(None, None, None), 100);
        assert_eq!(output_width(None, None, Some(5)), 20, "never narrower than a line can be");
        assert_eq!(columns("70"), Some(70));
        assert_eq!(columns(" 132\n"), Some(132));
        assert_eq!(columns("0"), None);
        assert_eq!(columns("wide"), None);
        assert_eq!(columns(""), None);
    }

    #[test]
    fn issue_15_regions_are_decided_once() {
        let listed = RegionChoice::from_flags(&["us-east-1".into(), "eu-west-1".into(), "us-east-1".into()], false);
        assert_eq!(listed.expect("valid"), RegionChoice::Listed(vec!["eu-west-1".into(), "us-east-1".into()]));
        assert_eq!(RegionChoice::from_flags(&[], true).expect("valid"), RegionChoice::All);
        assert_eq!(RegionChoice::from_flags(&[], false).expect("valid"), RegionChoice::Default);
        assert!(RegionChoice::from_flags(&["US East".into()], false).is_err());
    }
}
