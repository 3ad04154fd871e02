//! raw: list operations of services leftover has no SDK crate for, called through the same
//! runtime the SDK clients use (the shared HTTP client, `SigV4` signing, standard retries with
//! their backoff and token bucket, timeouts) and carrying the same read-only guard and
//! whole-answer check. What it leaves out is the SDK's per-service code: the request is
//! written here (a JSON body, a Query form, or a REST path), and the answer is read by the
//! listing that asked, taking only the fields it uses.
//!
//! Why not one SDK crate per service: each of the fifteen services listed this way would
//! cost about half a minute of a debug build and megabytes of binary and mapped code, for
//! one to three list operations each (the measurements are in `docs/performance.md`).

use std::borrow::Cow;

use aws_config::SdkConfig;
use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_runtime::auth::sigv4::{SCHEME_ID, SigV4AuthScheme};
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime::client::orchestrator::operation::Operation;
use aws_smithy_runtime::client::retries::classifiers::{HttpStatusCodeClassifier, TransientErrorClassifier};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::identity::SharedIdentityResolver;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{FrozenLayer, Layer};
use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SigningName;
use aws_types::region::SigningRegion;

use super::guard::ReadOnlyGuard;
use super::whole_answer::{MalformedIsTransient, WholeAnswer};
use crate::model::arn::partition;

/// How a service is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// AWS JSON 1.1: `POST /`, the operation in `X-Amz-Target: PREFIX.Operation`.
    Json { target: &'static str },
    /// AWS Query: `POST /` with a form naming `Action` and `Version`; XML answers.
    Query { version: &'static str },
    /// REST with XML answers (Route 53, `CloudFront`).
    RestXml,
    /// REST with JSON answers (EFS, API Gateway).
    RestJson,
}

/// Where a service answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `https://PREFIX.REGION.amazonaws.com` (`.com.cn` in China).
    Regional(&'static str),
    /// One endpoint per partition, signed for the partition's home region (IAM, Route 53).
    Global(&'static str),
}

/// A service listed through this client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The IAM prefix of its actions, as reports and statistics name it (`logs`, `iam`).
    pub name: &'static str,
    /// The name it signs with (`monitoring` for `CloudWatch`; most services' own name).
    pub signing: &'static str,
    pub endpoint: Endpoint,
    pub protocol: Protocol,
}

impl Service {
    /// The endpoint and the region to sign for, where the scan lists `region`. The global
    /// endpoints are those the AWS SDKs resolve for the partition.
    fn url_and_region(&self, region: &str) -> (String, String) {
        let china = partition(region) == "aws-cn";
        let gov = partition(region) == "aws-us-gov";
        match self.endpoint {
            Endpoint::Regional(prefix) => {
                let suffix = if china { "amazonaws.com.cn" } else { "amazonaws.com" };
                (format!("https://{prefix}.{region}.{suffix}"), region.to_owned())
            }
            Endpoint::Global(prefix) => match (china, gov, prefix) {
                (true, _, "iam") => ("https://iam.cn-north-1.amazonaws.com.cn".to_owned(), "cn-north-1".to_owned()),
                (true, _, _) => (format!("https://{prefix}.amazonaws.com.cn"), "cn-northwest-1".to_owned()),
                (_, true, _) => (format!("https://{prefix}.us-gov.amazonaws.com"), "us-gov-west-1".to_owned()),
                _ => (format!("https://{prefix}.amazonaws.com"), "us-east-1".to_owned()),
            },
        }
    }
}

/// An error answer (or an answer that could not be read), with AWS's code and message.
#[derive(Debug)]
pub struct RawError {
    meta: ErrorMetadata,
    status: u16,
}

impl std::fmt::Display for RawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.meta.code(), self.meta.message()) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}"),
            (Some(code), None) => f.write_str(code),
            _ => write!(f, "HTTP {} without an error code", self.status),
        }
    }
}

impl std::error::Error for RawError {}

