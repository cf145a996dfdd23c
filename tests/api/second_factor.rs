//! Issue 12: the second factor (RFC 6238 codes from an authenticator app, OWASP ASVS 5.0 6.3.2).
//! Enrolment confirmed by the password and a first code, a code at every sign-in after the
//! password (a pending sign-in, not a session), codes used once, recovery codes used once,
//! guessing throttled like passwords, turning it off with the password and a code, the
//! operator's reset on the command line, every step in the audit trail. The codes are computed
//! here from the secret the page shows, as the phone would.

use std::time::{SystemTime, UNIX_EPOCH};

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::auth::login::MAX_FAILURES_PER_ACCOUNT;
use htma_tracker::auth::totp::{code_at, STEP_SECONDS};
use htma_tracker::db::schema::{audit_events, recovery_codes, second_factors};

use crate::browser::{Browser, Viewport};
use crate::helpers::{spawn_app, Reply, TestApp};

const EMAIL: &str = "pat@example.com";
const PASSWORD: &str = "correct horse battery";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The current time step, after waiting out the end of a step when less than 10 seconds of it
/// are left: the tests use the step before, this one and the one after (all accepted), and must
/// not see the clock move on to a step that makes the first one too old.
async fn steady_step() -> u64 {
    let left = STEP_SECONDS - unix_now() % STEP_SECONDS;
    if left < 10 {
        actix_web::rt::time::sleep(std::time::Duration::from_secs(left + 1)).await;
    }
    unix_now() / STEP_SECONDS
}

/// The code the phone shows during time step `step`.
fn code(secret: &str, step: u64) -> String {
    code_at(secret, step * STEP_SECONDS).expect("a code")
}

/// A six-digit code that is right for none of the steps around `step`.
fn wrong_code(secret: &str, step: u64) -> String {
    let right: Vec<String> = (step - 2..=step + 2).map(|s| code(secret, s)).collect();
    (0..)
        .map(|n: u32| format!("{:06}", 123_456 + n))
        .find(|c| !right.contains(c))
        .unwrap()
}

