//! A window that never freezes and never works for nothing: idle means no frame until input or
//! until something on screen must change (auto-lock, a countdown, a copied secret's clearing).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use gui_support::*;
use std::time::Duration;

#[test]
fn an_idle_dashboard_sleeps_until_auto_lock_and_a_countdown_wakes_it_each_second() {
    let vault = office_with_due_secret();
    let harness = signed_in(&vault);
    harness.get_by_label("1 thing needs attention");
    let idle = harness.state().next_repaint_in().expect("auto-lock is scheduled");
    assert!(idle > Duration::from_secs(4 * 60), "{idle:?}: nothing to redraw before auto-lock (5 min)");
    assert!(idle <= Duration::from_secs(5 * 60));

    drop(harness);
    let (mut harness, _clipboard) = wifi_secret_page(&vault);
    harness.get_by_role_and_label(Role::Button, "Reveal for 30 s").click();
    harness.run();
    let wake = harness.state().next_repaint_in().unwrap();
    assert!(wake <= Duration::from_secs(1), "{wake:?}: the countdown's seconds must move");
    vault.clock.advance(jiff::SignedDuration::from_secs(31));
    harness.run();
    assert!(harness.state().next_repaint_in().unwrap() > Duration::from_secs(60), "hidden again: back to sleep");

    press(&mut harness, "Copy");
    let wake = harness.state().next_repaint_in().unwrap();
    assert!(
        wake <= Duration::from_secs(20) && wake > Duration::from_secs(10),
        "{wake:?}: until the clipboard is cleared"
    );
}
