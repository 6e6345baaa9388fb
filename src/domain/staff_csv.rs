//! Staff CSV import and export rules. Import: UTF-8 with or without BOM, quoted fields (with
//! newlines and quotes inside), a header row mapped to fields; every invalid row is reported
//! with its line number and reason, and nothing is planned for writing unless asked.
//! Export: cells that a spreadsheet would run as a formula are neutralised.

use super::staff::{NewStaff, StaffDraft, StaffStatus, creates_manager_cycle, normalise_email};
use std::collections::{HashMap, HashSet};

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    pub reason: String,
}

/// What an import would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// Valid rows with their line numbers, in file order.
    pub valid: Vec<(u64, NewStaff)>,
    pub problems: Vec<RowProblem>,
    /// Things worth knowing that do not stop the import (ignored columns).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    FullName,
    Email,
    JobTitle,
    Team,
    Manager,
    Start,
    End,
    Status,
    Notes,
}

fn field_for(header: &str) -> Option<Field> {
    let key: String = header.trim().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    Some(match key.as_str() {
        "fullname" | "name" => Field::FullName,
        "email" | "workemail" | "emailaddress" => Field::Email,
        "jobtitle" | "title" | "position" => Field::JobTitle,
        "team" | "department" => Field::Team,
        "manager" | "manageremail" | "linemanager" | "linemanageremail" => Field::Manager,
        "startdate" | "start" => Field::Start,
        "enddate" | "end" => Field::End,
        "status" => Field::Status,
        "notes" | "note" => Field::Notes,
        _ => return None,
    })
}

fn set(draft: &mut StaffDraft, field: Field, value: String) {
    let slot = match field {
        Field::FullName => &mut draft.full_name,
        Field::Email => &mut draft.email,
        Field::JobTitle => &mut draft.job_title,
        Field::Team => &mut draft.team,
        Field::Manager => &mut draft.manager_email,
        Field::Start => &mut draft.start_date,
        Field::End => &mut draft.end_date,
        Field::Status => &mut draft.status,
        Field::Notes => &mut draft.notes,
    };
    *slot = value;
}

/// The rows read from a file (with their lines), the rows that could not be read, warnings.
type ReadFile = (Vec<(u64, StaffDraft)>, Vec<RowProblem>, Vec<String>);

/// Read the file into drafts. A problem with the whole file (no header, no name or email
/// column, broken CSV) is an `Err`.
fn read_drafts(bytes: &[u8]) -> Result<ReadFile, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let headers = reader.byte_headers().map_err(|e| format!("the header row is unreadable: {e}"))?.clone();
    let mut columns = Vec::new();
    let mut warnings = Vec::new();
    for header in headers.iter() {
        let text = String::from_utf8_lossy(header).into_owned();
        let field = field_for(&text);
        if field.is_none() && !text.trim().is_empty() {
            warnings.push(format!("column {:?} is not a staff field and is ignored", text.trim()));
        }
        columns.push(field);
    }
    for required in [Field::FullName, Field::Email] {
        if !columns.contains(&Some(required)) {
            let name = if required == Field::Email { "email" } else { "full name" };
            return Err(format!("the header row has no {name} column"));
        }
    }
    let mut drafts = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(RowProblem { line, reason: format!("unreadable CSV: {e}") });
                break;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let mut draft = StaffDraft::default();
        let mut bad_text = false;
        for (value, field) in record.iter().zip(&columns) {
            let Some(field) = field else { continue };
            match std::str::from_utf8(value) {
                Ok(text) => set(&mut draft, *field, text.to_owned()),
                Err(_) => bad_text = true,
            }
        }
        if bad_text {
            problems.push(RowProblem { line, reason: "not valid UTF-8 text (save the file as UTF-8)".into() });
        } else {
            drafts.push((line, draft));
        }
    }
    Ok((drafts, problems, warnings))
}

