//! The `Site` type: the site's settings as a frontend needs them, with images made
//! absolute against the base URL and menu references read as their targets are now.

pub mod feeds;
pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;

use super::context::state;
use crate::{
    error::ApiResult,
    service::{
        site::{self as svc, Audience, ResolvedItem, SiteSettings, Targets},
        url::Taxonomy,
    },
};

/// The site: its name, language, address, look, SEO defaults and navigation.
pub struct SiteNode {
    settings: SiteSettings,
    audience: Audience,
    /// The menus' targets, read once for both menus.
    targets: OnceCell<Targets>,
}

impl SiteNode {
    pub fn new(settings: SiteSettings, now: DateTime<Utc>) -> Self {
        Self {
            settings,
            audience: Audience::Public(now),
            targets: OnceCell::new(),
        }
    }

    /// An image or link as given, made absolute when the site has a base URL.
    fn link(&self, v: &Option<String>) -> Option<String> {
        v.as_deref()
            .map(|l| self.settings.absolute(l).unwrap_or_else(|| l.to_owned()))
    }

    async fn menu(&self, ctx: &Context<'_>, primary: bool) -> ApiResult<Vec<MenuItemNode>> {
        let s = state(ctx)?;
        record_targets(s, &self.settings.menus());
        let targets = self
            .targets
            .get_or_try_init(|| async {
                svc::targets::targets(&s.db, &self.settings.menus(), self.audience).await
            })
            .await?;
        let items = if primary {
            &self.settings.primary_menu
        } else {
            &self.settings.secondary_menu
        };
        Ok(svc::targets::resolve(items, targets)
            .into_iter()
            .map(|item| MenuItemNode::new(item, self.settings.base_url.clone()))
            .collect())
    }
}

/// Records what the menus point at: each target, and the lists of its kind (a target
/// that stops being public leaves the menu).
fn record_targets(s: &crate::graphql::RequestState, menus: &[&[svc::MenuItem]]) {
    use crate::service::{cache_tags::Entity, site::TargetKind};
    for item in menus.iter().flat_map(|m| m.iter()) {
        if let Some(r) = item.target {
            let entity = match r.kind {
                TargetKind::Post => Entity::Post,
                TargetKind::Page => Entity::Page,
                TargetKind::Tag => Entity::Tag,
                TargetKind::Series => Entity::Series,
                TargetKind::Category => Entity::Category,
            };
            s.tags.key(entity.key(r.id));
            s.tags.key(entity.listing());
        }
        record_targets(s, &[item.children.as_slice()]);
    }
}

/// The site: its name, language, address, look, SEO defaults and navigation menus. Anyone
/// may read it (`site`); ADMINs change it (`updateSite`). Until set, each field has its
/// default.
#[Object(name = "Site")]
impl SiteNode {
    /// The site's name.
    async fn title(&self) -> &str {
        &self.settings.title
    }

    /// A sentence or two about the site, if set.
    async fn description(&self) -> Option<&str> {
        self.settings.description.as_deref()
    }

    /// The language of the site as a BCP 47 tag (`ko`, `en-US`), for `<html lang>`.
    async fn language(&self) -> &str {
        &self.settings.language
    }

    /// The site's IANA time zone (`Asia/Seoul`), for showing dates.
    async fn timezone(&self) -> &str {
        &self.settings.timezone
    }

    /// The absolute URL of the site's home page, ending in `/` (the `baseUrl` setting);
    /// canonical and absolute URLs are made from it. Null until set.
    async fn url(&self) -> Option<&str> {
        self.settings.base_url.as_deref()
    }

    /// The logo's URL (absolute when the site has a base URL).
    async fn logo(&self) -> Option<String> {
        self.link(&self.settings.logo)
    }

    /// The icon's URL, for favicons (absolute when the site has a base URL).
    async fn icon(&self) -> Option<String> {
        self.link(&self.settings.icon)
    }

    /// The cover image's URL (absolute when the site has a base URL).
    async fn cover_image(&self) -> Option<String> {
        self.link(&self.settings.cover_image)
    }

    /// The accent colour, `#rrggbb`.
    async fn accent_color(&self) -> Option<&str> {
        self.settings.accent_color.as_deref()
    }

    /// The site's profiles elsewhere, in the order given.
    async fn social_links(&self) -> Vec<SocialLink> {
        self.settings
            .social_links
            .iter()
            .map(|l| SocialLink {
                network: l.network.clone(),
                url: l.url.clone(),
            })
            .collect()
    }

    /// The default `<title>` of pages that set none.
    async fn meta_title(&self) -> Option<&str> {
        self.settings.meta_title.as_deref()
    }

    /// The default meta description of pages that set none.
    async fn meta_description(&self) -> Option<&str> {
        self.settings.meta_description.as_deref()
    }

    /// The default Open Graph title (`og:title`).
    async fn og_title(&self) -> Option<&str> {
        self.settings.og_title.as_deref()
    }

    /// The default Open Graph description (`og:description`).
    async fn og_description(&self) -> Option<&str> {
        self.settings.og_description.as_deref()
    }

    /// The default Open Graph image (`og:image`; absolute when the site has a base URL).
    async fn og_image(&self) -> Option<String> {
        self.link(&self.settings.og_image)
    }

