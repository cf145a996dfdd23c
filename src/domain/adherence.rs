//! Program adherence (issue 17): whether the client follows the program, day by day, and what
//! it goes with. App rules, not HTMA.md rules (the school says nothing about counting days); they
//! carry their own ids, cited in code, tests and the README:
//!
//! - **ADH-1 Weekly shares.** For each supplement and for the diet, the days answered "taken as
//!   prescribed" / "partly" / "not taken" (diet: yes / partly / no) out of the days *answered*
//!   in each ISO week. An unanswered day counts nowhere: nothing is known about it.
//! - **ADH-2 Low adherence flag.** For a supplement, over the 14 days ending on the client's
//!   today: at least 7 answered days and adherence under half of them, where a "partly" day
//!   counts as half a day taken. Decided on integers: `2·taken + partly < answered`.
//! - **ADH-3 Association.** For each supplement (and the diet) and each symptom present on at
//!   least 3 days of the period: the average severity on days taken vs. days not taken ("partly"
//!   days on neither side), and the same over the 7 days that follow each of them, with the
//!   number of days behind each figure, shown only when each side has at least 3 days. It is an
//!   association, never an effect: minerals act over weeks, and many things change together.
//!
//! Supplements are matched across program versions by name (case and spacing ignored), so
//! "Magnesium glycinate" prescribed in two versions is one line of the practitioner's views.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};

use super::diary::calendar::week_start;
use super::diary::DayLog;

/// ADH-2: the window, in days ending on today ...
pub const FLAG_WINDOW_DAYS: i64 = 14;
/// ... the answered days it needs before it says anything ...
pub const FLAG_MIN_ANSWERED: u32 = 7;
/// ADH-3: days needed on each side of a comparison, and days a symptom must be present.
pub const ASSOCIATION_MIN_DAYS: u32 = 3;
/// ADH-3: the days after a day that "the following days" cover.
pub const FOLLOWING_DAYS: i64 = 7;
/// How far back ADH-2 looks for the start of a low-adherence run.
const FLAG_LOOKBACK_DAYS: i64 = 366;

/// One answer. For a supplement: taken as prescribed / partly / not taken; for the diet:
/// yes / partly / no. Unanswered is the absence of an answer (`Option::None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Answer {
    Full,
    Partly,
    Not,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Full, Answer::Partly, Answer::Not];

    /// The stored and posted code of a supplement answer.
    pub fn supplement_code(self) -> &'static str {
        match self {
            Answer::Full => "taken",
            Answer::Partly => "partly",
            Answer::Not => "not_taken",
        }
    }

    /// The stored and posted code of a diet answer.
    pub fn diet_code(self) -> &'static str {
        match self {
            Answer::Full => "yes",
            Answer::Partly => "partly",
            Answer::Not => "no",
        }
    }

    pub fn supplement_label(self) -> &'static str {
        match self {
            Answer::Full => "Taken as prescribed",
            Answer::Partly => "Partly",
            Answer::Not => "Not taken",
        }
    }

    pub fn diet_label(self) -> &'static str {
        match self {
            Answer::Full => "Yes",
            Answer::Partly => "Partly",
            Answer::Not => "No",
        }
    }

    /// A posted or stored supplement answer: blank is unanswered.
    pub fn parse_supplement(text: &str) -> Result<Option<Answer>, String> {
        Self::parse_with(text, Self::supplement_code)
    }

    /// A posted or stored diet answer: blank is unanswered.
    pub fn parse_diet(text: &str) -> Result<Option<Answer>, String> {
        Self::parse_with(text, Self::diet_code)
    }

    fn parse_with(text: &str, code: fn(Answer) -> &'static str) -> Result<Option<Answer>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        Answer::ALL
            .into_iter()
            .find(|a| code(*a) == text)
            .map(Some)
            .ok_or_else(|| "Choose one of the answers, or leave it unanswered.".to_string())
    }
}

