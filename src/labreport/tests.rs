//! Table tests of the recogniser: each layout's text as a PDF viewer or `pdf::text` gives it.

use super::*;

fn level(report: &RecognisedReport, element: Element) -> Option<&str> {
    report.levels.get(&element).map(|r| r.value.as_str())
}

const ONE_COLUMN: &str = "\
Analytical Research Labs, Inc.
Hair Tissue Mineral Analysis
Patient: Jane Doe        Sex: F        Age: 42
Lab #: H2603-0147        Sample date: 03/01/2026        Report date: 03/15/2026
Unwashed sample
ELEMENT            RESULT mg%     REFERENCE RANGE
Calcium (Ca)       58.0           35 - 80
Magnesium (Mg)     7.2            4.5 - 8.5
Sodium (Na)        25             18 - 34
Potassium (K)      10             8 - 14
Phosphorus (P)     16.5           14 - 18
Zinc (Zn)          17             15 - 20
Copper (Cu)        2.4            2.0 - 3.0
Lead (Pb)          <0.01          < 0.1
Mercury (Hg)       QNS            < 0.04
Vanadium Pentoxide 0.002          < 0.01
Calcium levels above 60 are discussed on page 3.
";

#[test]
fn one_column_with_reference_ranges() {
    let report = recognise(ONE_COLUMN);
    assert_eq!(level(&report, Element::Ca), Some("58.0"));
    assert_eq!(level(&report, Element::Mg), Some("7.2"));
    assert_eq!(level(&report, Element::P), Some("16.5"));
    assert_eq!(level(&report, Element::Pb), Some("<0.01"));
    assert_eq!(level(&report, Element::Hg), Some("QNS"));
    assert_eq!(report.levels.len(), 9, "{:?}", report.levels.keys());
    let unit = report.unit.as_ref().unwrap();
    assert_eq!(unit.value, Unit::MgPercent);
    assert!(!report.unit_guessed);
    let date = report.sample_date.as_ref().unwrap();
    assert_eq!(date.value, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    assert!(date.note.is_some(), "03/01 is ambiguous");
    assert_eq!(report.lab.as_ref().unwrap().value, "ARL");
    assert_eq!(report.lab_sample_id.as_ref().unwrap().value, "H2603-0147");
    assert_eq!(report.sex.as_ref().unwrap().value, PrintedSex::Female);
    assert_eq!(report.age.as_ref().unwrap().value, 42);
    assert!(!report.washed.as_ref().unwrap().value);
    let ca = &report.levels[&Element::Ca].source;
    assert_eq!(
        (ca.first, ca.text.as_str()),
        (7, "Calcium (Ca) 58.0 35 - 80")
    );
    // "Vanadium Pentoxide": a word between label and value, so not read as vanadium.
    assert!(!report.levels.contains_key(&Element::V));
    assert!(
        report
            .unrecognised
            .iter()
            .any(|l| l.text.starts_with("Vanadium Pentoxide")),
        "{:?}",
        report.unrecognised
    );
    // Prose about calcium is neither a result nor a second calcium value.
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    assert!(report.is_lab_report());
}

const TWO_COLUMN: &str = "\
TRACE ELEMENTS, INC.   HAIR ANALYSIS
Sample ID: 77812   Date Sampled: 2026-02-14   Gender: Male
Results in ppm
Ca 1600   Zn 180
Mg 72   Cu 24
Na 250   Fe 11
K 100   Mn 0.15
P 165   Cr <<
Pb 0.21   Hg <<
Ratios
Ca/P 9.70   Na/K 2.50
Ca/Mg 22.22   Zn/Cu 7.5
";

#[test]
fn two_columns_with_ratios_and_below_limit_marks() {
    let report = recognise(TWO_COLUMN);
    assert_eq!(report.unit.as_ref().unwrap().value, Unit::Ppm);
    assert_eq!(level(&report, Element::Ca), Some("1600"));
    assert_eq!(level(&report, Element::Zn), Some("180"));
    assert_eq!(level(&report, Element::Mn), Some("0.15"));
    assert_eq!(level(&report, Element::Cr), Some("<<"));
    assert_eq!(level(&report, Element::Hg), Some("<<"));
    assert_eq!(report.levels.len(), 12);
    assert_eq!(report.ratios[&RatioId::CaP].value, "9.70");
    assert_eq!(report.ratios[&RatioId::ZnCu].value, "7.5");
    assert_eq!(report.ratios.len(), 4);
    assert_eq!(report.lab.as_ref().unwrap().value, "TEI");
    assert_eq!(report.lab_sample_id.as_ref().unwrap().value, "77812");
    assert_eq!(report.sex.as_ref().unwrap().value, PrintedSex::Male);
    assert_eq!(
        report.sample_date.as_ref().unwrap().value,
        NaiveDate::from_ymd_opt(2026, 2, 14).unwrap()
    );
    assert!(report.sample_date.as_ref().unwrap().note.is_none());
    assert!(report.washed.is_none());
    assert!(report.unrecognised.is_empty(), "{:?}", report.unrecognised);
}

#[test]
fn pasted_text_with_odd_spacing_and_line_breaks() {
    let text =
        "  Calcium\r\n  Ca\r\n\t58\r\n35-80\r\nMagnesium   \u{a0}\r\n7,2\r\n\r\nNa:25 mg %\r\n\
                Kalium 10\r\nZinc\r\n\r\n\r\n";
    let report = recognise(text);
    assert_eq!(level(&report, Element::Ca), Some("58"));
    assert_eq!(report.levels[&Element::Ca].source.lines(), "lines 1–3");
    assert_eq!(level(&report, Element::Mg), Some("7.2"));
    assert_eq!(level(&report, Element::Na), Some("25"));
    assert_eq!(level(&report, Element::K), Some("10"));
    assert_eq!(report.unit.as_ref().unwrap().value, Unit::MgPercent);
    // "Zinc" with nothing after it.
    assert!(report.unrecognised.iter().any(|l| l.text == "Zinc"));
}

#[test]
fn german_and_spanish_reports() {
    let german = "Haarmineralanalyse\nProbenahme: 01.03.2026\nGeschlecht: weiblich  Alter: 35\n\
                  Ergebnisse in mg%\nCalcium 58,5\nKalium 9,1\nNatrium 24,0\nQuecksilber <0,002\n\
                  Blei << \nProbe ungewaschen";
    let report = recognise(german);
    assert_eq!(level(&report, Element::Ca), Some("58.5"));
    assert_eq!(level(&report, Element::K), Some("9.1"));
    assert_eq!(level(&report, Element::Hg), Some("<0.002"));
    assert_eq!(level(&report, Element::Pb), Some("<<"));
    assert_eq!(report.sex.as_ref().unwrap().value, PrintedSex::Female);
    assert_eq!(report.age.as_ref().unwrap().value, 35);
    assert!(!report.washed.as_ref().unwrap().value);
    assert_eq!(
        report.sample_date.as_ref().unwrap().value,
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    );
    let spanish = "Fecha de muestra: 02/03/2026\nResultados µg/g\nCalcio 580\nFósforo 160\n\
                   Potasio 95\nArsénico <0,01\nSexo: Hombre";
    let report = recognise(spanish);
    assert_eq!(report.unit.as_ref().unwrap().value, Unit::Ppm);
    assert_eq!(level(&report, Element::P), Some("160"));
    assert_eq!(level(&report, Element::As), Some("<0.01"));
    // Spanish: day first.
    assert_eq!(
        report.sample_date.as_ref().unwrap().value,
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    );
    assert_eq!(report.sex.as_ref().unwrap().value, PrintedSex::Male);
}

#[test]
fn row_units_that_differ_are_converted_exactly() {
    let report = recognise("Calcium 58 mg%\nMagnesium 7 mg%\nSodium 250 ppm\nLead 0.05 ppm");
    assert_eq!(report.unit.as_ref().unwrap().value, Unit::MgPercent);
    assert_eq!(level(&report, Element::Na), Some("25.0"));
    assert_eq!(level(&report, Element::Pb), Some("0.005"));
    assert!(report.levels[&Element::Na].note.is_some());
    assert_eq!(convert_cell("<0.5", Unit::MgPercent, Unit::Ppm), "<5");
    assert_eq!(convert_cell("<<", Unit::MgPercent, Unit::Ppm), "<<");
    assert_eq!(convert_cell("160", Unit::Ppm, Unit::MgPercent), "16.0");
    assert_eq!(convert_cell("0.003", Unit::MgPercent, Unit::Ppm), "0.03");
}

#[test]
fn no_unit_printed_is_guessed_and_said() {
    let report = recognise("Ca 1450\nMg 80\nNa 300");
    assert!(report.unit_guessed);
    assert_eq!(report.unit.as_ref().unwrap().value, Unit::Ppm);
    let report = recognise("Ca 45\nMg 8\nNa 30");
    assert_eq!(report.unit.as_ref().unwrap().value, Unit::MgPercent);
    assert!(report.unit.as_ref().unwrap().note.is_some());
}

#[test]
fn not_a_report() {
    for text in [
        "",
        "Dear client, your invoice is attached. Total 120.00 due 2026-03-01.",
        "Calcium is important for bones and 58 people agree.",
    ] {
        let report = recognise(text);
        assert!(!report.is_lab_report(), "{text}");
    }
}

#[test]
fn report_dates_are_not_sample_dates() {
    let report = recognise("Report date: 2026-03-15\nDate of birth: 1980-01-01\nCa 50");
    assert!(report.sample_date.is_none());
    let report = recognise("Received 2026-03-10  Collected 2026-03-01");
    assert_eq!(
        report.sample_date.unwrap().value,
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    );
}

#[test]
fn a_second_value_for_an_element_is_noted_not_used() {
    let report = recognise("Ca 58\nMg 7\nCa 61");
    assert_eq!(level(&report, Element::Ca), Some("58"));
    assert_eq!(report.notes.len(), 1);
}
