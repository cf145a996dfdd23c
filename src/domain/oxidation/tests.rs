use super::*;
use crate::domain::ratio::compute_all;
use proptest::prelude::*;

fn classify(entries: &[(Element, f64)]) -> OxidationResult {
    let levels: BTreeMap<Element, MineralLevel> = entries
        .iter()
        .map(|(element, value)| (*element, MineralLevel::measured(*value).unwrap()))
        .collect();
    classify_oxidation(&levels, &compute_all(&levels), &ReferenceSet::eck_wilson())
}

/// Na 50 keeps the four-lows check false, so only the ratios decide.
fn with_ratios(ca: f64, k: f64, na_mg: f64) -> OxidationResult {
    classify(&[
        (Element::Ca, ca),
        (Element::K, k),
        (Element::Na, 50.0),
        (Element::Mg, 50.0 / na_mg),
    ])
}

#[test]
fn ox_1_ca_k_side_table() {
    let cases = [
        (3.99, Side::Fast),
        (4.0, Side::Slow),
        (4.01, Side::Slow),
        (0.1, Side::Fast),
        (500.0, Side::Slow),
    ];
    for (ca_k, side) in cases {
        let result = with_ratios(ca_k * 10.0, 10.0, 2.0);
        assert_eq!(result.ca_k.side, Some(side), "Ca/K {ca_k}");
        assert_eq!(result.ca_k.rule, OX_1);
        assert_eq!(result.ca_k.threshold, 4.0);
    }
}

#[test]
fn ox_2_na_mg_side_table() {
    let cases = [
        (4.17, Side::Slow),
        (4.16, Side::Slow),
        (4.18, Side::Fast),
        (0.44, Side::Slow),
        (24.0, Side::Fast),
    ];
    for (na_mg, side) in cases {
        let result = classify(&[
            (Element::Ca, 50.0),
            (Element::K, 10.0),
            (Element::Na, na_mg * 10.0),
            (Element::Mg, 10.0),
        ]);
        assert_eq!(result.na_mg.side, Some(side), "Na/Mg {na_mg}");
        assert_eq!(result.na_mg.rule, OX_2);
    }
}

#[test]
fn ox_3_four_lows_table() {
    use Element::*;
    let cases: &[(&[(Element, f64)], OxidationType)] = &[
        (
            &[(Ca, 30.0), (Mg, 4.0), (Na, 12.0), (K, 6.0)],
            OxidationType::FourLows,
        ),
        // Ideal itself is not below ideal.
        (
            &[(Ca, 40.0), (Mg, 4.0), (Na, 12.0), (K, 6.0)],
            OxidationType::Slow,
        ),
        (
            &[(Ca, 39.9), (Mg, 5.9), (Na, 24.9), (K, 9.9)],
            OxidationType::FourLows,
        ),
        // Checked first: wins even when Ca/K is not computable (K 0).
        (
            &[(Ca, 30.0), (Mg, 4.0), (Na, 12.0), (K, 0.0)],
            OxidationType::FourLows,
        ),
    ];
    for (levels, expected) in cases {
        let result = classify(levels);
        assert_eq!(result.oxidation_type, *expected, "{levels:?}");
        if *expected == OxidationType::FourLows {
            assert_eq!(result.decided_by, OX_3);
            assert_eq!(result.degree, Some(Degree::Mild), "OX-10, Ca ≥ 25");
        }
    }
}

