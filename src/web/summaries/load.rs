//! Assembles a progress summary from the client's records (tests, program, flags and diary of
//! the period, analysed with the domain engine) as `SummaryData`, once, when it is made; and
//! reads a stored summary's frozen content back.

use crate::db::ClientId;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::clients::ClientRow;
use crate::db::summaries::{self, SummaryRow};
use crate::db::{accounts, flags, hair_tests, programs, DbConn, DbError, HairTestId};
use crate::domain::element::Element;
use crate::domain::ratio::RatioId;
use crate::export::plain::{oxidation_explanation, pattern_text};
use crate::export::summary::{
    AdherenceSummary, Audience, FlagSummary, OxidationNote, PatternNote, ProgramSummary,
    SummaryData, SymptomSummary, TestSummary, TrendSeries, CONTENT_FORMAT,
};
use crate::service::diary_period::DiaryPeriod;
use crate::service::history::{AnalyzedHistory, ClientFacts};
use crate::web::hair_tests::report::value_cells;

const LEVELS: [Element; 4] = [Element::Ca, Element::Mg, Element::Na, Element::K];
const RATIOS: [RatioId; 4] = [RatioId::NaK, RatioId::CaK, RatioId::CaMg, RatioId::NaMg];

/// The period a new summary proposes, so that it tells the whole story: from the last test
/// taken before the program started (the baseline), or the client's first test, to today. With
/// no test before the program, the program's start when it is earlier than the first test.
pub fn default_period(
    conn: &mut DbConn,
    client_id: ClientId,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), DbError> {
    let program_start = programs::history(conn, client_id)?
        .first()
        .map(|v| v.version.starts_on);
    let tests: Vec<NaiveDate> = hair_tests::list_for_client(conn, client_id)?
        .iter()
        .map(|t| t.sample_date)
        .collect();
    Ok((story_start(program_start, &tests, today), today))
}

/// `default_period`'s start, from the program's first start and the sample dates (ascending).
fn story_start(
    program_start: Option<NaiveDate>,
    tests: &[NaiveDate],
    today: NaiveDate,
) -> NaiveDate {
    let baseline = program_start.and_then(|p| tests.iter().rev().find(|d| **d <= p).copied());
    let first_test = tests.first().copied();
    let start = match (baseline, first_test, program_start) {
        (Some(baseline), _, _) => baseline,
        (None, Some(first), Some(program)) => first.min(program),
        (None, Some(first), None) => first,
        (None, None, Some(program)) => program,
        (None, None, None) => today - chrono::Duration::days(365),
    };
    start.min(today)
}

