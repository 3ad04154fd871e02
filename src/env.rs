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
