//! The hair test form: every field as typed (kept verbatim for re-display), parsed at once into
//! a `TestInput` or per-field messages. Element inputs are named by symbol (`Ca`), printed-ratio
//! inputs by ratio id (`R-CaK`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::db::hair_tests::{HairTestFields, HairTestRow, LevelRow};
use crate::domain::element::{Element, ElementKind};
use crate::domain::level::parse_level_cell;
use crate::domain::numbers::format_value;
use crate::domain::ratio::RatioId;
use crate::domain::units::Unit;
use crate::service::commands::hair_tests::TestInput;
use crate::web::forms::{optional_text, FieldErrors, Lines};

pub const LABS: [&str; 3] = ["ARL", "TEI", "Other"];

#[derive(Debug, Clone, Default)]
pub struct HairTestForm {
    pub values: HashMap<String, String>,
}

impl HairTestForm {
    pub fn from_submitted(values: HashMap<String, String>) -> Self {
        HairTestForm { values }
    }

    pub fn blank(today: NaiveDate) -> Self {
        let mut values = HashMap::new();
        values.insert("sample_date".into(), today.to_string());
        values.insert("unit".into(), Unit::MgPercent.as_str().into());
        values.insert("lab".into(), "ARL".into());
        HairTestForm { values }
    }

    /// The form as it was stored, levels shown in the unit they were entered in.
    pub fn from_stored(test: &HairTestRow, levels: &[LevelRow]) -> Self {
        let unit = Unit::parse(&test.entry_unit).unwrap_or(Unit::MgPercent);
        let mut values = HashMap::new();
        values.insert("sample_date".into(), test.sample_date.to_string());
        let (lab, other) = if LABS[..2].contains(&test.lab.as_str()) {
            (test.lab.clone(), String::new())
        } else if test.lab.is_empty() {
            (String::new(), String::new())
        } else {
            ("Other".to_string(), test.lab.clone())
        };
        values.insert("lab".into(), lab);
        values.insert("lab_other".into(), other);
        values.insert(
            "lab_sample_id".into(),
            test.lab_sample_id.clone().unwrap_or_default(),
        );
        if test.washed {
            values.insert("washed".into(), "yes".into());
        }
        values.insert("unit".into(), unit.as_str().into());
        values.insert("notes".into(), test.notes.clone());
        for level in levels {
            let shown = unit.from_mg_pct(level.mg_pct);
            let text = match (level.below_limit, level.mg_pct == 0.0) {
                (false, _) => format_value_exact(shown),
                (true, true) => "<<".into(),
                (true, false) => format!("<{}", format_value_exact(shown)),
            };
            values.insert(level.element.clone(), text);
        }
        for (ratio, value) in parse_printed_ratios(&test.printed_ratios) {
            values.insert(ratio.id().into(), format_value_exact(value));
        }
        HairTestForm { values }
    }

    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn is_checked(&self, name: &str) -> bool {
        matches!(self.get(name), "yes" | "on" | "true" | "1")
    }

