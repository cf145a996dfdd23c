//! Free text at the edge: which characters a typed field may hold. NUL cannot be stored by
//! PostgreSQL at all (and SQLite would store it, so the engines would differ), and other control
//! characters are never typed on purpose: they come from a paste of binary data or a forged
//! request. Every text input (forms, query strings, CSV cells) is checked with this one rule.

/// Whether a field is a single line (names, codes, emails) or free text (notes), where tab and
/// line breaks are legitimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    Multi,
}

/// The first character a field of this kind may not hold, as a message a person can act on.
pub fn control_character_problem(text: &str, lines: Lines) -> Option<String> {
    let (position, bad) = text.chars().enumerate().find(|(_, c)| {
        c.is_control() && !(lines == Lines::Multi && matches!(c, '\t' | '\n' | '\r'))
    })?;
    let name = match bad {
        '\0' => "a NUL character".to_string(),
        '\t' => "a tab".to_string(),
        '\n' | '\r' => "a line break".to_string(),
        other => format!("the control character U+{:04X}", other as u32),
    };
    Some(format!(
        "This field contains {name} (character {}), which cannot be stored: remove it.",
        position + 1
    ))
}

/// Whether the text holds no character `control_character_problem` would refuse.
pub fn is_clean(text: &str, lines: Lines) -> bool {
    control_character_problem(text, lines).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_table() {
        for (text, lines, refused) in [
            ("Maria Jensen", Lines::Single, false),
            ("\u{202e}\u{200b}\u{feff} 😀", Lines::Single, false),
            ("a\0b", Lines::Single, true),
            ("a\0b", Lines::Multi, true),
            ("line\nbreak", Lines::Single, true),
            ("line\r\nbreak\tand tab", Lines::Multi, false),
            ("tab\there", Lines::Single, true),
            ("bell\u{7}", Lines::Multi, true),
            ("del\u{7f}", Lines::Multi, true),
            ("c1\u{85}", Lines::Multi, true),
            ("", Lines::Single, false),
        ] {
            assert_eq!(
                control_character_problem(text, lines).is_some(),
                refused,
                "{text:?} {lines:?}"
            );
        }
        assert_eq!(
            control_character_problem("ab\0", Lines::Single).unwrap(),
            "This field contains a NUL character (character 3), which cannot be stored: remove it."
        );
    }
}
