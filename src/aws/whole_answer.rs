//! `whole_answer`: the interceptor every AWS client leftover builds carries beside the
//! read-only guard. It checks that each answer the SDK deserialized was whole before its
//! contents are used: an XML body is one well-formed document whose root element is closed,
//! a JSON body parses whole. The SDK's own deserializers return what they parsed before a
//! document ended, so a body cut short would otherwise read as a shorter list. A malformed
//! answer becomes a `MalformedAnswer` error, which `MalformedIsTransient` tells the retry
//! strategy to retry like any transient fault. Streamed bodies (S3 objects) are never
//! buffered here: the state reader checks those itself. It also counts, per operation,
//! the attempts answered with a throttling error and those answered with a malformed body.

use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, InterceptorContext,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction, RetryClassifierPriority};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use quick_xml::events::Event;

use super::guard::ApiStats;
use crate::model::GapCause;

/// An answer whose body is not a whole document.
#[derive(Debug, thiserror::Error)]
#[error("incomplete or malformed answer ({detail})")]
pub struct MalformedAnswer {
    pub detail: String,
}

/// Whether `error`, or anything it was caused by, is a `MalformedAnswer`.
pub fn is_malformed(error: &(dyn std::error::Error + 'static)) -> bool {
    malformed_in(error).is_some()
}

/// The `MalformedAnswer` in `error`'s chain of causes, if any.
pub fn malformed_in<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a MalformedAnswer> {
    let mut current = Some(error);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<MalformedAnswer>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

/// How a body declares itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Xml,
    Json,
    Unknown,
}

fn format_of(content_type: Option<&str>, body: &[u8]) -> Format {
    let declared = content_type.unwrap_or_default().to_ascii_lowercase();
    if declared.contains("xml") {
        return Format::Xml;
    }
    if declared.contains("json") {
        return Format::Json;
    }
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => Format::Xml,
        Some(b'{' | b'[') => Format::Json,
        _ => Format::Unknown,
    }
}

