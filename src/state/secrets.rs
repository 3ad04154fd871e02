//! secrets: keeps secret values out of everything leftover holds. Attributes a state marks
//! sensitive, attributes whose names say secret, and PEM private keys anywhere are replaced
//! before any other code sees the attributes.

use serde_json::Value;

use super::val::Val;

/// What a redacted value becomes.
pub const REDACTED: &str = "(sensitive)";

/// Name fragments that mark an attribute as secret, lower case.
const SECRET_NAMES: &[&str] = &[
    "access_key",
    "api_key",
    "auth_token",
    "credential",
    "passphrase",
    "passwd",
    "password",
    "private_key",
    "secret",
    "token",
    "user_data",
];

/// For each byte, the range of `SECRET_NAMES` that start with it in either case (empty
/// for most): the names are sorted, so those of one first letter stand together.
#[allow(clippy::cast_possible_truncation, reason = "fewer than 256 names, asserted")]
const SECRET_STARTS: [(u8, u8); 256] = {
    assert!(SECRET_NAMES.len() < 256);
    let mut table = [(0u8, 0u8); 256];
    let mut n = 0;
    while n < SECRET_NAMES.len() {
        let first = SECRET_NAMES[n].as_bytes()[0];
        let (start, end) = table[first as usize];
        let range = if start == end { (n as u8, n as u8 + 1) } else { (start, end + 1) };
        table[first as usize] = range;
        table[first.to_ascii_uppercase() as usize] = range;
        n += 1;
    }
    table
};

/// For each byte, the second letters (bit `letter - 'a'`) of the `SECRET_NAMES` that start
/// with it in either case: most places in a name are passed over on two bytes.
const SECRET_SECONDS: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < SECRET_NAMES.len() {
        let name = SECRET_NAMES[n].as_bytes();
        assert!(name.len() >= 2 && name[1].is_ascii_lowercase());
        let bit = 1 << (name[1] - b'a');
        table[name[0] as usize] |= bit;
        table[name[0].to_ascii_uppercase() as usize] |= bit;
        n += 1;
    }
    table
};

/// Whether an attribute name says it holds a secret: a fragment of `SECRET_NAMES` in it,
/// ASCII letters of either case. Every attribute of every resource is asked, so it is
/// answered in place, without a lower-cased copy of the name, trying at each byte only the
/// names that start with it.
pub fn is_secret_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.windows(2).enumerate().any(|(at, pair)| {
        // `| 0x20` folds ASCII letters to lower case and sends every other byte outside
        // `a..=z`.
        let second = (pair[1] | 0x20).wrapping_sub(b'a');
        if second >= 26 || SECRET_SECONDS[usize::from(pair[0])] & (1 << second) == 0 {
            return false;
        }
        let (start, end) = SECRET_STARTS[usize::from(pair[0])];
        let rest = &bytes[at..];
        SECRET_NAMES[usize::from(start)..usize::from(end)]
            .iter()
            .any(|secret| rest.len() >= secret.len() && rest[..secret.len()].eq_ignore_ascii_case(secret.as_bytes()))
    })
}

fn looks_like_private_key(text: &str) -> bool {
    // Both markers, which cannot overlap, take 21 bytes: most values are shorter.
    text.len() >= 21 && text.contains("-----BEGIN") && text.contains("PRIVATE KEY")
}

/// One step of a sensitive path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Attr(String),
    Index(Value),
}

/// Reads a state's `sensitive_attributes`: a list of paths, each a list of
/// `{"type": "get_attr", "value": NAME}` or `{"type": "index", "value": {"value": K}}`
/// steps. Entries in any other shape are ignored (names still protect them).
pub fn parse_paths(raw: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    for path in raw.as_array().into_iter().flatten() {
        let steps: Vec<&Value> = match path {
            Value::Array(steps) => steps.iter().collect(),
            step @ Value::Object(_) => vec![step],
            _ => continue,
        };
        let mut parsed = Vec::new();
        for step in steps {
            match (step.get("type").and_then(Value::as_str), step.get("value")) {
                (Some("get_attr"), Some(Value::String(name))) => parsed.push(Step::Attr(name.clone())),
                (Some("index"), Some(key)) => {
                    parsed.push(Step::Index(key.get("value").cloned().unwrap_or(key.clone())));
                }
                _ => break,
            }
        }
        if !parsed.is_empty() {
            out.push(parsed);
        }
    }
    out
}

/// What redaction needs of a tree of attributes: `serde_json::Value`, or the `Val` a
/// resource block is parsed into.
pub trait Redactable: Sized {
    fn is_null(&self) -> bool;
    fn as_text(&self) -> Option<&str>;
    /// Replaces the value with `REDACTED`.
    fn redact_value(&mut self);
    /// The value one step down, if the step leads anywhere.
    fn step_mut(&mut self, step: &Step) -> Option<&mut Self>;
    /// Calls `visit` with each member of an object (its key) or item of a list (no key).
    fn each_child<F: FnMut(Option<&str>, &mut Self)>(&mut self, visit: F);
}

/// Redacts in place: sensitive paths, secret-named attributes, PEM private keys.
pub fn redact<T: Redactable>(attributes: &mut T, sensitive: &[Vec<Step>]) {
    for path in sensitive {
        redact_path(attributes, path);
    }
    redact_names(attributes);
}

fn redact_path<T: Redactable>(value: &mut T, path: &[Step]) {
    let Some((first, rest)) = path.split_first() else {
        value.redact_value();
        return;
    };
    if let Some(next) = value.step_mut(first) {
        redact_path(next, rest);
    }
}

