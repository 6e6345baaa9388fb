//! Drawing the Directories page: the list, one directory's connection and mapping, and the
//! form that adds a directory. Choices come from known sets: the kind, the systems and levels,
//! and the groups the directory itself gave at the last test.

use super::{DirectoriesPage, DirectoryCommand, findings};
use crate::domain::directory_change::group_name;
use crate::domain::linked_directory::{DirectoryKind, DirectoryMap, check_address};
use crate::ui::commands::Command;
use crate::ui::file_dialog::{FileTarget, choose_button};
use crate::ui::records::Records;
use crate::ui::widgets::style::space;
use crate::ui::widgets::{action_button, field_label, indented, password_field, pick_list, table, text_field};
use crate::vault::linked_directories::DirectoryRow;

/// One directory as its page draws it.
pub struct Shown<'a> {
    pub records: &'a Records,
    pub directory: &'a DirectoryRow,
    pub map: &'a DirectoryMap,
}

const KINDS: [(&str, &str); 5] = [
    ("ad", "Active Directory (or Samba AD)"),
    ("openldap", "OpenLDAP"),
    ("scim", "An app with SCIM 2.0"),
    ("microsoft365", "Microsoft 365"),
    ("google-workspace", "Google Workspace"),
];

pub fn ui(ui: &mut egui::Ui, page: &mut DirectoriesPage, records: &Records, commands: &mut Vec<Command>) {
    egui::ScrollArea::both().id_salt("directories").auto_shrink([false, false]).show(ui, |ui| {
        let selected = page.selected.clone();
        match selected.and_then(|name| records.linked.iter().find(|(d, _)| d.name == name)) {
            Some((directory, map)) => detail_ui(ui, page, &Shown { records, directory, map }, commands),
            None => {
                list_ui(ui, records, commands);
                ui.add_space(space::BLOCK);
                add_ui(ui, page, commands);
            }
        }
    });
}

fn list_ui(ui: &mut egui::Ui, records: &Records, commands: &mut Vec<Command>) {
    ui.label(
        "Connect the directory your office signs in with, so that Keyholder can compare it with the record \
         and make a leaver's changes there itself.",
    );
    ui.add_space(space::ROW);
    if records.linked.is_empty() {
        ui.weak("No directory is connected yet: add one below.");
        return;
    }
    table(ui, "directories-grid", &["Directory", "Kind", "Address", "Last check", ""], |ui| {
        for (directory, _) in &records.linked {
            ui.label(&directory.name);
            ui.label(directory.kind.describe());
            ui.label(&directory.url);
            ui.label(last_check(directory, records));
            if ui.button(format!("Open {}", directory.name)).clicked() {
                commands.push(DirectoryCommand::Select(Some(directory.name.clone())).into());
            }
            ui.end_row();
        }
    });
}

fn last_check(directory: &DirectoryRow, records: &Records) -> String {
    match directory.last_check {
        None => "never checked".to_owned(),
        Some((at, n)) => {
            let day = crate::service::date_in_words(jiff::tz::TimeZone::UTC.to_datetime(at).date(), records.today);
            let differences = crate::service::counted(usize::try_from(n).unwrap_or(0), "difference", "differences");
            format!("{day}: {differences}")
        }
    }
}