/// Checks that `body` is one whole XML document: well formed, with a single root element
/// that is closed, and nothing but whitespace, comments or processing instructions after it.
pub fn check_xml(body: &[u8]) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut depth: usize = 0;
    let mut root_closed = false;
    loop {
        let event =
            reader.read_event().map_err(|err| format!("XML error at byte {}: {err}", reader.error_position()))?;
        match event {
            Event::Start(_) if root_closed => return Err("XML has a second root element".to_owned()),
            Event::Empty(_) if root_closed || depth == 0 => {
                if root_closed {
                    return Err("XML has a second root element".to_owned());
                }
                root_closed = true;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.checked_sub(1).ok_or_else(|| "XML closes an element it never opened".to_owned())?;
                if depth == 0 {
                    root_closed = true;
                }
            }
            Event::Text(text) if depth == 0 && !text.trim().is_empty() => {
                return Err("XML has text outside its root element".to_owned());
            }
            Event::CData(_) | Event::GeneralRef(_) if depth == 0 => {
                return Err("XML has text outside its root element".to_owned());
            }
            Event::Eof if depth > 0 => {
                return Err(format!("XML ends after {} bytes with {depth} element(s) still open", body.len()));
            }
            Event::Eof if !root_closed => return Err("XML has no root element".to_owned()),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Checks that `body` parses whole as one JSON value.
pub fn check_json(body: &[u8]) -> Result<(), String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .map(|_| ())
        .map_err(|err| format!("JSON error after {} bytes: {err}", body.len()))
}

/// Checks an answer's body by its declared content type (or, when it declares none, by its
/// first byte). An empty body is whole unless its type promises a document.
pub fn check_body(content_type: Option<&str>, body: &[u8]) -> Result<(), String> {
    let format = format_of(content_type, body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return match format {
            Format::Unknown => Ok(()),
            Format::Xml | Format::Json => Err("empty body where a document was declared".to_owned()),
        };
    }
    match format {
        Format::Xml => check_xml(body),
        Format::Json => check_json(body),
        Format::Unknown => Ok(()),
    }
}

/// The error code an error answer carries: the `x-amzn-ErrorType` header, a JSON `__type`
/// or `code`, or the first XML `Code` element.
fn error_code(response: &HttpResponse, body: &[u8]) -> Option<String> {
    if let Some(kind) = response.headers().get("x-amzn-errortype") {
        return kind.split(':').next().map(str::to_owned);
    }
    match format_of(response.headers().get("content-type"), body) {
        Format::Json => {
            let value: serde_json::Value = serde_json::from_slice(body).ok()?;
            let code = value.get("__type").or_else(|| value.get("code")).and_then(serde_json::Value::as_str)?;
            Some(code.rsplit('#').next().unwrap_or(code).to_owned())
        }
        Format::Xml => {
            let mut reader = quick_xml::Reader::from_reader(body);
            let mut in_code = false;
            loop {
                match reader.read_event().ok()? {
                    Event::Start(start) => in_code = start.local_name().as_ref() == "Code",
                    Event::Text(text) if in_code => return Some(text.trim().to_owned()),
                    Event::End(_) => in_code = false,
                    Event::Eof => return None,
                    _ => {}
                }
            }
        }
        Format::Unknown => None,
    }
}

/// Whether an answer says the caller was throttled.
fn is_throttle(response: &HttpResponse, body: &[u8]) -> bool {
    response.status().as_u16() == 429
        || error_code(response, body).is_some_and(|code| GapCause::of_code(&code) == GapCause::Throttled)
}

/// The interceptor. Cheap to clone; clones share counters.
#[derive(Debug, Clone, Default)]
pub struct WholeAnswer {
    stats: Arc<ApiStats>,
}

impl WholeAnswer {
    pub fn new(stats: Arc<ApiStats>) -> Self {
        Self { stats }
    }

    fn count(&self, cfg: &ConfigBag, f: impl FnOnce(&mut super::guard::OperationStats)) {
        if let Some(m) = cfg.load::<Metadata>() {
            self.stats.update(format!("{}:{}", m.service(), m.name()), f);
        }
    }
}

impl Intercept for WholeAnswer {
    fn name(&self) -> &'static str {
        "leftover-whole-answer"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        // Only a body already read into memory is checked: a streamed body (an S3 object)
        // has been handed to the caller untouched, and the caller checks it as it reads.
        let Some(body) = response.body().bytes() else { return Ok(()) };
        let status = response.status();
        if !status.is_success() {
            if is_throttle(response, body) {
                self.count(cfg, |s| s.throttled += 1);
            }
            return Ok(());
        }
        // The lean reader proved it whole as it read it (`lean::ProvenWhole`).
        if cfg.load::<super::lean::ProvenWhole>().is_some_and(super::lean::ProvenWhole::is_proven) {
            return Ok(());
        }
        match check_body(response.headers().get("content-type"), body) {
            Ok(()) => Ok(()),
            Err(detail) => {
                self.count(cfg, |s| s.malformed += 1);
                let operation = cfg.load::<Metadata>().map(|m| format!("{}:{}", m.service(), m.name()));
                tracing::debug!(operation = operation.as_deref().unwrap_or("?"), %detail, "malformed answer");
                Err(Box::new(MalformedAnswer { detail }))
            }
        }
    }
}

/// Tells the retry strategy that a malformed answer is transient: it is retried with the
/// same backoff and attempt budget as a throttle or a 503.
#[derive(Debug, Clone, Copy, Default)]
pub struct MalformedIsTransient;

