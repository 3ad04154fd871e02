//! `http_client`: the HTTP client the state readers share for Terraform's http backend,
//! GitLab and Terraform Cloud. It only GETs (never a lock, never a write); every wait has a
//! timeout; a 429 (or a passing 502/503/504) is retried after the time the server names
//! (`Retry-After`, Terraform Cloud's `X-RateLimit-Reset`); redirects are followed, without
//! the caller's headers when they lead to another host. A failure says whether it was
//! refused, throttled or timed out. Headers are never logged: they carry credentials.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::parse::{self, ParseOptions, Parsed};
use super::reader::{ChunkReader, PARSED_IN_PLACE};
use super::state_error::StateError;
use crate::model::GapCause;

/// Headers of one request, sent only to the host it is made to.
pub type Headers = Vec<(HeaderName, HeaderValue)>;

/// How long the client waits, and how often it tries.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// The longest wait for a connection, for an answer's head, and between two pieces of
    /// its body.
    pub timeout: Duration,
    /// The longest wait a throttled answer may ask for and be honoured; one asking for more
    /// is a gap at once.
    pub max_wait: Duration,
    /// Attempts at a request that is throttled or meets a passing server error.
    pub attempts: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(30), max_wait: Duration::from_secs(60), attempts: 8 }
    }
}

/// Why a GET failed: what happened, in words, and the kind of failure.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{detail}")]
pub struct HttpError {
    pub detail: String,
    pub cause: GapCause,
}

impl HttpError {
    fn failed(detail: impl Into<String>) -> Self {
        Self { detail: detail.into(), cause: GapCause::Failed }
    }

    /// The error for the state `name`.
    pub fn for_state(self, name: &str) -> StateError {
        StateError::Read { source_name: name.to_owned(), detail: self.detail, cause: self.cause }
    }
}

/// One client for every HTTP state source of a run (connections are kept and reused).
#[derive(Clone)]
pub struct HttpClient {
    inner: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    pub timing: Timing,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").field("timing", &self.timing).finish_non_exhaustive()
    }
}

const USER_AGENT: &str = concat!("leftover/", env!("CARGO_PKG_VERSION"));

/// Redirects followed before a GET gives up.
const MAX_REDIRECTS: u32 = 5;

