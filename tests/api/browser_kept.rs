//! Headless Chromium (issue 14): the session's end on the page, the warning two minutes before
//! it with the button that extends the session (the idle timeout shortened by configuration),
//! and a form saved after the session ended coming back filled after sign-in. Screenshots at a
//! laptop's and a phone's size in target/screenshots/.

use chrono::Duration;
use diesel::prelude::*;
use htma_tracker::db::schema::{clients, sessions};

use crate::browser::{Browser, Viewport};
use crate::helpers::{spawn_app_with_idle_timeout, TestApp};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery";

fn last_seen(app: &TestApp) -> chrono::NaiveDateTime {
    let mut conn = app.pool.get().unwrap();
    sessions::table
        .select(sessions::last_seen_at)
        .order(sessions::last_seen_at.desc())
        .first(&mut conn)
        .unwrap()
}

fn end_sessions(app: &TestApp) {
    let mut conn = app.pool.get().unwrap();
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(htma_tracker::db::now() - Duration::hours(1)))
        .execute(&mut conn)
        .unwrap();
}

async fn sign_in(browser: &Browser, app: &TestApp) {
    browser.goto(&app.url("/login")).await;
    browser.fill("#email", EMAIL).await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser
        .wait_for_path(|p| p != "/login", "a page after signing in")
        .await;
}

#[actix_web::test]
async fn browser_session_expiry_warning_and_a_form_kept_across_sign_in() {
    for (size, viewport) in [("laptop", Viewport::LAPTOP), ("phone", Viewport::PHONE)] {
        // Two minutes and a few seconds: the warning is due a few seconds after the page loads.
        let app = spawn_app_with_idle_timeout(Duration::seconds(128)).await;
        app.create_practitioner(EMAIL, PASSWORD);
        let Some(browser) = Browser::start(viewport).await else {
            return;
        };
        sign_in(&browser, &app).await;
        browser.goto(&app.url("/clients/new")).await;
        let shown = browser.text("#session-end").await;
        assert!(shown.contains("Your session ends at"), "{shown}");
        assert!(
            !shown.contains("UTC"),
            "the script shows the end in local time: {shown}"
        );
        browser.fill("#full_name", "Maria Kept").await;
        browser
            .fill("#notes", "Night leg cramps since March; typed slowly.")
            .await;

        // The warning, without a page load in between.
        let warning = browser.find(".session-warning:not([hidden])").await;
        let said = warning.text().await.unwrap_or_default();
        assert!(
            said.contains("Your session ends at") && said.contains("Stay signed in"),
            "{said}"
        );
        browser
            .screenshot(&format!("kept-expiry-warning-{size}"))
            .await;
        let before = last_seen(&app);
        browser.click(".session-warning button").await;
        browser.find(".session-warning[hidden]").await;
        assert!(
            last_seen(&app) > before,
            "Stay signed in did not extend the session"
        );
        // What was typed is untouched by the warning.
        assert_eq!(browser.value("#full_name").await, "Maria Kept");

        // The session ends anyway (elsewhere); saving keeps the form and asks to sign in.
        end_sessions(&app);
        browser
            .click("form[action='/clients'] button[type=submit]")
            .await;
        browser
            .wait_for_path(|p| p == "/login", "the sign-in page")
            .await;
        let notice = browser.text(".alert.info").await;
        assert!(notice.contains("nothing you typed is lost"), "{notice}");
        browser
            .screenshot(&format!("kept-sign-in-explained-{size}"))
            .await;
        browser.fill("#email", EMAIL).await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action='/login'] button[type=submit]")
            .await;
        browser
            .wait_for_path(|p| p == "/clients/new", "the form again")
            .await;
        assert_eq!(browser.value("#full_name").await, "Maria Kept");
        assert_eq!(
            browser.value("#notes").await,
            "Night leg cramps since March; typed slowly."
        );
        assert!(browser.has(".kept-notice").await);
        browser.screenshot(&format!("kept-form-back-{size}")).await;
        // Not saved until the practitioner saves it.
        let saved: i64 = {
            let mut conn = app.pool.get().unwrap();
            clients::table
                .filter(clients::full_name.eq("Maria Kept"))
                .count()
                .get_result(&mut conn)
                .unwrap()
        };
        assert_eq!(saved, 0);
        browser.close().await;
    }
}
