//! HTMA.md "Exactness", as property tests: lab values written as decimals (mg% or ppm, up to 4
//! printed decimals) that land exactly on a threshold of an OX or P rule, and one unit of the
//! last printed decimal either side, must fall on the side the rule text gives. The cells go
//! through the same parser as the lab CSV and the form (`parse_level_cell`), then `analyze`.
//! Unlike the table tests, the divisions here are not chosen to be exact in binary.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::domain::analysis::{analyze, Analysis, HairSample};
use crate::domain::element::Element;
use crate::domain::level::{parse_level_cell, MineralLevel};
use crate::domain::oxidation::{Degree, OxidationType};
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;
use crate::domain::units::Unit;

/// An exact decimal `digits × 10^-scale` (in mg%).
#[derive(Debug, Clone, Copy)]
struct Dec {
    digits: u64,
    scale: u32,
}

impl Dec {
    fn parse(text: &str) -> Dec {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        Dec {
            digits: format!("{whole}{fraction}").parse().unwrap(),
            scale: fraction.len() as u32,
        }
    }

    fn text_at(digits: u64, scale: u32) -> String {
        if scale == 0 {
            return digits.to_string();
        }
        let padded = format!("{digits:0>width$}", width = scale as usize + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale as usize);
        format!("{whole}.{fraction}")
    }

    /// The cell a lab would print for this mg% value in `unit` (ppm = mg% × 10).
    fn cell(self, unit: Unit) -> String {
        match (unit, self.scale) {
            (Unit::MgPercent, scale) => Dec::text_at(self.digits, scale),
            (Unit::Ppm, 0) => Dec::text_at(self.digits * 10, 0),
            (Unit::Ppm, scale) => Dec::text_at(self.digits, scale - 1),
        }
    }

    /// The decimals the lab printed in `unit`.
    fn printed_scale(self, unit: Unit) -> u32 {
        match unit {
            Unit::MgPercent => self.scale,
            Unit::Ppm => self.scale.saturating_sub(1),
        }
    }

    fn mul(self, other: Dec) -> Dec {
        Dec {
            digits: self.digits * other.digits,
            scale: self.scale + other.scale,
        }
    }

    /// One unit of the last printed decimal up (`Greater`) or down (`Less`).
    fn nudged(self, direction: Ordering, unit: Unit) -> Dec {
        // An integer ppm is one decimal of mg%: 1 ppm = 0.1 mg%.
        let at = match (unit, self.scale) {
            (Unit::Ppm, 0) => Dec {
                digits: self.digits * 10,
                scale: 1,
            },
            _ => self,
        };
        let digits = match direction {
            Ordering::Greater => at.digits + 1,
            Ordering::Less => at.digits - 1,
            Ordering::Equal => at.digits,
        };
        Dec { digits, ..at }
    }
}

fn level(value: Dec, unit: Unit) -> MineralLevel {
    parse_level_cell(&value.cell(unit), unit)
        .unwrap()
        .unwrap_or_else(|| unreachable!("a number is a level"))
}

fn run(entries: &[(Element, Dec)], unit: Unit, sex: Sex) -> Analysis {
    let levels: BTreeMap<Element, MineralLevel> = entries
        .iter()
        .map(|(element, value)| (*element, level(*value, unit)))
        .collect();
    let sample = HairSample {
        sex,
        levels,
        ..HairSample::default()
    };
    analyze(&sample, &ReferenceSet::eck_wilson())
}

fn has(analysis: &Analysis, id: &str) -> bool {
    analysis.pattern(id).is_some()
}

fn d(text: &str) -> Dec {
    Dec::parse(text)
}

/// A ratio rule: numerator / denominator against `threshold`, other levels fixed, and what the
/// analysis must show for a ratio below, on, or above the threshold.
struct RatioRule {
    name: &'static str,
    numerator: Element,
    denominator: Element,
    threshold: &'static str,
    context: &'static [(Element, &'static str)],
    expect: fn(&Analysis, Ordering) -> bool,
}

fn oxidation(analysis: &Analysis) -> (OxidationType, Option<Degree>) {
    (analysis.oxidation.oxidation_type, analysis.oxidation.degree)
}

