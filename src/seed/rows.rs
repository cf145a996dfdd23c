//! The rows both seeders write (the small demo and the generated data set), and the one
//! function that writes a block of them: multi-row INSERTs in one transaction, then each
//! client's flags derived once and the reviewed ones acknowledged.
//!
//! Seeding writes rows directly rather than through the app's audited write commands: a data
//! set of millions of rows would otherwise take minutes, and its history is made up anyway (one
//! audit event records each seeding run instead).

use crate::db::{AccountId, ClientId};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::stored_dates::{StoredDay, StoredMoment};
use crate::db::hair_tests::LevelRow;
use crate::db::schema::{
    self, accounts, clients, diary_entries, diary_symptoms, hair_test_levels, hair_tests,
};
use crate::db::{new_id, write_tx, DbConn, DbError};

/// Rows per INSERT: under SQLite's 32,766 bound parameters at 8 columns per row.
const ROWS_PER_INSERT: usize = 1000;

/// Sequential ids from a random base. Ids elsewhere are fully random (`db::new_id`); seeding
/// millions of rows in key order instead turns every index insert into an append, which is
/// several times faster on both engines. Collisions stay as unlikely: a block of a few million
/// ids in a 2^62 space. Ids are not secrets (access goes through the scoped extractors).
pub(super) struct IdBlock {
    next: i64,
}

impl IdBlock {
    pub(super) fn new() -> IdBlock {
        IdBlock {
            next: new_id() >> 1,
        }
    }
    pub(super) fn take(&mut self) -> i64 {
        self.next += 1;
        self.next
    }
}

#[derive(Insertable)]
#[diesel(table_name = clients, treat_none_as_default_value = false)]
pub(super) struct NewClient {
    pub id: ClientId,
    pub practitioner_id: AccountId,
    pub full_name: String,
    pub search_key: String,
    pub reference_code: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: crate::domain::sex::Sex,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
    pub share_results: bool,
    pub retest_interval_months: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = accounts, treat_none_as_default_value = false)]
pub(super) struct NewPortalAccount {
    pub id: i64,
    pub role: crate::db::accounts::Role,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub client_id: Option<ClientId>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = hair_tests, treat_none_as_default_value = false)]
pub(super) struct NewHairTest {
    pub id: crate::db::HairTestId,
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
}

#[derive(Insertable)]
#[diesel(table_name = diary_entries, treat_none_as_default_value = false)]
pub(super) struct NewDiaryEntry {
    pub id: i64,
    pub client_id: ClientId,
    pub entry_date: StoredDay,
    pub note: String,
    pub triggers: String,
    pub revision: i64,
    pub created_at: StoredMoment,
    pub updated_at: StoredMoment,
    /// The practitioner's note on the day, when there is one.
    pub annotation: String,
    pub annotated_at: Option<NaiveDateTime>,
    pub annotated_by: Option<AccountId>,
}

#[derive(Insertable)]
#[diesel(table_name = diary_symptoms, treat_none_as_default_value = false)]
pub(super) struct NewDiarySymptom {
    pub entry_id: i64,
    pub symptom_key: String,
    pub severity: i64,
    pub time_of_day: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = schema::program_versions, treat_none_as_default_value = false)]
pub(super) struct NewProgramVersion {
    pub id: crate::db::ProgramVersionId,
    pub client_id: ClientId,
    pub starts_on: NaiveDate,
    pub diet: String,
    pub lifestyle: String,
    pub created_at: NaiveDateTime,
    pub created_by: AccountId,
}

#[derive(Insertable)]
#[diesel(table_name = schema::program_supplements, treat_none_as_default_value = false)]
pub(super) struct NewSupplement {
    pub id: i64,
    pub version_id: crate::db::ProgramVersionId,
    pub position: i64,
    pub name: String,
    pub dose: String,
    pub unit: String,
    pub frequency: String,
}

#[derive(Insertable)]
#[diesel(table_name = schema::client_symptoms, treat_none_as_default_value = false)]
pub(super) struct NewClientSymptom {
    pub id: i64,
    pub client_id: ClientId,
    pub label: String,
    pub created_by: AccountId,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = schema::summaries, treat_none_as_default_value = false)]
