//! Typed ids: each table's key is its own type, so a client's id cannot be passed where a
//! summary's is expected. They are stored as the same BIGINT (SQLite INTEGER) as before, read and
//! written through the number on each engine and the connection over both (as
//! `column_types.rs` does for words).
//!
//! A raw number becomes an id only at an edge: a URL segment (the scoped extractors), a form
//! field, a row read back, or `fresh()` for a record about to be inserted.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;

/// Declares an id type over `i64`: copy, ordered, hashable, shown as its number, and a BIGINT
/// for diesel on both engines.
macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, AsExpression, FromSqlRow,
        )]
        #[diesel(sql_type = BigInt)]
        pub struct $name(pub i64);

        impl $name {
            /// A fresh random id for a record about to be inserted (see `db::new_id`).
            pub fn fresh() -> Self {
                $name(super::new_id())
            }

            /// The stored number (for the audit trail's `record_id`, which names any kind).
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Its number, as typed in a form or a query (whether such a record exists, and is the
        /// asker's, is the lookup's question).
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map($name)
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                $name(raw)
            }
        }

        impl<DB: Backend> FromSql<BigInt, DB> for $name
        where
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }

        impl<DB: Backend> ToSql<BigInt, DB> for $name
        where
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }
    )+};
}

id_type! {
    /// `accounts.id`: a practitioner's or a client's account (sessions, settings, invitations,
    /// the records a practitioner owns or made name it).
    AccountId;
    /// `clients.id`: a practitioner's client (every record under a client names it).
    ClientId;
    /// `hair_tests.id`: one hair test of a client (its levels, flags and lab report name it).
    HairTestId;
    /// `summaries.id`: a progress summary kept as a document.
    SummaryId;
    /// `pending_imports.id`: an uploaded lab CSV awaiting review before its tests are saved
    /// (under one client, or practice-wide).
    PendingImportId;
    /// `program_versions.id`: one dated version of a client's nutritional program (its
    /// supplements name it).
    ProgramVersionId;
    /// `reference_sets.id`: one of a practitioner's own reference sets (the practitioner's
    /// settings name the one in use).
    ReferenceSetId;
    /// `flags.id`: one flag raised for a client (a change between two tests, or low adherence
    /// from the diary), acknowledged by its id.
    FlagId;
}