const RATIO_RULES: &[RatioRule] = &[
    RatioRule {
        name: "OX-1 Ca/K < 4 fast side",
        numerator: Element::Ca,
        denominator: Element::K,
        threshold: "4",
        context: &[(Element::Na, "50"), (Element::Mg, "50")],
        expect: |a, side| {
            let wanted = match side {
                Ordering::Less => OxidationType::Mixed,
                _ => OxidationType::Slow,
            };
            a.oxidation.oxidation_type == wanted
        },
    },
    RatioRule {
        name: "OX-2 Na/Mg > 4.17 fast side",
        numerator: Element::Na,
        denominator: Element::Mg,
        threshold: "4.17",
        context: &[(Element::Ca, "100"), (Element::K, "10")],
        expect: |a, side| {
            let wanted = match side {
                Ordering::Greater => OxidationType::Mixed,
                _ => OxidationType::Slow,
            };
            a.oxidation.oxidation_type == wanted
        },
    },
    RatioRule {
        name: "OX-6 fast Ca/K < 0.4 extreme",
        numerator: Element::Ca,
        denominator: Element::K,
        threshold: "0.4",
        context: &[(Element::Na, "100"), (Element::Mg, "1")],
        expect: |a, side| {
            let degree = match side {
                Ordering::Less => Degree::Extreme,
                _ => Degree::Moderate,
            };
            oxidation(a) == (OxidationType::Fast, Some(degree))
        },
    },
    RatioRule {
        name: "OX-6 fast Ca/K > 1.5 mild",
        numerator: Element::Ca,
        denominator: Element::K,
        threshold: "1.5",
        context: &[(Element::Na, "100"), (Element::Mg, "1")],
        expect: |a, side| {
            let degree = match side {
                Ordering::Greater => Degree::Mild,
                _ => Degree::Moderate,
            };
            oxidation(a) == (OxidationType::Fast, Some(degree))
        },
    },
    RatioRule {
        name: "OX-6 slow Ca/K < 30 mild",
        numerator: Element::Ca,
        denominator: Element::K,
        threshold: "30",
        context: &[(Element::Na, "30"), (Element::Mg, "30")],
        expect: |a, side| {
            let degree = match side {
                Ordering::Less => Degree::Mild,
                _ => Degree::Moderate,
            };
            oxidation(a) == (OxidationType::Slow, Some(degree))
        },
    },
    RatioRule {
        name: "OX-6 slow Ca/K > 100 extreme",
        numerator: Element::Ca,
        denominator: Element::K,
        threshold: "100",
        context: &[(Element::Na, "30"), (Element::Mg, "30")],
        expect: |a, side| {
            let degree = match side {
                Ordering::Greater => Degree::Extreme,
                _ => Degree::Moderate,
            };
            oxidation(a) == (OxidationType::Slow, Some(degree))
        },
    },
    RatioRule {
        name: "OX-7 Ca/K within 5 % of 4 (3.8)",
        numerator: Element::Ca,
        denominator: Element::K,
        threshold: "3.8",
        context: &[(Element::Na, "50"), (Element::Mg, "50")],
        expect: |a, side| a.oxidation.type_is_borderline() == (side != Ordering::Less),
    },
    RatioRule {
        name: "OX-7 Ca/K within 5 % of 4 (4.2)",
        numerator: Element::Ca,
        denominator: Element::K,
        threshold: "4.2",
        context: &[(Element::Na, "50"), (Element::Mg, "50")],
        expect: |a, side| a.oxidation.type_is_borderline() == (side != Ordering::Greater),
    },
    RatioRule {
        name: "OX-7 Na/Mg within 5 % of 4.17 (4.3785)",
        numerator: Element::Na,
        denominator: Element::Mg,
        threshold: "4.3785",
        context: &[(Element::Ca, "100"), (Element::K, "10")],
        expect: |a, side| a.oxidation.type_is_borderline() == (side != Ordering::Greater),
    },
    RatioRule {
        name: "OX-9 Na/K ≥ 2.5 healthy",
        numerator: Element::Na,
        denominator: Element::K,
        threshold: "2.5",
        // Ca/K and Na/Mg change side together (at K 1668), so the type is fast or slow.
        context: &[(Element::Ca, "6672"), (Element::Mg, "1000")],
        expect: |a, side| {
            use crate::domain::oxidation::Vitality;
            let wanted = match side {
                Ordering::Less => Vitality::Tired,
                _ => Vitality::Healthy,
            };
            match a.oxidation.oxidation_type {
                // Only exactly at K 1668 with Na nudged up: OX-9 does not apply to mixed.
                OxidationType::Mixed => a.oxidation.vitality.is_none(),
                _ => a.oxidation.vitality == Some(wanted),
            }
        },
    },
    RatioRule {
        name: "P-NAK-INV-SEVERE Na/K < 1.0",
        numerator: Element::Na,
        denominator: Element::K,
        threshold: "1.0",
        context: &[],
        expect: |a, side| {
            let severe = side == Ordering::Less;
            has(a, "P-NAK-INV-SEVERE") == severe && has(a, "P-NAK-INV") != severe
        },
    },
    RatioRule {
        name: "P-NAK-INV Na/K < 2.5",
        numerator: Element::Na,
        denominator: Element::K,
        threshold: "2.5",
        context: &[],
        expect: |a, side| has(a, "P-NAK-INV") == (side == Ordering::Less),
    },
    RatioRule {
        name: "P-NAK-HIGH Na/K > 4.0",
        numerator: Element::Na,
        denominator: Element::K,
        threshold: "4.0",
        context: &[],
        expect: |a, side| has(a, "P-NAK-HIGH") == (side == Ordering::Greater),
    },
    RatioRule {
        name: "P-NAK-VHIGH Na/K > 6.0",
        numerator: Element::Na,
        denominator: Element::K,
        threshold: "6.0",
        context: &[],
        expect: |a, side| {
            let very_high = side == Ordering::Greater;
            has(a, "P-NAK-VHIGH") == very_high && has(a, "P-NAK-HIGH") != very_high
        },
    },
    RatioRule {
        name: "P-ZNCU-LOW Zn/Cu < 6.0",
        numerator: Element::Zn,
        denominator: Element::Cu,
        threshold: "6.0",
        context: &[],
        expect: |a, side| has(a, "P-ZNCU-LOW") == (side == Ordering::Less),
    },
    RatioRule {
        name: "P-CAMG-LOW Ca/Mg < 3.3",
        numerator: Element::Ca,
        denominator: Element::Mg,
        threshold: "3.3",
        context: &[],
        expect: |a, side| has(a, "P-CAMG-LOW") == (side == Ordering::Less),
    },
    RatioRule {
        name: "P-CAMG-HIGH Ca/Mg > 10",
        numerator: Element::Ca,
        denominator: Element::Mg,
        threshold: "10",
        context: &[],
        expect: |a, side| has(a, "P-CAMG-HIGH") == (side == Ordering::Greater),
    },
];

