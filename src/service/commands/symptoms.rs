//! The symptoms a client's diary offers beyond the standard ones.

use crate::db::ClientId;
use crate::db::{client_symptoms, new_id, now, DbConn, DbError};
use crate::domain::diary::vocabulary::parse_new_label;

use super::{audited, Actor, Event};

/// Adds a symptom to the client's vocabulary; the label is checked against the vocabulary
/// inside the write transaction, so two tabs cannot add it twice. The inner error is the
/// message for the form.
pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    label: &str,
) -> Result<Result<i64, String>, DbError> {
    audited(conn, actor, |conn, trail| {
        let existing = client_symptoms::vocabulary(conn, client_id)?;
        let label = match parse_new_label(label, &existing) {
            Ok(label) => label,
            Err(message) => return Ok(Err(message)),
        };
        let id = new_id();
        client_symptoms::insert(conn, id, client_id, &label, actor.account_id, now())?;
        trail.record(Event {
            action: "create",
            record_kind: "symptom",
            record_id: Some(id),
            detail: "symptom added to a client's diary",
        });
        Ok(Ok(id))
    })
}
