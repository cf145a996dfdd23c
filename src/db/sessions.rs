use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::accounts::Account;
use super::schema::{accounts, sessions};
use super::{DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// SHA-256 of the cookie's token: a copy of the database does not hand out live sessions.
    pub token_hash: String,
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// The browser's User-Agent as last seen (at most `USER_AGENT_MAX` characters).
    pub user_agent: String,
    /// The address the session was last used from.
    pub remote_addr: String,
}

/// A User-Agent is kept only as long as it takes to name the browser and the system.
pub const USER_AGENT_MAX: usize = 512;

pub fn insert(conn: &mut DbConn, row: &SessionRow) -> Result<(), DbError> {
    diesel::insert_into(sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_with_account(
    conn: &mut DbConn,
    token_hash: &str,
) -> Result<Option<(SessionRow, Account)>, DbError> {
    Ok(sessions::table
        .inner_join(accounts::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((SessionRow::as_select(), Account::as_select()))
        .first(conn)
        .optional()?)
}

/// Notes when, from which browser and from where the session was last used.
pub fn touch_from(
    conn: &mut DbConn,
    token_hash: &str,
    at: NaiveDateTime,
    user_agent: &str,
    remote_addr: &str,
) -> Result<(), DbError> {
    diesel::update(sessions::table.find(token_hash))
        .set((
            sessions::last_seen_at.eq(at),
            sessions::user_agent.eq(user_agent),
            sessions::remote_addr.eq(remote_addr),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account's sessions not yet expired, the most recently used first.
pub fn list_for_account(
    conn: &mut DbConn,
    account_id: i64,
    now: NaiveDateTime,
) -> Result<Vec<SessionRow>, DbError> {
    Ok(sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::expires_at.gt(now))
        .order(sessions::last_seen_at.desc())
        .select(SessionRow::as_select())
        .load(conn)?)
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> Result<(), DbError> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

pub fn delete_for_account(conn: &mut DbConn, account_id: i64) -> Result<(), DbError> {
    diesel::delete(sessions::table.filter(sessions::account_id.eq(account_id))).execute(conn)?;
    Ok(())
}

/// Ends every session of the account but one (its authentication factors just changed).
pub fn delete_others(conn: &mut DbConn, account_id: i64, keep: &str) -> Result<usize, DbError> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::token_hash.ne(keep)),
    )
    .execute(conn)?)
}

pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)?)
}
