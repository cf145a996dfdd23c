//! PostgreSQL only: the foreign keys of the tables the generated data set fills by the hundred
//! thousand, set aside while it is copied in and put back (checked in one pass each) before the
//! same transaction commits.
//!
//! A foreign key checks every copied row on its own (a trigger per row, a lookup of the parent
//! key each): with them, the `COPY` of 1.2 million symptom rows took 8.1 s; without them 2.5 s,
//! and adding the constraint afterwards, which checks the whole table with one join, 0.5 s
//! (issue 15, measured on the seeded tables). Nothing else sees the tables without their keys:
//! dropping and adding happen in the seeding transaction, which holds the tables' locks until it
//! commits, and rolls back whole if a row breaks a key.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::{DbConn, DbError};

/// The child tables whose foreign keys are set aside: the diary and the levels, most of the rows.
const BULK_TABLES: &str = "{hair_test_levels,diary_entries,diary_symptoms}";

/// The foreign keys as the catalog has them (the migrations' names and definitions), to be
/// added back exactly so.
#[must_use = "the foreign keys must be put back before the transaction commits"]
pub(super) struct SetAside {
    add_back: Vec<String>,
}

#[derive(QueryableByName)]
struct Statements {
    #[diesel(sql_type = Text)]
    drop_it: String,
    #[diesel(sql_type = Text)]
    add_it: String,
}

/// Drops the foreign keys of the bulk tables and returns how to add them back. Call inside the
/// transaction that copies the rows and calls `put_back`. On SQLite nothing is set aside: its
/// checks are a lookup in the parent's key, cheap enough, and its keys cannot be dropped.
pub(super) fn set_aside(conn: &mut DbConn) -> Result<SetAside, DbError> {
    match conn {
        DbConn::Postgres(c) => set_aside_pg(c),
        DbConn::Sqlite(_) => Ok(SetAside {
            add_back: Vec::new(),
        }),
    }
}

fn set_aside_pg(conn: &mut PgConnection) -> Result<SetAside, DbError> {
    let statements: Vec<Statements> = diesel::sql_query(
        "SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', t.relname, c.conname) AS drop_it, \
                format('ALTER TABLE %I ADD CONSTRAINT %I %s', t.relname, c.conname, \
                       pg_get_constraintdef(c.oid)) AS add_it \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
         WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[]) \
         ORDER BY t.relname, c.conname",
    )
    .bind::<Text, _>(BULK_TABLES)
    .load(conn)?;
    for statement in &statements {
        conn.batch_execute(&statement.drop_it)?;
    }
    Ok(SetAside {
        add_back: statements.into_iter().map(|s| s.add_it).collect(),
    })
}

/// Adds the foreign keys back; each checks every row of its table (an error if one breaks it,
/// which rolls the seeding back).
pub(super) fn put_back(conn: &mut DbConn, set_aside: SetAside) -> Result<(), DbError> {
    for statement in &set_aside.add_back {
        conn.batch_execute(statement)?;
    }
    Ok(())
}
