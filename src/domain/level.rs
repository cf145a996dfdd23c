//! A hair level (HTMA.md, "Units"): a finite number ≥ 0 in mg%, or a detection limit marked
//! below-limit. "Not measured" is the absence of a level (`Option::None`), never 0.

use serde::{Deserialize, Serialize};

use crate::domain::numbers::format_value;
use crate::domain::units::Unit;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LevelError {
    #[error("a level must be a finite number")]
    NotFinite,
    #[error("a level cannot be negative (got {0})")]
    Negative(String),
    #[error("\"{0}\" uses a comma: write the decimal separator as a point, e.g. 12.5")]
    CommaDecimal(String),
    #[error(
        "\"{0}\" is not a level: write a number such as 12.5, <0.001 for below the detection \
         limit, << for below the lab's limit, or QNS or blank for not measured"
    )]
    NotALevel(String),
}

/// Invariant: `mg_pct` is finite and ≥ 0. When `below_limit` is set, `mg_pct` is the lab's
/// detection limit (an upper bound of the true level); `<<` without a number is stored as a
/// limit of 0 because the lab only says the level is below its calibration limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StoredLevel", into = "StoredLevel")]
pub struct MineralLevel {
    mg_pct: f64,
    below_limit: bool,
}

/// Serde form, so a stored level goes through the same validation as a typed one.
#[derive(Serialize, Deserialize)]
struct StoredLevel {
    mg_pct: f64,
    below_limit: bool,
}

impl TryFrom<StoredLevel> for MineralLevel {
    type Error = LevelError;
    fn try_from(stored: StoredLevel) -> Result<Self, Self::Error> {
        MineralLevel::new(stored.mg_pct, stored.below_limit)
    }
}

impl From<MineralLevel> for StoredLevel {
    fn from(level: MineralLevel) -> Self {
        StoredLevel {
            mg_pct: level.mg_pct,
            below_limit: level.below_limit,
        }
    }
}

impl MineralLevel {
    pub fn new(mg_pct: f64, below_limit: bool) -> Result<MineralLevel, LevelError> {
        if !mg_pct.is_finite() {
            return Err(LevelError::NotFinite);
        }
        if mg_pct < 0.0 {
            return Err(LevelError::Negative(mg_pct.to_string()));
        }
        // -0.0 passes `< 0.0`; store +0.0 so equal levels compare and print the same.
        let mg_pct = if mg_pct == 0.0 { 0.0 } else { mg_pct };
        Ok(MineralLevel {
            mg_pct,
            below_limit,
        })
    }

    pub fn measured(mg_pct: f64) -> Result<MineralLevel, LevelError> {
        MineralLevel::new(mg_pct, false)
    }

    pub fn below_detection_limit(limit_mg_pct: f64) -> Result<MineralLevel, LevelError> {
        MineralLevel::new(limit_mg_pct, true)
    }

    pub fn mg_pct(&self) -> f64 {
        self.mg_pct
    }

    pub fn below_limit(&self) -> bool {
        self.below_limit
    }

    /// `160.0`, or `<0.001` for a below-limit level (`<<` when the lab gave no limit).
    pub fn display(&self) -> String {
        match (self.below_limit, self.mg_pct == 0.0) {
            (false, _) => format_value(self.mg_pct),
            (true, true) => "<<".to_string(),
            (true, false) => format!("<{}", format_value(self.mg_pct)),
        }
    }
}

/// Reads one lab cell written in `unit` (HTMA.md, "Lab CSV format" cells and the TEI marks):
/// a number, `<number` (below detection limit), `<<` or `<<number` (TEI: below the lab's limit),
/// `QNS` (TEI: insufficient sample) or blank → not measured.
pub fn parse_level_cell(cell: &str, unit: Unit) -> Result<Option<MineralLevel>, LevelError> {
    let text = cell.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("qns") {
        return Ok(None);
    }
    if let Some(limit) = text.strip_prefix("<<") {
        let limit = limit.trim();
        if limit.is_empty() {
            return MineralLevel::below_detection_limit(0.0).map(Some);
        }
        let limit_mg_pct = parse_decimal(limit, unit).map_err(|error| relabel(error, text))?;
        return MineralLevel::below_detection_limit(limit_mg_pct).map(Some);
    }
    if let Some(limit) = text.strip_prefix('<') {
        let limit_mg_pct =
            parse_decimal(limit.trim(), unit).map_err(|error| relabel(error, text))?;
        return MineralLevel::below_detection_limit(limit_mg_pct).map(Some);
    }
    MineralLevel::measured(parse_decimal(text, unit)?).map(Some)
}

/// Error messages should quote the whole cell the user wrote, not the part after `<`.
fn relabel(error: LevelError, whole_cell: &str) -> LevelError {
    match error {
        LevelError::NotALevel(_) => LevelError::NotALevel(whole_cell.to_string()),
        LevelError::CommaDecimal(_) => LevelError::CommaDecimal(whole_cell.to_string()),
        LevelError::Negative(_) => LevelError::Negative(whole_cell.to_string()),
        other => other,
    }
}

