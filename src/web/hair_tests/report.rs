//! The view of one analysed test, shaped for the report page (and later the exports): display
//! strings and bar geometry computed here so templates stay free of logic.

use crate::db::hair_tests::HairTestRow;
use crate::domain::analysis::{check_printed_ratios, Analysis, HairSample};
use crate::domain::compare::{Comparison, Direction};
use crate::domain::element::{Element, ElementKind};
use crate::domain::numbers::{format_threshold, format_value};
use crate::domain::ratio::{RatioId, RatioValue};
use crate::domain::reference::ReferenceSet;

use super::form::parse_printed_ratios;

/// A horizontal bar against the ideal on a log scale: the centre line is the ideal, the full
/// half-width is 1.5 decades away from it.
#[derive(Debug, Clone)]
pub struct Bar {
    pub x: String,
    pub width: String,
    pub class: &'static str,
}

const DECADES: f64 = 1.5;

pub fn bar(value: f64, reference: f64, is_toxic: bool) -> Option<Bar> {
    if reference.is_nan() || reference <= 0.0 || !value.is_finite() {
        return None;
    }
    let decades = if value <= 0.0 {
        -DECADES
    } else {
        (value / reference).log10().clamp(-DECADES, DECADES)
    };
    let offset = 100.0 * decades / DECADES;
    let (x, width) = if offset < 0.0 {
        (100.0 + offset, -offset)
    } else {
        (100.0, offset)
    };
    let class = match (is_toxic, offset) {
        (true, o) if o > 0.0 => "bar-toxic",
        (true, _) => "bar-ok",
        (false, o) if o.abs() < 10.0 => "bar-ok",
        (false, o) if o < 0.0 => "bar-low",
        _ => "bar-high",
    };
    Some(Bar {
        x: format!("{x:.1}"),
        width: format!("{:.1}", width.max(1.0)),
        class,
    })
}

#[derive(Debug, Clone)]
pub struct MineralLine {
    pub symbol: &'static str,
    pub name: &'static str,
    /// The name as a label: "Calcium".
    pub title: String,
    pub value: String,
    pub ppm: String,
    pub reference_label: &'static str,
    pub reference: String,
    pub deviation: String,
    pub bar: Option<Bar>,
    pub flag: &'static str,
}

#[derive(Debug, Clone)]
pub struct MineralGroup {
    pub title: &'static str,
    pub lines: Vec<MineralLine>,
}

pub fn mineral_groups(sample: &HairSample, reference: &ReferenceSet) -> Vec<MineralGroup> {
    let groups = [
        ("Macro minerals", ElementKind::MacroMineral),
        ("Trace minerals", ElementKind::TraceMineral),
        ("Toxic metals", ElementKind::ToxicMetal),
        ("Other elements", ElementKind::PanelWithoutIdeal),
    ];
    groups
        .into_iter()
        .map(|(title, kind)| MineralGroup {
            title,
            lines: sample
                .levels
                .iter()
                .filter(|(element, _)| element.kind() == kind)
                .map(|(element, level)| {
                    mineral_line(*element, level.mg_pct(), level.display(), reference)
                })
                .collect(),
        })
        .filter(|group| !group.lines.is_empty())
        .collect()
}

fn mineral_line(
    element: Element,
    mg_pct: f64,
    display: String,
    reference: &ReferenceSet,
) -> MineralLine {
    let is_toxic = element.kind() == ElementKind::ToxicMetal;
    let (label, reference_value) = if is_toxic {
        ("high above", reference.toxic_threshold(element))
    } else {
        ("ideal", reference.ideal(element))
    };
    let deviation = match reference_value {
        Some(r) if r > 0.0 && !is_toxic => format!("{:+.0}%", (mg_pct - r) / r * 100.0),
        _ => String::new(),
    };
    let flag = match reference_value {
        Some(r) if is_toxic && mg_pct > r => "above threshold",
        _ => "",
    };
    MineralLine {
        symbol: element.symbol(),
        name: element.name(),
        title: element.title(),
        ppm: if display.starts_with('<') {
            String::new()
        } else {
            format_value(mg_pct * 10.0)
        },
        value: display,
        reference_label: label,
        reference: reference_value.map(format_threshold).unwrap_or_default(),
        deviation,
        bar: reference_value.and_then(|r| bar(mg_pct, r, is_toxic)),
        flag,
    }
}

/// The displayed values of the given levels then ratios, "—" for one not measured or not
/// computable: the key-value columns of the results, summary and timeline tables.
pub fn value_cells(
    sample: &HairSample,
    analysis: &Analysis,
    elements: &[Element],
    ratios: &[RatioId],
) -> Vec<String> {
    let levels = elements
        .iter()
        .map(|e| sample.levels.get(e).map(|l| l.display()));
    let ratio_values = ratios.iter().map(|r| {
        analysis
            .ratios
            .get(r)
            .and_then(|v| v.value())
            .map(format_value)
    });
    levels
        .chain(ratio_values)
        .map(|v| v.unwrap_or_else(|| "—".into()))
        .collect()
}

