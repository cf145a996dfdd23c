//! Issue 12, items 2 and 3: sign-in throttling that cannot be raced, and that keeps a guesser
//! slow without locking the account's owner out of the browser they signed in on before.

use awc::http::StatusCode;
use diesel::prelude::*;
use futures_util::future::join_all;
use htma_tracker::auth::login::{MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS};
use htma_tracker::db::schema::audit_events;

use crate::helpers::spawn_app;

const PASSWORD: &str = "correct horse battery";

fn audit_count(app: &crate::helpers::TestApp, action: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

/// 40 wrong passwords at once: at most 5 are checked (401), the rest are paused (429).
#[actix_web::test]
async fn concurrent_guesses_never_get_more_checks_than_the_limit() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", PASSWORD);
    let token = app.get("/login").await.csrf_token();
    let guesses = (0..40).map(|i| {
        let guess = format!("wrong password {i}");
        let token = token.clone();
        let app = &app;
        async move {
            app.post_form(
                "/login",
                &[
                    ("csrf_token", token.as_str()),
                    ("email", "pat@example.com"),
                    ("password", guess.as_str()),
                ],
            )
            .await
            .status
        }
    });
    let statuses = join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let paused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + paused, 40, "{statuses:?}");
    assert!(
        checked as i64 <= MAX_FAILURES_PER_ACCOUNT,
        "{checked} checked: {statuses:?}"
    );
    assert!(audit_count(&app, "sign_in_failed") <= MAX_FAILURES_PER_ACCOUNT);
    // The pause holds for the right password too, from this (unknown) browser.
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A guesser elsewhere pauses the account for browsers without its device cookie, but the
/// owner's browser, which signed in before, still signs in; and that browser has its own limit.
#[actix_web::test]
async fn a_guesser_does_not_lock_the_owner_out_of_their_own_browser() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", PASSWORD);
    let first = app.login("pat@example.com", PASSWORD).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let set_cookies: Vec<String> = first
        .headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let device = set_cookies
        .iter()
        .find(|c| c.starts_with("htma_device="))
        .expect("a device cookie after a successful sign-in");
    assert!(
        device.contains("HttpOnly") && device.contains("SameSite=Strict"),
        "{device}"
    );
    app.submit("/", "/logout", &[]).await;
    let owner = app.cookies();
    assert!(owner.contains_key("htma_device"));

    // The guesser: another browser (no device cookie).
    app.forget_cookies();
    for _ in 0..MAX_FAILURES_PER_ACCOUNT {
        assert_eq!(
            app.login("pat@example.com", "guess!guess!").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "browsers without the device cookie are paused"
    );

    // The owner's browser is not.
    app.set_cookies(owner.clone());
    let back = app.login("pat@example.com", PASSWORD).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    app.submit("/", "/logout", &[]).await;

    // The device cookie is no free pass: guesses from it are counted for it.
    for _ in 0..MAX_FAILURES_PER_ACCOUNT {
        assert_eq!(
            app.login("pat@example.com", "guess!guess!").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // A forged device cookie counts as no cookie.
    app.forget_cookies();
    let mut forged = owner;
    forged.insert("htma_device".into(), "ab".repeat(32));
    app.set_cookies(forged);
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// The per-address limit applies to the owner's browser too.
#[actix_web::test]
async fn the_address_limit_holds_for_a_trusted_browser() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", PASSWORD);
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    app.submit("/", "/logout", &[]).await;
    let owner = app.cookies();
    app.forget_cookies();
    for i in 0..MAX_FAILURES_PER_ADDRESS {
        let email = format!("user{}@example.com", i % 7);
        let status = app.login(&email, "wrong password!").await.status;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    app.set_cookies(owner);
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}
