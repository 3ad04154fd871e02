//! backends: state servers outside AWS, answered in the test harness in each API's
//! documented shape: Terraform's http backend (a GET of the address returns the state,
//! basic auth), GitLab (the GraphQL listing of a project's Terraform states, asked with
//! GET, and the REST state address) and the Terraform Cloud API v2 (JSON:API pages of
//! workspaces with `meta.pagination`, `current-state-version` with its
//! `hosted-state-download-url`, 401 for a bad token, 429 with `Retry-After`). Every request
//! is recorded, so a test can check that only GETs were made.
#![allow(dead_code, clippy::missing_panics_doc, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The path with its query, as sent.
    pub target: String,
    pub headers: BTreeMap<String, String>,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// A query parameter, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k) == name).then(|| decode(v))
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

/// Percent-decoding (`+` is kept: the client encodes spaces as `%20`).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// An answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self { status, headers: Vec::new(), body: body.into() }
    }

    pub fn json(status: u16, value: &Value) -> Self {
        Self::new(status, value.to_string()).with("Content-Type", "application/vnd.api+json")
    }

    #[must_use]
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

type Handler = Arc<dyn Fn(&Request, &str) -> Reply + Send + Sync>;

/// A server on a free loopback port, answering each request with its handler (given the
/// request and the server's own address), stopped when dropped.
pub struct Server {
    pub address: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request, &str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Handler = Arc::new(handler);
        {
            let (requests, stop, address) = (requests.clone(), stop.clone(), address.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (handler, requests, address) = (handler.clone(), requests.clone(), address.clone());
                    std::thread::spawn(move || serve(stream, &handler, &requests, &address));
                }
            });
        }
        Self { address, requests, stop }
    }

    /// The methods of every request so far.
    pub fn methods(&self) -> Vec<String> {
        self.requests.lock().unwrap().iter().map(|r| r.method.clone()).collect()
    }

    pub fn paths(&self) -> Vec<String> {
        self.requests.lock().unwrap().iter().map(|r| r.path().to_owned()).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so it sees the flag.
        let _ = TcpStream::connect(self.address.trim_start_matches("http://"));
    }
}

fn serve(stream: TcpStream, handler: &Handler, requests: &Mutex<Vec<Request>>, address: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else { return };
        let mut headers = BTreeMap::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        if let Some(length) = headers.get("content-length").and_then(|l| l.parse::<usize>().ok()) {
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
        }
        let request = Request { method: method.to_owned(), target: target.to_owned(), headers };
        requests.lock().unwrap().push(request.clone());
        let reply = handler(&request, address);
        let mut head =
            format!("HTTP/1.1 {} {}\r\nContent-Length: {}\r\n", reply.status, reason(reply.status), reply.body.len());
        for (k, v) in &reply.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(&reply.body)).is_err() {
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    }
}

/// `Basic …` for a user and password (what the server expects to see).
pub fn basic(user: &str, password: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("{user}:{password}").into_bytes();
    let mut out = String::from("Basic ");
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for i in 0..4 {
            out.push(if i <= chunk.len() { char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]) } else { '=' });
        }
    }
    out
}

/// Terraform's http backend: `GET /PATH` answers the state stored at PATH; basic auth
/// required; 404 for a path that holds none.
pub fn http_backend(states: BTreeMap<String, Vec<u8>>, user: &str, password: &str) -> Server {
    let expected = basic(user, password);
    Server::start(move |request, _| {
        if request.header("authorization") != Some(expected.as_str()) {
            return Reply::new(401, "Unauthorized").with("WWW-Authenticate", "Basic realm=\"state\"");
        }
        match states.get(request.path().trim_start_matches('/')) {
            Some(state) if request.method == "GET" => {
                Reply::new(200, state.clone()).with("Content-Type", "application/json")
            }
            Some(_) => Reply::new(405, "only GET"),
            None => Reply::new(404, "Not Found"),
        }
    })
}

