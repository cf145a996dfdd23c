//! Device cookies: browsers that signed in to an account before. Only the token's hash is kept.

use crate::db::AccountId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::trusted_devices;
use super::{DbConn, DbError};

pub fn insert(
    conn: &mut DbConn,
    token_hash: &str,
    account_id: AccountId,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(trusted_devices::table)
        .values((
            trusted_devices::token_hash.eq(token_hash),
            trusted_devices::account_id.eq(account_id),
            trusted_devices::created_at.eq(at),
            trusted_devices::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether the device cookie's hash belongs to this account and is still valid.
pub fn is_trusted(
    conn: &mut DbConn,
    token_hash: &str,
    account_id: AccountId,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let found: i64 = trusted_devices::table
        .filter(trusted_devices::token_hash.eq(token_hash))
        .filter(trusted_devices::account_id.eq(account_id))
        .filter(trusted_devices::expires_at.gt(at))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Forgets every device of an account (its password or second factor was reset).
pub fn forget_account(conn: &mut DbConn, account_id: AccountId) -> Result<(), DbError> {
    diesel::delete(trusted_devices::table.filter(trusted_devices::account_id.eq(account_id)))
        .execute(conn)?;
    Ok(())
}
