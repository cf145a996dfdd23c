use proptest::prelude::*;

use super::*;
use crate::domain::diary::Severity;

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn mg() -> Item {
    Item::Supplement("magnesium".into())
}

/// A day with an answer for magnesium (None: unanswered) and the diet.
fn day(d: NaiveDate, magnesium: Option<Answer>, diet: Option<Answer>) -> AnswerDay {
    AnswerDay {
        date: d,
        supplements: magnesium
            .map(|a| ("magnesium".to_string(), a))
            .into_iter()
            .collect(),
        diet,
    }
}

fn log(d: NaiveDate, cramps: i64) -> DayLog {
    DayLog {
        date: d,
        severities: if cramps > 0 {
            vec![("leg_cramps".into(), Severity::new(cramps).unwrap())]
        } else {
            Vec::new()
        },
    }
}

#[test]
fn answers_parse_both_vocabularies_and_blank_is_unanswered() {
    type Parsed = Result<Option<Answer>, ()>;
    let table: &[(&str, Parsed, Parsed)] = &[
        ("", Ok(None), Ok(None)),
        ("  ", Ok(None), Ok(None)),
        ("taken", Ok(Some(Answer::Full)), Err(())),
        ("partly", Ok(Some(Answer::Partly)), Ok(Some(Answer::Partly))),
        ("not_taken", Ok(Some(Answer::Not)), Err(())),
        ("yes", Err(()), Ok(Some(Answer::Full))),
        ("no", Err(()), Ok(Some(Answer::Not))),
        ("Taken", Err(()), Err(())),
        ("maybe", Err(()), Err(())),
    ];
    for (text, supplement, diet) in table {
        assert_eq!(
            Answer::parse_supplement(text).map_err(|_| ()),
            *supplement,
            "{text:?}"
        );
        assert_eq!(Answer::parse_diet(text).map_err(|_| ()), *diet, "{text:?}");
    }
    for a in Answer::ALL {
        assert_eq!(Answer::parse_supplement(a.supplement_code()), Ok(Some(a)));
        assert_eq!(Answer::parse_diet(a.diet_code()), Ok(Some(a)));
    }
}

#[test]
fn supplement_keys_ignore_case_and_spacing() {
    assert_eq!(
        supplement_key("  Magnesium   Glycinate "),
        "magnesium glycinate"
    );
    assert_eq!(supplement_key("Vitamin B6"), supplement_key("vitamin b6"));
    assert_ne!(supplement_key("Zinc"), supplement_key("Zinc 15"));
}

#[test]
fn adh2_below_half_is_decided_on_integers() {
    // (taken, partly, not) → below half? A partly day counts as half a day taken.
    let table: &[((u32, u32, u32), bool)] = &[
        ((0, 0, 0), false), // nothing answered: not below (and ADH-2 needs 7 anyway)
        ((1, 0, 1), false), // exactly half
        ((3, 0, 4), true),  // 3/7 < 1/2
        ((4, 0, 3), false), // 4/7
        ((3, 1, 3), false), // 3.5/7 = exactly half
        ((3, 0, 5), true),  // 3/8
        ((2, 3, 3), true),  // 3.5/8 < 1/2
        ((2, 4, 2), false), // 4/8
        ((0, 7, 0), false), // all partly: half
        ((0, 6, 1), true),  // 3/7
        ((5, 0, 9), true),  // 5/14
        ((7, 0, 7), false), // 7/14
    ];
    for ((full, partly, not), expected) in table {
        let s = Shares {
            full: *full,
            partly: *partly,
            not: *not,
        };
        assert_eq!(s.below_half(), *expected, "{s:?}");
    }
}

#[test]
fn percentages_round_half_up_and_need_answers() {
    let s = Shares {
        full: 1,
        partly: 1,
        not: 1,
    };
    assert_eq!(s.percent(Answer::Full), Some(33));
    let s = Shares {
        full: 1,
        partly: 0,
        not: 7,
    };
    assert_eq!(s.percent(Answer::Full), Some(13), "12.5 rounds up");
    assert_eq!(s.percent(Answer::Not), Some(88), "87.5 rounds up");
    assert_eq!(Shares::default().percent(Answer::Full), None);
}

#[test]
fn adh1_weekly_shares_count_answered_days_only() {
    // Mon 16 Nov .. Sun 29 Nov: two weeks.
    let days = vec![
        day(date(11, 16), Some(Answer::Full), Some(Answer::Full)),
        day(date(11, 17), Some(Answer::Full), None),
        day(date(11, 18), None, Some(Answer::Not)), // logged, magnesium unanswered
        day(date(11, 19), Some(Answer::Not), None),
        day(date(11, 24), Some(Answer::Partly), None),
        day(date(11, 30), Some(Answer::Not), None), // outside the period
    ];
    let weekly = weekly_shares(&days, date(11, 16), date(11, 29));
    assert_eq!(weekly.len(), 2);
    assert_eq!(weekly[0].item, mg(), "supplements first");
    assert_eq!(weekly[1].item, Item::Diet);
    let mg_weeks = &weekly[0].weeks;
    assert_eq!(mg_weeks.len(), 2);
    assert_eq!(mg_weeks[0].week_start, date(11, 16));
    assert_eq!(
        mg_weeks[0].shares,
        Shares {
            full: 2,
            partly: 0,
            not: 1
        }
    );
    assert_eq!(mg_weeks[0].shares.percent(Answer::Full), Some(67));
    assert_eq!(mg_weeks[1].shares.answered(), 1);
    let diet = &weekly[1].weeks;
    assert_eq!(diet[0].shares.full + diet[0].shares.not, 2);
    assert_eq!(diet[1].shares.answered(), 0, "a week without answers");
    assert!(weekly_shares(&days, date(11, 29), date(11, 16)).is_empty());
}

