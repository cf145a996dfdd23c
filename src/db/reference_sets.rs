//! A practitioner's reference sets and which one their clients are analysed with (HTMA.md,
//! "Reference sets (data, not code)"). The embedded defaults (`eck-wilson@2`, and `@1` chosen
//! again) are never stored:
//! no choice, or a choice of nothing, means the default.

use crate::db::{AccountId, ClientId, ReferenceSetId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::reference::ReferenceSet;

use super::mapping::reference_set;
use super::schema::{clients, practitioner_settings, reference_sets};
use super::{DbConn, DbError};

/// One stored set. `set.name` and `set.version` come from the columns, so the label shown in
/// lists is the label every analysis with it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSet {
    pub id: ReferenceSetId,
    pub set: ReferenceSet,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reference_sets)]
struct SetRow {
    id: ReferenceSetId,
    #[allow(dead_code)] // read for completeness of the row; queries already filter on it
    practitioner_id: AccountId,
    name: String,
    version: i64,
    definition: String,
    created_at: NaiveDateTime,
}

impl SetRow {
    /// Only the app writes definitions; one that no longer parses (a hand edit, a field removed
    /// by a later version) is treated as absent, so nothing is ever analysed with guessed values.
    fn parse(self) -> Option<StoredSet> {
        let mut set: ReferenceSet = match serde_json::from_str(&self.definition) {
            Ok(set) => set,
            Err(e) => {
                tracing::error!(set_id = %self.id, error = %e, "stored reference set does not parse");
                return None;
            }
        };
        set.name = self.name;
        set.version = u32::try_from(self.version).ok()?;
        Some(StoredSet {
            id: self.id,
            set,
            created_at: self.created_at,
        })
    }
}

fn definition_of(set: &ReferenceSet) -> Result<String, DbError> {
    // Serialising plain numbers and maps cannot fail; the error is mapped anyway rather than
    // unwrapped.
    serde_json::to_string(set)
        .map_err(|e| DbError::Query(diesel::result::Error::SerializationError(Box::new(e))))
}

/// The practitioner's sets, by name.
pub fn list_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Vec<StoredSet>, DbError> {
    let rows: Vec<SetRow> = reference_sets::table
        .filter(reference_sets::practitioner_id.eq(practitioner_id))
        .order((reference_sets::name.asc(), reference_sets::id.asc()))
        .select(SetRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().filter_map(SetRow::parse).collect())
}

/// One of the practitioner's sets; another practitioner's set is `None`, like a missing one.
pub fn find_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    set_id: ReferenceSetId,
) -> Result<Option<StoredSet>, DbError> {
    let row: Option<SetRow> = reference_sets::table
        .filter(reference_sets::id.eq(set_id))
        .filter(reference_sets::practitioner_id.eq(practitioner_id))
        .select(SetRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.and_then(SetRow::parse))
}

