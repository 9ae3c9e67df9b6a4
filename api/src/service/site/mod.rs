//! The site's settings: title, description, language, time zone, base URL, images,
//! accent colour, social links, SEO defaults and the navigation menus. One row, absent
//! until the first write (then [`Default`] holds). Everyone reads them; admins change
//! them ([`update`]), checked ([`check`], [`menu`]) and written in one transaction, so a
//! bad value changes nothing. The row's trigger bumps the content generation, so cached
//! answers showing the old settings die like those showing old content.

mod changes;
pub mod check;
pub mod menu;
pub mod targets;

use chrono::{DateTime, Utc};
use entity::{site, user::Role};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QuerySelect, Set, sea_query::OnConflict,
};
use serde::{Deserialize, Serialize};

pub use changes::SiteChanges;
pub use menu::{MenuItem, MenuItemInput, TargetKind, TargetRef, author_path};
pub use targets::{Audience, ResolvedItem, Target, Targets};

use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
};

/// A profile of the site elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialLink {
    /// Which network (`github`, `x`, `mastodon`…), for a frontend to pick an icon.
    pub network: String,
    pub url: String,
}

/// What the feeds carry of each post (see `service::feed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeedContent {
    /// The whole sanitised HTML, with the excerpt as its summary.
    #[default]
    Full,
    /// The excerpt alone: readers follow the link for the rest.
    Excerpt,
}

impl FeedContent {
    fn from_stored(v: site::FeedContent) -> Self {
        match v {
            site::FeedContent::Full => Self::Full,
            site::FeedContent::Excerpt => Self::Excerpt,
        }
    }

    fn stored(self) -> site::FeedContent {
        match self {
            Self::Full => site::FeedContent::Full,
            Self::Excerpt => site::FeedContent::Excerpt,
        }
    }
}

/// The settings as stored; links as written (site paths stay relative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub timezone: String,
    /// Ends in `/`.
    pub base_url: Option<String>,
    pub logo: Option<String>,
    pub icon: Option<String>,
    pub cover_image: Option<String>,
    pub accent_color: Option<String>,
    pub social_links: Vec<SocialLink>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub og_title: Option<String>,
    pub og_description: Option<String>,
    pub og_image: Option<String>,
    pub primary_menu: Vec<MenuItem>,
    pub secondary_menu: Vec<MenuItem>,
    /// What the feeds carry of each post.
    pub feed_content: FeedContent,
    /// When they were last changed; `None` while they are the defaults.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Default for SiteSettings {
    /// What a fresh database answers: an English site in UTC called "quire".
    fn default() -> Self {
        Self {
            title: "quire".to_owned(),
            description: None,
            language: "en".to_owned(),
            timezone: "UTC".to_owned(),
            base_url: None,
            logo: None,
            icon: None,
            cover_image: None,
            accent_color: None,
            social_links: Vec::new(),
            meta_title: None,
            meta_description: None,
            og_title: None,
            og_description: None,
            og_image: None,
            primary_menu: Vec::new(),
            secondary_menu: Vec::new(),
            feed_content: FeedContent::Full,
            updated_at: None,
        }
    }
}

impl SiteSettings {
    /// `link` made absolute against the base URL (see [`check::absolute`]).
    pub fn absolute(&self, link: &str) -> Option<String> {
        check::absolute(self.base_url.as_deref(), link)
    }

    /// Both menus, for [`targets::targets`].
    pub fn menus(&self) -> [&[MenuItem]; 2] {
        [&self.primary_menu, &self.secondary_menu]
    }
}

/// The settings: the row, or the defaults before the first write. One statement.
pub async fn read<C: ConnectionTrait>(db: &C) -> AppResult<SiteSettings> {
    row_or_default(site::Entity::find_by_id(1).one(db).await?)
}

fn row_or_default(row: Option<site::Model>) -> AppResult<SiteSettings> {
    row.map_or_else(|| Ok(SiteSettings::default()), from_row)
}

fn from_row(row: site::Model) -> AppResult<SiteSettings> {
    let json = |what: &str, e: serde_json::Error| {
        AppError::Internal(format!("site_settings.{what} is not what quire wrote: {e}"))
    };
    Ok(SiteSettings {
        social_links: serde_json::from_value(row.social_links)
            .map_err(|e| json("social_links", e))?,
        primary_menu: serde_json::from_value(row.primary_menu)
            .map_err(|e| json("primary_menu", e))?,
        secondary_menu: serde_json::from_value(row.secondary_menu)
            .map_err(|e| json("secondary_menu", e))?,
        title: row.title,
        description: row.description,
        language: row.language,
        timezone: row.timezone,
        base_url: row.base_url,
        logo: row.logo,
        icon: row.icon,
        cover_image: row.cover_image,
        accent_color: row.accent_color,
        meta_title: row.meta_title,
        meta_description: row.meta_description,
        og_title: row.og_title,
        og_description: row.og_description,
        og_image: row.og_image,
        feed_content: FeedContent::from_stored(row.feed_content),
        updated_at: Some(row.updated_at),
    })
}

