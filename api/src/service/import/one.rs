//! Writing one prepared file as a post, in its own transaction (a savepoint when the
//! connection is itself a transaction, which is how a dry run rolls everything back): a
//! failure leaves nothing of that file behind, and re-importing a file updates the post
//! it created. Every file can take this path; a bulk import sends here the files its
//! group writer cannot take, and those a group failed to write.

use entity::post;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, Set, TransactionSession, TransactionTrait,
    TryIntoModel,
};

use super::{
    ImportCache, ImportOptions, Imported, Outcome, PreparedFile,
    fill::{Filled, author_list, fill, new_post, same_file, wanted_slug},
};
use crate::{
    error::{AppError, AppResult},
    service::{author, category, now, post as posts, search, series, tag},
    slug,
};

/// Imports one file in its own transaction; returns what happened and the post as
/// stored.
///
/// The post it updates is the one imported from the same `source_path`, else the one
/// with the wanted slug when that post is the same file (it has no source path, or one
/// with the same file name) or the document names its slug explicitly (as exports do).
pub async fn import_post<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    file: &PreparedFile,
    opts: &ImportOptions,
) -> AppResult<Imported> {
    import_with(db, file, opts, None).await
}

/// [`import_post`] for a bulk import: `cache` spares most lookups (see [`ImportCache`]).
/// A failure is retried once without the cache, and the cache is cleared.
pub(super) async fn import_cached<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    file: &PreparedFile,
    opts: &ImportOptions,
    cache: &mut ImportCache,
) -> AppResult<Imported> {
    match import_with(db, file, opts, Some(cache)).await {
        Ok(done) => Ok(done),
        Err(_) => {
            cache.clear();
            import_with(db, file, opts, None).await
        }
    }
}

