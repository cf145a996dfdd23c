//! `htma-tracker analyze FILE.csv`: a Lab CSV file in, one analysis per data row out, as the
//! JSON array of HTMA.md ("`htma-tracker analyze` JSON output") or as text for a person. Pure:
//! the caller reads the file and prints `stdout`/`stderr` and exits with `exit_code`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::domain::analysis::{analyze, Analysis};
use crate::domain::caveat::Caveat;
use crate::domain::element::Element;
use crate::domain::numbers::{format_value, round3};
use crate::domain::pattern::Pattern;
use crate::domain::ratio::{RatioId, RatioValue};
use crate::domain::reference::ReferenceSet;
use crate::domain::units::Unit;
use crate::domain::DISCLAIMER;
use crate::labcsv::{parse_lab_csv, CellError, LabRow, ParsedTest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Json,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzeOutcome {
    pub stdout: String,
    pub stderr: String,
    /// 0: every row valid; 1: some row has errors (all rows still printed); 2: the file cannot
    /// be read or its header is invalid.
    pub exit_code: i32,
}

pub const EXIT_OK: i32 = 0;
pub const EXIT_ROW_ERRORS: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 2;

/// Analyses every row with the default reference set `eck-wilson@2`.
pub fn analyze_csv(bytes: &[u8], format: OutputFormat) -> AnalyzeOutcome {
    analyze_csv_with(bytes, format, &ReferenceSet::eck_wilson())
}

pub fn analyze_csv_with(
    bytes: &[u8],
    format: OutputFormat,
    reference: &ReferenceSet,
) -> AnalyzeOutcome {
    let rows = match parse_lab_csv(bytes, Unit::MgPercent) {
        Ok(rows) => rows,
        Err(error) => {
            return AnalyzeOutcome {
                stdout: String::new(),
                stderr: format!("error: {error}\n"),
                exit_code: EXIT_UNREADABLE,
            }
        }
    };
    let analysed: Vec<(&LabRow, Option<Analysis>)> = rows
        .iter()
        .map(|row| {
            let analysis = row
                .result
                .as_ref()
                .ok()
                .map(|test| analyze(&test.hair_sample(), reference));
            (row, analysis)
        })
        .collect();
    let bad_rows = rows.iter().filter(|row| row.result.is_err()).count();
    let stdout = match format {
        OutputFormat::Json => match json_output(&analysed) {
            Ok(json) => json,
            Err(error) => {
                return AnalyzeOutcome {
                    stdout: String::new(),
                    stderr: format!("error: cannot write the JSON output: {error}\n"),
                    exit_code: EXIT_UNREADABLE,
                }
            }
        },
        OutputFormat::Text => text_output(&analysed),
    };
    let (stderr, exit_code) = if bad_rows == 0 {
        (String::new(), EXIT_OK)
    } else {
        (
            format!("{bad_rows} of {} rows have errors\n", rows.len()),
            EXIT_ROW_ERRORS,
        )
    };
    AnalyzeOutcome {
        stdout,
        stderr,
        exit_code,
    }
}

/// One element of the JSON array. Field order is the order of HTMA.md's example.
#[derive(serde::Serialize)]
struct JsonRow<'a> {
    row: usize,
    sample_date: Option<String>,
    sex: Option<&'static str>,
    levels: Option<JsonLevels<'a>>,
    /// Elements given as `<x` or `<<` (their level is the limit, or null for a bare `<<`).
    below_limit: Option<Vec<&'static str>>,
    ratios: Option<JsonRatios<'a>>,
    oxidation: Option<JsonOxidation>,
    patterns: Option<Vec<JsonPattern<'a>>>,
    /// Each rule that could not be evaluated, with the reason.
    not_evaluated: Option<Vec<JsonNotEvaluated<'a>>>,
    reference_set: Option<&'a str>,
    errors: &'a [CellError],
}

#[derive(serde::Serialize)]
struct JsonNotEvaluated<'a> {
    id: &'a str,
    reason: &'a str,
}

/// Measured elements in report order, mg%, unrounded (the stored value).
struct JsonLevels<'a>(&'a ParsedTest);

impl Serialize for JsonLevels<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.levels.len()))?;
        for (element, level) in &self.0.levels {
            // A bare `<<` has no number: 0 would read as measured, so it is null.
            let value = (!(level.below_limit() && level.mg_pct() == 0.0)).then(|| level.mg_pct());
            map.serialize_entry(element.symbol(), &value)?;
        }
        map.end()
    }
}

