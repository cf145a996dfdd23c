//! The Lab CSV format of HTMA.md ("Lab CSV format"): one header row, one row per hair test.
//! Header problems reject the whole file; cell problems are reported per row and cell so the
//! import form can show all of them (the import itself is all-or-nothing, decided by the
//! caller). No input makes this module panic.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::analysis::HairSample;
use crate::domain::element::Element;
use crate::domain::level::{parse_level_cell, MineralLevel};
use crate::domain::sex::Sex;
use crate::domain::units::Unit;
use crate::text::{control_character_problem, Lines};

/// One data row: its 1-based line in the file (the header is line 1) and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct LabRow {
    pub line: usize,
    pub result: Result<ParsedTest, Vec<CellError>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTest {
    /// When the hair was cut.
    pub sample_date: NaiveDate,
    pub lab: Option<String>,
    pub lab_sample_id: Option<String>,
    /// The practitioner's reference code for the client.
    pub client_ref: Option<String>,
    pub sex: Sex,
    pub washed: bool,
    /// In mg%, measured elements only.
    pub levels: BTreeMap<Element, MineralLevel>,
    /// Each level's cell as written in the file and the unit it was read in, so a preview can
    /// show the conversion beside the value stored.
    pub written: BTreeMap<Element, (String, Unit)>,
}

impl ParsedTest {
    pub fn hair_sample(&self) -> HairSample {
        HairSample {
            sex: self.sex,
            washed: self.washed,
            levels: self.levels.clone(),
            lab: self.lab.clone().unwrap_or_default(),
            sample_date: Some(self.sample_date),
            date_of_birth: None,
        }
    }
}

/// A problem with one cell; `column` is the header as written in the file, or `(row)` for a
/// problem with the row as a whole.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    pub column: String,
    pub message: String,
}

/// Name used in `CellError::column` for problems of a whole row.
pub const WHOLE_ROW: &str = "(row)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    Empty,
    NotUtf8 { column: usize },
    Unreadable(String),
    UnknownColumns(Vec<String>),
    UnknownUnit { column: String, unit: String },
    DuplicateColumns(Vec<String>),
    MissingSampleDate,
}

impl std::fmt::Display for HeaderProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderProblem::Empty => formatter.write_str("the file is empty: it needs a header row"),
            HeaderProblem::NotUtf8 { column } => write!(
                formatter,
                "the header of column {column} is not valid UTF-8 text; save the file as UTF-8"
            ),
            HeaderProblem::Unreadable(reason) => {
                write!(formatter, "the header row cannot be read: {reason}")
            }
            HeaderProblem::UnknownColumns(names) => write!(
                formatter,
                "unknown columns: {}. Expected sample_date, lab, lab_sample_id, client_ref, sex, \
                 units, washed, or an element symbol or name (Ca, Calcium), optionally with a \
                 unit such as \"Ca (ppm)\"",
                names.join(", ")
            ),
            HeaderProblem::UnknownUnit { column, unit } => write!(
                formatter,
                "column \"{column}\" has an unknown unit \"{unit}\": use mg% or ppm"
            ),
            HeaderProblem::DuplicateColumns(descriptions) => {
                write!(formatter, "duplicate columns: {}", descriptions.join("; "))
            }
            HeaderProblem::MissingSampleDate => {
                formatter.write_str("the required column sample_date is missing")
            }
        }
    }
}

/// Everything wrong with the header row, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct HeaderError {
    pub problems: Vec<HeaderProblem>,
}

