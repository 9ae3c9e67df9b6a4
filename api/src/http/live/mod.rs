//! GraphQL subscriptions over WebSocket on `/graphql` (a GET with `Upgrade: websocket`),
//! in the `graphql-transport-ws` protocol (the `graphql-ws` client) or the older
//! `graphql-ws` one (subscriptions-transport-ws).
//!
//! One connection: refused at once with close code 4029 when its client address holds
//! too many already ([`slots`]); `connection_init` may carry `{"authorization": "Bearer
//! …"}` (the upgrade request's `Authorization` header counts too); each subscription is
//! checked by [`executor`] (subscriptions per connection, depth and aliases, only
//! subscriptions); a connection without any subscription for the idle timeout is closed
//! with 4008. The server sends a WebSocket ping at a third of the HTTP idle timeout, so
//! a quiet subscription keeps its connection (see [`super::idle`]) and a vanished
//! client is noticed.

mod executor;
mod slots;

use std::{str::FromStr, sync::atomic::Ordering, time::Duration};

use async_graphql::{
    Data,
    http::{
        ALL_WEBSOCKET_PROTOCOLS, WebSocket as GraphQLWebSocket, WebSocketProtocols as Protocols,
        WsMessage,
    },
};
use futures_util::{SinkExt, StreamExt};
use poem::{
    FromRequest, IntoResponse, Request, Response,
    http::header,
    web::websocket::{Message, WebSocket, WebSocketConfig, WebSocketStream},
};
use tokio::time::Instant;

pub use slots::Connections;

use super::{AppState, caller};
use crate::graphql::live::LiveSession;

/// Close code: the client address holds the most connections allowed.
pub const TOO_MANY_CONNECTIONS: u16 = 4029;
/// Close code: no subscription was open for the idle timeout.
pub const IDLE_TIMEOUT: u16 = 4008;
/// Bytes a connection reads at a time (client messages are small).
const READ_BUFFER: usize = 4 * 1024;

/// Whether `req` asks to become a WebSocket.
pub fn is_upgrade(req: &Request) -> bool {
    req.header(header::UPGRADE)
        .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
}

/// Answers the upgrade (101) and serves the connection.
pub async fn upgrade(req: &Request, state: &AppState) -> Response {
    let ws = match WebSocket::from_request_without_body(req).await {
        Ok(ws) => ws,
        Err(e) => return e.into_response(),
    };
    let protocol = req
        .header(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|h| {
            h.split(',')
                .find_map(|p| Protocols::from_str(p.trim()).ok())
        })
        .unwrap_or(Protocols::GraphQLWS);
    let client = caller::client_address(req, state.trust_forwarded_for);
    let session = LiveSession {
        db: state.db.clone(),
        secret: state.secret.clone(),
        bearer: caller::bearer(req),
        client: client.clone(),
    };
    let limit = state.config.live.live_connections_per_client;
    let slot = state.live.take(&client, limit);
    let state = state.clone();
    // Small buffers (the default 128 KiB each way would make a subscriber's memory),
    // and messages no larger than a request body may be.
    let max = state.config.max_body_bytes;
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(Some(max))
        .max_frame_size(Some(max));
    ws.protocols(ALL_WEBSOCKET_PROTOCOLS)
        .config(config)
        .on_upgrade(move |socket| async move {
            match slot {
                Some(_slot) => serve(socket, state, protocol, session).await,
                None => {
                    let reason = format!(
                        "TOO_MANY_CONNECTIONS: at most {limit} subscription connections per client address"
                    );
                    let (mut sink, _) = socket.split();
                    let _ = sink
                        .send(Message::close_with(TOO_MANY_CONNECTIONS, reason))
                        .await;
                }
            }
        })
        .into_response()
}

/// The token `connection_init` carries: `authorization` (`Bearer …` or the token
/// alone, any case of the key) or `token`.
fn token_of(payload: &serde_json::Value) -> Option<String> {
    let obj = payload.as_object()?;
    let value = obj
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization") || k.as_str() == "token")
        .and_then(|(_, v)| v.as_str())?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value)
        .trim();
    (!token.is_empty()).then(|| token.to_owned())
}

async fn serve(
    socket: WebSocketStream,
    state: AppState,
    protocol: Protocols,
    session: LiveSession,
) {
    let live = &state.config.live;
    let idle = Duration::from_secs(live.live_idle_timeout_secs.max(1));
    let (mut sink, source) = socket.split();
    let executor = executor::Limited::new(&state, live.live_subscriptions_per_connection);
    let open = executor.open();
    let input = source
        .take_while(|m| std::future::ready(m.as_ref().is_ok_and(|m| !m.is_close())))
        .filter_map(|m| {
            std::future::ready(match m {
                Ok(Message::Text(t)) => Some(t.into_bytes()),
                Ok(Message::Binary(b)) => Some(b),
                _ => None,
            })
        });
    let mut ws = GraphQLWebSocket::new(executor, input, protocol).on_connection_init(
        move |payload| async move {
            let mut session = session;
            if let Some(token) = token_of(&payload) {
                session.bearer = Some(token);
            }
            let mut data = Data::default();
            data.insert(session);
            Ok::<_, async_graphql::Error>(data)
        },
    );
    let keepalive = Duration::from_secs(state.config.idle_timeout_secs.max(3)) / 3;
    let mut ping = tokio::time::interval_at(Instant::now() + keepalive, keepalive);
    let check_every = (idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(5));
    let mut check = tokio::time::interval_at(Instant::now() + check_every, check_every);
    let mut quiet_since = Instant::now();
    loop {
        tokio::select! {
            msg = ws.next() => match msg {
                Some(WsMessage::Text(text)) => {
                    if sink.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    let _ = sink.send(Message::close_with(code, reason)).await;
                    break;
                }
                None => break,
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new())).await.is_err() {
                    break;
                }
            }
            _ = check.tick() => {
                if open.load(Ordering::SeqCst) > 0 {
                    quiet_since = Instant::now();
                } else if quiet_since.elapsed() >= idle {
                    let reason = format!(
                        "IDLE_TIMEOUT: no subscription for {} s",
                        idle.as_secs()
                    );
                    let _ = sink.send(Message::close_with(IDLE_TIMEOUT, reason)).await;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_token_is_read_from_connection_init() {
        assert_eq!(
            token_of(&json!({"authorization": "Bearer abc"})).as_deref(),
            Some("abc")
        );
        assert_eq!(
            token_of(&json!({"Authorization": "abc"})).as_deref(),
            Some("abc")
        );
        assert_eq!(token_of(&json!({"token": "abc"})).as_deref(), Some("abc"));
        assert_eq!(token_of(&json!({"authorization": ""})), None);
        assert_eq!(token_of(&json!(null)), None);
    }
}
