//! Progress summaries as documents (issue 13): the client's copy holds plain language only, a
//! summary stays exactly as it was made, and its life on the client's page (share, delete,
//! restore within 30 days, update into a new summary), every PDF download audited.

use std::path::PathBuf;
use std::process::Command;

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::{self, schema::audit_events, schema::flags, schema::summaries};

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::portal::portal_setup;

/// Baseline before the program, then a shell resolving and potassium recovering: oxidation
/// degree and pattern flags (CMP-2, CMP-3) between the tests.
const TESTS: &str = "sample_date,lab,washed,Ca,Mg,Na,K\n\
    2025-01-10,ARL,yes,160,18,8,2\n\
    2025-05-02,ARL,no,70,9,20,9\n\
    2025-09-01,ARL,no,60,8,40,12\n";

const PLANTED_NOTE: &str = "Discussed privately PLANTED-7731";

fn conn(app: &TestApp) -> db::PooledConn {
    app.pool.get().expect("connection")
}

/// A client with three tests, a program started after the first, flags between the tests and
/// one of them acknowledged with a note only the practitioner may read.
async fn client_with_history(app: &TestApp, client: i64) {
    let reply = app.upload_csv(client, "t.csv", TESTS, "mg%").await;
    let preview = reply.location().to_string();
    let confirmed = app
        .submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    app.submit(
        &format!("/clients/{client}/program/new"),
        &format!("/clients/{client}/program"),
        &[
            ("starts_on", "2025-01-12"),
            ("supplement_name_0", "Magnesium glycinate"),
            ("supplement_dose_0", "200"),
            ("supplement_unit_0", "mg"),
        ],
    )
    .await;
    let flag_ids: Vec<i64> = flags::table
        .filter(flags::client_id.eq(client))
        .filter(flags::active.eq(true))
        .order(flags::raised_at.asc())
        .select(flags::id)
        .load(&mut conn(app))
        .unwrap();
    assert!(
        flag_ids.len() >= 2,
        "the history raises flags: {flag_ids:?}"
    );
    let acked = app
        .submit(
            &format!("/clients/{client}"),
            &format!("/clients/{client}/flags/{}/acknowledge", flag_ids[0]),
            &[("note", PLANTED_NOTE)],
        )
        .await;
    assert_eq!(acked.status, StatusCode::SEE_OTHER, "{}", acked.body);
}

