//! Trend charts as inline SVG, rendered on the server: no script, valid XML, a `<title>` and
//! `<desc>` for screen readers, a `<title>` per point for its value on hover. Every chart of a
//! page shares one time axis so a change in one can be read against the others.

use chrono::NaiveDate;

/// The dates every chart of a page spans.
#[derive(Debug, Clone, Copy)]
pub struct TimeAxis {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl TimeAxis {
    /// Spans all the dates given, padded so the first and last points are not on the frame; a
    /// single date gets a month either side.
    pub fn spanning(dates: impl IntoIterator<Item = NaiveDate>) -> Option<TimeAxis> {
        let mut dates = dates.into_iter();
        let first = dates.next()?;
        let (min, max) = dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
        let span = (max - min).num_days().max(1);
        let pad = chrono::Duration::days((span / 20).max(15));
        Some(TimeAxis {
            start: min - pad,
            end: max + pad,
        })
    }

    /// Where `date` falls on the axis, from 0 (start) to 1 (end).
    pub fn fraction(&self, date: NaiveDate) -> f64 {
        let total = (self.end - self.start).num_days().max(1) as f64;
        ((date - self.start).num_days() as f64 / total).clamp(0.0, 1.0)
    }
}

#[derive(Debug, Clone)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
    /// Where the point links to (the test's page).
    pub href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Series {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub points: Vec<Point>,
    pub ideal: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Marker {
    pub date: NaiveDate,
    pub label: String,
}

pub const WIDTH: f64 = 720.0;
pub const HEIGHT: f64 = 170.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 26.0;
/// Shaded around the ideal: within ±20% of it (a display convention, not an HTMA.md rule).
pub const BAND: f64 = 0.2;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn fmt(value: f64) -> String {
    crate::domain::numbers::format_threshold(value)
}

/// The y scale shared by the SVG charts and the PDF, so a chart reads the same on the page and
/// on paper.
pub struct Scale {
    pub log: bool,
    pub lo: f64,
    pub hi: f64,
}

impl Scale {
    /// A log scale when the values (and ideal) span more than a decade, so calcium from 20 to
    /// 400 stays readable; linear from zero otherwise.
    pub fn for_values(values: &[f64]) -> Scale {
        let positive: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| *v > 0.0 && v.is_finite())
            .collect();
        let max = positive.iter().copied().fold(0.0_f64, f64::max);
        let min = positive.iter().copied().fold(f64::INFINITY, f64::min);
        if max > 0.0 && min.is_finite() && max / min > 10.0 {
            let lo = 10f64.powf(min.log10().floor());
            let hi = 10f64.powf(max.log10().ceil());
            Scale { log: true, lo, hi }
        } else {
            let hi = if max > 0.0 {
                nice_ceiling(max * 1.1)
            } else {
                1.0
            };
            Scale {
                log: false,
                lo: 0.0,
                hi,
            }
        }
    }

    /// Where `value` falls, from 0 (bottom of the plot) to 1 (top).
    pub fn fraction(&self, value: f64) -> f64 {
        let fraction = if self.log {
            let v = value.max(self.lo);
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (value - self.lo) / (self.hi - self.lo)
        };
        fraction.clamp(0.0, 1.0)
    }

    fn y(&self, value: f64) -> f64 {
        TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - self.fraction(value))
    }

    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            let mut ticks = Vec::new();
            let mut decade = self.lo;
            while decade <= self.hi * 1.0001 {
                ticks.push(decade);
                decade *= 10.0;
            }
            ticks
        } else {
            (0..=4)
                .map(|i| self.lo + (self.hi - self.lo) * f64::from(i) / 4.0)
                .collect()
        }
    }
}

