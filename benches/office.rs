//! Benchmarks on a large synthetic office (10,000 staff, 200 systems, about 100,000 grants):
//! the figures the staff/systems issue asks for. Run with `cargo bench --bench office`
//! (release build); prints one line per figure. Not run in CI: timing is not a test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark fails by panicking

use egui_kittest::Harness;
use keyholder::domain::secret::SecretString;
use keyholder::domain::staff_query::{StaffFilter, StaffIndex};
use keyholder::service::{NewOffice, NewReview, Office, SystemClock};
use keyholder::ui::{KeyholderApp, Page};
use keyholder::vault::crypto::{KdfParams, derive_kek};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{PASSWORD, deps, median, sign_in};

mod support;

const STAFF: usize = 10_000;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Median time of one frame of `page`, after a first frame to lay it out.
fn frame_time(harness: &mut Harness<'_, KeyholderApp>, page: Page) -> Duration {
    harness.state_mut().navigate(page);
    harness.step();
    median(
        (0..50)
            .map(|_| {
                let t = Instant::now();
                harness.step();
                t.elapsed()
            })
            .collect(),
    )
}

/// The frames an event loop would draw on the dashboard over `window` without input: it
/// sleeps for the repaint delay the app asked for and draws one frame each time that delay
/// runs out inside the window.
fn idle_repaints(harness: &mut Harness<'_, KeyholderApp>, window: Duration) -> usize {
    harness.state_mut().navigate(Page::Dashboard);
    // Let the page change and egui's own animations settle, as after the last click.
    for _ in 0..10 {
        harness.step();
    }
    let start = Instant::now();
    let mut frames = 0;
    loop {
        let delay = harness
            .output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map_or(Duration::MAX, |viewport| viewport.repaint_delay);
        if start.elapsed().saturating_add(delay) > window {
            return frames;
        }
        std::thread::sleep(delay);
        harness.step();
        frames += 1;
    }
}

/// Run `f`, print how long it took as one line of a figure's breakdown, return its value.
fn part<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let value = f();
    println!("    {label}: {}", ms(t.elapsed()));
    value
}

