//! Property tests at volume of the input parsers (issue 7): the lab CSV importer and the client
//! and hair-test form parsers never panic, and what they accept is within their stated bounds.
//!
//! 256 cases per target by default; the volume runs recorded in the README set
//! `PROPTEST_CASES` (e.g. `PROPTEST_CASES=1000000 cargo test --release --test api fuzz::`).

use std::collections::HashMap;

use chrono::NaiveDate;
use proptest::prelude::*;

use htma_tracker::domain::element::Element;
use htma_tracker::domain::ratio::RatioId;
use htma_tracker::domain::units::Unit;
use htma_tracker::labcsv::parse_lab_csv;
use htma_tracker::web::clients::ClientForm;
use htma_tracker::web::hair_tests::form::HairTestForm;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date")
}

/// Cells that sit on the edges of what the parsers read: numbers, limits, TEI marks, dates,
/// separators, quotes, encodings.
fn tricky_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[0-9]{0,6}(\\.[0-9]{0,6})?",
        2 => prop::sample::select(vec![
            "", " ", "0", "-0", "-1", "1e308", "1e309", "-1e309", "NaN", "inf", "-inf", "0x10",
            "1,5", "1.5.5", "<", "<<", "<<0.01", "< 0.01", "<-1", "<NaN", "QNS", "qns", "n/a",
            "\"", "\"\"", "\"a,b\"", "a\nb", "\r", "\u{feff}", "٣", "１２", "2025-03-01",
            "2025-02-30", "01/03/2025", "9999-12-31", "+002025-03-01", "yes", "no", "washed",
            "mg%", "ppm", "F", "M", "x", "ARL", "TEI",
        ].into_iter().map(String::from).collect::<Vec<_>>()),
        1 => any::<String>(),
    ]
}

fn header_name() -> impl Strategy<Value = String> {
    let mut names: Vec<String> = [
        "sample_date",
        "lab",
        "lab_sample_id",
        "client_ref",
        "sex",
        "units",
        "washed",
        "Sample Date",
        "",
        "Foo",
        "Ca (ppm)",
        "Ca [mg%]",
        "Ca (mg)",
        "calcium",
        "Potassium",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    names.extend(Element::ALL.iter().map(|e| e.symbol().to_string()));
    prop_oneof![
        4 => prop::sample::select(names),
        1 => any::<String>(),
    ]
}

/// A CSV file as text: a header, then rows of tricky cells (ragged on purpose).
fn lab_csv() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(header_name(), 0..12),
        prop::collection::vec(prop::collection::vec(tricky_cell(), 0..14), 0..8),
        prop::sample::select(vec![",", ";", "\t"]),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
    )
        .prop_map(|(header, rows, sep, newline)| {
            let mut text = header.join(sep);
            for row in rows {
                text.push_str(newline);
                text.push_str(&row.join(sep));
            }
            text
        })
}

fn check_csv(bytes: &[u8]) {
    for unit in [Unit::MgPercent, Unit::Ppm] {
        if let Ok(rows) = parse_lab_csv(bytes, unit) {
            let mut last_line = 1;
            for row in rows {
                assert!(row.line > last_line, "line numbers increase");
                last_line = row.line;
                if let Ok(test) = row.result {
                    for level in test.levels.values() {
                        assert!(level.mg_pct().is_finite() && level.mg_pct() >= 0.0);
                    }
                }
            }
        }
    }
}

fn form_field_name() -> impl Strategy<Value = String> {
    let mut names: Vec<String> = [
        "sample_date",
        "lab",
        "lab_other",
        "lab_sample_id",
        "unit",
        "washed",
        "notes",
        "csrf_token",
        "",
        "R-",
        "ca",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    names.extend(Element::ALL.iter().map(|e| e.symbol().to_string()));
    names.extend(RatioId::ALL.iter().map(|r| r.id().to_string()));
    prop_oneof![
        5 => prop::sample::select(names),
        1 => any::<String>(),
    ]
}

fn long_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => tricky_cell(),
        1 => (1usize..30_000).prop_map(|n| "é".repeat(n)),
    ]
}

