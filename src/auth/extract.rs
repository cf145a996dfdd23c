//! Access control, in one place. Handlers ask for a `Practitioner`, a `ScopedClient` or one of
//! its records (`ScopedHairTest`, `ScopedSummary`, `ScopedImport`, `ScopedFlag`, ...) and get
//! either the record *as seen by the signed-in account* or an error that never reveals whether
//! somebody else's record exists (404, like a missing one).

use crate::db::{
    AccountId, ClientId, FlagId, HairTestId, PendingImportId, ProgramVersionId, ReferenceSetId,
    SummaryId,
};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::session::{self, pool_of, resolve, Pending, SessionInfo};
use crate::db::accounts::{Account, Role};
use crate::db::clients::{self, ClientRow};
use crate::db::flags::{self, FlagRow};
use crate::db::hair_tests::{self, HairTestRow};
use crate::db::pending_imports::{self, PendingImport};
use crate::db::programs::{self, ProgramVersion, VersionWithSupplements};
use crate::db::reference_sets::{self, StoredSet};
use crate::db::summaries::{self, SummaryRow};
use crate::db::{DbConn, DbError};
use crate::service::{run_db, AppError};

/// Any signed-in account.
#[derive(Clone)]
pub struct CurrentAccount(pub Arc<SessionInfo>);

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
    pub fn id(&self) -> AccountId {
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
            if current.account().role == Role::Practitioner {
                Ok(Practitioner(current))
            } else {
                tracing::warn!(account = %current.account().id, %path, "client account refused a practitioner URL");
                Err(AppError::NotFound)
            }
        })
    }
}

/// What keeps a request from the scope or record it names. Decided on the database thread by
/// `Reach::reach` and answered on the request's by `refused`, with the answer and the log line
/// the checks always had.
enum Refusal {
    /// No session (or an ended one).
    SignIn,
    /// A client's session at a practitioner URL.
    NotPractitioner(AccountId),
    /// A practitioner's session (or a client without a record) at a portal URL.
    NotClient(AccountId),
    /// A portal account whose client record is gone.
    NoClientRecord,
    /// The URL's id is not a positive number.
    BadId,
    /// No such record inside the scope (logged with the URL segment that named it).
    NotFound { segment: &'static str, id: String },
}

fn refused(req: &HttpRequest, refusal: Refusal) -> AppError {
    match refusal {
        Refusal::SignIn => sign_in_required(req),
        Refusal::NotPractitioner(account) => {
            tracing::warn!(%account, path = %req.path(), "client account refused a practitioner URL");
            AppError::NotFound
        }
        Refusal::NotClient(account) => {
            tracing::warn!(%account, path = %req.path(), "non-client account refused a portal URL");
            AppError::NotFound
        }
        Refusal::NoClientRecord | Refusal::BadId => AppError::NotFound,
        Refusal::NotFound { segment, id } => {
            tracing::info!(
                segment,
                %id,
                named_in = req.path(),
                "record not found in the signed-in account's scope"
            );
            AppError::NotFound
        }
    }
}

/// A scope (the practitioner, the portal client) or a record inside one, reached from the
/// signed-in session. `reach` makes, in order, every check of the extractors (the role, then
/// each id and record from the outermost in), so that a request whose session is not resolved
/// yet looks it up and reaches its record in one trip to the database (`extract`) instead of
/// one trip per level (issue 15: each is a hand-off to the blocking pool and a checkout).
trait Reach: Sized + Send + 'static {
    /// The URL's ids this needs, read on the request's thread before the trip.
    type Ids: Send + 'static;
    fn ids(req: &HttpRequest) -> Self::Ids;
    fn reach(
        conn: &mut DbConn,
        current: CurrentAccount,
        ids: Self::Ids,
    ) -> Result<Result<Self, Refusal>, DbError>;
}

