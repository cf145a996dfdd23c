//! Progress summaries as kept documents: made (the content assembled and frozen in the creating
//! transaction), shared with the client, deleted and restored, each with its audit event.

use crate::db::ClientId;
use chrono::NaiveDate;

use crate::db::ids::SummaryId;
use crate::db::summaries::{self, SummaryRow};
use crate::db::{now, DbConn, DbError};

use super::{audited, Actor, Event, Trail};

fn note(trail: &mut Trail, action: &str, id: SummaryId) {
    trail.record(Event {
        action,
        record_kind: "summary",
        record_id: Some(id.get()),
        detail: "",
    });
}

/// Makes a summary of the client's `period`; `content` assembles its frozen content from the
/// records inside the same transaction, so it is a consistent picture of one moment.
pub fn create<F>(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    period: (NaiveDate, NaiveDate),
    comment: &str,
    content: F,
) -> Result<SummaryId, DbError>
where
    F: FnOnce(&mut DbConn, &SummaryRow) -> Result<String, DbError>,
{
    audited(conn, actor, |conn, trail| {
        let mut row = SummaryRow {
            id: SummaryId::fresh(),
            client_id,
            created_by: actor.account_id,
            period_start: period.0,
            period_end: period.1,
            comment: comment.to_string(),
            created_at: now(),
            shared_at: None,
            content: None,
            deleted_at: None,
        };
        row.content = Some(content(conn, &row)?);
        summaries::insert(conn, &row)?;
        note(trail, "create", row.id);
        Ok(row.id)
    })
}

/// Shares a live summary with the client, or stops. False when it was deleted meanwhile.
pub fn set_shared(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    id: SummaryId,
    shared: bool,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let updated = summaries::set_shared(conn, client_id, id, shared)? > 0;
        if updated {
            note(trail, if shared { "share" } else { "unshare" }, id);
        }
        Ok(updated)
    })
}

/// Soft-deletes a live summary (it leaves the portal at once). False when there is no such live
/// summary.
pub fn delete(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    id: SummaryId,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let deleted = summaries::mark_deleted(conn, client_id, id)?;
        if deleted {
            note(trail, "delete", id);
        }
        Ok(deleted)
    })
}

/// Restores a summary deleted within the restore window, unshared. False when there is nothing
/// to restore.
pub fn restore(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    id: SummaryId,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let restored = summaries::unmark_deleted(conn, client_id, id)?;
        if restored {
            note(trail, "restore", id);
        }
        Ok(restored)
    })
}
