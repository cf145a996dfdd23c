//! The practitioner's audit trail: sign-ins, failed sign-ins, every change to their records and
//! every view of a client's record, by them or by the client in the portal. Filters by client,
//! account, action and date; pages by keyset (the time and id of the last event shown), so an
//! old page of millions of events costs what the first does.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::forms::url_encode;
use super::view::render_page;
use super::{remote_addr, run_db, AppResult, Layout};
use crate::auth::Practitioner;
use crate::db::audit::{self, AuditEvent, AuditFilter};
use crate::db::clients::ClientRow;
use crate::db::{AccountId, ClientId, Pool};
use crate::service::view_log::ViewLog;

const PAGE_SIZE: i64 = 50;

/// The actions the filter offers (what the app records).
const ACTIONS: &[&str] = &[
    audit::VIEW,
    "search",
    "export",
    "create",
    "update",
    "import",
    "delete",
    "restore",
    "archive",
    "acknowledge",
    "annotate",
    "share",
    "reanalyze",
    "sign_in",
    "sign_in_failed",
    "sign_in_throttled",
    "sign_out",
    "sign_in_code_asked",
    "second_factor_enrolled",
    "second_factor_failed",
    "second_factor_recovery_used",
    "second_factor_disabled",
    "second_factor_reset",
];

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    client: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    layout: Layout,
    events: Vec<AuditEvent>,
    names: HashMap<i64, String>,
    client_names: HashMap<i64, String>,
    clients: Vec<(i64, String)>,
    accounts: Vec<(i64, String)>,
    actions: &'static [&'static str],
    query: AuditQuery,
    message: Option<String>,
    older: Option<String>,
    newest: Option<String>,
}

impl AuditPage {
    fn who(&self, account_id: &Option<i64>) -> String {
        match account_id {
            Some(id) => self
                .names
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("account #{id}")),
            None => "unknown account".into(),
        }
    }

    fn client_name(&self, client_id: &Option<i64>) -> String {
        client_id
            .and_then(|id| self.client_names.get(&id).cloned())
            .unwrap_or_else(|| "a client no longer listed".into())
    }

    fn what(&self, event: &AuditEvent) -> String {
        plain_action(&event.action, &event.record_kind)
    }

    /// Where the record of an event can be opened, when it is one with a page of its own.
    fn record_link(&self, event: &AuditEvent) -> Option<String> {
        let (client, id) = (event.client_id?, event.record_id?);
        match event.record_kind.as_str() {
            "hair_test" => Some(format!("/clients/{client}/tests/{id}")),
            "summary" | "summary_pdf" => Some(format!("/clients/{client}/summaries/{id}")),
            "timeline" | "client" => Some(format!("/clients/{client}")),
            "diary" | "diary_entry" => Some(format!("/clients/{client}/diary")),
            "flag" => Some(format!("/clients/{client}#flag-{id}")),
            _ => None,
        }
    }

    fn selected(&self, value: &str, id: &i64) -> bool {
        value == id.to_string()
    }
}

fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|id| *id > 0)
}

fn parse_day(text: &str, field: &str, message: &mut Option<String>) -> Option<NaiveDate> {
    match text.trim() {
        "" => None,
        day => NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| {
                *message = Some(format!("The {field} date is not a date: use YYYY-MM-DD."))
            })
            .ok(),
    }
}

/// `before=` is `<microseconds since 1970>.<event id>`: the last event of the previous page.
fn parse_cursor(text: &str) -> Option<(NaiveDateTime, i64)> {
    let (micros, id) = text.split_once('.')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some((at, id.parse().ok()?))
}

fn cursor_of(event: &AuditEvent) -> String {
    format!(
        "{}.{}",
        event.occurred_at.and_utc().timestamp_micros(),
        event.id
    )
}

fn link(query: &AuditQuery, before: Option<&str>) -> String {
    let mut parts = Vec::new();
    for (name, value) in [
        ("client", &query.client),
        ("account", &query.account),
        ("action", &query.action),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if !value.trim().is_empty() {
            parts.push(format!("{name}={}", url_encode(value.trim())));
        }
    }
    if let Some(before) = before {
        parts.push(format!("before={before}"));
    }
    if parts.is_empty() {
        "/audit".into()
    } else {
        format!("/audit?{}", parts.join("&"))
    }
}

