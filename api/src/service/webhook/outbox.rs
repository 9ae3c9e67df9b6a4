//! The transactional outbox, the one place events are written: every writer of posts,
//! pages, series, tags, categories, media files and the site settings calls it inside its own
//! transaction, so a rolled-back change sends nothing and a committed one is never lost
//! (the delivery workers find it in the database, whenever and wherever they run).
//!
//! An event is written only when some active endpoint wants it, with one delivery per
//! such endpoint. Whatever the endpoints, every write also records the cache keys it
//! touched ([`crate::service::cache_tags::change`]) in the cache-tag journal, so every
//! server drops just those cached answers; each event's `data.cacheKeys` names the same
//! keys, for a CDN purge hook. A writer calls [`open`] (or [`watch_post`]) before its
//! first content write, for the journal's range of generations.
//!
//! Post and page events describe what the public sees (see
//! [`crate::service::post::visibility`]): `published` when one becomes public,
//! `updated` when a public one changes, `unpublished` when one stops being public
//! (unpublished, archived, scheduled later), `deleted` when a public one is trashed or
//! purged. Edits of drafts send nothing. A post scheduled for later gets its `published`
//! event at once, due at its instant; every later write of the post replaces that
//! pending event (or drops it), and `(post_id, scheduled_for)` is unique, so one
//! scheduled instant fires once, with no write at that moment.
//!
//! The same decisions feed the GraphQL subscriptions: every post, page, taxonomy and
//! site write also records one live event ([`crate::service::live::record`]) in the
//! transaction, whether or not any endpoint exists: the post written (for
//! `postUpdated`, drafts included), whether it became public (`postPublished`), and the
//! event type and `data` of what the public sees changed (`contentChanged`, whose `data`
//! carries the same `cacheKeys`).

mod live_events;
mod media;

use live_events::publicly_changed;
pub use live_events::published_at_its_time;
pub use media::media;

