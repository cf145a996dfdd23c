//! The nutritional program: a new dated version from a form prefilled with the current one,
//! corrections (edit, delete, restore) of a version typed wrong, and the per-client retest
//! interval. A start date far from the client's records is saved only once confirmed.

use crate::db::{AccountId, ClientId, ProgramVersionId};
use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::forms::{redirect, EmptyForm, FieldErrors, Lines};
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::{RestorableProgramVersion, ScopedClient, ScopedProgramVersion};
use crate::db::clients::ClientRow;
use crate::db::programs::{self, SupplementInput, VersionInput, VersionWithSupplements};
use crate::db::Pool;
use crate::domain::program::check_start_date;
use crate::service::commands::programs::VersionChange;
use crate::service::commands::{self, Actor};
use crate::web::view::render_page;

/// Blank supplement rows offered below the prescribed ones (no script adds rows).
const SPARE_ROWS: usize = 3;
pub const MAX_ROWS: usize = 40;

#[derive(Debug, Clone, Default)]
pub struct SupplementRow {
    pub name: String,
    pub dose: String,
    pub unit: String,
    pub frequency: String,
}

#[derive(Template)]
#[template(path = "programs/form.html")]
struct ProgramPage {
    layout: Layout,
    client: ClientRow,
    /// Where the form posts: a new version, or the correction of one.
    action: String,
    heading: &'static str,
    submit_label: &'static str,
    starts_on: String,
    diet: String,
    lifestyle: String,
    rows: Vec<SupplementRow>,
    errors: FieldErrors,
    row_errors: Vec<String>,
    suggestions: Vec<String>,
    /// The question about an unusual start date, answered by the "Yes, this date is right" box.
    confirm_question: Option<String>,
}

/// The form's two uses.
#[derive(Clone, Copy)]
enum Purpose {
    New,
    Edit(ProgramVersionId),
}

impl Purpose {
    fn action(self, client_id: ClientId) -> String {
        match self {
            Purpose::New => format!("/clients/{client_id}/program"),
            Purpose::Edit(id) => format!("/clients/{client_id}/program/{id}/edit"),
        }
    }
    fn heading(self) -> &'static str {
        match self {
            Purpose::New => "New program version",
            Purpose::Edit(_) => "Correct a program version",
        }
    }
    fn submit_label(self) -> &'static str {
        match self {
            Purpose::New => "Save new version",
            Purpose::Edit(_) => "Save the correction",
        }
    }
}

