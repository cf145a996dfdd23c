//! Typed columns: values that are enums in Rust and words in the database (the same on both
//! engines). This module is the only place that knows the stored words, so no code elsewhere
//! compares a role or a sex as text.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

use crate::domain::sex::Sex;

/// Who an account is (`accounts.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum Role {
    /// Keeps clients' records; every practitioner URL.
    Practitioner,
    /// A client in the portal, with its own client record only.
    Client,
}

impl Role {
    fn stored(self) -> &'static str {
        match self {
            Role::Practitioner => "practitioner",
            Role::Client => "client",
        }
    }

    fn from_stored(word: &str) -> Option<Role> {
        match word {
            "practitioner" => Some(Role::Practitioner),
            "client" => Some(Role::Client),
            _ => None,
        }
    }
}

// Generic over the backend: each engine and the connection over both (`MultiBackend`, whose
// binds need the value's `ToSql` on every engine it wraps) read and write the word as text.

impl<DB: Backend> FromSql<Text, DB> for Role
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let word = String::from_sql(bytes)?;
        Role::from_stored(&word).ok_or_else(|| format!("unknown account role {word:?}").into())
    }
}

impl<DB: Backend> ToSql<Text, DB> for Role
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.stored().to_sql(out)
    }
}

/// `clients.sex`: `F`, `M`, or NULL when unrecorded, read into the domain's `Sex` (the type is
/// the domain's, so the derives are on this stand-in).
#[derive(AsExpression, FromSqlRow)]
#[diesel(foreign_derive)]
#[diesel(sql_type = Nullable<Text>)]
#[allow(dead_code)]
struct StoredSex(Sex);

impl<DB: Backend> FromSql<Nullable<Text>, DB> for Sex
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let word = String::from_sql(bytes)?;
        match Sex::parse(&word) {
            Ok(sex) if sex.code() == Some(word.as_str()) => Ok(sex),
            _ => Err(format!("unknown stored sex {word:?}").into()),
        }
    }

    fn from_nullable_sql(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        match bytes {
            Some(bytes) => Self::from_sql(bytes),
            None => Ok(Sex::Unrecorded),
        }
    }
}

impl<DB: Backend> ToSql<Nullable<Text>, DB> for Sex
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        match self.code() {
            Some(code) => code.to_sql(out),
            None => Ok(IsNull::Yes),
        }
    }
}
