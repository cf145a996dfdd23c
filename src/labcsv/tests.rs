use super::*;
use proptest::prelude::*;

fn parse(text: &str) -> Result<Vec<LabRow>, HeaderError> {
    parse_lab_csv(text.as_bytes(), Unit::MgPercent)
}

fn only_test(text: &str) -> ParsedTest {
    let rows = parse(text).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0].result.clone().unwrap()
}

fn row_errors(text: &str) -> Vec<CellError> {
    let rows = parse(text).unwrap();
    rows[0].result.clone().unwrap_err()
}

fn mg_pct(test: &ParsedTest, element: Element) -> Option<f64> {
    test.levels.get(&element).map(MineralLevel::mg_pct)
}

#[test]
fn a_complete_row() {
    let test = only_test(
        "sample_date,lab,lab_sample_id,client_ref,sex,units,washed,Ca,Mg,Na,K\n\
         2025-03-01,ARL,A123,C-7,F,mg%,no,160,18,8,2\n",
    );
    assert_eq!(
        test.sample_date,
        NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()
    );
    assert_eq!(test.lab.as_deref(), Some("ARL"));
    assert_eq!(test.lab_sample_id.as_deref(), Some("A123"));
    assert_eq!(test.client_ref.as_deref(), Some("C-7"));
    assert_eq!(test.sex, Sex::Female);
    assert!(!test.washed);
    assert_eq!(mg_pct(&test, Element::Ca), Some(160.0));
    assert_eq!(mg_pct(&test, Element::K), Some(2.0));
    assert_eq!(test.levels.len(), 4);
}

#[test]
fn header_table() {
    // (header, accepted)
    let cases: &[(&str, bool)] = &[
        ("sample_date,Ca", true),
        (" Sample_Date , CA ", true),
        ("SAMPLE_DATE,calcium,Potassium", true),
        ("sample date,Ca", true),
        ("sample_date,Ca (ppm),Mg (mg%),Na [ppm]", true),
        ("sample_date,Ca(ppm)", true),
        ("sample_date,Ca (mg)", false),
        ("sample_date,Ca,Foo", false),
        ("sample_date,Ca,Calcium", false),
        ("sample_date,Ca,Ca (ppm)", false),
        ("sample_date,lab,Lab", false),
        ("lab,Ca", false),
        ("sample_date,,Ca", false),
        ("sample_date,lab (ppm)", false),
    ];
    for (header, accepted) in cases {
        let result = parse(&format!("{header}\n"));
        assert_eq!(result.is_ok(), *accepted, "{header:?}: {result:?}");
    }
}

#[test]
fn header_errors_name_the_columns() {
    let error = parse("sample_date,Ca,Foo,Bar baz,Calcium\n").unwrap_err();
    assert_eq!(
        error.problems,
        [
            HeaderProblem::UnknownColumns(vec!["\"Foo\"".into(), "\"Bar baz\"".into()]),
            HeaderProblem::DuplicateColumns(vec![
                "\"Ca\", \"Calcium\" all give Ca (calcium)".into()
            ]),
        ]
    );
    let message = error.to_string();
    assert!(
        message.starts_with("unknown columns: \"Foo\", \"Bar baz\"."),
        "{message}"
    );
    assert!(
        message.contains("duplicate columns: \"Ca\", \"Calcium\""),
        "{message}"
    );
    assert_eq!(
        parse("lab,Ca\n").unwrap_err().problems,
        [HeaderProblem::MissingSampleDate]
    );
    assert_eq!(
        parse("sample_date,Ca (mg)\n").unwrap_err().problems,
        [HeaderProblem::UnknownUnit {
            column: "Ca (mg)".into(),
            unit: "mg".into()
        }]
    );
}

#[test]
fn empty_and_unreadable_files() {
    for empty in ["", "\n\n", "\u{feff}", " , ,\n"] {
        assert_eq!(
            parse(empty).unwrap_err().problems,
            [HeaderProblem::Empty],
            "{empty:?}"
        );
    }
    let error = parse_lab_csv(b"sample_date,C\xffa\n", Unit::MgPercent).unwrap_err();
    assert_eq!(error.problems, [HeaderProblem::NotUtf8 { column: 2 }]);
    assert_eq!(parse("sample_date,Ca\n").unwrap(), []);
    // A UTF-8 byte order mark from a spreadsheet is not part of the first header.
    assert!(parse("\u{feff}sample_date,Ca\n2025-01-01,1\n").is_ok());
}

