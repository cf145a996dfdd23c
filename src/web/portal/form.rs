//! The diary form at the edge: the posted fields exactly as typed (`RawEntry`, kept verbatim so
//! a page with errors, a stale form or an ended session gives everything back), their parsing
//! into a typed `EntryInput`, and the rows the template draws.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::diary::Entry;
use crate::domain::diary::calendar::parse_date;
use crate::domain::diary::entry::{parse_text, NOTE_MAX_CHARS, TRIGGERS_MAX_CHARS};
use crate::domain::diary::{EntryInput, Severity, Symptom, SymptomReading, TimeOfDay};
use crate::web::forms::FieldErrors;

const SEVERITY_PREFIX: &str = "sev_";
const TIME_PREFIX: &str = "tod_";
/// A supplement's answer (issue 17): `sup_<supplement id>`; the diet's is `diet`.
pub(crate) const SUPPLEMENT_PREFIX: &str = "sup_";

/// The diary form as posted. Symptom fields are `sev_<key>` (0–10) and `tod_<key>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEntry {
    pub csrf_token: String,
    /// The diary page's proof value (see `resume::form_proof`); like the token, never kept.
    pub form_proof: String,
    pub date: String,
    /// The entry's revision when the form was opened ("0": no entry yet).
    pub revision: String,
    pub note: String,
    pub triggers: String,
    pub severities: BTreeMap<String, String>,
    pub times: BTreeMap<String, String>,
    /// Program answers as posted, by supplement id (`sup_<id>`), and the diet's (`diet`).
    pub supplements: BTreeMap<String, String>,
    pub diet: String,
}

