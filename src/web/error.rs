//! The application's error type (`service::error`) mapped to HTTP: here and nowhere else.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::db::DbError;
use crate::service::AppError;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// What an error page says, kept on its response: `ResponseError` has no request to find the
/// session with, so `in_signed_in_frame` draws the page again for a signed-in request.
#[derive(Clone)]
struct ErrorText {
    status: StatusCode,
    title: &'static str,
    message: String,
}

impl ErrorText {
    fn render(&self, layout: Layout) -> String {
        ErrorPage {
            layout,
            status: self.status.as_u16(),
            title: self.title,
            message: &self.message,
        }
        .render()
        .unwrap_or_else(|_| format!("{} {}", self.status.as_u16(), self.title))
    }
}

/// Error pages of a signed-in request keep the signed-in frame (navigation, the account, the
/// session's end), as every other page of theirs does. A server error never asks the database
/// again for the session (it may be what failed): only a session this request already resolved
/// is used then.
pub async fn in_signed_in_frame<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B, String>>, actix_web::Error> {
    let res = next.call(req).await?;
    let Some(text) = res.response().extensions().get::<ErrorText>().cloned() else {
        return Ok(res.map_into_left_body());
    };
    // Only now: routing needs the request unshared while the inner services run.
    let request = res.request().clone();
    let session = if text.status.is_server_error() {
        crate::auth::session::already_resolved(&request)
    } else {
        crate::auth::session::resolve(&request).await.ok().flatten()
    };
    if session.is_none() {
        return Ok(res.map_into_left_body());
    }
    let body = text.render(Layout::for_session(session));
    Ok(res.map_body(|_, _| EitherBody::right(body)))
}

/// Not the user's doing, and nothing was saved: the file became read-only or the disk is full.
fn is_storage_unavailable(error: &DbError) -> bool {
    error.is_storage_unavailable()
}

impl AppError {
    fn title_and_message(&self) -> (&'static str, String) {
        match self {
            AppError::Db(e) if is_storage_unavailable(e) => (
                "Storage unavailable",
                "The server cannot write to its database right now (it is read-only or the disk is full). Nothing was saved. Please try again later; the administrator has been told in the server log.".into(),
            ),
            AppError::Db(e) if e.is_unstorable_text() => (
                "Not saved",
                "The request held a character that cannot be stored (a NUL byte), so nothing was saved. Go back, remove it and try again.".into(),
            ),
            AppError::NotFound => ("Not found", "There is nothing here, or it is not yours to see.".into()),
            AppError::SignInRequired { .. } => ("Sign-in required", "Please sign in.".into()),
            AppError::CsrfRejected => (
                "Form expired",
                "This form was stale or did not come from this site, so nothing was changed. Go back, reload the page and try again.".into(),
            ),
            AppError::BadRequest(msg) => ("Bad request", msg.clone()),
            AppError::Unprocessable(msg) => ("Not saved", msg.clone()),
            AppError::TooLarge => ("Too large", "The upload is larger than this server accepts.".into()),
            AppError::Db(e) if e.is_connection_lost() => (
                "Database unavailable",
                "The connection to the database was lost while answering this request. Please try again in a moment; reload the page first to see whether a change was saved.".into(),
            ),
            AppError::Db(DbError::Pool(_)) | AppError::Db(DbError::Connect(_)) => (
                "Database unavailable",
                "The database cannot be reached right now. Nothing was saved; please try again in a moment.".into(),
            ),
            AppError::Db(_) | AppError::Internal(_) => (
                "Something went wrong",
                "The server could not complete this request, so nothing from it was saved. Please try again; if it keeps happening, tell the administrator.".into(),
            ),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Db(DbError::Pool(_)) | AppError::Db(DbError::Connect(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Db(e) if is_storage_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if e.is_connection_lost() => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if e.is_unstorable_text() => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired { next } = self {
            let location = format!("/login?next={}", crate::web::forms::url_encode(next));
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else if matches!(self, AppError::CsrfRejected) {
            tracing::warn!("rejected a state-changing request without a valid CSRF token");
        }
        let (title, message) = self.title_and_message();
        let text = ErrorText {
            status,
            title,
            message,
        };
        let mut response = HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(text.render(Layout::default()));
        response.extensions_mut().insert(text);
        response
    }
}

/// The 404 page for URLs no route matches, in the same layout as every other error.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

impl actix_web::Responder for AppError {
    type Body = actix_web::body::BoxBody;
    fn respond_to(self, _req: &actix_web::HttpRequest) -> HttpResponse {
        self.error_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database_error(message: &str) -> AppError {
        AppError::Db(DbError::reported(message))
    }

    #[test]
    fn a_read_only_or_full_database_is_503_and_says_nothing_was_saved() {
        for message in [
            "attempt to write a readonly database",
            "database or disk is full",
        ] {
            let error = database_error(message);
            assert_eq!(
                error.status_code(),
                StatusCode::SERVICE_UNAVAILABLE,
                "{message}"
            );
            assert!(error.title_and_message().1.contains("Nothing was saved"));
        }
        assert_eq!(
            database_error("syntax error").status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