/// The one extraction of every `Reach` extractor: the session (unless the request resolved it
/// already) and everything inside it, in one `run_db`.
fn extract<R: Reach>(req: &HttpRequest) -> LocalBoxFuture<'static, Result<R, AppError>> {
    let req = req.clone();
    Box::pin(async move {
        let ids = R::ids(&req);
        with_session(&req, move |conn, current| R::reach(conn, current, ids)).await
    })
}

/// The signed-in account and the first read of its page, in one `run_db` when the request has
/// not resolved its session yet: for a page whose read depends on the account alone (the
/// dashboard). Without a session it is sign-in required, like `CurrentAccount`, and `read`
/// does not run.
pub async fn signed_in_with<T, F>(
    req: &HttpRequest,
    read: F,
) -> Result<(CurrentAccount, T), AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, &Account) -> Result<T, DbError> + Send + 'static,
{
    with_session(req, move |conn, current| {
        let page = read(conn, current.account())?;
        Ok(Ok((current, page)))
    })
    .await
}

/// Runs `work` for the request's session on the database thread, looking the session up first
/// in the same `run_db` when the request has not resolved it yet; the session found is
/// remembered for the rest of the request like `resolve` does.
async fn with_session<T, F>(req: &HttpRequest, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, CurrentAccount) -> Result<Result<T, Refusal>, DbError> + Send + 'static,
{
    let source = match session::pending(req) {
        Pending::Known(None) => return Err(sign_in_required(req)),
        Pending::Known(Some(session)) => Ok(CurrentAccount(session)),
        Pending::Lookup(lookup) => Err(lookup),
    };
    let looked_up = source.is_err();
    let (found, done) = run_db(&pool_of(req)?, move |conn| {
        let current = match source {
            Ok(current) => current,
            Err(lookup) => match lookup.run(conn)? {
                Some(info) => CurrentAccount(Arc::new(info)),
                None => return Ok((None, Err(Refusal::SignIn))),
            },
        };
        let session = current.0.clone();
        Ok::<_, DbError>((Some(session), work(conn, current)?))
    })
    .await?;
    if looked_up {
        session::remember(req, found);
    }
    done.map_err(|refusal| refused(req, refusal))
}

impl Reach for Practitioner {
    type Ids = ();
    fn ids(_: &HttpRequest) {}
    fn reach(
        _: &mut DbConn,
        current: CurrentAccount,
        _: (),
    ) -> Result<Result<Self, Refusal>, DbError> {
        Ok(if current.account().role == Role::Practitioner {
            Ok(Practitioner(current))
        } else {
            Err(Refusal::NotPractitioner(current.account().id))
        })
    }
}

/// A record named by a segment of the URL, looked up inside a scope the signed-in account has
/// already reached (the practitioner, one of their clients, the portal client). Every record
/// extractor has this one shape: the scope first (so an anonymous or wrong-role request is
/// refused before any id is read), then the id, then one query that can only find the record
/// inside that scope. Anything else is 404, like a record that does not exist.
trait Within: Sized + Send + 'static {
    /// The extractor for the owning scope.
    type Scope: Reach;
    /// What the lookup needs from the scope (the owner's ids), moved to the database thread.
    type Key: Send + 'static;
    type Record: Send + 'static;
    /// The record's id type (`db::ids`): the URL segment's number becomes one before the lookup.
    type Id: From<i64> + Copy + std::fmt::Display + Send + 'static;
    /// The URL segment holding the record's id.
    const SEGMENT: &'static str;
    fn key(scope: &Self::Scope) -> Self::Key;
    fn find(
        conn: &mut DbConn,
        key: Self::Key,
        id: Self::Id,
    ) -> Result<Option<Self::Record>, DbError>;
    fn assemble(scope: Self::Scope, record: Self::Record) -> Self;
}

