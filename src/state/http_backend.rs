//! `http_backend`: a state served by Terraform's `http` backend, read with one GET of its
//! address, as `terraform` reads it (never its lock address, never a POST or a lock).
//! Credentials as that backend takes them: the user and password written into the
//! address, else `TF_HTTP_USERNAME`/`TF_HTTP_PASSWORD` (basic auth, sent when a user is
//! set), and the headers of `LEFTOVER_HTTP_HEADERS`. GitLab's documented address
//! (`/api/v4/projects/ID/terraform/state/NAME`) is read the same way. A state's version is
//! its serial and lineage: a state index is checked by reading it again.

use std::collections::BTreeMap;

use super::http_client::{Headers, HttpClient, basic_auth, header_of};
use super::parse::{ParseOptions, Parsed};
use super::reader::{Stamp, StateSet, gap_of};
use super::source::HttpAddress;
use super::state_error::StateError;
use crate::env;
use crate::model::CoverageGap;

/// The service and operation gaps of http backend reads name.
pub const OPERATION: (&str, &str) = ("http", "GET");

/// The headers a GET of `address` carries: basic auth, then `LEFTOVER_HTTP_HEADERS`.
pub fn headers_for(address: &HttpAddress) -> Result<Headers, String> {
    let mut headers = Headers::new();
    let basic = address.credentials.clone().or_else(|| {
        let user = std::env::var(env::TF_HTTP_USERNAME).ok().filter(|u| !u.is_empty())?;
        Some((user, std::env::var(env::TF_HTTP_PASSWORD).unwrap_or_default()))
    });
    if let Some((user, password)) = basic {
        headers.push(basic_auth(&user, &password).ok_or("the user or password cannot be sent in a header")?);
    }
    headers.extend(extra_headers()?);
    Ok(headers)
}

/// The headers of `LEFTOVER_HTTP_HEADERS`, one `Name: value` a line.
fn extra_headers() -> Result<Headers, String> {
    let Ok(text) = std::env::var(env::LEFTOVER_HTTP_HEADERS) else { return Ok(Headers::new()) };
    let mut headers = Headers::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let header = line.split_once(':').and_then(|(name, value)| header_of(name, value));
        // The line is not shown: it may hold a token.
        headers.push(header.ok_or_else(|| {
            format!("{} line {}: not a header (expected `Name: value`)", env::LEFTOVER_HTTP_HEADERS, n + 1)
        })?);
    }
    Ok(headers)
}

/// The version of a state as read: its serial and lineage, and its size.
pub fn stamp_of(parsed: &Parsed, size: u64) -> Stamp {
    let etag = match parsed {
        Parsed::State(file) => {
            Some(format!("serial {} lineage {}", file.serial, file.lineage.as_deref().unwrap_or("-")))
        }
        Parsed::NotState => None,
    };
    Stamp { size, etag, modified: None }
}

/// Reads the state at one address.
pub async fn read(client: &HttpClient, address: &HttpAddress, options: &ParseOptions) -> StateSet {
    let name = address.url.clone();
    let mut set = StateSet::default();
    let outcome = fetch(client, address, options).await;
    let listed = set.listed.entry(String::new()).or_default();
    let outcome = outcome.map(|(parsed, stamp)| {
        listed.insert(name.clone(), stamp);
        parsed
    });
    set.take(name, &address.key(), Ok(outcome), OPERATION);
    set
}

/// GETs and parses the state at `address`, with its version.
async fn fetch(
    client: &HttpClient,
    address: &HttpAddress,
    options: &ParseOptions,
) -> Result<(Parsed, Stamp), StateError> {
    let name = &address.url;
    let headers = headers_for(address).map_err(|detail| StateError::failed(name, detail))?;
    let response = client.get(&address.url, &headers).await.map_err(|err| err.for_state(name))?;
    let (parsed, size) = client.parse_state(response, name, options, true).await?;
    let stamp = stamp_of(&parsed, size);
    Ok((parsed, stamp))
}

/// The version of the state at `address`, read again: what tells whether a state index is
/// still current.
pub async fn list(
    client: &HttpClient,
    address: &HttpAddress,
    options: &ParseOptions,
) -> Result<BTreeMap<String, Stamp>, Box<CoverageGap>> {
    match fetch(client, address, options).await {
        Ok((_, stamp)) => Ok(BTreeMap::from([(address.url.clone(), stamp)])),
        Err(err) => Err(Box::new(gap_of(&err, OPERATION.0, OPERATION.1))),
    }
}
