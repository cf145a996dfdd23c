//! The client's settings: their time zone (a UTC offset), which decides what "today" is in the
//! diary, and how to get a new password.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{long_date, Notice};
use crate::auth::csrf::CsrfForm;
use crate::auth::PortalClient;
use crate::db::{now, Pool};
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

#[derive(Template)]
#[template(path = "portal/preferences.html")]
struct SettingsPage {
    layout: Layout,
    email: String,
    choices: Vec<OffsetChoice>,
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
    let mut choices = vec![OffsetChoice {
        value: String::new(),
        label: format!("Same as the practice ({})", server.label()),
        selected: selected.is_empty(),
    }];
    choices.extend(UtcOffset::choices().into_iter().map(|o| {
        let value = o.minutes().to_string();
        OffsetChoice {
            selected: value == selected,
            label: o.label(),
            value,
        }
    }));
    let offset = portal.offset();
    let local = now() + chrono::Duration::minutes(i64::from(offset.minutes()));
    render_page(
        status,
        &SettingsPage {
            layout: Layout::for_account(&portal.current, "portal-settings"),
            email: portal.account().email.clone(),
            choices,
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
    let selected = portal
        .settings
        .utc_offset_minutes
        .map(|m| m.to_string())
        .unwrap_or_default();
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
    utc_offset: String,
}

/// POST /portal/settings
pub async fn save_settings(
    req: HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> AppResult<HttpResponse> {
    let minutes = match form.utc_offset.trim() {
        "" => None,
        text => match UtcOffset::parse(text) {
            Ok(offset) => Some(i64::from(offset.minutes())),
            Err(message) => {
                let mut errors = FieldErrors::default();
                errors.add("utc_offset", message);
                return page(
                    &pool,
                    &portal,
                    &form.utc_offset,
                    None,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let (client_id, account_id, addr) = (portal.client.id, portal.account().id, remote_addr(&req));
    run_db(&pool, move |conn| {
        commands::portal::set_utc_offset(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            client_id,
            minutes,
        )
    })
    .await?;
    Ok(redirect("/portal/settings?saved=1"))
}
