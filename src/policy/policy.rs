//! policy: the built-in knowledge (`policies/default.toml`, compiled in) and the user's
//! files layered on top: environments, ignores, severities, ownership rules and
//! expectations. Loading checks every pattern and name, so a bad file fails at once with
//! its file, line and key. Pure apart from reading the files.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::glob::Glob;
use super::policy_error::PolicyError;
use crate::model::Location;
use crate::model::RelationKind;
use crate::model::finding::{FindingKind, Severity};

/// The compiled-in default policy.
pub const DEFAULT_POLICY: &str = include_str!("../../policies/default.toml");
const DEFAULT_NAME: &str = "policies/default.toml (built in)";

// ---- the file format -------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    environment_rules: Option<EnvironmentRulesFile>,
    #[serde(default)]
    environments: BTreeMap<String, EnvironmentFile>,
    #[serde(default)]
    ignore: Vec<IgnoreFile>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    ownership: Vec<OwnershipFile>,
    #[serde(default)]
    expect: Option<ExpectFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvironmentRulesFile {
    #[serde(default)]
    tag_keys: Option<Vec<String>>,
    #[serde(default)]
    state_patterns: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvironmentFile {
    #[serde(default)]
    status: Option<Spanned<String>>,
    #[serde(default)]
    states: Vec<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    projects: Vec<Spanned<String>>,
    #[serde(default)]
    workspace_tags: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreFile {
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    id: Option<Spanned<String>>,
    #[serde(default)]
    arn: Option<Spanned<String>>,
    #[serde(default)]
    tag: Option<Spanned<String>>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnershipFile {
    why: String,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    tag: Option<Spanned<String>>,
    #[serde(default)]
    tag_value: Option<Spanned<String>>,
    #[serde(default)]
    attribute: Option<String>,
    #[serde(default)]
    equals: Option<toml::Value>,
    #[serde(default)]
    matches: Option<Spanned<String>>,
    #[serde(default)]
    one_of: Option<Vec<toml::Value>>,
    #[serde(default)]
    class: Option<Spanned<String>>,
    #[serde(default)]
    owner: Option<Spanned<String>>,
    #[serde(default)]
    owner_kind: Option<String>,
    #[serde(default)]
    owner_id: Option<String>,
    #[serde(default)]
    strip_prefix: Option<String>,
    #[serde(default)]
    owner_label: Option<String>,
    #[serde(default)]
    owner_must_be_default: bool,
    #[serde(default)]
    require_owner: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    #[serde(default)]
    reachable: Vec<ReachableFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReachableFile {
    #[serde(default)]
    name: Option<String>,
    from: Spanned<String>,
    to: Spanned<String>,
    port: Spanned<i64>,
    #[serde(default)]
    protocol: Option<Spanned<String>>,
    #[serde(default)]
    ephemeral_ports: Option<Spanned<String>>,
}

// ---- the compiled policy -----------------------------------------------------------------

/// Whether an environment is alive or gone, as the policy says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvStatus {
    Alive,
    Decommissioned,
}

/// What the policy says about one environment.
#[derive(Clone, Debug, Default)]
pub struct EnvironmentSpec {
    pub status: Option<EnvStatus>,
    /// Sources (globs over `s3://bucket/key` or paths) whose states belong to it.
    pub states: Vec<Glob>,
    /// Other names tags use for it (`stg` for `staging`).
    pub aliases: Vec<String>,
    /// Terraform Cloud projects (globs over their names) whose workspaces belong to it.
    pub projects: Vec<Glob>,
    /// Terraform Cloud workspace tags (globs, `team:staging*`) that put a workspace in it.
    pub workspace_tags: Vec<Glob>,
}

/// A resource to leave out of every finding (counted in the summary).
#[derive(Clone, Debug)]
pub struct Ignore {
    pub kind: Option<Glob>,
    pub id: Option<Glob>,
    pub arn: Option<Glob>,
    pub tag: Option<(Glob, Option<Glob>)>,
    pub reason: String,
}

impl Ignore {
    /// Whether this rule ignores the resource.
    pub fn matches(&self, kind: &str, id: &str, arn: &str, tags: &crate::model::Tags) -> bool {
        self.kind.as_ref().is_none_or(|g| g.matches(kind))
            && self.id.as_ref().is_none_or(|g| g.matches(id))
            && self.arn.as_ref().is_none_or(|g| g.matches(arn))
            && self.tag.as_ref().is_none_or(|(key, value)| {
                tags.iter().any(|(k, v)| key.matches(k) && value.as_ref().is_none_or(|g| g.matches(v)))
            })
    }
}

/// What an ownership rule makes of a resource it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnershipClass {
    /// Exists because its owner does; reported (if at all) with its owner.
    Owned,
    /// Another tool (`CloudFormation`, Kubernetes, an AWS service) manages it.
    ManagedElsewhere,
    /// An AWS default (the default VPC and its parts).
    Default,
}

/// One ownership rule: conditions (all must hold) and what follows.
#[derive(Clone, Debug)]
pub struct OwnershipRule {
    pub why: String,
    pub kind: Option<Glob>,
    pub tag: Option<Glob>,
    pub tag_value: Option<Glob>,
    pub attribute: Option<String>,
    pub equals: Option<serde_json::Value>,
    pub matches: Option<Glob>,
    /// The attribute equals one of these.
    pub one_of: Option<Vec<serde_json::Value>>,
    pub class: OwnershipClass,
    /// The owner is the target of this relation (filtered by `owner_kind` when given).
    pub owner: Option<RelationKind>,
    pub owner_kind: Option<String>,
    /// The owner's id, from a template (`{tag:KEY}`, `{attr:NAME}`).
    pub owner_id: Option<String>,
    pub strip_prefix: Option<String>,
    /// A label for an owner that is not a resource leftover lists.
    pub owner_label: Option<String>,
    pub owner_must_be_default: bool,
    /// When the owner is neither live nor declared, the resource is unmanaged.
    pub require_owner: bool,
}

/// One connectivity expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub name: String,
    pub from: super::selector::Selector,
    pub to: super::selector::Selector,
    pub port: u16,
    pub protocol: String,
    /// The ports clients pick for their side of a connection, where the answers return
    /// (`lo`, `hi`, both included).
    pub ephemeral_ports: (u16, u16),
    pub location: Location,
}

/// The ephemeral ports of an expectation that names none: the range Linux clients use by
/// default is 32768-60999, the range IANA assigns is 49152-65535; this holds both.
pub const DEFAULT_EPHEMERAL_PORTS: (u16, u16) = (32768, 65535);

/// Reads a port range written `LO-HI` (both between 1 and 65535, `LO` not above `HI`).
fn port_range(text: &str) -> Option<(u16, u16)> {
    let (lo, hi) = text.split_once('-')?;
    let lo: u16 = lo.trim().parse().ok().filter(|p| *p > 0)?;
    let hi: u16 = hi.trim().parse().ok()?;
    (lo <= hi).then_some((lo, hi))
}

/// The policy in force: the default plus the user's files.
#[derive(Clone, Debug)]
pub struct Policy {
    pub env_tag_keys: Vec<String>,
    /// Patterns with `{env}` that name a state's environment from its key or path.
    pub state_patterns: Vec<String>,
    pub environments: BTreeMap<String, EnvironmentSpec>,
    pub ignores: Vec<Ignore>,
    pub severities: BTreeMap<FindingKind, Severity>,
    pub ownership: Vec<OwnershipRule>,
    pub expectations: Vec<Expectation>,
    /// The files layered, in order.
    pub files: Vec<String>,
}

impl Policy {
    /// The compiled-in default alone.
    ///
    /// # Panics
    ///
    /// When the built-in policy does not load, which a unit test rules out.
    pub fn builtin() -> Self {
        let mut policy = Self::empty();
        // The default policy is part of the binary and tested; failing here is a build defect.
        policy.layer_text(DEFAULT_NAME, DEFAULT_POLICY).unwrap_or_else(|err| panic!("built-in policy: {err}"));
        policy
    }

    fn empty() -> Self {
        Self {
            env_tag_keys: Vec::new(),
            state_patterns: Vec::new(),
            environments: BTreeMap::new(),
            ignores: Vec::new(),
            severities: BTreeMap::new(),
            ownership: Vec::new(),
            expectations: Vec::new(),
            files: Vec::new(),
        }
    }

    /// The default with each file layered on top, in order.
    pub fn load(files: &[impl AsRef<Path>]) -> Result<Self, PolicyError> {
        let mut policy = Self::builtin();
        for file in files {
            let path = file.as_ref();
            let name = path.display().to_string();
            let text =
                std::fs::read_to_string(path).map_err(|source| PolicyError::Read { file: name.clone(), source })?;
            policy.layer_text(&name, &text)?;
        }
        Ok(policy)
    }

    /// This policy with `env` marked decommissioned (what `scan --env` checks).
    #[must_use]
    pub fn with_decommissioned(&self, env: &str) -> Self {
        let mut policy = self.clone();
        let key =
            policy.environments.keys().find(|k| k.eq_ignore_ascii_case(env)).cloned().unwrap_or_else(|| env.to_owned());
        policy.environments.entry(key).or_default().status = Some(EnvStatus::Decommissioned);
        policy
    }

    /// The severity of a finding kind.
    pub fn severity(&self, kind: FindingKind) -> Severity {
        self.severities.get(&kind).copied().unwrap_or_else(|| kind.default_severity())
    }

    /// The first ignore rule that matches, if any.
    pub fn ignored_by(&self, kind: &str, id: &str, arn: &str, tags: &crate::model::Tags) -> Option<&Ignore> {
        self.ignores.iter().find(|i| i.matches(kind, id, arn, tags))
    }

    /// Layers one file's text over the policy.
    pub fn layer_text(&mut self, name: &str, text: &str) -> Result<(), PolicyError> {
        let file: PolicyFile = toml::from_str(text).map_err(|err| {
            let (location, message) = Location::of_toml_error(name, text, &err);
            PolicyError::Invalid { location, message }
        })?;
        let at = |span: std::ops::Range<usize>, key: &str| Location::at(name, text, span, key);
        let invalid = |location: Location, message: String| PolicyError::Invalid { location, message };
        let glob = |value: &Spanned<String>, key: &str| {
            Glob::new(value.get_ref()).map_err(|err| invalid(at(value.span(), key), err.to_string()))
        };

        if let Some(rules) = file.environment_rules {
            if let Some(keys) = rules.tag_keys {
                self.env_tag_keys = keys;
            }
            if let Some(patterns) = rules.state_patterns {
                let mut out = Vec::new();
                for p in patterns {
                    if !p.get_ref().contains("{env}") {
                        return Err(invalid(
                            at(p.span(), "environment_rules.state_patterns"),
                            format!("pattern {:?} has no {{env}} placeholder", p.get_ref()),
                        ));
                    }
                    Glob::new(&p.get_ref().replace("{env}", "x"))
                        .map_err(|err| invalid(at(p.span(), "environment_rules.state_patterns"), err.to_string()))?;
                    out.push(p.into_inner());
                }
                self.state_patterns = out;
            }
        }
        {
            for (env, spec) in file.environments {
                let entry = self.environments.entry(env.clone()).or_default();
                if let Some(status) = spec.status {
                    entry.status = Some(match status.get_ref().as_str() {
                        "alive" | "active" => EnvStatus::Alive,
                        "decommissioned" | "deleted" => EnvStatus::Decommissioned,
                        other => {
                            return Err(invalid(
                                at(status.span(), &format!("environments.{env}.status")),
                                format!("unknown status {other:?} (expected \"alive\" or \"decommissioned\")"),
                            ));
                        }
                    });
                }
                for state in &spec.states {
                    entry.states.push(glob(state, &format!("environments.{env}.states"))?);
                }
                for project in &spec.projects {
                    entry.projects.push(glob(project, &format!("environments.{env}.projects"))?);
                }
                for tag in &spec.workspace_tags {
                    entry.workspace_tags.push(glob(tag, &format!("environments.{env}.workspace_tags"))?);
                }
                entry.aliases.extend(spec.aliases);
            }
        }

        for (i, ignore) in file.ignore.into_iter().enumerate() {
            let key = |field: &str| format!("ignore[{i}].{field}");
            let tag = match &ignore.tag {
                Some(tag) => {
                    let (k, v) = match tag.get_ref().split_once('=') {
                        Some((k, v)) => (k, Some(v)),
                        None => (tag.get_ref().as_str(), None),
                    };
                    let key_glob = Glob::new(k).map_err(|err| invalid(at(tag.span(), &key("tag")), err.to_string()))?;
                    let value_glob = v
                        .map(Glob::new)
                        .transpose()
                        .map_err(|err| invalid(at(tag.span(), &key("tag")), err.to_string()))?;
                    Some((key_glob, value_glob))
                }
                None => None,
            };
            if ignore.kind.is_none() && ignore.id.is_none() && ignore.arn.is_none() && tag.is_none() {
                return Err(invalid(
                    Location { file: name.to_owned(), line: None, column: None, key: Some(format!("ignore[{i}]")) },
                    "an ignore rule needs at least one of kind, id, arn or tag".to_owned(),
                ));
            }
            self.ignores.push(Ignore {
                kind: ignore.kind.as_ref().map(|g| glob(g, &key("kind"))).transpose()?,
                id: ignore.id.as_ref().map(|g| glob(g, &key("id"))).transpose()?,
                arn: ignore.arn.as_ref().map(|g| glob(g, &key("arn"))).transpose()?,
                tag,
                reason: ignore.reason.unwrap_or_else(|| "ignored by policy".to_owned()),
            });
        }

        for (kind, severity) in file.severity {
            let parsed_kind: FindingKind =
                kind.parse().map_err(|msg| invalid(at(severity.span(), &format!("severity.{kind}")), msg))?;
            let parsed: Severity = severity
                .get_ref()
                .parse()
                .map_err(|msg| invalid(at(severity.span(), &format!("severity.{kind}")), msg))?;
            self.severities.insert(parsed_kind, parsed);
        }

        for (i, rule) in file.ownership.into_iter().enumerate() {
            let key = |field: &str| format!("ownership[{i}].{field}");
            let class = match rule.class.as_ref().map(|c| c.get_ref().as_str()) {
                None | Some("owned") => OwnershipClass::Owned,
                Some("managed-elsewhere") => OwnershipClass::ManagedElsewhere,
                Some("default") => OwnershipClass::Default,
                Some(other) => {
                    let span = rule.class.as_ref().map_or(0..0, Spanned::span);
                    return Err(invalid(
                        at(span, &key("class")),
                        format!("unknown class {other:?} (expected owned, managed-elsewhere or default)"),
                    ));
                }
            };
            let owner = match &rule.owner {
                Some(o) => Some(RelationKind::parse(o.get_ref()).ok_or_else(|| {
                    invalid(at(o.span(), &key("owner")), format!("unknown relation {:?}", o.get_ref()))
                })?),
                None => None,
            };
            self.ownership.push(OwnershipRule {
                why: rule.why,
                kind: rule.kind.as_ref().map(|g| glob(g, &key("kind"))).transpose()?,
                tag: rule.tag.as_ref().map(|g| glob(g, &key("tag"))).transpose()?,
                tag_value: rule.tag_value.as_ref().map(|g| glob(g, &key("tag_value"))).transpose()?,
                attribute: rule.attribute,
                equals: rule.equals.map(toml_to_json),
                matches: rule.matches.as_ref().map(|g| glob(g, &key("matches"))).transpose()?,
                one_of: rule.one_of.map(|values| values.into_iter().map(toml_to_json).collect()),
                class,
                owner,
                owner_kind: rule.owner_kind,
                owner_id: rule.owner_id,
                strip_prefix: rule.strip_prefix,
                owner_label: rule.owner_label,
                owner_must_be_default: rule.owner_must_be_default,
                require_owner: rule.require_owner,
            });
        }

        if let Some(expect) = file.expect {
            for (i, r) in expect.reachable.into_iter().enumerate() {
                let port = u16::try_from(*r.port.get_ref()).ok().filter(|p| *p > 0).ok_or_else(|| {
                    invalid(
                        at(r.port.span(), &format!("expect.reachable[{i}].port")),
                        format!("port {} is not between 1 and 65535", r.port.get_ref()),
                    )
                })?;
                let protocol = match r.protocol.as_ref().map(|p| p.get_ref().to_ascii_lowercase()) {
                    None => "tcp".to_owned(),
                    Some(p) if p == "tcp" || p == "udp" => p,
                    Some(p) => {
                        let span = r.protocol.as_ref().map_or(0..0, Spanned::span);
                        return Err(invalid(
                            at(span, &format!("expect.reachable[{i}].protocol")),
                            format!("unknown protocol {p:?} (expected tcp or udp)"),
                        ));
                    }
                };
                let ephemeral_ports = match &r.ephemeral_ports {
                    None => DEFAULT_EPHEMERAL_PORTS,
                    Some(text) => port_range(text.get_ref()).ok_or_else(|| {
                        invalid(
                            at(text.span(), &format!("expect.reachable[{i}].ephemeral_ports")),
                            format!(
                                "ephemeral_ports {:?} is not a port range LO-HI with 1 <= LO <= HI <= 65535 \
                                 (for example \"1024-65535\")",
                                text.get_ref()
                            ),
                        )
                    })?,
                };
                let location = at(r.from.span(), &format!("expect.reachable[{i}]"));
                let from: super::selector::Selector = r
                    .from
                    .get_ref()
                    .parse()
                    .map_err(|msg| invalid(at(r.from.span(), &format!("expect.reachable[{i}].from")), msg))?;
                let to: super::selector::Selector =
                    r.to.get_ref()
                        .parse()
                        .map_err(|msg| invalid(at(r.to.span(), &format!("expect.reachable[{i}].to")), msg))?;
                self.expectations.push(Expectation {
                    name: r
                        .name
                        .unwrap_or_else(|| format!("{} reaches {} port {port}", r.from.get_ref(), r.to.get_ref())),
                    from,
                    to,
                    port,
                    protocol,
                    ephemeral_ports,
                    location,
                });
            }
        }
        self.files.push(name.to_owned());
        Ok(())
    }
}

fn toml_to_json(value: toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(s) => serde_json::Value::String(s),
        toml::Value::Integer(i) => serde_json::Value::from(i),
        toml::Value::Float(f) => serde_json::Value::from(f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(map) => {
            serde_json::Value::Object(map.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policy_loads() {
        let policy = Policy::builtin();
        assert!(policy.env_tag_keys.contains(&"Environment".to_owned()));
        assert!(!policy.ownership.is_empty());
        assert!(policy.ownership.iter().all(|r| !r.why.is_empty()));
    }

    fn error_of(text: &str) -> String {
        let mut policy = Policy::builtin();
        policy.layer_text("user.toml", text).expect_err("should fail").to_string()
    }

    #[test]
    fn bad_files_name_file_line_and_key() {
        let msg = error_of("[[ignore]]\nkind = \"ec2:volume\"\nbogus = 1\n");
        assert!(msg.starts_with("user.toml:3:"), "{msg}");
        assert!(msg.contains("bogus"), "{msg}");
        let msg = error_of("[severity]\nunmanaged = 3\n");
        assert!(msg.contains("user.toml:2"), "{msg}");
        assert!(msg.contains("unmanaged"), "{msg}");
        let msg = error_of("[[ignore]]\narn = \"arn:aws:ec2:[us\"\n");
        assert!(msg.contains("user.toml:2"), "{msg}");
        assert!(msg.contains("ignore[0].arn"), "{msg}");
        assert!(msg.contains("unclosed"), "{msg}");
        let msg = error_of("[environments.staging]\nstatus = \"gone-ish\"\n");
        assert!(msg.contains("user.toml:2") && msg.contains("environments.staging.status"), "{msg}");
        let msg = error_of("[severity]\nunmanaged = \"loud\"\n");
        assert!(msg.contains("severity.unmanaged"), "{msg}");
        let msg = error_of("[severity]\nbogus-kind = \"info\"\n");
        assert!(msg.contains("unknown finding kind"), "{msg}");
        let msg = error_of("not toml at all [");
        assert!(msg.starts_with("user.toml:1"), "{msg}");
    }

    const REACH: &str =
        "[[expect.reachable]]\nfrom = \"ec2:subnet/subnet-1\"\nto = \"ec2:subnet/subnet-2\"\nport = 443\n";

    #[test]
    fn issue_12_ephemeral_ports_default_and_read() {
        let mut policy = Policy::builtin();
        policy.layer_text("user.toml", REACH).expect("valid");
        assert_eq!(policy.expectations[0].ephemeral_ports, (32768, 65535));
        let mut policy = Policy::builtin();
        policy.layer_text("user.toml", &format!("{REACH}ephemeral_ports = \"1024-65535\"\n")).expect("valid");
        assert_eq!(policy.expectations[0].ephemeral_ports, (1024, 65535));
        let mut policy = Policy::builtin();
        policy.layer_text("user.toml", &format!("{REACH}ephemeral_ports = \" 49152 - 65535 \"\n")).expect("valid");
        assert_eq!(policy.expectations[0].ephemeral_ports, (49152, 65535));
    }

    #[test]
    fn issue_12_bad_ephemeral_ports_name_file_line_and_key() {
        for bad in ["\"65535-1024\"", "\"0-65535\"", "\"1024-70000\"", "\"1024\"", "\"ephemeral\"", "\"\""] {
            let msg = error_of(&format!("{REACH}ephemeral_ports = {bad}\n"));
            assert!(msg.starts_with("user.toml:5"), "{bad}: {msg}");
            assert!(msg.contains("expect.reachable[0].ephemeral_ports"), "{bad}: {msg}");
            assert!(msg.contains("LO-HI"), "{bad}: {msg}");
        }
        let msg = error_of(&format!("{REACH}ephemeral_ports = 1024\n"));
        assert!(msg.starts_with("user.toml:5") && msg.contains("ephemeral_ports"), "{msg}");
    }

    #[test]
    fn shipped_policies_load() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let policy =
            Policy::load(&[dir.join("example.toml"), dir.join("demo.toml")]).expect("the shipped policies load");
        assert_eq!(policy.environments["staging"].status, Some(EnvStatus::Decommissioned));
        assert_eq!(policy.expectations.len(), 3);
        assert!(policy.env_tag_keys.contains(&"team:env".to_owned()));
    }

    #[test]
    fn layers_user_rules() {
        let mut policy = Policy::builtin();
        policy
            .layer_text(
                "user.toml",
                "[environments.staging]\nstatus = \"decommissioned\"\n\n[[ignore]]\ntag = \"Team=platform*\"\nreason = \"platform\"\n\n[severity]\nunmanaged = \"error\"\n",
            )
            .expect("valid");
        assert_eq!(policy.environments["staging"].status, Some(EnvStatus::Decommissioned));
        let tags = crate::model::Tags::from([("Team".to_owned(), "platform-core".to_owned())]);
        assert!(policy.ignored_by("ec2:volume", "vol-1", "arn", &tags).is_some());
        assert_eq!(policy.severity(FindingKind::Unmanaged), Severity::Error);
        assert_eq!(policy.severity(FindingKind::Missing), Severity::Error);
    }
}
