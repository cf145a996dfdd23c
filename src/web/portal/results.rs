//! The client's own hair-test results, shown only when the practitioner chose to share them
//! ("share results" on the client's page). Never the practitioner's considerations or flags.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::auth::PortalClient;
use crate::db::Pool;
use crate::domain::element::Element;
use crate::domain::ratio::RatioId;
use crate::service::history::{AnalyzedHistory, ClientFacts};
use crate::web::hair_tests::report::{pattern_title, value_cells};
use crate::web::view::render_page;
use crate::web::{run_db, AppResult, Layout};

pub struct ResultLine {
    pub sample_date: String,
    pub oxidation: String,
    /// Caveats on the type, one plain sentence each (OX-11, the ARL caveat).
    pub notes: Vec<&'static str>,
    pub values: Vec<String>,
    pub patterns: Vec<String>,
}

#[derive(Template)]
#[template(path = "portal/results.html")]
struct ResultsPage {
    layout: Layout,
    shared: bool,
    columns: Vec<&'static str>,
    lines: Vec<ResultLine>,
}

const LEVELS: [Element; 4] = [Element::Ca, Element::Mg, Element::Na, Element::K];
const RATIOS: [RatioId; 2] = [RatioId::NaK, RatioId::CaK];

pub async fn results(
    req: actix_web::HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
) -> AppResult<HttpResponse> {
    let viewer = portal.account().id;
    crate::web::audit::record_view(&req, &pool, viewer, &portal.client, "portal_results", None)
        .await?;
    let layout = Layout::for_account(&portal.current, "portal-results");
    if !portal.settings.share_results {
        return render_page(
            StatusCode::OK,
            &ResultsPage {
                layout,
                shared: false,
                columns: Vec::new(),
                lines: Vec::new(),
            },
        );
    }
    let (client_id, facts) = (portal.client.id, ClientFacts::of(&portal.client));
    let history = run_db(&pool, move |conn| {
        AnalyzedHistory::load(conn, client_id, facts)
    })
    .await?;
    let lines = history
        .tests
        .iter()
        .rev()
        .map(|tested| {
            let (test, analysis) = (&tested.row, &tested.analysis);
            let values = value_cells(&tested.sample, analysis, &LEVELS, &RATIOS);
            let ox = &analysis.oxidation;
            ResultLine {
                sample_date: test.sample_date.to_string(),
                // With the fuller reading: `fast, mild (tired fast oxidizer)`, `mixed, leaning slow`.
                oxidation: match (ox.oxidation_type, ox.reading()) {
                    (crate::domain::OxidationType::Mixed, Some(reading)) => reading,
                    (_, Some(reading)) => format!("{} ({reading})", ox.label(", ")),
                    (_, None) => ox.label(", "),
                },
                notes: ox.caveats.iter().filter_map(|c| c.sentence()).collect(),
                values,
                patterns: analysis
                    .patterns
                    .iter()
                    .map(|p| pattern_title(&p.id))
                    .collect(),
            }
        })
        .collect();
    render_page(
        StatusCode::OK,
        &ResultsPage {
            layout,
            shared: true,
            columns: LEVELS
                .iter()
                .map(|e| e.symbol())
                .chain(RATIOS.iter().map(|r| r.label()))
                .collect(),
            lines,
        },
    )
}