impl HeaderError {
    fn single(problem: HeaderProblem) -> HeaderError {
        HeaderError {
            problems: vec![problem],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    SampleDate,
    Lab,
    LabSampleId,
    ClientRef,
    Sex,
    Units,
    Washed,
}

impl Field {
    const ALL: [(Field, &'static str); 7] = [
        (Field::SampleDate, "sample_date"),
        (Field::Lab, "lab"),
        (Field::LabSampleId, "lab_sample_id"),
        (Field::ClientRef, "client_ref"),
        (Field::Sex, "sex"),
        (Field::Units, "units"),
        (Field::Washed, "washed"),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnRole {
    Field(Field),
    Element {
        element: Element,
        unit_override: Option<Unit>,
    },
}

#[derive(Debug, Clone)]
struct Column {
    header: String,
    role: ColumnRole,
}

/// Parses a Lab CSV file. `default_unit` applies to rows with a blank `units` cell (the
/// file-level choice of the import form; `mg%` for `analyze`).
pub fn parse_lab_csv(bytes: &[u8], default_unit: Unit) -> Result<Vec<LabRow>, HeaderError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = loop {
        match records.next() {
            None => return Err(HeaderError::single(HeaderProblem::Empty)),
            Some(Err(error)) => {
                return Err(HeaderError::single(HeaderProblem::Unreadable(
                    error.to_string(),
                )))
            }
            Some(Ok(record)) if is_blank(&record) => continue,
            Some(Ok(record)) => break record,
        }
    };
    let columns = parse_header(&header)?;

    let mut lines = LineCounter::new(bytes);
    let mut rows = Vec::new();
    for record in records {
        match record {
            Ok(record) => {
                if is_blank(&record) {
                    continue;
                }
                let line = lines.line_of_record(record.position());
                rows.push(LabRow {
                    line,
                    result: parse_row(&record, &columns, default_unit),
                });
            }
            Err(error) => {
                // Reading from memory with flexible rows leaves no recoverable errors, but a
                // reader error must still surface as a row error, not a panic or a lost row.
                let line = lines.line_of_record(error.position());
                rows.push(LabRow {
                    line,
                    result: Err(vec![CellError {
                        column: WHOLE_ROW.to_string(),
                        message: format!("this row cannot be read: {error}"),
                    }]),
                });
                break;
            }
        }
    }
    Ok(rows)
}

/// File line numbers for records. The csv reader's own line number points at the empty lines
/// it skipped before a record, so the line is counted here from the byte offset instead.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// Records arrive in file order, so counting resumes where the previous record started.
    fn line_of_record(&mut self, position: Option<&csv::Position>) -> usize {
        let Some(start) = position.and_then(|position| usize::try_from(position.byte()).ok())
        else {
            return self.line;
        };
        let start = start.clamp(self.offset, self.bytes.len());
        while self.offset < start {
            self.step();
        }
        // Skip the empty lines the reader passed over to reach the record.
        while matches!(self.bytes.get(self.offset), Some(b'\r' | b'\n')) {
            self.step();
        }
        self.line
    }

    /// Advances one byte; `\n`, `\r\n` and a lone `\r` each end one line, as for the reader.
    fn step(&mut self) {
        let ends_line = match self.bytes.get(self.offset) {
            Some(b'\n') => true,
            Some(b'\r') => self.bytes.get(self.offset + 1) != Some(&b'\n'),
            _ => false,
        };
        if ends_line {
            self.line += 1;
        }
        self.offset += 1;
    }
}

/// Spreadsheets leave rows of empty cells (`,,,,`) at the end of exports; they are no tests.
fn is_blank(record: &csv::ByteRecord) -> bool {
    record
        .iter()
        .all(|cell| cell.iter().all(|byte| byte.is_ascii_whitespace()))
}

fn parse_header(header: &csv::ByteRecord) -> Result<Vec<Column>, HeaderError> {
    let mut problems = Vec::new();
    let mut unknown = Vec::new();
    let mut columns = Vec::new();
    for (index, raw) in header.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            problems.push(HeaderProblem::NotUtf8 { column: index + 1 });
            continue;
        };
        let header_text = text.trim().to_string();
        match column_role(&header_text) {
            Ok(Some(role)) => columns.push(Column {
                header: header_text,
                role,
            }),
            Ok(None) if header_text.is_empty() => {
                unknown.push(format!("(column {} has no name)", index + 1));
            }
            Ok(None) => unknown.push(format!("\"{header_text}\"")),
            Err(unit) => problems.push(HeaderProblem::UnknownUnit {
                column: header_text,
                unit,
            }),
        }
    }
    if !unknown.is_empty() {
        problems.push(HeaderProblem::UnknownColumns(unknown));
    }

    let mut duplicates = Vec::new();
    for (index, column) in columns.iter().enumerate() {
        let same_thing = |other: &Column| match (column.role, other.role) {
            (ColumnRole::Field(a), ColumnRole::Field(b)) => a == b,
            (ColumnRole::Element { element: a, .. }, ColumnRole::Element { element: b, .. }) => {
                a == b
            }
            _ => false,
        };
        let earlier = columns[..index].iter().any(same_thing);
        if !earlier {
            let all: Vec<String> = columns
                .iter()
                .filter(|other| same_thing(other))
                .map(|other| format!("\"{}\"", other.header))
                .collect();
            if all.len() > 1 {
                let what = match column.role {
                    ColumnRole::Element { element, .. } => {
                        format!("{} ({})", element.symbol(), element.name())
                    }
                    ColumnRole::Field(_) => column.header.to_ascii_lowercase(),
                };
                duplicates.push(format!("{} all give {what}", all.join(", ")));
            }
        }
    }
    if !duplicates.is_empty() {
        problems.push(HeaderProblem::DuplicateColumns(duplicates));
    }
    let has_sample_date = columns
        .iter()
        .any(|column| column.role == ColumnRole::Field(Field::SampleDate));
    let header_is_readable = !problems
        .iter()
        .any(|problem| matches!(problem, HeaderProblem::NotUtf8 { .. }));
    if !has_sample_date && header_is_readable {
        problems.push(HeaderProblem::MissingSampleDate);
    }
    if problems.is_empty() {
        // Column positions must match the record's cells, so keep every column: the header
        // had no problems, hence one entry per header cell.
        Ok(columns)
    } else {
        Err(HeaderError { problems })
    }
}

/// `Ok(None)` for an unknown name, `Err(unit)` for an element with an unknown unit.
fn column_role(header: &str) -> Result<Option<ColumnRole>, String> {
    let (name, unit) = split_unit(header);
    if unit.is_none() {
        let normalized: String = name
            .chars()
            .map(|character| match character {
                ' ' | '-' => '_',
                other => other.to_ascii_lowercase(),
            })
            .collect();
        if let Some((field, _)) = Field::ALL
            .iter()
            .find(|(_, field_name)| *field_name == normalized)
        {
            return Ok(Some(ColumnRole::Field(*field)));
        }
    }
    let Some(element) = Element::parse(name) else {
        return Ok(None);
    };
    let unit_override = match unit {
        None => None,
        Some(unit) => Some(Unit::parse(unit).map_err(|_| unit.trim().to_string())?),
    };
    Ok(Some(ColumnRole::Element {
        element,
        unit_override,
    }))
}

/// `Ca (ppm)` → (`Ca`, `Some("ppm")`); square brackets work too.
fn split_unit(header: &str) -> (&str, Option<&str>) {
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(without_close) = header.strip_suffix(close) {
            if let Some((name, unit)) = without_close.split_once(open) {
                return (name.trim(), Some(unit));
            }
        }
    }
    (header.trim(), None)
}

