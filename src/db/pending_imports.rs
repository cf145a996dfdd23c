//! Uploaded CSV files between preview and confirmation, kept in the database so that any app
//! instance can confirm them, and only by the practitioner who uploaded them.

use crate::db::{AccountId, ClientId, PendingImportId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::pending_imports;
use super::{DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pending_imports)]
pub struct PendingImport {
    pub id: PendingImportId,
    pub practitioner_id: AccountId,
    pub client_id: Option<ClientId>,
    pub file_name: String,
    pub default_unit: String,
    pub content: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &PendingImport) -> Result<(), DbError> {
    diesel::insert_into(pending_imports::table)
        .values((
            pending_imports::id.eq(row.id),
            pending_imports::practitioner_id.eq(row.practitioner_id),
            pending_imports::client_id.eq(row.client_id),
            pending_imports::file_name.eq(&row.file_name),
            pending_imports::default_unit.eq(&row.default_unit),
            pending_imports::content.eq(&row.content),
            pending_imports::created_at.eq(row.created_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    client_id: ClientId,
    id: PendingImportId,
) -> Result<Option<PendingImport>, DbError> {
    Ok(pending_imports::table
        .filter(pending_imports::id.eq(id))
        .filter(pending_imports::practitioner_id.eq(practitioner_id))
        .filter(pending_imports::client_id.eq(client_id))
        .select(PendingImport::as_select())
        .first(conn)
        .optional()?)
}

/// Deletes the upload; the count says whether it was still there.
pub fn delete(conn: &mut DbConn, id: PendingImportId) -> Result<usize, DbError> {
    Ok(diesel::delete(pending_imports::table.find(id)).execute(conn)?)
}

/// Uploads never confirmed are dropped after a day: they hold health data nobody asked to keep.
pub fn purge_older_than(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(pending_imports::table.filter(pending_imports::created_at.lt(before)))
            .execute(conn)?,
    )
}

/// A practice-wide upload (rows name their client by reference code).
pub fn find_practice_wide(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    id: PendingImportId,
) -> Result<Option<PendingImport>, DbError> {
    Ok(pending_imports::table
        .filter(pending_imports::id.eq(id))
        .filter(pending_imports::practitioner_id.eq(practitioner_id))
        .filter(pending_imports::client_id.is_null())
        .select(PendingImport::as_select())
        .first(conn)
        .optional()?)
}
