//! A summary as a document: its page and its PDF, in the practitioner's copy and the client's,
//! always rendered from the content frozen when it was made. Every PDF download is audited like
//! the other exports (action `export`, record `summary`).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use super::{load, SummaryRow};
use crate::auth::extract::parse_id;
use crate::auth::{PortalClient, ScopedClient};
use crate::charts::{line_chart, Chart};
use crate::db::clients::ClientRow;
use crate::db::summaries;
use crate::db::Pool;
use crate::export::summary::{
    severity_band, severity_legend, SummaryData, DISCLAIMER, PEAK_MEANING,
};
use crate::web::audit::record_view;
use crate::web::view::render_page as html;
use crate::web::{remote_addr, run_db, AppError, AppResult, Layout};

/// A download to record with the document it is.
struct Download {
    account_id: i64,
    remote_addr: String,
    detail: &'static str,
}

/// Loads a live summary of this client with its frozen content, recording the download when
/// there is one, in the same database call.
async fn stored(
    pool: &Pool,
    client: ClientRow,
    id: i64,
    shared_only: bool,
    download: Option<Download>,
) -> AppResult<(SummaryRow, SummaryData)> {
    let found = run_db(pool, move |conn| {
        let Some(row) = summaries::find_for_client(conn, client.id, id)?
            .filter(|r| !shared_only || r.shared_at.is_some())
        else {
            return Ok(None);
        };
        let data = load::stored(conn, &client, &row)?;
        if let Some(d) = download {
            summaries::record_download(conn, d.account_id, row.id, &d.remote_addr, d.detail)?;
        }
        Ok(Some((row, data)))
    })
    .await?;
    found.ok_or(AppError::NotFound)
}

fn summary_id(req: &HttpRequest) -> AppResult<i64> {
    parse_id(req.match_info().get("summary_id"))
}

#[derive(Template)]
#[template(path = "summaries/show.html")]
struct ShowPage {
    layout: Layout,
    client_id: i64,
    summary: SummaryRow,
    data: SummaryData,
    charts: Vec<Chart>,
    disclaimer: &'static str,
    severity_legend: String,
    peak_meaning: &'static str,
}

impl ShowPage {
    /// One bar per week, as in the PDF: its height the average rounded to a whole point
    /// (`lvl-0` to `lvl-10`), so the value reads from the shape and not only from the colour of
    /// its band (WCAG 1.4.1); no bar for a week not logged. Each bar's text is there for screen
    /// readers.
    fn week_cells(&self, weekly: &[(NaiveDate, Option<f64>)]) -> Vec<(String, String)> {
        weekly
            .iter()
            .map(|(week, avg)| {
                // The PDF's bands (`SEVERITY_LEGEND`), so both copies read the same.
                let class = match avg {
                    None => "unlogged".to_string(),
                    Some(a) => format!(
                        "band-{} lvl-{}",
                        severity_band(*a),
                        a.round().clamp(0.0, 10.0)
                    ),
                };
                let title = match avg {
                    Some(a) => format!("week of {week}: weekly average {a:.1}"),
                    None => format!("week of {week}: not logged"),
                };
                (title, class)
            })
            .collect()
    }
}

fn charts_of(data: &SummaryData) -> Vec<Chart> {
    match &data.axis {
        Some(axis) => data
            .series
            .iter()
            .map(|s| line_chart(s, axis, &data.markers))
            .collect(),
        None => Vec::new(),
    }
}

fn page(scoped: &ScopedClient, summary: SummaryRow, data: SummaryData) -> AppResult<HttpResponse> {
    html(
        StatusCode::OK,
        &ShowPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client_id: scoped.client.id,
            charts: charts_of(&data),
            summary,
            data,
            disclaimer: DISCLAIMER,
            severity_legend: severity_legend(),
            peak_meaning: PEAK_MEANING,
        },
    )
}

/// The practitioner's copy.
pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let id = summary_id(&req)?;
    let (summary, data) = stored(&pool, scoped.client.clone(), id, false, None).await?;
    let viewer = scoped.practitioner.id();
    record_view(&req, &pool, viewer, &scoped.client, "summary", Some(id)).await?;
    page(&scoped, summary, data)
}

/// The client's copy as the practitioner previews it before sharing.
pub async fn client_copy(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let id = summary_id(&req)?;
    let (summary, data) = stored(&pool, scoped.client.clone(), id, false, None).await?;
    let viewer = scoped.practitioner.id();
    record_view(&req, &pool, viewer, &scoped.client, "summary", Some(id)).await?;
    page(&scoped, summary, data.for_client())
}

fn pdf_response(data: &SummaryData, file_name: &str) -> AppResult<HttpResponse> {
    let bytes = crate::export::pdf::render_summary_pdf(data).map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes))
}

/// The practitioner's copy as a PDF.
pub async fn pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let id = summary_id(&req)?;
    let download = Download {
        account_id: scoped.practitioner.id(),
        remote_addr: remote_addr(&req),
        detail: "summary PDF (practitioner's copy)",
    };
    let (summary, data) = stored(&pool, scoped.client, id, false, Some(download)).await?;
    pdf_response(&data, &format!("summary-{}.pdf", summary.id))
}

/// The client's copy as a PDF, downloaded by the practitioner (to hand over or check).
pub async fn client_pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let id = summary_id(&req)?;
    let download = Download {
        account_id: scoped.practitioner.id(),
        remote_addr: remote_addr(&req),
        detail: "summary PDF (client's copy)",
    };
    let (summary, data) = stored(&pool, scoped.client, id, false, Some(download)).await?;
    pdf_response(
        &data.for_client(),
        &format!("summary-{}-client.pdf", summary.id),
    )
}

/// A summary the practitioner shared, downloaded by the client from the portal: always the
/// client's copy.
pub async fn portal_pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
) -> AppResult<HttpResponse> {
    let id = summary_id(&req)?;
    let download = Download {
        account_id: portal.account().id,
        remote_addr: remote_addr(&req),
        detail: "summary PDF (client's copy, portal)",
    };
    let (summary, data) = stored(&pool, portal.client.clone(), id, true, Some(download)).await?;
    pdf_response(&data.for_client(), &format!("summary-{}.pdf", summary.id))
}
