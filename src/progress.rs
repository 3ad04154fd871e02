//! progress: what a scan reports while it runs. The terminal implementation draws one
//! line on stderr and only when stderr is a terminal; nothing here touches stdout.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Receives progress events from listings and state reads.
pub trait Progress: Send + Sync {
    /// The scan will run `listings` listings and read states from `sources` sources.
    fn planned(&self, _listings: usize) {}
    fn listing_done(&self, _region: &str, _service: &str, _operation: &str) {}
    fn state_read(&self, _source: &str) {}
    /// The scan is over; clear whatever was drawn.
    fn finish(&self) {}
}

/// Draws nothing.
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {}

/// One self-overwriting line on stderr: `listing 12/48 · us-east-1 ec2 DescribeVolumes · 3 states`.
#[derive(Debug, Default)]
pub struct TerminalProgress {
    planned: AtomicUsize,
    done: AtomicUsize,
    states: AtomicUsize,
    drawn: Mutex<bool>,
}

impl TerminalProgress {
    fn draw(&self, last: &str) {
        let done = self.done.load(Ordering::Relaxed);
        let planned = self.planned.load(Ordering::Relaxed).max(done);
        let states = self.states.load(Ordering::Relaxed);
        let mut line = format!("listing {done}/{planned} · {states} state files read · {last}");
        line.truncate(100);
        let mut drawn = self.drawn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut err = std::io::stderr().lock();
        // Progress is best effort: a closed stderr must not stop a scan.
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        *drawn = true;
    }
}

impl Progress for TerminalProgress {
    fn planned(&self, listings: usize) {
        self.planned.fetch_add(listings, Ordering::Relaxed);
    }

    fn listing_done(&self, region: &str, service: &str, operation: &str) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.draw(&format!("{region} {service} {operation}"));
    }

    fn state_read(&self, source: &str) {
        self.states.fetch_add(1, Ordering::Relaxed);
        self.draw(source);
    }

    fn finish(&self) {
        let mut drawn = self.drawn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            *drawn = false;
        }
    }
}
