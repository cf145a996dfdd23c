//! The drawing kit of the server-drawn PDFs: an A4 page with margins and a footer, text set in
//! an embedded font (measured, wrapped, replaced by "?" where the font has no glyph), tables,
//! rules, rectangles and lines, and a cursor that starts a new page before a block would run
//! into the footer. It knows nothing about what a document says; `super` (the progress summary)
//! does.

use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

// A4 portrait, in points. y grows downwards in this module and is flipped only where an
// operation is emitted, so the layout reads top to bottom like the page.
pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const MARGIN: f32 = 42.0;
pub(super) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
pub(super) const CONTENT_TOP: f32 = 44.0;
/// Everything below this belongs to the footer.
pub(super) const CONTENT_BOTTOM: f32 = PAGE_H - 74.0;
/// Line height, as a multiple of the font size.
pub(super) const LEADING: f32 = 1.32;
pub(super) const TABLE_HEAD_SIZE: f32 = 7.5;
pub(super) const TABLE_HEAD_H: f32 = TABLE_HEAD_SIZE * LEADING + 6.0;

pub(super) type Tint = (f32, f32, f32);
pub(super) const INK: Tint = (0.11, 0.14, 0.18);
pub(super) const MUTED: Tint = (0.40, 0.43, 0.48);
pub(super) const ACCENT: Tint = (0.04, 0.36, 0.43);
pub(super) const RULE: Tint = (0.78, 0.80, 0.83);
pub(super) const GRID: Tint = (0.90, 0.91, 0.92);
pub(super) const STRIPE: Tint = (0.955, 0.96, 0.965);
pub(super) const HEAD_FILL: Tint = (0.90, 0.93, 0.94);
pub(super) const SERIES: Tint = (0.13, 0.33, 0.62);
pub(super) const IDEAL: Tint = (0.16, 0.52, 0.31);
pub(super) const IDEAL_BAND: Tint = (0.86, 0.94, 0.88);
pub(super) const MARKER: Tint = (0.84, 0.45, 0.10);
pub(super) const OPEN_FLAG: Tint = (0.70, 0.16, 0.13);
/// The weekly severity bands, as on the page (`static/app.css` `.heat-bar.band-N`): each at least
/// 3:1 on white (3.55, 5.43, 10.47) and darker band by band, so they read in greyscale print.
pub(super) const SEVERITY_LOW: Tint = (0.373, 0.561, 0.627);
pub(super) const SEVERITY_MID: Tint = (0.604, 0.357, 0.0);
pub(super) const SEVERITY_HIGH: Tint = (0.478, 0.110, 0.090);

// ---------------------------------------------------------------------------------------------
// Drawing

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Weight {
    Regular,
    Bold,
}
pub(super) const REGULAR: Weight = Weight::Regular;
pub(super) const BOLD: Weight = Weight::Bold;

#[derive(Clone, Copy)]
pub(super) struct Style {
    pub(super) size: f32,
    pub(super) weight: Weight,
    pub(super) tint: Tint,
}

pub(super) fn style(size: f32, weight: Weight, tint: Tint) -> Style {
    Style { size, weight, tint }
}

impl Style {
    pub(super) fn leading(&self) -> f32 {
        self.size * LEADING
    }

    /// From the top of a line to its baseline.
    pub(super) fn baseline(&self) -> f32 {
        self.size * 0.86
    }
}

pub(super) struct Column {
    pub(super) title: String,
    pub(super) width: f32,
    pub(super) right: bool,
}

impl Column {
    pub(super) fn left(title: &str, width: f32) -> Column {
        Column {
            title: title.into(),
            width,
            right: false,
        }
    }

    pub(super) fn right(title: &str, width: f32) -> Column {
        Column {
            title: title.into(),
            width,
            right: true,
        }
    }
}

/// An embedded font and what layout needs of it: which characters it has and how wide they are.
pub(super) struct Face {
    pub(super) id: FontId,
    pub(super) font: ParsedFont,
    pub(super) units_per_em: f32,
}

impl Face {
    /// `name` is the PostScript name with a subset tag: printpdf embeds the file as it is and
    /// would otherwise name the font after its random resource id.
    pub(super) fn load(doc: &mut PdfDocument, bytes: &[u8], name: &str) -> Result<Face, String> {
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

    pub(super) fn glyph(&self, ch: char) -> Option<u16> {
        self.font
            .lookup_glyph_index(u32::from(ch))
            .filter(|gid| *gid != 0)
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
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
    pub(super) fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|ch| match ch {
                c if c.is_control() || c.is_whitespace() => ' ',
                c if self.glyph(c).is_some() => c,
                _ => '?',
            })
            .collect()
    }
}

pub(super) fn color(tint: Tint) -> Color {
    Color::Rgb(Rgb::new(tint.0, tint.1, tint.2, None))
}

/// A point given from the top-left corner, as PDF wants it: from the bottom-left.
pub(super) fn at(x: f32, y: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(PAGE_H - y),
    }
}

pub(super) fn corner(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: at(x, y),
        bezier: false,
    }
}

pub(super) fn handle(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: at(x, y),
        bezier: true,
    }
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The pages being laid out: a cursor `y` that moves down the current page, and a new page
/// whenever the next block would run into the footer.
pub(super) struct Canvas {
    pub(super) regular: Face,
    pub(super) bold: Face,
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) ops: Vec<Op>,
    pub(super) y: f32,
    pub(super) running_head: String,
}

