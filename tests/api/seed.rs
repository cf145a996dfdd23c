//! `seed-demo --clients N --years Y` on both engines: the generated data set is written, is not
//! written twice, and the app serves it (timeline, dashboard, a portal account's diary).

use awc::http::StatusCode;
use diesel::prelude::*;

use crate::helpers::{fresh_database_url, spawn_with_pool};
use htma_tracker::db::schema::{clients, diary_entries, flags, hair_tests};
use htma_tracker::seed::scale::{ScaleOptions, DEFAULT_SEED};
use htma_tracker::seed::{seed_demo_scale, DEMO_EMAIL, DEMO_PASSWORD};

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
