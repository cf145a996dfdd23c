//! Dates as labs print them: `2026-03-01`, `03/01/2026`, `01.03.2026`, `1 March 2026`,
//! `March 1, 2026`, `01-Mar-2026`, `1. März 2026`, `1 de marzo de 2026`.

use chrono::NaiveDate;

use super::vocabulary::month_of;

/// A date found in a line's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub date: NaiveDate,
    /// Token positions `start..end`.
    pub start: usize,
    pub end: usize,
    /// `03/04/2026` could be either day first or month first; it was read as `day_first`.
    pub ambiguous: bool,
}

fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    (1900..=2200)
        .contains(&year)
        .then(|| NaiveDate::from_ymd_opt(year, month, day))
        .flatten()
}

fn year_of(text: &str) -> Option<i32> {
    let digits = text.trim_end_matches(['.', ',']);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        4 => digits.parse().ok(),
        // Two-digit years on a hair report are this century.
        2 => digits.parse::<i32>().ok().map(|y| 2000 + y),
        _ => None,
    }
}

fn day_of(text: &str) -> Option<u32> {
    let text = text.trim_end_matches(['.', ',']);
    let text = ["st", "nd", "rd", "th", "º"]
        .iter()
        .find_map(|s| text.strip_suffix(s))
        .unwrap_or(text);
    if text.is_empty() || text.len() > 2 || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|d| (1..=31).contains(d))
}

/// One token of three numeric parts (`2026-03-01`, `3/1/26`, `01.03.2026`, `01-Mar-2026`).
fn single_token(token: &str, day_first: bool) -> Option<(NaiveDate, bool)> {
    let sep = ['/', '-', '.'].into_iter().find(|s| token.contains(*s))?;
    let parts: Vec<&str> = token.trim_end_matches('.').split(sep).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 9) {
        return None;
    }
    if let Some(month) = month_of(parts[1]) {
        return date(year_of(parts[2])?, month, day_of(parts[0])?).map(|d| (d, false));
    }
    let numbers: Vec<u32> = parts
        .iter()
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<_>>()?;
    if parts[0].len() == 4 {
        return date(numbers[0] as i32, numbers[1], numbers[2]).map(|d| (d, false));
    }
    let year = year_of(parts[2])?;
    let (a, b) = (numbers[0], numbers[1]);
    // Dots are day first everywhere they are used; a part over 12 settles the order.
    let (day, month, ambiguous) = if sep == '.' || a > 12 {
        (a, b, false)
    } else if b > 12 {
        (b, a, false)
    } else if a == b {
        (a, b, false)
    } else if day_first {
        (a, b, true)
    } else {
        (b, a, true)
    };
    date(year, month, day).map(|d| (d, ambiguous))
}

/// Every date in the tokens, left to right.
pub fn find_dates(tokens: &[String], day_first: bool) -> Vec<FoundDate> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some((date, end)) = words_at(tokens, i) {
            found.push(FoundDate {
                date,
                start: i,
                end,
                ambiguous: false,
            });
            i = end;
        } else if let Some((date, ambiguous)) = single_token(&tokens[i], day_first) {
            found.push(FoundDate {
                date,
                start: i,
                end: i + 1,
                ambiguous,
            });
            i += 1;
        } else {
            i += 1;
        }
    }
    found
}

/// A date with a month name starting at `i`, and the token after it.
fn words_at(tokens: &[String], i: usize) -> Option<(NaiveDate, usize)> {
    let at = |k: usize| tokens.get(k).map(String::as_str);
    let skip_comma = |k: usize| if at(k) == Some(",") { k + 1 } else { k };
    // 1 March 2026 · 1. März 2026 · 1 de marzo de 2026
    if let Some(day) = at(i).and_then(day_of) {
        let mut k = i + 1;
        if at(k).is_some_and(|t| t.eq_ignore_ascii_case("de")) {
            k += 1;
        }
        if let Some(month) = at(k).and_then(month_of) {
            k += 1;
            if at(k).is_some_and(|t| t.eq_ignore_ascii_case("de")) {
                k += 1;
            }
            let k = skip_comma(k);
            let year = at(k).and_then(year_of).filter(|y| *y >= 1900)?;
            return date(year, month, day).map(|d| (d, k + 1));
        }
    }
    // March 1, 2026 · marzo 1 2026
    if let Some(month) = at(i).and_then(month_of) {
        let day = at(i + 1).and_then(day_of)?;
        let k = skip_comma(i + 2);
        let year = at(k).and_then(year_of).filter(|y| *y >= 1900)?;
        return date(year, month, day).map(|d| (d, k + 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn one(text: &str, day_first: bool) -> Option<(NaiveDate, bool)> {
        let found = find_dates(&tokenize(text), day_first);
        found.first().map(|f| (f.date, f.ambiguous))
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    type Case = (&'static str, bool, Option<(NaiveDate, bool)>);

    #[test]
    fn formats() {
        let cases: &[Case] = &[
            ("2026-03-01", false, Some((d(2026, 3, 1), false))),
            ("2026/03/01", true, Some((d(2026, 3, 1), false))),
            ("03/01/2026", false, Some((d(2026, 3, 1), true))),
            ("03/01/2026", true, Some((d(2026, 1, 3), true))),
            ("13/01/2026", false, Some((d(2026, 1, 13), false))),
            ("01/13/26", true, Some((d(2026, 1, 13), false))),
            ("01.03.2026", false, Some((d(2026, 3, 1), false))),
            ("1 March 2026", false, Some((d(2026, 3, 1), false))),
            ("March 1, 2026", false, Some((d(2026, 3, 1), false))),
            ("Mar 1st 2026", false, Some((d(2026, 3, 1), false))),
            ("01-Mar-2026", false, Some((d(2026, 3, 1), false))),
            ("1. März 2026", true, Some((d(2026, 3, 1), false))),
            ("1 de marzo de 2026", true, Some((d(2026, 3, 1), false))),
            ("31/02/2026", true, None),
            ("35-80", false, None),
            ("Ca 58.0", false, None),
            ("May 58", false, None),
        ];
        for (text, day_first, expected) in cases {
            assert_eq!(one(text, *day_first), *expected, "{text}");
        }
    }
}
