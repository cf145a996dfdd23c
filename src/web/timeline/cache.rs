//! The timeline's sections kept rendered (issue 15). Drawing a client's charts and tables from
//! years of tests and diary days is most of what the client page costs, and it only changes
//! when the records change. So the sections are rendered once per version of the client's
//! record (`db::record_versions`, bumped in the transaction of every audited change), per day
//! (what is due, overdue or in force depends on today) and until the first deleted item they
//! list leaves its restore window; any other request is served the kept copy.
//!
//! A kept copy is the same for every session: each form's CSRF token is written in per request
//! where the copy has this process's token slot, a random string nobody can type into a record.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::ClientId;
pub use crate::web::kept_html::Rendered;
use crate::web::shelf::Shelf;

/// At most this many bytes of rendered sections are kept (the least recently shown go first):
/// a few dozen clients' timelines, a few MB of memory.
const MOST_BYTES: usize = 4 << 20;

/// What a kept copy was made from; it is shown only while all of it still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    /// The client's record version (`db::record_versions::of_client`), read before the records.
    pub version: i64,
    pub today: NaiveDate,
    /// When the first deleted item the sections list leaves its restore window.
    pub until: Option<NaiveDateTime>,
}

impl Made {
    fn holds_for(&self, version: i64, today: NaiveDate, now: NaiveDateTime) -> bool {
        self.version == version && self.today == today && self.until.is_none_or(|u| now < u)
    }
}

struct Kept {
    made: Made,
    rendered: Arc<Rendered>,
}

/// The kept sections of the server's clients (one per server, in the app's data).
pub struct SectionsCache {
    slot: String,
    shelf: Shelf<ClientId, Kept>,
}

impl Default for SectionsCache {
    fn default() -> Self {
        SectionsCache {
            slot: crate::web::kept_html::token_slot(),
            shelf: Shelf::new(MOST_BYTES),
        }
    }
}

impl SectionsCache {
    /// What the sections are rendered with in place of a session's CSRF token.
    pub fn slot(&self) -> &str {
        &self.slot
    }

    /// The client's kept sections, if made from this version today and still current at `now`.
    pub fn get(
        &self,
        client_id: ClientId,
        version: i64,
        today: NaiveDate,
        now: NaiveDateTime,
    ) -> Option<Arc<Rendered>> {
        self.shelf.get(&client_id, |kept| {
            kept.made
                .holds_for(version, today, now)
                .then(|| kept.rendered.clone())
        })
    }

    /// Keeps a client's sections in place of older ones (a request that read an older version
    /// finishing after a newer one was kept leaves the newer one).
    pub fn keep(&self, client_id: ClientId, made: Made, rendered: Arc<Rendered>) {
        let size = rendered.bytes();
        self.shelf
            .keep(client_id, Kept { made, rendered }, size, |old| {
                old.made.version > made.version
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn at(d: u32, h: u32) -> NaiveDateTime {
        day(d).and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn a_kept_copy_is_shown_only_for_its_version_day_and_window() {
        let cache = SectionsCache::default();
        let made = Made {
            version: 3,
            today: day(20),
            until: Some(at(21, 12)),
        };
        cache.keep(
            ClientId(7),
            made,
            Arc::new(Rendered::split("x", cache.slot())),
        );
        assert!(cache.get(ClientId(7), 3, day(20), at(20, 9)).is_some());
        assert!(
            cache.get(ClientId(7), 4, day(20), at(20, 9)).is_none(),
            "a change"
        );
        assert!(
            cache.get(ClientId(7), 3, day(21), at(21, 9)).is_none(),
            "another day"
        );
        assert!(
            cache.get(ClientId(8), 3, day(20), at(20, 9)).is_none(),
            "another client"
        );
        let made = Made {
            today: day(21),
            ..made
        };
        cache.keep(
            ClientId(7),
            made,
            Arc::new(Rendered::split("x", cache.slot())),
        );
        assert!(cache.get(ClientId(7), 3, day(21), at(21, 11)).is_some());
        assert!(
            cache.get(ClientId(7), 3, day(21), at(21, 12)).is_none(),
            "a deletion's window ended"
        );
        // An older version finishing late does not replace a newer one.
        let older = Made {
            version: 2,
            until: None,
            ..made
        };
        cache.keep(
            ClientId(7),
            older,
            Arc::new(Rendered::split("old", cache.slot())),
        );
        assert!(cache.get(ClientId(7), 3, day(21), at(21, 11)).is_some());
    }
}
