//! Issue 18: a hair test from the lab's PDF or pasted text. The report is read into the ordinary
//! form for review (nothing saved), the form is submitted as a browser would submit it, and the
//! saved test, its kept PDF, the download, the zip and the purge after the restore window are
//! checked against the fixture's values.

use awc::http::StatusCode;
use diesel::prelude::*;

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::lab_report_fixtures::{self as fixtures, Fixture};
use htma_tracker::db::schema::{hair_test_levels, hair_tests, lab_report_files};
use htma_tracker::domain::units::Unit;
use htma_tracker::labreport::convert_cell;

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';').filter(|e| *e <= 8) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let ch = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The fields a browser would submit from the form posting to `action` in `html`.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &html[start..start + html[start..].find("</form>").expect("form end")];
    let mut fields = Vec::new();
    for piece in form.split("<input").skip(1) {
        let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
        let (Some(name), kind) = (attribute(tag, "name"), attribute(tag, "type")) else {
            continue;
        };
        let checked = tag.contains(" checked");
        match kind.as_deref() {
            Some("radio") | Some("checkbox") if !checked => {}
            _ => fields.push((name, attribute(tag, "value").unwrap_or_default())),
        }
    }
    for piece in form.split("<select").skip(1) {
        let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
        let name = attribute(tag, "name").expect("select name");
        let body = &piece[..piece.find("</select>").expect("select end")];
        let selected = body
            .split("<option")
            .skip(1)
            .find(|o| o[..o.find('>').unwrap_or(0)].contains(" selected"))
            .and_then(|o| attribute(&o[..o.find('>').unwrap_or(0)], "value"))
            .unwrap_or_default();
        fields.push((name, selected));
    }
    for piece in form.split("<textarea").skip(1) {
        let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
        let name = attribute(tag, "name").expect("textarea name");
        let open = piece.find('>').expect("textarea tag") + 1;
        let close = piece.find("</textarea>").expect("textarea end");
        fields.push((name, unescape(&piece[open..close])));
    }
    fields
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn signed_in_with_client(app: &TestApp) -> i64 {
    app.signed_in_practitioner("lab@example.com").await;
    app.create_client("Report Client").await
}

async fn upload(app: &TestApp, client_id: i64, name: &str, bytes: &[u8]) -> Reply {
    app.post_multipart(
        &format!("/clients/{client_id}/tests/new/from-report"),
        &[],
        Some((name, "application/pdf", bytes)),
    )
    .await
}

async fn paste(app: &TestApp, client_id: i64, text: &str) -> Reply {
    app.post_multipart(
        &format!("/clients/{client_id}/tests/new/from-report"),
        &[("text", text)],
        None,
    )
    .await
}

