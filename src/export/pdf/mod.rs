//! The progress summary as a PDF, drawn and written by the server itself: no browser, no layout
//! engine, no external service. The content follows the printable page:
//! header, comment, program versions, the table of tests, the trend charts as vector graphics
//! on the shared time axis, the flags, the symptom diary, and the disclaimer in every footer.
//!
//! Text is set in DejaVu Sans, embedded from a subset committed under `static/fonts/` (Latin,
//! Greek, Cyrillic, punctuation, arrows, ≤ and ≥): the flags' summaries carry "→" and "≤", which
//! the PDF built-in fonts cannot show. Nothing is subset at save time, which is why the
//! committed file is a subset already (static/fonts/README.md says how it was made); a
//! character outside it prints as "?". printpdf only reads the font files, once per process.
//!
//! This file is the document (what the summary says, section by section, and its charts);
//! `kit` is the drawing: pages, fonts, text, tables and shapes written as content streams;
//! `document` is the file around them.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

mod document;
mod kit;
mod streams;
mod table;

use kit::*;
use streams::EmbeddedFont;
use table::tests_table;

use super::summary::{
    severity_band, FlagSummary, ProgramSummary, SummaryData, SymptomSummary, DISCLAIMER,
    PEAK_MEANING, SEVERITY_BANDS, SEVERITY_LEGEND_HEAD, SEVERITY_NOT_LOGGED,
};
use crate::charts::{Marker, Scale, Series, TimeAxis, BAND};
use crate::domain::numbers::{format_threshold, format_value};

static REGULAR_TTF: EmbeddedFont = EmbeddedFont::new(include_bytes!(
    "../../../static/fonts/DejaVuSans-subset.ttf"
));
static BOLD_TTF: EmbeddedFont = EmbeddedFont::new(include_bytes!(
    "../../../static/fonts/DejaVuSans-Bold-subset.ttf"
));

/// The two faces and the PDF objects of both, made once per process (`document::FontBlock`).
struct Faces {
    regular: Face,
    bold: Face,
    fonts: document::FontBlock,
}

