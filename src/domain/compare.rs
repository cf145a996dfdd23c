//! Comparing consecutive tests of one client (HTMA.md, CMP-1 … CMP-3). Flags are derived data:
//! re-deriving them from the same tests gives the same flags with the same `key()`, which is
//! how stored flags (and their acknowledgements) are matched.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::domain::analysis::{analyze, Analysis, HairSample};
use crate::domain::element::{Element, ElementKind};
use crate::domain::level::MineralLevel;
use crate::domain::numbers::format_value;
use crate::domain::oxidation::{Borderline, Degree, OxidationType};
use crate::domain::pattern::{
    Pattern, P_CA_SHELL, P_FOUR_HIGHS, P_K_LOW, P_K_VLOW, P_NAK_INV, P_NAK_INV_SEVERE,
    P_TOXIC_PREFIX,
};
use crate::domain::ratio::RatioId;
use crate::domain::reference::ReferenceSet;
use crate::domain::truth::Truth;
use crate::domain::wilson::{poor_eliminator_condition, P_BURNED_OUT, P_HIDDEN_CU, P_POOR_ELIM};

pub const CMP_1: &str = "CMP-1";
pub const CMP_2: &str = "CMP-2";
pub const CMP_3: &str = "CMP-3";

/// CMP-3: the pattern families whose appearance or resolution is flagged.
pub fn is_flagged_pattern(id: &str) -> bool {
    [
        P_NAK_INV,
        P_NAK_INV_SEVERE,
        P_CA_SHELL,
        P_K_LOW,
        P_K_VLOW,
        P_FOUR_HIGHS,
        P_BURNED_OUT,
        P_HIDDEN_CU,
    ]
    .contains(&id)
        || id.starts_with(P_TOXIC_PREFIX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Toward,
    Away,
    Unchanged,
    /// P-POOR-ELIM on a retest: a toxic metal that was retained (below its poor eliminator
    /// level in a poor eliminator) and rises is read as possibly being eliminated, not as
    /// moving away from ideal.
    PossibleElimination,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Toward => "toward",
            Direction::Away => "away",
            Direction::Unchanged => "unchanged",
            Direction::PossibleElimination => "possible_elimination",
        }
    }
}

/// CMP-1 for one mineral measured in both tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MineralChange {
    pub element: Element,
    pub before: MineralLevel,
    pub after: MineralLevel,
    /// after − before, mg%.
    pub absolute_change: f64,
    /// `None` when the earlier level is 0.
    pub percent_change: Option<f64>,
    /// The value distances are measured from: the ideal, or 0 for a toxic metal.
    pub target: Option<f64>,
    /// `None` for the panel elements without an ideal.
    pub direction: Option<Direction>,
}

/// CMP-1 for one ratio computable in both tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatioChange {
    pub ratio: RatioId,
    pub before: f64,
    pub after: f64,
    pub absolute_change: f64,
    pub percent_change: Option<f64>,
    pub ideal: Option<f64>,
    pub direction: Option<Direction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    OxidationTypeChanged,
    /// CMP-2 where either test is borderline on the deciding ratio (OX-7): shown and filtered
    /// apart, so a ratio wobbling around its threshold does not fill the dashboard.
    BorderlineTypeChange,
    OxidationDegreeChanged,
    PatternAppeared,
    PatternResolved,
}

impl FlagKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::OxidationTypeChanged => "oxidation_type_changed",
            FlagKind::BorderlineTypeChange => "borderline_type_change",
            FlagKind::OxidationDegreeChanged => "oxidation_degree_changed",
            FlagKind::PatternAppeared => "pattern_appeared",
            FlagKind::PatternResolved => "pattern_resolved",
        }
    }
}

/// The oxidation facts of one test that a CMP-2 flag carries.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OxidationSnapshot {
    pub oxidation_type: OxidationType,
    pub degree: Option<Degree>,
    pub ca_k: Option<f64>,
    pub na_mg: Option<f64>,
    /// OX-7 on the type: a deciding ratio within the borderline margin.
    pub borderline: Option<Borderline>,
}

impl OxidationSnapshot {
    fn of(analysis: &Analysis) -> OxidationSnapshot {
        OxidationSnapshot {
            oxidation_type: analysis.oxidation.oxidation_type,
            degree: analysis.oxidation.degree,
            ca_k: analysis.oxidation.ca_k.value.value(),
            na_mg: analysis.oxidation.na_mg.value.value(),
            borderline: analysis
                .oxidation
                .borderline
                .filter(|borderline| !borderline.degree_only),
        }
    }

