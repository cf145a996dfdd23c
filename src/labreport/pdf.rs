//! The text layer of a PDF as lines, bounded in size and time. Text is placed by its position
//! on the page (the content stream's text matrices), so a table drawn column by column still
//! comes out row by row. No OCR: a scan has no text to read.
//!
//! Bounds: the file's size (checked by the caller and again here), decompressed streams (lopdf's
//! limits, against compression bombs), pages read, operations per page, characters out, and a
//! deadline checked between pages and operations. lopdf's own parse of the file's objects is
//! the only step not interruptible; the size cap bounds it (5 MB parse in well under a second).

use std::collections::BTreeMap;
use std::time::Instant;

use lopdf::content::Content;
use lopdf::{Document, Encoding, LoadOptions, Object};

/// The largest PDF accepted. Lab reports are 0.1–2 MB.
pub const MAX_PDF_BYTES: usize = 5 * 1024 * 1024;
/// Any one stream may decompress to at most this (a page's content, a font's map).
const MAX_STREAM_BYTES: usize = 8 * 1024 * 1024;
/// Reports are a few pages; later pages are commentary.
const MAX_PAGES: usize = 12;
const MAX_OPERATIONS_PER_PAGE: usize = 200_000;
const MAX_TEXT_CHARS: usize = super::MAX_TEXT_CHARS;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("The file is larger than {} MB; a lab report is much smaller.", MAX_PDF_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("The file is not a PDF.")]
    NotAPdf,
    #[error("The PDF is password-protected (encrypted), so its text cannot be read. Save it without a password from the lab's portal, or paste its text.")]
    Encrypted,
    #[error("The PDF is damaged or uses features this reader does not understand ({0}).")]
    Damaged(String),
    #[error("The PDF has no text layer: it is a scan or a photo. This app does not read images (no OCR); type the values into the form, or paste the text if your PDF viewer can copy it.")]
    NoText,
    #[error("The PDF took too long to read (over the time allowed); it was refused. Paste its text instead.")]
    TooSlow,
}

/// True when the bytes start like a PDF (`%PDF-` in the first kilobyte, as readers allow).
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// A piece of text shown at one place on a page.
struct Fragment {
    x: f32,
    y: f32,
    size: f32,
    order: usize,
    text: String,
}

/// The PDF's text, one line per row of text on the page, pages in order. Stops at `deadline`.
pub fn text(bytes: &[u8], deadline: Instant) -> Result<String, PdfError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(PdfError::TooLarge);
    }
    if !looks_like_pdf(bytes) {
        return Err(PdfError::NotAPdf);
    }
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..Default::default()
    };
    let declares_encryption = bytes.windows(8).any(|w| w == b"/Encrypt");
    let document = match Document::load_mem_with_options(bytes, options) {
        Ok(document) => document,
        Err(_) if declares_encryption => return Err(PdfError::Encrypted),
        Err(error) => return Err(PdfError::Damaged(short(&error.to_string()))),
    };
    if document.is_encrypted() {
        return Err(PdfError::Encrypted);
    }
    if Instant::now() > deadline {
        return Err(PdfError::TooSlow);
    }
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err(PdfError::Damaged("no pages".into()));
    }
    let mut out = String::new();
    for (_, page_id) in pages.into_iter().take(MAX_PAGES) {
        if Instant::now() > deadline {
            return Err(PdfError::TooSlow);
        }
        let fragments = page_fragments(&document, page_id, deadline)?;
        for line in rows(fragments) {
            out.push_str(&line);
            out.push('\n');
            if out.len() > MAX_TEXT_CHARS {
                return Ok(out);
            }
        }
    }
    if out.trim().is_empty() {
        return Err(PdfError::NoText);
    }
    Ok(out)
}

fn short(message: &str) -> String {
    message.chars().take(120).collect()
}

/// 2-D affine matrix `[a b c d e f]` as PDF writes it.
#[derive(Clone, Copy)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn from_operands(operands: &[Object]) -> Option<Matrix> {
        let numbers: Vec<f32> = operands.iter().filter_map(|o| o.as_float().ok()).collect();
        let array: [f32; 6] = numbers.try_into().ok()?;
        array.iter().all(|n| n.is_finite()).then_some(Matrix(array))
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// `self × other` (apply self first, then other).
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }
}

fn number(operands: &[Object], i: usize) -> f32 {
    operands
        .get(i)
        .and_then(|o| o.as_float().ok())
        .filter(|n| n.is_finite())
        .unwrap_or(0.0)
}