/// A vendor's user export as drafts: the people who can sign in. Blocked or suspended
/// accounts are left out (former staff, shared mailboxes) and counted in a warning.
fn export_drafts((vendor, users): (super::admin_export::Vendor, Vec<super::admin_export::ExportedUser>)) -> ReadFile {
    let blocked = users.iter().filter(|u| !u.enabled).count();
    let drafts = users.iter().filter(|u| u.enabled).map(|u| (u.line, u.draft())).collect();
    let mut warnings = vec![format!("read as a {}: its own columns, nothing renamed", vendor.describe())];
    if blocked > 0 {
        warnings.push(format!(
            "{blocked} account(s) that cannot sign in (blocked or suspended) were left out: former staff or shared \
             mailboxes, compared with the record by a directory check instead"
        ));
    }
    (drafts, Vec::new(), warnings)
}

/// Plan an import against the office's existing emails (lower case) and their managers.
pub fn plan_import(
    bytes: &[u8],
    existing: &HashSet<String>,
    default_status: StaffStatus,
) -> Result<ImportPlan, String> {
    let (drafts, mut problems, warnings) = match super::admin_export::read(bytes) {
        Some(export) => export_drafts(export?),
        None => read_drafts(bytes)?,
    };
    let mut candidates: Vec<(u64, NewStaff)> = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for (line, draft) in drafts {
        let staff = match draft.validate(default_status) {
            Ok(staff) => staff,
            Err(e) => {
                problems.push(RowProblem { line, reason: e.to_string() });
                continue;
            }
        };
        if existing.contains(&staff.email) {
            problems
                .push(RowProblem { line, reason: format!("duplicate email {}: already in the office", staff.email) });
            continue;
        }
        if let Some(first) = first_line_of.get(&staff.email) {
            problems
                .push(RowProblem { line, reason: format!("duplicate email {} (also on line {first})", staff.email) });
            continue;
        }
        if staff.manager_email.as_deref() == Some(staff.email.as_str()) {
            problems.push(RowProblem { line, reason: "a person cannot be their own manager".into() });
            continue;
        }
        first_line_of.insert(staff.email.clone(), line);
        candidates.push((line, staff));
    }
    // A manager must exist in the office or be imported too, and managers must not loop;
    // dropping a row can orphan others, so repeat until nothing changes.
    while let Some((index, reason)) = first_unplaceable(&candidates, existing) {
        let (line, _) = candidates.remove(index);
        problems.push(RowProblem { line, reason });
    }
    problems.sort_by_key(|p| p.line);
    Ok(ImportPlan { valid: candidates, problems, warnings })
}

/// The first candidate that cannot be imported because of its manager, and why.
fn first_unplaceable(candidates: &[(u64, NewStaff)], existing: &HashSet<String>) -> Option<(usize, String)> {
    let index: HashMap<&str, i64> =
        candidates.iter().enumerate().map(|(i, (_, s))| (s.email.as_str(), i as i64)).collect();
    for (i, (_, staff)) in candidates.iter().enumerate() {
        if let Some(manager) = staff.manager_email.as_deref()
            && !existing.contains(manager)
            && !index.contains_key(manager)
        {
            return Some((i, format!("unknown manager {manager}")));
        }
    }
    let manager_of = |i: i64| {
        candidates.get(i as usize).and_then(|(_, s)| s.manager_email.as_deref()).and_then(|m| index.get(m).copied())
    };
    (0..candidates.len())
        .find(|&i| manager_of(i as i64).is_some_and(|m| creates_manager_cycle(i as i64, m, manager_of)))
        .map(|i| (i, "the managers form a loop".to_owned()))
}

/// Characters a reader cannot see that may stand before a formula (zero-width spaces and
/// joiners, the byte-order mark, soft hyphen, direction marks and isolates).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{034F}')
}

/// Make a cell (headers too) safe to open in a spreadsheet: invisible leading characters are
/// dropped, and text that would run as a formula — also after leading spaces — gets a leading
/// apostrophe.
pub fn neutralise(cell: &str) -> String {
    let visible = cell.trim_start_matches(is_invisible);
    match visible.trim_start_matches([' ', '\u{00A0}']).chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '|' | '%') => format!("'{visible}"),
        _ => visible.to_owned(),
    }
}

