//! Weekly statistics of a client's diary: the severity of each symptom averaged per week (the
//! timeline plots these on the same time axis as the mineral trends), the "rising symptom"
//! flag, and adherence (days logged out of days in the period).
//!
//! A week is an ISO week (Monday to Sunday) identified by its Monday. A week's average for a
//! symptom is the sum of its severities divided by the days *logged* that week: a logged day
//! without the symptom counts as 0 (the client had it not), a day without any entry counts not
//! at all (nothing is known about it). A week without any logged day has no average.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};

use super::calendar::week_start;
use super::Severity;

/// A rise of at least this many points of weekly average ...
pub const RISE_POINTS: i64 = 3;
/// ... within this many weeks raises the flag.
pub const RISE_SPAN_WEEKS: usize = 2;

/// One logged day: its date and the symptoms present with their severities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayLog {
    pub date: NaiveDate,
    pub severities: Vec<(String, Severity)>,
}

/// One symptom in one week. Kept as a sum and a count so comparisons are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekAverage {
    /// The Monday of the week.
    pub week_start: NaiveDate,
    /// Days with an entry in this week (and in the requested period).
    pub days_logged: u32,
    /// Sum of the symptom's severities over those days.
    pub total: u32,
}

impl WeekAverage {
    /// The average severity, or None for a week without any logged day.
    pub fn average(&self) -> Option<f64> {
        (self.days_logged > 0).then(|| f64::from(self.total) / f64::from(self.days_logged))
    }
}

/// The weekly series of one symptom, one element per week of the period, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct SymptomWeeks {
    pub symptom_key: String,
    pub weeks: Vec<WeekAverage>,
}

/// Weekly averages of every symptom present at least once in `from..=to`, ordered by key. Days
/// outside the period are ignored; the first and last weeks may be partial.
pub fn weekly_averages(days: &[DayLog], from: NaiveDate, to: NaiveDate) -> Vec<SymptomWeeks> {
    if to < from {
        return Vec::new();
    }
    let in_period: Vec<&DayLog> = days
        .iter()
        .filter(|d| d.date >= from && d.date <= to)
        .collect();
    let mut logged: BTreeMap<NaiveDate, BTreeSet<NaiveDate>> = BTreeMap::new();
    let mut totals: BTreeMap<&str, BTreeMap<NaiveDate, u32>> = BTreeMap::new();
    for day in &in_period {
        let week = week_start(day.date);
        logged.entry(week).or_default().insert(day.date);
        for (key, severity) in &day.severities {
            if severity.is_present() {
                *totals
                    .entry(key.as_str())
                    .or_default()
                    .entry(week)
                    .or_default() += u32::from(severity.get());
            }
        }
    }
    let weeks: Vec<NaiveDate> = std::iter::successors(Some(week_start(from)), |w| {
        Some(*w + Duration::days(7)).filter(|next| *next <= to)
    })
    .collect();
    totals
        .into_iter()
        .map(|(key, per_week)| SymptomWeeks {
            symptom_key: key.to_string(),
            weeks: weeks
                .iter()
                .map(|w| WeekAverage {
                    week_start: *w,
                    days_logged: logged.get(w).map_or(0, |d| d.len() as u32),
                    total: per_week.get(w).copied().unwrap_or(0),
                })
                .collect(),
        })
        .collect()
}

/// A symptom whose weekly average rose by `RISE_POINTS` or more within `RISE_SPAN_WEEKS`.
#[derive(Debug, Clone, PartialEq)]
pub struct RisingFlag {
    pub symptom_key: String,
    /// The week in which the risen average was reached.
    pub week_start: NaiveDate,
    /// The earlier week it is compared with (one or two weeks before).
    pub baseline_week_start: NaiveDate,
    pub baseline_average: f64,
    pub average: f64,
}

/// `later − earlier ≥ RISE_POINTS`, computed on the fractions without rounding.
fn rose_enough(earlier: &WeekAverage, later: &WeekAverage) -> bool {
    let (te, de) = (i64::from(earlier.total), i64::from(earlier.days_logged));
    let (tl, dl) = (i64::from(later.total), i64::from(later.days_logged));
    de > 0 && dl > 0 && tl * de - te * dl >= RISE_POINTS * de * dl
}

