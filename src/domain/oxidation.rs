//! Oxidation type and degree (HTMA.md, "Oxidation type", rules OX-1 … OX-10; OX-11 is a
//! caveat added by the analysis, which knows the client's age).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::caveat::Caveat;
use crate::domain::element::Element;
use crate::domain::exact::{compare_log_distances, ratio_within_margin, LogDistance};
use crate::domain::level::MineralLevel;
use crate::domain::numbers::{format_threshold, format_value};
use crate::domain::ratio::{RatioId, RatioValue};
use crate::domain::reference::ReferenceSet;
use crate::domain::truth::{
    join_unique, level_condition, ratio_band, ratio_condition, Compare, Truth,
};

pub const OX_1: &str = "OX-1";
pub const OX_2: &str = "OX-2";
pub const OX_3: &str = "OX-3";
pub const OX_4: &str = "OX-4";
pub const OX_5: &str = "OX-5";
pub const OX_6: &str = "OX-6";
pub const OX_7: &str = "OX-7";
pub const OX_8: &str = "OX-8";
pub const OX_9: &str = "OX-9";
pub const OX_10: &str = "OX-10";
pub const OX_11: &str = "OX-11";

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
    /// `None` when the ratio does not tell the side (not computable, or a below-limit bound
    /// that straddles the threshold).
    pub side: Option<Side>,
    /// `Ca/K 80.0 ≥ 4`, or why the side is unknown; digits enough to agree with the side.
    comparison: String,
}

impl SideEvidence {
    /// OX-1 / OX-2 for one ratio: `fast_when` is how the ratio compares with the threshold on
    /// the fast side (Ca/K below, Na/Mg above), decided exactly.
    fn of(
        levels: &BTreeMap<Element, MineralLevel>,
        rule: &'static str,
        ratio: RatioId,
        threshold: f64,
        fast_when: Compare,
    ) -> SideEvidence {
        let value = ratio.compute(levels);
        let slow_when = match fast_when {
            Compare::Below => Compare::AtLeast,
            Compare::AtLeast => Compare::Below,
            Compare::Above => Compare::AtMost,
            Compare::AtMost => Compare::Above,
        };
        let (side, comparison) = match ratio_condition(levels, ratio, fast_when, threshold) {
            Truth::True(evidence) => (Some(Side::Fast), join_unique(&evidence)),
            Truth::False => match ratio_condition(levels, ratio, slow_when, threshold) {
                Truth::True(evidence) => (Some(Side::Slow), join_unique(&evidence)),
                Truth::False | Truth::Unknown(_) => (None, format!("{ratio} not computable")),
            },
            Truth::Unknown(reasons) => (None, join_unique(&reasons)),
        };
        SideEvidence {
            rule,
            ratio,
            value,
            threshold,
            side,
            comparison,
        }
    }

    /// `Ca/K 80.0 ≥ 4: slow side (OX-1)` or `Ca/K not computable: K is 0 (OX-1)`.
    pub fn describe(&self) -> String {
        match self.side {
            Some(side) => format!(
                "{}: {} side ({})",
                self.comparison,
                side.as_str(),
                self.rule
            ),
            None => format!("{} ({})", self.comparison, self.rule),
        }
    }
}

/// OX-7 (an app convention, not an Eck rule): a deciding ratio close to its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Borderline {
    pub ratio: RatioId,
    pub value: f64,
    pub threshold: f64,
    /// |value − threshold| as a percentage of the threshold.
    pub distance_pct: f64,
    /// `false`: the ratio decides the type (Ca/K against 4, Na/Mg against 4.17); `true`: it
    /// only decides the degree (OX-6 bounds).
    pub degree_only: bool,
}

impl Borderline {
    /// `borderline: Ca/K 3.9 is 2.5 % from 4` (for people; the convention is named where shown).
    pub fn describe(&self) -> String {
        format!(
            "borderline{}: {} {} is {} % from {}",
            if self.degree_only { " degree" } else { "" },
            self.ratio,
            format_value(self.value),
            format_value(self.distance_pct).trim_end_matches(".0"),
            format_threshold(self.threshold)
        )
    }
}

/// OX-9: how a fast or slow oxidizer's Na/K reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vitality {
    Healthy,
    Tired,
}

