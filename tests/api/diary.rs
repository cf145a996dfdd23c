//! The symptom diary: logging and editing a day, the edit window, the client's time zone, no
//! data lost (validation errors, stale forms, conflicting edits, an ended session), the
//! practitioner's view and annotations, added symptoms, and the weekly statistics hooks on the
//! real engine.

use awc::http::StatusCode;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use htma_tracker::db::schema::{audit_events, diary_entries, kept_forms, sessions};

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::portal::{portal_setup, CLIENT_PASSWORD};

/// The client's today for a UTC offset in minutes, computed like the server does.
fn local_today(offset_minutes: i64) -> NaiveDate {
    (htma_tracker::db::now() + Duration::minutes(offset_minutes)).date()
}

/// Today where the server is (clients who chose no time zone follow it).
fn server_today() -> NaiveDate {
    htma_tracker::domain::diary::UtcOffset::server_default().local_date(htma_tracker::db::now())
}

/// Posts the diary form with the token of the portal page.
async fn post_entry(app: &TestApp, fields: &[(&str, &str)]) -> Reply {
    app.submit("/portal", "/portal/diary", fields).await
}

fn entry_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    diary_entries::table.count().get_result(&mut conn).unwrap()
}

fn checked(body: &str, name: &str, value: &str) -> bool {
    body.contains(&format!("name=\"{name}\" value=\"{value}\" checked"))
}

