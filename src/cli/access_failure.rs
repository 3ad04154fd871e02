//! `access_failure`: says in one line why the first AWS call of a run (sts:GetCallerIdentity)
//! failed, what was tried and how to fix it: no credentials, an expired SSO session or
//! token, a bad key, a wrong region, no network. Never the SDK's chain of wrapped errors.

use std::error::Error;

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Where the default chain looks for credentials, in its order.
const CHAIN: &str = "environment variables, the shared config and credentials files, SSO, web identity, \
                     container and instance roles";

/// The one-line message for a failed sts:GetCallerIdentity; `profile` is `--profile` or
/// `AWS_PROFILE`.
pub fn describe<E, R>(err: &SdkError<E, R>, profile: Option<&str>) -> String
where
    E: ProvideErrorMetadata + Error + 'static,
    R: std::fmt::Debug + 'static,
{
    // The whole chain stays available with -v.
    tracing::debug!(error = %aws_smithy_types::error::display::DisplayErrorContext(err), "sts:GetCallerIdentity failed");
    let chain = chain(err);
    let text = chain.iter().map(|e| e.to_string().to_ascii_lowercase()).collect::<Vec<_>>().join(": ");
    if let Some(credentials) = chain.iter().find_map(|e| e.downcast_ref::<CredentialsError>()) {
        return credentials_message(credentials, &text, &innermost(&chain), profile);
    }
    if let Some(code) = err.code() {
        return service_message(code, err.message().unwrap_or_default(), profile);
    }
    let detail = innermost(&chain);
    match err {
        SdkError::TimeoutError(_) => {
            "timed out asking AWS STS which account to scan: check the network and any proxy (HTTPS_PROXY), or raise \
             --call-timeout"
                .to_owned()
        }
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            "timed out connecting to AWS STS: check the network and any proxy (HTTPS_PROXY)".to_owned()
        }
        SdkError::DispatchFailure(_) if text.contains("dns") || text.contains("lookup") => format!(
            "cannot find the AWS STS endpoint ({detail}): check the region (AWS_REGION, the profile's `region`) and \
             AWS_ENDPOINT_URL"
        ),
        SdkError::DispatchFailure(_) => {
            format!("cannot reach AWS STS ({detail}): check the network, any proxy (HTTPS_PROXY) and AWS_ENDPOINT_URL")
        }
        SdkError::ConstructionFailure(_) if text.contains("region") => {
            "no AWS region is configured (tried AWS_REGION, AWS_DEFAULT_REGION and the profile's `region`): pass \
             --region REGION, or set AWS_REGION"
                .to_owned()
        }
        _ => format!("cannot find which AWS account to scan: sts:GetCallerIdentity failed: {detail}"),
    }
}

