//! A summary as a document: its page and its PDF, in the practitioner's copy and the client's,
//! always rendered from the content frozen when it was made. Every PDF download is audited like
//! the other exports (action `export`, record `summary`).

use crate::db::{AccountId, ClientId};
use actix_web::http::{header, StatusCode};
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use super::kept_pdfs::KeptPdfs;
use super::{load, SummaryRow};
use crate::auth::{ScopedClient, ScopedSummary, SharedSummary};
use crate::charts::{line_chart, Chart};
use crate::db::clients::ClientRow;
use crate::db::Pool;
use crate::export::summary::{
    severity_band, severity_legend, Audience, SummaryData, DISCLAIMER, PEAK_MEANING,
};
use crate::web::audit::{record_read, record_view, Read};
use crate::web::view::render_page as html;
use crate::web::{run_db, AppError, AppResult, Layout};

/// Reads the frozen content of a summary the extractor found (freezing a legacy summary's at
/// its first opening).
async fn content(
    pool: &Pool,
    client: ClientRow,
    summary: SummaryRow,
) -> AppResult<(SummaryRow, SummaryData)> {
    run_db(pool, move |conn| {
        let data = load::stored(conn, &client, &summary)?;
        Ok((summary, data))
    })
    .await
}

#[derive(Template)]
#[template(path = "summaries/show.html")]
struct ShowPage {
    layout: Layout,
    client_id: ClientId,
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
    let (summary, data) = content(pool, scope.client.clone(), summary).await?;
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

/// A download of one copy of a summary's PDF by `reader`.
struct Download<'a> {
    client: ClientRow,
    summary: SummaryRow,
    audience: Audience,
    reader: AccountId,
    /// What the audit trail says was downloaded.
    detail: &'static str,
    file_name: &'a str,
}

/// The PDF of a summary's copy: the one kept from the same content when there is one
/// (`kept_pdfs`), else written now (and kept). The download is put on record before the file is
/// sent, like every export (action `export`, record `summary`), through the view writer.
async fn pdf_download(
    req: &HttpRequest,
    pool: &Pool,
    download: Download<'_>,
) -> AppResult<HttpResponse> {
    let Download {
        client,
        summary,
        audience,
        reader,
        detail,
        file_name,
    } = download;
    let kept = req.app_data::<web::Data<KeptPdfs>>();
    let (id, stored) = (summary.id, summary.content.clone());
    let found = match (kept, &stored) {
        (Some(kept), Some(content)) => kept.get(id, audience, content),
        _ => None,
    };
    let pdf = match found {
        Some(pdf) => pdf,
        None => {
            let (_, data) = content(pool, client.clone(), summary).await?;
            let data = match audience {
                Audience::Practitioner => data,
                Audience::Client => data.for_client(),
            };
            let pdf = Bytes::from(
                crate::export::pdf::render_summary_pdf(&data).map_err(AppError::Internal)?,
            );
            if let (Some(kept), Some(content)) = (kept, stored) {
                kept.keep(id, audience, content, pdf.clone());
            }
            pdf
        }
    };
    let read = Read {
        action: "export",
        what: "summary",
        record_id: id.get(),
        detail,
    };
    record_read(req, pool, reader, &client, read).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(pdf))
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
    let (detail, file_name) = match audience {
        Audience::Practitioner => (
            "summary PDF (practitioner's copy)",
            format!("summary-{}.pdf", summary.id),
        ),
        Audience::Client => (
            "summary PDF (client's copy)",
            format!("summary-{}-client.pdf", summary.id),
        ),
    };
    let download = Download {
        reader: scope.practitioner.id(),
        client: scope.client,
        summary,
        audience,
        detail,
        file_name: &file_name,
    };
    pdf_download(req, pool, download).await
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
    let file_name = format!("summary-{}.pdf", summary.id);
    let download = Download {
        reader: portal.account().id,
        client: portal.client,
        summary,
        audience: Audience::Client,
        detail: "summary PDF (client's copy, portal)",
        file_name: &file_name,
    };
    pdf_download(&req, &pool, download).await
}