impl ProvideErrorMetadata for RawError {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

impl RawError {
    /// Reads AWS's error code and message from an error answer of any protocol: the
    /// `x-amzn-ErrorType` header, a JSON `__type`/`code` and `message`, or XML's `Code` and
    /// `Message`.
    fn of(response: &HttpResponse) -> Self {
        let body = response.body().bytes().unwrap_or_default();
        let mut code = response.headers().get("x-amzn-errortype").map(str::to_owned);
        let mut message = None;
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
                let text = |keys: &[&str]| keys.iter().find_map(|k| value.get(*k)?.as_str().map(str::to_owned));
                code = code.or_else(|| text(&["__type", "code", "Code", "ErrorCode"]));
                message = text(&["message", "Message", "errorMessage"]);
            }
        } else if let Ok(text) = std::str::from_utf8(body)
            && let Some(doc) = super::xml::parse(text)
        {
            let error = doc.find("Error").unwrap_or(&doc);
            code = code.or_else(|| error.text("Code").map(str::to_owned));
            message = error.text("Message").map(str::to_owned);
        }
        // `x-amzn-ErrorType` and `__type` may carry a namespace and a URL: the code is the
        // name between them.
        let code = code.map(|c| {
            let c = c.split(':').next().unwrap_or(&c);
            c.rsplit('#').next().unwrap_or(c).to_owned()
        });
        let mut meta = ErrorMetadata::builder();
        if let Some(code) = code {
            meta = meta.code(code);
        }
        if let Some(message) = message {
            meta = meta.message(message);
        }
        Self { meta: meta.build(), status: response.status().as_u16() }
    }
}

