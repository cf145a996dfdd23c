//! The diary's numbers for the practitioner's timeline and charts: weekly severity averages per
//! symptom, the rising-symptom flag, adherence. These are the hooks the hair-test timeline
//! calls; the arithmetic itself is in `crate::domain::diary::weekly` (pure, unit-tested).

use chrono::NaiveDate;

use super::{diary, DbConn, DbError};
use crate::domain::diary::{weekly, Adherence, DayLog, RisingFlag, SymptomWeeks};

/// Every logged day of `from..=to` with the symptoms present, oldest first.
pub fn day_logs(
    conn: &mut DbConn,
    client_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayLog>, DbError> {
    let mut days: Vec<DayLog> = diary::between(conn, client_id, from, to)?
        .into_iter()
        .map(|entry| DayLog {
            date: entry.row.entry_date,
            severities: entry
                .symptoms
                .into_iter()
                .map(|s| (s.key, s.severity))
                .collect(),
        })
        .collect();
    days.reverse();
    Ok(days)
}

/// Weekly (ISO week, Monday-keyed) average severity of every symptom the client logged in
/// `from..=to`, one value per week of the period; see `diary::weekly` for the definition.
pub fn weekly_severity(
    conn: &mut DbConn,
    client_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<SymptomWeeks>, DbError> {
    Ok(weekly::weekly_averages(
        &day_logs(conn, client_id, from, to)?,
        from,
        to,
    ))
}

/// The weeks in `from..=to` where a symptom's weekly average rose by 3 or more points within
/// 2 weeks. Pass a `from` two weeks before the first week you display, so its baselines count.
pub fn rising_symptom_flags(
    conn: &mut DbConn,
    client_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RisingFlag>, DbError> {
    Ok(weekly::rising_flags(&weekly_severity(
        conn, client_id, from, to,
    )?))
}

/// Days logged out of days in `from..=to`.
pub fn adherence(
    conn: &mut DbConn,
    client_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Adherence, DbError> {
    Ok(weekly::adherence(
        &diary::logged_dates(conn, client_id, from, to)?,
        from,
        to,
    ))
}
