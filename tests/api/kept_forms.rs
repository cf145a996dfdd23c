//! Nothing typed is lost (issue 14): every practitioner form posted after its session ended
//! comes back filled after sign-in (a walk of the route table), only to the account that
//! wrote it; stale tokens, planted posts, and fields over their limits.

use awc::http::StatusCode;
use chrono::Duration;
use diesel::prelude::*;
use htma_tracker::app::{Access, ROUTES};
use htma_tracker::db::schema::{kept_forms, sessions};

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::portal::portal_setup;

const EMAIL: &str = "pat@example.com";
const PASSWORD: &str = "correct horse battery";
const SIGN_IN_NOTICE: &str = "nothing you typed is lost";

/// Multipart uploads: files are not kept (the sign-in page says to choose the file again).
pub(crate) const UPLOADS: &[&str] = &[
    "/import",
    "/clients/{client_id}/import",
    "/clients/{client_id}/tests/new/from-report",
];

fn expire_sessions(app: &TestApp) {
    let mut conn = app.pool.get().unwrap();
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(htma_tracker::db::now() - Duration::hours(1)))
        .execute(&mut conn)
        .unwrap();
}

/// Opens the new-client form, lets the session end, and posts the form: the reply sends the
/// browser to sign in. Returns the form's CSRF token and that reply.
async fn new_client_posted_after_the_session_ended(
    app: &TestApp,
    full_name: &str,
    notes: &str,
) -> (String, Reply) {
    let token = app.get("/clients/new").await.csrf_token();
    expire_sessions(app);
    let posted = app
        .post_form(
            "/clients",
            &[
                ("csrf_token", &token),
                ("full_name", full_name),
                ("notes", notes),
            ],
        )
        .await;
    assert_eq!(posted.location(), "/login?next=/clients/new");
    (token, posted)
}

fn kept_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().unwrap();
    kept_forms::table.count().get_result(&mut conn).unwrap()
}

