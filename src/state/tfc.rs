//! tfc: the current state of Terraform Cloud / Enterprise (HCP Terraform) workspaces,
//! through API v2: an organization's workspaces page by page
//! (`/api/v2/organizations/ORG/workspaces`, with their projects and tags), each one's
//! current state version (`/api/v2/workspaces/ID/current-state-version`) and its
//! `hosted-state-download-url`. GETs only: a workspace locked by a run is read as it is,
//! never locked. The token is the Terraform CLI's: `TF_TOKEN_<host>`, else
//! `~/.terraform.d/credentials.tfrc.json`. A state's version is its state version id.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Semaphore;

use super::http_client::{Headers, HttpClient, HttpError, authority, bearer, resolve};
use super::parse::{ParseOptions, Parsed};
use super::reader::{Skipped, Stamp, StateSet};
use super::state_error::StateError;
use crate::bounded::Bounded;
use crate::env;
use crate::model::{CoverageGap, GapCause};
use crate::policy::Glob;
use crate::progress::Progress;

/// The service gaps of Terraform Cloud reads name.
pub const SERVICE: &str = "tfc";

/// Terraform Cloud's own host.
pub const DEFAULT_HOST: &str = "app.terraform.io";

/// Where the API is and the token it takes.
#[derive(Clone)]
pub struct TfcApi {
    /// `scheme://host[:port]`.
    pub base: String,
    /// The host the token is for.
    pub host: String,
    token: Option<String>,
}

impl std::fmt::Debug for TfcApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TfcApi").field("base", &self.base).field("host", &self.host).finish_non_exhaustive()
    }
}

impl TfcApi {
    /// The API as the environment names it: `TF_CLOUD_HOSTNAME` (else `app.terraform.io`),
    /// reached at `LEFTOVER_TFC_ADDRESS` when set, with the CLI's token for the host.
    pub fn from_env() -> Self {
        let named = std::env::var(env::TF_CLOUD_HOSTNAME).ok().filter(|h| !h.trim().is_empty());
        let address = std::env::var(env::LEFTOVER_TFC_ADDRESS).ok().filter(|a| !a.trim().is_empty());
        let base = match (&address, &named) {
            (Some(address), _) => address.trim().trim_end_matches('/').to_owned(),
            (None, Some(host)) => format!("https://{}", host.trim()),
            (None, None) => format!("https://{DEFAULT_HOST}"),
        };
        let host = named.map_or_else(|| host_of(&base), |h| h.trim().to_owned());
        let token = token_from_env(&host, std::env::vars_os()).or_else(|| token_from_file(&host));
        Self { base, host, token }
    }

    fn headers(&self) -> Headers {
        let mut headers: Headers = self.token.as_deref().and_then(bearer).into_iter().collect();
        headers.extend(super::http_client::header_of("accept", "application/vnd.api+json"));
        headers
    }

    /// What to add to a refusal: where the token comes from.
    fn hint(&self, err: &HttpError) -> String {
        if err.cause != GapCause::Denied {
            return String::new();
        }
        if self.token.is_some() {
            format!(" (the token for {} may have expired, or lacks read access to it)", self.host)
        } else {
            format!(
                " (no token for {}: set {}{} or run `terraform login {}`)",
                self.host,
                env::TF_TOKEN_PREFIX,
                env_name_of(&self.host),
                self.host
            )
        }
    }
}

/// The host of an API address, without its port.
fn host_of(base: &str) -> String {
    let Some(authority) = authority(base) else { return DEFAULT_HOST.to_owned() };
    match authority.rsplit_once(':') {
        Some((host, port)) if port.parse::<u16>().is_ok() => host.to_owned(),
        _ => authority,
    }
}

/// Terraform's environment variable name for a host's token: dots as `_`, hyphens as `__`.
pub fn env_name_of(host: &str) -> String {
    host.replace('-', "__").replace('.', "_")
}

/// The token `TF_TOKEN_<host>` gives for `host` (the name decoded as Terraform does:
/// `__` is a hyphen, `_` a dot; hosts compared without case).
fn token_from_env(host: &str, vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>) -> Option<String> {
    let wanted = host.to_ascii_lowercase();
    vars.filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(_, v)| !v.trim().is_empty())
        .find(|(k, _)| {
            k.strip_prefix(env::TF_TOKEN_PREFIX)
                .is_some_and(|name| name.replace("__", "-").replace('_', ".").to_ascii_lowercase() == wanted)
        })
        .map(|(_, v)| v.trim().to_owned())
}

