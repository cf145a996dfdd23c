//! The timeline's sections kept rendered (issue 15, `web::timeline::cache`): a kept copy is
//! served, and after every kind of change the route table offers, every client's page shows
//! exactly what the records say (compared with the sections rendered afresh, without the
//! cache); and every summary's PDF is the one its stored content gives. Runs on PostgreSQL too (`HTMA_TEST_DATABASE_URL`).

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::app::{Access, ROUTES};
use htma_tracker::db::clients::ClientRow;
use htma_tracker::db::schema::{audit_events, clients, summaries};

use crate::helpers::{spawn_app, TestApp};
use crate::kept_forms::{case_for, world, UPLOADS};
use crate::summary_documents::fresh_summary_pdf;

/// POSTs that change an account or a session, or only stage a file for a later confirmation
/// (the confirmations are walked): nothing a client's timeline shows. A POST route in neither
/// this list nor the walk's cases fails the walk, so a new one is decided on the day it is added.
const NOT_ON_A_TIMELINE: &[&str] = &[
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

/// Changes recorded so far (views are not changes).
fn changes(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.ne(htma_tracker::db::audit::VIEW))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

/// The client's page, and the timeline's sections rendered from the records right after it
/// (with the page's CSRF token), never from the cache.
async fn page_and_fresh_sections(app: &TestApp, client_id: i64) -> (String, String) {
    let page = app.get(&format!("/clients/{client_id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = page.csrf_token();
    let mut conn = app.pool.get().unwrap();
    let client: ClientRow = clients::table
        .find(client_id)
        .select(ClientRow::as_select())
        .first(&mut conn)
        .unwrap();
    let fresh = htma_tracker::web::timeline::fresh_sections(
        &mut conn,
        &client,
        htma_tracker::web::view::today(),
        &token,
    )
    .unwrap();
    (page.body, fresh)
}

/// The named inputs of a page with the values they show (not its CSRF token, which `submit`
/// adds).
pub(crate) fn filled_fields(html: &str) -> Vec<(&'static str, &'static str)> {
    let mut fields = Vec::new();
    for input in html.split("<input").skip(1) {
        let tag = input.split('>').next().unwrap_or("");
        let attribute = |name: &str| {
            let marker = format!(" {name}=\"");
            tag.find(&marker).map(|at| {
                let rest = &tag[at + marker.len()..];
                rest[..rest.find('"').unwrap_or(rest.len())].to_string()
            })
        };
        if let (Some(name), Some(value)) = (attribute("name"), attribute("value")) {
            if name != "csrf_token" {
                let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
                fields.push((leak(name), leak(value)));
            }
        }
    }
    fields
}

/// Fails with the first place the page's sections differ from the fresh ones.
fn assert_shows(page: &str, fresh: &str, after: &str, client_id: i64) {
    if page.contains(fresh) {
        return;
    }
    let head: String = fresh.chars().take(60).collect();
    let Some(start) = page.find(&head) else {
        panic!("after {after}: client {client_id}'s page lacks the timeline's sections:\n{page}");
    };
    let shown = &page[start..];
    let at = shown
        .bytes()
        .zip(fresh.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(fresh.len().min(shown.len()));
    let context = |s: &str| {
        s.get(at.saturating_sub(200)..(at + 200).min(s.len()))
            .unwrap_or("")
            .to_string()
    };
    panic!(
        "after {after}: client {client_id}'s page shows stale sections; at byte {at}\nshown:  …{}…\nrecords: …{}…",
        context(shown),
        context(fresh)
    );
}

/// Both copies of a live summary's PDF, as downloaded (kept or written), are the PDFs of the
/// content stored now (`web::summaries::kept_pdfs`); a deleted one is not served.
async fn assert_pdfs_are_the_stored_contents(app: &TestApp, client: i64, id: i64, after: &str) {
    let deleted: Option<chrono::NaiveDateTime> = {
        let mut conn = app.pool.get().unwrap();
        summaries::table
            .find(id)
            .select(summaries::deleted_at)
            .first(&mut conn)
            .unwrap()
    };
    for copy in ["pdf", "client.pdf"] {
        let reply = app
            .get(&format!("/clients/{client}/summaries/{id}/{copy}"))
            .await;
        if deleted.is_some() {
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "after {after}: {copy}");
            continue;
        }
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "after {after}: {}",
            reply.body
        );
        assert!(
            reply.bytes == fresh_summary_pdf(app, id, copy),
            "after {after}: summary {id}'s {copy} is not the PDF of its stored content"
        );
    }
}

/// The walk: every POST of the route table that can change a record is made, and then every
/// client's page must show what the records say. Each page was viewed (and its sections kept)
/// before the change, so a change that did not reach the client's record version would show
/// the kept, stale copy here.
#[actix_web::test]
async fn after_every_change_every_client_page_shows_the_records_not_a_stale_copy() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let practitioner = app.cookies();
    let pages = [w.client, w.invited, w.archived];
    let yesterday = (htma_tracker::domain::diary::UtcOffset::server_default()
        .local_date(htma_tracker::db::now())
        - chrono::Duration::days(1))
    .to_string();
    let mut walked = Vec::new();
    let mut changed = 0;
    for route in ROUTES.iter().filter(|r| r.method == "post") {
        if NOT_ON_A_TIMELINE.contains(&route.path) || UPLOADS.contains(&route.path) {
            continue;
        }
        // Every page viewed, so each has a kept copy made before the change.
        app.set_cookies(practitioner.clone());
        for client in pages {
            let (page, fresh) = page_and_fresh_sections(&app, client).await;
            assert_shows(&page, &fresh, &format!("before {}", route.path), client);
        }
        let before = changes(&app);
        let reply = match route.access {
            Access::Practitioner | Access::OwnClient => {
                let case = case_for(route.path, &w);
                let mut fields = case.fields.clone();
                if route.path == "/settings/reference-sets/{set_id}/edit" {
                    // The whole form as shown, with one ideal changed: the set in use (the walk
                    // chose it) changes every client's analysis.
                    let page = app.get(&case.page).await;
                    fields = filled_fields(&page.body);
                    fields.retain(|(name, _)| *name != "ideal_Ca");
                    fields.push(("ideal_Ca", "41.5"));
                }
                app.submit(&case.page, &case.action, &fields).await
            }
            Access::Portal => {
                app.set_cookies(w.portal.clone());
                let fields: Vec<(&str, &str)> = match route.path {
                    "/portal/diary" => vec![
                        ("date", yesterday.as_str()),
                        ("revision", "0"),
                        ("sev_leg_cramps", "6"),
                        ("sev_fatigue", "3"),
                    ],
                    "/portal/settings" => vec![("time_zone", "Europe/Copenhagen")],
                    other => panic!("no case for the portal form {other}: add one to this walk"),
                };
                let page = if route.path == "/portal/diary" {
                    "/portal"
                } else {
                    route.path
                };
                app.submit(page, route.path, &fields).await
            }
            _ => panic!(
                "{} is neither walked nor in NOT_ON_A_TIMELINE: decide which",
                route.path
            ),
        };
        assert!(
            reply.status == StatusCode::SEE_OTHER || reply.status == StatusCode::OK,
            "{}: {} {}",
            route.path,
            reply.status,
            reply.body
        );
        if changes(&app) > before {
            changed += 1;
        }
        app.set_cookies(practitioner.clone());
        for client in pages {
            let (page, fresh) = page_and_fresh_sections(&app, client).await;
            assert_shows(&page, &fresh, route.path, client);
        }
        for summary in [w.summary, w.deleted_summary] {
            assert_pdfs_are_the_stored_contents(&app, w.client, summary, route.path).await;
        }
        walked.push(route.path);
    }
    assert!(
        changed >= 25,
        "only {changed} of {} posts changed anything: {walked:?}",
        walked.len()
    );
}

/// A page viewed again without a change is served the kept sections: the timeline's records
/// are not read again (fewer statements), and the page is the same.
#[actix_web::test]
async fn a_second_view_without_a_change_is_served_the_kept_sections() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
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
    let statements = |app: &TestApp| app.queries.get();
    let start = statements(&app);
    let (first, fresh) = page_and_fresh_sections(&app, client).await;
    let rendered = statements(&app) - start;
    assert_shows(&first, &fresh, "the first view", client);
    let start = statements(&app);
    let (second, fresh) = page_and_fresh_sections(&app, client).await;
    let kept = statements(&app) - start;
    assert_shows(&second, &fresh, "the second view", client);
    assert!(
        kept + 8 <= rendered,
        "the second view ran {kept} statements, the first {rendered}: the sections were not kept"
    );
}
