use awc::http::StatusCode;

use crate::helpers::{spawn_app, TestApp};

const EXAMPLE_1: &[(&str, &str)] = &[
    ("sample_date", "2025-03-01"),
    ("lab", "ARL"),
    ("Ca", "160"),
    ("Mg", "18"),
    ("Na", "8"),
    ("K", "2"),
];

async fn practitioner_with_client(app: &TestApp) -> i64 {
    app.signed_in_practitioner("pat@example.com").await;
    app.create_client("Maria Jensen").await
}

#[actix_web::test]
async fn a_test_is_analysed_the_moment_it_is_entered() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let test = app.create_test(client, EXAMPLE_1).await;
    let page = app.get(&format!("/clients/{client}/tests/{test}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // HTMA.md worked example 1: slow, moderate; P-K-LOW, P-K-VLOW, P-SYMP-DOM, P-BIOUNAVAIL-CA.
    assert!(
        page.body.contains("<span class=\"ox-badge\">slow</span>")
            && page.body.contains("moderate"),
        "{}",
        page.body
    );
    for id in ["P-K-LOW", "P-K-VLOW", "P-SYMP-DOM", "P-BIOUNAVAIL-CA"] {
        assert!(page.body.contains(id), "{id}");
    }
    assert!(!page.body.contains("P-CA-SHELL</code>"));
    assert!(page.body.contains("Ca/K 80.0 ≥ 4: slow side (OX-1)"));
    assert!(page.body.contains("first test"));
    // The timeline lists it.
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(timeline.body.contains("2025-03-01") && timeline.body.contains("slow moderate"));
    assert_eq!(
        timeline.body.matches("<svg xmlns").count(),
        8,
        "four minerals and four ratios"
    );
}

#[actix_web::test]
async fn invalid_levels_are_reported_per_field_and_input_is_kept() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let reply = app
        .submit(
            &format!("/clients/{client}/tests/new"),
            &format!("/clients/{client}/tests"),
            &[
                ("sample_date", "2025-13-01"),
                ("Ca", "16O"),
                ("Mg", "1,5"),
                ("Na", "-2"),
                ("K", "2"),
                ("Zn", "<0.01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("is not a date"));
    assert!(reply.body.contains("value=\"16O\"") && reply.body.contains("value=\"1,5\""));
    assert!(
        reply.body.contains("value=\"&lt;0.01\"") || reply.body.contains("value=\"&#60;0.01\"")
    );
    assert_eq!(
        reply.body.matches("class=\"field-error\"").count(),
        4,
        "{}",
        reply.body
    );
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(timeline.body.contains("No hair tests yet"));
}

#[actix_web::test]
async fn ppm_entry_is_stored_in_mg_pct_and_edit_shows_the_entered_unit() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let test = app
        .create_test(
            client,
            &[
                ("sample_date", "2025-03-01"),
                ("unit", "ppm"),
                ("Ca", "1600"),
                ("Mg", "180"),
                ("Na", "80"),
                ("K", "20"),
            ],
        )
        .await;
    let page = app.get(&format!("/clients/{client}/tests/{test}")).await;
    assert!(
        page.body
            .contains("<td class=\"num\" data-label=\"mg%\">160.0</td>"),
        "stored and shown in mg%"
    );
    let edit = app
        .get(&format!("/clients/{client}/tests/{test}/edit"))
        .await;
    assert!(
        edit.body.contains("value=\"1600\""),
        "edited in the unit entered"
    );
    assert!(edit.body.contains("value=\"ppm\" checked"));
}

#[actix_web::test]
async fn editing_and_deleting_recompute_the_flags() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    app.create_test(client, EXAMPLE_1).await;
    // Worked example 8: degree change, K patterns resolved, Na/K inversion appeared.
    let second = app
        .create_test(
            client,
            &[
                ("sample_date", "2025-07-01"),
                ("Ca", "70"),
                ("Mg", "9"),
                ("Na", "20"),
                ("K", "9"),
            ],
        )
        .await;
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(
        timeline.body.contains("Oxidation degree changed"),
        "{}",
        timeline.body
    );
    assert!(
        timeline.body.contains(" resolved</strong>")
            && timeline.body.contains(" appeared</strong>")
    );
    assert!(!timeline.body.contains("Oxidation type changed"));
    let open_flags = timeline.body.matches("class=\"open").count();
    assert_eq!(open_flags, 4, "degree, 2 resolved, 1 appeared");
    // A pattern that resolved is good news, styled as such (not as a warning).
    assert_eq!(timeline.body.matches("class=\"open good\"").count(), 2);

    // Edit the second test into a fast oxidizer: the flags follow, nothing stale or doubled.
    let reply = app
        .submit(
            &format!("/clients/{client}/tests/{second}/edit"),
            &format!("/clients/{client}/tests/{second}/edit"),
            &[
                ("sample_date", "2025-07-01"),
                ("Ca", "22"),
                ("Mg", "2.5"),
                ("Na", "60"),
                ("K", "25"),
                ("Zn", "12"),
                ("Cu", "1.2"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(timeline.body.contains("Oxidation type changed"));
    assert!(timeline.body.contains("slow → fast"), "{}", timeline.body);
    assert!(!timeline.body.contains("Oxidation degree changed"));

    // Delete it: no flags remain; restore brings them back.
    let deleted = app
        .submit(
            &format!("/clients/{client}/tests/{second}"),
            &format!("/clients/{client}/tests/{second}/delete"),
            &[],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(!timeline.body.contains("id=\"flags\""));
    assert!(timeline.body.contains("Recently deleted tests"));
    let page = app.get(&format!("/clients/{client}/tests/{second}")).await;
    assert!(page.body.contains("Restore this test"));
    app.submit(
        &format!("/clients/{client}/tests/{second}"),
        &format!("/clients/{client}/tests/{second}/restore"),
        &[],
    )
    .await;
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(timeline.body.contains("Oxidation type changed"));
    assert!(!timeline.body.contains("Recently deleted tests"));
}

#[actix_web::test]
async fn acknowledgement_survives_recomputation() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    app.create_test(client, EXAMPLE_1).await;
    let second = app
        .create_test(
            client,
            &[
                ("sample_date", "2025-07-01"),
                ("Ca", "70"),
                ("Mg", "9"),
                ("Na", "20"),
                ("K", "9"),
            ],
        )
        .await;
    let timeline = app.get(&format!("/clients/{client}")).await;
    let marker = "/flags/";
    let start = timeline.body.find(marker).expect("an acknowledge form") + marker.len();
    let flag_id: String = timeline.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let ack = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/flags/{flag_id}/acknowledge"),
            &[("note", "discussed with client")],
        )
        .await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER);
    // An edit that keeps the same findings keeps the acknowledgement.
    app.submit(
        &format!("/clients/{client}/tests/{second}/edit"),
        &format!("/clients/{client}/tests/{second}/edit"),
        &[
            ("sample_date", "2025-07-01"),
            ("Ca", "71"),
            ("Mg", "9"),
            ("Na", "20"),
            ("K", "9"),
        ],
    )
    .await;
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(
        timeline.body.contains("“discussed with client”"),
        "{}",
        timeline.body
    );
    assert_eq!(timeline.body.matches("class=\"open").count(), 3);
}

const GOOD_CSV: &str = "sample_date,lab,Ca,Mg,Na,K\n2025-03-01,ARL,160,18,8,2\n2025-07-01,ARL,70,9,20,9\n2025-11-01,ARL,45,5,30,15\n";

async fn upload(app: &TestApp, client: i64, csv: &str) -> crate::helpers::Reply {
    app.upload_csv(client, "tests.csv", csv, "mg%").await
}

#[actix_web::test]
async fn import_previews_then_imports_every_row() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let reply = upload(&app, client, GOOD_CSV).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let preview_path = reply.location().to_string();
    let preview = app.get(&preview_path).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("All 3 rows are valid"));
    assert!(
        app.get(&format!("/clients/{client}"))
            .await
            .body
            .contains("No hair tests yet"),
        "nothing before confirming"
    );
    let confirmed = app
        .submit(&preview_path, &format!("{preview_path}/confirm"), &[])
        .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let timeline = app.get(&format!("/clients/{client}")).await;
    for date in ["2025-03-01", "2025-07-01", "2025-11-01"] {
        assert!(timeline.body.contains(date), "{date}");
    }
    assert!(
        timeline.body.contains("Oxidation type changed"),
        "slow → fast between the last two"
    );
    // A pending import is gone once used, and confirming it again (double click, second tab)
    // imports nothing more; two confirmations racing are checked in bench/faults.sh.
    assert_eq!(app.get(&preview_path).await.status, StatusCode::NOT_FOUND);
    let again = app
        .submit(
            &format!("/clients/{client}"),
            &format!("{preview_path}/confirm"),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert_eq!(
        timeline.body.matches("/edit\">Edit</a></td>").count(),
        3,
        "still three tests"
    );
}

#[actix_web::test]
async fn a_file_with_one_bad_row_imports_nothing() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let csv = "sample_date,Ca,Mg,Na,K\n2025-03-01,160,18,8,2\n2025-07-01,70,nine,20,9\n2025-11-01,45,5,30,15\n";
    let reply = upload(&app, client, csv).await;
    let preview_path = reply.location().to_string();
    let preview = app.get(&preview_path).await;
    assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(preview.body.contains("1 of 3 rows has an error"));
    assert!(
        preview.body.contains("<strong>Mg</strong>"),
        "error shown for its cell"
    );
    assert!(!preview.body.contains("/confirm"));
    let forced = app
        .submit(
            &format!("/clients/{client}"),
            &format!("{preview_path}/confirm"),
            &[],
        )
        .await;
    assert_eq!(forced.status, StatusCode::BAD_REQUEST);
    assert!(app
        .get(&format!("/clients/{client}"))
        .await
        .body
        .contains("No hair tests yet"));
}