proptest! {
    #[test]
    fn lab_csv_from_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_csv(&bytes);
    }

    #[test]
    fn lab_csv_from_structured_text_never_panics(text in lab_csv()) {
        check_csv(text.as_bytes());
    }

    #[test]
    fn hair_test_form_never_panics_and_accepts_only_valid_tests(
        fields in prop::collection::hash_map(form_field_name(), long_text(), 0..24)
    ) {
        let form = HairTestForm::from_submitted(fields.into_iter().collect::<HashMap<_, _>>());
        if let Ok(input) = form.parse(today()) {
            prop_assert!(input.fields.sample_date <= today());
            prop_assert!(!input.levels.is_empty());
            prop_assert!(input.levels.values().all(|l| l.mg_pct().is_finite() && l.mg_pct() >= 0.0));
            prop_assert!(input.fields.notes.chars().count() <= 20_000);
            prop_assert!(input.fields.lab.chars().count() <= 100);
        }
    }

    #[test]
    fn client_form_never_panics_and_accepts_only_valid_clients(
        full_name in long_text(), reference_code in long_text(), date_of_birth in tricky_cell(),
        sex in tricky_cell(), email in long_text(), phone in long_text(), notes in long_text(),
    ) {
        let form = ClientForm { full_name, reference_code, date_of_birth, sex, email, phone, notes };
        if let Ok(fields) = form.parse(today()) {
            let name = fields.full_name.chars().count();
            prop_assert!(name > 0 && name <= 200);
            prop_assert!(fields.reference_code.is_none_or(|c| c.chars().count() <= 50));
            prop_assert!(fields.date_of_birth.is_none_or(|d| d <= today()));
            // The sex stored is exactly the code chosen (`F`, `M`, or blank for not recorded).
            prop_assert_eq!(fields.sex.code().unwrap_or_default(), form.sex.trim());
            prop_assert!(fields.notes.chars().count() <= 20_000);
        }
    }
}

// lab report import (issue 18): the recogniser and the PDF reader on hostile input.

/// Words and cells a lab report is made of, to build lines the recogniser takes seriously.
fn report_token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Calcium", "Ca", "(Ca)", "Kalium", "Fósforo", "Lead", "Pb", "Ca/Mg", "Na/K", "Ca / P",
            "mg%", "ppm", "µg/g", "mg/kg", "<<", "<", "QNS", "-", "–", ":", "35-80", "H", "*",
            "Sample", "date", "Date Sampled:", "Lab #:", "Age", "Sex:", "F", "Gender", "washed",
            "unwashed", "Analytical Research Labs", "TRACE ELEMENTS, INC.", "March", "de",
            "2026-03-01", "03/04/2026", "31.12.2025", "1,600", "0,52", "1.234,5", "\t", "\u{a0}",
            "«", "≤", "\r", "Ca58", "Calcium:58",
        ].into_iter().map(String::from).collect::<Vec<_>>()),
        2 => "[0-9]{1,5}([.,][0-9]{1,4})?",
        1 => any::<String>(),
    ]
}

fn check_report(text: &str) -> Result<(), TestCaseError> {
    use htma_tracker::domain::level::parse_level_cell;
    let report = htma_tracker::labreport::recognise(text);
    let unit = report
        .unit
        .as_ref()
        .map(|u| u.value)
        .unwrap_or(Unit::MgPercent);
    // Whatever is put into the form is something the form accepts.
    for read in report.levels.values() {
        prop_assert!(
            parse_level_cell(&read.value, unit).is_ok(),
            "{:?} is not a level cell",
            read.value
        );
        prop_assert!(read.source.first >= 1 && read.source.last <= report.line_count);
    }
    for read in report.ratios.values() {
        prop_assert!(read
            .value
            .parse::<f64>()
            .is_ok_and(|v| v.is_finite() && v >= 0.0));
    }
    prop_assert!(report.unrecognised.len() <= 60 + report.ratios.len() + 7);
    Ok(())
}

/// A real report, made once, for the mutation target.
fn report_pdf() -> &'static [u8] {
    static PDF: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PDF.get_or_init(|| crate::lab_report_fixtures::two_column_ppm().pdf)
}

/// Reads a PDF with a 2 s budget. The reader must stop by itself: it is checked against a far
/// looser bound that only a hang (or a deadline not honoured) would break.
fn check_pdf(bytes: &[u8]) -> Result<(), TestCaseError> {
    use std::time::{Duration, Instant};
    let started = Instant::now();
    let result = htma_tracker::labreport::pdf::text(bytes, started + Duration::from_secs(2));
    prop_assert!(
        started.elapsed() < Duration::from_secs(20),
        "no stop at the deadline"
    );
    if let Ok(text) = result {
        check_report(&text)?;
    }
    Ok(())
}

proptest! {
    #[test]
    fn lab_report_text_never_panics(text in any::<String>()) {
        check_report(&text)?;
    }

    #[test]
    fn lab_report_lines_of_report_words_give_only_valid_cells(
        lines in prop::collection::vec(prop::collection::vec(report_token(), 0..10), 0..30)
    ) {
        let text: Vec<String> = lines.iter().map(|words| words.join(" ")).collect();
        check_report(&text.join("\n"))?;
    }

    #[test]
    fn pdf_reader_on_arbitrary_bytes_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..4096), pdf_header in any::<bool>()
    ) {
        let mut bytes = bytes;
        if pdf_header {
            bytes.splice(0..0, b"%PDF-1.7\n".iter().copied());
        }
        check_pdf(&bytes)?;
    }

    #[test]
    fn pdf_reader_on_damaged_reports_never_panics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
        cut in any::<prop::sample::Index>(), truncate in any::<bool>()
    ) {
        let mut bytes = report_pdf().to_vec();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        check_pdf(&bytes)?;
    }
}
