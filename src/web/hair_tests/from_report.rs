//! "New hair test from a report": the lab's PDF (or its pasted text) read into the ordinary
//! hair-test form for review. Nothing becomes a test here: the practitioner checks the form and
//! saves it with the ordinary save. A PDF is kept (pending) so that save can attach it to the
//! test; it is downloadable from the test page.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use futures_util::StreamExt;

use super::review::prefill;
use super::{practitioner_set, FormPage};
use crate::auth::csrf;
use crate::auth::{ScopedClient, ScopedHairTest};
use crate::db::audit::{record, AuditEntry};
use crate::db::clients::ClientRow;
use crate::db::lab_reports::{self, NewReportFile};
use crate::db::{new_id, now, Pool};
use crate::labreport::pdf::{self, PdfError, MAX_PDF_BYTES};
use crate::labreport::{recognise, RecognisedReport, MIN_ELEMENTS};
use crate::service::commands::{self, Actor};
use crate::web::forms::FieldErrors;
use crate::web::view::render_page as html;
use crate::web::{remote_addr, run_db, AppError, AppResult, Layout};

/// Pasted text beyond this is refused (a report's text is a few tens of KB).
pub const MAX_PASTE_BYTES: usize = 1024 * 1024;
/// A body over the file limit is read to the end (and dropped) up to this size so the browser
/// gets the explanation rather than a broken connection; beyond it the connection is cut.
const MAX_DRAINED_BYTES: usize = 64 * 1024 * 1024;
/// How long reading one report may take.
const READ_TIME: Duration = Duration::from_secs(4);
/// Reports read at once; more wait their turn by being told to retry (bounded CPU and memory).
const MAX_CONCURRENT_READS: usize = 2;
static READS_IN_PROGRESS: AtomicUsize = AtomicUsize::new(0);

#[derive(Template)]
#[template(path = "hair_tests/from_report.html")]
struct UploadPage {
    layout: Layout,
    client: ClientRow,
    error: Option<String>,
    /// Offer the empty form (the report cannot be read, the values must be typed).
    offer_form: bool,
    pasted: String,
}

fn upload_page(
    scoped: &ScopedClient,
    status: StatusCode,
    error: Option<String>,
    pasted: String,
) -> AppResult<HttpResponse> {
    html(
        status,
        &UploadPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client: scoped.client.clone(),
            offer_form: error.is_some(),
            error,
            pasted,
        },
    )
}

pub async fn report_form(scoped: ScopedClient) -> AppResult<HttpResponse> {
    upload_page(&scoped, StatusCode::OK, None, String::new())
}

#[derive(Default)]
struct ReportUpload {
    csrf_token: String,
    file_name: String,
    file: Vec<u8>,
    text: String,
    file_too_large: bool,
    text_too_large: bool,
}

