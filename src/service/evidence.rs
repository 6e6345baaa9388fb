//! The evidence pack: one folder an auditor can read without Keyholder, for a period — an index
//! (HTML and PDF) with a one-page summary, every leaver's and mover's report and every review's
//! evidence in the period, the access matrix and MFA coverage, the policy, training and
//! incident registers, the audit log of the period with each record's hash and the result of
//! verifying the chain, and `manifest.json` with the SHA-256 of every file, which
//! [`verify_evidence_pack`] checks. Files are written owner-only into a new folder; no secret
//! value or authenticator key is ever read for it.

use super::records::csv_bytes;
use super::{Office, ServiceError, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::Process;
use crate::domain::incident::{IcoDecision, TellDecision};
use crate::domain::policy;
use crate::report::PdfReport;
use crate::vault::fsutil;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    office: String,
    from: String,
    to: String,
    written_at: String,
    written_by: String,
    files: Vec<ManifestFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ManifestFile {
    path: String,
    bytes: usize,
    sha256: String,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct EvidencePack {
    pub dir: PathBuf,
    pub files: usize,
    /// The summary's lines, as the index shows them.
    pub summary: Vec<(String, String)>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(message.into())
}

/// The files of a pack, by path inside it, before they are written.
#[derive(Default)]
struct Files(Vec<(String, Vec<u8>)>);

impl Files {
    fn add(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.0.push((path.into(), bytes));
    }
}

/// A file name from anything a person typed (an email, a title): letters, digits, - and _.
fn file_safe(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Office {
    /// Write the evidence pack for `from`..=`to` into the new folder `dir`.
    pub fn write_evidence_pack(&mut self, from: Date, to: Date, dir: &Path) -> ServiceResult<EvidencePack> {
        if from > to {
            return Err(invalid("the period must start before it ends"));
        }
        if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
            return Err(ServiceError::conflict(format!(
                "{} already exists and is not empty: choose a new folder",
                dir.display()
            )));
        }
        let zone = self.time_zone().clone();
        let day_of = |at: jiff::Timestamp| zone.to_datetime(at).date();
        let in_period = |day: Date| day >= from && day <= to;
        let directory = self.directory()?;
        let settings = self.settings()?;
        let today = self.today();
        let mut files = Files::default();
        let mut summary: Vec<(String, String)> = Vec::new();

        // People.
        let here = directory.staff.iter().filter(|p| p.status != crate::domain::staff::StaffStatus::Left).count();
        summary.push(("Staff on record (today)".into(), here.to_string()));

        // Joiners, movers and leavers whose checklists ran in the period, with their reports.
        let since = zone.to_timestamp(from.to_datetime(jiff::civil::Time::midnight())).unwrap_or(self.now());
        let lists = crate::vault::checklists::current(&self.vault().read(), since)?;
        let closes = self.closing_time()?;
        let mut leavers = Vec::new();
        let (mut joiners, mut movers) = (0, 0);
        for list in lists
            .iter()
            .filter(|l| in_period(day_of(l.started_at)) || l.finished_at.is_some_and(|f| in_period(day_of(f))))
        {
            let who =
                directory.person(list.staff_id).map_or_else(|| format!("staff-{}", list.staff_id), |p| p.email.clone());
            match list.process {
                Process::Joiner => joiners += 1,
                Process::Mover | Process::Leaver => {
                    let kind = if list.process == Process::Leaver { "leaver" } else { "mover" };
                    let base = format!("{kind}s/{}-{}", file_safe(&who), list.id);
                    files.add(format!("{base}.pdf"), self.checklist_report_pdf(list.id)?);
                    files.add(format!("{base}.csv"), self.checklist_report_csv(list.id)?);
                    if list.process == Process::Leaver {
                        let hours = list.time_to_full_revocation(&zone, closes).map(|d| d.as_secs_f64() / 3600.0);
                        leavers.push((who, list.key_date, hours));
                    } else {
                        movers += 1;
                    }
                }
                Process::Review | Process::Incident => {}
            }
        }
        summary.push(("Joiners in the period".into(), joiners.to_string()));
        summary.push(("Movers in the period".into(), movers.to_string()));
        let revoked: Vec<String> = leavers
            .iter()
            .map(|(who, day, hours)| match hours {
                Some(h) => format!("{who} (last day {day}): all access removed {h:.1} h after closing time"),
                None => format!("{who} (last day {day}): revocation not finished"),
            })
            .collect();
        summary.push((
            format!("Leavers in the period ({})", leavers.len()),
            if revoked.is_empty() { "none".into() } else { revoked.join("; ") },
        ));

        // Access reviews started or signed off in the period.
        let reviews = self.reviews()?;
        let (mut completed, mut open) = (0, 0);
        for review in reviews.iter().filter(|r| {
            in_period(day_of(r.review.started_at)) || r.review.signed_off_at.is_some_and(|s| in_period(day_of(s)))
        }) {
            let base = format!("reviews/review-{}", review.review.id);
            files.add(format!("{base}.pdf"), self.review_pdf(review.review.id)?);
            files.add(format!("{base}.csv"), self.review_csv(review.review.id)?);
            match review.review.signed_off_at {
                Some(_) => completed += 1,
                None => open += 1,
            }
        }
        summary.push(("Access reviews in the period".into(), format!("{completed} signed off, {open} still open")));

        // Access and MFA as recorded now.
        files.add("access/access-matrix.csv", self.export_matrix_csv(false)?);
        files.add("access/access-list.csv", self.export_access_csv()?);
        let coverage = super::mfa_coverage(&directory);
        let rows: Vec<Vec<String>> =
            coverage.iter().map(|c| vec![c.system.clone(), c.enrolled.to_string(), c.accounts.to_string()]).collect();
        files.add("access/mfa-coverage.csv", csv_bytes(&["system", "accounts_with_mfa", "accounts"], rows)?);
        let mfa: Vec<String> =
            coverage.iter().map(|c| format!("{} {} of {}", c.system, c.enrolled, c.accounts)).collect();
        summary.push((
            "MFA coverage (today)".into(),
            if mfa.is_empty() { "no system supports MFA".into() } else { mfa.join("; ") },
        ));

        // Shared secrets overdue, by name only (never a value).
        let overdue: Vec<String> = self
            .secret_statuses_in(&directory)?
            .iter()
            .filter(|s| s.due().is_some_and(|d| d < today))
            .map(|s| s.secret.name.clone())
            .collect();
        summary.push((
            "Secrets overdue (today)".into(),
            if overdue.is_empty() { "none".into() } else { overdue.join(", ") },
        ));

        // Policies and training.
        let read = self.vault().read();
        let (policies, acks) =
            (crate::vault::policies::policies(&read)?, crate::vault::policies::acknowledgements(&read)?);
        let (courses, completions) =
            (crate::vault::policies::courses(&read)?, crate::vault::policies::completions(&read)?);
        let mut policy_rows = Vec::new();
        let mut policy_words = Vec::new();
        for policy in &policies {
            let version = policy.current().map(|v| v.version.clone()).unwrap_or_default();
            let status = policy::ack_status(policy, &directory, &acks);
            let done = status.iter().filter(|s| s.acknowledged.is_some()).count();
            policy_words.push(format!("{} v{version}: {done} of {}", policy.name, status.len()));
            // Earlier versions: who acknowledged them, and when (the history an auditor asks).
            for earlier in policy.versions.iter().filter(|v| v.version != version) {
                for ack in acks.iter().filter(|a| a.version_id == earlier.id) {
                    let (name, email) = directory
                        .person(ack.staff_id)
                        .map_or_else(Default::default, |p| (p.full_name.clone(), p.email.clone()));
                    let row = [&policy.name, &earlier.version, &earlier.dated.to_string(), "no", &email, &name];
                    policy_rows.push(row.iter().map(|c| (*c).to_owned()).chain([ack.on.to_string()]).collect());
                }
            }
            let dated = policy.current().map(|v| v.dated.to_string()).unwrap_or_default();
            for s in status {
                let on = s.acknowledged.map(|d| d.to_string()).unwrap_or_default();
                policy_rows.push(vec![
                    policy.name.clone(),
                    version.clone(),
                    dated.clone(),
                    "yes".into(),
                    s.email,
                    s.name,
                    on,
                ]);
            }
        }
        files.add(
            "registers/policies.csv",
            csv_bytes(
                &["policy", "version", "version_dated", "current", "email", "name", "acknowledged"],
                policy_rows,
            )?,
        );
        summary.push((
            "Policies acknowledged (today)".into(),
            if policy_words.is_empty() { "no policy on record".into() } else { policy_words.join("; ") },
        ));
        let mut training_rows = Vec::new();
        let mut training_words = Vec::new();
        for course in &courses {
            let status = policy::training_status(course, &directory, &completions);
            // Done at least once and not due again yet.
            let current = status.iter().filter(|s| s.last_completed.is_some() && !s.is_overdue(today)).count();
            training_words.push(format!("{}: {current} of {} up to date", course.name, status.len()));
            for s in status {
                let last = s.last_completed.map(|d| d.to_string()).unwrap_or_default();
                training_rows.push(vec![course.name.clone(), s.email, s.name, last, s.due.to_string()]);
            }
        }
        files.add(
            "registers/training.csv",
            csv_bytes(&["course", "email", "name", "last_completed", "next_due"], training_rows)?,
        );
        summary.push((
            "Training up to date (today)".into(),
            if training_words.is_empty() { "no course on record".into() } else { training_words.join("; ") },
        ));

        // Incidents the office became aware of in the period.
        let incidents: Vec<_> = self.incidents()?.into_iter().filter(|i| in_period(day_of(i.aware_at))).collect();
        let decided: Vec<String> = incidents
            .iter()
            .map(|i| {
                let ico = match &i.ico {
                    Some(IcoDecision::Reported { reference, .. }) => format!("reported ({reference})"),
                    Some(IcoDecision::NotReportable { .. }) => "not reportable".into(),
                    None => "ICO decision pending".into(),
                };
                let people = match &i.tell {
                    Some(TellDecision::Told { .. }) => ", people told",
                    Some(TellDecision::NotTold { .. }) => ", people not told (reason kept)",
                    None => "",
                };
                format!("#{} {}: {ico}{people}", i.id, i.status().as_str())
            })
            .collect();
        summary.push((
            format!("Incidents in the period ({})", incidents.len()),
            if decided.is_empty() { "none".into() } else { decided.join("; ") },
        ));
        files.add("registers/incidents.csv", self.incident_register_csv(from, to)?);

        // The audit log of the period, each record with its hash, and the chain verified.
        let audit: Vec<_> = self.audit_log()?.into_iter().filter(|r| in_period(day_of(r.at))).collect();
        let purges = audit.iter().filter(|r| r.action == "staff.purge").count();
        summary.push(("Retention purges in the period".into(), purges.to_string()));
        let rows: Vec<Vec<String>> = audit
            .iter()
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.at.to_string(),
                    r.operator.clone(),
                    r.action.clone(),
                    r.summary.clone(),
                    hex::encode(r.prev_hash),
                    hex::encode(r.hash),
                ]
            })
            .collect();
        files.add(
            "audit/audit-log.csv",
            csv_bytes(&["seq", "at", "operator", "action", "summary", "prev_hash", "hash"], rows)?,
        );
        let public: Vec<serde_json::Value> = audit
            .iter()
            .map(|r| {
                serde_json::json!({
                    "seq": r.seq, "at": r.at.to_string(), "operator": r.operator, "action": r.action,
                    "summary": r.summary, "prev_hash": hex::encode(r.prev_hash), "hash": hex::encode(r.hash),
                })
            })
            .collect();
        files.add("audit/audit-log.json", serde_json::to_vec_pretty(&public).map_err(|e| invalid(e.to_string()))?);
        let problems = self.verify()?;
        let verdict = if problems.is_empty() {
            "The audit chain and the database verified intact when this pack was written.".to_owned()
        } else {
            format!("Verification found problems:\n{}", problems.join("\n"))
        };
        files.add("audit/verification.txt", format!("{verdict}\n").into_bytes());
        summary.push(("Audit log records in the period".into(), audit.len().to_string()));
        let chain = if problems.is_empty() { "verified intact".to_owned() } else { verdict.replace('\n', " ") };
        summary.push(("Audit chain and database".into(), chain));
        summary.push(("Pack written".into(), format!("{} by {}", self.moment_in_words(self.now()), self.operator())));

        // The index, then the manifest of everything.
        let title = format!("Evidence pack: {} — {from} to {to}", settings.office_name);
        files.add("index.html", index_html(&title, &summary, &files).into_bytes());
        let mut pdf = PdfReport::new(&title);
        let facts: Vec<(&str, String)> = summary.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        pdf.facts(&facts);
        pdf.heading("Files");
        let listed: Vec<Vec<String>> = files.0.iter().map(|(p, b)| vec![p.clone(), b.len().to_string()]).collect();
        pdf.table(&["File", "Bytes"], &[140.0, 30.0], &listed);
        files.add("index.pdf", pdf.finish());
        let manifest = Manifest {
            office: settings.office_name.clone(),
            from: from.to_string(),
            to: to.to_string(),
            written_at: self.now().to_string(),
            written_by: self.operator().to_string(),
            files: files
                .0
                .iter()
                .map(|(p, b)| ManifestFile { path: p.clone(), bytes: b.len(), sha256: sha256_hex(b) })
                .collect(),
        };
        files.add(MANIFEST, serde_json::to_vec_pretty(&manifest).map_err(|e| invalid(e.to_string()))?);

        write_private_dir(dir)?;
        for (path, bytes) in &files.0 {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                write_private_dir(parent)?;
            }
            fsutil::write_new(&target, bytes)?;
        }
        let count = files.0.len();
        let event = AuditEvent::new(
            "evidence.write",
            format!("evidence pack {from} to {to} written to {} ({count} files)", dir.display()),
        );
        self.record(event, |_| Ok(()))?;
        Ok(EvidencePack { dir: dir.to_path_buf(), files: count, summary })
    }
}