fn rows_of(version: Option<&VersionWithSupplements>) -> Vec<SupplementRow> {
    version
        .map(|v| {
            v.supplements
                .iter()
                .map(|s| SupplementRow {
                    name: s.name.clone(),
                    dose: s.dose.clone(),
                    unit: s.unit.clone(),
                    frequency: s.frequency.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The form filled from a version (or empty), with blank rows to add supplements.
fn filled_page(
    scoped: ScopedClient,
    purpose: Purpose,
    starts_on: String,
    version: Option<&VersionWithSupplements>,
    suggestions: Vec<String>,
) -> ProgramPage {
    let mut rows = rows_of(version);
    let spare = if rows.is_empty() {
        2 * SPARE_ROWS
    } else {
        SPARE_ROWS
    };
    rows.extend(std::iter::repeat_with(SupplementRow::default).take(spare));
    ProgramPage {
        layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
        action: purpose.action(scoped.client.id),
        heading: purpose.heading(),
        submit_label: purpose.submit_label(),
        starts_on,
        diet: version.map(|v| v.version.diet.clone()).unwrap_or_default(),
        lifestyle: version
            .map(|v| v.version.lifestyle.clone())
            .unwrap_or_default(),
        row_errors: vec![String::new(); rows.len()],
        rows,
        errors: FieldErrors::default(),
        suggestions,
        confirm_question: None,
        client: scoped.client,
    }
}

pub async fn new_form(pool: web::Data<Pool>, scoped: ScopedClient) -> AppResult<HttpResponse> {
    let (client_id, owner) = (scoped.client.id, scoped.practitioner.id());
    let today = crate::web::view::today();
    let (history, suggestions) = run_db(&pool, move |conn| {
        Ok((
            programs::history(conn, client_id)?,
            programs::supplement_names(conn, owner)?,
        ))
    })
    .await?;
    let current = programs::current(&history, today).or(history.last());
    let page = filled_page(
        scoped,
        Purpose::New,
        today.to_string(),
        current,
        suggestions,
    );
    render_page(StatusCode::OK, &page)
}

pub async fn edit_form(
    pool: web::Data<Pool>,
    ScopedProgramVersion { scope, version }: ScopedProgramVersion,
) -> AppResult<HttpResponse> {
    let owner = scope.practitioner.id();
    let suggestions = run_db(&pool, move |conn| programs::supplement_names(conn, owner)).await?;
    let page = filled_page(
        scope,
        Purpose::Edit(version.version.id),
        version.version.starts_on.to_string(),
        Some(&version),
        suggestions,
    );
    render_page(StatusCode::OK, &page)
}

fn limited(
    text: &str,
    max: usize,
    field: &'static str,
    label: &str,
    errors: &mut FieldErrors,
) -> String {
    let text = text.trim();
    if text.chars().count() > max {
        errors.add(field, format!("{label} is limited to {max} characters."));
    }
    text.to_string()
}

/// Parses the form into a version, or the rows and messages to show again.
fn parse(
    values: &HashMap<String, String>,
) -> (
    Result<VersionInput, FieldErrors>,
    Vec<SupplementRow>,
    Vec<String>,
) {
    let get = |name: &str| values.get(name).map(String::as_str).unwrap_or("");
    let mut errors = FieldErrors::default();
    errors.check_text("starts_on", get("starts_on"), Lines::Single);
    errors.check_text("diet", get("diet"), Lines::Multi);
    errors.check_text("lifestyle", get("lifestyle"), Lines::Multi);
    let starts_on = match NaiveDate::parse_from_str(get("starts_on").trim(), "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(
                "starts_on",
                "Enter the date this version starts (YYYY-MM-DD).",
            );
            None
        }
    };
    let diet = limited(get("diet"), 20_000, "diet", "Diet guidance", &mut errors);
    let lifestyle = limited(
        get("lifestyle"),
        20_000,
        "lifestyle",
        "Lifestyle notes",
        &mut errors,
    );
    let mut rows = Vec::new();
    let mut row_errors = Vec::new();
    let mut supplements = Vec::new();
    for i in 0..MAX_ROWS {
        let field = |part: &str| get(&format!("supplement_{part}_{i}")).trim().to_string();
        let row = SupplementRow {
            name: field("name"),
            dose: field("dose"),
            unit: field("unit"),
            frequency: field("frequency"),
        };
        let present = !(row.name.is_empty()
            && row.dose.is_empty()
            && row.unit.is_empty()
            && row.frequency.is_empty());
        if !present {
            continue;
        }
        let mut message = String::new();
        let control = [&row.name, &row.dose, &row.unit, &row.frequency]
            .iter()
            .find_map(|v| crate::text::control_character_problem(v, Lines::Single));
        if let Some(problem) = control {
            message = problem;
        } else if row.name.is_empty() {
            message = "Name the supplement, or clear the row.".into();
        } else if [&row.name, &row.dose, &row.unit, &row.frequency]
            .iter()
            .any(|v| v.chars().count() > 200)
        {
            message = "Each entry is limited to 200 characters.".into();
        }
        if message.is_empty() {
            supplements.push(SupplementInput {
                name: row.name.clone(),
                dose: row.dose.clone(),
                unit: row.unit.clone(),
                frequency: row.frequency.clone(),
            });
        } else {
            errors.add("supplements", "Some supplement rows need attention.");
        }
        rows.push(row);
        row_errors.push(message);
    }
    let result = match (starts_on, errors.is_empty()) {
        (Some(starts_on), true) => Ok(VersionInput {
            starts_on,
            diet,
            lifestyle,
            supplements,
        }),
        _ => Err(errors),
    };
    (result, rows, row_errors)
}

/// The form shown back with what was typed: messages on the fields, or the question about
/// an unusual start date.
async fn shown_back(
    pool: &Pool,
    scoped: ScopedClient,
    purpose: Purpose,
    values: &HashMap<String, String>,
    (mut rows, mut row_errors): (Vec<SupplementRow>, Vec<String>),
    errors: FieldErrors,
    confirm_question: Option<String>,
) -> AppResult<HttpResponse> {
    let owner = scoped.practitioner.id();
    let suggestions = run_db(pool, move |conn| programs::supplement_names(conn, owner)).await?;
    rows.extend(std::iter::repeat_with(SupplementRow::default).take(SPARE_ROWS));
    row_errors.resize(rows.len(), String::new());
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    render_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ProgramPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            action: purpose.action(scoped.client.id),
            heading: purpose.heading(),
            submit_label: purpose.submit_label(),
            starts_on: get("starts_on"),
            diet: get("diet"),
            lifestyle: get("lifestyle"),
            rows,
            row_errors,
            errors,
            suggestions,
            confirm_question,
            client: scoped.client,
        },
    )
}

/// Parses the form and checks its start date; the version to save, or the response that shows
/// the form back.
async fn checked_input(
    pool: &Pool,
    scoped: ScopedClient,
    purpose: Purpose,
    values: &HashMap<String, String>,
) -> AppResult<Result<(ScopedClient, VersionInput), HttpResponse>> {
    let (result, rows, row_errors) = parse(values);
    let input = match result {
        Ok(input) => input,
        Err(errors) => {
            let page = shown_back(
                pool,
                scoped,
                purpose,
                values,
                (rows, row_errors),
                errors,
                None,
            );
            return Ok(Err(page.await?));
        }
    };
    let client_id = scoped.client.id;
    let first_record = run_db(pool, move |conn| programs::first_record(conn, client_id)).await?;
    let check = check_start_date(input.starts_on, crate::web::view::today(), first_record);
    // The box answers for the date it was shown with: a date changed after ticking asks again.
    let confirmed = values
        .get("date_confirmed")
        .is_some_and(|d| d.trim() == input.starts_on.to_string());
    match check.question() {
        Some(question) if !confirmed => {
            let mut errors = FieldErrors::default();
            errors.add("starts_on", question.clone());
            let page = shown_back(
                pool,
                scoped,
                purpose,
                values,
                (rows, row_errors),
                errors,
                Some(question),
            );
            Ok(Err(page.await?))
        }
        _ => Ok(Ok((scoped, input))),
    }
}

fn actor_of(req: &HttpRequest, scoped: &ScopedClient) -> (AccountId, ClientId, String) {
    (scoped.practitioner.id(), scoped.client.id, remote_addr(req))
}

pub async fn create(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let (scoped, input) = match checked_input(&pool, scoped, Purpose::New, &values).await? {
        Ok(ready) => ready,
        Err(page) => return Ok(page),
    };
    let (owner, client_id, addr) = actor_of(&req, &scoped);
    run_db(&pool, move |conn| {
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        commands::programs::add_version(conn, &actor, client_id, &input)
    })
    .await?;
    Ok(redirect(&format!("/clients/{client_id}#program")))
}

/// Applies one correction to the version the extractor found: 404 when it changed state
/// meanwhile (deleted, restored, purged), else back to the client's program.
async fn correct(
    req: &HttpRequest,
    pool: &Pool,
    scope: &ScopedClient,
    version_id: ProgramVersionId,
    change: VersionChange,
) -> AppResult<HttpResponse> {
    let (owner, client_id, addr) = actor_of(req, scope);
    let done = run_db(pool, move |conn| {
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        commands::programs::change_version(conn, &actor, client_id, version_id, change)
    })
    .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("/clients/{client_id}#program")))
}