fn detail_ui(ui: &mut egui::Ui, page: &mut DirectoriesPage, shown: &Shown<'_>, commands: &mut Vec<Command>) {
    let directory = shown.directory;
    if ui.button("Back to directories").clicked() {
        commands.push(DirectoryCommand::Select(None).into());
    }
    let kind = directory.kind.describe();
    ui.heading(match directory.name.eq_ignore_ascii_case(kind) {
        true => directory.name.clone(),
        false => format!("{} ({kind})", directory.name),
    });
    if directory.is_from_export() {
        // Said below: it is checked from a file.
    } else if directory.kind.is_ldap() {
        let secure = if directory.starttls { " with StartTLS" } else { "" };
        let place = format!("{}{secure}, reading under {}", directory.url, directory.base_dn);
        ui.label(format!("{place}, signing in as {}", directory.bind_dn));
    } else if directory.kind == DirectoryKind::Microsoft365 {
        ui.label(format!("Tenant {}, signing in as the app registration {}", directory.base_dn, directory.bind_dn));
    } else if directory.kind == DirectoryKind::GoogleWorkspace {
        ui.label(format!("Signing in with a service account acting as {}", directory.bind_dn));
    } else {
        ui.label(format!("{}, signing in with its token", directory.url));
    }
    let name = directory.name.clone();
    if directory.is_from_export() {
        ui.weak("Checked from the user list its admin console downloads: no sign-in is kept for it.");
    } else {
        test_ui(ui, page, &name, commands);
    }
    if directory.kind == DirectoryKind::Microsoft365 && !directory.is_from_export() {
        ui.add_space(space::ROW);
        licences_ui(ui, page, shown, commands);
    }
    ui.add_space(space::BLOCK);
    findings::ui(ui, page, shown, commands);
    ui.add_space(space::BLOCK);
    // Open until something is mapped: the first thing to do with a new directory. Folded, it
    // still says in one line what is mapped.
    let unmapped = shown.map.accounts.is_none() && shown.map.groups.is_empty();
    let on = shown.map.accounts.and_then(|id| shown.records.directory.system(id)).map(|s| s.name.as_str());
    let groups = crate::service::counted(shown.map.groups.len(), "group", "groups");
    ui.weak(match on {
        Some(system) => format!("Its accounts are the accounts on {system}; {groups} mapped."),
        None => format!("Its accounts are not mapped to a system yet; {groups} mapped."),
    });
    egui::CollapsingHeader::new("What the directory gives")
        .default_open(unmapped)
        .show(ui, |ui| mapping_ui(ui, page, shown, commands));
}

/// Taking a leaver's licences back: a blocked account keeps them, and they cost money.
fn licences_ui(ui: &mut egui::Ui, page: &mut DirectoriesPage, shown: &Shown<'_>, commands: &mut Vec<Command>) {
    use crate::domain::staff::StaffStatus;
    let leavers: Vec<(String, String)> = (shown.records.directory.staff.iter())
        .filter(|p| matches!(p.status, StaffStatus::Leaving | StaffStatus::Left))
        .map(|p| (p.email.clone(), format!("{} <{}>", p.full_name, p.email)))
        .collect();
    pick_list(ui, "Take back the licences of", &mut page.licences_of, &leavers, Some("Choose a leaver"));
    indented(ui, |ui| {
        let why_not = if leavers.is_empty() {
            Some("No one is leaving or has left.")
        } else if page.licences_of.is_empty() {
            Some("Choose the leaver whose licences to remove.")
        } else {
            None
        };
        if action_button(ui, "Remove their licences", why_not) {
            commands.push(DirectoryCommand::RemoveLicences(shown.directory.name.clone()).into());
        }
    });
}

fn test_ui(ui: &mut egui::Ui, page: &DirectoriesPage, name: &str, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui
            .button("Test the connection")
            .on_hover_text("Signs in, counts the accounts and reads the groups")
            .clicked()
        {
            commands.push(DirectoryCommand::Test(name.to_owned()).into());
        }
        match page.tested.get(name) {
            Some((users, groups)) => {
                let groups = crate::service::counted(groups.len(), "group", "groups");
                ui.weak(format!("Connected: {}, {groups}.", crate::service::counted(*users, "account", "accounts")));
            }
            None => {
                ui.weak("Not tested in this session.");
            }
        }
    });
}

