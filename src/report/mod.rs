//! report: renders a `Report` as a table, JSON, markdown or HTML, and writes it. The only
//! module that writes results; everything else returns data.

pub(crate) mod age;
pub(crate) mod baseline;
pub(crate) mod explanation;
pub(crate) mod format;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod merge;
pub(crate) mod min_age;
pub(crate) mod printable;
#[allow(clippy::module_inception)]
pub(crate) mod report;
pub(crate) mod sections;
pub(crate) mod states;
pub(crate) mod style;
pub(crate) mod table;
pub(crate) mod wrap;
pub(crate) mod write;

pub use format::Format;
pub use report::{Coverage, Report, ReportFinding, Scope, StateScope, WhoSummary};
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
