//! Access review campaigns, their frozen items and decisions, and their exports in the database.

use super::checklists::item_state;
use super::columns::{bad, ns, required_timestamp, timestamp};
use super::error::VaultResult;
use super::handle::{Read, Write};
use crate::domain::checklist::ItemState;
use crate::domain::review::{Decision, Review, ReviewCounts, ReviewItem, Scope, SnapshotItem};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, Row, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What starting a campaign writes.
pub struct NewReview<'a> {
    pub scope: &'a Scope,
    pub reviewer: &'a str,
    pub due: jiff::civil::Date,
    pub cadence_days: u32,
    pub started_by: &'a str,
    pub previous_id: Option<i64>,
}

/// Write the campaign and its frozen items; returns the campaign's id.
pub fn insert(
    &Write(Read(conn)): &Write<'_>,
    review: &NewReview<'_>,
    at: Timestamp,
    items: &[SnapshotItem],
) -> VaultResult<i64> {
    conn.execute(
        "INSERT INTO reviews (scope, reviewer, due, cadence_days, started_at_ns, started_by, previous_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            review.scope.code(),
            review.reviewer,
            review.due.to_string(),
            review.cadence_days,
            ns(at)?,
            review.started_by,
            review.previous_id
        ],
    )?;
    let id = conn.last_insert_rowid();
    // The tally a trigger keeps from now on (inserting items does not fire it).
    let exceptions = items.iter().filter(|item| !item.grants.is_empty()).count();
    conn.execute(
        &format!("INSERT INTO review_tallies (review_id, {TALLY_COLUMNS}) VALUES (?1, ?2, 0, 0, 0, 0, ?3, 0)"),
        params![id, items.len() as i64, exceptions as i64],
    )?;
    let mut statement = conn.prepare_cached(
        "INSERT INTO review_items (review_id, staff_id, email, full_name, team, system_id, system, level_id, level,
             source, grants, privileged, customer_data, changed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for item in items {
        let grants = item.grants.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        statement.execute(params![
            id,
            item.staff_id,
            item.email,
            item.full_name,
            item.team,
            item.system_id,
            item.system,
            item.level_id,
            item.level,
            item.source,
            grants,
            item.privileged,
            item.customer_data,
            item.changed
        ])?;
    }
    Ok(id)
}

const REVIEW_COLUMNS: &str = "id, scope, reviewer, due, cadence_days, started_at_ns, started_by, previous_id, \
                              signed_off_at_ns, signed_off_by";

fn review_from(row: &Row<'_>) -> rusqlite::Result<(Review, String, String)> {
    let scope: String = row.get(1)?;
    let due: String = row.get(3)?;
    Ok((
        Review {
            id: row.get(0)?,
            scope: Scope::All,
            reviewer: row.get(2)?,
            due: jiff::civil::Date::default(),
            cadence_days: row.get(4)?,
            started_at: required_timestamp(row.get(5)?)?,
            started_by: row.get(6)?,
            previous_id: row.get(7)?,
            signed_off_at: timestamp(row.get(8)?)?,
            signed_off_by: row.get(9)?,
        },
        scope,
        due,
    ))
}

fn finish_review((mut review, scope, due): (Review, String, String)) -> VaultResult<Review> {
    review.scope = Scope::parse(&scope).map_err(|_| bad("review scope"))?;
    review.due = due.parse().map_err(|_| bad("review due date"))?;
    Ok(review)
}

/// Every campaign, newest first.
pub fn all(&Read(conn): &Read<'_>) -> VaultResult<Vec<Review>> {
    let mut statement = conn.prepare(&format!("SELECT {REVIEW_COLUMNS} FROM reviews ORDER BY id DESC"))?;
    let rows = statement.query_map([], review_from)?;
    rows.map(|row| finish_review(row?)).collect()
}

pub fn get(&Read(conn): &Read<'_>, id: i64) -> VaultResult<Option<Review>> {
    let row =
        conn.query_row(&format!("SELECT {REVIEW_COLUMNS} FROM reviews WHERE id = ?1"), [id], review_from).optional()?;
    row.map(finish_review).transpose()
}

/// The columns of `review_tallies` after `review_id`, in [`ReviewCounts`] order.
const TALLY_COLUMNS: &str = "items, decided, kept, removed, reduced, exceptions, revocations";

