//! bounded: runs tasks on the runtime, a bounded number at once, and hands back an outcome
//! for every task it was given. A task that panics or is cancelled comes back as [`Lost`]
//! beside its label, so the caller can turn it into a coverage gap naming what was lost:
//! nothing spawned here is ever dropped in silence. A task goes on from its spawner's depth
//! on the chain of AWS answers ([`round_trips`]). No AWS and no I/O of its own.

pub(crate) mod round_trips;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::{Id, JoinSet};

/// Why a task gave no result.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Lost {
    /// The task panicked; the panic's message, where it had one.
    #[error("the task panicked: {0}")]
    Panicked(String),
    /// The task was cancelled (the runtime shut down, or it was aborted).
    #[error("the task was cancelled")]
    Cancelled,
}

/// Tasks spawned with a label each; [`Bounded::join_all`] returns every label with its outcome.
#[derive(Debug)]
pub struct Bounded<L, T> {
    set: JoinSet<T>,
    labels: Vec<(Id, L)>,
}

impl<L, T: Send + 'static> Default for Bounded<L, T> {
    fn default() -> Self {
        Self { set: JoinSet::new(), labels: Vec::new() }
    }
}

impl<L, T: Send + 'static> Bounded<L, T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Spawns `task`, which starts once it holds a permit of `limit`.
    pub fn spawn<F>(&mut self, label: L, limit: &Arc<Semaphore>, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        let limit = Arc::clone(limit);
        let handle = self.set.spawn(round_trips::branch(async move {
            // The semaphore is never closed, so acquiring cannot fail; were it to, running
            // unbounded is still correct.
            let _permit = limit.acquire_owned().await.ok();
            task.await
        }));
        self.labels.push((handle.id(), label));
    }

    /// Waits for every task; returns each label, in the order spawned, with its result or
    /// why it has none.
    pub async fn join_all(mut self) -> Vec<(L, Result<T, Lost>)> {
        let mut done: HashMap<Id, Result<T, Lost>> = HashMap::with_capacity(self.labels.len());
        while let Some(joined) = self.set.join_next_with_id().await {
            match joined {
                Ok((id, value)) => {
                    done.insert(id, Ok(value));
                }
                Err(err) => {
                    let id = err.id();
                    let lost =
                        if err.is_panic() { Lost::Panicked(panic_message(err.into_panic())) } else { Lost::Cancelled };
                    done.insert(id, Err(lost));
                }
            }
        }
        // Every label gets an outcome: one the set never handed back counts as lost.
        self.labels.into_iter().map(|(id, label)| (label, done.remove(&id).unwrap_or(Err(Lost::Cancelled)))).collect()
    }
}

/// The text of a panic's payload.
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(text) => (*text).to_owned(),
            Err(_) => "(no message)".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_task_comes_back_with_its_label_even_when_it_panics() {
        let limit = Arc::new(Semaphore::new(2));
        let mut tasks = Bounded::new();
        for n in 0..6_u32 {
            tasks.spawn(format!("task {n}"), &limit, async move {
                assert!(n != 3, "task {n} fell over");
                n * 10
            });
        }
        let outcomes = tasks.join_all().await;
        assert_eq!(outcomes.len(), 6);
        for (n, (label, outcome)) in outcomes.into_iter().enumerate() {
            assert_eq!(label, format!("task {n}"));
            if n == 3 {
                assert_eq!(outcome, Err(Lost::Panicked("task 3 fell over".to_owned())));
            } else {
                assert_eq!(outcome, Ok(u32::try_from(n).expect("small") * 10));
            }
        }
    }

    #[tokio::test]
    async fn no_more_than_the_limit_run_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let limit = Arc::new(Semaphore::new(3));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Bounded::new();
        for n in 0..20 {
            let (running, most) = (running.clone(), most.clone());
            tasks.spawn(n, &limit, async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                running.fetch_sub(1, Ordering::SeqCst);
            });
        }
        let outcomes = tasks.join_all().await;
        assert!(outcomes.iter().all(|(_, o)| o.is_ok()));
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }
}
