//! Talking to the server as an editor: GraphQL with a bearer token, and the short-lived
//! tokens an API key signs (HS256, header `kid`, aud `quire-admin`), as admin scripts do.

use std::sync::Mutex;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

/// Sends `query` with `variables`, authenticated by `token`; the `data` object when the
/// answer is HTTP 200 without errors, else what came back.
pub async fn gql(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let mut req = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.map_err(|e| format!("no answer: {e}"))?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| format!("HTTP {status}, unreadable body: {e}"))?;
    let short = || {
        String::from_utf8_lossy(&bytes)
            .chars()
            .take(200)
            .collect::<String>()
    };
    if status != reqwest::StatusCode::OK {
        return Err(format!("HTTP {} {}", status.as_u16(), short()));
    }
    let mut json: Value =
        serde_json::from_slice(&bytes).map_err(|_| format!("HTTP 200, not JSON: {}", short()))?;
    if json.get("errors").is_some() {
        return Err(format!("HTTP 200 with errors: {}", short()));
    }
    match json.get_mut("data").map(Value::take) {
        Some(data @ Value::Object(_)) => Ok(data),
        _ => Err(format!("HTTP 200 without data: {}", short())),
    }
}

/// The value at `path` (`post.version`) of `data`, or a message naming the path.
pub fn at<'a>(data: &'a Value, path: &str) -> Result<&'a Value, String> {
    path.split('.')
        .try_fold(data, |v, key| v.get(key))
        .ok_or_else(|| format!("no {path} in {}", short(data)))
}

pub fn str_at(data: &Value, path: &str) -> Result<String, String> {
    at(data, path)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{path} is not a string in {}", short(data)))
}

pub fn int_at(data: &Value, path: &str) -> Result<i64, String> {
    at(data, path)?
        .as_i64()
        .ok_or_else(|| format!("{path} is not a number in {}", short(data)))
}

fn short(v: &Value) -> String {
    v.to_string().chars().take(200).collect()
}

/// An API key (`keyId:secret`) and the token last signed with it.
pub struct ApiKey {
    key_id: String,
    secret: String,
    signed: Mutex<Option<(String, i64)>>,
}

/// A token lives four minutes and is replaced after one.
const TOKEN_LIFE_SECS: i64 = 240;
const TOKEN_REUSE_SECS: i64 = 60;

impl ApiKey {
    /// From the `keyId:secret` that `createApiKey` answers once.
    pub fn parse(full: &str) -> anyhow::Result<Self> {
        let (key_id, secret) = full
            .split_once(':')
            .ok_or_else(|| anyhow::anyhow!("an API key is keyId:secret"))?;
        Ok(Self {
            key_id: key_id.to_owned(),
            secret: secret.to_owned(),
            signed: Mutex::new(None),
        })
    }

    /// A token signed at most a minute ago.
    pub fn token(&self) -> Result<String, String> {
        let now = chrono::Utc::now().timestamp();
        let mut signed = self.signed.lock().map_err(|_| "token lock poisoned")?;
        if let Some((token, at)) = signed.as_ref()
            && now - at < TOKEN_REUSE_SECS
        {
            return Ok(token.clone());
        }
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.key_id.clone());
        let claims = json!({ "iat": now, "exp": now + TOKEN_LIFE_SECS, "aud": "quire-admin" });
        let token = encode(
            &header,
            &claims,
            &EncodingKey::from_secret(self.secret.as_bytes()),
        )
        .map_err(|e| format!("signing an API-key token: {e}"))?;
        *signed = Some((token.clone(), now));
        Ok(token)
    }
}
