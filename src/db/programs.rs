//! The nutritional program: dated versions with their supplements. A version is never edited:
//! changing the program adds a version from a date, so the history is the record.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{clients, program_supplements, program_versions};
use super::{new_id, now, DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = program_versions)]
pub struct ProgramVersion {
    pub id: i64,
    pub client_id: i64,
    pub starts_on: NaiveDate,
    pub diet: String,
    pub lifestyle: String,
    pub created_at: NaiveDateTime,
    pub created_by: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = program_supplements)]
pub struct Supplement {
    pub id: i64,
    pub version_id: i64,
    pub position: i64,
    pub name: String,
    pub dose: String,
    pub unit: String,
    pub frequency: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplementInput {
    pub name: String,
    pub dose: String,
    pub unit: String,
    pub frequency: String,
}

#[derive(Debug, Clone)]
pub struct VersionInput {
    pub starts_on: NaiveDate,
    pub diet: String,
    pub lifestyle: String,
    pub supplements: Vec<SupplementInput>,
}

/// A version with its supplements in prescription order.
#[derive(Debug, Clone)]
pub struct VersionWithSupplements {
    pub version: ProgramVersion,
    pub supplements: Vec<Supplement>,
}

/// Every version of the client's program, oldest first (two queries whatever the count).
pub fn history(conn: &mut DbConn, client_id: i64) -> Result<Vec<VersionWithSupplements>, DbError> {
    let versions: Vec<ProgramVersion> = program_versions::table
        .filter(program_versions::client_id.eq(client_id))
        .order((
            program_versions::starts_on.asc(),
            program_versions::created_at.asc(),
        ))
        .select(ProgramVersion::as_select())
        .load(conn)?;
    let ids: Vec<i64> = versions.iter().map(|v| v.id).collect();
    let mut supplements: Vec<Supplement> = program_supplements::table
        .filter(program_supplements::version_id.eq_any(&ids))
        .order((
            program_supplements::version_id.asc(),
            program_supplements::position.asc(),
        ))
        .select(Supplement::as_select())
        .load(conn)?;
    Ok(versions
        .into_iter()
        .map(|version| {
            let (mine, rest): (Vec<_>, Vec<_>) = supplements
                .drain(..)
                .partition(|s| s.version_id == version.id);
            supplements = rest;
            VersionWithSupplements {
                version,
                supplements: mine,
            }
        })
        .collect())
}

/// The version in force on `day`: the latest one starting on or before it.
pub fn current(
    history: &[VersionWithSupplements],
    day: NaiveDate,
) -> Option<&VersionWithSupplements> {
    history.iter().rev().find(|v| v.version.starts_on <= day)
}

/// Stores a program version with its supplements (inside the caller's transaction:
/// `service::commands::programs`). Returns its id.
pub fn insert_version(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    input: &VersionInput,
) -> Result<i64, DbError> {
    let id = new_id();
    diesel::insert_into(program_versions::table)
        .values((
            program_versions::id.eq(id),
            program_versions::client_id.eq(client_id),
            program_versions::starts_on.eq(input.starts_on),
            program_versions::diet.eq(&input.diet),
            program_versions::lifestyle.eq(&input.lifestyle),
            program_versions::created_at.eq(now()),
            program_versions::created_by.eq(practitioner_id),
        ))
        .execute(conn)?;
    for (position, supplement) in input.supplements.iter().enumerate() {
        diesel::insert_into(program_supplements::table)
            .values((
                program_supplements::id.eq(new_id()),
                program_supplements::version_id.eq(id),
                program_supplements::position.eq(position as i64),
                program_supplements::name.eq(&supplement.name),
                program_supplements::dose.eq(&supplement.dose),
                program_supplements::unit.eq(&supplement.unit),
                program_supplements::frequency.eq(&supplement.frequency),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// Supplement names this practitioner has prescribed before, for the form's suggestions.
pub fn supplement_names(conn: &mut DbConn, practitioner_id: i64) -> Result<Vec<String>, DbError> {
    Ok(program_supplements::table
        .inner_join(program_versions::table.inner_join(clients::table))
        .filter(clients::practitioner_id.eq(practitioner_id))
        .select(program_supplements::name)
        .distinct()
        .order(program_supplements::name.asc())
        .limit(500)
        .load(conn)?)
}

/// Sets the client's retest interval (of this practitioner's client; 0 when not theirs).
pub fn update_retest_interval(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    months: Option<i64>,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        clients::table
            .filter(clients::id.eq(client_id))
            .filter(clients::practitioner_id.eq(practitioner_id)),
    )
    .set(clients::retest_interval_months.eq(months))
    .execute(conn)?)
}

pub fn retest_interval(conn: &mut DbConn, client_id: i64) -> Result<Option<i64>, DbError> {
    Ok(clients::table
        .find(client_id)
        .select(clients::retest_interval_months)
        .first(conn)?)
}
