//! Issue 12, items 4 and 5: every view of a client's record is on record, the audit page
//! filters and pages, the record shows who opened it, and the trail is a hash chain whose
//! verification names the first link broken in the database.

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::audit::{self, Verification};
use htma_tracker::db::schema::audit_events;

use crate::helpers::{spawn_app, TestApp};

/// (account, action, record kind, client) of every view event, oldest first.
fn views(app: &TestApp) -> Vec<(Option<i64>, String, Option<i64>)> {
    let mut conn = app.pool.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(audit::VIEW))
        .order(audit_events::seq.asc())
        .select((
            audit_events::account_id,
            audit_events::record_kind,
            audit_events::client_id,
        ))
        .load(&mut conn)
        .unwrap()
}

fn verify(app: &TestApp) -> Verification {
    let mut conn = app.pool.get().unwrap();
    audit::verify(&mut conn).unwrap()
}

#[actix_web::test]
async fn every_view_of_a_record_is_audited_and_shown_on_the_record() {
    let app = spawn_app().await;
    let setup =
        crate::portal::portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com")
            .await;
    let client = setup.client_id;
    // The client in the portal.
    for path in ["/portal", "/portal/history", "/portal/results"] {
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
    // The practitioner.
    app.set_cookies(setup.practitioner.clone());
    let test = app
        .create_test(client, &[("sample_date", "2025-01-01"), ("Ca", "40")])
        .await;
    let summary = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[("period_start", "2024-01-01"), ("period_end", "2025-06-01")],
        )
        .await;
    assert_eq!(summary.status, StatusCode::SEE_OTHER, "{}", summary.body);
    let summary = summary.location().to_string();
    for path in [
        format!("/clients/{client}/tests/{test}"),
        format!("/clients/{client}/diary"),
        summary.clone(),
        format!("{summary}/pdf"),
        format!("/clients/{client}/edit"),
        "/clients?q=maria".to_string(),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::OK, "{path}");
    }
    let page = app.get(&format!("/clients/{client}")).await;
    let kinds: Vec<String> = views(&app).into_iter().map(|(_, k, _)| k).collect();
    for kind in [
        "portal_diary",
        "portal_history",
        "portal_results",
        "hair_test",
        "diary",
        "summary",
        "client_details",
        "timeline",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    assert!(views(&app).iter().all(|(_, _, c)| *c == Some(client)));
    // The record's page lists who opened it, the client included.
    assert!(page.body.contains("Who opened this record"));
    // The names in the list itself (the page's header names both too).
    let listed = |body: &str, title: &str| -> String {
        let start = body.find(title).unwrap_or_else(|| panic!("{title}"));
        let end = body[start..]
            .find("</section>")
            .map_or(body.len(), |e| start + e);
        body[start..end].to_string()
    };
    let access = listed(&page.body, "Who opened this record");
    assert!(
        access.contains("Test Practitioner") && access.contains("Maria Jensen"),
        "{access}"
    );
    assert!(
        page.body.contains("viewed the diary in the portal"),
        "{}",
        page.body
    );
    // The search is on record without the words searched.
    let mut conn = app.pool.get().unwrap();
    let searches: Vec<String> = audit_events::table
        .filter(audit_events::action.eq("search"))
        .select(audit_events::detail)
        .load(&mut conn)
        .unwrap();
    assert_eq!(searches, ["1 client found"]);
    // The client sees who opened their record too.
    app.set_cookies(setup.client);
    let settings = app.get("/portal/settings").await;
    assert!(settings.body.contains("Who opened your record"));
    assert!(listed(&settings.body, "Who opened your record").contains("Test Practitioner"));
}

#[actix_web::test]
async fn the_audit_page_filters_and_pages_by_keyset() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let maria = app.create_client("Maria Jensen").await;
    let liam = app.create_client("Liam Byrne").await;
    for _ in 0..60 {
        app.get(&format!("/clients/{maria}")).await;
    }
    app.get(&format!("/clients/{liam}")).await;
    let all = app.get(&format!("/audit?client={maria}&action=view")).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(
        all.body.matches(">viewed the timeline</a>").count(),
        50,
        "a page of 50"
    );
    assert!(!all.body.contains(&format!("href=\"/clients/{liam}\"")));
    let end = all
        .body
        .find("\" rel=\"next\">Older")
        .expect("a link to older events");
    let start = all.body[..end].rfind("href=\"").unwrap() + 6;
    let older = all.body[start..end]
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(older.contains("before="), "{older}");
    let next = app.get(&older).await;
    assert_eq!(
        next.body.matches(">viewed the timeline</a>").count(),
        10,
        "{older}"
    );
    assert!(next.body.contains("Newest"));
    // Filters by date: nothing before today, everything from today.
    let today = chrono::Utc::now().date_naive();
    let none = app
        .get(&format!("/audit?to={}", today.pred_opt().unwrap()))
        .await;
    assert!(none.body.contains("No events match."));
    let bad = app.get("/audit?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("not a date"));
    // Another practitioner sees none of it.
    app.forget_cookies();
    app.signed_in_practitioner("other@example.com").await;
    let other = app.get(&format!("/audit?client={maria}")).await;
    assert!(other.body.contains("No events match."));
}

