//! json: the report as `leftover.report/v2` JSON.

use super::report::Report;

/// Writes the report as pretty JSON with a trailing newline, as it is serialized: a report
/// of a million findings is never held as one string.
pub fn write_to(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// Pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    // Serializing plain data with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"));
    text.push('\n');
    text
}
