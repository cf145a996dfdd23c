//! HTMA.md "Further patterns of the Wilson school": P-BURNED-OUT, P-HIDDEN-CU, P-BOWL,
//! P-DOUBLE-HIGH, P-DOUBLE-LOW, P-MG-SHELL, P-POOR-ELIM. Thresholds come from the reference set
//! (`ReferenceSet::wilson`, `toxic_poor_eliminator_below`) and are compared exactly like every
//! other rule. The school's psychological readings of these patterns are deliberately not
//! implemented (HTMA.md): they are not findings a health record should assert.

use std::collections::BTreeMap;

use crate::domain::element::{Element, ElementKind};
use crate::domain::level::MineralLevel;
use crate::domain::oxidation::{OxidationResult, OxidationType};
use crate::domain::pattern::PatternFindings;
use crate::domain::ratio::RatioId;
use crate::domain::reference::ReferenceSet;
use crate::domain::truth::{join_unique, level_condition, ratio_condition, Compare, Truth};

pub const P_BURNED_OUT: &str = "P-BURNED-OUT";
pub const P_HIDDEN_CU: &str = "P-HIDDEN-CU";
pub const P_BOWL: &str = "P-BOWL";
pub const P_DOUBLE_HIGH: &str = "P-DOUBLE-HIGH";
pub const P_DOUBLE_LOW: &str = "P-DOUBLE-LOW";
pub const P_MG_SHELL: &str = "P-MG-SHELL";
pub const P_POOR_ELIM: &str = "P-POOR-ELIM";

/// Appends the further patterns, in HTMA.md's order, to `findings`.
pub(crate) fn detect_wilson_patterns(
    findings: &mut PatternFindings,
    levels: &BTreeMap<Element, MineralLevel>,
    oxidation: &OxidationResult,
    reference: &ReferenceSet,
) {
    let thresholds = &reference.wilson;
    let ratio = |ratio: RatioId, compare: Compare, threshold: f64| {
        ratio_condition(levels, ratio, compare, threshold)
    };
    let level = |element: Element, compare: Compare, threshold: f64| {
        level_condition(levels, element, compare, Some(threshold), "threshold")
    };

    // P-BURNED-OUT: type fast and Na/K < 2.5; 1× from 2.0, 2× from 1.0, 3× below 1.0.
    let fast = match oxidation.oxidation_type {
        OxidationType::Fast => Truth::True(vec!["oxidation type fast".into()]),
        OxidationType::Undetermined => Truth::unknown("oxidation type undetermined"),
        _ => Truth::False,
    };
    let burned_out = fast.and(ratio(
        RatioId::NaK,
        Compare::Below,
        thresholds.burned_out_na_k_below,
    ));
    let multiple = matches!(burned_out, Truth::True(_)).then(|| {
        let certainly_below = |threshold| {
            matches!(
                ratio(RatioId::NaK, Compare::Below, threshold),
                Truth::True(_)
            )
        };
        if certainly_below(thresholds.burned_out_3x_below) {
            3
        } else if certainly_below(thresholds.burned_out_2x_below) {
            2
        } else {
            1
        }
    });
    findings.record_with_multiple(P_BURNED_OUT, burned_out, multiple);

    // P-HIDDEN-CU: at least 3 of K < 10, Na/K < 2.5, Zn < 12, P < 14, Ca > 100.
    let indicators = [
        level(Element::K, Compare::Below, thresholds.hidden_cu_k_below),
        ratio(
            RatioId::NaK,
            Compare::Below,
            thresholds.hidden_cu_na_k_below,
        ),
        level(Element::Zn, Compare::Below, thresholds.hidden_cu_zn_below),
        level(Element::P, Compare::Below, thresholds.hidden_cu_p_below),
        level(Element::Ca, Compare::Above, thresholds.hidden_cu_ca_above),
    ];
    let (condition, count) = count_at_least(
        indicators,
        usize::from(thresholds.hidden_cu_min_indicators),
        "indicators",
    );
    findings.record_with_multiple(P_HIDDEN_CU, condition, count);

    // P-BOWL: Na/K < 2.5 and Ca/Mg > 9.5.
    findings.record(
        P_BOWL,
        ratio(RatioId::NaK, Compare::Below, thresholds.bowl_na_k_below).and(ratio(
            RatioId::CaMg,
            Compare::Above,
            thresholds.bowl_ca_mg_above,
        )),
    );
    // P-DOUBLE-HIGH: Na/K > 6.0 and Ca/Mg > 9.5.
    findings.record(
        P_DOUBLE_HIGH,
        ratio(
            RatioId::NaK,
            Compare::Above,
            thresholds.double_high_na_k_above,
        )
        .and(ratio(
            RatioId::CaMg,
            Compare::Above,
            thresholds.double_high_ca_mg_above,
        )),
    );
    // P-DOUBLE-LOW: Na/K < 2.5 and Ca/Mg < 5.0.
    findings.record(
        P_DOUBLE_LOW,
        ratio(
            RatioId::NaK,
            Compare::Below,
            thresholds.double_low_na_k_below,
        )
        .and(ratio(
            RatioId::CaMg,
            Compare::Below,
            thresholds.double_low_ca_mg_below,
        )),
    );
    // P-MG-SHELL: Mg > 20.
    findings.record(
        P_MG_SHELL,
        level(Element::Mg, Compare::Above, thresholds.mg_shell_above),
    );

    // P-POOR-ELIM: at least 2 toxic metals below their "poor eliminator" level; a below-limit
    // value counts as below (HTMA.md).
    let metals = Element::ALL
        .into_iter()
        .filter(|element| element.kind() == ElementKind::ToxicMetal)
        .map(|metal| poor_eliminator_condition(levels, metal, reference));
    let (condition, count) = count_at_least(
        metals,
        usize::from(thresholds.poor_eliminator_min_metals),
        "metals",
    );
    findings.record_with_multiple(P_POOR_ELIM, condition, count);
}

