//! The office record as rows: each table of the local copy (SQLite in memory) described once,
//! each row read as its key and its named cells, and encoded in a small binary form to be
//! sealed. Changes made by a transaction are noted by temporary triggers, so the service
//! layer's SQL stays the same on both stores.

use super::super::error::{VaultError, VaultResult};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use std::collections::BTreeMap;

/// How a table's rows are told apart.
#[derive(Debug, Clone)]
pub(super) enum KeyKind {
    /// A rowid table whose `INTEGER PRIMARY KEY` is the rowid (the column is the key).
    Alias(String),
    /// A rowid table without an alias: the rowid is the key and is kept with the row.
    Rowid,
    /// A `WITHOUT ROWID` table: its primary-key columns, in order.
    Primary(Vec<String>),
}

#[derive(Debug, Clone)]
pub(super) struct TableInfo {
    pub name: String,
    pub columns: Vec<String>,
    pub key: KeyKind,
}

impl TableInfo {
    fn key_columns(&self) -> Vec<String> {
        match &self.key {
            KeyKind::Alias(column) => vec![quote(column)],
            KeyKind::Rowid => vec!["rowid".to_owned()],
            KeyKind::Primary(columns) => columns.iter().map(|c| quote(c)).collect(),
        }
    }

    /// Every column to read or write, the rowid first where it is kept apart.
    fn stored_columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = self.columns.iter().map(|c| quote(c)).collect();
        if let KeyKind::Rowid = self.key {
            columns.insert(0, "rowid".to_owned());
        }
        columns
    }

    fn stored_names(&self) -> Vec<String> {
        let mut names = self.columns.clone();
        if let KeyKind::Rowid = self.key {
            names.insert(0, "rowid".to_owned());
        }
        names
    }

    fn key_condition(&self) -> String {
        self.key_columns()
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 1))
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

