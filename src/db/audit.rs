//! The audit trail: who did or saw what, to which record, when and from where.
//!
//! Tamper evidence: events form a hash chain. Each event has a place `seq` and stores
//! `entry_hash = SHA-256(previous entry_hash ‖ its own content)`, the head of the chain is kept in
//! `audit_chain_head`, and `verify` walks the chain and names the first broken link, so an event
//! edited, deleted or inserted in the database afterwards is found. New events lock the head row,
//! which chains them one at a time on both engines.
//!
//! Scope: `owner_id` is the practitioner whose records an event concerns (their audit page) and
//! `client_id` the client whose record it concerns; both are indexed with the time, so the audit
//! page filters and pages through millions of events with an index.

use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;

use super::audit_head::{SetHeadHash, TakeHead};
use super::engine::on_engine;
use super::schema::{accounts, audit_chain_head, audit_events, clients};
use super::{new_id, now, write_tx, DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub account_id: Option<i64>,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub remote_addr: Option<String>,
    pub detail: String,
    pub seq: Option<i64>,
    pub entry_hash: Option<String>,
    pub owner_id: Option<i64>,
    pub client_id: Option<i64>,
}

/// What happened, to which record, by whom. `detail` never holds health data, only labels.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub account_id: Option<i64>,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_id: Option<i64>,
    pub remote_addr: Option<&'a str>,
    pub detail: &'a str,
}

/// Whose records an event concerns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope {
    pub owner_id: Option<i64>,
    pub client_id: Option<i64>,
}

/// The hash of the first link's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Records an event, finding its scope from the record and the account.
/// Returns the scope found (whose record versions the change bumps).
pub fn record(conn: &mut DbConn, entry: &AuditEntry) -> Result<Scope, DbError> {
    let scope = scope_of(conn, entry)?;
    record_scoped(conn, entry, scope)?;
    Ok(scope)
}

/// Records an event whose scope the caller knows (a view of a client's record).
pub fn record_scoped(conn: &mut DbConn, entry: &AuditEntry, scope: Scope) -> Result<(), DbError> {
    append(
        conn,
        vec![AuditEvent {
            id: new_id(),
            occurred_at: now(),
            account_id: entry.account_id,
            action: entry.action.to_string(),
            record_kind: entry.record_kind.to_string(),
            record_id: entry.record_id,
            remote_addr: entry.remote_addr.map(str::to_string),
            detail: entry.detail.to_string(),
            seq: None,
            entry_hash: None,
            owner_id: scope.owner_id,
            client_id: scope.client_id,
        }],
    )
}

/// Appends events to the chain in the order given, in one write: the head row is locked once,
/// each event is linked to the one before it, and the head moves to the last. Their `seq` and
/// `entry_hash` are set here; `occurred_at` is kept (to the microsecond), so a batch of views
/// keeps the times they were seen at.
pub fn append(conn: &mut DbConn, events: Vec<AuditEvent>) -> Result<(), DbError> {
    if events.is_empty() {
        return Ok(());
    }
    // A savepoint inside the caller's transaction, or a transaction of its own: the head row
    // stays locked until the events are committed with the change they record.
    write_tx(conn, |conn| link_and_insert(conn, events))
}

/// Appends views (`service::view_log`'s batches) in a transaction of their own, committed
/// without waiting for the disk: the commit is in the database's log at once (a crash of this
/// process loses nothing), and on the disk when the log is next flushed — by the next change
/// (every later commit flushes the log up to itself, these views included), SQLite's
/// checkpoint, or PostgreSQL's WAL writer within a second. Waiting for an fsync per view
/// tied every record page's speed to the disk's; a state change still waits for its own.
pub fn append_views(conn: &mut DbConn, events: Vec<AuditEvent>) -> Result<(), DbError> {
    use diesel::connection::SimpleConnection;
    if events.is_empty() {
        return Ok(());
    }
    match conn {
        DbConn::Sqlite(_) => {
            conn.batch_execute("PRAGMA synchronous=NORMAL")?;
            let written = write_tx(conn, |conn| link_and_insert(conn, events));
            // The pooled connection goes back as it came (FULL, engine.rs), whatever happened.
            let restored = conn.batch_execute("PRAGMA synchronous=FULL");
            written?;
            Ok(restored?)
        }
        DbConn::Postgres(_) => write_tx(conn, |conn| {
            conn.batch_execute("SET LOCAL synchronous_commit TO OFF")?;
            link_and_insert(conn, events)
        }),
    }
}

