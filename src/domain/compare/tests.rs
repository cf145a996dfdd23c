use super::*;
use crate::domain::sex::Sex;

fn sample(entries: &[(Element, f64)]) -> HairSample {
    HairSample {
        sex: Sex::Unrecorded,
        washed: false,
        levels: entries
            .iter()
            .map(|(element, value)| (*element, MineralLevel::measured(*value).unwrap()))
            .collect(),
        ..HairSample::default()
    }
}

/// Levels of one test, as (element, mg%).
type Levels<'a> = &'a [(Element, f64)];

fn keys(comparison: &Comparison) -> Vec<String> {
    let mut keys: Vec<String> = comparison.flags.iter().map(Flag::key).collect();
    keys.sort();
    keys
}

use Element::*;

const EXAMPLE_1: [(Element, f64); 4] = [(Ca, 160.0), (Mg, 18.0), (Na, 8.0), (K, 2.0)];
const EXAMPLE_8_SECOND: [(Element, f64); 4] = [(Ca, 70.0), (Mg, 9.0), (Na, 20.0), (K, 9.0)];

#[test]
fn worked_example_8_two_tests_four_months_apart() {
    let reference = ReferenceSet::eck_wilson();
    let first = sample(&EXAMPLE_1);
    let second = sample(&EXAMPLE_8_SECOND);
    let later = analyze(&second, &reference);
    assert!((later.ratios[&RatioId::CaK].value().unwrap() - 7.8).abs() < 0.05);
    assert!((later.ratios[&RatioId::NaMg].value().unwrap() - 2.2).abs() < 0.05);
    assert_eq!(later.oxidation.oxidation_type, OxidationType::Slow);
    assert_eq!(later.oxidation.degree, Some(Degree::Mild));

    let comparison = compare(&first, &second, &reference);
    assert_eq!(
        keys(&comparison),
        [
            "oxidation_degree_changed:slow:moderate>mild",
            "pattern_appeared:P-NAK-INV",
            "pattern_resolved:P-K-LOW",
            "pattern_resolved:P-K-VLOW",
        ]
    );
    assert!(!comparison
        .flags
        .iter()
        .any(|flag| flag.kind == FlagKind::OxidationTypeChanged));
    let degree = &comparison.flags[0];
    assert_eq!(degree.rule, CMP_2);
    assert_eq!(
        degree.summary,
        "slow moderate → slow mild, Ca/K 80.0 → 7.778, Na/Mg 0.444 → 2.222"
    );
    let appeared = comparison
        .flags
        .iter()
        .find(|flag| flag.kind == FlagKind::PatternAppeared)
        .unwrap();
    assert_eq!(appeared.rule, CMP_3);
    assert_eq!(appeared.summary, "P-NAK-INV appeared: 1 ≤ Na/K 2.222 < 2.5");
    assert!(comparison.washing_note.is_none());
}

#[test]
fn cmp_1_mineral_direction_table() {
    // (element, before, after, expected direction); ideals Ca 40, K 10; Pb measured from 0.
    let cases: &[(Element, f64, f64, Option<Direction>)] = &[
        (Ca, 160.0, 70.0, Some(Direction::Toward)),
        (Ca, 70.0, 160.0, Some(Direction::Away)),
        (Ca, 100.0, 98.0, Some(Direction::Unchanged)), // distance 60 → 58: 3.3%
        (Ca, 100.0, 97.0, Some(Direction::Toward)),    // distance 60 → 57: 5%
        (Ca, 30.0, 50.0, Some(Direction::Unchanged)),  // 10 below → 10 above
        (Ca, 40.0, 40.0, Some(Direction::Unchanged)),
        (Ca, 40.0, 41.0, Some(Direction::Away)),
        (K, 2.0, 9.0, Some(Direction::Toward)),
        (Pb, 0.1, 0.05, Some(Direction::Toward)),
        (Ge, 1.0, 2.0, None),
    ];
    let reference = ReferenceSet::eck_wilson();
    for (element, before, after, expected) in cases {
        let comparison = compare(
            &sample(&[(*element, *before)]),
            &sample(&[(*element, *after)]),
            &reference,
        );
        let change = &comparison.mineral_changes[0];
        assert_eq!(change.direction, *expected, "{element} {before} → {after}");
        assert_eq!(change.absolute_change, after - before);
    }
    let comparison = compare(&sample(&[(Ca, 160.0)]), &sample(&[(Ca, 70.0)]), &reference);
    assert_eq!(comparison.mineral_changes[0].percent_change, Some(-56.25));
    let from_zero = compare(&sample(&[(K, 0.0)]), &sample(&[(K, 5.0)]), &reference);
    assert_eq!(from_zero.mineral_changes[0].percent_change, None);
    let only_one = compare(&sample(&[(Ca, 1.0)]), &sample(&[(K, 5.0)]), &reference);
    assert!(only_one.mineral_changes.is_empty());
}

