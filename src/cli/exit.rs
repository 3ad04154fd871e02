//! exit: the exit codes, in one place. 0 clean, 1 findings, 2 usage or configuration
//! error, 3 incomplete scan (a partial scan never exits 0).

use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Clean = 0,
    Findings = 1,
    Usage = 2,
    Incomplete = 3,
}

impl Exit {
    /// The code for a finished scan.
    pub fn of_scan(complete: bool, failing_findings: bool) -> Self {
        if !complete {
            Self::Incomplete
        } else if failing_findings {
            Self::Findings
        } else {
            Self::Clean
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_wins_over_findings() {
        assert_eq!(Exit::of_scan(false, false), Exit::Incomplete);
        assert_eq!(Exit::of_scan(false, true), Exit::Incomplete);
        assert_eq!(Exit::of_scan(true, true), Exit::Findings);
        assert_eq!(Exit::of_scan(true, false), Exit::Clean);
    }
}
