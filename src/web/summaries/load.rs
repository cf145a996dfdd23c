//! Assembles a progress summary from the client's records: tests, program, flags and diary of
//! the period, analysed with the domain engine and shaped as `SummaryData`.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::charts::{Marker, Point, Series, TimeAxis};
use crate::db::clients::ClientRow;
use crate::db::mapping::sample_of;
use crate::db::reference_sets::reference_set_for_client;
use crate::db::summaries::SummaryRow;
use crate::db::{client_symptoms, diary_stats, flags, hair_tests, programs, DbConn, DbError};
use crate::domain::analysis::analyze;
use crate::domain::diary::vocabulary::label_of;
use crate::domain::element::Element;
use crate::domain::ratio::RatioId;
use crate::export::summary::{
    FlagSummary, ProgramSummary, SummaryData, SymptomSummary, TestSummary,
};
use crate::web::hair_tests::report::value_cells;

const LEVELS: [Element; 4] = [Element::Ca, Element::Mg, Element::Na, Element::K];
const RATIOS: [RatioId; 4] = [RatioId::NaK, RatioId::CaK, RatioId::CaMg, RatioId::NaMg];

/// The period a new summary proposes: from the start of the program (or the first test) to
/// today.
pub fn default_period(
    conn: &mut DbConn,
    client_id: i64,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), DbError> {
    let program = programs::history(conn, client_id)?;
    let tests = hair_tests::list_for_client(conn, client_id)?;
    let start = program
        .first()
        .map(|v| v.version.starts_on)
        .or_else(|| tests.first().map(|t| t.sample_date))
        .unwrap_or(today - chrono::Duration::days(365))
        .min(today);
    Ok((start, today))
}

