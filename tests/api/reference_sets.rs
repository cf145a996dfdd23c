//! Reference sets (HTMA.md, "Reference sets (data, not code)"): clone the default, edit it,
//! choose it, and see every analysis, stored summary and flag follow; scoped to the practitioner.

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::app::ROUTES;
use htma_tracker::db::schema::{audit_events, flags, hair_tests};

use crate::helpers::{spawn_app, TestApp};

const LIST: &str = "/settings/reference-sets";

/// Fast oxidation (Ca/K 1.5, Na/Mg 10) with Ca and Mg below their ideals and zinc at 17 mg%:
/// between the default zinc ideal (16) and Wilson's 2025 ideal (18), so P-FAST-DEPLETION
/// depends on the set. Mercury at 0.01.
const EARLIER: &[(&str, &str)] = &[
    ("sample_date", "2025-01-10"),
    ("Ca", "30"),
    ("Mg", "4"),
    ("Na", "40"),
    ("K", "20"),
    ("P", "15"),
    ("Zn", "17"),
    ("Cu", "3"),
    ("Hg", "0.01"),
];

/// The same, later, with mercury at 0.03: below the default threshold (0.035), above Wilson's
/// 2022 one (0.02), so a "P-TOXIC-Hg appeared" flag depends on the set.
const LATER: &[(&str, &str)] = &[
    ("sample_date", "2025-06-10"),
    ("Ca", "30"),
    ("Mg", "4"),
    ("Na", "40"),
    ("K", "20"),
    ("P", "15"),
    ("Zn", "17"),
    ("Cu", "3"),
    ("Hg", "0.03"),
];

