//! Patterns (HTMA.md, "Patterns"). Each found pattern carries its evidence; ids are stable and
//! are the rule ids of the spec (`P-CA-SHELL`, `P-TOXIC-Pb`, …).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::caveat::Caveat;
use crate::domain::element::{Element, ElementKind};
use crate::domain::exact::compare_values;
use crate::domain::level::MineralLevel;
use crate::domain::numbers::format_threshold;
use crate::domain::oxidation::{OxidationResult, OxidationType};
use crate::domain::ratio::{RatioId, RatioValue};
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;
use crate::domain::truth::{
    join_unique, level_condition, ratio_band, ratio_condition, Compare, Truth,
};
use crate::domain::wilson::{
    detect_wilson_patterns, P_BOWL, P_BURNED_OUT, P_DOUBLE_HIGH, P_DOUBLE_LOW, P_HIDDEN_CU,
};

pub const P_NAK_INV: &str = "P-NAK-INV";
pub const P_NAK_INV_SEVERE: &str = "P-NAK-INV-SEVERE";
pub const P_NAK_HIGH: &str = "P-NAK-HIGH";
pub const P_NAK_VHIGH: &str = "P-NAK-VHIGH";
pub const P_CA_SHELL: &str = "P-CA-SHELL";
pub const P_FOUR_HIGHS: &str = "P-FOUR-HIGHS";
pub const P_THREE_HIGHS: &str = "P-THREE-HIGHS";
pub const P_K_LOW: &str = "P-K-LOW";
pub const P_K_VLOW: &str = "P-K-VLOW";
pub const P_K_HIGH_FAST: &str = "P-K-HIGH-FAST";
pub const P_SYMP_DOM: &str = "P-SYMP-DOM";
pub const P_BIOUNAVAIL_CA: &str = "P-BIOUNAVAIL-CA";
pub const P_FAST_DEPLETION: &str = "P-FAST-DEPLETION";
pub const P_P_LOW: &str = "P-P-LOW";
pub const P_P_VLOW: &str = "P-P-VLOW";
/// P-TOXIC-<symbol>: one pattern per toxic metal, e.g. `P-TOXIC-Pb`.
pub const P_TOXIC_PREFIX: &str = "P-TOXIC-";
pub const P_ZNCU_LOW: &str = "P-ZNCU-LOW";
pub const P_CAMG_LOW: &str = "P-CAMG-LOW";
pub const P_CAMG_HIGH: &str = "P-CAMG-HIGH";

/// The id of P-TOXIC-<symbol> for one metal.
pub fn toxic_pattern_id(metal: Element) -> String {
    format!("{P_TOXIC_PREFIX}{}", metal.symbol())
}

/// The Na/K patterns (HTMA.md, washing).
pub fn is_sodium_potassium_pattern(id: &str) -> bool {
    [P_NAK_INV, P_NAK_INV_SEVERE, P_NAK_HIGH, P_NAK_VHIGH].contains(&id)
}

/// Every finding that reads the Na or K level, a ratio of them, or the oxidation type (which
/// Na and K decide): a washed sample's caveat applies to each (HTMA.md, washing: washing
/// lowers sodium and potassium).
pub fn depends_on_sodium_or_potassium(id: &str) -> bool {
    is_sodium_potassium_pattern(id)
        || [
            P_FOUR_HIGHS,
            P_THREE_HIGHS,
            P_K_LOW,
            P_K_VLOW,
            P_K_HIGH_FAST,
            P_SYMP_DOM,
            P_BIOUNAVAIL_CA,
            P_FAST_DEPLETION,
            P_BURNED_OUT,
            P_HIDDEN_CU,
            P_BOWL,
            P_DOUBLE_HIGH,
            P_DOUBLE_LOW,
        ]
        .contains(&id)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    pub id: String,
    /// P-CA-SHELL (the 1× … 8× band), P-BURNED-OUT (1×–3×), P-HIDDEN-CU (indicators that
    /// hold), P-POOR-ELIM (metals below their level).
    pub multiple: Option<u8>,
    pub evidence: String,
    pub caveats: Vec<Caveat>,
}

