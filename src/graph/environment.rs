//! environment: which environment each state and live resource belongs to, and which
//! environments are alive or gone. An environment is alive while a state of it declares
//! managed resources; it is deleted when the policy says so, when its states exist but
//! declare nothing (a destroyed environment leaves an empty state), or (inferred, less
//! sure) when only tags name it. The policy overrides every inference. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::inventory::{CoverageGap, Inventory, LiveResource, RelationKind};
use crate::policy::{EnvStatus, Glob, Policy};
use crate::state::source::workspace_of;
use crate::state::{StateFile, StateSet};

/// Why an environment counts as deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deletion {
    /// The policy says `status = "decommissioned"`.
    Policy,
    /// Its states exist but declare nothing.
    EmptyStates { states: Vec<String> },
    /// No state belongs to it; only tags name it.
    Inferred,
}

impl Deletion {
    /// Whether the conclusion is an inference (lower severity).
    pub fn inferred(&self) -> bool {
        matches!(self, Self::Inferred)
    }

    /// Half a sentence: why it is deleted.
    pub fn explain(&self, env: &str) -> String {
        match self {
            Self::Policy => format!("environment {env} is decommissioned (policy)"),
            Self::EmptyStates { states } => {
                format!(
                    "environment {env} was destroyed: its state{} {} declare{} nothing",
                    if states.len() == 1 { "" } else { "s" },
                    states.join(", "),
                    if states.len() == 1 { "s" } else { "" }
                )
            }
            Self::Inferred => format!(
                "environment {env} appears deleted (inferred: only tags name it; no state read belongs to it or \
                 declares a resource tagged for it). To confirm, set `status = \"decommissioned\"` under \
                 [environments.{env}] in a policy; if it is alive, `status = \"alive\"`, or scan its states too"
            ),
        }
    }
}

/// What is known about one environment.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EnvInfo {
    pub states: Vec<String>,
    /// Managed resources its states declare.
    pub declared: usize,
    pub deletion: Option<Deletion>,
}

/// Environments of one scan.
#[derive(Clone, Debug, Default)]
pub struct Environments {
    pub envs: BTreeMap<String, EnvInfo>,
    state_env: BTreeMap<String, String>,
    /// The environment of each state that could not be read, where its name tells; `None`
    /// where it does not (a bucket that could not be listed may hold any environment's).
    unread: Vec<Option<String>>,
    aliases: BTreeMap<String, String>,
    tag_keys: Vec<String>,
}

impl Environments {
    /// Infers environments from the policy, the states and (when listed) live tags, before
    /// states and live resources are joined.
    pub fn infer(policy: &Policy, states: &StateSet, inventory: Option<&Inventory>) -> Self {
        Self::infer_joined(policy, states, inventory, &|_, _| None)
    }

