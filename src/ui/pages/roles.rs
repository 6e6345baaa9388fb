//! Roles: named bundles of access and their members. Editing a role shows who would gain or
//! lose what before the change is applied. The page's state, commands, drawing and writes.

use crate::domain::access::{AccessDiff, Directory, RoleId};
use crate::domain::staff::StaffId;
use crate::domain::system::LevelId;
use crate::ui::commands::{Command, Outcome};
use crate::ui::pages::Context;
use crate::ui::records::Records;
use crate::ui::widgets::style::space;
use crate::ui::widgets::{action_button, indented, table, text_field};

/// The width of the "Gives" column of the roles table.
const GIVES_WIDTH: f32 = 420.0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleCommand {
    Edit(Option<RoleId>),
    /// The ticked levels changed: work out who would be affected.
    Preview,
    Save,
    Add,
}

impl From<RoleCommand> for Command {
    fn from(command: RoleCommand) -> Self {
        Command::Roles(command)
    }
}

#[derive(Default)]
pub struct RolesPage {
    pub editing: Option<RoleId>,
    pub pending_levels: Vec<LevelId>,
    /// Who a pending role change would affect.
    pub preview: Option<Vec<(StaffId, AccessDiff)>>,
    pub name: String,
    /// The levels ticked for a new role.
    pub new_levels: Vec<LevelId>,
}

impl RolesPage {
    pub fn ui(&mut self, ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
        list_ui(ui, self, records, commands);
    }

    /// After the office was read again: editing a role ends.
    pub fn reloaded(&mut self) {
        self.editing = None;
        self.preview = None;
    }

    pub fn apply(&mut self, command: RoleCommand, cx: &mut Context<'_>) -> Outcome {
        let directory = &cx.records.directory;
        match command {
            RoleCommand::Edit(role) => {
                self.editing = role;
                self.pending_levels =
                    role.and_then(|r| directory.role(r)).map(|r| r.levels.clone()).unwrap_or_default();
                self.preview = None;
            }
            RoleCommand::Preview => {
                if let Some(role) = self.editing {
                    self.preview = Some(directory.role_change_diff(role, &self.pending_levels, cx.records.today));
                }
            }
            RoleCommand::Save => {
                let Some(role) = self.editing else { return Outcome::Written(Ok(None)) };
                let saved = cx.office.set_role_levels(role, &self.pending_levels);
                return Outcome::Written(saved.map(|()| Some("Role changed.".to_owned())));
            }
            RoleCommand::Add => {
                return Outcome::Written(cx.office.add_role_with_levels(&self.name, &self.new_levels).map(|_| {
                    self.new_levels.clear();
                    Some(format!("Role {} added.", std::mem::take(&mut self.name).trim()))
                }));
            }
        }
        Outcome::SHOWN
    }
}

fn list_ui(ui: &mut egui::Ui, page: &mut RolesPage, records: &Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("roles").show(ui, |ui| {
        let directory = &records.directory;
        table(ui, "roles-grid", &["Role", "Gives", "Members", ""], |ui| {
            for role in &directory.roles {
                ui.label(&role.name);
                let gives: Vec<String> = role
                    .levels
                    .iter()
                    .filter_map(|l| directory.level(*l))
                    .map(|(s, l)| {
                        if l.privileged {
                            format!("{} ({}, privileged)", s.name, l.name)
                        } else {
                            format!("{} ({})", s.name, l.name)
                        }
                    })
                    .collect();
                // A column of its own width: the list wraps in lines of words, not of letters.
                ui.vertical(|ui| {
                    ui.set_width(GIVES_WIDTH);
                    ui.add(egui::Label::new(gives.join(", ")).wrap());
                });
                ui.label(records.role_members.get(&role.id).copied().unwrap_or(0).to_string());
                if ui.button(format!("Edit {}", role.name)).clicked() {
                    commands.push(RoleCommand::Edit(Some(role.id)).into());
                }
                ui.end_row();
            }
        });
        edit_ui(ui, page, records, commands);
        if page.editing.is_some() {
            // One set of ticks at a time: the role being edited.
            return;
        }
        ui.add_space(space::BLOCK);
        ui.strong("Add a role");
        text_field(ui, "Name", &mut page.name);
        indented(ui, |ui| ui.weak("Tick the access it gives:"));
        level_ticks(ui, &records.directory, &mut page.new_levels, "new");
        indented(ui, |ui| {
            if action_button(ui, "Add role", page.name.trim().is_empty().then_some("Give it a name first.")) {
                commands.push(RoleCommand::Add.into());
            }
        });
    });
}

fn edit_ui(ui: &mut egui::Ui, page: &mut RolesPage, records: &Records, commands: &mut Vec<Command>) {
    let directory = &records.directory;
    let Some(role) = page.editing.and_then(|r| directory.role(r)) else { return };
    ui.add_space(space::BLOCK);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong(format!("What role {} gives", role.name));
        if level_ticks(ui, directory, &mut page.pending_levels, "edit") {
            commands.push(RoleCommand::Preview.into());
        }
        if let Some(preview) = &page.preview {
            ui.add_space(space::ROW);
            if preview.is_empty() {
                ui.weak("Nobody's access changes.");
            } else {
                ui.label(format!("{} people affected:", preview.len()));
            }
            let describe = |pairs: &[(i64, i64)]| directory.describe_pairs(pairs);
            for (staff, diff) in preview.iter().take(20) {
                let name = directory.person(*staff).map_or("?", |p| p.full_name.as_str());
                let mut line = name.to_owned();
                if !diff.gained.is_empty() {
                    line.push_str(&format!(" gains {}", describe(&diff.gained)));
                }
                if !diff.lost.is_empty() {
                    line.push_str(&format!(" loses {}", describe(&diff.lost)));
                }
                ui.label(line);
            }
            if preview.len() > 20 {
                ui.weak(format!("… and {} more", preview.len() - 20));
            }
        }
        ui.horizontal(|ui| {
            if ui.button("Apply role change").clicked() {
                commands.push(RoleCommand::Save.into());
            }
            if ui.button("Cancel editing").clicked() {
                commands.push(RoleCommand::Edit(None).into());
            }
        });
    });
}

/// A row of ticks per system, one per level; returns whether a tick changed.
fn level_ticks(ui: &mut egui::Ui, directory: &Directory, ticked: &mut Vec<LevelId>, id: &str) -> bool {
    let mut changed = false;
    ui.push_id(id, |ui| {
        for system in &directory.systems {
            ui.horizontal(|ui| {
                ui.add_sized([180.0, 18.0], egui::Label::new(&system.name).truncate());
                for level in &system.levels {
                    let mut on = ticked.contains(&level.id);
                    let text = format!("{} {}", system.name, level.name);
                    if ui.checkbox(&mut on, &level.name).on_hover_text(&text).changed() {
                        changed = true;
                        if on {
                            ticked.push(level.id);
                        } else {
                            ticked.retain(|l| *l != level.id);
                        }
                    }
                }
            });
        }
    });
    changed
}
