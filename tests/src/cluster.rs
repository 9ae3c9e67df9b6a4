//! A PostgreSQL cluster of a test's own (`pg_createcluster`), for tests that stop and
//! start the database: the shared cluster is never touched. Dropped with the guard.

use std::process::Command;

/// A private cluster on a free port, trust authentication, running.
pub struct PrivateCluster {
    name: String,
    pub port: u16,
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} could not run (is PostgreSQL 15 installed?): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl PrivateCluster {
    /// Creates and starts a cluster named after the test run.
    pub fn create() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let name = format!("quire_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let port_text = port.to_string();
        run(
            "pg_createcluster",
            &[
                "15",
                &name,
                "-p",
                &port_text,
                "--",
                "--auth=trust",
                "--encoding=UTF8",
            ],
        );
        let cluster = Self { name, port };
        cluster.start();
        cluster
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn start(&self) {
        run(
            "pg_ctlcluster",
            &["--skip-systemctl-redirect", "15", &self.name, "start"],
        );
    }

    /// Stops the server at once, disconnecting every client (`-m fast`).
    pub fn stop(&self) {
        run(
            "pg_ctlcluster",
            &[
                "--skip-systemctl-redirect",
                "15",
                &self.name,
                "stop",
                "-m",
                "fast",
            ],
        );
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = Command::new("pg_dropcluster")
            .args(["--stop", "15", &self.name])
            .output();
    }
}
