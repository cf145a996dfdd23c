//! The client's time zone by name (issue 14): an IANA zone such as Europe/Copenhagen, followed
//! across summer time with the tz database compiled in (chrono-tz), so the portal's "today" and
//! the seven-day edit window change date at the client's midnight all year. A client who chose a
//! fixed UTC offset before zones had names keeps it (the fallback), and one who chose nothing
//! follows the server's offset.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::calendar::UtcOffset;

/// Where a client's days begin and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientZone {
    /// A named zone, with its summer time.
    Named(Tz),
    /// A fixed offset (chosen before zones had names, or the server's own).
    Fixed(UtcOffset),
}

impl ClientZone {
    /// The zone a client's settings give: the name when it is a known zone, else the offset,
    /// else the server's offset.
    pub fn of(name: Option<&str>, offset_minutes: Option<i64>) -> ClientZone {
        if let Some(zone) = name.and_then(|n| parse_zone_name(n).ok()) {
            return ClientZone::Named(zone);
        }
        ClientZone::Fixed(
            offset_minutes
                .and_then(|m| UtcOffset::from_minutes(m).ok())
                .unwrap_or_else(UtcOffset::server_default),
        )
    }

    /// The client's wall-clock time at the UTC instant `now_utc`.
    pub fn local_time(&self, now_utc: NaiveDateTime) -> NaiveDateTime {
        match self {
            ClientZone::Named(zone) => zone.from_utc_datetime(&now_utc).naive_local(),
            ClientZone::Fixed(offset) => {
                now_utc + chrono::Duration::minutes(i64::from(offset.minutes()))
            }
        }
    }

    /// The client's date at the UTC instant `now_utc`.
    pub fn local_date(&self, now_utc: NaiveDateTime) -> NaiveDate {
        self.local_time(now_utc).date()
    }

    /// The UTC instant the client's next day begins after `now_utc` (issue 15: what a page
    /// counting the client's days, kept rendered, is valid until). Where summer time skips the
    /// local midnight, the first local time that exists after it, looked for by quarter hours.
    pub fn next_day_starts(&self, now_utc: NaiveDateTime) -> NaiveDateTime {
        let midnight = self
            .local_date(now_utc)
            .succ_opt()
            .unwrap_or(NaiveDate::MAX)
            .and_time(chrono::NaiveTime::MIN);
        match self {
            ClientZone::Fixed(offset) => {
                midnight - chrono::Duration::minutes(i64::from(offset.minutes()))
            }
            ClientZone::Named(zone) => (0..=4 * 24)
                .map(|quarter| midnight + chrono::Duration::minutes(15 * quarter))
                .find_map(|local| zone.from_local_datetime(&local).earliest())
                .map_or(now_utc + chrono::Duration::minutes(15), |t| t.naive_utc()),
        }
    }

    /// "Europe/Copenhagen", or "UTC+01:00" for a fixed offset.
    pub fn label(&self) -> String {
        match self {
            ClientZone::Named(zone) => zone.name().to_string(),
            ClientZone::Fixed(offset) => offset.label(),
        }
    }
}

/// An IANA zone name as the tz database spells it; anything else is refused with a message.
pub fn parse_zone_name(text: &str) -> Result<Tz, String> {
    let text = text.trim();
    text.parse::<Tz>().map_err(|_| {
        format!(
            "“{}” is not a time zone this app knows: choose one from the list.",
            text.chars().take(60).collect::<String>()
        )
    })
}

