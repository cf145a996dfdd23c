//! Symptoms a practitioner added to one client's diary vocabulary.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::client_symptoms;
use super::{DbConn, DbError};

/// (id, label) of the client's added symptoms, oldest first.
pub fn list(conn: &mut DbConn, client_id: i64) -> Result<Vec<(i64, String)>, DbError> {
    Ok(client_symptoms::table
        .filter(client_symptoms::client_id.eq(client_id))
        .order((client_symptoms::created_at.asc(), client_symptoms::id.asc()))
        .select((client_symptoms::id, client_symptoms::label))
        .load(conn)?)
}

/// The client's whole vocabulary: defaults, then the added symptoms.
pub fn vocabulary(
    conn: &mut DbConn,
    client_id: i64,
) -> Result<Vec<crate::domain::diary::Symptom>, DbError> {
    Ok(crate::domain::diary::vocabulary::vocabulary(&list(
        conn, client_id,
    )?))
}

pub fn insert(
    conn: &mut DbConn,
    id: i64,
    client_id: i64,
    label: &str,
    created_by: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(client_symptoms::table)
        .values((
            client_symptoms::id.eq(id),
            client_symptoms::client_id.eq(client_id),
            client_symptoms::label.eq(label),
            client_symptoms::created_by.eq(created_by),
            client_symptoms::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds a symptom to the client's vocabulary with its audit event; the label is checked
/// against the vocabulary inside the write transaction, so two tabs cannot add it twice.
/// The inner error is the message for the form.
pub fn add(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    label: &str,
    remote_addr: &str,
) -> Result<Result<i64, String>, DbError> {
    super::write_tx(conn, |conn| {
        let existing = vocabulary(conn, client_id)?;
        let label = match crate::domain::diary::vocabulary::parse_new_label(label, &existing) {
            Ok(label) => label,
            Err(message) => return Ok(Err(message)),
        };
        let id = super::new_id();
        insert(conn, id, client_id, &label, practitioner_id, super::now())?;
        super::audit::record(
            conn,
            &super::audit::AuditEntry {
                account_id: Some(practitioner_id),
                action: "create",
                record_kind: "symptom",
                record_id: Some(id),
                remote_addr: Some(remote_addr),
                detail: "symptom added to a client's diary",
            },
        )?;
        Ok(Ok(id))
    })
}
