//! The client page's kept part (issue 15, `web::timeline::cache`: the timeline's sections, the
//! summaries, the diary and the portal access) kept rendered: a kept copy is served, and after
//! every kind of change the route table offers, the client's own portal writes included (an
//! invitation accepted, the account's email, the portal settings), every client's page shows
//! exactly what the records say (compared with the part rendered afresh, without the cache);
//! what changes with time alone (a link's expiry, a restore window) shows once it has; and
//! every summary's PDF is the one its stored content gives. Runs on PostgreSQL too
//! (`HTMA_TEST_DATABASE_URL`).

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::app::{Access, RouteSpec, ROUTES};
use htma_tracker::db::clients::ClientRow;
use htma_tracker::db::schema::{audit_events, clients, summaries};

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::kept_forms::{case_for, world, World, UPLOADS};
use crate::summary_documents::fresh_summary_pdf;

/// POSTs that change an account's password, second factor or sessions, or only stage a file
/// for a later confirmation (the confirmations are walked): nothing a client's page shows (its
/// portal section shows the client account's email and the link's state: those POSTs are
/// walked). A POST route in neither this list nor the walk's cases fails the walk, so a new one
/// is decided on the day it is added.
const NOT_ON_A_TIMELINE: &[&str] = &[
    "/login",
    "/setup",
    "/logout",
    "/session/extend",
    "/login/second-factor",
    "/account/second-factor",
    "/account/second-factor/disable",
    "/account/password",
    "/account/sessions/end-others",
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
    assert_sent_with_its_length(&page);
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
    assert_page_shows(page, fresh, after, &format!("client {client_id}'s page"));
}

/// A page served around its kept part (`web::kept_html::respond`) declares its exact length,
/// not a chunked transfer: the size of its chunks adds up.
pub(crate) fn assert_sent_with_its_length(page: &Reply) {
    let length = page
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    assert_eq!(length, Some(page.bytes.len()), "{:?}", page.headers);
    assert!(page.headers.get("transfer-encoding").is_none());
}

