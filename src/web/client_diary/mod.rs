//! The practitioner's side of the diary and portal: the section on the client page, the full
//! diary page with weekly averages and annotations, adding symptoms to a client's vocabulary,
//! and the "share results" switch.

pub mod program;
pub mod view;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use self::view::{client_today, EntryView};
use super::forms::redirect;
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::ScopedClient;
use crate::db::clients::ClientRow;
use crate::db::{client_portal, Pool};
use crate::domain::diary::calendar::{parse_date, week_start};
use crate::domain::diary::entry::{parse_text, NOTE_MAX_CHARS};
use crate::domain::diary::vocabulary::label_of;
use crate::domain::diary::weekly::RISE_SPAN_WEEKS;
use crate::domain::diary::{Adherence, RisingFlag, Symptom, SymptomWeeks};
use crate::service::commands::{self, Actor};
use crate::service::diary_period::DiaryPeriod;
use crate::web::view::render_page;

pub use view::{load_section, PortalSection};

/// The default period of the diary page: four weeks up to the client's today.
const DEFAULT_PERIOD_DAYS: i64 = 28;
const MAX_PERIOD_DAYS: i64 = 366;

/// One cell of the weekly-averages table.
pub struct WeekCell {
    pub text: String,
    pub class: String,
    pub title: String,
}

pub struct WeekRow {
    pub label: String,
    pub cells: Vec<WeekCell>,
}

#[derive(Default)]
struct Drafts {
    /// (date, typed annotation, message) of an annotation that could not be saved.
    annotation: Option<(String, String, String)>,
    /// (typed label, message) of a symptom that could not be added.
    symptom: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "client_diary/practitioner_diary.html")]
struct DiaryPage {
    layout: Layout,
    client: ClientRow,
    from: String,
    to: String,
    period_error: Option<String>,
    adherence: Adherence,
    week_labels: Vec<String>,
    week_rows: Vec<WeekRow>,
    flags: Vec<String>,
    entries: Vec<EntryView>,
    /// The program as followed (issue 17): weekly shares and the association figures.
    program_rows: Vec<program::ShareRow>,
    program_any: bool,
    associations: Vec<program::AssociationLine>,
    custom_symptoms: Vec<String>,
    symptom_label: String,
    symptom_error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The period asked for, or the default with a message when it does not read.
fn period(query: &PeriodQuery, today: NaiveDate) -> (NaiveDate, NaiveDate, Option<String>) {
    let default = (today - Duration::days(DEFAULT_PERIOD_DAYS - 1), today);
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let (from, to) = match (given(&query.from), given(&query.to)) {
        (None, None) => return (default.0, default.1, None),
        (from, to) => (
            from.map(parse_date).unwrap_or(Ok(default.0)),
            to.map(parse_date).unwrap_or(Ok(default.1)),
        ),
    };
    match (from, to) {
        (Ok(from), Ok(to)) if from <= to && (to - from).num_days() < MAX_PERIOD_DAYS => {
            (from, to, None)
        }
        (Ok(_), Ok(_)) => (
            default.0,
            default.1,
            Some("The period must run forwards and span at most a year; showing the last four weeks.".into()),
        ),
        (Err(message), _) | (_, Err(message)) => (default.0, default.1, Some(message)),
    }
}

fn week_rows(
    weekly: &[SymptomWeeks],
    flags: &[RisingFlag],
    first_week: NaiveDate,
    vocabulary: &[Symptom],
) -> (Vec<String>, Vec<WeekRow>) {
    let labels = weekly
        .first()
        .map(|s| {
            s.weeks
                .iter()
                .filter(|w| w.week_start >= first_week)
                .map(|w| w.week_start.format("%-d %b").to_string())
                .collect()
        })
        .unwrap_or_default();
    let rows = weekly
        .iter()
        .map(|series| WeekRow {
            label: label_of(vocabulary, &series.symptom_key).to_string(),
            cells: series
                .weeks
                .iter()
                .filter(|w| w.week_start >= first_week)
                .map(|w| {
                    let rising = flags.iter().any(|f| {
                        f.symptom_key == series.symptom_key && f.week_start == w.week_start
                    });
                    match w.average() {
                        None => WeekCell {
                            text: "—".into(),
                            class: "none".into(),
                            title: "no entries this week".into(),
                        },
                        Some(avg) => WeekCell {
                            text: format!("{avg:.1}{}", if rising { " ▲" } else { "" }),
                            class: format!(
                                "sev-{}{}",
                                avg.round().clamp(0.0, 10.0) as u8,
                                if rising { " rising" } else { "" }
                            ),
                            title: format!(
                                "average of {} logged day{}",
                                w.days_logged,
                                if w.days_logged == 1 { "" } else { "s" }
                            ),
                        },
                    }
                })
                .collect(),
        })
        .collect();
    (labels, rows)
}

async fn diary_page_with(
    pool: &Pool,
    scoped: ScopedClient,
    query: PeriodQuery,
    drafts: Drafts,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let client_id = scoped.client.id;
    let data = run_db(pool, move |conn| {
        let today = client_today(client_portal::settings(conn, client_id)?);
        let (from, to, period_error) = period(&query, today);
        // Two weeks before the first shown week, so its rise can be measured.
        let stats_from = week_start(from) - Duration::weeks(RISE_SPAN_WEEKS as i64);
        let diary = DiaryPeriod::load(conn, client_id, from, to, stats_from)?;
        Ok((period_error, diary))
    })
    .await?;
    let (period_error, diary) = data;
    let (from, to) = (diary.from, diary.to);
    let (weekly, flags, adherence) = (
        diary.weekly_with_baseline(),
        diary.rising(),
        diary.adherence(),
    );
    let vocabulary = &diary.vocabulary;
    let entries: Vec<_> = diary.entries().collect();
    let (mut week_labels, week_rows) = week_rows(&weekly, &flags, week_start(from), vocabulary);
    let program_weekly = diary.program_weekly();
    if week_labels.is_empty() {
        week_labels = program_weekly
            .first()
            .map(|s| {
                s.weeks
                    .iter()
                    .map(|w| w.week_start.format("%-d %b").to_string())
                    .collect()
            })
            .unwrap_or_default();
    }
    let program_rows = program::share_rows(&diary, &program_weekly, week_start(from));
    let associations = program::association_lines(&diary, &diary.associations());
    let mut entries: Vec<EntryView> = entries
        .iter()
        .map(|e| EntryView::new(e, vocabulary))
        .collect();
    if let Some((date, text, message)) = drafts.annotation {
        if let Some(entry) = entries.iter_mut().find(|e| e.date == date) {
            entry.draft = Some(text);
            entry.error = Some(message);
        }
    }
    let (symptom_label, symptom_error) = drafts
        .symptom
        .map_or((String::new(), None), |(l, m)| (l, Some(m)));
    render_page(
        status,
        &DiaryPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client: scoped.client,
            from: from.to_string(),
            to: to.to_string(),
            period_error,
            adherence,
            week_labels,
            week_rows,
            flags: flags
                .iter()
                .filter(|f| f.week_start >= week_start(from))
                .map(|f| {
                    format!(
                        "{}: weekly average rose from {:.1} (week of {}) to {:.1} (week of {}).",
                        label_of(vocabulary, &f.symptom_key),
                        f.baseline_average,
                        f.baseline_week_start.format("%-d %b"),
                        f.average,
                        f.week_start.format("%-d %b")
                    )
                })
                .collect(),
            entries,
            program_any: diary.has_answers(),
            program_rows,
            associations,
            custom_symptoms: vocabulary
                .iter()
                .filter(|s| s.custom)
                .map(|s| s.label.clone())
                .collect(),
            symptom_label,
            symptom_error,
        },
    )
}

