//! The second factor of an account: its TOTP secret and last accepted time step, its recovery
//! codes (hashes), and sign-ins waiting for their code. Using a code or a recovery code is one
//! conditional UPDATE, so two requests racing with the same code cannot both succeed.

use crate::db::AccountId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{pending_sign_ins, recovery_codes, second_factors};
use super::{DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = second_factors)]
pub struct SecondFactor {
    pub account_id: AccountId,
    pub secret: String,
    pub last_step: i64,
    pub enabled_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, account_id: AccountId) -> Result<Option<SecondFactor>, DbError> {
    Ok(second_factors::table
        .find(account_id)
        .select(SecondFactor::as_select())
        .first(conn)
        .optional()?)
}

pub fn is_on(conn: &mut DbConn, account_id: AccountId) -> Result<bool, DbError> {
    Ok(find(conn, account_id)?.is_some())
}

/// Turns the second factor on with its secret, the step of the code that confirmed it, and the
/// hashes of its recovery codes (replacing any earlier ones).
pub fn insert(
    conn: &mut DbConn,
    account_id: AccountId,
    secret: &str,
    step: i64,
    at: NaiveDateTime,
    recovery_hashes: &[String],
) -> Result<(), DbError> {
    diesel::insert_into(second_factors::table)
        .values((
            second_factors::account_id.eq(account_id),
            second_factors::secret.eq(secret),
            second_factors::last_step.eq(step),
            second_factors::enabled_at.eq(at),
        ))
        .execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::account_id.eq(account_id)))
        .execute(conn)?;
    for hash in recovery_hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::code_hash.eq(hash),
                recovery_codes::account_id.eq(account_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes the code of `step` as used: true only when it is later than every step used before.
pub fn use_step(conn: &mut DbConn, account_id: AccountId, step: i64) -> Result<bool, DbError> {
    let changed = diesel::update(
        second_factors::table
            .filter(second_factors::account_id.eq(account_id))
            .filter(second_factors::last_step.lt(step)),
    )
    .set(second_factors::last_step.eq(step))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Takes a recovery code as used: true only when it is the account's and was still unused.
pub fn use_recovery_code(
    conn: &mut DbConn,
    account_id: AccountId,
    code_hash: &str,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::code_hash.eq(code_hash))
            .filter(recovery_codes::account_id.eq(account_id))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn is_unused_recovery_code(
    conn: &mut DbConn,
    account_id: AccountId,
    code_hash: &str,
) -> Result<bool, DbError> {
    let found: i64 = recovery_codes::table
        .filter(recovery_codes::code_hash.eq(code_hash))
        .filter(recovery_codes::account_id.eq(account_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

pub fn unused_recovery_codes(conn: &mut DbConn, account_id: AccountId) -> Result<i64, DbError> {
    Ok(recovery_codes::table
        .filter(recovery_codes::account_id.eq(account_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Turns the second factor off: secret, recovery codes and waiting sign-ins go.
pub fn delete(conn: &mut DbConn, account_id: AccountId) -> Result<bool, DbError> {
    let removed = diesel::delete(second_factors::table.find(account_id)).execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::account_id.eq(account_id)))
        .execute(conn)?;
    diesel::delete(pending_sign_ins::table.filter(pending_sign_ins::account_id.eq(account_id)))
        .execute(conn)?;
    Ok(removed == 1)
}

pub fn insert_pending(
    conn: &mut DbConn,
    token_hash: &str,
    account_id: AccountId,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    // Expired ones of anyone are cleared on the way (a handful at most).
    diesel::delete(pending_sign_ins::table.filter(pending_sign_ins::expires_at.le(at)))
        .execute(conn)?;
    diesel::insert_into(pending_sign_ins::table)
        .values((
            pending_sign_ins::token_hash.eq(token_hash),
            pending_sign_ins::account_id.eq(account_id),
            pending_sign_ins::created_at.eq(at),
            pending_sign_ins::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account waiting for its code under this token, while the wait has not expired.
pub fn pending_account(
    conn: &mut DbConn,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<Option<AccountId>, DbError> {
    Ok(pending_sign_ins::table
        .filter(pending_sign_ins::token_hash.eq(token_hash))
        .filter(pending_sign_ins::expires_at.gt(at))
        .select(pending_sign_ins::account_id)
        .first(conn)
        .optional()?)
}

/// Ends a waiting sign-in; true when it was still there (so only one request completes it).
pub fn take_pending(conn: &mut DbConn, token_hash: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(pending_sign_ins::table.find(token_hash)).execute(conn)? == 1)
}
