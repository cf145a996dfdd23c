//! Trend charts as inline SVG, rendered on the server: no script, valid XML, a `<title>` and
//! `<desc>` for screen readers, a `<title>` per point for its value on hover. Every chart of a
//! page shares one time axis so a change in one can be read against the others.

use std::fmt::Write as _;

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

    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.start && date <= self.end
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
    /// The test's page, linked from the chart's table.
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

/// A chart ready for a page: the caption (HTML text, so a long name wraps instead of being
/// clipped inside the SVG), the SVG itself, and its values as rows of a table for anyone who
/// cannot see the drawing (WCAG 1.1.1: the points inside `role=img` are out of reach of screen
/// readers and out of the Tab order).
#[derive(Debug, Clone)]
pub struct Chart {
    pub caption: String,
    /// Scale and ideal, said in words under the caption.
    pub subtitle: String,
    pub svg: String,
    pub date_heading: &'static str,
    pub value_heading: String,
    pub rows: Vec<ChartRow>,
}

#[derive(Debug, Clone)]
pub struct ChartRow {
    pub date: NaiveDate,
    pub value: String,
    pub href: Option<String>,
}

/// The drawing's size in SVG units. The SVG is scaled to its box, and its text with it, so the
/// size is chosen for the boxes it gets: charts sit in a grid of columns 20–26rem wide (three
/// across a laptop's page, two on a printed page, one on a phone), about 310 to 416 CSS px, so
/// one unit renders as 0.97 to 1.3 px and 12-unit text at 11.6 to 15.6 px: never below 11 px
/// (issue #16), even on a 390 px phone whose scroll bar takes 15 px.
pub const WIDTH: f64 = 320.0;
pub const HEIGHT: f64 = 180.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 24.0;
/// Text size in SVG units (see WIDTH), for every label in a chart.
const TEXT: f64 = 12.0;
/// A generous average advance of a character of 12-unit system-ui text, to keep labels inside
/// the frame without measuring them.
const CHAR_WIDTH: f64 = 7.0;
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

/// A number with one decimal exactly as `{:.1}` writes it (the same digits; a tie, which only an
/// exactly representable value can be, goes to the even digit), from integer arithmetic: the
/// general float formatter was much of the cost of drawing a timeline's years of weekly bars
/// (issue 15).
#[derive(Debug, Clone, Copy)]
pub struct OneDecimal(pub f64);

impl std::fmt::Display for OneDecimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = self.0;
        let magnitude = value.abs();
        if !value.is_finite() || magnitude >= 1e15 {
            return write!(f, "{value:.1}");
        }
        let scaled = magnitude * 10.0;
        let floor = scaled.floor();
        let fraction = scaled - floor;
        let up = if fraction != 0.5 {
            fraction > 0.5
        } else {
            // The product may have been rounded onto the tie: decide on the exact product.
            let error = magnitude.mul_add(10.0, -scaled);
            if error != 0.0 {
                error > 0.0
            } else {
                floor % 2.0 != 0.0
            }
        };
        let tenths = floor as u64 + u64::from(up);
        if value.is_sign_negative() {
            f.write_str("-")?;
        }
        write!(f, "{}.{}", tenths / 10, tenths % 10)
    }
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

