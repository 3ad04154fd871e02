//! `ordered`: hands jobs to worker threads of a scope and gives their results back in the
//! order the jobs were handed in, so work spread over threads reads as if done on one. At
//! most `2 × workers` jobs are queued or being worked on at once: whoever hands jobs in
//! waits for room, so the jobs' memory stays bounded however many there are (results that
//! come back before an earlier one wait for it: they are the caller's to keep anyway).
//! Used to convert the resource blocks of a large state on several cores. Pure.

use std::collections::BTreeMap;
use std::num::NonZero;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Scope;

/// The most threads one `Ordered` is worth: past four, handing batches in is the limit.
const MOST: usize = 4;

/// Worker threads claimed across the process. Many states are parsed at once (one per
/// object being read): the first large one takes the idle cores, the others work on their
/// own threads, which the other reads already keep busy, so threads and held batches stay
/// bounded by the cores, not by the states read at once.
static CLAIMED: AtomicUsize = AtomicUsize::new(0);

/// A claim on worker threads, given back when dropped.
#[derive(Debug)]
pub struct Workers(usize);

impl Workers {
    /// Claims the cores no other claim holds, at most `MOST`; none when fewer than two
    /// are free (one worker beside the caller gains little and queues a batch).
    pub fn claim() -> Self {
        // Asking the system reads cgroup files: once per process is enough.
        static CORES: OnceLock<usize> = OnceLock::new();
        let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZero::get));
        let mut claimed = CLAIMED.load(Ordering::Relaxed);
        loop {
            let take = cores.saturating_sub(claimed).min(MOST);
            if take < 2 {
                return Self(0);
            }
            match CLAIMED.compare_exchange(claimed, claimed + take, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return Self(take),
                Err(now) => claimed = now,
            }
        }
    }

    /// How many threads were claimed.
    pub fn count(&self) -> usize {
        self.0
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        CLAIMED.fetch_sub(self.0, Ordering::AcqRel);
    }
}

/// Jobs of type `J` worked by `work` into results of type `R`, given back in order.
pub struct Ordered<'scope, 'env, J, R, F> {
    scope: &'scope Scope<'scope, 'env>,
    work: &'env F,
    workers: usize,
    jobs: Option<SyncSender<(u64, J)>>,
    results: Option<Receiver<(u64, R)>>,
    handed: u64,
    given: u64,
    /// Results that came back before an earlier one.
    early: BTreeMap<u64, R>,
}

impl<'scope, 'env, J, R, F> Ordered<'scope, 'env, J, R, F>
where
    J: Send + 'env,
    R: Send + 'env,
    F: Fn(J) -> R + Sync,
{
    /// Workers are started with the first job, not before.
    pub fn new(scope: &'scope Scope<'scope, 'env>, work: &'env F, workers: usize) -> Self {
        Self {
            scope,
            work,
            workers: workers.max(1),
            jobs: None,
            results: None,
            handed: 0,
            given: 0,
            early: BTreeMap::new(),
        }
    }

    fn start(&mut self) -> &SyncSender<(u64, J)> {
        self.jobs.get_or_insert_with(|| {
            let (jobs, queue) = mpsc::sync_channel::<(u64, J)>(self.workers);
            let (done, results) = mpsc::channel::<(u64, R)>();
            let queue = Arc::new(Mutex::new(queue));
            for _ in 0..self.workers {
                let (queue, done, work) = (queue.clone(), done.clone(), self.work);
                self.scope.spawn(move || {
                    loop {
                        // The lock is held only to take a job, not to work it.
                        let next = queue.lock().map_or(None, |queue| queue.recv().ok());
                        let Some((n, job)) = next else { return };
                        if done.send((n, work(job))).is_err() {
                            return;
                        }
                    }
                });
            }
            // Only the workers hold senders now: if they all stop, `finish` stops waiting.
            self.results = Some(results);
            jobs
        })
    }

    /// Hands a job to the workers, waiting while they have enough, and gives `take` the
    /// results that are ready, in order.
    pub fn hand(&mut self, job: J, take: &mut impl FnMut(R)) {
        let n = self.handed;
        self.handed += 1;
        // A send fails only if every worker stopped (one panicked): the scope says so.
        let _ = self.start().send((n, job));
        while let Some(Ok(result)) = self.results.as_ref().map(Receiver::try_recv) {
            self.arrived(result, take);
        }
    }

    /// Waits for every result, given to `take` in order.
    pub fn finish(mut self, take: &mut impl FnMut(R)) {
        self.jobs = None;
        while self.given < self.handed {
            let Some(Ok(result)) = self.results.as_ref().map(Receiver::recv) else { return };
            self.arrived(result, take);
        }
    }

    fn arrived(&mut self, (n, result): (u64, R), take: &mut impl FnMut(R)) {
        self.early.insert(n, result);
        while let Some(result) = self.early.remove(&self.given) {
            take(result);
            self.given += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_14_results_come_back_in_the_order_jobs_went_in() {
        // Jobs that take longer the earlier they are handed in finish out of order.
        let work = |n: u64| {
            std::thread::sleep(std::time::Duration::from_micros((50 - n % 50) * 20));
            n * 2
        };
        let mut got = Vec::new();
        std::thread::scope(|scope| {
            let mut pool = Ordered::new(scope, &work, 3);
            for n in 0..200 {
                pool.hand(n, &mut |r| got.push(r));
            }
            pool.finish(&mut |r| got.push(r));
        });
        assert_eq!(got, (0..200).map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn issue_14_no_more_jobs_are_held_than_twice_the_workers() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // A job (a batch of a state's bytes) counts as held from when it is made until a
        // worker is done with it; its result is the caller's to keep.
        struct Job<'a>(&'a AtomicUsize);
        impl Drop for Job<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        fn work(job: Job<'_>) -> usize {
            std::thread::sleep(std::time::Duration::from_micros(200));
            drop(job);
            1
        }
        let alive = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut results = 0;
        std::thread::scope(|scope| {
            let mut pool = Ordered::new(scope, &work, 2);
            for _ in 0..100 {
                let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                pool.hand(Job(&alive), &mut |n| results += n);
            }
            pool.finish(&mut |n| results += n);
        });
        assert_eq!(results, 100);
        assert_eq!(alive.load(Ordering::SeqCst), 0);
        // Two queued, two being worked and the one being handed in, however the threads
        // are scheduled: bounded by the workers, not by the hundred jobs.
        assert!(most.load(Ordering::SeqCst) <= 5, "{} held at once", most.load(Ordering::SeqCst));
    }

    #[test]
    fn issue_14_claims_share_the_cores_and_give_them_back() {
        let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
        // Other tests may hold a claim: only what this one sees is asserted.
        let first = Workers::claim();
        assert!(first.count() <= cores.min(MOST));
        assert!(first.count() != 1, "one worker is never claimed");
        let second = Workers::claim();
        assert!(first.count() + second.count() <= cores, "claims never exceed the cores");
        drop((first, second));
    }

    #[test]
    fn a_pool_given_no_job_starts_no_thread() {
        let work = |n: u32| n;
        std::thread::scope(|scope| {
            let pool = Ordered::new(scope, &work, 4);
            pool.finish(&mut |_| panic!("no job was handed in"));
        });
    }
}
