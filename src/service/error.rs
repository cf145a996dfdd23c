//! The one error type of everything above storage (the application layer, `auth` and `web`).
//! It says what went wrong, not how it looks over HTTP: `web::error` maps it to a status and an
//! error page, once, so `auth` can return it without depending on `web`.

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also what another practitioner's record looks like: never reveal that it exists.
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("the form was stale or forged (CSRF check failed)")]
    CsrfRejected,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Input that reads but cannot be accepted, for a form that has no page to show it back.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    #[error("payload too large")]
    TooLarge,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;
