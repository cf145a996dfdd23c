//! Re-analysing every test of a practitioner's clients with another reference set (HTMA.md:
//! "Changing the set re-analyses and recomputes flags"). Runs inside the caller's write
//! transaction. Built for a large practice: tests and levels are read with three queries
//! whatever their number, and the summary columns are rewritten with one statement per
//! distinct summary rather than one per test.

use crate::db::AccountId;
use std::collections::HashMap;

use crate::db::hair_tests::{self, AnalysisSummary, HairTestRow};
use crate::db::mapping::summary_of;
use crate::db::{ClientId, DbConn, DbError, HairTestId};
use crate::domain::analysis::Analysis;
use crate::domain::reference::ReferenceSet;

use super::flags;
use super::history::{group_levels, AnalyzedHistory, ClientFacts};

/// What a re-analysis touched, for the audit trail and the page that asked for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reanalysis {
    pub clients: usize,
    pub tests: usize,
    /// Tests whose stored summary changed (at least the label does when the set changes).
    pub rewritten: usize,
}

/// The derived columns that identify a summary; tests sharing one are updated together.
type SummaryKey = (String, Option<String>, String);

/// Rewrites the summary columns of every test (deleted ones too, so a restored test names the
/// set in force) and re-derives every client's flags and dashboard summary, all with `reference`.
pub fn reanalyze_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    reference: &ReferenceSet,
) -> Result<Reanalysis, DbError> {
    let clients = crate::db::clients::analysis_facts_for_practitioner(conn, practitioner_id)?;
    let tests = hair_tests::all_for_practitioner(conn, practitioner_id)?;
    let levels = hair_tests::levels_for_practitioner(conn, practitioner_id)?;
    let levels_by_test = group_levels(levels);
    let test_count = tests.len();
    let mut live_by_client: HashMap<ClientId, Vec<HairTestRow>> = HashMap::new();
    let mut deleted_by_client: HashMap<ClientId, Vec<HairTestRow>> = HashMap::new();
    for test in tests {
        let by_client = if test.deleted_at.is_none() {
            &mut live_by_client
        } else {
            &mut deleted_by_client
        };
        by_client.entry(test.client_id).or_default().push(test);
    }

    let label = reference.label();
    let mut changed: HashMap<SummaryKey, Vec<HairTestId>> = HashMap::new();
    for (client_id, sex, born) in &clients {
        let live = live_by_client.remove(client_id).unwrap_or_default();
        let facts = ClientFacts::new(*sex, *born);
        let mut history = AnalyzedHistory::of_rows(live, &levels_by_test, facts, reference.clone());
        for test in &mut history.tests {
            // The rows go on to the flag re-derivation, which copies the latest test's summary
            // to the dashboard: they must carry the new values too.
            note_summary(&mut test.row, &test.analysis, &label, &mut changed);
        }
        for row in deleted_by_client.remove(client_id).unwrap_or_default() {
            let mut deleted = history.analyze_row(row, &levels_by_test);
            note_summary(&mut deleted.row, &deleted.analysis, &label, &mut changed);
        }
        flags::rederive(conn, *client_id, &history)?;
    }
    let mut rewritten = 0;
    for ((oxidation_type, oxidation_degree, pattern_ids), ids) in changed {
        let summary = AnalysisSummary {
            oxidation_type,
            oxidation_degree,
            pattern_ids,
            reference_set: label.clone(),
        };
        rewritten += hair_tests::set_summary_of_all(conn, &ids, &summary)?;
    }
    Ok(Reanalysis {
        clients: clients.len(),
        tests: test_count,
        rewritten,
    })
}

/// Sets the row's summary columns to `analysis` and, when they change, queues the row for the
/// batched rewrite.
fn note_summary(
    row: &mut HairTestRow,
    analysis: &Analysis,
    label: &str,
    changed: &mut HashMap<SummaryKey, Vec<HairTestId>>,
) {
    let summary = summary_of(analysis);
    let unchanged = row.oxidation_type == summary.oxidation_type
        && row.oxidation_degree == summary.oxidation_degree
        && row.pattern_ids == summary.pattern_ids
        && row.reference_set == label;
    if unchanged {
        return;
    }
    row.oxidation_type = summary.oxidation_type;
    row.oxidation_degree = summary.oxidation_degree;
    row.pattern_ids = summary.pattern_ids;
    row.reference_set = label.to_string();
    changed
        .entry((
            row.oxidation_type.clone(),
            row.oxidation_degree.clone(),
            row.pattern_ids.clone(),
        ))
        .or_default()
        .push(row.id);
}