/// Every text column of every kept form, as the table stores it.
pub fn stored_text(app: &TestApp) -> String {
    let mut conn = app.pool.get().unwrap();
    let rows: Vec<(String, String, String, String, String)> = kept_forms::table
        .select((
            kept_forms::token_hash,
            kept_forms::remote_addr,
            kept_forms::action_path,
            kept_forms::page_path,
            kept_forms::sealed,
        ))
        .load(&mut conn)
        .unwrap();
    rows.into_iter()
        .map(|(a, b, c, d, e)| [a, b, c, d, e].join("\n"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The records the walk's forms act on (this walk's and `timeline_cache`'s).
pub(crate) struct World {
    /// A client with tests, a flag, summaries, a portal account and a diary entry.
    pub(crate) client: i64,
    /// The session cookies of that client's portal account.
    pub(crate) portal: std::collections::BTreeMap<String, String>,
    test: i64,
    deleted_test: i64,
    flag: String,
    pub(crate) summary: i64,
    pub(crate) deleted_summary: i64,
    /// A client with a link not yet used (its page offers to withdraw it).
    pub(crate) invited: i64,
    pub(crate) archived: i64,
    client_import: String,
    bulk_import: String,
    pub(crate) set: String,
    version: String,
    deleted_version: String,
}

/// The number after `marker` in a page or location.
fn number_after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {text}"))
        + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect()
}

pub(crate) async fn world(app: &TestApp) -> World {
    let setup = portal_setup(app, EMAIL, "Aiko Tanaka", "aiko@example.com").await;
    let client = setup.client_id;
    // The client writes a diary entry (the practitioner's diary page then offers annotations).
    app.set_cookies(setup.client.clone());
    let today = htma_tracker::domain::diary::UtcOffset::server_default()
        .local_date(htma_tracker::db::now())
        .to_string();
    let entry = app
        .submit(
            "/portal",
            "/portal/diary",
            &[("date", &today), ("revision", "0"), ("note", "tired")],
        )
        .await;
    assert_eq!(entry.status, StatusCode::SEE_OTHER, "{}", entry.body);
    app.set_cookies(setup.practitioner);

    app.submit(
        &format!("/clients/{client}/edit"),
        &format!("/clients/{client}/edit"),
        &[("full_name", "Aiko Tanaka"), ("reference_code", "AT-1")],
    )
    .await;
    let fields = [
        ("sample_date", "2025-03-01"),
        ("Ca", "160"),
        ("Mg", "18"),
        ("Na", "8"),
        ("K", "2"),
    ];
    let test = app.create_test(client, &fields).await;
    let later = [
        ("sample_date", "2025-07-01"),
        ("Ca", "70"),
        ("Mg", "9"),
        ("Na", "20"),
        ("K", "9"),
    ];
    app.create_test(client, &later).await;
    let mut earlier = later;
    earlier[0] = ("sample_date", "2024-01-01");
    let deleted_test = app.create_test(client, &earlier).await;
    let gone = app
        .submit(
            &format!("/clients/{client}/tests/{deleted_test}"),
            &format!("/clients/{client}/tests/{deleted_test}/delete"),
            &[],
        )
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let timeline = app.get(&format!("/clients/{client}")).await;
    let flag = number_after(&timeline.body, &format!("/clients/{client}/flags/"));
    for starts_on in ["2025-04-01", "2025-05-01"] {
        let made = app
            .submit(
                &format!("/clients/{client}/program/new"),
                &format!("/clients/{client}/program"),
                &[("starts_on", starts_on), ("diet", "Less coffee")],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    }
    let timeline = app.get(&format!("/clients/{client}")).await;
    let program = format!("/clients/{client}/program/");
    let mut versions: Vec<String> = Vec::new();
    for (at, _) in timeline.body.match_indices(&program) {
        let id: String = timeline.body[at + program.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if !id.is_empty() && !versions.contains(&id) {
            versions.push(id);
        }
    }
    assert_eq!(versions.len(), 2, "two versions on the client page");
    let (version, deleted_version) = (versions[0].clone(), versions[1].clone());
    let removed = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/program/{deleted_version}/delete"),
            &[],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let mut summaries = Vec::new();
    for _ in 0..2 {
        let made = app
            .submit(
                &format!("/clients/{client}/summaries/new"),
                &format!("/clients/{client}/summaries"),
                &[("period_start", "2025-01-01"), ("period_end", "2025-12-31")],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        summaries.push(number_after(made.location(), "/summaries/"));
    }
    let deleted = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/summaries/{}/delete", summaries[1]),
            &[],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);

    let invited = app.create_client("Ines Link").await;
    let link = app
        .submit(
            &format!("/clients/{invited}"),
            &format!("/clients/{invited}/invitations"),
            &[],
        )
        .await;
    assert!(link.status.is_success() || link.status == StatusCode::SEE_OTHER);
    let archived = app.create_client("Arne Archived").await;
    let archive = app
        .submit(
            &format!("/clients/{archived}"),
            &format!("/clients/{archived}/archive"),
            &[],
        )
        .await;
    assert_eq!(archive.status, StatusCode::SEE_OTHER);

    let csv = "sample_date,Ca,Mg,Na,K\n2024-03-01,150,15,10,4\n";
    let upload = app.upload_csv(client, "lab.csv", csv, "mg%").await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.body);
    let client_import = upload.location().rsplit('/').next().unwrap().to_string();
    let bulk = "sample_date,client_ref,Ca,Mg,Na,K\n2024-02-01,AT-1,150,15,10,4\n";
    let upload = app
        .upload_csv_to("/import", "practice.csv", bulk, "mg%")
        .await;
    assert_eq!(upload.status, StatusCode::SEE_OTHER, "{}", upload.body);
    let bulk_import = upload.location().rsplit('/').next().unwrap().to_string();

    let set = app
        .submit(
            "/settings/reference-sets",
            "/settings/reference-sets",
            &[("source", "default"), ("name", "mine")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let set = number_after(set.location(), "/settings/reference-sets/");

    World {
        client,
        portal: setup.client.clone(),
        test,
        deleted_test,
        flag,
        summary: summaries[0].parse().unwrap(),
        deleted_summary: summaries[1].parse().unwrap(),
        invited,
        archived,
        client_import,
        bulk_import,
        set,
        version,
        deleted_version,
    }
}

/// One practitioner form: where it is, where it posts, what is typed into it, and a piece of
/// the typed text to find in the page that comes back (None: a form of buttons only).
pub(crate) struct Case {
    pub(crate) page: String,
    pub(crate) action: String,
    pub(crate) fields: Vec<(&'static str, &'static str)>,
    typed: Option<&'static str>,
}

pub(crate) fn case_for(pattern: &str, w: &World) -> Case {
    let c = w.client;
    let case =
        |page: String, action: String, fields: Vec<(&'static str, &'static str)>, typed| Case {
            page,
            action,
            fields,
            typed,
        };
    match pattern {
        "/clients" => case(
            "/clients/new".into(),
            "/clients".into(),
            vec![("full_name", "Kept Newcomer"), ("sex", "F")],
            Some("Kept Newcomer"),
        ),
        "/import/{import_id}/confirm" => case(
            format!("/import/{}", w.bulk_import),
            format!("/import/{}/confirm", w.bulk_import),
            vec![],
            None,
        ),
        "/clients/{client_id}/edit" => case(
            format!("/clients/{c}/edit"),
            format!("/clients/{c}/edit"),
            vec![
                ("full_name", "Aiko Tanaka"),
                ("notes", "Kept client notes, typed slowly"),
            ],
            Some("Kept client notes, typed slowly"),
        ),
        "/clients/{client_id}/archive" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/archive"),
            vec![],
            None,
        ),
        "/clients/{client_id}/restore" => case(
            format!("/clients/{}", w.archived),
            format!("/clients/{}/restore", w.archived),
            vec![],
            None,
        ),
        "/clients/{client_id}/tests" => case(
            format!("/clients/{c}/tests/new"),
            format!("/clients/{c}/tests"),
            vec![
                ("sample_date", "2025-09-01"),
                ("Ca", "123.45"),
                ("notes", "Kept hair test notes"),
            ],
            Some("Kept hair test notes"),
        ),
        "/clients/{client_id}/tests/{test_id}/edit" => case(
            format!("/clients/{c}/tests/{}/edit", w.test),
            format!("/clients/{c}/tests/{}/edit", w.test),
            vec![
                ("sample_date", "2025-03-01"),
                ("Ca", "161.7"),
                ("notes", "Kept edit notes"),
            ],
            Some("Kept edit notes"),
        ),
        "/clients/{client_id}/tests/{test_id}/delete" => case(
            format!("/clients/{c}/tests/{}", w.test),
            format!("/clients/{c}/tests/{}/delete", w.test),
            vec![],
            None,
        ),
        "/clients/{client_id}/tests/{test_id}/restore" => case(
            format!("/clients/{c}/tests/{}", w.deleted_test),
            format!("/clients/{c}/tests/{}/restore", w.deleted_test),
            vec![],
            None,
        ),
        "/clients/{client_id}/flags/{flag_id}/acknowledge" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/flags/{}/acknowledge", w.flag),
            vec![("note", "Kept flag note")],
            Some("Kept flag note"),
        ),
        "/clients/{client_id}/program" => case(
            format!("/clients/{c}/program/new"),
            format!("/clients/{c}/program"),
            vec![
                ("starts_on", "2025-02-01"),
                ("diet", "Kept diet guidance"),
                ("supplement_name_0", "Kept Zinc"),
            ],
            Some("Kept diet guidance"),
        ),
        "/clients/{client_id}/program/{version_id}/edit" => case(
            format!("/clients/{c}/program/{}/edit", w.version),
            format!("/clients/{c}/program/{}/edit", w.version),
            vec![("starts_on", "2025-04-02"), ("diet", "Kept corrected diet")],
            Some("Kept corrected diet"),
        ),
        "/clients/{client_id}/program/{version_id}/delete" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/program/{}/delete", w.version),
            vec![],
            None,
        ),
        "/clients/{client_id}/program/{version_id}/restore" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/program/{}/restore", w.deleted_version),
            vec![],
            None,
        ),
        "/clients/{client_id}/retest-interval" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/retest-interval"),
            vec![("months", "17")],
            Some("value=\"17\""),
        ),
        "/clients/{client_id}/summaries" => case(
            format!("/clients/{c}/summaries/new"),
            format!("/clients/{c}/summaries"),
            vec![
                ("period_start", "2025-01-01"),
                ("period_end", "2025-06-30"),
                ("comment", "Kept summary comment"),
            ],
            Some("Kept summary comment"),
        ),
        "/clients/{client_id}/summaries/{summary_id}/share" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/summaries/{}/share", w.summary),
            vec![("back", "client"), ("shared", "1")],
            None,
        ),
        "/clients/{client_id}/summaries/{summary_id}/delete" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/summaries/{}/delete", w.summary),
            vec![],
            None,
        ),
        "/clients/{client_id}/summaries/{summary_id}/restore" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/summaries/{}/restore", w.deleted_summary),
            vec![],
            None,
        ),
        "/clients/{client_id}/import/{import_id}/confirm" => case(
            format!("/clients/{c}/import/{}", w.client_import),
            format!("/clients/{c}/import/{}/confirm", w.client_import),
            vec![],
            None,
        ),
        "/clients/{client_id}/invitations" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/invitations"),
            vec![],
            None,
        ),
        "/clients/{client_id}/invitations/revoke" => case(
            format!("/clients/{}", w.invited),
            format!("/clients/{}/invitations/revoke", w.invited),
            vec![],
            None,
        ),
        "/clients/{client_id}/share-results" => case(
            format!("/clients/{c}"),
            format!("/clients/{c}/share-results"),
            vec![("share", "1")],
            None,
        ),
        "/clients/{client_id}/diary/annotations" => {
            let today = htma_tracker::domain::diary::UtcOffset::server_default()
                .local_date(htma_tracker::db::now())
                .to_string();
            Case {
                page: format!("/clients/{c}/diary"),
                action: format!("/clients/{c}/diary/annotations"),
                fields: vec![
                    ("date", Box::leak(today.into_boxed_str())),
                    ("annotation", "Kept annotation"),
                ],
                typed: Some("Kept annotation"),
            }
        }
        "/clients/{client_id}/symptoms" => case(
            format!("/clients/{c}/diary"),
            format!("/clients/{c}/symptoms"),
            vec![("label", "Kept symptom")],
            Some("value=\"Kept symptom\""),
        ),
        "/settings/reference-sets" => case(
            "/settings/reference-sets".into(),
            "/settings/reference-sets".into(),
            vec![("source", "default"), ("name", "kept-set-name")],
            Some("value=\"kept-set-name\""),
        ),
        "/settings/reference-sets/active" => case(
            "/settings/reference-sets".into(),
            "/settings/reference-sets/active".into(),
            vec![("set", Box::leak(w.set.clone().into_boxed_str()))],
            None,
        ),
        "/settings/reference-sets/{set_id}/edit" => case(
            format!("/settings/reference-sets/{}/edit", w.set),
            format!("/settings/reference-sets/{}/edit", w.set),
            vec![("ideal_Ca", "41.5")],
            Some("value=\"41.5\""),
        ),
        other => panic!("no case for the practitioner form {other}: add one to this walk"),
    }
}

