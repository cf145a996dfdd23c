//! The dashboard's body kept per practice (issue 15, `web::home::kept`): a kept copy is served,
//! after every kind of change the route table offers the dashboard shows exactly what the
//! records say (compared with the body rendered afresh, without the cache), and one practice's
//! changes never show in, nor move the version of, another practice's dashboard. Runs on
//! PostgreSQL too (`HTMA_TEST_DATABASE_URL`).

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::app::ROUTES;
use htma_tracker::db::schema::clients;
use htma_tracker::db::{record_versions, AccountId};
use htma_tracker::web::home::View;

use crate::helpers::{spawn_app, TestApp};
use crate::kept_forms::{world, UPLOADS};
use crate::timeline_cache::{assert_page_shows, assert_sent_with_its_length, post_change};

/// POSTs that change an account or a session, or only stage a file for a later confirmation
/// (the confirmations are walked): nothing the dashboard's body shows (its frame, with the
/// session's end, is drawn per request). A POST route in neither this list nor the walk's
/// cases fails the walk, so a new one is decided on the day it is added.
const NOT_ON_THE_DASHBOARD: &[&str] = &[
    "/login",
    "/setup",
    "/logout",
    "/session/extend",
    "/login/second-factor",
    "/account/second-factor",
    "/account/second-factor/disable",
    "/account/password",
    "/account/email",
    "/account/sessions/end-others",
    "/invite/{token}",
    "/portal/resume",
];

/// The views of the dashboard the walk keeps and checks: the two flag shelves and filters.
const VIEWS: &[(&str, &str, &str)] = &[
    ("", "", ""),
    ("", "", "borderline"),
    ("slow", "", ""),
    ("fast", "P-K-LOW", ""),
];

fn address((oxidation, pattern, flags): (&str, &str, &str)) -> String {
    format!("/?oxidation={oxidation}&pattern={pattern}&flags={flags}")
}

/// The dashboard as served, and its body rendered from the records right after it (with the
/// page's CSRF token), never from the cache.
async fn page_and_fresh_body(
    app: &TestApp,
    owner: AccountId,
    view: (&str, &str, &str),
) -> (String, String) {
    let page = app.get(&address(view)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_sent_with_its_length(&page);
    let token = page.csrf_token();
    let mut conn = app.pool.get().unwrap();
    let fresh = htma_tracker::web::home::fresh_body(
        &mut conn,
        owner,
        View::parse(view.0, view.1, view.2),
        htma_tracker::web::view::today(),
        &token,
    )
    .unwrap();
    (page.body, fresh)
}

/// Fails with the first place the page's body differs from the fresh one.
fn assert_shows(page: &str, fresh: &str, after: &str, view: (&str, &str, &str)) {
    assert_page_shows(page, fresh, after, &format!("the dashboard {view:?}"));
}

async fn assert_every_view_shows_the_records(app: &TestApp, owner: AccountId, after: &str) {
    for view in VIEWS {
        let (page, fresh) = page_and_fresh_body(app, owner, *view).await;
        assert_shows(&page, &fresh, after, *view);
    }
}

fn owner_of(app: &TestApp, client: i64) -> AccountId {
    let mut conn = app.pool.get().unwrap();
    AccountId(
        clients::table
            .find(client)
            .select(clients::practitioner_id)
            .first::<i64>(&mut conn)
            .unwrap(),
    )
}

/// The walk: every POST of the route table that can change a record is made, and then every
/// view of the dashboard must show what the records say. Each view was served (and its body
/// kept) before the change, so a change that did not move the practice's version would show
/// the kept, stale copy here.
#[actix_web::test]
async fn after_every_change_the_dashboard_shows_the_records_not_a_stale_copy() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let practitioner = app.cookies();
    let owner = owner_of(&app, w.client);
    let yesterday = (htma_tracker::domain::diary::UtcOffset::server_default()
        .local_date(htma_tracker::db::now())
        - chrono::Duration::days(1))
    .to_string();
    let mut walked = Vec::new();
    let mut moved = 0;
    for route in ROUTES.iter().filter(|r| r.method == "post") {
        if NOT_ON_THE_DASHBOARD.contains(&route.path) || UPLOADS.contains(&route.path) {
            continue;
        }
        // Every view served, so each has a kept copy made before the change.
        app.set_cookies(practitioner.clone());
        assert_every_view_shows_the_records(&app, owner, &format!("before {}", route.path)).await;
        let before = {
            let mut conn = app.pool.get().unwrap();
            record_versions::of_practice(&mut conn, owner.get()).unwrap()
        };
        let reply = post_change(&app, route, &w, &yesterday)
            .await
            .unwrap_or_else(|| {
                panic!(
                    "{} is neither walked nor in NOT_ON_THE_DASHBOARD: decide which",
                    route.path
                )
            });
        assert!(
            reply.status == StatusCode::SEE_OTHER || reply.status == StatusCode::OK,
            "{}: {} {}",
            route.path,
            reply.status,
            reply.body
        );
        let after = {
            let mut conn = app.pool.get().unwrap();
            record_versions::of_practice(&mut conn, owner.get()).unwrap()
        };
        if after > before {
            moved += 1;
        }
        app.set_cookies(practitioner.clone());
        assert_every_view_shows_the_records(&app, owner, route.path).await;
        walked.push(route.path);
    }
    assert!(
        moved >= 25,
        "only {moved} of {} posts moved the practice's version: {walked:?}",
        walked.len()
    );
}