impl Vitality {
    pub fn as_str(self) -> &'static str {
        match self {
            Vitality::Healthy => "healthy",
            Vitality::Tired => "tired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OxidationResult {
    pub oxidation_type: OxidationType,
    /// OX-6 for `fast` and `slow` (from Ca/K), OX-10 for `four_lows` (from Ca).
    pub degree: Option<Degree>,
    /// The rule that decided the type: OX-3 (four lows), OX-4 (sides) or OX-5 (undetermined).
    pub decided_by: &'static str,
    pub ca_k: SideEvidence,
    pub na_mg: SideEvidence,
    /// A sentence of evidence for people: the four lows, or both sides and the degree band.
    pub evidence: String,
    pub undetermined_reason: Option<String>,
    pub caveats: Vec<Caveat>,
    /// OX-7: the type (or else the degree) is decided by a ratio within the margin.
    pub borderline: Option<Borderline>,
    /// OX-8: for `mixed`, the side of the ratio further from its threshold.
    pub lean: Option<Side>,
    /// OX-9: for `fast` and `slow`, from Na/K.
    pub vitality: Option<Vitality>,
}

impl OxidationResult {
    /// For people: `slow moderate`, `mixed`, `four lows mild` (`separator` between type and
    /// degree).
    pub fn label(&self, separator: &str) -> String {
        let kind = self.oxidation_type.as_str().replace('_', " ");
        match self.degree {
            Some(degree) => format!("{kind}{separator}{}", degree.as_str()),
            None => kind,
        }
    }

    /// The fuller reading (OX-8, OX-9): `tired slow oxidizer`, `mixed, leaning slow`.
    pub fn reading(&self) -> Option<String> {
        match (self.oxidation_type, self.lean, self.vitality) {
            (OxidationType::Mixed, Some(lean), _) => {
                Some(format!("mixed, leaning {}", lean.as_str()))
            }
            (kind @ (OxidationType::Fast | OxidationType::Slow), _, Some(vitality)) => {
                Some(format!("{} {kind} oxidizer", vitality.as_str()))
            }
            _ => None,
        }
    }

    /// The label with the fuller reading and the borderline note, for summaries and exports:
    /// `slow moderate (tired slow oxidizer; borderline: Ca/K 4.1 is 2.5 % from 4)`.
    pub fn full_label(&self) -> String {
        let mut label = match (self.oxidation_type, self.reading()) {
            (OxidationType::Mixed, Some(reading)) => reading,
            _ => self.label(" "),
        };
        let notes: Vec<String> = self
            .reading()
            .filter(|_| self.oxidation_type != OxidationType::Mixed)
            .into_iter()
            .chain(self.borderline.map(|borderline| borderline.describe()))
            .collect();
        if !notes.is_empty() {
            label.push_str(&format!(" ({})", notes.join("; ")));
        }
        label
    }

