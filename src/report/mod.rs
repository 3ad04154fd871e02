//! report: renders a `Report` as a table, JSON, markdown or HTML, and writes it. The only
//! module that writes results; everything else returns data.

pub mod age;
pub mod baseline;
pub mod explanation;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod merge;
pub mod printable;
#[allow(clippy::module_inception)]
pub mod report;
pub mod sections;
pub mod states;
pub mod style;
pub mod table;
pub mod write;

pub use format::Format;
pub use report::{Coverage, Report, ReportFinding, Scope, StateScope};
pub use style::Style;

/// How to render, per format.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    pub table: table::TableOptions,
}

/// A format this build cannot render.
#[derive(Debug, thiserror::Error)]
#[error("--format {0} is not available in this build")]
pub struct UnsupportedFormat(&'static str);

/// `1 finding`, `2 findings`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Renders a report in a format.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> Result<String, UnsupportedFormat> {
    match format {
        Format::Table => Ok(table::render(report, options.table)),
        Format::Json => Ok(json::render(report)),
        Format::Markdown => Ok(markdown::render(report)),
        Format::Html => Ok(html::render(report)),
    }
}
