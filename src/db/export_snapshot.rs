//! What the data exports read besides the analysed history: the read-only snapshot
//! transaction, the diary exactly as stored, and the `export` audit event.
//! `service::exports` assembles a client's export inside one snapshot.

use crate::db::{AccountId, ClientId};
use std::collections::BTreeMap;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::audit::{record, AuditEntry};
use super::clients::ClientRow;
use super::diary::EntryRow;
use super::schema::{clients, diary_entries, diary_symptoms};
use super::{DbConn, DbError};

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

/// A read-only snapshot. SQLite's deferred transaction takes its snapshot at the first read;
/// PostgreSQL needs REPEATABLE READ, else each statement sees the latest commits.
pub fn snapshot<T>(
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

/// Every diary day of the client with its symptoms, oldest first.
pub fn diary_days(conn: &mut DbConn, client_id: ClientId) -> Result<Vec<DiaryDay>, DbError> {
    let entries: Vec<EntryRow> = diary_entries::table
        .filter(diary_entries::client_id.eq(client_id))
        .order(diary_entries::entry_date.asc())
        .select(EntryRow::as_select())
        .load(conn)?;
    let readings: Vec<(i64, String, i64, Option<String>)> = diary_symptoms::table
        .inner_join(diary_entries::table)
        .filter(diary_entries::client_id.eq(client_id))
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
    Ok(entries
        .into_iter()
        .map(|entry| DiaryDay {
            symptoms: by_entry.remove(&entry.id).unwrap_or_default(),
            entry,
        })
        .collect())
}

/// Every client of the practitioner, archived ones too (a backup leaves nobody out), by name.
pub fn clients_of_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Vec<ClientRow>, DbError> {
    Ok(clients::table
        .filter(clients::practitioner_id.eq(practitioner_id))
        .order((clients::search_key.asc(), clients::id.asc()))
        .select(ClientRow::as_select())
        .load(conn)?)
}

/// Who downloaded what: the `export` event of the audit trail. `detail` names the format only.
pub struct ExportEvent<'a> {
    pub account_id: AccountId,
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
            account_id: Some(event.account_id.get()),
            action: "export",
            record_kind: event.record_kind,
            record_id: Some(event.record_id),
            remote_addr: Some(event.remote_addr),
            detail: event.detail,
        },
    )?;
    Ok(())
}
