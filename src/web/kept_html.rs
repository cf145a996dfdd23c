//! Rendered HTML kept for every session (issue 15): the timeline's sections of a client page
//! (`timeline::cache`) and the dashboard's body (`home::kept`). A kept copy is rendered with a
//! slot in place of the CSRF token, a random string per server that nobody can type into a
//! record, and each request writes its session's token where the slot was.
//!
//! A kept copy is served without being copied into the page: its pieces are shared `Bytes`, and
//! the page around it (the frame, a client's details, the recent access) is rendered per request
//! with the server's page slot where the kept part goes, then split there (`respond`). The
//! response body (`PageBody`) hands actix the head, the kept pieces with the session's token
//! between them, and the tail, each at most `CHUNK` bytes: actix-http copies body chunks into a
//! write buffer that it flushes past 32 KiB, so the buffer stays under its 128 KiB retention
//! limit and no page-sized buffer is allocated (mmapped, faulted in, unmapped) per request.

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::HttpResponse;

use super::{AppError, AppResult};

/// The most bytes of one kept piece or body chunk: well under actix-http's 32 KiB flush mark,
/// so its write buffer never grows past 64 KiB.
pub const CHUNK: usize = 16 * 1024;

/// A random string per server, `prefix` and 32 hex digits.
fn random_slot(prefix: &str) -> String {
    let mut random = [0u8; 16];
    crate::auth::tokens::fill_random(&mut random);
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

/// A new slot: random per server.
pub fn token_slot() -> String {
    random_slot("csrf-slot-")
}

/// Where a page template writes its kept part when it is served by `respond`: random per
/// server, so no record can hold it.
fn page_slot() -> &'static str {
    static SLOT: OnceLock<String> = OnceLock::new();
    SLOT.get_or_init(|| random_slot("kept-part-"))
}

#[derive(Debug)]
enum Piece {
    /// At most `CHUNK` bytes of HTML, cut at a char boundary (so each is a `str`).
    Html(Bytes),
    /// Where the session's CSRF token goes.
    Token,
}

/// Rendered HTML, split where each page writes its CSRF token and into pieces of at most
/// `CHUNK` bytes, shared by every response that shows it.
#[derive(Debug)]
pub struct Rendered {
    pieces: Vec<Piece>,
    bytes: usize,
    tokens: usize,
}

impl Rendered {
    /// `html` rendered with `slot` as the token.
    pub fn split(html: &str, slot: &str) -> Rendered {
        // The HTML without its slots in one buffer, the pieces slices of it: one allocation.
        let mut text = String::with_capacity(html.len());
        let mut marks = Vec::new();
        for (i, segment) in html.split(slot).enumerate() {
            if i > 0 {
                marks.push(None);
            }
            let mut at = text.len();
            text.push_str(segment);
            while at < text.len() {
                let mut end = (at + CHUNK).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                marks.push(Some(at..end));
                at = end;
            }
        }
        let bytes = text.len();
        let all = Bytes::from(text);
        let pieces: Vec<Piece> = marks
            .into_iter()
            .map(|mark| mark.map_or(Piece::Token, |range| Piece::Html(all.slice(range))))
            .collect();
        let tokens = pieces.iter().filter(|p| matches!(p, Piece::Token)).count();
        Rendered {
            pieces,
            bytes,
            tokens,
        }
    }

    /// Its size without the tokens.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The HTML with a session's token, for a page rendered whole (`|safe`: rendered escaped):
    /// what the tests compare the served page with.
    #[cfg(test)]
    pub fn with_token<'a>(&'a self, csrf_token: &'a str) -> WithToken<'a> {
        WithToken {
            rendered: self,
            csrf_token,
        }
    }
}

#[cfg(test)]
pub struct WithToken<'a> {
    rendered: &'a Rendered,
    csrf_token: &'a str,
}

#[cfg(test)]
impl fmt::Display for WithToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.rendered.pieces {
            match piece {
                // Cut from a `str` at char boundaries, so this never fails.
                Piece::Html(html) => {
                    f.write_str(std::str::from_utf8(html).map_err(|_| fmt::Error)?)?
                }
                Piece::Token => f.write_str(self.csrf_token)?,
            }
        }
        Ok(())
    }
}

/// What a page template shows where its kept part goes (`|safe`).
pub enum KeptPart {
    /// The page slot: `respond` serves the kept part there.
    Slot,
    /// The kept part itself, for a page rendered whole into one string (the tests' reference).
    #[cfg(test)]
    Whole(String),
}

impl fmt::Display for KeptPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeptPart::Slot => f.write_str(page_slot()),
            #[cfg(test)]
            KeptPart::Whole(html) => f.write_str(html),
        }
    }
}