/// GitLab: `GET /api/graphql` lists a project's states (a page of two, with a cursor) and
/// `GET /api/v4/projects/PATH/terraform/state/NAME` reads one; `PRIVATE-TOKEN` or a
/// bearer token required.
pub fn gitlab(project: &str, states: BTreeMap<String, Vec<u8>>, token: &str) -> Server {
    let (project, token) = (project.to_owned(), token.to_owned());
    Server::start(move |request, _| {
        let bearer = format!("Bearer {token}");
        let authorized = request.header("authorization") == Some(bearer.as_str())
            || request.header("private-token") == Some(token.as_str());
        if !authorized {
            return Reply::json(401, &json!({"message": "401 Unauthorized"}));
        }
        if request.path() == "/api/graphql" {
            let variables: Value = serde_json::from_str(&request.query("variables").unwrap_or_default()).unwrap();
            if variables["path"] != project.as_str() {
                return Reply::json(200, &json!({"data": {"project": null}}));
            }
            let names: Vec<&String> = states.keys().collect();
            let start = variables["after"].as_str().map_or(0, |c| c.parse::<usize>().unwrap());
            let page: Vec<Value> =
                names.iter().skip(start).take(2).map(|n| json!({"name": n, "latestVersion": {"serial": 1}})).collect();
            let next = start + 2;
            return Reply::json(
                200,
                &json!({"data": {"project": {"terraformStates": {
                    "nodes": page,
                    "pageInfo": {"hasNextPage": next < names.len(), "endCursor": next.to_string()}}}}}),
            );
        }
        let prefix = format!("/api/v4/projects/{}/terraform/state/", project.replace('/', "%2F"));
        match request.path().strip_prefix(&prefix).and_then(|name| states.get(&decode(name))) {
            Some(state) => Reply::new(200, state.clone()),
            None => Reply::json(404, &json!({"message": "404 Not Found"})),
        }
    })
}

/// What a fake Terraform Cloud workspace answers for its current state version.
#[derive(Clone, Debug)]
pub enum Version {
    /// Its state.
    State(Vec<u8>),
    /// No state yet (the listing says so).
    None,
    /// 429 with `Retry-After: 1` the first time, then its state.
    ThrottledOnce(Vec<u8>),
    /// 429 with `Retry-After: 3600`, always.
    Throttled,
}

/// One workspace of a fake organization.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub name: String,
    pub tags: Vec<String>,
    pub project: Option<String>,
    pub version: Version,
}

impl Workspace {
    pub fn new(name: &str, tags: &[&str], version: Version) -> Self {
        Self { name: name.to_owned(), tags: tags.iter().map(|t| (*t).to_owned()).collect(), project: None, version }
    }

    #[must_use]
    pub fn in_project(mut self, project: &str) -> Self {
        self.project = Some(project.to_owned());
        self
    }
}

