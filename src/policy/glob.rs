//! glob: shell-style patterns for policies (`*`, `?`, `[a-z]`, `[!x]`, `\` escapes).
//! A pattern is checked when the policy is loaded, so a bad one is a load error.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Literal(char),
    Any,
    Star,
    Class { negated: bool, ranges: Vec<(char, char)> },
}

/// A compiled pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct Glob {
    text: String,
    tokens: Vec<Token>,
    /// No wildcard, class or escape: matching is comparing.
    plain: bool,
}

impl fmt::Debug for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glob({:?})", self.text)
    }
}

impl fmt::Display for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A pattern that does not compile, with why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad glob {pattern:?}: {reason}")]
pub struct GlobError {
    pub pattern: String,
    pub reason: &'static str,
}

impl Glob {
    pub fn new(pattern: &str) -> Result<Self, GlobError> {
        let err = |reason| GlobError { pattern: pattern.to_owned(), reason };
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::Any),
                '\\' => tokens.push(Token::Literal(chars.next().ok_or_else(|| err("ends with a lone backslash"))?)),
                '[' => {
                    let negated = matches!(chars.peek(), Some('!' | '^'));
                    if negated {
                        chars.next();
                    }
                    let mut ranges = Vec::new();
                    let mut first = true;
                    loop {
                        let c = chars.next().ok_or_else(|| err("unclosed character class '['"))?;
                        if c == ']' && !first {
                            break;
                        }
                        first = false;
                        let lo = if c == '\\' {
                            chars.next().ok_or_else(|| err("unclosed character class '['"))?
                        } else {
                            c
                        };
                        if chars.peek() == Some(&'-') {
                            chars.next();
                            match chars.next() {
                                Some(']') => {
                                    ranges.push((lo, lo));
                                    ranges.push(('-', '-'));
                                    break;
                                }
                                Some(hi) => {
                                    if hi < lo {
                                        return Err(err("character range is reversed"));
                                    }
                                    ranges.push((lo, hi));
                                }
                                None => return Err(err("unclosed character class '['")),
                            }
                        } else {
                            ranges.push((lo, lo));
                        }
                    }
                    tokens.push(Token::Class { negated, ranges });
                }
                c => tokens.push(Token::Literal(c)),
            }
        }
        let plain = !pattern.contains('\\') && tokens.iter().all(|t| matches!(t, Token::Literal(_)));
        Ok(Self { text: pattern.to_owned(), tokens, plain })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        if self.plain {
            return self.text == text;
        }
        // Iterative matching with backtracking to the last star; `c` is a byte offset in
        // `text`, always at a character's start. Every resource is matched against every
        // rule of a policy, so nothing is allocated here.
        let (mut t, mut c) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while let Some(ch) = text[c..].chars().next() {
            match self.tokens.get(t) {
                Some(Token::Star) => {
                    star = Some((t, c));
                    t += 1;
                    continue;
                }
                Some(token) if token_matches(token, ch) => {
                    t += 1;
                    c += ch.len_utf8();
                    continue;
                }
                _ => {}
            }
            match star {
                Some((st, sc)) => {
                    // A star was set where a character stands: it takes that one more.
                    let next = sc + text[sc..].chars().next().map_or(1, char::len_utf8);
                    t = st + 1;
                    c = next;
                    star = Some((st, next));
                }
                None => return false,
            }
        }
        self.tokens[t..].iter().all(|tok| *tok == Token::Star)
    }
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::Any => true,
        Token::Star => false,
        Token::Class { negated, ranges } => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Glob::new(p).expect("valid").matches(t)
    }

    #[test]
    fn matches_like_a_shell() {
        assert!(m("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:123:instance/i-1"));
        assert!(!m("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:123:volume/vol-1"));
        assert!(m("ELB *", "ELB app/web/1"));
        assert!(m("i-?", "i-1"));
        assert!(m("env-[a-c]", "env-b"));
        assert!(!m("env-[!a-c]", "env-b"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("*", ""));
        assert!(m("**x", "abx"));
        assert!(!m("abc", "abcd"));
        assert!(m("abc", "abc"));
        assert!(!m("abc", "ab"));
    }

    #[test]
    fn matches_text_in_any_script_character_by_character() {
        assert!(m("チーム-?", "チーム-é"));
        assert!(!m("チーム-?", "チーム-éé"));
        assert!(m("*ü*", "grün-prod"));
        assert!(m("[à-ÿ]*-*", "équipe-données"));
        assert!(!m("[!à-ÿ]*", "équipe"));
        assert!(m("*-prod", "日本語-staging-prod"));
        assert!(!m("*-prod", "日本語-production"));
        assert!(m("a*b*c", "a日b本c"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "x"));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(Glob::new("env-[abc").is_err());
        assert!(Glob::new("x\\").is_err());
        assert!(Glob::new("[z-a]").is_err());
    }
}
