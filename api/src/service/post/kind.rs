//! Posts and pages share the `posts` table (`kind`): the one home of the rule that a
//! listing of posts holds posts only. Every listing, count and search of posts narrows
//! with [`Kinds::condition`] through [`super::listing::narrowing`]; raw SQL that must
//! restate it takes [`kind_sql`]. Pages never carry tags or a series
//! ([`super::write`] refuses them, imports drop them), so the tag links and series
//! listings hold posts only without restating it.

use entity::post;
use sea_orm::{ColumnTrait, Condition};

/// Which kinds of row a listing or search holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kinds {
    /// Posts only: every post listing, count and (by default) search.
    #[default]
    Posts,
    /// Pages only.
    Pages,
    /// Both.
    Both,
}

impl Kinds {
    /// The condition on `posts` for these kinds.
    pub fn condition(self) -> Condition {
        match self {
            Self::Posts => Condition::all().add(post::Column::Kind.eq(post::Kind::Post)),
            Self::Pages => Condition::all().add(post::Column::Kind.eq(post::Kind::Page)),
            Self::Both => Condition::all(),
        }
    }
}

/// "Is a post, not a page" as an SQL expression over the post row aliased `row`.
pub fn kind_sql(row: &str) -> String {
    format!("({row}.kind = 'POST')")
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::*;

    #[test]
    fn kind_sql_names_how_the_entity_stores_a_post() {
        assert_eq!(
            kind_sql("p"),
            format!("(p.kind = '{}')", post::Kind::Post.to_value())
        );
    }
}
