//! Storage: one connection type over SQLite and PostgreSQL, the pool, embedded migrations, and
//! the queries of each aggregate. Nothing here knows about HTTP.

pub mod accounts;
pub mod adherence;
pub mod audit;
mod audit_chain;
mod audit_head;
pub mod clients;
pub mod column_types;
pub mod dashboard_cache;
pub mod engine;
pub mod flags;
pub mod hair_tests;
pub mod hints;
pub mod ids;
pub mod kept_forms;
pub mod lab_reports;
pub mod login_attempts;
pub mod mapping;
pub mod pending_imports;
pub mod programs;
pub mod record_versions;
pub mod schema;
pub mod second_factors;
pub mod sessions;
pub mod summaries;
pub mod trusted_devices;

// portal and diary
pub mod client_accounts;
pub mod client_portal;
pub mod client_symptoms;
pub mod diary;
pub mod invitations;

// exports
pub mod backup;
pub mod export_snapshot;

// reference sets
pub mod reference_sets;

pub use ids::{
    AccountId, ClientId, FlagId, HairTestId, PendingImportId, ProgramVersionId, ReferenceSetId,
    SummaryId,
};

pub use engine::{
    connect, connect_counted, connect_lazy, write_tx, Backend, DbConn, DbError, Pool, PooledConn,
    QueryCount,
};

/// A new random primary key. Ids are generated here rather than by the database because the
/// connection shared by both engines cannot read back generated keys (no RETURNING through
/// `MultiConnection`). 63 random bits make a collision vanishingly unlikely.
pub fn new_id() -> i64 {
    let mut bytes = [0u8; 8];
    crate::auth::tokens::fill_random(&mut bytes);
    (u64::from_le_bytes(bytes) >> 1) as i64
}

/// One real round trip to the database (the health check's question: is it reachable?).
pub fn ping(conn: &mut DbConn) -> Result<(), DbError> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SELECT 1").map_err(Into::into)
}

pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
