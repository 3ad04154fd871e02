//! failure: turns an SDK error into a coverage gap's cause and message, keeping AWS's
//! refusals (denied, throttled, unsupported) apart from faults.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::model::{CoverageGap, GapCause};

/// One listing call that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub service: &'static str,
    pub operation: &'static str,
    pub cause: GapCause,
    pub message: String,
    /// Kinds whose listing is left incomplete.
    pub kinds: Vec<String>,
}

impl Failure {
    pub fn into_gap(self, account: &str, region: Option<&str>) -> CoverageGap {
        CoverageGap {
            service: self.service.to_owned(),
            account: Some(account.to_owned()),
            region: region.map(str::to_owned),
            operation: self.operation.to_owned(),
            error: self.message,
            cause: self.cause,
            object: None,
            kinds: self.kinds,
        }
    }

    /// A gap not tied to one account (an organisation listing, a state role).
    pub fn into_gap_anywhere(self) -> CoverageGap {
        CoverageGap { account: None, ..self.into_gap("", None) }
    }
}

/// Cause and a one-line message for any SDK error.
pub fn describe<E, R>(err: &SdkError<E, R>) -> (GapCause, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    if let Some(malformed) = super::whole_answer::malformed_in(err) {
        // Retried like a throttle; still cut short on the last attempt.
        let text = format!("every attempt was answered with an incomplete or malformed body: {}", malformed.detail);
        return (GapCause::Failed, first_line(&text));
    }
    match err {
        SdkError::TimeoutError(_) => (GapCause::Timeout, "timed out".to_owned()),
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                (GapCause::Timeout, "timed out connecting".to_owned())
            } else {
                let chain = aws_smithy_types::error::display::DisplayErrorContext(err).to_string();
                let detail = chain.strip_prefix("dispatch failure: ").unwrap_or(&chain);
                let cause = if detail.contains("credentials") { GapCause::Denied } else { GapCause::Failed };
                (cause, first_line(&format!("request not sent: {detail}")))
            }
        }
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            if let Some(code) = err.code() {
                let message = err.message().unwrap_or_default();
                let text = if message.is_empty() { code.to_owned() } else { format!("{code}: {message}") };
                (GapCause::of_code(code), text)
            } else {
                let text = aws_smithy_types::error::display::DisplayErrorContext(err).to_string();
                let cause = if text.contains("503") || text.to_ascii_lowercase().contains("throttl") {
                    GapCause::Throttled
                } else {
                    GapCause::Failed
                };
                (cause, first_line(&text))
            }
        }
        _ => {
            let text = aws_smithy_types::error::display::DisplayErrorContext(err).to_string();
            let cause = if text.contains("refused to call") { GapCause::Denied } else { GapCause::Failed };
            (cause, first_line(&text))
        }
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text);
    if line.len() > 300 {
        let mut cut = 300;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &line[..cut])
    } else {
        line.to_owned()
    }
}

/// A failure of `operation` in `service`, leaving `kinds` incomplete.
pub fn failure<E, R>(service: &'static str, operation: &'static str, kinds: &[&str], err: &SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let (cause, message) = describe(err);
    Failure { service, operation, cause, message, kinds: kinds.iter().map(|k| (*k).to_owned()).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified() {
        assert_eq!(GapCause::of_code("AccessDenied"), GapCause::Denied);
        assert_eq!(GapCause::of_code("AccessDeniedException"), GapCause::Denied);
        assert_eq!(GapCause::of_code("UnauthorizedOperation"), GapCause::Denied);
        assert_eq!(GapCause::of_code("Throttling"), GapCause::Throttled);
        assert_eq!(GapCause::of_code("ThrottlingException"), GapCause::Throttled);
        assert_eq!(GapCause::of_code("RequestLimitExceeded"), GapCause::Throttled);
        assert_eq!(GapCause::of_code("InvalidAction"), GapCause::Unsupported);
        assert_eq!(GapCause::of_code("InternalError"), GapCause::Failed);
    }
}
