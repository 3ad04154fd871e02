//! gitlab: every Terraform state GitLab manages for one project. The states are listed
//! through GitLab's GraphQL API (`project(fullPath:) { terraformStates { … } }`, asked with
//! GET, a hundred a page) and each is read from the REST address Terraform's http backend
//! uses (`/api/v4/projects/PROJECT/terraform/state/NAME`). GETs only: a state locked by a
//! pipeline is read as it is. The token (scope `read_api`) is `GITLAB_TOKEN`, else
//! `TF_HTTP_PASSWORD`. A state's version is its latest serial.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::Semaphore;

use super::http_client::{Headers, HttpClient, HttpError, bearer};
use super::parse::ParseOptions;
use super::reader::{Stamp, StateSet};
use super::source::percent_encode;
use crate::bounded::Bounded;
use crate::env;
use crate::model::CoverageGap;
use crate::progress::Progress;

/// The service gaps of GitLab reads name.
pub const SERVICE: &str = "gitlab";

/// One GitLab project's states: where its server is and how it is named.
#[derive(Clone, Debug)]
pub struct Project {
    /// `https://host[:port]` (`http://` for `gitlab+http://`).
    pub base: String,
    /// `gitlab://HOST/PROJECT` as given.
    pub shown: String,
    /// The project's full path (`group/sub/project`).
    pub path: String,
}

impl Project {
    pub fn new(secure: bool, host: &str, path: &str) -> Self {
        let scheme = if secure { "https" } else { "http" };
        let prefix = if secure { "gitlab" } else { "gitlab+http" };
        Self { base: format!("{scheme}://{host}"), shown: format!("{prefix}://{host}/{path}"), path: path.to_owned() }
    }

    fn state_name(&self, name: &str) -> String {
        format!("{}/{name}", self.shown)
    }
}

fn headers() -> Headers {
    let token = std::env::var(env::GITLAB_TOKEN)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| std::env::var(env::TF_HTTP_PASSWORD).ok().filter(|t| !t.trim().is_empty()));
    token.as_deref().and_then(bearer).into_iter().collect()
}

/// The query listing a project's states, a page at a time.
const STATES_QUERY: &str = "query($path: ID!, $after: String) { project(fullPath: $path) { \
    terraformStates(first: 100, after: $after) { nodes { name latestVersion { serial } } \
    pageInfo { hasNextPage endCursor } } } }";

/// Pages of states read at most.
const MAX_PAGES: usize = 1_000;

/// The states of a project with their latest serial.
async fn list_states(client: &HttpClient, project: &Project) -> Result<Vec<(String, Option<u64>)>, HttpError> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let variables = json!({"path": project.path, "after": after});
        let url = format!(
            "{}/api/graphql?query={}&variables={}",
            project.base,
            percent_encode(STATES_QUERY),
            percent_encode(&variables.to_string())
        );
        let answer = client.get_json(&url, &headers()).await?;
        if let Some(message) = answer["errors"].as_array().and_then(|e| e.first()).and_then(|e| e["message"].as_str()) {
            return Err(HttpError { detail: format!("GraphQL: {message}"), cause: crate::model::GapCause::Failed });
        }
        let states = &answer["data"]["project"]["terraformStates"];
        if answer["data"]["project"].is_null() {
            return Err(HttpError {
                detail: "no such project, or the token may not see it".to_owned(),
                cause: crate::model::GapCause::Denied,
            });
        }
        for node in states["nodes"].as_array().into_iter().flatten() {
            if let Some(name) = node["name"].as_str() {
                out.push((name.to_owned(), node["latestVersion"]["serial"].as_u64()));
            }
        }
        let info = &states["pageInfo"];
        match info["endCursor"].as_str() {
            Some(cursor) if info["hasNextPage"].as_bool() == Some(true) => after = Some(cursor.to_owned()),
            _ => return Ok(out),
        }
    }
    Ok(out)
}

fn listing_gap(project: &Project, err: &HttpError) -> CoverageGap {
    CoverageGap {
        service: SERVICE.to_owned(),
        account: None,
        region: None,
        operation: "ListTerraformStates".to_owned(),
        error: format!("cannot list the Terraform states of {} at {}: {}", project.path, project.base, err.detail),
        cause: err.cause,
        object: Some(project.shown.clone()),
        kinds: Vec::new(),
    }
}

fn stamp(serial: Option<u64>) -> Stamp {
    Stamp { size: 0, etag: serial.map(|s| format!("serial {s}")), modified: None }
}

/// Reads every state of a project.
pub async fn read(
    client: &HttpClient,
    project: &Project,
    options: &ParseOptions,
    limit: &Arc<Semaphore>,
    progress: &Arc<dyn Progress>,
) -> StateSet {
    let mut set = StateSet::default();
    let states = match list_states(client, project).await {
        Ok(states) => states,
        Err(err) => {
            set.gaps.push(listing_gap(project, &err));
            return set;
        }
    };
    let listed = set.listed.entry(String::new()).or_default();
    let mut tasks = Bounded::new();
    for (state, serial) in states {
        let name = project.state_name(&state);
        listed.insert(name.clone(), stamp(serial));
        let url = format!(
            "{}/api/v4/projects/{}/terraform/state/{}",
            project.base,
            percent_encode(&project.path),
            percent_encode(&state)
        );
        let (client, options, progress) = (client.clone(), options.clone(), progress.clone());
        let task_name = name.clone();
        tasks.spawn((name, state), limit, async move {
            let result = async {
                let response = client.get(&url, &headers()).await.map_err(|err| err.for_state(&task_name))?;
                client.parse_state(response, &task_name, &options, true).await.map(|(parsed, _)| parsed)
            }
            .await;
            progress.state_read(&task_name);
            result
        });
    }
    for ((name, state), outcome) in tasks.join_all().await {
        set.take(name, &state, outcome, (SERVICE, "GetState"));
    }
    set
}

/// The states of a project with their serials, listed without reading one: what tells
/// whether a state index is still current.
pub async fn list(client: &HttpClient, project: &Project) -> Result<BTreeMap<String, Stamp>, Box<CoverageGap>> {
    let states = list_states(client, project).await.map_err(|err| Box::new(listing_gap(project, &err)))?;
    Ok(states.into_iter().map(|(state, serial)| (project.state_name(&state), stamp(serial))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_33_names_a_projects_states_under_it() {
        let project = Project::new(true, "gitlab.example.com", "acme/infra");
        assert_eq!(project.base, "https://gitlab.example.com");
        assert_eq!(project.state_name("production"), "gitlab://gitlab.example.com/acme/infra/production");
        let plain = Project::new(false, "127.0.0.1:8080", "acme/infra");
        assert_eq!(plain.base, "http://127.0.0.1:8080");
        assert_eq!(plain.shown, "gitlab+http://127.0.0.1:8080/acme/infra");
    }
}