#[test]
fn ox_10_four_lows_degree_by_calcium_table() {
    use Degree::*;
    use Element::*;
    let cases = [
        (39.0, Some(Mild)),
        (25.0, Some(Mild)),
        (24.9999, Some(Moderate)),
        (12.0, Some(Moderate)),
        (11.9999, Some(Extreme)),
        (0.0, Some(Extreme)),
    ];
    for (calcium, expected) in cases {
        let result = classify(&[(Ca, calcium), (Mg, 4.0), (Na, 12.0), (K, 6.0)]);
        assert_eq!(result.oxidation_type, OxidationType::FourLows);
        assert_eq!(result.degree, expected, "Ca {calcium}");
    }
    // A below-limit Ca of <20 is below 25 but may or may not be below 12: no degree.
    let levels: BTreeMap<Element, MineralLevel> = [
        (Ca, MineralLevel::below_detection_limit(20.0).unwrap()),
        (Mg, MineralLevel::measured(4.0).unwrap()),
        (Na, MineralLevel::measured(12.0).unwrap()),
        (K, MineralLevel::measured(6.0).unwrap()),
    ]
    .into();
    let result = classify_oxidation(&levels, &compute_all(&levels), &ReferenceSet::eck_wilson());
    assert_eq!(result.oxidation_type, OxidationType::FourLows);
    assert_eq!(result.degree, None);
}

#[test]
fn ox_7_borderline_table() {
    // (Ca/K, Na/Mg, expected borderline ratio, distance %, degree only)
    type Expected = Option<(RatioId, f64, bool)>;
    let cases: &[(f64, f64, Expected)] = &[
        (3.9, 2.0, Some((RatioId::CaK, 2.5, false))),
        (3.8, 2.0, Some((RatioId::CaK, 5.0, false))),
        (4.2, 2.0, Some((RatioId::CaK, 5.0, false))),
        (3.7999, 2.0, None),
        (4.2001, 2.0, None),
        (10.0, 4.0, Some((RatioId::NaMg, 4.077, false))),
        (10.0, 3.9, None),
        // Both near: the closer one.
        (4.1, 4.17, Some((RatioId::NaMg, 0.0, false))),
        // Only the degree's bound is near (slow, Ca/K 30 ± 5 %).
        (29.0, 2.0, Some((RatioId::CaK, 3.333, true))),
        (50.0, 2.0, None),
    ];
    for (ca_k, na_mg, expected) in cases {
        let result = with_ratios(ca_k * 10.0, 10.0, *na_mg);
        let found = result.borderline.map(|b| {
            (
                b.ratio,
                (b.distance_pct * 1000.0).round() / 1000.0,
                b.degree_only,
            )
        });
        assert_eq!(found, *expected, "Ca/K {ca_k} Na/Mg {na_mg}");
    }
    let result = with_ratios(39.0, 10.0, 2.0);
    assert_eq!(
        result.borderline.unwrap().describe(),
        "borderline: Ca/K 3.9 is 2.5 % from 4"
    );
    assert!(result.type_is_borderline());
    // The margin is a field of the reference set.
    let mut narrow = ReferenceSet::eck_wilson();
    narrow.reading.borderline_margin = 0.02;
    let levels: BTreeMap<Element, MineralLevel> = [
        (Element::Ca, MineralLevel::measured(39.0).unwrap()),
        (Element::K, MineralLevel::measured(10.0).unwrap()),
        (Element::Na, MineralLevel::measured(50.0).unwrap()),
        (Element::Mg, MineralLevel::measured(25.0).unwrap()),
    ]
    .into();
    assert_eq!(
        classify_oxidation(&levels, &compute_all(&levels), &narrow).borderline,
        None
    );
}

#[test]
fn ox_8_mixed_lean_table() {
    use Element::*;
    // (Ca, K, Na, Mg, lean)
    let cases = [
        // Worked example 5: |ln(5/4)| = 0.223 > |ln(5/4.17)| = 0.181.
        (60.0, 12.0, 40.0, 8.0, Some(Side::Slow)),
        (80.0, 10.0, 50.0, 10.0, Some(Side::Slow)),
        (45.0, 10.0, 80.0, 10.0, Some(Side::Fast)),
        // Ca/K 2 (fast side) against Na/Mg 2 (slow side): 4.17/2 > 4/2.
        (20.0, 10.0, 20.0, 10.0, Some(Side::Slow)),
        // Ca/K 2 is exactly as far below 4 as Na/Mg 2.085 is below 4.17: no lean.
        (20.0, 10.0, 20.85, 10.0, None),
        // The mirror image: 8 and 8.34, twice their thresholds.
        (80.0, 10.0, 83.4, 10.0, None),
    ];
    for (ca, k, na, mg, lean) in cases {
        let result = classify(&[(Ca, ca), (K, k), (Na, na), (Mg, mg)]);
        assert_eq!(
            result.oxidation_type,
            OxidationType::Mixed,
            "{ca} {k} {na} {mg}"
        );
        assert_eq!(result.lean, lean, "Ca {ca} K {k} Na {na} Mg {mg}");
        assert_eq!(result.vitality, None);
    }
    let result = with_ratios(50.0, 10.0, 5.0);
    assert_eq!(result.reading().as_deref(), Some("mixed, leaning slow"));
    assert_eq!(with_ratios(80.0, 10.0, 2.0).lean, None, "slow has no lean");
}

