//! One hair test in, one analysis out: ratios, oxidation type (OX-*), patterns (P-*), caveats
//! and the rules that could not be evaluated. Also the cross-check against the ratios printed
//! on the lab's report.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::caveat::Caveat;
use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::numbers::format_value;
use crate::domain::oxidation::{classify_oxidation, OxidationResult, OxidationType, OX_4};
use crate::domain::pattern::{
    depends_on_sodium_or_potassium, detect_patterns, NotEvaluated, Pattern,
};
use crate::domain::ratio::{compute_all, RatioId, RatioValue};
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HairSample {
    pub sex: Sex,
    /// Whether the lab washed the hair before measuring (ARL and TEI do not).
    pub washed: bool,
    /// Measured elements only; an absent element is "not measured".
    pub levels: BTreeMap<Element, MineralLevel>,
    /// The lab as entered (`ARL`, `TEI`, …): the ARL caveat on four lows reads it.
    #[serde(default)]
    pub lab: String,
    /// When the hair was cut, if known (OX-11 and the ARL caveat read it).
    #[serde(default)]
    pub sample_date: Option<NaiveDate>,
    /// The client's date of birth, when recorded (OX-11).
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
}

impl HairSample {
    /// OX-11: at least 8 years old on the sample date; `None` without both dates.
    fn is_adult(&self) -> Option<bool> {
        let born = self.date_of_birth?;
        let sampled = self.sample_date?;
        let eighth_birthday = born.checked_add_months(Months::new(12 * ADULT_FROM_YEARS))?;
        Some(sampled >= eighth_birthday)
    }

    /// HTMA.md lab caveat: an ARL test sampled from 2024-02-01.
    fn is_arl_since_2024(&self) -> bool {
        let lab = self.lab.trim().to_ascii_uppercase();
        let arl =
            lab == "ARL" || lab.starts_with("ARL ") || lab.contains("ANALYTICAL RESEARCH LAB");
        arl && self
            .sample_date
            .is_some_and(|date| Some(date) >= NaiveDate::from_ymd_opt(2024, 2, 1))
    }
}

/// OX-11: "at least 8 years old on the sample date".
const ADULT_FROM_YEARS: u32 = 8;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// `name@version` of the reference set used.
    pub reference_set: String,
    /// All seven ratios, unrounded.
    pub ratios: BTreeMap<RatioId, RatioValue>,
    pub oxidation: OxidationResult,
    pub patterns: Vec<Pattern>,
    pub caveats: Vec<Caveat>,
    pub not_evaluated: Vec<NotEvaluated>,
}

impl Analysis {
    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|pattern| pattern.id == id)
    }

    pub fn was_evaluated(&self, rule_id: &str) -> bool {
        !self
            .not_evaluated
            .iter()
            .any(|entry| entry.rule_id == rule_id)
    }
}

pub fn analyze(sample: &HairSample, reference: &ReferenceSet) -> Analysis {
    let ratios = compute_all(&sample.levels);
    let mut oxidation = classify_oxidation(&sample.levels, &ratios, reference);
    let findings = detect_patterns(&sample.levels, &ratios, &oxidation, sample.sex, reference);
    let mut patterns = findings.patterns;
    let mut not_evaluated = findings.not_evaluated;
    if oxidation.oxidation_type == OxidationType::Undetermined {
        not_evaluated.insert(
            0,
            NotEvaluated {
                rule_id: OX_4.to_string(),
                reason: oxidation.undetermined_reason.clone().unwrap_or_default(),
            },
        );
    }
    // OX-11 (a caveat, not a type): fast oxidation in an adult is usually temporary.
    if oxidation.oxidation_type == OxidationType::Fast && sample.is_adult() == Some(true) {
        oxidation.caveats.push(Caveat::TemporaryFastOxidation);
    }
    // HTMA.md lab caveat: ARL's lower readings since early 2024 (not a correction of values).
    if oxidation.oxidation_type == OxidationType::FourLows && sample.is_arl_since_2024() {
        oxidation.caveats.push(Caveat::ArlLowReadings);
    }
    let mut caveats = Vec::new();
    if sample.washed {
        // HTMA.md: a washed test's oxidation type and every finding read from Na or K carry
        // `washed_sample`.
        caveats.push(Caveat::WashedSample);
        oxidation.caveats.push(Caveat::WashedSample);
        for pattern in &mut patterns {
            if depends_on_sodium_or_potassium(&pattern.id) {
                pattern.caveats.push(Caveat::WashedSample);
            }
        }
    }
    Analysis {
        reference_set: reference.label(),
        ratios,
        oxidation,
        patterns,
        caveats,
        not_evaluated,
    }
}

