//! Logging in, refresh-token rotation, logout, rate limits, and the database (not the
//! token) deciding who someone is and what they may do.

use quire_tests::{PASSWORD, TestApp, both_backends, entity::user::Role};
use serde_json::{Value, json};

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken expiresAt user { email role } } }";
const REFRESH: &str =
    "mutation($i: RefreshTokenInput!) { refreshToken(input: $i) { accessToken refreshToken } }";
const CREATE_TAG: &str = "mutation { createTag(input: { name: \"권한 시험\" }) { tag { slug } } }";

async fn login(app: &TestApp, email: &str, password: &str) -> quire_tests::GqlResponse {
    app.graphql(
        LOGIN,
        json!({ "i": { "email": email, "password": password } }),
    )
    .await
}

async fn login_refresh_logout(app: TestApp) {
    app.user("kim@example.com", "김작가", Role::Editor).await;
    let r = login(&app, "  Kim@Example.com ", PASSWORD).await;
    let d = r.data()["login"].clone();
    assert_eq!(
        d["user"],
        json!({ "email": "kim@example.com", "role": "EDITOR" })
    );
    let access = d["accessToken"].as_str().unwrap().to_owned();
    let refresh = d["refreshToken"].as_str().unwrap().to_owned();
    // 15 minutes.
    let exp = chrono::DateTime::parse_from_rfc3339(d["expiresAt"].as_str().unwrap()).unwrap();
    let ttl = exp.timestamp() - chrono::Utc::now().timestamp();
    assert!((880..=900).contains(&ttl), "{ttl}");
    let r = app
        .graphql_as(&access, "{ viewer { email name role } }", json!({}))
        .await;
    assert_eq!(
        r.data()["viewer"],
        json!({ "email": "kim@example.com", "name": "김작가", "role": "EDITOR" })
    );

    // Rotation: the new refresh token works once; the old one is dead.
    let r = app
        .graphql(REFRESH, json!({ "i": { "refreshToken": refresh } }))
        .await;
    let refresh2 = r.data()["refreshToken"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(refresh2, refresh);
    // Reusing the old one is refused, and (a sign of theft) revokes the new one too.
    let r = app
        .graphql(REFRESH, json!({ "i": { "refreshToken": refresh } }))
        .await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
    let r = app
        .graphql(REFRESH, json!({ "i": { "refreshToken": refresh2 } }))
        .await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");

    // Logout revokes a session's refresh token.
    let (_, refresh3) = app.login("kim@example.com").await;
    let r = app
        .graphql(
            "mutation($i: LogoutInput!) { logout(input: $i) { revoked } }",
            json!({ "i": { "refreshToken": refresh3 } }),
        )
        .await;
    assert_eq!(r.data()["logout"]["revoked"], true);
    let r = app
        .graphql(REFRESH, json!({ "i": { "refreshToken": refresh3 } }))
        .await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");

    // A stale access token does not break public reads.
    let r = app
        .graphql_as("expired.or.garbage", "{ posts { totalCount } }", json!({}))
        .await;
    assert_eq!(r.data()["posts"]["totalCount"], 0);
}
both_backends!(login_refresh_logout);

async fn failures_say_nothing_and_are_rate_limited(app: TestApp) {
    app.user("lee@example.com", "이편집", Role::Author).await;
    let wrong = login(&app, "lee@example.com", "wrong password").await;
    let unknown = login(&app, "nobody@example.com", "wrong password").await;
    assert_eq!(wrong.error_code(), "UNAUTHENTICATED");
    assert_eq!(unknown.error_code(), "UNAUTHENTICATED");
    assert_eq!(
        wrong.body["errors"][0]["message"], unknown.body["errors"][0]["message"],
        "the error must not reveal which emails exist"
    );
    for _ in 0..3 {
        assert_eq!(
            login(&app, "lee@example.com", "still wrong")
                .await
                .error_code(),
            "UNAUTHENTICATED"
        );
    }
    // Five failures in a minute from this client: even the right password is refused
    // for now, for this account and any other.
    let r = login(&app, "lee@example.com", PASSWORD).await;
    assert_eq!(r.error_code(), "RATE_LIMITED");
    assert!(r.body["data"].is_null());
    app.user("choi@example.com", "최", Role::Author).await;
    assert_eq!(
        login(&app, "choi@example.com", PASSWORD).await.error_code(),
        "RATE_LIMITED"
    );
}
both_backends!(failures_say_nothing_and_are_rate_limited);

async fn the_database_decides_roles_and_access(app: TestApp) {
    let (editor, token) = app.actor(Role::Editor).await;
    let r = app.graphql_as(&token, CREATE_TAG, json!({})).await;
    assert_eq!(r.data()["createTag"]["tag"]["slug"], "권한-시험");
    // Demoted: the token still says EDITOR, the database says AUTHOR.
    quire_tests::quire::service::account::users::set_role(&app.db, editor.id, Role::Author)
        .await
        .unwrap();
    let r = app.graphql_as(&token, CREATE_TAG, json!({})).await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app
        .graphql_as(&token, "{ viewer { role } }", json!({}))
        .await;
    assert_eq!(r.data()["viewer"]["role"], "AUTHOR");

    // Own profile and password.
    let r = app
        .graphql_as(&token, "mutation { updateViewer(input: { name: \"새 이름\", bio: \"소개\" }) { user { name bio } } }", json!({}))
        .await;
    assert_eq!(
        r.data()["updateViewer"]["user"],
        json!({ "name": "새 이름", "bio": "소개" })
    );
    let r = app
        .graphql_as(
            &token,
            "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { email } } }",
            json!({ "i": { "currentPassword": "nope", "newPassword": "새 비밀번호 12345" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "currentPassword"
    );
    let r = app
        .graphql_as(
            &token,
            "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { email } } }",
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "새 비밀번호 12345" } }),
        )
        .await;
    assert!(r.body.get("errors").is_none(), "{}", r.body);
    let r = login(&app, &editor.email, "새 비밀번호 12345").await;
    assert_eq!(r.data()["login"]["user"]["role"], "AUTHOR");
}
both_backends!(the_database_decides_roles_and_access);

async fn admins_manage_users_and_keys(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let r = app
        .graphql_as(&admin, "mutation { createUser(input: { email: \"park@example.com\", name: \"박기자\", role: AUTHOR }) { user { id slug role } generatedPassword } }", json!({}))
        .await;
    let created = r.data()["createUser"].clone();
    let generated = created["generatedPassword"].as_str().unwrap().to_owned();
    assert!(generated.len() >= 16);
    assert_eq!(created["user"]["slug"], "박기자");
    let r = login(&app, "park@example.com", &generated).await;
    let park_token = r.data()["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .graphql_as(&admin, "mutation { createUser(input: { email: \"PARK@example.com\", name: \"중복\", role: AUTHOR }) { user { id } } }", json!({}))
        .await;
    assert_eq!(r.error_code(), "CONFLICT");

    // Promote, then disable: the token stops working at once.
    let update =
        "mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { role disabledAt } } }";
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "id": created["user"]["id"], "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(r.data()["updateUser"]["user"]["role"], "EDITOR");
    assert_eq!(
        app.graphql_as(&park_token, CREATE_TAG, json!({}))
            .await
            .data()["createTag"]["tag"]["slug"],
        "권한-시험"
    );
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "id": created["user"]["id"], "disabled": true } }),
        )
        .await;
    assert!(r.data()["updateUser"]["user"]["disabledAt"].is_string());
    assert_eq!(
        app.graphql_as(&park_token, "{ viewer { email } }", json!({}))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        login(&app, "park@example.com", &generated)
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );

    // The last admin cannot demote or disable themselves.
    let r = app
        .graphql_as(
            &admin,
            "{ viewer { id } users { email } apiKeys { keyId } }",
            json!({}),
        )
        .await;
    let me = r.data()["viewer"]["id"].clone();
    assert_eq!(r.data()["users"].as_array().unwrap().len(), 3);
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "id": me, "role": "EDITOR" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");

    // Keys: listed without secrets.
    let r = app.graphql_as(&admin, "mutation { createApiKey(input: { name: \"배포 스크립트\", role: EDITOR }) { secret apiKey { keyId name role } } }", json!({})).await;
    let key = r.data()["createApiKey"].clone();
    assert!(
        key["secret"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}:", key["apiKey"]["keyId"].as_str().unwrap()))
    );
    let r = app
        .graphql_as(
            &admin,
            "{ apiKeys { keyId name role revokedAt } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["apiKeys"],
        json!([{ "keyId": key["apiKey"]["keyId"], "name": "배포 스크립트", "role": "EDITOR", "revokedAt": Value::Null }])
    );
}
both_backends!(admins_manage_users_and_keys);