/// All seven ratios in table order, rounded to 3 decimals (3 significant digits when small);
/// null when not computable or only bounded (a numerator below its detection limit).
struct JsonRatios<'a>(&'a Analysis);

impl Serialize for JsonRatios<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(RatioId::ALL.len()))?;
        for ratio in RatioId::ALL {
            let value = self
                .0
                .ratios
                .get(&ratio)
                .and_then(RatioValue::value)
                .map(round3);
            map.serialize_entry(ratio.label(), &value)?;
        }
        map.end()
    }
}

#[derive(serde::Serialize)]
struct JsonOxidation {
    #[serde(rename = "type")]
    oxidation_type: &'static str,
    degree: Option<&'static str>,
    /// Why the type is undetermined (OX-5), else null.
    reason: Option<String>,
    /// OX-7, an app convention: null, or the deciding ratio near its threshold.
    borderline: Option<JsonBorderline>,
    /// OX-8: `slow`, `fast` or null.
    lean: Option<&'static str>,
    /// OX-9: `healthy`, `tired` or null.
    vitality: Option<&'static str>,
    /// Only present for a washed sample, so unwashed rows keep the exact documented shape.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    caveats: Vec<&'static str>,
}

#[derive(serde::Serialize)]
struct JsonBorderline {
    ratio: &'static str,
    value: f64,
    threshold: f64,
    distance_pct: f64,
}

#[derive(serde::Serialize)]
struct JsonPattern<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    multiple: Option<u8>,
    evidence: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    caveats: Vec<&'static str>,
}

fn caveat_names(caveats: &[Caveat]) -> Vec<&'static str> {
    caveats.iter().map(|caveat| caveat.as_str()).collect()
}

fn json_row<'a>(row: &'a LabRow, analysis: Option<&'a Analysis>) -> JsonRow<'a> {
    match (&row.result, analysis) {
        (Ok(test), Some(analysis)) => JsonRow {
            row: row.line,
            sample_date: Some(test.sample_date.format("%Y-%m-%d").to_string()),
            sex: test.sex.code(),
            levels: Some(JsonLevels(test)),
            below_limit: Some(
                test.levels
                    .iter()
                    .filter(|(_, level)| level.below_limit())
                    .map(|(element, _)| element.symbol())
                    .collect(),
            ),
            ratios: Some(JsonRatios(analysis)),
            oxidation: Some(JsonOxidation {
                oxidation_type: analysis.oxidation.oxidation_type.as_str(),
                degree: analysis.oxidation.degree.map(|degree| degree.as_str()),
                reason: analysis.oxidation.undetermined_reason.clone(),
                borderline: analysis
                    .oxidation
                    .borderline
                    .map(|borderline| JsonBorderline {
                        ratio: borderline.ratio.label(),
                        value: round3(borderline.value),
                        threshold: borderline.threshold,
                        distance_pct: round3(borderline.distance_pct),
                    }),
                lean: analysis.oxidation.lean.map(|side| side.as_str()),
                vitality: analysis
                    .oxidation
                    .vitality
                    .map(|vitality| vitality.as_str()),
                caveats: caveat_names(&analysis.oxidation.caveats),
            }),
            patterns: Some(
                analysis
                    .patterns
                    .iter()
                    .map(|pattern: &Pattern| JsonPattern {
                        id: &pattern.id,
                        multiple: pattern.multiple,
                        evidence: &pattern.evidence,
                        caveats: caveat_names(&pattern.caveats),
                    })
                    .collect(),
            ),
            not_evaluated: Some(
                analysis
                    .not_evaluated
                    .iter()
                    .map(|entry| JsonNotEvaluated {
                        id: &entry.rule_id,
                        reason: &entry.reason,
                    })
                    .collect(),
            ),
            reference_set: Some(&analysis.reference_set),
            errors: &[],
        },
        (result, _) => JsonRow {
            row: row.line,
            sample_date: None,
            sex: None,
            levels: None,
            below_limit: None,
            ratios: None,
            oxidation: None,
            patterns: None,
            not_evaluated: None,
            reference_set: None,
            errors: result.as_ref().err().map_or(&[], Vec::as_slice),
        },
    }
}

