//! Access control, in one place. Handlers ask for a `Practitioner` or a `ScopedClient` and get
//! either the record *as seen by the signed-in account* or an error that never reveals whether
//! somebody else's record exists (404, like a missing one).

use std::rc::Rc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::session::{pool_of, resolve, SessionInfo};
use crate::db::accounts::{Account, ROLE_PRACTITIONER};
use crate::db::clients::{self, ClientRow};
use crate::service::{run_db, AppError};

/// Any signed-in account.
#[derive(Clone)]
pub struct CurrentAccount(pub Rc<SessionInfo>);

impl CurrentAccount {
    pub fn account(&self) -> &Account {
        &self.0.account
    }
    pub fn csrf_token(&self) -> &str {
        &self.0.csrf_token
    }
}

fn sign_in_required(req: &HttpRequest) -> AppError {
    let next = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{q}", req.path()),
    };
    AppError::SignInRequired { next }
}

impl FromRequest for CurrentAccount {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match resolve(&req).await? {
                Some(session) => Ok(CurrentAccount(session)),
                None => Err(sign_in_required(&req)),
            }
        })
    }
}

/// A signed-in practitioner. A client's session gets 404 from every practitioner URL.
#[derive(Clone)]
pub struct Practitioner(pub CurrentAccount);

impl Practitioner {
    pub fn id(&self) -> i64 {
        self.0.account().id
    }
    pub fn account(&self) -> &Account {
        self.0.account()
    }
    pub fn csrf_token(&self) -> &str {
        self.0.csrf_token()
    }
}

impl FromRequest for Practitioner {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let current = CurrentAccount::from_request(req, payload);
        let path = req.path().to_string();
        Box::pin(async move {
            let current = current.await?;
            if current.account().role == ROLE_PRACTITIONER {
                Ok(Practitioner(current))
            } else {
                tracing::warn!(account = current.account().id, %path, "client account refused a practitioner URL");
                Err(AppError::NotFound)
            }
        })
    }
}

/// The client named by the `{client_id}` segment of the URL, loaded scoped to the signed-in
/// practitioner.
pub struct ScopedClient {
    pub practitioner: Practitioner,
    pub client: ClientRow,
}

impl FromRequest for ScopedClient {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let practitioner = Practitioner::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let practitioner = practitioner.await?;
            let client_id = parse_id(req.match_info().get("client_id"))?;
            let owner = practitioner.id();
            let pool = pool_of(&req)?;
            let found = run_db(&pool, move |conn| {
                clients::find_for_practitioner(conn, owner, client_id)
            })
            .await?;
            match found {
                Some(client) => Ok(ScopedClient {
                    practitioner,
                    client,
                }),
                None => {
                    tracing::info!(
                        account = owner,
                        client_id,
                        "client not found for this practitioner"
                    );
                    Err(AppError::NotFound)
                }
            }
        })
    }
}

/// Ids in URLs are positive integers; anything else is simply not found.
pub fn parse_id(segment: Option<&str>) -> Result<i64, AppError> {
    segment
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// A hair test named by `{test_id}` of the client named by `{client_id}`, both scoped to the
/// signed-in practitioner. Deleted tests are found too (their page offers restore).
pub struct ScopedHairTest {
    pub scope: ScopedClient,
    pub test: crate::db::hair_tests::HairTestRow,
}

impl FromRequest for ScopedHairTest {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let scope = ScopedClient::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let scope = scope.await?;
            let test_id = parse_id(req.match_info().get("test_id"))?;
            let client_id = scope.client.id;
            let pool = pool_of(&req)?;
            let found = run_db(&pool, move |conn| {
                crate::db::hair_tests::find_for_client(conn, client_id, test_id)
            })
            .await?;
            match found {
                Some(test) => Ok(ScopedHairTest { scope, test }),
                None => Err(AppError::NotFound),
            }
        })
    }
}

// summaries

/// Which summaries of a client a summary extractor finds.
#[derive(Clone, Copy)]
enum SummaryState {
    /// Not deleted: every document and sharing route.
    Live,
    /// Deleted within the restore window: only restoring finds it.
    Restorable,
    /// Not deleted and shared with the client: what the portal may serve.
    Shared,
}

