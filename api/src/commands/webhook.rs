//! `quire webhook add|list|rm|test`: webhook endpoints from a shell, with the database's
//! own authority (no account needed). `test` queues a ping and sends it from this
//! process (unless a running server's worker took it first), then prints the answer.

use std::{process::ExitCode, time::Duration};

use sea_orm::DatabaseConnection;

use crate::{
    cli::{WebhookArgs, WebhookCommand},
    service::webhook::{endpoints, worker},
};

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn run(db: &DatabaseConnection, args: WebhookArgs) -> anyhow::Result<ExitCode> {
    let allow_private = args.config.webhook_allow_private;
    match args.command {
        WebhookCommand::Add {
            url,
            events,
            description,
        } => {
            let c = endpoints::EndpointChanges {
                url: Some(url),
                events: Some(events),
                description: Some(description),
                ..Default::default()
            };
            let e = endpoints::create(db, c, allow_private).await.map_err(err)?;
            println!("webhook {} added for {}", e.id, e.url);
            println!("secret: {}", e.secret);
        }
        WebhookCommand::List => {
            let list = endpoints::list(db).await.map_err(err)?;
            let ids: Vec<i64> = list.iter().map(|e| e.id).collect();
            let mut last = endpoints::deliveries(db, &ids, 1).await.map_err(err)?;
            println!(
                "{:>4}  {:<8}  {:<24}  {:<28}  url",
                "id", "status", "events", "last delivery"
            );
            for e in &list {
                let events: Vec<String> =
                    serde_json::from_value(e.events.clone()).unwrap_or_default();
                let latest = last
                    .remove(&e.id)
                    .and_then(|mut v| v.pop())
                    .map(|d| format!("{} {:?}", d.event.event_type, d.delivery.state))
                    .unwrap_or_else(|| "-".to_owned());
                println!(
                    "{:>4}  {:<8}  {:<24}  {:<28}  {}",
                    e.id,
                    format!("{:?}", e.status).to_uppercase(),
                    events.join(","),
                    latest,
                    e.url
                );
                if let Some(r) = &e.status_reason {
                    println!("      {r}");
                }
            }
        }
        WebhookCommand::Rm { id } => {
            let e = endpoints::delete(db, id).await.map_err(err)?;
            println!("webhook {} ({}) deleted", e.id, e.url);
        }
        WebhookCommand::Test { id } => {
            let d = endpoints::test(db, id).await.map_err(err)?;
            let delivery = d.delivery.id;
            match worker::deliver_now(db, &args.config, delivery)
                .await
                .map_err(err)?
            {
                Some(o) => {
                    let took = o.duration.as_millis();
                    match (o.status, &o.error) {
                        (Some(s), _) => {
                            println!("ping {}: HTTP {s} in {took} ms", d.event.message_id)
                        }
                        (None, Some(e)) => {
                            println!("ping {}: failed after {took} ms: {e}", d.event.message_id)
                        }
                        (None, None) => println!("ping {}: no answer", d.event.message_id),
                    }
                    if let Some(body) = o.body.as_ref().filter(|b| !b.is_empty()) {
                        println!("{body}");
                    }
                    if !o.succeeded() {
                        return Ok(ExitCode::FAILURE);
                    }
                }
                None => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    println!(
                        "ping {} queued; a running server is sending it (see `quire webhook list`)",
                        d.event.message_id
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