/// Every page view's audit batch runs these statements: on the engine's own connection
/// (`on_engine`).
fn link_and_insert(conn: &mut DbConn, mut events: Vec<AuditEvent>) -> Result<(), DbError> {
    let count = events.len() as i64;
    let (last_seq, mut previous): (i64, String) =
        on_engine!(conn, |c| TakeHead { count }.get_result(c))?;
    let mut hashes = Vec::with_capacity(events.len());
    for (seq, event) in (last_seq - count + 1..).zip(events.iter_mut()) {
        event.occurred_at = to_micros(event.occurred_at);
        event.seq = Some(seq);
        let hash = chain_hash(&previous, event);
        previous.clone_from(&hash);
        hashes.push(hash);
    }
    insert_all(conn, &events, &hashes)?;
    on_engine!(conn, |c| SetHeadHash { hash: &previous }.execute(c))?;
    Ok(())
}

/// The events with their hashes, in multi-row INSERTs: a batch of views is a few statements,
/// not one per view (on PostgreSQL each statement is a round trip; issue 15).
fn insert_all(conn: &mut DbConn, events: &[AuditEvent], hashes: &[String]) -> Result<(), DbError> {
    // 12 values a row: well under SQLite's limit of bound parameters per statement.
    const ROWS_PER_STATEMENT: usize = 200;
    // A macro, not a closure: the row borrows from the event, a closure cannot say for how long.
    macro_rules! row {
        ($event:expr, $hash:expr) => {{
            let (event, hash) = ($event, $hash);
            (
                audit_events::id.eq(event.id),
                audit_events::occurred_at.eq(event.occurred_at),
                audit_events::account_id.eq(event.account_id),
                audit_events::action.eq(&event.action),
                audit_events::record_kind.eq(&event.record_kind),
                audit_events::record_id.eq(event.record_id),
                audit_events::remote_addr.eq(&event.remote_addr),
                audit_events::detail.eq(&event.detail),
                audit_events::seq.eq(event.seq),
                audit_events::entry_hash.eq(hash),
                audit_events::owner_id.eq(event.owner_id),
                audit_events::client_id.eq(event.client_id),
            )
        }};
    }
    if let ([event], [hash]) = (events, hashes) {
        // A batch of one view (the usual batch unless views arrive together) as a one-row
        // INSERT: its statement is prepared once and kept, where diesel prepares the INSERT of
        // a slice anew on every run (its SQL depends on the slice's length).
        on_engine!(conn, |c| diesel::insert_into(audit_events::table)
            .values(row!(event, hash))
            .execute(c))?;
        return Ok(());
    }
    let rows: Vec<_> = events
        .iter()
        .zip(hashes)
        .map(|(event, hash)| row!(event, hash))
        .collect();
    // Batch inserts do not go through the shared connection type, so each engine runs its own.
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let insert = diesel::insert_into(audit_events::table).values(chunk);
        on_engine!(conn, |c| insert.execute(c))?;
    }
    Ok(())
}

/// PostgreSQL keeps microseconds: the hashed time must be the stored time.
fn to_micros(at: NaiveDateTime) -> NaiveDateTime {
    at.with_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at)
}

pub use super::audit_chain::chain_hash;

