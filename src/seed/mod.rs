//! `seed-demo`: a small, realistic data set so a new user sees a populated app at once, and with
//! `--clients N --years Y` a large generated one (`scale`) for benchmarks.

mod adherence;
mod demo;
mod demo_data;
mod foreign_keys;
pub mod plan;
pub mod rng;
mod rows;
pub mod scale;
mod stored_dates;

use crate::auth::{login, password};
use crate::db::{accounts, audit, write_tx, DbConn, DbError};

pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// `seed-demo`: the demo practitioner and their small practice (`demo_data.rs`), all in one
/// transaction. Running it again changes nothing. Returns the message to print: what was
/// written and both sign-ins, the practitioner's and the portal's.
pub fn seed_demo(conn: &mut DbConn) -> Result<String, DbError> {
    seed_demo_on(conn, chrono::Utc::now().date_naive())
}

/// `seed_demo` as if run on `today` (the demo's dates count back from it).
pub fn seed_demo_on(conn: &mut DbConn, today: chrono::NaiveDate) -> Result<String, DbError> {
    let sign_in = sign_in_lines();
    if accounts::find_by_email(conn, DEMO_EMAIL)?.is_some() {
        return Ok(format!(
            "demo data already present, nothing added\n{sign_in}"
        ));
    }
    // One hash for the practitioner and the portal account: they share the demo password.
    let hash = password::hash(DEMO_PASSWORD).map_err(DbError::Migration)?;
    let written = write_tx(conn, |conn| {
        let practitioner =
            login::create_practitioner(conn, DEMO_EMAIL, "Dr. Demo Practitioner", &hash)?;
        let written = demo::write_demo(conn, practitioner, &hash, today)?;
        audit::record(
            conn,
            &audit::AuditEntry {
                account_id: Some(practitioner.get()),
                action: "seed",
                record_kind: "practitioner",
                record_id: Some(practitioner.get()),
                remote_addr: None,
                detail: "seed-demo: the demo practice",
            },
        )?;
        Ok(written)
    })?;
    Ok(format!("seeded the demo practice: {written}\n{sign_in}"))
}

fn sign_in_lines() -> String {
    let mut lines = format!("practitioner sign-in: {DEMO_EMAIL} / {DEMO_PASSWORD}");
    if let Some((name, email)) = demo::portal_sign_in() {
        lines.push_str(&format!(
            "\nclient portal sign-in ({name}): {email} / {DEMO_PASSWORD}"
        ));
    }
    lines
}

/// `seed-demo --clients N --years Y`: the small demo (idempotent, as without flags), then the
/// generated clients for the demo practitioner (also idempotent).
pub fn seed_demo_scale(conn: &mut DbConn, options: scale::ScaleOptions) -> Result<String, DbError> {
    let demo = seed_demo(conn)?;
    let practitioner = accounts::find_by_email(conn, DEMO_EMAIL)?
        .ok_or_else(|| DbError::Migration("the demo practitioner is missing".into()))?;
    // One hash for every portal account: they share the demo password, and hashing it dozens of
    // times would only make seeding slower.
    let portal_hash = password::hash(DEMO_PASSWORD).map_err(DbError::Migration)?;
    let today = chrono::Utc::now().date_naive();
    let generated = scale::seed_scale(conn, practitioner.id, options, &portal_hash, today)?;
    Ok(format!("{demo}\n{generated}"))
}
