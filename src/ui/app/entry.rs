//! The screens before the shell, as the app runs them: creating the vault (or a demo office to
//! explore), acknowledging its recovery key, signing in with a password, the key remembered on
//! this computer or the recovery key, and the authenticator step. Key derivation runs as a
//! background job: Argon2 takes about a second, so it never runs on the drawing thread.

use super::{KeyholderApp, Screen};
use crate::domain::secret::wipe_stack;
use crate::service::{Created, NewOffice, Office, ServiceResult, SignIn, SignInMethod, SignInStep};
use crate::ui::commands::EntryCommand;
use crate::ui::recovery_key::RecoveryKeyView;
use crate::ui::shell::{CopiedSecret, Shell};
use crate::ui::welcome::WelcomeForm;
use crate::ui::widgets::Notice;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, TryRecvError};

/// How many people the demo office has.
const DEMO_STAFF: usize = 30;

/// The demo office lives beside the real vault, so exploring never touches the office's data.
pub fn demo_path(vault: &std::path::Path) -> PathBuf {
    let name = vault.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "office.khv".into());
    vault.with_file_name(format!("demo-{name}"))
}

pub(super) enum JobResult {
    Created(ServiceResult<Created>),
    SignedIn(ServiceResult<Office>),
    /// The password step of a sign-in; the authenticator code may still be needed.
    SignInStarted(ServiceResult<SignInStep>),
}

pub(super) struct Job {
    receiver: Receiver<JobResult>,
    pub(super) label: &'static str,
}

impl KeyholderApp {
    pub(super) fn apply_entry(&mut self, command: EntryCommand) {
        match command {
            EntryCommand::CreateVault => self.create_vault(false),
            EntryCommand::CreateDemo => self.create_vault(true),
            EntryCommand::AcknowledgeRecoveryKey => {
                let screen = std::mem::replace(&mut self.screen, Screen::Welcome(WelcomeForm::default()));
                self.screen = match screen {
                    Screen::RecoveryKey(view) => Screen::Shell(Box::new(Shell::open(view.into_office(), &self.deps))),
                    other => other,
                };
            }
            EntryCommand::CopyRecoveryKey => {
                if let Screen::RecoveryKey(view) = &mut self.screen {
                    view.copy(self.deps.clock.now());
                }
            }
            EntryCommand::AskPrintRecoveryKey(open) => {
                if let Screen::RecoveryKey(view) = &mut self.screen {
                    view.ask_print(open);
                }
            }
            EntryCommand::PrintRecoveryKey => {
                if let Screen::RecoveryKey(view) = &mut self.screen {
                    view.print();
                }
            }
            EntryCommand::SignIn => self.sign_in(false),
            EntryCommand::SignInWithKeyring => self.sign_in(true),
            EntryCommand::ShowRecoveryForm(show) => {
                if let Screen::SignIn(form) = &mut self.screen {
                    form.show_recovery(show);
                }
            }
            EntryCommand::RecoverPassword => self.recover(),
            EntryCommand::SubmitSecondFactor => self.submit_second_factor(),
            EntryCommand::CancelSecondFactor => {
                if let Screen::SignIn(form) = &mut self.screen {
                    form.cancel_code();
                }
            }
        }
    }