    /// The main navigation. Items whose target is gone or not public are left out.
    async fn primary_menu(&self, ctx: &Context<'_>) -> ApiResult<Vec<MenuItemNode>> {
        self.menu(ctx, true).await
    }

    /// The secondary navigation (a footer's, say), like `primaryMenu`.
    async fn secondary_menu(&self, ctx: &Context<'_>) -> ApiResult<Vec<MenuItemNode>> {
        self.menu(ctx, false).await
    }

    /// What the feeds carry of each post: the whole post or its excerpt.
    async fn feed_content(&self) -> feeds::FeedContent {
        feeds::FeedContent::from_service(self.settings.feed_content)
    }

    /// The feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) of the whole blog, or of the one tag,
    /// category (with the categories below it), series or author named by slug, ready
    /// for `<link rel="alternate">` on the matching page. Naming more than one is
    /// BAD_USER_INPUT; one that does not exist is NOT_FOUND. The feeds answer only once
    /// the site has a base URL.
    async fn feeds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A tag's slug: its feeds.")] tag: Option<String>,
        #[graphql(desc = "A category's slug: the feeds of its posts and those below it.")]
        category: Option<String>,
        #[graphql(desc = "A series' slug: its feeds.")] series: Option<String>,
        #[graphql(desc = "An author's slug: the feeds of the posts they wrote or co-wrote.")]
        author: Option<String>,
    ) -> ApiResult<Vec<feeds::FeedLink>> {
        let named = [
            (Taxonomy::Tag, tag),
            (Taxonomy::Category, category),
            (Taxonomy::Series, series),
            (Taxonomy::Author, author),
        ];
        feeds::feeds(ctx, &self.settings, named).await
    }

    /// The sitemap's URL (`/sitemap.xml`, absolute when the site has a base URL), which
    /// `/robots.txt` names too.
    async fn sitemap_url(&self) -> String {
        crate::service::feed::sitemap_url(&self.settings)
    }

    /// When the settings last changed (UTC); null while they are the defaults.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.settings.updated_at
    }
}

/// A profile of the site elsewhere.
#[derive(SimpleObject)]
pub struct SocialLink {
    /// Which network (`github`, `x`, `mastodon`…), for picking an icon.
    network: String,
    /// The profile's absolute URL.
    url: String,
}

/// What a menu item can point at.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MenuTargetKind {
    /// A post, at `/posts/{slug}`.
    Post,
    /// A page, at `/{slug}`.
    Page,
    /// A tag's page, at `/tags/{slug}`.
    Tag,
    /// A series' page, at `/series/{slug}`.
    Series,
    /// A category's page, at `/categories/{slug}` (category slugs are unique across the
    /// tree).
    Category,
}

impl MenuTargetKind {
    pub fn to_service(self) -> svc::TargetKind {
        match self {
            Self::Post => svc::TargetKind::Post,
            Self::Page => svc::TargetKind::Page,
            Self::Tag => svc::TargetKind::Tag,
            Self::Series => svc::TargetKind::Series,
            Self::Category => svc::TargetKind::Category,
        }
    }

    fn from_service(k: svc::TargetKind) -> Self {
        match k {
            svc::TargetKind::Post => Self::Post,
            svc::TargetKind::Page => Self::Page,
            svc::TargetKind::Tag => Self::Tag,
            svc::TargetKind::Series => Self::Series,
            svc::TargetKind::Category => Self::Category,
        }
    }
}

/// The post, page, tag, series or category a menu item points at, as it is now.
#[derive(SimpleObject)]
pub struct MenuTarget {
    /// What it is.
    kind: MenuTargetKind,
    /// Its current slug (a rename is followed).
    slug: String,
    /// Its current title (a tag's or category's name).
    title: String,
}

/// A link in a navigation menu.
pub struct MenuItemNode {
    item: ResolvedItem,
    base_url: Option<String>,
}

impl MenuItemNode {
    fn new(item: ResolvedItem, base_url: Option<String>) -> Self {
        Self { item, base_url }
    }
}

/// A link in a navigation menu: a label and where it leads, a post, page, tag, series or
/// category (followed through renames) or a plain URL, with at most one level of sub-items.
#[Object(name = "MenuItem")]
impl MenuItemNode {
    /// The text shown.
    async fn label(&self) -> &str {
        &self.item.label
    }

    /// Where it leads: the URL as written (absolute, or a path on the site), or the
    /// target's path (`/posts/{slug}`, `/tags/{slug}`, `/series/{slug}`).
    async fn url(&self) -> &str {
        &self.item.url
    }

    /// `url` made absolute against the site's base URL (percent-encoded); null when a
    /// path and the site has no base URL.
    async fn absolute_url(&self) -> Option<String> {
        svc::check::absolute(self.base_url.as_deref(), &self.item.url)
    }

    /// The post, tag or series it points at; null for a plain URL.
    async fn target(&self) -> Option<MenuTarget> {
        self.item.target.as_ref().map(|t| MenuTarget {
            kind: MenuTargetKind::from_service(t.kind),
            slug: t.slug.clone(),
            title: t.title.clone(),
        })
    }

    /// Its sub-items (one level: a child has none).
    async fn children(&self) -> Vec<MenuItemNode> {
        self.item
            .children
            .iter()
            .map(|c| MenuItemNode::new(c.clone(), self.base_url.clone()))
            .collect()
    }
}
