//! `quire media add|list|rm`, parsed as the command line parses them and run against
//! both databases and both stores: files added with the upload's checks (a Hangul name
//! in the decomposed form macOS writes included), failures named by file, deletes
//! refused while the file is used.

use std::process::ExitCode;

use clap::Parser;
use quire_tests::{
    TestApp,
    entity::user::{self, Role},
    media::{TestStore, image},
    media_test,
    quire::{
        cli::{Cli, Command},
        commands,
        service::media::Library,
    },
    sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait},
};
use unicode_normalization::UnicodeNormalization;

async fn quire(app: &TestApp, lib: &Library, args: &[&str]) -> (ExitCode, String, String) {
    let cli = Cli::try_parse_from([&["quire", "media"], args].concat()).unwrap();
    let Command::Media(cmd) = cli.command else {
        panic!("not a media command")
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = commands::media::run_with(&app.db, lib, cmd, &mut out, &mut err)
        .await
        .unwrap();
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

media_test!(the_library_from_the_shell);
async fn the_library_from_the_shell(app: TestApp, _store: TestStore, lib: Library) {
    let admin = app.user("admin@example.com", "관리자", Role::Admin).await;
    let dir = tempfile::tempdir().unwrap();
    let nfd: String = "가을 사진.png".nfd().collect();
    let photo = dir.path().join(&nfd);
    std::fs::write(
        &photo,
        image("img = Image.new('RGB', (30, 20), (1, 2, 3))", "PNG"),
    )
    .unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "메모").unwrap();
    let broken = dir.path().join("broken.jpg");
    std::fs::write(&broken, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00garbage").unwrap();
    let missing = dir.path().join("missing.png");
    let paths: Vec<String> = [&photo, &notes, &broken, &missing]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let args: Vec<&str> = ["add"]
        .into_iter()
        .chain(paths.iter().map(String::as_str))
        .collect();
    let (code, out, err) = quire(&app, &lib, &args).await;
    assert_eq!(code, ExitCode::FAILURE, "two files failed");
    let added: Vec<&str> = out.lines().collect();
    assert_eq!(added.len(), 2, "{out}");
    assert!(
        added[0].ends_with("/%EA%B0%80%EC%9D%84%20%EC%82%AC%EC%A7%84.png\tadded"),
        "{out}"
    );
    assert!(added[1].ends_with("/notes.txt\tadded"), "{out}");
    assert!(
        err.contains("broken.jpg: the image cannot be read"),
        "{err}"
    );
    assert!(err.contains("missing.png: FILE: cannot open it"), "{err}");
    let owners: Vec<i64> = quire_tests::entity::media::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|m| m.owner_id)
        .collect();
    assert_eq!(owners, [admin.id, admin.id], "the oldest admin by default");

    let (code, out, _) = quire(&app, &lib, &["add", &paths[0]]).await;
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(out.trim_end().ends_with("already in the library"), "{out}");

    let (_, out, err) = quire(&app, &lib, &["list"]).await;
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(&rows[0][1..5], ["image/png", rows[0][2], "30x20", "0"]);
    assert_eq!(&rows[1][1..5], ["text/plain", "6", "-", "0"]);
    assert!(err.starts_with("2 files in "), "{err}");

    // An author's avatar uses the photo: not removed unforced.
    let photo_url = out
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .nth(5)
        .unwrap()
        .to_owned();
    let mut a: user::ActiveModel = user::Entity::find_by_id(app.author_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    a.avatar_url = Set(Some(photo_url));
    a.update(&app.db).await.unwrap();
    let id = rows[0][0];
    let (code, _, err) = quire(&app, &lib, &["rm", id]).await;
    assert_eq!(code, ExitCode::FAILURE);
    assert!(
        err.contains("still used by author") && err.contains("avatarUrl"),
        "{err}"
    );
    let (code, out, _) = quire(&app, &lib, &["rm", "--force", id, rows[1][0]]).await;
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(
        out.contains("deleted 가을 사진.png\n\twas used by author"),
        "{out}"
    );
    assert!(out.contains("deleted notes.txt"), "{out}");
    assert!(lib.store.list("originals").await.unwrap().is_empty());
    let (code, _, err) = quire(&app, &lib, &["rm", "9999"]).await;
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("9999: media 9999 not found"), "{err}");
}
