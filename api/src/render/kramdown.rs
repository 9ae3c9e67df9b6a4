//! Removes Jekyll/kramdown residue that means nothing to CommonMark: inline attribute
//! lists such as `{: .no_toc .text-delta }`, the `{:toc}` marker and the `- TOC` line
//! above it. A heading marked `.no_toc` is kept out of the TOC; a `.no_toc` heading
//! whose only content was the TOC marker (just-the-docs' "Table of contents") is dropped.

/// Class given to headings that must stay out of the TOC (consumed by the renderer).
pub const NO_TOC_CLASS: &str = "quire-no-toc";

fn is_ial(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("{:") && t.ends_with('}')
}

fn is_toc_marker(line: &str) -> bool {
    matches!(line.trim(), "{:toc}" | "{: toc}" | "{:toc }" | "{:.toc}")
}

fn is_toc_item(line: &str) -> bool {
    matches!(line.trim(), "- TOC" | "* TOC" | "+ TOC" | "1. TOC")
}

fn is_atx_heading(line: &str) -> bool {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t'])
}

/// Strips a trailing `{: …}` from a heading line; returns the line and whether it had
/// `no_toc`.
fn strip_trailing_ial(line: &str) -> (String, bool) {
    if let Some(start) = line.rfind("{:") {
        let tail = line[start..].trim_end();
        if tail.ends_with('}') && !tail[..tail.len() - 1].contains('}') {
            return (line[..start].trim_end().to_owned(), tail.contains("no_toc"));
        }
    }
    (line.to_owned(), false)
}

fn last_non_blank(out: &[String]) -> Option<usize> {
    out.iter().rposition(|l| !l.trim().is_empty())
}

fn mark_no_toc(line: &mut String) {
    line.push_str(" {.");
    line.push_str(NO_TOC_CLASS);
    line.push('}');
}

pub fn strip_residue(markdown: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str()) {
                fence = None;
            }
            out.push(line.to_owned());
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(trimmed.chars().take(3).collect());
            out.push(line.to_owned());
            continue;
        }
        if is_toc_marker(line) {
            if let Some(i) = last_non_blank(&out).filter(|&i| is_toc_item(&out[i])) {
                out.truncate(i);
            }
            if let Some(i) =
                last_non_blank(&out).filter(|&i| out[i].ends_with(&format!("{{.{NO_TOC_CLASS}}}")))
            {
                out.truncate(i);
            }
            continue;
        }
        if is_ial(line) {
            if line.contains("no_toc")
                && let Some(i) = last_non_blank(&out).filter(|&i| is_atx_heading(&out[i]))
            {
                mark_no_toc(&mut out[i]);
            }
            continue;
        }
        if is_atx_heading(line) {
            let (mut heading, no_toc) = strip_trailing_ial(line);
            if no_toc {
                mark_no_toc(&mut heading);
            }
            out.push(heading);
            continue;
        }
        out.push(line.to_owned());
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}
