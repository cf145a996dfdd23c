//! `seed-demo`: the small demo practice (`demo_data.rs`) written for the demo practitioner, in
//! one transaction, deterministic apart from the day it is loaded (dates count back from it).

use crate::db::{AccountId, ClientId};
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::demo_data::{DemoClient, DemoDiary, DemoTest, DEMO_CLIENTS, USUAL_PANEL};
use super::plan::{DIARY_NOTES, TRIGGERS};
use super::rng::SplitMix64;
use super::rows::{
    self, at, search_key, Block, IdBlock, NewClient, NewClientSymptom, NewDiaryEntry,
    NewDiarySymptom, NewHairTest, NewPortalAccount, NewProgramVersion, NewSummary, NewSupplement,
    Review,
};
use crate::db::accounts::Role;
use crate::db::mapping::{analyze_sample, level_rows};
use crate::db::DbError;
use crate::domain::analysis::HairSample;
use crate::domain::diary::vocabulary::custom_key;
use crate::domain::element::Element;
use crate::domain::level::{parse_level_cell, MineralLevel};
use crate::domain::units::Unit;

/// The demo's random stream (small variations of the usual panel, which days have entries):
/// fixed, so every load of the demo is the same practice.
const DEMO_SEED: u64 = 0xDE30_2026_0016;
/// Flags of results entered more than this long ago have been reviewed; newer ones wait.
const REVIEWED_AFTER_DAYS: i64 = 120;

/// The demo practice as rows for `practitioner_id`, dated back from `today`.
pub(super) fn demo_block(
    practitioner_id: AccountId,
    portal_hash: &str,
    today: NaiveDate,
) -> Result<Block, DbError> {
    let mut block = Block {
        raised_with_entry: true,
        today: Some(today),
        ..Block::default()
    };
    let mut ids = IdBlock::new();
    for (index, client) in DEMO_CLIENTS.iter().enumerate() {
        let mut rng = SplitMix64::stream(DEMO_SEED, index as u64);
        add_client(
            &mut block,
            &mut ids,
            &mut rng,
            practitioner_id,
            client,
            portal_hash,
            today,
        )?;
    }
    Ok(block)
}

/// The portal sign-in of the demo: the client whose account it is, and their email.
pub fn portal_sign_in() -> Option<(&'static str, &'static str)> {
    DEMO_CLIENTS
        .iter()
        .find(|c| c.portal)
        .and_then(|c| Some((c.name, c.email?)))
}

