//! The summary of each client's latest test, rewritten with the flags after every change to
//! the client's tests; the dashboard reads it instead of analysing tests.

use crate::db::{AccountId, ClientId, FlagId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::hair_tests::HairTestRow;
use super::schema::{client_summaries, clients, flags, hair_tests};
use super::{now, DbConn, DbError, HairTestId};
use crate::domain::compare::FlagKind;
use crate::domain::retest::{retest_due_date, DEFAULT_RETEST_INTERVAL_MONTHS};

/// `test_count` live tests, of which `latest` is the latest in comparison order.
pub fn write(
    conn: &mut DbConn,
    client_id: ClientId,
    test_count: usize,
    latest: Option<&HairTestRow>,
) -> Result<(), DbError> {
    let (practitioner_id, interval): (AccountId, Option<i64>) = clients::table
        .find(client_id)
        .select((clients::practitioner_id, clients::retest_interval_months))
        .first(conn)?;
    diesel::delete(client_summaries::table.find(client_id)).execute(conn)?;
    let due = latest.and_then(|t| due_date(t.sample_date, interval));
    diesel::insert_into(client_summaries::table)
        .values((
            client_summaries::client_id.eq(client_id),
            client_summaries::practitioner_id.eq(practitioner_id),
            client_summaries::test_count.eq(test_count as i64),
            client_summaries::last_sample_date.eq(latest.map(|t| t.sample_date)),
            client_summaries::oxidation_type.eq(latest.map(|t| t.oxidation_type.clone())),
            client_summaries::oxidation_degree.eq(latest.and_then(|t| t.oxidation_degree.clone())),
            client_summaries::pattern_ids
                .eq(latest.map(|t| t.pattern_ids.clone()).unwrap_or_default()),
            client_summaries::updated_at.eq(now()),
            client_summaries::retest_due_on.eq(due),
        ))
        .execute(conn)?;
    Ok(())
}

/// CMP-4: the last sample date plus the client's interval (default 4 months).
fn due_date(last_sample: NaiveDate, interval_months: Option<i64>) -> Option<NaiveDate> {
    let months = interval_months
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| *m > 0)
        .unwrap_or(DEFAULT_RETEST_INTERVAL_MONTHS);
    retest_due_date(last_sample, months)
}

/// Recomputes one client's due date after its interval changed.
pub fn refresh_due(conn: &mut DbConn, client_id: ClientId) -> Result<(), DbError> {
    let interval: Option<i64> = clients::table
        .find(client_id)
        .select(clients::retest_interval_months)
        .first(conn)?;
    let last: Option<Option<NaiveDate>> = client_summaries::table
        .find(client_id)
        .select(client_summaries::last_sample_date)
        .first(conn)
        .optional()?;
    let due = last.flatten().and_then(|d| due_date(d, interval));
    diesel::update(client_summaries::table.find(client_id))
        .set(client_summaries::retest_due_on.eq(due))
        .execute(conn)?;
    Ok(())
}

/// Fills the due date of summaries written before it was stored; a no-op afterwards.
pub fn backfill_due(conn: &mut DbConn) -> Result<usize, DbError> {
    let missing: Vec<ClientId> = client_summaries::table
        .filter(client_summaries::last_sample_date.is_not_null())
        .filter(client_summaries::retest_due_on.is_null())
        .select(client_summaries::client_id)
        .load(conn)?;
    for client_id in &missing {
        refresh_due(conn, *client_id)?;
    }
    Ok(missing.len())
}

#[derive(Debug, Clone, Queryable)]
pub struct ClientOverview {
    pub client_id: ClientId,
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

/// Active clients whose next test is due on or before `until`, soonest first.
pub fn due_before(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    until: NaiveDate,
    limit: i64,
) -> Result<Vec<(ClientOverview, NaiveDate)>, DbError> {
    let rows: Vec<(ClientOverview, Option<NaiveDate>)> = client_summaries::table
        .inner_join(clients::table)
        .filter(client_summaries::practitioner_id.eq(practitioner_id))
        .filter(client_summaries::retest_due_on.le(until))
        .filter(clients::archived_at.is_null())
        // The client's id as the summary holds it (the same as the joined client's): the order
        // of client_summaries_due, so the list stops at its limit without a sort.
        .order((
            client_summaries::retest_due_on.asc(),
            client_summaries::client_id.asc(),
        ))
        .limit(limit)
        .select((OVERVIEW, client_summaries::retest_due_on))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, due)| due.map(|d| (c, d)))
        .collect())
}