pub async fn list(
    practitioner: Practitioner,
    pool: web::Data<Pool>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let mut message = None;
    let from = parse_day(&query.from, "from", &mut message);
    let to = parse_day(&query.to, "to", &mut message);
    let filter = AuditFilter {
        owner_id: practitioner.id().get(),
        client_id: parse_id(&query.client),
        account_id: parse_id(&query.account),
        action: ACTIONS
            .iter()
            .find(|a| **a == query.action.trim())
            .map(|a| a.to_string()),
        from: from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        until: to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
        before: parse_cursor(&query.before),
    };
    let first_page = filter.before.is_none();
    let owner = practitioner.id();
    let (events, more, names, clients, accounts) = run_db(&pool, move |conn| {
        let (events, more) = audit::page(conn, &filter, PAGE_SIZE)?;
        let ids: Vec<i64> = events.iter().filter_map(|e| e.account_id).collect();
        let names = crate::db::accounts::display_names(conn, &ids)?;
        let (clients, accounts) = audit::filter_choices(conn, owner.get())?;
        Ok((events, more, names, clients, accounts))
    })
    .await?;
    let older = more
        .then(|| events.last().map(|e| link(&query, Some(&cursor_of(e)))))
        .flatten();
    let newest = (!first_page).then(|| link(&query, None));
    let client_names = clients.iter().cloned().collect();
    let status = match message {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    render_page(
        status,
        &AuditPage {
            layout: Layout::for_practitioner(&practitioner, "audit"),
            events,
            names,
            client_names,
            clients,
            accounts,
            actions: ACTIONS,
            query,
            message,
            older,
            newest,
        },
    )
}

/// One view of a client's record, as the record's page lists it.
pub struct AccessLine {
    pub at: String,
    pub who: String,
    pub what: String,
    pub from: String,
}

/// What a `record_kind` was, in words: the thing an action was done to or a view showed.
fn record_words(kind: &str) -> &'static str {
    match kind {
        "timeline" => "the timeline",
        "client_details" => "the client's details",
        "client" => "a client",
        "clients" => "the client list",
        "hair_test" => "a hair test",
        "diary" => "the symptom diary",
        "diary_entry" => "a diary entry",
        "symptom" => "a diary symptom",
        "summary" => "a progress summary",
        "summary_pdf" => "a progress summary (PDF)",
        "portal_diary" => "the diary in the portal",
        "portal_history" => "the diary history in the portal",
        "portal_results" => "the results in the portal",
        "program_version" => "the program",
        "flag" => "a flag",
        "invitation" => "a portal invitation",
        "account" => "an account",
        "practitioner" => "the practice",
        "reference_set" => "a reference set",
        _ => "a record",
    }
}

/// What an `action` was, in words, for the filter's choices.
pub fn action_words(action: &str) -> String {
    match action {
        audit::VIEW => "viewed".into(),
        "search" => "searched".into(),
        "export" => "exported".into(),
        "create" => "added".into(),
        "update" => "edited".into(),
        "import" => "imported".into(),
        "delete" => "deleted".into(),
        "restore" => "restored".into(),
        "archive" => "archived".into(),
        "acknowledge" => "acknowledged".into(),
        "annotate" => "annotated".into(),
        "share" => "shared".into(),
        "unshare" => "stopped sharing".into(),
        "reanalyze" => "re-analysed".into(),
        "revoke" => "withdrew".into(),
        "accept" => "accepted".into(),
        "reset_access" => "reset access with".into(),
        "attach_report" => "attached a lab report to".into(),
        "upload_report" => "uploaded".into(),
        "download_report" => "downloaded the lab report of".into(),
        "purge" => "removed for good".into(),
        "seed" => "filled with demo data".into(),
        "sign_in" => "signed in".into(),
        "sign_in_failed" => "failed to sign in".into(),
        "sign_in_throttled" => "sign-in held back (too many attempts)".into(),
        "sign_out" => "signed out".into(),
        "second_factor" => "confirmed the second factor".into(),
        other => other.replace('_', " "),
    }
}