/// The flag condition: a week is flagged when its average is at least `RISE_POINTS` above the
/// average of one of the `RISE_SPAN_WEEKS` weeks before it (a rise over one week or over two).
/// Weeks without logged days are skipped as baselines, never read as zero: a missing week is
/// not a symptom-free week. Each flagged week names the lower of its candidate baselines.
pub fn rising_flags(series: &[SymptomWeeks]) -> Vec<RisingFlag> {
    let mut flags = Vec::new();
    for symptom in series {
        for (i, week) in symptom.weeks.iter().enumerate() {
            let Some(average) = week.average() else {
                continue;
            };
            let baseline = symptom.weeks[i.saturating_sub(RISE_SPAN_WEEKS)..i]
                .iter()
                .filter(|b| rose_enough(b, week))
                .filter_map(|b| b.average().map(|a| (b, a)))
                .min_by(|x, y| x.1.total_cmp(&y.1));
            if let Some((base, base_average)) = baseline {
                flags.push(RisingFlag {
                    symptom_key: symptom.symptom_key.clone(),
                    week_start: week.week_start,
                    baseline_week_start: base.week_start,
                    baseline_average: base_average,
                    average,
                });
            }
        }
    }
    flags
}

/// Days logged out of days in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adherence {
    pub days_logged: u32,
    pub days_in_period: u32,
}

impl Adherence {
    /// Whole percent, rounded down (an honest 99 % rather than a flattering 100 %).
    pub fn percent(&self) -> u32 {
        (self.days_logged * 100)
            .checked_div(self.days_in_period)
            .unwrap_or(0)
    }
}

