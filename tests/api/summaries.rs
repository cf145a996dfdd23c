use awc::http::StatusCode;

use crate::helpers::{spawn_app, TestApp};

const TESTS: &str = "sample_date,lab,Ca,Mg,Na,K\n2025-01-10,ARL,160,18,8,2\n2025-05-02,ARL,70,9,20,9\n2025-09-01,ARL,60,8,40,12\n";

async fn client_with_tests(app: &TestApp) -> i64 {
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    let reply = app.upload_csv(client, "t.csv", TESTS, "mg%").await;
    let preview = reply.location().to_string();
    app.submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    app.submit(
        &format!("/clients/{client}/program/new"),
        &format!("/clients/{client}/program"),
        &[
            ("starts_on", "2025-01-12"),
            ("supplement_name_0", "Magnesium glycinate"),
            ("supplement_dose_0", "200"),
            ("supplement_unit_0", "mg"),
        ],
    )
    .await;
    client
}

#[actix_web::test]
async fn a_summary_covers_the_period_with_comment_tests_charts_and_disclaimer() {
    let app = spawn_app().await;
    let client = client_with_tests(&app).await;
    let form = app.get(&format!("/clients/{client}/summaries/new")).await;
    assert!(
        form.body.contains("value=\"2025-01-10\""),
        "the default period starts with the baseline test taken before the program"
    );
    let created = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[
                ("period_start", "2025-01-01"),
                ("period_end", "2025-06-30"),
                ("comment", "Cramps eased since May."),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = app.get(created.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Cramps eased since May."));
    assert!(page.body.contains("2025-01-10") && page.body.contains("2025-05-02"));
    assert!(
        !page.body.contains("2025-09-01"),
        "tests outside the period are left out"
    );
    assert!(page.body.contains("Magnesium glycinate — 200 mg"));
    assert_eq!(page.body.matches("<svg xmlns").count(), 8);
    assert!(page.body.contains("not a diagnosis"));
    assert!(page.body.contains("Oxidation degree changed"));
    assert!(page.body.contains("Days logged: 0 of 181"));
}

#[actix_web::test]
async fn a_summary_period_must_make_sense() {
    let app = spawn_app().await;
    let client = client_with_tests(&app).await;
    let bad = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[
                ("period_start", "2025-06-01"),
                ("period_end", "2025-01-01"),
                ("comment", "keep me"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("ends before it starts") && bad.body.contains(">keep me</textarea>"));
}

#[actix_web::test]
async fn sharing_is_toggled_and_audited() {
    let app = spawn_app().await;
    let client = client_with_tests(&app).await;
    let created = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[("period_start", "2025-01-01"), ("period_end", "2025-12-31")],
        )
        .await;
    let path = created.location().to_string();
    let shared = app
        .submit(&path, &format!("{path}/share"), &[("shared", "1")])
        .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER);
    assert!(app.get(&path).await.body.contains("Stop sharing"));
    app.submit(&path, &format!("{path}/share"), &[("shared", "0")])
        .await;
    assert!(app.get(&path).await.body.contains("Share with the client"));
    let audit = app.get("/audit").await;
    assert!(
        audit.body.contains(">shared a progress summary</a>")
            && audit
                .body
                .contains(">stopped sharing a progress summary</a>")
    );
}

#[actix_web::test]
async fn the_pdf_is_generated_by_the_server() {
    let app = spawn_app().await;
    let client = client_with_tests(&app).await;
    let created = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[
                ("period_start", "2025-01-01"),
                ("period_end", "2025-12-31"),
                ("comment", "Steady progress."),
            ],
        )
        .await;
    let path = created.location().to_string();
    let pdf = app.get(&format!("{path}/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    assert!(pdf.header("content-disposition").starts_with("attachment"));
    assert!(pdf.body.starts_with("%PDF-"), "a PDF document");
    // Another practitioner cannot fetch it.
    app.forget_cookies();
    app.signed_in_practitioner("other@example.com").await;
    assert_eq!(
        app.get(&format!("{path}/pdf")).await.status,
        StatusCode::NOT_FOUND
    );
}
