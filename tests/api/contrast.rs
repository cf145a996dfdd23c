//! The colours of the stylesheet against WCAG 2.1 AA, computed rather than eyeballed: text at
//! least 4.5:1 (1.4.3), focus rings, field borders and other state colours at least 3:1 (1.4.11).
//! axe-core (see `browser_axe`) checks the text it finds on the pages it opens; this checks every
//! severity pair, including those no page happens to show.

use std::collections::HashMap;

/// WCAG relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    assert_eq!(hex.len(), 6, "#{hex} is not #rrggbb");
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits")) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn ratio(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The stylesheet without its comments.
fn without_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out
}

/// `--name: #rrggbb` declarations of the stylesheet (the first of each name).
fn variables(css: &str) -> HashMap<String, String> {
    let mut found = HashMap::new();
    for declaration in without_comments(css).split([';', '{', '}']) {
        let Some((name, value)) = declaration.trim().split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.starts_with("--") && value.starts_with('#') {
            let value = match value.len() {
                4 => value[1..].chars().flat_map(|c| [c, c]).collect::<String>(),
                _ => value[1..].to_string(),
            };
            found.entry(name.to_string()).or_insert(value);
        }
    }
    found
}

fn stylesheet() -> HashMap<String, String> {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/app.css"))
        .expect("read static/app.css");
    variables(&css)
}

#[test]
fn every_severity_colour_carries_its_number_at_text_contrast() {
    let vars = stylesheet();
    for level in 0..=10 {
        let fill = &vars[&format!("--sev{level}")];
        let ink = &vars[&format!("--sev{level}-ink")];
        let contrast = ratio(fill, ink);
        assert!(
            contrast >= 4.5,
            "severity {level}: #{ink} on #{fill} is {contrast:.2}:1, below 4.5:1"
        );
    }
    // The ramp only darkens, so it reads in greyscale and with any colour vision.
    let lightness: Vec<f64> = (0..=10)
        .map(|level| luminance(&vars[&format!("--sev{level}")]))
        .collect();
    for pair in lightness[1..].windows(2) {
        assert!(
            pair[0] > pair[1],
            "the severity ramp is not darker at each step"
        );
    }
}

#[test]
fn text_and_state_colours_meet_wcag_aa() {
    let vars = stylesheet();
    let white = "ffffff";
    let page = vars["--bg"].as_str();
    let text = [
        ("--ink", white),
        ("--ink", page),
        ("--muted", white),
        ("--muted", page),
        ("--accent", white),
        ("--accent", page),
        ("--danger", white),
        ("--ok", white),
        ("--warn", white),
    ];
    for (name, background) in text {
        let contrast = ratio(&vars[name], background);
        assert!(
            contrast >= 4.5,
            "{name} on #{background}: {contrast:.2}:1, below 4.5:1"
        );
    }
    // White on the accent (primary buttons, the chosen time of day, the current chip).
    assert!(ratio(&vars["--accent-ink"], &vars["--accent"]) >= 4.5);
    let non_text = [
        ("--focus", white),
        ("--focus", page),
        ("--focus-on-dark", &vars["--ink"]),
        ("--field-line", white),
        ("--field-line", page),
        ("--bar-ok", &vars["--bar-track"]),
        ("--bar-low", &vars["--bar-track"]),
        ("--bar-high", &vars["--bar-track"]),
    ];
    for (name, background) in non_text {
        let contrast = ratio(&vars[name], background);
        assert!(
            contrast >= 3.0,
            "{name} on #{background}: {contrast:.2}:1, below 3:1"
        );
    }
}

#[test]
fn the_contrast_formula_matches_known_values() {
    assert!((ratio("000000", "ffffff") - 21.0).abs() < 1e-9);
    // Figures from the issue (#20): the old focus ring and the old severity 6 under white text.
    assert!((ratio("7cc4dc", "ffffff") - 1.95).abs() < 0.01);
    assert!((ratio("ec9040", "ffffff") - 2.43).abs() < 0.01);
}
