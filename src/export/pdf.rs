//! The progress summary as a PDF, drawn by the server itself with printpdf's page operations: no
//! browser, no layout engine, no external service. The content follows the printable page:
//! header, comment, program versions, the table of tests, the trend charts as vector graphics
//! on the shared time axis, the flags, the symptom diary, and the disclaimer in every footer.
//!
//! Text is set in DejaVu Sans, embedded from a subset committed under `static/fonts/` (Latin,
//! Greek, Cyrillic, punctuation, arrows, ≤ and ≥): the flags' summaries carry "→" and "≤", which
//! the PDF built-in fonts cannot show. Without printpdf's `text_layout` feature nothing is
//! subset at save time, which is why the committed file is a subset already (static/fonts/
//! README.md says how it was made); a character outside it prints as "?".

use chrono::{Datelike, NaiveDate};
use printpdf::{
    Color, DateTime, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Polygon,
    PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

use super::summary::{FlagSummary, ProgramSummary, SummaryData, SymptomSummary, DISCLAIMER};
use crate::charts::{Marker, Scale, Series, TimeAxis, BAND};
use crate::domain::numbers::format_threshold;

const REGULAR_TTF: &[u8] = include_bytes!("../../static/fonts/DejaVuSans-subset.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../static/fonts/DejaVuSans-Bold-subset.ttf");

// A4 portrait, in points. y grows downwards in this module and is flipped only where an
// operation is emitted, so the layout reads top to bottom like the page.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 42.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const CONTENT_TOP: f32 = 44.0;
/// Everything below this belongs to the footer.
const CONTENT_BOTTOM: f32 = PAGE_H - 74.0;
/// Line height, as a multiple of the font size.
const LEADING: f32 = 1.32;
const TABLE_HEAD_SIZE: f32 = 7.5;
const TABLE_HEAD_H: f32 = TABLE_HEAD_SIZE * LEADING + 6.0;

type Tint = (f32, f32, f32);
const INK: Tint = (0.11, 0.14, 0.18);
const MUTED: Tint = (0.40, 0.43, 0.48);
const ACCENT: Tint = (0.04, 0.36, 0.43);
const RULE: Tint = (0.78, 0.80, 0.83);
const GRID: Tint = (0.90, 0.91, 0.92);
const STRIPE: Tint = (0.955, 0.96, 0.965);
const HEAD_FILL: Tint = (0.90, 0.93, 0.94);
const SERIES: Tint = (0.13, 0.33, 0.62);
const IDEAL: Tint = (0.16, 0.52, 0.31);
const IDEAL_BAND: Tint = (0.86, 0.94, 0.88);
const MARKER: Tint = (0.84, 0.45, 0.10);
const OPEN_FLAG: Tint = (0.70, 0.16, 0.13);
const SEVERITY_LOW: Tint = (0.55, 0.74, 0.80);
const SEVERITY_MID: Tint = (0.93, 0.66, 0.25);
const SEVERITY_HIGH: Tint = (0.80, 0.25, 0.20);

/// Renders the summary as an A4 PDF. Errors are the PDF library's (a font it cannot read, a
/// document it could not write), as text for the caller to log and answer with.
pub fn render_summary_pdf(data: &SummaryData) -> Result<Vec<u8>, String> {
    let mut doc = PdfDocument::new(&format!("Progress summary — {}", data.client_name));
    let regular = Face::load(&mut doc, REGULAR_TTF, "HTMADR+DejaVuSans")?;
    let bold = Face::load(&mut doc, BOLD_TTF, "HTMADB+DejaVuSans-Bold")?;
    let mut canvas = Canvas::new(regular, bold, data);

    header(&mut canvas, data);
    comment(&mut canvas, data);
    program(&mut canvas, &data.program);
    tests_table(&mut canvas, data);
    trends(&mut canvas, data);
    flags(&mut canvas, &data.flags);
    symptoms(&mut canvas, data);

    let pages = canvas.finish(data);
    let info = &mut doc.metadata.info;
    info.author = data.practitioner_name.clone();
    info.subject = "Progress summary (hair tissue mineral analysis)".into();
    info.creator = "htma-tracker".into();
    info.producer = "htma-tracker (printpdf)".into();
    // The summary's own creation time, not the download's: the same summary, the same dates.
    if let Ok(created) = DateTime::from_unix_timestamp(data.created_at.and_utc().timestamp()) {
        info.creation_date = created;
        info.modification_date = created;
        info.metadata_date = created;
    }
    let mut warnings = Vec::new();
    let bytes = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    // printpdf reports what it could not write as warnings and still returns bytes; an
    // error-level one means a broken document, which must not reach a client.
    let errors: Vec<String> = warnings
        .into_iter()
        .filter(|w| w.severity == PdfParseErrorSeverity::Error)
        .map(|w| w.msg)
        .collect();
    if !errors.is_empty() {
        return Err(format!("cannot write the PDF: {}", errors.join("; ")));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err("cannot write the PDF: the library produced no document".into());
    }
    Ok(bytes)
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

fn tests_table(c: &mut Canvas, data: &SummaryData) {
    c.section("Hair tests", 60.0);
    if data.tests.is_empty() {
        c.note("No hair test in this period.");
        return;
    }
    // Fixed columns first; the mineral and ratio columns share what is left, and whatever they
    // do not need goes to the patterns, the one column whose text runs long.
    let n = data.test_columns.len();
    let (date_w, lab_w, ox_w, patterns_min) = (50.0, 70.0, 64.0, 74.0);
    let value_w = if n == 0 {
        0.0
    } else {
        ((CONTENT_W - date_w - lab_w - ox_w - patterns_min) / n as f32).min(31.0)
    };
    let patterns_w = CONTENT_W - date_w - lab_w - ox_w - value_w * n as f32;
    let mut columns = vec![Column::left("Date", date_w), Column::left("Lab", lab_w)];
    columns.extend(data.test_columns.iter().map(|h| Column::right(h, value_w)));
    columns.push(Column::left("Oxidation", ox_w));
    columns.push(Column::left("Patterns", patterns_w));

    let cell = style(7.5, REGULAR, INK);
    let rows: Vec<(Vec<Vec<String>>, f32)> = data
        .tests
        .iter()
        .map(|test| {
            let lab = match (test.lab.trim(), test.washed) {
                ("", true) => "— (washed)".to_string(),
                ("", false) => "—".to_string(),
                (lab, true) => format!("{lab} (washed)"),
                (lab, false) => lab.to_string(),
            };
            let mut cells = vec![test.sample_date.to_string(), lab];
            cells.extend((0..n).map(|i| test.values.get(i).cloned().unwrap_or_default()));
            cells.push(test.oxidation.clone());
            cells.push(if test.patterns.is_empty() {
                "—".to_string()
            } else {
                test.patterns.join(", ")
            });
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&columns)
                .map(|(text, col)| c.wrap(text, col.width - 6.0, cell))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (wrapped, lines as f32 * cell.leading() + 5.0)
        })
        .collect();
    for (row_index, (wrapped, height)) in rows.iter().enumerate() {
        let height = *height;
        // The last row never goes over to a page of its own: it takes the one before along.
        let widow = match rows.get(row_index + 1) {
            Some((_, next)) if row_index + 2 == rows.len() => *next,
            _ => 0.0,
        };
        let head = if row_index == 0 { TABLE_HEAD_H } else { 0.0 };
        if c.ensure(head + height + widow) || row_index == 0 {
            c.table_head(&columns);
        }
        if row_index % 2 == 1 {
            c.fill_rect(MARGIN, c.y, CONTENT_W, height, STRIPE);
        }
        let mut x = MARGIN;
        for (col, lines) in columns.iter().zip(wrapped) {
            for (i, line) in lines.iter().enumerate() {
                let baseline = c.y + 2.5 + cell.baseline() + i as f32 * cell.leading();
                if col.right {
                    c.text_right(x + col.width - 3.0, baseline, cell, line);
                } else {
                    c.text(x + 3.0, baseline, cell, line);
                }
            }
            x += col.width;
        }
        c.y += height;
    }
    c.rule(MARGIN, PAGE_W - MARGIN, c.y, 0.6, RULE);
    c.y += 8.0;
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
        let meta_text = format!(
            "{} · rule {} · between tests {}",
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
        width: CONTENT_W - 120.0 - 92.0,
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

fn severity_legend(c: &mut Canvas) {
    c.ensure(14.0);
    let y = c.y + 5.0;
    let label = style(7.5, REGULAR, MUTED);
    let mut x = MARGIN;
    x += c.text(x, y + 2.6, label, "Weekly average severity (0–10):") + 8.0;
    for (tint, text) in [
        (SEVERITY_LOW, "below 4"),
        (SEVERITY_MID, "4 to below 7"),
        (SEVERITY_HIGH, "7 and above"),
    ] {
        c.fill_rect(x, y - 3.5, 5.0, 8.0, tint);
        x += 8.0;
        x += c.text(x, y + 2.6, label, text) + 10.0;
    }
    c.text(x, y + 2.6, label, "· no bar: no entry that week");
    c.y += 16.0;
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
            let tint = match value {
                v if v >= 7.0 => SEVERITY_HIGH,
                v if v >= 4.0 => SEVERITY_MID,
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
        let present = format!(
            "present {}",
            plural(symptom.days_present as usize, "day", "days")
        );
        c.text(stats_x, top + 11.0, style(8.0, BOLD, INK), &present);
        let detail = if values.is_empty() {
            "no weekly entry".to_string()
        } else {
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let peak = values.iter().copied().fold(f64::MIN, f64::max);
            format!("mean {mean:.1} · peak {peak:.1}")
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
            Some((date, value)) => format!("latest {} on {date}", format_threshold(*value)),
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

// ---------------------------------------------------------------------------------------------
// Drawing

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}
const REGULAR: Weight = Weight::Regular;
const BOLD: Weight = Weight::Bold;

#[derive(Clone, Copy)]
struct Style {
    size: f32,
    weight: Weight,
    tint: Tint,
}

fn style(size: f32, weight: Weight, tint: Tint) -> Style {
    Style { size, weight, tint }
}

impl Style {
    fn leading(&self) -> f32 {
        self.size * LEADING
    }

    /// From the top of a line to its baseline.
    fn baseline(&self) -> f32 {
        self.size * 0.86
    }
}

struct Column {
    title: String,
    width: f32,
    right: bool,
}

impl Column {
    fn left(title: &str, width: f32) -> Column {
        Column {
            title: title.into(),
            width,
            right: false,
        }
    }

    fn right(title: &str, width: f32) -> Column {
        Column {
            title: title.into(),
            width,
            right: true,
        }
    }
}

/// An embedded font and what layout needs of it: which characters it has and how wide they are.
struct Face {
    id: FontId,
    font: ParsedFont,
    units_per_em: f32,
}

impl Face {
    /// `name` is the PostScript name with a subset tag: printpdf embeds the file as it is and
    /// would otherwise name the font after its random resource id.
    fn load(doc: &mut PdfDocument, bytes: &[u8], name: &str) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let mut font = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("cannot read the embedded font {name}"))?;
        font.font_name = Some(name.to_string());
        let id = doc.add_font(&font);
        let units_per_em = f32::from(font.units_per_em.max(1));
        Ok(Face {
            id,
            font,
            units_per_em,
        })
    }

    fn glyph(&self, ch: char) -> Option<u16> {
        self.font
            .lookup_glyph_index(u32::from(ch))
            .filter(|gid| *gid != 0)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .filter_map(|ch| self.glyph(ch))
            .filter_map(|gid| self.font.get_glyph_width(gid))
            .map(f32::from)
            .sum();
        units * size / self.units_per_em
    }

    /// The text as this font can show it: a character it lacks would print as an empty box
    /// and extract as nothing, so it becomes "?"; a control character becomes a space.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|ch| match ch {
                c if c.is_control() || c.is_whitespace() => ' ',
                c if self.glyph(c).is_some() => c,
                _ => '?',
            })
            .collect()
    }
}

