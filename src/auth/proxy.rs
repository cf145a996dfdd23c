//! Where a request says it came from. Behind a TLS-terminating proxy (`--trust-proxy`) the
//! `Forwarded` / `X-Forwarded-*` headers carry the browser's scheme, host and address; without
//! one, anybody can send those headers, so they change nothing: the scheme is the listener's
//! (plain HTTP) and the host is the request's own `Host`.

use actix_web::{http::header, web, HttpRequest};

use crate::config::ServerConfig;

/// Whether the operator said a proxy in front overwrites the forwarded headers.
pub fn trusts_proxy(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<ServerConfig>>()
        .is_some_and(|s| s.trust_proxy)
}

/// `https` or `http`, as the browser used it.
pub fn scheme(req: &HttpRequest) -> String {
    if trusts_proxy(req) {
        return req.connection_info().scheme().to_string();
    }
    // The server itself only listens for plain HTTP.
    req.uri().scheme_str().unwrap_or("http").to_string()
}

/// The host (and port) the browser addressed.
pub fn host(req: &HttpRequest) -> String {
    if trusts_proxy(req) {
        return req.connection_info().host().to_string();
    }
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default()
}

/// `scheme://host`, what a same-origin browser sends as `Origin`.
pub fn origin(req: &HttpRequest) -> String {
    format!("{}://{}", scheme(req), host(req))
}

/// The client's address, for throttling and the audit trail.
pub fn remote_addr(req: &HttpRequest) -> String {
    if trusts_proxy(req) {
        if let Some(addr) = req.connection_info().realip_remote_addr() {
            return addr.to_string();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
