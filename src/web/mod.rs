//! HTTP handlers, one module per resource. Handlers parse input into typed values, call the
//! domain and the queries (always inside `run_db`), and render a template.

pub mod audit;
pub mod bulk_import;
pub mod clients;
pub mod error;
pub mod forms;
pub mod hair_tests;
pub mod health;
pub mod home;
pub mod imports;
pub mod layout;
pub mod programs;
pub mod sessions;
pub mod summaries;
pub mod timeline;

// portal and diary
pub mod client_diary;
pub mod invitations;
pub mod portal;

// exports
pub mod exports;

// reference sets
pub mod settings;

use actix_web::{web, HttpRequest};

pub use error::{AppError, AppResult};
pub use layout::Layout;

use crate::config::Settings;
use crate::db::{DbConn, DbError, Pool};

/// Renders a page template as an HTML response with the given status.
pub fn render_page(
    status: actix_web::http::StatusCode,
    page: &impl askama::Template,
) -> AppResult<actix_web::HttpResponse> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Runs blocking diesel work on the blocking thread pool, never on the async workers.
pub async fn run_db<T, F>(pool: &Pool, work: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConn) -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get().map_err(DbError::from)?;
        work(&mut conn)
    })
    .await
    .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    .map_err(AppError::from)
}

/// The client address used for throttling and the audit trail. Forwarded headers are believed
/// only when the operator says a proxy sets them; otherwise anyone could pick their address.
pub fn remote_addr(req: &HttpRequest) -> String {
    let trust_proxy = req
        .app_data::<web::Data<Settings>>()
        .is_some_and(|s| s.trust_proxy);
    if trust_proxy {
        if let Some(addr) = req.connection_info().realip_remote_addr() {
            return addr.to_string();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
