//! The two CSV exports: hair tests in the lab CSV import format, and the diary in long format
//! (one row per symptom per day).

use crate::db::export_snapshot::DiaryDay;
use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::service::exports::ClientExport;

use super::ExportError;

/// The fixed columns of HTMA.md's lab CSV format, in the order the export writes them.
pub const TEST_COLUMNS: [&str; 6] = [
    "sample_date",
    "lab",
    "lab_sample_id",
    "client_ref",
    "units",
    "washed",
];

/// The diary's long format. The last three columns carry the day's answers about the program
/// (issue 17), one row per answered supplement and one for the diet; on a symptom's row they
/// are blank, and on an answer's row the symptom columns are.
pub const DIARY_COLUMNS: [&str; 14] = [
    "date",
    "symptom_key",
    "symptom",
    "severity",
    "time_of_day",
    "foods_triggers",
    "note",
    "practitioner_note",
    "practitioner_note_at",
    "created_at",
    "updated_at",
    "program_item_kind",
    "program_item",
    "program_answer",
];

/// A level as the import reads it back to the same bits: Rust's `{}` prints the shortest
/// decimal that parses to the same double, never in exponent form (which the format forbids).
/// Below-limit levels keep their limit (`<0.001`); a limit of 0 is TEI's `<<`.
pub fn level_cell(level: &MineralLevel) -> String {
    match (level.below_limit(), level.mg_pct() == 0.0) {
        (false, _) => format!("{}", level.mg_pct()),
        (true, true) => "<<".to_string(),
        (true, false) => format!("<{}", level.mg_pct()),
    }
}

fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish(writer: ::csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ExportError> {
    writer
        .into_inner()
        .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))
}

/// The client's live hair tests in comparison order, levels in mg%, one column per element
/// measured in any of them (report order).
pub fn hair_tests(export: &ClientExport) -> Result<Vec<u8>, ExportError> {
    let tests = &export.history.tests;
    let columns: Vec<Element> = Element::ALL
        .into_iter()
        .filter(|element| tests.iter().any(|t| t.sample.levels.contains_key(element)))
        .collect();
    let mut out = writer();
    let header = TEST_COLUMNS
        .iter()
        .copied()
        .chain(columns.iter().map(|e| e.symbol()));
    out.write_record(header)?;
    let client_ref = export.client.reference_code.as_deref().unwrap_or("");
    for tested in tests {
        let test = &tested.row;
        let mut record = vec![
            test.sample_date.format("%Y-%m-%d").to_string(),
            spreadsheet_safe(&test.lab),
            spreadsheet_safe(test.lab_sample_id.as_deref().unwrap_or_default()),
            spreadsheet_safe(client_ref),
            "mg%".to_string(),
            if test.washed { "yes" } else { "no" }.to_string(),
        ];
        record.extend(columns.iter().map(|element| {
            tested
                .sample
                .levels
                .get(element)
                .map(level_cell)
                .unwrap_or_default()
        }));
        out.write_record(&record)?;
    }
    finish(out)
}

/// Spreadsheets run a cell starting with `=`, `+`, `-` or `@` as a formula (CSV injection).
/// Diary text is typed by the client, so such a cell gets a leading `'`, which spreadsheets
/// hide and read as "text".
pub fn spreadsheet_safe(text: &str) -> String {
    match text.chars().next() {
        // A leading `'` is doubled too, so the import can always take exactly one off.
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The day's symptoms in vocabulary order; keys no longer in it (a removed symptom) last.
fn ordered<'a>(
    day: &'a DiaryDay,
    export: &ClientExport,
) -> Vec<&'a crate::db::export_snapshot::StoredSymptom> {
    let position = |key: &str| {
        export
            .vocabulary
            .iter()
            .position(|s| s.key == key)
            .unwrap_or(usize::MAX)
    };
    let mut symptoms: Vec<_> = day.symptoms.iter().collect();
    symptoms.sort_by(|a, b| (position(&a.key), &a.key).cmp(&(position(&b.key), &b.key)));
    symptoms
}

