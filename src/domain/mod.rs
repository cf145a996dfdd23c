//! The HTMA analysis engine: the rules of `HTMA.md` (hair tissue mineral analysis conventions
//! of the Eck / Wilson nutritional-balancing school), as pure functions over plain data.
//!
//! These are practitioners' conventions, not established medicine: everything here feeds an
//! educational record for practitioners, never a diagnosis (see [`DISCLAIMER`]).
//!
//! Map of the rules:
//! - units and levels: [`units`] (1 mg% = 10 ppm), [`level`] (finite ≥ 0, below-limit marks,
//!   TEI `<<` and `QNS`);
//! - data: [`element`], [`sex`], [`reference`] (the `eck-wilson@1` reference set, serde-able so
//!   an edited copy can be stored);
//! - per test: [`ratio`] (R-*), [`oxidation`] (OX-1 … OX-10), [`pattern`] (P-*) and
//!   [`wilson`] (the further Wilson patterns), compared exactly by [`exact`], assembled by
//!   [`analysis::analyze`] together with the washed-sample caveat and the printed-ratio check;
//! - between tests: [`compare`] (CMP-1 … CMP-3, flags with stable keys), [`retest`] (CMP-4);
//! - the program as followed: [`adherence`] (ADH-1 … ADH-3, app rules: weekly shares, the
//!   14-day low-adherence flag, the association figures).
//!
//! Rules that need data the test lacks neither fire nor fail: they are listed in
//! `Analysis::not_evaluated` with the reason. Nothing here does IO, and no input makes it panic.

pub mod adherence;
pub mod analysis;
#[cfg(test)]
mod boundary_tests;
pub mod caveat;
pub mod compare;
pub mod diary;
pub mod element;
pub mod exact;
pub mod hints;
pub mod level;
pub mod numbers;
pub mod oxidation;
pub mod pattern;
pub mod program;
pub mod ratio;
pub mod reference;
pub mod retest;
pub mod sex;
mod truth;
pub mod units;
pub mod wilson;

pub use analysis::{analyze, check_printed_ratios, Analysis, HairSample, PrintedRatioWarning};
pub use caveat::Caveat;
pub use compare::{
    compare, compare_analyzed, compare_consecutive, Comparison, DatedTest, Direction, Flag,
    FlagDetail, FlagKind, MineralChange, PairComparison, RatioChange,
};
pub use element::{Element, ElementKind};
pub use level::{parse_level_cell, LevelError, MineralLevel};
pub use oxidation::{Degree, OxidationResult, OxidationType, Side, SideEvidence};
pub use pattern::{NotEvaluated, Pattern};
pub use ratio::{NotComputableReason, RatioId, RatioValue};
pub use reference::ReferenceSet;
pub use retest::{is_retest_due, retest_due_date, DEFAULT_RETEST_INTERVAL_MONTHS};
pub use sex::Sex;
pub use units::Unit;

/// The version of what the rules derive from the same tests. Raise it whenever a change of
/// the rules changes a stored result (summary columns, flags): stored data is then re-derived
/// at start (`db::rederive`). 1: the rules before exact comparisons; 2: exact comparisons,
/// below-limit numerators, borderline type changes, OX-8 … OX-10; 3: the further Wilson
/// patterns, their CMP-3 flags, and the default set `eck-wilson@2`.
pub const ANALYSIS_RULES_VERSION: u32 = 3;

/// Shown in the footer and in every export (HTMA.md, introduction).
pub const DISCLAIMER: &str = "Educational record of hair tissue mineral analysis conventions \
(Eck / Wilson nutritional balancing) for practitioners; not established medicine and not a \
diagnosis.";
