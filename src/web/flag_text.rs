//! Findings by their names, codes second: what a flag, a pattern column or the dashboard filter
//! shows a practitioner. The names are the ones of `export::plain` (the test page, the client's
//! summary and the PDF use them too), never written a second time here; this module only adds
//! the flag's headline ("Low potassium appeared") and the detail that follows it.

use crate::export::plain::pattern_name;

/// A finding's name from its code: a pattern id (`P-K-LOW` → "Low potassium"); an unknown code
/// gets a readable name, never the bare code.
pub fn finding_name(code: &str) -> String {
    pattern_name(code)
}

/// A list of pattern ids as stored on the dashboard cache (space separated), with their names.
pub fn named_patterns(ids: &str) -> Vec<(String, String)> {
    ids.split_whitespace()
        .map(|id| (id.to_string(), finding_name(id)))
        .collect()
}

/// An oxidation type as stored (`four_lows`) in words ("four lows").
pub fn oxidation_words(kind: &str) -> String {
    kind.replace('_', " ")
}

/// How a stored flag reads: a headline by name, the detail after it, the codes for the
/// practitioner, and whether it is good news (a pattern that resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagText {
    pub headline: String,
    pub detail: String,
    /// The finding's code (`P-K-LOW`) when the flag is about a pattern.
    pub code: Option<String>,
    /// The rule that raised it (`CMP-2`, `CMP-3`).
    pub rule: String,
    pub good_news: bool,
}

/// Reads a stored flag: `kind` and `flag_key` as `service::flags` stored them
/// (`pattern_appeared:P-CA-SHELL:2x@<from>><to>`, `oxidation_type_changed:slow>mixed@…`), `summary` as the
/// domain wrote it (`P-K-LOW appeared: K 3.1 mg% < 4`).
pub fn flag_text(kind: &str, rule: &str, flag_key: &str, summary: &str) -> FlagText {
    if kind == "low_adherence" {
        return low_adherence_text(rule, summary);
    }
    // The stored key ends with the pair of tests (`@<from>><to>`, `service::flags`).
    let finding = flag_key.split('@').next().unwrap_or(flag_key);
    let mut parts = finding.split(':').skip(1);
    let pattern = match kind {
        "pattern_appeared" | "pattern_resolved" => parts.next().filter(|id| !id.is_empty()),
        _ => None,
    };
    // A multiple (`:2x`, a shell's band, hidden copper's indicators) is in the detail that
    // follows ("(was 1×): Ca 330 mg% … 2× band", "3 indicators hold"), not in the headline.
    let headline = match (kind, pattern) {
        ("pattern_appeared", Some(id)) => format!("{} appeared", finding_name(id)),
        ("pattern_resolved", Some(id)) => format!("{} resolved", finding_name(id)),
        ("oxidation_type_changed", _) => "Oxidation type changed".to_string(),
        ("borderline_type_change", _) => "Borderline type change".to_string(),
        ("oxidation_degree_changed", _) => "Oxidation degree changed".to_string(),
        ("", _) => "Flag".to_string(),
        (other, _) => crate::words::capitalize(&other.replace('_', " ")),
    };
    let detail = match pattern {
        // The summary starts with the code and the verb the headline already says: keep what
        // follows ("(was 1×): Ca 180 mg%", "K 3.1 mg% < 4"); the code never shows in the text.
        Some(id) => {
            let rest = summary.strip_prefix(id).unwrap_or(summary);
            let rest = ["appeared", "resolved"]
                .iter()
                .find_map(|verb| rest.find(verb).map(|at| &rest[at + verb.len()..]))
                .unwrap_or(rest);
            let rest = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
            // "(was: K 3.5 < 4)" after "Low potassium resolved:" reads as "was K 3.5 < 4".
            let rest = match rest
                .strip_prefix("(was: ")
                .and_then(|r| r.strip_suffix(')'))
            {
                Some(inner) => format!("was {inner}"),
                None => rest.to_string(),
            };
            rest.replace(id, &finding_name(id))
        }
        // The stored oxidation types (`four_lows → slow`) in words.
        None => summary.replace("four_lows", "four lows"),
    };
    FlagText {
        headline,
        detail,
        code: pattern.map(str::to_string),
        rule: rule.to_string(),
        good_news: kind == "pattern_resolved",
    }
}

/// ADH-2 (issue 17): the summary starts with the supplement's name (`Magnesium: taken as
/// prescribed on 3 of 9 answered days, …`), so the headline names it first.
fn low_adherence_text(rule: &str, summary: &str) -> FlagText {
    let (name, detail) = summary.split_once(": ").unwrap_or((summary, ""));
    FlagText {
        headline: format!("{name} taken on under half of the answered days"),
        detail: detail.to_string(),
        code: None,
        rule: rule.to_string(),
        good_news: false,
    }
}

/// A sentence that names a finding's code ("Consider … (P-BIOUNAVAIL-CA: …)") cut around the
/// code, so the page sets the code apart (`<code>`, never broken at its hyphens).
pub fn around_code(text: &str, code: &Option<String>) -> (String, Option<String>, String) {
    match code.as_deref().and_then(|c| text.find(c).map(|at| (c, at))) {
        Some((code, at)) => (
            text[..at].to_string(),
            Some(code.to_string()),
            text[at + code.len()..].to_string(),
        ),
        None => (text.to_string(), None, String::new()),
    }
}

