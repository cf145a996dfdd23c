//! The per-client settings of the portal (columns of `clients` added by the portal migration),
//! read and written apart from `ClientRow` so the client form and this feature evolve alone.

use diesel::prelude::*;

use super::clients::ClientRow;
use super::schema::clients;
use super::{DbConn, DbError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct PortalSettings {
    /// May hair-test results be shown in the portal? Off by default; nothing reads it yet
    /// beyond the practitioner's toggle (results sharing is a later issue).
    pub share_results: bool,
    /// The client's UTC offset in minutes; None means the server's.
    pub utc_offset_minutes: Option<i64>,
}

pub fn find_with_settings(
    conn: &mut DbConn,
    client_id: i64,
) -> Result<Option<(ClientRow, PortalSettings)>, DbError> {
    Ok(clients::table
        .find(client_id)
        .select((ClientRow::as_select(), PortalSettings::as_select()))
        .first(conn)
        .optional()?)
}

pub fn settings(conn: &mut DbConn, client_id: i64) -> Result<Option<PortalSettings>, DbError> {
    Ok(clients::table
        .find(client_id)
        .select(PortalSettings::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_share_results(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    share: bool,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        clients::table
            .filter(clients::id.eq(client_id))
            .filter(clients::practitioner_id.eq(practitioner_id)),
    )
    .set(clients::share_results.eq(share))
    .execute(conn)?)
}

pub fn set_utc_offset(
    conn: &mut DbConn,
    client_id: i64,
    minutes: Option<i64>,
) -> Result<usize, DbError> {
    Ok(diesel::update(clients::table.find(client_id))
        .set(clients::utc_offset_minutes.eq(minutes))
        .execute(conn)?)
}

/// The program prescribed to a client, as the portal shows it (read-only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramSummary {
    pub title: String,
    pub items: Vec<String>,
}

/// The client's current program, for the portal's "Your program" section.
///
/// TODO(issue #4, programs): read the client's current program here once programs exist. This
/// hook is the only place the portal asks, so the portal page needs no change: return
/// `Some(ProgramSummary { .. })` and the section lists it. Until then every client has none
/// and the portal says "No program yet".
pub fn current_program(
    _conn: &mut DbConn,
    _client_id: i64,
) -> Result<Option<ProgramSummary>, DbError> {
    Ok(None)
}
