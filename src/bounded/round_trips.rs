//! `round_trips`: how many AWS answers the running task has waited for one after another
//! (its depth on the chain of calls that each needed the previous answer), carried into the
//! tasks and branches it starts, so that each call knows how deep it is (`--stats`). No AWS
//! and no I/O of its own; outside [`root`] every call counts as depth 1.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static DEPTH: Cell<u32>;
}

/// Runs `future` as the start of every chain: nothing answered yet.
pub async fn root<F: Future>(future: F) -> F::Output {
    DEPTH.scope(Cell::new(0), future).await
}

/// Runs `future` on its own branch, from the depth reached so far: what it learns does not
/// deepen the branches beside it (two phases joined in one task, or a spawned task).
pub fn branch<F: Future>(future: F) -> impl Future<Output = F::Output> {
    DEPTH.scope(Cell::new(current()), future)
}

/// The depth of the last answer the running branch has waited for (0: none yet).
pub fn current() -> u32 {
    DEPTH.try_with(Cell::get).unwrap_or(0)
}

/// The running branch has now waited for an answer at `depth`.
pub fn reached(depth: u32) {
    // Outside `root` nothing is carried: the call still counts, at depth 1.
    let _ = DEPTH.try_with(|d| d.set(d.get().max(depth)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call: its depth is one more than what its branch had waited for.
    fn call() -> u32 {
        let depth = current() + 1;
        reached(depth);
        depth
    }

    #[tokio::test]
    async fn issue_16_a_call_is_one_deeper_than_the_answers_its_branch_waited_for() {
        root(async {
            assert_eq!(call(), 1);
            // Two branches joined: each goes on from depth 1, neither deepens the other.
            let (a, b) = tokio::join!(
                branch(async {
                    call();
                    call();
                    call()
                }),
                branch(async { call() })
            );
            assert_eq!((a, b), (4, 2));
            assert_eq!(current(), 1);
            // A spawned task starts where its spawner was.
            let spawned = tokio::spawn(branch(async { call() })).await.expect("joins");
            assert_eq!(spawned, 2);
        })
        .await;
        // Outside any chain, nothing is carried.
        assert_eq!(call(), 1);
        assert_eq!(call(), 1);
    }
}
