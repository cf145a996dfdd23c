//! The second factor at sign-in and when the owner changes it (OWASP ASVS 5.0 6.3.2).
//!
//! A right password on an account with a second factor does not make a session: it makes a
//! *pending sign-in*, a random token in a short-lived cookie that only lets the browser be asked
//! for the code. The code step is counted by the same throttling as the password step (one
//! attempt per code, against the account, its device cookie and the address), and a right
//! password does not forgive the failures counted before: only a completed sign-in does, so
//! entering the password again never buys more guesses at the code.
//!
//! Changing the second factor needs the password again and a code (ASVS 7.5.1), checked here
//! with the same throttling; the change itself is a command (`service::commands::second_factor`)
//! that takes the code as used inside its transaction.

use crate::db::AccountId;
use chrono::{Duration, Utc};

use super::login::{account_event, admit, device_key, record_event, trust_device, LoginOutcome};
use super::password;
use super::session;
use super::tokens::{new_token, sha256_hex};
use super::totp::{self, Answer};
use crate::db::accounts::{self, Account};
use crate::db::login_attempts::{self, AttemptKey};
use crate::db::{now, second_factors, DbConn, DbError};
use crate::service::commands::second_factor::{self as commands, Used};
use crate::service::commands::{audited, Actor, Event};

/// How long the code may take after the password.
pub const PENDING_LIFETIME: Duration = Duration::minutes(5);

fn unix_now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

/// After a right password: the token of the pending sign-in for the cookie.
pub fn start_pending(conn: &mut DbConn, account_id: AccountId) -> Result<String, DbError> {
    let token = new_token();
    let at = now();
    second_factors::insert_pending(
        conn,
        &sha256_hex(&token),
        account_id,
        at,
        at + PENDING_LIFETIME,
    )?;
    Ok(token)
}

/// The code step of a sign-in, as typed, with where it comes from.
pub struct CodeAttempt<'a> {
    /// The pending sign-in's cookie.
    pub pending_token: &'a str,
    pub typed: &'a str,
    pub remote_addr: &'a str,
    pub device_token: Option<&'a str>,
}

fn failed(
    conn: &mut DbConn,
    account_id: AccountId,
    remote_addr: &str,
    detail: &str,
) -> Result<(), DbError> {
    tracing::info!(account = %account_id, "wrong second factor");
    let actor = Actor {
        account_id,
        remote_addr,
    };
    audited(conn, actor, |_, trail| {
        trail.record(Event {
            action: commands::FAILED,
            record_kind: commands::RECORD_KIND,
            record_id: Some(account_id.get()),
            detail,
        });
        Ok(())
    })
}

/// What the typed answer proves against the account's stored factor, without taking it.
fn check_stored(
    conn: &mut DbConn,
    account_id: AccountId,
    answer: &Answer,
) -> Result<Option<Used>, DbError> {
    let Some(factor) = second_factors::find(conn, account_id)? else {
        return Ok(None);
    };
    Ok(match answer {
        Answer::Code(code) => totp::check_code(&factor.secret, code, unix_now())
            .filter(|step| *step > factor.last_step)
            .map(Used::Step),
        // Checked here and taken (conditionally, so once) by the command.
        Answer::Recovery(hash) => second_factors::is_unused_recovery_code(conn, account_id, hash)?
            .then(|| Used::Recovery(hash.clone())),
        Answer::Malformed => None,
    })
}

/// Completes a sign-in with its code: a session, or the code refused, paused or expired.
pub fn attempt_code(conn: &mut DbConn, attempt: &CodeAttempt) -> Result<LoginOutcome, DbError> {
    let pending_hash = sha256_hex(attempt.pending_token);
    let Some(account_id) = second_factors::pending_account(conn, &pending_hash, now())? else {
        return Ok(LoginOutcome::SecondFactorExpired);
    };
    let Some(account) = accounts::find(conn, account_id)?.filter(|a| a.disabled_at.is_none())
    else {
        return Ok(LoginOutcome::SecondFactorExpired);
    };
    let remote_addr = attempt.remote_addr;
    let device = device_key(conn, attempt.device_token, Some(account.id))?;
    let key = AttemptKey {
        email_key: &account.email,
        remote_addr,
        device_key: device.as_deref(),
    };
    let Some(attempt_id) = admit(conn, &key)? else {
        record_event(conn, "sign_in_throttled", Some(account.id), remote_addr)?;
        return Ok(LoginOutcome::Throttled);
    };
    let actor = Actor {
        account_id: account.id,
        remote_addr,
    };
    let answer = totp::parse_answer(attempt.typed);
    let used = check_stored(conn, account.id, &answer)?;
    let signed_in = match used {
        None => None,
        Some(used) => audited(conn, actor, |conn, trail| {
            // Taking the code and ending the pending sign-in in one transaction: a replay, or
            // a second request with the same pending cookie, finds one of them gone.
            if !commands::take(conn, trail, account.id, &used)?
                || !second_factors::take_pending(conn, &pending_hash)?
            {
                return Ok(None);
            }
            let new_device = match device {
                Some(_) => None,
                None => Some(trust_device(conn, account.id)?),
            };
            let token = session::create(conn, account.id)?;
            trail.record(account_event("sign_in", Some(account.id)));
            Ok(Some((token, new_device)))
        })?,
    };
    let Some((token, new_device)) = signed_in else {
        failed(conn, account.id, remote_addr, "the code at sign-in")?;
        return Ok(LoginOutcome::Rejected);
    };
    login_attempts::mark_succeeded(conn, attempt_id)?;
    login_attempts::clear_for(conn, &key)?;
    tracing::info!(account = %account.id, "signed in with a second factor");
    Ok(LoginOutcome::SignedIn {
        token,
        account_id: account.id,
        role: account.role,
        new_device,
    })
}

