//! The audit chain head's two updates of every view batch (`audit::link_and_insert`), as
//! statements diesel keeps prepared. Diesel marks every `UPDATE` it builds as not to be cached
//! (its SET list may differ from run to run), so both were parsed and planned anew on each view:
//! ~47 K instructions of a kept client page view on SQLite (issue 15, callgrind). Each is one
//! constant SQL text with its binds, known by its type (`QueryId`), like `audit::ViewerName`.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryResult, RunQueryDsl};

/// Moves the head `count` links on and returns where the chain now ends (seq, entry_hash).
/// Taking the head row is the transaction's first write (SQLite's write lock, PostgreSQL's row
/// lock), and it reads in the same statement.
#[derive(Debug, Clone, Copy, QueryId)]
pub(super) struct TakeHead {
    pub count: i64,
}

impl Query for TakeHead {
    type SqlType = (BigInt, Text);
}

impl<DB: Backend> QueryFragment<DB> for TakeHead
where
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE audit_chain_head SET seq = seq + ");
        out.push_bind_param::<BigInt, _>(&self.count)?;
        out.push_sql(" WHERE id = 1 RETURNING seq, entry_hash");
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for TakeHead {}

/// Sets the head's hash to the last link written.
#[derive(Debug, Clone, Copy)]
pub(super) struct SetHeadHash<'a> {
    pub hash: &'a str,
}

impl QueryId for SetHeadHash<'_> {
    type QueryId = SetHeadHash<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB: Backend> QueryFragment<DB> for SetHeadHash<'_>
where
    str: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE audit_chain_head SET entry_hash = ");
        out.push_bind_param::<Text, _>(self.hash)?;
        out.push_sql(" WHERE id = 1");
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for SetHeadHash<'_> {}
