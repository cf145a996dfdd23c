//! Oxidation type and degree (HTMA.md, "Oxidation type", rules OX-1 … OX-6).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::caveat::Caveat;
use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::numbers::{format_threshold, format_value};
use crate::domain::ratio::{RatioId, RatioValue};
use crate::domain::reference::ReferenceSet;
use crate::domain::truth::{join_unique, level_condition, Compare, Truth};

pub const OX_1: &str = "OX-1";
pub const OX_2: &str = "OX-2";
pub const OX_3: &str = "OX-3";
pub const OX_4: &str = "OX-4";
pub const OX_5: &str = "OX-5";
pub const OX_6: &str = "OX-6";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OxidationType {
    Fast,
    Slow,
    Mixed,
    FourLows,
    Undetermined,
}

impl OxidationType {
    pub fn as_str(self) -> &'static str {
        match self {
            OxidationType::Fast => "fast",
            OxidationType::Slow => "slow",
            OxidationType::Mixed => "mixed",
            OxidationType::FourLows => "four_lows",
            OxidationType::Undetermined => "undetermined",
        }
    }
}

impl std::fmt::Display for OxidationType {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    Mild,
    Moderate,
    Extreme,
}

impl Degree {
    pub fn as_str(self) -> &'static str {
        match self {
            Degree::Mild => "mild",
            Degree::Moderate => "moderate",
            Degree::Extreme => "extreme",
        }
    }
}

impl std::fmt::Display for Degree {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Fast,
    Slow,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Fast => "fast",
            Side::Slow => "slow",
        }
    }
}

/// Where one of the two deciding ratios fell (OX-1 for Ca/K, OX-2 for Na/Mg).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideEvidence {
    pub rule: &'static str,
    pub ratio: RatioId,
    pub value: RatioValue,
    pub threshold: f64,
    /// `None` when the ratio is not computable.
    pub side: Option<Side>,
}

