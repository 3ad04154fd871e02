//! progress: what a scan reports while it runs. The terminal implementation draws one
//! line on stderr and only when stderr is a terminal; nothing here touches stdout.

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

/// One self-overwriting line on stderr, drawn by `indicatif`:
/// `⠋ listing 12/48 · 3 state files read · us-east-1 ec2 DescribeVolumes`. The line is cut to
/// the terminal's width by display width (any script, any name), redrawn at most a few times
/// a second, and uncoloured, so `NO_COLOR` has nothing to turn off.
#[derive(Debug)]
pub struct TerminalProgress {
    bar: indicatif::ProgressBar,
    states: AtomicUsize,
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new(indicatif::ProgressDrawTarget::stderr_with_hz(REDRAWS_PER_SECOND))
    }
}

/// How often the line is redrawn at most.
const REDRAWS_PER_SECOND: u8 = 8;

impl TerminalProgress {
    /// Progress drawn to `target` (stderr in use; a hidden or in-memory target in tests).
    pub fn new(target: indicatif::ProgressDrawTarget) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(Some(0), target);
        // The template is a constant that parses; were it ever not to, the default style
        // still draws the counts.
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} listing {pos}/{len} · {wide_msg}") {
            bar.set_style(style);
        }
        Self { bar, states: AtomicUsize::new(0) }
    }

    fn show(&self, last: &str) {
        let states = self.states.load(Ordering::Relaxed);
        // Control characters in a name would move the cursor: they are drawn as spaces.
        let last: String = last.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        self.bar.set_message(format!("{states} state files read · {last}"));
    }
}

impl Progress for TerminalProgress {
    fn planned(&self, listings: usize) {
        self.bar.inc_length(u64::try_from(listings).unwrap_or(u64::MAX));
    }

    fn listing_done(&self, region: &str, service: &str, operation: &str) {
        self.bar.inc(1);
        self.show(&format!("{region} {service} {operation}"));
    }

    fn state_read(&self, source: &str) {
        self.states.fetch_add(1, Ordering::Relaxed);
        self.show(source);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_name_in_any_script_is_drawn_without_panicking() {
        let long = format!("s3://tf/チーム/{}/terraform.tfstate", "ネットワーク環境".repeat(40));
        for width in [20_u16, 37, 80, 101, 200] {
            let term = indicatif::InMemoryTerm::new(4, width);
            let progress = TerminalProgress::new(indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())));
            progress.planned(3);
            progress.state_read(&long);
            progress.listing_done("ap-northeast-1", "ec2", "DescribeVolumes");
            progress.state_read("s3://tf/\u{1b}[31mred\u{7}/é́́/terraform.tfstate");
            progress.bar.tick();
            let screen = term.contents();
            assert!(screen.contains("listing 1/3"), "{screen:?}");
            assert!(!screen.contains('\u{1b}'), "{screen:?}");
            progress.finish();
        }
    }
}
