//! The front door's rate limit: a token bucket per client address (the peer, or behind
//! `--trust-forwarded-for` the address the proxy saw) for requests the response cache
//! could not answer, so one client sending distinct uncached queries cannot take the
//! server's whole CPU. Cached answers are never limited. The buckets live in this server
//! (several servers each limit on their own); the limit is generous by default and `0`
//! turns it off.

use std::{
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

/// How often (in checks) buckets that are full again are forgotten.
const FORGET_EVERY: u64 = 4096;

pub struct Throttle {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    checks: AtomicU64,
}

impl Throttle {
    /// `per_second` requests a second on average, `burst` at once; `per_second == 0`
    /// turns the limit off.
    pub fn new(per_second: u32, burst: u32) -> Self {
        let limiter = NonZeroU32::new(per_second).map(|rate| {
            let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Self {
            limiter,
            checks: AtomicU64::new(0),
        }
    }

    /// Takes a token for `client`; when there is none, how long until there is.
    pub fn check(&self, client: &str) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            limiter.retain_recent();
        }
        limiter
            .check_key(&client.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_not_touched() {
        let t = Throttle::new(1, 3);
        for _ in 0..3 {
            assert_eq!(t.check("203.0.113.7"), Ok(()));
        }
        let wait = t.check("203.0.113.7").unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert_eq!(t.check("198.51.100.1"), Ok(()));
        let off = Throttle::new(0, 0);
        for _ in 0..10_000 {
            assert_eq!(off.check("203.0.113.7"), Ok(()));
        }
    }
}
