//! guard: the interceptor every AWS client leftover builds carries. It refuses, before
//! anything is sent, any operation that is not a read (`Describe*`, `List*`, `Get*`, and
//! STS `AssumeRole`, which changes nothing in an account), so that no bug can become a
//! write. It also counts calls and times them per operation for `--stats` and `--verbose`,
//! and records each call's span and depth on the chain of answers (`call_depth`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use serde::Serialize;

use super::call_depth::{CallDepth, CallSpan};

/// Whether leftover may call `operation` of `service`.
pub fn is_read_only(service: &str, operation: &str) -> bool {
    let read = ["Describe", "List", "Get"].iter().any(|prefix| {
        operation.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    });
    // Besides reads: assuming a role changes nothing in an account, and CloudTrail's
    // `LookupEvents` reads its event history (`--who`).
    read || (service.eq_ignore_ascii_case("sts") && operation == "AssumeRole")
        || (service.eq_ignore_ascii_case("cloudtrail") && operation == "LookupEvents")
}

/// The guard refused an operation.
#[derive(Debug, thiserror::Error)]
#[error("leftover refused to call {service}:{operation}: it only ever calls read-only operations")]
pub struct WriteRefused {
    pub service: String,
    pub operation: String,
}

/// Calls and time spent, per operation.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct OperationStats {
    /// Executions (one per SDK call, retries included in `attempts`).
    pub calls: u64,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    pub errors: u64,
    /// Attempts answered with a throttling error (each one retried while attempts remain).
    pub throttled: u64,
    /// Attempts answered with an incomplete or malformed body (each one retried while
    /// attempts remain).
    pub malformed: u64,
    /// Total and slowest execution time, in milliseconds.
    pub total_ms: u64,
    pub max_ms: u64,
}

/// Shared counters, keyed by `service:Operation`, and the span of every call.
#[derive(Debug, Default)]
pub struct ApiStats {
    inner: Mutex<BTreeMap<String, OperationStats>>,
    spans: Mutex<Vec<CallSpan>>,
}

impl ApiStats {
    pub(super) fn update(&self, key: String, f: impl FnOnce(&mut OperationStats)) {
        // A poisoned lock only means another thread panicked mid-update; counters stay usable.
        let mut map = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(map.entry(key).or_default());
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> BTreeMap<String, OperationStats> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn record(&self, span: CallSpan) {
        self.spans.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(span);
    }

    /// How the calls lined up: round trips in sequence, the longest chain, most in flight.
    pub fn depth(&self) -> CallDepth {
        CallDepth::of(&self.spans.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Calls per operation, as the inventory records them.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.snapshot().into_iter().map(|(k, v)| (k, v.calls)).collect()
    }
}

/// When a call was sent, and its depth on the chain of answers.
#[derive(Debug, Clone, Copy)]
struct Started {
    at: Instant,
    depth: u32,
}

impl Storable for Started {
    type Storer = StoreReplace<Self>;
}

/// The interceptor. Cheap to clone; clones share counters.
#[derive(Debug, Clone, Default)]
pub struct ReadOnlyGuard {
    stats: Arc<ApiStats>,
}

impl ReadOnlyGuard {
    pub fn new(stats: Arc<ApiStats>) -> Self {
        Self { stats }
    }

    pub fn stats(&self) -> &Arc<ApiStats> {
        &self.stats
    }
}

fn key(cfg: &ConfigBag) -> Option<(String, String)> {
    cfg.load::<Metadata>().map(|m| (m.service().to_owned(), m.name().to_owned()))
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "leftover-read-only-guard"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some((service, operation)) = key(cfg) else {
            return Err("leftover refused an AWS call whose operation it cannot name".into());
        };
        if !is_read_only(&service, &operation) {
            return Err(Box::new(WriteRefused { service, operation }));
        }
        let depth = crate::bounded::round_trips::current() + 1;
        cfg.interceptor_state().store_put(Started { at: Instant::now(), depth });
        self.stats.update(format!("{service}:{operation}"), |s| s.calls += 1);
        tracing::trace!(service = %service, operation = %operation, "aws call");
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some((service, operation)) = key(cfg) {
            self.stats.update(format!("{service}:{operation}"), |s| s.attempts += 1);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some((service, operation)) = key(cfg) else { return Ok(()) };
        // No start mark: the guard refused the call, so nothing was sent and nothing counts.
        let Some(started) = cfg.load::<Started>().copied() else { return Ok(()) };
        let ended = Instant::now();
        // Whatever the task does next, it does knowing this answer.
        crate::bounded::round_trips::reached(started.depth);
        self.stats.record(CallSpan { started: started.at, ended, depth: started.depth });
        let elapsed = ended - started.at;
        let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        let failed = context.output_or_error().is_some_and(|r| r.is_err());
        self.stats.update(format!("{service}:{operation}"), |s| {
            s.total_ms += ms;
            s.max_ms = s.max_ms.max(ms);
            if failed {
                s.errors += 1;
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_pass() {
        assert!(is_read_only("ec2", "DescribeInstances"));
        assert!(is_read_only("s3", "ListObjectsV2"));
        assert!(is_read_only("s3", "GetObject"));
        assert!(is_read_only("sts", "GetCallerIdentity"));
        assert!(is_read_only("sts", "AssumeRole"));
        assert!(!is_read_only("ec2", "TerminateInstances"));
        assert!(!is_read_only("ec2", "CreateTags"));
        assert!(!is_read_only("s3", "PutObject"));
        assert!(!is_read_only("s3", "DeleteObject"));
        // A prefix alone is not enough: "Getaway" is not a Get.
        assert!(!is_read_only("x", "Getaway"));
        assert!(!is_read_only("ec2", "AssumeRole"));
        assert!(is_read_only("cloudtrail", "LookupEvents"));
        assert!(!is_read_only("logs", "LookupEvents"));
    }
}
