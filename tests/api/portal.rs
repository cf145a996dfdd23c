//! Invitations and the client role: the invitation lifecycle (accepted, reused, revoked,
//! expired, unknown), reset access, and what each role may reach. Also the helpers the diary,
//! security and browser tests use to get a signed-in client.

use std::collections::BTreeMap;

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::schema::{audit_events, invitations, sessions};

use crate::helpers::{spawn_app, Reply, TestApp};

pub(crate) const CLIENT_PASSWORD: &str = "client password 1";

/// Creates an invitation link as the signed-in practitioner; returns the link's token.
pub(crate) async fn invitation_token(app: &TestApp, client_id: i64) -> String {
    let page = app
        .submit(
            &format!("/clients/{client_id}"),
            &format!("/clients/{client_id}/invitations"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let marker = "/invite/";
    let start = page.body.find(marker).expect("the page shows the link") + marker.len();
    page.body[start..start + 64].to_string()
}

/// Opens the link and answers it (in whatever cookie jar the app currently holds).
pub(crate) async fn accept_invitation(
    app: &TestApp,
    token: &str,
    email: &str,
    password: &str,
) -> Reply {
    let path = format!("/invite/{token}");
    app.submit(
        &path,
        &path,
        &[
            ("email", email),
            ("password", password),
            ("password_confirm", password),
        ],
    )
    .await
}

/// A practitioner and one of their clients with a portal account.
pub(crate) struct PortalSetup {
    pub practitioner: BTreeMap<String, String>,
    pub client: BTreeMap<String, String>,
    pub client_id: i64,
}

/// Signs in `practitioner_email` (creating it unless it exists in the jar given), creates a
/// client, invites them and accepts as `client_email`. Leaves the app signed in as the client.
pub(crate) async fn portal_setup(
    app: &TestApp,
    practitioner_email: &str,
    client_name: &str,
    client_email: &str,
) -> PortalSetup {
    app.forget_cookies();
    app.signed_in_practitioner(practitioner_email).await;
    let client_id = app.create_client(client_name).await;
    let token = invitation_token(app, client_id).await;
    let practitioner = app.cookies();
    app.forget_cookies();
    let accepted = accept_invitation(app, &token, client_email, CLIENT_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(accepted.location(), "/portal");
    PortalSetup {
        practitioner,
        client: app.cookies(),
        client_id,
    }
}

fn audit_actions(app: &TestApp, kind: &str) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::record_kind.eq(kind))
        .order(audit_events::occurred_at.asc())
        .select(audit_events::action)
        .load(&mut conn)
        .unwrap()
}

#[actix_web::test]
async fn an_invitation_signs_the_client_in_once_and_then_is_gone() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client_id = app.create_client("Maria Jensen").await;
    app.submit(
        &format!("/clients/{client_id}/edit"),
        &format!("/clients/{client_id}/edit"),
        &[
            ("full_name", "Maria Jensen"),
            ("email", "maria@example.com"),
        ],
    )
    .await;
    let token = invitation_token(&app, client_id).await;
    let client_page = app.get(&format!("/clients/{client_id}")).await;
    assert!(
        client_page.body.contains("usable until"),
        "link state shown"
    );
    assert!(
        !client_page.body.contains(&token),
        "the token is shown once only"
    );
    {
        // Only the hash is stored.
        let mut conn = app.pool.get().unwrap();
        let stored: String = invitations::table
            .select(invitations::token_hash)
            .first(&mut conn)
            .unwrap();
        assert_ne!(stored, token);
        assert_eq!(stored, htma_tracker::auth::tokens::sha256_hex(&token));
    }
    app.forget_cookies();
    let page = app.get(&format!("/invite/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Welcome, Maria Jensen"));
    assert!(
        page.body.contains("value=\"maria@example.com\""),
        "email prefilled"
    );

    let accepted = accept_invitation(&app, &token, "maria@example.com", CLIENT_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(accepted.location(), "/portal");
    let portal = app.get("/portal").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(portal.body.contains("How were your symptoms?"));
    assert!(portal.body.contains("No program yet"));

    // The link is single use, whoever opens it.
    for jar in [app.cookies(), BTreeMap::new()] {
        app.set_cookies(jar);
        let again = app.get(&format!("/invite/{token}")).await;
        assert_eq!(again.status, StatusCode::GONE);
        assert!(again.body.contains("already used"), "{}", again.body);
    }
    let replay = app
        .post_form(
            &format!("/invite/{token}"),
            &[
                ("csrf_token", &app.get("/login").await.csrf_token()),
                ("email", "mallory@example.com"),
                ("password", "another long password"),
                ("password_confirm", "another long password"),
            ],
        )
        .await;
    assert_eq!(replay.status, StatusCode::GONE);
    assert_eq!(
        app.login("mallory@example.com", "another long password")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // The client signs in with what they chose, and lands in the portal.
    app.forget_cookies();
    let login = app.login("maria@example.com", CLIENT_PASSWORD).await;
    assert_eq!(login.location(), "/portal");
    assert_eq!(audit_actions(&app, "invitation"), ["create", "accept"]);
    assert!(audit_actions(&app, "account").contains(&"create".to_string()));
}

#[actix_web::test]
async fn withdrawn_replaced_expired_and_unknown_links_say_so() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client_id = app.create_client("Tom Becker").await;
    let first = invitation_token(&app, client_id).await;
    let second = invitation_token(&app, client_id).await;
    let replaced = app.get(&format!("/invite/{first}")).await;
    assert_eq!(
        replaced.status,
        StatusCode::GONE,
        "a newer link replaces it"
    );
    assert!(replaced.body.contains("withdrew"));
    assert_eq!(
        app.get(&format!("/invite/{second}")).await.status,
        StatusCode::OK
    );
    let revoked = app
        .submit(
            &format!("/clients/{client_id}"),
            &format!("/clients/{client_id}/invitations/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let gone = app.get(&format!("/invite/{second}")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.body.contains("This invitation was withdrawn"));
    assert!(app
        .get(&format!("/clients/{client_id}"))
        .await
        .body
        .contains("Last link withdrawn"));

    let third = invitation_token(&app, client_id).await;
    {
        let mut conn = app.pool.get().unwrap();
        diesel::update(invitations::table.filter(invitations::revoked_at.is_null()))
            .set(invitations::expires_at.eq(htma_tracker::db::now() - chrono::Duration::minutes(1)))
            .execute(&mut conn)
            .unwrap();
    }
    app.forget_cookies();
    let expired = app.get(&format!("/invite/{third}")).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("This invitation has expired"));
    let late = app
        .post_form(
            &format!("/invite/{third}"),
            &[
                ("csrf_token", &app.get("/login").await.csrf_token()),
                ("email", "tom@example.com"),
                ("password", CLIENT_PASSWORD),
                ("password_confirm", CLIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        late.status,
        StatusCode::GONE,
        "expired links cannot be answered"
    );

    for bad in [
        "0".repeat(64),
        "not-a-token".to_string(),
        format!("{third}0"),
    ] {
        let reply = app.get(&format!("/invite/{bad}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad}");
        assert!(reply.body.contains("This invitation link is not valid"));
    }
    assert_eq!(
        audit_actions(&app, "invitation"),
        ["create", "revoke", "create", "revoke", "create"]
    );
}

#[actix_web::test]
async fn reset_access_replaces_the_password_and_ends_every_session() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Aiko Tanaka", "aiko@example.com").await;
    assert_eq!(app.get("/portal").await.status, StatusCode::OK);
    let old_session = setup.client.clone();

    app.set_cookies(setup.practitioner.clone());
    let client_page = app.get(&format!("/clients/{}", setup.client_id)).await;
    assert!(client_page.body.contains("Signs in as aiko@example.com"));
    assert!(client_page.body.contains("Reset access"));
    let token = invitation_token(&app, setup.client_id).await;

    app.forget_cookies();
    let page = app.get(&format!("/invite/{token}")).await;
    assert!(page.body.contains("Choose a new password"));
    assert!(page.body.contains("value=\"aiko@example.com\""));
    let reset = accept_invitation(&app, &token, "aiko@example.com", "a brand new password").await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);

    app.set_cookies(old_session);
    let old = app.get("/portal").await;
    assert_eq!(old.status, StatusCode::SEE_OTHER, "the old session ended");
    app.forget_cookies();
    assert_eq!(
        app.login("aiko@example.com", CLIENT_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("aiko@example.com", "a brand new password")
            .await
            .location(),
        "/portal"
    );
    assert!(audit_actions(&app, "account").contains(&"reset_access".to_string()));
}

#[actix_web::test]
async fn the_invitation_form_keeps_what_was_typed_and_never_echoes_passwords() {
    let app = spawn_app().await;
    let _first = portal_setup(&app, "pat@example.com", "First Client", "taken@example.com").await;
    app.forget_cookies();
    app.login("pat@example.com", "correct horse battery").await;
    let client_id = app.create_client("Second Client").await;
    let token = invitation_token(&app, client_id).await;
    app.forget_cookies();
    let path = format!("/invite/{token}");
    let short = app
        .submit(
            &path,
            &path,
            &[
                ("email", "second@example.com"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("value=\"second@example.com\""));
    assert!(short.body.contains("at least 10 characters"));
    assert!(!short.body.contains("value=\"short\""));
    let taken = accept_invitation(&app, &token, "TAKEN@example.com", CLIENT_PASSWORD).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken
        .body
        .contains("Another account already signs in with this email"));
    // Still usable after both refusals.
    let ok = accept_invitation(&app, &token, "second@example.com", CLIENT_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn accepting_in_a_practitioners_browser_signs_the_practitioner_out() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client_id = app.create_client("Liam O'Connor").await;
    let token = invitation_token(&app, client_id).await;
    let page = app.get(&format!("/invite/{token}")).await;
    assert!(page
        .body
        .contains("This browser is signed in as Test Practitioner"));
    let accepted = accept_invitation(&app, &token, "liam@example.com", CLIENT_PASSWORD).await;
    assert_eq!(accepted.location(), "/portal");
    assert_eq!(app.get("/clients").await.status, StatusCode::NOT_FOUND);
    let mut conn = app.pool.get().unwrap();
    let live: i64 = sessions::table.count().get_result(&mut conn).unwrap();
    assert_eq!(
        live, 1,
        "the practitioner's session was ended, the client's began"
    );
}

#[actix_web::test]
async fn roles_stay_apart() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Sofia Rossi", "sofia@example.com").await;
    // The client: the portal, never a practitioner page, not even their own record there.
    let start = app.get("/").await;
    assert_eq!(
        (start.status, start.location()),
        (StatusCode::SEE_OTHER, "/portal"),
        "a client's start page is the portal"
    );
    for path in [
        "/clients",
        &format!("/clients/{}", setup.client_id),
        &format!("/clients/{}/diary", setup.client_id),
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = app.get("/portal").await;
    assert!(
        page.body.contains("href=\"/portal/history\""),
        "portal navigation"
    );
    assert!(
        !page.body.contains("href=\"/clients\""),
        "no practitioner navigation"
    );
    assert_eq!(app.get("/login").await.location(), "/portal");
    // The practitioner: no portal.
    app.set_cookies(setup.practitioner);
    for path in [
        "/portal",
        "/portal/history",
        "/portal/settings",
        "/portal/pending",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[actix_web::test]
async fn share_results_is_off_until_the_practitioner_turns_it_on() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client_id = app.create_client("Noah Schmidt").await;
    let page = app.get(&format!("/clients/{client_id}")).await;
    assert!(page.body.contains("Not shared"));
    let path = format!("/clients/{client_id}");
    let on = app
        .submit(&path, &format!("{path}/share-results"), &[("share", "1")])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert!(page.body.contains("Shared <span") && page.body.contains("Stop sharing results"));
    app.submit(&path, &format!("{path}/share-results"), &[("share", "0")])
        .await;
    assert!(app.get(&path).await.body.contains("Not shared"));
    let mut conn = app.pool.get().unwrap();
    let details: Vec<String> = audit_events::table
        .filter(audit_events::record_kind.eq("client"))
        .filter(audit_events::action.eq("update"))
        .select(audit_events::detail)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        details,
        ["share results turned on", "share results turned off"]
    );
}

#[actix_web::test]
async fn the_portal_shows_the_program_in_force_read_only() {
    use htma_tracker::db::programs::{SupplementInput, VersionInput};
    use htma_tracker::service::commands::{programs::add_version, Actor};

    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    assert!(app.get("/portal").await.body.contains("No program yet"));
    {
        let mut conn = app.pool.get().unwrap();
        let practitioner: htma_tracker::db::AccountId = htma_tracker::db::schema::clients::table
            .find(setup.client_id)
            .select(htma_tracker::db::schema::clients::practitioner_id)
            .first(&mut conn)
            .unwrap();
        let version = |starts_on, diet: &str| VersionInput {
            starts_on,
            diet: diet.into(),
            lifestyle: "Rest 20 minutes after lunch".into(),
            supplements: vec![SupplementInput {
                name: "Magnesium glycinate".into(),
                dose: "200".into(),
                unit: "mg".into(),
                frequency: "twice a day".into(),
            }],
        };
        let today = htma_tracker::db::now().date();
        let long_ago = today - chrono::Duration::days(60);
        let future = today + chrono::Duration::days(60);
        let actor = Actor {
            account_id: practitioner,
            remote_addr: "test",
        };
        add_version(
            &mut conn,
            &actor,
            htma_tracker::db::ClientId(setup.client_id),
            &version(long_ago, "Cooked vegetables"),
        )
        .unwrap();
        add_version(
            &mut conn,
            &actor,
            htma_tracker::db::ClientId(setup.client_id),
            &version(future, "Not yet in force"),
        )
        .unwrap();
    }
    let page = app.get("/portal").await;
    assert!(
        page.body
            .contains("Magnesium glycinate: 200 mg, twice a day"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Cooked vegetables") && !page.body.contains("Not yet in force"));
    assert!(
        !page.body.contains("/program"),
        "read-only: no link to edit it"
    );
}

#[actix_web::test]
async fn the_portal_lists_the_summaries_shared_with_the_client_only() {
    use htma_tracker::db::schema::summaries;
    use htma_tracker::service::commands::{summaries::set_shared, Actor};

    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let practitioner: htma_tracker::db::AccountId = {
        let mut conn = app.pool.get().unwrap();
        htma_tracker::db::schema::clients::table
            .find(setup.client_id)
            .select(htma_tracker::db::schema::clients::practitioner_id)
            .first(&mut conn)
            .unwrap()
    };
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    // Rows as a version before frozen contents wrote them: frozen at their first opening.
    let legacy = |conn: &mut htma_tracker::db::PooledConn, start, end| {
        let id = htma_tracker::db::new_id();
        diesel::insert_into(summaries::table)
            .values((
                summaries::id.eq(id),
                summaries::client_id.eq(setup.client_id),
                summaries::created_by.eq(practitioner),
                summaries::period_start.eq(start),
                summaries::period_end.eq(end),
                summaries::comment.eq(""),
                summaries::created_at.eq(htma_tracker::db::now()),
            ))
            .execute(conn)
            .unwrap();
        id
    };
    let (shared, private) = {
        let mut conn = app.pool.get().unwrap();
        let shared = legacy(&mut conn, day(8, 1), day(11, 20));
        let private = legacy(&mut conn, day(9, 1), day(11, 21));
        let actor = Actor {
            account_id: practitioner,
            remote_addr: "t",
        };
        set_shared(
            &mut conn,
            &actor,
            htma_tracker::db::ClientId(setup.client_id),
            htma_tracker::db::SummaryId(shared),
            true,
        )
        .unwrap();
        (shared, private)
    };
    let page = app.get("/portal").await;
    assert!(page.body.contains("From your practitioner"));
    assert!(page
        .body
        .contains(&format!("/portal/summaries/{shared}/pdf")));
    assert!(page
        .body
        .contains("Progress summary, 1 Aug 2026 to 20 Nov 2026"));
    assert!(!page
        .body
        .contains(&format!("/portal/summaries/{private}/pdf")));
    let pdf = app.get(&format!("/portal/summaries/{shared}/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/portal/summaries/{private}/pdf"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn the_client_sees_their_results_only_once_the_practitioner_shares_them() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Sofia Rossi", "sofia@example.com").await;
    let client_cookies = app.cookies();
    app.set_cookies(setup.practitioner.clone());
    let path = format!("/clients/{}", setup.client_id);
    app.create_test(
        setup.client_id,
        &[
            ("sample_date", "2025-03-01"),
            ("Ca", "160"),
            ("Mg", "18"),
            ("Na", "8"),
            ("K", "2"),
        ],
    )
    .await;
    app.set_cookies(client_cookies.clone());
    let hidden = app.get("/portal/results").await;
    assert_eq!(hidden.status, StatusCode::OK);
    assert!(hidden
        .body
        .contains("has not shared your hair test results"));
    assert!(!hidden.body.contains("2025-03-01") && !hidden.body.contains("slow"));

    app.set_cookies(setup.practitioner.clone());
    app.submit(&path, &format!("{path}/share-results"), &[("share", "1")])
        .await;
    app.set_cookies(client_cookies);
    let shown = app.get("/portal/results").await;
    assert!(
        shown.body.contains("2025-03-01") && shown.body.contains("slow, moderate"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Low potassium"));
    assert!(
        !shown.body.contains("Consider"),
        "never the practitioner's considerations"
    );
}
