//! Server-side sessions: the cookie holds a random token, the database holds its hash, the
//! account, the CSRF token and the expiry. Revoking is deleting the row, so logout is real and
//! several app instances can share one database.

use crate::db::AccountId;
use std::sync::Arc;

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{HttpMessage, HttpRequest};
use chrono::{Duration, NaiveDateTime};

use crate::db::accounts::Account;
use crate::db::sessions::{self, SessionRow};
use crate::db::{now, DbConn, DbError, Pool};
use crate::service::commands::{audited, Actor, Event};
use crate::service::{run_db, AppError};

use super::tokens::{new_token, sha256_hex};

/// Automatic logoff after this long without a request (HIPAA 164.312(a)(2)(iii)); the operator
/// may shorten it (`ServerConfig::idle_timeout`).
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session ends after this long however active it is.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Writing `last_seen_at` on every request would turn every page view into a write.
const TOUCH_EVERY: Duration = Duration::seconds(60);

const COOKIE: &str = "htma_session";
/// The `__Host-` prefix pins the cookie to this host and path, but browsers accept it only
/// with `Secure`, so it is used only over TLS.
const SECURE_COOKIE: &str = "__Host-htma_session";

#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub token_hash: String,
    pub csrf_token: String,
    pub account: Account,
    /// When the session ends if nothing more happens (idle timeout, or the absolute one).
    pub ends_at: NaiveDateTime,
}

impl SessionInfo {
    /// Seconds until the session ends without further activity (never negative).
    pub fn seconds_left(&self) -> i64 {
        (self.ends_at - now()).num_seconds().max(0)
    }
}

/// The idle timeout in force: the server's configuration, else the default.
pub fn idle_timeout(req: &HttpRequest) -> Duration {
    req.app_data::<actix_web::web::Data<crate::config::ServerConfig>>()
        .map(|c| c.idle_timeout)
        .unwrap_or(IDLE_TIMEOUT)
}

/// When a session seen at `last_seen` ends.
pub fn ends_at(row: &SessionRow, last_seen: NaiveDateTime, idle: Duration) -> NaiveDateTime {
    (last_seen + idle).min(row.expires_at)
}

/// Whether this request reached us over TLS, directly or via a proxy that says so.
pub fn is_secure(req: &HttpRequest) -> bool {
    super::proxy::scheme(req) == "https"
}

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

fn token_from(req: &HttpRequest) -> Option<String> {
    [SECURE_COOKIE, COOKIE]
        .iter()
        .find_map(|name| req.cookie(name).map(|c| c.value().to_string()))
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

pub fn session_cookie(req: &HttpRequest, token: &str) -> Cookie<'static> {
    let secure = is_secure(req);
    Cookie::build(cookie_name(secure), token.to_string())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(ABSOLUTE_TIMEOUT.num_seconds()))
        .finish()
}

pub fn removal_cookie(req: &HttpRequest) -> Cookie<'static> {
    let secure = is_secure(req);
    let mut cookie = Cookie::build(cookie_name(secure), "")
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish();
    cookie.make_removal();
    cookie
}

/// Creates a session for the account and returns the token for the cookie. A new token at every
/// sign-in (ASVS V7.2.4): a token planted before sign-in is worthless after it.
pub fn create(conn: &mut DbConn, account_id: AccountId) -> Result<String, DbError> {
    let token = new_token();
    let at = now();
    sessions::insert(
        conn,
        &SessionRow {
            token_hash: sha256_hex(&token),
            account_id,
            csrf_token: new_token(),
            created_at: at,
            last_seen_at: at,
            expires_at: at + ABSOLUTE_TIMEOUT,
            // Noted on the session's first request, which has the browser's headers.
            user_agent: String::new(),
            remote_addr: String::new(),
        },
    )?;
    Ok(token)
}

/// Signing out: the session ends, audited as the account's.
pub fn end(conn: &mut DbConn, actor: &Actor, token_hash: &str) -> Result<(), DbError> {
    audited(conn, actor, |conn, trail| {
        sessions::delete(conn, token_hash)?;
        trail.record(Event {
            action: "sign_out",
            record_kind: "account",
            record_id: Some(actor.account_id.get()),
            detail: "",
        });
        Ok(())
    })
}

fn is_live(row: &SessionRow, account: &Account, at: NaiveDateTime, idle: Duration) -> bool {
    account.disabled_at.is_none() && row.expires_at > at && row.last_seen_at + idle > at
}

#[derive(Clone)]
struct Resolved(Option<Arc<SessionInfo>>);

/// The session this request already resolved, without asking the database: for pages drawn
/// when the database may be what failed.
pub fn already_resolved(req: &HttpRequest) -> Option<Arc<SessionInfo>> {
    req.extensions()
        .get::<Resolved>()
        .and_then(|resolved| resolved.0.clone())
}

/// The signed-in session of this request, if any; looked up once per request and remembered in
/// the request's extensions, so several extractors cost one query.
pub async fn resolve(req: &HttpRequest) -> Result<Option<Arc<SessionInfo>>, AppError> {
    let lookup = match pending(req) {
        Pending::Known(known) => return Ok(known),
        Pending::Lookup(lookup) => lookup,
    };
    let pool = pool_of(req)?;
    let found = run_db(&pool, move |conn| lookup.run(conn))
        .await?
        .map(Arc::new);
    remember(req, found.clone());
    Ok(found)
}

/// Where this request's session is to come from: known already (resolved earlier in the
/// request, or no session cookie at all), or a lookup to run on the database thread, alone
/// (`resolve`) or with the first reads of the request (the record extractors).
pub(super) enum Pending {
    Known(Option<Arc<SessionInfo>>),
    Lookup(SessionLookup),
}

