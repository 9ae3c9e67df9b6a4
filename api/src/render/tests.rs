//! Table-driven tests of the whole rendering pipeline.

use super::*;

#[test]
fn korean_headings_get_stable_unique_anchors_and_a_toc() {
    let r = render("# 소개\n\n## 무엇을 했지?\n\n본문\n\n## 무엇을 했지?\n\n### Python & Go\n");
    let anchors: Vec<_> = r.toc.iter().map(|t| t.anchor.as_str()).collect();
    assert_eq!(
        anchors,
        ["소개", "무엇을-했지", "무엇을-했지-1", "python-go"]
    );
    let levels: Vec<_> = r.toc.iter().map(|t| t.level).collect();
    assert_eq!(levels, [1, 2, 2, 3]);
    assert_eq!(r.toc[1].text, "무엇을 했지?");
    assert!(
        r.html.contains(r#"<h2 id="무엇을-했지">무엇을 했지?</h2>"#),
        "{}",
        r.html
    );
    assert!(r.html.contains(r#"<h2 id="무엇을-했지-1">"#));
}

#[test]
fn kramdown_toc_residue_never_reaches_html() {
    let md = "## 목차\n{: .no_toc .text-delta }\n\n- TOC\n{:toc}\n\n---\n\n## 본문 제목\n내용입니다.\n\n### 숨김 {: .no_toc}\n";
    let r = render(md);
    for residue in ["{:", "TOC", "no_toc", "text-delta", "목차", "quire-no-toc"] {
        assert!(!r.html.contains(residue), "{residue} in {}", r.html);
    }
    let texts: Vec<_> = r.toc.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, ["본문 제목"]);
    assert!(r.html.contains(r#"<h3 id="숨김">숨김</h3>"#), "{}", r.html);
}

#[test]
fn residue_inside_code_blocks_is_kept() {
    let r = render("```\n{:toc}\n- TOC\n```\n");
    assert!(r.html.contains("{:toc}"));
}

#[test]
fn html_is_sanitised() {
    let md = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))\n\n<a href=\"javascript:evil()\">x</a> <div onclick=\"x()\">d</div>\n";
    let r = render(md);
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "alert(1)</script",
    ] {
        assert!(!r.html.contains(bad), "{bad} in {}", r.html);
    }
    assert!(r.html.contains("<img src=\"x\">"), "{}", r.html);
}

#[test]
fn extensions_render() {
    let md = "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n- [ ] todo\n\nnote[^1]\n\n[^1]: 각주\n";
    let r = render(md);
    assert!(r.html.contains("<table>"), "{}", r.html);
    assert!(r.html.contains("<del>old</del>"));
    assert!(
        r.html
            .contains(r#"<input type="checkbox" disabled="" checked="">"#)
            || r.html.contains("checked"),
        "{}",
        r.html
    );
    assert!(r.html.contains("footnote-definition"), "{}", r.html);
    assert!(r.html.contains("text-align"), "{}", r.html);
}

#[test]
fn excerpt_comes_from_the_first_paragraph_as_plain_text() {
    let r = render(
        "# 제목\n\n첫 **문단**은 `코드`와\n[링크](https://example.com)를 담는다.\n\n둘째 문단.\n",
    );
    assert_eq!(r.excerpt, "첫 문단은 코드와 링크를 담는다.");
}

#[test]
fn excerpt_is_cut_to_200_characters() {
    let r = render(&format!("{}\n", "한글".repeat(300)));
    assert_eq!(r.excerpt.chars().count(), EXCERPT_MAX_CHARS);
    assert!(r.excerpt.ends_with('…'));
}

#[test]
fn reading_stats_count_korean_words() {
    let body = "오늘은 도커를 배웠다. ".repeat(100); // 300 words
    let r = render(&body);
    assert_eq!(r.word_count, 300);
    assert_eq!(r.reading_time_minutes, 2);
}

const MATH: RenderOptions = RenderOptions { math: true };

#[test]
fn dollars_are_math_only_when_asked() {
    // (markdown, math?, must contain, must not contain)
    let cases: &[(&str, bool, &[&str], &[&str])] = &[
        (
            "It costs $5 and $10.",
            false,
            &["It costs $5 and $10."],
            &["math"],
        ),
        (
            "It costs $5 and $10.",
            true,
            &["It costs $5 and $10."],
            &["math"],
        ),
        (
            "Euler: $e^{i\\pi} + 1 = 0$.",
            false,
            &["$e^{i\\pi} + 1 = 0$"],
            &["math"],
        ),
        (
            "Euler: $e^{i\\pi} + 1 = 0$.",
            true,
            &[r#"<span class="math math-inline">\(e^{i\pi} + 1 = 0\)</span>"#],
            &["$"],
        ),
        (
            "$$\n\\sum_{i=1}^{n} a_i < b_i \\;\\&\\; c\n$$\n",
            true,
            &[r#"<span class="math math-display">\[
\sum_{i=1}^{n} a_i &lt; b_i \;\&amp;\; c
\]</span>"#],
            &["$$", "<em>"],
        ),
        (
            "$a_1 * b_2 * c$",
            true,
            &[r#"\(a_1 * b_2 * c\)"#],
            &["<em>"],
        ),
        (
            "`$x$` and\n\n```\n$y$\n```\n",
            true,
            &["<code>$x$</code>", "<pre><code>$y$\n</code></pre>"],
            &["math"],
        ),
    ];
    for (md, math, want, unwanted) in cases {
        let r = render_with(md, &RenderOptions { math: *math });
        for w in *want {
            assert!(
                r.html.contains(w),
                "{md:?} (math {math}): {w} not in {}",
                r.html
            );
        }
        for u in *unwanted {
            assert!(
                !r.html.contains(u),
                "{md:?} (math {math}): {u} in {}",
                r.html
            );
        }
    }
}

#[test]
fn tex_stays_in_the_excerpt_and_reading_stays_sane() {
    let md =
        "The area is $\\pi r^2$ for a circle.\n\n$$\n\\int_0^1 x^2 \\, dx = \\frac{1}{3}\n$$\n";
    let r = render_with(md, &MATH);
    assert_eq!(r.excerpt, "The area is \\pi r^2 for a circle.");
    assert!(r.word_count < 20, "{}", r.word_count);
    assert_eq!(r.reading_time_minutes, 1);
    let long = format!("{}\n", "$x_1 + x_2 = y$ ".repeat(2_000));
    assert!(render_with(&long, &MATH).reading_time_minutes <= render(&long).reading_time_minutes);
}

#[test]
fn fenced_code_is_highlighted_with_classes_and_keeps_its_language() {
    let cases = [
        ("rust", "fn main() {\n    println!(\"<hi> & bye\");\n}"),
        ("python", "def f(x):\n    return x < 1"),
        ("bash", "for f in *.md; do echo \"$f\"; done"),
    ];
    for (lang, code) in cases {
        let md = format!("```{lang}\n{code}\n```\n");
        for opts in [RenderOptions::default(), MATH] {
            let html = render_with(&md, &opts).html;
            let open = format!(r#"<pre><code class="language-{lang}"><span class="hl-"#);
            assert!(html.contains(&open), "{lang}: {html}");
            assert!(!html.contains("style="), "{lang}: {html}");
            assert!(!html.contains("math"), "{lang}: {html}");
            assert!(html.ends_with("</code></pre>\n"), "{lang}: {html}");
        }
    }
    let html = render("```rust\nlet s = \"<b>\" && x;\n```\n").html;
    assert!(html.contains("&lt;b&gt;"), "{html}");
    assert_eq!(html.matches("&amp;").count(), 2, "{html}");
    assert!(!html.contains("<b>"), "{html}");
}

#[test]
fn other_code_blocks_are_not_highlighted() {
    let cases = [
        (
            "```klingon\nqapla' <x>\n```\n",
            "<pre><code class=\"language-klingon\">qapla' &lt;x&gt;\n</code></pre>\n",
        ),
        (
            "```mermaid\ngraph TD; A-->B\n```\n",
            "<pre><code class=\"language-mermaid\">graph TD; A--&gt;B\n</code></pre>\n",
        ),
        ("```\nplain\n```\n", "<pre><code>plain\n</code></pre>\n"),
        ("    indented\n", "<pre><code>indented\n</code></pre>\n"),
    ];
    for (md, want) in cases {
        assert_eq!(render(md).html, want, "{md}");
    }
}

#[test]
fn raw_html_cannot_use_classes_beyond_ours() {
    let md = "<span class=\"x hl-keyword\" onclick=\"steal()\">a</span> <span class=\"math math-inline\" onmouseover=\"x()\">b</span> <code class=\"language-js modal\">c</code>\n";
    for opts in [RenderOptions::default(), MATH] {
        let html = render_with(md, &opts).html;
        for bad in ["onclick", "onmouseover", "steal", "\"x ", "modal"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(
            html.contains(r#"<span class="hl-keyword">a</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<code class="language-js">c</code>"#),
            "{html}"
        );
    }
}