fn page_fragments(
    document: &Document,
    page_id: lopdf::ObjectId,
    deadline: Instant,
) -> Result<Vec<Fragment>, PdfError> {
    let fonts = document.get_page_fonts(page_id).unwrap_or_default();
    let mut encodings: BTreeMap<Vec<u8>, Encoding> = BTreeMap::new();
    for (name, font) in fonts {
        match font.get_font_encoding_with_limit(document, MAX_STREAM_BYTES) {
            Ok(encoding) => {
                encodings.insert(name, encoding);
            }
            Err(lopdf::Error::Decompress(_)) => {
                return Err(PdfError::Damaged("a font's map is too large".into()))
            }
            Err(_) => {}
        }
    }
    let data = document
        .get_page_content_with_limit(page_id, MAX_STREAM_BYTES)
        .map_err(|_| PdfError::Damaged("a page's content is too large or unreadable".into()))?;
    let content = Content::decode(&data)
        .map_err(|_| PdfError::Damaged("a page's content cannot be parsed".into()))?;
    let mut fragments = Vec::new();
    let mut ctm = Matrix::IDENTITY;
    let mut stack: Vec<Matrix> = Vec::new();
    let (mut tm, mut tlm) = (Matrix::IDENTITY, Matrix::IDENTITY);
    let (mut leading, mut size) = (0.0f32, 10.0f32);
    let mut encoding: Option<&Encoding> = None;
    let mut chars = 0usize;
    for (n, op) in content.operations.iter().enumerate() {
        if n >= MAX_OPERATIONS_PER_PAGE {
            return Err(PdfError::Damaged(
                "a page has too many drawing operations".into(),
            ));
        }
        if n % 4096 == 0 && Instant::now() > deadline {
            return Err(PdfError::TooSlow);
        }
        let ops = &op.operands;
        let mut shown: Option<String> = None;
        match op.operator.as_str() {
            "q" if stack.len() < 64 => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(Matrix::IDENTITY),
            "cm" => {
                if let Some(m) = Matrix::from_operands(ops) {
                    ctm = m.then(ctm);
                }
            }
            "BT" => (tm, tlm) = (Matrix::IDENTITY, Matrix::IDENTITY),
            "Tm" => {
                if let Some(m) = Matrix::from_operands(ops) {
                    (tm, tlm) = (m, m);
                }
            }
            "Td" | "TD" => {
                let (tx, ty) = (number(ops, 0), number(ops, 1));
                if op.operator == "TD" {
                    leading = -ty;
                }
                tlm = Matrix::translate(tx, ty).then(tlm);
                tm = tlm;
            }
            "TL" => leading = number(ops, 0),
            "T*" => {
                tlm = Matrix::translate(0.0, -leading).then(tlm);
                tm = tlm;
            }
            "Tf" => {
                encoding = ops
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name));
                size = number(ops, 1).abs().clamp(1.0, 200.0);
            }
            "Tj" => shown = decode(encoding, ops.first()),
            "'" | "\"" => {
                tlm = Matrix::translate(0.0, -leading).then(tlm);
                tm = tlm;
                shown = decode(encoding, ops.last());
            }
            "TJ" => {
                let mut text = String::new();
                for part in ops
                    .first()
                    .and_then(|o| o.as_array().ok())
                    .into_iter()
                    .flatten()
                {
                    match part {
                        Object::String(..) => {
                            text.push_str(&decode(encoding, Some(part)).unwrap_or_default())
                        }
                        // A wide negative kern is a space between words.
                        other if other.as_float().is_ok_and(|k| k < -200.0) => text.push(' '),
                        _ => {}
                    }
                }
                shown = Some(text);
            }
            _ => {}
        }
        if let Some(text) = shown.filter(|t| !t.trim().is_empty()) {
            let place = tm.then(ctm);
            let scale = (place.0[0].powi(2) + place.0[1].powi(2)).sqrt().max(0.01);
            chars += text.chars().count();
            if chars > MAX_TEXT_CHARS {
                break;
            }
            // Advance past the text (an estimate: no glyph widths), so that pieces shown one
            // after another on a line keep their order.
            let advance = text.chars().count() as f32 * size * 0.5;
            fragments.push(Fragment {
                x: place.0[4],
                y: place.0[5],
                size: size * scale,
                order: fragments.len(),
                text,
            });
            tm = Matrix::translate(advance, 0.0).then(tm);
        }
    }
    Ok(fragments)
}

fn decode(encoding: Option<&Encoding>, operand: Option<&Object>) -> Option<String> {
    let bytes = operand?.as_str().ok()?;
    match encoding {
        Some(encoding) => Document::decode_text(encoding, bytes).ok(),
        // No font selected: Latin-1 is the best guess for simple fonts.
        None => Some(bytes.iter().map(|b| *b as char).collect()),
    }
}

/// Fragments grouped into rows (same baseline within a fraction of the font size), top to
/// bottom, each row left to right.
fn rows(mut fragments: Vec<Fragment>) -> Vec<String> {
    fragments.retain(|f| f.x.is_finite() && f.y.is_finite());
    fragments.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.order.cmp(&b.order)));
    let mut rows: Vec<Vec<Fragment>> = Vec::new();
    for fragment in fragments {
        match rows.last_mut() {
            Some(row)
                if (row[0].y - fragment.y).abs()
                    <= (row[0].size.min(fragment.size) * 0.4).max(1.0) =>
            {
                row.push(fragment)
            }
            _ => rows.push(vec![fragment]),
        }
    }
    rows.into_iter()
        .map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.order.cmp(&b.order)));
            let mut line = String::new();
            let mut end = f32::MIN;
            for fragment in row {
                if !line.is_empty() {
                    // A wide gap separates table columns: two spaces keep it visible.
                    line.push_str(if fragment.x - end > fragment.size * 1.5 {
                        "  "
                    } else {
                        " "
                    });
                }
                line.push_str(fragment.text.trim());
                end = fragment.x + fragment.text.chars().count() as f32 * fragment.size * 0.5;
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn refuses_what_is_not_a_readable_pdf() {
        assert_eq!(text(b"hello", soon()), Err(PdfError::NotAPdf));
        assert!(matches!(
            text(b"%PDF-1.7\n1 0 obj garbage", soon()),
            Err(PdfError::Damaged(_))
        ));
        let big = vec![b' '; MAX_PDF_BYTES + 1];
        assert_eq!(text(&big, soon()), Err(PdfError::TooLarge));
        assert!(matches!(
            text(b"%PDF-1.4\ntrailer << /Encrypt 5 0 R >>\n%%EOF", soon()),
            Err(PdfError::Encrypted)
        ));
    }
}