/// A level rule: one element against `threshold`, other levels fixed.
struct LevelRule {
    name: &'static str,
    element: Element,
    threshold: &'static str,
    sex: Sex,
    context: &'static [(Element, &'static str)],
    expect: fn(&Analysis, Ordering) -> bool,
}

const LEVEL_RULES: &[LevelRule] = &[
    LevelRule {
        name: "P-K-LOW K < 4, P-SYMP-DOM K ≤ 4",
        element: Element::K,
        threshold: "4",
        sex: Sex::Unrecorded,
        context: &[
            (Element::Ca, "160"),
            (Element::Mg, "18"),
            (Element::Na, "8"),
        ],
        expect: |a, side| {
            has(a, "P-K-LOW") == (side == Ordering::Less)
                && has(a, "P-SYMP-DOM") == (side != Ordering::Greater)
        },
    },
    LevelRule {
        name: "P-K-VLOW K ≤ 2",
        element: Element::K,
        threshold: "2",
        sex: Sex::Unrecorded,
        context: &[],
        expect: |a, side| has(a, "P-K-VLOW") == (side != Ordering::Greater),
    },
    LevelRule {
        name: "P-P-LOW P < 13",
        element: Element::P,
        threshold: "13",
        sex: Sex::Unrecorded,
        context: &[],
        expect: |a, side| has(a, "P-P-LOW") == (side == Ordering::Less),
    },
    LevelRule {
        name: "P-P-VLOW P < 10",
        element: Element::P,
        threshold: "10",
        sex: Sex::Unrecorded,
        context: &[],
        expect: |a, side| has(a, "P-P-VLOW") == (side == Ordering::Less),
    },
    LevelRule {
        name: "P-CA-SHELL female Ca ≥ 165",
        element: Element::Ca,
        threshold: "165",
        sex: Sex::Female,
        context: &[],
        expect: |a, side| has(a, "P-CA-SHELL") == (side != Ordering::Less),
    },
    LevelRule {
        name: "P-CA-SHELL male Ca ≥ 155",
        element: Element::Ca,
        threshold: "155",
        sex: Sex::Male,
        context: &[],
        expect: |a, side| has(a, "P-CA-SHELL") == (side != Ordering::Less),
    },
    LevelRule {
        name: "P-CA-SHELL female 2× from 210",
        element: Element::Ca,
        threshold: "210",
        sex: Sex::Female,
        context: &[],
        expect: |a, side| {
            let multiple = if side == Ordering::Less { 1 } else { 2 };
            a.pattern("P-CA-SHELL").and_then(|p| p.multiple) == Some(multiple)
        },
    },
    LevelRule {
        name: "OX-3 four lows: Ca < 40",
        element: Element::Ca,
        threshold: "40",
        sex: Sex::Unrecorded,
        context: &[(Element::Mg, "4"), (Element::Na, "12"), (Element::K, "6")],
        expect: |a, side| {
            (a.oxidation.oxidation_type == OxidationType::FourLows) == (side == Ordering::Less)
        },
    },
    LevelRule {
        name: "OX-3 four lows: Na < 25",
        element: Element::Na,
        threshold: "25",
        sex: Sex::Unrecorded,
        context: &[(Element::Mg, "4"), (Element::Ca, "30"), (Element::K, "6")],
        expect: |a, side| {
            (a.oxidation.oxidation_type == OxidationType::FourLows) == (side == Ordering::Less)
        },
    },
    LevelRule {
        name: "OX-10 four lows mild from Ca 25",
        element: Element::Ca,
        threshold: "25",
        sex: Sex::Unrecorded,
        context: &[(Element::Mg, "4"), (Element::Na, "12"), (Element::K, "6")],
        expect: |a, side| {
            let degree = if side == Ordering::Less {
                Degree::Moderate
            } else {
                Degree::Mild
            };
            oxidation(a) == (OxidationType::FourLows, Some(degree))
        },
    },
    LevelRule {
        name: "OX-10 four lows extreme below Ca 12",
        element: Element::Ca,
        threshold: "12",
        sex: Sex::Unrecorded,
        context: &[(Element::Mg, "4"), (Element::Na, "12"), (Element::K, "6")],
        expect: |a, side| {
            let degree = if side == Ordering::Less {
                Degree::Extreme
            } else {
                Degree::Moderate
            };
            oxidation(a) == (OxidationType::FourLows, Some(degree))
        },
    },
    LevelRule {
        name: "P-FOUR-HIGHS Mg > 6",
        element: Element::Mg,
        threshold: "6",
        sex: Sex::Unrecorded,
        context: &[(Element::Ca, "41"), (Element::Na, "26"), (Element::K, "11")],
        expect: |a, side| has(a, "P-FOUR-HIGHS") == (side == Ordering::Greater),
    },
];

