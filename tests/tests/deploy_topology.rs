//! The deployment recipe's topology (`deploy/compose.yaml`) without containers: one
//! PostgreSQL database, two `quire serve` processes (the real binary) with the recipe's
//! settings, media in an S3-compatible store (moto), and HAProxy in front running the
//! recipe's own `deploy/haproxy.cfg`, health-checking `/readyz`. Everything is asserted
//! through the balancer, which names the server that answered in `X-Served-By`; each
//! server's own `/metrics` must agree with that header's counts.

use std::{
    collections::BTreeMap,
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use quire_tests::{
    Backend, PASSWORD,
    balanced::{login, publish_and_read_elsewhere, read_elsewhere, send, upload},
    empty_database,
    entity::user::Role,
    media::{StoreKind, TestStore, image},
    processes::{Haproxy, Server},
    quire::service::account::users::{NewAccount, create_user},
};

const SECRET: &str = "a-deployment-secret-that-is-at-least-32-bytes";
const BIN: &str = env!("CARGO_BIN_EXE_quire-server");
/// Health checks this often: a stopped server is out after two failed checks.
const CHECK_INTER: &str = "200ms";
const SPREAD: &str = "query Spread { posts(first: 1) { totalCount } }";

fn get(client: &reqwest::Client, lb: &Haproxy, query: &str, op: &str) -> reqwest::RequestBuilder {
    client
        .get(lb.url("/graphql"))
        .query(&[("query", query), ("operationName", op)])
}

/// `Spread` requests counted by the server at `base`, over every outcome.
async fn spread_count(base: &str) -> f64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("quire_http_requests_total{operation=\"Spread\""))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

