//! The HTML allow-list: whatever the Markdown contains, no script, no event handler,
//! no `javascript:` URL reaches a reader.
//!
//! Classes are kept only where the renderer makes them, and only its own vocabulary:
//! `language-…` on `code` (a fence's language), `hl-…` (highlighting) and `math`,
//! `math-inline`, `math-display` on `span`. Raw HTML in a post can use the same classes
//! and no others, so no post can borrow a frontend's other classes.

use std::{borrow::Cow, collections::HashSet, sync::LazyLock};

use ammonia::Builder;

use super::highlight::CLASS_PREFIX;

const MATH_CLASSES: &[&str] = &["math", "math-inline", "math-display"];

fn span_class(class: &str) -> bool {
    class.starts_with(CLASS_PREFIX) || MATH_CLASSES.contains(&class)
}

fn code_class(class: &str) -> bool {
    class.starts_with("language-")
}

/// Keeps the allowed classes of a `class` value; `None` (attribute dropped) when none is.
fn filter_classes(value: &str, allowed: fn(&str) -> bool) -> Option<Cow<'_, str>> {
    let kept: Vec<&str> = value.split_whitespace().filter(|c| allowed(c)).collect();
    if kept.is_empty() {
        None
    } else {
        Some(Cow::Owned(kept.join(" ")))
    }
}

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(builder);

/// The allow-list, as every clean uses it.
fn builder() -> Builder<'static> {
    let mut b = Builder::default();
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id"]);
    }
    b.add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("span", "class") => filter_classes(value, span_class),
            ("code", "class") => filter_classes(value, code_class),
            _ => Some(Cow::Borrowed(value)),
        });
    b
}

pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// [`clean`], with every relative link and image source replaced by what `resolve`
/// makes of it (a feed's HTML, read away from the site, needs absolute URLs); one that
/// `resolve` gives up on is dropped.
pub fn clean_resolving(
    html: &str,
    resolve: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> String {
    let mut b = builder();
    b.url_relative(ammonia::UrlRelative::Custom(Box::new(Resolver(resolve))));
    b.clean(html).to_string()
}

/// A function making a relative URL absolute, as ammonia takes one.
struct Resolver<F>(F);

impl<F: Fn(&str) -> Option<String> + Send + Sync + 'static> ammonia::UrlRelativeEvaluate<'static>
    for Resolver<F>
{
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        (self.0)(url).map(Cow::Owned)
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn keeps_the_renderers_classes_and_no_others() {
        let cases = [
            (
                r#"<pre><code class="language-rust"><span class="hl-source hl-rust"><span class="hl-keyword hl-other">fn</span></span></code></pre>"#,
                r#"<pre><code class="language-rust"><span class="hl-source hl-rust"><span class="hl-keyword hl-other">fn</span></span></code></pre>"#,
            ),
            (
                r#"<p><span class="math math-inline">\(a&lt;b\)</span> <span class="math math-display">\[x\]</span></p>"#,
                r#"<p><span class="math math-inline">\(a&lt;b\)</span> <span class="math math-display">\[x\]</span></p>"#,
            ),
            // Raw HTML: handlers and styles go, foreign classes go, ours stay.
            (
                r#"<span class="x" onclick="steal()">a</span>"#,
                "<span>a</span>",
            ),
            (
                r#"<span class="fixed-top hl-keyword modal" style="position:fixed" onmouseover="x()">a</span>"#,
                r#"<span class="hl-keyword">a</span>"#,
            ),
            (
                r#"<code class="language-rust evil hl-keyword" onclick="x()">a</code>"#,
                r#"<code class="language-rust">a</code>"#,
            ),
            (r#"<code class="math">a</code>"#, "<code>a</code>"),
            (
                r#"<pre class="hl-x" style="color:red"><em class="hl-x">a</em></pre>"#,
                "<pre><em>a</em></pre>",
            ),
        ];
        for (dirty, want) in cases {
            assert_eq!(clean(dirty), want, "{dirty}");
        }
    }

    #[test]
    fn relative_links_are_resolved_and_the_rest_kept() {
        let html = r##"<p><a href="/tags/회고">a</a> <a href="#fn-1">b</a> <img src="x.png"> <a href="https://other.example/">c</a> <a href="javascript:alert(1)">d</a></p>"##;
        let out = super::clean_resolving(html, |u| Some(format!("https://example.com/post{u}")));
        assert_eq!(
            out,
            r##"<p><a href="https://example.com/post/tags/회고" rel="noopener noreferrer">a</a> <a href="https://example.com/post#fn-1" rel="noopener noreferrer">b</a> <img src="https://example.com/postx.png"> <a href="https://other.example/" rel="noopener noreferrer">c</a> <a rel="noopener noreferrer">d</a></p>"##
        );
    }
}