/// The summary named by `{summary_id}` of the client `client_id`, in the given state.
async fn summary_of(
    req: &HttpRequest,
    client_id: i64,
    state: SummaryState,
) -> Result<crate::db::summaries::SummaryRow, AppError> {
    use crate::db::summaries;
    let id = parse_id(req.match_info().get("summary_id"))?;
    let pool = pool_of(req)?;
    let found = run_db(&pool, move |conn| match state {
        SummaryState::Live => summaries::find_for_client(conn, client_id, id),
        SummaryState::Shared => summaries::find_shared_for_client(conn, client_id, id),
        SummaryState::Restorable => summaries::find_deleted_for_client(
            conn,
            client_id,
            id,
            crate::db::now() - summaries::RESTORE_WINDOW,
        ),
    })
    .await?;
    found.ok_or(AppError::NotFound)
}

/// A live (not deleted) summary named by `{summary_id}` of the client named by `{client_id}`,
/// both scoped to the signed-in practitioner; anything else is 404.
pub struct ScopedSummary {
    pub scope: ScopedClient,
    pub summary: crate::db::summaries::SummaryRow,
}

impl FromRequest for ScopedSummary {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let scope = ScopedClient::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let scope = scope.await?;
            let summary = summary_of(&req, scope.client.id, SummaryState::Live).await?;
            Ok(ScopedSummary { scope, summary })
        })
    }
}

/// A summary deleted within the restore window, named like `ScopedSummary`: the one thing to
/// do with it is to restore it.
pub struct RestorableSummary(pub ScopedSummary);

impl FromRequest for RestorableSummary {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let scope = ScopedClient::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let scope = scope.await?;
            let summary = summary_of(&req, scope.client.id, SummaryState::Restorable).await?;
            Ok(RestorableSummary(ScopedSummary { scope, summary }))
        })
    }
}

/// A summary named by `{summary_id}` that the practitioner shared with the signed-in portal
/// client; unshared, deleted or somebody else's is 404.
pub struct SharedSummary {
    pub portal: PortalClient,
    pub summary: crate::db::summaries::SummaryRow,
}

impl FromRequest for SharedSummary {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let portal = PortalClient::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let portal = portal.await?;
            let summary = summary_of(&req, portal.client.id, SummaryState::Shared).await?;
            Ok(SharedSummary { portal, summary })
        })
    }
}

// portal and diary

/// A signed-in client account with its own client record: the only way into the portal pages,
/// which therefore never name a client in the URL and cannot reach another client's data.
/// A practitioner's session gets 404 here, as a client's does on practitioner URLs.
pub struct PortalClient {
    pub current: CurrentAccount,
    pub client: ClientRow,
    pub settings: crate::db::client_portal::PortalSettings,
}

impl PortalClient {
    pub fn account(&self) -> &Account {
        self.current.account()
    }

    /// The client's time zone: the named one they chose, else their offset, else the server's.
    pub fn zone(&self) -> crate::domain::diary::ClientZone {
        self.settings.zone()
    }

    /// Today's date where the client lives (summer time included).
    pub fn today(&self) -> chrono::NaiveDate {
        self.zone().local_date(crate::db::now())
    }

    /// Resolves the portal client of an already signed-in account (the diary form, which must
    /// read its body before deciding, cannot use the extractor).
    pub async fn for_account(req: &HttpRequest, current: CurrentAccount) -> Result<Self, AppError> {
        let account = current.account();
        let client_id = match (account.role.as_str(), account.client_id) {
            (crate::db::accounts::ROLE_CLIENT, Some(id)) => id,
            _ => {
                tracing::warn!(account = account.id, path = %req.path(), "non-client account refused a portal URL");
                return Err(AppError::NotFound);
            }
        };
        let pool = pool_of(req)?;
        let found = run_db(&pool, move |conn| {
            crate::db::client_portal::find_with_settings(conn, client_id)
        })
        .await?;
        match found {
            Some((client, settings)) => Ok(PortalClient {
                current,
                client,
                settings,
            }),
            None => Err(AppError::NotFound),
        }
    }
}

impl FromRequest for PortalClient {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let current = CurrentAccount::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move { PortalClient::for_account(&req, current.await?).await })
    }
}