/// Assembles the content of a summary from the client's records as they are now: the document
/// that is then stored and never recomputed.
pub fn assemble(
    conn: &mut DbConn,
    client: &ClientRow,
    practitioner_name: &str,
    summary: &SummaryRow,
) -> Result<SummaryData, DbError> {
    let (start, end) = (summary.period_start, summary.period_end);
    let in_period = |d: NaiveDate| d >= start && d <= end;
    let all_tests = AnalyzedHistory::load(conn, client.id, ClientFacts::of(client))?;
    // Every live test's date, for flags whose earlier test lies before the period.
    let dates: HashMap<HairTestId, NaiveDate> = all_tests.dates_by_id();
    let tests = all_tests.within(start, end);
    let history = programs::history(conn, client.id)?;
    let flag_rows = flags::active_for_client(conn, client.id)?;
    let diary = DiaryPeriod::load(conn, client.id, start, end, start)?;
    let (weekly, adherence) = (diary.weekly(), diary.adherence());
    let reference = &tests.reference;

    let mut patterns: Vec<PatternNote> = Vec::new();
    let mut oxidation_types: Vec<OxidationNote> = Vec::new();
    let test_summaries = tests
        .tests
        .iter()
        .map(|tested| {
            let (t, analysis) = (&tested.row, &tested.analysis);
            let values = value_cells(&tested.sample, analysis, &LEVELS, &RATIOS);
            let ox = &analysis.oxidation;
            let kind = ox.oxidation_type.as_str();
            let type_label = kind.replace('_', " ");
            if !oxidation_types.iter().any(|n| n.label == type_label) {
                oxidation_types.push(OxidationNote {
                    label: type_label,
                    explanation: oxidation_explanation(kind).to_string(),
                });
            }
            let names = analysis
                .patterns
                .iter()
                .map(|p| {
                    let (name, explanation) = pattern_text(&p.id);
                    if !patterns.iter().any(|n| n.id == p.id) {
                        patterns.push(PatternNote {
                            id: p.id.clone(),
                            name: name.clone(),
                            explanation,
                        });
                    }
                    name
                })
                .collect();
            let evidence = analysis
                .patterns
                .iter()
                .map(|p| {
                    let multiple = p.multiple.map(|m| format!(" {m}×")).unwrap_or_default();
                    format!("{}{multiple}: {}", pattern_text(&p.id).0, p.evidence)
                })
                .collect();
            TestSummary {
                sample_date: t.sample_date,
                lab: t.lab.clone(),
                values,
                oxidation: ox.full_label(),
                patterns: names,
                washed: t.washed,
                notes: ox
                    .caveats
                    .iter()
                    .filter_map(|c| c.sentence())
                    .map(str::to_string)
                    .collect(),
                evidence,
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
                    let dose = crate::words::amount(&s.dose, &s.unit);
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
    let program_starts: Vec<NaiveDate> = program
        .iter()
        .map(|p| p.starts_on)
        .filter(|d| in_period(*d))
        .collect();

    let mut trends = Vec::new();
    for element in [Element::Na, Element::K, Element::Ca, Element::Mg] {
        trends.push(TrendSeries {
            id: element.symbol().to_lowercase(),
            title: format!("{} ({}) mg%", element.title(), element.symbol()),
            unit: "mg%".into(),
            points: tests
                .tests
                .iter()
                .filter_map(|t| {
                    let level = t.sample.levels.get(&element)?;
                    Some((t.row.sample_date, level.mg_pct()))
                })
                .collect(),
            ideal: reference.ideal(element),
        });
    }
    for ratio in RATIOS {
        trends.push(TrendSeries {
            id: ratio.id().to_lowercase(),
            title: format!("{} ratio", ratio.label()),
            unit: String::new(),
            points: tests
                .tests
                .iter()
                .filter_map(|t| {
                    let value = t.analysis.ratios.get(&ratio)?.value()?;
                    Some((t.row.sample_date, value))
                })
                .collect(),
            ideal: reference.ratio_ideal(ratio),
        });
    }

    let flags = flag_rows
        .iter()
        .filter_map(|f| {
            let (raised_between, from_diary) = if f.kind == flags::LOW_ADHERENCE_KIND {
                // ADH-2 reads the diary's last 14 days when a day is saved, not a pair of tests:
                // the flag belongs to the period it was raised in. Its summary already names
                // the 14 days, so this line says only where and when it was raised.
                let raised = f.raised_at.date();
                if !in_period(raised) {
                    return None;
                }
                (format!("raised from the diary on {raised}"), true)
            } else {
                let to = f
                    .to_test_id
                    .and_then(|id| dates.get(&id))
                    .filter(|d| in_period(**d))?;
                let from = f
                    .from_test_id
                    .and_then(|id| dates.get(&id))
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "a deleted test".into());
                (format!("{from} → {to}"), false)
            };
            Some(FlagSummary {
                raised_between,
                from_diary,
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
        .map(|s| {
            let felt = diary.days().flat_map(|d| {
                d.severities
                    .iter()
                    .filter(|(k, sev)| k == &s.symptom_key && sev.is_present())
                    .map(|(_, sev)| sev.get())
            });
            let (days_present, peak) = felt.fold((0u32, None::<u8>), |(n, peak), sev| {
                (n + 1, Some(peak.map_or(sev, |p| p.max(sev))))
            });
            SymptomSummary {
                label: diary.label(&s.symptom_key).to_string(),
                weekly: s
                    .weeks
                    .iter()
                    .map(|w| (w.week_start, w.average()))
                    .collect(),
                days_present,
                peak,
            }
        })
        .collect();

    Ok(SummaryData {
        format: CONTENT_FORMAT,
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
        patterns,
        oxidation_types,
        trends,
        program_starts,
        flags,
        symptoms,
        days_logged: adherence.days_logged,
        days_in_period: adherence.days_in_period,
        adherence: diary
            .program_shares()
            .into_iter()
            .map(|(item, shares)| AdherenceSummary {
                label: diary.item_label(&item),
                diet: item == crate::domain::adherence::Item::Diet,
                full: shares.full,
                partly: shares.partly,
                not: shares.not,
            })
            .collect(),
        series: Vec::new(),
        axis: None,
        markers: Vec::new(),
        audience: Audience::Practitioner,
    }
    .with_charts())
}

/// The content of a stored summary as it was made. A summary made before contents were stored
/// is assembled now and frozen from this first opening on.
pub fn stored(
    conn: &mut DbConn,
    client: &ClientRow,
    summary: &SummaryRow,
) -> Result<SummaryData, DbError> {
    let json = match &summary.content {
        Some(json) => json.clone(),
        None => {
            let author = author_of(conn, summary)?;
            let data = assemble(conn, client, &author, summary)?;
            let json = data.to_json().map_err(stored_error)?;
            summaries::freeze_legacy(conn, summary.id, &json)?
        }
    };
    SummaryData::from_json(&json).map_err(stored_error)
}

/// Content that cannot be (de)serialized is a storage fault like an unreadable column.
fn stored_error(message: String) -> DbError {
    DbError::unreadable(message)
}

/// The display name of the practitioner who made the summary.
pub fn author_of(conn: &mut DbConn, summary: &SummaryRow) -> Result<String, DbError> {
    Ok(accounts::find(conn, summary.created_by)?
        .map(|a| a.display_name)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_story_starts_with_the_baseline_test() {
        let today = d("2026-11-28");
        let tests = [d("2024-06-01"), d("2025-01-10"), d("2025-05-02")];
        // The last test on or before the program's start is the baseline.
        assert_eq!(
            story_start(Some(d("2025-01-12")), &tests, today),
            d("2025-01-10")
        );
        assert_eq!(
            story_start(Some(d("2025-01-10")), &tests, today),
            d("2025-01-10")
        );
        // No program: the first test.
        assert_eq!(story_start(None, &tests, today), d("2024-06-01"));
        // Every test after the program started: the program's start.
        assert_eq!(
            story_start(Some(d("2024-01-01")), &tests, today),
            d("2024-01-01")
        );
        // Nothing recorded: a year.
        assert_eq!(story_start(None, &[], today), d("2025-11-28"));
        // A program starting in the future never pushes the start past today.
        assert_eq!(story_start(Some(d("2027-01-01")), &[], today), today);
    }
}
