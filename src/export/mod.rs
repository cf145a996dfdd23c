//! Data exports, as pure functions from what `db::export_snapshot` loaded to bytes: the lab CSV of a
//! client's hair tests (the import format of HTMA.md, so export → import round-trips exactly),
//! the diary in a long CSV format, a FHIR R4 `Bundle`, and the all-clients zip. Nothing here
//! does IO or knows about HTTP; the README documents every format.

pub mod csv;
pub mod fhir;
pub mod zip;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write the zip: {0}")]
    Zip(#[from] ::zip::result::ZipError),
    #[error("cannot write the zip: {0}")]
    Io(#[from] std::io::Error),
}

/// The file names a download offers: ids only, so no client's name lands in a downloads
/// folder or a proxy log.
pub fn file_name(client_id: crate::db::ClientId, what: &str) -> String {
    format!("client-{client_id}-{what}")
}

// progress summaries
pub mod pdf;
pub mod plain;
pub mod summary;