/// A dashboard served again without a change is the kept body: its records are not read again
/// (only the practice's version is), and the page is the same.
#[actix_web::test]
async fn a_second_view_without_a_change_is_served_the_kept_body() {
    let app = spawn_app().await;
    let owner = app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Kept Kirsten").await;
    for (date, ca) in [("2025-01-10", "160"), ("2025-06-10", "90")] {
        app.create_test(
            client,
            &[
                ("sample_date", date),
                ("Ca", ca),
                ("Mg", "12"),
                ("Na", "20"),
                ("K", "8"),
            ],
        )
        .await;
    }
    let view = ("", "", "");
    let start = app.queries.get();
    let (first, fresh) = page_and_fresh_body(&app, owner, view).await;
    let rendered = app.queries.get() - start;
    assert_shows(&first, &fresh, "the first view", view);
    assert!(first.contains("Kept Kirsten"));
    let start = app.queries.get();
    let (second, fresh) = page_and_fresh_body(&app, owner, view).await;
    let kept = app.queries.get() - start;
    assert_shows(&second, &fresh, "the second view", view);
    assert!(
        kept + 6 <= rendered,
        "the second view ran {kept} statements, the first {rendered}: the body was not kept"
    );
}

/// Two practices on one server: a change in one shows in its own dashboard at once, never in
/// the other's, and leaves the other's version (so its kept body) as it was.
#[actix_web::test]
async fn one_practice_changes_never_show_in_nor_invalidate_anothers_dashboard() {
    let app = spawn_app().await;
    // Both accounts exist before anything is kept (making an account is not a practice's
    // change).
    app.create_practitioner("mine@example.com", "correct horse battery");
    let other = app.signed_in_practitioner("other@example.com").await;
    let theirs = app.create_client("Olga Other").await;
    app.create_test(
        theirs,
        &[
            ("sample_date", "2025-03-01"),
            ("Ca", "160"),
            ("Mg", "18"),
            ("Na", "8"),
            ("K", "2"),
        ],
    )
    .await;
    let other_cookies = app.cookies();
    let version = |app: &TestApp, owner: AccountId| {
        let mut conn = app.pool.get().unwrap();
        record_versions::of_practice(&mut conn, owner.get()).unwrap()
    };
    let statements = |app: &TestApp| app.queries.get();
    // Kept, and how many statements serving a kept view runs.
    for view in VIEWS {
        page_and_fresh_body(&app, other, *view).await;
    }
    let start = statements(&app);
    app.get(&address(VIEWS[0])).await;
    let kept_view = statements(&app) - start;
    let other_version = version(&app, other);

    app.forget_cookies();
    let login = app.login("mine@example.com", "correct horse battery").await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    let mine = owner_of(&app, app.create_client("Maria Mine").await);
    let client = app.create_client("Mads Mine").await;
    for (date, ca) in [("2025-01-10", "160"), ("2025-06-10", "40")] {
        app.create_test(
            client,
            &[
                ("sample_date", date),
                ("Ca", ca),
                ("Mg", "12"),
                ("Na", "20"),
                ("K", "8"),
            ],
        )
        .await;
    }
    let archived = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/archive"),
            &[],
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);
    assert_every_view_shows_the_records(&app, mine, "my changes").await;
    assert!(app.get("/").await.body.contains("Maria Mine"));

    app.set_cookies(other_cookies);
    assert_eq!(
        version(&app, other),
        other_version,
        "another practice's changes moved this practice's version"
    );
    let start = statements(&app);
    let page = app.get(&address(VIEWS[0])).await;
    let served = statements(&app) - start;
    assert!(
        served <= kept_view + 1,
        "the other practice's dashboard was read again ({served} statements, kept {kept_view})"
    );
    let fresh = {
        let mut conn = app.pool.get().unwrap();
        htma_tracker::web::home::fresh_body(
            &mut conn,
            other,
            View::parse("", "", ""),
            htma_tracker::web::view::today(),
            &page.csrf_token(),
        )
        .unwrap()
    };
    assert_shows(&page.body, &fresh, "the other practice's changes", VIEWS[0]);
    for view in VIEWS {
        let (page, _) = page_and_fresh_body(&app, other, *view).await;
        assert!(page.contains("Olga Other") || view.0 == "fast");
        assert!(!page.contains("Maria Mine") && !page.contains("Mads Mine"));
    }
}

/// Refused sign-ins (an unknown email, a wrong password, one held back by the throttle) are on
/// record but change nothing a page shows: they leave every version, so every kept timeline and
/// dashboard, as it was. Otherwise anyone could have every kept page rendered afresh at will.
#[actix_web::test]
async fn refused_sign_ins_leave_the_kept_pages_kept() {
    let app = spawn_app().await;
    let owner = app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Kept Karla").await;
    let versions = |app: &TestApp| {
        let mut conn = app.pool.get().unwrap();
        (
            record_versions::of_practice(&mut conn, owner.get()).unwrap(),
            record_versions::of_client(&mut conn, owner.get(), client).unwrap(),
        )
    };
    let before = versions(&app);
    let cookies = app.cookies();
    app.forget_cookies();
    for _ in 0..12 {
        for (email, password) in [
            ("nobody@example.com", "not a password at all"),
            ("pat@example.com", "not the password either"),
        ] {
            let refused = app.login(email, password).await;
            assert_ne!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
        }
    }
    let refused_on_record: i64 = {
        use htma_tracker::db::schema::audit_events;
        let mut conn = app.pool.get().unwrap();
        audit_events::table
            .filter(audit_events::action.eq_any(["sign_in_failed", "sign_in_throttled"]))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(refused_on_record, 24, "every refused attempt is on record");
    assert_eq!(
        versions(&app),
        before,
        "a refused sign-in moved a version: kept pages would be rendered afresh"
    );
    app.set_cookies(cookies);
    let page = app.get("/").await;
    assert!(page.body.contains("Kept Karla"));
}
