//! The eframe application: which screen is showing, idle auto-lock, the file dialogs, and the
//! one place where commands are applied (the shell's go to the shell; signing in and creating
//! the vault are in `entry`).

use super::clipboard::SecretClipboard;
use super::commands::{Command, Page, Target};
use super::file_browser::{Browsed, FileBrowser};
use super::file_dialog::Picked;
use super::notify::Notifier;
use super::recovery_key::RecoveryKeyView;
use super::shell::Shell;
use super::sign_in::SignInForm;
use super::welcome::WelcomeForm;
use super::widgets::{Notice, centred_column, notice_slot, notice_toast};
use crate::domain::secret::wipe_stack;
use crate::service::{self, Clock, Office, counted};
use crate::ui::widgets::style::{size, space};
use crate::vault::crypto::KdfParams;
use crate::vault::keystore::SecretStore;
use entry::Job;
use jiff::{SignedDuration, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

mod entry;

/// What the app needs from outside: the vault path, a clock and a keyring (fakes in tests).
#[derive(Clone)]
pub struct AppDeps {
    pub vault: PathBuf,
    pub clock: Arc<dyn Clock>,
    pub store: Arc<dyn SecretStore>,
    /// Key-derivation cost for a new vault; `None` calibrates on this machine.
    pub new_vault_kdf: Option<KdfParams>,
    pub clipboard: Arc<dyn SecretClipboard>,
    pub notifier: Arc<dyn Notifier>,
    pub files: Arc<dyn super::file_dialog::FilePicker>,
    pub printer: Arc<dyn super::print::Printer>,
    /// Holds the shell's background jobs before they start (tests); open by default.
    pub job_gate: super::shell::JobGate,
}

pub(super) enum Screen {
    Welcome(WelcomeForm),
    RecoveryKey(Box<RecoveryKeyView>),
    SignIn(SignInForm),
    Shell(Box<Shell>),
}

pub struct KeyholderApp {
    deps: AppDeps,
    screen: Screen,
    notice: Option<Notice>,
    job: Option<Job>,
    last_activity: Timestamp,
    shown_title: String,
    last_notified: Option<Timestamp>,
    /// When the incident clocks were last read again (and said, each hour, in a notification).
    last_clock_read: Option<Timestamp>,
    last_clock_notice: Option<Timestamp>,
    show_help: bool,
    /// A file dialog that is open, and the field its answer goes to.
    picking: Option<(super::file_dialog::FileTarget, Receiver<super::file_dialog::Picked>)>,
    /// Keyholder's own file browser, open when the desktop has no file dialog.
    browser: Option<super::file_browser::FileBrowser>,
    /// The theme in use, remembered for the next start.
    theme: Option<egui::ThemePreference>,
    /// Something this frame handled a secret (a command, a lock, a finished sign-in): wipe
    /// the stack once the frame is drawn.
    wipe_stack: bool,
    /// Whether the icon font was added to egui (on the first frame; egui needs a context).
    fonts_installed: bool,
}

impl KeyholderApp {
    pub fn new(deps: AppDeps) -> Self {
        let screen = Self::start_screen(&deps);
        let last_activity = deps.clock.now();
        Self {
            deps,
            screen,
            notice: None,
            job: None,
            last_activity,
            shown_title: String::new(),
            last_notified: None,
            last_clock_read: None,
            last_clock_notice: None,
            show_help: false,
            picking: None,
            browser: None,
            theme: None,
            wipe_stack: false,
            fonts_installed: false,
        }
    }

    /// An app already signed in with `office` (benchmarks, embedding).
    pub fn with_office(deps: AppDeps, office: Office) -> Self {
        let mut app = Self::new(deps);
        app.screen = Screen::Shell(Box::new(Shell::open(office, &app.deps)));
        app
    }

    fn start_screen(deps: &AppDeps) -> Screen {
        if service::vault_exists(&deps.vault) {
            Screen::SignIn(SignInForm::load(&deps.vault))
        } else {
            Screen::Welcome(WelcomeForm::default())
        }
    }

    /// The screen's name, for tests and the window title.
    pub fn screen_name(&self) -> &'static str {
        match self.screen {
            Screen::Welcome(_) => "welcome",
            Screen::RecoveryKey(_) => "recovery key",
            Screen::SignIn(_) => "sign in",
            Screen::Shell(_) => "shell",
        }
    }

    /// Whether the signed-in office is read in full: the first screen is drawn before the
    /// search index, matrix and pick-lists (built on a worker thread) are in.
    pub fn office_read_in_full(&self) -> bool {
        matches!(&self.screen, Screen::Shell(shell) if shell.records.derived_ready)
    }

    /// Whether a key derivation (before sign-in) or a shell job is running.
    pub fn is_busy(&self) -> bool {
        self.job.is_some() || matches!(&self.screen, Screen::Shell(shell) if shell.is_busy())
    }

    pub fn notice_text(&self) -> Option<&str> {
        self.notice.as_ref().map(|n| n.text.as_str())
    }

    pub fn help_shown(&self) -> bool {
        self.show_help
    }

    /// The signed-in operator, if any.
    pub fn operator(&self) -> Option<String> {
        match &self.screen {
            Screen::Shell(shell) => Some(shell.session.operator.clone()),
            _ => None,
        }
    }

    fn title(&self) -> String {
        match &self.screen {
            Screen::Shell(shell) => format!("Keyholder — {}", shell.session.vault_name),
            _ => "Keyholder".to_owned(),
        }
    }

    fn poll_file_dialog(&mut self) {
        let Some((target, receiver)) = &self.picking else { return };
        let answer = match receiver.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Picked::Cancelled,
        };
        match (answer, &mut self.screen) {
            (Picked::Path(path), Screen::Shell(shell)) => shell.set_path(*target, &path),
            (Picked::NoDesktopDialog, Screen::Shell(_)) => {
                let start = self.deps.vault.parent().map(Path::to_path_buf).unwrap_or_default();
                self.browser = Some(FileBrowser::open(*target, &start));
            }
            _ => {}
        }
        self.picking = None;
    }

    /// Keyholder's own file browser, while it is open; its answer fills the path field.
    fn browser_ui(&mut self, ctx: &egui::Context) {
        let Some(browser) = &mut self.browser else { return };
        let Some(answer) = browser.ui(ctx) else { return };
        if let (Browsed::Chosen(path), Screen::Shell(shell)) = (answer, &mut self.screen) {
            shell.set_path(browser.target, &path);
        }
        self.browser = None;
    }

    /// Lock: drop the session (the connection closes and the data key is wiped), take a copied
    /// secret off the clipboard and show sign-in. The typed secrets of every form go with the
    /// screen that held them (wiped on drop); the stack is wiped after the frame.
    fn lock(&mut self, reason: Option<String>) {
        if let Screen::Shell(shell) = &mut self.screen {
            // The key must not stay behind on a worker thread.
            shell.end_job();
            shell.release_clipboard();
        }
        let operator = self.operator();
        self.last_notified = None;
        (self.last_clock_read, self.last_clock_notice) = (None, None);
        let mut form = SignInForm::load(&self.deps.vault);
        if let Some(operator) = operator {
            form.operator = operator;
        }
        self.screen = Screen::SignIn(form);
        self.notice = reason.map(Notice::info);
        self.wipe_stack = true;
    }

    fn check_idle(&mut self, ctx: &egui::Context) {
        let now = self.deps.clock.now();
        let active = ctx.input(|i| !i.events.is_empty() || i.pointer.delta() != egui::Vec2::ZERO);
        if active {
            self.last_activity = now;
        }
        let idle = self.last_activity.duration_until(now);
        if let Screen::SignIn(form) = &mut self.screen
            && form.awaits_code()
            && idle >= SignedDuration::from_mins(i64::from(service::DEFAULT_AUTO_LOCK_MINUTES))
        {
            // A half-finished sign-in holds the open vault; do not leave it waiting.
            form.cancel_code();
            self.notice = Some(Notice::info("Sign-in abandoned after a while without activity."));
        }
        if let Screen::RecoveryKey(view) = &mut self.screen {
            view.tick(now);
        }
        let Screen::Shell(shell) = &mut self.screen else {
            return;
        };
        if shell.is_busy() {
            // A long import is not the operator walking away: the lock waits for it.
            self.last_activity = now;
        }
        if shell.tick(now) && self.notice.as_ref().is_some_and(|n| n.text.starts_with("Copied")) {
            self.notice = Some(Notice::info("The copied value was cleared from the clipboard."));
        }
        // On sign-in and then once a day while open: a summary of what is overdue.
        let notify_due =
            self.last_notified.is_none_or(|last| last.duration_until(now) >= SignedDuration::from_hours(24));
        if notify_due {
            self.last_notified = Some(now);
            let overdue: Vec<&crate::service::DueItem> = shell.records.due.iter().filter(|d| d.overdue).collect();
            if !overdue.is_empty() {
                // A notification can show on a locked screen: counts by kind, never a name.
                let mut kinds: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
                for item in &overdue {
                    *kinds.entry(item.kind).or_default() += 1;
                }
                let body: Vec<String> =
                    kinds.iter().map(|(kind, n)| format!("{n} × {}", kind.replace('_', " "))).collect();
                self.deps.notifier.notify(
                    &format!("Keyholder: {} overdue", counted(overdue.len(), "item", "items")),
                    &body.join("\n"),
                );
            }
        }
        self.incident_clocks(now);
        let Screen::Shell(shell) = &mut self.screen else { return };
        if let Some(notice) = shell.take_in_other_desks() {
            self.notice = Some(notice);
        }
        let minutes = shell.data.settings.auto_lock_minutes;
        let limit = SignedDuration::from_mins(i64::from(minutes));
        if self.last_activity.duration_until(now) >= limit {
            self.lock(Some(format!("Locked after {minutes} minutes without activity.")));
        }
    }

    /// How long the window may sleep without input: until auto-lock, a copied secret's clearing,
    /// While an incident's 72 hours run: its clock read again every minute (the dashboard
    /// and the register count down), and each hour a notification with the hours left (the
    /// most urgent), never a title: it can show on a locked screen.
    fn incident_clocks(&mut self, now: Timestamp) {
        let Screen::Shell(shell) = &mut self.screen else { return };
        let running = |shell: &crate::ui::shell::Shell| shell.records.due.iter().any(|d| d.kind == "incident");
        if !running(shell) {
            return;
        }
        let every = |last: Option<Timestamp>, minutes: i64| {
            last.is_none_or(|last| last.duration_until(now) >= SignedDuration::from_mins(minutes))
        };
        if every(self.last_clock_read, 1) {
            self.last_clock_read = Some(now);
            shell.refresh_clocks();
        }
        if every(self.last_clock_notice, 60) {
            self.last_clock_notice = Some(now);
            let clocks: Vec<&crate::service::DueItem> =
                shell.records.due.iter().filter(|d| d.kind == "incident").collect();
            let first = clocks.iter().find(|d| d.overdue).or(clocks.first());
            let left =
                first.and_then(|d| d.reason.rsplit_once(": ").map(|(_, left)| left.to_owned())).unwrap_or_default();
            let summary = format!("Keyholder: {} to report to the ICO", counted(clocks.len(), "incident", "incidents"));
            let body = match first {
                Some(d) if d.overdue => "The 72 hours are over: report now, with the reason for the delay.".to_owned(),
                _ => format!("The first 72-hour deadline: {left}."),
            };
            self.deps.notifier.notify(&summary, &body);
        }
    }

    /// a countdown's next second, the daily reminder or an unfinished sign-in's timeout.
    pub fn next_repaint_in(&self) -> Option<Duration> {
        let now = self.deps.clock.now();
        let after = |minutes: i64| self.last_activity.checked_add(SignedDuration::from_mins(minutes)).ok();
        let wake = match &self.screen {
            Screen::Shell(shell) => {
                let lock = after(i64::from(shell.data.settings.auto_lock_minutes));
                let remind = self.last_notified.and_then(|at| at.checked_add(SignedDuration::from_hours(24)).ok());
                let clocks = shell.records.due.iter().any(|d| d.kind == "incident");
                let clock = self
                    .last_clock_read
                    .filter(|_| clocks)
                    .and_then(|at| at.checked_add(SignedDuration::from_mins(1)).ok());
                // Another desk's change shows within a second or two.
                let desks = shell.on_server().then(|| now.checked_add(SignedDuration::from_secs(1)).ok()).flatten();
                [lock, remind, clock, desks, shell.next_wake(now)].into_iter().flatten().min()
            }
            Screen::SignIn(form) if form.awaits_code() => after(i64::from(service::DEFAULT_AUTO_LOCK_MINUTES)),
            Screen::RecoveryKey(view) => view.next_wake(),
            _ => None,
        }?;
        let wait = now.duration_until(wake).max(SignedDuration::ZERO);
        Some(Duration::try_from(wait).unwrap_or_default())
    }

    fn apply(&mut self, command: Command) {
        // Commands are rare (a click, a key) and many touch a password, key or code.
        self.wipe_stack = true;
        match command {
            Command::DismissNotice => self.notice = None,
            Command::ToggleHelp => self.show_help = !self.show_help,
            Command::PickFile(target) => self.picking = Some((target, self.deps.files.pick(target))),
            Command::Lock => self.lock(Some("Locked.".into())),
            Command::Entry(command) => self.apply_entry(command),
            other => {
                if let Screen::Shell(shell) = &mut self.screen {
                    self.notice = shell.apply(other);
                }
            }
        }
    }

    /// Draw one frame and apply what it asked for. Public so tests can drive it directly.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            // Fonts take effect from the next pass: draw this frame again with the icons there.
            crate::ui::widgets::style::install_fonts(&ctx);
            self.fonts_installed = true;
            ctx.request_discard("the icon font was added");
            return;
        }
        self.poll_job();
        self.poll_shell_job();
        self.poll_file_dialog();
        self.check_idle(&ctx);
        if ctx.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::L)))
            && matches!(self.screen, Screen::Shell(_))
        {
            self.lock(Some("Locked.".into()));
        }
        let title = self.title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }

        let mut commands = Vec::new();
        super::help::shortcuts(&ctx, matches!(self.screen, Screen::Shell(_)), &mut commands);
        self.theme = Some(ctx.options(|o| o.theme_preference));
        if self.show_help {
            super::help::overlay(&ctx, &self.deps.vault, &mut commands);
        }
        self.browser_ui(&ctx);
        let busy = self.job.as_ref().map(|job| job.label);
        let notice = self.notice.clone();
        match &mut self.screen {
            Screen::Shell(shell) => {
                shell.ui(ui, &mut commands);
                if let Some(notice) = &notice
                    && notice_toast(&ctx, notice)
                {
                    commands.push(Command::DismissNotice);
                }
            }
            screen => {
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        ui.vertical_centered(|ui| {
                            ui.add_space(space::PAGE);
                            ui.heading(egui::RichText::new("Keyholder").size(size::TITLE).strong());
                            ui.weak("Who works here, what they can get into, and proof it is handled properly.");
                            ui.add_space(space::SECTION);
                        });
                        centred_column(ui, 560.0, |ui| {
                            if notice_slot(ui, notice.as_ref()) {
                                commands.push(Command::DismissNotice);
                            }
                            if let Some(label) = busy {
                                ui.horizontal(|ui| {
                                    ui.spinner();
                                    ui.label(label);
                                });
                            }
                            ui.add_enabled_ui(busy.is_none(), |ui| match screen {
                                Screen::Welcome(form) => form.ui(ui, &mut commands),
                                Screen::RecoveryKey(view) => view.ui(ui, &mut commands),
                                Screen::SignIn(form) => form.ui(ui, &mut commands),
                                Screen::Shell(_) => {}
                            });
                        });
                    });
                });
            }
        }
        for command in commands {
            self.apply(command);
        }
        if self.is_busy() {
            // The progress line moves; the drawing itself stays cheap.
            ctx.request_repaint_after(Duration::from_millis(50));
        } else if let Some(after) = self.next_repaint_in() {
            // Idle means idle: no frame until input, or until something on screen must change.
            ctx.request_repaint_after(after);
        }
        if std::mem::take(&mut self.wipe_stack) {
            // Everything this frame called has returned: its frames lie below this one.
            wipe_stack();
        }
    }

    /// A shell job that finished: its notice; one whose thread died locks the app.
    fn poll_shell_job(&mut self) {
        let Screen::Shell(shell) = &mut self.screen else { return };
        match shell.poll_job() {
            super::shell::JobEvent::None => {}
            super::shell::JobEvent::Settled(notice) => {
                self.notice = notice;
                self.wipe_stack = true;
            }
            super::shell::JobEvent::Lost(message) => self.lock(Some(message)),
        }
    }

    /// Go straight to a page (tests and keyboard shortcuts).
    pub fn navigate(&mut self, page: Page) {
        self.apply(Command::Navigate(page));
    }

    /// Open an access review on the Reviews page (tests, benchmarks).
    pub fn open_review(&mut self, id: i64) {
        self.apply(Command::Open(Target::Review(Some(id))));
    }
}

impl eframe::App for KeyholderApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Screen::Shell(shell) = &mut self.screen {
            shell.end_job();
            shell.release_clipboard();
        }
        // Close the session and wipe every form now rather than whenever eframe drops the app.
        drop(std::mem::replace(&mut self.screen, Screen::Welcome(WelcomeForm::default())));
        self.job = None;
        wipe_stack();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Only the theme; eframe adds the window's size and position. Never anything secret.
        if let Some(theme) = self.theme {
            storage.set_string(super::THEME_KEY, super::theme_name(theme).to_owned());
        }
    }

    fn persist_egui_memory(&self) -> bool {
        // egui's memory can hold text typed into fields; never write it to disk.
        false
    }
}