/// The token `terraform login` saved for `host` in `~/.terraform.d/credentials.tfrc.json`.
fn token_from_file(host: &str) -> Option<String> {
    let path = PathBuf::from(std::env::var_os(env::HOME)?).join(".terraform.d").join("credentials.tfrc.json");
    let text = std::fs::read_to_string(path).ok()?;
    token_in_credentials(&text, host)
}

fn token_in_credentials(text: &str, host: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let credentials = value.get("credentials")?.as_object()?;
    credentials
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(host))
        .and_then(|(_, c)| c.get("token")?.as_str().map(str::to_owned))
}

/// One workspace as its listing gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub tags: Vec<String>,
    pub project: Option<String>,
    pub state_version: StateVersion,
}

/// A workspace's current state version, as its listing gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateVersion {
    Current(String),
    /// It has no state yet.
    Missing,
    /// The listing does not say (the version is asked for).
    Unknown,
}

/// The workspaces of one page, and the number of the next page.
fn parse_page(page: &Value) -> (Vec<Workspace>, Option<u64>) {
    let projects: BTreeMap<&str, &str> = page["included"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["type"] == "projects")
        .filter_map(|i| Some((i["id"].as_str()?, i["attributes"]["name"].as_str()?)))
        .collect();
    let workspaces = page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| {
            let relationships = &w["relationships"];
            let state_version = match relationships.get("current-state-version") {
                None => StateVersion::Unknown,
                Some(r) => {
                    r["data"]["id"].as_str().map_or(StateVersion::Missing, |id| StateVersion::Current(id.to_owned()))
                }
            };
            Some(Workspace {
                id: w["id"].as_str()?.to_owned(),
                name: w["attributes"]["name"].as_str()?.to_owned(),
                tags: w["attributes"]["tag-names"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
                project: relationships["project"]["data"]["id"]
                    .as_str()
                    .and_then(|id| projects.get(id))
                    .map(|name| (*name).to_owned()),
                state_version,
            })
        })
        .collect();
    let next = page["meta"]["pagination"]["next-page"].as_u64();
    (workspaces, next)
}

/// Pages of workspaces read at most: 100 workspaces a page.
const MAX_PAGES: u64 = 10_000;

/// The workspaces of `organization` whose name matches `pattern` (all without one).
async fn list_workspaces(
    client: &HttpClient,
    api: &TfcApi,
    organization: &str,
    pattern: Option<&Glob>,
) -> Result<Vec<Workspace>, HttpError> {
    let org = super::source::percent_encode(organization);
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let url = format!(
            "{}/api/v2/organizations/{org}/workspaces?include=project&page%5Bsize%5D=100&page%5Bnumber%5D={page}",
            api.base
        );
        let answer = client.get_json(&url, &api.headers()).await?;
        let (workspaces, next) = parse_page(&answer);
        out.extend(workspaces.into_iter().filter(|w| pattern.is_none_or(|p| p.matches(&w.name))));
        match next {
            Some(next) if next > page && next <= MAX_PAGES => page = next,
            _ => break,
        }
    }
    Ok(out)
}

/// A workspace's current state version: its id and the URL its state downloads from.
async fn current_state_version(
    client: &HttpClient,
    api: &TfcApi,
    workspace: &Workspace,
) -> Result<(String, Option<String>), HttpError> {
    let url = format!("{}/api/v2/workspaces/{}/current-state-version", api.base, workspace.id);
    let answer = client.get_json(&url, &api.headers()).await?;
    let id = answer["data"]["id"].as_str().unwrap_or_default().to_owned();
    let download = answer["data"]["attributes"]["hosted-state-download-url"].as_str().map(str::to_owned);
    Ok((id, download))
}

/// The name of a workspace's state.
fn state_name(organization: &str, workspace: &str) -> String {
    format!("tfc://{organization}/{workspace}")
}

/// Workspaces of one organization read at once (two requests each): Terraform Cloud allows
/// 30 requests a second per token and answers more with 429s, which cost waits.
const WORKSPACES_AT_ONCE: usize = 8;

