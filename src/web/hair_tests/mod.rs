//! Hair tests of a client: enter, read (the report), edit, delete and restore.

pub mod form;
pub mod from_report;
pub mod report;
pub mod review;

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

use super::audit::record_view;
use super::forms::EmptyForm;
use super::forms::{redirect, FieldErrors};
use super::{remote_addr, run_db, AppError, AppResult, Layout};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Practitioner, ScopedClient, ScopedHairTest};
use crate::db::clients::ClientRow;
use crate::db::hair_tests::{self, HairTestRow};
use crate::db::reference_sets::reference_set_for_practitioner;
use crate::db::{HairTestId, Pool};
use crate::domain::element::Element;
use crate::domain::ratio::RatioId;
use crate::domain::reference::ReferenceSet;
use crate::service::commands::hair_tests::{
    self as hair_test_commands, Actor, TestChange, RESTORE_WINDOW,
};
use crate::service::history::{group_levels, AnalyzedHistory, ClientFacts};
use form::{element_groups, HairTestForm, LABS};
use report::{ChangeLine, MineralGroup, RatioLine};
use review::{ReviewView, REPORT_FILE};

use crate::web::view::render_page;

#[derive(Template)]
#[template(path = "hair_tests/form.html")]
struct FormPage {
    layout: Layout,
    client: ClientRow,
    test_id: Option<HairTestId>,
    form: HairTestForm,
    errors: FieldErrors,
    groups: Vec<(&'static str, Vec<Element>)>,
    ratios: Vec<RatioId>,
    labs: [&'static str; 3],
    /// The practitioner's set, for the ideals shown next to each field.
    reference: ReferenceSet,
    /// Where the values came from, when the form was pre-filled from a lab report.
    review: Option<ReviewView>,
}

impl FormPage {
    fn new(
        practitioner: &Practitioner,
        client: ClientRow,
        test_id: Option<HairTestId>,
        form: HairTestForm,
        errors: FieldErrors,
        reference: ReferenceSet,
    ) -> Self {
        let review = test_id
            .is_none()
            .then(|| ReviewView::from_form(&form, client.sex, &reference, Utc::now().date_naive()))
            .flatten();
        FormPage {
            layout: Layout::for_practitioner(practitioner, "clients"),
            client,
            test_id,
            form,
            errors,
            groups: element_groups(),
            ratios: RatioId::ALL.to_vec(),
            labs: LABS,
            reference,
            review,
        }
    }

    /// Where a field's value was read from in the lab report (review only).
    fn read_from(&self, field: &str) -> Option<&String> {
        self.review.as_ref().and_then(|r| r.read.get(field))
    }

    fn action(&self) -> String {
        match self.test_id {
            Some(id) => format!("/clients/{}/tests/{id}/edit", self.client.id),
            None => format!("/clients/{}/tests", self.client.id),
        }
    }

    fn reference_text(&self, element: &Element) -> String {
        let reference = &self.reference;
        match (
            reference.ideal(*element),
            reference.toxic_threshold(*element),
        ) {
            (Some(ideal), _) => {
                format!("ideal {}", crate::domain::numbers::format_threshold(ideal))
            }
            (None, Some(high)) => {
                format!("high > {}", crate::domain::numbers::format_threshold(high))
            }
            _ => String::new(),
        }
    }
}

/// The set the signed-in practitioner's clients are analysed with.
async fn practitioner_set(pool: &Pool, practitioner: &Practitioner) -> AppResult<ReferenceSet> {
    let id = practitioner.id();
    run_db(pool, move |conn| reference_set_for_practitioner(conn, id)).await
}

pub async fn new_form(pool: web::Data<Pool>, scoped: ScopedClient) -> AppResult<HttpResponse> {
    let form = HairTestForm::blank(Utc::now().date_naive());
    let reference = practitioner_set(&pool, &scoped.practitioner).await?;
    render_page(
        StatusCode::OK,
        &FormPage::new(
            &scoped.practitioner,
            scoped.client,
            None,
            form,
            FieldErrors::default(),
            reference,
        ),
    )
}

async fn save(
    req: &HttpRequest,
    pool: &Pool,
    scoped: ScopedClient,
    test_id: Option<HairTestId>,
    values: HashMap<String, String>,
) -> AppResult<HttpResponse> {
    let form = HairTestForm::from_submitted(values);
    let input = match form.parse(Utc::now().date_naive()) {
        Ok(input) => input,
        Err(errors) => {
            let reference = practitioner_set(pool, &scoped.practitioner).await?;
            return render_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage::new(
                    &scoped.practitioner,
                    scoped.client,
                    test_id,
                    form,
                    errors,
                    reference,
                ),
            );
        }
    };
    let (account_id, addr) = (scoped.practitioner.id(), remote_addr(req));
    let (client_id, sex) = (scoped.client.id, scoped.client.sex);
    let id = test_id.unwrap_or_else(HairTestId::fresh);
    // A form read from a lab report carries its PDF (kept pending) to attach to the new test.
    let report_file = form
        .values
        .get(REPORT_FILE)
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|_| test_id.is_none());
    let saved = run_db(pool, move |conn| {
        let actor = Actor {
            account_id,
            remote_addr: &addr,
        };
        if let Some(file_id) = report_file {
            return hair_test_commands::create_from_report(
                conn, &actor, client_id, sex, id, &input, file_id,
            )
            .map(|(saved, _)| saved);
        }
        let change = if test_id.is_some() {
            TestChange::Update(&input)
        } else {
            TestChange::Create(&input)
        };
        hair_test_commands::apply(conn, &actor, client_id, sex, id, change)
    })
    .await?;
    if !saved {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("/clients/{client_id}/tests/{id}")))
}