fn faces() -> Result<&'static Faces, String> {
    static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let regular = Face::load(&REGULAR_TTF, "F1", "HTMADR+DejaVuSans")?;
            let bold = Face::load(&BOLD_TTF, "F2", "HTMADB+DejaVuSans-Bold")?;
            let fonts = document::FontBlock::new(&[&regular, &bold]);
            Ok(Faces {
                regular,
                bold,
                fonts,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Renders the summary as an A4 PDF. The error is a font that cannot be read, as text for the
/// caller to log and answer with.
pub fn render_summary_pdf(data: &SummaryData) -> Result<Vec<u8>, String> {
    let faces = faces()?;
    let running_head = format!(
        "Progress summary · {} · {} – {}",
        data.client_name, data.period_start, data.period_end
    );
    let mut canvas = Canvas::new(&faces.regular, &faces.bold, running_head);

    header(&mut canvas, data);
    comment(&mut canvas, data);
    program(&mut canvas, &data.program);
    tests_table(&mut canvas, data);
    meanings(&mut canvas, data);
    trends(&mut canvas, data);
    // The practitioner's internal record: never in the client's copy.
    if !data.is_client_copy() {
        flags(&mut canvas, &data.flags);
    }
    symptoms(&mut canvas, data);
    program_followed(&mut canvas, data);

    let stamp = format!(
        "{} · {}",
        data.client_name,
        data.created_at.format("%Y-%m-%d")
    );
    let pages = canvas.finish(DISCLAIMER, &stamp);
    let title = format!("Progress summary — {}", data.client_name);
    Ok(document::write(
        &faces.fonts,
        &pages,
        &document::Information {
            title: &title,
            author: &data.practitioner_name,
            subject: "Progress summary (hair tissue mineral analysis)",
            creator: "htma-tracker",
            producer: "htma-tracker",
            created: data.created_at,
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Sections

fn header(c: &mut Canvas, data: &SummaryData) {
    c.text(
        MARGIN,
        c.y + 16.0,
        style(19.0, BOLD, ACCENT),
        "Progress summary",
    );
    c.y += 26.0;
    c.paragraph(MARGIN, CONTENT_W, &data.client_name, style(14.0, BOLD, INK));
    c.y += 6.0;
    c.rule(MARGIN, PAGE_W - MARGIN, c.y, 1.2, ACCENT);
    c.y += 8.0;

    let days = (data.period_end - data.period_start).num_days() + 1;
    let reference_code = data
        .reference_code
        .clone()
        .filter(|code| !code.trim().is_empty())
        .unwrap_or_else(|| "—".into());
    let fields = [
        ("Client", data.client_name.clone()),
        ("Reference code", reference_code),
        ("Practitioner", data.practitioner_name.clone()),
        (
            "Period",
            format!("{} – {} ({days} days)", data.period_start, data.period_end),
        ),
        (
            "Created",
            data.created_at.format("%Y-%m-%d %H:%M").to_string(),
        ),
        ("Reference set", data.reference_set.clone()),
    ];
    let column = CONTENT_W / 2.0;
    let label_w = 64.0;
    let value_w = column - label_w - 6.0;
    let value = style(9.5, REGULAR, INK);
    for pair in fields.chunks(2) {
        let lines = pair
            .iter()
            .map(|(_, v)| c.wrap(v, value_w, value).len())
            .max()
            .unwrap_or(1);
        for (i, (label, v)) in pair.iter().enumerate() {
            let x = MARGIN + column * i as f32;
            c.text(x, c.y + 8.0, style(7.5, REGULAR, MUTED), label);
            let top = c.y;
            c.block_at(x + label_w, top, value_w, v, value);
        }
        c.y += lines as f32 * value.leading() + 3.0;
    }
    c.y += 6.0;
}

fn comment(c: &mut Canvas, data: &SummaryData) {
    let text = data.comment.trim();
    if text.is_empty() {
        return;
    }
    c.section("Practitioner's comment", 40.0);
    c.paragraph(MARGIN, CONTENT_W, text, style(9.5, REGULAR, INK));
    c.y += 4.0;
}

fn program(c: &mut Canvas, program: &[ProgramSummary]) {
    c.section("Program versions in the period", 40.0);
    if program.is_empty() {
        c.note("No program version was in force during this period.");
        return;
    }
    let label_w = 78.0;
    let body = style(9.0, REGULAR, INK);
    let label = style(7.5, REGULAR, MUTED);
    for (i, version) in program.iter().enumerate() {
        let until = program
            .get(i + 1)
            .and_then(|next| next.starts_on.pred_opt())
            .map(|d| format!(" until {d}"))
            .unwrap_or_default();
        c.ensure(40.0);
        let title = format!("Version from {}{until}", version.starts_on);
        c.paragraph(MARGIN, CONTENT_W, &title, style(9.5, BOLD, INK));
        let supplements = version
            .supplements
            .iter()
            .map(|s| format!("• {s}"))
            .collect::<Vec<_>>()
            .join("\n");
        for (name, value) in [
            ("Diet", version.diet.as_str()),
            ("Lifestyle", version.lifestyle.as_str()),
            ("Supplements", supplements.as_str()),
        ] {
            let value = if value.trim().is_empty() {
                "—"
            } else {
                value
            };
            c.ensure(body.leading());
            c.text(MARGIN + 8.0, c.y + body.baseline(), label, name);
            c.paragraph(MARGIN + label_w, CONTENT_W - label_w, value, body);
        }
        c.y += 5.0;
    }
}

/// What the results mean, in plain words: each oxidation type and each pattern of the period,
/// named and explained in a line (HTMA.md's wording). The practitioner's copy adds the ids.
fn meanings(c: &mut Canvas, data: &SummaryData) {
    let per_test = data
        .tests
        .iter()
        .any(|t| !t.notes.is_empty() || !t.evidence.is_empty());
    if data.oxidation_types.is_empty() && data.patterns.is_empty() && !per_test {
        return;
    }
    c.section("What the results mean", 40.0);
    let name = style(9.0, BOLD, INK);
    let body = style(9.0, REGULAR, INK);
    let entries = data
        .oxidation_types
        .iter()
        .map(|o| (format!("Oxidation type: {}", o.label), &o.explanation))
        .chain(data.patterns.iter().map(|p| {
            let title = if p.id.is_empty() {
                p.name.clone()
            } else {
                format!("{} ({})", p.name, p.id)
            };
            (title, &p.explanation)
        }));
    for (title, explanation) in entries {
        let lines = c.wrap(explanation, CONTENT_W - 12.0, body);
        c.ensure(name.leading() + lines.len() as f32 * body.leading());
        c.paragraph(MARGIN, CONTENT_W, &title, name);
        c.lines_at(MARGIN + 12.0, &lines, body);
        c.y += 3.0;
    }
    // Caveats on a test's oxidation type (both copies), then the evidence numbers (the
    // practitioner's copy only: `for_client` empties them).
    for test in &data.tests {
        let lines: Vec<&String> = test.notes.iter().chain(&test.evidence).collect();
        if lines.is_empty() {
            continue;
        }
        let title = format!("Test of {}", test.sample_date);
        c.ensure(name.leading() + body.leading());
        c.paragraph(MARGIN, CONTENT_W, &title, name);
        for line in lines {
            let wrapped = c.wrap(line, CONTENT_W - 12.0, body);
            c.ensure(wrapped.len() as f32 * body.leading());
            c.lines_at(MARGIN + 12.0, &wrapped, body);
        }
        c.y += 3.0;
    }
}

fn trends(c: &mut Canvas, data: &SummaryData) {
    let gap = 16.0;
    let width = (CONTENT_W - gap) / 2.0;
    let height = 146.0;
    // The legend comes first, so it always shares a page with the first charts.
    c.section("Trends", height + 60.0);
    let axis = match data.axis {
        Some(axis) if !data.series.is_empty() => axis,
        _ => {
            c.note("No test in this period: there is no trend to chart.");
            return;
        }
    };
    chart_legend(c, data);
    c.y += 4.0;
    for pair in data.series.chunks(2) {
        c.ensure(height + 6.0);
        for (i, series) in pair.iter().enumerate() {
            let x = MARGIN + (width + gap) * i as f32;
            let top = c.y;
            c.chart(x, top, width, height, series, &axis, &data.markers);
        }
        c.y += height + 7.0;
    }
}

fn chart_legend(c: &mut Canvas, data: &SummaryData) {
    let y = c.y + 6.0;
    let label = style(7.5, REGULAR, MUTED);
    let mut x = MARGIN;
    // Each swatch is drawn the way the charts draw it, so the legend needs no colour words.
    c.stroke_line(&[(x, y), (x + 16.0, y)], 1.2, SERIES);
    c.dot(x + 8.0, y, 1.9, SERIES);
    x += 20.0;
    x += c.text(x, y + 2.6, label, "test value") + 14.0;
    c.stroke_line(&[(x, y), (x + 16.0, y)], 0.9, IDEAL);
    x += 20.0;
    let ideal = format!("ideal ({})", data.reference_set);
    x += c.text(x, y + 2.6, label, &ideal) + 14.0;
    c.fill_rect(x, y - 4.0, 16.0, 8.0, IDEAL_BAND);
    x += 20.0;
    let band = format!("ideal ±{}%", (BAND * 100.0).round());
    x += c.text(x, y + 2.6, label, &band) + 14.0;
    c.dashed_line(x + 4.0, y - 5.0, x + 4.0, y + 5.0, 0.9, MARKER);
    x += 10.0;
    c.text(x, y + 2.6, label, "program version starts");
    c.y += 14.0;
    if !data.markers.is_empty() {
        let list = data
            .markers
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{} = {} ({})", i + 1, m.date, m.label))
            .collect::<Vec<_>>()
            .join(";  ");
        c.paragraph(MARGIN, CONTENT_W, &format!("Dashed lines: {list}."), label);
    }
    c.note("A chart whose values span more than a decade uses a logarithmic scale.");
}

fn flags(c: &mut Canvas, flags: &[FlagSummary]) {
    c.section("Flags", 50.0);
    if flags.is_empty() {
        c.note("No flag was raised between the tests of this period.");
        return;
    }
    let acknowledged = flags.iter().filter(|f| f.acknowledged).count();
    c.note(&format!(
        "{} raised, {acknowledged} acknowledged, {} open.",
        plural(flags.len(), "flag", "flags"),
        flags.len() - acknowledged
    ));
    let status_w = 70.0;
    let body_x = MARGIN + status_w;
    let body_w = CONTENT_W - status_w;
    let summary = style(9.0, BOLD, INK);
    let meta = style(7.5, REGULAR, MUTED);
    let note = style(8.5, REGULAR, INK);
    for flag in flags {
        let summary_lines = c.wrap(&flag.summary, body_w, summary);
        // A diary flag's `raised_between` says where it came from ("raised from the diary on D").
        let when = if flag.from_diary {
            ""
        } else {
            "between tests "
        };
        let meta_text = format!(
            "{} · rule {} · {when}{}",
            flag.kind, flag.rule, flag.raised_between
        );
        let meta_lines = c.wrap(&meta_text, body_w, meta);
        let note_lines = match flag.note.trim() {
            "" => Vec::new(),
            text => c.wrap(&format!("Note: {text}"), body_w, note),
        };
        let height = summary_lines.len() as f32 * summary.leading()
            + meta_lines.len() as f32 * meta.leading()
            + note_lines.len() as f32 * note.leading()
            + 9.0;
        // A flag is read as one unit: its summary is never split from its note.
        c.ensure(height);
        c.y += 3.0;
        let (status, tint) = if flag.acknowledged {
            ("acknowledged", MUTED)
        } else {
            ("open", OPEN_FLAG)
        };
        c.text(
            MARGIN,
            c.y + summary.baseline(),
            style(7.5, BOLD, tint),
            status,
        );
        c.lines_at(body_x, &summary_lines, summary);
        c.lines_at(body_x, &meta_lines, meta);
        c.lines_at(body_x, &note_lines, note);
        c.y += 5.0;
        c.rule(MARGIN, PAGE_W - MARGIN, c.y, 0.4, GRID);
        c.y += 1.0;
    }
    c.y += 6.0;
}

fn symptoms(c: &mut Canvas, data: &SummaryData) {
    let row_h = 27.0;
    let weeks = data
        .symptoms
        .iter()
        .flat_map(|s| s.weekly.iter().map(|w| w.0));
    let range = weeks.fold(None, |acc: Option<(NaiveDate, NaiveDate)>, d| {
        Some(acc.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))))
    });
    // The rows share one time axis and are read against each other, so the block stays on one
    // page when it fits on one.
    let block = 16.0 + 20.0 + data.symptoms.len() as f32 * row_h + 14.0;
    c.section(
        "Symptom diary",
        block.min(CONTENT_BOTTOM - CONTENT_TOP - 60.0),
    );
    let share = if data.days_in_period > 0 {
        format!(
            " ({}%)",
            (f64::from(data.days_logged) * 100.0 / f64::from(data.days_in_period)).round()
        )
    } else {
        String::new()
    };
    let logged = format!(
        "Days logged: {} of {} in the period{share}.",
        data.days_logged,
        plural(data.days_in_period as usize, "day", "days")
    );
    c.paragraph(MARGIN, CONTENT_W, &logged, style(9.0, REGULAR, INK));
    let Some((first, last)) = range else {
        c.note("No symptom was logged in this period.");
        return;
    };
    c.y += 4.0;
    severity_legend(c);
    let strip = SymptomStrip {
        first,
        // The last week is drawn a full week wide, so the range ends a week after it starts.
        end: last + chrono::Duration::days(7),
        x: MARGIN + 120.0,
        width: CONTENT_W - 120.0 - 112.0,
    };
    let mut rows_on_page = 0;
    for symptom in &data.symptoms {
        if c.y + row_h > CONTENT_BOTTOM - 14.0 {
            if rows_on_page > 0 {
                strip.axis(c);
            }
            c.new_page();
            rows_on_page = 0;
        }
        strip.row(c, symptom, row_h);
        rows_on_page += 1;
    }
    if rows_on_page > 0 {
        strip.axis(c);
    }
}

/// The program as followed (issue 17): one line per supplement, then the diet.
fn program_followed(c: &mut Canvas, data: &SummaryData) {
    if data.adherence.is_empty() {
        return;
    }
    c.section(
        "Program followed",
        14.0 + 14.0 * data.adherence.len().min(6) as f32,
    );
    for item in &data.adherence {
        c.ensure(14.0);
        let line = format!("{}: {}.", item.label, item.line());
        c.paragraph(MARGIN, CONTENT_W, &line, style(9.0, REGULAR, INK));
        c.y += 2.0;
    }
    c.note(super::summary::ADHERENCE_MEANING);
}

fn severity_legend(c: &mut Canvas) {
    c.ensure(14.0);
    let y = c.y + 5.0;
    let label = style(7.5, REGULAR, MUTED);
    let mut x = MARGIN;
    // The page's words (`SEVERITY_LEGEND`), each band beside the colour that draws it.
    x += c.text(x, y + 2.6, label, SEVERITY_LEGEND_HEAD) + 8.0;
    for (tint, text) in [SEVERITY_LOW, SEVERITY_MID, SEVERITY_HIGH]
        .into_iter()
        .zip(SEVERITY_BANDS)
    {
        c.fill_rect(x, y - 3.5, 5.0, 8.0, tint);
        x += 8.0;
        x += c.text(x, y + 2.6, label, text) + 10.0;
    }
    c.text(x, y + 2.6, label, SEVERITY_NOT_LOGGED);
    c.y += 12.0;
    c.note(PEAK_MEANING);
    c.y += 2.0;
}

struct SymptomStrip {
    first: NaiveDate,
    end: NaiveDate,
    x: f32,
    width: f32,
}

impl SymptomStrip {
    fn x_of(&self, date: NaiveDate) -> f32 {
        self.x
            + self.width
                * TimeAxis {
                    start: self.first,
                    end: self.end,
                }
                .fraction(date) as f32
    }

    fn row(&self, c: &mut Canvas, symptom: &SymptomSummary, height: f32) {
        let label = style(8.5, BOLD, INK);
        let mut lines = c.wrap(&symptom.label, 112.0, label);
        lines.truncate(2);
        let top = c.y;
        c.y += 4.0;
        c.lines_at(MARGIN, &lines, label);
        c.y = top;

        let base = top + height - 5.0;
        let full = height - 9.0;
        let day_w = self.width / (self.end - self.first).num_days().max(1) as f32;
        c.stroke_line(
            &[(self.x, base - full), (self.x + self.width, base - full)],
            0.3,
            GRID,
        );
        for (week, value) in &symptom.weekly {
            let Some(value) = value.filter(|v| v.is_finite()) else {
                continue;
            };
            let tint = match severity_band(value) {
                2 => SEVERITY_HIGH,
                1 => SEVERITY_MID,
                _ => SEVERITY_LOW,
            };
            // A week logged at severity 0 still gets a sliver, to read apart from "no entry".
            let h = (value.clamp(0.0, 10.0) as f32 / 10.0 * full).max(0.8);
            let w = (day_w * 7.0 * 0.78).max(0.5);
            c.fill_rect(self.x_of(*week), base - h, w, h, tint);
        }
        c.stroke_line(&[(self.x, base), (self.x + self.width, base)], 0.5, RULE);

        let values: Vec<f64> = symptom
            .weekly
            .iter()
            .filter_map(|w| w.1.filter(|v| v.is_finite()))
            .collect();
        let stats_x = self.x + self.width + 10.0;
        // "peak" is the highest severity logged on a day (`PEAK_MEANING`); averages are
        // named as the weekly averages they are.
        let felt = plural(symptom.days_present as usize, "day", "days");
        let present = match symptom.peak {
            Some(peak) => format!("peak {peak} · felt {felt}"),
            None => format!("felt {felt}"),
        };
        c.text(stats_x, top + 11.0, style(7.5, BOLD, INK), &present);
        let detail = if values.is_empty() {
            "no weekly average".to_string()
        } else {
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            format!("weekly averages: mean {mean:.1}")
        };
        c.text(stats_x, top + 20.5, style(7.0, REGULAR, MUTED), &detail);
        c.y += height;
    }

    fn axis(&self, c: &mut Canvas) {
        let label = style(6.5, REGULAR, MUTED);
        for (date, text) in month_ticks(c, self.first, self.end, self.width, label) {
            let x = self.x_of(date);
            c.stroke_line(&[(x, c.y - 4.0), (x, c.y - 1.0)], 0.5, RULE);
            c.text_center(x, c.y + 6.0, label, &text);
        }
        c.y += 12.0;
    }
}

// ---------------------------------------------------------------------------------------------
// Charts

/// Month labels for a time axis `width` points wide: the finest step, from one month to five
/// years, whose labels do not run into each other at this width.
fn month_ticks(
    c: &Canvas,
    start: NaiveDate,
    end: NaiveDate,
    width: f32,
    label: Style,
) -> Vec<(NaiveDate, String)> {
    let months = ((end - start).num_days() as f32 / 30.44).max(1.0);
    let label_w = c.regular.width("Sep 2026", label.size) + 8.0;
    let step = [1u32, 2, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|step| width * *step as f32 / months >= label_w)
        .unwrap_or(120);
    let mut ticks = Vec::new();
    let Some(mut date) = NaiveDate::from_ymd_opt(start.year(), start.month(), 1) else {
        return ticks;
    };
    while date <= end {
        let on_step = if step >= 12 {
            date.month() == 1 && date.year().rem_euclid((step / 12) as i32) == 0
        } else {
            date.month0() % step == 0
        };
        if date >= start && on_step {
            let text = if step >= 12 {
                date.format("%Y").to_string()
            } else if date.month() == 1 || ticks.is_empty() {
                date.format("%b %Y").to_string()
            } else {
                date.format("%b").to_string()
            };
            ticks.push((date, text));
        }
        match date.checked_add_months(chrono::Months::new(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    ticks
}

impl Canvas {
    /// One series as a line chart in the box at (`x`, `top`), on the shared axis.
    #[allow(clippy::too_many_arguments)]
    fn chart(
        &mut self,
        x: f32,
        top: f32,
        width: f32,
        height: f32,
        series: &Series,
        axis: &TimeAxis,
        markers: &[Marker],
    ) {
        let mut points: Vec<(NaiveDate, f64)> = series
            .points
            .iter()
            .filter(|p| p.value.is_finite())
            .map(|p| (p.date, p.value))
            .collect();
        points.sort_by_key(|p| p.0);
        let mut values: Vec<f64> = points.iter().map(|p| p.1).collect();
        let ideal = series.ideal.filter(|i| i.is_finite());
        if let Some(ideal) = ideal {
            values.push(ideal * (1.0 + BAND));
            values.push(ideal * (1.0 - BAND));
        }
        let scale = Scale::for_values(&values);

        let unit = if series.unit.is_empty() || series.title.contains(&series.unit) {
            String::new()
        } else {
            format!(" ({})", series.unit)
        };
        let title = style(8.5, BOLD, INK);
        let title_lines = self.wrap(&format!("{}{unit}", series.title), width * 0.5, title);
        if let Some(line) = title_lines.first() {
            self.text(x, top + 9.0, title, line);
        }
        // The ideal is named in the chart's head, where no point of the series can cover it.
        let meta = style(6.5, REGULAR, MUTED);
        let mut meta_right = x + width;
        if let Some(ideal) = ideal {
            let text = format!("ideal {}", format_threshold(ideal));
            meta_right -= self.text_right(meta_right, top + 9.0, style(6.5, BOLD, IDEAL), &text);
        }
        let mut latest = match points.last() {
            // A measured value or ratio, as the tables show it (never 2.2222222222222223).
            Some((date, value)) => format!("latest {} on {date}", format_value(*value)),
            None => "not measured in this period".into(),
        };
        if scale.log {
            latest.push_str(" · log scale");
        }
        if ideal.is_some() {
            latest.push_str(" · ");
        }
        self.text_right(meta_right, top + 9.0, meta, &latest);

        let (left, right) = (x + 30.0, x + width - 3.0);
        let (plot_top, plot_bottom) = (top + 17.0, top + height - 14.0);
        let y_of =
            |value: f64| plot_bottom - (plot_bottom - plot_top) * scale.fraction(value) as f32;
        let x_of = |date: NaiveDate| left + (right - left) * axis.fraction(date) as f32;

        if let Some(ideal) = ideal {
            let (hi, lo) = (y_of(ideal * (1.0 + BAND)), y_of(ideal * (1.0 - BAND)));
            self.fill_rect(left, hi, right - left, (lo - hi).max(0.5), IDEAL_BAND);
        }
        for tick in scale.ticks() {
            let y = y_of(tick);
            self.stroke_line(&[(left, y), (right, y)], 0.4, GRID);
            self.text_right(left - 3.0, y + 2.3, meta, &format_threshold(tick));
        }
        for (date, text) in month_ticks(self, axis.start, axis.end, right - left, meta) {
            let tx = x_of(date);
            self.stroke_line(&[(tx, plot_top), (tx, plot_bottom)], 0.4, GRID);
            self.text_center(tx, plot_bottom + 9.0, meta, &text);
        }
        self.stroke_rect(
            left,
            plot_top,
            right - left,
            plot_bottom - plot_top,
            0.5,
            RULE,
        );
        if let Some(ideal) = ideal {
            let y = y_of(ideal);
            self.stroke_line(&[(left, y), (right, y)], 0.9, IDEAL);
        }
        for (i, marker) in markers.iter().enumerate() {
            if marker.date < axis.start || marker.date > axis.end {
                continue;
            }
            let mx = x_of(marker.date);
            self.dashed_line(mx, plot_top, mx, plot_bottom, 0.8, MARKER);
            let number = (i + 1).to_string();
            self.text(mx + 1.5, plot_top + 6.5, style(6.0, BOLD, MARKER), &number);
        }
        let path: Vec<(f32, f32)> = points.iter().map(|(d, v)| (x_of(*d), y_of(*v))).collect();
        if path.len() > 1 {
            self.stroke_line(&path, 1.2, SERIES);
        }
        for (px, py) in &path {
            self.dot(*px, *py, 1.9, SERIES);
        }
        if points.is_empty() {
            let middle = (plot_top + plot_bottom) / 2.0;
            let muted = style(7.5, REGULAR, MUTED);
            self.text_center((left + right) / 2.0, middle, muted, "no value");
        }
    }
}

#[cfg(test)]
mod structure;
#[cfg(test)]
mod tests;
