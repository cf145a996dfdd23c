//! Stored rows to domain values and back: a stored test becomes a `HairSample`, its analysis
//! becomes the summary columns. The rules themselves live in `crate::domain`.

use std::collections::BTreeMap;

use crate::domain::analysis::{analyze, Analysis, HairSample};
use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::reference::ReferenceSet;

use super::hair_tests::{AnalysisSummary, LevelRow};
use super::HairTestId;

/// The default reference set, `eck-wilson@1`. A practitioner's clients are analysed with the
/// set `reference_sets::reference_set_for_practitioner` resolves (this one unless they chose
/// another); only data that belongs to no practitioner (seeding) uses this directly.
pub fn reference_set() -> ReferenceSet {
    ReferenceSet::eck_wilson()
}

/// Levels of one test. A stored row that no longer parses (an element removed from the panel,
/// a value edited by hand into something invalid) is skipped rather than failing the page.
pub fn levels_from_rows<'a>(
    rows: impl IntoIterator<Item = &'a LevelRow>,
) -> BTreeMap<Element, MineralLevel> {
    rows.into_iter()
        .filter_map(|row| {
            let element = Element::parse(&row.element)?;
            let level = MineralLevel::new(row.mg_pct, row.below_limit).ok()?;
            Some((element, level))
        })
        .collect()
}

pub fn level_rows(test_id: HairTestId, levels: &BTreeMap<Element, MineralLevel>) -> Vec<LevelRow> {
    levels
        .iter()
        .map(|(element, level)| LevelRow {
            hair_test_id: test_id,
            element: element.symbol().to_string(),
            mg_pct: level.mg_pct(),
            below_limit: level.below_limit(),
        })
        .collect()
}

pub fn summary_of(analysis: &Analysis) -> AnalysisSummary {
    let mut pattern_ids = String::from(" ");
    for pattern in &analysis.patterns {
        pattern_ids.push_str(&pattern.id);
        pattern_ids.push(' ');
    }
    AnalysisSummary {
        oxidation_type: analysis.oxidation.oxidation_type.as_str().to_string(),
        oxidation_degree: analysis.oxidation.degree.map(|d| d.as_str().to_string()),
        pattern_ids,
        reference_set: analysis.reference_set.clone(),
    }
}

/// Analyses with the default set: for data that belongs to no practitioner (seeding).
pub fn analyze_sample(sample: &HairSample) -> Analysis {
    analyze(sample, &reference_set())
}