/// Reads the current state of every workspace of `organization` matching `pattern`.
pub async fn read(
    client: &HttpClient,
    organization: &str,
    pattern: Option<&str>,
    options: &ParseOptions,
    limit: &Arc<Semaphore>,
    progress: &Arc<dyn Progress>,
) -> StateSet {
    let shown = pattern.map_or_else(|| format!("tfc://{organization}"), |p| state_name(organization, p));
    let api = TfcApi::from_env();
    let mut set = StateSet::default();
    let workspaces = match listing(client, &api, organization, pattern).await {
        Ok(workspaces) => workspaces,
        Err(detail_cause) => {
            set.gaps.push(listing_gap(&shown, detail_cause));
            return set;
        }
    };
    let listed = set.listed.entry(String::new()).or_default();
    let mut tasks = Bounded::new();
    let at_once = Arc::new(Semaphore::new(WORKSPACES_AT_ONCE));
    for workspace in workspaces {
        let name = state_name(organization, &workspace.name);
        if workspace.state_version == StateVersion::Missing {
            set.skipped.push(Skipped { object: name, reason: "workspace without a state".to_owned() });
            continue;
        }
        if let StateVersion::Current(version) = &workspace.state_version {
            listed.insert(name.clone(), Stamp { size: 0, etag: Some(version.clone()), modified: None });
        }
        let (client, api, options, progress) = (client.clone(), api.clone(), options.clone(), progress.clone());
        let (task_name, limit) = (name.clone(), limit.clone());
        // A workspace's turn among this organization's first, then among every state read.
        tasks.spawn((name, workspace.clone()), &at_once, async move {
            let _turn = limit.acquire().await;
            let result = read_workspace(&client, &api, &workspace, &task_name, &options).await;
            progress.state_read(&task_name);
            result
        });
    }
    for ((name, workspace), outcome) in tasks.join_all().await {
        let outcome = outcome.map(|result| match result {
            Ok(Some((Parsed::State(mut file), version))) => {
                file.labels.clone_from(&workspace.tags);
                file.project.clone_from(&workspace.project);
                set.listed
                    .entry(String::new())
                    .or_default()
                    .insert(name.clone(), Stamp { size: 0, etag: Some(version), modified: None });
                Ok(Parsed::State(file))
            }
            Ok(Some((parsed, _))) => Ok(parsed),
            Ok(None) => Ok(Parsed::NotState),
            Err(err) => Err(err),
        });
        if matches!(outcome, Ok(Ok(Parsed::NotState))) {
            set.skipped.push(Skipped { object: name, reason: "workspace without a state".to_owned() });
            continue;
        }
        let operation = match &outcome {
            Ok(Err(StateError::Read { detail, .. })) if detail.starts_with(VERSION_FAILED) => "GetCurrentStateVersion",
            _ => "GetState",
        };
        set.take(name, &workspace.name, outcome, (SERVICE, operation));
    }
    set
}

/// The start of the detail of an error asking for the current state version.
const VERSION_FAILED: &str = "current state version: ";

/// Reads one workspace's current state: what its download holds and the state version it
/// is, or `None` when it has no state yet.
async fn read_workspace(
    client: &HttpClient,
    api: &TfcApi,
    workspace: &Workspace,
    name: &str,
    options: &ParseOptions,
) -> Result<Option<(Parsed, String)>, StateError> {
    let version = current_state_version(client, api, workspace).await;
    let (version, download) = match version {
        Ok(found) => found,
        // A workspace the listing did not describe, without a state.
        Err(err) if workspace.state_version == StateVersion::Unknown && err.detail.starts_with("404") => {
            return Ok(None);
        }
        Err(err) => {
            let hint = api.hint(&err);
            return Err(StateError::Read {
                source_name: name.to_owned(),
                detail: format!("{VERSION_FAILED}{}{hint}", err.detail),
                cause: err.cause,
            });
        }
    };
    let Some(download) = download else {
        return Err(StateError::failed(
            name,
            format!("state version {version} has no hosted-state-download-url (still being uploaded?)"),
        ));
    };
    let download = resolve(&format!("{}/", api.base), &download);
    // The token goes to the API's own host only: a download elsewhere is a signed URL.
    let headers = if authority(&download) == authority(&api.base) { api.headers() } else { Headers::new() };
    let response = client.get(&download, &headers).await.map_err(|err| {
        let hint = api.hint(&err);
        StateError::Read {
            source_name: name.to_owned(),
            detail: format!("download: {}{hint}", err.detail),
            cause: err.cause,
        }
    })?;
    let (parsed, _) = client.parse_state(response, name, options, true).await?;
    Ok(Some((parsed, version)))
}

/// The workspaces a source names, or why they cannot be listed.
async fn listing(
    client: &HttpClient,
    api: &TfcApi,
    organization: &str,
    pattern: Option<&str>,
) -> Result<Vec<Workspace>, (String, GapCause)> {
    let glob = match pattern.map(Glob::new).transpose() {
        Ok(glob) => glob,
        Err(err) => return Err((format!("invalid workspace pattern: {err}"), GapCause::Failed)),
    };
    list_workspaces(client, api, organization, glob.as_ref()).await.map_err(|err| {
        let hint = api.hint(&err);
        (format!("cannot list the workspaces of {organization} at {}: {}{hint}", api.base, err.detail), err.cause)
    })
}

