//! The client's calendar: which date is "today" for them, and which days they may still edit.
//!
//! A client's time zone is a fixed UTC offset in minutes that they choose (or the server's own
//! offset until they do). A fixed offset ignores daylight saving, a deliberate trade for
//! dependency weight (no time-zone database): at worst the default date is off by an hour's
//! worth of day around the switch, and the client can always pick the day explicitly.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// An entry can be created or changed on its own day and the six days after (seven calendar
/// days in the client's time zone); after that it is read-only for the client.
pub const EDIT_WINDOW_DAYS: i64 = 7;

/// A UTC offset in minutes, within the range real time zones use (UTC−12:00 to UTC+14:00) and
/// on a quarter hour (Nepal is +05:45, the Chatham Islands +12:45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcOffset(i32);

impl UtcOffset {
    pub const MIN_MINUTES: i32 = -12 * 60;
    pub const MAX_MINUTES: i32 = 14 * 60;
    pub const UTC: UtcOffset = UtcOffset(0);

    pub fn from_minutes(minutes: i64) -> Result<Self, String> {
        let minutes = i32::try_from(minutes).map_err(|_| Self::range_message())?;
        if !(Self::MIN_MINUTES..=Self::MAX_MINUTES).contains(&minutes) || minutes % 15 != 0 {
            return Err(Self::range_message());
        }
        Ok(UtcOffset(minutes))
    }

    fn range_message() -> String {
        "Choose a time zone between UTC−12:00 and UTC+14:00.".into()
    }

    /// Parses the form value (minutes, as the select sends it).
    pub fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse::<i64>()
            .map_err(|_| Self::range_message())
            .and_then(Self::from_minutes)
    }

    /// The offset of the server's own clock right now (its `TZ`), used for clients who have
    /// not chosen one: the practitioner usually runs the server where their clients live.
    pub fn server_default() -> Self {
        let seconds = chrono::Local::now().offset().local_minus_utc();
        Self::from_minutes(i64::from(seconds / 60)).unwrap_or(Self::UTC)
    }

    pub fn minutes(self) -> i32 {
        self.0
    }

    /// "UTC+05:30", "UTC−03:00", "UTC" (with a real minus sign for reading).
    pub fn label(self) -> String {
        if self.0 == 0 {
            return "UTC".into();
        }
        let sign = if self.0 < 0 { '−' } else { '+' };
        let abs = self.0.unsigned_abs();
        format!("UTC{sign}{:02}:{:02}", abs / 60, abs % 60)
    }

    /// The client's local date at the UTC instant `now`.
    pub fn local_date(self, now_utc: NaiveDateTime) -> NaiveDate {
        (now_utc + Duration::minutes(i64::from(self.0))).date()
    }

    /// Every offset in use somewhere, for the time-zone select.
    pub fn choices() -> Vec<UtcOffset> {
        const QUARTER_HOURS: &[i32] = &[-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765];
        let mut all: Vec<UtcOffset> = (-12..=14)
            .map(|h| UtcOffset(h * 60))
            .chain(QUARTER_HOURS.iter().map(|m| UtcOffset(*m)))
            .collect();
        all.sort();
        all
    }
}

/// What a client may do with the diary page of a date, given their own today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayStatus {
    /// After today: nothing to log yet.
    Future,
    /// Today or up to six days before: the client can create or change the entry.
    Editable,
    /// Older: the client can only read it (the practitioner can still annotate).
    ReadOnly,
}

pub fn day_status(date: NaiveDate, today: NaiveDate) -> DayStatus {
    let age = (today - date).num_days();
    if age < 0 {
        DayStatus::Future
    } else if age < EDIT_WINDOW_DAYS {
        DayStatus::Editable
    } else {
        DayStatus::ReadOnly
    }
}

/// The last date on which an entry for `date` can still be changed.
pub fn last_editable_day(date: NaiveDate) -> NaiveDate {
    date + Duration::days(EDIT_WINDOW_DAYS - 1)
}

