//! The hair tests as FHIR: per test a hair `Specimen`, one Observation per measured element
//! (µg/g), one for the seven ratios (components), one for the oxidation type and one for the
//! patterns, the last three carrying the educational-record disclaimer.

use serde_json::{json, Map, Value};

use super::{
    annotation, category, code_system, coding, date, instant, put_array, stable_uuid, Entry, UCUM,
};
use crate::db::hair_tests::HairTestRow;
use crate::domain::analysis::Analysis;
use crate::domain::element::Element;
use crate::domain::level::MineralLevel;
use crate::domain::ratio::{NotComputableReason, RatioValue};
use crate::domain::reference::ReferenceSet;
use crate::domain::DISCLAIMER;
use crate::service::exports::ClientExport;

const INTERPRETATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const DATA_ABSENT: &str = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
const SNOMED: &str = "http://snomed.info/sct";
/// The diagnostic service section of a laboratory report (US Core: category LAB).
const DIAGNOSTIC_SECTION: &str = "http://terminology.hl7.org/CodeSystem/v2-0074";

/// LOINC has "[Mass/mass] in Hair" codes for only a few elements; these three were checked
/// against two labs' published catalogues (Mayo Clinic Laboratories HMHA, ARUP). Every element
/// also carries the local code, so a reader needs no LOINC at all.
pub fn loinc_hair_code(element: Element) -> Option<&'static str> {
    match element {
        Element::As => Some("5584-8"),
        Element::Pb => Some("5673-9"),
        Element::Hg => Some("5686-1"),
        _ => None,
    }
}

/// mg% → µg/g (= ppm) is ×10. Done on the decimal text (the shortest form that reads back as
/// the stored double), so 0.003 mg% exports as 0.03, not 0.030000000000000002.
pub fn micrograms_per_gram(mg_pct: f64) -> f64 {
    let text = format!("{mg_pct}");
    let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut fraction = fraction.chars();
    let shifted_digit = fraction.next().unwrap_or('0');
    let rest: String = fraction.collect();
    let shifted = if rest.is_empty() {
        format!("{integer}{shifted_digit}")
    } else {
        format!("{integer}{shifted_digit}.{rest}")
    };
    shifted.parse().unwrap_or(mg_pct * 10.0)
}

fn element_code(element: Element) -> Value {
    let display = element.title();
    let mut codings = Vec::new();
    if let Some(code) = loinc_hair_code(element) {
        codings.push(json!({ "system": super::LOINC, "code": code }));
    }
    codings.push(coding(
        &code_system("hair-element"),
        element.symbol(),
        &display,
    ));
    json!({ "coding": codings, "text": format!("{display} in hair") })
}

fn quantity(value: f64, comparator: Option<&str>) -> Value {
    let mut quantity = Map::new();
    quantity.insert("value".into(), json!(value));
    if let Some(comparator) = comparator {
        quantity.insert("comparator".into(), json!(comparator));
    }
    quantity.insert("unit".into(), json!("µg/g"));
    quantity.insert("system".into(), json!(UCUM));
    quantity.insert("code".into(), json!("ug/g"));
    Value::Object(quantity)
}

/// Fields every hair observation shares.
fn base(test: &HairTestRow, subject: &Value, specimen: &Value, code: Value) -> Map<String, Value> {
    let mut resource = Map::new();
    resource.insert("resourceType".into(), json!("Observation"));
    resource.insert("status".into(), json!("final"));
    resource.insert("category".into(), category("laboratory", "Laboratory"));
    resource.insert("code".into(), code);
    resource.insert("subject".into(), subject.clone());
    resource.insert("effectiveDateTime".into(), json!(date(test.sample_date)));
    resource.insert("issued".into(), json!(instant(test.entered_at)));
    resource.insert("specimen".into(), specimen.clone());
    resource
}

fn htma_code(code: &str, display: &str) -> Value {
    json!({ "coding": [coding(&code_system("htma-observation"), code, display)], "text": display })
}

