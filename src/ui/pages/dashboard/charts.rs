//! The dashboard's three small charts (egui_plot, not interactive): MFA coverage per system,
//! leavers' time to full revocation over the last year, and review progress. Each has a title
//! and its reading in words below it, so a screen reader (and a hurried reader) gets the same
//! facts. Drawn from [`DashboardFigures`], read with the office; a chart without data is not
//! shown.

use crate::service::{DashboardFigures, MfaCoverage, ReviewProgress, Revocation, counted};
use crate::ui::widgets::style::State;
use egui_plot::{Bar, BarChart, GridMark, Plot};
use std::ops::RangeInclusive;

/// Height of each plot: a glance, not a study.
const PLOT_HEIGHT: f32 = 110.0;
const CARD_WIDTH: f32 = 320.0;
const MIN_CARD_WIDTH: f32 = 200.0;
const CARD_MARGIN: f32 = 8.0;

type Chart<'a> = (&'static str, Box<dyn FnOnce(&mut egui::Ui) + 'a>);

pub fn ui(ui: &mut egui::Ui, figures: &DashboardFigures) {
    let mut charts: Vec<Chart<'_>> = Vec::new();
    if !figures.mfa.is_empty() {
        charts.push(("MFA coverage per system", Box::new(|ui| mfa_ui(ui, &figures.mfa))));
    }
    if !figures.revocations.is_empty() {
        let closes = figures.closes_at;
        let chart = move |ui: &mut egui::Ui| revocations_ui(ui, &figures.revocations, closes);
        charts.push(("Leavers: hours to full revocation", Box::new(chart)));
    }
    if !figures.reviews.is_empty() {
        charts.push(("Access review progress", Box::new(|ui| reviews_ui(ui, &figures.reviews))));
    }
    if charts.is_empty() {
        return;
    }
    // Side by side, each at most CARD_WIDTH wide; on a narrow window they wrap.
    let gap = ui.spacing().item_spacing.x + 2.0 * CARD_MARGIN;
    let width = ((ui.available_width() - gap * charts.len() as f32) / charts.len() as f32).min(CARD_WIDTH);
    ui.horizontal_top(|ui| {
        for (title, draw) in charts {
            egui::Frame::group(ui.style()).inner_margin(CARD_MARGIN).show(ui, |ui| {
                ui.set_width(width.max(MIN_CARD_WIDTH));
                ui.vertical(|ui| {
                    ui.strong(title);
                    draw(ui);
                });
            });
        }
    });
}

/// A small plot that only shows: no dragging, zooming, scrolling or coordinates on hover.
fn plot(id: &str) -> Plot<'_> {
    Plot::new(id)
        .height(PLOT_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .show_grid([false, true])
        .sense(egui::Sense::hover())
        .include_y(0.0)
        .include_x(-0.7)
        .include_x(2.7)
        .y_axis_min_width(36.0)
}

/// Names under the bars at whole numbers (bar `i` is `names[i]`), nothing between them.
fn bar_names(names: Vec<String>) -> impl Fn(GridMark, &RangeInclusive<f64>) -> String {
    move |mark, _| {
        let index = mark.value.round();
        if (mark.value - index).abs() > 1e-6 || index < 0.0 {
            return String::new();
        }
        names.get(index as usize).cloned().unwrap_or_default()
    }
}

fn mfa_ui(ui: &mut egui::Ui, coverage: &[MfaCoverage]) {
    let share = |c: &MfaCoverage| if c.accounts == 0 { 0.0 } else { 100.0 * c.enrolled as f64 / c.accounts as f64 };
    let bars = coverage.iter().enumerate().map(|(i, c)| Bar::new(i as f64, share(c)).name(&c.system)).collect();
    let chart = BarChart::new("MFA", bars).color(State::Good.color(ui)).width(0.6);
    plot("mfa-coverage")
        .include_y(100.0)
        .x_axis_formatter(bar_names(coverage.iter().map(|c| c.system.clone()).collect()))
        .y_axis_formatter(|mark, _| format!("{}%", mark.value))
        .show(ui, |plot| plot.bar_chart(chart));
    for c in coverage {
        // Accounts are those recorded in Keyholder (a joiner's checklist records them).
        let verb = if c.accounts == 1 { "uses" } else { "use" };
        let accounts = counted(c.accounts, "recorded account", "recorded accounts");
        ui.label(format!("{}: {} of {accounts} {verb} MFA", c.system, c.enrolled));
    }
}

