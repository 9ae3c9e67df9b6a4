//! Property tests of render + sanitise: whatever hostile mix of Markdown and HTML a post
//! holds, with math on or off, the stored HTML carries no script, no event handler, no
//! `javascript:`-like URL, no frame, object, embed or style element and no style but
//! `text-align`; and it is a fixed point of the sanitiser (cleaning it again changes
//! nothing), so what is stored is exactly what the allow-list lets through.

use proptest::prelude::*;

use super::{RenderOptions, render_with, sanitize};

/// Pieces a hostile post is assembled from: raw HTML blocks and inline HTML, links and
/// images with odd schemes (entity-encoded, split by tabs, upper-case), nested fences,
/// math that tries to close its span, Hangul and CRLF.
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/a.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"  JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<iframe src=\"https://x.example\"></iframe>",
    "<object data=\"x.swf\"></object>",
    "<embed src=\"x.swf\">",
    "<style>body{display:none}</style>",
    "<div style=\"position:fixed;top:0\" onclick=\"x()\">덮개</div>",
    "<td style=\"text-align:right;background:url(javascript:x)\">",
    "<table><tr><th style=\"text-align: center\">a</th><td style=\"color:red\">b</td></tr></table>",
    "<span class=\"math math-inline hl-x evil\" onmouseover=\"x()\">s</span>",
    "<p><div>misnested</p></div>",
    "<a href=\"https://ok.example\"><a href=\"javascript:x\">nested</a></a>",
    "<form action=\"javascript:x\"><input type=\"checkbox\" checked onfocus=\"x()\"></form>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>x</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>x</script></template>",
    "<base href=\"javascript:x//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:x\">",
    "<link rel=stylesheet href=\"x.css\">",
    "[link](javascript:alert(1))",
    "[link](JAVASCRIPT:alert(1) \"t\")",
    "[link](java\tscript:alert(1))",
    "[link](&#x6A;avascript:alert(1))",
    "[link](<javascript:alert(1)>)",
    "![img](javascript:alert(1))",
    "![img](\"onerror=\"alert(1))",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "$x</span><script>alert(1)</script>$",
    "$$\n</span><img src=x onerror=alert(1)>\n$$",
    "$\\href{javascript:alert(1)}{x}$",
    "```html\n<script>alert(1)</script>\n```",
    "````\n```js\n</code></pre><script>x</script>\n```\n````",
    "~~~rust\nfn main() {}\n~~~",
    "`<script>`",
    "# 제목 <script>x</script> {#id .no_toc onclick=x}",
    "## Heading {#x\" onmouseover=\"y}",
    "| a | b |\n|:-|-:|\n| <script>x</script> | 1 |",
    "- [x] <img src=x onerror=y>",
    "[^1]\n\n[^1]: <a href=\"javascript:x\">fn</a>",
    "{: .notice onclick=\"x\"}",
    "> <iframe srcdoc=\"<script>x</script>\"></iframe>",
    "한글 문단입니다.",
    "\r\n",
    "\n\n",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<",
    ">",
    "\"",
    "'",
    "&",
    "`",
    "$",
    "*",
];

fn hostile_post() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => "[a-zA-Z가-힣0-9 <>\"'=/:;&#$`*_\\[\\]()!\n-]{0,24}",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|parts| parts.concat())
}

/// The tags of serialised HTML (every literal `<` starts one: text has `&lt;`), each as
/// its name and attributes, names lowercased, values as written between double quotes.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let attr_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            let attr = rest[..attr_end].to_ascii_lowercase();
            rest = &rest[attr_end..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let close = after.find('"').unwrap_or(after.len());
                value = after[..close].to_owned();
                rest = after.get(close + 1..).unwrap_or("");
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
    }
    out
}

/// An attribute value as a browser reads it: entities decoded, tabs and newlines gone,
/// leading spaces and control characters trimmed, lowercased.
fn as_browser_reads(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_start_matches(|c: char| c <= ' ')
        .to_ascii_lowercase()
}

/// The URL schemes a sanitised link or image may carry (ammonia's defaults that are
/// not scripts).
fn safe_url(value: &str) -> bool {
    let url = as_browser_reads(value);
    match url.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => [
            "http", "https", "mailto", "tel", "irc", "ircs", "ftp", "ftps", "xmpp", "sms",
        ]
        .contains(&scheme),
        _ => true,
    }
}

/// Why `html` is unsafe, or `None`.
fn unsafe_part(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<iframe", "<object", "<embed", "<style", "<base", "<meta",
    ] {
        if lower.contains(banned) {
            return Some(format!("contains {banned}"));
        }
    }
    for (name, attrs) in tags(html) {
        for (attr, value) in attrs {
            if attr.starts_with("on") {
                return Some(format!("<{name}> has the handler {attr}"));
            }
            if attr == "style" {
                let ok = matches!(name.as_str(), "th" | "td")
                    && value.split(';').map(str::trim).all(|decl| {
                        decl.is_empty()
                            || decl
                                .strip_prefix("text-align:")
                                .is_some_and(|v| v.trim().chars().all(|c| c.is_ascii_alphabetic()))
                    });
                if !ok {
                    return Some(format!("<{name}> has style=\"{value}\""));
                }
            }
            if matches!(
                attr.as_str(),
                "href" | "src" | "action" | "xlink:href" | "srcdoc"
            ) && !safe_url(&value)
            {
                return Some(format!("<{name}> has {attr}=\"{value}\""));
            }
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig {
        // `PROPTEST_CASES` runs longer (docs/operations.md, "Fuzzing").
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn rendered_html_is_safe_and_clean(post in hostile_post(), math in any::<bool>()) {
        let html = render_with(&post, &RenderOptions { math }).html;
        prop_assert_eq!(unsafe_part(&html), None, "html: {}", html);
        prop_assert_eq!(sanitize::clean(&html), html.clone());
    }

    #[test]
    fn any_text_renders_safely(post in any::<String>(), math in any::<bool>()) {
        let html = render_with(&post, &RenderOptions { math }).html;
        prop_assert_eq!(unsafe_part(&html), None, "html: {}", html);
    }
}

#[test]
fn the_checker_sees_what_it_must() {
    assert!(unsafe_part("<p><script>x</script></p>").is_some());
    assert!(unsafe_part("<img src=\"x\" onerror=\"y\">").is_some());
    assert!(unsafe_part("<a href=\" java\tscript:x\">a</a>").is_some());
    assert!(unsafe_part("<td style=\"color:red\">a</td>").is_some());
    assert!(unsafe_part("<div style=\"text-align:left\">a</div>").is_some());
    assert_eq!(
        unsafe_part(
            "<td style=\"text-align:right\">a</td><a href=\"https://x/?a=1&amp;b\">on=</a>"
        ),
        None
    );
}
