//! `<img>` tags of media-library images in rendered HTML: given their size (no layout
//! shift), `loading="lazy"`, `decoding="async"` and a `srcset`. Works on the sanitiser's
//! output (attributes in double quotes); a tag that already has a `width` keeps its own
//! size, and other images are left alone.

use std::collections::HashMap;

/// What an image's tag gets.
#[derive(Debug, Clone)]
pub struct ImgInfo {
    pub width: i32,
    pub height: i32,
    pub srcset: Option<String>,
}

/// The SHA-256 of the media file a `src` names (`…/media/{sha256}/…`).
fn media_hash(src: &str) -> Option<&str> {
    let at = src.find("/media/")? + "/media/".len();
    let hash = src.get(at..at + 64)?;
    let valid = hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && src[at + 64..].starts_with('/');
    valid.then_some(hash)
}

/// Each `<img …>` tag: its byte range and its `src`.
fn images(html: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = html[from..].find("<img").map(|i| i + from) {
        let Some(end) = html[start..].find('>').map(|i| i + start + 1) else {
            break;
        };
        let tag = &html[start..end];
        if let Some(src) = attribute(tag, "src") {
            found.push((start..end, src));
        }
        from = end;
    }
    found
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(&tag[at..at + len])
}

/// The hashes of the media-library images `html` shows.
pub fn image_hashes(html: &str) -> Vec<String> {
    let mut hashes: Vec<String> = images(html)
        .into_iter()
        .filter_map(|(_, src)| media_hash(src).map(str::to_owned))
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

fn escape(v: &str) -> String {
    v.replace('&', "&amp;").replace('"', "&quot;")
}

/// `html` with the tags of the images in `info` (by hash) given their attributes.
pub fn enrich(html: &str, info: &HashMap<String, ImgInfo>) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut copied = 0;
    for (range, src) in images(html) {
        let Some(i) = media_hash(src).and_then(|h| info.get(h)) else {
            continue;
        };
        let tag = &html[range.clone()];
        let close = if tag.ends_with("/>") {
            range.end - 2
        } else {
            range.end - 1
        };
        out.push_str(&html[copied..close]);
        let body = out.trim_end().len();
        out.truncate(body);
        if attribute(tag, "width").is_none() && attribute(tag, "height").is_none() {
            out.push_str(&format!(" width=\"{}\" height=\"{}\"", i.width, i.height));
        }
        if attribute(tag, "loading").is_none() {
            out.push_str(" loading=\"lazy\"");
        }
        if attribute(tag, "decoding").is_none() {
            out.push_str(" decoding=\"async\"");
        }
        if let Some(srcset) = i
            .srcset
            .as_deref()
            .filter(|_| attribute(tag, "srcset").is_none())
        {
            out.push_str(&format!(" srcset=\"{}\"", escape(srcset)));
        }
        out.push_str(&html[close..range.end]);
        copied = range.end;
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_images_get_their_attributes() {
        let h = "ab".repeat(32);
        let html = format!(
            "<p><img src=\"/media/{h}/%EC%82%AC.png\" alt=\"사진\"> <img src=\"https://elsewhere/x.png\" alt=\"\"></p>"
        );
        assert_eq!(image_hashes(&html), vec![h.clone()]);
        let info = HashMap::from([(
            h.clone(),
            ImgInfo {
                width: 800,
                height: 600,
                srcset: Some(format!(
                    "/media/{h}/320.png/a.png 320w, /media/{h}/a.png 800w"
                )),
            },
        )]);
        assert_eq!(
            enrich(&html, &info),
            format!(
                "<p><img src=\"/media/{h}/%EC%82%AC.png\" alt=\"사진\" width=\"800\" height=\"600\" \
                 loading=\"lazy\" decoding=\"async\" srcset=\"/media/{h}/320.png/a.png 320w, \
                 /media/{h}/a.png 800w\"> <img src=\"https://elsewhere/x.png\" alt=\"\"></p>"
            )
        );
        let own = format!("<img src=\"/media/{h}/a.png\" width=\"10\" />");
        let info = HashMap::from([(
            h.clone(),
            ImgInfo {
                width: 1,
                height: 2,
                srcset: None,
            },
        )]);
        assert_eq!(
            enrich(&own, &info),
            format!(
                "<img src=\"/media/{h}/a.png\" width=\"10\" loading=\"lazy\" decoding=\"async\"/>"
            )
        );
        assert_eq!(
            enrich("<img src=\"/media/nothex/a.png\">", &info),
            "<img src=\"/media/nothex/a.png\">"
        );
    }
}
