//! Summary PDFs kept as written (issue 15). A summary's content is frozen when it is made
//! (`db::summaries`: written once, never changed), and its PDF is a function of that content
//! and the copy (the practitioner's or the client's) alone. So a PDF is kept with the very
//! content it was written from, and given again only to a request whose summary holds the same
//! content byte for byte: no change to the records, stored or yet to come, can make a kept PDF
//! differ from the one its content would give.

use actix_web::web::Bytes;

use crate::db::ids::SummaryId;
use crate::export::summary::Audience;
use crate::web::shelf::Shelf;

/// At most this many bytes of PDFs and the contents they were written from (a three-year
/// summary is about 130 KB of PDF and 100 KB of content).
const MOST_BYTES: usize = 4 << 20;

struct Kept {
    content: String,
    pdf: Bytes,
}

/// The server's kept summary PDFs (one per server, in the app's data).
pub struct KeptPdfs {
    shelf: Shelf<(SummaryId, Audience), Kept>,
}

impl Default for KeptPdfs {
    fn default() -> Self {
        KeptPdfs {
            shelf: Shelf::new(MOST_BYTES),
        }
    }
}

impl KeptPdfs {
    /// The PDF of this copy of the summary, if one was written from exactly `content`.
    pub fn get(&self, id: SummaryId, audience: Audience, content: &str) -> Option<Bytes> {
        self.shelf.get(&(id, audience), |kept| {
            (kept.content == content).then(|| kept.pdf.clone())
        })
    }

    /// Keeps the PDF written from `content` for this copy of the summary.
    pub fn keep(&self, id: SummaryId, audience: Audience, content: String, pdf: Bytes) {
        let size = content.len() + pdf.len();
        self.shelf
            .keep((id, audience), Kept { content, pdf }, size, |_| false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_given_only_for_the_content_and_copy_it_was_written_from() {
        let kept = KeptPdfs::default();
        let id = SummaryId(7);
        kept.keep(
            id,
            Audience::Practitioner,
            "{a}".into(),
            Bytes::from("pdf a"),
        );
        assert_eq!(
            kept.get(id, Audience::Practitioner, "{a}"),
            Some(Bytes::from("pdf a"))
        );
        assert_eq!(
            kept.get(id, Audience::Practitioner, "{b}"),
            None,
            "other content"
        );
        assert_eq!(
            kept.get(id, Audience::Client, "{a}"),
            None,
            "the other copy"
        );
        assert_eq!(kept.get(SummaryId(8), Audience::Practitioner, "{a}"), None);
        kept.keep(
            id,
            Audience::Practitioner,
            "{b}".into(),
            Bytes::from("pdf b"),
        );
        assert_eq!(
            kept.get(id, Audience::Practitioner, "{b}"),
            Some(Bytes::from("pdf b"))
        );
        assert_eq!(kept.get(id, Audience::Practitioner, "{a}"), None);
    }
}