    /// `slow moderate`, or just `mixed` when there is no degree.
    fn type_and_degree(&self) -> String {
        match self.degree {
            Some(degree) => format!("{} {}", self.oxidation_type, degree),
            None => self.oxidation_type.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "about", rename_all = "snake_case")]
pub enum FlagDetail {
    Oxidation {
        before: OxidationSnapshot,
        after: OxidationSnapshot,
    },
    Pattern {
        pattern_id: String,
        multiple_before: Option<u8>,
        multiple_after: Option<u8>,
        /// The evidence from the test that has the pattern (the later one when it appeared).
        evidence: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub kind: FlagKind,
    /// The rule that raised it: CMP-2 or CMP-3.
    pub rule: &'static str,
    pub detail: FlagDetail,
    /// For people, e.g. `slow → mixed, Ca/K 6.1 → 3.7, Na/Mg 3.0 → 5.0`.
    pub summary: String,
    /// Set when either test is of washed hair (HTMA.md: flags between a washed and an unwashed
    /// test say so).
    pub washing_note: Option<String>,
}

impl Flag {
    /// Identifies "the same flag" across re-derivations: kind plus what changed, never the
    /// numbers, so editing a level that keeps the same finding keeps the acknowledgement.
    pub fn key(&self) -> String {
        match &self.detail {
            FlagDetail::Oxidation { before, after } => match self.kind {
                FlagKind::OxidationDegreeChanged => format!(
                    "{}:{}:{}>{}",
                    self.kind.as_str(),
                    after.oxidation_type,
                    before.degree.map(Degree::as_str).unwrap_or("none"),
                    after.degree.map(Degree::as_str).unwrap_or("none"),
                ),
                _ => format!(
                    "{}:{}>{}",
                    self.kind.as_str(),
                    before.oxidation_type,
                    after.oxidation_type
                ),
            },
            FlagDetail::Pattern {
                pattern_id,
                multiple_before,
                multiple_after,
                ..
            } => {
                let multiple = match self.kind {
                    FlagKind::PatternResolved => multiple_before,
                    _ => multiple_after,
                };
                match multiple {
                    Some(multiple) => format!("{}:{pattern_id}:{multiple}x", self.kind.as_str()),
                    None => format!("{}:{pattern_id}", self.kind.as_str()),
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub mineral_changes: Vec<MineralChange>,
    pub ratio_changes: Vec<RatioChange>,
    pub flags: Vec<Flag>,
    pub washing_note: Option<String>,
}

/// Compares two tests, earlier first, analysing both with `reference`.
pub fn compare(earlier: &HairSample, later: &HairSample, reference: &ReferenceSet) -> Comparison {
    compare_analyzed(
        earlier,
        &analyze(earlier, reference),
        later,
        &analyze(later, reference),
        reference,
    )
}

/// Same as [`compare`] for tests already analysed with `reference`.
pub fn compare_analyzed(
    earlier: &HairSample,
    earlier_analysis: &Analysis,
    later: &HairSample,
    later_analysis: &Analysis,
    reference: &ReferenceSet,
) -> Comparison {
    let washing_note = match (earlier.washed, later.washed) {
        (false, false) => None,
        (true, true) => Some(
            "washed_sample: both tests are of washed hair; sodium, potassium and the oxidation \
             type are read on unwashed hair"
                .to_string(),
        ),
        _ => Some(
            "washed_sample: one test is of washed hair and the other not; washing lowers sodium \
             and potassium, so their changes are not like for like"
                .to_string(),
        ),
    };
    let fraction = reference.comparison.unchanged_distance_fraction;
    let mineral_changes = Element::ALL
        .into_iter()
        .filter_map(|element| {
            let before = *earlier.levels.get(&element)?;
            let after = *later.levels.get(&element)?;
            // Toxic metals have no ideal; less is better, so distance is measured from 0.
            let target = match element.kind() {
                ElementKind::ToxicMetal => Some(0.0),
                _ => reference.ideal(element),
            };
            let direction = target.map(|target| {
                let direction = direction_of(
                    Some((before.mg_pct() - target).abs()),
                    Some((after.mg_pct() - target).abs()),
                    fraction,
                );
                // P-POOR-ELIM: a retained metal that rises may be leaving the tissues.
                let was_retained = earlier_analysis.pattern(P_POOR_ELIM).is_some()
                    && matches!(
                        poor_eliminator_condition(&earlier.levels, element, reference),
                        Truth::True(_)
                    );
                if direction == Direction::Away && was_retained {
                    Direction::PossibleElimination
                } else {
                    direction
                }
            });
            Some(MineralChange {
                element,
                before,
                after,
                absolute_change: after.mg_pct() - before.mg_pct(),
                percent_change: percent_change(before.mg_pct(), after.mg_pct()),
                target,
                direction,
            })
        })
        .collect();
    let ratio_changes = RatioId::ALL
        .into_iter()
        .filter_map(|ratio| {
            let before = earlier_analysis.ratios.get(&ratio)?.value()?;
            let after = later_analysis.ratios.get(&ratio)?.value()?;
            let ideal = reference.ratio_ideal(ratio).filter(|ideal| *ideal > 0.0);
            let direction = ideal.map(|ideal| {
                direction_of(
                    log_distance(before, ideal),
                    log_distance(after, ideal),
                    fraction,
                )
            });
            Some(RatioChange {
                ratio,
                before,
                after,
                absolute_change: after - before,
                percent_change: percent_change(before, after),
                ideal,
                direction,
            })
        })
        .collect();

    let mut flags = oxidation_flags(earlier_analysis, later_analysis);
    flags.extend(pattern_flags(earlier_analysis, later_analysis));
    if washing_note.is_some() {
        let short = if earlier.washed && later.washed {
            "both tests washed"
        } else {
            "washed vs unwashed test"
        };
        for flag in &mut flags {
            flag.washing_note.clone_from(&washing_note);
            flag.summary = format!("{} ({short})", flag.summary);
        }
    }
    Comparison {
        mineral_changes,
        ratio_changes,
        flags,
        washing_note,
    }
}

fn percent_change(before: f64, after: f64) -> Option<f64> {
    let percent = (after - before) / before * 100.0;
    (before != 0.0 && percent.is_finite()).then_some(percent)
}

/// CMP-1 ratios: the distance from the ideal on a log scale, so 2× too high and 2× too low
/// are equally far. `None` stands for "infinitely far" (a ratio of 0).
fn log_distance(value: f64, ideal: f64) -> Option<f64> {
    (value > 0.0).then(|| (value / ideal).ln().abs())
}

/// CMP-1: toward or away from the target by the distance, unchanged when the distance moves by
/// less than `fraction` (5%) of the earlier distance. `None` distances are infinitely far.
fn direction_of(before: Option<f64>, after: Option<f64>, fraction: f64) -> Direction {
    match (before, after) {
        (None, None) => Direction::Unchanged,
        (None, Some(_)) => Direction::Toward,
        (Some(_), None) => Direction::Away,
        (Some(before), Some(after)) => {
            if before == 0.0 {
                return if after == 0.0 {
                    Direction::Unchanged
                } else {
                    Direction::Away
                };
            }
            if ((after - before) / before).abs() < fraction {
                Direction::Unchanged
            } else if after < before {
                Direction::Toward
            } else {
                Direction::Away
            }
        }
    }
}

fn optional_ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_string(), format_value)
}

/// CMP-2: a type change, or else a degree change within one type.
fn oxidation_flags(earlier: &Analysis, later: &Analysis) -> Vec<Flag> {
    let before = OxidationSnapshot::of(earlier);
    let after = OxidationSnapshot::of(later);
    let ratios = format!(
        "Ca/K {} → {}, Na/Mg {} → {}",
        optional_ratio(before.ca_k),
        optional_ratio(after.ca_k),
        optional_ratio(before.na_mg),
        optional_ratio(after.na_mg)
    );
    let (kind, summary) = if before.oxidation_type != after.oxidation_type {
        let borderline: Vec<String> = [before.borderline, after.borderline]
            .into_iter()
            .flatten()
            .map(|borderline| borderline.describe())
            .collect();
        // OX-10: after another type, four lows can be a passing stage.
        let passing_stage = if after.oxidation_type == OxidationType::FourLows
            && before.oxidation_type != OxidationType::Undetermined
        {
            "; four lows after another type can be a passing stage (OX-10)"
        } else {
            ""
        };
        let change = format!(
            "{} → {}, {ratios}{passing_stage}",
            before.oxidation_type, after.oxidation_type
        );
        if borderline.is_empty() {
            (FlagKind::OxidationTypeChanged, change)
        } else {
            (
                FlagKind::BorderlineTypeChange,
                format!(
                    "{change} ({}; OX-7, an app convention)",
                    borderline.join("; ")
                ),
            )
        }
    } else if before.degree != after.degree {
        (
            FlagKind::OxidationDegreeChanged,
            format!(
                "{} → {}, {ratios}",
                before.type_and_degree(),
                after.type_and_degree()
            ),
        )
    } else {
        return Vec::new();
    };
    vec![Flag {
        kind,
        rule: CMP_2,
        detail: FlagDetail::Oxidation { before, after },
        summary,
        washing_note: None,
    }]
}

/// CMP-3: appearance and resolution of the flagged pattern families. A pattern counts as
/// appeared or resolved only when the other test evaluated its rule; a rule that could not be
/// evaluated (element not measured) says nothing about change.
fn pattern_flags(earlier: &Analysis, later: &Analysis) -> Vec<Flag> {
    let mut ids: Vec<&str> = Vec::new();
    for pattern in earlier.patterns.iter().chain(&later.patterns) {
        if is_flagged_pattern(&pattern.id) && !ids.contains(&pattern.id.as_str()) {
            ids.push(&pattern.id);
        }
    }
    let flag = |kind: FlagKind, id: &str, before: Option<&Pattern>, after: Option<&Pattern>| {
        let multiple_before = before.and_then(|pattern| pattern.multiple);
        let multiple_after = after.and_then(|pattern| pattern.multiple);
        let evidence = match kind {
            FlagKind::PatternResolved => before,
            _ => after,
        }
        .map(|pattern| pattern.evidence.clone())
        .unwrap_or_default();
        let times = |multiple: Option<u8>| multiple.map(|m| format!(" {m}×")).unwrap_or_default();
        let summary = match (kind, before, after) {
            (FlagKind::PatternAppeared, Some(_), Some(_)) => format!(
                "{id}{} appeared (was{}): {evidence}",
                times(multiple_after),
                times(multiple_before)
            ),
            (FlagKind::PatternResolved, Some(_), Some(_)) => format!(
                "{id}{} resolved (now{}): {}",
                times(multiple_before),
                times(multiple_after),
                after.map(|pattern| pattern.evidence.as_str()).unwrap_or("")
            ),
            (FlagKind::PatternResolved, _, _) => {
                format!("{id}{} resolved (was: {evidence})", times(multiple_before))
            }
            _ => format!("{id}{} appeared: {evidence}", times(multiple_after)),
        };
        Flag {
            kind,
            rule: CMP_3,
            detail: FlagDetail::Pattern {
                pattern_id: id.to_string(),
                multiple_before,
                multiple_after,
                evidence,
            },
            summary,
            washing_note: None,
        }
    };
    ids.into_iter()
        .filter_map(|id| {
            match (earlier.pattern(id), later.pattern(id)) {
                (None, Some(after)) if earlier.was_evaluated(id) => {
                    Some(flag(FlagKind::PatternAppeared, id, None, Some(after)))
                }
                (Some(before), None) if later.was_evaluated(id) => {
                    Some(flag(FlagKind::PatternResolved, id, Some(before), None))
                }
                // P-CA-SHELL: a change of multiple. A larger shell reads as the new multiple
                // appearing, a smaller one as the old multiple resolving.
                (Some(before), Some(after)) if before.multiple != after.multiple => {
                    let kind = if after.multiple > before.multiple {
                        FlagKind::PatternAppeared
                    } else {
                        FlagKind::PatternResolved
                    };
                    Some(flag(kind, id, Some(before), Some(after)))
                }
                _ => None,
            }
        })
        .collect()
}

/// One stored hair test as the series comparison needs it. `id` is whatever the caller uses to
/// find the test again (a database id).
#[derive(Debug, Clone, PartialEq)]
pub struct DatedTest<Id> {
    pub id: Id,
    pub sample_date: NaiveDate,
    pub entered_at: NaiveDateTime,
    pub sample: HairSample,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PairComparison<Id> {
    pub earlier: Id,
    pub later: Id,
    pub comparison: Comparison,
}

/// Orders tests by sample date, then entry time (HTMA.md), and compares each with the next.
/// Deriving all flags of a client is `flat_map` over the result's `comparison.flags`.
pub fn compare_consecutive<Id: Clone>(
    tests: &[DatedTest<Id>],
    reference: &ReferenceSet,
) -> Vec<PairComparison<Id>> {
    let mut ordered: Vec<&DatedTest<Id>> = tests.iter().collect();
    ordered.sort_by_key(|test| (test.sample_date, test.entered_at));
    let analyses: Vec<Analysis> = ordered
        .iter()
        .map(|test| analyze(&test.sample, reference))
        .collect();
    ordered
        .windows(2)
        .zip(analyses.windows(2))
        .map(|(tests, analyses)| PairComparison {
            earlier: tests[0].id.clone(),
            later: tests[1].id.clone(),
            comparison: compare_analyzed(
                &tests[0].sample,
                &analyses[0],
                &tests[1].sample,
                &analyses[1],
                reference,
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests;
