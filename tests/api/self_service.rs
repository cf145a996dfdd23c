//! Issue 14: accounts people manage themselves. A practitioner and a portal client change their
//! password (current password required; their other sessions end) and their sign-in email
//! (password required, audited), see where they are signed in and sign out everywhere else.

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::schema::audit_events;

use crate::helpers::{spawn_app, Reply, TestApp};

const PASSWORD: &str = "correct horse battery";

fn audited(app: &TestApp, action: &str, account: htma_tracker::db::AccountId) -> i64 {
    let mut conn = app.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(action))
        .filter(audit_events::record_id.eq(account))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

async fn change_password(app: &TestApp, current: &str, new: &str, again: &str) -> Reply {
    app.submit(
        "/account",
        "/account/password",
        &[
            ("current_password", current),
            ("new_password", new),
            ("new_password_confirm", again),
        ],
    )
    .await
}

async fn change_email(app: &TestApp, email: &str, password: &str) -> Reply {
    app.submit(
        "/account",
        "/account/email",
        &[("new_email", email), ("email_password", password)],
    )
    .await
}

/// Signs in again in a second "browser" (its own cookies); returns its cookies, leaving the
/// first browser's in place.
async fn second_browser(
    app: &TestApp,
    email: &str,
    password: &str,
) -> std::collections::BTreeMap<String, String> {
    let first = app.cookies();
    app.forget_cookies();
    let reply = app.login(email, password).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let second = app.cookies();
    app.set_cookies(first);
    second
}

/// Whether the browser with `cookies` is still signed in (its page answers, not a sign-in).
async fn still_signed_in(
    app: &TestApp,
    cookies: &std::collections::BTreeMap<String, String>,
    page: &str,
) -> bool {
    let mine = app.cookies();
    app.set_cookies(cookies.clone());
    let reply = app.get(page).await;
    app.set_cookies(mine);
    reply.status == StatusCode::OK
}

