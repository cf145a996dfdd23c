use awc::http::StatusCode;

use crate::helpers::{spawn_app, TestApp};

const YEAR_OF_TESTS: &str = "sample_date,lab,Ca,Mg,Na,K,P,Zn,Cu\n\
2025-01-10,ARL,160,18,8,2,14,15,2.1\n\
2025-05-02,ARL,70,9,20,9,14,15,2.1\n\
2025-09-01,ARL,60,8,40,12,14,15,2.1\n\
2026-01-05,ARL,22,2.5,60,25,14,12,1.2\n";

pub(crate) async fn client_with_year(app: &TestApp, name: &str) -> i64 {
    let client = app.create_client(name).await;
    let reply = app
        .upload_csv(client, "year.csv", YEAR_OF_TESTS, "mg%")
        .await;
    let preview = reply.location().to_string();
    let confirmed = app
        .submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    client
}

#[actix_web::test]
async fn an_imported_year_raises_the_expected_flags() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_year(&app, "Maria Jensen").await;
    let page = app.get(&format!("/clients/{client}")).await;
    // slow moderate → slow mild (degree), slow → mixed, mixed → fast (type changes).
    assert_eq!(
        page.body
            .matches("<strong>Oxidation type changed</strong>")
            .count(),
        2,
        "{}",
        page.body
    );
    assert!(page.body.contains("slow → mixed"));
    assert!(page.body.contains("mixed → fast"));
    assert_eq!(
        page.body
            .matches("<strong>Oxidation degree changed</strong>")
            .count(),
        1
    );
    assert!(
        page.body.contains("<code>P-K-LOW</code>") && page.body.contains("Low potassium resolved")
    );
}

#[actix_web::test]
async fn charts_are_valid_svg_with_a_point_per_test() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_year(&app, "Maria Jensen").await;
    let page = app.get(&format!("/clients/{client}")).await;
    let mut charts = 0;
    let mut rest = page.body.as_str();
    while let Some(start) = rest.find("<svg xmlns") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        let svg = &rest[start..end];
        let doc =
            roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("invalid SVG: {e}\n{svg}"));
        let points = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count();
        assert_eq!(points, 4, "a point per test in {svg}");
        assert!(
            doc.descendants().any(|n| n.has_tag_name("title")),
            "accessible title"
        );
        assert!(
            doc.descendants().any(|n| n.has_tag_name("desc")),
            "accessible description"
        );
        charts += 1;
        rest = &rest[end..];
    }
    assert_eq!(charts, 8);
}

