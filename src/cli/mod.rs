//! The command line: `keyholder [--vault PATH] COMMAND`. Scripts rely on these names and
//! outputs; data goes to stdout, messages to stderr, and every failure exits non-zero with one
//! clear line.

/// `println!` that ends the program quietly when the reader has gone (`keyholder … | head`).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

mod args;
mod commands;
mod incidents;
mod input;
mod linked_directories;
mod policies;
mod processes;
mod records;
mod reviews;
mod secrets;

use std::path::PathBuf;

pub use args::{
    ChecklistCommand, Cli, Command, DetailArgs, DeviceCommand, DirectoryCommand, EvidenceCommand, IncidentCommand,
    JoinerCommand, LeaverCommand, OperatorCommand, OperatorTotpCommand, PolicyCommand, ReviewCommand, RoleCommand,
    SecretCommand, StaffCommand, SystemCommand, TotpCommand, TrainingCommand,
};
pub use commands::run;

/// The vault path when none is given: `office.khv` in the platform's data folder.
pub fn default_vault_path() -> PathBuf {
    directories::ProjectDirs::from("org", "Keyholder", "Keyholder")
        .map(|dirs| dirs.data_dir().join("office.khv"))
        .unwrap_or_else(|| PathBuf::from("office.khv"))
}

/// Print a value as pretty JSON on stdout (the `--json` forms).
pub(crate) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    out!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A list on stdout: pretty JSON with `--json`, else one line per item (tab-separated fields).
pub(crate) fn print_list<T: serde::Serialize>(
    json: bool,
    items: &[T],
    line: impl Fn(&T) -> String,
) -> anyhow::Result<()> {
    if json {
        return print_json(&items);
    }
    for item in items {
        out!("{}", line(item));
    }
    Ok(())
}

/// Write one line to stdout; a closed pipe ends the program with success, as Unix tools do.
pub(crate) fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args).and_then(|()| stdout.write_all(b"\n")) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("keyholder: cannot write the output: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod argv_tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Options that take a one-time authenticator or recovery code: consumed by the command
    /// that receives it (a replay is refused), so a glimpse in `ps` cannot be used again.
    const ONE_TIME_CODES: &[&str] = &["totp", "confirm", "code"];
    const SECRET_WORDS: &[&str] = &["password", "passphrase", "recovery", "key", "uri", "secret", "token", "value"];
    /// Reviewed: the words match, but the value is not a secret.
    const NOT_SECRETS: &[&str] = &[
        "keyholder totp code --secret_name",     // which shared secret, by name
        "keyholder generate --passphrase",       // how many words
        "keyholder incident link --secret_name", // which shared secret, by name
    ];

    fn walk(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let takes_value = arg.get_action().takes_values();
            let id = arg.get_id().as_str().to_lowercase();
            let value_names: Vec<String> =
                arg.get_value_names().unwrap_or_default().iter().map(|n| n.to_lowercase()).collect();
            let words = std::iter::once(id.as_str()).chain(value_names.iter().map(String::as_str));
            let secret = words.clone().any(|w| SECRET_WORDS.iter().any(|s| w.contains(s)))
                && !words.clone().any(|w| w.ends_with("_file") || w == "file");
            if takes_value && (secret || ONE_TIME_CODES.contains(&id.as_str())) {
                found.push(format!("{path} --{id}"));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }

    #[test]
    fn no_option_takes_a_secret_in_the_argument_list() {
        let mut found = Vec::new();
        walk(&Cli::command(), "keyholder", &mut found);
        let secrets: Vec<&String> = found
            .iter()
            .filter(|option| !ONE_TIME_CODES.iter().any(|code| option.ends_with(&format!(" --{code}"))))
            .filter(|option| !NOT_SECRETS.contains(&option.as_str()))
            .collect();
        assert!(secrets.is_empty(), "options that take a secret in argv: {secrets:?}");
        // The walk sees the one-time codes, so it would see a secret option too.
        assert!(found.iter().any(|o| o == "keyholder totp verify --code"), "{found:?}");
        assert!(found.iter().any(|o| o == "keyholder --totp"), "{found:?}");
    }
}
