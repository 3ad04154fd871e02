//! proxy: a fault-injecting HTTP/1.1 proxy between the scanner and the emulator. It reads
//! each request, names its service (the credential scope of the signature) and operation
//! (the `X-Amz-Target` header, the query protocols' `Action`, or the REST path), and then
//! forwards it, answers it with a fault in the service's own protocol shape (503,
//! throttling, access denied), forwards it but cuts the answer's body in half (status 200
//! and a Content-Length that agrees with the cut body, as a server that sent an incomplete
//! document would), never answers it, or holds it until another request has been seen
//! (which proves two phases overlap: a scanner that ran them one after the other would
//! wait on itself). Random faults are seeded, so a run is reproducible as far as the
//! scanner's own concurrency allows.
#![allow(dead_code, clippy::missing_panics_doc, clippy::unwrap_used)]

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use super::Leftover;

/// Which requests a rule applies to. Empty fields match everything.
#[derive(Clone, Debug, Default)]
pub struct Match {
    /// The signing service: `ec2`, `eks`, `elasticache`, `tagging`, `s3`, `sts`.
    pub service: String,
    /// The operation (`DescribeVolumes`, `ListClusters`, `GetObject`).
    pub operation: Option<String>,
    /// A prefix of the request path (`/bucket` for one S3 bucket).
    pub path_prefix: Option<String>,
}

impl Match {
    pub fn service(service: &str) -> Self {
        Self { service: service.to_owned(), ..Self::default() }
    }

    pub fn operation(service: &str, operation: &str) -> Self {
        Self { service: service.to_owned(), operation: Some(operation.to_owned()), path_prefix: None }
    }

    /// Every request about one S3 bucket (path-style addressing).
    pub fn bucket(bucket: &str) -> Self {
        Self { service: "s3".to_owned(), operation: None, path_prefix: Some(format!("/{bucket}")) }
    }

    fn matches(&self, seen: &Seen) -> bool {
        (self.service.is_empty() || self.service == seen.service)
            && self.operation.as_ref().is_none_or(|o| *o == seen.operation)
            && self.path_prefix.as_ref().is_none_or(|p| {
                seen.path == *p || seen.path.starts_with(&format!("{p}/")) || seen.path.starts_with(&format!("{p}?"))
            })
    }
}

/// What the proxy does to requests.
#[derive(Clone, Debug)]
pub struct FaultPlan {
    seed: u64,
    /// Share of requests answered with a transient fault (503 or throttling).
    rate: f64,
    /// The same request (method, path and body) is faulted at most this many times in a
    /// row, so a test proves recovery within `--max-attempts` rather than relying on luck.
    max_consecutive: u32,
    deny: Vec<Match>,
    hang: Vec<Match>,
    cut: Vec<Match>,
    /// Cut only the first answer to each distinct request, so that a retry gets it whole.
    cut_once: Vec<Match>,
    /// Requests held (the first) until a request of the second kind has been seen.
    hold: Vec<(Match, Match)>,
    /// How long a request is held at most before it is forwarded anyway.
    hold_limit: std::time::Duration,
    /// `CloudTrail`'s event history, which the emulator does not keep: `LookupEvents` is
    /// answered here, by resource name, newest first, in `CloudTrail`'s documented shape.
    trail: Vec<(String, serde_json::Value)>,
    /// `LookupEvents` calls answered with `ThrottlingException` before the history is.
    throttle_trail: u32,
}

