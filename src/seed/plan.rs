//! The generated data set as plain values, no IO: one client's details, hair tests whose levels
//! drift plausibly between oxidation types, and a daily symptom diary. Everything comes from a
//! deterministic stream per client, so the same seed gives the same data set everywhere.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use super::rng::SplitMix64;
use crate::domain::diary::vocabulary::DEFAULT_SYMPTOMS;
use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;

/// Tests are due every 3–4 months (HTMA.md CMP-4 suggests 3).
pub const TEST_INTERVAL_DAYS: (i64, i64) = (90, 120);
/// Results arrive this long after the hair was cut; the last sample is at least this old.
pub const LAB_TURNAROUND_DAYS: i64 = 14;

#[derive(Debug, Clone)]
pub struct PlannedClient {
    /// 0-based position in the data set; the reference code is `S-` and index + 1.
    pub index: u32,
    pub full_name: String,
    pub reference_code: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: String,
    /// The first day with the practitioner: the first test and diary day.
    pub starts_on: NaiveDate,
    pub tests: Vec<PlannedTest>,
    pub diary: Vec<PlannedDay>,
}

#[derive(Debug, Clone)]
pub struct PlannedTest {
    pub sample_date: NaiveDate,
    pub lab: &'static str,
    pub lab_sample_id: String,
    pub levels: BTreeMap<Element, MineralLevel>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSymptom {
    pub key: &'static str,
    /// 1–10: a symptom not felt is not listed.
    pub severity: u8,
    pub time_of_day: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct PlannedDay {
    pub date: NaiveDate,
    pub note: &'static str,
    pub triggers: &'static str,
    pub symptoms: Vec<PlannedSymptom>,
}

const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Karin",
    "Lukas", "Mila", "Nils", "Olivia", "Paul", "Rosa", "Samuel", "Tara", "Umar", "Vera", "Wim",
    "Yara", "Zoe", "Amir", "Bea", "Chen", "Dora", "Emil", "Fatima", "Gabriel", "Hana", "Ivan",
    "Julia", "Kofi", "Lea", "Marco", "Nadia", "Oskar", "Priya",
];

const LAST_NAMES: &[&str] = &[
    "Andersen",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Meyer",
    "Nielsen",
    "Okafor",
    "Petersen",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Urban",
    "Vogel",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Alvarez",
    "Berg",
    "Chowdhury",
    "Dahl",
    "Ekström",
    "Novak",
    "O'Brien",
    "Haddad",
    "Kim",
    "Moreau",
    "Nakamura",
    "Santos",
    "Walsh",
    "Lindqvist",
];

const INTAKE_NOTES: &[&str] = &[
    "Night leg cramps for two years; drinks a lot of coffee.",
    "Runner; cramps during and after long runs.",
    "Restless legs in the evening, fatigue.",
    "Neck and upper back tension; office work.",
    "Cold hands and feet; vegetarian diet.",
    "Muscle tightness after starting a new exercise programme.",
    "Tired in the afternoons; sleeps poorly.",
    "Referred by a friend; wants a baseline test.",
];

pub(super) const DIARY_NOTES: &[&str] = &[
    "Slept badly.",
    "Long walk, felt fine.",
    "Busy day at work.",
    "Forgot the evening supplements.",
    "Better than yesterday.",
    "Woke up twice with cramps.",
    "Stretched before bed.",
    "Travelling.",
];

pub(super) const TRIGGERS: &[&str] = &[
    "coffee",
    "long run",
    "poor sleep",
    "stressful day",
    "wine with dinner",
    "skipped lunch",
];

/// (Ca, Mg, Na, K) in mg% of typical starting profiles, after the worked examples of HTMA.md
/// ("Worked examples"), with how often each appears among new clients.
/// (Ca, Mg, Na, K) in mg% and the weight of that starting profile.
type WeightedProfile = ((f64, f64, f64, f64), f64);

const STARTING_PROFILES: &[WeightedProfile] = &[
    ((160.0, 18.0, 8.0, 2.0), 0.25), // slow, moderate (example 1)
    ((70.0, 9.0, 18.0, 6.0), 0.20),  // slow, mild
    ((22.0, 2.5, 60.0, 25.0), 0.10), // fast, moderate (example 2)
    ((45.0, 5.0, 30.0, 15.0), 0.15), // fast, mild (example 4)
    ((60.0, 8.0, 40.0, 12.0), 0.15), // mixed (example 5)
    ((30.0, 4.0, 15.0, 6.0), 0.15),  // four lows
];

/// Panel elements without ideals, with a typical level in mg%: a lab reports them, nothing
/// interprets them.
const OTHER_ELEMENTS: &[(Element, f64)] = &[
    (Element::Ge, 0.001),
    (Element::V, 0.002),
    (Element::Sr, 0.04),
    (Element::Ba, 0.02),
    (Element::Ti, 0.05),
    (Element::Bi, 0.002),
    (Element::Sb, 0.001),
    (Element::U, 0.0005),
    (Element::Be, 0.0002),
    (Element::Sn, 0.003),
    (Element::W, 0.0005),
    (Element::Zr, 0.001),
];

const MACROS: [Element; 4] = [Element::Ca, Element::Mg, Element::Na, Element::K];

/// Lab reports carry about three significant digits.
fn round_sig(value: f64, digits: i32) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powi(digits - 1 - value.log10().floor() as i32);
    (value * scale).round() / scale
}

