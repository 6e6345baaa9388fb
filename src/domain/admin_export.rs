//! The user lists an office manager can always download without any set-up: Microsoft 365
//! admin centre's "Export users" and Google Admin console's "Download users". They are read
//! exactly as they come — the vendor's own column names (looked up by name, never by position,
//! since both vendors add and reorder columns), a byte-order mark, quoted cells — and become
//! people to import and accounts to compare with the record. Pure: bytes in, rows out.

use super::linked_directory::DirectoryAccount;
use super::staff::StaffDraft;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Microsoft365,
    GoogleWorkspace,
}

impl Vendor {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Microsoft365 => "Microsoft 365 export",
            Self::GoogleWorkspace => "Google Workspace export",
        }
    }
}

/// One user as the export lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedUser {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    pub full_name: String,
    /// Their sign-in address: the user principal name, or Google's primary email.
    pub email: String,
    pub job_title: String,
    pub team: String,
    pub manager_email: String,
    /// False when sign-in is blocked (Microsoft's "Block credential" True) or the user is
    /// suspended (Google's Status "Suspended").
    pub enabled: bool,
    /// Google's "Last Sign In" day (2026-11-30), when it says one.
    pub last_sign_in: Option<String>,
}

impl ExportedUser {
    /// As a staff member to import.
    pub fn draft(&self) -> StaffDraft {
        StaffDraft {
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            job_title: self.job_title.clone(),
            team: self.team.clone(),
            manager_email: self.manager_email.clone(),
            ..Default::default()
        }
    }

    /// As an account in a snapshot of the suite (no groups: the exports list none).
    pub fn account(&self) -> DirectoryAccount {
        DirectoryAccount {
            dn: self.email.clone(),
            username: self.email.clone(),
            email: Some(self.email.clone()),
            enabled: self.enabled,
            last_logon: self.last_sign_in.clone(),
            groups: Vec::new(),
        }
    }
}

/// The columns each vendor's export names, as lower-case keys.
struct Columns {
    vendor: Vendor,
    email: usize,
    display_name: Option<usize>,
    first_name: Option<usize>,
    last_name: Option<usize>,
    title: Option<usize>,
    department: Option<usize>,
    manager: Option<usize>,
    /// Microsoft's "Block credential" or Google's "Status [READ ONLY]".
    state: Option<usize>,
    last_sign_in: Option<usize>,
}

fn columns(headers: &[String]) -> Option<Columns> {
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    if let (Some(email), Some(_)) = (find("User principal name"), find("Block credential")) {
        return Some(Columns {
            vendor: Vendor::Microsoft365,
            email,
            display_name: find("Display name"),
            first_name: find("First name"),
            last_name: find("Last name"),
            title: find("Title"),
            department: find("Department"),
            manager: None,
            state: find("Block credential"),
            last_sign_in: None,
        });
    }
    if let (Some(email), Some(state)) = (find("Email Address [Required]"), find("Status [READ ONLY]")) {
        return Some(Columns {
            vendor: Vendor::GoogleWorkspace,
            email,
            display_name: None,
            first_name: find("First Name [Required]"),
            last_name: find("Last Name [Required]"),
            title: find("Employee Title"),
            department: find("Department"),
            manager: find("Manager Email"),
            state: Some(state),
            last_sign_in: find("Last Sign In [READ ONLY]"),
        });
    }
    None
}

/// Whether `bytes` is one of the vendors' exports, and which (from its header row alone).
pub fn detect(bytes: &[u8]) -> Option<Vendor> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader.headers().ok()?.iter().map(str::to_owned).collect();
    columns(&headers).map(|c| c.vendor)
}

/// Read a vendor's export: `None` when the file is not one; rows that cannot be read are
/// reported by line.
pub fn read(bytes: &[u8]) -> Option<Result<(Vendor, Vec<ExportedUser>), String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let headers: Vec<String> = reader.headers().ok()?.iter().map(str::to_owned).collect();
    let columns = columns(&headers)?;
    let mut users = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => return Some(Err(format!("the {} could not be read: {e}", columns.vendor.describe()))),
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |index: Option<usize>| index.and_then(|i| record.get(i)).map(str::trim).unwrap_or_default();
        let email = cell(Some(columns.email)).to_owned();
        if email.is_empty() {
            continue;
        }
        let (first, last) = (cell(columns.first_name), cell(columns.last_name));
        let full_name = match cell(columns.display_name) {
            "" => format!("{first} {last}").trim().to_owned(),
            display => display.to_owned(),
        };
        let state = cell(columns.state);
        let enabled = match columns.vendor {
            Vendor::Microsoft365 => !state.eq_ignore_ascii_case("true"),
            Vendor::GoogleWorkspace => !state.eq_ignore_ascii_case("suspended"),
        };
        users.push(ExportedUser {
            line,
            full_name,
            email,
            job_title: cell(columns.title).to_owned(),
            team: cell(columns.department).to_owned(),
            manager_email: cell(columns.manager).to_owned(),
            enabled,
            last_sign_in: sign_in_day(cell(columns.last_sign_in)),
        });
    }
    Some(Ok((columns.vendor, users)))
}

/// Google's "2026/11/30 09:12:44" as 2026-11-30; "Never logged in" and blanks as none.
fn sign_in_day(text: &str) -> Option<String> {
    let day = text.split_whitespace().next()?;
    let parts: Vec<&str> = day.split('/').collect();
    match parts.as_slice() {
        [year, month, day] if year.len() == 4 => Some(format!("{year}-{month:0>2}-{day:0>2}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_google_day_is_read_and_never_is_none() {
        assert_eq!(sign_in_day("2026/11/30 09:12:44").as_deref(), Some("2026-11-30"));
        assert_eq!(sign_in_day("Never logged in"), None);
        assert_eq!(sign_in_day(""), None);
    }

    #[test]
    fn a_plain_staff_file_is_not_an_export() {
        assert_eq!(detect(b"full_name,email\nSam,sam@example.com\n"), None);
        assert!(read(b"full_name,email\n").is_none());
    }
}
