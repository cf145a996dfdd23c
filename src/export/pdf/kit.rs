//! The drawing kit of the server-drawn PDFs: an A4 page with margins and a footer, text set in
//! an embedded font (measured, wrapped, replaced by "?" where the font has no glyph), tables,
//! rules, rectangles and lines, and a cursor that starts a new page before a block would run
//! into the footer. It knows nothing about what a document says; `super` (the progress summary)
//! does.

use std::collections::BTreeMap;

use printpdf::ParsedFont;

use super::streams::EmbeddedFont;

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

/// Characters below this have their glyph and advance in a table indexed by code point (Latin,
/// Greek, Cyrillic, punctuation, arrows, ≤ and ≥: all of the committed subset's text).
const DENSE_CHARS: usize = 0x2500;

/// An embedded font and what layout needs of it: which characters it has and how wide they are.
/// Made once per process (`super::faces`): every summary measures and encodes its text through
/// these tables, never through the font file.
pub(super) struct Face {
    /// The font's resource name in every page's resources (`/F1`).
    pub(super) resource: &'static str,
    /// The PostScript name with its subset tag, as the PDF names the font.
    pub(super) name: &'static str,
    pub(super) program: &'static EmbeddedFont,
    pub(super) font: ParsedFont,
    pub(super) units_per_em: f32,
    /// (glyph id, advance in font units) by code point below `DENSE_CHARS`; glyph 0: none.
    dense: Vec<(u16, u16)>,
    sparse: BTreeMap<u32, (u16, u16)>,
}