#[test]
fn units_table() {
    // (header, units cell, Ca cell, file default, expected Ca mg%)
    let cases: &[(&str, &str, &str, Unit, f64)] = &[
        ("Ca", "", "160", Unit::MgPercent, 160.0),
        ("Ca", "", "1600", Unit::Ppm, 160.0),
        ("Ca", "ppm", "1600", Unit::MgPercent, 160.0),
        ("Ca", "PPM", "1600", Unit::MgPercent, 160.0),
        ("Ca", "mg%", "160", Unit::Ppm, 160.0),
        ("Ca (ppm)", "mg%", "1600", Unit::MgPercent, 160.0),
        ("Ca (mg%)", "ppm", "160", Unit::Ppm, 160.0),
        ("Ca (ppm)", "", "12.3", Unit::MgPercent, 1.23),
    ];
    for (header, units, cell, default_unit, expected) in cases {
        let text = format!("sample_date,units,{header}\n2025-01-01,{units},{cell}\n");
        let rows = parse_lab_csv(text.as_bytes(), *default_unit).unwrap();
        let test = rows[0].result.clone().unwrap();
        assert_eq!(mg_pct(&test, Element::Ca), Some(*expected), "{text:?}");
    }
    let errors = row_errors("sample_date,units,Ca\n2025-01-01,mg,160\n");
    assert_eq!(errors[0].column, "units");
    assert_eq!(errors[0].message, "unknown unit \"mg\": use mg% or ppm");
}

#[test]
fn level_cells_table() {
    // (cell, expected: Some((mg%, below_limit)) / None for not measured / Err)
    type Expected = Result<Option<(f64, bool)>, ()>;
    let cases: &[(&str, Expected)] = &[
        ("2.5", Ok(Some((2.5, false)))),
        (" 2.5 ", Ok(Some((2.5, false)))),
        ("<0.001", Ok(Some((0.001, true)))),
        ("<<", Ok(Some((0.0, true)))),
        ("<<0.002", Ok(Some((0.002, true)))),
        ("QNS", Ok(None)),
        ("", Ok(None)),
        ("\"1,5\"", Err(())),
        ("-3", Err(())),
        ("n/a", Err(())),
    ];
    for (cell, expected) in cases {
        let rows = parse(&format!("sample_date,Zn\n2025-01-01,{cell}\n")).unwrap();
        match (&rows[0].result, expected) {
            (Ok(test), Ok(expected)) => {
                let actual = test
                    .levels
                    .get(&Element::Zn)
                    .map(|level| (level.mg_pct(), level.below_limit()));
                assert_eq!(actual, *expected, "{cell:?}");
            }
            (Err(errors), Err(())) => {
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].column, "Zn");
            }
            (actual, _) => panic!("{cell:?}: unexpected {actual:?}"),
        }
    }
}

#[test]
fn field_cells_table() {
    // (sample_date, sex, washed, expected error columns)
    let cases: &[(&str, &str, &str, &[&str])] = &[
        ("2025-03-01", "F", "no", &[]),
        ("2025-03-01", "m", "YES", &[]),
        ("2025-03-01", "", "", &[]),
        ("", "F", "no", &["sample_date"]),
        ("2025-3-1", "F", "no", &["sample_date"]),
        ("03/01/2025", "F", "no", &["sample_date"]),
        ("2025-02-30", "F", "no", &["sample_date"]),
        ("2025-03-01", "X", "no", &["Sex"]),
        ("2025-03-01", "F", "maybe", &["Washed"]),
        ("bad", "X", "maybe", &["sample_date", "Sex", "Washed"]),
    ];
    for (date, sex, washed, expected) in cases {
        let rows = parse(&format!(
            "sample_date,Sex,Washed,Ca\n{date},{sex},{washed},10\n"
        ))
        .unwrap();
        let columns: Vec<String> = match &rows[0].result {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(|error| error.column.clone()).collect(),
        };
        assert_eq!(columns, *expected, "{date:?} {sex:?} {washed:?}");
    }
    let test = only_test("sample_date,sex,washed\n2025-03-01,M,yes\n");
    assert_eq!((test.sex, test.washed), (Sex::Male, true));
    let errors = row_errors("sample_date\n2025-3-1\n");
    assert_eq!(
        errors[0].message,
        "\"2025-3-1\" is not a date: write it as YYYY-MM-DD, e.g. 2025-03-01"
    );
}

#[test]
fn all_errors_of_a_row_are_reported() {
    let errors = row_errors("sample_date,Ca,Mg,K\n,abc,-1,5\n");
    let columns: Vec<&str> = errors.iter().map(|error| error.column.as_str()).collect();
    assert_eq!(columns, ["sample_date", "Ca", "Mg"]);
}

