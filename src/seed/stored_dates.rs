//! The diary's dates as the seeder binds them: on SQLite the text diesel would store
//! (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`), written digit by digit when the value is made instead of
//! through chrono's general formatter at every bind; on PostgreSQL the chrono value as before.
//!
//! 670,000 diary entries bind three dates each: chrono's `format` (parsing the format string
//! and formatting through `Display`) was about 6 % of seeding on SQLite (issue 15, perf). The
//! text is byte for byte what diesel writes for the same value (tested below against chrono);
//! a value it cannot write so (a year outside 0–9999, a fraction of a second) is bound as
//! diesel binds it.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Date, Timestamp};
use diesel::sqlite::Sqlite;

/// A day for a `DATE` column.
#[derive(Debug, Clone, Copy, AsExpression)]
#[diesel(sql_type = Date)]
pub(super) struct StoredDay {
    date: NaiveDate,
    text: Option<[u8; 10]>,
}

/// A moment for a `TIMESTAMP` column.
#[derive(Debug, Clone, Copy, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub(super) struct StoredMoment {
    at: NaiveDateTime,
    text: Option<[u8; 19]>,
}

impl StoredDay {
    pub(super) fn date(&self) -> NaiveDate {
        self.date
    }
}

impl From<NaiveDate> for StoredDay {
    fn from(date: NaiveDate) -> Self {
        let mut text = [0u8; 10];
        let text = write_date(&mut text, date).then_some(text);
        StoredDay { date, text }
    }
}

impl From<NaiveDateTime> for StoredMoment {
    fn from(at: NaiveDateTime) -> Self {
        let mut text = [0u8; 19];
        let written = at.nanosecond() == 0 && write_date(&mut text[..10], at.date());
        if written {
            text[10] = b' ';
            write_digits(&mut text[11..13], at.hour());
            text[13] = b':';
            write_digits(&mut text[14..16], at.minute());
            text[16] = b':';
            write_digits(&mut text[17..19], at.second());
        }
        StoredMoment {
            at,
            text: written.then_some(text),
        }
    }
}

/// `YYYY-MM-DD` into the first 10 bytes, as chrono's `%F` writes a year of four digits; false
/// (nothing written) for any other year.
fn write_date(out: &mut [u8], date: NaiveDate) -> bool {
    let Ok(year) = u32::try_from(date.year()) else {
        return false;
    };
    if year > 9999 {
        return false;
    }
    write_digits(&mut out[0..4], year);
    out[4] = b'-';
    write_digits(&mut out[5..7], date.month());
    out[7] = b'-';
    write_digits(&mut out[8..10], date.day());
    true
}

/// `value`'s last `out.len()` decimal digits, zero-padded.
fn write_digits(out: &mut [u8], mut value: u32) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// The text, when it was written (always ASCII digits and separators).
fn as_text(text: &[u8]) -> Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(text)
}

impl ToSql<Date, Sqlite> for StoredDay {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        match &self.text {
            Some(text) => {
                out.set_value(as_text(text)?);
                Ok(IsNull::No)
            }
            None => <NaiveDate as ToSql<Date, Sqlite>>::to_sql(&self.date, out),
        }
    }
}

impl ToSql<Timestamp, Sqlite> for StoredMoment {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        match &self.text {
            Some(text) => {
                out.set_value(as_text(text)?);
                Ok(IsNull::No)
            }
            None => <NaiveDateTime as ToSql<Timestamp, Sqlite>>::to_sql(&self.at, out),
        }
    }
}

impl ToSql<Date, Pg> for StoredDay {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDate as ToSql<Date, Pg>>::to_sql(&self.date, out)
    }
}

impl ToSql<Timestamp, Pg> for StoredMoment {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.at, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveTime};

    /// Every day from 1900 to 2100 and a time of day every 7 minutes 13 seconds: the text is
    /// what diesel stores for the chrono value (its formats `%F` and `%F %T%.f`).
    #[test]
    fn the_text_is_what_diesel_writes_for_the_chrono_value() {
        let mut date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let mut time = NaiveTime::MIN;
        while date.year() < 2100 {
            let day = StoredDay::from(date);
            assert_eq!(
                as_text(&day.text.unwrap()).unwrap(),
                date.format("%F").to_string()
            );
            let at = date.and_time(time);
            let moment = StoredMoment::from(at);
            assert_eq!(
                as_text(&moment.text.unwrap()).unwrap(),
                at.format("%F %T%.f").to_string()
            );
            date += Duration::days(1);
            time += Duration::seconds(433);
        }
    }

    /// What the fixed text cannot hold is left to diesel.
    #[test]
    fn other_values_are_bound_as_diesel_binds_them() {
        let far = NaiveDate::from_ymd_opt(12_000, 1, 1).unwrap();
        assert!(StoredDay::from(far).text.is_none());
        let before = NaiveDate::from_ymd_opt(-5, 1, 1).unwrap();
        assert!(StoredDay::from(before).text.is_none());
        let fraction = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_milli_opt(10, 0, 0, 5)
            .unwrap();
        assert!(StoredMoment::from(fraction).text.is_none());
        assert_eq!(StoredDay::from(far).date(), far);
    }
}
