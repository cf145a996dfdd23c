//! The diary over one period, read once: the practitioner's timeline, the diary page, the
//! client's section and progress summaries all derive their weekly severity averages, the
//! rising-symptom flags and adherence from one `DiaryPeriod` (two queries), instead of
//! reading the diary once per number. The arithmetic itself is in `domain::diary::weekly`
//! (pure, unit-tested).

use crate::db::ClientId;
use chrono::NaiveDate;

use crate::db::diary::{self, Entry};
use crate::db::{client_symptoms, DbConn, DbError};
use crate::domain::adherence::{self as program, AnswerDay, Association, Item, ItemWeeks, Shares};
use crate::domain::diary::vocabulary::label_of;
use crate::domain::diary::{weekly, Adherence, DayLog, RisingFlag, Symptom, SymptomWeeks};

/// A client's diary entries of `baseline_from..=to`, with their symptom vocabulary.
#[derive(Debug, Clone)]
pub struct DiaryPeriod {
    /// The period shown.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Where the weeks that rising flags compare with start (at most `from`): a rise in the
    /// period's first weeks is measured against the weeks before it.
    pub baseline_from: NaiveDate,
    /// Every entry of `baseline_from..=to`, newest first (none when read by `load_days`).
    entries: Vec<Entry>,
    /// The same days as the weekly statistics read them, oldest first.
    days: Vec<DayLog>,
    pub vocabulary: Vec<Symptom>,
    /// The program answers of the logged days (issue 17), oldest first, and each supplement
    /// key's name as last answered.
    answers: Vec<AnswerDay>,
    supplement_names: std::collections::BTreeMap<String, String>,
}

impl DiaryPeriod {
    /// Reads the entries of `baseline_from..=to` (two queries) and the client's vocabulary.
    /// `baseline_from` is clamped to at most `from`.
    pub fn load(
        conn: &mut DbConn,
        client_id: ClientId,
        from: NaiveDate,
        to: NaiveDate,
        baseline_from: NaiveDate,
    ) -> Result<DiaryPeriod, DbError> {
        Self::read(conn, client_id, from, to, baseline_from, true)
    }

    /// `load` without the entries themselves: the logged days with their symptom rows (one
    /// query, no notes or timestamps), the vocabulary and the program answers. For pages that
    /// show the period's numbers and charts; `entries()` is empty.
    pub fn load_days(
        conn: &mut DbConn,
        client_id: ClientId,
        from: NaiveDate,
        to: NaiveDate,
        baseline_from: NaiveDate,
    ) -> Result<DiaryPeriod, DbError> {
        Self::read(conn, client_id, from, to, baseline_from, false)
    }

    /// `load` (`with_entries`) or `load_days`: the days read whole or as days only, the rest
    /// the same.
    fn read(
        conn: &mut DbConn,
        client_id: ClientId,
        from: NaiveDate,
        to: NaiveDate,
        baseline_from: NaiveDate,
        with_entries: bool,
    ) -> Result<DiaryPeriod, DbError> {
        let baseline_from = baseline_from.min(from);
        let vocabulary = client_symptoms::vocabulary(conn, client_id)?;
        let period = if with_entries {
            let entries = diary::between(conn, client_id, baseline_from, to)?;
            Self::of_entries(from, to, baseline_from, entries, vocabulary)
        } else {
            DiaryPeriod {
                from,
                to,
                baseline_from,
                entries: Vec::new(),
                days: diary::days_between(conn, client_id, baseline_from, to)?,
                vocabulary,
                answers: Vec::new(),
                supplement_names: Default::default(),
            }
        };
        let answers = crate::db::adherence::between(conn, client_id, from, to)?;
        Ok(period.with_answers(answers))
    }

    /// The period with the program answers of its days (as `db::adherence::between` reads them).
    pub fn with_answers(mut self, stored: Vec<crate::db::adherence::StoredDay>) -> DiaryPeriod {
        for day in &stored {
            for s in &day.answers.supplements {
                self.supplement_names
                    .insert(program::supplement_key(&s.name), s.name.clone());
            }
        }
        self.answers = stored
            .iter()
            .map(|d| d.answers.to_answer_day(d.date))
            .collect();
        self
    }

    /// A period from entries already read (newest first, as `diary::between` returns them).
    pub fn of_entries(
        from: NaiveDate,
        to: NaiveDate,
        baseline_from: NaiveDate,
        entries: Vec<Entry>,
        vocabulary: Vec<Symptom>,
    ) -> DiaryPeriod {
        let mut days: Vec<DayLog> = entries
            .iter()
            .map(|entry| DayLog {
                date: entry.row.entry_date,
                severities: entry
                    .symptoms
                    .iter()
                    .map(|s| (s.key.clone(), s.severity))
                    .collect(),
            })
            .collect();
        days.reverse();
        DiaryPeriod {
            from,
            to,
            baseline_from,
            entries,
            days,
            vocabulary,
            answers: Vec::new(),
            supplement_names: Default::default(),
        }
    }

    fn in_period(&self, date: NaiveDate) -> bool {
        date >= self.from && date <= self.to
    }

    /// The entries of `from..=to`, newest first.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| self.in_period(e.row.entry_date))
    }

    /// Every logged day of `from..=to` with the symptoms present, oldest first.
    pub fn days(&self) -> impl Iterator<Item = &DayLog> {
        self.days.iter().filter(|d| self.in_period(d.date))
    }

    /// Weekly (ISO week, Monday-keyed) average severity of every symptom logged in
    /// `from..=to`, one value per week of the period; see `diary::weekly` for the definition.
    pub fn weekly(&self) -> Vec<SymptomWeeks> {
        weekly::weekly_averages(&self.days, self.from, self.to)
    }

    /// `weekly` over `baseline_from..=to`: the weeks before the period included.
    pub fn weekly_with_baseline(&self) -> Vec<SymptomWeeks> {
        weekly::weekly_averages(&self.days, self.baseline_from, self.to)
    }

    /// The weeks where a symptom's weekly average rose by 3 or more points within 2 weeks,
    /// measured from `baseline_from`.
    pub fn rising(&self) -> Vec<RisingFlag> {
        weekly::rising_flags(&self.weekly_with_baseline())
    }

    /// Days logged out of days in `from..=to`.
    pub fn adherence(&self) -> Adherence {
        let logged: Vec<NaiveDate> = self.days().map(|d| d.date).collect();
        weekly::adherence(&logged, self.from, self.to)
    }

    /// ADH-1: weekly shares of each supplement and the diet over `from..=to`.
    pub fn program_weekly(&self) -> Vec<ItemWeeks> {
        program::weekly_shares(&self.answers, self.from, self.to)
    }

    /// Each supplement and the diet with its shares over the whole period.
    pub fn program_shares(&self) -> Vec<(Item, Shares)> {
        program::period_shares(&self.answers, self.from, self.to)
    }

    /// ADH-3: the association figures of the period.
    pub fn associations(&self) -> Vec<Association> {
        let days: Vec<DayLog> = self.days().cloned().collect();
        program::associations(&self.answers, &days, self.from, self.to)
    }

    /// Whether any program answer was given in the period.
    pub fn has_answers(&self) -> bool {
        self.answers
            .iter()
            .any(|d| d.date >= self.from && d.date <= self.to)
    }

    /// A supplement's or the diet's name as the client answered it.
    pub fn item_label(&self, item: &Item) -> String {
        match item {
            Item::Diet => "Diet".into(),
            Item::Supplement(key) => self
                .supplement_names
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.clone()),
        }
    }

    /// The label of a stored symptom key in this client's vocabulary.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        label_of(&self.vocabulary, key)
    }
}