#[test]
fn ragged_rows_and_line_numbers() {
    let text = "sample_date,Ca,K\n\
                2025-01-01,1,2\n\
                2025-01-02,1\n\
                \n\
                2025-01-03,1,2,3\n\
                2025-01-04,1,2,,\n\
                ,,\n\
                2025-01-05,\"1\",2\n";
    let rows = parse(text).unwrap();
    let summary: Vec<(usize, bool)> = rows
        .iter()
        .map(|row| (row.line, row.result.is_ok()))
        .collect();
    assert_eq!(
        summary,
        [(2, true), (3, false), (5, false), (6, true), (8, true)]
    );
    let errors = rows[1].result.clone().unwrap_err();
    assert_eq!(errors[0].column, WHOLE_ROW);
    assert_eq!(
        errors[0].message,
        "this row has 2 cells but the header has 3 columns"
    );
    let crlf = "sample_date,Ca\r\n\r\n2025-01-01,1\r\n2025-01-02,1\r\n";
    let rows = parse(crlf).unwrap();
    assert_eq!(rows.iter().map(|row| row.line).collect::<Vec<_>>(), [3, 4]);
    let old_mac = "sample_date,Ca\r2025-01-01,1\r\r2025-01-02,1";
    let rows = parse(old_mac).unwrap();
    assert_eq!(rows.iter().map(|row| row.line).collect::<Vec<_>>(), [2, 4]);
    // A quoted cell spanning lines: the next row's line number still counts file lines.
    let rows = parse("sample_date,lab,Ca\n2025-01-01,\"A\nB\",1\n2025-01-02,C,1\n").unwrap();
    assert_eq!(rows.iter().map(|row| row.line).collect::<Vec<_>>(), [2, 4]);
    // The form's lab field is one line, so the import refuses a line break in it too.
    let errors = rows[0].result.clone().unwrap_err();
    assert!(errors[0].message.contains("line break"), "{errors:?}");
}

#[test]
fn non_utf8_cell_is_a_cell_error() {
    let rows = parse_lab_csv(
        b"sample_date,lab,Ca\n2025-01-01,AR\xffL,1\n",
        Unit::MgPercent,
    )
    .unwrap();
    let errors = rows[0].result.clone().unwrap_err();
    assert_eq!(errors[0].column, "lab");
    assert!(errors[0].message.contains("UTF-8"));
}

#[test]
fn control_characters_escapes_and_form_rules() {
    let errors = row_errors("sample_date,lab,Ca\n2025-01-01,A\u{0}B,40\n");
    assert_eq!(errors[0].column, "lab");
    assert!(errors[0].message.contains("NUL"), "{errors:?}");
    let test = only_test("sample_date,lab,lab_sample_id,Ca\n2025-01-01,'=HYPERLINK(1),'-7,40\n");
    assert_eq!(test.lab.as_deref(), Some("=HYPERLINK(1)"));
    assert_eq!(test.lab_sample_id.as_deref(), Some("-7"));
    let kept = only_test("sample_date,lab,Ca\n2025-01-01,'quoted,40\n");
    assert_eq!(kept.lab.as_deref(), Some("'quoted"));
    let long = "x".repeat(LAB_SAMPLE_ID_MAX_CHARS + 1);
    let mut rows = parse(&format!(
        "sample_date,lab_sample_id,Ca\n2025-01-01,{long},40\n2030-01-01,ok,40\n2025-01-01,ok,40\n"
    ))
    .unwrap();
    apply_form_rules(&mut rows, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    assert_eq!(
        rows[0].result.as_ref().unwrap_err()[0].column,
        "lab_sample_id"
    );
    assert_eq!(
        rows[1].result.as_ref().unwrap_err()[0].column,
        "sample_date"
    );
    assert!(rows[2].result.is_ok());
}

#[test]
fn five_thousand_rows() {
    let mut text = String::from("sample_date,client_ref,sex,Ca,Mg,Na,K,P,Zn,Cu,Fe,Pb,Hg\n");
    for index in 0..5000 {
        text.push_str(&format!(
            "2025-01-01,C{index},F,{},18,8,2,<0.5,16,2.5,1.6,0.01,QNS\n",
            index % 300
        ));
    }
    let started = std::time::Instant::now();
    let rows = parse(&text).unwrap();
    assert_eq!(rows.len(), 5000);
    assert!(rows.iter().all(|row| row.result.is_ok()));
    assert_eq!(rows[4999].line, 5001);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_lab_csv(&bytes, Unit::MgPercent);
    }

    #[test]
    fn never_panics_on_csv_like_text(
        body in proptest::collection::vec(
            proptest::collection::vec("[0-9<.QNS \",a-z%-]{0,8}", 0..8),
            0..8,
        ),
    ) {
        let mut text = String::from("sample_date,sex,units,washed,Ca,K (ppm),Pb\n");
        for row in body {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        if let Ok(rows) = parse(&text) {
            for row in rows {
                prop_assert!(row.line >= 2);
                if let Err(errors) = row.result {
                    prop_assert!(!errors.is_empty());
                }
            }
        }
    }
}
