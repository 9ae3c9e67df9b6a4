//! Dates as blogs write them, keeping the UTC offset they were written with.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses `2022-01-01 17:30:00 +0900`, RFC 3339, `2022-01-01 17:30`, or a date alone.
/// A time without an offset is taken as UTC.
pub fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d);
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(t, fmt) {
            return Some(d);
        }
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(Utc.from_utc_datetime(&n).fixed_offset());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| Utc.from_utc_datetime(&n).fixed_offset())
}

/// The date at the start of a Jekyll post file name (`2021-07-04-title.md`).
pub fn date_from_file_name(name: &str) -> Option<DateTime<FixedOffset>> {
    let prefix = name.get(..10)?;
    if name.as_bytes().get(10).is_some_and(|&b| b != b'-') {
        return None;
    }
    parse_date(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_offsets() {
        let d = parse_date("2022-01-01 17:30:00 +0900").unwrap();
        assert_eq!(d.to_rfc3339(), "2022-01-01T17:30:00+09:00");
        assert_eq!(
            d.with_timezone(&Utc).to_rfc3339(),
            "2022-01-01T08:30:00+00:00"
        );
        assert_eq!(
            parse_date("2021-07-04T10:00:00-05:00")
                .unwrap()
                .to_rfc3339(),
            "2021-07-04T10:00:00-05:00"
        );
        assert_eq!(
            parse_date("2021-07-04").unwrap().to_rfc3339(),
            "2021-07-04T00:00:00+00:00"
        );
        assert_eq!(
            parse_date("2021-07-04 08:15").unwrap().to_rfc3339(),
            "2021-07-04T08:15:00+00:00"
        );
        assert!(parse_date("2021-02-30").is_none());
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn jekyll_file_names() {
        assert_eq!(
            date_from_file_name("2021-07-04-title.md")
                .unwrap()
                .to_rfc3339(),
            "2021-07-04T00:00:00+00:00"
        );
        assert!(date_from_file_name("title.md").is_none());
        assert!(date_from_file_name("2021-07-045.md").is_none());
    }
}
