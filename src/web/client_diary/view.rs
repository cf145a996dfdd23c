//! What the practitioner sees of a client's diary and portal access, ready for the templates.

use crate::db::ClientId;
use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::super::invitations::utc_label;
use crate::db::accounts::Account;
use crate::db::client_portal::PortalSettings;
use crate::db::diary::Entry;
use crate::db::invitations::{InvitationRow, InvitationState};
use crate::db::{client_accounts, client_portal, client_symptoms, diary, invitations};
use crate::db::{now, DbConn, DbError};
use crate::domain::diary::vocabulary::label_of;
use crate::domain::diary::{Adherence, ClientZone, Symptom, UtcOffset};

/// The client's "today" as the client sees it, so adherence counts the same days they do.
pub fn client_today(settings: Option<PortalSettings>) -> NaiveDate {
    settings
        .map(|s| s.zone())
        .unwrap_or_else(|| ClientZone::Fixed(UtcOffset::server_default()))
        .local_date(now())
}

pub struct SymptomLine {
    pub label: String,
    pub severity: u8,
    pub time: &'static str,
}

/// One diary entry on the practitioner's pages.
pub struct EntryView {
    pub date: String,
    pub date_label: String,
    pub symptoms: Vec<SymptomLine>,
    pub note: String,
    pub triggers: String,
    pub annotation: String,
    pub annotated_at: Option<String>,
    /// The annotation as typed when it could not be saved (with `error`).
    pub draft: Option<String>,
    pub error: Option<String>,
}

impl EntryView {
    pub fn new(entry: &Entry, vocabulary: &[Symptom]) -> Self {
        EntryView {
            date: entry.row.entry_date.to_string(),
            date_label: entry.row.entry_date.format("%a %-d %b %Y").to_string(),
            symptoms: entry
                .symptoms
                .iter()
                .map(|s| SymptomLine {
                    label: label_of(vocabulary, &s.key).to_string(),
                    severity: s.severity.get(),
                    time: s.time_of_day.map_or("", |t| t.label()),
                })
                .collect(),
            note: entry.row.note.clone(),
            triggers: entry.row.triggers.clone(),
            annotation: entry.row.annotation.clone(),
            annotated_at: entry.row.annotated_at.map(utc_label),
            draft: None,
            error: None,
        }
    }

    /// The text the annotation box shows: what was typed, else what is saved.
    pub fn annotation_text(&self) -> &str {
        self.draft.as_deref().unwrap_or(&self.annotation)
    }
}

/// The client's portal account and invitation, as the client page shows them.
pub struct AccessView {
    pub account_email: Option<String>,
    pub account_since: Option<String>,
    /// The latest invitation: its state in words, and whether it can still be revoked.
    pub invitation: Option<(String, bool)>,
    pub share_results: bool,
}

fn invitation_line(row: &InvitationRow, at: NaiveDateTime) -> (String, bool) {
    match row.state(at) {
        InvitationState::Open => (
            format!(
                "Link created {}, usable until {}.",
                utc_label(row.created_at),
                utc_label(row.expires_at)
            ),
            true,
        ),
        InvitationState::Accepted => (
            format!(
                "Last link used {}.",
                row.accepted_at.map(utc_label).unwrap_or_default()
            ),
            false,
        ),
        InvitationState::Revoked => (
            format!(
                "Last link withdrawn {}.",
                row.revoked_at.map(utc_label).unwrap_or_default()
            ),
            false,
        ),
        InvitationState::Expired => (
            format!("Last link expired {}.", utc_label(row.expires_at)),
            false,
        ),
    }
}

/// The section added to the client page: portal access and the recent diary.
pub struct PortalSection {
    pub access: AccessView,
    pub adherence: Adherence,
    pub period_days: i64,
    pub recent: Vec<EntryView>,
    /// When the section changes without a change of the records: the client's next day (the
    /// adherence counts their days), or an open link's expiry if sooner.
    pub changes_at: NaiveDateTime,
}

pub const SECTION_PERIOD_DAYS: i64 = 30;
pub const SECTION_RECENT: i64 = 5;

/// The section as of the instant `at` (one instant for the client's day and the link's state,
/// so `changes_at` is exactly when either moves).
pub fn load_section(
    conn: &mut DbConn,
    client_id: ClientId,
    at: NaiveDateTime,
) -> Result<PortalSection, DbError> {
    let settings = client_portal::settings(conn, client_id)?;
    let share_results = settings.as_ref().is_some_and(|s| s.share_results);
    let zone = settings
        .map(|s| s.zone())
        .unwrap_or_else(|| ClientZone::Fixed(UtcOffset::server_default()));
    let today = zone.local_date(at);
    let from = today - Duration::days(SECTION_PERIOD_DAYS - 1);
    let account: Option<Account> = client_accounts::find_for_client(conn, client_id)?;
    let vocabulary = client_symptoms::vocabulary(conn, client_id)?;
    let invitation = invitations::latest_for_client(conn, client_id)?;
    let link_expires = invitation
        .as_ref()
        .filter(|row| row.state(at) == InvitationState::Open)
        .map(|row| row.expires_at);
    Ok(PortalSection {
        access: AccessView {
            account_email: account.as_ref().map(|a| a.email.clone()),
            account_since: account.as_ref().map(|a| utc_label(a.created_at)),
            invitation: invitation.as_ref().map(|row| invitation_line(row, at)),
            share_results,
        },
        // Days logged of the period: their dates are all it needs (one query).
        adherence: crate::domain::diary::adherence(
            &diary::logged_dates(conn, client_id, from, today)?,
            from,
            today,
        ),
        period_days: SECTION_PERIOD_DAYS,
        recent: diary::recent(conn, client_id, SECTION_RECENT)?
            .iter()
            .map(|e| EntryView::new(e, &vocabulary))
            .collect(),
        changes_at: link_expires
            .into_iter()
            .chain([zone.next_day_starts(at)])
            .min()
            .unwrap_or(at),
    })
}
