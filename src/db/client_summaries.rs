//! The summary of each client's latest test, rewritten with the flags after every change to
//! the client's tests; the dashboard reads it instead of analysing tests.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::hair_tests::HairTestRow;
use super::schema::{client_summaries, clients, flags, hair_tests};
use super::{now, DbConn, DbError};

/// `tests` are the client's live tests in comparison order (the last is the latest).
pub fn write(conn: &mut DbConn, client_id: i64, tests: &[HairTestRow]) -> Result<(), DbError> {
    let practitioner_id: i64 = clients::table
        .find(client_id)
        .select(clients::practitioner_id)
        .first(conn)?;
    diesel::delete(client_summaries::table.find(client_id)).execute(conn)?;
    let latest = tests.last();
    diesel::insert_into(client_summaries::table)
        .values((
            client_summaries::client_id.eq(client_id),
            client_summaries::practitioner_id.eq(practitioner_id),
            client_summaries::test_count.eq(tests.len() as i64),
            client_summaries::last_sample_date.eq(latest.map(|t| t.sample_date)),
            client_summaries::oxidation_type.eq(latest.map(|t| t.oxidation_type.clone())),
            client_summaries::oxidation_degree.eq(latest.and_then(|t| t.oxidation_degree.clone())),
            client_summaries::pattern_ids
                .eq(latest.map(|t| t.pattern_ids.clone()).unwrap_or_default()),
            client_summaries::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable)]
pub struct ClientOverview {
    pub client_id: i64,
    pub full_name: String,
    pub reference_code: Option<String>,
    pub retest_interval_months: Option<i64>,
    pub test_count: i64,
    pub last_sample_date: Option<NaiveDate>,
    pub oxidation_type: Option<String>,
    pub oxidation_degree: Option<String>,
    pub pattern_ids: String,
    pub updated_at: NaiveDateTime,
}

type OverviewColumns = (
    clients::id,
    clients::full_name,
    clients::reference_code,
    clients::retest_interval_months,
    client_summaries::test_count,
    client_summaries::last_sample_date,
    client_summaries::oxidation_type,
    client_summaries::oxidation_degree,
    client_summaries::pattern_ids,
    client_summaries::updated_at,
);

const OVERVIEW: OverviewColumns = (
    clients::id,
    clients::full_name,
    clients::reference_code,
    clients::retest_interval_months,
    client_summaries::test_count,
    client_summaries::last_sample_date,
    client_summaries::oxidation_type,
    client_summaries::oxidation_degree,
    client_summaries::pattern_ids,
    client_summaries::updated_at,
);

/// Active clients with at least one test: the candidates for "retest due".
pub fn with_tests(conn: &mut DbConn, practitioner_id: i64) -> Result<Vec<ClientOverview>, DbError> {
    Ok(client_summaries::table
        .inner_join(clients::table)
        .filter(client_summaries::practitioner_id.eq(practitioner_id))
        .filter(client_summaries::last_sample_date.is_not_null())
        .filter(clients::archived_at.is_null())
        .select(OVERVIEW)
        .load(conn)?)
}

pub fn recently_active(
    conn: &mut DbConn,
    practitioner_id: i64,
    limit: i64,
) -> Result<Vec<ClientOverview>, DbError> {
    Ok(client_summaries::table
        .inner_join(clients::table)
        .filter(client_summaries::practitioner_id.eq(practitioner_id))
        .filter(clients::archived_at.is_null())
        .order(client_summaries::updated_at.desc())
        .limit(limit)
        .select(OVERVIEW)
        .load(conn)?)
}

/// Clients whose latest test has this oxidation type and/or pattern.
pub fn filtered(
    conn: &mut DbConn,
    practitioner_id: i64,
    oxidation_type: Option<&str>,
    pattern: Option<&str>,
    limit: i64,
) -> Result<(Vec<ClientOverview>, i64), DbError> {
    let build = || {
        let mut query = client_summaries::table
            .inner_join(clients::table)
            .filter(client_summaries::practitioner_id.eq(practitioner_id))
            .filter(clients::archived_at.is_null())
            .into_boxed();
        if let Some(kind) = oxidation_type {
            query = query.filter(client_summaries::oxidation_type.eq(kind.to_string()));
        }
        if let Some(id) = pattern {
            // Pattern ids are stored space-delimited with spaces at both ends.
            query = query.filter(client_summaries::pattern_ids.like(format!("% {id} %")));
        }
        query
    };
    let rows = build()
        .order(clients::search_key.asc())
        .limit(limit)
        .select(OVERVIEW)
        .load(conn)?;
    let total = build().count().get_result(conn)?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Queryable)]
pub struct OpenFlag {
    pub flag_id: i64,
    pub client_id: i64,
    pub full_name: String,
    pub kind: String,
    pub rule: String,
    pub summary: String,
    pub to_test_id: Option<i64>,
    pub raised_at: NaiveDateTime,
    /// The sample date of the later test of the pair: when the change was seen.
    pub to_sample_date: Option<NaiveDate>,
}

/// Unacknowledged flags across the practitioner's clients, newest first, and their number.
pub fn open_flags(
    conn: &mut DbConn,
    practitioner_id: i64,
    limit: i64,
) -> Result<(Vec<OpenFlag>, i64), DbError> {
    let base = || {
        flags::table
            .inner_join(clients::table)
            .filter(clients::practitioner_id.eq(practitioner_id))
            .filter(clients::archived_at.is_null())
            .filter(flags::active.eq(true))
            .filter(flags::acknowledged_at.is_null())
    };
    let rows = base()
        .left_join(hair_tests::table.on(flags::to_test_id.eq(hair_tests::id.nullable())))
        .order((
            flags::raised_at.desc(),
            hair_tests::sample_date.nullable().desc(),
            flags::id.desc(),
        ))
        .limit(limit)
        .select((
            flags::id,
            flags::client_id,
            clients::full_name,
            flags::kind,
            flags::rule,
            flags::summary,
            flags::to_test_id,
            flags::raised_at,
            hair_tests::sample_date.nullable(),
        ))
        .load(conn)?;
    let total = base().count().get_result(conn)?;
    Ok((rows, total))
}

pub fn active_client_count(conn: &mut DbConn, practitioner_id: i64) -> Result<i64, DbError> {
    Ok(clients::table
        .filter(clients::practitioner_id.eq(practitioner_id))
        .filter(clients::archived_at.is_null())
        .count()
        .get_result(conn)?)
}
