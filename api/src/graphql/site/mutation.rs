//! `updateSite`. Admins only.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject};

use super::{MenuTargetKind, SiteNode, feeds::FeedContent};
use crate::{
    error::ApiResult,
    graphql::{account::mutation::maybe, context::state},
    service::site::{self as svc, SiteChanges},
};

/// A profile of the site elsewhere.
#[derive(InputObject)]
pub struct SocialLinkInput {
    /// Which network: lower-case letters, digits and `-` (`github`, `x`, `mastodon`).
    pub network: String,
    /// The profile's absolute http(s) URL.
    pub url: String,
}

/// The post, tag or series a menu item points at.
#[derive(InputObject)]
pub struct MenuTargetInput {
    /// What it is.
    pub kind: MenuTargetKind,
    /// Its slug now; the item follows it through later renames.
    pub slug: String,
}

/// A link in a navigation menu: a label and exactly one of `url` and `target`.
#[derive(InputObject)]
pub struct MenuItemInput {
    /// The text shown (at most 100 characters).
    pub label: String,
    /// An absolute http(s) URL or a path on the site (`/about`).
    pub url: Option<String>,
    /// A post, tag or series, which must exist.
    pub target: Option<MenuTargetInput>,
    /// Sub-items, one level deep: a child has no children.
    #[graphql(default)]
    pub children: Vec<MenuItemInput>,
}

impl MenuItemInput {
    fn into_service(self) -> svc::MenuItemInput {
        svc::MenuItemInput {
            label: self.label,
            url: self.url,
            target: self.target.map(|t| svc::TargetRef {
                kind: t.kind.to_service(),
                slug: t.slug,
            }),
            children: self
                .children
                .into_iter()
                .map(MenuItemInput::into_service)
                .collect(),
        }
    }
}

fn menu(items: Option<Vec<MenuItemInput>>) -> Option<Vec<svc::MenuItemInput>> {
    items.map(|m| m.into_iter().map(MenuItemInput::into_service).collect())
}

/// Changes to the site's settings: an omitted field stays as it is, `null` clears a
/// field that may be empty, and a list given replaces the whole list.
#[derive(InputObject)]
pub struct UpdateSiteInput {
    /// The site's name (at most 200 characters).
    pub title: Option<String>,
    /// A sentence or two about the site.
    pub description: MaybeUndefined<String>,
    /// A BCP 47 language tag (`ko`, `en-US`).
    pub language: Option<String>,
    /// An IANA time zone name (`Asia/Seoul`, `UTC`).
    pub timezone: Option<String>,
    /// The absolute http(s) URL the site is served at; stored ending in `/`.
    pub base_url: MaybeUndefined<String>,
    /// The logo: an absolute http(s) URL or a path on the site.
    pub logo: MaybeUndefined<String>,
    /// The icon: an absolute http(s) URL or a path on the site.
    pub icon: MaybeUndefined<String>,
    /// The cover image: an absolute http(s) URL or a path on the site.
    pub cover_image: MaybeUndefined<String>,
    /// The accent colour, `#rrggbb`.
    pub accent_color: MaybeUndefined<String>,
    /// The site's profiles elsewhere (at most 20).
    pub social_links: Option<Vec<SocialLinkInput>>,
    /// The default `<title>`.
    pub meta_title: MaybeUndefined<String>,
    /// The default meta description.
    pub meta_description: MaybeUndefined<String>,
    /// The default `og:title`.
    pub og_title: MaybeUndefined<String>,
    /// The default `og:description`.
    pub og_description: MaybeUndefined<String>,
    /// The default `og:image`: an absolute http(s) URL or a path on the site.
    pub og_image: MaybeUndefined<String>,
    /// The main navigation (at most 50 items, children included).
    pub primary_menu: Option<Vec<MenuItemInput>>,
    /// The secondary navigation (at most 50 items, children included).
    pub secondary_menu: Option<Vec<MenuItemInput>>,
    /// What the feeds carry of each post: the whole post or its excerpt.
    pub feed_content: Option<FeedContent>,
}

impl UpdateSiteInput {
    fn into_service(self) -> SiteChanges {
        SiteChanges {
            title: self.title,
            description: maybe(self.description),
            language: self.language,
            timezone: self.timezone,
            base_url: maybe(self.base_url),
            logo: maybe(self.logo),
            icon: maybe(self.icon),
            cover_image: maybe(self.cover_image),
            accent_color: maybe(self.accent_color),
            social_links: self.social_links.map(|links| {
                links
                    .into_iter()
                    .map(|l| svc::SocialLink {
                        network: l.network,
                        url: l.url,
                    })
                    .collect()
            }),
            meta_title: maybe(self.meta_title),
            meta_description: maybe(self.meta_description),
            og_title: maybe(self.og_title),
            og_description: maybe(self.og_description),
            og_image: maybe(self.og_image),
            primary_menu: menu(self.primary_menu),
            secondary_menu: menu(self.secondary_menu),
            feed_content: self.feed_content.map(FeedContent::to_service),
        }
    }
}

/// The result of `updateSite`.
#[derive(SimpleObject)]
pub struct UpdateSitePayload {
    /// The settings after the change.
    pub site: SiteNode,
}

#[derive(Default)]
pub struct SiteMutation;

#[Object]
impl SiteMutation {
    /// Changes the site's settings (admins). Every value is checked first; a bad one is
    /// BAD_USER_INPUT naming its field, and nothing changes.
    async fn update_site(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to change.")] input: UpdateSiteInput,
    ) -> ApiResult<UpdateSitePayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let settings = svc::update(&s.db, who, input.into_service()).await?;
        Ok(UpdateSitePayload {
            site: SiteNode::new(settings, s.now),
        })
    }
}
