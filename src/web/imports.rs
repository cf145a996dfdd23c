//! Lab CSV import for one client: upload, preview every row with its errors per cell, then
//! confirm to import all rows in one transaction, or nothing.

use crate::db::{AccountId, ClientId, PendingImportId};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use futures_util::StreamExt;

use serde::Deserialize;

use super::forms::{page_number, redirect};
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::{self, CsrfForm};
use crate::auth::{ScopedClient, ScopedImport};
use crate::db::clients::ClientRow;
use crate::db::hair_tests::HairTestFields;
use crate::db::pending_imports::{self, PendingImport};
use crate::db::reference_sets::reference_set_for_practitioner;
use crate::db::{now, Pool};
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;
use crate::domain::units::Unit;
use crate::labcsv::{parse_lab_csv, LabRow, ParsedTest};
use crate::service::commands::hair_tests::{self as hair_test_commands, Actor, TestInput};
use crate::service::history::analyze_unsaved;

/// A year of tests is a few KB; 5,000 rows of a full panel about 1.5 MB.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

use crate::web::view::render_page;

#[derive(Template)]
#[template(path = "imports/upload.html")]
struct UploadPage {
    layout: Layout,
    client: ClientRow,
    error: Option<String>,
}

impl UploadPage {
    fn cancel_link(&self) -> String {
        format!("/clients/{}", self.client.id)
    }
}

pub async fn upload_form(scoped: ScopedClient) -> AppResult<HttpResponse> {
    render_page(
        StatusCode::OK,
        &UploadPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client: scoped.client,
            error: None,
        },
    )
}

pub(crate) struct Upload {
    pub csrf_token: String,
    pub unit: String,
    /// "Take these rows for this client" ticked on the upload form.
    pub take_rows: bool,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// Reads the multipart body, refusing anything over the limit as it streams in.
pub(crate) async fn read_upload(mut multipart: Multipart) -> AppResult<Upload> {
    let mut upload = Upload {
        csrf_token: String::new(),
        unit: String::new(),
        take_rows: false,
        file_name: String::new(),
        content: Vec::new(),
    };
    while let Some(field) = multipart.next().await {
        let mut field = field
            .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            upload.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or("upload.csv")
                .to_string();
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(AppError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf_token" => upload.csrf_token = String::from_utf8_lossy(&bytes).into_owned(),
            "unit" => upload.unit = String::from_utf8_lossy(&bytes).into_owned(),
            "take_rows" => upload.take_rows = bytes == b"1",
            "file" => upload.content = bytes,
            _ => {}
        }
    }
    Ok(upload)
}

pub async fn upload(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    multipart: Multipart,
) -> AppResult<HttpResponse> {
    let upload = verified_upload(&req, multipart).await?;
    let take = if upload.take_rows { "?take=1" } else { "" };
    let pending =
        match pending_from_upload(upload, scoped.practitioner.id(), Some(scoped.client.id)) {
            Ok(pending) => pending,
            Err(message) => {
                return render_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &UploadPage {
                        layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
                        client: scoped.client.clone(),
                        error: Some(message.to_string()),
                    },
                )
            }
        };
    let (client_id, id) = (scoped.client.id, pending.id);
    run_db(&pool, move |conn| {
        pending_imports::purge_older_than(conn, now() - chrono::Duration::days(1))?;
        pending_imports::insert(conn, &pending)
    })
    .await?;
    Ok(redirect(&format!("/clients/{client_id}/import/{id}{take}")))
}

pub struct RowView {
    pub line: usize,
    pub sample_date: String,
    pub summary: String,
    /// Every level as it will be stored, beside the cell as written.
    pub values: Vec<ValueView>,
    pub errors: Vec<(String, String)>,
}

/// One level of a previewed row: what is stored (mg%) and what the file says, so a unit
/// mistake (ppm read as mg%, or the other way) shows before the import is confirmed.
pub struct ValueView {
    pub symbol: &'static str,
    pub name: String,
    /// As stored, in mg%: `16`, `<0.001`, `<<`.
    pub stored: String,
    /// The cell as written and its unit: `160 ppm`.
    pub written: String,
    /// The cell was in ppm, so the stored number is a tenth of it.
    pub converted: bool,
}