/// The owner proving themselves again before changing the second factor.
pub struct OwnerProof<'a> {
    pub password: &'a str,
    pub typed: &'a str,
    pub remote_addr: &'a str,
    pub device_token: Option<&'a str>,
}

/// Which factor the typed code must match.
pub enum Against<'a> {
    /// The account's own (turning it off).
    Stored,
    /// A new secret being confirmed (turning it on): only an app code, never a recovery code.
    New(&'a str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerCheck {
    /// Password and code right; the code is still to be taken by the command.
    Passed(Used),
    Refused,
    Throttled,
}

/// Checks the password and the code of a signed-in account, counted like sign-in attempts.
pub fn check_owner(
    conn: &mut DbConn,
    account: &Account,
    proof: &OwnerProof,
    against: Against,
    purpose: &str,
) -> Result<OwnerCheck, DbError> {
    let device = device_key(conn, proof.device_token, Some(account.id))?;
    let key = AttemptKey {
        email_key: &account.email,
        remote_addr: proof.remote_addr,
        device_key: device.as_deref(),
    };
    let Some(attempt_id) = admit(conn, &key)? else {
        record_event(
            conn,
            "sign_in_throttled",
            Some(account.id),
            proof.remote_addr,
        )?;
        return Ok(OwnerCheck::Throttled);
    };
    let answer = totp::parse_answer(proof.typed);
    // Both are always checked, so the answer's timing does not tell which one was wrong.
    let password_right = password::verify(proof.password, &account.password_hash);
    let used = match (against, &answer) {
        (Against::New(secret), Answer::Code(code)) => {
            totp::check_code(secret, code, unix_now()).map(Used::Step)
        }
        (Against::New(_), _) => None,
        (Against::Stored, answer) => check_stored(conn, account.id, answer)?,
    };
    match used.filter(|_| password_right) {
        Some(used) => {
            login_attempts::mark_succeeded(conn, attempt_id)?;
            Ok(OwnerCheck::Passed(used))
        }
        None => {
            failed(conn, account.id, proof.remote_addr, purpose)?;
            Ok(OwnerCheck::Refused)
        }
    }
}

/// What proving oneself again before changing one's own sign-in found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reauth {
    /// The password is right, and so is the code when the second factor is on (still to be
    /// taken by the command, in its transaction).
    Passed(Option<Used>),
    Refused,
    Throttled,
}

/// Checks a signed-in account's password before it changes its password or sign-in email, and
/// its code too when the second factor is on (ASVS 6.2.3, 7.5.1), counted like sign-in
/// attempts so a session left open does not become a way to guess the password.
pub fn check_reauth(
    conn: &mut DbConn,
    account: &Account,
    proof: &OwnerProof,
    purpose: &str,
) -> Result<Reauth, DbError> {
    if second_factors::is_on(conn, account.id)? {
        return Ok(
            match check_owner(conn, account, proof, Against::Stored, purpose)? {
                OwnerCheck::Passed(used) => Reauth::Passed(Some(used)),
                OwnerCheck::Refused => Reauth::Refused,
                OwnerCheck::Throttled => Reauth::Throttled,
            },
        );
    }
    let device = device_key(conn, proof.device_token, Some(account.id))?;
    let key = AttemptKey {
        email_key: &account.email,
        remote_addr: proof.remote_addr,
        device_key: device.as_deref(),
    };
    let Some(attempt_id) = admit(conn, &key)? else {
        record_event(
            conn,
            "sign_in_throttled",
            Some(account.id),
            proof.remote_addr,
        )?;
        return Ok(Reauth::Throttled);
    };
    if password::verify(proof.password, &account.password_hash) {
        login_attempts::mark_succeeded(conn, attempt_id)?;
        return Ok(Reauth::Passed(None));
    }
    tracing::info!(
        account = %account.id,
        "wrong password before an account change"
    );
    let actor = Actor {
        account_id: account.id,
        remote_addr: proof.remote_addr,
    };
    audited(conn, actor, |_, trail| {
        trail.record(Event {
            action: "password_check_failed",
            record_kind: commands::RECORD_KIND,
            record_id: Some(account.id.get()),
            detail: purpose,
        });
        Ok(())
    })?;
    Ok(Reauth::Refused)
}
