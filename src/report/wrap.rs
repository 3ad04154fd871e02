//! wrap: fits text to a width counted in display columns, as a terminal shows them (a CJK
//! character takes two, a combining mark none; the same count the table crate uses). Lines
//! break at spaces; a word wider than a line is cut after a separator (`/`, `:`, `.`, `-`…)
//! or else between two characters, never inside one. Pure: the text renderers call it
//! before they colour anything.

use unicode_width::UnicodeWidthChar;

/// The narrowest width anything is fitted to: a line must hold an indent and a word.
pub const MIN_WIDTH: usize = 20;

/// The display width of `text`, colour codes (`ESC [ … m`) left out.
pub fn width(text: &str) -> usize {
    let mut total = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // A CSI sequence ends with its first letter (`m` for a colour).
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            total += c.width().unwrap_or(0);
        }
    }
    total
}

/// Where a word too wide for a line is best cut: after these (paths, ARNs, addresses, ids).
const BREAK_AFTER: [char; 7] = ['/', ':', '.', '-', '_', ',', '='];

/// The longest start of `text` at most `room` columns wide (at least one character, so that
/// a line always moves on): its length in bytes and its width.
fn prefix_within(text: &str, room: usize) -> (usize, usize) {
    let mut end = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > room && i > 0 {
            break;
        }
        end = i + c.len_utf8();
        used += w;
    }
    (end, used)
}

/// One line being filled: the text, its width, and whether it holds more than its indent.
struct Line {
    text: String,
    width: usize,
    filled: bool,
}

impl Line {
    fn new(indent: &str) -> Self {
        Self { text: indent.to_owned(), width: width(indent), filled: false }
    }

    fn push(&mut self, text: &str, text_width: usize) {
        self.text.push_str(text);
        self.width += text_width;
        self.filled = true;
    }
}

/// The lines of one paragraph within `max` columns: the first starts with `first`, the
/// others with `rest`. Spaces between words on a line are kept as they are (aligned columns
/// stay aligned); a line never starts or ends with one. A word wider than a line is cut
/// after a separator or between characters. An empty paragraph is one line holding `first`.
pub fn wrap(text: &str, max: usize, first: &str, rest: &str) -> Vec<String> {
    let max = max.max(MIN_WIDTH);
    let mut lines = Vec::new();
    let mut line = Line::new(first);
    // Spaces seen since the last word, beyond the one that separates words.
    let mut extra = 0;
    for word in text.split(' ') {
        if word.is_empty() {
            extra += usize::from(line.filled);
            continue;
        }
        let gap = 1 + std::mem::take(&mut extra);
        let word_width = width(word);
        if line.filled && line.width + gap + word_width <= max {
            line.push(&" ".repeat(gap), gap);
            line.push(word, word_width);
            continue;
        }
        if line.filled {
            lines.push(std::mem::replace(&mut line, Line::new(rest)).text);
        }
        if line.width + word_width <= max {
            line.push(word, word_width);
            continue;
        }
        // Wider than a line: cut a line at a time, after a separator where one falls in its
        // second half, else between two characters.
        let mut left = word;
        loop {
            let (end, end_width) = prefix_within(left, max.saturating_sub(line.width));
            if end == left.len() {
                line.push(left, end_width);
                break;
            }
            let cut = left[..end]
                .char_indices()
                .rfind(|&(i, c)| BREAK_AFTER.contains(&c) && 2 * (i + 1) > end)
                .map_or(end, |(i, c)| i + c.len_utf8());
            line.push(&left[..cut], width(&left[..cut]));
            lines.push(std::mem::replace(&mut line, Line::new(rest)).text);
            left = &left[cut..];
        }
    }
    lines.push(line.text);
    lines
}

/// `parts` joined with ` · ` within `max` columns, breaking lines between parts where it
/// can (a part wider than a line is wrapped by words): a line of facts stays readable as
/// facts, each whole.
pub fn wrap_items<S: AsRef<str>>(parts: &[S], max: usize, first: &str, rest: &str) -> Vec<String> {
    let max = max.max(MIN_WIDTH);
    let mut lines = Vec::new();
    let mut line = Line::new(first);
    for part in parts.iter().map(AsRef::as_ref).filter(|p| !p.is_empty()) {
        let part_width = width(part);
        if line.filled && line.width + 3 + part_width <= max {
            line.push(" · ", 3);
            line.push(part, part_width);
            continue;
        }
        if line.filled {
            lines.push(std::mem::replace(&mut line, Line::new(rest)).text);
        }
        if line.width + part_width <= max {
            line.push(part, part_width);
            continue;
        }
        let indent = line.text.clone();
        let mut wrapped = wrap(part, max, &indent, rest);
        let last = wrapped.pop().unwrap_or_default();
        lines.extend(wrapped);
        line = Line { width: width(&last), text: last, filled: true };
    }
    lines.push(line.text);
    lines
}