#[actix_web::test]
async fn a_client_logs_today_and_edits_it() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let today = server_today().to_string();
    let form = app.get("/portal").await;
    assert!(form.body.contains("Today") && form.body.contains("Leg cramps"));
    assert!(form
        .body
        .contains(&format!("name=\"date\" value=\"{today}\"")));
    assert!(
        checked(&form.body, "sev_leg_cramps", "0"),
        "0 = none by default"
    );
    let saved = post_entry(
        &app,
        &[
            ("date", &today),
            ("revision", "0"),
            ("sev_leg_cramps", "7"),
            ("tod_leg_cramps", "night"),
            ("sev_fatigue", "0"),
            ("triggers", "red wine"),
            ("note", "woke twice"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/portal?saved=1");
    let page = app.get("/portal?saved=1").await;
    assert!(page.body.contains("Saved. You can change this day until"));
    assert!(checked(&page.body, "sev_leg_cramps", "7"));
    assert!(checked(&page.body, "tod_leg_cramps", "night"));
    assert!(page.body.contains("woke twice") && page.body.contains("red wine"));
    assert!(page.body.contains("name=\"revision\" value=\"1\""));
    assert!(page.body.contains("Save changes"));

    let edited = post_entry(
        &app,
        &[
            ("date", &today),
            ("revision", "1"),
            ("sev_leg_cramps", "4"),
            ("sev_restless_legs", "2"),
            ("tod_restless_legs", "exercise"),
            ("note", "better"),
        ],
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let page = app.get("/portal").await;
    assert!(checked(&page.body, "sev_leg_cramps", "4"));
    assert!(checked(&page.body, "sev_restless_legs", "2"));
    assert!(page.body.contains("better") && !page.body.contains("red wine"));
    assert_eq!(entry_count(&app), 1, "one entry per day");

    // The practitioner sees it on the client page, with adherence, and annotates it.
    app.set_cookies(setup.practitioner.clone());
    let client_page = app.get(&format!("/clients/{}", setup.client_id)).await;
    assert!(
        client_page.body.contains("1 of 30 days"),
        "{}",
        client_page.body
    );
    assert!(client_page.body.contains("Leg cramps") && client_page.body.contains("better"));
    let annotated = app
        .submit(
            &format!("/clients/{}", setup.client_id),
            &format!("/clients/{}/diary/annotations", setup.client_id),
            &[
                ("date", &today),
                ("annotation", "Check magnesium timing"),
                ("back", "client"),
            ],
        )
        .await;
    assert_eq!(
        annotated.status,
        StatusCode::SEE_OTHER,
        "{}",
        annotated.body
    );
    assert_eq!(
        annotated.location(),
        format!("/clients/{}#entry-{today}", setup.client_id)
    );
    let client_page = app.get(&format!("/clients/{}", setup.client_id)).await;
    assert!(client_page.body.contains("Check magnesium timing"));
    // Annotating a day without an entry is not found.
    let missing = app
        .submit(
            &format!("/clients/{}", setup.client_id),
            &format!("/clients/{}/diary/annotations", setup.client_id),
            &[("date", "2020-01-01"), ("annotation", "x")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The client never sees the annotation.
    app.set_cookies(setup.client);
    assert!(!app
        .get("/portal")
        .await
        .body
        .contains("Check magnesium timing"));

    let mut conn = app.pool.get().unwrap();
    let actions: Vec<String> = audit_events::table
        .filter(audit_events::record_kind.eq("diary_entry"))
        .order(audit_events::occurred_at.asc())
        .select(audit_events::action)
        .load(&mut conn)
        .unwrap();
    assert_eq!(actions, ["create", "update", "annotate"]);
}

#[actix_web::test]
async fn entries_can_be_changed_for_seven_days_then_are_read_only() {
    let app = spawn_app().await;
    portal_setup(&app, "pat@example.com", "Tom Becker", "tom@example.com").await;
    let today = server_today();
    let six_ago = (today - Duration::days(6)).to_string();
    let seven_ago = (today - Duration::days(7)).to_string();
    let tomorrow = (today + Duration::days(1)).to_string();

    let ok = post_entry(&app, &[("date", &six_ago), ("sev_fatigue", "3")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), format!("/portal?date={six_ago}&saved=1"));

    let late = post_entry(
        &app,
        &[
            ("date", &seven_ago),
            ("sev_fatigue", "5"),
            ("note", "late note"),
        ],
    )
    .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("this day is now read-only"));
    assert!(
        late.body.contains("late note"),
        "what was typed is shown back"
    );
    let early = post_entry(&app, &[("date", &tomorrow), ("sev_fatigue", "5")]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("has not begun yet"));
    assert_eq!(entry_count(&app), 1);

    // An older entry is shown read-only, without a form.
    {
        let mut conn = app.pool.get().unwrap();
        let client_id: i64 = diary_entries::table
            .select(diary_entries::client_id)
            .first(&mut conn)
            .unwrap();
        diesel::update(diary_entries::table)
            .set(diary_entries::entry_date.eq(today - Duration::days(10)))
            .execute(&mut conn)
            .unwrap();
        assert!(client_id > 0);
    }
    let old = app
        .get(&format!("/portal?date={}", today - Duration::days(10)))
        .await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.body.contains("This day is read-only"));
    assert!(old.body.contains("Fatigue"));
    assert!(!old.body.contains("action=\"/portal/diary\""));
    // Future days redirect to today; a bad date is a 400 with a page.
    assert_eq!(
        app.get(&format!("/portal?date={tomorrow}"))
            .await
            .location(),
        "/portal"
    );
    assert_eq!(
        app.get("/portal?date=yesterday").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[actix_web::test]
async fn today_follows_the_clients_time_zone_near_midnight() {
    let app = spawn_app().await;
    portal_setup(&app, "pat@example.com", "Aiko Tanaka", "aiko@example.com").await;
    // UTC+14 and UTC−12 are 26 hours apart: at every instant their dates differ.
    let east = local_today(14 * 60);
    let west = local_today(-12 * 60);
    assert!(east > west);

    let saved = app
        .submit(
            "/portal/settings",
            "/portal/settings",
            &[("time_zone", "offset:840")],
        )
        .await;
    assert_eq!(saved.location(), "/portal/settings?saved=1");
    let settings = app.get("/portal/settings?saved=1").await;
    assert!(settings
        .body
        .contains("<option value=\"offset:840\" selected>UTC+14:00</option>"));
    let page = app.get("/portal").await;
    assert!(
        page.body
            .contains(&format!("name=\"date\" value=\"{east}\"")),
        "today is the east's date"
    );
    let logged = post_entry(
        &app,
        &[("date", &east.to_string()), ("sev_leg_cramps", "2")],
    )
    .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);

    app.submit(
        "/portal/settings",
        "/portal/settings",
        &[("time_zone", "offset:-720")],
    )
    .await;
    let page = app.get("/portal").await;
    assert!(page
        .body
        .contains(&format!("name=\"date\" value=\"{west}\"")));
    // In the west, the east's date has not begun: a new entry for it is refused.
    let refused = post_entry(
        &app,
        &[
            ("date", &east.to_string()),
            ("revision", "1"),
            ("sev_leg_cramps", "3"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("has not begun yet"));

    let bad = app
        .submit(
            "/portal/settings",
            "/portal/settings",
            &[("time_zone", "offset:17")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose a time zone"));
}

#[actix_web::test]
async fn a_validation_error_keeps_everything_that_was_typed() {
    let app = spawn_app().await;
    portal_setup(&app, "pat@example.com", "Sofia Rossi", "sofia@example.com").await;
    let today = server_today().to_string();
    let long_note = format!("{} the end", "very long ".repeat(250));
    let reply = post_entry(
        &app,
        &[
            ("date", &today),
            ("sev_fatigue", "4"),
            ("tod_fatigue", "day"),
            ("sev_cold_hands_feet", "11"),
            ("triggers", "wine & chocolate"),
            ("note", &long_note),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Nothing was saved yet"));
    assert!(reply.body.contains("the limit is 2000"));
    assert!(reply.body.contains("0 (none) to 10 (worst)"));
    assert!(checked(&reply.body, "sev_fatigue", "4"));
    assert!(checked(&reply.body, "tod_fatigue", "day"));
    assert!(
        reply.body.contains("wine &amp; chocolate") || reply.body.contains("wine &#38; chocolate")
    );
    assert!(reply.body.contains("the end"));
    assert_eq!(entry_count(&app), 0);
}

#[actix_web::test]
async fn a_stale_form_and_a_conflicting_edit_lose_nothing() {
    let app = spawn_app().await;
    portal_setup(&app, "pat@example.com", "Noah Schmidt", "noah@example.com").await;
    let today = server_today().to_string();
    // Stale token (the session is live): 403, nothing saved, the entry shown back.
    let stale = app
        .post_form(
            "/portal/diary",
            &[
                ("csrf_token", &"0".repeat(64)),
                ("date", &today),
                ("sev_fatigue", "6"),
                ("note", "from an old tab"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert!(stale.body.contains("This form had expired"));
    assert!(stale.body.contains("from an old tab") && checked(&stale.body, "sev_fatigue", "6"));
    assert_eq!(entry_count(&app), 0);
    // Two forms opened before any entry; the second save would overwrite the first.
    let first = post_entry(
        &app,
        &[("date", &today), ("revision", "0"), ("note", "phone")],
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = post_entry(
        &app,
        &[("date", &today), ("revision", "0"), ("note", "laptop")],
    )
    .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("changed on another device"));
    assert!(
        second.body.contains("laptop") && second.body.contains("name=\"revision\" value=\"1\"")
    );
    assert!(
        app.get("/portal").await.body.contains("phone"),
        "the first is intact"
    );
    // Saving the shown form again replaces it knowingly.
    let again = post_entry(
        &app,
        &[("date", &today), ("revision", "1"), ("note", "laptop")],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(app.get("/portal").await.body.contains("laptop"));
}

fn expire_sessions(app: &TestApp) {
    let mut conn = app.pool.get().unwrap();
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(htma_tracker::db::now() - Duration::hours(1)))
        .execute(&mut conn)
        .unwrap();
}

/// Diary entries kept while signed out: the kept forms posted to the diary.
fn pending_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    kept_forms::table
        .filter(kept_forms::action_path.eq("/portal/diary"))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

/// The value of the hidden field `name` in a page.
pub fn hidden_value(page: &Reply, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.body.find(&marker).expect("hidden field") + marker.len();
    let end = start + page.body[start..].find('"').expect("end of value");
    page.body[start..end].to_string()
}

/// Opens today's form, lets the session expire, and posts an entry as the browser would
/// (same-origin `Origin`, the page's proof field and cookie).
async fn post_after_session_ended(app: &TestApp) -> Reply {
    let today = server_today().to_string();
    let page = app.get("/portal").await;
    let (token, proof) = (page.csrf_token(), hidden_value(&page, "form_proof"));
    expire_sessions(app);
    app.post_form_with_headers(
        "/portal/diary",
        &[
            ("csrf_token", &token),
            ("form_proof", &proof),
            ("date", &today),
            ("revision", "0"),
            ("sev_leg_cramps", "8"),
            ("tod_leg_cramps", "night"),
            ("note", "written slowly"),
        ],
        &[("Origin", &app.address)],
    )
    .await
}

/// Item 7 of issue 12: a diary form posted without a session is kept only with proof that it
/// came from our diary page in this browser, and a kept entry shows nothing before sign-in.
#[actix_web::test]
async fn a_kept_entry_needs_proof_of_our_page_and_shows_nothing_before_sign_in() {
    let app = spawn_app().await;
    portal_setup(&app, "pat@example.com", "Liam O'Connor", "liam@example.com").await;
    let page = app.get("/portal").await;
    let (token, proof) = (page.csrf_token(), hidden_value(&page, "form_proof"));
    assert!(app.cookies().contains_key("htma_diary_form"));
    expire_sessions(&app);
    let today = server_today().to_string();
    let form = |proof: &str| -> Vec<(String, String)> {
        [
            ("csrf_token", token.as_str()),
            ("form_proof", proof),
            ("date", today.as_str()),
            ("sev_leg_cramps", "8"),
            ("note", "planted"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let (right, wrong) = (form(&proof), form(&"0".repeat(64)));
    let right: Vec<(&str, &str)> = right
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let wrong: Vec<(&str, &str)> = wrong
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let cookies = app.cookies();
    // An anonymous visitor with no cookie of ours, any token, no Origin.
    app.forget_cookies();
    let reply = app.post_form("/portal/diary", &right).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    // The right cookies, but no same-origin header, or a wrong proof, or another site.
    app.set_cookies(cookies);
    let reply = app.post_form("/portal/diary", &right).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let origin = [("Origin", app.address.as_str())];
    let reply = app
        .post_form_with_headers("/portal/diary", &wrong, &origin)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let same_site = [("Sec-Fetch-Site", "same-site")];
    let reply = app
        .post_form_with_headers("/portal/diary", &right, &same_site)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(pending_count(&app), 0);
    // From our page in this browser: kept, and shown only after sign-in.
    let same_origin = [("Sec-Fetch-Site", "same-origin")];
    let reply = app
        .post_form_with_headers("/portal/diary", &right, &same_origin)
        .await;
    assert_eq!(reply.location(), "/portal/resume", "{}", reply.body);
    assert_eq!(pending_count(&app), 1);
    let resume = app.get("/portal/resume").await;
    assert_eq!(resume.status, StatusCode::OK);
    assert!(!resume.body.contains("planted") && !resume.body.contains("Leg cramps"));
}

#[actix_web::test]
async fn an_entry_posted_after_the_session_ended_is_saved_after_sign_in() {
    let app = spawn_app().await;
    portal_setup(&app, "pat@example.com", "Liam O'Connor", "liam@example.com").await;
    let kept = post_after_session_ended(&app).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    assert_eq!(kept.location(), "/portal/resume");
    assert!(app.cookies().contains_key("htma_kept"));
    assert_eq!((entry_count(&app), pending_count(&app)), (0, 1));
    // Kept sealed: none of it is readable in the table.
    let stored = crate::kept_forms::stored_text(&app);
    assert!(!stored.contains("written") && !stored.contains("leg_cramps"));

    let page = app.get("/portal/resume").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("kept but not saved yet"));
    // Shown only after sign-in: whoever holds the browser now may not have written it.
    assert!(!page.body.contains("Leg cramps") && !page.body.contains("written slowly"));
    let wrong = app
        .submit(
            "/portal/resume",
            "/portal/resume",
            &[
                ("email", "liam@example.com"),
                ("password", "not my password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("Your entry is still kept") && !wrong.body.contains("written slowly")
    );
    let signed_in = app
        .submit(
            "/portal/resume",
            "/portal/resume",
            &[("email", "liam@example.com"), ("password", CLIENT_PASSWORD)],
        )
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location(), "/portal?saved=1");
    let page = app.get("/portal").await;
    assert!(checked(&page.body, "sev_leg_cramps", "8"));
    assert!(page.body.contains("written slowly"));
    assert_eq!((entry_count(&app), pending_count(&app)), (1, 0));
    assert!(!app.cookies().contains_key("htma_kept"));
}

#[actix_web::test]
async fn after_an_ordinary_sign_in_the_kept_entry_is_offered_for_review() {
    let app = spawn_app().await;
    portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    post_after_session_ended(&app).await;
    let login = app.login("maria@example.com", CLIENT_PASSWORD).await;
    assert_eq!(login.location(), "/portal");
    let page = app.get("/portal").await;
    assert!(page.body.contains("Review and save it"), "{}", page.body);
    let review = app.get("/portal/pending").await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(review.body.contains("It was kept: check it and tap Save"));
    assert!(checked(&review.body, "sev_leg_cramps", "8") && review.body.contains("written slowly"));
    assert_eq!(
        (entry_count(&app), pending_count(&app)),
        (0, 0),
        "shown, not saved"
    );
    let saved = app
        .post_form(
            "/portal/diary",
            &[
                ("csrf_token", &review.csrf_token()),
                ("date", &server_today().to_string()),
                ("revision", "0"),
                ("sev_leg_cramps", "8"),
                ("note", "written slowly"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(entry_count(&app), 1);
}

#[actix_web::test]
async fn a_kept_entry_is_never_given_to_another_account() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    // A second client of the same practitioner, on the same browser later.
    app.set_cookies(setup.practitioner.clone());
    let other_id = app.create_client("Other Person").await;
    let token = crate::portal::invitation_token(&app, other_id).await;
    app.forget_cookies();
    crate::portal::accept_invitation(&app, &token, "other@example.com", CLIENT_PASSWORD).await;
    app.set_cookies(setup.client);
    post_after_session_ended(&app).await;
    let other = app
        .submit(
            "/portal/resume",
            "/portal/resume",
            &[
                ("email", "other@example.com"),
                ("password", CLIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(other.location(), "/portal");
    assert!(!app.get("/portal").await.body.contains("Review and save"));
    assert_eq!(app.get("/portal/pending").await.location(), "/portal");
    assert_eq!(entry_count(&app), 0);
}

#[actix_web::test]
async fn a_practitioner_can_add_symptoms_for_a_client() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Aiko Tanaka", "aiko@example.com").await;
    app.set_cookies(setup.practitioner);
    let diary = format!("/clients/{}/diary", setup.client_id);
    let added = app
        .submit(
            &diary,
            &format!("/clients/{}/symptoms", setup.client_id),
            &[("label", "  Eye   twitching ")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert!(app.get(&diary).await.body.contains("Eye twitching"));
    let twice = app
        .submit(
            &diary,
            &format!("/clients/{}/symptoms", setup.client_id),
            &[("label", "eye twitching")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        twice.body.contains("already tracks") && twice.body.contains("value=\"eye twitching\"")
    );

    app.set_cookies(setup.client);
    let form = app.get("/portal").await;
    assert!(form.body.contains("Eye twitching"));
    let start = form
        .body
        .find("name=\"sev_c")
        .expect("a custom severity field")
        + "name=\"".len();
    let end = start + form.body[start..].find('"').unwrap();
    let field = form.body[start..end].to_string();
    let saved = post_entry(
        &app,
        &[("date", &server_today().to_string()), (&field, "5")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(checked(&app.get("/portal").await.body, &field, "5"));
    let history = app.get("/portal/history").await;
    assert!(history.body.contains("Eye twitching") && history.body.contains("sev-5"));
}

#[actix_web::test]
async fn weekly_statistics_and_the_rising_flag_on_the_real_engine() {
    use htma_tracker::domain::diary::{EntryInput, Severity, SymptomReading};
    use htma_tracker::service::commands::{diary::save, Actor};
    use htma_tracker::service::diary_period::DiaryPeriod;

    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Tom Becker", "tom@example.com").await;
    let monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    // Three weeks: leg cramps 2, 3, 6 on Monday and Tuesday; fatigue once.
    let plan: &[(i64, i64)] = &[(0, 2), (1, 2), (7, 3), (8, 3), (14, 6), (15, 6)];
    {
        let mut conn = app.pool.get().unwrap();
        for (offset, severity) in plan {
            let mut symptoms = vec![SymptomReading {
                key: "leg_cramps".into(),
                severity: Severity::new(*severity).unwrap(),
                time_of_day: None,
            }];
            if *offset == 15 {
                symptoms.push(SymptomReading {
                    key: "fatigue".into(),
                    severity: Severity::new(4).unwrap(),
                    time_of_day: None,
                });
            }
            let input = EntryInput {
                date: monday + Duration::days(*offset),
                symptoms,
                note: String::new(),
                triggers: String::new(),
            };
            let author = Actor {
                account_id: htma_tracker::db::AccountId(1),
                remote_addr: "test",
            };
            save(
                &mut conn,
                &author,
                htma_tracker::db::ClientId(setup.client_id),
                &input,
                0,
            )
            .unwrap();
        }
        let to = monday + Duration::days(20);
        // One read of the period; every number below derives from it.
        let period = DiaryPeriod::load(
            &mut conn,
            htma_tracker::db::ClientId(setup.client_id),
            monday,
            to,
            monday,
        )
        .unwrap();
        let weeks = period.weekly();
        assert_eq!(weeks.len(), 2);
        let cramps = weeks
            .iter()
            .find(|w| w.symptom_key == "leg_cramps")
            .unwrap();
        let averages: Vec<Option<f64>> = cramps.weeks.iter().map(|w| w.average()).collect();
        assert_eq!(averages, [Some(2.0), Some(3.0), Some(6.0)]);
        let fatigue = weeks.iter().find(|w| w.symptom_key == "fatigue").unwrap();
        assert_eq!(fatigue.weeks[2].average(), Some(2.0));
        let flags = period.rising();
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].symptom_key, "leg_cramps");
        assert_eq!(flags[0].week_start, monday + Duration::days(14));
        assert_eq!(flags[0].baseline_average, 2.0);
        let adherence = period.adherence();
        assert_eq!((adherence.days_logged, adherence.days_in_period), (6, 21));
    }
    // The practitioner's diary page shows the table with the flag.
    app.set_cookies(setup.practitioner);
    let page = app
        .get(&format!(
            "/clients/{}/diary?from=2026-11-02&to=2026-11-22",
            setup.client_id
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("6 of 21 days"));
    assert!(page.body.contains("6.0 ▲"), "{}", page.body);
    assert!(page
        .body
        .contains("Leg cramps: weekly average rose from 2.0"));
}

/// Issue 14: the time zone by name, followed across summer time (the arithmetic is tested in
/// `domain::diary::zone` on Europe/Copenhagen's 2026 changes); an offset chosen before stays.
#[actix_web::test]
async fn the_time_zone_is_chosen_by_name_and_an_old_offset_is_kept() {
    use diesel::prelude::*;
    use htma_tracker::db::schema::clients;
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Aiko Tanaka", "aiko@example.com").await;
    // A client who chose an offset before zones had names keeps it.
    {
        let mut conn = app.pool.get().unwrap();
        diesel::update(clients::table.find(setup.client_id))
            .set(clients::utc_offset_minutes.eq(Some(330)))
            .execute(&mut conn)
            .unwrap();
    }
    let settings = app.get("/portal/settings").await;
    assert!(
        settings
            .body
            .contains("<option value=\"offset:330\" selected>UTC+05:30</option>"),
        "{}",
        settings.body
    );
    assert!(settings.body.contains("<optgroup label=\"Europe\">"));
    let saved = app
        .submit(
            "/portal/settings",
            "/portal/settings",
            &[("time_zone", "Europe/Copenhagen")],
        )
        .await;
    assert_eq!(
        saved.location(),
        "/portal/settings?saved=1",
        "{}",
        saved.body
    );
    let settings = app.get("/portal/settings?saved=1").await;
    assert!(settings
        .body
        .contains("<option value=\"Europe/Copenhagen\" selected>Europe/Copenhagen</option>"));
    assert!(settings.body.contains("in Europe/Copenhagen"));
    {
        let mut conn = app.pool.get().unwrap();
        let zone: Option<String> = htma_tracker::db::schema::client_time_zones::table
            .find(setup.client_id)
            .select(htma_tracker::db::schema::client_time_zones::time_zone)
            .first(&mut conn)
            .optional()
            .unwrap();
        let offset: Option<i64> = clients::table
            .find(setup.client_id)
            .select(clients::utc_offset_minutes)
            .first(&mut conn)
            .unwrap();
        assert_eq!((zone.as_deref(), offset), (Some("Europe/Copenhagen"), None));
    }
    // Unknown names and hostile values are refused on the field; nothing changes.
    let long = "x".repeat(5000);
    for bad in [
        "Mars/Olympus_Mons",
        "Europe/Copenhagen\u{0}",
        long.as_str(),
        "offset:abc",
    ] {
        let reply = app
            .submit(
                "/portal/settings",
                "/portal/settings",
                &[("time_zone", bad)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let refused = app
        .submit(
            "/portal/settings",
            "/portal/settings",
            &[("time_zone", "Mars/Olympus_Mons")],
        )
        .await;
    assert!(refused.body.contains("is not a time zone this app knows"));
    let settings = app.get("/portal/settings").await;
    assert!(settings
        .body
        .contains("<option value=\"Europe/Copenhagen\" selected>"));
}