/// What an answer is about: a supplement (by its matching key, `supplement_key`) or the diet.
/// Supplements sort before the diet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    Supplement(String),
    Diet,
}

/// The key that matches a supplement across program versions: its name in lower case with
/// runs of spaces made one.
pub fn supplement_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The answers of one logged day (only the answered items are listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerDay {
    pub date: NaiveDate,
    /// `(supplement_key, answer)`.
    pub supplements: Vec<(String, Answer)>,
    pub diet: Option<Answer>,
}

impl AnswerDay {
    pub fn answer(&self, item: &Item) -> Option<Answer> {
        match item {
            Item::Diet => self.diet,
            Item::Supplement(key) => self
                .supplements
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, a)| *a),
        }
    }

    fn items(&self) -> impl Iterator<Item = Item> + '_ {
        self.supplements
            .iter()
            .map(|(k, _)| Item::Supplement(k.clone()))
            .chain(self.diet.map(|_| Item::Diet))
    }
}

/// One answered supplement of a day as the client gave it: the supplement of the program
/// version in force that day, its name copied (the answer keeps its meaning if that version is
/// edited later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplementAnswer {
    pub supplement_id: i64,
    /// The program version's number: storage types it (`db::ProgramVersionId`) and converts
    /// where it reads and writes the answers, so the domain stays free of storage types.
    pub version_id: i64,
    pub name: String,
    pub answer: Answer,
}

/// A day's answers, to store or as stored (only answered items).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayAnswers {
    pub supplements: Vec<SupplementAnswer>,
    pub diet: Option<Answer>,
}

impl DayAnswers {
    pub fn is_empty(&self) -> bool {
        self.supplements.is_empty() && self.diet.is_none()
    }

    /// The day as the rules read it (supplements by matching key).
    pub fn to_answer_day(&self, date: NaiveDate) -> AnswerDay {
        AnswerDay {
            date,
            supplements: self
                .supplements
                .iter()
                .map(|s| (supplement_key(&s.name), s.answer))
                .collect(),
            diet: self.diet,
        }
    }
}

/// Answered days by answer. Kept as counts so every decision on them is exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shares {
    pub full: u32,
    pub partly: u32,
    pub not: u32,
}

impl Shares {
    pub fn add(&mut self, answer: Answer) {
        match answer {
            Answer::Full => self.full += 1,
            Answer::Partly => self.partly += 1,
            Answer::Not => self.not += 1,
        }
    }

    pub fn answered(&self) -> u32 {
        self.full + self.partly + self.not
    }

    pub fn count(&self, answer: Answer) -> u32 {
        match answer {
            Answer::Full => self.full,
            Answer::Partly => self.partly,
            Answer::Not => self.not,
        }
    }

    /// The share of answered days with `answer` in whole percent, rounded half up (for display
    /// only: no rule reads it). None when nothing was answered.
    pub fn percent(&self, answer: Answer) -> Option<u32> {
        let answered = u64::from(self.answered());
        (answered > 0).then(|| {
            let n = u64::from(self.count(answer)) * 200 + answered;
            (n / (2 * answered)) as u32
        })
    }

    /// ADH-2's test on these counts: adherence below half of the answered days, a "partly" day
    /// counting as half a day taken, i.e. `(taken + partly / 2) / answered < 1 / 2`, multiplied
    /// out so it is decided on integers.
    pub fn below_half(&self) -> bool {
        let (full, partly, answered) = (
            u64::from(self.full),
            u64::from(self.partly),
            u64::from(self.answered()),
        );
        2 * full + partly < answered
    }
}

/// Every item answered at least once in `from..=to`, with its shares over the whole period.
pub fn period_shares(days: &[AnswerDay], from: NaiveDate, to: NaiveDate) -> Vec<(Item, Shares)> {
    let mut shares: BTreeMap<Item, Shares> = BTreeMap::new();
    for day in days.iter().filter(|d| d.date >= from && d.date <= to) {
        for item in day.items() {
            if let Some(answer) = day.answer(&item) {
                shares.entry(item).or_default().add(answer);
            }
        }
    }
    shares.into_iter().collect()
}

