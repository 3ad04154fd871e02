//! address: resource addresses rendered exactly as Terraform prints them
//! (`module.net["a"].aws_subnet.private["x"]`, `data.aws_ami.ubuntu`, `aws_instance.web[0]`).

use serde_json::Value;

/// Quotes a string key the way Terraform does (HCL quoting, template sequences escaped).
pub fn quote(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    out.push('"');
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `[0]`, `["a"]`, or nothing.
pub fn index_suffix(index_key: Option<&Value>) -> String {
    match index_key {
        Some(Value::Number(n)) => format!("[{n}]"),
        Some(Value::String(s)) => format!("[{}]", quote(s)),
        _ => String::new(),
    }
}

/// The full address of one resource instance.
pub fn render(module: Option<&str>, data: bool, tf_type: &str, name: &str, index_key: Option<&Value>) -> String {
    let mut out = String::new();
    if let Some(module) = module.filter(|m| !m.is_empty()) {
        out.push_str(module);
        out.push('.');
    }
    if data {
        out.push_str("data.");
    }
    out.push_str(tf_type);
    out.push('.');
    out.push_str(name);
    out.push_str(&index_suffix(index_key));
    out
}

/// The module address of a legacy (version 3) module path: `["root", "net"]` → `module.net`.
pub fn legacy_module(path: &[String]) -> Option<String> {
    let parts: Vec<String> = path.iter().skip(1).map(|p| format!("module.{p}")).collect();
    if parts.is_empty() { None } else { Some(parts.join(".")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_like_terraform() {
        assert_eq!(render(None, false, "aws_instance", "web", Some(&json!(0))), "aws_instance.web[0]");
        assert_eq!(
            render(Some("module.net[\"a\"]"), false, "aws_subnet", "private", Some(&json!("x"))),
            "module.net[\"a\"].aws_subnet.private[\"x\"]"
        );
        assert_eq!(render(None, true, "aws_ami", "ubuntu", None), "data.aws_ami.ubuntu");
        assert_eq!(quote("a\"b${c}"), "\"a\\\"b$${c}\"");
        assert_eq!(
            legacy_module(&["root".into(), "net".into(), "sub".into()]).as_deref(),
            Some("module.net.module.sub")
        );
        assert_eq!(legacy_module(&["root".into()]), None);
    }
}
