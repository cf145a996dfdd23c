//! Issue 12: control characters at every text input (item 1), formula cells in the tests CSV
//! (6), forwarded headers without `--trust-proxy` (8), the import held to the form's rules
//! (9) and HEAD (10). Each runs on SQLite and, with HTMA_TEST_DATABASE_URL, on PostgreSQL.

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::schema::{clients, hair_tests};

use crate::helpers::{spawn_app, TestApp};

const NUL_MESSAGE: &str = "contains a NUL character";

fn client_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    clients::table.count().get_result(&mut conn).unwrap()
}

fn test_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    hair_tests::table.count().get_result(&mut conn).unwrap()
}

/// A NUL or another control character in any field of the client form is refused next to that
/// field, the form comes back with everything else as typed, and nothing is stored.
#[actix_web::test]
async fn control_characters_are_refused_per_field_with_the_form_shown_back() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let before = client_count(&app);
    for (field, value) in [
        ("full_name", "Maria\u{0}Jensen"),
        ("reference_code", "R\u{0}1"),
        ("phone", "+45\u{7}"),
        ("email", "a\u{0}b@example.com"),
        ("notes", "line one\nline two\u{0}"),
    ] {
        let mut fields = vec![
            ("full_name", "Maria Jensen"),
            ("reference_code", "MJ-7"),
            ("sex", "F"),
            ("notes", "kept notes"),
        ];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let reply = app.submit("/clients/new", "/clients", &fields).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            reply.body
        );
        assert!(
            reply.body.contains("which cannot be stored: remove it."),
            "{field}: {}",
            reply.body
        );
        if field != "reference_code" {
            assert!(reply.body.contains("MJ-7"), "{field}: other fields kept");
        }
    }
    assert_eq!(client_count(&app), before);
    // Tab and line breaks are fine in free text.
    let ok = app
        .submit(
            "/clients/new",
            "/clients",
            &[("full_name", "Tab Ok"), ("notes", "a\tb\r\nc")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

/// The routes the issue found answering 500 on PostgreSQL: each answers a client error with a
/// message, and stores nothing.
#[actix_web::test]
async fn nul_bytes_never_reach_the_database() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    // Unauthenticated sign-in.
    let reply = app.login("a\u{0}b@example.com", "whatever it is").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains(NUL_MESSAGE), "{}", reply.body);
    // A practitioner's forms and search.
    app.forget_cookies();
    app.login("pat@example.com", "correct horse battery").await;
    let client = app.create_client("Maria Jensen").await;
    let reply = app.get("/clients?q=Ma%00ria").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains(NUL_MESSAGE));
    let new_test = format!("/clients/{client}/tests/new");
    let tests = format!("/clients/{client}/tests");
    for (field, value) in [
        ("lab_sample_id", "A\u{0}1"),
        ("notes", "n\u{0}"),
        ("Ca", "4\u{0}0"),
    ] {
        let mut fields = vec![("sample_date", "2025-01-01"), ("lab", "ARL"), ("Ca", "40")];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let reply = app.submit(&new_test, &tests, &fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(reply.body.contains(NUL_MESSAGE), "{field}: {}", reply.body);
    }
    assert_eq!(test_count(&app), 0);
    let page = format!("/clients/{client}/program/new");
    let reply = app
        .submit(
            &page,
            &format!("/clients/{client}/program"),
            &[("starts_on", "2025-01-01"), ("diet", "eat\u{0}")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains(NUL_MESSAGE));
    let reply = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[
                ("period_start", "2025-01-01"),
                ("period_end", "2025-02-01"),
                ("comment", "c\u{0}"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains(NUL_MESSAGE));
    let diary = format!("/clients/{client}/diary");
    let reply = app
        .submit(
            &diary,
            &format!("/clients/{client}/symptoms"),
            &[("label", "Twitch\u{0}")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains(NUL_MESSAGE));
    // A CSV cell and a file of binary data.
    let reply = app
        .upload_csv(
            client,
            "t.csv",
            "sample_date,lab,Ca\n2025-01-01,A\u{0}B,40\n",
            "mg%",
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("NUL bytes"), "{}", reply.body);
    let reply = app
        .upload_csv(
            client,
            "t.csv",
            "sample_date,lab,Ca\n2025-01-01,A\u{7}B,40\n",
            "mg%",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let preview = app.get(reply.location()).await;
    assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(preview.body.contains("U+0007"), "{}", preview.body);
}

/// The portal: a diary entry with a NUL comes back with the message and everything typed.
#[actix_web::test]
async fn a_diary_entry_with_a_nul_is_shown_back_not_lost() {
    let app = spawn_app().await;
    crate::portal::portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let page = app.get("/portal").await;
    let date = crate::diary::hidden_value(&page, "date");
    let reply = app
        .submit(
            "/portal",
            "/portal/diary",
            &[
                ("date", &date),
                ("revision", "0"),
                ("sev_leg_cramps", "6"),
                ("note", "cramps at night\u{0}"),
                ("triggers", "coffee"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains(NUL_MESSAGE), "{}", reply.body);
    assert!(reply.body.contains("coffee") && reply.body.contains("cramps at night"));
}

/// Item 6: lab names and sample ids that spreadsheets would run as formulas are exported with
/// a leading `'`; the import takes it off, so export → import → export is the same file.
#[actix_web::test]
async fn formula_cells_in_the_tests_csv_are_escaped_and_round_trip() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let original = app.create_client("Formula Lab").await;
    for (date, lab, sample) in [
        ("2025-01-01", "=HYPERLINK(\"http://x\")", "+1"),
        ("2025-02-01", "@SUM(A1)", "-2"),
        ("2025-03-01", "'quoted", "'=x"),
    ] {
        app.create_test(
            original,
            &[
                ("sample_date", date),
                ("lab", "Other"),
                ("lab_other", lab),
                ("lab_sample_id", sample),
                ("Ca", "40"),
            ],
        )
        .await;
    }
    let exported = app
        .get(&format!("/clients/{original}/export/tests.csv"))
        .await;
    let body = &exported.body;
    for escaped in [
        "\"'=HYPERLINK(\"\"http://x\"\")\",'+1",
        "'@SUM(A1),'-2",
        "''quoted,''=x",
    ] {
        assert!(body.contains(escaped), "{escaped} in\n{body}");
    }
    for line in body.lines().skip(1) {
        for cell in line.split(',') {
            assert!(
                !cell
                    .trim_start_matches('"')
                    .starts_with(['=', '+', '-', '@']),
                "{cell} in {line}"
            );
        }
    }
    let copy = app.create_client("Formula Copy").await;
    let upload = app.upload_csv(copy, "t.csv", body, "mg%").await;
    let confirm = app
        .submit(
            upload.location(),
            &format!("{}/confirm", upload.location()),
            &[],
        )
        .await;
    assert_eq!(confirm.status, StatusCode::SEE_OTHER, "{}", confirm.body);
    let again = app.get(&format!("/clients/{copy}/export/tests.csv")).await;
    assert_eq!(&again.body, body);
}

/// Item 8: without `--trust-proxy`, forwarded headers change neither the cookie nor the
/// same-origin check.
#[actix_web::test]
async fn forwarded_headers_change_nothing_without_trust_proxy() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    let token = app.get("/login").await.csrf_token();
    let origin = app.address.clone();
    let reply = app
        .post_form_with_headers(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", "pat@example.com"),
                ("password", "correct horse battery"),
            ],
            &[
                ("Origin", &origin),
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "evil.example"),
                ("Forwarded", "proto=https;host=evil.example"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let cookie = reply.header("set-cookie");
    assert!(cookie.starts_with("htma_session="), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    // A claimed forwarded origin does not make another site's post acceptable either.
    let reply = app
        .post_form_with_headers(
            "/logout",
            &[("csrf_token", &app.get("/").await.csrf_token())],
            &[
                ("Origin", "https://evil.example"),
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "evil.example"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

/// Item 9: an imported row is held to the form's rules, a file is capped in rows, and the
/// preview comes a page at a time.
#[actix_web::test]
async fn the_import_applies_the_forms_rules_caps_rows_and_pages_the_preview() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Import Limits").await;
    let long_id = "x".repeat(5_000);
    let csv = format!(
        "sample_date,lab,lab_sample_id,Ca\n2025-01-01,ARL,{long_id},40\n2999-01-01,ARL,F-1,40\n"
    );
    let upload = app.upload_csv(client, "t.csv", &csv, "mg%").await;
    let preview = app.get(upload.location()).await;
    assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(preview.body.contains("use at most 100 characters"));
    assert!(preview.body.contains("is in the future"));
    let confirm = app
        .submit(
            upload.location(),
            &format!("{}/confirm", upload.location()),
            &[],
        )
        .await;
    assert_eq!(confirm.status, StatusCode::BAD_REQUEST);
    assert_eq!(test_count(&app), 0);

    let mut too_many = String::from("sample_date,Ca\n");
    for _ in 0..=htma_tracker::labcsv::MAX_ROWS {
        too_many.push_str("2025-01-01,40\n");
    }
    let reply = app.upload_csv(client, "big.csv", &too_many, "mg%").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("more than 5,000 rows"),
        "{}",
        reply.body
    );

    let mut many = String::from("sample_date,Ca\n");
    for day in 0..250 {
        let date =
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(day);
        many.push_str(&format!("{date},40\n"));
    }
    let upload = app.upload_csv(client, "many.csv", &many, "mg%").await;
    let first = app.get(upload.location()).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("All 250 rows are valid") && first.body.contains("Page 1 of 3"));
    assert_eq!(
        first
            .body
            .matches("<td class=\"num\" data-label=\"Line\">")
            .count(),
        100
    );
    let last = app.get(&format!("{}?page=3", upload.location())).await;
    assert_eq!(
        last.body
            .matches("<td class=\"num\" data-label=\"Line\">")
            .count(),
        50
    );
    assert!(
        last.body.contains("2020-09-06"),
        "the last row is on the last page"
    );
}

/// Item 10: HEAD answers like GET without a body.
#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    for path in ["/healthz", "/login", "/static/app.css"] {
        let get = app.get(path).await;
        let head = app.head(path).await;
        assert_eq!(head.status, get.status, "{path}");
        assert_eq!(head.status, StatusCode::OK, "{path}");
        assert!(head.body.is_empty(), "{path}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
    }
    assert_eq!(
        app.head("/nothing-here").await.status,
        StatusCode::NOT_FOUND
    );
    // Signed-in pages too, with the same access rules.
    assert_eq!(app.head("/clients").await.status, StatusCode::SEE_OTHER);
}