/// The walk: for every practitioner POST of the route table, open its page, let the session
/// end, post the form as the browser would, sign in (the page says why), and find the same form
/// back with what was typed. Nothing was saved on the way.
#[actix_web::test]
async fn every_practitioner_form_posted_after_the_session_ended_comes_back_filled() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut walked = 0;
    for route in ROUTES.iter().filter(|r| {
        r.method == "post" && matches!(r.access, Access::Practitioner | Access::OwnClient)
    }) {
        if UPLOADS.contains(&route.path) {
            continue;
        }
        let case = case_for(route.path, &w);
        let page = app.get(&case.page).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", case.page, page.body);
        assert!(
            page.body.contains(&format!("action=\"{}\"", case.action)),
            "{} has no form posting to {}",
            case.page,
            case.action
        );
        let token = page.csrf_token();
        expire_sessions(&app);
        let mut fields = vec![("csrf_token", token.as_str())];
        fields.extend(case.fields.iter().copied());
        let referer = app.url(&case.page);
        let posted = app
            .post_form_with_headers(
                &case.action,
                &fields,
                &[("Referer", &referer), ("Origin", &app.address)],
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", case.action);
        assert!(
            posted.location().starts_with("/login?next="),
            "{}: {}",
            case.action,
            posted.location()
        );
        let sign_in = app.get(posted.location()).await;
        assert!(sign_in.body.contains(SIGN_IN_NOTICE), "{}", case.action);
        let signed = app
            .submit(
                posted.location(),
                "/login",
                &[
                    ("email", EMAIL),
                    ("password", PASSWORD),
                    ("next", &case.page),
                ],
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        assert_eq!(signed.location(), case.page);
        let back = app.get(&case.page).await;
        assert_eq!(back.status, StatusCode::OK, "{}", case.action);
        assert!(
            back.body.contains("kept-notice"),
            "{}: the form did not come back:\n{}",
            case.action,
            back.body
        );
        if let Some(typed) = case.typed {
            assert!(
                back.body.contains(typed),
                "{}: {typed} not in the form that came back",
                case.action
            );
        }
        // Shown once; the kept copy is gone.
        assert_eq!(kept_count(&app), 0, "{}", case.action);
        assert!(!app.get(&case.page).await.body.contains("kept-notice"));
        walked += 1;
    }
    assert!(walked >= 20, "only {walked} forms walked");
    // Nothing was saved on the way: the archived client is still archived, the test still there.
    let archived = app.get(&format!("/clients/{}", w.archived)).await;
    assert!(archived
        .body
        .contains(&format!("/clients/{}/restore", w.archived)));
    let test = app
        .get(&format!("/clients/{}/tests/{}", w.client, w.test))
        .await;
    assert!(test.body.contains("/delete"));
}

/// The text fields of a page that do not state their maximum: each needs a `maxlength` and a
/// description (`aria-describedby`, which a screen reader reads with the field) saying "Up to
/// N characters". Numbers (`inputmode="decimal"`, type number or date), one-time codes (their
/// hint says six digits) and read-only boxes are not free text.
fn fields_without_a_stated_maximum(html: &str) -> Vec<String> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let marker = format!(" {name}=\"");
        tag.find(&marker).map(|i| {
            let value = &tag[i + marker.len()..];
            value[..value.find('"').unwrap_or(value.len())].to_string()
        })
    };
    let says_its_maximum = |id: &str| {
        let marker = format!("id=\"{id}\">");
        html.find(&marker).is_some_and(|i| {
            let text = &html[i + marker.len()..];
            let text = text[..text.find('<').unwrap_or(text.len())].to_lowercase();
            text.contains("up to ") && text.contains(" characters")
        })
    };
    let mut missing = Vec::new();
    for (start, _) in html.match_indices('<') {
        let rest = &html[start..];
        let (input, area) = (rest.starts_with("<input "), rest.starts_with("<textarea "));
        if !input && !area {
            continue;
        }
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if input {
            let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
            let free_text = matches!(
                kind.as_str(),
                "text" | "email" | "tel" | "search" | "url" | "password"
            );
            if !free_text
                || tag.contains(" readonly")
                || attr(tag, "inputmode").as_deref() == Some("decimal")
                || attr(tag, "autocomplete").as_deref() == Some("one-time-code")
            {
                continue;
            }
        }
        let stated = attr(tag, "maxlength").is_some()
            && attr(tag, "aria-describedby")
                .is_some_and(|ids| ids.split_whitespace().any(&says_its_maximum));
        if !stated {
            missing.push(attr(tag, "name").unwrap_or_else(|| tag.to_string()));
        }
    }
    missing
}

