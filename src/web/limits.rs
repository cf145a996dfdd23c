//! The longest text each form field takes, in characters: one table, read by the templates
//! (`maxlength` and the hint beside the field) and by the server (`web::kept` checks every
//! practitioner form against it before the handler runs, and the handlers keep their own
//! checks with the same numbers). A field not named here takes `SHORT`.

use crate::domain::diary::entry::NOTE_MAX_CHARS;
use crate::domain::diary::vocabulary::MAX_LABEL_CHARS;
use crate::labcsv::{LAB_MAX_CHARS, LAB_SAMPLE_ID_MAX_CHARS};

/// Notes, comments, diet and lifestyle guidance.
pub const LONG_TEXT: usize = 20_000;
/// A flag's acknowledgement note.
pub const FLAG_NOTE: usize = 2_000;
/// Names, supplement entries and other one-line text.
pub const SHORT: usize = 200;
/// Reference codes and phone numbers.
pub const CODE: usize = 50;
/// RFC 5321's longest path.
pub const EMAIL: usize = 254;

/// No form of ours comes near this many bytes: anything larger is refused outright (413),
/// anything smaller comes back as its form with a message on each field over its limit.
pub const BODY_BYTES: usize = 4 * 1024 * 1024;

/// The limit of a field, by its name in the form. (A reference set's name takes 60: its form
/// says so and its handler checks it; the table's 200 is the backstop.)
pub fn max_chars(field: &str) -> usize {
    match field {
        "notes" | "comment" | "diet" | "lifestyle" => LONG_TEXT,
        "annotation" => NOTE_MAX_CHARS,
        "note" => FLAG_NOTE,
        "reference_code" | "phone" => CODE,
        "email" => EMAIL,
        "lab_other" => LAB_MAX_CHARS,
        "lab_sample_id" => LAB_SAMPLE_ID_MAX_CHARS,
        "label" => MAX_LABEL_CHARS,
        "password" | "password_confirm" => crate::auth::password::MAX_LENGTH,
        _ => SHORT,
    }
}

/// The message beside a field over its limit.
pub fn too_long(length: usize, max: usize) -> String {
    format!(
        "This is {} characters; the limit is {}. Shorten it and save again: everything else you typed is still here.",
        thousands(length),
        thousands(max)
    )
}

/// The hint shown under a field: what the `maxlength` says, in words.
pub fn hint(field: &str) -> String {
    format!("Up to {} characters.", thousands(max_chars(field)))
}

/// 20000 as "20,000".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_limit_fits_in_the_body_limit() {
        for field in [
            "notes",
            "annotation",
            "note",
            "phone",
            "email",
            "password",
            "x",
        ] {
            assert!(max_chars(field) * 4 * 3 < BODY_BYTES, "{field}");
        }
        assert_eq!(max_chars("notes"), 20_000);
        assert_eq!(max_chars("Ca"), SHORT);
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
