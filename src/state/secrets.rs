//! secrets: keeps secret values out of everything leftover holds. Attributes a state marks
//! sensitive, attributes whose names say secret, and PEM private keys anywhere are replaced
//! before any other code sees the attributes.

use serde_json::Value;

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

/// Whether an attribute name says it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| lower.contains(s))
}

fn looks_like_private_key(text: &str) -> bool {
    text.contains("-----BEGIN") && text.contains("PRIVATE KEY")
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

/// Redacts in place: sensitive paths, secret-named attributes, PEM private keys.
pub fn redact(attributes: &mut Value, sensitive: &[Vec<Step>]) {
    for path in sensitive {
        redact_path(attributes, path);
    }
    redact_names(attributes);
}

fn redact_path(value: &mut Value, path: &[Step]) {
    let Some((first, rest)) = path.split_first() else {
        *value = Value::String(REDACTED.to_owned());
        return;
    };
    let next = match (first, value) {
        (Step::Attr(name), Value::Object(map)) => map.get_mut(name),
        (Step::Index(Value::Number(n)), Value::Array(items)) => {
            n.as_u64().and_then(|i| usize::try_from(i).ok()).and_then(|i| items.get_mut(i))
        }
        (Step::Index(Value::String(key)), Value::Object(map)) => map.get_mut(key),
        _ => None,
    };
    if let Some(next) = next {
        redact_path(next, rest);
    }
}

fn redact_names(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if is_secret_name(key) && !inner.is_null() {
                    *inner = Value::String(REDACTED.to_owned());
                } else {
                    redact_names(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_names),
        Value::String(text) if looks_like_private_key(text) => REDACTED.clone_into(text),
        _ => {}
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
    fn secret_names() {
        assert!(is_secret_name("auth_token"));
        assert!(is_secret_name("private_key_pem"));
        assert!(is_secret_name("user_data_base64"));
        assert!(!is_secret_name("vpc_id"));
        assert!(!is_secret_name("key_name"));
    }
}
