//! The one route table, shared by `main` and the tests, and the server around it.

use std::net::TcpListener;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{guard, web, App, HttpResponse, HttpServer};

use crate::config::ServerConfig;
use crate::db::Pool;
use crate::web::{
    account, audit, bulk_import, clients, error, hair_tests, health, home, imports, kept, programs,
    second_factor, session_time, sessions, summaries, timeline,
};
// portal and diary
use crate::web::{client_diary, invitations, portal};
// exports
use crate::web::downloads;
// reference sets
use crate::web::reference_sets;

/// Who may call a route; the security tests walk `ROUTES` and check each against its access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in account of either role.
    SignedIn,
    /// Practitioners only; other roles get 404.
    Practitioner,
    /// A practitioner, for one of their own clients (`{client_id}`); anything else is 404.
    OwnClient,
    /// A client account, for its own record only (portal URLs name no client); practitioners
    /// get 404.
    Portal,
}

#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

macro_rules! route_table {
    ($( $method:ident $path:literal => $handler:path, $access:ident; )*) => {
        pub const ROUTES: &[RouteSpec] = &[
            $( RouteSpec { method: stringify!($method), path: $path, access: Access::$access }, )*
        ];

        pub fn configure(cfg: &mut web::ServiceConfig) {
            $( cfg.route($path, method_route(stringify!($method)).to($handler)); )*
        }
    };
}

/// The route of one method. A GET route also answers HEAD (RFC 9110 §9.3.2): the same status
/// and headers, and actix-web leaves the body out of a HEAD response.
fn method_route(method: &str) -> actix_web::Route {
    match method {
        "get" => web::route().guard(guard::Any(guard::Get()).or(guard::Head())),
        _ => web::post(),
    }
}

