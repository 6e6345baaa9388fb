//! Carrying out the Staff page's commands after the frame: what only changes the page, and
//! the writes (each returns the message to show).

use super::{StaffCommand, StaffPage};
use crate::domain::staff::{StaffDraft, StaffId};
use crate::service::counted;
use crate::service::{Office, ServiceError, ServiceResult};
use crate::ui::commands::{Outcome, Target};
use crate::ui::pages::Context;
use crate::ui::shell::{Exports, JobOutput, JobRequest};
use crate::ui::totp::QrCode;

impl StaffPage {
    pub fn apply(&mut self, command: StaffCommand, cx: &mut Context<'_>) -> Outcome {
        let records = cx.records;
        match command {
            StaffCommand::Refilter => self.refilter(records),
            StaffCommand::Sort(key) => {
                self.filter.descending = self.filter.sort == key && !self.filter.descending;
                self.filter.sort = key;
                self.refilter(records);
            }
            StaffCommand::Select(id) => self.select(id, records, &cx.data.audit),
            StaffCommand::ToggleAdd => self.forms.show_add_staff = !self.forms.show_add_staff,
            StaffCommand::Edit(id) => {
                let directory = &records.directory;
                self.forms.editing = id.and_then(|id| directory.person(id)).map(|person| {
                    let manager = person.manager_id.and_then(|m| directory.person(m)).map(|m| m.email.as_str());
                    person.to_draft(manager)
                });
            }
            StaffCommand::CancelImport => self.import_plan = None,
            StaffCommand::CloseEnrolment => self.authenticator.enrolment = None,
            StaffCommand::PreviewImport => return self.preview_import(),
            StaffCommand::Add => return Outcome::Written(self.add(cx.office).map(Some)),
            StaffCommand::Save(id) => return Outcome::Written(self.save(id, cx.office)),
            StaffCommand::ApplyRoles(id) => {
                let diff = cx.office.set_roles(id, &self.forms.pending_roles);
                return Outcome::Written(diff.map(|diff| {
                    Some(format!(
                        "Roles changed: {} gained, {} removed.",
                        crate::service::counted(diff.gained.len(), "piece of access", "pieces of access"),
                        diff.lost.len()
                    ))
                }));
            }
            StaffCommand::Grant(id) => return Outcome::Written(self.grant(id, cx).map(Some)),
            StaffCommand::Revoke(id, system) => {
                let system = records.directory.system(system).map(|s| s.name.clone()).unwrap_or_default();
                let revoked = records.email(id).and_then(|email| cx.office.revoke(&email, &system));
                return Outcome::Written(revoked.map(|()| Some(format!("Direct access to {system} revoked."))));
            }
            StaffCommand::ConfirmImport => {
                let Some(plan) = self.import_plan.take() else { return Outcome::Written(Ok(None)) };
                let source = self.forms.import_path.trim().to_owned();
                return Outcome::Background(JobRequest::new("Importing staff", true, move |office| {
                    let count = office.apply_import(&plan, &source)?;
                    let message = format!("{} imported.", counted(count, "staff member", "staff members"));
                    Ok(JobOutput::Message(Some(message)))
                }));
            }
            StaffCommand::Export => {
                let (path, overwrite) = (cx.exports.path.trim().to_owned(), cx.exports.overwrite());
                return Outcome::Background(JobRequest::new("Exporting the staff list", true, move |office| {
                    let csv = office.export_staff_csv()?;
                    Exports::write_file(&path, &csv, overwrite)?;
                    Ok(JobOutput::Message(Some(format!("Staff exported to {path}."))))
                }));
            }
            StaffCommand::AskStartLeaver(open) => {
                self.confirm_leaver = open;
                return Outcome::SHOWN;
            }
            StaffCommand::StartLeaver(id) => {
                self.confirm_leaver = false;
                let last_day = &self.forms.leaver_last_day;
                let started = records.email(id).and_then(|email| cx.office.start_leaver(&email, last_day));
                return Outcome::WrittenThenOpen(started.map(|checklist| {
                    self.selected = None;
                    ("Leaver checklist started.".to_owned(), Target::Checklist(checklist))
                }));
            }
            StaffCommand::Purge(id) => {
                let purged = cx.office.purge_person(id);
                return Outcome::Written(purged.map(|()| Some("Their personal details were purged.".to_owned())));
            }
            StaffCommand::EnrolAuthenticator(id) => return Outcome::Written(self.enrol(id, cx).map(Some)),
            StaffCommand::ConfirmAuthenticator(id) => return Outcome::Written(self.check_code(id, true, cx)),
            StaffCommand::VerifyIdentity(id) => return Outcome::Written(self.check_code(id, false, cx)),
        }
        Outcome::SHOWN
    }

