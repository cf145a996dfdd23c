//! CMP-4: when a client's next hair test is due.

use chrono::{Months, NaiveDate};

/// CMP-4 default interval. Wilson retests every 3–6 months; hair reflects roughly the last
/// 3–4 months of growth.
pub const DEFAULT_RETEST_INTERVAL_MONTHS: u32 = 4;

/// CMP-4: the last sample date plus the client's interval in calendar months (a day past the
/// end of the target month clamps to its last day: 31 Oct + 4 months = 28/29 Feb). `None` only
/// when the date would leave chrono's range.
pub fn retest_due_date(last_sample_date: NaiveDate, interval_months: u32) -> Option<NaiveDate> {
    last_sample_date.checked_add_months(Months::new(interval_months))
}

/// CMP-4: a retest is due when today ≥ last sample date + interval.
pub fn is_retest_due(today: NaiveDate, last_sample_date: NaiveDate, interval_months: u32) -> bool {
    retest_due_date(last_sample_date, interval_months).is_some_and(|due| today >= due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn cmp_4_due_date_table() {
        let cases = [
            (date(2025, 3, 1), 4, date(2025, 7, 1)),
            (date(2025, 10, 31), 4, date(2026, 2, 28)),
            (date(2023, 10, 31), 4, date(2024, 2, 29)),
            (date(2025, 9, 15), 4, date(2026, 1, 15)),
            (date(2025, 3, 1), 3, date(2025, 6, 1)),
            (date(2025, 3, 1), 6, date(2025, 9, 1)),
            (date(2025, 3, 1), 0, date(2025, 3, 1)),
        ];
        for (last, months, due) in cases {
            assert_eq!(
                retest_due_date(last, months),
                Some(due),
                "{last} + {months}"
            );
        }
        assert_eq!(retest_due_date(NaiveDate::MAX, 4), None);
        assert_eq!(DEFAULT_RETEST_INTERVAL_MONTHS, 4);
    }

    #[test]
    fn cmp_4_is_due_table() {
        let last = date(2025, 3, 1);
        let cases = [
            (date(2025, 6, 30), false),
            (date(2025, 7, 1), true),
            (date(2025, 12, 1), true),
            (date(2025, 3, 1), false),
        ];
        for (today, due) in cases {
            assert_eq!(
                is_retest_due(today, last, DEFAULT_RETEST_INTERVAL_MONTHS),
                due,
                "{today}"
            );
        }
        assert!(!is_retest_due(NaiveDate::MAX, NaiveDate::MAX, 4));
    }
}