/// A rule that could neither fire nor be ruled out with the data present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotEvaluated {
    pub rule_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PatternFindings {
    pub patterns: Vec<Pattern>,
    pub not_evaluated: Vec<NotEvaluated>,
}

impl PatternFindings {
    pub(crate) fn record(&mut self, id: &str, condition: Truth) {
        self.record_with_multiple(id, condition, None);
    }

    pub(crate) fn record_with_multiple(
        &mut self,
        id: &str,
        condition: Truth,
        multiple: Option<u8>,
    ) {
        match condition {
            Truth::True(evidence) => self.patterns.push(Pattern {
                id: id.to_string(),
                multiple,
                evidence: join_unique(&evidence),
                caveats: Vec::new(),
            }),
            Truth::False => {}
            Truth::Unknown(reasons) => self.not_evaluated.push(NotEvaluated {
                rule_id: id.to_string(),
                reason: join_unique(&reasons),
            }),
        }
    }
}

/// Finds every pattern of HTMA.md in spec order. Patterns that depend on the oxidation type
/// read it from `oxidation`.
pub fn detect_patterns(
    levels: &BTreeMap<Element, MineralLevel>,
    _ratios: &BTreeMap<RatioId, RatioValue>,
    oxidation: &OxidationResult,
    sex: Sex,
    reference: &ReferenceSet,
) -> PatternFindings {
    let thresholds = &reference.patterns;
    let mut findings = PatternFindings::default();
    let level = |element: Element, compare: Compare, threshold: f64| {
        level_condition(levels, element, compare, Some(threshold), "threshold")
    };
    let versus_ideal = |element: Element, compare: Compare| {
        level_condition(levels, element, compare, reference.ideal(element), "ideal")
    };
    let ratio = |ratio: RatioId, compare: Compare, threshold: f64| {
        ratio_condition(levels, ratio, compare, threshold)
    };
    let type_is = |wanted: OxidationType| match oxidation.oxidation_type {
        actual if actual == wanted => Truth::True(vec![format!("oxidation type {actual}")]),
        OxidationType::Undetermined => Truth::unknown("oxidation type undetermined"),
        _ => Truth::False,
    };

    // P-NAK-INV: 1.0 ≤ Na/K < 2.5; P-NAK-INV-SEVERE: Na/K < 1.0.
    findings.record(
        P_NAK_INV,
        ratio_band(
            levels,
            RatioId::NaK,
            (Compare::AtLeast, thresholds.na_k_severe_inversion_below),
            (Compare::Below, thresholds.na_k_inversion_below),
        ),
    );
    findings.record(
        P_NAK_INV_SEVERE,
        ratio(
            RatioId::NaK,
            Compare::Below,
            thresholds.na_k_severe_inversion_below,
        ),
    );
    // P-NAK-HIGH: 4.0 < Na/K ≤ 6.0; P-NAK-VHIGH: Na/K > 6.0.
    findings.record(
        P_NAK_HIGH,
        ratio_band(
            levels,
            RatioId::NaK,
            (Compare::Above, thresholds.na_k_high_above),
            (Compare::AtMost, thresholds.na_k_very_high_above),
        ),
    );
    findings.record(
        P_NAK_VHIGH,
        ratio(
            RatioId::NaK,
            Compare::Above,
            thresholds.na_k_very_high_above,
        ),
    );

    // P-CA-SHELL, with its multiple.
    let (shell, multiple) = calcium_shell(levels, sex, reference);
    findings.record_with_multiple(P_CA_SHELL, shell, multiple);

    let electrolytes = [Element::Ca, Element::Mg, Element::Na, Element::K];
    // P-FOUR-HIGHS: each of Ca, Mg, Na, K above its ideal.
    findings.record(
        P_FOUR_HIGHS,
        Truth::all(electrolytes.map(|element| versus_ideal(element, Compare::Above))),
    );
    // P-THREE-HIGHS: exactly three above ideal and the fourth below (not at) ideal.
    let three_highs = Truth::any(electrolytes.map(|low_one| {
        Truth::all(
            electrolytes
                .iter()
                .filter(|element| **element != low_one)
                .map(|element| versus_ideal(*element, Compare::Above))
                .chain([versus_ideal(low_one, Compare::Below)]),
        )
    }));
    findings.record(P_THREE_HIGHS, three_highs);

    // P-K-LOW: K < 4; P-K-VLOW: K ≤ 2.
    findings.record(
        P_K_LOW,
        level(Element::K, Compare::Below, thresholds.k_low_below),
    );
    findings.record(
        P_K_VLOW,
        level(Element::K, Compare::AtMost, thresholds.k_very_low_at_most),
    );
    // P-K-HIGH-FAST: type fast and K above its ideal (10).
    findings.record(
        P_K_HIGH_FAST,
        type_is(OxidationType::Fast).and(versus_ideal(Element::K, Compare::Above)),
    );
    // P-SYMP-DOM: type slow and K ≤ 4.
    findings.record(
        P_SYMP_DOM,
        type_is(OxidationType::Slow).and(level(
            Element::K,
            Compare::AtMost,
            thresholds.sympathetic_dominance_k_at_most,
        )),
    );
    // P-BIOUNAVAIL-CA: type slow and Ca > ideal and (Na < ideal or K < ideal).
    findings.record(
        P_BIOUNAVAIL_CA,
        Truth::all([
            type_is(OxidationType::Slow),
            versus_ideal(Element::Ca, Compare::Above),
            versus_ideal(Element::Na, Compare::Below).or(versus_ideal(Element::K, Compare::Below)),
        ]),
    );
    // P-FAST-DEPLETION: type fast and Ca < ideal and Mg < ideal and (Zn < ideal or Cu < ideal).
    findings.record(
        P_FAST_DEPLETION,
        Truth::all([
            type_is(OxidationType::Fast),
            versus_ideal(Element::Ca, Compare::Below),
            versus_ideal(Element::Mg, Compare::Below),
            versus_ideal(Element::Zn, Compare::Below).or(versus_ideal(Element::Cu, Compare::Below)),
        ]),
    );
    // P-P-LOW: P < 13; P-P-VLOW: P < 10.
    findings.record(
        P_P_LOW,
        level(Element::P, Compare::Below, thresholds.p_low_below),
    );
    findings.record(
        P_P_VLOW,
        level(Element::P, Compare::Below, thresholds.p_very_low_below),
    );
    // P-TOXIC-<symbol>: a toxic metal above its high threshold.
    for metal in Element::ALL
        .into_iter()
        .filter(|element| element.kind() == ElementKind::ToxicMetal)
    {
        findings.record(
            &toxic_pattern_id(metal),
            level_condition(
                levels,
                metal,
                Compare::Above,
                reference.toxic_threshold(metal),
                "high threshold",
            ),
        );
    }
    // P-ZNCU-LOW: Zn/Cu < 6.0; P-CAMG-LOW: Ca/Mg < 3.3; P-CAMG-HIGH: Ca/Mg > 10.
    findings.record(
        P_ZNCU_LOW,
        ratio(RatioId::ZnCu, Compare::Below, thresholds.zn_cu_low_below),
    );
    findings.record(
        P_CAMG_LOW,
        ratio(RatioId::CaMg, Compare::Below, thresholds.ca_mg_low_below),
    );
    findings.record(
        P_CAMG_HIGH,
        ratio(RatioId::CaMg, Compare::Above, thresholds.ca_mg_high_above),
    );
    detect_wilson_patterns(&mut findings, levels, oxidation, reference);
    findings
}

