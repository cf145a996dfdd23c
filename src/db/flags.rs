//! Flags are derived data (HTMA.md, "Comparing consecutive tests"): after any insert, edit,
//! delete or re-analysis of a client's tests, the stored flags are made equal to what the
//! engine derives, keeping acknowledgements of flags that are derived again.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::compare::{compare_consecutive, DatedTest};
use crate::domain::reference::ReferenceSet;

use super::mapping::sample_of;
use super::schema::{clients, flags};
use super::{hair_tests, new_id, now, DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = flags)]
pub struct FlagRow {
    pub id: i64,
    pub client_id: i64,
    pub flag_key: String,
    pub kind: String,
    pub rule: String,
    pub summary: String,
    pub from_test_id: Option<i64>,
    pub to_test_id: Option<i64>,
    pub raised_at: NaiveDateTime,
    pub active: bool,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<i64>,
    pub ack_note: String,
}

struct DerivedFlag {
    key: String,
    kind: String,
    rule: String,
    summary: String,
    from: i64,
    to: i64,
}

/// Re-derives every flag of one client from their live tests, with their practitioner's
/// reference set. Runs inside the caller's write transaction so tests and flags never disagree.
pub fn recompute_for_client(conn: &mut DbConn, client_id: i64) -> Result<(), DbError> {
    let reference = super::reference_sets::reference_set_for_client(conn, client_id)?;
    recompute_with(conn, client_id, &reference)
}

/// `recompute_for_client` with the set already resolved (the caller analysed with it).
pub fn recompute_with(
    conn: &mut DbConn,
    client_id: i64,
    reference: &ReferenceSet,
) -> Result<(), DbError> {
    let sex: Option<String> = clients::table
        .find(client_id)
        .select(clients::sex)
        .first(conn)?;
    let tests = hair_tests::list_for_client(conn, client_id)?;
    let ids: Vec<i64> = tests.iter().map(|t| t.id).collect();
    let levels = hair_tests::levels_of(conn, &ids)?;
    let mut levels_by_test: HashMap<i64, Vec<hair_tests::LevelRow>> = HashMap::new();
    for level in levels {
        levels_by_test
            .entry(level.hair_test_id)
            .or_default()
            .push(level);
    }
    recompute_loaded(
        conn,
        client_id,
        sex.as_deref(),
        &tests,
        &levels_by_test,
        reference,
    )
}

/// The re-derivation from tests and levels already loaded (a bulk re-analysis loads every
/// client's at once). `tests` are the client's live tests in comparison order, with their
/// summary columns up to date (the dashboard's summary copies the latest).
pub fn recompute_loaded(
    conn: &mut DbConn,
    client_id: i64,
    sex: Option<&str>,
    tests: &[hair_tests::HairTestRow],
    levels_by_test: &HashMap<i64, Vec<hair_tests::LevelRow>>,
    reference: &ReferenceSet,
) -> Result<(), DbError> {
    let dated: Vec<DatedTest<i64>> = tests
        .iter()
        .map(|t| DatedTest {
            id: t.id,
            sample_date: t.sample_date,
            entered_at: t.entered_at,
            sample: sample_of(
                t,
                levels_by_test.get(&t.id).map(Vec::as_slice).unwrap_or(&[]),
                sex,
            ),
        })
        .collect();
    let mut derived: BTreeMap<String, DerivedFlag> = BTreeMap::new();
    for pair in compare_consecutive(&dated, reference) {
        for flag in pair.comparison.flags {
            // The same finding between another pair of tests is another flag.
            let key = format!("{}@{}>{}", flag.key(), pair.earlier, pair.later);
            let summary = match &flag.washing_note {
                Some(note) => format!("{} ({note})", flag.summary),
                None => flag.summary.clone(),
            };
            derived.insert(
                key.clone(),
                DerivedFlag {
                    key,
                    kind: flag.kind.as_str().to_string(),
                    rule: flag.rule.to_string(),
                    summary,
                    from: pair.earlier,
                    to: pair.later,
                },
            );
        }
    }
    store(conn, client_id, derived)?;
    super::dashboard_cache::write(conn, client_id, tests)
}

fn store(
    conn: &mut DbConn,
    client_id: i64,
    mut derived: BTreeMap<String, DerivedFlag>,
) -> Result<(), DbError> {
    let existing: Vec<FlagRow> = flags::table
        .filter(flags::client_id.eq(client_id))
        .select(FlagRow::as_select())
        .load(conn)?;
    for row in existing {
        match derived.remove(&row.flag_key) {
            Some(flag) if !row.active || row.summary != flag.summary => {
                diesel::update(flags::table.find(row.id))
                    .set((flags::active.eq(true), flags::summary.eq(&flag.summary)))
                    .execute(conn)?;
            }
            Some(_) => {}
            None if row.active => {
                diesel::update(flags::table.find(row.id))
                    .set(flags::active.eq(false))
                    .execute(conn)?;
            }
            None => {}
        }
    }
    let at = now();
    for flag in derived.into_values() {
        diesel::insert_into(flags::table)
            .values((
                flags::id.eq(new_id()),
                flags::client_id.eq(client_id),
                flags::flag_key.eq(&flag.key),
                flags::kind.eq(&flag.kind),
                flags::rule.eq(&flag.rule),
                flags::summary.eq(&flag.summary),
                flags::from_test_id.eq(Some(flag.from)),
                flags::to_test_id.eq(Some(flag.to)),
                flags::raised_at.eq(at),
                flags::active.eq(true),
                flags::ack_note.eq(""),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn active_for_client(conn: &mut DbConn, client_id: i64) -> Result<Vec<FlagRow>, DbError> {
    Ok(flags::table
        .filter(flags::client_id.eq(client_id))
        .filter(flags::active.eq(true))
        .order((flags::raised_at.desc(), flags::id.desc()))
        .select(FlagRow::as_select())
        .load(conn)?)
}

pub fn acknowledge(
    conn: &mut DbConn,
    client_id: i64,
    flag_id: i64,
    account_id: i64,
    note: &str,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        flags::table
            .filter(flags::id.eq(flag_id))
            .filter(flags::client_id.eq(client_id)),
    )
    .set((
        flags::acknowledged_at.eq(Some(now())),
        flags::acknowledged_by.eq(Some(account_id)),
        flags::ack_note.eq(note),
    ))
    .execute(conn)?)
}
