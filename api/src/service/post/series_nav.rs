//! A series seen from its posts: the public posts of each series in series order, and
//! where a post stands in its series (position, previous, next) by keyset lookups that
//! cost the same for a series of 10 posts or of 1,000.

use chrono::{DateTime, Utc};
use entity::post;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait, Query},
};

use super::visibility::publicly_visible;
use crate::error::AppResult;

/// The order of the posts within a series: position, then date, then ID.
const SERIES_ORDER: [post::Column; 3] = [
    post::Column::SeriesPosition,
    post::Column::PublishedAt,
    post::Column::Id,
];

/// `q` ordered by series, then in [`SERIES_ORDER`].
fn in_series_order(q: Select<post::Entity>) -> Select<post::Entity> {
    SERIES_ORDER
        .iter()
        .fold(q.order_by_asc(post::Column::SeriesId), |q, c| {
            q.order_by_asc(*c)
        })
}

/// Publicly visible posts of each series, in series order.
pub async fn public_by_series<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    series_ids: &[i64],
) -> AppResult<Vec<post::Model>> {
    Ok(in_series_order(
        post::Entity::find()
            .filter(publicly_visible(now))
            .filter(post::Column::SeriesId.is_in(series_ids.iter().copied())),
    )
    .all(db)
    .await?)
}

/// IDs of the publicly visible posts of each series, in series order, as
/// `(series_id, post_id)`: what previous/next and positions need, without reading the
/// posts' bodies (a covering index answers it).
pub async fn public_ids_by_series<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    series_ids: &[i64],
) -> AppResult<Vec<(i64, i64)>> {
    let rows: Vec<(Option<i64>, i64)> = in_series_order(
        post::Entity::find()
            .select_only()
            .column(post::Column::SeriesId)
            .column(post::Column::Id)
            .filter(publicly_visible(now))
            .filter(post::Column::SeriesId.is_in(series_ids.iter().copied())),
    )
    .into_tuple()
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(series, id)| Some((series?, id)))
        .collect())
}

/// Where a post stands in its series among the publicly visible posts: its 1-based
/// position and the posts just before and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesPlace {
    pub position: i64,
    pub previous: Option<i64>,
    pub next: Option<i64>,
}

/// The [`SeriesPlace`] of each of `post_ids` that is publicly visible and in a series,
/// in the order of [`public_ids_by_series`]. Each neighbour is one step along
/// `idx_posts_series_order` from the post (a keyset lookup, the same for a series of 10
/// posts or of 1,000); the position counts the visible posts up to the post in that
/// index, without reading them. Posts of a series always have a `series_position`
/// (every write that sets a series numbers it).
pub async fn series_places<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    post_ids: &[i64],
) -> AppResult<Vec<(i64, SeriesPlace)>> {
    use post::Column::{Id, PublishedAt, SeriesId, SeriesPosition};
    use sea_orm::sea_query::{Alias, QueryStatementBuilder};

    let p = Alias::new("p");
    let outer = |c: post::Column| Expr::col((p.clone(), c));
    let inner = |c: post::Column| Expr::col((post::Entity, c));
    // The posts after `p` in series order ([`SERIES_ORDER`]), or before it (`backwards`),
    // with `p` itself too when `or_same`.
    let beyond = |backwards: bool, or_same: bool| {
        let cmp = |c: post::Column| {
            if backwards {
                inner(c).lt(outer(c))
            } else {
                inner(c).gt(outer(c))
            }
        };
        let last = match (backwards, or_same) {
            (true, true) => inner(Id).lte(outer(Id)),
            (false, true) => inner(Id).gte(outer(Id)),
            _ => cmp(Id),
        };
        let tie = |c: post::Column| inner(c).eq(outer(c));
        Condition::any().add(cmp(SeriesPosition)).add(
            Condition::all().add(tie(SeriesPosition)).add(
                Condition::any()
                    .add(cmp(PublishedAt))
                    .add(Condition::all().add(tie(PublishedAt)).add(last)),
            ),
        )
    };
    let in_series_of_p = |side: Condition| {
        Condition::all()
            .add(inner(SeriesId).eq(outer(SeriesId)))
            .add(publicly_visible(now))
            .add(side)
    };
    let neighbour = |side: Condition, dir: Order| {
        let mut q = Query::select();
        q.expr(inner(Id))
            .from(post::Entity)
            .cond_where(in_series_of_p(side));
        for c in SERIES_ORDER {
            q.order_by((post::Entity, c), dir.clone());
        }
        Expr::SubQuery(
            None,
            Box::new(q.limit(1).to_owned().into_sub_query_statement()),
        )
    };
    let position = Query::select()
        .expr(inner(Id).count())
        .from(post::Entity)
        .cond_where(in_series_of_p(beyond(true, true)))
        .to_owned();
    let asked = post::Entity::find()
        .select_only()
        .column(Id)
        .filter(Id.is_in(post_ids.iter().copied()))
        .filter(SeriesId.is_not_null())
        .filter(publicly_visible(now))
        .into_query();
    let mut query = Query::select()
        .expr_as(outer(Id), Alias::new("id"))
        .expr_as(
            Expr::SubQuery(None, Box::new(position.into_sub_query_statement())),
            Alias::new("position"),
        )
        .expr_as(
            neighbour(beyond(true, false), Order::Desc),
            Alias::new("previous"),
        )
        .expr_as(
            neighbour(beyond(false, false), Order::Asc),
            Alias::new("next"),
        )
        .from_as(post::Entity, p.clone())
        .and_where(outer(Id).in_subquery(asked))
        .order_by((p.clone(), SeriesId), Order::Asc)
        .to_owned();
    for c in SERIES_ORDER {
        query.order_by((p.clone(), c), Order::Asc);
    }
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(backend.build(&query)).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<i64>("", "id")?,
                SeriesPlace {
                    position: r.try_get::<i64>("", "position")?,
                    previous: r.try_get::<Option<i64>>("", "previous")?,
                    next: r.try_get::<Option<i64>>("", "next")?,
                },
            ))
        })
        .collect()
}