fn weighted_profile(rng: &mut SplitMix64) -> [f64; 4] {
    let mut roll = rng.unit();
    for ((ca, mg, na, k), weight) in STARTING_PROFILES {
        if roll < *weight {
            return [*ca, *mg, *na, *k];
        }
        roll -= weight;
    }
    let ((ca, mg, na, k), _) = STARTING_PROFILES[0];
    [ca, mg, na, k]
}

/// How one client's minerals move from test to test: in log space, a pull toward a target
/// (the ideals, or for some clients an overshoot to another type) plus noise. The four macro
/// minerals decide the oxidation type, so types change when a ratio crosses its threshold.
struct Drift {
    /// ln(mg%) of Ca, Mg, Na, K now.
    macros: [f64; 4],
    target: [f64; 4],
    pull: f64,
    /// Per-client baselines of the other nutrients and toxic metals.
    baselines: Vec<(Element, f64)>,
    /// A toxic metal starting high and coming down over the program.
    elevated: Option<(Element, f64)>,
}

impl Drift {
    fn new(rng: &mut SplitMix64, reference: &ReferenceSet) -> Drift {
        let start = weighted_profile(rng);
        let macros = start.map(|v| (v * rng.lognormal(0.2)).ln());
        // Most clients drift toward the ideals; some overshoot to another profile.
        let target = if rng.chance(0.2) {
            weighted_profile(rng).map(|v| (v * rng.lognormal(0.15)).ln())
        } else {
            MACROS.map(|e| (reference.ideal(e).unwrap_or(10.0) * rng.lognormal(0.25)).ln())
        };
        let mut baselines = Vec::new();
        for element in [
            Element::P,
            Element::Zn,
            Element::Cu,
            Element::Fe,
            Element::Mn,
            Element::Cr,
            Element::Se,
            Element::B,
            Element::Co,
            Element::Mo,
            Element::Li,
        ] {
            let ideal = reference.ideal(element).unwrap_or(0.01);
            baselines.push((element, ideal * rng.lognormal(0.35)));
        }
        let toxics = [
            Element::Pb,
            Element::Hg,
            Element::Cd,
            Element::As,
            Element::Al,
            Element::Ni,
        ];
        for element in toxics {
            let threshold = reference.toxic_threshold(element).unwrap_or(0.01);
            baselines.push((element, threshold * rng.between(0.1, 0.7)));
        }
        let elevated = if rng.chance(0.12) {
            rng.pick(&toxics).map(|e| {
                (
                    *e,
                    reference.toxic_threshold(*e).unwrap_or(0.01) * rng.between(1.5, 4.0),
                )
            })
        } else {
            None
        };
        Drift {
            macros,
            target,
            pull: rng.between(0.1, 0.3),
            baselines,
            elevated,
        }
    }

