//! Program adherence derived from the diary (issue 17): the low-adherence flags (ADH-2) stored
//! with the other flags so the dashboard lists them and the practitioner acknowledges them the
//! same way. Re-derived inside every diary save's transaction, as of the client's today.

use crate::db::ClientId;
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::db::adherence;
use crate::db::flags::{store_low_adherence, DerivedAdherenceFlag};
use crate::db::{DbConn, DbError};
use crate::domain::adherence::{
    low_adherence, supplement_key, AnswerDay, LowAdherence, FLAG_WINDOW_DAYS,
};

/// ADH-2's identity needs the start of the current run, which looks back up to a year.
const LOOKBACK_DAYS: i64 = 366 + FLAG_WINDOW_DAYS;

/// The flag's summary: the supplement by name first, then the counts behind it.
pub fn summary(name: &str, flag: &LowAdherence) -> String {
    let s = flag.shares;
    let partly = if s.partly > 0 {
        format!(", partly on {}", s.partly)
    } else {
        String::new()
    };
    format!(
        "{name}: taken as prescribed on {} of {} answered days{partly}, in the 14 days {} to {} (under half since {})",
        s.full,
        s.answered(),
        flag.window_from.format("%-d %b"),
        flag.window_to.format("%-d %b %Y"),
        flag.since.format("%-d %b"),
    )
}

/// The flags of `days` as of `today`, keyed; `names` gives each supplement key's name as the
/// client last saw it.
pub fn derive(
    days: &[AnswerDay],
    names: &BTreeMap<String, String>,
    today: NaiveDate,
) -> BTreeMap<String, DerivedAdherenceFlag> {
    low_adherence(days, today)
        .into_iter()
        .map(|flag| {
            let name = names
                .get(&flag.supplement_key)
                .map_or(flag.supplement_key.as_str(), String::as_str);
            // One flag per supplement: a day answered late (within the edit window) can move
            // the start of the run, never the flag's identity.
            let key = format!("low_adherence:{}", flag.supplement_key);
            (
                key.clone(),
                DerivedAdherenceFlag {
                    key,
                    rule: "ADH-2".into(),
                    summary: summary(name, &flag),
                },
            )
        })
        .collect()
}

/// Reads the answers ADH-2 needs and stores the client's low-adherence flags as of `today`
/// (inside the caller's write transaction).
pub fn rederive_flags(
    conn: &mut DbConn,
    client_id: ClientId,
    today: NaiveDate,
) -> Result<(), DbError> {
    let stored = adherence::between(
        conn,
        client_id,
        today - Duration::days(LOOKBACK_DAYS),
        today,
    )?;
    let mut names = BTreeMap::new();
    let days: Vec<AnswerDay> = stored
        .iter()
        .map(|d| {
            for s in &d.answers.supplements {
                names.insert(supplement_key(&s.name), s.name.clone());
            }
            d.answers.to_answer_day(d.date)
        })
        .collect();
    store_low_adherence(conn, client_id, derive(&days, &names, today))
}