/// Magnesium answered on each of `days` days ending on 28 Nov, `taken` of them taken.
fn window(answered: u32, taken: u32) -> Vec<AnswerDay> {
    (0..answered)
        .map(|i| {
            let a = if i < taken { Answer::Full } else { Answer::Not };
            day(date(11, 28) - Duration::days(i64::from(i)), Some(a), None)
        })
        .collect()
}

#[test]
fn adh2_needs_seven_answered_days_and_less_than_half() {
    let table: &[(u32, u32, bool)] = &[
        (6, 0, false),  // only 6 answered
        (7, 3, true),   // 3 of 7
        (7, 4, false),  // 4 of 7
        (8, 4, false),  // exactly half
        (8, 3, true),   // 3 of 8
        (14, 6, true),  // 6 of 14
        (14, 7, false), // 7 of 14
    ];
    for (answered, taken, flagged) in table {
        let found = low_adherence(&window(*answered, *taken), date(11, 28));
        assert_eq!(found.len(), usize::from(*flagged), "{answered}/{taken}");
        if let Some(f) = found.first() {
            assert_eq!(f.supplement_key, "magnesium");
            assert_eq!(f.window_from, date(11, 15));
            assert_eq!(f.shares.answered(), *answered);
        }
    }
}

#[test]
fn adh2_window_is_fourteen_days_and_the_run_start_is_stable() {
    // Not taken from 1 Nov to 28 Nov (every day): flagged since the 7th answered day.
    let days: Vec<AnswerDay> = (1..=28)
        .map(|d| day(date(11, d), Some(Answer::Not), None))
        .collect();
    let today = low_adherence(&days, date(11, 28));
    assert_eq!(today[0].since, date(11, 7));
    assert_eq!(today[0].shares.answered(), 14, "only the last 14 days");
    // Seen a day earlier the run started the same day.
    assert_eq!(low_adherence(&days, date(11, 27))[0].since, date(11, 7));
    // Answers older than the window do not count: 20 days not taken, then nothing for 14.
    assert!(low_adherence(&days, date(12, 12)).is_empty());
    // The diet is never flagged by ADH-2.
    let diet: Vec<AnswerDay> = (1..=14)
        .map(|d| day(date(11, d), None, Some(Answer::Not)))
        .collect();
    assert!(low_adherence(&diet, date(11, 14)).is_empty());
}

#[test]
fn adh3_compares_taken_and_not_taken_days_with_counts() {
    // 1–6 Nov taken, cramps 2; 7–12 Nov not taken, cramps 6; 13 Nov partly, cramps 9.
    let mut answers = Vec::new();
    let mut logs = Vec::new();
    for d in 1..=13 {
        let (answer, cramps) = match d {
            1..=6 => (Answer::Full, 2),
            7..=12 => (Answer::Not, 6),
            _ => (Answer::Partly, 9),
        };
        answers.push(day(date(11, d), Some(answer), None));
        logs.push(log(date(11, d), cramps));
    }
    let found = associations(&answers, &logs, date(11, 1), date(11, 13));
    assert_eq!(found.len(), 1);
    let a = &found[0];
    assert_eq!(
        (a.item.clone(), a.symptom_key.as_str()),
        (mg(), "leg_cramps")
    );
    let same = a.same_day.unwrap();
    assert_eq!((same.taken.days, same.taken.display()), (6, "2.0".into()));
    assert_eq!(
        (same.not_taken.days, same.not_taken.display()),
        (6, "6.0".into())
    );
    // Following 7 days of 1 Nov: 2–8 Nov = 2,2,2,2,2,6,6 ...
    let following = a.following.unwrap();
    assert_eq!(following.taken.days, 6);
    // 12 Nov (not taken) is followed only by 13 Nov (partly, 9): still a following day.
    assert_eq!(following.not_taken.days, 6);
    // Taken days 1..6: sums of the 7 days after each, all exact.
    // day 1: 2*5+6*2=22; 2: 2*4+6*3=26; 3: 2*3+6*4=30; 4: 2*2+6*5=34; 5: 2+6*6=38; 6: 6*6+9=45
    assert_eq!(following.taken.total, 22 + 26 + 30 + 34 + 38 + 45);
    assert_eq!(following.taken.count, 42);
}

