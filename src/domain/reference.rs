//! Reference sets (HTMA.md, "Reference sets (data, not code)"): every ideal and threshold a
//! rule reads lives here, so a practitioner's edited copy (stored as JSON) changes the analysis
//! without code changes. `eck_wilson()` is the embedded default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::element::{Element, ElementKind};
use crate::domain::ratio::RatioId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceSet {
    pub name: String,
    pub version: u32,
    /// Ideal mg% of the macro and trace minerals; the panel elements without ideals are absent.
    pub ideals: BTreeMap<Element, f64>,
    /// "High above" mg% of each toxic metal (P-TOXIC-<symbol>).
    pub toxic_high_above: BTreeMap<Element, f64>,
    pub ratio_ideals: BTreeMap<RatioId, f64>,
    pub oxidation: OxidationThresholds,
    pub patterns: PatternThresholds,
    pub comparison: ComparisonThresholds,
    /// OX-7 … OX-10. Sets stored before these rules existed read the defaults.
    #[serde(default)]
    pub reading: ReadingThresholds,
    /// The further patterns of the Wilson school (P-BURNED-OUT … P-POOR-ELIM).
    #[serde(default)]
    pub wilson: WilsonThresholds,
    /// "Poor eliminator below" mg% of each toxic metal (P-POOR-ELIM); empty in `eck-wilson@1`
    /// and in sets stored before the column existed, where the rule is not evaluated.
    #[serde(default)]
    pub toxic_poor_eliminator_below: BTreeMap<Element, f64>,
}

/// Thresholds of the fuller reading of the oxidation type (HTMA.md OX-7 … OX-10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadingThresholds {
    /// OX-7 (an app convention, not an Eck rule): a deciding ratio within this fraction of its
    /// threshold makes the result borderline (0.05 = 5 %, inclusive).
    pub borderline_margin: f64,
    /// OX-9: Na/K at or above this is `healthy`, below it `tired`.
    pub vitality_na_k_healthy_from: f64,
    /// OX-10: four lows with Ca at or above this is `mild`…
    pub four_lows_mild_from: f64,
    /// …at or above this `moderate`, below it `extreme`.
    pub four_lows_moderate_from: f64,
}

impl Default for ReadingThresholds {
    fn default() -> Self {
        ReadingThresholds {
            borderline_margin: 0.05,
            vitality_na_k_healthy_from: 2.5,
            four_lows_mild_from: 25.0,
            four_lows_moderate_from: 12.0,
        }
    }
}

/// Thresholds of HTMA.md's "Further patterns of the Wilson school" (mg% and ratios).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WilsonThresholds {
    /// P-BURNED-OUT: fast and Na/K below this (1×)…
    pub burned_out_na_k_below: f64,
    /// …below this 2×…
    pub burned_out_2x_below: f64,
    /// …below this 3×.
    pub burned_out_3x_below: f64,
    /// P-HIDDEN-CU indicators: K below, Na/K below, Zn below, P below, Ca above.
    pub hidden_cu_k_below: f64,
    pub hidden_cu_na_k_below: f64,
    pub hidden_cu_zn_below: f64,
    pub hidden_cu_p_below: f64,
    pub hidden_cu_ca_above: f64,
    /// P-HIDDEN-CU fires when at least this many indicators hold.
    pub hidden_cu_min_indicators: u8,
    /// P-BOWL: Na/K below and Ca/Mg above.
    pub bowl_na_k_below: f64,
    pub bowl_ca_mg_above: f64,
    /// P-DOUBLE-HIGH: Na/K above and Ca/Mg above.
    pub double_high_na_k_above: f64,
    pub double_high_ca_mg_above: f64,
    /// P-DOUBLE-LOW: Na/K below and Ca/Mg below.
    pub double_low_na_k_below: f64,
    pub double_low_ca_mg_below: f64,
    /// P-MG-SHELL: Mg above.
    pub mg_shell_above: f64,
    /// P-POOR-ELIM fires when at least this many toxic metals are below their level.
    pub poor_eliminator_min_metals: u8,
}

