//! The PDF file around the pages' content streams (issue #15: a summary PDF in a few
//! milliseconds of CPU).
//!
//! Everything that is the same in every summary is made once per process: the two fonts as
//! Type 0 / CIDFontType2 objects with their compressed programs, their widths (`/W`, every
//! glyph of the committed subset) and their `/ToUnicode` maps (every character of it), and the
//! page resources naming them. A summary writes that block verbatim, then its catalog, page
//! tree, document information and pages, and the cross-reference table. Before, printpdf parsed
//! both font files, cloned them three times and measured, encoded and formatted every operation
//! through lopdf's object model for each download.
//!
//! Object numbers: the font block holds objects 1 to `5 × faces + 1` (per face: the Type 0
//! font, its CID font, descriptor, font program and ToUnicode map; then the resources); the
//! catalog, page tree and information follow, then each page and its content stream.

use std::io::Write;

use chrono::NaiveDateTime;

use super::kit::{ops, Face, PAGE_H, PAGE_W};
use super::streams::deflate;

/// The objects every summary shares, written once.
pub(super) struct FontBlock {
    /// The objects, numbered from 1, as they appear in a file.
    bytes: Vec<u8>,
    /// Where each object starts in `bytes` (object 1 first).
    offsets: Vec<usize>,
}

const HEADER: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

fn begin(out: &mut Vec<u8>, offsets: &mut Vec<usize>, base: usize) {
    offsets.push(base + out.len());
    ops::integer(out, offsets.len() as u64);
    out.extend_from_slice(b" 0 obj\n");
}

fn reference(out: &mut Vec<u8>, object: usize) {
    ops::integer(out, object as u64);
    out.extend_from_slice(b" 0 R");
}

