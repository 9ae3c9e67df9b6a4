//! Which cache keys an answer holds (see [`crate::service::cache_tags`]): each request's
//! [`TagCollector`], filled where objects are made and lists read (`s.tags.entity(…)`,
//! `s.tags.key(…)`), and read by the HTTP floor for the response cache and the CDN
//! header.
//!
//! A forgotten call would leave an answer cached past a change that ends it, so
//! [`TagCheck`] counts the objects of each keyed type the answer resolved: when more
//! were resolved than recorded, the answer is tagged [`ALL`] alone (any change ends it).

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    sync::{Arc, Mutex},
};

use async_graphql::{
    ServerResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo},
};

use super::RequestState;
use crate::service::cache_tags::{ALL, Entity, SITE};

/// The GraphQL type of an entity.
fn type_name(e: Entity) -> &'static str {
    match e {
        Entity::Post => "Post",
        Entity::Page => "Page",
        Entity::Tag => "Tag",
        Entity::Category => "Category",
        Entity::Series => "Series",
        Entity::Author => "Author",
    }
}

/// The types whose objects must be recorded.
const CHECKED: &[&str] = &[
    "Post", "Page", "Tag", "Category", "Series", "Author", "Site",
];

#[derive(Default)]
struct Inner {
    keys: BTreeSet<String>,
    /// Objects recorded, by type.
    made: HashMap<&'static str, usize>,
    /// Objects resolved, by type: their paths in the answer.
    seen: HashMap<&'static str, HashSet<String>>,
}

/// The keys of one request's answer.
#[derive(Default)]
pub struct TagCollector(Mutex<Inner>);

impl TagCollector {
    fn with(&self, f: impl FnOnce(&mut Inner)) {
        if let Ok(mut inner) = self.0.lock() {
            f(&mut inner);
        }
    }

    /// An object of `e` with `id` is in the answer.
    pub fn entity(&self, e: Entity, id: i64) {
        self.with(|i| {
            i.keys.insert(e.key(id));
            *i.made.entry(type_name(e)).or_default() += 1;
        });
    }

    /// [`Self::entity`], passing `node` through (for `.map(…)`).
    pub fn saw<T>(&self, e: Entity, id: i64, node: T) -> T {
        self.entity(e, id);
        node
    }

    /// The site's settings are in the answer.
    pub fn site(&self) {
        self.with(|i| {
            i.keys.insert(SITE.to_owned());
            *i.made.entry("Site").or_default() += 1;
        });
    }

    /// A listing (or any other key) the answer depends on.
    pub fn key(&self, key: impl Into<String>) {
        let key = key.into();
        self.with(|i| {
            i.keys.insert(key);
        });
    }

    fn resolved(&self, type_name: &'static str, path: String) {
        self.with(|i| {
            i.seen.entry(type_name).or_default().insert(path);
        });
    }

    /// The answer's keys, sorted; `[all]` when an object was resolved unrecorded.
    pub fn finish(&self) -> Vec<String> {
        let Ok(inner) = self.0.lock() else {
            return vec![ALL.to_owned()];
        };
        let unrecorded = inner
            .seen
            .iter()
            .any(|(t, paths)| paths.len() > inner.made.get(t).copied().unwrap_or(0));
        if unrecorded {
            tracing::warn!("an answer resolved objects whose cache keys were not recorded");
            return vec![ALL.to_owned()];
        }
        inner.keys.iter().cloned().collect()
    }
}

/// Counts the resolved objects of each keyed type (see the module's doc).
pub struct TagCheck;

impl ExtensionFactory for TagCheck {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Counting)
    }
}

struct Counting;

#[async_graphql::async_trait::async_trait]
impl Extension for Counting {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let checked = CHECKED.iter().copied().find(|t| *t == info.parent_type);
        if let (Some(t), Some(parent)) = (checked, info.path_node.parent)
            && let Some(s) = ctx.data_opt::<Arc<RequestState>>()
        {
            s.tags.resolved(t, parent.to_string());
        }
        next.run(ctx, info).await
    }
}
