//! Issue 14: program versions typed wrong can be corrected, deleted and restored; an unusual
//! start date is saved only once confirmed; the current version is the one in force today; the
//! charts' time axis spans the client's records, never a far-away version.

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::schema::{audit_events, program_versions};

use crate::helpers::TestApp;
use crate::timeline::client_with_year;

/// The SVG of every chart of the client's page, in order.
fn charts(body: &str) -> Vec<String> {
    body.split("<svg xmlns")
        .skip(1)
        .map(|chart| chart.split("</svg>").next().unwrap_or_default().to_string())
        .collect()
}

/// Saves a version (confirming its date when `confirm`); the reply. Also used by the
/// route-table walk (`security`).
pub(crate) async fn add_version(
    app: &TestApp,
    client: i64,
    starts_on: &str,
    supplement: &str,
    confirm: bool,
) -> crate::helpers::Reply {
    let mut fields = vec![
        ("starts_on", starts_on),
        ("supplement_name_0", supplement),
        ("supplement_dose_0", "200"),
    ];
    if confirm {
        fields.push(("date_confirmed", starts_on));
    }
    app.submit(
        &format!("/clients/{client}/program/new"),
        &format!("/clients/{client}/program"),
        &fields,
    )
    .await
}

pub(crate) fn version_id(app: &TestApp, client: i64, starts_on: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    let date = chrono::NaiveDate::parse_from_str(starts_on, "%Y-%m-%d").unwrap();
    program_versions::table
        .filter(program_versions::client_id.eq(client))
        .filter(program_versions::starts_on.eq(date))
        .select(program_versions::id)
        .first(&mut conn)
        .unwrap()
}

fn audited(app: &TestApp, action: &str, id: i64) -> usize {
    let mut conn = app.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(action))
        .filter(audit_events::record_kind.eq("program_version"))
        .filter(audit_events::record_id.eq(id))
        .count()
        .get_result::<i64>(&mut conn)
        .unwrap() as usize
}

#[actix_web::test]
async fn an_unusual_start_date_is_saved_only_once_confirmed() {
    let app = crate::helpers::spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_year(&app, "Maria Jensen").await;
    // More than a year ahead: the form comes back with the question and the box.
    let asked = add_version(&app, client, "2031-01-01", "Zinc", false).await;
    assert_eq!(asked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        asked.body.contains("more than a year ahead"),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("Yes, this date is right"));
    assert!(
        asked
            .body
            .contains("name=\"date_confirmed\" value=\"2031-01-01\""),
        "the box answers for the date shown"
    );
    assert!(
        asked.body.contains("value=\"Zinc\""),
        "everything typed kept"
    );
    // Before the first record (the first test is of 2025-01-10).
    let early = add_version(&app, client, "2024-06-01", "Zinc", false).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early
        .body
        .contains("before the client’s first record (2025-01-10)"));
    // A box ticked for another date does not confirm this one.
    let other = app
        .submit(
            &format!("/clients/{client}/program/new"),
            &format!("/clients/{client}/program"),
            &[
                ("starts_on", "2031-01-01"),
                ("date_confirmed", "2030-01-01"),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    {
        let mut conn = app.pool.get().unwrap();
        let count: i64 = program_versions::table
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(count, 0, "nothing saved before the confirmation");
    }
    // An ordinary date needs no confirmation; the confirmed far one is saved.
    assert_eq!(
        add_version(&app, client, "2025-01-15", "Magnesium", false)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let confirmed = add_version(&app, client, "2031-01-01", "Zinc", true).await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
}

#[actix_web::test]
async fn the_current_version_is_the_one_in_force_and_a_far_one_moves_no_axis() {
    let app = crate::helpers::spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_year(&app, "Maria Jensen").await;
    add_version(&app, client, "2025-01-15", "Magnesium", false).await;
    let before = charts(&app.get(&format!("/clients/{client}")).await.body);
    assert_eq!(before.len(), 8);
    let planned = add_version(&app, client, "2031-01-01", "Zinc", true).await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/clients/{client}")).await;
    // The version in force today is the headline; the one starting in 2031 is planned.
    assert!(
        page.body.contains("Current · from 2025-01-15"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Planned · from 2031-01-01"));
    assert!(
        !page.body.contains("Earlier versions"),
        "nothing folded away"
    );
    // The charts are the same as before the 2031 version: same axis, no marker pinned to the
    // frame for it.
    assert_eq!(charts(&page.body), before);
    assert!(!page.body.contains("2031-01-01: program version"));
    assert!(before
        .iter()
        .all(|svg| svg.contains("2025-01-15: program version 1")));
}

#[actix_web::test]
async fn a_version_is_corrected_deleted_and_restored_with_the_trail_kept() {
    let app = crate::helpers::spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_year(&app, "Maria Jensen").await;
    add_version(&app, client, "2025-01-15", "Magnesium", false).await;
    add_version(&app, client, "2031-01-01", "Zinc", true).await;
    let wrong = version_id(&app, client, "2031-01-01");
    // Correcting: the form is filled from the version, the date asks no question now.
    let edit = format!("/clients/{client}/program/{wrong}/edit");
    let form = app.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"2031-01-01\"") && form.body.contains("value=\"Zinc\""));
    let saved = app
        .submit(
            &edit,
            &edit,
            &[
                ("starts_on", "2026-03-01"),
                ("supplement_name_0", "Zinc picolinate"),
                ("supplement_dose_0", "15"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(audited(&app, "update", wrong), 1);
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body.contains("Current · from 2026-03-01"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Zinc picolinate") && !page.body.contains("2031-01-01"));
    assert!(page.body.contains("Earlier versions (1)"));
    // Deleting: gone from the program and the charts, listed as restorable.
    let deleted = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/program/{wrong}/delete"),
            &[],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, "delete", wrong), 1);
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(page.body.contains("Current · from 2025-01-15"));
    assert!(!page.body.contains("Zinc picolinate"));
    assert!(page.body.contains("Recently deleted versions"));
    assert!(!page.body.contains("2026-03-01: program version"));
    // A deleted version cannot be edited or deleted again; it can be restored, once.
    assert_eq!(app.get(&edit).await.status, StatusCode::NOT_FOUND);
    let again = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/program/{wrong}/delete"),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let restore = format!("/clients/{client}/program/{wrong}/restore");
    let restored = app
        .submit(&format!("/clients/{client}"), &restore, &[])
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, "restore", wrong), 1);
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(
        page.body.contains("Current · from 2026-03-01") && page.body.contains("Zinc picolinate")
    );
    let twice = app
        .submit(&format!("/clients/{client}"), &restore, &[])
        .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);
    // After the window a deleted version cannot come back.
    app.submit(
        &format!("/clients/{client}"),
        &format!("/clients/{client}/program/{wrong}/delete"),
        &[],
    )
    .await;
    {
        let mut conn = app.pool.get().unwrap();
        diesel::update(program_versions::table.find(wrong))
            .set(
                program_versions::deleted_at
                    .eq(Some(htma_tracker::db::now() - chrono::Duration::days(31))),
            )
            .execute(&mut conn)
            .unwrap();
    }
    let late = app
        .submit(&format!("/clients/{client}"), &restore, &[])
        .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    // Another client's URL does not reach this client's version.
    let other = app.create_client("Someone Else").await;
    let foreign = app
        .submit(
            &format!("/clients/{other}"),
            &format!(
                "/clients/{other}/program/{}/delete",
                version_id(&app, client, "2025-01-15")
            ),
            &[],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}
