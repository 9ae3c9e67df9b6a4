//! `quire doctor [--repair]`: runs every check of [`service::doctor`], prints each
//! problem on its own line and a summary; with `--repair`, repairs what can be repaired
//! safely (one transaction per check), checks again and reports what remains.

use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use crate::service::doctor::{self, Check, Problem};

/// Runs the checks (and repairs); the exit code is 0 when no problem remains.
pub async fn run(db: &DatabaseConnection, repair: bool) -> anyhow::Result<ExitCode> {
    let mut remaining = 0;
    let mut repaired = 0;
    for check in Check::ALL {
        let mut problems = find(db, check).await?;
        print(&problems);
        if repair && check.repairable() && !problems.is_empty() {
            let n = doctor::repair(db, check, &problems)
                .await
                .map_err(|e| anyhow::anyhow!("repairing {}: {e}", check.name()))?;
            println!("{}: repaired {n}", check.name());
            repaired += problems.len();
            problems = find(db, check).await?;
            repaired -= problems.len();
            for p in &problems {
                println!("still: {}", p.message);
            }
        }
        remaining += problems.len();
    }
    if remaining == 0 && repaired == 0 {
        println!("no problems");
    } else if remaining == 0 {
        println!("{repaired} problems repaired; no problems remain");
    } else if repair {
        println!("{repaired} problems repaired; {remaining} remain");
    } else {
        let fixable = "(`quire doctor --repair` fixes all but orphan rows)";
        println!("{remaining} problems {fixable}");
    }
    Ok(if remaining == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn find(db: &DatabaseConnection, check: Check) -> anyhow::Result<Vec<Problem>> {
    doctor::run(db, check)
        .await
        .map_err(|e| anyhow::anyhow!("checking {}: {e}", check.name()))
}

fn print(problems: &[Problem]) {
    for p in problems {
        println!("{}: {}", p.check.name(), p.message);
    }
}
