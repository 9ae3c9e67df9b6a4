//! Live events: what each content write changed, for the GraphQL subscriptions of every
//! server. A row is written by the same transaction as the change (so a rollback leaves
//! none); on PostgreSQL its id is sent with `pg_notify` at commit, on SQLite the servers
//! read the rows past the last one they saw. Rows are kept a few minutes, then deleted
//! by the servers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LiveEvents {
    Table,
    Id,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LiveEvents::Table)
                    .col(big_pk_auto(LiveEvents::Id))
                    .col(text(LiveEvents::Body))
                    .col(timestamp_with_time_zone(LiveEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_live_events_created_at")
                    .table(LiveEvents::Table)
                    .col(LiveEvents::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(LiveEvents::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
