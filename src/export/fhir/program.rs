//! The program and the client's daily answers about it (issue 17) as FHIR. Chosen resources:
//! one `MedicationStatement` per supplement of each program version (the medication as text,
//! the dose and frequency as dosage text, the version's dates as the effective period), and per
//! answered supplement per day an `Observation` (category `survey`, performer the patient)
//! whose `partOf` is that statement and whose value is the answer (`supplement-answer`:
//! taken, partly, not_taken). The diet's daily answer is an `Observation` too (`diet-answer`:
//! yes, partly, no). The day's diary Observation lists them as members.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde_json::{json, Map, Value};

use super::{code_system, coding, date, instant, put_array, stable_uuid, Entry};
use crate::db::export_snapshot::DiaryDay;
use crate::domain::adherence::DayAnswers;
use crate::service::exports::ClientExport;

/// The statements and, per supplement id, the id of its statement.
pub(super) struct Statements {
    pub entries: Vec<Entry>,
    ids: BTreeMap<i64, String>,
}

fn statement_id(supplement_id: i64) -> String {
    stable_uuid(&["supplement", &supplement_id.to_string()])
}

fn dosage_text(dose: &str, unit: &str, frequency: &str) -> String {
    let amount = crate::words::amount(dose, unit);
    [amount.as_str(), frequency.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One `MedicationStatement` per supplement and version; `today` (the export's date) decides
/// whether a version is completed, active or intended. Answers naming a supplement no longer
/// in the program (a version stored again since) get a statement of their own, status unknown.
pub(super) fn statements(export: &ClientExport, subject: &Value, today: NaiveDate) -> Statements {
    let mut entries = Vec::new();
    let mut ids = BTreeMap::new();
    let versions = &export.program;
    for (i, v) in versions.iter().enumerate() {
        let next_start = versions.get(i + 1).map(|n| n.version.starts_on);
        let status = match next_start {
            _ if v.version.starts_on > today => "intended",
            Some(next) if next <= today => "completed",
            _ => "active",
        };
        let mut period = Map::new();
        period.insert("start".into(), json!(date(v.version.starts_on)));
        if let Some(next) = next_start {
            period.insert("end".into(), json!(date(next - Duration::days(1))));
        }
        for s in &v.supplements {
            let name = s.name.trim();
            let mut resource = Map::new();
            resource.insert("resourceType".into(), json!("MedicationStatement"));
            resource.insert("status".into(), json!(status));
            resource.insert(
                "medicationCodeableConcept".into(),
                json!({ "text": if name.is_empty() { "Supplement" } else { name } }),
            );
            resource.insert("subject".into(), subject.clone());
            resource.insert("effectivePeriod".into(), Value::Object(period.clone()));
            resource.insert("dateAsserted".into(), json!(instant(v.version.created_at)));
            let dosage = dosage_text(&s.dose, &s.unit, &s.frequency);
            if !dosage.is_empty() {
                resource.insert("dosage".into(), json!([{ "text": dosage }]));
            }
            resource.insert(
                "note".into(),
                json!([{ "text": format!("Program version from {}", date(v.version.starts_on)) }]),
            );
            let id = statement_id(s.id);
            ids.insert(s.id, id.clone());
            entries.push(Entry::new(id, Value::Object(resource)));
        }
    }
    for answers in export.program_answers.values() {
        for a in &answers.supplements {
            if ids.contains_key(&a.supplement_id) {
                continue;
            }
            let name = a.name.trim();
            let resource = json!({
                "resourceType": "MedicationStatement",
                "status": "unknown",
                "medicationCodeableConcept": { "text": if name.is_empty() { "Supplement" } else { name } },
                "subject": subject,
            });
            let id = statement_id(a.supplement_id);
            ids.insert(a.supplement_id, id.clone());
            entries.push(Entry::new(id, resource));
        }
    }
    Statements { entries, ids }
}

fn answer_observation(
    day: &DiaryDay,
    subject: &Value,
    code: Value,
    value: Value,
) -> Map<String, Value> {
    let mut resource = super::diary::reported_observation(day, subject, code);
    resource.insert("valueCodeableConcept".into(), value);
    resource
}

/// The day's answers as Observations (supplements in their stored order, then the diet).
pub(super) fn answer_entries(
    day: &DiaryDay,
    answers: Option<&DayAnswers>,
    statements: &Statements,
    subject: &Value,
) -> Vec<Entry> {
    let Some(answers) = answers else {
        return Vec::new();
    };
    let entry_id = day.entry.id.to_string();
    let mut entries = Vec::new();
    for a in &answers.supplements {
        let code = json!({
            "coding": [coding(&code_system("htma-observation"), "supplement-taken", "Supplement taken as prescribed")],
            "text": format!("{} taken as prescribed?", a.name.trim()),
        });
        let value = json!({
            "coding": [coding(&code_system("supplement-answer"), a.answer.supplement_code(), a.answer.supplement_label())],
            "text": a.answer.supplement_label(),
        });
        let mut resource = answer_observation(day, subject, code, value);
        if let Some(id) = statements.ids.get(&a.supplement_id) {
            put_array(&mut resource, "partOf", vec![super::reference_to(id)]);
        }
        let id = stable_uuid(&["supplement-answer", &entry_id, &a.supplement_id.to_string()]);
        entries.push(Entry::new(id, Value::Object(resource)));
    }
    if let Some(diet) = answers.diet {
        let code = json!({
            "coding": [coding(&code_system("htma-observation"), "diet-followed", "Followed the diet")],
            "text": "Followed the diet",
        });
        let value = json!({
            "coding": [coding(&code_system("diet-answer"), diet.diet_code(), diet.diet_label())],
            "text": diet.diet_label(),
        });
        let resource = answer_observation(day, subject, code, value);
        let id = stable_uuid(&["diet-answer", &entry_id]);
        entries.push(Entry::new(id, Value::Object(resource)));
    }
    entries
}
