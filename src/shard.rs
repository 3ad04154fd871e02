//! shard: which accounts one of N machines scans (`scan --shard I/N`). The choice is a
//! stable function of the account id alone, the same on every machine and in every
//! version: FNV-1a 64 of the id, then jump consistent hashing into N buckets (growing N
//! moves only the accounts the new shards take). Pure; no I/O.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count`, counted from 0 (as Kubernetes Indexed Jobs and AWS Batch
/// array jobs number their children).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether this shard scans `account`.
    pub fn contains(self, account: &str) -> bool {
        bucket_of(account, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("--shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (index, count) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

/// FNV-1a, 64 bits: small, fixed and documented, unlike the standard library's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The bucket in `0..count` of an account id (Lamping and Veach, "A Fast, Minimal Memory,
/// Consistent Hash Algorithm", 2014).
pub fn bucket_of(account: &str, count: u32) -> u32 {
    let mut key = fnv1a(account.trim().as_bytes());
    let mut bucket: i64 = -1;
    let mut next: i64 = 0;
    while next < i64::from(count) {
        bucket = next;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        // The top 31 bits of the key, plus one, as a divisor in 1..=2^31.
        let divisor = f64::from(u32::try_from((key >> 33) + 1).unwrap_or(u32::MAX));
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let jump = ((bucket + 1) as f64 * (f64::from(1u32 << 31) / divisor)) as i64;
        next = jump;
    }
    u32::try_from(bucket.max(0)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Vec<String> {
        (0..500u64).map(|n| format!("{:012}", 100_000_000_000 + n * 7_919)).collect()
    }

    #[test]
    fn parses_index_and_count() {
        assert_eq!("0/4".parse::<Shard>(), Ok(Shard { index: 0, count: 4 }));
        assert_eq!("3/4".parse::<Shard>(), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "1/0", "1", "a/2", "-1/2", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(Shard { index: 2, count: 5 }.to_string(), "2/5");
    }

    #[test]
    fn every_account_is_in_exactly_one_shard() {
        for count in [1u32, 2, 3, 7, 16] {
            let shards: Vec<Shard> = (0..count).map(|index| Shard { index, count }).collect();
            for account in accounts() {
                let owners = shards.iter().filter(|s| s.contains(&account)).count();
                assert_eq!(owners, 1, "{account} in {owners} of {count} shards");
            }
        }
    }

    #[test]
    fn the_choice_is_stable() {
        // Fixed values: a change here re-deals every organisation's accounts between
        // machines, so it must be deliberate.
        let fixed: Vec<u32> = ["123456789012", "111111111111", "222222222222", "000000000001", "999999999999"]
            .iter()
            .map(|a| bucket_of(a, 8))
            .collect();
        assert_eq!(fixed, vec![7, 7, 0, 7, 1]);
        // The same on every call, whatever the order of the list.
        let mut list = accounts();
        let before: Vec<u32> = list.iter().map(|a| bucket_of(a, 5)).collect();
        list.reverse();
        let mut after: Vec<u32> = list.iter().map(|a| bucket_of(a, 5)).collect();
        after.reverse();
        assert_eq!(before, after);
    }

    #[test]
    fn shards_are_balanced_and_growing_moves_little() {
        let list = accounts();
        let mut sizes = [0usize; 4];
        for a in &list {
            sizes[bucket_of(a, 4) as usize] += 1;
        }
        for size in sizes {
            assert!((90..=160).contains(&size), "{sizes:?}");
        }
        // From 4 to 5 shards, only the accounts the fifth takes move.
        for a in &list {
            let (before, after) = (bucket_of(a, 4), bucket_of(a, 5));
            assert!(after == before || after == 4, "{a}: {before} -> {after}");
        }
    }
}
