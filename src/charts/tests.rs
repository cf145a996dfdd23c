use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn series(values: &[(NaiveDate, f64)]) -> Series {
    Series {
        id: "ca".into(),
        title: "Calcium <mg%>".into(),
        unit: "mg%".into(),
        points: values
            .iter()
            .map(|(d, v)| Point {
                date: *d,
                value: *v,
                href: Some("/x?a=1&b=2".into()),
            })
            .collect(),
        ideal: Some(40.0),
    }
}

#[test]
fn one_decimal_writes_what_the_float_formatter_writes() {
    let mut values = vec![
        0.0,
        -0.0,
        0.05,
        0.15,
        0.25,
        0.35,
        0.45,
        2.25,
        2.75,
        12.25,
        -0.04,
        -2.25,
        0.95,
        9.95,
        99.95,
        1e14 + 0.25,
        319.95,
        4.0,
        41.25,
        1e15,
        f64::NAN,
        f64::INFINITY,
    ];
    // Every quarter, twentieth and a spread of awkward values over the chart's range.
    values.extend((0..4000).map(|i| f64::from(i) / 20.0));
    values.extend((0..4000).map(|i| f64::from(i) * 0.1 + 0.05));
    values.extend((1..4000).map(|i| 320.0 / f64::from(i)));
    values.extend((1..2000).map(|i| 10.0 * (1.0 - 1.0 / f64::from(i))));
    for value in values {
        assert_eq!(
            OneDecimal(value).to_string(),
            format!("{value:.1}"),
            "{value:e}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn one_decimal_agrees_on_any_number(value in -1e6f64..1e6) {
        proptest::prop_assert_eq!(OneDecimal(value).to_string(), format!("{value:.1}"));
    }
}

#[test]
fn one_point_is_drawn_without_a_line() {
    let axis = TimeAxis::spanning([date(2025, 3, 1)]).unwrap();
    let svg = line_chart(&series(&[(date(2025, 3, 1), 160.0)]), &axis, &[]).svg;
    assert_eq!(svg.matches("<circle").count(), 1);
    assert!(!svg.contains("<polyline"));
    assert!(svg.contains("Calcium &lt;mg%&gt;"));
}

#[test]
fn values_spanning_decades_use_a_log_scale() {
    let axis = TimeAxis::spanning([date(2025, 1, 1), date(2026, 1, 1)]).unwrap();
    let svg = line_chart(
        &series(&[(date(2025, 1, 1), 12.0), (date(2026, 1, 1), 400.0)]),
        &axis,
        &[],
    )
    .svg;
    assert!(svg.contains("logarithmic"));
    let flat = line_chart(
        &series(&[(date(2025, 1, 1), 38.0), (date(2026, 1, 1), 45.0)]),
        &axis,
        &[],
    )
    .svg;
    assert!(!flat.contains("logarithmic"));
}

#[test]
fn forty_points_stay_inside_the_frame() {
    let start = date(2023, 1, 1);
    let points: Vec<_> = (0..40)
        .map(|i| (start + chrono::Duration::days(i * 30), 20.0 + i as f64))
        .collect();
    let axis = TimeAxis::spanning(points.iter().map(|p| p.0)).unwrap();
    let svg = line_chart(
        &series(&points),
        &axis,
        &[Marker {
            date: start,
            label: "program v1".into(),
        }],
    )
    .svg;
    assert_eq!(svg.matches("<circle").count(), 40);
    for cx in svg.split("cx=\"").skip(1) {
        let x: f64 = cx.split('"').next().unwrap().parse().unwrap();
        assert!((LEFT..=WIDTH - RIGHT).contains(&x), "{x}");
    }
}

/// Every text's (x, anchor, length) of an SVG, from the attributes this module writes.
fn texts(svg: &str) -> Vec<(f64, String, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            (
                n.attribute("x").unwrap().parse().unwrap(),
                n.attribute("text-anchor").unwrap_or("start").to_string(),
                n.text().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_label_stays_whole_inside_the_frame() {
    // Spans ending in January put "Jan 2026" against the right edge (was clipped "Jan 202").
    for (start, end) in [
        (date(2024, 2, 3), date(2025, 12, 20)),
        (date(2025, 1, 1), date(2025, 12, 28)),
        (date(2020, 1, 1), date(2026, 1, 10)),
        (date(2025, 11, 2), date(2025, 12, 30)),
    ] {
        let axis = TimeAxis::spanning([start, end]).unwrap();
        let svg = line_chart(&series(&[(start, 38.0), (end, 2345.5)]), &axis, &[]).svg;
        let labels = texts(&svg);
        let months = labels
            .iter()
            .filter(|(_, _, t)| t.chars().any(char::is_alphabetic))
            .count();
        assert!(months <= 5, "{months} labels crowd the axis: {labels:?}");
        for (x, anchor, text) in labels {
            let width = text.chars().count() as f64 * CHAR_WIDTH;
            let (left, right) = match anchor.as_str() {
                "end" => (x - width, x),
                "middle" => (x - width / 2.0, x + width / 2.0),
                _ => (x, x + width),
            };
            assert!(
                left >= 0.0 && right <= WIDTH,
                "{text:?} at {x} ({anchor}) leaves the frame"
            );
        }
    }
}

#[test]
fn the_latest_value_is_written_at_its_point() {
    let axis = TimeAxis::spanning([date(2025, 1, 1), date(2025, 9, 1)]).unwrap();
    let chart = line_chart(
        &series(&[(date(2025, 1, 1), 38.0), (date(2025, 9, 1), 41.25)]),
        &axis,
        &[],
    );
    assert!(chart.svg.contains("class=\"latest\""));
    assert!(chart.svg.contains(">41.25</text>"), "{}", chart.svg);
    assert_eq!(chart.rows.len(), 2);
    assert_eq!(chart.rows[1].value, "41.25");
    assert_eq!(chart.value_heading, "Value (mg%)");
}

#[test]
fn points_link_to_their_test_from_the_table_not_the_drawing() {
    let axis = TimeAxis::spanning([date(2025, 1, 1)]).unwrap();
    let chart = line_chart(&series(&[(date(2025, 1, 1), 38.0)]), &axis, &[]);
    assert!(
        !chart.svg.contains("<a "),
        "no focusable link inside role=img"
    );
    assert_eq!(chart.rows[0].href.as_deref(), Some("/x?a=1&b=2"));
}

#[test]
fn symptom_charts_mark_tests_and_program_versions_apart() {
    let axis = TimeAxis::spanning([date(2025, 1, 6), date(2025, 3, 3)]).unwrap();
    let chart = weekly_bars(
        "leg_cramps",
        "Leg cramps",
        &[(date(2025, 1, 6), Some(4.0)), (date(2025, 1, 13), None)],
        &axis,
        &[Marker {
            date: date(2025, 2, 1),
            label: "program version 1".into(),
        }],
        &[date(2025, 1, 10), date(2025, 3, 3)],
    );
    assert_eq!(chart.svg.matches("class=\"marker\"").count(), 1);
    assert_eq!(chart.svg.matches("class=\"test-marker\"").count(), 2);
    assert_eq!(chart.rows.len(), 1, "weeks not logged are not rows");
    assert!(chart.svg.contains(">4.0</text>"));
}
