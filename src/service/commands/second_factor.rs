//! Turning an account's second factor on and off, each in one write transaction with its audit
//! events. The owner's password and code are checked before (in `auth::second_factor`, with
//! the sign-in throttling); the code is only *taken* here, inside the transaction, so a code
//! replayed between the check and the change fails the change.

use crate::db::AccountId;
use crate::db::{accounts, now, second_factors, sessions, DbConn, DbError};

use super::{audited, Actor, Author, Event, Trail};

pub const RECORD_KIND: &str = "account";
pub const ENROLLED: &str = "second_factor_enrolled";
pub const DISABLED: &str = "second_factor_disabled";
pub const RECOVERY_USED: &str = "second_factor_recovery_used";
pub const RESET: &str = "second_factor_reset";
pub const FAILED: &str = "second_factor_failed";

/// A second factor that was checked and is to be taken as used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Used {
    /// A code of this time step from the authenticator app.
    Step(i64),
    /// A recovery code, by its hash.
    Recovery(String),
}

/// An event about the account's own second factor.
fn note(trail: &mut Trail, account_id: AccountId, action: &str, detail: &str) {
    trail.record(Event {
        action,
        record_kind: RECORD_KIND,
        record_id: Some(account_id.get()),
        detail,
    });
}

/// Takes a checked second factor as used (false: used meanwhile), auditing a recovery code.
/// Runs inside the caller's audited write.
pub fn take(
    conn: &mut DbConn,
    trail: &mut Trail,
    account_id: AccountId,
    used: &Used,
) -> Result<bool, DbError> {
    match used {
        Used::Step(step) => second_factors::use_step(conn, account_id, *step),
        Used::Recovery(hash) => {
            let taken = second_factors::use_recovery_code(conn, account_id, hash, now())?;
            if taken {
                let left = second_factors::unused_recovery_codes(conn, account_id)?;
                note(
                    trail,
                    account_id,
                    RECOVERY_USED,
                    &format!("{left} recovery codes left"),
                );
            }
            Ok(taken)
        }
    }
}

/// Turns the second factor on with `secret`, confirmed by a code of `step`, and the hashes of
/// ten new recovery codes. False when it was already on (another tab finished first). Every
/// other session of the account ends (ASVS 7.4.3): one opened with a stolen password alone does
/// not outlive the factor that now guards the account.
pub fn enrol(
    conn: &mut DbConn,
    actor: &Actor,
    keep_session: &str,
    secret: &str,
    step: i64,
    recovery_hashes: &[String],
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        if second_factors::is_on(conn, actor.account_id)? {
            return Ok(false);
        }
        second_factors::insert(conn, actor.account_id, secret, step, now(), recovery_hashes)?;
        let ended = sessions::delete_others(conn, actor.account_id, keep_session)?;
        note(
            trail,
            actor.account_id,
            ENROLLED,
            &format!("authenticator app (TOTP); {ended} other sessions ended"),
        );
        Ok(true)
    })
}

/// Turns the second factor off after the owner gave their password and `used`, ending every
/// other session of the account. False when the code was taken meanwhile or the factor was
/// already off.
pub fn disable(
    conn: &mut DbConn,
    actor: &Actor,
    keep_session: &str,
    used: &Used,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        if !second_factors::is_on(conn, actor.account_id)?
            || !take(conn, trail, actor.account_id, used)?
        {
            return Ok(false);
        }
        second_factors::delete(conn, actor.account_id)?;
        let ended = sessions::delete_others(conn, actor.account_id, keep_session)?;
        note(
            trail,
            actor.account_id,
            DISABLED,
            &format!("by the account's owner; {ended} other sessions ended"),
        );
        Ok(true)
    })
}

/// What the operator's reset found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOutcome {
    Reset { account_id: AccountId },
    WasOff { account_id: AccountId },
    NoSuchAccount,
}

/// `htma-tracker reset-second-factor --email E`: the operator turns an account's second factor
/// off (a lost phone and lost recovery codes); the next sign-in needs the password only, and
/// every session of the account ends.
pub fn reset_by_operator(conn: &mut DbConn, email_key: &str) -> Result<ResetOutcome, DbError> {
    audited(conn, Author::SYSTEM, |conn, trail| {
        let Some(account) = accounts::find_by_email(conn, email_key)? else {
            return Ok(ResetOutcome::NoSuchAccount);
        };
        if !second_factors::delete(conn, account.id)? {
            return Ok(ResetOutcome::WasOff {
                account_id: account.id,
            });
        }
        sessions::delete_for_account(conn, account.id)?;
        note(
            trail,
            account.id,
            RESET,
            "by the operator on the command line",
        );
        Ok(ResetOutcome::Reset {
            account_id: account.id,
        })
    })
}
