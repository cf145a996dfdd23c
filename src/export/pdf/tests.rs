//! The summary PDF rendered and read back with poppler's tools (pdfinfo, pdftotext, pdffonts).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::{Duration, NaiveDate};

use super::*;
use crate::charts::Point as ChartPoint;
use crate::export::summary::TestSummary;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A client followed for three years: a test every quarter, three program versions, twenty
/// flags and nine symptoms logged over 156 weeks.
fn three_years() -> SummaryData {
    let start = date(2023, 1, 9);
    let end = date(2025, 12, 31);
    let test_dates: Vec<NaiveDate> = (0..12)
        .map(|i| start + Duration::days(7 + i * 91))
        .collect();
    let oxidation = [
        "slow extreme",
        "slow moderate",
        "slow moderate",
        "slow mild",
        "mixed",
        "slow mild",
        "fast mild",
        "mixed",
        "slow mild",
        "slow mild",
        "fast mild",
        "mixed",
    ];
    // Na, K, Ca, Mg in mg% drifting toward their ideals.
    let level = |i: usize| {
        let t = i as f64 / 11.0;
        (
            8.0 + 14.0 * t,
            3.0 + 6.0 * t,
            165.0 - 120.0 * t + if i == 6 { 60.0 } else { 0.0 },
            14.0 - 6.0 * t,
        )
    };
    let tests = test_dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (na, k, ca, mg) = level(i);
            let values = vec![
                format!("{ca:.0}"),
                if i == 3 {
                    "—".into()
                } else {
                    format!("{mg:.1}")
                },
                format!("{na:.1}"),
                format!("{k:.1}"),
                format!("{:.2}", na / k),
                format!("{:.1}", ca / k),
                format!("{:.2}", ca / mg),
                format!("{:.2}", na / mg),
            ];
            let patterns = match i % 4 {
                0 => vec!["P-CA-SHELL".into(), "P-NAK-INV".into(), "P-SYMP-DOM".into()],
                1 => vec!["P-NAK-INV".into()],
                2 => Vec::new(),
                _ => vec!["P-K-LOW".into(), "P-BIOUNAVAIL-CA".into()],
            };
            TestSummary {
                sample_date: *d,
                lab: if i < 6 {
                    "Trace Elements".into()
                } else {
                    "ARL".into()
                },
                values,
                oxidation: oxidation[i].into(),
                patterns,
                washed: i >= 6,
                notes: Vec::new(),
                evidence: Vec::new(),
            }
        })
        .collect();
    let series_of =
        |id: &str, title: &str, unit: &str, ideal: f64, f: &dyn Fn(usize) -> f64| Series {
            id: id.into(),
            title: title.into(),
            unit: unit.into(),
            points: test_dates
                .iter()
                .enumerate()
                .map(|(i, d)| ChartPoint {
                    date: *d,
                    value: f(i),
                    href: None,
                })
                .collect(),
            ideal: Some(ideal),
        };
    let series = vec![
        series_of("na", "Sodium (Na) mg%", "mg%", 25.0, &|i| level(i).0),
        series_of("k", "Potassium (K) mg%", "mg%", 10.0, &|i| level(i).1),
        series_of("ca", "Calcium (Ca) mg%", "mg%", 40.0, &|i| level(i).2),
        series_of("mg", "Magnesium (Mg) mg%", "mg%", 6.0, &|i| level(i).3),
        series_of("nak", "Na/K ratio", "", 2.5, &|i| level(i).0 / level(i).1),
        series_of("cak", "Ca/K ratio", "", 4.0, &|i| level(i).2 / level(i).1),
        series_of("camg", "Ca/Mg ratio", "", 6.67, &|i| {
            level(i).2 / level(i).3
        }),
        series_of("namg", "Na/Mg ratio", "", 4.17, &|i| {
            level(i).0 / level(i).3
        }),
    ];
    let program = vec![
        ProgramSummary {
            starts_on: start,
            diet: "Cooked vegetables three times a day, animal protein twice daily, no sugar, \
                   no fruit juice; 6–8 glasses of spring water."
                .into(),
            lifestyle: "In bed by 9:30 pm, a daily rest after lunch, near-infrared sauna \
                        three times a week."
                .into(),
            supplements: vec![
                "Magnesium glycinate — 200 mg — twice daily".into(),
                "Kelp — 1 tablet — daily".into(),
                "Vitamin D3 — 2000 IU — daily".into(),
            ],
        },
        ProgramSummary {
            starts_on: date(2023, 10, 2),
            diet: "As before; blue corn chips allowed; no raw salads.".into(),
            lifestyle: "Sauna daily.".into(),
            supplements: vec!["Magnesium glycinate — 300 mg — twice daily".into()],
        },
        ProgramSummary {
            starts_on: date(2025, 1, 6),
            diet: "As before.".into(),
            lifestyle: String::new(),
            supplements: Vec::new(),
        },
    ];
    let markers = program
        .iter()
        .map(|p| Marker {
            date: p.starts_on,
            label: "program version".into(),
        })
        .collect();
    let flags = (0..20)
        .map(|i| {
            let (from, to) = (test_dates[i % 11], test_dates[i % 11 + 1]);
            let (kind, summary) = match i % 4 {
                0 => (
                    "oxidation type changed",
                    format!("slow → mixed, Ca/K 18.3 → 9.{i}, Na/Mg 0.57 → 1.2"),
                ),
                1 => (
                    "pattern appeared",
                    format!("P-NAK-INV appeared: 1 ≤ Na/K 2.{i} < 2.5"),
                ),
                2 => (
                    "pattern resolved",
                    "P-CA-SHELL resolved (was: Ca 165 ≥ 156 and Mg 14 < 15 for a woman)"
                        .to_string(),
                ),
                _ => (
                    "oxidation degree changed",
                    format!("slow moderate → slow mild, Ca/K 12.{i} → 7.4, Na/Mg 1 → 1.4"),
                ),
            };
            FlagSummary {
                raised_between: format!("{from} → {to}"),
                from_diary: false,
                kind: kind.into(),
                rule: if i % 4 == 1 || i % 4 == 2 {
                    "CMP-3"
                } else {
                    "CMP-2"
                }
                .into(),
                summary,
                acknowledged: i % 3 != 0,
                note: if i % 2 == 0 {
                    "Discussed at the follow-up; the shift matches the lower stress the client \
                     reports since the move and the daily sauna."
                        .into()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let labels = [
        "Fatigue",
        "Headache",
        "Anxiety",
        "Sleep quality (poor)",
        "Bloating",
        "Muscle cramps",
        "Brain fog",
        "Cold hands and feet",
        "Sugar cravings",
    ];
    let symptoms = labels
        .iter()
        .enumerate()
        .map(|(s, label)| SymptomSummary {
            label: (*label).into(),
            weekly: (0..156)
                .map(|w| {
                    let week = start + Duration::weeks(w);
                    let logged = (w * 7 + s as i64 * 3) % 11 != 0;
                    let trend = 8.0 - 6.0 * w as f64 / 155.0;
                    let wobble = ((w as f64 + s as f64) * 0.7).sin() * 1.5;
                    (week, logged.then(|| (trend + wobble).clamp(0.0, 10.0)))
                })
                .collect(),
            days_present: 300 - 20 * s as u32,
            peak: Some(9),
        })
        .collect();
    SummaryData {
        client_name: "Zoë Kowalczyk".into(),
        reference_code: Some("ZK-0042".into()),
        practitioner_name: "Dr. Ana Müller".into(),
        period_start: start,
        period_end: end,
        created_at: date(2026, 1, 5).and_hms_opt(14, 30, 0).unwrap(),
        comment: "Three years in, the calcium shell has resolved and the Na/K ratio is back \
                  above 2.5. Energy is better and the afternoon slump is mostly gone.\n\
                  Next steps: keep the sauna, retest in spring, and review the magnesium dose."
            .into(),
        reference_set: "Eck/Wilson ideals@2024.1".into(),
        program,
        test_columns: ["Ca", "Mg", "Na", "K", "Na/K", "Ca/K", "Ca/Mg", "Na/Mg"]
            .iter()
            .map(|c| c.to_string())
            .collect(),
        tests,
        series,
        axis: TimeAxis::spanning([start, end]),
        markers,
        flags,
        symptoms,
        days_logged: 812,
        days_in_period: 1088,
        adherence: vec![
            crate::export::summary::AdherenceSummary {
                label: "Magnesium glycinate".into(),
                diet: false,
                full: 640,
                partly: 40,
                not: 120,
            },
            crate::export::summary::AdherenceSummary {
                label: "Diet".into(),
                diet: true,
                full: 500,
                partly: 200,
                not: 100,
            },
        ],
        ..fixture_extras()
    }
}

/// The fields the fixtures leave at their defaults.
fn fixture_extras() -> SummaryData {
    SummaryData {
        format: crate::export::summary::CONTENT_FORMAT,
        client_name: String::new(),
        reference_code: None,
        practitioner_name: String::new(),
        period_start: date(2025, 1, 1),
        period_end: date(2025, 1, 1),
        created_at: date(2025, 1, 1).and_hms_opt(0, 0, 0).unwrap(),
        comment: String::new(),
        reference_set: String::new(),
        program: Vec::new(),
        test_columns: Vec::new(),
        tests: Vec::new(),
        patterns: Vec::new(),
        oxidation_types: Vec::new(),
        trends: Vec::new(),
        program_starts: Vec::new(),
        flags: Vec::new(),
        symptoms: Vec::new(),
        days_logged: 0,
        days_in_period: 0,
        adherence: Vec::new(),
        series: Vec::new(),
        axis: None,
        markers: Vec::new(),
        audience: Default::default(),
    }
}

fn empty() -> SummaryData {
    SummaryData {
        client_name: "New Client".into(),
        reference_code: None,
        practitioner_name: "Dr. Ana Müller".into(),
        period_start: date(2025, 6, 1),
        period_end: date(2025, 6, 30),
        created_at: date(2025, 6, 30).and_hms_opt(9, 0, 0).unwrap(),
        comment: String::new(),
        reference_set: "Eck/Wilson ideals@2024.1".into(),
        program: Vec::new(),
        test_columns: ["Ca", "Mg", "Na", "K", "Na/K", "Ca/K", "Ca/Mg", "Na/Mg"]
            .iter()
            .map(|c| c.to_string())
            .collect(),
        tests: Vec::new(),
        series: Vec::new(),
        axis: None,
        markers: Vec::new(),
        flags: Vec::new(),
        symptoms: Vec::new(),
        days_logged: 0,
        days_in_period: 30,
        adherence: Vec::new(),
        ..fixture_extras()
    }
}

/// Runs one of poppler's tools. They are what CI installs (poppler-utils) to read the PDF
/// independently of the library that wrote it, so a missing tool fails the test.
fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install Debian's poppler-utils to run this test")
    });
    assert!(
        output.status.success(),
        "`{tool} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("htma-summary-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// HTMA_KEEP_PDF=1 keeps the files, to look at them (`pdftoppm -png -r 60 FILE page`).
fn clean_up(path: &Path) {
    if std::env::var_os("HTMA_KEEP_PDF").is_none() {
        let _ = std::fs::remove_file(path);
    }
}

fn page_count(path: &Path) -> usize {
    let info = poppler("pdfinfo", &[path.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo reported no page count:\n{info}"))
}

/// The text as pdftotext reads it, with line breaks and runs of spaces as single spaces so
/// a wrapped sentence can be found whole.
fn extracted_text(path: &Path) -> String {
    let text = poppler("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn three_years_of_data_render_as_a_readable_pdf() {
    let data = three_years();
    let started = Instant::now();
    let bytes = render_summary_pdf(&data).unwrap();
    let elapsed = started.elapsed();
    println!(
        "rendered 3 years ({} tests, {} charts, {} flags, {} symptoms × 156 weeks) in {elapsed:?}: {} bytes",
        data.tests.len(),
        data.series.len(),
        data.flags.len(),
        data.symptoms.len(),
        bytes.len()
    );
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 400 * 1024, "{} bytes", bytes.len());

    let path = write_temp("three-years", &bytes);
    let pages = page_count(&path);
    let text = extracted_text(&path);
    println!("{pages} pages, written to {}", path.display());
    assert!((2..=10).contains(&pages), "{pages} pages");
    assert!(text.contains("Zoë Kowalczyk"), "client name missing");
    assert!(text.contains("ZK-0042") && text.contains("Dr. Ana Müller"));
    assert!(text.contains("2023-01-16"), "first test date missing");
    assert!(text.contains("2025-10-13"), "last test date missing");
    assert!(
        text.contains("P-NAK-INV appeared: 1 ≤ Na/K 2.5 < 2.5"),
        "flag summary missing"
    );
    assert!(
        text.contains(&squeeze(&data.flags[0].summary)),
        "flag with → missing"
    );
    assert!(
        text.contains("the afternoon slump is mostly gone"),
        "comment missing"
    );
    assert!(text.contains("Magnesium glycinate — 300 mg — twice daily"));
    assert!(text.contains("Sleep quality (poor)") && text.contains("felt 300 days"));
    assert!(text.contains("Calcium (Ca) mg%") && text.contains("Na/Mg ratio"));
    // Issue 17: the program as followed, each supplement then the diet, in counts and shares.
    assert!(text.contains("Program followed"));
    assert!(
        text.contains(
            "Magnesium glycinate: taken as prescribed on 640 of 800 answered days (80 %), partly on 40 (5 %), not taken on 120 (15 %)."
        ),
        "adherence missing"
    );
    assert!(text.contains("Diet: followed on 500 of 800 answered days (63 %)"));
    // The disclaimer and the page number are in every page's footer.
    let disclaimer = squeeze(DISCLAIMER);
    assert_eq!(
        text.matches(&disclaimer).count(),
        pages,
        "disclaimer per page"
    );
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    // Both faces are embedded and map back to Unicode (what makes the text selectable).
    let fonts = poppler("pdffonts", &[path.to_str().unwrap()]);
    let faces: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(faces.len(), 2, "{fonts}");
    for face in faces {
        let columns: Vec<&str> = face.split_whitespace().collect();
        // The columns end with: embedded, subset, Unicode map, object number, generation.
        assert!(columns.len() > 5, "{fonts}");
        assert_eq!(
            columns[columns.len() - 5..columns.len() - 2],
            ["yes", "yes", "yes"],
            "{fonts}"
        );
    }
    clean_up(&path);
}

#[test]
fn an_empty_summary_renders_one_page() {
    let started = Instant::now();
    let bytes = render_summary_pdf(&empty()).unwrap();
    println!(
        "rendered the empty case in {:?}: {} bytes",
        started.elapsed(),
        bytes.len()
    );
    assert!(bytes.starts_with(b"%PDF-"));
    let path = write_temp("empty", &bytes);
    assert_eq!(page_count(&path), 1);
    let text = extracted_text(&path);
    assert!(text.contains("New Client"));
    assert!(text.contains("No hair test in this period."));
    assert!(text.contains("No symptom was logged in this period."));
    assert!(text.contains(&squeeze(DISCLAIMER)));
    clean_up(&path);
}

#[test]
fn characters_outside_the_font_become_question_marks() {
    let mut data = empty();
    data.client_name = "Ωmega 李 Ünal".into();
    data.comment = "emoji 🙂 and a tab\there".into();
    let bytes = render_summary_pdf(&data).unwrap();
    let path = write_temp("charset", &bytes);
    let text = extracted_text(&path);
    assert!(text.contains("Ωmega ? Ünal"), "{text}");
    assert!(text.contains("emoji ? and a tab here"), "{text}");
    clean_up(&path);
}

#[test]
fn a_wall_of_text_wraps_and_flows_over_pages() {
    let mut data = empty();
    let word = "Calcium".repeat(3000);
    data.comment = format!("{word} {}", "and the sauna helps ".repeat(800));
    let started = Instant::now();
    let bytes = render_summary_pdf(&data).unwrap();
    println!(
        "rendered a 37,000-character comment in {:?}",
        started.elapsed()
    );
    let path = write_temp("wall", &bytes);
    let pages = page_count(&path);
    assert!((3..=20).contains(&pages), "{pages} pages");
    let text = extracted_text(&path);
    assert!(text.contains("and the sauna helps and the sauna helps"));
    assert_eq!(text.matches(&squeeze(DISCLAIMER)).count(), pages);
    clean_up(&path);
}

#[test]
fn one_test_and_a_single_week_do_not_break_the_layout() {
    let mut data = three_years();
    data.tests.truncate(1);
    for series in &mut data.series {
        series.points.truncate(1);
    }
    data.series[1].points.clear();
    data.axis = TimeAxis::spanning([data.tests[0].sample_date]);
    for symptom in &mut data.symptoms {
        symptom.weekly.truncate(1);
    }
    data.flags.clear();
    let bytes = render_summary_pdf(&data).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
}

/// Six-digit levels and ratios, and long pattern names: the table must become narrower type or
/// two tables, never a number broken over two lines.
fn six_digits() -> SummaryData {
    let mut data = three_years();
    let big = [
        "123456.7",
        "98765.43",
        "456789",
        "100000.5",
        "104166.67",
        "250000.1",
        "999999.9",
        "123456.78",
    ];
    for (i, test) in data.tests.iter_mut().enumerate() {
        test.values = big.iter().map(|v| format!("{v}{}", i % 10)).collect();
        test.patterns = vec![
            "Bio-unavailable calcium/magnesium".into(),
            "Sodium/potassium inversion".into(),
        ];
        test.lab = "Analytical Research Laboratories".into();
    }
    data
}

#[test]
fn six_digit_levels_and_ratios_never_wrap() {
    let data = six_digits();
    let bytes = render_summary_pdf(&data).unwrap();
    let path = write_temp("six-digits", &bytes);
    let text = poppler(
        "pdftotext",
        &["-enc", "UTF-8", "-layout", path.to_str().unwrap(), "-"],
    );
    for test in &data.tests {
        for value in &test.values {
            assert!(
                text.lines().any(|line| line.contains(value.as_str())),
                "{value} is not whole on one line:\n{text}"
            );
        }
    }
    clean_up(&path);
}

#[test]
fn the_client_copy_has_no_flags_and_no_rule_ids() {
    let mut data = three_years();
    for test in &mut data.tests {
        test.patterns = test
            .patterns
            .iter()
            .map(|id| crate::export::plain::pattern_name(id))
            .collect();
    }
    data.patterns = vec![crate::export::summary::PatternNote {
        id: "P-K-LOW".into(),
        name: "Low potassium".into(),
        explanation: "Hair potassium is below 4 mg% (the ideal is about 10).".into(),
    }];
    let own = extracted_text(&write_temp("own", &render_summary_pdf(&data).unwrap()));
    assert!(own.contains("Flags") && own.contains("Low potassium (P-K-LOW)"));
    let path = write_temp("client", &render_summary_pdf(&data.for_client()).unwrap());
    let text = extracted_text(&path);
    assert!(text.contains("Low potassium") && text.contains("What the results mean"));
    for word in ["Flags", "flag", "acknowledged", "P-", "CMP-", "rule"] {
        assert!(!text.contains(word), "{word} in the client's copy: {text}");
    }
    clean_up(&path);
}

#[test]
fn the_evidence_numbers_are_the_practitioners_and_the_caveats_are_both_copies() {
    let mut data = three_years();
    let last = data.tests.last_mut().unwrap();
    last.patterns = vec!["Hidden copper".into()];
    last.evidence =
        vec!["Hidden copper 3×: 3 indicators hold: K 2.5 < 10, Zn 11.0 < 12, Ca 175 > 100".into()];
    last.notes = vec![
        "In adults fast oxidation is usually temporary: a slow oxidizer under acute stress.".into(),
    ];
    let own = squeeze(&extracted_text(&write_temp(
        "evidence-own",
        &render_summary_pdf(&data).unwrap(),
    )));
    assert!(own.contains("3 indicators hold: K 2.5 < 10"), "{own}");
    assert!(own.contains("usually temporary"), "{own}");
    let path = write_temp(
        "evidence-client",
        &render_summary_pdf(&data.for_client()).unwrap(),
    );
    let text = squeeze(&extracted_text(&path));
    assert!(!text.contains("indicators hold"), "{text}");
    assert!(text.contains("usually temporary"), "{text}");
    clean_up(&path);
}

#[test]
fn a_chart_names_its_latest_value_as_the_tables_do() {
    let mut data = three_years();
    let ratio = data.series.iter_mut().find(|s| s.id == "nak").unwrap();
    ratio.points.last_mut().unwrap().value = 20.0 / 9.0;
    let path = write_temp("latest", &render_summary_pdf(&data).unwrap());
    let text = extracted_text(&path);
    assert!(text.contains("latest 2.222 on"), "{text}");
    assert!(!text.contains("2.2222"), "{text}");
    clean_up(&path);
}

/// The embedded fonts are written with the bytes compressed once per process (streams.rs), not
/// deflated again for each PDF: both documents hold exactly those bytes.
#[test]
fn every_pdf_embeds_the_fonts_compressed_once() {
    let contains = |pdf: &[u8], part: &[u8]| pdf.windows(part.len()).any(|w| w == part);
    for data in [three_years(), empty()] {
        let pdf = render_summary_pdf(&data).unwrap();
        assert!(contains(&pdf, REGULAR_TTF.compressed()));
        assert!(contains(&pdf, BOLD_TTF.compressed()));
    }
}

/// Every summary the fixtures make passes the strict structural check (`structure.rs`): the
/// cross-reference table, the trailer, every stream's length and the page tree, read without
/// the repairs poppler's tools make silently; then lopdf walks the pages.
#[test]
fn every_summary_is_a_well_formed_pdf_to_the_byte() {
    let mut wall = empty();
    wall.comment = "and the sauna helps ".repeat(800);
    let mut non_ascii = empty();
    non_ascii.client_name = "Ωmega 李 (Ünal) \\ x".into();
    for (name, data) in [
        ("three years", three_years()),
        ("client copy", three_years().for_client()),
        ("empty", empty()),
        ("wall of text", wall),
        ("non-ASCII information", non_ascii),
        ("six digits", six_digits()),
    ] {
        let pdf = render_summary_pdf(&data).unwrap();
        if let Err(problem) = structure::check(&pdf) {
            panic!("{name}: {problem}");
        }
    }
}

/// The check fails on a file whose structure is off by one byte, or whose table points at the
/// wrong object, though poppler would still show such a file (it rebuilds the table).
#[test]
fn the_structural_check_fails_on_a_corrupted_offset_or_length() {
    let pdf = render_summary_pdf(&three_years()).unwrap();
    structure::check(&pdf).unwrap();
    let xref = {
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 32..]).into_owned();
        let digits: String = tail
            .split("startxref\n")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<usize>().unwrap()
    };
    // The offset of object 3 in the table (line 4 after `xref\n0 N\n`), one byte later.
    let table = xref + pdf[xref..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let header = table + pdf[table..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let entry = header + 3 * 20;
    let offset: usize = std::str::from_utf8(&pdf[entry..entry + 10])
        .unwrap()
        .parse()
        .unwrap();
    let mut moved = pdf.clone();
    moved[entry..entry + 10].copy_from_slice(format!("{:010}", offset + 1).as_bytes());
    let problem = structure::check(&moved).unwrap_err();
    assert!(problem.contains("object 3"), "{problem}");
    // Two entries swapped: each offset points at an object, but not its own.
    let mut swapped = pdf.clone();
    let (first, second) = (header + 20, header + 2 * 20);
    let saved = swapped[first..first + 20].to_vec();
    swapped.copy_within(second..second + 20, first);
    swapped[second..second + 20].copy_from_slice(&saved);
    assert!(structure::check(&swapped).is_err());
    // startxref one byte off.
    let mut start = pdf.clone();
    let at = start.len() - "\n%%EOF\n".len() - 1;
    start[at] = if start[at] == b'9' {
        b'0'
    } else {
        start[at] + 1
    };
    assert!(structure::check(&start).is_err());
    // A stream's /Length one short: the stream and every offset after it stay where they were.
    let length_at = pdf.windows(8).rposition(|w| w == b"/Length ").unwrap() + 8;
    let length_end = length_at + pdf[length_at..].iter().position(|&b| b == b' ').unwrap();
    let length: usize = std::str::from_utf8(&pdf[length_at..length_end])
        .unwrap()
        .parse()
        .unwrap();
    let shorter = format!("{:0width$}", length - 1, width = length_end - length_at);
    let mut short = pdf.clone();
    short[length_at..length_end].copy_from_slice(shorter.as_bytes());
    let problem = structure::check(&short).unwrap_err();
    assert!(problem.contains("/Length"), "{problem}");
}
