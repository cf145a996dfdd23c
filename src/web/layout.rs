use std::sync::Arc;

use actix_web::HttpRequest;

use crate::auth::session::{resolve, SessionInfo};
use crate::auth::{CurrentAccount, Practitioner};

/// What the shared layout needs on every page: who is signed in and the token for the
/// sign-out form.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub user_name: Option<String>,
    pub is_practitioner: bool,
    pub csrf_token: String,
    /// Which navigation entry is current ("clients", "audit", ...).
    pub section: &'static str,
    /// When the session ends without further activity: seconds from this page's rendering,
    /// and the clock time (UTC) for readers without JavaScript.
    pub session_seconds: Option<i64>,
    pub session_ends_utc: String,
}

impl Layout {
    /// A practitioner's frame for unit tests of page templates: a name to escape, a fixed token.
    #[cfg(test)]
    pub fn for_tests(section: &'static str) -> Layout {
        Layout {
            user_name: Some("Dr <Ada>".into()),
            is_practitioner: true,
            csrf_token: "token-1".into(),
            section,
            session_seconds: Some(1800),
            session_ends_utc: "10:00".into(),
        }
    }

    pub fn anonymous(csrf_token: String) -> Self {
        Layout {
            csrf_token,
            ..Layout::default()
        }
    }

    pub fn for_account(current: &CurrentAccount, section: &'static str) -> Self {
        let account = current.account();
        Layout {
            user_name: Some(account.display_name.clone()),
            is_practitioner: account.role == crate::db::accounts::Role::Practitioner,
            csrf_token: current.csrf_token().to_string(),
            section,
            session_seconds: Some(current.0.seconds_left()),
            session_ends_utc: current.0.ends_at.format("%H:%M").to_string(),
        }
    }

    pub fn for_practitioner(practitioner: &Practitioner, section: &'static str) -> Self {
        Self::for_account(&practitioner.0, section)
    }

    /// The frame of a page anyone may reach (an error, a used invitation link): the signed-in
    /// navigation and session line when the request has a live session, else the anonymous
    /// frame (which has no form, so no token).
    pub fn for_session(session: Option<Arc<SessionInfo>>) -> Self {
        match session {
            Some(session) => Self::for_account(&CurrentAccount(session), ""),
            None => Layout::default(),
        }
    }

    /// `for_session` with the request's session, looked up if no extractor has yet. A session
    /// that cannot be looked up gives the anonymous frame: the page itself still tells its news.
    pub async fn for_visitor(req: &HttpRequest) -> Self {
        Self::for_session(resolve(req).await.ok().flatten())
    }
}
