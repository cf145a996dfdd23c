//! Progress summaries: created for a period with a comment, frozen as a document at that moment,
//! then read as a printable page or a PDF in two copies (the practitioner's, and the client's
//! plain-language one the portal serves), shared, unshared, deleted and restored.

pub mod documents;
pub mod kept_pdfs;
pub mod lifecycle;
pub mod load;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::forms::{redirect, FieldErrors, Lines};
use super::{remote_addr, run_db, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::ScopedClient;
use crate::db::clients::ClientRow;
use crate::db::ids::SummaryId;
use crate::db::summaries::{self, SummaryRow};
use crate::db::Pool;
use crate::service::commands::summaries as commands;
use crate::service::commands::Actor;

pub use documents::{client_copy, client_pdf, pdf, portal_pdf, show};
pub use lifecycle::{delete, restore, share, SummaryList};

use crate::web::view::render_page as html;

#[derive(Template)]
#[template(path = "summaries/new.html")]
struct NewPage {
    layout: Layout,
    client: ClientRow,
    period_start: String,
    period_end: String,
    comment: String,
    errors: FieldErrors,
    /// Set when this form updates an earlier summary (its id).
    updating: Option<SummaryId>,
}

#[derive(Deserialize)]
pub struct NewQuery {
    /// "Update" of an earlier summary: its period start and comment, ending today.
    from: Option<String>,
}

pub async fn new_form(
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    query: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let client_id = scoped.client.id;
    let today = crate::web::view::today();
    let from = query
        .from
        .as_deref()
        .and_then(|id| id.parse::<SummaryId>().ok());
    let ((start, end), earlier) = run_db(&pool, move |conn| {
        let earlier = match from {
            Some(id) => summaries::find_for_client(conn, client_id, id)?,
            None => None,
        };
        Ok((load::default_period(conn, client_id, today)?, earlier))
    })
    .await?;
    let (start, comment, updating) = match earlier {
        Some(row) => (row.period_start.min(today), row.comment, Some(row.id)),
        None => (start, String::new(), None),
    };
    html(
        StatusCode::OK,
        &NewPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client: scoped.client,
            period_start: start.to_string(),
            period_end: end.to_string(),
            comment,
            errors: FieldErrors::default(),
            updating,
        },
    )
}

#[derive(Deserialize)]
pub struct NewSummaryForm {
    #[serde(default)]
    period_start: String,
    #[serde(default)]
    period_end: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    updating: String,
}

fn parse_period(form: &NewSummaryForm) -> Result<(NaiveDate, NaiveDate), FieldErrors> {
    let mut errors = FieldErrors::default();
    errors.check_text("period_start", &form.period_start, Lines::Single);
    errors.check_text("period_end", &form.period_end, Lines::Single);
    errors.check_text("comment", &form.comment, Lines::Multi);
    let date = |text: &str, field: &'static str, errors: &mut FieldErrors| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| {
                errors.add(
                    field,
                    format!("“{}” is not a date: use YYYY-MM-DD.", text.trim()),
                )
            })
            .ok()
    };
    let start = date(&form.period_start, "period_start", &mut errors);
    let end = date(&form.period_end, "period_end", &mut errors);
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.add("period_end", "The period ends before it starts.");
        }
    }
    if form.comment.chars().count() > 20_000 {
        errors.add("comment", "The comment is limited to 20,000 characters.");
    }
    match (start, end, errors.is_empty()) {
        (Some(s), Some(e), true) => Ok((s, e)),
        _ => Err(errors),
    }
}

pub async fn create(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(form): CsrfForm<NewSummaryForm>,
) -> AppResult<HttpResponse> {
    let period = match parse_period(&form) {
        Ok(period) => period,
        Err(errors) => {
            return html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewPage {
                    layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
                    client: scoped.client,
                    period_start: form.period_start,
                    period_end: form.period_end,
                    comment: form.comment,
                    errors,
                    updating: form.updating.parse().ok(),
                },
            );
        }
    };
    let (owner, client, addr) = (
        scoped.practitioner.id(),
        scoped.client.clone(),
        remote_addr(&req),
    );
    let client_id = client.id;
    let comment = form.comment.trim().to_string();
    let id = run_db(&pool, move |conn| {
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        commands::create(conn, &actor, client_id, period, &comment, |conn, row| {
            let author = load::author_of(conn, row)?;
            let data = load::assemble(conn, &client, &author, row)?;
            data.to_json().map_err(crate::db::DbError::unwritable)
        })
    })
    .await?;
    Ok(redirect(&format!("/clients/{client_id}/summaries/{id}")))
}
