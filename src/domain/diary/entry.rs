//! A diary entry as the client submitted it, already parsed into typed values.

use chrono::NaiveDate;

use super::{Severity, TimeOfDay};

/// Free text is capped: a diary line, not a document (and a bound on what one POST may store).
pub const NOTE_MAX_CHARS: usize = 2000;
pub const TRIGGERS_MAX_CHARS: usize = 1000;

/// One symptom present on the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymptomReading {
    pub key: String,
    pub severity: Severity,
    pub time_of_day: Option<TimeOfDay>,
}

/// A whole day, ready to store: only symptoms actually felt (severity above 0) are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInput {
    pub date: NaiveDate,
    pub symptoms: Vec<SymptomReading>,
    pub note: String,
    pub triggers: String,
}

/// Trims a free-text field and checks its length; the message names the limit.
pub fn parse_text(text: &str, max_chars: usize) -> Result<String, String> {
    if let Some(problem) = crate::text::control_character_problem(text, crate::text::Lines::Multi) {
        return Err(problem);
    }
    let text = text.trim();
    if text.chars().count() > max_chars {
        Err(format!(
            "This is {} characters long; the limit is {max_chars}.",
            text.chars().count()
        ))
    } else {
        Ok(text.replace("\r\n", "\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            parse_text("  bread \r\n cheese ", 100),
            Ok("bread \n cheese".into())
        );
        assert!(parse_text(&"é".repeat(11), 10).is_err());
        assert_eq!(parse_text(&"é".repeat(10), 10).map(|s| s.len()), Ok(20));
        assert!(parse_text("bread\0", 100).is_err());
    }
}
