//! Progress summaries: created for a period with a comment, then read as a printable page or a
//! PDF, and optionally shared with the client in the portal.

pub mod load;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::forms::{redirect, FieldErrors};
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::extract::parse_id;
use crate::auth::{PortalClient, ScopedClient};
use crate::charts::line_chart;
use crate::db::accounts;
use crate::db::clients::ClientRow;
use crate::db::summaries::{self, SummaryRow};
use crate::db::Pool;
use crate::export::summary::{SummaryData, DISCLAIMER};

use crate::web::view::render_page;

#[derive(Template)]
#[template(path = "summaries/new.html")]
struct NewPage {
    layout: Layout,
    client: ClientRow,
    period_start: String,
    period_end: String,
    comment: String,
    errors: FieldErrors,
    existing: Vec<SummaryRow>,
}

pub async fn new_form(pool: web::Data<Pool>, scoped: ScopedClient) -> AppResult<HttpResponse> {
    let client_id = scoped.client.id;
    let today = crate::web::view::today();
    let ((start, end), existing) = run_db(&pool, move |conn| {
        Ok((
            load::default_period(conn, client_id, today)?,
            summaries::list_for_client(conn, client_id)?,
        ))
    })
    .await?;
    render_page(
        StatusCode::OK,
        &NewPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client: scoped.client,
            period_start: start.to_string(),
            period_end: end.to_string(),
            comment: String::new(),
            errors: FieldErrors::default(),
            existing,
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
}

fn parse_period(form: &NewSummaryForm) -> Result<(NaiveDate, NaiveDate), FieldErrors> {
    let mut errors = FieldErrors::default();
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
            let client_id = scoped.client.id;
            let existing = run_db(&pool, move |conn| {
                summaries::list_for_client(conn, client_id)
            })
            .await?;
            return render_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewPage {
                    layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
                    client: scoped.client,
                    period_start: form.period_start,
                    period_end: form.period_end,
                    comment: form.comment,
                    errors,
                    existing,
                },
            );
        }
    };
    let (owner, client_id, addr) = (
        scoped.practitioner.id(),
        scoped.client.id,
        remote_addr(&req),
    );
    let comment = form.comment.trim().to_string();
    let id = run_db(&pool, move |conn| {
        summaries::create(conn, owner, client_id, period, &comment, &addr)
    })
    .await?;
    Ok(redirect(&format!("/clients/{client_id}/summaries/{id}")))
}

/// Loads the summary named in the URL for this client and assembles its content.
async fn assemble(
    req: &HttpRequest,
    pool: &Pool,
    client: ClientRow,
) -> AppResult<(SummaryRow, SummaryData)> {
    let id = parse_id(req.match_info().get("summary_id"))?;
    let found = run_db(pool, move |conn| {
        let Some(row) = summaries::find_for_client(conn, client.id, id)? else {
            return Ok(None);
        };
        let author = accounts::find(conn, row.created_by)?
            .map(|a| a.display_name)
            .unwrap_or_default();
        let data = load::load(conn, &client, &author, &row)?;
        Ok(Some((row, data)))
    })
    .await?;
    found.ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "summaries/show.html")]
struct ShowPage {
    layout: Layout,
    client_id: i64,
    summary: SummaryRow,
    data: SummaryData,
    charts: Vec<String>,
    disclaimer: &'static str,
    /// The practitioner's view has the share controls; the client's has none.
    for_practitioner: bool,
}

impl ShowPage {
    fn week_cells(&self, weekly: &[(NaiveDate, Option<f64>)]) -> Vec<(String, &'static str)> {
        weekly
            .iter()
            .map(|(week, avg)| {
                let class = match avg {
                    None => "sev-none",
                    Some(a) if *a < 0.5 => "sev-0",
                    Some(a) if *a < 3.0 => "sev-1",
                    Some(a) if *a < 6.0 => "sev-2",
                    Some(_) => "sev-3",
                };
                let title = match avg {
                    Some(a) => format!("week of {week}: {a:.1}"),
                    None => format!("week of {week}: not logged"),
                };
                (title, class)
            })
            .collect()
    }
}

fn charts_of(data: &SummaryData) -> Vec<String> {
    match &data.axis {
        Some(axis) => data
            .series
            .iter()
            .map(|s| line_chart(s, axis, &data.markers))
            .collect(),
        None => Vec::new(),
    }
}

pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let client_id = scoped.client.id;
    let (summary, data) = assemble(&req, &pool, scoped.client).await?;
    render_page(
        StatusCode::OK,
        &ShowPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client_id,
            charts: charts_of(&data),
            summary,
            data,
            disclaimer: DISCLAIMER,
            for_practitioner: true,
        },
    )
}

fn pdf_response(data: &SummaryData, summary_id: i64) -> AppResult<HttpResponse> {
    let bytes = crate::export::pdf::render_summary_pdf(data).map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"summary-{summary_id}.pdf\""),
        ))
        .body(bytes))
}

pub async fn pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let (summary, data) = assemble(&req, &pool, scoped.client).await?;
    pdf_response(&data, summary.id)
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    shared: String,
}

pub async fn share(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(form): CsrfForm<ShareForm>,
) -> AppResult<HttpResponse> {
    let id = parse_id(req.match_info().get("summary_id"))?;
    let shared = form.shared == "1";
    let (owner, client_id, addr) = (
        scoped.practitioner.id(),
        scoped.client.id,
        remote_addr(&req),
    );
    let updated = run_db(&pool, move |conn| {
        summaries::set_shared(conn, owner, client_id, id, shared, &addr)
    })
    .await?;
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("/clients/{client_id}/summaries/{id}")))
}

/// A summary the practitioner shared, downloaded by the client from the portal.
pub async fn portal_pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
) -> AppResult<HttpResponse> {
    let id = parse_id(req.match_info().get("summary_id"))?;
    let client = portal.client.clone();
    let found = run_db(&pool, move |conn| {
        let Some(row) =
            summaries::find_for_client(conn, client.id, id)?.filter(|r| r.shared_at.is_some())
        else {
            return Ok(None);
        };
        let author = accounts::find(conn, row.created_by)?
            .map(|a| a.display_name)
            .unwrap_or_default();
        Ok(Some((row.id, load::load(conn, &client, &author, &row)?)))
    })
    .await?;
    let (summary_id, data) = found.ok_or(AppError::NotFound)?;
    pdf_response(&data, summary_id)
}

/// The summaries shared with this client, for the portal's list.
pub async fn shared_for_client(pool: &Pool, client_id: i64) -> AppResult<Vec<SummaryRow>> {
    run_db(pool, move |conn| summaries::list_shared(conn, client_id)).await
}
