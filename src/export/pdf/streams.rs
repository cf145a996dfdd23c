//! Writing the document's streams compressed (issue #15: a PDF in under 8 ms of CPU).
//!
//! printpdf's own save compresses every stream at deflate's best level on every request, the
//! two embedded fonts (135 KB, the same bytes in every summary) included: that was 41 % of a
//! PDF's CPU. Here a font program is compressed once per process and its bytes reused, and the
//! page content (different each time) is compressed at the fast level, which costs a few
//! percent in size.

use std::io::Write;
use std::sync::OnceLock;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use lopdf::{Document, Object};

/// The font programs embedded in every summary, each with its compressed form once made.
pub(super) struct EmbeddedFont {
    pub(super) bytes: &'static [u8],
    compressed: OnceLock<Vec<u8>>,
}

impl EmbeddedFont {
    pub(super) const fn new(bytes: &'static [u8]) -> EmbeddedFont {
        EmbeddedFont {
            bytes,
            compressed: OnceLock::new(),
        }
    }

    pub(super) fn compressed(&self) -> &[u8] {
        self.compressed
            .get_or_init(|| deflate(self.bytes, Compression::best()))
    }
}

fn deflate(bytes: &[u8], level: Compression) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(bytes.len() / 3), level);
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Compresses every uncompressed stream of `doc`: a stream holding one of `fonts` gets that
/// font's compressed bytes made once, anything else is deflated now at the fast level (kept
/// plain when that would not make it smaller).
pub(super) fn compress(doc: &mut Document, fonts: &[&EmbeddedFont]) {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
            continue;
        }
        let compressed = match fonts.iter().find(|f| stream.content == f.bytes) {
            Some(font) => font.compressed().to_vec(),
            None => deflate(&stream.content, Compression::fast()),
        };
        if !compressed.is_empty() && compressed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, Stream};

    #[test]
    fn a_font_stream_gets_the_bytes_compressed_once_and_everything_reads_back() {
        static PROGRAM: [u8; 4096] = [7; 4096];
        static FONT: EmbeddedFont = EmbeddedFont::new(&PROGRAM);
        let mut doc = Document::with_version("1.5");
        let page = b"BT /F1 12 Tf (hello) Tj ET ".repeat(40);
        let font_id = doc.add_object(Stream::new(Dictionary::new(), FONT.bytes.to_vec()));
        let page_id = doc.add_object(Stream::new(Dictionary::new(), page.clone()));
        compress(&mut doc, &[&FONT]);
        let stream = |id| doc.get_object(id).unwrap().as_stream().unwrap().clone();
        let font = stream(font_id);
        assert_eq!(font.content, FONT.compressed.get().unwrap().as_slice());
        assert_eq!(font.decompressed_content().unwrap(), FONT.bytes);
        assert_eq!(stream(page_id).decompressed_content().unwrap(), page);
        // A second document reuses the same compressed bytes.
        let again = FONT.compressed.get().unwrap().as_ptr();
        let mut other = Document::with_version("1.5");
        other.add_object(Stream::new(Dictionary::new(), FONT.bytes.to_vec()));
        compress(&mut other, &[&FONT]);
        assert_eq!(FONT.compressed.get().unwrap().as_ptr(), again);
    }
}
