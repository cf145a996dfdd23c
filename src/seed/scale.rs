//! `seed-demo --clients N --years Y`: a large generated data set for the demo practitioner, for
//! benchmarks and for seeing the app with years of data.
//!
//! Speed over ceremony, because 1,000 clients × 3 years is about two million rows: rows are
//! written in multi-row batches inside one transaction per block of clients, without the
//! per-change audit events of the app (one audit event records the whole seeding instead), and
//! each client's flags are derived once, after their tests are in.

use crate::db::AccountId;
use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::foreign_keys;
use super::plan::{plan_client, PlannedClient};
use super::rows::{
    self, at, search_key, Block, IdBlock, NewClient, NewDiaryEntry, NewDiarySymptom, NewHairTest,
    NewPortalAccount, NewProgramVersion, NewSupplement, Review,
};
use crate::db::mapping::{analyze_sample, level_rows};
use crate::db::schema::{self, clients};
use crate::db::{audit, write_tx, DbConn, DbError};
use crate::domain::analysis::HairSample;

/// Default seed of the generator: the published benchmark figures use this data set.
pub const DEFAULT_SEED: u64 = 0x5EED_2026_0007;
/// Clients written per transaction: few enough transactions that commits cost nothing, small
/// enough that one block's rows (~80,000 diary entries) sit comfortably in memory.
const CLIENTS_PER_TRANSACTION: u32 = 100;
/// The tables the seeding writes, analysed after its first block (PostgreSQL).
const ANALYZED_WHILE_SEEDING: &str = "ANALYZE clients, accounts, hair_tests, hair_test_levels, \
     diary_entries, diary_symptoms, program_versions, program_supplements, flags, \
     client_summaries";

/// Clients that get a portal account (to write their diary), e.g. for the diary benchmark.
pub const PORTAL_ACCOUNTS: u32 = 64;

#[derive(Debug, Clone, Copy)]
pub struct ScaleOptions {
    pub clients: u32,
    pub years: u32,
    pub seed: u64,
}

/// Supplements a nutritional-balancing program typically starts from, by oxidation type of the
/// test it answers (name, dose, unit, frequency).
pub(super) fn supplements_for(
    oxidation_type: &str,
) -> &'static [(&'static str, &'static str, &'static str, &'static str)] {
    match oxidation_type {
        "fast" => &[
            (
                "Calcium/magnesium",
                "2",
                "tablets",
                "twice daily with meals",
            ),
            ("Zinc", "15", "mg", "daily"),
            ("Vitamin D3", "2000", "IU", "daily"),
        ],
        "slow" | "four_lows" => &[
            ("Magnesium glycinate", "200", "mg", "twice daily"),
            ("Potassium citrate", "99", "mg", "daily"),
            ("Kelp", "1", "capsule", "daily"),
            ("Vitamin B complex", "1", "capsule", "with breakfast"),
        ],
        _ => &[
            ("Magnesium glycinate", "200", "mg", "twice daily"),
            ("Sea salt", "1/4", "tsp", "in water, mornings"),
            ("Vitamin C", "500", "mg", "daily"),
        ],
    }
}

#[derive(Debug, Default)]
pub struct Totals {
    pub clients: usize,
    pub portal_accounts: usize,
    pub tests: usize,
    pub levels: usize,
    pub diary_entries: usize,
    pub diary_symptoms: usize,
    pub acknowledged_flags: usize,
    pub program_versions: usize,
    /// Oxidation types of the seeded tests, as the domain engine classifies them.
    pub oxidation_types: BTreeMap<String, usize>,
}

