//! `import_child DATABASE_URL AUTHOR_SLUG PATH…`: runs `quire import` (the same
//! `commands::import::run` the `quire` binary calls) in a process of its own, so a test
//! can kill it with SIGKILL in the middle (tests/tests/import_kill.rs). Prints the
//! summary; exits 1 when any file failed, 2 when the import could not run.

use std::process::ExitCode;

use quire::{
    commands::import::{ImportRequest, run},
    db,
    service::import::ImportStatus,
};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(author)) = (args.next(), args.next()) else {
        eprintln!("usage: import_child DATABASE_URL AUTHOR_SLUG PATH…");
        return ExitCode::from(2);
    };
    let request = ImportRequest {
        paths: args.map(Into::into).collect(),
        dry_run: false,
        author: Some(author),
        status: ImportStatus::Published,
    };
    let conn = match db::connect(&url).await {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("Error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&conn, &request).await {
        Ok(report) => {
            println!("{}", report.render());
            if report.failed() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::from(2)
        }
    }
}
