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
}

impl Layout {
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
            is_practitioner: account.role == crate::db::accounts::ROLE_PRACTITIONER,
            csrf_token: current.csrf_token().to_string(),
            section,
        }
    }

    pub fn for_practitioner(practitioner: &Practitioner, section: &'static str) -> Self {
        Self::for_account(&practitioner.0, section)
    }
}
