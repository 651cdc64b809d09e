//! Retrying calls that were throttled or failed transiently.

use std::future::Future;
use std::time::Duration;

use super::Pacing;
use crate::cloud::CloudError;

/// Calls `call` until it succeeds, fails for good, or runs out of attempts; throttling and
/// transient errors wait longer each time (100 ms, 200 ms, ... up to 5 s).
pub(crate) async fn retry<T, F, Fut>(pacing: &Pacing, mut call: F) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CloudError>>,
{
    let mut wait = pacing.first_poll;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.is_retryable() && attempt < pacing.attempts => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
                attempt += 1;
            }
            other => return other,
        }
    }
}