fn level_observation(
    test: &HairTestRow,
    element: Element,
    level: &MineralLevel,
    subject: &Value,
    specimen: &Value,
) -> Entry {
    let id = stable_uuid(&["level", &test.id.to_string(), element.symbol()]);
    let mut resource = base(test, subject, specimen, element_code(element));
    match (level.below_limit(), level.mg_pct() == 0.0) {
        (false, _) => {
            resource.insert(
                "valueQuantity".into(),
                quantity(micrograms_per_gram(level.mg_pct()), None),
            );
        }
        (true, false) => {
            resource.insert(
                "valueQuantity".into(),
                quantity(micrograms_per_gram(level.mg_pct()), Some("<")),
            );
        }
        // TEI's `<<`: below the lab's calibration limit, no number given. No value, so the
        // reason is said (obs-6: a value or a dataAbsentReason, never neither).
        (true, true) => {
            resource.insert(
                "dataAbsentReason".into(),
                json!({
                    "coding": [coding(DATA_ABSENT, "unknown", "Unknown")],
                    "text": "Below the lab's calibration limit (<<); the lab gave no number",
                }),
            );
            resource.insert(
                "interpretation".into(),
                json!([{ "coding": [coding(INTERPRETATION, "<", "Off scale low")] }]),
            );
            resource.insert(
                "note".into(),
                json!([{ "text": "Below the lab's calibration limit (<<); the lab gave no number." }]),
            );
        }
    }
    Entry::new(id, Value::Object(resource))
}

fn ratios_observation(
    test: &HairTestRow,
    analysis: &Analysis,
    subject: &Value,
    specimen: &Value,
    members: Vec<Value>,
    reference: &ReferenceSet,
) -> Entry {
    let components: Vec<Value> = analysis
        .ratios
        .iter()
        .map(|(ratio, value)| {
            let mut component = Map::new();
            component.insert(
                "code".into(),
                json!({ "coding": [coding(&code_system("htma-ratio"), ratio.id(), ratio.label())], "text": ratio.label() }),
            );
            match value {
                RatioValue::Computable(number) => {
                    component.insert(
                        "valueQuantity".into(),
                        json!({ "value": number, "unit": "ratio", "system": UCUM, "code": "1" }),
                    );
                }
                RatioValue::Below(bound) => {
                    // FHIR's Quantity comparator says "below this bound".
                    component.insert(
                        "valueQuantity".into(),
                        json!({ "value": bound, "comparator": "<", "unit": "ratio", "system": UCUM, "code": "1" }),
                    );
                }
                RatioValue::NotComputable(reason) => {
                    let code = match reason {
                        NotComputableReason::NotMeasured(_) => ("not-performed", "Not Performed"),
                        _ => ("not-a-number", "Not a Number (NaN)"),
                    };
                    component.insert(
                        "dataAbsentReason".into(),
                        json!({ "coding": [coding(DATA_ABSENT, code.0, code.1)], "text": reason.to_string() }),
                    );
                }
            }
            if let Some(ideal) = reference.ratio_ideal(*ratio) {
                component.insert(
                    "referenceRange".into(),
                    json!([{ "text": format!("ideal {ideal} ({})", analysis.reference_set) }]),
                );
            }
            Value::Object(component)
        })
        .collect();
    let id = stable_uuid(&["ratios", &test.id.to_string()]);
    let mut resource = base(
        test,
        subject,
        specimen,
        htma_code("ratios", "HTMA significant ratios"),
    );
    put_array(&mut resource, "derivedFrom", members);
    resource.insert("component".into(), Value::Array(components));
    resource.insert("note".into(), json!([{ "text": DISCLAIMER }]));
    Entry::new(id, Value::Object(resource))
}

