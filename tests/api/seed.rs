//! `seed-demo` on both engines: the demo practice and the generated data set (`--clients N
//! --years Y`) are written, are not written twice, and the app serves them.

use awc::http::StatusCode;
use diesel::prelude::*;

use crate::helpers::{fresh_database_url, spawn_with_pool};
use htma_tracker::db::schema::{accounts, audit_events, clients, diary_entries, flags, hair_tests};
use htma_tracker::seed::scale::{ScaleOptions, DEFAULT_SEED};
use htma_tracker::seed::{seed_demo, seed_demo_scale, DEMO_EMAIL, DEMO_PASSWORD};

fn generated(conn: &mut htma_tracker::db::DbConn) -> (i64, i64, i64, i64) {
    let client_ids: Vec<i64> = clients::table
        .filter(clients::reference_code.like("S-%"))
        .select(clients::id)
        .load(conn)
        .expect("clients");
    let tests = hair_tests::table
        .filter(hair_tests::client_id.eq_any(&client_ids))
        .count()
        .get_result(conn)
        .expect("tests");
    let days = diary_entries::table
        .filter(diary_entries::client_id.eq_any(&client_ids))
        .count()
        .get_result(conn)
        .expect("diary");
    let flag_count = flags::table
        .filter(flags::client_id.eq_any(&client_ids))
        .count()
        .get_result(conn)
        .expect("flags");
    (client_ids.len() as i64, tests, days, flag_count)
}

#[actix_web::test]
async fn a_generated_data_set_is_seeded_once_and_served() {
    let url = fresh_database_url();
    let pool = htma_tracker::db::connect(&url, 4).expect("database");
    let options = ScaleOptions {
        clients: 3,
        years: 1,
        seed: DEFAULT_SEED,
    };
    let counts = {
        let mut conn = pool.get().expect("connection");
        let summary = seed_demo_scale(&mut conn, options).expect("seed");
        assert!(summary.contains("generated 3 clients"), "{summary}");
        let counts = generated(&mut conn);
        // 1 year: 3–4 tests each (every 90–120 days), a diary on most days since they started.
        assert_eq!(counts.0, 3);
        assert!((6..=15).contains(&counts.1), "{counts:?}");
        assert!(counts.2 > 150, "{counts:?}");
        assert!(counts.3 > 0, "flags are derived: {counts:?}");
        let again = seed_demo_scale(&mut conn, options).expect("seed again");
        assert!(again.contains("already present"), "{again}");
        assert_eq!(
            generated(&mut conn),
            counts,
            "nothing added the second time"
        );
        counts
    };
    assert!(counts.1 > 0);

    let app = spawn_with_pool(pool.clone(), url);
    let reply = app.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let client: i64 = {
        let mut conn = pool.get().expect("connection");
        clients::table
            .filter(clients::reference_code.eq("S-00001"))
            .select(clients::id)
            .first(&mut conn)
            .expect("the first generated client")
    };
    for path in ["/".to_string(), format!("/clients/{client}")] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }
    // The first generated clients have portal accounts with the demo password.
    app.forget_cookies();
    let reply = app.login("client-00001@example.com", DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let portal = app.get("/portal").await;
    assert_eq!(portal.status, StatusCode::OK, "{}", portal.body);
}

/// Rows of the demo practice: clients, tests, diary days, flags (open), audit events.
fn demo_counts(conn: &mut htma_tracker::db::DbConn) -> [i64; 5] {
    let count = |query: Result<i64, diesel::result::Error>| query.expect("count");
    [
        count(clients::table.count().get_result(conn)),
        count(hair_tests::table.count().get_result(conn)),
        count(diary_entries::table.count().get_result(conn)),
        count(
            flags::table
                .filter(flags::active.eq(true))
                .filter(flags::acknowledged_at.is_null())
                .count()
                .get_result(conn),
        ),
        count(audit_events::table.count().get_result(conn)),
    ]
}

