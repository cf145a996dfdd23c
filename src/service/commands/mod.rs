//! Write commands: every change of state is one function here that opens the write
//! transaction, applies the change, re-derives what depends on it (summary columns, flags, the
//! dashboard's cache) and records the audit event, so a handler parses, calls one command and
//! renders.
//!
//! They all go through [`audited`], the one audited write: the change and the events that
//! describe it commit together or not at all, so the trail and the data never disagree.

pub mod accounts;
pub mod clients;
pub mod diary;
pub mod flags;
pub mod hair_tests;
pub mod lab_reports;
pub mod portal;
pub mod programs;
pub mod reference_sets;
pub mod second_factor;
pub mod summaries;
pub mod symptoms;

use crate::db::audit::{record, AuditEntry};
use crate::db::AccountId;
use crate::db::{record_versions, write_tx, DbConn, DbError};

/// Who makes a change, and from where: a signed-in account.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub account_id: AccountId,
    pub remote_addr: &'a str,
}

/// Whom the trail names for a change. Usually a signed-in [`Actor`]; a sign-in attempt on an
/// unknown email names only its address, and the start-up re-derivation, the restore window's
/// purge and the operator's command line name nobody.
#[derive(Debug, Clone, Copy, Default)]
pub struct Author<'a> {
    pub account_id: Option<AccountId>,
    pub remote_addr: Option<&'a str>,
}

impl<'a> Author<'a> {
    /// The system itself: no account, no address.
    pub const SYSTEM: Author<'static> = Author {
        account_id: None,
        remote_addr: None,
    };

    /// A request from `remote_addr` on behalf of `account_id`, if it names a known account.
    pub fn request(account_id: Option<AccountId>, remote_addr: &'a str) -> Self {
        Author {
            account_id,
            remote_addr: Some(remote_addr),
        }
    }
}

impl<'a> From<&Actor<'a>> for Author<'a> {
    fn from(actor: &Actor<'a>) -> Self {
        Author::request(Some(actor.account_id), actor.remote_addr)
    }
}

impl<'a> From<Actor<'a>> for Author<'a> {
    fn from(actor: Actor<'a>) -> Self {
        Author::from(&actor)
    }
}

/// What a change did to which record, as the audit trail keeps it. `detail` holds labels only,
/// never health data.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: Option<i64>,
    pub detail: &'a str,
}

/// One noted event with the account it is recorded under.
#[derive(Debug)]
struct Noted {
    account_id: Option<AccountId>,
    action: String,
    record_kind: String,
    record_id: Option<i64>,
    detail: String,
    /// Whether the change moves what pages show (every event but a refused attempt's).
    moves_versions: bool,
}

/// The events of one change, written when the change has succeeded.
#[derive(Debug, Default)]
pub struct Trail {
    /// The author's account: the account an event is recorded under unless it says otherwise.
    account_id: Option<AccountId>,
    events: Vec<Noted>,
}

impl Trail {
    /// Notes an event by the change's author; nothing is written unless the whole change
    /// succeeds.
    pub fn record(&mut self, event: Event) {
        self.record_by(self.account_id, event);
    }

    /// Notes an event by an account the change itself established (the account an invitation
    /// creates is the one that accepts it and signs in).
    pub fn record_by(&mut self, account_id: Option<AccountId>, event: Event) {
        self.note(account_id, event, true);
    }

    /// Notes a refused attempt (a failed or held-back sign-in): on record like any event, but
    /// it changed nothing a page shows, so no kept page is made again for it. Otherwise a stream
    /// of sign-ins with unknown emails (scope unknown: everything) would have every kept
    /// timeline and dashboard rendered afresh at each attempt.
    pub fn record_refused(&mut self, event: Event) {
        self.note(self.account_id, event, false);
    }

    fn note(&mut self, account_id: Option<AccountId>, event: Event, moves_versions: bool) {
        self.events.push(Noted {
            account_id,
            action: event.action.to_string(),
            record_kind: event.record_kind.to_string(),
            record_id: event.record_id,
            detail: event.detail.to_string(),
            moves_versions,
        });
    }
}

/// The one audited write. `change` runs inside the write transaction (a savepoint when the
/// caller already holds one) and notes on the trail what it changed; the events are recorded in
/// the same transaction, by `author` (an `&Actor` for a signed-in account). A change that notes
/// nothing changed nothing worth a line (a flag already acknowledged, a record gone meanwhile).
/// The record versions of the events' scopes are bumped in the same transaction
/// (`db::record_versions`), so no page part kept in memory outlives a change it does not show.
pub fn audited<'a, T>(
    conn: &mut DbConn,
    author: impl Into<Author<'a>>,
    change: impl FnOnce(&mut DbConn, &mut Trail) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let author = author.into();
    write_tx(conn, |conn| {
        let mut trail = Trail {
            account_id: author.account_id,
            events: Vec::new(),
        };
        let result = change(conn, &mut trail)?;
        let mut scopes = Vec::with_capacity(trail.events.len());
        for noted in &trail.events {
            let scope = record(
                conn,
                &AuditEntry {
                    account_id: noted.account_id.map(AccountId::get),
                    action: &noted.action,
                    record_kind: &noted.record_kind,
                    record_id: noted.record_id,
                    remote_addr: author.remote_addr,
                    detail: &noted.detail,
                },
            )?;
            if noted.moves_versions {
                scopes.push(scope);
            }
        }
        // Pages kept in memory were made from the versions before this change (issue 15).
        record_versions::bump(conn, &scopes)?;
        Ok(result)
    })
}
