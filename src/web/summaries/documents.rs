//! A summary as a document: its page and its PDF, in the practitioner's copy and the client's,
//! always rendered from the content frozen when it was made. Every PDF download is audited like
//! the other exports (action `export`, record `summary`).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use super::{load, SummaryRow};
use crate::auth::{ScopedClient, ScopedSummary, SharedSummary};
use crate::charts::{line_chart, Chart};
use crate::db::clients::ClientRow;
use crate::db::summaries;
use crate::db::Pool;
use crate::export::summary::{
    severity_band, severity_legend, Audience, SummaryData, DISCLAIMER, PEAK_MEANING,
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

/// Reads the frozen content of a summary the extractor found, recording the download when
/// there is one, in the same database call.
async fn content(
    pool: &Pool,
    client: ClientRow,
    summary: SummaryRow,
    download: Option<Download>,
) -> AppResult<(SummaryRow, SummaryData)> {
    run_db(pool, move |conn| {
        let data = load::stored(conn, &client, &summary)?;
        if let Some(d) = download {
            summaries::record_download(conn, d.account_id, summary.id, &d.remote_addr, d.detail)?;
        }
        Ok((summary, data))
    })
    .await
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
    adherence_meaning: &'static str,
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
            adherence_meaning: crate::export::summary::ADHERENCE_MEANING,
        },
    )
}

/// A summary page as the practitioner opens it (a `view`), in either copy.
async fn viewed(
    req: &HttpRequest,
    pool: &Pool,
    scoped: ScopedSummary,
    audience: Audience,
) -> AppResult<HttpResponse> {
    let ScopedSummary { scope, summary } = scoped;
    let (summary, data) = content(pool, scope.client.clone(), summary, None).await?;
    let viewer = scope.practitioner.id();
    record_view(
        req,
        pool,
        viewer,
        &scope.client,
        "summary",
        Some(summary.id.get()),
    )
    .await?;
    let data = match audience {
        Audience::Practitioner => data,
        Audience::Client => data.for_client(),
    };
    page(&scope, summary, data)
}

/// The practitioner's copy.
pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedSummary,
) -> AppResult<HttpResponse> {
    viewed(&req, &pool, scoped, Audience::Practitioner).await
}

/// The client's copy as the practitioner previews it before sharing.
pub async fn client_copy(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedSummary,
) -> AppResult<HttpResponse> {
    viewed(&req, &pool, scoped, Audience::Client).await
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

/// A summary's PDF downloaded by the practitioner, in either copy (the client's to hand over
/// or check).
async fn practitioner_pdf(
    req: &HttpRequest,
    pool: &Pool,
    scoped: ScopedSummary,
    audience: Audience,
) -> AppResult<HttpResponse> {
    let ScopedSummary { scope, summary } = scoped;
    let download = Download {
        account_id: scope.practitioner.id(),
        remote_addr: remote_addr(req),
        detail: match audience {
            Audience::Practitioner => "summary PDF (practitioner's copy)",
            Audience::Client => "summary PDF (client's copy)",
        },
    };
    let (summary, data) = content(pool, scope.client, summary, Some(download)).await?;
    match audience {
        Audience::Practitioner => pdf_response(&data, &format!("summary-{}.pdf", summary.id)),
        Audience::Client => pdf_response(
            &data.for_client(),
            &format!("summary-{}-client.pdf", summary.id),
        ),
    }
}

/// The practitioner's copy as a PDF.
pub async fn pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedSummary,
) -> AppResult<HttpResponse> {
    practitioner_pdf(&req, &pool, scoped, Audience::Practitioner).await
}

/// The client's copy as a PDF, downloaded by the practitioner.
pub async fn client_pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedSummary,
) -> AppResult<HttpResponse> {
    practitioner_pdf(&req, &pool, scoped, Audience::Client).await
}

/// A summary the practitioner shared, downloaded by the client from the portal: always the
/// client's copy.
pub async fn portal_pdf(
    req: HttpRequest,
    pool: web::Data<Pool>,
    shared: SharedSummary,
) -> AppResult<HttpResponse> {
    let SharedSummary { portal, summary } = shared;
    let download = Download {
        account_id: portal.account().id,
        remote_addr: remote_addr(&req),
        detail: "summary PDF (client's copy, portal)",
    };
    let (summary, data) = content(&pool, portal.client, summary, Some(download)).await?;
    pdf_response(&data.for_client(), &format!("summary-{}.pdf", summary.id))
}
