//! The symptom diary as FHIR: per logged day one Observation (its note, foods/triggers and the
//! practitioner's annotation) with `hasMember` links to one Observation per symptom felt
//! (severity 0–10 as `valueInteger`, the time of day as a component).

use serde_json::{json, Map, Value};

use super::{category, code_system, coding, date, instant, put_array, stable_uuid, Entry};
use crate::db::export_snapshot::{DiaryDay, StoredSymptom};
use crate::domain::diary::vocabulary::label_of;
use crate::domain::diary::TimeOfDay;
use crate::service::exports::ClientExport;

/// An Observation the client reported about a logged day (a symptom, the day itself, a program
/// answer): its date, when it was last saved, the client as subject and performer.
pub(super) fn reported_observation(
    day: &DiaryDay,
    subject: &Value,
    code: Value,
) -> Map<String, Value> {
    let mut resource = Map::new();
    resource.insert("resourceType".into(), json!("Observation"));
    resource.insert("status".into(), json!("final"));
    resource.insert("category".into(), category("survey", "Survey"));
    resource.insert("code".into(), code);
    resource.insert("subject".into(), subject.clone());
    resource.insert(
        "effectiveDateTime".into(),
        json!(date(day.entry.entry_date)),
    );
    resource.insert("issued".into(), json!(instant(day.entry.updated_at)));
    // The client reported it themselves.
    resource.insert("performer".into(), json!([subject]));
    resource
}

fn symptom_observation(
    day: &DiaryDay,
    symptom: &StoredSymptom,
    export: &ClientExport,
    subject: &Value,
) -> Entry {
    let label = label_of(&export.vocabulary, &symptom.key);
    let code = json!({
        "coding": [coding(&code_system("symptom"), &symptom.key, label)],
        "text": label,
    });
    let mut resource = reported_observation(day, subject, code);
    resource.insert("valueInteger".into(), json!(symptom.severity));
    let time = symptom
        .time_of_day
        .as_deref()
        .and_then(|t| TimeOfDay::parse(t).ok().flatten());
    if let Some(time) = time {
        resource.insert(
            "component".into(),
            json!([{
                "code": { "coding": [coding(&code_system("htma-observation"), "time-of-day", "Time of day")] },
                "valueCodeableConcept": {
                    "coding": [coding(&code_system("symptom-time-of-day"), time.as_str(), time.label())],
                    "text": time.label(),
                },
            }]),
        );
    }
    let id = stable_uuid(&["symptom", &day.entry.id.to_string(), &symptom.key]);
    Entry::new(id, Value::Object(resource))
}

fn day_observation(day: &DiaryDay, subject: &Value, members: Vec<Value>, felt: bool) -> Entry {
    let entry = &day.entry;
    let code = json!({
        "coding": [coding(&code_system("htma-observation"), "symptom-diary-day", "Symptom diary day")],
        "text": "Symptom diary day",
    });
    let mut resource = reported_observation(day, subject, code);
    if !felt {
        resource.insert("valueString".into(), json!("No symptoms"));
    }
    put_array(&mut resource, "hasMember", members);
    let triggers = entry.triggers.trim();
    if !triggers.is_empty() {
        resource.insert(
            "component".into(),
            json!([{
                "code": { "coding": [coding(&code_system("htma-observation"), "foods-triggers", "Foods or additives before symptoms")] },
                "valueString": triggers,
            }]),
        );
    }
    let mut notes = Vec::new();
    if !entry.note.trim().is_empty() {
        notes.push(json!({ "text": entry.note.trim() }));
    }
    if !entry.annotation.trim().is_empty() {
        let mut note = Map::new();
        note.insert("authorString".into(), json!("Practitioner"));
        if let Some(at) = entry.annotated_at {
            note.insert("time".into(), json!(instant(at)));
        }
        note.insert("text".into(), json!(entry.annotation.trim()));
        notes.push(Value::Object(note));
    }
    put_array(&mut resource, "note", notes);
    Entry::new(
        stable_uuid(&["diary-day", &entry.id.to_string()]),
        Value::Object(resource),
    )
}

/// Oldest day first; each day's symptom Observations, then its program answers (issue 17,
/// `program`), follow it.
pub(super) fn entries(
    export: &ClientExport,
    subject: &Value,
    statements: &super::program::Statements,
) -> Vec<Entry> {
    let mut entries = Vec::new();
    for day in &export.diary {
        let symptoms: Vec<Entry> = day
            .symptoms
            .iter()
            .map(|symptom| symptom_observation(day, symptom, export, subject))
            .collect();
        let answers = super::program::answer_entries(
            day,
            export.program_answers.get(&day.entry.id),
            statements,
            subject,
        );
        let members = symptoms
            .iter()
            .chain(answers.iter())
            .map(Entry::reference)
            .collect();
        entries.push(day_observation(day, subject, members, !symptoms.is_empty()));
        entries.extend(symptoms);
        entries.extend(answers);
    }
    entries
}
