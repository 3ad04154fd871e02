//! location: a place in a file the user wrote, as error messages name it. Pure.

use std::fmt;

/// Where in a file the user wrote (a policy, a price table): file, line, column, key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub key: Option<String>,
}

impl Location {
    /// The place `span` starts in `text`, of the file `file`, naming `key`.
    pub fn at(file: &str, text: &str, span: std::ops::Range<usize>, key: &str) -> Self {
        let (line, column) = line_col(text, span.start);
        Self { file: file.to_owned(), line: Some(line), column: Some(column), key: Some(key.to_owned()) }
    }

    /// Where a TOML error is in `text`, and its message.
    pub fn of_toml_error(file: &str, text: &str, err: &toml::de::Error) -> (Self, String) {
        let span = err.span().unwrap_or(0..0);
        let (line, column) = line_col(text, span.start);
        let location = Self { file: file.to_owned(), line: Some(line), column: Some(column), key: key_at(text, span) };
        (location, err.message().trim().to_owned())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        Ok(())
    }
}

/// Line and column (1-based) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, column)
}

/// The key a span sits on: the text before `=` on that line, or the span itself.
pub fn key_at(text: &str, span: std::ops::Range<usize>) -> Option<String> {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let header = line.trim();
    if header.starts_with('[') {
        let name = header.trim_matches(['[', ']']).trim();
        if !name.is_empty() {
            return Some(name.to_owned());
        }
    }
    if let Some((key, _)) = line.split_once('=') {
        let key = key.trim();
        if !key.is_empty() && !key.starts_with('[') {
            return Some(key.trim_matches('"').to_owned());
        }
    }
    let spanned = text.get(span)?.trim();
    (!spanned.is_empty() && spanned.len() < 80).then(|| spanned.trim_matches(['[', ']', '"']).to_owned())
}