fn parse_row(
    record: &csv::ByteRecord,
    columns: &[Column],
    default_unit: Unit,
) -> Result<ParsedTest, Vec<CellError>> {
    let mut errors = Vec::new();
    let extra_cells_hold_data = record
        .iter()
        .skip(columns.len())
        .any(|cell| cell.iter().any(|byte| !byte.is_ascii_whitespace()));
    if record.len() < columns.len() || extra_cells_hold_data {
        errors.push(CellError {
            column: WHOLE_ROW.to_string(),
            message: format!(
                "this row has {} cells but the header has {} columns",
                record.len(),
                columns.len()
            ),
        });
        return Err(errors);
    }

    let mut cells: Vec<(&Column, &str)> = Vec::with_capacity(columns.len());
    for (column, raw) in columns.iter().zip(record.iter()) {
        match std::str::from_utf8(raw) {
            Ok(text) => match control_character_problem(text.trim(), Lines::Single) {
                None => cells.push((column, text.trim())),
                Some(problem) => errors.push(CellError {
                    column: column.header.clone(),
                    message: problem,
                }),
            },
            Err(_) => errors.push(CellError {
                column: column.header.clone(),
                message: "this cell is not valid UTF-8 text; save the file as UTF-8".to_string(),
            }),
        }
    }
    let field = |wanted: Field| {
        cells
            .iter()
            .find(|(column, _)| column.role == ColumnRole::Field(wanted))
            .map(|(column, text)| (column.header.as_str(), *text))
    };
    let mut error = |column: &str, message: String| {
        errors.push(CellError {
            column: column.to_string(),
            message,
        })
    };

    let row_unit = match field(Field::Units) {
        Some((_, "")) | None => Some(default_unit),
        Some((header, text)) => match Unit::parse(text) {
            Ok(unit) => Some(unit),
            Err(problem) => {
                error(header, problem.to_string());
                None
            }
        },
    };
    let sample_date = match field(Field::SampleDate) {
        Some((header, "")) => {
            error(
                header,
                "the sample date is required (YYYY-MM-DD, the day the hair was cut)".to_string(),
            );
            None
        }
        Some((header, text)) => match parse_date(text) {
            Some(date) => Some(date),
            None => {
                error(
                    header,
                    format!("\"{text}\" is not a date: write it as YYYY-MM-DD, e.g. 2025-03-01"),
                );
                None
            }
        },
        // The header check guarantees the column; a non-UTF-8 cell was reported above.
        None => None,
    };
    // Text cells come back as exported: a `'` put before `=`, `+`, `-` or `@` so spreadsheets
    // do not run the cell as a formula is taken off again.
    let text_field = |wanted: Field| {
        field(wanted)
            .map(|(_, text)| unescape_spreadsheet(text).to_string())
            .filter(|text| !text.is_empty())
    };
    let sex = match field(Field::Sex) {
        Some((header, text)) => Sex::parse(text).unwrap_or_else(|problem| {
            error(header, problem.to_string());
            Sex::Unrecorded
        }),
        None => Sex::Unrecorded,
    };
    let washed = match field(Field::Washed) {
        Some((header, text)) => parse_washed(text).unwrap_or_else(|| {
            error(
                header,
                format!("\"{text}\" is not yes or no: write yes if the lab washed the hair"),
            );
            false
        }),
        None => false,
    };
    let mut levels = BTreeMap::new();
    let mut written = BTreeMap::new();
    for (column, text) in &cells {
        let ColumnRole::Element {
            element,
            unit_override,
        } = column.role
        else {
            continue;
        };
        // A bad `units` cell was reported already; the element cells are still checked.
        let unit = unit_override.or(row_unit).unwrap_or(default_unit);
        match parse_level_cell(text, unit) {
            Ok(Some(level)) => {
                levels.insert(element, level);
                written.insert(element, (text.to_string(), unit));
            }
            Ok(None) => {}
            Err(problem) => error(&column.header, problem.to_string()),
        }
    }

    match (sample_date, errors.is_empty()) {
        (Some(sample_date), true) => Ok(ParsedTest {
            sample_date,
            lab: text_field(Field::Lab),
            lab_sample_id: text_field(Field::LabSampleId),
            client_ref: text_field(Field::ClientRef),
            sex,
            washed,
            levels,
            written,
        }),
        _ => Err(errors),
    }
}

