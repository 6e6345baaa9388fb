//! Where the CLI gets passwords: environment variables or standard input, never arguments
//! (which other users can read from the process list).

use crate::domain::secret::SecretString;
use anyhow::{Context, Result, bail};
use std::io::BufRead;

pub struct Passwords {
    from_stdin: bool,
    lines: Option<Vec<SecretString>>,
    /// The authenticator code for two-step sign-in (`--totp` or `KEYHOLDER_TOTP`); a code is
    /// good for seconds only, so an argument is acceptable here, unlike a password.
    second_factor: Option<SecretString>,
}

impl Passwords {
    pub fn new(from_stdin: bool, second_factor: Option<String>) -> Self {
        Self { from_stdin, lines: None, second_factor: second_factor.map(SecretString::new) }
    }

    pub fn second_factor(&self) -> Option<&SecretString> {
        self.second_factor.as_ref()
    }

    /// Use `code` for sign-in when no other code was given.
    pub fn default_second_factor(&mut self, code: &str) {
        if self.second_factor.is_none() {
            self.second_factor = Some(SecretString::new(code.to_owned()));
        }
    }

    fn stdin_line(&mut self, index: usize) -> Result<Option<SecretString>> {
        if !self.from_stdin {
            return Ok(None);
        }
        if self.lines.is_none() {
            let mut lines = Vec::new();
            for line in std::io::stdin().lock().lines().take(2) {
                lines.push(SecretString::new(line.context("cannot read standard input")?));
            }
            self.lines = Some(lines);
        }
        Ok(self.lines.as_ref().and_then(|lines| lines.get(index).cloned()))
    }

    /// The signed-in operator's password, if one was given.
    pub fn current(&mut self) -> Result<Option<SecretString>> {
        if let Ok(value) = std::env::var("KEYHOLDER_PASSWORD") {
            return Ok(Some(SecretString::new(value)));
        }
        self.stdin_line(0)
    }

    pub fn require_current(&mut self) -> Result<SecretString> {
        match self.current()? {
            Some(password) => Ok(password),
            None => bail!("no password given: set KEYHOLDER_PASSWORD or use --password-stdin"),
        }
    }

    /// A secret's value from standard input: the line after the password with
    /// `--password-stdin`, otherwise the first line.
    pub fn require_value(&mut self) -> Result<SecretString> {
        let line = if self.from_stdin {
            self.stdin_line(1)?
        } else {
            let mut text = String::new();
            std::io::stdin().lock().read_line(&mut text).context("cannot read standard input")?;
            let value = text.trim_end_matches(['\r', '\n']).to_owned();
            (!value.is_empty()).then(|| SecretString::new(value))
        };
        match line {
            Some(value) => Ok(value),
            None => bail!("no value given: put it on standard input, or use --generate"),
        }
    }

    /// A directory's bind password: KEYHOLDER_DIRECTORY_PASSWORD, or the next stdin line (the
    /// line after the password with --password-stdin).
    pub fn require_directory_password(&mut self) -> Result<SecretString> {
        if let Ok(value) = std::env::var("KEYHOLDER_DIRECTORY_PASSWORD") {
            return Ok(SecretString::new(value));
        }
        self.require_value().context("no bind password: set KEYHOLDER_DIRECTORY_PASSWORD or put it on standard input")
    }

    /// The database server's password: KEYHOLDER_SERVER_PASSWORD, or the first stdin line.
    pub fn require_server_password(&mut self) -> Result<SecretString> {
        if let Ok(value) = std::env::var("KEYHOLDER_SERVER_PASSWORD") {
            return Ok(SecretString::new(value));
        }
        self.require_value().context("no server password: set KEYHOLDER_SERVER_PASSWORD or put it on standard input")
    }

    /// The recovery key: KEYHOLDER_RECOVERY_KEY, or the first stdin line with --password-stdin.
    pub fn require_recovery_key(&mut self) -> Result<SecretString> {
        if let Ok(value) = std::env::var("KEYHOLDER_RECOVERY_KEY") {
            return Ok(SecretString::new(value));
        }
        match self.stdin_line(0)? {
            Some(key) => Ok(key),
            None => bail!(
                "no recovery key given: set KEYHOLDER_RECOVERY_KEY, or use --password-stdin with the recovery key on \
                 the first line and the new password on the second"
            ),
        }
    }

    /// A new password: KEYHOLDER_NEW_PASSWORD, or stdin line `line` (0-based).
    pub fn require_new(&mut self, line: usize) -> Result<SecretString> {
        if let Ok(value) = std::env::var("KEYHOLDER_NEW_PASSWORD") {
            return Ok(SecretString::new(value));
        }
        match self.stdin_line(line)? {
            Some(password) => Ok(password),
            None => bail!("no new password given: set KEYHOLDER_NEW_PASSWORD or give it on standard input"),
        }
    }
}
