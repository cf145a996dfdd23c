//! Signing in, with throttling per account and per address kept in the database (so it holds
//! across several app instances), and no way to tell an unknown email from a wrong password.
//!
//! Five failures per account pause sign-in for browsers without a device cookie of that
//! account; a browser that signed in to it before has its own count, so guesses from elsewhere
//! never lock the owner out (OWASP device cookies). The per-address limit applies to everyone.

use crate::db::AccountId;
use chrono::Duration;

use super::tokens::{new_token, sha256_hex};
use super::{password, session};
use crate::db::login_attempts::{self, AttemptKey};
use crate::db::{accounts, now, second_factors, trusted_devices, DbConn, DbError};
use crate::service::commands::{audited, Author, Event};
use crate::service::validation::{looks_like_email, FieldErrors};

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Higher than per account: a clinic behind one NAT address has several people signing in.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

/// How long a device cookie lets its browser past the per-account pause.
pub const DEVICE_LIFETIME: Duration = Duration::days(180);

#[derive(Debug)]
pub enum LoginOutcome {
    SignedIn {
        token: String,
        account_id: AccountId,
        role: accounts::Role,
        /// A new device cookie for this browser, when it had no valid one for this account.
        new_device: Option<String>,
    },
    Rejected,
    Throttled,
    /// The password was right and the account has a second factor: the token of the pending
    /// sign-in, for the cookie that leads to the code step (no session yet).
    SecondFactorNeeded {
        pending_token: String,
    },
    /// The code step came without a live pending sign-in (expired, used, or never made).
    SecondFactorExpired,
}

/// The rules for a new account's name, email and password, the same for the setup page and
/// `create-practitioner` on the command line.
pub fn validate_new_account(
    name: &str,
    email: &str,
    password_value: &str,
    confirm: Option<&str>,
) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.check_text("name", name, crate::text::Lines::Single);
    if name.trim().is_empty() {
        errors.add("name", "Enter your name.");
    } else if name.trim().chars().count() > 200 {
        errors.add("name", "Use at most 200 characters.");
    }
    let email = email.trim();
    if !looks_like_email(email) {
        errors.add("email", "Enter an email address like name@example.com.");
    }
    if let Err(e) = password::check_policy(password_value) {
        errors.add("password", e.to_string());
    } else if confirm.is_some_and(|c| c != password_value) {
        errors.add("password_confirm", "The two passwords differ.");
    }
    errors
}

/// One sign-in attempt as typed, with where it comes from.
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub remote_addr: &'a str,
    /// The browser's device cookie, if it sent a well-formed one.
    pub device_token: Option<&'a str>,
}

/// Email addresses are compared lower-cased and trimmed.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Records the attempt, then counts: the attempt may be checked only if the failures counted
/// against it, itself included, stay within the limits. A throttled attempt is forgotten (it
/// was never checked). Must not run inside a transaction: the recorded attempt has to be
/// visible to concurrent attempts before this one counts (see `db::login_attempts`).
pub(crate) fn admit(conn: &mut DbConn, key: &AttemptKey) -> Result<Option<i64>, DbError> {
    let at = now();
    let id = login_attempts::record_failed(conn, key, at)?;
    let (by_account, by_address) = login_attempts::recent_failures(conn, key, at - WINDOW)?;
    if by_account > MAX_FAILURES_PER_ACCOUNT || by_address > MAX_FAILURES_PER_ADDRESS {
        login_attempts::forget(conn, id)?;
        return Ok(None);
    }
    Ok(Some(id))
}

/// An event of signing in to `account_id` (none: an email of no account).
pub(super) fn account_event(action: &str, account_id: Option<AccountId>) -> Event<'_> {
    Event {
        action,
        record_kind: "account",
        record_id: account_id.map(AccountId::get),
        detail: "",
    }
}

/// Records a sign-in event that changes nothing else (a refused or paused attempt), named by
/// the account it was for and the address it came from.
pub(super) fn record_event(
    conn: &mut DbConn,
    action: &str,
    account_id: Option<AccountId>,
    remote_addr: &str,
) -> Result<(), DbError> {
    audited(
        conn,
        Author::request(account_id, remote_addr),
        |_, trail| {
            trail.record_refused(account_event(action, account_id));
            Ok(())
        },
    )
}

/// The device key of this attempt: the cookie's hash when it is a valid device of the account.
pub(super) fn device_key(
    conn: &mut DbConn,
    device_token: Option<&str>,
    account_id: Option<AccountId>,
) -> Result<Option<String>, DbError> {
    let (Some(token), Some(account_id)) = (device_token, account_id) else {
        return Ok(None);
    };
    let hash = sha256_hex(token);
    Ok(trusted_devices::is_trusted(conn, &hash, account_id, now())?.then_some(hash))
}

