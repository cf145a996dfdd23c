//! Anti-forgery: every state-changing request carries a synchronizer token in the hidden field
//! `csrf_token`. Signed-in forms use the token stored with the session; the sign-in and setup
//! forms, which come before any session, use a token that must match a cookie (double submit).
//! A cross-site `Origin` or `Sec-Fetch-Site` is refused before the token is even read.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::session::{is_secure, resolve};
use super::tokens::{constant_time_eq, new_token};
use crate::service::AppError;

pub const FIELD: &str = "csrf_token";
const ANON_COOKIE: &str = "htma_csrf";

/// A url-encoded form whose CSRF token has been verified. The only way handlers read a POST.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize, Default)]
struct TokenOnly {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            check_origin(&req)?;
            let body = body.await.map_err(|_| AppError::TooLarge)?;
            let token: TokenOnly = serde_urlencoded::from_bytes(&body).unwrap_or_default();
            verify(&req, &token.csrf_token).await?;
            let form = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
            Ok(CsrfForm(form))
        })
    }
}

/// Refuses requests a browser marks as coming from another site.
pub fn check_origin(req: &HttpRequest) -> Result<(), AppError> {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site.eq_ignore_ascii_case("cross-site") {
            return Err(AppError::CsrfRejected);
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let expected = super::proxy::origin(req);
        if origin != "null" && !origin.eq_ignore_ascii_case(&expected) {
            return Err(AppError::CsrfRejected);
        }
    }
    Ok(())
}

/// Checks a submitted token against the session's, or the pre-session cookie's.
pub async fn verify(req: &HttpRequest, submitted: &str) -> Result<(), AppError> {
    let expected = match resolve(req).await? {
        Some(session) => session.csrf_token.clone(),
        None => req
            .cookie(ANON_COOKIE)
            .map(|c| c.value().to_string())
            .unwrap_or_default(),
    };
    if expected.len() == 64 && constant_time_eq(submitted, &expected) {
        Ok(())
    } else {
        Err(AppError::CsrfRejected)
    }
}

/// The token to embed in a form on a page: the session's when signed in, else the pre-session
/// cookie's (returned with the cookie to set when the browser has none yet).
pub async fn token_for_page(
    req: &HttpRequest,
) -> Result<(String, Option<Cookie<'static>>), AppError> {
    if let Some(session) = resolve(req).await? {
        return Ok((session.csrf_token.clone(), None));
    }
    if let Some(existing) = req.cookie(ANON_COOKIE) {
        let value = existing.value();
        if value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok((value.to_string(), None));
        }
    }
    let token = new_token();
    let cookie = Cookie::build(ANON_COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .secure(is_secure(req))
        .same_site(SameSite::Strict)
        .finish();
    Ok((token, Some(cookie)))
}