impl Face {
    /// `name` is the PostScript name with a subset tag: the committed file is a subset already.
    pub(super) fn load(
        program: &'static EmbeddedFont,
        resource: &'static str,
        name: &'static str,
    ) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(program.bytes, 0, &mut warnings)
            .ok_or_else(|| format!("cannot read the embedded font {name}"))?;
        let mut dense = vec![(0u16, 0u16); DENSE_CHARS];
        let mut sparse = BTreeMap::new();
        for (&code, &gid) in &font.codepoint_to_glyph {
            if gid == 0 {
                continue;
            }
            let entry = (gid, font.get_glyph_width(gid).unwrap_or(0));
            match dense.get_mut(code as usize) {
                Some(slot) => *slot = entry,
                None => {
                    sparse.insert(code, entry);
                }
            }
        }
        let units_per_em = f32::from(font.units_per_em.max(1));
        Ok(Face {
            resource,
            name,
            program,
            font,
            units_per_em,
            dense,
            sparse,
        })
    }

    fn entry(&self, ch: char) -> Option<(u16, u16)> {
        let found = match self.dense.get(ch as usize) {
            Some(entry) => *entry,
            None => *self.sparse.get(&u32::from(ch))?,
        };
        (found.0 != 0).then_some(found)
    }

    pub(super) fn glyph(&self, ch: char) -> Option<u16> {
        self.entry(ch).map(|(gid, _)| gid)
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .filter_map(|ch| self.entry(ch))
            .map(|(_, advance)| u32::from(advance))
            .sum();
        units as f32 * size / self.units_per_em
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

/// Page content operators written straight into the page's content stream, numbers with at
/// most two decimals (a hundredth of a point) through integer arithmetic: no general float
/// formatter, no intermediate operation list.
pub(super) mod ops {
    pub(in super::super) fn number(out: &mut Vec<u8>, value: f32, decimals: u32) {
        let scale = 10i64.pow(decimals);
        let scaled = (f64::from(value) * scale as f64).round() as i64;
        if scaled < 0 {
            out.push(b'-');
        }
        let magnitude = scaled.unsigned_abs();
        integer(out, magnitude / scale as u64);
        let mut fraction = magnitude % scale as u64;
        if fraction == 0 {
            return;
        }
        out.push(b'.');
        let mut digits = decimals;
        while fraction.is_multiple_of(10) {
            fraction /= 10;
            digits -= 1;
        }
        let mut buffer = [b'0'; 20];
        for i in (0..digits as usize).rev() {
            buffer[i] = b'0' + (fraction % 10) as u8;
            fraction /= 10;
        }
        out.extend_from_slice(&buffer[..digits as usize]);
    }

    pub(in super::super) fn integer(out: &mut Vec<u8>, mut value: u64) {
        let mut buffer = [0u8; 20];
        let mut at = buffer.len();
        loop {
            at -= 1;
            buffer[at] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        out.extend_from_slice(&buffer[at..]);
    }

    /// A point: x and y (already flipped to PDF's bottom-up y), then the operator.
    pub(in super::super) fn point(out: &mut Vec<u8>, x: f32, y: f32, operator: &[u8]) {
        number(out, x, 2);
        out.push(b' ');
        number(out, y, 2);
        out.push(b' ');
        out.extend_from_slice(operator);
        out.push(b'\n');
    }

    pub(in super::super) fn color(out: &mut Vec<u8>, tint: super::Tint, operator: &[u8]) {
        for part in [tint.0, tint.1, tint.2] {
            number(out, part, 3);
            out.push(b' ');
        }
        out.extend_from_slice(operator);
        out.push(b'\n');
    }

    pub(in super::super) fn glyphs(out: &mut Vec<u8>, gids: impl Iterator<Item = u16>) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        out.push(b'<');
        for gid in gids {
            for shift in [12, 8, 4, 0] {
                out.push(HEX[usize::from((gid >> shift) & 0xF)]);
            }
        }
        out.extend_from_slice(b"> Tj\n");
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn written(value: f32, decimals: u32) -> String {
            let mut out = Vec::new();
            number(&mut out, value, decimals);
            String::from_utf8(out).unwrap()
        }

        #[test]
        fn numbers_are_written_short_and_exact_to_the_hundredth() {
            assert_eq!(written(0.0, 2), "0");
            assert_eq!(written(-0.001, 2), "0");
            assert_eq!(written(42.0, 2), "42");
            assert_eq!(written(841.89, 2), "841.89");
            assert_eq!(written(797.5, 2), "797.5");
            assert_eq!(written(-12.345, 2), "-12.35");
            assert_eq!(written(0.05, 2), "0.05");
            assert_eq!(written(0.955, 3), "0.955");
            assert_eq!(written(0.1, 3), "0.1");
            assert_eq!(written(123456.78, 2), "123456.78");
        }
    }
}

/// PDF's y of a point given from the top of the page (PDF counts from the bottom).
fn flip(y: f32) -> f32 {
    PAGE_H - y
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The pages being laid out: a cursor `y` that moves down the current page, and a new page
/// whenever the next block would run into the footer.
pub(super) struct Canvas {
    pub(super) regular: &'static Face,
    pub(super) bold: &'static Face,
    /// The content streams of the pages done, and of the current one.
    pub(super) pages: Vec<Vec<u8>>,
    pub(super) ops: Vec<u8>,
    pub(super) y: f32,
    pub(super) running_head: String,
}

impl Canvas {
    /// `running_head` is repeated at the top of every page after the first.
    pub(super) fn new(regular: &'static Face, bold: &'static Face, running_head: String) -> Canvas {
        Canvas {
            regular,
            bold,
            pages: Vec::new(),
            ops: Vec::new(),
            y: CONTENT_TOP,
            running_head,
        }
    }

    pub(super) fn face(&self, weight: Weight) -> &'static Face {
        match weight {
            Weight::Regular => self.regular,
            Weight::Bold => self.bold,
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
        let face = self.face(style.weight);
        let shown = face.printable(text);
        let width = face.width(&shown, style.size);
        if shown.trim().is_empty() {
            return width;
        }
        // One text object per run: each BT starts from the identity matrix, so the cursor move
        // is an absolute position and no run depends on where the previous one ended.
        let out = &mut self.ops;
        out.extend_from_slice(b"BT\n");
        ops::color(out, style.tint, b"rg");
        out.push(b'/');
        out.extend_from_slice(face.resource.as_bytes());
        out.push(b' ');
        ops::number(out, style.size, 2);
        out.extend_from_slice(b" Tf\n");
        ops::point(out, x, flip(baseline), b"Td");
        ops::glyphs(out, shown.chars().map(|ch| face.glyph(ch).unwrap_or(0)));
        out.extend_from_slice(b"ET\n");
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
        let [(x0, y0), rest @ ..] = points else {
            return;
        };
        if rest.is_empty() {
            return;
        }
        let out = &mut self.ops;
        ops::color(out, tint, b"RG");
        ops::number(out, thickness, 2);
        out.extend_from_slice(b" w\n");
        ops::point(out, *x0, flip(*y0), b"m");
        for (x, y) in rest {
            ops::point(out, *x, flip(*y), b"l");
        }
        out.extend_from_slice(b"S\n");
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
        self.ops.extend_from_slice(b"q\n[2.5 2] 0 d\n");
        self.stroke_line(&[(x1, y1), (x2, y2)], thickness, tint);
        self.ops.extend_from_slice(b"Q\n");
    }

    pub(super) fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, tint: Tint) {
        ops::color(&mut self.ops, tint, b"rg");
        self.rect(x, y, width, height, b"f");
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
        ops::color(&mut self.ops, tint, b"RG");
        ops::number(&mut self.ops, thickness, 2);
        self.ops.extend_from_slice(b" w\n");
        self.rect(x, y, width, height, b"S");
    }

    /// A rectangle from its top-left corner, filled (`f`) or stroked (`S`).
    fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, paint: &[u8]) {
        let out = &mut self.ops;
        for value in [x, flip(y + height), width] {
            ops::number(out, value, 2);
            out.push(b' ');
        }
        ops::number(out, height, 2);
        out.extend_from_slice(b" re\n");
        out.extend_from_slice(paint);
        out.push(b'\n');
    }

    /// A filled circle from four Bézier arcs.
    pub(super) fn dot(&mut self, cx: f32, cy: f32, r: f32, tint: Tint) {
        // The control-point distance that makes a quarter Bézier arc closest to a circle.
        let k = 0.552_284_8 * r;
        let arcs = [
            [(cx + r, cy + k), (cx + k, cy + r), (cx, cy + r)],
            [(cx - k, cy + r), (cx - r, cy + k), (cx - r, cy)],
            [(cx - r, cy - k), (cx - k, cy - r), (cx, cy - r)],
            [(cx + k, cy - r), (cx + r, cy - k), (cx + r, cy)],
        ];
        let out = &mut self.ops;
        ops::color(out, tint, b"rg");
        ops::point(out, cx + r, flip(cy), b"m");
        for arc in arcs {
            for (x, y) in arc {
                ops::number(out, x, 2);
                out.push(b' ');
                ops::number(out, flip(y), 2);
                out.push(b' ');
            }
            out.extend_from_slice(b"c\n");
        }
        out.extend_from_slice(b"h\nf\n");
    }

    /// Closes the last page and adds the footers, which need the page count; returns each
    /// page's content stream.
    /// Every footer carries the `disclaimer`, the `stamp` (whose document, when) and the page
    /// number.
    pub(super) fn finish(mut self, disclaimer_text: &str, stamp: &str) -> Vec<Vec<u8>> {
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
                std::mem::take(&mut self.ops)
            })
            .collect()
    }
}
