//! Invitations to the client portal: a practitioner creates a one-time link (only its SHA-256
//! is stored), the client opens it, chooses a sign-in email and password and is signed in. The
//! same link on a client who already has an account is "reset access": accepting replaces the
//! password and ends every session of that account. All state is in the database, so any app
//! instance can serve any step, and each step is one transaction with its audit events.

use super::{login::normalize_email, session, tokens};
use crate::db::accounts::{self, Account, NewAccount, Role};
use crate::db::clients::ClientRow;
use crate::db::invitations::{self, InvitationRow, InvitationState, LIFETIME};
use crate::db::{client_accounts, client_portal, new_id, now, sessions, DbConn, DbError};
use crate::db::{AccountId, ClientId};
use crate::service::commands::{audited, Actor, Author, Event};

fn event<'a>(action: &'a str, record_kind: &'a str, record_id: i64, detail: &'a str) -> Event<'a> {
    Event {
        action,
        record_kind,
        record_id: Some(record_id),
        detail,
    }
}

/// A new link. The token is returned once, to be shown to the practitioner; it is not stored.
pub struct CreatedInvitation {
    pub token: String,
    pub row: InvitationRow,
    /// The client already has an account: accepting will reset its password.
    pub reset: bool,
}

/// Creates a link for the client, revoking any earlier link still open (only the newest link
/// works, so a practitioner who sends a second one need not remember to withdraw the first).
pub fn create(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    client_id: ClientId,
    remote_addr: &str,
) -> Result<CreatedInvitation, DbError> {
    let actor = Actor {
        account_id: practitioner_id,
        remote_addr,
    };
    audited(conn, actor, |conn, trail| {
        let at = now();
        for id in invitations::revoke_open(conn, client_id, at)? {
            trail.record(event(
                "revoke",
                "invitation",
                id,
                "replaced by a new invitation",
            ));
        }
        let token = tokens::new_token();
        let row = InvitationRow {
            id: new_id(),
            client_id,
            created_by: practitioner_id,
            token_hash: tokens::sha256_hex(&token),
            created_at: at,
            expires_at: at + LIFETIME,
            accepted_at: None,
            revoked_at: None,
        };
        invitations::insert(conn, &row)?;
        let reset = client_accounts::find_for_client(conn, client_id)?.is_some();
        let detail = if reset {
            "reset-access link for a client"
        } else {
            "portal invitation for a client"
        };
        trail.record(event("create", "invitation", row.id, detail));
        Ok(CreatedInvitation { token, row, reset })
    })
}

/// Revokes the client's open link(s); returns how many there were.
pub fn revoke(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    client_id: ClientId,
    remote_addr: &str,
) -> Result<usize, DbError> {
    let actor = Actor {
        account_id: practitioner_id,
        remote_addr,
    };
    audited(conn, actor, |conn, trail| {
        let ids = invitations::revoke_open(conn, client_id, now())?;
        for id in &ids {
            trail.record(event("revoke", "invitation", *id, ""));
        }
        Ok(ids.len())
    })
}

/// What the invitation page needs to know about a link.
pub struct InvitationView {
    pub row: InvitationRow,
    pub state: InvitationState,
    pub client: ClientRow,
    /// The client's existing account (the link then resets its access).
    pub account: Option<Account>,
}

/// Tokens are 64 hex digits; anything else cannot be a link of ours and is not looked up.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn lookup(conn: &mut DbConn, token: &str) -> Result<Option<InvitationView>, DbError> {
    if !is_well_formed(token) {
        return Ok(None);
    }
    let Some(row) = invitations::find_by_hash(conn, &tokens::sha256_hex(token))? else {
        return Ok(None);
    };
    let Some((client, _)) = client_portal::find_with_settings(conn, row.client_id)? else {
        return Ok(None);
    };
    let account = client_accounts::find_for_client(conn, client.id)?;
    Ok(Some(InvitationView {
        state: row.state(now()),
        row,
        client,
        account,
    }))
}

/// The client's answer to the link, already validated (email format, password policy) and the
/// password already hashed (slow work stays outside the write transaction).
pub struct Acceptance<'a> {
    pub token: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub remote_addr: &'a str,
    /// The session of whoever was signed in in this browser: it ends, since the browser now
    /// belongs to the client.
    pub replaced_session: Option<&'a str>,
}

#[derive(Debug)]
pub enum AcceptOutcome {
    SignedIn {
        session_token: String,
        account_id: AccountId,
        reset: bool,
    },
    Gone(InvitationState),
    Missing,
    EmailTaken,
}

pub fn accept(conn: &mut DbConn, answer: &Acceptance) -> Result<AcceptOutcome, DbError> {
    let email = normalize_email(answer.email);
    // Every event is the client's account's: the one the link resets or creates.
    audited(
        conn,
        Author::request(None, answer.remote_addr),
        |conn, trail| {
            let at = now();
            let Some(view) = lookup(conn, answer.token)? else {
                return Ok(AcceptOutcome::Missing);
            };
            if view.state != InvitationState::Open {
                return Ok(AcceptOutcome::Gone(view.state));
            }
            let existing = view.account.as_ref().map(|a| a.id);
            if client_accounts::email_taken(conn, &email, existing)? {
                return Ok(AcceptOutcome::EmailTaken);
            }
            // Conditional on the link still being open: of two racing acceptances, one wins.
            if !invitations::mark_accepted(conn, view.row.id, at)? {
                return Ok(AcceptOutcome::Gone(InvitationState::Accepted));
            }
            let account_id = match existing {
                Some(id) => {
                    client_accounts::update_credentials(conn, id, &email, answer.password_hash)?;
                    sessions::delete_for_account(conn, id)?;
                    trail.record_by(
                        Some(id),
                        event(
                            "reset_access",
                            "account",
                            id.get(),
                            "password replaced and every session ended by a reset-access link",
                        ),
                    );
                    id
                }
                None => {
                    let id = AccountId::fresh();
                    accounts::insert(
                        conn,
                        &NewAccount {
                            id,
                            role: Role::Client,
                            email: &email,
                            display_name: view.client.full_name.trim(),
                            password_hash: answer.password_hash,
                            client_id: Some(view.client.id),
                            created_at: at,
                        },
                    )?;
                    trail.record_by(
                        Some(id),
                        event(
                            "create",
                            "account",
                            id.get(),
                            "client account created from an invitation",
                        ),
                    );
                    id
                }
            };
            trail.record_by(
                Some(account_id),
                event("accept", "invitation", view.row.id, ""),
            );
            if let Some(hash) = answer.replaced_session {
                sessions::delete(conn, hash)?;
            }
            let session_token = session::create(conn, account_id)?;
            trail.record_by(
                Some(account_id),
                event("sign_in", "account", account_id.get(), ""),
            );
            Ok(AcceptOutcome::SignedIn {
                session_token,
                account_id,
                reset: existing.is_some(),
            })
        },
    )
}
