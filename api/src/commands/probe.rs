//! `quire probe [URL]`: a container health check without curl. Asks a running server
//! (by default its `/readyz` on 127.0.0.1:8080) and prints what it answered.

use std::{process::ExitCode, time::Duration};

/// How long the server has to answer.
const WITHIN: Duration = Duration::from_secs(2);

/// Exit 0 when `url` answers 200, 1 when it answers anything else or nothing.
pub async fn run(url: &str) -> ExitCode {
    let client = match reqwest::Client::builder().timeout(WITHIN).build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("probe {url}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(url).send().await {
        Ok(resp) => {
            let status = resp.status();
            let body = resp.text().await.unwrap_or_default();
            println!("{} {}", status.as_u16(), body.trim());
            if status == reqwest::StatusCode::OK {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("probe {url}: no answer: {e}");
            ExitCode::FAILURE
        }
    }
}