/// Does this email look valid? (Used to name a manager in a form.)
pub fn is_email(text: &str) -> bool {
    normalise_email(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> ImportPlan {
        plan_import(text.as_bytes(), &HashSet::from(["boss@example.com".to_owned()]), StaffStatus::Active)
            .expect("plan")
    }

    #[test]
    fn headers_map_by_name_and_bom_is_ignored() {
        let plan = plan(
            "\u{feff}Email,Full Name,Department,Line manager,Start date,Shoe size\nsam@example.com,Sam,Sales,boss@example.com,2026-01-05,44\n",
        );
        assert_eq!(plan.problems, vec![]);
        assert_eq!(plan.valid.len(), 1);
        let (line, sam) = &plan.valid[0];
        assert_eq!((*line, sam.team.as_str(), sam.manager_email.as_deref()), (2, "Sales", Some("boss@example.com")));
        assert_eq!(plan.warnings, vec!["column \"Shoe size\" is not a staff field and is ignored".to_owned()]);
    }

    #[test]
    fn each_bad_row_is_reported_with_its_line() {
        let text = "name,email,manager,start,notes\n\
            Sam,sam@example.com,,2026-01-01,\"Keys: front door\nand \"\"back\"\" door\"\n\
            Kim,not-an-email,,,\n\
            Lee,sam@example.com,,,\n\
            Ann,ann@example.com,nobody@example.com,,\n\
            Bo,bo@example.com,,2026-13-01,\n\
            Cy,boss@example.com,,,\n\
            Di,di@example.com,ann@example.com,,\n\
            \"Ed\nSecond line\",ed@example.com,,,\n";
        let plan = plan(text);
        let lines: Vec<(u64, &str)> = plan.problems.iter().map(|p| (p.line, p.reason.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (4, "\"not-an-email\" is not a work email address (it looks like name@example.com)"),
                (5, "duplicate email sam@example.com (also on line 2)"),
                (6, "unknown manager nobody@example.com"),
                (7, "\"2026-13-01\" is not a date (write it as 23/11/2026 or 2026-11-23)"),
                (8, "duplicate email boss@example.com: already in the office"),
                (9, "unknown manager ann@example.com"),
                (10, "the full name spans several lines"),
            ]
        );
        assert_eq!(plan.valid[0].1.notes, "Keys: front door\nand \"back\" door");
        assert_eq!(plan.valid.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn non_utf8_rows_and_missing_columns_are_reported() {
        let mut bytes = b"name,email\nSam,sam@example.com\n".to_vec();
        bytes.extend_from_slice(b"Jos\xe9,jose@example.com\n");
        let plan = plan_import(&bytes, &HashSet::new(), StaffStatus::Active).expect("plan");
        assert_eq!(
            plan.problems,
            vec![RowProblem { line: 3, reason: "not valid UTF-8 text (save the file as UTF-8)".into() }]
        );
        let error = plan_import(b"name,phone\nSam,123\n", &HashSet::new(), StaffStatus::Active).expect_err("no email");
        assert!(error.contains("no email column"), "{error}");
    }

    #[test]
    fn managers_in_a_loop_are_refused() {
        let plan = plan(
            "name,email,manager\nA,a@example.com,b@example.com\nB,b@example.com,a@example.com\nC,c@example.com,a@example.com\n",
        );
        let lines: Vec<u64> = plan.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4], "{:?}", plan.problems);
        assert!(plan.valid.is_empty());
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Sam"), "Sam");
    }

    #[test]
    fn invisible_characters_before_a_formula_do_not_hide_it() {
        for hidden in ["\u{200B}=cmd|' /C calc'!A0", "\u{FEFF}=1+1", "\u{2060}\u{200D}@SUM(A1)", " =1+1", "\u{202E}=x"]
        {
            let safe = neutralise(hidden);
            assert!(safe.starts_with('\''), "{hidden:?} became {safe:?}");
            assert!(!safe.contains(['\u{200B}', '\u{FEFF}', '\u{2060}', '\u{202E}']), "{safe:?}");
        }
        assert_eq!(neutralise("\u{200B}Sam"), "Sam");
    }
}
