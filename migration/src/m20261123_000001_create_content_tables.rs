//! Users, series, tags, posts and the post–tag link: the content model of the foundation.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_uniq(Users::Slug))
                    .col(string(Users::DisplayName))
                    .col(text_null(Users::Bio))
                    .col(string_null(Users::AvatarUrl))
                    .col(string_uniq(Users::Email))
                    .col(string_len(Users::Role, 16))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Series::Table)
                    .col(big_pk_auto(Series::Id))
                    .col(string_uniq(Series::Slug))
                    .col(string(Series::Title))
                    .col(text_null(Series::Description))
                    .col(timestamp_with_time_zone(Series::CreatedAt))
                    .col(timestamp_with_time_zone(Series::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(big_pk_auto(Tags::Id))
                    .col(string_uniq(Tags::Slug))
                    .col(string(Tags::Name))
                    .col(text_null(Tags::Description))
                    .col(timestamp_with_time_zone(Tags::CreatedAt))
                    .col(timestamp_with_time_zone(Tags::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Posts::Table)
                    .col(big_pk_auto(Posts::Id))
                    .col(string_uniq(Posts::Slug))
                    .col(string(Posts::Title))
                    .col(string_null(Posts::Subtitle))
                    .col(text(Posts::Markdown))
                    .col(text(Posts::Html))
                    .col(json(Posts::Toc))
                    .col(text_null(Posts::CustomExcerpt))
                    .col(text(Posts::Excerpt))
                    .col(integer(Posts::ReadingTimeMinutes))
                    .col(integer(Posts::WordCount))
                    .col(string_len(Posts::Status, 16))
                    .col(timestamp_with_time_zone_null(Posts::PublishedAt))
                    .col(integer_null(Posts::PublishedAtOffset))
                    .col(big_integer(Posts::AuthorId))
                    .col(big_integer_null(Posts::SeriesId))
                    .col(integer_null(Posts::SeriesPosition))
                    .col(string_null(Posts::CoverImage))
                    .col(string_null(Posts::CanonicalUrl))
                    .col(text_null(Posts::MetaDescription))
                    .col(json(Posts::FrontMatter))
                    .col(string_null(Posts::SourcePath).unique_key())
                    .col(integer(Posts::Version))
                    .col(timestamp_with_time_zone(Posts::CreatedAt))
                    .col(timestamp_with_time_zone(Posts::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Posts::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_posts_author")
                            .from(Posts::Table, Posts::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_posts_series")
                            .from(Posts::Table, Posts::SeriesId)
                            .to(Series::Table, Series::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        // The public listing filters on visibility and walks (published_at, id) as a keyset.
        manager
            .create_index(
                Index::create()
                    .name("idx_posts_published")
                    .table(Posts::Table)
                    .col(Posts::PublishedAt)
                    .col(Posts::Id)
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_posts_author", Posts::AuthorId),
            ("idx_posts_series", Posts::SeriesId),
            ("idx_posts_updated", Posts::UpdatedAt),
            ("idx_posts_title", Posts::Title),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Posts::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(PostTags::Table)
                    .col(big_integer(PostTags::PostId))
                    .col(big_integer(PostTags::TagId))
                    .col(integer(PostTags::Position))
                    .primary_key(Index::create().col(PostTags::PostId).col(PostTags::TagId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_post_tags_post")
                            .from(PostTags::Table, PostTags::PostId)
                            .to(Posts::Table, Posts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_post_tags_tag")
                            .from(PostTags::Table, PostTags::TagId)
                            .to(Tags::Table, Tags::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_post_tags_tag")
                    .table(PostTags::Table)
                    .col(PostTags::TagId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PostTags::Table.into_iden(),
            Posts::Table.into_iden(),
            Tags::Table.into_iden(),
            Series::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Slug,
    DisplayName,
    Bio,
    AvatarUrl,
    Email,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Series {
    Table,
    Id,
    Slug,
    Title,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Slug,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Posts {
    Table,
    Id,
    Slug,
    Title,
    Subtitle,
    Markdown,
    Html,
    Toc,
    CustomExcerpt,
    Excerpt,
    ReadingTimeMinutes,
    WordCount,
    Status,
    PublishedAt,
    PublishedAtOffset,
    AuthorId,
    SeriesId,
    SeriesPosition,
    CoverImage,
    CanonicalUrl,
    MetaDescription,
    FrontMatter,
    SourcePath,
    Version,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum PostTags {
    Table,
    PostId,
    TagId,
    Position,
}