#[test]
fn cmp_1_ratio_direction_on_log_scale_table() {
    // Ca/K ideal 4: 8 (2× high) and 2 (2× low) are equally far on a log scale.
    let cases: &[(f64, f64, Direction)] = &[
        (8.0, 2.0, Direction::Unchanged),
        (80.0, 7.8, Direction::Toward),
        (2.0, 1.0, Direction::Away),
        (8.0, 8.1, Direction::Unchanged),
        (1.0, 16.0, Direction::Unchanged),
        (4.0, 4.0, Direction::Unchanged),
        (5.0, 4.0, Direction::Toward),
        (0.0, 1.0, Direction::Toward),
        (1.0, 0.0, Direction::Away),
    ];
    let reference = ReferenceSet::eck_wilson();
    for (before, after, expected) in cases {
        let comparison = compare(
            &sample(&[(Ca, before * 10.0), (K, 10.0)]),
            &sample(&[(Ca, after * 10.0), (K, 10.0)]),
            &reference,
        );
        let change = comparison
            .ratio_changes
            .iter()
            .find(|change| change.ratio == RatioId::CaK)
            .unwrap();
        assert_eq!(change.direction, Some(*expected), "Ca/K {before} → {after}");
    }
    let not_in_both = compare(
        &sample(&[(Ca, 10.0), (K, 0.0)]),
        &sample(&[(Ca, 10.0), (K, 1.0)]),
        &reference,
    );
    assert!(not_in_both.ratio_changes.is_empty());
}

#[test]
fn cmp_2_oxidation_flags_table() {
    let slow_moderate = EXAMPLE_1.to_vec();
    let slow_mild = EXAMPLE_8_SECOND.to_vec();
    let mixed = vec![(Ca, 60.0), (Mg, 8.0), (Na, 40.0), (K, 12.0)];
    let fast_moderate = vec![(Ca, 22.0), (Mg, 2.5), (Na, 60.0), (K, 25.0)];
    let undetermined = vec![(Ca, 50.0), (Mg, 7.0), (Na, 30.0), (K, 0.0)];
    let cases: &[(Levels, Levels, Option<&str>)] = &[
        (
            &slow_moderate,
            &slow_mild,
            Some("oxidation_degree_changed:slow:moderate>mild"),
        ),
        (
            &slow_mild,
            &mixed,
            Some("oxidation_type_changed:slow>mixed"),
        ),
        (
            &mixed,
            &fast_moderate,
            Some("oxidation_type_changed:mixed>fast"),
        ),
        (
            &slow_mild,
            &undetermined,
            Some("oxidation_type_changed:slow>undetermined"),
        ),
        (&slow_mild, &slow_mild, None),
        (&mixed, &mixed, None),
    ];
    let reference = ReferenceSet::eck_wilson();
    for (before, after, expected) in cases {
        let comparison = compare(&sample(before), &sample(after), &reference);
        let oxidation_flag = comparison
            .flags
            .iter()
            .find(|flag| flag.rule == CMP_2)
            .map(Flag::key);
        assert_eq!(
            oxidation_flag.as_deref(),
            *expected,
            "{before:?} → {after:?}"
        );
    }
    let comparison = compare(&sample(&slow_mild), &sample(&mixed), &reference);
    assert_eq!(
        comparison.flags[0].summary,
        "slow → mixed, Ca/K 7.778 → 5.0, Na/Mg 2.222 → 5.0"
    );
    let FlagDetail::Oxidation { before, after } = &comparison.flags[0].detail else {
        panic!("oxidation detail expected");
    };
    assert_eq!(before.degree, Some(Degree::Mild));
    assert_eq!(after.oxidation_type, OxidationType::Mixed);
    assert_eq!(after.ca_k, Some(5.0));
}

