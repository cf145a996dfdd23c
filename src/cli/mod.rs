//! Command line: flags, environment variables and subcommands.

pub mod analyze;
pub mod second_factor;

use clap::{Parser, Subcommand};

use crate::config::{ServerConfig, DEFAULT_BIND, DEFAULT_DATABASE_URL};

#[derive(Debug, Parser)]
#[command(
    name = "htma-tracker",
    version,
    about = "Hair tissue mineral analysis records for practitioners and their clients",
    long_about = "Hair tissue mineral analysis records for practitioners and their clients.\n\n\
        With no subcommand, serves the web application. Data lives in an embedded SQLite file \
        (./data/htma.sqlite3) unless --database-url / DATABASE_URL names a postgres:// database."
)]
pub struct Cli {
    /// Database: sqlite://PATH, a plain file path (SQLite), or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit (serve also applies them at start).
    Migrate,
    /// Create a practitioner account; the password is read from standard input.
    CreatePractitioner {
        /// Sign-in email address.
        #[arg(long)]
        email: String,
        /// Name shown in the app.
        #[arg(long)]
        name: String,
    },
    /// Load a small, realistic demo data set (practitioner demo@example.com).
    SeedDemo(SeedDemoArgs),
    /// Analyse a lab CSV file (the import format) and print levels, ratios, oxidation type and
    /// patterns per row. Exit code 0: all rows valid; 1: some rows have errors; 2: unreadable file
    /// or header.
    Analyze {
        /// The CSV file (`-` for standard input).
        file: std::path::PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
        format: AnalyzeFormat,
    },
    /// Turn off an account's second factor (a lost phone and lost recovery codes): the next
    /// sign-in needs the password only. Audited as done by the operator.
    ResetSecondFactor {
        /// The account's sign-in email address.
        #[arg(long)]
        email: String,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    // exports
    /// Write a consistent copy of the SQLite database to FILE while the server keeps running
    /// (VACUUM INTO). Never overwrites a file. On PostgreSQL use pg_dump instead.
    Backup {
        /// The new backup file; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Restore a backup made by `backup` into the configured SQLite database (migrating it to
    /// this version). Refuses a database that has accounts unless --force; sessions are not
    /// restored, so everyone signs in again. On PostgreSQL use pg_restore instead.
    Restore {
        /// The backup file (only read).
        file: std::path::PathBuf,
        /// Replace the data of a database that already has accounts.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit trail's hash chain and name the first broken link: an event edited,
    /// removed or added in the database afterwards. Exit code 0: intact; 1: broken.
    Verify,
}

#[derive(Debug, clap::Args, Default)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "HTMA_BIND", default_value = DEFAULT_BIND)]
    pub bind: String,
    /// Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy in front of the app.
    #[arg(long, env = "HTMA_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// Database connections in the pool.
    #[arg(long, env = "HTMA_POOL_SIZE", default_value_t = 8)]
    pub pool_size: u32,
    /// Minutes without a request after which a session ends (1 to 30).
    #[arg(long, env = "HTMA_IDLE_TIMEOUT_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=30))]
    pub idle_timeout_minutes: u32,
}

impl ServeArgs {
    pub fn server_config(&self, database_url: &str) -> ServerConfig {
        ServerConfig {
            bind: self.bind.clone(),
            database_url: database_url.to_string(),
            trust_proxy: self.trust_proxy,
            pool_size: self.pool_size.max(1),
            // 0 is `ServeArgs::default()`'s: the default timeout.
            idle_timeout: match self.idle_timeout_minutes {
                0 => crate::auth::session::IDLE_TIMEOUT,
                m => chrono::Duration::minutes(i64::from(m.min(30))),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AnalyzeFormat {
    Json,
    Text,
}

/// `seed-demo` flags: none gives the small demo; `--clients` adds a generated data set.
#[derive(Debug, clap::Args, Default)]
pub struct SeedDemoArgs {
    /// Also generate this many clients for the demo practitioner, each with hair tests every
    /// 3–4 months and a daily symptom diary (e.g. 1000 for the benchmark).
    #[arg(long)]
    pub clients: Option<u32>,
    /// Years of history to generate (with --clients).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub years: u32,
    /// Seed of the generator: the same seed gives the same data set.
    #[arg(long, default_value_t = crate::seed::scale::DEFAULT_SEED)]
    pub seed: u64,
}
