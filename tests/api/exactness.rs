//! Issue #11 through the running app: exact thresholds on the test page, borderline results on
//! the test page and timeline, borderline type changes flagged and listed apart on the
//! dashboard, and stored results re-derived at start when the rules change.

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::schema::{analysis_rules, audit_events, flags, hair_tests};

use crate::helpers::spawn_app;

#[actix_web::test]
async fn an_exact_boundary_reads_as_the_rule_text_on_the_test_page() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Boundary Client").await;
    let test = app
        .create_test(
            client,
            &[
                ("sample_date", "2025-03-01"),
                ("Ca", "66"),
                ("Mg", "30"),
                ("Na", "30"),
                ("K", "2.2"),
            ],
        )
        .await;
    let page = app.get(&format!("/clients/{client}/tests/{test}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("30 ≤ Ca/K 30.0 ≤ 100"), "{}", page.body);
    assert!(!page.body.contains("30.0 &lt; 30"), "{}", page.body);
    assert!(page.body.contains(">moderate<"), "{}", page.body);
}

#[actix_web::test]
async fn borderline_type_changes_are_flagged_and_listed_apart() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let wobbly = app.create_client("Wobbly Ratio").await;
    // Ca/K 4.1 (slow) then 3.9 (fast side: mixed), both within 5 % of 4.
    for (date, calcium) in [("2025-01-10", "41"), ("2025-05-10", "39")] {
        app.create_test(
            wobbly,
            &[
                ("sample_date", date),
                ("Ca", calcium),
                ("Mg", "10"),
                ("Na", "20"),
                ("K", "10"),
            ],
        )
        .await;
    }
    // A clear change for another client: Ca/K 8 → 2.
    let clear = app.create_client("Clear Change").await;
    for (date, calcium) in [("2025-01-10", "80"), ("2025-05-10", "20")] {
        app.create_test(
            clear,
            &[
                ("sample_date", date),
                ("Ca", calcium),
                ("Mg", "10"),
                ("Na", "20"),
                ("K", "10"),
            ],
        )
        .await;
    }
    let timeline = app.get(&format!("/clients/{wobbly}")).await;
    assert!(
        timeline.body.contains("Borderline type change")
            && timeline
                .body
                .contains("borderline: Ca/K 3.9 is 2.5 % from 4"),
        "{}",
        timeline.body
    );
    let dashboard = app.get("/").await;
    let flags = &dashboard.body[dashboard.body.find("id=\"flags\"").unwrap()..];
    let flags = &flags[..flags.find("</section>").unwrap()];
    assert!(flags.contains("Clear Change"), "{flags}");
    assert!(!flags.contains("Wobbly Ratio"), "{flags}");
    assert!(
        flags.contains("1 borderline type change</a>"),
        "the borderline change is counted apart: {flags}"
    );
    let borderline = app.get("/?flags=borderline").await;
    let flags = &borderline.body[borderline.body.find("id=\"flags\"").unwrap()..];
    let flags = &flags[..flags.find("</section>").unwrap()];
    assert!(
        flags.contains("Wobbly Ratio") && !flags.contains("Clear Change"),
        "{flags}"
    );
    assert!(flags.contains("slow → mixed"), "{flags}");
}

#[actix_web::test]
async fn stored_results_are_rederived_when_the_rules_change() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Stored Before").await;
    // P-K-VLOW resolves between the two tests (a CMP-3 flag); the second is Ca/K 30 exactly.
    for (date, calcium, potassium) in [("2025-01-10", "160", "2"), ("2025-05-10", "66", "2.2")] {
        app.create_test(
            client,
            &[
                ("sample_date", date),
                ("Ca", calcium),
                ("Mg", "18"),
                ("Na", "8"),
                ("K", potassium),
            ],
        )
        .await;
    }
    let mut conn = app.pool.get().unwrap();
    let stored = |conn: &mut htma_tracker::db::PooledConn| -> Vec<(String, Option<String>)> {
        hair_tests::table
            .order(hair_tests::sample_date.asc())
            .select((hair_tests::oxidation_type, hair_tests::oxidation_degree))
            .load(conn)
            .unwrap()
    };
    let derived = stored(&mut conn);
    assert_eq!(
        derived[1],
        ("slow".to_string(), Some("moderate".to_string()))
    );
    // As a database written by an earlier release would hold it: older summary columns, no
    // flags, and the rules version before exact comparisons.
    diesel::update(hair_tests::table)
        .set((
            hair_tests::oxidation_degree.eq(Some("mild")),
            hair_tests::pattern_ids.eq(" P-K-LOW "),
        ))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(flags::table).execute(&mut conn).unwrap();
    diesel::update(analysis_rules::table)
        .set(analysis_rules::version.eq(1))
        .execute(&mut conn)
        .unwrap();
    let done = htma_tracker::service::rederive::bring_up_to_date(&mut conn)
        .unwrap()
        .expect("re-derived");
    assert_eq!((done.practitioners, done.tests), (1, 2));
    assert_eq!(stored(&mut conn), derived);
    let flag_count: i64 = flags::table.count().get_result(&mut conn).unwrap();
    assert!(flag_count > 0, "flags re-derived");
    let audited: i64 = audit_events::table
        .filter(audit_events::action.eq("reanalyze"))
        .filter(audit_events::detail.like("analysis rules version%"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(audited, 1);
    // Once current, a restart does nothing.
    assert_eq!(
        htma_tracker::service::rederive::bring_up_to_date(&mut conn).unwrap(),
        None
    );
}

#[actix_web::test]
async fn the_earlier_default_can_be_chosen_again() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Aluminium Reader").await;
    // An ARL-like panel: Al 0.6 is high for eck-wilson@1 (0.04), not for @2 (0.8).
    app.create_test(
        client,
        &[("sample_date", "2025-03-01"), ("Ca", "40"), ("Al", "0.6")],
    )
    .await;
    let stored = |app: &crate::helpers::TestApp| -> (String, String) {
        let mut conn = app.pool.get().unwrap();
        hair_tests::table
            .select((hair_tests::reference_set, hair_tests::pattern_ids))
            .first(&mut conn)
            .unwrap()
    };
    let (label, patterns) = stored(&app);
    assert_eq!(label, "eck-wilson@2");
    assert!(!patterns.contains("P-TOXIC-Al"), "{patterns}");
    let list = "/settings/reference-sets";
    let chosen = app
        .submit(
            list,
            "/settings/reference-sets/active",
            &[("set", "eck-wilson@1")],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    let (label, patterns) = stored(&app);
    assert_eq!(label, "eck-wilson@1");
    assert!(patterns.contains(" P-TOXIC-Al "), "{patterns}");
    let page = app.get(list).await;
    assert!(page
        .body
        .contains("In use: <span class=\"badge\">eck-wilson@1</span>"));
    let back = app
        .submit(
            list,
            "/settings/reference-sets/active",
            &[("set", "default")],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(stored(&app).0, "eck-wilson@2");
}
