//! Plausibility of a program version's start date (issue 14): a date typed wrong (2031 for
//! 2021, a slipped month) would become the headline and stretch every chart, so a date far from
//! the client's records is saved only once the practitioner confirms it.

use chrono::{Months, NaiveDate};

/// What to ask about a start date before saving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartDateCheck {
    /// Nothing to ask.
    Plausible,
    /// More than a year after today.
    FarAhead,
    /// Before the client's first record (hair test or diary day), which is given.
    BeforeFirstRecord(NaiveDate),
}

impl StartDateCheck {
    /// The question shown next to the date, or None when there is none.
    pub fn question(&self) -> Option<String> {
        match self {
            StartDateCheck::Plausible => None,
            StartDateCheck::FarAhead => Some(
                "This date is more than a year ahead. Is it right? Tick the box below to save it."
                    .into(),
            ),
            StartDateCheck::BeforeFirstRecord(first) => Some(format!(
                "This date is before the client’s first record ({first}). Is it right? Tick the box below to save it."
            )),
        }
    }
}

/// Checks `starts_on` against today and the client's first record (None: no record yet).
pub fn check_start_date(
    starts_on: NaiveDate,
    today: NaiveDate,
    first_record: Option<NaiveDate>,
) -> StartDateCheck {
    let a_year_ahead = today.checked_add_months(Months::new(12)).unwrap_or(today);
    if starts_on > a_year_ahead {
        return StartDateCheck::FarAhead;
    }
    match first_record {
        Some(first) if starts_on < first => StartDateCheck::BeforeFirstRecord(first),
        _ => StartDateCheck::Plausible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn far_ahead_and_before_the_first_record_ask() {
        let today = d(2026, 11, 28);
        let first = Some(d(2025, 1, 10));
        let cases = [
            (d(2026, 12, 1), StartDateCheck::Plausible),
            (d(2027, 11, 28), StartDateCheck::Plausible),
            (d(2027, 11, 29), StartDateCheck::FarAhead),
            (d(2031, 1, 1), StartDateCheck::FarAhead),
            (d(2025, 1, 10), StartDateCheck::Plausible),
            (
                d(2025, 1, 9),
                StartDateCheck::BeforeFirstRecord(d(2025, 1, 10)),
            ),
        ];
        for (date, expected) in cases {
            assert_eq!(check_start_date(date, today, first), expected, "{date}");
        }
        // A client without records yet: only the far future asks.
        assert_eq!(
            check_start_date(d(2001, 1, 1), today, None),
            StartDateCheck::Plausible
        );
        assert!(StartDateCheck::BeforeFirstRecord(d(2025, 1, 10))
            .question()
            .unwrap()
            .contains("2025-01-10"));
    }
}