/// Month labels along the bottom, at most four so that "Jan 2025" labels never touch: every
/// month, two, three, six, twelve or twenty-four, whichever fits the span.
fn time_ticks(axis: &TimeAxis) -> Vec<(NaiveDate, String)> {
    use chrono::Datelike;
    let months = (axis.end - axis.start).num_days() / 30 + 1;
    let step = [1, 2, 3, 6, 12, 24]
        .into_iter()
        .find(|step| months / step <= 4)
        .unwrap_or(48);
    let mut ticks = Vec::new();
    let mut date =
        NaiveDate::from_ymd_opt(axis.start.year(), axis.start.month(), 1).unwrap_or(axis.start);
    while date <= axis.end {
        let month_index = i64::from(date.year()) * 12 + i64::from(date.month0());
        if date >= axis.start && month_index % step == 0 {
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

/// A text label at `x`, kept whole inside the frame: centred where it fits, else pushed against
/// the edge it would cross (the last month label was clipped to "Jan 202", issue #16).
fn label_at(class: &str, x: f64, y: f64, text: &str) -> String {
    let half = text.chars().count() as f64 * CHAR_WIDTH / 2.0;
    let (x, anchor) = if x + half > WIDTH - 1.0 {
        (WIDTH - 1.0, "end")
    } else if x - half < 1.0 {
        (1.0, "start")
    } else {
        (x, "middle")
    };
    format!(
        "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
        OneDecimal(x),
        OneDecimal(y),
        escape(text)
    )
}

/// The frame every chart shares: value grid lines with labels, month lines with labels along the
/// shared axis, the program versions as dashed purple lines and, on the symptom charts, the hair
/// tests as dotted dark lines (as the legend says).
fn grid_and_markers(
    svg: &mut String,
    scale: &Scale,
    ticks: &[f64],
    axis: &TimeAxis,
    markers: &[Marker],
    test_dates: &[NaiveDate],
) {
    let (plot_top, plot_bottom) = (TOP, HEIGHT - BOTTOM);
    for tick in ticks.iter().copied() {
        let y = OneDecimal(scale.y(tick));
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            OneDecimal(WIDTH - RIGHT),
            OneDecimal(LEFT - 4.0),
            OneDecimal(scale.y(tick) + 4.0),
            fmt(tick)
        );
    }
    for (date, label) in time_ticks(axis) {
        let x = x_of(axis, date);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{plot_top}\" y2=\"{plot_bottom}\"/>",
            OneDecimal(x)
        );
        svg.push_str(&label_at("tick", x, HEIGHT - 7.0, &label));
    }
    for date in test_dates {
        let x = OneDecimal(x_of(axis, *date));
        let _ = write!(
            svg,
            "<line class=\"test-marker\" x1=\"{x}\" x2=\"{x}\" y1=\"{plot_top}\" y2=\"{plot_bottom}\"><title>{date}: hair test</title></line>"
        );
    }
    // A marker outside the axis is left out, not pinned to the frame's edge.
    for marker in markers.iter().filter(|m| axis.contains(m.date)) {
        let x = OneDecimal(x_of(axis, marker.date));
        let _ = write!(
            svg,
            "<line class=\"marker\" x1=\"{x}\" x2=\"{x}\" y1=\"{plot_top}\" y2=\"{plot_bottom}\"><title>{}</title></line>",
            escape(&format!("{}: {}", marker.date, marker.label))
        );
    }
}

/// The latest value written next to its point, above it unless that leaves the frame.
fn latest_label(x: f64, y: f64, text: &str) -> String {
    let label_y = if y - 8.0 < TEXT {
        y + 8.0 + TEXT
    } else {
        y - 8.0
    };
    label_at("latest", x, label_y, text)
}

fn opening(class: &str, id: &str, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    )
}