async fn create_summary(app: &TestApp, client: i64, start: &str, end: &str) -> String {
    let created = app
        .submit(
            &format!("/clients/{client}/summaries/new"),
            &format!("/clients/{client}/summaries"),
            &[
                ("period_start", start),
                ("period_end", end),
                ("comment", "Cramps eased since May."),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().to_string()
}

/// The document part of a summary page (the page around it has the practitioner's tools).
fn article(body: &str) -> &str {
    let start = body
        .find("<article class=\"summary\"")
        .expect("summary article");
    let end = body[start..].find("</article>").expect("article end") + start;
    &body[start..end]
}

/// The text of a PDF as poppler's pdftotext reads it (poppler-utils, as CI installs).
pub(crate) fn pdf_text(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.bytes.starts_with(b"%PDF-"));
    let path: PathBuf =
        std::env::temp_dir().join(format!("summary-{:x}.pdf", htma_tracker::db::new_id()));
    std::fs::write(&path, &reply.bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A rule id of HTMA.md or anything shaped like one: capitals, a dash, then a digit or a
/// capital (`CMP-3`, `OX-10`, `P-K-LOW`, `R-NaK`; the pattern `[A-Z]+-[0-9A-Z]`).
fn looks_like_rule_id(token: &str) -> bool {
    let mut parts = token.split('-');
    let head = parts.next().unwrap_or_default();
    let next = parts.next().and_then(|p| p.chars().next());
    !head.is_empty()
        && head.chars().all(|c| c.is_ascii_uppercase())
        && next.is_some_and(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// Every word of the practitioner's internal record found in a text: flag states, flag words,
/// rule ids (`CMP-3`, `OX-4`, `P-K-LOW`), caveat keys, considerations and the planted note.
fn internal_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = text.to_lowercase();
    for word in [
        "planted-7731",
        "discussed privately",
        "acknowledged",
        "flag",
        "consideration",
        "washed_sample",
        "caveat",
        "not evaluated",
    ] {
        if lower.contains(word) {
            found.push(word.to_string());
        }
    }
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
        let is_rule = looks_like_rule_id(token);
        let is_state = ["open", "resolved", "dismissed"].contains(&token.to_lowercase().as_str());
        let is_key =
            token.contains('_') && token.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if is_rule || is_state || is_key {
            found.push(token.to_string());
        }
    }
    found
}

#[test]
fn the_internal_word_search_finds_what_it_looks_for() {
    let text = "open · rule CMP-3 · P-K-LOW appeared; OX-10, R-NaK; washed_sample: x; \
        Acknowledged; PLANTED-7731";
    let found = internal_words(text);
    for word in [
        "open",
        "CMP-3",
        "P-K-LOW",
        "OX-10",
        "R-NaK",
        "washed_sample",
        "acknowledged",
        "planted-7731",
    ] {
        assert!(found.iter().any(|f| f == word), "{word} in {found:?}");
    }
    assert!(internal_words(
        "Low potassium: hair potassium is below 4 mg%. Na/K 2.5, 2025-01-10, eck-wilson@2, ARL."
    )
    .is_empty());
}

#[actix_web::test]
async fn the_client_copy_holds_plain_language_only() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let client = setup.client_id;
    app.set_cookies(setup.practitioner.clone());
    client_with_history(&app, client).await;
    let path = create_summary(&app, client, "2025-01-01", "2025-12-31").await;

    // The practitioner's copy keeps the internal record (so the search below can fail).
    let own = app.get(&path).await;
    let own_doc = article(&own.body);
    assert!(own_doc.contains(PLANTED_NOTE) && own_doc.contains("P-K-LOW"));
    assert!(!internal_words(own_doc).is_empty());
    let own_pdf = pdf_text(&app.get(&format!("{path}/pdf")).await);
    assert!(own_pdf.contains("PLANTED-7731"), "{own_pdf}");

    // The client's copy, previewed by the practitioner before sharing.
    let preview = app.get(&format!("{path}/client")).await;
    assert_eq!(preview.status, StatusCode::OK);
    let doc = article(&preview.body);
    for plain in [
        "Cramps eased since May.",
        "Magnesium glycinate",
        "Low potassium",
        "Hair potassium is below 4 mg%",
        "Sympathetic dominance",
        "Slow oxidation:",
        "Days logged",
    ] {
        assert!(doc.contains(plain), "client's copy lacks {plain:?}");
    }
    assert_eq!(internal_words(doc), Vec::<String>::new(), "{doc}");
    let preview_pdf = pdf_text(&app.get(&format!("{path}/client.pdf")).await);
    assert!(preview_pdf.contains("Low potassium"), "{preview_pdf}");
    assert_eq!(
        internal_words(&preview_pdf),
        Vec::<String>::new(),
        "{preview_pdf}"
    );

    // What the portal serves once shared is that copy.
    app.submit(&path, &format!("{path}/share"), &[("shared", "1")])
        .await;
    let id = path.rsplit('/').next().unwrap().to_string();
    app.set_cookies(setup.client.clone());
    let portal = pdf_text(&app.get(&format!("/portal/summaries/{id}/pdf")).await);
    assert!(portal.contains("Cramps eased since May."), "{portal}");
    assert_eq!(internal_words(&portal), Vec::<String>::new(), "{portal}");
    assert_eq!(portal, preview_pdf, "the preview is what the client gets");

    // Every PDF download is on record like the other exports.
    let downloads: Vec<String> = audit_events::table
        .filter(audit_events::record_kind.eq("summary"))
        .filter(audit_events::action.eq("export"))
        .order(audit_events::occurred_at.asc())
        .select(audit_events::detail)
        .load(&mut conn(&app))
        .unwrap();
    assert_eq!(
        downloads,
        [
            "summary PDF (practitioner's copy)",
            "summary PDF (client's copy)",
            "summary PDF (client's copy, portal)"
        ]
    );
}

/// The PDF of a stored summary's copy (`pdf` or `client.pdf`) written afresh from its stored
/// content, never kept: what every download must equal.
pub(crate) fn fresh_summary_pdf(app: &TestApp, id: i64, copy: &str) -> Vec<u8> {
    let content: Option<String> = summaries::table
        .find(id)
        .select(summaries::content)
        .first(&mut conn(app))
        .unwrap();
    let data = htma_tracker::export::summary::SummaryData::from_json(&content.unwrap()).unwrap();
    let data = match copy {
        "pdf" => data,
        "client.pdf" => data.for_client(),
        other => panic!("no copy {other}"),
    };
    htma_tracker::export::pdf::render_summary_pdf(&data).unwrap()
}

/// A summary's PDF is kept as written (`web::summaries::kept_pdfs`) with the content it was
/// written from. Downloaded again it is the same file; and were the stored content ever other
/// than that (no route changes it: here it is rewritten in the database), the download is the
/// PDF of the content stored now, in both copies, never the kept one.
#[actix_web::test]
async fn a_kept_pdf_is_served_only_for_the_content_it_was_written_from() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Kept Karla").await;
    client_with_history(&app, client).await;
    let path = create_summary(&app, client, "2025-01-01", "2025-12-31").await;
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    for copy in ["pdf", "client.pdf"] {
        let first = app.get(&format!("{path}/{copy}")).await;
        let again = app.get(&format!("{path}/{copy}")).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert!(first.bytes == again.bytes, "{copy}: the same file again");
        assert!(first.bytes == fresh_summary_pdf(&app, id, copy), "{copy}");
    }
    let content: Option<String> = summaries::table
        .find(id)
        .select(summaries::content)
        .first(&mut conn(&app))
        .unwrap();
    let content = content.unwrap();
    let rewritten = content.replace("Cramps eased since May.", "Cramps gone by June.");
    assert_ne!(rewritten, content);
    diesel::update(summaries::table.find(id))
        .set(summaries::content.eq(&rewritten))
        .execute(&mut conn(&app))
        .unwrap();
    for copy in ["pdf", "client.pdf"] {
        let reply = app.get(&format!("{path}/{copy}")).await;
        let text = pdf_text(&reply);
        assert!(
            text.contains("Cramps gone by June.") && !text.contains("Cramps eased"),
            "{copy}: the PDF kept from the earlier content was served:\n{text}"
        );
        assert!(reply.bytes == fresh_summary_pdf(&app, id, copy), "{copy}");
    }
}

fn add_diary_day(
    app: &TestApp,
    client: i64,
    account: htma_tracker::db::AccountId,
    date: &str,
    severity: i64,
) {
    use htma_tracker::domain::diary::{EntryInput, Severity, SymptomReading};
    let input = EntryInput {
        date: date.parse().unwrap(),
        symptoms: vec![SymptomReading {
            key: "leg_cramps".into(),
            severity: Severity::new(severity).unwrap(),
            time_of_day: None,
        }],
        note: String::new(),
        triggers: String::new(),
    };
    let author = htma_tracker::service::commands::Actor {
        account_id: account,
        remote_addr: "127.0.0.1",
    };
    htma_tracker::service::commands::diary::save(
        &mut conn(app),
        &author,
        htma_tracker::db::ClientId(client),
        &input,
        0,
    )
    .unwrap();
}

#[actix_web::test]
async fn a_summary_stays_as_it_was_made() {
    let app = spawn_app().await;
    let practitioner = app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    client_with_history(&app, client).await;
    add_diary_day(&app, client, practitioner, "2025-03-02", 6);
    add_diary_day(&app, client, practitioner, "2025-03-03", 8);
    let path = create_summary(&app, client, "2025-01-01", "2026-06-30").await;
    let before = app.get(&path).await;
    let before_doc = article(&before.body).to_string();
    assert!(before_doc.contains("Days logged: 2 of 546"), "{before_doc}");
    // "peak" is the highest severity logged, said so.
    assert!(before_doc.contains("<td class=\"num\" data-label=\"Peak\">8</td>"));
    assert!(before_doc.contains("the highest severity logged on any one day"));
    let before_pdf = app.get(&format!("{path}/pdf")).await.bytes;
    assert!(before_doc.contains("eck-wilson@2"));

    // Later: one more test and diary days in the period, and another reference set chosen.
    let later = "sample_date,lab,Ca,Mg,Na,K\n2025-11-20,ARL,30,3,10,4\n";
    let reply = app.upload_csv(client, "later.csv", later, "mg%").await;
    let preview = reply.location().to_string();
    app.submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    add_diary_day(&app, client, practitioner, "2025-12-01", 2);
    add_diary_day(&app, client, practitioner, "2026-01-05", 10);
    let list = "/settings/reference-sets";
    let cloned = app
        .submit(list, list, &[("source", "default"), ("name", "mine")])
        .await;
    assert_eq!(cloned.status, StatusCode::SEE_OTHER, "{}", cloned.body);
    let set_id = cloned
        .location()
        .trim_start_matches(&format!("{list}/"))
        .trim_end_matches("/edit")
        .to_string();
    let chosen = app
        .submit(list, &format!("{list}/active"), &[("set", set_id.as_str())])
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    let timeline = app.get(&format!("/clients/{client}")).await;
    assert!(timeline.body.contains("2025-11-20"));

    let after = app.get(&path).await;
    assert_eq!(
        article(&after.body),
        before_doc,
        "the page is the summary as made"
    );
    let after_pdf = app.get(&format!("{path}/pdf")).await.bytes;
    assert_eq!(pdf_text_of(&after_pdf), pdf_text_of(&before_pdf));
    // The PDF library names its font resources at random, so the bytes differ; what is drawn
    // must not: every page rendered to pixels is the same.
    assert_eq!(
        pdf_pixels(&after_pdf),
        pdf_pixels(&before_pdf),
        "the same pages"
    );

    // "Update" proposes a new summary from the same start; the older one stays.
    let id = path.rsplit('/').next().unwrap();
    let form = app
        .get(&format!("/clients/{client}/summaries/new?from={id}"))
        .await;
    assert!(form.body.contains("value=\"2025-01-01\"") && form.body.contains("Cramps eased"));
    let newer = create_summary(&app, client, "2025-01-01", "2026-06-30").await;
    let newer_doc = app.get(&newer).await;
    let newer_doc = article(&newer_doc.body);
    assert!(newer_doc.contains("2025-11-20") && newer_doc.contains("mine@1"));
    assert!(newer_doc.contains("Days logged: 4 of 546"));
    let page = app.get(&format!("/clients/{client}")).await;
    assert!(page.body.contains(&path) && page.body.contains(&newer));
}

/// Every page of a PDF as pixels (pdftoppm, grey, low resolution).
fn pdf_pixels(bytes: &[u8]) -> Vec<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("summary-px-{:x}", htma_tracker::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.pdf");
    std::fs::write(&file, bytes).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "40", "-gray", file.to_str().unwrap()])
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "pdftoppm drew no page");
    let pixels = pages.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let _ = std::fs::remove_dir_all(&dir);
    pixels
}

