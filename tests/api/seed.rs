//! `seed-demo` on both engines: the demo practice and the generated data set (`--clients N
//! --years Y`) are written, are not written twice, and the app serves them.

use awc::http::StatusCode;
use diesel::prelude::*;

use crate::helpers::{fresh_database_url, spawn_with_pool};
use htma_tracker::db::schema::{accounts, audit_events, clients, diary_entries, flags, hair_tests};
use htma_tracker::seed::scale::{ScaleOptions, DEFAULT_SEED};
use htma_tracker::seed::{seed_demo, seed_demo_scale, DEMO_EMAIL, DEMO_PASSWORD};

fn generated(conn: &mut htma_tracker::db::DbConn) -> (i64, i64, i64, i64) {
    let client_ids: Vec<i64> = clients::table
        .filter(clients::reference_code.like("S-%"))
        .select(clients::id)
        .load(conn)
        .expect("clients");
    let tests = hair_tests::table
        .filter(hair_tests::client_id.eq_any(&client_ids))
        .count()
        .get_result(conn)
        .expect("tests");
    let days = diary_entries::table
        .filter(diary_entries::client_id.eq_any(&client_ids))
        .count()
        .get_result(conn)
        .expect("diary");
    let flag_count = flags::table
        .filter(flags::client_id.eq_any(&client_ids))
        .count()
        .get_result(conn)
        .expect("flags");
    (client_ids.len() as i64, tests, days, flag_count)
}

#[actix_web::test]
async fn a_generated_data_set_is_seeded_once_and_served() {
    let url = fresh_database_url();
    let pool = htma_tracker::db::connect(&url, 4).expect("database");
    let options = ScaleOptions {
        clients: 3,
        years: 1,
        seed: DEFAULT_SEED,
    };
    let counts = {
        let mut conn = pool.get().expect("connection");
        let summary = seed_demo_scale(&mut conn, options).expect("seed");
        assert!(summary.contains("generated 3 clients"), "{summary}");
        let counts = generated(&mut conn);
        // 1 year: 3–4 tests each (every 90–120 days), a diary on most days since they started.
        assert_eq!(counts.0, 3);
        assert!((6..=15).contains(&counts.1), "{counts:?}");
        assert!(counts.2 > 150, "{counts:?}");
        assert!(counts.3 > 0, "flags are derived: {counts:?}");
        let again = seed_demo_scale(&mut conn, options).expect("seed again");
        assert!(again.contains("already present"), "{again}");
        assert_eq!(
            generated(&mut conn),
            counts,
            "nothing added the second time"
        );
        counts
    };
    assert!(counts.1 > 0);

    let app = spawn_with_pool(pool.clone(), url);
    let reply = app.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let client: i64 = {
        let mut conn = pool.get().expect("connection");
        clients::table
            .filter(clients::reference_code.eq("S-00001"))
            .select(clients::id)
            .first(&mut conn)
            .expect("the first generated client")
    };
    for path in ["/".to_string(), format!("/clients/{client}")] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }
    // The first generated clients have portal accounts with the demo password.
    app.forget_cookies();
    let reply = app.login("client-00001@example.com", DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let portal = app.get("/portal").await;
    assert_eq!(portal.status, StatusCode::OK, "{}", portal.body);
}

/// Rows of the demo practice: clients, tests, diary days, flags (open), audit events.
fn demo_counts(conn: &mut htma_tracker::db::DbConn) -> [i64; 5] {
    let count = |query: Result<i64, diesel::result::Error>| query.expect("count");
    [
        count(clients::table.count().get_result(conn)),
        count(hair_tests::table.count().get_result(conn)),
        count(diary_entries::table.count().get_result(conn)),
        count(
            flags::table
                .filter(flags::active.eq(true))
                .filter(flags::acknowledged_at.is_null())
                .count()
                .get_result(conn),
        ),
        count(audit_events::table.count().get_result(conn)),
    ]
}

/// The number in a dashboard counter (`<span class="num">2</span> retests overdue`).
fn counter(page: &str, label: &str) -> i64 {
    let end = page
        .find(&format!("</span> {label}"))
        .unwrap_or_else(|| panic!("no counter {label:?} on the dashboard"));
    let start = page[..end].rfind('>').expect("the counter's number") + 1;
    page[start..end].trim().parse().expect("a number")
}

#[actix_web::test]
async fn the_demo_practice_is_seeded_once_and_shows_every_feature() {
    let url = fresh_database_url();
    let pool = htma_tracker::db::connect(&url, 4).expect("database");
    let counts = {
        let mut conn = pool.get().expect("connection");
        let message = seed_demo(&mut conn).expect("seed");
        for line in [
            "practitioner sign-in: demo@example.com / demo-password-2026",
            "client portal sign-in (Maria Jensen): maria.jensen@example.com / demo-password-2026",
        ] {
            assert!(message.contains(line), "{line:?} not in:\n{message}");
        }
        let counts = demo_counts(&mut conn);
        let [clients, tests, days, open_flags, _] = counts;
        assert_eq!(clients, 11, "{counts:?}");
        assert!((40..60).contains(&tests), "{counts:?}");
        assert!(days > 2000, "{counts:?}");
        assert!((3..30).contains(&open_flags), "{counts:?}");
        let again = seed_demo(&mut conn).expect("seed again");
        assert!(again.contains("already present"), "{again}");
        assert!(again.contains("maria.jensen@example.com"), "{again}");
        assert_eq!(
            demo_counts(&mut conn),
            counts,
            "nothing written the second time"
        );
        counts
    };
    assert!(counts[1] > 0);

    let app = spawn_with_pool(pool.clone(), url);
    let reply = app.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let dashboard = app.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(counter(&dashboard.body, "active clients"), 10);
    assert_eq!(counter(&dashboard.body, "open flags"), counts[3]);
    assert!(counter(&dashboard.body, "retests overdue") >= 2);
    for name in ["Maria Jensen", "Hugo Lindqvist", "Tom Becker"] {
        assert!(dashboard.body.contains(name), "{name} not on the dashboard");
    }
    assert!(dashboard.body.contains("overdue"));

    // Every client's page and every test page of the demo is served.
    let (client_ids, test_ids): (Vec<i64>, Vec<(i64, i64)>) = {
        let mut conn = pool.get().expect("connection");
        let client_ids = clients::table.select(clients::id).load(&mut conn).unwrap();
        let tests = hair_tests::table
            .select((hair_tests::client_id, hair_tests::id))
            .load(&mut conn)
            .unwrap();
        (client_ids, tests)
    };
    for client in &client_ids {
        for path in [
            format!("/clients/{client}"),
            format!("/clients/{client}/diary"),
        ] {
            let page = app.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        }
    }
    for (client, test) in &test_ids {
        let path = format!("/clients/{client}/tests/{test}");
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }

    // The portal account signs in and sees its results and the shared summary.
    app.forget_cookies();
    let reply = app.login("maria.jensen@example.com", DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let results = app.get("/portal/results").await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.body);
    assert!(results.body.contains("Oxidation type"), "{}", results.body);
    let today = app.get("/portal").await;
    assert!(
        today.body.contains("/portal/summaries/"),
        "no shared summary:\n{}",
        today.body
    );
    let portal_accounts: i64 = {
        let mut conn = pool.get().expect("connection");
        accounts::table
            .filter(accounts::client_id.is_not_null())
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(portal_accounts, 1);
}