fn mapping_ui(ui: &mut egui::Ui, page: &mut DirectoriesPage, shown: &Shown<'_>, commands: &mut Vec<Command>) {
    let Shown { records, directory, map } = *shown;
    let name = &directory.name;
    pick_list(ui, "Its accounts are on", &mut page.accounts_system, &records.systems, Some("Choose a system"));
    if records.systems.is_empty() {
        indented(ui, |ui| {
            ui.weak("No system is on record yet: add the one its accounts sign in to on the Systems page.")
        });
    }
    indented(ui, |ui| {
        let current = map.accounts.and_then(|id| records.directory.system(id)).map(|s| s.name.as_str());
        let why_not = if page.accounts_system.is_empty() {
            Some("Choose the system whose sign-in the directory's accounts are.")
        } else if current == Some(page.accounts_system.as_str()) {
            Some(crate::ui::widgets::NOTHING_CHANGED)
        } else {
            None
        };
        if action_button(ui, "Save", why_not) {
            commands.push(DirectoryCommand::SetAccounts(name.clone()).into());
        }
    });
    if directory.is_from_export() {
        // The exports list no groups.
        return;
    }
    ui.add_space(space::ROW);
    for (group, level) in &map.groups {
        let gives = records.directory.describe_level(*level).unwrap_or_default();
        indented(ui, |ui| ui.label(format!("Members of {} have {gives}", group_name(group))).on_hover_text(group));
    }
    ui.add_space(space::TIGHT);
    let groups: Vec<(String, String)> = page
        .tested
        .get(name)
        .map(|(_, groups)| groups.iter().map(|g| (g.clone(), group_name(g).to_owned())).collect())
        .unwrap_or_default();
    pick_list(ui, "Members of the group", &mut page.map_group, &groups, Some("Choose a group"));
    pick_list(ui, "have access to", &mut page.map_system, &records.systems, Some("Choose a system"));
    let levels: Vec<(String, String)> = records
        .directory
        .system_by_name(&page.map_system)
        .map(|s| s.levels.iter().map(|l| (l.name.clone(), l.name.clone())).collect())
        .unwrap_or_default();
    pick_list(ui, "at the level", &mut page.map_level, &levels, Some("Choose a level"));
    indented(ui, |ui| {
        let why_not = if groups.is_empty() {
            Some("Test the connection first: it reads the groups to choose from.")
        } else if page.map_group.is_empty() || page.map_system.is_empty() || page.map_level.is_empty() {
            Some("Choose a group, a system and a level.")
        } else {
            None
        };
        if action_button(ui, "Add this to the mapping", why_not) {
            commands.push(DirectoryCommand::MapGroup(name.clone()).into());
        }
    });
}

