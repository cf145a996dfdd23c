//! Caveats attached to results whose reading depends on how the sample was handled.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Caveat {
    /// HTMA.md: the oxidation rules are read on unwashed hair and washing lowers sodium and
    /// potassium, so a washed test's oxidation type and Na/K patterns carry this caveat.
    WashedSample,
    /// OX-11: type fast in a client at least 8 years old on the sample date.
    TemporaryFastOxidation,
    /// HTMA.md lab caveat: four lows on an ARL test sampled from 2024-02-01.
    ArlLowReadings,
}

impl Caveat {
    pub fn as_str(self) -> &'static str {
        match self {
            Caveat::WashedSample => "washed_sample",
            Caveat::TemporaryFastOxidation => "temporary_fast_oxidation",
            Caveat::ArlLowReadings => "arl_low_readings",
        }
    }

    /// What a person reading the result should know.
    pub fn explanation(self) -> &'static str {
        match self {
            Caveat::WashedSample => {
                "the lab washed the hair; washing lowers sodium and potassium, and the oxidation \
                 rules are read on unwashed hair"
            }
            Caveat::TemporaryFastOxidation => {
                "in adults fast oxidation is usually temporary: a slow oxidizer under acute \
                 stress (OX-11)"
            }
            Caveat::ArlLowReadings => {
                "ARL readings since 2024 run low; four lows may be an artefact"
            }
        }
    }
}

impl Caveat {
    /// One plain sentence for people who are not practitioners (a summary's copies): no rule
    /// ids. None for the washed caveat, which the summary shows as its own `washed` badge.
    pub fn sentence(self) -> Option<&'static str> {
        match self {
            Caveat::WashedSample => None,
            Caveat::TemporaryFastOxidation => Some(
                "In adults fast oxidation is usually temporary: a slow oxidizer under acute \
                 stress.",
            ),
            Caveat::ArlLowReadings => {
                Some("ARL readings since 2024 run low; four lows may be an artefact.")
            }
        }
    }

    /// A few words for a table cell (the timeline); the test page gives `explanation`. None for
    /// the washed caveat, which the tables show as their own `washed` badge.
    pub fn short(self) -> Option<&'static str> {
        match self {
            Caveat::WashedSample => None,
            Caveat::TemporaryFastOxidation => Some("usually temporary in adults (OX-11)"),
            Caveat::ArlLowReadings => Some("ARL reads low since 2024"),
        }
    }
}

impl std::fmt::Display for Caveat {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}
