//! Field-level messages: what a form handler shows next to a field, and what a command or the
//! CLI reports when an input does not pass. Shared by every layer above storage so a rule is
//! written once, whoever asks.

use std::collections::BTreeMap;

use crate::text::{control_character_problem, Lines};

/// Messages keyed by form field name, shown next to the field.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Refuses NUL and other control characters (tab and line breaks only in free text), with
    /// a message next to the field. Called before a field's other checks, so this message wins.
    pub fn check_text(&mut self, field: &'static str, value: &str, lines: Lines) {
        if let Some(message) = control_character_problem(value, lines) {
            self.add(field, message);
        }
    }
}

pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}
