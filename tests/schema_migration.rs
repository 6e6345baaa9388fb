//! A vault at schema version 1, as it shipped, migrates to exactly the current schema.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

use keyholder::vault::schema;
use rusqlite::Connection;

#[test]
fn a_frozen_v1_database_migrates_to_the_same_schema_as_a_fresh_one() {
    let mut old = Connection::open_in_memory().expect("open");
    old.execute_batch(include_str!("fixtures/schema_v1.sql")).expect("v1 schema");
    old.execute("INSERT INTO operators (name, created_at) VALUES ('Ada', '2026-01-01T00:00:00Z')", []).expect("row");
    assert_eq!(schema::version(&old).expect("version"), 1);
    schema::migrate(&mut old).expect("migrate");

    let mut fresh = Connection::open_in_memory().expect("open");
    schema::migrate(&mut fresh).expect("fresh");

    assert_eq!(schema::version(&old).expect("version"), schema::VERSION);
    assert_eq!(schema::describe(&old).expect("old"), schema::describe(&fresh).expect("fresh"));
    let name: String = old.query_row("SELECT name FROM operators", [], |r| r.get(0)).expect("kept");
    assert_eq!(name, "Ada");
}

#[test]
fn a_vault_from_a_newer_keyholder_is_refused() {
    let mut conn = Connection::open_in_memory().expect("open");
    conn.pragma_update(None, "user_version", schema::VERSION + 1).expect("bump");
    let error = schema::migrate(&mut conn).expect_err("newer");
    assert!(error.to_string().contains("newer Keyholder"), "{error}");
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    let mut conn = Connection::open_in_memory().expect("open");
    schema::migrate(&mut conn).expect("migrate");
    conn.execute(
        "INSERT INTO audit_log (seq, at_ns, operator, action, summary, prev_hash, hash) VALUES (1, 0, 'a', 'x', 'y', x'00', x'00')",
        [],
    )
    .expect("insert");
    assert!(conn.execute("UPDATE audit_log SET summary = 'z'", []).is_err());
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

#[test]
fn the_checklist_table_rebuild_keeps_every_checklist_and_item_of_a_version_7_vault() {
    let mut conn = Connection::open_in_memory().expect("open");
    schema::migrate_to(&mut conn, 7).expect("to v7");
    assert_eq!(schema::version(&conn).expect("version"), 7);
    conn.execute_batch(
        "INSERT INTO staff (id, full_name, email, status) VALUES (1, 'Sam Carter', 'sam@example.com', 'leaving');
         INSERT INTO checklists (id, staff_id, process, key_date, started_at_ns) VALUES (5, 1, 'leaver', '2026-11-30', 1);
         INSERT INTO checklist_items (checklist_id, kind, title, due) VALUES (5, '\"IssueDevices\"', 'a', '2026-11-30');
         INSERT INTO checklist_items (checklist_id, kind, title, due, state) VALUES (5, '\"IssueDevices\"', 'b', '2026-11-30', 'done');",
    )
    .expect("v7 rows");
    assert!(
        conn.execute(
            "INSERT INTO checklists (staff_id, process, key_date, started_at_ns) VALUES (1, 'review', 'x', 1)",
            []
        )
        .is_err(),
        "v7 has no review checklists"
    );
    schema::migrate(&mut conn).expect("to the current version");
    let kept: (i64, String, i64) = conn
        .query_row(
            "SELECT c.id, c.process, count(i.id) FROM checklists c JOIN checklist_items i ON i.checklist_id = c.id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("kept");
    assert_eq!(kept, (5, "leaver".to_owned(), 2));
    conn.execute(
        "INSERT INTO checklists (staff_id, process, key_date, started_at_ns) VALUES (1, 'review', 'x', 1)",
        [],
    )
    .expect("review checklists from v8");
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk");
    assert_eq!(broken, 0);
    let on: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("pragma");
    assert_eq!(on, 1, "foreign keys are back on");
}

#[test]
fn the_staff_table_rebuild_keeps_every_person_and_every_reference_of_a_version_11_vault() {
    let mut conn = Connection::open_in_memory().expect("open");
    schema::migrate_to(&mut conn, 11).expect("to v11");
    conn.execute_batch(
        "INSERT INTO staff (id, full_name, email, status) VALUES (1, 'Kim Lee', 'kim@example.com', 'active');
         INSERT INTO staff (id, full_name, email, manager_id, start_date, status, notes)
             VALUES (7, 'Sam Carter', 'sam@example.com', 1, '2026-01-05', 'leaving', 'line one
line two');
         INSERT INTO systems (id, name, kind, owner_id) VALUES (3, 'CRM', 'software', 7);
         INSERT INTO access_levels (id, system_id, name, rank) VALUES (4, 3, 'user', 0);
         INSERT INTO direct_grants (staff_id, level_id, reason, approved_by, granted_on) VALUES (7, 4, 'cover', 'Ada', '2026-01-05');
         INSERT INTO checklists (id, staff_id, process, key_date, started_at_ns) VALUES (5, 7, 'leaver', '2026-11-30', 1);",
    )
    .expect("v11 rows");
    schema::migrate(&mut conn).expect("to the current version");
    let sam: (String, i64, String, String, String) = conn
        .query_row("SELECT full_name, manager_id, start_date, status, notes FROM staff WHERE id = 7", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("kept");
    assert_eq!(sam, ("Sam Carter".into(), 1, "2026-01-05".into(), "leaving".into(), "line one\nline two".into()));
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk");
    assert_eq!(broken, 0);
    conn.pragma_update(None, "foreign_keys", true).expect("fk on");
    assert!(
        conn.execute("DELETE FROM staff WHERE id = 7", []).is_err(),
        "grants, systems and lists still refer to Sam"
    );
    assert!(
        conn.execute("INSERT INTO staff (full_name, email, status) VALUES ('X', 'x@example.com', 'gone')", []).is_err(),
        "the status is still checked"
    );
    assert!(
        conn.execute("INSERT INTO staff (full_name, email, status) VALUES ('X', 'KIM@example.com', 'active')", [])
            .is_err(),
        "emails are still unique whatever their case"
    );
}