impl HttpClient {
    /// A client trusting the system's root certificates (with none found, an `https://`
    /// source fails with a TLS error naming it; `http://` still works).
    pub fn new(timing: Timing) -> Result<Self, HttpError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timing.timeout));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = match hyper_rustls::HttpsConnectorBuilder::new().with_provider_and_native_roots(provider.clone())
        {
            Ok(builder) => builder,
            Err(err) => {
                tracing::debug!(error = %err, "no system root certificates: https state sources will fail");
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|err| HttpError::failed(format!("cannot set up TLS: {err}")))?
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
            }
        };
        let https = builder.https_or_http().enable_http1().wrap_connector(http);
        let inner = Client::builder(TokioExecutor::new()).build(https);
        Ok(Self { inner, timing })
    }

    /// GETs `url` with `headers`, following redirects and retrying throttled answers;
    /// answers with the response once its status is a success.
    pub async fn get(&self, url: &str, headers: &Headers) -> Result<Response<Incoming>, HttpError> {
        let origin = authority(url);
        let mut url = url.to_owned();
        let mut redirects = 0;
        let mut attempt = 1;
        loop {
            let uri: Uri = url.parse().map_err(|err| HttpError::failed(format!("invalid address: {err}")))?;
            let mut request = Request::get(uri).header(header::USER_AGENT, USER_AGENT);
            if authority(&url) == origin {
                for (name, value) in headers {
                    request = request.header(name, value);
                }
            }
            let request = request.body(Empty::new()).map_err(|err| HttpError::failed(err.to_string()))?;
            let response = match tokio::time::timeout(self.timing.timeout, self.inner.request(request)).await {
                Err(_) => {
                    return Err(HttpError {
                        detail: format!("no answer within {}s", self.timing.timeout.as_secs()),
                        cause: GapCause::Timeout,
                    });
                }
                Ok(Err(err)) => return Err(connection_error(&err)),
                Ok(Ok(response)) => response,
            };
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status.is_redirection()
                && let Some(location) = response.headers().get(header::LOCATION).and_then(|l| l.to_str().ok())
            {
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return Err(HttpError::failed(format!("more than {MAX_REDIRECTS} redirects")));
                }
                url = resolve(&url, location);
                continue;
            }
            let wait = retry_wait(&response, attempt);
            let passing = matches!(status.as_u16(), 429 | 502 | 503 | 504);
            if passing && attempt < self.timing.attempts && wait <= self.timing.max_wait {
                tracing::debug!(status = status.as_u16(), attempt, wait_ms = wait.as_millis(), "retrying a GET");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            return Err(self.refusal(status, response, wait, attempt).await);
        }
    }

    /// GETs `url` and reads its body as JSON (an API's answer: small, read whole).
    pub async fn get_json(&self, url: &str, headers: &Headers) -> Result<serde_json::Value, HttpError> {
        let response = self.get(url, headers).await?;
        let bytes = self.body(response, API_ANSWER_LIMIT).await?;
        serde_json::from_slice(&bytes)
            .map_err(|err| HttpError { detail: format!("the answer is not JSON: {err}"), cause: GapCause::Invalid })
    }

    /// Reads a whole body of at most `limit` bytes.
    async fn body(&self, response: Response<Incoming>, limit: usize) -> Result<Vec<u8>, HttpError> {
        let mut body = response.into_body();
        let mut bytes = Vec::new();
        while let Some(chunk) = next_chunk(&mut body, self.timing.timeout).await? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > limit {
                return Err(HttpError::failed(format!("the answer is larger than {limit} bytes")));
            }
        }
        Ok(bytes)
    }

    /// The error for an answer that is not a success, with what its body says.
    async fn refusal(
        &self,
        status: StatusCode,
        response: Response<Incoming>,
        wait: Duration,
        attempts: u32,
    ) -> HttpError {
        let said = self.body(response, 4096).await.ok().and_then(|b| api_message(&b));
        let said = said.map(|s| format!(" ({s})")).unwrap_or_default();
        let code = status.as_u16();
        let reason = status.canonical_reason().unwrap_or("");
        match code {
            401 => HttpError {
                detail: format!(
                    "{code} {reason}{said}: the token or credentials were refused (missing, wrong or expired)"
                ),
                cause: GapCause::Denied,
            },
            403 => HttpError {
                detail: format!("{code} {reason}{said}: the credentials may not read it"),
                cause: GapCause::Denied,
            },
            404 => HttpError::failed(format!(
                "{code} {reason}{said}: it does not exist, or the credentials may not see it"
            )),
            429 if wait > self.timing.max_wait => HttpError {
                detail: format!(
                    "{code} {reason}{said}: asked to wait {}s, longer than the {}s leftover waits",
                    wait.as_secs(),
                    self.timing.max_wait.as_secs()
                ),
                cause: GapCause::Throttled,
            },
            429 => HttpError {
                detail: format!("{code} {reason}{said}: still throttled after {attempts} attempts"),
                cause: GapCause::Throttled,
            },
            _ => HttpError::failed(format!("{code} {reason}{said}")),
        }
    }

    /// Reads a state from a successful answer's body as it arrives: parsed where it is
    /// awaited when its length is known and small, else streamed to a parser on a blocking
    /// thread, so a large state is never held whole. Gives what it parsed and the bytes
    /// read. A body that breaks off or ends before its promised length is never used.
    pub async fn parse_state(
        &self,
        response: Response<Incoming>,
        name: &str,
        options: &ParseOptions,
        certain: bool,
    ) -> Result<(Parsed, u64), StateError> {
        let promised = response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if promised.is_some_and(|size| size > options.max_bytes) {
            return Err(StateError::TooLarge { source_name: name.to_owned(), limit: options.max_bytes });
        }
        let mut body = response.into_body();
        if let Some(size) = promised.filter(|size| *size <= PARSED_IN_PLACE) {
            #[allow(clippy::cast_possible_truncation, reason = "at most PARSED_IN_PLACE")]
            let mut bytes = Vec::with_capacity(size as usize);
            while let Some(chunk) = next_chunk(&mut body, self.timing.timeout).await.map_err(|e| e.for_state(name))? {
                bytes.extend_from_slice(&chunk);
            }
            let received = bytes.len() as u64;
            if received < size {
                return Err(StateError::failed(name, format!("the download ended after {received} of {size} bytes")));
            }
            return parse::parse_candidate(name, bytes.as_slice(), options, certain).map(|p| (p, received));
        }
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, String>>(8);
        let (parse_name, parse_options) = (name.to_owned(), options.clone());
        let parser = tokio::task::spawn_blocking(move || {
            parse::parse_candidate(&parse_name, ChunkReader::new(rx), &parse_options, certain)
        });
        let mut received: u64 = 0;
        let mut broken = None;
        let mut ended = false;
        loop {
            let message = match next_chunk(&mut body, self.timing.timeout).await {
                Ok(Some(chunk)) => {
                    received += chunk.len() as u64;
                    Ok(chunk.to_vec())
                }
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(err) => {
                    broken = Some(err.clone());
                    Err(err.detail)
                }
            };
            let failed = message.is_err();
            // The parser stops reading once it has failed or finished: stop fetching then.
            if tx.send(message).await.is_err() || failed {
                break;
            }
        }
        drop(tx);
        let parsed = parser.await.map_err(|err| StateError::failed(name, err))?;
        if let Some(err) = broken {
            return Err(StateError::Read {
                source_name: name.to_owned(),
                detail: format!("the download broke off after {received} bytes: {}", err.detail),
                cause: err.cause,
            });
        }
        if let Some(size) = promised.filter(|size| ended && received < *size) {
            return Err(StateError::failed(name, format!("the download ended after {received} of {size} bytes")));
        }
        parsed.map(|p| (p, received))
    }
}

