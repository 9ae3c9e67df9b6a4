//! The cache-tag journal (`cache_changes`): how a write on one server (or a command)
//! tells every server which cached answers it ended.
//!
//! A writer calls [`open`] first in its transaction: it bumps the content generation,
//! which locks the row until commit (PostgreSQL; SQLite's write lock is already held),
//! so the generations its transaction makes are one unbroken range. [`Mark::record`], at
//! the end, writes that range and the keys. A server that saw the generation go from
//! `g0` to `g1` reads the rows in between ([`since`]): when they account for every
//! generation, it drops only their keys; a generation no row accounts for (a write that
//! named nothing: `quire import`, account, media and repair writes) means everything.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::Changed;
use crate::error::AppResult;

/// Rows older than this many generations are pruned (a server further behind drops
/// everything).
const KEEP_GENERATIONS: i64 = 10_000;

/// The start of a writer's range of generations.
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    from: i64,
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut n = 0;
        sql.chars()
            .map(|c| {
                if c == '?' {
                    n += 1;
                    format!("${n}")
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

async fn generation<C: ConnectionTrait>(txn: &C) -> AppResult<i64> {
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(stmt(
            backend,
            "SELECT generation FROM content_generation WHERE id = 1",
            vec![],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "generation")?,
        None => 0,
    })
}

/// Starts a writer's range (call it before the transaction writes any content).
pub async fn open<C: ConnectionTrait>(txn: &C) -> AppResult<Mark> {
    let backend = txn.get_database_backend();
    txn.execute_raw(stmt(
        backend,
        "UPDATE content_generation SET generation = generation + 1 WHERE id = 1",
        vec![],
    ))
    .await?;
    Ok(Mark {
        from: generation(txn).await? - 1,
    })
}

impl Mark {
    /// Writes the range from the mark to now with `changed` (call it after the
    /// transaction's last content write), and prunes old rows.
    pub async fn record<C: ConnectionTrait>(self, txn: &C, changed: &Changed) -> AppResult<()> {
        let Changed::Keys(keys) = changed else {
            // Everything: no row, so every server finds the range unaccounted for.
            return Ok(());
        };
        let backend = txn.get_database_backend();
        let to = generation(txn).await?;
        let text = keys.iter().cloned().collect::<Vec<_>>().join(" ");
        txn.execute_raw(stmt(
            backend,
            "INSERT INTO cache_changes (generation_from, generation_to, keys) VALUES (?, ?, ?)",
            vec![self.from.into(), to.into(), text.into()],
        ))
        .await?;
        txn.execute_raw(stmt(
            backend,
            "DELETE FROM cache_changes WHERE generation_to < ?",
            vec![(to - KEEP_GENERATIONS).into()],
        ))
        .await?;
        Ok(())
    }
}

/// What changed between generations `from` and `to` (`from < to`): the keys of the
/// rows that account for every generation in between, or everything.
pub async fn since<C: ConnectionTrait>(db: &C, from: i64, to: i64) -> AppResult<Changed> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(stmt(
            backend,
            "SELECT generation_from, generation_to, keys FROM cache_changes \
             WHERE generation_from >= ? AND generation_to <= ? ORDER BY generation_from",
            vec![from.into(), to.into()],
        ))
        .await?;
    let mut at = from;
    let mut changed = Changed::none();
    for row in rows {
        let start: i64 = row.try_get("", "generation_from")?;
        let end: i64 = row.try_get("", "generation_to")?;
        if start != at {
            return Ok(Changed::Everything);
        }
        let keys: String = row.try_get("", "keys")?;
        keys.split(' ')
            .filter(|k| !k.is_empty())
            .for_each(|k| changed.add(k));
        at = end;
    }
    Ok(if at == to {
        changed
    } else {
        Changed::Everything
    })
}