/// Create `dir` (and its parents) readable by its owner only.
fn write_private_dir(dir: &Path) -> ServiceResult<()> {
    std::fs::create_dir_all(dir).map_err(|e| invalid(format!("cannot create {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| invalid(format!("cannot make {} private: {e}", dir.display())))?;
    }
    Ok(())
}

fn index_html(title: &str, summary: &[(String, String)], files: &Files) -> String {
    let mut html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}}th{{text-align:left;vertical-align:top;padding:.3em 1em .3em 0;width:18em}}td{{padding:.3em 0}}table{{border-collapse:collapse}}tr{{border-bottom:1px solid #ddd}}</style></head><body>\n<h1>{t}</h1>\n<h2>Summary</h2>\n<table>\n",
        t = html_escape(title)
    );
    for (label, value) in summary {
        html.push_str(&format!("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(label), html_escape(value)));
    }
    html.push_str("</table>\n<h2>Files</h2>\n<ul>\n");
    for (path, bytes) in &files.0 {
        html.push_str(&format!("<li><a href=\"{p}\">{p}</a> ({} bytes)</li>\n", bytes.len(), p = html_escape(path)));
    }
    html.push_str(&format!(
        "<li>index.pdf (this summary as a PDF)</li>\n<li><a href=\"{MANIFEST}\">{MANIFEST}</a>: the SHA-256 of every file above</li>\n</ul>\n<p>To check that nothing was changed since: <code>keyholder evidence verify DIR</code>, or, without Keyholder, <code>sha256sum FILE</code> for each file, compared with its <code>sha256</code> in {MANIFEST}.</p>\n</body></html>\n"
    ));
    html
}

/// Check a pack against its manifest: every file there with the same SHA-256, nothing added.
/// The problems, each naming its file; empty when the pack is as written.
pub fn verify_evidence_pack(dir: &Path) -> ServiceResult<Vec<String>> {
    let text = std::fs::read(dir.join(MANIFEST))
        .map_err(|e| invalid(format!("cannot read {MANIFEST} in {}: {e}", dir.display())))?;
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|e| invalid(format!("{MANIFEST} is not a Keyholder manifest: {e}")))?;
    let mut problems = Vec::new();
    for file in &manifest.files {
        if file.path.contains("..") || Path::new(&file.path).is_absolute() {
            problems.push(format!("{}: a path outside the pack", file.path));
            continue;
        }
        match std::fs::read(dir.join(&file.path)) {
            Ok(bytes) if sha256_hex(&bytes) == file.sha256 => {}
            Ok(_) => problems.push(format!("{}: changed since the pack was written", file.path)),
            Err(_) => problems.push(format!("{}: missing", file.path)),
        }
    }
    let mut listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    listed.push(MANIFEST);
    for found in walk(dir, dir) {
        if !listed.contains(&found.as_str()) {
            problems.push(format!("{found}: added after the pack was written"));
        }
    }
    Ok(problems)
}

/// Every file below `dir`, as a path relative to `root` with `/`.
fn walk(root: &Path, dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(root, &path));
        } else if let Ok(relative) = path.strip_prefix(root) {
            found.push(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
        }
    }
    found
}