/// How many active clients are overdue (due on or before `today`).
pub fn overdue_count(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    today: NaiveDate,
) -> Result<i64, DbError> {
    Ok(client_summaries::table
        .inner_join(clients::table)
        .filter(client_summaries::practitioner_id.eq(practitioner_id))
        .filter(client_summaries::retest_due_on.le(today))
        .filter(clients::archived_at.is_null())
        .count()
        .get_result(conn)?)
}

pub fn recently_active(
    conn: &mut DbConn,
    practitioner_id: AccountId,
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
    practitioner_id: AccountId,
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
    pub flag_id: FlagId,
    pub client_id: ClientId,
    pub full_name: String,
    /// What the flag is about (`pattern_appeared:P-K-LOW`): the page names it from this.
    pub flag_key: String,
    pub kind: String,
    pub rule: String,
    pub summary: String,
    pub to_test_id: Option<HairTestId>,
    pub raised_at: NaiveDateTime,
    /// The sample date of the later test of the pair: when the change was seen.
    pub to_sample_date: Option<NaiveDate>,
}

/// Which open flags a list shows: CMP-2 borderline type changes (OX-7) apart from the rest,
/// so a ratio wobbling around its threshold does not bury clear changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagShelf {
    Clear,
    Borderline,
}

/// The open, unacknowledged flags of a practitioner's active clients on one shelf. A macro
/// rather than a function: the query's type is one diesel spells out in a dozen nested lines.
macro_rules! open_flags_query {
    ($practitioner_id:expr, $shelf:expr) => {
        flags::table
            .inner_join(clients::table)
            .filter(clients::practitioner_id.eq($practitioner_id))
            .filter(clients::archived_at.is_null())
            .filter(flags::active.eq(true))
            .filter(flags::acknowledged_at.is_null())
            .filter(
                flags::kind
                    .eq(FlagKind::BorderlineTypeChange.as_str())
                    .eq($shelf == FlagShelf::Borderline),
            )
    };
}

/// Unacknowledged flags across the practitioner's clients on one shelf, newest first.
pub fn open_flags(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    limit: i64,
    shelf: FlagShelf,
) -> Result<Vec<OpenFlag>, DbError> {
    Ok(open_flags_query!(practitioner_id, shelf)
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
            flags::flag_key,
            flags::kind,
            flags::rule,
            flags::summary,
            flags::to_test_id,
            flags::raised_at,
            hair_tests::sample_date.nullable(),
        ))
        .load(conn)?)
}

/// How many open flags each shelf holds, counted in one pass over the open flags (the
/// `flags_open` and `clients_scope` indexes hold all it reads).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenFlagCounts {
    pub clear: i64,
    pub borderline: i64,
}

impl OpenFlagCounts {
    pub fn on(&self, shelf: FlagShelf) -> i64 {
        match shelf {
            FlagShelf::Clear => self.clear,
            FlagShelf::Borderline => self.borderline,
        }
    }
}

pub fn open_flag_counts(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<OpenFlagCounts, DbError> {
    let per_kind: Vec<(String, i64)> = flags::table
        .inner_join(clients::table)
        .filter(clients::practitioner_id.eq(practitioner_id))
        .filter(clients::archived_at.is_null())
        .filter(flags::active.eq(true))
        .filter(flags::acknowledged_at.is_null())
        .group_by(flags::kind)
        .select((flags::kind, diesel::dsl::count_star()))
        .load(conn)?;
    let mut counts = OpenFlagCounts::default();
    for (kind, n) in per_kind {
        if kind == FlagKind::BorderlineTypeChange.as_str() {
            counts.borderline += n;
        } else {
            counts.clear += n;
        }
    }
    Ok(counts)
}

pub fn active_client_count(conn: &mut DbConn, practitioner_id: AccountId) -> Result<i64, DbError> {
    Ok(clients::table
        .filter(clients::practitioner_id.eq(practitioner_id))
        .filter(clients::archived_at.is_null())
        .count()
        .get_result(conn)?)
}
