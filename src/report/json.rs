//! json: the report as `leftover.report/v2` JSON.

use super::report::Report;

/// Pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    // Serializing plain data with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"));
    text.push('\n');
    text
}
