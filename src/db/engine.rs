//! The engine seam: which database a URL names, how a pooled connection is opened and prepared,
//! and the embedded migrations of each engine.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{Instrumentation, InstrumentationEvent};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Runs `$body` with `$c` bound to the engine's own connection (a `SqliteConnection` or a
/// `PgConnection`): the same code, written once, compiled for each engine. For the statements of
/// every page view (issue 15). Through `DbConn` itself, diesel's `MultiConnection` writes a
/// statement's SQL text anew on every run, and twice (to ask whether it may be cached, and again
/// to collect its binds), even when the statement is prepared already: ~167 K instructions, 15 %
/// of a kept client page view (callgrind). On the engine's own connection a statement whose
/// query type is known (`QueryId`) is found in the cache by that type, with no SQL written.
/// Results are the same: the SQL is what each engine's own query builder writes either way.
macro_rules! on_engine {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_engine;

pub type Pool = r2d2::Pool<DbManager>;
pub type PooledConn = r2d2::PooledConnection<DbManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// SQLite is opened for a web server: WAL so readers never wait for the writer, a busy timeout
/// so concurrent writers queue instead of failing, enforced foreign keys, and FULL sync because
/// these are health records (NORMAL may lose the last commits on power loss).
///
/// Each pooled connection keeps a page cache of its own, 2 MB by default: with the pool's
/// connections all warm that was 16–18 MB of the server's resident memory (issue #15). 512 KiB
/// each holds what one page's queries read; anything else comes from the operating system's
/// file cache, which every connection shares and which the server's memory does not count.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; \
     PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA cache_size=-512;";

/// Sets SQLite up for this process, once, before the first connection is opened:
///
/// - Multi-thread mode. SQLite's default build serializes every call on a connection through
///   the connection's own mutex, in case two threads use it at once. The pool hands a
///   connection to one thread at a time, so the lock is pure cost on every step of every
///   statement (issue 15). It must be chosen before SQLite initializes; should SQLite be
///   initialized already (something opened a connection first), it keeps the serialized mode,
///   which is slower but just as correct.
/// - Plans that do not depend on bound values (`SQLITE_DBCONFIG_ENABLE_QPSG`) on every
///   connection, through an automatic extension. Since 3.47 SQLite reads a bound `LIMIT ?` (and
///   `.first()` is `LIMIT ?`) while planning and marks the statement to be planned again
///   whenever that parameter is bound anew, so diesel's cached statement was parsed and planned
///   again on every run: 12 % of the dashboard's instructions and about 30 % of a kept
///   timeline's (issue 15, callgrind). With the guarantee the plan is made once per statement.
pub fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config is called before any other SQLite call of this process (the
        // Once runs before the first connection is opened) with an option that takes no
        // arguments; after initialization it returns SQLITE_MISUSE and changes nothing.
        let code =
            unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(
                code,
                "SQLite stays in serialized mode (already initialized)"
            );
        }
        // SAFETY: registers a function with the signature SQLite calls automatic extensions
        // with; it stays valid for the whole process.
        let code =
            unsafe { libsqlite3_sys::sqlite3_auto_extension(Some(plan_independent_of_binds)) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(
                code,
                "SQLite statements with a bound LIMIT are planned per run"
            );
        }
    });
}

/// The automatic extension of `configure_sqlite`: run by SQLite on each connection it opens.
unsafe extern "C" fn plan_independent_of_binds(
    db: *mut libsqlite3_sys::sqlite3,
    _error: *mut *mut std::ffi::c_char,
    _api: *const libsqlite3_sys::sqlite3_api_routines,
) -> std::ffi::c_int {
    // SAFETY: `db` is the connection SQLite is opening; ENABLE_QPSG takes an int (1: on) and an
    // int pointer for the previous value, which may be null.
    let code = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        )
    };
    if code != libsqlite3_sys::SQLITE_OK {
        // The connection still works, planning such statements per run as before.
        tracing::warn!(
            code,
            "SQLite connection without the planner stability guarantee"
        );
    }
    libsqlite3_sys::SQLITE_OK
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("invalid database url: {0}")]
    Url(String),
}

