//! The event types quire sends and how an endpoint's subscriptions select them: an event
//! type (`post.published`), a family (`post.*`) or everything (`*`).

use crate::error::{AppError, AppResult};

/// Every event type, grouped by family. `ping` is sent only by `testWebhook`, to the one
/// endpoint tested, whatever it subscribed to.
pub const EVENT_TYPES: &[&str] = &[
    "post.published",
    "post.updated",
    "post.unpublished",
    "post.deleted",
    "page.published",
    "page.updated",
    "page.unpublished",
    "page.deleted",
    "series.created",
    "series.updated",
    "series.deleted",
    "tag.created",
    "tag.updated",
    "tag.deleted",
    "category.created",
    "category.updated",
    "category.deleted",
    "media.created",
    "media.updated",
    "media.deleted",
    "site.updated",
    "ping",
];

/// Most subscriptions one endpoint may list.
const MAX_SUBSCRIPTIONS: usize = 64;

fn family(event_type: &str) -> &str {
    event_type.split('.').next().unwrap_or(event_type)
}

/// Whether `pattern` (a type, `family.*` or `*`) selects `event_type`.
fn selects(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix(".*") {
        _ if pattern == "*" => true,
        Some(fam) => family(event_type) == fam,
        None => pattern == event_type,
    }
}

/// Whether an endpoint subscribed to `subscriptions` wants `event_type`.
pub fn wants(subscriptions: &[String], event_type: &str) -> bool {
    subscriptions.iter().any(|p| selects(p, event_type))
}

/// Subscriptions as given, checked (each selects at least one known event type), trimmed
/// and without repeats, in their order.
pub fn check(subscriptions: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in subscriptions {
        let s = s.trim();
        if !EVENT_TYPES.iter().any(|t| selects(s, t)) {
            return Err(AppError::bad_input(
                "events",
                format!(
                    "unknown event type {s:?}; use one of {}, a family such as \"post.*\", or \"*\"",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    if out.is_empty() {
        return Err(AppError::bad_input(
            "events",
            "list at least one event type",
        ));
    }
    if out.len() > MAX_SUBSCRIPTIONS {
        return Err(AppError::bad_input(
            "events",
            format!("at most {MAX_SUBSCRIPTIONS} entries"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn patterns_select_types_and_families() {
        let subs = list(&["post.*", "tag.deleted"]);
        assert!(wants(&subs, "post.published"));
        assert!(wants(&subs, "post.deleted"));
        assert!(wants(&subs, "tag.deleted"));
        assert!(!wants(&subs, "tag.created"));
        assert!(!wants(&subs, "page.published"));
        assert!(wants(&list(&["*"]), "site.updated"));
        assert!(wants(&list(&["media.*"]), "media.deleted"));
        assert_eq!(check(&list(&["media.*"])).unwrap(), ["media.*"]);
    }

    #[test]
    fn unknown_types_are_refused() {
        assert_eq!(
            check(&list(&[" post.published", "post.published", "tag.*"])).unwrap(),
            ["post.published", "tag.*"]
        );
        for bad in [&["post.publish"][..], &["media.uploaded"], &[]] {
            assert!(check(&list(bad)).is_err(), "{bad:?}");
        }
    }
}
