//! The client's daily answers about their program (issue 17): per diary entry, each supplement
//! of the version in force that day and the diet (`diary_program_answers`). Written inside the
//! diary save's transaction (`service::commands::diary::save_day`); read per period for the
//! practitioner's views and exports.

use crate::db::{ClientId, ProgramVersionId};
use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{diary_entries, diary_program_answers};
use super::{DbConn, DbError};
use crate::domain::adherence::{Answer, DayAnswers, SupplementAnswer};

const DIET_KEY: &str = "diet";

fn supplement_item_key(supplement_id: i64) -> String {
    format!("s{supplement_id}")
}

/// A logged day's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDay {
    pub entry_id: i64,
    pub date: NaiveDate,
    pub answers: DayAnswers,
}

/// Replaces the answers of an entry (inside the caller's transaction).
pub fn replace_in_tx(
    conn: &mut DbConn,
    client_id: ClientId,
    entry_id: i64,
    answers: &DayAnswers,
) -> Result<(), DbError> {
    diesel::delete(
        diary_program_answers::table.filter(diary_program_answers::entry_id.eq(entry_id)),
    )
    .execute(conn)?;
    for s in &answers.supplements {
        diesel::insert_into(diary_program_answers::table)
            .values((
                diary_program_answers::entry_id.eq(entry_id),
                diary_program_answers::item_key.eq(supplement_item_key(s.supplement_id)),
                diary_program_answers::supplement_id.eq(Some(s.supplement_id)),
                diary_program_answers::version_id.eq(Some(ProgramVersionId(s.version_id))),
                diary_program_answers::name.eq(&s.name),
                diary_program_answers::answer.eq(s.answer.supplement_code()),
                diary_program_answers::client_id.eq(client_id),
            ))
            .execute(conn)?;
    }
    if let Some(diet) = answers.diet {
        diesel::insert_into(diary_program_answers::table)
            .values((
                diary_program_answers::entry_id.eq(entry_id),
                diary_program_answers::item_key.eq(DIET_KEY),
                diary_program_answers::supplement_id.eq(None::<i64>),
                diary_program_answers::version_id.eq(None::<ProgramVersionId>),
                diary_program_answers::name.eq(""),
                diary_program_answers::answer.eq(diet.diet_code()),
                diary_program_answers::client_id.eq(client_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

type Row = (
    i64,
    NaiveDate,
    String,
    Option<i64>,
    Option<ProgramVersionId>,
    String,
    String,
);

/// The answered days of `from..=to`, oldest first (one query). Supplements keep the order of
/// their ids within a day; a stored value that no longer parses (edited by hand) is skipped.
pub fn between(
    conn: &mut DbConn,
    client_id: ClientId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredDay>, DbError> {
    let rows: Vec<Row> = diary_program_answers::table
        .inner_join(diary_entries::table)
        // The answers' own client first: PostgreSQL then reads this client's answers by
        // `diary_program_answers_client` instead of every client's (issue 15).
        .filter(diary_program_answers::client_id.eq(client_id))
        .filter(diary_entries::client_id.eq(client_id))
        .filter(diary_entries::entry_date.ge(from))
        .filter(diary_entries::entry_date.le(to))
        .order((
            diary_entries::entry_date.asc(),
            diary_program_answers::item_key.asc(),
        ))
        .select((
            diary_program_answers::entry_id,
            diary_entries::entry_date,
            diary_program_answers::item_key,
            diary_program_answers::supplement_id,
            diary_program_answers::version_id,
            diary_program_answers::name,
            diary_program_answers::answer,
        ))
        .load(conn)?;
    let mut days: BTreeMap<(NaiveDate, i64), DayAnswers> = BTreeMap::new();
    for (entry_id, date, item_key, supplement_id, version_id, name, answer) in rows {
        let day = days.entry((date, entry_id)).or_default();
        if item_key == DIET_KEY {
            day.diet = Answer::parse_diet(&answer).ok().flatten();
        } else if let (Some(supplement_id), Ok(Some(answer))) =
            (supplement_id, Answer::parse_supplement(&answer))
        {
            day.supplements.push(SupplementAnswer {
                supplement_id,
                version_id: version_id.map_or(0, ProgramVersionId::get),
                name,
                answer,
            });
        }
    }
    Ok(days
        .into_iter()
        .map(|((date, entry_id), answers)| StoredDay {
            entry_id,
            date,
            answers,
        })
        .collect())
}

/// The answers of the client's entry for `date` (empty when none).
pub fn of_day(
    conn: &mut DbConn,
    client_id: ClientId,
    date: NaiveDate,
) -> Result<DayAnswers, DbError> {
    Ok(between(conn, client_id, date, date)?
        .into_iter()
        .next()
        .map(|d| d.answers)
        .unwrap_or_default())
}
