//! Changes a practitioner makes to a client's flags.

use crate::db::{flags, DbConn, DbError};
use crate::db::{ClientId, FlagId};

use super::{audited, Actor, Event};

/// Acknowledges a flag of the client with the practitioner's note. False when the client has no
/// such flag.
pub fn acknowledge(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    flag_id: FlagId,
    note: &str,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let updated = flags::acknowledge(conn, client_id, flag_id, actor.account_id, note)?;
        if updated > 0 {
            trail.record(Event {
                action: "acknowledge",
                record_kind: "flag",
                record_id: Some(flag_id.get()),
                detail: "",
            });
        }
        Ok(updated > 0)
    })
}
