//! Program adherence (issue 17): the client's answers in the day entry (the version in force
//! that day, shown back after errors and conflicts, saved with the entry and audited), the
//! practitioner's weekly shares and association figures, and the low-adherence flag (ADH-2) on
//! the dashboard, acknowledged like the others. Runs on both engines.

use awc::http::StatusCode;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use htma_tracker::db::programs::{SupplementInput, VersionInput};
use htma_tracker::db::schema::{
    accounts, audit_events, clients, diary_program_answers, flags, program_supplements,
    program_versions,
};
use htma_tracker::domain::adherence::{Answer, DayAnswers, SupplementAnswer};
use htma_tracker::domain::diary::{EntryInput, Severity, SymptomReading};
use htma_tracker::service::commands::{self, Actor};

use crate::helpers::{server_today, spawn_app, TestApp};
use crate::portal::portal_setup;

fn checked(body: &str, name: &str, value: &str) -> bool {
    body.contains(&format!("name=\"{name}\" value=\"{value}\" checked"))
}

fn supplement(name: &str) -> SupplementInput {
    SupplementInput {
        name: name.into(),
        dose: "1".into(),
        unit: "capsule".into(),
        frequency: "with breakfast".into(),
    }
}

/// Adds a program version for the client as their practitioner; returns its supplements' ids
/// in prescription order.
pub(crate) fn add_version(
    app: &TestApp,
    client_id: i64,
    starts_on: NaiveDate,
    diet: &str,
    names: &[&str],
) -> Vec<i64> {
    let mut conn = app.pool.get().unwrap();
    let practitioner: htma_tracker::db::AccountId = clients::table
        .find(client_id)
        .select(clients::practitioner_id)
        .first(&mut conn)
        .unwrap();
    let actor = Actor {
        account_id: practitioner,
        remote_addr: "test",
    };
    let input = VersionInput {
        starts_on,
        diet: diet.into(),
        lifestyle: String::new(),
        supplements: names.iter().map(|n| supplement(n)).collect(),
    };
    commands::programs::add_version(
        &mut conn,
        &actor,
        htma_tracker::db::ClientId(client_id),
        &input,
    )
    .unwrap();
    let version: i64 = program_versions::table
        .filter(program_versions::client_id.eq(client_id))
        .filter(program_versions::starts_on.eq(starts_on))
        .select(program_versions::id)
        .first(&mut conn)
        .unwrap();
    program_supplements::table
        .filter(program_supplements::version_id.eq(version))
        .order(program_supplements::position.asc())
        .select(program_supplements::id)
        .load(&mut conn)
        .unwrap()
}

fn answer_rows(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.pool.get().unwrap();
    let mut rows: Vec<(String, String)> = diary_program_answers::table
        .select((diary_program_answers::name, diary_program_answers::answer))
        .load(&mut conn)
        .unwrap();
    rows.sort();
    rows
}