/// A lab-printed ratio that does not match the one computed from the entered levels — usually
/// a typing error in a level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrintedRatioWarning {
    pub ratio: RatioId,
    pub printed: f64,
    /// `None` when the app cannot compute the ratio from the levels entered.
    pub computed: Option<f64>,
    pub message: String,
}

/// Compares the ratios printed on the lab's report with the computed ones and warns on a
/// relative difference over the reference set's tolerance (2% by default), relative to the
/// computed value.
pub fn check_printed_ratios(
    analysis: &Analysis,
    printed: &BTreeMap<RatioId, f64>,
    reference: &ReferenceSet,
) -> Vec<PrintedRatioWarning> {
    let tolerance = reference.comparison.printed_ratio_tolerance;
    printed
        .iter()
        .filter_map(|(ratio, printed)| {
            let (ratio, printed) = (*ratio, *printed);
            let computed = analysis.ratios.get(&ratio).and_then(RatioValue::value);
            let message = match computed {
                None => {
                    let reason = match analysis.ratios.get(&ratio) {
                        Some(RatioValue::NotComputable(reason)) => reason.to_string(),
                        _ => "not computed".to_string(),
                    };
                    format!(
                        "the lab printed {ratio} {} but it cannot be computed from the levels \
                         entered ({reason}); check the levels",
                        format_value(printed)
                    )
                }
                Some(computed) => {
                    let differs = if !printed.is_finite() {
                        true
                    } else if computed == 0.0 {
                        printed != 0.0
                    } else {
                        ((printed - computed) / computed).abs() > tolerance
                    };
                    if !differs {
                        return None;
                    }
                    format!(
                        "the lab printed {ratio} {} but the levels entered give {}: more than \
                         {}% apart, check the levels for a typing error",
                        format_value(printed),
                        format_value(computed),
                        format_value(tolerance * 100.0).trim_end_matches(".0")
                    )
                }
            };
            Some(PrintedRatioWarning {
                ratio,
                printed,
                computed,
                message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::compare::compare;
    use crate::domain::oxidation::{Degree, Side, Vitality};
    use crate::domain::pattern::*;
    use crate::domain::wilson::*;

    fn sample(sex: Sex, entries: &[(Element, f64)]) -> HairSample {
        HairSample {
            sex,
            washed: false,
            lab: String::new(),
            sample_date: None,
            date_of_birth: None,
            levels: entries
                .iter()
                .map(|(element, value)| (*element, MineralLevel::measured(*value).unwrap()))
                .collect(),
        }
    }

    fn run(sex: Sex, entries: &[(Element, f64)]) -> Analysis {
        analyze(&sample(sex, entries), &ReferenceSet::eck_wilson())
    }

    fn pattern_ids(analysis: &Analysis) -> Vec<&str> {
        analysis.patterns.iter().map(|p| p.id.as_str()).collect()
    }

    fn ratio(analysis: &Analysis, ratio: RatioId) -> Option<f64> {
        analysis.ratios[&ratio].value()
    }

    fn close(actual: Option<f64>, expected: f64, tolerance: f64) -> bool {
        actual.is_some_and(|actual| (actual - expected).abs() <= tolerance)
    }

    use Element::*;

    #[test]
    fn worked_example_1_slow_moderate() {
        let analysis = run(
            Sex::Unrecorded,
            &[(Ca, 160.0), (Mg, 18.0), (Na, 8.0), (K, 2.0)],
        );
        assert_eq!(ratio(&analysis, RatioId::CaK), Some(80.0));
        assert!(close(ratio(&analysis, RatioId::NaMg), 0.44, 0.005));
        assert_eq!(ratio(&analysis, RatioId::NaK), Some(4.0));
        assert_eq!(analysis.oxidation.oxidation_type, OxidationType::Slow);
        assert_eq!(analysis.oxidation.degree, Some(Degree::Moderate));
        assert_eq!(
            pattern_ids(&analysis),
            [P_K_LOW, P_K_VLOW, P_SYMP_DOM, P_BIOUNAVAIL_CA]
        );
        assert!(!analysis.was_evaluated(P_P_LOW));
        assert!(!analysis.was_evaluated(P_P_VLOW));
        assert!(analysis.was_evaluated(P_CA_SHELL));
        assert!(analysis.was_evaluated(P_NAK_HIGH));
        assert_eq!(analysis.reference_set, "eck-wilson@2");
        // OX-9 and P-HIDDEN-CU (2 indicators hold, Zn and P missing could make 4).
        assert_eq!(analysis.oxidation.vitality, Some(Vitality::Healthy));
        assert!(!analysis.was_evaluated(P_HIDDEN_CU));
    }

    #[test]
    fn worked_example_2_fast_moderate() {
        let analysis = run(
            Sex::Unrecorded,
            &[
                (Ca, 22.0),
                (Mg, 2.5),
                (Na, 60.0),
                (K, 25.0),
                (Zn, 12.0),
                (Cu, 1.2),
            ],
        );
        assert_eq!(ratio(&analysis, RatioId::CaK), Some(0.88));
        assert_eq!(ratio(&analysis, RatioId::NaMg), Some(24.0));
        assert_eq!(ratio(&analysis, RatioId::ZnCu), Some(10.0));
        assert_eq!(analysis.oxidation.oxidation_type, OxidationType::Fast);
        assert_eq!(analysis.oxidation.degree, Some(Degree::Moderate));
        assert_eq!(
            pattern_ids(&analysis),
            [P_NAK_INV, P_K_HIGH_FAST, P_FAST_DEPLETION, P_BURNED_OUT]
        );
        assert_eq!(analysis.pattern(P_BURNED_OUT).unwrap().multiple, Some(1));
        assert_eq!(analysis.oxidation.vitality, Some(Vitality::Tired));
        assert!(analysis
            .pattern(P_NAK_INV)
            .unwrap()
            .evidence
            .contains("2.4"));
    }

    #[test]
    fn worked_example_3_four_lows() {
        let analysis = run(
            Sex::Unrecorded,
            &[(Ca, 30.0), (Mg, 4.0), (Na, 12.0), (K, 6.0)],
        );
        assert_eq!(ratio(&analysis, RatioId::CaK), Some(5.0));
        assert_eq!(ratio(&analysis, RatioId::NaMg), Some(3.0));
        assert_eq!(analysis.oxidation.oxidation_type, OxidationType::FourLows);
        // OX-10: Ca 30 ≥ 25.
        assert_eq!(analysis.oxidation.degree, Some(Degree::Mild));
        assert_eq!(pattern_ids(&analysis), [P_NAK_INV]);
        assert_eq!(ratio(&analysis, RatioId::NaK), Some(2.0));
    }

    #[test]
    fn worked_example_4_fast_mild() {
        let analysis = run(
            Sex::Unrecorded,
            &[(Ca, 45.0), (Mg, 5.0), (Na, 30.0), (K, 15.0)],
        );
        assert_eq!(ratio(&analysis, RatioId::CaK), Some(3.0));
        assert_eq!(ratio(&analysis, RatioId::NaMg), Some(6.0));
        assert_eq!(analysis.oxidation.oxidation_type, OxidationType::Fast);
        assert_eq!(analysis.oxidation.degree, Some(Degree::Mild));
        assert_eq!(
            pattern_ids(&analysis),
            [P_NAK_INV, P_THREE_HIGHS, P_K_HIGH_FAST, P_BURNED_OUT]
        );
        // P-BURNED-OUT 1× (2.0 ≤ Na/K < 2.5), not P-FAST-DEPLETION (Ca 45 ≥ 40).
        assert_eq!(analysis.pattern(P_BURNED_OUT).unwrap().multiple, Some(1));
        assert_eq!(analysis.oxidation.vitality, Some(Vitality::Tired));
        assert!(analysis
            .pattern(P_THREE_HIGHS)
            .unwrap()
            .evidence
            .contains("Mg 5.0 < 6"));
    }

    #[test]
    fn worked_example_5_mixed() {
        let analysis = run(
            Sex::Unrecorded,
            &[(Ca, 60.0), (Mg, 8.0), (Na, 40.0), (K, 12.0)],
        );
        assert_eq!(ratio(&analysis, RatioId::CaK), Some(5.0));
        assert_eq!(ratio(&analysis, RatioId::NaMg), Some(5.0));
        assert_eq!(analysis.oxidation.oxidation_type, OxidationType::Mixed);
        assert_eq!(analysis.oxidation.degree, None);
        // OX-8: |ln(5.0/4.0)| = 0.223 > |ln(5.0/4.17)| = 0.181: leaning slow.
        assert_eq!(analysis.oxidation.lean, Some(Side::Slow));
        assert_eq!(pattern_ids(&analysis), [P_FOUR_HIGHS]);
    }

    #[test]
    fn worked_example_6_undetermined() {
        let analysis = run(
            Sex::Unrecorded,
            &[(Ca, 50.0), (Mg, 7.0), (Na, 30.0), (K, 0.0)],
        );
        assert_eq!(ratio(&analysis, RatioId::CaK), None);
        assert_eq!(ratio(&analysis, RatioId::NaK), None);
        assert_eq!(
            analysis.oxidation.oxidation_type,
            OxidationType::Undetermined
        );
        assert_eq!(analysis.oxidation.degree, None);
        // HTMA.md lists P-K-LOW and P-K-VLOW ("they need only K"). P-THREE-HIGHS also needs
        // only levels, and Ca 50 > 40, Mg 7 > 6, Na 30 > 25 with K 0 < 10 meets its rule as
        // written, so it is found too (see the report on spec ambiguities).
        assert_eq!(pattern_ids(&analysis), [P_THREE_HIGHS, P_K_LOW, P_K_VLOW]);
        assert!(!analysis.was_evaluated("OX-4"));
        assert!(!analysis.was_evaluated(P_SYMP_DOM));
        assert!(!analysis.was_evaluated(P_BIOUNAVAIL_CA));
        assert!(analysis.was_evaluated(P_K_HIGH_FAST));
    }

    #[test]
    fn worked_example_7_male_calcium_shell() {
        let entries = [(Ca, 160.0), (Mg, 20.0), (Na, 10.0), (K, 3.0)];
        let male = run(Sex::Male, &entries);
        assert!(close(ratio(&male, RatioId::CaK), 53.3, 0.05));
        assert_eq!(ratio(&male, RatioId::NaMg), Some(0.5));
        assert!(close(ratio(&male, RatioId::NaK), 3.33, 0.005));
        assert_eq!(male.oxidation.oxidation_type, OxidationType::Slow);
        assert_eq!(male.oxidation.degree, Some(Degree::Moderate));
        assert_eq!(
            pattern_ids(&male),
            [P_CA_SHELL, P_K_LOW, P_SYMP_DOM, P_BIOUNAVAIL_CA]
        );
        assert_eq!(male.pattern(P_CA_SHELL).unwrap().multiple, Some(1));
        for sex in [Sex::Female, Sex::Unrecorded] {
            let other = run(sex, &entries);
            assert_eq!(pattern_ids(&other), [P_K_LOW, P_SYMP_DOM, P_BIOUNAVAIL_CA]);
        }
    }

    #[test]
    fn washed_sample_caveat_on_oxidation_and_na_k_patterns_only() {
        let mut washed = sample(
            Sex::Unrecorded,
            &[(Ca, 30.0), (Mg, 4.0), (Na, 12.0), (K, 6.0), (P, 9.0)],
        );
        washed.washed = true;
        let analysis = analyze(&washed, &ReferenceSet::eck_wilson());
        assert_eq!(analysis.caveats, [Caveat::WashedSample]);
        assert_eq!(analysis.oxidation.caveats, [Caveat::WashedSample]);
        assert_eq!(
            analysis.pattern(P_NAK_INV).unwrap().caveats,
            [Caveat::WashedSample]
        );
        assert!(analysis.pattern(P_P_VLOW).unwrap().caveats.is_empty());
        let unwashed = run(Sex::Unrecorded, &[(Ca, 30.0)]);
        assert!(unwashed.caveats.is_empty() && unwashed.oxidation.caveats.is_empty());
    }

    #[test]
    fn the_reference_set_changes_the_result() {
        let mut wilson_2025 = ReferenceSet::eck_wilson();
        wilson_2025.name = "wilson-2025".into();
        wilson_2025.ideals.insert(Zn, 18.0);
        let levels = sample(
            Sex::Unrecorded,
            &[
                (Ca, 22.0),
                (Mg, 2.5),
                (Na, 60.0),
                (K, 25.0),
                (Zn, 17.0),
                (Cu, 2.5),
            ],
        );
        let default = analyze(&levels, &ReferenceSet::eck_wilson());
        let edited = analyze(&levels, &wilson_2025);
        assert!(default.pattern(P_FAST_DEPLETION).is_none());
        assert!(edited.pattern(P_FAST_DEPLETION).is_some());
        assert_eq!(edited.reference_set, "wilson-2025@2");
    }

    #[test]
    fn printed_ratio_cross_check_table() {
        let analysis = run(
            Sex::Unrecorded,
            &[(Ca, 160.0), (Mg, 18.0), (Na, 8.0), (K, 2.0)],
        );
        let reference = ReferenceSet::eck_wilson();
        // (ratio, printed, warns): Ca/K is 80, Na/Mg 0.444…, Ca/P not computable.
        let cases = [
            (RatioId::CaK, 80.0, false),
            (RatioId::CaK, 81.6, false),
            (RatioId::CaK, 81.7, true),
            (RatioId::CaK, 78.3, true),
            (RatioId::NaMg, 0.44, false),
            (RatioId::NaMg, 0.45, false),
            (RatioId::NaMg, 0.46, true),
            (RatioId::CaP, 2.6, true),
        ];
        for (ratio, printed, warns) in cases {
            let warnings = check_printed_ratios(&analysis, &[(ratio, printed)].into(), &reference);
            assert_eq!(!warnings.is_empty(), warns, "{ratio} printed {printed}");
        }
        let warnings = check_printed_ratios(&analysis, &[(RatioId::CaK, 8.0)].into(), &reference);
        assert_eq!(
            warnings[0].message,
            "the lab printed Ca/K 8.0 but the levels entered give 80.0: more than 2% apart, \
             check the levels for a typing error"
        );
    }

    fn any_level() -> impl proptest::strategy::Strategy<Value = MineralLevel> {
        use proptest::prelude::*;
        // Every bit pattern below 0x7FF0… is a finite double ≥ 0; mixing in small decimals
        // keeps the ordinary range covered too.
        prop_oneof![
            (0u64..0x7FF0_0000_0000_0000, any::<bool>()),
            (0u32..100_000, any::<bool>())
                .prop_map(|(value, below)| { ((f64::from(value) / 100.0).to_bits(), below) }),
        ]
        .prop_map(|(bits, below)| {
            MineralLevel::new(f64::from_bits(bits), below).unwrap_or_else(|_| unreachable!())
        })
    }

    proptest::proptest! {
        #[test]
        fn analysis_is_total_over_valid_samples(
            levels in proptest::collection::btree_map(
                proptest::sample::select(Element::ALL.to_vec()),
                any_level(),
                0..Element::ALL.len(),
            ),
            sex in proptest::sample::select(vec![Sex::Female, Sex::Male, Sex::Unrecorded]),
            washed in proptest::bool::ANY,
        ) {
            let measured = |element| levels.get(&element).is_some_and(|l: &MineralLevel| !l.below_limit());
            let ca_k_measured = measured(Ca) && measured(K);
            let sample = HairSample { sex, washed, levels, ..HairSample::default() };
            let analysis = analyze(&sample, &ReferenceSet::eck_wilson());
            proptest::prop_assert_eq!(analysis.ratios.len(), 7);
            for value in analysis.ratios.values().filter_map(RatioValue::value) {
                proptest::prop_assert!(value.is_finite());
            }
            let oxidation = &analysis.oxidation;
            // OX-6 for fast and slow (open only when a below-limit Ca or K leaves the band
            // open), OX-10 for four lows; no other type has a degree.
            let fast_or_slow = matches!(
                oxidation.oxidation_type,
                OxidationType::Fast | OxidationType::Slow
            );
            if oxidation.degree.is_some() {
                proptest::prop_assert!(fast_or_slow || oxidation.oxidation_type == OxidationType::FourLows);
            }
            if fast_or_slow && ca_k_measured {
                proptest::prop_assert!(oxidation.degree.is_some());
            }
            proptest::prop_assert_eq!(
                oxidation.undetermined_reason.is_some(),
                oxidation.oxidation_type == OxidationType::Undetermined
            );
            // Every rule either fired, did not fire, or is listed as not evaluated — never both.
            for pattern in &analysis.patterns {
                proptest::prop_assert!(analysis.was_evaluated(&pattern.id));
                let with_multiple = [P_CA_SHELL, P_BURNED_OUT, P_HIDDEN_CU, P_POOR_ELIM];
                proptest::prop_assert_eq!(
                    pattern.multiple.is_some(),
                    with_multiple.contains(&pattern.id.as_str())
                );
            }
            let _ = compare(&sample, &sample, &ReferenceSet::eck_wilson());
        }

        /// "Not evaluated" rather than a guess: a rule the analysis decided on a partial panel
        /// (fired or not) is decided the same way once the missing elements are measured, and
        /// a determined oxidation type and its reading stay as they were.
        #[test]
        fn a_decided_rule_stays_decided_when_more_is_measured(
            full in proptest::collection::btree_map(
                proptest::sample::select(Element::ALL.to_vec()),
                (0u32..30_000, 0u32..=4, proptest::bool::weighted(0.1)),
                0..Element::ALL.len(),
            ),
            kept in proptest::collection::vec(proptest::bool::ANY, Element::ALL.len()),
            sex in proptest::sample::select(vec![Sex::Female, Sex::Male, Sex::Unrecorded]),
        ) {
            let full: BTreeMap<Element, MineralLevel> = full
                .into_iter()
                .map(|(element, (digits, scale, below))| {
                    let value = f64::from(digits) / 10f64.powi(scale as i32);
                    (element, MineralLevel::new(value, below).unwrap_or_else(|_| unreachable!()))
                })
                .collect();
            let partial: BTreeMap<Element, MineralLevel> = full
                .iter()
                .filter(|(element, _)| {
                    let index = Element::ALL.iter().position(|e| e == *element).unwrap_or(0);
                    kept[index]
                })
                .map(|(element, level)| (*element, *level))
                .collect();
            let reference = ReferenceSet::eck_wilson();
            let of = |levels: BTreeMap<Element, MineralLevel>| {
                analyze(&HairSample { sex, levels, ..HairSample::default() }, &reference)
            };
            let (less, more) = (of(partial), of(full));
            let ids: std::collections::BTreeSet<&str> = less
                .patterns
                .iter()
                .chain(&more.patterns)
                .map(|p| p.id.as_str())
                .collect();
            for id in ids {
                if less.was_evaluated(id) {
                    proptest::prop_assert_eq!(
                        less.pattern(id).is_some(),
                        more.pattern(id).is_some(),
                        "{} decided on {:?}, changed with {:?}",
                        id,
                        less.patterns,
                        more.patterns
                    );
                }
            }
            let (a, b) = (&less.oxidation, &more.oxidation);
            if a.oxidation_type != OxidationType::Undetermined {
                proptest::prop_assert_eq!(
                    (a.oxidation_type, a.degree, a.lean, a.vitality),
                    (b.oxidation_type, b.degree, b.lean, b.vitality)
                );
            }
        }
    }
}