pub fn attempt(conn: &mut DbConn, credentials: &Credentials) -> Result<LoginOutcome, DbError> {
    let email_key = normalize_email(credentials.email);
    let remote_addr = credentials.remote_addr;
    if !crate::text::is_clean(&email_key, crate::text::Lines::Single) {
        // No account has such an email (forms refuse it), and PostgreSQL cannot even compare
        // with a NUL: answered like an unknown email, in the same time.
        password::verify_dummy(credentials.password);
        return Ok(LoginOutcome::Rejected);
    }
    let account = accounts::find_by_email(conn, &email_key)?;
    let account_id = account.as_ref().map(|a| a.id);
    let device = device_key(conn, credentials.device_token, account_id)?;
    let key = AttemptKey {
        email_key: &email_key,
        remote_addr,
        device_key: device.as_deref(),
    };
    let Some(attempt_id) = admit(conn, &key)? else {
        record_event(conn, "sign_in_throttled", account_id, remote_addr)?;
        return Ok(LoginOutcome::Throttled);
    };
    let verified = match &account {
        Some(a) if a.disabled_at.is_none() => {
            password::verify(credentials.password, &a.password_hash)
        }
        _ => {
            password::verify_dummy(credentials.password);
            false
        }
    };
    let Some(account) = account.filter(|_| verified) else {
        record_event(conn, "sign_in_failed", account_id, remote_addr)?;
        tracing::info!(account = ?account_id, "failed sign-in");
        return Ok(LoginOutcome::Rejected);
    };
    // Hashed before the write lock is taken: hashing is the slow part.
    let upgraded = password::needs_rehash(&account.password_hash)
        .then(|| password::hash(credentials.password).ok())
        .flatten();
    let author = Author::request(Some(account.id), remote_addr);
    audited(conn, author, |conn, trail| {
        login_attempts::mark_succeeded(conn, attempt_id)?;
        if let Some(upgraded) = &upgraded {
            accounts::update_password_hash(conn, account.id, upgraded)?;
        }
        if second_factors::is_on(conn, account.id)? {
            // Half-way: the failures counted so far stay until the code is right too, so the
            // password, entered again, never buys more guesses at the code.
            let pending_token = super::second_factor::start_pending(conn, account.id)?;
            trail.record(account_event("sign_in_code_asked", Some(account.id)));
            return Ok(LoginOutcome::SecondFactorNeeded { pending_token });
        }
        login_attempts::clear_for(conn, &key)?;
        let new_device = match device {
            Some(_) => None,
            None => Some(trust_device(conn, account.id)?),
        };
        let token = session::create(conn, account.id)?;
        trail.record(account_event("sign_in", Some(account.id)));
        tracing::info!(account = %account.id, "signed in");
        Ok(LoginOutcome::SignedIn {
            token,
            account_id: account.id,
            role: account.role,
            new_device,
        })
    })
}

/// A new device cookie value for a browser that just signed in to this account.
pub fn trust_device(conn: &mut DbConn, account_id: AccountId) -> Result<String, DbError> {
    let token = new_token();
    let at = now();
    trusted_devices::insert(
        conn,
        &sha256_hex(&token),
        account_id,
        at,
        at + DEVICE_LIFETIME,
    )?;
    Ok(token)
}

/// Creates a practitioner account; used by the CLI and the seeder.
pub fn create_practitioner(
    conn: &mut DbConn,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<AccountId, DbError> {
    let id = AccountId::fresh();
    audited(conn, author_of_new(id), |conn, trail| {
        insert_practitioner(conn, trail, id, email, display_name, password_hash)
    })?;
    Ok(id)
}

/// The one-time setup: the first practitioner's account and a session for it, or `None` when a
/// practitioner exists already (checked inside the write lock: two browsers racing on setup
/// create one account). The setup page is answered like the command line, without an address.
pub fn set_up_first_practitioner(
    conn: &mut DbConn,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<Option<String>, DbError> {
    let id = AccountId::fresh();
    audited(conn, author_of_new(id), |conn, trail| {
        if accounts::count_practitioners(conn)? > 0 {
            return Ok(None);
        }
        insert_practitioner(conn, trail, id, email, display_name, password_hash)?;
        Ok(Some(session::create(conn, id)?))
    })
}

/// A new account is the author of its own creation.
fn author_of_new(id: AccountId) -> Author<'static> {
    Author {
        account_id: Some(id),
        remote_addr: None,
    }
}

fn insert_practitioner(
    conn: &mut DbConn,
    trail: &mut crate::service::commands::Trail,
    id: AccountId,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<(), DbError> {
    accounts::insert(
        conn,
        &accounts::NewAccount {
            id,
            role: accounts::Role::Practitioner,
            email: &normalize_email(email),
            display_name: display_name.trim(),
            password_hash,
            client_id: None,
            created_at: now(),
        },
    )?;
    trail.record(Event {
        action: "create",
        record_kind: "account",
        record_id: Some(id.get()),
        detail: "practitioner account created",
    });
    Ok(())
}