/// One JSON array, one row object per line so the output stays readable and diffable.
fn json_output(rows: &[(&LabRow, Option<Analysis>)]) -> Result<String, serde_json::Error> {
    if rows.is_empty() {
        return Ok("[]\n".to_string());
    }
    let objects = rows
        .iter()
        .map(|(row, analysis)| serde_json::to_string(&json_row(row, analysis.as_ref())))
        .collect::<Result<Vec<String>, _>>()?;
    Ok(format!("[\n{}\n]\n", objects.join(",\n")))
}

fn text_output(rows: &[(&LabRow, Option<Analysis>)]) -> String {
    let mut out = String::new();
    for (row, analysis) in rows {
        match (&row.result, analysis) {
            (Ok(test), Some(analysis)) => text_row(&mut out, row.line, test, analysis),
            (result, _) => {
                out.push_str(&format!("Row {} — not analysed:\n", row.line));
                for error in result.as_ref().err().map_or(&[][..], Vec::as_slice) {
                    out.push_str(&format!("  {}: {}\n", error.column, error.message));
                }
            }
        }
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str("No data rows.\n\n");
    }
    out.push_str(DISCLAIMER);
    out.push('\n');
    out
}

fn text_row(out: &mut String, line: usize, test: &ParsedTest, analysis: &Analysis) {
    let sex = test.sex.code().unwrap_or("unrecorded");
    out.push_str(&format!(
        "Row {line} — sample {}, sex {sex}{}, reference set {}\n",
        test.sample_date.format("%Y-%m-%d"),
        if test.washed { ", washed hair" } else { "" },
        analysis.reference_set
    ));
    let levels: Vec<String> = Element::ALL
        .iter()
        .filter_map(|element| {
            test.levels
                .get(element)
                .map(|level| format!("{element} {}", level.display()))
        })
        .collect();
    let levels = if levels.is_empty() {
        "none measured".to_string()
    } else {
        levels.join(", ")
    };
    out.push_str(&format!("  Levels (mg%): {levels}\n"));
    let below: Vec<&str> = test
        .levels
        .iter()
        .filter(|(_, level)| level.below_limit())
        .map(|(element, _)| element.symbol())
        .collect();
    if !below.is_empty() {
        out.push_str(&format!(
            "  Below the detection limit: {}\n",
            below.join(", ")
        ));
    }
    let ratios: Vec<String> = RatioId::ALL
        .iter()
        .map(|ratio| match analysis.ratios.get(ratio) {
            Some(RatioValue::Computable(value)) => format!("{ratio} {}", format_value(*value)),
            Some(below @ RatioValue::Below(_)) => format!(
                "{ratio} {} ({} below its detection limit)",
                below.display(),
                ratio.numerator()
            ),
            Some(RatioValue::NotComputable(reason)) => format!("{ratio} n/a ({reason})"),
            None => format!("{ratio} n/a"),
        })
        .collect();
    out.push_str(&format!("  Ratios: {}\n", ratios.join(", ")));
    let oxidation = &analysis.oxidation;
    let type_and_degree = match oxidation.degree {
        Some(degree) => format!("{}, {degree}", oxidation.oxidation_type),
        None => oxidation.oxidation_type.to_string(),
    };
    out.push_str(&format!(
        "  Oxidation: {type_and_degree} — {}",
        oxidation.evidence
    ));
    if let Some(reason) = &oxidation.undetermined_reason {
        out.push_str(&format!(" — undetermined: {reason}"));
    }
    if let Some(reading) = oxidation.reading() {
        out.push_str(&format!(" — {reading}"));
    }
    if let Some(borderline) = &oxidation.borderline {
        out.push_str(&format!(
            " — {} (OX-7, an app convention, not an Eck rule)",
            borderline.describe()
        ));
    }
    push_caveats(out, &oxidation.caveats);
    out.push('\n');
    if analysis.patterns.is_empty() {
        out.push_str("  Patterns: none\n");
    } else {
        out.push_str("  Patterns:\n");
        for pattern in &analysis.patterns {
            let multiple = pattern
                .multiple
                .map(|multiple| format!(" {multiple}×"))
                .unwrap_or_default();
            out.push_str(&format!(
                "    {}{multiple}: {}",
                pattern.id, pattern.evidence
            ));
            push_caveats(out, &pattern.caveats);
            out.push('\n');
        }
    }
    if !analysis.not_evaluated.is_empty() {
        out.push_str("  Not evaluated:\n");
        for entry in &analysis.not_evaluated {
            out.push_str(&format!("    {}: {}\n", entry.rule_id, entry.reason));
        }
    }
}

