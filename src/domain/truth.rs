//! Three-valued conditions for the rules. HTMA.md: "rules that need a non-computable ratio do
//! not fire, and the analysis says which rules could not be evaluated and why". A condition is
//! therefore true (with the evidence that made it so), false, or unknown (with the reasons);
//! `and`/`or` follow Kleene logic, so a rule that is already decided by the data present (e.g.
//! "type fast and …" on a slow oxidizer) is evaluated even when other inputs are missing.

use std::collections::BTreeMap;

use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::numbers::{format_threshold, format_value};
use crate::domain::ratio::{RatioId, RatioValue};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Truth {
    True(Vec<String>),
    False,
    Unknown(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compare {
    Below,
    AtMost,
    Above,
    AtLeast,
}

impl Compare {
    fn symbol(self) -> &'static str {
        match self {
            Compare::Below => "<",
            Compare::AtMost => "≤",
            Compare::Above => ">",
            Compare::AtLeast => "≥",
        }
    }

    fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Compare::Below => value < threshold,
            Compare::AtMost => value <= threshold,
            Compare::Above => value > threshold,
            Compare::AtLeast => value >= threshold,
        }
    }
}

impl Truth {
    pub(crate) fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True(mut left), Truth::True(right)) => {
                left.extend(right);
                Truth::True(left)
            }
            (Truth::Unknown(mut left), Truth::Unknown(right)) => {
                left.extend(right);
                Truth::Unknown(left)
            }
            (Truth::Unknown(reasons), Truth::True(_))
            | (Truth::True(_), Truth::Unknown(reasons)) => Truth::Unknown(reasons),
        }
    }

    pub(crate) fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True(mut left), Truth::True(right)) => {
                left.extend(right);
                Truth::True(left)
            }
            (Truth::True(evidence), _) | (_, Truth::True(evidence)) => Truth::True(evidence),
            (Truth::False, Truth::False) => Truth::False,
            (Truth::Unknown(mut left), Truth::Unknown(right)) => {
                left.extend(right);
                Truth::Unknown(left)
            }
            (Truth::Unknown(reasons), Truth::False) | (Truth::False, Truth::Unknown(reasons)) => {
                Truth::Unknown(reasons)
            }
        }
    }

    pub(crate) fn all(conditions: impl IntoIterator<Item = Truth>) -> Truth {
        conditions
            .into_iter()
            .fold(Truth::True(Vec::new()), Truth::and)
    }

    pub(crate) fn any(conditions: impl IntoIterator<Item = Truth>) -> Truth {
        conditions.into_iter().fold(Truth::False, Truth::or)
    }

    pub(crate) fn fact(holds: bool, evidence: impl FnOnce() -> String) -> Truth {
        if holds {
            Truth::True(vec![evidence()])
        } else {
            Truth::False
        }
    }

    pub(crate) fn unknown(reason: impl Into<String>) -> Truth {
        Truth::Unknown(vec![reason.into()])
    }
}

/// Joins evidence or reasons for people, dropping repeats ("K not measured" may come from two
/// branches of one rule).
pub(crate) fn join_unique(parts: &[String]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for part in parts {
        if !unique.contains(&part.as_str()) {
            unique.push(part);
        }
    }
    unique.join(", ")
}

/// `level compare threshold` for one element. A below-limit level is only known to lie at or
/// under its limit, so the comparison is decided only when the whole range [0, limit] gives the
/// same answer (`<<` without a number is a limit of 0, i.e. the lab's "practically none").
pub(crate) fn level_condition(
    levels: &BTreeMap<Element, MineralLevel>,
    element: Element,
    compare: Compare,
    threshold: Option<f64>,
    threshold_name: &str,
) -> Truth {
    let Some(threshold) = threshold else {
        return Truth::unknown(format!(
            "the reference set has no {threshold_name} for {element}"
        ));
    };
    let Some(level) = levels.get(&element) else {
        return Truth::unknown(format!("{element} not measured"));
    };
    let evidence = || {
        format!(
            "{element} {} {} {}",
            level.display(),
            compare.symbol(),
            format_threshold(threshold)
        )
    };
    if !level.below_limit() {
        return Truth::fact(compare.holds(level.mg_pct(), threshold), evidence);
    }
    let limit = level.mg_pct();
    let decided = match compare {
        Compare::Below if limit < threshold => Some(true),
        Compare::AtMost if limit <= threshold => Some(true),
        Compare::Above if limit <= threshold => Some(false),
        Compare::AtLeast if limit < threshold => Some(false),
        _ => None,
    };
    match decided {
        Some(holds) => Truth::fact(holds, evidence),
        None => Truth::unknown(format!(
            "{element} is below a detection limit of {}, which does not tell whether it is {} {}",
            format_value(limit),
            compare.symbol(),
            format_threshold(threshold)
        )),
    }
}

