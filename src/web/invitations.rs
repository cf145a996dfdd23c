//! Invitation links: the practitioner creates (or revokes) one on the client's page; the client
//! opens it, chooses a sign-in email and password, and lands signed in in the portal. A link
//! that was used, revoked or has expired answers 410 with a page saying so; an unknown one 404.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::{looks_like_email, EmptyForm};
use super::forms::{redirect, FieldErrors};
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::invite::{self, AcceptOutcome, Acceptance};
use crate::auth::session::{resolve, session_cookie};
use crate::auth::{password, ScopedClient};
use crate::db::clients::ClientRow;
use crate::db::invitations::InvitationState;
use crate::db::Pool;
use crate::web::view::{render_anonymous_page, render_page};

/// Times shown to the practitioner are UTC, said so: the server has no idea of their zone.
pub(crate) fn utc_label(at: chrono::NaiveDateTime) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

#[derive(Template)]
#[template(path = "invitations/created.html")]
struct CreatedPage {
    layout: Layout,
    client: ClientRow,
    link: String,
    expires: String,
    reset: bool,
}

/// POST /clients/{client_id}/invitations: a new link, shown once (only its hash is kept).
pub async fn create(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let (owner, client_id, addr) = (
        scoped.practitioner.id(),
        scoped.client.id,
        remote_addr(&req),
    );
    let created = run_db(&pool, move |conn| {
        invite::create(conn, owner, client_id, &addr)
    })
    .await?;
    let link = format!(
        "{}/invite/{}",
        crate::auth::proxy::origin(&req),
        created.token
    );
    render_page(
        StatusCode::OK,
        &CreatedPage {
            layout: Layout::for_practitioner(&scoped.practitioner, "clients"),
            client: scoped.client,
            link,
            expires: utc_label(created.row.expires_at),
            reset: created.reset,
        },
    )
}

/// POST /clients/{client_id}/invitations/revoke: withdraws the client's open link.
pub async fn revoke(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let (owner, client_id, addr) = (
        scoped.practitioner.id(),
        scoped.client.id,
        remote_addr(&req),
    );
    run_db(&pool, move |conn| {
        invite::revoke(conn, owner, client_id, &addr)
    })
    .await?;
    Ok(redirect(&format!("/clients/{client_id}#portal")))
}

#[derive(Template)]
#[template(path = "invitations/gone.html")]
struct GonePage {
    layout: Layout,
    status: u16,
    title: &'static str,
    message: &'static str,
}

/// The page of a link that cannot be used, in the signed-in frame when the visitor is signed in
/// (a practitioner trying a link, a client opening an old one).
async fn gone(req: &HttpRequest, state: Option<InvitationState>) -> AppResult<HttpResponse> {
    let (status, title, message) = match state {
        Some(InvitationState::Accepted) => (
            StatusCode::GONE,
            "This invitation was already used",
            "Each invitation link works once. If you set up your account with it, sign in with the email and password you chose. Otherwise ask your practitioner for a new link.",
        ),
        Some(InvitationState::Revoked) => (
            StatusCode::GONE,
            "This invitation was withdrawn",
            "Your practitioner withdrew this link, perhaps because they sent a newer one. Use the newest link you received, or ask them for a new one.",
        ),
        Some(InvitationState::Expired) => (
            StatusCode::GONE,
            "This invitation has expired",
            "Invitation links work for 7 days. Ask your practitioner for a new one.",
        ),
        Some(InvitationState::Open) | None => (
            StatusCode::NOT_FOUND,
            "This invitation link is not valid",
            "Check that the whole link was copied, or ask your practitioner for a new one.",
        ),
    };
    render_page(
        status,
        &GonePage {
            layout: Layout::for_visitor(req).await,
            status: status.as_u16(),
            title,
            message,
        },
    )
}

#[derive(Template)]
#[template(path = "invitations/accept.html")]
struct AcceptPage {
    layout: Layout,
    token: String,
    client_name: String,
    reset: bool,
    signed_in_as: Option<String>,
    form: AcceptForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct AcceptForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

async fn accept_page(
    req: &HttpRequest,
    pool: &Pool,
    token: String,
    mut form: Option<AcceptForm>,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let lookup_token = token.clone();
    let view = run_db(pool, move |conn| invite::lookup(conn, &lookup_token)).await?;
    let Some(view) = view else {
        return gone(req, None).await;
    };
    if view.state != InvitationState::Open {
        return gone(req, Some(view.state)).await;
    }
    // Passwords are never echoed back into a page.
    if let Some(form) = form.as_mut() {
        form.password.clear();
        form.password_confirm.clear();
    }
    let form = form.unwrap_or_else(|| AcceptForm {
        email: view
            .account
            .as_ref()
            .map(|a| a.email.clone())
            .or(view.client.email.clone())
            .unwrap_or_default(),
        ..AcceptForm::default()
    });
    let signed_in_as = resolve(req).await?.map(|s| s.account.display_name.clone());
    render_anonymous_page(req, status, |layout| AcceptPage {
        layout,
        token,
        client_name: view.client.full_name,
        reset: view.account.is_some(),
        signed_in_as,
        form,
        errors,
    })
    .await
}

/// GET /invite/{token}
pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    accept_page(
        &req,
        &pool,
        token.into_inner(),
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

fn validate(form: &AcceptForm) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if !looks_like_email(form.email.trim()) {
        errors.add("email", "Enter an email address like name@example.com.");
    }
    if let Err(e) = password::check_policy(&form.password) {
        errors.add("password", e.to_string());
    } else if form.password != form.password_confirm {
        errors.add("password_confirm", "The two passwords differ.");
    }
    errors
}

/// POST /invite/{token}
pub async fn accept(
    req: HttpRequest,
    pool: web::Data<Pool>,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let errors = validate(&form);
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return accept_page(&req, &pool, token, Some(form), errors, status).await;
    }
    let password_value = form.password.clone();
    let hash = web::block(move || password::hash(&password_value))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let replaced = resolve(&req).await?.map(|s| s.token_hash.clone());
    let (email, addr, answer_token) = (form.email.clone(), remote_addr(&req), token.clone());
    let outcome = run_db(&pool, move |conn| {
        invite::accept(
            conn,
            &Acceptance {
                token: &answer_token,
                email: &email,
                password_hash: &hash,
                remote_addr: &addr,
                replaced_session: replaced.as_deref(),
            },
        )
    })
    .await?;
    match outcome {
        AcceptOutcome::SignedIn { session_token, .. } => {
            let mut response = redirect("/portal");
            response
                .add_cookie(&session_cookie(&req, &session_token))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(response)
        }
        AcceptOutcome::Gone(state) => gone(&req, Some(state)).await,
        AcceptOutcome::Missing => gone(&req, None).await,
        AcceptOutcome::EmailTaken => {
            let mut errors = FieldErrors::default();
            errors.add(
                "email",
                "Another account already signs in with this email. Choose another one.",
            );
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            accept_page(&req, &pool, token, Some(form), errors, status).await
        }
    }
}
