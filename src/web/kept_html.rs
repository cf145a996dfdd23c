//! Rendered HTML kept for every session (issue 15): the timeline's sections of a client page
//! (`timeline::cache`) and the dashboard's body (`home::kept`). A kept copy is rendered with a
//! slot in place of the CSRF token, a random string per server that nobody can type into a
//! record, and each request writes its session's token where the slot was.

use std::fmt;

/// A new slot: random per server.
pub fn token_slot() -> String {
    let mut random = [0u8; 16];
    crate::auth::tokens::fill_random(&mut random);
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("csrf-slot-{hex}")
}

/// Rendered HTML, split where each page writes its CSRF token.
#[derive(Debug)]
pub struct Rendered {
    pieces: Vec<String>,
}

impl Rendered {
    /// `html` rendered with `slot` as the token.
    pub fn split(html: &str, slot: &str) -> Rendered {
        Rendered {
            pieces: html.split(slot).map(str::to_string).collect(),
        }
    }

    /// Its size without the tokens.
    pub fn bytes(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }

    /// The HTML with a session's token, for a page template (`|safe`: rendered escaped).
    pub fn with_token<'a>(&'a self, csrf_token: &'a str) -> WithToken<'a> {
        WithToken {
            rendered: self,
            csrf_token,
        }
    }
}

pub struct WithToken<'a> {
    rendered: &'a Rendered,
    csrf_token: &'a str,
}

impl fmt::Display for WithToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut pieces = self.rendered.pieces.iter();
        if let Some(first) = pieces.next() {
            f.write_str(first)?;
        }
        for piece in pieces {
            f.write_str(self.csrf_token)?;
            f.write_str(piece)?;
        }
        Ok(())
    }
}
