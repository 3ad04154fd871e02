//! env: every environment variable leftover reads, in one place.

/// Points every AWS client at another endpoint (an emulator); read by `aws-config` itself,
/// and by leftover to switch S3 to path-style addressing.
pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
/// The S3-specific endpoint override, honoured the same way.
pub const AWS_ENDPOINT_URL_S3: &str = "AWS_ENDPOINT_URL_S3";
/// The width, in columns, that tables and text fit when stdout is not a terminal (a
/// terminal gives its own) and `--width` is not given.
pub const COLUMNS: &str = "COLUMNS";
/// Disables colour in terminal output (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// Filter for `--verbose` logs, in `tracing-subscriber`'s `EnvFilter` syntax.
pub const LEFTOVER_LOG: &str = "LEFTOVER_LOG";
/// Where to write `--stats-json` when the flag is not given (a cron's environment).
pub const LEFTOVER_STATS_JSON: &str = "LEFTOVER_STATS_JSON";
/// Set (to anything but `0`), the largest EC2 answers are deserialized whole by the SDK
/// rather than read lean, to what the inventory reads (`aws::lean`): a diagnostic, and the
/// tests' comparison.
pub const LEFTOVER_WHOLE_ANSWERS: &str = "LEFTOVER_WHOLE_ANSWERS";
/// The user Terraform's `http` backend sends with basic auth; leftover sends it with a GET
/// of an `http(s)://` state source (when the address holds no user of its own).
pub const TF_HTTP_USERNAME: &str = "TF_HTTP_USERNAME";
/// The password of that basic auth (GitLab: a token with `read_api`); with no user, it is
/// a GitLab project's token for `gitlab://` sources.
pub const TF_HTTP_PASSWORD: &str = "TF_HTTP_PASSWORD";
/// Headers sent with the GET of an `http(s)://` state source, one `Name: value` a line
/// (`PRIVATE-TOKEN: …`, `Authorization: Bearer …`).
pub const LEFTOVER_HTTP_HEADERS: &str = "LEFTOVER_HTTP_HEADERS";
/// A GitLab token (scope `read_api`) for `gitlab://` sources.
pub const GITLAB_TOKEN: &str = "GITLAB_TOKEN";
/// The Terraform Cloud / Enterprise host of `tfc://` sources (Terraform's own variable);
/// `app.terraform.io` when unset.
pub const TF_CLOUD_HOSTNAME: &str = "TF_CLOUD_HOSTNAME";
/// The address of the Terraform Cloud / Enterprise API of `tfc://` sources
/// (`scheme://host[:port]`), when it is not `https://` and the host: a Terraform Enterprise
/// reached through another address.
pub const LEFTOVER_TFC_ADDRESS: &str = "LEFTOVER_TFC_ADDRESS";
/// Prefix of Terraform's per-host API tokens: `TF_TOKEN_app_terraform_io` (the host's dots
/// as `_`, its hyphens as `__`).
pub const TF_TOKEN_PREFIX: &str = "TF_TOKEN_";
/// The home directory, where `terraform login` keeps its tokens
/// (`~/.terraform.d/credentials.tfrc.json`).
pub const HOME: &str = "HOME";
