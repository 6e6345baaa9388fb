//! Printing a sheet of text (the recovery key) through the computer's print system, behind a
//! trait so tests print to memory. The text goes to `lp` on its standard input, never through a
//! file Keyholder writes; the print system itself may keep the job until it has printed.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Mutex;

pub trait Printer: Send + Sync {
    /// Why nothing can be printed here, or `None` when a printer can be used.
    fn why_not(&self) -> Option<String>;
    /// Print `text` as a job called `title`.
    fn print(&self, title: &str, text: &str) -> Result<(), String>;
}

/// The desktop's print system (CUPS' `lp`, on Linux and macOS).
pub struct SystemPrinter;

fn lp_on_path() -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("lp").is_file()))
}

impl Printer for SystemPrinter {
    fn why_not(&self) -> Option<String> {
        (!lp_on_path()).then(|| "No printing system is set up on this computer, so it cannot print from here.".into())
    }

    fn print(&self, title: &str, text: &str) -> Result<(), String> {
        let mut child = Command::new("lp")
            .args(["-t", title, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("the print system could not be started: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes()).map_err(|e| format!("the page could not be sent to the printer: {e}"))?;
        }
        let output = child.wait_with_output().map_err(|e| format!("the print system did not answer: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            Err(if said.is_empty() {
                "the printer refused the page".to_owned()
            } else {
                format!("the printer refused the page: {said}")
            })
        }
    }
}

/// A printer that keeps what it was given (tests).
#[derive(Default)]
pub struct FakePrinter {
    pub printed: Mutex<Vec<(String, String)>>,
    /// When set, the reason printing is not possible.
    pub unavailable: Option<String>,
}

impl Printer for FakePrinter {
    fn why_not(&self) -> Option<String> {
        self.unavailable.clone()
    }

    fn print(&self, title: &str, text: &str) -> Result<(), String> {
        self.printed.lock().map_err(|_| "the fake printer is poisoned".to_owned())?.push((title.into(), text.into()));
        Ok(())
    }
}
