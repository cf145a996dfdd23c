//! The program as followed, on the practitioner's diary page (issue 17): each supplement's and
//! the diet's weekly shares of answered days (ADH-1), and what went with them (ADH-3), worded as
//! an association, never as an effect.

use chrono::NaiveDate;

use crate::domain::adherence::{Answer, Association, Item, ItemWeeks, Sides};
use crate::service::diary_period::DiaryPeriod;

/// One cell of the weekly adherence table: three short lines, or a dash.
pub struct ShareCell {
    pub lines: Vec<String>,
    pub answered: u32,
}

pub struct ShareRow {
    pub label: String,
    pub cells: Vec<ShareCell>,
    /// The whole period, in words.
    pub period: String,
}

fn words(item: &Item) -> [&'static str; 3] {
    match item {
        Item::Diet => ["followed", "partly", "not followed"],
        Item::Supplement(_) => ["taken", "partly", "not taken"],
    }
}

fn share_lines(item: &Item, shares: &crate::domain::adherence::Shares) -> Vec<String> {
    let words = words(item);
    Answer::ALL
        .iter()
        .zip(words)
        .filter_map(|(a, w)| shares.percent(*a).map(|p| format!("{w} {p} %")))
        .collect()
}

/// ADH-1 rows, weeks from `first_week` on (the symptom table's weeks).
pub fn share_rows(
    diary: &DiaryPeriod,
    weekly: &[ItemWeeks],
    first_week: NaiveDate,
) -> Vec<ShareRow> {
    let whole = diary.program_shares();
    weekly
        .iter()
        .map(|series| {
            let total = whole
                .iter()
                .find(|(i, _)| *i == series.item)
                .map(|(_, s)| *s)
                .unwrap_or_default();
            ShareRow {
                label: diary.item_label(&series.item),
                cells: series
                    .weeks
                    .iter()
                    .filter(|w| w.week_start >= first_week)
                    .map(|w| ShareCell {
                        lines: share_lines(&series.item, &w.shares),
                        answered: w.shares.answered(),
                    })
                    .collect(),
                period: format!(
                    "{} of {}",
                    share_lines(&series.item, &total).join(", "),
                    crate::words::count(total.answered() as usize, "answered day", "answered days")
                ),
            }
        })
        .collect()
}

/// One line of the association table.
pub struct AssociationLine {
    pub item: String,
    pub symptom: String,
    /// "on days taken" / "on days followed".
    pub taken_words: &'static str,
    pub not_words: &'static str,
    pub same_day: Option<SidesText>,
    pub following: Option<SidesText>,
}

pub struct SidesText {
    pub taken: String,
    pub not_taken: String,
}

fn sides_text(sides: &Sides) -> SidesText {
    let side = |m: &crate::domain::adherence::Mean| {
        format!(
            "{} ({})",
            m.display(),
            crate::words::count(m.days as usize, "day", "days")
        )
    };
    SidesText {
        taken: side(&sides.taken),
        not_taken: side(&sides.not_taken),
    }
}

/// ADH-3 lines, supplements first, then the diet, each by symptom.
pub fn association_lines(diary: &DiaryPeriod, found: &[Association]) -> Vec<AssociationLine> {
    found
        .iter()
        .map(|a| {
            let (taken_words, not_words) = match a.item {
                Item::Diet => ("followed", "not followed"),
                Item::Supplement(_) => ("taken", "not taken"),
            };
            AssociationLine {
                item: diary.item_label(&a.item),
                symptom: diary.label(&a.symptom_key).to_string(),
                taken_words,
                not_words,
                same_day: a.same_day.as_ref().map(sides_text),
                following: a.following.as_ref().map(sides_text),
            }
        })
        .collect()
}