impl RawEntry {
    /// Unknown fields are ignored; a repeated field keeps its last value, as browsers send one.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut raw = RawEntry::default();
        for (name, value) in pairs {
            let value = value.clone();
            match name.as_str() {
                "csrf_token" => raw.csrf_token = value,
                "form_proof" => raw.form_proof = value,
                "date" => raw.date = value,
                "revision" => raw.revision = value,
                "note" => raw.note = value,
                "triggers" => raw.triggers = value,
                "diet" => raw.diet = value,
                other => {
                    if let Some(id) = other.strip_prefix(SUPPLEMENT_PREFIX) {
                        raw.supplements.insert(id.to_string(), value);
                    } else if let Some(key) = other.strip_prefix(SEVERITY_PREFIX) {
                        raw.severities.insert(key.to_string(), value);
                    } else if let Some(key) = other.strip_prefix(TIME_PREFIX) {
                        raw.times.insert(key.to_string(), value);
                    }
                }
            }
        }
        raw
    }

    /// The fields to keep for later (everything but the anti-forgery token, which dies with
    /// its session), in the form encoding they came in.
    pub fn to_payload(&self) -> String {
        let mut pairs: Vec<(String, String)> = vec![
            ("date".into(), self.date.clone()),
            ("revision".into(), self.revision.clone()),
            ("note".into(), self.note.clone()),
            ("triggers".into(), self.triggers.clone()),
        ];
        for (key, value) in &self.severities {
            pairs.push((format!("{SEVERITY_PREFIX}{key}"), value.clone()));
        }
        for (key, value) in &self.times {
            pairs.push((format!("{TIME_PREFIX}{key}"), value.clone()));
        }
        for (id, value) in &self.supplements {
            pairs.push((format!("{SUPPLEMENT_PREFIX}{id}"), value.clone()));
        }
        if !self.diet.is_empty() {
            pairs.push(("diet".into(), self.diet.clone()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    pub fn from_payload(payload: &str) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(payload).unwrap_or_default();
        Self::from_pairs(&pairs)
    }

    /// A blank form for a day without an entry.
    pub fn blank(date: NaiveDate) -> Self {
        RawEntry {
            date: date.to_string(),
            revision: "0".into(),
            ..RawEntry::default()
        }
    }

    /// The form of a stored entry.
    pub fn from_entry(entry: &Entry) -> Self {
        let mut raw = RawEntry {
            date: entry.row.entry_date.to_string(),
            revision: entry.row.revision.to_string(),
            note: entry.row.note.clone(),
            triggers: entry.row.triggers.clone(),
            ..RawEntry::default()
        };
        for reading in &entry.symptoms {
            raw.severities
                .insert(reading.key.clone(), reading.severity.to_string());
            if let Some(t) = reading.time_of_day {
                raw.times
                    .insert(reading.key.clone(), t.as_str().to_string());
            }
        }
        raw
    }

    /// The date the form is about, when it reads as one.
    pub fn parsed_date(&self) -> Option<NaiveDate> {
        parse_date(&self.date).ok()
    }

    /// Parses every field against the client's vocabulary, collecting every problem at once.
    pub fn parse(&self, vocabulary: &[Symptom]) -> Result<(EntryInput, i64), EntryErrors> {
        let mut errors = EntryErrors::default();
        let date = parse_date(&self.date)
            .map_err(|m| errors.fields.add("date", m))
            .ok();
        let revision = self.revision.trim().parse::<i64>().unwrap_or(0).max(0);
        let note = parse_text(&self.note, NOTE_MAX_CHARS)
            .map_err(|m| errors.fields.add("note", m))
            .ok();
        let triggers = parse_text(&self.triggers, TRIGGERS_MAX_CHARS)
            .map_err(|m| errors.fields.add("triggers", m))
            .ok();
        let mut symptoms = Vec::new();
        for symptom in vocabulary {
            let severity = Severity::parse(self.severity_of(&symptom.key));
            let time = TimeOfDay::parse(self.time_of(&symptom.key));
            match (severity, time) {
                (Ok(severity), Ok(time_of_day)) if severity.is_present() => {
                    symptoms.push(SymptomReading {
                        key: symptom.key.clone(),
                        severity,
                        time_of_day,
                    })
                }
                (Ok(_), Ok(_)) => {}
                (Err(e), _) => {
                    errors.rows.insert(symptom.key.clone(), e.to_string());
                }
                (_, Err(message)) => {
                    errors.rows.insert(symptom.key.clone(), message);
                }
            }
        }
        let unknown = self.severities.iter().any(|(key, value)| {
            !vocabulary.iter().any(|s| &s.key == key)
                && Severity::parse(value).map_or(true, Severity::is_present)
        });
        if unknown {
            errors.fields.add(
                "form",
                "The form named a symptom that is not on your list any more. Reload the page.",
            );
        }
        match (date, note, triggers) {
            (Some(date), Some(note), Some(triggers)) if errors.is_empty() => Ok((
                EntryInput {
                    date,
                    symptoms,
                    note,
                    triggers,
                },
                revision,
            )),
            _ => Err(errors),
        }
    }

    fn severity_of(&self, key: &str) -> &str {
        self.severities.get(key).map(String::as_str).unwrap_or("")
    }

    fn time_of(&self, key: &str) -> &str {
        self.times.get(key).map(String::as_str).unwrap_or("")
    }

    /// The rows to draw, one per symptom of the vocabulary, showing exactly what was posted.
    pub fn rows(&self, vocabulary: &[Symptom], errors: &EntryErrors) -> Vec<SymptomRow> {
        vocabulary
            .iter()
            .map(|symptom| {
                let severity = Severity::parse(self.severity_of(&symptom.key))
                    .map(Severity::get)
                    .unwrap_or(0);
                let time = self.time_of(&symptom.key).to_string();
                let error = errors.rows.get(&symptom.key).cloned();
                SymptomRow {
                    key: symptom.key.clone(),
                    label: symptom.label.clone(),
                    open: severity > 0 || error.is_some(),
                    options: (0..=Severity::MAX)
                        .map(|value| Choice {
                            value: value.to_string(),
                            label: value.to_string(),
                            checked: value == severity,
                        })
                        .collect(),
                    times: TimeOfDay::ALL
                        .into_iter()
                        .map(|t| (t.as_str(), t.short_label()))
                        .chain([("", "Not noted")])
                        .map(|(value, label)| Choice {
                            value: value.to_string(),
                            label: label.to_string(),
                            checked: time.trim() == value,
                        })
                        .collect(),
                    severity,
                    error,
                }
            })
            .collect()
    }
}

/// Problems of one submission: per field (`date`, `note`, `triggers`, `form`) and per symptom.
#[derive(Debug, Default, Clone)]
pub struct EntryErrors {
    pub fields: FieldErrors,
    pub rows: BTreeMap<String, String>,
}

impl EntryErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.rows.is_empty()
    }
}