/// Every text field states its maximum where a screen reader hears it (issue 14): every page of
/// the practitioner's forms (the walk's pages), the client's portal pages, the sign-in page.
#[actix_web::test]
async fn every_text_field_states_its_maximum() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut pages: Vec<String> = vec!["/".into(), "/clients".into(), "/account".into()];
    for route in ROUTES.iter().filter(|r| {
        r.method == "post" && matches!(r.access, Access::Practitioner | Access::OwnClient)
    }) {
        if !UPLOADS.contains(&route.path) {
            pages.push(case_for(route.path, &w).page);
        }
    }
    pages.push(format!("/clients/{}/tests/new/from-report", w.client));
    pages.push(format!("/clients/{}", w.client));
    pages.sort();
    pages.dedup();
    let mut checked_fields = 0;
    for page in &pages {
        let reply = app.get(page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        let missing = fields_without_a_stated_maximum(&reply.body);
        assert!(
            missing.is_empty(),
            "{page}: no stated maximum on {missing:?}"
        );
        checked_fields += reply.body.matches("maxlength=").count();
    }
    assert!(checked_fields > 40, "only {checked_fields} fields seen");
    // The client's portal, and the sign-in page.
    app.forget_cookies();
    app.login("aiko@example.com", crate::portal::CLIENT_PASSWORD)
        .await;
    for page in ["/portal", "/portal/settings", "/account"] {
        let reply = app.get(page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        let missing = fields_without_a_stated_maximum(&reply.body);
        assert!(
            missing.is_empty(),
            "{page}: no stated maximum on {missing:?}"
        );
    }
    app.forget_cookies();
    let login = app.get("/login").await;
    assert_eq!(
        fields_without_a_stated_maximum(&login.body),
        Vec::<String>::new()
    );
    assert!(login.body.contains("Up to 254 characters."));
    // The checker does fail on a field without one.
    assert_eq!(
        fields_without_a_stated_maximum(r#"<input name="x" maxlength="5">"#),
        vec!["x".to_string()]
    );
}

/// Kept fields are sealed at rest: the table holds the hash of the cookie's token and
/// ciphertext, never what was typed (in any encoding) nor the token itself; the browser that
/// holds the cookie still gets the form back whole.
#[actix_web::test]
async fn kept_fields_are_sealed_at_rest() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let (token, posted) = new_client_posted_after_the_session_ended(
        &app,
        "Sealed Person",
        "words nobody reads in the table",
    )
    .await;
    let cookie = app
        .cookies()
        .get("htma_kept")
        .cloned()
        .expect("the kept cookie");
    assert_eq!(kept_count(&app), 1);
    let stored = stored_text(&app);
    assert!(
        stored.contains("/clients/new"),
        "the row is there: {stored}"
    );
    for typed in [
        "Sealed",
        "Person",
        "nobody",
        "words+nobody",
        "words%20nobody",
        "full_name",
        "notes",
        token.as_str(),
        cookie.as_str(),
    ] {
        assert!(!stored.contains(typed), "{typed} is readable in the table");
    }
    app.submit(
        posted.location(),
        "/login",
        &[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("next", "/clients/new"),
        ],
    )
    .await;
    let page = app.get("/clients/new").await;
    assert!(
        page.body.contains("value=\"Sealed Person\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("words nobody reads in the table"));
    // Shown back once, then gone.
    assert_eq!(kept_count(&app), 0);
}

/// A form not tied to a client, posted after its session was signed out in another tab (which
/// took the session cookie with it), is bound to its owner through the record of ended
/// sessions: kept, given to no other account, and back for its owner after sign-in. Without a
/// same-origin post it is not kept.
#[actix_web::test]
async fn a_form_posted_after_a_sign_out_in_another_tab_comes_back_to_its_owner() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    app.create_practitioner("other@example.com", PASSWORD);
    let token = app.get("/clients/new").await.csrf_token();
    // The other tab signs out: the session ends and the browser drops its cookie.
    app.post_form("/logout", &[("csrf_token", &token)]).await;
    assert!(!app.cookies().contains_key("htma_session"));
    let fields = [
        ("csrf_token", token.as_str()),
        ("full_name", "Typed Before"),
        ("notes", "typed in the first tab"),
    ];
    let unproven = app.post_form("/clients", &fields).await;
    assert_eq!(unproven.status, StatusCode::SEE_OTHER);
    assert_eq!(kept_count(&app), 0, "no Origin: not kept");
    let posted = app
        .post_form_with_headers("/clients", &fields, &[("Origin", &app.address)])
        .await;
    assert_eq!(posted.location(), "/login?next=/clients/new");
    assert_eq!(kept_count(&app), 1);
    assert!(app
        .get(posted.location())
        .await
        .body
        .contains(SIGN_IN_NOTICE));
    let sign_in_as = |email: &'static str| {
        let location = posted.location().to_string();
        let app = &app;
        async move {
            app.submit(
                &location,
                "/login",
                &[
                    ("email", email),
                    ("password", PASSWORD),
                    ("next", "/clients/new"),
                ],
            )
            .await
        }
    };
    // Another practitioner at the same browser does not get it.
    assert_eq!(
        sign_in_as("other@example.com").await.location(),
        "/clients/new"
    );
    let page = app.get("/clients/new").await;
    assert!(!page.body.contains("Typed Before") && !page.body.contains("kept-notice"));
    app.post_form("/logout", &[("csrf_token", &page.csrf_token())])
        .await;
    // Its owner does.
    assert_eq!(sign_in_as(EMAIL).await.location(), "/clients/new");
    let page = app.get("/clients/new").await;
    assert!(page.body.contains("kept-notice"), "{}", page.body);
    assert!(page.body.contains("value=\"Typed Before\""));
    assert!(page.body.contains("typed in the first tab"));
    assert_eq!(kept_count(&app), 0);
}

/// A file upload is not kept; the sign-in page says to choose the file again.
#[actix_web::test]
async fn an_upload_after_the_session_ended_asks_for_the_file_again() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let client = app.create_client("Ada Upload").await;
    let path = format!("/clients/{client}/import");
    let token = app.get(&path).await.csrf_token();
    expire_sessions(&app);
    let boundary = "----kept";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}--\r\n"
    );
    let reply = app
        .post_raw(
            &path,
            &format!("multipart/form-data; boundary={boundary}"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        reply.location().ends_with("&upload=1"),
        "{}",
        reply.location()
    );
    let page = app.get(reply.location()).await;
    assert!(page.body.contains("choose the file again"));
    assert_eq!(kept_count(&app), 0);
}