#[actix_web::test]
async fn unknown_columns_are_named_and_nothing_is_imported() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let reply = upload(
        &app,
        client,
        "sample_date,Ca,Kryptonite\n2025-03-01,160,1\n",
    )
    .await;
    let preview = app.get(reply.location()).await;
    assert!(preview.body.contains("Kryptonite"), "{}", preview.body);
    assert!(preview.body.contains("Nothing was imported"));
}

#[actix_web::test]
async fn another_practitioner_cannot_see_or_confirm_an_upload() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let reply = upload(&app, client, GOOD_CSV).await;
    let preview_path = reply.location().to_string();
    app.forget_cookies();
    let bob_client = {
        app.signed_in_practitioner("bob@example.com").await;
        app.create_client("Bob's client").await
    };
    let foreign = preview_path.replace(
        &format!("/clients/{client}/"),
        &format!("/clients/{bob_client}/"),
    );
    assert_eq!(app.get(&foreign).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&preview_path).await.status, StatusCode::NOT_FOUND);
}

/// Logs a diary day for a client directly in the database (the portal's own tests cover the form).
fn log_cramps(
    app: &TestApp,
    client: i64,
    account: htma_tracker::db::AccountId,
    date: &str,
    key: &str,
    time: Option<htma_tracker::domain::diary::TimeOfDay>,
) {
    use htma_tracker::domain::diary::{EntryInput, Severity, SymptomReading};
    use htma_tracker::service::commands::{diary::save, Actor};
    let mut conn = app.pool.get().unwrap();
    let input = EntryInput {
        date: date.parse().unwrap(),
        symptoms: vec![SymptomReading {
            key: key.into(),
            severity: Severity::new(6).unwrap(),
            time_of_day: time,
        }],
        note: String::new(),
        triggers: String::new(),
    };
    save(
        &mut conn,
        &Actor {
            account_id: account,
            remote_addr: "test",
        },
        htma_tracker::db::ClientId(client),
        &input,
        0,
    )
    .unwrap();
}