/// Counts per campaign: the tallies the schema keeps as decisions change, and the removals
/// still open (through the index of the items with a removal).
pub fn counts(&Read(conn): &Read<'_>) -> VaultResult<HashMap<i64, ReviewCounts>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT review_id, {TALLY_COLUMNS},
                (SELECT count(*) FROM review_items r JOIN checklist_items c ON c.id = r.revocation_item
                 WHERE r.review_id = t.review_id AND r.revocation_item IS NOT NULL AND c.state = 'open')
         FROM review_tallies t"
    ))?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, counts_from(row, 1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// [`ReviewCounts`] from eight count columns starting at `first`.
fn counts_from(row: &Row<'_>, first: usize) -> rusqlite::Result<ReviewCounts> {
    let n = |i: usize| row.get::<_, i64>(first + i).map(|v| usize::try_from(v).unwrap_or(0));
    Ok(ReviewCounts {
        items: n(0)?,
        decided: n(1)?,
        kept: n(2)?,
        removed: n(3)?,
        reduced: n(4)?,
        exceptions: n(5)?,
        revocations: n(6)?,
        revocations_open: n(7)?,
    })
}

/// Reviews whose tallies differ from their items counted again (for `verify`).
pub fn tally_problems(&Read(conn): &Read<'_>) -> VaultResult<Vec<String>> {
    let read = |sql: &str| -> VaultResult<BTreeMap<i64, [i64; 7]>> {
        let mut statement = conn.prepare(sql)?;
        let rows = statement.query_map([], |row| {
            let mut tally = [0; 7];
            for (i, n) in tally.iter_mut().enumerate() {
                *n = row.get(i + 1)?;
            }
            Ok((row.get(0)?, tally))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let counted = read(
        "SELECT review_id, count(*), count(decision), coalesce(sum(decision = 'keep'), 0),
                coalesce(sum(decision = 'remove'), 0), coalesce(sum(decision LIKE 'reduce:%'), 0),
                coalesce(sum(grants != ''), 0), count(revocation_item)
         FROM review_items GROUP BY review_id",
    )?;
    let kept = read(&format!("SELECT review_id, {TALLY_COLUMNS} FROM review_tallies"))?;
    let ids: BTreeSet<i64> = counted.keys().chain(kept.keys()).copied().collect();
    Ok(ids
        .into_iter()
        .filter(|id| counted.get(id).unwrap_or(&[0; 7]) != kept.get(id).unwrap_or(&[0; 7]))
        .map(|id| format!("the counts of access review #{id} do not match its items"))
        .collect())
}

const ITEM_COLUMNS: &str = "id, review_id, staff_id, email, full_name, team, system_id, system, level_id, level, \
                            source, grants, privileged, customer_data, changed, decision, comment, decided_by, \
                            decided_at_ns, revocation_item";

fn item_from(row: &Row<'_>) -> rusqlite::Result<(ReviewItem, String, Option<String>)> {
    Ok((
        ReviewItem {
            id: row.get(0)?,
            review_id: row.get(1)?,
            item: SnapshotItem {
                staff_id: row.get(2)?,
                email: row.get(3)?,
                full_name: row.get(4)?,
                team: row.get(5)?,
                system_id: row.get(6)?,
                system: row.get(7)?,
                level_id: row.get(8)?,
                level: row.get(9)?,
                source: row.get(10)?,
                grants: Vec::new(),
                privileged: row.get(12)?,
                customer_data: row.get(13)?,
                changed: row.get(14)?,
            },
            decision: None,
            comment: row.get(16)?,
            decided_by: row.get(17)?,
            decided_at: timestamp(row.get(18)?)?,
            revocation_item: row.get(19)?,
        },
        row.get(11)?,
        row.get(15)?,
    ))
}

fn finish_item((mut item, grants, decision): (ReviewItem, String, Option<String>)) -> VaultResult<ReviewItem> {
    item.item.grants = grants
        .split(',')
        .filter(|g| !g.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad("grant"))?;
    item.decision = decision.map(|d| Decision::parse(&d)).transpose().map_err(|_| bad("decision"))?;
    Ok(item)
}

/// A campaign's items in snapshot order. They were written together, so their ids are one
/// range: the table is read along it (`NOT INDEXED`), not looked up item by item from the
/// index of reviews, into a list made the range's size at once.
pub fn items(&Read(conn): &Read<'_>, review: i64) -> VaultResult<Vec<ReviewItem>> {
    super::db::keep_large_reads_cached(conn)?;
    let (first, last): (Option<i64>, Option<i64>) = conn
        // Two subqueries: SQLite finds a lone min() or max() with one search of the index,
        // but both in one query by scanning the review's entries.
        .prepare_cached(
            "SELECT (SELECT min(id) FROM review_items WHERE review_id = ?1),
                    (SELECT max(id) FROM review_items WHERE review_id = ?1)",
        )?
        .query_row([review], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let (Some(first), Some(last)) = (first, last) else { return Ok(Vec::new()) };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM review_items NOT INDEXED WHERE id BETWEEN ?2 AND ?3 AND review_id = ?1 ORDER BY id"
    ))?;
    let mut items = Vec::with_capacity(usize::try_from(last - first + 1).unwrap_or(0));
    for row in statement.query_map([review, first, last], item_from)? {
        items.push(finish_item(row?)?);
    }
    Ok(items)
}

pub fn item(&Read(conn): &Read<'_>, id: i64) -> VaultResult<Option<ReviewItem>> {
    let row = conn
        .query_row(&format!("SELECT {ITEM_COLUMNS} FROM review_items WHERE id = ?1"), [id], item_from)
        .optional()?;
    row.map(finish_item).transpose()
}

/// Record one decision for several items.
pub fn decide(
    &Write(Read(conn)): &Write<'_>,
    items: &[i64],
    decision: &Decision,
    comment: &str,
    by: &str,
    at: Timestamp,
) -> VaultResult<()> {
    let mut statement = conn.prepare_cached(
        "UPDATE review_items SET decision = ?2, comment = ?3, decided_by = ?4, decided_at_ns = ?5 WHERE id = ?1",
    )?;
    let at = ns(at)?;
    for id in items {
        statement.execute(params![id, decision.code(), comment, by, at])?;
    }
    Ok(())
}

pub fn sign_off(&Write(Read(conn)): &Write<'_>, review: i64, by: &str, at: Timestamp) -> VaultResult<()> {
    conn.execute(
        "UPDATE reviews SET signed_off_at_ns = ?2, signed_off_by = ?3 WHERE id = ?1",
        params![review, ns(at)?, by],
    )?;
    Ok(())
}

pub fn link_revocation(&Write(Read(conn)): &Write<'_>, review_item: i64, checklist_item: i64) -> VaultResult<()> {
    conn.execute("UPDATE review_items SET revocation_item = ?2 WHERE id = ?1", params![review_item, checklist_item])?;
    Ok(())
}

/// The state of each revocation of a campaign, by review item.
pub fn revocations(&Read(conn): &Read<'_>, review: i64) -> VaultResult<HashMap<i64, ItemState>> {
    let mut statement = conn.prepare(
        "SELECT r.id, c.state, c.actor, c.at_ns, c.reason
         FROM review_items r JOIN checklist_items c ON c.id = r.revocation_item WHERE r.review_id = ?1",
    )?;
    let rows = statement.query_map([review], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Option<i64>>(3)?,
            row.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut states = HashMap::new();
    for row in rows {
        let (id, state, actor, at, reason) = row?;
        let state = item_state(&state, actor, at, reason)?;
        states.insert(id, state);
    }
    Ok(states)
}

/// Who was covered by a campaign, for "changed since the last review".
pub fn covered(&Read(conn): &Read<'_>, review: i64) -> VaultResult<Vec<(i64, i64)>> {
    let mut statement = conn.prepare("SELECT staff_id, level_id FROM review_items WHERE review_id = ?1")?;
    let rows = statement.query_map([review], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn record_export(
    &Write(Read(conn)): &Write<'_>,
    review: i64,
    at: Timestamp,
    by: &str,
    files: &str,
) -> VaultResult<()> {
    conn.execute(
        "INSERT INTO review_exports (review_id, at_ns, by, files) VALUES (?1, ?2, ?3, ?4)",
        params![review, ns(at)?, by, files],
    )?;
    Ok(())
}

/// Past exports of a campaign: when, by whom, which files.
pub fn exports(&Read(conn): &Read<'_>, review: i64) -> VaultResult<Vec<(Timestamp, String, String)>> {
    let mut statement = conn.prepare("SELECT at_ns, by, files FROM review_exports WHERE review_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([review], |row| Ok((required_timestamp(row.get(0)?)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::Scope;

    fn item(staff: i64, grants: Vec<i64>) -> SnapshotItem {
        SnapshotItem {
            staff_id: staff,
            email: format!("p{staff}@example.com"),
            full_name: format!("Person {staff}"),
            team: String::new(),
            system_id: 1,
            system: "CRM".into(),
            level_id: 1,
            level: "user".into(),
            source: "role Sales".into(),
            grants,
            privileged: false,
            customer_data: false,
            changed: String::new(),
        }
    }

    #[test]
    fn tallies_follow_decisions_and_a_tampered_one_is_reported() -> VaultResult<()> {
        let mut conn = rusqlite::Connection::open_in_memory()?;
        super::super::schema::migrate(&mut conn)?;
        let tx = conn.transaction()?;
        let write = Write::new(&tx);
        let new = NewReview {
            scope: &Scope::All,
            reviewer: "Ada",
            due: jiff::civil::date(2026, 1, 31),
            cadence_days: 90,
            started_by: "Ada",
            previous_id: None,
        };
        let at = Timestamp::UNIX_EPOCH;
        let review = insert(&write, &new, at, &[item(1, vec![]), item(2, vec![7]), item(3, vec![])])?;
        let ids: Vec<i64> = items(&write, review)?.iter().map(|i| i.id).collect();
        decide(&write, &ids[..2], &Decision::Keep, "", "Ada", at)?;
        decide(&write, &ids[1..], &Decision::Remove, "", "Ada", at)?;
        let counts = counts(&write)?.get(&review).copied().unwrap_or_default();
        assert_eq!((counts.items, counts.decided, counts.kept, counts.removed, counts.exceptions), (3, 3, 1, 2, 1));
        assert!(tally_problems(&write)?.is_empty());
        tx.execute("UPDATE review_tallies SET decided = 1", [])?;
        assert_eq!(
            tally_problems(&write)?,
            vec![format!("the counts of access review #{review} do not match its items")]
        );
        Ok(())
    }
}
