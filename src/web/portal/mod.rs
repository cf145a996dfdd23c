//! The client portal: today's diary entry (and any day of the edit window), the history heat
//! map, the time-zone setting, and keeping an entry posted after the session ended. Every page
//! is reached through `PortalClient`, so it shows the signed-in client's own record and nothing
//! else; no hair-test interpretation appears here.

pub mod answers;
pub mod day;
pub mod form;
pub mod history;
pub mod preferences;
pub mod results;
pub mod resume;

use chrono::NaiveDate;

pub use day::{save, today};
pub use history::history;
pub use preferences::{save_settings, settings_form};
pub use results::results;
pub use resume::{pending, resume, resume_form};

/// "Today", "Yesterday", or the weekday: how a person names a recent day.
pub(crate) fn day_name(date: NaiveDate, today: NaiveDate) -> String {
    match (today - date).num_days() {
        0 => "Today".into(),
        1 => "Yesterday".into(),
        2..=6 => date.format("%A").to_string(),
        _ => date.format("%a %-d %b").to_string(),
    }
}

/// "Wednesday 25 November 2026".
pub(crate) fn long_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// A message above a form: `kind` is a CSS modifier ("ok", "info" or "" for a problem).
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: &'static str,
    pub text: String,
}

impl Notice {
    pub fn ok(text: impl Into<String>) -> Self {
        Notice {
            kind: "ok",
            text: text.into(),
        }
    }
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            kind: "info",
            text: text.into(),
        }
    }
    pub fn problem(text: impl Into<String>) -> Self {
        Notice {
            kind: "",
            text: text.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_days_have_names() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(day_name(today, today), "Today");
        assert_eq!(day_name(today.pred_opt().unwrap(), today), "Yesterday");
        assert_eq!(
            day_name(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), today),
            "Monday"
        );
        assert_eq!(
            day_name(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), today),
            "Mon 2 Nov"
        );
        assert_eq!(long_date(today), "Wednesday 25 November 2026");
    }
}
