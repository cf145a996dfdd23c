//! Lab report PDFs made by the tests themselves (printpdf, the standard Helvetica), in the two
//! layouts labs use: a one-column table with reference ranges in mg% (drawn column by column, as
//! report generators do, so rows must be rebuilt from positions) and a two-column table with
//! printed ratios and `<<` marks in ppm. Each comes with the values a reader must find.

use printpdf::{
    BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage,
    RawImageData, RawImageFormat, TextItem, XObjectTransform,
};

pub struct Fixture {
    pub pdf: Vec<u8>,
    /// Form field → the value printed on the report.
    pub levels: Vec<(&'static str, &'static str)>,
    pub ratios: Vec<(&'static str, &'static str)>,
    pub unit: &'static str,
    pub sample_date: &'static str,
    pub lab: &'static str,
    pub lab_sample_id: &'static str,
}

fn text(ops: &mut Vec<Op>, x: f32, y: f32, size: f32, line: &str) {
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::Builtin(BuiltinFont::Helvetica),
            size: Pt(size),
        },
        Op::SetTextCursor {
            pos: Point { x: Pt(x), y: Pt(y) },
        },
        Op::ShowText {
            items: vec![TextItem::Text(line.to_string())],
        },
        Op::EndTextSection,
    ]);
}

fn save(pages: Vec<Vec<Op>>) -> Vec<u8> {
    let doc = PdfDocument::new("Hair tissue mineral analysis");
    let pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
        .collect();
    let mut warnings = Vec::new();
    let mut doc = doc;
    doc.with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings)
}

const ONE_COLUMN_ROWS: &[(&str, &str, &str, &str)] = &[
    ("Calcium", "Ca", "58.0", "35 - 80"),
    ("Magnesium", "Mg", "7.2", "4.5 - 8.5"),
    ("Sodium", "Na", "25", "18 - 34"),
    ("Potassium", "K", "10", "8 - 14"),
    ("Phosphorus", "P", "16.5", "14 - 18"),
    ("Zinc", "Zn", "17", "15 - 20"),
    ("Copper", "Cu", "2.4", "2.0 - 3.0"),
    ("Iron", "Fe", "1.1", "0.9 - 1.6"),
    ("Manganese", "Mn", "0.015", "0.01 - 0.03"),
    ("Chromium", "Cr", "0.04", "0.03 - 0.08"),
    ("Selenium", "Se", "0.09", "0.08 - 0.14"),
    ("Boron", "B", "0.05", "0.03 - 0.1"),
    ("Cobalt", "Co", "0.001", "< 0.01"),
    ("Molybdenum", "Mo", "0.002", "< 0.01"),
    ("Lithium", "Li", "0.001", "< 0.01"),
    ("Lead", "Pb", "<0.01", "< 0.1"),
    ("Mercury", "Hg", "QNS", "< 0.04"),
    ("Cadmium", "Cd", "0.002", "< 0.01"),
    ("Arsenic", "As", "0.003", "< 0.01"),
    ("Aluminum", "Al", "0.6", "< 1.0"),
    ("Nickel", "Ni", "0.01", "< 0.05"),
];

/// One column, mg%, reference ranges; each column of the table drawn on its own, top to bottom.
pub fn one_column_mg_pct() -> Fixture {
    let mut ops = Vec::new();
    text(
        &mut ops,
        50.0,
        800.0,
        14.0,
        "Analytical Research Labs, Inc.",
    );
    text(&mut ops, 50.0, 780.0, 9.0, "Hair Tissue Mineral Analysis");
    text(&mut ops, 50.0, 760.0, 9.0, "Patient: Test Client");
    text(&mut ops, 250.0, 760.0, 9.0, "Sex: F");
    text(&mut ops, 350.0, 760.0, 9.0, "Age: 42");
    text(&mut ops, 50.0, 745.0, 9.0, "Lab #: H2603-0147");
    text(&mut ops, 250.0, 745.0, 9.0, "Sample date: 2026-03-01");
    text(&mut ops, 420.0, 745.0, 9.0, "Report date: 2026-03-15");
    text(&mut ops, 50.0, 715.0, 10.0, "ELEMENT");
    text(&mut ops, 250.0, 715.0, 10.0, "RESULT mg%");
    text(&mut ops, 380.0, 715.0, 10.0, "REFERENCE RANGE");
    let row_y = |i: usize| 695.0 - 18.0 * i as f32;
    for (i, (name, symbol, _, _)) in ONE_COLUMN_ROWS.iter().enumerate() {
        text(
            &mut ops,
            50.0,
            row_y(i),
            10.0,
            &format!("{name} ({symbol})"),
        );
    }
    for (i, (_, _, value, _)) in ONE_COLUMN_ROWS.iter().enumerate() {
        text(&mut ops, 250.0, row_y(i), 10.0, value);
    }
    for (i, (_, _, _, range)) in ONE_COLUMN_ROWS.iter().enumerate() {
        text(&mut ops, 380.0, row_y(i), 10.0, range);
    }
    let mut page2 = Vec::new();
    text(
        &mut page2,
        50.0,
        800.0,
        10.0,
        "Interpretation: calcium above 60 suggests a slow oxidation rate.",
    );
    Fixture {
        pdf: save(vec![ops, page2]),
        levels: ONE_COLUMN_ROWS
            .iter()
            .map(|(_, s, v, _)| (*s, *v))
            .collect(),
        ratios: vec![],
        unit: "mg%",
        sample_date: "2026-03-01",
        lab: "ARL",
        lab_sample_id: "H2603-0147",
    }
}

