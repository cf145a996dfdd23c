//! Lab report files (the lab's PDF) kept with a hair test. A file is stored when it is read for
//! review, without a test; saving the reviewed form attaches it to the new test in the save's
//! transaction. Files never attached are dropped after `PENDING_DAYS`; attached ones go when
//! their test is purged (`hair_tests::purge_deleted_before`).

use crate::db::{AccountId, ClientId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::lab_report_files;
use super::{DbConn, DbError, HairTestId};

/// A file read for review but not saved with a test is kept this long, so a form left open over
/// a weekend can still be saved with it.
pub const PENDING_DAYS: i64 = 7;

/// What the pages show about a stored file (never the bytes).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lab_report_files)]
pub struct ReportFileInfo {
    pub id: i64,
    pub hair_test_id: Option<HairTestId>,
    pub file_name: String,
    pub byte_size: i64,
    pub uploaded_at: NaiveDateTime,
}

/// A file with its bytes, for a download or an export.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lab_report_files)]
pub struct ReportFile {
    pub hair_test_id: Option<HairTestId>,
    pub file_name: String,
    pub content: Vec<u8>,
}

pub struct NewReportFile<'a> {
    pub id: i64,
    pub practitioner_id: AccountId,
    pub client_id: ClientId,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub uploaded_at: NaiveDateTime,
}

pub fn insert_pending(conn: &mut DbConn, file: &NewReportFile) -> Result<(), DbError> {
    let digest = Sha256::digest(file.content);
    let sha256: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    diesel::insert_into(lab_report_files::table)
        .values((
            lab_report_files::id.eq(file.id),
            lab_report_files::practitioner_id.eq(file.practitioner_id),
            lab_report_files::client_id.eq(file.client_id),
            lab_report_files::hair_test_id.eq(None::<HairTestId>),
            lab_report_files::file_name.eq(file.file_name),
            lab_report_files::byte_size.eq(file.content.len() as i64),
            lab_report_files::sha256.eq(sha256),
            lab_report_files::content.eq(file.content),
            lab_report_files::uploaded_at.eq(file.uploaded_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Attaches a pending file of this practitioner and client to a test; false when it is gone
/// (expired, already attached, or not theirs).
pub fn attach(
    conn: &mut DbConn,
    id: i64,
    practitioner_id: AccountId,
    client_id: ClientId,
    test_id: HairTestId,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        lab_report_files::table
            .filter(lab_report_files::id.eq(id))
            .filter(lab_report_files::practitioner_id.eq(practitioner_id))
            .filter(lab_report_files::client_id.eq(client_id))
            .filter(lab_report_files::hair_test_id.is_null()),
    )
    .set(lab_report_files::hair_test_id.eq(Some(test_id)))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A pending file of this practitioner and client (for the review form shown again).
pub fn pending_info(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    client_id: ClientId,
    id: i64,
) -> Result<Option<ReportFileInfo>, DbError> {
    Ok(lab_report_files::table
        .filter(lab_report_files::id.eq(id))
        .filter(lab_report_files::practitioner_id.eq(practitioner_id))
        .filter(lab_report_files::client_id.eq(client_id))
        .filter(lab_report_files::hair_test_id.is_null())
        .select(ReportFileInfo::as_select())
        .first(conn)
        .optional()?)
}

/// The file kept with a test, if any.
pub fn info_for_test(
    conn: &mut DbConn,
    test_id: HairTestId,
) -> Result<Option<ReportFileInfo>, DbError> {
    Ok(lab_report_files::table
        .filter(lab_report_files::hair_test_id.eq(test_id))
        .select(ReportFileInfo::as_select())
        .first(conn)
        .optional()?)
}

pub fn file_for_test(
    conn: &mut DbConn,
    test_id: HairTestId,
) -> Result<Option<ReportFile>, DbError> {
    Ok(lab_report_files::table
        .filter(lab_report_files::hair_test_id.eq(test_id))
        .select(ReportFile::as_select())
        .first(conn)
        .optional()?)
}

/// The files of these tests (an export).
pub fn files_for_tests(
    conn: &mut DbConn,
    test_ids: &[HairTestId],
) -> Result<Vec<ReportFile>, DbError> {
    let mut files = Vec::new();
    for chunk in test_ids.chunks(500) {
        files.extend(
            lab_report_files::table
                .filter(lab_report_files::hair_test_id.eq_any(chunk))
                .select(ReportFile::as_select())
                .load(conn)?,
        );
    }
    Ok(files)
}

/// Files read for review and never saved with a test: health data nobody asked to keep.
pub fn purge_pending_before(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(
        lab_report_files::table
            .filter(lab_report_files::hair_test_id.is_null())
            .filter(lab_report_files::uploaded_at.lt(before)),
    )
    .execute(conn)?)
}

/// The files of tests being purged.
pub fn delete_for_tests(conn: &mut DbConn, test_ids: &[HairTestId]) -> Result<usize, DbError> {
    Ok(diesel::delete(
        lab_report_files::table.filter(lab_report_files::hair_test_id.eq_any(test_ids)),
    )
    .execute(conn)?)
}