#[test]
fn ox_9_vitality_table() {
    use Element::*;
    // Slow: Ca/K 10, Na/Mg ≤ 4.17; Na/K around 2.5.
    let cases = [
        (25.0, 10.0, Some(Vitality::Healthy)),
        (24.9999, 10.0, Some(Vitality::Tired)),
        (25.0001, 10.0, Some(Vitality::Healthy)),
        (5.6, 2.24, Some(Vitality::Healthy)),
    ];
    for (na, k, vitality) in cases {
        let result = classify(&[(Ca, k * 10.0), (K, k), (Na, na), (Mg, 25.0)]);
        assert_eq!(result.oxidation_type, OxidationType::Slow, "Na {na} K {k}");
        assert_eq!(result.vitality, vitality, "Na {na} K {k}");
    }
    let tired = classify(&[(Ca, 100.0), (K, 10.0), (Na, 20.0), (Mg, 25.0)]);
    assert_eq!(tired.reading().as_deref(), Some("tired slow oxidizer"));
    let fast = classify(&[(Ca, 22.0), (K, 25.0), (Na, 60.0), (Mg, 2.5)]);
    assert_eq!(fast.vitality, Some(Vitality::Tired));
}

#[test]
fn exact_boundaries_of_the_issue() {
    use Degree::*;
    use Element::*;
    // Ca 66 / K 2.2 is Ca/K 30 exactly: slow moderate, and the evidence says so.
    let result = classify(&[(Ca, 66.0), (K, 2.2), (Na, 30.0), (Mg, 30.0)]);
    assert_eq!(
        (result.oxidation_type, result.degree),
        (OxidationType::Slow, Some(Moderate))
    );
    assert!(
        result.evidence.contains("30 ≤ Ca/K 30.0 ≤ 100"),
        "{}",
        result.evidence
    );
    // Ca 5.6 / K 14 is Ca/K 0.4 exactly: fast moderate, not extreme.
    let result = classify(&[(Ca, 5.6), (K, 14.0), (Na, 100.0), (Mg, 1.0)]);
    assert_eq!(
        (result.oxidation_type, result.degree),
        (OxidationType::Fast, Some(Moderate))
    );
    // Just under: shown with the digits that make it so.
    let result = classify(&[(Ca, 65.9999), (K, 2.2), (Na, 30.0), (Mg, 30.0)]);
    assert_eq!(result.degree, Some(Mild));
    assert!(
        result.evidence.contains("Ca/K 29.99995 < 30"),
        "{}",
        result.evidence
    );
}

