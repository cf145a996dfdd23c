//! Downloads: one client's hair tests (CSV), diary (CSV) and FHIR bundle, and every client of
//! the practitioner as a zip. Each is one snapshot read plus its `export` audit event; the
//! formats themselves live in `crate::export`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::{remote_addr, run_db, AppError, AppResult};
use crate::auth::{Practitioner, ScopedClient};
use crate::db::export_snapshot::{self, ExportEvent};
use crate::db::Pool;
use crate::export::{self as formats, ExportError};
use crate::service::exports::{self, ClientExport};

const CSV: &str = "text/csv; charset=utf-8";

fn failed(error: ExportError) -> AppError {
    AppError::Internal(error.to_string())
}

fn download(bytes: Vec<u8>, content_type: &str, file_name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes)
}

/// The client's data, with the audit event of this download (`detail` names the format).
async fn load_client(
    req: &HttpRequest,
    pool: &Pool,
    scoped: &ScopedClient,
    detail: &'static str,
) -> AppResult<ClientExport> {
    let (owner, client_id, addr) = (scoped.practitioner.id(), scoped.client.id, remote_addr(req));
    let found = run_db(pool, move |conn| {
        let found = exports::client(conn, owner, client_id)?;
        if found.is_some() {
            export_snapshot::record_export(
                conn,
                &ExportEvent {
                    account_id: owner,
                    record_kind: "client",
                    record_id: client_id.get(),
                    remote_addr: &addr,
                    detail,
                },
            )?;
        }
        Ok(found)
    })
    .await?;
    // Archived in between is still theirs; gone in between is simply not found.
    found.ok_or(AppError::NotFound)
}

pub async fn tests_csv(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let export = load_client(&req, &pool, &scoped, "hair tests CSV").await?;
    let bytes = formats::csv::hair_tests(&export).map_err(failed)?;
    let name = formats::file_name(export.client.id, "hair-tests.csv");
    Ok(download(bytes, CSV, &name))
}

pub async fn diary_csv(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let export = load_client(&req, &pool, &scoped, "diary CSV").await?;
    let bytes = formats::csv::diary(&export).map_err(failed)?;
    let name = formats::file_name(export.client.id, "diary.csv");
    Ok(download(bytes, CSV, &name))
}

pub async fn fhir_json(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
) -> AppResult<HttpResponse> {
    let export = load_client(&req, &pool, &scoped, "FHIR R4 bundle").await?;
    let bytes = formats::fhir::bundle_json(&export, crate::db::now()).map_err(failed)?;
    let name = formats::file_name(export.client.id, "fhir.json");
    Ok(download(
        bytes,
        "application/fhir+json; charset=utf-8",
        &name,
    ))
}

pub async fn all_zip(
    req: HttpRequest,
    pool: web::Data<Pool>,
    practitioner: Practitioner,
) -> AppResult<HttpResponse> {
    let (owner, addr) = (practitioner.id(), remote_addr(&req));
    let all = run_db(&pool, move |conn| {
        let all = exports::all_clients(conn, owner)?;
        let detail = format!(
            "all clients zip ({})",
            crate::words::count(all.len(), "client", "clients")
        );
        export_snapshot::record_export(
            conn,
            &ExportEvent {
                account_id: owner,
                record_kind: "practitioner",
                record_id: owner.get(),
                remote_addr: &addr,
                detail: &detail,
            },
        )?;
        Ok(all)
    })
    .await?;
    let now = crate::db::now();
    // Building a zip of every client is CPU work: keep it off the async workers.
    let bytes = web::block(move || formats::zip::all_clients(&all, now))
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
        .map_err(failed)?;
    let name = format!("htma-tracker-export-{}.zip", now.format("%Y-%m-%d"));
    Ok(download(bytes, "application/zip", &name))
}
