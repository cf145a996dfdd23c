//! Keeps stored derived data in step with the rules. HTMA.md: "Flags are derived data: after
//! any insert, edit, delete or re-analysis, the stored flags equal what the engine derives". When
//! a release changes what the engine derives from the same tests (exact threshold comparisons
//! and borderline type changes, issue #11), every practitioner's tests, flags and dashboard
//! summaries are re-derived once at start, in one audited write transaction, and the version of
//! the rules they now agree with is recorded in `analysis_rules`.

use diesel::prelude::*;

use crate::domain::ANALYSIS_RULES_VERSION;

use crate::db::schema::{analysis_rules, clients};
use crate::db::{now, reference_sets, AccountId, DbConn, DbError};
use crate::service::commands::{audited, Author, Event};

use super::reanalysis;

/// What the start-up re-derivation did; `None` when the stored data was already current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rederived {
    pub practitioners: usize,
    pub tests: usize,
}

fn stored_version(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(analysis_rules::table
        .find(1)
        .select(analysis_rules::version)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

/// Re-derives everything when the stored data predates [`ANALYSIS_RULES_VERSION`]; a no-op
/// afterwards (one indexed read).
pub fn bring_up_to_date(conn: &mut DbConn) -> Result<Option<Rederived>, DbError> {
    let current = i64::from(ANALYSIS_RULES_VERSION);
    if stored_version(conn)? >= current {
        return Ok(None);
    }
    audited(conn, Author::SYSTEM, |conn, trail| {
        // Checked again under the write lock: another instance may have just done it.
        if stored_version(conn)? >= current {
            return Ok(None);
        }
        let practitioners: Vec<AccountId> = clients::table
            .select(clients::practitioner_id)
            .distinct()
            .order(clients::practitioner_id.asc())
            .load(conn)?;
        let mut tests = 0;
        for practitioner_id in &practitioners {
            reference_sets::lock_practitioner(
                conn,
                *practitioner_id,
                reference_sets::SetLock::Change,
            )?;
            let reference = reference_sets::reference_set_for_practitioner(conn, *practitioner_id)?;
            let done = reanalysis::reanalyze_practitioner(conn, *practitioner_id, &reference)?;
            tests += done.tests;
            let detail = format!(
                "analysis rules version {current}: {} tests of {} clients re-analysed with {}, \
                 flags re-derived",
                done.tests,
                done.clients,
                reference.label()
            );
            trail.record(Event {
                action: "reanalyze",
                record_kind: "practitioner",
                record_id: Some(practitioner_id.get()),
                detail: &detail,
            });
        }
        let updated = diesel::update(analysis_rules::table.find(1))
            .set((
                analysis_rules::version.eq(current),
                analysis_rules::derived_at.eq(Some(now())),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(analysis_rules::table)
                .values((
                    analysis_rules::id.eq(1),
                    analysis_rules::version.eq(current),
                    analysis_rules::derived_at.eq(Some(now())),
                ))
                .execute(conn)?;
        }
        Ok(Some(Rederived {
            practitioners: practitioners.len(),
            tests,
        }))
    })
}