fn add_client(
    block: &mut Block,
    totals: &mut Totals,
    ids: &mut IdBlock,
    practitioner_id: AccountId,
    client: &PlannedClient,
    portal_hash: &str,
    today: NaiveDate,
) {
    let client_id = crate::db::ClientId(ids.take());
    let created = at(client.starts_on, 9, 0);
    block.client_ids.push(client_id);
    block.clients.push(NewClient {
        id: client_id,
        practitioner_id,
        full_name: client.full_name.clone(),
        search_key: search_key(
            &client.full_name,
            &client.reference_code,
            client.email.as_deref(),
        ),
        reference_code: Some(client.reference_code.clone()),
        date_of_birth: Some(client.date_of_birth),
        sex: client.sex,
        email: client.email.clone(),
        phone: client.phone.clone(),
        notes: client.notes.clone(),
        created_at: created,
        updated_at: created,
        archived_at: None,
        share_results: false,
        retest_interval_months: None,
    });
    if client.index < PORTAL_ACCOUNTS {
        block.accounts.push(NewPortalAccount {
            id: ids.take(),
            role: crate::db::accounts::Role::Client,
            email: portal_email(client.index),
            display_name: client.full_name.clone(),
            password_hash: portal_hash.to_string(),
            client_id: Some(client_id),
            created_at: created,
        });
    }
    let last = client.tests.len().saturating_sub(1);
    for (position, test) in client.tests.iter().enumerate() {
        let test_id = crate::db::HairTestId(ids.take());
        let sample = HairSample {
            sex: client.sex,
            washed: false,
            levels: test.levels.clone(),
            ..HairSample::default()
        };
        // The derived columns exactly as the app writes them (`db::mapping::summary_of`).
        let analysis = analyze_sample(&sample);
        let summary = crate::db::mapping::summary_of(&analysis);
        *totals
            .oxidation_types
            .entry(summary.oxidation_type.clone())
            .or_default() += 1;
        let entered = at(test.sample_date + Duration::days(10), 10, 30);
        block.tests.push(NewHairTest {
            id: test_id,
            client_id,
            sample_date: test.sample_date,
            entered_at: entered,
            lab: test.lab.to_string(),
            lab_sample_id: Some(test.lab_sample_id.clone()),
            washed: false,
            entry_unit: "mg%".into(),
            printed_ratios: String::new(),
            notes: test.notes.clone(),
            oxidation_type: summary.oxidation_type.clone(),
            oxidation_degree: summary.oxidation_degree,
            pattern_ids: summary.pattern_ids,
            reference_set: summary.reference_set,
            updated_at: entered,
        });
        block.levels.extend(level_rows(test_id, &test.levels));
        // The program answers the results: a version a week after the first test, then after
        // every second test, with supplements suited to that test's oxidation type.
        if position % 2 == 0 {
            let version_id = crate::db::ProgramVersionId(ids.take());
            let starts_on = test.sample_date + Duration::days(7);
            if starts_on <= today {
                block.program_versions.push(NewProgramVersion {
                    id: version_id,
                    client_id,
                    starts_on,
                    diet: "Cooked vegetables at every meal, protein twice a day, no sugar or fruit juice.".into(),
                    lifestyle: "Eight hours of sleep, gentle walks, rest after meals.".into(),
                    created_at: at(starts_on, 11, 0),
                    created_by: practitioner_id,
                });
                for (i, (name, dose, unit, frequency)) in
                    supplements_for(&summary.oxidation_type).iter().enumerate()
                {
                    block.supplements.push(NewSupplement {
                        id: ids.take(),
                        version_id,
                        position: i as i64,
                        name: (*name).into(),
                        dose: (*dose).into(),
                        unit: (*unit).into(),
                        frequency: (*frequency).into(),
                    });
                }
            }
        }
        // A practitioner reviews the flags of new results at the follow-up a few days later;
        // only the results of the last month can still be waiting. (A data set where three
        // years of flags were never looked at would make every open-flag list unrealistic.)
        let reviewed_at = entered + Duration::days(3);
        if position < last || reviewed_at.date() < today - Duration::days(30) {
            block.reviewed.push(Review {
                client_id,
                test_id,
                at: reviewed_at,
                note: String::new(),
            });
        }
    }
    for day in &client.diary {
        let entry_id = ids.take();
        let written = at(day.date, 20, (entry_id % 60) as u32);
        block.entries.push(NewDiaryEntry {
            id: entry_id,
            client_id,
            entry_date: day.date.into(),
            note: day.note.to_string(),
            triggers: day.triggers.to_string(),
            revision: 1,
            created_at: written.into(),
            updated_at: written.into(),
            annotation: String::new(),
            annotated_at: None,
            annotated_by: None,
        });
        for symptom in &day.symptoms {
            block.symptoms.push(NewDiarySymptom {
                entry_id,
                symptom_key: symptom.key.to_string(),
                severity: i64::from(symptom.severity),
                time_of_day: symptom.time_of_day.map(str::to_string),
            });
        }
    }
}

/// The sign-in of the portal account of generated client `index` (0-based).
pub fn portal_email(index: u32) -> String {
    format!("client-{:05}@example.com", index + 1)
}

fn write_block(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    block: &Block,
    totals: &mut Totals,
) -> Result<(), DbError> {
    let written = rows::write_block(conn, practitioner_id, block)?;
    totals.clients += written.clients;
    totals.portal_accounts += written.portal_accounts;
    totals.tests += written.tests;
    totals.levels += written.levels;
    totals.diary_entries += written.diary_entries;
    totals.diary_symptoms += written.diary_symptoms;
    totals.program_versions += written.program_versions;
    totals.acknowledged_flags += written.acknowledged_flags;
    Ok(())
}

