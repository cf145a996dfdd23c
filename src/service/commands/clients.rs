//! Creating, editing, archiving and restoring a practitioner's clients, each with its audit event.

use crate::db::clients::{insert, reference_code_taken, set_archived, update};
pub use crate::db::clients::{ChangeOutcome, ClientChange};
use crate::db::ClientId;
use crate::db::{dashboard_cache, now, DbConn, DbError};

use super::{audited, Actor, Event};

/// Applies one change to the actor's client `client_id` (the new client's id for a create).
pub fn apply(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    change: ClientChange,
) -> Result<ChangeOutcome, DbError> {
    let practitioner_id = actor.account_id;
    audited(conn, actor, |conn, trail| {
        let at = now();
        if let ClientChange::Create(fields) | ClientChange::Update(fields) = &change {
            if let Some(code) = &fields.reference_code {
                let except = matches!(change, ClientChange::Update(_)).then_some(client_id);
                if reference_code_taken(conn, practitioner_id, code, except)? {
                    return Ok(ChangeOutcome::ReferenceCodeTaken);
                }
            }
        }
        let (touched, action) = match &change {
            ClientChange::Create(fields) => {
                insert(conn, client_id, practitioner_id, fields, at)?;
                // A new client is recent activity on the dashboard before any test exists.
                dashboard_cache::write(conn, client_id, 0, None)?;
                (1, "create")
            }
            ClientChange::Update(fields) => (
                update(conn, practitioner_id, client_id, fields, at)?,
                "update",
            ),
            ClientChange::Archive => (
                set_archived(conn, practitioner_id, client_id, Some(at), at)?,
                "archive",
            ),
            ClientChange::Restore => (
                set_archived(conn, practitioner_id, client_id, None, at)?,
                "restore",
            ),
        };
        if touched == 0 {
            return Ok(ChangeOutcome::Missing);
        }
        trail.record(Event {
            action,
            record_kind: "client",
            record_id: Some(client_id.get()),
            detail: "",
        });
        Ok(ChangeOutcome::Done(client_id))
    })
}