#[test]
fn cmp_3_pattern_flags_table() {
    // (before, after, expected keys)
    let cases: &[(Levels, Levels, &[&str])] = &[
        (
            &[(Na, 5.0), (K, 10.0)],
            &[(Na, 20.0), (K, 10.0)],
            &[
                "pattern_appeared:P-NAK-INV",
                "pattern_resolved:P-NAK-INV-SEVERE",
            ],
        ),
        (
            &[(Na, 20.0), (K, 10.0)],
            &[(Na, 5.0), (K, 10.0)],
            &[
                "pattern_appeared:P-NAK-INV-SEVERE",
                "pattern_resolved:P-NAK-INV",
            ],
        ),
        (
            &[(Ca, 170.0)],
            &[(Ca, 215.0)],
            &["pattern_appeared:P-CA-SHELL:2x"],
        ),
        (
            &[(Ca, 310.0)],
            &[(Ca, 170.0)],
            &["pattern_resolved:P-CA-SHELL:4x"],
        ),
        (
            &[(Ca, 100.0)],
            &[(Ca, 170.0)],
            &["pattern_appeared:P-CA-SHELL:1x"],
        ),
        (
            &[(Ca, 170.0)],
            &[(Ca, 100.0)],
            &["pattern_resolved:P-CA-SHELL:1x"],
        ),
        (&[(Ca, 170.0)], &[(Ca, 180.0)], &[]),
        (&[(K, 5.0)], &[(K, 3.0)], &["pattern_appeared:P-K-LOW"]),
        (
            &[(Ca, 41.0), (Mg, 7.0), (Na, 30.0), (K, 11.0)],
            &[(Ca, 41.0), (Mg, 7.0), (Na, 30.0), (K, 9.0)],
            &["pattern_resolved:P-FOUR-HIGHS"],
        ),
        (
            &[(Pb, 0.01)],
            &[(Pb, 0.2), (Hg, 0.5)],
            &["pattern_appeared:P-TOXIC-Pb"],
        ),
        // Not measured before: nothing to compare with.
        (&[], &[(K, 1.0)], &[]),
        (&[(K, 1.0)], &[], &[]),
        // P-P-LOW is not a flagged family.
        (&[(P, 15.0)], &[(P, 9.0)], &[]),
    ];
    let reference = ReferenceSet::eck_wilson();
    for (before, after, expected) in cases {
        let comparison = compare(&sample(before), &sample(after), &reference);
        let pattern_keys: Vec<String> = keys(&comparison)
            .into_iter()
            .filter(|key| key.starts_with("pattern_"))
            .collect();
        assert_eq!(pattern_keys, *expected, "{before:?} → {after:?}");
    }
    let shell = compare(&sample(&[(Ca, 170.0)]), &sample(&[(Ca, 215.0)]), &reference);
    assert_eq!(
        shell.flags[0].summary,
        "P-CA-SHELL 2× appeared (was 1×): Ca 215.0 ≥ 165, female or unrecorded sex: 2× band \
         (210 ≤ Ca < 260)"
    );
    let resolved = compare(&sample(&[(K, 2.0)]), &sample(&[(K, 5.0)]), &reference);
    assert_eq!(
        resolved.flags[0].summary,
        "P-K-LOW resolved (was: K 2.0 < 4)"
    );
}

#[test]
fn flags_between_washed_and_unwashed_tests_say_so() {
    let reference = ReferenceSet::eck_wilson();
    let first = sample(&EXAMPLE_1);
    let mut second = sample(&EXAMPLE_8_SECOND);
    second.washed = true;
    let comparison = compare(&first, &second, &reference);
    assert!(comparison.washing_note.is_some());
    assert!(comparison
        .flags
        .iter()
        .all(|flag| flag.washing_note.is_some()
            && flag.summary.ends_with("(washed vs unwashed test)")));
    // The key does not depend on washing, so an acknowledged flag stays matched.
    assert_eq!(
        keys(&comparison),
        keys(&compare(&first, &sample(&EXAMPLE_8_SECOND), &reference))
    );
}

#[test]
fn consecutive_comparisons_follow_sample_date_then_entry_time() {
    let date = |day: u32| NaiveDate::from_ymd_opt(2025, 1, day).unwrap();
    let entered = |day: u32, hour: u32| date(day).and_hms_opt(hour, 0, 0).unwrap();
    let tests = vec![
        DatedTest {
            id: "c",
            sample_date: date(20),
            entered_at: entered(21, 9),
            sample: sample(&EXAMPLE_8_SECOND),
        },
        DatedTest {
            id: "b",
            sample_date: date(1),
            entered_at: entered(3, 9),
            sample: sample(&EXAMPLE_1),
        },
        DatedTest {
            id: "a",
            sample_date: date(1),
            entered_at: entered(2, 9),
            sample: sample(&EXAMPLE_1),
        },
    ];
    let pairs = compare_consecutive(&tests, &ReferenceSet::eck_wilson());
    let order: Vec<(&str, &str)> = pairs
        .iter()
        .map(|pair| (pair.earlier, pair.later))
        .collect();
    assert_eq!(order, [("a", "b"), ("b", "c")]);
    assert!(pairs[0].comparison.flags.is_empty());
    assert_eq!(pairs[1].comparison.flags.len(), 4);
    assert!(compare_consecutive::<u32>(&[], &ReferenceSet::eck_wilson()).is_empty());
}
