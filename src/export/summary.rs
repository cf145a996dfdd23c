//! The content of a progress summary, assembled once and rendered twice: as a printable page
//! and as a PDF. Plain data: every number is already formatted, every chart is a series on the
//! shared time axis.

use chrono::{NaiveDate, NaiveDateTime};

use crate::charts::{Marker, Series, TimeAxis};

pub const DISCLAIMER: &str =
    "This summary is an educational record of hair tissue mineral analysis \
     following the nutritional-balancing conventions (Eck / Wilson). It is not a diagnosis and \
     not a substitute for medical care.";

#[derive(Debug, Clone)]
pub struct ProgramSummary {
    pub starts_on: NaiveDate,
    pub diet: String,
    pub lifestyle: String,
    /// `Magnesium glycinate — 200 mg, twice daily`
    pub supplements: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TestSummary {
    pub sample_date: NaiveDate,
    pub lab: String,
    /// One value per entry of `SummaryData::test_columns`, "—" when not measured.
    pub values: Vec<String>,
    /// `slow moderate`, `mixed`, ...
    pub oxidation: String,
    pub patterns: Vec<String>,
    pub washed: bool,
}

#[derive(Debug, Clone)]
pub struct FlagSummary {
    pub raised_between: String,
    pub kind: String,
    pub rule: String,
    pub summary: String,
    pub acknowledged: bool,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct SymptomSummary {
    pub label: String,
    /// Average severity (0–10) per week of the period, None for a week without entries.
    pub weekly: Vec<(NaiveDate, Option<f64>)>,
    pub days_present: u32,
}

#[derive(Debug, Clone)]
pub struct SummaryData {
    pub client_name: String,
    pub reference_code: Option<String>,
    pub practitioner_name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub created_at: NaiveDateTime,
    pub comment: String,
    pub reference_set: String,
    pub program: Vec<ProgramSummary>,
    /// Column headers of the tests table: `Ca`, `Mg`, `Na`, `K`, `Na/K`, `Ca/K`, `Ca/Mg`, `Na/Mg`.
    pub test_columns: Vec<String>,
    pub tests: Vec<TestSummary>,
    /// Trend series (Na, K, Ca, Mg levels, then the ratios), all on `axis`.
    pub series: Vec<Series>,
    pub axis: Option<TimeAxis>,
    pub markers: Vec<Marker>,
    pub flags: Vec<FlagSummary>,
    pub symptoms: Vec<SymptomSummary>,
    pub days_logged: u32,
    pub days_in_period: u32,
}