/// The error and its sources, outermost first.
fn chain<'e>(err: &'e (dyn Error + 'static)) -> Vec<&'e (dyn Error + 'static)> {
    let mut out = vec![err];
    let mut next = err.source();
    while let Some(e) = next {
        out.push(e);
        next = e.source();
    }
    out
}

/// The deepest cause, on one line and short: the part of the chain that says something.
fn innermost(chain: &[&(dyn Error + 'static)]) -> String {
    let text = chain.last().map(ToString::to_string).unwrap_or_default();
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

/// `--profile NAME` in a suggested command, when a profile is in use.
fn profile_flag(profile: Option<&str>) -> String {
    profile.map(|p| format!(" --profile {p}")).unwrap_or_default()
}

fn credentials_message(err: &CredentialsError, text: &str, detail: &str, profile: Option<&str>) -> String {
    let flag = profile_flag(profile);
    let of_profile = profile.map(|p| format!(" for profile `{p}`")).unwrap_or_default();
    if text.contains("sso") {
        return format!(
            "the AWS SSO session{of_profile} has expired or was never started ({detail}): run `aws sso login{flag}`"
        );
    }
    match err {
        CredentialsError::CredentialsNotLoaded(_) => match profile {
            None => format!(
                "no AWS credentials found (tried {CHAIN}): run `aws configure` or `aws sso login`, or set AWS_PROFILE"
            ),
            Some(p) => format!(
                "no AWS credentials found for profile `{p}` (tried {CHAIN}): check that the profile is in \
                 ~/.aws/config (or AWS_CONFIG_FILE), or run `aws configure{flag}` or `aws sso login{flag}`"
            ),
        },
        CredentialsError::ProviderTimedOut(_) => format!(
            "timed out loading AWS credentials{of_profile} (tried {CHAIN}; the last ones need the instance or \
             container metadata service): set AWS_PROFILE or run `aws configure`, or set AWS_EC2_METADATA_DISABLED=true \
             off AWS"
        ),
        CredentialsError::InvalidConfiguration(_) => format!(
            "the AWS configuration{of_profile} cannot be used ({detail}): fix the profile in ~/.aws/config (or \
             AWS_CONFIG_FILE), or run `aws configure{flag}`"
        ),
        _ => format!(
            "cannot load AWS credentials{of_profile} ({detail}): check the profile in ~/.aws/config, or run \
             `aws configure{flag}` or `aws sso login{flag}`"
        ),
    }
}

fn service_message(code: &str, message: &str, profile: Option<&str>) -> String {
    let flag = profile_flag(profile);
    let said = if message.is_empty() { code.to_owned() } else { format!("{code}: {message}") };
    match code {
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired" => format!(
            "the AWS credentials have expired ({said}): run `aws sso login{flag}`, or get new temporary credentials"
        ),
        "InvalidClientTokenId" | "UnrecognizedClientException" => format!(
            "AWS does not know these credentials ({said}): check AWS_ACCESS_KEY_ID or the profile's keys, and that \
             they belong to this partition"
        ),
        "SignatureDoesNotMatch" => format!(
            "the AWS secret key does not match the access key ({said}): check AWS_SECRET_ACCESS_KEY or the profile's \
             keys"
        ),
        _ => format!("cannot find which AWS account to scan: sts:GetCallerIdentity failed: {said}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_types::error::ErrorMetadata;

    /// A failed call whose credentials could not be loaded, wrapped as the SDK wraps it.
    fn credentials_failure(err: CredentialsError) -> SdkError<ErrorMetadata, HttpResponse> {
        SdkError::dispatch_failure(ConnectorError::other(Box::new(err), None))
    }

    fn service_failure(code: &str, message: &str) -> SdkError<ErrorMetadata, HttpResponse> {
        let meta = ErrorMetadata::builder().code(code).message(message).build();
        let raw = HttpResponse::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(403).expect("status"),
            aws_smithy_types::body::SdkBody::empty(),
        );
        SdkError::service_error(meta, raw)
    }

    #[test]
    fn issue_15_no_credentials_says_what_was_tried_and_the_fix() {
        let text = describe(&credentials_failure(CredentialsError::not_loaded("no providers in chain")), None);
        assert!(text.starts_with("no AWS credentials found (tried environment variables"), "{text}");
        assert!(text.contains("aws configure") && text.contains("aws sso login") && text.contains("AWS_PROFILE"));
        assert!(!text.contains('\n'));
        let text = describe(&credentials_failure(CredentialsError::not_loaded("none")), Some("dev"));
        assert!(text.contains("for profile `dev`") && text.contains("aws sso login --profile dev"), "{text}");
        assert!(text.contains("check that the profile is in ~/.aws/config"), "{text}");
    }

    #[test]
    fn issue_15_expired_sso_session_says_sso_login() {
        let err = CredentialsError::provider_error("failed to load SSO token: the SSO token has expired");
        let text = describe(&credentials_failure(err), Some("dev"));
        assert!(text.starts_with("the AWS SSO session for profile `dev` has expired"), "{text}");
        assert!(text.ends_with("run `aws sso login --profile dev`"), "{text}");
    }

    #[test]
    fn issue_15_other_credential_faults_name_their_cause() {
        let err = CredentialsError::invalid_configuration("profile `nope` was not defined");
        let text = describe(&credentials_failure(err), Some("nope"));
        assert!(text.contains("(profile `nope` was not defined)") && text.contains("aws configure --profile nope"));
        let err = CredentialsError::provider_timed_out(std::time::Duration::from_secs(5));
        assert!(describe(&credentials_failure(err), None).starts_with("timed out loading AWS credentials"));
    }

    #[test]
    fn issue_15_refused_credentials_say_which_fix() {
        let text =
            describe(&service_failure("ExpiredToken", "The security token included in the request is expired"), None);
        assert!(text.starts_with("the AWS credentials have expired (ExpiredToken: The security token"), "{text}");
        assert!(describe(&service_failure("InvalidClientTokenId", "x"), None).contains("AWS_ACCESS_KEY_ID"));
        assert!(describe(&service_failure("SignatureDoesNotMatch", "x"), None).contains("AWS_SECRET_ACCESS_KEY"));
    }

    #[test]
    fn issue_15_unreachable_endpoint_points_at_region_or_network() {
        let dns = std::io::Error::other("dns error: failed to lookup address information");
        let err: SdkError<ErrorMetadata, HttpResponse> = SdkError::dispatch_failure(ConnectorError::io(Box::new(dns)));
        let text = describe(&err, None);
        assert!(
            text.starts_with("cannot find the AWS STS endpoint (dns error") && text.contains("AWS_REGION"),
            "{text}"
        );
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let err: SdkError<ErrorMetadata, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        assert!(describe(&err, None).starts_with("cannot reach AWS STS"));
    }
}
