//! What the CLI tests of backups and `quire doctor` share: a database to point `quire`
//! at (a SQLite data directory or a fresh PostgreSQL database, dropped afterwards), and a
//! running `quire serve` on it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{
    ffi::OsString,
    io::{BufRead, BufReader, Write},
    path::PathBuf,
    process::{Child, Command, Output, Stdio},
    time::Duration,
};

use sea_orm::ConnectionTrait;
use serde_json::Value;

pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A database the commands are pointed at.
pub enum Target {
    Sqlite(PathBuf),
    Postgres { admin: String, name: String },
}

impl Target {
    pub fn sqlite() -> Self {
        Self::Sqlite(temp_dir())
    }

    /// A fresh, empty PostgreSQL database, or `None` without `QUIRE_TEST_POSTGRES_URL`.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin) = std::env::var("QUIRE_TEST_POSTGRES_URL") else {
            eprintln!("QUIRE_TEST_POSTGRES_URL not set: PostgreSQL half skipped");
            return None;
        };
        let name = format!("quire_test_{}", uuid::Uuid::new_v4().simple());
        let db = quire::db::connect(&admin).await.unwrap();
        db.execute_unprepared(&format!(
            "CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        ))
        .await
        .unwrap();
        db.close().await.unwrap();
        Some(Self::Postgres { admin, name })
    }

    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite://{}?mode=rwc", dir.join("quire.db").display()),
            Self::Postgres { admin, name } => quire::db::with_database(admin, name),
        }
    }

    pub fn args(&self) -> Vec<OsString> {
        match self {
            Self::Sqlite(dir) => vec!["--data-dir".into(), dir.into()],
            Self::Postgres { .. } => vec!["--database-url".into(), self.url().into()],
        }
    }

    pub fn quire(&self, args: &[&str]) -> Output {
        self.quire_with_stdin(args, "")
    }

    pub fn quire_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .env_remove("DATABASE_URL")
            .env_remove("QUIRE_DATA_DIR")
            .env("RUST_LOG", "warn")
            .args(self.args())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        match self {
            Self::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { admin, name } => {
                quire::db::drop_database_blocking(admin.clone(), name.clone());
            }
        }
    }
}

/// A running `quire serve` on a target.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Server {
    pub fn start(target: &Target) -> Self {
        Self::start_with(target, &[])
    }

    /// [`Self::start`] with more `serve` flags.
    pub fn start_with(target: &Target, flags: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .env_remove("DATABASE_URL")
            .env_remove("QUIRE_DATA_DIR")
            .env("RUST_LOG", "info")
            .args(["--log-format", "json"])
            .args(target.args())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(flags)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let addr = loop {
            let line = rx.recv_timeout(Duration::from_secs(60)).unwrap();
            let v: Value = serde_json::from_str(&line).unwrap_or_default();
            if v["fields"]["message"] == "quire listening" {
                break v["fields"]["addr"].as_str().unwrap().to_owned();
            }
        };
        Self { child, addr }
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