fn add_client(
    block: &mut Block,
    ids: &mut IdBlock,
    rng: &mut SplitMix64,
    practitioner_id: AccountId,
    client: &DemoClient,
    portal_hash: &str,
    today: NaiveDate,
) -> Result<(), DbError> {
    let day = |days_ago: i64| today - Duration::days(days_ago);
    let client_id = ClientId(ids.take());
    let first_day = client
        .tests
        .iter()
        .map(|t| t.days_ago)
        .chain(client.diary.as_ref().map(|d| d.starts_days_ago))
        .max()
        .unwrap_or(0);
    let created = at(day(first_day + 7), 9, 0);
    let (y, m, d) = client.born;
    block.client_ids.push(client_id);
    block.clients.push(NewClient {
        id: client_id,
        practitioner_id,
        full_name: client.name.into(),
        search_key: search_key(client.name, client.code, client.email),
        reference_code: Some(client.code.into()),
        date_of_birth: NaiveDate::from_ymd_opt(y, m, d),
        sex: client.sex,
        email: client.email.map(str::to_string),
        phone: client.phone.map(str::to_string),
        notes: client.notes.into(),
        created_at: created,
        updated_at: created,
        archived_at: client.archived_days_ago.map(|a| at(day(a), 16, 0)),
        share_results: client.portal,
        retest_interval_months: client.retest_interval_months,
    });
    if client.portal {
        if let Some(email) = client.email {
            block.accounts.push(NewPortalAccount {
                id: ids.take(),
                role: Role::Client,
                email: email.into(),
                display_name: client.name.into(),
                password_hash: portal_hash.into(),
                client_id: Some(client_id),
                created_at: created,
            });
        }
    }

    let mut tests: Vec<(NaiveDate, NaiveDateTime)> = Vec::new();
    for (position, test) in client.tests.iter().enumerate() {
        let test_id = crate::db::HairTestId(ids.take());
        let sample_date = day(test.days_ago);
        // Results come back from the lab about ten days after the sample.
        let entered = at(sample_date + Duration::days(10), 10, 30);
        let levels = levels_of(test, rng)?;
        let analysis = analyze_sample(&HairSample {
            sex: client.sex,
            washed: test.washed,
            levels: levels.clone(),
            ..HairSample::default()
        });
        let summary = crate::db::mapping::summary_of(&analysis);
        block.tests.push(NewHairTest {
            id: test_id,
            client_id,
            sample_date,
            entered_at: entered,
            lab: test.lab.into(),
            lab_sample_id: Some(format!(
                "{}{:07}",
                &test.lab[..1],
                1_000_000 + rng.below(9_000_000)
            )),
            washed: test.washed,
            entry_unit: "mg%".into(),
            printed_ratios: String::new(),
            notes: test.notes.into(),
            oxidation_type: summary.oxidation_type,
            oxidation_degree: summary.oxidation_degree,
            pattern_ids: summary.pattern_ids,
            reference_set: summary.reference_set,
            updated_at: entered,
        });
        block.levels.extend(level_rows(test_id, &levels));
        // The practitioner reviews new flags at the follow-up a few days after the results;
        // the latest results of an active practice can still be waiting.
        let reviewed_at = entered + Duration::days(3);
        if position > 0 && (today - entered.date()).num_days() > REVIEWED_AFTER_DAYS {
            block.reviewed.push(Review {
                client_id,
                test_id,
                at: reviewed_at,
                note: test.review_note.into(),
            });
        }
        tests.push((sample_date, entered));
    }

    for program in client.programs {
        let Some((sample_date, _)) = tests.get(program.after_test) else {
            continue;
        };
        let version_id = crate::db::ProgramVersionId(ids.take());
        let starts_on = *sample_date + Duration::days(17);
        block.program_versions.push(NewProgramVersion {
            id: version_id,
            client_id,
            starts_on,
            diet: program.diet.into(),
            lifestyle: program.lifestyle.into(),
            created_at: at(starts_on - Duration::days(1), 11, 0),
            created_by: practitioner_id,
        });
        for (position, (name, dose, unit, frequency)) in program.supplements.iter().enumerate() {
            block.supplements.push(NewSupplement {
                id: ids.take(),
                version_id,
                position: position as i64,
                name: (*name).into(),
                dose: (*dose).into(),
                unit: (*unit).into(),
                frequency: (*frequency).into(),
            });
        }
    }

    if let Some(diary) = &client.diary {
        add_diary(block, ids, rng, practitioner_id, client_id, diary, today);
        super::adherence::follow_program(block, client.name, client_id, today);
    }

    for (made_days_ago, months, shared, comment) in client.summaries {
        let made = day(*made_days_ago);
        let period_start = made
            .checked_sub_months(chrono::Months::new(*months))
            .unwrap_or(made);
        block.summaries.push(NewSummary {
            id: crate::db::SummaryId(ids.take()),
            client_id,
            created_by: practitioner_id,
            period_start,
            period_end: made,
            comment: (*comment).into(),
            created_at: at(made, 15, 0),
            shared_at: shared.then(|| at(made, 15, 5)),
        });
    }
    Ok(())
}

/// The levels of one test: the client's usual panel (varying a little, as real results do)
/// with the test's own values over it.
fn levels_of(
    test: &DemoTest,
    rng: &mut SplitMix64,
) -> Result<BTreeMap<Element, MineralLevel>, DbError> {
    let bad = |what: &str| DbError::Migration(format!("demo data: {what} in {:?}", test.levels));
    let mut cells: BTreeMap<Element, String> = BTreeMap::new();
    for (symbol, typical) in USUAL_PANEL {
        let element = Element::parse(symbol).ok_or_else(|| bad(symbol))?;
        // ±8 %, three significant digits: stays clear of every threshold the panel is near.
        cells.insert(element, three_digits(typical * rng.between(0.92, 1.08)));
    }
    for item in test.levels.split(';') {
        let (symbol, value) = item.trim().split_once(' ').ok_or_else(|| bad(item))?;
        let element = Element::parse(symbol).ok_or_else(|| bad(symbol))?;
        cells.insert(element, value.trim().to_string());
    }
    let mut levels = BTreeMap::new();
    for (element, cell) in cells {
        if let Some(level) =
            parse_level_cell(&cell, Unit::MgPercent).map_err(|e| bad(&format!("{cell}: {e}")))?
        {
            levels.insert(element, level);
        }
    }
    Ok(levels)
}

