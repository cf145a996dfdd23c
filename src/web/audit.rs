//! The practitioner's own audit trail: sign-ins, failed sign-ins and every change to records.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::page_number;
use super::view::render_page;
use super::{run_db, AppResult, Layout};
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
    names: std::collections::HashMap<i64, String>,
    page: i64,
    pages: i64,
}

impl AuditPage {
    fn who(&self, account_id: &Option<i64>) -> String {
        match account_id {
            Some(id) => self
                .names
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("account #{id}")),
            None => "unknown account".into(),
        }
    }

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
    let (events, total, names) = run_db(&pool, move |conn| {
        let (events, total) =
            audit::page_for_practitioner(conn, owner, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let ids: Vec<i64> = events.iter().filter_map(|e| e.account_id).collect();
        let names = crate::db::accounts::display_names(conn, &ids)?;
        Ok((events, total, names))
    })
    .await?;
    render_page(
        actix_web::http::StatusCode::OK,
        &AuditPage {
            layout: Layout::for_practitioner(&practitioner, "audit"),
            events,
            names,
            page,
            pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        },
    )
}
