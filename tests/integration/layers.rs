//! The architecture is the folder layout (issue 15): data flows inventory → state → graph →
//! checks → cost → report → cli, and each module imports only from the layers below it and
//! from the shared ones (`model`, `aws`, `policy` and the small utilities). A module that
//! imports from a layer above it fails this test, which names the file and the import.

use std::path::Path;

/// Every top-level module of `src/` and its layer: a module may import from a module of a
/// lower layer, never from its own layer's others or a higher one.
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("env", 0),
    ("atomic", 0),
    ("bounded", 0),
    ("progress", 0),
    ("shard", 0),
    ("aws", 1),
    ("policy", 1),
    ("inventory", 2),
    ("who", 2),
    ("state", 3),
    ("graph", 4),
    ("checks", 5),
    ("cost", 6),
    ("report", 7),
    ("plan", 8),
    ("analysis", 8),
    ("cli", 9),
];

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|(_, layer)| *layer)
}

/// The crate's top-level modules a source text names through `crate::`, with the grouped
/// form `crate::{a, b::c}` read too.
fn imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        // `leftover::crate::`-like text cannot occur; a word before `crate` (such as
        // `$crate`) is not an import of this crate.
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            out.extend(inner.split(',').map(|p| p.trim().split("::").next().unwrap_or("").to_owned()));
        } else {
            out.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether a test module says why it reaches up to `module`: a comment line
/// `// Reaches up to MODULE: why` anywhere in its file.
fn says_why(text: &str, module: &str) -> bool {
    text.lines().any(|line| {
        line.trim_start()
            .strip_prefix("// Reaches up to ")
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(named, why)| named.split(", ").any(|m| m == module) && !why.trim().is_empty())
    })
}

#[test]
fn issue_15_no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    let mut unknown = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative.components().next().unwrap().as_os_str().to_str().unwrap().trim_end_matches(".rs");
        if matches!(top, "lib" | "main") {
            continue;
        }
        let Some(own) = layer_of(top) else {
            unknown.push(top.to_owned());
            continue;
        };
        // Every line is read: the code, and its tests (a `tests.rs` or `*_tests.rs` file, or
        // what follows the first `#[cfg(test)]`). Tests may reach up to build what they test
        // with, where their file says why.
        let text = std::fs::read_to_string(file).unwrap();
        let name = relative.file_name().unwrap().to_str().unwrap();
        let (code, tests) = if name == "tests.rs" || name.ends_with("_tests.rs") {
            ("", text.as_str())
        } else {
            text.split_once("#[cfg(test)]").unwrap_or((text.as_str(), ""))
        };
        for (part, is_test) in [(code, false), (tests, true)] {
            for imported in imports(part) {
                if imported == top {
                    continue;
                }
                match layer_of(&imported) {
                    Some(layer) if layer < own => {}
                    Some(_) if is_test && says_why(&text, &imported) => {}
                    Some(_) if is_test => violations.push(format!(
                        "{}: its tests import crate::{imported} without a `// Reaches up to {imported}: why` line",
                        relative.display()
                    )),
                    Some(_) => violations.push(format!("{} imports crate::{imported}", relative.display())),
                    None => unknown.push(imported),
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(unknown.is_empty(), "modules missing from LAYERS: {unknown:?}");
    violations.sort();
    violations.dedup();
    assert!(violations.is_empty(), "imports from a layer above:\n{}", violations.join("\n"));
}

#[test]
fn issue_29_a_test_module_says_why_it_reaches_up() {
    let text = "use crate::checks;\n// Reaches up to checks, report: the join is judged by its findings.\n";
    assert!(says_why(text, "checks") && says_why(text, "report"));
    assert!(!says_why(text, "cli"));
    assert!(!says_why("// Reaches up to checks:\n", "checks"), "a reason is needed");
}

#[test]
fn issue_15_the_layer_check_sees_grouped_and_inline_imports() {
    let text = "use crate::{model::Finding, graph};\nfn f() { crate::report::x(); $crate::no(); }";
    assert_eq!(imports(text), ["model", "graph", "report"]);
}
