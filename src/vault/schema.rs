//! The database schema and its migrations, tracked with `PRAGMA user_version`.
//!
//! Versions:
//! - 1: `meta` (vault id, audit chain head), `operators`, `audit_log`.
//! - 2: `settings`; triggers that make `audit_log` append-only.
//! - 3: the office record: `staff`, `systems`, `access_levels`, `roles`, `role_levels`,
//!   `staff_roles`, `direct_grants`, `accounts`.
//! - 4: joiners and leavers: `devices`, `checklist_templates` (with default items),
//!   `checklists`, `checklist_items`.
//! - 5: shared secrets: `secrets`, `secret_holders`, `secret_history`, `secret_exposures`.
//! - 6: authenticators: `staff_totp` (identity checks), `secret_totp` (shared accounts' codes).
//! - 7: operators' second factor: `operator_totp`, `operator_recovery_codes` (hashes only).
//! - 8: access reviews: `reviews`, `review_items`, `review_exports`; `checklists` accepts 'review'.
//! - 9: `secret_totp.period`: a shared account's code step (30 s unless its link says otherwise).
//! - 10: personal parts of audit records, encrypted per person: `staff_keys`,
//!   `audit_log.personal_staff` and `audit_log.personal` (purging a person deletes their key).
//! - 11: `checklists.archived_at_ns`: a finished process put away from the current list.
//! - 12: `staff` rebuilt with its status check written as comparisons: SQLite evaluates
//!   `status IN ('joining', …)` by filling a temporary table for every row written, which made
//!   a 10,000-row import spend half its time there (the rows and references are kept as they
//!   are, see `migrate`).
//! - 13: `review_tallies`: each review's counts (items, decided, kept, removed, reduced,
//!   exceptions, removals), kept by a trigger as decisions change, so that listing reviews does
//!   not count 100,000 items each time; `reviews::insert` writes a new review's row. An index
//!   of the items with a removal, for the removals still open.
//! - 14: `directories`, `directory_groups`, `directory_matches`: the office's directories.
//! - 15: `directories.last_checked_ns`, `last_differences`: each directory's last check.
//! - 16: `directories.kind` may be `scim` (an app's SCIM 2.0 API), `microsoft365` or
//!   `google-workspace` (checked from the admin console's user export).
//!
//! Each step runs inside one transaction with the version bump, so a crash leaves the database
//! at the old version or the new one, never between.

