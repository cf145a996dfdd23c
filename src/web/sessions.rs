//! Sign-in, sign-out and the one-time setup of the first practitioner.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::{redirect, safe_next, EmptyForm, FieldErrors, Lines};
use super::view::render_anonymous_page;
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::login::validate_new_account;
use crate::auth::login::{self, LoginOutcome};
use crate::auth::session::{self, resolve};
use crate::auth::{password, CurrentAccount};
use crate::db::{accounts, Pool};
use crate::service::commands::Actor;
use crate::text::control_character_problem;

#[derive(Template)]
#[template(path = "sessions/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    message: Option<String>,
    /// Why the sign-in page appears in the middle of work (`web::kept`).
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_page(
    req: &HttpRequest,
    status: actix_web::http::StatusCode,
    email: String,
    next: String,
    message: Option<String>,
) -> AppResult<HttpResponse> {
    render_anonymous_page(req, status, |layout| LoginPage {
        layout,
        email,
        next,
        message,
        notice: crate::web::kept::sign_in_notice(req),
    })
    .await
}

pub async fn show_login(
    req: HttpRequest,
    pool: web::Data<Pool>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    if let Some(session) = resolve(&req).await? {
        // A client's start page is the portal ("/" is a practitioner URL).
        if query.next.is_empty() && session.account.role != accounts::Role::Practitioner {
            return Ok(redirect("/portal"));
        }
        return Ok(redirect(safe_next(&query.next)));
    }
    let practitioners = run_db(&pool, accounts::count_practitioners).await?;
    if practitioners == 0 {
        return Ok(redirect("/setup"));
    }
    login_page(
        &req,
        actix_web::http::StatusCode::OK,
        String::new(),
        query.next.clone(),
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit_login(
    req: HttpRequest,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<HttpResponse> {
    if let Some(problem) = control_character_problem(&form.email, Lines::Single) {
        return login_page(
            &req,
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            form.email,
            form.next,
            Some(format!("Email: {problem}")),
        )
        .await;
    }
    let outcome = sign_in(&req, &pool, form.email.clone(), form.password).await?;
    match outcome {
        LoginOutcome::SignedIn {
            token,
            role,
            new_device,
            ..
        } => {
            let default_target = if role == accounts::Role::Practitioner { "/" } else { "/portal" };
            let target = if form.next.is_empty() { default_target } else { safe_next(&form.next) };
            let mut response = redirect(target);
            signed_in_cookies(&req, &mut response, &token, new_device.as_deref())?;
            Ok(response)
        }
        LoginOutcome::SecondFactorNeeded { pending_token } => {
            super::second_factor::to_code_step(&req, &pending_token, &form.next)
        }
        LoginOutcome::Rejected | LoginOutcome::SecondFactorExpired => {
            login_page(
                &req,
                actix_web::http::StatusCode::UNAUTHORIZED,
                form.email,
                form.next,
                Some("The email or password is incorrect.".into()),
            )
            .await
        }
        LoginOutcome::Throttled => {
            login_page(
                &req,
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                form.email,
                form.next,
                Some(format!(
                    "Too many failed sign-in attempts. For your security, sign-in is paused: try again in {} minutes.",
                    login::WINDOW.num_minutes()
                )),
            )
            .await
        }
    }
}

/// Checks a password sign-in (throttled, audited) with this browser's device cookie.
pub async fn sign_in(
    req: &HttpRequest,
    pool: &Pool,
    email: String,
    password_attempt: String,
) -> AppResult<LoginOutcome> {
    let addr = remote_addr(req);
    let device_token = crate::auth::device::token_from(req);
    run_db(pool, move |conn| {
        login::attempt(
            conn,
            &login::Credentials {
                email: &email,
                password: &password_attempt,
                remote_addr: &addr,
                device_token: device_token.as_deref(),
            },
        )
    })
    .await
}

/// The cookies of a completed sign-in: the session, and a device cookie for a new device.
pub fn signed_in_cookies(
    req: &HttpRequest,
    response: &mut HttpResponse,
    session_token: &str,
    new_device: Option<&str>,
) -> AppResult<()> {
    response
        .add_cookie(&session::session_cookie(req, session_token))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(device) = new_device {
        response
            .add_cookie(&crate::auth::device::cookie(req, device))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(())
}

pub async fn logout(
    req: HttpRequest,
    pool: web::Data<Pool>,
    current: CurrentAccount,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let token_hash = current.0.token_hash.clone();
    let account_id = current.account().id;
    let addr = remote_addr(&req);
    run_db(&pool, move |conn| {
        let actor = Actor {
            account_id,
            remote_addr: &addr,
        };
        session::end(conn, &actor, &token_hash)
    })
    .await?;
    let mut response = redirect("/login");
    response
        .add_cookie(&session::removal_cookie(&req))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "sessions/setup.html")]
struct SetupPage {
    layout: Layout,
    form: SetupForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

async fn setup_page(
    req: &HttpRequest,
    status: actix_web::http::StatusCode,
    mut form: SetupForm,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    // Passwords are never echoed back into a page.
    form.password.clear();
    form.password_confirm.clear();
    render_anonymous_page(req, status, |layout| SetupPage {
        layout,
        form,
        errors,
    })
    .await
}

/// The setup page exists only while there is no practitioner at all.
async fn ensure_setup_open(pool: &Pool) -> AppResult<()> {
    match run_db(pool, accounts::count_practitioners).await? {
        0 => Ok(()),
        _ => Err(AppError::NotFound),
    }
}

pub async fn show_setup(req: HttpRequest, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    ensure_setup_open(&pool).await?;
    setup_page(
        &req,
        actix_web::http::StatusCode::OK,
        SetupForm::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn submit_setup(
    req: HttpRequest,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> AppResult<HttpResponse> {
    ensure_setup_open(&pool).await?;
    let errors = validate_new_account(
        &form.name,
        &form.email,
        &form.password,
        Some(&form.password_confirm),
    );
    if !errors.is_empty() {
        return setup_page(
            &req,
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
        )
        .await;
    }
    let password_value = form.password.clone();
    let hash = web::block(move || password::hash(&password_value))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let (name, email) = (form.name.clone(), form.email.clone());
    let created = run_db(&pool, move |conn| {
        login::set_up_first_practitioner(conn, &email, &name, &hash)
    })
    .await?;
    let Some(token) = created else {
        return Err(AppError::NotFound);
    };
    let mut response = redirect("/");
    response
        .add_cookie(&session::session_cookie(&req, &token))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(response)
}
