//! The account's own page (`/account`), the same for a practitioner and a portal client: the
//! sign-in email, changing the password (the other sessions end) and the sign-in email, and the
//! account's sessions with "sign out everywhere else" (issue 14; ASVS 7.4, 7.5). Each change
//! needs the current password, and a code when the second factor is on
//! (`auth::second_factor::check_reauth`); the changes are `service::commands::accounts`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::{looks_like_email, redirect, EmptyForm, FieldErrors, Lines};
use super::second_factor::{paused_message, OwnerAsking};
use super::view::render_page;
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::second_factor::{check_reauth, Reauth};
use crate::auth::{login, password, user_agent, CurrentAccount};
use crate::db::accounts::Role;
use crate::db::{now, second_factors, sessions, DbError, Pool};
use crate::service::commands::accounts::{self as commands, EmailChange};
use crate::service::commands::Actor;
use crate::text::control_character_problem;

/// An email address is at most 254 characters (RFC 5321's path limit).
const EMAIL_MAX: usize = 254;

/// One session of the account as its owner sees it.
pub struct SessionLine {
    pub device: String,
    pub address: String,
    pub last_seen: String,
    pub started: String,
    pub this_device: bool,
}

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    is_practitioner: bool,
    second_factor_on: bool,
    sessions: Vec<SessionLine>,
    /// The email as typed in the change form (kept when it comes back with a message).
    new_email: String,
    errors: FieldErrors,
    notice: Option<String>,
    /// A refusal that concerns the whole page (too many attempts).
    message: Option<String>,
}

fn layout_for(current: &CurrentAccount) -> Layout {
    let section = if current.account().role == Role::Practitioner {
        "settings"
    } else {
        "portal-settings"
    };
    Layout::for_account(current, section)
}

/// What the page shows besides the forms.
struct Loaded {
    second_factor_on: bool,
    sessions: Vec<SessionLine>,
}

async fn load(pool: &Pool, current: &CurrentAccount) -> AppResult<Loaded> {
    let account_id = current.account().id;
    let mine = current.0.token_hash.clone();
    let (on, rows) = run_db(pool, move |conn| {
        let at = now();
        let rows: Vec<_> = sessions::list_for_account(conn, account_id, at)?
            .into_iter()
            .filter(|row| row.last_seen_at + crate::auth::session::IDLE_TIMEOUT > at)
            .collect();
        Ok::<_, DbError>((second_factors::is_on(conn, account_id)?, rows))
    })
    .await?;
    let sessions = rows
        .into_iter()
        .map(|row| SessionLine {
            device: user_agent::describe(&row.user_agent),
            address: if row.remote_addr.is_empty() {
                "unknown".into()
            } else {
                row.remote_addr.clone()
            },
            last_seen: row.last_seen_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            started: row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            this_device: row.token_hash == mine,
        })
        .collect();
    Ok(Loaded {
        second_factor_on: on,
        sessions,
    })
}

