//! The practitioner's dashboard: open flags across all clients, retests due, recent activity,
//! counts, and clients filtered by their current oxidation type or pattern. A fixed handful of
//! indexed queries, whatever the number of clients, run only when the practice's kept body is
//! not current (`kept`).

pub mod kept;

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::{AppError, AppResult, Layout};
use crate::auth::extract::signed_in_with;
use crate::auth::Practitioner;
use crate::db::dashboard_cache::{self, ClientOverview, FlagShelf, OpenFlag, OpenFlagCounts};
use crate::db::{record_versions, AccountId, DbConn, DbError, FlagId};
use crate::web::flag_text::{flag_text, FlagText};
use crate::web::kept_html::{respond, KeptPart, Rendered};
use kept::{DashboardCache, Made};

/// Retests due within this many days are listed as "coming up".
const DUE_SOON_DAYS: i64 = 14;

pub const OXIDATION_TYPES: [&str; 5] = ["fast", "slow", "mixed", "four_lows", "undetermined"];
pub const FILTER_PATTERNS: [&str; 19] = [
    "P-NAK-INV",
    "P-NAK-INV-SEVERE",
    "P-CA-SHELL",
    "P-K-LOW",
    "P-K-VLOW",
    "P-FOUR-HIGHS",
    "P-THREE-HIGHS",
    "P-SYMP-DOM",
    "P-BIOUNAVAIL-CA",
    "P-FAST-DEPLETION",
    "P-ZNCU-LOW",
    "P-P-LOW",
    "P-BURNED-OUT",
    "P-HIDDEN-CU",
    "P-BOWL",
    "P-DOUBLE-HIGH",
    "P-DOUBLE-LOW",
    "P-MG-SHELL",
    "P-POOR-ELIM",
];

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    #[serde(default)]
    oxidation: String,
    #[serde(default)]
    pattern: String,
    /// `borderline`: the open CMP-2 borderline type changes instead of the other flags.
    #[serde(default)]
    flags: String,
}

