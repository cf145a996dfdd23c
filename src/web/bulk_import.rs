//! Practice-wide lab CSV import: each row names its client by the practitioner's reference code
//! (`client_ref`, HTMA.md); preview every row, then import all of them in one transaction, or
//! nothing.

use crate::db::{AccountId, PendingImportId};
use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::forms::redirect;
use super::forms::EmptyForm;
use super::imports::{
    pending_from_upload, row_view, test_input, verified_upload, PreviewQuery, PreviewWindow,
    RowView,
};
use super::view::render_page;
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::{PracticeImport, Practitioner};
use crate::db::clients::{self, ClientRow};
use crate::db::pending_imports::{self, PendingImport};
use crate::db::reference_sets::reference_set_for_practitioner;
use crate::db::{now, ClientId, DbConn, DbError, Pool};
use crate::domain::units::Unit;
use crate::labcsv::{parse_lab_csv, CellError, LabRow};
use crate::service::commands::hair_tests::{self as hair_test_commands, Actor};

#[derive(Template)]
#[template(path = "imports/bulk_upload.html")]
struct UploadPage {
    layout: Layout,
    error: Option<String>,
}

impl UploadPage {
    fn cancel_link(&self) -> &'static str {
        "/clients"
    }
}

pub async fn upload_form(practitioner: Practitioner) -> AppResult<HttpResponse> {
    render_page(
        StatusCode::OK,
        &UploadPage {
            layout: Layout::for_practitioner(&practitioner, "clients"),
            error: None,
        },
    )
}

pub async fn upload(
    req: HttpRequest,
    pool: web::Data<Pool>,
    practitioner: Practitioner,
    multipart: Multipart,
) -> AppResult<HttpResponse> {
    let upload = verified_upload(&req, multipart).await?;
    let pending = match pending_from_upload(upload, practitioner.id(), None) {
        Ok(pending) => pending,
        Err(message) => {
            return render_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &UploadPage {
                    layout: Layout::for_practitioner(&practitioner, "clients"),
                    error: Some(message.into()),
                },
            )
        }
    };
    let id = pending.id;
    run_db(&pool, move |conn| {
        pending_imports::purge_older_than(conn, now() - chrono::Duration::days(1))?;
        pending_imports::insert(conn, &pending)
    })
    .await?;
    Ok(redirect(&format!("/import/{id}")))
}

/// A parsed row and the client its `client_ref` names (None when the row has errors).
type ResolvedRow = (LabRow, Option<ClientRow>);

/// Every row with its client, or its errors: parse errors, and a `client_ref` that is missing
/// or names none of this practitioner's clients.
fn resolve_rows(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    pending: &PendingImport,
) -> Result<Result<Vec<ResolvedRow>, String>, DbError> {
    let unit = Unit::parse(&pending.default_unit).unwrap_or(Unit::MgPercent);
    let mut rows = match parse_lab_csv(pending.content.as_bytes(), unit) {
        Ok(rows) => rows,
        Err(e) => return Ok(Err(e.to_string())),
    };
    crate::labcsv::apply_form_rules(&mut rows, crate::web::view::today());
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            r.result
                .as_ref()
                .ok()?
                .client_ref
                .as_ref()
                .map(|c| c.trim().to_string())
        })
        .collect();
    let clients: HashMap<String, ClientRow> =
        clients::by_reference_codes(conn, practitioner_id, &codes)?;
    Ok(Ok(rows
        .into_iter()
        .map(|mut row| {
            let reference = row
                .result
                .as_ref()
                .ok()
                .and_then(|t| t.client_ref.clone())
                .map(|c| c.trim().to_string());
            let client = match (&row.result, reference) {
                (Err(_), _) => None,
                (Ok(_), Some(code)) if !code.is_empty() => match clients.get(&code) {
                    Some(client) => Some(client.clone()),
                    None => {
                        row.result = Err(vec![CellError {
                            column: "client_ref".into(),
                            message: format!("no client of yours has the reference code “{code}”"),
                        }]);
                        None
                    }
                },
                (Ok(_), _) => {
                    row.result = Err(vec![CellError {
                        column: "client_ref".into(),
                        message:
                            "a practice-wide import needs the client's reference code in client_ref"
                                .into(),
                    }]);
                    None
                }
            };
            (row, client)
        })
        .collect()))
}

