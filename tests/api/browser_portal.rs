//! Headless Chromium on a phone-sized viewport (390×844): a client accepts their invitation,
//! logs a day in the diary without any script, and looks at their history. Screenshots land in
//! target/screenshots/ (portal-*.png).

use chrono::Duration;
use htma_tracker::db::clients::{ClientChange, ClientFields};
use htma_tracker::domain::diary::{EntryInput, Severity, SymptomReading, TimeOfDay};
use htma_tracker::service::commands::diary::save;
use htma_tracker::service::commands::{clients::apply as apply_change, Actor};

use crate::browser::{Browser, Viewport};
use crate::helpers::{server_today, spawn_app};

#[actix_web::test]
async fn browser_phone_client_logs_a_day() {
    let app = spawn_app().await;
    let practitioner = app.create_practitioner("pat@example.com", "correct horse battery");
    let (client_id, token) = app.invited_client(practitioner, "Maria Jensen", "maria@example.com");
    let Some(browser) = Browser::start(Viewport::PHONE).await else {
        return;
    };
    assert_eq!(browser.inner_size().await, (390, 844));

    // The invitation: the email is prefilled, the client chooses a password.
    browser
        .accept_invitation(
            &app.url(&format!("/invite/{token}")),
            "maria@example.com",
            "cramps be gone 2026",
        )
        .await;
    let today = server_today();

    // A few earlier days, so the history has something to show.
    {
        let mut conn = app.pool.get().unwrap();
        let account: htma_tracker::db::AccountId = {
            use diesel::prelude::*;
            use htma_tracker::db::schema::accounts;
            accounts::table
                .filter(accounts::client_id.eq(client_id))
                .select(accounts::id)
                .first(&mut conn)
                .unwrap()
        };
        for (days_ago, cramps, fatigue) in [
            (1, 5, 2),
            (2, 7, 0),
            (3, 3, 4),
            (5, 8, 1),
            (6, 2, 0),
            (9, 6, 3),
            (12, 4, 0),
        ] {
            let reading = |key: &str, severity: i64, time| SymptomReading {
                key: key.into(),
                severity: Severity::new(severity).unwrap(),
                time_of_day: time,
            };
            let input = EntryInput {
                date: today - Duration::days(days_ago),
                symptoms: vec![
                    reading("leg_cramps", cramps, Some(TimeOfDay::Night)),
                    reading("fatigue", fatigue, None),
                ],
                note: String::new(),
                triggers: String::new(),
            };
            let author = Actor {
                account_id: account,
                remote_addr: "test",
            };
            save(
                &mut conn,
                &author,
                htma_tracker::db::ClientId(client_id),
                &input,
                0,
            )
            .unwrap();
        }
    }

    // Today's entry: tap a symptom open, tap its severity and when; nothing else needed.
    browser.goto(&app.url("/portal")).await;
    assert!(browser
        .page_text()
        .await
        .contains("How were your symptoms?"));
    browser
        .click("details.symptom:nth-of-type(1) > summary")
        .await;
    browser
        .click("input[name='sev_leg_cramps'][value='6']")
        .await;
    browser
        .click("input[name='tod_leg_cramps'][value='night']")
        .await;
    browser
        .click("details.symptom:nth-of-type(7) > summary")
        .await;
    browser.click("input[name='sev_fatigue'][value='3']").await;
    browser
        .fill("#triggers", "Two coffees, aged cheese at dinner")
        .await;
    // The folded row shows the chosen severity (CSS only), and names it for screen readers.
    let badge = browser
        .run_js(
            "return getComputedStyle(document.querySelector('details.symptom .sev-badge'), '::after').content",
        )
        .await;
    assert_eq!(badge, "\"6\" / \"severity 6\"");
    browser.run_js("window.scrollTo(0, 0)").await;
    browser.screenshot("portal-diary-phone").await;
    browser
        .run_js("window.scrollTo(0, document.body.scrollHeight)")
        .await;
    browser.screenshot("portal-diary-phone-bottom").await;

    browser.click("form.diary-form button[type=submit]").await;
    browser
        .wait_for_path(|p| p == "/portal", "the saved diary")
        .await;
    // The form posts to the page it is on: the path is /portal before the answer too, so wait
    // for the answer itself (a busy machine answers in more than no time).
    let mut text = browser.page_text().await;
    for _ in 0..40 {
        if text.contains("Saved.") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        text = browser.page_text().await;
    }
    assert!(text.contains("Saved."), "{text}");
    assert!(
        browser
            .has("input[name='sev_leg_cramps'][value='6']:checked")
            .await
    );
    assert!(
        browser
            .has("input[name='sev_fatigue'][value='3']:checked")
            .await
    );
    assert_eq!(
        browser.value("#triggers").await,
        "Two coffees, aged cheese at dinner"
    );
    browser.screenshot("portal-diary-phone-saved").await;

    // The history: a calendar coloured by severity, and a strip per symptom.
    browser
        .goto(&app.url("/portal/history?symptom=leg_cramps"))
        .await;
    assert!(browser.has("table.calendar td.sev-6").await);
    assert!(browser.page_text().await.contains("Leg cramps"));
    browser.screenshot("portal-history-phone").await;

    // Nothing overflows the phone's width on either page.
    for path in ["/portal", "/portal/history"] {
        browser.goto(&app.url(path)).await;
        let overflow = browser
            .run_js("const e = document.documentElement; return e.scrollWidth - e.clientWidth")
            .await;
        assert_eq!(overflow, 0, "{path} is wider than the phone");
    }
    browser.close().await;
}

