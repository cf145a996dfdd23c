//! Walks the app's own route table, so a new route is covered the day it is added.

use awc::http::StatusCode;
use htma_tracker::app::{Access, ROUTES};

use crate::helpers::{spawn_app, TestApp};

/// The records a route's path can name. A summary or program version route is given a record
/// in the state it acts on: restoring needs a deleted one, every other route a live one. An
/// import route is given an upload of its kind: practice-wide under `/import`, the client's
/// under the client.
#[derive(Clone, Copy)]
struct Ids {
    client: i64,
    test: i64,
    summary: i64,
    deleted_summary: i64,
    flag: i64,
    client_import: i64,
    practice_import: i64,
    version: i64,
    deleted_version: i64,
    reference_set: i64,
}

impl Ids {
    /// Ids for a record that does not exist (or is not looked at).
    fn all(id: i64) -> Ids {
        Ids {
            client: id,
            test: id,
            summary: id,
            deleted_summary: id,
            flag: id,
            client_import: id,
            practice_import: id,
            version: id,
            deleted_version: id,
            reference_set: id,
        }
    }

    /// The same client with every record under it replaced by `id`.
    fn records_replaced(self, id: i64) -> Ids {
        Ids {
            client: self.client,
            ..Ids::all(id)
        }
    }
}

fn concrete(path: &str, ids: Ids) -> String {
    let (summary, version) = if path.ends_with("/restore") {
        (ids.deleted_summary, ids.deleted_version)
    } else {
        (ids.summary, ids.version)
    };
    let import = if path.starts_with("/import/") {
        ids.practice_import
    } else {
        ids.client_import
    };
    let concrete = path
        .replace("{client_id}", &ids.client.to_string())
        .replace("{test_id}", &ids.test.to_string())
        .replace("{summary_id}", &summary.to_string())
        .replace("{flag_id}", &ids.flag.to_string())
        .replace("{import_id}", &import.to_string())
        .replace("{version_id}", &version.to_string())
        .replace("{set_id}", &ids.reference_set.to_string());
    // A new kind of record segment needs a record of its kind here.
    assert!(!concrete.contains('{'), "a segment of {path} is not filled");
    concrete
}

