//! Headless Chromium: enter a hair test through the form, read its analysis, and look at a
//! timeline of 8 tests (screenshots in target/screenshots/).

use htma_tracker::db::clients::{ClientChange, ClientFields};
use htma_tracker::db::hair_tests::HairTestFields;
use htma_tracker::domain::element::Element;
use htma_tracker::domain::level::MineralLevel;
use htma_tracker::service::commands::clients::apply as apply_change;
use htma_tracker::service::commands::hair_tests::{
    self as hair_test_commands, Actor, TestChange, TestInput,
};

use crate::browser::{Browser, Viewport};
use crate::helpers::spawn_app;

/// Eight tests drifting from slow toward mixed and fast over two years.
const SERIES: [(&str, [f64; 4]); 7] = [
    ("2024-01-15", [160.0, 18.0, 8.0, 2.0]),
    ("2024-05-10", [120.0, 14.0, 12.0, 4.0]),
    ("2024-09-02", [90.0, 11.0, 16.0, 6.0]),
    ("2025-01-20", [70.0, 9.0, 20.0, 9.0]),
    ("2025-05-15", [60.0, 8.0, 40.0, 12.0]),
    ("2025-09-08", [45.0, 5.0, 30.0, 15.0]),
    ("2026-01-12", [42.0, 6.5, 27.0, 10.5]),
];

#[actix_web::test]
async fn browser_enter_a_test_and_read_the_timeline() {
    let app = spawn_app().await;
    let practitioner = app.create_practitioner("ada@example.com", "correct horse battery");
    let client_id = htma_tracker::db::new_id();
    {
        let mut conn = app.pool.get().unwrap();
        let fields = ClientFields {
            full_name: "Maria Jensen".into(),
            search_key: "maria jensen".into(),
            reference_code: Some("MJ-001".into()),
            date_of_birth: None,
            sex: htma_tracker::domain::sex::Sex::Female,
            email: None,
            phone: None,
            notes: "Night leg cramps.".into(),
        };
        apply_change(
            &mut conn,
            &Actor {
                account_id: practitioner,
                remote_addr: "test",
            },
            htma_tracker::db::ClientId(client_id),
            ClientChange::Create(&fields),
        )
        .unwrap();
        for (date, [ca, mg, na, k]) in SERIES {
            let input = TestInput {
                fields: HairTestFields {
                    sample_date: date.parse().unwrap(),
                    lab: "ARL".into(),
                    lab_sample_id: None,
                    washed: false,
                    entry_unit: "mg%".into(),
                    printed_ratios: String::new(),
                    notes: String::new(),
                },
                levels: [
                    (Element::Ca, ca),
                    (Element::Mg, mg),
                    (Element::Na, na),
                    (Element::K, k),
                    (Element::P, 15.0),
                ]
                .into_iter()
                .map(|(e, v)| (e, MineralLevel::measured(v).unwrap()))
                .collect(),
            };
            hair_test_commands::apply(
                &mut conn,
                &Actor {
                    account_id: practitioner,
                    remote_addr: "test",
                },
                htma_tracker::db::ClientId(client_id),
                htma_tracker::domain::sex::Sex::Female,
                htma_tracker::db::HairTestId::fresh(),
                TestChange::Create(&input),
            )
            .unwrap();
        }
    }
    let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
        return;
    };
    browser.goto(&app.url("/login")).await;
    browser.fill("#email", "ada@example.com").await;
    browser.fill("#password", "correct horse battery").await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_path(|p| p == "/", "the dashboard").await;

    // The eighth test, typed in the form like a practitioner would (worked example 2's numbers).
    browser
        .goto(&app.url(&format!("/clients/{client_id}/tests/new")))
        .await;
    browser
        .run_js("document.getElementById('sample_date').value = '2026-05-04';")
        .await;
    for (symbol, value) in [
        ("Ca", "22"),
        ("Mg", "2.5"),
        ("Na", "60"),
        ("K", "25"),
        ("Zn", "12"),
        ("Cu", "1.2"),
        ("P", "14"),
    ] {
        browser.fill(&format!("#lvl-{symbol}"), value).await;
    }
    browser.screenshot("hair-test-form").await;
    browser.click("form.form button.primary").await;
    browser
        .wait_for_path(
            |p| p.contains("/tests/") && !p.ends_with("/new"),
            "the test's report",
        )
        .await;
    assert_eq!(browser.text(".ox-badge").await.to_lowercase(), "fast");
    assert_eq!(browser.text(".ox-degree").await, "moderate");
    let report = browser.page_text().await;
    for id in ["P-NAK-INV", "P-K-HIGH-FAST", "P-FAST-DEPLETION"] {
        assert!(report.contains(id), "{id} missing from the report");
    }
    assert!(report.contains("Since the previous test") && report.contains("2026-01-12"));
    browser.screenshot("hair-test-report").await;

    browser
        .goto(&app.url(&format!("/clients/{client_id}")))
        .await;
    let rows = browser
        .run_js("return document.querySelectorAll('table.tests tbody tr').length;")
        .await;
    assert_eq!(rows, serde_json::json!(8));
    let points = browser
        .run_js("return document.querySelectorAll('#trends svg.chart').length;")
        .await;
    assert_eq!(points, serde_json::json!(8));
    let ca_points = browser.run_js("return document.querySelector('#trends svg.chart:nth-of-type(1)') ? document.querySelectorAll('#trends figure:nth-of-type(3) circle.point').length : -1;").await;
    assert_eq!(
        ca_points,
        serde_json::json!(8),
        "calcium chart has a point per test"
    );
    assert!(browser.page_text().await.contains("Oxidation type changed"));
    browser.screenshot("timeline-8-tests").await;
    browser.close().await;
}
