//! Sex matters to one rule only: the calcium shell threshold (P-CA-SHELL) is lower for men.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    /// P-CA-SHELL treats an unrecorded sex like female (the higher threshold).
    #[default]
    Unrecorded,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a sex: write F, M or leave blank")]
pub struct SexError(pub String);

impl Sex {
    /// `F`/`M` as in the Lab CSV format, also `female`/`male`; blank is unrecorded.
    pub fn parse(text: &str) -> Result<Sex, SexError> {
        let text = text.trim();
        if text.is_empty() {
            Ok(Sex::Unrecorded)
        } else if text.eq_ignore_ascii_case("f") || text.eq_ignore_ascii_case("female") {
            Ok(Sex::Female)
        } else if text.eq_ignore_ascii_case("m") || text.eq_ignore_ascii_case("male") {
            Ok(Sex::Male)
        } else {
            Err(SexError(text.to_string()))
        }
    }

    /// As a page shows it on its own: `Female`, `Male`, `Not recorded`.
    pub fn title(self) -> &'static str {
        match self {
            Sex::Female => "Female",
            Sex::Male => "Male",
            Sex::Unrecorded => "Not recorded",
        }
    }

    /// In words, for sentences: `female`, `male`, `not recorded`.
    pub fn word(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Unrecorded => "not recorded",
        }
    }

    /// `F`, `M`, or `None` when unrecorded (the `sex` of the analyze JSON output).
    pub fn code(self) -> Option<&'static str> {
        match self {
            Sex::Female => Some("F"),
            Sex::Male => Some("M"),
            Sex::Unrecorded => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let cases: &[(&str, Option<Sex>)] = &[
            ("F", Some(Sex::Female)),
            ("f", Some(Sex::Female)),
            (" Female ", Some(Sex::Female)),
            ("M", Some(Sex::Male)),
            ("male", Some(Sex::Male)),
            ("", Some(Sex::Unrecorded)),
            ("x", None),
            ("FM", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Sex::parse(text).ok(), *expected, "{text:?}");
        }
        assert_eq!(Sex::Female.code(), Some("F"));
        assert_eq!(Sex::Male.code(), Some("M"));
        assert_eq!(Sex::Unrecorded.code(), None);
    }
}