#[actix_web::test]
async fn cramps_in_the_diary_bring_considerations_onto_the_test_page() {
    let app = spawn_app().await;
    let practitioner = app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    let test = app.create_test(client, EXAMPLE_1).await;
    let page = app.get(&format!("/clients/{client}/tests/{test}")).await;
    assert!(
        !page.body.contains("Considerations from the symptom diary"),
        "no diary, no hints"
    );
    // Three cramp days are not enough (HTMA.md: at least 4 of the 30 days before the test).
    for day in ["2025-02-10", "2025-02-14", "2025-02-20"] {
        log_cramps(&app, client, practitioner, day, "leg_cramps", None);
    }
    let page = app.get(&format!("/clients/{client}/tests/{test}")).await;
    assert!(!page.body.contains("Considerations from the symptom diary"));
    log_cramps(
        &app,
        client,
        practitioner,
        "2025-02-25",
        "restless_legs",
        Some(htma_tracker::domain::diary::TimeOfDay::Exercise),
    );
    let page = app.get(&format!("/clients/{client}/tests/{test}")).await;
    assert!(
        page.body.contains("Considerations from the symptom diary"),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        "Consider slow oxidation with calcium that is biologically unavailable (<code>P-BIOUNAVAIL-CA</code>"
    ));
    assert!(page
        .body
        .contains("Consider very low potassium (<code>P-K-VLOW</code>: K 2.0 ≤ 2)"));
    assert!(page.body.contains("short-term need for magnesium"));
    // Entries after the test do not count.
    let later = app
        .create_test(
            client,
            &[
                ("sample_date", "2025-07-01"),
                ("Ca", "160"),
                ("Mg", "18"),
                ("Na", "8"),
                ("K", "2"),
            ],
        )
        .await;
    let page = app.get(&format!("/clients/{client}/tests/{later}")).await;
    assert!(!page.body.contains("Considerations from the symptom diary"));
}

