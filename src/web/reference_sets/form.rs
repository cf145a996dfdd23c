//! The reference set form: every number of a set as one text field, parsed at the edge into a
//! `ReferenceSet` with a message per field a practitioner can act on. Field names are static
//! tables (not built with `format!`) because `FieldErrors` keys are `&'static str`.

use std::collections::HashMap;

use crate::domain::element::Element;
use crate::domain::ratio::RatioId;
use crate::domain::reference::ReferenceSet;
use crate::web::forms::FieldErrors;

/// Minerals with an ideal (macro and trace), in report order.
pub const IDEAL_FIELDS: [(Element, &str); 15] = [
    (Element::Ca, "ideal_Ca"),
    (Element::Mg, "ideal_Mg"),
    (Element::Na, "ideal_Na"),
    (Element::K, "ideal_K"),
    (Element::P, "ideal_P"),
    (Element::Zn, "ideal_Zn"),
    (Element::Cu, "ideal_Cu"),
    (Element::Fe, "ideal_Fe"),
    (Element::Mn, "ideal_Mn"),
    (Element::Cr, "ideal_Cr"),
    (Element::Se, "ideal_Se"),
    (Element::B, "ideal_B"),
    (Element::Co, "ideal_Co"),
    (Element::Mo, "ideal_Mo"),
    (Element::Li, "ideal_Li"),
];

/// Toxic metals and their "high above" thresholds.
pub const TOXIC_FIELDS: [(Element, &str); 6] = [
    (Element::Pb, "toxic_Pb"),
    (Element::Hg, "toxic_Hg"),
    (Element::Cd, "toxic_Cd"),
    (Element::As, "toxic_As"),
    (Element::Al, "toxic_Al"),
    (Element::Ni, "toxic_Ni"),
];

/// Toxic metals and their "poor eliminator below" levels (P-POOR-ELIM); blank means none.
pub const POOR_ELIMINATOR_FIELDS: [(Element, &str); 6] = [
    (Element::Pb, "poor_Pb"),
    (Element::Hg, "poor_Hg"),
    (Element::Cd, "poor_Cd"),
    (Element::As, "poor_As"),
    (Element::Al, "poor_Al"),
    (Element::Ni, "poor_Ni"),
];

pub const RATIO_FIELDS: [(RatioId, &str); 7] = [
    (RatioId::CaP, "ratio_CaP"),
    (RatioId::NaK, "ratio_NaK"),
    (RatioId::CaK, "ratio_CaK"),
    (RatioId::ZnCu, "ratio_ZnCu"),
    (RatioId::NaMg, "ratio_NaMg"),
    (RatioId::CaMg, "ratio_CaMg"),
    (RatioId::FeCu, "ratio_FeCu"),
];

/// One scalar threshold of the set: its field, its label, and how to read and write it.
struct Scalar {
    name: &'static str,
    label: &'static str,
    get: fn(&ReferenceSet) -> f64,
    set: fn(&mut ReferenceSet, f64),
}

macro_rules! scalar {
    ($group:ident . $field:ident, $label:literal) => {
        Scalar {
            name: stringify!($field),
            label: $label,
            get: |s| s.$group.$field,
            set: |s, v| s.$group.$field = v,
        }
    };
}

