//! The client timeline: trends of every test on one time axis, the table of tests with changes
//! since the previous one, the flags raised between tests, and when the next test is due.

pub mod cache;

pub use crate::charts as chart;

use crate::db::ClientId;
use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::forms::{redirect, Lines};
use super::{remote_addr, run_db, AppError, AppResult};
use crate::auth::csrf::CsrfForm;
use crate::auth::ScopedFlag;
use crate::db::clients::ClientRow;
use crate::db::flags::{self, FlagRow};
use crate::db::hair_tests::{self, HairTestRow};
use crate::db::programs::{self, ProgramVersion, VersionWithSupplements};
use crate::db::{record_versions, DbConn, DbError, FlagId, HairTestId, Pool, ProgramVersionId};
use crate::domain::compare::Direction;
use crate::domain::element::Element;
use crate::domain::numbers::format_value;
use crate::domain::ratio::RatioId;
use crate::domain::retest::{retest_due_date, DEFAULT_RETEST_INTERVAL_MONTHS};
use crate::service::commands::hair_tests::RESTORE_WINDOW;
use crate::service::commands::{self, Actor};
use crate::service::diary_period::DiaryPeriod;
use crate::service::history::{AnalyzedHistory, ClientFacts};
use crate::web::client_diary::{load_section, PortalSection};
use crate::web::hair_tests::report::pattern_title;
use crate::web::summaries::SummaryList;
use cache::{Made, Rendered, SectionsCache};
use chart::{line_chart, Marker, Point, Series, TimeAxis};

/// One value in the tests table, with its movement since the previous test (CMP-1).
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub arrow: &'static str,
    pub direction: &'static str,
}

#[derive(Debug, Clone)]
pub struct TestLine {
    pub id: HairTestId,
    pub sample_date: NaiveDate,
    pub lab: String,
    pub washed: bool,
    pub oxidation: String,
    pub changed_type: bool,
    /// OX-7 (an app convention): `borderline: Ca/K 3.9 is 2.5 % from 4`.
    pub borderline: Option<String>,
    /// The fuller reading of a fast or slow type (OX-9: `tired slow oxidizer`) and the short
    /// caveats on the type (OX-11, the ARL caveat), each a line under the type.
    pub notes: Vec<String>,
    pub cells: Vec<Cell>,
    /// The test's patterns by name, each with its HTMA.md id as secondary detail.
    pub patterns: Vec<PatternName>,
}

#[derive(Debug, Clone)]
pub struct PatternName {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct FlagLine {
    pub row: FlagRow,
    /// The flag by name, its codes apart (`web::flag_text`).
    pub text: crate::web::flag_text::FlagText,
    pub from_date: Option<NaiveDate>,
    pub to_date: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Retest {
    pub due: NaiveDate,
    pub overdue: bool,
    pub interval_months: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub columns: Vec<&'static str>,
    pub tests: Vec<TestLine>,
    pub charts: Vec<chart::Chart>,
    pub flags: Vec<FlagLine>,
    pub deleted: Vec<HairTestRow>,
    pub retest: Option<Retest>,
    /// Program versions, newest first: the planned ones (starting after today), the one in
    /// force today, then the earlier ones.
    pub program: Vec<VersionWithSupplements>,
    /// The version in force today (the latest starting on or before today), if any.
    pub current_program: Option<ProgramVersionId>,
    /// Where the earlier versions start in `program` (they are folded).
    pub first_earlier: usize,
    /// Versions deleted within the restore window, most recently deleted first.
    pub deleted_program: Vec<ProgramVersion>,
    /// The client's own retest interval, when set (else the default).
    pub retest_interval: Option<i64>,
    /// Weekly symptom severity on the same time axis as the mineral charts.
    pub symptom_charts: Vec<chart::Chart>,
    /// Symptoms whose weekly average rose by 3 or more points within 2 weeks.
    pub rising_symptoms: Vec<String>,
    /// Days logged, days in the period, and the period's first day.
    pub adherence: (u32, u32, NaiveDate),
    /// Program adherence per supplement and the diet, weekly (issue 17, ADH-1), on the same
    /// time axis.
    pub program_charts: Vec<chart::Chart>,
}

impl Timeline {
    pub fn is_current(&self, version_id: &ProgramVersionId) -> bool {
        self.current_program == Some(*version_id)
    }