/// Undoes `export::csv::spreadsheet_safe`: a leading `'` before a formula character.
pub fn unescape_spreadsheet(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest,
        _ => text,
    }
}

/// The most rows one file may hold: a practice's whole history of one client is a few dozen,
/// a practice-wide export a few thousand. Larger files are refused before any work.
pub const MAX_ROWS: usize = 5_000;
/// The hair-test form's limits, applied to imported rows too, so an import stores only what
/// the form would have accepted.
pub const LAB_MAX_CHARS: usize = 100;
pub const LAB_SAMPLE_ID_MAX_CHARS: usize = 100;

/// Applies the hair-test form's own rules to parsed rows (the parser alone knows no date):
/// no sample date after `today`, lab and sample id within the form's lengths.
pub fn apply_form_rules(rows: &mut [LabRow], today: NaiveDate) {
    for row in rows {
        let Ok(test) = &row.result else { continue };
        let mut errors = Vec::new();
        if test.sample_date > today {
            errors.push(CellError {
                column: "sample_date".into(),
                message: format!(
                    "{} is in the future: the sample date is the day the hair was cut",
                    test.sample_date
                ),
            });
        }
        if test
            .lab
            .as_ref()
            .is_some_and(|l| l.chars().count() > LAB_MAX_CHARS)
        {
            errors.push(CellError {
                column: "lab".into(),
                message: format!("use at most {LAB_MAX_CHARS} characters"),
            });
        }
        if test
            .lab_sample_id
            .as_ref()
            .is_some_and(|l| l.chars().count() > LAB_SAMPLE_ID_MAX_CHARS)
        {
            errors.push(CellError {
                column: "lab_sample_id".into(),
                message: format!("use at most {LAB_SAMPLE_ID_MAX_CHARS} characters"),
            });
        }
        if !errors.is_empty() {
            row.result = Err(errors);
        }
    }
}

/// Strictly `YYYY-MM-DD` (chrono alone would also take `2025-3-1`).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn parse_washed(text: &str) -> Option<bool> {
    if text.is_empty() || text.eq_ignore_ascii_case("no") {
        Some(false)
    } else if text.eq_ignore_ascii_case("yes") {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
