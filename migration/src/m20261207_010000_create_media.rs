//! The media library: `media` holds one row per stored file, content addressed by the
//! SHA-256 of the bytes kept (after metadata was stripped), so the same bytes uploaded
//! twice are one row and one object; `media_variants` records the responsive sizes made
//! on first request (the object itself lives in the store, keyed by the hash, the width
//! and the format). A user who owns media cannot be deleted from under it (`RESTRICT`);
//! a variant goes with its media (`CASCADE`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    Sha256,
    Filename,
    MimeType,
    Kind,
    Bytes,
    Width,
    Height,
    Alt,
    Caption,
    DominantColor,
    OwnerId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MediaVariants {
    Table,
    Id,
    MediaId,
    Width,
    Format,
    Height,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Media as M;
        use MediaVariants as V;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(big_pk_auto(M::Id))
                    .col(string_len_uniq(M::Sha256, 64))
                    .col(string(M::Filename))
                    .col(string_len(M::MimeType, 100))
                    .col(string_len(M::Kind, 16))
                    .col(big_integer(M::Bytes))
                    .col(integer_null(M::Width))
                    .col(integer_null(M::Height))
                    .col(text_null(M::Alt))
                    .col(text_null(M::Caption))
                    .col(string_len_null(M::DominantColor, 7))
                    .col(big_integer(M::OwnerId))
                    .col(timestamp_with_time_zone(M::CreatedAt))
                    .col(timestamp_with_time_zone(M::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(M::Table, M::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_media_created", vec![M::CreatedAt, M::Id]),
            ("idx_media_owner", vec![M::OwnerId, M::CreatedAt]),
            ("idx_media_kind", vec![M::Kind, M::CreatedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(M::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(big_pk_auto(V::Id))
                    .col(big_integer(V::MediaId))
                    .col(integer(V::Width))
                    .col(string_len(V::Format, 8))
                    .col(integer(V::Height))
                    .col(big_integer(V::Bytes))
                    .col(timestamp_with_time_zone(V::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(V::Table, V::MediaId)
                            .to(M::Table, M::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_variants_unique")
                    .table(V::Table)
                    .col(V::MediaId)
                    .col(V::Width)
                    .col(V::Format)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in crate::content_triggers::create(manager.get_database_backend(), "media") {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MediaVariants::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Media::Table).to_owned())
            .await
    }
}
