//! What the feeds carry of each post: its whole sanitised HTML (`FULL`, the default) or
//! only its excerpt (`EXCERPT`). A site setting like the others, so it is one more
//! column on the one row of `site_settings`; its triggers already bump the content
//! generation, so cached feeds die when it changes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    FeedContent,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SiteSettings::Table)
                    .add_column(string_len(SiteSettings::FeedContent, 16).default("FULL"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SiteSettings::Table)
                    .drop_column(SiteSettings::FeedContent)
                    .to_owned(),
            )
            .await
    }
}
