//! pipeline: the steps commands share: connect, find the account and regions, list,
//! read states. Listing and reading states run at once (`Run::gather`): a scan is as long
//! as its longest chain of dependent AWS calls, not its phases added up. AWS access is
//! injected through `Connect`, so tests and other builds run the same pipeline.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::access_failure;
use super::settings::{RegionChoice, Settings};
use crate::aws::{ApiStats, AwsOptions, AwsSession, accounts};
use crate::inventory::aws::AwsCollector;
use crate::inventory::{CoverageGap, Inventory, RegionScope};
use crate::progress::{Progress, Silent, TerminalProgress};
use crate::shard::Shard;
use crate::state::{StateSet, StateSource};

/// What the scanned account is called until STS names it (never seen outside `Run::list`).
const PROVISIONAL_ACCOUNT: &str = "(the account STS names)";

/// Where account-wide calls go when the configuration names no region.
const HOME_REGION: &str = "us-east-1";

/// The message when no region is named anywhere.
const NO_REGION: &str = "no region to scan: none was passed and the AWS configuration names none (tried AWS_REGION, \
     AWS_DEFAULT_REGION and the profile's `region`): pass --region REGION or --all-regions, or set AWS_REGION";

/// Makes the AWS session of the scanned account.
pub trait Connect: Send + Sync {
    fn connect(&self, options: &AwsOptions, stats: Arc<ApiStats>) -> impl Future<Output = AwsSession> + Send;
}

/// The standard credential chain, through `aws-config`.
#[derive(Debug, Default, Clone, Copy)]
pub struct DefaultChain;

impl Connect for DefaultChain {
    async fn connect(&self, options: &AwsOptions, stats: Arc<ApiStats>) -> AwsSession {
        AwsSession::load(options, stats).await
    }
}

/// The current time, to the second, as RFC 3339.
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    aws_smithy_types::DateTime::from_secs(secs)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| secs.to_string())
}

/// Everything a run shares: settings, the session, counters and progress.
pub struct Run<'s> {
    pub settings: &'s Settings,
    pub stats: Arc<ApiStats>,
    pub progress: Arc<dyn Progress>,
    /// Only the accounts of this shard are listed (`scan --shard`).
    pub shard: Option<Shard>,
    /// Made on first use, by whichever phase needs it first.
    session: tokio::sync::OnceCell<AwsSession>,
    /// The session of each account listed, by account id (for `--who`'s lookups).
    opened: std::sync::Mutex<BTreeMap<String, AwsSession>>,
}

impl<'s> Run<'s> {
    pub fn new(settings: &'s Settings) -> Self {
        let progress: Arc<dyn Progress> =
            if settings.progress { Arc::new(TerminalProgress::default()) } else { Arc::new(Silent) };
        Self {
            settings,
            stats: Arc::new(ApiStats::default()),
            progress,
            shard: None,
            session: tokio::sync::OnceCell::new(),
            opened: std::sync::Mutex::default(),
        }
    }

    /// The session, made on first use.
    /// The session of each account listed so far, by account id.
    pub fn opened(&self) -> BTreeMap<String, AwsSession> {
        self.opened.lock().map(|opened| opened.clone()).unwrap_or_default()
    }

    fn remember(&self, account: &str, session: &AwsSession) {
        if let Ok(mut opened) = self.opened.lock() {
            opened.insert(account.to_owned(), session.clone());
        }
    }

    pub async fn session<C: Connect>(&self, connect: &C) -> AwsSession {
        self.session.get_or_init(|| connect.connect(&self.settings.aws, self.stats.clone())).await.clone()
    }