/// A flag as a progress summary froze it (`export::summary::FlagSummary`: the kind in words and
/// no key): the finding's code is the first word of its summary (`P-CA-SHELL 2× appeared …`).
pub fn frozen_flag_text(kind_words: &str, rule: &str, summary: &str) -> FlagText {
    let kind = kind_words.replace(' ', "_");
    let mut words = summary.split_whitespace();
    let key = match words.next() {
        Some(code) if code.starts_with("P-") => {
            match words.next().and_then(|w| w.strip_suffix('×')) {
                Some(times) => format!("{kind}:{code}:{times}x"),
                None => format!("{kind}:{code}"),
            }
        }
        _ => kind.clone(),
    };
    flag_text(&kind, rule, &key, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_by_name_with_the_code_apart() {
        let t = flag_text(
            "pattern_appeared",
            "CMP-3",
            "pattern_appeared:P-K-LOW@1546484060780141574>1546484060780141575",
            "P-K-LOW appeared: K 3.1 mg% < 4",
        );
        assert_eq!(t.headline, "Low potassium appeared");
        assert_eq!(t.detail, "K 3.1 mg% < 4");
        assert_eq!(t.code.as_deref(), Some("P-K-LOW"));
        assert!(!t.good_news);

        let t = flag_text(
            "pattern_resolved",
            "CMP-3",
            "pattern_resolved:P-BURNED-OUT",
            "P-BURNED-OUT resolved (was: Na/K 2.1 < 2.5)",
        );
        assert_eq!(
            t.headline,
            "Fast oxidizer with low sodium/potassium resolved"
        );
        assert_eq!(t.detail, "was Na/K 2.1 < 2.5");
        assert!(t.good_news);

        let t = flag_text(
            "pattern_appeared",
            "CMP-3",
            "pattern_appeared:P-CA-SHELL:2x@11>12",
            "P-CA-SHELL 2× appeared (was 1×): Ca 330 mg%",
        );
        assert_eq!(t.headline, "Calcium shell appeared");
        assert_eq!(t.detail, "(was 1×): Ca 330 mg%");

        let t = flag_text(
            "oxidation_type_changed",
            "CMP-2",
            "oxidation_type_changed:slow>mixed",
            "slow → mixed, Ca/K 6.1 → 3.7",
        );
        assert_eq!(t.headline, "Oxidation type changed");
        assert_eq!(t.detail, "slow → mixed, Ca/K 6.1 → 3.7");
        assert_eq!(t.code, None);
        assert_eq!(t.rule, "CMP-2");
        assert_eq!(flag_text("new_kind", "X", "", "s").headline, "New kind");
    }

    #[test]
    fn low_adherence_reads_supplement_first() {
        let t = flag_text(
            "low_adherence",
            "ADH-2",
            "low_adherence:magnesium glycinate",
            "Magnesium glycinate: taken as prescribed on 3 of 9 answered days, in the 14 days 15 Nov to 28 Nov 2026",
        );
        assert_eq!(
            t.headline,
            "Magnesium glycinate taken on under half of the answered days"
        );
        assert!(t.detail.starts_with("taken as prescribed on 3 of 9"));
        assert_eq!(t.rule, "ADH-2");
    }

    #[test]
    fn a_code_in_a_sentence_is_set_apart() {
        let code = Some("P-K-LOW".to_string());
        assert_eq!(
            around_code("Consider low potassium (P-K-LOW: K 3 < 4).", &code),
            (
                "Consider low potassium (".to_string(),
                code.clone(),
                ": K 3 < 4).".to_string()
            )
        );
        assert_eq!(around_code("Magnesium.", &None).1, None);
        assert_eq!(around_code("No code here.", &code).0, "No code here.");
    }

    #[test]
    fn frozen_flags_read_like_live_ones() {
        let t = frozen_flag_text(
            "pattern appeared",
            "CMP-3",
            "P-NAK-INV appeared: 1 ≤ Na/K 2.2 < 2.5",
        );
        assert_eq!(t.headline, "Sodium/potassium inversion appeared");
        assert_eq!(t.detail, "1 ≤ Na/K 2.2 < 2.5");
        let t = frozen_flag_text(
            "pattern resolved",
            "CMP-3",
            "P-CA-SHELL 2× resolved (now 1×): Ca 170",
        );
        assert_eq!(t.headline, "Calcium shell resolved");
        assert_eq!(t.detail, "(now 1×): Ca 170");
        let t = frozen_flag_text(
            "oxidation degree changed",
            "CMP-2",
            "slow moderate → slow mild",
        );
        assert_eq!(t.headline, "Oxidation degree changed");
    }

    #[test]
    fn no_detail_or_headline_shows_a_pattern_code() {
        for id in ["P-K-LOW", "P-NAK-INV-SEVERE", "P-TOXIC-Pb", "P-HIDDEN-CU"] {
            for kind in ["pattern_appeared", "pattern_resolved"] {
                let verb = &kind[8..];
                let t = flag_text(
                    kind,
                    "CMP-3",
                    &format!("{kind}:{id}"),
                    &format!("{id} {verb}: evidence"),
                );
                assert!(
                    !t.headline.contains("P-") && !t.detail.contains("P-"),
                    "{t:?}"
                );
            }
        }
        assert_eq!(
            named_patterns(" P-K-LOW P-CA-SHELL "),
            vec![
                ("P-K-LOW".to_string(), "Low potassium".to_string()),
                ("P-CA-SHELL".to_string(), "Calcium shell".to_string())
            ]
        );
    }
}
