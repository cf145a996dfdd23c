//! The hair-test table of the summary PDF, laid out so that a number never breaks over two
//! lines: every number column is as wide as its widest value (or title), measured in the font.
//! When the table does not fit the page width, the type gets smaller; when it still does not,
//! the table becomes two, numbers in one and words (lab, oxidation, patterns) in the other, and
//! the numbers themselves are split over several tables if they must. Words wrap; numbers never.

use super::kit::*;
use crate::export::summary::SummaryData;

/// Type sizes tried, largest first.
const SIZES: [f32; 2] = [7.5, 6.5];
/// Left and right padding of a cell together.
const PAD: f32 = 6.0;
/// The narrowest a wrapping text column may become.
const TEXT_MIN: [f32; 3] = [52.0, 58.0, 96.0];

/// One column to draw: its title, cells, whether it holds numbers (right-aligned, never
/// wrapped) and its width once laid out.
#[derive(Clone)]
struct TableColumn {
    title: String,
    cells: Vec<String>,
    number: bool,
    width: f32,
}

/// A laid-out table: its columns (widths set) and its type size.
struct Table {
    columns: Vec<TableColumn>,
    size: f32,
}

/// The narrowest width that shows every cell of a number column, and its title, on one line.
fn natural(c: &Canvas, column: &TableColumn, size: f32) -> f32 {
    let cell = c.face(REGULAR);
    let head = c.face(BOLD);
    let widest = column
        .cells
        .iter()
        .map(|text| cell.width(&cell.printable(text), size))
        .fold(0.0, f32::max);
    widest.max(head.width(&head.printable(&column.title), TABLE_HEAD_SIZE)) + PAD + 0.5
}

fn columns_of(data: &SummaryData) -> (TableColumn, Vec<TableColumn>, Vec<TableColumn>) {
    let column = |title: &str, number: bool, cells: Vec<String>| TableColumn {
        title: title.to_string(),
        cells,
        number,
        width: 0.0,
    };
    let date = column(
        "Date",
        true,
        data.tests
            .iter()
            .map(|t| t.sample_date.to_string())
            .collect(),
    );
    let values = data
        .test_columns
        .iter()
        .enumerate()
        .map(|(i, title)| {
            let cells = data
                .tests
                .iter()
                .map(|t| t.values.get(i).cloned().unwrap_or_default())
                .collect();
            column(title, true, cells)
        })
        .collect();
    let lab = data
        .tests
        .iter()
        .map(|t| match (t.lab.trim(), t.washed) {
            ("", true) => "— (washed)".to_string(),
            ("", false) => "—".to_string(),
            (lab, true) => format!("{lab} (washed)"),
            (lab, false) => lab.to_string(),
        })
        .collect();
    let oxidation = data.tests.iter().map(|t| t.oxidation.clone()).collect();
    let patterns = data
        .tests
        .iter()
        .map(|t| {
            if t.patterns.is_empty() {
                "—".to_string()
            } else {
                t.patterns.join(", ")
            }
        })
        .collect();
    let words = vec![
        column("Lab", false, lab),
        column("Oxidation", false, oxidation),
        column("Patterns", false, patterns),
    ];
    (date, values, words)
}

/// Gives number columns their natural widths and the text columns the rest (each at least its
/// minimum and at most what it needs on one line, the last one taking what remains). None when
/// they do not fit the content width at this size.
fn fit(c: &Canvas, columns: &[TableColumn], size: f32) -> Option<Vec<TableColumn>> {
    let mut columns = columns.to_vec();
    let mut used = 0.0;
    let mut text_min = 0.0;
    let mut mins = TEXT_MIN.iter();
    for col in &mut columns {
        if col.number {
            col.width = natural(c, col, size);
            used += col.width;
        } else {
            col.width = *mins.next().unwrap_or(&TEXT_MIN[0]);
            text_min += col.width;
        }
    }
    if used + text_min > CONTENT_W {
        return None;
    }
    let text_count = columns.iter().filter(|c| !c.number).count();
    if text_count == 0 {
        // Only numbers: the spare width goes to them evenly, so the table spans the page.
        let spare = (CONTENT_W - used) / columns.len().max(1) as f32;
        columns.iter_mut().for_each(|col| col.width += spare);
        return Some(columns);
    }
    let mut spare = CONTENT_W - used - text_min;
    let last_text = columns.iter().rposition(|c| !c.number);
    for (i, col) in columns.iter_mut().enumerate() {
        if col.number {
            continue;
        }
        if Some(i) == last_text {
            col.width += spare;
            break;
        }
        let wanted = (natural(c, col, size) - col.width).max(0.0).min(spare);
        col.width += wanted;
        spare -= wanted;
    }
    Some(columns)
}