/// Adherence over `from..=to` from the dates that have an entry.
pub fn adherence(logged: &[NaiveDate], from: NaiveDate, to: NaiveDate) -> Adherence {
    if to < from {
        return Adherence {
            days_logged: 0,
            days_in_period: 0,
        };
    }
    let distinct: BTreeSet<&NaiveDate> =
        logged.iter().filter(|d| **d >= from && **d <= to).collect();
    Adherence {
        days_logged: distinct.len() as u32,
        days_in_period: ((to - from).num_days() + 1) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn day(m: u32, d: u32, entries: &[(&str, i64)]) -> DayLog {
        DayLog {
            date: date(m, d),
            severities: entries
                .iter()
                .map(|(k, s)| (k.to_string(), Severity::new(*s).unwrap()))
                .collect(),
        }
    }

    /// One week of the given averages per symptom, each week logged on its Monday and Tuesday.
    fn series(key: &str, weekly: &[Option<(u32, u32)>]) -> SymptomWeeks {
        SymptomWeeks {
            symptom_key: key.into(),
            weeks: weekly
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let (total, days) = w.unwrap_or((0, 0));
                    WeekAverage {
                        week_start: date(11, 2) + Duration::days(7 * i as i64),
                        days_logged: days,
                        total,
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn averages_count_logged_days_without_the_symptom_as_zero() {
        // Week of Monday 16 November: three logged days, cramps 6 and 3 on two of them.
        let days = vec![
            day(11, 16, &[("leg_cramps", 6)]),
            day(11, 17, &[("leg_cramps", 3), ("fatigue", 2)]),
            day(11, 18, &[]),
            // Next week: one logged day.
            day(11, 24, &[("leg_cramps", 8)]),
        ];
        let weeks = weekly_averages(&days, date(11, 16), date(11, 29));
        assert_eq!(weeks.len(), 2, "fatigue and leg cramps");
        let cramps = weeks
            .iter()
            .find(|s| s.symptom_key == "leg_cramps")
            .unwrap();
        assert_eq!(cramps.weeks.len(), 2);
        assert_eq!(cramps.weeks[0].days_logged, 3);
        assert_eq!(cramps.weeks[0].average(), Some(3.0));
        assert_eq!(cramps.weeks[1].average(), Some(8.0));
        let fatigue = weeks.iter().find(|s| s.symptom_key == "fatigue").unwrap();
        assert_eq!(fatigue.weeks[1].average(), Some(0.0), "logged, no fatigue");
    }

    #[test]
    fn weeks_without_entries_have_no_average_and_period_bounds_apply() {
        let days = vec![
            day(11, 1, &[("fatigue", 9)]), // before the period: ignored
            day(11, 3, &[("fatigue", 4)]),
            day(11, 18, &[("fatigue", 2)]),
        ];
        let weeks = weekly_averages(&days, date(11, 2), date(11, 22));
        assert_eq!(weeks.len(), 1);
        let w = &weeks[0].weeks;
        assert_eq!(w.len(), 3);
        assert_eq!(w[0].average(), Some(4.0));
        assert_eq!(w[1].average(), None);
        assert_eq!(w[2].average(), Some(2.0));
        assert!(weekly_averages(&days, date(11, 22), date(11, 2)).is_empty());
        // A period starting mid-week still yields that week, keyed by its Monday.
        let mid = weekly_averages(&days, date(11, 4), date(11, 4));
        assert!(mid.is_empty(), "no symptom on the 4th");
        let mid = weekly_averages(&days, date(11, 3), date(11, 5));
        assert_eq!(mid[0].weeks[0].week_start, date(11, 2));
    }

    #[test]
    fn a_rise_of_three_over_two_weeks_is_flagged() {
        // 2.0 → 3.0 → 5.0: +3 over two weeks.
        let s = series("leg_cramps", &[Some((4, 2)), Some((6, 2)), Some((10, 2))]);
        let flags = rising_flags(&[s]);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].week_start, date(11, 16));
        assert_eq!(flags[0].baseline_week_start, date(11, 2));
        assert_eq!((flags[0].baseline_average, flags[0].average), (2.0, 5.0));
    }

    #[test]
    fn a_rise_of_three_within_one_week_is_flagged_too() {
        let s = series("fatigue", &[Some((2, 2)), Some((8, 2))]);
        let flags = rising_flags(&[s]);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].baseline_week_start, date(11, 2));
    }

    #[test]
    fn just_under_three_points_is_not_flagged() {
        // 1/3 → 10/3: a rise of exactly 3 (flagged), and 1/3 → 3.3 (= 2.97, not flagged). Exact
        // fractions: floating point would make 3.333 − 0.333 come out as 2.9999.
        let exact = series("a", &[Some((1, 3)), Some((10, 3))]);
        assert_eq!(rising_flags(&[exact]).len(), 1);
        let under = series("a", &[Some((1, 3)), Some((33, 10))]);
        assert!(rising_flags(&[under]).is_empty());
    }

    #[test]
    fn three_weeks_back_is_outside_the_span() {
        // 1.0, then 2.0, 3.0, 4.0: +1 per week, +3 only over three weeks.
        let s = series(
            "a",
            &[Some((1, 1)), Some((2, 1)), Some((3, 1)), Some((4, 1))],
        );
        assert!(rising_flags(&[s]).is_empty());
    }

    #[test]
    fn missing_weeks_are_not_zero() {
        // A week without entries before a week at 3.0 is not a rise from 0.
        let s = series("a", &[None, None, Some((3, 1))]);
        assert!(rising_flags(&[s]).is_empty());
        // But a gap week is skipped, and the week before it still counts within the span.
        let s = series("a", &[Some((1, 1)), None, Some((4, 1))]);
        let flags = rising_flags(&[s]);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].baseline_week_start, date(11, 2));
    }

    #[test]
    fn falls_and_plateaus_are_not_flagged_and_the_lower_baseline_is_named() {
        let s = series("a", &[Some((8, 1)), Some((2, 1)), Some((1, 1))]);
        assert!(rising_flags(&[s]).is_empty());
        // Baselines 2.0 and 1.0 both qualify for 6.0: the lower one (the bigger rise) is named.
        let s = series("a", &[Some((2, 1)), Some((1, 1)), Some((6, 1))]);
        let flags = rising_flags(&[s]);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].week_start, date(11, 16));
        assert_eq!(flags[0].baseline_average, 1.0);
    }

    #[test]
    fn adherence_counts_distinct_days_in_the_period() {
        let logged = [
            date(11, 1),
            date(11, 2),
            date(11, 2),
            date(11, 30),
            date(12, 1),
        ];
        let a = adherence(&logged, date(11, 1), date(11, 30));
        assert_eq!(
            a,
            Adherence {
                days_logged: 3,
                days_in_period: 30
            }
        );
        assert_eq!(a.percent(), 10);
        assert_eq!(adherence(&logged, date(11, 2), date(11, 1)).percent(), 0);
    }
}