#[derive(Template)]
#[template(path = "imports/preview.html")]
struct PreviewPage {
    layout: Layout,
    client: ClientRow,
    import_id: PendingImportId,
    file_name: String,
    header_error: Option<String>,
    /// The rows of this page of the preview.
    rows: Vec<RowView>,
    total_rows: usize,
    bad_rows: usize,
    window: PreviewWindow,
    /// The rows are taken for this client whatever their `client_ref` says.
    take: bool,
    /// The other clients' reference codes the rows name (shown with the choice to take them).
    other_refs: Vec<String>,
    /// Every row with an error only names another client: taking them is all it needs.
    only_other_client: bool,
}

impl PreviewPage {
    fn page_link(&self, page: i64) -> String {
        format!(
            "/clients/{}/import/{}?page={page}{}",
            self.client.id,
            self.import_id,
            if self.take { "&take=1" } else { "" }
        )
    }

    fn take_link(&self) -> String {
        format!(
            "/clients/{}/import/{}?take=1",
            self.client.id, self.import_id
        )
    }

    fn other_refs_text(&self) -> String {
        self.other_refs
            .iter()
            .map(|r| format!("“{r}”"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn own_ref_text(&self) -> String {
        match &self.client.reference_code {
            Some(code) => format!("“{code}”"),
            None => "none recorded".to_string(),
        }
    }
}

/// Rows shown per preview page: a 5,000-row file is previewed, and analysed, a page at a time.
pub const PREVIEW_PAGE_ROWS: usize = 100;

#[derive(Deserialize, Default)]
pub struct PreviewQuery {
    pub page: Option<String>,
    /// `1`: the practitioner chose to take the rows for this client.
    pub take: Option<String>,
}

/// Which rows a preview page shows: only the rows with errors when there are any (those are
/// what needs attention), a page of them at a time.
#[derive(Debug, Clone, Copy)]
pub struct PreviewWindow {
    pub page: i64,
    pub pages: i64,
    pub errors_only: bool,
}

impl PreviewWindow {
    pub fn new(total_rows: usize, bad_rows: usize, page: Option<&str>) -> Self {
        let errors_only = bad_rows > 0;
        let shown = if errors_only { bad_rows } else { total_rows };
        let pages = shown.div_ceil(PREVIEW_PAGE_ROWS).max(1) as i64;
        PreviewWindow {
            page: page_number(page).min(pages),
            pages,
            errors_only,
        }
    }

    /// The rows of this page, from all rows and whether each has errors.
    pub fn select<T>(&self, rows: Vec<T>, has_errors: impl Fn(&T) -> bool) -> Vec<T> {
        let skip = (self.page as usize - 1) * PREVIEW_PAGE_ROWS;
        rows.into_iter()
            .filter(|row| !self.errors_only || has_errors(row))
            .skip(skip)
            .take(PREVIEW_PAGE_ROWS)
            .collect()
    }
}

/// The rows of an upload for this client, and the other clients' reference codes they name.
#[derive(Default)]
struct CheckedRows {
    rows: Vec<LabRow>,
    other_refs: Vec<String>,
    /// Rows refused only because they name another client (valid once taken).
    refused_for_ref: usize,
}

/// The rows of an upload for this client: parse errors, plus a `client_ref` that names another
/// client (a file meant for someone else must not land here), unless the practitioner chose to
/// `take` the rows for this client (another client's export moved over, say).
fn checked_rows(
    pending: &PendingImport,
    client: &ClientRow,
    take: bool,
) -> Result<CheckedRows, String> {
    let unit = Unit::parse(&pending.default_unit).unwrap_or(Unit::MgPercent);
    let mut rows = parse_lab_csv(pending.content.as_bytes(), unit).map_err(|e| e.to_string())?;
    crate::labcsv::apply_form_rules(&mut rows, crate::web::view::today());
    let own = client.reference_code.as_deref().map(str::trim);
    let mut other_refs = std::collections::BTreeSet::new();
    let mut refused_for_ref = 0;
    for row in &mut rows {
        let Ok(test) = &row.result else { continue };
        let Some(reference) = test.client_ref.as_deref().map(str::trim) else {
            continue;
        };
        if reference.is_empty() || own == Some(reference) {
            continue;
        }
        other_refs.insert(reference.to_string());
        if !take {
            refused_for_ref += 1;
            row.result = Err(vec![crate::labcsv::CellError {
                column: "client_ref".into(),
                message: format!(
                    "“{reference}” is not this client's reference code ({}): the row names another client",
                    own.unwrap_or("none recorded")
                ),
            }]);
        }
    }
    Ok(CheckedRows {
        rows,
        other_refs: other_refs.into_iter().collect(),
        refused_for_ref,
    })
}

fn takes(query: Option<&str>) -> bool {
    query == Some("1")
}

pub async fn preview(
    pool: web::Data<Pool>,
    ScopedImport {
        scope: scoped,
        pending,
    }: ScopedImport,
    query: web::Query<PreviewQuery>,
) -> AppResult<HttpResponse> {
    let practitioner_id = scoped.practitioner.id();
    // The preview shows what confirming will store: the analysis with the practitioner's set.
    let reference = run_db(&pool, move |conn| {
        reference_set_for_practitioner(conn, practitioner_id)
    })
    .await?;
    let sex = scoped.client.sex;
    let take = takes(query.take.as_deref());
    let (header_error, checked) = match checked_rows(&pending, &scoped.client, take) {
        Ok(checked) => (None, checked),
        Err(message) => (Some(message), CheckedRows::default()),
    };
    let CheckedRows {
        rows,
        other_refs,
        refused_for_ref,
    } = checked;
    let total_rows = rows.len();
    let bad_rows = rows.iter().filter(|r| r.result.is_err()).count();
    let window = PreviewWindow::new(total_rows, bad_rows, query.page.as_deref());
    let rows: Vec<RowView> = window
        .select(rows, |r| r.result.is_err())
        .iter()
        .map(|r| row_view(r, sex, &reference))
        .collect();
    let status = if header_error.is_some() || bad_rows > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_page(
        status,
        &PreviewPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            import_id: pending.id,
            file_name: pending.file_name,
            header_error,
            rows,
            total_rows,
            bad_rows,
            window,
            take,
            other_refs,
            only_other_client: bad_rows > 0 && bad_rows == refused_for_ref,
            client: scoped.client,
        },
    )
}

pub(crate) fn row_view(row: &LabRow, sex: Sex, reference: &ReferenceSet) -> RowView {
    match &row.result {
        Ok(test) => {
            let analysis = analyze_unsaved(&sample_for(test, sex), reference);
            let ox = &analysis.oxidation;
            let oxidation = ox.label(" ");
            RowView {
                line: row.line,
                sample_date: test.sample_date.to_string(),
                summary: format!(
                    "{} · {oxidation} · {}",
                    crate::words::count(test.levels.len(), "element", "elements"),
                    crate::words::count(analysis.patterns.len(), "pattern", "patterns")
                ),
                values: test
                    .levels
                    .iter()
                    .map(|(element, level)| {
                        let (cell, unit) = test
                            .written
                            .get(element)
                            .cloned()
                            .unwrap_or_else(|| (level.display(), Unit::MgPercent));
                        ValueView {
                            symbol: element.symbol(),
                            name: element.title(),
                            // Every digit stored, as the CSV export writes it back.
                            stored: crate::export::csv::level_cell(level),
                            written: format!("{cell} {unit}"),
                            converted: unit != Unit::MgPercent,
                        }
                    })
                    .collect(),
                errors: Vec::new(),
            }
        }
        Err(errors) => RowView {
            line: row.line,
            sample_date: String::new(),
            summary: String::new(),
            values: Vec::new(),
            errors: errors
                .iter()
                .map(|e| (e.column.clone(), e.message.clone()))
                .collect(),
        },
    }
}

/// The client's recorded sex decides the calcium shell threshold; a row's own `sex` column is
/// for `analyze` on files without clients.
pub(crate) fn sample_for(
    test: &ParsedTest,
    client_sex: Sex,
) -> crate::domain::analysis::HairSample {
    let mut sample = test.hair_sample();
    sample.sex = client_sex;
    sample
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    /// `1` when the preview took the rows for this client (see `checked_rows`).
    #[serde(default)]
    take_rows: String,
}

pub async fn confirm(
    req: HttpRequest,
    pool: web::Data<Pool>,
    ScopedImport {
        scope: scoped,
        pending,
    }: ScopedImport,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let take = takes(Some(form.take_rows.as_str()));
    let checked = checked_rows(&pending, &scoped.client, take).map_err(AppError::BadRequest)?;
    let taken_from = match (take, checked.other_refs.is_empty()) {
        (true, false) => Some(
            checked
                .other_refs
                .iter()
                .map(|r| format!("“{r}”"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    let rows = checked.rows;
    let mut inputs = Vec::with_capacity(rows.len());
    for row in rows {
        let Ok(test) = row.result else {
            // The preview offered no confirmation; a forged confirm still imports nothing.
            return Err(AppError::BadRequest(
                "This file has rows with errors, so nothing was imported.".into(),
            ));
        };
        let mut input = test_input(test, &pending);
        if let Some(refs) = &taken_from {
            // Where the rows came from stays on each test.
            input.fields.notes = format!(
                "{} (rows of client_ref {refs}, taken for this client)",
                input.fields.notes
            );
        }
        inputs.push((scoped.client.id, scoped.client.sex, input));
    }
    let (account_id, addr, client_id, import_id) = (
        scoped.practitioner.id(),
        remote_addr(&req),
        scoped.client.id,
        pending.id,
    );
    let imported = run_db(&pool, move |conn| {
        hair_test_commands::import_pending(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            import_id,
            &inputs,
        )
    })
    .await?;
    // Already confirmed (a double click, another tab): nothing more to import.
    let Some(count) = imported else {
        return Err(AppError::NotFound);
    };
    tracing::info!(client_id = client_id.get(), count, "imported hair tests");
    Ok(redirect(&format!(
        "/clients/{client_id}?imported={count}#tests"
    )))
}

/// A parsed row as the test to store, noting the file it came from.
pub(crate) fn test_input(test: ParsedTest, pending: &PendingImport) -> TestInput {
    TestInput {
        fields: HairTestFields {
            sample_date: test.sample_date,
            lab: test.lab.unwrap_or_default(),
            lab_sample_id: test.lab_sample_id,
            washed: test.washed,
            entry_unit: pending.default_unit.clone(),
            printed_ratios: String::new(),
            notes: format!("Imported from {}", pending.file_name),
        },
        levels: test.levels,
    }
}

const TOO_MANY_ROWS: &str = "This file has more than 5,000 rows: split it into files of at most 5,000 tests and import them one after the other.";

/// Checks an upload's unit and encoding and makes it a pending import; the message is for the
/// upload form when the file cannot be one.
pub(crate) fn pending_from_upload(
    upload: Upload,
    practitioner_id: AccountId,
    client_id: Option<ClientId>,
) -> Result<PendingImport, &'static str> {
    if upload.content.is_empty() {
        return Err("Choose a CSV file to upload.");
    }
    let unit = Unit::parse(if upload.unit.is_empty() {
        "mg%"
    } else {
        &upload.unit
    })
    .map_err(|_| "Choose mg% or ppm as the file's default unit.")?;
    let content = String::from_utf8(upload.content).map_err(|_| {
        "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and upload again."
    })?;
    if content.contains('\0') {
        return Err("The file holds NUL bytes, so it is not a CSV text file. Save it from your spreadsheet as “CSV UTF-8” and upload again.");
    }
    // Counting records is cheap; parsing and previewing a huge file is not.
    let records = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(content.as_bytes())
        .byte_records()
        .count();
    if records > crate::labcsv::MAX_ROWS + 1 {
        return Err(TOO_MANY_ROWS);
    }
    Ok(PendingImport {
        id: PendingImportId::fresh(),
        practitioner_id,
        client_id,
        // Shown on the preview and in the imported tests' notes: no control characters.
        file_name: upload
            .file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect(),
        default_unit: unit.as_str().to_string(),
        content,
        created_at: now(),
    })
}

/// Reads a multipart upload and checks its CSRF token; a body that is not a readable form
/// carries no valid token, so it is refused like any forgery.
pub(crate) async fn verified_upload(req: &HttpRequest, multipart: Multipart) -> AppResult<Upload> {
    csrf::check_origin(req)?;
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(AppError::TooLarge) => return Err(AppError::TooLarge),
        Err(_) => return Err(AppError::CsrfRejected),
    };
    csrf::verify(req, &upload.csrf_token).await?;
    Ok(upload)
}