/// The tables to draw: one when everything fits (at the first size that does), else the
/// numbers and the words apart, the numbers split further when even they do not fit.
fn layout(c: &Canvas, data: &SummaryData) -> Vec<Table> {
    let (date, values, words) = columns_of(data);
    let all: Vec<TableColumn> = std::iter::once(date.clone())
        .chain(values.iter().cloned())
        .chain(words.iter().cloned())
        .collect();
    for size in SIZES {
        if let Some(columns) = fit(c, &all, size) {
            return vec![Table { columns, size }];
        }
    }
    let mut tables = Vec::new();
    let numbers: Vec<TableColumn> = std::iter::once(date.clone())
        .chain(values.iter().cloned())
        .collect();
    match SIZES
        .iter()
        .find_map(|size| fit(c, &numbers, *size).map(|cols| (cols, *size)))
    {
        Some((columns, size)) => tables.push(Table { columns, size }),
        None => {
            // Even the numbers alone are too wide: as many value columns per table as fit.
            let size = SIZES[SIZES.len() - 1];
            let mut chunk: Vec<TableColumn> = vec![date.clone()];
            for value in &values {
                let mut trial = chunk.clone();
                trial.push(value.clone());
                if fit(c, &trial, size).is_none() && chunk.len() > 1 {
                    let columns = fit(c, &chunk, size).unwrap_or(chunk);
                    tables.push(Table { columns, size });
                    chunk = vec![date.clone(), value.clone()];
                } else {
                    chunk = trial;
                }
            }
            let columns = fit(c, &chunk, size).unwrap_or(chunk);
            tables.push(Table { columns, size });
        }
    }
    let text: Vec<TableColumn> = std::iter::once(date).chain(words).collect();
    if let Some(columns) = SIZES.iter().find_map(|size| fit(c, &text, *size)) {
        tables.push(Table {
            columns,
            size: SIZES[0],
        });
    }
    tables
}

pub(super) fn tests_table(c: &mut Canvas, data: &SummaryData) {
    c.section("Hair tests", 60.0);
    if data.tests.is_empty() {
        c.note("No hair test in this period.");
        return;
    }
    let tables = layout(c, data);
    let split = tables.len() > 1;
    for (i, table) in tables.iter().enumerate() {
        if split && i > 0 {
            c.y += 6.0;
        }
        draw(c, table);
    }
    c.note("Levels in mg%; ratios have no unit.");
    c.y += 4.0;
}