#[test]
fn below_limit_numerator_decides_only_when_the_whole_range_does() {
    use Element::*;
    let with_ca = |ca: MineralLevel| {
        let levels: BTreeMap<Element, MineralLevel> = [
            (Ca, ca),
            (K, MineralLevel::measured(10.0).unwrap()),
            (Na, MineralLevel::measured(100.0).unwrap()),
            (Mg, MineralLevel::measured(2.0).unwrap()),
        ]
        .into();
        classify_oxidation(&levels, &compute_all(&levels), &ReferenceSet::eck_wilson())
    };
    // Ca <3 → Ca/K below 0.3: fast side, and extreme (all of [0, 0.3] is < 0.4).
    let result = with_ca(MineralLevel::below_detection_limit(3.0).unwrap());
    assert_eq!(
        (result.oxidation_type, result.degree),
        (OxidationType::Fast, Some(Degree::Extreme))
    );
    assert!(
        result.evidence.contains("Ca/K <0.3 < 4"),
        "{}",
        result.evidence
    );
    // Ca <50 → Ca/K below 5: the side is open.
    let result = with_ca(MineralLevel::below_detection_limit(50.0).unwrap());
    assert_eq!(result.oxidation_type, OxidationType::Undetermined);
    assert!(
        result
            .undetermined_reason
            .as_deref()
            .unwrap_or("")
            .contains("Ca/K is below 5.0"),
        "{:?}",
        result.undetermined_reason
    );
    // A bare << numerator: not computable.
    let result = with_ca(MineralLevel::below_detection_limit(0.0).unwrap());
    assert_eq!(result.oxidation_type, OxidationType::Undetermined);
    assert_eq!(
        result.undetermined_reason.as_deref(),
        Some("Ca/K not computable: Ca is below the lab's limit with no number given")
    );
}

#[test]
fn ox_4_type_from_sides_table() {
    let cases = [
        (2.0, 5.0, OxidationType::Fast),
        (8.0, 2.0, OxidationType::Slow),
        (8.0, 5.0, OxidationType::Mixed),
        (2.0, 2.0, OxidationType::Mixed),
    ];
    for (ca_k, na_mg, expected) in cases {
        let result = with_ratios(ca_k * 10.0, 10.0, na_mg);
        assert_eq!(result.oxidation_type, expected, "Ca/K {ca_k} Na/Mg {na_mg}");
        assert_eq!(result.decided_by, OX_4);
    }
}

#[test]
fn ox_5_undetermined_table() {
    use Element::*;
    let cases: &[(&[(Element, f64)], &str)] = &[
        (
            &[(Ca, 50.0), (Mg, 7.0), (Na, 30.0), (K, 0.0)],
            "Ca/K not computable: K is 0",
        ),
        (
            &[(Ca, 50.0), (Mg, 7.0), (Na, 30.0)],
            "Ca/K not computable: K not measured",
        ),
        (
            &[(Ca, 50.0), (K, 7.0), (Na, 30.0)],
            "Na/Mg not computable: Mg not measured",
        ),
        (
            &[(Ca, 50.0), (K, 7.0), (Mg, 0.0)],
            "Na/Mg not computable: Na not measured",
        ),
        (
            &[],
            "Ca/K not computable: Ca not measured; Na/Mg not computable: Na not measured",
        ),
    ];
    for (levels, reason) in cases {
        let result = classify(levels);
        assert_eq!(
            result.oxidation_type,
            OxidationType::Undetermined,
            "{levels:?}"
        );
        assert_eq!(result.degree, None);
        assert_eq!(result.decided_by, OX_5);
        let actual = result.undetermined_reason.unwrap();
        assert!(
            actual.starts_with(reason),
            "{actual:?} should start with {reason:?}"
        );
    }
}

#[test]
fn ox_5_below_limit_denominator_is_undetermined() {
    let levels: BTreeMap<Element, MineralLevel> = [
        (Element::Ca, MineralLevel::measured(50.0).unwrap()),
        (
            Element::K,
            MineralLevel::below_detection_limit(0.5).unwrap(),
        ),
        (Element::Na, MineralLevel::measured(30.0).unwrap()),
        (Element::Mg, MineralLevel::measured(7.0).unwrap()),
    ]
    .into();
    let result = classify_oxidation(&levels, &compute_all(&levels), &ReferenceSet::eck_wilson());
    assert_eq!(result.oxidation_type, OxidationType::Undetermined);
    assert_eq!(
        result.undetermined_reason.as_deref(),
        Some("Ca/K not computable: K is below the detection limit")
    );
}