/// One series as an SVG line chart on the shared axis.
pub fn line_chart(series: &Series, axis: &TimeAxis, markers: &[Marker]) -> Chart {
    let mut values: Vec<f64> = series.points.iter().map(|p| p.value).collect();
    if let Some(ideal) = series.ideal {
        values.push(ideal * (1.0 + BAND));
        values.push(ideal * (1.0 - BAND));
    }
    let scale = Scale::for_values(&values);
    let with_unit = |value: f64| {
        if series.unit.is_empty() {
            fmt(value)
        } else {
            format!("{} {}", fmt(value), series.unit)
        }
    };
    let latest = series
        .points
        .last()
        .map(|p| format!("latest {} on {}", with_unit(p.value), p.date))
        .unwrap_or_else(|| "no values".into());
    let ideal_text = series
        .ideal
        .map(|i| format!("; ideal {}", fmt(i)))
        .unwrap_or_default();
    let mut svg = opening(
        "chart",
        &format!("chart-{}", series.id),
        &series.title,
        &format!(
            "{}, {latest}{ideal_text}{}",
            crate::words::count(series.points.len(), "test", "tests"),
            if scale.log { "; logarithmic scale" } else { "" }
        ),
    );
    if let Some(ideal) = series.ideal {
        let (y_hi, y_lo) = (scale.y(ideal * (1.0 + BAND)), scale.y(ideal * (1.0 - BAND)));
        let _ = write!(
            svg,
            "<rect class=\"band\" x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>ideal band ±20%</title></rect>",
            OneDecimal(y_hi),
            OneDecimal(WIDTH - LEFT - RIGHT),
            OneDecimal((y_lo - y_hi).max(0.5))
        );
    }
    grid_and_markers(&mut svg, &scale, &scale.ticks(), axis, markers, &[]);
    // The ideal line over the grid, which it may coincide with (an ideal of 25 on a 25 tick).
    if let Some(ideal) = series.ideal {
        let y = OneDecimal(scale.y(ideal));
        let _ = write!(
            svg,
            "<line class=\"ideal\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"><title>ideal {}</title></line>",
            OneDecimal(WIDTH - RIGHT),
            fmt(ideal)
        );
    }
    if series.points.len() > 1 {
        svg.push_str("<polyline class=\"series\" points=\"");
        for (i, p) in series.points.iter().enumerate() {
            let separator = if i == 0 { "" } else { " " };
            let _ = write!(
                svg,
                "{separator}{},{}",
                OneDecimal(x_of(axis, p.date)),
                OneDecimal(scale.y(p.value))
            );
        }
        svg.push_str("\"/>");
    }
    for point in &series.points {
        let (x, y) = (x_of(axis, point.date), scale.y(point.value));
        let label = escape(&format!(
            "{} {} on {}",
            series.title,
            with_unit(point.value),
            point.date
        ));
        // No link around the point: a link inside `role=img` is a Tab stop (56 on a timeline)
        // that screen readers cannot name. Each test's link is in the table under the chart.
        let (x, y) = (OneDecimal(x), OneDecimal(y));
        let _ = write!(
            svg,
            "<circle class=\"point\" cx=\"{x}\" cy=\"{y}\" r=\"4\"><title>{label}</title></circle>"
        );
    }
    if let Some(last) = series.points.last() {
        svg.push_str(&latest_label(
            x_of(axis, last.date),
            scale.y(last.value),
            // A measured value, shown as levels are (a ratio such as 7.777… reads "7.78"), not
            // as a threshold is.
            &crate::domain::numbers::format_value(last.value),
        ));
    }
    svg.push_str("</svg>");
    let mut subtitle = Vec::new();
    if let Some(ideal) = series.ideal {
        subtitle.push(format!("ideal {}", fmt(ideal)));
    }
    if scale.log {
        subtitle.push("log scale".to_string());
    }
    Chart {
        caption: series.title.clone(),
        subtitle: subtitle.join(" · "),
        svg,
        date_heading: "Sample",
        value_heading: if series.unit.is_empty() {
            "Value".into()
        } else {
            format!("Value ({})", series.unit)
        },
        rows: series
            .points
            .iter()
            .map(|p| ChartRow {
                date: p.date,
                value: fmt(p.value),
                href: p.href.clone(),
            })
            .collect(),
    }
}

/// Weekly averages of one symptom (severity 0–10) as bars on the shared axis, with the program
/// versions and the hair tests as markers, so symptoms read against the mineral trends.
pub fn weekly_bars(
    id: &str,
    title: &str,
    weeks: &[(NaiveDate, Option<f64>)],
    axis: &TimeAxis,
    markers: &[Marker],
    test_dates: &[NaiveDate],
) -> Chart {
    let logged: Vec<(NaiveDate, f64)> = weeks
        .iter()
        .filter_map(|(week, average)| average.map(|a| (*week, a)))
        .collect();
    let latest = logged
        .last()
        .map(|(w, a)| format!("latest week of {w}: {}", OneDecimal(*a)))
        .unwrap_or_else(|| "no week logged".into());
    let mut svg = opening(
        "chart symptom-chart",
        &format!("symptom-{id}"),
        &format!("{title} weekly average severity"),
        &format!(
            "{} logged; {latest}; scale 0 to 10",
            crate::words::count(logged.len(), "week", "weeks")
        ),
    );
    let scale = Scale {
        log: false,
        lo: 0.0,
        hi: 10.0,
    };
    let plot_bottom = HEIGHT - BOTTOM;
    grid_and_markers(
        &mut svg,
        &scale,
        &[0.0, 5.0, 10.0],
        axis,
        markers,
        test_dates,
    );
    let escaped_title = escape(title);
    for (week, average) in &logged {
        let (x0, x1) = (
            x_of(axis, *week),
            x_of(axis, *week + chrono::Duration::days(7)),
        );
        let y = scale.y(*average);
        // The title is escaped once for the chart; dates and numbers need no escaping.
        let _ = write!(
            svg,
            "<rect class=\"week-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{escaped_title}, week of {week}: {}</title></rect>",
            OneDecimal(x0),
            OneDecimal(y),
            OneDecimal((x1 - x0 - 0.5).max(0.8)),
            OneDecimal((plot_bottom - y).max(0.5)),
            OneDecimal(*average)
        );
    }
    if let Some((week, average)) = logged.last() {
        let x = x_of(axis, *week + chrono::Duration::days(3));
        svg.push_str(&latest_label(
            x,
            scale.y(*average),
            &OneDecimal(*average).to_string(),
        ));
    }
    svg.push_str("</svg>");
    Chart {
        caption: title.to_string(),
        subtitle: "weekly average, 0–10".into(),
        svg,
        date_heading: "Week of",
        value_heading: "Average severity (0–10)".into(),
        rows: logged
            .iter()
            .map(|(week, average)| ChartRow {
                date: *week,
                value: OneDecimal(*average).to_string(),
                href: None,
            })
            .collect(),
    }
}

