//! `htma-tracker reset-second-factor --email E`: the operator's way back in for someone who lost
//! both their phone and their recovery codes (after making sure, outside the app, that it is
//! them). The change and its audit event are the command's.

use crate::auth::login::normalize_email;
use crate::db;
use crate::service::commands::second_factor::{reset_by_operator, ResetOutcome};

/// Resets the second factor of the account with this email; the line to print, or the error.
pub fn reset(database_url: &str, email: &str) -> Result<String, String> {
    let email_key = normalize_email(email);
    if !crate::text::is_clean(&email_key, crate::text::Lines::Single) {
        return Err(format!("no account has the email {email:?}"));
    }
    let pool = db::connect(database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    match reset_by_operator(&mut conn, &email_key).map_err(|e| e.to_string())? {
        ResetOutcome::Reset { account_id } => Ok(format!(
            "second factor of account {account_id} <{email_key}> turned off; the next sign-in needs the password only"
        )),
        ResetOutcome::WasOff { account_id } => Ok(format!(
            "account {account_id} <{email_key}> had no second factor; nothing changed"
        )),
        ResetOutcome::NoSuchAccount => Err(format!("no account has the email {email_key}")),
    }
}