/// The client a record belongs to, for the kinds of record that belong to one.
fn client_of(conn: &mut DbConn, kind: &str, id: i64) -> Result<Option<i64>, DbError> {
    use super::schema::{
        client_symptoms, diary_entries, flags, hair_tests, program_versions, summaries,
    };
    let found = match kind {
        "client" => Some(id),
        "hair_test" => hair_tests::table
            .find(id)
            .select(hair_tests::client_id)
            .first(conn)
            .optional()?,
        "flag" => flags::table
            .find(id)
            .select(flags::client_id)
            .first(conn)
            .optional()?,
        "program_version" => program_versions::table
            .find(id)
            .select(program_versions::client_id)
            .first(conn)
            .optional()?,
        "summary" => summaries::table
            .find(id)
            .select(summaries::client_id)
            .first(conn)
            .optional()?,
        "symptom" => client_symptoms::table
            .find(id)
            .select(client_symptoms::client_id)
            .first(conn)
            .optional()?,
        "diary_entry" => diary_entries::table
            .find(id)
            .select(diary_entries::client_id)
            .first(conn)
            .optional()?,
        _ => None,
    };
    Ok(found)
}

/// The practitioner whose records an event concerns: the client's practitioner, else the
/// acting practitioner, else the practitioner of the acting client account.
fn owner_of(
    conn: &mut DbConn,
    client_id: Option<i64>,
    account_id: Option<i64>,
) -> Result<Option<i64>, DbError> {
    if let Some(client_id) = client_id {
        let owner = clients::table
            .find(client_id)
            .select(clients::practitioner_id)
            .first(conn)
            .optional()?;
        if owner.is_some() {
            return Ok(owner);
        }
    }
    let Some(account_id) = account_id else {
        return Ok(None);
    };
    let account: Option<(super::accounts::Role, Option<i64>)> = accounts::table
        .find(account_id)
        .select((accounts::role, accounts::client_id))
        .first(conn)
        .optional()?;
    match account {
        Some((super::accounts::Role::Practitioner, _)) => Ok(Some(account_id)),
        Some((_, Some(client_id))) => Ok(clients::table
            .find(client_id)
            .select(clients::practitioner_id)
            .first(conn)
            .optional()?),
        _ => Ok(None),
    }
}

fn scope_of(conn: &mut DbConn, entry: &AuditEntry) -> Result<Scope, DbError> {
    let client_id = match entry.record_id {
        Some(id) => client_of(conn, entry.record_kind, id)?,
        None => None,
    };
    let client_id = match (client_id, entry.account_id) {
        (Some(id), _) => Some(id),
        // A client account acting on its own record (sign-in, settings).
        (None, Some(account)) => accounts::table
            .find(account)
            .filter(accounts::role.eq(super::accounts::Role::Client))
            .select(accounts::client_id)
            .first::<Option<i64>>(conn)
            .optional()?
            .flatten(),
        (None, None) => None,
    };
    Ok(Scope {
        owner_id: owner_of(conn, client_id, entry.account_id)?,
        client_id,
    })
}

/// Chains and scopes events written before the chain existed (oldest first). Runs at start,
/// after the migrations; does nothing once every event is chained.
pub fn seal_unchained(conn: &mut DbConn) -> Result<usize, DbError> {
    write_tx(conn, |conn| {
        let legacy: Vec<AuditEvent> = audit_events::table
            .filter(audit_events::seq.is_null())
            .order((audit_events::occurred_at.asc(), audit_events::id.asc()))
            .select(AuditEvent::as_select())
            .load(conn)?;
        for mut event in legacy.iter().cloned() {
            let (action, kind) = (event.action.clone(), event.record_kind.clone());
            let entry = AuditEntry {
                account_id: event.account_id,
                action: &action,
                record_kind: &kind,
                record_id: event.record_id,
                remote_addr: None,
                detail: "",
            };
            let scope = scope_of(conn, &entry)?;
            diesel::update(audit_chain_head::table.find(1))
                .set(audit_chain_head::seq.eq(audit_chain_head::seq + 1))
                .execute(conn)?;
            let (seq, previous): (i64, String) = audit_chain_head::table
                .find(1)
                .select((audit_chain_head::seq, audit_chain_head::entry_hash))
                .first(conn)?;
            event.occurred_at = to_micros(event.occurred_at);
            event.seq = Some(seq);
            event.owner_id = scope.owner_id;
            event.client_id = scope.client_id;
            let hash = chain_hash(&previous, &event);
            diesel::update(audit_events::table.find(event.id))
                .set((
                    audit_events::occurred_at.eq(event.occurred_at),
                    audit_events::seq.eq(seq),
                    audit_events::entry_hash.eq(&hash),
                    audit_events::owner_id.eq(scope.owner_id),
                    audit_events::client_id.eq(scope.client_id),
                ))
                .execute(conn)?;
            diesel::update(audit_chain_head::table.find(1))
                .set(audit_chain_head::entry_hash.eq(&hash))
                .execute(conn)?;
        }
        Ok(legacy.len())
    })
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact {
        events: i64,
        head: String,
    },
    Broken {
        seq: i64,
        event_id: Option<i64>,
        problem: String,
    },
}