#[actix_web::test]
async fn browser_practitioner_reads_and_annotates_the_diary() {
    let app = spawn_app().await;
    let practitioner = app.create_practitioner("pat@example.com", "correct horse battery");
    let client_id = htma_tracker::db::new_id();
    let today = server_today();
    {
        let mut conn = app.pool.get().unwrap();
        let fields = ClientFields {
            full_name: "Tom Becker".into(),
            search_key: "tom becker".into(),
            reference_code: None,
            date_of_birth: None,
            sex: htma_tracker::domain::sex::Sex::Male,
            email: None,
            phone: None,
            notes: String::new(),
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
        // Four weeks: cramps low, then rising in the last fortnight.
        for days_ago in 0..28 {
            if days_ago % 3 == 2 {
                continue;
            }
            let cramps = if days_ago < 10 { 7 } else { 2 };
            let input = EntryInput {
                date: today - Duration::days(days_ago),
                symptoms: vec![SymptomReading {
                    key: "exercise_cramps".into(),
                    severity: Severity::new(cramps).unwrap(),
                    time_of_day: Some(TimeOfDay::Exercise),
                }],
                note: if days_ago == 1 {
                    "Long run, 15 km".into()
                } else {
                    String::new()
                },
                triggers: String::new(),
            };
            let author = Actor {
                account_id: practitioner,
                remote_addr: "test",
            };
            save(
                &mut conn,
                &author,
                htma_tracker::db::ClientId(client_id),
                &input,
                0,
            )
            .unwrap();
        }
    }
    let Some(browser) = Browser::start(Viewport::DESKTOP).await else {
        return;
    };
    browser.goto(&app.url("/login")).await;
    browser.fill("#email", "pat@example.com").await;
    browser.fill("#password", "correct horse battery").await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_path(|p| p == "/", "the dashboard").await;
    browser
        .goto(&app.url(&format!("/clients/{client_id}/diary")))
        .await;
    let text = browser.page_text().await;
    assert!(text.contains("19 of 28 days"), "{text}");
    assert!(text.contains("weekly average rose"), "{text}");
    assert!(browser.has("td.rising").await);
    let yesterday = today - Duration::days(1);
    browser
        .click(&format!("#entry-{yesterday} details.annotate > summary"))
        .await;
    browser
        .fill(
            &format!("#annotation-{yesterday}"),
            "Ask about magnesium before long runs",
        )
        .await;
    browser
        .click(&format!("#entry-{yesterday} form button[type=submit]"))
        .await;
    browser
        .wait_for_path(|p| p.ends_with("/diary"), "the diary again")
        .await;
    // The form posts back to the page it is on, so the path alone does not say the new page
    // has loaded: wait for the annotation to show.
    let mut shown = false;
    for _ in 0..100 {
        if browser
            .page_text()
            .await
            .contains("Ask about magnesium before long runs")
        {
            shown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(shown, "the annotation is shown on the diary page");
    browser.run_js("window.scrollTo(0, 0)").await;
    browser.screenshot("portal-practitioner-diary").await;
    browser
        .goto(&app.url(&format!("/clients/{client_id}")))
        .await;
    browser
        .run_js("document.getElementById('diary').scrollIntoView()")
        .await;
    browser.screenshot("portal-practitioner-client-page").await;
    browser.close().await;
}

/// For each element row of the results: its name, the level and the ideal as the reader sees
/// them (`innerText`, so what CSS hides is not counted), whether the three are inside the
/// viewport and not zero-sized, the ideal's label drawn before it, and whether the bar is
/// hidden from screen readers.
const RESULT_ROWS: &str = r#"
const width = document.documentElement.clientWidth;
const seen = (el) => {
  if (!el) return false;
  const b = el.getBoundingClientRect();
  return b.width > 0 && b.height > 0 && b.left >= 0 && b.right <= width + 1;
};
// The latest test is open; earlier ones are folded (details) and counted apart.
return [...document.querySelectorAll('section.result table.element-levels tbody tr')].map((tr) => {
  const name = tr.querySelector('th');
  const level = tr.querySelector('td.level');
  const ideal = tr.querySelector('td.ideal');
  const bar = tr.querySelector('svg.bar');
  return {
    name: name ? name.innerText.trim() : '',
    level: level ? level.innerText.trim() : '',
    ideal: ideal ? ideal.innerText.trim() : '',
    ideal_label: ideal ? getComputedStyle(ideal, '::before').content : '',
    visible: seen(name) && seen(level) && seen(ideal),
    bar_hidden: bar ? bar.getAttribute('aria-hidden') === 'true' : null,
  };
});
"#;

/// The client's Results page on a phone and a laptop (issue 13): every element named, with its
/// level and the ideal in mg% as text, and the bar decoration only.
#[actix_web::test]
async fn browser_results_name_each_element_on_a_phone() {
    use crate::browser_walk::{demo_ids, sign_in, PORTAL_EMAIL};
    let app = spawn_app().await;
    let _demo = demo_ids(&app);
    for (viewport, name) in [
        (Viewport::PHONE, "portal-results-phone"),
        (Viewport::LAPTOP, "portal-results-laptop"),
    ] {
        let Some(browser) = Browser::start(viewport).await else {
            return;
        };
        sign_in(&browser, &app, PORTAL_EMAIL).await;
        browser.goto(&app.url("/portal/results")).await;
        browser
            .wait_for_path(|p| p == "/portal/results", "the results")
            .await;
        browser.screenshot(name).await;
        browser.screenshot_full_page(&format!("{name}-full")).await;
        let rows = browser.run_js(RESULT_ROWS).await;
        let rows = rows.as_array().expect("a list of rows");
        assert!(rows.len() >= 8, "{rows:?}");
        let names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
        for element in [
            "Calcium (Ca)",
            "Magnesium (Mg)",
            "Sodium (Na)",
            "Potassium (K)",
            "Na/K ratio",
        ] {
            assert!(names.contains(&element), "{element} not among {names:?}");
        }
        for row in rows {
            assert_eq!(row["visible"], true, "{viewport:?}: not all in view: {row}");
            assert_ne!(row["bar_hidden"], false, "the bar is decoration: {row}");
            let name = row["name"].as_str().unwrap();
            let (level, ideal) = (
                row["level"].as_str().unwrap(),
                row["ideal"].as_str().unwrap(),
            );
            if !name.ends_with("ratio") {
                assert!(level.ends_with(" mg%"), "{row}");
            }
            assert!(!level.is_empty() && !ideal.is_empty(), "{row}");
            if viewport.width < 640 {
                // The header row is out of sight on a phone: the ideal says what it is.
                let label = row["ideal_label"].as_str().unwrap_or_default();
                assert!(label == "\"Ideal\"" || label == "\"Keep below\"", "{row}");
            }
        }
        let folded = browser
            .run_js("return document.querySelectorAll('details.earlier-test:not([open])').length")
            .await;
        assert!(
            folded.as_i64().unwrap_or(0) >= 1,
            "earlier tests are folded"
        );
        let calcium = rows.iter().find(|r| r["name"] == "Calcium (Ca)").unwrap();
        assert!(
            calcium["ideal"].as_str().unwrap().ends_with("mg%"),
            "{calcium}"
        );
        let overflow = browser
            .run_js("const e = document.documentElement; return e.scrollWidth - e.clientWidth")
            .await;
        assert_eq!(overflow, 0, "{viewport:?}: wider than the viewport");
        browser.close().await;
    }
}

/// Another client's `hair-tests.csv` in the import preview, on a phone and a laptop: the refusal
/// says why and offers the choice; taken, the preview says so and imports (issue 13).
#[actix_web::test]
async fn browser_import_preview_offers_to_take_another_clients_rows() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let mut ids = Vec::new();
    for (name, code) in [("Maria Jensen", "MJ-1"), ("Tom Becker", "TB-2")] {
        let reply = app
            .submit(
                "/clients/new",
                "/clients",
                &[("full_name", name), ("sex", "F"), ("reference_code", code)],
            )
            .await;
        ids.push(
            reply
                .location()
                .trim_start_matches("/clients/")
                .parse::<i64>()
                .unwrap(),
        );
    }
    let csv = "sample_date,lab,Ca,Mg,Na,K\n2025-01-10,ARL,160,18,8,2\n2025-05-02,ARL,70,9,20,9\n";
    let reply = app.upload_csv(ids[0], "lab.csv", csv, "mg%").await;
    let preview = reply.location().to_string();
    app.submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    let exported = app
        .get(&format!("/clients/{}/export/tests.csv", ids[0]))
        .await;
    let reply = app
        .upload_csv(ids[1], "hair-tests.csv", &exported.body, "mg%")
        .await;
    let preview = reply.location().to_string();
    for (viewport, name) in [(Viewport::PHONE, "phone"), (Viewport::LAPTOP, "laptop")] {
        let Some(browser) = Browser::start(viewport).await else {
            return;
        };
        browser.goto(&app.url("/login")).await;
        browser.fill("#email", "pat@example.com").await;
        browser.fill("#password", "correct horse battery").await;
        browser
            .click("form[action='/login'] button[type=submit]")
            .await;
        browser.wait_for_path(|p| p == "/", "the dashboard").await;
        browser.goto(&app.url(&preview)).await;
        let text = browser.page_text().await;
        assert!(text.contains("name another client"), "{text}");
        browser
            .screenshot_full_page(&format!("import-take-choice-{name}"))
            .await;
        browser.click("#take-choice a.button").await;
        browser
            .wait_for_path(|p| p == preview, "the preview taking the rows")
            .await;
        let mut taken = false;
        for _ in 0..50 {
            if browser.page_text().await.contains("Taking these rows") {
                taken = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(taken, "the preview takes the rows");
        browser
            .screenshot_full_page(&format!("import-taken-{name}"))
            .await;
        let overflow = browser
            .run_js("const e = document.documentElement; return e.scrollWidth - e.clientWidth")
            .await;
        assert_eq!(overflow, 0, "{name}: wider than the viewport");
        browser.close().await;
    }
}
