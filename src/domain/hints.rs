//! Symptom-to-finding hints (HTMA.md, "Symptom-to-finding hints"): when the diary shows cramps
//! or restless legs before a test, which of the seed's candidate explanations the test's own
//! numbers support. Worded as considerations for the practitioner, never as a diagnosis, and
//! never shown to the client.

use crate::domain::analysis::Analysis;
use crate::domain::oxidation::OxidationType;
use crate::domain::pattern::{P_BIOUNAVAIL_CA, P_FAST_DEPLETION, P_K_HIGH_FAST, P_K_LOW, P_K_VLOW};
use crate::domain::wilson::P_HIDDEN_CU;

/// Cramp days at or above this in the window make the hints apply.
pub const MIN_CRAMP_DAYS: usize = 4;
/// The window before a test that is counted (or the time since the previous test).
pub const WINDOW_DAYS: i64 = 30;

/// Toxic metals that displace calcium (HTMA.md lists these four).
const CALCIUM_DISPLACING_METALS: [&str; 4] =
    ["P-TOXIC-Pb", "P-TOXIC-Cd", "P-TOXIC-As", "P-TOXIC-Al"];

#[derive(Debug, Clone, PartialEq)]
pub struct Consideration {
    /// The finding (pattern id) behind the consideration; `None` for the magnesium hint, which
    /// comes from the diary alone.
    pub finding: Option<String>,
    pub text: String,
}

/// What the diary says about the window before a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CrampHistory {
    /// Days with leg cramps, muscle cramps or restless legs logged (severity > 0).
    pub cramp_days: usize,
    /// Whether any of those cramps were marked "during or after exercise".
    pub during_exercise: bool,
}

pub fn considerations(analysis: &Analysis, history: CrampHistory) -> Vec<Consideration> {
    if history.cramp_days < MIN_CRAMP_DAYS {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut add = |id: &str, text: &str| {
        if let Some(pattern) = analysis.pattern(id) {
            out.push(Consideration {
                finding: Some(id.to_string()),
                text: format!("Consider {text} ({id}: {}).", pattern.evidence),
            });
        }
    };
    add(
        P_BIOUNAVAIL_CA,
        "slow oxidation with calcium that is biologically unavailable",
    );
    add(
        P_FAST_DEPLETION,
        "fast oxidation with calcium and magnesium depleted",
    );
    // HTMA.md names both: a very low potassium is also a low one, and each carries its own
    // threshold in the evidence.
    add(P_K_LOW, "low potassium");
    add(P_K_VLOW, "very low potassium");
    add(P_K_HIGH_FAST, "elevated potassium in a fast oxidizer");
    for metal in CALCIUM_DISPLACING_METALS {
        add(metal, "a toxic metal that can displace calcium");
    }
    // HTMA.md: P-HIDDEN-CU in a slow oxidizer — excess copper to be removed before calcium
    // becomes available again.
    if analysis.oxidation.oxidation_type == OxidationType::Slow {
        add(
            P_HIDDEN_CU,
            "copper hidden in the tissues, to be removed before calcium is available",
        );
    }
    if history.during_exercise {
        out.push(Consideration {
            finding: None,
            text: "Consider a short-term need for magnesium: cramps were logged during or after exercise.".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analysis::{analyze, HairSample};
    use crate::domain::element::Element;
    use crate::domain::level::MineralLevel;
    use crate::domain::reference::ReferenceSet;

    fn analysis(levels: &[(Element, f64)]) -> Analysis {
        let sample = HairSample {
            levels: levels
                .iter()
                .map(|(e, v)| (*e, MineralLevel::measured(*v).unwrap()))
                .collect(),
            ..HairSample::default()
        };
        analyze(&sample, &ReferenceSet::eck_wilson())
    }

    fn example_1() -> Analysis {
        analysis(&[
            (Element::Ca, 160.0),
            (Element::Mg, 18.0),
            (Element::Na, 8.0),
            (Element::K, 2.0),
        ])
    }

    #[test]
    fn fewer_than_four_cramp_days_give_no_hint() {
        let history = CrampHistory {
            cramp_days: 3,
            during_exercise: true,
        };
        assert!(considerations(&example_1(), history).is_empty());
    }

    #[test]
    fn a_slow_oxidizer_with_cramps_gets_the_calcium_and_potassium_considerations() {
        let hints = considerations(
            &example_1(),
            CrampHistory {
                cramp_days: 4,
                during_exercise: false,
            },
        );
        let ids: Vec<_> = hints.iter().filter_map(|h| h.finding.as_deref()).collect();
        assert_eq!(ids, vec![P_BIOUNAVAIL_CA, P_K_LOW, P_K_VLOW]);
        assert!(hints
            .iter()
            .all(|h| h.text.starts_with("Consider") && !h.text.contains("diagnos")));
        assert!(
            hints[0].text.contains("Ca 160.0 > 40"),
            "with the numbers: {}",
            hints[0].text
        );
    }

    #[test]
    fn a_fast_oxidizer_gets_depletion_and_potassium_and_exercise_gets_magnesium() {
        let fast = analysis(&[
            (Element::Ca, 22.0),
            (Element::Mg, 2.5),
            (Element::Na, 60.0),
            (Element::K, 25.0),
            (Element::Zn, 12.0),
            (Element::Cu, 1.2),
            (Element::Pb, 0.2),
        ]);
        let hints = considerations(
            &fast,
            CrampHistory {
                cramp_days: 9,
                during_exercise: true,
            },
        );
        let ids: Vec<_> = hints.iter().map(|h| h.finding.clone()).collect();
        assert_eq!(
            ids,
            vec![
                Some(P_FAST_DEPLETION.into()),
                Some(P_K_HIGH_FAST.into()),
                Some("P-TOXIC-Pb".into()),
                None
            ]
        );
    }
}