impl FaultPlan {
    /// Forwards everything.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            rate: 0.0,
            max_consecutive: 3,
            deny: Vec::new(),
            hang: Vec::new(),
            cut: Vec::new(),
            cut_once: Vec::new(),
            hold: Vec::new(),
            hold_limit: std::time::Duration::from_secs(30),
            trail: Vec::new(),
            throttle_trail: 0,
        }
    }

    /// Records `event` (an item of `LookupEvents`' `Events`) as naming the resource `name`.
    #[must_use]
    pub fn trail(mut self, name: &str, event: serde_json::Value) -> Self {
        self.trail.push((name.to_owned(), event));
        self
    }

    /// Throttles the first `n` `LookupEvents` calls.
    #[must_use]
    pub fn throttle_trail(mut self, n: u32) -> Self {
        self.throttle_trail = n;
        self
    }

    /// Answers this share of requests (0 to 1) with 503 or a throttling error, at random.
    #[must_use]
    pub fn faults(mut self, rate: f64) -> Self {
        self.rate = rate;
        self
    }

    /// Answers matching requests with the service's access-denied error.
    #[must_use]
    pub fn deny(mut self, what: Match) -> Self {
        self.deny.push(what);
        self
    }

    /// Forwards matching requests and cuts every answer's body in half.
    #[must_use]
    pub fn cut(mut self, what: Match) -> Self {
        self.cut.push(what);
        self
    }

    /// Forwards matching requests and cuts the body of the first answer to each distinct
    /// request (method, path and body) in half; later attempts get it whole.
    #[must_use]
    pub fn cut_once(mut self, what: Match) -> Self {
        self.cut_once.push(what);
        self
    }

    /// Holds matching requests, unanswered, until a request matching `until` has been
    /// seen (before or after), then forwards them. A request held longer than the hold
    /// limit (30 s) is forwarded anyway and its fate is `Fate::HeldTooLong`, so that a
    /// scanner waiting on itself ends and the test can say so.
    #[must_use]
    pub fn hold(mut self, what: Match, until: Match) -> Self {
        self.hold.push((what, until));
        self
    }

    /// Reads matching requests and never answers them.
    #[must_use]
    pub fn hang(mut self, what: Match) -> Self {
        self.hang.push(what);
        self
    }
}

/// What became of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    Forwarded,
    Unavailable,
    Throttled,
    Denied,
    Hung,
    Cut,
    /// Held until the request it waited for was seen, then forwarded.
    Held,
    /// Held for the whole hold limit without the request it waited for, then forwarded.
    HeldTooLong,
}

/// One request the proxy saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub service: String,
    pub region: String,
    pub operation: String,
    pub method: String,
    pub path: String,
    pub fate: Fate,
    /// When the proxy read it.
    pub at: std::time::Instant,
}

struct Shared {
    upstream: SocketAddr,
    plan: FaultPlan,
    rng: Mutex<SplitMix>,
    consecutive: Mutex<HashMap<u64, u32>>,
    cut_already: Mutex<std::collections::HashSet<u64>>,
    seen: Mutex<Vec<Seen>>,
    /// A held request waited out the hold limit.
    gave_up: std::sync::atomic::AtomicBool,
    /// `LookupEvents` calls throttled so far.
    trail_throttled: std::sync::atomic::AtomicU32,
}

/// A small seeded generator (`SplitMix64`): enough for choosing faults.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    #[allow(clippy::cast_precision_loss)]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A running proxy, stopped when dropped.
pub struct Proxy {
    pub endpoint: String,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Proxy {
    /// Starts a proxy in front of `upstream` (`http://127.0.0.1:PORT`), on its own runtime so
    /// that a test blocked on the scanner's process does not stall it.
    pub fn start(upstream: &str, plan: FaultPlan) -> Self {
        let upstream: SocketAddr = upstream.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        // Bound here, not on the runtime: the caller may itself be inside a runtime.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            upstream,
            rng: Mutex::new(SplitMix(plan.seed)),
            plan,
            consecutive: Mutex::new(HashMap::new()),
            cut_already: Mutex::new(std::collections::HashSet::new()),
            seen: Mutex::new(Vec::new()),
            gave_up: std::sync::atomic::AtomicBool::new(false),
            trail_throttled: std::sync::atomic::AtomicU32::new(0),
        });
        let serving = shared.clone();
        runtime.spawn(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(connection(socket, serving.clone()));
            }
        });
        Self { endpoint, shared, runtime: Some(runtime) }
    }

    /// A `leftover` invocation that goes through this proxy.
    pub fn leftover(&self) -> Leftover {
        Leftover::new().env("AWS_ENDPOINT_URL", &self.endpoint)
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// How many requests met each fate.
    pub fn count(&self, fate: Fate) -> usize {
        self.shared.seen.lock().unwrap().iter().filter(|s| s.fate == fate).count()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

async fn read_line<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Option<String> {
    let mut line = Vec::new();
    let n = reader.read_until(b'\n', &mut line).await.ok()?;
    (n > 0).then(|| String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_owned())
}

async fn read_chunked<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let size_line = read_line(reader).await?;
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(reader).await?.is_empty() {}
            return Some(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).await.ok()?;
        read_line(reader).await?;
    }
}

