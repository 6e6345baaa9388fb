//! Choosing from a known set instead of typing it: a labelled pick-list (with a search box when
//! the set is long, such as the staff of a large office) and a date field with a calendar.

use super::field_label;
use egui::Ui;

/// Above this many choices the list gets a search box.
const SEARCH_FROM: usize = 15;

/// A labelled pick-list whose value is the first of one of `choices` (value, shown), or ""
/// for `none` when given ("No system", "No manager"). Returns whether the choice changed.
pub fn pick_list<V: AsRef<str>, S: AsRef<str>>(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    choices: &[(V, S)],
    none: Option<&str>,
) -> bool {
    ui.horizontal(|ui| {
        let label_response = field_label(ui, label);
        pick_input(ui, &label_response, label, value, choices, none)
    })
    .inner
}

/// The pick-list without the label column, for a row of controls: `label_response` is the
/// visible text it belongs to (a screen reader says it), `name` tells it apart from the other
/// pick-lists on the page. Returns whether the choice changed.
pub fn pick_input<V: AsRef<str>, S: AsRef<str>>(
    ui: &mut Ui,
    label_response: &egui::Response,
    name: &str,
    value: &mut String,
    choices: &[(V, S)],
    none: Option<&str>,
) -> bool {
    let search_id = ui.make_persistent_id(("pick-search", name));
    let shown = match choices.iter().find(|(v, _)| v.as_ref() == value.as_str()) {
        Some((_, shown)) => shown.as_ref(),
        None if value.is_empty() => none.unwrap_or("Choose…"),
        None => value.as_str(),
    };
    let before = value.clone();
    let searchable = choices.len() > SEARCH_FROM;
    let mut combo = egui::ComboBox::from_id_salt(("pick", name))
        .selected_text(shown)
        .width(ui.available_width().min(super::FIELD_WIDTH))
        .height(320.0);
    if searchable {
        // A click in the search box must not close the list; a choice closes it (below).
        combo = combo.close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    }
    let focused_id = search_id.with("focused");
    let shown_list = ui.scope(|ui| {
        // A long choice is cut, not wrapped into a taller box.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        combo.show_ui(ui, |ui| {
            let mut search: String = ui.data_mut(|d| d.get_temp(search_id)).unwrap_or_default();
            if searchable {
                let field = ui.add(egui::TextEdit::singleline(&mut search).hint_text("type to narrow the list"));
                // Typing goes to the search box as soon as the list opens (once: Tab still
                // moves on to the choices).
                if !ui.data(|d| d.get_temp::<bool>(focused_id).unwrap_or(false)) {
                    field.request_focus();
                    ui.data_mut(|d| d.insert_temp(focused_id, true));
                }
                ui.data_mut(|d| d.insert_temp(search_id, search.clone()));
            }
            if let Some(none) = none {
                ui.selectable_value(value, String::new(), none);
            }
            let wanted = search.trim().to_lowercase();
            for (choice, shown) in choices.iter().filter(|(_, shown)| shown.as_ref().to_lowercase().contains(&wanted)) {
                if ui.selectable_value(value, choice.as_ref().to_owned(), shown.as_ref()).clicked() && searchable {
                    ui.close();
                }
            }
        })
    });
    if shown_list.inner.inner.is_none() {
        ui.data_mut(|d| d.remove::<bool>(focused_id));
    }
    shown_list.inner.response.labelled_by(label_response.id);
    *value != before
}

/// A labelled date field: type it (as 2026-11-23 or 23/11/2026) or pick it from a calendar.
/// `text` keeps what was typed, so a half-typed date is never thrown away; the calendar opens
/// at the typed date, else at `default` (the office's today).
pub fn date_field(ui: &mut Ui, label: &str, text: &mut String, default: jiff::civil::Date) -> egui::Response {
    ui.horizontal(|ui| {
        let label_response = field_label(ui, label);
        date_input(ui, &label_response, label, text, default)
    })
    .inner
}

/// The date field and its calendar without the label column, for a row of controls:
/// `label_response` is the visible label the field belongs to, `name` what the calendar is for.
pub fn date_input(
    ui: &mut Ui,
    label_response: &egui::Response,
    name: &str,
    text: &mut String,
    default: jiff::civil::Date,
) -> egui::Response {
    let field = ui
        .add(egui::TextEdit::singleline(text).desired_width(110.0).hint_text("dd/mm/yyyy"))
        .labelled_by(label_response.id);
    // Drawing never reads the clock: an empty field opens the calendar at `default`.
    let typed = crate::domain::staff::parse_date(text).ok();
    if let Some(date) = super::calendar::calendar_button(ui, name, typed, default) {
        // Written as the field asks for it (day first), and read back the same.
        *text = date.strftime("%d/%m/%Y").to_string();
    }
    field
}

/// A date and a time of day chosen from lists (hours, and minutes in fives): when something
/// happened, without typing a time's syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moment {
    pub date: String,
    pub hour: String,
    pub minute: String,
}

impl Moment {
    /// `at` in `zone`, the minutes rounded down to a five.
    pub fn at(at: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> Self {
        let local = zone.to_datetime(at);
        Self {
            date: local.date().strftime("%d/%m/%Y").to_string(),
            hour: format!("{:02}", local.hour()),
            minute: format!("{:02}", local.minute() / 5 * 5),
        }
    }

    /// As the service reads a local time (`2026-11-28T14:30`), when the date is a date.
    pub fn to_text(&self) -> Option<String> {
        let date = crate::domain::staff::parse_date(&self.date).ok()?;
        let hour = if self.hour.is_empty() { "00" } else { &self.hour };
        let minute = if self.minute.is_empty() { "00" } else { &self.minute };
        Some(format!("{date}T{hour}:{minute}"))
    }
}

/// A labelled date with its calendar, then the hour and the minutes from lists.
pub fn moment_field(ui: &mut Ui, label: &str, moment: &mut Moment, default: jiff::civil::Date) {
    const HOURS: [&str; 24] = [
        "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17",
        "18", "19", "20", "21", "22", "23",
    ];
    const MINUTES: [&str; 12] = ["00", "05", "10", "15", "20", "25", "30", "35", "40", "45", "50", "55"];
    ui.horizontal(|ui| {
        let label_response = field_label(ui, label);
        date_input(ui, &label_response, label, &mut moment.date, default);
        ui.label("at");
        let hours: Vec<(&str, &str)> = HOURS.iter().map(|h| (*h, *h)).collect();
        let minutes: Vec<(&str, &str)> = MINUTES.iter().map(|m| (*m, *m)).collect();
        ui.scope(|ui| {
            ui.spacing_mut().combo_width = 48.0;
            pick_narrow(ui, &label_response, &format!("{label} hour"), &mut moment.hour, &hours);
            ui.label(":");
            pick_narrow(ui, &label_response, &format!("{label} minutes"), &mut moment.minute, &minutes);
        });
    });
}

fn pick_narrow(ui: &mut Ui, label: &egui::Response, name: &str, value: &mut String, choices: &[(&str, &str)]) {
    let shown = if value.is_empty() { "--" } else { value.as_str() };
    let combo = egui::ComboBox::from_id_salt(("pick", name)).selected_text(shown).width(52.0).height(240.0);
    let response = combo.show_ui(ui, |ui| {
        for (v, s) in choices {
            ui.selectable_value(value, (*v).to_owned(), *s);
        }
    });
    response.response.labelled_by(label.id).widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, name));
}
