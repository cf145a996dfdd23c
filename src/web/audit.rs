//! The practitioner's own audit trail: sign-ins, failed sign-ins and every change to records.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::page_number;
use super::{run_db, AppError, AppResult, Layout};
use crate::auth::Practitioner;
use crate::db::audit::{self, AuditEvent};
use crate::db::Pool;

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize)]
pub struct AuditQuery {
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    layout: Layout,
    events: Vec<AuditEvent>,
    page: i64,
    pages: i64,
}

impl AuditPage {
    fn page_link(&self, page: i64) -> String {
        format!("/audit?page={page}")
    }
}

pub async fn list(
    practitioner: Practitioner,
    pool: web::Data<Pool>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let page = page_number(query.page.as_deref());
    let owner = practitioner.id();
    let (events, total) = run_db(&pool, move |conn| {
        audit::page_for_account(conn, owner, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    })
    .await?;
    let body = AuditPage {
        layout: Layout::for_practitioner(&practitioner, "audit"),
        events,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    }
    .render()
    .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}
