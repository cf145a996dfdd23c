//! The second factor's pages: the code step of a sign-in (`/login/second-factor`) and the
//! account's own page (`/account/second-factor`) to turn it on (a new secret as a QR code and
//! as text, confirmed by the password and a first code; ten recovery codes shown once) or off
//! (the password and a code). The checks are `auth::second_factor`, the changes
//! `service::commands::second_factor`.

use crate::db::AccountId;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::{redirect, safe_next, url_encode};
use super::view::{add_cookie, render_anonymous_page, render_page};
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::second_factor::{self, Against, CodeAttempt, OwnerCheck, OwnerProof};
use crate::auth::session::is_secure;
use crate::auth::{device, login, totp, CurrentAccount};
use crate::db::accounts::Role;
use crate::db::{second_factors, Pool};
use crate::service::commands::hair_tests::Actor;
use crate::service::commands::second_factor::{self as commands, Used};

const PENDING_COOKIE: &str = "htma_second_step";
const PENDING_PATH: &str = "/login";

fn pending_token(req: &HttpRequest) -> Option<String> {
    req.cookie(PENDING_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn pending_cookie(req: &HttpRequest, token: &str) -> Cookie<'static> {
    Cookie::build(PENDING_COOKIE, token.to_string())
        .path(PENDING_PATH)
        .http_only(true)
        .secure(is_secure(req))
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(
            second_factor::PENDING_LIFETIME.num_seconds(),
        ))
        .finish()
}

fn pending_removal(req: &HttpRequest) -> Cookie<'static> {
    let mut cookie = pending_cookie(req, "");
    cookie.make_removal();
    cookie
}

/// The answer to a right password on an account with a second factor: the pending sign-in's
/// cookie and the way to the code step (then on to `next`).
pub fn to_code_step(req: &HttpRequest, pending: &str, next: &str) -> AppResult<HttpResponse> {
    let mut response = redirect(&format!("/login/second-factor?next={}", url_encode(next)));
    add_cookie(&mut response, &pending_cookie(req, pending))?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "second_factor/code_step.html")]