fn push_caveats(out: &mut String, caveats: &[Caveat]) {
    for caveat in caveats {
        out.push_str(&format!(" [{caveat}: {}]", caveat.explanation()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn json_of(outcome: &AnalyzeOutcome) -> Value {
        serde_json::from_str(&outcome.stdout).unwrap()
    }

    const EXAMPLES: &str = "sample_date,sex,Ca,Mg,Na,K,Zn,Cu\n\
        2025-03-01,F,160,18,8,2,,\n\
        2025-03-02,,22,2.5,60,25,12,1.2\n\
        2025-03-03,M,160,20,10,3,,\n";

    #[test]
    fn json_shape_of_a_valid_row() {
        let outcome = analyze_csv(EXAMPLES.as_bytes(), OutputFormat::Json);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert_eq!(outcome.stderr, "");
        let rows = json_of(&outcome);
        assert_eq!(
            rows[0],
            json!({
                "row": 2,
                "sample_date": "2025-03-01",
                "sex": "F",
                "levels": {"Ca": 160.0, "Mg": 18.0, "Na": 8.0, "K": 2.0},
                "below_limit": [],
                "ratios": {
                    "Ca/P": null, "Na/K": 4.0, "Ca/K": 80.0, "Zn/Cu": null,
                    "Na/Mg": 0.444, "Ca/Mg": 8.889, "Fe/Cu": null
                },
                "oxidation": {"type": "slow", "degree": "moderate", "reason": null,
                              "borderline": null, "lean": null, "vitality": "healthy"},
                "patterns": [
                    {"id": "P-K-LOW", "evidence": "K 2.0 < 4"},
                    {"id": "P-K-VLOW", "evidence": "K 2.0 ≤ 2"},
                    {"id": "P-SYMP-DOM", "evidence": "oxidation type slow, K 2.0 ≤ 4"},
                    {"id": "P-BIOUNAVAIL-CA",
                     "evidence": "oxidation type slow, Ca 160.0 > 40, Na 8.0 < 25, K 2.0 < 10"}
                ],
                "not_evaluated": [
                    {"id": "P-P-LOW", "reason": "P not measured"},
                    {"id": "P-P-VLOW", "reason": "P not measured"},
                    {"id": "P-TOXIC-Pb", "reason": "Pb not measured"},
                    {"id": "P-TOXIC-Hg", "reason": "Hg not measured"},
                    {"id": "P-TOXIC-Cd", "reason": "Cd not measured"},
                    {"id": "P-TOXIC-As", "reason": "As not measured"},
                    {"id": "P-TOXIC-Al", "reason": "Al not measured"},
                    {"id": "P-TOXIC-Ni", "reason": "Ni not measured"},
                    {"id": "P-ZNCU-LOW", "reason": "Zn/Cu not computable: Zn not measured"},
                    {"id": "P-HIDDEN-CU", "reason": "2 indicators hold (K 2.0 < 10, Ca 160.0 > 100), 3 needed; not known: Zn not measured, P not measured (could make 4)"},
                    {"id": "P-POOR-ELIM", "reason": "0 metals hold, 2 needed; not known: Pb not measured, Hg not measured, Cd not measured, As not measured, Al not measured, Ni not measured (could make 6)"}
                ],
                "reference_set": "eck-wilson@2",
                "errors": []
            })
        );
        assert_eq!(rows[1]["sex"], Value::Null);
        assert_eq!(
            rows[1]["oxidation"],
            json!({"type": "fast", "degree": "moderate", "reason": null,
                   "borderline": null, "lean": null, "vitality": "tired"})
        );
        assert_eq!(rows[1]["ratios"]["Zn/Cu"], json!(10.0));
        assert_eq!(rows[1]["ratios"]["Ca/K"], json!(0.88));
        assert_eq!(
            rows[2]["patterns"][0],
            json!({
                "id": "P-CA-SHELL",
                "multiple": 1,
                "evidence": "Ca 160.0 ≥ 155, male: 1× band (155 ≤ Ca < 200)"
            })
        );
        assert_eq!(rows[2]["ratios"]["Ca/K"], json!(53.333));
        // Keys come out in the documented order.
        let first_line = outcome.stdout.lines().nth(1).unwrap();
        let order = [
            "\"row\"",
            "\"sample_date\"",
            "\"sex\"",
            "\"levels\"",
            "\"ratios\"",
            "\"oxidation\"",
            "\"patterns\"",
            "\"reference_set\"",
            "\"errors\"",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|key| first_line.find(key).unwrap())
            .collect();
        assert!(
            positions.windows(2).all(|pair| pair[0] < pair[1]),
            "{first_line}"
        );
        assert!(first_line.find("\"Ca/P\"") < first_line.find("\"Fe/Cu\""));
    }

    #[test]
    fn exit_1_when_a_row_has_errors_and_all_rows_are_printed() {
        let outcome = analyze_csv(
            "sample_date,Ca,K\n2025-03-01,160,2\n2025-13-01,abc,2\n2025-03-02,50,5\n".as_bytes(),
            OutputFormat::Json,
        );
        assert_eq!(outcome.exit_code, 1);
        assert_eq!(outcome.stderr, "1 of 3 rows have errors\n");
        let rows = json_of(&outcome);
        assert_eq!(rows.as_array().unwrap().len(), 3);
        assert_eq!(rows[1]["row"], 3);
        for key in [
            "sample_date",
            "sex",
            "levels",
            "ratios",
            "oxidation",
            "patterns",
            "reference_set",
        ] {
            assert_eq!(rows[1][key], Value::Null, "{key}");
        }
        let errors = rows[1]["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0]["column"], "sample_date");
        assert_eq!(errors[1]["column"], "Ca");
        assert!(errors[1]["message"].as_str().unwrap().contains("\"abc\""));
        assert_eq!(rows[2]["row"], 4);
        assert_eq!(rows[2]["errors"], json!([]));
    }

    #[test]
    fn exit_2_when_the_file_or_header_is_invalid() {
        let cases: &[&[u8]] = &[
            b"",
            b"sample_date,Ca,Unobtainium\n2025-01-01,1,2\n",
            b"sample_date,Ca,Calcium\n",
            b"Ca,K\n1,2\n",
            b"sample_date,\xff\n",
        ];
        for bytes in cases {
            for format in [OutputFormat::Json, OutputFormat::Text] {
                let outcome = analyze_csv(bytes, format);
                assert_eq!(outcome.exit_code, 2, "{bytes:?}");
                assert_eq!(outcome.stdout, "");
                assert!(outcome.stderr.starts_with("error: "), "{}", outcome.stderr);
            }
        }
        let outcome = analyze_csv(b"sample_date,Ca,Unobtainium\n", OutputFormat::Json);
        assert!(
            outcome.stderr.contains("\"Unobtainium\""),
            "{}",
            outcome.stderr
        );
    }

    #[test]
    fn exit_0_for_a_header_without_rows() {
        let outcome = analyze_csv(b"sample_date,Ca\n", OutputFormat::Json);
        assert_eq!((outcome.exit_code, outcome.stdout.as_str()), (0, "[]\n"));
    }

    #[test]
    fn washed_rows_carry_the_caveat_in_json() {
        let outcome = analyze_csv(
            b"sample_date,washed,Ca,Mg,Na,K\n2025-01-01,yes,30,4,12,6\n",
            OutputFormat::Json,
        );
        let rows = json_of(&outcome);
        assert_eq!(
            rows[0]["oxidation"],
            json!({"type": "four_lows", "degree": "mild", "reason": null, "borderline": null,
                   "lean": null, "vitality": null, "caveats": ["washed_sample"]})
        );
        assert_eq!(rows[0]["patterns"][0]["caveats"], json!(["washed_sample"]));
    }

    #[test]
    fn washed_caveat_on_every_finding_that_reads_sodium_or_potassium() {
        let outcome = analyze_csv(
            b"sample_date,washed,Ca,Mg,Na,K,P
2025-01-01,yes,160,18,8,2,5
",
            OutputFormat::Json,
        );
        let rows = json_of(&outcome);
        let patterns = rows[0]["patterns"].as_array().unwrap();
        for pattern in patterns {
            let id = pattern["id"].as_str().unwrap();
            let caveated = pattern.get("caveats") == Some(&json!(["washed_sample"]));
            let reads_na_or_k = !id.starts_with("P-P-");
            assert_eq!(caveated, reads_na_or_k, "{id}");
        }
        let ids: Vec<&str> = patterns.iter().filter_map(|p| p["id"].as_str()).collect();
        for id in [
            "P-K-LOW",
            "P-K-VLOW",
            "P-SYMP-DOM",
            "P-BIOUNAVAIL-CA",
            "P-P-LOW",
        ] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
    }

    #[test]
    fn the_fuller_reading_in_json() {
        let outcome = analyze_csv(
            b"sample_date,lab,Ca,Mg,Na,K,Zn,Cu,Pb,Hg,Cd,As,Al,Ni\n\
              2025-03-02,ARL,22,2.5,60,25,12,1.2,,,,,,\n\
              2025-03-03,ARL,60,8,40,12,,,0.01,<0.001,0.002,0.003,0.5,0.01\n\
              2024-02-01,ARL,30,4,12,6,,,,,,,,\n\
              2024-01-31,ARL,30,4,12,6,,,,,,,,\n",
            OutputFormat::Json,
        );
        let rows = json_of(&outcome);
        // Worked example 2: tired fast oxidizer, P-BURNED-OUT 1×.
        assert_eq!(rows[0]["oxidation"]["vitality"], "tired");
        let burned_out = rows[0]["patterns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "P-BURNED-OUT")
            .cloned()
            .unwrap();
        assert_eq!(burned_out["multiple"], 1);
        // Worked example 5 with toxic metals: leaning slow; 6 metals below their level.
        assert_eq!(rows[1]["oxidation"]["lean"], "slow");
        let poor = rows[1]["patterns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "P-POOR-ELIM")
            .cloned()
            .unwrap();
        assert_eq!(poor["multiple"], 5, "{poor}");
        // Four lows on ARL from 2024-02-01 carry the caveat; the day before does not.
        assert_eq!(rows[2]["oxidation"]["caveats"], json!(["arl_low_readings"]));
        assert_eq!(rows[3]["oxidation"].get("caveats"), None);
        assert_eq!(rows[2]["reference_set"], "eck-wilson@2");
    }

    #[test]
    fn the_issues_boundary_examples_in_json() {
        let outcome = analyze_csv(
            b"sample_date,Ca,Mg,Na,K,Zn,Cu
              2025-01-01,66,30,30,2.2,8.1,1.35
              2025-01-02,5.6,1,100,14,,
              2025-01-03,,,5.6,2.24,,
              2025-01-04,,,13.8,2.3,,
",
            OutputFormat::Json,
        );
        let rows = json_of(&outcome);
        assert_eq!(rows[0]["oxidation"]["type"], "slow");
        assert_eq!(rows[0]["oxidation"]["degree"], "moderate");
        let ids = |row: &Value| -> Vec<String> {
            row["patterns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(!ids(&rows[0]).contains(&"P-ZNCU-LOW".to_string()));
        assert_eq!(rows[1]["oxidation"]["degree"], "moderate");
        assert!(!ids(&rows[2]).contains(&"P-NAK-INV".to_string()));
        assert!(ids(&rows[3]).contains(&"P-NAK-HIGH".to_string()));
        assert!(!ids(&rows[3]).contains(&"P-NAK-VHIGH".to_string()));
        let high = &rows[3]["patterns"][0];
        assert_eq!(high["evidence"], "4 < Na/K 6.0 ≤ 6");
    }

    #[test]
    fn below_limit_undetermined_and_borderline_keys() {
        let outcome = analyze_csv(
            b"sample_date,Ca,Mg,Na,K,Pb,U,Co
              2025-01-01,39,50,50,10,<0.001,<0.0003,0.0004
              2025-01-02,<<,2,100,10,,,
              2025-01-03,<3,2,100,10,,,
              2025-01-04,50,,30,7,,,
",
            OutputFormat::Json,
        );
        let rows = json_of(&outcome);
        assert_eq!(rows[0]["below_limit"], json!(["U", "Pb"]));
        assert_eq!(rows[0]["levels"]["Co"], json!(0.0004));
        assert_eq!(
            rows[0]["oxidation"]["borderline"],
            json!({"ratio": "Ca/K", "value": 3.9, "threshold": 4.0, "distance_pct": 2.5})
        );
        assert_eq!(rows[0]["oxidation"]["type"], "mixed");
        // |ln(3.9 / 4)| < |ln(1 / 4.17)|: Na/Mg is further, on the slow side.
        assert_eq!(rows[0]["oxidation"]["lean"], "slow");
        // A bare << numerator: the level is null (never 0 as if measured), the ratio too.
        assert_eq!(rows[1]["levels"]["Ca"], Value::Null);
        assert_eq!(rows[1]["below_limit"], json!(["Ca"]));
        assert_eq!(rows[1]["ratios"]["Ca/K"], Value::Null);
        assert_eq!(rows[1]["oxidation"]["type"], "undetermined");
        assert_eq!(
            rows[1]["oxidation"]["reason"],
            "Ca/K not computable: Ca is below the lab's limit with no number given"
        );
        // <3 / 10 is below 0.3: fast and extreme, decided by the whole range.
        assert_eq!(rows[2]["oxidation"]["type"], "fast");
        assert_eq!(rows[2]["oxidation"]["degree"], "extreme");
        assert_eq!(rows[2]["ratios"]["Ca/K"], Value::Null);
        assert_eq!(rows[3]["oxidation"]["type"], "undetermined");
        assert_eq!(
            rows[3]["oxidation"]["reason"],
            "Na/Mg not computable: Mg not measured"
        );
        let not_evaluated = rows[3]["not_evaluated"].as_array().unwrap();
        assert_eq!(
            not_evaluated[0],
            json!({"id": "OX-4", "reason": "Na/Mg not computable: Mg not measured"})
        );
        let text = analyze_csv(
            b"sample_date,Ca,Mg,Na,K,U
2025-01-01,39,50,50,10,<0.0003
",
            OutputFormat::Text,
        )
        .stdout;
        for expected in [
            "U <0.0003",
            "Below the detection limit: U",
            "borderline: Ca/K 3.9 is 2.5 % from 4",
            "mixed, leaning slow",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn ppm_levels_are_reported_in_mg_percent() {
        let outcome = analyze_csv(
            b"sample_date,units,Ca,K (mg%)\n2025-01-01,ppm,1600,2\n",
            OutputFormat::Json,
        );
        let rows = json_of(&outcome);
        assert_eq!(rows[0]["levels"], json!({"Ca": 160.0, "K": 2.0}));
        assert_eq!(rows[0]["ratios"]["Ca/K"], json!(80.0));
    }

    #[test]
    fn text_output_has_the_same_information() {
        let outcome = analyze_csv(
            "sample_date,sex,Ca,Mg,Na,K\n2025-03-01,F,160,18,8,2\n2025-03-02,F,x,1,1,1\n"
                .as_bytes(),
            OutputFormat::Text,
        );
        assert_eq!(outcome.exit_code, 1);
        let text = &outcome.stdout;
        for expected in [
            "Row 2 — sample 2025-03-01, sex F, reference set eck-wilson@2",
            "Levels (mg%): Ca 160.0, Mg 18.0, Na 8.0, K 2.0",
            "Ca/P n/a (P not measured)",
            "Ca/K 80.0",
            "Oxidation: slow, moderate",
            "P-K-LOW: K 2.0 < 4",
            "P-P-LOW: P not measured",
            "Row 3 — not analysed:",
            "  Ca: \"x\" is not a level",
            "not a diagnosis",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn analyze_never_panics_and_exit_code_is_0_1_or_2(
            body in proptest::collection::vec(
                proptest::collection::vec("[0-9<.QNSyesno FM\",%-]{0,7}", 0..9),
                0..6,
            ),
            raw in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let mut text = String::from("sample_date,sex,washed,units,Ca,Mg,Na,K (ppm),Pb\n");
            for row in body {
                text.push_str(&row.join(","));
                text.push('\n');
            }
            for bytes in [text.as_bytes(), &raw] {
                let outcome = analyze_csv(bytes, OutputFormat::Json);
                proptest::prop_assert!([0, 1, 2].contains(&outcome.exit_code));
                if outcome.exit_code != 2 {
                    proptest::prop_assert!(serde_json::from_str::<Value>(&outcome.stdout).is_ok());
                }
                let _ = analyze_csv(bytes, OutputFormat::Text);
            }
        }
    }
}