impl DbError {
    /// Content that cannot be written as stored (a document that does not serialize): a
    /// storage fault, so layers above never build diesel's error types themselves.
    pub fn unwritable(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> DbError {
        DbError::Query(diesel::result::Error::SerializationError(error.into()))
    }

    /// Stored content that cannot be read back, like an unreadable column.
    pub fn unreadable(message: String) -> DbError {
        DbError::Query(diesel::result::Error::DeserializationError(message.into()))
    }

    /// An error the database itself reported with this message (what the error mapping of the
    /// layers above is tested with).
    pub fn reported(message: &str) -> DbError {
        DbError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::Unknown,
            Box::new(message.to_string()),
        ))
    }

    /// The database refuses writes for a reason outside the request: the file became read-only
    /// or the disk is full.
    pub fn is_storage_unavailable(&self) -> bool {
        let text = self.to_string().to_ascii_lowercase();
        text.contains("readonly")
            || text.contains("read-only")
            || text.contains("disk is full")
            || text.contains("no space left")
    }

    /// The connection to the database was lost in the middle of the request (the server
    /// restarted or cannot be reached): like no connection at all, the service is unavailable
    /// for a moment, not broken.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, DbError::Query(error) if is_connection_lost(error))
    }

    /// PostgreSQL refused text it cannot store (a NUL byte). Inputs are checked at the edge, so
    /// this is the safety net for a field that escaped the check: a client error, not a 500.
    pub fn is_unstorable_text(&self) -> bool {
        let text = self.to_string();
        text.contains("invalid byte sequence for encoding") || text.contains("0x00")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives, decided by the URL's scheme alone: never "try each engine", because
/// SQLite would happily create a file named after a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseTarget {
    pub backend: Backend,
    pub location: String,
}

impl DatabaseTarget {
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DbError::Url("the database URL is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                location: url.to_string(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.contains("://") {
            return Err(DbError::Url(format!(
                "unsupported database URL scheme in {url:?}: use sqlite://PATH, a file path, or postgres://"
            )));
        }
        Ok(Self {
            backend: Backend::Sqlite,
            location: path.to_string(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct DbManager {
    target: DatabaseTarget,
    /// Statements run on this pool's connections, so tests can bound a page's query count.
    queries: Arc<AtomicU64>,
    /// When a connection of this pool was last found lost (`ticks`, 0: never): every
    /// connection that answered before then is checked before it is handed out again, as the
    /// server that dropped one has most likely dropped them all (a restart).
    lost_at: Arc<AtomicU64>,
}

/// How many statements a pool's connections have run (tests bound a page's query count).
#[derive(Debug, Clone, Default)]
pub struct QueryCount(Arc<AtomicU64>);

impl QueryCount {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A pooled PostgreSQL connection that answered this recently is handed out without the
/// `SELECT 1` round trip: asking again whether it is alive would cost as much as most of the
/// statements of the request (issue 15). One that was idle longer, or that answered before a
/// connection of the pool was found lost, is asked first.
const ANSWERED_RECENTLY: Duration = Duration::from_secs(3);

/// Nanoseconds on the process's monotonic clock, from 1 so that 0 can mean "never".
fn ticks() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(std::time::Instant::now);
    u64::try_from(start.elapsed().as_nanos())
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

/// What the pool knows of one connection, kept in the connection as its instrumentation (so it
/// moves with the connection in and out of the pool): the statements it ran, for the pool's
/// count, and whether the server still answers it.
struct ConnProbe {
    queries: Arc<AtomicU64>,
    /// When the server last answered a statement on this connection (`ticks`), errors such as
    /// a unique violation included: they are answers too.
    answered_at: u64,
    /// The last statement failed because the connection is gone (the server closed it or
    /// cannot be reached): the pool drops it instead of handing it out again.
    lost: bool,
}

impl Instrumentation for ConnProbe {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                self.queries.fetch_add(1, Ordering::Relaxed);
            }
            InstrumentationEvent::FinishQuery { error, .. } => {
                self.lost = error.is_some_and(is_connection_lost);
                if !self.lost {
                    self.answered_at = ticks();
                }
            }
            _ => {}
        }
    }
}

/// An error that says the connection itself is gone, not that a statement was refused.
fn is_connection_lost(error: &diesel::result::Error) -> bool {
    use diesel::result::DatabaseErrorKind::{ClosedConnection, UnableToSendCommand};
    matches!(
        error,
        diesel::result::Error::DatabaseError(ClosedConnection | UnableToSendCommand, _)
    )
}

fn probe_of(conn: &mut DbConn) -> Option<&mut ConnProbe> {
    conn.instrumentation().downcast_mut::<ConnProbe>()
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = DbError;

    fn connect(&self) -> Result<DbConn, DbError> {
        let probe = ConnProbe {
            queries: self.queries.clone(),
            answered_at: ticks(),
            lost: false,
        };
        match self.target.backend {
            Backend::Sqlite => {
                configure_sqlite();
                let mut conn = SqliteConnection::establish(&self.target.location)?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                conn.set_instrumentation(probe);
                Ok(DbConn::Sqlite(conn))
            }
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.target.location)?;
                conn.set_instrumentation(probe);
                Ok(DbConn::Postgres(conn))
            }
        }
    }

