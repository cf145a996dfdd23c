//! A lab's hair test report (its PDF's text layer, or text pasted from a PDF viewer) read into
//! the values of the hair-test form, each with the line it was read from. Pure: text in, a
//! `RecognisedReport` out; nothing here stores anything or decides what is saved. What is
//! recognised is data (`vocabulary`), not code per lab.
//!
//! A row is a label (element name, symbol or abbreviation; or a ratio like `Ca/Mg`) at the start
//! of a line or after another row's value, followed at once by its result (`58.2`, `<0.002`,
//! `<<`, `QNS`) and optionally a unit and a reference range. Two-column tables are two rows on
//! one line. A label whose value is on the next lines (text copied cell by cell) is joined with
//! up to three following lines.

pub mod dates;
pub mod pdf;
pub mod tokens;
pub mod vocabulary;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::element::Element;
use crate::domain::ratio::RatioId;
use crate::domain::units::Unit;
use tokens::{
    is_flag, is_punctuation, is_word, label_at, range_at, tokenize, unit_at, value_at, Label,
    NumberStyle,
};
use vocabulary::{fold, DateKind};

/// Text longer than this is cut: a hair report is a few pages, and it bounds the work.
pub const MAX_TEXT_CHARS: usize = 400_000;
/// Lines longer than this are cut (a PDF without line breaks gives one endless line).
const MAX_LINE_CHARS: usize = 2_000;
/// Fewer recognised element results than this is not a hair test report.
pub const MIN_ELEMENTS: usize = 3;
/// At most this many unrecognised lines are listed.
const MAX_UNRECOGNISED: usize = 60;

/// Where a value came from: the line number(s) (1-based) and the text as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub first: usize,
    pub last: usize,
    pub text: String,
}

impl SourceLine {
    /// `line 12` or `lines 12–14`.
    pub fn lines(&self) -> String {
        if self.first == self.last {
            format!("line {}", self.first)
        } else {
            format!("lines {}–{}", self.first, self.last)
        }
    }
}

/// One recognised value and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read<T> {
    pub value: T,
    pub source: SourceLine,
    /// Something the reviewer should know about this value (a converted unit, an ambiguous
    /// date).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintedSex {
    Female,
    Male,
}

/// Everything recognised in a report. Levels are form cells in `unit`.
#[derive(Debug, Clone, Default)]
pub struct RecognisedReport {
    pub unit: Option<Read<Unit>>,
    /// True when no unit was printed and `unit` is a guess from the calcium level.
    pub unit_guessed: bool,
    pub levels: BTreeMap<Element, Read<String>>,
    pub ratios: BTreeMap<RatioId, Read<String>>,
    pub sample_date: Option<Read<NaiveDate>>,
    /// The form's lab choice (`ARL`, `TEI`) or another lab's name.
    pub lab: Option<Read<String>>,
    pub lab_sample_id: Option<Read<String>>,
    pub sex: Option<Read<PrintedSex>>,
    pub age: Option<Read<u32>>,
    pub washed: Option<Read<bool>>,
    /// Lines that looked like results but were not understood.
    pub unrecognised: Vec<SourceLine>,
    /// Things found that did not go into a field (a second value for an element, ...).
    pub notes: Vec<String>,
    pub line_count: usize,
}

impl RecognisedReport {
    /// Enough element results to be a hair test report.
    pub fn is_lab_report(&self) -> bool {
        self.levels.len() >= MIN_ELEMENTS
    }
}

/// A value read on one line before units are settled.
struct RowValue {
    label: Label,
    cell: String,
    unit: Option<Unit>,
}

struct LineScan {
    values: Vec<RowValue>,
    /// A label without a value after it (its value may be on the next line).
    dangling: bool,
    /// A result-like token nobody claimed.
    loose_value: bool,
    words: usize,
    heading_unit: Option<Unit>,
}