use super::error::{VaultError, VaultResult};
use rusqlite::Connection;

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// `MIGRATIONS[n]` upgrades version `n` to `n + 1`. Never edit a step once released: add one.
const MIGRATIONS: &[&str] = &[
    // 0 → 1
    "CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE operators (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at_ns INTEGER NOT NULL,
        operator TEXT NOT NULL,
        action TEXT NOT NULL,
        summary TEXT NOT NULL,
        before TEXT,
        after TEXT,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
    );",
    // 1 → 2
    "CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    // 2 → 3
    "CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        full_name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        job_title TEXT NOT NULL DEFAULT '',
        team TEXT NOT NULL DEFAULT '',
        manager_id INTEGER REFERENCES staff(id),
        start_date TEXT,
        end_date TEXT,
        status TEXT NOT NULL CHECK (status IN ('joining', 'active', 'leaving', 'left')),
        notes TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX staff_manager ON staff(manager_id);
    CREATE TABLE systems (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL CHECK (kind IN ('software', 'shared_account', 'physical')),
        owner_id INTEGER REFERENCES staff(id),
        location TEXT NOT NULL DEFAULT '',
        customer_data INTEGER NOT NULL DEFAULT 0,
        mfa_supported INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE access_levels (
        id INTEGER PRIMARY KEY,
        system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
        name TEXT NOT NULL COLLATE NOCASE,
        rank INTEGER NOT NULL,
        privileged INTEGER NOT NULL DEFAULT 0,
        UNIQUE (system_id, name)
    );
    CREATE TABLE roles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE role_levels (
        role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        level_id INTEGER NOT NULL REFERENCES access_levels(id),
        PRIMARY KEY (role_id, level_id)
    ) WITHOUT ROWID;
    CREATE TABLE staff_roles (
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        role_id INTEGER NOT NULL REFERENCES roles(id),
        assigned_on TEXT NOT NULL,
        assigned_by TEXT NOT NULL,
        PRIMARY KEY (staff_id, role_id)
    ) WITHOUT ROWID;
    CREATE INDEX staff_roles_role ON staff_roles(role_id);
    CREATE TABLE direct_grants (
        id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        level_id INTEGER NOT NULL REFERENCES access_levels(id),
        reason TEXT NOT NULL,
        approved_by TEXT NOT NULL,
        granted_on TEXT NOT NULL,
        expires_on TEXT
    );
    CREATE INDEX direct_grants_staff ON direct_grants(staff_id);
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        system_id INTEGER NOT NULL REFERENCES systems(id),
        username TEXT NOT NULL,
        created_on TEXT,
        disabled_on TEXT,
        mfa_enrolled INTEGER NOT NULL DEFAULT 0,
        mfa_enrolled_on TEXT,
        UNIQUE (staff_id, system_id)
    );",
    // 3 → 4
    "CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        model TEXT NOT NULL DEFAULT '',
        serial TEXT NOT NULL UNIQUE COLLATE NOCASE,
        assigned_to INTEGER REFERENCES staff(id),
        issued_on TEXT,
        returned_on TEXT
    );
    CREATE TABLE checklist_templates (
        id INTEGER PRIMARY KEY,
        process TEXT NOT NULL CHECK (process IN ('joiner', 'mover', 'leaver')),
        title TEXT NOT NULL,
        offset_days INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO checklist_templates (process, title, offset_days) VALUES
        ('joiner', 'Give a building pass and show the alarm and fire procedures', 0),
        ('joiner', 'Explain confidentiality duties', 0),
        ('leaver', 'Return building pass and keys', 0),
        ('leaver', 'Remind of confidentiality duties that continue after leaving', 0);
    CREATE TABLE checklists (
        id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        process TEXT NOT NULL CHECK (process IN ('joiner', 'mover', 'leaver')),
        key_date TEXT NOT NULL,
        started_at_ns INTEGER NOT NULL,
        finished_at_ns INTEGER
    );
    CREATE INDEX checklists_staff ON checklists(staff_id);
    CREATE TABLE checklist_items (
        id INTEGER PRIMARY KEY,
        checklist_id INTEGER NOT NULL REFERENCES checklists(id),
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        due TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'skipped')),
        actor TEXT,
        at_ns INTEGER,
        reason TEXT
    );
    CREATE INDEX checklist_items_list ON checklist_items(checklist_id);",
    // 4 → 5
    "CREATE TABLE secrets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        system_id INTEGER REFERENCES systems(id),
        level_id INTEGER REFERENCES access_levels(id),
        username TEXT NOT NULL DEFAULT '',
        value TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        interval_days INTEGER,
        last_rotated TEXT NOT NULL,
        compromised_on TEXT,
        compromised_note TEXT
    );
    CREATE TABLE secret_holders (
        secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        PRIMARY KEY (secret_id, staff_id)
    ) WITHOUT ROWID;
    CREATE TABLE secret_history (
        id INTEGER PRIMARY KEY,
        secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
        value TEXT NOT NULL,
        used_from TEXT NOT NULL,
        replaced_on TEXT NOT NULL
    );
    CREATE TABLE secret_exposures (
        secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        since TEXT NOT NULL,
        PRIMARY KEY (secret_id, staff_id)
    ) WITHOUT ROWID;",
    // 5 → 6
    "CREATE TABLE staff_totp (
        staff_id INTEGER PRIMARY KEY REFERENCES staff(id),
        secret BLOB NOT NULL,
        enrolled_on TEXT,
        last_step INTEGER
    );
    CREATE TABLE secret_totp (
        secret_id INTEGER PRIMARY KEY REFERENCES secrets(id) ON DELETE CASCADE,
        secret BLOB NOT NULL,
        algorithm TEXT NOT NULL,
        digits INTEGER NOT NULL
    );",
    // 6 → 7
    "CREATE TABLE operator_totp (
        operator TEXT PRIMARY KEY COLLATE NOCASE,
        secret BLOB NOT NULL,
        enabled_at TEXT,
        last_step INTEGER
    ) WITHOUT ROWID;
    CREATE TABLE operator_recovery_codes (
        id INTEGER PRIMARY KEY,
        operator TEXT NOT NULL COLLATE NOCASE,
        hash BLOB NOT NULL,
        used_at TEXT
    );
    CREATE INDEX operator_recovery_codes_by_operator ON operator_recovery_codes(operator);",
    // 7 → 8: access reviews; checklists may now track a review's revocations (SQLite cannot
    // change a CHECK in place, so the table is rebuilt with foreign keys off, see `migrate`).
    "CREATE TABLE checklists_v8 (
        id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        process TEXT NOT NULL CHECK (process IN ('joiner', 'mover', 'leaver', 'review')),
        key_date TEXT NOT NULL,
        started_at_ns INTEGER NOT NULL,
        finished_at_ns INTEGER
    );
    INSERT INTO checklists_v8 (id, staff_id, process, key_date, started_at_ns, finished_at_ns)
        SELECT id, staff_id, process, key_date, started_at_ns, finished_at_ns FROM checklists;
    DROP TABLE checklists;
    ALTER TABLE checklists_v8 RENAME TO checklists;
    CREATE INDEX checklists_staff ON checklists(staff_id);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        due TEXT NOT NULL,
        cadence_days INTEGER NOT NULL,
        started_at_ns INTEGER NOT NULL,
        started_by TEXT NOT NULL,
        previous_id INTEGER REFERENCES reviews(id),
        signed_off_at_ns INTEGER,
        signed_off_by TEXT
    );
    CREATE TABLE review_items (
        id INTEGER PRIMARY KEY,
        review_id INTEGER NOT NULL REFERENCES reviews(id),
        staff_id INTEGER NOT NULL,
        email TEXT NOT NULL,
        full_name TEXT NOT NULL,
        team TEXT NOT NULL,
        system_id INTEGER NOT NULL,
        system TEXT NOT NULL,
        level_id INTEGER NOT NULL,
        level TEXT NOT NULL,
        source TEXT NOT NULL,
        grants TEXT NOT NULL,
        privileged INTEGER NOT NULL,
        customer_data INTEGER NOT NULL,
        changed TEXT NOT NULL,
        decision TEXT,
        comment TEXT NOT NULL DEFAULT '',
        decided_by TEXT,
        decided_at_ns INTEGER,
        revocation_item INTEGER REFERENCES checklist_items(id)
    );
    CREATE INDEX review_items_by_review ON review_items(review_id);
    CREATE TABLE review_exports (
        id INTEGER PRIMARY KEY,
        review_id INTEGER NOT NULL REFERENCES reviews(id),
        at_ns INTEGER NOT NULL,
        by TEXT NOT NULL,
        files TEXT NOT NULL
    );",
    // 8 → 9
    "ALTER TABLE secret_totp ADD COLUMN period INTEGER NOT NULL DEFAULT 30;",
    // 9 → 10
    "CREATE TABLE staff_keys (
        staff_id INTEGER PRIMARY KEY,
        key BLOB NOT NULL
    );
    ALTER TABLE audit_log ADD COLUMN personal_staff INTEGER;
    ALTER TABLE audit_log ADD COLUMN personal BLOB;",
    // 10 → 11
    "ALTER TABLE checklists ADD COLUMN archived_at_ns INTEGER;",
    // 11 → 12: the same table and rows, with the status check as comparisons (rebuilt like the
    // checklists in 7 → 8; the tables that refer to `staff` refer to the new one by its name).
    "CREATE TABLE staff_v12 (
        id INTEGER PRIMARY KEY,
        full_name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        job_title TEXT NOT NULL DEFAULT '',
        team TEXT NOT NULL DEFAULT '',
        manager_id INTEGER REFERENCES staff(id),
        start_date TEXT,
        end_date TEXT,
        status TEXT NOT NULL CHECK (status = 'joining' OR status = 'active' OR status = 'leaving' OR status = 'left'),
        notes TEXT NOT NULL DEFAULT ''
    );
    INSERT INTO staff_v12 (id, full_name, email, job_title, team, manager_id, start_date, end_date, status, notes)
        SELECT id, full_name, email, job_title, team, manager_id, start_date, end_date, status, notes FROM staff;
    DROP TABLE staff;
    ALTER TABLE staff_v12 RENAME TO staff;
    CREATE INDEX staff_manager ON staff(manager_id);",
    // 12 → 13
    "CREATE TABLE review_tallies (
        review_id INTEGER PRIMARY KEY REFERENCES reviews(id),
        items INTEGER NOT NULL,
        decided INTEGER NOT NULL,
        kept INTEGER NOT NULL,
        removed INTEGER NOT NULL,
        reduced INTEGER NOT NULL,
        exceptions INTEGER NOT NULL,
        revocations INTEGER NOT NULL
    );
    INSERT INTO review_tallies (review_id, items, decided, kept, removed, reduced, exceptions, revocations)
        SELECT review_id, count(*), count(decision), coalesce(sum(decision = 'keep'), 0),
               coalesce(sum(decision = 'remove'), 0), coalesce(sum(decision LIKE 'reduce:%'), 0),
               coalesce(sum(grants != ''), 0), count(revocation_item)
        FROM review_items GROUP BY review_id;
    CREATE TRIGGER review_items_tally AFTER UPDATE OF review_id, decision, grants, revocation_item ON review_items
    BEGIN
        UPDATE review_tallies SET
            items = items - 1,
            decided = decided - (OLD.decision IS NOT NULL),
            kept = kept - (OLD.decision IS 'keep'),
            removed = removed - (OLD.decision IS 'remove'),
            reduced = reduced - coalesce(OLD.decision LIKE 'reduce:%', 0),
            exceptions = exceptions - (OLD.grants != ''),
            revocations = revocations - (OLD.revocation_item IS NOT NULL)
        WHERE review_id = OLD.review_id;
        UPDATE review_tallies SET
            items = items + 1,
            decided = decided + (NEW.decision IS NOT NULL),
            kept = kept + (NEW.decision IS 'keep'),
            removed = removed + (NEW.decision IS 'remove'),
            reduced = reduced + coalesce(NEW.decision LIKE 'reduce:%', 0),
            exceptions = exceptions + (NEW.grants != ''),
            revocations = revocations + (NEW.revocation_item IS NOT NULL)
        WHERE review_id = NEW.review_id;
    END;
    CREATE INDEX review_items_revocations ON review_items(review_id, revocation_item)
        WHERE revocation_item IS NOT NULL;",
    // 13 → 14: directories the office runs (issue 17), their bind password kept like a
    // shared secret's value, and how their accounts and groups map onto systems.
    "CREATE TABLE directories (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL CHECK (kind = 'openldap' OR kind = 'ad'),
        url TEXT NOT NULL,
        base_dn TEXT NOT NULL,
        bind_dn TEXT NOT NULL,
        bind_password TEXT NOT NULL,
        starttls INTEGER NOT NULL DEFAULT 0,
        ca_file TEXT,
        accounts_system_id INTEGER REFERENCES systems(id)
    );
    CREATE TABLE directory_groups (
        directory_id INTEGER NOT NULL REFERENCES directories(id),
        group_dn TEXT NOT NULL,
        level_id INTEGER NOT NULL REFERENCES access_levels(id),
        PRIMARY KEY (directory_id, group_dn)
    );
    CREATE TABLE directory_matches (
        directory_id INTEGER NOT NULL REFERENCES directories(id),
        username TEXT NOT NULL COLLATE NOCASE,
        staff_id INTEGER NOT NULL,
        PRIMARY KEY (directory_id, username)
    );",
    // 14 → 15: each directory's last check, when and how many differences it found (counts
    // only: the findings name people, and are read again from the directory when needed).
    "ALTER TABLE directories ADD COLUMN last_checked_ns INTEGER;
    ALTER TABLE directories ADD COLUMN last_differences INTEGER;",
    // 15 → 16: SCIM 2.0 apps and cloud suites beside LDAP directories (the kind's check rebuilt, SQLite's way:
    // a new table, the rows copied, the old one dropped). For an app, `url` is its SCIM base
    // URL, `bind_password` its bearer token, and the DNs are empty.
    "CREATE TABLE directories_v16 (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL
            CHECK (kind = 'openldap' OR kind = 'ad' OR kind = 'scim' OR kind = 'microsoft365' OR kind = 'google-workspace'),
        url TEXT NOT NULL,
        base_dn TEXT NOT NULL,
        bind_dn TEXT NOT NULL,
        bind_password TEXT NOT NULL,
        starttls INTEGER NOT NULL DEFAULT 0,
        ca_file TEXT,
        accounts_system_id INTEGER REFERENCES systems(id),
        last_checked_ns INTEGER,
        last_differences INTEGER
    );
    INSERT INTO directories_v16 SELECT id, name, kind, url, base_dn, bind_dn, bind_password, starttls,
        ca_file, accounts_system_id, last_checked_ns, last_differences FROM directories;
    DROP TABLE directories;
    ALTER TABLE directories_v16 RENAME TO directories;",
    // 16 → 17: incidents and personal-data breaches. The facts and decisions are one JSON body
    // (the whole file is encrypted); the timeline keeps attached files; a checklist may now
    // contain an incident (rebuilt for the process check, as in 7 → 8).
    "CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        aware_ns INTEGER NOT NULL,
        closed_ns INTEGER,
        body TEXT NOT NULL
    );
    CREATE TABLE incident_updates (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        at_ns INTEGER NOT NULL,
        by_operator TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        attachment_name TEXT,
        attachment BLOB
    );
    CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id);
    CREATE TABLE incident_links (
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        kind TEXT NOT NULL CHECK (kind = 'staff' OR kind = 'system' OR kind = 'secret' OR kind = 'device'),
        target_id INTEGER NOT NULL,
        PRIMARY KEY (incident_id, kind, target_id)
    ) WITHOUT ROWID;
    CREATE TABLE checklists_v17 (
        id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        process TEXT NOT NULL
            CHECK (process = 'joiner' OR process = 'mover' OR process = 'leaver' OR process = 'review' OR process = 'incident'),
        key_date TEXT NOT NULL,
        started_at_ns INTEGER NOT NULL,
        finished_at_ns INTEGER,
        archived_at_ns INTEGER,
        incident_id INTEGER REFERENCES incidents(id)
    );
    INSERT INTO checklists_v17 (id, staff_id, process, key_date, started_at_ns, finished_at_ns, archived_at_ns)
        SELECT id, staff_id, process, key_date, started_at_ns, finished_at_ns, archived_at_ns FROM checklists;
    DROP TABLE checklists;
    ALTER TABLE checklists_v17 RENAME TO checklists;
    CREATE INDEX checklists_staff ON checklists(staff_id);
    CREATE INDEX checklists_incident ON checklists(incident_id);",
    // 17 → 18: policies with their versions (a document kept here, or a link) and who
    // acknowledged which version; training courses and their completions (a certificate kept
    // here). Audiences as typed: `all`, `team:NAME`, `role:NAME`.
    "CREATE TABLE policies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        audience TEXT NOT NULL
    );
    CREATE TABLE policy_versions (
        id INTEGER PRIMARY KEY,
        policy_id INTEGER NOT NULL REFERENCES policies(id),
        version TEXT NOT NULL,
        dated TEXT NOT NULL,
        document_name TEXT,
        document BLOB,
        link TEXT,
        UNIQUE (policy_id, version)
    );
    CREATE TABLE policy_acks (
        version_id INTEGER NOT NULL REFERENCES policy_versions(id),
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        on_date TEXT NOT NULL,
        by_operator TEXT NOT NULL,
        PRIMARY KEY (version_id, staff_id)
    ) WITHOUT ROWID;
    CREATE TABLE courses (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        every_days INTEGER NOT NULL CHECK (every_days > 0),
        audience TEXT NOT NULL,
        added_on TEXT NOT NULL
    );
    CREATE TABLE training_records (
        id INTEGER PRIMARY KEY,
        course_id INTEGER NOT NULL REFERENCES courses(id),
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        on_date TEXT NOT NULL,
        certificate_name TEXT,
        certificate BLOB,
        by_operator TEXT NOT NULL
    );
    CREATE INDEX training_records_by_staff ON training_records(staff_id);",
];

