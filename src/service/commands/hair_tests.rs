//! Every change to a client's hair tests, in one write transaction with its audit event and the
//! re-derivation of the client's flags: tests, flags and the trail never disagree.

use crate::db::{ClientId, PendingImportId};
use std::collections::BTreeMap;

use chrono::Duration;

use crate::db::hair_tests::{self, HairTestFields};
use crate::db::mapping::{level_rows, summary_of};
use crate::db::reference_sets::reference_set_for_saving;
use crate::db::{now, DbConn, DbError, HairTestId};
use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;
use crate::service::flags;
use crate::service::history::analyze_unsaved;

/// How long a deleted test can be restored.
pub const RESTORE_WINDOW: Duration = Duration::days(30);

/// A test as entered, parsed and valid.
#[derive(Debug, Clone)]
pub struct TestInput {
    pub fields: HairTestFields,
    pub levels: BTreeMap<Element, MineralLevel>,
}

pub enum TestChange<'a> {
    Create(&'a TestInput),
    Update(&'a TestInput),
    Delete,
    Restore,
}

pub use super::Actor;
use super::{audited, Author, Event, Trail};

/// Applies one change. Returns false when the test is not there to change (or, for a restore,
/// is past the restore window).
pub fn apply(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    client_sex: Sex,
    test_id: HairTestId,
    change: TestChange,
) -> Result<bool, DbError> {
    audited(conn, actor, |conn, trail| {
        apply_in(conn, trail, client_id, client_sex, test_id, change)
    })
}

/// [`apply`] inside the caller's audited write.
fn apply_in(
    conn: &mut DbConn,
    trail: &mut Trail,
    client_id: ClientId,
    client_sex: Sex,
    test_id: HairTestId,
    change: TestChange,
) -> Result<bool, DbError> {
    let at = now();
    // Resolved inside the transaction, so the stored label is the set the flags use too.
    let reference = reference_set_for_saving(conn, client_id)?;
    let action = match &change {
        TestChange::Create(input) => {
            let summary = summary_for(input, client_sex, &reference);
            hair_tests::insert(
                conn,
                test_id,
                client_id,
                &input.fields,
                &summary,
                &level_rows(test_id, &input.levels),
                at,
            )?;
            "create"
        }
        TestChange::Update(input) => {
            let Some(existing) = hair_tests::find_for_client(conn, client_id, test_id)? else {
                return Ok(false);
            };
            if existing.deleted_at.is_some() {
                return Ok(false);
            }
            let summary = summary_for(input, client_sex, &reference);
            hair_tests::update(
                conn,
                test_id,
                &input.fields,
                &summary,
                &level_rows(test_id, &input.levels),
                at,
            )?;
            "update"
        }
        TestChange::Delete => {
            let Some(existing) = hair_tests::find_for_client(conn, client_id, test_id)? else {
                return Ok(false);
            };
            if existing.deleted_at.is_some() {
                return Ok(false);
            }
            hair_tests::set_deleted(conn, test_id, Some(at))?;
            "delete"
        }
        TestChange::Restore => {
            let Some(existing) = hair_tests::find_for_client(conn, client_id, test_id)? else {
                return Ok(false);
            };
            match existing.deleted_at {
                Some(deleted) if at - deleted <= RESTORE_WINDOW => {}
                _ => return Ok(false),
            }
            hair_tests::set_deleted(conn, test_id, None)?;
            "restore"
        }
    };
    trail.record(Event {
        action,
        record_kind: "hair_test",
        record_id: Some(test_id.get()),
        detail: "",
    });
    flags::rederive_with(conn, client_id, reference)?;
    Ok(true)
}

/// Saves a test read from a lab report: the ordinary create, and the report's file attached to
/// the new test in the same transaction (audited). A file that expired meanwhile is not an
/// error: the test is saved without it. Returns (saved, file attached).
#[allow(clippy::too_many_arguments)]
pub fn create_from_report(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    client_sex: Sex,
    test_id: HairTestId,
    input: &TestInput,
    report_file_id: i64,
) -> Result<(bool, bool), DbError> {
    audited(conn, actor, |conn, trail| {
        if !apply_in(
            conn,
            trail,
            client_id,
            client_sex,
            test_id,
            TestChange::Create(input),
        )? {
            return Ok((false, false));
        }
        let attached = crate::db::lab_reports::attach(
            conn,
            report_file_id,
            actor.account_id,
            client_id,
            test_id,
        )?;
        if attached {
            trail.record(Event {
                action: "attach_report",
                record_kind: "hair_test",
                record_id: Some(test_id.get()),
                detail: "",
            });
        }
        Ok((true, attached))
    })
}

/// Removes for good what has outlived its window: tests deleted longer than `RESTORE_WINDOW`
/// ago with their lab report files, and report files read for review but never saved with a
/// test. Each purged test is an audit event (by the system: no account).
pub fn purge_expired(conn: &mut DbConn) -> Result<usize, DbError> {
    audited(conn, Author::SYSTEM, |conn, trail| {
        let at = now();
        let purged = hair_tests::purge_deleted_before(conn, at - RESTORE_WINDOW)?;
        for id in &purged {
            trail.record(Event {
                action: "purge",
                record_kind: "hair_test",
                record_id: Some(id.get()),
                detail: "restore window ended",
            });
        }
        crate::db::lab_reports::purge_pending_before(
            conn,
            at - Duration::days(crate::db::lab_reports::PENDING_DAYS),
        )?;
        Ok(purged.len())
    })
}

fn summary_for(
    input: &TestInput,
    client_sex: Sex,
    reference: &ReferenceSet,
) -> hair_tests::AnalysisSummary {
    let sample = crate::domain::analysis::HairSample {
        sex: client_sex,
        washed: input.fields.washed,
        levels: input.levels.clone(),
        lab: input.fields.lab.clone(),
        sample_date: Some(input.fields.sample_date),
        date_of_birth: None,
    };
    summary_of(&analyze_unsaved(&sample, reference))
}

/// Imports many tests for one or more clients: all or nothing, one audit event per test, flags
/// re-derived once per client.
pub fn import_all(
    conn: &mut DbConn,
    actor: &Actor,
    tests: &[(ClientId, Sex, TestInput)],
) -> Result<usize, DbError> {
    audited(conn, actor, |conn, trail| import_in_tx(conn, trail, tests))
}

/// Imports an upload that is still pending, consuming it in the same transaction: of two
/// confirmations racing (a double click, two tabs), exactly one imports; the other gets `None`.
pub fn import_pending(
    conn: &mut DbConn,
    actor: &Actor,
    pending_id: PendingImportId,
    tests: &[(ClientId, Sex, TestInput)],
) -> Result<Option<usize>, DbError> {
    audited(conn, actor, |conn, trail| {
        if crate::db::pending_imports::delete(conn, pending_id)? == 0 {
            return Ok(None);
        }
        import_in_tx(conn, trail, tests).map(Some)
    })
}

fn import_in_tx(
    conn: &mut DbConn,
    trail: &mut Trail,
    tests: &[(ClientId, Sex, TestInput)],
) -> Result<usize, DbError> {
    let at = now();
    let mut clients_touched = std::collections::BTreeSet::new();
    // One lookup per client, not per test; an import may span clients.
    let mut references: BTreeMap<ClientId, ReferenceSet> = BTreeMap::new();
    for (client_id, client_sex, input) in tests {
        let id = HairTestId::fresh();
        let reference = match references.entry(*client_id) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(reference_set_for_saving(conn, *client_id)?)
            }
        };
        let summary = summary_for(input, *client_sex, reference);
        hair_tests::insert(
            conn,
            id,
            *client_id,
            &input.fields,
            &summary,
            &level_rows(id, &input.levels),
            at,
        )?;
        trail.record(Event {
            action: "import",
            record_kind: "hair_test",
            record_id: Some(id.get()),
            detail: "",
        });
        clients_touched.insert(*client_id);
    }
    for client_id in clients_touched {
        match references.remove(&client_id) {
            Some(reference) => flags::rederive_with(conn, client_id, reference)?,
            None => flags::rederive_for_client(conn, client_id)?,
        }
    }
    Ok(tests.len())
}
