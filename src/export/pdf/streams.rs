//! The embedded font programs, each compressed once per process (issue #15).
//!
//! printpdf's own save compressed every stream at deflate's best level on every request, the
//! two embedded fonts (135 KB, the same bytes in every summary) included: that was 41 % of a
//! PDF's CPU. Here a font program is compressed once and its bytes reused by every document
//! (`document::FontBlock`); page content (different each time) is deflated at the fast level,
//! which costs a few percent in size.

use std::io::Write;
use std::sync::OnceLock;

use flate2::write::ZlibEncoder;
use flate2::Compression;

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

pub(super) fn deflate(bytes: &[u8], level: Compression) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(bytes.len() / 3), level);
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_font_program_is_compressed_once_and_reads_back() {
        static PROGRAM: [u8; 4096] = [7; 4096];
        static FONT: EmbeddedFont = EmbeddedFont::new(&PROGRAM);
        let first = FONT.compressed().as_ptr();
        assert_eq!(FONT.compressed().as_ptr(), first, "made once");
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(FONT.compressed())
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, PROGRAM);
    }
}