async fn import_with<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    file: &PreparedFile,
    opts: &ImportOptions,
    mut cache: Option<&mut ImportCache>,
) -> AppResult<Imported> {
    let doc = &file.doc;
    let wanted_slug = wanted_slug(doc)?;

    // The write lock at once on SQLite: the run's server may write meanwhile (webhook,
    // live-event and cache-journal housekeeping), and a read snapshot upgraded to a write
    // after that fails at once with "database is locked".
    let txn = crate::db::begin_write(db).await?;
    if cache.as_ref().is_some_and(|c| c.async_commit) {
        txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF")
            .await?;
    }

    let mut resolved = Vec::with_capacity(doc.authors.len());
    let mut new_authors = Vec::new();
    for name in &doc.authors {
        resolved.push(if opts.create_authors {
            match author::find_or_create_imported(&txn, name).await? {
                Some((u, created)) => {
                    let id = u.id;
                    if created {
                        new_authors.push(u);
                    }
                    Some(id)
                }
                None => None,
            }
        } else {
            author::find_by_name(&txn, name).await?.map(|u| u.id)
        });
    }
    let author_ids = author_list(&resolved, opts.default_author_id);

    // One query finds both the post of this file and the post holding the wanted slug.
    let candidates = if cache
        .as_ref()
        .is_some_and(|c| !c.may_exist(&doc.source_path, &wanted_slug))
    {
        Vec::new()
    } else {
        posts::find_by_source_path_or_slug(&txn, &doc.source_path, &wanted_slug).await?
    };
    let holder = candidates.iter().find(|p| p.slug == wanted_slug);
    let existing = candidates
        .iter()
        .find(|p| p.source_path.as_deref() == Some(doc.source_path.as_str()))
        .or_else(|| {
            holder.filter(|p| {
                doc.slug.is_some() || same_file(p.source_path.as_deref(), &doc.source_path)
            })
        })
        .cloned();
    let existing_id = existing.as_ref().map(|p| p.id);
    let new_slug = match &existing {
        Some(p) if doc.slug.is_none() && p.slug.starts_with(&wanted_slug) => p.slug.clone(),
        _ if holder.is_none_or(|h| Some(h.id) == existing_id) => wanted_slug.clone(),
        _ => posts::unique_slug(&txn, &wanted_slug, existing_id).await?,
    };

    let tag_slugs: Vec<String> = doc.tags.iter().map(|t| slug::slugify(t)).collect();
    let tag_ids = match cache.as_ref().and_then(|c| c.tag_ids(&tag_slugs)) {
        Some(ids) => ids,
        None => tag::find_or_create_many(&txn, &doc.tags).await?,
    };
    let series_id = match &doc.series {
        Some(title) => Some(series::find_or_create(&txn, title).await?.id),
        None => None,
    };

    let category_id = match cache
        .as_ref()
        .and_then(|c| c.category_id(&doc.category_path))
    {
        Some(id) => id,
        None => category::find_or_create_path(&txn, &doc.category_path).await?,
    };

    let mut active = match &existing {
        Some(p) => post::ActiveModel::from(p.clone()),
        None => new_post(),
    };
    fill(
        &mut active,
        file,
        opts,
        Filled {
            slug: new_slug,
            author_id: author_ids[0],
            series_id,
            category_id,
            trashed_before: existing.as_ref().and_then(|p| p.deleted_at),
            dated_before: existing
                .as_ref()
                .and_then(|p| Some((p.published_at?, p.published_at_offset.unwrap_or(0)))),
        },
    );

    let old_tags = match existing_id {
        Some(id) => tag::by_posts(&txn, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let tags_same = old_tags.iter().map(|t| t.id).eq(tag_ids.iter().copied());
    let authors_same = match existing_id {
        Some(id) => posts::authors::ids_of(&txn, id).await? == author_ids,
        None => false,
    };
    if let Some(p) = &existing
        && tags_same
        && authors_same
        && active.clone().try_into_model().is_ok_and(|m| m == *p)
    {
        txn.commit().await?;
        if let Some(c) = cache.as_mut() {
            c.remember(p, tag_slugs.into_iter().zip(tag_ids));
            c.remember_names(doc, &resolved, series_id, category_id);
        }
        return Ok(Imported {
            outcome: Outcome::Unchanged,
            post: p.clone(),
            new_authors,
        });
    }

    let old_series = existing.as_ref().and_then(|p| p.series_id);
    active.updated_at = Set(now());
    let toc = match &active.toc {
        ActiveValue::Set(v) | ActiveValue::Unchanged(v) => Some(v.clone()),
        ActiveValue::NotSet => None,
    };
    let (outcome, mut saved) = match existing {
        Some(p) => {
            active.version = Set(p.version + 1);
            (Outcome::Updated, active.update(&txn).await?)
        }
        None => {
            active.version = Set(1);
            (Outcome::Imported, active.insert(&txn).await?)
        }
    };
    let front_matter = serde_json::Value::Object(doc.front_matter.clone());
    posts::content::keep_json_order(&txn, &mut saved, &front_matter, toc.as_ref()).await?;
    if outcome == Outcome::Imported {
        tag::insert_post_tags(&txn, saved.id, &tag_ids).await?;
        posts::authors::insert(&txn, saved.id, &author_ids).await?;
    } else {
        if !tags_same {
            tag::set_post_tags(&txn, saved.id, &tag_ids).await?;
        }
        if !authors_same {
            posts::authors::replace(&txn, saved.id, &author_ids).await?;
        }
    }
    let series_touched: Vec<i64> = [old_series, series_id].into_iter().flatten().collect();
    for sid in &series_touched {
        series::renumber_by_date(&txn, *sid).await?;
    }
    // Renumbering may have moved this post's position; read it back only then.
    let saved = if series_touched.is_empty() {
        saved
    } else {
        posts::find_by_slug(&txn, &saved.slug)
            .await?
            .ok_or_else(|| AppError::Internal("imported post not found after write".into()))?
    };
    // The post's title, subtitle and Markdown are the document's, as set above.
    match &file.search {
        Some(d) => search::index_document(&txn, saved.id, d).await?,
        None => search::index_post(&txn, &saved).await?,
    }
    txn.commit().await?;
    if let Some(c) = cache.as_mut() {
        c.remember(&saved, tag_slugs.into_iter().zip(tag_ids));
        c.remember_names(doc, &resolved, series_id, category_id);
    }
    Ok(Imported {
        outcome,
        post: saved,
        new_authors,
    })
}