async fn read_request<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Option<Request> {
    let mut line = read_line(reader).await?;
    while line.is_empty() {
        line = read_line(reader).await?;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader).await?;
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let mut request = Request { method, target, headers, body: Vec::new() };
    if request.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        request.body = read_chunked(reader).await?;
    } else if let Some(length) = request.header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        request.body = vec![0; length];
        reader.read_exact(&mut request.body).await.ok()?;
    }
    Some(request)
}

fn form_value<'a>(body: &'a str, key: &str) -> Option<&'a str> {
    body.split('&').find_map(|pair| pair.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}

/// Service, region and operation of a request.
fn identify(request: &Request) -> (String, String, String) {
    let scope: Vec<&str> = request
        .header("authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .map(|c| c.split([',', ' ']).next().unwrap_or_default().split('/').collect())
        .unwrap_or_default();
    let region = scope.get(2).copied().unwrap_or_default().to_owned();
    let service = scope.get(3).copied().unwrap_or_default().to_owned();
    let (path, query) = request.target.split_once('?').unwrap_or((request.target.as_str(), ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let operation = if let Some(target) = request.header("x-amz-target") {
        target.rsplit('.').next().unwrap_or(target).to_owned()
    } else if let Some(action) = form_value(&String::from_utf8_lossy(&request.body), "Action") {
        action.to_owned()
    } else {
        let method = request.method.as_str();
        let name = match (service.as_str(), method, segments.as_slice()) {
            ("eks", "GET", ["clusters"]) => "ListClusters",
            ("eks", "GET", ["clusters", _]) => "DescribeCluster",
            ("eks", "GET", ["clusters", _, "node-groups"]) => "ListNodegroups",
            ("eks", "GET", ["clusters", _, "node-groups", _]) => "DescribeNodegroup",
            ("eks", "POST", ["clusters"]) => "CreateCluster",
            ("lambda", "GET", ["2015-03-31", "functions"]) => "ListFunctions",
            ("lambda", "POST", ["2015-03-31", "functions"]) => "CreateFunction",
            ("route53", "GET", ["2013-04-01", "hostedzone"]) => "ListHostedZones",
            ("cloudfront", "GET", ["2020-05-31", "distribution"]) => "ListDistributions",
            ("apigateway", "GET", ["restapis"]) => "GetRestApis",
            ("apigateway", "GET", ["v2", "apis"]) => "GetApis",
            ("elasticfilesystem", "GET", ["2015-02-01", "file-systems"]) => "DescribeFileSystems",
            ("elasticfilesystem", "GET", ["2015-02-01", "mount-targets"]) => "DescribeMountTargets",
            ("s3", "GET", []) => "ListBuckets",
            ("s3", "GET", [_]) if query.split('&').any(|q| q == "location" || q.starts_with("location=")) => {
                "GetBucketLocation"
            }
            ("s3", "GET", [_]) if query.contains("list-type=2") => "ListObjectsV2",
            ("s3", "GET", [_]) => "ListObjects",
            ("s3", "GET", [_, _, ..]) => "GetObject",
            ("s3", "HEAD", [_, _, ..]) => "HeadObject",
            ("s3", "PUT", [_, _, ..]) => "PutObject",
            ("s3", "PUT", [_]) => "CreateBucket",
            ("s3", "DELETE", [_, _, ..]) => "DeleteObject",
            _ => "",
        };
        if name.is_empty() { format!("{method} {path}") } else { name.to_owned() }
    };
    (service, region, operation)
}

#[derive(Clone, Copy)]
enum Fault {
    Unavailable,
    Throttled,
    Denied,
}

/// The services whose errors are JSON, answering a throttle with 429.
macro_rules! JSON_SERVICES {
    () => {
        "eks"
            | "lambda"
            | "tagging"
            | "dynamodb"
            | "logs"
            | "ecr"
            | "kms"
            | "secretsmanager"
            | "ecs"
            | "elasticfilesystem"
            | "apigateway"
            | "acm"
            | "ssm"
            | "cloudtrail"
    };
}

/// The service's own error response for a fault, as AWS shapes it for that protocol.
fn error_response(service: &str, operation: &str, method: &str, fault: Fault) -> Vec<u8> {
    let id = "00000000-0000-4000-8000-00000000fa17";
    let denied =
        format!("User: arn:aws:iam::123456789012:user/scanner is not authorized to perform: {service}:{operation}");
    let (status, reason, code, message) = match (service, fault) {
        ("ec2", Fault::Unavailable) => (503, "Service Unavailable", "Unavailable", "The service is unavailable."),
        ("ec2", Fault::Throttled) => (503, "Service Unavailable", "RequestLimitExceeded", "Request limit exceeded."),
        ("ec2", Fault::Denied) => (403, "Forbidden", "UnauthorizedOperation", denied.as_str()),
        (JSON_SERVICES!(), Fault::Throttled) => (429, "Too Many Requests", "ThrottlingException", "Rate exceeded"),
        (JSON_SERVICES!(), Fault::Denied) => (403, "Forbidden", "AccessDeniedException", denied.as_str()),
        ("s3", Fault::Throttled) => (503, "Slow Down", "SlowDown", "Please reduce your request rate."),
        ("s3", Fault::Denied) => (403, "Forbidden", "AccessDenied", "Access Denied"),
        (_, Fault::Unavailable) => (503, "Service Unavailable", "ServiceUnavailable", "Service unavailable"),
        (_, Fault::Throttled) => (400, "Bad Request", "Throttling", "Rate exceeded"),
        (_, Fault::Denied) => (403, "Forbidden", "AccessDenied", denied.as_str()),
    };
    let (content_type, extra, body) = match service {
        "ec2" => (
            "text/xml",
            String::new(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
                 <Message>{message}</Message></Error></Errors><RequestID>{id}</RequestID></Response>"
            ),
        ),
        // The REST-JSON protocol of EKS, Lambda and EFS.
        "eks" | "lambda" | "elasticfilesystem" | "apigateway" => (
            "application/json",
            format!("x-amzn-ErrorType: {code}\r\n"),
            serde_json::json!({ "message": message }).to_string(),
        ),
        // The JSON protocol of SQS and DynamoDB.
        "sqs" | "dynamodb" => (
            "application/x-amz-json-1.0",
            String::new(),
            serde_json::json!({ "__type": code, "message": message }).to_string(),
        ),
        // The JSON 1.1 protocol of the tagging API, Logs, ECR, KMS, Secrets Manager and ECS.
        "tagging" | "logs" | "ecr" | "kms" | "secretsmanager" | "ecs" | "acm" | "ssm" | "cloudtrail" => (
            "application/x-amz-json-1.1",
            String::new(),
            serde_json::json!({ "__type": code, "Message": message }).to_string(),
        ),
        "s3" => (
            "application/xml",
            String::new(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
                 <RequestId>{id}</RequestId></Error>"
            ),
        ),
        // The query protocol of ElastiCache and STS.
        _ => (
            "text/xml",
            String::new(),
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
                 <RequestId>{id}</RequestId></ErrorResponse>"
            ),
        ),
    };
    let body = if method == "HEAD" { String::new() } else { body };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nx-amzn-RequestId: {id}\r\n{extra}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

enum Decision {
    Forward,
    Answer(Fault),
    Hang,
    Cut,
    Hold(Match),
    /// Answered from the recorded `CloudTrail` history.
    Trail,
}

impl Shared {
    fn decide(&self, seen: &Seen, request: &Request) -> Decision {
        if self.plan.deny.iter().any(|m| m.matches(seen)) {
            return Decision::Answer(Fault::Denied);
        }
        if seen.service == "cloudtrail" && seen.operation == "LookupEvents" {
            use std::sync::atomic::Ordering;
            if self.trail_throttled.fetch_add(1, Ordering::AcqRel) < self.plan.throttle_trail {
                return Decision::Answer(Fault::Throttled);
            }
            return Decision::Trail;
        }
        if self.plan.hang.iter().any(|m| m.matches(seen)) {
            return Decision::Hang;
        }
        if let Some((_, until)) = self.plan.hold.iter().find(|(what, _)| what.matches(seen)) {
            return Decision::Hold(until.clone());
        }
        if self.plan.cut.iter().any(|m| m.matches(seen)) {
            return Decision::Cut;
        }
        let mut hasher = DefaultHasher::new();
        (&request.method, &request.target, &request.body).hash(&mut hasher);
        let key = hasher.finish();
        if self.plan.cut_once.iter().any(|m| m.matches(seen)) && self.cut_already.lock().unwrap().insert(key) {
            return Decision::Cut;
        }
        if self.plan.rate <= 0.0 {
            return Decision::Forward;
        }
        let (draw, kind) = {
            let mut rng = self.rng.lock().unwrap();
            (rng.unit(), rng.next())
        };
        let mut consecutive = self.consecutive.lock().unwrap();
        let count = consecutive.entry(key).or_default();
        if draw < self.plan.rate && *count < self.plan.max_consecutive {
            *count += 1;
            Decision::Answer(if kind % 2 == 0 { Fault::Unavailable } else { Fault::Throttled })
        } else {
            *count = 0;
            Decision::Forward
        }
    }
}

impl Shared {
    /// Waits until a request matching `until` has been seen; false when the hold limit
    /// passed first.
    async fn wait_for(&self, until: &Match) -> bool {
        let deadline = tokio::time::Instant::now() + self.plan.hold_limit;
        loop {
            if self.seen.lock().unwrap().iter().any(|s| until.matches(s)) {
                return true;
            }
            // Once one request has waited out the limit, the scanner is known to wait on
            // itself: the rest are let go at once, so the test ends soon after.
            if self.gave_up.load(std::sync::atomic::Ordering::SeqCst) {
                return false;
            }
            if tokio::time::Instant::now() >= deadline {
                self.gave_up.store(true, std::sync::atomic::Ordering::SeqCst);
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends the request upstream on a fresh connection and returns the response, re-framed
/// with a `Content-Length` so the scanner's connection can be kept alive.
async fn forward(upstream: SocketAddr, request: &Request) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect(upstream).await.ok()?;
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for (k, v) in &request.headers {
        let lower = k.to_ascii_lowercase();
        if !matches!(lower.as_str(), "connection" | "keep-alive" | "transfer-encoding" | "content-length") {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    if !request.body.is_empty() || request.header("content-length").is_some() {
        head.push_str(&format!("Content-Length: {}\r\n", request.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.ok()?;
    stream.write_all(&request.body).await.ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.ok()?;

    let end = find(&raw, b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.to_owned();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))).collect();
    let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let rest = &raw[end + 4..];
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut reader = BufReader::new(rest);
        read_chunked(&mut reader).await?
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        rest[..length.min(rest.len())].to_vec()
    } else {
        rest.to_vec()
    };
    let mut out = format!("{status}\r\n");
    for (k, v) in &headers {
        let lower = k.to_ascii_lowercase();
        if !matches!(lower.as_str(), "connection" | "keep-alive" | "transfer-encoding" | "content-length") {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    if request.method == "HEAD" {
        if let Some(length) = header("content-length") {
            out.push_str(&format!("Content-Length: {length}\r\n\r\n"));
        } else {
            out.push_str("\r\n");
        }
        return Some(out.into_bytes());
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&body);
    Some(bytes)
}

/// `LookupEvents`' answer: the events recorded for the resource name asked, newest first.
fn trail_response(trail: &[(String, serde_json::Value)], body: &[u8]) -> Vec<u8> {
    let asked: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let name = asked["LookupAttributes"][0]["AttributeValue"].as_str().unwrap_or_default();
    let mut events: Vec<&serde_json::Value> = trail.iter().filter(|(n, _)| n == name).map(|(_, e)| e).collect();
    events.sort_by(|a, b| b["EventTime"].as_f64().partial_cmp(&a["EventTime"].as_f64()).unwrap());
    let body = serde_json::json!({ "Events": events }).to_string();
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: 0000\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The response with its body cut to the first half and its `Content-Length` made to agree.
fn cut_in_half(response: &[u8]) -> Vec<u8> {
    let end = find(response, b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..end]);
    let body = &response[end + 4..];
    let half = &body[..body.len() / 2];
    let mut out = String::new();
    for line in head.split("\r\n") {
        if line.to_ascii_lowercase().starts_with("content-length:") {
            out.push_str(&format!("Content-Length: {}\r\n", half.len()));
        } else {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(half);
    bytes
}

async fn connection(socket: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    while let Some(request) = read_request(&mut reader).await {
        let (service, region, operation) = identify(&request);
        let mut seen = Seen {
            service,
            region,
            operation,
            method: request.method.clone(),
            path: request.target.clone(),
            fate: Fate::Forwarded,
            at: std::time::Instant::now(),
        };
        let decision = shared.decide(&seen, &request);
        seen.fate = match decision {
            // The recorded history answers in the emulator's place.
            Decision::Forward | Decision::Trail => Fate::Forwarded,
            Decision::Answer(Fault::Unavailable) => Fate::Unavailable,
            Decision::Answer(Fault::Throttled) => Fate::Throttled,
            Decision::Answer(Fault::Denied) => Fate::Denied,
            Decision::Hang => Fate::Hung,
            Decision::Cut => Fate::Cut,
            Decision::Hold(_) => Fate::Held,
        };
        let (service, operation) = (seen.service.clone(), seen.operation.clone());
        let index = {
            let mut all = shared.seen.lock().unwrap();
            all.push(seen);
            all.len() - 1
        };
        let response = match decision {
            Decision::Hold(until) => {
                if !shared.wait_for(&until).await {
                    shared.seen.lock().unwrap()[index].fate = Fate::HeldTooLong;
                }
                match forward(shared.upstream, &request).await {
                    Some(response) => response,
                    None => return,
                }
            }
            Decision::Hang => {
                // Hold the connection open and say nothing until the scanner gives up.
                std::future::pending::<()>().await;
                return;
            }
            Decision::Answer(fault) => error_response(&service, &operation, &request.method, fault),
            Decision::Trail => trail_response(&shared.plan.trail, &request.body),
            Decision::Forward => match forward(shared.upstream, &request).await {
                Some(response) => response,
                None => return,
            },
            Decision::Cut => match forward(shared.upstream, &request).await {
                Some(response) => cut_in_half(&response),
                None => return,
            },
        };
        if write.write_all(&response).await.is_err() {
            return;
        }
    }
}