/// Walks the chain from the first event and names the first broken link.
pub fn verify(conn: &mut DbConn) -> Result<Verification, DbError> {
    const BATCH: i64 = 10_000;
    let mut previous = GENESIS.to_string();
    let mut expected_seq = 1_i64;
    loop {
        let batch: Vec<AuditEvent> = audit_events::table
            .filter(audit_events::seq.ge(expected_seq))
            .order(audit_events::seq.asc())
            .limit(BATCH)
            .select(AuditEvent::as_select())
            .load(conn)?;
        for event in &batch {
            let seq = event.seq.unwrap_or_default();
            if seq != expected_seq {
                return Ok(Verification::Broken {
                    seq: expected_seq,
                    event_id: None,
                    problem: format!(
                        "event {expected_seq} of the chain is missing (the next one is {seq})"
                    ),
                });
            }
            let hash = chain_hash(&previous, event);
            if event.entry_hash.as_deref() != Some(hash.as_str()) {
                return Ok(Verification::Broken {
                    seq,
                    event_id: Some(event.id),
                    problem: "its content or the link before it was changed after it was written"
                        .into(),
                });
            }
            previous = hash;
            expected_seq += 1;
        }
        if (batch.len() as i64) < BATCH {
            break;
        }
    }
    let unchained: i64 = audit_events::table
        .filter(audit_events::seq.is_null())
        .count()
        .get_result(conn)?;
    let (head_seq, head_hash): (i64, String) = audit_chain_head::table
        .find(1)
        .select((audit_chain_head::seq, audit_chain_head::entry_hash))
        .first(conn)?;
    let events = expected_seq - 1;
    if unchained > 0 {
        return Ok(Verification::Broken {
            seq: events + 1,
            event_id: None,
            problem: format!("{unchained} events are outside the chain (inserted afterwards)"),
        });
    }
    if head_seq != events || head_hash != previous {
        return Ok(Verification::Broken {
            seq: head_seq,
            event_id: None,
            problem: format!(
                "the chain ends at event {events} but its head records event {head_seq}: events at the end were removed"
            ),
        });
    }
    Ok(Verification::Intact {
        events,
        head: previous,
    })
}

/// Which events an audit page lists: always one practitioner's, optionally narrowed.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub owner_id: i64,
    pub client_id: Option<i64>,
    pub account_id: Option<i64>,
    pub action: Option<String>,
    /// From this time on (inclusive) and before this time (exclusive).
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    /// Events strictly older than this (time, id): the keyset of the next page, so page 1,000
    /// costs what page 1 does.
    pub before: Option<(NaiveDateTime, i64)>,
}

