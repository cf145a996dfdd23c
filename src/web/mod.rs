//! HTTP handlers, one module per resource. Handlers parse input into typed values, call the
//! domain and the queries (always inside `run_db`), and render a template.

pub mod account;
pub mod audit;
pub mod bulk_import;
pub mod clients;
pub mod error;
pub mod flag_text;
pub mod forms;
pub mod hair_tests;
pub mod health;
pub mod home;
pub mod imports;
pub mod kept;
pub mod kept_html;
pub mod layout;
pub mod limits;
pub mod programs;
pub mod second_factor;
pub mod session_time;
pub mod sessions;
pub mod shelf;
pub mod summaries;
pub mod timeline;
pub mod view;

// portal and diary
pub mod client_diary;
pub mod invitations;
pub mod portal;

// exports
pub mod downloads;

// reference sets
pub mod reference_sets;

use actix_web::HttpRequest;

pub use crate::service::{run_db, AppError, AppResult};
pub use layout::Layout;

/// The client address used for throttling and the audit trail. Forwarded headers are believed
/// only when the operator says a proxy sets them; otherwise anyone could pick their address.
pub fn remote_addr(req: &HttpRequest) -> String {
    crate::auth::proxy::remote_addr(req)
}