/// The database half of `resolve`: what it needs from the request, taken before the trip.
pub(super) struct SessionLookup {
    token_hash: String,
    seen_from: SeenFrom,
    idle: Duration,
}

impl SessionLookup {
    pub(super) fn run(&self, conn: &mut DbConn) -> Result<Option<SessionInfo>, DbError> {
        lookup(conn, &self.token_hash, &self.seen_from, self.idle)
    }
}

pub(super) fn pending(req: &HttpRequest) -> Pending {
    if let Some(resolved) = req.extensions().get::<Resolved>() {
        return Pending::Known(resolved.0.clone());
    }
    match token_from(req) {
        None => {
            remember(req, None);
            Pending::Known(None)
        }
        Some(token) => Pending::Lookup(SessionLookup {
            token_hash: sha256_hex(&token),
            seen_from: SeenFrom::of(req),
            idle: idle_timeout(req),
        }),
    }
}

/// Remembers the session a `SessionLookup` found, for the rest of the request.
pub(super) fn remember(req: &HttpRequest, found: Option<Arc<SessionInfo>>) {
    req.extensions_mut().insert(Resolved(found));
}

/// The browser and address a request comes from, as the account's list of sessions shows them.
struct SeenFrom {
    user_agent: String,
    remote_addr: String,
}

impl SeenFrom {
    fn of(req: &HttpRequest) -> SeenFrom {
        let user_agent = req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(sessions::USER_AGENT_MAX)
            .collect();
        SeenFrom {
            user_agent,
            remote_addr: super::proxy::remote_addr(req),
        }
    }
}

fn lookup(
    conn: &mut DbConn,
    token_hash: &str,
    seen_from: &SeenFrom,
    idle: Duration,
) -> Result<Option<SessionInfo>, DbError> {
    let Some((row, account)) = sessions::find_with_account(conn, token_hash)? else {
        return Ok(None);
    };
    let at = now();
    if !is_live(&row, &account, at, idle) {
        sessions::delete(conn, token_hash)?;
        return Ok(None);
    }
    let mut last_seen = row.last_seen_at;
    let moved = row.user_agent != seen_from.user_agent || row.remote_addr != seen_from.remote_addr;
    if moved || at - row.last_seen_at > TOUCH_EVERY {
        sessions::touch_from(
            conn,
            token_hash,
            at,
            &seen_from.user_agent,
            &seen_from.remote_addr,
        )?;
        last_seen = at;
    }
    Ok(Some(SessionInfo {
        ends_at: ends_at(&row, last_seen, idle),
        token_hash: row.token_hash,
        csrf_token: row.csrf_token,
        account,
    }))
}

/// Counts now as activity (the "stay signed in" button): the session's idle clock starts again.
/// Returns the seconds left after it.
pub async fn extend(req: &HttpRequest, session: &SessionInfo) -> Result<i64, AppError> {
    let pool = pool_of(req)?;
    let idle = idle_timeout(req);
    let token_hash = session.token_hash.clone();
    let seen_from = SeenFrom::of(req);
    let ends = run_db(&pool, move |conn| {
        let at = now();
        sessions::touch_from(
            conn,
            &token_hash,
            at,
            &seen_from.user_agent,
            &seen_from.remote_addr,
        )?;
        Ok::<_, DbError>(
            sessions::find_with_account(conn, &token_hash)?.map(|(row, _)| ends_at(&row, at, idle)),
        )
    })
    .await?;
    Ok(ends.map_or(0, |e| (e - now()).num_seconds().max(0)))
}

pub fn pool_of(req: &HttpRequest) -> Result<Pool, AppError> {
    req.app_data::<actix_web::web::Data<Pool>>()
        .map(|p| p.get_ref().clone())
        .ok_or_else(|| AppError::Internal("database pool missing from app data".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::accounts::Role;

    fn account() -> Account {
        Account {
            id: AccountId(1),
            role: Role::Practitioner,
            email: "a@b.c".into(),
            display_name: "A".into(),
            password_hash: String::new(),
            client_id: None,
            created_at: now(),
            disabled_at: None,
        }
    }

    fn row(created: NaiveDateTime, seen: NaiveDateTime) -> SessionRow {
        SessionRow {
            token_hash: "h".into(),
            account_id: AccountId(1),
            csrf_token: "c".into(),
            created_at: created,
            last_seen_at: seen,
            expires_at: created + ABSOLUTE_TIMEOUT,
            user_agent: String::new(),
            remote_addr: String::new(),
        }
    }

    #[test]
    fn idle_and_absolute_expiry() {
        let t0 = now();
        assert!(is_live(
            &row(t0, t0),
            &account(),
            t0 + Duration::minutes(29),
            IDLE_TIMEOUT
        ));
        assert!(!is_live(
            &row(t0, t0),
            &account(),
            t0 + Duration::minutes(31),
            IDLE_TIMEOUT
        ));
        // A shorter idle timeout from the configuration ends it sooner.
        assert!(!is_live(
            &row(t0, t0),
            &account(),
            t0 + Duration::minutes(3),
            Duration::minutes(2)
        ));
        assert_eq!(
            ends_at(
                &row(t0, t0),
                t0 + Duration::hours(11) + Duration::minutes(50),
                IDLE_TIMEOUT
            ),
            t0 + ABSOLUTE_TIMEOUT,
            "the absolute timeout comes first"
        );
        let busy = row(t0, t0 + Duration::hours(12));
        assert!(!is_live(
            &busy,
            &account(),
            t0 + Duration::hours(12) + Duration::seconds(1),
            IDLE_TIMEOUT
        ));
        let mut disabled = account();
        disabled.disabled_at = Some(t0);
        assert!(!is_live(&row(t0, t0), &disabled, t0, IDLE_TIMEOUT));
    }
}
