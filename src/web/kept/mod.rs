//! Nothing typed is lost (issue 14), for every practitioner form at once: a middleware around
//! the practitioner POST routes of the route table.
//!
//! - A form posted after its session ended (idle timeout, signed out in another tab) or with a
//!   stale anti-forgery token (signed out and in again) is kept server-side, sealed under a
//!   random token held in an HttpOnly cookie (`store`, the same store as the portal's kept
//!   diary entry), and the browser goes to sign in. The sign-in page says why it appears;
//!   after signing in (the second-factor step included) the browser lands on the page of the
//!   form, and that page comes back with the form filled with what was posted, to review and
//!   save: nothing is saved on the way.
//! - A field longer than its limit (`web::limits`), in a body up to `limits::BODY_BYTES`, comes
//!   back the same way, with a message beside the field, instead of a bare 413 page.
//!
//! Who may see kept fields: the account whose session rendered the form, proven by the form's
//! anti-forgery token matching that session's: the session the cookie names (live or just
//! ended), or, for a same-origin post, a session that ended within the day
//! (`store::author_of_post`). When that cannot be proven, the form is kept only when it names a
//! client (`{client_id}`), the post was same-origin, and it is shown only on that client's
//! pages: the scoped extractors answer 404 to any other practitioner signing in at the same
//! browser. Forms without a client and without that proof are not kept (a page elsewhere
//! cannot plant values into our forms).
//! Files are not kept: a multipart form's text fields are (the pasted lab-report text), and the
//! sign-in page and the form that comes back say to choose the file again.

pub mod fill;
pub mod store;

use crate::db::AccountId;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use super::forms::{redirect, url_encode};
use super::limits;
use super::AppError;
use crate::auth::session::{pool_of, resolve};
use crate::auth::tokens::well_formed;
use crate::db::accounts::Role;
use store::{cross_site, same_origin, KeptForm};

/// What the middleware needs of the route table (`app.rs` hands it over: web/ sits below it).
pub struct FormRoutes {
    /// The practitioner POST patterns, each with whether a `{client_id}` scopes it.
    pub posts: Vec<(&'static str, bool)>,
    /// The GET patterns: the pages a form can be on.
    pub pages: Vec<&'static str>,
}

impl FormRoutes {
    fn post(&self, pattern: &str) -> Option<bool> {
        self.posts
            .iter()
            .find(|(p, _)| *p == pattern)
            .map(|(_, scoped)| *scoped)
    }

    fn is_page(&self, path: &str) -> bool {
        let path = path.split('?').next().unwrap_or(path);
        self.pages.iter().any(|p| matches(p, path))
    }
}

/// Whether a path matches a route pattern with `{name}` segments.
fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
}

/// Forms whose page is not at their own path (nor at a shorter one); `/clients` is the list
/// (whose search form is a GET), the new-client form is elsewhere.
const FORM_PAGES: &[(&str, &str)] = &[
    ("/clients", "/clients/new"),
    (
        "/clients/{client_id}/tests",
        "/clients/{client_id}/tests/new",
    ),
    (
        "/clients/{client_id}/program",
        "/clients/{client_id}/program/new",
    ),
    (
        "/clients/{client_id}/summaries",
        "/clients/{client_id}/summaries/new",
    ),
    (
        "/clients/{client_id}/diary/annotations",
        "/clients/{client_id}/diary",
    ),
    (
        "/clients/{client_id}/symptoms",
        "/clients/{client_id}/diary",
    ),
    ("/import/{import_id}/confirm", "/import/{import_id}"),
    (
        "/clients/{client_id}/import/{import_id}/confirm",
        "/clients/{client_id}/import/{import_id}",
    ),
];