struct CodeStepPage {
    layout: Layout,
    next: String,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn code_step_page(
    req: &HttpRequest,
    status: StatusCode,
    next: String,
    message: Option<String>,
) -> AppResult<HttpResponse> {
    render_anonymous_page(req, status, |layout| CodeStepPage {
        layout,
        next,
        message,
    })
    .await
}

/// GET /login/second-factor: the code prompt, for a browser with a pending sign-in.
pub async fn code_step_form(
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    if pending_token(&req).is_none() {
        return Ok(redirect("/login"));
    }
    code_step_page(&req, StatusCode::OK, query.next.clone(), None).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// POST /login/second-factor: the code (or a recovery code) completes the sign-in.
pub async fn code_step(
    req: HttpRequest,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> AppResult<HttpResponse> {
    let Some(pending) = pending_token(&req) else {
        return Ok(redirect("/login"));
    };
    let addr = remote_addr(&req);
    let device_token = device::token_from(&req);
    let typed = form.code.clone();
    let outcome = run_db(&pool, move |conn| {
        second_factor::attempt_code(
            conn,
            &CodeAttempt {
                pending_token: &pending,
                typed: &typed,
                remote_addr: &addr,
                device_token: device_token.as_deref(),
            },
        )
    })
    .await?;
    match outcome {
        login::LoginOutcome::SignedIn {
            token,
            role,
            new_device,
            ..
        } => {
            let default_target = if role == Role::Practitioner { "/" } else { "/portal" };
            let target = if form.next.is_empty() { default_target } else { safe_next(&form.next) };
            let mut response = redirect(target);
            super::sessions::signed_in_cookies(&req, &mut response, &token, new_device.as_deref())?;
            add_cookie(&mut response, &pending_removal(&req))?;
            Ok(response)
        }
        login::LoginOutcome::Throttled => {
            code_step_page(
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                form.next,
                Some(format!(
                    "Too many failed sign-in attempts. For your security, sign-in is paused: try again in {} minutes.",
                    login::WINDOW.num_minutes()
                )),
            )
            .await
        }
        login::LoginOutcome::SecondFactorExpired => {
            let mut response = redirect(&format!("/login?next={}", url_encode(&form.next)));
            add_cookie(&mut response, &pending_removal(&req))?;
            Ok(response)
        }
        _ => {
            code_step_page(
                &req,
                StatusCode::UNAUTHORIZED,
                form.next,
                Some("That code is not right, or was used already. Enter the code your app shows now.".into()),
            )
            .await
        }
    }
}

/// What the account page shows.
enum Shown {
    /// Off: a new secret to enrol with.
    Enrol {
        secret: String,
        grouped: String,
        qr_svg: String,
        uri: String,
    },
    /// On since that date, with this many recovery codes unused.
    On { since: String, codes_left: i64 },
    /// Just turned on: the recovery codes, shown this once.
    Codes(Vec<String>),
}

#[derive(Template)]
#[template(path = "second_factor/account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    shown: Shown,
    message: Option<String>,
    notice: Option<String>,
}

fn layout_for(current: &CurrentAccount) -> Layout {
    let section = if current.account().role == Role::Practitioner {
        "settings"
    } else {
        "portal-settings"
    };
    Layout::for_account(current, section)
}

fn enrol_view(secret: String, email: &str) -> AppResult<Shown> {
    let uri = totp::otpauth_uri(&secret, email)
        .ok_or_else(|| AppError::Internal("the enrolment URI could not be built".into()))?;
    let qr_svg = totp::qr_svg(&uri)
        .ok_or_else(|| AppError::Internal("the QR code could not be drawn".into()))?;
    Ok(Shown::Enrol {
        grouped: totp::grouped(&secret),
        secret,
        qr_svg,
        uri,
    })
}

fn account_page(
    current: &CurrentAccount,
    status: StatusCode,
    shown: Shown,
    message: Option<String>,
    notice: Option<String>,
) -> AppResult<HttpResponse> {
    render_page(
        status,
        &AccountPage {
            layout: layout_for(current),
            email: current.account().email.clone(),
            shown,
            message,
            notice,
        },
    )
}

/// The page's state when the second factor is on.
async fn on_state(pool: &Pool, account_id: AccountId) -> AppResult<Option<Shown>> {
    let state = run_db(pool, move |conn| {
        let factor = second_factors::find(conn, account_id)?;
        let left = second_factors::unused_recovery_codes(conn, account_id)?;
        Ok::<_, crate::db::DbError>(factor.map(|f| (f.enabled_at, left)))
    })
    .await?;
    Ok(state.map(|(since, codes_left)| Shown::On {
        since: since.format("%Y-%m-%d").to_string(),
        codes_left,
    }))
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    done: String,
}

/// GET /account/second-factor: turn it on (a fresh secret each time the page is shown; nothing
/// is stored until a code confirms it) or, when on, its state and the form to turn it off.
pub async fn account(
    current: CurrentAccount,
    pool: web::Data<Pool>,
    query: web::Query<AccountQuery>,
) -> AppResult<HttpResponse> {
    let notice = match query.done.as_str() {
        "off" => Some("The second factor is off: signing in needs your password only.".into()),
        _ => None,
    };
    let shown = match on_state(&pool, current.account().id).await? {
        Some(on) => on,
        None => enrol_view(totp::new_secret(), &current.account().email)?,
    };
    account_page(&current, StatusCode::OK, shown, None, notice)
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// A change that asks for the account's password (and a code): who asks and from where, as the
/// check (`auth::second_factor`, counted like sign-in attempts) and the audit trail need it.
/// The second factor's pages and `/account` ask the same way.
pub(crate) struct OwnerAsking {
    pub account: crate::db::accounts::Account,
    /// The session that stays when the change ends the account's others.
    pub keep: String,
    remote_addr: String,
    device_token: Option<String>,
}

impl OwnerAsking {
    pub fn of(req: &HttpRequest, current: &CurrentAccount) -> OwnerAsking {
        OwnerAsking {
            account: current.account().clone(),
            keep: current.0.token_hash.clone(),
            remote_addr: remote_addr(req),
            device_token: device::token_from(req),
        }
    }

    /// What the owner typed, with where it comes from.
    pub fn proof<'a>(&'a self, password: &'a str, typed: &'a str) -> OwnerProof<'a> {
        OwnerProof {
            password,
            typed,
            remote_addr: &self.remote_addr,
            device_token: self.device_token.as_deref(),
        }
    }

    /// The account as the author of the change.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            account_id: self.account.id,
            remote_addr: &self.remote_addr,
        }
    }
}