/// Plans and writes the clients block by block (each block in a transaction of its own, nested
/// in the caller's if there is one).
fn write_blocks(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    options: ScaleOptions,
    portal_hash: &str,
    today: NaiveDate,
    totals: &mut Totals,
) -> Result<(), DbError> {
    let mut ids = IdBlock::new();
    let mut first = 0;
    while first < options.clients {
        let last = (first + CLIENTS_PER_TRANSACTION).min(options.clients);
        let mut block = Block::default();
        for index in first..last {
            let client = plan_client(options.seed, index, today, options.years);
            add_client(
                &mut block,
                totals,
                &mut ids,
                practitioner_id,
                &client,
                portal_hash,
                today,
            );
        }
        write_block(conn, practitioner_id, &block, totals)?;
        if let (0, DbConn::Postgres(c)) = (first, &mut *conn) {
            // The derivation's statements are prepared once per connection, and PostgreSQL soon
            // keeps a generic plan made from the statistics it has. Until now those said the
            // tables were empty (the demo's few rows, never analysed), so reading a client's
            // levels scanned the whole levels table: 20 ms per client and growing with every
            // block, most of the 94 s seeding took (issue 15, auto_explain). Analysed after the
            // first block, the plans are made again from tables of the right shape (inside the
            // seeding transaction: ANALYZE samples the rows the transaction wrote itself). Only
            // the tables seeding writes and reads back: an ANALYZE of the whole database in a
            // transaction holds a lock on every table until it commits (out of shared memory
            // with the test suite's hundreds of schemas).
            c.batch_execute(ANALYZED_WHILE_SEEDING)?;
        }
        first = last;
    }
    Ok(())
}

/// How many generated clients (reference code `S-…`) the practitioner already has.
fn generated_clients(conn: &mut DbConn, practitioner_id: AccountId) -> Result<i64, DbError> {
    Ok(clients::table
        .filter(clients::practitioner_id.eq(practitioner_id))
        .filter(clients::reference_code.like("S-%"))
        .count()
        .get_result(conn)?)
}

/// Seeds the generated clients for `practitioner_id`. Running it again on a database that has
/// them changes nothing. `portal_hash` is the password hash given to every portal account.
pub fn seed_scale(
    conn: &mut DbConn,
    practitioner_id: AccountId,
    options: ScaleOptions,
    portal_hash: &str,
    today: NaiveDate,
) -> Result<String, DbError> {
    let existing = generated_clients(conn, practitioner_id)?;
    if existing > 0 {
        return Ok(format!(
            "generated data already present ({existing} clients): nothing added"
        ));
    }
    if let DbConn::Sqlite(c) = conn {
        // This connection only: a large page cache keeps the indexes being filled in memory.
        c.batch_execute("PRAGMA cache_size = -262144")?;
    }
    let started = Instant::now();
    let mut totals = Totals::default();
    let mut generate = |conn: &mut DbConn| {
        write_blocks(
            conn,
            practitioner_id,
            options,
            portal_hash,
            today,
            &mut totals,
        )
    };
    match conn {
        // A transaction per block: a few of them keep the write-ahead log short.
        DbConn::Sqlite(_) => generate(conn)?,
        // One transaction for the whole data set, so its foreign keys can be set aside while
        // the rows are copied in (`foreign_keys`) and be checked once at the end.
        DbConn::Postgres(_) => write_tx(conn, |conn| {
            let keys = foreign_keys::set_aside(conn)?;
            generate(conn)?;
            foreign_keys::put_back(conn, keys)
        })?,
    }
    if let DbConn::Postgres(c) = conn {
        // Planner statistics now rather than whenever autovacuum gets to it: without them
        // PostgreSQL guesses a handful of diary rows per client and hash-joins the whole symptom
        // table (60 ms instead of 1 ms per timeline query).
        c.batch_execute("ANALYZE")?;
    }
    audit::record(
        conn,
        &audit::AuditEntry {
            account_id: Some(practitioner_id.get()),
            action: "seed",
            record_kind: "practitioner",
            record_id: Some(practitioner_id.get()),
            remote_addr: None,
            detail: "seed-demo generated data set",
        },
    )?;
    let elapsed = started.elapsed();
    let open_flags: i64 = schema::flags::table
        .inner_join(clients::table)
        .filter(clients::practitioner_id.eq(practitioner_id))
        .filter(schema::flags::active.eq(true))
        .filter(schema::flags::acknowledged_at.is_null())
        .count()
        .get_result(conn)?;
    let tests = totals.tests.max(1) as f64;
    let types = totals
        .oxidation_types
        .iter()
        .map(|(kind, n)| format!("{kind} {:.0}%", 100.0 * *n as f64 / tests))
        .collect::<Vec<_>>()
        .join(", ");
    let portal = match totals.portal_accounts {
        0 => String::new(),
        n => format!(
            "\nportal sign-in of the first {n} clients: {} … {} (same password)",
            portal_email(0),
            portal_email(n as u32 - 1)
        ),
    };
    Ok(format!(
        "generated {} clients over {} years (seed {:#x}): {} hair tests ({} levels), {} program \
         versions, {} diary entries ({} symptoms) in {:.1} s\noxidation types of the tests: {types}\nflags: {} \
         acknowledged as reviewed, {open_flags} open (results of the last month){portal}",
        totals.clients,
        options.years,
        options.seed,
        totals.tests,
        totals.levels,
        totals.program_versions,
        totals.diary_entries,
        totals.diary_symptoms,
        elapsed.as_secs_f64(),
        totals.acknowledged_flags,
    ))
}