/// The number in a dashboard counter (`<span class="num">2</span> retests overdue`).
fn counter(page: &str, label: &str) -> i64 {
    let end = page
        .find(&format!("</span> {label}"))
        .unwrap_or_else(|| panic!("no counter {label:?} on the dashboard"));
    let start = page[..end].rfind('>').expect("the counter's number") + 1;
    page[start..end].trim().parse().expect("a number")
}

#[actix_web::test]
async fn the_demo_practice_is_seeded_once_and_shows_every_feature() {
    let url = fresh_database_url();
    let pool = htma_tracker::db::connect(&url, 4).expect("database");
    let counts = {
        let mut conn = pool.get().expect("connection");
        let message = seed_demo(&mut conn).expect("seed");
        for line in [
            "practitioner sign-in: demo@example.com / demo-password-2026",
            "client portal sign-in (Maria Jensen): maria.jensen@example.com / demo-password-2026",
        ] {
            assert!(message.contains(line), "{line:?} not in:\n{message}");
        }
        let counts = demo_counts(&mut conn);
        let [clients, tests, days, open_flags, _] = counts;
        assert_eq!(clients, 11, "{counts:?}");
        assert!((40..60).contains(&tests), "{counts:?}");
        assert!(days > 2000, "{counts:?}");
        assert!((3..30).contains(&open_flags), "{counts:?}");
        let again = seed_demo(&mut conn).expect("seed again");
        assert!(again.contains("already present"), "{again}");
        assert!(again.contains("maria.jensen@example.com"), "{again}");
        assert_eq!(
            demo_counts(&mut conn),
            counts,
            "nothing written the second time"
        );
        counts
    };
    assert!(counts[1] > 0);

    let app = spawn_with_pool(pool.clone(), url);
    let reply = app.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let dashboard = app.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(counter(&dashboard.body, "active clients"), 10);
    assert_eq!(counter(&dashboard.body, "open flags"), counts[3]);
    assert!(counter(&dashboard.body, "retests overdue") >= 2);
    for name in ["Maria Jensen", "Hugo Lindqvist", "Tom Becker"] {
        assert!(dashboard.body.contains(name), "{name} not on the dashboard");
    }
    assert!(dashboard.body.contains("overdue"));

    // Every client's page and every test page of the demo is served.
    let (client_ids, test_ids): (Vec<i64>, Vec<(i64, i64)>) = {
        let mut conn = pool.get().expect("connection");
        let client_ids = clients::table.select(clients::id).load(&mut conn).unwrap();
        let tests = hair_tests::table
            .select((hair_tests::client_id, hair_tests::id))
            .load(&mut conn)
            .unwrap();
        (client_ids, tests)
    };
    for client in &client_ids {
        for path in [
            format!("/clients/{client}"),
            format!("/clients/{client}/diary"),
        ] {
            let page = app.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        }
    }
    for (client, test) in &test_ids {
        let path = format!("/clients/{client}/tests/{test}");
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }

    // The portal account signs in and sees its results and the shared summary.
    app.forget_cookies();
    let reply = app.login("maria.jensen@example.com", DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let results = app.get("/portal/results").await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.body);
    assert!(results.body.contains("Oxidation type"), "{}", results.body);
    let today = app.get("/portal").await;
    assert!(
        today.body.contains("/portal/summaries/"),
        "no shared summary:\n{}",
        today.body
    );
    let portal_accounts: i64 = {
        let mut conn = pool.get().expect("connection");
        accounts::table
            .filter(accounts::client_id.is_not_null())
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(portal_accounts, 1);
}

/// The client of the demo practice with this name.
fn demo_client(pool: &htma_tracker::db::Pool, name: &str) -> i64 {
    let mut conn = pool.get().expect("connection");
    clients::table
        .filter(clients::full_name.eq(name))
        .select(clients::id)
        .first(&mut conn)
        .unwrap_or_else(|_| panic!("{name} is a demo client"))
}

/// The fuller reading (#19) in the demo, by name, everywhere a finding is shown: each client's
/// timeline (type, notes, patterns, flags) and test pages, the dashboard's pattern filter, a
/// new summary's two copies, the portal's results and the FHIR export (valid R4).
#[actix_web::test]
async fn the_demo_shows_every_finding_of_the_fuller_reading_by_name() {
    let url = fresh_database_url();
    let pool = htma_tracker::db::connect(&url, 4).expect("database");
    {
        let mut conn = pool.get().expect("connection");
        seed_demo(&mut conn).expect("seed");
    }
    let app = spawn_with_pool(pool.clone(), url);
    app.login(DEMO_EMAIL, DEMO_PASSWORD).await;

    // Every page of the practice, by client: the timeline and each test page.
    let (client_ids, tests) = {
        let mut conn = pool.get().expect("connection");
        let client_ids: Vec<(i64, String)> = clients::table
            .select((clients::id, clients::full_name))
            .load(&mut conn)
            .unwrap();
        let tests: Vec<(i64, i64)> = hair_tests::table
            .select((hair_tests::client_id, hair_tests::id))
            .load(&mut conn)
            .unwrap();
        (client_ids, tests)
    };
    let mut timelines = std::collections::BTreeMap::new();
    let mut test_pages = std::collections::BTreeMap::new();
    for (client, name) in &client_ids {
        let page = app.get(&format!("/clients/{client}")).await;
        assert_eq!(page.status, StatusCode::OK);
        timelines.insert(name.clone(), page.body);
        let mut pages = String::new();
        for (_, test) in tests.iter().filter(|(c, _)| c == client) {
            pages.push_str(
                &app.get(&format!("/clients/{client}/tests/{test}"))
                    .await
                    .body,
            );
        }
        test_pages.insert(name.clone(), pages);
    }
    let shown_by = |pages: &std::collections::BTreeMap<String, String>, text: &str| {
        pages
            .iter()
            .filter(|(_, body)| body.contains(text))
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    // (what, the words people read) on the timeline and on the test page.
    assert!(
        !shown_by(
            &test_pages,
            "four lows</span> <span class=\"ox-degree\">moderate"
        )
        .is_empty(),
        "OX-10 on a test page"
    );
    for (what, text) in [
        ("OX-8", "mixed, leaning "),
        ("OX-9 tired", "tired fast oxidizer"),
        ("OX-9 healthy", "healthy slow oxidizer"),
        ("P-BURNED-OUT", "Fast oxidizer with low sodium/potassium"),
        ("P-HIDDEN-CU", "Hidden copper"),
        ("P-BOWL", "Bowl pattern"),
        ("P-DOUBLE-HIGH", "Double high ratios"),
        ("P-DOUBLE-LOW", "Double low ratios"),
        ("P-MG-SHELL", "Magnesium shell"),
        ("P-POOR-ELIM", "Poor eliminator of toxic metals"),
    ] {
        assert!(
            !shown_by(&timelines, text).is_empty(),
            "{what}: no timeline shows {text:?}"
        );
        assert!(
            !shown_by(&test_pages, text).is_empty(),
            "{what}: no test page shows {text:?}"
        );
    }
    // The caveats: in full on the test page, in short on the timeline.
    assert!(
        !shown_by(&timelines, "four lows moderate").is_empty(),
        "OX-10 on a timeline"
    );
    for (what, full, short) in [
        (
            "OX-11",
            "in adults fast oxidation is usually temporary",
            "usually temporary in adults (OX-11)",
        ),
        (
            "ARL",
            "ARL readings since 2024 run low; four lows may be an artefact",
            "ARL reads low since 2024",
        ),
    ] {
        assert!(!shown_by(&test_pages, full).is_empty(), "{what} test page");
        assert!(!shown_by(&timelines, short).is_empty(), "{what} timeline");
    }
    assert!(!shown_by(&test_pages, "<strong>Borderline</strong>").is_empty());
    assert_eq!(
        shown_by(&test_pages, "possible elimination (P-POOR-ELIM)"),
        ["Sofia Rossi"],
        "a toxic metal rising after a poor eliminator's test"
    );
    assert_eq!(
        shown_by(&test_pages, "Consider copper hidden in the tissues"),
        ["Maria Jensen"],
        "the hint for hidden copper in a slow oxidizer with cramps"
    );
    // CMP-3 for burned-out and hidden copper, appearing and resolving, by name (issue 16: the
    // name heads the flag, its codes follow).
    for flag in [
        "<strong>Fast oxidizer with low sodium/potassium appeared</strong>",
        "<strong>Fast oxidizer with low sodium/potassium resolved</strong>",
        "<strong>Hidden copper appeared</strong>",
        "<strong>Hidden copper resolved</strong>",
    ] {
        assert!(!shown_by(&timelines, flag).is_empty(), "no flag {flag:?}");
    }

    // The dashboard: the filter offers each new pattern by name and lists clients by names.
    let dashboard = app.get("/").await;
    for name in [
        "Fast oxidizer with low sodium/potassium",
        "Hidden copper",
        "Bowl pattern",
        "Double high ratios",
        "Double low ratios",
        "Magnesium shell",
        "Poor eliminator of toxic metals",
    ] {
        assert!(dashboard.body.contains(name), "{name} not in the filter");
    }
    for (id, name, client) in [
        (
            "P-BURNED-OUT",
            "Fast oxidizer with low sodium/potassium",
            "Elena Costa",
        ),
        ("P-DOUBLE-HIGH", "Double high ratios", "Jonas Weber"),
    ] {
        let filtered = app.get(&format!("/?pattern={id}")).await;
        let section = &filtered.body[filtered.body.find("id=\"filter\"").expect("filter")..];
        let table = &section[section.find("</form>").expect("the filter form")..];
        assert!(table.contains(client), "{id}: {client} not listed");
        assert!(table.contains(name), "{id}: listed without its name");
        assert!(!table.contains(&format!(" {id}")), "{id}: a bare code");
    }

    // A summary of Maria's whole story: names, evidence for the practitioner, plain words
    // for the client.
    let maria = demo_client(&pool, "Maria Jensen");
    let today = chrono::Utc::now().date_naive();
    let start = (today - chrono::Duration::days(800)).to_string();
    let created = app
        .submit(
            &format!("/clients/{maria}/summaries/new"),
            &format!("/clients/{maria}/summaries"),
            &[
                ("period_start", start.as_str()),
                ("period_end", today.to_string().as_str()),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let summary = created.location().to_string();
    let practitioner_copy = app.get(&summary).await.body;
    assert!(practitioner_copy.contains("Hidden copper"));
    assert!(
        practitioner_copy.contains("Hidden copper 3×: 3 indicators hold: K"),
        "the evidence numbers in the practitioner's copy"
    );
    let client_copy = app.get(&format!("{summary}/client")).await.body;
    assert!(client_copy.contains("Hidden copper"));
    assert!(client_copy.contains(&htma_tracker::export::plain::pattern_text("P-HIDDEN-CU").1));
    assert!(!client_copy.contains("P-HIDDEN-CU") && !client_copy.contains("indicators hold"));
    // Tom Becker's fast tests carry OX-11 into his summary, in a plain sentence.
    let tom = demo_client(&pool, "Tom Becker");
    let created = app
        .submit(
            &format!("/clients/{tom}/summaries/new"),
            &format!("/clients/{tom}/summaries"),
            &[
                ("period_start", start.as_str()),
                ("period_end", today.to_string().as_str()),
                ("comment", ""),
            ],
        )
        .await;
    let tom_copy = app
        .get(&format!("{}/client", created.location()))
        .await
        .body;
    assert!(tom_copy.contains("In adults fast oxidation is usually temporary"));
    assert!(!tom_copy.contains("OX-11"));

    // FHIR: the pattern's code with its name, and the bundle is still valid R4.
    let fhir = app.get(&format!("/clients/{maria}/export/fhir.json")).await;
    let bundle: serde_json::Value = serde_json::from_str(&fhir.body).expect("JSON");
    let codings = codings_of(&bundle);
    assert!(
        codings.contains(&("P-HIDDEN-CU".to_string(), "Hidden copper".to_string())),
        "{codings:?}"
    );
    let file = crate::exports::temp_file("demo-maria.json");
    std::fs::write(&file, &fhir.body).unwrap();
    if let Err(problems) = crate::exports::validate_fhir(&file) {
        panic!("Maria's bundle is not valid FHIR R4:\n{problems}");
    }

    // The portal: Maria's shared results show hidden copper by name.
    app.forget_cookies();
    app.login("maria.jensen@example.com", DEMO_PASSWORD).await;
    let results = app.get("/portal/results").await;
    assert!(results.body.contains("Hidden copper"), "{}", results.body);
    assert!(!results.body.contains("P-HIDDEN-CU"));
}

/// Every (code, display) pair of the FHIR codings in a JSON document.
fn codings_of(value: &serde_json::Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(code), Some(display)) = (
                map.get("code").and_then(|c| c.as_str()),
                map.get("display").and_then(|d| d.as_str()),
            ) {
                found.push((code.to_string(), display.to_string()));
            }
            for inner in map.values() {
                found.extend(codings_of(inner));
            }
        }
        serde_json::Value::Array(items) => {
            for inner in items {
                found.extend(codings_of(inner));
            }
        }
        _ => {}
    }
    found
}

/// Issue 17 in the demo: the faithful clients' weekly shares, Hugo Lindqvist's stopped
/// calcium/magnesium flagged on the dashboard, and on his diary page the weeks before and after
/// with what went with them (his night cramps came back).
#[actix_web::test]
async fn the_demo_shows_program_adherence() {
    let url = fresh_database_url();
    let pool = htma_tracker::db::connect(&url, 4).expect("database");
    {
        let mut conn = pool.get().expect("connection");
        seed_demo(&mut conn).expect("seed");
    }
    let app = spawn_with_pool(pool.clone(), url);
    let reply = app.login(DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let dashboard = app.get("/").await;
    assert!(
        dashboard
            .body
            .contains("Calcium/magnesium taken on under half of the answered days"),
        "{}",
        dashboard.body
    );
    let hugo = demo_client(&pool, "Hugo Lindqvist");
    let today = htma_tracker::db::now().date();
    let from = today - chrono::Duration::days(70);
    let diary = app
        .get(&format!("/clients/{hugo}/diary?from={from}&to={today}"))
        .await;
    assert_eq!(diary.status, StatusCode::OK);
    let body = &diary.body;
    assert!(body.contains("Program followed"));
    let start = body
        .find("class=\"table associations\"")
        .expect("association table");
    let table = &body[start..];
    let row = table
        .split("<tr>")
        .find(|r| r.contains("Calcium/magnesium") && r.contains("Night cramps"))
        .expect("calcium/magnesium and night cramps compared");
    // Same day: the average on days taken is lower than on days not taken.
    let averages: Vec<f64> = row
        .split(": ")
        .skip(1)
        .filter_map(|part| part.split(' ').next()?.parse().ok())
        .collect();
    assert!(averages.len() >= 2, "{row}");
    assert!(averages[0] < averages[1], "cramps came back: {row}");
    let timeline = app.get(&format!("/clients/{hugo}")).await;
    assert!(timeline.body.contains("Program followed, weekly"));
    assert!(timeline
        .body
        .contains("Calcium/magnesium taken on under half of the answered days"));
    let maria = demo_client(&pool, "Maria Jensen");
    let diary = app.get(&format!("/clients/{maria}/diary")).await;
    assert!(diary.body.contains("Program followed") && diary.body.contains("Magnesium glycinate"));
    assert!(
        !dashboard
            .body
            .contains("Magnesium glycinate taken on under half"),
        "the faithful clients are not flagged"
    );
}
