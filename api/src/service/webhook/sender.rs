//! Sending one signed delivery over HTTP: Standard Webhooks headers, a time limit for the
//! whole attempt, no redirects, no proxy, and only to addresses [`address`] allows
//! (checked after DNS resolution, by the client's resolver).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use super::{
    address::{self, PublicResolver},
    delivery::{Claimed, Outcome, RESPONSE_HEAD},
    sign,
};
use crate::{
    error::{AppError, AppResult},
    service::now,
};

/// The HTTP client of a delivery worker.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
    timeout: Duration,
}

/// An error with its causes, `a: b: c`.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The longest valid UTF-8 prefix of `bytes`, lossy past it.
fn text_head(bytes: &[u8]) -> String {
    let bytes = &bytes[..bytes.len().min(RESPONSE_HEAD)];
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

impl Sender {
    pub fn new(allow_private: bool, timeout: Duration) -> AppResult<Self> {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(PublicResolver { allow_private }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .user_agent(concat!("quire-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AppError::Internal(format!("webhook HTTP client: {e}")))?;
        Ok(Self {
            client,
            allow_private,
            timeout,
        })
    }

    /// One attempt at `c`; never fails, the outcome says what happened.
    pub async fn send(&self, c: &Claimed) -> Outcome {
        let started_at = now();
        let t0 = Instant::now();
        let result = tokio::time::timeout(self.timeout, self.attempt(c)).await;
        let (status, body, error) = match result {
            Ok(Ok((status, body))) => (Some(status), Some(body), None),
            Ok(Err(e)) => (None, None, Some(e)),
            Err(_) => (
                None,
                None,
                Some(format!("no answer within {} ms", self.timeout.as_millis())),
            ),
        };
        Outcome {
            started_at,
            duration: t0.elapsed(),
            status,
            body,
            error,
        }
    }

    async fn attempt(&self, c: &Claimed) -> Result<(u16, String), String> {
        let url = address::parse(&c.url).map_err(|e| e.to_string())?;
        if let Some(ip) = address::literal(&url)
            && !self.allow_private
            && !address::is_public(ip)
        {
            return Err(format!(
                "refused: {ip} is not a public address (QUIRE_WEBHOOK_ALLOW_PRIVATE)"
            ));
        }
        let timestamp = chrono::Utc::now().timestamp();
        let signature = sign::signature(&c.secret, &c.message_id, timestamp, &c.body)
            .map_err(|e| e.to_string())?;
        let mut resp = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &c.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(c.body.clone())
            .send()
            .await
            .map_err(|e| chain(&e))?;
        let status = resp.status().as_u16();
        let mut head = Vec::new();
        while head.len() < RESPONSE_HEAD {
            match resp.chunk().await {
                Ok(Some(bytes)) => head.extend_from_slice(&bytes),
                Ok(None) | Err(_) => break,
            }
        }
        Ok((status, text_head(&head)))
    }
}

#[cfg(test)]
mod tests {
    use super::text_head;

    #[test]
    fn heads_end_on_a_character() {
        let s = "가".repeat(400); // 1,200 bytes
        let head = text_head(s.as_bytes());
        assert_eq!(head, "가".repeat(341));
        assert_eq!(text_head(b"ok"), "ok");
    }
}