/// One request, as written by the caller's protocol.
#[derive(Debug)]
pub struct Request {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// The answers of every call of a listing.
pub type RawResult<T> = Result<T, SdkError<RawError, HttpResponse>>;

/// A client of one service in one region.
#[derive(Clone, Debug)]
pub struct RawClient {
    service: Service,
    config: SdkConfig,
    url: String,
    /// The region the client was made for (a global service signs for another).
    region: String,
    signing_region: String,
    guard: ReadOnlyGuard,
    whole: WholeAnswer,
}

impl RawClient {
    pub(super) fn new(
        service: Service,
        config: &SdkConfig,
        region: &str,
        guard: ReadOnlyGuard,
        whole: WholeAnswer,
    ) -> Self {
        let (mut url, signing_region) = service.url_and_region(region);
        // An endpoint override (an emulator, a private endpoint) stands in for every service.
        if let Some(endpoint) = config.endpoint_url() {
            endpoint.trim_end_matches('/').clone_into(&mut url);
        }
        Self { service, config: config.clone(), url, region: region.to_owned(), signing_region, guard, whole }
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// Calls a JSON 1.1 operation with `body`, and parses the answer.
    pub async fn json(&self, operation: &'static str, body: &serde_json::Value) -> RawResult<serde_json::Value> {
        let Protocol::Json { target } = self.service.protocol else {
            unreachable!("{}: not a JSON service", self.service.name)
        };
        let request = Request {
            method: "POST",
            path: "/".to_owned(),
            headers: vec![
                ("content-type", "application/x-amz-json-1.1".to_owned()),
                ("x-amz-target", format!("{target}.{operation}")),
            ],
            body: body.to_string().into_bytes(),
        };
        let bytes = self.call(operation, request).await?;
        Ok(if bytes.is_empty() { serde_json::Value::Null } else { parse_json(&bytes) })
    }

    /// Calls a Query operation with `params`, and returns its answer's document.
    pub async fn query(&self, operation: &'static str, params: &[(&str, &str)]) -> RawResult<super::xml::Node> {
        let Protocol::Query { version } = self.service.protocol else {
            unreachable!("{}: not a Query service", self.service.name)
        };
        let mut form = format!("Action={operation}&Version={version}");
        for (key, value) in params {
            form.push('&');
            form.push_str(&form_encode(key));
            form.push('=');
            form.push_str(&form_encode(value));
        }
        let request = Request {
            method: "POST",
            path: "/".to_owned(),
            headers: vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8".to_owned())],
            body: form.into_bytes(),
        };
        let bytes = self.call(operation, request).await?;
        Ok(parse_xml(&bytes))
    }

    /// `GET path` of a REST service whose answers are XML.
    pub async fn get_xml(&self, operation: &'static str, path: String) -> RawResult<super::xml::Node> {
        let bytes =
            self.call(operation, Request { method: "GET", path, headers: Vec::new(), body: Vec::new() }).await?;
        Ok(parse_xml(&bytes))
    }

    /// `GET path` of a REST service whose answers are JSON.
    pub async fn get_json(&self, operation: &'static str, path: String) -> RawResult<serde_json::Value> {
        let bytes =
            self.call(operation, Request { method: "GET", path, headers: Vec::new(), body: Vec::new() }).await?;
        Ok(if bytes.is_empty() { serde_json::Value::Null } else { parse_json(&bytes) })
    }

    async fn call(&self, operation: &'static str, request: Request) -> RawResult<Vec<u8>> {
        let config = &self.config;
        let retry = config.retry_config().cloned().unwrap_or_else(RetryConfig::standard);
        let timeouts = config.timeout_config().cloned().unwrap_or_else(TimeoutConfig::disabled);
        let host = self.url.clone();
        let mut builder = Operation::builder()
            .service_name(self.service.name)
            .operation_name(operation)
            .endpoint_url(&self.url)
            .standard_retry(&retry)
            .timeout_config(timeouts)
            .retry_classifier(HttpStatusCodeClassifier::default())
            .retry_classifier(TransientErrorClassifier::<RawError>::new())
            .retry_classifier(AwsErrorCodeClassifier::<RawError>::new())
            .retry_classifier(MalformedIsTransient)
            .interceptor(self.guard.clone())
            .interceptor(self.whole.clone())
            .runtime_plugin(Signing::new(config, self.service.signing, &self.signing_region));
        if let Some(http) = config.http_client() {
            builder = builder.http_client(http);
        }
        if let Some(sleep) = config.sleep_impl() {
            builder = builder.sleep_impl(sleep);
        }
        if let Some(time) = config.time_source() {
            builder = builder.time_source(time);
        }
        if let Some(version) = config.behavior_version() {
            builder = builder.behavior_version(version);
        }
        let operation = builder
            .serializer(move |request: Request| {
                let mut http = http::Request::builder().method(request.method).uri(format!("{host}{}", request.path));
                for (name, value) in request.headers {
                    http = http.header(name, value);
                }
                let http = http.body(SdkBody::from(request.body)).map_err(BoxError::from)?;
                HttpRequest::try_from(http).map_err(BoxError::from)
            })
            .deserializer(|response: &HttpResponse| {
                if response.status().is_success() {
                    Ok(response.body().bytes().unwrap_or_default().to_vec())
                } else {
                    Err(OrchestratorError::operation(RawError::of(response)))
                }
            })
            .build();
        operation.invoke(request).await
    }
}

/// Signs every attempt with `SigV4`, with the session's credentials (cached as the SDK
/// clients cache them).
#[derive(Debug)]
struct Signing {
    layer: FrozenLayer,
    components: RuntimeComponentsBuilder,
}

impl Signing {
    fn new(config: &SdkConfig, name: &'static str, region: &str) -> Self {
        let mut layer = Layer::new("leftover.raw.signing");
        layer.store_put(AuthSchemeOptionResolverParams::new(()));
        layer.store_put(SigV4OperationSigningConfig {
            region: Some(SigningRegion::from(aws_types::region::Region::new(region.to_owned()))),
            name: Some(SigningName::from_static(name)),
            ..Default::default()
        });
        let mut components = RuntimeComponentsBuilder::new("leftover.raw.signing")
            .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![SCHEME_ID])))
            .with_auth_scheme(SigV4AuthScheme::new())
            .with_identity_cache(Some(config.identity_cache().unwrap_or_else(|| IdentityCache::lazy().build())));
        if let Some(credentials) = config.credentials_provider() {
            components = components.with_identity_resolver(SCHEME_ID, SharedIdentityResolver::new(credentials));
        }
        Self { layer: layer.freeze(), components }
    }
}