/// (section title, thresholds), in the order of `ReferenceSet`'s structs.
fn scalar_sections() -> [(&'static str, Vec<Scalar>); 5] {
    [
        (
            "Oxidation type thresholds",
            vec![
                scalar!(oxidation.ca_k_slow_side_from, "OX-1: Ca/K slow side from"),
                scalar!(
                    oxidation.na_mg_fast_side_above,
                    "OX-2: Na/Mg fast side above"
                ),
                scalar!(
                    oxidation.fast_extreme_below,
                    "OX-6 fast: extreme below Ca/K"
                ),
                scalar!(oxidation.fast_mild_above, "OX-6 fast: mild above Ca/K"),
                scalar!(oxidation.slow_mild_below, "OX-6 slow: mild below Ca/K"),
                scalar!(
                    oxidation.slow_extreme_above,
                    "OX-6 slow: extreme above Ca/K"
                ),
            ],
        ),
        (
            "Pattern thresholds",
            vec![
                scalar!(
                    patterns.na_k_severe_inversion_below,
                    "P-NAK-INV-SEVERE: Na/K below"
                ),
                scalar!(patterns.na_k_inversion_below, "P-NAK-INV: Na/K below"),
                scalar!(patterns.na_k_high_above, "P-NAK-HIGH: Na/K above"),
                scalar!(patterns.na_k_very_high_above, "P-NAK-VHIGH: Na/K above"),
                scalar!(patterns.k_low_below, "P-K-LOW: K below (mg%)"),
                scalar!(patterns.k_very_low_at_most, "P-K-VLOW: K at most (mg%)"),
                scalar!(
                    patterns.sympathetic_dominance_k_at_most,
                    "P-SYMP-DOM: K at most (mg%)"
                ),
                scalar!(patterns.p_low_below, "P-P-LOW: P below (mg%)"),
                scalar!(patterns.p_very_low_below, "P-P-VLOW: P below (mg%)"),
                scalar!(patterns.zn_cu_low_below, "P-ZNCU-LOW: Zn/Cu below"),
                scalar!(patterns.ca_mg_low_below, "P-CAMG-LOW: Ca/Mg below"),
                scalar!(patterns.ca_mg_high_above, "P-CAMG-HIGH: Ca/Mg above"),
            ],
        ),
        (
            "Reading of the oxidation type",
            vec![
                scalar!(
                    reading.borderline_margin,
                    "OX-7 borderline within this fraction of the threshold (0.05 = 5 %; an app convention)"
                ),
                scalar!(
                    reading.vitality_na_k_healthy_from,
                    "OX-9: healthy from Na/K"
                ),
                scalar!(
                    reading.four_lows_mild_from,
                    "OX-10 four lows: mild from Ca (mg%)"
                ),
                scalar!(
                    reading.four_lows_moderate_from,
                    "OX-10 four lows: moderate from Ca (mg%)"
                ),
            ],
        ),
        (
            "Further patterns of the Wilson school",
            vec![
                scalar!(wilson.burned_out_na_k_below, "P-BURNED-OUT: Na/K below"),
                scalar!(wilson.burned_out_2x_below, "P-BURNED-OUT 2×: Na/K below"),
                scalar!(wilson.burned_out_3x_below, "P-BURNED-OUT 3×: Na/K below"),
                scalar!(wilson.hidden_cu_k_below, "P-HIDDEN-CU: K below (mg%)"),
                scalar!(wilson.hidden_cu_na_k_below, "P-HIDDEN-CU: Na/K below"),
                scalar!(wilson.hidden_cu_zn_below, "P-HIDDEN-CU: Zn below (mg%)"),
                scalar!(wilson.hidden_cu_p_below, "P-HIDDEN-CU: P below (mg%)"),
                scalar!(wilson.hidden_cu_ca_above, "P-HIDDEN-CU: Ca above (mg%)"),
                scalar!(wilson.bowl_na_k_below, "P-BOWL: Na/K below"),
                scalar!(wilson.bowl_ca_mg_above, "P-BOWL: Ca/Mg above"),
                scalar!(wilson.double_high_na_k_above, "P-DOUBLE-HIGH: Na/K above"),
                scalar!(wilson.double_high_ca_mg_above, "P-DOUBLE-HIGH: Ca/Mg above"),
                scalar!(wilson.double_low_na_k_below, "P-DOUBLE-LOW: Na/K below"),
                scalar!(wilson.double_low_ca_mg_below, "P-DOUBLE-LOW: Ca/Mg below"),
                scalar!(wilson.mg_shell_above, "P-MG-SHELL: Mg above (mg%)"),
            ],
        ),
        (
            "Comparing tests",
            vec![
                scalar!(
                    comparison.unchanged_distance_fraction,
                    "CMP-1: unchanged below this fraction of the distance to the ideal"
                ),
                scalar!(
                    comparison.printed_ratio_tolerance,
                    "Lab-printed ratios: warn above this fraction of difference"
                ),
            ],
        ),
    ]
}

pub const FEMALE_BANDS: &str = "ca_shell_female_bands";
pub const MALE_BANDS: &str = "ca_shell_male_bands";
pub const VERSION: &str = "version";

/// A field as the page shows it: the text (as submitted, or the stored value), the default
/// set's value beside it, and its error.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub default: String,
    pub error: Option<String>,
    /// A list of numbers (the calcium shell bands) rather than one number.
    pub is_list: bool,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub title: &'static str,
    pub fields: Vec<FieldView>,
}