fn pdf_text_of(bytes: &[u8]) -> String {
    pdf_text(&Reply {
        status: StatusCode::OK,
        headers: Default::default(),
        body: String::new(),
        bytes: bytes.to_vec(),
    })
}

#[actix_web::test]
async fn summaries_are_listed_shared_deleted_and_restored_within_30_days() {
    let app = spawn_app().await;
    let setup = portal_setup(&app, "pat@example.com", "Maria Jensen", "maria@example.com").await;
    let client = setup.client_id;
    app.set_cookies(setup.practitioner.clone());
    client_with_history(&app, client).await;
    let path = create_summary(&app, client, "2025-01-01", "2025-12-31").await;
    let id = path.rsplit('/').next().unwrap().to_string();
    let page_path = format!("/clients/{client}");

    let page = app.get(&page_path).await;
    assert!(page.body.contains("2025-01-01 – 2025-12-31") && page.body.contains("not shared"));
    for link in ["pdf", "client"] {
        assert!(page.body.contains(&format!("{path}/{link}\"")), "{link}");
    }
    // Shared from the list, back to the list.
    let shared = app
        .submit(
            &page_path,
            &format!("{path}/share"),
            &[("shared", "1"), ("back", "client")],
        )
        .await;
    assert_eq!(shared.location(), format!("/clients/{client}#summaries"));
    assert!(app.get(&page_path).await.body.contains("Stop sharing"));

    // Deleted: gone from the list, the page and the portal; restorable.
    let deleted = app.submit(&page_path, &format!("{path}/delete"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let page = app.get(&page_path).await;
    assert!(page.body.contains("Recently deleted summaries") && page.body.contains("Restore"));
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    app.set_cookies(setup.client.clone());
    assert!(!app
        .get("/portal")
        .await
        .body
        .contains(&format!("/portal/summaries/{id}/pdf")));
    assert_eq!(
        app.get(&format!("/portal/summaries/{id}/pdf")).await.status,
        StatusCode::NOT_FOUND
    );
    app.set_cookies(setup.practitioner.clone());
    let restored = app
        .submit(&page_path, &format!("{path}/restore"), &[])
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Share with the client"),
        "it comes back unshared"
    );

    // Past the window there is nothing to restore.
    app.submit(&page_path, &format!("{path}/delete"), &[]).await;
    let long_ago = db::now() - chrono::Duration::days(31);
    diesel::update(summaries::table.filter(summaries::id.eq(id.parse::<i64>().unwrap())))
        .set(summaries::deleted_at.eq(Some(long_ago)))
        .execute(&mut conn(&app))
        .unwrap();
    assert!(!app
        .get(&page_path)
        .await
        .body
        .contains("Recently deleted summaries"));
    let late = app
        .submit(&page_path, &format!("{path}/restore"), &[])
        .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);

    // Changes only: views of the summary page are on record too (issue 12), as `view`.
    let actions: Vec<String> = audit_events::table
        .filter(audit_events::record_kind.eq("summary"))
        .filter(audit_events::action.ne("view"))
        .order(audit_events::occurred_at.asc())
        .select(audit_events::action)
        .load(&mut conn(&app))
        .unwrap();
    assert_eq!(actions, ["create", "share", "delete", "restore", "delete"]);
}