fn color(tint: Tint) -> Color {
    Color::Rgb(Rgb::new(tint.0, tint.1, tint.2, None))
}

/// A point given from the top-left corner, as PDF wants it: from the bottom-left.
fn at(x: f32, y: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(PAGE_H - y),
    }
}

fn corner(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: at(x, y),
        bezier: false,
    }
}

fn handle(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: at(x, y),
        bezier: true,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The pages being laid out: a cursor `y` that moves down the current page, and a new page
/// whenever the next block would run into the footer.
struct Canvas {
    regular: Face,
    bold: Face,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
    running_head: String,
}

impl Canvas {
    fn new(regular: Face, bold: Face, data: &SummaryData) -> Canvas {
        Canvas {
            regular,
            bold,
            pages: Vec::new(),
            ops: Vec::new(),
            y: CONTENT_TOP,
            running_head: format!(
                "Progress summary · {} · {} – {}",
                data.client_name, data.period_start, data.period_end
            ),
        }
    }

    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = CONTENT_TOP;
        let head = self.running_head.clone();
        self.text(MARGIN, self.y + 6.0, style(7.5, REGULAR, MUTED), &head);
        self.rule(MARGIN, PAGE_W - MARGIN, self.y + 10.0, 0.5, RULE);
        self.y += 20.0;
    }

    /// Starts a new page unless `height` more points fit on this one; true if it did. A page
    /// that has hardly begun is kept: the block would not fit on a fresh one either.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > CONTENT_BOTTOM && self.y > CONTENT_TOP + 30.0 {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// A section title, kept with at least `keep` points of what follows it.
    fn section(&mut self, title: &str, keep: f32) {
        self.ensure(29.0 + keep);
        self.y += 8.0;
        self.text(MARGIN, self.y + 11.0, style(12.0, BOLD, ACCENT), title);
        self.y += 15.0;
        self.rule(MARGIN, PAGE_W - MARGIN, self.y, 0.5, RULE);
        self.y += 6.0;
    }

    fn note(&mut self, text: &str) {
        self.paragraph(MARGIN, CONTENT_W, text, style(8.0, REGULAR, MUTED));
        self.y += 2.0;
    }

    /// Draws one line of text from (`x`, `baseline`) and returns its width.
    fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) -> f32 {
        let face = match style.weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        };
        let shown = face.printable(text);
        let width = face.width(&shown, style.size);
        if shown.trim().is_empty() {
            return width;
        }
        // One text object per run: each BT starts from the identity matrix, so the cursor move
        // is an absolute position and no run depends on where the previous one ended.
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: color(style.tint),
            },
            Op::SetFont {
                font: PdfFontHandle::External(face.id.clone()),
                size: Pt(style.size),
            },
            Op::SetTextCursor {
                pos: at(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(shown)],
            },
            Op::EndTextSection,
        ]);
        width
    }

    fn text_right(&mut self, right: f32, baseline: f32, style: Style, text: &str) -> f32 {
        let face = self.face(style.weight);
        let width = face.width(&face.printable(text), style.size);
        self.text(right - width, baseline, style, text)
    }

    fn text_center(&mut self, center: f32, baseline: f32, style: Style, text: &str) -> f32 {
        let face = self.face(style.weight);
        let width = face.width(&face.printable(text), style.size);
        self.text(center - width / 2.0, baseline, style, text)
    }

    /// Greedy line breaking at spaces, keeping the author's line breaks; a word wider than the
    /// line is cut wherever it must be. Widths add up (no kerning is applied), so each word and
    /// each cut character is measured once and a pasted wall of text stays linear.
    fn wrap(&self, text: &str, width: f32, style: Style) -> Vec<String> {
        let face = self.face(style.weight);
        let measure = |s: &str| face.width(&face.printable(s), style.size);
        let space = measure(" ");
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split_whitespace() {
                let word_w = measure(word);
                if !line.is_empty() && line_w + space + word_w <= width {
                    line.push(' ');
                    line.push_str(word);
                    line_w += space + word_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if word_w <= width {
                    line.push_str(word);
                    line_w = word_w;
                    continue;
                }
                line_w = 0.0;
                for ch in word.chars() {
                    let ch_w = measure(ch.encode_utf8(&mut [0; 4]));
                    if !line.is_empty() && line_w + ch_w > width {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(ch);
                    line_w += ch_w;
                }
            }
            lines.push(line);
        }
        while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        lines
    }

    /// Wrapped text from the cursor down, breaking the page between lines where it must.
    fn paragraph(&mut self, x: f32, width: f32, text: &str, style: Style) {
        let lines = self.wrap(text, width, style);
        self.lines_at(x, &lines, style);
    }

    fn lines_at(&mut self, x: f32, lines: &[String], style: Style) {
        for line in lines {
            self.ensure(style.leading());
            self.text(x, self.y + style.baseline(), style, line);
            self.y += style.leading();
        }
    }

    /// Wrapped text in a box that leaves the cursor where it is (for side-by-side cells).
    fn block_at(&mut self, x: f32, top: f32, width: f32, text: &str, style: Style) {
        let lines = self.wrap(text, width, style);
        for (i, line) in lines.iter().enumerate() {
            let baseline = top + style.baseline() + i as f32 * style.leading();
            self.text(x, baseline, style, line);
        }
    }

    fn table_head(&mut self, columns: &[Column]) {
        let head = style(TABLE_HEAD_SIZE, BOLD, INK);
        self.fill_rect(MARGIN, self.y, CONTENT_W, TABLE_HEAD_H, HEAD_FILL);
        let mut x = MARGIN;
        let baseline = self.y + 3.0 + head.baseline();
        for col in columns {
            if col.right {
                self.text_right(x + col.width - 3.0, baseline, head, &col.title);
            } else {
                self.text(x + 3.0, baseline, head, &col.title);
            }
            x += col.width;
        }
        self.y += TABLE_HEAD_H;
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, tint: Tint) {
        self.stroke_line(&[(x1, y), (x2, y)], thickness, tint);
    }

    fn stroke_line(&mut self, points: &[(f32, f32)], thickness: f32, tint: Tint) {
        if points.len() < 2 {
            return;
        }
        self.ops.extend([
            Op::SetOutlineColor { col: color(tint) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: points.iter().map(|(x, y)| corner(*x, *y)).collect(),
                    is_closed: false,
                },
            },
        ]);
    }

    fn dashed_line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, tint: Tint) {
        // In its own graphics state, so the dash cannot leak into the lines drawn after it.
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, &[2.5, 2.0]),
            },
        ]);
        self.stroke_line(&[(x1, y1), (x2, y2)], thickness, tint);
        self.ops.push(Op::RestoreGraphicsState);
    }

    fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, tint: Tint) {
        self.ops.push(Op::SetFillColor { col: color(tint) });
        self.paint_rect(x, y, width, height, PaintMode::Fill);
    }

    fn stroke_rect(&mut self, x: f32, y: f32, width: f32, height: f32, thickness: f32, tint: Tint) {
        self.ops.extend([
            Op::SetOutlineColor { col: color(tint) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
        ]);
        self.paint_rect(x, y, width, height, PaintMode::Stroke);
    }

    fn paint_rect(&mut self, x: f32, y: f32, width: f32, height: f32, mode: PaintMode) {
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - y - height),
                width: Pt(width),
                height: Pt(height),
                mode: Some(mode),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// A filled circle from four Bézier arcs.
    fn dot(&mut self, cx: f32, cy: f32, r: f32, tint: Tint) {
        // The control-point distance that makes a quarter Bézier arc closest to a circle.
        let k = 0.552_284_8 * r;
        let points = vec![
            corner(cx + r, cy),
            handle(cx + r, cy + k),
            handle(cx + k, cy + r),
            corner(cx, cy + r),
            handle(cx - k, cy + r),
            handle(cx - r, cy + k),
            corner(cx - r, cy),
            handle(cx - r, cy - k),
            handle(cx - k, cy - r),
            corner(cx, cy - r),
            handle(cx + k, cy - r),
            handle(cx + r, cy - k),
            corner(cx + r, cy),
        ];
        self.ops.extend([
            Op::SetFillColor { col: color(tint) },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing { points }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    /// Closes the last page and adds the footers, which need the page count.
    fn finish(mut self, data: &SummaryData) -> Vec<PdfPage> {
        self.pages.push(std::mem::take(&mut self.ops));
        let count = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let disclaimer = style(7.0, REGULAR, MUTED);
        let disclaimer_lines = self.wrap(DISCLAIMER, CONTENT_W, disclaimer);
        let stamp = format!(
            "{} · {}",
            data.client_name,
            data.created_at.format("%Y-%m-%d")
        );
        pages
            .into_iter()
            .enumerate()
            .map(|(index, ops)| {
                self.ops = ops;
                let mut y = CONTENT_BOTTOM + 14.0;
                self.rule(MARGIN, PAGE_W - MARGIN, y, 0.5, RULE);
                y += 4.0;
                for line in &disclaimer_lines {
                    self.text(MARGIN, y + disclaimer.baseline(), disclaimer, line);
                    y += disclaimer.leading();
                }
                y += 3.0;
                self.text(MARGIN, y + 6.5, disclaimer, &stamp);
                let number = format!("Page {} of {count}", index + 1);
                self.text_right(PAGE_W - MARGIN, y + 6.5, style(7.5, BOLD, INK), &number);
                let ops = std::mem::take(&mut self.ops);
                PdfPage::new(Mm::from(Pt(PAGE_W)), Mm::from(Pt(PAGE_H)), ops)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::Instant;

    use chrono::{Duration, NaiveDate};

    use super::*;
    use crate::charts::Point as ChartPoint;
    use crate::export::summary::TestSummary;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A client followed for three years: a test every quarter, three program versions, twenty
    /// flags and nine symptoms logged over 156 weeks.
    fn three_years() -> SummaryData {
        let start = date(2023, 1, 9);
        let end = date(2025, 12, 31);
        let test_dates: Vec<NaiveDate> = (0..12)
            .map(|i| start + Duration::days(7 + i * 91))
            .collect();
        let oxidation = [
            "slow extreme",
            "slow moderate",
            "slow moderate",
            "slow mild",
            "mixed",
            "slow mild",
            "fast mild",
            "mixed",
            "slow mild",
            "slow mild",
            "fast mild",
            "mixed",
        ];
        // Na, K, Ca, Mg in mg% drifting toward their ideals.
        let level = |i: usize| {
            let t = i as f64 / 11.0;
            (
                8.0 + 14.0 * t,
                3.0 + 6.0 * t,
                165.0 - 120.0 * t + if i == 6 { 60.0 } else { 0.0 },
                14.0 - 6.0 * t,
            )
        };
        let tests = test_dates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (na, k, ca, mg) = level(i);
                let values = vec![
                    format!("{ca:.0}"),
                    if i == 3 {
                        "—".into()
                    } else {
                        format!("{mg:.1}")
                    },
                    format!("{na:.1}"),
                    format!("{k:.1}"),
                    format!("{:.2}", na / k),
                    format!("{:.1}", ca / k),
                    format!("{:.2}", ca / mg),
                    format!("{:.2}", na / mg),
                ];
                let patterns = match i % 4 {
                    0 => vec!["P-CA-SHELL".into(), "P-NAK-INV".into(), "P-SYMP-DOM".into()],
                    1 => vec!["P-NAK-INV".into()],
                    2 => Vec::new(),
                    _ => vec!["P-K-LOW".into(), "P-BIOUNAVAIL-CA".into()],
                };
                TestSummary {
                    sample_date: *d,
                    lab: if i < 6 {
                        "Trace Elements".into()
                    } else {
                        "ARL".into()
                    },
                    values,
                    oxidation: oxidation[i].into(),
                    patterns,
                    washed: i >= 6,
                }
            })
            .collect();
        let series_of =
            |id: &str, title: &str, unit: &str, ideal: f64, f: &dyn Fn(usize) -> f64| Series {
                id: id.into(),
                title: title.into(),
                unit: unit.into(),
                points: test_dates
                    .iter()
                    .enumerate()
                    .map(|(i, d)| ChartPoint {
                        date: *d,
                        value: f(i),
                        href: None,
                    })
                    .collect(),
                ideal: Some(ideal),
            };
        let series = vec![
            series_of("na", "Sodium (Na) mg%", "mg%", 25.0, &|i| level(i).0),
            series_of("k", "Potassium (K) mg%", "mg%", 10.0, &|i| level(i).1),
            series_of("ca", "Calcium (Ca) mg%", "mg%", 40.0, &|i| level(i).2),
            series_of("mg", "Magnesium (Mg) mg%", "mg%", 6.0, &|i| level(i).3),
            series_of("nak", "Na/K ratio", "", 2.5, &|i| level(i).0 / level(i).1),
            series_of("cak", "Ca/K ratio", "", 4.0, &|i| level(i).2 / level(i).1),
            series_of("camg", "Ca/Mg ratio", "", 6.67, &|i| {
                level(i).2 / level(i).3
            }),
            series_of("namg", "Na/Mg ratio", "", 4.17, &|i| {
                level(i).0 / level(i).3
            }),
        ];
        let program = vec![
            ProgramSummary {
                starts_on: start,
                diet: "Cooked vegetables three times a day, animal protein twice daily, no sugar, \
                       no fruit juice; 6–8 glasses of spring water."
                    .into(),
                lifestyle: "In bed by 9:30 pm, a daily rest after lunch, near-infrared sauna \
                            three times a week."
                    .into(),
                supplements: vec![
                    "Magnesium glycinate — 200 mg — twice daily".into(),
                    "Kelp — 1 tablet — daily".into(),
                    "Vitamin D3 — 2000 IU — daily".into(),
                ],
            },
            ProgramSummary {
                starts_on: date(2023, 10, 2),
                diet: "As before; blue corn chips allowed; no raw salads.".into(),
                lifestyle: "Sauna daily.".into(),
                supplements: vec!["Magnesium glycinate — 300 mg — twice daily".into()],
            },
            ProgramSummary {
                starts_on: date(2025, 1, 6),
                diet: "As before.".into(),
                lifestyle: String::new(),
                supplements: Vec::new(),
            },
        ];
        let markers = program
            .iter()
            .map(|p| Marker {
                date: p.starts_on,
                label: "program version".into(),
            })
            .collect();
        let flags = (0..20)
            .map(|i| {
                let (from, to) = (test_dates[i % 11], test_dates[i % 11 + 1]);
                let (kind, summary) = match i % 4 {
                    0 => (
                        "oxidation type changed",
                        format!("slow → mixed, Ca/K 18.3 → 9.{i}, Na/Mg 0.57 → 1.2"),
                    ),
                    1 => (
                        "pattern appeared",
                        format!("P-NAK-INV appeared: 1 ≤ Na/K 2.{i} < 2.5"),
                    ),
                    2 => (
                        "pattern resolved",
                        "P-CA-SHELL resolved (was: Ca 165 ≥ 156 and Mg 14 < 15 for a woman)"
                            .to_string(),
                    ),
                    _ => (
                        "oxidation degree changed",
                        format!("slow moderate → slow mild, Ca/K 12.{i} → 7.4, Na/Mg 1 → 1.4"),
                    ),
                };
                FlagSummary {
                    raised_between: format!("{from} → {to}"),
                    kind: kind.into(),
                    rule: if i % 4 == 1 || i % 4 == 2 {
                        "CMP-3"
                    } else {
                        "CMP-2"
                    }
                    .into(),
                    summary,
                    acknowledged: i % 3 != 0,
                    note: if i % 2 == 0 {
                        "Discussed at the follow-up; the shift matches the lower stress the client \
                         reports since the move and the daily sauna."
                            .into()
                    } else {
                        String::new()
                    },
                }
            })
            .collect();
        let labels = [
            "Fatigue",
            "Headache",
            "Anxiety",
            "Sleep quality (poor)",
            "Bloating",
            "Muscle cramps",
            "Brain fog",
            "Cold hands and feet",
            "Sugar cravings",
        ];
        let symptoms = labels
            .iter()
            .enumerate()
            .map(|(s, label)| SymptomSummary {
                label: (*label).into(),
                weekly: (0..156)
                    .map(|w| {
                        let week = start + Duration::weeks(w);
                        let logged = (w * 7 + s as i64 * 3) % 11 != 0;
                        let trend = 8.0 - 6.0 * w as f64 / 155.0;
                        let wobble = ((w as f64 + s as f64) * 0.7).sin() * 1.5;
                        (week, logged.then(|| (trend + wobble).clamp(0.0, 10.0)))
                    })
                    .collect(),
                days_present: 300 - 20 * s as u32,
            })
            .collect();
        SummaryData {
            client_name: "Zoë Kowalczyk".into(),
            reference_code: Some("ZK-0042".into()),
            practitioner_name: "Dr. Ana Müller".into(),
            period_start: start,
            period_end: end,
            created_at: date(2026, 1, 5).and_hms_opt(14, 30, 0).unwrap(),
            comment: "Three years in, the calcium shell has resolved and the Na/K ratio is back \
                      above 2.5. Energy is better and the afternoon slump is mostly gone.\n\
                      Next steps: keep the sauna, retest in spring, and review the magnesium dose."
                .into(),
            reference_set: "Eck/Wilson ideals@2024.1".into(),
            program,
            test_columns: ["Ca", "Mg", "Na", "K", "Na/K", "Ca/K", "Ca/Mg", "Na/Mg"]
                .iter()
                .map(|c| c.to_string())
                .collect(),
            tests,
            series,
            axis: TimeAxis::spanning([start, end]),
            markers,
            flags,
            symptoms,
            days_logged: 812,
            days_in_period: 1088,
        }
    }

    fn empty() -> SummaryData {
        SummaryData {
            client_name: "New Client".into(),
            reference_code: None,
            practitioner_name: "Dr. Ana Müller".into(),
            period_start: date(2025, 6, 1),
            period_end: date(2025, 6, 30),
            created_at: date(2025, 6, 30).and_hms_opt(9, 0, 0).unwrap(),
            comment: String::new(),
            reference_set: "Eck/Wilson ideals@2024.1".into(),
            program: Vec::new(),
            test_columns: ["Ca", "Mg", "Na", "K", "Na/K", "Ca/K", "Ca/Mg", "Na/Mg"]
                .iter()
                .map(|c| c.to_string())
                .collect(),
            tests: Vec::new(),
            series: Vec::new(),
            axis: None,
            markers: Vec::new(),
            flags: Vec::new(),
            symptoms: Vec::new(),
            days_logged: 0,
            days_in_period: 30,
        }
    }

    /// Runs one of poppler's tools. They are what CI installs (poppler-utils) to read the PDF
    /// independently of the library that wrote it, so a missing tool fails the test.
    fn poppler(tool: &str, args: &[&str]) -> String {
        let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
            panic!("cannot run `{tool}` ({e}): install Debian's poppler-utils to run this test")
        });
        assert!(
            output.status.success(),
            "`{tool} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("htma-summary-{}-{name}.pdf", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// HTMA_KEEP_PDF=1 keeps the files, to look at them (`pdftoppm -png -r 60 FILE page`).
    fn clean_up(path: &Path) {
        if std::env::var_os("HTMA_KEEP_PDF").is_none() {
            let _ = std::fs::remove_file(path);
        }
    }

    fn page_count(path: &Path) -> usize {
        let info = poppler("pdfinfo", &[path.to_str().unwrap()]);
        info.lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("pdfinfo reported no page count:\n{info}"))
    }

    /// The text as pdftotext reads it, with line breaks and runs of spaces as single spaces so
    /// a wrapped sentence can be found whole.
    fn extracted_text(path: &Path) -> String {
        let text = poppler("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn three_years_of_data_render_as_a_readable_pdf() {
        let data = three_years();
        let started = Instant::now();
        let bytes = render_summary_pdf(&data).unwrap();
        let elapsed = started.elapsed();
        println!(
            "rendered 3 years ({} tests, {} charts, {} flags, {} symptoms × 156 weeks) in {elapsed:?}: {} bytes",
            data.tests.len(),
            data.series.len(),
            data.flags.len(),
            data.symptoms.len(),
            bytes.len()
        );
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.len() < 400 * 1024, "{} bytes", bytes.len());

        let path = write_temp("three-years", &bytes);
        let pages = page_count(&path);
        let text = extracted_text(&path);
        println!("{pages} pages, written to {}", path.display());
        assert!((2..=10).contains(&pages), "{pages} pages");
        assert!(text.contains("Zoë Kowalczyk"), "client name missing");
        assert!(text.contains("ZK-0042") && text.contains("Dr. Ana Müller"));
        assert!(text.contains("2023-01-16"), "first test date missing");
        assert!(text.contains("2025-10-13"), "last test date missing");
        assert!(
            text.contains("P-NAK-INV appeared: 1 ≤ Na/K 2.5 < 2.5"),
            "flag summary missing"
        );
        assert!(
            text.contains(&squeeze(&data.flags[0].summary)),
            "flag with → missing"
        );
        assert!(
            text.contains("the afternoon slump is mostly gone"),
            "comment missing"
        );
        assert!(text.contains("Magnesium glycinate — 300 mg — twice daily"));
        assert!(text.contains("Sleep quality (poor)") && text.contains("present 300 days"));
        assert!(text.contains("Calcium (Ca) mg%") && text.contains("Na/Mg ratio"));
        // The disclaimer and the page number are in every page's footer.
        let disclaimer = squeeze(DISCLAIMER);
        assert_eq!(
            text.matches(&disclaimer).count(),
            pages,
            "disclaimer per page"
        );
        assert!(text.contains(&format!("Page {pages} of {pages}")));
        // Both faces are embedded and map back to Unicode (what makes the text selectable).
        let fonts = poppler("pdffonts", &[path.to_str().unwrap()]);
        let faces: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(faces.len(), 2, "{fonts}");
        for face in faces {
            let columns: Vec<&str> = face.split_whitespace().collect();
            // The columns end with: embedded, subset, Unicode map, object number, generation.
            assert!(columns.len() > 5, "{fonts}");
            assert_eq!(
                columns[columns.len() - 5..columns.len() - 2],
                ["yes", "yes", "yes"],
                "{fonts}"
            );
        }
        clean_up(&path);
    }

    #[test]
    fn an_empty_summary_renders_one_page() {
        let started = Instant::now();
        let bytes = render_summary_pdf(&empty()).unwrap();
        println!(
            "rendered the empty case in {:?}: {} bytes",
            started.elapsed(),
            bytes.len()
        );
        assert!(bytes.starts_with(b"%PDF-"));
        let path = write_temp("empty", &bytes);
        assert_eq!(page_count(&path), 1);
        let text = extracted_text(&path);
        assert!(text.contains("New Client"));
        assert!(text.contains("No hair test in this period."));
        assert!(text.contains("No symptom was logged in this period."));
        assert!(text.contains(&squeeze(DISCLAIMER)));
        clean_up(&path);
    }

    #[test]
    fn characters_outside_the_font_become_question_marks() {
        let mut data = empty();
        data.client_name = "Ωmega 李 Ünal".into();
        data.comment = "emoji 🙂 and a tab\there".into();
        let bytes = render_summary_pdf(&data).unwrap();
        let path = write_temp("charset", &bytes);
        let text = extracted_text(&path);
        assert!(text.contains("Ωmega ? Ünal"), "{text}");
        assert!(text.contains("emoji ? and a tab here"), "{text}");
        clean_up(&path);
    }

    #[test]
    fn a_wall_of_text_wraps_and_flows_over_pages() {
        let mut data = empty();
        let word = "Calcium".repeat(3000);
        data.comment = format!("{word} {}", "and the sauna helps ".repeat(800));
        let started = Instant::now();
        let bytes = render_summary_pdf(&data).unwrap();
        println!(
            "rendered a 37,000-character comment in {:?}",
            started.elapsed()
        );
        let path = write_temp("wall", &bytes);
        let pages = page_count(&path);
        assert!((3..=20).contains(&pages), "{pages} pages");
        let text = extracted_text(&path);
        assert!(text.contains("and the sauna helps and the sauna helps"));
        assert_eq!(text.matches(&squeeze(DISCLAIMER)).count(), pages);
        clean_up(&path);
    }

    #[test]
    fn one_test_and_a_single_week_do_not_break_the_layout() {
        let mut data = three_years();
        data.tests.truncate(1);
        for series in &mut data.series {
            series.points.truncate(1);
        }
        data.series[1].points.clear();
        data.axis = TimeAxis::spanning([data.tests[0].sample_date]);
        for symptom in &mut data.symptoms {
            symptom.weekly.truncate(1);
        }
        data.flags.clear();
        let bytes = render_summary_pdf(&data).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
