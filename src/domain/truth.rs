//! Three-valued conditions for the rules. HTMA.md: "rules that need a non-computable ratio do
//! not fire, and the analysis says which rules could not be evaluated and why". A condition is
//! therefore true (with the evidence that made it so), false, or unknown (with the reasons);
//! `and`/`or` follow Kleene logic, so a rule that is already decided by the data present (e.g.
//! "type fast and …" on a slow oxidizer) is evaluated even when other inputs are missing.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::domain::element::Element;
use crate::domain::exact::{compare_ratio, compare_values};
use crate::domain::level::MineralLevel;
use crate::domain::numbers::{format_against, format_threshold, format_value};
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
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Compare::Below => "<",
            Compare::AtMost => "≤",
            Compare::Above => ">",
            Compare::AtLeast => "≥",
        }
    }

    /// Whether `value compare threshold` holds, given `value`'s exact ordering against it.
    pub(crate) fn accepts(self, ordering: Ordering) -> bool {
        match self {
            Compare::Below => ordering == Ordering::Less,
            Compare::AtMost => ordering != Ordering::Greater,
            Compare::Above => ordering == Ordering::Greater,
            Compare::AtLeast => ordering != Ordering::Less,
        }
    }

    /// For a value known only to lie in [0, limit], given the limit's ordering against the
    /// threshold: the answer when the whole range gives the same one, else `None`.
    fn decided_on_range(self, limit_ordering: Ordering) -> Option<bool> {
        match (self, limit_ordering) {
            (Compare::Below, Ordering::Less) => Some(true),
            (Compare::AtMost, Ordering::Less | Ordering::Equal) => Some(true),
            (Compare::Above, Ordering::Less | Ordering::Equal) => Some(false),
            (Compare::AtLeast, Ordering::Less) => Some(false),
            _ => None,
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

/// `level compare threshold` for one element, decided exactly on the printed decimals. A
/// below-limit level is only known to lie at or under its limit, so the comparison is decided
/// only when the whole range [0, limit] gives the same answer (`<<` without a number is a limit
/// of 0, i.e. the lab's "practically none").
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
    let ordering = compare_values(level.mg_pct(), threshold);
    let evidence = || {
        let shown = if level.below_limit() {
            level.display()
        } else {
            format_against(level.mg_pct(), threshold, ordering)
        };
        format!(
            "{element} {shown} {} {}",
            compare.symbol(),
            format_threshold(threshold)
        )
    };
    if !level.below_limit() {
        return Truth::fact(compare.accepts(ordering), evidence);
    }
    match compare.decided_on_range(ordering) {
        Some(holds) => Truth::fact(holds, evidence),
        None => Truth::unknown(format!(
            "{element} is below a detection limit of {}, which does not tell whether it is {} {}",
            format_value(level.mg_pct()),
            compare.symbol(),
            format_threshold(threshold)
        )),
    }
}

/// What a ratio rule can use of one ratio.
enum RatioInput {
    /// Both levels measured: the exact quotient `numerator / denominator`.
    Exact {
        numerator: f64,
        denominator: f64,
    },
    /// The numerator is below its detection limit: the ratio lies in [0, bound], where bound
    /// is `limit / denominator`.
    AtMost {
        limit: f64,
        denominator: f64,
    },
    Unknown(String),
}

fn ratio_input(levels: &BTreeMap<Element, MineralLevel>, ratio: RatioId) -> RatioInput {
    match ratio.compute(levels) {
        RatioValue::NotComputable(reason) => {
            RatioInput::Unknown(format!("{ratio} not computable: {reason}"))
        }
        value => {
            let level = |element| levels.get(&element).map(MineralLevel::mg_pct);
            match (level(ratio.numerator()), level(ratio.denominator()), value) {
                (Some(numerator), Some(denominator), RatioValue::Computable(_)) => {
                    RatioInput::Exact {
                        numerator,
                        denominator,
                    }
                }
                (Some(limit), Some(denominator), RatioValue::Below(_)) => {
                    RatioInput::AtMost { limit, denominator }
                }
                _ => RatioInput::Unknown(format!("{ratio} not computed")),
            }
        }
    }
}

/// `ratio compare threshold`, decided exactly (`n / d` against `t` as `n` against `t · d`).
pub(crate) fn ratio_condition(
    levels: &BTreeMap<Element, MineralLevel>,
    ratio: RatioId,
    compare: Compare,
    threshold: f64,
) -> Truth {
    match ratio_input(levels, ratio) {
        RatioInput::Exact {
            numerator,
            denominator,
        } => {
            let ordering = compare_ratio(numerator, denominator, threshold);
            Truth::fact(compare.accepts(ordering), || {
                format!(
                    "{ratio} {} {} {}",
                    format_against(numerator / denominator, threshold, ordering),
                    compare.symbol(),
                    format_threshold(threshold)
                )
            })
        }
        RatioInput::AtMost { limit, denominator } => {
            let ordering = compare_ratio(limit, denominator, threshold);
            let bound = format_value(limit / denominator);
            match compare.decided_on_range(ordering) {
                Some(holds) => Truth::fact(holds, || {
                    format!(
                        "{ratio} <{bound} {} {}",
                        compare.symbol(),
                        format_threshold(threshold)
                    )
                }),
                None => Truth::unknown(format!(
                    "{ratio} is below {bound} ({} below its detection limit), which does not \
                     tell whether it is {} {}",
                    ratio.numerator(),
                    compare.symbol(),
                    format_threshold(threshold)
                )),
            }
        }
        RatioInput::Unknown(reason) => Truth::unknown(reason),
    }
}

/// `lower ≤ ratio < upper` (bounds as given), with one piece of evidence rather than two.
pub(crate) fn ratio_band(
    levels: &BTreeMap<Element, MineralLevel>,
    ratio: RatioId,
    lower: (Compare, f64),
    upper: (Compare, f64),
) -> Truth {
    let (lower_compare, lower_bound) = lower;
    let (upper_compare, upper_bound) = upper;
    let RatioInput::Exact {
        numerator,
        denominator,
    } = ratio_input(levels, ratio)
    else {
        return ratio_condition(levels, ratio, lower_compare, lower_bound).and(ratio_condition(
            levels,
            ratio,
            upper_compare,
            upper_bound,
        ));
    };
    let lower_ordering = compare_ratio(numerator, denominator, lower_bound);
    let upper_ordering = compare_ratio(numerator, denominator, upper_bound);
    let holds = lower_compare.accepts(lower_ordering) && upper_compare.accepts(upper_ordering);
    // Written as `1 ≤ Na/K 2.4 < 2.5`: the lower comparison reads right to left.
    let mirrored = match lower_compare {
        Compare::AtLeast => "≤",
        Compare::Above => "<",
        Compare::AtMost => "≥",
        Compare::Below => ">",
    };
    Truth::fact(holds, || {
        let value = numerator / denominator;
        let shown_lower = format_against(value, lower_bound, lower_ordering);
        let shown_upper = format_against(value, upper_bound, upper_ordering);
        // The longer text carries the digits both comparisons need.
        let shown = if shown_lower.len() >= shown_upper.len() {
            shown_lower
        } else {
            shown_upper
        };
        format!(
            "{} {mirrored} {ratio} {shown} {} {}",
            format_threshold(lower_bound),
            upper_compare.symbol(),
            format_threshold(upper_bound)
        )
    })
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
