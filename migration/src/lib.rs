//! Database migrations for quire. Append-only: a released migration is never edited;
//! a change is a new file named `mYYYYMMDD_HHMMSS_verb_noun.rs`. This crate does not
//! import `entity`, so a migration always describes the schema as it was on its day.

pub use sea_orm_migration::prelude::*;

mod content_triggers;
mod m20261123_000001_create_content_tables;
mod m20261123_000002_create_accounts_and_revisions;
mod m20261123_190000_create_search_index;
mod m20261123_210000_create_search_postings;
mod m20261123_220000_index_search_titles;
mod m20261124_010000_create_content_generation;
mod m20261124_020000_create_series_order_index;
mod m20261124_030000_reorder_sqlite_post_columns;
mod m20261124_040000_make_search_fts_contentless;
mod m20261124_050000_add_post_tags_listing;
mod m20261124_060000_drop_redundant_posts_series_index;
mod m20261206_010000_create_site_settings;
mod m20261206_020000_add_post_flags;
mod m20261206_030000_create_categories;
mod m20261206_040000_add_pages_and_categories_to_posts;
mod m20261206_050000_create_post_authors;
mod m20261206_060000_replace_search_postings_foreign_key;
mod m20261207_010000_create_media;
mod m20261207_020000_create_webhooks;
mod m20261207_030000_add_site_feed_content;
mod m20261208_010000_create_live_events;
mod m20261208_020000_create_cache_changes;
mod m20261208_020100_count_generation_bumps;
mod m20261208_050000_compress_content_with_lz4;
mod m20261208_050100_let_import_groups_update_hot_rows_last;
mod sqlite_rebuild;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_content_tables::Migration),
            Box::new(m20261123_000002_create_accounts_and_revisions::Migration),
            Box::new(m20261123_190000_create_search_index::Migration),
            Box::new(m20261123_210000_create_search_postings::Migration),
            Box::new(m20261123_220000_index_search_titles::Migration),
            Box::new(m20261124_010000_create_content_generation::Migration),
            Box::new(m20261124_020000_create_series_order_index::Migration),
            Box::new(m20261124_030000_reorder_sqlite_post_columns::Migration),
            Box::new(m20261124_040000_make_search_fts_contentless::Migration),
            Box::new(m20261124_050000_add_post_tags_listing::Migration),
            Box::new(m20261124_060000_drop_redundant_posts_series_index::Migration),
            Box::new(m20261206_010000_create_site_settings::Migration),
            Box::new(m20261206_020000_add_post_flags::Migration),
            Box::new(m20261206_030000_create_categories::Migration),
            Box::new(m20261206_040000_add_pages_and_categories_to_posts::Migration),
            Box::new(m20261206_050000_create_post_authors::Migration),
            Box::new(m20261206_060000_replace_search_postings_foreign_key::Migration),
            Box::new(m20261207_010000_create_media::Migration),
            Box::new(m20261207_020000_create_webhooks::Migration),
            Box::new(m20261207_030000_add_site_feed_content::Migration),
            Box::new(m20261208_010000_create_live_events::Migration),
            Box::new(m20261208_020000_create_cache_changes::Migration),
            Box::new(m20261208_020100_count_generation_bumps::Migration),
            Box::new(m20261208_050000_compress_content_with_lz4::Migration),
            Box::new(m20261208_050100_let_import_groups_update_hot_rows_last::Migration),
        ]
    }
}
