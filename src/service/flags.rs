//! Flags are derived data (HTMA.md, "Comparing consecutive tests"): after any insert, edit,
//! delete or re-analysis of a client's tests, the stored flags are made equal to what the
//! engine derives from the client's analysed history, keeping the acknowledgements of flags
//! that are derived again. The dashboard's cache of the latest test is rewritten with them.

use crate::db::ClientId;
use std::collections::BTreeMap;

use crate::db::flags::{store, DerivedFlag};
use crate::db::{dashboard_cache, DbConn, DbError};

use super::history::{AnalyzedHistory, ClientFacts};

/// The flags of every pair of consecutive tests, keyed by flag key.
pub fn derive(history: &AnalyzedHistory) -> BTreeMap<String, DerivedFlag> {
    let mut derived = BTreeMap::new();
    for (earlier, later, comparison) in history.consecutive() {
        let (from, to) = (earlier.row.id, later.row.id);
        for flag in comparison.flags {
            // The same finding between another pair of tests is another flag.
            let key = format!("{}@{from}>{to}", flag.key());
            let summary = match &flag.washing_note {
                Some(note) => format!("{} ({note})", flag.summary),
                None => flag.summary.clone(),
            };
            derived.insert(
                key.clone(),
                DerivedFlag {
                    key,
                    kind: flag.kind.as_str().to_string(),
                    rule: flag.rule.to_string(),
                    summary,
                    from,
                    to,
                },
            );
        }
    }
    derived
}

/// Re-derives and stores the client's flags and dashboard summary from `history` (their live
/// tests, with summary columns up to date: the dashboard copies the latest). Runs inside the
/// caller's write transaction so tests and flags never disagree.
pub fn rederive(
    conn: &mut DbConn,
    client_id: ClientId,
    history: &AnalyzedHistory,
) -> Result<(), DbError> {
    store(conn, client_id, derive(history))?;
    let latest = history.tests.last().map(|t| &t.row);
    dashboard_cache::write(conn, client_id, history.tests.len(), latest)
}

/// Loads the client's history with their practitioner's set and re-derives from it.
pub fn rederive_for_client(conn: &mut DbConn, client_id: ClientId) -> Result<(), DbError> {
    let (sex, born) = crate::db::clients::analysis_facts_of_client(conn, client_id)?;
    let history = AnalyzedHistory::load(conn, client_id, ClientFacts::new(sex, born))?;
    rederive(conn, client_id, &history)
}

/// `rederive_for_client` with the set already resolved (the caller analysed with it).
pub fn rederive_with(
    conn: &mut DbConn,
    client_id: ClientId,
    reference: crate::domain::reference::ReferenceSet,
) -> Result<(), DbError> {
    let (sex, born) = crate::db::clients::analysis_facts_of_client(conn, client_id)?;
    let facts = ClientFacts::new(sex, born);
    let history = AnalyzedHistory::load_with(conn, client_id, facts, reference)?;
    rederive(conn, client_id, &history)
}
