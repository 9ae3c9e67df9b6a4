//! Series navigation without reading posts: previous/next and positions need, per
//! series, the IDs of its visible posts in order. This index holds everything that
//! query filters and orders on, so both databases answer it from the index alone
//! instead of reading every post of the series (bodies included).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Posts {
    Table,
    Id,
    SeriesId,
    SeriesPosition,
    PublishedAt,
    Status,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_posts_series_order")
                    .table(Posts::Table)
                    .col(Posts::SeriesId)
                    .col(Posts::SeriesPosition)
                    .col(Posts::PublishedAt)
                    .col(Posts::Id)
                    .col(Posts::Status)
                    .col(Posts::DeletedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_posts_series_order")
                    .table(Posts::Table)
                    .to_owned(),
            )
            .await
    }
}