/// Which view of the dashboard a request asks for: the flag shelf and the filter. Only known
/// values are kept (anything else means "no filter"), so it is small and part of the key of a
/// kept body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct View {
    shelf: FlagShelf,
    oxidation: Option<&'static str>,
    pattern: Option<Pattern>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Pattern {
    Listed(&'static str),
    /// `P-TOXIC-` and a symbol of at most two ASCII letters (as written in the address).
    Toxic {
        symbol: [u8; 2],
        len: u8,
    },
}

impl Pattern {
    fn id(&self) -> String {
        match self {
            Pattern::Listed(id) => id.to_string(),
            Pattern::Toxic { symbol, len } => {
                let symbol = symbol.get(..usize::from(*len)).unwrap_or_default();
                format!("P-TOXIC-{}", String::from_utf8_lossy(symbol))
            }
        }
    }
}

impl View {
    /// The view of the query's `oxidation`, `pattern` and `flags` values.
    pub fn parse(oxidation: &str, pattern: &str, flags: &str) -> View {
        let toxic = || {
            let symbol = pattern.strip_prefix("P-TOXIC-")?.as_bytes();
            if symbol.len() > 2 || !symbol.iter().all(u8::is_ascii_alphabetic) {
                return None;
            }
            let mut bytes = [0u8; 2];
            bytes[..symbol.len()].copy_from_slice(symbol);
            Some(Pattern::Toxic {
                symbol: bytes,
                len: symbol.len() as u8,
            })
        };
        View {
            shelf: if flags == "borderline" {
                FlagShelf::Borderline
            } else {
                FlagShelf::Clear
            },
            oxidation: OXIDATION_TYPES.iter().find(|t| **t == oxidation).copied(),
            pattern: FILTER_PATTERNS
                .iter()
                .find(|p| **p == pattern)
                .map(|p| Pattern::Listed(p))
                .or_else(toxic),
        }
    }

    fn other_shelf(&self) -> FlagShelf {
        match self.shelf {
            FlagShelf::Clear => FlagShelf::Borderline,
            FlagShelf::Borderline => FlagShelf::Clear,
        }
    }
}

/// An open flag as the dashboard lists it: by name, with the flag after it (where the page
/// returns to once this one is acknowledged).
pub struct DashFlag {
    pub flag: OpenFlag,
    pub text: FlagText,
    pub next: Option<FlagId>,
}

pub struct DueLine {
    pub client: ClientOverview,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// The page: the frame of this request around the body, kept or rendered (served in place of
/// the slot, `kept_html::respond`).
#[derive(Template)]
#[template(path = "home/dashboard.html")]
struct Dashboard {
    layout: Layout,
    body: KeptPart,
}

/// What the body reads of the page's layout: the forms' CSRF token.
struct TokenOnly<'a> {
    csrf_token: &'a str,
}

/// The dashboard's body (`templates/home/body.html`), the same for every session of the
/// practice but for the CSRF token.
#[derive(Template)]
#[template(path = "home/body.html")]
struct Body<'a> {
    layout: TokenOnly<'a>,
    active_clients: i64,
    open_flags: Vec<DashFlag>,
    open_flag_count: i64,
    /// Whether `open_flags` are the borderline type changes (OX-7) rather than the others.
    showing_borderline: bool,
    /// Open flags on the other shelf (borderline when showing clear ones, and back).
    other_flag_count: i64,
    due: Vec<DueLine>,
    overdue_count: i64,
    recent: Vec<ClientOverview>,
    oxidation: String,
    pattern: String,
    filtered: Option<(Vec<ClientOverview>, i64)>,
    oxidation_types: [&'static str; 5],
    /// (id, people's name) of each pattern the filter offers.
    patterns: Vec<(&'static str, String)>,
}

impl Body<'_> {
    /// The chosen pattern's name for the filter's result line.
    fn pattern_name(&self) -> String {
        crate::web::flag_text::finding_name(&self.pattern)
    }
}

/// What the body shows, as read from the records.
struct Rows {
    active_clients: i64,
    open_flags: Vec<OpenFlag>,
    flag_counts: OpenFlagCounts,
    due: Vec<(ClientOverview, NaiveDate)>,
    overdue_count: i64,
    recent: Vec<ClientOverview>,
    filtered: Option<(Vec<ClientOverview>, i64)>,
}

fn load(
    conn: &mut DbConn,
    owner: AccountId,
    view: View,
    today: NaiveDate,
) -> Result<Rows, DbError> {
    let pattern = view.pattern.map(|p| p.id());
    let filtered = if view.oxidation.is_some() || pattern.is_some() {
        Some(dashboard_cache::filtered(
            conn,
            owner,
            view.oxidation,
            pattern.as_deref(),
            200,
        )?)
    } else {
        None
    };
    let due_until = today + Duration::days(DUE_SOON_DAYS);
    Ok(Rows {
        active_clients: dashboard_cache::active_client_count(conn, owner)?,
        open_flags: dashboard_cache::open_flags(conn, owner, 25, view.shelf)?,
        flag_counts: dashboard_cache::open_flag_counts(conn, owner)?,
        due: dashboard_cache::due_before(conn, owner, due_until, 100)?,
        overdue_count: dashboard_cache::overdue_count(conn, owner, today)?,
        recent: dashboard_cache::recently_active(conn, owner, 8)?,
        filtered,
    })
}

fn render_body(view: View, rows: Rows, today: NaiveDate, csrf_token: &str) -> AppResult<String> {
    // After acknowledging, the list shows the flag that followed (or, for the last, the one
    // before) where the acknowledged one was.
    let ids: Vec<FlagId> = rows.open_flags.iter().map(|f| f.flag_id).collect();
    let next_ids: Vec<Option<FlagId>> = (0..ids.len())
        .map(|i| {
            ids.get(i + 1)
                .or_else(|| i.checked_sub(1).and_then(|p| ids.get(p)))
                .copied()
        })
        .collect();
    let open_flags: Vec<DashFlag> = rows
        .open_flags
        .into_iter()
        .zip(next_ids)
        .map(|(flag, next)| DashFlag {
            text: flag_text(&flag.kind, &flag.rule, &flag.flag_key, &flag.summary),
            flag,
            next,
        })
        .collect();
    let due: Vec<DueLine> = rows
        .due
        .into_iter()
        .map(|(client, due)| DueLine {
            overdue: today >= due,
            due,
            client,
        })
        .collect();
    Body {
        layout: TokenOnly { csrf_token },
        active_clients: rows.active_clients,
        open_flags,
        open_flag_count: rows.flag_counts.on(view.shelf),
        showing_borderline: view.shelf == FlagShelf::Borderline,
        other_flag_count: rows.flag_counts.on(view.other_shelf()),
        due,
        overdue_count: rows.overdue_count,
        recent: rows.recent,
        oxidation: view.oxidation.unwrap_or_default().to_string(),
        pattern: view.pattern.map(|p| p.id()).unwrap_or_default(),
        filtered: rows.filtered,
        oxidation_types: OXIDATION_TYPES,
        patterns: FILTER_PATTERNS
            .iter()
            .map(|id| (*id, crate::export::plain::pattern_name(id)))
            .collect(),
    }
    .render()
    .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// The body rendered from the records as they are now, never from the kept copy: what a kept
/// body must equal (`tests/api/dashboard_cache.rs` compares them after every kind of change).
pub fn fresh_body(
    conn: &mut DbConn,
    owner: AccountId,
    view: View,
    today: NaiveDate,
    csrf_token: &str,
) -> AppResult<String> {
    let rows = load(conn, owner, view, today)?;
    render_body(view, rows, today, csrf_token)
}

/// The body of a request: the kept copy, or the records to render it from.
enum Read {
    Kept(Arc<Rendered>),
    Loaded { made: Made, rows: Box<Rows> },
}

/// `/` is everyone's start page: a client's is the portal. The session and the dashboard's
/// read (the practice's version, then the kept body or the records) are one `run_db`.
pub async fn dashboard(
    req: HttpRequest,
    cache: web::Data<DashboardCache>,
    query: web::Query<DashboardQuery>,
) -> AppResult<HttpResponse> {
    let view = View::parse(&query.oxidation, &query.pattern, &query.flags);
    let today = crate::web::view::today();
    let kept = cache.clone();
    let (current, read) = signed_in_with(&req, move |conn, account| {
        if account.role != crate::db::accounts::Role::Practitioner {
            return Ok(None);
        }
        let owner = account.id;
        // The version first, so the records read after it are never older than it says.
        let made = Made {
            version: record_versions::of_practice(conn, owner.get())?,
            today,
        };
        if let Some(body) = kept.get(owner, view, made) {
            return Ok(Some(Read::Kept(body)));
        }
        Ok(Some(Read::Loaded {
            made,
            rows: Box::new(load(conn, owner, view, today)?),
        }))
    })
    .await?;
    let Some(read) = read else {
        return Ok(super::forms::redirect("/portal"));
    };
    let practitioner = Practitioner(current);
    let owner = practitioner.id();
    let rendered = match read {
        Read::Kept(body) => body,
        Read::Loaded { made, rows } => {
            let html = render_body(view, *rows, today, cache.slot())?;
            let rendered = Arc::new(Rendered::split(&html, cache.slot()));
            cache.keep(owner, view, made, rendered.clone());
            rendered
        }
    };
    let layout = Layout::for_practitioner(&practitioner, "home");
    let csrf_token = layout.csrf_token.clone();
    // The body is most of the page: served as it is kept, the frame rendered around it.
    respond(
        actix_web::http::StatusCode::OK,
        &Dashboard {
            layout,
            body: KeptPart::Slot,
        },
        rendered,
        &csrf_token,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::kept_html::{served_html, token_slot};

    /// The dashboard served around its kept body (`kept_html::respond`) is, byte for byte, the
    /// page rendered whole with it.
    #[test]
    fn the_page_served_around_its_body_is_the_page_rendered_whole() {
        let slot = token_slot();
        let body = format!(
            "<section><form><input value=\"{slot}\"></form>{}</section>",
            "Retest due ↑ ".repeat(3000)
        );
        let kept = Arc::new(Rendered::split(&body, &slot));
        let page = |body| Dashboard {
            layout: Layout::for_tests("home"),
            body,
        };
        let whole = page(KeptPart::Whole(kept.with_token("token-1").to_string()))
            .render()
            .unwrap();
        assert!(whole.contains("<input value=\"token-1\">"));
        assert_eq!(
            served_html(&page(KeptPart::Slot), kept.clone(), "token-1"),
            whole
        );
    }
}