/// Plain decimal notation only (digits with at most one `.`): the CSV format allows nothing
/// else, and Rust's float parser would also take `inf`, `NaN` and exponents.
fn parse_decimal(text: &str, unit: Unit) -> Result<f64, LevelError> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if let Some(magnitude) = unsigned.strip_prefix('-') {
        return if split_decimal(magnitude).is_some() {
            Err(LevelError::Negative(text.to_string()))
        } else {
            Err(LevelError::NotALevel(text.to_string()))
        };
    }
    let Some((integer_digits, fraction_digits)) = split_decimal(unsigned) else {
        if split_decimal(&unsigned.replacen(',', ".", 1)).is_some() {
            return Err(LevelError::CommaDecimal(text.to_string()));
        }
        return Err(LevelError::NotALevel(text.to_string()));
    };
    let decimal_text = match unit {
        Unit::MgPercent => format!("{integer_digits}.{fraction_digits}"),
        // Shifting the decimal point in the text divides by 10 exactly before the one rounding
        // to binary, so 12.3 ppm is stored as the double nearest 1.23, not 12.3 / 10.
        Unit::Ppm => match integer_digits.len() {
            0 => format!("0.0{fraction_digits}"),
            length => {
                let (head, last_digit) = integer_digits.split_at(length - 1);
                format!("0{head}.{last_digit}{fraction_digits}")
            }
        },
    };
    let value: f64 = decimal_text
        .parse()
        .map_err(|_| LevelError::NotALevel(text.to_string()))?;
    MineralLevel::measured(value).map(|level| level.mg_pct())
}

/// Splits `12.5` into (`12`, `5`); `None` unless the text is digits with at most one point and
/// at least one digit.
fn split_decimal(text: &str) -> Option<(&str, &str)> {
    let (integer_digits, fraction_digits) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if all_digits(integer_digits)
        && all_digits(fraction_digits)
        && !(integer_digits.is_empty() && fraction_digits.is_empty())
    {
        Some((integer_digits, fraction_digits))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(mg_pct: f64, below_limit: bool) -> MineralLevel {
        MineralLevel::new(mg_pct, below_limit).unwrap()
    }

    #[test]
    fn constructor_table() {
        assert!(MineralLevel::new(0.0, false).is_ok());
        assert!(MineralLevel::new(160.0, false).is_ok());
        assert_eq!(
            MineralLevel::new(-1.0, false),
            Err(LevelError::Negative("-1".into()))
        );
        assert_eq!(
            MineralLevel::new(f64::NAN, false),
            Err(LevelError::NotFinite)
        );
        assert_eq!(
            MineralLevel::new(f64::INFINITY, true),
            Err(LevelError::NotFinite)
        );
        assert_eq!(
            MineralLevel::new(-0.0, false).unwrap().mg_pct().to_bits(),
            0
        );
    }

    #[test]
    fn cell_table() {
        use Unit::*;
        type Expected = Result<Option<MineralLevel>, ()>;
        let cases: &[(&str, Unit, Expected)] = &[
            ("", MgPercent, Ok(None)),
            ("   ", MgPercent, Ok(None)),
            ("QNS", MgPercent, Ok(None)),
            ("qns", Ppm, Ok(None)),
            ("160", MgPercent, Ok(Some(level(160.0, false)))),
            (" 2.5 ", MgPercent, Ok(Some(level(2.5, false)))),
            ("0", MgPercent, Ok(Some(level(0.0, false)))),
            (".5", MgPercent, Ok(Some(level(0.5, false)))),
            ("5.", MgPercent, Ok(Some(level(5.0, false)))),
            ("+5", MgPercent, Ok(Some(level(5.0, false)))),
            ("1600", Ppm, Ok(Some(level(160.0, false)))),
            ("12.3", Ppm, Ok(Some(level(1.23, false)))),
            ("0.3", Ppm, Ok(Some(level(0.03, false)))),
            (".5", Ppm, Ok(Some(level(0.05, false)))),
            ("<0.001", MgPercent, Ok(Some(level(0.001, true)))),
            ("< 0.01", Ppm, Ok(Some(level(0.001, true)))),
            ("<<", MgPercent, Ok(Some(level(0.0, true)))),
            ("<<0.002", MgPercent, Ok(Some(level(0.002, true)))),
            ("-1", MgPercent, Err(())),
            ("<-1", MgPercent, Err(())),
            ("1,5", MgPercent, Err(())),
            ("abc", MgPercent, Err(())),
            ("inf", MgPercent, Err(())),
            ("NaN", MgPercent, Err(())),
            ("1e3", MgPercent, Err(())),
            (".", MgPercent, Err(())),
            ("<", MgPercent, Err(())),
            ("1.2.3", MgPercent, Err(())),
            ("<<<", MgPercent, Err(())),
        ];
        for (cell, unit, expected) in cases {
            let parsed = parse_level_cell(cell, *unit);
            match expected {
                Ok(expected) => assert_eq!(parsed.as_ref().ok(), Some(expected), "{cell:?}"),
                Err(()) => assert!(parsed.is_err(), "{cell:?} should fail, got {parsed:?}"),
            }
        }
    }

    #[test]
    fn error_messages_name_the_cell() {
        let message = parse_level_cell("1,5", Unit::MgPercent)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("\"1,5\"") && message.contains("point"),
            "{message}"
        );
        let message = parse_level_cell("<x", Unit::MgPercent)
            .unwrap_err()
            .to_string();
        assert!(message.contains("\"<x\""), "{message}");
        assert!(matches!(
            parse_level_cell("1".repeat(400).as_str(), Unit::MgPercent),
            Err(LevelError::NotFinite)
        ));
    }

    #[test]
    fn display_and_serde() {
        assert_eq!(level(160.0, false).display(), "160.0");
        assert_eq!(level(0.001, true).display(), "<0.001");
        assert_eq!(level(0.0, true).display(), "<<");
        let json = serde_json::to_string(&level(2.0, true)).unwrap();
        assert_eq!(json, r#"{"mg_pct":2.0,"below_limit":true}"#);
        assert_eq!(
            serde_json::from_str::<MineralLevel>(&json).unwrap(),
            level(2.0, true)
        );
        assert!(
            serde_json::from_str::<MineralLevel>(r#"{"mg_pct":-2.0,"below_limit":false}"#).is_err()
        );
    }
}
