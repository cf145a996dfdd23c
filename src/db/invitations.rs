//! Invitation rows: one-time links that let a client set up (or reset) their portal account.
//! The state machine lives in `InvitationRow::state`; the orchestration (audit, accounts,
//! sessions) in `auth::invite`.

use crate::db::{AccountId, ClientId};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::invitations;
use super::{DbConn, DbError};

/// How long a link stays usable.
pub const LIFETIME: Duration = Duration::days(7);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: i64,
    pub client_id: ClientId,
    pub created_by: AccountId,
    /// SHA-256 of the token in the link: a copy of the database hands out no usable link.
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    Open,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationRow {
    /// Used beats revoked beats expired: the page tells the most useful reason.
    pub fn state(&self, at: NaiveDateTime) -> InvitationState {
        if self.accepted_at.is_some() {
            InvitationState::Accepted
        } else if self.revoked_at.is_some() {
            InvitationState::Revoked
        } else if self.expires_at <= at {
            InvitationState::Expired
        } else {
            InvitationState::Open
        }
    }
}

pub fn insert(conn: &mut DbConn, row: &InvitationRow) -> Result<(), DbError> {
    diesel::insert_into(invitations::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_hash(conn: &mut DbConn, token_hash: &str) -> Result<Option<InvitationRow>, DbError> {
    Ok(invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?)
}

/// The client's most recent invitation, whatever its state.
pub fn latest_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<Option<InvitationRow>, DbError> {
    Ok(invitations::table
        .filter(invitations::client_id.eq(client_id))
        .order((invitations::created_at.desc(), invitations::id.desc()))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes every still-usable invitation of the client; returns their ids.
pub fn revoke_open(
    conn: &mut DbConn,
    client_id: ClientId,
    at: NaiveDateTime,
) -> Result<Vec<i64>, DbError> {
    let open = invitations::table
        .filter(invitations::client_id.eq(client_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(at));
    let ids: Vec<i64> = open.select(invitations::id).load(conn)?;
    diesel::update(open)
        .set(invitations::revoked_at.eq(at))
        .execute(conn)?;
    Ok(ids)
}

/// Marks the invitation used, only if it is still open at `at`. The condition is part of the
/// UPDATE, so of two instances racing on one link exactly one sees 1 row changed.
pub fn mark_accepted(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<bool, DbError> {
    let changed = diesel::update(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .filter(invitations::expires_at.gt(at)),
    )
    .set(invitations::accepted_at.eq(at))
    .execute(conn)?;
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_the_most_useful_reason() {
        let t0 = super::super::now();
        let mut row = InvitationRow {
            id: 1,
            client_id: ClientId(2),
            created_by: AccountId(3),
            token_hash: String::new(),
            created_at: t0,
            expires_at: t0 + LIFETIME,
            accepted_at: None,
            revoked_at: None,
        };
        assert_eq!(row.state(t0), InvitationState::Open);
        assert_eq!(row.state(t0 + LIFETIME), InvitationState::Expired);
        row.revoked_at = Some(t0);
        assert_eq!(row.state(t0), InvitationState::Revoked);
        row.accepted_at = Some(t0);
        assert_eq!(row.state(t0 + LIFETIME), InvitationState::Accepted);
    }
}
