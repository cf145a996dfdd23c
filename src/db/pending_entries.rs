//! Diary forms posted after their session had ended, kept until the client signs in again.
//! The payload is the form exactly as posted (so nothing typed is lost, even if it does not
//! validate); it lives at most `LIFETIME` and is deleted once saved or shown back.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::pending_diary_entries;
use super::{DbConn, DbError};

pub const LIFETIME: Duration = Duration::hours(24);
/// Unauthenticated writes are capped per address so nobody can fill the database with them.
pub const MAX_PER_ADDRESS_PER_DAY: i64 = 50;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pending_diary_entries)]
pub struct PendingRow {
    pub token_hash: String,
    /// The account of the ended session, when its anti-forgery token proved it.
    pub account_id: Option<i64>,
    pub remote_addr: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Stores the row unless the address is over its daily cap (returns false then). Expired rows
/// are purged on the way, so the table never grows beyond a day's worth.
pub fn insert(conn: &mut DbConn, row: &PendingRow) -> Result<bool, DbError> {
    super::write_tx(conn, |conn| {
        diesel::delete(
            pending_diary_entries::table
                .filter(pending_diary_entries::expires_at.le(row.created_at)),
        )
        .execute(conn)?;
        let recent: i64 = pending_diary_entries::table
            .filter(pending_diary_entries::remote_addr.eq(&row.remote_addr))
            .count()
            .get_result(conn)?;
        if recent >= MAX_PER_ADDRESS_PER_DAY {
            return Ok(false);
        }
        diesel::insert_into(pending_diary_entries::table)
            .values(row)
            .execute(conn)?;
        Ok(true)
    })
}

/// The unexpired row of this token hash.
pub fn find(
    conn: &mut DbConn,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<Option<PendingRow>, DbError> {
    Ok(pending_diary_entries::table
        .find(token_hash)
        .filter(pending_diary_entries::expires_at.gt(at))
        .select(PendingRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> Result<(), DbError> {
    diesel::delete(pending_diary_entries::table.find(token_hash)).execute(conn)?;
    Ok(())
}
