//! The media tests' storage: a local folder that is removed after the test, or a real
//! S3-compatible server (moto in server mode, from the tools' virtualenv) started on a
//! free port with a fresh bucket, and stopped when the test ends. [`media_test!`] runs one
//! test body on SQLite and PostgreSQL, each with both stores.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use quire::{config::MediaConfig, media::MediaStore, service::media::Library};

use serde_json::{Value, json};

use crate::{GqlResponse, TestApp, tools::python_tool};

/// What `uploadMedia` answers, selected by [`upload`].
pub const MEDIA_FIELDS: &str = "id url filename mimeType kind bytes width height alt caption \
     dominantColor sha256 srcset webp: srcset(format: WEBP)";

/// Uploads `bytes` as `filename` over HTTP with a multipart client (reqwest), as the
/// GraphQL multipart request specification has it; `claimed` is the client's
/// Content-Type for the file (which quire must ignore).
pub async fn upload(
    app: &TestApp,
    token: &str,
    bytes: Vec<u8>,
    filename: &str,
    claimed: &str,
    alt: Option<&str>,
) -> GqlResponse {
    let operations = json!({
        "query": format!(
            "mutation($file: Upload!, $alt: String) {{ uploadMedia(file: $file, alt: $alt) \
             {{ created media {{ {MEDIA_FIELDS} }} }} }}"
        ),
        "variables": { "file": null, "alt": alt },
    });
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str(claimed)
        .unwrap();
    // Raw UTF-8 in the file name, as browsers (and so Apollo Upload Client) send it.
    let form = reqwest::multipart::Form::new()
        .percent_encode_noop()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part("0", part);
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    GqlResponse {
        status,
        body: resp.json().await.unwrap(),
    }
}

/// [`upload`] that must succeed; returns `uploadMedia`'s `media`.
pub async fn upload_ok(app: &TestApp, token: &str, bytes: Vec<u8>, filename: &str) -> Value {
    let r = upload(
        app,
        token,
        bytes,
        filename,
        "application/octet-stream",
        None,
    )
    .await;
    r.data()["uploadMedia"]["media"].clone()
}

/// Runs a Python script with Pillow (from the tools' virtualenv); returns its output.
pub fn pillow(script: &str) -> String {
    let out = Command::new(python_tool("python"))
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// An image made by Pillow: `make` is Python that binds `img` (and may bind `kw`, the
/// save options); saved as `format`, returned as bytes.
pub fn image(make: &str, format: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image");
    pillow(&format!(
        "from PIL import Image\nkw = {{}}\n{make}\nimg.save({:?}, {format:?}, **kw)\n",
        path.display().to_string()
    ));
    std::fs::read(path).unwrap()
}

/// What Pillow reads from image `bytes`: `{"format", "size": [w, h], "exif": {tag: …},
/// "gps": {…}}` (EXIF tags as decimal strings).
pub fn inspect(bytes: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image");
    std::fs::write(&path, bytes).unwrap();
    let out = pillow(&format!(
        "import json\nfrom PIL import Image\nim = Image.open({:?})\ne = im.getexif()\n\
         print(json.dumps({{'format': im.format, 'size': list(im.size), \
         'exif': {{str(k): str(v) for k, v in e.items()}}, \
         'gps': {{str(k): str(v) for k, v in e.get_ifd(0x8825).items()}}, \
         'xmp': 'xmp' in im.info or 'XML:com.adobe.xmp' in im.info}}))\n",
        path.display().to_string()
    ));
    serde_json::from_str(&out).unwrap()
}

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Local,
    S3,
}

/// A store for one test, removed (or stopped) when dropped.
pub struct TestStore {
    pub kind: StoreKind,
    /// The media URL the store was opened from (`s3://…` or a folder).
    pub url: String,
    /// For S3: the endpoint.
    pub endpoint: Option<String>,
    _dir: Option<tempfile::TempDir>,
    moto: Option<Moto>,
}

impl TestStore {
    /// A store of `kind`.
    pub async fn new(kind: StoreKind) -> Self {
        match kind {
            StoreKind::Local => {
                let dir = tempfile::tempdir().unwrap();
                Self {
                    kind,
                    url: dir.path().display().to_string(),
                    endpoint: None,
                    _dir: Some(dir),
                    moto: None,
                }
            }
            StoreKind::S3 => {
                let moto = Moto::start().await;
                let bucket = format!("quire-{}", uuid::Uuid::new_v4().simple());
                let created = reqwest::Client::new()
                    .put(format!("{}/{bucket}", moto.endpoint))
                    .send()
                    .await
                    .unwrap();
                assert!(
                    created.status().is_success(),
                    "creating the bucket: {}",
                    created.status()
                );
                Self {
                    kind,
                    url: format!("s3://{bucket}/blog/media"),
                    endpoint: Some(moto.endpoint.clone()),
                    _dir: None,
                    moto: Some(moto),
                }
            }
        }
    }

    /// The configuration that opens this store.
    pub fn config(&self) -> MediaConfig {
        MediaConfig {
            media_url: Some(self.url.clone()),
            media_s3_endpoint: self.endpoint.clone(),
            media_s3_access_key_id: Some("testing".into()),
            media_s3_secret_access_key: Some("testing".into()),
            ..MediaConfig::default()
        }
    }

    /// The library over this store with `config`'s settings.
    pub fn library(&self, config: &MediaConfig) -> Library {
        let store = MediaStore::open(config, std::path::Path::new("/nonexistent")).unwrap();
        Library::with_store(store, config)
    }

    /// Whether this store is served by a moto process.
    pub fn is_s3(&self) -> bool {
        self.moto.is_some()
    }
}

/// A moto server process.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    async fn start() -> Self {
        let server = python_tool("moto_server");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let endpoint = format!("http://127.0.0.1:{port}");
        let moto = Self { child, endpoint };
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if client.get(&moto.endpoint).send().await.is_ok() {
                return moto;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto_server did not start on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One media test body, `async fn name(app: TestApp, store: TestStore, lib: Library)`,
/// on SQLite and PostgreSQL, each with a local and an S3 store; `$config` adjusts the
/// library's configuration (`|c: &mut MediaConfig| …`).
#[macro_export]
macro_rules! media_test {
    ($name:ident) => {
        $crate::media_test!($name, |_c: &mut $crate::quire::config::MediaConfig| {});
    };
    ($name:ident, $adjust:expr) => {
        mod $name {
            use $crate::{Backend, media::StoreKind};

            async fn run(backend: Backend, kind: StoreKind) {
                let store = $crate::media::TestStore::new(kind).await;
                let mut config = store.config();
                let adjust: fn(&mut $crate::quire::config::MediaConfig) = $adjust;
                adjust(&mut config);
                let lib = store.library(&config);
                let served = lib.clone();
                match $crate::spawn_app_with(backend, move |app| app.media(served)).await {
                    Some(app) => super::$name(app, store, lib).await,
                    None => eprintln!(
                        "skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run"
                    ),
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite_local() {
                run(Backend::Sqlite, StoreKind::Local).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite_s3() {
                run(Backend::Sqlite, StoreKind::S3).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres_local() {
                run(Backend::Postgres, StoreKind::Local).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres_s3() {
                run(Backend::Postgres, StoreKind::S3).await;
            }
        }
    };
}