    pub fn parse(&self, today: NaiveDate) -> Result<TestInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        for field in ["sample_date", "lab", "lab_other", "lab_sample_id", "unit"] {
            errors.check_text(field, self.get(field), Lines::Single);
        }
        errors.check_text("notes", self.get("notes"), Lines::Multi);
        for element in Element::ALL {
            errors.check_text(element.symbol(), self.get(element.symbol()), Lines::Single);
        }
        for ratio in RatioId::ALL {
            errors.check_text(ratio.id(), self.get(ratio.id()), Lines::Single);
        }
        let sample_date =
            match NaiveDate::parse_from_str(self.get("sample_date").trim(), "%Y-%m-%d") {
                Ok(date) if date > today => {
                    errors.add("sample_date", "The sample date is in the future.");
                    None
                }
                Ok(date) => Some(date),
                Err(_) if self.get("sample_date").trim().is_empty() => {
                    errors.add(
                        "sample_date",
                        "Enter the date the hair was cut (YYYY-MM-DD).",
                    );
                    None
                }
                Err(_) => {
                    errors.add(
                        "sample_date",
                        format!(
                            "“{}” is not a date: use YYYY-MM-DD.",
                            self.get("sample_date").trim()
                        ),
                    );
                    None
                }
            };
        let lab = match self.get("lab").trim() {
            "Other" => {
                let name = self.get("lab_other").trim();
                if name.is_empty() {
                    errors.add("lab_other", "Name the lab.");
                }
                name.to_string()
            }
            "" => String::new(),
            known if LABS.contains(&known) => known.to_string(),
            _ => {
                errors.add("lab", "Choose a lab from the list.");
                String::new()
            }
        };
        if lab.chars().count() > 100 {
            errors.add("lab_other", "Use at most 100 characters.");
        }
        let lab_sample_id = optional_text(self.get("lab_sample_id"));
        if lab_sample_id
            .as_ref()
            .is_some_and(|s| s.chars().count() > 100)
        {
            errors.add("lab_sample_id", "Use at most 100 characters.");
        }
        let unit = match self.get("unit").trim() {
            "" => Ok(Unit::MgPercent),
            text => Unit::parse(text),
        };
        let unit = match unit {
            Ok(unit) => unit,
            Err(_) => {
                errors.add("unit", "Choose mg% or ppm.");
                Unit::MgPercent
            }
        };
        let mut levels = BTreeMap::new();
        for element in Element::ALL {
            match parse_level_cell(self.get(element.symbol()), unit) {
                Ok(Some(level)) => {
                    levels.insert(element, level);
                }
                Ok(None) => {}
                Err(e) => errors.add(element.symbol(), e.to_string()),
            }
        }
        if levels.is_empty() && errors.is_empty() {
            errors.add("Ca", "Enter at least one mineral level.");
        }
        let mut printed = Vec::new();
        for ratio in RatioId::ALL {
            let text = self.get(ratio.id()).trim();
            if text.is_empty() {
                continue;
            }
            match text.parse::<f64>() {
                Ok(value) if value.is_finite() && value >= 0.0 => {
                    printed.push(format!("{}={}", ratio.id(), value))
                }
                _ => errors.add(
                    ratio.id(),
                    format!("“{text}” is not a ratio: write a number like 2.5."),
                ),
            }
        }
        let notes = self.get("notes").trim().to_string();
        if notes.chars().count() > 20_000 {
            errors.add("notes", "Notes are limited to 20,000 characters.");
        }
        match (sample_date, errors.is_empty()) {
            (Some(sample_date), true) => Ok(TestInput {
                fields: HairTestFields {
                    sample_date,
                    lab,
                    lab_sample_id,
                    washed: self.is_checked("washed"),
                    entry_unit: unit.as_str().to_string(),
                    printed_ratios: printed.join(";"),
                    notes,
                },
                levels,
            }),
            _ => Err(errors),
        }
    }
}

/// Stored as `R-CaK=80;R-NaMg=0.44`; unreadable parts are ignored.
pub fn parse_printed_ratios(stored: &str) -> BTreeMap<RatioId, f64> {
    stored
        .split(';')
        .filter_map(|part| {
            let (id, value) = part.split_once('=')?;
            let ratio = RatioId::ALL.into_iter().find(|r| r.id() == id.trim())?;
            let value = value.trim().parse::<f64>().ok().filter(|v| v.is_finite())?;
            Some((ratio, value))
        })
        .collect()
}

/// The shortest text that reads back as the same number (no 3-decimal rounding in a form).
fn format_value_exact(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('e') {
        format_value(value)
    } else {
        text
    }
}

/// The element groups of the form, in report order.
pub fn element_groups() -> Vec<(&'static str, Vec<Element>)> {
    let group = |kind: ElementKind| {
        Element::ALL
            .into_iter()
            .filter(|e| e.kind() == kind)
            .collect::<Vec<_>>()
    };
    vec![
        ("Macro minerals", group(ElementKind::MacroMineral)),
        ("Trace minerals", group(ElementKind::TraceMineral)),
        ("Toxic metals", group(ElementKind::ToxicMetal)),
        ("Other elements", group(ElementKind::PanelWithoutIdeal)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HairTestForm {
        HairTestForm::from_submitted(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn parses_levels_in_ppm_to_mg_pct() {
        let input = form(&[
            ("sample_date", "2026-03-01"),
            ("lab", "ARL"),
            ("unit", "ppm"),
            ("Ca", "1600"),
            ("Pb", "<0.1"),
        ])
        .parse(today())
        .unwrap();
        assert_eq!(input.levels[&Element::Ca].mg_pct(), 160.0);
        assert!(input.levels[&Element::Pb].below_limit());
        assert_eq!(input.fields.entry_unit, "ppm");
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let errors = form(&[
            ("sample_date", "2030-01-01"),
            ("lab", "Other"),
            ("Ca", "-3"),
            ("Mg", "1,5"),
            ("R-CaK", "x"),
        ])
        .parse(today())
        .unwrap_err();
        for field in ["sample_date", "lab_other", "Ca", "Mg", "R-CaK"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn an_empty_panel_is_refused() {
        let errors = form(&[("sample_date", "2026-01-01"), ("lab", "TEI")])
            .parse(today())
            .unwrap_err();
        assert!(errors.get("Ca").is_some());
    }

    #[test]
    fn printed_ratios_round_trip() {
        let input = form(&[
            ("sample_date", "2026-01-01"),
            ("Ca", "160"),
            ("K", "2"),
            ("R-CaK", "80"),
        ])
        .parse(today())
        .unwrap();
        let parsed = parse_printed_ratios(&input.fields.printed_ratios);
        assert_eq!(parsed.get(&RatioId::CaK), Some(&80.0));
    }
}
