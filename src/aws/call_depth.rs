//! `call_depth`: how a run's AWS calls lined up in time, from the span of each (when it was
//! sent, when it was answered, how deep on the chain of answers it stood): round trips
//! paid in sequence against the longest chain of calls that each needed the previous
//! answer. Pure; the guard records the spans.

use std::time::Instant;

use serde::{Deserialize, Serialize};

/// One call: sent, answered (retries included), and its depth (1 + the depth of the
/// deepest answer its task had waited for when it was sent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallSpan {
    pub started: Instant,
    pub ended: Instant,
    pub depth: u32,
}

/// How a run's calls lined up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallDepth {
    pub calls: u64,
    /// The most calls outstanding at once.
    pub most_in_flight: u64,
    /// Round trips paid in sequence: the longest run of calls each sent after the one
    /// before was answered. Waits for a concurrency permit count here, as pages and
    /// dependent calls do.
    pub round_trips: u64,
    /// The longest chain of calls that each needed the previous one's answer (STS, then
    /// the pages of a listing): the fewest round trips in sequence a scan can pay.
    pub longest_chain: u64,
}

impl CallDepth {
    pub fn of(spans: &[CallSpan]) -> Self {
        let calls = spans.len() as u64;
        let longest_chain = spans.iter().map(|s| u64::from(s.depth)).max().unwrap_or(0);
        // Answers before sends at the same instant: a call sent as another is answered
        // does not overlap it.
        let mut events: Vec<(Instant, i64)> = spans.iter().flat_map(|s| [(s.started, 1), (s.ended, -1)]).collect();
        events.sort_unstable();
        let (mut now, mut most) = (0_i64, 0_i64);
        for (_, step) in events {
            now += step;
            most = most.max(now);
        }
        // The most calls in a row that do not overlap: earliest answered first.
        let mut by_end: Vec<&CallSpan> = spans.iter().collect();
        by_end.sort_by_key(|s| s.ended);
        let mut round_trips = 0;
        let mut last: Option<Instant> = None;
        for span in by_end {
            if last.is_none_or(|end| span.started >= end) {
                round_trips += 1;
                last = Some(span.ended);
            }
        }
        Self { calls, most_in_flight: u64::try_from(most).unwrap_or(0), round_trips, longest_chain }
    }

    /// One line for `--stats`.
    pub fn describe(&self) -> String {
        format!(
            "AWS round trips in sequence: {} (the longest chain of calls that each needed the previous answer: {}); \
             {} calls, at most {} in flight",
            self.round_trips, self.longest_chain, self.calls, self.most_in_flight
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn span(base: Instant, from_ms: u64, to_ms: u64, depth: u32) -> CallSpan {
        CallSpan { started: base + Duration::from_millis(from_ms), ended: base + Duration::from_millis(to_ms), depth }
    }

    #[test]
    fn issue_16_waves_behind_a_limit_are_round_trips_but_not_a_longer_chain() {
        let t = Instant::now();
        // STS, then a listing in two pages; beside it, two waves of reads of one depth
        // (the second waited for permits, not for answers).
        let spans = [
            span(t, 0, 50, 1),
            span(t, 50, 100, 2),
            span(t, 100, 150, 3),
            span(t, 0, 50, 1),
            span(t, 0, 50, 1),
            span(t, 50, 100, 1),
            span(t, 60, 110, 1),
            span(t, 110, 160, 1),
            span(t, 160, 210, 1),
        ];
        let depth = CallDepth::of(&spans);
        assert_eq!(depth.calls, 9);
        assert_eq!(depth.longest_chain, 3);
        assert_eq!(depth.round_trips, 4, "0-50, 50-100, 110-160, 160-210");
        assert_eq!(depth.most_in_flight, 3);
        assert!(depth.describe().starts_with("AWS round trips in sequence: 4 (the longest chain"));
        assert_eq!(CallDepth::of(&[]), CallDepth::default());
    }
}
