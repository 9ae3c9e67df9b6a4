//! Finding a post's title when the front matter has none: the first `#` heading (taken
//! out of the body so it is not shown twice), a saved web page's header (`Home <title>`
//! breadcrumb, `Post`, `Cancel`, the title again: the header goes, the title stays), or
//! the first non-empty line.

/// Takes the first `# ` heading out of the body and returns its text and the rest.
pub fn take_first_h1(body: &str) -> Option<(String, String)> {
    let mut in_fence = false;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence && let Some(title) = t.strip_prefix("# ") {
            let title = title.trim().trim_end_matches('#').trim().to_owned();
            if !title.is_empty() {
                let rest = format!("{}{}", &body[..offset], &body[offset + line.len()..]);
                return Some((title, rest.trim_start_matches('\n').to_owned()));
            }
        }
        offset += line.len();
    }
    None
}

/// Lines a saved blog page carries between its breadcrumb and its title (the search box
/// of Jekyll themes such as Chirpy).
const PAGE_CHROME: [&str; 4] = ["Post", "Posts", "Cancel", "Search"];

/// How many lines after the breadcrumb the repeated title may appear.
const HEADER_LINES: usize = 8;

/// A saved web page: the first line is `Home <title>` and the title follows on a line of
/// its own after only page chrome. Returns the title and the body after it.
pub fn take_page_header(body: &str) -> Option<(String, String)> {
    let mut lines = body.split_inclusive('\n');
    let mut offset = 0;
    let first = loop {
        let line = lines.next()?;
        offset += line.len();
        if !line.trim().is_empty() {
            break line.trim();
        }
    };
    let title = first.strip_prefix("Home ")?.trim();
    if title.is_empty() {
        return None;
    }
    for line in lines.take(HEADER_LINES) {
        offset += line.len();
        let t = line.trim();
        if t == title {
            return Some((
                title.to_owned(),
                body[offset..].trim_start_matches(['\n', '\r']).to_owned(),
            ));
        }
        if !t.is_empty() && !PAGE_CHROME.contains(&t) {
            return None;
        }
    }
    None
}

/// The first non-empty line, trimmed.
pub fn first_line(body: &str) -> Option<String> {
    body.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_heading_is_taken_out_but_not_inside_code() {
        let (t, rest) = take_first_h1("```\n# comment\n```\n\n# 진짜 제목 #\n본문\n").unwrap();
        assert_eq!(t, "진짜 제목");
        assert_eq!(rest, "```\n# comment\n```\n\n본문\n");
        assert!(take_first_h1("## 둘째 수준\n본문").is_none());
    }

    #[test]
    fn saved_page_header_is_removed() {
        let page =
            "Home 여름 캠프 회고 [마무리]\nPost\nCancel\n\n여름 캠프 회고 [마무리]\n\n본문 첫 줄\n";
        let (t, rest) = take_page_header(page).unwrap();
        assert_eq!(t, "여름 캠프 회고 [마무리]");
        assert_eq!(rest, "본문 첫 줄\n");
    }

    #[test]
    fn a_line_starting_with_home_is_not_always_a_header() {
        assert!(take_page_header("Home sweet home\n오늘은 집에 있었다.\n").is_none());
        assert!(take_page_header("Home \nPost\n").is_none());
        assert!(take_page_header("Homework\n").is_none());
    }

    #[test]
    fn first_non_empty_line() {
        assert_eq!(first_line("\n  \n  첫 줄 \n둘째").as_deref(), Some("첫 줄"));
        assert_eq!(first_line(" \n"), None);
    }
}
