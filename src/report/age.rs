//! age: how long each finding has been around, and `scan --min-age`. A finding's
//! `first_seen` is when a scan first reported it (carried forward by `--baseline`); its
//! resource's `created` is when AWS says the resource was made. Both are RFC 3339. The age
//! `--min-age` compares counts from `first_seen`, or from `created` when that is earlier and
//! the finding is a live leftover (see `age_seconds`). Pure: "now" is the report's
//! `generated_at`.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

use super::report::{Report, ReportFinding, Younger};
use crate::checks::FindingKind;

pub use super::min_age::MinAge;
use super::min_age::{DAY, HOUR};

/// The kinds whose finding is the resource itself being left over: its creation date
/// says how long it has stayed.
const LEFTOVER_KINDS: [FindingKind; 3] =
    [FindingKind::Unmanaged, FindingKind::DeletedEnv, FindingKind::BlockingDependency];

/// Seconds since the epoch of an RFC 3339 time (`2026-03-04T10:00:00Z`, fractions and
/// offsets accepted).
pub fn seconds(time: &str) -> Option<i64> {
    if let Ok(t) = DateTime::from_str(time, Format::DateTime) {
        return Some(t.secs());
    }
    // A numeric offset (`+02:00`), which the parser leaves to us.
    let (head, offset) = time.split_at_checked(time.len().checked_sub(6)?)?;
    let sign = match offset.as_bytes() {
        [b'+', _, _, b':', _, _] => 1,
        [b'-', _, _, b':', _, _] => -1,
        _ => return None,
    };
    let hours: i64 = offset.get(1..3)?.parse().ok()?;
    let minutes: i64 = offset.get(4..6)?.parse().ok()?;
    let utc = DateTime::from_str(&format!("{head}Z"), Format::DateTime).ok()?;
    Some(utc.secs() - sign * (hours * HOUR + minutes * 60))
}

/// The finding's age at `now`, in seconds: since it was first seen, or, for a live
/// leftover (`unmanaged`, `deleted-env`, `blocking-dependency`), since AWS says its
/// resource was made when that is earlier. A volume made forty days ago that no state owns
/// has stayed forty days whether or not a baseline was watching; a drift or a broken
/// reference says nothing by its resource's creation about when it went wrong. Never
/// negative; `None` when neither time can be read.
pub fn age_seconds(f: &ReportFinding, now: &str) -> Option<i64> {
    let now = seconds(now)?;
    let seen = f.first_seen.as_deref().and_then(seconds);
    let created = LEFTOVER_KINDS
        .contains(&f.finding.kind)
        .then(|| f.finding.resource.created.as_deref().and_then(seconds))
        .flatten();
    let since = match (seen, created) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    Some((now - since).max(0))
}

/// `less than an hour`, `5 hours`, `1 day`, `12 days`.
pub fn duration_text(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if secs < HOUR {
        "less than an hour".to_owned()
    } else if secs < DAY {
        plural(secs / HOUR, "hour")
    } else {
        plural(secs / DAY, "day")
    }
}

/// How long the finding has been reported, from `first_seen`: `leftover for 12 days` (a
/// live leftover), `seen for 3 hours` (any other finding); nothing for less than an hour,
/// as when this scan is the first to see it (the `new` column says so against a baseline).
pub fn seen_text(f: &ReportFinding, now: &str) -> Option<String> {
    let seen = seconds(f.first_seen.as_deref()?)?;
    let secs = (seconds(now)? - seen).max(0);
    if secs < HOUR {
        return None;
    }
    let verb = if LEFTOVER_KINDS.contains(&f.finding.kind) { "leftover" } else { "seen" };
    Some(format!("{verb} for {}", duration_text(secs)))
}

/// `created 2026-03-04`, when AWS says when the resource was made.
pub fn created_text(f: &ReportFinding) -> Option<String> {
    let created = f.finding.resource.created.as_deref()?;
    let secs = seconds(created)?;
    let day = DateTime::from_secs(secs).fmt(Format::DateTime).ok()?;
    Some(format!("created {}", day.get(..10)?))
}

