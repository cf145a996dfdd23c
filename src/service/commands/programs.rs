//! Changes to a client's nutritional program and retest schedule.

use crate::db::programs::{self, VersionInput};
use crate::db::{dashboard_cache, DbConn, DbError};

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