pub async fn create(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedClient,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    save(&req, &pool, scoped, None, values).await
}

pub async fn edit_form(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedHairTest,
) -> AppResult<HttpResponse> {
    if scoped.test.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let (viewer, test_id) = (scoped.scope.practitioner.id(), Some(scoped.test.id.get()));
    record_view(
        &req,
        &pool,
        viewer,
        &scoped.scope.client,
        "hair_test",
        test_id,
    )
    .await?;
    let (test_id, practitioner_id) = (scoped.test.id, scoped.scope.practitioner.id());
    let (levels, reference) = run_db(&pool, move |conn| {
        let levels = hair_tests::levels_of(conn, &[test_id])?;
        Ok((
            levels,
            reference_set_for_practitioner(conn, practitioner_id)?,
        ))
    })
    .await?;
    let form = HairTestForm::from_stored(&scoped.test, &levels);
    let ScopedHairTest { scope, test } = scoped;
    render_page(
        StatusCode::OK,
        &FormPage::new(
            &scope.practitioner,
            scope.client,
            Some(test.id),
            form,
            FieldErrors::default(),
            reference,
        ),
    )
}

pub async fn update(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedHairTest,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    if scoped.test.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let test_id = scoped.test.id;
    save(&req, &pool, scoped.scope, Some(test_id), values).await
}

async fn change_deleted(
    req: &HttpRequest,
    pool: &Pool,
    scoped: &ScopedHairTest,
    change: fn() -> TestChange<'static>,
) -> AppResult<HttpResponse> {
    let (account_id, addr) = (scoped.scope.practitioner.id(), remote_addr(req));
    let (client_id, sex, test_id) = (
        scoped.scope.client.id,
        scoped.scope.client.sex,
        scoped.test.id,
    );
    let done = run_db(pool, move |conn| {
        hair_test_commands::apply(
            conn,
            &Actor {
                account_id,
                remote_addr: &addr,
            },
            client_id,
            sex,
            test_id,
            change(),
        )
    })
    .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("/clients/{client_id}/tests/{test_id}")))
}

pub async fn delete(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedHairTest,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    // Deleting is when old deletions are looked at: what outlived its window goes for good.
    run_db(&pool, |conn| {
        hair_test_commands::purge_expired(conn).map(|_| ())
    })
    .await?;
    change_deleted(&req, &pool, &scoped, || TestChange::Delete).await
}

pub async fn restore(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedHairTest,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    change_deleted(&req, &pool, &scoped, || TestChange::Restore).await
}

pub struct PatternView {
    pub id: String,
    pub title: String,
    pub multiple: Option<u8>,
    pub evidence: String,
    pub caveat: Option<&'static str>,
}

pub struct PreviousView {
    pub id: HairTestId,
    pub sample_date: String,
    pub minerals: Vec<ChangeLine>,
    pub ratios: Vec<ChangeLine>,
    pub flags: Vec<String>,
    pub washing_note: Option<String>,
}

#[derive(Template)]
#[template(path = "hair_tests/show.html")]
struct ShowPage {
    layout: Layout,
    client: ClientRow,
    test: HairTestRow,
    oxidation_type: String,
    degree: Option<String>,
    oxidation_evidence: Vec<String>,
    oxidation_caveats: Vec<&'static str>,
    /// OX-8 / OX-9: `tired slow oxidizer`, `mixed, leaning slow`.
    oxidation_reading: Option<String>,
    /// OX-7 (an app convention): the deciding ratio near its threshold.
    borderline: Option<String>,
    patterns: Vec<PatternView>,
    not_evaluated: Vec<(String, String)>,
    groups: Vec<MineralGroup>,
    ratios: Vec<RatioLine>,
    warnings: Vec<String>,
    previous: Option<PreviousView>,
    restorable: bool,
    /// Symptom-to-finding hints from the diary (practitioner only).
    considerations: Vec<crate::domain::hints::Consideration>,
    cramp_days: usize,
    /// The lab's report kept with the test.
    report_file: Option<crate::db::lab_reports::ReportFileInfo>,
}