async fn page(
    pool: &Pool,
    current: &CurrentAccount,
    status: StatusCode,
    new_email: String,
    errors: FieldErrors,
    notice: Option<String>,
    message: Option<String>,
) -> AppResult<HttpResponse> {
    let loaded = load(pool, current).await?;
    render_page(
        status,
        &AccountPage {
            layout: layout_for(current),
            email: current.account().email.clone(),
            is_practitioner: current.account().role == Role::Practitioner,
            second_factor_on: loaded.second_factor_on,
            sessions: loaded.sessions,
            new_email,
            errors,
            notice,
            message,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// GET /account
pub async fn show(
    current: CurrentAccount,
    pool: web::Data<Pool>,
    query: web::Query<DoneQuery>,
) -> AppResult<HttpResponse> {
    let notice = match query.done.as_str() {
        "password" => Some("Your password is changed. You are signed out everywhere else.".into()),
        "email" => Some("Your sign-in email is changed: use it the next time you sign in.".into()),
        "sessions" => Some("You are signed out everywhere else.".into()),
        _ => None,
    };
    page(
        &pool,
        &current,
        StatusCode::OK,
        String::new(),
        FieldErrors::default(),
        notice,
        None,
    )
    .await
}

/// Where a refused re-authentication is shown: the password field (and the code's, when the
/// second factor asked for one), or the page when paused.
fn refused(
    reauth: &Reauth,
    password_field: &'static str,
    errors: &mut FieldErrors,
) -> (StatusCode, Option<String>) {
    match reauth {
        Reauth::Throttled => (StatusCode::TOO_MANY_REQUESTS, Some(paused_message())),
        _ => {
            errors.add(
                password_field,
                "The current password (or the code) is not right. Nothing was changed.",
            );
            (StatusCode::UNPROCESSABLE_ENTITY, None)
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

/// What a change found, back from the blocking part.
enum Outcome {
    Done,
    Refused(Reauth),
    CodeUsed,
    Taken,
}

/// POST /account/password: the current password (and code) and a new one twice; every other
/// session of the account ends.
pub async fn change_password(
    req: HttpRequest,
    current: CurrentAccount,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    if let Err(problem) = password::check_policy(&form.new_password) {
        errors.add("new_password", problem.to_string());
    } else if form.new_password != form.new_password_confirm {
        errors.add("new_password_confirm", "The two new passwords differ.");
    }
    if !errors.is_empty() {
        return page(
            &pool,
            &current,
            StatusCode::UNPROCESSABLE_ENTITY,
            String::new(),
            errors,
            None,
            None,
        )
        .await;
    }
    // Hashed before the check: the hash is the slow part, and a blocking worker holding a
    // database connection should not wait on it.
    let new_password = form.new_password.clone();
    let hash = web::block(move || password::hash(&new_password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let asking = OwnerAsking::of(&req, &current);
    let outcome = run_db(&pool, move |conn| {
        let reauth = check_reauth(
            conn,
            &asking.account,
            &asking.proof(&form.current_password, &form.code),
            "the current password, changing the password",
        )?;
        let Reauth::Passed(used) = reauth else {
            return Ok(Outcome::Refused(reauth));
        };
        let (actor, keep) = (asking.actor(), &asking.keep);
        Ok::<_, DbError>(
            match commands::change_password(conn, &actor, keep, &hash, used.as_ref())? {
                Some(_) => Outcome::Done,
                None => Outcome::CodeUsed,
            },
        )
    })
    .await?;
    finish(
        &pool,
        &current,
        outcome,
        "current_password",
        "password",
        String::new(),
    )
    .await
}

async fn finish(
    pool: &Pool,
    current: &CurrentAccount,
    outcome: Outcome,
    password_field: &'static str,
    done: &str,
    new_email: String,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let (status, message) = match outcome {
        Outcome::Done => return Ok(redirect(&format!("/account?done={done}"))),
        Outcome::Refused(reauth) => refused(&reauth, password_field, &mut errors),
        Outcome::CodeUsed => {
            errors.add(
                password_field,
                "That code was used already: wait for the next one. Nothing was changed.",
            );
            (StatusCode::UNPROCESSABLE_ENTITY, None)
        }
        Outcome::Taken => {
            errors.add(
                "new_email",
                "Another account signs in with this email: choose another. Nothing was changed.",
            );
            (StatusCode::UNPROCESSABLE_ENTITY, None)
        }
    };
    page(pool, current, status, new_email, errors, None, message).await
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    email_password: String,
    #[serde(default)]
    email_code: String,
}

/// POST /account/email: a new sign-in email, with the current password (and code).
pub async fn change_email(
    req: HttpRequest,
    current: CurrentAccount,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> AppResult<HttpResponse> {
    let typed = form.new_email.clone();
    let email = login::normalize_email(&form.new_email);
    let mut errors = FieldErrors::default();
    if let Some(problem) = control_character_problem(&form.new_email, Lines::Single) {
        errors.add("new_email", problem);
    } else if email.chars().count() > EMAIL_MAX {
        errors.add(
            "new_email",
            format!("An email address has at most {EMAIL_MAX} characters."),
        );
    } else if !looks_like_email(&email) {
        errors.add("new_email", "Enter an email address like name@example.com.");
    } else if email == current.account().email {
        errors.add("new_email", "That is already your sign-in email.");
    }
    if !errors.is_empty() {
        let shown: String = typed.chars().take(EMAIL_MAX + 1).collect();
        return page(
            &pool,
            &current,
            StatusCode::UNPROCESSABLE_ENTITY,
            shown,
            errors,
            None,
            None,
        )
        .await;
    }
    let asking = OwnerAsking::of(&req, &current);
    let new_email = email.clone();
    let outcome = run_db(&pool, move |conn| {
        let reauth = check_reauth(
            conn,
            &asking.account,
            &asking.proof(&form.email_password, &form.email_code),
            "the current password, changing the sign-in email",
        )?;
        let Reauth::Passed(used) = reauth else {
            return Ok(Outcome::Refused(reauth));
        };
        Ok::<_, DbError>(
            match commands::change_email(conn, &asking.actor(), &new_email, used.as_ref())? {
                EmailChange::Changed => Outcome::Done,
                EmailChange::Taken => Outcome::Taken,
                EmailChange::CodeUsed => Outcome::CodeUsed,
            },
        )
    })
    .await?;
    finish(&pool, &current, outcome, "email_password", "email", email).await
}

/// POST /account/sessions/end-others: signs the account out everywhere but here.
pub async fn end_other_sessions(
    req: HttpRequest,
    current: CurrentAccount,
    pool: web::Data<Pool>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let (account_id, keep, addr) = (
        current.account().id,
        current.0.token_hash.clone(),
        remote_addr(&req),
    );
    run_db(&pool, move |conn| {
        let actor = Actor {
            account_id,
            remote_addr: &addr,
        };
        commands::end_other_sessions(conn, &actor, &keep)
    })
    .await?;
    Ok(redirect("/account?done=sessions"))
}
