//! Stored flags. Flags are derived data (HTMA.md, "Comparing consecutive tests"): after any
//! insert, edit, delete or re-analysis of a client's tests, `service::flags` derives them from
//! the client's analysed history and `store` makes the stored flags equal, keeping the
//! acknowledgements of flags that are derived again.

use crate::db::{AccountId, ClientId, FlagId};
use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::flags;
use super::{now, DbConn, DbError, HairTestId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = flags)]
pub struct FlagRow {
    pub id: FlagId,
    pub client_id: ClientId,
    pub flag_key: String,
    pub kind: String,
    pub rule: String,
    pub summary: String,
    pub from_test_id: Option<HairTestId>,
    pub to_test_id: Option<HairTestId>,
    pub raised_at: NaiveDateTime,
    pub active: bool,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<AccountId>,
    pub ack_note: String,
}

/// A flag as the engine derives it, before it is stored (`service::flags` derives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedFlag {
    pub key: String,
    pub kind: String,
    pub rule: String,
    pub summary: String,
    pub from: HairTestId,
    pub to: HairTestId,
}

/// Makes the client's stored flags equal to `derived` (keyed by flag key): a flag derived
/// again stays (with its acknowledgement), one no longer derived becomes inactive, a new one
/// is inserted. Runs inside the caller's write transaction.
pub fn store(
    conn: &mut DbConn,
    client_id: ClientId,
    derived: BTreeMap<String, DerivedFlag>,
) -> Result<(), DbError> {
    // The diary's low-adherence flags are derived from the diary, not the tests: their own
    // `store_low_adherence` keeps them.
    let existing: Vec<FlagRow> = flags::table
        .filter(flags::client_id.eq(client_id))
        .filter(flags::kind.ne(LOW_ADHERENCE_KIND))
        .select(FlagRow::as_select())
        .load(conn)?;
    let derived = derived
        .into_iter()
        .map(|(key, flag)| {
            let stored = ToStore {
                key: flag.key,
                kind: flag.kind,
                rule: flag.rule,
                summary: flag.summary,
                tests: Some((flag.from, flag.to)),
            };
            (key, stored)
        })
        .collect();
    make_equal(
        conn,
        client_id,
        existing,
        derived,
        Again::KeepAcknowledgement,
    )
}

/// The kind of the diary's low-adherence flags (ADH-2, `service::adherence`).
pub const LOW_ADHERENCE_KIND: &str = "low_adherence";

/// A low-adherence flag as derived: its key (`low_adherence:<supplement key>`), rule and
/// summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedAdherenceFlag {
    pub key: String,
    pub rule: String,
    pub summary: String,
}

/// `store` for the client's low-adherence flags alone (no tests behind them): one flag per
/// supplement. While the rule keeps holding the flag stays, with its acknowledgement and its
/// summary brought up to date; when it stops the flag becomes inactive; when it holds again
/// that is a new run, raised again unacknowledged. Inside the caller's transaction.
pub fn store_low_adherence(
    conn: &mut DbConn,
    client_id: ClientId,
    derived: BTreeMap<String, DerivedAdherenceFlag>,
) -> Result<(), DbError> {
    let existing: Vec<FlagRow> = flags::table
        .filter(flags::client_id.eq(client_id))
        .filter(flags::kind.eq(LOW_ADHERENCE_KIND))
        .select(FlagRow::as_select())
        .load(conn)?;
    let derived = derived
        .into_iter()
        .map(|(key, flag)| {
            let stored = ToStore {
                key: flag.key,
                kind: LOW_ADHERENCE_KIND.to_string(),
                rule: flag.rule,
                summary: flag.summary,
                tests: None,
            };
            (key, stored)
        })
        .collect();
    make_equal(conn, client_id, existing, derived, Again::RaiseAfresh)
}

/// A derived flag of either kind, as it is stored.
struct ToStore {
    key: String,
    kind: String,
    rule: String,
    summary: String,
    /// The pair of tests it compares; none for the diary's flags.
    tests: Option<(HairTestId, HairTestId)>,
}

