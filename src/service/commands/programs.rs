//! Changes to a client's nutritional program and retest schedule.

use crate::db::programs::{self, VersionInput};
use crate::db::{dashboard_cache, now, DbConn, DbError};
use crate::db::{ClientId, ProgramVersionId};

use super::{audited, Actor, Event};

/// Adds a dated program version with its supplements. Returns its id.
pub fn add_version(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    input: &VersionInput,
) -> Result<ProgramVersionId, DbError> {
    audited(conn, actor, |conn, trail| {
        let id = programs::insert_version(conn, actor.account_id, client_id, input)?;
        trail.record(Event {
            action: "create",
            record_kind: "program_version",
            record_id: Some(id.get()),
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
    client_id: ClientId,
    months: Option<i64>,
) -> Result<(), DbError> {
    audited(conn, actor, |conn, trail| {
        if programs::update_retest_interval(conn, actor.account_id, client_id, months)? > 0 {
            dashboard_cache::refresh_due(conn, client_id)?;
            trail.record(Event {
                action: "update",
                record_kind: "client",
                record_id: Some(client_id.get()),
                detail: "retest interval",
            });
        }
        Ok(())
    })
}

/// A correction of one version of the program.
pub enum VersionChange {
    /// The version in place (date, diet, lifestyle, supplements), while it is live.
    Edit(VersionInput),
    /// Deleted softly (restorable for `programs::RESTORE_WINDOW`); the client's versions whose
    /// window has ended go for good first.
    Delete,
    /// Back from a deletion within the window.
    Restore,
}

/// Applies one correction. False when the version is no longer in the state the change needs
/// (deleted, restored or purged meanwhile): nothing changed, nothing audited for it.
pub fn change_version(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    version_id: ProgramVersionId,
    change: VersionChange,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let at = now();
        let (done, action) = match change {
            VersionChange::Edit(input) => (
                programs::update_version(conn, client_id, version_id, &input)?,
                "update",
            ),
            VersionChange::Delete => {
                let window_start = at - programs::RESTORE_WINDOW;
                for id in programs::purge_deleted_before(conn, client_id, window_start)? {
                    trail.record(Event {
                        action: "purge",
                        record_kind: "program_version",
                        record_id: Some(id.get()),
                        detail: "restore window ended",
                    });
                }
                (
                    programs::delete_version(conn, client_id, version_id, at)?,
                    "delete",
                )
            }
            VersionChange::Restore => (
                programs::restore_version(conn, client_id, version_id, at)?,
                "restore",
            ),
        };
        if done {
            trail.record(Event {
                action,
                record_kind: "program_version",
                record_id: Some(version_id.get()),
                detail: "",
            });
        }
        Ok(done)
    })
}