    /// A version starting after today (its index in `program`, which lists them first).
    pub fn is_planned(&self, index: &usize) -> bool {
        let index = *index;
        index < self.first_earlier && self.current_program != Some(self.program[index].version.id)
    }

    pub fn open_flags(&self) -> usize {
        self.flags
            .iter()
            .filter(|f| f.row.acknowledged_at.is_none())
            .count()
    }
}

const TABLE_ELEMENTS: [Element; 4] = [Element::Ca, Element::Mg, Element::Na, Element::K];
const TABLE_RATIOS: [RatioId; 4] = [RatioId::NaK, RatioId::CaK, RatioId::CaMg, RatioId::NaMg];

fn arrow(direction: Option<Direction>) -> (&'static str, &'static str) {
    match direction {
        Some(Direction::Toward) => ("↗", "toward"),
        Some(Direction::Away) => ("↘", "away"),
        Some(Direction::Unchanged) => ("→", "unchanged"),
        Some(Direction::PossibleElimination) => ("↗", "possible elimination"),
        None => ("", ""),
    }
}

pub struct Loaded {
    /// The live tests, analysed with the set the client's practitioner uses.
    history: AnalyzedHistory,
    flags: Vec<FlagRow>,
    deleted: Vec<HairTestRow>,
    program: Vec<VersionWithSupplements>,
    deleted_program: Vec<ProgramVersion>,
    retest_interval: Option<i64>,
    /// The diary over the timeline's period: weekly severities for the charts, adherence, and
    /// the rising-symptom flags.
    diary: DiaryPeriod,
}

/// What the kept part of a client page is rendered from: the timeline's records, and the
/// page's summaries and portal sections (kept with it, issue 15).
pub struct Records {
    timeline: Loaded,
    summaries: SummaryList,
    portal: PortalSection,
}

fn load_rows(conn: &mut DbConn, client: &ClientRow, today: NaiveDate) -> Result<Loaded, DbError> {
    let client_id = client.id;
    let history = AnalyzedHistory::load(conn, client_id, ClientFacts::of(client))?;
    let flags = flags::active_for_client(conn, client_id)?;
    let since = crate::db::now() - RESTORE_WINDOW;
    let deleted = hair_tests::list_deleted_for_client(conn, client_id, since)?;
    let program = programs::history(conn, client_id)?;
    let deleted_program =
        programs::list_deleted(conn, client_id, crate::db::now() - programs::RESTORE_WINDOW)?;
    let retest_interval = programs::retest_interval(conn, client_id)?;
    let to = today;
    // The diary is read over the timeline's own period (first test or program version), or
    // the last twelve weeks when there is neither yet.
    let from = history
        .tests
        .first()
        .map(|t| t.row.sample_date)
        .into_iter()
        .chain(program.first().map(|v| v.version.starts_on))
        .min()
        .unwrap_or(to - chrono::Duration::weeks(12))
        .min(to);
    // Two weeks before the period so its first weeks have baselines.
    let diary =
        DiaryPeriod::load_days(conn, client_id, from, to, from - chrono::Duration::days(14))?;
    Ok(Loaded {
        history,
        flags,
        deleted,
        program,
        deleted_program,
        retest_interval,
        diary,
    })
}

fn load_records(
    conn: &mut DbConn,
    client: &ClientRow,
    today: NaiveDate,
) -> Result<Records, DbError> {
    Ok(Records {
        timeline: load_rows(conn, client, today)?,
        summaries: SummaryList::load(conn, client.id)?,
        portal: load_section(conn, client.id, crate::db::now())?,
    })
}

impl Records {
    /// When the sections first change without a change of the records: a deleted test,
    /// program version or summary listed leaves its restore window, the client's day ends (the
    /// diary's adherence), an open link expires.
    fn first_expiry(&self) -> Option<NaiveDateTime> {
        let tests = self
            .timeline
            .deleted
            .iter()
            .filter_map(|t| t.deleted_at)
            .map(|at| at + RESTORE_WINDOW);
        let versions = self
            .timeline
            .deleted_program
            .iter()
            .filter_map(|v| v.deleted_at)
            .map(|at| at + programs::RESTORE_WINDOW);
        tests
            .chain(versions)
            .chain(self.summaries.first_expiry())
            .chain([self.portal.changes_at])
            .min()
    }
}

/// The timeline's sections of a client page: the kept copy when it is current, else the
/// records to render them from.
pub enum Sections {
    Kept(Arc<Rendered>),
    Loaded { made: Made, loaded: Box<Records> },
}

/// Reads what the timeline's sections need, inside the page's `run_db`: the record version
/// first (so records read after it are never older than it says), then the records unless the
/// cache has a copy made from this version today.
pub fn read_sections(
    conn: &mut DbConn,
    cache: Option<&SectionsCache>,
    client: &ClientRow,
    today: NaiveDate,
) -> Result<Sections, DbError> {
    let version = record_versions::of_client(conn, client.practitioner_id.get(), client.id.get())?;
    if let Some(kept) = cache.and_then(|c| c.get(client.id, version, today, crate::db::now())) {
        return Ok(Sections::Kept(kept));
    }
    let loaded = load_records(conn, client, today)?;
    let made = Made {
        version,
        today,
        until: loaded.first_expiry(),
    };
    Ok(Sections::Loaded {
        made,
        loaded: Box::new(loaded),
    })
}

/// The sections ready for the page: the kept copy, or rendered now (and kept, with a cache).
/// Without a cache they are rendered with the session's own token.
pub fn rendered(
    sections: Sections,
    cache: Option<&SectionsCache>,
    client: &ClientRow,
    csrf_token: &str,
) -> AppResult<Arc<Rendered>> {
    let (made, loaded) = match sections {
        Sections::Kept(kept) => return Ok(kept),
        Sections::Loaded { made, loaded } => (made, loaded),
    };
    let slot = cache.map_or(csrf_token, SectionsCache::slot);
    let html = render_sections(client, *loaded, made.today, slot)?;
    let rendered = Arc::new(Rendered::split(&html, slot));
    if let Some(cache) = cache {
        cache.keep(client.id, made, rendered.clone());
    }
    Ok(rendered)
}

/// The kept part of a client page (`templates/timeline/kept.html`: the timeline's sections,
/// the summaries, the diary and the portal access) on its own, with `csrf_token` in its forms.
#[derive(Template)]
#[template(path = "timeline/kept.html")]
struct SectionsTemplate<'a> {
    layout: TokenOnly<'a>,
    client: &'a ClientRow,
    timeline: &'a Timeline,
    summaries: &'a SummaryList,
    portal: &'a PortalSection,
}

/// What the sections read of the page's layout: the forms' CSRF token.
struct TokenOnly<'a> {
    csrf_token: &'a str,
}