/// What becomes of an inactive flag that is derived again.
#[derive(Clone, Copy)]
enum Again {
    /// A test flag: the same finding between the same tests, active again with its
    /// acknowledgement.
    KeepAcknowledgement,
    /// A diary flag: a new run of its rule, raised afresh and unacknowledged (the earlier
    /// acknowledgement stays in the audit trail).
    RaiseAfresh,
}

/// The one loop of `store` and `store_low_adherence`: `existing` (the stored flags of the
/// kinds `derived` covers) made equal to `derived`, keyed by flag key.
fn make_equal(
    conn: &mut DbConn,
    client_id: ClientId,
    existing: Vec<FlagRow>,
    mut derived: BTreeMap<String, ToStore>,
    again: Again,
) -> Result<(), DbError> {
    let at = now();
    for row in existing {
        match derived.remove(&row.flag_key) {
            Some(flag) if !row.active => match again {
                Again::KeepAcknowledgement => {
                    diesel::update(flags::table.find(row.id))
                        .set((flags::active.eq(true), flags::summary.eq(&flag.summary)))
                        .execute(conn)?;
                }
                Again::RaiseAfresh => {
                    diesel::update(flags::table.find(row.id))
                        .set((
                            flags::active.eq(true),
                            flags::summary.eq(&flag.summary),
                            flags::raised_at.eq(at),
                            flags::acknowledged_at.eq(None::<NaiveDateTime>),
                            flags::acknowledged_by.eq(None::<AccountId>),
                            flags::ack_note.eq(""),
                        ))
                        .execute(conn)?;
                }
            },
            Some(flag) if row.summary != flag.summary => {
                diesel::update(flags::table.find(row.id))
                    .set(flags::summary.eq(&flag.summary))
                    .execute(conn)?;
            }
            Some(_) => {}
            None if row.active => {
                diesel::update(flags::table.find(row.id))
                    .set(flags::active.eq(false))
                    .execute(conn)?;
            }
            None => {}
        }
    }
    for flag in derived.into_values() {
        diesel::insert_into(flags::table)
            .values((
                flags::id.eq(FlagId::fresh()),
                flags::client_id.eq(client_id),
                flags::flag_key.eq(&flag.key),
                flags::kind.eq(&flag.kind),
                flags::rule.eq(&flag.rule),
                flags::summary.eq(&flag.summary),
                flags::from_test_id.eq(flag.tests.map(|(from, _)| from)),
                flags::to_test_id.eq(flag.tests.map(|(_, to)| to)),
                flags::raised_at.eq(at),
                flags::active.eq(true),
                flags::ack_note.eq(""),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn active_for_client(conn: &mut DbConn, client_id: ClientId) -> Result<Vec<FlagRow>, DbError> {
    Ok(flags::table
        .filter(flags::client_id.eq(client_id))
        .filter(flags::active.eq(true))
        .order((flags::raised_at.desc(), flags::id.desc()))
        .select(FlagRow::as_select())
        .load(conn)?)
}

/// The client's flag with this id, in any state (the acknowledge route finds it first).
pub fn find_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
    flag_id: FlagId,
) -> Result<Option<FlagRow>, DbError> {
    Ok(flags::table
        .filter(flags::id.eq(flag_id))
        .filter(flags::client_id.eq(client_id))
        .select(FlagRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn acknowledge(
    conn: &mut DbConn,
    client_id: ClientId,
    flag_id: FlagId,
    account_id: AccountId,
    note: &str,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        flags::table
            .filter(flags::id.eq(flag_id))
            .filter(flags::client_id.eq(client_id)),
    )
    .set((
        flags::acknowledged_at.eq(Some(now())),
        flags::acknowledged_by.eq(Some(account_id)),
        flags::ack_note.eq(note),
    ))
    .execute(conn)?)
}
