//! Symptoms a practitioner added to one client's diary vocabulary.

use crate::db::{AccountId, ClientId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::client_symptoms;
use super::{DbConn, DbError};

/// (id, label) of the client's added symptoms, oldest first.
pub fn list(conn: &mut DbConn, client_id: ClientId) -> Result<Vec<(i64, String)>, DbError> {
    Ok(client_symptoms::table
        .filter(client_symptoms::client_id.eq(client_id))
        .order((client_symptoms::created_at.asc(), client_symptoms::id.asc()))
        .select((client_symptoms::id, client_symptoms::label))
        .load(conn)?)
}

/// The client's whole vocabulary: defaults, then the added symptoms.
pub fn vocabulary(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<Vec<crate::domain::diary::Symptom>, DbError> {
    Ok(crate::domain::diary::vocabulary::vocabulary(&list(
        conn, client_id,
    )?))
}

pub fn insert(
    conn: &mut DbConn,
    id: i64,
    client_id: ClientId,
    label: &str,
    created_by: AccountId,
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
