//! Pooled PostgreSQL connections (issue 15): a connection that answered a moment ago is handed
//! out without asking the server whether it is alive, and one the server dropped (a restart)
//! costs at most the one request that found it gone.

use awc::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use htma_tracker::db;

use crate::helpers::{fresh_database_url, spawn_app, spawn_with_pool};

/// The test PostgreSQL's URL, or None on SQLite.
fn postgres_url() -> Option<String> {
    std::env::var("HTMA_TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// Ends, from a connection of its own, every server process of the connections named
/// `application_name` (what a restart of PostgreSQL does to the app's pool), and waits until
/// they are gone. Returns how many there were.
fn terminate_backends(base: &str, application_name: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut admin = PgConnection::establish(&format!("{base}{sep}sslmode=disable"))
        .expect("connect to the test PostgreSQL");
    let count = |admin: &mut PgConnection, select: &str| -> i64 {
        diesel::sql_query(format!(
            "SELECT COUNT({select})::bigint AS n FROM pg_stat_activity \
             WHERE application_name = $1 AND pid <> pg_backend_pid()"
        ))
        .bind::<diesel::sql_types::Text, _>(application_name)
        .get_result::<Count>(admin)
        .expect("pg_stat_activity")
        .n
    };
    let terminated = count(&mut admin, "pg_terminate_backend(pid)");
    for _ in 0..100 {
        if count(&mut admin, "*") == 0 {
            return terminated;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the terminated server processes are still there");
}

/// Every server process of the app's pool is terminated while the pool holds their connections.
/// The first request after it may fail, cleanly, with 503: its connection answered a moment ago,
/// so it is handed out unchecked (that is what saves the round trip per checkout). That
/// failure drops the connection and marks every connection that answered before it to be
/// checked on its next checkout, so every later request succeeds, on new connections.
#[actix_web::test]
async fn a_restarted_database_costs_at_most_the_request_that_found_out() {
    let Some(base) = postgres_url() else {
        return;
    };
    let name = format!("htma_reconnect_{:x}", db::new_id());
    let url = format!("{}&application_name={name}", fresh_database_url());
    let (pool, _) = db::connect_counted(&url, 4).expect("open and migrate the test database");
    let app = spawn_with_pool(pool, url);
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    let page = format!("/clients/{client}");
    for _ in 0..3 {
        assert_eq!(app.get(&page).await.status, StatusCode::OK);
    }

    assert!(terminate_backends(&base, &name) > 0);

    let first = app.get(&page).await;
    assert!(
        first.status == StatusCode::OK || first.status == StatusCode::SERVICE_UNAVAILABLE,
        "{}: {}",
        first.status,
        first.body
    );
    if first.status == StatusCode::SERVICE_UNAVAILABLE {
        assert!(
            first.body.contains("Database unavailable"),
            "{}",
            first.body
        );
    }
    for round in 0..6 {
        let reply = app.get(&page).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "request {round} after the first"
        );
        assert!(reply.body.contains("Maria Jensen"));
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    }

    // Again with the server processes gone while the pool was idle for a while: every
    // connection is checked before use, so not even the first request fails.
    assert!(terminate_backends(&base, &name) > 0);
    std::thread::sleep(std::time::Duration::from_secs(4));
    assert_eq!(app.get(&page).await.status, StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

/// /healthz runs its one statement and nothing else: its connection, which answered a moment
/// ago, is not asked first whether it is alive (PostgreSQL did, with a `SELECT 1` per checkout).
#[actix_web::test]
async fn a_connection_that_just_answered_is_not_asked_again() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let before = app.queries.get();
    for _ in 0..5 {
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    }
    assert_eq!(app.queries.get() - before, 5);
    // The pool's own connection still works for the test (and is plain SQL).
    app.pool
        .get()
        .expect("a connection")
        .batch_execute("SELECT 1")
        .expect("SELECT 1");
}