fn render_sections(
    client: &ClientRow,
    records: Records,
    today: NaiveDate,
    csrf_token: &str,
) -> AppResult<String> {
    SectionsTemplate {
        layout: TokenOnly { csrf_token },
        client,
        timeline: &build(client, records.timeline, today),
        summaries: &records.summaries,
        portal: &records.portal,
    }
    .render()
    .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// The sections rendered from the records as they are now, never from the cache: what a kept
/// copy must equal (the cache's tests compare every page with it after every kind of change).
pub fn fresh_sections(
    conn: &mut DbConn,
    client: &ClientRow,
    today: NaiveDate,
    csrf_token: &str,
) -> AppResult<String> {
    let records = load_records(conn, client, today)?;
    render_sections(client, records, today, csrf_token)
}

fn build(client: &ClientRow, loaded: Loaded, today: NaiveDate) -> Timeline {
    let history = &loaded.history;
    let mut lines = Vec::with_capacity(history.tests.len());
    for (i, tested) in history.tests.iter().enumerate() {
        let (test, sample, analysis) = (&tested.row, &tested.sample, &tested.analysis);
        let comparison = history.comparison(i);
        let mut cells = Vec::new();
        for element in TABLE_ELEMENTS {
            let text = sample
                .levels
                .get(&element)
                .map(|l| l.display())
                .unwrap_or_else(|| "—".into());
            let direction = comparison
                .as_ref()
                .and_then(|c| c.mineral_changes.iter().find(|m| m.element == element))
                .and_then(|m| m.direction);
            let (arrow, direction) = arrow(direction);
            cells.push(Cell {
                text,
                arrow,
                direction,
            });
        }
        for ratio in TABLE_RATIOS {
            let text = analysis
                .ratios
                .get(&ratio)
                .and_then(|r| r.value())
                .map(format_value)
                .unwrap_or_else(|| "—".into());
            let direction = comparison
                .as_ref()
                .and_then(|c| c.ratio_changes.iter().find(|r| r.ratio == ratio))
                .and_then(|r| r.direction);
            let (arrow, direction) = arrow(direction);
            cells.push(Cell {
                text,
                arrow,
                direction,
            });
        }
        let ox = &analysis.oxidation;
        let oxidation = match ox.reading() {
            Some(reading) if ox.oxidation_type == crate::domain::OxidationType::Mixed => reading,
            _ => ox.label(" "),
        };
        let changed_type =
            i > 0 && history.tests[i - 1].analysis.oxidation.oxidation_type != ox.oxidation_type;
        // Short, so the tests table fits a laptop: `borderline Ca/K 3.9 (2.5 %)`.
        let borderline = ox.borderline.map(|b| {
            format!(
                "borderline {} {} ({} %)",
                b.ratio,
                crate::domain::numbers::format_value(b.value),
                crate::domain::numbers::format_value(b.distance_pct).trim_end_matches(".0")
            )
        });
        let mut notes: Vec<String> = match ox.reading() {
            Some(reading) if ox.oxidation_type != crate::domain::OxidationType::Mixed => {
                vec![reading]
            }
            _ => Vec::new(),
        };
        notes.extend(
            ox.caveats
                .iter()
                .filter_map(|caveat| caveat.short())
                .map(str::to_string),
        );
        lines.push(TestLine {
            id: test.id,
            sample_date: test.sample_date,
            lab: test.lab.clone(),
            washed: test.washed,
            oxidation,
            changed_type,
            borderline,
            notes,
            cells,
            patterns: analysis
                .patterns
                .iter()
                .map(|p| PatternName {
                    id: p.id.clone(),
                    title: pattern_title(&p.id),
                })
                .collect(),
        });
    }
    let dates: HashMap<HairTestId, NaiveDate> = history.dates_by_id();
    let markers: Vec<Marker> = loaded
        .program
        .iter()
        .enumerate()
        .map(|(i, v)| Marker {
            date: v.version.starts_on,
            label: format!("program version {}", i + 1),
        })
        .collect();
    let diary = &loaded.diary;
    let weekly = diary.weekly();
    // The axis spans the client's records, the tests and the days logged; program versions are
    // marked where they fall inside it, so a version far away (a date typed wrong, a plan years
    // ahead) never squeezes the data into a corner of the chart.
    let logged: Vec<NaiveDate> = diary.days().map(|d| d.date).collect();
    let program_weekly = diary.program_weekly();
    let axis = TimeAxis::spanning(
        history
            .rows()
            .map(|t| t.sample_date)
            .chain(logged.first().copied())
            .chain(logged.last().copied()),
    );
    let charts = match &axis {
        Some(axis) if !history.is_empty() => charts(client.id, history, &markers, axis),
        _ => Vec::new(),
    };
    let test_dates: Vec<NaiveDate> = history.rows().map(|t| t.sample_date).collect();
    let symptom_charts = match &axis {
        Some(axis) => weekly
            .iter()
            .map(|s| {
                let label = diary.label(&s.symptom_key);
                let weeks: Vec<_> = s
                    .weeks
                    .iter()
                    .map(|w| (w.week_start, w.average()))
                    .collect();
                chart::weekly_bars(&s.symptom_key, label, &weeks, axis, &markers, &test_dates)
            })
            .collect(),
        None => Vec::new(),
    };
    let program_charts = match &axis {
        Some(axis) => program_charts(diary, &program_weekly, axis, &markers, &test_dates),
        None => Vec::new(),
    };
    let rising_symptoms = diary
        .rising()
        .iter()
        .map(|r| {
            format!(
                "{} rose from {:.1} (week of {}) to {:.1} (week of {})",
                diary.label(&r.symptom_key),
                r.baseline_average,
                r.baseline_week_start,
                r.average,
                r.week_start
            )
        })
        .collect();
    let period_adherence = diary.adherence();
    let adherence = (
        period_adherence.days_logged,
        period_adherence.days_in_period,
        diary.from,
    );
    let interval = loaded
        .retest_interval
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| *m > 0)
        .unwrap_or(DEFAULT_RETEST_INTERVAL_MONTHS);
    let retest = history.tests.last().and_then(|last| {
        retest_due_date(last.row.sample_date, interval).map(|due| Retest {
            due,
            overdue: today >= due,
            interval_months: interval,
        })
    });
    Timeline {
        columns: vec!["Ca", "Mg", "Na", "K", "Na/K", "Ca/K", "Ca/Mg", "Na/Mg"],
        tests: lines,
        charts,
        flags: sorted_newest_change_first(loaded.flags, &dates)
            .into_iter()
            .map(|row| FlagLine {
                text: crate::web::flag_text::flag_text(
                    &row.kind,
                    &row.rule,
                    &row.flag_key,
                    &row.summary,
                ),
                from_date: row.from_test_id.and_then(|id| dates.get(&id).copied()),
                to_date: row.to_test_id.and_then(|id| dates.get(&id).copied()),
                row,
            })
            .collect(),
        deleted: loaded.deleted,
        retest,
        current_program: programs::current(&loaded.program, today).map(|v| v.version.id),
        first_earlier: loaded
            .program
            .iter()
            .filter(|v| v.version.starts_on > today)
            .count()
            + usize::from(programs::current(&loaded.program, today).is_some()),
        deleted_program: loaded.deleted_program,
        program: loaded.program.into_iter().rev().collect(),
        retest_interval: loaded.retest_interval,
        symptom_charts,
        rising_symptoms,
        adherence,
        program_charts,
    }
}