fn revocations_ui(ui: &mut egui::Ui, revocations: &[Revocation], closes: jiff::civil::Time) {
    let bars = revocations.iter().enumerate().map(|(i, r)| Bar::new(i as f64, r.hours).name(&r.who)).collect();
    let chart = BarChart::new("Hours", bars).color(State::Attention.color(ui)).width(0.6);
    // Up to the next power of ten: egui_plot labels only marks of that size on a plot this small.
    let longest = revocations.iter().map(|r| r.hours).fold(1.0, f64::max);
    plot("revocation-times")
        .include_y(10_f64.powf(longest.log10().ceil()))
        .x_axis_formatter(bar_names(revocations.iter().map(|r| r.last_day.strftime("%-d %b").to_string()).collect()))
        .show(ui, |plot| plot.bar_chart(chart));
    ui.label(revocation_reading(revocations));
    ui.weak(format!(
        "Counted from closing time ({}) on each last day (Settings, office hours).",
        crate::domain::office_hours::format_closing(closes)
    ));
}

/// "3 leavers in the last year: half fully revoked within 5 hours of closing time, the longest
/// took 30 hours (Kim Novak)."
fn revocation_reading(revocations: &[Revocation]) -> String {
    let mut hours: Vec<f64> = revocations.iter().map(|r| r.hours).collect();
    hours.sort_by(f64::total_cmp);
    let median = hours.get(hours.len() / 2).copied().unwrap_or_default();
    let longest = revocations.iter().max_by(|a, b| a.hours.total_cmp(&b.hours));
    let leavers = counted(revocations.len(), "leaver", "leavers");
    match longest {
        Some(longest) if longest.hours <= 0.0 && revocations.len() > 1 => {
            format!("{leavers} in the last year: all fully revoked by closing time on their last day")
        }
        Some(longest) if revocations.len() > 1 => format!(
            "{leavers} in the last year: half fully revoked {}, the longest took {} ({})",
            within(median),
            counted(longest.hours.ceil() as usize, "hour", "hours"),
            longest.who
        ),
        Some(only) => format!("1 leaver in the last year: fully revoked {} ({})", within(only.hours), only.who),
        None => String::new(),
    }
}

/// "by closing time on the last day", "within 1 hour of closing time", "within 26 hours…".
fn within(hours: f64) -> String {
    match hours.ceil() as usize {
        0 => "by closing time on the last day".to_owned(),
        n => format!("within {} of closing time", counted(n, "hour", "hours")),
    }
}

fn reviews_ui(ui: &mut egui::Ui, reviews: &[ReviewProgress]) {
    let decided_bars = reviews.iter().enumerate().map(|(i, r)| Bar::new(i as f64, r.decided as f64)).collect();
    let decided = BarChart::new("Decided", decided_bars).color(State::Good.color(ui)).width(0.6);
    let open_bars =
        reviews.iter().enumerate().map(|(i, r)| Bar::new(i as f64, r.items.saturating_sub(r.decided) as f64)).collect();
    let undecided =
        BarChart::new("Undecided", open_bars).color(ui.visuals().weak_text_color()).width(0.6).stack_on(&[&decided]);
    plot("review-progress").x_axis_formatter(bar_names(reviews.iter().map(|r| format!("#{}", r.id)).collect())).show(
        ui,
        |plot| {
            plot.bar_chart(decided);
            plot.bar_chart(undecided);
        },
    );
    for r in reviews {
        ui.label(format!("{}: {} of {} decided", r.title, r.decided, counted(r.items, "item", "items")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revocation(who: &str, hours: f64) -> Revocation {
        Revocation { who: who.into(), last_day: jiff::civil::date(2026, 11, 20), hours }
    }

    #[test]
    fn the_revocation_chart_reads_in_words_from_closing_time() {
        assert_eq!(
            revocation_reading(&[revocation("Kim Novak", 0.0)]),
            "1 leaver in the last year: fully revoked by closing time on the last day (Kim Novak)"
        );
        assert_eq!(
            revocation_reading(&[revocation("Kim Novak", 0.0), revocation("Jack Lee", 0.0)]),
            "2 leavers in the last year: all fully revoked by closing time on their last day"
        );
        assert_eq!(
            revocation_reading(&[revocation("Kim Novak", 0.5), revocation("Jack Lee", 29.5), revocation("Jo", 4.2)]),
            "3 leavers in the last year: half fully revoked within 5 hours of closing time, the longest took 30 \
             hours (Jack Lee)"
        );
    }
}