pub(super) struct NewSummary {
    pub id: crate::db::SummaryId,
    pub client_id: ClientId,
    pub created_by: AccountId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub shared_at: Option<NaiveDateTime>,
}

/// The practitioner reviewed the flags one test raised: when, and what they noted.
pub(super) struct Review {
    pub client_id: ClientId,
    pub test_id: crate::db::HairTestId,
    pub at: NaiveDateTime,
    pub note: String,
}

/// The rows of a table written in bulk: on SQLite multi-row INSERTs in chunks, on PostgreSQL one
/// `COPY … FROM STDIN (FORMAT binary)` per table and block (issue #15: the multi-row INSERTs of
/// 1,000 clients × 3 years took 20–29 s there, most of it parsing and planning statements of
/// thousands of bound parameters). The shared connection type does not take batch inserts, so
/// each engine runs its own (as `db::hair_tests` does).
macro_rules! insert_batches {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        match &mut *$conn {
            DbConn::Sqlite(c) => {
                // Whole chunks as arrays: diesel caches the prepared statement of an array's
                // INSERT (its shape is in the type) but prepares one of a slice anew each time,
                // and parsing and planning 1,000-row statements was a tenth of the seeding.
                let (whole, rest) = rows.as_chunks::<ROWS_PER_INSERT>();
                let mut written = 0usize;
                for chunk in whole {
                    written += diesel::insert_into($table).values(chunk).execute(c)?;
                }
                if !rest.is_empty() {
                    written += diesel::insert_into($table).values(rest).execute(c)?;
                }
                written
            }
            DbConn::Postgres(_) if rows.is_empty() => 0,
            DbConn::Postgres(c) => diesel::copy_from($table).from_insertable(rows).execute(c)?,
        }
    }};
}

/// The rows of one block of clients, built before the transaction opens so it stays short.
#[derive(Default)]
pub(super) struct Block {
    pub client_ids: Vec<ClientId>,
    pub clients: Vec<NewClient>,
    pub accounts: Vec<NewPortalAccount>,
    pub tests: Vec<NewHairTest>,
    pub levels: Vec<LevelRow>,
    pub client_symptoms: Vec<NewClientSymptom>,
    pub entries: Vec<NewDiaryEntry>,
    pub symptoms: Vec<NewDiarySymptom>,
    pub program_versions: Vec<NewProgramVersion>,
    pub supplements: Vec<NewSupplement>,
    pub summaries: Vec<NewSummary>,
    pub reviewed: Vec<Review>,
    /// Flags are raised when their test is entered (a seeded history did not happen now).
    pub raised_with_entry: bool,
    /// The daily answers about the program (issue 17) and the day their ADH-2 flags are
    /// derived for (the demo's today).
    pub program_answers: Vec<super::adherence::NewProgramAnswer>,
    pub today: Option<NaiveDate>,
}

/// What `write_block` wrote.
#[derive(Debug, Default)]
pub(super) struct Written {
    pub clients: usize,
    pub portal_accounts: usize,
    pub tests: usize,
    pub levels: usize,
    pub diary_entries: usize,
    pub diary_symptoms: usize,
    pub program_versions: usize,
    pub acknowledged_flags: usize,
}