fn draw(c: &mut Canvas, table: &Table) {
    let cell = style(table.size, REGULAR, INK);
    let heads: Vec<Column> = table
        .columns
        .iter()
        .map(|col| {
            if col.number {
                Column::right(&col.title, col.width)
            } else {
                Column::left(&col.title, col.width)
            }
        })
        .collect();
    let rows = table.columns.first().map_or(0, |c| c.cells.len());
    let wrapped: Vec<(Vec<Vec<String>>, f32)> = (0..rows)
        .map(|r| {
            let lines: Vec<Vec<String>> = table
                .columns
                .iter()
                .map(|col| {
                    let text = &col.cells[r];
                    if col.number {
                        // Laid out to fit: one line, whatever the wrapping would say.
                        vec![text.clone()]
                    } else {
                        c.wrap(text, col.width - PAD, cell)
                    }
                })
                .collect();
            let count = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (lines, count as f32 * cell.leading() + 5.0)
        })
        .collect();
    for (row_index, (lines, height)) in wrapped.iter().enumerate() {
        let height = *height;
        // The last row never goes over to a page of its own: it takes the one before along.
        let widow = match wrapped.get(row_index + 1) {
            Some((_, next)) if row_index + 2 == wrapped.len() => *next,
            _ => 0.0,
        };
        let head = if row_index == 0 { TABLE_HEAD_H } else { 0.0 };
        if c.ensure(head + height + widow) || row_index == 0 {
            c.table_head(&heads);
        }
        if row_index % 2 == 1 {
            c.fill_rect(MARGIN, c.y, CONTENT_W, height, STRIPE);
        }
        let mut x = MARGIN;
        for (col, cell_lines) in table.columns.iter().zip(lines) {
            for (i, line) in cell_lines.iter().enumerate() {
                let baseline = c.y + 2.5 + cell.baseline() + i as f32 * cell.leading();
                if col.number {
                    c.text_right(x + col.width - PAD / 2.0, baseline, cell, line);
                } else {
                    c.text(x + PAD / 2.0, baseline, cell, line);
                }
            }
            x += col.width;
        }
        c.y += height;
    }
    c.rule(MARGIN, PAGE_W - MARGIN, c.y, 0.6, RULE);
    c.y += 4.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas() -> Canvas {
        let faces = crate::export::pdf::faces().unwrap();
        Canvas::new(&faces.regular, &faces.bold, String::new())
    }

    fn summary(values: &[&str], patterns: &str) -> SummaryData {
        let mut data = SummaryData::from_json(
            r#"{"format":1,"client_name":"","reference_code":null,"practitioner_name":"",
            "period_start":"2025-01-01","period_end":"2025-12-31",
            "created_at":"2025-12-31T00:00:00","comment":"","reference_set":"",
            "program":[],"test_columns":["Ca","Mg","Na","K","Na/K","Ca/K","Ca/Mg","Na/Mg"],
            "tests":[],"patterns":[],"oxidation_types":[],"trends":[],"program_starts":[],
            "flags":[],"symptoms":[],"days_logged":0,"days_in_period":365}"#,
        )
        .unwrap();
        data.tests = (0..3)
            .map(|i| crate::export::summary::TestSummary {
                sample_date: chrono::NaiveDate::from_ymd_opt(2025, 1 + i, 10).unwrap(),
                lab: "Analytical Research Laboratories".into(),
                values: values.iter().map(|v| v.to_string()).collect(),
                oxidation: "slow moderate".into(),
                patterns: vec![patterns.to_string()],
                washed: true,
                notes: Vec::new(),
                evidence: Vec::new(),
            })
            .collect();
        data
    }

    /// Every number cell fits its column on one line and the tables fit the page.
    fn check(c: &Canvas, tables: &[Table]) {
        for table in tables {
            let total: f32 = table.columns.iter().map(|col| col.width).sum();
            assert!(total <= CONTENT_W + 0.01, "{total} > {CONTENT_W}");
            for col in table.columns.iter().filter(|col| col.number) {
                for cell in &col.cells {
                    let w = c.face(REGULAR).width(cell, table.size) + PAD;
                    assert!(
                        w <= col.width,
                        "{cell} ({w}) in {} ({})",
                        col.title,
                        col.width
                    );
                }
            }
        }
    }

    #[test]
    fn ordinary_values_make_one_table_at_the_usual_size() {
        let c = canvas();
        let data = summary(
            &[
                "148.3", "12.80", "67.42", "9.1", "2.5", "16.3", "11.6", "5.3",
            ],
            "Sodium/potassium inversion",
        );
        let tables = layout(&c, &data);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].size, SIZES[0]);
        check(&c, &tables);
    }

    #[test]
    fn six_digit_values_get_two_tables_and_stay_whole() {
        let c = canvas();
        let data = summary(
            &[
                "123456.7",
                "98765.43",
                "456789",
                "100000.5",
                "104166.67",
                "250000.1",
                "999999.9",
                "123456.78",
            ],
            "Bio-unavailable calcium/magnesium, Sodium/potassium inversion",
        );
        let tables = layout(&c, &data);
        assert!(tables.len() >= 2, "numbers and words apart");
        check(&c, &tables);
        // Every value column is in some table, each table starts with the date.
        let titles: Vec<&str> = tables
            .iter()
            .flat_map(|t| t.columns.iter().map(|c| c.title.as_str()))
            .collect();
        for title in ["Ca", "Na/Mg", "Lab", "Oxidation", "Patterns"] {
            assert!(titles.contains(&title), "{title}");
        }
        assert!(tables.iter().all(|t| t.columns[0].title == "Date"));
    }

    #[test]
    fn values_too_wide_even_alone_are_split_over_tables() {
        let c = canvas();
        let huge = "12345678901234.5678";
        let data = summary(&[huge; 8], "—");
        let tables = layout(&c, &data);
        assert!(tables.len() >= 3, "{}", tables.len());
        check(&c, &tables);
    }
}
