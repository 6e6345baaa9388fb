//! Keyholder's own file browser, for desktops without a file dialog (no XDG portal): folders
//! and the files of the wanted type, up and home, a name for a new file. The folder is read
//! when it is opened, never per frame; hidden files are not listed.

use super::file_dialog::FileTarget;
use super::widgets::style::{icon, space};
use super::widgets::{action_button, text_field};
use std::path::{Path, PathBuf};

/// What the browser was answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Browsed {
    Chosen(PathBuf),
    Cancelled,
}

/// One line of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    name: String,
    folder: bool,
}

pub struct FileBrowser {
    pub target: FileTarget,
    folder: PathBuf,
    entries: Vec<Entry>,
    /// The file picked in the list (opening) or the name typed (saving).
    file_name: String,
    problem: Option<String>,
}

/// What a click in the browser asks for, done after drawing.
enum Step {
    Into(PathBuf),
    Pick(String),
    Answer(Browsed),
}

impl FileBrowser {
    pub fn open(target: FileTarget, start: &Path) -> Self {
        let (_, _, suggested, _) = target.request();
        let mut browser = Self {
            target,
            folder: PathBuf::new(),
            entries: Vec::new(),
            file_name: suggested.to_owned(),
            problem: None,
        };
        browser.enter(start.to_path_buf());
        browser
    }

    fn enter(&mut self, folder: PathBuf) {
        let (_, save, _, extensions) = self.target.request();
        match std::fs::read_dir(&folder) {
            Ok(listing) => {
                let mut entries: Vec<Entry> = listing
                    .filter_map(Result::ok)
                    .filter_map(|entry| {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let folder = entry.file_type().ok()?.is_dir()
                            || (entry.file_type().ok()?.is_symlink() && entry.path().is_dir());
                        let wanted = folder || extensions.is_empty() || has_extension(&name, extensions);
                        // A vault's own files are never offered, to open or to write over.
                        let own = crate::vault::fsutil::is_vault_file(&entry.path());
                        (!name.starts_with('.') && wanted && !own).then_some(Entry { name, folder })
                    })
                    .collect();
                entries.sort_by_key(|e| (!e.folder, e.name.to_lowercase()));
                self.entries = entries;
                self.folder = folder;
                self.problem = None;
                if !save {
                    self.file_name.clear();
                }
            }
            Err(error) => self.problem = Some(format!("{} cannot be opened: {error}", folder.display())),
        }
    }

    /// Draw the browser as a modal; its answer once the person chose or cancelled.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Browsed> {
        let (title, save, _, extensions) = self.target.request();
        let mut step = None;
        let modal = egui::Modal::new(egui::Id::unique("file-browser")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.heading(title);
            ui.weak("This desktop offers no file dialog, so Keyholder shows its own.");
            ui.add_space(space::ROW);
            ui.horizontal(|ui| {
                ui.label(icon::FOLDER.rich_text());
                ui.label(self.folder.display().to_string());
            });
            ui.horizontal(|ui| {
                if let Some(parent) = self.folder.parent().filter(|_| ui.button("Up one folder").clicked()) {
                    step = Some(Step::Into(parent.to_path_buf()));
                }
                if let Some(home) = std::env::var_os("HOME").filter(|_| ui.button("Home folder").clicked()) {
                    step = Some(Step::Into(PathBuf::from(home)));
                }
            });
            // The problem line keeps its place whether or not there is one.
            let problem = self.problem.clone().unwrap_or_default();
            ui.add_sized([ui.available_width(), 18.0], egui::Label::new(egui::RichText::new(problem).weak()));
            egui::ScrollArea::vertical().max_height(300.0).auto_shrink([false, true]).show(ui, |ui| {
                if self.entries.is_empty() {
                    ui.weak(if extensions.is_empty() {
                        "Nothing here.".to_owned()
                    } else {
                        format!("No folders or .{} files here.", extensions.join(" or ."))
                    });
                }
                for entry in &self.entries {
                    let shown = if entry.folder { format!("{}/", entry.name) } else { entry.name.clone() };
                    let selected = !entry.folder && entry.name == self.file_name;
                    if ui.selectable_label(selected, shown).clicked() {
                        step = Some(if entry.folder {
                            Step::Into(self.folder.join(&entry.name))
                        } else {
                            Step::Pick(entry.name.clone())
                        });
                    }
                }
            });
            ui.add_space(space::ROW);
            if save {
                text_field(ui, "File name", &mut self.file_name);
            }
            ui.horizontal(|ui| {
                let why_not = match (save, self.file_name.trim().is_empty()) {
                    (true, true) => Some("Give the file a name first."),
                    (false, true) => Some("Pick a file in the list first."),
                    _ => None,
                };
                if action_button(ui, if save { "Save here" } else { "Open" }, why_not) {
                    step = Some(Step::Answer(Browsed::Chosen(self.folder.join(self.file_name.trim()))));
                }
                if ui.button("Cancel").clicked() {
                    step = Some(Step::Answer(Browsed::Cancelled));
                }
            });
        });
        if modal.should_close() {
            return Some(Browsed::Cancelled);
        }
        match step? {
            Step::Into(folder) => {
                self.enter(folder);
                None
            }
            Step::Pick(name) => {
                self.file_name = name;
                None
            }
            Step::Answer(answer) => Some(answer),
        }
    }
}

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|wanted| wanted.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lists_its_folders_first_then_files_of_the_wanted_type_without_hidden_ones() {
        let dir = tempfile::tempdir().expect("dir");
        for file in ["b.csv", "A.CSV", "notes.txt", ".hidden.csv", "office.khv", "office.khv.keys"] {
            std::fs::write(dir.path().join(file), "x").expect("write");
        }
        std::fs::create_dir(dir.path().join("Zeta")).expect("dir");
        let browser = FileBrowser::open(FileTarget::ImportStaff, dir.path());
        let names: Vec<&str> = browser.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Zeta", "A.CSV", "b.csv"]);
        let saving = FileBrowser::open(FileTarget::Backup, dir.path());
        let names: Vec<&str> = saving.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Zeta"], "only backups and folders; never the vault's own files");
        let missing = FileBrowser::open(FileTarget::ImportStaff, &dir.path().join("gone"));
        assert!(missing.problem.is_some_and(|p| p.contains("cannot be opened")));
    }
}
