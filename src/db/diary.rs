//! Diary entries: one per client and local date, with the symptoms present that day. Every
//! change is written with its audit event in one transaction.

use crate::db::{AccountId, ClientId};
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{diary_entries, diary_symptoms};
use super::{new_id, now, DbConn, DbError};
use crate::domain::diary::{DayLog, EntryInput, Severity, SymptomReading, TimeOfDay};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = diary_entries)]
pub struct EntryRow {
    pub id: i64,
    pub client_id: ClientId,
    pub entry_date: NaiveDate,
    pub note: String,
    pub triggers: String,
    pub revision: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The practitioner's note on the day; never shown to the client.
    pub annotation: String,
    pub annotated_at: Option<NaiveDateTime>,
    pub annotated_by: Option<AccountId>,
}

/// An entry with its symptoms, parsed back into typed values.
#[derive(Debug, Clone)]
pub struct Entry {
    pub row: EntryRow,
    pub symptoms: Vec<SymptomReading>,
}

impl Entry {
    pub fn reading(&self, key: &str) -> Option<&SymptomReading> {
        self.symptoms.iter().find(|s| s.key == key)
    }

    /// The highest severity of the day (0 when nothing was felt).
    pub fn max_severity(&self) -> u8 {
        self.symptoms
            .iter()
            .map(|s| s.severity.get())
            .max()
            .unwrap_or(0)
    }
}

type SymptomTuple = (i64, String, i64, Option<String>);

/// Stored values were checked on the way in; should one be out of range anyway (edited by
/// hand), it is clamped rather than failing the whole page.
fn reading_of((_, key, severity, time): SymptomTuple) -> SymptomReading {
    SymptomReading {
        key,
        severity: clamped(severity),
        time_of_day: time.and_then(|t| TimeOfDay::parse(&t).ok().flatten()),
    }
}

fn clamped(severity: i64) -> Severity {
    Severity::new(severity.clamp(0, i64::from(Severity::MAX))).unwrap_or(Severity::NONE)
}

