//! How the demo clients follow their program (issue 17): daily answers for the supplements of
//! the version in force each logged day, and the diet. Most clients are faithful; Hugo
//! Lindqvist stops his calcium/magnesium four weeks ago and his night cramps come back about ten
//! days later (the diary's severities are raised for those days in `demo::add_diary`), so the
//! timeline, the diary page, the ADH-2 flag and the association figures have something to show.
//! Answers come from a random stream of their own, so the rest of the demo is the same as
//! before they existed.

use crate::db::ClientId;
use chrono::NaiveDate;
use diesel::prelude::*;

use super::rng::SplitMix64;
use super::rows::{Block, NewSupplement};
use crate::db::schema::diary_program_answers;
use crate::domain::adherence::Answer;

const ADHERENCE_SEED: u64 = 0x5eed_0017_adbe_0001;

#[derive(Insertable)]
#[diesel(table_name = diary_program_answers, treat_none_as_default_value = false)]
pub(super) struct NewProgramAnswer {
    pub entry_id: i64,
    pub item_key: String,
    pub supplement_id: Option<i64>,
    pub version_id: Option<crate::db::ProgramVersionId>,
    pub name: String,
    pub answer: &'static str,
    pub client_id: ClientId,
}

/// One client's way of following the program.
pub(super) struct Plan {
    /// Share of logged days a supplement is answered at all, then taken / partly among them.
    answered: f64,
    taken: f64,
    partly: f64,
    diet_followed: f64,
    /// A supplement (by a word of its name) stopped this many days ago.
    pub stops: Option<(&'static str, i64)>,
}

/// The stopped supplement's effect shows after this many days (minerals act over weeks) ...
pub(super) const RETURN_AFTER_DAYS: i64 = 10;
/// ... as this much more severity on the cramps.
pub(super) const CRAMPS_RETURN: f64 = 4.0;
pub(super) const CRAMP_KEYS: [&str; 3] = ["night_cramps", "leg_cramps", "exercise_cramps"];

pub(super) fn plan_of(client: &str) -> Plan {
    let faithful = Plan {
        answered: 0.95,
        taken: 0.9,
        partly: 0.06,
        diet_followed: 0.75,
        stops: None,
    };
    match client {
        "Hugo Lindqvist" => Plan {
            stops: Some(("magnesium", 28)),
            ..faithful
        },
        "Tom Becker" => Plan {
            answered: 0.8,
            taken: 0.75,
            partly: 0.15,
            diet_followed: 0.55,
            stops: None,
        },
        _ => faithful,
    }
}

/// Whether the cramps of `days_ago` are raised: the supplement stopped long enough before.
pub(super) fn cramps_returned(plan: &Plan, days_ago: i64) -> bool {
    plan.stops
        .is_some_and(|(_, stopped)| days_ago <= stopped - RETURN_AFTER_DAYS)
}

/// A stream of its own per client (`index` in the demo's list).
pub(super) fn rng_of(index: u64) -> SplitMix64 {
    SplitMix64::stream(ADHERENCE_SEED, index)
}

/// The answers of one logged day, for the version in force on `date` (from `block`'s versions
/// of this client).
#[allow(clippy::too_many_arguments)]
pub(super) fn answer_day(
    block: &mut Block,
    rng: &mut SplitMix64,
    plan: &Plan,
    client_id: ClientId,
    entry_id: i64,
    date: NaiveDate,
    days_ago: i64,
) {
    let Some(version) = block
        .program_versions
        .iter()
        .filter(|v| v.client_id == client_id && v.starts_on <= date)
        .max_by_key(|v| v.starts_on)
    else {
        return;
    };
    let (version_id, has_diet) = (version.id, !version.diet.trim().is_empty());
    let supplements: Vec<&NewSupplement> = block
        .supplements
        .iter()
        .filter(|s| s.version_id == version_id)
        .collect();
    let mut rows = Vec::new();
    for s in supplements {
        if !rng.chance(plan.answered) {
            continue;
        }
        let stopped = plan.stops.is_some_and(|(word, stopped)| {
            days_ago <= stopped && s.name.to_lowercase().contains(word)
        });
        let draw = rng.between(0.0, 1.0);
        let answer = if stopped {
            Answer::Not
        } else if draw < plan.taken {
            Answer::Full
        } else if draw < plan.taken + plan.partly {
            Answer::Partly
        } else {
            Answer::Not
        };
        rows.push(NewProgramAnswer {
            entry_id,
            item_key: format!("s{}", s.id),
            supplement_id: Some(s.id),
            version_id: Some(version_id),
            name: s.name.clone(),
            answer: answer.supplement_code(),
            client_id,
        });
    }
    if has_diet && rng.chance(plan.answered) {
        let draw = rng.between(0.0, 1.0);
        let answer = if draw < plan.diet_followed {
            Answer::Full
        } else if draw < plan.diet_followed + 0.15 {
            Answer::Partly
        } else {
            Answer::Not
        };
        rows.push(NewProgramAnswer {
            entry_id,
            item_key: "diet".into(),
            supplement_id: None,
            version_id: None,
            name: String::new(),
            answer: answer.diet_code(),
            client_id,
        });
    }
    block.program_answers.extend(rows);
}

/// Answers for every logged day of the client (from the first program version on) and, for
/// the client who stops a supplement, the cramps that return after it. Runs after the
/// client's program and diary are in `block`.
pub(super) fn follow_program(
    block: &mut Block,
    client: &str,
    client_id: ClientId,
    today: NaiveDate,
) {
    let plan = plan_of(client);
    let seed = client
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = rng_of(seed);
    let days: Vec<(i64, NaiveDate)> = block
        .entries
        .iter()
        .filter(|e| e.client_id == client_id)
        .map(|e| (e.id, e.entry_date.date()))
        .collect();
    for (entry_id, date) in &days {
        let days_ago = (today - *date).num_days();
        answer_day(
            block, &mut rng, &plan, client_id, *entry_id, *date, days_ago,
        );
    }
    if plan.stops.is_none() {
        return;
    }
    let ids: std::collections::BTreeSet<i64> = days.iter().map(|(id, _)| *id).collect();
    let logged: std::collections::BTreeSet<String> = block
        .symptoms
        .iter()
        .filter(|s| ids.contains(&s.entry_id) && CRAMP_KEYS.contains(&s.symptom_key.as_str()))
        .map(|s| s.symptom_key.clone())
        .collect();
    for (entry_id, date) in days {
        if !cramps_returned(&plan, (today - date).num_days()) {
            continue;
        }
        for key in &logged {
            let raised = (CRAMPS_RETURN + rng.between(0.0, 2.0)).round() as i64;
            let at = block
                .symptoms
                .iter()
                .position(|s| s.entry_id == entry_id && &s.symptom_key == key);
            match at {
                Some(i) => {
                    block.symptoms[i].severity = (block.symptoms[i].severity + raised).min(10)
                }
                None => block.symptoms.push(super::rows::NewDiarySymptom {
                    entry_id,
                    symptom_key: key.clone(),
                    severity: raised.min(10),
                    time_of_day: Some("night".into()),
                }),
            }
        }
    }
}