pub fn load(
    conn: &mut DbConn,
    client: &ClientRow,
    practitioner_name: &str,
    summary: &SummaryRow,
) -> Result<SummaryData, DbError> {
    let (start, end) = (summary.period_start, summary.period_end);
    let in_period = |d: NaiveDate| d >= start && d <= end;
    let tests: Vec<_> = hair_tests::list_for_client(conn, client.id)?
        .into_iter()
        .filter(|t| in_period(t.sample_date))
        .collect();
    let ids: Vec<i64> = tests.iter().map(|t| t.id).collect();
    let levels = hair_tests::levels_of(conn, &ids)?;
    let history = programs::history(conn, client.id)?;
    let flag_rows = flags::active_for_client(conn, client.id)?;
    let custom = client_symptoms::list(conn, client.id)?;
    let vocabulary = crate::domain::diary::vocabulary::vocabulary(&custom);
    let weekly = diary_stats::weekly_severity(conn, client.id, start, end)?;
    let adherence = diary_stats::adherence(conn, client.id, start, end)?;
    let day_logs = diary_stats::day_logs(conn, client.id, start, end)?;
    let reference = reference_set_for_client(conn, client.id)?;

    let samples: Vec<_> = tests
        .iter()
        .map(|t| sample_of(t, &levels, client.sex.as_deref()))
        .collect();
    let analyses: Vec<_> = samples.iter().map(|s| analyze(s, &reference)).collect();
    let test_summaries = tests
        .iter()
        .zip(samples.iter().zip(&analyses))
        .map(|(t, (sample, analysis))| {
            let values = value_cells(sample, analysis, &LEVELS, &RATIOS);
            let ox = &analysis.oxidation;
            TestSummary {
                sample_date: t.sample_date,
                lab: t.lab.clone(),
                values,
                oxidation: ox.label(" "),
                patterns: analysis.patterns.iter().map(|p| p.id.clone()).collect(),
                washed: t.washed,
            }
        })
        .collect();

    // The version in force when the period starts, and every version starting within it.
    let program: Vec<ProgramSummary> = history
        .iter()
        .enumerate()
        .filter(|(i, v)| {
            let next_start = history.get(i + 1).map(|n| n.version.starts_on);
            v.version.starts_on <= end && next_start.is_none_or(|n| n > start)
        })
        .map(|(_, v)| ProgramSummary {
            starts_on: v.version.starts_on,
            diet: v.version.diet.clone(),
            lifestyle: v.version.lifestyle.clone(),
            supplements: v
                .supplements
                .iter()
                .map(|s| {
                    let dose = format!("{} {}", s.dose, s.unit).trim().to_string();
                    [s.name.as_str(), dose.as_str(), s.frequency.as_str()]
                        .iter()
                        .filter(|p| !p.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" — ")
                })
                .collect(),
        })
        .collect();
    let markers: Vec<Marker> = program
        .iter()
        .map(|p| Marker {
            date: p.starts_on,
            label: "program version".into(),
        })
        .filter(|m| in_period(m.date))
        .collect();

    let mut series = Vec::new();
    for element in [Element::Na, Element::K, Element::Ca, Element::Mg] {
        series.push(Series {
            id: element.symbol().to_lowercase(),
            title: format!("{} ({}) mg%", element.name(), element.symbol()),
            unit: "mg%".into(),
            points: tests
                .iter()
                .zip(&samples)
                .filter_map(|(t, s)| {
                    s.levels.get(&element).map(|l| Point {
                        date: t.sample_date,
                        value: l.mg_pct(),
                        href: None,
                    })
                })
                .collect(),
            ideal: reference.ideal(element),
        });
    }
    for ratio in RATIOS {
        series.push(Series {
            id: ratio.id().to_lowercase(),
            title: format!("{} ratio", ratio.label()),
            unit: String::new(),
            points: tests
                .iter()
                .zip(&analyses)
                .filter_map(|(t, a)| {
                    a.ratios.get(&ratio).and_then(|r| r.value()).map(|v| Point {
                        date: t.sample_date,
                        value: v,
                        href: None,
                    })
                })
                .collect(),
            ideal: reference.ratio_ideal(ratio),
        });
    }
    let axis = if tests.is_empty() {
        None
    } else {
        TimeAxis::spanning([start, end])
    };

    let dates: HashMap<i64, NaiveDate> = tests.iter().map(|t| (t.id, t.sample_date)).collect();
    let flags = flag_rows
        .iter()
        .filter_map(|f| {
            let to = f.to_test_id.and_then(|id| dates.get(&id))?;
            let from = f
                .from_test_id
                .and_then(|id| dates.get(&id))
                .map(|d| d.to_string())
                .unwrap_or_else(|| "an earlier test".into());
            Some(FlagSummary {
                raised_between: format!("{from} → {to}"),
                kind: f.kind.replace('_', " "),
                rule: f.rule.clone(),
                summary: f.summary.clone(),
                acknowledged: f.acknowledged_at.is_some(),
                note: f.ack_note.clone(),
            })
        })
        .collect();

    let symptoms = weekly
        .iter()
        .map(|s| SymptomSummary {
            label: label_of(&vocabulary, &s.symptom_key).to_string(),
            weekly: s
                .weeks
                .iter()
                .map(|w| (w.week_start, w.average()))
                .collect(),
            days_present: day_logs
                .iter()
                .filter(|d| {
                    d.severities
                        .iter()
                        .any(|(k, sev)| k == &s.symptom_key && sev.is_present())
                })
                .count() as u32,
        })
        .collect();

    Ok(SummaryData {
        client_name: client.full_name.clone(),
        reference_code: client.reference_code.clone(),
        practitioner_name: practitioner_name.to_string(),
        period_start: start,
        period_end: end,
        created_at: summary.created_at,
        comment: summary.comment.clone(),
        reference_set: reference.label(),
        program,
        test_columns: LEVELS
            .iter()
            .map(|e| e.symbol().to_string())
            .chain(RATIOS.iter().map(|r| r.label().to_string()))
            .collect(),
        tests: test_summaries,
        series,
        axis,
        markers,
        flags,
        symptoms,
        days_logged: adherence.days_logged,
        days_in_period: adherence.days_in_period,
    })
}