fn oxidation_observation(
    test: &HairTestRow,
    analysis: &Analysis,
    subject: &Value,
    specimen: &Value,
    ratios: &Entry,
) -> Entry {
    let oxidation = &analysis.oxidation;
    let kind = oxidation.oxidation_type.as_str();
    let id = stable_uuid(&["oxidation", &test.id.to_string()]);
    let mut resource = base(
        test,
        subject,
        specimen,
        htma_code("oxidation-type", "Oxidation type"),
    );
    resource.insert(
        "valueCodeableConcept".into(),
        json!({ "coding": [coding(&code_system("oxidation-type"), kind, &kind.replace('_', " "))], "text": kind }),
    );
    if let Some(degree) = oxidation.degree {
        resource.insert(
            "component".into(),
            json!([{
                "code": htma_code("oxidation-degree", "Oxidation degree"),
                "valueCodeableConcept": { "coding": [coding(&code_system("oxidation-degree"), degree.as_str(), degree.as_str())], "text": degree.as_str() },
            }]),
        );
    }
    let mut notes: Vec<Value> = Vec::new();
    // OX-8 / OX-9: `mixed, leaning slow`, `tired fast oxidizer`.
    notes.extend(
        oxidation
            .reading()
            .and_then(|r| annotation(&format!("Reading: {r}"))),
    );
    notes.extend(annotation(&oxidation.evidence));
    notes.extend(
        oxidation
            .caveats
            .iter()
            .filter_map(|c| annotation(c.explanation())),
    );
    notes.extend(annotation(DISCLAIMER));
    put_array(&mut resource, "note", notes);
    resource.insert("derivedFrom".into(), json!([ratios.reference()]));
    Entry::new(id, Value::Object(resource))
}

fn patterns_observation(
    test: &HairTestRow,
    analysis: &Analysis,
    subject: &Value,
    specimen: &Value,
    ratios: &Entry,
) -> Entry {
    let id = stable_uuid(&["patterns", &test.id.to_string()]);
    let mut resource = base(
        test,
        subject,
        specimen,
        htma_code("patterns", "HTMA patterns"),
    );
    let components: Vec<Value> = analysis
        .patterns
        .iter()
        .map(|pattern| {
            let evidence = match pattern.multiple {
                Some(multiple) => format!("{multiple}×: {}", pattern.evidence),
                None => pattern.evidence.clone(),
            };
            let mut component = Map::new();
            // The code is HTMA.md's stable id; display and text give people its name.
            let name = crate::export::plain::pattern_name(&pattern.id);
            component.insert(
                "code".into(),
                json!({ "coding": [coding(&code_system("htma-pattern"), &pattern.id, &name)], "text": name }),
            );
            component.insert("valueString".into(), json!(evidence));
            Value::Object(component)
        })
        .collect();
    if components.is_empty() {
        resource.insert("valueString".into(), json!("No pattern found"));
    }
    put_array(&mut resource, "component", components);
    let mut notes: Vec<Value> = analysis
        .not_evaluated
        .iter()
        .filter_map(|n| annotation(&format!("{} not evaluated: {}", n.rule_id, n.reason)))
        .collect();
    notes.extend(annotation(DISCLAIMER));
    resource.insert("note".into(), Value::Array(notes));
    resource.insert("derivedFrom".into(), json!([ratios.reference()]));
    Entry::new(id, Value::Object(resource))
}

fn specimen(test: &HairTestRow, subject: &Value) -> Entry {
    let mut resource = Map::new();
    resource.insert("resourceType".into(), json!("Specimen"));
    if let Some(sample_id) = test
        .lab_sample_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        resource.insert(
            "accessionIdentifier".into(),
            json!({ "system": super::naming_system("lab-sample-id"), "value": sample_id.trim() }),
        );
    }
    resource.insert(
        "type".into(),
        json!({ "coding": [coding(SNOMED, "119326000", "Hair specimen")], "text": "Hair" }),
    );
    resource.insert("subject".into(), subject.clone());
    resource.insert(
        "collection".into(),
        json!({ "collectedDateTime": date(test.sample_date) }),
    );
    if test.washed {
        resource.insert(
            "processing".into(),
            json!([{ "description": "Washed by the lab before measuring" }]),
        );
    }
    let mut notes = Vec::new();
    notes.extend(
        annotation(&format!("Lab: {}", test.lab.trim())).filter(|_| !test.lab.trim().is_empty()),
    );
    notes.extend(annotation(&test.notes));
    if !test.printed_ratios.trim().is_empty() {
        notes.extend(annotation(&format!(
            "Ratios printed on the lab's report: {}",
            test.printed_ratios
        )));
    }
    put_array(&mut resource, "note", notes);
    Entry::new(
        stable_uuid(&["specimen", &test.id.to_string()]),
        Value::Object(resource),
    )
}