impl ShowPage {
    /// `120 KB`, `1.4 MB`.
    fn report_size(&self) -> String {
        let bytes = self.report_file.as_ref().map_or(0, |f| f.byte_size);
        if bytes >= 1024 * 1024 {
            format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", (bytes + 1023) / 1024)
        }
    }
}

pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    scoped: ScopedHairTest,
) -> AppResult<HttpResponse> {
    let ScopedHairTest { scope, test } = scoped;
    let viewer = scope.practitioner.id();
    // The view is handed to the audit writer first and the page's records are read while it
    // commits; both are awaited before the page is built, so it is still never sent before
    // its view is on record.
    let viewed = record_view(
        &req,
        &pool,
        viewer,
        &scope.client,
        "hair_test",
        Some(test.id.get()),
    );
    let client_id = scope.client.id;
    let (sample_date, test_id) = (test.sample_date, test.id);
    let (practitioner_id, facts) = (scope.practitioner.id(), ClientFacts::of(&scope.client));
    let read = run_db(&pool, move |conn| {
        let reference = reference_set_for_practitioner(conn, practitioner_id)?;
        let history = AnalyzedHistory::load_with(conn, client_id, facts, reference)?;
        let previous = history
            .rows()
            .take_while(|t| t.id != test_id)
            .last()
            .map(|t| t.sample_date);
        let cramps = crate::db::hints::cramp_history(conn, client_id, sample_date, previous)?;
        // The freshest copy of the test is the history's (read after the extractor's lookup);
        // a deleted test is not part of the history and is analysed on its own.
        let (index, this) = match history.position(test_id) {
            Some(index) => (Some(index), None),
            None => {
                let levels = group_levels(hair_tests::levels_of(conn, &[test_id])?);
                (None, Some(history.analyze_row(test, &levels)))
            }
        };
        let report_file = crate::db::lab_reports::info_for_test(conn, test_id)?;
        Ok((history, index, this, cramps, report_file))
    });
    let ((), (history, index, this, cramps, report_file)) =
        futures_util::future::try_join(viewed, read).await?;
    let reference = &history.reference;
    let tested = match (index, &this) {
        (Some(index), _) => &history.tests[index],
        (None, Some(this)) => this,
        (None, None) => return Err(AppError::NotFound),
    };
    let (sample, analysis) = (&tested.sample, &tested.analysis);
    let mut test = tested.row.clone();
    // The page shows this analysis, so it names the set this analysis used (the stored label
    // is the same unless a save raced a change of set).
    test.reference_set = analysis.reference_set.clone();
    let previous = index
        .filter(|_| test.deleted_at.is_none())
        .and_then(|index| {
            Some((
                history.tests.get(index.checked_sub(1)?)?,
                history.comparison(index)?,
            ))
        })
        .map(|(prev, comparison)| {
            let prev = &prev.row;
            let (minerals, ratios) = report::change_lines(&comparison);
            PreviousView {
                id: prev.id,
                sample_date: prev.sample_date.to_string(),
                minerals,
                ratios,
                flags: comparison
                    .flags
                    .iter()
                    .map(|f| {
                        format!(
                            "{} ({}): {}",
                            f.kind.as_str().replace('_', " "),
                            f.rule,
                            f.summary
                        )
                    })
                    .collect(),
                washing_note: comparison.washing_note.clone(),
            }
        });
    let considerations = crate::domain::hints::considerations(analysis, cramps);
    let ox = &analysis.oxidation;
    let page = ShowPage {
        report_file,
        considerations,
        cramp_days: cramps.cramp_days,
        layout: Layout::for_practitioner(&scope.practitioner, "clients"),
        oxidation_type: ox.oxidation_type.as_str().replace('_', " "),
        degree: ox.degree.map(|d| d.as_str().to_string()),
        oxidation_evidence: ox
            .evidence
            .split("; ")
            .map(str::to_string)
            .chain(ox.undetermined_reason.clone())
            .filter(|s| !s.is_empty())
            .collect(),
        oxidation_caveats: ox.caveats.iter().map(|c| c.explanation()).collect(),
        oxidation_reading: ox.reading(),
        borderline: ox.borderline.map(|b| b.describe()),
        patterns: analysis
            .patterns
            .iter()
            .map(|p| PatternView {
                id: p.id.clone(),
                title: report::pattern_title(&p.id),
                multiple: p.multiple,
                evidence: p.evidence.clone(),
                caveat: p.caveats.first().map(|c| c.explanation()),
            })
            .collect(),
        not_evaluated: analysis
            .not_evaluated
            .iter()
            .map(|n| (n.rule_id.clone(), n.reason.clone()))
            .collect(),
        groups: report::mineral_groups(sample, reference),
        ratios: report::ratio_lines(analysis, reference),
        warnings: report::printed_ratio_warnings(&test, analysis, reference),
        previous,
        restorable: test
            .deleted_at
            .is_some_and(|d| crate::db::now() - d <= RESTORE_WINDOW),
        client: scope.client,
        test,
    };
    render_page(StatusCode::OK, &page)
}
