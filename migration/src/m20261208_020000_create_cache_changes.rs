//! The cache-tag journal: for each write that named what it changed, the range of
//! content generations its transaction made and the cache tags it touched. A server
//! that sees the content generation move reads the rows since the generation it knew
//! and drops only the cached answers tagged with those keys; a range no row accounts
//! for (a write that named nothing: an import, an account change, a media upload, a
//! repair) makes it drop everything, as before. Rows are pruned by the writers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CacheChanges {
    Table,
    Id,
    GenerationFrom,
    GenerationTo,
    Keys,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CacheChanges::Table)
                    .if_not_exists()
                    .col(big_pk_auto(CacheChanges::Id))
                    .col(big_integer(CacheChanges::GenerationFrom))
                    .col(big_integer(CacheChanges::GenerationTo))
                    .col(text(CacheChanges::Keys))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cache_changes_generation_to")
                    .table(CacheChanges::Table)
                    .col(CacheChanges::GenerationTo)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CacheChanges::Table).to_owned())
            .await
    }
}
