//! Queries on the portal accounts of clients (role `client`, linked by `accounts.client_id`).

use crate::db::{AccountId, ClientId};
use diesel::prelude::*;

use super::accounts::{Account, Role};
use super::schema::accounts;
use super::{DbConn, DbError};

pub fn find_for_client(conn: &mut DbConn, client_id: ClientId) -> Result<Option<Account>, DbError> {
    Ok(accounts::table
        .filter(accounts::client_id.eq(client_id))
        .filter(accounts::role.eq(Role::Client))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// Whether an account other than `except` already signs in with this (normalized) email.
pub fn email_taken(
    conn: &mut DbConn,
    email: &str,
    except: Option<AccountId>,
) -> Result<bool, DbError> {
    let mut query = accounts::table
        .filter(accounts::email.eq(email))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(accounts::id.ne(id));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

/// New sign-in email and password for an existing client account ("reset access").
pub fn update_credentials(
    conn: &mut DbConn,
    id: AccountId,
    email: &str,
    password_hash: &str,
) -> Result<(), DbError> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::email.eq(email),
            accounts::password_hash.eq(password_hash),
        ))
        .execute(conn)?;
    Ok(())
}
