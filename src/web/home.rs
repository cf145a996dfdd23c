//! The practitioner's start page.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{run_db, AppError, AppResult, Layout};
use crate::auth::Practitioner;
use crate::db::clients::{self, ArchiveFilter, ClientRow, ClientSearch};
use crate::db::Pool;

#[derive(Template)]
#[template(path = "home/dashboard.html")]
struct Dashboard {
    layout: Layout,
    active_clients: i64,
    recent: Vec<ClientRow>,
}

pub async fn dashboard(
    practitioner: Practitioner,
    pool: web::Data<Pool>,
) -> AppResult<HttpResponse> {
    let owner = practitioner.id();
    let (recent, active_clients) = run_db(&pool, move |conn| {
        clients::search(
            conn,
            &ClientSearch {
                practitioner_id: owner,
                words: &[],
                archive: ArchiveFilter::Active,
                offset: 0,
                limit: 10,
            },
        )
    })
    .await?;
    let body = Dashboard {
        layout: Layout::for_practitioner(&practitioner, "home"),
        active_clients,
        recent,
    }
    .render()
    .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}