#[derive(Debug, Clone)]
pub struct RatioLine {
    pub label: &'static str,
    pub value: String,
    pub ideal: String,
    pub deviation: String,
    pub bar: Option<Bar>,
}

pub fn ratio_lines(analysis: &Analysis, reference: &ReferenceSet) -> Vec<RatioLine> {
    RatioId::ALL
        .into_iter()
        .map(|ratio| {
            let ideal = reference.ratio_ideal(ratio);
            let (value, deviation, bar_value) = match analysis.ratios.get(&ratio) {
                Some(RatioValue::Computable(v)) => (
                    format_value(*v),
                    ideal
                        .filter(|i| *i > 0.0)
                        .map(|i| format!("{:+.0}%", (v - i) / i * 100.0))
                        .unwrap_or_default(),
                    Some(*v),
                ),
                Some(RatioValue::NotComputable(reason)) => {
                    (format!("not computable ({reason})"), String::new(), None)
                }
                Some(below @ RatioValue::Below(_)) => (
                    format!("{} (numerator below its detection limit)", below.display()),
                    String::new(),
                    None,
                ),
                None => ("not computable".into(), String::new(), None),
            };
            RatioLine {
                label: ratio.label(),
                value,
                ideal: ideal.map(format_threshold).unwrap_or_default(),
                deviation,
                bar: bar_value.zip(ideal).and_then(|(v, i)| bar(v, i, false)),
            }
        })
        .collect()
}

pub fn printed_ratio_warnings(
    test: &HairTestRow,
    analysis: &Analysis,
    reference: &ReferenceSet,
) -> Vec<String> {
    let printed = parse_printed_ratios(&test.printed_ratios);
    check_printed_ratios(analysis, &printed, reference)
        .into_iter()
        .map(|w| w.message)
        .collect()
}

/// People's names for the pattern ids of HTMA.md (one catalogue with the client's copy).
pub fn pattern_title(id: &str) -> String {
    crate::export::plain::pattern_name(id)
}

#[derive(Debug, Clone)]
pub struct ChangeLine {
    pub label: String,
    pub before: String,
    pub after: String,
    pub change: String,
    pub direction: &'static str,
    pub arrow: &'static str,
}

fn direction_view(direction: Option<Direction>) -> (&'static str, &'static str) {
    match direction {
        Some(Direction::Toward) => ("toward", "↗ toward ideal"),
        Some(Direction::Away) => ("away", "↘ away from ideal"),
        Some(Direction::Unchanged) => ("unchanged", "→ unchanged"),
        Some(Direction::PossibleElimination) => {
            ("elimination", "↗ rose: possible elimination (P-POOR-ELIM)")
        }
        None => ("", ""),
    }
}

fn change_text(absolute: f64, percent: Option<f64>) -> String {
    let sign = if absolute > 0.0 { "+" } else { "" };
    match percent {
        Some(p) => format!("{sign}{} ({:+.0}%)", format_value(absolute), p),
        None => format!("{sign}{}", format_value(absolute)),
    }
}

pub fn change_lines(comparison: &Comparison) -> (Vec<ChangeLine>, Vec<ChangeLine>) {
    let minerals = comparison
        .mineral_changes
        .iter()
        .map(|c| {
            let (direction, arrow) = direction_view(c.direction);
            ChangeLine {
                label: c.element.symbol().to_string(),
                before: c.before.display(),
                after: c.after.display(),
                change: change_text(c.absolute_change, c.percent_change),
                direction,
                arrow,
            }
        })
        .collect();
    let ratios = comparison
        .ratio_changes
        .iter()
        .map(|c| {
            let (direction, arrow) = direction_view(c.direction);
            ChangeLine {
                label: c.ratio.label().to_string(),
                before: format_value(c.before),
                after: format_value(c.after),
                change: change_text(c.absolute_change, c.percent_change),
                direction,
                arrow,
            }
        })
        .collect();
    (minerals, ratios)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_centred_on_the_reference_and_clamped() {
        let at_ideal = bar(40.0, 40.0, false).unwrap();
        assert_eq!(
            (at_ideal.x.as_str(), at_ideal.width.as_str(), at_ideal.class),
            ("100.0", "1.0", "bar-ok")
        );
        let tenfold = bar(400.0, 40.0, false).unwrap();
        assert_eq!(
            (tenfold.x.as_str(), tenfold.width.as_str(), tenfold.class),
            ("100.0", "66.7", "bar-high")
        );
        let zero = bar(0.0, 10.0, false).unwrap();
        assert_eq!(
            (zero.x.as_str(), zero.width.as_str(), zero.class),
            ("0.0", "100.0", "bar-low")
        );
        assert!(bar(1.0, 0.0, false).is_none());
        assert_eq!(bar(0.1, 0.06, true).unwrap().class, "bar-toxic");
    }

    #[test]
    fn every_pattern_id_has_a_title() {
        for id in ["P-NAK-INV", "P-CA-SHELL", "P-K-VLOW", "P-TOXIC-Pb"] {
            assert_ne!(pattern_title(id), id);
        }
    }
}
