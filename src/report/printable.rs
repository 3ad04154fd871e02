//! printable: text from AWS or a state made safe for a terminal. Tag values, names and
//! state keys are free text: a control character, an escape sequence or a bidirectional
//! override in one could move the cursor, recolour or hide what follows, or make a line
//! read differently from what it is. Pure.

use std::borrow::Cow;

/// Unicode's explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069): they reorder what follows them on screen.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` must not reach a terminal: C0 and C1 controls, DEL, bidi controls.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `text` without control characters (C0, C1, DEL), ANSI escape sequences (ESC or CSI
/// with what they carry) or bidi overrides. Tabs and line breaks become a space, so that a
/// value stays on its line. Borrowed when there is nothing to remove.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' | '\n' | '\r' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            // ESC: a CSI (`ESC [`), an OSC (`ESC ]`) or a two-character sequence.
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']') => skip_osc(&mut chars),
                _ => {}
            },
            // The 8-bit forms of CSI and OSC.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' => skip_osc(&mut chars),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Skips a CSI sequence's parameters and intermediates, and its final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        chars.next();
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Not a CSI after all: what follows is text again.
            return;
        }
    }
}

/// Skips an OSC sequence up to its terminator (BEL, ST or `ESC \`).
fn skip_osc(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(printable("web-01 (Environment=dev)"), Cow::Borrowed(_)));
        assert_eq!(printable("ünïcødé ネットワーク"), "ünïcødé ネットワーク");
    }

    #[test]
    fn issue_12_controls_escapes_and_bidi_overrides_are_stripped() {
        assert_eq!(printable("red\u{1b}[31mALERT\u{1b}[0m"), "redALERT");
        assert_eq!(printable("a\u{1b}[2J\u{1b}[1;1Hb"), "ab");
        assert_eq!(printable("\u{1b}]0;pwned\u{7}title"), "title");
        assert_eq!(printable("\u{1b}]8;;http://x\u{1b}\\link"), "link");
        assert_eq!(printable("c1\u{9b}31mcsi"), "c1csi");
        assert_eq!(printable("bell\u{7}nul\u{0}del\u{7f}c1\u{85}"), "bellnuldelc1");
        assert_eq!(printable("line\nbreak\ttab\r\n"), "line break tab ");
        assert_eq!(printable("admin\u{202E}txt.exe"), "admintxt.exe");
        assert_eq!(printable("\u{2066}isolated\u{2069}"), "isolated");
        for text in ["\u{1b}", "\u{1b}[", "\u{1b}]", "\u{9b}", "x\u{1b}[12"] {
            assert!(!printable(text).chars().any(is_unsafe), "{text:?}");
        }
    }
}