/// A stream object's dictionary entries (`extra`, may be empty), its length and body.
fn stream(out: &mut Vec<u8>, extra: &[u8], compressed: bool, body: &[u8]) {
    out.extend_from_slice(b"<< ");
    out.extend_from_slice(extra);
    if compressed {
        out.extend_from_slice(b"/Filter /FlateDecode ");
    }
    out.extend_from_slice(b"/Length ");
    ops::integer(out, body.len() as u64);
    out.extend_from_slice(b" >>\nstream\n");
    out.extend_from_slice(body);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

/// The stream's bytes deflated at the fast level, unless that would not make them smaller.
fn compressed_stream(out: &mut Vec<u8>, extra: &[u8], body: &[u8]) {
    let packed = deflate(body, flate2::Compression::fast());
    if !packed.is_empty() && packed.len() + 19 < body.len() {
        stream(out, extra, true, &packed);
    } else {
        stream(out, extra, false, body);
    }
}

/// A value in 1/1000 em, as PDF font metrics are given.
fn per_mille(face: &Face, units: f32) -> i64 {
    (units * 1000.0 / face.units_per_em) as i64
}

/// The ToUnicode CMap of a face: every glyph its cmap reaches, mapped back to the lowest code
/// point that reaches it (what `Face::printable` lets through).
fn to_unicode(face: &Face) -> Vec<u8> {
    let mut first_char = std::collections::BTreeMap::new();
    for (&code, &gid) in &face.font.codepoint_to_glyph {
        if gid != 0 {
            first_char.entry(gid).or_insert(code);
        }
    }
    let mut cmap = Vec::with_capacity(first_char.len() * 16 + 512);
    cmap.extend_from_slice(
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
          /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
          /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
          1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let pairs: Vec<(u16, u32)> = first_char.into_iter().collect();
    for chunk in pairs.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (gid, code) in chunk {
            let _ = write!(cmap, "<{gid:04X}> <");
            let mut units = [0u16; 2];
            let ch = char::from_u32(*code).unwrap_or('?');
            for unit in ch.encode_utf16(&mut units) {
                let _ = write!(cmap, "{unit:04X}");
            }
            cmap.extend_from_slice(b">\n");
        }
        cmap.extend_from_slice(b"endbfchar\n");
    }
    cmap.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

impl FontBlock {
    /// The fonts' objects and the page resources naming them (`Face::resource`).
    pub(super) fn new(faces: &[&Face]) -> FontBlock {
        let base = HEADER.len();
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        for (i, face) in faces.iter().enumerate() {
            let first = 1 + 5 * i;
            let name = face.name;
            let metrics = &face.font.pdf_font_metrics;
            // Type 0 font
            begin(&mut out, &mut offsets, base);
            let _ = write!(
                out,
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>\nendobj\n",
                first + 1,
                first + 4
            );
            // Its CID font, with the width of every glyph (1/1000 em)
            begin(&mut out, &mut offsets, base);
            let _ = write!(
                out,
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /CIDToGIDMap /Identity /DW 1000 /W [0 [",
                first + 2
            );
            let glyphs = face.font.glyph_widths.keys().max().copied().unwrap_or(0);
            for gid in 0..=glyphs {
                let advance = face.font.get_glyph_width(gid).unwrap_or(0);
                ops::integer(&mut out, per_mille(face, f32::from(advance)).max(0) as u64);
                out.push(if gid % 16 == 15 { b'\n' } else { b' ' });
            }
            out.extend_from_slice(b"]] >>\nendobj\n");
            // Descriptor (metrics scaled as printpdf wrote them)
            let ascent = per_mille(face, f32::from(face.font.font_metrics.ascent));
            let descent = per_mille(face, f32::from(face.font.font_metrics.descent));
            let stem_v = match metrics.us_weight_class {
                0 => 80,
                weight => 50 + (f32::from(weight) / 65.0).powi(2).round() as i64,
            };
            begin(&mut out, &mut offsets, base);
            let _ = write!(
                out,
                "<< /Type /FontDescriptor /FontName /{name} /Ascent {ascent} \
                 /Descent {descent} /CapHeight {ascent} /ItalicAngle 0 /Flags 32 \
                 /StemV {stem_v} /FontBBox [{} {} {} {}] /FontFile2 {} 0 R >>\nendobj\n",
                per_mille(face, f32::from(metrics.x_min)),
                per_mille(face, f32::from(metrics.y_min)),
                per_mille(face, f32::from(metrics.x_max)),
                per_mille(face, f32::from(metrics.y_max)),
                first + 3
            );
            // The font program, compressed once per process
            begin(&mut out, &mut offsets, base);
            let length1 = format!("/Length1 {} ", face.program.bytes.len());
            stream(
                &mut out,
                length1.as_bytes(),
                true,
                face.program.compressed(),
            );
            // ToUnicode
            begin(&mut out, &mut offsets, base);
            let cmap = to_unicode(face);
            stream(
                &mut out,
                b"",
                true,
                &deflate(&cmap, flate2::Compression::best()),
            );
        }
        begin(&mut out, &mut offsets, base);
        out.extend_from_slice(b"<< /Font << ");
        for (i, face) in faces.iter().enumerate() {
            let _ = write!(out, "/{} ", face.resource);
            reference(&mut out, 1 + 5 * i);
            out.push(b' ');
        }
        out.extend_from_slice(b">> >>\nendobj\n");
        FontBlock {
            bytes: out,
            offsets,
        }
    }

    fn resources(&self) -> usize {
        self.offsets.len()
    }
}

/// The document information dictionary's entries.
pub(super) struct Information<'a> {
    pub(super) title: &'a str,
    pub(super) author: &'a str,
    pub(super) subject: &'a str,
    pub(super) creator: &'a str,
    pub(super) producer: &'a str,
    /// The summary's own creation time (UTC): the same summary, the same dates.
    pub(super) created: NaiveDateTime,
}

/// A text string: ASCII as a literal, anything else as UTF-16BE with its byte order mark.
fn text_string(out: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !matches!(b, b'(' | b')' | b'\\'))
    {
        out.push(b'(');
        out.extend_from_slice(text.as_bytes());
        out.push(b')');
        return;
    }
    out.extend_from_slice(b"<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push(b'>');
}

/// The whole file: the shared font block, then this document's objects and the xref table.
pub(super) fn write(fonts: &FontBlock, pages: &[Vec<u8>], info: &Information) -> Vec<u8> {
    let streams_size: usize = pages.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(HEADER.len() + fonts.bytes.len() + streams_size / 3 + 4096);
    out.extend_from_slice(HEADER);
    out.extend_from_slice(&fonts.bytes);
    let mut offsets = fonts.offsets.clone();
    let resources = fonts.resources();
    let (catalog, tree, information) = (resources + 1, resources + 2, resources + 3);
    let page_object = |page: usize| resources + 4 + 2 * page;

    begin(&mut out, &mut offsets, 0);
    out.extend_from_slice(b"<< /Type /Catalog /Pages ");
    reference(&mut out, tree);
    out.extend_from_slice(b" >>\nendobj\n");

    begin(&mut out, &mut offsets, 0);
    out.extend_from_slice(b"<< /Type /Pages /Kids [");
    for page in 0..pages.len() {
        reference(&mut out, page_object(page));
        out.push(b' ');
    }
    out.extend_from_slice(b"] /Count ");
    ops::integer(&mut out, pages.len() as u64);
    out.extend_from_slice(b" >>\nendobj\n");

    begin(&mut out, &mut offsets, 0);
    let date = info.created.format("D:%Y%m%d%H%M%S+00'00'").to_string();
    for (key, value) in [
        ("Title", info.title),
        ("Author", info.author),
        ("Subject", info.subject),
        ("Creator", info.creator),
        ("Producer", info.producer),
        ("CreationDate", &date),
        ("ModDate", &date),
    ] {
        out.extend_from_slice(if key == "Title" { b"<< /" } else { b" /" });
        out.extend_from_slice(key.as_bytes());
        out.push(b' ');
        text_string(&mut out, value);
    }
    out.extend_from_slice(b" >>\nendobj\n");

    let mut media_box = Vec::new();
    for value in [0.0, 0.0, PAGE_W] {
        ops::number(&mut media_box, value, 2);
        media_box.push(b' ');
    }
    ops::number(&mut media_box, PAGE_H, 2);
    for content in pages {
        begin(&mut out, &mut offsets, 0);
        out.extend_from_slice(b"<< /Type /Page /Parent ");
        reference(&mut out, tree);
        out.extend_from_slice(b" /MediaBox [");
        out.extend_from_slice(&media_box);
        out.extend_from_slice(b"] /Resources ");
        reference(&mut out, resources);
        out.extend_from_slice(b" /Contents ");
        reference(&mut out, offsets.len() + 1);
        out.extend_from_slice(b" >>\nendobj\n");
        begin(&mut out, &mut offsets, 0);
        compressed_stream(&mut out, b"", content);
    }

    let xref = out.len();
    out.extend_from_slice(b"xref\n0 ");
    ops::integer(&mut out, offsets.len() as u64 + 1);
    out.extend_from_slice(b"\n0000000000 65535 f \n");
    for offset in &offsets {
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    out.extend_from_slice(b"trailer\n<< /Size ");
    ops::integer(&mut out, offsets.len() as u64 + 1);
    out.extend_from_slice(b" /Root ");
    reference(&mut out, catalog);
    out.extend_from_slice(b" /Info ");
    reference(&mut out, information);
    out.extend_from_slice(b" >>\nstartxref\n");
    ops::integer(&mut out, xref as u64);
    out.extend_from_slice(b"\n%%EOF\n");
    out
}