/// `Reach::reach` of a `Within` record: its scope, then its id, then its one lookup.
fn reach_within<W: Within>(
    conn: &mut DbConn,
    current: CurrentAccount,
    (scope_ids, id): (<W::Scope as Reach>::Ids, Option<W::Id>),
) -> Result<Result<W, Refusal>, DbError> {
    let scope = match W::Scope::reach(conn, current, scope_ids)? {
        Ok(scope) => scope,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(id) = id else {
        return Ok(Err(Refusal::BadId));
    };
    Ok(match W::find(conn, W::key(&scope), id)? {
        Some(record) => Ok(W::assemble(scope, record)),
        None => Err(Refusal::NotFound {
            segment: W::SEGMENT,
            id: id.to_string(),
        }),
    })
}

fn ids_within<W: Within>(req: &HttpRequest) -> (<W::Scope as Reach>::Ids, Option<W::Id>) {
    let id = parse_id(req.match_info().get(W::SEGMENT)).ok();
    (W::Scope::ids(req), id.map(W::Id::from))
}

/// A record named outside the URL (a form field) inside a scope already reached: its one
/// lookup, or the same 404 (and log line) as a record the URL names (`Refusal::NotFound`).
async fn find_within<W: Within>(
    req: &HttpRequest,
    scope: W::Scope,
    id: W::Id,
) -> Result<W, AppError> {
    let key = W::key(&scope);
    match run_db(&pool_of(req)?, move |conn| W::find(conn, key, id)).await? {
        Some(record) => Ok(W::assemble(scope, record)),
        None => Err(refused(
            req,
            Refusal::NotFound {
                segment: W::SEGMENT,
                id: id.to_string(),
            },
        )),
    }
}

/// A record under the client named by `{client_id}`, found by `$find(conn, client_id, id)`:
/// the `Within` impl of an extractor `$extractor { scope: ScopedClient, $field: $record }`.
macro_rules! within_client {
    ($extractor:ident { $field:ident: $record:ty } at $segment:literal: $id:ty, $find:expr) => {
        impl Within for $extractor {
            type Scope = ScopedClient;
            type Key = ClientId;
            type Record = $record;
            type Id = $id;
            const SEGMENT: &'static str = $segment;
            fn key(scope: &ScopedClient) -> ClientId {
                scope.client.id
            }
            fn find(
                conn: &mut DbConn,
                client_id: ClientId,
                id: $id,
            ) -> Result<Option<$record>, DbError> {
                ($find)(conn, client_id, id)
            }
            fn assemble(scope: ScopedClient, $field: $record) -> Self {
                $extractor { scope, $field }
            }
        }
    };
}

/// A record of the signed-in practitioner named by the URL, found by `$find(conn, owner, id)`:
/// the `Within` impl of an extractor `$extractor { practitioner: Practitioner, $field: $record }`.
macro_rules! within_practitioner {
    ($extractor:ident { $field:ident: $record:ty } at $segment:literal: $id:ty, $find:expr) => {
        impl Within for $extractor {
            type Scope = Practitioner;
            type Key = AccountId;
            type Record = $record;
            type Id = $id;
            const SEGMENT: &'static str = $segment;
            fn key(practitioner: &Practitioner) -> AccountId {
                practitioner.id()
            }
            fn find(
                conn: &mut DbConn,
                owner: AccountId,
                id: $id,
            ) -> Result<Option<$record>, DbError> {
                ($find)(conn, owner, id)
            }
            fn assemble(practitioner: Practitioner, $field: $record) -> Self {
                $extractor {
                    practitioner,
                    $field,
                }
            }
        }
    };
}

/// `Reach` and `FromRequest` for a `Within` record extractor.
macro_rules! from_request_within {
    ($($extractor:ty),+ $(,)?) => {$(
        impl Reach for $extractor {
            type Ids = (<<Self as Within>::Scope as Reach>::Ids, Option<<Self as Within>::Id>);
            fn ids(req: &HttpRequest) -> Self::Ids {
                ids_within::<Self>(req)
            }
            fn reach(
                conn: &mut DbConn,
                current: CurrentAccount,
                ids: Self::Ids,
            ) -> Result<Result<Self, Refusal>, DbError> {
                reach_within::<Self>(conn, current, ids)
            }
        }

        impl FromRequest for $extractor {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                extract::<Self>(req)
            }
        }
    )+};
}