/// What a paused check says (too many wrong passwords or codes).
pub(crate) fn paused_message() -> String {
    format!(
        "Too many failed attempts. For your security, this is paused: try again in {} minutes. Nothing was changed.",
        login::WINDOW.num_minutes()
    )
}

fn refused_message(check: &OwnerCheck) -> (StatusCode, String) {
    match check {
        OwnerCheck::Throttled => (StatusCode::TOO_MANY_REQUESTS, paused_message()),
        _ => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "The password or the code is not right (a code works once). Nothing was changed."
                .into(),
        ),
    }
}

/// POST /account/second-factor: confirms the secret shown with the password and a first code;
/// on success shows the recovery codes, this once.
pub async fn enrol(
    req: HttpRequest,
    current: CurrentAccount,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<EnrolForm>,
) -> AppResult<HttpResponse> {
    let Some(secret) = totp::parse_secret(&form.secret) else {
        return Err(AppError::BadRequest(
            "The secret of this form is not one this page made. Reload the page and scan the new code.".into(),
        ));
    };
    let asking = OwnerAsking::of(&req, &current);
    let confirmed = secret.clone();
    let outcome = run_db(&pool, move |conn| {
        let check = second_factor::check_owner(
            conn,
            &asking.account,
            &asking.proof(&form.password, &form.code),
            Against::New(&confirmed),
            "the first code, turning the second factor on",
        )?;
        let OwnerCheck::Passed(Used::Step(step)) = check else {
            return Ok(Err(check));
        };
        let codes = totp::new_recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|(_, hash)| hash.clone()).collect();
        let enrolled = commands::enrol(
            conn,
            &asking.actor(),
            &asking.keep,
            &confirmed,
            step,
            &hashes,
        )?;
        Ok::<_, crate::db::DbError>(Ok(
            enrolled.then(|| codes.into_iter().map(|(shown, _)| shown).collect())
        ))
    })
    .await?;
    match outcome {
        Ok(Some(codes)) => account_page(&current, StatusCode::OK, Shown::Codes(codes), None, None),
        // Turned on meanwhile in another tab.
        Ok(None) => Ok(redirect("/account/second-factor")),
        Err(check) => {
            let (status, message) = refused_message(&check);
            let shown = enrol_view(secret, &current.account().email)?;
            account_page(&current, status, shown, Some(message), None)
        }
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// POST /account/second-factor/disable: the password and a code (or a recovery code) turn it
/// off.
pub async fn disable(
    req: HttpRequest,
    current: CurrentAccount,
    pool: web::Data<Pool>,
    CsrfForm(form): CsrfForm<DisableForm>,
) -> AppResult<HttpResponse> {
    let asking = OwnerAsking::of(&req, &current);
    let outcome = run_db(&pool, move |conn| {
        if !second_factors::is_on(conn, asking.account.id)? {
            return Ok(Ok(()));
        }
        let check = second_factor::check_owner(
            conn,
            &asking.account,
            &asking.proof(&form.password, &form.code),
            Against::Stored,
            "password and code, turning the second factor off",
        )?;
        let OwnerCheck::Passed(used) = check else {
            return Ok(Err(check));
        };
        let disabled = commands::disable(conn, &asking.actor(), &asking.keep, &used)?;
        Ok::<_, crate::db::DbError>(match disabled {
            true => Ok(()),
            false => Err(OwnerCheck::Refused),
        })
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect("/account/second-factor?done=off")),
        Err(check) => {
            let (status, message) = refused_message(&check);
            let Some(shown) = on_state(&pool, current.account().id).await? else {
                return Ok(redirect("/account/second-factor"));
            };
            account_page(&current, status, shown, Some(message), None)
        }
    }
}
