//! Re-analysing every test of a practitioner's clients with another reference set (HTMA.md:
//! "Changing the set re-analyses and recomputes flags"). Runs inside the caller's write
//! transaction. Built for a large practice: tests and levels are read with three queries
//! whatever their number, and the summary columns are rewritten with one statement per
//! distinct summary rather than one per test.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::domain::analysis::analyze;
use crate::domain::reference::ReferenceSet;

use super::hair_tests::{AnalysisSummary, HairTestRow, LevelRow};
use super::mapping::{sample_of, summary_of};
use super::schema::{clients, hair_test_levels, hair_tests};
use super::{flags, DbConn, DbError};

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
    practitioner_id: i64,
    reference: &ReferenceSet,
) -> Result<Reanalysis, DbError> {
    let clients: Vec<(i64, Option<String>)> = clients::table
        .filter(clients::practitioner_id.eq(practitioner_id))
        .order(clients::id.asc())
        .select((clients::id, clients::sex))
        .load(conn)?;
    // Comparison order within each client, as `hair_tests::list_for_client` orders.
    let mut tests: Vec<HairTestRow> = hair_tests::table
        .inner_join(clients::table)
        .filter(clients::practitioner_id.eq(practitioner_id))
        .order((
            hair_tests::client_id.asc(),
            hair_tests::sample_date.asc(),
            hair_tests::entered_at.asc(),
            hair_tests::id.asc(),
        ))
        .select(HairTestRow::as_select())
        .load(conn)?;
    let levels: Vec<LevelRow> = hair_test_levels::table
        .inner_join(hair_tests::table.inner_join(clients::table))
        .filter(clients::practitioner_id.eq(practitioner_id))
        .select(LevelRow::as_select())
        .load(conn)?;
    let mut levels_by_test: HashMap<i64, Vec<LevelRow>> = HashMap::new();
    for level in levels {
        levels_by_test
            .entry(level.hair_test_id)
            .or_default()
            .push(level);
    }
    let sex_of_client: HashMap<i64, Option<String>> = clients.iter().cloned().collect();

    let label = reference.label();
    let mut changed: HashMap<SummaryKey, Vec<i64>> = HashMap::new();
    for test in &mut tests {
        let sex = sex_of_client.get(&test.client_id).cloned().flatten();
        let levels = levels_by_test
            .get(&test.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let summary = summary_of(&analyze(
            &sample_of(test, levels, sex.as_deref()),
            reference,
        ));
        let unchanged = test.oxidation_type == summary.oxidation_type
            && test.oxidation_degree == summary.oxidation_degree
            && test.pattern_ids == summary.pattern_ids
            && test.reference_set == label;
        if unchanged {
            continue;
        }
        // The rows are passed on to the flag re-derivation, which copies the latest test's
        // summary to the dashboard: they must carry the new values too.
        test.oxidation_type = summary.oxidation_type;
        test.oxidation_degree = summary.oxidation_degree;
        test.pattern_ids = summary.pattern_ids;
        test.reference_set = label.clone();
        changed
            .entry((
                test.oxidation_type.clone(),
                test.oxidation_degree.clone(),
                test.pattern_ids.clone(),
            ))
            .or_default()
            .push(test.id);
    }
    let mut rewritten = 0;
    for ((oxidation_type, oxidation_degree, pattern_ids), ids) in changed {
        let summary = AnalysisSummary {
            oxidation_type,
            oxidation_degree,
            pattern_ids,
            reference_set: label.clone(),
        };
        // Chunked: SQLite limits the number of bound parameters per statement.
        for chunk in ids.chunks(500) {
            rewritten += diesel::update(hair_tests::table.filter(hair_tests::id.eq_any(chunk)))
                .set(&summary)
                .execute(conn)?;
        }
    }

    let test_count = tests.len();
    let mut live_by_client: HashMap<i64, Vec<HairTestRow>> = HashMap::new();
    for test in tests.into_iter().filter(|t| t.deleted_at.is_none()) {
        live_by_client.entry(test.client_id).or_default().push(test);
    }
    for (client_id, sex) in &clients {
        let live = live_by_client.remove(client_id).unwrap_or_default();
        flags::recompute_loaded(
            conn,
            *client_id,
            sex.as_deref(),
            &live,
            &levels_by_test,
            reference,
        )?;
    }
    Ok(Reanalysis {
        clients: clients.len(),
        tests: test_count,
        rewritten,
    })
}
