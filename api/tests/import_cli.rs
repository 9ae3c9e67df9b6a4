//! `quire import` and `quire export` as a person runs them: exit codes, the summary
//! naming each failed file with its line, a dry run that leaves the database as it was,
//! and the message when there is no author to import as.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/blog");

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> Dir {
    let dir = std::env::temp_dir().join(format!(
        "quire-import-cli-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    Dir(dir)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// `quire --data-dir DATA ARGS…`
fn quire(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quire"))
        .env_remove("DATABASE_URL")
        .env_remove("QUIRE_DATA_DIR")
        .env("RUST_LOG", "warn")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn failed_files_are_named_with_their_line_and_the_exit_code_is_1() {
    let (data, blog) = (temp_dir(), temp_dir());
    copy(Path::new(FIXTURES), &blog.0);
    std::fs::write(
        blog.0.join("broken/picture.md"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    let out = quire(
        &data.0,
        &["import", blog.0.to_str().unwrap(), "--author", "me"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Created the author `me`"), "{text}");
    assert!(
        text.contains("9 imported, 0 updated, 0 unchanged, 5 failed (14 files)"),
        "{text}"
    );
    assert!(
        text.contains("broken/impossible-date.md:3: `date: 2021-02-30` is not a date"),
        "{text}"
    );
    assert!(
        text.contains("broken/invalid-toml.md:3: invalid TOML front matter"),
        "{text}"
    );
    assert!(
        text.contains(
            "broken/unterminated.md:1: front matter opened with `---` on line 1 is never closed"
        ),
        "{text}"
    );
    assert!(
        text.contains("broken/picture.md: the file looks binary"),
        "{text}"
    );
    assert!(
        text.contains("No date in the file, dated by its modification time:"),
        "{text}"
    );

    // The good files went in whole: a second run finds them unchanged.
    let again = quire(&data.0, &["import", blog.0.to_str().unwrap()]);
    assert!(
        stdout(&again).contains("0 imported, 0 updated, 9 unchanged, 5 failed"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_dry_run_leaves_the_database_as_it_was() {
    let (data, blog) = (temp_dir(), temp_dir());
    copy(&Path::new(FIXTURES).join("chirpy"), &blog.0.join("chirpy"));
    copy(&Path::new(FIXTURES).join("hugo"), &blog.0.join("hugo"));
    let path = blog.0.to_str().unwrap();

    // On a database that does not exist yet.
    let dry = quire(&data.0, &["import", path, "--dry-run", "--author", "me"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stdout(&dry));
    assert!(stdout(&dry).contains("would import  "), "{}", stdout(&dry));
    assert!(
        stdout(&dry).contains("Dry run, nothing was written: would be 4 imported"),
        "{}",
        stdout(&dry)
    );

    let real = quire(
        &data.0,
        &["import", path, "--author", "me", "--status", "draft"],
    );
    assert_eq!(real.status.code(), Some(0), "{}", stdout(&real));
    assert!(
        stdout(&real).contains("4 imported, 0 updated, 0 unchanged, 0 failed"),
        "{}",
        stdout(&real)
    );

    std::fs::write(blog.0.join("new.md"), "# 새 글\n\n본문\n").unwrap();
    for _ in 0..2 {
        let dry = quire(&data.0, &["import", path, "--dry-run", "--status", "draft"]);
        let text = stdout(&dry);
        assert!(
            text.contains("would import  ") && text.contains("new.md → 새-글"),
            "{text}"
        );
        assert!(
            text.contains("would be 1 imported, 0 updated, 4 unchanged, 0 failed"),
            "{text}"
        );
    }
    let real = quire(&data.0, &["import", path, "--status", "draft"]);
    assert!(
        stdout(&real).contains("1 imported, 0 updated, 4 unchanged"),
        "{}",
        stdout(&real)
    );
    // Publishing them is an update.
    let published = quire(&data.0, &["import", path]);
    assert!(
        stdout(&published).contains("0 imported, 4 updated, 1 unchanged"),
        "{}",
        stdout(&published)
    );
}

#[test]
fn without_users_an_author_must_be_named() {
    let (data, blog) = (temp_dir(), temp_dir());
    copy(&Path::new(FIXTURES).join("plain"), &blog.0);
    let out = quire(&data.0, &["import", blog.0.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the database has no users yet; pass --author SLUG"),
        "{err}"
    );
}

#[test]
fn export_writes_jekyll_files_drafts_included() {
    let (data, blog, out) = (temp_dir(), temp_dir(), temp_dir());
    copy(&Path::new(FIXTURES).join("hugo"), &blog.0);
    assert!(
        quire(
            &data.0,
            &["import", blog.0.to_str().unwrap(), "--author", "me"]
        )
        .status
        .success()
    );
    let export = quire(&data.0, &["export", out.0.to_str().unwrap()]);
    assert!(export.status.success());
    assert!(
        stdout(&export).starts_with("Exported 3 posts (1 drafts) to "),
        "{}",
        stdout(&export)
    );
    let mut names: Vec<String> = std::fs::read_dir(out.0.join("_posts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2024-01-05-static-sites-part-1.md",
            "2024-02-10-static-sites-2.md",
            "2024-03-01-unfinished-themes.md"
        ]
    );
}
