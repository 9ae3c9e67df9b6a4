//! `idx_posts_series (series_id)` is a prefix of `idx_posts_series_order (series_id,
//! series_position, …)`, which serves every lookup it served (a series' posts, the
//! `ON DELETE SET NULL` of a deleted series); keeping both only made every post write
//! update one more index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Posts {
    Table,
    SeriesId,
}

const INDEX: &str = "idx_posts_series";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Posts::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Posts::Table)
                    .col(Posts::SeriesId)
                    .to_owned(),
            )
            .await
    }
}
