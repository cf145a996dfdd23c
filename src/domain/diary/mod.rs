//! The symptom diary's rules, without IO: the severity scale, the symptom vocabulary, the
//! client's calendar (local "today" from a UTC offset, the edit window) and the weekly
//! statistics the practitioner's timeline plots (averages, the rising-symptom flag, adherence).
//!
//! Nothing here touches the database or HTTP, so every rule is unit-tested on plain values.

pub mod calendar;
pub mod entry;
pub mod severity;
pub mod vocabulary;
pub mod weekly;
pub mod zone;

pub use calendar::{day_status, DayStatus, UtcOffset, EDIT_WINDOW_DAYS};
pub use entry::{EntryInput, SymptomReading};
pub use severity::{Severity, SeverityError, TimeOfDay};
pub use vocabulary::{Symptom, DEFAULT_SYMPTOMS};
pub use weekly::{
    adherence, rising_flags, weekly_averages, Adherence, DayLog, RisingFlag, SymptomWeeks,
    WeekAverage,
};
pub use zone::ClientZone;

/// Dates and times written as numbers, for the calendar's and the zones' tests.
#[cfg(test)]
pub(crate) mod test_dates {
    use chrono::{NaiveDate, NaiveDateTime};

    pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, min, 0).unwrap()
    }

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
}