    /// Read and check the file on a worker thread; the plan comes back to this page.
    fn preview_import(&mut self) -> Outcome {
        let path = std::path::PathBuf::from(self.forms.import_path.trim());
        Outcome::Background(JobRequest::new("Checking the import file", true, move |office| {
            let bytes = std::fs::read(&path)
                .map_err(|e| ServiceError::Invalid(format!("cannot read {}: {e}", path.display())))?;
            Ok(JobOutput::ImportPlan(office.preview_import(&bytes)?))
        }))
    }

    fn add(&mut self, office: &mut Office) -> ServiceResult<String> {
        let forms = &mut self.forms;
        let draft = StaffDraft {
            full_name: forms.new_name.clone(),
            email: forms.new_email.clone(),
            job_title: forms.new_title.clone(),
            team: forms.new_team.clone(),
            manager_email: forms.new_manager.clone(),
            start_date: forms.new_start.clone(),
            ..Default::default()
        };
        office.add_staff(&draft)?;
        forms.show_add_staff = false;
        for field in [
            &mut forms.new_name,
            &mut forms.new_email,
            &mut forms.new_title,
            &mut forms.new_team,
            &mut forms.new_manager,
            &mut forms.new_start,
        ] {
            field.clear();
        }
        Ok(format!("{} added.", draft.full_name.trim()))
    }

    fn save(&mut self, id: StaffId, office: &mut Office) -> ServiceResult<Option<String>> {
        let Some(draft) = self.forms.editing.clone() else { return Ok(None) };
        office.edit_staff(id, &draft)?;
        self.forms.editing = None;
        Ok(Some(format!("{} saved.", draft.full_name.trim())))
    }

    fn grant(&mut self, id: StaffId, cx: &mut Context<'_>) -> ServiceResult<String> {
        let (directory, forms) = (&cx.records.directory, &mut self.forms);
        let system = forms.grant_system.and_then(|s| directory.system(s)).map(|s| s.name.clone()).unwrap_or_default();
        let until = Some(forms.grant_until.trim()).filter(|u| !u.is_empty());
        let email = cx.records.email(id)?;
        cx.office.grant(&email, &system, &forms.grant_level, &forms.grant_reason, until)?;
        forms.grant_reason.clear();
        forms.grant_until.clear();
        Ok(format!("Direct access to {system} granted."))
    }

    fn enrol(&mut self, id: StaffId, cx: &mut Context<'_>) -> ServiceResult<String> {
        let (uri, _png) = cx.office.enrol_authenticator(&cx.records.email(id)?)?;
        let qr = QrCode::for_uri(&uri).ok_or_else(|| ServiceError::Invalid("cannot draw the QR code".into()))?;
        let view = &mut self.authenticator;
        view.enrolment = Some((id, qr));
        view.code.clear();
        view.identity = None;
        Ok("Enrolment started: confirm it with their first code.".to_owned())
    }

    /// Check a code from the person's authenticator: `confirming` their enrolment, or a caller
    /// who claims to be them. The answer is shown beside the field, not as a notice too.
    fn check_code(&mut self, id: StaffId, confirming: bool, cx: &mut Context<'_>) -> ServiceResult<Option<String>> {
        let view = &mut self.authenticator;
        let code = std::mem::take(&mut view.code);
        let result = cx.office.verify_staff_code(&cx.records.email(id)?, &code);
        if result.is_ok() && confirming {
            view.enrolment = None;
        }
        let text = match (&result, confirming) {
            (Ok(()), true) => "Authenticator confirmed.".to_owned(),
            (Ok(()), false) => "The code is right: the caller has this person's phone.".to_owned(),
            (Err(error), _) => format!("Not verified: {error}"),
        };
        view.identity = Some((id, result.is_ok(), text));
        Ok(None)
    }
}