    /// The levels of the next test, then one step of drift.
    fn next_levels(&mut self, rng: &mut SplitMix64) -> BTreeMap<Element, MineralLevel> {
        let mut levels = BTreeMap::new();
        let put = |levels: &mut BTreeMap<_, _>, element, mg_pct: f64| {
            if let Ok(level) = MineralLevel::measured(round_sig(mg_pct, 3)) {
                levels.insert(element, level);
            }
        };
        for (element, ln) in MACROS.iter().zip(self.macros) {
            put(&mut levels, *element, ln.exp());
        }
        for (element, baseline) in &self.baselines {
            let mut value = baseline * rng.lognormal(0.15);
            if let Some((metal, level)) = self.elevated {
                if metal == *element {
                    value = level * rng.lognormal(0.1);
                }
            }
            put(&mut levels, *element, value);
        }
        for (element, typical) in OTHER_ELEMENTS {
            let value = typical * rng.lognormal(0.4);
            // Trace elements are often under the lab's detection limit.
            if rng.chance(0.25) {
                if let Ok(level) = MineralLevel::below_detection_limit(round_sig(typical * 0.5, 1))
                {
                    levels.insert(*element, level);
                }
            } else {
                put(&mut levels, *element, value);
            }
        }
        for i in 0..4 {
            self.macros[i] += self.pull * (self.target[i] - self.macros[i]) + 0.15 * rng.normal();
        }
        if let Some((_, level)) = &mut self.elevated {
            *level *= 0.8;
        }
        levels
    }
}

fn plan_tests(
    rng: &mut SplitMix64,
    starts_on: NaiveDate,
    last_sample: NaiveDate,
) -> Vec<PlannedTest> {
    let reference = ReferenceSet::eck_wilson();
    let mut drift = Drift::new(rng, &reference);
    // Half the clients keep to the 3-month recommendation, the others stretch it a little.
    let (min_gap, max_gap) = if rng.chance(0.5) {
        (TEST_INTERVAL_DAYS.0, TEST_INTERVAL_DAYS.0 + 10)
    } else {
        (TEST_INTERVAL_DAYS.0 + 5, TEST_INTERVAL_DAYS.1)
    };
    let mut tests = Vec::new();
    let mut date = starts_on;
    while date <= last_sample {
        let lab = if rng.chance(0.7) { "ARL" } else { "TEI" };
        let notes = if rng.chance(0.1) {
            "Sample sent late; results a week later than usual."
        } else {
            ""
        };
        tests.push(PlannedTest {
            sample_date: date,
            lab,
            lab_sample_id: format!("{}{:07}", &lab[..1], rng.below(10_000_000)),
            levels: drift.next_levels(rng),
            notes: notes.to_string(),
        });
        date += Duration::days(rng.range(min_gap, max_gap));
    }
    tests
}

fn time_of_day_for(key: &str, rng: &mut SplitMix64) -> Option<&'static str> {
    match key {
        "night_cramps" | "restless_legs" => Some("night"),
        "exercise_cramps" => Some("exercise"),
        _ if rng.chance(0.5) => Some("day"),
        _ => None,
    }
}