    /// Whether the type itself (not only the degree) is borderline: what makes a CMP-2 type
    /// change a borderline change.
    pub fn type_is_borderline(&self) -> bool {
        self.borderline
            .is_some_and(|borderline| !borderline.degree_only)
    }
}

/// Applies OX-1 … OX-10 to one sample's levels. Every threshold comparison is exact on the
/// printed decimals (HTMA.md, "Exactness"). `_ratios` is kept for callers that computed them;
/// the rules read the levels, so a ratio is never compared after a rounding division.
pub fn classify_oxidation(
    levels: &BTreeMap<Element, MineralLevel>,
    _ratios: &BTreeMap<RatioId, RatioValue>,
    reference: &ReferenceSet,
) -> OxidationResult {
    let thresholds = &reference.oxidation;
    // OX-1: Ca/K < threshold is the fast side, ≥ the slow side.
    let ca_k = SideEvidence::of(
        levels,
        OX_1,
        RatioId::CaK,
        thresholds.ca_k_slow_side_from,
        Compare::Below,
    );
    // OX-2: Na/Mg > threshold is the fast side, ≤ the slow side.
    let na_mg = SideEvidence::of(
        levels,
        OX_2,
        RatioId::NaMg,
        thresholds.na_mg_fast_side_above,
        Compare::Above,
    );

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
    let base = OxidationResult {
        oxidation_type: OxidationType::Undetermined,
        degree: None,
        decided_by: OX_5,
        ca_k: ca_k.clone(),
        na_mg: na_mg.clone(),
        evidence: sides_evidence.clone(),
        undetermined_reason: None,
        caveats: Vec::new(),
        borderline: None,
        lean: None,
        vitality: None,
    };

    match (&four_lows, ca_k.side, na_mg.side) {
        (Truth::True(evidence), _, _) => {
            let degree = four_lows_degree(levels, reference);
            let degree_evidence = degree
                .as_ref()
                .map(|(degree, band)| format!("; {band}: {} ({OX_10})", degree.as_str()))
                .unwrap_or_default();
            OxidationResult {
                oxidation_type: OxidationType::FourLows,
                degree: degree.map(|(degree, _)| degree),
                decided_by: OX_3,
                evidence: format!(
                    "four lows ({OX_3}): {}{degree_evidence}",
                    join_unique(evidence)
                ),
                ..base
            }
        }
        // OX-5: a deciding ratio is not computable (or its bound does not tell the side).
        (_, None, _) | (_, _, None) => {
            let reasons: Vec<String> = [&ca_k, &na_mg]
                .into_iter()
                .filter(|side| side.side.is_none())
                .map(|side| side.comparison.clone())
                .collect();
            OxidationResult {
                undetermined_reason: Some(reasons.join("; ")),
                ..base
            }
        }
        (Truth::Unknown(reasons), Some(_), Some(_)) => OxidationResult {
            decided_by: OX_3,
            undetermined_reason: Some(format!(
                "the four-lows check ({OX_3}) could not be made: {}",
                join_unique(reasons)
            )),
            ..base
        },
        (Truth::False, Some(ca_k_side), Some(na_mg_side)) => {
            // OX-4: both fast → fast, both slow → slow, one of each → mixed.
            let oxidation_type = match (ca_k_side, na_mg_side) {
                (Side::Fast, Side::Fast) => OxidationType::Fast,
                (Side::Slow, Side::Slow) => OxidationType::Slow,
                _ => OxidationType::Mixed,
            };
            let degree = degree_of(levels, oxidation_type, reference);
            let evidence = match &degree {
                Some((degree, band)) => {
                    format!("{sides_evidence}; {band}: {} ({OX_6})", degree.as_str())
                }
                None => sides_evidence.clone(),
            };
            let lean = match oxidation_type {
                OxidationType::Mixed => lean_of(levels, reference, ca_k_side, na_mg_side),
                _ => None,
            };
            OxidationResult {
                oxidation_type,
                degree: degree.map(|(degree, _)| degree),
                decided_by: OX_4,
                evidence,
                borderline: borderline_of(levels, oxidation_type, reference),
                lean,
                vitality: vitality_of(levels, oxidation_type, reference),
                ..base
            }
        }
    }
}

/// OX-6, from Ca/K, decided exactly. Returns the degree and the band it fell in, for the
/// evidence; `None` for types without a degree, or when a below-limit Ca leaves it open.
fn degree_of(
    levels: &BTreeMap<Element, MineralLevel>,
    oxidation_type: OxidationType,
    reference: &ReferenceSet,
) -> Option<(Degree, String)> {
    let thresholds = &reference.oxidation;
    let (low, high, below_low, between, above_high) = match oxidation_type {
        OxidationType::Fast => (
            thresholds.fast_extreme_below,
            thresholds.fast_mild_above,
            Degree::Extreme,
            Degree::Moderate,
            Degree::Mild,
        ),
        OxidationType::Slow => (
            thresholds.slow_mild_below,
            thresholds.slow_extreme_above,
            Degree::Mild,
            Degree::Moderate,
            Degree::Extreme,
        ),
        OxidationType::Mixed | OxidationType::FourLows | OxidationType::Undetermined => {
            return None
        }
    };
    let bands = [
        (
            below_low,
            ratio_condition(levels, RatioId::CaK, Compare::Below, low),
        ),
        (
            between,
            ratio_band(
                levels,
                RatioId::CaK,
                (Compare::AtLeast, low),
                (Compare::AtMost, high),
            ),
        ),
        (
            above_high,
            ratio_condition(levels, RatioId::CaK, Compare::Above, high),
        ),
    ];
    bands
        .into_iter()
        .find_map(|(degree, condition)| match condition {
            Truth::True(evidence) => Some((degree, join_unique(&evidence))),
            Truth::False | Truth::Unknown(_) => None,
        })
}

/// OX-10: four lows graded by calcium (Ca ≥ 25 mild, 12 ≤ Ca < 25 moderate, Ca < 12 extreme).
fn four_lows_degree(
    levels: &BTreeMap<Element, MineralLevel>,
    reference: &ReferenceSet,
) -> Option<(Degree, String)> {
    let thresholds = &reference.reading;
    let calcium = |compare, threshold| {
        level_condition(levels, Element::Ca, compare, Some(threshold), "threshold")
    };
    let bands = [
        (
            Degree::Mild,
            calcium(Compare::AtLeast, thresholds.four_lows_mild_from),
        ),
        (
            Degree::Moderate,
            calcium(Compare::AtLeast, thresholds.four_lows_moderate_from)
                .and(calcium(Compare::Below, thresholds.four_lows_mild_from)),
        ),
        (
            Degree::Extreme,
            calcium(Compare::Below, thresholds.four_lows_moderate_from),
        ),
    ];
    bands
        .into_iter()
        .find_map(|(degree, condition)| match condition {
            Truth::True(evidence) => Some((degree, join_unique(&evidence))),
            Truth::False | Truth::Unknown(_) => None,
        })
}

/// The measured numerator and denominator of a ratio, when both are plain numbers.
fn measured_pair(levels: &BTreeMap<Element, MineralLevel>, ratio: RatioId) -> Option<(f64, f64)> {
    let numerator = levels.get(&ratio.numerator())?;
    let denominator = levels.get(&ratio.denominator())?;
    (!numerator.below_limit() && !denominator.below_limit() && denominator.mg_pct() > 0.0)
        .then(|| (numerator.mg_pct(), denominator.mg_pct()))
}

/// OX-7: the deciding ratio closest to its threshold within the margin; the degree's bounds
/// only when the type's are not borderline.
fn borderline_of(
    levels: &BTreeMap<Element, MineralLevel>,
    oxidation_type: OxidationType,
    reference: &ReferenceSet,
) -> Option<Borderline> {
    let thresholds = &reference.oxidation;
    let margin = reference.reading.borderline_margin;
    let candidate = |ratio: RatioId, threshold: f64, degree_only: bool| {
        let (numerator, denominator) = measured_pair(levels, ratio)?;
        if threshold <= 0.0 || !ratio_within_margin(numerator, denominator, threshold, margin) {
            return None;
        }
        let value = numerator / denominator;
        Some(Borderline {
            ratio,
            value,
            threshold,
            distance_pct: ((value - threshold) / threshold * 100.0).abs(),
            degree_only,
        })
    };
    let closest = |candidates: Vec<Option<Borderline>>| {
        candidates
            .into_iter()
            .flatten()
            .min_by(|a, b| a.distance_pct.total_cmp(&b.distance_pct))
    };
    let type_candidates = vec![
        candidate(RatioId::CaK, thresholds.ca_k_slow_side_from, false),
        candidate(RatioId::NaMg, thresholds.na_mg_fast_side_above, false),
    ];
    let degree_candidates = match oxidation_type {
        OxidationType::Fast => vec![
            candidate(RatioId::CaK, thresholds.fast_extreme_below, true),
            candidate(RatioId::CaK, thresholds.fast_mild_above, true),
        ],
        OxidationType::Slow => vec![
            candidate(RatioId::CaK, thresholds.slow_mild_below, true),
            candidate(RatioId::CaK, thresholds.slow_extreme_above, true),
        ],
        _ => Vec::new(),
    };
    closest(type_candidates).or_else(|| closest(degree_candidates))
}

/// OX-8: for `mixed`, the side of the ratio further from its threshold on a log scale
/// (|ln(Ca/K ÷ 4)| against |ln(Na/Mg ÷ 4.17)|), compared exactly; equal distances: no lean.
fn lean_of(
    levels: &BTreeMap<Element, MineralLevel>,
    reference: &ReferenceSet,
    ca_k_side: Side,
    na_mg_side: Side,
) -> Option<Side> {
    let thresholds = &reference.oxidation;
    let distance = |ratio: RatioId, threshold: f64| {
        measured_pair(levels, ratio)
            .map(|(numerator, denominator)| LogDistance::of(numerator, denominator, threshold))
    };
    let ca_k = distance(RatioId::CaK, thresholds.ca_k_slow_side_from)?;
    let na_mg = distance(RatioId::NaMg, thresholds.na_mg_fast_side_above)?;
    match compare_log_distances(ca_k.as_ref(), na_mg.as_ref()) {
        Ordering::Greater => Some(ca_k_side),
        Ordering::Less => Some(na_mg_side),
        Ordering::Equal => None,
    }
}

/// OX-9: Na/K ≥ 2.5 healthy, < 2.5 tired, for `fast` and `slow` only.
fn vitality_of(
    levels: &BTreeMap<Element, MineralLevel>,
    oxidation_type: OxidationType,
    reference: &ReferenceSet,
) -> Option<Vitality> {
    if !matches!(oxidation_type, OxidationType::Fast | OxidationType::Slow) {
        return None;
    }
    match ratio_condition(
        levels,
        RatioId::NaK,
        Compare::AtLeast,
        reference.reading.vitality_na_k_healthy_from,
    ) {
        Truth::True(_) => Some(Vitality::Healthy),
        Truth::False => Some(Vitality::Tired),
        Truth::Unknown(_) => None,
    }
}

#[cfg(test)]
mod tests;
