//! format: the forms a report takes. Each has its renderer in this module.

/// A report's form: `table` for a terminal, `json` for machines (`leftover.report/v2`),
/// `markdown` for a chat or a ticket, `html` for a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Html,
}