/// The largest API answer (a page of workspaces, a list of states) read.
const API_ANSWER_LIMIT: usize = 32 * 1024 * 1024;

/// The next piece of a body, waiting at most `timeout` for it; `None` at its end.
async fn next_chunk(body: &mut Incoming, timeout: Duration) -> Result<Option<Bytes>, HttpError> {
    loop {
        let frame = match tokio::time::timeout(timeout, body.frame()).await {
            Err(_) => {
                return Err(HttpError {
                    detail: format!("the answer stalled for {}s", timeout.as_secs()),
                    cause: GapCause::Timeout,
                });
            }
            Ok(None) => return Ok(None),
            Ok(Some(Err(err))) => return Err(HttpError::failed(chain(&err))),
            Ok(Some(Ok(frame))) => frame,
        };
        // Trailers carry no data.
        if let Ok(data) = frame.into_data() {
            return Ok(Some(data));
        }
    }
}

/// An error with its causes, one after the other.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// A request that got no answer: the connection failed or timed out.
fn connection_error(err: &hyper_util::client::legacy::Error) -> HttpError {
    let detail = chain(err);
    let cause = if detail.contains("timed out") { GapCause::Timeout } else { GapCause::Failed };
    HttpError { detail: format!("no answer: {detail}"), cause }
}

/// `host[:port]` of an address (lower case), to tell whether a redirect leaves it.
pub(crate) fn authority(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(rest[..end].to_ascii_lowercase())
}

/// A redirect's target, absolute.
pub(crate) fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let Some((scheme, rest)) = base.split_once("://") else { return location.to_owned() };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    if let Some(path) = location.strip_prefix("//") {
        return format!("{scheme}://{path}");
    }
    if location.starts_with('/') {
        return format!("{scheme}://{host}{location}");
    }
    let path = rest[end..].split(['?', '#']).next().unwrap_or("/");
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    format!("{scheme}://{host}{dir}/{location}")
}

/// How long to wait before trying again: what the answer asks (`Retry-After` in seconds,
/// or Terraform Cloud's `X-RateLimit-Reset`, seconds with a fraction), else a backoff.
fn retry_wait<B>(response: &Response<B>, attempt: u32) -> Duration {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(seconds) = header("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Duration::from_secs(seconds);
    }
    if let Some(seconds) = header("x-ratelimit-reset").and_then(|v| v.parse::<f64>().ok()).filter(|s| s.is_finite()) {
        return Duration::from_secs_f64(seconds.clamp(0.0, 86_400.0));
    }
    Duration::from_millis(250 * 2u64.pow(attempt.min(8) - 1))
}

