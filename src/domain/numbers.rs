//! How numbers are shown to people. HTMA.md ("Units"): the value shown keeps 3 decimals while
//! the stored value is not rounded, so rounding happens only here, at the edge. Small values
//! keep 3 significant digits instead, so 3 decimals never hide them (`Co 0.0004`, not `0.0`).

use std::cmp::Ordering;

/// Decimals a shown value needs: 3, or enough for 3 significant digits below 0.1.
fn decimals_for(value: f64) -> usize {
    if value == 0.0 || !value.is_finite() || value.abs() >= 0.1 {
        return 3;
    }
    // 0.0444 → leading digit at 10^-2 → 4 decimals. Capped: nothing real is that small.
    let leading = value.abs().log10().floor() as i64;
    usize::try_from(2 - leading).unwrap_or(3).clamp(3, 15)
}

fn round_to(value: f64, decimals: usize) -> f64 {
    let factor = 10f64.powi(decimals as i32);
    let rounded = (value * factor).round() / factor;
    // Rounding a huge finite value can overflow to infinity; the unrounded value is then the
    // honest thing to show.
    if rounded.is_finite() {
        rounded
    } else {
        value
    }
}

/// Rounds for display or export (3 decimals, or 3 significant digits for small values); never
/// used for stored or computed values.
pub fn round3(value: f64) -> f64 {
    round_to(value, decimals_for(value))
}

/// `decimals` decimals, trailing zeros trimmed to at least one (`2.0`, `0.444`, `53.333`).
fn format_with(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, round_to(value, decimals));
    let trimmed = text.trim_end_matches('0');
    if trimmed.ends_with('.') {
        format!("{trimmed}0")
    } else {
        trimmed.to_string()
    }
}

/// A measured value or ratio: up to 3 decimals, at least one (`2.0`, `0.444`, `53.333`), or 3
/// significant digits when it is below 0.1 (`0.0444`, `0.0004`).
pub fn format_value(value: f64) -> String {
    format_with(value, decimals_for(value))
}

/// A threshold from the reference set, exactly as it was set (`4`, `4.17`, `0.0004`).
pub fn format_threshold(value: f64) -> String {
    if value.is_finite() {
        // Display of f64 is the shortest text that reads back as the same number.
        format!("{value}")
    } else {
        format_value(value)
    }
}

/// A value shown beside a threshold it was compared with, with as many decimals as it takes for
/// the shown number to stand in the same relation to the threshold as the exact one
/// (`actual`): never "Ca/K 4.0 < 4" for a Ca/K of 3.9999.
pub fn format_against(value: f64, threshold: f64, actual: Ordering) -> String {
    let first = decimals_for(value);
    for decimals in first..=15 {
        let shown = format_with(value, decimals);
        let agrees = shown
            .parse::<f64>()
            .ok()
            .and_then(|shown| shown.partial_cmp(&threshold))
            == Some(actual);
        if agrees {
            return shown;
        }
    }
    format_with(value, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_table() {
        let cases: &[(f64, &str, &str)] = &[
            (2.0, "2.0", "2"),
            (4.0, "4.0", "4"),
            (0.4444444, "0.444", "0.4444444"),
            (53.33333, "53.333", "53.33333"),
            (4.17, "4.17", "4.17"),
            (0.0005, "0.0005", "0.0005"),
            (0.0003, "0.0003", "0.0003"),
            (0.04444, "0.0444", "0.04444"),
            (0.1, "0.1", "0.1"),
            (0.0, "0.0", "0"),
            (160.0, "160.0", "160"),
        ];
        for (value, shown, threshold) in cases {
            assert_eq!(format_value(*value), *shown);
            assert_eq!(format_threshold(*value), *threshold);
        }
        assert_eq!(round3(0.44444), 0.444);
        assert_eq!(round3(0.00044444), 0.000444);
        assert_eq!(round3(f64::MAX), f64::MAX);
        assert_eq!(format_value(1e-300), "0.0");
    }

    #[test]
    fn shown_values_agree_with_the_decision() {
        assert_eq!(format_against(66.0 / 2.2, 30.0, Ordering::Equal), "30.0");
        assert_eq!(format_against(3.9999, 4.0, Ordering::Less), "3.9999");
        assert_eq!(format_against(4.00004, 4.0, Ordering::Greater), "4.00004");
        assert_eq!(format_against(2.4, 2.5, Ordering::Less), "2.4");
        assert_eq!(format_against(0.0444, 0.04, Ordering::Greater), "0.0444");
    }
}