/// P-CA-SHELL: Ca at or above the first band of the sex's bands (female or unrecorded: 165,
/// male: 155); the multiple is the number of band lower bounds (inclusive) the level reaches.
fn calcium_shell(
    levels: &BTreeMap<Element, MineralLevel>,
    sex: Sex,
    reference: &ReferenceSet,
) -> (Truth, Option<u8>) {
    let (bands, group) = match sex {
        Sex::Male => (&reference.patterns.ca_shell_male_bands, "male"),
        Sex::Female | Sex::Unrecorded => (
            &reference.patterns.ca_shell_female_bands,
            "female or unrecorded sex",
        ),
    };
    let condition = level_condition(
        levels,
        Element::Ca,
        Compare::AtLeast,
        bands.first().copied(),
        "calcium shell band",
    );
    let Truth::True(mut evidence) = condition else {
        return (condition, None);
    };
    let calcium = levels
        .get(&Element::Ca)
        .map(MineralLevel::mg_pct)
        .unwrap_or_default();
    let reached = bands
        .iter()
        .filter(|bound| compare_values(calcium, **bound) != Ordering::Less)
        .count();
    let multiple = u8::try_from(reached).unwrap_or(u8::MAX);
    let band = match (
        reached.checked_sub(1).and_then(|i| bands.get(i)),
        bands.get(reached),
    ) {
        (Some(lower), Some(upper)) => format!(
            "{} ≤ Ca < {}",
            format_threshold(*lower),
            format_threshold(*upper)
        ),
        (Some(lower), None) => format!("Ca ≥ {}", format_threshold(*lower)),
        _ => String::new(),
    };
    evidence.push(format!("{group}: {multiple}× band ({band})"));
    (Truth::True(evidence), Some(multiple))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::oxidation::classify_oxidation;
    use crate::domain::ratio::compute_all;

    /// Levels of one test, as (element, mg%).
    type Levels<'a> = &'a [(Element, f64)];

    fn findings_for(sex: Sex, entries: &[(Element, f64)]) -> PatternFindings {
        let levels: BTreeMap<Element, MineralLevel> = entries
            .iter()
            .map(|(element, value)| (*element, MineralLevel::measured(*value).unwrap()))
            .collect();
        let reference = ReferenceSet::eck_wilson();
        let ratios = compute_all(&levels);
        let oxidation = classify_oxidation(&levels, &ratios, &reference);
        detect_patterns(&levels, &ratios, &oxidation, sex, &reference)
    }

    fn ids(findings: &PatternFindings) -> Vec<&str> {
        findings.patterns.iter().map(|p| p.id.as_str()).collect()
    }

    fn has(entries: &[(Element, f64)], id: &str) -> bool {
        ids(&findings_for(Sex::Unrecorded, entries)).contains(&id)
    }

    fn not_evaluated(entries: &[(Element, f64)], id: &str) -> bool {
        findings_for(Sex::Unrecorded, entries)
            .not_evaluated
            .iter()
            .any(|entry| entry.rule_id == id)
    }

    fn na_k(value: f64) -> Vec<(Element, f64)> {
        vec![(Element::Na, value * 10.0), (Element::K, 10.0)]
    }

    #[test]
    fn p_nak_inv_and_severe_table() {
        let cases = [
            (0.99, false, true),
            (1.0, true, false),
            (2.4, true, false),
            (2.49, true, false),
            (2.5, false, false),
            (0.0, false, true),
        ];
        for (value, inverted, severe) in cases {
            assert_eq!(has(&na_k(value), P_NAK_INV), inverted, "Na/K {value}");
            assert_eq!(has(&na_k(value), P_NAK_INV_SEVERE), severe, "Na/K {value}");
        }
        assert!(not_evaluated(&[(Element::Na, 5.0)], P_NAK_INV));
    }

    #[test]
    fn p_nak_high_and_very_high_table() {
        let cases = [
            (4.0, false, false),
            (4.01, true, false),
            (6.0, true, false),
            (6.01, false, true),
            (20.0, false, true),
        ];
        for (value, high, very_high) in cases {
            assert_eq!(has(&na_k(value), P_NAK_HIGH), high, "Na/K {value}");
            assert_eq!(has(&na_k(value), P_NAK_VHIGH), very_high, "Na/K {value}");
        }
    }

    #[test]
    fn p_ca_shell_multiple_table() {
        let female: &[(f64, Option<u8>)] = &[
            (164.9, None),
            (165.0, Some(1)),
            (209.9, Some(1)),
            (210.0, Some(2)),
            (259.0, Some(2)),
            (260.0, Some(3)),
            (299.0, Some(3)),
            (300.0, Some(4)),
            (369.0, Some(4)),
            (370.0, Some(5)),
            (459.0, Some(5)),
            (460.0, Some(6)),
            (539.0, Some(6)),
            (540.0, Some(7)),
            (639.0, Some(7)),
            (640.0, Some(8)),
            (2000.0, Some(8)),
        ];
        let male: &[(f64, Option<u8>)] = &[
            (154.9, None),
            (155.0, Some(1)),
            (199.0, Some(1)),
            (200.0, Some(2)),
            (249.0, Some(2)),
            (250.0, Some(3)),
            (309.0, Some(3)),
            (310.0, Some(4)),
            (900.0, Some(4)),
        ];
        let shell_multiple = |sex: Sex, calcium: f64| {
            findings_for(sex, &[(Element::Ca, calcium)])
                .patterns
                .into_iter()
                .find(|pattern| pattern.id == P_CA_SHELL)
                .map(|pattern| pattern.multiple)
        };
        for (calcium, expected) in female {
            for sex in [Sex::Female, Sex::Unrecorded] {
                let found = shell_multiple(sex, *calcium);
                assert_eq!(found, expected.map(Some), "{sex:?} Ca {calcium}");
            }
        }
        for (calcium, expected) in male {
            assert_eq!(
                shell_multiple(Sex::Male, *calcium),
                expected.map(Some),
                "male Ca {calcium}"
            );
        }
        let evidence = findings_for(Sex::Female, &[(Element::Ca, 215.0)]).patterns[0]
            .evidence
            .clone();
        assert_eq!(
            evidence,
            "Ca 215.0 ≥ 165, female or unrecorded sex: 2× band (210 ≤ Ca < 260)"
        );
    }

    #[test]
    fn p_four_highs_and_three_highs_table() {
        use Element::*;
        let cases: &[([f64; 4], bool, bool)] = &[
            ([41.0, 7.0, 26.0, 11.0], true, false),
            ([40.0, 7.0, 26.0, 11.0], false, false),
            ([45.0, 5.0, 30.0, 15.0], false, true),
            ([39.0, 7.0, 26.0, 11.0], false, true),
            ([41.0, 7.0, 26.0, 9.0], false, true),
            ([41.0, 7.0, 24.0, 9.0], false, false),
        ];
        for (values, four, three) in cases {
            let entries = [
                (Ca, values[0]),
                (Mg, values[1]),
                (Na, values[2]),
                (K, values[3]),
            ];
            assert_eq!(has(&entries, P_FOUR_HIGHS), *four, "{values:?}");
            assert_eq!(has(&entries, P_THREE_HIGHS), *three, "{values:?}");
        }
        let missing_k = [(Ca, 41.0), (Mg, 7.0), (Na, 26.0)];
        assert!(not_evaluated(&missing_k, P_FOUR_HIGHS));
        assert!(not_evaluated(&missing_k, P_THREE_HIGHS));
        // One element below ideal and one missing: four highs is already ruled out.
        assert!(!not_evaluated(
            &[(Ca, 41.0), (Mg, 5.0), (Na, 26.0)],
            P_FOUR_HIGHS
        ));
    }

    #[test]
    fn p_k_low_and_very_low_table() {
        let cases = [
            (4.0, false, false),
            (3.99, true, false),
            (2.01, true, false),
            (2.0, true, true),
            (0.0, true, true),
        ];
        for (potassium, low, very_low) in cases {
            let entries = [(Element::K, potassium)];
            assert_eq!(has(&entries, P_K_LOW), low, "K {potassium}");
            assert_eq!(has(&entries, P_K_VLOW), very_low, "K {potassium}");
        }
    }

    #[test]
    fn type_dependent_patterns_table() {
        use Element::*;
        // (levels, pattern, expected). Types: fast (Ca/K < 4, Na/Mg > 4.17), slow otherwise.
        let fast_high_k = [(Ca, 45.0), (Mg, 5.0), (Na, 30.0), (K, 15.0)];
        let fast_k_10 = [(Ca, 30.0), (Mg, 5.0), (Na, 30.0), (K, 10.0)];
        let slow_k_4 = [(Ca, 160.0), (Mg, 18.0), (Na, 8.0), (K, 4.0)];
        let slow_k_4_1 = [(Ca, 160.0), (Mg, 18.0), (Na, 8.0), (K, 4.1)];
        let slow_ca_40 = [(Ca, 40.0), (Mg, 18.0), (Na, 8.0), (K, 2.0)];
        let slow_na_k_ok = [(Ca, 400.0), (Mg, 50.0), (Na, 30.0), (K, 10.0)];
        let fast_depleted_cu = [
            (Ca, 22.0),
            (Mg, 2.5),
            (Na, 60.0),
            (K, 25.0),
            (Zn, 16.0),
            (Cu, 2.4),
        ];
        let fast_not_depleted = [
            (Ca, 22.0),
            (Mg, 2.5),
            (Na, 60.0),
            (K, 25.0),
            (Zn, 16.0),
            (Cu, 2.5),
        ];
        let cases: &[(Levels, &str, bool)] = &[
            (&fast_high_k, P_K_HIGH_FAST, true),
            (&fast_k_10, P_K_HIGH_FAST, false),
            (&slow_k_4, P_K_HIGH_FAST, false),
            (&slow_k_4, P_SYMP_DOM, true),
            (&slow_k_4_1, P_SYMP_DOM, false),
            (&fast_high_k, P_SYMP_DOM, false),
            (&slow_k_4, P_BIOUNAVAIL_CA, true),
            (&slow_ca_40, P_BIOUNAVAIL_CA, false),
            (&slow_na_k_ok, P_BIOUNAVAIL_CA, false),
            (&fast_depleted_cu, P_FAST_DEPLETION, true),
            (&fast_not_depleted, P_FAST_DEPLETION, false),
            (&slow_k_4, P_FAST_DEPLETION, false),
        ];
        for (entries, id, expected) in cases {
            assert_eq!(has(entries, id), *expected, "{id} for {entries:?}");
        }
        // Fast, Ca and Mg low, Zn and Cu not measured: cannot tell.
        let fast_no_trace = [(Ca, 22.0), (Mg, 2.5), (Na, 60.0), (K, 25.0)];
        assert!(not_evaluated(&fast_no_trace, P_FAST_DEPLETION));
        // Undetermined type but K ≤ 4: needs the type.
        assert!(not_evaluated(&[(Ca, 50.0), (K, 0.0)], P_SYMP_DOM));
    }

    #[test]
    fn p_phosphorus_table() {
        let cases = [
            (13.0, false, false),
            (12.99, true, false),
            (10.0, true, false),
            (9.99, true, true),
        ];
        for (phosphorus, low, very_low) in cases {
            let entries = [(Element::P, phosphorus)];
            assert_eq!(has(&entries, P_P_LOW), low, "P {phosphorus}");
            assert_eq!(has(&entries, P_P_VLOW), very_low, "P {phosphorus}");
        }
        assert!(not_evaluated(&[], P_P_LOW));
        assert!(not_evaluated(&[], P_P_VLOW));
    }

    #[test]
    fn p_toxic_table() {
        use Element::*;
        let cases: &[(Element, f64, f64)] = &[
            // eck-wilson@2 (HTMA.md "Toxic metals", a published lab reference range).
            (Pb, 0.1, 0.1001),
            (Hg, 0.04, 0.0401),
            (Cd, 0.007, 0.0071),
            (As, 0.008, 0.0081),
            (Al, 0.8, 0.8001),
            (Ni, 0.02, 0.0201),
        ];
        for (metal, at_threshold, above) in cases {
            let id = toxic_pattern_id(*metal);
            assert!(!has(&[(*metal, *at_threshold)], &id), "{id} at threshold");
            assert!(has(&[(*metal, *above)], &id), "{id} above threshold");
            assert!(not_evaluated(&[], &id), "{id} not measured");
        }
        assert_eq!(toxic_pattern_id(Pb), "P-TOXIC-Pb");
    }

    #[test]
    fn toxic_below_detection_limit_is_not_high() {
        let levels: BTreeMap<Element, MineralLevel> = [(
            Element::Pb,
            MineralLevel::below_detection_limit(0.001).unwrap(),
        )]
        .into();
        let reference = ReferenceSet::eck_wilson();
        let ratios = compute_all(&levels);
        let oxidation = classify_oxidation(&levels, &ratios, &reference);
        let findings = detect_patterns(&levels, &ratios, &oxidation, Sex::Female, &reference);
        assert!(findings.patterns.is_empty());
        assert!(!findings
            .not_evaluated
            .iter()
            .any(|entry| entry.rule_id == "P-TOXIC-Pb"));
    }

    #[test]
    fn p_zncu_and_camg_table() {
        use Element::*;
        let cases: &[(Levels, &str, bool)] = &[
            (&[(Zn, 5.99), (Cu, 1.0)], P_ZNCU_LOW, true),
            (&[(Zn, 6.0), (Cu, 1.0)], P_ZNCU_LOW, false),
            (&[(Ca, 3.29), (Mg, 1.0)], P_CAMG_LOW, true),
            (&[(Ca, 3.3), (Mg, 1.0)], P_CAMG_LOW, false),
            (&[(Ca, 10.0), (Mg, 1.0)], P_CAMG_HIGH, false),
            (&[(Ca, 10.01), (Mg, 1.0)], P_CAMG_HIGH, true),
        ];
        for (entries, id, expected) in cases {
            assert_eq!(has(entries, id), *expected, "{id} for {entries:?}");
        }
        assert!(not_evaluated(&[(Zn, 5.0)], P_ZNCU_LOW));
    }

    #[test]
    fn evidence_strings() {
        let findings = findings_for(
            Sex::Unrecorded,
            &[
                (Element::Ca, 160.0),
                (Element::Mg, 18.0),
                (Element::Na, 8.0),
                (Element::K, 2.0),
            ],
        );
        let evidence = |id: &str| {
            findings
                .patterns
                .iter()
                .find(|pattern| pattern.id == id)
                .map(|pattern| pattern.evidence.clone())
        };
        assert_eq!(evidence(P_K_LOW).as_deref(), Some("K 2.0 < 4"));
        assert_eq!(
            evidence(P_SYMP_DOM).as_deref(),
            Some("oxidation type slow, K 2.0 ≤ 4")
        );
        assert_eq!(
            evidence(P_BIOUNAVAIL_CA).as_deref(),
            Some("oxidation type slow, Ca 160.0 > 40, Na 8.0 < 25, K 2.0 < 10")
        );
        let reason = findings
            .not_evaluated
            .iter()
            .find(|entry| entry.rule_id == P_P_LOW)
            .map(|entry| entry.reason.clone());
        assert_eq!(reason.as_deref(), Some("P not measured"));
    }
}