#[actix_web::test]
async fn verify_names_the_first_link_changed_in_the_database() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    app.get(&format!("/clients/{client}")).await;
    let Verification::Intact { events, .. } = verify(&app) else {
        panic!("a fresh trail verifies: {:?}", verify(&app));
    };
    assert!(events >= 3, "{events}");
    let mut conn = app.pool.get().unwrap();
    // Someone with database access rewrites what an event says.
    diesel::update(audit_events::table.filter(audit_events::seq.eq(2)))
        .set(audit_events::detail.eq("nothing to see"))
        .execute(&mut conn)
        .unwrap();
    match verify(&app) {
        Verification::Broken { seq, problem, .. } => {
            assert_eq!(seq, 2, "{problem}");
        }
        other => panic!("an edited event must break the chain: {other:?}"),
    }
    // Deleting it instead is found too.
    diesel::delete(audit_events::table.filter(audit_events::seq.eq(2)))
        .execute(&mut conn)
        .unwrap();
    match verify(&app) {
        Verification::Broken { seq, problem, .. } => {
            assert_eq!(seq, 2);
            assert!(problem.contains("missing"), "{problem}");
        }
        other => panic!("a deleted event must break the chain: {other:?}"),
    }
}

/// The command line names the broken link and exits 1.
#[actix_web::test]
async fn audit_verify_command_exits_nonzero_on_a_broken_chain() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let url = app.database_url.clone();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_htma-tracker"))
            .args(["audit", "verify"])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .expect("run htma-tracker audit verify")
    };
    let ok = run();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("audit trail intact"));
    let mut conn = app.pool.get().unwrap();
    diesel::update(audit_events::table.filter(audit_events::seq.eq(1)))
        .set(audit_events::remote_addr.eq("10.9.9.9"))
        .execute(&mut conn)
        .unwrap();
    let broken = run();
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("audit trail broken at event 1"),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
}

/// Concurrent views are committed together by the one view writer (`service::view_log`): each
/// is on record once, before its page is answered, and the chain stays intact with the changes
/// made meanwhile in their own transactions.
#[actix_web::test]
async fn concurrent_views_are_each_on_record_once_in_an_intact_chain() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    let before = views(&app).len();
    let path = format!("/clients/{client}");
    let pages = futures_util::future::join_all((0..24).map(|_| app.get(&path)));
    let (pages, test) = futures_util::future::join(
        pages,
        app.create_test(client, &[("sample_date", "2025-01-01"), ("Ca", "40")]),
    )
    .await;
    assert!(pages.iter().all(|p| p.status == StatusCode::OK));
    // Each answered page's view is already committed.
    assert_eq!(views(&app).len() - before, 24);
    let mut conn = app.pool.get().unwrap();
    let created: i64 = audit_events::table
        .filter(audit_events::action.eq("create"))
        .filter(audit_events::record_id.eq(test))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(created, 1);
    let Verification::Intact { events, .. } = verify(&app) else {
        panic!("views chained with a change: {:?}", verify(&app));
    };
    let seqs: Vec<Option<i64>> = audit_events::table
        .order(audit_events::seq.asc())
        .select(audit_events::seq)
        .load(&mut conn)
        .unwrap();
    assert_eq!(seqs, (1..=events).map(Some).collect::<Vec<_>>());
}

/// Events appended together are linked one after another: the batch of the view writer.
#[actix_web::test]
async fn events_appended_in_one_batch_are_chained_in_order() {
    let app = spawn_app().await;
    let owner = app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    let mut conn = app.pool.get().unwrap();
    let event = |kind: &str| audit::AuditEvent {
        id: htma_tracker::db::new_id(),
        occurred_at: htma_tracker::db::now(),
        account_id: Some(owner.get()),
        action: audit::VIEW.into(),
        record_kind: kind.into(),
        record_id: Some(client),
        remote_addr: Some("127.0.0.1".into()),
        detail: String::new(),
        seq: None,
        entry_hash: None,
        owner_id: Some(owner.get()),
        client_id: Some(client),
    };
    audit::append(
        &mut conn,
        vec![event("timeline"), event("hair_test"), event("diary")],
    )
    .unwrap();
    let kinds: Vec<String> = views(&app).into_iter().map(|(_, k, _)| k).collect();
    assert_eq!(kinds, ["timeline", "hair_test", "diary"]);
    assert!(matches!(verify(&app), Verification::Intact { .. }));
    // Editing the middle one of the batch is found.
    let middle: i64 = audit_events::table
        .filter(audit_events::record_kind.eq("hair_test"))
        .select(audit_events::seq.assume_not_null())
        .first(&mut conn)
        .unwrap();
    diesel::update(audit_events::table.filter(audit_events::seq.eq(middle)))
        .set(audit_events::remote_addr.eq("10.9.9.9"))
        .execute(&mut conn)
        .unwrap();
    match verify(&app) {
        Verification::Broken { seq, .. } => assert_eq!(seq, middle),
        other => panic!("an edited event of a batch must break the chain: {other:?}"),
    }
}