pub(crate) fn ratio_condition(
    ratios: &BTreeMap<RatioId, RatioValue>,
    ratio: RatioId,
    compare: Compare,
    threshold: f64,
) -> Truth {
    match ratios.get(&ratio) {
        Some(RatioValue::Computable(value)) => {
            Truth::fact(compare.holds(*value, threshold), || {
                format!(
                    "{ratio} {} {} {}",
                    format_value(*value),
                    compare.symbol(),
                    format_threshold(threshold)
                )
            })
        }
        Some(RatioValue::NotComputable(reason)) => {
            Truth::unknown(format!("{ratio} not computable: {reason}"))
        }
        None => Truth::unknown(format!("{ratio} not computed")),
    }
}

/// `lower ≤ ratio < upper` (bounds as given), with one piece of evidence rather than two.
pub(crate) fn ratio_band(
    ratios: &BTreeMap<RatioId, RatioValue>,
    ratio: RatioId,
    lower: (Compare, f64),
    upper: (Compare, f64),
) -> Truth {
    match ratios.get(&ratio) {
        Some(RatioValue::Computable(value)) => {
            let (lower_compare, lower_bound) = lower;
            let (upper_compare, upper_bound) = upper;
            let holds = lower_compare.holds(*value, lower_bound)
                && upper_compare.holds(*value, upper_bound);
            // Written as `1 ≤ Na/K 2.4 < 2.5`: the lower comparison reads right to left.
            let mirrored = match lower_compare {
                Compare::AtLeast => "≤",
                Compare::Above => "<",
                Compare::AtMost => "≥",
                Compare::Below => ">",
            };
            Truth::fact(holds, || {
                format!(
                    "{} {mirrored} {ratio} {} {} {}",
                    format_threshold(lower_bound),
                    format_value(*value),
                    upper_compare.symbol(),
                    format_threshold(upper_bound)
                )
            })
        }
        Some(RatioValue::NotComputable(reason)) => {
            Truth::unknown(format!("{ratio} not computable: {reason}"))
        }
        None => Truth::unknown(format!("{ratio} not computed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Truth {
        Truth::True(vec!["t".into()])
    }
    fn u() -> Truth {
        Truth::unknown("u")
    }

    #[test]
    fn kleene_tables() {
        let f = || Truth::False;
        let and_cases = [
            (t(), t(), "T"),
            (t(), f(), "F"),
            (t(), u(), "U"),
            (f(), u(), "F"),
            (u(), f(), "F"),
            (u(), u(), "U"),
            (f(), f(), "F"),
        ];
        let or_cases = [
            (t(), t(), "T"),
            (t(), f(), "T"),
            (t(), u(), "T"),
            (u(), t(), "T"),
            (f(), u(), "U"),
            (u(), u(), "U"),
            (f(), f(), "F"),
        ];
        let letter = |truth: &Truth| match truth {
            Truth::True(_) => "T",
            Truth::False => "F",
            Truth::Unknown(_) => "U",
        };
        for (left, right, expected) in and_cases {
            assert_eq!(letter(&left.and(right)), expected);
        }
        for (left, right, expected) in or_cases {
            assert_eq!(letter(&left.or(right)), expected);
        }
    }

    #[test]
    fn below_limit_levels_decide_only_when_the_whole_range_agrees() {
        let below = |limit: f64| -> BTreeMap<Element, MineralLevel> {
            [(
                Element::K,
                MineralLevel::below_detection_limit(limit).unwrap(),
            )]
            .into()
        };
        let is_true = |truth: Truth| matches!(truth, Truth::True(_));
        let is_false = |truth: Truth| truth == Truth::False;
        let is_unknown = |truth: Truth| matches!(truth, Truth::Unknown(_));
        let k = Element::K;
        assert!(is_true(level_condition(
            &below(0.5),
            k,
            Compare::Below,
            Some(4.0),
            "x"
        )));
        assert!(is_unknown(level_condition(
            &below(5.0),
            k,
            Compare::Below,
            Some(4.0),
            "x"
        )));
        assert!(is_true(level_condition(
            &below(4.0),
            k,
            Compare::AtMost,
            Some(4.0),
            "x"
        )));
        assert!(is_false(level_condition(
            &below(0.5),
            k,
            Compare::Above,
            Some(4.0),
            "x"
        )));
        assert!(is_unknown(level_condition(
            &below(5.0),
            k,
            Compare::Above,
            Some(4.0),
            "x"
        )));
        assert!(is_false(level_condition(
            &below(0.0),
            k,
            Compare::AtLeast,
            Some(4.0),
            "x"
        )));
        assert!(is_unknown(level_condition(
            &BTreeMap::new(),
            k,
            Compare::Below,
            Some(4.0),
            "x"
        )));
        assert!(is_unknown(level_condition(
            &below(1.0),
            k,
            Compare::Below,
            None,
            "ideal"
        )));
    }
}
