//! Write commands: every change of state is one function here that opens the write
//! transaction, applies the change, re-derives what depends on it (summary columns, flags, the
//! dashboard's cache) and records the audit event, so a handler parses, calls one command and
//! renders.
//!
//! They all go through [`audited`], the one audited write: the change and the events that
//! describe it commit together or not at all, so the trail and the data never disagree.

pub mod diary;
pub mod flags;
pub mod hair_tests;
pub mod lab_reports;
pub mod portal;
pub mod programs;
pub mod reference_sets;
pub mod second_factor;
pub mod symptoms;

use crate::db::audit::{record, AuditEntry};
use crate::db::{write_tx, DbConn, DbError};

/// Who makes a change, and from where.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub account_id: i64,
    pub remote_addr: &'a str,
}

/// What a change did to which record, as the audit trail keeps it. `detail` holds labels only,
/// never health data.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: Option<i64>,
    pub detail: &'a str,
}

/// The events of one change, written when the change has succeeded.
#[derive(Debug, Default)]
pub struct Trail {
    events: Vec<(String, String, Option<i64>, String)>,
}

impl Trail {
    /// Notes an event; nothing is written unless the whole change succeeds.
    pub fn record(&mut self, event: Event) {
        self.events.push((
            event.action.to_string(),
            event.record_kind.to_string(),
            event.record_id,
            event.detail.to_string(),
        ));
    }
}

/// The one audited write. `change` runs inside the write transaction (a savepoint when the
/// caller already holds one) and notes on the trail what it changed; the events are recorded in
/// the same transaction, by `actor`. A change that notes nothing changed nothing worth a line
/// (a flag already acknowledged, a record gone meanwhile).
pub fn audited<T>(
    conn: &mut DbConn,
    actor: &Actor,
    change: impl FnOnce(&mut DbConn, &mut Trail) -> Result<T, DbError>,
) -> Result<T, DbError> {
    write_tx(conn, |conn| {
        let mut trail = Trail::default();
        let result = change(conn, &mut trail)?;
        for (action, record_kind, record_id, detail) in &trail.events {
            record(
                conn,
                &AuditEntry {
                    account_id: Some(actor.account_id),
                    action,
                    record_kind,
                    record_id: *record_id,
                    remote_addr: Some(actor.remote_addr),
                    detail,
                },
            )?;
        }
        Ok(result)
    })
}
