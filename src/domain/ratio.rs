//! The seven significant ratios (HTMA.md, "Significant ratios"). A ratio is either a finite
//! number or not computable with a reason; infinity and NaN never leave this module.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::numbers::format_value;

/// Declaration order is the order of HTMA.md's ratio table, used in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RatioId {
    #[serde(rename = "Ca/P")]
    CaP,
    #[serde(rename = "Na/K")]
    NaK,
    #[serde(rename = "Ca/K")]
    CaK,
    #[serde(rename = "Zn/Cu")]
    ZnCu,
    #[serde(rename = "Na/Mg")]
    NaMg,
    #[serde(rename = "Ca/Mg")]
    CaMg,
    #[serde(rename = "Fe/Cu")]
    FeCu,
}

impl RatioId {
    pub const ALL: [RatioId; 7] = [
        RatioId::CaP,
        RatioId::NaK,
        RatioId::CaK,
        RatioId::ZnCu,
        RatioId::NaMg,
        RatioId::CaMg,
        RatioId::FeCu,
    ];

    /// The stable id of HTMA.md (`R-CaP`).
    pub fn id(self) -> &'static str {
        match self {
            RatioId::CaP => "R-CaP",
            RatioId::NaK => "R-NaK",
            RatioId::CaK => "R-CaK",
            RatioId::ZnCu => "R-ZnCu",
            RatioId::NaMg => "R-NaMg",
            RatioId::CaMg => "R-CaMg",
            RatioId::FeCu => "R-FeCu",
        }
    }

    /// The label shown and used as the JSON key (`Ca/P`).
    pub fn label(self) -> &'static str {
        match self {
            RatioId::CaP => "Ca/P",
            RatioId::NaK => "Na/K",
            RatioId::CaK => "Ca/K",
            RatioId::ZnCu => "Zn/Cu",
            RatioId::NaMg => "Na/Mg",
            RatioId::CaMg => "Ca/Mg",
            RatioId::FeCu => "Fe/Cu",
        }
    }

    pub fn numerator(self) -> Element {
        match self {
            RatioId::CaP | RatioId::CaK | RatioId::CaMg => Element::Ca,
            RatioId::NaK | RatioId::NaMg => Element::Na,
            RatioId::ZnCu => Element::Zn,
            RatioId::FeCu => Element::Fe,
        }
    }

    pub fn denominator(self) -> Element {
        match self {
            RatioId::CaP => Element::P,
            RatioId::NaK | RatioId::CaK => Element::K,
            RatioId::ZnCu | RatioId::FeCu => Element::Cu,
            RatioId::NaMg | RatioId::CaMg => Element::Mg,
        }
    }

    /// Accepts the label (`Ca/K`) or the id (`R-CaK`), ignoring case and spaces.
    pub fn parse(text: &str) -> Option<RatioId> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        RatioId::ALL.into_iter().find(|ratio| {
            ratio.label().eq_ignore_ascii_case(&compact)
                || ratio.id().eq_ignore_ascii_case(&compact)
        })
    }

    /// HTMA.md: not computable when either level is missing, or the denominator is 0 or below
    /// the detection limit. A numerator below its detection limit `<x` gives a ratio known only
    /// to lie below `x / denominator` ([`RatioValue::Below`]); a bare `<<` numerator (no limit
    /// given) gives nothing to bound it, so the ratio is not computable. The limit is never
    /// used as if it were measured.
    pub fn compute(self, levels: &BTreeMap<Element, MineralLevel>) -> RatioValue {
        let (numerator, denominator) = (self.numerator(), self.denominator());
        let Some(numerator_level) = levels.get(&numerator) else {
            return RatioValue::NotComputable(NotComputableReason::NotMeasured(numerator));
        };
        let Some(denominator_level) = levels.get(&denominator) else {
            return RatioValue::NotComputable(NotComputableReason::NotMeasured(denominator));
        };
        if denominator_level.below_limit() {
            return RatioValue::NotComputable(NotComputableReason::DenominatorBelowLimit(
                denominator,
            ));
        }
        if denominator_level.mg_pct() == 0.0 {
            return RatioValue::NotComputable(NotComputableReason::DenominatorZero(denominator));
        }
        if numerator_level.below_limit() && numerator_level.mg_pct() == 0.0 {
            return RatioValue::NotComputable(NotComputableReason::NumeratorWithoutLimit(
                numerator,
            ));
        }
        let value = numerator_level.mg_pct() / denominator_level.mg_pct();
        if !value.is_finite() {
            RatioValue::NotComputable(NotComputableReason::TooLarge)
        } else if numerator_level.below_limit() {
            RatioValue::Below(value)
        } else {
            RatioValue::Computable(value)
        }
    }
}