/// The page of a form posted to `path` (matching `pattern`): the page it was posted from when
/// the browser says so and that is a page of ours, else the form's known page, else the
/// nearest page above its path (`/clients/3/archive` is on `/clients/3`).
fn page_of(req: &HttpRequest, routes: &FormRoutes, pattern: &str, path: &str) -> String {
    let client_prefix = client_of(path).map(|id| format!("/clients/{id}"));
    let within_client = |page: &str| match &client_prefix {
        Some(prefix) => {
            page == prefix || page.starts_with(&format!("{prefix}/")) || {
                page.starts_with(&format!("{prefix}?"))
            }
        }
        None => true,
    };
    let origin = crate::auth::proxy::origin(req);
    let referred = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix(origin.as_str()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .map(|p| p.split('#').next().unwrap_or(p).to_string())
        .filter(|p| routes.is_page(p) && within_client(p));
    if let Some(page) = referred {
        return page;
    }
    if let Some((_, page)) = FORM_PAGES.iter().find(|(action, _)| *action == pattern) {
        return fill_pattern(page, pattern, path);
    }
    if routes.is_page(path) {
        return path.to_string();
    }
    let mut candidate = path.to_string();
    while let Some(cut) = candidate.rfind('/') {
        candidate.truncate(cut);
        if candidate.is_empty() {
            break;
        }
        if routes.is_page(&candidate) {
            return candidate;
        }
    }
    client_prefix.unwrap_or_else(|| "/".into())
}

/// `page` with the `{name}` segments taken from `path` as matched by `pattern`.
fn fill_pattern(page: &str, pattern: &str, path: &str) -> String {
    let mut out = page.to_string();
    for (p, s) in pattern.split('/').zip(path.split('/')) {
        if p.starts_with('{') {
            out = out.replace(p, s);
        }
    }
    out
}

/// The client id of a `/clients/{id}/...` path.
fn client_of(path: &str) -> Option<i64> {
    let mut parts = path.split('/').skip(1);
    (parts.next() == Some("clients"))
        .then(|| parts.next())
        .flatten()
        .and_then(|id| id.parse().ok())
}

/// What the sign-in page says when it interrupts work: a form kept, a file to choose again, or
/// both.
pub fn sign_in_notice(req: &HttpRequest) -> Option<&'static str> {
    let upload = req.query_string().split('&').any(|p| p == "upload=1");
    match (store::holds(req), upload) {
        (true, false) => Some("Your session ended, so what you were saving has not been saved yet. Sign in to get back to the form you were filling in: nothing you typed is lost."),
        (true, true) => Some("Your session ended, so what you were saving has not been saved yet. Sign in to get back to the form you were filling in: nothing you typed is lost. Files are not kept: choose the file again there."),
        (false, true) => Some("Your session ended before the file was uploaded. Files are not kept: after signing in, choose the file again."),
        (false, false) => None,
    }
}

/// The message beside a file field of a kept form.
const FILE_AGAIN: &str =
    "Files are not kept when a session ends: choose the file again before sending.";

fn content_type(req: &ServiceRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The request's error, when the handler (or an extractor) answered with one of ours.
fn app_error<B>(res: &ServiceResponse<B>) -> Option<&AppError> {
    res.response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
}

fn ended_or_stale<B>(res: &ServiceResponse<B>) -> bool {
    matches!(
        app_error(res),
        Some(AppError::SignInRequired { .. }) | Some(AppError::CsrfRejected)
    )
}

/// A multipart body small enough to hold (by its declared length, `limits::BODY_BYTES`): the
/// body to hand on, its text fields, and the names of the file fields with a file chosen. None
/// for a larger body or one without a length: it goes on untouched (only a file is that big).
async fn read_multipart(
    req: &mut ServiceRequest,
) -> Result<Option<(web::Bytes, Vec<(String, String)>, Vec<String>)>, actix_web::Error> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_none_or(|length| length > limits::BODY_BYTES) {
        return Ok(None);
    }
    let Some(body) = read_body(req).await? else {
        return Err(AppError::TooLarge.into());
    };
    req.set_payload(body.clone().into());
    let whole = futures_util::stream::once(futures_util::future::ready(Ok::<
        _,
        actix_web::error::PayloadError,
    >(body.clone())));
    let mut parts = actix_multipart::Multipart::new(req.headers(), whole);
    let (mut fields, mut files) = (Vec::new(), Vec::new());
    while let Some(Ok(mut part)) = parts.next().await {
        let name = part.name().unwrap_or_default().to_string();
        let file = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(|f| !f.is_empty());
        let mut bytes = Vec::new();
        while let Some(Ok(chunk)) = part.next().await {
            if file.is_none() {
                bytes.extend_from_slice(&chunk);
            }
        }
        match file {
            None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
            Some(true) => files.push(name),
            Some(false) => {}
        }
    }
    Ok(Some((body, fields, files)))
}