/// A live summary and a deleted one of the client, made by its signed-in practitioner.
async fn summaries_of(app: &TestApp, client: i64) -> (i64, i64) {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let made = app
            .submit(
                &format!("/clients/{client}/summaries/new"),
                &format!("/clients/{client}/summaries"),
                &[("period_start", "2025-01-01"), ("period_end", "2025-12-31")],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let id = made.location().rsplit('/').next().unwrap().parse().unwrap();
        ids.push(id);
    }
    let page = format!("/clients/{client}");
    let deleted = app
        .submit(&page, &format!("{page}/summaries/{}/delete", ids[1]), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    (ids[0], ids[1])
}

/// A live program version of the client and a deleted one, made by its signed-in practitioner.
async fn program_versions_of(app: &TestApp, client: i64) -> (i64, i64) {
    for (starts_on, supplement) in [("2025-03-01", "Magnesium"), ("2025-05-01", "Zinc")] {
        let saved = crate::programs::add_version(app, client, starts_on, supplement, true).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    let live = crate::programs::version_id(app, client, "2025-03-01");
    let deleted = crate::programs::version_id(app, client, "2025-05-01");
    let page = format!("/clients/{client}");
    let reply = app
        .submit(&page, &format!("{page}/program/{deleted}/delete"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    (live, deleted)
}

/// A reference set of the signed-in practitioner, cloned from the default.
async fn reference_set_of(app: &TestApp) -> i64 {
    let list = "/settings/reference-sets";
    let cloned = app
        .submit(
            list,
            list,
            &[("source", "default"), ("name", "Practice set")],
        )
        .await;
    assert_eq!(cloned.status, StatusCode::SEE_OTHER, "{}", cloned.body);
    // `/settings/reference-sets/{set_id}/edit`
    cloned
        .location()
        .rsplit('/')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

/// A record of every kind a route can name, made for the client by its signed-in practitioner:
/// two tests (the second raises a flag), a live and a deleted summary, an upload awaiting
/// confirmation for the client and one for the practice, a live and a deleted program version,
/// and a reference set of the practitioner.
async fn records_of(app: &TestApp, client: i64) -> Ids {
    let test = app.create_test(client, A_TEST).await;
    app.create_test(client, A_LATER_TEST).await;
    let flag = {
        use diesel::prelude::*;
        use htma_tracker::db::schema::flags;
        let mut conn = app.pool.get().unwrap();
        flags::table
            .filter(flags::client_id.eq(client))
            .select(flags::id)
            .first::<i64>(&mut conn)
            .expect("the second test raises a flag")
    };
    let (summary, deleted_summary) = summaries_of(app, client).await;
    let csv = "sample_date,Ca,Mg,Na,K\n2024-03-01,150,15,10,4\n";
    let upload = app.upload_csv(client, "lab.csv", csv, "mg%").await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.body);
    let client_import = upload
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let upload = app
        .upload_csv_to("/import", "practice.csv", csv, "mg%")
        .await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.body);
    let practice_import = upload
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (version, deleted_version) = program_versions_of(app, client).await;
    let reference_set = reference_set_of(app).await;
    Ids {
        client,
        test,
        summary,
        deleted_summary,
        flag,
        client_import,
        practice_import,
        version,
        deleted_version,
        reference_set,
    }
}

/// Both uploads of `records_of` are still waiting for confirmation (their previews open), its
/// program versions are as made (one live, one deleted, neither edited) and its reference set
/// is at its first version.
async fn assert_records_kept(app: &TestApp, ids: Ids) {
    {
        use diesel::prelude::*;
        use htma_tracker::db::schema::{program_versions, reference_sets};
        let mut conn = app.pool.get().unwrap();
        let mut version = |id: i64| {
            program_versions::table
                .find(id)
                .select((
                    program_versions::deleted_at.is_not_null(),
                    program_versions::updated_at.is_not_null(),
                ))
                .first::<(bool, bool)>(&mut conn)
                .unwrap()
        };
        assert_eq!(version(ids.version), (false, false), "live, not edited");
        assert_eq!(version(ids.deleted_version), (true, false), "still deleted");
        let set_version: i64 = reference_sets::table
            .find(ids.reference_set)
            .select(reference_sets::version)
            .first(&mut conn)
            .unwrap();
        assert_eq!(set_version, 1, "the reference set unchanged");
    }
    for preview in [
        format!("/clients/{}/import/{}", ids.client, ids.client_import),
        format!("/import/{}", ids.practice_import),
    ] {
        // The practice-wide rows name no reference code, so that preview shows row errors.
        let waiting = app.get(&preview).await;
        assert!(
            waiting.status == StatusCode::OK || waiting.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{preview}: {}",
            waiting.status
        );
        assert!(waiting.body.contains("lab.csv") || waiting.body.contains("practice.csv"));
    }
}

const A_TEST: &[(&str, &str)] = &[
    ("sample_date", "2025-03-01"),
    ("Ca", "160"),
    ("Mg", "18"),
    ("Na", "8"),
    ("K", "2"),
];

/// Follows `A_TEST` with changes large enough to raise flags.
const A_LATER_TEST: &[(&str, &str)] = &[
    ("sample_date", "2025-07-01"),
    ("Ca", "70"),
    ("Mg", "9"),
    ("Na", "20"),
    ("K", "9"),
];

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> crate::helpers::Reply {
    match method {
        "get" => app.get(path).await,
        _ => match token {
            Some(t) => app.post_form(path, &[("csrf_token", t)]).await,
            None => app.post_form(path, &[]).await,
        },
    }
}

/// Calls `method path` as the signed-in account with its `token` and checks the answer is 404,
/// the one answer to a record out of the asker's reach (or a route of the other role); the
/// reply, for what the caller checks beyond that.
async fn assert_not_found(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
) -> crate::helpers::Reply {
    let reply = call(app, method, path, Some(token)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
    reply
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    for path in ["/healthz", "/clients", "/no-such-page", "/static/app.css"] {
        let reply = app.get(path).await;
        let csp = reply.header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'")
                && csp.contains("object-src 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(reply.header("x-frame-options"), "DENY", "{path}");
        assert!(!reply.header("referrer-policy").is_empty(), "{path}");
    }
    let missing = app.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("Not found") && missing.body.contains("/static/app.css"),
        "404 in the layout"
    );
}

/// Whether a page is drawn in the signed-in frame: the account's navigation, its sign-out form
/// and the line saying when the session ends.
fn in_signed_in_frame(reply: &crate::helpers::Reply, navigation: &str) -> bool {
    reply.body.contains(&format!("href=\"{navigation}\""))
        && reply.body.contains("action=\"/logout\"")
        && reply.body.contains("id=\"session-end\"")
}

#[actix_web::test]
async fn error_pages_keep_the_signed_in_frame() {
    let app = spawn_app().await;
    let missing = htma_tracker::db::new_id();
    let anonymous = app.get("/no-such-page").await;
    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
    assert!(anonymous.body.contains("Not found"));
    assert!(
        !anonymous.body.contains("action=\"/logout\""),
        "no account, no frame"
    );
    assert!(!anonymous.body.contains("id=\"session-end\""));

    let setup =
        crate::portal::portal_setup(&app, "pat@example.com", "Client A", "a@example.com").await;
    // A client: an unknown page, and a record the portal does not have.
    for path in [
        "/no-such-page".to_string(),
        format!("/portal/summaries/{missing}/pdf"),
    ] {
        let reply = app.get(&path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.body.contains("Not found"), "{path}");
        assert!(
            in_signed_in_frame(&reply, "/portal/history"),
            "{path}: {}",
            reply.body
        );
    }
    // A practitioner: an unknown page, a client that is not theirs, a record missing under
    // their own client, and an invitation link a newer one replaced.
    app.set_cookies(setup.practitioner);
    let client = setup.client_id;
    for path in [
        "/no-such-page".to_string(),
        format!("/clients/{missing}"),
        format!("/clients/{client}/tests/{missing}"),
    ] {
        let reply = app.get(&path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.body.contains("Not found"), "{path}");
        assert!(
            in_signed_in_frame(&reply, "/audit"),
            "{path}: {}",
            reply.body
        );
    }
    let first = crate::portal::invitation_token(&app, client).await;
    crate::portal::invitation_token(&app, client).await;
    let replaced = app.get(&format!("/invite/{first}")).await;
    assert_eq!(replaced.status, StatusCode::GONE);
    assert!(replaced.body.contains("withdrew"));
    assert!(in_signed_in_frame(&replaced, "/audit"), "{}", replaced.body);
    app.forget_cookies();
    let replaced = app.get(&format!("/invite/{first}")).await;
    assert_eq!(replaced.status, StatusCode::GONE);
    assert!(!replaced.body.contains("action=\"/logout\""));
}

#[actix_web::test]
async fn anonymous_requests_to_protected_routes_go_to_sign_in() {
    let app = spawn_app().await;
    app.create_practitioner("pat@example.com", "correct horse battery");
    for route in ROUTES.iter().filter(|r| r.access != Access::Public) {
        let path = concrete(route.path, Ids::all(1));
        let reply = call(&app, route.method, &path, None).await;
        if route.method == "get" {
            assert_eq!(
                reply.status,
                StatusCode::SEE_OTHER,
                "{} {path}",
                route.method
            );
            assert!(reply.location().starts_with("/login?next="), "{path}");
        } else {
            // A POST without a session has no valid token either: it is refused before anything.
            assert!(
                reply.status == StatusCode::SEE_OTHER || reply.status == StatusCode::FORBIDDEN,
                "{} {path}: {}",
                route.method,
                reply.status
            );
        }
    }
}

#[actix_web::test]
async fn another_practitioners_client_is_not_found_on_every_client_url() {
    let app = spawn_app().await;
    app.signed_in_practitioner("alice@example.com").await;
    let alices_client = app.create_client("Alice's Client").await;
    let alices = records_of(&app, alices_client).await;
    let alice_cookies = app.cookies();
    app.forget_cookies();
    app.signed_in_practitioner("bob@example.com").await;
    let token = app.get("/clients").await.csrf_token();
    let missing = htma_tracker::db::new_id();
    let routes: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.access == Access::OwnClient)
        .collect();
    assert!(routes.len() >= 5);
    for route in routes {
        for ids in [
            alices,
            Ids {
                client: missing,
                ..alices
            },
            alices.records_replaced(missing),
        ] {
            let path = concrete(route.path, ids);
            let reply = assert_not_found(&app, route.method, &path, &token).await;
            assert!(!reply.body.contains("Alice's Client"));
        }
    }
    // A practitioner's own routes that name a record (the practice-wide upload, a reference
    // set) find only the signed-in practitioner's: Alice's is 404 to Bob, like a missing one.
    let naming_a_record: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.access == Access::Practitioner && r.path.contains('{'))
        .collect();
    assert_eq!(naming_a_record.len(), 4);
    for route in naming_a_record {
        for ids in [alices, Ids::all(missing)] {
            let path = concrete(route.path, ids);
            let reply = assert_not_found(&app, route.method, &path, &token).await;
            assert!(!reply.body.contains("practice.csv"), "{path}");
            assert!(!reply.body.contains("Practice set"), "{path}");
        }
    }
    // And nothing was changed: Alice still sees her client, not archived, its flag open and
    // both uploads still waiting.
    app.set_cookies(alice_cookies);
    let page = app.get(&format!("/clients/{alices_client}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("This client is archived"));
    assert!(page.body.contains(&format!(
        "/clients/{alices_client}/flags/{}/acknowledge",
        alices.flag
    )));
    assert_records_kept(&app, alices).await;
}

#[actix_web::test]
async fn a_record_is_not_found_under_another_client_of_the_same_practitioner() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let first = app.create_client("First Client").await;
    let second = app.create_client("Second Client").await;
    let firsts = records_of(&app, first).await;
    let token = app.get("/clients").await.csrf_token();
    let record_segments = [
        "{test_id}",
        "{summary_id}",
        "{flag_id}",
        "{import_id}",
        "{version_id}",
    ];
    let routes: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.access == Access::OwnClient)
        .filter(|r| record_segments.iter().any(|s| r.path.contains(s)))
        .collect();
    assert!(routes.len() >= 15, "{}", routes.len());
    for route in routes {
        // The first client's records named under the second client's URL.
        let path = concrete(
            route.path,
            Ids {
                client: second,
                ..firsts
            },
        );
        assert_not_found(&app, route.method, &path, &token).await;
    }
    // Nothing of the first client's changed: its flag is open and its uploads still wait.
    let page = app.get(&format!("/clients/{first}")).await;
    assert!(page.body.contains(&format!(
        "/clients/{first}/flags/{}/acknowledge",
        firsts.flag
    )));
    assert_records_kept(&app, firsts).await;
}

/// URL segments that cannot name a record: letters, a number past i64 (23 digits), negative,
/// zero, a float's notation.
const MALFORMED_IDS: [&str; 5] = ["abc", "12345678901234567890123", "-1", "0", "1e3"];

#[actix_web::test]
async fn a_malformed_record_id_is_not_found_on_every_route_naming_a_record() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Own Client").await;
    let ids = records_of(&app, client).await;
    let token = app.get("/clients").await.csrf_token();
    let routes: Vec<_> = ROUTES
        .iter()
        .filter(|r| matches!(r.access, Access::Practitioner | Access::OwnClient))
        .filter(|r| r.path.contains('{'))
        .collect();
    assert!(routes.len() >= 20, "{}", routes.len());
    for route in routes {
        // Each segment naming a record made malformed in turn, the others the account's own
        // real records (so only the malformed one can be the reason for the 404).
        let real: Vec<String> = concrete(route.path, ids)
            .split('/')
            .map(str::to_string)
            .collect();
        let named = route.path.split('/').enumerate();
        for (index, _) in named.filter(|(_, segment)| segment.starts_with('{')) {
            for malformed in MALFORMED_IDS {
                let mut path = real.clone();
                path[index] = malformed.to_string();
                assert_not_found(&app, route.method, &path.join("/"), &token).await;
            }
        }
    }
    assert_records_kept(&app, ids).await;
}

#[actix_web::test]
async fn a_client_account_gets_404_from_every_practitioner_route() {
    let app = spawn_app().await;
    let practitioner = app.signed_in_practitioner("pat@example.com").await;
    let client_id = app.create_client("Portal Person").await;
    let ids = records_of(&app, client_id).await;
    app.forget_cookies();
    {
        let mut conn = app.pool.get().unwrap();
        let hash = htma_tracker::auth::password::hash("client password 1").unwrap();
        htma_tracker::db::accounts::insert(
            &mut conn,
            &htma_tracker::db::accounts::NewAccount {
                id: htma_tracker::db::AccountId::fresh(),
                role: htma_tracker::db::accounts::Role::Client,
                email: "client@example.com",
                display_name: "Portal Person",
                password_hash: &hash,
                client_id: Some(htma_tracker::db::ClientId(client_id)),
                created_at: htma_tracker::db::now(),
            },
        )
        .unwrap();
    }
    let _ = practitioner;
    {
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        diesel::delete(htma_tracker::db::schema::sessions::table)
            .execute(&mut conn)
            .unwrap();
    }
    let signed_in = app.login("client@example.com", "client password 1").await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    // With the client's own valid token, so that only the role check can refuse.
    let token = {
        use diesel::prelude::*;
        use htma_tracker::db::schema::sessions;
        let mut conn = app.pool.get().unwrap();
        sessions::table
            .select(sessions::csrf_token)
            .order(sessions::created_at.desc())
            .first::<String>(&mut conn)
            .unwrap()
    };
    for route in ROUTES
        .iter()
        .filter(|r| matches!(r.access, Access::Practitioner | Access::OwnClient))
    {
        assert_not_found(&app, route.method, &concrete(route.path, ids), &token).await;
    }
}

#[actix_web::test]
async fn state_changing_posts_without_a_valid_token_are_403_and_change_nothing() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let id = app.create_client("Keep Me").await;
    let ids = records_of(&app, id).await;
    let (summary, deleted_summary) = (ids.summary, ids.deleted_summary);
    let token = app.get("/clients").await.csrf_token();
    for route in ROUTES
        .iter()
        // Portal routes refuse a practitioner before reading the form: see the portal sweep.
        .filter(|r| r.method == "post" && !matches!(r.access, Access::Public | Access::Portal))
    {
        let path = concrete(route.path, ids);
        let none = app.post_form(&path, &[("full_name", "Changed")]).await;
        assert_eq!(none.status, StatusCode::FORBIDDEN, "no token: POST {path}");
        let wrong = app
            .post_form(
                &path,
                &[("csrf_token", &"0".repeat(64)), ("full_name", "Changed")],
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::FORBIDDEN,
            "wrong token: POST {path}"
        );
        let cross = app
            .post_form_with_headers(
                &path,
                &[("csrf_token", &token), ("full_name", "Changed")],
                &[("Origin", "https://evil.example")],
            )
            .await;
        assert_eq!(
            cross.status,
            StatusCode::FORBIDDEN,
            "cross-origin: POST {path}"
        );
    }
    let page = app.get(&format!("/clients/{id}")).await;
    assert!(page.body.contains("Keep Me") && !page.body.contains("Changed"));
    // The live summary is neither shared nor deleted; the deleted one stays deleted.
    let live = app.get(&format!("/clients/{id}/summaries/{summary}")).await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(live.body.contains("Share with the client"), "not shared");
    let gone = app
        .get(&format!("/clients/{id}/summaries/{deleted_summary}"))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "still deleted");
    assert!(!page.body.contains("This client is archived"));
    // The flag is still open and neither upload was imported.
    assert!(page
        .body
        .contains(&format!("/clients/{id}/flags/{}/acknowledge", ids.flag)));
    assert_records_kept(&app, ids).await;
    assert_eq!(
        app.get("/clients").await.status,
        StatusCode::OK,
        "still signed in"
    );
    // Public POSTs (sign-in, setup) need the pre-session token too.
    app.forget_cookies();
    let reply = app
        .post_form(
            "/login",
            &[
                ("email", "pat@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

// portal and diary

#[actix_web::test]
async fn a_practitioner_gets_404_from_every_portal_route() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let token = app.get("/clients").await.csrf_token();
    let routes: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.access == Access::Portal)
        .collect();
    assert!(routes.len() >= 5);
    for route in routes {
        assert_not_found(&app, route.method, route.path, &token).await;
    }
}

#[actix_web::test]
async fn a_client_reaches_its_own_portal_and_never_another_clients_data() {
    let app = spawn_app().await;
    let a = crate::portal::portal_setup(&app, "pat@example.com", "Client A", "a@example.com").await;
    let today = app.get("/portal").await;
    let marker = "name=\"date\" value=\"";
    let date_start = today.body.find(marker).unwrap() + marker.len();
    let date = today.body[date_start..date_start + 10].to_string();
    let saved = app
        .submit(
            "/portal",
            "/portal/diary",
            &[
                ("date", &date),
                ("sev_fatigue", "9"),
                ("note", "A-secret-note"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    // Client B of the same practitioner.
    app.set_cookies(a.practitioner.clone());
    let b_id = app.create_client("Client B").await;
    let invitation = crate::portal::invitation_token(&app, b_id).await;
    app.forget_cookies();
    crate::portal::accept_invitation(
        &app,
        &invitation,
        "b@example.com",
        crate::portal::CLIENT_PASSWORD,
    )
    .await;
    let token = app.get("/portal").await.csrf_token();
    for route in ROUTES.iter().filter(|r| r.access == Access::Portal) {
        let path = match route.path {
            "/portal" => format!("/portal?date={date}"),
            other => other.to_string(),
        };
        // A route naming a record (`{summary_id}`, ...) is given an id that is not B's.
        let names_a_record = path.contains('{');
        let path = path
            .split('/')
            .map(|segment| match segment.starts_with('{') {
                true => htma_tracker::db::new_id().to_string(),
                false => segment.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let reply = call(&app, route.method, &path, Some(&token)).await;
        if names_a_record {
            assert_eq!(
                reply.status,
                StatusCode::NOT_FOUND,
                "{} {path}",
                route.method
            );
        } else {
            assert_ne!(
                reply.status,
                StatusCode::NOT_FOUND,
                "{} {path}",
                route.method
            );
        }
        assert!(!reply.status.is_server_error(), "{} {path}", route.method);
        assert!(
            !reply.body.contains("A-secret-note"),
            "{} {path}",
            route.method
        );
        assert!(!reply.body.contains("Client A"), "{} {path}", route.method);
    }
    // Portal URLs name no client: a client id slipped into the form or query is ignored, and
    // B's entry for A's date is B's own.
    let b_saved = app
        .submit(
            &format!("/portal?client_id={}", a.client_id),
            "/portal/diary",
            &[
                ("date", &date),
                ("client_id", &a.client_id.to_string()),
                ("note", "B-note"),
            ],
        )
        .await;
    assert_eq!(b_saved.status, StatusCode::SEE_OTHER, "{}", b_saved.body);
    // Every practitioner URL of A's record is 404 to B.
    for route in ROUTES.iter().filter(|r| r.access == Access::OwnClient) {
        let path = concrete(
            route.path,
            Ids {
                client: a.client_id,
                ..Ids::all(1)
            },
        );
        assert_not_found(&app, route.method, &path, &token).await;
    }
    app.set_cookies(a.client);
    let mine = app.get("/portal").await;
    assert!(mine.body.contains("A-secret-note") && !mine.body.contains("B-note"));
}

#[actix_web::test]
async fn portal_posts_without_a_valid_token_are_403_and_change_nothing() {
    let app = spawn_app().await;
    crate::portal::portal_setup(&app, "pat@example.com", "Client A", "a@example.com").await;
    let token = app.get("/portal").await.csrf_token();
    for route in ROUTES
        .iter()
        .filter(|r| r.method == "post" && r.access == Access::Portal)
    {
        let fields = [
            ("time_zone", "Europe/Copenhagen"),
            ("note", "Changed"),
            ("sev_fatigue", "3"),
        ];
        let none = app.post_form(route.path, &fields).await;
        assert_eq!(
            none.status,
            StatusCode::FORBIDDEN,
            "no token: POST {}",
            route.path
        );
        let mut wrong = vec![("csrf_token", "0".repeat(64))];
        wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = app.post_form(route.path, &wrong).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "wrong token: POST {}",
            route.path
        );
        let mut cross = vec![("csrf_token", token.as_str())];
        cross.extend_from_slice(&fields);
        let reply = app
            .post_form_with_headers(route.path, &cross, &[("Origin", "https://evil.example")])
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "cross-origin: POST {}",
            route.path
        );
    }
    let page = app.get("/portal").await;
    assert!(!page.body.contains("Changed"));
    let settings = app.get("/portal/settings").await;
    assert!(!settings.body.contains("value=\"60\" selected"));
    let mut conn = app.pool.get().unwrap();
    use diesel::prelude::*;
    let entries: i64 = htma_tracker::db::schema::diary_entries::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(entries, 0);
}
