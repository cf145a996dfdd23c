//! The per-client settings of the portal (columns of `clients` added by the portal migration),
//! read and written apart from `ClientRow` so the client form and this feature evolve alone.

use crate::db::{AccountId, ClientId};
use diesel::prelude::*;

use super::clients::ClientRow;
use super::schema::{client_time_zones, clients};
use super::{DbConn, DbError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSettings {
    /// May hair-test results be shown in the portal (`/portal/results`)? Off by default.
    pub share_results: bool,
    /// The client's UTC offset in minutes; None means the server's.
    pub utc_offset_minutes: Option<i64>,
    /// The client's IANA time zone (Europe/Copenhagen); when set it wins over the offset.
    pub time_zone: Option<String>,
}

/// The settings kept in `clients`.
#[derive(Queryable, Selectable)]
#[diesel(table_name = clients)]
struct ClientColumns {
    share_results: bool,
    utc_offset_minutes: Option<i64>,
}

impl PortalSettings {
    fn of(columns: ClientColumns, time_zone: Option<String>) -> PortalSettings {
        PortalSettings {
            share_results: columns.share_results,
            utc_offset_minutes: columns.utc_offset_minutes,
            time_zone,
        }
    }

    /// Where the client's days begin and end.
    pub fn zone(&self) -> crate::domain::diary::ClientZone {
        crate::domain::diary::ClientZone::of(self.time_zone.as_deref(), self.utc_offset_minutes)
    }
}

pub fn find_with_settings(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<Option<(ClientRow, PortalSettings)>, DbError> {
    let found: Option<(ClientRow, ClientColumns, Option<String>)> = clients::table
        .left_join(client_time_zones::table)
        .filter(clients::id.eq(client_id))
        .select((
            ClientRow::as_select(),
            ClientColumns::as_select(),
            client_time_zones::time_zone.nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|(client, columns, zone)| (client, PortalSettings::of(columns, zone))))
}

pub fn settings(conn: &mut DbConn, client_id: ClientId) -> Result<Option<PortalSettings>, DbError> {
    let found: Option<(ClientColumns, Option<String>)> = clients::table
        .left_join(client_time_zones::table)
        .filter(clients::id.eq(client_id))
        .select((
            ClientColumns::as_select(),
            client_time_zones::time_zone.nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|(columns, zone)| PortalSettings::of(columns, zone)))
}

pub fn set_share_results(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    client_id: ClientId,
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

/// Sets the client's time zone: a name, a fixed offset, or neither (the server's).
pub fn set_time_zone(
    conn: &mut DbConn,
    client_id: ClientId,
    name: Option<&str>,
    minutes: Option<i64>,
) -> Result<usize, DbError> {
    diesel::delete(client_time_zones::table.find(client_id)).execute(conn)?;
    if let Some(name) = name {
        diesel::insert_into(client_time_zones::table)
            .values((
                client_time_zones::client_id.eq(client_id),
                client_time_zones::time_zone.eq(name),
            ))
            .execute(conn)?;
    }
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
    client_id: ClientId,
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
