//! Limits on the shape of a query document, checked after parsing and before the schema
//! sees it: nesting depth (introspection excluded, so GraphiQL and code generators keep
//! working), aliases and directives. Complexity is checked by the schema itself, from the
//! `complexity` of each list field.

use std::collections::HashSet;

use async_graphql::{
    Name, Positioned,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// The limits a document must respect.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    pub max_depth: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
}

/// Why a document was refused; the message names the limit and the value found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("the query is nested {found} levels deep; at most {limit} are allowed")]
    Depth { found: usize, limit: usize },
    #[error("the query has {found} aliases; at most {limit} are allowed")]
    Aliases { found: usize, limit: usize },
    #[error("the query has {found} directives; at most {limit} are allowed")]
    Directives { found: usize, limit: usize },
}

/// Checks a parsed document against `limits`.
pub fn check(doc: &ExecutableDocument, limits: &DocumentLimits) -> Result<(), LimitError> {
    let mut counts = Counts::default();
    for (_, op) in doc.operations.iter() {
        counts.directives += op.node.directives.len();
        for var in &op.node.variable_definitions {
            counts.directives += var.node.directives.len();
        }
        counts.selection_set(&op.node.selection_set);
    }
    for fragment in doc.fragments.values() {
        counts.directives += fragment.node.directives.len();
        counts.selection_set(&fragment.node.selection_set);
    }
    if counts.aliases > limits.max_aliases {
        return Err(LimitError::Aliases {
            found: counts.aliases,
            limit: limits.max_aliases,
        });
    }
    if counts.directives > limits.max_directives {
        return Err(LimitError::Directives {
            found: counts.directives,
            limit: limits.max_directives,
        });
    }
    let mut walk = DepthWalk {
        doc,
        limit: limits.max_depth,
        deepest: 0,
        open_fragments: HashSet::new(),
    };
    for (_, op) in doc.operations.iter() {
        walk.selection_set(&op.node.selection_set, 0);
        if walk.deepest > limits.max_depth {
            return Err(LimitError::Depth {
                found: walk.deepest,
                limit: limits.max_depth,
            });
        }
    }
    Ok(())
}

/// Aliases and directives written in the document (each written once, however often a
/// fragment is spread).
#[derive(Default)]
struct Counts {
    aliases: usize,
    directives: usize,
}

impl Counts {
    fn selection_set(&mut self, set: &Positioned<SelectionSet>) {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    self.directives += field.node.directives.len();
                    self.selection_set(&field.node.selection_set);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives += spread.node.directives.len();
                }
                Selection::InlineFragment(inline) => {
                    self.directives += inline.node.directives.len();
                    self.selection_set(&inline.node.selection_set);
                }
            }
        }
    }
}

/// The deepest field nesting, following fragment spreads (a fragment spread inside
/// itself is stopped here and reported by validation).
struct DepthWalk<'a> {
    doc: &'a ExecutableDocument,
    limit: usize,
    deepest: usize,
    open_fragments: HashSet<&'a Name>,
}

impl<'a> DepthWalk<'a> {
    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>, depth: usize) {
        if self.deepest > self.limit {
            return; // Already refused: stop early on hostile documents.
        }
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if name == "__schema" || name == "__type" {
                        continue; // Introspection is bounded by the schema itself.
                    }
                    self.deepest = self.deepest.max(depth + 1);
                    self.selection_set(&field.node.selection_set, depth + 1);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some(fragment) = self.doc.fragments.get(name)
                        && self.open_fragments.insert(name)
                    {
                        self.selection_set(&fragment.node.selection_set, depth);
                        self.open_fragments.remove(name);
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set, depth);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const LIMITS: DocumentLimits = DocumentLimits {
        max_depth: 3,
        max_aliases: 2,
        max_directives: 2,
    };

    fn check_str(query: &str) -> Result<(), LimitError> {
        check(&parse_query(query).unwrap(), &LIMITS)
    }

    #[test]
    fn depth_counts_fields_through_fragments() {
        assert_eq!(check_str("{ a { b { c } } }"), Ok(()));
        assert_eq!(
            check_str("{ a { b { c { d } } } }"),
            Err(LimitError::Depth { found: 4, limit: 3 })
        );
        assert_eq!(
            check_str("{ a { ...F } } fragment F on T { b { ... on T { c { d } } } }"),
            Err(LimitError::Depth { found: 4, limit: 3 })
        );
        // A fragment spread inside itself does not loop here.
        assert_eq!(
            check_str("{ a { ...F } } fragment F on T { b ...F }"),
            Ok(())
        );
    }

    #[test]
    fn introspection_is_not_counted_for_depth() {
        assert_eq!(
            check_str("{ __schema { types { fields { type { ofType { ofType { name } } } } } } }"),
            Ok(())
        );
    }

    #[test]
    fn aliases_and_directives_are_counted_where_written() {
        assert_eq!(check_str("{ x: a y: b }"), Ok(()));
        assert_eq!(
            check_str("{ x: a y: b z: c }"),
            Err(LimitError::Aliases { found: 3, limit: 2 })
        );
        assert_eq!(
            check_str("query Q @d1 { a @skip(if: true) ...F @d3 } fragment F on T { b }"),
            Err(LimitError::Directives { found: 3, limit: 2 })
        );
    }
}
