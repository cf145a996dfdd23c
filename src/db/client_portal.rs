//! The per-client settings of the portal (columns of `clients` added by the portal migration),
//! read and written apart from `ClientRow` so the client form and this feature evolve alone.

use diesel::prelude::*;

use super::clients::ClientRow;
use super::schema::clients;
use super::{DbConn, DbError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct PortalSettings {
    /// May hair-test results be shown in the portal (`/portal/results`)? Off by default.
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
    pub since: chrono::NaiveDate,
    pub diet: String,
    pub lifestyle: String,
    /// "Magnesium glycinate: 200 mg, twice a day", in prescription order.
    pub supplements: Vec<String>,
}

/// The program in force for the client on `today` (their local date), for the portal's "Your
/// program" section; None shows "No program yet". This is the one place the portal reads the
/// program (issue 4's `db::programs`), so a change there is absorbed here.
pub fn current_program(
    conn: &mut DbConn,
    client_id: i64,
    today: chrono::NaiveDate,
) -> Result<Option<ProgramSummary>, DbError> {
    let history = super::programs::history(conn, client_id)?;
    Ok(
        super::programs::current(&history, today).map(|current| ProgramSummary {
            since: current.version.starts_on,
            diet: current.version.diet.trim().to_string(),
            lifestyle: current.version.lifestyle.trim().to_string(),
            supplements: current
                .supplements
                .iter()
                .map(|s| {
                    let amount = crate::words::amount(&s.dose, &s.unit);
                    let details = [amount.as_str(), s.frequency.trim()]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ");
                    match details.is_empty() {
                        true => s.name.trim().to_string(),
                        false => format!("{}: {details}", s.name.trim()),
                    }
                })
                .collect(),
        }),
    )
}
