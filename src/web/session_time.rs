//! The "stay signed in" button of the expiry warning (static/session.js): counts as activity.

use actix_web::{HttpRequest, HttpResponse};

use super::forms::EmptyForm;
use super::AppResult;
use crate::auth::csrf::CsrfForm;
use crate::auth::CurrentAccount;

/// POST /session/extend: the session's idle clock starts again; answers the seconds left.
pub async fn extend(
    req: HttpRequest,
    current: CurrentAccount,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let seconds_left = crate::auth::session::extend(&req, &current.0).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(format!("{{\"seconds_left\":{seconds_left}}}")))
}