/// `quire probe URL`'s exit code and output.
fn probe(url: &str) -> (i32, String) {
    let out = Command::new(BIN).args(["probe", url]).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_behind_haproxy() {
    let Some(guard) = empty_database(Backend::Postgres).await else {
        eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set; the topology needs PostgreSQL");
        return;
    };
    let store = TestStore::new(StoreKind::S3).await;
    let endpoint = store.endpoint.clone().unwrap();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    // compose.yaml's quire environment, with loopback addresses.
    let env = |dir: &tempfile::TempDir| {
        vec![
            ("DATABASE_URL", guard.url().to_owned()),
            ("QUIRE_JWT_SECRET", SECRET.to_owned()),
            ("QUIRE_TRUST_FORWARDED_FOR", "true".to_owned()),
            ("QUIRE_MEDIA_URL", store.url.clone()),
            ("AWS_ENDPOINT_URL", endpoint.clone()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("QUIRE_DATA_DIR", dir.path().display().to_string()),
        ]
    };
    let start = |dir| {
        let e = env(dir);
        let pairs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Server::start(std::path::Path::new(BIN), &pairs)
    };
    // Both start at once on a database with no tables: one migrates while the other
    // waits for it.
    let mut servers = [start(&dirs[0]), start(&dirs[1])];
    for s in &servers {
        s.ready().await;
    }
    let db = quire_tests::quire::db::connect(guard.url()).await.unwrap();
    let account = NewAccount {
        email: "admin@example.com",
        name: "admin",
        role: Role::Admin,
        password: PASSWORD,
    };
    create_user(&db, account).await.unwrap();
    db.close().await.unwrap();
    let addrs = servers.each_ref().map(|s| format!("127.0.0.1:{}", s.port));
    let mut lb = Haproxy::start([&addrs[0], &addrs[1]], CHECK_INTER).await;
    let client = reqwest::Client::new();

    // Requests are spread over both servers, and each server counted what it answered.
    let mut by = BTreeMap::<String, f64>::new();
    for _ in 0..20 {
        let a = send(get(&client, &lb, SPREAD, "Spread")).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.body["data"]["posts"]["totalCount"], 0);
        *by.entry(a.served_by).or_default() += 1.0;
    }
    assert_eq!(
        by.keys().collect::<Vec<_>>(),
        ["quire1", "quire2"],
        "{by:?}"
    );
    assert_eq!(by["quire1"], 10.0, "round robin: {by:?}");
    assert_eq!(spread_count(&servers[0].base()).await, by["quire1"]);
    assert_eq!(spread_count(&servers[1].base()).await, by["quire2"]);

    // A post written through one server is read through the other.
    let token = login(&client, &lb.url("/graphql"), "admin@example.com", PASSWORD).await;
    let read = publish_and_read_elsewhere(
        &client,
        &lb.url("/graphql"),
        &token,
        ("배포 점검", "배포-점검", "두 서버 중 하나가 썼다."),
    )
    .await;
    assert_eq!(read.body["data"]["post"]["title"], "배포 점검");
    assert_eq!(
        read.body["data"]["post"]["html"],
        "<p>두 서버 중 하나가 썼다.</p>\n"
    );

    // An image uploaded through one server is served by the other, from S3.
    let png = image("img = Image.new('RGB', (64, 48), (200, 30, 30))", "PNG");
    let (uploader, url, sha) = upload(&client, &lb.url("/graphql"), &token, png.clone()).await;
    let served = read_elsewhere(&uploader, || client.get(lb.url(&url))).await;
    assert_eq!(served.status, 200);
    let bytes = client
        .get(format!("{}{url}", servers[0].base()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), png.as_slice(), "quire1 serves the upload");
    let bucket = store
        .url
        .trim_start_matches("s3://")
        .split('/')
        .next()
        .unwrap();
    let listing = client
        .get(format!(
            "{endpoint}/{bucket}?list-type=2&prefix=blog/media/"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains(&sha),
        "the upload is in the bucket: {listing}"
    );
    for dir in &dirs {
        let kept: Vec<_> = walk(dir.path());
        assert!(kept.is_empty(), "nothing kept on a server's disk: {kept:?}");
    }

    // A server stopped (SIGTERM) is taken out by the health check; requests sent
    // meanwhile and after all succeed, and the other server answers them.
    assert_eq!(probe(&format!("{}/readyz", servers[0].base())).0, 0);
    let running = Arc::new(AtomicBool::new(true));
    let during = tokio::spawn({
        let (client, url, running) = (client.clone(), lb.url("/graphql"), running.clone());
        async move {
            let mut statuses = BTreeMap::<u16, u32>::new();
            while running.load(Ordering::Relaxed) {
                let r = client
                    .get(&url)
                    .query(&[("query", SPREAD)])
                    .send()
                    .await
                    .unwrap();
                *statuses.entry(r.status().as_u16()).or_default() += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            statuses
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let exit = servers[0].stop();
    assert!(exit.success(), "a stopped server exits 0: {exit:?}");
    lb.wait_status("quire1", "DOWN", Duration::from_secs(10))
        .await;
    let (code, said) = probe(&format!("{}/readyz", servers[0].base()));
    assert_eq!(code, 1, "probe of a stopped server: {said}");
    let mut after = BTreeMap::<(u16, String), u32>::new();
    for _ in 0..10 {
        let a = send(get(&client, &lb, SPREAD, "Spread")).await;
        *after.entry((a.status, a.served_by)).or_default() += 1;
    }
    assert_eq!(after, BTreeMap::from([((200, "quire2".to_owned()), 10)]));
    running.store(false, Ordering::Relaxed);
    let statuses = during.await.unwrap();
    assert_eq!(statuses.keys().collect::<Vec<_>>(), [&200], "{statuses:?}");
    assert!(statuses[&200] >= 10, "{statuses:?}");

    // Started again, it is taken back in.
    servers[0].restart();
    servers[0].ready().await;
    lb.wait_status("quire1", "UP", Duration::from_secs(10))
        .await;
    let mut back = BTreeMap::<(u16, String), u32>::new();
    for _ in 0..10 {
        let a = send(get(&client, &lb, SPREAD, "Spread")).await;
        *back.entry((a.status, a.served_by)).or_default() += 1;
    }
    assert_eq!(
        back,
        BTreeMap::from([
            ((200, "quire1".to_owned()), 5),
            ((200, "quire2".to_owned()), 5)
        ])
    );
    let (code, said) = probe(&format!("{}/readyz", servers[0].base()));
    assert_eq!((code, said.as_str()), (0, "200 {\"status\":\"ok\"}"));
    drop(lb);
    drop(servers);
    drop(guard);
}

/// The files under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