/// Every `<input>` of a page as (name, value), in page order.
fn inputs(body: &str) -> Vec<(String, String)> {
    let attribute = |tag: &str, name: &str| {
        let marker = format!(" {name}=\"");
        tag.find(&marker).map(|i| {
            let rest = &tag[i + marker.len()..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_string()
        })
    };
    body.split("<input")
        .skip(1)
        .filter_map(|chunk| {
            let tag = &chunk[..chunk.find('>').unwrap_or(chunk.len())];
            Some((
                attribute(tag, "name")?,
                attribute(tag, "value").unwrap_or_default(),
            ))
        })
        .collect()
}

/// Submits the edit form of a set with the page's own values, some replaced.
async fn save_edit(app: &TestApp, set_id: i64, changes: &[(&str, &str)]) -> crate::helpers::Reply {
    let path = format!("{LIST}/{set_id}/edit");
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mut fields = inputs(&page.body);
    // The layout's sign-out form carries the token too; one is enough.
    fields.dedup_by(|a, b| a.0 == "csrf_token" && b.0 == "csrf_token");
    for (name, value) in changes {
        let field = fields
            .iter_mut()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no field {name} on the edit page"));
        field.1 = value.to_string();
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    app.post_form(&path, &fields).await
}

/// Clones the default set under `name`; returns the new set's id.
async fn clone_default(app: &TestApp, name: &str) -> i64 {
    let reply = app
        .submit(LIST, LIST, &[("source", "default"), ("name", name)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply
        .location()
        .trim_start_matches(&format!("{LIST}/"))
        .trim_end_matches("/edit")
        .parse()
        .expect("set id in location")
}

async fn choose(app: &TestApp, set: &str) -> crate::helpers::Reply {
    app.submit(LIST, &format!("{LIST}/active"), &[("set", set)])
        .await
}

/// The report row of one element on a test page.
fn element_row<'a>(body: &'a str, name: &str) -> &'a str {
    let start = body
        .find(&format!("<abbr title=\"{name}\">"))
        .unwrap_or_else(|| panic!("no {name} row"));
    let rest = &body[start..];
    &rest[..rest.find("</tr>").unwrap_or(rest.len())]
}

/// The pattern list item of one pattern, if the test has it.
fn pattern_item<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let at = body.find(&format!("<code>{id}</code>"))?;
    let start = body[..at].rfind("<li>")?;
    let end = at + body[at..].find("</li>")?;
    Some(&body[start..end])
}

fn stored_labels(app: &TestApp, client_id: i64) -> Vec<(String, String)> {
    let mut conn = app.pool.get().unwrap();
    hair_tests::table
        .filter(hair_tests::client_id.eq(client_id))
        .order(hair_tests::sample_date.asc())
        .select((hair_tests::reference_set, hair_tests::pattern_ids))
        .load(&mut conn)
        .unwrap()
}

/// Active flags of the client: (kind, rule, summary).
fn active_flags(app: &TestApp, client_id: i64) -> Vec<(String, String, String)> {
    let mut conn = app.pool.get().unwrap();
    flags::table
        .filter(flags::client_id.eq(client_id))
        .filter(flags::active.eq(true))
        .select((flags::kind, flags::rule, flags::summary))
        .load(&mut conn)
        .unwrap()
}

fn has_mercury_flag(app: &TestApp, client_id: i64) -> bool {
    active_flags(app, client_id)
        .iter()
        .any(|(kind, _, summary)| kind == "pattern_appeared" && summary.contains("P-TOXIC-Hg"))
}

#[actix_web::test]
async fn a_cloned_edited_and_chosen_set_reanalyses_every_test_and_flag() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Zinc Person").await;
    let earlier = app.create_test(client, EARLIER).await;
    let later = app.create_test(client, LATER).await;
    let page_path = format!("/clients/{client}/tests/{earlier}");

    let page = app.get(&page_path).await;
    assert!(element_row(&page.body, "zinc").contains("ideal 16"));
    assert!(
        pattern_item(&page.body, "P-FAST-DEPLETION").is_none(),
        "Zn 17 ≥ 16, Cu ≥ 2.5"
    );
    assert!(page.body.contains("reference set eck-wilson@2"));
    assert!(!has_mercury_flag(&app, client));

    // The settings page shows the default read-only, in use.
    let settings = app.get(LIST).await;
    assert_eq!(settings.status, StatusCode::OK);
    assert!(settings
        .body
        .contains("In use: <span class=\"badge\">eck-wilson@2</span>"));
    assert!(
        settings.body.contains("0.04"),
        "the default's mercury threshold is listed"
    );
    assert!(
        settings.body.contains("href=\"/settings/reference-sets\""),
        "Settings in the nav"
    );

    // Clone and edit: Wilson's 2025 zinc ideal and 2022 mercury threshold.
    let set_id = clone_default(&app, "wilson-2025").await;
    let edit = app.get(&format!("{LIST}/{set_id}/edit")).await;
    assert!(edit.body.contains("wilson-2025@1"));
    assert!(inputs(&edit.body).contains(&("ideal_Zn".into(), "16".into())));
    let saved = save_edit(&app, set_id, &[("ideal_Zn", "18"), ("toxic_Hg", "0.02")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location(),
        format!("{LIST}?done=saved"),
        "not in use: no re-analysis"
    );
    let settings = app.get(LIST).await;
    assert!(settings.body.contains("wilson-2025@2"));
    // Not chosen yet: nothing changed for the clients.
    let page = app.get(&page_path).await;
    assert!(element_row(&page.body, "zinc").contains("ideal 16"));
    assert!(!has_mercury_flag(&app, client));

    // Choose it: every test re-analysed, flags recomputed, in one go.
    let chosen = choose(&app, &set_id.to_string()).await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(
        chosen.location(),
        format!("{LIST}?done=activated&clients=1&tests=2")
    );
    let notice = app.get(chosen.location()).await;
    assert!(notice
        .body
        .contains("1 client and 2 tests were re-analysed with wilson-2025@2"));
    let page = app.get(&page_path).await;
    assert!(
        page.body.contains("reference set wilson-2025@2"),
        "the page names the set"
    );
    assert!(element_row(&page.body, "zinc").contains("ideal 18"));
    let depletion = pattern_item(&page.body, "P-FAST-DEPLETION").expect("Zn 17 < 18 now");
    assert!(
        depletion.contains("18"),
        "the evidence cites the new ideal: {depletion}"
    );
    for (label, patterns) in stored_labels(&app, client) {
        assert_eq!(label, "wilson-2025@2");
        assert!(patterns.contains(" P-FAST-DEPLETION "), "{patterns}");
    }
    assert!(
        has_mercury_flag(&app, client),
        "{:?}",
        active_flags(&app, client)
    );
    let later_page = app.get(&format!("/clients/{client}/tests/{later}")).await;
    assert!(pattern_item(&later_page.body, "P-TOXIC-Hg").is_some());
    // The timeline, the entry form and the dashboard follow the set too.
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(timeline.body.contains("P-FAST-DEPLETION"));
    let form = app.get(&format!("/clients/{client}/tests/new")).await;
    assert!(form.body.contains("ideal 18"));
    // A test entered now is stored with the set in use.
    let third = app
        .create_test(
            client,
            &[("sample_date", "2025-09-01"), ("Ca", "40"), ("Zn", "17")],
        )
        .await;
    let mut conn = app.pool.get().unwrap();
    let label: String = hair_tests::table
        .find(third)
        .select(hair_tests::reference_set)
        .first(&mut conn)
        .unwrap();
    assert_eq!(label, "wilson-2025@2");
    let actions: Vec<String> = audit_events::table
        .filter(audit_events::record_kind.eq_any(["reference_set", "practitioner"]))
        .select(audit_events::action)
        .load(&mut conn)
        .unwrap();
    drop(conn);
    for action in ["create", "update", "activate", "reanalyze"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }

    // Editing the set in use re-analyses at once, under the next version.
    let saved = save_edit(&app, set_id, &[("ideal_Zn", "16")]).await;
    assert_eq!(
        saved.location(),
        format!("{LIST}?done=saved&clients=1&tests=3")
    );
    for (label, patterns) in stored_labels(&app, client) {
        assert_eq!(label, "wilson-2025@3");
        assert!(!patterns.contains("P-FAST-DEPLETION"), "{patterns}");
    }
    assert!(
        has_mercury_flag(&app, client),
        "mercury's threshold is still 0.02"
    );

    // Back to the default: the flag is withdrawn.
    let back = choose(&app, "default").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert!(!has_mercury_flag(&app, client));
    assert!(stored_labels(&app, client)
        .iter()
        .all(|(l, _)| l == "eck-wilson@2"));
    let page = app.get(&page_path).await;
    assert!(page.body.contains("reference set eck-wilson@2"));
    // Choosing what is already in use changes nothing.
    let again = choose(&app, "default").await;
    assert_eq!(again.location(), format!("{LIST}?done=unchanged"));
}

#[actix_web::test]
async fn invalid_values_are_refused_per_field_and_the_input_is_kept() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let set_id = clone_default(&app, "strict").await;

    let reply = save_edit(
        &app,
        set_id,
        &[
            ("ideal_Zn", "-3"),
            ("ratio_NaK", "abc"),
            ("ideal_Ca", ""),
            ("toxic_Hg", "1,5"),
            ("ca_shell_male_bands", "150, x"),
            ("toxic_Pb", "0.07"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let kept = inputs(&reply.body);
    for (name, value) in [
        ("ideal_Zn", "-3"),
        ("ratio_NaK", "abc"),
        ("toxic_Hg", "1,5"),
        ("ca_shell_male_bands", "150, x"),
        ("toxic_Pb", "0.07"),
    ] {
        assert!(kept.contains(&(name.into(), value.into())), "{name} kept");
    }
    for message in [
        "-3 is below 0",
        "“abc” is not a number",
        "Enter a number (0 or more).",
        "use a point for decimals",
        "Band “x”",
        "Please correct the 5 fields",
    ] {
        assert!(reply.body.contains(message), "{message}");
    }

    // Numbers that read, but a set that does not hold together.
    let reply = save_edit(
        &app,
        set_id,
        &[("fast_extreme_below", "2"), ("ideal_Zn", "18")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("OX-6 fast thresholds are out of order"),
        "{}",
        reply.body
    );
    assert!(inputs(&reply.body).contains(&("ideal_Zn".into(), "18".into())));

    // A form loaded before another save is refused rather than overwriting it.
    let path = format!("{LIST}/{set_id}/edit");
    let stale_page = app.get(&path).await;
    assert_eq!(
        save_edit(&app, set_id, &[("ideal_Zn", "17")]).await.status,
        StatusCode::SEE_OTHER
    );
    let mut stale = inputs(&stale_page.body);
    stale.dedup_by(|a, b| a.0 == "csrf_token" && b.0 == "csrf_token");
    let stale: Vec<(&str, &str)> = stale
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let reply = app.post_form(&path, &stale).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("now version 2"));

    // Nothing invalid was stored: version 2 is the one good save, with zinc at 17.
    let settings = app.get(LIST).await;
    assert!(settings.body.contains("strict@2") && !settings.body.contains("strict@3"));
    let edit = app.get(&path).await;
    assert!(inputs(&edit.body).contains(&("ideal_Zn".into(), "17".into())));
    // An unchanged save makes no new version.
    let same = save_edit(&app, set_id, &[]).await;
    assert_eq!(same.location(), format!("{LIST}?done=unchanged"));

    // Names: the label is name@version, names are unique per practitioner.
    for (name, message) in [
        ("a@b", "letters, digits"),
        ("", "Give the new set a name"),
        ("eck-wilson", "is the default set"),
        ("STRICT", "already have a set named"),
    ] {
        let reply = app
            .submit(LIST, LIST, &[("source", "default"), ("name", name)])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(reply.body.contains(message), "{name}: {message}");
        assert!(reply
            .body
            .contains(&format!("name=\"name\" type=\"text\" value=\"{name}\"")));
    }
    // A clone of one's own set keeps its values.
    let copy = app
        .submit(
            LIST,
            LIST,
            &[("source", &set_id.to_string()), ("name", "strict copy")],
        )
        .await;
    assert_eq!(copy.status, StatusCode::SEE_OTHER, "{}", copy.body);
    let copied = app.get(copy.location()).await;
    assert!(copied.body.contains("strict copy@1"));
    assert!(inputs(&copied.body).contains(&("ideal_Zn".into(), "17".into())));
}

#[actix_web::test]
async fn another_practitioners_set_is_not_found_on_every_set_url() {
    let app = spawn_app().await;
    app.signed_in_practitioner("alice@example.com").await;
    let alices = clone_default(&app, "alice-set").await;
    app.forget_cookies();
    app.signed_in_practitioner("bob@example.com").await;
    let token = app.get(LIST).await.csrf_token();
    let set_routes: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.path.contains("{set_id}"))
        .collect();
    assert!(set_routes.len() >= 2);
    for id in [alices, htma_tracker::db::new_id()] {
        for route in &set_routes {
            let path = route.path.replace("{set_id}", &id.to_string());
            let reply = match route.method {
                "get" => app.get(&path).await,
                _ => {
                    app.post_form(
                        &path,
                        &[("csrf_token", &token), ("ideal_Zn", "99"), ("version", "1")],
                    )
                    .await
                }
            };
            assert_eq!(
                reply.status,
                StatusCode::NOT_FOUND,
                "{} {path}",
                route.method
            );
            assert!(!reply.body.contains("alice-set"));
        }
        // Naming it in a form is no better: cloning it, or choosing it.
        let clone = app
            .post_form(
                LIST,
                &[
                    ("csrf_token", &token),
                    ("source", &id.to_string()),
                    ("name", "mine"),
                ],
            )
            .await;
        assert_eq!(clone.status, StatusCode::NOT_FOUND);
        let chosen = app
            .post_form(
                &format!("{LIST}/active"),
                &[("csrf_token", &token), ("set", &id.to_string())],
            )
            .await;
        assert_eq!(chosen.status, StatusCode::NOT_FOUND);
    }
    let mine = app.get(LIST).await;
    assert!(!mine.body.contains("alice-set") && !mine.body.contains(">mine@1"));
    assert!(mine
        .body
        .contains("In use: <span class=\"badge\">eck-wilson@2</span>"));
    // Alice's set is untouched.
    app.forget_cookies();
    app.login("alice@example.com", "correct horse battery")
        .await;
    let hers = app.get(&format!("{LIST}/{alices}/edit")).await;
    assert!(hers.body.contains("alice-set@1"));
    assert!(inputs(&hers.body).contains(&("ideal_Zn".into(), "16".into())));
}

/// Timing of a large practice (1,000 clients × 12 tests by default, `HTMA_REANALYSIS_CLIENTS`
/// to change): `cargo test --test api reanalysing -- --ignored --nocapture`, on either engine.
#[test]
#[ignore = "a timing, not a check: run on demand"]
fn reanalysing_a_large_practice_takes_seconds() {
    use htma_tracker::db::hair_tests::HairTestFields;
    use htma_tracker::db::mapping::{level_rows, summary_of};
    use htma_tracker::db::{clients, hair_tests as tests_db, new_id, now, write_tx};
    use htma_tracker::domain::analysis::{analyze, HairSample};
    use htma_tracker::domain::element::Element;
    use htma_tracker::domain::level::MineralLevel;
    use htma_tracker::domain::sex::Sex;
    use htma_tracker::domain::ReferenceSet;
    use htma_tracker::service::commands::hair_tests::Actor;
    use htma_tracker::service::commands::reference_sets::{
        self as reference_set_commands, ActivateOutcome, CloneOutcome,
    };
    use std::time::Instant;

    let client_count: usize = std::env::var("HTMA_REANALYSIS_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let pool = htma_tracker::db::connect(&crate::helpers::fresh_database_url(), 2).unwrap();
    let mut conn = pool.get().unwrap();
    let hash = htma_tracker::auth::password::hash("correct horse battery").unwrap();
    let practitioner =
        htma_tracker::auth::login::create_practitioner(&mut conn, "big@example.com", "Big", &hash)
            .unwrap();
    let default = ReferenceSet::eck_wilson();
    // A small deterministic generator, so the levels (and so the summaries) vary.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 10_000) as f64 / 10_000.0
    };
    let started = Instant::now();
    write_tx(&mut conn, |conn| {
        for c in 0..client_count {
            let client_id = new_id();
            let sex = [Sex::Female, Sex::Male, Sex::Unrecorded][c % 3];
            let fields = clients::ClientFields {
                full_name: format!("Client {c}"),
                search_key: format!("client {c}"),
                reference_code: None,
                date_of_birth: None,
                sex,
                email: None,
                phone: None,
                notes: String::new(),
            };
            clients::insert(
                conn,
                htma_tracker::db::ClientId(client_id),
                practitioner,
                &fields,
                now(),
            )?;
            for t in 0..12u32 {
                let mut levels = std::collections::BTreeMap::new();
                for element in Element::ALL {
                    let reference = default
                        .ideal(element)
                        .map(|i| i * (0.3 + 2.7 * next()))
                        .or_else(|| default.toxic_threshold(element).map(|h| h * 1.5 * next()));
                    if let Some(value) = reference {
                        levels.insert(element, MineralLevel::new(value, false).unwrap());
                    }
                }
                let sample = HairSample {
                    sex: if sex == Sex::Male {
                        Sex::Male
                    } else {
                        Sex::Female
                    },
                    washed: false,
                    levels,
                    ..HairSample::default()
                };
                let id = htma_tracker::db::HairTestId::fresh();
                let test = HairTestFields {
                    sample_date: chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
                        + chrono::Duration::days(i64::from(t) * 91),
                    lab: "ARL".into(),
                    lab_sample_id: None,
                    washed: false,
                    entry_unit: "mg%".into(),
                    printed_ratios: String::new(),
                    notes: String::new(),
                };
                let summary = summary_of(&analyze(&sample, &default));
                tests_db::insert(
                    conn,
                    id,
                    htma_tracker::db::ClientId(client_id),
                    &test,
                    &summary,
                    &level_rows(id, &sample.levels),
                    now(),
                )?;
            }
        }
        Ok(())
    })
    .unwrap();
    println!(
        "seeded {client_count} clients × 12 tests in {:?}",
        started.elapsed()
    );
    let actor = Actor {
        account_id: practitioner,
        remote_addr: "127.0.0.1",
    };
    let mut wilson = default.clone();
    wilson.ideals.insert(Element::Zn, 18.0);
    wilson.toxic_high_above.insert(Element::Hg, 0.02);
    let CloneOutcome::Created(set_id) =
        reference_set_commands::clone_set(&mut conn, &actor, &wilson, "wilson-2025").unwrap()
    else {
        panic!("clone refused");
    };
    for (what, choice) in [
        ("choose wilson-2025@1", Some(set_id)),
        ("back to the default", None),
    ] {
        let started = Instant::now();
        let outcome = reference_set_commands::activate(&mut conn, &actor, choice, None).unwrap();
        let elapsed = started.elapsed();
        let ActivateOutcome::Activated(done) = outcome else {
            panic!("{what}: {outcome:?}");
        };
        println!(
            "{what}: {} clients, {} tests ({} summaries rewritten) re-analysed in {elapsed:?}",
            done.clients, done.tests, done.rewritten
        );
        assert_eq!(done.tests, client_count * 12);
        assert!(elapsed.as_secs() < 120, "{what} took {elapsed:?}");
    }
}
