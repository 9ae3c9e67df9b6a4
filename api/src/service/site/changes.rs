//! A change to the settings, as `updateSite` and `quire site set --file` give it, and
//! its scalars checked and applied (menus are [`super::menu`]'s).

use serde::{Deserialize, Serialize};

use super::{FeedContent, MenuItemInput, SiteSettings, SocialLink, check};
use crate::error::{AppError, AppResult};

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 1000;
const MAX_SOCIAL_LINKS: usize = 20;

/// A change to the settings: `None` leaves a field as it is; `Some(None)` clears it; a
/// list given replaces the list. Also the format of `quire site set --file`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SiteChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub description: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub base_url: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub logo: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub icon: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub cover_image: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub accent_color: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_links: Option<Vec<SocialLink>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub meta_title: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub meta_description: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub og_title: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub og_description: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", with = "nullable")]
    pub og_image: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_menu: Option<Vec<MenuItemInput>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary_menu: Option<Vec<MenuItemInput>>,
    /// What the feeds carry of each post (`FULL` or `EXCERPT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_content: Option<FeedContent>,
}

/// `null` as `Some(None)` and a missing key as `None` (with `#[serde(default)]`).
mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_ref().and_then(Option::as_ref).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// Checks each changed scalar and list (menus aside) and applies it to `s`.
pub(super) fn apply(s: &mut SiteSettings, c: &SiteChanges) -> AppResult<()> {
    /// A clearable field through `check`.
    fn opt(
        field: &str,
        v: &Option<Option<String>>,
        into: &mut Option<String>,
        check: impl Fn(&str, &str) -> AppResult<String>,
    ) -> AppResult<()> {
        if let Some(v) = v {
            *into = match v.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(x) => Some(check(field, x)?),
            };
        }
        Ok(())
    }
    let text = |max| move |f: &str, v: &str| check::required_text(f, v, max);
    if let Some(t) = &c.title {
        s.title = check::required_text("title", t, MAX_TITLE)?;
    }
    if let Some(l) = &c.language {
        s.language = check::language("language", l)?;
    }
    if let Some(z) = &c.timezone {
        s.timezone = check::timezone("timezone", z)?;
    }
    opt(
        "description",
        &c.description,
        &mut s.description,
        text(MAX_DESCRIPTION),
    )?;
    opt("baseUrl", &c.base_url, &mut s.base_url, check::base_url)?;
    opt("logo", &c.logo, &mut s.logo, check::link)?;
    opt("icon", &c.icon, &mut s.icon, check::link)?;
    opt(
        "coverImage",
        &c.cover_image,
        &mut s.cover_image,
        check::link,
    )?;
    opt(
        "accentColor",
        &c.accent_color,
        &mut s.accent_color,
        check::accent_color,
    )?;
    opt(
        "metaTitle",
        &c.meta_title,
        &mut s.meta_title,
        text(MAX_TITLE),
    )?;
    opt(
        "metaDescription",
        &c.meta_description,
        &mut s.meta_description,
        text(MAX_DESCRIPTION),
    )?;
    opt("ogTitle", &c.og_title, &mut s.og_title, text(MAX_TITLE))?;
    opt(
        "ogDescription",
        &c.og_description,
        &mut s.og_description,
        text(MAX_DESCRIPTION),
    )?;
    opt("ogImage", &c.og_image, &mut s.og_image, check::link)?;
    if let Some(f) = c.feed_content {
        s.feed_content = f;
    }
    if let Some(links) = &c.social_links {
        if links.len() > MAX_SOCIAL_LINKS {
            return Err(AppError::bad_input(
                "socialLinks",
                format!("may hold at most {MAX_SOCIAL_LINKS} links"),
            ));
        }
        s.social_links = links
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(SocialLink {
                    network: check::network(&format!("socialLinks[{i}].network"), &l.network)?,
                    url: check::external_link(&format!("socialLinks[{i}].url"), &l.url)?,
                })
            })
            .collect::<AppResult<_>>()?;
    }
    Ok(())
}