/// Shortest text that reads back as the same number (`16`, `0.035`), so an unchanged form
/// saves the same set.
fn number_text(value: f64) -> String {
    format!("{value}")
}

fn list_text(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| number_text(*v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number of the set: finite and ≥ 0.
pub fn parse_number(raw: &str) -> Result<f64, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Enter a number (0 or more).".into());
    }
    if text.chars().count() > 40 {
        return Err("That is too long to be a number.".into());
    }
    let value: f64 = match text.parse() {
        Ok(value) => value,
        Err(_) if text.contains(',') => {
            return Err(format!(
                "“{text}” is not a number: use a point for decimals."
            ))
        }
        Err(_) => return Err(format!("“{text}” is not a number.")),
    };
    if !value.is_finite() {
        return Err(format!("“{text}” is not a finite number."));
    }
    if value < 0.0 {
        return Err(format!("{text} is below 0: enter 0 or more."));
    }
    // -0 reads as 0.
    Ok(value + 0.0)
}

/// The calcium shell bands: numbers separated by commas or spaces, each ≥ 0.
pub fn parse_bands(raw: &str) -> Result<Vec<f64>, String> {
    let parts: Vec<&str> = raw
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Err("Enter at least one band (mg% Ca), separated by commas.".into());
    }
    if parts.len() > usize::from(u8::MAX) {
        return Err("Enter at most 255 bands.".into());
    }
    parts
        .iter()
        .map(|p| parse_number(p).map_err(|e| format!("Band “{p}”: {e}")))
        .collect()
}

/// The submitted (or stored) text of every field of the set form.
#[derive(Debug, Clone, Default)]
pub struct SetForm {
    values: HashMap<String, String>,
}

/// What a submitted form did not satisfy: per-field messages, and the set-wide checks of
/// `ReferenceSet::validate` (thresholds out of order, bands not rising).
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub fields: FieldErrors,
    pub problems: Vec<String>,
}

impl SetForm {
    pub fn from_set(set: &ReferenceSet) -> SetForm {
        let mut values = HashMap::new();
        let mut put = |name: &str, text: String| {
            values.insert(name.to_string(), text);
        };
        for (element, name) in IDEAL_FIELDS {
            put(
                name,
                set.ideal(element).map(number_text).unwrap_or_default(),
            );
        }
        for (element, name) in TOXIC_FIELDS {
            put(
                name,
                set.toxic_threshold(element)
                    .map(number_text)
                    .unwrap_or_default(),
            );
        }
        for (element, name) in POOR_ELIMINATOR_FIELDS {
            put(
                name,
                set.poor_eliminator_level(element)
                    .map(number_text)
                    .unwrap_or_default(),
            );
        }
        for (ratio, name) in RATIO_FIELDS {
            put(
                name,
                set.ratio_ideal(ratio).map(number_text).unwrap_or_default(),
            );
        }
        for (_, scalars) in scalar_sections() {
            for scalar in scalars {
                put(scalar.name, number_text((scalar.get)(set)));
            }
        }
        put(FEMALE_BANDS, list_text(&set.patterns.ca_shell_female_bands));
        put(MALE_BANDS, list_text(&set.patterns.ca_shell_male_bands));
        put(VERSION, set.version.to_string());
        SetForm { values }
    }

    pub fn from_submitted(values: HashMap<String, String>) -> SetForm {
        SetForm { values }
    }