/// Where the time of opening the vault to the first screen goes, outside the UI: the sign-in,
/// then what the shell reads from the service (`Shell::open`, `Records::load`).
fn open_breakdown(path: &Path) {
    let office = part("sign-in (unlock, audit record, checks; KDF included)", || sign_in(path));
    let directory = part("directory (the whole office)", || office.directory().expect("directory"));
    part("checklists, devices, templates", || {
        (
            office.current_checklists().expect("lists"),
            office.devices().expect("devices"),
            office.templates().expect("t"),
        )
    });
    part("secret statuses", || office.secret_statuses_in(&directory).expect("secrets"));
    part("due items", || office.due_items_in(&directory).expect("due"));
    part("dashboard figures", || office.dashboard_figures(&directory).expect("figures"));
    part("search index and matrix", || {
        (StaffIndex::build(&directory, office.today()), directory.matrix(office.today()))
    });
    part("settings, operators, policies, authenticators", || {
        (
            office.settings().expect("settings"),
            office.operators().expect("operators"),
            office.policies().expect("policies"),
            office.operator_totp_status().expect("totp"),
            office.authenticator_enrolments().expect("enrolments"),
            office.secrets_with_totp().expect("secret totp"),
        )
    });
    part("recent audit (10,000 records)", || office.recent_audit(10_000).expect("audit"));
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bench.khv");
    let password = SecretString::new(PASSWORD);
    let started = Instant::now();
    let mut created = Office::create(
        &path,
        NewOffice { operator: "Bench", password: &password, kdf: Some(KdfParams::FLOOR) },
        Arc::new(SystemClock),
    )
    .expect("create");
    created.office.populate_demo(STAFF).expect("demo");
    let directory = created.office.directory().expect("directory");
    let grants = directory.all_access(created.office.today()).len();
    println!(
        "demo office: {} staff, {} systems, {} grants, built in {:.1} s",
        directory.staff.len(),
        directory.systems.len(),
        grants,
        started.elapsed().as_secs_f64()
    );
    drop(created);

    // Open to first drawn screen, without the key derivation.
    let kdf = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                derive_kek(PASSWORD.as_bytes(), &[0; 16], KdfParams::FLOOR).expect("kdf");
                t.elapsed()
            })
            .collect(),
    );
    let mut opens = Vec::new();
    let (mut signs, mut apps, mut frames, mut fulls) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut harness = None;
    for _ in 0..5 {
        drop(harness.take());
        let t = Instant::now();
        let office = sign_in(&path);
        let signed = t.elapsed();
        let deps = deps(&path);
        let app_time = std::rc::Rc::new(std::cell::Cell::new(Duration::ZERO));
        let app_time_inside = app_time.clone();
        let mut h =
            Harness::builder().with_size([1280.0, 800.0]).with_accessibility_check(false).build_eframe(move |_cc| {
                let t = Instant::now();
                let app = KeyholderApp::with_office(deps, office);
                app_time_inside.set(t.elapsed());
                app
            });
        h.step();
        let total = t.elapsed();
        // The index, matrix, pick-lists and two dashboard counts come from a worker thread.
        while !h.state().office_read_in_full() {
            std::thread::sleep(Duration::from_micros(200));
            h.step();
        }
        fulls.push(t.elapsed().saturating_sub(total));
        opens.push(total.saturating_sub(kdf));
        signs.push(signed.saturating_sub(kdf));
        apps.push(app_time.get());
        frames.push(total.saturating_sub(signed + app_time.get()));
        harness = Some(h);
    }
    println!("open vault to first drawn screen (excluding KDF {}): {}", ms(kdf), ms(median(opens)));
    println!(
        "    split: sign-in without KDF {}, the app reading the office (Shell::open) {}, egui set-up and first frame {}",
        ms(median(signs)),
        ms(median(apps)),
        ms(median(frames))
    );
    println!(
        "    then the search index, matrix, pick-lists and the dashboard's two access counts (worker thread): {} later",
        ms(median(fulls))
    );
    let mut harness = harness.expect("harness");

    // One frame of each heavy screen.
    for (page, label) in [
        (Page::Dashboard, "dashboard frame"),
        (Page::Staff, "staff list frame (10,000 staff, kittest step incl. AccessKit)"),
        (Page::AccessMatrix, "access matrix frame"),
    ] {
        println!("{label}: {}", ms(frame_time(&mut harness, page)));
    }
    let idle = idle_repaints(&mut harness, Duration::from_secs(10));
    println!("idle repaints on the dashboard over 10 s: {idle} ({:.1} per second)", idle as f64 / 10.0);
    println!("resident memory with the office open: {:.0} MiB", rss_mib());
    drop(harness);
    // After the memory figure, which these extra reads would raise.
    println!("what the app reads at sign-in, one service call at a time:");
    open_breakdown(&path);

    // Access review over the whole office: start (the snapshot), the review table, the CSV.
    let mut office = sign_in(&path);
    let t = Instant::now();
    let review = office.start_review(&NewReview { scope: "all", ..Default::default() }).expect("start review");
    let started = t.elapsed();
    let items = office.review(review).expect("review").counts.items;
    println!("start an access review over everyone ({items} items): {}", ms(started));
    let t = Instant::now();
    let csv = office.review_csv(review).expect("csv");
    println!("export that review to CSV ({} KiB): {}", csv.len() / 1024, ms(t.elapsed()));
    let t = Instant::now();
    let pdf = office.review_pdf(review).expect("pdf");
    println!("export that review to PDF ({} KiB): {}", pdf.len() / 1024, ms(t.elapsed()));
    println!("what the app reads to open a review, one service call at a time:");
    part("the review's summary", || office.review(review).expect("summary"));
    part("the review's items", || office.review_items(review).expect("items"));
    part("reviewer choices", || office.reviewer_choices().expect("reviewers"));
    part("list of reviews", || office.reviews().expect("reviews"));
    // What the app asks of the service for each K: the decision, then the due list, the
    // review progress and the recent audit records it shows again (medians of 10).
    let directory = office.directory().expect("directory");
    let (mut decide, mut due, mut progress, mut audit) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for item in office.review_items(review).expect("items").iter().take(10) {
        let time = |samples: &mut Vec<Duration>, t: Instant| samples.push(t.elapsed());
        let t = Instant::now();
        office.decide_review_items(&[item.id], "keep", "still needed").expect("decide");
        time(&mut decide, t);
        let t = Instant::now();
        std::hint::black_box(office.due_items_in(&directory).expect("due"));
        time(&mut due, t);
        let t = Instant::now();
        std::hint::black_box(office.review_progress().expect("progress"));
        time(&mut progress, t);
        let t = Instant::now();
        std::hint::black_box(office.recent_audit(10_000).expect("audit"));
        time(&mut audit, t);
    }
    let (decide, due, progress, audit) = (median(decide), median(due), median(progress), median(audit));
    println!(
        "service share of one decision: decide {} + due list {} + review progress {} + recent audit {} = {}",
        ms(decide),
        ms(due),
        ms(progress),
        ms(audit),
        ms(decide + due + progress + audit)
    );
    let deps = deps(&path);
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_accessibility_check(false)
        .build_eframe(move |_cc| KeyholderApp::with_office(deps, office));
    // As after any sign-in a moment ago: the worker thread's part is in.
    while !harness.state().office_read_in_full() {
        std::thread::sleep(Duration::from_millis(1));
        harness.step();
    }
    let t = Instant::now();
    harness.state_mut().open_review(review);
    harness.step();
    println!("open that review on screen: {}", ms(t.elapsed()));
    println!("review table frame ({items} items): {}", ms(frame_time(&mut harness, Page::Reviews)));
    // More decisions for a profiler: KEYHOLDER_BENCH_DECISIONS=400 perf record … (10 by default).
    let count = std::env::var("KEYHOLDER_BENCH_DECISIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(10);
    let decisions: Vec<Duration> = (0..count)
        .map(|_| {
            harness.key_press(egui::Key::K);
            let t = Instant::now();
            harness.step();
            t.elapsed()
        })
        .collect();
    println!("one review decision (K) applied and drawn: {}", ms(median(decisions)));
    drop(harness);

    // Search as you type.
    let office = sign_in(&path);
    let directory = office.directory().expect("directory");
    let index = StaffIndex::build(&directory, office.today());
    let searches: Vec<Duration> = ["a", "al", "ali", "alic", "sales", "crm", "zz"]
        .iter()
        .cycle()
        .take(70)
        .map(|text| {
            let filter = StaffFilter { text: (*text).to_owned(), ..Default::default() };
            let t = Instant::now();
            let rows = index.query(&directory, &filter);
            std::hint::black_box(rows);
            t.elapsed()
        })
        .collect();
    println!(
        "search-as-you-type over {} staff: {} (median of 70 keystrokes)",
        directory.staff.len(),
        ms(median(searches))
    );
    drop(office);

    // CSV import of 10,000 rows, against sqlite3's .import of the same file.
    let csv_path = dir.path().join("staff.csv");
    let mut csv = String::from("full_name,email,job_title,team,manager_email,start_date\n");
    for n in 0..STAFF {
        let manager = if n == 0 { String::new() } else { "new0@example.net".to_owned() };
        csv.push_str(&format!(
            "Person {n},new{n}@example.net,Associate,Team {},{manager},2026-01-{:02}\n",
            n % 12,
            n % 28 + 1
        ));
    }
    std::fs::write(&csv_path, &csv).expect("write csv");
    let import_path = dir.path().join("import.khv");
    let created = Office::create(
        &import_path,
        NewOffice { operator: "Bench", password: &password, kdf: Some(KdfParams::FLOOR) },
        Arc::new(SystemClock),
    )
    .expect("create");
    let mut office = created.office;
    let t = Instant::now();
    let bytes = std::fs::read(&csv_path).expect("read");
    let plan = part("preview (read and check)", || office.preview_import(&bytes).expect("preview"));
    let imported = part("apply (one transaction)", || office.apply_import(&plan, "staff.csv").expect("import"));
    let ours = t.elapsed();
    let plain = dir.path().join("plain.db");
    let t = Instant::now();
    let status = std::process::Command::new("sqlite3")
        .arg(&plain)
        .arg(".mode csv")
        .arg(format!(".import {} staff", csv_path.display()))
        .status();
    let theirs = t.elapsed();
    match status {
        Ok(s) if s.success() => println!(
            "CSV import of {imported} rows: {} (validated, encrypted, audited); sqlite3 .import into a plain database: {}; ratio {:.1}x",
            ms(ours),
            ms(theirs),
            ours.as_secs_f64() / theirs.as_secs_f64()
        ),
        _ => {
            println!("CSV import of {imported} rows: {} (sqlite3 command line not available for comparison)", ms(ours))
        }
    }
}
