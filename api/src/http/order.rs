//! Response fields in the order the query asked for them (GraphQL spec §7.2.2, "Serialized
//! Map Ordering"). async-graphql 7 resolves an object's fields concurrently and writes
//! them as they finish, so `{ tag { postCount name } }` came back as `name, postCount`,
//! and two executions of one query could differ in their bytes (and ETags). This walks
//! the operation's selection sets, fragments included, and puts every object of `data`
//! back in query order.

use async_graphql::{
    Name, Positioned, Value,
    parser::types::{ExecutableDocument, OperationDefinition, Selection, SelectionSet},
};

/// The operation `operation_name` selects in `doc` (the first one without a name).
pub fn operation<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    selected(doc, operation_name).map(|(_, op)| op)
}

/// [`operation`] with the name it has in `doc`, if any.
pub fn selected<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(Option<&'a Name>, &'a Positioned<OperationDefinition>)> {
    doc.operations
        .iter()
        .find(|(name, _)| match (operation_name, name) {
            (Some(wanted), Some(n)) => n.as_str() == wanted,
            (None, _) => true,
            (Some(_), None) => false,
        })
}

/// Reorders `data`, the result of the operation `operation_name` of `doc`.
pub fn reorder(data: &mut Value, doc: &ExecutableDocument, operation_name: Option<&str>) {
    if let Some(op) = operation(doc, operation_name) {
        apply(data, &[&op.node.selection_set.node], doc);
    }
}

/// Puts each object of `value` in the order of `sets` (every selection set that
/// applies to it: a field selected twice merges both).
fn apply(value: &mut Value, sets: &[&SelectionSet], doc: &ExecutableDocument) {
    match value {
        Value::List(items) => {
            for item in items {
                apply(item, sets, doc);
            }
        }
        Value::Object(map) => {
            let mut keys = Vec::new();
            collect(sets, doc, &mut keys);
            let mut left = std::mem::take(map);
            for (key, subsets) in keys {
                if let Some(mut field) = left.shift_remove(&key) {
                    apply(&mut field, &subsets, doc);
                    map.insert(key, field);
                }
            }
            // Nothing should be left; if anything is, it keeps its place at the end.
            map.extend(left);
        }
        _ => {}
    }
}

/// The response keys `sets` select, in order of first appearance, each with the
/// selection sets of its sub-fields. Fragments are followed (validation has ruled out
/// cycles before anything was executed); keys of fragments whose type condition did not
/// apply are simply absent from the object.
fn collect<'a>(
    sets: &[&'a SelectionSet],
    doc: &'a ExecutableDocument,
    out: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
) {
    for set in sets {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let key = field.node.response_key().node.clone();
                    let sub = &field.node.selection_set.node;
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, subs)) => subs.push(sub),
                        None => out.push((key, vec![sub])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                        collect(&[&fragment.node.selection_set.node], doc, out);
                    }
                }
                Selection::InlineFragment(inline) => {
                    collect(&[&inline.node.selection_set.node], doc, out);
                }
            }
        }
    }
}