#[test]
fn adh3_hides_sides_under_three_days_and_rare_symptoms() {
    // Two not-taken days only: the comparison is not shown.
    let answers: Vec<AnswerDay> = (1..=8)
        .map(|d| {
            let a = if d <= 2 { Answer::Not } else { Answer::Full };
            day(date(11, d), Some(a), None)
        })
        .collect();
    let logs: Vec<DayLog> = (1..=8).map(|d| log(date(11, d), 5)).collect();
    assert!(associations(&answers, &logs, date(11, 1), date(11, 8)).is_empty());
    // A symptom present on 2 days only is not compared, whatever the answers.
    let answers: Vec<AnswerDay> = (1..=8)
        .map(|d| {
            let a = if d % 2 == 0 {
                Answer::Not
            } else {
                Answer::Full
            };
            day(date(11, d), Some(a), None)
        })
        .collect();
    let logs: Vec<DayLog> = (1..=8)
        .map(|d| log(date(11, d), if d <= 2 { 5 } else { 0 }))
        .collect();
    assert!(associations(&answers, &logs, date(11, 1), date(11, 8)).is_empty());
}

#[test]
fn means_round_half_up_in_tenths() {
    let m = Mean {
        days: 3,
        total: 13,
        count: 3,
    };
    assert_eq!(m.display(), "4.3");
    let m = Mean {
        days: 2,
        total: 9,
        count: 2,
    };
    assert_eq!(m.display(), "4.5");
    let m = Mean {
        days: 6,
        total: 1,
        count: 20,
    };
    assert_eq!(m.display(), "0.1", "0.05 rounds up");
    assert_eq!(Mean::default().display(), "–");
}

fn answer() -> impl Strategy<Value = Option<Answer>> {
    prop_oneof![
        Just(None),
        Just(Some(Answer::Full)),
        Just(Some(Answer::Partly)),
        Just(Some(Answer::Not)),
    ]
}

fn days_strategy() -> impl Strategy<Value = Vec<(Option<Answer>, Option<Answer>, i64)>> {
    prop::collection::vec((answer(), answer(), 0i64..=10), 0..60)
}

fn build(raw: &[(Option<Answer>, Option<Answer>, i64)]) -> (Vec<AnswerDay>, Vec<DayLog>) {
    let start = date(10, 1);
    raw.iter()
        .enumerate()
        .map(|(i, (m, diet, cramps))| {
            let d = start + Duration::days(i as i64);
            (day(d, *m, *diet), log(d, *cramps))
        })
        .unzip()
}

proptest! {
    #[test]
    fn weekly_shares_add_up_to_the_period(raw in days_strategy()) {
        let (answers, _) = build(&raw);
        let (from, to) = (date(10, 1), date(11, 29));
        let period = period_shares(&answers, from, to);
        for series in weekly_shares(&answers, from, to) {
            let mut sum = Shares::default();
            for w in &series.weeks {
                sum.full += w.shares.full;
                sum.partly += w.shares.partly;
                sum.not += w.shares.not;
            }
            let whole = period.iter().find(|(i, _)| *i == series.item).map(|(_, s)| *s);
            prop_assert_eq!(Some(sum), whole);
        }
    }

    #[test]
    fn below_half_is_monotone_and_percentages_add_up(full in 0u32..1000, partly in 0u32..1000, not in 0u32..1000) {
        let s = Shares { full, partly, not };
        let mut more_not = s;
        more_not.add(Answer::Not);
        let mut more_taken = s;
        more_taken.add(Answer::Full);
        // A day not taken never lifts adherence over half; a day taken never drops it under.
        prop_assert!(!s.below_half() || more_not.below_half());
        prop_assert!(s.below_half() || !more_taken.below_half());
        // One day taken and one not taken are exactly half: they never move the decision.
        let mut pair = s;
        pair.add(Answer::Full);
        pair.add(Answer::Not);
        prop_assert_eq!(pair.below_half(), s.below_half());
        let answered = full + partly + not;
        let percents: u32 = Answer::ALL.iter().filter_map(|a| s.percent(*a)).sum();
        prop_assert!(answered == 0 || (98..=102).contains(&percents));
    }

    #[test]
    fn flags_and_associations_respect_their_minimums(raw in days_strategy(), offset in 0i64..60) {
        let (answers, logs) = build(&raw);
        let today = date(10, 1) + Duration::days(offset);
        for f in low_adherence(&answers, today) {
            prop_assert!(f.shares.answered() >= FLAG_MIN_ANSWERED);
            prop_assert!(f.shares.below_half());
            prop_assert!(f.since <= today);
        }
        for a in associations(&answers, &logs, date(10, 1), date(11, 29)) {
            for sides in [a.same_day, a.following].into_iter().flatten() {
                prop_assert!(sides.taken.days >= ASSOCIATION_MIN_DAYS);
                prop_assert!(sides.not_taken.days >= ASSOCIATION_MIN_DAYS);
                prop_assert!(sides.taken.total <= 10 * sides.taken.count);
            }
        }
    }
}
