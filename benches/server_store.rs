//! The server store on the 10,000-person demo office over a local PostgreSQL server (started
//! here in a temporary folder, Unix socket only): sign-in to the first drawn screen, one
//! checklist tick, and how long another desk takes to have it. Run with
//! `cargo bench --bench server_store` (needs Debian's `postgresql`). Not run in CI: timing is
//! not a test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails by panicking

#[path = "../tests/common/postgres.rs"]
mod postgres;

use egui_kittest::Harness;
use keyholder::domain::secret::SecretString;
use keyholder::service::{NewOffice, Office, SystemClock};
use keyholder::ui::KeyholderApp;
use keyholder::vault::crypto::{KdfParams, derive_kek};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{PASSWORD, deps, median, sign_in};

mod support;

const STAFF: usize = 10_000;

fn range(samples: &[Duration]) -> String {
    let min = samples.iter().min().copied().unwrap_or_default();
    let max = samples.iter().max().copied().unwrap_or_default();
    format!("{}–{}", ms(min), ms(max))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let caches = tempfile::tempdir().expect("dir");
    // SAFETY: set before any thread of this program starts.
    unsafe { std::env::set_var("KEYHOLDER_CACHE_DIR", caches.path()) };
    let server = postgres::PgServer::start();
    let address = server.database("office");
    let server_path = Path::new(&address);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("bench.khv");
    let password = SecretString::new(PASSWORD);
    let started = Instant::now();
    let mut created = Office::create(
        &file,
        NewOffice { operator: "Bench", password: &password, kdf: Some(KdfParams::FLOOR) },
        Arc::new(SystemClock),
    )
    .expect("create");
    created.office.populate_demo(STAFF).expect("demo");
    println!("demo office of {STAFF} staff in a file: {:.1} s", started.elapsed().as_secs_f64());
    // For comparison: ticks on the file (the last open items; the server's ticks take the first).
    let open_items: Vec<_> = created
        .office
        .current_checklists()
        .expect("checklists")
        .into_iter()
        .flat_map(|list| list.open_items().map(|item| item.id).collect::<Vec<_>>())
        .collect();
    let mut file_ticks = Vec::new();
    for item in open_items.iter().rev() {
        if file_ticks.len() == 15 {
            break;
        }
        let t = Instant::now();
        if created.office.complete_item(*item).is_ok() {
            file_ticks.push(t.elapsed());
        }
    }
    println!(
        "one checklist tick on the file, for comparison: {} ({})",
        ms(median(file_ticks.clone())),
        range(&file_ticks)
    );
    let started = Instant::now();
    let report = created.office.copy_record_to(&address).expect("copy to the server");
    println!(
        "copied to the server and checked (keyholder migrate): {:.1} s, {} rows in {} tables",
        started.elapsed().as_secs_f64(),
        report.rows,
        report.tables
    );
    drop(created);

    let kdf = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                derive_kek(PASSWORD.as_bytes(), &[0; 16], KdfParams::FLOOR).expect("kdf");
                t.elapsed()
            })
            .collect(),
    );
    // The first sign-in at a desk fetches the whole record; later ones open this desk's
    // encrypted copy and fetch only what changed since.
    let (mut opens, mut signs) = (Vec::new(), Vec::new());
    for _ in 0..6 {
        let t = Instant::now();
        let office = sign_in(server_path);
        let signed = t.elapsed();
        let deps = deps(server_path);
        let mut harness = Harness::builder()
            .with_size([1280.0, 800.0])
            .with_accessibility_check(false)
            .build_eframe(move |_cc| KeyholderApp::with_office(deps, office));
        harness.step();
        opens.push(t.elapsed().saturating_sub(kdf));
        signs.push(signed.saturating_sub(kdf));
    }
    let first = opens.remove(0);
    let first_sign = signs.remove(0);
    println!(
        "first sign-in at a desk to the first drawn screen, the whole record fetched (without the key derivation {}): {} (of it the sign-in {})",
        ms(kdf),
        ms(first),
        ms(first_sign)
    );
    println!(
        "later sign-ins to the first drawn screen, from this desk's copy (without the key derivation): {} ({}); of it the sign-in {}",
        ms(median(opens.clone())),
        range(&opens),
        ms(median(signs))
    );

    let mut desk_a = sign_in(server_path);
    let mut desk_b = sign_in(server_path);
    let items: Vec<_> = desk_a
        .current_checklists()
        .expect("checklists")
        .into_iter()
        .flat_map(|list| list.open_items().map(|item| item.id).collect::<Vec<_>>())
        .collect();
    let (mut ticks, mut seen) = (Vec::new(), Vec::new());
    for item in items {
        if ticks.len() == 15 {
            break;
        }
        let t = Instant::now();
        if desk_a.complete_item(item).is_err() {
            continue;
        }
        let ticked = t.elapsed();
        while !desk_b.changes_waiting() {
            std::thread::sleep(Duration::from_micros(200));
        }
        desk_b.catch_up().expect("catch up");
        // What the other desk's screen then reads again (the due list and the directory).
        desk_b.due_items().expect("due");
        desk_b.directory().expect("directory");
        seen.push(t.elapsed());
        ticks.push(ticked);
    }
    println!("one checklist tick, saved on the server: {} ({})", ms(median(ticks.clone())), range(&ticks));
    println!(
        "the tick shown at another desk (told, taken in, its due list and directory read again): {} ({})",
        ms(median(seen.clone())),
        range(&seen)
    );
}
