//! The nutritional program: dated versions with their supplements. Changing the program adds a
//! version from a date, so the history is the record; a version typed wrong can be corrected in
//! place or deleted (softly: restorable for `RESTORE_WINDOW`), each change audited by
//! `service::commands::programs`.

use crate::db::{AccountId, ClientId, ProgramVersionId};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::min;
use diesel::prelude::*;

use super::schema::{clients, diary_entries, hair_tests, program_supplements, program_versions};
use super::{new_id, now, DbConn, DbError};

/// How long a deleted version can be restored (as hair tests and summaries).
pub const RESTORE_WINDOW: Duration = Duration::days(30);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = program_versions)]
pub struct ProgramVersion {
    pub id: ProgramVersionId,
    pub client_id: ClientId,
    pub starts_on: NaiveDate,
    pub diet: String,
    pub lifestyle: String,
    pub created_at: NaiveDateTime,
    pub created_by: AccountId,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
}

impl ProgramVersion {
    /// The last day a deleted version can be restored.
    pub fn restorable_until(&self) -> Option<NaiveDate> {
        self.deleted_at.map(|at| (at + RESTORE_WINDOW).date())
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = program_supplements)]
pub struct Supplement {
    pub id: i64,
    pub version_id: ProgramVersionId,
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

/// Every live (not deleted) version of the client's program, oldest first (two queries
/// whatever the count).
pub fn history(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<Vec<VersionWithSupplements>, DbError> {
    let versions: Vec<ProgramVersion> = program_versions::table
        .filter(program_versions::client_id.eq(client_id))
        .filter(program_versions::deleted_at.is_null())
        .order((
            program_versions::starts_on.asc(),
            program_versions::created_at.asc(),
        ))
        .select(ProgramVersion::as_select())
        .load(conn)?;
    with_supplements(conn, versions)
}

/// One live version of this client (the caller has scoped the client to its practitioner).
pub fn find_live(
    conn: &mut DbConn,
    client_id: ClientId,
    version_id: ProgramVersionId,
) -> Result<Option<VersionWithSupplements>, DbError> {
    let found: Option<ProgramVersion> = program_versions::table
        .filter(program_versions::id.eq(version_id))
        .filter(program_versions::client_id.eq(client_id))
        .filter(program_versions::deleted_at.is_null())
        .select(ProgramVersion::as_select())
        .first(conn)
        .optional()?;
    Ok(with_supplements(conn, found.into_iter().collect())?.pop())
}

/// The client's version `version_id` if it was deleted since `since` (still restorable).
pub fn find_deleted(
    conn: &mut DbConn,
    client_id: ClientId,
    version_id: ProgramVersionId,
    since: NaiveDateTime,
) -> Result<Option<ProgramVersion>, DbError> {
    Ok(program_versions::table
        .filter(program_versions::id.eq(version_id))
        .filter(program_versions::client_id.eq(client_id))
        .filter(program_versions::deleted_at.ge(since))
        .select(ProgramVersion::as_select())
        .first(conn)
        .optional()?)
}

/// The client's versions deleted since `since` (still restorable), most recently deleted first.
pub fn list_deleted(
    conn: &mut DbConn,
    client_id: ClientId,
    since: NaiveDateTime,
) -> Result<Vec<ProgramVersion>, DbError> {
    Ok(program_versions::table
        .filter(program_versions::client_id.eq(client_id))
        .filter(program_versions::deleted_at.ge(since))
        .order(program_versions::deleted_at.desc())
        .select(ProgramVersion::as_select())
        .load(conn)?)
}

/// Marks a live version of the client deleted; false when there was none to delete.
pub fn delete_version(
    conn: &mut DbConn,
    client_id: ClientId,
    version_id: ProgramVersionId,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    Ok(diesel::update(
        program_versions::table
            .filter(program_versions::id.eq(version_id))
            .filter(program_versions::client_id.eq(client_id))
            .filter(program_versions::deleted_at.is_null()),
    )
    .set(program_versions::deleted_at.eq(Some(at)))
    .execute(conn)?
        > 0)
}

/// Brings back a version deleted within the window; false when there was none to restore.
pub fn restore_version(
    conn: &mut DbConn,
    client_id: ClientId,
    version_id: ProgramVersionId,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    Ok(diesel::update(
        program_versions::table
            .filter(program_versions::id.eq(version_id))
            .filter(program_versions::client_id.eq(client_id))
            .filter(program_versions::deleted_at.ge(at - RESTORE_WINDOW)),
    )
    .set(program_versions::deleted_at.eq(None::<NaiveDateTime>))
    .execute(conn)?
        > 0)
}

/// Removes for good the client's versions deleted before `before` (their supplements go with
/// them); returns their ids.
pub fn purge_deleted_before(
    conn: &mut DbConn,
    client_id: ClientId,
    before: NaiveDateTime,
) -> Result<Vec<ProgramVersionId>, DbError> {
    let ids: Vec<ProgramVersionId> = program_versions::table
        .filter(program_versions::client_id.eq(client_id))
        .filter(program_versions::deleted_at.lt(before))
        .select(program_versions::id)
        .load(conn)?;
    if !ids.is_empty() {
        diesel::delete(
            program_supplements::table.filter(program_supplements::version_id.eq_any(&ids)),
        )
        .execute(conn)?;
        diesel::delete(program_versions::table.filter(program_versions::id.eq_any(&ids)))
            .execute(conn)?;
    }
    Ok(ids)
}

/// The client's first record: the earliest sample date of a live hair test or diary day.
pub fn first_record(conn: &mut DbConn, client_id: ClientId) -> Result<Option<NaiveDate>, DbError> {
    let test: Option<NaiveDate> = hair_tests::table
        .filter(hair_tests::client_id.eq(client_id))
        .filter(hair_tests::deleted_at.is_null())
        .select(min(hair_tests::sample_date))
        .first(conn)?;
    let diary: Option<NaiveDate> = diary_entries::table
        .filter(diary_entries::client_id.eq(client_id))
        .select(min(diary_entries::entry_date))
        .first(conn)?;
    Ok(test.into_iter().chain(diary).min())
}

fn with_supplements(
    conn: &mut DbConn,
    versions: Vec<ProgramVersion>,
) -> Result<Vec<VersionWithSupplements>, DbError> {
    let ids: Vec<ProgramVersionId> = versions.iter().map(|v| v.id).collect();
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

/// Replaces a live version's date, diet, lifestyle and supplements (inside the caller's
/// transaction). Supplements keep their rows position by position, so a row that stays keeps
/// its id; rows beyond the new list are removed. False when the version is not live.
pub fn update_version(
    conn: &mut DbConn,
    client_id: ClientId,
    version_id: ProgramVersionId,
    input: &VersionInput,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        program_versions::table
            .filter(program_versions::id.eq(version_id))
            .filter(program_versions::client_id.eq(client_id))
            .filter(program_versions::deleted_at.is_null()),
    )
    .set((
        program_versions::starts_on.eq(input.starts_on),
        program_versions::diet.eq(&input.diet),
        program_versions::lifestyle.eq(&input.lifestyle),
        program_versions::updated_at.eq(Some(now())),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    let existing: Vec<(i64, i64)> = program_supplements::table
        .filter(program_supplements::version_id.eq(version_id))
        .order(program_supplements::position.asc())
        .select((program_supplements::id, program_supplements::position))
        .load(conn)?;
    for (position, supplement) in input.supplements.iter().enumerate() {
        let values = (
            program_supplements::name.eq(&supplement.name),
            program_supplements::dose.eq(&supplement.dose),
            program_supplements::unit.eq(&supplement.unit),
            program_supplements::frequency.eq(&supplement.frequency),
        );
        match existing.get(position) {
            Some((id, _)) => {
                diesel::update(program_supplements::table.find(*id))
                    .set((program_supplements::position.eq(position as i64), values))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(program_supplements::table)
                    .values((
                        program_supplements::id.eq(new_id()),
                        program_supplements::version_id.eq(version_id),
                        program_supplements::position.eq(position as i64),
                        values,
                    ))
                    .execute(conn)?;
            }
        }
    }
    let extra: Vec<i64> = existing
        .iter()
        .skip(input.supplements.len())
        .map(|(id, _)| *id)
        .collect();
    if !extra.is_empty() {
        diesel::delete(program_supplements::table.filter(program_supplements::id.eq_any(&extra)))
            .execute(conn)?;
    }
    Ok(true)
}

/// Stores a program version with its supplements (inside the caller's transaction:
/// `service::commands::programs`). Returns its id.
pub fn insert_version(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    client_id: ClientId,
    input: &VersionInput,
) -> Result<ProgramVersionId, DbError> {
    let id = ProgramVersionId::fresh();
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
pub fn supplement_names(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Vec<String>, DbError> {
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
    practitioner_id: AccountId,
    client_id: ClientId,
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

pub fn retest_interval(conn: &mut DbConn, client_id: ClientId) -> Result<Option<i64>, DbError> {
    Ok(clients::table
        .find(client_id)
        .select(clients::retest_interval_months)
        .first(conn)?)
}
