//! `htma-tracker backup` and `restore` for SQLite. A backup is `VACUUM INTO`: a consistent
//! snapshot taken inside one read transaction, so writers go on meanwhile (WAL) and nothing
//! committed after the snapshot leaks in half-way. A restore copies a backup's rows into the
//! configured database in ONE write transaction: a running server sees the old data or the new,
//! never a mix. PostgreSQL has pg_dump / pg_restore for both.

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;

use super::engine::{Backend, DatabaseTarget};
use super::{DbConn, DbError};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "the database is PostgreSQL: back it up with pg_dump (e.g. `pg_dump --format=custom \
         --file FILE DATABASE`) and restore with pg_restore"
    )]
    Postgres,
    #[error("{0} already exists: choose a new file name (a backup never overwrites a file)")]
    Exists(PathBuf),
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error("the file name {0:?} is not valid UTF-8")]
    NotUtf8(PathBuf),
    #[error("{0} is not a usable htma-tracker backup: {1}")]
    NotABackup(PathBuf, String),
    #[error(
        "the database already holds {0} account(s): restore replaces everything in it, so \
         pass --force if that is what you want"
    )]
    NotEmpty(i64),
    #[error(
        "the backup's tables differ from this version's even after migrations (it was made by \
         another version of htma-tracker): {0}"
    )]
    SchemaMismatch(String),
    #[error("the restored data breaks {0} foreign key(s); nothing was changed")]
    ForeignKeys(usize),
    #[error("integrity check failed: {0}")]
    Integrity(String),
    #[error("{0}")]
    Io(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for BackupError {
    fn from(error: diesel::result::Error) -> Self {
        BackupError::Db(DbError::Query(error))
    }
}

impl From<diesel::ConnectionError> for BackupError {
    fn from(error: diesel::ConnectionError) -> Self {
        BackupError::Db(DbError::Connect(error))
    }
}

/// Row counts of the main tables, printed after a backup or restore so the operator sees what
/// it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The backup file's size; `None` after a restore, whose pages may still sit in the WAL.
    pub bytes: Option<u64>,
    pub accounts: i64,
    pub clients: i64,
    pub hair_tests: i64,
    pub diary_entries: i64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(bytes) = self.bytes {
            write!(f, "{bytes} bytes; ")?;
        }
        write!(
            f,
            "{} accounts, {} clients, {} hair tests, {} diary entries; integrity ok",
            self.accounts, self.clients, self.hair_tests, self.diary_entries
        )
    }
}

/// The tables whose rows a restore does not bring back: sign-in sessions (restoring them would
/// revive sessions signed out since the backup; everyone signs in again instead) and forms kept
/// for a session that ended (a day at most; bound to sessions and cookies of that time).
const NOT_RESTORED: &[&str] = &["sessions", "kept_forms"];

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName, PartialEq, Eq, Debug)]
struct SchemaRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

#[derive(QueryableByName)]
struct ForeignKeyProblem {
    #[diesel(sql_type = Text)]
    #[allow(dead_code)] // read only to be counted
    table: String,
}

fn sqlite_location(database_url: &str) -> Result<String, BackupError> {
    let target = DatabaseTarget::parse(database_url)?;
    match target.backend {
        Backend::Postgres => Err(BackupError::Postgres),
        Backend::Sqlite => Ok(target.location),
    }
}

fn utf8(path: &Path) -> Result<&str, BackupError> {
    path.to_str()
        .ok_or_else(|| BackupError::NotUtf8(path.to_path_buf()))
}

/// SQLite reads a name starting with `file:` as a URI; `./` keeps such a file name a file name.
fn plain_file_name(path: &str) -> String {
    if path.starts_with("file:") {
        format!("./{path}")
    } else {
        path.to_string()
    }
}

/// A read-only URI, so checking and copying a backup never writes to it (not even a journal).
fn read_only_uri(path: &str) -> String {
    let mut uri = String::from("file:");
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?mode=ro");
    uri
}