/// One metal of P-POOR-ELIM: measured below its level, or given as below a detection limit.
pub(crate) fn poor_eliminator_condition(
    levels: &BTreeMap<Element, MineralLevel>,
    metal: Element,
    reference: &ReferenceSet,
) -> Truth {
    match (levels.get(&metal), reference.poor_eliminator_level(metal)) {
        (Some(level), Some(_)) if level.below_limit() => Truth::True(vec![format!(
            "{metal} {} (below the detection limit)",
            level.display()
        )]),
        (_, threshold) => level_condition(
            levels,
            metal,
            Compare::Below,
            threshold,
            "poor eliminator level",
        ),
    }
}

/// "At least `minimum` of these hold": true with the count when enough hold, false when too
/// few could, else unknown (missing values could change whether it fires). With enough true and
/// some unknown, the count is a lower bound and the evidence says which could not be read.
fn count_at_least(
    conditions: impl IntoIterator<Item = Truth>,
    minimum: usize,
    what: &str,
) -> (Truth, Option<u8>) {
    let mut held = Vec::new();
    let mut unknown = Vec::new();
    for condition in conditions {
        match condition {
            Truth::True(evidence) => held.push(join_unique(&evidence)),
            Truth::False => {}
            Truth::Unknown(reasons) => unknown.push(join_unique(&reasons)),
        }
    }
    let count = held.len();
    if count >= minimum {
        let mut evidence = vec![format!("{count} {what} hold: {}", held.join(", "))];
        if !unknown.is_empty() {
            evidence.push(format!("not known: {}", unknown.join(", ")));
        }
        let multiple = u8::try_from(count).unwrap_or(u8::MAX);
        (Truth::True(evidence), Some(multiple))
    } else if count + unknown.len() >= minimum {
        let reason = format!(
            "{count} {what} hold{}, {minimum} needed; not known: {} (could make {})",
            if held.is_empty() {
                String::new()
            } else {
                format!(" ({})", held.join(", "))
            },
            unknown.join(", "),
            count + unknown.len()
        );
        (Truth::unknown(reason), None)
    } else {
        (Truth::False, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analysis::{analyze, Analysis, HairSample};
    use crate::domain::units::Unit;
    use Element::*;

    /// Levels as the lab printed them (mg%), through the same parser as the CSV and the form.
    fn run(entries: &[(Element, &str)]) -> Analysis {
        analyze(&sample(entries), &ReferenceSet::eck_wilson_v2())
    }

    fn sample(entries: &[(Element, &str)]) -> HairSample {
        let levels = entries
            .iter()
            .map(|(element, cell)| {
                let level = crate::domain::level::parse_level_cell(cell, Unit::MgPercent)
                    .unwrap()
                    .unwrap();
                (*element, level)
            })
            .collect();
        HairSample {
            levels,
            ..HairSample::default()
        }
    }

    fn multiple(analysis: &Analysis, id: &str) -> Option<u8> {
        analysis.pattern(id).map(|p| p.multiple.unwrap_or(0))
    }

    fn not_evaluated(analysis: &Analysis, id: &str) -> Option<String> {
        analysis
            .not_evaluated
            .iter()
            .find(|entry| entry.rule_id == id)
            .map(|entry| entry.reason.clone())
    }

    #[test]
    fn p_burned_out_bands_table() {
        // Fast (Ca/K 2, Na/Mg = 10 × Na/K); Na/K around each bound.
        let cases = [
            ("25", None),
            ("24.9999", Some(1)),
            ("20", Some(1)),
            ("19.9999", Some(2)),
            ("10", Some(2)),
            ("9.9999", Some(3)),
            ("5", Some(3)),
        ];
        for (sodium, expected) in cases {
            let analysis = run(&[(Ca, "20"), (K, "10"), (Mg, "1"), (Na, sodium)]);
            assert_eq!(analysis.oxidation.oxidation_type, OxidationType::Fast);
            assert_eq!(multiple(&analysis, P_BURNED_OUT), expected, "Na {sodium}");
        }
        // A slow oxidizer with a low Na/K is not burned out.
        let slow = run(&[(Ca, "160"), (K, "10"), (Mg, "18"), (Na, "8")]);
        assert_eq!(multiple(&slow, P_BURNED_OUT), None);
        assert_eq!(not_evaluated(&slow, P_BURNED_OUT), None);
        // Undetermined type with a low Na/K: cannot tell.
        assert!(not_evaluated(&run(&[(Na, "8"), (K, "10")]), P_BURNED_OUT).is_some());
    }

    #[test]
    fn p_hidden_cu_counts_indicators_table() {
        // (levels, multiple when it fires)
        let all_five: &[(Element, &str)] = &[
            (Ca, "101"),
            (K, "9.9999"),
            (Na, "20"),
            (Zn, "11.9999"),
            (P, "13.9999"),
            (Mg, "10"),
        ];
        assert_eq!(multiple(&run(all_five), P_HIDDEN_CU), Some(5));
        let at_bounds: &[(Element, &str)] = &[
            (Ca, "100"),
            (K, "10"),
            (Na, "25"),
            (Zn, "12"),
            (P, "14"),
            (Mg, "10"),
        ];
        let analysis = run(at_bounds);
        assert_eq!(multiple(&analysis, P_HIDDEN_CU), None);
        assert_eq!(not_evaluated(&analysis, P_HIDDEN_CU), None);
        let three: &[(Element, &str)] = &[
            (Ca, "160"),
            (K, "2"),
            (Na, "4"),
            (Zn, "16"),
            (P, "16"),
            (Mg, "18"),
        ];
        let analysis = run(three);
        assert_eq!(multiple(&analysis, P_HIDDEN_CU), Some(3));
        assert!(
            analysis
                .pattern(P_HIDDEN_CU)
                .unwrap()
                .evidence
                .starts_with("3 indicators hold: K 2.0 < 10, Na/K 2.0 < 2.5, Ca 160.0 > 100"),
            "{:?}",
            analysis.pattern(P_HIDDEN_CU)
        );
        // Worked example 1: 2 hold, Zn and P missing could make 4: not evaluated.
        let example_1 = run(&[(Ca, "160"), (Mg, "18"), (Na, "8"), (K, "2")]);
        let reason = not_evaluated(&example_1, P_HIDDEN_CU).expect("not evaluated");
        assert!(reason.contains("2 indicators hold") && reason.contains("could make 4"));
        // Enough hold already: missing values cannot change that it fires.
        let analysis = run(&[(Ca, "160"), (K, "2"), (Na, "4")]);
        assert_eq!(multiple(&analysis, P_HIDDEN_CU), Some(3));
        // Too few could hold: evaluated, does not fire.
        let analysis = run(&[(Ca, "60"), (K, "12"), (Na, "40")]);
        assert_eq!(multiple(&analysis, P_HIDDEN_CU), None);
        assert_eq!(not_evaluated(&analysis, P_HIDDEN_CU), None);
    }

    #[test]
    fn p_bowl_double_high_double_low_table() {
        // (Na, K, Ca, Mg, bowl, double high, double low)
        let cases = [
            ("24.9999", "10", "95.0001", "10", true, false, false),
            ("25", "10", "95.0001", "10", false, false, false),
            ("24.9999", "10", "95", "10", false, false, false),
            ("60.0001", "10", "95.0001", "10", false, true, false),
            ("60", "10", "95.0001", "10", false, false, false),
            ("24.9999", "10", "49.9999", "10", false, false, true),
            ("24.9999", "10", "50", "10", false, false, false),
        ];
        for (na, k, ca, mg, bowl, double_high, double_low) in cases {
            let analysis = run(&[(Na, na), (K, k), (Ca, ca), (Mg, mg)]);
            let has = |id| analysis.pattern(id).is_some();
            assert_eq!(has(P_BOWL), bowl, "bowl {na} {k} {ca} {mg}");
            assert_eq!(has(P_DOUBLE_HIGH), double_high, "double high {na} {ca}");
            assert_eq!(has(P_DOUBLE_LOW), double_low, "double low {na} {ca}");
        }
        assert!(not_evaluated(&run(&[(Na, "1"), (K, "10")]), P_BOWL).is_some());
    }

    #[test]
    fn p_mg_shell_table() {
        for (magnesium, shell) in [("20", false), ("20.0001", true), ("35", true)] {
            let analysis = run(&[(Mg, magnesium)]);
            assert_eq!(
                analysis.pattern(P_MG_SHELL).is_some(),
                shell,
                "Mg {magnesium}"
            );
        }
        assert!(not_evaluated(&run(&[]), P_MG_SHELL).is_some());
    }

    #[test]
    fn p_poor_elim_counts_metals_table() {
        let six = |values: [&'static str; 6]| -> Vec<(Element, &'static str)> {
            [Pb, Hg, Cd, As, Al, Ni].into_iter().zip(values).collect()
        };
        // At their levels (0.02, 0.02, 0.004, 0.004, 0.08, 0.015): not below.
        let at = six(["0.02", "0.02", "0.004", "0.004", "0.08", "0.015"]);
        assert_eq!(multiple(&run(&at), P_POOR_ELIM), None);
        assert_eq!(not_evaluated(&run(&at), P_POOR_ELIM), None);
        let two = six(["0.0199", "0.0199", "0.004", "0.004", "0.08", "0.015"]);
        assert_eq!(multiple(&run(&two), P_POOR_ELIM), Some(2));
        // A below-limit value counts as below, whatever its limit.
        let below = six(["<0.05", "<<", "0.004", "0.004", "0.08", "0.015"]);
        assert_eq!(multiple(&run(&below), P_POOR_ELIM), Some(2));
        // One below and four not measured: could be more.
        let analysis = run(&[(Pb, "0.01"), (Hg, "0.03")]);
        assert!(not_evaluated(&analysis, P_POOR_ELIM).is_some());
        // eck-wilson@1 has no poor eliminator levels: never evaluated with it.
        let old = analyze(&sample(&two), &ReferenceSet::eck_wilson_v1());
        assert!(old
            .not_evaluated
            .iter()
            .any(|entry| entry.rule_id == P_POOR_ELIM));
    }
}