#[actix_web::test]
async fn the_day_entry_asks_about_that_days_program_and_keeps_the_answers() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let today = server_today();
    let before = today - Duration::days(2);
    let old = add_version(
        &app,
        setup.client_id,
        today - Duration::days(10),
        "No sugar",
        &["Magnesium glycinate", "Zinc", "Vitamin B6"],
    );
    let new = add_version(
        &app,
        setup.client_id,
        today - Duration::days(1),
        "No sugar, more greens",
        &["Magnesium glycinate", "Potassium"],
    );
    // The day before the change asks about the old version, today about the new one.
    let page = app.get(&format!("/portal?date={before}")).await;
    assert!(page.body.contains("Zinc") && page.body.contains("Vitamin B6"));
    assert!(
        checked(&page.body, &format!("sup_{}", old[1]), ""),
        "unanswered by default"
    );
    let page = app.get("/portal").await;
    assert!(page.body.contains("Potassium") && !page.body.contains("Vitamin B6"));
    assert!(page.body.contains("Followed the diet today?"));
    assert!(
        page.body.contains("<fieldset class=\"answer"),
        "each question a fieldset"
    );
    assert!(checked(&page.body, "diet", ""));

    let today_text = today.to_string();
    let (mg, k) = (format!("sup_{}", new[0]), format!("sup_{}", new[1]));
    // A bad value is refused with everything shown back.
    let refused = app
        .submit(
            "/portal",
            "/portal/diary",
            &[
                ("date", &today_text),
                ("revision", "0"),
                ("sev_leg_cramps", "5"),
                (&mg, "taken"),
                (&k, "sometimes"),
                ("diet", "partly"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(checked(&refused.body, &mg, "taken") && checked(&refused.body, "diet", "partly"));
    assert!(checked(&refused.body, "sev_leg_cramps", "5"));
    assert!(answer_rows(&app).is_empty(), "nothing saved");

    let saved = app
        .submit(
            "/portal",
            "/portal/diary",
            &[
                ("date", &today_text),
                ("revision", "0"),
                ("sev_leg_cramps", "5"),
                (&mg, "taken"),
                (&k, "not_taken"),
                ("diet", "partly"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get("/portal").await;
    assert!(checked(&page.body, &mg, "taken") && checked(&page.body, &k, "not_taken"));
    assert!(checked(&page.body, "diet", "partly"));
    assert_eq!(
        answer_rows(&app),
        vec![
            ("".to_string(), "partly".to_string()),
            ("Magnesium glycinate".to_string(), "taken".to_string()),
            ("Potassium".to_string(), "not_taken".to_string()),
        ]
    );
    // A form opened before that save is a conflict: nothing written, the answers shown back.
    let conflict = app
        .submit(
            "/portal",
            "/portal/diary",
            &[
                ("date", &today_text),
                ("revision", "0"),
                (&mg, "not_taken"),
                ("diet", "no"),
            ],
        )
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(checked(&conflict.body, &mg, "not_taken") && checked(&conflict.body, "diet", "no"));
    assert_eq!(answer_rows(&app).len(), 3);
    // Unanswering is a choice too: the update replaces the answers.
    let updated = app
        .submit(
            "/portal",
            "/portal/diary",
            &[
                ("date", &today_text),
                ("revision", "1"),
                (&mg, ""),
                (&k, "partly"),
            ],
        )
        .await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER, "{}", updated.body);
    assert_eq!(
        answer_rows(&app),
        vec![("Potassium".to_string(), "partly".to_string())]
    );
    let mut conn = app.pool.get().unwrap();
    let audited: i64 = audit_events::table
        .filter(audit_events::record_kind.eq("diary_entry"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(audited, 2, "create and update, each audited");
}

/// One client's magnesium diary, written through the command the portal uses.
struct MagnesiumDiary<'a> {
    app: &'a TestApp,
    client_id: i64,
    supplement_id: i64,
    today: NaiveDate,
}

impl<'a> MagnesiumDiary<'a> {
    /// A program with magnesium glycinate from `days_ago` days before `today`, and its diary.
    fn started(app: &'a TestApp, client_id: i64, today: NaiveDate, days_ago: i64) -> Self {
        let ids = add_version(
            app,
            client_id,
            today - Duration::days(days_ago),
            "",
            &["Magnesium glycinate"],
        );
        MagnesiumDiary {
            app,
            client_id,
            supplement_id: ids[0],
            today,
        }
    }

    /// Saves `date`: magnesium answered `answer`, cramps at `cramps` (none at 0).
    fn on(&self, date: NaiveDate, answer: Answer, cramps: i64) {
        save_day(
            self.app,
            self.client_id,
            self.supplement_id,
            date,
            Some(answer),
            cramps,
            self.today,
        );
    }
}

/// Saves a day through the command the portal uses: magnesium answered `answer`, cramps at
/// `cramps`.
fn save_day(
    app: &TestApp,
    client_id: i64,
    supplement_id: i64,
    date: NaiveDate,
    answer: Option<Answer>,
    cramps: i64,
    today: NaiveDate,
) {
    let mut conn = app.pool.get().unwrap();
    let account: htma_tracker::db::AccountId = accounts::table
        .filter(accounts::client_id.eq(client_id))
        .select(accounts::id)
        .first(&mut conn)
        .unwrap();
    let version: i64 = program_supplements::table
        .find(supplement_id)
        .select(program_supplements::version_id)
        .first(&mut conn)
        .unwrap();
    let input = EntryInput {
        date,
        symptoms: (cramps > 0)
            .then(|| SymptomReading {
                key: "leg_cramps".into(),
                severity: Severity::new(cramps).unwrap(),
                time_of_day: None,
            })
            .into_iter()
            .collect(),
        note: String::new(),
        triggers: String::new(),
    };
    let answers = DayAnswers {
        supplements: answer
            .map(|answer| SupplementAnswer {
                supplement_id,
                version_id: version,
                name: "Magnesium glycinate".into(),
                answer,
            })
            .into_iter()
            .collect(),
        diet: None,
    };
    let actor = Actor {
        account_id: account,
        remote_addr: "test",
    };
    let existing =
        htma_tracker::db::diary::find(&mut conn, htma_tracker::db::ClientId(client_id), date)
            .unwrap()
            .map_or(0, |e| e.row.revision);
    commands::diary::save_day(
        &mut conn,
        &actor,
        htma_tracker::db::ClientId(client_id),
        &input,
        &answers,
        existing,
        today,
    )
    .unwrap();
}

#[actix_web::test]
async fn low_adherence_is_flagged_on_the_dashboard_and_acknowledged() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let today = server_today();
    let diary = MagnesiumDiary::started(&app, setup.client_id, today, 30);
    // Six answered days, all not taken: under the 7 ADH-2 needs.
    for back in 1..=6 {
        let day = today - Duration::days(back);
        diary.on(day, Answer::Not, 3);
    }
    app.set_cookies(setup.practitioner.clone());
    let headline = "Magnesium glycinate taken on under half of the answered days";
    assert!(!app.get("/").await.body.contains(headline));
    // The seventh: 0 of 7 taken.
    app.set_cookies(setup.client.clone());
    diary.on(today, Answer::Not, 3);
    app.set_cookies(setup.practitioner.clone());
    let dashboard = app.get("/").await;
    assert!(dashboard.body.contains(headline), "{}", dashboard.body);
    assert!(dashboard
        .body
        .contains("taken as prescribed on 0 of 7 answered days"));
    let flag_id: i64 = {
        let mut conn = app.pool.get().unwrap();
        flags::table
            .filter(flags::client_id.eq(setup.client_id))
            .filter(flags::kind.eq("low_adherence"))
            .select(flags::id)
            .first(&mut conn)
            .unwrap()
    };
    let timeline = app.get(&format!("/clients/{}", setup.client_id)).await;
    assert!(timeline.body.contains(headline) && timeline.body.contains("From the diary"));
    // The practitioner's summary lists it with the diary's days; the client's copy does not.
    let made = app
        .submit(
            &format!("/clients/{}/summaries/new", setup.client_id),
            &format!("/clients/{}/summaries", setup.client_id),
            &[
                ("period_start", &(today - Duration::days(30)).to_string()),
                ("period_end", &today.to_string()),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let raised = format!(
        "raised from the diary on {}",
        htma_tracker::db::now().date()
    );
    let page = app.get(made.location()).await;
    assert!(
        page.body.contains(headline) && page.body.contains(&format!("({raised})")),
        "{}",
        page.body
    );
    let pdf =
        crate::summary_documents::pdf_text(&app.get(&format!("{}/pdf", made.location())).await);
    assert!(pdf.contains(&format!("rule ADH-2 · {raised}")), "{pdf}");
    let client_copy = app.get(&format!("{}/client", made.location())).await;
    assert_eq!(client_copy.status, StatusCode::OK);
    assert!(!client_copy.body.contains(headline));
    let acked = app
        .submit(
            "/",
            &format!("/clients/{}/flags/{flag_id}/acknowledge", setup.client_id),
            &[("note", "Spoke about it"), ("back", "dashboard")],
        )
        .await;
    assert_eq!(acked.status, StatusCode::SEE_OTHER, "{}", acked.body);
    assert!(!app.get("/").await.body.contains(headline));
    // A day answered late in the same run keeps the acknowledgement.
    diary.on(today - Duration::days(7), Answer::Not, 3);
    assert!(!app.get("/").await.body.contains(headline));
    // Taken on enough days, the flag ends.
    for back in 8..=13 {
        let day = today - Duration::days(back);
        diary.on(day, Answer::Full, 1);
    }
    for back in 0..=6 {
        let day = today - Duration::days(back);
        diary.on(day, Answer::Full, 1);
    }
    let mut conn = app.pool.get().unwrap();
    let active: i64 = flags::table
        .filter(flags::client_id.eq(setup.client_id))
        .filter(flags::kind.eq("low_adherence"))
        .filter(flags::active.eq(true))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(active, 0);
    drop(conn);
    // Not taken again later: a new run, raised again unacknowledged.
    for back in 0..=7 {
        let day = today - Duration::days(back);
        diary.on(day, Answer::Not, 4);
    }
    assert!(app.get("/").await.body.contains(headline));
}

#[actix_web::test]
async fn the_practitioner_sees_weekly_shares_and_what_went_with_them() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let today = server_today();
    let diary = MagnesiumDiary::started(&app, setup.client_id, today, 40);
    // 14 days: the older 7 taken with cramps at 2, the last 7 not taken with cramps at 7.
    for back in 0..14 {
        let day = today - Duration::days(back);
        let (answer, cramps) = if back >= 7 {
            (Answer::Full, 2)
        } else {
            (Answer::Not, 7)
        };
        diary.on(day, answer, cramps);
    }
    app.set_cookies(setup.practitioner.clone());
    let diary = app
        .get(&format!("/clients/{}/diary", setup.client_id))
        .await;
    assert_eq!(diary.status, StatusCode::OK);
    assert!(diary.body.contains("Program followed"));
    assert!(
        diary
            .body
            .contains("taken 50 %, partly 0 %, not taken 50 % of 14 answered days"),
        "{}",
        diary.body
    );
    assert!(diary.body.contains("not what caused what"));
    assert!(diary.body.contains("Minerals act over weeks"));
    // Same day: 2.0 on 7 days taken, 7.0 on 7 days not taken.
    assert!(diary.body.contains("taken: 2.0 (7 days)"), "{}", diary.body);
    assert!(diary.body.contains("not taken: 7.0 (7 days)"));
    let timeline = app.get(&format!("/clients/{}", setup.client_id)).await;
    assert!(timeline.body.contains("Program followed, weekly"));
    assert!(timeline
        .body
        .contains("Magnesium glycinate: weekly share of answered days"));
}

#[actix_web::test]
async fn exports_and_summaries_carry_the_answers() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let today = server_today();
    let diary = MagnesiumDiary::started(&app, setup.client_id, today, 20);
    let day = today - Duration::days(2);
    diary.on(day, Answer::Partly, 4);
    diary.on(today, Answer::Full, 0);
    app.set_cookies(setup.practitioner.clone());
    let client = setup.client_id;

    // Diary CSV: one row per answered supplement per day, symptom columns blank on it.
    let csv = app
        .get(&format!("/clients/{client}/export/diary.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<std::collections::BTreeMap<String, String>> =
        reader.deserialize().map(|r| r.unwrap()).collect();
    let answers: Vec<(String, String, String, String)> = rows
        .iter()
        .filter(|r| !r["program_item"].is_empty())
        .map(|r| {
            (
                r["date"].clone(),
                r["program_item_kind"].clone(),
                r["program_item"].clone(),
                r["program_answer"].clone(),
            )
        })
        .collect();
    assert_eq!(
        answers,
        vec![
            (
                day.to_string(),
                "supplement".into(),
                "Magnesium glycinate".into(),
                "partly".into()
            ),
            (
                today.to_string(),
                "supplement".into(),
                "Magnesium glycinate".into(),
                "taken".into()
            ),
        ]
    );
    assert!(rows
        .iter()
        .any(|r| r["date"] == day.to_string() && r["symptom_key"] == "leg_cramps"));
    assert_eq!(
        rows.iter()
            .filter(|r| r["date"] == today.to_string())
            .count(),
        1,
        "a day without symptoms is its answer's row alone"
    );

    // FHIR: a MedicationStatement per supplement and version, each answer an Observation
    // part of it; still valid R4.
    let reply = app
        .get(&format!("/clients/{client}/export/fhir.json"))
        .await;
    let bundle: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let resources: Vec<&serde_json::Value> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .collect();
    let statements: Vec<&&serde_json::Value> = resources
        .iter()
        .filter(|r| r["resourceType"] == "MedicationStatement")
        .collect();
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["status"], "active");
    assert_eq!(
        statements[0]["medicationCodeableConcept"]["text"],
        "Magnesium glycinate"
    );
    let statement_ref = format!("urn:uuid:{}", statements[0]["id"].as_str().unwrap());
    let answered: Vec<&&serde_json::Value> = resources
        .iter()
        .filter(|r| r["code"]["coding"][0]["code"] == "supplement-taken")
        .collect();
    assert_eq!(answered.len(), 2);
    assert!(answered
        .iter()
        .all(|r| r["partOf"][0]["reference"] == statement_ref.as_str()));
    assert!(answered
        .iter()
        .any(|r| r["valueCodeableConcept"]["coding"][0]["code"] == "partly"));
    let file = crate::exports::temp_file("bundle.json");
    std::fs::write(&file, &reply.body).unwrap();
    if let Err(problems) = crate::exports::validate_fhir(&file) {
        panic!("the export is not valid FHIR R4:\n{problems}");
    }

    // The progress summary, page and PDF, both copies.
    let made = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[
                ("period_start", &(today - Duration::days(10)).to_string()),
                ("period_end", &today.to_string()),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = app.get(made.location()).await;
    let line = "Magnesium glycinate</strong>: taken as prescribed on 1 of 2 answered days (50 %), partly on 1 (50 %), not taken on 0 (0 %).";
    assert!(page.body.contains("Program followed"), "{}", page.body);
    assert!(page.body.contains(line));
    let client_copy = app.get(&format!("{}/client", made.location())).await;
    assert!(client_copy.body.contains(line), "{}", client_copy.body);
}
