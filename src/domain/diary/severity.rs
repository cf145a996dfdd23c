//! One symptom on one day: how bad (0 to 10) and when.

use std::fmt;

/// A severity on the usual 0–10 numeric rating scale: 0 is "none", 10 the worst imaginable.
/// The only way to get one is `new` or `parse`, so a stored severity is always in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Severity(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeverityError {
    #[error("Choose a severity from 0 (none) to 10 (worst).")]
    OutOfRange,
    #[error("“{0}” is not a severity: choose a number from 0 (none) to 10 (worst).")]
    NotANumber(String),
}

impl Severity {
    pub const NONE: Severity = Severity(0);
    pub const MAX: u8 = 10;

    pub fn new(value: i64) -> Result<Self, SeverityError> {
        u8::try_from(value)
            .ok()
            .filter(|v| *v <= Self::MAX)
            .map(Severity)
            .ok_or(SeverityError::OutOfRange)
    }

    /// Parses a form value; blank means "none" because an untouched scale is no symptom.
    pub fn parse(text: &str) -> Result<Self, SeverityError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Self::NONE);
        }
        let value: i64 = text
            .parse()
            .map_err(|_| SeverityError::NotANumber(text.chars().take(20).collect()))?;
        Self::new(value)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// A symptom is recorded for the day only when it was felt at all.
    pub fn is_present(self) -> bool {
        self.0 > 0
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// When in the day a symptom came. "During or after exercise" matters on its own: the HTMA
/// hints treat exercise cramps as a possible short-term magnesium need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeOfDay {
    Night,
    Day,
    Exercise,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 3] = [TimeOfDay::Night, TimeOfDay::Day, TimeOfDay::Exercise];

    /// The stored form (also the form value).
    pub fn as_str(self) -> &'static str {
        match self {
            TimeOfDay::Night => "night",
            TimeOfDay::Day => "day",
            TimeOfDay::Exercise => "exercise",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimeOfDay::Night => "Night",
            TimeOfDay::Day => "Day",
            TimeOfDay::Exercise => "During or after exercise",
        }
    }

    /// A short label for buttons on a phone.
    pub fn short_label(self) -> &'static str {
        match self {
            TimeOfDay::Night => "Night",
            TimeOfDay::Day => "Day",
            TimeOfDay::Exercise => "Exercise",
        }
    }

    /// Blank is "not noted"; anything else must be one of the three.
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        match text.trim() {
            "" => Ok(None),
            other => Self::ALL
                .into_iter()
                .find(|t| t.as_str() == other)
                .map(Some)
                .ok_or_else(|| "Choose night, day or during/after exercise.".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_bounds() {
        assert_eq!(Severity::parse("0"), Ok(Severity::NONE));
        assert_eq!(Severity::parse(" 10 ").map(Severity::get), Ok(10));
        assert_eq!(Severity::parse(""), Ok(Severity::NONE));
        assert_eq!(Severity::parse("11"), Err(SeverityError::OutOfRange));
        assert_eq!(Severity::parse("-1"), Err(SeverityError::OutOfRange));
        assert!(matches!(
            Severity::parse("bad"),
            Err(SeverityError::NotANumber(_))
        ));
        assert_eq!(Severity::new(300), Err(SeverityError::OutOfRange));
        assert!(!Severity::NONE.is_present());
        assert!(Severity::parse("1").unwrap().is_present());
    }

    #[test]
    fn severity_errors_read_as_sentences() {
        let message = Severity::parse("11").unwrap_err().to_string();
        assert!(message.contains("0 (none) to 10 (worst)"), "{message}");
    }

    #[test]
    fn time_of_day_round_trips() {
        for t in TimeOfDay::ALL {
            assert_eq!(TimeOfDay::parse(t.as_str()), Ok(Some(t)));
        }
        assert_eq!(TimeOfDay::parse(""), Ok(None));
        assert!(TimeOfDay::parse("morning").is_err());
    }
}
