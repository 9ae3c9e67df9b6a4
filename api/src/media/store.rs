//! The one storage interface for media objects, over `object_store`: a folder on the
//! local disk (the default, `media/` in the data directory) or an S3-compatible bucket
//! (`s3://bucket/prefix`, with a custom endpoint for MinIO, R2, moto…), so several
//! servers can share one store. Objects are content addressed ([`original_key`],
//! [`variant_key`]): a key's bytes never change, so writing one that exists is skipped.

use std::{io::Read, ops::Range, path::Path as FsPath, sync::Arc};

use bytes::Bytes;
use futures_util::{StreamExt, stream::BoxStream};
use object_store::{
    GetOptions, GetRange, ObjectStore, PutPayload, WriteMultipart, aws::AmazonS3Builder,
    local::LocalFileSystem, path::Path, prefix::PrefixStore,
};

use crate::config::MediaConfig;

/// Bytes read from a file and sent to the store at a time while streaming.
const CHUNK: usize = 1024 * 1024;

/// The key of an original's bytes.
pub fn original_key(sha256: &str) -> String {
    format!("originals/{sha256}")
}

/// The key of a variant's bytes.
pub fn variant_key(sha256: &str, width: u32, format: &str) -> String {
    format!("variants/{sha256}/{width}.{format}")
}

/// A failure of the store (unreachable, refused, a file that vanished).
#[derive(Debug, thiserror::Error)]
#[error("media store: {0}")]
pub struct StoreError(String);

impl From<object_store::Error> for StoreError {
    fn from(e: object_store::Error) -> Self {
        Self(e.to_string())
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self(e.to_string())
    }
}

/// Media storage: cheap to clone.
#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<dyn ObjectStore>,
    /// Where, for logs and `quire media list` (no credentials).
    location: String,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaStore({})", self.location)
    }
}

impl MediaStore {
    /// The store `config` names; a folder is created when missing. `data_dir` holds the
    /// default `media/` folder.
    pub fn open(config: &MediaConfig, data_dir: &FsPath) -> Result<Self, StoreError> {
        match config.media_url.as_deref() {
            Some(url) if url.starts_with("s3://") => Self::s3(config, url),
            Some(folder) => Self::local(FsPath::new(folder.trim_start_matches("file://"))),
            None => Self::local(&data_dir.join("media")),
        }
    }

    /// A store in a local folder.
    pub fn local(folder: &FsPath) -> Result<Self, StoreError> {
        std::fs::create_dir_all(folder)
            .map_err(|e| StoreError(format!("cannot create {}: {e}", folder.display())))?;
        let fs = LocalFileSystem::new_with_prefix(folder)?;
        Ok(Self {
            inner: Arc::new(fs),
            location: folder.display().to_string(),
        })
    }

    fn s3(config: &MediaConfig, url: &str) -> Result<Self, StoreError> {
        let rest = url.trim_start_matches("s3://");
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StoreError(format!("{url} names no bucket")));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(&config.media_s3_region);
        if let Some(endpoint) = &config.media_s3_endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &config.media_s3_access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &config.media_s3_secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        if let Some(token) = &config.media_s3_session_token {
            builder = builder.with_token(token);
        }
        let s3 = builder.build()?;
        let prefix = prefix.trim_matches('/');
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(PrefixStore::new(s3, prefix))
        };
        Ok(Self {
            inner,
            location: format!("s3://{bucket}/{prefix}"),
        })
    }

    /// Where the store is, without credentials.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Whether `key` is stored.
    pub async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        match self.inner.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores `bytes` under `key` unless it is stored already (content addressed: the
    /// same key always holds the same bytes). Returns whether it wrote.
    pub async fn put_once(&self, key: &str, bytes: Bytes) -> Result<bool, StoreError> {
        if self.exists(key).await? {
            return Ok(false);
        }
        self.inner
            .put(&Path::from(key), PutPayload::from_bytes(bytes))
            .await?;
        Ok(true)
    }

    /// Streams `file` (from its start) to `key` unless it is stored already, a chunk at
    /// a time, so memory does not grow with the file. Returns whether it wrote.
    pub async fn put_file_once(&self, key: &str, file: std::fs::File) -> Result<bool, StoreError> {
        if self.exists(key).await? {
            return Ok(false);
        }
        let upload = self.inner.put_multipart(&Path::from(key)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, 5 * CHUNK);
        let mut reader = std::io::BufReader::with_capacity(CHUNK, file);
        loop {
            let (chunk, back) = tokio::task::spawn_blocking(move || {
                let mut buf = vec![0u8; CHUNK];
                let n = reader.read(&mut buf);
                (
                    n.map(|n| {
                        buf.truncate(n);
                        buf
                    }),
                    reader,
                )
            })
            .await
            .map_err(|e| StoreError(e.to_string()))?;
            reader = back;
            let chunk = chunk?;
            if chunk.is_empty() {
                break;
            }
            writer.wait_for_capacity(4).await?;
            writer.write(&chunk);
        }
        writer.finish().await?;
        Ok(true)
    }

    /// The whole object.
    pub async fn read(&self, key: &str) -> Result<Bytes, StoreError> {
        Ok(self.inner.get(&Path::from(key)).await?.bytes().await?)
    }

    /// `range` of the object (the whole of it when `None`), as a stream of chunks.
    pub async fn stream(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, std::io::Error>>, StoreError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let got = self.inner.get_opts(&Path::from(key), options).await?;
        Ok(got
            .into_stream()
            .map(|chunk| chunk.map_err(|e| std::io::Error::other(e.to_string())))
            .boxed())
    }

    /// The keys under `prefix` (`originals`, `variants/{sha256}`), sorted.
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut keys = Vec::new();
        let mut listing = self.inner.list(Some(&Path::from(prefix)));
        while let Some(meta) = listing.next().await {
            keys.push(meta?.location.to_string());
        }
        keys.sort();
        Ok(keys)
    }

    /// Removes `key`; one that is gone already is no error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
