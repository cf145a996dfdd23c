//! A recognised lab report as the ordinary hair-test form, pre-filled for review. What each value
//! was read from travels with the form in hidden fields (`read:Ca`, `unread:001`, ...), so the
//! form shown again after a validation error still says where every value came from.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::form::{parse_printed_ratios, HairTestForm, LABS};
use crate::db::clients::ClientRow;
use crate::domain::analysis::{check_printed_ratios, HairSample};
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;
use crate::domain::units::Unit;
use crate::labreport::{PrintedSex, Read, RecognisedReport};
use crate::service::history::analyze_unsaved;

/// The pending file id (a PDF read for this form), re-posted with the form.
pub const REPORT_FILE: &str = "report_file";
/// What the values were read from: the file's name or "pasted text".
pub const REPORT_SOURCE: &str = "report_source";
const READ: &str = "read:";
const UNREAD: &str = "unread:";
const NOTE: &str = "report_note:";

/// The review parts of the form page.
#[derive(Debug, Clone, Default)]
pub struct ReviewView {
    pub source: String,
    pub report_file: Option<String>,
    /// Field name → "line 12: “Calcium (Ca) 58.0 35 - 80”" (and a note).
    pub read: BTreeMap<String, String>,
    pub unrecognised: Vec<String>,
    pub notes: Vec<String>,
    /// The printed ratios' cross-check against the levels in the form (over 2 % is shown).
    pub ratio_checks: Vec<String>,
    /// Element and ratio values recognised.
    pub levels_read: usize,
    pub ratios_read: usize,
    /// Every hidden field to post again.
    pub hidden: Vec<(String, String)>,
}

fn provenance<T>(read: &Read<T>) -> String {
    let mut text = format!("{}: “{}”", read.source.lines(), read.source.text);
    if let Some(note) = &read.note {
        text.push_str(" — ");
        text.push_str(note);
    }
    text
}

/// The form pre-filled from the report; nothing recognised is left blank (the sample date too:
/// it must be typed, not defaulted to today).
pub fn prefill(
    report: &RecognisedReport,
    source: &str,
    report_file: Option<i64>,
    client: &ClientRow,
) -> HairTestForm {
    let mut form = HairTestForm::default();
    let mut set = |key: String, value: String| {
        form.values.insert(key, value);
    };
    set(REPORT_SOURCE.into(), source.to_string());
    if let Some(id) = report_file {
        set(REPORT_FILE.into(), id.to_string());
    }
    let unit = report
        .unit
        .as_ref()
        .map(|u| u.value)
        .unwrap_or(Unit::MgPercent);
    set("unit".into(), unit.as_str().into());
    if let Some(read) = &report.unit {
        let mut text = provenance(read);
        if report.unit_guessed && read.note.is_none() {
            text.push_str(" — no unit printed: check it");
        }
        set(format!("{READ}unit"), text);
    }
    for (element, read) in &report.levels {
        set(element.symbol().into(), read.value.clone());
        set(format!("{READ}{}", element.symbol()), provenance(read));
    }
    for (ratio, read) in &report.ratios {
        set(ratio.id().into(), read.value.clone());
        set(format!("{READ}{}", ratio.id()), provenance(read));
    }
    if let Some(read) = &report.sample_date {
        set("sample_date".into(), read.value.to_string());
        set(format!("{READ}sample_date"), provenance(read));
    }
    match &report.lab {
        Some(read) if LABS[..2].contains(&read.value.as_str()) => {
            set("lab".into(), read.value.clone());
            set(format!("{READ}lab"), provenance(read));
        }
        Some(read) => {
            set("lab".into(), "Other".into());
            set("lab_other".into(), read.value.clone());
            set(format!("{READ}lab"), provenance(read));
        }
        None => set("lab".into(), String::new()),
    }
    if let Some(read) = &report.lab_sample_id {
        set("lab_sample_id".into(), read.value.clone());
        set(format!("{READ}lab_sample_id"), provenance(read));
    }
    if let Some(read) = &report.washed {
        if read.value {
            set("washed".into(), "yes".into());
        }
        set(format!("{READ}washed"), provenance(read));
    }
    let mut notes = client_checks(report, client);
    notes.extend(report.notes.iter().cloned());
    for (n, note) in notes.into_iter().enumerate() {
        set(format!("{NOTE}{:03}", n + 1), note);
    }
    for (n, line) in report.unrecognised.iter().enumerate() {
        set(
            format!("{UNREAD}{:03}", n + 1),
            format!("{}: “{}”", line.lines(), line.text),
        );
    }
    form
}

