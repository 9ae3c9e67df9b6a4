//! Co-authors: a post's authors in order, the first being the primary one. The primary
//! author stays in `posts.author_id` too (the service keeps the two equal), so the
//! reads that show one author are unchanged; this table answers "every author of a
//! post" and "every post of an author". Existing posts get their one author at
//! position 0.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PostAuthors {
    Table,
    PostId,
    UserId,
    Position,
}

#[derive(DeriveIden)]
enum Posts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PostAuthors as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(big_integer(A::PostId))
                    .col(big_integer(A::UserId))
                    .col(integer(A::Position))
                    .primary_key(Index::create().col(A::PostId).col(A::UserId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(A::Table, A::PostId)
                            .to(Posts::Table, Posts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(A::Table, A::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            ("idx_post_authors_position", [A::PostId, A::Position], true),
            ("idx_post_authors_user", [A::UserId, A::PostId], false),
        ] {
            let mut index = Index::create();
            index.name(name).table(A::Table);
            for col in cols {
                index.col(col);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO post_authors (post_id, user_id, position) \
             SELECT id, author_id, 0 FROM posts",
        )
        .await?;
        for sql in crate::content_triggers::create(manager.get_database_backend(), "post_authors") {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PostAuthors::Table).to_owned())
            .await
    }
}