use chrono::{DateTime, Utc};
use entity::{post, webhook_delivery, webhook_endpoint, webhook_event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::Value;

use super::{
    events,
    payload::{self, PostState, Site},
    wake,
};
pub use crate::service::cache_tags::journal::{Mark, open};
use crate::{
    error::AppResult,
    service::{
        cache_tags::{Changed, Entity, change},
        category as categories,
        live::{self, Change, LiveEvent},
        now,
        post::visibility,
        site::TargetKind,
    },
};

/// `data` with the change's cache keys added as `cacheKeys`.
fn with_keys(mut data: Value, keys: &Changed) -> Value {
    if let Value::Object(d) = &mut data {
        d.insert("cacheKeys".to_owned(), serde_json::json!(keys.names()));
    }
    data
}

/// The endpoints as a write sees them: each one's id, subscriptions and whether it is
/// active.
pub struct Listeners(Vec<(i64, Vec<String>, bool)>);

impl Listeners {
    /// Every endpoint (one statement).
    pub async fn read<C: ConnectionTrait>(db: &C) -> AppResult<Self> {
        let rows: Vec<(i64, Value, webhook_endpoint::Status)> = webhook_endpoint::Entity::find()
            .select_only()
            .column(webhook_endpoint::Column::Id)
            .column(webhook_endpoint::Column::Events)
            .column(webhook_endpoint::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        Ok(Self(
            rows.into_iter()
                .map(|(id, events, status)| {
                    let subs = serde_json::from_value(events).unwrap_or_default();
                    (id, subs, status == webhook_endpoint::Status::Active)
                })
                .collect(),
        ))
    }

    /// Whether any endpoint exists (pending events must then be kept right).
    fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// The active endpoints that want `event_type`.
    fn wanting(&self, event_type: &str) -> Vec<i64> {
        self.0
            .iter()
            .filter(|(_, subs, active)| *active && events::wants(subs, event_type))
            .map(|(id, _, _)| *id)
            .collect()
    }
}

/// Where an event is written for a post's scheduled instant.
struct Scheduled {
    post_id: i64,
    at: DateTime<Utc>,
}

/// Writes one event for `endpoints`, due at `due`; returns the deliveries' ids.
async fn write<C: ConnectionTrait>(
    txn: &C,
    endpoints: &[i64],
    event_type: &str,
    data: Value,
    due: DateTime<Utc>,
    scheduled: Option<Scheduled>,
) -> AppResult<Vec<i64>> {
    if endpoints.is_empty() {
        return Ok(Vec::new());
    }
    let created = now();
    let event = webhook_event::ActiveModel {
        message_id: Set(format!("msg_{}", uuid::Uuid::new_v4().simple())),
        event_type: Set(event_type.to_owned()),
        body: Set(payload::body(event_type, due, data)),
        post_id: Set(scheduled.as_ref().map(|s| s.post_id)),
        scheduled_for: Set(scheduled.as_ref().map(|s| s.at)),
        due_at: Set(due),
        created_at: Set(created),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut ids = Vec::with_capacity(endpoints.len());
    for &endpoint_id in endpoints {
        let d = webhook_delivery::ActiveModel {
            event_id: Set(event.id),
            endpoint_id: Set(endpoint_id),
            state: Set(webhook_delivery::State::Pending),
            attempts: Set(0),
            next_attempt_at: Set(due),
            lease_until: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.push(d.id);
    }
    wake::announce(txn).await?;
    Ok(ids)
}

/// Writes `event_type` with `data` now, for the active endpoints that want it.
async fn record<C: ConnectionTrait>(
    txn: &C,
    listeners: &Listeners,
    event_type: &str,
    data: Value,
) -> AppResult<()> {
    let endpoints = listeners.wanting(event_type);
    write(txn, &endpoints, event_type, data, now(), None).await?;
    Ok(())
}

/// A post or page about to be written: what it was, for the events its write sends.
/// Made by [`watch_post`] before the change, finished by [`PostWatch::written`] after
/// it, in the same transaction.
pub struct PostWatch {
    listeners: Listeners,
    /// Read once an event needs it.
    site: Option<Site>,
    before: Option<PostState>,
    mark: Mark,
}

/// Starts watching a write of `current` (`None` for a new post): call it before the
/// transaction's first content write (it opens the journal's range).
pub async fn watch_post<C: ConnectionTrait>(
    txn: &C,
    current: Option<&post::Model>,
) -> AppResult<PostWatch> {
    let mark = open(txn).await?;
    let listeners = Listeners::read(txn).await?;
    let site = if listeners.any() {
        Some(Site::read(txn).await?)
    } else {
        None
    };
    let before = match current {
        Some(p) => Some(PostState::read(txn, p.clone()).await?),
        None => None,
    };
    Ok(PostWatch {
        listeners,
        site,
        before,
        mark,
    })
}

fn prefix(kind: post::Kind) -> &'static str {
    match kind {
        post::Kind::Post => "post",
        post::Kind::Page => "page",
    }
}

impl PostWatch {
    /// Writes the events of the change: `after` is the post as written (`None` when it
    /// was purged).
    pub async fn written<C: ConnectionTrait>(
        mut self,
        txn: &C,
        after: Option<&post::Model>,
    ) -> AppResult<()> {
        let at = now();
        let after_state = match after {
            Some(p) => Some(PostState::read(txn, p.clone()).await?),
            None => None,
        };
        let keys = change::of_post(self.before.as_ref(), after_state.as_ref(), at);
        self.mark.record(txn, &keys).await?;
        let was = self
            .before
            .as_ref()
            .is_some_and(|b| visibility::is_public(&b.post, at));
        let is = after.is_some_and(|p| visibility::is_public(p, at));
        let post_id = after
            .map(|p| p.id)
            .or_else(|| self.before.as_ref().map(|b| b.post.id));
        if self.listeners.any()
            && let Some(id) = post_id
        {
            // A pending scheduled publication no longer describes the post.
            webhook_event::Entity::delete_many()
                .filter(webhook_event::Column::PostId.eq(id))
                .filter(webhook_event::Column::ScheduledFor.is_not_null())
                .filter(webhook_event::Column::DueAt.gt(at))
                .exec(txn)
                .await?;
        }
        let action = match (was, is) {
            (false, true) => Some("published"),
            (true, true) => Some("updated"),
            (true, false) if after.is_none_or(|p| p.deleted_at.is_some()) => Some("deleted"),
            (true, false) => Some("unpublished"),
            (false, false) => None,
        };
        let scheduled = after.is_some_and(|p| {
            p.published_at
                .is_some_and(|w| visibility::is_listed(p) && w > at)
        });
        if self.site.is_none() && (action.is_some() || (scheduled && self.listeners.any())) {
            self.site = Some(Site::read(txn).await?);
        }
        let site = self.site.clone().unwrap_or_default();
        let mut change = None;
        let mut kind = after.map(|p| p.kind);
        if let Some(action) = action {
            let subject = match &after_state {
                Some(a) => Some((a.clone(), self.before.as_ref())),
                // Purged: the post as it was, marked deleted.
                None => self.before.clone().map(|mut b| {
                    b.post.deleted_at = Some(at);
                    (b, None)
                }),
            };
            if let Some((subject, before)) = subject {
                kind = Some(subject.post.kind);
                let event_type = format!("{}.{action}", prefix(subject.post.kind));
                let data = with_keys(payload::post_data(&site, before, &subject, at), &keys);
                record(txn, &self.listeners, &event_type, data.clone()).await?;
                change = Some(Change { event_type, data });
            }
        }
        if let Some(id) = post_id {
            let event = LiveEvent {
                post_id: Some(id),
                published: action == Some("published") && kind == Some(post::Kind::Post),
                change,
            };
            live::record::record(txn, &event).await?;
        }
        if scheduled
            && self.listeners.any()
            && let Some(a) = &after_state
        {
            let p = &a.post;
            if let Some(when) = p.published_at {
                let event_type = format!("{}.published", prefix(p.kind));
                let endpoints = self.listeners.wanting(&event_type);
                let live = change::of_post(None, Some(a), when);
                let data = with_keys(payload::post_data(&site, None, a, when), &live);
                let scheduled = Scheduled {
                    post_id: p.id,
                    at: when,
                };
                write(txn, &endpoints, &event_type, data, when, Some(scheduled)).await?;
            }
        }
        Ok(())
    }
}

/// A tag, series or category as an event names it.
pub struct Named<'a> {
    pub kind: TargetKind,
    pub id: i64,
    pub slug: &'a str,
    /// Its slug before the change, when the change gave it a new one.
    pub former_slug: Option<&'a str>,
    pub name: &'a str,
    /// Other entries of the same kind the change moved posts into (a merge's target).
    pub also: Vec<i64>,
}

/// Writes `<kind>.<action>` (`tag.created`, `series.deleted`…) about `what`, with
/// `extra` fields (an object) added to `data`.
pub async fn taxonomy<C: ConnectionTrait>(
    txn: &C,
    mark: Mark,
    action: &str,
    what: Named<'_>,
    extra: Option<Value>,
) -> AppResult<()> {
    let (family, type_name, entity) = match what.kind {
        TargetKind::Tag => ("tag", "Tag", Entity::Tag),
        TargetKind::Series => ("series", "Series", Entity::Series),
        TargetKind::Category => ("category", "Category", Entity::Category),
        TargetKind::Post | TargetKind::Page => {
            return mark.record(txn, &Changed::Everything).await;
        }
    };
    let mut also = what.also.clone();
    if entity == Entity::Category {
        // The categories above it now: their listings hold its posts.
        let tree = categories::tree(txn).await?;
        also.extend(tree.path(what.id).iter().map(|c| c.id));
    }
    let keys = change::of_named(entity, what.id, &also);
    mark.record(txn, &keys).await?;
    let listeners = Listeners::read(txn).await?;
    let event_type = format!("{family}.{action}");
    let site = Site::read(txn).await?;
    let mut data = payload::named_data(
        &site,
        what.kind,
        type_name,
        what.id,
        what.slug,
        what.former_slug,
        what.name,
    );
    if let (Some(Value::Object(extra)), Value::Object(d)) = (extra, &mut data) {
        d.extend(extra);
    }
    let data = with_keys(data, &keys);
    record(txn, &listeners, &event_type, data.clone()).await?;
    publicly_changed(txn, event_type, data).await
}

/// Writes `site.updated`: the settings changed, so every page may show them.
pub async fn site_updated<C: ConnectionTrait>(
    txn: &C,
    mark: Mark,
    title: &str,
    base_url: Option<&str>,
) -> AppResult<()> {
    let keys = change::of_site();
    mark.record(txn, &keys).await?;
    let listeners = Listeners::read(txn).await?;
    let data = serde_json::json!({
        "site": { "title": title, "url": base_url },
        "paths": ["/"],
    });
    let data = with_keys(data, &keys);
    record(txn, &listeners, "site.updated", data.clone()).await?;
    publicly_changed(txn, "site.updated".to_owned(), data).await
}

/// Writes a `ping` for endpoint `endpoint_id` alone; returns its delivery's id.
pub async fn ping<C: ConnectionTrait>(txn: &C, endpoint_id: i64) -> AppResult<i64> {
    let data = serde_json::json!({ "message": "quire webhook test", "endpointId": endpoint_id.to_string() });
    let ids = write(txn, &[endpoint_id], "ping", data, now(), None).await?;
    Ok(ids.first().copied().unwrap_or_default())
}
