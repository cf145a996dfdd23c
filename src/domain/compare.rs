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
mod tests {
    use super::*;
    use crate::domain::sex::Sex;

    fn sample(entries: &[(Element, f64)]) -> HairSample {
        HairSample {
            sex: Sex::Unrecorded,
            washed: false,
            levels: entries
                .iter()
                .map(|(element, value)| (*element, MineralLevel::measured(*value).unwrap()))
                .collect(),
            ..HairSample::default()
        }
    }

    /// Levels of one test, as (element, mg%).
    type Levels<'a> = &'a [(Element, f64)];

    fn keys(comparison: &Comparison) -> Vec<String> {
        let mut keys: Vec<String> = comparison.flags.iter().map(Flag::key).collect();
        keys.sort();
        keys
    }

    use Element::*;

    const EXAMPLE_1: [(Element, f64); 4] = [(Ca, 160.0), (Mg, 18.0), (Na, 8.0), (K, 2.0)];
    const EXAMPLE_8_SECOND: [(Element, f64); 4] = [(Ca, 70.0), (Mg, 9.0), (Na, 20.0), (K, 9.0)];

    #[test]
    fn worked_example_8_two_tests_four_months_apart() {
        let reference = ReferenceSet::eck_wilson();
        let first = sample(&EXAMPLE_1);
        let second = sample(&EXAMPLE_8_SECOND);
        let later = analyze(&second, &reference);
        assert!((later.ratios[&RatioId::CaK].value().unwrap() - 7.8).abs() < 0.05);
        assert!((later.ratios[&RatioId::NaMg].value().unwrap() - 2.2).abs() < 0.05);
        assert_eq!(later.oxidation.oxidation_type, OxidationType::Slow);
        assert_eq!(later.oxidation.degree, Some(Degree::Mild));

        let comparison = compare(&first, &second, &reference);
        assert_eq!(
            keys(&comparison),
            [
                "oxidation_degree_changed:slow:moderate>mild",
                "pattern_appeared:P-NAK-INV",
                "pattern_resolved:P-K-LOW",
                "pattern_resolved:P-K-VLOW",
            ]
        );
        assert!(!comparison
            .flags
            .iter()
            .any(|flag| flag.kind == FlagKind::OxidationTypeChanged));
        let degree = &comparison.flags[0];
        assert_eq!(degree.rule, CMP_2);
        assert_eq!(
            degree.summary,
            "slow moderate → slow mild, Ca/K 80.0 → 7.778, Na/Mg 0.444 → 2.222"
        );
        let appeared = comparison
            .flags
            .iter()
            .find(|flag| flag.kind == FlagKind::PatternAppeared)
            .unwrap();
        assert_eq!(appeared.rule, CMP_3);
        assert_eq!(appeared.summary, "P-NAK-INV appeared: 1 ≤ Na/K 2.222 < 2.5");
        assert!(comparison.washing_note.is_none());
    }

    #[test]
    fn cmp_1_mineral_direction_table() {
        // (element, before, after, expected direction); ideals Ca 40, K 10; Pb measured from 0.
        let cases: &[(Element, f64, f64, Option<Direction>)] = &[
            (Ca, 160.0, 70.0, Some(Direction::Toward)),
            (Ca, 70.0, 160.0, Some(Direction::Away)),
            (Ca, 100.0, 98.0, Some(Direction::Unchanged)), // distance 60 → 58: 3.3%
            (Ca, 100.0, 97.0, Some(Direction::Toward)),    // distance 60 → 57: 5%
            (Ca, 30.0, 50.0, Some(Direction::Unchanged)),  // 10 below → 10 above
            (Ca, 40.0, 40.0, Some(Direction::Unchanged)),
            (Ca, 40.0, 41.0, Some(Direction::Away)),
            (K, 2.0, 9.0, Some(Direction::Toward)),
            (Pb, 0.1, 0.05, Some(Direction::Toward)),
            (Ge, 1.0, 2.0, None),
        ];
        let reference = ReferenceSet::eck_wilson();
        for (element, before, after, expected) in cases {
            let comparison = compare(
                &sample(&[(*element, *before)]),
                &sample(&[(*element, *after)]),
                &reference,
            );
            let change = &comparison.mineral_changes[0];
            assert_eq!(change.direction, *expected, "{element} {before} → {after}");
            assert_eq!(change.absolute_change, after - before);
        }
        let comparison = compare(&sample(&[(Ca, 160.0)]), &sample(&[(Ca, 70.0)]), &reference);
        assert_eq!(comparison.mineral_changes[0].percent_change, Some(-56.25));
        let from_zero = compare(&sample(&[(K, 0.0)]), &sample(&[(K, 5.0)]), &reference);
        assert_eq!(from_zero.mineral_changes[0].percent_change, None);
        let only_one = compare(&sample(&[(Ca, 1.0)]), &sample(&[(K, 5.0)]), &reference);
        assert!(only_one.mineral_changes.is_empty());
    }