fn scan_line(tokens: &[String], style: NumberStyle) -> LineScan {
    let mut scan = LineScan {
        values: Vec::new(),
        dangling: false,
        loose_value: false,
        words: 0,
        heading_unit: None,
    };
    let mut after_word = false;
    let mut i = 0;
    while i < tokens.len() {
        if let Some((label, used)) = label_at(tokens, i) {
            // An element name after an ordinary word is prose ("the calcium level ..."); a
            // ratio label is distinctive enough anywhere.
            if !after_word || matches!(label, Label::Ratio(_)) {
                let mut j = i + used;
                let mut unit = None;
                loop {
                    if tokens.get(j).is_some_and(|t| is_punctuation(t)) {
                        j += 1;
                    } else if let Some(u) = unit_at(tokens, j) {
                        unit = Some(u);
                        j += 1;
                    } else if let Some((more, n)) = label_at(tokens, j).filter(|(l, _)| *l == label)
                    {
                        let _ = more;
                        j += n;
                    } else {
                        break;
                    }
                }
                if let Some((cell, n)) = value_at(tokens, j, style) {
                    j += n;
                    if let Some(u) = unit_at(tokens, j) {
                        unit = Some(u);
                        j += 1;
                    }
                    scan.values.push(RowValue { label, cell, unit });
                    after_word = false;
                    i = j;
                    continue;
                }
                if j >= tokens.len() {
                    scan.dangling = true;
                }
                after_word = true;
                i = j.max(i + 1);
                continue;
            }
        }
        let token = &tokens[i];
        if let Some(n) = range_at(tokens, i, style) {
            i += n;
            after_word = false;
            continue;
        }
        if let Some((_, n)) = value_at(tokens, i, style) {
            scan.loose_value = true;
            i += n;
            after_word = false;
            continue;
        }
        if let Some(unit) = unit_at(tokens, i) {
            scan.heading_unit.get_or_insert(unit);
            after_word = false;
        } else if is_word(token) {
            scan.words += 1;
            after_word = true;
        } else if !is_punctuation(token) && !is_flag(token) {
            after_word = true;
        }
        i += 1;
    }
    scan
}

