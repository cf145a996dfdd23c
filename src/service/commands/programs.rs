//! Changes to a client's nutritional program and retest schedule.

use crate::db::programs::{self, VersionInput};
use crate::db::{dashboard_cache, now, DbConn, DbError};

use super::{audited, Actor, Event};

/// Adds a dated program version with its supplements. Returns its id.
pub fn add_version(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: i64,
    input: &VersionInput,
) -> Result<i64, DbError> {
    audited(conn, actor, |conn, trail| {
        let id = programs::insert_version(conn, actor.account_id, client_id, input)?;
        trail.record(Event {
            action: "create",
            record_kind: "program_version",
            record_id: Some(id),
            detail: "",
        });
        Ok(id)
    })
}

/// Sets the months between tests for the client (None: the default), and the retest date the
/// dashboard shows with it.
pub fn set_retest_interval(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: i64,
    months: Option<i64>,
) -> Result<(), DbError> {
    audited(conn, actor, |conn, trail| {
        if programs::update_retest_interval(conn, actor.account_id, client_id, months)? > 0 {
            dashboard_cache::refresh_due(conn, client_id)?;
            trail.record(Event {
                action: "update",
                record_kind: "client",
                record_id: Some(client_id),
                detail: "retest interval",
            });
        }
        Ok(())
    })
}

/// Corrects a live version in place (date, diet, lifestyle, supplements). False when it is no
/// longer live (deleted meanwhile): nothing changed, nothing audited.
pub fn edit_version(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: i64,
    version_id: i64,
    input: &VersionInput,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let changed = programs::update_version(conn, client_id, version_id, input)?;
        if changed {
            trail.record(Event {
                action: "update",
                record_kind: "program_version",
                record_id: Some(version_id),
                detail: "",
            });
        }
        Ok(changed)
    })
}

/// Deletes a version softly (restorable for `programs::RESTORE_WINDOW`), and removes for good
/// the client's versions whose window has ended.
pub fn delete_version(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: i64,
    version_id: i64,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let at = now();
        for id in programs::purge_deleted_before(conn, client_id, at - programs::RESTORE_WINDOW)? {
            trail.record(Event {
                action: "purge",
                record_kind: "program_version",
                record_id: Some(id),
                detail: "restore window ended",
            });
        }
        let deleted = programs::delete_version(conn, client_id, version_id, at)?;
        if deleted {
            trail.record(Event {
                action: "delete",
                record_kind: "program_version",
                record_id: Some(version_id),
                detail: "",
            });
        }
        Ok(deleted)
    })
}

/// Restores a version deleted within the window; false when it is not restorable.
pub fn restore_version(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: i64,
    version_id: i64,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let restored = programs::restore_version(conn, client_id, version_id, now())?;
        if restored {
            trail.record(Event {
                action: "restore",
                record_kind: "program_version",
                record_id: Some(version_id),
                detail: "",
            });
        }
        Ok(restored)
    })
}