    #[test]
    fn cmp_1_ratio_direction_on_log_scale_table() {
        // Ca/K ideal 4: 8 (2× high) and 2 (2× low) are equally far on a log scale.
        let cases: &[(f64, f64, Direction)] = &[
            (8.0, 2.0, Direction::Unchanged),
            (80.0, 7.8, Direction::Toward),
            (2.0, 1.0, Direction::Away),
            (8.0, 8.1, Direction::Unchanged),
            (1.0, 16.0, Direction::Unchanged),
            (4.0, 4.0, Direction::Unchanged),
            (5.0, 4.0, Direction::Toward),
            (0.0, 1.0, Direction::Toward),
            (1.0, 0.0, Direction::Away),
        ];
        let reference = ReferenceSet::eck_wilson();
        for (before, after, expected) in cases {
            let comparison = compare(
                &sample(&[(Ca, before * 10.0), (K, 10.0)]),
                &sample(&[(Ca, after * 10.0), (K, 10.0)]),
                &reference,
            );
            let change = comparison
                .ratio_changes
                .iter()
                .find(|change| change.ratio == RatioId::CaK)
                .unwrap();
            assert_eq!(change.direction, Some(*expected), "Ca/K {before} → {after}");
        }
        let not_in_both = compare(
            &sample(&[(Ca, 10.0), (K, 0.0)]),
            &sample(&[(Ca, 10.0), (K, 1.0)]),
            &reference,
        );
        assert!(not_in_both.ratio_changes.is_empty());
    }

    #[test]
    fn cmp_2_oxidation_flags_table() {
        let slow_moderate = EXAMPLE_1.to_vec();
        let slow_mild = EXAMPLE_8_SECOND.to_vec();
        let mixed = vec![(Ca, 60.0), (Mg, 8.0), (Na, 40.0), (K, 12.0)];
        let fast_moderate = vec![(Ca, 22.0), (Mg, 2.5), (Na, 60.0), (K, 25.0)];
        let undetermined = vec![(Ca, 50.0), (Mg, 7.0), (Na, 30.0), (K, 0.0)];
        let cases: &[(Levels, Levels, Option<&str>)] = &[
            (
                &slow_moderate,
                &slow_mild,
                Some("oxidation_degree_changed:slow:moderate>mild"),
            ),
            (
                &slow_mild,
                &mixed,
                Some("oxidation_type_changed:slow>mixed"),
            ),
            (
                &mixed,
                &fast_moderate,
                Some("oxidation_type_changed:mixed>fast"),
            ),
            (
                &slow_mild,
                &undetermined,
                Some("oxidation_type_changed:slow>undetermined"),
            ),
            (&slow_mild, &slow_mild, None),
            (&mixed, &mixed, None),
        ];
        let reference = ReferenceSet::eck_wilson();
        for (before, after, expected) in cases {
            let comparison = compare(&sample(before), &sample(after), &reference);
            let oxidation_flag = comparison
                .flags
                .iter()
                .find(|flag| flag.rule == CMP_2)
                .map(Flag::key);
            assert_eq!(
                oxidation_flag.as_deref(),
                *expected,
                "{before:?} → {after:?}"
            );
        }
        let comparison = compare(&sample(&slow_mild), &sample(&mixed), &reference);
        assert_eq!(
            comparison.flags[0].summary,
            "slow → mixed, Ca/K 7.778 → 5.0, Na/Mg 2.222 → 5.0"
        );
        let FlagDetail::Oxidation { before, after } = &comparison.flags[0].detail else {
            panic!("oxidation detail expected");
        };
        assert_eq!(before.degree, Some(Degree::Mild));
        assert_eq!(after.oxidation_type, OxidationType::Mixed);
        assert_eq!(after.ca_k, Some(5.0));
    }

