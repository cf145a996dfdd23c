//! Keeping a diary entry posted after its session ended (30 minutes idle is short when a
//! client writes slowly on a phone). The entry is one kind of kept form (`web::kept::store`,
//! action `/portal/diary`): sealed server-side under a random token held in a cookie, the
//! client is sent to a sign-in page that says an entry is kept, and signing in there saves it.
//! Signing in the ordinary way instead offers it for review on the diary page.
//!
//! Nothing is saved without the client's password: the kept form is inert until then. When
//! the ended session's anti-forgery token proves which account wrote the form, the entry is
//! bound to that account and never offered to anyone else signing in on the same browser.

use crate::db::AccountId;
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::day::{self, Attempt, Shown};
use super::form::RawEntry;
use super::Notice;
use crate::auth::csrf::CsrfForm;
use crate::auth::login::{self, LoginOutcome};
use crate::auth::session::{is_secure, resolve, SessionInfo};
use crate::auth::tokens::{constant_time_eq, new_token, sha256_hex, well_formed};
use crate::auth::{CurrentAccount, PortalClient};
use crate::db::accounts::Role;
use crate::db::{sessions, Pool};
use crate::web::forms::redirect;
use crate::web::kept::store::{self, same_origin, KeptForm};
use crate::web::sessions::{sign_in, signed_in_cookies};
use crate::web::view::{add_cookie, render_anonymous_page};
use crate::web::{run_db, AppError, AppResult, Layout};

/// Where a kept diary entry posts; it marks the kept form as the portal's entry.
pub(crate) const ENTRY_ACTION: &str = "/portal/diary";
/// A kept form larger than this is not a diary entry.
const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// The diary entry this browser keeps, when it may be shown to `account_id` (an entry proven
/// to be another account's never is).
pub(crate) async fn kept_entry(
    req: &HttpRequest,
    pool: &Pool,
    account_id: Option<AccountId>,
) -> AppResult<Option<RawEntry>> {
    let kept = store::load(req, pool).await?.filter(|form| {
        form.action_path == ENTRY_ACTION
            && match (form.account_id, account_id) {
                (Some(owner), Some(reader)) => owner == reader,
                _ => true,
            }
    });
    Ok(kept.map(|form| RawEntry::from_payload(&form.payload)))
}

/// The cookie set by the diary page, with the same value in a hidden field of its form: a form
/// posted without a live session is kept only when both match, so it came from a page this
/// server served to this browser (not from a page elsewhere posting to us).
const FORM_COOKIE: &str = "htma_diary_form";

/// The diary page's proof value: the browser's, or a new one with the cookie that sets it.
pub(crate) fn form_proof(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(existing) = req.cookie(FORM_COOKIE).map(|c| c.value().to_string()) {
        if well_formed(&existing) {
            return (existing, None);
        }
    }
    let token = new_token();
    let cookie = Cookie::build(FORM_COOKIE, token.clone())
        .path("/portal")
        .http_only(true)
        .secure(is_secure(req))
        .same_site(SameSite::Strict)
        .finish();
    (token, Some(cookie))
}

/// Whether a form posted without a session proves it comes from our diary page in this
/// browser: the page's cookie matches the form's hidden field, and the browser says the post
/// is same-origin (`Origin` or `Sec-Fetch-Site`; a post saying neither is refused).
fn proven(req: &HttpRequest, raw: &RawEntry) -> bool {
    let cookie_matches = req
        .cookie(FORM_COOKIE)
        .is_some_and(|c| well_formed(c.value()) && constant_time_eq(c.value(), &raw.form_proof));
    cookie_matches && same_origin(req)
}

/// Keeps a form posted without a live session and sends the browser to sign in.
pub(crate) async fn stash(
    req: &HttpRequest,
    pool: &Pool,
    raw: &RawEntry,
    author: Option<AccountId>,
) -> AppResult<HttpResponse> {
    // A post without any token did not come from our form: refused like any forged request.
    if !well_formed(&raw.csrf_token) || !proven(req, raw) {
        tracing::warn!("diary form without a session refused: no proof it came from our page");
        return Err(AppError::CsrfRejected);
    }
    let payload = raw.to_payload();
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(AppError::TooLarge);
    }
    let form = KeptForm {
        account_id: author,
        action_path: ENTRY_ACTION.into(),
        page_path: "/portal/pending".into(),
        payload,
        problems: String::new(),
    };
    let Some(cookie) = store::keep(req, pool, form).await? else {
        return Err(AppError::BadRequest(
            "Too many unsaved entries came from this address today. Sign in and enter the day again."
                .into(),
        ));
    };
    tracing::info!(
        bound = author.is_some(),
        "diary entry kept after its session ended"
    );
    let mut response = redirect("/portal/resume");
    add_cookie(&mut response, &cookie)?;
    Ok(response)
}

/// The sign-in page of a kept entry. It shows nothing of the entry: whoever holds the browser
/// now may not be the client who wrote it; the entry is shown once they have signed in.
#[derive(Template)]
#[template(path = "portal/resume.html")]
struct ResumePage {
    layout: Layout,
    email: String,
    message: Option<String>,
}

async fn resume_page(
    req: &HttpRequest,
    email: String,
    message: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    render_anonymous_page(req, status, |layout| ResumePage {
        layout,
        email,
        message,
    })
    .await
}

