//! The program part of the day entry (issue 17): under the symptoms, each supplement of the
//! program version in force *that day* with "taken as prescribed / partly / not taken", and
//! "followed the diet today: yes / partly / no". One tap each (radio buttons, no script), and
//! "Not answered" is chosen until the client taps something else. The posted values live in
//! `RawEntry` like every other field, so an error, a conflict or an ended session gives them
//! back exactly as tapped.

use super::form::{Choice, EntryErrors, RawEntry, SUPPLEMENT_PREFIX};
use crate::db::programs::{Supplement, VersionWithSupplements};
use crate::domain::adherence::{supplement_key, Answer, DayAnswers, SupplementAnswer};

const DIET_FIELD: &str = "diet";

/// One question of the program part: its field, its legend and its four choices.
#[derive(Debug, Clone)]
pub struct AnswerRow {
    /// The posted field's name (`sup_<id>` or `diet`), also the ids' prefix in the page.
    pub field: String,
    pub legend: String,
    /// The dose and frequency, under the name.
    pub detail: String,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
}

fn supplement_detail(s: &Supplement) -> String {
    let amount = crate::words::amount(&s.dose, &s.unit);
    [amount.as_str(), s.frequency.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn choices(
    posted: &str,
    code: fn(Answer) -> &'static str,
    label: fn(Answer) -> &'static str,
) -> Vec<Choice> {
    let posted = posted.trim();
    let known = Answer::ALL.iter().any(|a| code(*a) == posted);
    Answer::ALL
        .into_iter()
        .map(|a| Choice {
            value: code(a).to_string(),
            label: label(a).to_string(),
            checked: code(a) == posted,
        })
        .chain(std::iter::once(Choice {
            value: String::new(),
            label: "Not answered".into(),
            checked: !known,
        }))
        .collect()
}

/// Whether the version prescribes a diet to ask about.
fn has_diet(version: &VersionWithSupplements) -> bool {
    !version.version.diet.trim().is_empty()
}

impl RawEntry {
    /// The stored answers of a day into the form of `version` (that day's): by supplement id,
    /// or by name when the version's supplements were stored again since.
    pub fn with_answers(
        mut self,
        answers: &DayAnswers,
        version: Option<&VersionWithSupplements>,
    ) -> Self {
        if let Some(version) = version {
            for s in &version.supplements {
                let stored = answers
                    .supplements
                    .iter()
                    .find(|a| a.supplement_id == s.id)
                    .or_else(|| {
                        let key = supplement_key(&s.name);
                        answers
                            .supplements
                            .iter()
                            .find(|a| supplement_key(&a.name) == key)
                    });
                if let Some(a) = stored {
                    self.supplements
                        .insert(s.id.to_string(), a.answer.supplement_code().into());
                }
            }
        }
        if let Some(diet) = answers.diet {
            self.diet = diet.diet_code().into();
        }
        self
    }

    /// The program answers against the version in force on the entry's day, problems noted in
    /// `errors` (per question, and `form` for a supplement no longer in the program).
    pub fn parse_answers(
        &self,
        version: Option<&VersionWithSupplements>,
        errors: &mut EntryErrors,
    ) -> Option<DayAnswers> {
        let mut answers = DayAnswers::default();
        let mut ok = true;
        let supplements: &[Supplement] = version.map_or(&[], |v| &v.supplements);
        for s in supplements {
            let posted = self
                .supplements
                .get(&s.id.to_string())
                .map_or("", String::as_str);
            match Answer::parse_supplement(posted) {
                Ok(Some(answer)) => answers.supplements.push(SupplementAnswer {
                    supplement_id: s.id,
                    version_id: s.version_id.get(),
                    name: s.name.trim().to_string(),
                    answer,
                }),
                Ok(None) => {}
                Err(message) => {
                    ok = false;
                    errors
                        .rows
                        .insert(format!("{SUPPLEMENT_PREFIX}{}", s.id), message);
                }
            }
        }
        let stale = self.supplements.iter().any(|(id, value)| {
            !value.trim().is_empty() && !supplements.iter().any(|s| s.id.to_string() == *id)
        });
        if stale {
            ok = false;
            errors.fields.add(
                "form",
                "Your program for this day changed since this form was opened. Check the supplements below and save again.",
            );
        }
        if version.is_some_and(has_diet) {
            match Answer::parse_diet(&self.diet) {
                Ok(diet) => answers.diet = diet,
                Err(message) => {
                    ok = false;
                    errors.rows.insert(DIET_FIELD.into(), message);
                }
            }
        }
        ok.then_some(answers)
    }

    /// The questions to draw for `version` (the day's), showing exactly what was posted.
    pub fn answer_rows(
        &self,
        version: Option<&VersionWithSupplements>,
        errors: &EntryErrors,
    ) -> Vec<AnswerRow> {
        let Some(version) = version else {
            return Vec::new();
        };
        let mut rows: Vec<AnswerRow> = version
            .supplements
            .iter()
            .map(|s| {
                let field = format!("{SUPPLEMENT_PREFIX}{}", s.id);
                let posted = self
                    .supplements
                    .get(&s.id.to_string())
                    .map_or("", String::as_str);
                AnswerRow {
                    legend: s.name.trim().to_string(),
                    detail: supplement_detail(s),
                    choices: choices(posted, Answer::supplement_code, Answer::supplement_label),
                    error: errors.rows.get(&field).cloned(),
                    field,
                }
            })
            .collect();
        if has_diet(version) {
            rows.push(AnswerRow {
                field: DIET_FIELD.into(),
                legend: "Followed the diet today?".into(),
                detail: String::new(),
                choices: choices(&self.diet, Answer::diet_code, Answer::diet_label),
                error: errors.rows.get(DIET_FIELD).cloned(),
            });
        }
        rows
    }
}

/// The answers of a read-only day, as lines ("Magnesium: Not taken", "Diet: Yes").
pub fn read_only_lines(answers: &DayAnswers) -> Vec<(String, &'static str)> {
    let mut lines: Vec<(String, &'static str)> = answers
        .supplements
        .iter()
        .map(|s| (s.name.clone(), s.answer.supplement_label()))
        .collect();
    if let Some(diet) = answers.diet {
        lines.push(("Diet followed".into(), diet.diet_label()));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::programs::ProgramVersion;
    use crate::db::{AccountId, ProgramVersionId};

    /// A form as posted.
    fn posted(pairs: &[(&str, &str)]) -> RawEntry {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        RawEntry::from_pairs(&pairs)
    }

    fn version(diet: &str) -> VersionWithSupplements {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let supplement = |id: i64, name: &str| Supplement {
            id,
            version_id: ProgramVersionId(7),
            position: id,
            name: name.into(),
            dose: "200".into(),
            unit: "mg".into(),
            frequency: "twice daily".into(),
        };
        VersionWithSupplements {
            version: ProgramVersion {
                id: ProgramVersionId(7),
                client_id: crate::db::ClientId(1),
                starts_on: at,
                diet: diet.into(),
                lifestyle: String::new(),
                created_at: at.and_hms_opt(0, 0, 0).unwrap(),
                created_by: AccountId(1),
                updated_at: None,
                deleted_at: None,
            },
            supplements: vec![supplement(1, "Magnesium"), supplement(2, "Zinc")],
        }
    }

    #[test]
    fn answers_parse_against_the_days_version() {
        let v = version("No sugar");
        let raw = posted(&[("sup_1", "not_taken"), ("sup_2", ""), ("diet", "partly")]);
        let mut errors = EntryErrors::default();
        let answers = raw.parse_answers(Some(&v), &mut errors).unwrap();
        assert!(errors.is_empty());
        assert_eq!(answers.supplements.len(), 1, "zinc unanswered");
        assert_eq!(answers.supplements[0].answer, Answer::Not);
        assert_eq!(answers.supplements[0].version_id, 7);
        assert_eq!(answers.diet, Some(Answer::Partly));
        // No diet prescribed: the diet is not asked, a posted one is ignored.
        let none = raw.parse_answers(Some(&version("")), &mut errors).unwrap();
        assert_eq!(none.diet, None);
    }

    #[test]
    fn bad_and_stale_answers_are_refused_and_shown_back() {
        let v = version("No sugar");
        let raw = posted(&[("sup_1", "often"), ("sup_99", "taken"), ("diet", "maybe")]);
        let mut errors = EntryErrors::default();
        assert!(raw.parse_answers(Some(&v), &mut errors).is_none());
        assert!(errors.rows.contains_key("sup_1"));
        assert!(errors.rows.contains_key("diet"));
        assert!(
            errors.fields.get("form").is_some(),
            "a supplement not in the program"
        );
        let rows = raw.answer_rows(Some(&v), &errors);
        assert_eq!(rows.len(), 3);
        assert!(rows[0].error.is_some());
        assert!(
            rows[0].choices[3].checked,
            "an unknown value shows as not answered"
        );
        assert_eq!(rows[2].legend, "Followed the diet today?");
    }

    #[test]
    fn stored_answers_fill_the_form_by_id_or_by_name() {
        let v = version("");
        let stored = DayAnswers {
            supplements: vec![
                SupplementAnswer {
                    supplement_id: 1,
                    version_id: 7,
                    name: "Magnesium".into(),
                    answer: Answer::Full,
                },
                SupplementAnswer {
                    supplement_id: 55,
                    version_id: 3,
                    name: " zinc ".into(),
                    answer: Answer::Partly,
                },
            ],
            diet: None,
        };
        let raw = RawEntry::default().with_answers(&stored, Some(&v));
        let rows = raw.answer_rows(Some(&v), &EntryErrors::default());
        assert_eq!(rows.len(), 2, "no diet question without a diet");
        assert!(rows[0].choices[0].checked);
        assert!(rows[1].choices[1].checked);
        assert_eq!(rows[0].detail, "200 mg, twice daily");
    }
}