route_table! {
    get "/healthz" => health::healthz, Public;
    get "/static/app.css" => stylesheet, Public;
    get "/static/favicon.svg" => favicon, Public;
    get "/static/session.js" => session_script, Public;
    get "/login" => sessions::show_login, Public;
    post "/login" => sessions::submit_login, Public;
    get "/setup" => sessions::show_setup, Public;
    post "/setup" => sessions::submit_setup, Public;
    post "/logout" => sessions::logout, SignedIn;
    post "/session/extend" => session_time::extend, SignedIn;
    // second factor (issue 12): the code step of a sign-in holds only a pending sign-in
    get "/login/second-factor" => second_factor::code_step_form, Public;
    post "/login/second-factor" => second_factor::code_step, Public;
    get "/account/second-factor" => second_factor::account, SignedIn;
    post "/account/second-factor" => second_factor::enrol, SignedIn;
    post "/account/second-factor/disable" => second_factor::disable, SignedIn;
    // the account's own sign-in (issue 14)
    get "/account" => account::show, SignedIn;
    post "/account/password" => account::change_password, SignedIn;
    post "/account/email" => account::change_email, SignedIn;
    post "/account/sessions/end-others" => account::end_other_sessions, SignedIn;
    get "/" => home::dashboard, SignedIn;
    get "/audit" => audit::list, Practitioner;
    get "/clients" => clients::list, Practitioner;
    get "/clients/new" => clients::new_form, Practitioner;
    post "/clients" => clients::create, Practitioner;
    get "/import" => bulk_import::upload_form, Practitioner;
    post "/import" => bulk_import::upload, Practitioner;
    get "/import/{import_id}" => bulk_import::preview, Practitioner;
    post "/import/{import_id}/confirm" => bulk_import::confirm, Practitioner;
    get "/clients/{client_id}" => clients::show, OwnClient;
    get "/clients/{client_id}/edit" => clients::edit_form, OwnClient;
    post "/clients/{client_id}/edit" => clients::update, OwnClient;
    post "/clients/{client_id}/archive" => clients::archive, OwnClient;
    post "/clients/{client_id}/restore" => clients::restore, OwnClient;
    get "/clients/{client_id}/tests/new" => hair_tests::new_form, OwnClient;
    get "/clients/{client_id}/tests/new/from-report" => hair_tests::from_report::report_form, OwnClient;
    post "/clients/{client_id}/tests/new/from-report" => hair_tests::from_report::read, OwnClient;
    post "/clients/{client_id}/tests" => hair_tests::create, OwnClient;
    get "/clients/{client_id}/tests/{test_id}" => hair_tests::show, OwnClient;
    get "/clients/{client_id}/tests/{test_id}/edit" => hair_tests::edit_form, OwnClient;
    post "/clients/{client_id}/tests/{test_id}/edit" => hair_tests::update, OwnClient;
    post "/clients/{client_id}/tests/{test_id}/delete" => hair_tests::delete, OwnClient;
    post "/clients/{client_id}/tests/{test_id}/restore" => hair_tests::restore, OwnClient;
    get "/clients/{client_id}/tests/{test_id}/report.pdf" => hair_tests::from_report::download, OwnClient;
    post "/clients/{client_id}/flags/{flag_id}/acknowledge" => timeline::acknowledge_flag, OwnClient;
    get "/clients/{client_id}/program/new" => programs::new_form, OwnClient;
    post "/clients/{client_id}/program" => programs::create, OwnClient;
    get "/clients/{client_id}/program/{version_id}/edit" => programs::edit_form, OwnClient;
    post "/clients/{client_id}/program/{version_id}/edit" => programs::update, OwnClient;
    post "/clients/{client_id}/program/{version_id}/delete" => programs::delete, OwnClient;
    post "/clients/{client_id}/program/{version_id}/restore" => programs::restore, OwnClient;
    post "/clients/{client_id}/retest-interval" => programs::set_retest_interval, OwnClient;
    get "/clients/{client_id}/summaries/new" => summaries::new_form, OwnClient;
    post "/clients/{client_id}/summaries" => summaries::create, OwnClient;
    get "/clients/{client_id}/summaries/{summary_id}" => summaries::show, OwnClient;
    get "/clients/{client_id}/summaries/{summary_id}/pdf" => summaries::pdf, OwnClient;
    post "/clients/{client_id}/summaries/{summary_id}/share" => summaries::share, OwnClient;
    get "/clients/{client_id}/summaries/{summary_id}/client" => summaries::client_copy, OwnClient;
    get "/clients/{client_id}/summaries/{summary_id}/client.pdf" => summaries::client_pdf, OwnClient;
    post "/clients/{client_id}/summaries/{summary_id}/delete" => summaries::delete, OwnClient;
    post "/clients/{client_id}/summaries/{summary_id}/restore" => summaries::restore, OwnClient;
    get "/portal/summaries/{summary_id}/pdf" => summaries::portal_pdf, Portal;
    get "/clients/{client_id}/import" => imports::upload_form, OwnClient;
    post "/clients/{client_id}/import" => imports::upload, OwnClient;
    get "/clients/{client_id}/import/{import_id}" => imports::preview, OwnClient;
    post "/clients/{client_id}/import/{import_id}/confirm" => imports::confirm, OwnClient;
    // portal and diary
    post "/clients/{client_id}/invitations" => invitations::create, OwnClient;
    post "/clients/{client_id}/invitations/revoke" => invitations::revoke, OwnClient;
    post "/clients/{client_id}/share-results" => client_diary::set_share_results, OwnClient;
    get "/clients/{client_id}/diary" => client_diary::diary_page, OwnClient;
    post "/clients/{client_id}/diary/annotations" => client_diary::annotate, OwnClient;
    post "/clients/{client_id}/symptoms" => client_diary::add_symptom, OwnClient;
    get "/invite/{token}" => invitations::show, Public;
    post "/invite/{token}" => invitations::accept, Public;
    get "/portal" => portal::today, Portal;
    post "/portal/diary" => portal::save, Portal;
    get "/portal/history" => portal::history, Portal;
    get "/portal/results" => portal::results, Portal;
    get "/portal/settings" => portal::settings_form, Portal;
    post "/portal/settings" => portal::save_settings, Portal;
    get "/portal/pending" => portal::pending, Portal;
    get "/portal/resume" => portal::resume_form, Public;
    post "/portal/resume" => portal::resume, Public;
    // exports
    get "/clients/{client_id}/export/tests.csv" => downloads::tests_csv, OwnClient;
    get "/clients/{client_id}/export/diary.csv" => downloads::diary_csv, OwnClient;
    get "/clients/{client_id}/export/fhir.json" => downloads::fhir_json, OwnClient;
    get "/export/all.zip" => downloads::all_zip, Practitioner;
    // reference sets
    get "/settings/reference-sets" => reference_sets::list, Practitioner;
    post "/settings/reference-sets" => reference_sets::create, Practitioner;
    post "/settings/reference-sets/active" => reference_sets::activate, Practitioner;
    get "/settings/reference-sets/{set_id}/edit" => reference_sets::edit::edit_form, Practitioner;
    post "/settings/reference-sets/{set_id}/edit" => reference_sets::edit::update, Practitioner;
}