/// One week of a supplement's (or the diet's) answers: taken as prescribed, partly, not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekAnswers {
    pub week_start: NaiveDate,
    pub full: u32,
    pub partly: u32,
    pub not: u32,
}

/// Program adherence per week (issue 17, ADH-1) on the timeline's time axis: a stacked bar per
/// week with answers, taken as prescribed at the bottom, partly above, not taken on top, as
/// shares of the week's answered days. `words` names the three answers ("taken", "partly",
/// "not taken"; the diet's "followed", …). Drawing only: no rule reads these heights.
pub fn weekly_shares(
    id: &str,
    title: &str,
    words: [&str; 3],
    weeks: &[WeekAnswers],
    axis: &TimeAxis,
    markers: &[Marker],
    test_dates: &[NaiveDate],
) -> Chart {
    let answered: Vec<&WeekAnswers> = weeks
        .iter()
        .filter(|w| w.full + w.partly + w.not > 0)
        .collect();
    let percent = |n: u32, of: u32| (u64::from(n) * 200 + u64::from(of)) / (2 * u64::from(of));
    let describe = |w: &WeekAnswers| {
        let of = w.full + w.partly + w.not;
        format!(
            "{} % {}, {} % {}, {} % {} ({} answered)",
            percent(w.full, of),
            words[0],
            percent(w.partly, of),
            words[1],
            percent(w.not, of),
            words[2],
            crate::words::count(of as usize, "day", "days")
        )
    };
    let latest = answered
        .last()
        .map(|w| format!("latest week of {}: {}", w.week_start, describe(w)))
        .unwrap_or_else(|| "no week answered".into());
    let mut svg = opening(
        "chart adherence-chart",
        &format!("adherence-{id}"),
        &format!("{title}: weekly share of answered days"),
        &format!(
            "{} answered; {latest}; scale 0 to 100 %",
            crate::words::count(answered.len(), "week", "weeks")
        ),
    );
    let scale = Scale {
        log: false,
        lo: 0.0,
        hi: 100.0,
    };
    grid_and_markers(
        &mut svg,
        &scale,
        &[0.0, 50.0, 100.0],
        axis,
        markers,
        test_dates,
    );
    let escaped_title = escape(title);
    let escaped_words = words.map(escape);
    for w in &answered {
        let (x0, x1) = (
            x_of(axis, w.week_start),
            x_of(axis, w.week_start + chrono::Duration::days(7)),
        );
        let width = (x1 - x0 - 0.5).max(0.8);
        let of = f64::from(w.full + w.partly + w.not);
        let mut bottom = 0.0;
        for (slot, (count, class)) in [
            (w.full, "share-full"),
            (w.partly, "share-partly"),
            (w.not, "share-not"),
        ]
        .into_iter()
        .enumerate()
        {
            if count == 0 {
                continue;
            }
            let top = bottom + 100.0 * f64::from(count) / of;
            let (y_top, y_bottom) = (scale.y(top), scale.y(bottom));
            // The title and the words are escaped once for the chart.
            let _ = write!(
                svg,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{escaped_title}, week of {}: {count} {}</title></rect>",
                OneDecimal(x0),
                OneDecimal(y_top),
                OneDecimal(width),
                OneDecimal((y_bottom - y_top).max(0.5)),
                w.week_start,
                escaped_words[slot]
            );
            bottom = top;
        }
    }
    svg.push_str("</svg>");
    Chart {
        caption: title.to_string(),
        subtitle: format!(
            "weekly share of answered days: {} (bottom, green), {} (middle, amber), {} (top, grey)",
            words[0], words[1], words[2]
        ),
        svg,
        date_heading: "Week of",
        value_heading: "Answers".into(),
        rows: answered
            .iter()
            .map(|w| ChartRow {
                date: w.week_start,
                value: describe(w),
                href: None,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