impl RuntimePlugin for Signing {
    fn config(&self) -> Option<FrozenLayer> {
        Some(self.layer.clone())
    }

    fn runtime_components(&self, _: &RuntimeComponentsBuilder) -> Cow<'_, RuntimeComponentsBuilder> {
        Cow::Borrowed(&self.components)
    }
}

/// A whole answer that is not JSON reaches here only when the whole-answer check let it
/// pass (an untyped body): it reads as nothing rather than failing the listing twice.
fn parse_json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap_or(serde_json::Value::Null)
}

fn parse_xml(bytes: &[u8]) -> super::xml::Node {
    std::str::from_utf8(bytes).ok().and_then(super::xml::parse).unwrap_or_default()
}

/// `application/x-www-form-urlencoded`, as `SigV4` and AWS Query expect it: unreserved
/// characters as they are, everything else percent-encoded (a space too).
fn form_encode(text: &str) -> Cow<'_, str> {
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    if text.bytes().all(keep) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// Percent-encodes one path segment or query value of a REST request.
pub fn path_encode(text: &str) -> Cow<'_, str> {
    form_encode(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_30_forms_and_paths_are_encoded_as_sigv4_expects() {
        assert_eq!(form_encode("abc-_.~9"), "abc-_.~9");
        assert_eq!(form_encode("a b/c=d&é"), "a%20b%2Fc%3Dd%26%C3%A9");
    }

    #[test]
    fn issue_30_global_endpoints_are_the_partitions_own() {
        let iam = Service {
            name: "iam",
            signing: "iam",
            endpoint: Endpoint::Global("iam"),
            protocol: Protocol::Query { version: "" },
        };
        assert_eq!(iam.url_and_region("eu-west-1"), ("https://iam.amazonaws.com".into(), "us-east-1".into()));
        assert_eq!(
            iam.url_and_region("cn-northwest-1"),
            ("https://iam.cn-north-1.amazonaws.com.cn".into(), "cn-north-1".into())
        );
        assert_eq!(
            iam.url_and_region("us-gov-east-1"),
            ("https://iam.us-gov.amazonaws.com".into(), "us-gov-west-1".into())
        );
        let logs = Service {
            name: "logs",
            signing: "logs",
            endpoint: Endpoint::Regional("logs"),
            protocol: Protocol::Json { target: "" },
        };
        assert_eq!(
            logs.url_and_region("ap-south-1"),
            ("https://logs.ap-south-1.amazonaws.com".into(), "ap-south-1".into())
        );
        assert_eq!(
            logs.url_and_region("cn-north-1"),
            ("https://logs.cn-north-1.amazonaws.com.cn".into(), "cn-north-1".into())
        );
    }

    fn answer(status: u16, headers: &[(&str, &str)], body: &'static str) -> HttpResponse {
        let mut response = http::Response::builder().status(status);
        for (k, v) in headers {
            response = response.header(*k, *v);
        }
        HttpResponse::try_from(response.body(SdkBody::from(body)).expect("response")).expect("converts")
    }

    #[test]
    fn issue_30_error_codes_are_read_from_every_protocol() {
        let json = RawError::of(&answer(
            400,
            &[],
            r#"{"__type":"com.amazonaws.kms#AccessDeniedException","message":"no kms:ListKeys"}"#,
        ));
        assert_eq!((json.code(), json.message()), (Some("AccessDeniedException"), Some("no kms:ListKeys")));
        let header = RawError::of(&answer(
            403,
            &[("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/")],
            "{}",
        ));
        assert_eq!(header.code(), Some("AccessDeniedException"));
        let xml = RawError::of(&answer(
            403,
            &[],
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no &amp; never</Message></Error></ErrorResponse>",
        ));
        assert_eq!((xml.code(), xml.message()), (Some("AccessDenied"), Some("no & never")));
        let bare = RawError::of(&answer(503, &[], ""));
        assert_eq!(bare.code(), None);
        assert_eq!(bare.to_string(), "HTTP 503 without an error code");
    }
}
