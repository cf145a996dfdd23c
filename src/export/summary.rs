//! The content of a progress summary: assembled once, when the summary is made, stored as JSON
//! with it, and rendered from that frozen copy as a page and as a PDF, for two audiences.
//!
//! Plain data: every number is already formatted and every name already chosen, so a later
//! change of the rules, the reference set or the wording of a pattern never alters a summary
//! already made. The chart series are kept as numbers and rebuilt into `charts` types on load.
//!
//! Two audiences, one document: the practitioner's copy holds everything; the client's copy
//! (`for_client`) drops what is the practitioner's internal record (flags with their states,
//! rule ids and notes) and keeps plain language only.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::charts::{Marker, Point, Series, TimeAxis};

pub const DISCLAIMER: &str =
    "This summary is an educational record of hair tissue mineral analysis \
     following the nutritional-balancing conventions (Eck / Wilson). It is not a diagnosis and \
     not a substitute for medical care.";

/// The version of the stored content's shape; a summary keeps the shape it was made with.
pub const CONTENT_FORMAT: u32 = 1;

/// One legend for the weekly symptom bars, word for word on the page and in the PDF (which sets
/// each band beside its colour).
pub const SEVERITY_LEGEND_HEAD: &str = "Weekly average severity (0–10):";
pub const SEVERITY_BANDS: [&str; 3] = ["below 4", "4 to below 7", "7 and above"];
pub const SEVERITY_NOT_LOGGED: &str = "no bar: nothing logged that week.";

/// The band (0, 1, 2) of `SEVERITY_BANDS` a weekly average falls in.
pub fn severity_band(average: f64) -> usize {
    if average >= 7.0 {
        2
    } else if average >= 4.0 {
        1
    } else {
        0
    }
}

/// The legend as one line of text, for the page.
pub fn severity_legend() -> String {
    format!(
        "{SEVERITY_LEGEND_HEAD} {} · {SEVERITY_NOT_LOGGED}",
        SEVERITY_BANDS.join(" · ")
    )
}