/// Pasted lab-report text (the multipart from-report form) is kept like any form: after
/// sign-in the text is back in its box, sealed in the table meanwhile.
#[actix_web::test]
async fn pasted_report_text_is_kept_across_the_session_end() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let client = app.create_client("Ada Paste").await;
    let path = format!("/clients/{client}/tests/new/from-report");
    let token = app.get(&path).await.csrf_token();
    expire_sessions(&app);
    let boundary = "----kept";
    let pasted = "Calcium 58.2 mg%\nMagnesium 6.1 mg%";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{pasted}\r\n--{boundary}--\r\n"
    );
    let reply = app
        .post_raw(
            &path,
            &format!("multipart/form-data; boundary={boundary}"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), format!("/login?next={path}"));
    assert_eq!(kept_count(&app), 1);
    assert!(!stored_text(&app).contains("Calcium"));
    let sign_in = app.get(reply.location()).await;
    assert!(sign_in.body.contains(SIGN_IN_NOTICE));
    app.submit(
        reply.location(),
        "/login",
        &[("email", EMAIL), ("password", PASSWORD), ("next", &path)],
    )
    .await;
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("kept-notice"), "{}", page.body);
    assert!(
        page.body
            .contains("Calcium 58.2 mg%\nMagnesium 6.1 mg%</textarea>"),
        "{}",
        page.body
    );
    assert_eq!(kept_count(&app), 0);
}

