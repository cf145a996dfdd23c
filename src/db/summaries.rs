//! Stored progress summaries: who made which summary of which period, its frozen content, whether
//! the client may download it from the portal, and its soft deletion.
//!
//! A summary is a document kept as it was made: `content` is written once, in the transaction
//! that creates the row, and never rewritten (the only exception being summaries made before
//! contents were stored, frozen once at their first opening: `freeze_legacy`).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::audit::{record, AuditEntry};
use super::schema::summaries;
use super::{new_id, now, write_tx, DbConn, DbError};

/// How long a deleted summary can be restored.
pub const RESTORE_WINDOW: Duration = Duration::days(30);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = summaries)]
pub struct SummaryRow {
    pub id: i64,
    pub client_id: i64,
    pub created_by: i64,
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

impl SummaryRow {
    /// The last moment a deleted summary can be restored.
    pub fn restorable_until(&self) -> Option<NaiveDateTime> {
        self.deleted_at.map(|at| at + RESTORE_WINDOW)
    }
}

/// What a new summary covers; its content is assembled from the records inside the creating
/// transaction, so it is a consistent picture of one moment.
pub struct NewSummary<'a> {
    pub practitioner_id: i64,
    pub client_id: i64,
    pub period: (NaiveDate, NaiveDate),
    pub comment: &'a str,
    pub remote_addr: &'a str,
}

pub fn create<F>(conn: &mut DbConn, new: &NewSummary, content: F) -> Result<i64, DbError>
where
    F: FnOnce(&mut DbConn, &SummaryRow) -> Result<String, DbError>,
{
    write_tx(conn, |conn| {
        let mut row = SummaryRow {
            id: new_id(),
            client_id: new.client_id,
            created_by: new.practitioner_id,
            period_start: new.period.0,
            period_end: new.period.1,
            comment: new.comment.to_string(),
            created_at: now(),
            shared_at: None,
            content: None,
            deleted_at: None,
        };
        let json = content(conn, &row)?;
        row.content = Some(json);
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
        audit(conn, new.practitioner_id, "create", row.id, new.remote_addr)?;
        Ok(row.id)
    })
}

fn audit(
    conn: &mut DbConn,
    account_id: i64,
    action: &str,
    id: i64,
    remote_addr: &str,
) -> Result<(), DbError> {
    record(
        conn,
        &AuditEntry {
            account_id: Some(account_id),
            action,
            record_kind: "summary",
            record_id: Some(id),
            remote_addr: Some(remote_addr),
            detail: "",
        },
    )
}

/// Stores the content of a summary made before contents were stored; a summary that already
/// has one keeps it (two first openings at once freeze it once). Returns the content in force.
pub fn freeze_legacy(conn: &mut DbConn, id: i64, content: &str) -> Result<String, DbError> {
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
    client_id: i64,
    id: i64,
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
    client_id: i64,
    id: i64,
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
    client_id: i64,
    id: i64,
) -> Result<Option<SummaryRow>, DbError> {
    Ok(find_for_client(conn, client_id, id)?.filter(|row| row.shared_at.is_some()))
}

/// The client's live summaries, newest first.
pub fn list_for_client(conn: &mut DbConn, client_id: i64) -> Result<Vec<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::deleted_at.is_null())
        .order(summaries::created_at.desc())
        .select(SummaryRow::as_select())
        .load(conn)?)
}

/// The client's summaries deleted at or after `since` (still restorable), newest deletion first.
pub fn list_deleted_for_client(
    conn: &mut DbConn,
    client_id: i64,
    since: NaiveDateTime,
) -> Result<Vec<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::deleted_at.ge(since))
        .order(summaries::deleted_at.desc())
        .select(SummaryRow::as_select())
        .load(conn)?)
}

/// The summaries the client may download from the portal.
pub fn list_shared(conn: &mut DbConn, client_id: i64) -> Result<Vec<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::shared_at.is_not_null())
        .filter(summaries::deleted_at.is_null())
        .order(summaries::created_at.desc())
        .select(SummaryRow::as_select())
        .load(conn)?)
}

pub fn set_shared(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    id: i64,
    shared: bool,
    remote_addr: &str,
) -> Result<usize, DbError> {
    write_tx(conn, |conn| {
        let updated = diesel::update(
            summaries::table
                .filter(summaries::id.eq(id))
                .filter(summaries::client_id.eq(client_id))
                .filter(summaries::deleted_at.is_null()),
        )
        .set(summaries::shared_at.eq(shared.then(now)))
        .execute(conn)?;
        if updated > 0 {
            let action = if shared { "share" } else { "unshare" };
            audit(conn, practitioner_id, action, id, remote_addr)?;
        }
        Ok(updated)
    })
}

/// Soft-deletes a live summary (it leaves the portal at once). Returns false when there is no
/// such live summary.
pub fn delete(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    id: i64,
    remote_addr: &str,
) -> Result<bool, DbError> {
    write_tx(conn, |conn| {
        let updated = diesel::update(
            summaries::table
                .filter(summaries::id.eq(id))
                .filter(summaries::client_id.eq(client_id))
                .filter(summaries::deleted_at.is_null()),
        )
        .set(summaries::deleted_at.eq(Some(now())))
        .execute(conn)?;
        if updated > 0 {
            audit(conn, practitioner_id, "delete", id, remote_addr)?;
        }
        Ok(updated > 0)
    })
}

/// Restores a summary deleted within the restore window. It comes back unshared: sharing it
/// again is a decision of its own. Returns false when there is nothing to restore.
pub fn restore(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    id: i64,
    remote_addr: &str,
) -> Result<bool, DbError> {
    write_tx(conn, |conn| {
        let at = now();
        let updated = diesel::update(
            summaries::table
                .filter(summaries::id.eq(id))
                .filter(summaries::client_id.eq(client_id))
                .filter(summaries::deleted_at.ge(at - RESTORE_WINDOW)),
        )
        .set((
            summaries::deleted_at.eq(None::<NaiveDateTime>),
            summaries::shared_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        if updated > 0 {
            audit(conn, practitioner_id, "restore", id, remote_addr)?;
        }
        Ok(updated > 0)
    })
}

/// Records a download of a summary's PDF (or the client's copy) like every other export.
pub fn record_download(
    conn: &mut DbConn,
    account_id: i64,
    id: i64,
    remote_addr: &str,
    detail: &str,
) -> Result<(), DbError> {
    record(
        conn,
        &AuditEntry {
            account_id: Some(account_id),
            action: "export",
            record_kind: "summary",
            record_id: Some(id),
            remote_addr: Some(remote_addr),
            detail,
        },
    )
}