/// One radio button of a row.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One symptom on the form: its severity scale and time-of-day choices.
#[derive(Debug, Clone)]
pub struct SymptomRow {
    pub key: String,
    pub label: String,
    pub severity: u8,
    /// Shown unfolded: it has a value or an error.
    pub open: bool,
    pub options: Vec<Choice>,
    pub times: Vec<Choice>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diary::vocabulary::vocabulary;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_a_day_keeping_only_symptoms_felt() {
        let raw = RawEntry::from_pairs(&pairs(&[
            ("csrf_token", "t"),
            ("date", "2026-11-25"),
            ("revision", "2"),
            ("sev_leg_cramps", "7"),
            ("tod_leg_cramps", "night"),
            ("sev_fatigue", "0"),
            ("tod_fatigue", "day"),
            ("note", " woke twice "),
            ("triggers", "cheese"),
        ]));
        let (input, revision) = raw.parse(&vocabulary(&[])).unwrap();
        assert_eq!(revision, 2);
        assert_eq!(input.note, "woke twice");
        assert_eq!(input.symptoms.len(), 1);
        assert_eq!(input.symptoms[0].key, "leg_cramps");
        assert_eq!(input.symptoms[0].severity.get(), 7);
        assert_eq!(input.symptoms[0].time_of_day, Some(TimeOfDay::Night));
    }

    #[test]
    fn collects_every_problem_and_keeps_the_values() {
        let raw = RawEntry::from_pairs(&pairs(&[
            ("date", "2026-13-01"),
            ("sev_leg_cramps", "12"),
            ("sev_fatigue", "4"),
            ("tod_fatigue", "brunch"),
            ("note", &"x".repeat(NOTE_MAX_CHARS + 1)),
        ]));
        let v = vocabulary(&[]);
        let errors = raw.parse(&v).unwrap_err();
        assert!(errors.fields.get("date").is_some());
        assert!(errors.fields.get("note").is_some());
        assert!(errors.rows.contains_key("leg_cramps"));
        assert!(errors.rows.contains_key("fatigue"));
        let rows = raw.rows(&v, &errors);
        let fatigue = rows.iter().find(|r| r.key == "fatigue").unwrap();
        assert!(fatigue.open && fatigue.options[4].checked);
    }

    #[test]
    fn unknown_symptoms_with_a_value_are_refused() {
        let raw = RawEntry::from_pairs(&pairs(&[("date", "2026-11-25"), ("sev_c999", "3")]));
        assert!(raw.parse(&vocabulary(&[])).is_err());
        let zero = RawEntry::from_pairs(&pairs(&[("date", "2026-11-25"), ("sev_c999", "0")]));
        assert!(zero.parse(&vocabulary(&[])).is_ok());
    }

    #[test]
    fn the_payload_round_trips_without_the_token() {
        let raw = RawEntry::from_pairs(&pairs(&[
            ("csrf_token", "secret"),
            ("date", "2026-11-25"),
            ("sev_c12", "3"),
            ("tod_c12", "exercise"),
            ("note", "a & b = c"),
            ("sup_41", "partly"),
            ("diet", "yes"),
        ]));
        assert_eq!(
            raw.supplements.get("41").map(String::as_str),
            Some("partly")
        );
        let back = RawEntry::from_payload(&raw.to_payload());
        assert_eq!(back.csrf_token, "");
        assert_eq!(
            RawEntry {
                csrf_token: "secret".into(),
                ..back
            },
            raw
        );
    }
}
