//! Helpers every page handler shares to produce its response: rendering a page template (for a
//! signed-in account, or for a visitor before any session) and the server's "today" for pages
//! that have no client time zone to go by.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};

use super::{AppError, AppResult, Layout};
use crate::auth::csrf::token_for_page;

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

/// Renders a page for a visitor before any session (sign-in, setup, the code step, an
/// invitation, the portal's resume): its forms carry the pre-session anti-forgery token, whose
/// cookie is set when the browser has none yet. `page` builds the page around its layout.
pub async fn render_anonymous_page<P: askama::Template>(
    req: &HttpRequest,
    status: StatusCode,
    page: impl FnOnce(Layout) -> P,
) -> AppResult<HttpResponse> {
    let (csrf, cookie) = token_for_page(req).await?;
    let mut response = render_page(status, &page(Layout::anonymous(csrf)))?;
    if let Some(cookie) = cookie {
        add_cookie(&mut response, &cookie)?;
    }
    Ok(response)
}

/// Sets a cookie on a response (it fails only for a cookie that cannot be a header).
pub fn add_cookie(response: &mut HttpResponse, cookie: &Cookie<'_>) -> AppResult<()> {
    response
        .add_cookie(cookie)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The server's date (UTC), for the practitioner's pages; the portal uses the client's own
/// calendar (`PortalClient::today`).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
