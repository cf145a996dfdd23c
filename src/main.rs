use std::io::BufRead;
use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use htma_tracker::cli::{AnalyzeFormat, AuditCommand, Cli, Command, ServeArgs};
use htma_tracker::{app, auth, db, heap};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    heap::configure();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(&cli.database_url, &ServeArgs::parse_default()),
        Some(Command::Serve(args)) => serve(&cli.database_url, &args),
        Some(Command::Migrate) => migrate(&cli.database_url),
        Some(Command::CreatePractitioner { email, name }) => {
            create_practitioner(&cli.database_url, &email, &name)
        }
        Some(Command::SeedDemo(args)) => seed_demo(&cli.database_url, &args),
        Some(Command::Analyze { file, format }) => return analyze(&file, format),
        Some(Command::ResetSecondFactor { email }) => {
            htma_tracker::cli::second_factor::reset(&cli.database_url, &email)
                .map(|message| println!("{message}"))
        }
        Some(Command::Audit {
            command: AuditCommand::Verify,
        }) => audit_verify(&cli.database_url),
        // exports
        Some(Command::Backup { file }) => backup(&cli.database_url, &file),
        Some(Command::Restore { file, force }) => restore(&cli.database_url, &file, force),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("htma-tracker: {message}");
            ExitCode::FAILURE
        }
    }
}

trait ParseDefault {
    fn parse_default() -> Self;
}

impl ParseDefault for ServeArgs {
    /// `htma-tracker` with no subcommand serves with the defaults and environment.
    fn parse_default() -> Self {
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: ServeArgs,
        }
        Wrapper::parse_from(["htma-tracker"]).args
    }
}

fn serve(database_url: &str, args: &ServeArgs) -> Result<(), String> {
    let settings = args.server_config(database_url);
    let pool =
        db::connect(&settings.database_url, settings.pool_size).map_err(|e| e.to_string())?;
    rederive(&pool)?;
    // Migrations and a re-derivation may have held tens of megabytes, freed now but scattered
    // through the heap where the allocator keeps them: hand those pages back before serving,
    // and what each burst of requests leaves behind once a second after that.
    heap::give_back_freed_memory();
    heap::keep_giving_back(std::time::Duration::from_secs(1))
        .map_err(|e| format!("cannot start the heap trimmer: {e}"))?;
    let listener = TcpListener::bind(&settings.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    tracing::info!(address = %settings.bind, "htma-tracker listening on http://{}", settings.bind);
    actix_web::rt::System::new().block_on(async move {
        app::run(listener, pool, settings)
            .map_err(|e| e.to_string())?
            .await
            .map_err(|e| e.to_string())
    })
}

fn migrate(database_url: &str) -> Result<(), String> {
    let pool = db::connect(database_url, 1).map_err(|e| e.to_string())?;
    rederive(&pool)?;
    println!("database is up to date");
    Ok(())
}

/// Stored analyses and flags agree with the current rules before anything is served
/// (`service::rederive`: once per rules version, one audited transaction).
fn rederive(pool: &db::Pool) -> Result<(), String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    if let Some(done) =
        htma_tracker::service::rederive::bring_up_to_date(&mut conn).map_err(|e| e.to_string())?
    {
        tracing::info!(
            practitioners = done.practitioners,
            tests = done.tests,
            "stored analyses and flags re-derived with the current analysis rules"
        );
    }
    Ok(())
}

fn read_password_from_stdin() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn audit_verify(database_url: &str) -> Result<(), String> {
    let pool = db::connect(database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    match db::audit::verify(&mut conn).map_err(|e| e.to_string())? {
        db::audit::Verification::Intact { events, head } => {
            println!("audit trail intact: {events} events, last hash {head}");
            Ok(())
        }
        db::audit::Verification::Broken {
            seq,
            event_id,
            problem,
        } => {
            let id = event_id.map(|id| format!(" (id {id})")).unwrap_or_default();
            Err(format!("audit trail broken at event {seq}{id}: {problem}"))
        }
    }
}

fn create_practitioner(database_url: &str, email: &str, name: &str) -> Result<(), String> {
    let password = read_password_from_stdin()?;
    let errors = auth::login::validate_new_account(name, email, &password, None);
    for field in ["name", "email", "password"] {
        if let Some(message) = errors.get(field) {
            return Err(format!("{field}: {message}"));
        }
    }
    let pool = db::connect(database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    if db::accounts::find_by_email(&mut conn, &auth::login::normalize_email(email))
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!("an account with the email {email} already exists"));
    }
    let hash = auth::password::hash(&password)?;
    let id = auth::login::create_practitioner(&mut conn, email, name, &hash)
        .map_err(|e| e.to_string())?;
    println!(
        "created practitioner {id} <{}>",
        auth::login::normalize_email(email)
    );
    Ok(())
}

fn seed_demo(database_url: &str, args: &htma_tracker::cli::SeedDemoArgs) -> Result<(), String> {
    heap::configure_for_bulk_load();
    let pool = db::connect(database_url, 1).map_err(|e| e.to_string())?;
    // The seeder derives every analysis with the current rules; recording that (after
    // re-deriving what was there before) spares the first `serve` a re-derivation of the whole
    // data set, which took seconds and left its memory behind.
    rederive(&pool)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let summary = match args.clients {
        None => htma_tracker::seed::seed_demo(&mut conn),
        Some(clients) => htma_tracker::seed::seed_demo_scale(
            &mut conn,
            htma_tracker::seed::scale::ScaleOptions {
                clients,
                years: args.years,
                seed: args.seed,
            },
        ),
    }
    .map_err(|e| e.to_string())?;
    println!("{summary}");
    Ok(())
}

/// `analyze` prints to stdout/stderr and exits with the codes HTMA.md specifies; it never opens
/// the database.
fn analyze(file: &std::path::Path, format: AnalyzeFormat) -> ExitCode {
    use std::io::{Read, Write};
    let mut bytes = Vec::new();
    let read = if file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(file)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map(|_| ())
    };
    if let Err(e) = read {
        eprintln!("htma-tracker: cannot read {}: {e}", file.display());
        return ExitCode::from(2);
    }
    let format = match format {
        AnalyzeFormat::Json => htma_tracker::cli::analyze::OutputFormat::Json,
        AnalyzeFormat::Text => htma_tracker::cli::analyze::OutputFormat::Text,
    };
    let outcome = htma_tracker::cli::analyze::analyze_csv(&bytes, format);
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(u8::try_from(outcome.exit_code).unwrap_or(2))
}

// exports
fn backup(database_url: &str, file: &std::path::Path) -> Result<(), String> {
    let summary = db::backup::backup(database_url, file).map_err(|e| e.to_string())?;
    println!("backup written to {}: {summary}", file.display());
    Ok(())
}

fn restore(database_url: &str, file: &std::path::Path, force: bool) -> Result<(), String> {
    let summary = db::backup::restore(database_url, file, force).map_err(|e| e.to_string())?;
    println!("restored {}: {summary}", file.display());
    Ok(())
}
