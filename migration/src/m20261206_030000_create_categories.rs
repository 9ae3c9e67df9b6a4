//! Categories: a hierarchy beside tags (WordPress's categories, Chirpy's
//! `categories: [main, sub]`, just-the-docs' `grand_parent` › `parent`). A category has
//! at most one parent; a post is in at most one category (`posts.category_id`, added by
//! the next migration). Slugs are unique across the whole tree, so `category(slug:)`
//! needs nothing else; `position` orders siblings. A category with children or posts
//! is not deleted by the database on its own: children are `RESTRICT`ed, posts are
//! released (`SET NULL`, in the next migration), and the service decides which.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Slug,
    Name,
    Description,
    ParentId,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Categories as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(big_pk_auto(C::Id))
                    .col(string_uniq(C::Slug))
                    .col(string(C::Name))
                    .col(text_null(C::Description))
                    .col(big_integer_null(C::ParentId))
                    .col(integer(C::Position).default(0))
                    .col(timestamp_with_time_zone(C::CreatedAt))
                    .col(timestamp_with_time_zone(C::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(C::Table, C::ParentId)
                            .to(C::Table, C::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_categories_parent")
                    .table(C::Table)
                    .col(C::ParentId)
                    .col(C::Position)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in crate::content_triggers::create(manager.get_database_backend(), "categories") {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping the table drops its index and triggers on both databases.
        manager
            .drop_table(Table::drop().table(Categories::Table).to_owned())
            .await
    }
}
