//! Everything typed and kept after its session ended (issue 14): a practitioner form posted
//! after its session ended or with a stale anti-forgery token (`web::kept`), and the portal's
//! diary entry posted after the client was signed out (one kind of kept form, action
//! `/portal/diary`). A row lives at most `LIFETIME` and is deleted once shown back or saved.
//!
//! What was typed is stored only sealed (`sealed`: ciphertext under a key derived from the
//! browser's cookie token, `web::kept::store`); the token itself is never stored, only its
//! SHA-256, so neither the table nor a copy of the database reveals or hands out a kept form.

use crate::db::AccountId;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::kept_forms;
use super::{DbConn, DbError};

pub const LIFETIME: Duration = Duration::hours(24);
/// Writes made without a live session are capped per address, so nobody fills the database.
pub const MAX_PER_ADDRESS_PER_DAY: i64 = 50;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = kept_forms)]
pub struct KeptFormRow {
    /// SHA-256 of the browser's cookie token: a copy of the database cannot claim the form.
    pub token_hash: String,
    /// The account proven to have written the form (its session's anti-forgery token).
    pub account_id: Option<AccountId>,
    pub remote_addr: String,
    /// Where the form posts (a path of the route table).
    pub action_path: String,
    /// The page that shows the form (a GET path of the route table).
    pub page_path: String,
    /// The fields as posted and their messages, sealed (hex of nonce and ciphertext).
    pub sealed: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Stores the row unless its address is over the daily cap (false then); purges expired rows.
pub fn insert(conn: &mut DbConn, row: &KeptFormRow) -> Result<bool, DbError> {
    super::write_tx(conn, |conn| {
        diesel::delete(kept_forms::table.filter(kept_forms::expires_at.le(row.created_at)))
            .execute(conn)?;
        let recent: i64 = kept_forms::table
            .filter(kept_forms::remote_addr.eq(&row.remote_addr))
            .count()
            .get_result(conn)?;
        if recent >= MAX_PER_ADDRESS_PER_DAY {
            return Ok(false);
        }
        diesel::insert_into(kept_forms::table)
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
) -> Result<Option<KeptFormRow>, DbError> {
    Ok(kept_forms::table
        .find(token_hash)
        .filter(kept_forms::expires_at.gt(at))
        .select(KeptFormRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> Result<(), DbError> {
    diesel::delete(kept_forms::table.find(token_hash)).execute(conn)?;
    Ok(())
}
