//! Helpers every page handler shares to produce its response: rendering a page template and the
//! server's "today" for pages that have no client time zone to go by.

use chrono::{NaiveDate, Utc};

use super::{AppError, AppResult};

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

/// The server's date (UTC), for the practitioner's pages; the portal uses the client's own
/// calendar (`PortalClient::today`).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