fn listing_gap(shown: &str, (error, cause): (String, GapCause)) -> CoverageGap {
    CoverageGap {
        service: SERVICE.to_owned(),
        account: None,
        region: None,
        operation: "ListWorkspaces".to_owned(),
        error,
        cause,
        object: Some(shown.to_owned()),
        kinds: Vec::new(),
    }
}

/// The state versions of the workspaces a source names, listed without reading a state:
/// what tells whether a state index is still current.
pub async fn list(
    client: &HttpClient,
    organization: &str,
    pattern: Option<&str>,
) -> Result<BTreeMap<String, Stamp>, Box<CoverageGap>> {
    let shown = pattern.map_or_else(|| format!("tfc://{organization}"), |p| state_name(organization, p));
    let api = TfcApi::from_env();
    let workspaces =
        listing(client, &api, organization, pattern).await.map_err(|e| Box::new(listing_gap(&shown, e)))?;
    let mut out = BTreeMap::new();
    for workspace in workspaces {
        let version = match workspace.state_version.clone() {
            StateVersion::Current(version) => Some(version),
            StateVersion::Missing => None,
            StateVersion::Unknown => current_state_version(client, &api, &workspace).await.ok().map(|(id, _)| id),
        };
        if let Some(version) = version {
            out.insert(
                state_name(organization, &workspace.name),
                Stamp { size: 0, etag: Some(version), modified: None },
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn issue_33_reads_tokens_as_terraform_names_them() {
        let vars = |pairs: &[(&str, &str)]| {
            pairs.iter().map(|(k, v)| (std::ffi::OsString::from(k), std::ffi::OsString::from(v))).collect::<Vec<_>>()
        };
        let set = vars(&[("TF_TOKEN_app_terraform_io", "a"), ("TF_TOKEN_tfe_my__corp_example_com", "b")]);
        assert_eq!(token_from_env("app.terraform.io", set.clone().into_iter()).as_deref(), Some("a"));
        assert_eq!(token_from_env("tfe.my-corp.example.com", set.clone().into_iter()).as_deref(), Some("b"));
        assert_eq!(token_from_env("other.example.com", set.into_iter()), None);
        assert_eq!(env_name_of("tfe.my-corp.example.com"), "tfe_my__corp_example_com");
        let file = r#"{"credentials": {"app.terraform.io": {"token": "from-login"}}}"#;
        assert_eq!(token_in_credentials(file, "app.terraform.io").as_deref(), Some("from-login"));
        assert_eq!(token_in_credentials(file, "tfe.example.com"), None);
    }

    #[test]
    fn issue_33_reads_a_page_of_workspaces_with_projects_tags_and_state_versions() {
        let page = json!({
            "data": [
                {"id": "ws-1", "type": "workspaces",
                 "attributes": {"name": "network-prod", "tag-names": ["env:prod", "team:net"]},
                 "relationships": {
                     "project": {"data": {"id": "prj-1", "type": "projects"}},
                     "current-state-version": {"data": {"id": "sv-1", "type": "state-versions"}}}},
                {"id": "ws-2", "type": "workspaces",
                 "attributes": {"name": "empty", "tag-names": []},
                 "relationships": {"current-state-version": {"data": null}}},
                {"id": "ws-3", "type": "workspaces", "attributes": {"name": "older"}, "relationships": {}}
            ],
            "included": [{"id": "prj-1", "type": "projects", "attributes": {"name": "Networking"}}],
            "links": {"next": "https://app.terraform.io/api/v2/organizations/acme/workspaces?page%5Bnumber%5D=2"},
            "meta": {"pagination": {"current-page": 1, "next-page": 2, "total-pages": 2}}
        });
        let (workspaces, next) = parse_page(&page);
        assert_eq!(next, Some(2));
        assert_eq!(workspaces[0].tags, vec!["env:prod", "team:net"]);
        assert_eq!(workspaces[0].project.as_deref(), Some("Networking"));
        assert_eq!(workspaces[0].state_version, StateVersion::Current("sv-1".to_owned()));
        assert_eq!(workspaces[1].state_version, StateVersion::Missing);
        assert_eq!(workspaces[2].state_version, StateVersion::Unknown);
        assert_eq!(parse_page(&json!({"data": [], "meta": {"pagination": {"next-page": null}}})).1, None);
    }
}