/// What an API's error answer says: JSON:API `errors[].detail`/`title`, or GitLab's
/// `message`/`error`; at most 200 characters of it.
fn api_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = value["errors"]
        .as_array()
        .and_then(|errors| errors.first())
        .and_then(|e| e["detail"].as_str().or_else(|| e["title"].as_str()).or_else(|| e.as_str()))
        .or_else(|| value["message"].as_str())
        .or_else(|| value["error"].as_str())?;
    let text: String = text.chars().take(200).collect();
    (!text.trim().is_empty()).then_some(text)
}

/// A header from text the caller controls: `None` when not a valid header.
pub fn header_of(name: &str, value: &str) -> Option<(HeaderName, HeaderValue)> {
    let name = HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
    let mut value = HeaderValue::from_str(value.trim()).ok()?;
    value.set_sensitive(true);
    Some((name, value))
}

/// `Authorization: Basic …` for a user and password.
pub fn basic_auth(user: &str, password: &str) -> Option<(HeaderName, HeaderValue)> {
    header_of("authorization", &format!("Basic {}", base64(format!("{user}:{password}").as_bytes())))
}

/// `Authorization: Bearer …` for a token.
pub fn bearer(token: &str) -> Option<(HeaderName, HeaderValue)> {
    header_of("authorization", &format!("Bearer {}", token.trim()))
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server answering every request with `answer` and closing, or never answering.
    async fn serve(answer: Option<&'static [u8]>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request).await;
                    match answer {
                        Some(bytes) => drop(stream.write_all(bytes).await),
                        None => tokio::time::sleep(Duration::from_secs(30)).await,
                    }
                });
            }
        });
        address
    }

    fn client(timeout: Duration) -> HttpClient {
        HttpClient::new(Timing { timeout, ..Timing::default() }).expect("client")
    }

    #[tokio::test]
    async fn issue_33_a_server_that_never_answers_is_a_timeout() {
        let address = serve(None).await;
        let err = client(Duration::from_millis(200)).get(&address, &Headers::new()).await.expect_err("no answer");
        assert_eq!(err.cause, GapCause::Timeout, "{err}");
    }

    #[tokio::test]
    async fn issue_33_a_refusal_is_denied_and_says_what_the_server_said() {
        let address =
            serve(Some(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 27\r\n\r\n{\"message\":\"403 Forbidden\"}")).await;
        let err = client(Duration::from_secs(5)).get(&address, &Headers::new()).await.expect_err("refused");
        assert_eq!(err.cause, GapCause::Denied, "{err}");
        assert!(err.detail.starts_with("403 Forbidden (403 Forbidden)"), "{err}");
    }

    #[tokio::test]
    async fn issue_33_a_state_cut_short_is_never_used() {
        let address =
            serve(Some(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"version\": 4, \"resources\": []}")).await;
        let client = client(Duration::from_secs(5));
        let response = client.get(&address, &Headers::new()).await.expect("answered");
        let err = client.parse_state(response, "http://x/s", &ParseOptions::default(), true).await.expect_err("cut");
        assert!(err.to_string().starts_with("http://x/s: cannot read"), "{err}");
    }

    #[test]
    fn encodes_basic_auth() {
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn resolves_redirects() {
        assert_eq!(resolve("https://a.io/x/y?q", "/z"), "https://a.io/z");
        assert_eq!(resolve("https://a.io/x/y", "z"), "https://a.io/x/z");
        assert_eq!(resolve("https://a.io/x", "https://b.io/w"), "https://b.io/w");
        assert_eq!(authority("https://A.io:8443/x"), Some("a.io:8443".to_owned()));
    }

    #[test]
    fn reads_the_wait_a_throttled_answer_asks_for() {
        let answer = |name: &str, value: &str| Response::builder().header(name, value).body(()).expect("response");
        assert_eq!(retry_wait(&answer("Retry-After", "7"), 1), Duration::from_secs(7));
        assert_eq!(retry_wait(&answer("X-RateLimit-Reset", "0.5"), 1), Duration::from_millis(500));
        assert_eq!(retry_wait(&answer("X-Other", "1"), 2), Duration::from_millis(500));
    }

    #[test]
    fn reads_api_error_messages() {
        assert_eq!(
            api_message(br#"{"errors":[{"status":"401","title":"unauthorized"}]}"#).as_deref(),
            Some("unauthorized")
        );
        assert_eq!(api_message(br#"{"message":"401 Unauthorized"}"#).as_deref(), Some("401 Unauthorized"));
        assert_eq!(api_message(b"<html>"), None);
    }
}