/// Every line of `text` within `max` columns. A line that fits is kept as it is (aligned
/// columns included); a longer one is wrapped, its continuation indented two more than its
/// own indent.
pub fn fit(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.lines() {
        if width(line) <= max {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = &line[..line.len() - line.trim_start_matches(' ').len()];
        let rest = format!("{indent}  ");
        for wrapped in wrap(&line[indent.len()..], max, indent, &rest) {
            out.push_str(&wrapped);
            out.push('\n');
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// The widest line of `text`, in display columns.
pub fn widest(text: &str) -> usize {
    text.lines().map(width).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_within(lines: &[String], max: usize) {
        for line in lines {
            assert!(width(line) <= max, "{} columns > {max}: {line:?}", width(line));
        }
    }

    #[test]
    fn counts_display_columns_not_bytes_nor_colour() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("ネットワーク"), 12);
        assert_eq!(width("e\u{301}"), 1, "a combining mark takes no column");
        assert_eq!(width("\u{1b}[1;31merror\u{1b}[0m"), 5);
    }

    #[test]
    fn breaks_at_spaces_with_indents() {
        let lines = wrap("no state declares it; tagged Environment=qa", 20, "", "  ");
        assert_eq!(lines, ["no state declares", "  it; tagged", "  Environment=qa"]);
        assert_eq!(wrap("", 40, "> ", "  "), ["> "]);
        assert_eq!(wrap("a  b   c", 40, "", ""), ["a  b   c"], "aligned columns stay aligned");
        assert_eq!(wrap("  abcdefghij      klmnopqrstuvwxyz", 20, "", ""), ["abcdefghij", "klmnopqrstuvwxyz"]);
    }

    #[test]
    fn cuts_a_word_wider_than_a_line_between_characters() {
        let arn = format!("arn:aws:ec2:us-east-1:123456789012:volume/{}", "0".repeat(60));
        let lines = wrap(&arn, 30, "", "  ");
        all_within(&lines, 30);
        assert_eq!(lines.concat().replace(' ', ""), arn);
        // Wide characters: a line never ends halfway through one.
        let name = "ネットワーク環境".repeat(10);
        let lines = wrap(&name, 25, "", "  ");
        all_within(&lines, 25);
        assert_eq!(lines.concat().replace(' ', ""), name);
        assert!(lines[..lines.len() - 1].iter().all(|l| width(l) >= 24), "{lines:?}");
        // A path is cut after a `/` (in the second half of the line), an address after a `.`.
        let lines = wrap("tests/fixtures/incident/states/shared/redis.tfstate", 30, "", "");
        assert_eq!(lines, ["tests/fixtures/incident/", "states/shared/redis.tfstate"]);
        let lines = wrap("module.network.aws_route_table.private", 24, "", "");
        assert_eq!(lines, ["module.network.aws_", "route_table.private"]);
    }

    #[test]
    fn items_break_between_parts() {
        let parts = ["3 unmanaged, 1 missing", "scanned 1 account, 1 region, 3 states", "coverage complete"];
        assert_eq!(
            wrap_items(&parts, 70, "", ""),
            ["3 unmanaged, 1 missing · scanned 1 account, 1 region, 3 states", "coverage complete"]
        );
        let long = ["error", &"word ".repeat(20), "new"];
        let lines = wrap_items(&long, 30, "  ", "  ");
        all_within(&lines, 30);
        assert_eq!(lines.first().map(String::as_str), Some("  error"));
        assert_eq!(lines.last().map(String::as_str), Some("  new"), "{lines:?}");
        assert_eq!(lines.len(), 6, "{lines:?}");
    }

    #[test]
    fn fit_keeps_short_lines_and_indents_continuations() {
        let text = "short   aligned\n  a line that is much longer than twenty columns\n";
        assert_eq!(fit(text, 24), "short   aligned\n  a line that is much\n    longer than twenty\n    columns\n");
        assert_eq!(fit("no newline", 40), "no newline");
        assert_eq!(widest("ab\nネット"), 6);
    }
}
