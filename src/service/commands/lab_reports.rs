//! Lab report files kept for review before a test is saved from them.

use crate::db::lab_reports::{self, NewReportFile};
use crate::db::{DbConn, DbError};

use super::{audited, hair_tests, Actor, Event};

/// Keeps an uploaded report until the reviewed form is saved (audited: a file with health data
/// was stored). Old pending files and tests past their restore window are purged first.
pub fn keep_upload(conn: &mut DbConn, actor: &Actor, file: &NewReportFile) -> Result<(), DbError> {
    hair_tests::purge_expired(conn)?;
    audited(conn, actor, |conn, trail| {
        lab_reports::insert_pending(conn, file)?;
        trail.record(Event {
            action: "upload_report",
            record_kind: "client",
            record_id: Some(file.client_id.get()),
            detail: "",
        });
        Ok(())
    })
}
