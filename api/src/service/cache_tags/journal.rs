//! The cache-tag journal (`cache_changes`): how a write on one server (or a command)
//! tells every server which cached answers it ended.
//!
//! A writer's generations are one unbroken range: on SQLite its transaction holds the
//! write lock from its start ([`crate::db::begin_write`]), so [`open`] reads where the
//! range starts; on PostgreSQL the row is locked from the transaction's first bump to
//! its commit, and the bump function counts that transaction's bumps (migration
//! m20261208_020100), so [`Mark::record`] works the start out at the end without locking
//! the row early. [`Mark::record`] writes the range and the keys. A server that saw the generation go from
//! `g0` to `g1` reads the rows in between ([`since`]): when they account for every
//! generation, it drops only their keys; a generation no row accounts for (a write that
//! named nothing: `quire import`, account, media and repair writes) means everything.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::Changed;
use crate::error::AppResult;

/// Rows older than this many generations are pruned (a server further behind drops
/// everything).
const KEEP_GENERATIONS: i64 = 10_000;

/// The start of a writer's range of generations (SQLite), or that it is worked out at
/// the end (PostgreSQL).
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    from: Option<i64>,
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

/// Starts a writer's range (call it before the transaction writes any content, in a
/// transaction begun by [`crate::db::begin_write`]).
pub async fn open<C: ConnectionTrait>(txn: &C) -> AppResult<Mark> {
    if txn.get_database_backend() == DbBackend::Postgres {
        return Ok(Mark { from: None });
    }
    Ok(Mark {
        from: Some(generation(txn).await?),
    })
}

/// The range of generations this transaction made, from its start to now.
async fn range<C: ConnectionTrait>(txn: &C, from: Option<i64>) -> AppResult<(i64, i64)> {
    if let Some(from) = from {
        return Ok((from, generation(txn).await?));
    }
    let row = txn
        .query_one_raw(stmt(
            DbBackend::Postgres,
            "SELECT generation, CASE WHEN bumper = txid_current() THEN bumps ELSE 0 END AS mine \
             FROM content_generation WHERE id = 1",
            vec![],
        ))
        .await?;
    let Some(row) = row else {
        return Ok((0, 0));
    };
    let to: i64 = row.try_get("", "generation")?;
    let mine: i64 = row.try_get("", "mine")?;
    Ok((to - mine, to))
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
        let (from, to) = range(txn, self.from).await?;
        if from == to {
            return Ok(()); // It wrote no content.
        }
        let text = keys.iter().cloned().collect::<Vec<_>>().join(" ");
        txn.execute_raw(stmt(
            backend,
            "INSERT INTO cache_changes (generation_from, generation_to, keys) VALUES (?, ?, ?)",
            vec![from.into(), to.into(), text.into()],
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