impl Canvas {
    /// `running_head` is repeated at the top of every page after the first.
    pub(super) fn new(regular: Face, bold: Face, running_head: String) -> Canvas {
        Canvas {
            regular,
            bold,
            pages: Vec::new(),
            ops: Vec::new(),
            y: CONTENT_TOP,
            running_head,
        }
    }

    pub(super) fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = CONTENT_TOP;
        let head = self.running_head.clone();
        self.text(MARGIN, self.y + 6.0, style(7.5, REGULAR, MUTED), &head);
        self.rule(MARGIN, PAGE_W - MARGIN, self.y + 10.0, 0.5, RULE);
        self.y += 20.0;
    }

    /// Starts a new page unless `height` more points fit on this one; true if it did. A page
    /// that has hardly begun is kept: the block would not fit on a fresh one either.
    pub(super) fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > CONTENT_BOTTOM && self.y > CONTENT_TOP + 30.0 {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// A section title, kept with at least `keep` points of what follows it.
    pub(super) fn section(&mut self, title: &str, keep: f32) {
        self.ensure(29.0 + keep);
        self.y += 8.0;
        self.text(MARGIN, self.y + 11.0, style(12.0, BOLD, ACCENT), title);
        self.y += 15.0;
        self.rule(MARGIN, PAGE_W - MARGIN, self.y, 0.5, RULE);
        self.y += 6.0;
    }

    pub(super) fn note(&mut self, text: &str) {
        self.paragraph(MARGIN, CONTENT_W, text, style(8.0, REGULAR, MUTED));
        self.y += 2.0;
    }

    /// Draws one line of text from (`x`, `baseline`) and returns its width.
    pub(super) fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) -> f32 {
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

    pub(super) fn text_right(
        &mut self,
        right: f32,
        baseline: f32,
        style: Style,
        text: &str,
    ) -> f32 {
        let face = self.face(style.weight);
        let width = face.width(&face.printable(text), style.size);
        self.text(right - width, baseline, style, text)
    }

    pub(super) fn text_center(
        &mut self,
        center: f32,
        baseline: f32,
        style: Style,
        text: &str,
    ) -> f32 {
        let face = self.face(style.weight);
        let width = face.width(&face.printable(text), style.size);
        self.text(center - width / 2.0, baseline, style, text)
    }

    /// Greedy line breaking at spaces, keeping the author's line breaks; a word wider than the
    /// line is cut wherever it must be. Widths add up (no kerning is applied), so each word and
    /// each cut character is measured once and a pasted wall of text stays linear.
    pub(super) fn wrap(&self, text: &str, width: f32, style: Style) -> Vec<String> {
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
    pub(super) fn paragraph(&mut self, x: f32, width: f32, text: &str, style: Style) {
        let lines = self.wrap(text, width, style);
        self.lines_at(x, &lines, style);
    }

    pub(super) fn lines_at(&mut self, x: f32, lines: &[String], style: Style) {
        for line in lines {
            self.ensure(style.leading());
            self.text(x, self.y + style.baseline(), style, line);
            self.y += style.leading();
        }
    }

    /// Wrapped text in a box that leaves the cursor where it is (for side-by-side cells).
    pub(super) fn block_at(&mut self, x: f32, top: f32, width: f32, text: &str, style: Style) {
        let lines = self.wrap(text, width, style);
        for (i, line) in lines.iter().enumerate() {
            let baseline = top + style.baseline() + i as f32 * style.leading();
            self.text(x, baseline, style, line);
        }
    }

    pub(super) fn table_head(&mut self, columns: &[Column]) {
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

    pub(super) fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, tint: Tint) {
        self.stroke_line(&[(x1, y), (x2, y)], thickness, tint);
    }

    pub(super) fn stroke_line(&mut self, points: &[(f32, f32)], thickness: f32, tint: Tint) {
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

    pub(super) fn dashed_line(
        &mut self,
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        thickness: f32,
        tint: Tint,
    ) {
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

    pub(super) fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, tint: Tint) {
        self.ops.push(Op::SetFillColor { col: color(tint) });
        self.paint_rect(x, y, width, height, PaintMode::Fill);
    }

    pub(super) fn stroke_rect(
        &mut self,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        thickness: f32,
        tint: Tint,
    ) {
        self.ops.extend([
            Op::SetOutlineColor { col: color(tint) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
        ]);
        self.paint_rect(x, y, width, height, PaintMode::Stroke);
    }

    pub(super) fn paint_rect(&mut self, x: f32, y: f32, width: f32, height: f32, mode: PaintMode) {
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
    pub(super) fn dot(&mut self, cx: f32, cy: f32, r: f32, tint: Tint) {
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
    /// Every footer carries the `disclaimer`, the `stamp` (whose document, when) and the page
    /// number.
    pub(super) fn finish(mut self, disclaimer_text: &str, stamp: &str) -> Vec<PdfPage> {
        self.pages.push(std::mem::take(&mut self.ops));
        let count = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let disclaimer = style(7.0, REGULAR, MUTED);
        let disclaimer_lines = self.wrap(disclaimer_text, CONTENT_W, disclaimer);
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
                self.text(MARGIN, y + 6.5, disclaimer, stamp);
                let number = format!("Page {} of {count}", index + 1);
                self.text_right(PAGE_W - MARGIN, y + 6.5, style(7.5, BOLD, INK), &number);
                let ops = std::mem::take(&mut self.ops);
                PdfPage::new(Mm::from(Pt(PAGE_W)), Mm::from(Pt(PAGE_H)), ops)
            })
            .collect()
    }
}
