//! An account changing its own sign-in (issue 14; ASVS 7.4, 7.5): its password, its sign-in
//! email, and ending its other sessions. The owner proved themselves before (password, and the
//! code when the second factor is on: `auth::second_factor::check_reauth`); the code is taken
//! here, inside the transaction, so a code replayed meanwhile fails the change.

use crate::db::AccountId;
use crate::db::{accounts, sessions, DbConn, DbError};

use super::second_factor::{take, Used};
use super::{audited, Actor, Event, Trail};

pub const RECORD_KIND: &str = "account";

fn note(trail: &mut Trail, account_id: AccountId, action: &str, detail: &str) {
    trail.record(Event {
        action,
        record_kind: RECORD_KIND,
        record_id: Some(account_id.get()),
        detail,
    });
}

/// Takes the checked code, if the second factor asked for one; false when it was used meanwhile.
fn taken(
    conn: &mut DbConn,
    trail: &mut Trail,
    account_id: AccountId,
    used: Option<&Used>,
) -> Result<bool, DbError> {
    match used {
        Some(used) => take(conn, trail, account_id, used),
        None => Ok(true),
    }
}

/// Sets a new password (its argon2 hash) and ends every other session of the account: whoever
/// knew the old password is signed out everywhere but here. Returns the number of sessions
/// ended, or None when the code was used meanwhile (nothing changed).
pub fn change_password(
    conn: &mut DbConn,
    actor: &Actor,
    keep_session: &str,
    new_hash: &str,
    used: Option<&Used>,
) -> Result<Option<usize>, DbError> {
    audited(conn, actor, |conn, trail| {
        if !taken(conn, trail, actor.account_id, used)? {
            return Ok(None);
        }
        accounts::update_password_hash(conn, actor.account_id, new_hash)?;
        let ended = sessions::delete_others(conn, actor.account_id, keep_session)?;
        note(
            trail,
            actor.account_id,
            "password_changed",
            &format!("by the account's owner; {ended} other sessions ended"),
        );
        Ok(Some(ended))
    })
}

/// What changing the sign-in email found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailChange {
    Changed,
    /// Another account signs in with it: nothing changed.
    Taken,
    /// The code was used meanwhile: nothing changed.
    CodeUsed,
}

/// Sets the sign-in email (already normalised) of the account, unless another account has it.
/// The trail says that it changed, not the addresses (they identify people).
pub fn change_email(
    conn: &mut DbConn,
    actor: &Actor,
    new_email: &str,
    used: Option<&Used>,
) -> Result<EmailChange, DbError> {
    audited(conn, actor, |conn, trail| {
        // Checked inside the write lock: two accounts racing for one address get one each.
        if accounts::email_taken_by_other(conn, new_email, actor.account_id)? {
            return Ok(EmailChange::Taken);
        }
        if !taken(conn, trail, actor.account_id, used)? {
            return Ok(EmailChange::CodeUsed);
        }
        accounts::update_email(conn, actor.account_id, new_email)?;
        note(
            trail,
            actor.account_id,
            "email_changed",
            "sign-in email changed by the account's owner",
        );
        Ok(EmailChange::Changed)
    })
}

/// Ends every session of the account but this one ("sign out everywhere else"). Returns how
/// many ended.
pub fn end_other_sessions(
    conn: &mut DbConn,
    actor: &Actor,
    keep_session: &str,
) -> Result<usize, DbError> {
    audited(conn, actor, |conn, trail| {
        let ended = sessions::delete_others(conn, actor.account_id, keep_session)?;
        note(
            trail,
            actor.account_id,
            "sessions_ended",
            &format!("signed out everywhere else: {ended} other sessions ended"),
        );
        Ok(ended)
    })
}
