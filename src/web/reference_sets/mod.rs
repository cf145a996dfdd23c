//! Practitioner settings: the reference sets their clients are analysed with. The default
//! `eck-wilson@2` is shown read-only; a practitioner clones it (or one of their own) under a
//! new name, edits the copy, and chooses which set is in use.

pub mod edit;
pub mod form;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::redirect;
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::extract::parse_id;
use crate::auth::{Practitioner, ScopedReferenceSet};
use crate::db::reference_sets;
use crate::db::{Pool, ReferenceSetId};
use crate::domain::reference::ReferenceSet;
use crate::service::commands::hair_tests::Actor;
use crate::service::commands::reference_sets::{
    self as reference_set_commands, ActivateOutcome, CloneOutcome,
};
use form::{Section, SetForm};

pub const LIST_PATH: &str = "/settings/reference-sets";

/// The value of the choice fields that names the embedded default rather than a stored set.
pub const DEFAULT_CHOICE: &str = "default";
/// The earlier embedded default, `eck-wilson@1`, which a practice can choose again.
pub const EARLIER_DEFAULT_CHOICE: &str = "eck-wilson@1";

use crate::web::view::render_page;

pub struct SetLine {
    pub id: ReferenceSetId,
    pub label: String,
    pub created: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CloneInput {
    #[serde(default)]
    source: String,
    #[serde(default)]
    name: String,
}

#[derive(Template)]
#[template(path = "reference_sets/reference_sets.html")]
struct ListPage {
    layout: Layout,
    default_label: String,
    active_label: String,
    active_id: Option<ReferenceSetId>,
    /// The earlier default `eck-wilson@1` is in use.
    earlier_active: bool,
    sets: Vec<SetLine>,
    notice: Option<String>,
    clone: CloneInput,
    clone_error: Option<String>,
    default_sections: Vec<Section>,
}

impl ListPage {
    fn is_source(&self, choice: &str) -> bool {
        self.clone.source == choice || (self.clone.source.is_empty() && choice == DEFAULT_CHOICE)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    done: Option<String>,
    clients: Option<String>,
    tests: Option<String>,
}

fn notice(query: &ListQuery, active_label: &str) -> Option<String> {
    let count = |raw: &Option<String>| raw.as_deref().and_then(|n| n.parse::<u64>().ok());
    let reanalysed = match (count(&query.clients), count(&query.tests)) {
        (Some(clients), Some(tests)) => format!(
            " {} and {} {} re-analysed with {active_label}, and their flags recomputed.",
            crate::words::count(clients, "client", "clients"),
            crate::words::count(tests, "test", "tests"),
            crate::words::noun(clients + tests, "was", "were"),
        ),
        _ => String::new(),
    };
    let text = match query.done.as_deref()? {
        "activated" => format!("Your clients are now analysed with {active_label}.{reanalysed}"),
        "saved" => format!("Saved.{reanalysed}"),
        "unchanged" => "Nothing changed.".to_string(),
        _ => return None,
    };
    Some(text)
}

async fn list_page(
    pool: &Pool,
    practitioner: &Practitioner,
    notice_for: Option<&ListQuery>,
    clone: CloneInput,
    clone_error: Option<String>,
) -> AppResult<ListPage> {
    let owner = practitioner.id();
    let (stored, active_id, embedded) = run_db(pool, move |conn| {
        Ok((
            reference_sets::list_for_practitioner(conn, owner)?,
            reference_sets::active_set_id(conn, owner)?,
            reference_sets::active_embedded_version(conn, owner)?,
        ))
    })
    .await?;
    let default = ReferenceSet::eck_wilson();
    // A chosen set that no longer loads is analysed as the default (see reference_sets).
    let active = stored.iter().find(|s| Some(s.id) == active_id);
    let embedded = embedded.and_then(ReferenceSet::eck_wilson_version);
    let earlier_active = active.is_none() && embedded.is_some();
    let active_label = active
        .map(|s| s.set.label())
        .or_else(|| embedded.map(|set| set.label()))
        .unwrap_or_else(|| default.label());
    let active_id = active.map(|s| s.id);
    Ok(ListPage {
        layout: Layout::for_practitioner(practitioner, "settings"),
        default_label: default.label(),
        notice: notice_for.and_then(|q| notice(q, &active_label)),
        active_label,
        active_id,
        earlier_active,
        sets: stored
            .iter()
            .map(|s| SetLine {
                id: s.id,
                label: s.set.label(),
                created: s.created_at.format("%Y-%m-%d").to_string(),
                active: Some(s.id) == active_id,
            })
            .collect(),
        clone,
        clone_error,
        default_sections: SetForm::from_set(&default).sections(&Default::default()),
    })
}

pub async fn list(
    pool: web::Data<Pool>,
    practitioner: Practitioner,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let page = list_page(
        &pool,
        &practitioner,
        Some(&query),
        CloneInput::default(),
        None,
    )
    .await?;
    render_page(StatusCode::OK, &page)
}

/// Clones the default or one of the practitioner's sets under a new name, then opens it for
/// editing.
pub async fn create(
    req: HttpRequest,
    pool: web::Data<Pool>,
    practitioner: Practitioner,
    CsrfForm(input): CsrfForm<CloneInput>,
) -> AppResult<HttpResponse> {
    // The source first: another practitioner's set is 404 whatever the name.
    let source = match input.source.trim() {
        DEFAULT_CHOICE | "" => ReferenceSet::eck_wilson(),
        raw => {
            ScopedReferenceSet::named_in_form(&req, practitioner.clone(), raw)
                .await?
                .stored
                .set
        }
    };
    let name = match form::parse_set_name(&input.name) {
        Ok(name) => name,
        Err(message) => return clone_refused(&pool, &practitioner, input, message).await,
    };
    let (account_id, addr) = (practitioner.id(), remote_addr(&req));
    let clone_name = name.clone();
    let outcome = run_db(&pool, move |conn| {
        reference_set_commands::clone_set(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            &source,
            &clone_name,
        )
    })
    .await?;
    match outcome {
        CloneOutcome::Created(id) => Ok(redirect(&format!("{LIST_PATH}/{id}/edit"))),
        CloneOutcome::NameTaken => {
            let message = format!("You already have a set named “{name}”: choose another name.");
            clone_refused(&pool, &practitioner, input, message).await
        }
    }
}

async fn clone_refused(
    pool: &Pool,
    practitioner: &Practitioner,
    input: CloneInput,
    message: String,
) -> AppResult<HttpResponse> {
    let page = list_page(pool, practitioner, None, input, Some(message)).await?;
    render_page(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Debug, Deserialize)]
pub struct ActiveInput {
    #[serde(default)]
    set: String,
}

/// Chooses the set in use and re-analyses every client with it.
pub async fn activate(
    req: HttpRequest,
    pool: web::Data<Pool>,
    practitioner: Practitioner,
    CsrfForm(input): CsrfForm<ActiveInput>,
) -> AppResult<HttpResponse> {
    let (set_id, embedded_version) = match input.set.trim() {
        DEFAULT_CHOICE => (None, None),
        EARLIER_DEFAULT_CHOICE => (None, Some(1)),
        raw => (Some(ReferenceSetId(parse_id(Some(raw))?)), None),
    };
    let (account_id, addr) = (practitioner.id(), remote_addr(&req));
    let outcome = run_db(&pool, move |conn| {
        reference_set_commands::activate(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            set_id,
            embedded_version,
        )
    })
    .await?;
    match outcome {
        ActivateOutcome::NotFound => Err(AppError::NotFound),
        ActivateOutcome::Unchanged => Ok(redirect(&format!("{LIST_PATH}?done=unchanged"))),
        ActivateOutcome::Activated(done) => {
            tracing::info!(
                account = %account_id,
                clients = done.clients,
                tests = done.tests,
                "re-analysed after choosing a reference set"
            );
            Ok(redirect(&format!(
                "{LIST_PATH}?done=activated&clients={}&tests={}",
                done.clients, done.tests
            )))
        }
    }
}