/// One event as a plain sentence without its subject: "viewed the timeline", "edited a hair
/// test", "signed in". Sessions need no object; everything else names what it was done to.
pub fn plain_action(action: &str, record_kind: &str) -> String {
    let verb = action_words(action);
    match action {
        "sign_in" | "sign_in_failed" | "sign_in_throttled" | "sign_out" | "second_factor" => verb,
        "upload_report" => "uploaded a lab report".into(),
        "seed" => "filled the practice with demo data".into(),
        _ => format!("{verb} {}", record_words(record_kind)),
    }
}

/// The latest views of a client's record, by anyone.
pub async fn recent_access(pool: &Pool, client_id: ClientId) -> AppResult<Vec<AccessLine>> {
    let read = run_db(pool, move |conn| read_recent_access(conn, client_id)).await?;
    Ok(read.lines())
}

/// The latest views of a client's record as read, for a page that reads them with the rest of
/// its records in one `run_db`.
pub struct RecentAccess {
    views: Vec<audit::RecentView>,
}

pub fn read_recent_access(
    conn: &mut crate::db::DbConn,
    client_id: ClientId,
) -> Result<RecentAccess, crate::db::DbError> {
    Ok(RecentAccess {
        views: audit::recent_views_of_client(conn, client_id.get(), 10)?,
    })
}

impl RecentAccess {
    pub fn lines(self) -> Vec<AccessLine> {
        self.views
            .into_iter()
            .map(|view| AccessLine {
                at: view.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
                who: view.viewer_name.unwrap_or_else(|| "unknown account".into()),
                what: plain_action(&view.action, &view.record_kind),
                from: view.remote_addr.unwrap_or_default(),
            })
            .collect()
    }
}

/// Records that the signed-in account opened part of a client's record: HIPAA §164.312(b)
/// expects every access to a record to be on record, by anyone. `what` names the page or file
/// (`timeline`, `hair_test`, …) and `record_id` the record shown (the client's id for pages of
/// the whole record). Returns once the event is committed (through the server's one view
/// writer, `service::view_log`, which commits concurrent views together).
pub async fn record_view(
    req: &HttpRequest,
    pool: &Pool,
    viewer: AccountId,
    client: &ClientRow,
    what: &'static str,
    record_id: Option<i64>,
) -> AppResult<()> {
    let read = Read {
        action: audit::VIEW,
        what,
        record_id: record_id.unwrap_or(client.id.get()),
        detail: "",
    };
    record_read(req, pool, viewer, client, read).await
}

/// A read of a client's record to put on record: a view (`record_view`) or a download.
pub struct Read<'a> {
    /// `view`, or `export` for a file downloaded.
    pub action: &'static str,
    /// The kind of record read (`timeline`, `summary`, …).
    pub what: &'static str,
    pub record_id: i64,
    pub detail: &'a str,
}

/// Records a read of a client's record by `reader` (a view, a download) through the view
/// writer like `record_view`: committed, in the chain, before the answer is sent; reads never
/// change a record, so they are not state changes' fully synced transactions.
pub async fn record_read(
    req: &HttpRequest,
    pool: &Pool,
    reader: AccountId,
    client: &ClientRow,
    read: Read<'_>,
) -> AppResult<()> {
    let event = AuditEvent {
        id: crate::db::new_id(),
        occurred_at: crate::db::now(),
        account_id: Some(reader.get()),
        action: read.action.to_string(),
        record_kind: read.what.to_string(),
        record_id: Some(read.record_id),
        remote_addr: Some(remote_addr(req)),
        detail: read.detail.to_string(),
        seq: None,
        entry_hash: None,
        owner_id: Some(client.practitioner_id.get()),
        client_id: Some(client.id.get()),
    };
    match req.app_data::<web::Data<ViewLog>>() {
        Some(views) => views.record(event).await,
        // An app assembled without the writer (not `app::run`): one transaction per view.
        None => run_db(pool, move |conn| audit::append_views(conn, vec![event])).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_as_plain_words() {
        assert_eq!(plain_action("view", "timeline"), "viewed the timeline");
        assert_eq!(plain_action("update", "hair_test"), "edited a hair test");
        assert_eq!(plain_action("sign_in", "account"), "signed in");
        assert_eq!(plain_action("acknowledge", "flag"), "acknowledged a flag");
        for action in ACTIONS {
            assert!(!action_words(action).contains('_'), "{action}");
        }
    }
}
