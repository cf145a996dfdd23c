//! The practitioner's dashboard: open flags across all clients, retests due, recent activity,
//! counts, and clients filtered by their current oxidation type or pattern. A fixed handful of
//! indexed queries, whatever the number of clients.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::view::render_page;
use super::{run_db, AppResult, Layout};
use crate::auth::{CurrentAccount, Practitioner};
use crate::db::dashboard_cache::{self, ClientOverview, FlagShelf, OpenFlag};
use crate::db::Pool;
use crate::web::flag_text::{flag_text, FlagText};

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

/// An open flag as the dashboard lists it: by name, with the flag after it (where the page
/// returns to once this one is acknowledged).
pub struct DashFlag {
    pub flag: OpenFlag,
    pub text: FlagText,
    pub next: Option<i64>,
}

pub struct DueLine {
    pub client: ClientOverview,
    pub due: NaiveDate,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "home/dashboard.html")]
struct Dashboard {
    layout: Layout,
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

impl Dashboard {
    /// The chosen pattern's name for the filter's result line.
    fn pattern_name(&self) -> String {
        crate::web::flag_text::finding_name(&self.pattern)
    }
}

/// `/` is everyone's start page: a client's is the portal.
pub async fn dashboard(
    current: CurrentAccount,
    pool: web::Data<Pool>,
    query: web::Query<DashboardQuery>,
) -> AppResult<HttpResponse> {
    if current.account().role != crate::db::accounts::Role::Practitioner {
        return Ok(super::forms::redirect("/portal"));
    }
    let practitioner = Practitioner(current);
    let owner = practitioner.id();
    let query = query.into_inner();
    // Only known values reach the query; anything else means "no filter".
    let oxidation = OXIDATION_TYPES
        .iter()
        .find(|t| **t == query.oxidation)
        .map(|t| t.to_string());
    let pattern = FILTER_PATTERNS
        .iter()
        .find(|p| **p == query.pattern)
        .map(|p| p.to_string())
        .or_else(|| {
            query
                .pattern
                .strip_prefix("P-TOXIC-")
                .filter(|s| s.len() <= 2 && s.chars().all(|c| c.is_ascii_alphabetic()))
                .map(|s| format!("P-TOXIC-{s}"))
        });
    let (ox, pat) = (oxidation.clone(), pattern.clone());
    let (shelf, other_shelf) = if query.flags == "borderline" {
        (FlagShelf::Borderline, FlagShelf::Clear)
    } else {
        (FlagShelf::Clear, FlagShelf::Borderline)
    };
    let today = crate::web::view::today();
    let due_until = today + Duration::days(DUE_SOON_DAYS);
    let (active_clients, open_flags, flag_counts, due_rows, overdue_count, recent, filtered) =
        run_db(&pool, move |conn| {
            let filtered = if ox.is_some() || pat.is_some() {
                Some(dashboard_cache::filtered(
                    conn,
                    owner,
                    ox.as_deref(),
                    pat.as_deref(),
                    200,
                )?)
            } else {
                None
            };
            Ok((
                dashboard_cache::active_client_count(conn, owner)?,
                dashboard_cache::open_flags(conn, owner, 25, shelf)?,
                dashboard_cache::open_flag_counts(conn, owner)?,
                dashboard_cache::due_before(conn, owner, due_until, 100)?,
                dashboard_cache::overdue_count(conn, owner, today)?,
                dashboard_cache::recently_active(conn, owner, 8)?,
                filtered,
            ))
        })
        .await?;
    // After acknowledging, the list shows the flag that followed (or, for the last, the one
    // before) where the acknowledged one was.
    let ids: Vec<i64> = open_flags.iter().map(|f| f.flag_id).collect();
    let next_ids: Vec<Option<i64>> = (0..ids.len())
        .map(|i| {
            ids.get(i + 1)
                .or_else(|| i.checked_sub(1).and_then(|p| ids.get(p)))
                .copied()
        })
        .collect();
    let open_flags: Vec<DashFlag> = open_flags
        .into_iter()
        .zip(next_ids)
        .map(|(flag, next)| DashFlag {
            text: flag_text(&flag.kind, &flag.rule, &flag.flag_key, &flag.summary),
            flag,
            next,
        })
        .collect();
    let due: Vec<DueLine> = due_rows
        .into_iter()
        .map(|(client, due)| DueLine {
            overdue: today >= due,
            due,
            client,
        })
        .collect();
    render_page(
        actix_web::http::StatusCode::OK,
        &Dashboard {
            layout: Layout::for_practitioner(&practitioner, "home"),
            active_clients,
            open_flags,
            open_flag_count: flag_counts.on(shelf),
            showing_borderline: shelf == FlagShelf::Borderline,
            other_flag_count: flag_counts.on(other_shelf),
            due,
            overdue_count,
            recent,
            oxidation: oxidation.unwrap_or_default(),
            pattern: pattern.unwrap_or_default(),
            filtered,
            oxidation_types: OXIDATION_TYPES,
            patterns: FILTER_PATTERNS
                .iter()
                .map(|id| (*id, crate::export::plain::pattern_name(id)))
                .collect(),
        },
    )
}