fn redact_names<T: Redactable>(value: &mut T) {
    if value.as_text().is_some_and(looks_like_private_key) {
        value.redact_value();
        return;
    }
    value.each_child(|key, inner| {
        if key.is_some_and(is_secret_name) && !inner.is_null() {
            inner.redact_value();
        } else {
            redact_names(inner);
        }
    });
}

fn index_of(n: &serde_json::Number) -> Option<usize> {
    n.as_u64().and_then(|i| usize::try_from(i).ok())
}

impl Redactable for Value {
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }

    fn as_text(&self) -> Option<&str> {
        self.as_str()
    }

    fn redact_value(&mut self) {
        *self = Value::String(REDACTED.to_owned());
    }

    fn step_mut(&mut self, step: &Step) -> Option<&mut Self> {
        match (step, self) {
            (Step::Attr(name), Value::Object(map)) => map.get_mut(name),
            (Step::Index(Value::Number(n)), Value::Array(items)) => index_of(n).and_then(|i| items.get_mut(i)),
            (Step::Index(Value::String(key)), Value::Object(map)) => map.get_mut(key),
            _ => None,
        }
    }

    fn each_child<F: FnMut(Option<&str>, &mut Self)>(&mut self, mut visit: F) {
        match self {
            Value::Object(map) => map.iter_mut().for_each(|(k, v)| visit(Some(k), v)),
            Value::Array(items) => items.iter_mut().for_each(|v| visit(None, v)),
            _ => {}
        }
    }
}

impl Redactable for Val<'_> {
    fn is_null(&self) -> bool {
        Val::is_null(self)
    }

    fn as_text(&self) -> Option<&str> {
        self.as_str()
    }

    fn redact_value(&mut self) {
        *self = Val::Str(REDACTED);
    }

    fn step_mut(&mut self, step: &Step) -> Option<&mut Self> {
        match (step, self) {
            (Step::Attr(name), this @ Val::Obj(_)) => this.get_mut(name),
            (Step::Index(Value::Number(n)), Val::Arr(items)) => index_of(n).and_then(|i| items.get_mut(i)),
            (Step::Index(Value::String(key)), this @ Val::Obj(_)) => this.get_mut(key),
            _ => None,
        }
    }

    fn each_child<F: FnMut(Option<&str>, &mut Self)>(&mut self, mut visit: F) {
        match self {
            Val::Obj(members) => members.iter_mut().for_each(|(k, v)| visit(Some(k), v)),
            Val::Arr(items) => items.iter_mut().for_each(|v| visit(None, v)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marked_named_and_pem_values_are_redacted() {
        let mut attrs = json!({
            "id": "db-1",
            "master_password": "hunter2",
            "config": [{"opaque": "s3cr3t-value", "keep": "x"}],
            "certificate": "-----BEGIN RSA PRIVATE KEY-----\nabc",
            "tags": {"Name": "db"}
        });
        let paths = parse_paths(
            &json!([[{"type": "get_attr", "value": "config"}, {"type": "index", "value": {"value": 0, "type": "number"}}, {"type": "get_attr", "value": "opaque"}]]),
        );
        redact(&mut attrs, &paths);
        let text = attrs.to_string();
        assert!(!text.contains("hunter2"));
        assert!(!text.contains("s3cr3t-value"));
        assert!(!text.contains("BEGIN RSA"));
        assert!(text.contains("\"keep\":\"x\""));
        assert_eq!(attrs["id"], "db-1");
    }

    #[test]
    fn issue_14_secret_names_are_found_as_a_lower_cased_search_finds_them() {
        assert!(SECRET_NAMES.windows(2).all(|pair| pair[0] < pair[1]), "sorted, for SECRET_STARTS");
        let slow = |name: &str| {
            let lower = name.to_ascii_lowercase();
            SECRET_NAMES.iter().any(|s| lower.contains(s))
        };
        for name in [
            "",
            "t",
            "token",
            "TOKEN",
            "xToKeN",
            "tokeN_",
            "toke",
            "api_ke",
            "API_KEY_ID",
            "db_PassWord",
            "passw0rd",
            "my_private_key_pem",
            "user_dat",
            "USER_DATA_BASE64",
            "credentials",
            "Crédential",
            "crédential_x",
            "sécret",
            "secre",
            "a_secret",
            "access_key_id",
            "accesskey",
            "auth_tokens",
            "vpc_id",
            "tags_all",
            "pass",
        ] {
            assert_eq!(is_secret_name(name), slow(name), "{name}");
        }
        // Every name with one character changed into its other case or into a character
        // whose byte folds near a letter (`@[`{`), found as the slow search finds it.
        for secret in SECRET_NAMES {
            for at in 0..secret.len() {
                for with in ["@", "[", "`", "{", "_", "Ã", "x"] {
                    let upper =
                        format!("{}{}{}", &secret[..at], secret[at..=at].to_ascii_uppercase(), &secret[at + 1..]);
                    let changed = format!("db_{}{with}{}", &secret[..at], &secret[at + 1..]);
                    assert_eq!(is_secret_name(&upper), slow(&upper), "{upper}");
                    assert_eq!(is_secret_name(&changed), slow(&changed), "{changed}");
                }
            }
        }
    }

    #[test]
    fn secret_names() {
        assert!(is_secret_name("auth_token"));
        assert!(is_secret_name("private_key_pem"));
        assert!(is_secret_name("user_data_base64"));
        assert!(!is_secret_name("vpc_id"));
        assert!(!is_secret_name("key_name"));
    }
}
