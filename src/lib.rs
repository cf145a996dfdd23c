//! htma-tracker: practitioners' records of hair tissue mineral analysis, with the analysis
//! engine (`domain`), storage on SQLite or PostgreSQL (`db`), accounts and access control
//! (`auth`) and the server-rendered pages (`web`).

pub mod app;
pub mod auth;
pub mod charts;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod heap;
pub mod labcsv;
pub mod labreport;
pub mod seed;
pub mod service;
pub mod text;
pub mod web;
pub mod words;

// exports
pub mod export;