    fn text(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// The version the form was loaded at (hidden field), to refuse saving over a newer one.
    pub fn version(&self) -> Option<u32> {
        self.text(VERSION).trim().parse().ok()
    }

    /// `base` with every number of the form; name and version are kept from `base`.
    pub fn parse(&self, base: &ReferenceSet) -> Result<ReferenceSet, FormErrors> {
        let mut set = base.clone();
        let mut errors = FormErrors::default();
        let mut number = |name: &'static str| match parse_number(self.text(name)) {
            Ok(value) => Some(value),
            Err(message) => {
                errors.fields.add(name, message);
                None
            }
        };
        for (element, name) in IDEAL_FIELDS {
            if let Some(value) = number(name) {
                set.ideals.insert(element, value);
            }
        }
        for (element, name) in TOXIC_FIELDS {
            if let Some(value) = number(name) {
                set.toxic_high_above.insert(element, value);
            }
        }
        for (element, name) in POOR_ELIMINATOR_FIELDS {
            // Blank: no level for this metal (P-POOR-ELIM then cannot count it).
            if self.text(name).trim().is_empty() {
                set.toxic_poor_eliminator_below.remove(&element);
            } else if let Some(value) = number(name) {
                set.toxic_poor_eliminator_below.insert(element, value);
            }
        }
        for (ratio, name) in RATIO_FIELDS {
            if let Some(value) = number(name) {
                set.ratio_ideals.insert(ratio, value);
            }
        }
        for (_, scalars) in scalar_sections() {
            for scalar in scalars {
                if let Some(value) = number(scalar.name) {
                    (scalar.set)(&mut set, value);
                }
            }
        }
        for name in [FEMALE_BANDS, MALE_BANDS] {
            match parse_bands(self.text(name)) {
                Ok(bands) if name == FEMALE_BANDS => set.patterns.ca_shell_female_bands = bands,
                Ok(bands) => set.patterns.ca_shell_male_bands = bands,
                Err(message) => errors.fields.add(name, message),
            }
        }
        if !errors.fields.is_empty() {
            return Err(errors);
        }
        // Only once every field reads: the set-wide checks would repeat the field errors.
        if let Err(problems) = set.validate() {
            errors.problems = problems;
            return Err(errors);
        }
        Ok(set)
    }

    /// The form's fields by section, with the default set's values beside them.
    pub fn sections(&self, errors: &FieldErrors) -> Vec<Section> {
        let default = SetForm::from_set(&ReferenceSet::eck_wilson());
        let view = |name: &'static str, label: String, is_list: bool| FieldView {
            name,
            label,
            value: self.text(name).to_string(),
            default: default.text(name).to_string(),
            error: errors.get(name).cloned(),
            is_list,
        };
        let element_label = |e: Element| format!("{} ({})", e.title(), e.symbol());
        let mut sections = vec![
            Section {
                title: "Mineral ideals (mg%)",
                fields: IDEAL_FIELDS
                    .iter()
                    .map(|(e, name)| view(name, element_label(*e), false))
                    .collect(),
            },
            Section {
                title: "Toxic metals: high above (mg%)",
                fields: TOXIC_FIELDS
                    .iter()
                    .map(|(e, name)| view(name, element_label(*e), false))
                    .collect(),
            },
            Section {
                title: "Toxic metals: poor eliminator below (mg%, blank for none)",
                fields: POOR_ELIMINATOR_FIELDS
                    .iter()
                    .map(|(e, name)| view(name, element_label(*e), false))
                    .collect(),
            },
            Section {
                title: "Ratio ideals",
                fields: RATIO_FIELDS
                    .iter()
                    .map(|(r, name)| view(name, r.label().to_string(), false))
                    .collect(),
            },
        ];
        for (title, scalars) in scalar_sections() {
            let mut fields: Vec<FieldView> = scalars
                .iter()
                .map(|s| view(s.name, s.label.to_string(), false))
                .collect();
            if title == "Pattern thresholds" {
                fields.push(view(
                    FEMALE_BANDS,
                    "P-CA-SHELL bands, female or not recorded (mg% Ca, rising)".into(),
                    true,
                ));
                fields.push(view(
                    MALE_BANDS,
                    "P-CA-SHELL bands, male (mg% Ca, rising)".into(),
                    true,
                ));
            }
            sections.push(Section { title, fields });
        }
        sections
    }
}