    /// Run on checkout (PostgreSQL only): a connection is asked whether it is alive only when
    /// it has not answered recently (`ANSWERED_RECENTLY`) or may have died with others since.
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbError> {
        let lost_at = self.lost_at.load(Ordering::Relaxed);
        let fresh = probe_of(conn).is_some_and(|probe| {
            !probe.lost
                && probe.answered_at > lost_at
                && ticks().saturating_sub(probe.answered_at) < ANSWERED_RECENTLY.as_nanos() as u64
        });
        if fresh {
            return Ok(());
        }
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    /// Run when a connection comes back: one whose last statement found it gone is dropped
    /// (and the others are checked on their next checkout), as is one left inside a
    /// transaction or with a failed one.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        let lost = probe_of(conn).is_some_and(|probe| probe.lost);
        if lost {
            self.lost_at.store(ticks(), Ordering::Relaxed);
        }
        lost || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Opens the pool, creating the SQLite file's directory if needed, and applies any pending
/// migrations of the engine.
pub fn connect(url: &str, max_size: u32) -> Result<Pool, DbError> {
    connect_counted(url, max_size).map(|(pool, _)| pool)
}

/// `connect`, also returning the pool's statement counter.
pub fn connect_counted(url: &str, max_size: u32) -> Result<(Pool, QueryCount), DbError> {
    let target = DatabaseTarget::parse(url)?;
    if target.backend == Backend::Sqlite {
        if let Some(dir) = std::path::Path::new(&target.location).parent() {
            if !dir.as_os_str().is_empty() && target.location != ":memory:" {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DbError::Url(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
    }
    let count = QueryCount::default();
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        .test_on_check_out(target.backend == Backend::Postgres)
        // A connection opened while the SQLite file was read-only stays read-only; renewing
        // connections every few minutes lets the service recover once the file is writable.
        .max_lifetime(Some(Duration::from_secs(match target.backend {
            Backend::Sqlite => 120,
            Backend::Postgres => 1800,
        })))
        .build(DbManager {
            target,
            queries: count.0.clone(),
            lost_at: Arc::default(),
        })?;
    let mut conn = pool.get()?;
    run_migrations(&mut conn)?;
    super::dashboard_cache::backfill_due(&mut conn)?;
    super::audit::seal_unchained(&mut conn)?;
    Ok((pool, count))
}

/// A pool that connects on first use and gives up after `timeout`: for a server that must start
/// (and answer /healthz with 503) while its database is down.
pub fn connect_lazy(url: &str, max_size: u32, timeout: Duration) -> Result<Pool, DbError> {
    let target = DatabaseTarget::parse(url)?;
    Ok(r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(timeout)
        .build_unchecked(DbManager {
            target,
            queries: Arc::default(),
            lost_at: Arc::default(),
        }))
}

pub fn run_migrations(conn: &mut DbConn) -> Result<usize, DbError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Postgres(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

pub fn backend_of(conn: &DbConn) -> Backend {
    match conn {
        DbConn::Sqlite(_) => Backend::Sqlite,
        DbConn::Postgres(_) => Backend::Postgres,
    }
}

/// A write transaction. On SQLite its first statement is a write, so the write lock is taken
/// up front (like BEGIN IMMEDIATE): a deferred transaction that reads and then writes fails at
/// once with "database is locked", bypassing the busy timeout. It goes through diesel's
/// transaction manager so that nested work (diesel's own SQLite batch inserts) becomes savepoints.
pub fn write_tx<T, F>(conn: &mut DbConn, f: F) -> Result<T, DbError>
where
    F: FnOnce(&mut DbConn) -> Result<T, DbError>,
{
    let is_sqlite = matches!(conn, DbConn::Sqlite(_));
    conn.transaction(|conn| {
        if is_sqlite {
            // Matches no row, but a write statement takes SQLite's RESERVED lock.
            conn.batch_execute("DELETE FROM login_attempts WHERE 0")?;
        }
        f(conn)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_scheme_decides_the_engine() {
        let t = DatabaseTarget::parse("postgres://u@h/db").unwrap();
        assert_eq!(t.backend, Backend::Postgres);
        let t = DatabaseTarget::parse("sqlite://data/x.sqlite3").unwrap();
        assert_eq!(
            (t.backend, t.location.as_str()),
            (Backend::Sqlite, "data/x.sqlite3")
        );
        let t = DatabaseTarget::parse("./data/htma.sqlite3").unwrap();
        assert_eq!(t.backend, Backend::Sqlite);
        assert!(DatabaseTarget::parse("mysql://x").is_err());
        assert!(DatabaseTarget::parse("  ").is_err());
    }

    /// Runs `SELECT … LIMIT ?` with three different limits on one prepared statement of a
    /// connection opened after `configure_sqlite`, and answers how often SQLite prepared it again.
    fn replans_of_a_bound_limit() -> i32 {
        use libsqlite3_sys as ffi;
        configure_sqlite();
        let sql = c"SELECT x FROM t ORDER BY x LIMIT ?1";
        // SAFETY: plain use of the C API on a private in-memory connection, every pointer
        // checked or produced by SQLite itself, everything finalized and closed at the end.
        unsafe {
            let mut db = std::ptr::null_mut();
            assert_eq!(
                ffi::sqlite3_open(c":memory:".as_ptr(), &mut db),
                ffi::SQLITE_OK
            );
            let setup = c"CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (3), (1), (2);";
            let no_callback = None;
            let rc = ffi::sqlite3_exec(
                db,
                setup.as_ptr(),
                no_callback,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            );
            assert_eq!(rc, ffi::SQLITE_OK);
            let mut stmt = std::ptr::null_mut();
            let rc = ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut());
            assert_eq!(rc, ffi::SQLITE_OK);
            for limit in 1..=3 {
                assert_eq!(ffi::sqlite3_bind_int64(stmt, 1, limit), ffi::SQLITE_OK);
                let mut rows = 0;
                while ffi::sqlite3_step(stmt) == ffi::SQLITE_ROW {
                    rows += 1;
                }
                assert_eq!(rows, limit);
                ffi::sqlite3_reset(stmt);
            }
            let replans = ffi::sqlite3_stmt_status(stmt, ffi::SQLITE_STMTSTATUS_REPREPARE, 0);
            ffi::sqlite3_finalize(stmt);
            ffi::sqlite3_close(db);
            replans
        }
    }

    #[test]
    fn a_bound_limit_is_planned_once_per_statement() {
        assert_eq!(replans_of_a_bound_limit(), 0);
    }
}