impl ClassifyRetry for MalformedIsTransient {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(err)) if is_malformed(err) => RetryAction::transient_error(),
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "leftover: malformed answers are transient"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \
        xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Contents><Key>a.tfstate</Key>\
        </Contents><Contents><Key>b.tfstate</Key></Contents><IsTruncated>false</IsTruncated></ListBucketResult>\n";

    #[test]
    fn issue_17_a_whole_xml_document_passes() {
        assert_eq!(check_body(Some("application/xml"), LISTING.as_bytes()), Ok(()));
        assert_eq!(check_body(None, b"<a/>"), Ok(()));
        assert_eq!(check_body(Some("text/xml"), b"<!-- c --><a><b>x &amp; y</b></a>\n<!-- end -->"), Ok(()));
        // A byte-order mark before the declaration is allowed.
        assert_eq!(check_body(Some("text/xml"), b"\xef\xbb\xbf<?xml version=\"1.0\"?><a/>"), Ok(()));
    }

    #[test]
    fn issue_17_an_xml_document_cut_anywhere_is_malformed() {
        let bytes = LISTING.trim_end().as_bytes();
        for cut in 1..bytes.len() {
            assert!(
                check_body(Some("application/xml"), &bytes[..cut]).is_err(),
                "cut at {cut} passed: {}",
                String::from_utf8_lossy(&bytes[..cut])
            );
        }
        // Without a content type, the first byte tells the format.
        assert!(check_body(None, &bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn issue_17_ill_formed_xml_is_malformed() {
        assert!(check_xml(b"<a><b></a></b>").is_err());
        assert!(check_xml(b"<a></a><b></b>").is_err());
        assert!(check_xml(b"<a></a>trailing").is_err());
        assert!(check_xml(b"</a>").is_err());
        assert!(check_body(Some("text/xml"), b"").is_err());
    }

    #[test]
    fn issue_17_json_must_parse_whole() {
        let page = br#"{"PaginationToken":"","ResourceTagMappingList":[{"ResourceARN":"arn:aws:ec2:x","Tags":[]}]}"#;
        assert_eq!(check_body(Some("application/x-amz-json-1.1"), page), Ok(()));
        for cut in 1..page.len() {
            assert!(check_body(Some("application/x-amz-json-1.1"), &page[..cut]).is_err(), "cut at {cut} passed");
        }
        assert!(check_body(Some("application/json"), b"").is_err());
        assert!(check_json(br#"{"a":1} {"b":2}"#).is_err());
    }

    #[test]
    fn issue_17_an_untyped_empty_or_binary_body_is_left_alone() {
        assert_eq!(check_body(None, b""), Ok(()));
        assert_eq!(check_body(Some("application/octet-stream"), b"\x00\x01"), Ok(()));
    }

    fn response(status: u16, content_type: &'static str, body: &'static [u8]) -> HttpResponse {
        let status = aws_smithy_runtime_api::http::StatusCode::try_from(status).expect("status");
        let mut response = HttpResponse::new(status, aws_smithy_types::body::SdkBody::from(body));
        response.headers_mut().insert("content-type", content_type);
        response
    }

    #[test]
    fn issue_17_throttles_are_told_by_their_code_not_by_their_status() {
        let ec2 = b"<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>";
        assert!(is_throttle(&response(503, "text/xml", ec2), ec2));
        let unavailable = b"<Response><Errors><Error><Code>Unavailable</Code></Error></Errors></Response>";
        assert!(!is_throttle(&response(503, "text/xml", unavailable), unavailable));
        let s3 = b"<Error><Code>SlowDown</Code><Message>reduce</Message></Error>";
        assert!(is_throttle(&response(503, "application/xml", s3), s3));
        let tagging = br#"{"__type":"com.amazonaws#ThrottlingException","Message":"Rate exceeded"}"#;
        assert!(is_throttle(&response(400, "application/x-amz-json-1.1", tagging), tagging));
        let denied = br#"{"__type":"AccessDeniedException","Message":"no"}"#;
        assert!(!is_throttle(&response(400, "application/x-amz-json-1.1", denied), denied));
        assert!(is_throttle(&response(429, "application/json", b"{}"), b"{}"));
    }

    #[test]
    fn issue_17_the_malformed_error_is_found_through_its_causes() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] MalformedAnswer);
        let outer = Outer(MalformedAnswer { detail: "cut".to_owned() });
        assert!(is_malformed(&outer));
        assert!(!is_malformed(&std::io::Error::other("x")));
    }
}
