//! Stored progress summaries: who made which summary of which period, and whether the client
//! may download it from the portal.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::audit::{record, AuditEntry};
use super::schema::summaries;
use super::{new_id, now, write_tx, DbConn, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = summaries)]
pub struct SummaryRow {
    pub id: i64,
    pub client_id: i64,
    pub created_by: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub shared_at: Option<NaiveDateTime>,
}

pub fn create(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    period: (NaiveDate, NaiveDate),
    comment: &str,
    remote_addr: &str,
) -> Result<i64, DbError> {
    write_tx(conn, |conn| {
        let id = new_id();
        diesel::insert_into(summaries::table)
            .values((
                summaries::id.eq(id),
                summaries::client_id.eq(client_id),
                summaries::created_by.eq(practitioner_id),
                summaries::period_start.eq(period.0),
                summaries::period_end.eq(period.1),
                summaries::comment.eq(comment),
                summaries::created_at.eq(now()),
            ))
            .execute(conn)?;
        record(
            conn,
            &AuditEntry {
                account_id: Some(practitioner_id),
                action: "create",
                record_kind: "summary",
                record_id: Some(id),
                remote_addr: Some(remote_addr),
                detail: "",
            },
        )?;
        Ok(id)
    })
}

pub fn find_for_client(
    conn: &mut DbConn,
    client_id: i64,
    id: i64,
) -> Result<Option<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::id.eq(id))
        .filter(summaries::client_id.eq(client_id))
        .select(SummaryRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_for_client(conn: &mut DbConn, client_id: i64) -> Result<Vec<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .order(summaries::created_at.desc())
        .select(SummaryRow::as_select())
        .load(conn)?)
}

pub fn list_shared(conn: &mut DbConn, client_id: i64) -> Result<Vec<SummaryRow>, DbError> {
    Ok(summaries::table
        .filter(summaries::client_id.eq(client_id))
        .filter(summaries::shared_at.is_not_null())
        .order(summaries::created_at.desc())
        .select(SummaryRow::as_select())
        .load(conn)?)
}

pub fn set_shared(
    conn: &mut DbConn,
    practitioner_id: i64,
    client_id: i64,
    id: i64,
    shared: bool,
    remote_addr: &str,
) -> Result<usize, DbError> {
    write_tx(conn, |conn| {
        let updated = diesel::update(
            summaries::table
                .filter(summaries::id.eq(id))
                .filter(summaries::client_id.eq(client_id)),
        )
        .set(summaries::shared_at.eq(shared.then(now)))
        .execute(conn)?;
        if updated > 0 {
            record(
                conn,
                &AuditEntry {
                    account_id: Some(practitioner_id),
                    action: if shared { "share" } else { "unshare" },
                    record_kind: "summary",
                    record_id: Some(id),
                    remote_addr: Some(remote_addr),
                    detail: "",
                },
            )?;
        }
        Ok(updated)
    })
}