    /// Infers environments once states and live resources are joined: `live_tags(file,
    /// resource)` gives the live tags of the resource a state declares, when it is live.
    /// Live tags count as much as declared ones (many states record no tags at all): a
    /// state whose live resources are tagged for an environment belongs to it, and an
    /// environment any read state declares a resource of is alive.
    pub fn infer_joined<'t>(
        policy: &Policy,
        states: &StateSet,
        inventory: Option<&Inventory>,
        live_tags: &dyn Fn(usize, usize) -> Option<&'t crate::model::Tags>,
    ) -> Self {
        let mut aliases = BTreeMap::new();
        for (name, spec) in &policy.environments {
            aliases.insert(name.to_ascii_lowercase(), name.to_ascii_lowercase());
            for alias in &spec.aliases {
                aliases.insert(alias.to_ascii_lowercase(), name.to_ascii_lowercase());
            }
        }
        let mut out = Self { aliases, tag_keys: policy.env_tag_keys.clone(), ..Self::default() };

        // Names known from anywhere: the policy, workspaces, tags live and declared.
        let mut known: BTreeSet<String> = policy.environments.keys().map(|k| k.to_ascii_lowercase()).collect();
        known.extend(out.aliases.keys().cloned());
        for file in &states.files {
            if let Some(ws) = file.workspace.as_deref().filter(|w| *w != "default") {
                known.insert(ws.to_ascii_lowercase());
            }
            if let Some(env) = out.env_of_labels(&file.labels) {
                known.insert(env);
            }
            for r in file.managed() {
                if let Some(env) = out.env_of_tags(&r.tags) {
                    known.insert(env);
                }
            }
        }
        if let Some(inventory) = inventory {
            for r in &inventory.resources {
                if let Some(env) = out.env_of_tags(&r.tags) {
                    known.insert(env);
                }
            }
        }
        // Longest names first, so `staging` wins over `stag`.
        let mut names: Vec<String> = known.into_iter().collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));

        // Environments a read state declares a resource of, by its declared or live tags.
        let mut declared_envs: BTreeSet<String> = BTreeSet::new();
        // For each state, the environment each managed resource is tagged for.
        let mut tagged: Vec<Vec<String>> = Vec::with_capacity(states.files.len());
        for (f, file) in states.files.iter().enumerate() {
            let envs: Vec<String> = file
                .resources
                .iter()
                .enumerate()
                .filter(|(_, r)| r.is_managed())
                .filter_map(|(n, r)| {
                    out.env_of_tags(&r.tags).or_else(|| live_tags(f, n).and_then(|t| out.env_of_tags(t)))
                })
                .collect();
            declared_envs.extend(envs.iter().cloned());
            tagged.push(envs);
        }
        for (file, tagged) in states.files.iter().zip(&tagged) {
            if let Some(env) = out.state_env_of(policy, file, tagged, &names) {
                out.state_env.insert(file.source.clone(), env.clone());
                let info = out.envs.entry(env).or_default();
                info.states.push(file.source.clone());
                info.declared += file.managed().count();
            }
        }
        out.unread = states.gaps.iter().map(|gap| out.unread_env(policy, gap, &names)).collect();
        // Tag-only environments.
        for name in &names {
            if out.aliases.get(name).is_some_and(|canonical| canonical != name) {
                continue;
            }
            out.envs.entry(name.clone()).or_default();
        }
        let any_state = !states.files.is_empty();
        for (name, info) in &mut out.envs {
            let declared_status =
                policy.environments.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, s)| s.status);
            info.deletion = match declared_status {
                Some(EnvStatus::Decommissioned) => Some(Deletion::Policy),
                None if !info.states.is_empty() && info.declared == 0 => {
                    Some(Deletion::EmptyStates { states: info.states.clone() })
                }
                None if info.states.is_empty() && any_state && !declared_envs.contains(name) => {
                    Some(Deletion::Inferred)
                }
                Some(EnvStatus::Alive) | None => None,
            };
        }
        out
    }

    /// The canonical name of an environment named `name` (aliases resolved, lower case).
    pub fn canonical(&self, name: &str) -> String {
        let lower = name.to_ascii_lowercase();
        self.aliases.get(&lower).cloned().unwrap_or(lower)
    }

    /// The environment tags name, if any.
    pub fn env_of_tags(&self, tags: &crate::model::Tags) -> Option<String> {
        self.tag_keys
            .iter()
            .find_map(|k| tags.get(k))
            .filter(|v| !v.trim().is_empty())
            .map(|v| self.canonical(v.trim()))
    }

    /// The environment a Terraform Cloud workspace's tags name: a tag `KEY:VALUE` (or
    /// `KEY=VALUE`) whose key is one of the environment tag keys (`env:staging`).
    fn env_of_labels(&self, labels: &[String]) -> Option<String> {
        self.tag_keys.iter().find_map(|key| {
            labels.iter().find_map(|label| {
                let (k, v) = label.split_once([':', '='])?;
                (k.trim() == key.as_str() && !v.trim().is_empty()).then(|| self.canonical(v.trim()))
            })
        })
    }

    /// What the backend says of a state beside its name: the policy's project and
    /// workspace tag rules, then the workspace's environment tag.
    fn env_of_backend(&self, policy: &Policy, file: &StateFile) -> Option<String> {
        for (env, spec) in &policy.environments {
            let project = file.project.as_deref().is_some_and(|p| spec.projects.iter().any(|g| g.matches(p)));
            let tagged = file.labels.iter().any(|l| spec.workspace_tags.iter().any(|g| g.matches(l)));
            if project || tagged {
                return Some(self.canonical(env));
            }
        }
        self.env_of_labels(&file.labels)
    }

    /// A state's environment: what the policy's globs over its name say, what its backend
    /// says (a workspace's project and tags), what its name says, else what most of its
    /// managed resources are tagged (`tagged`: their environments, by declared or live tags).
    fn state_env_of(&self, policy: &Policy, file: &StateFile, tagged: &[String], names: &[String]) -> Option<String> {
        for (env, spec) in &policy.environments {
            if spec.states.iter().any(|g| g.matches(&file.source)) {
                return Some(self.canonical(env));
            }
        }
        if let Some(env) = self.env_of_backend(policy, file) {
            return Some(env);
        }
        let source = match &file.project {
            // A workspace's key is `PROJECT/WORKSPACE`, so `{env}/*` reads a project named for
            // its environment.
            Some(project) => format!("{project}/{}", state_key(&file.source)),
            None => file.source.clone(),
        };
        if let Some(env) = self.env_of_source(policy, &source, file.workspace.as_deref(), names) {
            return Some(env);
        }
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for env in tagged {
            *votes.entry(env.as_str()).or_default() += 1;
        }
        let total: usize = votes.values().sum();
        votes.into_iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n * 2 > total).map(|(env, _)| env.to_owned())
    }

    /// What a state's name says of its environment: the policy's globs, its workspace, the
    /// state patterns.
    fn env_of_source(
        &self,
        policy: &Policy,
        source: &str,
        workspace: Option<&str>,
        names: &[String],
    ) -> Option<String> {
        for (env, spec) in &policy.environments {
            if spec.states.iter().any(|g| g.matches(source)) {
                return Some(self.canonical(env));
            }
        }
        if let Some(ws) = workspace.filter(|w| *w != "default") {
            return Some(self.canonical(ws));
        }
        let key = state_key(source);
        for pattern in &policy.state_patterns {
            for name in names {
                let Ok(glob) = Glob::new(&pattern.replace("{env}", &glob_escape(name))) else { continue };
                if glob.matches(&key) || glob.matches(&key.to_ascii_lowercase()) {
                    return Some(self.canonical(name));
                }
            }
        }
        None
    }

    /// The environment of a state that could not be read, when the gap is about one state
    /// and its name tells.
    fn unread_env(&self, policy: &Policy, gap: &CoverageGap, names: &[String]) -> Option<String> {
        let object = gap.object.as_deref()?;
        let one_state = matches!(gap.operation.as_str(), "GetObject" | "GET" | "GetCurrentStateVersion" | "GetState")
            || (gap.service == "file" && object.rsplit(['/', '\\']).next().is_some_and(|n| n.contains(".tfstate")));
        if !one_state {
            return None;
        }
        self.env_of_source(policy, object, workspace_of(&object_key(object)).as_deref(), names)
    }

    /// Whether a state that could not be read may belong to `env`: then what the states
    /// show of it (empty, or none at all) may be wrong.
    pub fn may_have_unread_state(&self, env: &str) -> bool {
        let env = self.canonical(env);
        self.unread.iter().any(|unread| unread.as_ref().is_none_or(|e| *e == env))
    }

    /// The environment a state belongs to.
    pub fn of_state(&self, source: &str) -> Option<&str> {
        self.state_env.get(source).map(String::as_str)
    }

    /// Why `env` counts as deleted, if it does.
    pub fn deletion(&self, env: &str) -> Option<&Deletion> {
        self.envs.get(&self.canonical(env)).and_then(|i| i.deletion.as_ref())
    }

    /// A live resource's environment: its tags, else the VPC (or subnet's VPC) it sits in.
    pub fn of_live<'l>(
        &self,
        r: &LiveResource,
        lookup: &dyn Fn(&str, &str) -> Option<&'l LiveResource>,
    ) -> Option<String> {
        if let Some(env) = self.env_of_tags(&r.tags) {
            return Some(env);
        }
        let vpc = r.first_related(RelationKind::InVpc).map(str::to_owned).or_else(|| {
            r.first_related(RelationKind::InSubnet)
                .and_then(|s| lookup("ec2:subnet", s))
                .and_then(|s| s.first_related(RelationKind::InVpc).map(str::to_owned))
        });
        vpc.and_then(|v| lookup("ec2:vpc", &v)).and_then(|v| self.env_of_tags(&v.tags))
    }
}

