//! Every change to a practitioner's reference sets, in one write transaction with its audit
//! events and, when the set their clients are analysed with changes (another set is chosen, or
//! the chosen one is edited), the re-analysis of all their clients: tests, flags and the trail
//! never disagree about which set was used.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::reference_sets::{self, lock_practitioner, reference_set_for_practitioner, SetLock};
use crate::db::{now, DbConn, DbError, ReferenceSetId};
use crate::domain::reference::ReferenceSet;
use crate::service::reanalysis::{reanalyze_practitioner, Reanalysis};

use super::{audited, Actor, Event, Trail};

pub const RECORD_KIND: &str = "reference_set";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloneOutcome {
    Created(ReferenceSetId),
    /// The practitioner already has a set of that name (names are compared ignoring case).
    NameTaken,
}

/// Stores a copy of `source` as the practitioner's set `name`, version 1.
pub fn clone_set(
    conn: &mut DbConn,
    actor: &Actor,
    source: &ReferenceSet,
    name: &str,
) -> Result<CloneOutcome, DbError> {
    let result = audited(conn, actor, |conn, trail| {
        let taken = reference_sets::list_for_practitioner(conn, actor.account_id)?
            .iter()
            .any(|s| s.set.name.eq_ignore_ascii_case(name));
        if taken {
            return Ok(CloneOutcome::NameTaken);
        }
        let mut copy = source.clone();
        copy.name = name.to_string();
        copy.version = 1;
        let id = ReferenceSetId::fresh();
        reference_sets::insert(conn, id, actor.account_id, &copy, now())?;
        note(trail, "create", Some(id), &copy.label());
        Ok(CloneOutcome::Created(id))
    });
    match result {
        // Two clones of one name at the same moment: the database's UNIQUE decides.
        Err(DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))) => {
            Ok(CloneOutcome::NameTaken)
        }
        other => other,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// Stored as `version`; `reanalysis` when it is the set in use.
    Saved {
        version: u32,
        reanalysis: Option<Reanalysis>,
    },
    /// The set was saved by someone else since the form was loaded.
    Conflict {
        current_version: u32,
    },
    NotFound,
}

/// Stores the edited values of the practitioner's set `set_id` as the next version, if the
/// stored version is still `expected_version`. The name stays; the version is bumped here.
pub fn save_edit(
    conn: &mut DbConn,
    actor: &Actor,
    set_id: ReferenceSetId,
    expected_version: u32,
    edited: &ReferenceSet,
) -> Result<EditOutcome, DbError> {
    audited(conn, actor, |conn, trail| {
        lock_practitioner(conn, actor.account_id, SetLock::Change)?;
        let Some(stored) = reference_sets::find_for_practitioner(conn, actor.account_id, set_id)?
        else {
            return Ok(EditOutcome::NotFound);
        };
        let next = match expected_version.checked_add(1) {
            Some(next) if stored.set.version == expected_version => next,
            _ => {
                return Ok(EditOutcome::Conflict {
                    current_version: stored.set.version,
                })
            }
        };
        let mut saved = edited.clone();
        saved.name = stored.set.name;
        saved.version = next;
        if !reference_sets::update_if_version(
            conn,
            actor.account_id,
            set_id,
            expected_version,
            &saved,
        )? {
            return Ok(EditOutcome::Conflict {
                current_version: stored.set.version,
            });
        }
        note(trail, "update", Some(set_id), &saved.label());
        let in_use = reference_sets::active_set_id(conn, actor.account_id)? == Some(set_id);
        let reanalysis = if in_use {
            Some(reanalyze(conn, trail, actor, &saved)?)
        } else {
            None
        };
        Ok(EditOutcome::Saved {
            version: next,
            reanalysis,
        })
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivateOutcome {
    Activated(Reanalysis),
    /// It was already the set in use: nothing to re-analyse.
    Unchanged,
    NotFound,
}

/// Chooses the set the practitioner's clients are analysed with (`None`: the default) and
/// re-analyses them all with it.
pub fn activate(
    conn: &mut DbConn,
    actor: &Actor,
    set_id: Option<ReferenceSetId>,
    embedded_version: Option<u32>,
) -> Result<ActivateOutcome, DbError> {
    audited(conn, actor, |conn, trail| {
        lock_practitioner(conn, actor.account_id, SetLock::Change)?;
        let chosen = match set_id {
            Some(id) => match reference_sets::find_for_practitioner(conn, actor.account_id, id)? {
                Some(stored) => stored.set,
                None => return Ok(ActivateOutcome::NotFound),
            },
            None => match embedded_version {
                Some(version) => match ReferenceSet::eck_wilson_version(version) {
                    Some(set) => set,
                    None => return Ok(ActivateOutcome::NotFound),
                },
                None => crate::db::mapping::reference_set(),
            },
        };
        let embedded_version = embedded_version.filter(|_| set_id.is_none());
        if reference_sets::active_set_id(conn, actor.account_id)? == set_id
            && reference_sets::active_embedded_version(conn, actor.account_id)? == embedded_version
        {
            return Ok(ActivateOutcome::Unchanged);
        }
        reference_sets::set_active(conn, actor.account_id, set_id, embedded_version)?;
        note(trail, "activate", set_id, &chosen.label());
        // Resolved again rather than trusting `chosen`, so the re-analysis uses exactly what
        // every later analysis will resolve.
        let reference = reference_set_for_practitioner(conn, actor.account_id)?;
        Ok(ActivateOutcome::Activated(reanalyze(
            conn, trail, actor, &reference,
        )?))
    })
}

fn reanalyze(
    conn: &mut DbConn,
    trail: &mut Trail,
    actor: &Actor,
    reference: &ReferenceSet,
) -> Result<Reanalysis, DbError> {
    let done = reanalyze_practitioner(conn, actor.account_id, reference)?;
    let detail = format!(
        "{}: {}, {}",
        reference.label(),
        crate::words::count(done.clients, "client", "clients"),
        crate::words::count(done.tests, "test", "tests")
    );
    trail.record(Event {
        action: "reanalyze",
        record_kind: "practitioner",
        record_id: Some(actor.account_id.get()),
        detail: &detail,
    });
    Ok(done)
}

fn note(trail: &mut Trail, action: &str, set_id: Option<ReferenceSetId>, label: &str) {
    trail.record(Event {
        action,
        record_kind: RECORD_KIND,
        record_id: set_id.map(ReferenceSetId::get),
        detail: label,
    });
}
