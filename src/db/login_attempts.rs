//! Sign-in attempts, the throttling counters. An attempt is recorded *before* it is counted and
//! checked, each in its own statement outside any transaction: every attempt then sees every
//! attempt committed before it, itself included, so however many run at once at most the limit
//! of them see a count within it (a count read first and recorded after let 40 concurrent
//! guesses through 11 at a time).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::login_attempts;
use super::{new_id, DbConn, DbError};

/// Who an attempt counts against.
#[derive(Debug, Clone)]
pub struct AttemptKey<'a> {
    pub email_key: &'a str,
    pub remote_addr: &'a str,
    /// The hash of a valid device cookie of the account, if the browser sent one.
    pub device_key: Option<&'a str>,
}

/// Records an attempt as failed (until `mark_succeeded`); returns its id.
pub fn record_failed(
    conn: &mut DbConn,
    key: &AttemptKey,
    at: NaiveDateTime,
) -> Result<i64, DbError> {
    let id = new_id();
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(id),
            login_attempts::email_key.eq(key.email_key),
            login_attempts::remote_addr.eq(key.remote_addr),
            login_attempts::attempted_at.eq(at),
            login_attempts::succeeded.eq(false),
            login_attempts::device_key.eq(key.device_key),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Failures since `since` that count against this attempt (its own row included): from this
/// device when it has a valid device cookie, else from browsers without one; and from this
/// address whatever the device.
pub fn recent_failures(
    conn: &mut DbConn,
    key: &AttemptKey,
    since: NaiveDateTime,
) -> Result<(i64, i64), DbError> {
    let failed = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since));
    let by_account = match key.device_key {
        Some(device) => failed
            .filter(login_attempts::device_key.eq(device))
            .count()
            .get_result(conn)?,
        None => failed
            .filter(login_attempts::email_key.eq(key.email_key))
            .filter(login_attempts::device_key.is_null())
            .count()
            .get_result(conn)?,
    };
    let by_address = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since))
        .filter(login_attempts::remote_addr.eq(key.remote_addr))
        .count()
        .get_result(conn)?;
    Ok((by_account, by_address))
}

/// A throttled attempt was never checked: it does not count.
pub fn forget(conn: &mut DbConn, id: i64) -> Result<(), DbError> {
    diesel::delete(login_attempts::table.find(id)).execute(conn)?;
    Ok(())
}

pub fn mark_succeeded(conn: &mut DbConn, id: i64) -> Result<(), DbError> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::succeeded.eq(true))
        .execute(conn)?;
    Ok(())
}

/// A successful sign-in forgives the earlier failures counted with it: its device's, or those
/// of browsers without a device cookie (never the address's, and a sign-in on the owner's
/// browser does not lift the pause a guesser elsewhere caused).
pub fn clear_for(conn: &mut DbConn, key: &AttemptKey) -> Result<(), DbError> {
    let failed = login_attempts::table
        .filter(login_attempts::email_key.eq(key.email_key))
        .filter(login_attempts::succeeded.eq(false));
    match key.device_key {
        Some(device) => {
            diesel::delete(failed.filter(login_attempts::device_key.eq(device))).execute(conn)?
        }
        None => {
            diesel::delete(failed.filter(login_attempts::device_key.is_null())).execute(conn)?
        }
    };
    Ok(())
}