/// One page of events, newest first, and whether older events follow.
pub fn page(
    conn: &mut DbConn,
    filter: &AuditFilter,
    limit: i64,
) -> Result<(Vec<AuditEvent>, bool), DbError> {
    let mut query = audit_events::table
        .filter(audit_events::owner_id.eq(filter.owner_id))
        .into_boxed();
    if let Some(client_id) = filter.client_id {
        query = query.filter(audit_events::client_id.eq(client_id));
    }
    if let Some(account_id) = filter.account_id {
        query = query.filter(audit_events::account_id.eq(account_id));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::occurred_at.lt(until));
    }
    if let Some((at, id)) = filter.before {
        query = query.filter(
            audit_events::occurred_at
                .lt(at)
                .or(audit_events::occurred_at
                    .eq(at)
                    .and(audit_events::id.lt(id))),
        );
    }
    let mut rows = query
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .limit(limit + 1)
        .select(AuditEvent::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// An id with the name shown for it.
pub type NamedId = (i64, String);

/// The practitioner's clients and the accounts that act on their records, for the filters.
pub fn filter_choices(
    conn: &mut DbConn,
    owner: i64,
) -> Result<(Vec<NamedId>, Vec<NamedId>), DbError> {
    let client_list: Vec<(i64, String)> = clients::table
        .filter(clients::practitioner_id.eq(owner))
        .order((clients::full_name.asc(), clients::id.asc()))
        .select((clients::id, clients::full_name))
        .load(conn)?;
    let mut account_list: Vec<(i64, String)> = accounts::table
        .inner_join(clients::table.on(accounts::client_id.eq(clients::id.nullable())))
        .filter(clients::practitioner_id.eq(owner))
        .order(accounts::display_name.asc())
        .select((accounts::id, accounts::display_name))
        .load(conn)?;
    let own: Vec<(i64, String)> = accounts::table
        .find(owner)
        .select((accounts::id, accounts::display_name))
        .load(conn)?;
    account_list.splice(0..0, own);
    Ok((client_list, account_list))
}

/// Who opened a client's record lately (views by anyone), newest first.
/// One view of a client's record as the client's pages list it: when, by whom (the account's
/// name, None for an unknown or removed account), what and from where.
#[derive(Debug, Clone, Queryable)]
pub struct RecentView {
    pub occurred_at: NaiveDateTime,
    pub viewer_name: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub remote_addr: Option<String>,
}

/// The latest views of a client's record, newest first, with their viewers' names: one
/// statement (issue 15: the client page reads it on every view, next to its kept part; a
/// second lookup of the names by a list of ids was a new statement each time). The name is a
/// scalar subquery per row, not a join: with a join PostgreSQL planned a hash join that read
/// every view of the client before the limit (its statistics of a table that grows by a row per
/// view lag behind: 190 views per second instead of 2,600 once it held 20,000 views); this way
/// the limit stops the backward scan of `audit_events_client` on both engines, as before.
pub fn recent_views_of_client(
    conn: &mut DbConn,
    client_id: i64,
    limit: i64,
) -> Result<Vec<RecentView>, DbError> {
    // On the engine's own connection, as each client page reads it (`on_engine`).
    Ok(on_engine!(conn, |c| audit_events::table
        .filter(audit_events::client_id.eq(client_id))
        .filter(audit_events::action.eq(VIEW))
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .limit(limit)
        .select((
            audit_events::occurred_at,
            ViewerName,
            audit_events::action,
            audit_events::record_kind,
            audit_events::remote_addr,
        ))
        .load(c))?)
}

/// The name of the account of an `audit_events` row, as a scalar subquery (None for an event
/// without an account or of an account gone). Its SQL is one constant string, so each engine's
/// prepared statement is kept and reused (diesel's `sql` literal is prepared anew every time).
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
struct ViewerName;

impl diesel::expression::Expression for ViewerName {
    type SqlType = diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

impl diesel::expression::AppearsOnTable<audit_events::table> for ViewerName {}

impl diesel::expression::SelectableExpression<audit_events::table> for ViewerName {}

impl diesel::expression::ValidGrouping<()> for ViewerName {
    type IsAggregate = diesel::expression::is_aggregate::No;
}

impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for ViewerName {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        out.push_sql(
            "(SELECT accounts.display_name FROM accounts \
             WHERE accounts.id = audit_events.account_id)",
        );
        Ok(())
    }
}

/// The action of a read: someone opened a page or a file of a client's record.
pub const VIEW: &str = "view";

/// One account's own events, newest first, with their total.
pub fn page_for_account(
    conn: &mut DbConn,
    account_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditEvent>, i64), DbError> {
    let rows = audit_events::table
        .filter(audit_events::account_id.eq(account_id))
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?;
    let total = audit_events::table
        .filter(audit_events::account_id.eq(account_id))
        .count()
        .get_result(conn)?;
    Ok((rows, total))
}
