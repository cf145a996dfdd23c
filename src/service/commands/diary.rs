//! Changes to a client's diary: the client's day entries and the practitioner's annotations.

use crate::db::ClientId;
use chrono::NaiveDate;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::diary::{annotate_in_tx, save_in_tx, SaveOutcome};
use crate::db::{adherence, DbConn, DbError};
use crate::domain::adherence::DayAnswers;
use crate::domain::diary::EntryInput;

use super::{audited, Actor, Event};

const RECORD_KIND: &str = "diary_entry";

/// Creates or replaces the client's entry for `input.date`, unless it changed since the form
/// was opened at `expected_revision` (then nothing is written: a conflict). Whether the day is
/// still editable is the caller's decision (it depends on the client's clock).
pub fn save(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    input: &EntryInput,
    expected_revision: i64,
) -> Result<SaveOutcome, DbError> {
    save_with(conn, actor, client_id, input, None, expected_revision)
}

/// `save` with the day's answers about the program (issue 17), which replace the stored ones;
/// the client's low-adherence flags (ADH-2) are re-derived as of `today` (the client's date) in
/// the same transaction.
pub fn save_day(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    input: &EntryInput,
    answers: &DayAnswers,
    expected_revision: i64,
    today: NaiveDate,
) -> Result<SaveOutcome, DbError> {
    save_with(
        conn,
        actor,
        client_id,
        input,
        Some((answers, today)),
        expected_revision,
    )
}

fn save_with(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    input: &EntryInput,
    answers: Option<(&DayAnswers, NaiveDate)>,
    expected_revision: i64,
) -> Result<SaveOutcome, DbError> {
    let result = audited(conn, actor, |conn, trail| {
        let (outcome, written) = save_in_tx(conn, client_id, input, expected_revision)?;
        if let (Some((entry_id, _)), Some((answers, today))) = (written, answers) {
            adherence::replace_in_tx(conn, client_id, entry_id, answers)?;
            crate::service::adherence::rederive_flags(conn, client_id, today)?;
        }
        if let Some((entry_id, action)) = written {
            trail.record(Event {
                action,
                record_kind: RECORD_KIND,
                record_id: Some(entry_id),
                detail: "",
            });
        }
        Ok(outcome)
    });
    match result {
        // Two first saves of one day racing on PostgreSQL: the unique index lets one through.
        Err(DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))) => {
            Ok(SaveOutcome::Conflict(None))
        }
        other => other,
    }
}

/// Sets the practitioner's annotation of the client's entry for `date`. False when there is
/// no such entry.
pub fn annotate(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    date: NaiveDate,
    text: &str,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        let Some(id) = annotate_in_tx(conn, client_id, date, text, actor.account_id)? else {
            return Ok(false);
        };
        trail.record(Event {
            action: "annotate",
            record_kind: RECORD_KIND,
            record_id: Some(id),
            detail: "",
        });
        Ok(true)
    })
}
