//! Plain language for people who are not practitioners: each pattern of HTMA.md by its name with
//! a one-line explanation taken from HTMA.md's own wording, and each oxidation type in a
//! sentence. The client's copy of a summary is written with these and nothing else; the
//! practitioner's pages use the same names.

use crate::domain::element::Element;

/// A pattern's name and its one-line explanation (HTMA.md, "Patterns").
pub fn pattern_text(id: &str) -> (String, String) {
    let (name, explanation) = match id {
        "P-NAK-INV" => (
            "Sodium/potassium inversion",
            "The sodium-to-potassium ratio is between 1 and 2.5, below its ideal.",
        ),
        "P-NAK-INV-SEVERE" => (
            "Severe sodium/potassium inversion",
            "The sodium-to-potassium ratio is below 1: potassium is higher than sodium.",
        ),
        "P-NAK-HIGH" => (
            "Elevated sodium/potassium ratio",
            "The sodium-to-potassium ratio is above 4, higher than its ideal.",
        ),
        "P-NAK-VHIGH" => (
            "Very high sodium/potassium ratio",
            "The sodium-to-potassium ratio is above 6, well above its ideal.",
        ),
        "P-CA-SHELL" => (
            "Calcium shell",
            "Hair calcium is very high (165 mg% or more; 155 for men): calcium is building up \
             in the tissues rather than being used.",
        ),
        "P-FOUR-HIGHS" => (
            "Four highs",
            "Calcium, magnesium, sodium and potassium are all above their ideal levels.",
        ),
        "P-THREE-HIGHS" => (
            "Three highs",
            "Three of calcium, magnesium, sodium and potassium are above ideal and the fourth \
             is below.",
        ),
        "P-K-LOW" => (
            "Low potassium",
            "Hair potassium is below 4 mg% (the ideal is about 10).",
        ),
        "P-K-VLOW" => (
            "Very low potassium",
            "Hair potassium is very low: 2 mg% or less.",
        ),
        "P-K-HIGH-FAST" => (
            "Elevated potassium in a fast oxidizer",
            "Fast oxidation with hair potassium above its ideal of 10 mg%.",
        ),
        "P-SYMP-DOM" => (
            "Sympathetic dominance",
            "Slow oxidation with low potassium: a sign of a long-running fight-or-flight state.",
        ),
        "P-BIOUNAVAIL-CA" => (
            "Bio-unavailable calcium/magnesium",
            "Slow oxidation with high hair calcium: the calcium is settling in the tissues rather \
             than being available to the body, and cramps may follow.",
        ),
        "P-FAST-DEPLETION" => (
            "Fast-oxidation depletion",
            "Fast oxidation with low calcium and magnesium, and low zinc or copper.",
        ),
        "P-P-LOW" => ("Low phosphorus", "Hair phosphorus is below 13 mg%."),
        "P-P-VLOW" => ("Very low phosphorus", "Hair phosphorus is below 10 mg%."),
        "P-ZNCU-LOW" => (
            "Low zinc/copper ratio",
            "The zinc-to-copper ratio is below 6: copper is high relative to zinc.",
        ),
        "P-CAMG-LOW" => (
            "Low calcium/magnesium ratio",
            "The calcium-to-magnesium ratio is below 3.3.",
        ),
        "P-CAMG-HIGH" => (
            "High calcium/magnesium ratio",
            "The calcium-to-magnesium ratio is above 10.",
        ),
        "P-BURNED-OUT" => (
            "Fast oxidizer with low sodium/potassium",
            "Fast oxidation with a sodium-to-potassium ratio below 2.5: the body behaves more \
             like a slow oxidizer.",
        ),
        "P-HIDDEN-CU" => (
            "Hidden copper",
            "Several signs of copper the body cannot use; excess copper may need to be removed \
             before calcium becomes available again.",
        ),
        "P-BOWL" => (
            "Bowl pattern",
            "A low sodium-to-potassium ratio (below 2.5) together with a high \
             calcium-to-magnesium ratio (above 9.5).",
        ),
        "P-DOUBLE-HIGH" => (
            "Double high ratios",
            "A high sodium-to-potassium ratio (above 6) together with a high \
             calcium-to-magnesium ratio (above 9.5).",
        ),
        "P-DOUBLE-LOW" => (
            "Double low ratios",
            "A low sodium-to-potassium ratio (below 2.5) together with a low \
             calcium-to-magnesium ratio (below 5).",
        ),
        "P-MG-SHELL" => (
            "Magnesium shell",
            "Hair magnesium is very high (above 20 mg%).",
        ),
        "P-POOR-ELIM" => (
            "Poor eliminator of toxic metals",
            "Several toxic metals read very low in the hair, which may mean the body is holding \
             on to them rather than letting them go.",
        ),
        other => {
            if let Some(symbol) = other.strip_prefix("P-TOXIC-") {
                let name = Element::parse(symbol).map(|e| e.name()).unwrap_or(symbol);
                let mut title: Vec<char> = name.chars().collect();
                if let Some(first) = title.first_mut() {
                    *first = first.to_ascii_uppercase();
                }
                let title: String = title.into_iter().collect();
                return (
                    format!("{title} above its threshold"),
                    format!(
                        "Hair {} is above the level the lab reports as high.",
                        name.to_lowercase()
                    ),
                );
            }
            // A pattern added after this catalogue: a readable name, never the bare id.
            return (
                "Another pattern".to_string(),
                "A further pattern your practitioner can explain.".to_string(),
            );
        }
    };
    (name.to_string(), explanation.to_string())
}