/// A form kept for one practitioner is never shown to another signing in at the same browser;
/// its owner still gets it back afterwards.
#[actix_web::test]
async fn a_kept_form_is_shown_to_its_own_account_only() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    app.create_practitioner("other@example.com", PASSWORD);
    let (_, posted) =
        new_client_posted_after_the_session_ended(&app, "Private Name", "private notes").await;
    let other = app
        .submit(
            posted.location(),
            "/login",
            &[
                ("email", "other@example.com"),
                ("password", PASSWORD),
                ("next", "/clients/new"),
            ],
        )
        .await;
    assert_eq!(other.location(), "/clients/new");
    let page = app.get("/clients/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Private Name") && !page.body.contains("kept-notice"));
    // The owner, signing in at the same browser, gets it back.
    let token = page.csrf_token();
    app.post_form("/logout", &[("csrf_token", &token)]).await;
    app.submit(
        "/login",
        "/login",
        &[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("next", "/clients/new"),
        ],
    )
    .await;
    let page = app.get("/clients/new").await;
    assert!(page.body.contains("Private Name") && page.body.contains("private notes"));
}

/// A form whose session row is gone (signed out in another tab) is kept only with a
/// same-origin post naming a client, and only that client's practitioner sees it; a post
/// from nowhere (no Origin, an invented token) plants nothing.
#[actix_web::test]
async fn a_stale_token_is_kept_only_from_our_pages_and_for_the_clients_practitioner() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let client = app.create_client("Ada Stale").await;
    let edit = format!("/clients/{client}/edit");
    let token = app.get(&edit).await.csrf_token();
    // Signed out (elsewhere) and in again: the old token is stale, its session row gone.
    app.post_form("/logout", &[("csrf_token", &token)]).await;
    app.login(EMAIL, PASSWORD).await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("full_name", "Ada Stale"),
        ("notes", "typed before the sign-out"),
    ];
    let forged = app.post_form(&edit, &fields).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no Origin: not kept");
    assert_eq!(kept_count(&app), 0);
    let posted = app
        .post_form_with_headers(&edit, &fields, &[("Origin", &app.address)])
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        posted.location(),
        edit,
        "signed in: straight back to the form"
    );
    let page = app.get(&edit).await;
    assert!(page.body.contains("typed before the sign-out"));

    // Planting without any session: an invented token, even same-origin, for a form without a
    // client is not kept.
    app.forget_cookies();
    let invented = "a".repeat(64);
    let planted = app
        .post_form_with_headers(
            "/clients",
            &[("csrf_token", invented.as_str()), ("full_name", "Planted")],
            &[("Origin", &app.address)],
        )
        .await;
    assert_eq!(planted.status, StatusCode::SEE_OTHER);
    assert!(!planted.location().is_empty());
    assert_eq!(kept_count(&app), 0);
    let sign_in = app.get(planted.location()).await;
    assert!(!sign_in.body.contains(SIGN_IN_NOTICE));
}

