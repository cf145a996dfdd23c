//! Stored progress summaries: who made which summary of which period, its frozen content, whether
//! the client may download it from the portal, and its soft deletion.
//!
//! A summary is a document kept as it was made: `content` is written once, in the transaction
//! that creates the row, and never rewritten (the only exception being summaries made before
//! contents were stored, frozen once at their first opening: `freeze_legacy`).

use crate::db::{AccountId, ClientId};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::ids::SummaryId;
use super::schema::summaries;
use super::{now, write_tx, DbConn, DbError};

/// How long a deleted summary can be restored.
pub const RESTORE_WINDOW: Duration = Duration::days(30);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = summaries)]
pub struct SummaryRow {
    pub id: SummaryId,
    pub client_id: ClientId,
    pub created_by: AccountId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub shared_at: Option<NaiveDateTime>,
    /// The frozen content (JSON of `export::summary::SummaryData`); None only for summaries
    /// made before contents were stored and not opened since.
    pub content: Option<String>,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A summary as the client page lists it: everything but its content (the frozen document,
/// about 100 KB for three years, which a list never shows).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = summaries)]
pub struct ListedSummary {
    pub id: SummaryId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub created_at: NaiveDateTime,
    pub shared_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
}

impl ListedSummary {
    /// The last moment a deleted summary can be restored.
    pub fn restorable_until(&self) -> Option<NaiveDateTime> {
        self.deleted_at.map(|at| at + RESTORE_WINDOW)
    }
}

/// Stores a new summary row with its content, inside the caller's transaction (the command in
/// `service::commands::summaries` assembles the content in the same transaction).
pub fn insert(conn: &mut DbConn, row: &SummaryRow) -> Result<(), DbError> {
    diesel::insert_into(summaries::table)
        .values((
            summaries::id.eq(row.id),
            summaries::client_id.eq(row.client_id),
            summaries::created_by.eq(row.created_by),
            summaries::period_start.eq(row.period_start),
            summaries::period_end.eq(row.period_end),
            summaries::comment.eq(&row.comment),
            summaries::created_at.eq(row.created_at),
            summaries::content.eq(&row.content),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores the content of a summary made before contents were stored; a summary that already
/// has one keeps it (two first openings at once freeze it once). Returns the content in force.
pub fn freeze_legacy(conn: &mut DbConn, id: SummaryId, content: &str) -> Result<String, DbError> {
    write_tx(conn, |conn| {
        diesel::update(
            summaries::table
                .filter(summaries::id.eq(id))
                .filter(summaries::content.is_null()),
        )
        .set(summaries::content.eq(content))
        .execute(conn)?;
        let stored: Option<String> = summaries::table
            .find(id)
            .select(summaries::content)
            .first(conn)?;
        Ok(stored.unwrap_or_else(|| content.to_string()))
    })
}

/// A live (not deleted) summary of this client.
pub fn find_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
    id: SummaryId,
) -> Result<Option<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::id.eq(id))
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::deleted_at.is_null())
        .select(SummaryRow::as_select())
        .first(conn)
        .optional()?)
}

/// A summary of this client deleted at or after `since` (still restorable).
pub fn find_deleted_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
    id: SummaryId,
    since: NaiveDateTime,
) -> Result<Option<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::id.eq(id))
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::deleted_at.ge(since))
        .select(SummaryRow::as_select())
        .first(conn)
        .optional()?)
}

/// A live summary of this client that is shared with them (what the portal may serve).
pub fn find_shared_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
    id: SummaryId,
) -> Result<Option<SummaryRow>, DbError> {
    Ok(find_for_client(conn, client_id, id)?.filter(|row| row.shared_at.is_some()))
}

/// The client's live summaries, newest first.
pub fn list_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<Vec<ListedSummary>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::deleted_at.is_null())
        .order(summaries::created_at.desc())
        .select(ListedSummary::as_select())
        .load(conn)?)
}

/// The client's summaries deleted at or after `since` (still restorable), newest deletion first.
pub fn list_deleted_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
    since: NaiveDateTime,
) -> Result<Vec<ListedSummary>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::deleted_at.ge(since))
        .order(summaries::deleted_at.desc())
        .select(ListedSummary::as_select())
        .load(conn)?)
}

/// The summaries the client may download from the portal.
pub fn list_shared(conn: &mut DbConn, client_id: ClientId) -> Result<Vec<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::shared_at.is_not_null())
        .filter(summaries::deleted_at.is_null())
        .order(summaries::created_at.desc())
        .select(SummaryRow::as_select())
        .load(conn)?)
}

/// Shares a live summary with the client or stops sharing it; returns the rows changed.
pub fn set_shared(
    conn: &mut DbConn,
    client_id: ClientId,
    id: SummaryId,
    shared: bool,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        summaries::table
            .filter(summaries::id.eq(id))
            .filter(summaries::client_id.eq(client_id))
            .filter(summaries::deleted_at.is_null()),
    )
    .set(summaries::shared_at.eq(shared.then(now)))
    .execute(conn)?)
}

/// Soft-deletes a live summary (it leaves the portal at once). Returns false when there is no
/// such live summary.
pub fn mark_deleted(
    conn: &mut DbConn,
    client_id: ClientId,
    id: SummaryId,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        summaries::table
            .filter(summaries::id.eq(id))
            .filter(summaries::client_id.eq(client_id))
            .filter(summaries::deleted_at.is_null()),
    )
    .set(summaries::deleted_at.eq(Some(now())))
    .execute(conn)?;
    Ok(updated > 0)
}

/// Brings back a summary deleted within the restore window, unshared: sharing it again is a
/// decision of its own. Returns false when there is nothing to restore.
pub fn unmark_deleted(
    conn: &mut DbConn,
    client_id: ClientId,
    id: SummaryId,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        summaries::table
            .filter(summaries::id.eq(id))
            .filter(summaries::client_id.eq(client_id))
            .filter(summaries::deleted_at.ge(now() - RESTORE_WINDOW)),
    )
    .set((
        summaries::deleted_at.eq(None::<NaiveDateTime>),
        summaries::shared_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated > 0)
}