/// One row per symptom per day, oldest day first; the day's own fields repeat on each of its
/// rows. A day logged with no symptom is one row with the symptom columns empty.
pub fn diary(export: &ClientExport) -> Result<Vec<u8>, ExportError> {
    let mut out = writer();
    out.write_record(DIARY_COLUMNS)?;
    for day in &export.diary {
        let entry = &day.entry;
        let day_fields = |symptom: [String; 4], answer: [String; 3]| {
            let [key, label, severity, time] = symptom;
            let [kind, item, given] = answer;
            [
                entry.entry_date.format("%Y-%m-%d").to_string(),
                spreadsheet_safe(&key),
                spreadsheet_safe(&label),
                severity,
                time,
                spreadsheet_safe(&entry.triggers),
                spreadsheet_safe(&entry.note),
                spreadsheet_safe(&entry.annotation),
                entry.annotated_at.map(timestamp).unwrap_or_default(),
                timestamp(entry.created_at),
                timestamp(entry.updated_at),
                kind,
                spreadsheet_safe(&item),
                given,
            ]
        };
        let symptoms = ordered(day, export);
        let answers = export.program_answers.get(&entry.id);
        let answer_rows: Vec<[String; 3]> = answers
            .map(|a| {
                a.supplements
                    .iter()
                    .map(|s| {
                        [
                            "supplement".to_string(),
                            s.name.clone(),
                            s.answer.supplement_code().to_string(),
                        ]
                    })
                    .chain(a.diet.map(|d| {
                        [
                            "diet".to_string(),
                            "diet".to_string(),
                            d.diet_code().to_string(),
                        ]
                    }))
                    .collect()
            })
            .unwrap_or_default();
        if symptoms.is_empty() && answer_rows.is_empty() {
            out.write_record(day_fields(Default::default(), Default::default()))?;
        }
        for symptom in symptoms {
            let label =
                crate::domain::diary::vocabulary::label_of(&export.vocabulary, &symptom.key);
            out.write_record(day_fields(
                [
                    symptom.key.clone(),
                    label.to_string(),
                    symptom.severity.to_string(),
                    symptom.time_of_day.clone().unwrap_or_default(),
                ],
                Default::default(),
            ))?;
        }
        for answer in answer_rows {
            out.write_record(day_fields(Default::default(), answer))?;
        }
    }
    finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::level::parse_level_cell;
    use crate::domain::units::Unit;
    use proptest::prelude::*;

    #[test]
    fn level_cells_read_back_as_the_same_level() {
        let cases = [
            (MineralLevel::new(160.0, false), "160"),
            (MineralLevel::new(0.1 + 0.2, false), "0.30000000000000004"),
            (MineralLevel::new(0.0000001, false), "0.0000001"),
            (MineralLevel::new(0.001, true), "<0.001"),
            (MineralLevel::new(0.0, true), "<<"),
            (MineralLevel::new(0.0, false), "0"),
        ];
        for (level, text) in cases {
            let level = level.unwrap();
            assert_eq!(level_cell(&level), text);
            assert_eq!(parse_level_cell(text, Unit::MgPercent), Ok(Some(level)));
        }
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("-2 cups"), "'-2 cups");
        assert_eq!(spreadsheet_safe("bread"), "bread");
        assert_eq!(spreadsheet_safe(""), "");
    }

    proptest! {
        /// The import takes off exactly what the export added: export → import → export is the
        /// identity on any text.
        #[test]
        fn spreadsheet_escape_round_trips(text in any::<String>()) {
            let escaped = spreadsheet_safe(&text);
            prop_assert!(!escaped.starts_with(['=', '+', '-', '@']));
            prop_assert_eq!(crate::labcsv::unescape_spreadsheet(&escaped), text.as_str());
        }

        /// Every finite level the app can store prints to a cell that parses to the same bits.
        #[test]
        fn any_level_round_trips(bits in any::<u64>(), below in any::<bool>()) {
            let value = f64::from_bits(bits).abs();
            prop_assume!(value.is_finite());
            let level = MineralLevel::new(value, below).unwrap();
            let back = parse_level_cell(&level_cell(&level), Unit::MgPercent).unwrap().unwrap();
            prop_assert_eq!(back.mg_pct().to_bits(), level.mg_pct().to_bits());
            prop_assert_eq!(back.below_limit(), level.below_limit());
        }
    }
}
