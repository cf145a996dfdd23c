use crate::db::{AccountId, ClientId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::accounts;
use super::{DbConn, DbError};

pub use super::column_types::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: AccountId,
    pub role: Role,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub client_id: Option<ClientId>,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub id: AccountId,
    pub role: Role,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub client_id: Option<ClientId>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, account: &NewAccount) -> Result<(), DbError> {
    diesel::insert_into(accounts::table)
        .values(account)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> Result<Option<Account>, DbError> {
    Ok(accounts::table
        .filter(accounts::email.eq(email))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut DbConn, id: AccountId) -> Result<Option<Account>, DbError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

pub fn count_practitioners(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(accounts::table
        .filter(accounts::role.eq(Role::Practitioner))
        .count()
        .get_result(conn)?)
}

pub fn update_password_hash(conn: &mut DbConn, id: AccountId, hash: &str) -> Result<(), DbError> {
    diesel::update(accounts::table.find(id))
        .set(accounts::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Display names of the given accounts, for lists that show who did what.
pub fn display_names(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::display_name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Another account signing in with `email` (compared as stored: lower-cased), if any.
pub fn email_taken_by_other(
    conn: &mut DbConn,
    email: &str,
    id: AccountId,
) -> Result<bool, DbError> {
    Ok(accounts::table
        .filter(accounts::email.eq(email))
        .filter(accounts::id.ne(id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

pub fn update_email(conn: &mut DbConn, id: AccountId, email: &str) -> Result<(), DbError> {
    diesel::update(accounts::table.find(id))
        .set(accounts::email.eq(email))
        .execute(conn)?;
    Ok(())
}
