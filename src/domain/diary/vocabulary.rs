//! Which symptoms a client can log: the default list of HTMA.md ("Symptoms"), plus any the
//! practitioner added for that client. Every symptom has a stable key that entries store, so a
//! label can be reworded without touching the diary.

/// The default vocabulary, in the order of HTMA.md. The keys are stored: never change one.
pub const DEFAULT_SYMPTOMS: &[(&str, &str)] = &[
    ("leg_cramps", "Leg cramps"),
    ("exercise_cramps", "Muscle cramps during or after exercise"),
    ("restless_legs", "Restless legs"),
    ("muscle_tightness", "Muscle tightness"),
    ("back_neck_tension", "Back or neck tension"),
    ("night_cramps", "Night cramps"),
    ("fatigue", "Fatigue"),
    ("cold_hands_feet", "Cold hands or feet"),
    ("numbness_tingling", "Numbness or tingling"),
];

/// The keys HTMA.md's symptom-to-finding hints count as cramps ("leg cramps, muscle cramps or
/// restless legs"), for the hint rules built with the hair-test work.
pub const CRAMP_KEYS: &[&str] = &[
    "leg_cramps",
    "exercise_cramps",
    "night_cramps",
    "restless_legs",
];

/// The longest label a practitioner may give an added symptom.
pub const MAX_LABEL_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symptom {
    pub key: String,
    pub label: String,
    /// Added by the practitioner for this client (not in the default list).
    pub custom: bool,
}

/// The stored key of a practitioner-added symptom: "c" and the row's id. No default key is a
/// "c" followed only by digits, so the two kinds never collide.
pub fn custom_key(id: i64) -> String {
    format!("c{id}")
}

/// The vocabulary of one client: the defaults, then the added symptoms in the given order.
pub fn vocabulary(custom: &[(i64, String)]) -> Vec<Symptom> {
    DEFAULT_SYMPTOMS
        .iter()
        .map(|(key, label)| Symptom {
            key: (*key).to_string(),
            label: (*label).to_string(),
            custom: false,
        })
        .chain(custom.iter().map(|(id, label)| Symptom {
            key: custom_key(*id),
            label: label.clone(),
            custom: true,
        }))
        .collect()
}

/// The label of a stored key, or the key itself for one no longer in the vocabulary.
pub fn label_of<'a>(symptoms: &'a [Symptom], key: &'a str) -> &'a str {
    symptoms
        .iter()
        .find(|s| s.key == key)
        .map(|s| s.label.as_str())
        .unwrap_or(key)
}

/// Checks a label the practitioner typed for a new symptom against the client's vocabulary.
pub fn parse_new_label(text: &str, existing: &[Symptom]) -> Result<String, String> {
    let label = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        return Err("Enter the symptom's name.".into());
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(format!("Use at most {MAX_LABEL_CHARS} characters."));
    }
    let lower = label.to_lowercase();
    if existing.iter().any(|s| s.label.to_lowercase() == lower) {
        return Err("This client already tracks a symptom with that name.".into());
    }
    Ok(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_domain_notes() {
        let v = vocabulary(&[]);
        assert_eq!(v.len(), 9);
        assert_eq!(v[0].label, "Leg cramps");
        assert!(v.iter().all(|s| !s.custom));
        let keys: std::collections::BTreeSet<_> = v.iter().map(|s| &s.key).collect();
        assert_eq!(keys.len(), 9, "keys are unique");
        for key in CRAMP_KEYS {
            assert!(v.iter().any(|s| s.key == *key), "{key}");
        }
    }

    #[test]
    fn added_symptoms_come_after_the_defaults() {
        let v = vocabulary(&[(42, "Headache".into())]);
        assert_eq!(v.len(), 10);
        assert_eq!(
            v[9],
            Symptom {
                key: "c42".into(),
                label: "Headache".into(),
                custom: true
            }
        );
        assert_eq!(label_of(&v, "c42"), "Headache");
        assert_eq!(label_of(&v, "gone"), "gone");
    }

    #[test]
    fn new_labels_are_tidied_and_unique() {
        let v = vocabulary(&[(1, "Headache".into())]);
        assert_eq!(
            parse_new_label("  Eye   twitching ", &v),
            Ok("Eye twitching".into())
        );
        assert!(parse_new_label("leg CRAMPS", &v).is_err());
        assert!(parse_new_label("headache", &v).is_err());
        assert!(parse_new_label("   ", &v).is_err());
        assert!(parse_new_label(&"x".repeat(61), &v).is_err());
    }
}