/// Changes the settings for `who` (admins only).
pub async fn update(
    db: &DatabaseConnection,
    who: &Principal,
    changes: SiteChanges,
) -> AppResult<SiteSettings> {
    policy::require_role(who, Role::Admin, "change the site settings")?;
    set(db, changes).await
}

/// Changes the settings with the database's own authority (`quire site set`, the demo).
/// Everything is checked before anything is written, in one transaction.
pub async fn set(db: &DatabaseConnection, mut changes: SiteChanges) -> AppResult<SiteSettings> {
    use crate::service::media::reference::resolve;
    resolve(db, "logo", &mut changes.logo).await?;
    resolve(db, "icon", &mut changes.icon).await?;
    resolve(db, "coverImage", &mut changes.cover_image).await?;
    resolve(db, "ogImage", &mut changes.og_image).await?;
    let txn = crate::db::begin_write(db).await?;
    let mark = crate::service::webhook::outbox::open(&txn).await?;
    // Locked (PostgreSQL; SQLite's write transaction already is), so two changes to
    // different fields at once both land.
    let row = site::Entity::find_by_id(1)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let mut s = row_or_default(row)?;
    changes::apply(&mut s, &changes)?;
    let menus: Vec<(&str, &[MenuItemInput])> = [
        ("primaryMenu", changes.primary_menu.as_deref()),
        ("secondaryMenu", changes.secondary_menu.as_deref()),
    ]
    .into_iter()
    .filter_map(|(f, m)| m.map(|m| (f, m)))
    .collect();
    let mut stored = menu::store(&txn, &menus).await?.into_iter();
    if changes.primary_menu.is_some() {
        s.primary_menu = stored.next().unwrap_or_default();
    }
    if changes.secondary_menu.is_some() {
        s.secondary_menu = stored.next().unwrap_or_default();
    }
    s.updated_at = Some(crate::service::now());
    write(&txn, &s).await?;
    crate::service::webhook::outbox::site_updated(&txn, mark, &s.title, s.base_url.as_deref())
        .await?;
    txn.commit().await?;
    Ok(s)
}

async fn write<C: ConnectionTrait>(db: &C, s: &SiteSettings) -> AppResult<()> {
    let json = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|e| AppError::Internal(format!("site settings as JSON: {e}")))
    };
    let row = site::ActiveModel {
        id: Set(1),
        title: Set(s.title.clone()),
        description: Set(s.description.clone()),
        language: Set(s.language.clone()),
        timezone: Set(s.timezone.clone()),
        base_url: Set(s.base_url.clone()),
        logo: Set(s.logo.clone()),
        icon: Set(s.icon.clone()),
        cover_image: Set(s.cover_image.clone()),
        accent_color: Set(s.accent_color.clone()),
        social_links: Set(json(serde_json::to_value(&s.social_links))?),
        meta_title: Set(s.meta_title.clone()),
        meta_description: Set(s.meta_description.clone()),
        og_title: Set(s.og_title.clone()),
        og_description: Set(s.og_description.clone()),
        og_image: Set(s.og_image.clone()),
        primary_menu: Set(json(serde_json::to_value(&s.primary_menu))?),
        secondary_menu: Set(json(serde_json::to_value(&s.secondary_menu))?),
        feed_content: Set(s.feed_content.stored()),
        updated_at: Set(s.updated_at.unwrap_or_else(crate::service::now)),
    };
    let mut on_conflict = OnConflict::column(site::Column::Id);
    on_conflict.update_columns(
        <site::Column as sea_orm::Iterable>::iter().filter(|c| !matches!(c, site::Column::Id)),
    );
    site::Entity::insert(row)
        .on_conflict(on_conflict)
        .exec(db)
        .await?;
    Ok(())
}

/// The settings as a document [`set`] takes back (references by slug), for editing,
/// and the places of menu items whose target is gone (left out of the document).
pub async fn editable<C: ConnectionTrait>(db: &C) -> AppResult<(SiteChanges, Vec<String>)> {
    let s = read(db).await?;
    let found = targets::targets(db, &s.menus(), Audience::Managers).await?;
    let mut gone = Vec::new();
    let primary = targets::as_input("primaryMenu", &s.primary_menu, &found, &mut gone);
    let secondary = targets::as_input("secondaryMenu", &s.secondary_menu, &found, &mut gone);
    let doc = SiteChanges {
        title: Some(s.title),
        description: Some(s.description),
        language: Some(s.language),
        timezone: Some(s.timezone),
        base_url: Some(s.base_url),
        logo: Some(s.logo),
        icon: Some(s.icon),
        cover_image: Some(s.cover_image),
        accent_color: Some(s.accent_color),
        social_links: Some(s.social_links),
        meta_title: Some(s.meta_title),
        meta_description: Some(s.meta_description),
        og_title: Some(s.og_title),
        og_description: Some(s.og_description),
        og_image: Some(s.og_image),
        primary_menu: Some(primary),
        secondary_menu: Some(secondary),
        feed_content: Some(s.feed_content),
    };
    Ok((doc, gone))
}
