//! Changes to what a client's portal shows and how: the practitioner's sharing of results, the
//! client's own time zone.

use crate::db::ClientId;
use crate::db::{client_portal, DbConn, DbError};

use super::{audited, Actor, Event};

/// The practitioner (`actor`) turns the sharing of results with their client on or off.
pub fn set_share_results(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    share: bool,
) -> Result<(), DbError> {
    audited(conn, actor, |conn, trail| {
        if client_portal::set_share_results(conn, actor.account_id, client_id, share)? > 0 {
            trail.record(Event {
                action: "update",
                record_kind: "client",
                record_id: Some(client_id.get()),
                detail: if share {
                    "share results turned on"
                } else {
                    "share results turned off"
                },
            });
        }
        Ok(())
    })
}

/// The client (`actor`, signed in to the portal) sets the time zone their diary days follow: a
/// name (followed across summer time), a fixed offset, or neither (the server's).
pub fn set_time_zone(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: ClientId,
    name: Option<&str>,
    minutes: Option<i64>,
) -> Result<(), DbError> {
    audited(conn, actor, |conn, trail| {
        client_portal::set_time_zone(conn, client_id, name, minutes)?;
        trail.record(Event {
            action: "update",
            record_kind: "client",
            record_id: Some(client_id.get()),
            detail: "time zone changed in the portal",
        });
        Ok(())
    })
}