/// ADH-1 charts: one per supplement answered in the period, then the diet.
fn program_charts(
    diary: &DiaryPeriod,
    weekly: &[crate::domain::adherence::ItemWeeks],
    axis: &TimeAxis,
    markers: &[Marker],
    test_dates: &[NaiveDate],
) -> Vec<chart::Chart> {
    use crate::domain::adherence::Item;
    weekly
        .iter()
        .enumerate()
        .map(|(i, series)| {
            let weeks: Vec<chart::WeekAnswers> = series
                .weeks
                .iter()
                .map(|w| chart::WeekAnswers {
                    week_start: w.week_start,
                    full: w.shares.full,
                    partly: w.shares.partly,
                    not: w.shares.not,
                })
                .collect();
            let words = match series.item {
                Item::Diet => ["followed", "partly", "not followed"],
                Item::Supplement(_) => ["taken as prescribed", "partly", "not taken"],
            };
            chart::weekly_shares(
                &format!("item-{i}"),
                &diary.item_label(&series.item),
                words,
                &weeks,
                axis,
                markers,
                test_dates,
            )
        })
        .collect()
}

/// Flags are raised in bulk (an import, a recomputation), so the order that reads naturally is
/// by the later test of each pair, newest first.
fn sorted_newest_change_first(
    mut rows: Vec<FlagRow>,
    dates: &HashMap<HairTestId, NaiveDate>,
) -> Vec<FlagRow> {
    rows.sort_by_key(|f| {
        std::cmp::Reverse((
            f.to_test_id.and_then(|id| dates.get(&id).copied()),
            f.raised_at,
        ))
    });
    rows
}

