use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::{new_id, now, DbConn, DbError};

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

pub fn record(conn: &mut DbConn, entry: &AuditEntry) -> Result<(), DbError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(new_id()),
            audit_events::occurred_at.eq(now()),
            audit_events::account_id.eq(entry.account_id),
            audit_events::action.eq(entry.action),
            audit_events::record_kind.eq(entry.record_kind),
            audit_events::record_id.eq(entry.record_id),
            audit_events::remote_addr.eq(entry.remote_addr),
            audit_events::detail.eq(entry.detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// The practitioner's own events and those of their clients' portal accounts.
pub fn page_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditEvent>, i64), DbError> {
    use super::schema::{accounts, clients};
    let client_accounts = accounts::table
        .inner_join(clients::table.on(accounts::client_id.eq(clients::id.nullable())))
        .filter(clients::practitioner_id.eq(practitioner_id))
        .select(accounts::id);
    let rows = audit_events::table
        .filter(
            audit_events::account_id
                .eq(practitioner_id)
                .or(audit_events::account_id
                    .nullable()
                    .eq_any(client_accounts.nullable())),
        )
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?;
    let total = audit_events::table
        .filter(
            audit_events::account_id
                .eq(practitioner_id)
                .or(audit_events::account_id
                    .nullable()
                    .eq_any(client_accounts.nullable())),
        )
        .count()
        .get_result(conn)?;
    Ok((rows, total))
}

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
