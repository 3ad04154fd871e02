//! `min_age`: the value of `scan --min-age`, a whole number of hours, days or weeks. Data
//! only: `age` applies it to a report.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub(crate) const HOUR: i64 = 60 * 60;
pub(crate) const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;

/// A minimum age (`scan --min-age`): a whole number of hours, days or weeks (`12h`, `7d`,
/// `2w`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MinAge {
    text: String,
    secs: i64,
}

impl MinAge {
    pub fn seconds(&self) -> i64 {
        self.secs
    }
}

impl FromStr for MinAge {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an age: expected a whole number and a unit, h, d or w (12h, 7d, 2w)");
        let s = s.trim();
        let unit = match s.chars().last() {
            Some('h') => HOUR,
            Some('d') => DAY,
            Some('w') => WEEK,
            _ => return Err(bad()),
        };
        let number = &s[..s.len() - 1];
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        let secs = n.checked_mul(unit).ok_or_else(bad)?;
        Ok(Self { text: s.to_owned(), secs })
    }
}

impl TryFrom<String> for MinAge {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<MinAge> for String {
    fn from(age: MinAge) -> String {
        age.text
    }
}

impl fmt::Display for MinAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
