use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::login_attempts;
use super::{new_id, DbConn, DbError};

pub fn record(
    conn: &mut DbConn,
    email_key: &str,
    remote_addr: &str,
    at: NaiveDateTime,
    succeeded: bool,
) -> Result<(), DbError> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(new_id()),
            login_attempts::email_key.eq(email_key),
            login_attempts::remote_addr.eq(remote_addr),
            login_attempts::attempted_at.eq(at),
            login_attempts::succeeded.eq(succeeded),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failures since `since` for this email and for this address: the two throttling counters.
pub fn recent_failures(
    conn: &mut DbConn,
    email_key: &str,
    remote_addr: &str,
    since: NaiveDateTime,
) -> Result<(i64, i64), DbError> {
    let failed = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since));
    let by_email = failed
        .filter(login_attempts::email_key.eq(email_key))
        .count()
        .get_result(conn)?;
    let by_addr = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since))
        .filter(login_attempts::remote_addr.eq(remote_addr))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_addr))
}

/// A successful sign-in forgives the account's earlier failures (not the address's).
pub fn clear_for_email(conn: &mut DbConn, email_key: &str) -> Result<(), DbError> {
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::email_key.eq(email_key))
            .filter(login_attempts::succeeded.eq(false)),
    )
    .execute(conn)?;
    Ok(())
}