pub fn insert(
    conn: &mut DbConn,
    id: ReferenceSetId,
    practitioner_id: AccountId,
    set: &ReferenceSet,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(reference_sets::table)
        .values((
            reference_sets::id.eq(id),
            reference_sets::practitioner_id.eq(practitioner_id),
            reference_sets::name.eq(&set.name),
            reference_sets::version.eq(i64::from(set.version)),
            reference_sets::definition.eq(definition_of(set)?),
            reference_sets::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores `set` (already carrying its new version) over the stored one, but only while the
/// stored version is still `expected_version`: a concurrent edit makes this return false
/// instead of being overwritten.
pub fn update_if_version(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    set_id: ReferenceSetId,
    expected_version: u32,
    set: &ReferenceSet,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        reference_sets::table
            .filter(reference_sets::id.eq(set_id))
            .filter(reference_sets::practitioner_id.eq(practitioner_id))
            .filter(reference_sets::version.eq(i64::from(expected_version))),
    )
    .set((
        reference_sets::version.eq(i64::from(set.version)),
        reference_sets::definition.eq(definition_of(set)?),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The id of the practitioner's chosen set; `None` is the default.
pub fn active_set_id(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Option<ReferenceSetId>, DbError> {
    Ok(practitioner_settings::table
        .find(practitioner_id)
        .select(practitioner_settings::reference_set_id)
        .first::<Option<ReferenceSetId>>(conn)
        .optional()?
        .flatten())
}

/// Which embedded default the practitioner chose when they use no set of their own: `None` is
/// the current default, `Some(1)` the earlier `eck-wilson@1`.
pub fn active_embedded_version(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<Option<u32>, DbError> {
    Ok(practitioner_settings::table
        .find(practitioner_id)
        .select(practitioner_settings::embedded_version)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten()
        .and_then(|version| u32::try_from(version).ok()))
}

/// Chooses the set (`None`: an embedded default, `embedded_version` saying which; `None` is
/// the current one). Delete-then-insert is the upsert both engines share.
pub fn set_active(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    set_id: Option<ReferenceSetId>,
    embedded_version: Option<u32>,
) -> Result<(), DbError> {
    diesel::delete(practitioner_settings::table.find(practitioner_id)).execute(conn)?;
    diesel::insert_into(practitioner_settings::table)
        .values((
            practitioner_settings::practitioner_id.eq(practitioner_id),
            practitioner_settings::reference_set_id.eq(set_id),
            practitioner_settings::embedded_version
                .eq(embedded_version.filter(|_| set_id.is_none()).map(i64::from)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The set the practitioner's clients are analysed with: the chosen one, or `eck-wilson@1`.
pub fn reference_set_for_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
) -> Result<ReferenceSet, DbError> {
    let row: Option<SetRow> = practitioner_settings::table
        .inner_join(reference_sets::table)
        .filter(practitioner_settings::practitioner_id.eq(practitioner_id))
        // A setting can only name the practitioner's own set; checked again here anyway.
        .filter(reference_sets::practitioner_id.eq(practitioner_id))
        .select(SetRow::as_select())
        .first(conn)
        .optional()?;
    match row.and_then(SetRow::parse) {
        Some(stored) => Ok(stored.set),
        None => Ok(active_embedded_version(conn, practitioner_id)?
            .and_then(ReferenceSet::eck_wilson_version)
            .unwrap_or_else(reference_set)),
    }
}

/// The set a client's tests are analysed with: their practitioner's.
pub fn reference_set_for_client(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<ReferenceSet, DbError> {
    let practitioner_id: AccountId = clients::table
        .find(client_id)
        .select(clients::practitioner_id)
        .first(conn)?;
    reference_set_for_practitioner(conn, practitioner_id)
}

/// How a write transaction holds the practitioner's account row on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetLock {
    /// A change of the set in use (choosing, editing it): waits for saves under way.
    Change,
    /// A save that analyses with the set in use: many at once, none during a `Change`.
    Use,
}

/// Serialises changes of the set in use with the saves that analyse with it. Without this, on
/// PostgreSQL a test saved while the practitioner's clients are re-analysed could be analysed
/// with the old set and committed after the re-analysis (which did not see it yet). SQLite's
/// write transactions are serial already (`write_tx` takes the write lock first), so nothing is
/// done there. `NO KEY UPDATE` rather than `UPDATE` so sign-ins (sessions reference the account)
/// are not held up by a re-analysis.
pub fn lock_practitioner(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    lock: SetLock,
) -> Result<(), DbError> {
    let sql = match lock {
        SetLock::Change => "SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE",
        SetLock::Use => "SELECT id FROM accounts WHERE id = $1 FOR SHARE",
    };
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::BigInt, _>(practitioner_id)
            .execute(pg)?;
    }
    Ok(())
}

/// `reference_set_for_client` for a write transaction that stores what it analyses: holds the
/// set in use until the transaction ends (see `lock_practitioner`).
pub fn reference_set_for_saving(
    conn: &mut DbConn,
    client_id: ClientId,
) -> Result<ReferenceSet, DbError> {
    let practitioner_id: AccountId = clients::table
        .find(client_id)
        .select(clients::practitioner_id)
        .first(conn)?;
    lock_practitioner(conn, practitioner_id, SetLock::Use)?;
    reference_set_for_practitioner(conn, practitioner_id)
}
