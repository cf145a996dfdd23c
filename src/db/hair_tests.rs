//! Hair tests and their levels. Levels are stored in mg% as entered (unrounded), one row per
//! measured element; the analysis summary on the test row is derived and rewritten with it.

use crate::db::{AccountId, ClientId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::engine::on_engine;
use super::schema::{clients, hair_test_levels, hair_tests};
use super::{DbConn, DbError, HairTestId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = hair_tests)]
pub struct HairTestRow {
    pub id: HairTestId,
    pub client_id: ClientId,
    pub sample_date: NaiveDate,
    pub entered_at: NaiveDateTime,
    pub lab: String,
    pub lab_sample_id: Option<String>,
    pub washed: bool,
    pub entry_unit: String,
    pub printed_ratios: String,
    pub notes: String,
    pub oxidation_type: String,
    pub oxidation_degree: Option<String>,
    pub pattern_ids: String,
    pub reference_set: String,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

// No optional column: the flag only lets the seeder COPY these rows on PostgreSQL.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = hair_test_levels, treat_none_as_default_value = false)]
pub struct LevelRow {
    pub hair_test_id: HairTestId,
    /// The element's symbol (`Ca`, `Pb`, ...).
    pub element: String,
    pub mg_pct: f64,
    pub below_limit: bool,
}

/// The facts of a test as entered; the levels travel separately.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = hair_tests, treat_none_as_null = true)]
pub struct HairTestFields {
    pub sample_date: NaiveDate,
    pub lab: String,
    pub lab_sample_id: Option<String>,
    pub washed: bool,
    pub entry_unit: String,
    pub printed_ratios: String,
    pub notes: String,
}

/// The derived analysis columns, written whenever levels or the reference set change.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = hair_tests, treat_none_as_null = true)]
pub struct AnalysisSummary {
    pub oxidation_type: String,
    pub oxidation_degree: Option<String>,
    /// Space-delimited, with a leading and trailing space, so `LIKE '% P-K-LOW %'` filters.
    pub pattern_ids: String,
    pub reference_set: String,
}

pub fn insert(
    conn: &mut DbConn,
    id: HairTestId,
    client_id: ClientId,
    fields: &HairTestFields,
    summary: &AnalysisSummary,
    levels: &[LevelRow],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(hair_tests::table)
        .values((
            hair_tests::id.eq(id),
            hair_tests::client_id.eq(client_id),
            hair_tests::entered_at.eq(at),
            hair_tests::updated_at.eq(at),
            hair_tests::sample_date.eq(fields.sample_date),
            hair_tests::lab.eq(&fields.lab),
            hair_tests::lab_sample_id.eq(&fields.lab_sample_id),
            hair_tests::washed.eq(fields.washed),
            hair_tests::entry_unit.eq(&fields.entry_unit),
            hair_tests::printed_ratios.eq(&fields.printed_ratios),
            hair_tests::notes.eq(&fields.notes),
            hair_tests::oxidation_type.eq(&summary.oxidation_type),
            hair_tests::oxidation_degree.eq(&summary.oxidation_degree),
            hair_tests::pattern_ids.eq(&summary.pattern_ids),
            hair_tests::reference_set.eq(&summary.reference_set),
        ))
        .execute(conn)?;
    insert_levels(conn, levels)
}

fn insert_levels(conn: &mut DbConn, levels: &[LevelRow]) -> Result<(), DbError> {
    // Chunked: SQLite limits the number of bound parameters per statement.
    // Batch inserts do not go through the shared connection type, so each engine runs its own.
    for chunk in levels.chunks(200) {
        let insert = diesel::insert_into(hair_test_levels::table).values(chunk);
        on_engine!(conn, |c| insert.execute(c))?;
    }
    Ok(())
}

pub fn update(
    conn: &mut DbConn,
    id: HairTestId,
    fields: &HairTestFields,
    summary: &AnalysisSummary,
    levels: &[LevelRow],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(hair_tests::table.find(id))
        .set((fields, summary, hair_tests::updated_at.eq(at)))
        .execute(conn)?;
    diesel::delete(hair_test_levels::table.filter(hair_test_levels::hair_test_id.eq(id)))
        .execute(conn)?;
    insert_levels(conn, levels)
}

pub fn set_summary(
    conn: &mut DbConn,
    id: HairTestId,
    summary: &AnalysisSummary,
) -> Result<(), DbError> {
    diesel::update(hair_tests::table.find(id))
        .set(summary)
        .execute(conn)?;
    Ok(())
}

pub fn set_deleted(
    conn: &mut DbConn,
    id: HairTestId,
    deleted_at: Option<NaiveDateTime>,
) -> Result<(), DbError> {
    diesel::update(hair_tests::table.find(id))
        .set(hair_tests::deleted_at.eq(deleted_at))
        .execute(conn)?;
    Ok(())
}

/// A test of this client (deleted or not); the caller has already scoped the client to the
/// signed-in practitioner.
pub fn find_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
    id: HairTestId,
) -> Result<Option<HairTestRow>, DbError> {
    Ok(hair_tests::table
        .filter(hair_tests::id.eq(id))
        .filter(hair_tests::client_id.eq(client_id))
        .select(HairTestRow::as_select())
        .first(conn)
        .optional()?)
}

