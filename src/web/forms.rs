//! Helpers shared by the form handlers: per-field error messages and small parsers that turn
//! text fields into typed values with a message a person can act on.

use actix_web::http::header;
use actix_web::HttpResponse;
use chrono::NaiveDate;
use serde::Deserialize;

pub use crate::service::validation::{looks_like_email, FieldErrors};
pub use crate::text::Lines;

/// The body of a form whose only field is its CSRF token (delete, archive, sign out ...).
#[derive(Debug, Deserialize)]
pub struct EmptyForm {}

pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// Trimmed text, or None when blank.
pub fn optional_text(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

pub fn optional_date(value: &str) -> Result<Option<NaiveDate>, String> {
    match value.trim() {
        "" => Ok(None),
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("“{text}” is not a date: use YYYY-MM-DD.")),
    }
}

/// A `next=` target is followed only when it is a path on this site, never another host.
pub fn safe_next(next: &str) -> &str {
    let is_local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
    if is_local && !next.chars().any(char::is_control) {
        next
    } else {
        "/"
    }
}

pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The page number of a `?page=` parameter: 1-based, anything unreadable is page 1.
pub fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        .min(1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next("/clients?q=a"), "/clients?q=a");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/clients\0"), "/");
    }

    #[test]
    fn dates_and_pages() {
        assert_eq!(optional_date(" "), Ok(None));
        assert!(optional_date("2025-02-30").is_err());
        assert_eq!(page_number(Some("x")), 1);
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(url_encode("/a b?c=d"), "/a%20b%3Fc%3Dd");
    }
}