/// The value of an input of a form page.
fn input_value<'a>(body: &'a str, name: &str) -> &'a str {
    let marker = format!("name=\"{name}\" type=\"date\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {body}"))
        + marker.len();
    &body[start..start + body[start..].find('"').unwrap()]
}

/// The default period tells the whole story: from the client's first test (the baseline taken
/// before the program started) to today, with every test of it in the table.
#[actix_web::test]
async fn a_new_summary_starts_at_the_first_test_and_holds_every_test() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Maria Jensen").await;
    client_with_history(&app, client).await;
    let form = app.get(&format!("/clients/{client}/summaries/new")).await;
    let (start, end) = (
        input_value(&form.body, "period_start").to_string(),
        input_value(&form.body, "period_end").to_string(),
    );
    // The program starts on 2025-01-12; the baseline test is of 2025-01-10.
    assert_eq!(start, "2025-01-10");
    assert_eq!(end, htma_tracker::web::view::today().to_string());
    let path = create_summary(&app, client, &start, &end).await;
    let page = app.get(&path).await;
    let doc = article(&page.body);
    for date in ["2025-01-10", "2025-05-02", "2025-09-01"] {
        assert!(
            doc.contains(&format!(
                "<td data-label=\"Sample\" class=\"nowrap\">{date}"
            )),
            "{date} in the table: {doc}"
        );
    }
    // A flag between the baseline and the next test names both dates, not "an earlier test".
    assert!(!doc.contains("an earlier test"), "{doc}");
}

