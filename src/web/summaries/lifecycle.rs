//! The life of a summary after it is made: listed on the client's page, shared with the client
//! and unshared, deleted (soft, audited) and restored within 30 days.

use crate::db::{AccountId, ClientId};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::csrf::CsrfForm;
use crate::auth::{RestorableSummary, ScopedSummary};
use crate::db::ids::SummaryId;
use crate::db::summaries::{self, ListedSummary, RESTORE_WINDOW};
use crate::db::{now, DbConn, DbError, Pool};
use crate::service::commands::summaries as commands;
use crate::service::commands::Actor;
use crate::web::forms::redirect;
use crate::web::{remote_addr, run_db, AppError, AppResult};

/// The summaries section of the client's page.
pub struct SummaryList {
    pub live: Vec<ListedSummary>,
    /// Deleted within the restore window, newest deletion first.
    pub deleted: Vec<ListedSummary>,
}

impl SummaryList {
    pub fn load(conn: &mut DbConn, client_id: ClientId) -> Result<SummaryList, DbError> {
        Ok(SummaryList {
            live: summaries::list_for_client(conn, client_id)?,
            deleted: summaries::list_deleted_for_client(conn, client_id, now() - RESTORE_WINDOW)?,
        })
    }

    /// When the first deleted summary listed leaves its restore window (the list changes then
    /// without a change of the records).
    pub fn first_expiry(&self) -> Option<NaiveDateTime> {
        self.deleted
            .iter()
            .filter_map(ListedSummary::restorable_until)
            .min()
    }

    /// For the template: `2026-12-28` for a deleted summary.
    pub fn restorable_until(&self, row: &ListedSummary) -> String {
        row.restorable_until()
            .map(|t: NaiveDateTime| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    shared: String,
    /// Where to go back to: the client's page lists summaries too.
    #[serde(default)]
    back: String,
}

/// Only the two pages that hold these buttons; never an address from the form as such.
fn back_to(back: &str, client_id: ClientId, id: SummaryId) -> String {
    if back == "client" {
        format!("/clients/{client_id}#summaries")
    } else {
        format!("/clients/{client_id}/summaries/{id}")
    }
}

/// Who changes which summary, from where: what every lifecycle command needs.
fn change_of(
    req: &HttpRequest,
    scoped: &ScopedSummary,
) -> (AccountId, ClientId, SummaryId, String) {
    (
        scoped.scope.practitioner.id(),
        scoped.scope.client.id,
        scoped.summary.id,
        remote_addr(req),
    )
}

pub async fn share(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedSummary,
    CsrfForm(form): CsrfForm<ShareForm>,
) -> AppResult<HttpResponse> {
    let shared = form.shared == "1";
    let (owner, client_id, id, addr) = change_of(&req, &scoped);
    let updated = run_db(&pool, move |conn| {
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        commands::set_shared(conn, &actor, client_id, id, shared)
    })
    .await?;
    // Deleted since the extractor found it.
    if !updated {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&back_to(&form.back, client_id, id)))
}

pub async fn delete(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedSummary,
    CsrfForm(_): CsrfForm<ShareForm>,
) -> AppResult<HttpResponse> {
    let (owner, client_id, id, addr) = change_of(&req, &scoped);
    let deleted = run_db(&pool, move |conn| {
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        commands::delete(conn, &actor, client_id, id)
    })
    .await?;
    if !deleted {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("/clients/{client_id}#summaries")))
}

pub async fn restore(
    req: HttpRequest,
    pool: web::Data<Pool>,
    RestorableSummary(scoped): RestorableSummary,
    CsrfForm(_): CsrfForm<ShareForm>,
) -> AppResult<HttpResponse> {
    let (owner, client_id, id, addr) = change_of(&req, &scoped);
    let restored = run_db(&pool, move |conn| {
        let actor = Actor {
            account_id: owner,
            remote_addr: &addr,
        };
        commands::restore(conn, &actor, client_id, id)
    })
    .await?;
    if !restored {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("/clients/{client_id}#summaries")))
}