/// Entries on about 70% of days (each client's own rate between 55% and 85%); the client's
/// usual symptoms ease over the program, with day-to-day noise.
fn plan_diary(rng: &mut SplitMix64, starts_on: NaiveDate, today: NaiveDate) -> Vec<PlannedDay> {
    let compliance = rng.between(0.55, 0.85);
    let mut usual: Vec<(&'static str, f64)> = Vec::new();
    for _ in 0..rng.range(1, 3) {
        if let Some((key, _)) = rng.pick(DEFAULT_SYMPTOMS) {
            if !usual.iter().any(|(k, _)| k == key) {
                usual.push((key, rng.between(3.0, 8.0)));
            }
        }
    }
    let span = (today - starts_on).num_days().max(1) as f64;
    let mut days = Vec::new();
    let mut date = starts_on;
    while date <= today {
        if rng.chance(compliance) {
            let progress = (date - starts_on).num_days() as f64 / span;
            let mut symptoms = Vec::new();
            for (key, baseline) in &usual {
                let severity = (baseline * (1.0 - 0.6 * progress) + 1.5 * rng.normal()).round();
                if severity >= 1.0 {
                    symptoms.push(PlannedSymptom {
                        key,
                        severity: severity.min(10.0) as u8,
                        time_of_day: time_of_day_for(key, rng),
                    });
                }
            }
            let note = if rng.chance(0.08) {
                rng.pick(DIARY_NOTES).copied().unwrap_or("")
            } else {
                ""
            };
            let triggers = if rng.chance(0.1) {
                rng.pick(TRIGGERS).copied().unwrap_or("")
            } else {
                ""
            };
            days.push(PlannedDay {
                date,
                note,
                triggers,
                symptoms,
            });
        }
        date += Duration::days(1);
    }
    days
}

/// Client `index` of the data set seeded with `seed`, over the `years` before `today`.
pub fn plan_client(seed: u64, index: u32, today: NaiveDate, years: u32) -> PlannedClient {
    let mut rng = SplitMix64::stream(seed, u64::from(index));
    let first = rng.pick(FIRST_NAMES).copied().unwrap_or("Alex");
    let last = rng.pick(LAST_NAMES).copied().unwrap_or("Doe");
    let reference_code = format!("S-{:05}", index + 1);
    let sex = match rng.unit() {
        u if u < 0.65 => Sex::Female,
        u if u < 0.97 => Sex::Male,
        _ => Sex::Unrecorded,
    };
    let date_of_birth = NaiveDate::from_ymd_opt(rng.range(1950, 2004) as i32, 1, 1)
        .unwrap_or(NaiveDate::MIN)
        + Duration::days(rng.range(0, 364));
    let email = rng.chance(0.6).then(|| {
        format!(
            "{}.{}{}@example.com",
            first.to_lowercase(),
            last.to_lowercase().replace(['\'', 'ö'], ""),
            index + 1
        )
    });
    let phone = rng
        .chance(0.5)
        .then(|| format!("+45 {:04} {:04}", rng.below(10_000), rng.below(10_000)));
    let notes = rng.pick(INTAKE_NOTES).copied().unwrap_or("").to_string();
    let span_days = i64::from(years.max(1)) * 365;
    // Most clients have been coming since the start of the period; some joined later.
    let offset = if rng.chance(0.7) {
        rng.range(0, 60)
    } else {
        rng.range(60, span_days * 2 / 3)
    };
    let starts_on = today - Duration::days(span_days) + Duration::days(offset);
    let last_sample = today - Duration::days(LAB_TURNAROUND_DAYS);
    let tests = plan_tests(&mut rng, starts_on, last_sample);
    let diary = plan_diary(&mut rng, starts_on, today);
    PlannedClient {
        index,
        full_name: format!("{first} {last}"),
        reference_code,
        date_of_birth,
        sex,
        email,
        phone,
        notes,
        starts_on,
        tests,
        diary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analysis::{analyze, HairSample};
    use crate::domain::oxidation::OxidationType;
    use std::collections::BTreeSet;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn deterministic_and_prefix_stable() {
        let a = plan_client(1, 5, today(), 3);
        let b = plan_client(1, 5, today(), 3);
        assert_eq!(a.full_name, b.full_name);
        assert_eq!(a.tests.len(), b.tests.len());
        assert_eq!(a.tests[0].levels, b.tests[0].levels);
        assert_eq!(a.diary.len(), b.diary.len());
        assert_eq!(a.reference_code, "S-00006");
        let other_seed = plan_client(2, 5, today(), 3);
        assert_ne!(a.tests[0].levels, other_seed.tests[0].levels);
    }

    #[test]
    fn tests_every_three_to_four_months_and_never_in_the_future() {
        for index in 0..50 {
            let client = plan_client(7, index, today(), 3);
            assert!(!client.tests.is_empty());
            assert!(client.tests.len() <= 13, "{}", client.tests.len());
            for pair in client.tests.windows(2) {
                let gap = (pair[1].sample_date - pair[0].sample_date).num_days();
                assert!((90..=120).contains(&gap), "{gap}");
            }
            let last = client.tests.last().unwrap().sample_date;
            assert!(last <= today() - Duration::days(LAB_TURNAROUND_DAYS));
            assert!(client.starts_on >= today() - Duration::days(3 * 365));
            for test in &client.tests {
                assert!(test.levels.len() >= 30);
                assert!(test.levels.values().all(|l| l.mg_pct().is_finite()));
            }
        }
    }

    #[test]
    fn diary_on_about_seventy_percent_of_days() {
        let (mut logged, mut days) = (0usize, 0i64);
        for index in 0..100 {
            let client = plan_client(3, index, today(), 3);
            days += (today() - client.starts_on).num_days() + 1;
            logged += client.diary.len();
            let dates: BTreeSet<_> = client.diary.iter().map(|d| d.date).collect();
            assert_eq!(dates.len(), client.diary.len(), "one entry per day");
            for day in &client.diary {
                assert!(day.date <= today() && day.date >= client.starts_on);
                for symptom in &day.symptoms {
                    assert!((1..=10).contains(&symptom.severity));
                    assert!(DEFAULT_SYMPTOMS.iter().any(|(k, _)| *k == symptom.key));
                }
            }
        }
        let rate = logged as f64 / days as f64;
        assert!((0.65..0.75).contains(&rate), "{rate}");
    }

    /// The domain engine's view of the generated tests: every oxidation type appears, none is
    /// undetermined (the four macro minerals are always measured), and many clients move
    /// between types over their program while others stay put.
    #[test]
    fn levels_drift_plausibly_between_oxidation_types() {
        let reference = ReferenceSet::eck_wilson();
        let mut types = BTreeMap::<&str, usize>::new();
        let (mut changed, mut stayed) = (0, 0);
        for index in 0..200 {
            let client = plan_client(11, index, today(), 3);
            let sex = client.sex;
            let kinds: Vec<OxidationType> = client
                .tests
                .iter()
                .map(|t| {
                    let sample = HairSample {
                        sex,
                        washed: false,
                        levels: t.levels.clone(),
                        ..HairSample::default()
                    };
                    analyze(&sample, &reference).oxidation.oxidation_type
                })
                .collect();
            for kind in &kinds {
                *types.entry(kind.as_str()).or_default() += 1;
            }
            if kinds.windows(2).any(|w| w[0] != w[1]) {
                changed += 1;
            } else {
                stayed += 1;
            }
        }
        for kind in ["slow", "fast", "mixed", "four_lows"] {
            assert!(types.get(kind).copied().unwrap_or(0) > 50, "{types:?}");
        }
        assert!(!types.contains_key("undetermined"), "{types:?}");
        assert!(
            changed > 60 && stayed > 10,
            "changed {changed}, stayed {stayed}"
        );
    }

    #[test]
    fn rounding_keeps_three_significant_digits() {
        assert_eq!(round_sig(160.04, 3), 160.0);
        assert_eq!(round_sig(0.046_21, 3), 0.0462);
        assert_eq!(round_sig(0.0, 3), 0.0);
        assert_eq!(round_sig(f64::NAN, 3), 0.0);
    }
}
