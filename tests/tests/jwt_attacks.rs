//! Every forged, stale or revoked token is refused with UNAUTHENTICATED and writes
//! nothing (RFC 8725 practices: pinned algorithm, checked exp/nbf/iss/aud).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use quire_tests::{TestApp, both_backends, entity::user::Role};
use serde_json::{Value, json};

const CREATE: &str = "mutation { createPost(input: { title: \"침입\" }) { post { id } } }";

/// An RSA public key, as an attacker would find it published somewhere.
const RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh\nkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ\n0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg\ncKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc\nmwIDAQAB\n-----END PUBLIC KEY-----\n";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(sub: i64) -> Value {
    json!({ "sub": sub.to_string(), "role": "ADMIN", "iat": now(), "nbf": now(), "exp": now() + 600, "iss": "quire", "aud": "quire", "jti": "x" })
}

fn sign(claims: &Value, key: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key),
    )
    .unwrap()
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

async fn every_forged_token_is_refused(app: TestApp) {
    let (admin, good) = app.actor(Role::Admin).await;
    let secret = app.secret().await;
    let key = secret.expose();

    // Positive controls: the real token and a correctly forged-by-us token work.
    let r = app.graphql_as(&good, CREATE, json!({})).await;
    assert!(r.body.get("errors").is_none(), "{}", r.body);
    assert!(
        app.graphql_as(&sign(&claims(admin.id), key), CREATE, json!({}))
            .await
            .body
            .get("errors")
            .is_none()
    );

    // An API key, then revoked.
    let r = app
        .graphql_as(&good, "mutation { createApiKey(input: { name: \"script\", role: EDITOR }) { secret apiKey { keyId } } }", json!({}))
        .await;
    let full = r.data()["createApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let (kid, key_secret) = full.split_once(':').unwrap();
    let admin_claims = json!({ "iat": now(), "exp": now() + 240, "aud": "quire-admin" });
    let mut kid_header = Header::new(Algorithm::HS256);
    kid_header.kid = Some(kid.to_owned());
    let key_token = encode(
        &kid_header,
        &admin_claims,
        &EncodingKey::from_secret(key_secret.as_bytes()),
    )
    .unwrap();
    assert!(
        app.graphql_as(&key_token, CREATE, json!({}))
            .await
            .body
            .get("errors")
            .is_none(),
        "API key token works"
    );
    let long_key_token = encode(
        &kid_header,
        &with(admin_claims.clone(), "exp", json!(now() + 3600)),
        &EncodingKey::from_secret(key_secret.as_bytes()),
    )
    .unwrap();
    let wrong_aud_key_token = encode(
        &kid_header,
        &with(admin_claims.clone(), "aud", json!("quire")),
        &EncodingKey::from_secret(key_secret.as_bytes()),
    )
    .unwrap();
    app.graphql_as(
        &good,
        "mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { apiKey { revokedAt } } }",
        json!({ "i": { "keyId": kid } }),
    )
    .await
    .data();

    // A disabled user's still-unexpired token.
    let (victim, victim_token) = app.actor(Role::Editor).await;
    quire_tests::quire::service::account::users::set_disabled(&app.db, victim.id, true)
        .await
        .unwrap();

    let valid = sign(&claims(admin.id), key);
    let parts: Vec<&str> = valid.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], b64(&claims(victim.id)), parts[2]);
    let none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT" })),
        b64(&claims(admin.id))
    );
    let none_upper = format!(
        "{}.{}.",
        b64(&json!({ "alg": "NONE", "typ": "JWT" })),
        b64(&claims(admin.id))
    );
    let rs256_header = format!(
        "{}.{}.{}",
        b64(&json!({ "alg": "RS256", "typ": "JWT" })),
        b64(&claims(admin.id)),
        parts[2]
    );

    let mut typed = Header::new(Algorithm::HS256);
    typed.typ = Some("JWE".into());
    let wrong_typ = encode(&typed, &claims(admin.id), &EncodingKey::from_secret(key)).unwrap();

    // A deleted user's still-unexpired token.
    let (gone, gone_token) = app.actor(Role::Author).await;
    quire_tests::quire::service::account::users::delete_user(&app.db, gone.id)
        .await
        .unwrap();

    let cases: Vec<(&str, String)> = vec![
        ("typ other than JWT", wrong_typ),
        ("deleted user", gone_token),
        ("alg none", none),
        ("alg NONE", none_upper),
        (
            "wrong key",
            sign(&claims(admin.id), b"an attacker's secret of 32 bytes!!"),
        ),
        (
            "RSA public key as HMAC secret",
            sign(&claims(admin.id), RSA_PUBLIC_PEM.as_bytes()),
        ),
        ("RS256 header on an HMAC token", rs256_header),
        (
            "expired",
            sign(&with(claims(admin.id), "exp", json!(now() - 120)), key),
        ),
        (
            "not yet valid",
            sign(&with(claims(admin.id), "nbf", json!(now() + 120)), key),
        ),
        (
            "issued in the future",
            sign(&with(claims(admin.id), "iat", json!(now() + 3600)), key),
        ),
        (
            "wrong iss",
            sign(&with(claims(admin.id), "iss", json!("someone-else")), key),
        ),
        (
            "wrong aud",
            sign(&with(claims(admin.id), "aud", json!("quire-admin")), key),
        ),
        ("missing exp", sign(&without(claims(admin.id), "exp"), key)),
        (
            "string exp",
            sign(&with(claims(admin.id), "exp", json!("9999999999")), key),
        ),
        ("tampered payload", tampered),
        ("unknown user", sign(&claims(987_654), key)),
        ("revoked API key", key_token),
        ("API key token living over 5 minutes", long_key_token),
        ("API key token with the user audience", wrong_aud_key_token),
        ("disabled user", victim_token),
        ("garbage", "not.a.jwt".into()),
    ];
    let before = app.count_posts().await;
    for (name, token) in cases {
        let r = app.graphql_as(&token, CREATE, json!({})).await;
        assert_eq!(r.error_code(), "UNAUTHENTICATED", "{name}: {}", r.body);
        assert!(r.body["data"].is_null(), "{name}");
    }
    assert_eq!(
        app.count_posts().await,
        before,
        "no forged token wrote anything"
    );

    // A Basic header is not a bearer token either.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("authorization", "Basic YWRtaW46YWRtaW4=")
        .json(&json!({ "query": CREATE }))
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}
both_backends!(every_forged_token_is_refused);
