//! What the data exports read: everything stored about one client (or all clients of a
//! practitioner), loaded in ONE read transaction so a download is a consistent snapshot even
//! while the practitioner or the client keeps writing.

use std::collections::BTreeMap;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::audit::{record, AuditEntry};
use super::clients::ClientRow;
use super::diary::EntryRow;
use super::hair_tests::{self, HairTestRow, LevelRow};
use super::schema::{clients, diary_entries, diary_symptoms};
use super::{client_symptoms, DbConn, DbError};
use crate::domain::diary::Symptom;

/// One symptom of one diary day, exactly as stored (the export hides nothing and fixes nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSymptom {
    pub key: String,
    pub severity: i64,
    pub time_of_day: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DiaryDay {
    pub entry: EntryRow,
    pub symptoms: Vec<StoredSymptom>,
}

/// Everything an export holds for one client.
#[derive(Debug, Clone)]
pub struct ClientExport {
    pub client: ClientRow,
    /// Live tests in comparison order; deleted tests (restorable for 30 days) are left out.
    pub tests: Vec<HairTestRow>,
    pub levels: Vec<LevelRow>,
    /// Oldest first.
    pub diary: Vec<DiaryDay>,
    /// The client's vocabulary, for the labels of stored symptom keys.
    pub vocabulary: Vec<Symptom>,
    /// The set the practitioner analyses with, read in the same snapshot as the tests.
    pub reference: crate::domain::reference::ReferenceSet,
    /// The lab reports (PDF) kept with the live tests.
    pub report_files: Vec<super::lab_reports::ReportFile>,
}

/// A read-only snapshot. SQLite's deferred transaction takes its snapshot at the first read;
/// PostgreSQL needs REPEATABLE READ, else each statement sees the latest commits.
fn snapshot<T>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let is_postgres = matches!(conn, DbConn::Postgres(_));
    conn.transaction(|conn| {
        if is_postgres {
            conn.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        work(conn)
    })
}

fn load_client(conn: &mut DbConn, client: ClientRow) -> Result<ClientExport, DbError> {
    let tests = hair_tests::list_for_client(conn, client.id)?;
    let ids: Vec<i64> = tests.iter().map(|t| t.id).collect();
    let levels = hair_tests::levels_of(conn, &ids)?;
    let report_files = super::lab_reports::files_for_tests(conn, &ids)?;
    let entries: Vec<EntryRow> = diary_entries::table
        .filter(diary_entries::client_id.eq(client.id))
        .order(diary_entries::entry_date.asc())
        .select(EntryRow::as_select())
        .load(conn)?;
    let readings: Vec<(i64, String, i64, Option<String>)> = diary_symptoms::table
        .inner_join(diary_entries::table)
        .filter(diary_entries::client_id.eq(client.id))
        .order((diary_symptoms::entry_id, diary_symptoms::symptom_key))
        .select((
            diary_symptoms::entry_id,
            diary_symptoms::symptom_key,
            diary_symptoms::severity,
            diary_symptoms::time_of_day,
        ))
        .load(conn)?;
    let mut by_entry: BTreeMap<i64, Vec<StoredSymptom>> = BTreeMap::new();
    for (entry_id, key, severity, time_of_day) in readings {
        by_entry.entry(entry_id).or_default().push(StoredSymptom {
            key,
            severity,
            time_of_day,
        });
    }
    let vocabulary = client_symptoms::vocabulary(conn, client.id)?;
    let diary = entries
        .into_iter()
        .map(|entry| DiaryDay {
            symptoms: by_entry.remove(&entry.id).unwrap_or_default(),
            entry,
        })
        .collect();
    let reference =
        super::reference_sets::reference_set_for_practitioner(conn, client.practitioner_id)?;
    Ok(ClientExport {
        client,
        tests,
        levels,
        diary,
        vocabulary,
        reference,
        report_files,
    })
}

/// One client of this practitioner (archived or not); `None` when it is not theirs.
pub fn client(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
) -> Result<Option<ClientExport>, DbError> {
    snapshot(conn, |conn| {
        match super::clients::find_for_practitioner(conn, practitioner_id, client_id)? {
            Some(row) => load_client(conn, row).map(Some),
            None => Ok(None),
        }
    })
}

/// Every client of the practitioner, archived ones too (a backup leaves nobody out), by name.
pub fn all_clients(conn: &mut DbConn, practitioner_id: i64) -> Result<Vec<ClientExport>, DbError> {
    snapshot(conn, |conn| {
        let rows: Vec<ClientRow> = clients::table
            .filter(clients::practitioner_id.eq(practitioner_id))
            .order((clients::search_key.asc(), clients::id.asc()))
            .select(ClientRow::as_select())
            .load(conn)?;
        rows.into_iter().map(|row| load_client(conn, row)).collect()
    })
}

/// Who downloaded what: the `export` event of the audit trail. `detail` names the format only.
pub struct ExportEvent<'a> {
    pub account_id: i64,
    /// `client` or `practitioner` (the all-clients download).
    pub record_kind: &'a str,
    pub record_id: i64,
    pub remote_addr: &'a str,
    pub detail: &'a str,
}

pub fn record_export(conn: &mut DbConn, event: &ExportEvent) -> Result<(), DbError> {
    record(
        conn,
        &AuditEntry {
            account_id: Some(event.account_id),
            action: "export",
            record_kind: event.record_kind,
            record_id: Some(event.record_id),
            remote_addr: Some(event.remote_addr),
            detail: event.detail,
        },
    )
}