/// Submits the review form as it is; returns the new test's id.
async fn save_review(app: &TestApp, client_id: i64, review: &Reply) -> i64 {
    let action = format!("/clients/{client_id}/tests");
    let fields = form_fields(&review.body, &action);
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let saved = app.post_form(&action, &pairs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    saved
        .location()
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("test id")
}

fn level_in_mg_pct(printed: &str, unit: &str) -> (f64, bool) {
    let (number, below) = match printed {
        "<<" => ("0", true),
        p if p.starts_with('<') => (&p[1..], true),
        p => (p, false),
    };
    // 1 mg% = 10 ppm, converted on the decimal digits (0.21 ppm is exactly 0.021 mg%).
    let number = if unit == "ppm" {
        convert_cell(number, Unit::Ppm, Unit::MgPercent)
    } else {
        number.to_string()
    };
    (number.parse().expect("a number"), below)
}

async fn round_trip(fixture: Fixture) {
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let review = upload(&app, client_id, "report.pdf", &fixture.pdf).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    // Nothing is saved by reading the report.
    let mut conn = app.pool.get().expect("connection");
    let count: i64 = hair_tests::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(count, 0);

    let fields = form_fields(&review.body, &format!("/clients/{client_id}/tests"));
    for (symbol, value) in fixture.levels.iter().chain(&fixture.ratios) {
        assert_eq!(field(&fields, symbol), Some(*value), "{symbol}");
        let read = field(&fields, &format!("read:{symbol}")).unwrap_or_default();
        assert!(read.contains(value), "{symbol} read from: {read}");
    }
    // Elements the report lacks are blank.
    assert_eq!(field(&fields, "Ge"), Some(""));
    assert_eq!(field(&fields, "unit"), Some(fixture.unit));
    assert_eq!(field(&fields, "sample_date"), Some(fixture.sample_date));
    assert_eq!(field(&fields, "lab"), Some(fixture.lab));
    assert_eq!(field(&fields, "lab_sample_id"), Some(fixture.lab_sample_id));
    assert!(field(&fields, "report_file").is_some());

    let test_id = save_review(&app, client_id, &review).await;
    let levels: Vec<(String, f64, bool)> = hair_test_levels::table
        .filter(hair_test_levels::hair_test_id.eq(test_id))
        .select((
            hair_test_levels::element,
            hair_test_levels::mg_pct,
            hair_test_levels::below_limit,
        ))
        .load(&mut conn)
        .expect("levels");
    let measured: Vec<_> = fixture.levels.iter().filter(|(_, v)| *v != "QNS").collect();
    assert_eq!(levels.len(), measured.len());
    for (symbol, printed) in measured {
        let (mg_pct, below) = level_in_mg_pct(printed, fixture.unit);
        let stored = levels.iter().find(|l| l.0 == *symbol).expect(symbol);
        assert_eq!((stored.1, stored.2), (mg_pct, below), "{symbol}");
    }
    let page = app
        .get(&format!("/clients/{client_id}/tests/{test_id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains(&format!("Hair test of {}", fixture.sample_date)));
    assert!(page.body.contains(fixture.lab_sample_id));
    let download = format!("/clients/{client_id}/tests/{test_id}/report.pdf");
    assert!(page.body.contains(&download));
    // The edit form shows the values as printed (same unit, same numbers).
    let edit = app
        .get(&format!("/clients/{client_id}/tests/{test_id}/edit"))
        .await;
    let stored = form_fields(
        &edit.body,
        &format!("/clients/{client_id}/tests/{test_id}/edit"),
    );
    for (symbol, printed) in fixture.levels.iter().chain(&fixture.ratios) {
        let shown = field(&stored, symbol).unwrap_or_default();
        match *printed {
            "QNS" => assert_eq!(shown, ""),
            "<<" => assert_eq!(shown, "<<"),
            p => {
                // The edit form converts stored mg% back to ppm in binary floating point
                // (0.021 × 10 shows as 0.21000000000000002): equal to 12 digits here.
                let number = |t: &str| t.trim_start_matches('<').parse::<f64>().expect(t);
                let (a, b) = (number(shown), number(p));
                assert!((a - b).abs() <= b.abs() * 1e-12, "{symbol}: {shown} vs {p}");
            }
        }
    }
    let (status, disposition, bytes) = crate::exports::get_bytes(&app, &download).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(bytes, fixture.pdf);
    // In the all-clients zip.
    let (_, _, zip) = crate::exports::get_bytes(&app, "/export/all.zip").await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let name = format!(
        "client-{client_id}/lab-reports/{}-test-{test_id}.pdf",
        fixture.sample_date
    );
    let mut entry = zip.by_name(&name).expect("the report in the zip");
    let mut inside = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut inside).expect("read");
    assert_eq!(inside, fixture.pdf);
}

#[actix_web::test]
async fn one_column_report_in_mg_pct_round_trips() {
    round_trip(fixtures::one_column_mg_pct()).await;
}

#[actix_web::test]
async fn two_column_report_in_ppm_round_trips_and_shows_the_ratio_check() {
    let fixture = fixtures::two_column_ppm();
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let review = upload(&app, client_id, "tei.pdf", &fixture.pdf).await;
    // Na/Mg is printed 3.80 but the levels give 3.47: shown before saving.
    assert!(review.body.contains("do not match"), "{}", review.body);
    assert!(review.body.contains("Na/Mg"));
    // The report says male; the client was created female.
    assert!(
        review.body.contains("is this Report Client"),
        "{}",
        review.body
    );
    drop(app);
    round_trip(fixture).await;
}

#[actix_web::test]
async fn pasted_text_with_odd_spacing_fills_the_form_without_a_file() {
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let text =
        "Sample date:\t2026-01-20\r\n\r\n  Calcium\r\n(Ca)\r\n 45,5 \r\nMagnesium  \u{a0} 6\r\n\
                Na:30 mg %\r\nPotassium\t\t12\r\nLead   <  0.002\r\nChromium see note 3\r\n";
    let review = paste(&app, client_id, text).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let fields = form_fields(&review.body, &format!("/clients/{client_id}/tests"));
    assert_eq!(field(&fields, "Ca"), Some("45.5"));
    assert_eq!(field(&fields, "Mg"), Some("6"));
    assert_eq!(field(&fields, "Na"), Some("30"));
    assert_eq!(field(&fields, "K"), Some("12"));
    assert_eq!(field(&fields, "Pb"), Some("<0.002"));
    assert_eq!(field(&fields, "sample_date"), Some("2026-01-20"));
    assert!(field(&fields, "report_file").is_none());
    assert!(
        review.body.contains("Chromium see note 3"),
        "unrecognised line listed"
    );
    let test_id = save_review(&app, client_id, &review).await;
    let mut conn = app.pool.get().expect("connection");
    let files: i64 = lab_report_files::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(files, 0);
    let page = app
        .get(&format!("/clients/{client_id}/tests/{test_id}"))
        .await;
    assert!(!page.body.contains("report.pdf"));
}

#[actix_web::test]
async fn a_review_shown_again_after_an_error_keeps_where_values_came_from() {
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let review = paste(&app, client_id, "Calcium 45\nMagnesium 6\nSodium 30").await;
    let action = format!("/clients/{client_id}/tests");
    let mut fields = form_fields(&review.body, &action);
    // No sample date was printed: the form is refused and shown again, provenance kept.
    assert_eq!(field(&fields, "sample_date"), Some(""));
    fields.retain(|(n, _)| n != "Mg");
    fields.push(("Mg".into(), "six".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let again = app.post_form(&action, &pairs).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("From line 1: “Calcium 45”"),
        "{}",
        again.body
    );
    assert!(again.body.contains("Read from pasted text"));
}

#[actix_web::test]
async fn a_scanned_pdf_gives_the_empty_form_and_is_kept_with_the_typed_test() {
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let scan = fixtures::image_only();
    let review = upload(&app, client_id, "scan.pdf", &scan).await;
    assert_eq!(
        review.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        review.body
    );
    assert!(review.body.contains("no text layer"), "{}", review.body);
    let action = format!("/clients/{client_id}/tests");
    let mut fields = form_fields(&review.body, &action);
    assert_eq!(field(&fields, "Ca"), Some(""));
    for (name, value) in [("sample_date", "2026-02-01"), ("Ca", "50"), ("Mg", "6")] {
        fields.retain(|(n, _)| n != name);
        fields.push((name.into(), value.into()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let saved = app.post_form(&action, &pairs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (status, _, bytes) =
        crate::exports::get_bytes(&app, &format!("{}/report.pdf", saved.location())).await;
    assert_eq!((status, bytes == scan), (StatusCode::OK, true));
}

#[actix_web::test]
async fn unreadable_files_get_a_clear_message_never_a_500() {
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "damaged.pdf",
            fixtures::damaged(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "damaged",
        ),
        (
            "photo.png",
            b"\x89PNG\r\n\x1a\n0000".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "is not a PDF",
        ),
        (
            "invoice.pdf",
            fixtures::invoice(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "does not look like a hair test report",
        ),
        (
            "huge.pdf",
            {
                let mut big = b"%PDF-1.7\n".to_vec();
                big.resize(50 * 1024 * 1024, b' ');
                big
            },
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than 5 MB",
        ),
    ];
    for (name, bytes, status, message) in cases {
        let reply = upload(&app, client_id, name, &bytes).await;
        assert_eq!(reply.status, status, "{name}: {}", reply.body);
        assert!(reply.body.contains(message), "{name}: {}", reply.body);
        // The paste box and the way to the empty form are offered.
        assert!(reply.body.contains("name=\"text\""), "{name}");
        assert!(
            reply
                .body
                .contains(&format!("/clients/{client_id}/tests/new\"")),
            "{name}"
        );
    }
    // The invoice's text is given back in the paste box to correct.
    let reply = upload(&app, client_id, "invoice.pdf", &fixtures::invoice()).await;
    assert!(reply.body.contains("Total due 85.00"));
    let mut conn = app.pool.get().expect("connection");
    let kept: i64 = lab_report_files::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(kept, 0, "nothing unreadable is kept");
}

#[actix_web::test]
async fn the_report_goes_with_its_test_when_the_restore_window_ends() {
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let review = upload(&app, client_id, "r.pdf", &fixtures::one_column_mg_pct().pdf).await;
    let test_id = save_review(&app, client_id, &review).await;
    let delete = format!("/clients/{client_id}/tests/{test_id}/delete");
    let page = format!("/clients/{client_id}/tests/{test_id}");
    assert_eq!(
        app.submit(&page, &delete, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let mut conn = app.pool.get().expect("connection");
    let files = |conn: &mut htma_tracker::db::PooledConn| -> i64 {
        lab_report_files::table
            .count()
            .get_result(conn)
            .expect("count")
    };
    // Within the window it is still there (restorable with its test).
    htma_tracker::service::commands::hair_tests::purge_expired(&mut conn).expect("purge");
    assert_eq!(files(&mut conn), 1);
    let long_ago = htma_tracker::db::now() - chrono::Duration::days(31);
    diesel::update(hair_tests::table.find(test_id))
        .set(hair_tests::deleted_at.eq(Some(long_ago)))
        .execute(&mut conn)
        .expect("backdate");
    htma_tracker::service::commands::hair_tests::purge_expired(&mut conn).expect("purge");
    assert_eq!(files(&mut conn), 0);
    let tests: i64 = hair_tests::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(tests, 0);
}

#[actix_web::test]
async fn another_practitioners_report_is_not_found() {
    let app = spawn_app().await;
    let client_id = signed_in_with_client(&app).await;
    let review = upload(&app, client_id, "r.pdf", &fixtures::one_column_mg_pct().pdf).await;
    let test_id = save_review(&app, client_id, &review).await;
    app.forget_cookies();
    app.signed_in_practitioner("other@example.com").await;
    let reply = app
        .get(&format!("/clients/{client_id}/tests/{test_id}/report.pdf"))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

/// `htma-tracker backup` and `restore` (SQLite) carry the kept PDF byte for byte.
#[actix_web::test]
async fn the_report_is_in_the_backup_and_comes_back_with_a_restore() {
    let dir =
        std::env::temp_dir().join(format!("htma-lab-backup-{:x}", htma_tracker::db::new_id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let live = dir.join("live.sqlite3").display().to_string();
    let pool = htma_tracker::db::connect(&live, 4).expect("database");
    let app = crate::helpers::spawn_with_pool(pool, live.clone());
    let client_id = signed_in_with_client(&app).await;
    let pdf = fixtures::one_column_mg_pct().pdf;
    let review = upload(&app, client_id, "r.pdf", &pdf).await;
    let test_id = save_review(&app, client_id, &review).await;
    let file = dir.join("backup.sqlite3");
    htma_tracker::db::backup::backup(&live, &file).expect("backup");
    let restored = dir.join("restored.sqlite3").display().to_string();
    htma_tracker::db::backup::restore(&restored, &file, false).expect("restore");
    let restored_pool = htma_tracker::db::connect(&restored, 1).expect("restored database");
    let mut conn = restored_pool.get().expect("connection");
    let kept = htma_tracker::db::lab_reports::file_for_test(
        &mut conn,
        htma_tracker::db::HairTestId(test_id),
    )
    .expect("query")
    .expect("the report in the restored database");
    assert_eq!(kept.content, pdf);
    let _ = std::fs::remove_dir_all(&dir);
}
