//! Prints the data key of a vault in hex, for `scripts/memory-dump-check.sh`: the check must
//! know what to search a core dump for. Opens the password slot through the library:
//! `KEYHOLDER_PASSWORD=… memory_dump_key VAULT OPERATOR`.
//!
//! An example, not part of the program: `cargo test` builds it beside the binary
//! (`target/debug/examples/`), and it is never installed or packaged.

use keyholder::domain::operator::OperatorName;
use keyholder::vault::VaultPaths;
use keyholder::vault::slots::SlotFile;
use std::process::ExitCode;
use zeroize::Zeroizing;

fn main() -> ExitCode {
    match run() {
        Ok(hex) => {
            println!("{}", hex.as_str());
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("memory_dump_key: {problem}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<Zeroizing<String>, String> {
    let mut args = std::env::args().skip(1);
    let (Some(vault), Some(operator)) = (args.next(), args.next()) else {
        return Err("usage: KEYHOLDER_PASSWORD=… memory_dump_key VAULT OPERATOR".into());
    };
    let password = Zeroizing::new(std::env::var("KEYHOLDER_PASSWORD").map_err(|_| "KEYHOLDER_PASSWORD is not set")?);
    let operator = OperatorName::parse(&operator).map_err(|e| e.to_string())?;
    let slots = SlotFile::load(&VaultPaths::new(vault).slots).map_err(|e| e.to_string())?;
    let key = slots
        .open_with_password(&operator, password.as_bytes())
        .map_err(|e| e.to_string())?
        .ok_or("the password does not open the operator's key slot")?;
    Ok(Zeroizing::new(hex::encode(key.bytes())))
}