const STYLESHEET: &str = include_str!("../static/app.css");

/// The stylesheet is compiled into the binary, so the app works offline and from any directory.
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

const SESSION_SCRIPT: &str = include_str!("../static/session.js");

/// The session expiry warning (the pages work without it).
async fn session_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(SESSION_SCRIPT)
}

const FAVICON: &str = include_str!("../static/favicon.svg");

/// The tab icon every page links to (without it each page load logs a 404 for /favicon.ico).
async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON)
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Security headers on every response, and one log line per request (method, route pattern,
/// status, time: never query strings or bodies, which may hold health data).
async fn headers_and_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let mut res = next.call(req).await?;
    // Read once routed: the matched resource names its pattern (before routing, actix matches
    // the path against every route's expression again).
    let pattern = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "<unmatched>".into());
    let headers = res.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Health records must not linger in shared or browser caches.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    tracing::info!(
        %method,
        route = %pattern,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(res)
}

/// The practitioner forms `web::kept` keeps when their session ended, and the pages forms are
/// on, from the route table.
fn form_routes() -> kept::FormRoutes {
    kept::FormRoutes {
        posts: ROUTES
            .iter()
            .filter(|r| r.method == "post")
            .filter_map(|r| match r.access {
                Access::OwnClient => Some((r.path, true)),
                Access::Practitioner => Some((r.path, false)),
                _ => None,
            })
            .collect(),
        pages: ROUTES
            .iter()
            .filter(|r| r.method == "get")
            .map(|r| r.path)
            .collect(),
    }
}

/// Builds the server on an already bound listener (port 0 in tests).
pub fn run(listener: TcpListener, pool: Pool, settings: ServerConfig) -> std::io::Result<Server> {
    let blocking_threads = (settings.pool_size as usize).max(2);
    let views = web::Data::new(crate::service::view_log::ViewLog::start(pool.clone())?);
    let pool = web::Data::new(pool);
    let settings = web::Data::new(settings);
    let forms = web::Data::new(form_routes());
    let sections = web::Data::new(crate::web::timeline::cache::SectionsCache::default());
    let dashboards = web::Data::new(crate::web::home::kept::DashboardCache::default());
    let pdfs = web::Data::new(crate::web::summaries::kept_pdfs::KeptPdfs::default());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .app_data(views.clone())
            .app_data(settings.clone())
            .app_data(forms.clone())
            .app_data(sections.clone())
            .app_data(dashboards.clone())
            .app_data(pdfs.clone())
            // Up to a size no form of ours reaches: a field over its limit comes back as its
            // form with a message (`web::kept`), not as a bare 413 page.
            .app_data(web::PayloadConfig::new(crate::web::limits::BODY_BYTES))
            .app_data(web::QueryConfig::default().error_handler(|err, _| {
                crate::web::AppError::BadRequest(format!(
                    "The address has an unreadable parameter: {err}"
                ))
                .into()
            }))
            .wrap(from_fn(kept::keep_typed_work))
            .wrap(from_fn(error::in_signed_in_frame))
            .wrap(from_fn(headers_and_log))
            .configure(configure)
            .default_service(web::to(error::not_found))
    })
    // Blocking threads only wait for a database connection beyond the pool's size: capping them
    // keeps memory flat under load (each parked thread holds a stack and a malloc arena).
    .worker_max_blocking_threads(blocking_threads)
    // A large page is written in several writes of at most 48 KiB (`web::kept_html`): with
    // Nagle's algorithm the last write's short segment would wait for the client's delayed ACK
    // of the one before (up to 40 ms per page).
    .tcp_nodelay(true)
    .listen(listener)?
    .run();
    Ok(server)
}
