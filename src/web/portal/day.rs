//! The diary page of one day (today by default) and saving it. The form is one screen on a
//! phone and needs no JavaScript; whatever goes wrong (a typo, a stale form, an ended session,
//! an edit made meanwhile on another device) the client gets back exactly what they typed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::answers::{read_only_lines, AnswerRow};
use super::form::{EntryErrors, RawEntry, SymptomRow};
use super::{day_name, long_date, resume, Notice};
use crate::auth::csrf::{check_origin, verify};
use crate::auth::session::resolve;
use crate::auth::{CurrentAccount, PortalClient};
use crate::db::accounts::Role;
use crate::db::client_portal::{self, ProgramSummary};
use crate::db::diary::{self, Entry, SaveOutcome};
use crate::db::programs::{self, VersionWithSupplements};
use crate::db::{adherence, client_symptoms, Pool};
use crate::domain::adherence::DayAnswers;
use crate::domain::diary::calendar::{last_editable_day, parse_date};
use crate::domain::diary::vocabulary::label_of;
use crate::domain::diary::{day_status, DayStatus, Symptom, EDIT_WINDOW_DAYS};
use crate::service::commands::{self, Actor};
use crate::web::forms::redirect;
use crate::web::kept::store;
use crate::web::view::render_page;
use crate::web::{remote_addr, run_db, AppError, AppResult, Layout};

/// A symptom of a read-only day, as shown.
pub struct ReadOnlyLine {
    pub label: String,
    pub severity: u8,
    pub time: &'static str,
}

