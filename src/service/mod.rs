//! The application layer, between `web` (and the CLI) and storage: the error type every layer
//! above storage shares, and the way blocking database work is run from async handlers.

pub mod adherence;
pub mod commands;
pub mod diary_period;
pub mod error;
pub mod exports;
pub mod flags;
pub mod history;
pub mod reanalysis;
pub mod rederive;
pub mod validation;
pub mod view_log;

use crate::db::{DbConn, DbError, Pool};

pub use error::{AppError, AppResult};

/// Runs blocking diesel work on the blocking thread pool, never on the async workers.
pub async fn run_db<T, F>(pool: &Pool, work: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConn) -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(DbError::from)?;
        work(&mut conn)
    })
    .await
    .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    .map_err(AppError::from)
}
