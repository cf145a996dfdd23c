//! htma-tracker: practitioners' records of hair tissue mineral analysis, with the analysis
//! engine (`domain`), storage on SQLite or PostgreSQL (`db`), accounts and access control
//! (`auth`) and the server-rendered pages (`web`).

pub mod analyze;
pub mod app;
pub mod auth;
pub mod charts;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod labcsv;
pub mod seed;
pub mod web;

// portal and diary
pub mod diary;

// exports
pub mod export;