/// Both, as one line: `leftover for 12 days, created 2026-03-04`.
pub fn age_line(f: &ReportFinding, now: &str) -> String {
    [seen_text(f, now), created_text(f)].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

/// Leaves out findings younger than `min` (by `age_seconds` at the report's time) and keeps
/// them in `report.younger`. A finding whose age cannot be read is kept: nothing is hidden
/// on a guess.
pub fn apply_min_age(report: &mut Report, min: &MinAge) {
    let now = report.generated_at.clone();
    let (kept, younger): (Vec<ReportFinding>, Vec<ReportFinding>) = std::mem::take(&mut report.findings)
        .into_iter()
        .partition(|f| age_seconds(f, &now).is_none_or(|a| a >= min.seconds()));
    report.findings = kept;
    report.recount();
    report.younger = Some(Younger { min_age: min.clone(), findings: younger });
}

/// `3 findings younger than 7d left out (--min-age)`.
pub fn younger_line(report: &Report) -> Option<String> {
    let younger = report.younger.as_ref()?;
    let n = younger.findings.len();
    Some(format!("{n} finding{} younger than {} left out (--min-age)", if n == 1 { "" } else { "s" }, younger.min_age))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::checks::{Finding, Outcome, Severity};
    use crate::model::finding::ResourceRef;
    use crate::report::Scope;

    const NOW: &str = "2026-03-16T02:00:00Z";

    fn finding(kind: FindingKind, id: &str, first_seen: Option<&str>, created: Option<&str>) -> ReportFinding {
        let finding = Finding::new(
            kind,
            Severity::Warning,
            ResourceRef {
                kind: "ec2:volume".into(),
                id: id.into(),
                arn: None,
                region: Some("us-east-1".into()),
                account: Some("123456789012".into()),
                tags: crate::model::Tags::new(),
                created: created.map(str::to_owned),
                who: None,
            },
            "x",
        );
        ReportFinding {
            fingerprint: finding.fingerprint(),
            finding,
            status: None,
            cost: None,
            first_seen: first_seen.map(str::to_owned),
        }
    }

    #[test]
    fn issue_13_min_age_reads_hours_days_and_weeks() {
        assert_eq!("12h".parse::<MinAge>().map(|a| a.seconds()), Ok(12 * 3600));
        assert_eq!("7d".parse::<MinAge>().map(|a| a.seconds()), Ok(7 * 86_400));
        assert_eq!("2w".parse::<MinAge>().map(|a| a.seconds()), Ok(14 * 86_400));
        assert_eq!("0d".parse::<MinAge>().map(|a| a.seconds()), Ok(0));
        for bad in ["", "7", "d", "7x", "-7d", "7.5d", "7 d", "1y", "99999999999999999999d", "9223372036854775807w"] {
            let err = bad.parse::<MinAge>().expect_err(bad);
            assert!(err.contains("h, d or w"), "{bad}: {err}");
        }
        assert_eq!("7d".parse::<MinAge>().expect("age").to_string(), "7d");
    }

    #[test]
    fn issue_13_age_counts_from_first_seen_or_an_earlier_creation_of_a_leftover() {
        // Seen twelve days ago.
        let f = finding(FindingKind::Unmanaged, "vol-a", Some("2026-03-04T02:00:00Z"), None);
        assert_eq!(age_seconds(&f, NOW), Some(12 * 86_400));
        assert_eq!(seen_text(&f, NOW).as_deref(), Some("leftover for 12 days"));
        // First seen now, but made forty days ago: an old leftover.
        let f = finding(FindingKind::Unmanaged, "vol-b", Some(NOW), Some("2026-02-04T10:30:00.000Z"));
        assert_eq!(age_seconds(&f, NOW), Some(40 * 86_400 - 8 * 3600 - 1800));
        assert_eq!(age_line(&f, NOW), "created 2026-02-04");
        // A drift on an old resource is as old as the first scan that saw it.
        let f = finding(FindingKind::Drift, "vol-c", Some("2026-03-15T20:00:00Z"), Some("2025-01-01T00:00:00Z"));
        assert_eq!(age_seconds(&f, NOW), Some(6 * 3600));
        assert_eq!(age_line(&f, NOW), "seen for 6 hours, created 2025-01-01");
        // A creation later than first seen (clocks disagree) does not make it younger.
        let f = finding(FindingKind::Unmanaged, "vol-d", Some("2026-03-01T02:00:00Z"), Some("2026-03-10T00:00:00Z"));
        assert_eq!(age_seconds(&f, NOW), Some(15 * 86_400));
        // Seen less than an hour ago: nothing worth a word.
        let f = finding(FindingKind::Unmanaged, "vol-g", Some("2026-03-16T01:30:00Z"), None);
        assert_eq!(age_seconds(&f, NOW), Some(1800));
        assert_eq!(age_line(&f, NOW), "");
        // Never negative; nothing readable gives no age.
        let f = finding(FindingKind::Unmanaged, "vol-e", Some("2026-03-17T00:00:00Z"), None);
        assert_eq!(age_seconds(&f, NOW), Some(0));
        let f = finding(FindingKind::Unmanaged, "vol-f", None, Some("not a time"));
        assert_eq!(age_seconds(&f, NOW), None);
        assert_eq!(age_line(&f, NOW), "");
        assert_eq!(duration_text(59 * 60), "less than an hour");
        assert_eq!(duration_text(3600), "1 hour");
        assert_eq!(duration_text(86_400 + 5), "1 day");
        // An offset is read as the instant it names.
        assert_eq!(seconds("2026-03-16T04:00:00+02:00"), seconds(NOW));
        assert_eq!(seconds("2026-03-15T21:30:00.5-04:30"), seconds(NOW));
        assert_eq!(seconds("2026-03-16T04:00:00+0200"), None);
    }

    #[test]
    fn issue_13_min_age_keeps_young_findings_aside_and_recounts() {
        let findings = vec![
            finding(FindingKind::Unmanaged, "vol-old", Some("2026-03-01T00:00:00Z"), None),
            finding(FindingKind::Unmanaged, "vol-young", Some(NOW), None),
            finding(FindingKind::Unmanaged, "vol-made-long-ago", Some(NOW), Some("2025-12-01T00:00:00Z")),
            finding(FindingKind::Missing, "vol-unknown", None, None),
        ];
        let mut report = Report::new(NOW.into(), Scope::default(), vec![], Outcome::default());
        report.findings = findings;
        report.recount();
        apply_min_age(&mut report, &"7d".parse().expect("age"));
        let ids: Vec<&str> = report.findings.iter().map(|f| f.finding.resource.id.as_str()).collect();
        assert_eq!(ids, ["vol-old", "vol-made-long-ago", "vol-unknown"]);
        assert_eq!(report.summary.get("unmanaged"), Some(&2));
        let younger = report.younger.as_ref().expect("younger");
        assert_eq!(younger.findings.len(), 1);
        assert_eq!(younger.findings[0].finding.resource.id, "vol-young");
        assert_eq!(younger_line(&report).as_deref(), Some("1 finding younger than 7d left out (--min-age)"));
        let json = serde_json::to_value(&report).expect("json");
        assert_eq!(json["younger"]["min_age"], "7d");
    }
}