#[actix_web::test]
async fn a_practitioner_changes_their_password_and_every_other_session_ends() {
    let app = spawn_app().await;
    let me = app.signed_in_practitioner("pat@example.com").await;
    let other = second_browser(&app, "pat@example.com", PASSWORD).await;
    let page = app.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("pat@example.com"));
    assert_eq!(page.body.matches("this device").count(), 1, "{}", page.body);
    assert_eq!(page.body.matches("<td data-label=\"Device\">").count(), 2);
    // Hostile and mistaken input: nothing changes.
    let wrong = change_password(
        &app,
        "not my password",
        "a new long passphrase",
        "a new long passphrase",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong
        .body
        .contains("The current password (or the code) is not right"));
    assert!(
        !wrong.body.contains("a new long passphrase"),
        "passwords never shown back"
    );
    let short = change_password(&app, PASSWORD, "short", "short").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = "x".repeat(5000);
    let too_long = change_password(&app, PASSWORD, &long, &long).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let differ = change_password(
        &app,
        PASSWORD,
        "a new long passphrase",
        "another one entirely",
    )
    .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.body.contains("The two new passwords differ."));
    assert!(
        still_signed_in(&app, &other, "/clients").await,
        "nothing ended yet"
    );
    assert_eq!(audited(&app, "password_check_failed", me), 1);
    // The change: this browser stays, the other one is signed out.
    let changed = change_password(
        &app,
        PASSWORD,
        "a new long passphrase",
        "a new long passphrase",
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(changed.location(), "/account?done=password");
    assert!(still_signed_in(&app, &app.cookies(), "/clients").await);
    assert!(
        !still_signed_in(&app, &other, "/clients").await,
        "the other session ended"
    );
    assert_eq!(audited(&app, "password_changed", me), 1);
    let page = app.get("/account?done=password").await;
    assert!(page.body.contains("signed out everywhere else"));
    assert!(
        !page.body.contains("Sign out everywhere else"),
        "one session left"
    );
    // The old password no longer signs in; the new one does.
    app.forget_cookies();
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("pat@example.com", "a new long passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_practitioner_changes_their_sign_in_email_with_their_password() {
    let app = spawn_app().await;
    app.create_practitioner("someone@example.com", "another passphrase");
    let me = app.signed_in_practitioner("pat@example.com").await;
    // Someone else's email, a wrong password, too long, not an email, control characters.
    let taken = change_email(&app, "Someone@Example.com", PASSWORD).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken
            .body
            .contains("Another account signs in with this email"),
        "{}",
        taken.body
    );
    let wrong = change_email(&app, "new@example.com", "not my password").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("value=\"new@example.com\""),
        "the email typed is kept"
    );
    let long = format!("{}@example.com", "a".repeat(300));
    let too_long = change_email(&app, &long, PASSWORD).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("at most 254 characters"));
    assert_eq!(
        change_email(&app, "not an email", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        change_email(&app, "a@b.c\u{7}", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(audited(&app, "email_changed", me), 0);
    // The change, normalised; signing in follows it.
    let changed = change_email(&app, " New@Example.com ", PASSWORD).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(audited(&app, "email_changed", me), 1);
    assert!(app.get("/account").await.body.contains("new@example.com"));
    app.forget_cookies();
    assert_eq!(
        app.login("pat@example.com", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("new@example.com", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn signing_out_everywhere_else_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    let me = app.signed_in_practitioner("pat@example.com").await;
    let second = second_browser(&app, "pat@example.com", PASSWORD).await;
    let third = second_browser(&app, "pat@example.com", PASSWORD).await;
    let page = app.get("/account").await;
    assert_eq!(page.body.matches("<td data-label=\"Device\">").count(), 3);
    let ended = app
        .submit("/account", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert!(still_signed_in(&app, &app.cookies(), "/account").await);
    assert!(!still_signed_in(&app, &second, "/clients").await);
    assert!(!still_signed_in(&app, &third, "/clients").await);
    assert_eq!(audited(&app, "sessions_ended", me), 1);
    let page = app.get("/account").await;
    assert_eq!(page.body.matches("<td data-label=\"Device\">").count(), 1);
}

#[actix_web::test]
async fn a_portal_client_manages_their_own_account() {
    let app = spawn_app().await;
    let setup =
        crate::portal::portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com")
            .await;
    app.set_cookies(setup.client.clone());
    let settings = app.get("/portal/settings").await;
    assert!(
        settings.body.contains("href=\"/account\""),
        "{}",
        settings.body
    );
    assert!(!settings
        .body
        .contains("ask your practitioner for a new access link"));
    let phone = second_browser(&app, "maria@example.com", crate::portal::CLIENT_PASSWORD).await;
    let page = app.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("maria@example.com"));
    assert!(
        page.body.contains("aria-current=\"page\">Settings"),
        "the portal's frame"
    );
    // The practitioner's email is taken.
    let taken = change_email(&app, "pat@example.com", crate::portal::CLIENT_PASSWORD).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = change_password(
        &app,
        crate::portal::CLIENT_PASSWORD,
        "my own new passphrase",
        "my own new passphrase",
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert!(
        !still_signed_in(&app, &phone, "/portal").await,
        "the phone is signed out"
    );
    assert!(still_signed_in(&app, &app.cookies(), "/portal").await);
    let moved = change_email(&app, "maria.j@example.com", "my own new passphrase").await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    app.forget_cookies();
    let back = app
        .login("maria.j@example.com", "my own new passphrase")
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.location(), "/portal");
}

#[actix_web::test]
async fn with_the_second_factor_on_the_email_changes_only_with_a_code() {
    use htma_tracker::auth::totp::{code_at, STEP_SECONDS};
    let app = spawn_app().await;
    let me = app.signed_in_practitioner("pat@example.com").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / STEP_SECONDS;
    let code = |secret: &str, step: u64| code_at(secret, step * STEP_SECONDS).unwrap();
    let page = app.get("/account/second-factor").await;
    let marker = "name=\"secret\" value=\"";
    let start = page.body.find(marker).unwrap() + marker.len();
    let secret = page.body[start..].split('"').next().unwrap().to_string();
    let on = app
        .post_form(
            "/account/second-factor",
            &[
                ("csrf_token", page.csrf_token().as_str()),
                ("secret", secret.as_str()),
                ("password", PASSWORD),
                ("code", code(&secret, now).as_str()),
            ],
        )
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let form = app.get("/account").await;
    assert!(
        form.body.contains("name=\"email_code\""),
        "the code is asked"
    );
    // The password alone is not enough any more.
    let refused = change_email(&app, "new@example.com", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audited(&app, "email_changed", me), 0);
    let changed = app
        .submit(
            "/account",
            "/account/email",
            &[
                ("new_email", "new@example.com"),
                ("email_password", PASSWORD),
                ("email_code", code(&secret, now + 1).as_str()),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(audited(&app, "email_changed", me), 1);
}