#[actix_web::test]
async fn program_versions_keep_their_history_and_mark_the_charts() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_year(&app, "Maria Jensen").await;
    let form = format!("/clients/{client}/program/new");
    let first = app
        .submit(
            &form,
            &format!("/clients/{client}/program"),
            &[
                ("starts_on", "2025-01-15"),
                ("diet", "Cooked vegetables, no sugar"),
                ("supplement_name_0", "Magnesium glycinate"),
                ("supplement_dose_0", "200"),
                ("supplement_unit_0", "mg"),
                ("supplement_frequency_0", "twice daily"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The next form starts from the current version and suggests names already used.
    let next = app.get(&form).await;
    assert!(next.body.contains("value=\"Magnesium glycinate\""));
    assert!(
        next.body.contains("<option value=\"Magnesium glycinate\">"),
        "datalist suggestion"
    );
    let second = app
        .submit(
            &form,
            &format!("/clients/{client}/program"),
            &[
                ("starts_on", "2025-06-01"),
                ("supplement_name_0", "Magnesium glycinate"),
                ("supplement_dose_0", "400"),
                ("supplement_name_1", "Zinc"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body.contains("Current · from 2025-06-01"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Earlier versions (1)") && page.body.contains("from 2025-01-15"));
    assert!(
        page.body.contains("Cooked vegetables, no sugar"),
        "history kept"
    );
    // Two version markers in each of the 8 charts (the legend's sample is not in a chart).
    let in_charts: usize = page
        .body
        .split("<svg xmlns")
        .skip(1)
        .map(|chart| chart.split("</svg>").next().unwrap_or_default())
        .map(|chart| chart.matches("class=\"marker\"").count())
        .sum();
    assert_eq!(in_charts, 16);
    // A supplement row without a name is refused with the row kept.
    let bad = app
        .submit(
            &form,
            &format!("/clients/{client}/program"),
            &[("starts_on", "2025-07-01"), ("supplement_dose_0", "50")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Name the supplement") && bad.body.contains("value=\"50\""));
}

#[actix_web::test]
async fn retest_due_follows_the_clients_interval() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Due Soon").await;
    app.create_test(
        client,
        &[
            ("sample_date", "2020-01-01"),
            ("Ca", "40"),
            ("Mg", "6"),
            ("Na", "25"),
            ("K", "10"),
        ],
    )
    .await;
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body.contains("Retest due since 2020-05-01"),
        "default 4 months (CMP-4)"
    );
    let set = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/retest-interval"),
            &[("months", "6")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(page.body.contains("Retest due since 2020-07-01"));
    let dashboard = app.get("/").await;
    assert!(dashboard.body.contains("Due Soon") && dashboard.body.contains("overdue"));
    let bad = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/retest-interval"),
            &[("months", "0")],
        )
        .await;
    // Not a 400 page: the client page again, the field marked with its message and the value.
    assert_eq!(bad.status, StatusCode::SEE_OTHER);
    assert_eq!(bad.location(), format!("/clients/{client}#tests"));
    let shown = app.get(&format!("/clients/{client}")).await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(shown.body.contains("whole number of months from 1 to 24"));
    assert!(
        shown.body.contains(r#"value="0" aria-invalid="true""#),
        "the typed value kept"
    );
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body.contains("Retest due since 2020-07-01"),
        "nothing changed"
    );
    assert!(!page.body.contains("whole number of months"), "shown once");
}

#[actix_web::test]
async fn dashboard_lists_open_flags_and_filters_by_oxidation_and_pattern() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let fast = client_with_year(&app, "Fast Client").await;
    let slow = app.create_client("Slow Client").await;
    app.create_test(
        slow,
        &[
            ("sample_date", "2025-03-01"),
            ("Ca", "160"),
            ("Mg", "18"),
            ("Na", "8"),
            ("K", "2"),
        ],
    )
    .await;
    let dashboard = app.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(
        dashboard.body.contains("Fast Client") && dashboard.body.contains("Oxidation type changed")
    );
    let by_type = app.get("/?oxidation=fast").await;
    let results = &by_type.body[by_type.body.find("id=\"filter\"").unwrap()..];
    assert!(results.contains("Fast Client") && !results.contains("Slow Client"));
    let by_pattern = app.get("/?pattern=P-K-VLOW").await;
    let results = &by_pattern.body[by_pattern.body.find("id=\"filter\"").unwrap()..];
    assert!(results.contains("Slow Client") && !results.contains("Fast Client"));
    let _ = fast;
    // Unknown filter values are ignored, not passed to the database.
    assert_eq!(
        app.get("/?oxidation=%27%3B--&pattern=x").await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn dashboard_query_count_does_not_grow_with_clients() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    client_with_year(&app, "First").await;
    app.get("/").await;
    let before = app.queries.get();
    app.get("/?oxidation=fast").await;
    let few = app.queries.get() - before;
    for i in 0..15 {
        client_with_year(&app, &format!("Client {i}")).await;
    }
    let before = app.queries.get();
    app.get("/?oxidation=fast").await;
    let many = app.queries.get() - before;
    assert_eq!(few, many, "queries for 1 client: {few}, for 16: {many}");
    // Session lookup, the practice's version, 7 dashboard queries (a filter is a view of its
    // own, not kept yet), and (PostgreSQL) a liveness check per checkout.
    assert!(many <= 12, "a handful of queries: {many}");
}

/// Issue 16: a flag is acknowledged on the dashboard itself (a form per flag, no script), and the
/// answer returns to the dashboard at the flag that followed it; findings read by name there,
/// their codes apart and never broken.
#[actix_web::test]
async fn a_flag_is_acknowledged_in_place_on_the_dashboard() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    client_with_year(&app, "Maria Jensen").await;
    let dashboard = app.get("/").await;
    let forms: Vec<&str> = dashboard
        .body
        .split("action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|action| action.ends_with("/acknowledge"))
        .collect();
    assert!(forms.len() >= 2, "{}", dashboard.body);
    assert!(dashboard.body.contains("Low potassium resolved"));
    assert!(dashboard.body.contains("<code>P-K-LOW</code>"));
    assert!(!dashboard.body.contains("pattern_resolved"));
    // The first flag's form names the one after it as the place to return to.
    let (first, second) = (forms[0], forms[1]);
    let second_id = second.split('/').nth(4).expect("a flag id");
    assert!(dashboard
        .body
        .contains(&format!("name=\"next\" value=\"{second_id}\"")));
    let reply = app
        .submit(
            "/",
            first,
            &[("note", "seen"), ("back", "dashboard"), ("next", second_id)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), format!("/#flag-{second_id}"));
    let after = app.get("/").await;
    assert!(!after.body.contains(&format!("action=\"{first}\"")));
    assert!(after.body.contains(&format!("id=\"flag-{second_id}\"")));
    // Anything else in `back` returns to the client's record, never to a URL from the form.
    let reply = app
        .submit("/", second, &[("back", "https://example.com/")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        reply.location().starts_with("/clients/"),
        "{}",
        reply.location()
    );
}