impl std::fmt::Display for RatioId {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", content = "element", rename_all = "snake_case")]
pub enum NotComputableReason {
    NotMeasured(Element),
    DenominatorZero(Element),
    DenominatorBelowLimit(Element),
    /// The numerator is `<<`: below the lab's limit with no number given.
    NumeratorWithoutLimit(Element),
    /// A tiny denominator overflowed the quotient; reported rather than stored as infinity.
    TooLarge,
}

impl std::fmt::Display for NotComputableReason {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotComputableReason::NotMeasured(element) => {
                write!(formatter, "{element} not measured")
            }
            NotComputableReason::DenominatorZero(element) => write!(formatter, "{element} is 0"),
            NotComputableReason::DenominatorBelowLimit(element) => {
                write!(formatter, "{element} is below the detection limit")
            }
            NotComputableReason::NumeratorWithoutLimit(element) => write!(
                formatter,
                "{element} is below the lab's limit with no number given"
            ),
            NotComputableReason::TooLarge => formatter.write_str("the ratio is too large"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatioValue {
    Computable(f64),
    /// The numerator is below its detection limit: the ratio is below this bound, and decides
    /// a rule only when every value under the bound gives the same answer.
    Below(f64),
    NotComputable(NotComputableReason),
}

impl RatioValue {
    /// The ratio when it is a number (not for a bound).
    pub fn value(&self) -> Option<f64> {
        match self {
            RatioValue::Computable(value) => Some(*value),
            RatioValue::Below(_) | RatioValue::NotComputable(_) => None,
        }
    }

    /// For people: `2.4`, `<0.25`, or `n/a`.
    pub fn display(&self) -> String {
        match self {
            RatioValue::Computable(value) => format_value(*value),
            RatioValue::Below(bound) => format!("<{}", format_value(*bound)),
            RatioValue::NotComputable(_) => "n/a".to_string(),
        }
    }
}

/// All seven ratios of one set of levels, in table order.
pub fn compute_all(levels: &BTreeMap<Element, MineralLevel>) -> BTreeMap<RatioId, RatioValue> {
    RatioId::ALL
        .into_iter()
        .map(|ratio| (ratio, ratio.compute(levels)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn levels(entries: &[(Element, f64, bool)]) -> BTreeMap<Element, MineralLevel> {
        entries
            .iter()
            .map(|(element, mg_pct, below)| (*element, MineralLevel::new(*mg_pct, *below).unwrap()))
            .collect()
    }

    #[test]
    fn ids_labels_and_elements() {
        let table: &[(RatioId, &str, &str, Element, Element)] = &[
            (RatioId::CaP, "R-CaP", "Ca/P", Element::Ca, Element::P),
            (RatioId::NaK, "R-NaK", "Na/K", Element::Na, Element::K),
            (RatioId::CaK, "R-CaK", "Ca/K", Element::Ca, Element::K),
            (RatioId::ZnCu, "R-ZnCu", "Zn/Cu", Element::Zn, Element::Cu),
            (RatioId::NaMg, "R-NaMg", "Na/Mg", Element::Na, Element::Mg),
            (RatioId::CaMg, "R-CaMg", "Ca/Mg", Element::Ca, Element::Mg),
            (RatioId::FeCu, "R-FeCu", "Fe/Cu", Element::Fe, Element::Cu),
        ];
        assert_eq!(table.len(), RatioId::ALL.len());
        for (ratio, id, label, numerator, denominator) in table {
            assert_eq!(ratio.id(), *id);
            assert_eq!(ratio.label(), *label);
            assert_eq!(ratio.numerator(), *numerator);
            assert_eq!(ratio.denominator(), *denominator);
            assert_eq!(RatioId::parse(label), Some(*ratio));
            assert_eq!(RatioId::parse(id), Some(*ratio));
            assert_eq!(
                serde_json::to_string(ratio).unwrap(),
                format!("\"{label}\"")
            );
        }
    }

    #[test]
    fn computability_table() {
        use Element::*;
        use NotComputableReason::*;
        type Entries = Vec<(Element, f64, bool)>;
        let cases: Vec<(Entries, RatioValue)> = vec![
            (
                vec![(Ca, 160.0, false), (K, 2.0, false)],
                RatioValue::Computable(80.0),
            ),
            (
                vec![(Ca, 0.0, false), (K, 2.0, false)],
                RatioValue::Computable(0.0),
            ),
            // A below-limit numerator bounds the ratio; `<<` without a number does not.
            (
                vec![(Ca, 0.5, true), (K, 2.0, false)],
                RatioValue::Below(0.25),
            ),
            (
                vec![(Ca, 0.0, true), (K, 2.0, false)],
                RatioValue::NotComputable(NumeratorWithoutLimit(Ca)),
            ),
            (
                vec![(K, 2.0, false)],
                RatioValue::NotComputable(NotMeasured(Ca)),
            ),
            (
                vec![(Ca, 160.0, false)],
                RatioValue::NotComputable(NotMeasured(K)),
            ),
            (
                vec![(Ca, 160.0, false), (K, 0.0, false)],
                RatioValue::NotComputable(DenominatorZero(K)),
            ),
            (
                vec![(Ca, 160.0, false), (K, 0.001, true)],
                RatioValue::NotComputable(DenominatorBelowLimit(K)),
            ),
            (
                vec![(Ca, f64::MAX, false), (K, 1e-10, false)],
                RatioValue::NotComputable(TooLarge),
            ),
        ];
        for (entries, expected) in cases {
            assert_eq!(
                RatioId::CaK.compute(&levels(&entries)),
                expected,
                "{entries:?}"
            );
        }
    }

    #[test]
    fn compute_all_has_seven_entries() {
        let all = compute_all(&BTreeMap::new());
        assert_eq!(
            all.keys().copied().collect::<Vec<_>>(),
            RatioId::ALL.to_vec()
        );
        assert!(all.values().all(|value| value.value().is_none()));
    }

    proptest! {
        #[test]
        fn ratio_is_monotone_in_numerator(
            smaller in 0.0f64..1.0e6,
            extra in 0.0f64..1.0e6,
            denominator in 1.0e-6f64..1.0e6,
        ) {
            let larger = smaller + extra;
            let small = RatioId::ZnCu.compute(&levels(&[(Element::Zn, smaller, false), (Element::Cu, denominator, false)]));
            let large = RatioId::ZnCu.compute(&levels(&[(Element::Zn, larger, false), (Element::Cu, denominator, false)]));
            match (small.value(), large.value()) {
                (Some(small), Some(large)) => prop_assert!(small <= large),
                other => prop_assert!(false, "not computable: {:?}", other),
            }
        }

        #[test]
        fn ratio_is_never_infinite_or_nan(
            // Every bit pattern below the exponent-all-ones range is a finite double ≥ 0.
            numerator_bits in 0u64..0x7FF0_0000_0000_0000,
            denominator_bits in 0u64..0x7FF0_0000_0000_0000,
            below in any::<bool>(),
        ) {
            let numerator = MineralLevel::measured(f64::from_bits(numerator_bits));
            let denominator = MineralLevel::new(f64::from_bits(denominator_bits), below);
            prop_assert!(numerator.is_ok() && denominator.is_ok());
            let mut entries = BTreeMap::new();
            entries.extend(numerator.ok().map(|level| (Element::Na, level)));
            entries.extend(denominator.ok().map(|level| (Element::Mg, level)));
            if let Some(value) = RatioId::NaMg.compute(&entries).value() {
                prop_assert!(value.is_finite());
            }
        }
    }
}