    #[test]
    fn cmp_3_pattern_flags_table() {
        // (before, after, expected keys)
        let cases: &[(Levels, Levels, &[&str])] = &[
            (
                &[(Na, 5.0), (K, 10.0)],
                &[(Na, 20.0), (K, 10.0)],
                &[
                    "pattern_appeared:P-NAK-INV",
                    "pattern_resolved:P-NAK-INV-SEVERE",
                ],
            ),
            (
                &[(Na, 20.0), (K, 10.0)],
                &[(Na, 5.0), (K, 10.0)],
                &[
                    "pattern_appeared:P-NAK-INV-SEVERE",
                    "pattern_resolved:P-NAK-INV",
                ],
            ),
            (
                &[(Ca, 170.0)],
                &[(Ca, 215.0)],
                &["pattern_appeared:P-CA-SHELL:2x"],
            ),
            (
                &[(Ca, 310.0)],
                &[(Ca, 170.0)],
                &["pattern_resolved:P-CA-SHELL:4x"],
            ),
            (
                &[(Ca, 100.0)],
                &[(Ca, 170.0)],
                &["pattern_appeared:P-CA-SHELL:1x"],
            ),
            (
                &[(Ca, 170.0)],
                &[(Ca, 100.0)],
                &["pattern_resolved:P-CA-SHELL:1x"],
            ),
            (&[(Ca, 170.0)], &[(Ca, 180.0)], &[]),
            (&[(K, 5.0)], &[(K, 3.0)], &["pattern_appeared:P-K-LOW"]),
            (
                &[(Ca, 41.0), (Mg, 7.0), (Na, 30.0), (K, 11.0)],
                &[(Ca, 41.0), (Mg, 7.0), (Na, 30.0), (K, 9.0)],
                &["pattern_resolved:P-FOUR-HIGHS"],
            ),
            (
                &[(Pb, 0.01)],
                &[(Pb, 0.2), (Hg, 0.5)],
                &["pattern_appeared:P-TOXIC-Pb"],
            ),
            // Not measured before: nothing to compare with.
            (&[], &[(K, 1.0)], &[]),
            (&[(K, 1.0)], &[], &[]),
            // P-P-LOW is not a flagged family.
            (&[(P, 15.0)], &[(P, 9.0)], &[]),
        ];
        let reference = ReferenceSet::eck_wilson();
        for (before, after, expected) in cases {
            let comparison = compare(&sample(before), &sample(after), &reference);
            let pattern_keys: Vec<String> = keys(&comparison)
                .into_iter()
                .filter(|key| key.starts_with("pattern_"))
                .collect();
            assert_eq!(pattern_keys, *expected, "{before:?} → {after:?}");
        }
        let shell = compare(&sample(&[(Ca, 170.0)]), &sample(&[(Ca, 215.0)]), &reference);
        assert_eq!(
            shell.flags[0].summary,
            "P-CA-SHELL 2× appeared (was 1×): Ca 215.0 ≥ 165, female or unrecorded sex: 2× band \
             (210 ≤ Ca < 260)"
        );
        let resolved = compare(&sample(&[(K, 2.0)]), &sample(&[(K, 5.0)]), &reference);
        assert_eq!(
            resolved.flags[0].summary,
            "P-K-LOW resolved (was: K 2.0 < 4)"
        );
    }

    #[test]
    fn flags_between_washed_and_unwashed_tests_say_so() {
        let reference = ReferenceSet::eck_wilson();
        let first = sample(&EXAMPLE_1);
        let mut second = sample(&EXAMPLE_8_SECOND);
        second.washed = true;
        let comparison = compare(&first, &second, &reference);
        assert!(comparison.washing_note.is_some());
        assert!(comparison
            .flags
            .iter()
            .all(|flag| flag.washing_note.is_some()
                && flag.summary.ends_with("(washed vs unwashed test)")));
        // The key does not depend on washing, so an acknowledged flag stays matched.
        assert_eq!(
            keys(&comparison),
            keys(&compare(&first, &sample(&EXAMPLE_8_SECOND), &reference))
        );
    }

    #[test]
    fn consecutive_comparisons_follow_sample_date_then_entry_time() {
        let date = |day: u32| NaiveDate::from_ymd_opt(2025, 1, day).unwrap();
        let entered = |day: u32, hour: u32| date(day).and_hms_opt(hour, 0, 0).unwrap();
        let tests = vec![
            DatedTest {
                id: "c",
                sample_date: date(20),
                entered_at: entered(21, 9),
                sample: sample(&EXAMPLE_8_SECOND),
            },
            DatedTest {
                id: "b",
                sample_date: date(1),
                entered_at: entered(3, 9),
                sample: sample(&EXAMPLE_1),
            },
            DatedTest {
                id: "a",
                sample_date: date(1),
                entered_at: entered(2, 9),
                sample: sample(&EXAMPLE_1),
            },
        ];
        let pairs = compare_consecutive(&tests, &ReferenceSet::eck_wilson());
        let order: Vec<(&str, &str)> = pairs
            .iter()
            .map(|pair| (pair.earlier, pair.later))
            .collect();
        assert_eq!(order, [("a", "b"), ("b", "c")]);
        assert!(pairs[0].comparison.flags.is_empty());
        assert_eq!(pairs[1].comparison.flags.len(), 4);
        assert!(compare_consecutive::<u32>(&[], &ReferenceSet::eck_wilson()).is_empty());
    }
}