pub async fn update(
    req: HttpRequest,
    pool: web::Data<Pool>,
    ScopedProgramVersion { scope, version }: ScopedProgramVersion,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let version_id = version.version.id;
    let purpose = Purpose::Edit(version_id);
    let (scope, input) = match checked_input(&pool, scope, purpose, &values).await? {
        Ok(ready) => ready,
        Err(page) => return Ok(page),
    };
    let change = VersionChange::Edit(input);
    correct(&req, &pool, &scope, version_id, change).await
}

pub async fn delete(
    req: HttpRequest,
    pool: web::Data<Pool>,
    ScopedProgramVersion { scope, version }: ScopedProgramVersion,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let change = VersionChange::Delete;
    correct(&req, &pool, &scope, version.version.id, change).await
}

pub async fn restore(
    req: HttpRequest,
    pool: web::Data<Pool>,
    RestorableProgramVersion { scope, version }: RestorableProgramVersion,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let change = VersionChange::Restore;
    correct(&req, &pool, &scope, version.id, change).await
}

#[derive(Deserialize)]
pub struct IntervalForm {
    #[serde(default)]
    months: String,
}

pub async fn set_retest_interval(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(form): CsrfForm<IntervalForm>,
) -> AppResult<HttpResponse> {
    let months = match form.months.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(m) if (1..=24).contains(&m) => Some(m),
            // The field lives on the client page: shown back there with its message.
            _ => {
                return crate::web::kept::show_back(
                    &req,
                    scoped.practitioner.id(),
                    &format!("/clients/{}", scoped.client.id),
                    "tests",
                    &[("months", &form.months)],
                    &[(
                        "months",
                        "Enter a whole number of months from 1 to 24, or leave it empty for the usual interval.",
                    )],
                )
                .await;
            }
        },
    };
    let (owner, client_id, addr) = (
        scoped.practitioner.id(),
        scoped.client.id,
        remote_addr(&req),
    );
    run_db(&pool, move |conn| {
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        commands::programs::set_retest_interval(conn, &actor, client_id, months)
    })
    .await?;
    Ok(redirect(&format!("/clients/{client_id}#tests")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_rows_in_order_and_skips_blank_ones() {
        let (result, rows, _) = parse(&values(&[
            ("starts_on", "2026-01-05"),
            ("supplement_name_0", "Magnesium glycinate"),
            ("supplement_dose_0", "200"),
            ("supplement_unit_0", "mg"),
            ("supplement_frequency_0", "twice daily"),
            ("supplement_name_2", "Zinc"),
        ]));
        let input = result.unwrap();
        assert_eq!(input.supplements.len(), 2);
        assert_eq!(input.supplements[1].name, "Zinc");
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn a_row_without_a_name_is_an_error_and_is_kept() {
        let (result, rows, row_errors) = parse(&values(&[
            ("starts_on", "2026-01-05"),
            ("supplement_dose_0", "200"),
        ]));
        assert!(result.is_err());
        assert_eq!(rows[0].dose, "200");
        assert!(!row_errors[0].is_empty());
        let (result, _, _) = parse(&values(&[("starts_on", "soon")]));
        assert!(result.unwrap_err().get("starts_on").is_some());
    }
}