/// The name of a new set. It becomes half of the label `name@version`, so no `@`.
pub fn parse_set_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Give the new set a name.".into());
    }
    if name.chars().count() > 60 {
        return Err("Keep the name to 60 characters or fewer.".into());
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
    {
        return Err(
            "Use letters, digits, spaces, “-”, “_” and “.” only (the set is labelled name@version)."
                .into(),
        );
    }
    if name.eq_ignore_ascii_case(ReferenceSet::ECK_WILSON_NAME) {
        return Err("“eck-wilson” is the default set's name: choose another.".into());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::element::ElementKind;

    #[test]
    fn the_field_tables_cover_the_default_set() {
        let set = ReferenceSet::eck_wilson();
        for element in Element::ALL {
            let has_ideal = IDEAL_FIELDS.iter().any(|(e, _)| *e == element);
            let has_threshold = TOXIC_FIELDS.iter().any(|(e, _)| *e == element);
            assert_eq!(has_ideal, set.ideal(element).is_some(), "{element}");
            assert_eq!(
                has_threshold,
                set.toxic_threshold(element).is_some(),
                "{element}"
            );
            assert_eq!(has_threshold, element.kind() == ElementKind::ToxicMetal);
        }
        let ratios: Vec<RatioId> = RATIO_FIELDS.iter().map(|(r, _)| *r).collect();
        assert_eq!(ratios, RatioId::ALL.to_vec());
    }

    #[test]
    fn an_unchanged_form_gives_back_the_same_set() {
        let set = ReferenceSet::eck_wilson();
        let parsed = SetForm::from_set(&set).parse(&set).unwrap();
        assert_eq!(parsed, set);
    }

    #[test]
    fn every_field_is_parsed_and_errors_name_their_field() {
        let set = ReferenceSet::eck_wilson();
        let mut values = SetForm::from_set(&set).values;
        values.insert("ideal_Zn".into(), " 18 ".into());
        values.insert("toxic_Hg".into(), "0.02".into());
        values.insert("fast_mild_above".into(), "1.6".into());
        values.insert(MALE_BANDS.into(), "150; 200 250,300".into());
        let parsed = SetForm::from_submitted(values.clone()).parse(&set).unwrap();
        assert_eq!(parsed.ideal(Element::Zn), Some(18.0));
        assert_eq!(parsed.toxic_threshold(Element::Hg), Some(0.02));
        assert_eq!(parsed.oxidation.fast_mild_above, 1.6);
        assert_eq!(
            parsed.patterns.ca_shell_male_bands,
            vec![150.0, 200.0, 250.0, 300.0]
        );

        values.insert("ideal_Zn".into(), "-1".into());
        values.insert("ratio_NaK".into(), "abc".into());
        values.insert("toxic_Pb".into(), "NaN".into());
        values.insert("ideal_Ca".into(), "inf".into());
        values.insert("ideal_Mg".into(), "".into());
        values.insert(FEMALE_BANDS.into(), "165, x".into());
        let errors = SetForm::from_submitted(values.clone())
            .parse(&set)
            .unwrap_err();
        for name in [
            "ideal_Zn",
            "ratio_NaK",
            "toxic_Pb",
            "ideal_Ca",
            "ideal_Mg",
            FEMALE_BANDS,
        ] {
            assert!(errors.fields.get(name).is_some(), "{name}");
        }
        assert_eq!(errors.fields.len(), 6);
        assert!(errors.problems.is_empty());
    }

    #[test]
    fn set_wide_problems_come_from_validate() {
        let set = ReferenceSet::eck_wilson();
        let mut values = SetForm::from_set(&set).values;
        values.insert("fast_extreme_below".into(), "2".into());
        values.insert(FEMALE_BANDS.into(), "300, 200".into());
        let errors = SetForm::from_submitted(values).parse(&set).unwrap_err();
        assert!(errors.fields.is_empty());
        assert_eq!(errors.problems.len(), 2, "{:?}", errors.problems);
    }

    #[test]
    fn numbers_and_names_at_the_edge() {
        assert_eq!(parse_number("0.035"), Ok(0.035));
        assert_eq!(parse_number("-0"), Ok(0.0));
        assert!(parse_number("18,5").unwrap_err().contains("point"));
        assert!(parse_number("1e400").is_err());
        assert_eq!(parse_set_name("  wilson-2025 "), Ok("wilson-2025".into()));
        assert!(parse_set_name("a@b").is_err());
        assert!(parse_set_name("Eck-Wilson").is_err());
        assert!(parse_set_name(&"x".repeat(61)).is_err());
        assert!(parse_set_name("").is_err());
    }
}