/// Sex and age printed on the report against the client's record: a mismatch may be another
/// person's report.
fn client_checks(report: &RecognisedReport, client: &ClientRow) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(read) = &report.sex {
        let printed = match read.value {
            PrintedSex::Female => Sex::Female,
            PrintedSex::Male => Sex::Male,
        };
        let word = printed.word();
        match client.sex {
            Sex::Unrecorded => notes.push(format!(
                "Sex on the report: {word} ({}). The client's record has none; it decides the calcium shell threshold, so consider adding it to the client.",
                read.source.lines()
            )),
            recorded if recorded != printed => notes.push(format!(
                "The report says {word} ({}), but {}'s record says {}: is this {}'s report?",
                read.source.lines(),
                client.full_name,
                recorded.word(),
                client.full_name
            )),
            _ => notes.push(format!(
                "Sex on the report: {word} ({}), as in the client's record.",
                read.source.lines()
            )),
        }
    }
    if let Some(read) = &report.age {
        let on = report
            .sample_date
            .as_ref()
            .map(|d| d.value)
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        match client.date_of_birth.map(|born| age_on(born, on)) {
            Some(age) if age.abs_diff(read.value as i32) > 1 => notes.push(format!(
                "The report gives age {} ({}), but {} was {age} on that date: is this {}'s report?",
                read.value,
                read.source.lines(),
                client.full_name,
                client.full_name
            )),
            _ => notes.push(format!(
                "Age on the report: {} ({}).",
                read.value,
                read.source.lines()
            )),
        }
    }
    notes
}

fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

impl ReviewView {
    /// The review parts of a form that came from a report; None for an ordinary form.
    pub fn from_form(
        form: &HairTestForm,
        sex: Sex,
        reference: &ReferenceSet,
        today: NaiveDate,
    ) -> Option<ReviewView> {
        let source = form.values.get(REPORT_SOURCE)?.clone();
        let mut view = ReviewView {
            source: source.clone(),
            report_file: form
                .values
                .get(REPORT_FILE)
                .filter(|id| id.parse::<i64>().is_ok())
                .cloned(),
            ..Default::default()
        };
        let mut keys: Vec<&String> = form.values.keys().collect();
        keys.sort();
        for key in keys {
            let value = &form.values[key];
            if let Some(field) = key.strip_prefix(READ) {
                view.read.insert(field.to_string(), value.clone());
                if crate::domain::element::Element::parse(field).is_some() {
                    view.levels_read += 1;
                } else if field.starts_with("R-") {
                    view.ratios_read += 1;
                }
            } else if key.starts_with(UNREAD) {
                view.unrecognised.push(value.clone());
            } else if key.starts_with(NOTE) {
                view.notes.push(value.clone());
            } else if key != REPORT_SOURCE && key != REPORT_FILE {
                continue;
            }
            view.hidden.push((key.clone(), value.clone()));
        }
        view.ratio_checks = ratio_checks(form, sex, reference, today);
        Some(view)
    }
}

/// The printed ratios against the ratios of the levels in the form (the check the test page
/// makes after saving); nothing when the form does not parse yet.
fn ratio_checks(
    form: &HairTestForm,
    sex: Sex,
    reference: &ReferenceSet,
    today: NaiveDate,
) -> Vec<String> {
    // Only the levels and ratios matter here: a missing date or lab must not hide the check.
    let mut probe = form.clone();
    probe.values.insert("sample_date".into(), today.to_string());
    probe.values.insert("lab".into(), String::new());
    let Ok(input) = probe.parse(today) else {
        return Vec::new();
    };
    let printed = parse_printed_ratios(&input.fields.printed_ratios);
    if printed.is_empty() {
        return Vec::new();
    }
    let sample = HairSample {
        sex,
        washed: input.fields.washed,
        levels: input.levels,
        ..HairSample::default()
    };
    check_printed_ratios(&analyze_unsaved(&sample, reference), &printed, reference)
        .into_iter()
        .map(|w| w.message)
        .collect()
}
