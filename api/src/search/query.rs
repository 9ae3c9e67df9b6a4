//! A reader's query as terms. Each word is one term; each CJK run is one term made of
//! its bigrams (a single character stands for itself), all of which a post must contain
//! for the term to match. A post matches when it matches any term; posts matching more
//! terms rank first. Tokens are letters and digits only, so FTS syntax in a query
//! (`"`, `*`, `(`, `NEAR`, `-`, `:`) is searched as text and can never act as an operator.

use super::tokenize::{Run, normalize, runs};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// The most terms a query may hold.
pub const MAX_TERMS: usize = 32;

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("must contain something to search for")]
    Empty,
    #[error("must be at most {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("must have at most {MAX_TERMS} words")]
    TooManyTerms,
}

/// A parsed query: its terms, each a set of tokens a post must all contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub terms: Vec<Vec<String>>,
}

impl SearchQuery {
    /// Parses `raw`. A query of only punctuation is valid and has no terms.
    pub fn parse(raw: &str) -> Result<Self, QueryError> {
        if raw.trim().is_empty() {
            return Err(QueryError::Empty);
        }
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut terms: Vec<Vec<String>> = Vec::new();
        for run in runs(&normalize(raw)) {
            let term = match run {
                Run::Word(t) => vec![t.text],
                Run::Cjk(chars) if chars.len() == 1 => chars.into_iter().map(|c| c.text).collect(),
                Run::Cjk(chars) => {
                    let mut bigrams: Vec<String> = chars
                        .windows(2)
                        .map(|w| format!("{}{}", w[0].text, w[1].text))
                        .collect();
                    let mut seen = std::collections::HashSet::new();
                    bigrams.retain(|b| seen.insert(b.clone()));
                    bigrams
                }
            };
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        if terms.len() > MAX_TERMS {
            return Err(QueryError::TooManyTerms);
        }
        Ok(Self { terms })
    }

    /// Every token of every term, in order, repeats kept (one FTS5 phrase each).
    pub fn phrases(&self) -> Vec<&str> {
        self.terms.iter().flatten().map(String::as_str).collect()
    }

    /// The distinct tokens, for highlighting.
    pub fn token_set(&self) -> std::collections::HashSet<&str> {
        self.phrases().into_iter().collect()
    }
}

/// `"a"` — a token as an FTS5 string (tokens never hold quotes; doubled anyway).
fn fts5_quote(token: &str) -> String {
    format!("\"{}\"", token.replace('"', "\"\""))
}

/// `'a'` — a token as a tsquery operand (tokens never hold quotes; escaped anyway).
fn tsquery_quote(token: &str) -> String {
    format!("'{}'", token.replace('\\', "\\\\").replace('\'', "''"))
}

/// FTS5: every token, any of them (`"a" OR "b"`), so `bm25()` scores each token.
pub fn fts5_any_token(q: &SearchQuery) -> String {
    q.phrases()
        .into_iter()
        .map(fts5_quote)
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// FTS5: all tokens of one term (`"a" AND "b"`), optionally within one column.
pub fn fts5_term(term: &[String], column: Option<&str>) -> String {
    let all = term
        .iter()
        .map(|t| fts5_quote(t))
        .collect::<Vec<_>>()
        .join(" AND ");
    match column {
        Some(c) => format!("{c} : ({all})"),
        None => format!("({all})"),
    }
}

/// FTS5: any term (`("a" AND "b") OR ("c")`).
pub fn fts5_any_term(q: &SearchQuery) -> String {
    q.terms
        .iter()
        .map(|t| fts5_term(t, None))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// FTS5: every term (`("a" AND "b") AND ("c")`), optionally within one column.
pub fn fts5_all_terms(q: &SearchQuery, column: Option<&str>) -> String {
    q.terms
        .iter()
        .map(|t| fts5_term(t, column))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// FTS5: any term within one column (`c : ("a" AND "b") OR c : ("c")`).
pub fn fts5_any_term_in(q: &SearchQuery, column: &str) -> String {
    q.terms
        .iter()
        .map(|t| fts5_term(t, Some(column)))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// tsquery: all tokens of one term (`'a' & 'b'`).
pub fn tsquery_term(term: &[String]) -> String {
    term.iter()
        .map(|t| tsquery_quote(t))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// tsquery: any term (`('a' & 'b') | ('c')`).
pub fn tsquery_any_term(q: &SearchQuery) -> String {
    q.terms
        .iter()
        .map(|t| format!("({})", tsquery_term(t)))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// tsquery: every term (`('a' & 'b') & ('c')`).
pub fn tsquery_all_terms(q: &SearchQuery) -> String {
    q.terms
        .iter()
        .map(|t| format!("({})", tsquery_term(t)))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// tsquery of a single token.
pub fn tsquery_token(token: &str) -> String {
    tsquery_quote(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(q: &str) -> Vec<Vec<String>> {
        SearchQuery::parse(q).unwrap().terms
    }

    #[test]
    fn words_and_runs_become_terms() {
        assert_eq!(terms("회고"), vec![vec!["회고"]]);
        assert_eq!(terms("퇴"), vec![vec!["퇴"]]);
        assert_eq!(terms("Docker 배포"), vec![vec!["docker"], vec!["배포"]]);
        assert_eq!(
            terms("MLOps 엔지니어"),
            vec![vec!["mlops"], vec!["엔지", "지니", "니어"]]
        );
        assert_eq!(terms("docker DOCKER Docker"), vec![vec!["docker"]]);
        assert_eq!(terms("하하하"), vec![vec!["하하"]]);
    }

    #[test]
    fn syntax_is_text() {
        assert_eq!(
            terms("\"NEAR(a b)\" -c* AND x:y ^z OR"),
            vec![
                vec!["near"],
                vec!["a"],
                vec!["b"],
                vec!["c"],
                vec!["and"],
                vec!["x"],
                vec!["y"],
                vec!["z"],
                vec!["or"],
            ]
        );
        assert!(terms("\"*()-:^").is_empty());
        let q = SearchQuery::parse("a\"b 'c").unwrap();
        assert_eq!(fts5_any_term(&q), "(\"a\") OR (\"b\") OR (\"c\")");
        assert_eq!(tsquery_any_term(&q), "('a') | ('b') | ('c')");
    }

    #[test]
    fn bad_queries_are_refused() {
        assert_eq!(SearchQuery::parse(""), Err(QueryError::Empty));
        assert_eq!(SearchQuery::parse(" \t\n"), Err(QueryError::Empty));
        assert_eq!(
            SearchQuery::parse(&"가".repeat(300)),
            Err(QueryError::TooLong)
        );
        let many = (0..40)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(SearchQuery::parse(&many), Err(QueryError::TooManyTerms));
    }

    #[test]
    fn expressions() {
        let q = SearchQuery::parse("MLOps 엔지니어").unwrap();
        assert_eq!(
            fts5_any_token(&q),
            "\"mlops\" OR \"엔지\" OR \"지니\" OR \"니어\""
        );
        assert_eq!(
            fts5_term(&q.terms[1], Some("title")),
            "title : (\"엔지\" AND \"지니\" AND \"니어\")"
        );
        assert_eq!(
            tsquery_any_term(&q),
            "('mlops') | ('엔지' & '지니' & '니어')"
        );
        assert_eq!(
            fts5_all_terms(&q, Some("title")),
            "title : (\"mlops\") AND title : (\"엔지\" AND \"지니\" AND \"니어\")"
        );
        assert_eq!(
            fts5_any_term_in(&q, "title"),
            "title : (\"mlops\") OR title : (\"엔지\" AND \"지니\" AND \"니어\")"
        );
        assert_eq!(fts5_all_terms(&q, None), "(\"mlops\") AND (\"엔지\" AND \"지니\" AND \"니어\")");
        assert_eq!(
            tsquery_all_terms(&q),
            "('mlops') & ('엔지' & '지니' & '니어')"
        );
    }
}