fn toxic_rules() -> Vec<(Element, String)> {
    ReferenceSet::eck_wilson()
        .toxic_high_above
        .iter()
        .map(|(metal, threshold)| (*metal, format!("{threshold}")))
        .collect()
}

fn unit_strategy() -> impl Strategy<Value = Unit> {
    prop_oneof![Just(Unit::MgPercent), Just(Unit::Ppm)]
}

fn sides() -> [Ordering; 3] {
    [Ordering::Less, Ordering::Equal, Ordering::Greater]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ratios_on_and_either_side_of_every_threshold(
        denominator_digits in 1u64..200_000,
        denominator_scale in 0u32..=4,
        unit in unit_strategy(),
    ) {
        for rule in RATIO_RULES {
            let threshold = d(rule.threshold);
            // The numerator printed with at most 4 decimals in `unit`.
            let max_scale = match unit { Unit::MgPercent => 4, Unit::Ppm => 5 };
            let scale = denominator_scale.min(max_scale - threshold.scale);
            let denominator = Dec { digits: denominator_digits, scale };
            let on = threshold.mul(denominator);
            prop_assert!(on.printed_scale(unit) <= 4);
            for side in sides() {
                let numerator = on.nudged(side, unit);
                let mut entries: Vec<(Element, Dec)> =
                    rule.context.iter().map(|(e, v)| (*e, d(v))).collect();
                entries.push((rule.numerator, numerator));
                entries.push((rule.denominator, denominator));
                let analysis = run(&entries, unit, Sex::Unrecorded);
                prop_assert!(
                    (rule.expect)(&analysis, side),
                    "{}: {} {} / {} {} ({side:?}) gave {} {:?} {:?}",
                    rule.name,
                    rule.numerator,
                    numerator.cell(unit),
                    rule.denominator,
                    denominator.cell(unit),
                    analysis.oxidation.evidence,
                    analysis.oxidation.borderline,
                    analysis.patterns.iter().map(|p| p.evidence.as_str()).collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn levels_on_and_either_side_of_every_threshold(
        extra_scale in 0u32..=4,
        unit in unit_strategy(),
    ) {
        let scale_of = |threshold: Dec| {
            let max_scale = match unit { Unit::MgPercent => 4, Unit::Ppm => 5 };
            threshold.scale.max(extra_scale.min(max_scale))
        };
        let widen = |threshold: Dec, scale: u32| Dec {
            digits: threshold.digits * 10u64.pow(scale - threshold.scale),
            scale,
        };
        for rule in LEVEL_RULES {
            let threshold = d(rule.threshold);
            let on = widen(threshold, scale_of(threshold));
            for side in sides() {
                let value = on.nudged(side, unit);
                let mut entries: Vec<(Element, Dec)> =
                    rule.context.iter().map(|(e, v)| (*e, d(v))).collect();
                entries.push((rule.element, value));
                let analysis = run(&entries, unit, rule.sex);
                prop_assert!(
                    (rule.expect)(&analysis, side),
                    "{}: {} {} {unit} ({side:?}) gave {} {:?}",
                    rule.name,
                    rule.element,
                    value.cell(unit),
                    analysis.oxidation.evidence,
                    analysis.patterns.iter().map(|p| p.evidence.as_str()).collect::<Vec<_>>()
                );
            }
        }
        for (metal, threshold) in toxic_rules() {
            let threshold = d(&threshold);
            let on = widen(threshold, scale_of(threshold));
            let id = format!("P-TOXIC-{}", metal.symbol());
            for side in sides() {
                let value = on.nudged(side, unit);
                let analysis = run(&[(metal, value)], unit, Sex::Unrecorded);
                prop_assert_eq!(has(&analysis, &id), side == Ordering::Greater,
                    "{} {} {}", id, value.cell(unit), unit);
            }
        }
    }
}

#[test]
fn the_issues_examples_land_on_the_rule_texts_side() {
    let mg = Unit::MgPercent;
    use Element::*;
    // Ca 66 / K 2.2 = 30: slow moderate, evidence "Ca/K 30.0".
    let a = run(
        &[(Ca, d("66")), (K, d("2.2")), (Na, d("30")), (Mg, d("30"))],
        mg,
        Sex::Unrecorded,
    );
    assert_eq!(oxidation(&a), (OxidationType::Slow, Some(Degree::Moderate)));
    assert!(a.oxidation.evidence.contains("30 ≤ Ca/K 30.0 ≤ 100"));
    // Ca 5.6 / K 14 = 0.4: fast moderate, not extreme.
    let a = run(
        &[(Ca, d("5.6")), (K, d("14")), (Na, d("100")), (Mg, d("1"))],
        mg,
        Sex::Unrecorded,
    );
    assert_eq!(oxidation(&a), (OxidationType::Fast, Some(Degree::Moderate)));
    // Na 5.6 / K 2.24 = 2.5: no inversion.
    let a = run(&[(Na, d("5.6")), (K, d("2.24"))], mg, Sex::Unrecorded);
    assert!(!has(&a, "P-NAK-INV"));
    // Na 13.8 / K 2.3 = 6.0: P-NAK-HIGH, not P-NAK-VHIGH.
    let a = run(&[(Na, d("13.8")), (K, d("2.3"))], mg, Sex::Unrecorded);
    assert!(has(&a, "P-NAK-HIGH") && !has(&a, "P-NAK-VHIGH"));
    // Zn 8.1 / Cu 1.35 = 6.0: no P-ZNCU-LOW.
    let a = run(&[(Zn, d("8.1")), (Cu, d("1.35"))], mg, Sex::Unrecorded);
    assert!(!has(&a, "P-ZNCU-LOW"));
}