/// Zones most clients live in, by region, for the settings' select (any other IANA name is
/// accepted too).
pub const COMMON_ZONES: &[(&str, &[&str])] = &[
    (
        "Europe",
        &[
            "Europe/London",
            "Europe/Dublin",
            "Europe/Lisbon",
            "Europe/Madrid",
            "Europe/Paris",
            "Europe/Brussels",
            "Europe/Amsterdam",
            "Europe/Berlin",
            "Europe/Copenhagen",
            "Europe/Oslo",
            "Europe/Stockholm",
            "Europe/Zurich",
            "Europe/Vienna",
            "Europe/Rome",
            "Europe/Prague",
            "Europe/Warsaw",
            "Europe/Budapest",
            "Europe/Helsinki",
            "Europe/Athens",
            "Europe/Bucharest",
            "Europe/Istanbul",
            "Europe/Kyiv",
            "Europe/Moscow",
            "Atlantic/Reykjavik",
        ],
    ),
    (
        "Americas",
        &[
            "America/St_Johns",
            "America/Halifax",
            "America/New_York",
            "America/Toronto",
            "America/Chicago",
            "America/Mexico_City",
            "America/Denver",
            "America/Phoenix",
            "America/Los_Angeles",
            "America/Vancouver",
            "America/Anchorage",
            "Pacific/Honolulu",
            "America/Bogota",
            "America/Lima",
            "America/Santiago",
            "America/Buenos_Aires",
            "America/Sao_Paulo",
        ],
    ),
    (
        "Africa and the Middle East",
        &[
            "Africa/Casablanca",
            "Africa/Lagos",
            "Africa/Cairo",
            "Africa/Johannesburg",
            "Africa/Nairobi",
            "Asia/Jerusalem",
            "Asia/Riyadh",
            "Asia/Tehran",
            "Asia/Dubai",
        ],
    ),
    (
        "Asia",
        &[
            "Asia/Karachi",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "Asia/Dhaka",
            "Asia/Bangkok",
            "Asia/Jakarta",
            "Asia/Singapore",
            "Asia/Shanghai",
            "Asia/Hong_Kong",
            "Asia/Manila",
            "Asia/Seoul",
            "Asia/Tokyo",
        ],
    ),
    (
        "Australia and the Pacific",
        &[
            "Australia/Perth",
            "Australia/Adelaide",
            "Australia/Darwin",
            "Australia/Brisbane",
            "Australia/Sydney",
            "Australia/Melbourne",
            "Australia/Hobart",
            "Pacific/Auckland",
            "Pacific/Chatham",
            "Pacific/Fiji",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diary::test_dates::{at, date};

    #[test]
    fn the_next_day_starts_exactly_when_the_client_date_changes() {
        // Santiago skips its midnight when summer time starts (00:00 → 01:00 in September).
        let zones = [
            ClientZone::of(Some("Europe/Copenhagen"), None),
            ClientZone::of(Some("America/Santiago"), None),
            ClientZone::of(Some("Pacific/Chatham"), None),
            ClientZone::Fixed(UtcOffset::from_minutes(-330).unwrap()),
        ];
        let second = chrono::Duration::seconds(1);
        for zone in zones {
            let mut now = at(2026, 1, 1, 0, 7);
            while now < at(2027, 1, 1, 0, 0) {
                let starts = zone.next_day_starts(now);
                let today = zone.local_date(now);
                assert!(starts > now, "{zone:?} at {now}");
                assert_eq!(zone.local_date(starts - second), today, "{zone:?} at {now}");
                assert_ne!(zone.local_date(starts), today, "{zone:?} at {now}");
                now += chrono::Duration::minutes(53);
            }
        }
    }

    #[test]
    fn copenhagen_follows_summer_time_where_a_fixed_offset_does_not() {
        let copenhagen = ClientZone::of(Some("Europe/Copenhagen"), Some(60));
        let winter_offset = ClientZone::Fixed(UtcOffset::from_minutes(60).unwrap());
        // 2026-03-29: clocks go from 02:00 to 03:00. 00:30Z is 01:30 (+01:00), 01:00Z is 03:00.
        assert_eq!(
            copenhagen.local_time(at(2026, 3, 29, 0, 30)),
            at(2026, 3, 29, 1, 30)
        );
        assert_eq!(
            copenhagen.local_time(at(2026, 3, 29, 1, 0)),
            at(2026, 3, 29, 3, 0)
        );
        // The evening after: 22:30Z is already the 30th in Copenhagen (+02:00), still the 29th
        // at a fixed +01:00.
        assert_eq!(
            copenhagen.local_date(at(2026, 3, 29, 22, 30)),
            date(2026, 3, 30)
        );
        assert_eq!(
            winter_offset.local_date(at(2026, 3, 29, 22, 30)),
            date(2026, 3, 29)
        );
        // 2026-10-25: clocks go back from 03:00 to 02:00. 22:30Z that day is 23:30 (+01:00) on
        // the 25th; a summer offset fixed at +02:00 would already say the 26th.
        let summer_offset = ClientZone::Fixed(UtcOffset::from_minutes(120).unwrap());
        assert_eq!(
            copenhagen.local_date(at(2026, 10, 25, 22, 30)),
            date(2026, 10, 25)
        );
        assert_eq!(
            summer_offset.local_date(at(2026, 10, 25, 22, 30)),
            date(2026, 10, 26)
        );
        // The day before the change, 22:30Z is past midnight in Copenhagen (+02:00).
        assert_eq!(
            copenhagen.local_date(at(2026, 10, 24, 22, 30)),
            date(2026, 10, 25)
        );
        assert_eq!(copenhagen.label(), "Europe/Copenhagen");
    }

    #[test]
    fn names_are_checked_and_the_offset_is_the_fallback() {
        assert!(parse_zone_name("Europe/Copenhagen").is_ok());
        assert!(parse_zone_name("Mars/Olympus_Mons").is_err());
        assert!(parse_zone_name("").is_err());
        assert!(parse_zone_name(&"x".repeat(10_000)).is_err());
        assert_eq!(
            ClientZone::of(Some("Mars/Olympus_Mons"), Some(330)),
            ClientZone::Fixed(UtcOffset::from_minutes(330).unwrap())
        );
        assert_eq!(ClientZone::of(None, Some(-300)).label(), "UTC−05:00");
        for (_, zones) in COMMON_ZONES {
            for zone in *zones {
                assert!(parse_zone_name(zone).is_ok(), "{zone}");
            }
        }
    }
}
