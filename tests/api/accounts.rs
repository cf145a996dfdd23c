use awc::http::StatusCode;

use crate::helpers::{spawn_app, spawn_with_pool};

#[actix_web::test]
async fn healthz_answers_after_a_database_round_trip() {
    let app = spawn_app().await;
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "ok\n");
}

#[actix_web::test]
async fn healthz_is_503_when_the_database_is_gone() {
    let url = "postgres://nobody@127.0.0.1:1/none".to_string();
    let pool =
        htma_tracker::db::connect_lazy(&url, 1, std::time::Duration::from_millis(300)).unwrap();
    let app = spawn_with_pool(pool, url);
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    // Pages answer with the error page, not a panic or a dropped connection.
    let reply = app.get("/login").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        reply.body.contains("Database unavailable"),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn first_practitioner_is_created_once_on_the_setup_page() {
    let app = spawn_app().await;
    let reply = app.get("/login").await;
    assert_eq!(
        (reply.status, reply.location()),
        (StatusCode::SEE_OTHER, "/setup")
    );

    let bad = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", ""),
                ("email", "not-an-email"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter your name."));
    assert!(bad.body.contains("value=\"not-an-email\""), "input kept");
    assert!(bad.body.contains("Use at least 10 characters."));

    let ok = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", "Dr. First"),
                ("email", "First@Example.com"),
                ("password", "a long passphrase"),
                ("password_confirm", "a long passphrase"),
            ],
        )
        .await;
    assert_eq!((ok.status, ok.location()), (StatusCode::SEE_OTHER, "/"));
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Dr. First"));

    assert_eq!(app.get("/setup").await.status, StatusCode::NOT_FOUND);
    app.forget_cookies();
    assert_eq!(app.get("/setup").await.status, StatusCode::NOT_FOUND);
    // The email was normalised: signing in with other case works.
    assert_eq!(
        app.login("first@example.COM", "a long passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    let wrong = app.login("pat@example.com", "wrong password!").await;
    let unknown = app.login("nobody@example.com", "wrong password!").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let message = "The email or password is incorrect.";
    assert!(wrong.body.contains(message) && unknown.body.contains(message));
    assert!(
        app.cookies().keys().all(|k| !k.contains("session")),
        "no session after failure"
    );

    let ok = app.login("pat@example.com", "correct horse battery").await;
    assert_eq!((ok.status, ok.location()), (StatusCode::SEE_OTHER, "/"));
    let cookie = ok.header("set-cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[actix_web::test]
async fn sign_in_is_throttled_per_account() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    for _ in 0..5 {
        assert_eq!(
            app.login("pat@example.com", "wrong password!").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let throttled = app.login("pat@example.com", "correct horse battery").await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.body.contains("Too many failed sign-in attempts"));
    // Unknown emails are throttled the same way: no enumeration through the throttle.
    for _ in 0..5 {
        app.login("ghost@example.com", "wrong password!").await;
    }
    assert_eq!(
        app.login("ghost@example.com", "x").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn sign_in_is_throttled_per_address() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    for i in 0..htma_tracker::auth::login::MAX_FAILURES_PER_ADDRESS {
        let email = format!("user{i}@example.com");
        assert_eq!(
            app.login(&email, "wrong password!").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login("pat@example.com", "correct horse battery")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn logout_revokes_the_session_on_the_server() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let stolen = app.cookies();
    assert_eq!(app.get("/clients").await.status, StatusCode::OK);
    let out = app.submit("/clients", "/logout", &[]).await;
    assert_eq!(
        (out.status, out.location()),
        (StatusCode::SEE_OTHER, "/login")
    );
    // Replaying the old cookie does not bring the session back.
    app.set_cookies(stolen);
    let reply = app.get("/clients").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.location().starts_with("/login?next=/clients"));
}

#[actix_web::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_off_site() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    let to_login = app.get("/clients?q=ann").await;
    assert_eq!(to_login.location(), "/login?next=/clients%3Fq%3Dann");
    let token = app.get("/login").await.csrf_token();
    let ok = app
        .post_form(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", "pat@example.com"),
                ("password", "correct horse battery"),
                ("next", "/clients?q=ann"),
            ],
        )
        .await;
    assert_eq!(ok.location(), "/clients?q=ann");
    app.forget_cookies();
    let token = app.get("/login").await.csrf_token();
    let ok = app
        .post_form(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", "pat@example.com"),
                ("password", "correct horse battery"),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(ok.location(), "/");
}

#[actix_web::test]
async fn audit_trail_records_sign_ins_failures_and_client_changes() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    app.login("pat@example.com", "wrong password!").await;
    app.login("pat@example.com", "correct horse battery").await;
    let id = app.create_client("Ada Audit").await;
    app.submit(
        &format!("/clients/{id}"),
        &format!("/clients/{id}/archive"),
        &[],
    )
    .await;
    let page = app.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    // In plain words (issue 16), the record linked where it has a page.
    for action in [
        ">failed to sign in<",
        ">signed in<",
        ">added a client</a>",
        ">archived a client</a>",
    ] {
        assert!(
            page.body.contains(action),
            "{action} missing:\n{}",
            page.body
        );
    }
    assert!(page.body.contains(&format!("/clients/{id}")));
}