pub fn version(conn: &Connection) -> VaultResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Bring the database up to [`VERSION`]. Refuses a database written by a newer Keyholder.
pub fn migrate(conn: &mut Connection) -> VaultResult<()> {
    migrate_to(conn, VERSION)
}

/// Bring the database up to `target` (at most [`VERSION`]); upgrade tests start from an older
/// version this way.
pub fn migrate_to(conn: &mut Connection, target: i64) -> VaultResult<()> {
    let current = version(conn)?;
    if current > VERSION {
        return Err(VaultError::Refused(format!(
            "this vault was written by a newer Keyholder (schema {current}, this one knows {VERSION}); update Keyholder"
        )));
    }
    if current >= target {
        return Ok(());
    }
    // Rebuilding a table (SQLite's documented way to change a constraint) needs foreign keys
    // off, which only takes effect outside a transaction; each step checks them itself before
    // it commits, so a step that would break a reference is rolled back whole.
    conn.pragma_update(None, "foreign_keys", false)?;
    let migrated = run_steps(conn, current, target.min(VERSION));
    conn.pragma_update(None, "foreign_keys", true)?;
    migrated
}

fn run_steps(conn: &mut Connection, current: i64, target: i64) -> VaultResult<()> {
    let steps = MIGRATIONS.iter().enumerate().skip(current as usize).take((target - current) as usize);
    for (from, step) in steps {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(VaultError::Damaged(format!(
                "upgrading the schema to version {} would break {broken} reference(s); nothing was changed",
                from + 1
            )));
        }
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema as SQLite describes it, sorted, for comparing two databases.
pub fn describe(conn: &Connection) -> VaultResult<Vec<(String, String, String)>> {
    let mut statement = conn.prepare(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
