//! The deployment recipe in containers: `deploy/compose.yaml`, unchanged, brought up by
//! podman-compose (PostgreSQL, two quire servers, HAProxy, an S3 store and the container
//! making its bucket), every image local: stand-ins for the registry images built by
//! `deploy/offline/build-images.sh` from a debootstrap root file system, and quire's image
//! from this test's own `quire` binary (a debug build: this checks the topology, not the
//! release image, whose size deploy/README.md reports) under the Dockerfile's last stage.
//! Everything is asserted from outside, through HAProxy's published port and its stats.
//!
//! Needs root, podman, podman-compose, runc and debootstrap (`.ci/run` installs them); it
//! fails, saying so, when they are missing. The stack is taken down however the test ends.

use std::{
    collections::BTreeMap,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use quire_tests::{
    PASSWORD,
    balanced::{login, publish_and_read_elsewhere, send, upload},
    containers::{Stack, build_images, podman, require_tools, stdout},
    media::image,
};

const BIN: &str = env!("CARGO_BIN_EXE_quire-server");
const IMAGE: &str = "localhost/quire:stack-test";
const SPREAD: &str = "{ posts(first: 1) { totalCount } }";

/// `n` GET queries through HAProxy, counted by (status, server).
async fn spread(client: &reqwest::Client, stack: &Stack, n: u32) -> BTreeMap<(u16, String), u32> {
    let mut by = BTreeMap::new();
    for _ in 0..n {
        let a = send(
            client
                .get(stack.url("/graphql"))
                .query(&[("query", SPREAD)]),
        )
        .await;
        *by.entry((a.status, a.served_by)).or_default() += 1;
    }
    by
}

/// Sends 10 queries at a time through HAProxy until they are answered 5 by each server
/// (within `within`: a server just started may fail a check or two while the machine is
/// busy, and HAProxy then sends everything to the other); how many rounds that took.
async fn even_spread(client: &reqwest::Client, stack: &Stack, within: Duration) -> u32 {
    let even = counts(&[("quire1", 5), ("quire2", 5)]);
    let deadline = Instant::now() + within;
    let mut round = 0;
    loop {
        round += 1;
        let by = spread(client, stack, 10).await;
        if by == even {
            return round;
        }
        assert!(
            Instant::now() < deadline,
            "10 requests through HAProxy, round robin over two healthy servers: {by:?} \
             (still, after {round} rounds in {within:?})"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn counts(entries: &[(&str, u32)]) -> BTreeMap<(u16, String), u32> {
    entries
        .iter()
        .map(|(server, n)| ((200, (*server).to_owned()), *n))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_stack_behind_haproxy() {
    let began = Instant::now();
    require_tools();
    let built = build_images(Path::new(BIN), IMAGE);
    let stack = Stack::up(IMAGE);
    let client = reqwest::Client::new();

    // HAProxy's /readyz checks find both servers (they migrate one after the other, and
    // restart until PostgreSQL answers: podman-compose ignores depends_on conditions).
    for server in ["quire1", "quire2"] {
        stack.wait_ready(server, Duration::from_secs(180)).await;
    }
    let up = began.elapsed() - built;

    // Round robin: 10 requests answered 5 by each server.
    let rounds = even_spread(&client, &stack, Duration::from_secs(60)).await;

    // The image's health check command, and its unprivileged user, in both containers.
    for service in ["quire1", "quire2"] {
        // Retried like HAProxy's own check (which takes a server out after two failures):
        // a `/readyz` that needs a new PostgreSQL connection answers 503 when opening it
        // takes over the pool's 1 s limit, which happened now and then here (see
        // deploy/README.md).
        let mut probe = Stack::exec(service, &["quire", "probe"], "");
        for _ in 0..5 {
            if probe.status.success() {
                break;
            }
            eprintln!(
                "quire probe in {service}: {}; again in 1 s",
                String::from_utf8_lossy(&probe.stdout).trim()
            );
            std::thread::sleep(Duration::from_secs(1));
            probe = Stack::exec(service, &["quire", "probe"], "");
        }
        assert_eq!(
            stdout(&format!("quire probe in {service}"), &probe),
            "200 {\"status\":\"ok\"}"
        );
        let user = podman(&["top", &Stack::container(service), "user", "huser"]);
        let user = stdout("podman top", &user);
        let row: Vec<&str> = user.lines().last().unwrap().split_whitespace().collect();
        assert_eq!(row, ["nonroot", "65532"], "{service}'s process: {user}");
    }

    // An admin made with the CLI in one container; a post written and published through
    // HAProxy by one server is read through it from the other.
    let create = || {
        Stack::exec(
            "quire1",
            &[
                "quire",
                "user",
                "create",
                "--email",
                "admin@example.com",
                "--name",
                "admin",
                "--role",
                "admin",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        )
    };
    // Retried only when it could not connect (nothing written): opening a PostgreSQL
    // connection in the container network took over the pool's 1 s now and then (see
    // deploy/README.md).
    let mut made = create();
    for _ in 0..5 {
        if made.status.success()
            || !String::from_utf8_lossy(&made.stderr).contains("pool timed out")
        {
            break;
        }
        eprintln!("quire user create could not connect; again in 1 s");
        std::thread::sleep(Duration::from_secs(1));
        made = create();
    }
    stdout("quire user create", &made);
    let token = login(
        &client,
        &stack.url("/graphql"),
        "admin@example.com",
        PASSWORD,
    )
    .await;
    let read = publish_and_read_elsewhere(
        &client,
        &stack.url("/graphql"),
        &token,
        (
            "컨테이너 점검",
            "컨테이너-점검",
            "두 컨테이너 중 하나가 썼다.",
        ),
    )
    .await;
    assert_eq!(
        read.body["data"]["post"]["title"], "컨테이너 점검",
        "{}",
        read.body
    );
    assert_eq!(
        read.body["data"]["post"]["html"],
        "<p>두 컨테이너 중 하나가 썼다.</p>\n"
    );

    // An image uploaded through one server is kept in the S3 store (the bucket that
    // compose.yaml's `bucket` container made), and the other server serves it from there.
    let png = image("img = Image.new('RGB', (64, 48), (30, 120, 200))", "PNG");
    let (uploader, url, sha) = upload(&client, &stack.url("/graphql"), &token, png.clone()).await;
    let served = client.get(stack.url(&url)).send().await.unwrap();
    let server = served.headers()["x-served-by"].to_str().unwrap().to_owned();
    assert_ne!(
        server, uploader,
        "round robin: the next request goes to the other server"
    );
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().as_ref(), png.as_slice());
    let listing = Stack::exec(
        "minio",
        &[
            "curl",
            "-fs",
            "http://127.0.0.1:9000/quire-media?list-type=2&prefix=media/",
        ],
        "",
    );
    let listing = stdout("listing the bucket", &listing);
    assert!(
        listing.contains(&sha),
        "the upload is in the bucket: {listing}"
    );

    // quire1 stopped as an orchestrator stops it (SIGTERM): it exits 0, HAProxy marks it
    // DOWN, and every request, during the stop and after, is answered.
    let running = Arc::new(AtomicBool::new(true));
    let during = tokio::spawn({
        let (client, url, running) = (client.clone(), stack.url("/graphql"), running.clone());
        async move {
            let mut statuses = BTreeMap::<u16, u32>::new();
            while running.load(Ordering::Relaxed) {
                let r = client.get(&url).query(&[("query", SPREAD)]).send().await;
                *statuses
                    .entry(r.map_or(0, |r| r.status().as_u16()))
                    .or_default() += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            statuses
        }
    });
    let container = Stack::container("quire1");
    let stopping = Instant::now();
    let stop = tokio::task::spawn_blocking({
        let container = container.clone();
        move || podman(&["stop", "-t", "15", &container])
    })
    .await
    .unwrap();
    stdout("podman stop", &stop);
    let stopped_in = stopping.elapsed();
    let exit = podman(&["inspect", "--format", "{{.State.ExitCode}}", &container]);
    assert_eq!(stdout("podman inspect", &exit), "0", "quire1's exit code");
    assert!(
        stopped_in < Duration::from_secs(12),
        "SIGTERM took {stopped_in:?}"
    );
    stack
        .wait_status("quire1", "DOWN", Duration::from_secs(30))
        .await;
    assert_eq!(spread(&client, &stack, 10).await, counts(&[("quire2", 10)]));
    running.store(false, Ordering::Relaxed);
    let statuses = during.await.unwrap();
    assert_eq!(statuses.keys().collect::<Vec<_>>(), [&200], "{statuses:?}");

    // Started again, it is taken back in.
    stdout("podman start", &podman(&["start", &container]));
    stack.wait_ready("quire1", Duration::from_secs(60)).await;
    let rounds_after = even_spread(&client, &stack, Duration::from_secs(60)).await;

    let size = podman(&["image", "ls", "--format", "{{.Size}}", IMAGE]);
    eprintln!(
        "compose stack: images {built:.0?} (quire's: {}), up and both servers UP in {up:.0?}, \
         even spread in {rounds} round(s) (after the restart: {rounds_after}), quire1 stopped \
         in {stopped_in:.1?}, {} requests during the stop, all 200; {:.0?} in all",
        stdout("podman image ls", &size),
        statuses[&200],
        began.elapsed()
    );
    drop(stack);
}
