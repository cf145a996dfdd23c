//! The practitioner's full download: every client's hair tests CSV, diary CSV and FHIR bundle,
//! with an index of the clients and a README, in one zip built in memory (a practitioner's
//! records are kilobytes per client).

use crate::db::ClientId;
use std::io::{Cursor, Write};

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, ZipWriter};
use chrono::{Datelike, NaiveDateTime, Timelike};

use super::csv::spreadsheet_safe;
use super::ExportError;
use crate::service::exports::ClientExport;

/// Every client's files go in a folder named by id only; `clients.csv` maps ids to names.
pub fn folder(client_id: ClientId) -> String {
    format!("client-{client_id}")
}

const README: &str = "htma-tracker export\n\
===================\n\
\n\
clients.csv                   one row per client (active and archived), with the folder of their files\n\
client-ID/hair-tests.csv      hair tests in the lab CSV import format (levels in mg%): import it back as it is;\n\
                              into another client, tick \"Take these rows for this client\" on its import form\n\
client-ID/diary.csv           the symptom diary, one row per symptom per day\n\
client-ID/fhir-bundle.json    FHIR R4 Bundle (collection): Patient, hair Specimens, Observations\n\
client-ID/lab-reports/        the lab's PDF reports kept with the tests, named by sample date and test id\n\
\n\
Cells of diary.csv and clients.csv that begin with = + - or @ start with ' so that spreadsheets\n\
do not run them as formulas. Deleted hair tests (restorable in the app for 30 days) are not included.\n\
The README of htma-tracker describes every column and code.\n\
\n";

fn clients_index(exports: &[ClientExport]) -> Result<Vec<u8>, ExportError> {
    let mut out = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record([
        "client_id",
        "folder",
        "full_name",
        "reference_code",
        "date_of_birth",
        "sex",
        "email",
        "phone",
        "notes",
        "created_at",
        "archived_at",
    ])?;
    let at = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    for export in exports {
        let c = &export.client;
        let text = |v: &Option<String>| spreadsheet_safe(v.as_deref().unwrap_or(""));
        out.write_record([
            c.id.to_string(),
            folder(c.id),
            spreadsheet_safe(&c.full_name),
            text(&c.reference_code),
            c.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            c.sex.code().unwrap_or_default().to_string(),
            text(&c.email),
            text(&c.phone),
            spreadsheet_safe(&c.notes),
            at(c.created_at),
            c.archived_at.map(at).unwrap_or_default(),
        ])?;
    }
    out.into_inner()
        .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))
}

/// The zip of all `exports`, stamped `generated_at` (UTC).
pub fn all_clients(
    exports: &[ClientExport],
    generated_at: NaiveDateTime,
) -> Result<Vec<u8>, ExportError> {
    // Zip times have no zone and start in 1980; an out-of-range clock falls back to 1980.
    let stamp = ::zip::DateTime::from_date_and_time(
        u16::try_from(generated_at.year()).unwrap_or(1980),
        generated_at.month() as u8,
        generated_at.day() as u8,
        generated_at.hour() as u8,
        generated_at.minute() as u8,
        generated_at.second() as u8,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(stamp);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut add = |name: &str, bytes: &[u8]| -> Result<(), ExportError> {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
        Ok(())
    };
    add(
        "README.txt",
        format!("{README}{}\n", crate::domain::DISCLAIMER).as_bytes(),
    )?;
    add("clients.csv", &clients_index(exports)?)?;
    for export in exports {
        let dir = folder(export.client.id);
        add(
            &format!("{dir}/hair-tests.csv"),
            &super::csv::hair_tests(export)?,
        )?;
        add(&format!("{dir}/diary.csv"), &super::csv::diary(export)?)?;
        add(
            &format!("{dir}/fhir-bundle.json"),
            &super::fhir::bundle_json(export, generated_at)?,
        )?;
        for file in &export.report_files {
            let Some(test) = export
                .history
                .rows()
                .find(|t| Some(t.id) == file.hair_test_id)
            else {
                continue;
            };
            add(
                &format!(
                    "{dir}/lab-reports/{}-test-{}.pdf",
                    test.sample_date, test.id
                ),
                &file.content,
            )?;
        }
    }
    Ok(zip.finish()?.into_inner())
}