/// A field over its limit, in a body larger than the old 256 KB cap, comes back as its form
/// with a message on that field and everything else typed; a body no form reaches is 413.
#[actix_web::test]
async fn an_oversized_field_comes_back_as_the_form_with_a_message() {
    let app = spawn_app().await;
    app.signed_in_practitioner(EMAIL).await;
    let client = app.create_client("Ada Long").await;
    let edit = format!("/clients/{client}/edit");
    let notes = "n".repeat(300 * 1024);
    let reply = app
        .submit(
            &edit,
            &edit,
            &[
                ("full_name", "Ada Typed"),
                ("phone", "+45 1234"),
                ("notes", &notes),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), edit);
    let page = app.get(&edit).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("307,200 characters; the limit is 20,000"),
        "{}",
        &page.body[..2000.min(page.body.len())]
    );
    assert!(page.body.contains("value=\"Ada Typed\"") && page.body.contains("value=\"+45 1234\""));
    assert!(page.body.contains("aria-invalid=\"true\""));
    // Nothing saved.
    assert!(!app
        .get(&format!("/clients/{client}"))
        .await
        .body
        .contains("Ada Typed"));

    let huge = "n".repeat(5 * 1024 * 1024);
    let refused = app.submit(&edit, &edit, &[("notes", &huge)]).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
}