/// Reads the multipart body. A file over the limit is drained (not kept) so the answer can
/// explain it; a body beyond `MAX_DRAINED_BYTES` is cut off.
async fn read_upload(mut multipart: Multipart) -> AppResult<ReportUpload> {
    let mut upload = ReportUpload::default();
    let mut total = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| AppError::CsrfRejected)?;
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            upload.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(clean_file_name)
                .unwrap_or_default();
        }
        let limit = match name.as_str() {
            "file" => MAX_PDF_BYTES,
            "text" => MAX_PASTE_BYTES,
            _ => 4096,
        };
        let mut bytes = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::CsrfRejected)?;
            total += chunk.len();
            if total > MAX_DRAINED_BYTES {
                return Err(AppError::TooLarge);
            }
            if bytes.len() + chunk.len() > limit {
                over = true;
                bytes = Vec::new();
            }
            if !over {
                bytes.extend_from_slice(&chunk);
            }
        }
        match name.as_str() {
            "csrf_token" => upload.csrf_token = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => (upload.file, upload.file_too_large) = (bytes, over),
            "text" => {
                upload.text = String::from_utf8_lossy(&bytes).into_owned();
                upload.text_too_large = over;
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// A file name fit for a page and a download header: no path, no control or quote characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\'))
        .take(120)
        .collect();
    if clean.trim().is_empty() {
        "lab-report.pdf".into()
    } else {
        clean.trim().to_string()
    }
}

/// What reading the upload gave.
enum Outcome {
    /// Text read and recognised as a report.
    Report(Box<RecognisedReport>),
    /// Read, but not a hair test report: the text goes back into the paste box.
    NotAReport(String, usize),
    /// The PDF could not be read.
    Unreadable(PdfError),
    Busy,
}

struct ReadSlot;

impl Drop for ReadSlot {
    fn drop(&mut self) {
        READS_IN_PROGRESS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Reads the PDF (or takes the pasted text) and recognises it on a thread of its own, bounded
/// in time: the web workers and the database's blocking threads never wait on a PDF.
async fn read_report(file: Option<Vec<u8>>, pasted: String) -> Outcome {
    if READS_IN_PROGRESS.fetch_add(1, Ordering::SeqCst) >= MAX_CONCURRENT_READS {
        READS_IN_PROGRESS.fetch_sub(1, Ordering::SeqCst);
        return Outcome::Busy;
    }
    let (sender, receiver) = mpsc::channel();
    let deadline = Instant::now() + READ_TIME;
    let spawned = std::thread::Builder::new()
        .name("lab-report".into())
        .spawn(move || {
            // Released however the thread ends, so a failure never uses up a slot for good.
            let _slot = ReadSlot;
            // A bug in the PDF library must cost this one upload, not the server: its panic is
            // answered as a damaged file.
            let outcome = std::panic::catch_unwind(move || {
                let text = match file {
                    Some(bytes) => pdf::text(&bytes, deadline),
                    None => Ok(pasted),
                };
                match text {
                    Ok(text) => {
                        let report = recognise(&text);
                        if report.is_lab_report() {
                            Outcome::Report(Box::new(report))
                        } else {
                            Outcome::NotAReport(text, report.levels.len())
                        }
                    }
                    Err(error) => Outcome::Unreadable(error),
                }
            })
            .unwrap_or_else(|_| {
                Outcome::Unreadable(PdfError::Damaged("the PDF reader failed on it".into()))
            });
            let _ = sender.send(outcome);
        });
    if spawned.is_err() {
        READS_IN_PROGRESS.fetch_sub(1, Ordering::SeqCst);
        return Outcome::Busy;
    }
    // The thread stops itself at the deadline; waiting a little longer covers the hand-over.
    let give_up = deadline + Duration::from_millis(500);
    loop {
        match receiver.try_recv() {
            Ok(outcome) => return outcome,
            Err(mpsc::TryRecvError::Disconnected) => return Outcome::Unreadable(PdfError::TooSlow),
            Err(mpsc::TryRecvError::Empty) if Instant::now() > give_up => {
                return Outcome::Unreadable(PdfError::TooSlow)
            }
            Err(mpsc::TryRecvError::Empty) => {
                actix_web::rt::time::sleep(Duration::from_millis(15)).await
            }
        }
    }
}

pub async fn read(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    multipart: Multipart,
) -> AppResult<HttpResponse> {
    csrf::check_origin(&req)?;
    let upload = read_upload(multipart).await?;
    csrf::verify(&req, &upload.csrf_token).await?;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if upload.file_too_large {
        let message = PdfError::TooLarge.to_string();
        return upload_page(
            &scoped,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(message),
            String::new(),
        );
    }
    if upload.text_too_large {
        let message = format!(
            "The pasted text is longer than {} KB; a report's text is much shorter. Paste only the results pages.",
            MAX_PASTE_BYTES / 1024
        );
        return upload_page(
            &scoped,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(message),
            String::new(),
        );
    }
    let has_file = !upload.file.is_empty();
    if !has_file && upload.text.trim().is_empty() {
        let message = "Choose the lab's PDF, or paste the report's text.".to_string();
        return upload_page(&scoped, unprocessable, Some(message), String::new());
    }
    if has_file && !pdf::looks_like_pdf(&upload.file) {
        let message = format!(
            "“{}” is not a PDF. Upload the lab's PDF report, or paste its text.",
            upload.file_name
        );
        return upload_page(&scoped, unprocessable, Some(message), String::new());
    }
    let file = has_file.then(|| upload.file.clone());
    let outcome = read_report(file, upload.text.clone()).await;
    let source = if has_file {
        upload.file_name.clone()
    } else {
        "pasted text".to_string()
    };
    let report = match outcome {
        Outcome::Report(report) => *report,
        Outcome::Busy => {
            let message =
                "The server is reading other reports right now. Please try again in a moment.";
            return upload_page(
                &scoped,
                StatusCode::SERVICE_UNAVAILABLE,
                Some(message.into()),
                upload.text,
            );
        }
        Outcome::NotAReport(text, found) => {
            let message = format!(
                "This does not look like a hair test report: {} recognised (at least {MIN_ELEMENTS} are needed). {} Check that it is the lab's results page, correct the text below, or type the values into the form.",
                crate::words::count(found, "element result was", "element results were"),
                if has_file { "The text read from the PDF is in the box below." } else { "" }
            );
            return upload_page(&scoped, unprocessable, Some(message), text);
        }
        // A scan is still the lab's report: it can be kept with a test typed by hand.
        Outcome::Unreadable(PdfError::NoText) => {
            let file_id = store_pending(&req, &pool, &scoped, &upload).await?;
            let mut empty = RecognisedReport::default();
            empty.notes.push(PdfError::NoText.to_string());
            let form = prefill(&empty, &source, Some(file_id), &scoped.client);
            return review_page(&pool, scoped, form, unprocessable).await;
        }
        Outcome::Unreadable(error) => {
            return upload_page(&scoped, unprocessable, Some(error.to_string()), upload.text);
        }
    };
    let file_id = if has_file {
        Some(store_pending(&req, &pool, &scoped, &upload).await?)
    } else {
        None
    };
    let form = prefill(&report, &source, file_id, &scoped.client);
    review_page(&pool, scoped, form, StatusCode::OK).await
}

async fn review_page(
    pool: &Pool,
    scoped: ScopedClient,
    form: super::form::HairTestForm,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let reference = practitioner_set(pool, &scoped.practitioner).await?;
    html(
        status,
        &FormPage::new(
            &scoped.practitioner,
            scoped.client,
            None,
            form,
            FieldErrors::default(),
            reference,
        ),
    )
}

/// Keeps the uploaded PDF until the reviewed form is saved (`commands::lab_reports::keep_upload`).
async fn store_pending(
    req: &HttpRequest,
    pool: &Pool,
    scoped: &ScopedClient,
    upload: &ReportUpload,
) -> AppResult<i64> {
    let id = new_id();
    let (practitioner_id, client_id) = (scoped.practitioner.id(), scoped.client.id);
    let (name, content, addr) = (
        upload.file_name.clone(),
        upload.file.clone(),
        remote_addr(req),
    );
    run_db(pool, move |conn| {
        commands::lab_reports::keep_upload(
            conn,
            &Actor {
                account_id: practitioner_id,
                remote_addr: &addr,
            },
            &NewReportFile {
                id,
                practitioner_id,
                client_id,
                file_name: &name,
                content: &content,
                uploaded_at: now(),
            },
        )
    })
    .await?;
    Ok(id)
}

/// The lab report kept with a test, as the PDF it was (always a download: a PDF from outside is
/// never rendered inline by the app's origin).
pub async fn download(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedHairTest,
) -> AppResult<HttpResponse> {
    let (test_id, account_id, addr) = (
        scoped.test.id,
        scoped.scope.practitioner.id(),
        remote_addr(&req),
    );
    let file = run_db(&pool, move |conn| {
        let file = lab_reports::file_for_test(conn, test_id)?;
        if file.is_some() {
            record(
                conn,
                &AuditEntry {
                    account_id: Some(account_id.get()),
                    action: "download_report",
                    record_kind: "hair_test",
                    record_id: Some(test_id.get()),
                    remote_addr: Some(&addr),
                    detail: "",
                },
            )?;
        }
        Ok(file)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let name = format!(
        "lab-report-{}-{}.pdf",
        scoped.test.sample_date, scoped.test.id
    );
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(file.content))
}
