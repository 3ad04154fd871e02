//! chain: a listing whose calls each need the answer before (the tagging API's pages) runs
//! on a runtime of its own, one thread, beside the workers. When a region's answers arrive
//! together, reading them keeps every worker busy for tens of milliseconds, and a task of
//! the same workers whose answer has just come waits behind them before it can ask for its
//! next page: on the longest chain of the scan, every wait is paid in sequence. On a thread
//! of its own, which the system wakes as soon as its answer comes (it has slept), the next
//! page goes out at once; the work it does per page is small.
//!
//! A connection is driven on the runtime that opened it. The tagging API has an endpoint of
//! its own, so the connections the shared pool keeps for it were opened by the chain and are
//! driven on its thread too; a second pool (one more TLS configuration, more connections)
//! measured no faster. The depth of the chain (`--stats`) is carried across; a listing
//! abandoned at the scan's deadline is stopped there as well.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use tokio::runtime::Runtime;
use tokio::task::{JoinError, JoinHandle};

use super::Listing;
use crate::bounded::round_trips;

/// The chain runtime, started on first use; `None` when its thread cannot start, and the
/// listing then runs where it is awaited.
fn runtime() -> Option<&'static Runtime> {
    static RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("leftover-chain")
                .thread_stack_size(8 << 20)
                .enable_all()
                .build()
                .ok()
        })
        .as_ref()
}

/// Runs `listing` on the chain runtime; the error says why it ended without a listing.
pub async fn run<F>(listing: F) -> Result<Listing, String>
where
    F: Future<Output = Listing> + Send + 'static,
{
    let Some(runtime) = runtime() else {
        return Ok(listing.await);
    };
    // From the depth reached where it was started, as a spawned task of this runtime would.
    let task = Abandoned(runtime.spawn(round_trips::branch(listing)));
    task.await.map_err(|err: JoinError| {
        if err.is_panic() {
            std::panic::resume_unwind(err.into_panic());
        }
        err.to_string()
    })
}

/// A task of the chain runtime, stopped when nothing waits for it any more (the scan's
/// deadline passed): its calls would otherwise go on after the gap was recorded.
struct Abandoned<T>(JoinHandle<T>);

impl<T> Future for Abandoned<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for Abandoned<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::LiveResource;

    #[tokio::test]
    async fn issue_16_a_listing_runs_on_the_chain_thread_and_keeps_its_depth() {
        let listing = round_trips::root(async {
            round_trips::reached(2);
            run(async {
                let mut out = Listing::default();
                let thread = std::thread::current().name().map(str::to_owned).unwrap_or_default();
                let depth = round_trips::current();
                out.resources.push(LiveResource::new("ec2:vpc", format!("{thread}/{depth}"), "1", "r"));
                out
            })
            .await
        })
        .await
        .expect("ran");
        assert_eq!(listing.resources[0].id, "leftover-chain/2");
    }

    #[tokio::test]
    async fn issue_16_a_listing_dropped_before_its_end_is_stopped_on_the_chain_thread() {
        let (started, ran) = tokio::sync::oneshot::channel();
        let (dropped, stopped) = tokio::sync::oneshot::channel::<()>();
        let listing = run(async move {
            let _ = started.send(());
            // Holds `dropped` until the task is stopped: its receiver then hears it closed.
            let _held = dropped;
            std::future::pending::<()>().await;
            Listing::default()
        });
        let waited = tokio::time::timeout(std::time::Duration::from_millis(50), async { tokio::join!(listing, ran).0 });
        assert!(waited.await.is_err(), "the listing never ends by itself");
        assert!(stopped.await.is_err(), "the abandoned listing is stopped, its state dropped");
    }

    #[tokio::test]
    #[should_panic(expected = "a listing's own panic")]
    async fn issue_16_a_panic_on_the_chain_thread_is_raised_where_it_is_awaited() {
        let _ = run(async { panic!("a listing's own panic") }).await;
    }
}
