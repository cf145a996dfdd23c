//! The version of each client's record and of each practice (issue 15): what a page part kept
//! in memory (`web::timeline::cache`, `web::home::kept`) was made from.
//! `service::commands::audited` bumps them in the transaction of every change, for the scope the
//! change's audit events concern, so a kept part is never shown once the records under it
//! changed, on any server sharing the database.
//!
//! Rows, by (owner_id, client_id): (owner, client) a client's own records; (owner, 0) the
//! practice's settings (the reference set in use); (owner, -1) "any client of the practice",
//! bumped together with every client's own row (the dashboard lists all of them); (0, 0)
//! everything (a change whose practitioner is not known).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::audit::Scope;
use super::engine::on_engine;
use super::schema::record_versions;
use super::{DbConn, DbError};

/// The row a change of `scope` bumps: the client's own, its practice's when only the
/// practitioner is known (the reference set in use), else the one every page depends on.
fn row_of(scope: Scope) -> (i64, i64) {
    match scope {
        Scope {
            owner_id: Some(owner),
            client_id: Some(client),
        } => (owner, client),
        Scope {
            owner_id: Some(owner),
            client_id: None,
        } => (owner, 0),
        // A client without a known practitioner, or nobody: everything.
        _ => (0, 0),
    }
}

/// The row of a practice that moves with every change of any of its clients.
const ANY_CLIENT: i64 = -1;

/// The rows a change of `scope` bumps: its own, and for a client's change also its practice's
/// "any client" row.
fn rows_of(scope: Scope) -> impl Iterator<Item = (i64, i64)> {
    let (owner, client) = row_of(scope);
    let any_client = (client > 0).then_some((owner, ANY_CLIENT));
    std::iter::once((owner, client)).chain(any_client)
}

/// Adds one to the version of every scope given (once each), inside the caller's transaction.
pub fn bump(conn: &mut DbConn, scopes: &[Scope]) -> Result<(), DbError> {
    let mut rows: Vec<(i64, i64)> = scopes.iter().copied().flat_map(rows_of).collect();
    rows.sort_unstable();
    rows.dedup();
    for (owner, client) in rows {
        // One statement both engines read alike (SQLite ≥ 3.24, PostgreSQL ≥ 9.5); the values
        // are integers, written as such.
        conn.batch_execute(&format!(
            "INSERT INTO record_versions (owner_id, client_id, version) VALUES ({owner}, {client}, 1) \
             ON CONFLICT (owner_id, client_id) DO UPDATE SET version = record_versions.version + 1"
        ))?;
    }
    Ok(())
}

/// The version of one client's record: the sum of its own, its practice's and the global
/// version. Each only grows, so the sum changes with every change that concerns the client.
/// Read on every client page, on the engine's own connection (`on_engine`).
pub fn of_client(conn: &mut DbConn, owner_id: i64, client_id: i64) -> Result<i64, DbError> {
    let versions: Vec<i64> = on_engine!(conn, |c| record_versions::table
        .filter(
            record_versions::client_id
                .eq(0)
                .and(
                    record_versions::owner_id
                        .eq(0)
                        .or(record_versions::owner_id.eq(owner_id)),
                )
                .or(record_versions::owner_id
                    .eq(owner_id)
                    .and(record_versions::client_id.eq(client_id))),
        )
        .select(record_versions::version)
        .load(c))?;
    Ok(versions.iter().sum())
}

/// The version of a practitioner's whole practice: the sum of its "any client" row, its own
/// row and the global one, so it changes with every change of any of its clients, of its
/// settings, or of anything whose practitioner is not known, and with no other practice's.
/// Read on every dashboard, on the engine's own connection (`on_engine`).
pub fn of_practice(conn: &mut DbConn, owner_id: i64) -> Result<i64, DbError> {
    let versions: Vec<i64> = on_engine!(conn, |c| record_versions::table
        .filter(
            record_versions::owner_id
                .eq(0)
                .and(record_versions::client_id.eq(0))
                .or(record_versions::owner_id
                    .eq(owner_id)
                    // Its own row (0) and its "any client" row (-1): client ids are positive.
                    .and(record_versions::client_id.le(0))),
        )
        .select(record_versions::version)
        .load(c))?;
    Ok(versions.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_scope_bumps_what_every_page_depends_on() {
        let scope = |owner_id, client_id| Scope {
            owner_id,
            client_id,
        };
        assert_eq!(row_of(scope(Some(7), Some(42))), (7, 42));
        assert_eq!(row_of(scope(Some(7), None)), (7, 0));
        assert_eq!(row_of(scope(None, Some(42))), (0, 0));
        assert_eq!(row_of(scope(None, None)), (0, 0));
    }

    #[test]
    fn a_client_change_also_moves_its_practice_and_nothing_else_does() {
        let rows = |owner_id, client_id| {
            rows_of(Scope {
                owner_id,
                client_id,
            })
            .collect::<Vec<_>>()
        };
        assert_eq!(rows(Some(7), Some(42)), [(7, 42), (7, ANY_CLIENT)]);
        assert_eq!(rows(Some(7), None), [(7, 0)]);
        assert_eq!(rows(None, Some(42)), [(0, 0)]);
    }
}
