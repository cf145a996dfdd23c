//! Signing in, with throttling per account and per address kept in the database (so it holds
//! across several app instances), and no way to tell an unknown email from a wrong password.

use chrono::Duration;

use super::{password, session};
use crate::db::audit::{self, AuditEntry};
use crate::db::{accounts, login_attempts, now, DbConn, DbError};
use crate::service::validation::{looks_like_email, FieldErrors};

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Higher than per account: a clinic behind one NAT address has several people signing in.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

#[derive(Debug)]
pub enum LoginOutcome {
    SignedIn {
        token: String,
        account_id: i64,
        role: String,
    },
    Rejected,
    Throttled,
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

/// Email addresses are compared lower-cased and trimmed.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn attempt(
    conn: &mut DbConn,
    email: &str,
    password_attempt: &str,
    remote_addr: &str,
) -> Result<LoginOutcome, DbError> {
    let email_key = normalize_email(email);
    let at = now();
    let (by_account, by_address) =
        login_attempts::recent_failures(conn, &email_key, remote_addr, at - WINDOW)?;
    let account = accounts::find_by_email(conn, &email_key)?;
    let account_id = account.as_ref().map(|a| a.id);
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        audit::record(
            conn,
            &AuditEntry {
                account_id,
                action: "sign_in_throttled",
                record_kind: "account",
                record_id: account_id,
                remote_addr: Some(remote_addr),
                detail: "",
            },
        )?;
        return Ok(LoginOutcome::Throttled);
    }
    let verified = match &account {
        Some(a) if a.disabled_at.is_none() => password::verify(password_attempt, &a.password_hash),
        _ => {
            password::verify_dummy(password_attempt);
            false
        }
    };
    login_attempts::record(conn, &email_key, remote_addr, at, verified)?;
    let Some(account) = account.filter(|_| verified) else {
        audit::record(
            conn,
            &AuditEntry {
                account_id,
                action: "sign_in_failed",
                record_kind: "account",
                record_id: account_id,
                remote_addr: Some(remote_addr),
                detail: "",
            },
        )?;
        tracing::info!(account = ?account_id, "failed sign-in");
        return Ok(LoginOutcome::Rejected);
    };
    login_attempts::clear_for_email(conn, &email_key)?;
    if password::needs_rehash(&account.password_hash) {
        if let Ok(upgraded) = password::hash(password_attempt) {
            accounts::update_password_hash(conn, account.id, &upgraded)?;
        }
    }
    let token = session::create(conn, account.id)?;
    audit::record(
        conn,
        &AuditEntry {
            account_id: Some(account.id),
            action: "sign_in",
            record_kind: "account",
            record_id: Some(account.id),
            remote_addr: Some(remote_addr),
            detail: "",
        },
    )?;
    tracing::info!(account = account.id, "signed in");
    Ok(LoginOutcome::SignedIn {
        token,
        account_id: account.id,
        role: account.role,
    })
}

/// Creates a practitioner account; used by the CLI and the one-time setup page.
pub fn create_practitioner(
    conn: &mut DbConn,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<i64, DbError> {
    let id = crate::db::new_id();
    accounts::insert(
        conn,
        &accounts::NewAccount {
            id,
            role: accounts::ROLE_PRACTITIONER,
            email: &normalize_email(email),
            display_name: display_name.trim(),
            password_hash,
            client_id: None,
            created_at: now(),
        },
    )?;
    audit::record(
        conn,
        &AuditEntry {
            account_id: Some(id),
            action: "create",
            record_kind: "account",
            record_id: Some(id),
            remote_addr: None,
            detail: "practitioner account created",
        },
    )?;
    Ok(id)
}