/// The report's text as lines: control characters out, lengths bounded.
fn lines_of(text: &str) -> Vec<String> {
    let text = match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    text.lines()
        .map(|line| {
            let clean: String = line
                .chars()
                .take(MAX_LINE_CHARS)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            clean.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// Spanish or German words decide day-first dates and decimal commas.
fn day_first_language(lines: &[String]) -> bool {
    let mut hits = 0;
    for line in lines {
        for word in line.split(|c: char| !c.is_alphanumeric()) {
            if vocabulary::SPANISH_OR_GERMAN_WORDS.contains(&fold(word).as_str()) {
                hits += 1;
                if hits >= 2 {
                    return true;
                }
            }
        }
    }
    false
}

/// Reads a report's text. Never fails: what is not understood is listed or left out.
pub fn recognise(text: &str) -> RecognisedReport {
    let lines = lines_of(text);
    let day_first = day_first_language(&lines);
    let style = NumberStyle {
        decimal_comma: day_first,
    };
    let tokens: Vec<Vec<String>> = lines.iter().map(|l| tokenize(l)).collect();
    let mut report = RecognisedReport {
        line_count: lines.len(),
        ..Default::default()
    };
    let mut heading_unit: Option<(Unit, SourceLine)> = None;
    let mut values: Vec<(RowValue, Option<Unit>, SourceLine)> = Vec::new();
    let mut best_date: Option<(DateKind, Read<NaiveDate>)> = None;
    let mut i = 0;
    while i < lines.len() {
        let source = |first: usize, last: usize| SourceLine {
            first: first + 1,
            last: last + 1,
            text: lines[first..=last].join(" "),
        };
        let mut scan = scan_line(&tokens[i], style);
        let mut last = i;
        // A label whose value is on the following lines (text copied cell by cell).
        if scan.dangling {
            for extra in 1..=3 {
                if i + extra >= lines.len() {
                    break;
                }
                let joined: Vec<String> = tokens[i..=i + extra].concat();
                let joined_scan = scan_line(&joined, style);
                if joined_scan.values.len() > scan.values.len() {
                    scan = joined_scan;
                    last = i + extra;
                    if !scan.dangling {
                        break;
                    }
                }
            }
        }
        let line_tokens: Vec<String> = tokens[i..=last].concat();
        let here = source(i, last);
        if let Some(unit) = scan.heading_unit {
            if scan.values.is_empty() || heading_unit.is_none() {
                heading_unit = Some((unit, here.clone()));
            }
        }
        let used_by_facts = read_facts(
            &mut report,
            &line_tokens,
            &here,
            day_first,
            &mut best_date,
            &lines,
            i,
        );
        for value in scan.values.drain(..) {
            let heading = heading_unit.as_ref().map(|(u, _)| *u);
            values.push((value, heading, here.clone()));
        }
        let recognised_here = values.last().is_some_and(|(_, _, s)| s.first == here.first);
        if !recognised_here
            && !used_by_facts
            && (scan.dangling || (scan.loose_value && scan.words > 0))
            && report.unrecognised.len() < MAX_UNRECOGNISED
        {
            report.unrecognised.push(here.clone());
        }
        i = last + 1;
    }
    report.sample_date = best_date.map(|(_, read)| read);
    settle_units(&mut report, values, heading_unit);
    report
}

/// Sample date, lab, sample id, sex, age and washing on one line. True when the line gave one
/// of them (so it is not listed as an unrecognised result).
fn read_facts(
    report: &mut RecognisedReport,
    tokens: &[String],
    here: &SourceLine,
    day_first: bool,
    best_date: &mut Option<(DateKind, Read<NaiveDate>)>,
    lines: &[String],
    index: usize,
) -> bool {
    let mut used = false;
    let folded_line = fold(&here.text);
    fn read<T>(value: T, here: &SourceLine) -> Read<T> {
        Read {
            value,
            source: here.clone(),
            note: None,
        }
    }
    // Dates: the words before each date (or the line above) say what date it is.
    let mut previous_end = 0;
    for found in dates::find_dates(tokens, day_first) {
        used = true;
        let mut context = fold(&tokens[previous_end..found.start].join(" "));
        if context.trim().is_empty() && index > 0 {
            context = fold(&lines[index - 1]);
        }
        previous_end = found.end;
        let kind = vocabulary::DATE_LABELS
            .iter()
            .find(|(phrase, _)| context.contains(&fold(phrase)))
            .map(|(_, kind)| *kind)
            .unwrap_or(DateKind::Plain);
        if kind == DateKind::Other {
            continue;
        }
        if best_date.as_ref().is_none_or(|(best, _)| kind < *best) {
            let mut value = read(found.date, here);
            if found.ambiguous {
                value.note = Some(format!(
                    "The date could be read either way; it was read {}. Check it.",
                    if day_first {
                        "day first"
                    } else {
                        "month first"
                    }
                ));
            }
            *best_date = Some((kind, value));
        }
    }
    if report.lab.is_none() {
        if let Some((_, name)) = vocabulary::LABS
            .iter()
            .find(|(phrase, _)| folded_line.contains(&fold(phrase)))
        {
            report.lab = Some(read(name.to_string(), here));
            used = true;
        }
    }
    if report.washed.is_none() {
        if let Some((_, washed)) = vocabulary::WASHING
            .iter()
            .find(|(phrase, _)| contains_words(&folded_line, phrase))
        {
            report.washed = Some(read(*washed, here));
            used = true;
        }
    }
    for (k, token) in tokens.iter().enumerate() {
        let word = fold(token);
        let next_value = || {
            tokens[k + 1..].iter().find(|t| {
                !is_punctuation(t)
                    && !matches!(fold(t).as_str(), "no" | "nr" | "number" | "nº" | "#")
            })
        };
        if report.sex.is_none() && vocabulary::SEX_LABELS.contains(&word.as_str()) {
            if let Some(female) = next_value().and_then(|v| {
                vocabulary::SEX_VALUES
                    .iter()
                    .find(|(text, _)| fold(text) == fold(v))
                    .map(|(_, f)| *f)
            }) {
                let sex = if female {
                    PrintedSex::Female
                } else {
                    PrintedSex::Male
                };
                report.sex = Some(read(sex, here));
                used = true;
            }
        }
        if report.age.is_none() && vocabulary::AGE_LABELS.contains(&word.as_str()) {
            if let Some(age) = next_value().and_then(|v| {
                let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
                digits.parse::<u32>().ok().filter(|a| (1..=120).contains(a))
            }) {
                report.age = Some(read(age, here));
                used = true;
            }
        }
        if report.lab_sample_id.is_none() {
            if let Some(id) = sample_id_at(tokens, k) {
                report.lab_sample_id = Some(read(id, here));
                used = true;
            }
        }
    }
    used
}

/// `phrase` in `text` as whole words (`washed` is not in `unwashedness`).
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().last();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The lab's sample id after a label like `Lab #:` or `Sample ID`: a token with a digit, made
/// of letters, digits and dashes.
fn sample_id_at(tokens: &[String], k: usize) -> Option<String> {
    for width in (1..=3).rev() {
        let Some(words) = tokens.get(k..k + width) else {
            continue;
        };
        let compact: String = fold(&words.concat())
            .chars()
            .filter(|c| !matches!(c, '.' | ':' | '#' | ' '))
            .collect();
        if !vocabulary::SAMPLE_ID_LABELS.contains(&compact.as_str()) {
            continue;
        }
        let candidate = tokens[k + width..].iter().find(|t| {
            !is_punctuation(t) && !matches!(fold(t).as_str(), "no" | "nr" | "number" | "nº" | "id")
        })?;
        let ok = candidate.chars().any(|c| c.is_ascii_digit())
            && candidate.chars().count() <= 40
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            // A bare small number is a page or a count, not an id.
            && candidate.len() >= 3;
        return ok.then(|| candidate.clone());
    }
    None
}

/// Decides the report's unit (the most common one of its values) and writes every value in it.
fn settle_units(
    report: &mut RecognisedReport,
    values: Vec<(RowValue, Option<Unit>, SourceLine)>,
    heading: Option<(Unit, SourceLine)>,
) {
    let unit_of =
        |(value, heading, _): &(RowValue, Option<Unit>, SourceLine)| value.unit.or(*heading);
    let count = |u: Unit| values.iter().filter(|v| unit_of(v) == Some(u)).count();
    let (mg, ppm) = (count(Unit::MgPercent), count(Unit::Ppm));
    let unit = if mg + ppm > 0 {
        let unit = if ppm > mg { Unit::Ppm } else { Unit::MgPercent };
        let source = values
            .iter()
            .find(|v| v.0.unit == Some(unit))
            .map(|v| v.2.clone())
            .or_else(|| {
                heading
                    .as_ref()
                    .filter(|(u, _)| *u == unit)
                    .map(|(_, s)| s.clone())
            });
        source.map(|source| (unit, source))
    } else {
        None
    };
    let unit = match unit {
        Some((unit, source)) => {
            report.unit = Some(Read {
                value: unit,
                source,
                note: None,
            });
            unit
        }
        None => {
            // No unit printed: calcium is 20–200 mg%, i.e. 200–2,000 ppm.
            let calcium = values.iter().find_map(|(v, _, s)| {
                (v.label == Label::Element(Element::Ca))
                    .then(|| v.cell.parse::<f64>().ok().map(|c| (c, s.clone())))
                    .flatten()
            });
            report.unit_guessed = true;
            let guess = match &calcium {
                Some((ca, _)) if *ca > 300.0 => Unit::Ppm,
                _ => Unit::MgPercent,
            };
            if let Some((_, source)) = calcium {
                report.unit = Some(Read {
                    value: guess,
                    source,
                    note: Some("No unit was printed; guessed from the calcium level.".into()),
                });
            }
            guess
        }
    };
    for (value, heading, source) in values {
        let from = value.unit.or(heading).unwrap_or(unit);
        let (cell, note) = if from == unit {
            (value.cell, None)
        } else {
            let converted = convert_cell(&value.cell, from, unit);
            let note = format!(
                "Printed as {} {}; converted to {}.",
                value.cell,
                from.as_str(),
                unit.as_str()
            );
            (converted, Some(note))
        };
        let read = Read {
            value: cell,
            source,
            note,
        };
        match value.label {
            Label::Element(element) => insert_first(
                &mut report.levels,
                &mut report.notes,
                element.symbol(),
                element,
                read,
            ),
            Label::Ratio(ratio) => {
                if read.value.starts_with('<') || read.value == "QNS" {
                    report.unrecognised.push(read.source);
                } else {
                    insert_first(
                        &mut report.ratios,
                        &mut report.notes,
                        ratio.label(),
                        ratio,
                        read,
                    )
                }
            }
        }
    }
}

/// The first value read for a key wins (the results table comes before any commentary); a
/// different later value is mentioned.
fn insert_first<K: Ord>(
    map: &mut BTreeMap<K, Read<String>>,
    notes: &mut Vec<String>,
    name: &str,
    key: K,
    read: Read<String>,
) {
    match map.get(&key) {
        None => {
            map.insert(key, read);
        }
        Some(first) if first.value != read.value => notes.push(format!(
            "{name} was also read as {} on {} (“{}”); the value of {} is used.",
            read.value,
            read.source.lines(),
            read.source.text,
            first.source.lines()
        )),
        Some(_) => {}
    }
}

/// A cell in another unit, by moving the decimal point (1 mg% = 10 ppm): exact, no rounding.
pub fn convert_cell(cell: &str, from: Unit, to: Unit) -> String {
    let (prefix, number) = match cell {
        c if c.starts_with("<<") => ("<<", &c[2..]),
        c if c.starts_with('<') => ("<", &c[1..]),
        c => ("", c),
    };
    if number.is_empty() || from == to || number == "QNS" {
        return cell.to_string();
    }
    let times_ten = from == Unit::MgPercent && to == Unit::Ppm;
    format!("{prefix}{}", shift_decimal(number, times_ten))
}

fn shift_decimal(number: &str, times_ten: bool) -> String {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = format!("{int}{frac}");
    let point = if times_ten {
        int.len() + 1
    } else {
        int.len().saturating_sub(1)
    };
    let digits = if point > digits.len() {
        format!("{digits}{}", "0".repeat(point - digits.len()))
    } else {
        digits
    };
    let (int, frac) = if point == 0 {
        ("0".to_string(), digits)
    } else {
        (digits[..point].to_string(), digits[point..].to_string())
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

#[cfg(test)]
mod tests;