const LEFT: &[(&str, &str)] = &[
    ("Ca", "1600"),
    ("Mg", "72"),
    ("Na", "250"),
    ("K", "100"),
    ("P", "165"),
    ("Fe", "11"),
];
const RIGHT: &[(&str, &str)] = &[
    ("Zn", "180"),
    ("Cu", "24"),
    ("Mn", "0.15"),
    ("Cr", "<<"),
    ("Pb", "0.21"),
    ("Hg", "<<"),
];
/// Na/Mg is misprinted on purpose (250/72 = 3.47): the review shows the 2 % cross-check.
const RATIOS: &[(&str, &str, &str)] = &[
    ("Ca/P", "R-CaP", "9.70"),
    ("Na/K", "R-NaK", "2.50"),
    ("Ca/Mg", "R-CaMg", "22.22"),
    ("Na/Mg", "R-NaMg", "3.80"),
];

/// Two columns of results and two of ratios, ppm, `<<` marks.
pub fn two_column_ppm() -> Fixture {
    let mut ops = Vec::new();
    text(&mut ops, 50.0, 800.0, 14.0, "TRACE ELEMENTS, INC.");
    text(&mut ops, 50.0, 780.0, 9.0, "Sample ID: 77812");
    text(
        &mut ops,
        200.0,
        780.0,
        9.0,
        "Date Sampled: 14 February 2026",
    );
    text(&mut ops, 400.0, 780.0, 9.0, "Gender: Male");
    text(&mut ops, 50.0, 750.0, 10.0, "Results in ppm");
    for (i, ((l, lv), (r, rv))) in LEFT.iter().zip(RIGHT).enumerate() {
        let y = 730.0 - 16.0 * i as f32;
        text(&mut ops, 50.0, y, 10.0, l);
        text(&mut ops, 110.0, y, 10.0, lv);
        text(&mut ops, 300.0, y, 10.0, r);
        text(&mut ops, 360.0, y, 10.0, rv);
    }
    text(&mut ops, 50.0, 600.0, 10.0, "Ratios");
    for (i, pair) in RATIOS.chunks(2).enumerate() {
        let y = 580.0 - 16.0 * i as f32;
        for (j, (label, _, value)) in pair.iter().enumerate() {
            let x = 50.0 + 250.0 * j as f32;
            text(&mut ops, x, y, 10.0, label);
            text(&mut ops, x + 60.0, y, 10.0, value);
        }
    }
    Fixture {
        pdf: save(vec![ops]),
        levels: LEFT.iter().chain(RIGHT).copied().collect(),
        ratios: RATIOS.iter().map(|(_, id, v)| (*id, *v)).collect(),
        unit: "ppm",
        sample_date: "2026-02-14",
        lab: "TEI",
        lab_sample_id: "77812",
    }
}

/// A scanned report: one page holding an image and no text at all.
pub fn image_only() -> Vec<u8> {
    let mut doc = PdfDocument::new("Scan");
    let (width, height) = (64, 64);
    let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
    let image = RawImage {
        pixels: RawImageData::U8(pixels),
        width,
        height,
        data_format: RawImageFormat::RGB8,
        tag: Vec::new(),
    };
    let id = doc.add_image(&image);
    let ops = vec![Op::UseXobject {
        id,
        transform: XObjectTransform {
            translate_x: Some(Pt(50.0)),
            translate_y: Some(Pt(400.0)),
            scale_x: Some(4.0),
            scale_y: Some(4.0),
            ..Default::default()
        },
    }];
    let mut warnings = Vec::new();
    doc.with_pages(vec![PdfPage::new(Mm(210.0), Mm(297.0), ops)])
        .save(&PdfSaveOptions::default(), &mut warnings)
}

/// A PDF that is not a lab report (an invoice).
pub fn invoice() -> Vec<u8> {
    let mut ops = Vec::new();
    text(&mut ops, 50.0, 800.0, 12.0, "Invoice 2026-0042");
    text(&mut ops, 50.0, 780.0, 10.0, "Hair analysis fee 85.00");
    text(&mut ops, 50.0, 765.0, 10.0, "Total due 85.00");
    save(vec![ops])
}

/// A PDF's header over scrambled bytes: a file damaged beyond repair.
pub fn damaged() -> Vec<u8> {
    let mut bytes = one_column_mg_pct().pdf;
    for byte in bytes.iter_mut().skip(16) {
        *byte ^= 0x5a;
    }
    bytes
}
