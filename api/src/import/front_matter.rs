//! Splits YAML (`---`) or TOML (`+++`) front matter from the body and turns it into a
//! JSON object, reporting errors with the file line they are on.

use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

use super::error::ParseError;

/// Front matter as a JSON object (empty when the file has none) and the body after it.
pub struct Split<'a> {
    pub data: Map<String, Value>,
    pub body: &'a str,
}

pub fn split(text: &str) -> Result<Split<'_>, ParseError> {
    let delimiter = match text.lines().next().map(str::trim_end) {
        Some("---") => "---",
        Some("+++") => "+++",
        _ => {
            return Ok(Split {
                data: Map::new(),
                body: text,
            });
        }
    };
    let after_open = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = after_open;
    for line in text[after_open..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == delimiter || (delimiter == "---" && t == "...") {
            let raw = &text[after_open..offset];
            let data = if delimiter == "---" {
                parse_yaml(raw)?
            } else {
                parse_toml(raw)?
            };
            let body_start = offset + line.len();
            return Ok(Split {
                data,
                body: &text[body_start..],
            });
        }
        offset += line.len();
    }
    Err(ParseError::new(
        Some(1),
        format!("front matter opened with `{delimiter}` on line 1 is never closed"),
    ))
}

/// Front matter starts on file line 2.
const FIRST_LINE: usize = 2;

fn parse_yaml(raw: &str) -> Result<Map<String, Value>, ParseError> {
    let docs = YamlLoader::load_from_str(raw).map_err(|e| {
        ParseError::new(
            Some(FIRST_LINE + e.marker().line().saturating_sub(1)),
            format!("invalid YAML front matter: {}", e.info()),
        )
    })?;
    match docs.into_iter().next() {
        None | Some(Yaml::Null) => Ok(Map::new()),
        Some(Yaml::Hash(h)) => match yaml_to_json(Yaml::Hash(h)) {
            Value::Object(m) => Ok(m),
            _ => Ok(Map::new()),
        },
        Some(_) => Err(ParseError::new(
            Some(FIRST_LINE),
            "front matter must be a mapping of `key: value` lines",
        )),
    }
}

fn yaml_to_json(y: Yaml) -> Value {
    match y {
        Yaml::Real(s) => s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(s), Value::Number),
        Yaml::Integer(i) => Value::from(i),
        Yaml::String(s) => Value::String(s),
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Array(a) => Value::Array(a.into_iter().map(yaml_to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.into_iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v)))
                .collect(),
        ),
        Yaml::Null | Yaml::BadValue | Yaml::Alias(_) => Value::Null,
    }
}

fn yaml_key(k: Yaml) -> String {
    match k {
        Yaml::String(s) | Yaml::Real(s) => s,
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn parse_toml(raw: &str) -> Result<Map<String, Value>, ParseError> {
    let table: toml::Table = raw.parse().map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| FIRST_LINE + raw[..s.start.min(raw.len())].matches('\n').count());
        ParseError::new(line, format!("invalid TOML front matter: {}", e.message()))
    })?;
    match toml_to_json(toml::Value::Table(table)) {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_with_space_before_colon_and_flow_lists() {
        let s = split("---\ntitle: 첫 글\ngrand_parent : Writes\ncategories: [ETC, Retrospective]\npin: false\n---\n본문\n").unwrap();
        assert_eq!(s.data["title"], "첫 글");
        assert_eq!(s.data["grand_parent"], "Writes");
        assert_eq!(
            s.data["categories"],
            serde_json::json!(["ETC", "Retrospective"])
        );
        assert_eq!(s.data["pin"], false);
        assert_eq!(s.body, "본문\n");
    }

    #[test]
    fn toml_front_matter() {
        let s = split("+++\ntitle = \"휴고\"\ndate = 2023-05-01T09:00:00+09:00\ntags = [\"a\", \"b\"]\n+++\nbody").unwrap();
        assert_eq!(s.data["title"], "휴고");
        assert_eq!(s.data["date"], "2023-05-01T09:00:00+09:00");
        assert_eq!(s.data["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(s.body, "body");
    }

    #[test]
    fn no_front_matter() {
        let s = split("# 제목\n본문").unwrap();
        assert!(s.data.is_empty());
        assert_eq!(s.body, "# 제목\n본문");
    }

    #[test]
    fn unterminated_front_matter_names_line_1() {
        let e = split("---\ntitle: x\nbody\n").err().unwrap();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn invalid_yaml_names_its_line() {
        let e = split("---\ntitle: ok\ntags: [a, b\nother: 1\n---\n")
            .err()
            .unwrap();
        assert!(e.line.is_some_and(|l| (3..=5).contains(&l)), "{e:?}");
        assert!(e.message.contains("invalid YAML"));
    }

    #[test]
    fn invalid_toml_names_its_line() {
        let e = split("+++\ntitle = \"ok\"\ndate = \n+++\n").err().unwrap();
        assert_eq!(e.line, Some(3), "{e:?}");
    }
}