/// The Terraform Cloud API v2 for one organization: workspaces listed `page_size` a page
/// (whatever the client asks), each with its project included, tags and current state
/// version; state versions; downloads. A bearer `token` is required (401 otherwise, as
/// for an expired token).
pub fn tfc(organization: &str, workspaces: Vec<Workspace>, token: &str, page_size: usize) -> Server {
    let (organization, token) = (organization.to_owned(), token.to_owned());
    let throttled = Arc::new(Mutex::new(BTreeMap::<String, bool>::new()));
    Server::start(move |request, address| {
        if request.header("authorization") != Some(format!("Bearer {token}").as_str()) {
            return Reply::json(401, &json!({"errors": [{"status": "401", "title": "unauthorized"}]}));
        }
        let path = request.path();
        if path == format!("/api/v2/organizations/{organization}/workspaces") {
            let page: usize = request.query("page[number]").map_or(1, |p| p.parse().unwrap());
            let total_pages = workspaces.len().div_ceil(page_size).max(1);
            let data: Vec<Value> = workspaces
                .iter()
                .enumerate()
                .skip((page - 1) * page_size)
                .take(page_size)
                .map(|(n, w)| {
                    let state = match &w.version {
                        Version::None => Value::Null,
                        _ => json!({"id": format!("sv-{n}"), "type": "state-versions"}),
                    };
                    let mut relationships = json!({
                        "organization": {"data": {"id": organization, "type": "organizations"}},
                        "current-state-version": {"data": state,
                            "links": {"related": format!("/api/v2/workspaces/ws-{n}/current-state-version")}},
                    });
                    if let Some(project) = &w.project {
                        relationships["project"] =
                            json!({"data": {"id": format!("prj-{project}"), "type": "projects"}});
                    }
                    json!({"id": format!("ws-{n}"), "type": "workspaces",
                           "attributes": {"name": w.name, "tag-names": w.tags, "locked": n % 2 == 0},
                           "relationships": relationships})
                })
                .collect();
            let included: Vec<Value> = workspaces
                .iter()
                .filter_map(|w| w.project.clone())
                .map(|p| json!({"id": format!("prj-{p}"), "type": "projects", "attributes": {"name": p}}))
                .collect();
            let next = if page < total_pages { json!(page + 1) } else { Value::Null };
            return Reply::json(
                200,
                &json!({"data": data, "included": included,
                        "links": {"self": request.target, "next": Value::Null},
                        "meta": {"pagination": {"current-page": page, "page-size": page_size,
                                 "prev-page": if page > 1 { json!(page - 1) } else { Value::Null },
                                 "next-page": next, "total-pages": total_pages,
                                 "total-count": workspaces.len()}}}),
            );
        }
        let workspace = |id: &str| -> Option<(usize, &Workspace)> {
            let n: usize = id.strip_prefix("ws-")?.parse().ok()?;
            workspaces.get(n).map(|w| (n, w))
        };
        if let Some(id) =
            path.strip_prefix("/api/v2/workspaces/").and_then(|p| p.strip_suffix("/current-state-version"))
        {
            let Some((n, w)) = workspace(id) else { return Reply::json(404, &json!({"errors": [{"status": "404"}]})) };
            let answer = || {
                Reply::json(
                    200,
                    &json!({"data": {"id": format!("sv-{n}"), "type": "state-versions",
                        "attributes": {"serial": 1, "size": 100, "resources-processed": true,
                            "hosted-state-download-url": format!("{address}/api/state-versions/sv-{n}/hosted_state"),
                            "hosted-json-state-download-url": null},
                        "relationships": {}}}),
                )
            };
            return match &w.version {
                Version::None => Reply::json(404, &json!({"errors": [{"status": "404", "title": "not found"}]})),
                Version::Throttled => {
                    Reply::json(429, &json!({"errors": [{"status": "429", "title": "Too many requests"}]}))
                        .with("Retry-After", "3600")
                }
                Version::ThrottledOnce(_) => {
                    let mut seen = throttled.lock().unwrap();
                    if seen.insert(w.name.clone(), true).is_none() {
                        Reply::json(429, &json!({"errors": [{"status": "429", "title": "Too many requests"}]}))
                            .with("Retry-After", "1")
                    } else {
                        answer()
                    }
                }
                Version::State(_) => answer(),
            };
        }
        if let Some(id) = path.strip_prefix("/api/state-versions/sv-").and_then(|p| p.strip_suffix("/hosted_state")) {
            let state = workspaces.get(id.parse::<usize>().unwrap()).and_then(|w| match &w.version {
                Version::State(s) | Version::ThrottledOnce(s) => Some(s.clone()),
                _ => None,
            });
            return state.map_or_else(|| Reply::new(404, "no such state version"), |s| Reply::new(200, s));
        }
        Reply::json(404, &json!({"errors": [{"status": "404", "title": "not found"}]}))
    })
}