/// A level as a lab prints it: three significant digits.
fn three_digits(value: f64) -> String {
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
}

fn add_diary(
    block: &mut Block,
    ids: &mut IdBlock,
    rng: &mut SplitMix64,
    practitioner_id: AccountId,
    client_id: ClientId,
    diary: &DemoDiary,
    today: NaiveDate,
) {
    let custom = diary.custom_symptom.map(|label| {
        let id = ids.take();
        let added = at(today - Duration::days(diary.starts_days_ago), 12, 0);
        block.client_symptoms.push(NewClientSymptom {
            id,
            client_id,
            label: label.into(),
            created_by: practitioner_id,
            created_at: added,
        });
        custom_key(id)
    });
    let span = diary.starts_days_ago.max(1) as f64;
    // Yesterday is the last day logged: today's entry is the client's to write.
    for days_ago in (1..=diary.starts_days_ago).rev() {
        let date = today - Duration::days(days_ago);
        let annotation = diary.annotations.iter().find(|(d, _)| *d == days_ago);
        // Annotated days always have an entry: the note answers it.
        if !rng.chance(diary.compliance) && annotation.is_none() {
            continue;
        }
        let progress = 1.0 - days_ago as f64 / span;
        let entry_id = ids.take();
        for symptom in diary.symptoms {
            let mut usual = symptom.from + (symptom.to - symptom.from) * progress;
            if days_ago <= 10 {
                usual += symptom.flare;
            }
            let severity = (usual + 1.2 * rng.normal()).round().clamp(0.0, 10.0);
            let key = match (symptom.key, &custom) {
                ("custom", Some(key)) => key.clone(),
                ("custom", None) => continue,
                (key, _) => key.to_string(),
            };
            if severity >= 1.0 {
                block.symptoms.push(NewDiarySymptom {
                    entry_id,
                    symptom_key: key,
                    severity: severity as i64,
                    time_of_day: symptom.time_of_day.map(str::to_string),
                });
            }
        }
        let note = if rng.chance(0.08) {
            rng.pick(DIARY_NOTES).copied().unwrap_or("")
        } else {
            ""
        };
        let triggers = if rng.chance(0.1) {
            rng.pick(TRIGGERS).copied().unwrap_or("")
        } else {
            ""
        };
        let written = at(date, 21, (entry_id % 50) as u32);
        let annotated_at = at(date + Duration::days(1), 9, 15);
        block.entries.push(NewDiaryEntry {
            id: entry_id,
            client_id,
            entry_date: date.into(),
            note: note.into(),
            triggers: triggers.into(),
            revision: 1,
            created_at: written.into(),
            updated_at: written.into(),
            annotation: annotation
                .map(|(_, n)| (*n).to_string())
                .unwrap_or_default(),
            annotated_at: annotation.map(|_| annotated_at),
            annotated_by: annotation.map(|_| practitioner_id),
        });
    }
}