impl Default for WilsonThresholds {
    fn default() -> Self {
        WilsonThresholds {
            burned_out_na_k_below: 2.5,
            burned_out_2x_below: 2.0,
            burned_out_3x_below: 1.0,
            hidden_cu_k_below: 10.0,
            hidden_cu_na_k_below: 2.5,
            hidden_cu_zn_below: 12.0,
            hidden_cu_p_below: 14.0,
            hidden_cu_ca_above: 100.0,
            hidden_cu_min_indicators: 3,
            bowl_na_k_below: 2.5,
            bowl_ca_mg_above: 9.5,
            double_high_na_k_above: 6.0,
            double_high_ca_mg_above: 9.5,
            double_low_na_k_below: 2.5,
            double_low_ca_mg_below: 5.0,
            mg_shell_above: 20.0,
            poor_eliminator_min_metals: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OxidationThresholds {
    /// OX-1: Ca/K below this is the fast side, at or above it the slow side.
    pub ca_k_slow_side_from: f64,
    /// OX-2: Na/Mg above this is the fast side, at or below it the slow side.
    pub na_mg_fast_side_above: f64,
    /// OX-6 fast: Ca/K below this is `extreme`.
    pub fast_extreme_below: f64,
    /// OX-6 fast: Ca/K above this is `mild` (from `fast_extreme_below` to here: `moderate`).
    pub fast_mild_above: f64,
    /// OX-6 slow: Ca/K below this is `mild`.
    pub slow_mild_below: f64,
    /// OX-6 slow: Ca/K above this is `extreme` (from `slow_mild_below` to here: `moderate`).
    pub slow_extreme_above: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternThresholds {
    /// P-NAK-INV-SEVERE: Na/K below this; P-NAK-INV from here…
    pub na_k_severe_inversion_below: f64,
    /// …up to (not including) this.
    pub na_k_inversion_below: f64,
    /// P-NAK-HIGH: Na/K above this, up to and including `na_k_very_high_above`.
    pub na_k_high_above: f64,
    /// P-NAK-VHIGH: Na/K above this.
    pub na_k_very_high_above: f64,
    /// P-CA-SHELL: inclusive lower bound (mg% Ca) of the 1×, 2×, … bands for a female or
    /// unrecorded sex; the first is the shell threshold.
    pub ca_shell_female_bands: Vec<f64>,
    /// P-CA-SHELL: the same for a male.
    pub ca_shell_male_bands: Vec<f64>,
    /// P-K-LOW: K below this.
    pub k_low_below: f64,
    /// P-K-VLOW: K at or below this.
    pub k_very_low_at_most: f64,
    /// P-SYMP-DOM: slow and K at or below this.
    pub sympathetic_dominance_k_at_most: f64,
    /// P-P-LOW: P below this (the low end of the acceptable 13–16).
    pub p_low_below: f64,
    /// P-P-VLOW: P below this.
    pub p_very_low_below: f64,
    /// P-ZNCU-LOW: Zn/Cu below this.
    pub zn_cu_low_below: f64,
    /// P-CAMG-LOW: Ca/Mg below this.
    pub ca_mg_low_below: f64,
    /// P-CAMG-HIGH: Ca/Mg above this.
    pub ca_mg_high_above: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonThresholds {
    /// CMP-1: a move of the distance to the ideal smaller than this fraction is `unchanged`.
    pub unchanged_distance_fraction: f64,
    /// Lab-printed ratios differing from the computed ones by more than this fraction warn.
    pub printed_ratio_tolerance: f64,
}

impl Default for ReferenceSet {
    fn default() -> Self {
        ReferenceSet::eck_wilson()
    }
}

impl ReferenceSet {
    pub const ECK_WILSON_NAME: &'static str = "eck-wilson";
    /// The version of the embedded default that new practices use.
    pub const ECK_WILSON_CURRENT: u32 = 2;

    /// The embedded default that new practices use (`eck-wilson@` [`Self::ECK_WILSON_CURRENT`]).
    pub fn eck_wilson() -> ReferenceSet {
        ReferenceSet::eck_wilson_version(Self::ECK_WILSON_CURRENT)
            .unwrap_or_else(ReferenceSet::eck_wilson_v1)
    }

    /// `eck-wilson@2`: HTMA.md's tables, with the toxic metals' high thresholds from a
    /// published lab reference range and the "poor eliminator below" column.
    pub fn eck_wilson_v2() -> ReferenceSet {
        use Element::*;
        let mut set = ReferenceSet::eck_wilson_v1();
        set.version = 2;
        // HTMA.md "Toxic metals": (high above, poor eliminator below), mg%.
        let toxic = [
            (Pb, 0.1, 0.02),
            (Hg, 0.04, 0.02),
            (Cd, 0.007, 0.004),
            (As, 0.008, 0.004),
            (Al, 0.8, 0.08),
            (Ni, 0.02, 0.015),
        ];
        set.toxic_high_above = toxic.iter().map(|(m, high, _)| (*m, *high)).collect();
        set.toxic_poor_eliminator_below = toxic.iter().map(|(m, _, low)| (*m, *low)).collect();
        set
    }

    /// The embedded default of a given version (`eck-wilson@1` or `@2`), if it exists.
    pub fn eck_wilson_version(version: u32) -> Option<ReferenceSet> {
        match version {
            1 => Some(ReferenceSet::eck_wilson_v1()),
            2 => Some(ReferenceSet::eck_wilson_v2()),
            _ => None,
        }
    }

    /// The first default set `eck-wilson@1` (its toxic thresholds flagged aluminium on every
    /// real ARL panel; kept so a practice can choose it again).
    pub fn eck_wilson_v1() -> ReferenceSet {
        use Element::*;
        let ideals = [
            (Ca, 40.0),
            (Mg, 6.0),
            (Na, 25.0),
            (K, 10.0),
            (P, 16.0),
            (Zn, 16.0),
            (Cu, 2.5),
            (Fe, 1.6),
            (Mn, 0.04),
            (Cr, 0.06),
            (Se, 0.12),
            (B, 0.3),
            (Co, 0.001),
            (Mo, 0.003),
            (Li, 0.002),
        ];
        let toxic_high_above = [
            (Pb, 0.06),
            (Hg, 0.035),
            (Cd, 0.01),
            (As, 0.008),
            (Al, 0.04),
            (Ni, 0.019),
        ];
        let ratio_ideals = [
            (RatioId::CaP, 2.63),
            (RatioId::NaK, 2.5),
            (RatioId::CaK, 4.0),
            (RatioId::ZnCu, 8.0),
            (RatioId::NaMg, 4.17),
            (RatioId::CaMg, 6.67),
            (RatioId::FeCu, 0.8),
        ];
        ReferenceSet {
            name: Self::ECK_WILSON_NAME.to_string(),
            version: 1,
            ideals: ideals.into_iter().collect(),
            toxic_high_above: toxic_high_above.into_iter().collect(),
            ratio_ideals: ratio_ideals.into_iter().collect(),
            oxidation: OxidationThresholds {
                ca_k_slow_side_from: 4.0,
                na_mg_fast_side_above: 4.17,
                fast_extreme_below: 0.4,
                fast_mild_above: 1.5,
                slow_mild_below: 30.0,
                slow_extreme_above: 100.0,
            },
            patterns: PatternThresholds {
                na_k_severe_inversion_below: 1.0,
                na_k_inversion_below: 2.5,
                na_k_high_above: 4.0,
                na_k_very_high_above: 6.0,
                ca_shell_female_bands: vec![165.0, 210.0, 260.0, 300.0, 370.0, 460.0, 540.0, 640.0],
                ca_shell_male_bands: vec![155.0, 200.0, 250.0, 310.0],
                k_low_below: 4.0,
                k_very_low_at_most: 2.0,
                sympathetic_dominance_k_at_most: 4.0,
                p_low_below: 13.0,
                p_very_low_below: 10.0,
                zn_cu_low_below: 6.0,
                ca_mg_low_below: 3.3,
                ca_mg_high_above: 10.0,
            },
            comparison: ComparisonThresholds {
                unchanged_distance_fraction: 0.05,
                printed_ratio_tolerance: 0.02,
            },
            reading: ReadingThresholds::default(),
            wilson: WilsonThresholds::default(),
            toxic_poor_eliminator_below: BTreeMap::new(),
        }
    }

    /// `name@version`, the label every analysis output carries (`eck-wilson@1`).
    pub fn label(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    pub fn ideal(&self, element: Element) -> Option<f64> {
        self.ideals.get(&element).copied()
    }

    pub fn toxic_threshold(&self, element: Element) -> Option<f64> {
        self.toxic_high_above.get(&element).copied()
    }

    /// P-POOR-ELIM: the level under which a toxic metal reads as retained.
    pub fn poor_eliminator_level(&self, element: Element) -> Option<f64> {
        self.toxic_poor_eliminator_below.get(&element).copied()
    }

    pub fn ratio_ideal(&self, ratio: RatioId) -> Option<f64> {
        self.ratio_ideals.get(&ratio).copied()
    }

    /// Checks an edited copy before it is stored: every number finite and ≥ 0, ideals only for
    /// minerals, thresholds only for toxic metals, calcium shell bands non-empty and rising, and
    /// the ordered pairs of thresholds in order. Returns every problem, for the form.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push("the reference set needs a name".to_string());
        }
        let check = |problems: &mut Vec<String>, what: String, value: f64| {
            if !value.is_finite() || value < 0.0 {
                problems.push(format!("{what} must be a number ≥ 0 (got {value})"));
            }
        };
        for (element, value) in &self.ideals {
            check(&mut problems, format!("ideal of {element}"), *value);
        }
        for (element, value) in &self.toxic_high_above {
            check(
                &mut problems,
                format!("high threshold of {element}"),
                *value,
            );
        }
        for (ratio, value) in &self.ratio_ideals {
            check(&mut problems, format!("ideal of {ratio}"), *value);
        }
        for (element, value) in &self.toxic_poor_eliminator_below {
            check(
                &mut problems,
                format!("poor eliminator level of {element}"),
                *value,
            );
        }
        let oxidation = &self.oxidation;
        let patterns = &self.patterns;
        let scalars = [
            ("OX-1 Ca/K threshold", oxidation.ca_k_slow_side_from),
            ("OX-2 Na/Mg threshold", oxidation.na_mg_fast_side_above),
            ("OX-6 fast extreme threshold", oxidation.fast_extreme_below),
            ("OX-6 fast mild threshold", oxidation.fast_mild_above),
            ("OX-6 slow mild threshold", oxidation.slow_mild_below),
            ("OX-6 slow extreme threshold", oxidation.slow_extreme_above),
            (
                "P-NAK-INV-SEVERE threshold",
                patterns.na_k_severe_inversion_below,
            ),
            ("P-NAK-INV threshold", patterns.na_k_inversion_below),
            ("P-NAK-HIGH threshold", patterns.na_k_high_above),
            ("P-NAK-VHIGH threshold", patterns.na_k_very_high_above),
            ("P-K-LOW threshold", patterns.k_low_below),
            ("P-K-VLOW threshold", patterns.k_very_low_at_most),
            (
                "P-SYMP-DOM threshold",
                patterns.sympathetic_dominance_k_at_most,
            ),
            ("P-P-LOW threshold", patterns.p_low_below),
            ("P-P-VLOW threshold", patterns.p_very_low_below),
            ("P-ZNCU-LOW threshold", patterns.zn_cu_low_below),
            ("P-CAMG-LOW threshold", patterns.ca_mg_low_below),
            ("P-CAMG-HIGH threshold", patterns.ca_mg_high_above),
            (
                "CMP-1 unchanged fraction",
                self.comparison.unchanged_distance_fraction,
            ),
            (
                "printed ratio tolerance",
                self.comparison.printed_ratio_tolerance,
            ),
            ("OX-7 borderline margin", self.reading.borderline_margin),
            (
                "OX-9 vitality threshold",
                self.reading.vitality_na_k_healthy_from,
            ),
            ("OX-10 mild threshold", self.reading.four_lows_mild_from),
            (
                "OX-10 moderate threshold",
                self.reading.four_lows_moderate_from,
            ),
            ("P-BURNED-OUT threshold", self.wilson.burned_out_na_k_below),
            ("P-BURNED-OUT 2× threshold", self.wilson.burned_out_2x_below),
            ("P-BURNED-OUT 3× threshold", self.wilson.burned_out_3x_below),
            ("P-HIDDEN-CU K threshold", self.wilson.hidden_cu_k_below),
            (
                "P-HIDDEN-CU Na/K threshold",
                self.wilson.hidden_cu_na_k_below,
            ),
            ("P-HIDDEN-CU Zn threshold", self.wilson.hidden_cu_zn_below),
            ("P-HIDDEN-CU P threshold", self.wilson.hidden_cu_p_below),
            ("P-HIDDEN-CU Ca threshold", self.wilson.hidden_cu_ca_above),
            ("P-BOWL Na/K threshold", self.wilson.bowl_na_k_below),
            ("P-BOWL Ca/Mg threshold", self.wilson.bowl_ca_mg_above),
            (
                "P-DOUBLE-HIGH Na/K threshold",
                self.wilson.double_high_na_k_above,
            ),
            (
                "P-DOUBLE-HIGH Ca/Mg threshold",
                self.wilson.double_high_ca_mg_above,
            ),
            (
                "P-DOUBLE-LOW Na/K threshold",
                self.wilson.double_low_na_k_below,
            ),
            (
                "P-DOUBLE-LOW Ca/Mg threshold",
                self.wilson.double_low_ca_mg_below,
            ),
            ("P-MG-SHELL threshold", self.wilson.mg_shell_above),
        ];
        for (what, value) in scalars {
            check(&mut problems, what.to_string(), value);
        }
        for (what, bands) in [
            (
                "female calcium shell bands",
                &patterns.ca_shell_female_bands,
            ),
            ("male calcium shell bands", &patterns.ca_shell_male_bands),
        ] {
            for value in bands {
                check(&mut problems, what.to_string(), *value);
            }
            if bands.is_empty() || bands.len() > usize::from(u8::MAX) {
                problems.push(format!("{what} need between 1 and 255 bands"));
            }
            if bands.windows(2).any(|pair| pair[0] >= pair[1]) {
                problems.push(format!("{what} must rise strictly"));
            }
        }
        for element in self.ideals.keys() {
            if !matches!(
                element.kind(),
                ElementKind::MacroMineral | ElementKind::TraceMineral
            ) {
                problems.push(format!("{element} is not a mineral with an ideal"));
            }
        }
        if self.reading.borderline_margin >= 1.0 {
            problems.push("the OX-7 borderline margin must be below 1 (100 %)".to_string());
        }
        if !(1..=5).contains(&self.wilson.hidden_cu_min_indicators) {
            problems.push("P-HIDDEN-CU needs between 1 and 5 indicators".to_string());
        }
        if !(1..=6).contains(&self.wilson.poor_eliminator_min_metals) {
            problems.push("P-POOR-ELIM needs between 1 and 6 metals".to_string());
        }
        for element in self
            .toxic_high_above
            .keys()
            .chain(self.toxic_poor_eliminator_below.keys())
        {
            if element.kind() != ElementKind::ToxicMetal {
                problems.push(format!("{element} is not a toxic metal"));
            }
        }
        let ordered = [
            (
                "OX-6 fast thresholds",
                oxidation.fast_extreme_below,
                oxidation.fast_mild_above,
            ),
            (
                "OX-6 slow thresholds",
                oxidation.slow_mild_below,
                oxidation.slow_extreme_above,
            ),
            (
                "P-NAK-INV thresholds",
                patterns.na_k_severe_inversion_below,
                patterns.na_k_inversion_below,
            ),
            (
                "P-NAK-HIGH thresholds",
                patterns.na_k_high_above,
                patterns.na_k_very_high_above,
            ),
            (
                "OX-10 thresholds",
                self.reading.four_lows_moderate_from,
                self.reading.four_lows_mild_from,
            ),
            (
                "P-BURNED-OUT 3× and 2× thresholds",
                self.wilson.burned_out_3x_below,
                self.wilson.burned_out_2x_below,
            ),
            (
                "P-BURNED-OUT 2× and 1× thresholds",
                self.wilson.burned_out_2x_below,
                self.wilson.burned_out_na_k_below,
            ),
        ];
        for (what, lower, upper) in ordered {
            if lower > upper {
                problems.push(format!("{what} are out of order ({lower} > {upper})"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eck_wilson_matches_the_spec_tables() {
        let set = ReferenceSet::eck_wilson();
        assert_eq!(set.label(), "eck-wilson@2");
        let ideals: &[(Element, f64)] = &[
            (Element::Ca, 40.0),
            (Element::Mg, 6.0),
            (Element::Na, 25.0),
            (Element::K, 10.0),
            (Element::P, 16.0),
            (Element::Zn, 16.0),
            (Element::Cu, 2.5),
            (Element::Fe, 1.6),
            (Element::Mn, 0.04),
            (Element::Cr, 0.06),
            (Element::Se, 0.12),
            (Element::B, 0.3),
            (Element::Co, 0.001),
            (Element::Mo, 0.003),
            (Element::Li, 0.002),
        ];
        for (element, ideal) in ideals {
            assert_eq!(set.ideal(*element), Some(*ideal), "{element}");
        }
        assert_eq!(set.ideals.len(), ideals.len());
        for element in Element::ALL {
            if element.kind() == ElementKind::PanelWithoutIdeal {
                assert_eq!(set.ideal(element), None);
            }
        }
        // (high above, poor eliminator below), HTMA.md "Toxic metals".
        let toxic: &[(Element, f64, f64)] = &[
            (Element::Pb, 0.1, 0.02),
            (Element::Hg, 0.04, 0.02),
            (Element::Cd, 0.007, 0.004),
            (Element::As, 0.008, 0.004),
            (Element::Al, 0.8, 0.08),
            (Element::Ni, 0.02, 0.015),
        ];
        for (element, threshold, poor) in toxic {
            assert_eq!(set.toxic_threshold(*element), Some(*threshold));
            assert_eq!(set.poor_eliminator_level(*element), Some(*poor));
        }
        let ratios: &[(RatioId, f64)] = &[
            (RatioId::CaP, 2.63),
            (RatioId::NaK, 2.5),
            (RatioId::CaK, 4.0),
            (RatioId::ZnCu, 8.0),
            (RatioId::NaMg, 4.17),
            (RatioId::CaMg, 6.67),
            (RatioId::FeCu, 0.8),
        ];
        for (ratio, ideal) in ratios {
            assert_eq!(set.ratio_ideal(*ratio), Some(*ideal));
        }
        assert_eq!(set.validate(), Ok(()));
        // The first default stays available with its old toxic thresholds and no column.
        let first = ReferenceSet::eck_wilson_version(1).unwrap();
        assert_eq!(first.label(), "eck-wilson@1");
        assert_eq!(first.toxic_threshold(Element::Al), Some(0.04));
        assert!(first.toxic_poor_eliminator_below.is_empty());
        assert_eq!(first.validate(), Ok(()));
        assert_eq!(ReferenceSet::eck_wilson_version(3), None);
    }

    #[test]
    fn a_set_stored_before_the_new_fields_reads_their_defaults() {
        let mut json: serde_json::Value =
            serde_json::to_value(ReferenceSet::eck_wilson_v1()).unwrap();
        let object = json.as_object_mut().unwrap();
        for key in ["reading", "wilson", "toxic_poor_eliminator_below"] {
            object.remove(key);
        }
        let back: ReferenceSet = serde_json::from_value(json).unwrap();
        assert_eq!(back, ReferenceSet::eck_wilson_v1());
        assert_eq!(back.reading.borderline_margin, 0.05);
    }

    #[test]
    fn json_round_trip_of_an_edited_copy() {
        let mut edited = ReferenceSet::eck_wilson();
        edited.name = "wilson-2025".into();
        edited.version = 2;
        edited.ideals.insert(Element::Zn, 18.0);
        edited.toxic_high_above.insert(Element::Hg, 0.02);
        let json = serde_json::to_string(&edited).unwrap();
        assert!(json.contains(r#""Zn":18.0"#), "{json}");
        assert!(json.contains(r#""Ca/K":4.0"#), "{json}");
        let back: ReferenceSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, edited);
        assert_eq!(back.label(), "wilson-2025@2");
    }

    #[test]
    fn validate_reports_problems() {
        let mut broken = ReferenceSet::eck_wilson();
        broken.ideals.insert(Element::Ca, f64::NAN);
        broken.ideals.insert(Element::Pb, 1.0);
        broken.patterns.ca_shell_male_bands = vec![200.0, 150.0];
        broken.patterns.ca_shell_female_bands = vec![];
        let problems = broken.validate().unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
    }
}