/// What "peak" means wherever it is shown, word for word by the page and the PDF.
pub const PEAK_MEANING: &str = "Peak: the highest severity logged on any one day of the period.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Audience {
    /// The practitioner's copy: flags with their states, rule ids and notes included.
    #[default]
    Practitioner,
    /// The client's copy: plain language only.
    Client,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProgramSummary {
    pub starts_on: NaiveDate,
    pub diet: String,
    pub lifestyle: String,
    /// `Magnesium glycinate — 200 mg, twice daily`
    pub supplements: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestSummary {
    pub sample_date: NaiveDate,
    pub lab: String,
    /// One value per entry of `SummaryData::test_columns`, "—" when not measured.
    pub values: Vec<String>,
    /// `slow moderate`, `mixed`, ...
    pub oxidation: String,
    /// The patterns found, by name (`Calcium shell`), in the engine's order.
    pub patterns: Vec<String>,
    pub washed: bool,
    /// Caveats on the oxidation type in a plain sentence each (OX-11, the ARL caveat).
    #[serde(default)]
    pub notes: Vec<String>,
    /// The practitioner's copy only: each pattern by name with its evidence numbers
    /// (`Hidden copper 3×: 3 indicators hold: K 2.0 < 10, …`).
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A pattern found in the period: its name and what it means, in one line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PatternNote {
    /// HTMA.md's id; the practitioner's copy shows it, the client's never.
    pub id: String,
    pub name: String,
    pub explanation: String,
}

/// An oxidation type found in the period, explained in a sentence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OxidationNote {
    pub label: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlagSummary {
    /// The pair of tests (`2026-01-05 → 2026-04-02`), or the diary's days for a flag read from
    /// the diary (`the 14 days to 2026-04-02`).
    pub raised_between: String,
    /// Raised from the diary (ADH-2), not between two tests. Summaries stored before this field
    /// existed hold test flags only.
    #[serde(default)]
    pub from_diary: bool,
    pub kind: String,
    pub rule: String,
    pub summary: String,
    pub acknowledged: bool,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SymptomSummary {
    pub label: String,
    /// Average severity (0–10) per week of the period, None for a week without entries.
    pub weekly: Vec<(NaiveDate, Option<f64>)>,
    pub days_present: u32,
    /// The highest severity logged on any one day of the period (`PEAK_MEANING`).
    #[serde(default)]
    pub peak: Option<u8>,
}

/// What the adherence section means, word for word on the page and in the PDF.
pub const ADHERENCE_MEANING: &str = "From the client's daily answers in the diary, for the \
     supplements of the program version in force each day and its diet: shares of the days \
     answered (unanswered days count nowhere).";

/// A supplement's (or the diet's) answers over the period (issue 17), as counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AdherenceSummary {
    /// The supplement's name, or "Diet".
    pub label: String,
    pub diet: bool,
    pub full: u32,
    pub partly: u32,
    pub not: u32,
}

impl AdherenceSummary {
    /// `taken as prescribed on 10 of 14 answered days (71 %), partly on 2 (14 %), not taken on
    /// 2 (14 %)`; the diet's reads `followed on …`.
    pub fn line(&self) -> String {
        use crate::domain::adherence::{Answer, Shares};
        let shares = Shares {
            full: self.full,
            partly: self.partly,
            not: self.not,
        };
        let (taken, not) = if self.diet {
            ("followed", "not followed")
        } else {
            ("taken as prescribed", "not taken")
        };
        let pct = |a: Answer| shares.percent(a).unwrap_or(0);
        format!(
            "{taken} on {} of {} answered {} ({} %), partly on {} ({} %), {not} on {} ({} %)",
            self.full,
            shares.answered(),
            if shares.answered() == 1 {
                "day"
            } else {
                "days"
            },
            pct(Answer::Full),
            self.partly,
            pct(Answer::Partly),
            self.not,
            pct(Answer::Not),
        )
    }
}

/// A trend chart's numbers, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrendSeries {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub points: Vec<(NaiveDate, f64)>,
    pub ideal: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryData {
    pub format: u32,
    pub client_name: String,
    pub reference_code: Option<String>,
    pub practitioner_name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub created_at: NaiveDateTime,
    pub comment: String,
    /// The reference set and version every analysis of the summary used (`eck-wilson@2`).
    pub reference_set: String,
    pub program: Vec<ProgramSummary>,
    /// Column headers of the tests table: `Ca`, `Mg`, `Na`, `K`, `Na/K`, `Ca/K`, `Ca/Mg`, `Na/Mg`.
    pub test_columns: Vec<String>,
    pub tests: Vec<TestSummary>,
    pub patterns: Vec<PatternNote>,
    pub oxidation_types: Vec<OxidationNote>,
    /// The trend charts' numbers (Na, K, Ca, Mg levels, then the ratios).
    pub trends: Vec<TrendSeries>,
    /// The start dates of the program versions in the period (dashed lines on the charts).
    pub program_starts: Vec<NaiveDate>,
    pub flags: Vec<FlagSummary>,
    pub symptoms: Vec<SymptomSummary>,
    pub days_logged: u32,
    pub days_in_period: u32,
    /// The program as followed (issue 17), each supplement then the diet; both copies.
    #[serde(default)]
    pub adherence: Vec<AdherenceSummary>,

    /// Rebuilt from `trends` on load: the chart series on the shared time axis.
    #[serde(skip)]
    pub series: Vec<Series>,
    #[serde(skip)]
    pub axis: Option<TimeAxis>,
    #[serde(skip)]
    pub markers: Vec<Marker>,
    /// Whose copy this is; never stored (one stored document serves both).
    #[serde(skip)]
    pub audience: Audience,
}

impl SummaryData {
    /// Fills the chart fields from the stored numbers; called once after assembling or loading.
    pub fn with_charts(mut self) -> SummaryData {
        self.series = self
            .trends
            .iter()
            .map(|t| Series {
                id: t.id.clone(),
                title: t.title.clone(),
                unit: t.unit.clone(),
                points: t
                    .points
                    .iter()
                    .map(|(date, value)| Point {
                        date: *date,
                        value: *value,
                        href: None,
                    })
                    .collect(),
                ideal: t.ideal,
            })
            .collect();
        self.axis = if self.tests.is_empty() {
            None
        } else {
            TimeAxis::spanning([self.period_start, self.period_end])
        };
        self.markers = self
            .program_starts
            .iter()
            .map(|date| Marker {
                date: *date,
                label: "program version".into(),
            })
            .collect();
        self
    }

    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| format!("cannot store the summary: {e}"))
    }

    /// The stored content, ready to render as the practitioner's copy.
    pub fn from_json(json: &str) -> Result<SummaryData, String> {
        serde_json::from_str::<SummaryData>(json)
            .map(SummaryData::with_charts)
            .map_err(|e| format!("stored summary unreadable: {e}"))
    }

    /// The client's copy: the same document without the practitioner's internal record. The
    /// content is removed here, not only hidden by the renderers, so no renderer can leak it.
    pub fn for_client(mut self) -> SummaryData {
        self.flags.clear();
        for test in &mut self.tests {
            test.evidence.clear();
        }
        for note in &mut self.patterns {
            note.id.clear();
        }
        self.audience = Audience::Client;
        self
    }

    pub fn is_client_copy(&self) -> bool {
        self.audience == Audience::Client
    }
}