#[actix_web::test]
async fn a_practice_wide_import_places_each_row_with_its_client() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    for (name, code) in [("Maria Jensen", "MJ-001"), ("Tom Becker", "TB-002")] {
        app.submit(
            "/clients/new",
            "/clients",
            &[("full_name", name), ("reference_code", code)],
        )
        .await;
    }
    let csv = "sample_date,client_ref,Ca,Mg,Na,K\n2025-03-01,MJ-001,160,18,8,2\n2025-03-04,TB-002,45,5,30,15\n2025-07-01,MJ-001,70,9,20,9\n";
    let reply = app
        .upload_csv_to("/import", "practice.csv", csv, "mg%")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let preview_path = reply.location().to_string();
    let preview = app.get(&preview_path).await;
    assert!(
        preview.body.contains("All 3 rows are valid, for 2 clients"),
        "{}",
        preview.body
    );
    let confirmed = app
        .submit(&preview_path, &format!("{preview_path}/confirm"), &[])
        .await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let dashboard = app.get("/?oxidation=fast").await;
    assert!(
        dashboard.body.contains("Tom Becker"),
        "Tom's test landed with Tom"
    );
    let maria = app.get("/?oxidation=slow").await;
    let results = &maria.body[maria.body.find("id=\"filter\"").unwrap()..];
    assert!(results.contains("Maria Jensen") && !results.contains("Tom Becker"));
}

#[actix_web::test]
async fn a_practice_wide_import_with_an_unknown_reference_imports_nothing() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    app.submit(
        "/clients/new",
        "/clients",
        &[("full_name", "Maria Jensen"), ("reference_code", "MJ-001")],
    )
    .await;
    let csv = "sample_date,client_ref,Ca,Mg,Na,K\n2025-03-01,MJ-001,160,18,8,2\n2025-03-04,XX-999,45,5,30,15\n2025-03-05,,45,5,30,15\n";
    let reply = app
        .upload_csv_to("/import", "practice.csv", csv, "mg%")
        .await;
    let preview_path = reply.location().to_string();
    let preview = app.get(&preview_path).await;
    assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(preview.body.contains("2 of 3 rows have errors"));
    assert!(preview
        .body
        .contains("no client of yours has the reference code “XX-999”"));
    assert!(
        preview
            .body
            .contains("needs the client&#39;s reference code")
            || preview.body.contains("needs the client's reference code")
    );
    let forced = app
        .submit("/clients", &format!("{preview_path}/confirm"), &[])
        .await;
    assert_eq!(forced.status, StatusCode::BAD_REQUEST);
    assert!(
        app.get("/").await.body.contains("0 tests"),
        "nothing imported"
    );
}

/// Issue 14: the preview shows each level as it will be stored (mg%) beside the cell as
/// written, so a ppm file read as mg% (or a column marked ppm) is visible before confirming.
#[actix_web::test]
async fn the_import_preview_shows_levels_as_stored_beside_the_cells_as_written() {
    let app = spawn_app().await;
    let client = practitioner_with_client(&app).await;
    let csv = "sample_date,Ca (ppm),Mg,Na,K\n2025-03-01,1600,18,<0.5,2\n";
    let reply = upload(&app, client, csv).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let preview = app.get(reply.location()).await;
    assert_eq!(preview.status, StatusCode::OK);
    let body = &preview.body;
    // Calcium: 1600 ppm in the file, 160 mg% stored, marked as converted.
    assert!(
        body.contains("<li class=\"converted\"><span class=\"stored\"><abbr title=\"Calcium\">Ca</abbr> <strong>160</strong> mg%</span><span class=\"written\"><span class=\"converted-mark\">converted</span> file: <span class=\"cell\">1600 ppm</span></span></li>"),
        "{body}"
    );
    // Magnesium in mg%, as written; a below-limit cell keeps its mark.
    assert!(body.contains("<strong>18</strong> mg%</span><span class=\"written\">file: <span class=\"cell\">18 mg%</span></span>"));
    assert!(body.contains("<strong>&#60;0.5</strong> mg%"));
    assert_eq!(
        body.matches("class=\"converted\"").count(),
        1,
        "only the ppm cell"
    );
    // Read as ppm throughout, the same file shows every level a tenth of what it says.
    let as_ppm = app
        .upload_csv(
            client,
            "tests.csv",
            "sample_date,Ca,Mg\n2025-03-01,1600,18\n",
            "ppm",
        )
        .await;
    let preview = app.get(as_ppm.location()).await;
    assert!(preview.body.contains("<strong>1.8</strong> mg%</span><span class=\"written\"><span class=\"converted-mark\">converted</span> file: <span class=\"cell\">18 ppm</span></span>"), "{}", preview.body);
}
