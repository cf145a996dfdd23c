//! Hair level units (HTMA.md, "Units"): levels are stored and computed in mg%, labs also report
//! ppm, and 1 mg% = 10 ppm exactly.

use serde::{Deserialize, Serialize};

/// ppm per mg%: 1 mg% is 1 mg per 100 g, i.e. 10 mg per kg = 10 ppm.
pub const PPM_PER_MG_PERCENT: f64 = 10.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Unit {
    /// Milligrams per 100 g of hair, the unit everything is stored and computed in.
    #[default]
    #[serde(rename = "mg%")]
    MgPercent,
    /// Parts per million (= µg/g = mg/kg).
    #[serde(rename = "ppm")]
    Ppm,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown unit \"{0}\": use mg% or ppm")]
pub struct UnitError(pub String);

impl Unit {
    /// Accepts `mg%` and `ppm` (ignoring case and spaces), and the ppm synonyms `µg/g`, `ug/g`
    /// and `mg/kg` that HTMA.md gives as equal to ppm.
    pub fn parse(text: &str) -> Result<Unit, UnitError> {
        let compact: String = text
            .chars()
            .filter(|character| !character.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        match compact.as_str() {
            "mg%" => Ok(Unit::MgPercent),
            "ppm" | "µg/g" | "μg/g" | "ug/g" | "mg/kg" => Ok(Unit::Ppm),
            _ => Err(UnitError(text.trim().to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::MgPercent => "mg%",
            Unit::Ppm => "ppm",
        }
    }

    pub fn to_mg_pct(self, value: f64) -> f64 {
        match self {
            Unit::MgPercent => value,
            Unit::Ppm => value / PPM_PER_MG_PERCENT,
        }
    }

    pub fn from_mg_pct(self, mg_pct: f64) -> f64 {
        match self {
            Unit::MgPercent => mg_pct,
            Unit::Ppm => mg_pct * PPM_PER_MG_PERCENT,
        }
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_table() {
        let cases: &[(&str, Option<Unit>)] = &[
            ("mg%", Some(Unit::MgPercent)),
            ("MG%", Some(Unit::MgPercent)),
            (" mg % ", Some(Unit::MgPercent)),
            ("ppm", Some(Unit::Ppm)),
            ("PPM", Some(Unit::Ppm)),
            ("µg/g", Some(Unit::Ppm)),
            ("mg/kg", Some(Unit::Ppm)),
            ("", None),
            ("mg", None),
            ("%", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Unit::parse(text).ok(), *expected, "parsing {text:?}");
        }
    }

    #[test]
    fn one_mg_percent_is_ten_ppm() {
        assert_eq!(Unit::Ppm.to_mg_pct(10.0), 1.0);
        assert_eq!(Unit::Ppm.from_mg_pct(1.0), 10.0);
        assert_eq!(Unit::Ppm.to_mg_pct(1600.0), 160.0);
        assert_eq!(Unit::MgPercent.to_mg_pct(2.5), 2.5);
    }

    proptest! {
        #[test]
        fn unit_round_trip(value in 0.0f64..1.0e9, unit in prop_oneof![Just(Unit::MgPercent), Just(Unit::Ppm)]) {
            let back = unit.to_mg_pct(unit.from_mg_pct(value));
            prop_assert!((back - value).abs() <= value * 1e-15);
            let back = unit.from_mg_pct(unit.to_mg_pct(value));
            prop_assert!((back - value).abs() <= value * 1e-15);
            prop_assert_eq!(Unit::parse(unit.as_str()), Ok(unit));
        }
    }
}
