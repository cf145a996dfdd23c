//! One integration test crate (one link) with a module per area. Every test starts the real
//! application on a real database (a fresh SQLite file, or a fresh PostgreSQL schema when
//! HTMA_TEST_DATABASE_URL is a postgres:// URL) and speaks HTTP to it.

mod helpers;

mod accounts;
mod axe;
mod browser;
mod browser_a11y;
mod browser_timeline;
mod browser_walk;
mod clients;
mod contrast;
mod dashboard_cache;
mod exactness;
mod hair_tests;
mod programs;
mod security;
mod self_service;
mod summaries;
mod summary_documents;
mod timeline;
mod timeline_cache;

// portal and diary
mod adherence;
mod browser_adherence;
mod browser_portal;
mod diary;
mod portal;

// exports
mod exports;
// load, faults and hostile input (issue 7)
mod fuzz;
mod hostile;
// reference sets
mod reference_sets;
// seed-demo at scale (issue 7)
mod seed;
// lab report import (issue 18)
mod browser_lab_report;
mod lab_report_fixtures;
mod lab_reports;
// hardening (issue 12)
mod audit_trail;
mod hardening;
mod reconnect;
// nothing typed is lost (issue 14)
mod browser_kept;
mod kept_forms;
mod second_factor;
mod throttling;