/// The test as a laboratory report grouping its Observations (the US Core laboratory pattern:
/// category LAB, the sample date as effective date, the specimen, the results).
fn diagnostic_report(
    test: &HairTestRow,
    analysis: &Analysis,
    subject: &Value,
    specimen: &Value,
    results: Vec<Value>,
) -> Entry {
    let mut resource = Map::new();
    resource.insert("resourceType".into(), json!("DiagnosticReport"));
    resource.insert("status".into(), json!("final"));
    resource.insert(
        "category".into(),
        json!([{ "coding": [coding(DIAGNOSTIC_SECTION, "LAB", "Laboratory")] }]),
    );
    resource.insert(
        "code".into(),
        htma_code(
            "hair-tissue-mineral-analysis",
            "Hair tissue mineral analysis",
        ),
    );
    resource.insert("subject".into(), subject.clone());
    resource.insert("effectiveDateTime".into(), json!(date(test.sample_date)));
    resource.insert("issued".into(), json!(instant(test.entered_at)));
    if !test.lab.trim().is_empty() {
        resource.insert("performer".into(), json!([{ "display": test.lab.trim() }]));
    }
    resource.insert("specimen".into(), json!([specimen]));
    resource.insert("result".into(), Value::Array(results));
    resource.insert(
        "conclusion".into(),
        json!(format!(
            "Oxidation type {} ({}). {DISCLAIMER}",
            analysis.oxidation.label(" "),
            analysis.reference_set
        )),
    );
    Entry::new(
        stable_uuid(&["report", &test.id.to_string()]),
        Value::Object(resource),
    )
}

/// The entries of every live test, in comparison order.
pub(super) fn entries(export: &ClientExport, subject: &Value) -> Vec<Entry> {
    let mut entries = Vec::new();
    let reference = &export.history.reference;
    for tested in &export.history.tests {
        let (test, sample, analysis) = (&tested.row, &tested.sample, &tested.analysis);
        let specimen = specimen(test, subject);
        let specimen_ref = specimen.reference();
        entries.push(specimen);
        let levels: Vec<Entry> = sample
            .levels
            .iter()
            .map(|(element, level)| {
                level_observation(test, *element, level, subject, &specimen_ref)
            })
            .collect();
        let members: Vec<Value> = levels.iter().map(Entry::reference).collect();
        let mut results = members.clone();
        entries.extend(levels);
        let ratios = ratios_observation(test, analysis, subject, &specimen_ref, members, reference);
        let oxidation = oxidation_observation(test, analysis, subject, &specimen_ref, &ratios);
        let patterns = patterns_observation(test, analysis, subject, &specimen_ref, &ratios);
        results.extend([&ratios, &oxidation, &patterns].map(|e| e.reference()));
        let report = diagnostic_report(test, analysis, subject, &specimen_ref, results);
        entries.extend([ratios, oxidation, patterns, report]);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micrograms_per_gram_shift_the_decimal_exactly() {
        let cases = [
            (160.0, 1600.0),
            (0.003, 0.03),
            (2.5, 25.0),
            (0.0, 0.0),
            (0.30000000000000004, 3.0000000000000004),
            (1234.5678, 12345.678),
        ];
        for (mg_pct, expected) in cases {
            assert_eq!(micrograms_per_gram(mg_pct), expected, "{mg_pct}");
        }
    }

    #[test]
    fn only_checked_loinc_codes() {
        let coded: Vec<Element> = Element::ALL
            .into_iter()
            .filter(|e| loinc_hair_code(*e).is_some())
            .collect();
        assert_eq!(coded, vec![Element::Pb, Element::Hg, Element::As]);
    }
}