/// Six-digit levels and ratios, entered through the app: no number of the table is broken
/// over two lines in either PDF (the practitioner's and the client's copy).
#[actix_web::test]
async fn six_digit_levels_and_ratios_stay_whole_in_the_pdfs() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Big Numbers").await;
    let csv = "sample_date,lab,Ca,Mg,Na,K\n\
        2025-01-10,ARL,123456.7,0.5,456789.1,0.25\n\
        2025-05-02,ARL,100000.5,0.75,999999.9,0.5\n\
        2025-09-01,ARL,654321.1,0.25,888888.8,0.75\n";
    let reply = app.upload_csv(client, "big.csv", csv, "mg%").await;
    let preview = reply.location().to_string();
    let confirmed = app
        .submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let path = create_summary(&app, client, "2025-01-01", "2025-12-31").await;
    let page = app.get(&path).await;
    let doc = article(&page.body);
    // Every number of the tests table, as the page shows it.
    let mut values = Vec::new();
    for column in ["Ca", "Mg", "Na", "K", "Na/K", "Ca/K", "Ca/Mg", "Na/Mg"] {
        let marker = format!("data-label=\"{column}\">");
        for (at, _) in doc.match_indices(&marker) {
            let start = at + marker.len();
            let value = &doc[start..start + doc[start..].find('<').unwrap()];
            values.push(value.to_string());
        }
    }
    assert_eq!(values.len(), 24, "{values:?}");
    assert!(
        values.iter().filter(|v| v.len() >= 6).count() >= 12,
        "six-digit values: {values:?}"
    );
    for pdf in [format!("{path}/pdf"), format!("{path}/client.pdf")] {
        let text = pdf_text(&app.get(&pdf).await);
        for value in &values {
            assert!(
                text.lines()
                    .any(|line| line.split_whitespace().any(|word| word == value)),
                "{pdf}: {value} is not whole on one line:\n{text}"
            );
        }
    }
}
