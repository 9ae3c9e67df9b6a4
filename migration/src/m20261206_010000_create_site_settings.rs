//! The site's settings (title, language, time zone, base URL, images, SEO defaults,
//! social links, navigation menus): one row, `id = 1`, absent until the first write, so
//! the defaults live in one place, the service. Scalars get typed columns; the lists
//! (social links, each menu) are JSON, since they are always read and written whole.
//!
//! A public read shows the settings, so a write to the row bumps the content generation
//! like a write to content does (the same triggers as m20261124_010000, on this table).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    Id,
    Title,
    Description,
    Language,
    Timezone,
    BaseUrl,
    Logo,
    Icon,
    CoverImage,
    AccentColor,
    SocialLinks,
    MetaTitle,
    MetaDescription,
    OgTitle,
    OgDescription,
    OgImage,
    PrimaryMenu,
    SecondaryMenu,
    UpdatedAt,
}

const BUMP: &str = "UPDATE content_generation SET generation = generation + 1 WHERE id = 1";

fn trigger_statements(backend: DbBackend) -> Vec<String> {
    match backend {
        // `content_generation_bump()` is the function every content table's trigger runs.
        DbBackend::Postgres => vec![
            "CREATE TRIGGER site_settings_content_generation \
             AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON site_settings \
             FOR EACH STATEMENT EXECUTE FUNCTION content_generation_bump()"
                .to_owned(),
        ],
        _ => ["INSERT", "UPDATE", "DELETE"]
            .iter()
            .map(|event| {
                let lower = event.to_ascii_lowercase();
                format!(
                    "CREATE TRIGGER site_settings_{lower}_content_generation \
                     AFTER {event} ON site_settings BEGIN {BUMP}; END"
                )
            })
            .collect(),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SiteSettings as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(integer(S::Id).primary_key().check(Expr::col(S::Id).eq(1)))
                    .col(string(S::Title))
                    .col(text_null(S::Description))
                    .col(string_len(S::Language, 64))
                    .col(string_len(S::Timezone, 64))
                    .col(string_null(S::BaseUrl))
                    .col(string_null(S::Logo))
                    .col(string_null(S::Icon))
                    .col(string_null(S::CoverImage))
                    .col(string_len_null(S::AccentColor, 7))
                    .col(json(S::SocialLinks))
                    .col(string_null(S::MetaTitle))
                    .col(text_null(S::MetaDescription))
                    .col(string_null(S::OgTitle))
                    .col(text_null(S::OgDescription))
                    .col(string_null(S::OgImage))
                    .col(json(S::PrimaryMenu))
                    .col(json(S::SecondaryMenu))
                    .col(timestamp_with_time_zone(S::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in trigger_statements(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping the table drops its triggers on both databases.
        manager
            .drop_table(
                Table::drop()
                    .table(SiteSettings::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
