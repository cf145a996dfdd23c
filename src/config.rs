//! The server's run-time configuration (address, database, proxy trust, pool size), from flags
//! and the environment. Not to be confused with the reference sets practitioners choose
//! (`web::reference_sets`) or a client's portal preferences.

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: String,
    pub database_url: String,
    /// Believe `X-Forwarded-For` / `Forwarded` for the client address (only behind a proxy that
    /// overwrites them).
    pub trust_proxy: bool,
    pub pool_size: u32,
    /// A session ends after this long without a request (at most the 30 minutes of
    /// `auth::session::IDLE_TIMEOUT`; tests shorten it to see the expiry warning).
    pub idle_timeout: chrono::Duration,
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/htma.sqlite3";
