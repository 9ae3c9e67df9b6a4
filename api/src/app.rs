//! Building and running a quire server: `Application::build` binds (port 0 in tests),
//! and `port()` tells where it listens.

use std::{net::SocketAddr, time::Duration};

use poem::{
    Server,
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
};
use sea_orm::DatabaseConnection;

use crate::{
    auth::Secret,
    config::{Config, HttpConfig, MediaConfig, WebhookConfig},
    db, demo, http, service,
    service::media::Library,
};

pub struct Application {
    acceptor: TcpAcceptor,
    addr: SocketAddr,
    state: http::AppState,
    webhooks: WebhookConfig,
}

impl Application {
    /// Connects, migrates, loads the demo when asked, and binds.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        service::feed::FeedPaths::new(&config.http.feeds)
            .check(&http::ENDPOINTS)
            .map_err(anyhow::Error::msg)?;
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        if config.demo {
            let n = demo::load_if_empty(&db).await?;
            if n > 0 {
                tracing::info!(posts = n, "loaded the demo blog");
            }
        }
        Ok(
            Self::build_with_db(config.bind, db, config.jwt_secret.clone())
                .await?
                .media(Library::open(&config.media, &config.data_dir)?)
                .http_config(config.http.clone())
                .trust_forwarded_for(config.trust_forwarded_for)
                .webhook_config(config.webhooks.clone()),
        )
    }

    /// Limits, caching and CORS of the endpoint (the defaults until this is called).
    pub fn http_config(mut self, config: HttpConfig) -> Self {
        let media = self.state.media.clone();
        self.rebuild_state(config, media);
        self
    }

    /// The media library to use (the default: a `quire-media` folder in the system's
    /// temporary directory, for servers built without a configuration).
    pub fn media(mut self, media: Library) -> Self {
        let config = (*self.state.config).clone();
        self.rebuild_state(config, media);
        self
    }

    /// A new request state from `config` and `media`, keeping the settings made by the
    /// other builder methods.
    fn rebuild_state(&mut self, config: HttpConfig, media: Library) {
        let trust = self.state.trust_forwarded_for;
        let allow_private = self.state.webhook_allow_private;
        self.state = http::AppState::new(
            self.state.db.clone(),
            self.state.secret.clone(),
            config,
            media,
            self.state.hub.clone(),
        );
        self.state.trust_forwarded_for = trust;
        self.state.webhook_allow_private = allow_private;
    }

    /// How webhooks are delivered (the defaults until this is called).
    pub fn webhook_config(mut self, config: WebhookConfig) -> Self {
        self.state.webhook_allow_private = config.webhook_allow_private;
        self.webhooks = config;
        self
    }

    /// The live events' hub of this server (what its subscriptions listen to).
    pub fn hub(&self) -> service::live::hub::Hub {
        self.state.hub.clone()
    }

    /// The endpoint's configuration as it stands.
    pub fn http(&self) -> &HttpConfig {
        &self.state.config
    }

    /// Rate-limit by the `X-Forwarded-For` address (behind a trusted load balancer or CDN).
    pub fn trust_forwarded_for(mut self, trust: bool) -> Self {
        self.state.trust_forwarded_for = trust;
        self
    }

    /// Binds a server over an already connected and migrated database. The signing
    /// secret is `jwt_secret`, or the one kept in the database (generated when missing).
    pub async fn build_with_db(
        bind: SocketAddr,
        db: DatabaseConnection,
        jwt_secret: Option<Secret>,
    ) -> anyhow::Result<Self> {
        let secret = service::settings::jwt_secret(&db, jwt_secret.as_ref())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let acceptor = TcpListener::bind(bind).into_acceptor().await?;
        let addr = acceptor
            .local_addr()
            .into_iter()
            .find_map(|a| a.as_socket_addr().copied())
            .ok_or_else(|| anyhow::anyhow!("listener has no socket address"))?;
        let media = Library::open(
            &MediaConfig::default(),
            &std::env::temp_dir().join("quire-media"),
        )?;
        Ok(Self {
            acceptor,
            addr,
            state: http::AppState::new(
                db,
                secret,
                HttpConfig::default(),
                media,
                service::live::hub::Hub::default(),
            ),
            webhooks: WebhookConfig::default(),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until Ctrl-C / SIGTERM, with the webhook delivery worker and the live
    /// events' hub beside the requests (stopped after them, its attempts in flight given
    /// the same deadline).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(addr = %self.addr, "quire listening");
        self.state.start_background().await;
        let worker = service::webhook::worker::Worker::start(self.state.db.clone(), self.webhooks);
        let live = self.state.hub.start(self.state.db.clone());
        let idle = Duration::from_secs(self.state.config.idle_timeout_secs.max(1));
        let deadline = Duration::from_secs(self.state.config.shutdown_timeout_secs);
        let served = Server::new_with_acceptor(http::idle::IdleAcceptor::new(self.acceptor, idle))
            .run_with_graceful_shutdown(http::routes(self.state), shutdown_signal(), Some(deadline))
            .await;
        worker.stop(deadline).await;
        live.stop(deadline).await;
        served
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
