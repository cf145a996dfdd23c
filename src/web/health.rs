use actix_web::{web, HttpResponse};

use super::run_db;
use crate::db::Pool;

/// 200 after a real round trip to the database, 503 when it cannot be reached.
pub async fn healthz(pool: web::Data<Pool>) -> HttpResponse {
    match run_db(&pool, crate::db::ping).await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok\n"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable\n")
        }
    }
}