    /// The inventory (`Run::inventory`) and the states (`states`, a read made with
    /// `Run::states` or `Run::states_with`), gathered at once: the state reads start beside
    /// the listings, and this returns when both are done. A listing that fails as a whole
    /// (no credentials, no region) ends the run at once, reads and all.
    pub async fn gather<C: Connect, S: Future>(
        &self,
        connect: &C,
        saved: &[std::path::PathBuf],
        states: S,
    ) -> Result<(Inventory, S::Output)> {
        // Boxed, like the commands (`cli::run`): a worker's stack holds neither.
        let inventory = Box::pin(self.inventory(connect, saved));
        let states = Box::pin(async { Ok(states.await) });
        tokio::try_join!(inventory, states)
    }

    /// The scanned account's id, from STS: the first AWS call, where missing or expired
    /// credentials show, each said in one line with its fix.
    pub async fn account<C: Connect>(&self, connect: &C) -> Result<String> {
        let session = self.session(connect).await;
        // A session without a configured region asks STS in the first region named.
        let sts = match (session.region(), &self.settings.regions) {
            (None, RegionChoice::Listed(named)) if !named.is_empty() => session.sts_in(&named[0]),
            (None, RegionChoice::All) => session.sts_in(HOME_REGION),
            _ => session.sts(),
        };
        let identity = sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|err| anyhow::anyhow!(access_failure::describe(&err, self.settings.aws.profile.as_deref())))?;
        identity.account().map(str::to_owned).context("sts:GetCallerIdentity returned no account id")
    }

    /// Fails, before any AWS call, when the regions to scan are the configured one and
    /// the configuration names none.
    pub async fn check_region<C: Connect>(&self, connect: &C) -> Result<()> {
        if self.settings.regions == RegionChoice::Default && self.session(connect).await.region().is_none() {
            bail!(NO_REGION);
        }
        Ok(())
    }

    /// The regions to scan.
    pub async fn regions<C: Connect>(&self, connect: &C) -> Result<Vec<String>> {
        let session = self.session(connect).await;
        match &self.settings.regions {
            RegionChoice::Listed(named) => Ok(named.clone()),
            RegionChoice::All => {
                let home = session.region().unwrap_or_else(|| HOME_REGION.to_owned());
                let out = session.ec2(&home).describe_regions().send().await.map_err(|err| {
                    anyhow::anyhow!(
                        "--all-regions: ec2:DescribeRegions failed in {home}: {}",
                        crate::aws::failure::describe(&err).1
                    )
                })?;
                Ok(accounts::enabled_regions(out.regions()))
            }
            RegionChoice::Default => session.region().map(|region| vec![region]).context(NO_REGION),
        }
    }

    /// The inventory to check: the saved ones (`--inventory`), merged, or else a fresh
    /// listing. A listing that fails still ends the progress display.
    pub async fn inventory<C: Connect>(&self, connect: &C, saved: &[std::path::PathBuf]) -> Result<Inventory> {
        if !saved.is_empty() {
            let started = std::time::Instant::now();
            let inventory = Inventory::load_all(saved)?;
            tracing::debug!(
                resources = inventory.resources.len(),
                elapsed_ms = elapsed_ms(started),
                "saved inventory read"
            );
            return Ok(inventory);
        }
        let listed = crate::bounded::round_trips::branch(Box::pin(self.list(connect))).await;
        if listed.is_err() {
            self.finish();
        }
        listed
    }

    /// Lists every region of the account, or of every account reached through roles.
    pub async fn list<C: Connect>(&self, connect: &C) -> Result<Inventory> {
        let started = std::time::Instant::now();
        let deadline = self.settings.timeout.map(|t| tokio::time::Instant::now() + t);
        let mut inventory = if self.settings.accounts.uses_roles() {
            let (sessions, scopes, extra_accounts, gaps) = self.open_accounts(connect).await?;
            for (account, session) in &sessions {
                self.remember(account, session);
            }
            let collector = Arc::new(AwsCollector::new(sessions, self.settings.concurrency, deadline));
            let mut inventory = crate::inventory::collect(collector, scopes, now(), self.progress.clone()).await;
            // Accounts that could not be opened are in scope, with a gap that names them.
            inventory.accounts.extend(extra_accounts);
            inventory.accounts.sort();
            inventory.accounts.dedup();
            inventory.gaps.extend(gaps);
            inventory
        } else {
            self.list_own_account(connect, deadline).await?
        };
        inventory.normalize();
        inventory.api_calls = self.stats.calls();
        let calls: u64 = inventory.api_calls.values().sum();
        tracing::debug!(
            resources = inventory.resources.len(),
            gaps = inventory.gaps.len(),
            api_calls = calls,
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "inventory listed"
        );
        Ok(inventory)
    }

    /// Lists every region of the account the credentials belong to. STS names the account
    /// beside the first listings (and `DescribeRegions`, for `--all-regions`), so that no
    /// listing waits for it to send: each waits only to read its answers. A shard needs the
    /// account's id before deciding to list it at all. STS failing fails the run, listings
    /// and all.
    async fn list_own_account<C: Connect>(
        &self,
        connect: &C,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<Inventory> {
        use crate::bounded::round_trips::branch;
        use crate::inventory::aws::AccountId;

        self.check_region(connect).await?;
        let session = self.session(connect).await;
        let concurrency = self.settings.concurrency;
        if let Some(shard) = self.shard {
            let (account, regions) = tokio::try_join!(branch(self.account(connect)), branch(self.regions(connect)))?;
            let scopes = if shard.contains(&account) {
                regions.into_iter().map(|region| RegionScope { account: account.clone(), region }).collect()
            } else {
                Vec::new()
            };
            self.remember(&account, &session);
            let collector = Arc::new(AwsCollector::new(BTreeMap::from([(account, session)]), concurrency, deadline));
            return Ok(crate::inventory::collect(collector, scopes, now(), self.progress.clone()).await);
        }
        let (name, account) = AccountId::pending();
        let own = session.clone();
        let naming = branch(async move {
            let id = self.account(connect).await?;
            self.remember(&id, &own);
            name.send_replace(Some(id.clone()));
            Ok::<_, anyhow::Error>(id)
        });
        let listing = branch(async {
            let regions = self.regions(connect).await?;
            let scopes = regions
                .into_iter()
                .map(|region| RegionScope { account: PROVISIONAL_ACCOUNT.to_owned(), region })
                .collect();
            let collector =
                Arc::new(AwsCollector::pending(PROVISIONAL_ACCOUNT, session, account, concurrency, deadline));
            Ok(crate::inventory::collect(collector, scopes, now(), self.progress.clone()).await)
        });
        let (id, mut inventory) = tokio::try_join!(naming, listing)?;
        inventory.rename_account(PROVISIONAL_ACCOUNT, &id);
        Ok(inventory)
    }

    /// Opens every account reached through roles, in this run's shard, with the regions
    /// to list in each: sessions, scopes, every account in scope, and gaps.
    async fn open_accounts<C: Connect>(
        &self,
        connect: &C,
    ) -> Result<(BTreeMap<String, AwsSession>, Vec<RegionScope>, Vec<String>, Vec<CoverageGap>)> {
        self.check_region(connect).await?;
        let base = self.session(connect).await;
        let plan = self.settings.accounts.clone();
        let mut gaps = Vec::new();
        let mut org = Vec::new();
        let mut partition = plan
            .role_arns
            .iter()
            .find_map(|arn| accounts::parse_role_arn(arn).ok())
            .map_or_else(|| "aws".to_owned(), |role| role.partition.to_owned());
        if plan.org_role.is_some() {
            match accounts::org_accounts(&base).await {
                Ok((ids, org_partition)) => {
                    org = ids;
                    partition = org_partition;
                }
                Err(f) => gaps.push(f.into_gap_anywhere()),
            }
        }
        let targets = accounts::targets(&plan, &org, &partition, self.shard);
        let in_scope: Vec<String> = targets.iter().map(|t| t.account.clone()).collect();
        let home = base.region().unwrap_or_else(|| HOME_REGION.to_owned());
        let choice = self.settings.regions.clone();
        let opened = accounts::open_all(targets, |target| {
            let (base, home, choice) = (base.clone(), home.clone(), choice.clone());
            let external_id = plan.external_id.clone();
            async move {
                let session = accounts::assume(&base, &target.role_arn, external_id.as_deref()).await?;
                let regions = match choice {
                    RegionChoice::Listed(named) => named,
                    RegionChoice::All => accounts::account_regions(&session, &home).await?,
                    RegionChoice::Default => vec![home],
                };
                Ok((session, regions))
            }
        })
        .await;
        gaps.extend(opened.gaps);
        let mut sessions = BTreeMap::new();
        let mut scopes = Vec::new();
        for (account, (session, mut regions)) in opened.accounts {
            regions.sort();
            regions.dedup();
            scopes.extend(regions.into_iter().map(|region| RegionScope { account: account.clone(), region }));
            sessions.insert(account, session);
        }
        Ok((sessions, scopes, in_scope, gaps))
    }

    /// The session states are read with: `--state-profile`, then `--state-role-arn`
    /// assumed from it; by default the scanning session. A role that cannot be assumed is
    /// a gap, and the S3 states are then not read.
    pub async fn state_session<C: Connect>(&self, connect: &C) -> (Option<AwsSession>, Option<CoverageGap>) {
        let access = self.settings.state_access.clone();
        let base = match &access.profile {
            Some(profile) => {
                let options = AwsOptions { profile: Some(profile.clone()), ..self.settings.aws.clone() };
                connect.connect(&options, self.stats.clone()).await
            }
            None => self.session(connect).await,
        };
        let Some(role) = &access.role_arn else { return (Some(base), None) };
        match accounts::assume(&base, role, None).await {
            Ok(session) => (Some(session), None),
            Err(f) => {
                let mut gap = f.into_gap_anywhere();
                gap.kinds.clear();
                gap.object = Some(role.clone());
                gap.error = format!("cannot assume --state-role-arn {role}: {}", gap.error);
                (None, Some(gap))
            }
        }
    }

    /// Reads the states of the given sources.
    pub async fn states<C: Connect>(&self, connect: &C, sources: &[StateSource]) -> StateSet {
        let read = self.settings.read.clone();
        self.states_with(connect, sources, &read).await
    }

    /// Reads the states of the given sources with the given read options: the one way
    /// states come into a run. It needs nothing the listings find, so `gather` runs it
    /// beside them; its reads are bounded by `--state-concurrency`, apart from the listings.
    pub async fn states_with<C: Connect>(
        &self,
        connect: &C,
        sources: &[StateSource],
        read: &crate::state::reader::ReadOptions,
    ) -> StateSet {
        let needs_aws = sources.iter().any(|s| matches!(s, StateSource::S3 { .. }));
        let started = std::time::Instant::now();
        let (mut set, gap) = crate::bounded::round_trips::branch(async {
            let (session, gap) = if needs_aws { self.state_session(connect).await } else { (None, None) };
            (crate::state::read_states(sources, session.as_ref(), read, self.progress.clone()).await, gap)
        })
        .await;
        set.gaps.extend(gap);
        tracing::debug!(
            states = set.files.len(),
            gaps = set.gaps.len(),
            skipped = set.skipped.len(),
            elapsed_ms = elapsed_ms(started),
            "states read"
        );
        set
    }

    /// What a scan reads, gathered at once: the inventory (listed or saved) and the states
    /// (read from `sources` or taken from the state index `input` names).
    pub async fn gather_inputs<C: Connect>(
        &self,
        connect: &C,
        input: &super::args::ScanInputArgs,
        sources: &[StateSource],
    ) -> Result<(Inventory, StateSet)> {
        let reading = self.read_states(connect, sources, input.index());
        let (inventory, states) = self.gather(connect, &input.inventory, reading).await?;
        Ok((inventory, states?))
    }

    /// The states of a command: read from `sources`, or, given a state index (its path and
    /// whether a stale one is allowed), taken from it.
    pub async fn read_states<C: Connect>(
        &self,
        connect: &C,
        sources: &[StateSource],
        index: Option<(&std::path::Path, bool)>,
    ) -> Result<StateSet> {
        match index {
            Some((path, allow_stale)) => self.states_from_index(connect, path, allow_stale).await,
            None => Ok(self.states(connect, sources).await),
        }
    }

    /// The states of a state index, after checking the index against a fresh listing of
    /// its sources: a stale index is refused unless `allow_stale`, and then each stale
    /// object is a coverage gap. A source that cannot be listed is a gap too.
    pub async fn states_from_index<C: Connect>(
        &self,
        connect: &C,
        path: &std::path::Path,
        allow_stale: bool,
    ) -> Result<StateSet> {
        let index = crate::state::index::StateIndex::load(path)?;
        let sources = index.state_sources();
        let needs_aws = sources.iter().any(|s| matches!(s, StateSource::S3 { .. }));
        let (session, gap) = if needs_aws { self.state_session(connect).await } else { (None, None) };
        let (listed, gaps) = crate::state::reader::list_candidates(&sources, session.as_ref()).await;
        let staleness = index.compare(&listed);
        if !staleness.is_current() && !allow_stale {
            return Err(index.stale_error(path, &staleness).into());
        }
        let mut set = index.into_set(&staleness);
        set.gaps.extend(gap);
        set.gaps.extend(gaps);
        tracing::debug!(states = set.files.len(), gaps = set.gaps.len(), "states read from the index");
        Ok(set)
    }

    /// Ends progress output and prints `--stats`.
    pub fn finish(&self) {
        self.progress.finish();
        let snapshot = self.stats.snapshot();
        let calls: u64 = snapshot.values().map(|s| s.calls).sum();
        // Per service: calls, errors and the time spent in them (summed over concurrent calls).
        let mut services: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
        for (op, s) in &snapshot {
            let service = op.split_once(':').map_or(op.as_str(), |(service, _)| service);
            let entry = services.entry(service).or_default();
            entry.0 += s.calls;
            entry.1 += s.errors;
            entry.2 += s.total_ms;
        }
        for (service, (calls, errors, total_ms)) in services {
            tracing::debug!(service, calls, errors, total_ms, "aws service calls");
        }
        tracing::debug!(api_calls = calls, "aws api calls made");
        if self.settings.stats {
            let mut text = String::from("AWS calls per operation:\n");
            text.push_str(&format!(
                "  {:<48} {:>7} {:>8} {:>9} {:>9} {:>7} {:>10} {:>8}\n",
                "OPERATION", "CALLS", "ATTEMPTS", "THROTTLED", "MALFORMED", "ERRORS", "TOTAL ms", "MAX ms"
            ));
            for (op, s) in &snapshot {
                text.push_str(&format!(
                    "  {op:<48} {:>7} {:>8} {:>9} {:>9} {:>7} {:>10} {:>8}\n",
                    s.calls, s.attempts, s.throttled, s.malformed, s.errors, s.total_ms, s.max_ms
                ));
            }
            text.push_str(&format!("  {:<48} {calls:>7}\n", "total"));
            text.push_str(&self.stats.depth().describe());
            text.push('\n');
            eprint!("{text}");
        }
        if let Some(path) = &self.settings.stats_json {
            let file = crate::aws::stats_file::StatsFile::new(&snapshot).with_depth(self.stats.depth());
            if let Err(err) = crate::report::write::to_file(path, &file.to_json()) {
                // The scan itself is done and its result stands; only the counters are lost.
                eprintln!("leftover: warning: cannot write --stats-json {}: {err}", path.display());
            }
        }
    }
}

/// Milliseconds since `started`, for the timing lines `LEFTOVER_LOG=debug` prints.
pub fn elapsed_ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
