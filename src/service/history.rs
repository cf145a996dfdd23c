//! The analysed history of one client: their live hair tests in comparison order (sample date,
//! then entry time: HTMA.md "Comparing consecutive tests"), each with its sample and its
//! analysis under the reference set the client's practitioner uses, and the comparison of each
//! test with the one before.
//!
//! It is built here and nowhere else: the timeline, the test page, progress summaries, the
//! portal's results, the FHIR export, the flags and the re-analysis all read the same history,
//! so a rule changes in one place and every page agrees with the stored flags.

use crate::db::ClientId;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::clients::ClientRow;
use crate::db::hair_tests::{self, HairTestRow, LevelRow};
use crate::db::mapping::levels_from_rows;
use crate::db::reference_sets::reference_set_for_client;
use crate::db::{DbConn, DbError, HairTestId};
use crate::domain::analysis::{analyze, Analysis, HairSample};
use crate::domain::compare::{compare_analyzed, Comparison};
use crate::domain::reference::ReferenceSet;
use crate::domain::sex::Sex;

/// What the analysis reads about the client: the sex (P-CA-SHELL) and the date of birth (OX-11:
/// the temporary-fast-oxidation caveat needs the age on the sample date).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientFacts {
    pub sex: Sex,
    pub date_of_birth: Option<NaiveDate>,
}

impl ClientFacts {
    pub fn new(sex: Sex, date_of_birth: Option<NaiveDate>) -> ClientFacts {
        ClientFacts { sex, date_of_birth }
    }

    pub fn of(client: &ClientRow) -> ClientFacts {
        ClientFacts::new(client.sex, client.date_of_birth)
    }
}

/// One stored test with what the engine makes of it.
#[derive(Debug, Clone)]
pub struct AnalyzedTest {
    pub row: HairTestRow,
    pub sample: HairSample,
    pub analysis: Analysis,
}

/// A client's live tests, analysed, oldest first.
#[derive(Debug, Clone)]
pub struct AnalyzedHistory {
    pub reference: ReferenceSet,
    pub client: ClientFacts,
    pub tests: Vec<AnalyzedTest>,
}

/// Levels grouped by test, so a history of many tests is assembled in one pass.
pub type LevelsByTest = HashMap<HairTestId, Vec<LevelRow>>;

pub fn group_levels(levels: Vec<LevelRow>) -> LevelsByTest {
    let mut by_test: LevelsByTest = HashMap::new();
    for level in levels {
        by_test.entry(level.hair_test_id).or_default().push(level);
    }
    by_test
}

/// The sample of one stored test.
pub fn sample_of(row: &HairTestRow, levels: &LevelsByTest, client: ClientFacts) -> HairSample {
    HairSample {
        sex: client.sex,
        washed: row.washed,
        levels: levels_from_rows(levels.get(&row.id).into_iter().flatten()),
        lab: row.lab.clone(),
        sample_date: Some(row.sample_date),
        date_of_birth: client.date_of_birth,
    }
}

/// The analysis of a test that is not stored (yet): an import preview, or the summary columns
/// written with a test being saved.
pub fn analyze_unsaved(sample: &HairSample, reference: &ReferenceSet) -> Analysis {
    analyze(sample, reference)
}

impl AnalyzedHistory {
    /// Reads the client's live tests, their levels and their practitioner's reference set
    /// (three queries whatever the number of tests), and analyses them.
    pub fn load(
        conn: &mut DbConn,
        client_id: ClientId,
        client: ClientFacts,
    ) -> Result<AnalyzedHistory, DbError> {
        let reference = reference_set_for_client(conn, client_id)?;
        Self::load_with(conn, client_id, client, reference)
    }

    /// `load` with the reference set already resolved (a write command resolves it inside its
    /// transaction, so the stored summaries and the flags use the same set).
    pub fn load_with(
        conn: &mut DbConn,
        client_id: ClientId,
        client: ClientFacts,
        reference: ReferenceSet,
    ) -> Result<AnalyzedHistory, DbError> {
        let rows = hair_tests::list_for_client(conn, client_id)?;
        let ids: Vec<HairTestId> = rows.iter().map(|t| t.id).collect();
        let levels = group_levels(hair_tests::levels_of(conn, &ids)?);
        Ok(Self::of_rows(rows, &levels, client, reference))
    }

    /// Analyses rows already loaded. `rows` must be the client's live tests in comparison
    /// order, as `hair_tests::list_for_client` returns them.
    pub fn of_rows(
        rows: Vec<HairTestRow>,
        levels: &LevelsByTest,
        client: ClientFacts,
        reference: ReferenceSet,
    ) -> AnalyzedHistory {
        let tests = rows
            .into_iter()
            .map(|row| {
                let sample = sample_of(&row, levels, client);
                let analysis = analyze(&sample, &reference);
                AnalyzedTest {
                    row,
                    sample,
                    analysis,
                }
            })
            .collect();
        AnalyzedHistory {
            reference,
            client,
            tests,
        }
    }

    /// Analyses one more stored test under this history's set and client: a deleted test, which
    /// is not part of the history but still has a page.
    pub fn analyze_row(&self, row: HairTestRow, levels: &LevelsByTest) -> AnalyzedTest {
        let sample = sample_of(&row, levels, self.client);
        let analysis = analyze(&sample, &self.reference);
        AnalyzedTest {
            row,
            sample,
            analysis,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tests.is_empty()
    }

    pub fn position(&self, test_id: HairTestId) -> Option<usize> {
        self.tests.iter().position(|t| t.row.id == test_id)
    }

    /// The test at `index` compared with the one before it (CMP-1 … CMP-3); None for the first.
    pub fn comparison(&self, index: usize) -> Option<Comparison> {
        let previous = self.tests.get(index.checked_sub(1)?)?;
        let test = self.tests.get(index)?;
        Some(self.compare(previous, test))
    }

    /// `earlier` compared with `later`, under this history's set.
    pub fn compare(&self, earlier: &AnalyzedTest, later: &AnalyzedTest) -> Comparison {
        compare_analyzed(
            &earlier.sample,
            &earlier.analysis,
            &later.sample,
            &later.analysis,
            &self.reference,
        )
    }

    /// Every pair of consecutive tests with its comparison, oldest pair first: what the flags
    /// are derived from.
    pub fn consecutive(&self) -> impl Iterator<Item = (&AnalyzedTest, &AnalyzedTest, Comparison)> {
        self.tests
            .windows(2)
            .map(|pair| (&pair[0], &pair[1], self.compare(&pair[0], &pair[1])))
    }

    /// Only the tests sampled within `start..=end` (a progress summary's period).
    pub fn within(mut self, start: NaiveDate, end: NaiveDate) -> AnalyzedHistory {
        self.tests
            .retain(|t| t.row.sample_date >= start && t.row.sample_date <= end);
        self
    }

    /// The stored rows, in comparison order.
    pub fn rows(&self) -> impl Iterator<Item = &HairTestRow> {
        self.tests.iter().map(|t| &t.row)
    }

    pub fn dates_by_id(&self) -> HashMap<HairTestId, NaiveDate> {
        self.rows().map(|t| (t.id, t.sample_date)).collect()
    }
}
