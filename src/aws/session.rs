//! session: the AWS configuration of one account and the clients built from it. Every
//! client carries the read-only guard and the whole-answer check (with its retry
//! classifier); this is the only place clients are made.

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

use super::guard::{ApiStats, ReadOnlyGuard};
use super::whole_answer::{MalformedIsTransient, WholeAnswer};
use crate::env;

/// How clients retry and time out.
#[derive(Clone, Debug)]
pub struct AwsOptions {
    /// A named profile instead of the default chain.
    pub profile: Option<String>,
    /// The region used when none is given and the chain configures none.
    pub default_region: Option<String>,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Client-side rate limiting on top of backoff (the SDK's adaptive mode).
    pub adaptive_retry: bool,
    /// Time allowed for one call, retries included.
    pub call_timeout: Duration,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        Self {
            profile: None,
            default_region: None,
            max_attempts: 6,
            adaptive_retry: false,
            call_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// The HTTP client every AWS client of a run shares: the SDK's default (hyper 1 with rustls,
/// proxies from the environment), made once. Left to itself, the SDK makes one per client,
/// each with its own connection pool and its own TLS configuration, and builds a TLS
/// configuration again to check each client it makes: a scan makes a dozen or more clients,
/// the first of them on the way to its first call.
fn shared_http_client() -> SharedHttpClient {
    let client = aws_smithy_http_client::Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = aws_smithy_http_client::ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    });
    SharedHttpClient::new(CheckedOnce(client))
}

/// An HTTP client whose connectors are made on first use only: the SDK's check, run for every
/// client made from it, would otherwise build a connector (and its TLS configuration) each
/// time and throw it away.
#[derive(Debug)]
struct CheckedOnce(SharedHttpClient);

impl HttpClient for CheckedOnce {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// One account's configuration plus the shared guard.
#[derive(Clone, Debug)]
pub struct AwsSession {
    pub config: SdkConfig,
    guard: ReadOnlyGuard,
    /// Checks every answer is whole; shares the guard's counters.
    whole: WholeAnswer,
    path_style: bool,
}

/// A regional client of each service leftover lists, each carrying the read-only guard, the
/// whole-answer check and its retry rule (EC2's also the lean reader, and S3's path style).
macro_rules! regional_clients {
    ($($name:ident => $sdk:ident;)*) => {
        impl AwsSession {
            $(
                pub fn $name(&self, region: &str) -> $sdk::Client {
                    let conf = $sdk::config::Builder::from(&self.config)
                        .region(Region::new(region.to_owned()))
                        .interceptor(self.guard.clone())
                        .interceptor(self.whole.clone())
                        .retry_classifier(MalformedIsTransient)
                        .build();
                    $sdk::Client::from_conf(conf)
                }
            )*
        }
    };
}

regional_clients! {
        eks => aws_sdk_eks;
        elasticache => aws_sdk_elasticache;
        rds => aws_sdk_rds;
        elbv2 => aws_sdk_elasticloadbalancingv2;
        elb => aws_sdk_elasticloadbalancing;
        sqs => aws_sdk_sqs;
        sns => aws_sdk_sns;
        dynamodb => aws_sdk_dynamodb;
        lambda => aws_sdk_lambda;
        tagging => aws_sdk_resourcegroupstagging;
}

impl AwsSession {
    /// Loads the standard credential chain (environment, profiles, SSO, instance roles).
    pub async fn load(options: &AwsOptions, stats: Arc<ApiStats>) -> Self {
        let base = RetryConfig::standard();
        let retry = if options.adaptive_retry { RetryConfig::adaptive() } else { base }
            .with_max_attempts(options.max_attempts.max(1))
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(20));
        let attempt_timeout = (options.call_timeout / 2).max(Duration::from_secs(1));
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(options.connect_timeout)
            .read_timeout(attempt_timeout)
            .operation_attempt_timeout(attempt_timeout)
            .operation_timeout(options.call_timeout)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry)
            .timeout_config(timeouts)
            .http_client(shared_http_client());
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        let mut config = loader.load().await;
        if config.region().is_none()
            && let Some(region) = &options.default_region
        {
            config = config.into_builder().region(Region::new(region.clone())).build();
        }
        Self::from_config(config, stats)
    }

    /// Wraps an existing configuration (another account's assumed role).
    pub fn from_config(config: SdkConfig, stats: Arc<ApiStats>) -> Self {
        // An endpoint override means an emulator or a private endpoint, where virtual-hosted
        // bucket names do not resolve: S3 then uses path-style addressing.
        let path_style = config.endpoint_url().is_some()
            || std::env::var_os(env::AWS_ENDPOINT_URL_S3).is_some()
            || std::env::var_os(env::AWS_ENDPOINT_URL).is_some();
        let whole = WholeAnswer::new(stats.clone());
        Self { config, guard: ReadOnlyGuard::new(stats), whole, path_style }
    }

    pub fn guard(&self) -> &ReadOnlyGuard {
        &self.guard
    }

    /// The configured region, if any.
    pub fn region(&self) -> Option<String> {
        self.config.region().map(ToString::to_string)
    }

    pub fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        let mut conf = aws_sdk_ec2::config::Builder::from(&self.config)
            .region(Region::new(region.to_owned()))
            .interceptor(self.guard.clone())
            .interceptor(self.whole.clone())
            .retry_classifier(MalformedIsTransient);
        if super::lean::enabled() {
            conf = conf.interceptor(super::lean::LeanEc2);
        }
        aws_sdk_ec2::Client::from_conf(conf.build())
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config)
            .region(Region::new(region.to_owned()))
            .force_path_style(self.path_style)
            .interceptor(self.guard.clone())
            .interceptor(self.whole.clone())
            .retry_classifier(MalformedIsTransient)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::config::Builder::from(&self.config)
            .interceptor(self.guard.clone())
            .interceptor(self.whole.clone())
            .retry_classifier(MalformedIsTransient)
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        let conf = aws_sdk_organizations::config::Builder::from(&self.config)
            .interceptor(self.guard.clone())
            .interceptor(self.whole.clone())
            .retry_classifier(MalformedIsTransient)
            .build();
        aws_sdk_organizations::Client::from_conf(conf)
    }

    /// STS in a given region (for sessions whose configuration names none).
    pub fn sts_in(&self, region: &str) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::config::Builder::from(&self.config)
            .region(Region::new(region.to_owned()))
            .interceptor(self.guard.clone())
            .interceptor(self.whole.clone())
            .retry_classifier(MalformedIsTransient)
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    /// The same configuration with other credentials (an assumed role), counted in the
    /// same statistics.
    #[must_use]
    pub fn with_credentials(&self, provider: aws_credential_types::provider::SharedCredentialsProvider) -> Self {
        let config = self.config.clone().into_builder().credentials_provider(provider).build();
        Self { config, guard: self.guard.clone(), whole: self.whole.clone(), path_style: self.path_style }
    }
}

impl AwsSession {
    /// A client of a service leftover calls without an SDK crate (`raw`), in `region`
    /// (a global service is called at its partition's endpoint whatever the region).
    pub fn raw(&self, service: super::raw::Service, region: &str) -> super::raw::RawClient {
        super::raw::RawClient::new(service, &self.config, region, self.guard.clone(), self.whole.clone())
    }
}
