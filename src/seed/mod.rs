//! `seed-demo`: a small, realistic data set so a new user sees a populated app at once, and with
//! `--clients N --years Y` a large generated one (`scale`) for benchmarks.

pub mod plan;
pub mod rng;
pub mod scale;

use chrono::NaiveDate;

use crate::auth::{login, password};
use crate::db::clients::{self, ClientChange, ClientFields};
use crate::db::{accounts, new_id, DbConn, DbError};

pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PASSWORD: &str = "demo-password-2026";

struct DemoClient {
    name: &'static str,
    code: &'static str,
    born: (i32, u32, u32),
    sex: Option<&'static str>,
    notes: &'static str,
}

const DEMO_CLIENTS: &[DemoClient] = &[
    DemoClient {
        name: "Maria Jensen",
        code: "MJ-001",
        born: (1978, 4, 12),
        sex: Some("F"),
        notes: "Night leg cramps for two years; drinks a lot of coffee.",
    },
    DemoClient {
        name: "Tom Becker",
        code: "TB-002",
        born: (1985, 9, 3),
        sex: Some("M"),
        notes: "Runner; cramps during and after long runs.",
    },
    DemoClient {
        name: "Aiko Tanaka",
        code: "AT-003",
        born: (1991, 1, 27),
        sex: Some("F"),
        notes: "Restless legs in the evening, fatigue.",
    },
    DemoClient {
        name: "Liam O'Connor",
        code: "LO-004",
        born: (1969, 6, 15),
        sex: Some("M"),
        notes: "Neck and upper back tension; office work.",
    },
    DemoClient {
        name: "Sofia Rossi",
        code: "SR-005",
        born: (1982, 11, 2),
        sex: Some("F"),
        notes: "Cold hands and feet; vegetarian diet.",
    },
    DemoClient {
        name: "Noah Schmidt",
        code: "NS-006",
        born: (1975, 3, 30),
        sex: None,
        notes: "Muscle tightness after starting a new exercise programme.",
    },
];

pub fn seed_demo(conn: &mut DbConn) -> Result<String, DbError> {
    if accounts::find_by_email(conn, DEMO_EMAIL)?.is_some() {
        return Ok(format!(
            "demo data already present: sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}"
        ));
    }
    let hash = password::hash(DEMO_PASSWORD).map_err(DbError::Migration)?;
    let practitioner =
        login::create_practitioner(conn, DEMO_EMAIL, "Dr. Demo Practitioner", &hash)?;
    for client in DEMO_CLIENTS {
        let (y, m, d) = client.born;
        let fields = ClientFields {
            full_name: client.name.into(),
            search_key: format!(
                "{} {}",
                client.name.to_lowercase(),
                client.code.to_lowercase()
            ),
            reference_code: Some(client.code.into()),
            date_of_birth: NaiveDate::from_ymd_opt(y, m, d),
            sex: client.sex.map(str::to_string),
            email: None,
            phone: None,
            notes: client.notes.into(),
        };
        clients::apply_change(
            conn,
            practitioner,
            new_id(),
            ClientChange::Create(&fields),
            "seed-demo",
        )?;
    }
    Ok(format!(
        "seeded {} demo clients: sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}",
        DEMO_CLIENTS.len()
    ))
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