/// People's name for a pattern id (`Calcium shell` for `P-CA-SHELL`).
pub fn pattern_name(id: &str) -> String {
    pattern_text(id).0
}

/// The oxidation type explained in one sentence (HTMA.md, "Oxidation type"). `kind` is the
/// stored type (`fast`, `slow`, `mixed`, `four_lows`, `undetermined`).
pub fn oxidation_explanation(kind: &str) -> &'static str {
    match kind {
        "fast" => {
            "Fast oxidation: the calcium-to-potassium and sodium-to-magnesium ratios both point \
             to a body that burns its food quickly, driven by the stress glands."
        }
        "slow" => {
            "Slow oxidation: the calcium-to-potassium and sodium-to-magnesium ratios both point \
             to a body that burns its food slowly, with the stress glands under-active."
        }
        "mixed" => {
            "Mixed oxidation: one of the two deciding ratios points to fast oxidation and the \
             other to slow."
        }
        "four_lows" => {
            "Four lows: calcium, magnesium, sodium and potassium are all below their ideal \
             levels, a sign of low energy reserves; on a retest it can be a passing stage."
        }
        _ => {
            "Not determined: a level needed to work out the oxidation type was not measured \
             or too low to read."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_of_htma_md_has_a_name_and_a_line() {
        let ids = [
            "P-NAK-INV",
            "P-NAK-INV-SEVERE",
            "P-NAK-HIGH",
            "P-NAK-VHIGH",
            "P-CA-SHELL",
            "P-FOUR-HIGHS",
            "P-THREE-HIGHS",
            "P-K-LOW",
            "P-K-VLOW",
            "P-K-HIGH-FAST",
            "P-SYMP-DOM",
            "P-BIOUNAVAIL-CA",
            "P-FAST-DEPLETION",
            "P-P-LOW",
            "P-P-VLOW",
            "P-TOXIC-Pb",
            "P-ZNCU-LOW",
            "P-CAMG-LOW",
            "P-CAMG-HIGH",
            "P-BURNED-OUT",
            "P-HIDDEN-CU",
            "P-BOWL",
            "P-DOUBLE-HIGH",
            "P-DOUBLE-LOW",
            "P-MG-SHELL",
            "P-POOR-ELIM",
        ];
        let mut names = std::collections::BTreeSet::new();
        for id in ids {
            let (name, line) = pattern_text(id);
            assert_ne!(name, "Another pattern", "{id} has no name");
            assert!(!name.contains("P-") && !line.contains("P-"), "{id}");
            assert!(line.ends_with('.'), "{id}: one sentence");
            assert!(names.insert(name), "{id}: names are distinct");
        }
        assert_eq!(pattern_name("P-TOXIC-Hg"), "Mercury above its threshold");
        assert!(!pattern_name("P-NEW-ONE").contains("P-"));
    }

    #[test]
    fn every_oxidation_type_has_a_sentence() {
        for kind in ["fast", "slow", "mixed", "four_lows", "undetermined"] {
            assert!(oxidation_explanation(kind).ends_with('.'));
        }
        assert_ne!(oxidation_explanation("fast"), oxidation_explanation("slow"));
    }
}