fn open(location: &str) -> Result<SqliteConnection, BackupError> {
    super::engine::configure_sqlite();
    let mut conn = SqliteConnection::establish(location)?;
    // Waits for a writer's lock instead of failing while the server is busy.
    conn.batch_execute("PRAGMA busy_timeout=10000;")?;
    Ok(conn)
}

fn count(conn: &mut SqliteConnection, sql: &str) -> Result<i64, BackupError> {
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

fn integrity(conn: &mut SqliteConnection) -> Result<(), BackupError> {
    let rows: Vec<IntegrityRow> = diesel::sql_query("PRAGMA integrity_check").load(conn)?;
    let problems: Vec<String> = rows
        .into_iter()
        .map(|r| r.integrity_check)
        .filter(|r| r != "ok")
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(BackupError::Integrity(problems.join("; ")))
    }
}

fn summary(
    conn: &mut SqliteConnection,
    schema: &str,
    bytes: Option<u64>,
) -> Result<Summary, BackupError> {
    let n = |conn: &mut SqliteConnection, table: &str| {
        count(conn, &format!("SELECT COUNT(*) AS n FROM {schema}.{table}"))
    };
    Ok(Summary {
        bytes,
        accounts: n(conn, "accounts")?,
        clients: n(conn, "clients")?,
        hair_tests: n(conn, "hair_tests")?,
        diary_entries: n(conn, "diary_entries")?,
    })
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Makes the written file durable: VACUUM INTO does not sync its output.
fn sync(path: &Path) -> Result<(), BackupError> {
    let io = |e: std::io::Error| BackupError::Io(format!("cannot sync {}: {e}", path.display()));
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Best effort: the directory entry too, where the platform allows opening a directory.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// Writes a consistent copy of the configured SQLite database to `file`, which must not exist.
pub fn backup(database_url: &str, file: &Path) -> Result<Summary, BackupError> {
    let location = sqlite_location(database_url)?;
    if location == ":memory:" || !Path::new(&location).exists() {
        return Err(BackupError::Missing(PathBuf::from(location)));
    }
    if file.symlink_metadata().is_ok() {
        return Err(BackupError::Exists(file.to_path_buf()));
    }
    let destination = plain_file_name(utf8(file)?);
    let mut conn = open(&location)?;
    let written = diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(&destination)
        .execute(&mut conn);
    if let Err(error) = written {
        // The file did not exist before: whatever is there now is a partial copy.
        let _ = std::fs::remove_file(file);
        return Err(error.into());
    }
    sync(file)?;
    let mut copy = open(&read_only_uri(utf8(file)?))?;
    integrity(&mut copy)?;
    summary(&mut copy, "main", Some(file_size(file)))
}

/// A scratch directory removed on drop, for the migrated copy of a backup.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies `file` to a scratch directory and migrates the copy to this version's schema, so
/// that an older backup restores into a current database. The backup itself is only read.
fn migrated_copy(file: &Path) -> Result<(Scratch, String), BackupError> {
    let not_a_backup = |why: String| BackupError::NotABackup(file.to_path_buf(), why);
    let mut source = open(&read_only_uri(utf8(file)?)).map_err(|e| not_a_backup(e.to_string()))?;
    integrity(&mut source).map_err(|e| not_a_backup(e.to_string()))?;
    let tables = count(
        &mut source,
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
         AND name IN ('__diesel_schema_migrations', 'accounts', 'clients')",
    )
    .map_err(|e| not_a_backup(e.to_string()))?;
    if tables != 3 {
        return Err(not_a_backup("it has no htma-tracker tables".into()));
    }
    let dir = std::env::temp_dir().join(format!("htma-restore-{:x}", super::new_id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| BackupError::Io(format!("cannot create {}: {e}", dir.display())))?;
    let scratch = Scratch(dir);
    let copy = scratch.0.join("restore.sqlite3");
    let copy = utf8(&copy)?.to_string();
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(&copy)
        .execute(&mut source)?;
    drop(source);
    // Opening through the pool applies this version's pending migrations to the copy.
    super::connect(&copy, 1)?;
    Ok((scratch, copy))
}

fn schema_of(conn: &mut SqliteConnection, schema: &str) -> Result<Vec<SchemaRow>, BackupError> {
    Ok(diesel::sql_query(format!(
        "SELECT type AS kind, name, sql FROM {schema}.sqlite_master \
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name"
    ))
    .load(conn)?)
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Replaces the content of the configured SQLite database with the backup's. Refuses a
/// database that has accounts unless `force`.
pub fn restore(database_url: &str, file: &Path, force: bool) -> Result<Summary, BackupError> {
    sqlite_location(database_url)?;
    if !file.is_file() {
        return Err(BackupError::Missing(file.to_path_buf()));
    }
    let (_scratch, copy) = migrated_copy(file)?;
    // Creates and migrates the target when it does not exist yet.
    let pool = super::connect(database_url, 1)?;
    let mut pooled = pool.get().map_err(DbError::from)?;
    let DbConn::Sqlite(conn) = &mut *pooled else {
        return Err(BackupError::Postgres);
    };
    diesel::sql_query("ATTACH DATABASE ? AS backup")
        .bind::<Text, _>(&copy)
        .execute(conn)?;
    let result = copy_rows(conn, force);
    // Detach even after a failure: the pooled connection must not keep the scratch file open.
    let _ = conn.batch_execute("DETACH DATABASE backup");
    result?;
    integrity(conn)?;
    summary(conn, "main", None)
}

fn copy_rows(conn: &mut SqliteConnection, force: bool) -> Result<(), BackupError> {
    let ours = schema_of(conn, "main")?;
    let theirs = schema_of(conn, "backup")?;
    if ours != theirs {
        let differing: Vec<String> = theirs
            .iter()
            .filter(|row| !ours.contains(row))
            .chain(ours.iter().filter(|row| !theirs.contains(row)))
            .map(|row| row.name.clone())
            .collect();
        return Err(BackupError::SchemaMismatch(differing.join(", ")));
    }
    let tables: Vec<&str> = ours
        .iter()
        .filter(|row| row.kind == "table" && row.name != "__diesel_schema_migrations")
        .map(|row| row.name.as_str())
        .collect();
    conn.immediate_transaction(|conn| {
        // Inside the write lock, so no account can appear between the check and the copy.
        let accounts = count(conn, "SELECT COUNT(*) AS n FROM main.accounts")?;
        if accounts > 0 && !force {
            return Err(BackupError::NotEmpty(accounts));
        }
        // Rows go in table by table; references are checked once all are in.
        conn.batch_execute("PRAGMA defer_foreign_keys = ON")?;
        for table in &tables {
            conn.batch_execute(&format!("DELETE FROM main.{}", quoted(table)))?;
        }
        for table in tables.iter().filter(|t| !NOT_RESTORED.contains(t)) {
            let name = quoted(table);
            conn.batch_execute(&format!(
                "INSERT INTO main.{name} SELECT * FROM backup.{name}"
            ))?;
        }
        let broken: Vec<ForeignKeyProblem> =
            diesel::sql_query("PRAGMA main.foreign_key_check").load(conn)?;
        if !broken.is_empty() {
            return Err(BackupError::ForeignKeys(broken.len()));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_sqlite_would_read_as_syntax() {
        assert_eq!(
            read_only_uri("/tmp/a b?#%.db"),
            "file:/tmp/a%20b%3F%23%25.db?mode=ro"
        );
        assert_eq!(plain_file_name("file:x"), "./file:x");
        assert_eq!(plain_file_name("/b/x.sqlite3"), "/b/x.sqlite3");
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
