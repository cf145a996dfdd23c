//! How numbers are shown to people. HTMA.md ("Units"): the value shown keeps 3 decimals while
//! the stored value is not rounded, so rounding happens only here, at the edge.

/// Rounds to 3 decimals for display or export; never used for stored or computed values.
pub fn round3(value: f64) -> f64 {
    let rounded = (value * 1000.0).round() / 1000.0;
    // Rounding a huge finite value can overflow to infinity; the unrounded value is then the
    // honest thing to show.
    if rounded.is_finite() {
        rounded
    } else {
        value
    }
}

/// A measured value or ratio: up to 3 decimals, at least one (`2.0`, `0.444`, `53.333`).
pub fn format_value(value: f64) -> String {
    let text = format!("{:.3}", round3(value));
    let trimmed = text.trim_end_matches('0');
    if trimmed.ends_with('.') {
        format!("{trimmed}0")
    } else {
        trimmed.to_string()
    }
}

/// A threshold from the reference set: up to 3 decimals, no trailing zeros (`4`, `4.17`).
pub fn format_threshold(value: f64) -> String {
    let text = format!("{:.3}", round3(value));
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_table() {
        let cases: &[(f64, &str, &str)] = &[
            (2.0, "2.0", "2"),
            (4.0, "4.0", "4"),
            (0.4444444, "0.444", "0.444"),
            (53.33333, "53.333", "53.333"),
            (4.17, "4.17", "4.17"),
            (0.0005, "0.001", "0.001"),
            (0.0, "0.0", "0"),
            (160.0, "160.0", "160"),
        ];
        for (value, shown, threshold) in cases {
            assert_eq!(format_value(*value), *shown);
            assert_eq!(format_threshold(*value), *threshold);
        }
        assert_eq!(round3(0.44444), 0.444);
        assert_eq!(round3(f64::MAX), f64::MAX);
    }
}
