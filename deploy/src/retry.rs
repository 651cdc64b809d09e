//! Retrying calls that were throttled or failed transiently: the only retry layer (the SDK's
//! own is off, see `cloud::aws`), with jittered exponential backoff.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::Pacing;
use crate::cloud::CloudError;

/// Calls `call` until it succeeds, fails for good, or has made `pacing.attempts` attempts.
/// Throttling and transient errors wait [`backoff`] before the next attempt.
pub(crate) async fn retry<T, F, Fut>(pacing: &Pacing, mut call: F) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CloudError>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.is_retryable() && attempt < pacing.attempts => {
                tokio::time::sleep(backoff(pacing, attempt, random())).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// The wait after failed attempt `attempt` (1-based): the cap doubles from `retry_base` up to
/// `retry_max`, and the wait is half the cap plus a random part of the other half ("equal
/// jitter"), so clients throttled together do not come back together, and each wait still
/// grows.
pub(crate) fn backoff(pacing: &Pacing, attempt: u32, random: u64) -> Duration {
    let cap = pacing
        .retry_base
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(pacing.retry_max);
    let half = cap / 2;
    let fraction = (random % 1_000_000) as f64 / 1_000_000.0;
    half + half.mul_f64(fraction)
}

/// A random number from the standard library's per-process random keys, mixed with the clock.
pub(crate) fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    hasher.write_u128(now.as_nanos());
    hasher.finish()
}

/// A name or token no other deploy has used: `<prefix>-<UTC time>-<8 random hex digits>`,
/// e.g. `cfnforge-20261201T062639Z-3fa2c1d0`. Letters, digits and hyphens only, as change set
/// names and client tokens require.
pub(crate) fn unique_name(prefix: &str) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    format!("{prefix}-{}-{:08x}", utc_stamp(secs), random() as u32)
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the Unix epoch.
fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamps_are_calendar_dates() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(951_782_400), "20000229T000000Z");
        assert_eq!(utc_stamp(1_796_083_199), "20261130T235959Z");
    }

    #[test]
    fn unique_names_differ_and_are_valid_change_set_names() {
        let a = unique_name("cfnforge");
        let b = unique_name("cfnforge");
        assert_ne!(a, b);
        assert!(a.len() <= 128 && a.starts_with("cfnforge-"), "{a}");
        assert!(
            a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "{a}"
        );
    }

    #[test]
    fn backoff_grows_to_its_cap_with_jitter_in_the_upper_half() {
        let pacing = Pacing::default();
        let low: Vec<Duration> = (1..=8).map(|n| backoff(&pacing, n, 0)).collect();
        let high: Vec<Duration> = (1..=8).map(|n| backoff(&pacing, n, 999_999)).collect();
        assert_eq!(low[0], pacing.retry_base / 2);
        assert!(high[0] < pacing.retry_base && high[0] > pacing.retry_base * 99 / 100);
        for n in 1..8 {
            assert!(low[n] >= low[n - 1], "{low:?}");
        }
        assert_eq!(low[7], pacing.retry_max / 2);
        assert!(high[7] <= pacing.retry_max);
        // Different random draws give different waits.
        assert_ne!(backoff(&pacing, 3, 1), backoff(&pacing, 3, 500_000));
    }
}
