//! Fuzzes the policy loader with arbitrary text layered over the built-in policy, and the
//! globs it compiles against a few resource names. A bad file must be an error that names
//! the file, never a panic.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use leftover::policy::Policy;
use libfuzzer_sys::fuzz_target;

/// The built-in policy, parsed once: each input is layered over a copy.
fn builtin() -> &'static Policy {
    static BUILTIN: OnceLock<Policy> = OnceLock::new();
    BUILTIN.get_or_init(Policy::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut policy = builtin().clone();
    match policy.layer_text("fuzz.toml", text) {
        Err(err) => {
            let message = err.to_string();
            assert!(message.starts_with("fuzz.toml"), "{message}");
        }
        Ok(()) => {
            let tags = BTreeMap::from([("Environment".to_owned(), "staging".to_owned())]);
            for (kind, id) in [("ec2:volume", "vol-0abc"), ("eks:cluster", "dev"), ("ec2:instance", text)] {
                let arn = format!("arn:aws:ec2:us-east-1:123456789012:{kind}/{id}");
                let _ = policy.ignored_by(kind, id, &arn, &tags);
            }
        }
    }
});
