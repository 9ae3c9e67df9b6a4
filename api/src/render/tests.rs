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
