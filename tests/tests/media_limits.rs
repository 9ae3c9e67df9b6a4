//! The upload size limit, enforced while the body streams in (a client never gets to
//! send the whole file), and media URLs under a CDN's base URL.

use quire_tests::{
    TestApp,
    entity::user::Role,
    media::{TestStore, upload, upload_ok},
    media_test,
    quire::service::media::Library,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMIT: u64 = 1024 * 1024;

/// Sends the head of a multipart upload as `token`, then file bytes in chunks, never
/// ending the body; returns the status line and the body of the answer.
async fn stream_without_end(app: &TestApp, token: &str, declared: Option<u64>) -> (u16, String) {
    let addr = app.base_url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let boundary = "quireboundary";
    let length = match declared {
        Some(n) => format!("Content-Length: {n}\r\n"),
        None => "Transfer-Encoding: chunked\r\n".to_owned(),
    };
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Accept: application/graphql-response+json\r\n{length}\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let preamble = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n\
         {{\"query\":\"mutation($f: Upload!) {{ uploadMedia(file: $f) {{ created }} }}\",\"variables\":{{\"f\":null}}}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\":[\"variables.f\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    let send = |data: &[u8]| -> Vec<u8> {
        match declared {
            Some(_) => data.to_vec(),
            None => [format!("{:x}\r\n", data.len()).as_bytes(), data, b"\r\n"].concat(),
        }
    };
    let _ = stream.write_all(&send(preamble.as_bytes())).await;
    if declared.is_none() {
        // Twice the limit, 64 KiB at a time; the body is never finished.
        for _ in 0..(2 * LIMIT / 65_536) {
            if stream.write_all(&send(&[7u8; 65_536])).await.is_err() {
                break;
            }
        }
    }
    let mut answer = Vec::new();
    let mut buf = vec![0u8; 8192];
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf)).await
        {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                    break;
                }
            }
            Err(_) => panic!("no answer while the body was still open"),
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    (status, text)
}

media_test!(uploads_over_the_limit_are_refused_while_streaming, |c| {
    c.media_max_bytes = super::LIMIT;
});
async fn uploads_over_the_limit_are_refused_while_streaming(
    app: TestApp,
    _store: TestStore,
    lib: Library,
) {
    let (_, token) = app.actor(Role::Author).await;
    // No length declared: refused at the first byte past the limit, the body unfinished.
    let (status, text) = stream_without_end(&app, &token, None).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("\"code\":\"PAYLOAD_TOO_LARGE\""), "{text}");
    // A declared length far past the limit: refused before a byte of the body is read.
    let (status, text) = stream_without_end(&app, &token, Some(100 * LIMIT)).await;
    assert_eq!(status, 413, "{text}");

    // Just under the limit is fine; nothing of the refused ones was kept.
    let fits: Vec<u8> = (0..LIMIT - 1).map(|i| (i % 13) as u8).collect();
    let r = upload(
        &app,
        &token,
        fits,
        "fits.bin",
        "application/octet-stream",
        None,
    )
    .await;
    assert_eq!(
        r.data()["uploadMedia"]["media"]["bytes"].as_u64(),
        Some(LIMIT - 1)
    );
    assert_eq!(app.number("SELECT COUNT(*) FROM media").await, 1);
    assert_eq!(lib.store.list("originals").await.unwrap().len(), 1);
}

media_test!(urls_point_at_the_cdn, |c| {
    c.media_base_url = Some("https://cdn.example.com/".into());
});
async fn urls_point_at_the_cdn(app: TestApp, _store: TestStore, _lib: Library) {
    let (_, token) = app.actor(Role::Author).await;
    let m = upload_ok(&app, &token, b"plain words".to_vec(), "노트.txt").await;
    let sha = m["sha256"].as_str().unwrap();
    assert_eq!(
        m["url"],
        format!("https://cdn.example.com/media/{sha}/%EB%85%B8%ED%8A%B8.txt")
    );
    // The CDN fetches from this server by the same path.
    let path = m["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("https://cdn.example.com");
    let resp = app.client().get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/plain");
    assert_eq!(resp.text().await.unwrap(), "plain words");
}