/// The Monday of the ISO week holding `date`: weeks are the unit of the weekly statistics and
/// of the timeline's symptom charts.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// Parses a `YYYY-MM-DD` date from a form or query.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!(
            "“{}” is not a date: use YYYY-MM-DD.",
            text.chars().take(20).collect::<String>()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diary::test_dates::{at, date};

    #[test]
    fn local_date_near_midnight() {
        // 23:30 UTC on 25 November is already the 26th in Berlin (+01:00) ...
        let late = at(2026, 11, 25, 23, 30);
        let berlin = UtcOffset::from_minutes(60).unwrap();
        assert_eq!(berlin.local_date(late), date(2026, 11, 26));
        // ... but still the 25th in UTC and in New York (−05:00).
        assert_eq!(UtcOffset::UTC.local_date(late), date(2026, 11, 25));
        let new_york = UtcOffset::from_minutes(-300).unwrap();
        assert_eq!(new_york.local_date(late), date(2026, 11, 25));
        // 00:10 UTC on the 26th is still the 25th in New York.
        assert_eq!(
            new_york.local_date(at(2026, 11, 26, 0, 10)),
            date(2026, 11, 25)
        );
        // Across a year boundary, with a quarter-hour offset.
        let chatham = UtcOffset::from_minutes(765).unwrap();
        assert_eq!(
            chatham.local_date(at(2026, 12, 31, 11, 15)),
            date(2027, 1, 1)
        );
        assert_eq!(
            chatham.local_date(at(2026, 12, 31, 11, 14)),
            date(2026, 12, 31)
        );
    }

    #[test]
    fn offsets_are_real_ones() {
        assert!(UtcOffset::from_minutes(14 * 60).is_ok());
        assert!(UtcOffset::from_minutes(-12 * 60).is_ok());
        assert!(UtcOffset::from_minutes(14 * 60 + 15).is_err());
        assert!(UtcOffset::from_minutes(-12 * 60 - 15).is_err());
        assert!(UtcOffset::from_minutes(7).is_err());
        assert!(UtcOffset::from_minutes(i64::MAX).is_err());
        assert!(UtcOffset::parse("abc").is_err());
        assert_eq!(UtcOffset::parse(" 330 ").map(UtcOffset::minutes), Ok(330));
        assert_eq!(UtcOffset::from_minutes(330).unwrap().label(), "UTC+05:30");
        assert_eq!(UtcOffset::from_minutes(-210).unwrap().label(), "UTC−03:30");
        assert_eq!(UtcOffset::UTC.label(), "UTC");
        let choices = UtcOffset::choices();
        assert!(
            choices.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        assert!(choices.contains(&UtcOffset::from_minutes(345).unwrap()));
        assert_eq!(choices.first().map(|o| o.minutes()), Some(-720));
        assert_eq!(choices.last().map(|o| o.minutes()), Some(840));
    }

    #[test]
    fn edit_window_is_seven_calendar_days() {
        let today = date(2026, 11, 25);
        assert_eq!(day_status(today, today), DayStatus::Editable);
        assert_eq!(day_status(date(2026, 11, 19), today), DayStatus::Editable);
        assert_eq!(day_status(date(2026, 11, 18), today), DayStatus::ReadOnly);
        assert_eq!(day_status(date(2026, 11, 26), today), DayStatus::Future);
        assert_eq!(last_editable_day(date(2026, 11, 19)), today);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 25 November 2026 is a Wednesday.
        assert_eq!(week_start(date(2026, 11, 25)), date(2026, 11, 23));
        assert_eq!(week_start(date(2026, 11, 23)), date(2026, 11, 23));
        assert_eq!(week_start(date(2026, 11, 29)), date(2026, 11, 23));
        assert_eq!(week_start(date(2027, 1, 1)), date(2026, 12, 28));
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date(" 2026-11-25"), Ok(date(2026, 11, 25)));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("25/11/2026").is_err());
    }
}