fn attach(rows: Vec<EntryRow>, symptoms: Vec<SymptomTuple>) -> Vec<Entry> {
    let mut by_entry: BTreeMap<i64, Vec<SymptomReading>> = BTreeMap::new();
    for tuple in symptoms {
        by_entry.entry(tuple.0).or_default().push(reading_of(tuple));
    }
    rows.into_iter()
        .map(|row| Entry {
            symptoms: by_entry.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect()
}

fn symptom_columns() -> (
    diary_symptoms::entry_id,
    diary_symptoms::symptom_key,
    diary_symptoms::severity,
    diary_symptoms::time_of_day,
) {
    (
        diary_symptoms::entry_id,
        diary_symptoms::symptom_key,
        diary_symptoms::severity,
        diary_symptoms::time_of_day,
    )
}

pub fn find(
    conn: &mut DbConn,
    client_id: ClientId,
    date: NaiveDate,
) -> Result<Option<Entry>, DbError> {
    Ok(between(conn, client_id, date, date)?.into_iter().next())
}

/// Entries of `from..=to`, newest first.
pub fn between(
    conn: &mut DbConn,
    client_id: ClientId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Entry>, DbError> {
    let rows = diary_entries::table
        .filter(diary_entries::client_id.eq(client_id))
        .filter(diary_entries::entry_date.ge(from))
        .filter(diary_entries::entry_date.le(to))
        .order(diary_entries::entry_date.desc())
        .select(EntryRow::as_select())
        .load(conn)?;
    let symptoms = diary_symptoms::table
        .inner_join(diary_entries::table)
        .filter(diary_entries::client_id.eq(client_id))
        .filter(diary_entries::entry_date.ge(from))
        .filter(diary_entries::entry_date.le(to))
        .select(symptom_columns())
        .load(conn)?;
    Ok(attach(rows, symptoms))
}

/// The logged days of `from..=to` with the symptoms present, oldest first: the entries' dates and
/// symptom rows in one query, nothing else (no notes, no timestamps), for pages that show the
/// diary's numbers rather than its entries (the timeline's weekly charts, adherence).
pub fn days_between(
    conn: &mut DbConn,
    client_id: ClientId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayLog>, DbError> {
    let rows: Vec<(NaiveDate, Option<String>, Option<i64>)> = diary_entries::table
        .left_join(diary_symptoms::table)
        .filter(diary_entries::client_id.eq(client_id))
        .filter(diary_entries::entry_date.ge(from))
        .filter(diary_entries::entry_date.le(to))
        .order(diary_entries::entry_date.asc())
        .select((
            diary_entries::entry_date,
            diary_symptoms::symptom_key.nullable(),
            diary_symptoms::severity.nullable(),
        ))
        .load(conn)?;
    let mut days: Vec<DayLog> = Vec::new();
    for (date, key, severity) in rows {
        if days.last().is_none_or(|d| d.date != date) {
            days.push(DayLog {
                date,
                severities: Vec::new(),
            });
        }
        if let (Some(key), Some(severity), Some(day)) = (key, severity, days.last_mut()) {
            day.severities.push((key, clamped(severity)));
        }
    }
    Ok(days)
}

/// The most recent `limit` entries, newest first.
pub fn recent(conn: &mut DbConn, client_id: ClientId, limit: i64) -> Result<Vec<Entry>, DbError> {
    let dates: Vec<NaiveDate> = diary_entries::table
        .filter(diary_entries::client_id.eq(client_id))
        .order(diary_entries::entry_date.desc())
        .limit(limit)
        .select(diary_entries::entry_date)
        .load(conn)?;
    match (dates.last(), dates.first()) {
        (Some(oldest), Some(newest)) => between(conn, client_id, *oldest, *newest),
        _ => Ok(Vec::new()),
    }
}

/// The dates in `from..=to` that have an entry, oldest first.
pub fn logged_dates(
    conn: &mut DbConn,
    client_id: ClientId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<NaiveDate>, DbError> {
    Ok(diary_entries::table
        .filter(diary_entries::client_id.eq(client_id))
        .filter(diary_entries::entry_date.ge(from))
        .filter(diary_entries::entry_date.le(to))
        .order(diary_entries::entry_date.asc())
        .select(diary_entries::entry_date)
        .load(conn)?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    Created(i64),
    Updated(i64),
    /// The entry changed since the form was opened (its revision is given, when known):
    /// nothing was written.
    Conflict(Option<i64>),
}

/// What a save wrote, for the audit trail: the entry's id and "create" or "update".
pub type Written = (i64, &'static str);

/// Creates or replaces the client's entry for `input.date` (inside the caller's transaction:
/// `service::commands::diary::save`). `expected_revision` is the revision the form was opened
/// at (0 for a day without an entry); a different stored revision is a conflict, so an edit
/// made elsewhere in between is never silently overwritten. Returns the outcome and, when
/// something was written, the entry's id and the action for the trail.
pub fn save_in_tx(
    conn: &mut DbConn,
    client_id: ClientId,
    input: &EntryInput,
    expected_revision: i64,
) -> Result<(SaveOutcome, Option<Written>), DbError> {
    let at = now();
    let existing: Option<(i64, i64)> = diary_entries::table
        .filter(diary_entries::client_id.eq(client_id))
        .filter(diary_entries::entry_date.eq(input.date))
        .select((diary_entries::id, diary_entries::revision))
        .first(conn)
        .optional()?;
    let (entry_id, outcome, action) = match existing {
        Some((_, revision)) if revision != expected_revision => {
            return Ok((SaveOutcome::Conflict(Some(revision)), None));
        }
        Some((id, revision)) => {
            diesel::update(diary_entries::table.find(id))
                .set((
                    diary_entries::note.eq(&input.note),
                    diary_entries::triggers.eq(&input.triggers),
                    diary_entries::revision.eq(revision + 1),
                    diary_entries::updated_at.eq(at),
                ))
                .execute(conn)?;
            diesel::delete(diary_symptoms::table.filter(diary_symptoms::entry_id.eq(id)))
                .execute(conn)?;
            (id, SaveOutcome::Updated(id), "update")
        }
        None => {
            let id = new_id();
            diesel::insert_into(diary_entries::table)
                .values((
                    diary_entries::id.eq(id),
                    diary_entries::client_id.eq(client_id),
                    diary_entries::entry_date.eq(input.date),
                    diary_entries::note.eq(&input.note),
                    diary_entries::triggers.eq(&input.triggers),
                    diary_entries::revision.eq(1_i64),
                    diary_entries::created_at.eq(at),
                    diary_entries::updated_at.eq(at),
                ))
                .execute(conn)?;
            (id, SaveOutcome::Created(id), "create")
        }
    };
    for reading in input.symptoms.iter().filter(|r| r.severity.is_present()) {
        diesel::insert_into(diary_symptoms::table)
            .values((
                diary_symptoms::entry_id.eq(entry_id),
                diary_symptoms::symptom_key.eq(&reading.key),
                diary_symptoms::severity.eq(i64::from(reading.severity.get())),
                diary_symptoms::time_of_day.eq(reading.time_of_day.map(TimeOfDay::as_str)),
            ))
            .execute(conn)?;
    }
    Ok((outcome, Some((entry_id, action))))
}

/// Sets the practitioner's annotation of the client's entry for `date` (inside the caller's
/// transaction). The entry's id, or None when there is no such entry.
pub fn annotate_in_tx(
    conn: &mut DbConn,
    client_id: ClientId,
    date: NaiveDate,
    text: &str,
    account_id: AccountId,
) -> Result<Option<i64>, DbError> {
    let id: Option<i64> = diary_entries::table
        .filter(diary_entries::client_id.eq(client_id))
        .filter(diary_entries::entry_date.eq(date))
        .select(diary_entries::id)
        .first(conn)
        .optional()?;
    let Some(id) = id else {
        return Ok(None);
    };
    diesel::update(diary_entries::table.find(id))
        .set((
            diary_entries::annotation.eq(text),
            diary_entries::annotated_at.eq(Some(now())),
            diary_entries::annotated_by.eq(Some(account_id)),
        ))
        .execute(conn)?;
    Ok(Some(id))
}