/// Writes the demo block (tests, flags, diaries…) and returns what it wrote, for the message.
pub(super) fn write_demo(
    conn: &mut crate::db::DbConn,
    practitioner_id: AccountId,
    portal_hash: &str,
    today: NaiveDate,
) -> Result<String, DbError> {
    let block = demo_block(practitioner_id, portal_hash, today)?;
    let written = rows::write_block(conn, practitioner_id, &block)?;
    Ok(format!(
        "{} clients, {} hair tests, {} program versions, {} diary days, {} flags reviewed",
        written.clients,
        written.tests,
        written.program_versions,
        written.diary_entries,
        written.acknowledged_flags
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::retest::{retest_due_date, DEFAULT_RETEST_INTERVAL_MONTHS};
    use std::collections::BTreeSet;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn block() -> Block {
        demo_block(AccountId(1), "hash", day("2026-11-28")).expect("the demo data parses")
    }

    /// The tests of each client, in sample order, as (type, patterns).
    fn histories(block: &Block) -> Vec<Vec<(String, BTreeSet<String>)>> {
        block
            .client_ids
            .iter()
            .map(|client| {
                let mut tests: Vec<&NewHairTest> = block
                    .tests
                    .iter()
                    .filter(|t| t.client_id == *client)
                    .collect();
                tests.sort_by_key(|t| t.sample_date);
                tests
                    .iter()
                    .map(|t| {
                        let patterns = t.pattern_ids.split_whitespace().map(String::from);
                        (t.oxidation_type.clone(), patterns.collect())
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_demo_shows_every_oxidation_type_and_changes_between_them() {
        let block = block();
        let types: BTreeSet<&str> = block
            .tests
            .iter()
            .map(|t| t.oxidation_type.as_str())
            .collect();
        assert_eq!(
            types,
            BTreeSet::from(["fast", "four_lows", "mixed", "slow", "undetermined"]),
        );
        let histories = histories(&block);
        let type_changes = histories
            .iter()
            .flat_map(|h| h.windows(2))
            .filter(|pair| pair[0].0 != pair[1].0)
            .count();
        assert!(type_changes >= 6, "{type_changes} type changes");
        let appeared = histories
            .iter()
            .flat_map(|h| h.windows(2))
            .filter(|pair| pair[1].1.difference(&pair[0].1).next().is_some())
            .count();
        let resolved = histories
            .iter()
            .flat_map(|h| h.windows(2))
            .filter(|pair| pair[0].1.difference(&pair[1].1).next().is_some())
            .count();
        assert!(
            appeared >= 5 && resolved >= 5,
            "{appeared} appeared, {resolved} resolved"
        );
        for wanted in [
            "P-CA-SHELL",
            "P-TOXIC-Pb",
            "P-K-VLOW",
            "P-NAK-INV",
            "P-FOUR-HIGHS",
        ] {
            assert!(
                block
                    .tests
                    .iter()
                    .any(|t| t.pattern_ids.contains(&format!(" {wanted} "))),
                "no demo test shows {wanted}"
            );
        }
        assert!(block.tests.iter().any(|t| t.washed), "a washed sample");
    }

    #[test]
    fn the_demo_covers_two_years_with_retests_due_and_overdue() {
        let today = day("2026-11-28");
        let block = block();
        let first = block.tests.iter().map(|t| t.sample_date).min().unwrap();
        assert!((today - first).num_days() >= 700);
        let mut due_soon = 0;
        let mut overdue = 0;
        for client in block.clients.iter().filter(|c| c.archived_at.is_none()) {
            let Some(last) = block
                .tests
                .iter()
                .filter(|t| t.client_id == client.id)
                .map(|t| t.sample_date)
                .max()
            else {
                continue;
            };
            let months = client
                .retest_interval_months
                .map(|m| m as u32)
                .unwrap_or(DEFAULT_RETEST_INTERVAL_MONTHS);
            let due = retest_due_date(last, months).unwrap();
            match (due - today).num_days() {
                days if days < 0 => overdue += 1,
                0..=14 => due_soon += 1,
                _ => {}
            }
        }
        assert!(
            due_soon >= 1 && overdue >= 2,
            "{due_soon} due soon, {overdue} overdue"
        );
        assert!(block.clients.len() >= 10);
        assert!(block.clients.iter().any(|c| c.archived_at.is_some()));
    }

    #[test]
    fn the_demo_has_open_and_reviewed_flags_programs_diaries_and_a_portal() {
        let block = block();
        assert!(block.reviewed.len() >= 10);
        assert!(block.reviewed.iter().any(|r| !r.note.is_empty()));
        // The latest results of active clients wait for review.
        let reviewed: BTreeSet<crate::db::HairTestId> =
            block.reviewed.iter().map(|r| r.test_id).collect();
        assert!(block.tests.len() - reviewed.len() >= 10 + 3);
        // Programs change: some clients have several versions.
        let versions = |client: &ClientId| {
            block
                .program_versions
                .iter()
                .filter(|v| v.client_id == *client)
                .count()
        };
        assert!(block.client_ids.iter().filter(|c| versions(c) >= 2).count() >= 4);
        assert!(
            block.entries.len() > 2000,
            "{} diary days",
            block.entries.len()
        );
        assert!(block.entries.iter().any(|e| !e.annotation.is_empty()));
        assert_eq!(block.client_symptoms.len(), 1);
        assert_eq!(block.accounts.len(), 1, "one portal account");
        let portal_client = block.accounts[0].client_id;
        assert!(block
            .clients
            .iter()
            .any(|c| Some(c.id) == portal_client && c.share_results));
        assert!(block.summaries.iter().any(|s| s.shared_at.is_some()));
        assert_eq!(
            portal_sign_in(),
            Some(("Maria Jensen", "maria.jensen@example.com"))
        );
    }

    #[test]
    fn the_demo_is_the_same_every_time() {
        let render = |block: &Block| {
            let tests: Vec<String> = block
                .tests
                .iter()
                .map(|t| format!("{} {} {}", t.sample_date, t.oxidation_type, t.pattern_ids))
                .collect();
            let levels: Vec<String> = block
                .levels
                .iter()
                .map(|l| format!("{} {}", l.element, l.mg_pct))
                .collect();
            let diary: Vec<String> = block
                .symptoms
                .iter()
                .map(|s| format!("{} {}", s.symptom_key, s.severity))
                .collect();
            (tests, levels, diary.len(), block.entries.len())
        };
        assert_eq!(render(&block()), render(&block()));
    }

    /// The findings of the fuller reading (#19) that the demo's tests show, each with the
    /// clients showing it, read the way the app reads them (sex, date of birth, lab, date).
    fn census(block: &Block) -> BTreeMap<String, BTreeSet<String>> {
        use crate::domain::compare::{compare_analyzed, FlagDetail};
        use crate::domain::reference::ReferenceSet;
        let reference = ReferenceSet::eck_wilson();
        let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for client in &block.clients {
            let mut tests: Vec<&NewHairTest> = block
                .tests
                .iter()
                .filter(|t| t.client_id == client.id)
                .collect();
            tests.sort_by_key(|t| t.sample_date);
            let analysed: Vec<_> = tests
                .iter()
                .map(|t| {
                    let rows: Vec<_> = block
                        .levels
                        .iter()
                        .filter(|l| l.hair_test_id == t.id)
                        .collect();
                    let sample = HairSample {
                        sex: client.sex,
                        washed: t.washed,
                        levels: crate::db::mapping::levels_from_rows(rows),
                        lab: t.lab.clone(),
                        sample_date: Some(t.sample_date),
                        date_of_birth: client.date_of_birth,
                    };
                    let analysis = crate::domain::analysis::analyze(&sample, &reference);
                    (sample, analysis)
                })
                .collect();
            let mut note = |what: String| {
                found
                    .entry(what)
                    .or_default()
                    .insert(client.full_name.clone());
            };
            for (_, analysis) in &analysed {
                let ox = &analysis.oxidation;
                if ox.lean.is_some() {
                    note("OX-8 lean".into());
                }
                if let Some(vitality) = ox.vitality {
                    note(format!("OX-9 {}", vitality.as_str()));
                }
                if ox.oxidation_type == crate::domain::OxidationType::FourLows
                    && ox.degree.is_some()
                {
                    note("OX-10 degree".into());
                }
                if ox.borderline.is_some() {
                    note("OX-7 borderline".into());
                }
                for caveat in &ox.caveats {
                    note(format!("caveat {caveat}"));
                }
                for pattern in &analysis.patterns {
                    note(pattern.id.clone());
                }
            }
            for pair in analysed.windows(2) {
                let comparison =
                    compare_analyzed(&pair[0].0, &pair[0].1, &pair[1].0, &pair[1].1, &reference);
                for flag in comparison.flags {
                    if let FlagDetail::Pattern { pattern_id, .. } = &flag.detail {
                        note(format!("{} {pattern_id}", flag.kind.as_str()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn the_demo_shows_every_finding_of_the_fuller_reading() {
        let found = census(&block());
        for (what, clients) in &found {
            println!("{what}: {clients:?}");
        }
        for wanted in [
            "OX-8 lean",
            "OX-9 healthy",
            "OX-9 tired",
            "OX-10 degree",
            "OX-7 borderline",
            "caveat temporary_fast_oxidation",
            "caveat arl_low_readings",
            "P-BURNED-OUT",
            "P-HIDDEN-CU",
            "P-BOWL",
            "P-DOUBLE-HIGH",
            "P-DOUBLE-LOW",
            "P-MG-SHELL",
            "P-POOR-ELIM",
            "pattern_appeared P-BURNED-OUT",
            "pattern_resolved P-BURNED-OUT",
            "pattern_appeared P-HIDDEN-CU",
            "pattern_resolved P-HIDDEN-CU",
        ] {
            assert!(found.contains_key(wanted), "no demo client shows {wanted}");
        }
    }

    #[test]
    fn levels_are_printed_with_three_significant_digits() {
        assert_eq!(three_digits(15.234), "15.2");
        assert_eq!(three_digits(0.0412), "0.0412");
        assert_eq!(three_digits(2.2), "2.20");
        assert_eq!(three_digits(160.4), "160");
    }
}