/// GET /portal/resume: what was kept, and a sign-in form that saves it.
pub async fn resume_form(req: HttpRequest, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    if resolve(&req).await?.is_some() {
        // Signed in again meanwhile (another tab): the diary offers the kept entry.
        return Ok(redirect("/portal/pending"));
    }
    match kept_entry(&req, &pool, None).await? {
        Some(_) => resume_page(&req, String::new(), None, StatusCode::OK).await,
        None => Ok(redirect("/login?next=/portal")),
    }
}

#[derive(Deserialize)]
pub struct ResumeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The new session as the extractors would see it on the next request.
async fn current_for(pool: &Pool, token: &str) -> AppResult<Option<CurrentAccount>> {
    let hash = sha256_hex(token);
    let found = run_db(pool, move |conn| sessions::find_with_account(conn, &hash)).await?;
    Ok(found.map(|(row, account)| {
        CurrentAccount(Arc::new(SessionInfo {
            ends_at: crate::auth::session::ends_at(
                &row,
                row.last_seen_at,
                crate::auth::session::IDLE_TIMEOUT,
            ),
            token_hash: row.token_hash,
            csrf_token: row.csrf_token,
            account,
        }))
    }))
}

/// POST /portal/resume: signs in (with the usual throttling and audit) and saves the kept
/// entry. A form that cannot be saved as it is comes back as the diary page, still unsaved.
pub async fn resume(
    req: HttpRequest,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<ResumeForm>,
) -> AppResult<HttpResponse> {
    let pending = store::load(&req, &pool)
        .await?
        .filter(|form| form.action_path == ENTRY_ACTION);
    let outcome = sign_in(&req, &pool, form.email.clone(), form.password).await?;
    let (token, account_id, role, new_device) = match outcome {
        LoginOutcome::SignedIn {
            token,
            account_id,
            role,
            new_device,
        } => (token, account_id, role, new_device),
        // The code step next; signed in, the diary offers the kept entry for review.
        LoginOutcome::SecondFactorNeeded { pending_token } => {
            return crate::web::second_factor::to_code_step(
                &req,
                &pending_token,
                "/portal/pending",
            );
        }
        LoginOutcome::Rejected | LoginOutcome::Throttled | LoginOutcome::SecondFactorExpired => {
            let (message, status) = match outcome {
                LoginOutcome::Throttled => (
                    format!(
                        "Too many failed sign-in attempts. For your security, sign-in is paused: try again in {} minutes. Your entry stays kept for a day.",
                        login::WINDOW.num_minutes()
                    ),
                    StatusCode::TOO_MANY_REQUESTS,
                ),
                _ => (
                    "The email or password is incorrect. Your entry is still kept.".to_string(),
                    StatusCode::UNAUTHORIZED,
                ),
            };
            return match pending {
                Some(_) => resume_page(&req, form.email, Some(message), status).await,
                None => Ok(redirect("/login?next=/portal")),
            };
        }
    };
    let mut response = match pending {
        Some(form) if role == Role::Client && form.account_id.is_none_or(|a| a == account_id) => {
            save_kept(&req, &pool, &token, RawEntry::from_payload(&form.payload)).await?
        }
        // Someone else signed in on this browser: the kept entry is not theirs to see.
        _ if role == Role::Client => redirect("/portal"),
        _ => redirect("/"),
    };
    signed_in_cookies(&req, &mut response, &token, new_device.as_deref())?;
    Ok(response)
}

async fn save_kept(
    req: &HttpRequest,
    pool: &Pool,
    token: &str,
    raw: RawEntry,
) -> AppResult<HttpResponse> {
    let Some(current) = current_for(pool, token).await? else {
        return Err(AppError::Internal("the new session vanished".into()));
    };
    let portal = PortalClient::for_account(req, current).await?;
    let layout = Layout::for_account(&portal.current, "portal-today");
    let attempt = day::attempt_save(req, pool, &portal, raw).await?;
    // Saved, or about to be shown in the page: either way the copy has done its job.
    store::forget(req, pool).await?;
    let attempt = match attempt {
        Attempt::Refused(mut shown) => {
            shown.notice = shown.notice.or_else(|| Some(kept_notice()));
            Attempt::Refused(shown)
        }
        saved => saved,
    };
    let mut response = day::show_refused(req, pool, &portal, layout, attempt).await?;
    add_cookie(&mut response, &store::removal_cookie(req))?;
    Ok(response)
}

fn kept_notice() -> Notice {
    Notice::info(
        "You were signed out before this entry was saved. It was kept: check it and tap Save.",
    )
}

/// GET /portal/pending: an entry kept while signed out, back in the diary form (not saved
/// until the client taps Save). Offered after an ordinary sign-in.
pub async fn pending(
    req: HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
) -> AppResult<HttpResponse> {
    let account_id = portal.account().id;
    let Some(raw) = kept_entry(&req, &pool, Some(account_id)).await? else {
        let mut response = redirect("/portal");
        add_cookie(&mut response, &store::removal_cookie(&req))?;
        return Ok(response);
    };
    let date: NaiveDate = raw.parsed_date().unwrap_or_else(|| portal.today());
    let mut context = day::load_context(&req, &pool, &portal, date).await?;
    context.pending = None;
    let errors = day::problems(
        &raw,
        &context.vocabulary,
        context.version.as_ref(),
        portal.today(),
    );
    store::forget(&req, &pool).await?;
    let layout = Layout::for_account(&portal.current, "portal-today");
    let shown = Shown {
        raw,
        errors,
        notice: Some(kept_notice()),
        status: StatusCode::OK,
    };
    let mut response = day::render_day(&portal, layout, date, context, shown)?;
    add_cookie(&mut response, &store::removal_cookie(&req))?;
    Ok(response)
}
