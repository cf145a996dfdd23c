//! A client as a FHIR R4 `Bundle` of type `collection`: the `Patient`, a hair `Specimen` and
//! Observations per test (one per measured element, the ratios, the oxidation type, the
//! patterns), and the symptom diary as Observations. Code systems and units are listed in the
//! README ("FHIR export"); `tests/fhir/validate.js` checks the output against HL7's schema.

mod diary;
mod hair;
mod program;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::domain::sex::Sex;
use crate::service::exports::ClientExport;

use super::ExportError;

/// Local code systems live under this base. `.invalid` is reserved (RFC 2606): the URLs name
/// the systems without pretending anything is served there.
pub const BASE: &str = "https://htma-tracker.invalid/fhir";
pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// `{BASE}/CodeSystem/{name}`.
pub fn code_system(name: &str) -> String {
    format!("{BASE}/CodeSystem/{name}")
}

fn naming_system(name: &str) -> String {
    format!("{BASE}/NamingSystem/{name}")
}

/// A stable id for one exported thing: the same data exports to the same ids, so two exports
/// can be compared. A UUID (version 8, RFC 9562) from SHA-256 of the thing's kind and keys.
pub fn stable_uuid(parts: &[&str]) -> String {
    let digest = Sha256::digest(parts.join("/").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A resource ready for the bundle: its id doubles as its `urn:uuid:` full URL.
pub(crate) struct Entry {
    id: String,
    resource: Value,
}

impl Entry {
    pub(crate) fn new(id: String, mut resource: Value) -> Entry {
        if let Some(object) = resource.as_object_mut() {
            object.insert("id".into(), Value::String(id.clone()));
        }
        Entry { id, resource }
    }

    pub(crate) fn reference(&self) -> Value {
        reference_to(&self.id)
    }
}

pub(crate) fn reference_to(id: &str) -> Value {
    json!({ "reference": format!("urn:uuid:{id}") })
}

/// FHIR forbids empty strings (and empty arrays, objects): optional text goes in only when
/// there is some.
pub(crate) fn put_text(object: &mut Map<String, Value>, key: &str, text: &str) {
    let text = text.trim();
    if !text.is_empty() {
        object.insert(key.into(), Value::String(text.to_string()));
    }
}

pub(crate) fn put_array(object: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        object.insert(key.into(), Value::Array(items));
    }
}

pub(crate) fn annotation(text: &str) -> Option<Value> {
    let text = text.trim();
    (!text.is_empty()).then(|| json!({ "text": text }))
}

pub(crate) fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

pub(crate) fn category(code: &str, display: &str) -> Value {
    json!([{ "coding": [coding(OBSERVATION_CATEGORY, code, display)] }])
}

pub(crate) fn date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Stored times are UTC.
pub(crate) fn instant(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn patient(export: &ClientExport, id: String) -> Entry {
    let client = &export.client;
    let mut identifiers = vec![json!({
        "system": naming_system("client-id"),
        "value": client.id.to_string(),
    })];
    if let Some(code) = client
        .reference_code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        identifiers
            .push(json!({ "system": naming_system("client-reference"), "value": code.trim() }));
    }
    let mut resource = Map::new();
    resource.insert("resourceType".into(), json!("Patient"));
    resource.insert("identifier".into(), Value::Array(identifiers));
    resource.insert("active".into(), json!(client.archived_at.is_none()));
    let mut name = Map::new();
    put_text(&mut name, "text", &client.full_name);
    if !name.is_empty() {
        resource.insert("name".into(), json!([name]));
    }
    let telecom: Vec<Value> = [("email", &client.email), ("phone", &client.phone)]
        .into_iter()
        .filter_map(|(system, value)| {
            let value = value.as_deref()?.trim();
            (!value.is_empty()).then(|| json!({ "system": system, "value": value }))
        })
        .collect();
    put_array(&mut resource, "telecom", telecom);
    // Sex as recorded by the practitioner; not recorded → no gender at all (not "unknown").
    match client.sex {
        Sex::Female => resource.insert("gender".into(), json!("female")),
        Sex::Male => resource.insert("gender".into(), json!("male")),
        Sex::Unrecorded => None,
    };
    if let Some(born) = client.date_of_birth {
        resource.insert("birthDate".into(), json!(date(born)));
    }
    Entry::new(id, Value::Object(resource))
}

/// The client's bundle; `generated_at` (UTC) becomes its timestamp.
pub fn bundle(export: &ClientExport, generated_at: NaiveDateTime) -> Value {
    let client_id = export.client.id.to_string();
    let patient = patient(export, stable_uuid(&["patient", &client_id]));
    let subject = patient.reference();
    let mut entries = vec![patient];
    entries.extend(hair::entries(export, &subject));
    let statements = program::statements(export, &subject, generated_at.date());
    entries.extend(diary::entries(export, &subject, &statements));
    entries.extend(statements.entries);
    let entries: Vec<Value> = entries
        .into_iter()
        .map(|entry| {
            json!({
                "fullUrl": format!("urn:uuid:{}", entry.id),
                "resource": entry.resource,
            })
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "id": stable_uuid(&["bundle", &client_id, &instant(generated_at)]),
        "type": "collection",
        "timestamp": instant(generated_at),
        "entry": entries,
    })
}

pub fn bundle_json(
    export: &ClientExport,
    generated_at: NaiveDateTime,
) -> Result<Vec<u8>, ExportError> {
    Ok(serde_json::to_vec_pretty(&bundle(export, generated_at))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = stable_uuid(&["patient", "1"]);
        assert_eq!(a, stable_uuid(&["patient", "1"]));
        assert_ne!(a, stable_uuid(&["patient", "2"]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8", "version 8: {a}");
        assert!("89ab".contains(&a[19..20]), "RFC variant: {a}");
        assert!(a
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
    }

    #[test]
    fn empty_text_never_reaches_the_resource() {
        let mut object = Map::new();
        put_text(&mut object, "a", "  ");
        put_array(&mut object, "b", vec![]);
        assert!(object.is_empty());
        assert!(annotation("").is_none());
    }
}
