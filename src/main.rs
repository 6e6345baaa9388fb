//! The `keyholder` program: the GUI with no command, otherwise one CLI command.

use clap::Parser;
use keyholder::cli::{self, Cli};
use keyholder::service::SystemClock;
use keyholder::vault::keystore::OsKeyring;
use std::process::ExitCode;
use std::sync::Arc;

/// Every heap block Rust code frees is zeroed first (`realloc` moves to a new block and frees
/// the old one the same way). Copies of a password, key or code made along the way (a growing
/// `String`, a `format!`, serde's and SQLite's buffers, egui's per-frame text) are gone once
/// dropped, without each owner having to wipe them.
#[global_allocator]
static ALLOCATOR: zeroizing_alloc::ZeroAlloc<std::alloc::System> = zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEYHOLDER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Cli::parse();
    let result =
        if args.command.is_none() { start_gui(args) } else { cli::run(args, &OsKeyring, Arc::new(SystemClock)) };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("keyholder: {}", one_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line.
fn one_line(error: &anyhow::Error) -> String {
    error.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ")
}

#[cfg(feature = "gui")]
fn start_gui(args: Cli) -> anyhow::Result<ExitCode> {
    let path = args.vault.unwrap_or_else(cli::default_vault_path);
    keyholder::ui::run(path)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn start_gui(_: Cli) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build has no GUI (built without the `gui` feature); give a command, see --help")
}