/// An S3 source's key (what follows the bucket), an http address's path (a GitLab
/// address's state name), a GitLab state's or Terraform Cloud workspace's name, or a
/// file's path.
fn object_key(source: &str) -> std::borrow::Cow<'_, str> {
    if let Some(rest) = source.strip_prefix("s3://") {
        return rest.split_once('/').map_or("", |(_, key)| key).into();
    }
    if source.starts_with("http://") || source.starts_with("https://") {
        return crate::state::source::http_key(source).into();
    }
    if source.starts_with("tfc://") || source.starts_with("gitlab://") || source.starts_with("gitlab+http://") {
        return source.rsplit('/').next().unwrap_or_default().into();
    }
    source.into()
}

/// The part of a source that names it: the S3 key (after a workspace prefix), or the path.
fn state_key(source: &str) -> String {
    let key = object_key(source);
    let key = key.as_ref();
    let key = key.strip_prefix("env:/").and_then(|rest| rest.split_once('/')).map_or(key, |(_, inner)| inner);
    key.replace('\\', "/")
}

fn glob_escape(name: &str) -> String {
    name.chars().flat_map(|c| if matches!(c, '*' | '?' | '[' | ']' | '\\') { vec!['\\', c] } else { vec![c] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::state_resource::{Identity, Mode, StateResource};

    fn file(source: &str, workspace: Option<&str>, tags: &[(&str, &str)], n: usize) -> StateFile {
        let resources = (0..n)
            .map(|i| StateResource {
                source: source.into(),
                address: format!("aws_vpc.v{i}"),
                tf_type: "aws_vpc".into(),
                mode: Mode::Managed,
                provider: "p".into(),
                identity: Identity::Live { kind: "ec2:vpc".into(), id: format!("vpc-{i}") },
                region: None,
                account: None,
                tags: tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
                tagged: true,
                inline: vec![],
                parts: crate::model::subresource::SubResources::default(),
                references: vec![],
                gateway_routes: vec![],
                checked: vec![],
                attributes: None,
                tainted: false,
                deposed: None,
            })
            .collect();
        StateFile {
            source: source.to_owned(),
            version: 4,
            workspace: workspace.map(str::to_owned),
            resources,
            ..StateFile::default()
        }
    }

    fn set(files: Vec<StateFile>) -> StateSet {
        StateSet { files, ..StateSet::default() }
    }

    #[test]
    fn states_get_environments_from_workspaces_paths_and_names() {
        let policy = Policy::builtin();
        let states = set(vec![
            file("s3://b/env:/dev/app.tfstate", Some("dev"), &[], 1),
            file("s3://b/staging/network.tfstate", None, &[("Environment", "staging")], 1),
            file("s3://b/rosey-qa.tfstate", None, &[("Environment", "qa")], 0),
            file("s3://b/misc/shared.tfstate", None, &[("Environment", "shared")], 2),
        ]);
        let envs = Environments::infer(&policy, &states, None);
        assert_eq!(envs.of_state("s3://b/env:/dev/app.tfstate"), Some("dev"));
        assert_eq!(envs.of_state("s3://b/staging/network.tfstate"), Some("staging"));
        assert_eq!(envs.of_state("s3://b/misc/shared.tfstate"), Some("shared"));
        // qa's state has no resources, so no tag names it: qa is not known and the key alone
        // says nothing.
        assert_eq!(envs.of_state("s3://b/rosey-qa.tfstate"), None);
    }

    #[test]
    fn issue_33_workspaces_get_environments_from_tags_projects_and_names() {
        let mut policy = Policy::builtin();
        policy
            .layer_text(
                "p.toml",
                "[environments.prod]\nprojects = [\"Production*\"]\n[environments.qa]\nworkspace_tags = [\"stage:q*\"]\n",
            )
            .expect("valid");
        let workspace = |name: &str, labels: &[&str], project: Option<&str>| StateFile {
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            project: project.map(str::to_owned),
            ..file(&format!("tfc://acme/{name}"), None, &[], 1)
        };
        let states = set(vec![
            // A tag whose key is an environment tag key names it, whatever the name says.
            workspace("platform-green", &["team:platform", "env:staging"], None),
            workspace("billing", &[], Some("Production EU")),
            workspace("scratch", &["stage:qa-1"], None),
            // The state patterns read `PROJECT/WORKSPACE`: a project named for it.
            workspace("network", &[], Some("dev")),
            workspace("cache", &[], None),
            file("https://state.example.com/shared/redis.tfstate", None, &[], 1),
            file("gitlab://gitlab.example.com/acme/infra/shared", None, &[], 1),
        ]);
        let envs = Environments::infer(&policy, &states, None);
        assert_eq!(envs.of_state("tfc://acme/platform-green"), Some("staging"));
        assert_eq!(envs.of_state("tfc://acme/billing"), Some("prod"));
        assert_eq!(envs.of_state("tfc://acme/scratch"), Some("qa"));
        assert_eq!(envs.of_state("tfc://acme/network"), None, "dev is not a known name yet");
        assert_eq!(envs.of_state("tfc://acme/cache"), None);
        assert_eq!(envs.of_state("https://state.example.com/shared/redis.tfstate"), None);
        // Once a tag makes `dev` and `shared` known, names and paths place their states.
        let mut states = states;
        states.files.push(workspace("tagged", &["env:shared", "Environment=dev"], None));
        states.files.push(workspace("redis", &["env:shared"], None));
        let envs = Environments::infer(&policy, &states, None);
        assert_eq!(envs.of_state("tfc://acme/tagged"), Some("dev"), "the first tag key in order wins");
        assert_eq!(envs.of_state("tfc://acme/network"), Some("dev"));
        assert_eq!(envs.of_state("https://state.example.com/shared/redis.tfstate"), Some("shared"));
        assert_eq!(envs.of_state("gitlab://gitlab.example.com/acme/infra/shared"), Some("shared"));
    }

    #[test]
    fn deleted_alive_and_inferred() {
        let mut policy = Policy::builtin();
        policy
            .layer_text(
                "p.toml",
                "[environments.qa]\nstatus = \"alive\"\n[environments.old]\nstatus = \"decommissioned\"\n",
            )
            .expect("valid");
        let states = set(vec![
            file("s3://b/dev/app.tfstate", None, &[("Environment", "dev")], 2),
            file("s3://b/staging/app.tfstate", None, &[], 0),
        ]);
        let mut inventory = Inventory::default();
        let mut r = LiveResource::new("ec2:vpc", "vpc-1", "1", "r");
        r.tags.insert("env".into(), "Sandbox".into());
        inventory.resources.push(r);
        // A staging leftover makes the name `staging` known, so its empty state is placed.
        let mut leftover = LiveResource::new("ec2:volume", "vol-1", "1", "r");
        leftover.tags.insert("Environment".into(), "staging".into());
        inventory.resources.push(leftover);
        let envs = Environments::infer(&policy, &states, Some(&inventory));
        assert_eq!(envs.deletion("dev"), None);
        assert!(matches!(envs.deletion("staging"), Some(Deletion::EmptyStates { .. })));
        assert_eq!(envs.deletion("sandbox"), Some(&Deletion::Inferred));
        assert_eq!(envs.deletion("qa"), None);
        assert_eq!(envs.deletion("old"), Some(&Deletion::Policy));
    }

    #[test]
    fn issue_12_tags_only_live_keep_an_environment_alive() {
        // The states record no tags; the live resources they declare are tagged dev and
        // prod. Neither environment is deleted, and each state belongs to its environment.
        let policy = Policy::builtin();
        let states = set(vec![file("s3://b/a/app.tfstate", None, &[], 3), file("s3://b/b/app.tfstate", None, &[], 2)]);
        let mut inventory = Inventory::default();
        for (n, env) in ["dev", "prod", "qa"].iter().enumerate() {
            let mut r = LiveResource::new("ec2:vpc", format!("vpc-{n}"), "1", "r");
            r.tags.insert("Environment".into(), (*env).into());
            inventory.resources.push(r);
        }
        let dev = inventory.resources[0].tags.clone();
        let prod = inventory.resources[1].tags.clone();
        let live = |f: usize, _r: usize| Some(if f == 0 { &dev } else { &prod });
        let envs = Environments::infer_joined(&policy, &states, Some(&inventory), &live);
        assert_eq!(envs.deletion("dev"), None);
        assert_eq!(envs.deletion("prod"), None);
        assert_eq!(envs.of_state("s3://b/a/app.tfstate"), Some("dev"));
        assert_eq!(envs.of_state("s3://b/b/app.tfstate"), Some("prod"));
        // qa: only a live tag names it, and nothing read declares anything of it.
        assert_eq!(envs.deletion("qa"), Some(&Deletion::Inferred));
        // Before the join, the same account would have looked like dev and prod were gone.
        let unjoined = Environments::infer(&policy, &states, Some(&inventory));
        assert_eq!(unjoined.deletion("dev"), Some(&Deletion::Inferred));
    }

    fn gap(service: &str, operation: &str, object: &str) -> CoverageGap {
        CoverageGap {
            service: service.into(),
            account: None,
            region: None,
            operation: operation.into(),
            error: "AccessDenied".into(),
            cause: crate::inventory::GapCause::Denied,
            object: Some(object.into()),
            kinds: Vec::new(),
        }
    }

    #[test]
    fn an_unreadable_state_casts_doubt_only_on_its_own_environment() {
        let policy = Policy::builtin();
        let mut states = set(vec![
            file("s3://b/dev/app.tfstate", None, &[("Environment", "dev")], 2),
            file("s3://b/staging/app.tfstate", None, &[("Environment", "staging")], 1),
        ]);
        states.gaps = vec![
            gap("s3", "GetObject", "s3://b/env:/qa/app.tfstate"),
            gap("s3", "GetObject", "s3://b/staging/db.tfstate"),
        ];
        let envs = Environments::infer(&policy, &states, None);
        assert!(envs.may_have_unread_state("qa"));
        assert!(envs.may_have_unread_state("Staging"));
        assert!(!envs.may_have_unread_state("dev"));

        // A bucket that could not be listed, or a state whose name says nothing, may be anyone's.
        for unknown in [gap("s3", "ListObjectsV2", "s3://other"), gap("s3", "GetObject", "s3://b/misc.tfstate")] {
            states.gaps = vec![unknown];
            assert!(Environments::infer(&policy, &states, None).may_have_unread_state("dev"));
        }
        states.gaps = Vec::new();
        assert!(!Environments::infer(&policy, &states, None).may_have_unread_state("dev"));
    }
}
