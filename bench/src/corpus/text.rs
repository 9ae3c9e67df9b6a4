//! Deterministic blog text: Korean and English paragraphs, titles and names, made from
//! small word lists by a seeded generator, so every run writes the same corpus.

/// Korean words (with their particles) that a developer's blog post is made of.
pub const KO: &[&str] = &[
    "오늘은",
    "배포",
    "파이프라인을",
    "정리하면서",
    "느낀",
    "점을",
    "적어",
    "본다",
    "컨테이너",
    "환경에서",
    "모델을",
    "서빙하는",
    "일은",
    "생각보다",
    "손이",
    "많이",
    "간다",
    "그래도",
    "팀원들과",
    "함께",
    "문제를",
    "하나씩",
    "풀어",
    "나가는",
    "과정이",
    "즐거웠다",
    "다음",
    "분기에는",
    "테스트를",
    "늘리고",
];

/// English words of the same kind of post.
pub const EN: &[&str] = &[
    "today",
    "the",
    "deployment",
    "pipeline",
    "was",
    "rebuilt",
    "from",
    "scratch",
    "and",
    "every",
    "container",
    "now",
    "starts",
    "in",
    "seconds",
    "we",
    "measured",
    "latency",
    "before",
    "after",
    "moving",
    "to",
    "a",
    "smaller",
    "image",
    "which",
    "made",
    "reviews",
    "much",
    "easier",
];

/// Topics tag and series names are made from, half Korean.
pub const TOPICS: &[&str] = &[
    "rust",
    "회고",
    "docker",
    "배포",
    "ml",
    "데이터",
    "blog",
    "일상",
    "book",
    "테스트",
    "kubernetes",
    "독서",
    "postgres",
    "여행",
    "graphql",
    "운동",
];

/// xorshift64: a small deterministic generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn step(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_003) as usize
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.step() % n.max(1)
    }
}

/// Words from `words` until the text is at least `bytes` long, with sentence ends.
pub fn paragraph(rng: &mut Rng, words: &[&str], bytes: usize) -> String {
    let mut p = String::with_capacity(bytes + 32);
    while p.len() < bytes {
        p.push_str(words[rng.below(words.len())]);
        p.push(if rng.below(12) == 0 { '.' } else { ' ' });
        if p.ends_with('.') {
            p.push(' ');
        }
    }
    p.trim_end().to_owned()
}

/// The title of post `i`; unique per `i`, Korean for even `i`.
pub fn title(i: usize) -> String {
    if i.is_multiple_of(2) {
        format!("{i}번째 글: 배포 일지")
    } else {
        format!("Post number {i}: deployment notes")
    }
}

/// A Markdown body of `sections` sections of about `section_bytes` each, with a list
/// and a code block; Korean for even `i`.
pub fn body(rng: &mut Rng, i: usize, sections: usize, section_bytes: usize) -> String {
    let korean = i.is_multiple_of(2);
    let words = if korean { KO } else { EN };
    let mut body = String::with_capacity(sections * (section_bytes + 40) + 64);
    for s in 0..sections {
        body.push_str(&format!(
            "## {} {s}\n\n",
            if korean { "절" } else { "Section" }
        ));
        body.push_str(&paragraph(rng, words, section_bytes));
        body.push_str("\n\n");
    }
    body.push_str("- 하나\n- two\n\n```rust\nfn main() {}\n```\n");
    body
}
