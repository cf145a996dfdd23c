//! The one place a kept form goes in and comes out, for the practitioner forms (the middleware
//! in `kept`) and the portal's diary entry alike: one table (`db::kept_forms`), one cookie
//! holding the random token, one way to prove who wrote a form posted without a live session.
//!
//! The server keeps the token's SHA-256 and the typed fields sealed under a key derived from
//! the token (`auth::sealed`); the token itself lives only in the browser's HttpOnly cookie.
//! Reading the table therefore shows no typed text, and only the browser that posted the form
//! can have it opened again.

use crate::db::AccountId;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::header;
use actix_web::HttpRequest;
use serde::{Deserialize, Serialize};

use crate::auth::sealed;
use crate::auth::session::{cookie_name, is_secure};
use crate::auth::tokens::{constant_time_eq, new_token, sha256_hex, well_formed};
use crate::db::kept_forms::{self, KeptFormRow, LIFETIME};
use crate::db::{now, sessions, Pool};
use crate::web::{remote_addr, run_db, AppResult};

const COOKIE: &str = "htma_kept";

/// A kept form as it goes in and comes back.
#[derive(Debug, Clone)]
pub struct KeptForm {
    /// The account proven to have written it (None: unproven, see `web::kept`).
    pub account_id: Option<AccountId>,
    /// Where the form posts.
    pub action_path: String,
    /// The page that shows it back.
    pub page_path: String,
    /// The url-encoded body as posted.
    pub payload: String,
    /// Field messages to show beside the fields, url-encoded `name=message` (empty: none).
    pub problems: String,
}

/// What is sealed: everything that was typed (and the messages about it).
#[derive(Serialize, Deserialize)]
struct Typed {
    payload: String,
    problems: String,
}

/// The paths the sealed fields are bound to: a row moved to another page does not open.
fn context(action_path: &str, page_path: &str) -> String {
    format!("{action_path}\n{page_path}")
}

fn token(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| well_formed(v))
}

/// Whether the browser holds a kept form (the sign-in page then says why it appears).
pub fn holds(req: &HttpRequest) -> bool {
    token(req).is_some()
}

fn cookie(req: &HttpRequest, token: &str) -> Cookie<'static> {
    Cookie::build(COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .secure(is_secure(req))
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(LIFETIME.num_seconds()))
        .finish()
}

/// The cookie that forgets the kept form in the browser.
pub fn removal_cookie(req: &HttpRequest) -> Cookie<'static> {
    let mut cookie = cookie(req, "");
    cookie.make_removal();
    cookie
}

/// Keeps the form sealed under a new token; returns the cookie that holds the token, or None
/// when this address is over its daily cap of writes made without a session.
pub async fn keep(
    req: &HttpRequest,
    pool: &Pool,
    form: KeptForm,
) -> AppResult<Option<Cookie<'static>>> {
    let token = new_token();
    let typed = Typed {
        payload: form.payload,
        problems: form.problems,
    };
    let plain = serde_json::to_vec(&typed).unwrap_or_default();
    let at = now();
    let row = KeptFormRow {
        token_hash: sha256_hex(&token),
        account_id: form.account_id,
        remote_addr: remote_addr(req),
        sealed: sealed::seal(&token, &context(&form.action_path, &form.page_path), &plain),
        action_path: form.action_path,
        page_path: form.page_path,
        created_at: at,
        expires_at: at + LIFETIME,
    };
    let stored = run_db(pool, move |conn| kept_forms::insert(conn, &row)).await?;
    Ok(stored.then(|| cookie(req, &token)))
}

/// The form this browser's cookie keeps, unexpired and opened.
pub async fn load(req: &HttpRequest, pool: &Pool) -> AppResult<Option<KeptForm>> {
    let Some(token) = token(req) else {
        return Ok(None);
    };
    let hash = sha256_hex(&token);
    let Some(row) = run_db(pool, move |conn| kept_forms::find(conn, &hash, now())).await? else {
        return Ok(None);
    };
    let opened = sealed::open(
        &token,
        &context(&row.action_path, &row.page_path),
        &row.sealed,
    )
    .and_then(|plain| serde_json::from_slice::<Typed>(&plain).ok());
    let Some(typed) = opened else {
        tracing::warn!("a kept form did not open with its token: ignored");
        return Ok(None);
    };
    Ok(Some(KeptForm {
        account_id: row.account_id,
        action_path: row.action_path,
        page_path: row.page_path,
        payload: typed.payload,
        problems: typed.problems,
    }))
}

/// Deletes the form this browser's cookie keeps (shown back or saved: its job is done).
pub async fn forget(req: &HttpRequest, pool: &Pool) -> AppResult<()> {
    let Some(token) = token(req) else {
        return Ok(());
    };
    let hash = sha256_hex(&token);
    run_db(pool, move |conn| kept_forms::delete(conn, &hash)).await
}

/// The account proven to have written a form posted with anti-forgery token `submitted`:
/// - the account of the session row the browser's cookie names (live, or ended but not yet
///   swept), when that session's token is the one submitted;
/// - else, for a same-origin post, the account of a session that ended within the day with
///   that token (signed out in another tab, which also took the cookie; or ended from another
///   device): only a page served to that session held the token.
///
/// Must run before `resolve`, which ends an expired session's row.
pub async fn author_of_post(
    req: &HttpRequest,
    pool: &Pool,
    submitted: &str,
) -> AppResult<Option<AccountId>> {
    if !well_formed(submitted) {
        return Ok(None);
    }
    let session_hash = [cookie_name(true), cookie_name(false)]
        .iter()
        .find_map(|name| req.cookie(name).map(|c| c.value().to_string()))
        .filter(|v| well_formed(v))
        .map(|token| sha256_hex(&token));
    let submitted = submitted.to_string();
    let ended_counts = same_origin(req);
    run_db(pool, move |conn| {
        if let Some(hash) = session_hash {
            let found = sessions::find_with_account(conn, &hash)?;
            if let Some((row, account)) = found {
                if constant_time_eq(&row.csrf_token, &submitted) {
                    return Ok(Some(account.id));
                }
            }
        }
        if !ended_counts {
            return Ok(None);
        }
        sessions::ended_with_csrf(conn, &submitted, now())
    })
    .await
}

/// The browser says the post came from another site (or an origin not ours).
pub fn cross_site(req: &HttpRequest) -> bool {
    let headers = req.headers();
    let site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.eq_ignore_ascii_case("cross-site") || v.eq_ignore_ascii_case("same-site")
        });
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| !o.eq_ignore_ascii_case(&crate::auth::proxy::origin(req)));
    site || origin
}

/// The browser says the post came from one of our pages (`Origin` or `Sec-Fetch-Site`), and
/// nothing it says contradicts that.
pub fn same_origin(req: &HttpRequest) -> bool {
    let headers = req.headers();
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| o.eq_ignore_ascii_case(&crate::auth::proxy::origin(req)));
    let site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("same-origin"));
    (origin || site) && !cross_site(req)
}