#[derive(Template)]
#[template(path = "portal/day.html")]
struct DayPage {
    layout: Layout,
    heading: String,
    long_date: String,
    prev_link: String,
    next_link: Option<String>,
    editable: bool,
    last_editable: String,
    raw: RawEntry,
    rows: Vec<SymptomRow>,
    /// The day's program questions (issue 17): its supplements, then the diet.
    answer_rows: Vec<AnswerRow>,
    /// A read-only day's answers.
    answer_lines: Vec<(String, &'static str)>,
    errors: EntryErrors,
    notice: Option<Notice>,
    /// The date of an entry kept while signed out, waiting to be reviewed.
    pending: Option<String>,
    read_only: Vec<ReadOnlyLine>,
    has_entry: bool,
    program: Option<ProgramSummary>,
    reports: Vec<SharedReport>,
    window_days: i64,
    form_proof: String,
}

/// A progress summary the practitioner shared with the client (downloaded as a PDF).
pub struct SharedReport {
    pub link: String,
    pub label: String,
}

fn day_link(date: NaiveDate, today: NaiveDate) -> String {
    if date == today {
        "/portal".into()
    } else {
        format!("/portal?date={date}")
    }
}

/// Everything a day page shows besides the form values.
pub(crate) struct DayContext {
    pub vocabulary: Vec<Symptom>,
    pub entry: Option<Entry>,
    /// The program version in force on the page's day and the day's stored answers.
    pub version: Option<VersionWithSupplements>,
    pub answers: DayAnswers,
    pub program: Option<ProgramSummary>,
    pub reports: Vec<SharedReport>,
    pub pending: Option<NaiveDate>,
    /// The diary page's proof value and, for a browser without one yet, its cookie.
    pub proof: (String, Option<actix_web::cookie::Cookie<'static>>),
}

pub(crate) async fn load_context(
    req: &HttpRequest,
    pool: &Pool,
    portal: &PortalClient,
    date: NaiveDate,
) -> AppResult<DayContext> {
    let client_id = portal.client.id;
    let account_id = portal.account().id;
    let pending = resume::kept_entry(req, pool, Some(account_id))
        .await?
        .map(|raw| raw.parsed_date());
    let today = portal.today();
    let proof = resume::form_proof(req);
    run_db(pool, move |conn| {
        let history = programs::history(conn, client_id)?;
        Ok(DayContext {
            vocabulary: client_symptoms::vocabulary(conn, client_id)?,
            entry: diary::find(conn, client_id, date)?,
            version: programs::current(&history, date).cloned(),
            answers: adherence::of_day(conn, client_id, date)?,
            program: client_portal::current_program(conn, client_id, today)?,
            reports: crate::db::summaries::list_shared(conn, client_id)?
                .into_iter()
                .map(|r| SharedReport {
                    link: format!("/portal/summaries/{}/pdf", r.id),
                    label: format!(
                        "Progress summary, {} to {}",
                        r.period_start.format("%-d %b %Y"),
                        r.period_end.format("%-d %b %Y")
                    ),
                })
                .collect(),
            pending: pending.map(|d| d.unwrap_or(date)),
            proof,
        })
    })
    .await
}

/// A form as it is to be shown: the values, their problems, a message and the status.
pub(crate) struct Shown {
    pub raw: RawEntry,
    pub errors: EntryErrors,
    pub notice: Option<Notice>,
    pub status: StatusCode,
}

/// Renders the page of `date` showing `shown.raw` (the stored entry, or what was posted).
pub(crate) fn render_day(
    portal: &PortalClient,
    layout: Layout,
    date: NaiveDate,
    context: DayContext,
    shown: Shown,
) -> AppResult<HttpResponse> {
    let Shown {
        raw,
        errors,
        notice,
        status,
    } = shown;
    let today = portal.today();
    // Posted values are always shown back in the form, even for a day that just left the window:
    // the client can still copy what they wrote.
    let editable = day_status(date, today) == DayStatus::Editable
        || status != StatusCode::OK
        || !errors.is_empty();
    let read_only = match (&context.entry, editable) {
        (Some(entry), false) => entry
            .symptoms
            .iter()
            .map(|s| ReadOnlyLine {
                label: label_of(&context.vocabulary, &s.key).to_string(),
                severity: s.severity.get(),
                time: s.time_of_day.map_or("", |t| t.label()),
            })
            .collect(),
        _ => Vec::new(),
    };
    let next = date + Duration::days(1);
    let (form_proof, proof_cookie) = context.proof;
    let mut response = render_page(
        status,
        &DayPage {
            layout,
            heading: day_name(date, today),
            long_date: date.format("%A %-d %B").to_string(),
            prev_link: day_link(date - Duration::days(1), today),
            next_link: (next <= today).then(|| day_link(next, today)),
            editable,
            last_editable: long_date(last_editable_day(date)),
            rows: raw.rows(&context.vocabulary, &errors),
            answer_rows: raw.answer_rows(context.version.as_ref(), &errors),
            answer_lines: if editable {
                Vec::new()
            } else {
                read_only_lines(&context.answers)
            },
            raw,
            errors,
            notice,
            pending: context.pending.map(|d| d.to_string()),
            read_only,
            has_entry: context.entry.is_some(),
            program: context.program,
            reports: context.reports,
            window_days: EDIT_WINDOW_DAYS,
            form_proof,
        },
    )?;
    if let Some(cookie) = proof_cookie {
        response
            .add_cookie(&cookie)
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct DayQuery {
    date: Option<String>,
    saved: Option<String>,
}

/// GET /portal: today's entry, or `?date=` any earlier day (read-only once out of the window).
pub async fn today(
    req: HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
    query: web::Query<DayQuery>,
) -> AppResult<HttpResponse> {
    let today = portal.today();
    let date = match query.date.as_deref().map(str::trim) {
        None | Some("") => today,
        Some(text) => parse_date(text).map_err(AppError::BadRequest)?,
    };
    if date > today {
        return Ok(redirect("/portal"));
    }
    let viewer = portal.account().id;
    crate::web::audit::record_view(&req, &pool, viewer, &portal.client, "portal_diary", None)
        .await?;
    let context = load_context(&req, &pool, &portal, date).await?;
    let raw = context
        .entry
        .as_ref()
        .map(|entry| {
            RawEntry::from_entry(entry).with_answers(&context.answers, context.version.as_ref())
        })
        .unwrap_or_else(|| RawEntry::blank(date));
    let notice = query.saved.is_some().then(|| {
        Notice::ok(format!(
            "Saved. You can change this day until {}.",
            long_date(last_editable_day(date))
        ))
    });
    let layout = Layout::for_account(&portal.current, "portal-today");
    let shown = Shown {
        raw,
        errors: EntryErrors::default(),
        notice,
        status: StatusCode::OK,
    };
    render_day(&portal, layout, date, context, shown)
}

/// The result of trying to save a posted form.
pub(crate) enum Attempt {
    Saved(NaiveDate),
    /// Not saved; the page to show again, with why.
    Refused(Box<Shown>),
}

/// A posted form, parsed: the entry, its program answers and the revision it was opened at.
type Checked = (crate::domain::diary::EntryInput, DayAnswers, i64);

/// Checks a posted form against the vocabulary, the program version of its day and the
/// client's edit window.
fn check(
    raw: &RawEntry,
    vocabulary: &[Symptom],
    version: Option<&VersionWithSupplements>,
    today: NaiveDate,
) -> Result<Checked, EntryErrors> {
    let parsed = raw.parse(vocabulary);
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let answers = raw.parse_answers(version, &mut errors);
    let ((input, revision), answers) = match (parsed, answers) {
        (Ok(parsed), Some(answers)) if errors.is_empty() => (parsed, answers),
        _ => return Err(errors),
    };
    match day_status(input.date, today) {
        DayStatus::Editable => return Ok((input, answers, revision)),
        DayStatus::Future => errors.fields.add(
            "date",
            format!(
                "{} has not begun yet where you are. If your time zone is wrong, change it in Settings.",
                long_date(input.date)
            ),
        ),
        DayStatus::ReadOnly => errors.fields.add(
            "date",
            format!("Entries can be changed for {EDIT_WINDOW_DAYS} days; this day is now read-only."),
        ),
    }
    Err(errors)
}

/// The problems of a posted form without saving it (for a form shown back after sign-in).
pub(crate) fn problems(
    raw: &RawEntry,
    vocabulary: &[Symptom],
    version: Option<&VersionWithSupplements>,
    today: NaiveDate,
) -> EntryErrors {
    check(raw, vocabulary, version, today)
        .err()
        .unwrap_or_default()
}

pub(crate) async fn attempt_save(
    req: &HttpRequest,
    pool: &Pool,
    portal: &PortalClient,
    mut raw: RawEntry,
) -> AppResult<Attempt> {
    let client_id = portal.client.id;
    // The questions of the posted day: that day's program version (the day after a change
    // shows the new one, the day before the old one).
    let posted_day = raw.parsed_date();
    let (vocabulary, version) = run_db(pool, move |conn| {
        let version = match posted_day {
            Some(day) => programs::current(&programs::history(conn, client_id)?, day).cloned(),
            None => None,
        };
        Ok((client_symptoms::vocabulary(conn, client_id)?, version))
    })
    .await?;
    let (input, answers, revision) =
        match check(&raw, &vocabulary, version.as_ref(), portal.today()) {
            Ok(parsed) => parsed,
            Err(errors) => {
                return Ok(Attempt::Refused(Box::new(Shown {
                    raw,
                    errors,
                    notice: None,
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                })))
            }
        };
    let (account_id, addr, date) = (portal.account().id, remote_addr(req), input.date);
    let today = portal.today();
    let outcome = run_db(pool, move |conn| {
        let actor = Actor {
            account_id,
            remote_addr: &addr,
        };
        let outcome =
            commands::diary::save_day(conn, &actor, client_id, &input, &answers, revision, today)?;
        // After a conflict the form carries the current revision, so saving again replaces it.
        let current = match outcome {
            SaveOutcome::Conflict(_) => diary::find(conn, client_id, date)?.map(|e| e.row.revision),
            _ => None,
        };
        Ok((outcome, current))
    })
    .await?;
    match outcome {
        (SaveOutcome::Created(_) | SaveOutcome::Updated(_), _) => Ok(Attempt::Saved(date)),
        (SaveOutcome::Conflict(_), current) => {
            raw.revision = current.unwrap_or(0).to_string();
            Ok(Attempt::Refused(Box::new(Shown {
                raw,
                errors: EntryErrors::default(),
                notice: Some(Notice::problem(format!(
                    "This day was changed on another device or in another window after you opened this form, so nothing was saved. Your version is below: tap Save to keep it instead, or open {} again to see the other.",
                    day_name(date, portal.today()).to_lowercase()
                ))),
                status: StatusCode::CONFLICT,
            })))
        }
    }
}

pub(crate) fn saved_location(date: NaiveDate, today: NaiveDate) -> String {
    if date == today {
        "/portal?saved=1".into()
    } else {
        format!("/portal?date={date}&saved=1")
    }
}

/// Shows a refused attempt again (the date of the page is the posted one when it reads).
pub(crate) async fn show_refused(
    req: &HttpRequest,
    pool: &Pool,
    portal: &PortalClient,
    layout: Layout,
    attempt: Attempt,
) -> AppResult<HttpResponse> {
    match attempt {
        Attempt::Saved(date) => Ok(redirect(&saved_location(date, portal.today()))),
        Attempt::Refused(shown) => {
            let date = shown.raw.parsed_date().unwrap_or_else(|| portal.today());
            let context = load_context(req, pool, portal, date).await?;
            render_day(portal, layout, date, context, *shown)
        }
    }
}

/// POST /portal/diary. Reads the body before deciding who is asking, because a form posted
/// after its session ended must be kept rather than refused (see `resume`).
pub async fn save(
    req: HttpRequest,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    check_origin(&req)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
    let raw = RawEntry::from_pairs(&pairs);
    // Looked up before `resolve`, which deletes an ended session's row.
    let author = store::author_of_post(&req, &pool, &raw.csrf_token).await?;
    let Some(session) = resolve(&req).await? else {
        return resume::stash(&req, &pool, &raw, author).await;
    };
    let current = CurrentAccount(session);
    let token_ok = verify(&req, &raw.csrf_token).await.is_ok();
    if !token_ok && current.account().role != Role::Client {
        return Err(AppError::CsrfRejected);
    }
    let portal = PortalClient::for_account(&req, current).await?;
    let layout = Layout::for_account(&portal.current, "portal-today");
    if !token_ok {
        // A form from before the last sign-in (another tab signed out and in): refused like any
        // stale form, but shown back with a fresh token instead of thrown away.
        tracing::warn!("stale diary form refused and shown back");
        let attempt = Attempt::Refused(Box::new(Shown {
            raw,
            errors: EntryErrors::default(),
            notice: Some(Notice::problem(
                "This form had expired, so nothing was saved yet. Your entry is below: check it and tap Save.",
            )),
            status: StatusCode::FORBIDDEN,
        }));
        return show_refused(&req, &pool, &portal, layout, attempt).await;
    }
    let attempt = attempt_save(&req, &pool, &portal, raw).await?;
    show_refused(&req, &pool, &portal, layout, attempt).await
}
