//! The client's own hair-test results, shown only when the practitioner chose to share them
//! ("share results" on the client's page). Never the practitioner's considerations or flags.
//!
//! Each element is named, with its level and the ideal as text (in mg%), and a simple bar
//! against the ideal that is decoration only: everything it shows is in the numbers beside it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::auth::PortalClient;
use crate::db::Pool;
use crate::domain::ratio::RatioId;
use crate::export::plain::{oxidation_explanation, pattern_text};
use crate::service::history::{AnalyzedHistory, ClientFacts};
use crate::web::hair_tests::report::{mineral_groups, ratio_lines, Bar};
use crate::web::view::render_page;
use crate::web::{run_db, AppResult, Layout};

/// One element or ratio: its name, the client's value and the ideal, all as text.
pub struct LevelLine {
    pub name: String,
    pub value: String,
    pub ideal: String,
    pub bar: Option<Bar>,
}

pub struct LevelGroup {
    pub title: &'static str,
    /// What the first column names: "Element" or "Ratio".
    pub header: &'static str,
    /// What the reference is: "Ideal", or "Keep below" for toxic metals (a threshold).
    pub ideal_header: &'static str,
    pub lines: Vec<LevelLine>,
}

pub struct ResultCard {
    pub sample_date: String,
    pub oxidation: String,
    pub oxidation_explained: &'static str,
    /// Caveats on the type, one plain sentence each (OX-11, the ARL caveat).
    pub notes: Vec<&'static str>,
    pub groups: Vec<LevelGroup>,
    /// Pattern names with their one-line explanations (the client's copy's wording).
    pub patterns: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "portal/results.html")]
struct ResultsPage {
    layout: Layout,
    shared: bool,
    cards: Vec<ResultCard>,
}

/// The ratios a client is shown: the two that decide most of the reading (HTMA.md OX-1).
const RATIOS: [RatioId; 2] = [RatioId::NaK, RatioId::CaK];

const UNIT: &str = "mg%";

fn with_unit(value: &str) -> String {
    if value.is_empty() {
        return value.to_string();
    }
    format!("{value} {UNIT}")
}

fn card(tested: &crate::service::history::AnalyzedTest, history: &AnalyzedHistory) -> ResultCard {
    let (test, analysis) = (&tested.row, &tested.analysis);
    let reference = &history.reference;
    let mut groups: Vec<LevelGroup> = mineral_groups(&tested.sample, reference)
        .into_iter()
        .map(|group| LevelGroup {
            title: group.title,
            header: "Element",
            ideal_header: match group.lines.first().map(|l| l.reference_label) {
                Some("ideal") | None => "Ideal",
                Some(_) => "Keep below",
            },
            lines: group
                .lines
                .into_iter()
                .map(|line| LevelLine {
                    name: format!("{} ({})", line.title, line.symbol),
                    value: with_unit(&line.value),
                    ideal: match line.reference.is_empty() {
                        true => "none set".to_string(),
                        false => with_unit(&line.reference),
                    },
                    bar: line.bar,
                })
                .collect(),
        })
        .collect();
    let ratios: Vec<LevelLine> = ratio_lines(analysis, reference)
        .into_iter()
        .filter(|line| RATIOS.iter().any(|r| r.label() == line.label))
        .map(|line| LevelLine {
            name: format!("{} ratio", line.label),
            value: line.value,
            ideal: if line.ideal.is_empty() {
                "none set".to_string()
            } else {
                line.ideal
            },
            bar: line.bar,
        })
        .collect();
    if !ratios.is_empty() {
        groups.push(LevelGroup {
            title: "Ratios",
            header: "Ratio",
            ideal_header: "Ideal",
            lines: ratios,
        });
    }
    let ox = &analysis.oxidation;
    ResultCard {
        sample_date: test.sample_date.to_string(),
        // With the fuller reading: `fast, mild (tired fast oxidizer)`, `mixed, leaning slow`.
        oxidation: match (ox.oxidation_type, ox.reading()) {
            (crate::domain::OxidationType::Mixed, Some(reading)) => reading,
            (_, Some(reading)) => format!("{} ({reading})", ox.label(", ")),
            (_, None) => ox.label(", "),
        },
        oxidation_explained: oxidation_explanation(ox.oxidation_type.as_str()),
        notes: ox.caveats.iter().filter_map(|c| c.sentence()).collect(),
        groups,
        patterns: analysis
            .patterns
            .iter()
            .map(|p| pattern_text(&p.id))
            .collect(),
    }
}

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
                cards: Vec::new(),
            },
        );
    }
    let (client_id, facts) = (portal.client.id, ClientFacts::of(&portal.client));
    let history = run_db(&pool, move |conn| {
        AnalyzedHistory::load(conn, client_id, facts)
    })
    .await?;
    let cards = history
        .tests
        .iter()
        .rev()
        .map(|tested| card(tested, &history))
        .collect();
    render_page(
        StatusCode::OK,
        &ResultsPage {
            layout,
            shared: true,
            cards,
        },
    )
}