fn add_ui(ui: &mut egui::Ui, page: &mut DirectoriesPage, commands: &mut Vec<Command>) {
    ui.strong("Add a directory");
    let form = &mut page.add;
    text_field(ui, "Name", &mut form.name).on_hover_text("How Keyholder calls it, e.g. Office AD");
    pick_list(ui, "Kind", &mut form.kind, &KINDS, Some("Choose the kind"));
    // An app is an address and a token; a directory also says where to read and who signs in.
    let ldap = DirectoryKind::parse(&form.kind).map_or(true, DirectoryKind::is_ldap);
    let kind = DirectoryKind::parse(&form.kind).ok();
    let suite = kind.is_some_and(DirectoryKind::is_from_export);
    if suite {
        indented(ui, |ui| {
            ui.radio_value(
                &mut form.live,
                false,
                "Check it with the user list its admin console downloads (no set-up)",
            );
            let live = match kind {
                Some(DirectoryKind::GoogleWorkspace) => "Connect live, with a service account",
                _ => "Connect live, with an app registration",
            };
            ui.radio_value(&mut form.live, true, live);
        });
    }
    let from_export = suite && !form.live;
    if kind.is_none() {
        indented(ui, |ui| ui.weak("Choose its kind: the form then asks only for what that kind needs."));
    } else if from_export {
        indented(ui, |ui| {
            ui.weak("Nothing to sign in with: you check it with the user list its admin console downloads.")
        });
    } else if kind == Some(DirectoryKind::Microsoft365) {
        text_field(ui, "Tenant (directory) ID", &mut form.base_dn)
            .on_hover_text("Microsoft Entra admin centre → Overview → Tenant ID");
        text_field(ui, "Application (client) ID", &mut form.bind_dn)
            .on_hover_text("the app registration's Overview page → Application (client) ID");
        password_field(ui, "Client secret", form.password.expose_mut());
    } else if kind == Some(DirectoryKind::GoogleWorkspace) {
        text_field(ui, "Act as administrator", &mut form.bind_dn)
            .on_hover_text("the address of an administrator who may manage users and groups");
        text_field(ui, "Customer ID (optional)", &mut form.base_dn)
            .on_hover_text("leave empty for the administrator's own organisation");
        ui.horizontal(|ui| {
            let label = field_label(ui, "Service account key");
            ui.add(egui::TextEdit::singleline(&mut form.key_file).hint_text("the JSON key file").desired_width(240.0))
                .labelled_by(label.id);
            choose_button(ui, FileTarget::ServiceAccountKey, commands);
        });
    } else if ldap {
        text_field(ui, "Address", &mut form.url).on_hover_text("ldaps://dc1.office.local, or ldap://… with StartTLS");
        text_field(ui, "Read under (base DN)", &mut form.base_dn).on_hover_text("e.g. DC=office,DC=local");
        text_field(ui, "Sign in as (bind DN)", &mut form.bind_dn)
            .on_hover_text("an account that may read users and groups, and change them for leavers");
        password_field(ui, "Its password", form.password.expose_mut());
        indented(ui, |ui| ui.checkbox(&mut form.starttls, "Use StartTLS (for an ldap:// address)"));
    } else {
        text_field(ui, "SCIM address", &mut form.url)
            .on_hover_text("the app's SCIM base URL from its admin settings, e.g. https://app.example.com/scim/v2");
        password_field(ui, "Its token", form.password.expose_mut());
    }
    if kind.is_some() && !suite {
        ui.horizontal(|ui| {
            let label = field_label(ui, "Office CA certificate");
            ui.add(
                egui::TextEdit::singleline(&mut form.ca_file).hint_text("only for a private CA").desired_width(240.0),
            )
            .labelled_by(label.id);
            choose_button(ui, FileTarget::CaCertificate, commands);
        });
    }
    let why_not = why_not_add(form, kind, suite);
    indented(ui, |ui| {
        if action_button(ui, "Add directory", why_not.as_deref()) {
            commands.push(DirectoryCommand::Add.into());
        }
    });
}

/// Why "Add directory" cannot be pressed yet, for the kind chosen.
fn why_not_add(form: &super::AddForm, kind: Option<DirectoryKind>, suite: bool) -> Option<String> {
    let missing = |fields: &[&str]| fields.iter().any(|f| f.trim().is_empty());
    let address =
        kind.filter(|_| !form.url.trim().is_empty()).and_then(|k| check_address(k, &form.url, form.starttls).err());
    match kind {
        _ if form.name.trim().is_empty() => Some("Give its name.".to_owned()),
        None => Some("Choose its kind.".to_owned()),
        Some(_) if suite && !form.live => None,
        Some(DirectoryKind::Microsoft365) if missing(&[&form.base_dn, &form.bind_dn, form.password.expose()]) => {
            Some("Give the tenant ID, the application ID and its client secret.".to_owned())
        }
        Some(DirectoryKind::GoogleWorkspace) if missing(&[&form.bind_dn, &form.key_file]) => {
            Some("Give the administrator to act as and the service account's key file.".to_owned())
        }
        Some(_) if suite => None,
        Some(_) if form.url.trim().is_empty() => Some("Give its address.".to_owned()),
        Some(_) if address.is_some() => address,
        Some(k) if k.is_ldap() && missing(&[&form.base_dn, &form.bind_dn, form.password.expose()]) => {
            Some("Say where to read and how to sign in.".to_owned())
        }
        Some(_) if form.password.is_empty() => Some("Give the app's token.".to_owned()),
        Some(_) => None,
    }
}
