//! The device cookie: set on a browser when an account signs in on it, sent back on the next
//! sign-in so that browser is counted on its own (see `login`). It proves nothing by itself:
//! the password is still checked.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::HttpRequest;

use super::login::DEVICE_LIFETIME;
use super::session::is_secure;

const COOKIE: &str = "htma_device";

/// The browser's device cookie, when it holds a well-formed token.
pub fn token_from(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn cookie(req: &HttpRequest, token: &str) -> Cookie<'static> {
    Cookie::build(COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .secure(is_secure(req))
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(DEVICE_LIFETIME.num_seconds()))
        .finish()
}