fn audit_count(app: &TestApp, action: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

fn is_on(app: &TestApp, account_id: htma_tracker::db::AccountId) -> bool {
    let mut conn = app.pool.get().unwrap();
    second_factors::table
        .find(account_id)
        .count()
        .get_result::<i64>(&mut conn)
        .unwrap()
        == 1
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    body.split(start)
        .skip(1)
        .filter_map(|rest| rest.split(end).next())
        .collect()
}

/// The secret the enrolment page offers (the hidden field the form sends back).
fn offered_secret(page: &Reply) -> String {
    between(&page.body, "name=\"secret\" value=\"", "\"")
        .first()
        .unwrap_or_else(|| panic!("no secret on the page:\n{}", page.body))
        .to_string()
}

/// Opens the enrolment page, turns the second factor on with the code of `step`; returns the
/// secret and the recovery codes shown.
async fn enrol(app: &TestApp, step: u64) -> (String, Vec<String>) {
    enrol_with(app, PASSWORD, step).await
}

async fn enrol_with(app: &TestApp, password: &str, step: u64) -> (String, Vec<String>) {
    let page = app.get("/account/second-factor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let secret = offered_secret(&page);
    let reply = app
        .post_form(
            "/account/second-factor",
            &[
                ("csrf_token", page.csrf_token().as_str()),
                ("secret", secret.as_str()),
                ("password", password),
                ("code", code(&secret, step).as_str()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let codes: Vec<String> = between(&reply.body, "<li><code>", "</code>")
        .into_iter()
        .map(str::to_string)
        .collect();
    assert_eq!(codes.len(), 10, "{}", reply.body);
    (secret, codes)
}

async fn sign_out(app: &TestApp) {
    let reply = app.submit("/", "/logout", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

/// The code step's form, posted with the page's token.
async fn send_code(app: &TestApp, typed: &str) -> Reply {
    let page = app.get("/login/second-factor").await;
    assert_eq!(page.status, StatusCode::OK, "no code step: {}", page.body);
    app.post_form(
        "/login/second-factor",
        &[
            ("csrf_token", page.csrf_token().as_str()),
            ("code", typed),
            ("next", ""),
        ],
    )
    .await
}

/// The password step of an account with a second factor: on to the code step, no session.
async fn password_step(app: &TestApp) {
    let reply = app.login(EMAIL, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(
        reply.location().starts_with("/login/second-factor"),
        "{}",
        reply.location()
    );
    assert!(
        !app.cookies().contains_key("htma_session"),
        "a session before the code"
    );
}

#[actix_web::test]
async fn enrolment_shows_a_qr_code_and_the_key_and_needs_a_right_first_code() {
    let app = spawn_app().await;
    let account = app.signed_in_practitioner(EMAIL).await;
    let page = app.get("/account/second-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = offered_secret(&page);
    assert_eq!(secret.len(), 32, "160 bits in base32");
    // The QR code is drawn here, inline: no image from elsewhere, no script.
    let svg = between(&page.body, "<svg", "</svg>");
    assert_eq!(svg.len(), 1, "{}", page.body);
    assert!(svg[0].len() > 1000, "a QR code, not an empty box");
    // The only script is the session's expiry warning, from this site (no inline script).
    assert!(!page.body.contains("<img"));
    assert_eq!(
        page.body.matches("<script").count(),
        page.body
            .matches(r#"<script src="/static/session.js" defer></script>"#)
            .count()
    );
    let grouped: Vec<String> = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    assert!(
        page.body.contains(&grouped.join(" ")),
        "the key in groups of four"
    );
    let uri = between(&page.body, "<code>otpauth://", "</code>");
    assert_eq!(
        uri.first().map(|u| u.replace("&#38;", "&")),
        Some(format!(
            "totp/htma-tracker:pat%40example.com?secret={secret}&issuer=htma-tracker"
        )),
        "{}",
        page.body
    );
    let csp = page.header("content-security-policy");
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
    // A fresh secret each time the page is shown, nothing stored before it is confirmed.
    assert_ne!(
        offered_secret(&app.get("/account/second-factor").await),
        secret
    );
    assert!(!is_on(&app, account));

    // Another browser signed in with the password alone.
    let this_browser = app.cookies();
    app.forget_cookies();
    app.login(EMAIL, PASSWORD).await;
    let other_browser = app.cookies();
    app.set_cookies(this_browser);

    let step = steady_step().await;
    let token = page.csrf_token();
    let wrong = app
        .post_form(
            "/account/second-factor",
            &[
                ("csrf_token", token.as_str()),
                ("secret", secret.as_str()),
                ("password", PASSWORD),
                ("code", wrong_code(&secret, step).as_str()),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        offered_secret(&wrong),
        secret,
        "the same key shown again to retry"
    );
    let wrong_password = app
        .post_form(
            "/account/second-factor",
            &[
                ("csrf_token", token.as_str()),
                ("secret", secret.as_str()),
                ("password", "not the password"),
                ("code", code(&secret, step).as_str()),
            ],
        )
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!is_on(&app, account));
    assert_eq!(audit_count(&app, "second_factor_failed"), 2);

    let done = app
        .post_form(
            "/account/second-factor",
            &[
                ("csrf_token", token.as_str()),
                ("secret", secret.as_str()),
                ("password", PASSWORD),
                ("code", code(&secret, step).as_str()),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(is_on(&app, account));
    assert_eq!(audit_count(&app, "second_factor_enrolled"), 1);
    // The other browser's session ended with it (ASVS 7.4.3); this one goes on.
    let this_browser = app.cookies();
    app.set_cookies(other_browser);
    assert_eq!(app.get("/clients").await.status, StatusCode::SEE_OTHER);
    app.set_cookies(this_browser);
    assert_eq!(app.get("/clients").await.status, StatusCode::OK);
    let codes = between(&done.body, "<li><code>", "</code>");
    assert_eq!(codes.len(), 10);
    // Stored hashed: no code appears in the database.
    let mut conn = app.pool.get().unwrap();
    let stored: Vec<String> = recovery_codes::table
        .filter(recovery_codes::account_id.eq(account))
        .select(recovery_codes::code_hash)
        .load(&mut conn)
        .unwrap();
    assert_eq!(stored.len(), 10);
    for c in &codes {
        let plain = c.replace('-', "");
        assert!(stored.iter().all(|h| !h.contains(&plain) && h.len() == 64));
    }
    // Shown once: the page now says it is on, without secret or codes.
    let on = app.get("/account/second-factor").await;
    assert!(on.body.contains("On since"), "{}", on.body);
    assert!(!on.body.contains(&secret) && !on.body.contains(codes[0]));
    assert!(on
        .body
        .contains("<strong>10</strong> unused recovery codes"));
}

#[actix_web::test]
async fn sign_in_asks_for_the_code_and_takes_each_code_once() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let step = steady_step().await;
    let (secret, _) = enrol(&app, step - 1).await;
    sign_out(&app).await;

    password_step(&app).await;
    // Pending is not signed in.
    let blocked = app.get("/clients").await;
    assert_eq!(blocked.status, StatusCode::SEE_OTHER);
    assert!(blocked.location().starts_with("/login"));
    // The code that confirmed the enrolment is spent.
    let replay = send_code(&app, &code(&secret, step - 1)).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED, "{}", replay.body);
    let wrong = send_code(&app, &wrong_code(&secret, step)).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("That code is not right"));
    let right = send_code(&app, &code(&secret, step)).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert_eq!(right.location(), "/");
    assert_eq!(app.get("/clients").await.status, StatusCode::OK);
    assert!(!app.cookies().contains_key("htma_second_step"));
    assert_eq!(audit_count(&app, "second_factor_failed"), 2);
    assert_eq!(audit_count(&app, "sign_in_code_asked"), 1);
    sign_out(&app).await;

    // The same code again, at a new sign-in within its 30 seconds: refused.
    password_step(&app).await;
    let replay = send_code(&app, &code(&secret, step)).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    let next = send_code(&app, &code(&secret, step + 1)).await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.body);

    // Without a pending sign-in, or after it expired, the code step leads back to the password.
    sign_out(&app).await;
    let none = app.get("/login/second-factor").await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    assert_eq!(none.location(), "/login");
    password_step(&app).await;
    {
        use htma_tracker::db::schema::pending_sign_ins;
        let mut conn = app.pool.get().unwrap();
        diesel::update(pending_sign_ins::table)
            .set(pending_sign_ins::expires_at.eq(htma_tracker::db::now()))
            .execute(&mut conn)
            .unwrap();
    }
    let expired = send_code(&app, &code(&secret, step + 1)).await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER);
    assert!(
        expired.location().starts_with("/login?"),
        "{}",
        expired.location()
    );
    assert_eq!(app.get("/clients").await.status, StatusCode::SEE_OTHER);
}

/// Two pending sign-ins (two browsers that both had the password) racing with one code: the
/// code is taken once, so exactly one of them gets a session.
#[actix_web::test]
async fn one_code_raced_by_two_sign_ins_opens_one_session() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let step = steady_step().await;
    let (secret, _) = enrol(&app, step - 1).await;
    sign_out(&app).await;
    let mut browsers = Vec::new();
    for _ in 0..2 {
        app.forget_cookies();
        password_step(&app).await;
        let token = app.get("/login/second-factor").await.csrf_token();
        let cookie = app
            .cookies()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        browsers.push((token, cookie));
    }
    assert_ne!(browsers[0].1, browsers[1].1);
    let typed = code(&secret, step);
    let attempts = browsers.iter().map(|(token, cookie)| {
        let typed = &typed;
        let app = &app;
        async move {
            app.post_form_with_headers(
                "/login/second-factor",
                &[
                    ("csrf_token", token.as_str()),
                    ("code", typed.as_str()),
                    ("next", ""),
                ],
                &[("Cookie", cookie.as_str())],
            )
            .await
        }
    });
    let mut statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    statuses.sort();
    assert_eq!(statuses, vec![303, 401]);
    let mut conn = app.pool.get().unwrap();
    let sessions: i64 = htma_tracker::db::schema::sessions::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(sessions, 1, "one session from one code");
}

#[actix_web::test]
async fn the_code_step_needs_the_forms_token() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let step = steady_step().await;
    let (secret, _) = enrol(&app, step).await;
    sign_out(&app).await;
    password_step(&app).await;
    let forged = app
        .post_form(
            "/login/second-factor",
            &[("code", code(&secret, step + 1).as_str())],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let cross_site = app
        .post_form_with_headers(
            "/login/second-factor",
            &[("code", code(&secret, step + 1).as_str())],
            &[("Sec-Fetch-Site", "cross-site")],
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    assert!(!app.cookies().contains_key("htma_session"));
}

#[actix_web::test]
async fn guessing_codes_is_throttled_and_the_password_again_buys_no_more_guesses() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let step = steady_step().await;
    let (secret, _) = enrol(&app, step - 1).await;
    sign_out(&app).await;
    // Another browser: no device cookie.
    app.forget_cookies();
    password_step(&app).await;
    for _ in 1..MAX_FAILURES_PER_ACCOUNT {
        let reply = send_code(&app, &wrong_code(&secret, step)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    // The right password again, one guess short of the limit: it does not forgive the wrong
    // codes (else every password would buy five more guesses).
    password_step(&app).await;
    let last = send_code(&app, &wrong_code(&secret, step)).await;
    assert_eq!(last.status, StatusCode::UNAUTHORIZED);
    let paused = send_code(&app, &code(&secret, step)).await;
    assert_eq!(
        paused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        paused.body
    );
    assert!(paused.body.contains("paused"));
    assert_eq!(
        app.login(EMAIL, PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        audit_count(&app, "second_factor_failed"),
        MAX_FAILURES_PER_ACCOUNT
    );
    assert!(audit_count(&app, "sign_in_throttled") >= 2);
    assert!(!app.cookies().contains_key("htma_session"));
}

#[actix_web::test]
async fn each_recovery_code_signs_in_once() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let step = steady_step().await;
    let (_, codes) = enrol(&app, step).await;
    sign_out(&app).await;

    password_step(&app).await;
    let first = send_code(&app, &codes[0]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(audit_count(&app, "second_factor_recovery_used"), 1);
    let page = app.get("/account/second-factor").await;
    assert!(page
        .body
        .contains("<strong>9</strong> unused recovery codes"));
    sign_out(&app).await;

    password_step(&app).await;
    let again = send_code(&app, &codes[0]).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    // Typed loosely: upper case, spaces for dashes.
    let loose = codes[1].to_uppercase().replace('-', " ");
    let second = send_code(&app, &loose).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(audit_count(&app, "second_factor_recovery_used"), 2);
}

#[actix_web::test]
async fn turning_it_off_needs_the_password_and_a_code() {
    let app = spawn_app().await;
    let account = app.signed_in_practitioner(EMAIL).await;
    let step = steady_step().await;
    let (secret, codes) = enrol(&app, step - 1).await;
    let off = |password: &'static str, typed: String| {
        let app = &app;
        async move {
            app.submit(
                "/account/second-factor",
                "/account/second-factor/disable",
                &[("password", password), ("code", typed.as_str())],
            )
            .await
        }
    };
    let no_password = off("not the password", code(&secret, step)).await;
    assert_eq!(no_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_code = off(PASSWORD, wrong_code(&secret, step)).await;
    assert_eq!(no_code.status, StatusCode::UNPROCESSABLE_ENTITY);
    let spent_code = off(PASSWORD, code(&secret, step - 1)).await;
    assert_eq!(spent_code.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(is_on(&app, account));
    assert_eq!(audit_count(&app, "second_factor_failed"), 3);

    let done = off(PASSWORD, code(&secret, step)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account/second-factor?done=off");
    assert!(!is_on(&app, account));
    assert_eq!(audit_count(&app, "second_factor_disabled"), 1);
    // The recovery codes went with it.
    let mut conn = app.pool.get().unwrap();
    let left: i64 = recovery_codes::table.count().get_result(&mut conn).unwrap();
    assert_eq!(left, 0);
    drop(conn);
    sign_out(&app).await;
    let plain = app.login(EMAIL, PASSWORD).await;
    assert_eq!(plain.location(), "/", "password only again");

    // A recovery code turns it off as well.
    let step = steady_step().await;
    let (_, codes2) = enrol(&app, step).await;
    assert_ne!(codes, codes2);
    let by_recovery = off(PASSWORD, codes2[3].clone()).await;
    assert_eq!(
        by_recovery.status,
        StatusCode::SEE_OTHER,
        "{}",
        by_recovery.body
    );
    assert!(!is_on(&app, account));
    assert_eq!(audit_count(&app, "second_factor_recovery_used"), 1);
}

#[actix_web::test]
async fn the_operator_resets_it_on_the_command_line() {
    let app = spawn_app().await;
    let account = app.signed_in_practitioner(EMAIL).await;
    let step = steady_step().await;
    enrol(&app, step).await;
    sign_out(&app).await;
    let run = |email: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_htma-tracker"))
            .args(["reset-second-factor", "--email", email])
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "error")
            .output()
            .expect("run htma-tracker reset-second-factor")
    };
    let unknown = run("nobody@example.com");
    assert!(!unknown.status.success());
    assert!(is_on(&app, account));
    let reset = run("  PAT@example.com ");
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    assert!(String::from_utf8_lossy(&reset.stdout).contains("turned off"));
    assert!(!is_on(&app, account));
    assert_eq!(audit_count(&app, "second_factor_reset"), 1);
    let plain = app.login(EMAIL, PASSWORD).await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER);
    assert_eq!(plain.location(), "/", "password only after the reset");
    // Run twice: nothing left to reset, still a success, not audited again.
    assert!(run(EMAIL).status.success());
    assert_eq!(audit_count(&app, "second_factor_reset"), 1);
}

/// The same for a portal client, from the portal's settings: the code step after the password on
/// the sign-in page and on the page that keeps a diary entry, then on to the portal.
#[actix_web::test]
async fn a_portal_client_can_turn_it_on_too() {
    let app = spawn_app().await;
    let setup = crate::portal::portal_setup(&app, EMAIL, "Maria Jensen", "maria@example.com").await;
    let settings = app.get("/portal/settings").await;
    assert!(settings.body.contains("href=\"/account/second-factor\""));
    let page = app.get("/account/second-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("href=\"/portal/settings\" aria-current=\"page\""),
        "the portal's frame"
    );
    let step = steady_step().await;
    let (secret, _) = enrol_with(&app, crate::portal::CLIENT_PASSWORD, step - 1).await;
    app.submit("/portal", "/logout", &[]).await;

    let password = app
        .login("maria@example.com", crate::portal::CLIENT_PASSWORD)
        .await;
    assert!(password.location().starts_with("/login/second-factor"));
    assert_eq!(app.get("/portal").await.status, StatusCode::SEE_OTHER);
    let done = send_code(&app, &code(&secret, step)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/portal");
    assert_eq!(app.get("/portal").await.status, StatusCode::OK);
    app.submit("/portal", "/logout", &[]).await;

    // The kept-entry sign-in page leads to the code step as well, then to the kept entry.
    let resume = app
        .submit(
            "/login",
            "/portal/resume",
            &[
                ("email", "maria@example.com"),
                ("password", crate::portal::CLIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(resume.status, StatusCode::SEE_OTHER, "{}", resume.body);
    assert_eq!(
        resume.location(),
        "/login/second-factor?next=/portal/pending"
    );
    assert!(!app.cookies().contains_key("htma_session"));
    let page = app.get("/login/second-factor?next=/portal/pending").await;
    let done = app
        .post_form(
            "/login/second-factor",
            &[
                ("csrf_token", page.csrf_token().as_str()),
                ("code", code(&secret, step + 1).as_str()),
                ("next", "/portal/pending"),
            ],
        )
        .await;
    assert_eq!(done.location(), "/portal/pending", "{}", done.body);
    // The practitioner's account is untouched.
    app.set_cookies(setup.practitioner);
    assert!(app
        .get("/account/second-factor")
        .await
        .body
        .contains("It is off"));
}

/// Headless Chromium at 1366×900 and 390×844: the enrolment page (QR code drawn large enough
/// to scan, the key readable), the recovery codes, and the code step of the next sign-in.
/// Screenshots in target/screenshots/second-factor-*.png.
#[actix_web::test]
async fn browser_enrol_and_sign_in_with_a_code() {
    for (viewport, name) in [(Viewport::LAPTOP, "laptop"), (Viewport::PHONE, "phone")] {
        let app = spawn_app().await;
        app.create_practitioner(EMAIL, PASSWORD);
        let Some(browser) = Browser::start(viewport).await else {
            return;
        };
        browser.goto(&app.url("/login")).await;
        browser.fill("#email", EMAIL).await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action='/login'] button[type=submit]")
            .await;
        browser.wait_for_path(|p| p == "/", "the dashboard").await;
        browser.goto(&app.url("/account/second-factor")).await;
        let size = browser
            .run_js(
                "const r = document.querySelector('.qr-code svg').getBoundingClientRect(); \
                 return [r.width, r.height];",
            )
            .await;
        let (w, h) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
        assert!(w >= 200.0 && (w - h).abs() < 1.0, "{name}: QR {w}×{h}");
        let overflow = browser
            .run_js("return document.documentElement.scrollWidth > window.innerWidth;")
            .await;
        assert_eq!(
            overflow,
            serde_json::json!(false),
            "{name}: no sideways scrolling"
        );
        browser
            .screenshot_full_page(&format!("second-factor-enrol-{name}"))
            .await;

        let secret = browser.value("input[name=secret]").await;
        let step = steady_step().await;
        browser.fill("#password", PASSWORD).await;
        browser.fill("#code", &code(&secret, step - 1)).await;
        browser
            .click("form[action='/account/second-factor'] button[type=submit]")
            .await;
        browser.find("ol.recovery-codes").await;
        browser
            .screenshot_full_page(&format!("second-factor-codes-{name}"))
            .await;
        browser.click("a.button.primary").await;
        browser
            .find("form[action='/account/second-factor/disable']")
            .await;
        browser
            .screenshot_full_page(&format!("second-factor-on-{name}"))
            .await;

        crate::browser_walk::sign_out(&browser).await;
        browser
            .wait_for_path(|p| p == "/login", "the sign-in page")
            .await;
        browser.fill("#email", EMAIL).await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action='/login'] button[type=submit]")
            .await;
        browser
            .wait_for_path(|p| p == "/login/second-factor", "the code step")
            .await;
        browser
            .screenshot(&format!("second-factor-code-step-{name}"))
            .await;
        browser.fill("#code", &code(&secret, step)).await;
        browser
            .click("form[action='/login/second-factor'] button[type=submit]")
            .await;
        browser.wait_for_path(|p| p == "/", "the dashboard").await;
        browser.close().await;
    }
}