    fn run_job(&mut self, label: &'static str, work: impl FnOnce() -> JobResult + Send + 'static) {
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let result = work();
            // Key derivation and SQLCipher leave a password or key in the frames they used; the C
            // library hands this stack, unwiped, to the next thread.
            wipe_stack();
            let _ = sender.send(result);
        });
        self.job = Some(Job { receiver, label });
    }

    pub(super) fn poll_job(&mut self) {
        let Some(job) = &self.job else { return };
        let result = match job.receiver.try_recv() {
            Ok(result) => result,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => {
                self.job = None;
                self.notice = Some(Notice::error("the background task stopped unexpectedly"));
                return;
            }
        };
        self.job = None;
        self.last_activity = self.deps.clock.now();
        self.wipe_stack = true;
        match result {
            JobResult::Created(Ok(created)) => {
                self.notice = None;
                let copied = CopiedSecret::new(self.deps.clipboard.clone());
                let view = RecoveryKeyView::new(created, copied, self.deps.printer.clone());
                self.screen = Screen::RecoveryKey(Box::new(view));
            }
            JobResult::SignedIn(Ok(office)) => self.open_shell(office),
            JobResult::SignInStarted(Ok(SignInStep::Done(office))) => self.open_shell(office),
            JobResult::SignInStarted(Ok(SignInStep::NeedsCode(pending))) => {
                self.notice = None;
                if let Screen::SignIn(form) = &mut self.screen {
                    form.await_code(pending);
                }
            }
            JobResult::Created(Err(error)) | JobResult::SignedIn(Err(error)) | JobResult::SignInStarted(Err(error)) => {
                self.notice = Some(Notice::error(error.to_string()));
                if let Screen::SignIn(form) = &mut self.screen {
                    // Straight back to the password, to try again.
                    form.refocus();
                }
            }
        }
    }

    pub(super) fn open_shell(&mut self, office: Office) {
        // Failed attempts are said at once, not only kept in the audit log.
        self.notice = match office.failed_sign_ins_since_last() {
            0 => None,
            1 => Some(Notice::error("1 failed sign-in since the last successful one: see the Audit log.")),
            n => Some(Notice::error(format!("{n} failed sign-ins since the last successful one: see the Audit log."))),
        };
        self.screen = Screen::Shell(Box::new(Shell::open(office, &self.deps)));
    }

    /// The second step of sign-in: quick (no key derivation), so it runs here.
    fn submit_second_factor(&mut self) {
        let Screen::SignIn(form) = &mut self.screen else {
            return;
        };
        match form.finish_with_code() {
            Some(Ok(office)) => self.open_shell(office),
            Some(Err(error)) => self.notice = Some(Notice::error(error.to_string())),
            None => {}
        }
    }

    /// Create the office vault, or a demo office beside it (`demo` true) to explore first.
    fn create_vault(&mut self, demo: bool) {
        let Screen::Welcome(form) = &mut self.screen else {
            return;
        };
        let Some((office_name, operator, password)) = form.take_valid(demo) else {
            self.notice = Some(Notice::error(form.problem(demo)));
            return;
        };
        let (path, clock, kdf) = (self.deps.vault.clone(), self.deps.clock.clone(), self.deps.new_vault_kdf);
        if !demo {
            self.run_job("Creating the vault…", move || {
                let created = Office::create(&path, NewOffice { operator: &operator, password: &password, kdf }, clock);
                JobResult::Created(created.and_then(|mut created| {
                    created.office.set_office_name(&office_name)?;
                    Ok(created)
                }))
            });
            return;
        }
        let demo_path = demo_path(&path);
        self.run_job("Creating the demo office…", move || {
            let created =
                Office::create(&demo_path, NewOffice { operator: &operator, password: &password, kdf }, clock);
            JobResult::SignedIn(created.and_then(|mut created| {
                created.office.populate_demo(DEMO_STAFF)?;
                Ok(created.office)
            }))
        });
    }

    fn sign_in(&mut self, with_keyring: bool) {
        let Screen::SignIn(form) = &mut self.screen else {
            return;
        };
        let operator = form.operator.trim().to_owned();
        let password = form.take_password();
        let (path, clock, store) = (self.deps.vault.clone(), self.deps.clock.clone(), self.deps.store.clone());
        self.run_job("Checking…", move || {
            let operator = (!operator.is_empty()).then_some(operator.as_str());
            let method =
                if with_keyring { SignInMethod::Keyring(store.as_ref()) } else { SignInMethod::Password(&password) };
            JobResult::SignInStarted(Office::begin_sign_in(
                &path,
                SignIn { operator, method, second_factor: None },
                clock,
            ))
        });
    }

    fn recover(&mut self) {
        let Screen::SignIn(form) = &mut self.screen else {
            return;
        };
        let Some((key, password)) = form.take_recovery() else {
            self.notice = Some(Notice::error("the two new passwords differ"));
            return;
        };
        let operator = form.operator.trim().to_owned();
        let (path, clock) = (self.deps.vault.clone(), self.deps.clock.clone());
        self.run_job("Checking the recovery key…", move || {
            let operator = (!operator.is_empty()).then_some(operator.as_str());
            JobResult::SignedIn(Office::recover(&path, &key, operator, &password, clock))
        });
    }
}