pub struct BulkRow {
    pub view: RowView,
    pub client: Option<(ClientId, String)>,
}

#[derive(Template)]
#[template(path = "imports/bulk_preview.html")]
struct PreviewPage {
    layout: Layout,
    import_id: PendingImportId,
    file_name: String,
    header_error: Option<String>,
    /// The rows of this page of the preview.
    rows: Vec<BulkRow>,
    total_rows: usize,
    bad_rows: usize,
    clients: usize,
    window: PreviewWindow,
}

impl PreviewPage {
    fn page_link(&self, page: i64) -> String {
        format!("/import/{}?page={page}", self.import_id)
    }
}

pub async fn preview(
    pool: web::Data<Pool>,
    PracticeImport {
        practitioner,
        pending,
    }: PracticeImport,
    query: web::Query<PreviewQuery>,
) -> AppResult<HttpResponse> {
    let owner = practitioner.id();
    let (import_id, file_name) = (pending.id, pending.file_name.clone());
    let (resolved, reference) = run_db(&pool, move |conn| {
        Ok((
            resolve_rows(conn, owner, &pending)?,
            reference_set_for_practitioner(conn, owner)?,
        ))
    })
    .await?;
    let (header_error, rows) = match resolved {
        Err(message) => (Some(message), Vec::new()),
        Ok(rows) => (None, rows),
    };
    let total_rows = rows.len();
    let bad_rows = rows.iter().filter(|(r, _)| r.result.is_err()).count();
    let clients = rows
        .iter()
        .filter_map(|(_, c)| c.as_ref().map(|c| c.id))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let window = PreviewWindow::new(total_rows, bad_rows, query.page.as_deref());
    let rows: Vec<BulkRow> = window
        .select(rows, |(r, _)| r.result.is_err())
        .iter()
        .map(|(row, client)| BulkRow {
            view: row_view(
                row,
                client.as_ref().map(|c| c.sex).unwrap_or_default(),
                &reference,
            ),
            client: client.as_ref().map(|c| (c.id, c.full_name.clone())),
        })
        .collect();
    let status = if header_error.is_some() || bad_rows > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_page(
        status,
        &PreviewPage {
            layout: Layout::for_practitioner(&practitioner, "clients"),
            import_id,
            file_name,
            header_error,
            rows,
            total_rows,
            bad_rows,
            clients,
            window,
        },
    )
}

pub async fn confirm(
    req: HttpRequest,
    pool: web::Data<Pool>,
    PracticeImport {
        practitioner,
        pending,
    }: PracticeImport,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let (owner, addr) = (practitioner.id(), remote_addr(&req));
    let imported = run_db(&pool, move |conn| {
        let Ok(rows) = resolve_rows(conn, owner, &pending)? else {
            return Ok(None);
        };
        let mut inputs = Vec::with_capacity(rows.len());
        for (row, client) in rows {
            // The preview offered no confirmation; a forged confirm still imports nothing.
            let (Ok(test), Some(client)) = (row.result, client) else {
                return Ok(None);
            };
            inputs.push((client.id, client.sex, test_input(test, &pending)));
        }
        hair_test_commands::import_pending(
            conn,
            &Actor {
                account_id: owner,
                remote_addr: &addr,
            },
            pending.id,
            &inputs,
        )
    })
    .await?;
    match imported {
        Some(count) => {
            tracing::info!(count, "imported hair tests for several clients");
            Ok(redirect(&format!("/clients?imported={count}")))
        }
        None => Err(AppError::BadRequest(
            "This file has rows with errors, so nothing was imported.".into(),
        )),
    }
}