/// The answer to an upload whose session ended and that keeps nothing: sign in, then choose
/// the file again.
fn upload_again<B>(res: ServiceResponse<B>, page: &str) -> ServiceResponse<BoxBody>
where
    B: MessageBody + 'static,
{
    if matches!(app_error(&res), Some(AppError::SignInRequired { .. })) {
        let location = format!("/login?next={}&upload=1", url_encode(page));
        return res.into_response(redirect(&location));
    }
    res.map_into_boxed_body()
}

/// The body, or None when it is larger than any form of ours.
async fn read_body(req: &mut ServiceRequest) -> Result<Option<web::Bytes>, actix_web::Error> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limits::BODY_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body.freeze()))
}

/// The fields longer than their limit, each with its message.
fn over_limit(fields: &[(String, String)]) -> Vec<(String, String)> {
    let mut problems: Vec<(String, String)> = Vec::new();
    for (name, value) in fields {
        let max = limits::max_chars(name);
        let length = value.chars().count();
        if length > max && !problems.iter().any(|(n, _)| n == name) {
            problems.push((name.clone(), limits::too_long(length, max)));
        }
    }
    problems
}

/// The middleware (see the module's comment).
pub async fn keep_typed_work(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Only a POST, or a GET while a kept form waits, asks for the route's pattern: before
    // routing, actix finds it by matching the path against every route again.
    let concerned = req.method() == Method::POST
        || (req.method() == Method::GET && store::holds(req.request()));
    if !concerned {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let routes = req.app_data::<web::Data<FormRoutes>>().cloned();
    let pattern = req.match_pattern();
    if let (Some(routes), Some(pattern)) = (routes, pattern) {
        if req.method() == Method::POST {
            if let Some(scoped) = routes.post(&pattern) {
                return on_post(req, next, &routes, &pattern, scoped).await;
            }
        } else {
            return on_get(req, next).await;
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// A practitioner form's POST: checked against the field limits, passed on, and kept when its
/// session turned out to have ended. (No clone of the request may live across `next.call`:
/// routing needs it unshared.)
async fn on_post(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    routes: &FormRoutes,
    pattern: &str,
    scoped: bool,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let kind = content_type(&req);
    let page = page_of(req.request(), routes, pattern, req.path());
    let multipart = kind.starts_with("multipart/");
    // The text fields as posted (a multipart form's without its files), the body to keep, and
    // the file fields whose file is not kept.
    let (body, fields, files) = if multipart {
        let Some((_, fields, files)) = read_multipart(&mut req).await? else {
            return Ok(upload_again(next.call(req).await?, &page));
        };
        let text = serde_urlencoded::to_string(&fields).unwrap_or_default();
        (web::Bytes::from(text), fields, files)
    } else if kind.starts_with("application/x-www-form-urlencoded") {
        let Some(body) = read_body(&mut req).await? else {
            return Ok(req.error_response(AppError::TooLarge));
        };
        req.set_payload(body.clone().into());
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        (body, fields, Vec::new())
    } else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let submitted = fields
        .iter()
        .find(|(n, _)| n == crate::auth::csrf::FIELD)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let pool = pool_of(req.request())?;
    // Before the handler runs: resolving an ended session deletes its row.
    let bound = store::author_of_post(req.request(), &pool, &submitted).await?;
    let keepable = !cross_site(req.request())
        && (bound.is_some() || (scoped && same_origin(req.request()) && well_formed(&submitted)));
    // A multipart form's own handler holds its text to its own limits (a pasted report).
    let problems = if multipart {
        Vec::new()
    } else {
        over_limit(&fields)
    };
    if !problems.is_empty() {
        if !keepable {
            return Ok(req.error_response(AppError::TooLarge));
        }
        let kept = Keep {
            page,
            account_id: bound,
            body: &body,
            problems: &problems,
            anchor: None,
            file_dropped: false,
        };
        let response = keep(req.request(), &pool, kept).await?;
        return Ok(req.into_response(response));
    }
    let res = next.call(req).await?;
    let typed = fields
        .iter()
        .any(|(name, value)| name != crate::auth::csrf::FIELD && !value.trim().is_empty());
    if multipart && !(typed && keepable && ended_or_stale(&res)) {
        // Nothing typed to keep (a file alone): sign in and choose the file again.
        return Ok(upload_again(res, &page));
    }
    if !ended_or_stale(&res) || !keepable {
        return Ok(res.map_into_boxed_body());
    }
    let file_problems: Vec<(String, String)> = files
        .iter()
        .map(|name| (name.clone(), FILE_AGAIN.to_string()))
        .collect();
    let kept = Keep {
        page,
        account_id: bound,
        body: &body,
        problems: &file_problems,
        anchor: None,
        file_dropped: !files.is_empty(),
    };
    let response = keep(res.request(), &pool, kept).await?;
    Ok(res.into_response(response))
}

/// A form to keep: its page, the account proven to have written it, the body as posted.
struct Keep<'a> {
    page: String,
    account_id: Option<AccountId>,
    body: &'a [u8],
    problems: &'a [(String, String)],
    /// Where in the page to land (`#tests`), when the form is not at its top.
    anchor: Option<&'a str>,
    /// A file was chosen and is not kept (the sign-in page says to choose it again).
    file_dropped: bool,
}

/// A form that lives inside a larger page (the client page's retest interval) shown back with a
/// message beside its field: kept for this account and filled into its page, the same way as a
/// form kept across a sign-in, so such a form needs no page of its own to show its errors.
pub async fn show_back(
    req: &HttpRequest,
    account_id: AccountId,
    page: &str,
    anchor: &str,
    fields: &[(&str, &str)],
    problems: &[(&str, &str)],
) -> Result<HttpResponse, AppError> {
    let pool = pool_of(req)?;
    let body = serde_urlencoded::to_string(fields).unwrap_or_default();
    let problems: Vec<(String, String)> = problems
        .iter()
        .map(|(n, m)| (n.to_string(), m.to_string()))
        .collect();
    let kept = Keep {
        page: page.to_string(),
        account_id: Some(account_id),
        body: body.as_bytes(),
        problems: &problems,
        anchor: Some(anchor),
        file_dropped: false,
    };
    keep(req, &pool, kept).await
}

/// Stores the form and sends the browser to its page (through sign-in when signed out).
async fn keep(
    http: &HttpRequest,
    pool: &crate::db::Pool,
    kept: Keep<'_>,
) -> Result<HttpResponse, AppError> {
    let Keep {
        page,
        account_id,
        body,
        problems,
        anchor,
        file_dropped,
    } = kept;
    let form = KeptForm {
        account_id,
        action_path: http.path().to_string(),
        page_path: page.clone(),
        payload: String::from_utf8_lossy(body).into_owned(),
        problems: serde_urlencoded::to_string(problems).unwrap_or_default(),
    };
    let Some(cookie) = store::keep(http, pool, form).await? else {
        return Err(AppError::BadRequest(
            "Too many unsaved forms came from this address today. Sign in and enter it again."
                .into(),
        ));
    };
    tracing::info!(
        bound = account_id.is_some(),
        problems = problems.len(),
        "form kept for the practitioner to review"
    );
    let location = if resolve(http).await?.is_some() {
        match anchor {
            Some(anchor) => format!("{page}#{anchor}"),
            None => page,
        }
    } else if file_dropped {
        format!("/login?next={}&upload=1", url_encode(&page))
    } else {
        format!("/login?next={}", url_encode(&page))
    };
    let mut response = redirect(&location);
    response
        .add_cookie(&cookie)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(response)
}

const NOTICE_ENDED: &str = "Your session ended before this was saved. Everything you typed is back in the form below: check it and save.";
const NOTICE_FILE_AGAIN: &str = "Your session ended before this was saved. Everything you typed is back in the form below; files are not kept, so choose the file again, then send.";
const NOTICE_LIMITS: &str = "Not saved: some fields are longer than they may be (see the message beside each). Everything you typed is still here.";

/// A page GET while the browser holds a kept form: when it is the form's page and the
/// signed-in account may see the form, the page comes back with the form filled.
async fn on_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let pool = pool_of(req.request())?;
    let here = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{q}", req.path()),
    };
    let found = store::load(req.request(), &pool).await?;
    let Some(row) = found.filter(|row| row.page_path == here) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(session) = resolve(req.request()).await? else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let allowed = session.account.role == Role::Practitioner
        && match row.account_id {
            Some(owner) => owner == session.account.id,
            // Unproven: only on the client's own pages, which the scoped extractors guard.
            None => {
                client_of(&row.action_path).is_some()
                    && client_of(&row.action_path) == client_of(&row.page_path)
            }
        };
    if !allowed {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let res = next.call(req).await?;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::OK || !is_html {
        return Ok(res.map_into_boxed_body());
    }
    let (request, response) = res.into_parts();
    let status = response.status();
    let headers = response.headers().clone();
    let body = actix_web::body::to_bytes(response.into_body())
        .await
        .map_err(|_| AppError::Internal("the page's body could not be read".into()))?;
    let html = String::from_utf8_lossy(&body);
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_str(&row.payload).unwrap_or_default();
    let problems: Vec<(String, String)> =
        serde_urlencoded::from_str(&row.problems).unwrap_or_default();
    let over_limits = problems.iter().any(|(_, message)| message != FILE_AGAIN);
    let kept = fill::Kept {
        action: &row.action_path,
        fields: &fields,
        problems: &problems,
        notice: if over_limits {
            NOTICE_LIMITS
        } else if problems.is_empty() {
            NOTICE_ENDED
        } else {
            NOTICE_FILE_AGAIN
        },
    };
    let filled = fill::fill(&html, &kept);
    let was_filled = filled.is_some();
    let (status, text) = match filled {
        Some(text) => {
            store::forget(&request, &pool).await?;
            let status = if !over_limits {
                status
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, text)
        }
        None => {
            tracing::warn!(page = %row.page_path, "a kept form's page no longer has the form");
            (status, html.into_owned())
        }
    };
    let mut builder = HttpResponse::build(status);
    for (name, value) in headers.iter() {
        if name != header::CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    let mut response = builder.body(text);
    if was_filled {
        response
            .add_cookie(&store::removal_cookie(&request))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(ServiceResponse::new(request, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_pages() {
        assert!(matches("/clients/{client_id}/edit", "/clients/3/edit"));
        assert!(!matches("/clients/{client_id}/edit", "/clients//edit"));
        assert!(!matches("/clients/{client_id}", "/clients/3/edit"));
        assert_eq!(
            fill_pattern(
                "/clients/{client_id}/tests/new",
                "/clients/{client_id}/tests",
                "/clients/7/tests"
            ),
            "/clients/7/tests/new"
        );
        assert_eq!(client_of("/clients/7/tests"), Some(7));
        assert_eq!(client_of("/clients/new"), None);
        assert_eq!(client_of("/settings/reference-sets"), None);
    }

    #[test]
    fn over_limit_names_each_field_once() {
        let fields = vec![
            ("notes".to_string(), "x".repeat(limits::LONG_TEXT + 1)),
            ("Ca".to_string(), "1".into()),
            ("phone".to_string(), "1".repeat(51)),
        ];
        let problems = over_limit(&fields);
        assert_eq!(problems.len(), 2);
        assert!(problems[0]
            .1
            .contains("20,001 characters; the limit is 20,000"));
    }
}
