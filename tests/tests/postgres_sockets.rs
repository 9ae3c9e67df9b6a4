//! Every connection quire opens to PostgreSQL has `TCP_NODELAY` set. Without it, a client
//! message written in two pieces before the client reads (the import's `COPY` data, then
//! `CopyDone`) waits for the server's delayed ACK, about 40 ms each time: sqlx 0.9.0
//! dropped the option (sqlx#4335) and the PostgreSQL import fell from ~1,600 to ~350
//! posts/s (docs/benchmarks-import.md). The sockets are found as the process's own file
//! descriptors whose peer is the server's port (`/proc/self/net/tcp*`), and asked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::HashSet, os::fd::BorrowedFd};

use quire_tests::{Backend, fresh_database};
use sea_orm::ConnectionTrait;

/// The inodes of this process's TCP sockets connected to `port` (IPv4 and IPv6).
fn sockets_to(port: u16) -> HashSet<u64> {
    let mut inodes = HashSet::new();
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // sl, local_address, rem_address, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode
            let remote_port = fields[2].rsplit(':').next().unwrap();
            let established = fields[3] == "01";
            if established && u16::from_str_radix(remote_port, 16).unwrap() == port {
                inodes.insert(fields[9].parse().unwrap());
            }
        }
    }
    inodes
}

/// Each open descriptor of this process that is one of `inodes`, and whether it has
/// `TCP_NODELAY`.
fn nodelay_of(inodes: &HashSet<u64>) -> Vec<(i32, bool)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap() {
        let entry = entry.unwrap();
        let Ok(link) = std::fs::read_link(entry.path()) else {
            continue;
        };
        let link = link.to_string_lossy().into_owned();
        let Some(inode) = link
            .strip_prefix("socket:[")
            .and_then(|s| s.strip_suffix(']'))
            .and_then(|s| s.parse::<u64>().ok())
        else {
            continue;
        };
        if !inodes.contains(&inode) {
            continue;
        }
        let fd: i32 = entry.file_name().to_string_lossy().parse().unwrap();
        // SAFETY: the descriptor is open (just listed) and stays open while the pool's
        // connections are held below; it is only borrowed for one getsockopt.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let nodelay = socket2::SockRef::from(&borrowed).tcp_nodelay().unwrap();
        found.push((fd, nodelay));
    }
    found
}

#[tokio::test]
async fn every_postgres_connection_has_tcp_nodelay() {
    let Some((conn, guard)) = fresh_database(Backend::Postgres).await else {
        eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set");
        return;
    };
    let port = url_port(guard.url());
    // The check itself: a socket opened without the option is seen as such.
    let plain = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let seen = nodelay_of(&sockets_to(port));
    assert!(
        seen.iter().any(|(_, on)| !on),
        "a plain socket to PostgreSQL was not found without TCP_NODELAY: {seen:?}"
    );
    drop(plain);
    // Several connections of the pool at once, each having run a statement.
    let txns = futures::future::join_all((0..3).map(|_| sea_orm::TransactionTrait::begin(&conn)))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect::<Vec<_>>();
    for txn in &txns {
        txn.execute_unprepared("SELECT 1").await.unwrap();
    }
    let sockets = nodelay_of(&sockets_to(port));
    assert!(
        sockets.len() >= 3,
        "expected at least the 3 connections held, found {sockets:?}"
    );
    let without: Vec<i32> = sockets
        .iter()
        .filter(|(_, on)| !on)
        .map(|(fd, _)| *fd)
        .collect();
    assert!(
        without.is_empty(),
        "PostgreSQL sockets without TCP_NODELAY (descriptors {without:?} of {sockets:?})"
    );
    for txn in txns {
        txn.rollback().await.unwrap();
    }
    conn.close().await.unwrap();
}

/// The port of a `postgres://…` URL (5432 when it names none).
fn url_port(url: &str) -> u16 {
    let authority = url.split("://").nth(1).unwrap().split('/').next().unwrap();
    let host = authority.rsplit('@').next().unwrap();
    host.rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(5432)
}