async fn admins_give_imported_authors_a_login(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    // An import creates an author with a placeholder email and no password.
    let (imported, created) =
        quire_tests::quire::service::author::find_or_create_imported(&app.db, "가져온 작가")
            .await
            .unwrap()
            .unwrap();
    assert!(created);
    assert_eq!(imported.email, "가져온-작가@import.invalid");
    assert!(imported.password_hash.is_none());
    let id = quire_tests::quire::graphql::node::encode(
        quire_tests::quire::graphql::node::Kind::Author,
        imported.id,
    )
    .to_string();
    assert_eq!(
        login(&app, &imported.email, "아무 비밀번호나 넣어 봄")
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );

    let update = "mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { email role } } }";
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "id": id, "email": " Writer@Example.com " } }),
        )
        .await;
    assert_eq!(
        r.data()["updateUser"]["user"],
        json!({ "email": "writer@example.com", "role": "AUTHOR" })
    );
    // Another account's email (in any case) and a non-address are refused, and change nothing.
    app.user("taken@example.com", "다른 사람", Role::Author)
        .await;
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "id": id, "email": "TAKEN@example.com" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "id": id, "email": "no-at-sign" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "email");

    let reset = "mutation($i: ResetUserPasswordInput!) { resetUserPassword(input: $i) { user { email } generatedPassword } }";
    let r = app
        .graphql_as(
            &admin,
            reset,
            json!({ "i": { "id": id, "newPassword": "짧은 암호" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "newPassword");
    assert_eq!(
        login(&app, "writer@example.com", "짧은 암호")
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );

    // No password given: one is generated, shown once, and logs in.
    let r = app
        .graphql_as(&admin, reset, json!({ "i": { "id": id } }))
        .await;
    let d = r.data()["resetUserPassword"].clone();
    assert_eq!(d["user"]["email"], "writer@example.com");
    let generated = d["generatedPassword"].as_str().unwrap().to_owned();
    assert!(generated.chars().count() >= 16, "{generated}");
    let r = login(&app, "writer@example.com", &generated).await;
    assert_eq!(r.data()["login"]["user"]["role"], "AUTHOR");
    let refresh = r.data()["login"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();

    // A chosen password replaces it and logs the user's sessions out.
    let r = app
        .graphql_as(
            &admin,
            reset,
            json!({ "i": { "id": id, "newPassword": "새로 정한 비밀번호" } }),
        )
        .await;
    assert_eq!(
        r.data()["resetUserPassword"]["generatedPassword"],
        Value::Null
    );
    assert_eq!(
        app.graphql(REFRESH, json!({ "i": { "refreshToken": refresh } }))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        login(&app, "writer@example.com", &generated)
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        login(&app, "writer@example.com", "새로 정한 비밀번호")
            .await
            .data()["login"]["user"]["email"],
        "writer@example.com"
    );

    // A deleted account gets no password.
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: DeleteUserInput!) { deleteUser(input: $i) { deletedUserId } }",
            json!({ "i": { "id": id } }),
        )
        .await;
    assert_eq!(r.data()["deleteUser"]["deletedUserId"], id.as_str());
    let r = app
        .graphql_as(
            &admin,
            reset,
            json!({ "i": { "id": id, "newPassword": "되살리려는 비밀번호" } }),
        )
        .await;
    assert_eq!(r.error_code(), "NOT_FOUND");
}
both_backends!(admins_give_imported_authors_a_login);

async fn the_account_limit_holds_across_clients(app: TestApp) {
    use quire_tests::quire::{error::AppError, service::account::sessions::login};
    app.user("jung@example.com", "정", Role::Author).await;
    let secret = app.secret().await;
    for i in 0..5 {
        let r = login(
            &app.db,
            &secret,
            "jung@example.com",
            "bad",
            &format!("10.0.0.{i}"),
        )
        .await;
        assert!(matches!(r, Err(AppError::InvalidCredentials)), "{r:?}");
    }
    let r = login(&app.db, &secret, "JUNG@example.com", PASSWORD, "10.0.0.99").await;
    assert!(matches!(r, Err(AppError::RateLimited)), "{r:?}");
    // Another account from a fresh client is unaffected.
    app.user("han@example.com", "한", Role::Author).await;
    assert!(
        login(&app.db, &secret, "han@example.com", PASSWORD, "10.0.0.100")
            .await
            .is_ok()
    );
}
both_backends!(the_account_limit_holds_across_clients);

async fn forwarded_clients_are_limited_apart(app: TestApp) {
    async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> String {
        let resp = app
            .client()
            .post(app.url("/graphql"))
            .header("x-forwarded-for", format!("{ip}, 10.9.9.9"))
            .json(&json!({ "query": LOGIN, "variables": { "i": { "email": email, "password": password } } }))
            .send()
            .await
            .unwrap();
        let body: Value = resp.json().await.unwrap();
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("OK")
            .to_owned()
    }
    for i in 0..5 {
        assert_eq!(
            login_from(&app, "203.0.113.7", &format!("nobody{i}@example.com"), "x").await,
            "UNAUTHENTICATED"
        );
    }
    app.user("seo@example.com", "서", Role::Author).await;
    assert_eq!(
        login_from(&app, "203.0.113.7", "seo@example.com", PASSWORD).await,
        "RATE_LIMITED"
    );
    assert_eq!(
        login_from(&app, "198.51.100.2", "seo@example.com", PASSWORD).await,
        "OK"
    );
}

mod forwarded {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = quire_tests::spawn_app_with(quire_tests::Backend::Sqlite, |a| {
            a.trust_forwarded_for(true)
        })
        .await
        .unwrap();
        super::forwarded_clients_are_limited_apart(app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        match quire_tests::spawn_app_with(quire_tests::Backend::Postgres, |a| {
            a.trust_forwarded_for(true)
        })
        .await
        {
            Some(app) => super::forwarded_clients_are_limited_apart(app).await,
            None => {
                eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run")
            }
        }
    }
}

async fn forwarded_for_is_ignored_unless_trusted(app: TestApp) {
    // Without --trust-forwarded-for, a client cannot dodge the limit by inventing headers.
    for i in 0..5 {
        let resp = app
            .client()
            .post(app.url("/graphql"))
            .header("x-forwarded-for", format!("192.0.2.{i}"))
            .json(&json!({ "query": LOGIN, "variables": { "i": { "email": "nobody@example.com", "password": "x" } } }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.json::<Value>().await.unwrap()["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
    app.user("oh@example.com", "오", Role::Author).await;
    assert_eq!(
        login(&app, "oh@example.com", PASSWORD).await.error_code(),
        "RATE_LIMITED"
    );
}
both_backends!(forwarded_for_is_ignored_unless_trusted);