fn nice_ceiling(value: f64) -> f64 {
    let magnitude = 10f64.powf(value.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= value {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn x_of(axis: &TimeAxis, date: NaiveDate) -> f64 {
    LEFT + (WIDTH - LEFT - RIGHT) * axis.fraction(date)
}

/// Month labels along the bottom: every month, every quarter or every year, whichever fits.
fn time_ticks(axis: &TimeAxis) -> Vec<(NaiveDate, String)> {
    use chrono::Datelike;
    let months = (axis.end - axis.start).num_days() / 30;
    let step = match months {
        0..=14 => 1,
        15..=40 => 3,
        41..=96 => 6,
        _ => 12,
    };
    let mut ticks = Vec::new();
    let mut date =
        NaiveDate::from_ymd_opt(axis.start.year(), axis.start.month(), 1).unwrap_or(axis.start);
    while date <= axis.end {
        if date >= axis.start && date.month0().is_multiple_of(step) {
            let label = if date.month() == 1 || ticks.is_empty() {
                date.format("%b %Y").to_string()
            } else {
                date.format("%b").to_string()
            };
            ticks.push((date, label));
        }
        date = date
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(axis.end + chrono::Duration::days(1));
    }
    ticks
}

/// The frame every chart shares: value grid lines with labels, month lines with labels along the
/// shared axis, and the dated markers (program versions, tests) as vertical lines.
fn grid_and_markers(
    svg: &mut String,
    scale: &Scale,
    ticks: &[f64],
    axis: &TimeAxis,
    markers: &[Marker],
) {
    let (plot_top, plot_bottom) = (TOP, HEIGHT - BOTTOM);
    for tick in ticks.iter().copied() {
        let y = scale.y(tick);
        svg.push_str(&format!(
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 3.5,
            fmt(tick)
        ));
    }
    for (date, label) in time_ticks(axis) {
        let x = x_of(axis, date);
        svg.push_str(&format!(
            "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{plot_top}\" y2=\"{plot_bottom}\"/><text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            HEIGHT - 8.0,
            escape(&label)
        ));
    }
    for marker in markers {
        let x = x_of(axis, marker.date);
        svg.push_str(&format!(
            "<line class=\"marker\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{plot_top}\" y2=\"{plot_bottom}\"><title>{}</title></line>",
            escape(&format!("{}: {}", marker.date, marker.label))
        ));
    }
}

/// One series as an SVG line chart on the shared axis.
pub fn line_chart(series: &Series, axis: &TimeAxis, markers: &[Marker]) -> String {
    let mut values: Vec<f64> = series.points.iter().map(|p| p.value).collect();
    if let Some(ideal) = series.ideal {
        values.push(ideal * (1.0 + BAND));
        values.push(ideal * (1.0 - BAND));
    }
    let scale = Scale::for_values(&values);
    let title_id = format!("chart-{}-title", series.id);
    let desc_id = format!("chart-{}-desc", series.id);
    let latest = series
        .points
        .last()
        .map(|p| format!("latest {} {} on {}", fmt(p.value), series.unit, p.date))
        .unwrap_or_else(|| "no values".into());
    let ideal_text = series
        .ideal
        .map(|i| format!("; ideal {}", fmt(i)))
        .unwrap_or_default();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\">\
         <title id=\"{title_id}\">{}</title><desc id=\"{desc_id}\">{} tests, {}{}{}</desc>",
        escape(&series.title),
        series.points.len(),
        escape(&latest),
        escape(&ideal_text),
        if scale.log { "; logarithmic scale" } else { "" }
    );
    svg.push_str(&format!(
        "<text class=\"chart-title\" x=\"{LEFT}\" y=\"14\">{}{}</text>",
        escape(&series.title),
        if scale.log { " (log scale)" } else { "" }
    ));
    if let Some(ideal) = series.ideal {
        let (y_hi, y_lo) = (scale.y(ideal * (1.0 + BAND)), scale.y(ideal * (1.0 - BAND)));
        svg.push_str(&format!(
            "<rect class=\"band\" x=\"{LEFT}\" y=\"{y_hi:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>ideal band ±20%</title></rect>",
            WIDTH - LEFT - RIGHT,
            (y_lo - y_hi).max(0.5)
        ));
        let y = scale.y(ideal);
        svg.push_str(&format!(
            "<line class=\"ideal\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"><title>ideal {}</title></line>\
             <text class=\"ideal-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">ideal {}</text>",
            WIDTH - RIGHT,
            fmt(ideal),
            WIDTH - RIGHT - 2.0,
            y - 3.0,
            fmt(ideal)
        ));
    }
    grid_and_markers(&mut svg, &scale, &scale.ticks(), axis, markers);
    if series.points.len() > 1 {
        let path: Vec<String> = series
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x_of(axis, p.date), scale.y(p.value)))
            .collect();
        svg.push_str(&format!(
            "<polyline class=\"series\" points=\"{}\"/>",
            path.join(" ")
        ));
    }
    for point in &series.points {
        let (x, y) = (x_of(axis, point.date), scale.y(point.value));
        let label = escape(&format!(
            "{} {} {} on {}",
            series.title,
            fmt(point.value),
            series.unit,
            point.date
        ));
        let dot = format!("<circle class=\"point\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\"><title>{label}</title></circle>");
        match &point.href {
            Some(href) => svg.push_str(&format!("<a href=\"{}\">{dot}</a>", escape(href))),
            None => svg.push_str(&dot),
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Weekly averages of one symptom (severity 0–10) as bars on the shared axis, with the test
/// dates and program versions as markers, so symptoms read against the mineral trends.
pub fn weekly_bars(
    id: &str,
    title: &str,
    weeks: &[(NaiveDate, Option<f64>)],
    axis: &TimeAxis,
    markers: &[Marker],
) -> String {
    let title_id = format!("symptom-{id}-title");
    let desc_id = format!("symptom-{id}-desc");
    let logged = weeks.iter().filter(|(_, a)| a.is_some()).count();
    let latest = weeks
        .iter()
        .rev()
        .find_map(|(w, a)| a.map(|a| format!("latest week of {w}: {a:.1}")))
        .unwrap_or_else(|| "no week logged".into());
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart symptom-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\">\
         <title id=\"{title_id}\">{} weekly average severity</title><desc id=\"{desc_id}\">{logged} weeks logged; {}; scale 0 to 10</desc>\
         <text class=\"chart-title\" x=\"{LEFT}\" y=\"14\">{} (weekly average, 0–10)</text>",
        escape(title),
        escape(&latest),
        escape(title)
    );
    let scale = Scale {
        log: false,
        lo: 0.0,
        hi: 10.0,
    };
    let plot_bottom = HEIGHT - BOTTOM;
    grid_and_markers(&mut svg, &scale, &[0.0, 5.0, 10.0], axis, markers);
    for (week, average) in weeks {
        let Some(average) = average else { continue };
        let (x0, x1) = (
            x_of(axis, *week),
            x_of(axis, *week + chrono::Duration::days(7)),
        );
        let y = scale.y(*average);
        svg.push_str(&format!(
            "<rect class=\"week-bar\" x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            (x1 - x0 - 0.5).max(0.8),
            (plot_bottom - y).max(0.5),
            escape(&format!("{title}, week of {week}: {average:.1}"))
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
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
    fn one_point_is_drawn_without_a_line() {
        let axis = TimeAxis::spanning([date(2025, 3, 1)]).unwrap();
        let svg = line_chart(&series(&[(date(2025, 3, 1), 160.0)]), &axis, &[]);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(!svg.contains("<polyline"));
        assert!(svg.contains("Calcium &lt;mg%&gt;") && svg.contains("a=1&amp;b=2"));
    }

    #[test]
    fn values_spanning_decades_use_a_log_scale() {
        let axis = TimeAxis::spanning([date(2025, 1, 1), date(2026, 1, 1)]).unwrap();
        let svg = line_chart(
            &series(&[(date(2025, 1, 1), 12.0), (date(2026, 1, 1), 400.0)]),
            &axis,
            &[],
        );
        assert!(svg.contains("logarithmic"));
        let flat = line_chart(
            &series(&[(date(2025, 1, 1), 38.0), (date(2026, 1, 1), 45.0)]),
            &axis,
            &[],
        );
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
        );
        assert_eq!(svg.matches("<circle").count(), 40);
        for cx in svg.split("cx=\"").skip(1) {
            let x: f64 = cx.split('"').next().unwrap().parse().unwrap();
            assert!((LEFT..=WIDTH - RIGHT).contains(&x), "{x}");
        }
    }
}