/// The client's live tests in comparison order: sample date, then entry time (HTMA.md CMP).
pub fn list_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<Vec<HairTestRow>, DbError> {
    Ok(hair_tests::table
        .filter(hair_tests::client_id.eq(client_id))
        .filter(hair_tests::deleted_at.is_null())
        .order((
            hair_tests::sample_date.asc(),
            hair_tests::entered_at.asc(),
            hair_tests::id.asc(),
        ))
        .select(HairTestRow::as_select())
        .load(conn)?)
}

pub fn list_deleted_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
    since: NaiveDateTime,
) -> Result<Vec<HairTestRow>, DbError> {
    Ok(hair_tests::table
        .filter(hair_tests::client_id.eq(client_id))
        .filter(hair_tests::deleted_at.gt(since))
        .order(hair_tests::deleted_at.desc())
        .select(HairTestRow::as_select())
        .load(conn)?)
}

/// Every test of the practitioner's clients, deleted ones too: by client, then in comparison
/// order (as `list_for_client`), for a re-analysis of the whole practice.
pub fn all_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Vec<HairTestRow>, DbError> {
    Ok(hair_tests::table
        .inner_join(clients::table)
        .filter(clients::practitioner_id.eq(practitioner_id))
        .order((
            hair_tests::client_id.asc(),
            hair_tests::sample_date.asc(),
            hair_tests::entered_at.asc(),
            hair_tests::id.asc(),
        ))
        .select(HairTestRow::as_select())
        .load(conn)?)
}

/// The levels of every test of `all_for_practitioner`, in one query.
pub fn levels_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Vec<LevelRow>, DbError> {
    Ok(hair_test_levels::table
        .inner_join(hair_tests::table.inner_join(clients::table))
        .filter(clients::practitioner_id.eq(practitioner_id))
        .select(LevelRow::as_select())
        .load(conn)?)
}

/// Writes one summary to many tests (a re-analysis groups tests by their new summary);
/// returns how many rows changed.
pub fn set_summary_of_all(
    conn: &mut DbConn,
    ids: &[HairTestId],
    summary: &AnalysisSummary,
) -> Result<usize, DbError> {
    let mut rewritten = 0;
    // Chunked: SQLite limits the number of bound parameters per statement.
    for chunk in ids.chunks(500) {
        rewritten += diesel::update(hair_tests::table.filter(hair_tests::id.eq_any(chunk)))
            .set(summary)
            .execute(conn)?;
    }
    Ok(rewritten)
}

pub fn levels_of(conn: &mut DbConn, test_ids: &[HairTestId]) -> Result<Vec<LevelRow>, DbError> {
    let mut rows = Vec::new();
    for chunk in test_ids.chunks(500) {
        rows.extend(
            hair_test_levels::table
                .filter(hair_test_levels::hair_test_id.eq_any(chunk))
                .select(LevelRow::as_select())
                .load(conn)?,
        );
    }
    Ok(rows)
}

/// Tests deleted more than 30 days ago are gone for good, with the lab report kept with them.
/// Returns the ids purged.
pub fn purge_deleted_before(
    conn: &mut DbConn,
    before: NaiveDateTime,
) -> Result<Vec<HairTestId>, DbError> {
    let doomed: Vec<HairTestId> = hair_tests::table
        .filter(hair_tests::deleted_at.lt(before))
        .select(hair_tests::id)
        .load(conn)?;
    for chunk in doomed.chunks(500) {
        super::lab_reports::delete_for_tests(conn, chunk)?;
        diesel::delete(
            hair_test_levels::table.filter(hair_test_levels::hair_test_id.eq_any(chunk)),
        )
        .execute(conn)?;
        diesel::delete(
            super::schema::flags::table.filter(
                super::schema::flags::from_test_id
                    .eq_any(chunk)
                    .or(super::schema::flags::to_test_id.eq_any(chunk)),
            ),
        )
        .execute(conn)?;
        diesel::delete(hair_tests::table.filter(hair_tests::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(doomed)
}