impl SideEvidence {
    /// `Ca/K 80.0 ≥ 4: slow side (OX-1)` or `Ca/K not computable: K is 0 (OX-1)`.
    pub fn describe(&self) -> String {
        match (&self.value, self.side) {
            (RatioValue::Computable(value), Some(side)) => {
                let comparison = match (self.ratio, side) {
                    (RatioId::CaK, Side::Fast) => "<",
                    (RatioId::CaK, Side::Slow) => "≥",
                    (_, Side::Fast) => ">",
                    (_, Side::Slow) => "≤",
                };
                format!(
                    "{} {} {comparison} {}: {} side ({})",
                    self.ratio,
                    format_value(*value),
                    format_threshold(self.threshold),
                    side.as_str(),
                    self.rule
                )
            }
            (RatioValue::NotComputable(reason), _) => {
                format!("{} not computable: {reason} ({})", self.ratio, self.rule)
            }
            (RatioValue::Computable(_), None) => format!("{} ({})", self.ratio, self.rule),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OxidationResult {
    pub oxidation_type: OxidationType,
    /// OX-6: only `fast` and `slow` have a degree.
    pub degree: Option<Degree>,
    /// The rule that decided the type: OX-3 (four lows), OX-4 (sides) or OX-5 (undetermined).
    pub decided_by: &'static str,
    pub ca_k: SideEvidence,
    pub na_mg: SideEvidence,
    /// A sentence of evidence for people: the four lows, or both sides and the degree band.
    pub evidence: String,
    pub undetermined_reason: Option<String>,
    pub caveats: Vec<Caveat>,
}

impl OxidationResult {
    /// For people: `slow moderate`, `mixed`, `four lows` (`separator` between type and degree).
    pub fn label(&self, separator: &str) -> String {
        let kind = self.oxidation_type.as_str().replace('_', " ");
        match self.degree {
            Some(degree) => format!("{kind}{separator}{}", degree.as_str()),
            None => kind,
        }
    }
}

/// Applies OX-1 … OX-6 to one sample's levels and ratios.
pub fn classify_oxidation(
    levels: &BTreeMap<Element, MineralLevel>,
    ratios: &BTreeMap<RatioId, RatioValue>,
    reference: &ReferenceSet,
) -> OxidationResult {
    let thresholds = &reference.oxidation;
    let ratio_value = |ratio: RatioId| {
        ratios
            .get(&ratio)
            .copied()
            .unwrap_or_else(|| ratio.compute(levels))
    };
    // OX-1: Ca/K < threshold is the fast side, ≥ the slow side.
    let ca_k_value = ratio_value(RatioId::CaK);
    let ca_k = SideEvidence {
        rule: OX_1,
        ratio: RatioId::CaK,
        value: ca_k_value,
        threshold: thresholds.ca_k_slow_side_from,
        side: ca_k_value.value().map(|value| {
            if value < thresholds.ca_k_slow_side_from {
                Side::Fast
            } else {
                Side::Slow
            }
        }),
    };
    // OX-2: Na/Mg > threshold is the fast side, ≤ the slow side.
    let na_mg_value = ratio_value(RatioId::NaMg);
    let na_mg = SideEvidence {
        rule: OX_2,
        ratio: RatioId::NaMg,
        value: na_mg_value,
        threshold: thresholds.na_mg_fast_side_above,
        side: na_mg_value.value().map(|value| {
            if value > thresholds.na_mg_fast_side_above {
                Side::Fast
            } else {
                Side::Slow
            }
        }),
    };

    // OX-3 is checked first: each electrolyte below its ideal wins over the ratios.
    let four_lows = Truth::all([Element::Ca, Element::Mg, Element::Na, Element::K].map(
        |element| {
            level_condition(
                levels,
                element,
                Compare::Below,
                reference.ideal(element),
                "ideal",
            )
        },
    ));
    let sides_evidence = format!("{}; {}", ca_k.describe(), na_mg.describe());
    let undetermined = |reason: String, decided_by: &'static str| OxidationResult {
        oxidation_type: OxidationType::Undetermined,
        degree: None,
        decided_by,
        ca_k: ca_k.clone(),
        na_mg: na_mg.clone(),
        evidence: sides_evidence.clone(),
        undetermined_reason: Some(reason),
        caveats: Vec::new(),
    };

    match (&four_lows, ca_k.side, na_mg.side) {
        (Truth::True(evidence), _, _) => OxidationResult {
            oxidation_type: OxidationType::FourLows,
            degree: None,
            decided_by: OX_3,
            ca_k: ca_k.clone(),
            na_mg: na_mg.clone(),
            evidence: format!("four lows ({OX_3}): {}", join_unique(evidence)),
            undetermined_reason: None,
            caveats: Vec::new(),
        },
        // OX-5: a deciding ratio is not computable.
        (_, None, _) | (_, _, None) => {
            let reasons: Vec<String> = [&ca_k, &na_mg]
                .into_iter()
                .filter_map(|side| match side.value {
                    RatioValue::NotComputable(reason) => {
                        Some(format!("{} not computable: {reason}", side.ratio))
                    }
                    RatioValue::Computable(_) => None,
                })
                .collect();
            undetermined(reasons.join("; "), OX_5)
        }
        (Truth::Unknown(reasons), Some(_), Some(_)) => undetermined(
            format!(
                "the four-lows check ({OX_3}) could not be made: {}",
                join_unique(reasons)
            ),
            OX_3,
        ),
        (Truth::False, Some(ca_k_side), Some(na_mg_side)) => {
            // OX-4: both fast → fast, both slow → slow, one of each → mixed.
            let oxidation_type = match (ca_k_side, na_mg_side) {
                (Side::Fast, Side::Fast) => OxidationType::Fast,
                (Side::Slow, Side::Slow) => OxidationType::Slow,
                _ => OxidationType::Mixed,
            };
            let ca_k_ratio = ca_k.value.value().unwrap_or_default();
            let degree = degree_of(oxidation_type, ca_k_ratio, reference);
            let evidence = match &degree {
                Some((degree, band)) => {
                    format!("{sides_evidence}; {band}: {} ({OX_6})", degree.as_str())
                }
                None => sides_evidence.clone(),
            };
            OxidationResult {
                oxidation_type,
                degree: degree.map(|(degree, _)| degree),
                decided_by: OX_4,
                ca_k,
                na_mg,
                evidence,
                undetermined_reason: None,
                caveats: Vec::new(),
            }
        }
    }
}

/// OX-6, from Ca/K. Returns the degree and the band it fell in, for the evidence.
fn degree_of(
    oxidation_type: OxidationType,
    ca_k: f64,
    reference: &ReferenceSet,
) -> Option<(Degree, String)> {
    let thresholds = &reference.oxidation;
    let value = format_value(ca_k);
    match oxidation_type {
        OxidationType::Fast => {
            let low = format_threshold(thresholds.fast_extreme_below);
            let high = format_threshold(thresholds.fast_mild_above);
            Some(if ca_k < thresholds.fast_extreme_below {
                (Degree::Extreme, format!("Ca/K {value} < {low}"))
            } else if ca_k <= thresholds.fast_mild_above {
                (Degree::Moderate, format!("{low} ≤ Ca/K {value} ≤ {high}"))
            } else {
                (Degree::Mild, format!("Ca/K {value} > {high}"))
            })
        }
        OxidationType::Slow => {
            let low = format_threshold(thresholds.slow_mild_below);
            let high = format_threshold(thresholds.slow_extreme_above);
            Some(if ca_k < thresholds.slow_mild_below {
                (Degree::Mild, format!("Ca/K {value} < {low}"))
            } else if ca_k <= thresholds.slow_extreme_above {
                (Degree::Moderate, format!("{low} ≤ Ca/K {value} ≤ {high}"))
            } else {
                (Degree::Extreme, format!("Ca/K {value} > {high}"))
            })
        }
        OxidationType::Mixed | OxidationType::FourLows | OxidationType::Undetermined => None,
    }
}

#[cfg(test)]
mod tests {
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
                assert_eq!(result.degree, None);
            }
        }
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
        let result =
            classify_oxidation(&levels, &compute_all(&levels), &ReferenceSet::eck_wilson());
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
            match result.oxidation_type {
                OxidationType::Fast | OxidationType::Slow => prop_assert!(result.degree.is_some()),
                OxidationType::Undetermined => {
                    prop_assert!(result.degree.is_none());
                    prop_assert!(result.undetermined_reason.is_some());
                }
                OxidationType::Mixed | OxidationType::FourLows => prop_assert!(result.degree.is_none()),
            }
            for side in [&result.ca_k, &result.na_mg] {
                if let Some(value) = side.value.value() {
                    prop_assert!(value.is_finite());
                }
            }
        }
    }
}
