use crate::db::AccountId;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::accounts::Account;
use super::engine::on_engine;
use super::schema::{accounts, ended_sessions, sessions};
use super::{now, DbConn, DbError};

/// How long an ended session is remembered: as long as a form kept after it may wait.
pub const ENDED_REMEMBERED: Duration = Duration::hours(24);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// SHA-256 of the cookie's token: a copy of the database does not hand out live sessions.
    pub token_hash: String,
    pub account_id: AccountId,
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
    // Every request of a signed-in account: on the engine's own connection (`on_engine`).
    Ok(on_engine!(conn, |c| sessions::table
        .inner_join(accounts::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((SessionRow::as_select(), Account::as_select()))
        .first(c)
        .optional())?)
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
    account_id: AccountId,
    now: NaiveDateTime,
) -> Result<Vec<SessionRow>, DbError> {
    Ok(sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::expires_at.gt(now))
        .order(sessions::last_seen_at.desc())
        .select(SessionRow::as_select())
        .load(conn)?)
}

/// A session that ended, remembered so that a form posted afterwards with its anti-forgery
/// token is bound to its account (`web::kept::store::author_of_post`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ended_sessions)]
pub struct EndedSession {
    pub token_hash: String,
    /// SHA-256 of the session's anti-forgery token.
    pub csrf_hash: String,
    pub account_id: AccountId,
    pub ended_at: NaiveDateTime,
}

fn csrf_hash(csrf_token: &str) -> String {
    Sha256::digest(csrf_token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Ends these sessions: each row is deleted and remembered as ended (only by the request that
/// deleted it, so two requests ending the same session record it once). Ended sessions older
/// than `ENDED_REMEMBERED` are forgotten on the way.
fn end_rows(conn: &mut DbConn, rows: Vec<SessionRow>) -> Result<usize, DbError> {
    if rows.is_empty() {
        return Ok(0);
    }
    super::write_tx(conn, |conn| {
        let at = now();
        diesel::delete(
            ended_sessions::table.filter(ended_sessions::ended_at.le(at - ENDED_REMEMBERED)),
        )
        .execute(conn)?;
        let mut ended = 0;
        for row in rows {
            if diesel::delete(sessions::table.find(&row.token_hash)).execute(conn)? == 1 {
                diesel::insert_into(ended_sessions::table)
                    .values(EndedSession {
                        csrf_hash: csrf_hash(&row.csrf_token),
                        token_hash: row.token_hash,
                        account_id: row.account_id,
                        ended_at: at,
                    })
                    .execute(conn)?;
                ended += 1;
            }
        }
        Ok(ended)
    })
}

/// The account of a session ended within `ENDED_REMEMBERED` whose anti-forgery token this is.
pub fn ended_with_csrf(
    conn: &mut DbConn,
    csrf_token: &str,
    at: NaiveDateTime,
) -> Result<Option<AccountId>, DbError> {
    Ok(ended_sessions::table
        .filter(ended_sessions::csrf_hash.eq(csrf_hash(csrf_token)))
        .filter(ended_sessions::ended_at.gt(at - ENDED_REMEMBERED))
        .select(ended_sessions::account_id)
        .first(conn)
        .optional()?)
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> Result<(), DbError> {
    let rows = sessions::table
        .find(token_hash)
        .select(SessionRow::as_select())
        .load(conn)?;
    end_rows(conn, rows)?;
    Ok(())
}

pub fn delete_for_account(conn: &mut DbConn, account_id: AccountId) -> Result<(), DbError> {
    let rows = sessions::table
        .filter(sessions::account_id.eq(account_id))
        .select(SessionRow::as_select())
        .load(conn)?;
    end_rows(conn, rows)?;
    Ok(())
}

/// Ends every session of the account but one (its authentication factors just changed).
pub fn delete_others(
    conn: &mut DbConn,
    account_id: AccountId,
    keep: &str,
) -> Result<usize, DbError> {
    let rows = sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::token_hash.ne(keep))
        .select(SessionRow::as_select())
        .load(conn)?;
    end_rows(conn, rows)
}

pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, DbError> {
    let rows = sessions::table
        .filter(sessions::expires_at.le(now))
        .select(SessionRow::as_select())
        .load(conn)?;
    end_rows(conn, rows)
}