/// Writes the block in one transaction, derives every client's flags from their tests (and the
/// dashboard's client summaries with them), and acknowledges the reviewed flags.
pub(super) fn write_block(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    block: &Block,
) -> Result<Written, DbError> {
    write_tx(conn, |conn| {
        let mut written = Written {
            clients: insert_batches!(conn, clients::table, &block.clients),
            portal_accounts: insert_batches!(conn, accounts::table, &block.accounts),
            tests: insert_batches!(conn, hair_tests::table, &block.tests),
            levels: insert_batches!(conn, hair_test_levels::table, &block.levels),
            ..Written::default()
        };
        insert_batches!(conn, schema::client_symptoms::table, &block.client_symptoms);
        written.diary_entries = insert_batches!(conn, diary_entries::table, &block.entries);
        written.diary_symptoms = insert_batches!(conn, diary_symptoms::table, &block.symptoms);
        written.program_versions = insert_batches!(
            conn,
            schema::program_versions::table,
            &block.program_versions
        );
        insert_batches!(conn, schema::program_supplements::table, &block.supplements);
        insert_batches!(conn, schema::summaries::table, &block.summaries);
        insert_batches!(
            conn,
            schema::diary_program_answers::table,
            &block.program_answers
        );
        for client_id in &block.client_ids {
            crate::service::flags::rederive_for_client(conn, *client_id)?;
        }
        if let (Some(today), false) = (block.today, block.program_answers.is_empty()) {
            for client_id in &block.client_ids {
                crate::service::adherence::rederive_flags(conn, *client_id, today)?;
            }
        }
        if block.raised_with_entry {
            for test in &block.tests {
                diesel::update(
                    schema::flags::table
                        .filter(schema::flags::client_id.eq(test.client_id))
                        .filter(schema::flags::to_test_id.eq(test.id)),
                )
                .set(schema::flags::raised_at.eq(test.entered_at))
                .execute(conn)?;
            }
        }
        written.acknowledged_flags = acknowledge_reviewed(conn, practitioner_id, &block.reviewed)?;
        Ok(written)
    })
}

/// Reviews per UPDATE: 4 bound values each, under SQLite's 32,766 bound parameters.
const REVIEWS_PER_UPDATE: usize = 2000;

/// Acknowledges the flags each review covers (those its test raised), one UPDATE per chunk of
/// reviews joined to their values, instead of one UPDATE per test: diesel prepares every UPDATE
/// anew, and the ~9,000 of 1,000 clients were a round trip each on PostgreSQL (issue 15).
/// `UPDATE … FROM` reads alike on both engines (SQLite ≥ 3.33); only the placeholders differ
/// (`$n`, `?n`).
fn acknowledge_reviewed(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    reviews: &[Review],
) -> Result<usize, DbError> {
    use diesel::sql_types::{BigInt, Text, Timestamp};
    let mut acknowledged = 0;
    for chunk in reviews.chunks(REVIEWS_PER_UPDATE) {
        let is_pg = matches!(conn, DbConn::Postgres(_));
        // Numbered on both engines: the practitioner's (1) is written after the values.
        let placeholder = |n: usize| {
            if is_pg {
                format!("${n}")
            } else {
                format!("?{n}")
            }
        };
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let first = 2 + 4 * i;
                format!(
                    "({}, {}, {}, {})",
                    placeholder(first),
                    placeholder(first + 1),
                    placeholder(first + 2),
                    placeholder(first + 3)
                )
            })
            .collect();
        let sql = format!(
            "WITH reviewed (client_id, test_id, at, note) AS (VALUES {}) \
             UPDATE flags SET acknowledged_at = reviewed.at, acknowledged_by = {}, \
             ack_note = reviewed.note FROM reviewed \
             WHERE flags.client_id = reviewed.client_id AND flags.to_test_id = reviewed.test_id",
            values.join(", "),
            placeholder(1)
        );
        macro_rules! run {
            ($backend:ty, $c:expr) => {{
                let mut query = diesel::sql_query(&sql)
                    .into_boxed::<$backend>()
                    .bind::<BigInt, _>(practitioner_id);
                for review in chunk {
                    query = query
                        .bind::<BigInt, _>(review.client_id)
                        .bind::<BigInt, _>(review.test_id)
                        .bind::<Timestamp, _>(review.at)
                        .bind::<Text, _>(&review.note);
                }
                query.execute($c)?
            }};
        }
        acknowledged += match &mut *conn {
            DbConn::Sqlite(c) => run!(diesel::sqlite::Sqlite, c),
            DbConn::Postgres(c) => run!(diesel::pg::Pg, c),
        };
    }
    Ok(acknowledged)
}

pub(super) fn at(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN))
}

/// The search key as `ClientForm::parse` builds it, so search finds seeded clients like typed
/// ones.
pub(super) fn search_key(full_name: &str, reference_code: &str, email: Option<&str>) -> String {
    [Some(full_name), Some(reference_code), email]
        .into_iter()
        .flatten()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