#[test]
fn ox_6_degree_table() {
    use Degree::*;
    // (Ca/K, Na/Mg chosen to give the type, expected type, expected degree)
    let cases = [
        (0.39, 5.0, OxidationType::Fast, Some(Extreme)),
        (0.4, 5.0, OxidationType::Fast, Some(Moderate)),
        (1.5, 5.0, OxidationType::Fast, Some(Moderate)),
        (1.51, 5.0, OxidationType::Fast, Some(Mild)),
        (3.99, 5.0, OxidationType::Fast, Some(Mild)),
        (4.0, 2.0, OxidationType::Slow, Some(Mild)),
        (29.9, 2.0, OxidationType::Slow, Some(Mild)),
        (30.0, 2.0, OxidationType::Slow, Some(Moderate)),
        (100.0, 2.0, OxidationType::Slow, Some(Moderate)),
        (100.1, 2.0, OxidationType::Slow, Some(Extreme)),
        (50.0, 5.0, OxidationType::Mixed, None),
    ];
    for (ca_k, na_mg, expected_type, expected_degree) in cases {
        let result = with_ratios(ca_k * 10.0, 10.0, na_mg);
        assert_eq!(result.oxidation_type, expected_type, "Ca/K {ca_k}");
        assert_eq!(result.degree, expected_degree, "Ca/K {ca_k}");
    }
}

#[test]
fn evidence_names_values_thresholds_and_sides() {
    let result = classify(&[
        (Element::Ca, 160.0),
        (Element::Mg, 18.0),
        (Element::Na, 8.0),
        (Element::K, 2.0),
    ]);
    assert_eq!(
        result.evidence,
        "Ca/K 80.0 ≥ 4: slow side (OX-1); Na/Mg 0.444 ≤ 4.17: slow side (OX-2); \
         30 ≤ Ca/K 80.0 ≤ 100: moderate (OX-6)"
    );
    assert_eq!(result.ca_k.value, RatioValue::Computable(80.0));
    assert_eq!(result.na_mg.side, Some(Side::Slow));
}

fn optional_level() -> impl Strategy<Value = Option<MineralLevel>> {
    proptest::option::of((0.0f64..1000.0, any::<bool>(), 0u8..4).prop_map(
        |(value, below, special)| {
            let value = match special {
                0 => 0.0,
                _ => value,
            };
            MineralLevel::new(value, below).unwrap_or_else(|_| unreachable!())
        },
    ))
}

proptest! {
    #[test]
    fn classification_is_total(
        ca in optional_level(),
        mg in optional_level(),
        na in optional_level(),
        k in optional_level(),
    ) {
        let mut levels = BTreeMap::new();
        for (element, level) in [(Element::Ca, ca), (Element::Mg, mg), (Element::Na, na), (Element::K, k)] {
            if let Some(level) = level {
                levels.insert(element, level);
            }
        }
        let result = classify_oxidation(&levels, &compute_all(&levels), &ReferenceSet::eck_wilson());
        // A level below the detection limit is only an upper bound: the band of a grade read
        // from it can stay open (Ca "< 402.9" with K 591.6 puts Ca/K below 0.68, which is
        // fast, but extreme or moderate is not known), and then no degree is claimed.
        let below = |level: Option<MineralLevel>| level.is_some_and(|l| l.below_limit());
        match result.oxidation_type {
            // OX-6 grades fast and slow by Ca/K.
            OxidationType::Fast | OxidationType::Slow => {
                prop_assert!(result.degree.is_some() || below(ca) || below(k))
            }
            // OX-10 grades four lows by calcium.
            OxidationType::FourLows => prop_assert!(result.degree.is_some() || below(ca)),
            OxidationType::Undetermined => {
                prop_assert!(result.degree.is_none());
                prop_assert!(result.undetermined_reason.is_some());
            }
            OxidationType::Mixed => prop_assert!(result.degree.is_none()),
        }
        for side in [&result.ca_k, &result.na_mg] {
            if let Some(value) = side.value.value() {
                prop_assert!(value.is_finite());
            }
        }
    }
}