/// GET /clients/{client_id}/diary
pub async fn diary_page(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    query: web::Query<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let viewer = scoped.practitioner.id();
    super::audit::record_view(&req, &pool, viewer, &scoped.client, "diary", None).await?;
    diary_page_with(
        &pool,
        scoped,
        query.into_inner(),
        Drafts::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct AnnotateForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    annotation: String,
    #[serde(default)]
    back: String,
}

/// POST /clients/{client_id}/diary/annotations
pub async fn annotate(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(form): CsrfForm<AnnotateForm>,
) -> AppResult<HttpResponse> {
    let date = parse_date(&form.date).map_err(|_| AppError::NotFound)?;
    let text = match parse_text(&form.annotation, NOTE_MAX_CHARS) {
        Ok(text) => text,
        Err(message) => {
            let drafts = Drafts {
                annotation: Some((date.to_string(), form.annotation, message)),
                ..Drafts::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let query = PeriodQuery::default();
            return diary_page_with(&pool, scoped, query, drafts, status).await;
        }
    };
    let (client_id, account_id, addr) = (
        scoped.client.id,
        scoped.practitioner.id(),
        remote_addr(&req),
    );
    let found = run_db(&pool, move |conn| {
        let actor = Actor {
            account_id,
            remote_addr: &addr,
        };
        commands::diary::annotate(conn, &actor, client_id, date, &text)
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    let page = if form.back == "diary" {
        format!("/clients/{client_id}/diary")
    } else {
        format!("/clients/{client_id}")
    };
    Ok(redirect(&format!("{page}#entry-{date}")))
}

#[derive(Deserialize)]
pub struct SymptomForm {
    #[serde(default)]
    label: String,
}

/// POST /clients/{client_id}/symptoms
pub async fn add_symptom(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(form): CsrfForm<SymptomForm>,
) -> AppResult<HttpResponse> {
    let (client_id, owner, addr) = (
        scoped.client.id,
        scoped.practitioner.id(),
        remote_addr(&req),
    );
    let label = form.label.clone();
    let added = match crate::text::control_character_problem(&label, crate::text::Lines::Single) {
        Some(problem) => Err(problem),
        None => {
            run_db(&pool, move |conn| {
                let actor = Actor {
                    account_id: owner,
                    remote_addr: &addr,
                };
                commands::symptoms::add(conn, &actor, client_id, &label)
            })
            .await?
        }
    };
    match added {
        Ok(_) => Ok(redirect(&format!("/clients/{client_id}/diary#symptoms"))),
        Err(message) => {
            let drafts = Drafts {
                symptom: Some((form.label, message)),
                ..Drafts::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            diary_page_with(&pool, scoped, PeriodQuery::default(), drafts, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    share: String,
}

/// POST /clients/{client_id}/share-results
pub async fn set_share_results(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(form): CsrfForm<ShareForm>,
) -> AppResult<HttpResponse> {
    let share = form.share == "1";
    let (client_id, owner, addr) = (
        scoped.client.id,
        scoped.practitioner.id(),
        remote_addr(&req),
    );
    run_db(&pool, move |conn| {
        commands::portal::set_share_results(
            conn,
            &Actor {
                account_id: owner,
                remote_addr: &addr,
            },
            client_id,
            share,
        )
    })
    .await?;
    Ok(redirect(&format!("/clients/{client_id}#portal")))
}
