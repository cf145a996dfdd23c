//! The client's settings: their time zone (by name, followed across summer time; a fixed UTC
//! offset chosen earlier is kept as it is), which decides what "today" is in the diary, and the
//! way to their account's own page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{long_date, Notice};
use crate::auth::csrf::CsrfForm;
use crate::auth::PortalClient;
use crate::db::{now, Pool};
use crate::domain::diary::zone::{parse_zone_name, COMMON_ZONES};
use crate::domain::diary::UtcOffset;
use crate::service::commands::{self, Actor};
use crate::web::audit::{recent_access, AccessLine};
use crate::web::forms::{redirect, FieldErrors};
use crate::web::view::render_page;
use crate::web::{remote_addr, run_db, AppResult, Layout};

pub struct OffsetChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The select's options under one heading (`<optgroup>`).
pub struct ChoiceGroup {
    pub label: String,
    pub choices: Vec<OffsetChoice>,
}

/// The form's value for a fixed offset (`offset:60`); a zone's value is its name.
const OFFSET_PREFIX: &str = "offset:";

/// The select's groups: zones by region, then the fixed offsets, with `selected` marked (a
/// zone posted that is not in the list is offered at the top, so it is kept).
fn choice_groups(selected: &str) -> Vec<ChoiceGroup> {
    let mut groups: Vec<ChoiceGroup> = COMMON_ZONES
        .iter()
        .map(|(region, zones)| ChoiceGroup {
            label: (*region).to_string(),
            choices: zones
                .iter()
                .map(|zone| OffsetChoice {
                    value: (*zone).to_string(),
                    label: zone.replace('_', " "),
                    selected: *zone == selected,
                })
                .collect(),
        })
        .collect();
    let listed = groups
        .iter()
        .any(|g| g.choices.iter().any(|c| c.value == selected));
    if !listed && !selected.is_empty() && !selected.starts_with(OFFSET_PREFIX) {
        if let Ok(zone) = parse_zone_name(selected) {
            groups.insert(
                0,
                ChoiceGroup {
                    label: "Your zone".into(),
                    choices: vec![OffsetChoice {
                        value: zone.name().to_string(),
                        label: zone.name().replace('_', " "),
                        selected: true,
                    }],
                },
            );
        }
    }
    groups.push(ChoiceGroup {
        label: "A fixed UTC offset (no summer time)".into(),
        choices: UtcOffset::choices()
            .into_iter()
            .map(|o| {
                let value = format!("{OFFSET_PREFIX}{}", o.minutes());
                OffsetChoice {
                    selected: value == selected,
                    label: o.label(),
                    value,
                }
            })
            .collect(),
    });
    groups
}

#[derive(Template)]
#[template(path = "portal/preferences.html")]
struct SettingsPage {
    layout: Layout,
    email: String,
    /// "Same as the practice", then the groups.
    default_choice: OffsetChoice,
    groups: Vec<ChoiceGroup>,
    zone_label: String,
    local_now: String,
    notice: Option<Notice>,
    errors: FieldErrors,
    /// Who opened the client's record lately: their right to know (HIPAA accounting of access).
    access: Vec<AccessLine>,
}

async fn page(
    pool: &Pool,
    portal: &PortalClient,
    selected: &str,
    notice: Option<Notice>,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let access = recent_access(pool, portal.client.id).await?;
    let server = UtcOffset::server_default();
    let default_choice = OffsetChoice {
        value: String::new(),
        label: format!("Same as the practice ({})", server.label()),
        selected: selected.is_empty(),
    };
    let zone = portal.zone();
    let local = zone.local_time(now());
    render_page(
        status,
        &SettingsPage {
            layout: Layout::for_account(&portal.current, "portal-settings"),
            email: portal.account().email.clone(),
            default_choice,
            groups: choice_groups(selected),
            zone_label: zone.label(),
            local_now: format!("{}, {}", long_date(local.date()), local.format("%H:%M")),
            notice,
            errors,
            access,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    saved: Option<String>,
}

/// GET /portal/settings
pub async fn settings_form(
    pool: web::Data<Pool>,
    portal: PortalClient,
    query: web::Query<SettingsQuery>,
) -> AppResult<HttpResponse> {
    let selected = match (
        &portal.settings.time_zone,
        portal.settings.utc_offset_minutes,
    ) {
        (Some(name), _) => name.clone(),
        (None, Some(minutes)) => format!("{OFFSET_PREFIX}{minutes}"),
        (None, None) => String::new(),
    };
    let notice = query.saved.is_some().then(|| Notice::ok("Saved."));
    page(
        &pool,
        &portal,
        &selected,
        notice,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    time_zone: String,
}

/// A zone by name, a fixed offset, or neither; the message for the field otherwise.
fn parse_choice(text: &str) -> Result<(Option<String>, Option<i64>), String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok((None, None));
    }
    if let Some(minutes) = text.strip_prefix(OFFSET_PREFIX) {
        return UtcOffset::parse(minutes).map(|o| (None, Some(i64::from(o.minutes()))));
    }
    parse_zone_name(text).map(|zone| (Some(zone.name().to_string()), None))
}

/// POST /portal/settings
pub async fn save_settings(
    req: HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> AppResult<HttpResponse> {
    let (name, minutes) = match parse_choice(&form.time_zone) {
        Ok(choice) => choice,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("time_zone", message);
            // What was posted is not offered back unless it is a real choice.
            return page(
                &pool,
                &portal,
                "",
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let (client_id, account_id, addr) = (portal.client.id, portal.account().id, remote_addr(&req));
    run_db(&pool, move |conn| {
        commands::portal::set_time_zone(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            client_id,
            name.as_deref(),
            minutes,
        )
    })
    .await?;
    Ok(redirect("/portal/settings?saved=1"))
}
