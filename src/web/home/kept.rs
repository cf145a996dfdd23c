//! The dashboard's body kept rendered per practice (issue 15). Counting a practice's open flags,
//! listing its retests due and drawing the page cost millions of instructions per request, and
//! what they show only changes when a client of the practice (or its settings) changes, or the
//! day does. So the body is rendered once per practice version (`db::record_versions::
//! of_practice`, moved in the transaction of every audited change of any of its clients), per
//! day (due and overdue move with it) and per view of the page (the flag shelf and the filter);
//! any other request is served the kept copy with its own CSRF token written in
//! (`web::kept_html`). The frame around it (navigation, the session's end) is rendered per
//! request.

use std::sync::Arc;

use chrono::NaiveDate;

use super::View;
use crate::db::AccountId;
use crate::web::kept_html::Rendered;
use crate::web::shelf::Shelf;

/// At most this many bytes of rendered bodies are kept (the least recently shown go first): a
/// body is 20–100 KB, so a few dozen practices' pages and their filters.
const MOST_BYTES: usize = 2 << 20;

/// What a kept body was made from; it is shown only while both still hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    /// The practice's version, read before the records.
    pub version: i64,
    pub today: NaiveDate,
}

struct Kept {
    made: Made,
    rendered: Arc<Rendered>,
}

/// The kept dashboard bodies of the server's practices (one per server, in the app's data).
pub struct DashboardCache {
    slot: String,
    shelf: Shelf<(AccountId, View), Kept>,
}

impl Default for DashboardCache {
    fn default() -> Self {
        DashboardCache {
            slot: crate::web::kept_html::token_slot(),
            shelf: Shelf::new(MOST_BYTES),
        }
    }
}

impl DashboardCache {
    /// What the bodies are rendered with in place of a session's CSRF token.
    pub fn slot(&self) -> &str {
        &self.slot
    }

    /// The practice's kept body of this view, if made from this version today.
    pub fn get(&self, owner: AccountId, view: View, made: Made) -> Option<Arc<Rendered>> {
        self.shelf.get(&(owner, view), |kept| {
            (kept.made == made).then(|| kept.rendered.clone())
        })
    }

    /// Keeps a body in place of an older one (a request that read an older version finishing
    /// after a newer one was kept leaves the newer one).
    pub fn keep(&self, owner: AccountId, view: View, made: Made, rendered: Arc<Rendered>) {
        let size = rendered.bytes();
        self.shelf
            .keep((owner, view), Kept { made, rendered }, size, |old| {
                old.made.version > made.version
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_body_is_shown_only_for_its_practice_view_version_and_day() {
        let cache = DashboardCache::default();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let made = Made {
            version: 3,
            today: day(20),
        };
        let view = View::parse("", "", "");
        let body = |s: &str| Arc::new(Rendered::split(s, "slot"));
        cache.keep(AccountId(7), view, made, body("x"));
        assert!(cache.get(AccountId(7), view, made).is_some());
        let newer = Made { version: 4, ..made };
        assert!(cache.get(AccountId(7), view, newer).is_none(), "a change");
        let tomorrow = Made {
            today: day(21),
            ..made
        };
        assert!(cache.get(AccountId(7), view, tomorrow).is_none(), "a day");
        assert!(cache.get(AccountId(8), view, made).is_none(), "a practice");
        let borderline = View::parse("", "", "borderline");
        assert!(
            cache.get(AccountId(7), borderline, made).is_none(),
            "a view"
        );
        // An older version finishing late does not replace a newer one.
        cache.keep(AccountId(7), view, newer, body("new"));
        cache.keep(AccountId(7), view, made, body("old"));
        assert!(cache.get(AccountId(7), view, newer).is_some());
    }
}