pub(super) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The tables of the record, as SQLite describes them now.
pub(super) fn tables(conn: &Connection) -> VaultResult<Vec<TableInfo>> {
    let mut statement = conn.prepare(
        "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kh\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let listed: Vec<(String, bool)> =
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut tables = Vec::with_capacity(listed.len());
    for (name, without_rowid) in listed {
        let mut info = conn.prepare("SELECT name, pk, upper(type) FROM pragma_table_info(?1) ORDER BY cid")?;
        let columns: Vec<(String, i64, String)> =
            info.query_map([&name], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<_, _>>()?;
        let mut primary: Vec<(i64, String)> = columns.iter().filter(|c| c.1 > 0).map(|c| (c.1, c.0.clone())).collect();
        primary.sort();
        let key = if without_rowid {
            KeyKind::Primary(primary.into_iter().map(|(_, c)| c).collect())
        } else {
            match primary.as_slice() {
                [(_, column)] if columns.iter().any(|c| &c.0 == column && c.2 == "INTEGER") => {
                    KeyKind::Alias(column.clone())
                }
                _ => KeyKind::Rowid,
            }
        };
        tables.push(TableInfo { name, columns: columns.into_iter().map(|c| c.0).collect(), key });
    }
    Ok(tables)
}

/// One row: its key values and its cells by column name.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    pub key: Vec<Value>,
    pub cells: Vec<(String, Value)>,
}

impl Row {
    pub fn cell(&self, name: &str) -> Option<&Value> {
        self.cells.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

fn key_of(table: &TableInfo, cells: &[(String, Value)]) -> Vec<Value> {
    let names: Vec<&str> = match &table.key {
        KeyKind::Alias(column) => vec![column.as_str()],
        KeyKind::Rowid => vec!["rowid"],
        KeyKind::Primary(columns) => columns.iter().map(String::as_str).collect(),
    };
    names.iter().map(|n| cells.iter().find(|(c, _)| c == n).map(|(_, v)| v.clone()).unwrap_or(Value::Null)).collect()
}

/// Every row of a table (a whole copy: migration and the first push).
pub(super) fn all_rows(conn: &Connection, table: &TableInfo) -> VaultResult<Vec<Row>> {
    let names = table.stored_names();
    let sql = format!("SELECT {} FROM {}", table.stored_columns().join(", "), quote(&table.name));
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let cells: Vec<(String, Value)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Ok((n.clone(), row.get::<_, Value>(i)?)))
            .collect::<VaultResult<_>>()?;
        out.push(Row { key: key_of(table, &cells), cells });
    }
    Ok(out)
}

/// The row with this key, if it is there.
pub(super) fn read_row(conn: &Connection, table: &TableInfo, key: &[Value]) -> VaultResult<Option<Row>> {
    let names = table.stored_names();
    let sql = format!(
        "SELECT {} FROM {} WHERE {}",
        table.stored_columns().join(", "),
        quote(&table.name),
        table.key_condition()
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params_from_iter(key.iter()))?;
    let Some(row) = rows.next()? else { return Ok(None) };
    let cells =
        names.iter().enumerate().map(|(i, n)| Ok((n.clone(), row.get::<_, Value>(i)?))).collect::<VaultResult<_>>()?;
    Ok(Some(Row { key: key.to_vec(), cells }))
}

/// Put a row in (replacing one with the same key or a clashing unique value).
pub(super) fn write_row(conn: &Connection, table: &TableInfo, row: &Row) -> VaultResult<()> {
    let columns: Vec<String> = row.cells.iter().map(|(n, _)| if n == "rowid" { n.clone() } else { quote(n) }).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let sql =
        format!("INSERT OR REPLACE INTO {} ({}) VALUES ({})", quote(&table.name), columns.join(", "), marks.join(", "));
    conn.prepare_cached(&sql)?.execute(params_from_iter(row.cells.iter().map(|(_, v)| v)))?;
    Ok(())
}

pub(super) fn delete_row(conn: &Connection, table: &TableInfo, key: &[Value]) -> VaultResult<()> {
    let sql = format!("DELETE FROM {} WHERE {}", quote(&table.name), table.key_condition());
    conn.prepare_cached(&sql)?.execute(params_from_iter(key.iter()))?;
    Ok(())
}

/// Keys in the order SQLite sorts them (numbers before text), so rows are appended in order.
pub(super) fn compare_keys(a: &[Value], b: &[Value]) -> std::cmp::Ordering {
    fn rank(value: &Value) -> u8 {
        match value {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 1,
            Value::Text(_) => 2,
            Value::Blob(_) => 3,
        }
    }
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
            (Value::Text(x), Value::Text(y)) => x.cmp(y),
            (Value::Blob(x), Value::Blob(y)) => x.cmp(y),
            (Value::Real(x), Value::Real(y)) => x.total_cmp(y),
            _ => rank(x).cmp(&rank(y)),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// Drop the record's own triggers (and, with `indexes`, its indexes) for a while; the
/// statements that make them again, for [`put_back`].
pub(super) fn set_aside(conn: &Connection, indexes: bool) -> VaultResult<Vec<String>> {
    let mut statement = conn.prepare(
        "SELECT type, name, sql FROM main.sqlite_master WHERE sql IS NOT NULL \
         AND (type = 'trigger' OR (?1 AND type = 'index')) ORDER BY rowid",
    )?;
    let found: Vec<(String, String, String)> =
        statement.query_map([indexes], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    for (kind, name, _) in &found {
        let kind = if kind == "trigger" { "TRIGGER" } else { "INDEX" };
        conn.execute_batch(&format!("DROP {kind} main.{}", quote(name)))?;
    }
    Ok(found.into_iter().map(|(_, _, sql)| sql).collect())
}

pub(super) fn put_back(conn: &Connection, statements: &[String]) -> VaultResult<()> {
    for sql in statements {
        conn.execute_batch(sql)?;
    }
    Ok(())
}

/// Temporary triggers that note every row a transaction inserts, changes or deletes (cascades
/// and `REPLACE` included) in `temp.kh_changed`. Temporary: the record's schema is unchanged.
/// The notes table has no constraint: the statement that fires a trigger imposes its own
/// conflict policy on the trigger's statements, so a clash there could fail a `REPLACE`.
pub(super) fn install_change_notes(conn: &Connection, tables: &[TableInfo]) -> VaultResult<()> {
    let mut sql = String::from(
        "PRAGMA recursive_triggers = ON;
         CREATE TEMP TABLE IF NOT EXISTS kh_changed (tbl TEXT, key TEXT);",
    );
    for table in tables {
        let key_of = |side: &str| {
            let parts: Vec<String> = table.key_columns().iter().map(|c| format!("{side}.{c}")).collect();
            format!(
                "INSERT INTO temp.kh_changed VALUES ('{}', json_array({}));",
                table.name.replace('\'', "''"),
                parts.join(", ")
            )
        };
        let t = quote(&table.name);
        let n = table.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS kh_i_{n} AFTER INSERT ON main.{t} BEGIN {} END;
             CREATE TEMP TRIGGER IF NOT EXISTS kh_u_{n} AFTER UPDATE ON main.{t} BEGIN {} {} END;
             CREATE TEMP TRIGGER IF NOT EXISTS kh_d_{n} AFTER DELETE ON main.{t} BEGIN {} END;",
            key_of("NEW"),
            key_of("OLD"),
            key_of("NEW"),
            key_of("OLD"),
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// The rows noted as changed since the notes were last cleared, by table.
pub(super) fn changed_keys(conn: &Connection) -> VaultResult<BTreeMap<String, Vec<Vec<Value>>>> {
    let mut statement = conn.prepare_cached("SELECT DISTINCT tbl, key FROM temp.kh_changed")?;
    let mut rows = statement.query([])?;
    let mut out: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    while let Some(row) = rows.next()? {
        let key: String = row.get(1)?;
        out.entry(row.get(0)?).or_default().push(parse_key(&key)?);
    }
    Ok(out)
}

/// Whether the change notes are set up yet (not while the record is first loaded).
pub(super) fn has_change_notes(conn: &Connection) -> VaultResult<bool> {
    let found: i64 =
        conn.query_row("SELECT count(*) FROM temp.sqlite_master WHERE name = 'kh_changed'", [], |r| r.get(0))?;
    Ok(found > 0)
}

pub(super) fn clear_change_notes(conn: &Connection) -> VaultResult<()> {
    conn.prepare_cached("DELETE FROM temp.kh_changed")?.execute([])?;
    Ok(())
}

fn parse_key(text: &str) -> VaultResult<Vec<Value>> {
    let parsed: serde_json::Value =
        serde_json::from_str(text).map_err(|e| VaultError::Damaged(format!("a change note: {e}")))?;
    let items = parsed.as_array().cloned().unwrap_or_default();
    Ok(items
        .into_iter()
        .map(|item| match item {
            serde_json::Value::Number(n) => {
                n.as_i64().map(Value::Integer).unwrap_or(Value::Real(n.as_f64().unwrap_or(0.0)))
            }
            serde_json::Value::String(s) => Value::Text(s),
            _ => Value::Null,
        })
        .collect())
}

/// Binary form of values: a tag, then the value (little-endian numbers, length-prefixed bytes).
pub(super) fn encode_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(0),
        Value::Integer(i) => {
            out.push(1);
            out.extend_from_slice(&i.to_le_bytes());
        }
        Value::Real(r) => {
            out.push(2);
            out.extend_from_slice(&r.to_le_bytes());
        }
        Value::Text(text) => {
            out.push(3);
            encode_bytes(out, text.as_bytes());
        }
        Value::Blob(bytes) => {
            out.push(4);
            encode_bytes(out, bytes);
        }
    }
}

pub(super) fn encode_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// The key alone, as the row's id is computed from it.
pub(super) fn encode_key(table: &str, key: &[Value]) -> Vec<u8> {
    let mut out = table.as_bytes().to_vec();
    out.push(0);
    for value in key {
        encode_value(&mut out, value);
    }
    out
}

/// A row as the bytes that are sealed: its key, then each cell with its column's name.
pub(super) fn encode_row(row: &Row) -> Vec<u8> {
    let mut out = vec![1u8];
    out.extend_from_slice(&(row.key.len() as u16).to_le_bytes());
    for value in &row.key {
        encode_value(&mut out, value);
    }
    out.extend_from_slice(&(row.cells.len() as u16).to_le_bytes());
    for (name, value) in &row.cells {
        encode_bytes(&mut out, name.as_bytes());
        encode_value(&mut out, value);
    }
    out
}

pub(super) struct Reader<'a>(pub &'a [u8]);

impl Reader<'_> {
    pub fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    pub fn u16(&mut self) -> Option<u16> {
        self.take(2).and_then(|b| b.try_into().ok()).map(u16::from_le_bytes)
    }

    pub fn bytes(&mut self) -> Option<Vec<u8>> {
        let len = self.take(4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes)?;
        self.take(len as usize).map(<[u8]>::to_vec)
    }

    pub fn value(&mut self) -> Option<Value> {
        let tag = *self.take(1)?.first()?;
        Some(match tag {
            0 => Value::Null,
            1 => Value::Integer(i64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            2 => Value::Real(f64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            3 => Value::Text(String::from_utf8(self.bytes()?).ok()?),
            4 => Value::Blob(self.bytes()?),
            _ => return None,
        })
    }
}

/// Read a row back; `None` when the bytes are not a row of this format.
pub(super) fn decode_row(bytes: &[u8]) -> Option<Row> {
    let mut reader = Reader(bytes);
    if reader.take(1)? != [1u8] {
        return None;
    }
    let keys = reader.u16()?;
    let key = (0..keys).map(|_| reader.value()).collect::<Option<Vec<_>>>()?;
    let cells = reader.u16()?;
    let cells = (0..cells)
        .map(|_| Some((String::from_utf8(reader.bytes()?).ok()?, reader.value()?)))
        .collect::<Option<Vec<_>>>()?;
    reader.0.is_empty().then_some(Row { key, cells })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, photo BLOB, score REAL);
             CREATE TABLE pairs (a INTEGER, b TEXT, note TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn tables_are_keyed_by_their_rowid_alias_their_primary_key_or_the_rowid() {
        let described = tables(&memory()).unwrap();
        let kinds: Vec<String> = described.iter().map(|t| format!("{}:{:?}", t.name, t.key)).collect();
        assert_eq!(kinds, ["meta:Rowid", "pairs:Primary([\"a\", \"b\"])", "people:Alias(\"id\")"]);
    }

    #[test]
    fn rows_survive_encoding_and_every_change_is_noted_by_key() {
        let conn = memory();
        let described = tables(&conn).unwrap();
        install_change_notes(&conn, &described).unwrap();
        conn.execute_batch(
            "INSERT INTO people VALUES (7, 'Ana', x'00ff', 1.5);
             INSERT INTO pairs VALUES (1, 'x', 'n');
             INSERT INTO meta VALUES ('k', 'v');
             UPDATE pairs SET b = 'y' WHERE a = 1;",
        )
        .unwrap();
        let changed = changed_keys(&conn).unwrap();
        assert_eq!(changed["people"], [vec![Value::Integer(7)]]);
        assert_eq!(changed["pairs"].len(), 2, "the old and the new key: {changed:?}");
        conn.execute_batch("INSERT OR REPLACE INTO people VALUES (7, 'Ana', x'00', 2.0)").unwrap();
        assert_eq!(changed_keys(&conn).unwrap()["people"].len(), 1, "noted once however often changed");
        let people = described.iter().find(|t| t.name == "people").unwrap();
        let row = read_row(&conn, people, &[Value::Integer(7)]).unwrap().unwrap();
        assert_eq!(decode_row(&encode_row(&row)), Some(row.clone()));
        let meta = described.iter().find(|t| t.name == "meta").unwrap();
        let meta_rows = all_rows(&conn, meta).unwrap();
        assert_eq!(meta_rows[0].cell("rowid"), Some(&Value::Integer(1)));
        clear_change_notes(&conn).unwrap();
        delete_row(&conn, people, &row.key).unwrap();
        assert_eq!(changed_keys(&conn).unwrap()["people"], [vec![Value::Integer(7)]]);
        write_row(&conn, people, &row).unwrap();
        assert_eq!(read_row(&conn, people, &row.key).unwrap(), Some(row));
        assert_eq!(decode_row(&[1, 0]), None);
    }
}
