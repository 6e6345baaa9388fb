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
