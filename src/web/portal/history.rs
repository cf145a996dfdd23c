//! The client's own history: a month calendar coloured by severity (of one symptom, or the
//! day's highest), and one heat strip per symptom felt that month. Plain HTML and CSS classes:
//! no script, no inline style (the CSP forbids both), readable on a phone.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use crate::auth::PortalClient;
use crate::db::diary::{self, Entry};
use crate::db::{client_symptoms, Pool};
use crate::domain::diary::calendar::week_start;
use crate::web::forms::url_encode;
use crate::web::view::render_page;
use crate::web::{run_db, AppError, AppResult, Layout};

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    month: Option<String>,
    symptom: Option<String>,
}

/// One day square of the calendar.
pub struct Cell {
    pub day: u32,
    /// `sev-N`, `none` (no entry), `future`, or `pad` (outside the month).
    pub class: String,
    pub value: String,
    pub link: Option<String>,
    pub title: String,
}

/// One symptom's row of small squares, a square per day of the month.
pub struct Strip {
    pub label: String,
    pub cells: Vec<(String, String)>,
    pub summary: String,
}

pub struct Chip {
    pub label: String,
    pub link: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "portal/history.html")]
struct HistoryPage {
    layout: Layout,
    month_label: String,
    prev_link: String,
    next_link: Option<String>,
    chips: Vec<Chip>,
    focus_label: String,
    weeks: Vec<Vec<Cell>>,
    strips: Vec<Strip>,
    days_logged: usize,
    days_so_far: i64,
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(first)
}

fn parse_month(text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest("The month must read YYYY-MM, like 2026-11.".into()))
}

fn month_link(month: NaiveDate, symptom: Option<&str>) -> String {
    let mut link = format!("/portal/history?month={}", month.format("%Y-%m"));
    if let Some(key) = symptom {
        link.push_str("&symptom=");
        link.push_str(&url_encode(key));
    }
    link
}

/// The value a day shows: the chosen symptom's severity, or the day's highest.
fn value_of(entry: &Entry, symptom: Option<&str>) -> u8 {
    match symptom {
        Some(key) => entry.reading(key).map_or(0, |r| r.severity.get()),
        None => entry.max_severity(),
    }
}

/// GET /portal/history
pub async fn history(
    req: actix_web::HttpRequest,
    pool: web::Data<Pool>,
    portal: PortalClient,
    query: web::Query<HistoryQuery>,
) -> AppResult<HttpResponse> {
    let viewer = portal.account().id;
    crate::web::audit::record_view(&req, &pool, viewer, &portal.client, "portal_history", None)
        .await?;
    let today = portal.today();
    let first = match query.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(text) => parse_month(text)?,
        None => first_of_month(today),
    };
    let last = last_of_month(first);
    let client_id = portal.client.id;
    let (vocabulary, entries) = run_db(&pool, move |conn| {
        Ok((
            client_symptoms::vocabulary(conn, client_id)?,
            diary::between(conn, client_id, first, last)?,
        ))
    })
    .await?;
    let symptom = query
        .symptom
        .as_deref()
        .filter(|key| vocabulary.iter().any(|s| s.key == *key));
    let by_date: BTreeMap<NaiveDate, &Entry> =
        entries.iter().map(|e| (e.row.entry_date, e)).collect();
    let focus_label = symptom
        .and_then(|key| vocabulary.iter().find(|s| s.key == key))
        .map_or("Highest severity of the day".to_string(), |s| {
            s.label.clone()
        });

    let mut weeks = Vec::new();
    let mut day = week_start(first);
    while day <= last {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            week.push(cell(
                day,
                first,
                today,
                by_date.get(&day).copied(),
                symptom,
                &focus_label,
            ));
            day += Duration::days(1);
        }
        weeks.push(week);
    }

    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let strips = vocabulary
        .iter()
        .filter(|s| entries.iter().any(|e| e.reading(&s.key).is_some()))
        .map(|s| {
            let values: Vec<u8> = entries
                .iter()
                .filter_map(|e| e.reading(&s.key).map(|r| r.severity.get()))
                .collect();
            Strip {
                label: s.label.clone(),
                cells: days
                    .iter()
                    .map(|d| {
                        let (class, text) = match by_date.get(d) {
                            _ if *d > today => ("future".to_string(), "not yet".to_string()),
                            None => ("none".to_string(), "no entry".to_string()),
                            Some(e) => {
                                let v = e.reading(&s.key).map_or(0, |r| r.severity.get());
                                (format!("sev-{v}"), format!("{v} of 10"))
                            }
                        };
                        (class, format!("{}: {text}", d.format("%a %-d %b")))
                    })
                    .collect(),
                summary: format!(
                    "{} day{}, highest {}",
                    values.len(),
                    if values.len() == 1 { "" } else { "s" },
                    values.iter().max().copied().unwrap_or(0)
                ),
            }
        })
        .collect();

    let mut chips = vec![Chip {
        label: "All symptoms".into(),
        link: month_link(first, None),
        current: symptom.is_none(),
    }];
    chips.extend(vocabulary.iter().map(|s| Chip {
        label: s.label.clone(),
        link: month_link(first, Some(&s.key)),
        current: symptom == Some(s.key.as_str()),
    }));
    let previous = first_of_month(first - Duration::days(1));
    let next = last + Duration::days(1);
    render_page(
        StatusCode::OK,
        &HistoryPage {
            layout: Layout::for_account(&portal.current, "portal-history"),
            month_label: first.format("%B %Y").to_string(),
            prev_link: month_link(previous, symptom),
            next_link: (next <= today).then(|| month_link(next, symptom)),
            chips,
            focus_label,
            weeks,
            strips,
            days_logged: entries.len(),
            days_so_far: if today < first {
                0
            } else {
                (today.min(last) - first).num_days() + 1
            },
        },
    )
}

fn cell(
    day: NaiveDate,
    first: NaiveDate,
    today: NaiveDate,
    entry: Option<&Entry>,
    symptom: Option<&str>,
    focus_label: &str,
) -> Cell {
    if day.month() != first.month() {
        return Cell {
            day: day.day(),
            class: "pad".into(),
            value: String::new(),
            link: None,
            title: String::new(),
        };
    }
    let name = day.format("%A %-d %B").to_string();
    if day > today {
        return Cell {
            day: day.day(),
            class: "future".into(),
            value: String::new(),
            link: None,
            title: name,
        };
    }
    let link = Some(format!("/portal?date={day}"));
    match entry {
        None => Cell {
            day: day.day(),
            class: "none".into(),
            value: String::new(),
            link,
            title: format!("{name}: no entry"),
        },
        Some(entry) => {
            let value = value_of(entry, symptom);
            Cell {
                day: day.day(),
                class: format!("sev-{value}"),
                value: value.to_string(),
                link,
                title: format!("{name}: {focus_label} {value} of 10"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_own_length() {
        let feb = parse_month("2028-02").unwrap();
        assert_eq!(
            last_of_month(feb),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        let dec = parse_month("2026-12").unwrap();
        assert_eq!(
            last_of_month(dec),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("November").is_err());
    }
}