/// The trend charts: Na, K, Ca, Mg levels, then the Na/K, Ca/K, Ca/Mg, Na/Mg ratios.
fn charts(
    client_id: ClientId,
    history: &AnalyzedHistory,
    markers: &[Marker],
    axis: &TimeAxis,
) -> Vec<chart::Chart> {
    let reference = &history.reference;
    let href = |t: &HairTestRow| Some(format!("/clients/{client_id}/tests/{}", t.id));
    let mut charts = Vec::new();
    for element in [Element::Na, Element::K, Element::Ca, Element::Mg] {
        let points = history
            .tests
            .iter()
            .filter_map(|t| {
                t.sample.levels.get(&element).map(|l| Point {
                    date: t.row.sample_date,
                    value: l.mg_pct(),
                    href: href(&t.row),
                })
            })
            .collect();
        let series = Series {
            id: element.symbol().to_lowercase(),
            title: format!("{} ({}) mg%", element.title(), element.symbol()),
            unit: "mg%".into(),
            points,
            ideal: reference.ideal(element),
        };
        charts.push(line_chart(&series, axis, markers));
    }
    for ratio in TABLE_RATIOS {
        let points = history
            .tests
            .iter()
            .filter_map(|t| {
                let value = t.analysis.ratios.get(&ratio).and_then(|r| r.value())?;
                Some(Point {
                    date: t.row.sample_date,
                    value,
                    href: href(&t.row),
                })
            })
            .collect();
        let series = Series {
            id: ratio.id().to_lowercase(),
            title: format!("{} ratio", ratio.label()),
            unit: String::new(),
            points,
            ideal: reference.ratio_ideal(ratio),
        };
        charts.push(line_chart(&series, axis, markers));
    }
    charts
}

