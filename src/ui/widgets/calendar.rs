//! A month calendar under a date field's "Calendar…" button: the month and year as its
//! heading, previous and next month, the days of the week, and one button per day named in
//! full for screen readers ("23 November 2026"). Choosing a day closes it.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// The month a calendar shows, kept while it is open (egui memory, not persisted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shown(Date);

const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const DAY_WIDTH: f32 = 30.0;

/// "Calendar…" for the date field `name`; the chosen day, once one is chosen. The calendar
/// opens at `selected` (the field's date) or else `today`.
pub fn calendar_button(ui: &mut egui::Ui, name: &str, selected: Option<Date>, today: Date) -> Option<Date> {
    let button = ui.button("Calendar…").on_hover_text("Choose the date on a calendar");
    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Calendar for {name}")));
    let month_id = button.id.with("month");
    if button.clicked() {
        let start = selected.unwrap_or(today).first_of_month();
        ui.data_mut(|d| d.insert_temp(month_id, Shown(start)));
    }
    let mut chosen = None;
    egui::Popup::from_toggle_button_response(&button)
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show(|ui| {
            let Shown(month) =
                ui.data(|d| d.get_temp(month_id)).unwrap_or(Shown(selected.unwrap_or(today).first_of_month()));
            let mut month = month;
            ui.horizontal(|ui| {
                if named_button(ui, "‹", "Previous month") {
                    month = month.checked_sub(1.month()).unwrap_or(month);
                }
                ui.add_sized(
                    [7.0 * DAY_WIDTH - 60.0, 20.0],
                    egui::Label::new(egui::RichText::new(month.strftime("%B %Y").to_string()).strong()),
                );
                if named_button(ui, "›", "Next month") {
                    month = month.checked_add(1.month()).unwrap_or(month);
                }
            });
            ui.data_mut(|d| d.insert_temp(month_id, Shown(month)));
            chosen = month_grid(ui, month, selected, today);
            if chosen.is_some() {
                egui::Popup::close_all(ui.ctx());
            }
        });
    chosen
}

/// A small button whose accessible name is `spoken`.
fn named_button(ui: &mut egui::Ui, text: &str, spoken: &str) -> bool {
    let response = ui.small_button(text).on_hover_text(spoken);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, spoken));
    response.clicked()
}

/// The days of `month` under the weekday names, Monday first.
fn month_grid(ui: &mut egui::Ui, month: Date, selected: Option<Date>, today: Date) -> Option<Date> {
    let mut chosen = None;
    egui::Grid::new("calendar-days").spacing([2.0, 2.0]).min_col_width(DAY_WIDTH).show(ui, |ui| {
        for name in WEEKDAYS {
            ui.weak(name);
        }
        ui.end_row();
        let blanks = month.weekday().to_monday_zero_offset();
        for _ in 0..blanks {
            ui.label("");
        }
        let mut day = month;
        while day.month() == month.month() {
            let text = egui::RichText::new(day.day().to_string());
            let text = if day == today { text.strong().underline() } else { text };
            let response = ui.add_sized([DAY_WIDTH, 22.0], egui::Button::selectable(Some(day) == selected, text));
            let spoken = day.strftime("%-d %B %Y").to_string();
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &spoken));
            if response.clicked() {
                chosen = Some(day);
            }
            if day.weekday() == Weekday::Sunday {
                ui.end_row();
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
    });
    chosen
}
