//! The diary facts the symptom-to-finding hints need for one test (HTMA.md): cramp days in the
//! 30 days before the test, or since the previous test when that window is longer.

use crate::db::ClientId;
use chrono::{Duration, NaiveDate};

use super::{diary, DbConn, DbError};
use crate::domain::diary::vocabulary::CRAMP_KEYS;
use crate::domain::diary::TimeOfDay;
use crate::domain::hints::{CrampHistory, WINDOW_DAYS};

pub fn cramp_history(
    conn: &mut DbConn,
    client_id: ClientId,
    sample_date: NaiveDate,
    previous_sample_date: Option<NaiveDate>,
) -> Result<CrampHistory, DbError> {
    let thirty_days = sample_date - Duration::days(WINDOW_DAYS);
    let from = match previous_sample_date {
        Some(previous) if previous + Duration::days(1) < thirty_days => {
            previous + Duration::days(1)
        }
        _ => thirty_days,
    };
    let entries = diary::between(conn, client_id, from, sample_date)?;
    let mut history = CrampHistory::default();
    for entry in &entries {
        let cramps: Vec<_> = entry
            .symptoms
            .iter()
            .filter(|s| CRAMP_KEYS.contains(&s.key.as_str()) && s.severity.is_present())
            .collect();
        if !cramps.is_empty() {
            history.cramp_days += 1;
        }
        if cramps
            .iter()
            .any(|s| s.time_of_day == Some(TimeOfDay::Exercise) || s.key == "exercise_cramps")
        {
            history.during_exercise = true;
        }
    }
    Ok(history)
}
