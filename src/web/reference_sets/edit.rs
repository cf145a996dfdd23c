//! Editing one of the practitioner's reference sets. Saving stores the next version; when the
//! set is the one in use, every client is re-analysed with it in the same transaction.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::form::{Section, SetForm, VERSION};
use super::LIST_PATH;
use crate::auth::csrf::CsrfForm;
use crate::auth::{Practitioner, ScopedReferenceSet};
use crate::db::{Pool, ReferenceSetId};
use crate::service::commands::hair_tests::Actor;
use crate::service::commands::reference_sets::{self as reference_set_commands, EditOutcome};
use crate::web::forms::{redirect, FieldErrors};
use crate::web::view::render_page;
use crate::web::{remote_addr, run_db, AppError, AppResult, Layout};

#[derive(Template)]
#[template(path = "reference_sets/reference_set_edit.html")]
struct EditPage {
    layout: Layout,
    set_id: ReferenceSetId,
    label: String,
    name: String,
    /// The version the form was loaded at, sent back to detect a concurrent save.
    version: String,
    sections: Vec<Section>,
    problems: Vec<String>,
    field_error_count: usize,
}

impl EditPage {
    fn new(
        practitioner: &Practitioner,
        scoped: &ScopedReferenceSet,
        form: &SetForm,
        fields: &FieldErrors,
        problems: Vec<String>,
    ) -> EditPage {
        let set = &scoped.stored.set;
        EditPage {
            layout: Layout::for_practitioner(practitioner, "settings"),
            set_id: scoped.stored.id,
            label: set.label(),
            name: set.name.clone(),
            version: form
                .version()
                .map(|v| v.to_string())
                .unwrap_or_else(|| set.version.to_string()),
            sections: form.sections(fields),
            problems,
            field_error_count: fields.len(),
        }
    }
}

pub async fn edit_form(scoped: ScopedReferenceSet) -> AppResult<HttpResponse> {
    let form = SetForm::from_set(&scoped.stored.set);
    let page = EditPage::new(
        &scoped.practitioner,
        &scoped,
        &form,
        &FieldErrors::default(),
        Vec::new(),
    );
    render_page(StatusCode::OK, &page)
}

/// The form again, with what was typed and why it was not saved.
fn refused(
    status: StatusCode,
    scoped: &ScopedReferenceSet,
    form: &SetForm,
    fields: &FieldErrors,
    problems: Vec<String>,
) -> AppResult<HttpResponse> {
    let page = EditPage::new(&scoped.practitioner, scoped, form, fields, problems);
    render_page(status, &page)
}

fn conflict_message(current_version: u32) -> String {
    format!(
        "This set was saved elsewhere since you opened it (it is now version {current_version}). \
         Nothing was saved: reload the page to see the stored values, then make your change again."
    )
}

pub async fn update(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedReferenceSet,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let form = SetForm::from_submitted(values);
    let stored = &scoped.stored;
    let edited = match form.parse(&stored.set) {
        Ok(edited) => edited,
        Err(errors) => {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                &scoped,
                &form,
                &errors.fields,
                errors.problems,
            )
        }
    };
    let Some(expected_version) = form.version() else {
        return Err(AppError::BadRequest(format!(
            "The form lacks its “{VERSION}” field; reload the page and try again."
        )));
    };
    if expected_version != stored.set.version {
        return refused(
            StatusCode::CONFLICT,
            &scoped,
            &form,
            &FieldErrors::default(),
            vec![conflict_message(stored.set.version)],
        );
    }
    if edited == stored.set {
        // No new version for a save that changes nothing, and no re-analysis.
        return Ok(redirect(&format!("{LIST_PATH}?done=unchanged")));
    }
    let (account_id, addr, set_id) = (scoped.practitioner.id(), remote_addr(&req), stored.id);
    let outcome = run_db(&pool, move |conn| {
        reference_set_commands::save_edit(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            set_id,
            expected_version,
            &edited,
        )
    })
    .await?;
    match outcome {
        EditOutcome::NotFound => Err(AppError::NotFound),
        EditOutcome::Conflict { current_version } => refused(
            StatusCode::CONFLICT,
            &scoped,
            &form,
            &FieldErrors::default(),
            vec![conflict_message(current_version)],
        ),
        EditOutcome::Saved {
            reanalysis: Some(done),
            ..
        } => Ok(redirect(&format!(
            "{LIST_PATH}?done=saved&clients={}&tests={}",
            done.clients, done.tests
        ))),
        EditOutcome::Saved {
            reanalysis: None, ..
        } => Ok(redirect(&format!("{LIST_PATH}?done=saved"))),
    }
}
