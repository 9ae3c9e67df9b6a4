//! Limits on the shape of a query document, checked after parsing and before the schema
//! sees it: nesting depth (introspection excluded, so GraphiQL and code generators keep
//! working), aliases and directives. Complexity is checked by the schema itself, from the
//! `complexity` of each list field.

use std::collections::{HashMap, HashSet};

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
        fragments: HashMap::new(),
        open_fragments: HashSet::new(),
    };
    let deepest = doc
        .operations
        .iter()
        .map(|(_, op)| walk.depth(&op.node.selection_set))
        .max()
        .unwrap_or(0);
    if deepest > limits.max_depth {
        return Err(LimitError::Depth {
            found: deepest,
            limit: limits.max_depth,
        });
    }
    Ok(())
}

/// How deep `text` nests its braces, outside strings and comments: the figure a
/// document too deep for the parser is refused with (selection sets and input objects
/// alike; the parser stops before it can tell them apart).
pub fn brace_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' => depth = depth.saturating_sub(1),
            '#' => {
                let _ = chars.by_ref().find(|&c| c == '\n');
            }
            '"' => {
                // Block strings (`"""`) hold no unescaped `"` runs that matter here:
                // reading to each next unescaped quote stays outside braces in them too.
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            let _ = chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    deepest
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
/// itself is stopped here and reported by validation). Each fragment's depth is worked
/// out once, so a document spreading fragments many times costs its length, not the
/// size of its expansion, and the true depth can be reported.
struct DepthWalk<'a> {
    doc: &'a ExecutableDocument,
    fragments: HashMap<&'a Name, usize>,
    open_fragments: HashSet<&'a Name>,
}

impl<'a> DepthWalk<'a> {
    /// How many fields deep `set` goes.
    fn depth(&mut self, set: &'a Positioned<SelectionSet>) -> usize {
        let mut deepest = 0;
        for item in &set.node.items {
            let depth = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if name == "__schema" || name == "__type" {
                        continue; // Introspection is bounded by the schema itself.
                    }
                    1 + self.depth(&field.node.selection_set)
                }
                Selection::FragmentSpread(spread) => self.fragment(&spread.node.fragment_name.node),
                Selection::InlineFragment(inline) => self.depth(&inline.node.selection_set),
            };
            deepest = deepest.max(depth);
        }
        deepest
    }

    fn fragment(&mut self, name: &'a Name) -> usize {
        if let Some(&known) = self.fragments.get(name) {
            return known;
        }
        let Some(fragment) = self.doc.fragments.get(name) else {
            return 0;
        };
        if !self.open_fragments.insert(name) {
            return 0;
        }
        let depth = self.depth(&fragment.node.selection_set);
        self.open_fragments.remove(name);
        self.fragments.insert(name, depth);
        depth
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
        // The true depth, however far past the limit.
        assert_eq!(
            check_str("{ a { b { c { d { e { f } } } } } }"),
            Err(LimitError::Depth { found: 6, limit: 3 })
        );
        // Each fragment spreads the next twice: 2^40 fields expanded, walked once each.
        let mut doc = String::from("{ ...F0 }");
        for i in 0..40 {
            doc.push_str(&format!(
                " fragment F{i} on T {{ x {{ ...F{n} }} y {{ ...F{n} }} }}",
                n = i + 1
            ));
        }
        doc.push_str(" fragment F40 on T { z }");
        assert_eq!(
            check_str(&doc),
            Err(LimitError::Depth {
                found: 41,
                limit: 3
            })
        );
        // A fragment spread inside itself does not loop here.
        assert_eq!(
            check_str("{ a { ...F } } fragment F on T { b ...F }"),
            Ok(())
        );
    }

    #[test]
    fn brace_depth_skips_strings_and_comments() {
        assert_eq!(brace_depth("{ a { b(s: \"{{{\") { c } } } # {{{{"), 3);
        assert_eq!(
            brace_depth(&format!("{}{}", "{a".repeat(70), "}".repeat(70))),
            70
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