from_request_within!(
    ScopedClient,
    ScopedHairTest,
    ScopedSummary,
    RestorableSummary,
    SharedSummary,
    ScopedImport,
    PracticeImport,
    ScopedFlag,
    ScopedProgramVersion,
    RestorableProgramVersion,
    ScopedReferenceSet,
);

/// Ids in URLs are positive integers (a record extractor makes the number its id type);
/// anything else is simply not found.
pub fn parse_id(segment: Option<&str>) -> Result<i64, AppError> {
    segment
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// The client named by the `{client_id}` segment of the URL, loaded scoped to the signed-in
/// practitioner.
pub struct ScopedClient {
    pub practitioner: Practitioner,
    pub client: ClientRow,
}

within_practitioner!(ScopedClient { client: ClientRow } at "client_id": ClientId, clients::find_for_practitioner);

/// A hair test named by `{test_id}` of the client named by `{client_id}`, both scoped to the
/// signed-in practitioner. Deleted tests are found too (their page offers restore).
pub struct ScopedHairTest {
    pub scope: ScopedClient,
    pub test: HairTestRow,
}

within_client!(ScopedHairTest { test: HairTestRow } at "test_id": HairTestId, hair_tests::find_for_client);

// summaries

/// A live (not deleted) summary named by `{summary_id}` of the client named by `{client_id}`,
/// both scoped to the signed-in practitioner; anything else is 404.
pub struct ScopedSummary {
    pub scope: ScopedClient,
    pub summary: SummaryRow,
}

within_client!(ScopedSummary { summary: SummaryRow } at "summary_id": SummaryId, summaries::find_for_client);

/// A summary deleted within the restore window, named like `ScopedSummary`: the one thing to
/// do with it is to restore it.
pub struct RestorableSummary(pub ScopedSummary);

impl Within for RestorableSummary {
    type Scope = ScopedClient;
    type Key = ClientId;
    type Record = SummaryRow;
    type Id = SummaryId;
    const SEGMENT: &'static str = "summary_id";
    fn key(scope: &ScopedClient) -> ClientId {
        scope.client.id
    }
    fn find(
        conn: &mut DbConn,
        client_id: ClientId,
        id: SummaryId,
    ) -> Result<Option<SummaryRow>, DbError> {
        let window_start = crate::db::now() - summaries::RESTORE_WINDOW;
        summaries::find_deleted_for_client(conn, client_id, id, window_start)
    }
    fn assemble(scope: ScopedClient, summary: SummaryRow) -> Self {
        RestorableSummary(ScopedSummary { scope, summary })
    }
}

/// A summary named by `{summary_id}` that the practitioner shared with the signed-in portal
/// client; unshared, deleted or somebody else's is 404.
pub struct SharedSummary {
    pub portal: PortalClient,
    pub summary: SummaryRow,
}

impl Within for SharedSummary {
    type Scope = PortalClient;
    type Key = ClientId;
    type Record = SummaryRow;
    type Id = SummaryId;
    const SEGMENT: &'static str = "summary_id";
    fn key(portal: &PortalClient) -> ClientId {
        portal.client.id
    }
    fn find(
        conn: &mut DbConn,
        client_id: ClientId,
        id: SummaryId,
    ) -> Result<Option<SummaryRow>, DbError> {
        summaries::find_shared_for_client(conn, client_id, id)
    }
    fn assemble(portal: PortalClient, summary: SummaryRow) -> Self {
        SharedSummary { portal, summary }
    }
}

// imports and flags

/// An uploaded CSV awaiting confirmation, named by `{import_id}`, that the signed-in
/// practitioner uploaded for the client named by `{client_id}`.
pub struct ScopedImport {
    pub scope: ScopedClient,
    pub pending: PendingImport,
}

impl Within for ScopedImport {
    type Scope = ScopedClient;
    type Key = (AccountId, ClientId);
    type Record = PendingImport;
    type Id = PendingImportId;
    const SEGMENT: &'static str = "import_id";
    fn key(scope: &ScopedClient) -> (AccountId, ClientId) {
        (scope.practitioner.id(), scope.client.id)
    }
    fn find(
        conn: &mut DbConn,
        (owner, client_id): (AccountId, ClientId),
        id: PendingImportId,
    ) -> Result<Option<PendingImport>, DbError> {
        pending_imports::find(conn, owner, client_id, id)
    }
    fn assemble(scope: ScopedClient, pending: PendingImport) -> Self {
        ScopedImport { scope, pending }
    }
}

/// A practice-wide upload (rows name their clients by reference code) named by `{import_id}`,
/// uploaded by the signed-in practitioner.
pub struct PracticeImport {
    pub practitioner: Practitioner,
    pub pending: PendingImport,
}

within_practitioner!(PracticeImport { pending: PendingImport } at "import_id": PendingImportId, pending_imports::find_practice_wide);

/// A flag named by `{flag_id}` of the client named by `{client_id}`, both scoped to the
/// signed-in practitioner (acknowledged and inactive flags are found too).
pub struct ScopedFlag {
    pub scope: ScopedClient,
    pub flag: FlagRow,
}

within_client!(ScopedFlag { flag: FlagRow } at "flag_id": FlagId, flags::find_for_client);

// program versions and reference sets

/// A live version of the program of the client named by `{client_id}`, named by
/// `{version_id}`, with its supplements; both scoped to the signed-in practitioner.
pub struct ScopedProgramVersion {
    pub scope: ScopedClient,
    pub version: VersionWithSupplements,
}

within_client!(ScopedProgramVersion { version: VersionWithSupplements } at "version_id": ProgramVersionId, programs::find_live);

/// A program version deleted within the restore window, named like `ScopedProgramVersion`:
/// the one thing to do with it is to restore it.
pub struct RestorableProgramVersion {
    pub scope: ScopedClient,
    pub version: ProgramVersion,
}

within_client!(
    RestorableProgramVersion { version: ProgramVersion } at "version_id": ProgramVersionId,
    |conn, client_id, id| {
        programs::find_deleted(conn, client_id, id, crate::db::now() - programs::RESTORE_WINDOW)
    }
);

/// One of the signed-in practitioner's reference sets, named by `{set_id}` (or by the clone
/// form's source field). Another practitioner's set is not found, exactly like a missing one.
pub struct ScopedReferenceSet {
    pub practitioner: Practitioner,
    pub stored: StoredSet,
}

impl ScopedReferenceSet {
    /// The set named by a form field rather than the URL, looked up the same way.
    pub async fn named_in_form(
        req: &HttpRequest,
        practitioner: Practitioner,
        raw_id: &str,
    ) -> Result<Self, AppError> {
        let id = ReferenceSetId::from(parse_id(Some(raw_id))?);
        find_within(req, practitioner, id).await
    }
}

within_practitioner!(ScopedReferenceSet { stored: StoredSet } at "set_id": ReferenceSetId, reference_sets::find_for_practitioner);

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
        let pool = pool_of(req)?;
        run_db(&pool, move |conn| PortalClient::reach(conn, current, ()))
            .await?
            .map_err(|refusal| refused(req, refusal))
    }
}

impl Reach for PortalClient {
    type Ids = ();
    fn ids(_: &HttpRequest) {}
    fn reach(
        conn: &mut DbConn,
        current: CurrentAccount,
        _: (),
    ) -> Result<Result<Self, Refusal>, DbError> {
        let account = current.account();
        let client_id = match (account.role, account.client_id) {
            (Role::Client, Some(id)) => id,
            _ => return Ok(Err(Refusal::NotClient(account.id))),
        };
        Ok(
            match crate::db::client_portal::find_with_settings(conn, client_id)? {
                Some((client, settings)) => Ok(PortalClient {
                    current,
                    client,
                    settings,
                }),
                None => Err(Refusal::NoClientRecord),
            },
        )
    }
}

impl FromRequest for PortalClient {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract::<Self>(req)
    }
}