#[derive(Deserialize)]
pub struct AcknowledgeForm {
    #[serde(default)]
    note: String,
    /// `dashboard` or `dashboard-borderline` when acknowledged from the dashboard's list: the
    /// answer goes back there (the shelf it was on), not to the client's record.
    #[serde(default)]
    back: String,
    /// The flag listed after this one, where the dashboard scrolls back to (no script needed).
    #[serde(default)]
    next: String,
}

/// Where an acknowledgement returns: the dashboard at the same spot of the list when it came
/// from there, else the client's flags. Only these known places, never a URL from the form.
fn after_acknowledging(client_id: ClientId, back: &str, next: &str) -> String {
    // The form's `next` names the flag shown after this one on the dashboard.
    let anchor = match next.trim().parse::<FlagId>() {
        Ok(id) if id.get() > 0 => format!("#flag-{id}"),
        _ => "#flags".to_string(),
    };
    match back {
        "dashboard" => format!("/{anchor}"),
        "dashboard-borderline" => format!("/?flags=borderline{anchor}"),
        _ => format!("/clients/{client_id}#flags"),
    }
}

pub async fn acknowledge_flag(
    req: HttpRequest,
    pool: web::Data<Pool>,
    ScopedFlag {
        scope: scoped,
        flag,
    }: ScopedFlag,
    CsrfForm(form): CsrfForm<AcknowledgeForm>,
) -> AppResult<HttpResponse> {
    let flag_id = flag.id;
    if let Some(problem) = crate::text::control_character_problem(&form.note, Lines::Multi) {
        return Err(AppError::Unprocessable(format!(
            "The note was not saved. {problem} Go back to change it."
        )));
    }
    let note: String = form.note.trim().chars().take(2000).collect();
    let (client_id, account_id, addr) = (
        scoped.client.id,
        scoped.practitioner.id(),
        remote_addr(&req),
    );
    let acknowledged = run_db(&pool, move |conn| {
        commands::flags::acknowledge(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            client_id,
            flag_id,
            &note,
        )
    })
    .await?;
    if !acknowledged {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&after_acknowledging(
        client_id, &form.back, &form.next,
    )))
}

#[cfg(test)]
mod tests {
    use super::after_acknowledging;
    use crate::db::ClientId;

    #[test]
    fn acknowledging_returns_to_known_places_only() {
        assert_eq!(after_acknowledging(ClientId(7), "", ""), "/clients/7#flags");
        assert_eq!(
            after_acknowledging(ClientId(7), "dashboard", "42"),
            "/#flag-42"
        );
        assert_eq!(after_acknowledging(ClientId(7), "dashboard", ""), "/#flags");
        assert_eq!(
            after_acknowledging(ClientId(7), "dashboard-borderline", "x"),
            "/?flags=borderline#flags"
        );
        assert_eq!(
            after_acknowledging(ClientId(7), "https://evil.example", "1"),
            "/clients/7#flags"
        );
        assert_eq!(
            after_acknowledging(ClientId(7), "dashboard", "-3"),
            "/#flags"
        );
    }
}
