//! What the data exports read: everything stored about one client (or all clients of a
//! practitioner), loaded in ONE read transaction so a download is a consistent snapshot even
//! while the practitioner or the client keeps writing. The hair tests come as the client's
//! analysed history, so the FHIR export states exactly what the pages show.

use crate::db::clients::{self, ClientRow};
use crate::db::export_snapshot::{clients_of_practitioner, diary_days, snapshot, DiaryDay};
use crate::db::reference_sets::reference_set_for_practitioner;
use crate::db::{client_symptoms, DbConn, DbError, HairTestId};
use crate::db::{AccountId, ClientId};
use crate::domain::diary::Symptom;

use super::history::{AnalyzedHistory, ClientFacts};

/// Everything an export holds for one client.
#[derive(Debug, Clone)]
pub struct ClientExport {
    pub client: ClientRow,
    /// Live tests in comparison order, analysed with the set the practitioner uses (read in the
    /// same snapshot); deleted tests (restorable for 30 days) are left out.
    pub history: AnalyzedHistory,
    /// Oldest first.
    pub diary: Vec<DiaryDay>,
    /// The client's vocabulary, for the labels of stored symptom keys.
    pub vocabulary: Vec<Symptom>,
    /// The lab reports (PDF) kept with the live tests.
    pub report_files: Vec<crate::db::lab_reports::ReportFile>,
    /// The program's versions, oldest first, and the daily answers about it by diary entry id
    /// (issue 17).
    pub program: Vec<crate::db::programs::VersionWithSupplements>,
    pub program_answers: std::collections::BTreeMap<i64, crate::domain::adherence::DayAnswers>,
}

fn load_client(conn: &mut DbConn, client: ClientRow) -> Result<ClientExport, DbError> {
    let reference = reference_set_for_practitioner(conn, client.practitioner_id)?;
    let history = AnalyzedHistory::load_with(conn, client.id, ClientFacts::of(&client), reference)?;
    let diary = diary_days(conn, client.id)?;
    let vocabulary = client_symptoms::vocabulary(conn, client.id)?;
    let ids: Vec<HairTestId> = history.rows().map(|t| t.id).collect();
    let report_files = crate::db::lab_reports::files_for_tests(conn, &ids)?;
    let program = crate::db::programs::history(conn, client.id)?;
    let (first, last) = (
        chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
        chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
    );
    let program_answers = crate::db::adherence::between(conn, client.id, first, last)?
        .into_iter()
        .map(|d| (d.entry_id, d.answers))
        .collect();
    Ok(ClientExport {
        client,
        history,
        diary,
        vocabulary,
        report_files,
        program,
        program_answers,
    })
}

/// One client of this practitioner (archived or not); `None` when it is not theirs.
pub fn client(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    client_id: ClientId,
) -> Result<Option<ClientExport>, DbError> {
    snapshot(conn, |conn| {
        match clients::find_for_practitioner(conn, practitioner_id, client_id)? {
            Some(row) => load_client(conn, row).map(Some),
            None => Ok(None),
        }
    })
}

/// Every client of the practitioner, archived ones too (a backup leaves nobody out), by name.
pub fn all_clients(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Vec<ClientExport>, DbError> {
    snapshot(conn, |conn| {
        clients_of_practitioner(conn, practitioner_id)?
            .into_iter()
            .map(|row| load_client(conn, row))
            .collect()
    })
}