/// Fails, naming `page_name` and the first byte that differs, unless `page` holds the part
/// rendered `fresh` from the records (the kept part of a timeline or a dashboard).
pub(crate) fn assert_page_shows(page: &str, fresh: &str, after: &str, page_name: &str) {
    if page.contains(fresh) {
        return;
    }
    let head: String = fresh.chars().take(60).collect();
    let Some(start) = page.find(&head) else {
        panic!("after {after}: {page_name} lacks its kept part:\n{page}");
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
        "after {after}: {page_name} is stale; at byte {at}\nshown:  …{}…\nrecords: …{}…",
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

/// Posts the walk's change of a practitioner's route (the case `kept_forms::case_for` has for
/// it) or of one of the portal's two forms, signed in as the one who may post it; `None` for a
/// route of any other access, which each walk decides itself. The timeline's and the
/// dashboard's walks post the same changes.
pub(crate) async fn post_change(
    app: &TestApp,
    route: &RouteSpec,
    w: &World,
    yesterday: &str,
) -> Option<Reply> {
    Some(match route.access {
        Access::Practitioner | Access::OwnClient => {
            let case = case_for(route.path, w);
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
                    ("date", yesterday),
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
        _ => return None,
    })
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
        app.set_cookies(practitioner.clone());
        // A link to answer, made before the pages are viewed (the answer is the change walked).
        let invitation = if route.path == "/invite/{token}" {
            Some(crate::portal::invitation_token(&app, w.invited).await)
        } else {
            None
        };
        // Every page viewed, so each has a kept copy made before the change.
        for client in pages {
            let (page, fresh) = page_and_fresh_sections(&app, client).await;
            assert_shows(&page, &fresh, &format!("before {}", route.path), client);
        }
        let before = changes(&app);
        let reply = match route.access {
            // The client's own account: its sign-in email is on its client's page.
            Access::SignedIn if route.path == "/account/email" => {
                app.set_cookies(w.portal.clone());
                app.submit(
                    "/account",
                    route.path,
                    &[
                        ("new_email", "aiko.new@example.com"),
                        ("email_password", crate::portal::CLIENT_PASSWORD),
                    ],
                )
                .await
            }
            // The invited client answers the link: an account, its email, the link used.
            Access::Public if route.path == "/invite/{token}" => {
                app.forget_cookies();
                let token = invitation.as_deref().expect("a link made above");
                crate::portal::accept_invitation(
                    &app,
                    token,
                    "ines@example.com",
                    crate::portal::CLIENT_PASSWORD,
                )
                .await
            }
            _ => post_change(&app, route, &w, &yesterday)
                .await
                .unwrap_or_else(|| {
                    panic!(
                        "{} is neither walked nor in NOT_ON_A_TIMELINE: decide which",
                        route.path
                    )
                }),
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
        // The client's own writes, seen on their page (not only unchanged on both sides).
        let shown = match route.path {
            "/account/email" => Some((w.client, "Signs in as aiko.new@example.com")),
            "/invite/{token}" => Some((w.invited, "Signs in as ines@example.com")),
            _ => None,
        };
        if let Some((client, shown)) = shown {
            let page = app.get(&format!("/clients/{client}")).await;
            assert!(
                page.body.contains(shown),
                "after {}: client {client}'s page lacks {shown:?}",
                route.path
            );
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

/// What the kept part shows changes with time alone when an open link expires or a deleted
/// summary leaves its restore window: the page shows it from that instant. The rows are moved
/// to a link ending and a deletion's window closing two seconds from now, with the client's
/// version bumped as the change that wrote them would have; the page is viewed (kept), and
/// viewed again once both instants have passed.
#[actix_web::test]
async fn a_link_expiry_and_a_restore_window_show_without_a_change() {
    use htma_tracker::db::schema::invitations;
    let app = spawn_app().await;
    let w = world(&app).await;
    let soon = htma_tracker::db::now() + chrono::Duration::seconds(2);
    {
        let mut conn = app.pool.get().unwrap();
        let window = htma_tracker::db::summaries::RESTORE_WINDOW;
        diesel::update(summaries::table.find(w.deleted_summary))
            .set(summaries::deleted_at.eq(soon - window))
            .execute(&mut conn)
            .unwrap();
        diesel::update(invitations::table.filter(invitations::client_id.eq(w.invited)))
            .set(invitations::expires_at.eq(soon))
            .execute(&mut conn)
            .unwrap();
        let owner: i64 = clients::table
            .find(w.client)
            .select(clients::practitioner_id)
            .first(&mut conn)
            .unwrap();
        let scopes = [w.client, w.invited].map(|client| htma_tracker::db::audit::Scope {
            owner_id: Some(owner),
            client_id: Some(client),
        });
        htma_tracker::db::record_versions::bump(&mut conn, &scopes).unwrap();
    }
    for (client, shown) in [
        (w.client, "Recently deleted summaries"),
        (w.invited, "usable until"),
    ] {
        let (page, fresh) = page_and_fresh_sections(&app, client).await;
        assert_shows(&page, &fresh, "the rows moved", client);
        assert!(page.contains(shown), "client {client}: {shown}");
    }
    let left = soon - htma_tracker::db::now() + chrono::Duration::milliseconds(100);
    if let Ok(left) = left.to_std() {
        std::thread::sleep(left);
    }
    for (client, gone) in [
        (w.client, "Recently deleted summaries"),
        (w.invited, "usable until"),
    ] {
        let (page, fresh) = page_and_fresh_sections(&app, client).await;
        assert_shows(&page, &fresh, "the link's end and the window's", client);
        assert!(!page.contains(gone), "client {client}: {gone}");
    }
}

/// A page viewed again without a change is served the kept part: the timeline's, summaries'
/// and portal records are not read again (only the record version and the recent access),
/// and the page is the same.
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
    let page = format!("/clients/{client}");
    let start = statements(&app);
    assert_eq!(app.get(&page).await.status, StatusCode::OK);
    let rendered = statements(&app) - start;
    let start = statements(&app);
    assert_eq!(app.get(&page).await.status, StatusCode::OK);
    let kept = statements(&app) - start;
    let (second, fresh) = page_and_fresh_sections(&app, client).await;
    assert_shows(&second, &fresh, "the second view", client);
    // The summaries and portal sections alone read 8 statements.
    assert!(
        kept + 8 + 8 <= rendered,
        "the second view ran {kept} statements, the first {rendered}: the kept part was read again"
    );
}