/// ADH-1 for one week of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekShares {
    /// The Monday of the week.
    pub week_start: NaiveDate,
    pub shares: Shares,
}

/// ADH-1: the weekly series of one item, one element per week of the period, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemWeeks {
    pub item: Item,
    pub weeks: Vec<WeekShares>,
}

/// ADH-1: weekly shares of every item answered at least once in `from..=to` (supplements by
/// key, then the diet). Weeks are ISO weeks keyed by their Monday, like the diary's weekly
/// severity, so both sit on one time axis; the first and last weeks may be partial.
pub fn weekly_shares(days: &[AnswerDay], from: NaiveDate, to: NaiveDate) -> Vec<ItemWeeks> {
    if to < from {
        return Vec::new();
    }
    let mut per_item: BTreeMap<Item, BTreeMap<NaiveDate, Shares>> = BTreeMap::new();
    for day in days.iter().filter(|d| d.date >= from && d.date <= to) {
        let week = week_start(day.date);
        for item in day.items() {
            if let Some(answer) = day.answer(&item) {
                per_item
                    .entry(item)
                    .or_default()
                    .entry(week)
                    .or_default()
                    .add(answer);
            }
        }
    }
    let weeks: Vec<NaiveDate> = std::iter::successors(Some(week_start(from)), |w| {
        Some(*w + Duration::days(7)).filter(|next| *next <= to)
    })
    .collect();
    per_item
        .into_iter()
        .map(|(item, per_week)| ItemWeeks {
            item,
            weeks: weeks
                .iter()
                .map(|w| WeekShares {
                    week_start: *w,
                    shares: per_week.get(w).copied().unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

/// ADH-2: a supplement with low adherence over the 14 days ending on `window_to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowAdherence {
    pub supplement_key: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    /// The answers in the window.
    pub shares: Shares,
    /// The first day of the current run of days on which the rule held (each day judged on the
    /// 14 days ending on it), looking back at most a year.
    pub since: NaiveDate,
}

fn window_shares(days: &[AnswerDay], item: &Item, end: NaiveDate) -> Shares {
    let start = end - Duration::days(FLAG_WINDOW_DAYS - 1);
    let mut shares = Shares::default();
    for day in days.iter().filter(|d| d.date >= start && d.date <= end) {
        if let Some(answer) = day.answer(item) {
            shares.add(answer);
        }
    }
    shares
}

fn rule_holds(shares: &Shares) -> bool {
    shares.answered() >= FLAG_MIN_ANSWERED && shares.below_half()
}

/// ADH-2 for every supplement answered in the window ending on `today`, by key.
pub fn low_adherence(days: &[AnswerDay], today: NaiveDate) -> Vec<LowAdherence> {
    let window_from = today - Duration::days(FLAG_WINDOW_DAYS - 1);
    let keys: BTreeSet<&String> = days
        .iter()
        .filter(|d| d.date >= window_from && d.date <= today)
        .flat_map(|d| d.supplements.iter().map(|(k, _)| k))
        .collect();
    let mut found = Vec::new();
    for key in keys {
        let item = Item::Supplement(key.clone());
        let shares = window_shares(days, &item, today);
        if !rule_holds(&shares) {
            continue;
        }
        let mut since = today;
        for back in 1..FLAG_LOOKBACK_DAYS {
            let end = today - Duration::days(back);
            if !rule_holds(&window_shares(days, &item, end)) {
                break;
            }
            since = end;
        }
        found.push(LowAdherence {
            supplement_key: key.clone(),
            window_from,
            window_to: today,
            shares,
            since,
        });
    }
    found
}

/// An average severity kept as a sum and a count (exact), with the days behind it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mean {
    /// Answered days of this side that contributed (for the following days: those with at
    /// least one logged day after them).
    pub days: u32,
    pub total: u64,
    pub count: u64,
}

impl Mean {
    fn add(&mut self, severity: u64) {
        self.total += severity;
        self.count += 1;
    }

    /// The average in tenths, rounded half up (display: "4.3").
    pub fn tenths(&self) -> Option<u64> {
        (self.count > 0).then(|| (self.total * 20 + self.count) / (2 * self.count))
    }

    /// The average with one decimal, e.g. "4.3".
    pub fn display(&self) -> String {
        self.tenths()
            .map_or_else(|| "–".into(), |t| format!("{}.{}", t / 10, t % 10))
    }
}

/// ADH-3: one side-by-side comparison: days taken (diet: followed) against days not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    pub taken: Mean,
    pub not_taken: Mean,
}

impl Sides {
    /// Shown only when each side has enough days.
    pub fn enough(&self) -> bool {
        self.taken.days >= ASSOCIATION_MIN_DAYS && self.not_taken.days >= ASSOCIATION_MIN_DAYS
    }
}

/// ADH-3 for one item and one symptom. Each comparison is None when a side has fewer than
/// `ASSOCIATION_MIN_DAYS` days; an association is listed only when one of them is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    pub item: Item,
    pub symptom_key: String,
    pub same_day: Option<Sides>,
    pub following: Option<Sides>,
}

/// ADH-3 over `from..=to`: `answers` and `logs` are the period's logged days (any order). A day
/// logged without a symptom counts as severity 0 for it, as in the weekly averages; a day
/// without an entry counts nowhere. Following days stay within `from..=to`.
pub fn associations(
    answers: &[AnswerDay],
    logs: &[DayLog],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Association> {
    let logs: BTreeMap<NaiveDate, &DayLog> = logs
        .iter()
        .filter(|d| d.date >= from && d.date <= to)
        .map(|d| (d.date, d))
        .collect();
    let severity = |log: &DayLog, key: &str| -> u64 {
        log.severities
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, s)| u64::from(s.get()))
            .sum()
    };
    let mut present: BTreeMap<&str, u32> = BTreeMap::new();
    for log in logs.values() {
        let keys: BTreeSet<&str> = log
            .severities
            .iter()
            .filter(|(_, s)| s.is_present())
            .map(|(k, _)| k.as_str())
            .collect();
        for key in keys {
            *present.entry(key).or_default() += 1;
        }
    }
    let symptoms: Vec<&str> = present
        .into_iter()
        .filter(|(_, days)| *days >= ASSOCIATION_MIN_DAYS)
        .map(|(k, _)| k)
        .collect();
    let answers: Vec<&AnswerDay> = answers
        .iter()
        .filter(|d| d.date >= from && d.date <= to && logs.contains_key(&d.date))
        .collect();
    let items: BTreeSet<Item> = answers.iter().flat_map(|d| d.items()).collect();
    let mut found = Vec::new();
    for item in &items {
        for symptom in &symptoms {
            let mut same = Sides {
                taken: Mean::default(),
                not_taken: Mean::default(),
            };
            let mut following = same;
            for day in &answers {
                let (same_side, following_side) = match day.answer(item) {
                    Some(Answer::Full) => (&mut same.taken, &mut following.taken),
                    Some(Answer::Not) => (&mut same.not_taken, &mut following.not_taken),
                    _ => continue,
                };
                if let Some(log) = logs.get(&day.date) {
                    same_side.days += 1;
                    same_side.add(severity(log, symptom));
                }
                let after =
                    day.date + Duration::days(1)..=day.date + Duration::days(FOLLOWING_DAYS);
                let mut any = false;
                for (_, log) in logs.range(after) {
                    any = true;
                    following_side.add(severity(log, symptom));
                }
                if any {
                    following_side.days += 1;
                }
            }
            let same_day = same.enough().then_some(same);
            let following = following.enough().then_some(following);
            if same_day.is_some() || following.is_some() {
                found.push(Association {
                    item: item.clone(),
                    symptom_key: symptom.to_string(),
                    same_day,
                    following,
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests;