/// The page (rendered with `KeptPart::Slot`) as an HTML response with `kept` and the session's
/// token where the slot is, without copying the kept part.
pub fn respond(
    status: StatusCode,
    page: &impl askama::Template,
    kept: Arc<Rendered>,
    csrf_token: &str,
) -> AppResult<HttpResponse> {
    let body = page_body(page, kept, csrf_token)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

fn page_body(
    page: &impl askama::Template,
    kept: Arc<Rendered>,
    csrf_token: &str,
) -> AppResult<PageBody> {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let slot = page_slot();
    let at = html
        .find(slot)
        .ok_or_else(|| AppError::Internal("the page has no place for its kept part".into()))?;
    let around = Bytes::from(html);
    let (head, tail) = (around.slice(..at), around.slice(at + slot.len()..));
    let token = Bytes::copy_from_slice(csrf_token.as_bytes());
    let size = head.len() + kept.bytes + kept.tokens * token.len() + tail.len();
    Ok(PageBody {
        head,
        kept,
        next: 0,
        token,
        tail,
        size,
    })
}

/// The page as `respond` serves it, checking what each body must hold: its chunks add up to its
/// size and none is empty or larger than `CHUNK` (for the pages' tests).
#[cfg(test)]
pub(crate) fn served_html(
    page: &impl askama::Template,
    kept: Arc<Rendered>,
    token: &str,
) -> String {
    let body = page_body(page, kept, token).expect("a page with its slot");
    let BodySize::Sized(size) = body.size() else {
        panic!("a page's size is known");
    };
    let chunks: Vec<Bytes> = body.collect();
    assert_eq!(size as usize, chunks.iter().map(Bytes::len).sum::<usize>());
    assert!(chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK));
    String::from_utf8(chunks.concat()).expect("UTF-8")
}

/// A page's response body: the head, the kept pieces with the token between them, the tail,
/// each chunk at most `CHUNK` bytes; its size is known, so it is sent with a Content-Length.
pub struct PageBody {
    /// What is left of the page before the kept part.
    head: Bytes,
    kept: Arc<Rendered>,
    /// The next kept piece to send.
    next: usize,
    token: Bytes,
    /// The page after the kept part.
    tail: Bytes,
    size: usize,
}

impl Iterator for PageBody {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        loop {
            if !self.head.is_empty() {
                let n = self.head.len().min(CHUNK);
                return Some(self.head.split_to(n));
            }
            if let Some(piece) = self.kept.pieces.get(self.next) {
                self.next += 1;
                let chunk = match piece {
                    Piece::Html(html) => html.clone(),
                    Piece::Token => self.token.clone(),
                };
                // An empty token would be an empty chunk: nothing to send.
                if chunk.is_empty() {
                    continue;
                }
                return Some(chunk);
            }
            if !self.tail.is_empty() {
                let n = self.tail.len().min(CHUNK);
                return Some(self.tail.split_to(n));
            }
            return None;
        }
    }
}

impl MessageBody for PageBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.size as u64)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(self.get_mut().next().map(Ok))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    #[derive(Template)]
    #[template(
        source = "<html><p>{{ token }}</p>{{ head }}{{ kept|safe }}<p>{{ tail }}</p></html>",
        ext = "html"
    )]
    struct Page<'a> {
        token: &'a str,
        head: String,
        kept: KeptPart,
        tail: String,
    }

    /// Kept HTML with tokens, multi-byte chars across the piece boundaries, two slots in a row
    /// and one at each end.
    fn kept_html(slot: &str) -> String {
        let mut html = format!("{slot}<form value=\"{slot}\">");
        for i in 0..9000 {
            html.push_str(if i % 7 == 0 { "ü€𝄞" } else { "x" });
            if i % 1000 == 0 {
                html.push_str(&format!("<input value=\"{slot}\">"));
            }
        }
        html.push_str(&format!(
            "{slot}{slot}</form>{}{slot}",
            "y".repeat(3 * CHUNK)
        ));
        html
    }

    #[test]
    fn a_page_served_in_chunks_is_the_page_rendered_whole() {
        let slot = token_slot();
        let kept = Arc::new(Rendered::split(&kept_html(&slot), &slot));
        for (head, tail) in [
            (String::new(), String::new()),
            ("ä".repeat(2 * CHUNK), "b".repeat(CHUNK + 1)),
        ] {
            for token in ["tok-123", ""] {
                let page = |kept| Page {
                    token,
                    head: head.clone(),
                    kept,
                    tail: tail.clone(),
                };
                let whole = page(KeptPart::Whole(kept.with_token(token).to_string()))
                    .render()
                    .unwrap();
                let served = served_html(&page(KeptPart::Slot), kept.clone(), token);
                assert_eq!(served, whole, "token {token:?}");
                let k = kept_html(&slot).replace(&slot, token);
                assert_eq!(
                    whole,
                    format!("<html><p>{token}</p>{head}{k}<p>{tail}</p></html>")
                );
            }
        }
    }

    #[test]
    fn the_token_goes_where_the_slot_was() {
        let slot = token_slot();
        let html =
            format!("<form><input value=\"{slot}\"></form><form><input value=\"{slot}\"></form>");
        let rendered = Rendered::split(&html, &slot);
        assert_eq!(
            rendered.with_token("abc").to_string(),
            "<form><input value=\"abc\"></form><form><input value=\"abc\"></form>"
        );
        assert_eq!(rendered.bytes(), html.len() - 2 * slot.len());
        assert_eq!(
            Rendered::split("none", &slot).with_token("x").to_string(),
            "none"
        );
        assert_ne!(token_slot(), slot, "random per server");
    }

    #[test]
    fn kept_pieces_are_at_most_a_chunk_and_cut_between_chars() {
        let slot = token_slot();
        let rendered = Rendered::split(&kept_html(&slot), &slot);
        for piece in &rendered.pieces {
            if let Piece::Html(html) = piece {
                assert!(!html.is_empty() && html.len() <= CHUNK);
                assert!(std::str::from_utf8(html).is_ok());
            }
        }
        assert_eq!(rendered.tokens, kept_html(&slot).matches(&slot).count());
    }
}
